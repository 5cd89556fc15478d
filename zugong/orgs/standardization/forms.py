"""Forms of 标准化/星级/软弱涣散; organization choices are limited to the account's scope."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from zugong.accounts.models import User
from zugong.core.forms import DateInput, ZForm
from zugong.core.selectors import code_items
from zugong.orgs.models import Organization, OrgStatus
from zugong.orgs.standardization.models import (
    WEAK_CAUSE_TABLE,
    ChecklistItem,
    ItemFeed,
    WeakBasis,
)
from zugong.orgs.standardization.services import PARAMETER_RULES, WEAK_KINDS


class OrgChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organization) -> str:
        return obj.name


def _year_field(label: str = "考评年度") -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=2000, max_value=2100)


class TemplateForm(ZForm):
    name = forms.CharField(label="细则名称", max_length=100)
    category = forms.ModelChoiceField(
        label="适用党组织类别",
        queryset=code_items("org_category"),
        required=False,
        empty_label="通用（所有类别）",
    )
    year_from = _year_field("起用年度")
    version = forms.IntegerField(label="版本", min_value=1, max_value=99, initial=1)
    is_active = forms.BooleanField(label="启用", required=False, initial=True)
    source = forms.CharField(label="依据", max_length=300, required=False)
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = code_items("org_category")


class CopyTemplateForm(ZForm):
    name = forms.CharField(label="新版本名称", max_length=100)
    year_from = _year_field("起用年度")


class ItemForm(ZForm):
    code = forms.CharField(label="序号", max_length=10)
    dimension = forms.CharField(label="考评方面", max_length=40)
    title = forms.CharField(label="考评内容", max_length=100)
    standard = forms.CharField(
        label="评分标准（扣分规则）", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    max_points = forms.DecimalField(label="分值", max_digits=5, decimal_places=2)
    feed = forms.ChoiceField(label="计分方式", choices=ItemFeed.choices)
    evidence_hint = forms.CharField(label="佐证材料", max_length=200, required=False)
    sort_order = forms.IntegerField(label="排序", min_value=0, initial=0)

    @staticmethod
    def initial_for(item: ChecklistItem) -> dict[str, Any]:
        return {name: getattr(item, name) for name in ItemForm.base_fields}


def parameter_choices() -> list[tuple[str, str]]:
    from zugong.core.rules.registry import RULES

    choices = []
    for rule_id in PARAMETER_RULES:
        rule = RULES[rule_id]
        for key in rule.params:
            choices.append((f"{rule_id}:{key}", f"{rule.title}：{PARAM_LABELS.get(key, key)}"))
    return choices


PARAM_LABELS = {
    "per_missed_meeting": "每缺1次组织生活扣分",
    "term_overdue": "未按期换届扣分",
    "per_unpaid_month": "每欠交1人次党费扣分",
    "per_incomplete_member": "每名党员信息不完整扣分",
    "five": "五星分数线",
    "four": "四星分数线",
    "three": "三星分数线",
    "two": "二星分数线",
    "five_max_percent": "五星比例上限（%）",
    "four_max_percent": "四星比例上限（%）",
    "bottom_percent": "软弱涣散倒排比例（%）",
}


class ParameterForm(ZForm):
    key = forms.ChoiceField(label="参数")
    value = forms.DecimalField(label="取值", max_digits=8, decimal_places=2)
    effective_from = forms.DateField(label="生效日期", widget=DateInput())
    source = forms.CharField(label="依据", max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["key"].choices = parameter_choices()
        self.fields["effective_from"].initial = timezone.localdate()

    def split_key(self) -> tuple[str, str]:
        rule_id, key = self.cleaned_data["key"].split(":", 1)
        return rule_id, key


class YearForm(ZForm):
    year = _year_field()


class ReopenForm(ZForm):
    year = _year_field()
    reason = forms.CharField(
        label="退回理由", max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )


class ScoreForm(ZForm):
    """The manual items of a checklist as number fields item_<id>, plus note_<id> and a 评语.

    Every number is validated by the service (the range names the item), so the field itself
    only takes text: a score outside the range comes back with the service's message."""

    note = forms.CharField(label="评语", max_length=300, required=False)

    def __init__(self, *args: Any, items: list[ChecklistItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = [i for i in items if not i.is_auto]
        for item in self.items:
            self.fields[f"item_{item.pk}"] = forms.CharField(
                label=f"{item.code} {item.title}",
                required=False,
                max_length=12,
                widget=forms.TextInput(
                    attrs={
                        "inputmode": "decimal",
                        "class": "form-control form-control-sm",
                        "style": "max-width:7em",
                        "aria-label": f"{item.title}得分（0至{item.max_points.normalize():f}分）",
                    }
                ),
            )
            self.fields[f"note_{item.pk}"] = forms.CharField(
                label=f"{item.title}评分说明",
                required=False,
                max_length=300,
                widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
            )

    def entries(self) -> dict[int, Any]:
        from zugong.orgs.standardization.services import ManualEntry

        return {
            item.pk: ManualEntry(
                self.cleaned_data.get(f"item_{item.pk}", ""),
                self.cleaned_data.get(f"note_{item.pk}", ""),
            )
            for item in self.items
        }


class EvidenceForm(ZForm):
    item = forms.ModelChoiceField(label="考评项目", queryset=ChecklistItem.objects.none())
    file = forms.FileField(label="文件", help_text="JPG、PNG、PDF、DOCX、XLSX，不超过20MB")

    def __init__(self, *args: Any, items: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = items


class FileForm(ZForm):
    file = forms.FileField(label="文件", help_text="JPG、PNG、PDF、DOCX、XLSX，不超过20MB")


def cause_choices() -> list[tuple[str, str]]:
    return [(c.code, c.name) for c in code_items(WEAK_CAUSE_TABLE)]


class WeakProposeForm(ZForm):
    org = OrgChoiceField(label="党组织", queryset=Organization.objects.none())
    year = _year_field("整顿年度")
    basis = forms.ChoiceField(label="列入依据", choices=WeakBasis.choices)
    cause_codes = forms.MultipleChoiceField(
        label="软弱涣散情形", required=False, widget=forms.CheckboxSelectMultiple
    )
    situation = forms.CharField(
        label="主要问题表现", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        path = user.scope.path
        qs = Organization.objects.none()
        if path is not None:
            qs = Organization.objects.filter(
                path__startswith=path, status=OrgStatus.ACTIVE, kind__in=WEAK_KINDS
            ).order_by("path")
        self.fields["org"].queryset = qs
        self.fields["cause_codes"].choices = cause_choices()
        self.fields["cause_codes"].widget.attrs["class"] = "list-unstyled"
        self.fields["year"].initial = timezone.localdate().year


class WeakPlanForm(ZForm):
    situation = forms.CharField(
        label="主要问题表现", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    cause_codes = forms.MultipleChoiceField(
        label="软弱涣散情形", required=False, widget=forms.CheckboxSelectMultiple
    )
    responsible = forms.CharField(label="整顿责任人（包联领导）", max_length=60)
    deadline = forms.DateField(label="整顿期限", widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cause_codes"].choices = cause_choices()
        self.fields["cause_codes"].widget.attrs["class"] = "list-unstyled"


class MeasureForm(ZForm):
    title = forms.CharField(label="整顿措施", max_length=200)
    deadline = forms.DateField(label="完成时限", widget=DateInput())


class MeasureDoneForm(ZForm):
    done_on = forms.DateField(label="完成日期", widget=DateInput())
    result = forms.CharField(label="完成情况", max_length=300, required=False)


class NoteForm(ZForm):
    note = forms.CharField(
        label="进展情况", widget=forms.Textarea(attrs={"rows": 3}), max_length=500
    )


class ReasonForm(ZForm):
    reason = forms.CharField(label="理由", widget=forms.Textarea(attrs={"rows": 3}), max_length=500)


class DecisionForm(ZForm):
    decision = forms.ChoiceField(
        label="审核结果", choices=[("approve", "同意"), ("refuse", "不同意")]
    )
    reason = forms.CharField(
        label="审核意见", widget=forms.Textarea(attrs={"rows": 3}), max_length=500
    )


class IdentifyForm(ZForm):
    year = _year_field("整顿年度")
    org_ids = forms.TypedMultipleChoiceField(label="列入整顿的党支部", coerce=int)

    def __init__(self, *args: Any, candidates: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org_ids"].choices = [
            (c.score.org_id, c.score.org.name) for c in candidates if not c.listed
        ]
