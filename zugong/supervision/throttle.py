"""Counting attempts without keeping who made them: keys are hashed with a secret that changes
every day, kept only in the cache (memory by default) for the window's length, and never written
to the database or the logs (supervision.md §1.3).

The day's secret is derived from SECRET_KEY, so that several app servers sharing one cache count
a client together; a hash of yesterday cannot be matched with today's."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import cache


def _day_secret() -> bytes:
    day = datetime.now(UTC).date().isoformat()
    return hmac.new(
        settings.SECRET_KEY.encode(), f"zugong-throttle:{day}".encode(), "sha256"
    ).digest()


def hashed_key(*parts: str) -> str:
    message = "\x1f".join(parts).encode()
    return hmac.new(_day_secret(), message, hashlib.sha256).hexdigest()[:32]


def hit(bucket: str, key: str, limit: int, window_seconds: int) -> bool:
    """Count one attempt for `key` in `bucket`; True while the count stays within `limit`."""
    cache_key = f"zg-throttle:{bucket}:{hashed_key(bucket, key)}"
    cache.add(cache_key, 0, timeout=window_seconds)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=window_seconds)
        count = 1
    return count <= limit


def is_blocked(bucket: str, key: str, limit: int) -> bool:
    """Whether `key` has used up `bucket` already, without counting an attempt."""
    return (cache.get(f"zg-throttle:{bucket}:{hashed_key(bucket, key)}") or 0) >= limit
