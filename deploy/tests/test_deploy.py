"""The test run against the deployment that deploy/up.sh started (run by deploy/check.sh).

Everything goes through nginx (DEPLOY_URL) unless a test talks to one app server on purpose.
The database checks use psycopg on the primary (DATABASE_URL) and the replica
(DATABASE_REPLICA_URL) from $DEPLOY_DIR/app.env; Redis through REDIS_URL.
The tests run in file order and share logged-in browsers (module fixtures).
"""

from __future__ import annotations

import os
import re
import subprocess
import time
import uuid
from collections import Counter

import psycopg
import pytest
import redis

from deploy.tests.client import RESPONSES, Browser, form_fields, has_input

BASE = os.environ["DEPLOY_URL"]
APP_URLS = os.environ["DEPLOY_APP_URLS"].split()
PASSWORD = "Zugong@2026"
PIN_SECONDS = int(os.environ.get("ZUGONG_PRIMARY_PIN_SECONDS", "10"))
ROUTE = "X-Zugong-Read-DB"
APP_PORTS = {u.rsplit(":", 1)[1] for u in APP_URLS}


def upstream_port(resp) -> str:  # noqa: ANN001
    return resp.header("X-Upstream").rsplit(":", 1)[-1]


def sql(url: str, query: str, *args):  # noqa: ANN002, ANN201
    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute(query, args).fetchall()


def primary(query: str, *args):  # noqa: ANN002, ANN201
    return sql(os.environ["DATABASE_URL"], query, *args)


def replica(query: str, *args):  # noqa: ANN002, ANN201
    return sql(os.environ["DATABASE_REPLICA_URL"], query, *args)


def replica_xacts() -> int:
    """Transactions committed on the replica in the app database (read-only ones count too)."""
    return replica("SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()")[
        0
    ][0]


def wait_for_replica(timeout: float = 30) -> float:
    """Wait until the replica has replayed everything the primary wrote; returns the seconds."""
    started = time.monotonic()
    target = primary("SELECT pg_current_wal_lsn()::text")[0][0]
    while time.monotonic() - started < timeout:
        behind = replica("SELECT pg_wal_lsn_diff(%s::pg_lsn, pg_last_wal_replay_lsn())", target)[0][
            0
        ]
        if behind <= 0:
            return time.monotonic() - started
        time.sleep(0.05)
    raise AssertionError(f"the replica did not catch up in {timeout} s")


@pytest.fixture(scope="module")
def zzb() -> Browser:
    b = Browser(BASE)
    b.login("zzb", PASSWORD)
    return b


@pytest.fixture(scope="module")
def nginx_log_offset() -> int:
    path = os.path.join(os.environ["DEPLOY_DIR"], "logs", "nginx-access.log")
    return os.path.getsize(path) if os.path.exists(path) else 0


def test_nginx_hides_its_version_and_both_app_servers_answer(nginx_log_offset):
    seen = Counter()
    for _ in range(20):
        resp = Browser(BASE).get("/healthz")
        assert resp.status == 200 and resp.text == "ok\n"
        assert resp.header("Server") == "nginx"  # server_tokens off
        seen[upstream_port(resp)] += 1
    print(f"healthz: 20 requests over the app servers {dict(seen)}")
    assert set(seen) == APP_PORTS


def test_the_public_portal_answers_without_login():
    resp = Browser(BASE).get("/portal/")
    assert resp.status == 200, resp.status  # and nginx does not log it: see the last test


def test_media_is_not_served_by_nginx():
    assert Browser(BASE).get("/media/imports/anything.xlsx").status == 404


def test_the_session_is_shared_by_both_servers(zzb):
    seen = Counter()
    for _ in range(12):
        resp = zzb.get("/members/")
        assert resp.status == 200, resp.status  # not sent to the login page by the other server
        seen[upstream_port(resp)] += 1
    print(f"logged-in member list: 12 requests over the app servers {dict(seen)}")
    assert set(seen) == APP_PORTS
    # Each app server directly, with the same session cookie.
    for url in APP_URLS:
        assert zzb.get("/members/", base=url).status == 200


