"""QR codes for printing: they carry the absolute address of a survey's public page."""

from __future__ import annotations

import io

import segno


def qr_svg(url: str, scale: int = 8) -> bytes:
    buffer = io.BytesIO()
    # Error level M survives a crease or a smudge on a printed notice.
    segno.make(url, error="m").save(buffer, kind="svg", scale=scale, border=2)
    return buffer.getvalue()


def qr_png(url: str, scale: int = 8) -> bytes:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=scale, border=2)
    return buffer.getvalue()
