"""Optimistic locking for register records: no lost updates between app servers.

Every register row (党员, 党组织, 干部, 人才) carries a `version` that each saved change adds one to
(zugong.core.models.Versioned.save; bulk updates add it themselves).
An edit form carries, hidden, the version the user opened it with. The service locks the row
(select_for_update), compares, and either saves with version + 1 or raises `StaleEdit`, so the
second of two conflicting saves writes nothing and the view shows both versions side by side.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar

from django import forms
from django.db import models
from django.db.models.fields.files import FieldFile
from django.utils import timezone

M = TypeVar("M", bound=models.Model)

EMPTY = "（空）"


class StaleEdit(Exception):
    """The row changed after the form was opened; `current` is the row as saved now."""

    def __init__(self, current: models.Model, expected: int) -> None:
        self.current = current
        self.expected = expected
        super().__init__(
            f"{type(current).__name__} {current.pk}: form opened at version {expected}, "
            f"saved version is {current.version}"  # type: ignore[attr-defined]
        )


def lock_row(model: type[M], pk: Any) -> M:
    """The current row, locked until the end of the transaction (a no-op lock on SQLite, whose
    writers are serialized anyway)."""
    return model._default_manager.select_for_update(of=("self",)).get(pk=pk)


def check_version(current: models.Model, instance: models.Model, expected: int | None) -> None:
    """Inside the writing transaction, after `current` was locked: refuse a stale edit, else give
    `instance` (the object about to be saved) the saved version, which its save() moves on by one
    (zugong.core.models.Versioned).

    `expected` None means a write that did not come from a form (a status change, a demo): it
    never conflicts, but still moves the version on, so that forms opened earlier do."""
    saved = current.version  # type: ignore[attr-defined]
    if expected is not None and expected != saved:
        raise StaleEdit(current, expected)
    instance.version = saved  # type: ignore[attr-defined]


@dataclass(frozen=True)
class LastChange:
    user: str
    at: datetime | None


def last_change(obj: models.Model) -> LastChange:
    """Who saved the record last and when, from its newest history row."""
    record = (
        obj.history.select_related("history_user")  # type: ignore[attr-defined]
        .order_by("-history_date", "-history_id")
        .first()
    )
    if record is None:
        return LastChange(user="（未知）", at=getattr(obj, "updated_at", None))
    user = record.history_user
    name = (getattr(user, "full_name", "") or getattr(user, "username", "")) if user else ""
    return LastChange(user=name or "系统", at=record.history_date)


@dataclass(frozen=True)
class FieldComparison:
    name: str
    label: str
    submitted: str
    saved: str
    differs: bool


def compare_form(
    form: forms.BaseForm, current: models.Model, *, saved_values: dict[str, Any] | None = None
) -> list[FieldComparison]:
    """Field by field: what the user submitted (the form's cleaned data) against the saved row,
    with the form's labels and display texts (the label of a choice, the name of a related
    record). `saved_values` overrides the row's attribute where a form field is not one."""
    overrides = saved_values or {}
    rows = []
    for bound in form.visible_fields():
        name = bound.name
        if name not in form.cleaned_data:
            continue
        if name not in overrides and not hasattr(current, name):
            continue  # about the edit, not the record (变更生效日期): nothing saved to compare
        field = form.fields[name]
        mine = form.cleaned_data[name]
        theirs = overrides[name] if name in overrides else getattr(current, name, None)
        rows.append(
            FieldComparison(
                name=name,
                label=str(field.label or name),
                submitted=display_value(field, mine),
                saved=display_value(field, theirs),
                differs=_comparable(mine) != _comparable(theirs),
            )
        )
    return rows


def _comparable(value: Any) -> Any:
    if value is None or value == "":
        return None
    if isinstance(value, models.Model):
        return (type(value)._meta.label, value.pk)
    if isinstance(value, FieldFile):
        return value.name or None
    if isinstance(value, models.QuerySet | list | tuple | set):
        return sorted(str(_comparable(v)) for v in value)
    if isinstance(value, str):
        return value.strip() or None
    return value


def display_value(field: forms.Field, value: Any) -> str:
    if isinstance(value, FieldFile):
        return value.name or EMPTY
    if value is None or value == "" or value is False and isinstance(field, forms.FileField):
        return EMPTY
    if isinstance(field, forms.ModelChoiceField):
        if isinstance(value, models.QuerySet | list | tuple | set):
            return "、".join(display_value(field, v) for v in value) or EMPTY
        if isinstance(value, models.Model):
            return str(field.label_from_instance(value))
        obj = field.queryset.model._default_manager.filter(pk=value).first()
        return str(field.label_from_instance(obj)) if obj is not None else str(value)
    if isinstance(field, forms.ChoiceField):
        labels = _flat_choices(field.choices)
        return str(labels.get(str(value), value))
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    if hasattr(value, "name") and isinstance(field, forms.FileField):
        return str(value.name)
    return str(value)


def _flat_choices(choices: Any) -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, label in choices:
        if isinstance(label, list | tuple):
            flat.update(_flat_choices(label))
        else:
            flat[str(key)] = label
    return flat


def conflict_message(current: models.Model) -> str:
    change = last_change(current)
    when = timezone.localtime(change.at).strftime("%Y-%m-%d %H:%M") if change.at else "刚才"
    return f"保存冲突：您打开表单后，该记录已被 {change.user} 于 {when} 修改。您的修改没有保存。"