def test_static_files_are_served(zzb):
    page = zzb.get("/").text
    css = re.search(r'href="(/static/[^"]+\.css)"', page)
    assert css, "no stylesheet link on the dashboard"
    assert zzb.get(css.group(1)).status == 200


def test_dashboard_reads_the_replica_once_the_pin_expired():
    b = Browser(BASE)
    b.login("lingdao", PASSWORD)  # the login is a write: pinned to the primary
    first = b.get("/")
    assert first.status == 200
    assert first.header(ROUTE) == "primary", "read-after-login must go to the primary"
    time.sleep(PIN_SECONDS + 0.5)
    before = replica_xacts()
    routes = Counter()
    pages = ["/", "/life/compliance/", "/cadres/stats/", "/talents/statistics/", "/cockpit/"]
    for path in pages * 3:
        resp = b.get(path)
        assert resp.status in (200, 403), (path, resp.status)
        if resp.status == 200:
            routes[(path, resp.header(ROUTE))] += 1
    after = replica_xacts()
    print(f"report pages after the pin: {dict(routes)}; replica xact_commit +{after - before}")
    assert all(route == "replica" for (_path, route) in routes), routes
    assert after - before >= 3, "the replica's own statistics show no reads"
    # A page that is not marked replica-safe reads the primary.
    assert b.get("/members/").header(ROUTE) == "primary"


def first_member() -> tuple[int, str]:
    return primary(
        "SELECT id, name FROM members_member WHERE status = 'normal' ORDER BY id LIMIT 1"
    )[0]


def test_read_after_write_while_the_replica_is_stale(zzb):
    """Replay on the replica paused: a report still answers from the (stale) replica, a write
    goes to the primary and the writer reads it back from the primary (pinned)."""
    pk, _name = first_member()
    reader = Browser(BASE)
    reader.login("lingdao", PASSWORD)
    reader.drop_cookie("zugong_primary")  # as if the pin had expired: this browser did not write
    replica("SELECT pg_wal_replay_pause()")
    try:
        form = zzb.get(f"/members/{pk}/edit/")
        assert form.status == 200
        data = form_fields(form.text, with_field="note")
        marker = f"deploy-check {uuid.uuid4().hex[:8]}"
        data["note"] = marker
        saved = zzb.post(f"/members/{pk}/edit/", data)
        assert saved.status == 302, (saved.status, saved.text[:2000])
        assert zzb.cookie("zugong_primary"), "a write must pin the browser to the primary"
        shown = zzb.get(f"/members/{pk}/")
        assert marker in shown.text, "read-after-write does not show the write"
        dashboard = zzb.get("/")
        assert dashboard.status == 200 and dashboard.header(ROUTE) == "primary"
        lag = primary("SELECT pg_current_wal_lsn()::text")[0][0]
        on_replica = replica("SELECT note FROM members_member WHERE id = %s", pk)[0][0]
        assert on_replica != marker, "replay is paused, yet the replica has the write"
        stale = reader.get("/")
        assert stale.status == 200 and stale.header(ROUTE) == "replica"
        behind = replica("SELECT pg_wal_lsn_diff(%s::pg_lsn, pg_last_wal_replay_lsn())", lag)
        print(
            f"replay paused: replica {behind[0][0]} bytes of WAL behind; "
            "dashboard from the replica 200; the writer's read-after-write from the primary"
        )
    finally:
        replica("SELECT pg_wal_replay_resume()")
    caught_up = wait_for_replica()
    assert replica("SELECT note FROM members_member WHERE id = %s", pk)[0][0] == marker
    print(f"replay resumed: the replica caught up in {caught_up:.2f} s")


def pg_ctl_replica(*args: str) -> None:
    data = os.path.join(os.environ["DEPLOY_DIR"], "pg", "replica")
    log = os.path.join(os.environ["DEPLOY_DIR"], "pg", "replica.log")
    command = [
        os.path.join(os.environ["PG_BIN"], "pg_ctl"),
        "-D",
        data,
        "-l",
        log,
        "-w",
        "-s",
        *args,
    ]
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    subprocess.run(command, check=True, cwd="/")


