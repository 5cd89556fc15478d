"""Dues forms: one standard, a branch's 核定 table, a month's collection, a correction, a void."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone

from zugong.core.forms import DateInput, ZForm
from zugong.dues.models import DuesCategory, DuesPayment, DuesStandard, Reduction
from zugong.dues.selectors import RosterRow
from zugong.dues.services import BulkRow, PaymentInput, StandardInput
from zugong.members.models import Member

MONEY = {"max_digits": 12, "decimal_places": 2, "min_value": Decimal("0")}
MONTH_CHOICES = [(m, f"{m}月") for m in range(1, 13)]


def _not_future(value: date | None) -> date | None:
    if value and value > timezone.localdate():
        raise forms.ValidationError("不能晚于今天。")
    return value


def _small(field: forms.Field, css: str) -> None:
    # Fields added per row after BootstrapMixin ran: give them its classes, in the compact size.
    field.widget.attrs["class"] = css


class StandardForm(ZForm):
    category = forms.ChoiceField(label="收入类别", choices=DuesCategory.choices)
    income_base = forms.DecimalField(
        label="月收入基数（元）",
        required=False,
        help_text="在职：每月相对固定的、经常性的税后工资收入；离退休：离退休费或养老金总额；"
        "个体经营等：上季度月平均纯收入；农民、学生等不填",
        **MONEY,
    )
    chosen_amount = forms.DecimalField(
        label="农民党员月交纳额（元）",
        required=False,
        help_text="农民党员每月0.2元至1元（第六条），不填按0.2元",
        **MONEY,
    )
    reduction = forms.ChoiceField(label="少交/免交", choices=Reduction.choices)
    reduced_amount = forms.DecimalField(
        label="少交后的月交纳额（元）", required=False, help_text="少交时填写", **MONEY
    )
    approval_authority = forms.CharField(label="批准机关", max_length=100, required=False)
    approval_date = forms.DateField(label="批准日期", required=False, widget=DateInput())
    approval_number = forms.CharField(label="批准文号", max_length=60, required=False)
    starts_month = forms.TypedChoiceField(
        label="起交月份",
        choices=MONTH_CHOICES,
        coerce=int,
        help_text="预备党员从支部大会通过之月起交纳（第八条）",
    )
    note = forms.CharField(label="备注", max_length=300, required=False)

    def clean_approval_date(self) -> date | None:
        return _not_future(self.cleaned_data.get("approval_date"))

    @classmethod
    def initial_for(cls, standard: DuesStandard | None, starts_month: int) -> dict[str, Any]:
        if standard is None:
            return {"starts_month": starts_month, "reduction": Reduction.NONE}
        return {
            "category": standard.category,
            "income_base": standard.income_base or None,
            "chosen_amount": standard.standard_amount
            if standard.category == DuesCategory.FARMER
            else None,
            "reduction": standard.reduction,
            "reduced_amount": standard.monthly_amount
            if standard.reduction == Reduction.REDUCED
            else None,
            "approval_authority": standard.approval_authority,
            "approval_date": standard.approval_date,
            "approval_number": standard.approval_number,
            "starts_month": standard.starts_month,
            "note": standard.note,
        }

    def to_input(self) -> StandardInput:
        d = self.cleaned_data
        return StandardInput(
            category=d["category"],
            income_base=d.get("income_base"),
            chosen_amount=d.get("chosen_amount"),
            reduction=d["reduction"],
            reduced_amount=d.get("reduced_amount"),
            approval_authority=d.get("approval_authority", ""),
            approval_date=d.get("approval_date"),
            approval_number=d.get("approval_number", ""),
            starts_month=d["starts_month"],
            note=d.get("note", ""),
        )


class BulkStandardForm(ZForm):
    """The 核定 table: one category, base and (farmers) amount per member of the branch."""

    def __init__(
        self,
        *args: Any,
        members: list[tuple[Member, DuesStandard | None, DuesStandard | None]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.members = members
        for member, current, last in members:
            source = current or last
            self.fields[f"category_{member.pk}"] = forms.ChoiceField(
                label=f"{member.name} 收入类别",
                choices=[("", "（不核定）"), *DuesCategory.choices],
                required=False,
                initial=source.category if source else "",
            )
            self.fields[f"base_{member.pk}"] = forms.DecimalField(
                label=f"{member.name} 月收入基数",
                required=False,
                initial=source.income_base if source and source.income_base else None,
                **MONEY,
            )
            self.fields[f"amount_{member.pk}"] = forms.DecimalField(
                label=f"{member.name} 农民党员月交纳额",
                required=False,
                initial=source.standard_amount
                if source and source.category == DuesCategory.FARMER
                else None,
                **MONEY,
            )
            _small(self.fields[f"category_{member.pk}"], "form-select form-select-sm")
            _small(self.fields[f"base_{member.pk}"], "form-control form-control-sm")
            _small(self.fields[f"amount_{member.pk}"], "form-control form-control-sm")

    def table(self) -> list[tuple[Member, DuesStandard | None, DuesStandard | None, list]]:
        return [
            (
                member,
                current,
                last,
                [self[f"{name}_{member.pk}"] for name in ("category", "base", "amount")],
            )
            for member, current, last in self.members
        ]

    def rows(self) -> list[BulkRow]:
        result = []
        for member, _current, _last in self.members:
            category = self.cleaned_data.get(f"category_{member.pk}")
            if not category:
                continue
            result.append(
                BulkRow(
                    member=member,
                    category=category,
                    income_base=self.cleaned_data.get(f"base_{member.pk}"),
                    chosen_amount=self.cleaned_data.get(f"amount_{member.pk}"),
                )
            )
        return result


class PaymentBatchForm(ZForm):
    """A month's (or quarter's) collection: tick members, amounts default to their standard."""

    paid_on = forms.DateField(label="交纳日期", widget=DateInput())
    quarter = forms.BooleanField(
        label="按季度交纳（本季度内本月及以后的月份一并登记）", required=False
    )

    def __init__(self, *args: Any, rows: list[RosterRow], quarterly: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = [r for r in rows if r.payment is None and r.standard is not None]
        if not quarterly:
            del self.fields["quarter"]
        for r in self.rows:
            pk = r.member.pk
            self.fields[f"pick_{pk}"] = forms.BooleanField(label=r.member.name, required=False)
            self.fields[f"amount_{pk}"] = forms.DecimalField(
                label=f"{r.member.name} 交纳金额",
                required=False,
                max_digits=10,
                decimal_places=2,
                widget=forms.NumberInput(
                    attrs={"step": "0.01", "placeholder": f"{r.standard.monthly_amount}"}
                ),
            )
            self.fields[f"proxy_{pk}"] = forms.CharField(
                label=f"{r.member.name} 代交人", max_length=40, required=False
            )
            self.fields[f"receipt_{pk}"] = forms.CharField(
                label=f"{r.member.name} 收据号", max_length=40, required=False
            )
            _small(self.fields[f"pick_{pk}"], "form-check-input")
            for name in ("amount", "proxy", "receipt"):
                _small(self.fields[f"{name}_{pk}"], "form-control form-control-sm")

    def clean_paid_on(self) -> date | None:
        return _not_future(self.cleaned_data.get("paid_on"))

    def table(self) -> list[tuple[RosterRow, list]]:
        return [
            (r, [self[f"{n}_{r.member.pk}"] for n in ("pick", "amount", "proxy", "receipt")])
            for r in self.rows
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.rows and not any(data.get(f"pick_{r.member.pk}") for r in self.rows):
            raise forms.ValidationError("请至少勾选一名党员。")
        return data

    def entries(self) -> list[PaymentInput]:
        d = self.cleaned_data
        result = []
        for r in self.rows:
            pk = r.member.pk
            if not d.get(f"pick_{pk}"):
                continue
            proxy = (d.get(f"proxy_{pk}") or "").strip()
            result.append(
                PaymentInput(
                    member=r.member,
                    amount=d.get(f"amount_{pk}"),
                    by_proxy=bool(proxy),
                    proxy_name=proxy,
                    receipt_number=d.get(f"receipt_{pk}") or "",
                )
            )
        return result


class PaymentForm(ZForm):
    amount = forms.DecimalField(label="交纳金额（元）", max_digits=10, decimal_places=2)
    paid_on = forms.DateField(label="交纳日期", widget=DateInput())
    by_proxy = forms.BooleanField(label="代交", required=False)
    proxy_name = forms.CharField(label="代交人", max_length=40, required=False)
    receipt_number = forms.CharField(label="收据号", max_length=40, required=False)
    note = forms.CharField(label="备注", max_length=200, required=False)

    def clean_amount(self) -> Decimal:
        value = self.cleaned_data["amount"]
        if value <= 0:
            raise forms.ValidationError("应大于0元。")
        return value

    def clean_paid_on(self) -> date | None:
        return _not_future(self.cleaned_data.get("paid_on"))

    @classmethod
    def initial_for(cls, p: DuesPayment) -> dict[str, Any]:
        return {
            "amount": p.amount,
            "paid_on": p.paid_on,
            "by_proxy": p.by_proxy,
            "proxy_name": p.proxy_name,
            "receipt_number": p.receipt_number,
            "note": p.note,
        }


class VoidForm(ZForm):
    reason = forms.CharField(label="作废原因", max_length=200)


class BranchSettingForm(ZForm):
    quarterly_allowed = forms.BooleanField(label="允许按季度交纳", required=False)
    decided_on = forms.DateField(label="支部同意日期", required=False, widget=DateInput())
    basis = forms.CharField(
        label="依据（支部委员会会议记录等）",
        max_length=200,
        required=False,
        help_text="第十二条：特殊情况下，经党支部同意，可以每季度交纳一次",
    )
