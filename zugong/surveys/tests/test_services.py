from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from zugong.cadres.archive_services import create_cadre
from zugong.conftest import valid_id
from zugong.surveys import selectors, services
from zugong.surveys.models import (
    OptionTally,
    Participation,
    QuestionKind,
    SubjectKind,
    SurveyStatus,
    TextAnswer,
)
from zugong.surveys.tests.support import answer, make_survey, new_token, questions

pytestmark = pytest.mark.django_db


def test_one_answer_per_device_and_another_device_is_accepted(tree):
    survey = make_survey(tree.branch_a1)
    token = answer(survey)
    with pytest.raises(services.AlreadyAnswered):
        answer(survey, token=token, rating=1)
    answer(survey, rating=1)
    assert Participation.objects.filter(survey=survey).count() == 2
    # The refused second answer left nothing behind: still two ratings, a 5 and a 1.
    rating = questions(survey)[QuestionKind.RATING]
    counts = dict(OptionTally.objects.filter(question=rating).values_list("index", "count"))
    assert counts == {0: 1, 1: 0, 2: 0, 3: 0, 4: 1}


def test_the_device_token_is_never_stored_in_clear(tree):
    survey = make_survey(tree.branch_a1)
    token = answer(survey)
    stored = Participation.objects.get(survey=survey).token_hash
    assert token not in stored
    assert stored == services.device_hash(survey, token)
    # Nowhere in the database either.
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - table names from introspection
            for row in cursor.fetchall():
                assert not any(token in str(v) for v in row), table


def test_the_same_device_gets_a_different_hash_in_another_survey(tree):
    one, two = make_survey(tree.branch_a1), make_survey(tree.branch_a1)
    token = new_token()
    assert services.device_hash(one, token) != services.device_hash(two, token)


def test_participation_has_no_column_that_links_it_to_answers():
    """The no-join property: the marker and the answers share nothing but the survey."""
    participation = {f.name for f in Participation._meta.get_fields()}
    assert participation == {"id", "survey", "token_hash"}
    text = {f.name for f in TextAnswer._meta.get_fields()}
    assert text == {"id", "question", "text"}
    tally = {f.name for f in OptionTally._meta.get_fields()}
    assert tally == {"id", "question", "index", "count"}
    for model in (Participation, TextAnswer, OptionTally):
        for f in model._meta.get_fields():
            # No time of any kind, no relation to another answer or to the marker.
            assert f.get_internal_type() not in ("DateTimeField", "DateField", "TimeField"), f
            if f.is_relation:
                assert f.related_model.__name__ in ("Survey", "Question"), f
    # Random keys: neither table numbers its rows in the order they came.
    assert Participation._meta.pk.get_internal_type() == "UUIDField"
    assert TextAnswer._meta.pk.get_internal_type() == "UUIDField"


def test_answering_inserts_no_rating_or_choice_rows(tree):
    survey = make_survey(tree.branch_a1)
    tallies = OptionTally.objects.filter(question__survey=survey).count()
    answer(survey, multiple=[0, 2], text="好")
    assert OptionTally.objects.filter(question__survey=survey).count() == tallies
    assert TextAnswer.objects.filter(question__survey=survey).count() == 1


def test_answers_are_refused_outside_the_window(tree):
    now = timezone.now()
    early = make_survey(tree.branch_a1, opens_at=now + timedelta(days=1))
    with pytest.raises(services.SurveyNotOpen):
        answer(early)
    late = make_survey(tree.branch_a1)
    services.close_survey(actor=None, survey=late)
    with pytest.raises(services.SurveyNotOpen):
        answer(late)
    assert not Participation.objects.exists()


def test_a_draft_takes_no_answers(tree):
    survey = make_survey(tree.branch_a1, publish=False)
    with pytest.raises(services.SurveyNotOpen):
        answer(survey)


def test_aggregates_per_question(tree):
    survey = make_survey(tree.branch_a1)
    answer(survey, rating=5, single=0, multiple=[0, 1], text="很好")
    answer(survey, rating=4, single=0, multiple=[1])
    answer(survey, rating=2, single=1, multiple=[], text="排队太久")
    answer(survey, rating=5, single=2, multiple=[1, 2])
    services.close_survey(actor=None, survey=survey)
    survey.refresh_from_db()
    results = {r.question.kind: r for r in selectors.survey_results(survey)}
    rating = results[QuestionKind.RATING]
    assert rating.answered == 4
    assert [o.count for o in rating.options] == [0, 1, 0, 1, 2]
    assert rating.mean == pytest.approx(4.0)
    single = results[QuestionKind.SINGLE]
    assert [(o.count, round(o.share)) for o in single.options] == [(2, 50), (1, 25), (1, 25)]
    multiple = results[QuestionKind.MULTIPLE]
    # Shares of the 3 who answered this optional question; they may add to more than 100%.
    assert multiple.answered == 3
    assert [o.count for o in multiple.options] == [1, 3, 1]
    assert multiple.options[1].share == pytest.approx(100.0)
    text = results[QuestionKind.TEXT]
    assert (text.answered, text.text_answers) == (2, 2)


