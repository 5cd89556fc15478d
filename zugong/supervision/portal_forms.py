"""Forms of the public portal. Files are not form fields here: uploads.check_uploads checks them
by content and the view puts its refusals on the "files" error."""

from __future__ import annotations

from datetime import date

from django import forms
from django.db.models import QuerySet

from zugong.cadres.models import PublicNotice
from zugong.core.forms import ZForm
from zugong.orgs.models import Organization, OrgStatus
from zugong.supervision.models import Channel

TEXT_MIN = 10
TEXT_MAX = 5000
ADD_TEXT_MAX = 3000
# Channels whose report must say whom it is about.
SUBJECT_REQUIRED = (Channel.SELECTION, Channel.ORGANIZATION, Channel.MEMBER)


def active_notices(today: date) -> QuerySet[PublicNotice]:
    return (
        PublicNotice.objects.filter(starts_on__lte=today, ends_on__gte=today)
        .select_related("cadre")
        .order_by("ends_on", "id")
    )


def active_organizations() -> QuerySet[Organization]:
    return Organization.objects.filter(status=OrgStatus.ACTIVE).only("id", "name", "path")


class NoticeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: PublicNotice) -> str:
        return f"{obj.cadre.name}（公示至{obj.ends_on:%Y-%m-%d}）"


class OrganizationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organization) -> str:
        return obj.name


class ReportForm(ZForm):
    channel = forms.ChoiceField(
        label="反映渠道", choices=Channel.choices, widget=forms.RadioSelect, initial=Channel.OTHER
    )
    notice = NoticeChoiceField(
        label="任前公示对象",
        queryset=PublicNotice.objects.none(),
        required=False,
        empty_label="（不针对正在公示的人选）",
    )
    org = OrganizationChoiceField(
        label="被反映的党组织",
        queryset=Organization.objects.none(),
        required=False,
        empty_label="（从列表中选择，或在下面填写）",
    )
    subject_text = forms.CharField(
        label="被反映人或单位",
        max_length=200,
        required=False,
        help_text="姓名、单位和职务，或党组织名称。",
    )
    text = forms.CharField(
        label="反映内容",
        min_length=TEXT_MIN,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=f"请写明时间、地点、人物和事情经过，{TEXT_MIN}至{TEXT_MAX}字。",
    )
    name = forms.CharField(label="姓名（自愿）", max_length=40, required=False)
    contact = forms.CharField(label="联系方式（自愿）", max_length=100, required=False)
    # A field people never see (hidden by portal.css): only robots fill it in.
    website = forms.CharField(label="网址", required=False)
    pow_challenge = forms.CharField(widget=forms.HiddenInput, required=False)
    pow_nonce = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: object, today: date, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["notice"].queryset = active_notices(today)
        self.fields["org"].queryset = active_organizations()
        self.fields["website"].widget.attrs.update(autocomplete="off", tabindex="-1")

    def clean(self) -> dict:
        data = super().clean() or {}
        channel = data.get("channel")
        # Only the chooser that belongs to the channel counts (the others may be left from before).
        if channel != Channel.SELECTION:
            data["notice"] = None
        if channel != Channel.ORGANIZATION:
            data["org"] = None
        has_subject = data.get("notice") or data.get("org") or data.get("subject_text", "").strip()
        if channel in SUBJECT_REQUIRED and not has_subject:
            self.add_error(
                "subject_text",
                "被反映人或单位：请选择或填写反映的是谁"
                + ("（可在“任前公示对象”中选择）。" if channel == Channel.SELECTION else "。"),
            )
        if data.get("contact", "").strip() and not data.get("name", "").strip():
            self.add_error("name", "姓名（自愿）：填写联系方式的，请同时填写姓名。")
        return data


class StatusForm(ZForm):
    code = forms.CharField(label="查询码", max_length=40)


class AddInformationForm(ZForm):
    code = forms.CharField(widget=forms.HiddenInput, max_length=40)
    text = forms.CharField(
        label="补充内容",
        max_length=ADD_TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
