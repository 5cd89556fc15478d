"""Forms of the talent pool and the policies; choices are limited to the account's scope."""

from __future__ import annotations

import re
from typing import Any

from django import forms

from zugong.core.forms import DateInput, VersionedFormMixin, ZForm
from zugong.orgs.models import Organization, OrgStatus, subtree_q
from zugong.talents import selectors
from zugong.talents.models import (
    ArchiveKind,
    Education,
    Grant,
    Policy,
    PolicyItem,
    PolicyItemKind,
    RecruitMode,
    Talent,
    TalentCategory,
    TalentStatus,
)
from zugong.talents.rules import tier_pairs

SPLIT = re.compile(r"[、，,;；\s]+")


class OrgChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organization) -> str:
        return obj.name


def scoped_orgs(user: Any) -> Any:
    path = user.scope.path
    if path is None:
        return Organization.objects.none()
    return (
        Organization.objects.filter(subtree_q("path", path), status=OrgStatus.ACTIVE)
        .exclude(kind="branch_group")
        .order_by("path")
    )


def _blank(choices: list[tuple[str, str]], label: str = "—") -> list[tuple[str, str]]:
    return [("", label), *choices]


class TalentForm(VersionedFormMixin, ZForm):
    name = forms.CharField(label="姓名", max_length=50)
    id_number = forms.CharField(label="公民身份号码", max_length=24)
    org = OrgChoiceField(label="所属乡镇（系统）", queryset=Organization.objects.none())
    category = forms.ChoiceField(label="人才类别", choices=_blank(TalentCategory.choices))
    tier = forms.ChoiceField(
        label="层次", required=False, help_text="仅高层次人才填写，按本地分类目录（规则参数）"
    )
    field = forms.CharField(label="专业领域", max_length=60, required=False)
    employer = forms.CharField(label="工作单位", max_length=100, required=False)
    title = forms.CharField(label="职称（职业资格）", max_length=60, required=False)
    honors = forms.CharField(label="人才称号与荣誉", max_length=300, required=False)
    education = forms.ChoiceField(
        label="最高学历", choices=_blank(Education.choices), required=False
    )
    major = forms.CharField(label="所学专业", max_length=60, required=False)
    recruit_mode = forms.ChoiceField(
        label="引育方式", choices=_blank(RecruitMode.choices), required=False
    )
    arrived_on = forms.DateField(label="来县（入库）日期", required=False, widget=DateInput())
    policy = forms.ModelChoiceField(
        label="引进依据政策", queryset=Policy.objects.none(), required=False
    )
    phone = forms.CharField(label="手机号", max_length=20, required=False)
    status = forms.ChoiceField(label="状态", choices=TalentStatus.choices, initial="active")
    left_on = forms.DateField(label="离开日期", required=False, widget=DateInput())
    note = forms.CharField(
        label="备注", required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = scoped_orgs(user)
        self.fields["policy"].queryset = selectors.visible_policies(user).order_by("-issued_on")
        self.fields["tier"].choices = _blank(tier_pairs())

    @staticmethod
    def initial_for(talent: Talent) -> dict[str, Any]:
        fields = [
            "name", "id_number", "org", "category", "tier", "field", "employer", "title",
            "honors", "education", "major", "recruit_mode", "arrived_on", "policy", "phone",
            "status", "left_on", "note",
        ]  # fmt: skip
        data = {f: getattr(talent, f) for f in fields}
        data["org"], data["policy"] = talent.org_id, talent.policy_id
        return data


class ArchiveEntryForm(ZForm):
    kind = forms.ChoiceField(label="类型", choices=ArchiveKind.choices)
    occurred_on = forms.DateField(label="日期", widget=DateInput())
    title = forms.CharField(label="名称", max_length=200)
    result = forms.CharField(
        label="等次或结果", max_length=60, required=False, help_text="如：优秀、一等奖、结题"
    )
    issuer = forms.CharField(label="授予或评价单位", max_length=100, required=False)
    description = forms.CharField(
        label="内容", required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )


class PolicyForm(ZForm):
    title = forms.CharField(label="政策名称", max_length=200)
    document_number = forms.CharField(label="文号", max_length=60, required=False)
    issuer = forms.CharField(label="印发机关", max_length=100, required=False)
    issued_on = forms.DateField(label="印发日期", widget=DateInput())
    effective_from = forms.DateField(label="施行日期", widget=DateInput())
    effective_until = forms.DateField(label="截止日期", required=False, widget=DateInput())
    org = OrgChoiceField(
        label="适用范围",
        queryset=Organization.objects.none(),
        help_text="县级政策选县委；政策适用于该组织所辖区域的人才",
    )
    summary = forms.CharField(
        label="主要内容", required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = scoped_orgs(user).exclude(kind__in=("branch",))

    @staticmethod
    def initial_for(policy: Policy) -> dict[str, Any]:
        fields = [
            "title", "document_number", "issuer", "issued_on", "effective_from",
            "effective_until", "summary",
        ]  # fmt: skip
        data = {f: getattr(policy, f) for f in fields}
        data["org"] = policy.org_id
        return data


class ItemForm(ZForm):
    code = forms.SlugField(label="编码", max_length=40, help_text="字母、数字或短横线，如 housing")
    name = forms.CharField(label="政策事项", max_length=100)
    kind = forms.ChoiceField(label="类型", choices=PolicyItemKind.choices)
    amount = forms.DecimalField(
        label="标准金额（元）", required=False, min_value=0, max_digits=12, decimal_places=2
    )
    service = forms.CharField(label="服务内容", max_length=200, required=False)
    period_months = forms.IntegerField(
        label="享受期限（月）", required=False, min_value=1, max_value=600
    )
    source_clause = forms.CharField(
        label="依据条款", max_length=200, required=False, help_text="如：第三条第（二）项"
    )
    is_active = forms.BooleanField(label="启用", required=False, initial=True)
    # Eligibility (stored as data in PolicyItem.eligibility).
    categories = forms.MultipleChoiceField(
        label="条件：人才类别", choices=TalentCategory.choices, required=False,
        help_text="不选为不限",
    )  # fmt: skip
    tiers = forms.MultipleChoiceField(
        label="条件：人才层次", required=False, help_text="不选为不限"
    )
    fields_list = forms.CharField(
        label="条件：专业领域", max_length=300, required=False,
        help_text="用顿号分隔；不填为不限",
    )  # fmt: skip
    recruit_modes = forms.MultipleChoiceField(
        label="条件：引育方式", choices=RecruitMode.choices, required=False
    )
    min_education = forms.ChoiceField(
        label="条件：最低学历", choices=_blank(Education.choices, "不限"), required=False
    )
    min_years_in_county = forms.IntegerField(
        label="条件：来县满（年）", required=False, min_value=0, max_value=100
    )
    max_years_in_county = forms.IntegerField(
        label="条件：来县不满（年）", required=False, min_value=1, max_value=100,
        help_text="如填5：来县第5个周年日起不再符合",
    )  # fmt: skip
    max_age = forms.IntegerField(
        label="条件：年龄不超过（周岁）", required=False, min_value=1, max_value=100
    )

    ELIGIBILITY = (
        "categories", "tiers", "recruit_modes", "min_education",
        "min_years_in_county", "max_years_in_county", "max_age",
    )  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tiers"].choices = tier_pairs()

    @classmethod
    def initial_for(cls, item: PolicyItem) -> dict[str, Any]:
        data: dict[str, Any] = {
            f: getattr(item, f)
            for f in (
                "code", "name", "kind", "amount", "service", "period_months", "source_clause",
                "is_active",
            )
        }  # fmt: skip
        rules = item.eligibility or {}
        for key in cls.ELIGIBILITY:
            data[key] = rules.get(key)
        data["fields_list"] = "、".join(rules.get("fields") or [])
        return data

    def service_data(self) -> dict[str, Any]:
        """The cleaned data split into the item's fields and its eligibility."""
        data = dict(self.cleaned_data)
        eligibility = {key: data.pop(key) for key in self.ELIGIBILITY}
        eligibility["fields"] = [f for f in SPLIT.split(data.pop("fields_list") or "") if f]
        data["eligibility"] = eligibility
        return data


class GrantForm(ZForm):
    item = forms.ModelChoiceField(label="政策事项", queryset=PolicyItem.objects.none())
    granted_on = forms.DateField(label="兑现日期", widget=DateInput())
    amount = forms.DecimalField(
        label="核定金额（元）", required=False, min_value=0, max_digits=12, decimal_places=2,
        help_text="资金补贴不填则按标准金额；服务保障类不填",
    )  # fmt: skip
    remark = forms.CharField(label="备注", max_length=200, required=False)

    def __init__(self, *args: Any, talent: Talent, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = selectors.items_for_talent(talent)
        self.fields["item"].label_from_instance = lambda i: f"{i.policy.title} · {i.name}"


class StopGrantForm(ZForm):
    stopped_on = forms.DateField(label="终止日期", widget=DateInput())
    stop_reason = forms.CharField(label="终止原因", max_length=200)

    def __init__(self, *args: Any, grant: Grant | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)


class ImportForm(ZForm):
    file = forms.FileField(label="人才库表格（.xlsx 或 .csv）")
