"""The cadre register at scale: a unit tree and cadres COPY'd in (benchmarks.load and cadres_bench).

A unit tree of about `unit_count` units (a root, counties of 40 units, townships and departments
under each county) and `cadre_count` cadres spread over the leaf units, each with a 全日制
education row. The names' pinyin and initials come from the project's own functions
(zugong.core.pinyin with the surname overrides, as `cadres.archive_services.derive_names` calls
them, cached per name: derive_names reads the overrides from the database on every call); no
history rows, as for the members.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

from benchmarks.load import copy_instances, reset_sequence, say

UNITS_PER_COUNTY = 40
PROGRESS_EVERY = 100_000


def _segment(number: int, width: int) -> str:
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    chars = []
    for _ in range(width):
        number, digit = divmod(number, len(alphabet))
        chars.append(alphabet[digit])
    return "".join(reversed(chars))


class NameKeys:
    """name → (全拼, 首字母) by zugong.core.pinyin with the surname overrides, once per name."""

    def __init__(self) -> None:
        from zugong.core.pinyin import name_initials, name_pinyin
        from zugong.core.selectors import surname_overrides

        self.overrides = surname_overrides()
        self._pinyin, self._initials = name_pinyin, name_initials
        self.cache: dict[str, tuple[str, str]] = {}

    def __call__(self, name: str) -> tuple[str, str]:
        keys = self.cache.get(name)
        if keys is None:
            keys = self.cache[name] = (
                self._pinyin(name, self.overrides),
                self._initials(name, self.overrides),
            )
        return keys


def build_units(unit_count: int) -> list[Any]:
    """The tree (root and counties through the service, their units in bulk); the leaf units."""
    from zugong.cadres.models import UNIT_PATH_STEP, Unit, UnitKind
    from zugong.cadres.unit_services import create_unit

    root = create_unit(actor=None, parent=None, name="基准省", kind=UnitKind.COUNTY)
    counties = max(unit_count // UNITS_PER_COUNTY, 1)
    for c in range(counties):
        county = create_unit(actor=None, parent=root, name=f"第{c + 1}县", kind=UnitKind.COUNTY)
        Unit.objects.bulk_create(
            Unit(
                name=f"第{c + 1}县第{i + 1}单位",
                kind=UnitKind.TOWNSHIP if i % 3 == 0 else UnitKind.GOVERNMENT_DEPARTMENT,
                parent=county,
                path=county.path + _segment(i + 1, UNIT_PATH_STEP),
                depth=county.depth + 1,
            )
            for i in range(max(unit_count // counties - 1, 1))
        )
    return list(Unit.objects.filter(depth=3).order_by("path"))


def cadre_objects(count: int, units: list[Any], seed: int, names: NameKeys) -> Iterator[Any]:
    """Unsaved Cadre instances (pk = index + 1) spread over `units` in turn. `names` is made
    by the caller: it reads the database, which a generator feeding a COPY must not."""
    from zugong.cadres.models import Cadre
    from zugong.demo.generator import make_id_number, person_name

    rng = random.Random(seed)
    for index in range(count):
        unit = units[index % len(units)]
        female = rng.random() < 0.3
        birth = date(rng.randint(1965, 2000), rng.randint(1, 12), rng.randint(1, 28))
        # Region code and sequence both follow the index: every number is distinct.
        number = make_id_number(f"{110000 + index // 997:06d}", birth, index % 997 + 1)
        name = person_name(rng, female, birth.year)
        pinyin, initials = names(name)
        yield Cadre(
            id=index + 1,
            name=name,
            name_pinyin=pinyin,
            name_initials=initials,
            gender="女" if female else "男",
            id_number=number,
            id_number_reversed=number[::-1],
            birth_date=birth,
            unit=unit,
            unit_path=unit.path,
            current_post_text=f"{unit.name}科员",
            work_started_on=date(birth.year + 22, 7, 1),
        )


def load_cadres(
    raw: Any,
    cadre_count: int,
    unit_count: int,
    *,
    seed: int = 7,
    now: Any = None,
    log: Callable[[str], None] = say,
) -> dict[str, int]:
    """The unit tree and the cadres; skipped (counts returned) when cadres exist."""
    from django.utils import timezone

    from zugong.cadres.models import Cadre, Education, EducationKind, Unit

    if Cadre.objects.exists():
        return {"cadres": Cadre.objects.count(), "units": Unit.objects.count()}
    now = now or timezone.now()
    units = build_units(unit_count)
    names = NameKeys()

    def logged() -> Iterator[Any]:
        for n, cadre in enumerate(cadre_objects(cadre_count, units, seed, names), start=1):
            if n % PROGRESS_EVERY == 0:
                log(f"  {n:,} cadres")
            yield cadre

    written = copy_instances(raw, Cadre, logged(), now)
    education = copy_instances(
        raw,
        Education,
        (
            Education(
                id=pk,
                cadre_id=pk,
                kind=EducationKind.FULLTIME,
                education="大学",
                degree="法学学士",
                school="某大学法学院法学专业",
            )
            for pk in range(1, written + 1)
        ),
        now,
    )
    reset_sequence(raw, Cadre)
    reset_sequence(raw, Education)
    return {"cadres": written, "cadre_education": education, "units": Unit.objects.count()}
