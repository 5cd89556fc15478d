"""Issue 8's measurements on top of the page scenarios (benchmarks.run): the mixed load and its
throughput against the ceiling and the peer, the 党内统计 of the whole scope as a task, the soak.

- mixed: the weighted product pages of scenarios.MIX, requested by the department account;
  its req/s at the run's client count is compared with the ceiling's (bare view, same clients,
  same run) and the peer's (the Django admin changelist of the members).
- stats task: `stats.services.request_report` for the root and the last complete year, as the
  page asks for it; with the deploy topology the RQ worker computes it (the runner has the
  servers' REDIS_URL), otherwise `run_report` runs here. Seconds from the request to done.
- soak: the mix for --soak-seconds; responses counted by status; the RSS of every gunicorn
  worker sampled every --soak-sample seconds (topology.memory_verdict defines "flat").
"""

from __future__ import annotations

import argparse
import time
from dataclasses import asdict
from typing import Any

from benchmarks.run import _fmt_summary, hammer, quiet_moment, say
from benchmarks.scenarios import Scenario, Targets, mixed_scenario, session_cookie
from benchmarks.topology import RssSampler, memory_verdict

MIX_CEILING_SHARE = 0.5  # mixed req/s ≥ 50 % of the ceiling's
MIX_PEER_FACTOR = 5.0  # and ≥ 5× the admin changelist's
STATS_TASK_S = 60.0
# The soak's memory: after the warm-up (10 % of the soak, at most 5 minutes), a worker's RSS at
# the end may exceed its RSS at the start by at most 10 %.
SOAK_GROWTH = 0.10
SOAK_WARMUP_SHARE = 0.10
SOAK_WARMUP_MAX_S = 300.0


def run_mixed(
    port: int, items: list[Scenario], users: dict[str, Any], args: argparse.Namespace
) -> dict[str, Any]:
    mix = mixed_scenario(items)
    cookies = [session_cookie(users[mix.role]) for _ in range(args.clients)]
    quiet = quiet_moment(args.wait_quiet)
    pages = sorted(set(mix.urls))
    say(f"- mixed: {len(mix.urls)} URLs per cycle over {len(pages)} pages, {args.clients} clients")
    hammer(
        port,
        mix.urls,
        cookies,
        clients=args.clients,
        requests=len(mix.urls),
        limit_s=args.limit,
        expects=mix.expects,
    )
    m, _ = hammer(
        port,
        mix.urls,
        cookies,
        clients=args.clients,
        requests=args.mix_requests,
        limit_s=args.limit,
        expects=mix.expects,
    )
    say(f"  {args.clients} clients: {_fmt_summary(m)}")
    return {"scenario": asdict(mix), "concurrent": m.summary(), **quiet}


def throughput(report: dict[str, Any]) -> dict[str, Any]:
    """The mix's req/s against the ceiling's and the peer's of the same run, with verdicts."""
    pages = report.get("pages", {})
    mixed = report.get("mixed", {}).get("concurrent", {}).get("req_per_s")
    ceiling = pages.get("ceiling", {}).get("concurrent", {}).get("req_per_s")
    peer = pages.get("peer_admin", {}).get("concurrent", {}).get("req_per_s")
    result: dict[str, Any] = {"mixed_rps": mixed, "ceiling_rps": ceiling, "peer_rps": peer}
    if mixed and ceiling:
        share = mixed / ceiling
        result["mixed_over_ceiling"] = round(share, 3)
        result["ceiling_verdict"] = "pass" if share >= MIX_CEILING_SHARE else "FAIL"
    if mixed and peer:
        factor = mixed / peer
        result["mixed_over_peer"] = round(factor, 2)
        result["peer_verdict"] = "pass" if factor >= MIX_PEER_FACTOR else "FAIL"
    return result


def run_stats_task(t: Targets, users: dict[str, Any], args: argparse.Namespace) -> dict[str, Any]:
    from django.conf import settings
    from django.utils import timezone

    from zugong.stats.models import ACTIVE_RUN_STATUSES, RunStatus, StatsRun
    from zugong.stats.services import request_report, run_report

    def abandon(**where: Any) -> int:
        # A run the benchmark gave up on (or an earlier benchmark left active when it was
        # stopped) would make request_report reuse it: mark it failed.
        return StatsRun.objects.filter(status__in=ACTIVE_RUN_STATUSES, **where).update(
            status=RunStatus.FAILED, error="基准测试放弃了这次统计", finished_at=timezone.now()
        )

    year = args.stats_year or t.year - 1
    abandon(requested_by=users["dept"], org=t.root, year=year)
    queued = "RQBackend" in settings.TASKS["default"]["BACKEND"]
    say(
        f"- 党内统计 {year} for {t.root.name}: "
        + ("through the RQ worker" if queued else "run_report in this process")
    )
    started = time.perf_counter()
    run, created = request_report(users["dept"], t.root, year)
    if not created:
        raise SystemExit(f"a 党内统计 run for {year} is already active (#{run.pk}): wait for it")
    if not queued:
        run_report(run.pk)
    deadline = time.monotonic() + args.stats_timeout
    status = ""
    while time.monotonic() < deadline:
        run.refresh_from_db()
        status = run.status
        if status in (RunStatus.DONE, RunStatus.FAILED):
            break
        time.sleep(0.5)
    seconds = time.perf_counter() - started
    result = {
        "run_id": run.pk,
        "org": [t.root.pk, t.root.name],
        "year": year,
        "through": "rq worker" if queued else "in-process run_report",
        "status": status,
        "error": run.error[:500],
        "seconds": round(seconds, 1),
        "queue_wait_s": (
            round((run.started_at - run.requested_at).total_seconds(), 1)
            if run.started_at
            else None
        ),
        "compute_s": (
            round((run.finished_at - run.started_at).total_seconds(), 1)
            if run.finished_at and run.started_at
            else None
        ),
        "target_s": STATS_TASK_S,
    }
    result["verdict"] = "pass" if status == RunStatus.DONE and seconds <= STATS_TASK_S else "FAIL"
    if status not in (RunStatus.DONE, RunStatus.FAILED):
        result["verdict"] = f"FAIL (not done after {args.stats_timeout:.0f} s)"
        result["progress"] = [run.progress, run.message]
        abandon(pk=run.pk)
    say(
        f"  {status} in {result['seconds']} s (compute {result['compute_s']} s): {result['verdict']}"
    )
    return result


