"""python -m benchmarks.run: time the product over HTTP on a database loaded by benchmarks.load.

    python -m benchmarks.run --database-url postgres://postgres@127.0.0.1:56432/zugong_bench \
        [--clients 8] [--requests 400] [--workers 4] [--threads 2]

Starts gunicorn (zugong.wsgi, DJANGO_SETTINGS_MODULE=benchmarks.settings, gthread workers, on
127.0.0.1 and a free port), makes logged-in sessions for a department admin (whole county), a
township admin (the township with most members) and a system administrator (the admin peer)
straight in the session store, warms up, then runs every scenario twice: once with one client
(service time) and once with --clients concurrent clients (threads with keep-alive
connections, stdlib http.client), each bounded by a request count and a wall-clock limit. Every
response must be 200, non-empty and contain the page's marker. Then the export (fewer
repetitions; seconds and rows/s) and the 100,000-row import in a subprocess (rows/s and peak RSS),
whose members are removed again afterwards.

Prints a Markdown table and writes everything as JSON into benchmarks/results/.
"""

from __future__ import annotations

import argparse
import http.client
import io
import itertools
import json
import math
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from benchmarks.common import (
    RESULTS_DIR,
    ROOT_DIR,
    bench_env,
    cpu_busy,
    database_url_arg,
    load_average,
    machine_info,
    pg_settings,
    setup_django,
    write_json,
)
from benchmarks.scenarios import (
    IMPORT_MAX_RSS_MB,
    IMPORT_ROWS_PER_S,
    Scenario,
    Targets,
)

REQUEST_TIMEOUT_S = 300.0


def say(message: str) -> None:
    print(message, flush=True)


# --------------------------------------------------------------------------------------------
# Measuring


