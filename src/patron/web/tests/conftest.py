"""A real headless Chromium (Debian's package, never a downloaded one) for browser tests."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest
from django.core.cache import cache

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str:
    """Debian's chromium; a clear failure (not a skip) when it is missing."""
    path = os.environ.get("PATRON_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(path):
        pytest.fail(
            "Browser tests need Debian's chromium: run `apt-get install chromium` "
            "(or set PATRON_CHROMIUM to a Chromium binary).",
            pytrace=False,
        )
    return path


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True
        )
        yield instance
        instance.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1360, "height": 900})  # type: ignore[attr-defined]
    context.set_default_timeout(30_000)
    # Assertions wait as long as actions: on a busy 2-core CI machine a page can take
    # longer than Playwright's 5 s default to arrive, which says nothing about the app.
    from playwright.sync_api import expect

    expect.set_options(timeout=30_000)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    """The dashboard caches its figures; each test starts without them."""
    cache.clear()
    yield
    cache.clear()
