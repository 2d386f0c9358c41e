"""`make run`: migrate, load the demo, then the web server, a Celery worker and Celery beat.

Runs under ``config.embedded`` (which provides DATABASE_URL and REDIS_URL). Ctrl-C stops every
process this started, then the embedded servers stop.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / ".data"


def _secret_key() -> str:
    """A per-checkout secret kept in .data, so sessions survive restarts without a committed key."""
    DATA.mkdir(exist_ok=True)
    path = DATA / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


def _manage(*args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, check=True)


def main() -> int:
    os.environ.setdefault("SECRET_KEY", _secret_key())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    port = os.environ.get("PORT", "8000")
    bind = os.environ.get("BIND", "127.0.0.1")

    _manage("migrate", "--noinput", "-v", "0")
    _manage("collectstatic", "--noinput", "-v", "0")
    _manage("load_demo")

    bin_dir = Path(sys.executable).parent
    commands = {
        "web": [
            str(bin_dir / "gunicorn"),
            "config.wsgi",
            "--bind",
            f"{bind}:{port}",
            "--workers",
            "2",
            "--threads",
            "4",
            "--access-logfile",
            "-",
            "--graceful-timeout",
            "5",
        ],
        "worker": [
            str(bin_dir / "celery"),
            "-A",
            "config",
            "worker",
            "--loglevel",
            "INFO",
            "--concurrency",
            "2",
            "--without-gossip",
            "--without-mingle",
        ],
        "beat": [
            str(bin_dir / "celery"),
            "-A",
            "config",
            "beat",
            "--loglevel",
            "INFO",
            "--schedule",
            str(DATA / "celerybeat-schedule"),
        ],
    }
    processes = {name: subprocess.Popen(cmd, cwd=ROOT) for name, cmd in commands.items()}

    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)

    time.sleep(2)
    print(
        f"\n  Lodestar is running at http://{'localhost' if bind == '127.0.0.1' else bind}:{port}/\n"
        f"  API docs: http://localhost:{port}/api/docs/   health: http://localhost:{port}/healthz\n"
        "  Demo logins (password: lodestar-demo): cpo, po, compliance, viewer, admin, outsider\n"
        "  Ctrl-C stops everything.\n",
        flush=True,
    )
    exit_code = 0
    restarts: dict[str, list[float]] = {name: [] for name in processes}
    while not stopping:
        for name, process in list(processes.items()):
            if process.poll() is None or stopping:
                continue
            # A supervisor's job: the worker can exit when Redis goes away; start it again,
            # unless it keeps dying (5 times in a minute), then stop everything.
            recent = [t for t in restarts[name] if time.monotonic() - t < 60]
            if name == "web" or len(recent) >= 5:
                print(f"{name} exited with {process.returncode}; stopping the rest.", flush=True)
                exit_code = process.returncode or 1
                stopping = True
                break
            print(f"{name} exited with {process.returncode}; restarting it.", flush=True)
            restarts[name] = [*recent, time.monotonic()]
            time.sleep(1)
            processes[name] = subprocess.Popen(commands[name], cwd=ROOT)
        time.sleep(0.5)

    for process in processes.values():
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 15
    for process in processes.values():
        try:
            process.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
    print("Lodestar stopped.", flush=True)
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