def code_fingerprint() -> str:
    """A hash of the application code measured (zugong/, tests excluded), for comparing runs."""
    import hashlib

    digest = hashlib.sha256()
    for path in sorted((ROOT_DIR / "zugong").rglob("*")):
        tests = path.name == "conftest.py" or any(p.startswith("tests") for p in path.parts)
        if path.suffix in (".py", ".html") and not tests and path.is_file():
            digest.update(str(path.relative_to(ROOT_DIR)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty sequence."""
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass
class Measurement:
    clients: int
    requested: int
    completed: int = 0
    failures: int = 0
    wall_s: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    bytes_total: int = 0
    first_failure: str = ""
    timed_out: bool = False
    # Responses by HTTP status ("error": no response: connection reset, timeout).
    statuses: dict[str, int] = field(default_factory=dict)

    @property
    def p50(self) -> float | None:
        return percentile(self.latencies_ms, 50) if self.latencies_ms else None

    @property
    def p95(self) -> float | None:
        return percentile(self.latencies_ms, 95) if self.latencies_ms else None

    @property
    def rps(self) -> float | None:
        return self.completed / self.wall_s if self.wall_s else None

    def summary(self) -> dict[str, Any]:
        return {
            "clients": self.clients,
            "requested": self.requested,
            "completed": self.completed,
            "failures": self.failures,
            "first_failure": self.first_failure,
            "timed_out": self.timed_out,
            "wall_s": round(self.wall_s, 3),
            "p50_ms": round(self.p50, 2) if self.p50 is not None else None,
            "p95_ms": round(self.p95, 2) if self.p95 is not None else None,
            "max_ms": round(max(self.latencies_ms), 2) if self.latencies_ms else None,
            "req_per_s": round(self.rps, 2) if self.rps is not None else None,
            "mean_bytes": round(self.bytes_total / self.completed) if self.completed else 0,
            "statuses": dict(sorted(self.statuses.items())),
        }


def hammer(
    port: int,
    urls: Sequence[str],
    cookies: Sequence[str],
    *,
    clients: int,
    requests: int,
    limit_s: float,
    expect: bytes = b"",
    keep_first_body: bool = False,
    expects: Sequence[bytes] = (),
) -> tuple[Measurement, bytes]:
    """`requests` GETs over `clients` threads, each with its own keep-alive connection and
    session cookie; stops early at `limit_s` wall-clock seconds. `expects`: one marker per URL
    (the mixed load) instead of `expect`."""
    result = Measurement(clients=clients, requested=requests)
    lock = threading.Lock()
    counter = itertools.count()
    first_body: list[bytes] = []
    start_gate = threading.Barrier(clients + 1)
    deadline = [0.0]

    def client(index: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT_S)
        headers = {"Cookie": cookies[index % len(cookies)], "Accept-Encoding": "identity"}
        local: list[float] = []
        failures = 0
        size = 0
        first_failure = ""
        statuses: dict[str, int] = {}
        start_gate.wait()
        try:
            while True:
                with lock:
                    i = next(counter)
                if i >= requests:
                    break
                if time.perf_counter() > deadline[0]:
                    result.timed_out = True
                    break
                url = urls[i % len(urls)]
                marker = expects[i % len(expects)] if expects else expect
                t0 = time.perf_counter()
                try:
                    conn.request("GET", url, headers=headers)
                    response = conn.getresponse()
                    body = response.read()
                except (OSError, http.client.HTTPException) as exc:
                    conn.close()
                    failures += 1
                    statuses["error"] = statuses.get("error", 0) + 1
                    first_failure = first_failure or f"{url}: {type(exc).__name__}: {exc}"
                    continue
                elapsed_ms = (time.perf_counter() - t0) * 1000
                code = str(response.status)
                statuses[code] = statuses.get(code, 0) + 1
                if response.status != 200 or not body or (marker and marker not in body):
                    failures += 1
                    first_failure = first_failure or (
                        f"{url}: HTTP {response.status}, {len(body)} bytes"
                        + ("" if marker in body else f", no {marker!r}")
                    )
                    continue
                if keep_first_body and not first_body:
                    with lock:
                        if not first_body:
                            first_body.append(body)
                local.append(elapsed_ms)
                size += len(body)
        finally:
            conn.close()
            with lock:
                result.latencies_ms.extend(local)
                result.completed += len(local)
                result.failures += failures
                result.bytes_total += size
                for code, n in statuses.items():
                    result.statuses[code] = result.statuses.get(code, 0) + n
                if first_failure and not result.first_failure:
                    result.first_failure = first_failure

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    for t in threads:
        t.start()
    deadline[0] = time.perf_counter() + limit_s
    started = time.perf_counter()
    start_gate.wait()
    for t in threads:
        # A request can take at most REQUEST_TIMEOUT_S past the deadline.
        t.join(timeout=limit_s + REQUEST_TIMEOUT_S + 10)
    result.wall_s = time.perf_counter() - started
    return result, (first_body[0] if first_body else b"")


# --------------------------------------------------------------------------------------------
# The server


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Gunicorn:
    """gunicorn on 127.0.0.1:<free port>; stopped (by its own pid) when the block ends."""

    def __init__(self, database_url: str, workers: int, threads: int, log: Path) -> None:
        self.port = free_port()
        self.log = log
        self.command = [
            sys.executable,
            "-m",
            "gunicorn",
            "zugong.wsgi:application",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(workers),
            "--worker-class",
            "gthread",
            "--threads",
            str(threads),
            "--keep-alive",
            "30",
            "--timeout",
            str(int(REQUEST_TIMEOUT_S)),
            "--log-level",
            "warning",
            "--error-logfile",
            str(log),
        ]
        self.env = bench_env(database_url)
        self.proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Gunicorn:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        self.proc = subprocess.Popen(self.command, cwd=ROOT_DIR, env=self.env)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"gunicorn exited with {self.proc.returncode}; see {self.log}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", "/accounts/login/")
                status = conn.getresponse().status
                conn.close()
                if status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.5)
        self.stop()
        raise SystemExit(f"gunicorn did not answer within 60 s; see {self.log}")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)

    def __exit__(self, *exc: object) -> None:
        self.stop()


# --------------------------------------------------------------------------------------------
# Scenarios


def quiet_moment(wait_s: float) -> dict[str, Any]:
    """How busy the machine is before a pass (our server idle); waits up to `wait_s` seconds
    for other work to drop below 20 % of the CPUs, so other people's jobs skew less."""
    deadline = time.monotonic() + wait_s
    busy = cpu_busy(1.0)
    while busy > 0.2 and time.monotonic() < deadline:
        busy = cpu_busy(2.0)
    return {"cpu_busy_before": busy, "load_average": load_average()}


def run_pages(
    port: int, items: list[Scenario], users: dict[str, Any], args: argparse.Namespace
) -> dict[str, dict[str, Any]]:
    from benchmarks.scenarios import session_cookie

    results: dict[str, dict[str, Any]] = {}
    for sc in items:
        if sc.kind == "export":
            continue
        # One session per client, made fresh (sessions expire after 30 idle minutes).
        cookies = [session_cookie(users[sc.role]) for _ in range(max(args.clients, 1))]
        quiet = quiet_moment(args.wait_quiet)
        say(f"- {sc.key}: {sc.urls[0]} (CPU busy before: {quiet['cpu_busy_before']:.0%})")
        warm, _ = hammer(
            port,
            sc.urls,
            cookies,
            clients=args.clients,
            requests=max(2 * args.clients, args.workers * args.threads * 2),
            limit_s=args.limit,
            expect=sc.expect,
        )
        entry: dict[str, Any] = {"scenario": asdict(sc), "warmup": warm.summary(), **quiet}
        if warm.failures:
            say(f"  warm-up failures: {warm.failures} ({warm.first_failure})")
        if args.single_requests:
            single, _ = hammer(
                port,
                sc.urls,
                cookies[:1],
                clients=1,
                requests=args.single_requests,
                limit_s=args.limit,
                expect=sc.expect,
            )
            entry["single"] = single.summary()
            say(f"  1 client: {_fmt_summary(single)}")
        many, _ = hammer(
            port,
            sc.urls,
            cookies,
            clients=args.clients,
            requests=args.requests,
            limit_s=args.limit,
            expect=sc.expect,
        )
        entry["concurrent"] = many.summary()
        say(f"  {args.clients} clients: {_fmt_summary(many)}")
        results[sc.key] = entry
    return results


def _fmt_summary(m: Measurement) -> str:
    s = m.summary()
    text = (
        f"p50 {s['p50_ms']} ms, p95 {s['p95_ms']} ms, {s['req_per_s']} req/s, "
        f"{m.completed}/{m.requested} ok"
    )
    if m.failures:
        text += f", {m.failures} failed ({m.first_failure})"
    if m.timed_out:
        text += ", stopped at the time limit"
    return text


def count_xlsx_rows(body: bytes) -> int:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(body), read_only=True)
    try:
        return sum(1 for _ in wb.worksheets[0].iter_rows(min_row=2, values_only=True))
    finally:
        wb.close()


def run_export(
    port: int, sc: Scenario, t: Targets, users: dict[str, Any], args: argparse.Namespace
) -> dict[str, Any]:
    from benchmarks.scenarios import session_cookie

    cookies = [session_cookie(users[sc.role]) for _ in range(args.export_clients)]
    quiet = quiet_moment(args.wait_quiet)
    say(f"- export: {sc.urls[0]} ({t.export_org.name}, {t.export_rows:,} members)")
    m, body = hammer(
        port,
        sc.urls,
        cookies,
        clients=args.export_clients,
        requests=args.export_requests,
        limit_s=args.limit,
        expect=sc.expect,
        keep_first_body=True,
    )
    rows = count_xlsx_rows(body) if body else 0
    summary = m.summary()
    p50_s = (m.p50 or 0) / 1000
    summary.update(
        rows=rows,
        rows_expected=t.export_rows,
        p50_s=round(p50_s, 2),
        p95_s=round((m.p95 or 0) / 1000, 2),
        rows_per_s=round(rows / p50_s, 1) if p50_s else None,
        xlsx_mb=round(len(body) / 1024 / 1024, 2),
    )
    say(
        f"  {rows:,} rows (expected {t.export_rows:,}), p50 {summary['p50_s']} s, "
        f"p95 {summary['p95_s']} s, {summary['rows_per_s']} rows/s, "
        f"{m.completed}/{m.requested} ok"
        + (f", {m.failures} failed ({m.first_failure})" if m.failures else "")
    )
    return {"scenario": asdict(sc), "concurrent": summary, **quiet}


def run_import(t: Targets, args: argparse.Namespace, url: str) -> dict[str, Any]:
    from django.utils import timezone

    from benchmarks.importfile import free_region, write_member_sheet

    region = free_region()
    today = timezone.localdate()
    # The sheet depends only on these; a previous run's file is reused.
    path = RESULTS_DIR / f"import-{args.import_rows}-{t.town.pk}-{region}-{today:%Y%m%d}.xlsx"
    start = time.perf_counter()
    count_file = path.with_suffix(".rows")
    if path.exists() and count_file.exists():
        rows = int(count_file.read_text(encoding="ascii"))
        say(f"- import: reusing {path.name}")
    else:
        say(f"- import: building {args.import_rows:,} rows for {t.town.name} (region {region}) ...")
        rows = write_member_sheet(
            path, rows=args.import_rows, town=t.town, region=region, today=today
        )
        count_file.write_text(str(rows), encoding="ascii")
    built_s = time.perf_counter() - start
    say(
        f"  {path.name}: {rows:,} rows, {path.stat().st_size / 1024 / 1024:.1f} MB in {built_s:.0f} s"
    )
    quiet = quiet_moment(args.wait_quiet)
    out = RESULTS_DIR / "import-result.json"
    out.unlink(missing_ok=True)
    from benchmarks.scenarios import ACCOUNTS

    command = [
        sys.executable,
        "-m",
        "benchmarks.importjob",
        "--database-url",
        url,
        "--file",
        str(path),
        "--username",
        ACCOUNTS["town"][0],
        "--json",
        str(out),
    ]
    try:
        proc = subprocess.run(
            command, cwd=ROOT_DIR, env=bench_env(url), timeout=args.import_timeout, check=False
        )
        returncode = proc.returncode
    except subprocess.TimeoutExpired:
        returncode = -1
    result: dict[str, Any] = (
        json.loads(out.read_text(encoding="utf-8")) if out.exists() else {"status": "no result"}
    )
    result.update(
        returncode=returncode, rows_in_file=rows, region=region, build_s=round(built_s), **quiet
    )
    if not args.keep_imported:
        say("  removing the imported members again ...")
        removed = remove_imported(region, t.town)
        result["removed_after"] = removed
    return result


def remove_imported(region: str, town: Any) -> int:
    """Delete the members an import run created (their findings and history too), then roll-ups."""
    from django.db import connection, transaction

    from zugong.core.services import refresh_findings
    from zugong.members.models import Member
    from zugong.orgs.models import Organization
    from zugong.orgs.rollups import rebuild_rollups

    history = Member.history.model._meta.db_table
    like = region + "%"
    with transaction.atomic(), connection.cursor() as cur:
        chosen = "SELECT id FROM members_member WHERE id_number LIKE %s"
        cur.execute(
            f"DELETE FROM core_finding WHERE subject_type = 'member' AND subject_id IN ({chosen})",
            [like],
        )
        cur.execute(f'DELETE FROM "{history}" WHERE id IN ({chosen})', [like])
        cur.execute("DELETE FROM members_member WHERE id_number LIKE %s", [like])
        removed = cur.rowcount
        rebuild_rollups()
        refresh_findings(
            "organization",
            list(
                Organization.objects.filter(path__startswith=town.path).select_related("category")
            ),
        )
    with connection.cursor() as cur:
        cur.execute(f'VACUUM (ANALYZE) members_member, "{history}", core_finding')
    return removed


def probe_routing(port: int, items: list[Scenario], users: dict[str, Any]) -> list[dict[str, Any]]:
    """Each page once: which database it read (replica for @reads_from_replica views) and which
    app server answered (nginx's X-Upstream), so a run shows that both servers and the replica
    are in use."""
    from benchmarks.scenarios import session_cookie
    from benchmarks.topology import probe

    seen = []
    for sc in items:
        if sc.kind in ("page", "reference"):
            seen.append({"key": sc.key, **probe(port, sc.urls[0], session_cookie(users[sc.role]))})
    upstreams = sorted({p["upstream"] for p in seen if p["upstream"]})
    replica = [p["key"] for p in seen if p["read_db"] == "replica"]
    say(f"routing: app servers {upstreams}; read from the replica: {', '.join(replica) or 'none'}")
    bad = [p for p in seen if p["status"] != 200]
    if bad:
        say(f"  not 200: {bad}")
    return seen


# --------------------------------------------------------------------------------------------
# Report


def verdict(entry: dict[str, Any]) -> tuple[str, str]:
    sc = entry["scenario"]
    if sc["kind"] == "reference":
        return "reference", "—"
    target = sc["target_p95_ms"]
    p95 = entry["concurrent"]["p95_ms"]
    failed = entry["concurrent"]["failures"]
    if target is None:
        return "—", "—"
    ok = p95 is not None and p95 <= target and not failed
    return f"p95 ≤ {target:g} ms", "pass" if ok else "FAIL"


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def markdown(report: dict[str, Any]) -> str:
    args = report["args"]
    lines = [
        f"| scenario | URL | p50 ms (1 client) | p95 ms (1 client) | p50 ms ({args['clients']} clients) "
        f"| p95 ms ({args['clients']} clients) | req/s ({args['clients']} clients) | target | result |",
        "|---|---|---:|---:|---:|---:|---:|---|---|",
    ]
    for key, entry in report["pages"].items():
        sc = entry["scenario"]
        single = entry.get("single", {})
        many = entry["concurrent"]
        target, result = verdict(entry)
        note = f" ({many['failures']} failed)" if many["failures"] else ""
        lines.append(
            f"| {sc['label']} (`{key}`) | `{sc['urls'][0]}` | {_ms(single.get('p50_ms'))} "
            f"| {_ms(single.get('p95_ms'))} | {_ms(many['p50_ms'])} | {_ms(many['p95_ms'])} "
            f"| {many['req_per_s']} | {target} | {result}{note} |"
        )
    export = report.get("export")
    if export:
        e = export["concurrent"]
        lines.append(
            f"| {export['scenario']['label']} (`export`) | `{export['scenario']['urls'][0]}` "
            f"| | | {e['p50_s']} s | {e['p95_s']} s | {e['req_per_s']} "
            f"| — | {e['rows']:,} rows, {e['rows_per_s']} rows/s ({e['clients']} clients) |"
        )
    imp = report.get("import")
    if imp and "rows_per_s" in imp:
        ok = (
            imp.get("status") == "done"
            and imp["rows_per_s"] >= IMPORT_ROWS_PER_S
            and imp["peak_rss_mb"] <= IMPORT_MAX_RSS_MB
        )
        lines.append(
            f"| 导入 {imp['rows_in_file']:,} 行 (`import`) | start_import + run_import "
            f"| | | {imp['seconds']} s | | {imp['rows_per_s']} rows/s "
            f"| ≥ {IMPORT_ROWS_PER_S:,.0f} rows/s, ≤ {IMPORT_MAX_RSS_MB:.0f} MB "
            f"| {'pass' if ok else 'FAIL'} ({imp['peak_rss_mb']} MB peak RSS, {imp['status']}) |"
        )
    elif imp:
        lines.append(f"| 导入 (`import`) | | | | | | | | FAIL ({imp.get('status')}) |")
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.run", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--database-url", help="postgres://... (default: $DATABASE_URL)")
    parser.add_argument(
        "--topology",
        choices=("local", "deploy"),
        default="local",
        help="local: one gunicorn on a free port; deploy: benchmarks/deploy.sh (nginx, two app "
        "servers, a streaming replica, Redis, the RQ worker) — issue 8's measurement",
    )
    parser.add_argument(
        "--clients", type=int, help="concurrent clients (default 8; 16 with --topology deploy)"
    )
    parser.add_argument("--requests", type=int, default=400, help="requests per scenario")
    parser.add_argument(
        "--single-requests",
        type=int,
        default=100,
        help="requests of the one-client pass per scenario (0: skip it)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        help="gunicorn workers (default 4; with --topology deploy 2 per app server)",
    )
    parser.add_argument("--threads", type=int, default=2, help="threads per worker (default 2)")
    parser.add_argument(
        "--limit", type=float, default=180.0, help="wall-clock seconds per pass (default 180)"
    )
    parser.add_argument(
        "--wait-quiet",
        type=float,
        default=60.0,
        help="before each scenario wait up to this many seconds for the CPUs to be < 20%% busy",
    )
    parser.add_argument("--export-requests", type=int, default=6)
    parser.add_argument("--export-clients", type=int, default=2)
    parser.add_argument("--import-rows", type=int, default=100_000)
    parser.add_argument("--import-timeout", type=float, default=1800.0)
    parser.add_argument("--skip-import", action="store_true")
    parser.add_argument("--skip-export", action="store_true")
    parser.add_argument(
        "--keep-imported", action="store_true", help="leave the imported members in the database"
    )
    parser.add_argument(
        "--only",
        help="comma-separated scenario keys (e.g. list_county,ceiling,import; mixed, stats, soak)",
    )
    parser.add_argument(
        "--mix-requests", type=int, default=800, help="requests of the mixed load (default 800)"
    )
    parser.add_argument("--skip-mixed", action="store_true", help="no mixed load")
    parser.add_argument(
        "--soak-seconds", type=float, default=0, help="run the mix this long as a soak (1800)"
    )
    parser.add_argument(
        "--soak-sample", type=float, default=30, help="seconds between worker RSS samples"
    )
    parser.add_argument("--skip-stats", action="store_true", help="no 党内统计 task")
    parser.add_argument(
        "--stats-year", type=int, help="党内统计 year (default: the last complete year)"
    )
    parser.add_argument("--stats-timeout", type=float, default=900.0)
    args = parser.parse_args(argv)
    deploy = args.topology == "deploy"
    args.clients = args.clients or (16 if deploy else 8)
    args.workers = args.workers or (2 if deploy else 4)
    if not 1 <= args.clients <= 64 or not 1 <= args.requests <= 100_000:
        parser.error("--clients 1..64 and --requests 1..100000")
    url = database_url_arg(args.database_url)
    if deploy:
        from benchmarks.topology import client_env

        # The sessions this process writes and the task it enqueues go where the servers look.
        os.environ.update(client_env(url))
    setup_django(url)

    from django.db import connection

    from benchmarks.scenarios import discover, ensure_users, scenarios

    only = set(args.only.split(",")) if args.only else None
    targets = discover()
    users = ensure_users(targets)
    all_items = scenarios(targets)
    items = [sc for sc in all_items if only is None or sc.key in only]
    if deploy:
        # Issue 8 measures pages, the mix, the task and the soak; export and import only on ask.
        args.skip_export = args.skip_export or only is None or "export" not in only
        args.skip_import = args.skip_import or only is None or "import" not in only
    with connection.cursor() as cur:
        pg = pg_settings(cur)
        cur.execute("SELECT count(*) FROM orgs_organization")
        org_count = cur.fetchone()[0]
        cur.execute("SELECT count(*) FROM members_member")
        member_count = cur.fetchone()[0]
    fingerprint = code_fingerprint()
    say(f"application code fingerprint (sha256 of zugong/ without tests): {fingerprint}")
    say(
        f"data: {member_count:,} members, {org_count:,} organizations; county "
        f"{targets.root.name} (#{targets.root.pk}); township {targets.town.name} "
        f"(#{targets.town.pk}, {targets.town_members:,} members); export "
        f"{targets.export_org.name} (#{targets.export_org.pk}, {targets.export_rows:,}); "
        f"search matches {targets.matches}"
    )
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    report: dict[str, Any] = {
        "started": stamp,
        "code_fingerprint": fingerprint,
        "args": vars(args),
        "machine": machine_info(),
        "postgresql": pg,
        "data": {
            "members": member_count,
            "organizations": org_count,
            "county": [targets.root.pk, targets.root.name],
            "township": [targets.town.pk, targets.town.name, targets.town_members],
            "export_org": [targets.export_org.pk, targets.export_org.name, targets.export_rows],
            "search_matches": targets.matches,
        },
    }
    connection.close()  # the main process stays idle while the server is measured
    pages = [sc for sc in items if sc.kind != "export"]
    export = next((sc for sc in items if sc.kind == "export"), None)
    wanted = {k: only is None or k in only for k in ("mixed", "stats", "soak")}
    mixed = wanted["mixed"] and not args.skip_mixed
    stats = wanted["stats"] and not args.skip_stats
    soak = wanted["soak"] and args.soak_seconds > 0
    if pages or (export and not args.skip_export) or mixed or stats or soak:
        from benchmarks import mixload

        server_cm: Any
        if deploy:
            from benchmarks.topology import DeployTopology

            say(
                f"topology: benchmarks/deploy.sh (nginx, 2 app servers × {args.workers} workers × "
                f"{args.threads} threads, replica, Redis, RQ worker); {args.clients} clients × "
                f"{args.requests} requests per scenario"
            )
            log = RESULTS_DIR / f"deploy-{stamp}.log"
            server_cm = DeployTopology(url, args.workers, args.threads, log)
        else:
            log = RESULTS_DIR / f"gunicorn-{stamp}.log"
            say(
                f"gunicorn: {args.workers} workers × {args.threads} threads (gthread); "
                f"{args.clients} clients × {args.requests} requests per scenario"
            )
            server_cm = Gunicorn(url, args.workers, args.threads, log)
        report["topology"] = {"kind": args.topology, "log": str(log)}
        with server_cm as server:
            if deploy:
                report["topology"]["up_seconds"] = server.up_seconds
                report["topology"]["routing"] = probe_routing(server.port, all_items, users)
            report["pages"] = run_pages(server.port, pages, users, args)
            if export and not args.skip_export:
                report["export"] = run_export(server.port, export, targets, users, args)
            if mixed:
                report["mixed"] = mixload.run_mixed(server.port, all_items, users, args)
                report["throughput"] = mixload.throughput(report)
            if stats:
                report["stats_task"] = mixload.run_stats_task(targets, users, args)
                connection.close()
            if soak:
                masters = server.master_pids() if deploy else [server.proc.pid]
                report["soak"] = mixload.run_soak(server.port, all_items, users, masters, args)
    if not args.skip_import and (only is None or "import" in only):
        report["import"] = run_import(targets, args, url)
        imp = report["import"]
        say(
            f"  {imp.get('status')}: {imp.get('created', 0):,} created in {imp.get('seconds')} s, "
            f"{imp.get('rows_per_s')} rows/s, peak RSS {imp.get('peak_rss_mb')} MB"
        )
    report.setdefault("pages", {})
    from benchmarks import mixload

    table = (markdown(report) if report["pages"] else "") + "\n" + mixload.markdown(report)
    report["markdown"] = table
    path = RESULTS_DIR / f"run-{stamp}.json"
    write_json(path, report)
    say("\n" + table + "\n")
    say(f"results: {path}")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
