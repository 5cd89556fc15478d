"""Official forms as PDF: a Django template rendered to HTML, then to A4 PDF with WeasyPrint.

The .docx versions live beside each app's views (documents.py); the PDF is the same form for
printing and archiving as-is, in the fonts of fonts-noto-cjk (no network, no external URLs).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.template.loader import render_to_string

from zugong.core.downloads import PDF_CONTENT_TYPE, name_download


def render_html(template_name: str, context: dict[str, Any]) -> str:
    return render_to_string(template_name, context)


def render_pdf(template_name: str, context: dict[str, Any]) -> bytes:
    """Render `template_name` (extending documents/base_print.html) to PDF bytes."""
    # Imported lazily: WeasyPrint loads pango at import time, which only PDF requests need.
    from weasyprint import HTML

    html = render_html(template_name, context)
    # base_url=None and a fetcher that only reads data: URIs: a form never reaches the network
    # or the file system, whatever ends up in its text.
    return HTML(string=html, base_url=None, url_fetcher=offline_fetcher()).write_pdf()


def offline_fetcher() -> Any:
    """A WeasyPrint URL fetcher that refuses every scheme but data:."""
    try:
        # Newer WeasyPrint (70 here): fetchers are URLFetcher objects.
        from weasyprint.urls import URLFetcher
    except ImportError:  # older WeasyPrint: a plain function
        from weasyprint import default_url_fetcher

        def fetch(url: str, *args: Any, **kwargs: Any) -> Any:
            if not url.startswith("data:"):
                raise ValueError(f"打印文档不得引用外部资源：{url}")
            return default_url_fetcher(url, *args, **kwargs)

        return fetch
    return URLFetcher(allowed_protocols={"data"})


def pdf_response(filename: str, data: bytes, *, inline: bool = False) -> HttpResponse:
    """The PDF as a download named `filename` (Chinese kept via RFC 5987 filename*)."""
    if not filename.lower().endswith(".pdf"):
        filename = f"{filename}.pdf"
    response = HttpResponse(data, content_type=PDF_CONTENT_TYPE)
    name_download(response, filename, inline=inline)
    return response


__all__ = ["PDF_CONTENT_TYPE", "offline_fetcher", "pdf_response", "render_html", "render_pdf"]
