"""File downloads: the content types Zugong serves and the one way a download gets its name."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.http import FileResponse, HttpResponse, HttpResponseBase

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_CONTENT_TYPE = "application/pdf"


def name_download(
    response: HttpResponseBase, filename: str, *, inline: bool = False
) -> HttpResponseBase:
    """Set Content-Disposition; the RFC 5987 filename* keeps Chinese names intact in browsers."""
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(filename)}"
    return response


def docx_response(filename: str, body: bytes) -> HttpResponse:
    response = HttpResponse(body, content_type=DOCX_CONTENT_TYPE)
    name_download(response, filename)
    return response


def stored_file_response(record: Any) -> FileResponse:
    """An uploaded file (with blob, content_type, original_name) sent back under its own name; the
    caller has checked the scope. nosniff: the browser must not guess a type we did not check."""
    response = FileResponse(record.blob.open("rb"), content_type=record.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    name_download(response, record.original_name)
    return response
