"""Forms of 示范创建; organization choices are limited to the account's scope and the kind."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from zugong.accounts.models import User
from zugong.campaigns.models import Campaign, CampaignKind, Candidate, Criterion, Stage
from zugong.core.forms import DateInput, ZForm
from zugong.core.models import CodeItem
from zugong.orgs.models import Organization, OrgStatus, subtree_q


class OrgChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organization) -> str:
        return obj.name


class KindForm(ZForm):
    name = forms.CharField(label="名称", max_length=60)
    code = forms.SlugField(label="编码", max_length=40, help_text="英文字母、数字、下划线")
    group = forms.CharField(label="所属类别", max_length=40, required=False)
    org_categories = forms.ModelMultipleChoiceField(
        label="适用党组织类别",
        queryset=CodeItem.objects.filter(table__code="org_category", is_active=True).order_by(
            "sort_order", "code"
        ),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    sort_order = forms.IntegerField(label="排序", min_value=0, max_value=100000, initial=0)
    is_active = forms.BooleanField(label="启用", required=False, initial=True)
    description = forms.CharField(
        label="说明", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    @staticmethod
    def initial_for(kind: CampaignKind) -> dict[str, Any]:
        return {
            "name": kind.name,
            "code": kind.code,
            "group": kind.group,
            "org_categories": list(kind.org_categories.all()),
            "sort_order": kind.sort_order,
            "is_active": kind.is_active,
            "description": kind.description,
        }


class CampaignForm(ZForm):
    kind = forms.ModelChoiceField(label="创建类型", queryset=CampaignKind.objects.none())
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    target = forms.IntegerField(label="目标数", min_value=1, max_value=10000)
    title = forms.CharField(
        label="名称", max_length=100, required=False, help_text="留空时为“某年某类型创建”"
    )
    programme = forms.CharField(label="所属工程", max_length=40, required=False)
    pass_score = forms.DecimalField(
        label="验收合格分", min_value=Decimal("0"), max_digits=6, decimal_places=1, initial=80
    )
    description = forms.CharField(
        label="创建要求", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].queryset = CampaignKind.objects.filter(is_active=True).order_by(
            "sort_order", "id"
        )

    @staticmethod
    def initial_for(c: Campaign) -> dict[str, Any]:
        return {
            "kind": c.kind_id,
            "year": c.year,
            "target": c.target,
            "title": c.title,
            "programme": c.programme,
            "pass_score": c.pass_score,
            "description": c.description,
        }


class TownshipTargetsForm(ZForm):
    """One number per township of the campaign (field t_<pk>); empty or 0: no part."""

    def __init__(self, *args: Any, townships: list[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for t in townships:
            self.fields[f"t_{t.pk}"] = forms.IntegerField(
                label=t.short_name or t.name, min_value=0, max_value=10000, required=False
            )

    def targets(self) -> dict[int, int | None]:
        return {int(name[2:]): value for name, value in self.cleaned_data.items()}


class CriterionForm(ZForm):
    title = forms.CharField(label="标准", max_length=200)
    max_points = forms.DecimalField(
        label="分值", min_value=Decimal("0.1"), max_digits=5, decimal_places=1
    )
    sort_order = forms.IntegerField(label="排序", min_value=0, max_value=100000, initial=0)
    description = forms.CharField(
        label="评分细则", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    @staticmethod
    def initial_for(c: Criterion) -> dict[str, Any]:
        return {
            "title": c.title,
            "max_points": c.max_points,
            "sort_order": c.sort_order,
            "description": c.description,
        }


class WithdrawForm(ZForm):
    reason = forms.CharField(
        label="撤回理由", max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )


class NominateForm(ZForm):
    org = OrgChoiceField(label="创建对象", queryset=Organization.objects.none())
    declared_on = forms.DateField(label="申报日期", widget=DateInput())
    reason = forms.CharField(
        label="申报理由（创建基础）", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, user: User, campaign: Campaign, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        path = user.scope.path
        # Every active organization of the scope is offered: the service says why one that does
        # not fit the kind is refused, rather than hiding it.
        self.fields["org"].queryset = (
            Organization.objects.filter(subtree_q("path", path), status=OrgStatus.ACTIVE)
            .select_related("category")
            .order_by("path")
            if path
            else Organization.objects.none()
        )
        categories = "、".join(c.name for c in campaign.kind.org_categories.all())
        self.fields["org"].help_text = f"“{campaign.kind.name}”限{categories}党组织"


STAGE_ACTIONS = [
    (Stage.CULTIVATING, "确定为培育对象（培育）"),
    (Stage.ACCEPTED, "验收通过（验收）"),
    (Stage.NAMED, "命名（命名）"),
    (Stage.REVIEWED, "复查合格（复查）"),
    (Stage.REVOKED, "复查不合格，摘牌（摘牌）"),
]


class AdvanceForm(ZForm):
    to_stage = forms.ChoiceField(label="新阶段", choices=STAGE_ACTIONS)
    on = forms.DateField(label="日期", widget=DateInput())
    decision_number = forms.CharField(
        label="命名文号",
        max_length=60,
        required=False,
        help_text="命名时必填，如“青组〔2026〕12号”",
    )
    remark = forms.CharField(
        label="说明", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ScoreForm(ZForm):
    """One points field per criterion (c<pk>) and one remark (r<pk>); range checked by the service
    so that the message names the criterion's range."""

    def __init__(self, *args: Any, candidate: Candidate, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = list(candidate.campaign.criteria.all())
        existing = {s.criterion_id: s for s in candidate.scores.all()}
        for c in self.criteria:
            s = existing.get(c.pk)
            self.fields[f"c{c.pk}"] = forms.CharField(
                label=f"{c.title}（0至{c.max_points}分）",
                required=False,
                max_length=12,
                initial=s.points if s else "",
                help_text=c.description,
            )
            self.fields[f"r{c.pk}"] = forms.CharField(
                label=f"{c.title}：评分说明",
                required=False,
                max_length=300,
                initial=s.remark if s else "",
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.criteria and not any((data.get(f"c{c.pk}") or "").strip() for c in self.criteria):
            raise forms.ValidationError("评分：至少填写一项标准的得分")
        return data

    def points(self) -> dict[int, str]:
        return {c.pk: (self.cleaned_data.get(f"c{c.pk}") or "").strip() for c in self.criteria}

    def remarks(self) -> dict[int, str]:
        return {c.pk: self.cleaned_data.get(f"r{c.pk}") or "" for c in self.criteria}


class EvidenceForm(ZForm):
    file = forms.FileField(
        label="佐证材料", help_text="JPG、PNG 照片或 PDF、DOCX、XLSX 文件，不超过20MB"
    )
    criterion = forms.ModelChoiceField(
        label="对应标准", queryset=Criterion.objects.none(), required=False
    )

    def __init__(self, *args: Any, candidate: Candidate, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["criterion"].queryset = candidate.campaign.criteria.all()
