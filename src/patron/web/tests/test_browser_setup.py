"""The browser fixture fails loudly, never skips, when Chromium is missing."""

from __future__ import annotations

import pytest

from patron.web.tests.conftest import chromium_path


def test_a_missing_chromium_fails_with_the_install_command(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PATRON_CHROMIUM", "/nonexistent/chromium")
    with pytest.raises(pytest.fail.Exception, match="apt-get install chromium"):
        chromium_path()


def test_an_installed_chromium_is_found(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PATRON_CHROMIUM", raising=False)
    assert chromium_path().endswith("chromium")
