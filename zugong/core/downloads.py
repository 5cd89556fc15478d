"""File downloads: the content types Zugong serves and the one way a download gets its name."""

from __future__ import annotations

from urllib.parse import quote

from django.http import HttpResponse, HttpResponseBase

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
