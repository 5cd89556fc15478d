"""Forms of the 选拔任用纪实 pages: one per step, each turning its fields into the step's
`details` for selection_services.record_step."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms

from zugong.cadres.models import (
    Cadre,
    Post,
    SelectionCandidate,
    SelectionMode,
    SelectionStepKind,
)
from zugong.cadres.selection_services import (
    DISCIPLINE_CONCLUSIONS,
    PERSONAL_MATTERS_RESULTS,
    PROBATION_RESULTS,
)

Step = SelectionStepKind
DATE = forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d")
TEXT = {"class": "form-control"}
SELECT = {"class": "form-select"}

DONE_ON_LABELS = {
    Step.MOTION: "动议日期（研判动议会议）",
    Step.RECOMMENDATION: "民主推荐日期",
    Step.INSPECTION: "考察完成日期",
    Step.DISCIPLINE_OPINION: "纪委监委回复日期",
    Step.PERSONAL_MATTERS: "核查完成日期",
    Step.DECISION: "讨论决定日期",
    Step.PUBLIC_NOTICE: "公示开始日期",
    Step.APPOINTMENT: "任职日期（任职通知）",
    Step.PROBATION: "试用期满考核日期",
    Step.ARCHIVE: "归档日期",
}


def _int(label: str, required: bool = True) -> forms.IntegerField:
    return forms.IntegerField(
        label=label, min_value=0, required=required, widget=forms.NumberInput(attrs=TEXT)
    )


def _text(label: str, required: bool = True, max_length: int = 200) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, max_length=max_length, widget=forms.TextInput(attrs=TEXT)
    )


def _area(label: str, required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=4000,
        widget=forms.Textarea(attrs={**TEXT, "rows": 3}),
    )


def _date(label: str, required: bool = True) -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=DATE)


def _choice(label: str, options: tuple[str, ...]) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=[("", "请选择")] + [(o, o) for o in options],
        widget=forms.Select(attrs=SELECT),
    )


class PostChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Post) -> str:
        return f"{obj.unit.name} · {obj.title}（{obj.get_level_display()}）"


class CadreChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Cadre) -> str:
        return f"{obj.name}（{obj.unit.name}{' · ' + obj.current_post_text if obj.current_post_text else ''}）"


class CaseForm(forms.Form):
    post = PostChoice(
        label="拟任职务", queryset=Post.objects.none(), widget=forms.Select(attrs=SELECT)
    )
    mode = forms.ChoiceField(
        label="选任方式", choices=SelectionMode.choices, widget=forms.Select(attrs=SELECT)
    )
    opened_on = _date("动议日期")
    title = _text("事项名称", required=False)
    reason = _area("动议理由", required=False)

    def __init__(self, *args: Any, posts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["post"].queryset = posts
        self.fields["title"].help_text = "留空则为“单位+职务人选选拔”"
        self.fields["reason"].help_text = "破格提拔必须写明破格理由"


class CandidateForm(forms.Form):
    cadre = CadreChoice(
        label="人选", queryset=Cadre.objects.none(), widget=forms.Select(attrs=SELECT)
    )

    def __init__(self, *args: Any, cadres: Any, shown: int = 200, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["cadre"]
        # Any person of the queryset is accepted; only the first `shown` are listed.
        field.queryset = cadres
        field.widget.choices = [("", "请选择")] + [
            (c.pk, field.label_from_instance(c)) for c in cadres[:shown]
        ]
        self.fields["cadre"].help_text = "从干部档案中选择；可先按姓名或拼音搜索"


class StatusForm(forms.Form):
    on = _date("日期")
    reason = _area("原因")


class ResumeForm(forms.Form):
    on = _date("恢复日期")
    reason = _area("说明", required=False)


class StepForm(forms.Form):
    """The date and note every step has; subclasses add their figures."""

    step: str = ""
    done_on = _date("办理日期")
    note = _area("说明", required=False)

    def __init__(self, *args: Any, candidates: list[SelectionCandidate], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.candidates = candidates
        self.fields["done_on"].label = DONE_ON_LABELS[self.step]
        # The note goes last, after the step's own figures.
        self.order_fields([*(k for k in self.fields if k != "note"), "note"])

    def details(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("done_on", None)
        data.pop("note", None)
        return data


class MotionForm(StepForm):
    step = Step.MOTION
    form = _text("动议形式", required=False)
    scope = _text("酝酿范围", required=False)


class RecommendationForm(StepForm):
    step = Step.RECOMMENDATION
    talk_due = _int("谈话调研推荐应参加人数")
    talk_present = _int("谈话调研推荐实参加人数")
    meeting_due = _int("会议推荐应到人数")
    meeting_present = _int("会议推荐实到人数")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for c in self.candidates:
            self.fields[f"talk_{c.pk}"] = _int(f"{c.cadre.name} · 谈话调研推荐票", required=False)
            self.fields[f"meeting_{c.pk}"] = _int(f"{c.cadre.name} · 会议推荐票", required=False)
        self.order_fields([*(k for k in self.fields if k != "note"), "note"])

    def details(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            **{k: data[k] for k in ("talk_due", "talk_present", "meeting_due", "meeting_present")},
            "votes": {
                str(c.pk): {
                    "talk": data.get(f"talk_{c.pk}"),
                    "meeting": data.get(f"meeting_{c.pk}"),
                }
                for c in self.candidates
            },
        }


class InspectionForm(StepForm):
    step = Step.INSPECTION
    inspected = forms.MultipleChoiceField(
        label="列为考察对象", choices=(), widget=forms.CheckboxSelectMultiple, required=False
    )
    team = _text("考察组成员")
    talked_count = _int("个别谈话人数")
    opinion = _area("考察意见")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["inspected"].choices = [(str(c.pk), c.cadre.name) for c in self.candidates]

    def details(self) -> dict[str, Any]:
        data = super().details()
        data["inspected"] = [int(pk) for pk in data.get("inspected") or []]
        return data


class DisciplineForm(StepForm):
    step = Step.DISCIPLINE_OPINION
    letter_on = _date("函询日期")
    conclusion = _choice("结论", DISCIPLINE_CONCLUSIONS)
    reply = _area("回复意见", required=False)


class PersonalMattersForm(StepForm):
    step = Step.PERSONAL_MATTERS
    result = _choice("核查结果", PERSONAL_MATTERS_RESULTS)
    handling = _area("处理情况（不一致时必填）", required=False)


class DecisionForm(StepForm):
    step = Step.DECISION
    meeting = _text("会议名称", required=False)
    members_due = _int("应到会成员")
    members_present = _int("实到会成员")
    votes_yes = _int("同意票")
    votes_no = _int("反对票", required=False)
    votes_abstain = _int("弃权票", required=False)
    appointee = forms.ChoiceField(
        label="决定拟任人选", choices=(), widget=forms.Select(attrs=SELECT)
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["appointee"].choices = [("", "请选择")] + [
            (str(c.pk), c.cadre.name) for c in self.candidates if c.is_inspected
        ]


class NoticeForm(StepForm):
    step = Step.PUBLIC_NOTICE
    ends_on = _date("公示结束日期", required=False)
    public_text = _area("公示内容", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ends_on"].help_text = "留空则按规定的工作日数（节假日和调休日历）自动计算"
        self.fields["public_text"].widget.attrs["rows"] = 8
        self.fields["public_text"].help_text = (
            "留空则按干部档案（姓名、性别、出生年月、学历、现任及拟任职务）和公示期自动生成；"
            "公示开始后可在“公示反映情况”中修改"
        )


class AppointmentForm(StepForm):
    step = Step.APPOINTMENT
    document_no = _text("任职文件号", max_length=80)
    talk_on = _date("任职谈话日期", required=False)


class ProbationForm(StepForm):
    step = Step.PROBATION
    result = _choice("考核结果", PROBATION_RESULTS)


class ArchiveForm(StepForm):
    step = Step.ARCHIVE


STEP_FORMS: dict[str, type[StepForm]] = {
    f.step: f
    for f in (
        MotionForm,
        RecommendationForm,
        InspectionForm,
        DisciplineForm,
        PersonalMattersForm,
        DecisionForm,
        NoticeForm,
        AppointmentForm,
        ProbationForm,
        ArchiveForm,
    )
}


class FeedbackForm(forms.Form):
    """反映 received during the 公示 (kept on the PublicNotice)."""

    feedback_count = _int("收到反映件数")
    feedback_summary = _area("反映内容及核查情况", required=False)
    under_review = forms.BooleanField(
        label="有反映，正在核查",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    public_text = _area("公示内容", required=False)


def today_initial(today: date) -> dict[str, Any]:
    return {"done_on": today, "on": today, "opened_on": today}
