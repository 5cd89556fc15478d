"""Pages: the township list (query-count guard, filters, export, chart data), the score sheet
(save, refused range, the star), evidence, parameters and the 软弱涣散 workflow to 销号."""

from __future__ import annotations

import io
import itertools
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from zugong.accounts.models import Role
from zugong.conftest import assert_flat_queries
from zugong.core.models import Finding, RuleParameter
from zugong.orgs.services import create_org
from zugong.orgs.standardization import services
from zugong.orgs.standardization.models import (
    AnnualScore,
    ScoreEvidence,
    WeakBasis,
    WeakOrg,
    WeakOrgEvent,
    WeakStatus,
)
from zugong.orgs.standardization.rules import WEAK_KIND
from zugong.orgs.tests.matrix_standardization import general_template, make_score

pytestmark = pytest.mark.django_db

_codes = itertools.count(1)


def new_branch(parent, name: str | None = None):  # noqa: ANN001, ANN201
    n = next(_codes)
    return create_org(
        actor=None, parent=parent, name=name or f"测试第{n}党支部", code=f"S{n}", kind="branch"
    )


def sheet_post(year: int, **points: str) -> dict[str, str]:
    data = {"year": str(year), "note": "逐项核查"}
    for item in general_template().items.all():
        if not item.is_auto:
            data[f"item_{item.pk}"] = points.get(item.code, str(item.max_points))
    return data


def test_township_list_queries_are_flat(client, tree, users, django_assert_max_num_queries):
    client.force_login(users[Role.COMMITTEE_ADMIN])
    year = timezone.localdate().year

    def grow(n: int) -> None:
        for i in range(n):
            make_score(new_branch(tree.town_a), year, "85", 4 if i % 2 else 3)

    assert_flat_queries(
        client,
        f"{reverse('standards:township', args=[tree.town_a.pk])}?year={year}",
        grow,
        lambda r: r.content.decode().count("/standards/branch/"),
        django_assert_max_num_queries,
    )


def test_overview_queries_are_flat(client, tree, users, django_assert_max_num_queries):
    client.force_login(users[Role.DEPARTMENT_ADMIN])
    year = timezone.localdate().year
    counter = itertools.count(1)

    def grow(n: int) -> None:
        for _ in range(n):
            town = create_org(
                actor=None,
                parent=tree.county,
                name=f"新镇{next(counter)}党委",
                code=f"NT{next(_codes)}",
                kind="party_committee",
            )
            make_score(new_branch(town), year, "75", 3)

    assert_flat_queries(
        client,
        reverse("standards:index"),
        grow,
        lambda r: r.content.decode().count("/standards/township/"),
        django_assert_max_num_queries,
    )


