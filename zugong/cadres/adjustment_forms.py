"""Forms of the 能上能下 pages: an adjustment and an incentive."""

from __future__ import annotations

from typing import Any

from django import forms

from zugong.cadres.adjustment_services import AdjustmentData
from zugong.cadres.growth_forms import CadrePickMixin
from zugong.cadres.models import AdjustmentSituation, AdjustmentWay, Cadre, IncentiveKind
from zugong.core.forms import DateInput, ZForm


class SituationChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: AdjustmentSituation) -> str:  # type: ignore[override]
        mark = "" if obj.status == "confirmed" else "（待核实）"
        return f"（{obj.number}）{obj.text}{mark}"


class AdjustmentForm(ZForm):
    situation = SituationChoice(
        label="情形",
        queryset=AdjustmentSituation.objects.none(),
        help_text="《推进领导干部能上能下规定》（2022）第五条；标“待核实”的情形条文尚未核实",
    )
    way = forms.ChoiceField(label="调整方式", choices=AdjustmentWay.choices)
    facts = forms.CharField(label="主要事实", widget=forms.Textarea(attrs={"rows": 3}))
    basis = forms.CharField(label="依据", max_length=200, required=False)
    proposed_on = forms.DateField(label="提出调整建议", widget=DateInput())
    verified_on = forms.DateField(label="核实日期", required=False, widget=DateInput())
    talked_on = forms.DateField(label="沟通谈话", required=False, widget=DateInput())
    decided_on = forms.DateField(label="党委（党组）决定", required=False, widget=DateInput())
    announced_on = forms.DateField(label="宣布日期", required=False, widget=DateInput())
    post_before = forms.CharField(label="调整前职务", max_length=200, required=False)
    post_after = forms.CharField(label="调整后职务/职级", max_length=200, required=False)
    impact_until = forms.DateField(
        label="影响期至",
        required=False,
        widget=DateInput(),
        help_text="降职留空则按规则参数自决定之日起计算（默认一年，待核实）",
    )
    reused_on = forms.DateField(
        label="重新使用日期", required=False, widget=DateInput(), help_text="影响期满后方可填写"
    )
    reuse_note = forms.CharField(label="重新使用情况", max_length=200, required=False)

    def __init__(self, *args: Any, situations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["situation"].queryset = situations

    def data_object(self) -> AdjustmentData:
        d = self.cleaned_data
        return AdjustmentData(**{name: d[name] for name in AdjustmentData.__dataclass_fields__})


class AdjustmentCreateForm(CadrePickMixin, AdjustmentForm):
    def __init__(
        self, *args: Any, situations: Any, cadres: Any, shortlist: list[Cadre], **kwargs: Any
    ) -> None:
        super().__init__(*args, situations=situations, **kwargs)
        self.add_cadre_field(cadres, shortlist)


class IncentiveForm(CadrePickMixin, ZForm):
    kind = forms.ChoiceField(label="类别", choices=IncentiveKind.choices)
    decided_on = forms.DateField(label="决定日期", widget=DateInput())
    decided_by = forms.CharField(label="决定机关", max_length=100)
    content = forms.CharField(label="内容", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, cadres: Any, shortlist: list[Cadre], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_cadre_field(cadres, shortlist)
