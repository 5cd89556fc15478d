"""Proof of work on the portal's submit: the browser must find a nonce such that
SHA-256(challenge + nonce) starts with DIFFICULTY_BITS zero bits (supervision.md §1.7).

A challenge is signed (django.core.signing), expires after CHALLENGE_SECONDS and is accepted once:
its random id sits in the cache until it is used or expires. Nothing in it names the client.
The browser side is zugong/static/supervision/pow.js (its own SHA-256: crypto.subtle is missing
on plain-http intranets).
"""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.core import signing
from django.core.cache import cache

# About 2**16 hashes on average: well under a second on a desktop, a few seconds on an old phone.
DIFFICULTY_BITS = 16
# Tests (and the browser tests' live server) solve quickly.
TEST_DIFFICULTY_BITS = 8
# Long enough to write a report after opening the form; the form gets a fresh one when refused.
CHALLENGE_SECONDS = 2 * 60 * 60
_SALT = "zugong.supervision.pow"
_CACHE_PREFIX = "zg-pow:"


class ProofRefused(Exception):
    """The proof of work is missing, forged, expired, already used or too weak."""


def difficulty() -> int:
    return TEST_DIFFICULTY_BITS if getattr(settings, "TESTING", False) else DIFFICULTY_BITS


def new_challenge() -> str:
    """A signed one-time challenge; the client returns it with its nonce."""
    challenge_id = secrets.token_hex(16)
    cache.set(_CACHE_PREFIX + challenge_id, 1, timeout=CHALLENGE_SECONDS)
    return signing.dumps({"id": challenge_id, "bits": difficulty()}, salt=_SALT)


def leading_zero_bits(digest: bytes) -> int:
    bits = 0
    for byte in digest:
        if byte == 0:
            bits += 8
            continue
        return bits + 8 - byte.bit_length()
    return bits


def solves(challenge: str, nonce: str, bits: int) -> bool:
    digest = hashlib.sha256((challenge + nonce).encode()).digest()
    return leading_zero_bits(digest) >= bits


def check(challenge: str, nonce: str) -> None:
    """Accept a solution once, or raise ProofRefused."""
    if not challenge or not nonce or len(nonce) > 32 or not nonce.isascii():
        raise ProofRefused("missing")
    try:
        payload = signing.loads(challenge, salt=_SALT, max_age=CHALLENGE_SECONDS)
    except signing.SignatureExpired as exc:
        raise ProofRefused("expired") from exc
    except signing.BadSignature as exc:
        raise ProofRefused("forged") from exc
    bits = payload.get("bits") if isinstance(payload, dict) else None
    challenge_id = payload.get("id") if isinstance(payload, dict) else None
    if not isinstance(bits, int) or not isinstance(challenge_id, str):
        raise ProofRefused("forged")
    if bits < difficulty() or not solves(challenge, nonce, bits):
        raise ProofRefused("wrong")
    # One use: whoever deletes the id first wins; a replay finds it gone.
    if not cache.delete(_CACHE_PREFIX + challenge_id):
        raise ProofRefused("used")


def solve(challenge: str) -> str:
    """The first nonce that solves `challenge` (tests; the browser does the same in pow.js)."""
    bits = signing.loads(challenge, salt=_SALT)["bits"]
    nonce = 0
    while not solves(challenge, str(nonce), bits):
        nonce += 1
    return str(nonce)
