"""A small HTTP client for the deploy check (standard library only): a cookie jar per browser,
no automatic redirects, CSRF tokens from forms, and a log of every response (for the no-5xx check)."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookiejar import CookieJar
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, HTTPRedirectHandler, Request, build_opener

RESPONSES: list[tuple[str, str, int, str]] = []  # (method, url, status, upstream) of every request


class _NoRedirect(HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: ANN001
        return None


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes
    url: str

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")


@dataclass
class Browser:
    base: str
    jar: CookieJar = field(default_factory=CookieJar)

    def __post_init__(self) -> None:
        self.opener = build_opener(HTTPCookieProcessor(self.jar), _NoRedirect)

    def request(
        self,
        method: str,
        path: str,
        data: dict | None = None,
        files: dict[str, tuple[str, bytes, str]] | None = None,
        base: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        url = (base or self.base) + path
        body = None
        hdrs = {"User-Agent": "zugong-deploy-check", **(headers or {})}
        if files:
            boundary = uuid.uuid4().hex
            body = _multipart(boundary, data or {}, files)
            hdrs["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        elif data is not None:
            body = urlencode(data, doseq=True).encode()
            hdrs["Content-Type"] = "application/x-www-form-urlencoded"
        if method == "POST":
            hdrs["Referer"] = url
            token = self.cookie("csrftoken")
            if token:
                hdrs["X-CSRFToken"] = token
        req = Request(url, data=body, headers=hdrs, method=method)
        try:
            with self.opener.open(req, timeout=120) as r:
                resp = Response(
                    r.status, {k.lower(): v for k, v in r.headers.items()}, r.read(), url
                )
        except HTTPError as e:
            resp = Response(e.code, {k.lower(): v for k, v in e.headers.items()}, e.read(), url)
        RESPONSES.append((method, url, resp.status, resp.header("X-Upstream")))
        return resp

    def get(self, path: str, **kw) -> Response:  # noqa: ANN003
        return self.request("GET", path, **kw)

    def post(self, path: str, data: dict | None = None, **kw) -> Response:  # noqa: ANN003
        return self.request("POST", path, data=data or {}, **kw)

    def cookie(self, name: str) -> str:
        for c in self.jar:
            if c.name == name:
                return c.value or ""
        return ""

    def drop_cookie(self, name: str) -> None:
        for c in list(self.jar):
            if c.name == name:
                self.jar.clear(c.domain, c.path, c.name)

    def login(self, username: str, password: str) -> Response:
        page = self.get("/accounts/login/")
        assert page.status == 200, page.status
        fields = form_fields(page.text)
        fields.update(username=username, password=password)
        resp = self.post("/accounts/login/", fields)
        assert resp.status == 302, f"login as {username}: {resp.status}"
        return resp


def _multipart(boundary: str, data: dict, files: dict[str, tuple[str, bytes, str]]) -> bytes:
    out = []
    for name, value in data.items():
        out.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    for name, (filename, content, ctype) in files.items():
        out.append(
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: {ctype}\r\n\r\n'
            ).encode()
            + content
            + b"\r\n"
        )
    out.append(f"--{boundary}--\r\n".encode())
    return b"".join(out)


class _FormParser(HTMLParser):
    """The fields of the first POST form (or of the form whose action matches), as a browser
    would submit them unchanged: inputs, checked boxes, selected options, textareas."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[list[tuple[str, str]]] = []
        self._in_form = False
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_chosen = False
        self._textarea: str | None = None
        self._text: list[str] = []
        self._option_value: str | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = {k: (v or "") for k, v in attrs}
        if tag == "form" and a.get("method", "get").lower() == "post":
            self._in_form = True
            self.forms.append([])
            return
        if not self._in_form:
            return
        fields = self.forms[-1]
        if tag == "input" and a.get("name") and "disabled" not in a:
            kind = a.get("type", "text").lower()
            if kind in {"submit", "button", "image", "reset", "file"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in a:
                return
            fields.append((a["name"], a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select" and a.get("name"):
            self._select, self._select_first, self._select_chosen = a["name"], None, False
        elif tag == "option" and self._select:
            value = a.get("value")
            self._option_value = value
            if self._select_first is None:
                self._select_first = value
            if "selected" in a and value is not None:
                fields.append((self._select, value))
                self._select_chosen = True
        elif tag == "textarea" and a.get("name"):
            self._textarea, self._text = a["name"], []

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in_form = False
        elif tag == "select" and self._select:
            if not self._select_chosen and self._select_first is not None:
                self.forms[-1].append((self._select, self._select_first))
            self._select = None
        elif tag == "textarea" and self._textarea:
            self.forms[-1].append((self._textarea, "".join(self._text).lstrip("\n")))
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self._text.append(data)


def form_fields(html: str, *, with_field: str | None = None) -> dict:
    """The submit-as-is data of the page's POST form (the one that has with_field, if given)."""
    parser = _FormParser()
    parser.feed(html)
    for form in parser.forms:
        names = {name for name, _ in form}
        if with_field is None or with_field in names:
            data: dict[str, list[str] | str] = {}
            for name, value in form:
                if name in data:
                    prev = data[name]
                    data[name] = [*prev, value] if isinstance(prev, list) else [prev, value]
                else:
                    data[name] = value
            return data
    return {}


def has_input(html: str, name: str) -> bool:
    return re.search(rf'name="{re.escape(name)}"', html) is not None
