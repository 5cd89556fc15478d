"""Forms of the transfer pages: they only parse input; the services judge it against the rules."""

from __future__ import annotations

from datetime import date

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from zugong.accounts.models import User
from zugong.core.forms import DateInput, ZForm
from zugong.core.ids import check_id_number
from zugong.core.selectors import code_items
from zugong.members import selectors as member_selectors
from zugong.members.models import Member, MemberType
from zugong.orgs.models import Organization
from zugong.transfers.models import LostContact, QuitKind


def _today() -> date:
    return timezone.localdate()


def _text(label: str, max_length: int = 200, required: bool = True) -> forms.CharField:
    return forms.CharField(label=label, max_length=max_length, required=required)


def _area(label: str, required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label, max_length=300, required=required, widget=forms.Textarea(attrs={"rows": 3})
    )


def _date(label: str, required: bool = True, help_text: str = "") -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=DateInput(), help_text=help_text)


class MemberByIdForm(ZForm):
    """Names the member by 公民身份号码: unambiguous, and typed quickly on a phone."""

    member_id_number = forms.CharField(
        label="党员公民身份号码", max_length=18, help_text="本账号管理范围内的党员"
    )

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.member: Member | None = None

    def clean_member_id_number(self) -> str:
        value = self.cleaned_data["member_id_number"].strip().upper()
        member = member_selectors.visible_members(self.user).filter(id_number=value).first()
        if member is None:
            raise forms.ValidationError("本账号管理范围内没有这个公民身份号码的党员。")
        self.member = member
        return value


class ApplyOutForm(ZForm):
    to_org_name = _text("转入党组织名称（抬头）", 120)
    reason = _text("转接原因", 300)
    applied_on = _date("申请日期")


