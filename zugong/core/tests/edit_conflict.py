"""Shared steps of the register edit-conflict tests: open an edit form, post it back as a browser
would, and check that the second of two saves from the same opened form is refused (409)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.db import models


def form_data(response: Any, **overrides: object) -> dict[str, object]:
    """The POST a browser sends for the form on `response` unchanged, plus overrides."""
    form = response.context["form"]
    data: dict[str, object] = {}
    for bound in form:
        widget = bound.field.widget
        if isinstance(widget, forms.FileInput):
            continue
        value = bound.value()
        if isinstance(widget, forms.CheckboxInput):
            if value:
                data[bound.name] = "on"
            continue
        if value is None:
            value = ""
        elif isinstance(value, models.Model):
            value = value.pk
        elif isinstance(value, date):
            value = value.isoformat()
        data[bound.name] = value
    data.update(overrides)
    return data


def assert_second_save_conflicts(
    client: Any, url: str, field: str, first: str, second: str
) -> tuple[str, dict[str, object]]:
    """Two saves of one opened form: the first is saved, the second gets the conflict page.
    Returns the page and the POST the form was opened with."""
    opened = form_data(client.get(url))
    assert opened["version"], "the edit form carries the version it was opened with"

    saved = client.post(url, {**opened, field: first})
    assert saved.status_code == 302, saved.content.decode()[:3000]

    stale = client.post(url, {**opened, field: second})
    assert stale.status_code == 409
    page = stale.content.decode()
    assert "保存冲突：您打开表单后，该记录已被" in page
    assert "您的修改没有保存" in page
    assert "您提交的内容" in page and "当前保存的内容" in page
    assert first in page and second in page
    assert f'data-differs="1" data-field="{field}"' in page
    assert f'href="{url}"' in page, "the page offers the form again with the saved values"
    return page, opened
