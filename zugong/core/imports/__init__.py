"""The 一张表 import framework (DESIGN.md §5): declarative specs, readers, runner, pages.

Apps declare an ImportSpec in their ``imports.py`` and register it; see zugong/members/imports.py.
"""

from zugong.core.imports.readers import ImportFileError
from zugong.core.imports.spec import (
    IMPORT_SPECS,
    CellError,
    CodeBook,
    Column,
    ImportContext,
    ImportSpec,
    Row,
    RowError,
    WriteError,
    WriteResult,
    all_specs,
    code,
    code_choices,
    date_value,
    enum,
    get_spec,
    id_number_text,
    register_spec,
    text,
)

__all__ = [
    "IMPORT_SPECS",
    "CellError",
    "CodeBook",
    "Column",
    "ImportContext",
    "ImportFileError",
    "ImportSpec",
    "Row",
    "RowError",
    "WriteError",
    "WriteResult",
    "all_specs",
    "code",
    "code_choices",
    "date_value",
    "enum",
    "get_spec",
    "id_number_text",
    "register_spec",
    "text",
]
