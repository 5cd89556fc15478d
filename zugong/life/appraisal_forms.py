"""Forms of 民主评议党员: opening and closing a round, one member's results, the bulk grading
rows, and the 组织处置 of a member graded 不合格. The services check the rules again."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from zugong.core.forms import DateInput, ZForm, ZModelForm
from zugong.life.appraisal_services import VOTE_FIELDS, check_votes
from zugong.life.models import AppraisalEntry, Grade, HandlingMeasure, UnqualifiedHandling


class MeetingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.held_on:%Y-%m-%d} {obj.org.name}：{obj.topic}"


def _not_future(value: date | None) -> date | None:
    if value and value > timezone.localdate():
        raise forms.ValidationError("不能晚于今天。")
    return value


class RoundCreateForm(ZForm):
    org = forms.ModelChoiceField(label="党支部", queryset=None, empty_label="请选择党支部")  # type: ignore[arg-type]
    year = forms.IntegerField(label="评议年度", min_value=2000, max_value=2100)
    started_on = forms.DateField(label="开始日期", widget=DateInput())
    meeting = MeetingChoiceField(
        label="评议会议",
        queryset=None,  # type: ignore[arg-type]
        required=False,
        empty_label="（暂不关联）",
        help_text="可选：本党支部已登记的“民主评议党员”会议",
    )
    note = forms.CharField(label="备注", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, branches: QuerySet, meetings: QuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = branches
        self.fields["meeting"].queryset = meetings
        self.fields["year"].widget.attrs["inputmode"] = "numeric"

    def clean_started_on(self) -> date | None:
        return _not_future(self.cleaned_data.get("started_on"))


class RoundEditForm(ZForm):
    started_on = forms.DateField(label="开始日期", widget=DateInput())
    meeting = MeetingChoiceField(
        label="评议会议",
        queryset=None,  # type: ignore[arg-type]
        required=False,
        empty_label="（不关联）",
    )
    note = forms.CharField(label="备注", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, meetings: QuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings

    def clean_started_on(self) -> date | None:
        return _not_future(self.cleaned_data.get("started_on"))


class RoundCloseForm(ZForm):
    closed_on = forms.DateField(label="结束日期", widget=DateInput())
    meeting = MeetingChoiceField(
        label="评议会议",
        queryset=None,  # type: ignore[arg-type]
        required=False,
        empty_label="（不变）",
        help_text="可选：关联本党支部召开的“民主评议党员”会议",
    )

    def __init__(self, *args: Any, meetings: QuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings

    def clean_closed_on(self) -> date | None:
        return _not_future(self.cleaned_data.get("closed_on"))


class ReopenForm(ZForm):
    reason = forms.CharField(label="重新开启原因", max_length=200, required=False)


class _VotesMixin:
    """Ballot counts may not exceed the number of members in the round (set as `vote_limit`)."""

    vote_limit: int

    def _check_votes(self, data: dict[str, Any]) -> None:
        for name, message in check_votes(data, self.vote_limit).items():
            if name in self.fields and name not in self.errors:  # type: ignore[attr-defined]
                self.add_error(name, message)  # type: ignore[attr-defined]


class EntryForm(_VotesMixin, ZModelForm):
    """One member's results on its own page: the long texts live here."""

    class Meta:
        model = AppraisalEntry
        fields = ["self_assessment", "peer_comments", *VOTE_FIELDS, "grade", "note"]
        widgets = {
            "self_assessment": forms.Textarea(attrs={"rows": 4}),
            "peer_comments": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, vote_limit: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.vote_limit = vote_limit
        self.fields["grade"].choices = [("", "未评定"), *Grade.choices]
        for name in VOTE_FIELDS:
            self.fields[name].widget.attrs.update({"inputmode": "numeric", "min": 0})

    def clean(self) -> dict:
        data = super().clean()
        self._check_votes(data)
        return data


class GradeRowForm(_VotesMixin, ZForm):
    """One row of the bulk grading page (a member of the round)."""

    entry = forms.IntegerField(widget=forms.HiddenInput())
    grade = forms.ChoiceField(label="评定等次", required=False)
    votes_excellent = forms.IntegerField(label="测评优秀票", min_value=0, required=False)
    votes_qualified = forms.IntegerField(label="测评合格票", min_value=0, required=False)
    votes_basic = forms.IntegerField(label="测评基本合格票", min_value=0, required=False)
    votes_unqualified = forms.IntegerField(label="测评不合格票", min_value=0, required=False)
    note = forms.CharField(label="备注", max_length=200, required=False)

    def __init__(self, *args: Any, vote_limit: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.vote_limit = vote_limit
        self.fields["grade"].choices = [("", "未评定"), *Grade.choices]
        for name in VOTE_FIELDS:
            self.fields[name].widget.attrs.update(
                {"inputmode": "numeric", "min": 0, "max": vote_limit}
            )

    def clean(self) -> dict:
        data = super().clean()
        for name in VOTE_FIELDS:
            if data.get(name) is None and name not in self.errors:
                data[name] = 0
        self._check_votes(data)
        return data


class GradeFormSet(forms.BaseFormSet):
    def __init__(self, *args: Any, vote_limit: int, names: dict[int, str], **kwargs: Any) -> None:
        self.vote_limit = vote_limit
        self.names = names
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {**super().get_form_kwargs(index), "vote_limit": self.vote_limit}

    def clean(self) -> None:
        if any(self.errors):
            return
        seen: set[int] = set()
        for form in self.forms:
            entry = form.cleaned_data.get("entry")
            if entry not in self.names or entry in seen:
                raise forms.ValidationError("提交的名单与本次评议不一致，请刷新页面后重新填写。")
            seen.add(entry)


def grade_formset(entries: list[AppraisalEntry], data: Any = None) -> forms.BaseFormSet:
    """The bulk grading rows, one per entry, in the order of `entries`."""
    factory = forms.formset_factory(GradeRowForm, formset=GradeFormSet, extra=0)
    initial = [
        {
            "entry": e.pk,
            "grade": e.grade,
            "votes_excellent": e.votes_excellent,
            "votes_qualified": e.votes_qualified,
            "votes_basic": e.votes_basic,
            "votes_unqualified": e.votes_unqualified,
            "note": e.note,
        }
        for e in entries
    ]
    return factory(
        data,
        initial=initial,
        prefix="g",
        vote_limit=len(entries),
        names={e.pk: e.member.name for e in entries},
    )


class HandlingForm(ZModelForm):
    class Meta:
        model = UnqualifiedHandling
        fields = [
            "measure",
            "decided_on",
            "decided_by",
            "deadline",
            "decision",
            "outcome",
            "closed_on",
        ]
        widgets = {
            "decided_on": DateInput(),
            "deadline": DateInput(),
            "closed_on": DateInput(),
            "decision": forms.Textarea(attrs={"rows": 3}),
            "outcome": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "deadline": "处置方式为“限期改正”时必填，须晚于决定日期",
            "closed_on": "处置办结（如已改正、已除名）后填写",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["measure"].choices = [("", "请选择"), *HandlingMeasure.choices]

    def clean_decided_on(self) -> date | None:
        return _not_future(self.cleaned_data.get("decided_on"))

    def clean_closed_on(self) -> date | None:
        return _not_future(self.cleaned_data.get("closed_on"))
