"""Forms of the unit and archive pages. They only parse and check shapes; the services validate
the rules (overlaps, 主职, ID number ...) and the views show those errors on the form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from zugong.cadres.models import (
    AnnualAssessment,
    Cadre,
    Education,
    FamilyMember,
    Post,
    PostHolding,
    PostLevel,
    ProfessionalTitle,
    Rank,
    RankHolding,
    ResumeEntry,
    RewardPunishment,
    Training,
    Unit,
    UnitKind,
    Verification,
)
from zugong.core.forms import DateInput, VersionedFormMixin, ZForm, ZModelForm


class MonthInput(forms.DateInput):
    input_type = "month"

    def __init__(self, **kwargs: object) -> None:
        super().__init__(format="%Y-%m", **kwargs)  # type: ignore[arg-type]


class MonthField(forms.DateField):
    """A 年月 (the 简历 and the 任免审批表 count months); stored as the first of the month."""

    input_formats = ["%Y-%m", "%Y.%m", "%Y%m", "%Y-%m-%d"]
    widget = MonthInput

    def to_python(self, value: Any) -> Any:
        result = super().to_python(value)
        return result.replace(day=1) if result else result


class UnitChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:  # type: ignore[override]
        return "　" * max(obj.depth - 1, 0) + obj.name


# --- units -----------------------------------------------------------------------------------


class UnitForm(ZForm):
    parent = UnitChoice(label="上级单位", queryset=Unit.objects.none())
    name = forms.CharField(label="单位名称", max_length=100)
    short_name = forms.CharField(label="简称", max_length=40, required=False)
    kind = forms.ChoiceField(label="单位类别", choices=UnitKind.choices)
    grade = forms.CharField(
        label="机构规格", max_length=20, required=False, help_text="如：正科级、副科级"
    )
    sort_order = forms.IntegerField(label="排序", min_value=0, initial=0)
    is_active = forms.BooleanField(label="在用", required=False, initial=True)
    note = forms.CharField(label="备注", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, parents: QuerySet[Unit] | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if parents is None:
            del self.fields["parent"]  # editing: the place in the tree is not changed here
        else:
            self.fields["parent"].queryset = parents
            del self.fields["is_active"]


class PostForm(ZForm):
    title = forms.CharField(label="职务名称", max_length=60)
    level = forms.ChoiceField(label="职务层次", choices=PostLevel.choices)
    seats = forms.IntegerField(label="配备人数", min_value=1, max_value=99, initial=1)
    category = forms.CharField(
        label="职务类别", max_length=20, required=False, help_text="党委、政府、人大、政协等"
    )
    is_elected = forms.BooleanField(label="选任制（不实行试用期）", required=False)
    sort_order = forms.IntegerField(label="排序", min_value=0, initial=0)
    is_active = forms.BooleanField(label="在用", required=False, initial=True)


class QuotaForm(ZForm):
    """One number per 职务层次; an empty box means no 职数 row for that level."""

    document = forms.CharField(label="核定文件", max_length=120, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for level, label in PostLevel.choices:
            self.fields[f"level_{level}"] = forms.IntegerField(
                label=f"{label}职数", min_value=0, max_value=999, required=False
            )
            self.fields[f"level_{level}"].widget.attrs["class"] = "form-control"
        self.order_fields([f"level_{level}" for level in PostLevel.values] + ["document"])

    def approved(self) -> dict[str, int | None]:
        return {level: self.cleaned_data.get(f"level_{level}") for level in PostLevel.values}


# --- the cadre -------------------------------------------------------------------------------


class CadreForm(VersionedFormMixin, ZModelForm):
    unit = UnitChoice(label="所在单位", queryset=Unit.objects.none())

    class Meta:
        model = Cadre
        fields = [
            "name",
            "gender",
            "id_number",
            "birth_date",
            "ethnicity",
            "native_place",
            "birthplace",
            "party_joined_text",
            "party_joined_on",
            "work_started_on",
            "health",
            "identity",
            "professional_title",
            "expertise",
            "unit",
            "current_post_text",
            "current_level",
            "current_level_since",
            "current_rank",
            "status",
            "proposed_post",
            "proposed_removal",
            "rewards_text",
            "assessments_text",
            "appointment_reason",
            "reporting_unit",
            "age_reference_on",
            "filled_on",
            "filled_by",
            "note",
        ]
        widgets = {
            "birth_date": DateInput(),
            "party_joined_on": DateInput(),
            "work_started_on": DateInput(),
            "current_level_since": DateInput(),
            "age_reference_on": DateInput(),
            "filled_on": DateInput(),
            "rewards_text": forms.Textarea(attrs={"rows": 2}),
            "assessments_text": forms.Textarea(attrs={"rows": 2}),
            "appointment_reason": forms.Textarea(attrs={"rows": 2}),
            "note": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "party_joined_text": "如：200108；民主党派写简称，如“民建”",
            "current_post_text": "留空则按主职和兼职自动生成",
        }

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["current_rank"].queryset = Rank.objects.filter(is_active=True)

    def validate_unique(self) -> None:
        # The service checks the 公民身份号码 with a message that names the other archive.
        pass


class PhotoForm(ZForm):
    photo = forms.FileField(label="照片", help_text="JPG或PNG，不超过2MB；上传后自动去除拍摄信息")


class DeleteForm(ZForm):
    confirm = forms.BooleanField(label="确认删除这条记录", required=True)


# --- child records ---------------------------------------------------------------------------


class ResumeForm(ZModelForm):
    start = MonthField(label="起始年月")
    end = MonthField(label="截止年月", required=False, help_text="现任职务留空")

    class Meta:
        model = ResumeEntry
        fields = ["start", "end", "text", "parent"]
        labels = {"parent": "所属经历（其间）"}
        help_texts = {"parent": "在职学习、兼任等“其间”经历，选择它所属的主要经历"}

    def __init__(self, *args: Any, cadre: Cadre, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        mains = ResumeEntry.objects.filter(cadre=cadre, parent__isnull=True)
        if self.instance.pk:
            mains = mains.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = mains.order_by("position")


class EducationForm(ZModelForm):
    class Meta:
        model = Education
        fields = [
            "kind",
            "education",
            "degree",
            "school",
            "degree_school",
            "started_on",
            "finished_on",
            "on_form",
        ]
        widgets = {"started_on": DateInput(), "finished_on": DateInput()}

    def __init__(self, *args: Any, cadre: Cadre, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)


class PostHoldingForm(ZModelForm):
    unit = UnitChoice(label="单位", queryset=Unit.objects.none())

    class Meta:
        model = PostHolding
        fields = [
            "unit",
            "post",
            "title",
            "level",
            "is_main",
            "counts_toward_quota",
            "started_on",
            "ended_on",
            "document",
            "probation_until",
        ]
        widgets = {
            "started_on": DateInput(),
            "ended_on": DateInput(),
            "probation_until": DateInput(),
        }
        help_texts = {
            "counts_toward_quota": "主职总是占用职数；兼职按实际是否占用填写",
            "post": "单位的职务设置中有此职务时选择，用于配备一览表",
        }

    def __init__(self, *args: Any, cadre: Cadre, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["post"].queryset = Post.objects.filter(
            unit__in=units, is_active=True
        ).select_related("unit")


class RankHoldingForm(ZModelForm):
    class Meta:
        model = RankHolding
        fields = ["rank", "started_on", "ended_on", "document"]
        widgets = {"started_on": DateInput(), "ended_on": DateInput()}

    def __init__(self, *args: Any, cadre: Cadre, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rank"].queryset = Rank.objects.filter(is_active=True)


class TitleForm(ZModelForm):
    class Meta:
        model = ProfessionalTitle
        fields = ["name", "obtained_on"]
        widgets = {"obtained_on": DateInput()}

    def __init__(self, *args: Any, cadre: Cadre, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)


class FamilyForm(ZModelForm):
    birth_month = MonthField(label="出生年月", required=False)

    class Meta:
        model = FamilyMember
        fields = ["relation", "name", "birth_month", "political_status", "employer_and_post"]
        help_texts = {"employer_and_post": "已去世的写“已去世”"}

    def __init__(self, *args: Any, cadre: Cadre, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)


class AssessmentForm(ZModelForm):
    class Meta:
        model = AnnualAssessment
        fields = ["year", "grade", "note"]

    def __init__(self, *args: Any, cadre: Cadre, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)


class RewardForm(ZModelForm):
    class Meta:
        model = RewardPunishment
        fields = ["kind", "name", "approved_on", "approver", "effect_until"]
        widgets = {"approved_on": DateInput(), "effect_until": DateInput()}
        help_texts = {"effect_until": "处分的影响期，如记过为18个月"}

    def __init__(self, *args: Any, cadre: Cadre, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)


class TrainingForm(ZModelForm):
    class Meta:
        model = Training
        fields = ["name", "organizer", "is_assigned", "started_on", "ended_on", "hours"]
        widgets = {"started_on": DateInput(), "ended_on": DateInput()}

    def __init__(self, *args: Any, cadre: Cadre, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)


class VerificationForm(ZModelForm):
    class Meta:
        model = Verification
        fields = ["item", "verified_value", "verified_on", "basis", "outcome"]
        widgets = {"verified_on": DateInput()}

    def __init__(self, *args: Any, cadre: Cadre, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
