"""Forms of 大调研 and 问题清单; choices are limited to the account's scope."""

from __future__ import annotations

import re
from typing import Any

from django import forms

from zugong.accounts.models import User
from zugong.core.forms import DateInput, ZForm
from zugong.inquiries.models import (
    HUNDRED,
    ZERO,
    Activity,
    ActivityKind,
    InvestigationPlan,
    OpinionSource,
    Problem,
    ProblemList,
)
from zugong.orgs.models import Organization, OrgStatus

NAME_SPLIT = re.compile(r"[、，,;；\s]+")


def scoped_orgs(user: User) -> Any:
    path = user.scope.path
    if path is None:
        return Organization.objects.none()
    return Organization.objects.filter(path__startswith=path, status=OrgStatus.ACTIVE).order_by(
        "path"
    )


class OrgChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organization) -> str:
        return obj.name


class PlanForm(ZForm):
    topic = forms.CharField(label="调研主题", max_length=200)
    description = forms.CharField(
        label="调研内容", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    start_on = forms.DateField(label="开始日期", widget=DateInput())
    end_on = forms.DateField(label="结束日期", widget=DateInput())
    targets = forms.ModelMultipleChoiceField(
        label="调研对象", queryset=Organization.objects.none(), required=False
    )
    team_users = forms.ModelMultipleChoiceField(
        label="调研组成员（账号）", queryset=User.objects.none(), required=False
    )
    team_names = forms.CharField(
        label="调研组成员（其他人员）",
        required=False,
        max_length=500,
        help_text="姓名之间用顿号、逗号或空格分隔",
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["targets"].queryset = scoped_orgs(user)
        path = user.scope.path
        self.fields["team_users"].queryset = (
            User.objects.filter(anchor_org__path__startswith=path, is_active=True).order_by(
                "username"
            )
            if path
            else User.objects.none()
        )

    def clean_team_names(self) -> list[str]:
        names = [n for n in NAME_SPLIT.split(self.cleaned_data.get("team_names") or "") if n]
        if any(len(n) > 40 for n in names):
            raise forms.ValidationError("姓名不能超过40个字")
        return names

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("start_on") and data.get("end_on") and data["end_on"] < data["start_on"]:
            self.add_error("end_on", "结束日期：不能早于开始日期")
        return data

    @classmethod
    def initial_for(cls, plan: InvestigationPlan) -> dict[str, Any]:
        team = list(plan.team.all())
        return {
            "topic": plan.topic,
            "description": plan.description,
            "start_on": plan.start_on,
            "end_on": plan.end_on,
            "targets": list(plan.targets.all()),
            "team_users": [m.user_id for m in team if m.user_id],
            "team_names": "、".join(m.name for m in team if not m.user_id),
        }


class FileForm(ZForm):
    file = forms.FileField(label="文件", help_text="JPG、PNG、PDF、DOCX、XLSX，不超过20MB")


class ActivityForm(ZForm):
    kind = forms.ChoiceField(label="形式", choices=ActivityKind.choices)
    held_on = forms.DateField(label="日期", widget=DateInput())
    place = forms.CharField(label="地点", max_length=200)
    participants = forms.IntegerField(label="参加人数", min_value=0, max_value=100000)
    minutes = forms.CharField(
        label="记录", required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    file = forms.FileField(
        label="附件", required=False, help_text="JPG、PNG、PDF、DOCX、XLSX，不超过20MB"
    )


class OpinionForm(ZForm):
    source = forms.ChoiceField(label="来源", choices=OpinionSource.choices)
    activity = forms.ModelChoiceField(
        label="调研活动", queryset=Activity.objects.none(), required=False
    )
    topic = forms.CharField(label="意见类别", max_length=60)
    org = OrgChoiceField(label="涉及组织", queryset=Organization.objects.none(), required=False)
    text = forms.CharField(
        label="意见内容", widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )
    received_on = forms.DateField(label="收集日期", widget=DateInput())

    def __init__(self, *args: Any, user: User, plan: InvestigationPlan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["activity"].queryset = plan.activities.all()
        self.fields["org"].queryset = scoped_orgs(user)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("source") == OpinionSource.ACTIVITY and not data.get("activity"):
            self.add_error("activity", "调研活动：来源为调研活动时必须选择是哪次活动")
        return data


class AnswerForm(ZForm):
    answer = forms.CharField(
        label="答复内容", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    answered_on = forms.DateField(label="答复日期", widget=DateInput())


class ProblemListForm(ZForm):
    title = forms.CharField(label="清单名称", max_length=200)
    plan = forms.ModelChoiceField(
        label="所属大调研", queryset=InvestigationPlan.objects.none(), required=False
    )
    published = forms.BooleanField(label="公开整改进度", required=False)

    def __init__(self, *args: Any, plans: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans


class ProblemForm(ZForm):
    """What a problem is. Used for new problems, edits, and promotions (which add the list)."""

    title = forms.CharField(label="问题", max_length=200)
    description = forms.CharField(
        label="问题描述", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    topic = forms.CharField(label="问题类别", max_length=60, required=False)
    responsible_org = OrgChoiceField(label="责任单位", queryset=Organization.objects.none())
    owner_name = forms.CharField(label="责任人", max_length=40, required=False)
    measures = forms.CharField(
        label="整改措施", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    deadline = forms.DateField(label="整改期限", required=False, widget=DateInput())
    weight = forms.IntegerField(label="权重", min_value=0, max_value=1000, initial=1)
    parent = forms.ModelChoiceField(
        label="上级问题", queryset=Problem.objects.none(), required=False
    )

    def __init__(
        self,
        *args: Any,
        user: User,
        problem_list: ProblemList | None = None,
        lists: Any = None,
        exclude: Problem | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responsible_org"].queryset = scoped_orgs(user)
        if problem_list is not None:
            parents = problem_list.problems.exclude(state="closed")
            if exclude is not None:
                parents = parents.exclude(pk=exclude.pk)
            self.fields["parent"].queryset = parents
        else:
            self.fields["parent"].queryset = Problem.objects.none()
            del self.fields["parent"]
        if lists is not None:
            self.fields = {
                "problem_list": forms.ModelChoiceField(label="列入问题清单", queryset=lists),
                **self.fields,
            }
            self.fields["problem_list"].widget.attrs["class"] = "form-select"


class ProgressForm(ZForm):
    progress = forms.DecimalField(
        label="整改进度（%）", min_value=ZERO, max_value=HUNDRED, decimal_places=2, max_digits=5
    )
    measures = forms.CharField(
        label="整改措施与进展", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class MilestoneForm(ZForm):
    title = forms.CharField(label="节点", max_length=200)
    planned_on = forms.DateField(label="计划完成日期", widget=DateInput())


class MilestoneDoneForm(ZForm):
    done_on = forms.DateField(label="实际完成日期", widget=DateInput())


class ReasonForm(ZForm):
    reason = forms.CharField(label="理由", widget=forms.Textarea(attrs={"rows": 3}), max_length=500)


class DecisionForm(ZForm):
    decision = forms.ChoiceField(
        label="审核结果", choices=[("approve", "同意销号"), ("refuse", "不同意，继续整改")]
    )
    reason = forms.CharField(
        label="审核意见", widget=forms.Textarea(attrs={"rows": 3}), max_length=500
    )
