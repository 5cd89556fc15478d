"""The 干部任免审批表 (cadres.md §2) printed from an `LrmxRecord`: .docx for editing, PDF for print.

Both outputs come from the same `layout.AdformLayout`, so they show the same texts at the same
font sizes. The batch functions take a `progress(done, total)` callback for the background task
that runs them; it is called once per cadre, and `done == total` only when the file is complete.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Sequence
from datetime import date

from zugong.cadres.adform.layout import AdformLayout, adform_layout
from zugong.cadres.lrmx.record import LrmxRecord

Progress = Callable[[int, int], None]


def adform_docx(record: LrmxRecord, *, today: date | None = None) -> bytes:
    """The two-page form of one cadre as a .docx file."""
    from zugong.cadres.adform.docx import render_docx

    return render_docx([adform_layout(record, today=today)])


def adform_pdf(record: LrmxRecord, *, today: date | None = None) -> bytes:
    """The two-page form of one cadre as PDF (A4)."""
    from zugong.cadres.adform.pdf import render_pdf_layouts

    return render_pdf_layouts([adform_layout(record, today=today)])


def adform_batch_pdf(
    records: Sequence[LrmxRecord],
    progress: Progress | None = None,
    *,
    today: date | None = None,
) -> bytes:
    """One PDF with two pages per cadre, in the order given, typeset in a single pass."""
    from zugong.cadres.adform.pdf import render_pdf_layouts

    total = len(records)
    layouts: list[AdformLayout] = []
    for done, record in enumerate(records, start=1):
        layouts.append(adform_layout(record, today=today))
        # The last step is reported after typesetting, so the bar reaches the end with the file.
        if progress and done < total:
            progress(done, total)
    data = render_pdf_layouts(layouts)
    if progress:
        progress(total, total)
    return data


def adform_batch_docx_zip(
    records: Sequence[LrmxRecord],
    progress: Progress | None = None,
    *,
    today: date | None = None,
) -> bytes:
    """A zip of `<姓名>.docx`, one per cadre; repeated names become `<姓名>(2).docx`, …"""
    from zugong.cadres.adform.docx import render_docx

    out = io.BytesIO()
    used: set[str] = set()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for done, record in enumerate(records, start=1):
            filename = unique_filename(record.name, used)
            archive.writestr(filename, render_docx([adform_layout(record, today=today)]))
            if progress:
                progress(done, len(records))
    return out.getvalue()


_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def unique_filename(name: str, used: set[str], extension: str = ".docx") -> str:
    """`<姓名><extension>`, safe for every file system, not yet in `used` (which it joins)."""
    stem = _UNSAFE.sub("_", re.sub(r"\s+", "", name)).strip(". ") or "未命名"
    candidate, number = f"{stem}{extension}", 1
    while candidate.lower() in used:
        number += 1
        candidate = f"{stem}({number}){extension}"
    used.add(candidate.lower())
    return candidate


__all__ = [
    "adform_batch_docx_zip",
    "adform_batch_pdf",
    "adform_docx",
    "adform_layout",
    "adform_pdf",
    "unique_filename",
]
