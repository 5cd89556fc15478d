"""The declarative 一张表 import framework: columns, parsers, row errors and the spec registry.

An app describes its sheet once (an :class:`ImportSpec`); the runner reads the file, parses every
row with the columns' parsers, asks the spec for row and cross-row checks, and only when no row
has an error calls ``spec.write`` inside one transaction.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol

from django.utils.module_loading import autodiscover_modules
from openpyxl.utils.datetime import from_excel


class CellError(ValueError):
    """Raised by a parser; the message names the rule, the framework prefixes the field."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class RowError:
    """One bad cell (or row, when ``column`` is empty): shown on the result page and the sheet."""

    row: int
    column: str
    value: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "message": self.message,
        }


@dataclass(slots=True)
class Row:
    """A parsed data row: ``values`` holds parsed values by column key (None for an empty cell).

    Specs may add their own keys starting with "_" (e.g. the primary key of the record to update).
    """

    number: int
    values: dict[str, Any]


class WriteError(Exception):
    """A write that failed for a reason the user can act on (e.g. one row broke a model rule)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class WriteResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


class ScopedUser(Protocol):
    """What the framework needs of an account (core must not import the accounts app)."""

    pk: Any

    @property
    def scope(self) -> Any: ...


Parser = Callable[[Any, "ImportContext"], Any]
RowValidator = Callable[[Row, "ImportContext"], Iterable[RowError]]
CrossValidator = Callable[[list[Row], "ImportContext"], Iterable[RowError]]
Writer = Callable[[list[Row], "ImportContext"], WriteResult]
Choices = Sequence[str] | Callable[[], Sequence[str]]


def _text_parser(value: Any, ctx: ImportContext) -> str:
    return cell_text(value)


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    parser: Parser = _text_parser
    help: str = ""
    # Dropdown values in the template (a list, or a callable read when the template is built).
    choices: Choices | None = None
    # Formatted as text in the template so Excel keeps long digit strings (IDs, phones, codes).
    as_text: bool = False
    width: int = 14

    def choice_list(self) -> list[str]:
        if self.choices is None:
            return []
        return list(self.choices() if callable(self.choices) else self.choices)


@dataclass(frozen=True)
class ImportSpec:
    name: str
    title: str
    columns: tuple[Column, ...]
    # The column that identifies a record: a row whose key exists updates it instead of adding one.
    key_column: str
    # Checks of one row (values already parsed); a check skips values that are missing.
    validate_row: RowValidator | None
    # Checks across rows and against the database, after every row was parsed.
    cross_validate: CrossValidator | None
    # Called inside the import's one transaction, only when no row has an error.
    write: Writer
    # Loads whatever the checks need (code tables, organizations in scope) once per import.
    prepare: Callable[[ImportContext], None] | None = None
    # Groups of column keys of which at least one must be in the header (rows are the spec's job).
    one_of: tuple[tuple[str, ...], ...] = ()
    # The template's example row; a row equal to it is skipped, so a forgotten example is harmless.
    example: Mapping[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    def column(self, key: str) -> Column:
        for col in self.columns:
            if col.key == key:
                return col
        raise KeyError(key)


@dataclass
class ImportContext:
    """Everything a spec's checks and writer may read: the scope, today, code tables, preloads."""

    spec: ImportSpec
    user: ScopedUser | None
    scope_path: str
    today: date
    codes: CodeBook
    present: frozenset[str] = frozenset()
    data: dict[str, Any] = field(default_factory=dict)

    def in_scope(self, path: str | None) -> bool:
        return bool(path) and bool(self.scope_path) and str(path).startswith(self.scope_path)

    def error(self, row: Row, key: str, message: str, value: Any = None) -> RowError:
        """A RowError on the column `key`; the value shown defaults to the row's parsed value."""
        header = self.spec.column(key).header if key else ""
        shown = value if value is not None else (row.values.get(key) if key else None)
        return RowError(row.number, header, display(shown), message)


IMPORT_SPECS: dict[str, ImportSpec] = {}
_discovered: list[bool] = []


def register_spec(spec: ImportSpec) -> ImportSpec:
    IMPORT_SPECS[spec.name] = spec
    return spec


def _discover() -> None:
    # Lazy, because core may not import the apps that define the specs (DESIGN.md §2).
    if not _discovered:
        autodiscover_modules("imports")
        _discovered.append(True)