def run_soak(
    port: int,
    items: list[Scenario],
    users: dict[str, Any],
    masters: list[int],
    args: argparse.Namespace,
) -> dict[str, Any]:
    mix = mixed_scenario(items)
    cookies = [session_cookie(users[mix.role]) for _ in range(args.clients)]
    warmup = min(SOAK_WARMUP_MAX_S, args.soak_seconds * SOAK_WARMUP_SHARE)
    say(
        f"- soak: the mix for {args.soak_seconds:.0f} s, {args.clients} clients, worker RSS every "
        f"{args.soak_sample:.0f} s (warm-up {warmup:.0f} s)"
    )
    sampler = RssSampler(masters, args.soak_sample)
    sampler.start()
    m, _ = hammer(
        port,
        mix.urls,
        cookies,
        clients=args.clients,
        requests=10**9,
        limit_s=args.soak_seconds,
        expects=mix.expects,
    )
    sampler.stop()
    five = sum(n for code, n in m.statuses.items() if code.startswith("5"))
    memory = memory_verdict(sampler.samples, warmup, SOAK_GROWTH)
    result = {
        "seconds": args.soak_seconds,
        "concurrent": m.summary(),
        "statuses": dict(sorted(m.statuses.items())),
        "responses_5xx": five,
        "no_5xx": five == 0,
        "memory": memory,
        "samples": sampler.samples,
    }
    say(f"  {_fmt_summary(m)}; statuses {result['statuses']}")
    for pid, w in memory["workers"].items():
        say(
            f"  worker {pid}: RSS {w['start_mb']} → {w['end_mb']} MB (max {w['max_mb']}) {w['note']}"
        )
    say(f"  5xx: {five}; memory {'flat' if memory['flat'] else 'NOT flat'}")
    return result


def markdown(report: dict[str, Any]) -> str:
    """The issue 8 lines under the page table: throughput, the task, the soak."""
    lines = []
    tp = report.get("throughput")
    if tp and tp.get("mixed_rps"):
        lines += [
            "",
            "| throughput | req/s | ratio | target | result |",
            "|---|---:|---:|---|---|",
            f"| mixed load (`mixed`) | {tp['mixed_rps']} | | | |",
            f"| ceiling (`ceiling`) | {tp['ceiling_rps']} | mixed / ceiling "
            f"{tp.get('mixed_over_ceiling', '—')} | ≥ {MIX_CEILING_SHARE:g} "
            f"| {tp.get('ceiling_verdict', '—')} |",
            f"| peer (`peer_admin`) | {tp['peer_rps']} | mixed / peer "
            f"{tp.get('mixed_over_peer', '—')} | ≥ {MIX_PEER_FACTOR:g} "
            f"| {tp.get('peer_verdict', '—')} |",
        ]
    st = report.get("stats_task")
    if st:
        lines += [
            "",
            f"党内统计 {st['year']} of {st['org'][1]} ({st['through']}): {st['status']} in "
            f"{st['seconds']} s (queue {st['queue_wait_s']} s, compute {st['compute_s']} s); "
            f"target ≤ {st['target_s']:g} s: {st['verdict']}",
        ]
    soak = report.get("soak")
    if soak:
        mem = soak["memory"]
        lines += [
            "",
            f"Soak {soak['seconds']:.0f} s: {soak['concurrent']['completed']:,} responses, "
            f"statuses {soak['statuses']}, 5xx {soak['responses_5xx']} "
            f"({'pass' if soak['no_5xx'] else 'FAIL'}); memory per worker "
            f"{'flat' if mem['flat'] else 'NOT flat'} (end ≤ start × {1 + mem['growth_allowed']:g}, "
            f"start = first sample after {mem['warmup_s']:.0f} s):",
            "",
            "| worker pid | RSS start MB | RSS end MB | RSS max MB | flat |",
            "|---|---:|---:|---:|---|",
        ]
        for pid, w in mem["workers"].items():
            lines.append(
                f"| {pid} | {w['start_mb']} | {w['end_mb']} | {w['max_mb']} "
                f"| {'yes' if w['flat'] else 'no'} {w['note']} |"
            )
    return "\n".join(lines)
