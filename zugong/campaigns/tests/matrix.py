"""示范创建's part of the authorization matrix (collected by test_authorization_matrix).

Readers (组织部, 党（工）委, 党支部, 领导) see campaigns run by their organization's ancestors or
subtree, and the candidates of their own subtree; other roles are refused the whole area (403).
The 组织部 manages campaigns, criteria, kinds, scores and stages; 党（工）委 also nominate and upload
evidence.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.files.base import ContentFile

from zugong.accounts.models import Role, User
from zugong.accounts.tests.matrix_support import ROLES, Entry, Objects, pk_of
from zugong.campaigns.access import DEPARTMENT_ROLES, NOMINATOR_ROLES, READER_ROLES
from zugong.campaigns.models import CampaignKind, Candidate, EvidenceFile
from zugong.campaigns.tests.support import make_campaign, make_candidate
from zugong.orgs.models import Organization

READERS = set(READER_ROLES)
MANAGERS = set(DEPARTMENT_ROLES)
NOMINATORS = set(NOMINATOR_ROLES)


def readers(status: int) -> Callable[[str], int]:
    return lambda role: status if role in READERS else 403


def writes(roles: set[str], yes: int) -> Callable[[str], int]:
    return lambda role: yes if role in roles else 403


GONE = readers(404)  # out of scope: a 404 for readers; the others are refused the area first


def _write(roles: set[str], kind: str) -> Entry:
    return Entry(
        pk_of(kind),
        writes(roles, 200),
        post=True,
        post_expect=writes(roles, 400),
        out_of_scope=GONE,
    )


ENTRIES: dict[str, Entry] = {
    "campaigns:campaign_list": Entry(None, readers(200)),
    "campaigns:campaign_create": Entry(
        None, writes(MANAGERS, 200), post=True, post_expect=writes(MANAGERS, 400)
    ),
    "campaigns:campaign_detail": Entry(pk_of("campaign"), readers(200), out_of_scope=GONE),
    "campaigns:campaign_edit": _write(MANAGERS, "campaign"),
    "campaigns:campaign_targets": _write(MANAGERS, "campaign"),
    "campaigns:criterion_create": _write(MANAGERS, "campaign"),
    "campaigns:criterion_edit": _write(MANAGERS, "criterion"),
    "campaigns:candidate_create": _write(NOMINATORS, "campaign"),
    "campaigns:candidate_list": Entry(None, readers(200)),
    "campaigns:named_list": Entry(None, readers(200)),
    "campaigns:candidate_detail": Entry(pk_of("candidate"), readers(200), out_of_scope=GONE),
    "campaigns:candidate_advance": _write(MANAGERS, "candidate"),
    "campaigns:candidate_score": _write(MANAGERS, "candidate"),
    "campaigns:candidate_withdraw": _write(NOMINATORS, "candidate"),
    "campaigns:evidence_upload": _write(NOMINATORS, "candidate"),
    "campaigns:evidence_download": Entry(
        pk_of("campaign_evidence"), readers(200), out_of_scope=GONE
    ),
    "campaigns:progress": Entry(None, readers(200)),
    "campaigns:kind_list": Entry(None, readers(200)),
    "campaigns:kind_create": Entry(
        None, writes(MANAGERS, 200), post=True, post_expect=writes(MANAGERS, 400)
    ),
    # The kind table is county-wide data without a scope.
    "campaigns:kind_edit": Entry(
        pk_of("campaign_kind"),
        writes(MANAGERS, 200),
        post=True,
        post_expect=writes(MANAGERS, 400),
        has_scope=False,
    ),
}


def _evidence(candidate: Candidate, user: User) -> EvidenceFile:
    record = EvidenceFile(
        candidate=candidate,
        original_name="阵地照片.pdf",
        content_type="application/pdf",
        size=9,
        uploaded_by=user,
    )
    record.blob.save("x.bin", ContentFile(b"%PDF-1.4\n"), save=False)
    record.save()
    return record


def build(o: Objects, users: dict[str, User]) -> None:
    creator = users[Role.SYSTEM_ADMIN]
    org_in = Organization.objects.get(pk=o.org_in[Role.SYSTEM_ADMIN])
    county = Organization.objects.get(path=org_in.path[:4])
    stranger = Organization.objects.get(pk=o.org_out[Role.SYSTEM_ADMIN])
    other_county = Organization.objects.get(path=stranger.path[:4])
    ours = make_campaign(county, creator, "village")
    theirs = make_campaign(other_county, creator, "village")
    kind = CampaignKind.objects.get(code="village")
    by_org: dict[int, tuple[int, int]] = {}

    def candidate_at(org_pk: int, campaign) -> tuple[int, int]:  # noqa: ANN001
        if org_pk not in by_org:
            c = make_candidate(campaign, Organization.objects.get(pk=org_pk), creator)
            by_org[org_pk] = (c.pk, _evidence(c, creator).pk)
        return by_org[org_pk]

    for role in ROLES:
        o.put("campaign", role, True, ours.pk)
        o.put("campaign", role, False, theirs.pk)
        o.put("criterion", role, True, ours.criteria.first().pk)
        o.put("criterion", role, False, theirs.criteria.first().pk)
        o.put("campaign_kind", role, True, kind.pk)
        o.put("campaign_kind", role, False, kind.pk)
        inside = candidate_at(o.org_in[role], ours)
        outside_org = o.org_out[role]
        outside = candidate_at(
            outside_org,
            theirs if Organization.objects.get(pk=outside_org).path[:4] != county.path else ours,
        )
        for flag, (candidate_pk, evidence_pk) in ((True, inside), (False, outside)):
            o.put("candidate", role, flag, candidate_pk)
            o.put("campaign_evidence", role, flag, evidence_pk)
