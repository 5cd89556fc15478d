"""公民身份号码 (GB 11643-1999) validation, 15→18 upgrade and masking.

Pure functions, no Django imports, so forms, imports and tests can share them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

# ISO 7064 MOD 11-2 as specified by GB 11643-1999.
_WEIGHTS: tuple[int, ...] = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"

# Province-level prefixes only: county codes change every year and historic
# codes stay valid on old cards, so an unknown prefix is just a warning.
PROVINCE_CODES: frozenset[str] = frozenset(
    [str(c) for c in range(11, 16)]
    + [str(c) for c in range(21, 24)]
    + [str(c) for c in range(31, 38)]
    + [str(c) for c in range(41, 47)]
    + [str(c) for c in range(50, 55)]
    + [str(c) for c in range(61, 66)]
    + ["71", "81", "82"]
)

_EARLIEST_BIRTH = date(1900, 1, 1)
_SEX_NAMES = {"1": "男", "2": "女"}
# Any whitespace, including the full-width space pasted from Word/Excel.
_SPACES = re.compile(r"\s+")
_RE_18 = re.compile(r"^[0-9]{17}[0-9X]$")
_RE_15 = re.compile(r"^[0-9]{15}$")


@dataclass(frozen=True)
class IdCheck:
    """Outcome of :func:`check_id_number`.

    ``normalized`` is the 18-character form whenever the value has a usable
    shape (even if other rules fail), so the UI can echo it back; store it only
    when ``ok``.
    """

    normalized: str | None
    birth_date: date | None
    sex: str | None  # GB/T 2261.1: "1" 男, "2" 女
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _clean(value: str) -> str:
    # NFKC folds full-width digits and Ｘ pasted from documents.
    return _SPACES.sub("", unicodedata.normalize("NFKC", value or "")).upper()


def id_check_char(first17: str) -> str:
    """Check character for the first 17 digits of an 18-digit number."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise ValueError("需要17位数字")
    total = sum(int(ch) * w for ch, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def upgrade_15_to_18(value: str) -> str:
    """Convert a legacy 15-digit number (born 19YY) to the 18-digit form."""
    cleaned = _clean(value)
    if not _RE_15.match(cleaned):
        raise ValueError("15位公民身份号码应全部为数字")
    first17 = cleaned[:6] + "19" + cleaned[6:]
    return first17 + id_check_char(first17)


def _fmt(d: date) -> str:
    return f"{d.year}年{d.month:02d}月{d.day:02d}日"


def _parse_birth(digits: str) -> date | None:
    try:
        return date(int(digits[0:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return None


def check_id_number(
    value: str,
    *,
    gender_code: str | None = None,
    birth_date: date | None = None,
    today: date | None = None,
) -> IdCheck:
    """Validate a 公民身份号码, optionally against the person's 性别 and 出生日期."""
    today = today or date.today()
    cleaned = _clean(value)
    errors: list[str] = []
    warnings: list[str] = []

    if not cleaned:
        return IdCheck(None, None, None, ["公民身份号码不能为空"], [])

    if len(cleaned) == 15:
        if not _RE_15.match(cleaned):
            return IdCheck(None, None, None, ["公民身份号码：15位旧号码只能由数字组成"], [])
        normalized = upgrade_15_to_18(cleaned)
        warnings.append("公民身份号码为15位旧号码，已按GB 11643-1999自动升级为18位")
    elif len(cleaned) == 18:
        if not _RE_18.match(cleaned):
            return IdCheck(
                None,
                None,
                None,
                ["公民身份号码：前17位只能是数字，最后一位只能是数字或X"],
                [],
            )
        normalized = cleaned
        if id_check_char(cleaned[:17]) != cleaned[17]:
            errors.append("公民身份号码校验位不正确（GB 11643-1999 校验码规则），请逐位核对号码")
    else:
        return IdCheck(
            None,
            None,
            None,
            [f"公民身份号码应为18位（或15位旧号码），当前为{len(cleaned)}位"],
            [],
        )

    province = normalized[:2]
    if province not in PROVINCE_CODES:
        warnings.append(
            f"公民身份号码前两位“{province}”不是现行省级行政区划代码，请核对（历史代码仍可能有效）"
        )

    embedded = _parse_birth(normalized[6:14])
    if embedded is None:
        errors.append(f"公民身份号码中的出生日期“{normalized[6:14]}”不是有效日期")
    elif embedded > today:
        errors.append(f"公民身份号码中的出生日期{_fmt(embedded)}晚于今天")
        embedded = None
    elif embedded < _EARLIEST_BIRTH:
        errors.append(f"公民身份号码中的出生日期{_fmt(embedded)}早于1900年01月01日")
        embedded = None

    # 17th digit (sequence code's last digit): odd = 男, even = 女.
    sex = "1" if int(normalized[16]) % 2 == 1 else "2"
    if gender_code in _SEX_NAMES and gender_code != sex:
        errors.append(
            f"公民身份号码第17位表示性别为“{_SEX_NAMES[sex]}”，"
            f"与所填性别“{_SEX_NAMES[gender_code]}”不一致"
        )

    if birth_date is not None and embedded is not None and birth_date != embedded:
        errors.append(
            f"公民身份号码中的出生日期（{_fmt(embedded)}）"
            f"与所填出生日期（{_fmt(birth_date)}）不一致"
        )

    return IdCheck(normalized, embedded, sex, errors, warnings)


def _mask(value: str, keep_head: int, keep_tail: int) -> str:
    """Mask the middle; short values keep less so they still hide enough."""
    n = len(value)
    if n - keep_head - keep_tail < 4:
        keep_head = n // 4
        keep_tail = n // 4
    hidden = n - keep_head - keep_tail
    return value[:keep_head] + "*" * hidden + value[n - keep_tail :]


def mask_id_number(value: str) -> str:
    """110101********1234: keep the region code and the last four."""
    return _mask(_clean(value), 6, 4)


def mask_phone(value: str) -> str:
    """138****5678: keep the carrier prefix and the last four."""
    return _mask(_clean(value), 3, 4)
