"""Helpers every app's views share."""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from zugong.core.locking import StaleEdit, compare_form, conflict_message, last_change

# A filtered list counts at most this many rows and shows "1000+" beyond; scanning further costs
# more than the page itself on a large subtree.
COUNT_CAP = 1_000


def add_validation_error(form: Any, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: beside its field when it names one."""
    errors = exc.error_dict if hasattr(exc, "error_dict") else {None: exc.error_list}
    for field, items in errors.items():
        target = field if field in form.fields else None
        for item in items:
            form.add_error(target, item.messages[0])


def attempt(form: Any, write: Callable[[], Any]) -> Any:
    """Run a service; its ValidationError lands on the form and None comes back."""
    try:
        return write()
    except ValidationError as exc:
        add_validation_error(form, exc)
        return None


def form_page(
    request: HttpRequest, form: Any, title: str, back: str, *, template: str, **extra: Any
) -> HttpResponse:
    """A page around one form; a refused POST answers 400 so htmx and tests see the refusal."""
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "title": title, "back": back, **extra}
    return render(request, template, context, status=status)


def bounded_int(value: str | None, low: int, high: int, default: int | None = None) -> int | None:
    """A query-string number within [low, high]; anything else (empty, text, out of range) is
    `default`, so a hand-edited URL never reaches the database as a bad filter."""
    value = (value or "").strip()
    if value.isdigit() and low <= int(value) <= high:
        return int(value)
    return default


def require_perm(request: HttpRequest, perm: str, obj: Any = None) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied("您的角色没有此项操作权限")


class CappedPaginator(Paginator):
    """Counts at most COUNT_CAP rows: an exact count of a province subtree costs more than the page.

    A caller that already knows the total (from the roll-up table) passes it as `known_count`;
    one whose rows carry joins the count does not need passes the plain rows as `count_rows`.
    """

    def __init__(
        self,
        object_list: Any,
        per_page: int,
        known_count: int | None = None,
        count_rows: QuerySet | None = None,
    ) -> None:
        super().__init__(object_list, per_page)
        self.known_count = known_count
        self.count_rows = count_rows

    @cached_property
    def count(self) -> int:
        if self.known_count is not None:
            return self.known_count
        # Without the ORDER BY the database may stop as soon as it has found COUNT_CAP + 1 rows.
        rows = self.object_list if self.count_rows is None else self.count_rows.values("pk")
        return rows.order_by()[: COUNT_CAP + 1].count()

    cap = COUNT_CAP

    @property
    def count_is_capped(self) -> bool:
        return self.known_count is None and self.count > COUNT_CAP


def paginate(
    request: HttpRequest,
    object_list: Any,
    per_page: int = 50,
    known_count: int | None = None,
    count_rows: QuerySet | None = None,
) -> Page:
    paginator = CappedPaginator(object_list, per_page, known_count, count_rows)
    return paginator.get_page(request.GET.get("page"))


@login_not_required
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """For the load balancer: the process answers. No database query (a replica's lag or a busy
    primary must not take every app server out of the pool at once)."""
    return HttpResponse("ok\n", content_type="text/plain")


def conflict_page(
    request: HttpRequest,
    form: Any,
    stale: StaleEdit,
    *,
    title: str,
    reopen: str,
    back: str,
    saved_values: dict[str, Any] | None = None,
) -> HttpResponse:
    """The answer to a stale edit (zugong.core.locking.StaleEdit): 409, both versions field by
    field, nothing saved. `reopen` opens the form again with the values saved now."""
    current = stale.current
    rows = compare_form(form, current, saved_values=saved_values)
    context = {
        "title": title,
        "message": conflict_message(current),
        "last": last_change(current),
        "rows": rows,
        "differing": sum(row.differs for row in rows),
        "reopen": reopen,
        "back": back,
    }
    return render(request, "conflict.html", context, status=409)