def test_a_stopped_replica_falls_back_to_the_primary():
    """The replica goes away: report pages read the primary (and answer 200), no 5xx."""
    b = Browser(BASE)
    b.login("lingdao", PASSWORD)
    b.drop_cookie("zugong_primary")
    assert b.get("/").header(ROUTE) == "replica"
    pg_ctl_replica("-m", "fast", "stop")
    try:
        routes = Counter()
        for path in ["/", "/cadres/stats/", "/", "/cadres/stats/"]:
            resp = b.get(path)
            assert resp.status == 200, (path, resp.status)
            routes[resp.header(ROUTE)] += 1
        assert routes == {"primary": 4}, routes
    finally:
        pg_ctl_replica("start")
    started = time.monotonic()
    while time.monotonic() - started < 60:
        states = primary("SELECT state FROM pg_stat_replication")
        if ("streaming",) in states:
            break
        time.sleep(0.2)
    else:
        raise AssertionError("the replica does not stream again")
    streaming_after = time.monotonic() - started
    for _ in range(10):  # app servers reconnect on their next replica read
        if b.get("/").header(ROUTE) == "replica":
            break
        time.sleep(0.5)
    assert b.get("/").header(ROUTE) == "replica"
    print(
        f"replica stopped: 4 report requests answered 200 from the primary; restarted, "
        f"streaming again after {streaming_after:.1f} s and read again"
    )


def party_committee_code() -> str:
    return primary(
        "SELECT code FROM orgs_organization WHERE kind = 'party_committee' AND status = 'active' "
        "AND code <> '' ORDER BY path LIMIT 1"
    )[0][0]


def org_csv(rows: list[tuple[str, str, str, str]]) -> bytes:
    lines = ["组织名称,组织编码,上级组织编码,组织层级"]
    lines += [",".join(r) for r in rows]
    return ("\n".join(lines) + "\n").encode("utf-8-sig")


def run_import(browser: Browser, content: bytes, upload_base: str, timeout: float = 120):  # noqa: ANN201
    """Upload through one app server; poll the job's progress through nginx until finished."""
    rq = redis.Redis.from_url(os.environ["REDIS_URL"])
    finished_before = rq.zcard("rq:finished:default")
    page = browser.get("/imports/", base=upload_base)
    assert page.status == 200
    started = time.monotonic()
    resp = browser.request(
        "POST",
        "/imports/orgs/upload/",
        data={"csrfmiddlewaretoken": form_fields(page.text).get("csrfmiddlewaretoken", "")},
        files={"file": ("deploy-check.csv", content, "text/csv")},
        base=upload_base,
    )
    assert resp.status == 302, (resp.status, resp.text[:2000])
    job_path = re.sub(r"^https?://[^/]+", "", resp.header("Location"))
    pk = int(re.search(r"/jobs/(\d+)/", job_path).group(1))
    polls = 0
    while True:
        polls += 1
        progress = browser.get(f"{job_path}progress/")
        assert progress.status == 200
        if progress.header("HX-Refresh") == "true":
            break
        assert time.monotonic() - started < timeout, "the import did not finish"
        time.sleep(0.3)
    seconds = time.monotonic() - started
    status = primary("SELECT status FROM core_importjob WHERE id = %s", pk)[0][0]
    finished_after = rq.zcard("rq:finished:default")
    return pk, job_path, status, seconds, polls, finished_after - finished_before