def test_results_are_hidden_until_the_survey_ends(tree):
    survey = make_survey(tree.branch_a1)
    answer(survey)
    assert not survey.results_visible
    survey.closes_at = timezone.now() - timedelta(seconds=1)
    survey.save()
    assert survey.results_visible  # the closing time has passed, even without a staff step


def test_close_ends_the_window_now(tree):
    survey = make_survey(tree.branch_a1)
    closed = services.close_survey(actor=None, survey=survey)
    assert closed.status == SurveyStatus.CLOSED
    assert closed.closes_at <= timezone.now()
    with pytest.raises(ValidationError):
        services.close_survey(actor=None, survey=closed)


def test_only_drafts_are_edited(tree):
    survey = make_survey(tree.branch_a1)
    with pytest.raises(ValidationError, match="已发布"):
        services.add_question(
            actor=None, survey=survey, data=services.QuestionInput(kind="text", text="补充")
        )
    with pytest.raises(ValidationError):
        services.delete_question(actor=None, question=survey.questions.first())
    assert survey.questions.count() == 4


def test_publish_needs_a_question_and_a_future_closing_time(tree):
    survey = services.create_survey(
        actor=None,
        data=services.SurveyInput(
            title="空问卷",
            description="",
            subject_kind=SubjectKind.SERVICE,
            service_name="不动产登记",
            opens_at=timezone.now(),
            closes_at=timezone.now() + timedelta(days=1),
            organization=tree.county,
        ),
    )
    with pytest.raises(ValidationError, match="至少需要一道题目"):
        services.publish_survey(actor=None, survey=survey)
    assert survey.org_path == tree.county.path


def test_choice_questions_need_two_distinct_options(tree):
    survey = make_survey(tree.branch_a1, publish=False)
    for options in ("只有一个", "甲\n甲"):
        with pytest.raises(ValidationError):
            services.add_question(
                actor=None,
                survey=survey,
                data=services.QuestionInput(kind="single", text="选一个", options_text=options),
            )


def test_subjects_outside_the_account_scope_are_refused(tree, users, unit_tree):
    officer = users["supervision_officer"]  # county org anchor, no unit anchor
    data = services.SurveyInput(
        title="外县",
        description="",
        subject_kind=SubjectKind.ORGANIZATION,
        opens_at=timezone.now(),
        closes_at=timezone.now() + timedelta(days=1),
        organization=tree.other_branch,
    )
    with pytest.raises(PermissionDenied):
        services.create_survey(actor=officer, data=data)
    cadre = create_cadre(
        actor=None,
        name="王五",
        gender="男",
        id_number=valid_id(timezone.localdate().replace(year=1980)),
        birth_date=timezone.localdate().replace(year=1980),
        unit=unit_tree.town_a,
    )
    with pytest.raises(PermissionDenied):
        services.create_survey(
            actor=officer,
            data=services.SurveyInput(
                title="干部评议",
                description="",
                subject_kind=SubjectKind.CADRE,
                opens_at=timezone.now(),
                closes_at=timezone.now() + timedelta(days=1),
                cadre=cadre,
            ),
        )
    survey = services.create_survey(
        actor=users["system_admin"],
        data=services.SurveyInput(
            title="干部评议",
            description="",
            subject_kind=SubjectKind.CADRE,
            opens_at=timezone.now(),
            closes_at=timezone.now() + timedelta(days=1),
            cadre=cadre,
        ),
    )
    assert (survey.unit_path, survey.org_path) == (unit_tree.town_a.path, None)


def test_a_service_survey_belongs_to_the_creator_anchor(tree, users):
    survey = services.create_survey(
        actor=users["committee_admin"],
        data=services.SurveyInput(
            title="便民服务中心",
            description="",
            subject_kind=SubjectKind.SERVICE,
            service_name="便民服务中心窗口",
            opens_at=timezone.now(),
            closes_at=timezone.now() + timedelta(days=1),
        ),
    )
    assert survey.org_path == tree.town_a.path


def test_the_window_must_end_after_it_starts(tree):
    now = timezone.now()
    with pytest.raises(ValidationError):
        services.create_survey(
            actor=None,
            data=services.SurveyInput(
                title="倒序",
                description="",
                subject_kind=SubjectKind.ORGANIZATION,
                opens_at=now,
                closes_at=now,
                organization=tree.branch_a1,
            ),
        )
