"""Forms of the service packages; the talents and officers offered are limited to the scope."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from zugong.accounts.models import User
from zugong.core.forms import DateInput, ZForm
from zugong.talents.models import PolicyItem, RequestSource, ServiceKind, Talent
from zugong.talents.package_selectors import talents_in_scope
from zugong.talents.package_services import eligible_assignees
from zugong.talents.selectors import visible_policies


class TalentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Talent) -> str:
        return f"{obj.name}（{obj.employer}）" if obj.employer else obj.name


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.display_name


class ItemChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: PolicyItem) -> str:
        return f"{obj.policy.title}：{obj.name}"


def visible_items(user: User) -> Any:
    """Items of the policies the account reads (its area's, those above and below it)."""
    return (
        PolicyItem.objects.filter(policy__in=visible_policies(user))
        .select_related("policy")
        .order_by("policy_id", "code")
    )


def _today() -> Any:
    return timezone.localdate()


def _users(path: str | None) -> Any:
    if path is None:
        return User.objects.none()
    return User.objects.filter(pk__in=[u.pk for u in eligible_assignees(path)]).order_by("username")


class RequestForm(ZForm):
    talent = TalentChoiceField(label="人才", queryset=Talent.objects.none())
    kind = forms.ChoiceField(label="服务类别", choices=ServiceKind.choices)
    item = ItemChoiceField(label="对应政策事项", queryset=PolicyItem.objects.none(), required=False)
    content = forms.CharField(
        label="服务诉求", max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    source = forms.ChoiceField(label="申请方式", choices=RequestSource.choices)
    requester_name = forms.CharField(
        label="申请人（单位）",
        max_length=100,
        required=False,
        help_text="用人单位申请时填写单位名称（不填则取人才的工作单位）",
    )
    requester_contact = forms.CharField(label="联系人及电话", max_length=60, required=False)
    submitted_on = forms.DateField(label="申请日期", widget=DateInput(), initial=_today)
    assignee = UserChoiceField(label="服务专员", queryset=User.objects.none(), required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["talent"].queryset = talents_in_scope(user)
        self.fields["item"].queryset = visible_items(user)
        self.fields["assignee"].queryset = _users(user.scope.path)


class AssignForm(ZForm):
    assignee = UserChoiceField(label="服务专员", queryset=User.objects.none())
    on = forms.DateField(label="指派日期", widget=DateInput(), initial=_today)

    def __init__(self, *args: Any, path: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = _users(path)


class StepForm(ZForm):
    """受理 and 开始办理: the date and a note."""

    on = forms.DateField(label="办理日期", widget=DateInput(), initial=_today)
    note = forms.CharField(label="说明", max_length=500, required=False)


class FinishForm(ZForm):
    on = forms.DateField(label="办结日期", widget=DateInput(), initial=_today)
    result = forms.CharField(
        label="办理结果", max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReturnForm(ZForm):
    on = forms.DateField(label="退回日期", widget=DateInput(), initial=_today)
    reason = forms.CharField(label="退回原因", max_length=300)


class FeedbackForm(ZForm):
    satisfaction = forms.TypedChoiceField(
        label="满意度",
        coerce=int,
        choices=[
            (5, "5 非常满意"),
            (4, "4 满意"),
            (3, "3 基本满意"),
            (2, "2 不满意"),
            (1, "1 很不满意"),
        ],
    )
    feedback = forms.CharField(
        label="评价意见", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    on = forms.DateField(label="评价日期", widget=DateInput(), initial=_today)
