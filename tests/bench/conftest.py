"""Benchmarks (``make bench``): real PostgreSQL and Redis, a real worker, results into docs/benchmarks.md.

Each test reports one or more blocks; at the end of the session every reported block replaces the
block of the same name between its ``<!-- bench:NAME -->`` markers in docs/benchmarks.md, so a
partial run (``-k``) leaves the other results as they were.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection

from tests.worker.conftest import start_worker, task_queue, wait_for  # noqa: F401 - fixtures used by the benchmarks

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "benchmarks.md"


class Report:
    def __init__(self) -> None:
        self.blocks: dict[str, str] = {}

    def add(self, name: str, markdown: str) -> None:
        self.blocks[name] = markdown.strip()
        print(f"\n--- {name} ---\n{markdown.strip()}\n", flush=True)

    def write(self) -> None:
        if not self.blocks:
            return
        text = DOC.read_text()
        for name, markdown in {"machine": machine_block(), **self.blocks}.items():
            pattern = re.compile(rf"(<!-- bench:{name} -->\n).*?(\n<!-- /bench:{name} -->)", re.DOTALL)
            if not pattern.search(text):
                raise AssertionError(f"docs/benchmarks.md has no markers for {name!r}")
            text = pattern.sub(lambda m, md=markdown: m.group(1) + md + m.group(2), text)
        DOC.write_text(text)
        print(f"\nResults written to {DOC.relative_to(ROOT)}", flush=True)


_machine: dict[str, str] = {}


def machine_block() -> str:
    return "\n".join(f"- {key}: {value}" for key, value in _machine.items())


def _remember_machine() -> None:
    if _machine:
        return
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo if "model name" in line), "unknown")
    free = subprocess.run(["free", "-g"], capture_output=True, text=True, check=False).stdout.rstrip()
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        version = cursor.fetchone()[0].split(" on ")[0]
        settings = {}
        for name in ("shared_buffers", "work_mem", "max_wal_size", "fsync", "synchronous_commit", "full_page_writes"):
            cursor.execute(f"SHOW {name}")
            settings[name] = cursor.fetchone()[0]
    _machine["date"] = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    _machine["CPU"] = f"{cpu}, `nproc` = {len(os.sched_getaffinity(0))}"
    indented = "\n".join("  " + line for line in free.splitlines())
    _machine["memory (`free -g`)"] = f"\n\n  ```text\n{indented}\n  ```\n"
    _machine["database"] = (
        f"{version}, embedded (`config.embedded --temp`), "
        + ", ".join(f"{k}={v}" for k, v in settings.items())
        + ". The `--temp` mode turns fsync, synchronous_commit and full_page_writes off "
        "(a throw-away cluster), so commits cost less than on a durable server."
    )


@pytest.fixture(scope="session")
def bench_report() -> Iterator[Report]:
    report = Report()
    yield report
    report.write()


@pytest.fixture
def machine(transactional_db: object) -> None:
    _remember_machine()


class Stopwatch:
    def __init__(self) -> None:
        self.seconds = 0.0

    def __enter__(self) -> Stopwatch:
        self._start = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self._start


def worker_log(queue: str, index: int = 0) -> Path:
    return Path(os.environ.get("LODESTAR_TEST_LOGS", "/tmp")) / f"{queue}-{index}.log"


def wait_until_ready(queue: str, index: int = 0, timeout: float = 60) -> None:
    log = worker_log(queue, index)
    wait_for(lambda: log.exists() and b" ready." in log.read_bytes(), timeout=timeout)
