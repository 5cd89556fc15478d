"""The primary/replica router (zugong/core/dbrouting.py), tested without a replica: the router's
functions directly, with the replica alias switched on by monkeypatching replica_configured."""

from __future__ import annotations

import time

import pytest
from django.contrib.sessions.models import Session
from django.db import OperationalError, transaction
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from zugong.accounts.models import User
from zugong.core import dbrouting
from zugong.core.dbrouting import (
    PIN_COOKIE,
    ROUTE_HEADER,
    PrimaryPinMiddleware,
    PrimaryReplicaRouter,
    reads_from_replica,
    replica_reads,
)

router = PrimaryReplicaRouter()


@pytest.fixture
def with_replica(monkeypatch):
    monkeypatch.setattr(dbrouting, "replica_configured", lambda: True)


def test_reads_go_to_the_primary_outside_a_replica_block(with_replica):
    assert router.db_for_read(User) is None  # default (or the instance's own database)


def test_reads_go_to_the_replica_inside_a_replica_block(with_replica):
    with replica_reads():
        assert router.db_for_read(User) == "replica"
    assert router.db_for_read(User) is None


def test_no_replica_configured_means_the_primary_everywhere():
    with replica_reads():
        assert router.db_for_read(User) is None


@pytest.mark.django_db
def test_reads_inside_a_transaction_on_the_primary_stay_on_the_primary(with_replica):
    with replica_reads(), transaction.atomic():
        assert router.db_for_read(User) == "default"


def test_writes_go_to_the_primary_even_in_a_replica_block(with_replica):
    with replica_reads():
        assert router.db_for_write(User) == "default"


def test_migrations_run_on_the_primary_only():
    assert router.allow_migrate("default", "members") is True
    assert router.allow_migrate("replica", "members") is False


def call(view, request):
    """Run a request through the pin middleware and the view."""
    return PrimaryPinMiddleware(view)(request)


def routed_view(request):
    """Answers with the database a read would use."""
    return HttpResponse(router.db_for_read(User) or "default")


def test_decorated_get_reads_the_replica(with_replica):
    response = call(reads_from_replica(routed_view), RequestFactory().get("/"))
    assert response.content == b"replica"
    assert PIN_COOKIE not in response.cookies


def test_undecorated_get_reads_the_primary(with_replica):
    assert call(routed_view, RequestFactory().get("/")).content == b"default"


def test_post_reads_the_primary_and_pins(with_replica):
    response = call(reads_from_replica(routed_view), RequestFactory().post("/"))
    assert response.content == b"default"
    assert response.cookies[PIN_COOKIE]["max-age"] == 10


def pinned_get(cookie_value: str):
    request = RequestFactory().get("/")
    request.COOKIES[PIN_COOKIE] = cookie_value
    return request


def pin_cookie_value() -> str:
    """The cookie a write request gets back."""
    response = call(routed_view, RequestFactory().post("/"))
    return response.cookies[PIN_COOKIE].value


def test_read_after_write_goes_to_the_primary(with_replica):
    response = call(reads_from_replica(routed_view), pinned_get(pin_cookie_value()))
    assert response.content == b"default"


@override_settings(ZUGONG_PRIMARY_PIN_SECONDS=1)
def test_the_pin_expires(with_replica):
    value = pin_cookie_value()
    time.sleep(2.1)
    assert call(reads_from_replica(routed_view), pinned_get(value)).content == b"replica"


def test_a_forged_pin_is_ignored(with_replica):
    response = call(reads_from_replica(routed_view), pinned_get("1:forged:signature"))
    assert response.content == b"replica"


def test_an_orm_write_in_a_get_pins(with_replica):
    def writes(request):
        router.db_for_write(User)
        return HttpResponse("ok")

    assert PIN_COOKIE in call(writes, RequestFactory().get("/")).cookies


def test_a_session_write_does_not_pin(with_replica):
    def renews_session(request):
        router.db_for_write(Session)
        return HttpResponse("ok")

    assert PIN_COOKIE not in call(renews_session, RequestFactory().get("/")).cookies


@override_settings(ZUGONG_DB_ROUTE_HEADER=True)
def test_the_route_header_names_the_database(with_replica):
    def reads(request):
        router.db_for_read(User)
        return HttpResponse("ok")

    assert call(reads_from_replica(reads), RequestFactory().get("/"))[ROUTE_HEADER] == "replica"
    assert call(reads, RequestFactory().get("/"))[ROUTE_HEADER] == "primary"


@override_settings(ZUGONG_DB_ROUTE_HEADER=False)
def test_no_route_header_when_switched_off(with_replica):
    assert ROUTE_HEADER not in call(reads_from_replica(routed_view), RequestFactory().get("/"))


def test_the_replica_flag_does_not_leak_out_of_a_view(with_replica):
    call(reads_from_replica(routed_view), RequestFactory().get("/"))
    assert router.db_for_read(User) is None


def test_the_test_suite_never_reads_the_replica():
    """With DATABASE_REPLICA_URL set, the test run keeps the alias as a mirror but reads default."""
    from django.conf import settings

    assert settings.ZUGONG_REPLICA_READS is False
    assert dbrouting.replica_configured() is False


def test_a_failing_replica_falls_back_to_the_primary(with_replica):
    calls = []

    def flaky(request):
        db = router.db_for_read(User) or "default"
        calls.append(db)
        if db == "replica":
            raise OperationalError("connection to the replica refused")
        return HttpResponse(db)

    response = call(reads_from_replica(flaky), RequestFactory().get("/"))
    assert calls == ["replica", "default"]
    assert response.content == b"default"


def test_a_primary_error_is_not_retried(with_replica):
    def broken(request):
        raise OperationalError("the primary is down")

    with pytest.raises(OperationalError):
        call(reads_from_replica(broken), RequestFactory().get("/"))
