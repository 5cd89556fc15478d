"""The 群众评绩 part of the authorization matrix: the 组织部, the 干部监督科 and the system
administrator manage surveys in their scope; other roles get 403; the public pages answer
everyone, anonymous visitors included."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from zugong.accounts.models import Role, User
from zugong.accounts.tests.matrix_support import ROLES, Entry, Objects, everyone, only, pk_of
from zugong.orgs.models import Organization
from zugong.surveys import services
from zugong.surveys.models import QuestionKind, SubjectKind

SURVEY_STAFF = {Role.SYSTEM_ADMIN, Role.DEPARTMENT_ADMIN, Role.SUPERVISION_OFFICER}
draft = pk_of("survey_draft")
ended = pk_of("survey_ended")
OUT = only(SURVEY_STAFF, yes=404)
POSTED = only(SURVEY_STAFF, yes=302)  # a step that comes back to the survey page


def question(role: str, o: Objects, inside: bool) -> dict:
    return {
        "pk": o.extra["survey_draft"][(role, inside)],
        "question_pk": o.extra["survey_question"][(role, inside)],
    }


def public(role: str, o: Objects, inside: bool) -> dict:
    return {"pk": o.extra["survey_ended"][(Role.DEPARTMENT_ADMIN, True)]}


def _staff(kwargs, post: bool = False) -> Entry:  # noqa: ANN001
    return Entry(kwargs, only(SURVEY_STAFF), out_of_scope=OUT, post=post)


def _post_only(kwargs) -> Entry:  # noqa: ANN001
    # A GET in scope is 405; out of scope both are 404, like a missing survey.
    return Entry(
        kwargs,
        only(SURVEY_STAFF, yes=405),
        out_of_scope=OUT,
        post=True,
        post_expect=POSTED,
    )


ENTRIES: dict[str, Entry] = {
    "surveys:list": Entry(None, only(SURVEY_STAFF)),
    "surveys:create": Entry(None, only(SURVEY_STAFF), post=True),
    "surveys:detail": _staff(draft),
    "surveys:edit": _staff(draft, post=True),
    "surveys:question_add": _staff(draft, post=True),
    "surveys:question_edit": _staff(question, post=True),
    "surveys:question_delete": _post_only(question),
    "surveys:publish": _post_only(draft),
    "surveys:close": _post_only(draft),
    "surveys:qr": _staff(draft),
    "surveys:print": _staff(draft),
    "surveys:results_export": _staff(ended),
    "portal_surveys:list": Entry(None, everyone(200), anonymous=200),
    # An ended survey: its page says so, its results are public.
    "portal_surveys:detail": Entry(
        public, everyone(200), has_scope=False, post=True, anonymous=200, anonymous_post=200
    ),
    "portal_surveys:results": Entry(public, everyone(200), has_scope=False, anonymous=200),
}


def build(o: Objects, users: dict[str, User]) -> None:
    now = timezone.now()
    made: dict[int, tuple[int, int, int]] = {}
    for role in ROLES:
        for inside, org_pk in ((True, o.org_in[role]), (False, o.org_out[role])):
            if org_pk not in made:
                org = Organization.objects.get(pk=org_pk)
                data = services.SurveyInput(
                    title=f"{org.name}满意度评议",
                    description="",
                    subject_kind=SubjectKind.ORGANIZATION,
                    opens_at=now - timedelta(days=10),
                    closes_at=now + timedelta(days=10),
                    organization=org,
                )
                survey = services.create_survey(actor=None, data=data)
                q = services.add_question(
                    actor=None,
                    survey=survey,
                    data=services.QuestionInput(kind=QuestionKind.RATING, text="总体满意度"),
                )
                closed = services.create_survey(actor=None, data=data)
                services.add_question(
                    actor=None,
                    survey=closed,
                    data=services.QuestionInput(kind=QuestionKind.RATING, text="总体满意度"),
                )
                services.publish_survey(actor=None, survey=closed)
                services.close_survey(actor=None, survey=closed)
                made[org_pk] = (survey.pk, q.pk, closed.pk)
            draft_pk, question_pk, ended_pk = made[org_pk]
            o.put("survey_draft", role, inside, draft_pk)
            o.put("survey_question", role, inside, question_pk)
            o.put("survey_ended", role, inside, ended_pk)
