"""render_pdf / pdf_response: A4 PDF from a template, Chinese filename, never the network."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.template import engines

from zugong.core import documents
from zugong.core.documents import offline_fetcher, pdf_response, render_pdf


def test_render_pdf_of_the_base_template():
    data = render_pdf("documents/base_print.html", {"doc_title": "关于张三同志的公示"})
    assert data.startswith(b"%PDF") and len(data) > 1000


@pytest.mark.parametrize("url", ["http://example.com/x.png", "file:///etc/passwd"])
def test_offline_fetcher_refuses_network_and_files(url):
    with pytest.raises(ValueError, match="protocol|外部资源"):
        fetch_with(offline_fetcher(), url)


def test_offline_fetcher_reads_data_uris():
    assert fetch_with(offline_fetcher(), "data:text/plain,ok") is not None


def test_external_image_is_skipped_and_the_page_still_renders(monkeypatch):
    html = engines["django"].from_string(
        '<html><body><img src="http://example.com/x.png"><p>测试</p></body></html>'
    )
    monkeypatch.setattr(documents, "render_html", lambda name, ctx: html.render(ctx))
    assert render_pdf("ignored.html", {}).startswith(b"%PDF")


def fetch_with(fetcher, url: str):  # noqa: ANN001, ANN201
    # URLFetcher objects (newer WeasyPrint) have .fetch; older fetchers are plain functions.
    return fetcher.fetch(url) if hasattr(fetcher, "fetch") else fetcher(url)


@pytest.mark.parametrize(
    ("name", "expected"),
    [("张三发展党员纪实表.pdf", "张三发展党员纪实表.pdf"), ("公示", "公示.pdf")],
)
def test_pdf_response_names_the_file(name, expected):
    response = pdf_response(name, b"%PDF-1.7")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f"attachment; filename*=UTF-8''{quote(expected)}"
    assert response.content == b"%PDF-1.7"
