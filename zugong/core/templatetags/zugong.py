from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.http import QueryDict
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from zugong.core.ids import mask_id_number, mask_phone

register = template.Library()


@register.filter
def mask_id(value: str) -> str:
    return mask_id_number(value or "")


@register.filter
def mask_mobile(value: str) -> str:
    return mask_phone(value or "") if value else ""


@register.filter
def detail_url(pk: int, name: str) -> str:
    """{{ m.pk|detail_url:"members:detail" }}: one reverse() per page instead of one per row."""
    template = _url_templates.get(name)
    if template is None:
        template = _url_templates[name] = reverse(name, args=[987654321]).replace("987654321", "{}")
    return template.format(pk)


_url_templates: dict[str, str] = {}


@register.filter
def finding_url(finding: object) -> str:
    """{{ f|finding_url }}: the record a finding is about, on its 发现的问题 tab."""
    from zugong.core.rules.registry import SUBJECT_KINDS

    kind = SUBJECT_KINDS.get(finding.subject_type)  # type: ignore[attr-defined]
    if kind is None or not kind.url_name:
        return ""
    return detail_url(finding.subject_id, kind.url_name) + "?tab=findings"  # type: ignore[attr-defined]


@register.filter
def lookup(mapping: dict, key: object) -> object:
    """{{ names|lookup:row.gender_id }}: a dictionary entry, or an empty string."""
    return mapping.get(key, "") if mapping and key is not None else ""


@register.simple_tag(takes_context=True)
def query_without(context: template.Context, *keys: str) -> str:
    """The current query string minus `keys`, ending in & so a parameter can follow."""
    params: QueryDict = context["request"].GET.copy()
    for key in keys:
        params.pop(key, None)
    encoded = params.urlencode()
    return f"{encoded}&" if encoded else ""


@register.simple_tag
def options(choices: Iterable[tuple[object, object]], selected: object = None) -> SafeString:
    """{% options pairs current %}: the <option>s of (value, label) pairs with the current value
    selected. One tag instead of a template loop per option keeps long filter forms cheap."""
    chosen = "" if selected is None else str(selected)
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((value, " selected" if str(value) == chosen else "", label) for value, label in choices),
    )