def test_a_large_import_runs_on_the_worker_through_redis(zzb):
    parent = party_committee_code()
    run = uuid.uuid4().hex[:6].upper()
    rows = [(f"部署检查{run}第{i}党支部", f"DC{run}{i:02d}", parent, "党支部") for i in range(8)]
    pk, job_path, status, seconds, polls, finished = run_import(zzb, org_csv(rows), APP_URLS[0])
    print(
        f"import job {pk} (8 rows > threshold 5): {status} in {seconds:.1f} s, {polls} polls, "
        f"RQ finished jobs +{finished}"
    )
    assert status == "done", status
    assert finished >= 1, "the job did not go through the RQ queue"
    assert "导入完成" in zzb.get(job_path).text
    codes = [r[1] for r in rows]
    assert primary("SELECT count(*) FROM orgs_organization WHERE code = ANY(%s)", codes)[0][0] == 8


def test_media_written_on_one_server_is_read_on_the_other(zzb):
    """An invalid import uploaded to app server 1: the worker reads the upload from the shared
    media directory and writes the marked sheet there; app server 2 and nginx serve it."""
    run = uuid.uuid4().hex[:6].upper()
    rows = [
        (f"部署检查{run}错{i}", f"DE{run}{i:02d}", "NO-SUCH-PARENT", "党支部") for i in range(6)
    ]
    pk, job_path, status, _seconds, _polls, finished = run_import(zzb, org_csv(rows), APP_URLS[0])
    assert status == "invalid", status
    assert finished >= 1
    bodies = []
    for base in (APP_URLS[1], BASE):
        resp = zzb.get(f"{job_path}errors.xlsx", base=base)
        assert resp.status == 200, (base, resp.status)
        assert resp.body[:2] == b"PK"  # an xlsx (zip)
        bodies.append(resp.body)
    assert bodies[0] == bodies[1]
    print(
        f"import job {pk}: upload via app1, marked sheet ({len(bodies[0])} bytes) via app2 and nginx"
    )


def test_concurrent_edits_get_the_conflict_page():
    """Optimistic locking (branch issue8-lock): two browsers open the same member's edit form; the
    first save wins (302), the second, with the same version, gets 409 showing both versions."""
    pk, _name = first_member()
    first, second = Browser(BASE), Browser(BASE)
    first.login("zzb", PASSWORD)
    second.login("zzb", PASSWORD)
    page1 = first.get(f"/members/{pk}/edit/")
    page2 = second.get(f"/members/{pk}/edit/")
    assert page1.status == 200 and page2.status == 200
    if not has_input(page1.text, "version"):
        pytest.skip(
            "the member edit form has no `version` field yet (optimistic locking is on branch "
            "issue8-lock); this check runs once it is merged"
        )
    data1 = form_fields(page1.text, with_field="version")
    data2 = form_fields(page2.text, with_field="version")
    assert data1["version"] == data2["version"]
    data1["note"] = "第一位编辑者 " + uuid.uuid4().hex[:6]
    data2["note"] = "第二位编辑者 " + uuid.uuid4().hex[:6]
    r1 = first.post(f"/members/{pk}/edit/", data1)
    r2 = second.post(f"/members/{pk}/edit/", data2)
    assert r1.status == 302, r1.status
    assert r2.status == 409, r2.status
    assert data1["note"] in r2.text and data2["note"] in r2.text, "409 page lacks both versions"
    print(f"conflict: first save 302 via :{upstream_port(r1)}, second 409 via :{upstream_port(r2)}")


def test_no_server_error_anywhere(nginx_log_offset):
    errors = [r for r in RESPONSES if r[2] >= 500]
    assert not errors, errors
    path = os.path.join(os.environ["DEPLOY_DIR"], "logs", "nginx-access.log")
    with open(path, encoding="utf-8", errors="replace") as log:
        log.seek(nginx_log_offset)
        lines = log.readlines()
    bad = [line for line in lines if re.search(r'" 5\d\d ', line)]
    assert not bad, bad
    assert not [line for line in lines if "/portal/" in line], "nginx logged a /portal/ request"
    by_port = Counter(r[3].rsplit(":", 1)[-1] for r in RESPONSES if r[3])
    print(
        f"{len(RESPONSES)} requests, none 5xx; nginx logged {len(lines)} lines, none 5xx; "
        f"answered by {dict(by_port)}"
    )
