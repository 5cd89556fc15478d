"""大调研 and 问题清单's part of the authorization matrix (collected by test_authorization_matrix).

Plans, opinions, lists and statistics are closed to the tracker (403, in scope or not); problems
are open to it within its responsible subtree. Organizers write plans and lists, the tracker and
organizers update progress, reviewers decide 销号, the 干部监督科 alone promotes a 举报.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.core.files.base import ContentFile

from zugong.accounts.models import Role, User
from zugong.accounts.tests.matrix_support import ROLES, Entry, Objects, everyone, pk_of
from zugong.inquiries.access import ORGANIZER_ROLES, REVIEWER_ROLES
from zugong.inquiries.models import Activity, ActivityFile, Evidence, Milestone
from zugong.inquiries.tests.support import (
    make_list,
    make_opinion,
    make_plan,
    make_problem,
    make_report,
)
from zugong.orgs.models import Organization

ORGANIZERS = set(ORGANIZER_ROLES)
REVIEWERS = set(REVIEWER_ROLES)
TRACKERS = ORGANIZERS | {Role.PROBLEM_TRACKER}
READERS = set(ROLES) - {Role.PROBLEM_TRACKER}
OFFICER = {Role.SUPERVISION_OFFICER}


def readers(status: int) -> Callable[[str], int]:
    """Plans, opinions and lists: `status` for staff, 403 for the tracker."""
    return lambda role: status if role in READERS else 403


def writes(roles: set[str], yes: int) -> Callable[[str], int]:
    return lambda role: yes if role in roles else 403


GONE = readers(404)  # out of scope: a 404, but the tracker is refused the whole area first


def _plan_entry(roles: set[str], kind: str = "plan") -> Entry:
    return Entry(
        pk_of(kind),
        writes(roles, 200),
        post=True,
        post_expect=writes(roles, 400),
        out_of_scope=GONE,
    )


def _problem_entry(roles: set[str], kind: str = "problem") -> Entry:
    return Entry(pk_of(kind), writes(roles, 200), post=True, post_expect=writes(roles, 400))


ENTRIES: dict[str, Entry] = {
    "inquiries:plan_list": Entry(None, readers(200)),
    "inquiries:plan_create": Entry(
        None, writes(ORGANIZERS, 200), post=True, post_expect=writes(ORGANIZERS, 400)
    ),
    "inquiries:plan_detail": Entry(pk_of("plan"), readers(200), out_of_scope=GONE),
    "inquiries:plan_edit": _plan_entry(ORGANIZERS),
    "inquiries:activity_create": _plan_entry(ORGANIZERS),
    "inquiries:opinion_create": _plan_entry(ORGANIZERS),
    "inquiries:activity_detail": Entry(
        pk_of("activity"),
        readers(200),
        post=True,
        post_expect=lambda role: 400 if role in ORGANIZERS else 403,
        out_of_scope=GONE,
    ),
    "inquiries:activity_file": Entry(pk_of("activity_file"), readers(200), out_of_scope=GONE),
    "inquiries:opinion_list": Entry(None, readers(200)),
    "inquiries:opinion_detail": Entry(
        pk_of("opinion"),
        readers(200),
        post=True,
        post_expect=lambda role: 400 if role in ORGANIZERS else 403,
        out_of_scope=GONE,
    ),
    "inquiries:opinion_promote": _plan_entry(ORGANIZERS, "opinion"),
    # The out-of-scope report is one not found 属实: a 404 for the office, 403 for the others.
    "inquiries:report_promote": Entry(
        pk_of("report"),
        writes(OFFICER, 200),
        post=True,
        post_expect=writes(OFFICER, 400),
        out_of_scope=writes(OFFICER, 404),
    ),
    "inquiries:problem_list_index": Entry(None, readers(200)),
    "inquiries:problem_list_create": Entry(
        None, writes(ORGANIZERS, 200), post=True, post_expect=writes(ORGANIZERS, 400)
    ),
    "inquiries:problem_list_detail": Entry(pk_of("list"), readers(200), out_of_scope=GONE),
    # POST-only: a GET in scope is 405; out of scope a 404 (the tracker: 403) whatever the method.
    "inquiries:problem_list_publish": Entry(
        pk_of("list"),
        readers(405),
        post=True,
        post_expect=lambda role: 302 if role in ORGANIZERS else 403,
        out_of_scope=GONE,
    ),
    "inquiries:problem_create": _plan_entry(ORGANIZERS, "list"),
    "inquiries:problem_index": Entry(None, everyone(200)),
    "inquiries:problem_detail": Entry(pk_of("problem"), everyone(200)),
    "inquiries:problem_edit": _problem_entry(ORGANIZERS),
    "inquiries:problem_progress": _problem_entry(TRACKERS),
    "inquiries:milestone_add": _problem_entry(TRACKERS),
    "inquiries:milestone_done": _problem_entry(TRACKERS, "milestone"),
    "inquiries:evidence_upload": _problem_entry(TRACKERS),
    "inquiries:evidence_download": Entry(pk_of("evidence"), everyone(200)),
    "inquiries:closure_request": _problem_entry(TRACKERS),
    "inquiries:closure_decide": _problem_entry(REVIEWERS),
    "inquiries:problem_reopen": _problem_entry(REVIEWERS),
    "inquiries:statistics": Entry(None, readers(200)),
    # The public progress pages: a published list for everyone; an unpublished one is a 404.
    "portal_progress:index": Entry(None, everyone(200), anonymous=200),
    "portal_progress:detail": Entry(pk_of("public_list"), everyone(200), anonymous=200),
}


def _objects_at(org: Organization, creator: User) -> dict[str, int]:
    plan = make_plan(org, creator, f"{org.name}大调研")
    activity = Activity.objects.create(
        plan=plan, kind="forum", held_on=date(2026, 3, 5), place="村委会", participants=12
    )
    activity_file = ActivityFile(
        activity=activity,
        original_name="座谈记录.pdf",
        content_type="application/pdf",
        size=9,
        uploaded_by=creator,
    )
    activity_file.blob.save("x.bin", ContentFile(b"%PDF-1.4\n"), save=False)
    activity_file.save()
    opinion = make_opinion(plan, org)
    problem_list = make_list(org, creator, f"{org.name}问题清单")
    problem = make_problem(problem_list, org, f"{org.name}的问题", deadline=date(2026, 12, 31))
    milestone = Milestone.objects.create(
        problem=problem, title="制定方案", planned_on=date(2026, 6, 1)
    )
    evidence = Evidence(
        problem=problem,
        original_name="整改照片.pdf",
        content_type="application/pdf",
        size=9,
        uploaded_by=creator,
    )
    evidence.blob.save("y.bin", ContentFile(b"%PDF-1.4\n"), save=False)
    evidence.save()
    # Closure decisions need a pending request; reopening a closed problem: the matrix only
    # reads these forms and posts empty ones, so one requested problem serves both.
    return {
        "plan": plan.pk,
        "activity": activity.pk,
        "activity_file": activity_file.pk,
        "opinion": opinion.pk,
        "list": problem_list.pk,
        "problem": problem.pk,
        "milestone": milestone.pk,
        "evidence": evidence.pk,
    }


def build(o: Objects, users: dict[str, User]) -> None:
    creator = users[Role.SYSTEM_ADMIN]
    by_org: dict[int, dict[str, int]] = {}
    for role in ROLES:
        for inside, org_pk in ((True, o.org_in[role]), (False, o.org_out[role])):
            if org_pk not in by_org:
                by_org[org_pk] = _objects_at(Organization.objects.get(pk=org_pk), creator)
            for kind, pk in by_org[org_pk].items():
                o.put(kind, role, inside, pk)
    verified, unverified = make_report(result="true"), make_report(result="false")
    org_in = Organization.objects.get(pk=o.org_in[Role.SYSTEM_ADMIN])
    published = make_list(org_in, creator, "公开清单", published=True)
    hidden = make_list(org_in, creator, "未公开清单")
    for role in ROLES:
        o.put("report", role, True, verified.pk)
        o.put("report", role, False, unverified.pk)
        o.put("public_list", role, True, published.pk)
        o.put("public_list", role, False, hidden.pk)
