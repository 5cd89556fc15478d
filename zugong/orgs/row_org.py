"""The organization a sheet row belongs to, named by its code or its name (一张表 imports of
members, meetings and 发展党员 cases share this): one lookup, one set of messages."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from zugong.core.imports.spec import ImportContext, Row, RowError, fold
from zugong.orgs.models import Organization, OrgStatus


@dataclass(frozen=True)
class OrgColumns:
    """A sheet's two columns for the organization and the words its messages use."""

    code_key: str
    name_key: str
    code_label: str  # e.g. 所在党支部编码
    name_label: str  # e.g. 所在党支部
    noun: str = "党支部"  # what the organizations are called: 党支部, 党组织
    revoked_tail: str = ""  # after “…”已撤销, e.g. ，不能编入党员


def active_by_name(
    orgs: Iterable[Organization], keep: Callable[[Organization], bool] = lambda o: True
) -> dict[str, list[Organization]]:
    """Active organizations by folded name (a name may be used more than once)."""
    by_name: dict[str, list[Organization]] = defaultdict(list)
    for org in orgs:
        if org.status == OrgStatus.ACTIVE and keep(org):
            by_name[fold(org.name)].append(org)
    return by_name


def resolve_row_org(
    row: Row,
    ctx: ImportContext,
    columns: OrgColumns,
    by_code: dict[str, Organization],
    by_name: dict[str, list[Organization]],
    refuse: Callable[[Organization], str | None] | None = None,
) -> Iterator[RowError]:
    """Put the row's organization in row.values["_org"], or yield why it cannot be found.

    `refuse` may turn down an organization found by its code (a 党总支 where only a branch
    will do), with the message to show.
    """
    v, c = row.values, columns
    code, name = v.get(c.code_key), v.get(c.name_key)
    if code:
        org = by_code.get(code)
        reason = refuse(org) if org is not None and refuse is not None else None
        if org is None:
            yield ctx.error(
                row, c.code_key, f"{c.code_label}：组织编码“{code}”不存在或不在您的管理范围内"
            )
        elif reason:
            yield ctx.error(row, c.code_key, f"{c.code_label}：{reason}")
        elif org.status != OrgStatus.ACTIVE:
            yield ctx.error(row, c.code_key, f"{c.code_label}：“{org.name}”已撤销{c.revoked_tail}")
        elif name and fold(name) != fold(org.name):
            yield ctx.error(
                row,
                c.name_key,
                f"{c.name_label}：编码“{code}”对应的是“{org.name}”，与所填名称不一致",
            )
        else:
            v["_org"] = org
    elif name:
        found = by_name.get(fold(name), [])
        if not found:
            yield ctx.error(
                row, c.name_key, f"{c.name_label}：您的管理范围内没有名为“{name}”的正常{c.noun}"
            )
        elif len(found) > 1:
            yield ctx.error(
                row,
                c.name_key,
                f"{c.name_label}：您的管理范围内有{len(found)}个名为“{name}”的{c.noun}，"
                f"请改填{c.code_label}",
            )
        else:
            v["_org"] = found[0]
    else:
        key = c.code_key if c.code_key in ctx.present else c.name_key
        yield ctx.error(row, key, f"{c.name_label}：{c.code_label}和{c.name_label}至少填写一项")
