"""The ceiling: the list page's first 50 rows through a plain values_list and a bare response."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from zugong.members.models import Member, MemberStatus

CEILING_COLUMNS = (
    "id",
    "name",
    "gender__name",
    "ethnicity__name",
    "id_number",
    "education__name",
    "joined_on",
    "member_type",
    "org__name",
    "completeness",
)


def ceiling_rows(scope_path: str) -> list[tuple]:
    """What /members/ shows first for this scope: status 正常, ordered by org, pinyin and id."""
    return list(
        Member.objects.filter(org_path__startswith=scope_path, status=MemberStatus.NORMAL)
        .order_by("org_path", "name_pinyin", "id")
        .values_list(*CEILING_COLUMNS)[:50]
    )


def ceiling(request: HttpRequest) -> HttpResponse:
    # Same middleware (session, login required) as the product pages; only the view is bare.
    rows = ceiling_rows(request.user.scope.path or "\x00")
    body = "\n".join("\t".join("" if v is None else str(v) for v in row) for row in rows)
    return HttpResponse(body, content_type="text/plain; charset=utf-8")
