"""Forms of the staff's case handling; every error names its field (ZForm)."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from zugong.accounts.models import User
from zugong.cadres.models import Cadre, PublicNotice
from zugong.core.forms import DateInput, ZForm
from zugong.supervision.models import Channel, ReportResult

MAX_EVIDENCE_BYTES = 20 * 1024 * 1024


class AcceptForm(ZForm):
    note = forms.CharField(
        label="受理意见", max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class RejectForm(ZForm):
    reason = forms.CharField(
        label="不予受理理由",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="反映人凭查询码可以看到该理由",
    )


class AssignForm(ZForm):
    handlers = forms.ModelMultipleChoiceField(
        label="承办人", queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(label="分办意见", max_length=300, required=False)

    def __init__(self, *args: object, eligible: list[User], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        # Only eligible handlers are offered; the service refuses the others anyway.
        self.fields["handlers"].queryset = User.objects.filter(pk__in=[u.pk for u in eligible])
        self.fields["handlers"].widget.attrs["class"] = "form-check-input"


class UnassignForm(ZForm):
    handler = forms.ModelChoiceField(label="承办人", queryset=User.objects.none())
    reason = forms.CharField(label="撤回理由", max_length=300)

    def __init__(self, *args: object, assigned: list[User], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["handler"].queryset = User.objects.filter(pk__in=[u.pk for u in assigned])


class NoteForm(ZForm):
    text = forms.CharField(
        label="核查记录", max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    evidence = forms.FileField(label="证据材料", required=False, help_text="加密保存，最大 20 MB")

    def clean_evidence(self) -> object:
        f = self.cleaned_data.get("evidence")
        if f is not None and f.size > MAX_EVIDENCE_BYTES:
            raise forms.ValidationError("证据材料：文件不能超过 20 MB。")
        return f


class AnswerForm(ZForm):
    text = forms.CharField(
        label="反馈内容",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="反映人凭查询码可以看到，请勿写入反映人不应知悉的内容",
    )


class CloseForm(ZForm):
    result = forms.ChoiceField(label="办结结果", choices=[("", "请选择"), *ReportResult.choices])
    note = forms.CharField(
        label="办结情况", max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReasonForm(ZForm):
    reason = forms.CharField(label="理由", max_length=500, widget=forms.Textarea(attrs={"rows": 3}))


class IdentityDecisionForm(ZForm):
    decision = forms.ChoiceField(
        label="审批结果", choices=[("", "请选择"), ("approve", "批准"), ("deny", "不批准")]
    )
    reason = forms.CharField(
        label="审批意见", max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


class RegisterForm(ZForm):
    """A 举报 received by letter, visit or phone, entered on the reporter's behalf."""

    how = forms.ChoiceField(
        label="收到方式",
        choices=[("来信", "来信"), ("来访", "来访"), ("来电", "来电"), ("其他", "其他")],
    )
    received_on = forms.DateField(label="收到日期", widget=DateInput())
    channel = forms.ChoiceField(label="渠道", choices=[("", "请选择"), *Channel.choices])
    notice = forms.ModelChoiceField(
        label="任前公示", queryset=PublicNotice.objects.none(), required=False
    )
    cadre_name = forms.CharField(label="被反映干部姓名", max_length=40, required=False)
    cadre_unit = forms.CharField(
        label="被反映干部单位", max_length=100, required=False, help_text="同名干部有多位时填写"
    )
    subject_text = forms.CharField(label="反映对象（其他说明）", max_length=300, required=False)
    text = forms.CharField(
        label="反映内容", max_length=20000, widget=forms.Textarea(attrs={"rows": 6})
    )
    identity_name = forms.CharField(label="反映人姓名（实名时）", max_length=40, required=False)
    identity_contact = forms.CharField(label="联系方式", max_length=100, required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["notice"].queryset = PublicNotice.objects.filter(
            ends_on__gte=today.replace(year=today.year - 1)
        ).select_related("cadre")

    def clean_received_on(self) -> object:
        day = self.cleaned_data["received_on"]
        if day > timezone.localdate():
            raise forms.ValidationError("收到日期：不能晚于今天。")
        return day

    def clean(self) -> dict:
        data = super().clean()
        name = (data.get("cadre_name") or "").strip()
        data["cadre"] = None
        if name and not data.get("notice"):
            found = Cadre.objects.filter(name=name)
            unit = (data.get("cadre_unit") or "").strip()
            if unit:
                found = found.filter(unit__name__contains=unit)
            count = found.count()
            if count == 0:
                self.add_error(
                    "cadre_name",
                    "被反映干部姓名：干部档案中没有找到该干部，可改填“反映对象（其他说明）”。",
                )
            elif count > 1:
                self.add_error("cadre_unit", "被反映干部单位：同名干部有多位，请填写其单位。")
            else:
                data["cadre"] = found.get()
        if data.get("identity_contact") and not data.get("identity_name"):
            self.add_error("identity_name", "反映人姓名（实名时）：填写联系方式时请同时填写姓名。")
        return data


class HandlerProfileForm(ZForm):
    user = forms.ModelChoiceField(label="账号", queryset=User.objects.none())
    cadre_name = forms.CharField(label="本人干部档案（姓名）", max_length=40, required=False)
    cadre_unit = forms.CharField(label="所在单位", max_length=100, required=False)
    active = forms.BooleanField(label="可承办", required=False, initial=True)
    note = forms.CharField(label="备注", max_length=200, required=False)

    def __init__(self, *args: object, users: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = users

    def clean(self) -> dict:
        data = super().clean()
        data["cadre"] = None
        name = (data.get("cadre_name") or "").strip()
        if name:
            found = Cadre.objects.filter(name=name)
            if data.get("cadre_unit"):
                found = found.filter(unit__name__contains=data["cadre_unit"].strip())
            count = found.count()
            if count == 1:
                data["cadre"] = found.get()
            elif count == 0:
                self.add_error("cadre_name", "本人干部档案（姓名）：干部档案中没有找到该干部。")
            else:
                self.add_error("cadre_unit", "所在单位：同名干部有多位，请填写其单位。")
        return data