def test_township_filters_distribution_and_export(client, tree, users):
    client.force_login(users[Role.DEPARTMENT_ADMIN])
    year = 2025
    five, four = new_branch(tree.town_a, "五星支部"), new_branch(tree.town_a, "四星支部")
    make_score(five, year, "95", 5)
    make_score(four, year, "85", 4, status="confirmed")
    url = reverse("standards:township", args=[tree.town_a.pk])
    page = client.get(url, {"year": year}).content.decode()
    assert "五星支部" in page and "城关镇东村党支部" in page
    assert 'id="chart-data"' in page and 'id="chart-stars"' in page
    # One five-star branch of two scored is 50%: above the 10% target, marked in the table.
    assert "table-danger" in page
    page = client.get(url, {"year": year, "stars": 5}).content.decode()
    assert "五星支部" in page and "四星支部" not in page
    page = client.get(url, {"year": year, "status": "unscored"}).content.decode()
    assert "城关镇东村党支部" in page and "五星支部" not in page
    page = client.get(url, {"year": year, "status": "confirmed"}).content.decode()
    assert "四星支部" in page and "五星支部" not in page
    response = client.get(url, {"year": year, "export": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "党支部"
    by_name = {r[0]: r for r in rows[1:]}
    assert by_name["五星支部"][5] == 5 and by_name["城关镇东村党支部"][6] == "未评分"
    assert len(rows) == 1 + 4  # the header and town_a's four branches


def test_a_committee_scores_a_branch_on_its_sheet(client, tree, users):
    client.force_login(users[Role.COMMITTEE_ADMIN])
    year = timezone.localdate().year - 1
    url = reverse("standards:branch_sheet", args=[tree.branch_a1.pk])
    page = client.get(url, {"year": year}).content.decode()
    assert "尚未评分" in page and 'name="item_' in page
    bad = client.post(f"{url}?year={year}", sheet_post(year, E1="9"))
    assert bad.status_code == 400
    assert "E1 活动阵地" in bad.content.decode() and "0至7分" in bad.content.decode()
    assert not AnnualScore.objects.exists()
    response = client.post(f"{url}?year={year}", sheet_post(year, E1="5"))
    assert response.status_code == 302
    score = AnnualScore.objects.get()
    assert score.lines.get(code="E1").points == 5
    page = client.get(url, {"year": year}).content.decode()
    assert f"{score.stars}星" in page and score.star_symbols in page
    assert "组织生活检查：" in page  # the frozen source of the automatic item


def test_the_department_sends_a_confirmed_score_back_from_the_sheet(client, tree, users):
    year = timezone.localdate().year - 1
    client.force_login(users[Role.COMMITTEE_ADMIN])
    sheet = reverse("standards:branch_sheet", args=[tree.branch_a1.pk])
    client.post(f"{sheet}?year={year}", sheet_post(year, E1="5"))
    department = users[Role.DEPARTMENT_ADMIN]
    services.confirm_scores(actor=department, org=tree.town_a, year=year)
    assert 'data-testid="reopen-link"' not in client.get(sheet, {"year": year}).content.decode()
    client.force_login(department)
    assert 'data-testid="reopen-link"' in client.get(sheet, {"year": year}).content.decode()
    url = reverse("standards:reopen_score", args=[tree.branch_a1.pk])
    refused = client.post(url, {"year": str(year), "reason": ""})
    assert refused.status_code == 400 and "退回理由" in refused.content.decode()
    done = client.post(url, {"year": str(year), "reason": "请复核活动阵地"})
    assert done.status_code == 302 and not AnnualScore.objects.get().is_confirmed
    client.force_login(users[Role.COMMITTEE_ADMIN])
    assert 'name="item_' in client.get(sheet, {"year": year}).content.decode()


def test_branch_admin_reads_its_sheet_and_uploads_evidence(client, tree, users):
    year = timezone.localdate().year
    client.force_login(users[Role.BRANCH_ADMIN])
    url = reverse("standards:branch_sheet", args=[tree.branch_a1.pk])
    page = client.get(url).content.decode()
    assert 'name="item_' not in page  # reads, does not score
    assert client.post(url, sheet_post(year)).status_code == 403
    item = general_template().items.get(code="E2")
    upload = reverse("standards:evidence_upload", args=[tree.branch_a1.pk])
    pdf = SimpleUploadedFile("台账目录.pdf", b"%PDF-1.4\n%x\n", content_type="application/pdf")
    response = client.post(f"{upload}?year={year}", {"item": item.pk, "file": pdf})
    assert response.status_code == 302
    evidence = ScoreEvidence.objects.get()
    assert "台账目录.pdf" in client.get(url).content.decode()
    download = client.get(reverse("standards:evidence_download", args=[evidence.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert download["X-Content-Type-Options"] == "nosniff"
    # Another branch's secretary cannot fetch it.
    other = users[Role.BRANCH_ADMIN]
    other.anchor_org = tree.branch_a2a
    other.save()
    client.force_login(other)
    assert client.get(reverse("standards:evidence_download", args=[evidence.pk])).status_code == 404


def test_parameters_page(client, users):
    client.force_login(users[Role.DEPARTMENT_ADMIN])
    url = reverse("standards:parameters")
    assert "每缺1次组织生活扣分" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "key": "standards.auto_deductions:per_missed_meeting",
            "value": "0.3",
            "effective_from": "2026-01-01",
            "source": "县委组织部通知",
        },
    )
    assert response.status_code == 302
    param = RuleParameter.objects.get()
    assert (param.rule_id, param.key, param.value) == (
        "standards.auto_deductions",
        "per_missed_meeting",
        "0.3",
    )
    bad = client.post(
        url,
        {"key": "standards.star_thresholds:two", "value": "99", "effective_from": "2026-01-01"},
    )
    assert bad.status_code == 400 and "由高到低" in bad.content.decode()


def test_weak_org_from_proposal_to_closure(client, tree, users):
    committee, department = users[Role.COMMITTEE_ADMIN], users[Role.DEPARTMENT_ADMIN]
    branch_admin = users[Role.BRANCH_ADMIN]
    year = timezone.localdate().year
    general_template()  # the 软弱涣散 causes come with the seeded checklist
    with pytest.raises(ValidationError, match="至少选择一种"):
        services.propose_weak(
            actor=committee, org=tree.branch_a1, year=year, basis=WeakBasis.CAUSE, cause_codes=[]
        )
    with pytest.raises(ValidationError, match="未知的代码"):
        services.propose_weak(
            actor=committee,
            org=tree.branch_a1,
            year=year,
            basis=WeakBasis.CAUSE,
            cause_codes=["77"],
        )
    weak = services.propose_weak(
        actor=committee,
        org=tree.branch_a1,
        year=year,
        basis=WeakBasis.CAUSE,
        cause_codes=["02", "03"],
        situation="班子不团结",
    )
    with pytest.raises(ValidationError, match="已在"):
        services.propose_weak(
            actor=committee, org=tree.branch_a1, year=year, basis=WeakBasis.RANKING, cause_codes=[]
        )
    with pytest.raises(PermissionDenied):
        services.confirm_weak(actor=committee, weak=weak, approve=True, reason="")
    services.confirm_weak(actor=department, weak=weak, approve=True, reason="列入")
    services.save_plan(
        actor=committee,
        weak=weak,
        situation="班子不团结，组织生活不正常",
        responsible="镇党委书记",
        deadline=timezone.localdate() + timedelta(days=90),
        cause_codes=["02", "03"],
    )
    measure = services.add_measure(
        actor=branch_admin, weak=weak, title="调整支部班子", deadline=timezone.localdate()
    )
    with pytest.raises(ValidationError, match="尚未全部完成：调整支部班子"):
        services.request_weak_closure(actor=committee, weak=weak, reason="完成")
    with pytest.raises(PermissionDenied):
        services.request_weak_closure(actor=branch_admin, weak=weak, reason="完成")
    services.complete_measure(
        actor=branch_admin, measure=measure, done_on=timezone.localdate(), result="已调整"
    )
    client.force_login(branch_admin)
    pdf = SimpleUploadedFile("会议记录.pdf", b"%PDF-1.4\n", content_type="application/pdf")
    response = client.post(reverse("standards:weak_evidence_upload", args=[weak.pk]), {"file": pdf})
    assert response.status_code == 302
    client.force_login(committee)
    response = client.post(
        reverse("standards:weak_closure_request", args=[weak.pk]), {"reason": "群众满意"}
    )
    assert response.status_code == 302
    weak.refresh_from_db()
    assert weak.status == WeakStatus.REQUESTED
    client.force_login(department)
    response = client.post(
        reverse("standards:weak_closure_decide", args=[weak.pk]),
        {"decision": "approve", "reason": "验收合格"},
    )
    assert response.status_code == 302
    weak.refresh_from_db()
    assert weak.status == WeakStatus.CLOSED and weak.closed_on == timezone.localdate()
    kinds = list(weak.events.values_list("kind", flat=True))
    assert kinds == [
        WeakOrgEvent.Kind.PROPOSED,
        WeakOrgEvent.Kind.CONFIRMED,
        WeakOrgEvent.Kind.REQUESTED,
        WeakOrgEvent.Kind.APPROVED,
    ]
    with pytest.raises(ValidationError, match="已销号"):
        services.add_measure(actor=committee, weak=weak, title="再加", deadline=date(2030, 1, 1))
    page = client.get(reverse("standards:weak_detail", args=[weak.pk])).content.decode()
    assert "已销号" in page and "会议记录.pdf" in page
    assert not Finding.objects.filter(subject_type=WEAK_KIND, subject_id=weak.pk).exists()


def test_identify_the_bottom_share_through_the_page(client, tree, users):
    year = timezone.localdate().year - 1
    low, high = new_branch(tree.town_a, "末位支部"), new_branch(tree.town_a, "先进支部")
    make_score(low, year, "52", 1)
    make_score(high, year, "96", 5)
    client.force_login(users[Role.COMMITTEE_ADMIN])
    url = reverse("standards:weak_identify")
    page = client.get(url, {"year": year}).content.decode()
    assert "末位支部" in page and "先进支部" not in page  # 5% of 2, rounded up: one
    response = client.post(f"{url}?year={year}", {"year": year, "org_ids": [low.pk]})
    assert response.status_code == 302
    weak = WeakOrg.objects.get()
    assert weak.org == low and weak.basis == WeakBasis.RANKING
    assert weak.status == WeakStatus.PROPOSED and "倒数第1" in weak.ranking_note
    listing = client.get(reverse("standards:weak_list"), {"year": year}).content.decode()
    assert "末位支部" in listing
    response = client.get(reverse("standards:weak_list"), {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert [r[0] for r in sheet.iter_rows(values_only=True)] == ["党组织", "末位支部"]


def test_template_pages(client, users):
    client.force_login(users[Role.DEPARTMENT_ADMIN])
    template = general_template()
    page = client.get(reverse("standards:template_detail", args=[template.pk])).content.decode()
    assert "三会一课等组织生活制度落实" in page and "100" in page
    response = client.post(
        reverse("standards:item_create", args=[template.pk]),
        {
            "code": "G1",
            "dimension": "加分",
            "title": "创新做法",
            "max_points": "5",
            "feed": "manual",
            "sort_order": "99",
        },
    )
    assert response.status_code == 302
    assert template.items.filter(code="G1").exists()
    client.force_login(users[Role.COMMITTEE_ADMIN])
    assert client.get(reverse("standards:template_create")).status_code == 403
