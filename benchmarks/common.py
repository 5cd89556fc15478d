"""Shared by the loader, the runner and the import subprocess: paths and Django set-up."""

from __future__ import annotations

import json
import os
import platform
import subprocess
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
ROOT_DIR = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / "results"
# Media (import uploads) and anything else the app writes go here, not into the shared var/.
VAR_DIR = RESULTS_DIR / "var"
SETTINGS_MODULE = "benchmarks.settings"


def bench_env(database_url: str) -> dict[str, str]:
    """Environment for processes that run the app against the benchmark database."""
    env = dict(os.environ)
    env.pop("DEBUG", None)
    env.pop("ZUGONG_TESTING", None)
    env["DATABASE_URL"] = database_url
    env["DJANGO_SETTINGS_MODULE"] = SETTINGS_MODULE
    env.setdefault("ZUGONG_VAR_DIR", str(VAR_DIR))
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT_DIR), env.get("PYTHONPATH", "")) if p)
    return env


def setup_django(database_url: str) -> None:
    """Configure this process for the benchmark database and call django.setup()."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    os.environ.update({k: v for k, v in bench_env(database_url).items() if k != "PYTHONPATH"})
    for name in ("DEBUG", "ZUGONG_TESTING"):
        os.environ.pop(name, None)
    import django

    django.setup()


def database_url_arg(value: str | None) -> str:
    url = value or os.environ.get("DATABASE_URL") or os.environ.get("ZUGONG_TEST_DATABASE_URL")
    if not url or not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit(
            "需要 PostgreSQL：--database-url postgres://user@127.0.0.1:PORT/zugong_bench "
            "（或设置 DATABASE_URL）"
        )
    return url


def machine_info() -> dict[str, Any]:
    mem_kb = 0
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    mem_kb = int(line.split()[1])
    except OSError:
        pass
    cpu = ""
    try:
        cpu = subprocess.run(
            ["lscpu"], capture_output=True, text=True, timeout=10, check=False
        ).stdout
        cpu = next(
            (line.split(":", 1)[1].strip() for line in cpu.splitlines() if "Model name" in line),
            "",
        )
    except (OSError, subprocess.SubprocessError):
        cpu = ""
    return {
        "cpus": os.cpu_count(),
        "cpu_model": cpu,
        "memory_gib": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


PG_SETTINGS = (
    "server_version",
    "shared_buffers",
    "work_mem",
    "maintenance_work_mem",
    "effective_cache_size",
    "random_page_cost",
    "jit",
    "max_parallel_workers_per_gather",
    "max_wal_size",
    "fsync",
    "synchronous_commit",
    "full_page_writes",
)


def pg_settings(cursor: Any) -> dict[str, str]:
    """The server settings that matter for the numbers (psycopg or Django cursor)."""
    values = {}
    for name in PG_SETTINGS:
        cursor.execute(f"SHOW {name}")
        values[name] = cursor.fetchone()[0]
    cursor.execute("SELECT datcollate FROM pg_database WHERE datname = current_database()")
    values["datcollate"] = cursor.fetchone()[0]
    return values


def cpu_busy(seconds: float = 1.0) -> float:
    """Share of all CPUs busy over `seconds` (from /proc/stat), whoever used them."""
    import time

    def sample() -> tuple[int, int]:
        with open("/proc/stat", encoding="ascii") as f:
            fields = [int(v) for v in f.readline().split()[1:]]
        idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
        return sum(fields[:8]), idle

    total0, idle0 = sample()
    time.sleep(seconds)
    total1, idle1 = sample()
    total = total1 - total0
    return round(1 - (idle1 - idle0) / total, 3) if total else 0.0


def load_average() -> list[float]:
    return [round(v, 2) for v in os.getloadavg()]


def write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
