"""python -m benchmarks.cadres_bench: the cadre side at province scale, in one process.

    python -m benchmarks.cadres_bench --database-url postgres://postgres@127.0.0.1:56432/zugong_cadres \
        [--cadres 300000] [--units 3000] [--fresh] [--requests 200]

Phases (each printed with its elapsed time, all written as JSON into benchmarks/results/):

  migrate   manage.py migrate (after dropping the public schema with --fresh)
  load      a unit tree of --units units (county → townships/departments → 内设机构) and
            --cadres cadres spread over it, COPY'd by benchmarks.cadres_load (the loader's
            cadre phase) with the project's own pinyin functions (no history rows, as for the
            members); skipped when cadres exist
  list      the cadre list and search pages through Django's test client (the whole view,
            template and queries; no HTTP server): --requests timed requests per page after a
            warm-up, p50/p95 in ms against the target of 50 ms
  pdf       one batch export job of 100 任免审批表 PDFs (the service the page starts), seconds
  lrmx      a zip of 1,000 .lrmx files written from loaded archives with new ID numbers, imported
            through the LRMX job (read + preview, then apply): files/s for each step

Unlike benchmarks.run this calls the views in-process: the figures are server time without the
HTTP and gunicorn overhead (a few ms per request on this machine, see the 上限 row there).
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
import zipfile
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from typing import Any

from benchmarks.cadres_load import load_cadres
from benchmarks.common import RESULTS_DIR, database_url_arg, machine_info, setup_django, write_json
from benchmarks.load import Phases, say
from benchmarks.run import percentile

LIST_P95_MS = 50.0
TODAY = date(2026, 11, 21)


def _fresh_schema() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")


def _timed(client: Any, url: str, requests: int, marker: bytes) -> dict[str, Any]:
    for _ in range(5):
        response = client.get(url)
        assert response.status_code == 200 and marker in response.content, url
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    p95 = percentile(times, 95)
    return {
        "url": url,
        "requests": requests,
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(p95, 1),
        "target_p95_ms": LIST_P95_MS,
        "met": p95 <= LIST_P95_MS,
    }


def bench_lists(requests: int) -> dict[str, Any]:
    from django.test import Client
    from django.urls import reverse

    from zugong.accounts.models import Role, User
    from zugong.cadres.models import Cadre, Unit

    root = Unit.objects.get(depth=1)
    user, _ = User.objects.get_or_create(
        username="bench_cadre_officer",
        defaults={"role": Role.CADRE_OFFICER, "anchor_unit": root},
    )
    # The benchmark settings allow 127.0.0.1 only (as for the gunicorn runs).
    client = Client(SERVER_NAME="127.0.0.1")
    client.force_login(user)
    sample = Cadre.objects.order_by("id")[1234]
    county = Unit.objects.filter(depth=2).order_by("path")[1]
    base = reverse("cadres:cadre_list")
    marker = b'data-testid="cadre-list"'
    pages = {
        "cadre_list": base,
        "cadre_list_county": f"{base}?unit={county.pk}",
        "cadre_search_pinyin": f"{base}?q={sample.name_pinyin[:6]}",
        "cadre_search_initials": f"{base}?q={sample.name_initials}",
        "cadre_search_name": f"{base}?q={sample.name}",
        "cadre_search_id_tail": f"{base}?q={sample.id_number[-6:]}",
    }
    return {name: _timed(client, url, requests, marker) for name, url in pages.items()}


def bench_pdf(count: int = 100) -> dict[str, Any]:
    from zugong.accounts.models import User
    from zugong.cadres.lrmx_services import start_batch_export
    from zugong.cadres.models import Cadre, CadreFileJob

    user = User.objects.get(username="bench_cadre_officer")
    ids = list(Cadre.objects.order_by("id").values_list("pk", flat=True)[:count])
    started = time.perf_counter()
    job = start_batch_export(user=user, kind=CadreFileJob.Kind.ADFORM_PDF, cadre_ids=ids)
    _drain(job)
    job.refresh_from_db()
    seconds = time.perf_counter() - started
    assert job.status == CadreFileJob.Status.DONE, job.message
    return {
        "cadres": count,
        "seconds": round(seconds, 1),
        "per_cadre_ms": round(1000 * seconds / count, 1),
        "bytes": job.output_file.size,
    }


def bench_lrmx(count: int = 1000) -> dict[str, Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from zugong.accounts.models import User
    from zugong.cadres.lrmx import write_lrmx
    from zugong.cadres.lrmx_mapping import prefetch_for_record, record_from_cadre
    from zugong.cadres.lrmx_services import confirm_lrmx_import, start_lrmx_import
    from zugong.cadres.models import Cadre, CadreFileJob, Unit
    from zugong.cadres.tests.lrmx_samples import sample_photo_jpeg, sample_record
    from zugong.demo.generator import make_id_number

    user = User.objects.get(username="bench_cadre_officer")
    # A second run imports the same people again: remove the first run's (region code 65xxxx).
    Cadre.objects.filter(id_number__startswith="65").delete()
    template = sample_record()
    photo = sample_photo_jpeg()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        sources = prefetch_for_record(Cadre.objects.order_by("id"))[:count]
        for i, cadre in enumerate(sources):
            record = record_from_cadre(cadre, photo=photo)
            # New people (fresh ID numbers), with the sample's full 简历 and family.
            record = replace(
                record,
                id_number=make_id_number(f"65{i // 997:04d}", cadre.birth_date, i % 997 + 1),
                resume=template.resume,
                family=template.family,
            )
            archive.writestr(f"{i:04d}-{record.name}.lrmx", write_lrmx(record))
    data = buffer.getvalue()
    unit = Unit.objects.get(depth=1)
    started = time.perf_counter()
    job = start_lrmx_import(user=user, uploaded=SimpleUploadedFile("bench.zip", data), unit=unit)
    _drain(job)
    job.refresh_from_db()
    parse_s = time.perf_counter() - started
    errors = [i for i in job.items if i["action"] == "error"]
    assert job.status == CadreFileJob.Status.PREVIEW and not errors, (job.message, errors[:3])
    started = time.perf_counter()
    confirm_lrmx_import(user=user, job=job)
    _drain(job)
    job.refresh_from_db()
    apply_s = time.perf_counter() - started
    assert job.status == CadreFileJob.Status.DONE, job.message
    return {
        "files": count,
        "zip_bytes": len(data),
        "read_and_preview_s": round(parse_s, 1),
        "apply_s": round(apply_s, 1),
        "read_files_per_s": round(count / parse_s, 1),
        "apply_files_per_s": round(count / apply_s, 1),
        "created": job.created_count,
    }


def _drain(job: Any) -> None:
    """Run the queued job here (the benchmark has no worker process)."""
    from zugong.cadres.lrmx_services import run_file_job

    run_file_job(job.pk)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--cadres", type=int, default=300_000)
    parser.add_argument("--units", type=int, default=3000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument("--skip", default="", help="comma list of phases to skip: list,pdf,lrmx")
    args = parser.parse_args(argv)
    setup_django(database_url_arg(args.database_url))
    from django.core.management import call_command

    skip = set(filter(None, args.skip.split(",")))
    phases = Phases()
    result: dict[str, Any] = {"machine": machine_info(), "args": vars(args)}
    if args.fresh:
        _fresh_schema()
    with phases("migrate"):
        call_command("migrate", verbosity=0)
    with phases("load"):
        from django.db import connection

        connection.ensure_connection()
        result["loaded"] = load_cadres(connection.connection, args.cadres, args.units)
    with phases("analyze"):
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")
    if "list" not in skip:
        with phases("list"):
            result["lists"] = bench_lists(args.requests)
        for name, row in result["lists"].items():
            say(f"  {name}: p50 {row['p50_ms']} ms, p95 {row['p95_ms']} ms")
    if "pdf" not in skip:
        with phases("pdf"):
            result["pdf"] = bench_pdf()
        say(f"  {result['pdf']}")
    if "lrmx" not in skip:
        with phases("lrmx"):
            result["lrmx"] = bench_lrmx()
        say(f"  {result['lrmx']}")
    result["phases"] = phases.seconds
    stamp = time.strftime("%Y%m%d-%H%M%S")
    write_json(RESULTS_DIR / f"cadres-{stamp}.json", result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
