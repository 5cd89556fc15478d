"""The portal's privacy promises, applied before anything else sees the request.

For every URL under /portal/ the client's address, user agent, referrer and forwarding headers are
removed from the request, so no view, form, log record or error report can store them. The throttle
gets one hashed client key instead (`request.portal_client`), made with a secret that changes
daily and kept only in the cache. Responses carry a strict Content-Security-Policy (no inline script or style) and
no-store caching, so a shared phone keeps no copy of a report.

The web server in front must not log these URLs either (docs/supervision.md, deployment).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from zugong.supervision.throttle import hashed_key

PORTAL_PREFIX = "/portal/"

IDENTIFYING_META = (
    "REMOTE_ADDR",
    "REMOTE_HOST",
    "REMOTE_PORT",
    "HTTP_USER_AGENT",
    "HTTP_REFERER",
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_REAL_IP",
    "HTTP_FORWARDED",
    "HTTP_X_CLIENT_IP",
    "HTTP_TRUE_CLIENT_IP",
    "HTTP_CF_CONNECTING_IP",
    "HTTP_VIA",
    "HTTP_SEC_CH_UA",
    "HTTP_SEC_CH_UA_MOBILE",
    "HTTP_SEC_CH_UA_PLATFORM",
)

PORTAL_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
        "base-uri 'none'"
    ),
    # Not "no-referrer": browsers would then send "Origin: null" on POST and fail the CSRF check.
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def is_portal(request: HttpRequest) -> bool:
    return request.path.startswith(PORTAL_PREFIX)


class PortalPrivacyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not is_portal(request):
            return self.get_response(request)
        # Behind a proxy every client shares its address; the forwarded one tells them apart.
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[0].strip()
        request.portal_client = hashed_key(
            "client", forwarded or request.META.get("REMOTE_ADDR", "")
        )
        for key in IDENTIFYING_META:
            request.META.pop(key, None)
        # Some code reads REMOTE_ADDR unconditionally; it gets nothing that identifies anyone.
        request.META["REMOTE_ADDR"] = "0.0.0.0"
        response = self.get_response(request)
        for header, value in PORTAL_HEADERS.items():
            response[header] = value
        return response
