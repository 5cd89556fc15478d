from __future__ import annotations

from django import forms

from zugong.core.forms import DateInput, VersionedFormMixin, ZForm, ZModelForm
from zugong.core.selectors import code_items
from zugong.orgs.models import ALLOWED_CHILDREN, Organization, OrgKind, Position


class OrganizationForm(VersionedFormMixin, ZModelForm):
    class Meta:
        model = Organization
        fields = [
            "name",
            "short_name",
            "code",
            "kind",
            "category",
            "founded_on",
            "unit_name",
            "unit_situation",
            "contact_person",
            "contact_phone",
            "address",
            "sort_order",
            "note",
        ]
        widgets = {"founded_on": DateInput(), "note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: object, parent: Organization | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = code_items("org_category")
        if self.instance.pk:
            # The level of an existing organization follows from its place; moving is a separate action.
            del self.fields["kind"]
        elif parent is not None:
            allowed = ALLOWED_CHILDREN[parent.kind]
            self.fields["kind"].choices = [
                (k, label) for k, label in OrgKind.choices if k in allowed
            ]

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        clash = Organization.objects.filter(code=code).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError("组织编码已被其他党组织使用，组织编码必须唯一。")
        return code


class MoveForm(ZForm):
    new_parent = forms.ModelChoiceField(
        label="新的上级党组织", queryset=Organization.objects.none()
    )

    def __init__(self, *args: object, parents: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_parent"].queryset = parents


class DissolveForm(ZForm):
    dissolved_on = forms.DateField(label="撤销日期", widget=DateInput())
    reason = forms.CharField(label="撤销原因（批准文号）", max_length=200)


class TeamForm(ZForm):
    elected_on = forms.DateField(label="选举日期", widget=DateInput())
    secretary = forms.CharField(label="书记", max_length=40)
    deputy_secretary = forms.CharField(label="副书记", max_length=40, required=False)
    organization_member = forms.CharField(label="组织委员", max_length=40, required=False)
    propaganda_member = forms.CharField(label="宣传委员", max_length=40, required=False)
    discipline_member = forms.CharField(label="纪检委员", max_length=40, required=False)
    other_members = forms.CharField(
        label="其他委员", max_length=200, required=False, help_text="多人用顿号或逗号分隔"
    )
    note = forms.CharField(label="备注", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def seats(self) -> list[tuple[str, str]]:
        data = self.cleaned_data
        seats = [
            (data[key].strip(), key)
            for key in (
                Position.SECRETARY,
                Position.DEPUTY_SECRETARY,
                Position.ORGANIZATION,
                Position.PROPAGANDA,
                Position.DISCIPLINE,
            )
            if data.get(key, "").strip()
        ]
        others = data.get("other_members", "").replace("，", "、").replace(",", "、")
        seats += [(name.strip(), Position.MEMBER) for name in others.split("、") if name.strip()]
        return seats
