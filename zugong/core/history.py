"""Change history of a register record, read from django-simple-history, with readable values."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import models

KIND_LABELS = {"+": "新建", "~": "修改", "-": "删除"}


@dataclass
class Change:
    field: str
    old: Any
    new: Any


@dataclass
class HistoryEntry:
    at: datetime
    user: Any
    kind: str
    reason: str
    changes: list[Change] = field(default_factory=list)


def history_entries(obj: models.Model, limit: int = 50) -> list[HistoryEntry]:
    records = list(
        obj.history.select_related("history_user").order_by("-history_date", "-history_id")[
            : limit + 1
        ]
    )
    model = type(obj)
    raw: list[tuple[Any, list[tuple[models.Field, Any, Any]]]] = []
    for i, record in enumerate(records[:limit]):
        previous = records[i + 1] if i + 1 < len(records) else None
        changed: list[tuple[models.Field, Any, Any]] = []
        if previous is not None and record.history_type == "~":
            delta = record.diff_against(previous)
            for c in delta.changes:
                changed.append((model._meta.get_field(c.field), c.old, c.new))
        raw.append((record, changed))
    labels = _related_labels([f for _, changes in raw for f in changes])
    entries = []
    for record, changes in raw:
        entries.append(
            HistoryEntry(
                at=record.history_date,
                user=record.history_user,
                kind=KIND_LABELS.get(record.history_type, record.history_type),
                reason=record.history_change_reason or "",
                changes=[
                    Change(str(f.verbose_name), _display(f, old, labels), _display(f, new, labels))
                    for f, old, new in changes
                ],
            )
        )
    return entries


def _related_labels(changes: list[tuple[models.Field, Any, Any]]) -> dict[tuple[type, Any], str]:
    """One query per related model for every foreign-key value shown, never one per row."""
    wanted: dict[type, set[Any]] = {}
    for f, old, new in changes:
        if f.is_relation and f.related_model is not None:
            wanted.setdefault(f.related_model, set()).update(v for v in (old, new) if v is not None)
    labels: dict[tuple[type, Any], str] = {}
    for related, pks in wanted.items():
        for item in related.objects.filter(pk__in=pks):
            labels[(related, item.pk)] = str(item)
    return labels


def _display(f: models.Field, value: Any, labels: dict[tuple[type, Any], str]) -> Any:
    if value in (None, ""):
        return ""
    if f.is_relation and f.related_model is not None:
        return labels.get((f.related_model, value), value)
    if f.choices:
        return dict(f.flatchoices).get(value, value)
    return value
