"""Playwright (sync API) driving Debian's chromium against pytest-django's live server.

The browser is never downloaded: it is the system package at /usr/bin/chromium, and the tests
are skipped with a clear reason when it is absent.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from importlib import import_module
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls made there by the
# fixtures are still synchronous and safe.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.skip(
            f"browser tests need Debian's chromium at {CHROMIUM} (apt-get install chromium)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser) -> Iterator[object]:  # noqa: ANN001 - a playwright Browser
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 860})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture(autouse=True)
def _seeded_reference_data(transactional_db: None) -> None:  # noqa: PT004 - sets up data
    """Put back the data the migrations seed (code tables, meeting types, the 25 steps of
    发展党员) when it is missing.

    Browser tests flush the database after each test and rely on serialized_rollback to restore
    the seeded rows; pytest-django does not always keep the serialized copy once a live server
    has run after ordinary tests, so this re-runs the seeding migrations' functions instead.
    """
    from django.apps import apps

    from zugong.core.models import CodeTable
    from zugong.development.models import StepDefinition
    from zugong.life.models import MeetingType

    seeds = [
        (CodeTable, "zugong.core.migrations.0002_seed_code_tables"),
        (MeetingType, "zugong.life.migrations.0002_seed_meeting_types"),
        (StepDefinition, "zugong.development.migrations.0002_seed_step_catalog"),
    ]
    for model, migration in seeds:
        if not model.objects.exists():
            import_module(migration).seed(apps, None)  # the seeds only use the model registry
