"""Staff forms (survey, question) and the public answer form built from a survey's questions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from zugong.core.forms import ZForm
from zugong.surveys.models import QuestionKind, SubjectKind, Survey
from zugong.surveys.services import TEXT_ANSWER_MAX, Answer, QuestionInput, SurveyInput


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: object) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)  # type: ignore[arg-type]


DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d"]


class SurveyForm(ZForm):
    title = forms.CharField(label="问卷标题", max_length=120)
    description = forms.CharField(
        label="说明", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    subject_kind = forms.ChoiceField(label="评议对象类型", choices=SubjectKind.choices)
    organization = forms.ModelChoiceField(
        label="评议党组织", queryset=None, required=False, help_text="评议对象为党组织时选择"
    )
    cadre = forms.ModelChoiceField(
        label="评议干部", queryset=None, required=False, help_text="评议对象为干部时选择"
    )
    service_name = forms.CharField(
        label="服务事项", max_length=120, required=False, help_text="评议对象为服务事项时填写"
    )
    opens_at = forms.DateTimeField(
        label="开始时间", input_formats=DATETIME_FORMATS, widget=DateTimeInput()
    )
    closes_at = forms.DateTimeField(
        label="截止时间", input_formats=DATETIME_FORMATS, widget=DateTimeInput()
    )

    def __init__(
        self,
        *args: Any,
        organizations: QuerySet,
        cadres: QuerySet,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        self.fields["cadre"].queryset = cadres
        self.fields["organization"].error_messages["invalid_choice"] = (
            "所选党组织不在您的管理范围内"
        )
        self.fields["cadre"].error_messages["invalid_choice"] = "所选干部不在您的管理范围内"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        kind = data.get("subject_kind")
        if kind == SubjectKind.ORGANIZATION and not data.get("organization"):
            self.add_error("organization", "评议对象为党组织时，请选择党组织。")
        if kind == SubjectKind.CADRE and not data.get("cadre"):
            self.add_error("cadre", "评议对象为干部时，请选择干部。")
        if kind == SubjectKind.SERVICE and not (data.get("service_name") or "").strip():
            self.add_error("service_name", "评议对象为服务事项时，请填写服务事项名称。")
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", "截止时间必须晚于开始时间。")
        return data

    def to_input(self) -> SurveyInput:
        d = self.cleaned_data
        return SurveyInput(
            title=d["title"],
            description=d["description"],
            subject_kind=d["subject_kind"],
            opens_at=d["opens_at"],
            closes_at=d["closes_at"],
            organization=d["organization"]
            if d["subject_kind"] == SubjectKind.ORGANIZATION
            else None,
            cadre=d["cadre"] if d["subject_kind"] == SubjectKind.CADRE else None,
            service_name=d["service_name"] if d["subject_kind"] == SubjectKind.SERVICE else "",
        )

    @staticmethod
    def initial_from(survey: Survey) -> dict[str, Any]:
        return {
            "title": survey.title,
            "description": survey.description,
            "subject_kind": survey.subject_kind,
            "organization": survey.organization_id,
            "cadre": survey.cadre_id,
            "service_name": survey.service_name,
            "opens_at": survey.opens_at,
            "closes_at": survey.closes_at,
        }


class QuestionForm(ZForm):
    kind = forms.ChoiceField(label="题型", choices=QuestionKind.choices)
    text = forms.CharField(label="题目", max_length=200)
    required = forms.BooleanField(label="必答", required=False, initial=True)
    options_text = forms.CharField(
        label="选项",
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="单选、多选题填写，每行一个选项；评分题固定为 1-5 分",
    )
    position = forms.IntegerField(label="顺序", required=False, min_value=1, max_value=999)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        kind = data.get("kind")
        options = [
            line.strip() for line in (data.get("options_text") or "").splitlines() if line.strip()
        ]
        if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE) and len(options) < 2:
            self.add_error("options_text", "选择题至少需要两个选项（每行一个）。")
        return data

    def to_input(self) -> QuestionInput:
        d = self.cleaned_data
        return QuestionInput(
            kind=d["kind"],
            text=d["text"],
            required=d["required"],
            options_text=d["options_text"],
            position=d["position"],
        )


class AnswerForm(ZForm):
    """One field per question, named q<id>; an error names the question (its number and text)."""

    def __init__(self, *args: Any, questions: list, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for number, q in enumerate(questions, start=1):
            label = f"第{number}题“{q.text}”"
            messages = {
                "required": "此题为必答题，请作答。",
                "invalid_choice": "所选答案不是本题的选项。",
                "invalid_list": "所选答案不是本题的选项。",
                "max_length": f"不超过 {TEXT_ANSWER_MAX} 个字。",
            }
            choices = list(enumerate(q.options))
            if q.kind == QuestionKind.RATING:
                field: forms.Field = forms.TypedChoiceField(
                    choices=[(i + 1, label_) for i, label_ in choices],
                    coerce=int,
                    widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                )
            elif q.kind == QuestionKind.SINGLE:
                field = forms.TypedChoiceField(
                    choices=choices,
                    coerce=int,
                    widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                )
            elif q.kind == QuestionKind.MULTIPLE:
                field = forms.TypedMultipleChoiceField(
                    choices=choices,
                    coerce=int,
                    widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
                )
            else:
                field = forms.CharField(
                    max_length=TEXT_ANSWER_MAX,
                    widget=forms.Textarea(attrs={"rows": 3}),
                )
            field.label = label
            field.required = q.required
            field.error_messages.update(messages)
            self.fields[f"q{q.pk}"] = field
            field.question = q  # type: ignore[attr-defined]

    def rows(self) -> list[tuple[Any, forms.BoundField]]:
        return [(q, self[f"q{q.pk}"]) for q in self.questions]

    def answers(self) -> dict[int, Answer]:
        return {q.pk: self.cleaned_data.get(f"q{q.pk}") for q in self.questions}
