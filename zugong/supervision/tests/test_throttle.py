"""The throttle counts per hashed key in the cache and never keeps the key itself."""

from __future__ import annotations

import time

from django.core.cache import cache
from freezegun import freeze_time

from zugong.supervision import throttle
from zugong.supervision.tests.test_portal_support import _fresh_cache  # noqa: F401 - autouse


def test_hits_within_the_limit_pass_and_the_next_is_refused():
    assert [throttle.hit("b", "k", 3, 60) for _ in range(4)] == [True, True, True, False]
    assert throttle.is_blocked("b", "k", 3)
    assert not throttle.is_blocked("b", "other", 3)
    assert not throttle.is_blocked("other-bucket", "k", 3)


def test_the_window_expires():
    assert throttle.hit("w", "k", 1, 1)
    assert not throttle.hit("w", "k", 1, 1)
    time.sleep(1.2)
    assert throttle.hit("w", "k", 1, 1)


def test_the_cache_never_holds_the_raw_key():
    throttle.hit("portal-code-client", "203.0.113.77", 5, 60)
    keys = list(getattr(cache, "_cache", {}).keys())
    assert keys and not any("203.0.113.77" in str(k) for k in keys)


def test_hashed_keys_differ_by_part_and_are_stable_within_a_day():
    assert throttle.hashed_key("client", "a") == throttle.hashed_key("client", "a")
    assert throttle.hashed_key("client", "a") != throttle.hashed_key("client", "b")
    assert "a" * 3 not in throttle.hashed_key("client", "aaa")


def test_app_servers_agree_today_and_yesterday_cannot_be_matched(settings):
    """Every process derives the day's secret from SECRET_KEY, so servers sharing a cache count a
    client together; the next day the same client hashes to something else."""
    with freeze_time("2026-03-02 10:00:00"):
        today = throttle.hashed_key("client", "203.0.113.77")
    with freeze_time("2026-03-02 23:59:00"):
        assert throttle.hashed_key("client", "203.0.113.77") == today
    with freeze_time("2026-03-03 00:01:00"):
        assert throttle.hashed_key("client", "203.0.113.77") != today
    settings.SECRET_KEY = "another-installation-" + "x" * 40
    with freeze_time("2026-03-02 10:00:00"):
        assert throttle.hashed_key("client", "203.0.113.77") != today
