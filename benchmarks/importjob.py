"""One import job in its own process, so its peak RSS is the import's alone.

    python -m benchmarks.importjob --database-url ... --file members.xlsx --username bench_town \
        --json out.json

Calls zugong.core.imports.runner.start_import (upload checks, header, stored job; a large sheet is
enqueued for the task worker) and then runner.run_import for the job, as the worker would.
Prints and writes: rows, seconds, rows/s, peak RSS (getrusage ru_maxrss), and the time and peak
RSS of each step (the steps are timed by wrapping the functions in this process only).
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from benchmarks.common import database_url_arg, setup_django, write_json

PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


def rss_mb() -> float:
    with open("/proc/self/statm", encoding="ascii") as f:
        return int(f.read().split()[1]) * PAGE_KB / 1024


def max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Steps:
    """Cumulative seconds and calls per step, and the peak RSS seen while each step ran."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.calls: dict[str, int] = {}
        self.peak_mb: dict[str, float] = {}
        self.active: list[str] = []
        self._stop = threading.Event()
        self._sampler = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        # Bounded by the stop event; 20 samples a second.
        while not self._stop.wait(0.05):
            now = rss_mb()
            for name in list(self.active):
                self.peak_mb[name] = max(self.peak_mb.get(name, 0.0), now)

    def start(self) -> None:
        self._sampler.start()

    def stop(self) -> None:
        self._stop.set()
        self._sampler.join(timeout=5)

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        self.active.append(name)
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - start
            self.calls[name] = self.calls.get(name, 0) + 1
            self.active.remove(name)

    def wrap(self, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            with self.step(name):
                return fn(*args, **kwargs)

        return timed

    def report(self) -> dict[str, Any]:
        return {
            name: {
                "seconds": round(self.seconds[name], 2),
                "calls": self.calls[name],
                "peak_rss_mb": round(self.peak_mb.get(name, 0.0), 1),
            }
            for name in self.seconds
        }


def instrument(steps: Steps) -> None:
    """Time the import's parts by wrapping them where run_import and the spec look them up."""
    from zugong.core.imports import runner
    from zugong.core.imports import spec as spec_module
    from zugong.members import imports as member_imports

    spec = spec_module.get_spec("members")  # autodiscovers first, so the patch below sticks
    spec_module.IMPORT_SPECS["members"] = replace(
        spec,
        prepare=steps.wrap("spec.prepare", spec.prepare),
        validate_row=steps.wrap("spec.validate_row (per row)", spec.validate_row),
        cross_validate=steps.wrap("spec.cross_validate", spec.cross_validate),
        write=steps.wrap("spec.write", spec.write),
    )
    runner.validate_file = steps.wrap("runner.validate_file", runner.validate_file)
    runner.parse_rows = steps.wrap("runner.parse_rows", runner.parse_rows)
    # The write step's collaborators, where the members spec currently has them (the import is
    # being tuned, so missing names are skipped rather than failing the benchmark).
    for name in (
        "bulk_create_with_history",
        "insert_with_history",
        "bulk_update_with_history",
        "refresh_findings",
        "rebuild_rollups",
        "refresh_org_findings",
        "_new_member",
    ):
        fn = getattr(member_imports, name, None)
        if callable(fn):
            label = f"write: {name}" + (" (per row)" if name == "_new_member" else "")
            setattr(member_imports, name, steps.wrap(label, fn))


def run(path: Path, username: str) -> dict[str, Any]:
    from django.core.files.uploadedfile import UploadedFile

    from zugong.accounts.models import User
    from zugong.core.imports import runner
    from zugong.core.models import ImportJob

    steps = Steps()
    instrument(steps)
    user = User.objects.select_related("anchor_org").get(username=username)
    baseline = rss_mb()
    steps.start()
    started = time.perf_counter()
    with path.open("rb") as fh:
        upload = UploadedFile(
            file=fh,
            name=path.name,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            size=path.stat().st_size,
        )
        with steps.step("start_import"):
            job = runner.start_import(user=user, spec_name="members", uploaded_file=upload)
    queued = job.status == ImportJob.Status.PENDING
    if queued:
        with steps.step("run_import"):
            runner.run_import(job.pk)
    elapsed = time.perf_counter() - started
    steps.stop()
    job.refresh_from_db()
    rows = job.created_count + job.updated_count
    return {
        "job": job.pk,
        "status": job.status,
        "message": job.message,
        "errors": job.errors[:5],
        "file": str(path),
        "file_mb": round(path.stat().st_size / 1024 / 1024, 1),
        "ran_as_task": queued,
        "created": job.created_count,
        "updated": job.updated_count,
        "seconds": round(elapsed, 2),
        "rows_per_s": round(rows / elapsed, 1) if elapsed else 0.0,
        "baseline_rss_mb": round(baseline, 1),
        "peak_rss_mb": round(max_rss_mb(), 1),
        "steps": steps.report(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.importjob")
    parser.add_argument("--database-url")
    parser.add_argument("--file", required=True, type=Path)
    parser.add_argument("--username", required=True)
    parser.add_argument("--json", type=Path, help="write the result here as JSON")
    args = parser.parse_args(argv)
    setup_django(database_url_arg(args.database_url))
    result = run(args.file, args.username)
    if args.json:
        write_json(args.json, result)
    for key, value in result.items():
        if key != "steps":
            print(f"{key}: {value}")
    for name, step in result["steps"].items():
        print(f"  {name}: {step}")
    return 0 if result["status"] == "done" else 1


if __name__ == "__main__":
    sys.exit(main())
