"""The proof of work: one signed, expiring, one-time challenge per submit, and the browser's own
SHA-256 (pow.js) agreeing with Python's."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from django.core import signing

from zugong.supervision import pow
from zugong.supervision.tests.test_portal_support import _fresh_cache  # noqa: F401 - autouse

STATIC = Path(__file__).resolve().parents[2] / "static" / "supervision"


def test_a_solution_is_accepted_once():
    challenge = pow.new_challenge()
    nonce = pow.solve(challenge)
    pow.check(challenge, nonce)
    with pytest.raises(pow.ProofRefused, match="used"):
        pow.check(challenge, nonce)


def test_the_difficulty_is_lower_under_tests():
    assert pow.difficulty() == pow.TEST_DIFFICULTY_BITS < pow.DIFFICULTY_BITS


@pytest.mark.parametrize("nonce", ["", "x" * 33, "１２"])
def test_missing_or_odd_nonces_are_refused(nonce):
    with pytest.raises(pow.ProofRefused):
        pow.check(pow.new_challenge(), nonce)


def test_a_wrong_nonce_is_refused():
    challenge = pow.new_challenge()
    wrong = next(
        str(n) for n in range(10_000) if not pow.solves(challenge, str(n), pow.difficulty())
    )
    with pytest.raises(pow.ProofRefused, match="wrong"):
        pow.check(challenge, wrong)


def test_a_forged_challenge_is_refused():
    challenge = pow.new_challenge()
    payload, rest = challenge.split(":", 1)
    forged = signing.b64_encode(json.dumps({"id": "x", "bits": 0}).encode()).decode() + ":" + rest
    with pytest.raises(pow.ProofRefused, match="forged"):
        pow.check(forged, "0")
    with pytest.raises(pow.ProofRefused, match="forged"):
        pow.check("not-a-challenge", "0")


def test_a_signed_but_too_easy_challenge_is_refused():
    # Even with the server's key (a leaked challenge format), zero bits is not enough.
    easy = signing.dumps({"id": "abc", "bits": 0}, salt=pow._SALT)
    with pytest.raises(pow.ProofRefused, match="wrong"):
        pow.check(easy, "0")


def test_an_expired_challenge_is_refused(monkeypatch):
    real = time.time
    monkeypatch.setattr(signing.time, "time", lambda: real() - pow.CHALLENGE_SECONDS - 60)
    challenge = pow.new_challenge()
    monkeypatch.setattr(signing.time, "time", real)
    with pytest.raises(pow.ProofRefused, match="expired"):
        pow.check(challenge, pow.solve(challenge))


def test_a_challenge_forgotten_by_the_cache_is_refused():
    from django.core.cache import cache

    challenge = pow.new_challenge()
    nonce = pow.solve(challenge)
    cache.clear()  # e.g. the process restarted: the one-time id is gone
    with pytest.raises(pow.ProofRefused, match="used"):
        pow.check(challenge, nonce)


def test_leading_zero_bits():
    assert pow.leading_zero_bits(b"\x00\x00\x01") == 23
    assert pow.leading_zero_bits(b"\x80") == 0
    assert pow.leading_zero_bits(b"\x00\x0f") == 12
    assert pow.leading_zero_bits(b"\x00\x00") == 16


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node to run the browser's SHA-256")
def test_the_browser_sha256_matches_python():
    inputs = ["", "abc", "a" * 55, "a" * 56, "a" * 64, "查询码" * 40, pow.new_challenge() + "12345"]
    script = (
        "global.window = global;"
        f"require({json.dumps(str(STATIC / 'sha256.js'))});"
        "const L = window.ZugongSha256;"
        f"const inputs = {json.dumps(inputs)};"
        "console.log(JSON.stringify(inputs.map(s => {"
        "  const d = L.sha256(L.utf8(s)); return [L.hex(d), L.leadingZeroBits(d)]; })));"
    )
    out = subprocess.run(["node", "-e", script], capture_output=True, text=True, check=True)
    got = json.loads(out.stdout)
    for text, (digest, bits) in zip(inputs, got, strict=True):
        expected = hashlib.sha256(text.encode()).digest()
        assert digest == expected.hex(), text
        assert bits == pow.leading_zero_bits(expected)
