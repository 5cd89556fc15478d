"""The deploy topology for `benchmarks.run --topology deploy`, and what the runner watches in it.

`DeployTopology` runs `benchmarks/deploy.sh up` (nginx in front of two gunicorn app servers, a
streaming replica of the benchmark PostgreSQL, Redis, an RQ worker; see that script) and
`deploy.sh down` when the block ends. `client_env()` is the environment the runner itself needs
so that the sessions it writes and the task it enqueues land where the servers look (Redis),
set before django.setup(). `RssSampler` reads the resident memory of every gunicorn worker
(the children of the masters) at a fixed interval, for the soak.
"""

from __future__ import annotations

import http.client
import os
import subprocess
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from benchmarks.common import ROOT_DIR

PORT_BASE = int(os.environ.get("BENCH_PORT_BASE", "59600"))
DEPLOY_DIR = Path(os.environ.get("BENCH_DEPLOY_DIR", "/tmp/zugong-bench-deploy"))
SCRIPT = ROOT_DIR / "benchmarks" / "deploy.sh"


def replica_url(database_url: str) -> str:
    """The same database on the replica's port."""
    parts = urlsplit(database_url)
    netloc = f"{parts.username or 'postgres'}@127.0.0.1:{PORT_BASE + 3}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))


def client_env(database_url: str) -> dict[str, str]:
    """REDIS_URL and DATABASE_REPLICA_URL as the app servers have them (deploy.sh's app.env)."""
    return {
        "REDIS_URL": f"redis://127.0.0.1:{PORT_BASE + 4}/0",
        "DATABASE_REPLICA_URL": replica_url(database_url),
        "ZUGONG_DB_ROUTE_HEADER": "1",
    }


class DeployTopology:
    """deploy.sh up on enter, deploy.sh down on exit; `port` is nginx's."""

    def __init__(self, database_url: str, workers: int, threads: int, log: Path) -> None:
        self.database_url = database_url
        self.port = PORT_BASE
        self.log = log
        self.env = dict(os.environ)
        self.env.update(
            BENCH_PORT_BASE=str(PORT_BASE),
            BENCH_DEPLOY_DIR=str(DEPLOY_DIR),
            BENCH_APP_WORKERS=str(workers),
            BENCH_APP_THREADS=str(threads),
        )
        self.env.pop("ZUGONG_TESTING", None)
        self.up_seconds = 0.0

    def _script(self, *args: str) -> int:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("a", encoding="utf-8") as out:
            return subprocess.run(
                ["bash", str(SCRIPT), *args],
                cwd=ROOT_DIR,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                check=False,
            ).returncode

    def __enter__(self) -> DeployTopology:
        started = time.perf_counter()
        if self._script("up", self.database_url) != 0:
            self._script("down")
            raise SystemExit(f"benchmarks/deploy.sh up failed; see {self.log}")
        self.up_seconds = round(time.perf_counter() - started, 1)
        return self

    def __exit__(self, *exc: object) -> None:
        self._script("down")

    def master_pids(self) -> list[int]:
        pids = []
        for name in ("app1", "app2"):
            path = DEPLOY_DIR / "pids" / f"{name}.pid"
            if path.exists():
                pids.append(int(path.read_text(encoding="ascii").strip()))
        return pids


def children(pid: int) -> list[int]:
    """The direct children of a process (Linux /proc)."""
    found: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as fh:
                found.extend(int(p) for p in fh.read().split())
    except OSError:
        return []
    return sorted(found)


def rss_mb(pid: int) -> float | None:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


class RssSampler(threading.Thread):
    """Every `interval` seconds: the RSS of every child (worker) of the given gunicorn masters."""

    def __init__(self, masters: list[int], interval: float) -> None:
        super().__init__(daemon=True)
        self.masters = masters
        self.interval = interval
        self.samples: list[dict[str, Any]] = []
        self._halt = threading.Event()
        self._t0 = time.perf_counter()

    def sample(self) -> None:
        rss = {}
        for master in self.masters:
            for pid in children(master):
                value = rss_mb(pid)
                if value is not None:
                    rss[pid] = value
        self.samples.append({"t_s": round(time.perf_counter() - self._t0, 1), "rss_mb": rss})

    def run(self) -> None:
        self.sample()
        while not self._halt.wait(self.interval):
            self.sample()

    def stop(self) -> None:
        self._halt.set()
        self.join(timeout=10)
        self.sample()


def memory_verdict(samples: list[dict[str, Any]], warmup_s: float, growth: float) -> dict[str, Any]:
    """Per worker: RSS at the first sample after the warm-up (start), at the last (end), the
    highest; "flat" when every worker's end ≤ start × (1 + growth) and no worker was replaced
    (a worker present at the start must be there at the end)."""
    after = [s for s in samples if s["t_s"] >= warmup_s] or samples[-1:]
    first, last = after[0]["rss_mb"], samples[-1]["rss_mb"]
    workers: dict[str, Any] = {}
    flat = bool(first)
    for pid in sorted(set(first) | set(last)):
        values = [s["rss_mb"][pid] for s in samples if pid in s["rss_mb"]]
        start, end = first.get(pid), last.get(pid)
        ok = start is not None and end is not None and end <= start * (1 + growth)
        flat = flat and ok
        workers[str(pid)] = {
            "start_mb": start,
            "end_mb": end,
            "max_mb": max(values) if values else None,
            "flat": ok,
            "note": "" if start is not None and end is not None else "replaced during the soak",
        }
    return {
        "warmup_s": warmup_s,
        "growth_allowed": growth,
        "start_sample_t_s": after[0]["t_s"],
        "end_sample_t_s": samples[-1]["t_s"],
        "workers": workers,
        "flat": flat,
    }


def probe(port: int, url: str, cookie: str) -> dict[str, Any]:
    """One GET: status, which database it read (X-Zugong-Read-DB), which app server answered."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        conn.request("GET", url, headers={"Cookie": cookie})
        response = conn.getresponse()
        response.read()
        return {
            "url": url,
            "status": response.status,
            "read_db": response.getheader("X-Zugong-Read-DB", ""),
            "upstream": response.getheader("X-Upstream", ""),
        }
    finally:
        conn.close()
