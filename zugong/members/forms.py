from __future__ import annotations

import re
from datetime import date

from dateutil.relativedelta import relativedelta
from django import forms
from django.utils import timezone

from zugong.core.forms import DateInput, VersionedFormMixin, ZForm, ZModelForm
from zugong.core.ids import check_id_number
from zugong.core.selectors import code_items
from zugong.members.models import Member, MemberStatus, MemberType
from zugong.members.services import ALLOWED_STATUS_CHANGES

PHONE_RE = re.compile(r"^1\d{10}$")
PHOTO_MAX_BYTES = 2 * 1024 * 1024
PHOTO_SIGNATURES = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")


class MemberForm(VersionedFormMixin, ZModelForm):
    class Meta:
        model = Member
        fields = [
            "name",
            "gender",
            "ethnicity",
            "id_number",
            "birth_date",
            "native_place",
            "education",
            "degree",
            "phone",
            "job_category",
            "member_type",
            "joined_on",
            "confirmed_on",
            "org",
            "work_started_on",
            "address",
            "photo",
            "note",
        ]
        widgets = {
            "birth_date": DateInput(),
            "joined_on": DateInput(),
            "confirmed_on": DateInput(),
            "work_started_on": DateInput(),
            "note": forms.Textarea(attrs={"rows": 3}),
            "photo": forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
        }
        help_texts = {
            "birth_date": "可不填，自动取自公民身份号码",
            "joined_on": "支部大会通过接收为预备党员的日期",
        }

    def __init__(self, *args: object, branches: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for name, table in (
            ("gender", "gender"),
            ("ethnicity", "ethnicity"),
            ("education", "education"),
            ("degree", "degree"),
            ("job_category", "job_category"),
        ):
            self.fields[name].queryset = code_items(table)
        self.fields["org"].queryset = branches
        self.fields["gender"].required = True
        self.fields["joined_on"].required = True
        self.fields["birth_date"].required = False
        self.id_warnings: list[str] = []

    def clean_name(self) -> str:
        name = re.sub(r"\s+", "", self.cleaned_data["name"])
        if not name:
            raise forms.ValidationError("必须填写。")
        return name

    def clean_phone(self) -> str:
        phone = self.cleaned_data.get("phone", "").strip()
        if phone and not PHONE_RE.match(phone):
            raise forms.ValidationError("应为以1开头的11位数字。")
        return phone

    def clean_photo(self) -> object:
        photo = self.cleaned_data.get("photo")
        if photo and hasattr(photo, "read") and getattr(photo, "size", 0):
            if photo.size > PHOTO_MAX_BYTES:
                raise forms.ValidationError("文件不能超过2MB。")
            head = photo.read(8)
            photo.seek(0)
            if not head.startswith(PHOTO_SIGNATURES):
                raise forms.ValidationError("只接受JPEG或PNG格式的图片。")
        return photo

    def clean(self) -> dict:
        data = super().clean()
        today = timezone.localdate()
        raw_id = data.get("id_number", "")
        gender = data.get("gender")
        if raw_id:
            result = check_id_number(
                raw_id,
                gender_code=gender.code if gender else None,
                birth_date=data.get("birth_date"),
            )
            for error in result.errors:
                field = "birth_date" if "所填出生日期" in error else "id_number"
                self.add_error(field, error)
            if result.ok:
                self.id_warnings = list(result.warnings)
                data["id_number"] = result.normalized
                data["birth_date"] = data.get("birth_date") or result.birth_date
                self._check_duplicate(result.normalized)
        birth = data.get("birth_date")
        if not birth and "birth_date" not in self.errors and "id_number" not in self.errors:
            self.add_error("birth_date", "必须填写。")
        for field in ("birth_date", "joined_on", "confirmed_on", "work_started_on"):
            value = data.get(field)
            if value and value > today:
                self.add_error(field, "不能晚于今天。")
        joined, confirmed = data.get("joined_on"), data.get("confirmed_on")
        if birth and joined and joined < birth + relativedelta(years=18):
            self.add_error(
                "joined_on",
                "入党时须年满十八周岁（《中国共产党章程》第一条），该日期早于十八周岁生日。",
            )
        kind = data.get("member_type")
        if kind == MemberType.PROBATIONARY and confirmed:
            self.add_error("confirmed_on", "预备党员没有转正日期；转正后请将党员类别改为正式党员。")
        if (
            kind == MemberType.FULL
            and joined
            and confirmed
            and confirmed < joined + relativedelta(years=1)
        ):
            self.add_error(
                "confirmed_on",
                "转正日期应在预备期（一年）满后（《中国共产党章程》第七条），早于入党日期满一年之日。",
            )
        return data

    def _check_duplicate(self, id_number: str) -> None:
        clash = Member.objects.filter(id_number=id_number).exclude(pk=self.instance.pk)
        if clash.exists():
            self.add_error(
                "id_number",
                "该公民身份号码已在党员库中登记，不能重复登记；如为其他党组织的党员转入，请走组织关系转接。",
            )


class StatusChangeForm(ZForm):
    to_status = forms.ChoiceField(label="新的党籍状态")
    changed_on = forms.DateField(label="变更日期", widget=DateInput())
    reason = forms.CharField(label="变更原因（依据文件）", max_length=300)

    def __init__(self, *args: object, member: Member, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        allowed = ALLOWED_STATUS_CHANGES[member.status]
        self.fields["to_status"].choices = [(k, v) for k, v in MemberStatus.choices if k in allowed]

    def clean_changed_on(self) -> date:
        value = self.cleaned_data["changed_on"]
        if value > timezone.localdate():
            raise forms.ValidationError("不能晚于今天。")
        return value


class MemberEditForm(MemberForm):
    """Editing adds when the change takes effect: the 党内统计 of earlier days keep the old values,
    unless the change is a correction of a wrong entry (更正), which counts from the start."""

    effective_on = forms.DateField(
        label="变更生效日期",
        widget=DateInput(),
        required=False,
        help_text="所在党支部、党员类型、学历、工作岗位等变化自哪一天起生效（历史统计按此日期计算；"
        "不填为今天）",
    )
    is_correction = forms.BooleanField(label="属于更正（原登记有误，自始有效）", required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["effective_on"].initial = timezone.localdate()

    def clean_effective_on(self) -> date:
        on = self.cleaned_data["effective_on"] or timezone.localdate()
        if on > timezone.localdate():
            raise forms.ValidationError("不能晚于今天。")
        return on
