"""Settings read from the environment: database URLs, booleans and the generated key."""

from __future__ import annotations

import pytest

from patron.config.env import ConfigurationError, database_from_url, env_bool, secret_key


def test_sqlite_url_is_relative_to_patron_home_and_uses_wal(tmp_path):
    db = database_from_url("sqlite:///crm.sqlite3", tmp_path)
    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert db["NAME"] == str(tmp_path / "crm.sqlite3")
    assert "journal_mode=WAL" in db["OPTIONS"]["init_command"]


def test_sqlite_url_with_absolute_path_is_kept(tmp_path):
    db = database_from_url(f"sqlite:///{tmp_path}/abs.db", tmp_path / "elsewhere")
    assert db["NAME"] == f"{tmp_path}/abs.db"


def test_postgres_url_is_split_into_connection_settings(tmp_path):
    db = database_from_url(
        "postgres://crm:s%40cret@db.example:6543/patron?sslmode=require", tmp_path
    )
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["NAME"], db["USER"], db["PASSWORD"], db["HOST"], db["PORT"]) == (
        "patron",
        "crm",
        "s@cret",
        "db.example",
        "6543",
    )
    assert db["OPTIONS"]["sslmode"] == "require"


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("mysql://root@localhost/patron", "unsupported scheme"),
        ("postgres://localhost", "no database name"),
        ("sqlite://", "no database file"),
        ("sqlite://host/file.db", "sqlite:///"),
    ],
)
def test_unusable_database_urls_are_refused_with_the_reason(tmp_path, url, reason):
    with pytest.raises(ConfigurationError, match=reason):
        database_from_url(url, tmp_path)


def test_booleans_accept_the_usual_spellings_and_refuse_others(monkeypatch):
    monkeypatch.setenv("PATRON_X", "yes")
    assert env_bool("PATRON_X") is True
    monkeypatch.setenv("PATRON_X", "0")
    assert env_bool("PATRON_X", True) is False
    monkeypatch.setenv("PATRON_X", "maybe")
    with pytest.raises(ConfigurationError, match="PATRON_X"):
        env_bool("PATRON_X")


def test_secret_key_is_generated_once_and_kept(tmp_path, monkeypatch):
    monkeypatch.delenv("PATRON_SECRET_KEY", raising=False)
    first = secret_key(tmp_path)
    assert len(first) >= 50
    assert secret_key(tmp_path) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_secret_key_from_the_environment_wins(tmp_path, monkeypatch):
    monkeypatch.setenv("PATRON_SECRET_KEY", "given")
    assert secret_key(tmp_path) == "given"
    assert not (tmp_path / "secret_key").exists()
