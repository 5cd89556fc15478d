"""标准化/星级/软弱涣散's part of the authorization matrix (collected by test_authorization_matrix).

Readers are the 组织部, the township committees, branch secretaries and leaders; every other role
is refused the whole area (403, in scope or not). Out of scope is a 404 for the readers. The
组织部 keeps checklists and parameters, confirms stars and the 软弱涣散 list and approves 销号;
committees (and the 组织部) score and keep rectification plans; branch secretaries upload
evidence and record rectification measures.

The helpers below are shared with the tests (test_standardization_*.py).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from importlib import import_module

from django.core.files.base import ContentFile
from django.utils import timezone

from zugong.accounts.models import Role, User
from zugong.accounts.tests.matrix_support import Entry, Objects, org, pk_of
from zugong.orgs.models import Organization
from zugong.orgs.standardization.access import (
    ADMIN_ROLES,
    EVIDENCE_ROLES,
    READER_ROLES,
    SCORER_ROLES,
)
from zugong.orgs.standardization.models import (
    AnnualScore,
    ChecklistTemplate,
    ScoreEvidence,
    WeakBasis,
    WeakOrg,
    WeakOrgEvidence,
    WeakOrgMeasure,
    WeakStatus,
)

ADMINS = set(ADMIN_ROLES)
SCORERS = set(SCORER_ROLES)
EVIDENCE = set(EVIDENCE_ROLES)
READERS = set(READER_ROLES)


def readers(status: int) -> Callable[[str], int]:
    return lambda role: status if role in READERS else 403


def writes(roles: set[str], yes: int) -> Callable[[str], int]:
    return lambda role: yes if role in roles else 403


GONE = readers(404)  # out of scope: a 404 for readers; the others are refused the area first


def _write(kwargs: Callable | None, roles: set[str], *, scoped: bool = True) -> Entry:
    return Entry(
        kwargs,
        writes(roles, 200),
        post=True,
        post_expect=writes(roles, 400),
        out_of_scope=GONE if scoped else None,
        has_scope=scoped and kwargs is not None,
    )


ENTRIES: dict[str, Entry] = {
    "standards:index": Entry(None, readers(200)),
    "standards:template_list": Entry(None, readers(200)),
    "standards:template_create": _write(None, ADMINS),
    "standards:template_detail": Entry(pk_of("template"), readers(200), has_scope=False),
    "standards:template_edit": _write(pk_of("template"), ADMINS, scoped=False),
    "standards:template_copy": _write(pk_of("template"), ADMINS, scoped=False),
    "standards:item_create": _write(pk_of("template"), ADMINS, scoped=False),
    "standards:item_edit": _write(pk_of("item"), ADMINS, scoped=False),
    "standards:parameters": Entry(
        None,
        readers(200),
        post=True,
        post_expect=lambda role: 400 if role in ADMINS else 403,
    ),
    "standards:township": Entry(org, readers(200), out_of_scope=GONE),
    "standards:confirm_scores": _write(org, ADMINS),
    # Everyone who reads sees the sheet; scorers post it (an empty form: 400).
    "standards:branch_sheet": Entry(
        org,
        readers(200),
        post=True,
        post_expect=writes(SCORERS, 400),
        out_of_scope=GONE,
    ),
    "standards:reopen_score": _write(org, ADMINS),
    "standards:evidence_upload": _write(org, EVIDENCE),
    "standards:evidence_download": Entry(pk_of("score_evidence"), readers(200), out_of_scope=GONE),
    "standards:weak_list": Entry(None, readers(200)),
    "standards:weak_create": _write(None, SCORERS),
    "standards:weak_identify": _write(None, SCORERS),
    "standards:weak_detail": Entry(pk_of("weak"), readers(200), out_of_scope=GONE),
    "standards:weak_confirm": _write(pk_of("weak"), ADMINS),
    "standards:weak_plan": _write(pk_of("weak"), SCORERS),
    "standards:measure_add": _write(pk_of("weak"), EVIDENCE),
    "standards:measure_done": _write(pk_of("measure"), EVIDENCE),
    "standards:weak_evidence_upload": _write(pk_of("weak"), EVIDENCE),
    "standards:weak_evidence_download": Entry(
        pk_of("weak_evidence"), readers(200), out_of_scope=GONE
    ),
    "standards:weak_progress": _write(pk_of("weak"), EVIDENCE),
    "standards:weak_closure_request": _write(pk_of("weak"), SCORERS),
    "standards:weak_closure_decide": _write(pk_of("weak"), ADMINS),
}


# --- helpers shared with the tests ----------------------------------------------------------------


def ensure_seeded() -> None:
    """Put back what the migration seeds (the general checklist, the 软弱涣散 causes) when a
    transactional test before this one flushed the database."""
    if not ChecklistTemplate.objects.filter(category__isnull=True, year_from=2020).exists():
        from django.apps import apps

        import_module("zugong.orgs.migrations.0002_standardization").seed(apps, None)


def general_template() -> ChecklistTemplate:
    """The general checklist the migration seeds (a local example, 100 points)."""
    ensure_seeded()
    return ChecklistTemplate.objects.get(category__isnull=True, year_from=2020, version=1)


def make_score(
    branch: Organization,
    year: int,
    total: str | Decimal,
    stars: int,
    *,
    status: str = "scored",
) -> AnnualScore:
    """A score row written directly (the rules and lists read only total, stars and status)."""
    return AnnualScore.objects.create(
        org=branch,
        org_path=branch.path,
        year=year,
        template=general_template(),
        total=Decimal(str(total)),
        stars=stars,
        status=status,
        as_of=date(year, 12, 31),
    )


def make_weak(
    org_: Organization,
    creator: User,
    *,
    year: int = 2025,
    status: str = WeakStatus.RECTIFYING,
    deadline: date | None = None,
) -> WeakOrg:
    return WeakOrg.objects.create(
        org=org_,
        org_path=org_.path,
        year=year,
        basis=WeakBasis.CAUSE,
        cause_codes=["03"],
        situation="组织生活不正常",
        deadline=deadline,
        status=status,
        closed_on=date(year, 12, 31) if status == WeakStatus.CLOSED else None,
        identified_by=creator,
    )


def pdf_record(record: ScoreEvidence | WeakOrgEvidence, creator: User) -> None:
    record.original_name = "佐证.pdf"
    record.content_type = "application/pdf"
    record.size = 9
    record.uploaded_by = creator
    record.blob.save("x.bin", ContentFile(b"%PDF-1.4\n"), save=False)
    record.save()


def _objects_at(branch: Organization, creator: User) -> dict[str, int]:
    template = general_template()
    item = template.items.filter(feed="manual").order_by("sort_order").first()
    evidence = ScoreEvidence(
        org=branch, org_path=branch.path, year=timezone.localdate().year, item=item
    )
    pdf_record(evidence, creator)
    weak = make_weak(branch, creator, deadline=date(2030, 6, 30))
    measure = WeakOrgMeasure.objects.create(
        weak_org=weak, title="配强支部书记", deadline=date(2030, 3, 31)
    )
    weak_evidence = WeakOrgEvidence(weak_org=weak)
    pdf_record(weak_evidence, creator)
    return {
        "score_evidence": evidence.pk,
        "weak": weak.pk,
        "measure": measure.pk,
        "weak_evidence": weak_evidence.pk,
    }


def build(o: Objects, users: dict[str, User]) -> None:
    creator = users[Role.SYSTEM_ADMIN]
    template = general_template()
    item = template.items.order_by("sort_order").first()
    by_org: dict[int, dict[str, int]] = {}
    for role in o.org_in:
        for inside, org_pk in ((True, o.org_in[role]), (False, o.org_out[role])):
            if org_pk not in by_org:
                by_org[org_pk] = _objects_at(Organization.objects.get(pk=org_pk), creator)
            for kind, pk in by_org[org_pk].items():
                o.put(kind, role, inside, pk)
            o.put("template", role, inside, template.pk)
            o.put("item", role, inside, item.pk)