def get_spec(name: str) -> ImportSpec:
    """The spec by name (KeyError if unknown); each app's ``imports`` module registers its own."""
    _discover()
    return IMPORT_SPECS[name]


def all_specs() -> list[ImportSpec]:
    _discover()
    return list(IMPORT_SPECS.values())


# --- normalization -------------------------------------------------------------------------

_SPACES = re.compile(r"\s+")
_NOTES = re.compile(r"\([^)]*\)|\[[^\]]*\]|【[^】]*】")


def fold(text: str) -> str:
    """NFKC (full-width → half-width) with all whitespace removed: the key for every lookup."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", text))


def normalize_header(text: Any) -> str:
    """ "党籍状态（正式党员或预备党员）" and " *姓名 " → "党籍状态" and "姓名"."""
    if text is None:
        return ""
    folded = fold(str(text))
    folded = _NOTES.sub("", folded)
    return folded.replace("*", "").rstrip(":")


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def cell_text(value: Any) -> str:
    """A cell as text: numbers Excel stored as floats (13800000000.0) come back as integers."""
    if type(value) is str:
        # Nearly every cell; checked first because this runs for each cell of 100,000-row sheets.
        return value.strip()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return (
            value.strftime("%Y-%m-%d %H:%M:%S")
            if value.time() != datetime.min.time()
            else value.strftime("%Y-%m-%d")
        )
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def display(value: Any) -> str:
    """How a parsed value is shown in an error: dates as 2024-01-05, records by their name."""
    if value is None:
        return ""
    if isinstance(value, date | datetime):
        return cell_text(value)
    return cell_text(value) if isinstance(value, int | float | str | bool) else str(value)


# --- parsers -------------------------------------------------------------------------------


def id_number_text(value: Any, ctx: ImportContext) -> str:
    """A 公民身份号码 cell as typed; the caller checks it. A number cell is refused: Excel keeps
    only 15 significant digits, so an 18-digit number has already lost its tail."""
    if isinstance(value, float) or (isinstance(value, int) and len(str(value)) > 15):
        raise CellError(
            "单元格是数字格式，Excel 只保留15位有效数字，号码已失真；请把该列设为文本格式后重新填写号码"
        )
    return fold(cell_text(value)).upper()


def text(max_length: int | None = None) -> Parser:
    def parse(value: Any, ctx: ImportContext) -> str:
        result = cell_text(value)
        if max_length is not None and len(result) > max_length:
            raise CellError(f"不能超过{max_length}个字（当前{len(result)}个）")
        return result

    return parse


_TIME_GAP = re.compile(r"\s+(?=\d{1,2}:\d{2})")
_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:T\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
_EARLIEST = date(1900, 1, 1)
DATE_HELP = "日期，如 2024-01-05、2024/1/5、2024.1.5、20240105 或 2024年1月5日"


def _to_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise CellError("不是日期")
    if isinstance(value, int | float):
        number = float(value)
        if number.is_integer() and 1900_01_01 <= number <= 2999_12_31:
            return _to_date(str(int(number)))
        if 1 <= number < 2958466:
            # A serial number in a cell without a date format (Excel's 1900 date system).
            return from_excel(number).date()
        raise CellError(f"“{cell_text(value)}”不是有效日期，{DATE_HELP}")
    # A time after the date ("2024-01-05 00:00:00", from CSV exports) is kept apart before folding.
    raw = fold(_TIME_GAP.sub("T", unicodedata.normalize("NFKC", str(value)).strip()))
    for pattern in _DATE_PATTERNS:
        match = pattern.match(raw)
        if match:
            year, month, day = (int(g) for g in match.groups())
            try:
                return date(year, month, day)
            except ValueError:
                raise CellError(f"“{raw}”不是有效日期（{year}年没有{month}月{day}日）") from None
    raise CellError(f"“{raw}”无法识别为日期，应为{DATE_HELP}")


def date_value(*, allow_future: bool = False) -> Parser:
    """Dates as text in the usual Chinese spellings, Excel date cells and datetimes."""

    def parse(value: Any, ctx: ImportContext) -> date:
        try:
            # The common spelling (2024-01-05) without the general parser.
            result = (
                date.fromisoformat(value)
                if type(value) is str and len(value) == 10
                else _to_date(value)
            )
        except ValueError:
            result = _to_date(value)
        if result < _EARLIEST:
            raise CellError(f"{result.isoformat()}早于1900年，请核对")
        if not allow_future and result > ctx.today:
            raise CellError(f"{result.isoformat()}晚于今天，不能填写将来的日期")
        return result

    return parse


def enum(options: Mapping[str, str], aliases: Mapping[str, str] | None = None) -> Parser:
    """A fixed list by its Chinese label (plus aliases); returns the stored value."""
    lookup = {fold(label): value for label, value in options.items()}
    lookup.update({fold(label): value for label, value in (aliases or {}).items()})
    allowed = "、".join(f"“{label}”" for label in options)

    def parse(value: Any, ctx: ImportContext) -> str:
        found = lookup.get(value) if type(value) is str else None
        if found is not None:
            return found
        raw = fold(cell_text(value))
        found = lookup.get(raw) or lookup.get(normalize_header(raw))
        if found is None:
            raise CellError(f"“{raw}”不是可选值，应填写{allowed}之一")
        return found

    return parse


class CodeBook:
    """The code tables (字典) of one import, loaded once per table: lookups never query per row."""

    # Spellings people type that are not the standard's names.
    ALIASES: Mapping[str, Mapping[str, str]] = {
        "gender": {"男性": "1", "女性": "2"},
        "education": {
            "研究生": "10",
            "博士": "11",
            "博士研究生": "11",
            "硕士": "14",
            "硕士研究生": "14",
            "本科": "21",
            "大专": "31",
            "专科": "31",
            "大学专科": "31",
            "中专": "41",
            "职高": "44",
            "技校": "47",
            "高中": "61",
            "初中": "71",
            "小学": "81",
        },
        "degree": {"博士学位": "2", "硕士学位": "3", "学士学位": "4", "无": "9"},
    }

    def __init__(self) -> None:
        self._tables: dict[str, tuple[dict[str, Any], dict[str, Any], int]] = {}

    def _load(self, table: str) -> tuple[dict[str, Any], dict[str, Any], int]:
        if table not in self._tables:
            from zugong.core.models import CodeItem

            items = list(CodeItem.objects.filter(table__code=table, is_active=True))
            by_code = {item.code: item for item in items}
            by_name: dict[str, Any] = {}
            for item in items:
                name = fold(item.name)
                by_name.setdefault(name, item)
                # 汉族 → 汉, 蒙古族 → 蒙古.
                if name.endswith("族") and len(name) >= 2:
                    by_name.setdefault(name[:-1], item)
            for alias, code in self.ALIASES.get(table, {}).items():
                if code in by_code:
                    by_name.setdefault(fold(alias), by_code[code])
            width = max((len(c) for c in by_code), default=0)
            self._tables[table] = (by_code, by_name, width)
        return self._tables[table]

    def lookup(self, table: str, value: Any) -> Any | None:
        by_code, by_name, width = self._load(table)
        if type(value) is str:
            found = by_name.get(value) or by_code.get(value)
            if found is not None:
                return found
        raw = fold(cell_text(value))
        found = by_name.get(raw) or by_code.get(raw)
        if found is None and raw.isdigit() and len(raw) < width:
            # Excel drops leading zeros from codes typed as numbers: 1 → 01.
            found = by_code.get(raw.zfill(width))
        return found

    def names(self, table: str, codes: Iterable[str] | None = None) -> list[str]:
        by_code, _, _ = self._load(table)
        wanted = set(codes) if codes is not None else None
        return [item.name for code, item in by_code.items() if wanted is None or code in wanted]


def code(table: str, example: str) -> Parser:
    """A code-table value by name or code (男/1, 汉族/汉/01, 大学本科/21); returns the CodeItem."""

    def parse(value: Any, ctx: ImportContext) -> Any:
        item = ctx.codes.lookup(table, value)
        if item is None:
            raise CellError(
                f"“{cell_text(value)}”不在字典中，请填写字典中的名称或代码（如“{example}”）"
            )
        return item

    return parse


def code_choices(table: str, codes: Sequence[str] | None = None) -> Callable[[], list[str]]:
    """Dropdown values for a code table, read when the template is built."""

    def choices() -> list[str]:
        return CodeBook().names(table, codes)

    return choices


def describe_column(column: Column) -> str:
    """The header comment in the template: the rule, whether required, and accepted aliases."""
    parts = [f"{'必填' if column.required else '选填'}。{column.help}".rstrip("。") + "。"]
    if column.aliases:
        parts.append("也可用表头：" + "、".join(column.aliases) + "。")
    return "\n".join(parts)