class ApplyWithinForm(ZForm):
    to_org = forms.ModelChoiceField(
        label="转入党支部", queryset=Organization.objects.none(), empty_label="请选择党支部"
    )
    reason = _text("转接原因", 300)
    applied_on = _date("申请日期")

    def __init__(self, *args: object, branches: QuerySet[Organization], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_org"].queryset = branches
        self.fields["to_org"].error_messages["invalid_choice"] = "请从列表中选择本县的党支部。"


class RegisterInForm(ZForm):
    person_name = _text("姓名", 40)
    person_gender = forms.ModelChoiceField(label="性别", queryset=code_items("gender"))
    person_id_number = forms.CharField(label="公民身份号码", max_length=18)
    person_birth_date = _date("出生日期", required=False, help_text="可不填，自动取自公民身份号码")
    person_member_type = forms.ChoiceField(label="党员类别", choices=MemberType.choices)
    person_joined_on = _date("入党日期")
    person_confirmed_on = _date("转正日期", required=False)
    person_phone = forms.CharField(label="手机号", max_length=20, required=False)
    from_org_name = _text("开具介绍信的党组织", 120)
    letter_number = _text("介绍信编号", 40)
    issued_on = _date("开具日期")
    valid_until = _date("有效期至")
    dues_paid_to = _date("党费交至（年月）", help_text="填该月任意一天")
    to_org = forms.ModelChoiceField(
        label="转入党支部",
        queryset=Organization.objects.none(),
        required=False,
        empty_label="暂不分配，稍后分配",
    )
    registered_on = _date("登记日期")
    reason = _text("转入原因", 300, required=False)

    def __init__(self, *args: object, branches: QuerySet[Organization], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person_gender"].queryset = code_items("gender")
        self.fields["to_org"].queryset = branches

    def clean_person_id_number(self) -> str:
        value = self.cleaned_data["person_id_number"].strip().upper()
        result = check_id_number(value)
        if result.errors:
            raise forms.ValidationError("；".join(result.errors))
        self.id_birth = result.birth_date
        return value

    def clean(self) -> dict:
        data = super().clean()
        if not data.get("person_birth_date") and getattr(self, "id_birth", None):
            data["person_birth_date"] = self.id_birth
        return data


class ActionForm(ZForm):
    """The remark or reason every action carries (审核意见, 退回原因, 撤回说明)."""

    remark = forms.CharField(label="意见/说明", max_length=300, required=False)


class ReturnForm(ZForm):
    to_step = forms.ChoiceField(label="退回到", choices=())
    reason = forms.CharField(label="退回原因", max_length=300)

    def __init__(self, *args: object, steps: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_step"].choices = steps


class IssueLetterForm(ZForm):
    issuer = forms.ModelChoiceField(
        label="开具介绍信的党组织", queryset=Organization.objects.none()
    )
    issued_on = _date("开具日期")
    dues_paid_to = _date("党费交至（年月）", help_text="填该月任意一天")
    number = forms.CharField(
        label="介绍信编号", max_length=40, required=False, help_text="不填则按本组织当年顺序编号"
    )
    valid_until = _date("有效期至", required=False, help_text="不填则按有效期参数（默认3个月）")

    def __init__(self, *args: object, issuers: QuerySet[Organization], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["issuer"].queryset = issuers
        self.fields["issuer"].empty_label = None


class ReceiptForm(ZForm):
    receipt_org_name = _text("回执单位", 120)
    received_on = _date("报到日期", required=False, help_text="不填则与回执日期相同")
    receipt_on = _date("回执日期")


class ReceiveForm(ZForm):
    received_on = _date("报到/接收日期")


class AssignForm(ZForm):
    to_org = forms.ModelChoiceField(label="转入党支部", queryset=Organization.objects.none())

    def __init__(self, *args: object, branches: QuerySet[Organization], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_org"].queryset = branches


class AcceptForm(ZForm):
    received_on = _date("报到/接收日期")
    receipt_on = _date("回执发出日期")


class FlowOutForm(MemberByIdForm):
    destination = _text("外出流向", 200)
    destination_org_name = _text("流入地党组织", 120, required=False)
    reason = _text("外出原因", 200)
    started_on = _date("外出日期")
    expected_until = _date("预计返回日期", required=False)
    settled = forms.BooleanField(label="外出地点相对固定", required=False)
    card_number = _text("《流动党员活动证》编号", 40, required=False)


class FlowInForm(ZForm):
    host_org = forms.ModelChoiceField(label="流入党支部", queryset=Organization.objects.none())
    person_name = _text("姓名", 40)
    person_id_number = forms.CharField(label="公民身份号码", max_length=18)
    phone = forms.CharField(label="联系电话", max_length=20, required=False)
    origin = _text("原组织关系所在地", 200)
    origin_org_name = _text("原所在党组织", 120)
    reason = _text("流入原因", 200, required=False)
    started_on = _date("流入日期")
    expected_until = _date("预计离开日期", required=False)
    settled = forms.BooleanField(label="流入地点相对固定", required=False)
    card_number = _text("《流动党员活动证》编号", 40)

    def __init__(self, *args: object, branches: QuerySet[Organization], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["host_org"].queryset = branches

    def clean_person_id_number(self) -> str:
        value = self.cleaned_data["person_id_number"].strip().upper()
        result = check_id_number(value)
        if result.errors:
            raise forms.ValidationError("；".join(result.errors))
        return value


class FlowEndForm(ZForm):
    ended_on = _date("返回/离开日期")
    note = _text("结束说明", 200, required=False)


class LostReportForm(MemberByIdForm):
    lost_since = _date("失去联系日期")
    reported_on = _date("登记日期")
    search_note = _area("查找情况")


class LostSuspendForm(ZForm):
    on = _date("停止党籍日期")
    decision = _text("停止党籍决定", 300)


class LostRestoreForm(ZForm):
    on = _date("恢复联系日期")
    note = _text("说明", 300)


class QuitForm(MemberByIdForm):
    kind = forms.ChoiceField(label="出党方式", choices=QuitKind.choices)
    decision_on = _date("支部大会决定日期")
    decision_note = _area("决定情况")
    reason = _text("原因", 300, required=False)
    applied_on = _date("申请日期")
    lost_contact = forms.ModelChoiceField(
        label="失联记录",
        queryset=LostContact.objects.none(),
        required=False,
        empty_label="无",
        help_text="失联党员按自行脱党除名时选择",
    )

    def __init__(
        self, *args: object, lost_records: QuerySet[LostContact], **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lost_contact"].queryset = lost_records
