"""The reporter's receipt code (查询码): 16 digits from the operating system's CSPRNG, shown as
4-4-4-4, stored only as an Argon2id hash (supervision.md §1.2, §7.1).

The salt is one per system, not per row: the code is looked up by its hash. About 53 bits are
enough only together with the slow hash, the throttle on wrong codes and bounded retention.
"""

from __future__ import annotations

import re
import secrets

from argon2.low_level import Type, hash_secret_raw
from django.conf import settings

RECEIPT_DIGITS = 16
_SEPARATORS = re.compile(r"[\s\-－—]+")


def new_receipt() -> str:
    number = secrets.randbelow(10**RECEIPT_DIGITS)
    digits = f"{number:0{RECEIPT_DIGITS}d}"
    return "-".join(digits[i : i + 4] for i in range(0, RECEIPT_DIGITS, 4))


def normalize_receipt(raw: str) -> str | None:
    """The 16 digits of a typed code (spaces and dashes ignored), or None if it is not one."""
    digits = _SEPARATORS.sub("", raw or "")
    return (
        digits if len(digits) == RECEIPT_DIGITS and digits.isascii() and digits.isdigit() else None
    )


def receipt_hash(raw: str) -> str | None:
    """The stored form of a code: Argon2id with the system salt, as hex; None for a malformed code."""
    digits = normalize_receipt(raw)
    if digits is None:
        return None
    params = settings.ZUGONG_RECEIPT_ARGON2
    digest = hash_secret_raw(
        secret=digits.encode(),
        salt=settings.ZUGONG_RECEIPT_SALT.encode(),
        time_cost=params["time_cost"],
        memory_cost=params["memory_cost"],
        parallelism=params["parallelism"],
        hash_len=32,
        type=Type.ID,
    )
    return digest.hex()
