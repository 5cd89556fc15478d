"""Counting attempts without keeping who made them: keys are hashed with a secret made fresh by each
process, kept only in the cache (memory by default) for the window's length, and never written to
the database or the logs (supervision.md §1.3)."""

from __future__ import annotations

import hashlib
import secrets

from django.core.cache import cache

_PROCESS_SEED = secrets.token_bytes(16)


def hashed_key(*parts: str) -> str:
    digest = hashlib.sha256(_PROCESS_SEED + "\x1f".join(parts).encode()).hexdigest()
    return digest[:32]


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
