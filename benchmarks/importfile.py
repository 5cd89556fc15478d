"""The 一张表 sheet for the import scenario: new members for the branches of one township.

Headers are the members spec's own (the template's, required ones starred); people, dates and
codes come from the demo generator (another seed), ID numbers are rebuilt under a region code
that no loaded member has, so every row is a valid new member.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

# Region codes the generator never uses (it uses 330128 and a fixed list of other cities).
FREE_REGIONS = ("330109", "330110", "330111", "330112", "330113", "330114", "330115", "330116")
IMPORT_SEED = 4242


def free_region() -> str:
    """The first candidate region code no member's ID number starts with."""
    from zugong.members.models import Member

    for region in FREE_REGIONS:
        if not Member.objects.filter(id_number__startswith=region).exists():
            return region
    raise SystemExit(
        "所有候选地区码都已被导入的党员占用：请先清理（python -m benchmarks.run 会清理）"
    )


def template_headers(spec: Any) -> list[str]:
    return [f"{c.header}*" if c.required else c.header for c in spec.columns]


def member_sheet_rows(*, rows: int, town: Any, region: str, today: date) -> list[list[Any]]:
    """`rows` data rows in the spec's column order (values as a person would type them)."""
    from zugong.core.imports import get_spec
    from zugong.core.models import CodeItem
    from zugong.demo.generator import add_years, iter_members, make_id_number, plan_county
    from zugong.members.models import MemberType
    from zugong.orgs.models import Organization, OrgKind, OrgStatus

    spec = get_spec("members")
    branches = list(
        Organization.objects.filter(
            path__startswith=town.path, kind=OrgKind.BRANCH, status=OrgStatus.ACTIVE
        )
        .order_by("path")
        .values_list("code", "name")
    )
    if not branches:
        raise SystemExit(f"“{town.name}”下没有党支部")
    names = {
        (table, code): name
        for table, code, name in CodeItem.objects.filter(
            table__code__in=("gender", "ethnicity", "education", "degree", "job_category")
        ).values_list("table__code", "code", "name")
    }
    type_labels = dict(MemberType.choices)
    # A few more people than needed: the deliberate errors of the demo data are skipped.
    plan = plan_county(seed=IMPORT_SEED, members=rows + rows // 20 + 200, today=today)
    used: Counter[tuple[date, bool]] = Counter()
    out: list[list[Any]] = []
    for person in iter_members(plan):
        if len(out) >= rows:
            break
        if person.joined_on < add_years(person.birth_date, 18):
            continue
        female = person.gender_code == "2"
        n = used[(person.birth_date, female)]
        if n >= 499:
            continue
        used[(person.birth_date, female)] += 1
        # GB 11643: odd sequence for men, even for women.
        seq = 2 * n + 2 if female else 2 * n + 1
        code, name = branches[len(out) % len(branches)]
        values = {
            "name": person.name,
            "gender": names[("gender", person.gender_code)],
            "ethnicity": names[("ethnicity", person.ethnicity_code)],
            "id_number": make_id_number(region, person.birth_date, seq),
            "birth_date": person.birth_date.isoformat(),
            "native_place": person.native_place,
            "education": names[("education", person.education_code)],
            "degree": names[("degree", person.degree_code)] if person.degree_code else None,
            "phone": person.phone or None,
            "job_category": names[("job_category", person.job_category_code)],
            "joined_on": person.joined_on.isoformat(),
            "confirmed_on": person.confirmed_on.isoformat() if person.confirmed_on else None,
            "member_type": type_labels[person.member_type],
            "branch_code": code,
            "branch_name": name,
            "work_started_on": (
                person.work_started_on.isoformat() if person.work_started_on else None
            ),
            "address": person.address or None,
            "note": None,
        }
        out.append([values.get(c.key) for c in spec.columns])
    if len(out) < rows:
        raise SystemExit(f"only {len(out)} of {rows} import rows could be generated")
    return out


def write_member_sheet(path: Path, *, rows: int, town: Any, region: str, today: date) -> int:
    """Write the .xlsx (openpyxl write-only, text cells); returns the number of data rows."""
    from openpyxl import Workbook

    from zugong.core.imports import get_spec

    spec = get_spec("members")
    data = member_sheet_rows(rows=rows, town=town, region=region, today=today)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(spec.title)
    ws.append(template_headers(spec))
    for row in data:
        ws.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return len(data)
