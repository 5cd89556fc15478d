"""Reads from a streaming replica where that is safe (docs/deploy.md, "The database router").

With ``DATABASE_REPLICA_URL`` set, settings add a ``replica`` database alias, this router and
:class:`PrimaryPinMiddleware`. The rule:

- every write goes to the primary (``default``);
- a read goes to the replica only inside code marked replica-safe: a view decorated with
  :func:`reads_from_replica` or a block under :func:`replica_reads` (a context variable, so it is
  per request and per thread);
- never while the request is pinned to the primary: a request that wrote (any method other than
  GET/HEAD/OPTIONS, or any ORM write) sets a signed cookie for ``ZUGONG_PRIMARY_PIN_SECONDS``
  (default 10), and a replica-safe view then reads the primary, so the user sees his own write;
- never inside ``transaction.atomic`` on the primary (a read there must see the transaction);
- migrations run on the primary only (the replica copies them);
- when the replica fails (down, or a query cancelled by a conflict with recovery), a marked view
  runs again on the primary.

Without a replica alias (the embedded default) every read goes to ``default``; so in the test suite,
where the alias, when configured, is a test mirror of ``default`` (ZUGONG_REPLICA_READS is off).
Background tasks (the worker) never read the replica: they run outside any replica-safe block.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps
from typing import Any

from django.conf import settings
from django.db import InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)

REPLICA = "replica"
PRIMARY = "default"
PIN_COOKIE = "zugong_primary"
PIN_SALT = "zugong.core.dbrouting.pin"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Writes that do not pin: the session row (database sessions renew it on every request).
UNPINNED_APPS = frozenset({"sessions"})
# The response header naming the database the request read from (ZUGONG_DB_ROUTE_HEADER=1).
ROUTE_HEADER = "X-Zugong-Read-DB"

_replica_ok: ContextVar[bool] = ContextVar("zugong_replica_ok", default=False)
_wrote: ContextVar[bool] = ContextVar("zugong_wrote", default=False)
_used_replica: ContextVar[bool] = ContextVar("zugong_used_replica", default=False)


def pin_seconds() -> int:
    return int(getattr(settings, "ZUGONG_PRIMARY_PIN_SECONDS", 10))


def replica_configured() -> bool:
    """A replica alias exists and may be read (settings: not in the test suite)."""
    return REPLICA in settings.DATABASES and getattr(settings, "ZUGONG_REPLICA_READS", False)


@contextmanager
def replica_reads(enabled: bool = True) -> Iterator[None]:
    """Within the block, reads may go to the replica (writes still go to the primary)."""
    token = _replica_ok.set(enabled)
    try:
        yield
    finally:
        _replica_ok.reset(token)


def is_pinned(request: HttpRequest) -> bool:
    """True when this browser wrote within the last ZUGONG_PRIMARY_PIN_SECONDS seconds."""
    cached = getattr(request, "_zugong_pinned", None)
    if cached is None:
        cached = request.method not in SAFE_METHODS or (
            request.get_signed_cookie(
                PIN_COOKIE, default=None, salt=PIN_SALT, max_age=pin_seconds()
            )
            is not None
        )
        request._zugong_pinned = cached  # type: ignore[attr-defined]
    return cached


def reads_from_replica(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Mark a read-only view (a report, a dashboard) as safe to serve from the replica.

    The view may show data a few seconds old; it must not write. A pinned request (the user has
    just written something) and every non-GET request read the primary instead.
    """

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if is_pinned(request):
            return view(request, *args, **kwargs)
        used = _used_replica.get()
        _used_replica.set(False)
        try:
            with replica_reads():
                return view(request, *args, **kwargs)
        except (OperationalError, InterfaceError):
            # The replica is down or cancelled the query (a conflict with recovery): the view
            # only reads, so it runs again on the primary.
            if not _used_replica.get():
                raise
            logger.warning("replica read failed in %s; read the primary", view.__qualname__)
            _used_replica.set(used)
            return view(request, *args, **kwargs)

    return wrapped


def note_write() -> None:
    """Record that the current request wrote (the middleware then pins it to the primary)."""
    _wrote.set(True)


class PrimaryReplicaRouter:
    def db_for_read(self, model: type, **hints: Any) -> str | None:
        if not _replica_ok.get() or not replica_configured():
            return None  # the instance's own database, else default
        if connections[PRIMARY].in_atomic_block:
            return PRIMARY  # read-your-own-transaction
        _used_replica.set(True)
        return REPLICA

    def db_for_write(self, model: type, **hints: Any) -> str:
        if model._meta.app_label not in UNPINNED_APPS:
            note_write()
        return PRIMARY

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        dbs = {PRIMARY, REPLICA}
        if obj1._state.db in dbs and obj2._state.db in dbs:
            return True
        return None

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == PRIMARY


class PrimaryPinMiddleware:
    """Pins a browser to the primary for a few seconds after it wrote (read-after-write)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        wrote_token = _wrote.set(False)
        used_token = _used_replica.set(False)
        try:
            response = self.get_response(request)
            if request.method not in SAFE_METHODS or _wrote.get():
                response.set_signed_cookie(
                    PIN_COOKIE,
                    "1",
                    salt=PIN_SALT,
                    max_age=pin_seconds(),
                    httponly=True,
                    samesite="Lax",
                    secure=settings.SESSION_COOKIE_SECURE,
                )
            if getattr(settings, "ZUGONG_DB_ROUTE_HEADER", False):
                response[ROUTE_HEADER] = REPLICA if _used_replica.get() else "primary"
            return response
        finally:
            _wrote.reset(wrote_token)
            _used_replica.reset(used_token)
