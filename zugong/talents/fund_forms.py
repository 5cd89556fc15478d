"""Forms of the special fund; the talents offered are limited to the budget's and the account's
subtree."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone

from zugong.core.forms import DateInput, ZForm
from zugong.talents.models import FundBudget, Grant, PolicyItem, Talent
from zugong.talents.package_forms import ItemChoiceField, TalentChoiceField, visible_items


def _today() -> Any:
    return timezone.localdate()


def _this_year() -> int:
    return timezone.localdate().year


def money(label: str) -> forms.DecimalField:
    return forms.DecimalField(label=label, max_digits=14, decimal_places=2, min_value=Decimal("0"))


class BudgetForm(ZForm):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100, initial=_this_year)
    item = ItemChoiceField(label="政策事项", queryset=PolicyItem.objects.none())
    amount = money("年度预算（元）")
    set_on = forms.DateField(label="预算下达日期", widget=DateInput(), initial=_today)
    note = forms.CharField(label="备注", max_length=200, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = visible_items(user)


class BudgetChangeForm(ZForm):
    amount = money("年度预算（元）")
    note = forms.CharField(label="调整说明", max_length=200, required=False)


class GrantChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Grant) -> str:
        return f"{obj.talent.name} {obj.item.name} {obj.granted_on:%Y-%m-%d} 核定{obj.amount}元"


class AllocationForm(ZForm):
    talent = TalentChoiceField(label="人才", queryset=Talent.objects.none())
    grant = GrantChoiceField(label="对应兑现记录", queryset=Grant.objects.none(), required=False)
    amount = money("分配金额（元）")
    allocated_on = forms.DateField(label="分配日期", widget=DateInput(), initial=_today)
    note = forms.CharField(label="备注", max_length=200, required=False)

    def __init__(self, *args: Any, budget: FundBudget, talents: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["talent"].queryset = talents
        self.fields["grant"].queryset = Grant.objects.filter(
            item_id=budget.item_id, talent__in=talents
        ).select_related("talent", "item")


class ApplyForm(ZForm):
    amount = money("拨付金额（元）")
    purpose = forms.CharField(label="用途", max_length=200)
    applied_on = forms.DateField(label="申请日期", widget=DateInput(), initial=_today)


class DecisionForm(ZForm):
    decision = forms.ChoiceField(
        label="审批意见", choices=[("approve", "同意拨付"), ("refuse", "不予通过")]
    )
    on = forms.DateField(label="审批日期", widget=DateInput(), initial=_today)
    reason = forms.CharField(
        label="不予通过原因", max_length=300, required=False, help_text="不予通过时必须填写"
    )


class CancelForm(ZForm):
    on = forms.DateField(label="撤销日期", widget=DateInput(), initial=_today)
    reason = forms.CharField(label="撤销原因", max_length=300)


class PayForm(ZForm):
    on = forms.DateField(label="拨付日期", widget=DateInput(), initial=_today)
    voucher = forms.CharField(label="拨付凭证号", max_length=60)
