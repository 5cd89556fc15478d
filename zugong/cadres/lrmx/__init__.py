"""The LRMX / LRM codec of the 干部任免审批表 (cadres.md §1): pure Python, no database."""

from __future__ import annotations

from .errors import LrmxError
from .lrm import read_lrm
from .reader import (
    MAX_FAMILY_MEMBERS,
    MAX_FILE_BYTES,
    MAX_PHOTO_BYTES,
    MAX_TEXT_CHARS,
    read_lrmx,
    read_lrmx_bundle,
)
from .record import (
    DEFAULT_VERSION,
    FAMILY_ELEMENTS,
    OPTIONAL_ELEMENTS,
    PERSON_ELEMENTS,
    FamilyMember,
    LrmxRecord,
    UnknownElement,
)
from .resume import ResumeEntry, check_resume, format_resume, parse_resume
from .values import (
    PartyJoined,
    age_on,
    format_month,
    format_party_joined,
    parse_month,
    parse_party_joined,
)
from .writer import write_lrmx

__all__ = [
    "DEFAULT_VERSION",
    "FAMILY_ELEMENTS",
    "MAX_FAMILY_MEMBERS",
    "MAX_FILE_BYTES",
    "MAX_PHOTO_BYTES",
    "MAX_TEXT_CHARS",
    "OPTIONAL_ELEMENTS",
    "PERSON_ELEMENTS",
    "FamilyMember",
    "LrmxError",
    "LrmxRecord",
    "PartyJoined",
    "ResumeEntry",
    "UnknownElement",
    "age_on",
    "check_resume",
    "format_month",
    "format_party_joined",
    "format_resume",
    "parse_month",
    "parse_party_joined",
    "parse_resume",
    "read_lrm",
    "read_lrmx",
    "read_lrmx_bundle",
    "write_lrmx",
]
