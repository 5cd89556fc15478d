"""Forms of the 发展党员 pages: the fields of the step form follow the step's definition."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.db.models import QuerySet

from zugong.core.forms import DateInput, ZForm
from zugong.core.models import CodeItem
from zugong.development.models import PersonRole, StepDefinition
from zugong.development.rules import PersonInput
from zugong.development.services import StepInput
from zugong.members.models import Member
from zugong.orgs.models import Organization


class MemberChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Member) -> str:  # type: ignore[override]
        return f"{obj.name}（{obj.get_member_type_display()}）"


class CaseForm(ZForm):
    name = forms.CharField(label="姓名", max_length=40)
    id_number = forms.CharField(label="公民身份号码", max_length=18)
    gender = forms.ModelChoiceField(label="性别", queryset=CodeItem.objects.none())
    birth_date = forms.DateField(label="出生日期", widget=DateInput())
    org = forms.ModelChoiceField(label="党支部", queryset=Organization.objects.none())
    applied_on = forms.DateField(label="递交入党申请书日期", widget=DateInput())
    expected_leave_on = forms.DateField(
        label="预计离开工作学习单位日期",
        required=False,
        widget=DateInput(),
        help_text="细则第十九条：发展对象未来三个月内将离开的，一般不办理接收预备党员手续",
    )
    note = forms.CharField(label="备注", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, branches: QuerySet[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["gender"].queryset = CodeItem.objects.filter(table__code="gender")
        self.fields["org"].queryset = branches


class StepForm(ZForm):
    """One step: the date always; people, votes, training, 公示 and 政审 only where recorded."""

    done_on = forms.DateField(label="日期", widget=DateInput())

    def __init__(
        self,
        *args: Any,
        definition: StepDefinition,
        orgs: QuerySet[Organization],
        members: QuerySet[Member],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        d = self.definition = definition
        self.fields["done_on"].label = d.date_label
        self.fields["responsible_org"] = forms.ModelChoiceField(
            label="办理组织", queryset=orgs, required=False
        )
        for role in d.people_roles:
            label = PersonRole(role).label
            self.fields[f"{role}_members"] = MemberChoice(
                label=f"{label}（从党员名册选择）",
                queryset=members,
                required=False,
                widget=forms.SelectMultiple(attrs={"size": 4}),
            )
            self.fields[f"{role}_names"] = forms.CharField(
                label=f"{label}（名册外人员姓名）",
                required=False,
                max_length=200,
                help_text="多人用顿号或逗号分隔",
            )
        if d.records_vote:
            for key, label in (
                ("voters_due", "应到会有表决权的正式党员"),
                ("voters_present", "实到会有表决权的党员"),
                ("votes_yes", "赞成"),
                ("votes_no", "反对"),
                ("votes_abstain", "弃权"),
            ):
                self.fields[key] = forms.IntegerField(label=label, min_value=0)
        if d.records_training:
            self.fields["training_days"] = forms.DecimalField(
                label="集中培训天数", required=False, min_value=0, max_digits=5, decimal_places=1
            )
            self.fields["training_hours"] = forms.DecimalField(
                label="集中培训学时", required=False, min_value=0, max_digits=6, decimal_places=1
            )
        if d.records_notice:
            self.fields["notice_from"] = forms.DateField(
                label="公示开始日期", required=False, widget=DateInput()
            )
            self.fields["notice_to"] = forms.DateField(
                label="公示结束日期", required=False, widget=DateInput()
            )
        if d.records_review:
            self.fields["review_passed"] = forms.TypedChoiceField(
                label="政审结论",
                choices=[("1", "合格"), ("0", "不合格")],
                coerce=lambda v: v == "1",
            )
        self.fields["documents"] = forms.CharField(
            label="材料",
            required=False,
            widget=forms.Textarea(attrs={"rows": 2}),
            initial="、".join(d.documents),
        )
        self.fields["note"] = forms.CharField(
            label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2})
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("notice_from"), data.get("notice_to")
        if (start is None) != (end is None):
            self.add_error("notice_to", "公示开始日期和结束日期应同时填写。")
        elif start and end and end < start:
            self.add_error("notice_to", "公示结束日期：不能早于公示开始日期。")
        return data

    def people_field(self) -> str | None:
        """Where the service's errors about people are shown."""
        roles = self.definition.people_roles
        return f"{roles[0]}_members" if roles else None

    def step_input(self) -> StepInput:
        data = self.cleaned_data
        people: list[PersonInput] = []
        for role in self.definition.people_roles:
            for m in data.get(f"{role}_members") or []:
                people.append(PersonInput(role=role, name=m.name, member=m))
            raw = (data.get(f"{role}_names") or "").replace("，", "、").replace(",", "、")
            for name in filter(None, (n.strip() for n in raw.split("、"))):
                people.append(PersonInput(role=role, name=name))
        values = {
            key: data.get(key)
            for key in (
                "voters_due",
                "voters_present",
                "votes_yes",
                "votes_no",
                "votes_abstain",
                "training_days",
                "training_hours",
                "notice_from",
                "notice_to",
                "review_passed",
            )
        }
        return StepInput(
            code=self.definition.code,
            done_on=data["done_on"],
            responsible_org=data.get("responsible_org"),
            people=people,
            documents=data.get("documents", ""),
            note=data.get("note", ""),
            **values,
        )


class CancelForm(ZForm):
    on = forms.DateField(label="终止日期", widget=DateInput())
    reason = forms.CharField(label="原因", max_length=280, widget=forms.Textarea(attrs={"rows": 3}))


class ExtendForm(ZForm):
    decided_on = forms.DateField(label="支部大会决定日期", widget=DateInput())
    months = forms.IntegerField(
        label="延长月数",
        min_value=1,
        max_value=24,
        help_text="细则第三十二条：半年至一年，只能延长一次",
    )
    reason = forms.CharField(label="理由", max_length=300, widget=forms.Textarea(attrs={"rows": 3}))


class PlanForm(ZForm):
    org = forms.ModelChoiceField(label="党组织", queryset=Organization.objects.none())
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    quota = forms.IntegerField(label="计划名额", min_value=0, max_value=100000)
    note = forms.CharField(label="说明", max_length=200, required=False)

    def __init__(self, *args: Any, orgs: QuerySet[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs


class RangeForm(ZForm):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    first_number = forms.IntegerField(label="起始编号", min_value=1)
    last_number = forms.IntegerField(label="截止编号", min_value=1)
    note = forms.CharField(label="说明", max_length=200, required=False)


class VoidForm(ZForm):
    on = forms.DateField(label="作废日期", widget=DateInput(), initial=date.today)
    void_reason = forms.CharField(label="作废原因", max_length=200)
