"""Forms of the growth archive pages. Rules live in growth_services; these only collect input."""

from __future__ import annotations

from typing import Any

from django import forms

from zugong.cadres.growth_rules import RESERVE_LEVELS
from zugong.cadres.models import (
    SEVEN_ABILITIES,
    Assignment,
    AssignmentKind,
    Cadre,
    Evaluation,
    PostLevel,
)
from zugong.core.forms import DateInput, ZForm


class CadreChoice(forms.ModelChoiceField):
    """A cadre chosen by id from the account's scope; the drop-down lists only a short, searched
    list (the youngest first), since a county may hold hundreds of thousands of cadres."""

    def label_from_instance(self, obj: Cadre) -> str:  # type: ignore[override]
        return f"{obj.name}（{obj.unit.name}，{obj.birth_date:%Y.%m}生）"


class CadrePickMixin:
    """Adds the `cadre` field: queryset = every active cadre in scope, options = `shortlist`."""

    def add_cadre_field(self, cadres: Any, shortlist: list[Cadre]) -> None:
        field = CadreChoice(
            label="干部",
            queryset=cadres,
            help_text="可在上方按姓名、拼音或身份证号后几位搜索",
            error_messages={"invalid_choice": "所选干部不存在或不在您的管理范围内。"},
        )
        self.fields = {"cadre": field, **self.fields}  # type: ignore[has-type]
        field.widget.choices = [("", "——请选择——")] + [
            (c.pk, field.label_from_instance(c)) for c in shortlist
        ]
        field.widget.attrs.setdefault("class", "form-select")


class ReserveAddForm(CadrePickMixin, ZForm):
    target_level = forms.ChoiceField(
        label="储备层次", choices=[(v, PostLevel(v).label) for v in RESERVE_LEVELS]
    )
    entered_on = forms.DateField(label="入库日期", widget=DateInput())
    recommended_by = forms.CharField(
        label="推荐方式",
        max_length=100,
        required=False,
        help_text="如：民主推荐、个别推荐、组织推荐",
    )
    exception_reason = forms.CharField(
        label="不符合入库条件的入库理由",
        max_length=200,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="年龄或年度考核不符合入库条件时必须填写，入库后将标注提醒",
    )

    def __init__(self, *args: Any, cadres: Any, shortlist: list[Cadre], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_cadre_field(cadres, shortlist)


class ReserveLeaveForm(ZForm):
    left_on = forms.DateField(label="出库日期", widget=DateInput())
    left_reason = forms.CharField(label="出库原因", max_length=200)


class AssignmentForm(CadrePickMixin, ZForm):
    kind = forms.ChoiceField(label="岗位类别", choices=AssignmentKind.choices)
    place = forms.CharField(label="地点/岗位", max_length=120)
    started_on = forms.DateField(label="开始日期", widget=DateInput())
    ended_on = forms.DateField(label="结束日期", required=False, widget=DateInput())
    mentor = forms.CharField(label="导师/联系领导", max_length=60, required=False)
    goals = forms.CharField(
        label="目标任务", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    tracking_months = forms.IntegerField(
        label="跟踪间隔（月）",
        required=False,
        min_value=1,
        max_value=12,
        help_text="留空则按规则参数（默认每3个月）",
    )

    def __init__(self, *args: Any, cadres: Any, shortlist: list[Cadre], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_cadre_field(cadres, shortlist)


class AssignmentEndForm(ZForm):
    ended_on = forms.DateField(label="结束日期", widget=DateInput())


class TrackingNoteForm(ZForm):
    noted_on = forms.DateField(label="跟踪日期", widget=DateInput())
    content = forms.CharField(label="跟踪情况", widget=forms.Textarea(attrs={"rows": 4}))


SCORE_CHOICES = [("", "——"), *[(str(i), f"{i}分") for i in range(1, 6)]]


class EvaluationForm(ZForm):
    evaluated_on = forms.DateField(label="评价日期", widget=DateInput())
    assignment = forms.ModelChoiceField(
        label="一线历练",
        queryset=Assignment.objects.none(),
        required=False,
        help_text="评价针对某次一线历练时选择",
    )
    grade = forms.ChoiceField(label="总体评价", choices=Evaluation.Grade.choices)
    evaluator = forms.CharField(label="评价人/单位", max_length=60, required=False)
    summary = forms.CharField(
        label="评价意见", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, assignments: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignment"].queryset = assignments
        for key, label in SEVEN_ABILITIES:
            # Not required here: the service checks all seven and names the missing ability.
            self.fields[f"ability_{key}"] = forms.ChoiceField(
                label=label,
                choices=SCORE_CHOICES,
                required=False,
                widget=forms.Select(attrs={"class": "form-select"}),
            )

    def abilities(self) -> dict[str, str]:
        return {key: self.cleaned_data.get(f"ability_{key}", "") for key, _ in SEVEN_ABILITIES}
