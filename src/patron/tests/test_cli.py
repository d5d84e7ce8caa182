"""The `patron` command as a user runs it: a fresh home, a bad setting, a pass-through."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path


def run(args: list[str], home: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("PATRON_")}
    environ.pop("DJANGO_SETTINGS_MODULE", None)
    environ.update({"PATRON_HOME": str(home), **env})
    return subprocess.run(
        [sys.executable, "-m", "patron.cli", *args],
        capture_output=True,
        text=True,
        env=environ,
        timeout=300,
    )


def test_migrate_creates_a_wal_sqlite_database_and_a_kept_secret_key(tmp_path):
    result = run(["migrate", "--quiet"], tmp_path)
    assert result.returncode == 0, result.stderr
    db = tmp_path / "patron.sqlite3"
    assert db.exists()
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    assert {"parties_party", "sales_order", "interactions_interaction"} <= tables
    assert (tmp_path / "secret_key").exists()


def test_unusable_database_url_stops_with_a_clear_message_and_exit_code_2(tmp_path):
    result = run(["migrate"], tmp_path, PATRON_DATABASE_URL="mysql://root@localhost/x")
    assert result.returncode == 2
    assert "PATRON_DATABASE_URL" in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_debug_flag_names_the_variable(tmp_path):
    result = run(["migrate"], tmp_path, PATRON_DEBUG="maybe")
    assert result.returncode == 2
    assert "PATRON_DEBUG" in result.stderr


def test_unknown_command_is_a_usage_error(tmp_path):
    result = run(["frobnicate"], tmp_path)
    assert result.returncode == 2
    assert "No such command" in result.stderr


def test_manage_passes_through_to_django(tmp_path):
    result = run(["manage", "check"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout
