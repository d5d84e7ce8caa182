"""``patron demo`` and ``patron generate`` as a user runs them: real processes, real files."""

from __future__ import annotations

import csv
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from typer.testing import CliRunner

from patron.cli import app
from patron.demo.files import (
    INTERACTION_COLUMNS,
    ORDER_COLUMNS,
    PARTY_COLUMNS,
    PRODUCT_COLUMNS,
)

AS_OF = "2026-11-23"
runner = CliRunner()


def _patron(home: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PATRON_HOME": str(home), "PATRON_DATABASE_URL": "sqlite:///demo.db"}
    return subprocess.run(
        [sys.executable, "-m", "patron.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def _count(home: Path, table: str) -> int:
    with sqlite3.connect(home / "demo.db") as db:
        return int(db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])


def test_demo_twice_loads_once_and_prints_a_working_login(tmp_path: Path) -> None:
    first = _patron(tmp_path, "demo", "--no-serve", "--customers", "200", "--as-of", AS_OF)
    assert first.returncode == 0, first.stderr
    assert "http://127.0.0.1:8000/" in first.stdout
    assert "Log in as admin / " in first.stdout
    parties, orders = _count(tmp_path, "parties_party"), _count(tmp_path, "sales_order")
    audits = _count(tmp_path, "core_auditentry")
    assert parties > 200
    assert orders > 200

    second = _patron(
        tmp_path, "demo", "--no-serve", "--customers", "200", "--password", "a long secret"
    )
    assert second.returncode == 0, second.stderr
    assert "already loaded" in second.stdout
    assert "Log in as admin / a long secret" in second.stdout
    assert (_count(tmp_path, "parties_party"), _count(tmp_path, "sales_order")) == (
        parties,
        orders,
    )
    assert _count(tmp_path, "core_auditentry") == audits


def test_demo_reset_rebuilds_with_another_size(tmp_path: Path) -> None:
    assert _patron(tmp_path, "demo", "--no-serve", "--customers", "30").returncode == 0
    again = _patron(tmp_path, "demo", "--no-serve", "--customers", "60", "--reset")
    assert again.returncode == 0, again.stderr
    assert "Creating the demo business: 60 customers" in again.stdout
    with sqlite3.connect(tmp_path / "demo.db") as db:
        accounts = db.execute(
            "SELECT COUNT(*) FROM parties_party WHERE external_id NOT LIKE '%-%'"
        ).fetchone()[0]
    assert accounts == 60


@pytest.mark.parametrize("customers", ["0", "-3", "1000001"])
def test_demo_refuses_a_customer_count_out_of_range(tmp_path: Path, customers: str) -> None:
    result = _patron(tmp_path, "demo", "--no-serve", "--customers", customers)
    assert result.returncode == 2
    assert "--customers must be between 1 and 1,000,000" in result.stderr
    assert not (tmp_path / "demo.db").exists()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_demo_serves_the_login_page(tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "PATRON_HOME": str(tmp_path), "PATRON_DATABASE_URL": "sqlite:///demo.db"}
    server = subprocess.Popen(
        [sys.executable, "-m", "patron.cli", "demo", "--customers", "50", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        status = None
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
                    status = response.status
                    body = response.read().decode()
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.3)
        assert status == 200, server.stdout.read() if server.poll() is not None else "no answer"
        assert "password" in body.lower()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def _generate(out: Path, *args: str) -> object:
    return runner.invoke(
        app, ["generate", "--customers", "120", "--out", str(out), "--as-of", AS_OF, *args]
    )


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_generate_writes_the_canonical_files(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    result = _generate(out)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [
        "interactions.csv",
        "orders.csv",
        "parties.csv",
        "products.csv",
    ]
    for name, columns in (
        ("parties.csv", PARTY_COLUMNS),
        ("products.csv", PRODUCT_COLUMNS),
        ("orders.csv", ORDER_COLUMNS),
        ("interactions.csv", INTERACTION_COLUMNS),
    ):
        with (out / name).open(encoding="utf-8") as fh:
            assert fh.readline().rstrip("\r\n").split(",") == list(columns), name
    parties = _rows(out / "parties.csv")
    seen: set[str] = set()
    for row in parties:
        if row["employer_external_id"]:
            assert row["employer_external_id"] in seen
        seen.add(row["external_id"])
    assert any(";" in row["tags"] for row in parties)
    skus = {row["sku"] for row in _rows(out / "products.csv")}
    orders = _rows(out / "orders.csv")
    assert {row["sku"] for row in orders} <= skus
    assert {row["party_external_id"] for row in orders} <= seen
    assert orders[0]["ordered_at"].endswith("Z")
    interactions = _rows(out / "interactions.csv")
    assert {row["party_external_id"] for row in interactions} <= seen


def test_generate_gives_the_same_files_for_the_same_seed(tmp_path: Path) -> None:
    assert _generate(tmp_path / "a", "--seed", "9").exit_code == 0
    assert _generate(tmp_path / "b", "--seed", "9").exit_code == 0
    assert _generate(tmp_path / "c", "--seed", "10").exit_code == 0
    for name in ("parties.csv", "orders.csv", "interactions.csv", "products.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert (tmp_path / "a" / "orders.csv").read_bytes() != (
        tmp_path / "c" / "orders.csv"
    ).read_bytes()


def test_generate_refuses_a_folder_that_is_not_empty_unless_forced(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("keep me")
    refused = _generate(tmp_path)
    assert refused.exit_code == 2
    assert "is not empty" in refused.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]
    forced = _generate(tmp_path, "--force")
    assert forced.exit_code == 0, forced.output
    assert (tmp_path / "parties.csv").exists()
    assert (tmp_path / "notes.txt").read_text() == "keep me"


def test_generate_refuses_an_output_it_cannot_write(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    under_a_file = _generate(blocker / "out")
    assert under_a_file.exit_code == 2
    assert "not writable" in under_a_file.output
    onto_a_file = _generate(blocker)
    assert onto_a_file.exit_code == 2
    assert "is not a folder" in onto_a_file.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]


@pytest.mark.parametrize("customers", ["0", "-1", "1000001"])
def test_generate_refuses_a_customer_count_out_of_range(tmp_path: Path, customers: str) -> None:
    out = tmp_path / "x"
    result = runner.invoke(app, ["generate", "--customers", customers, "--out", str(out)])
    assert result.exit_code == 2
    assert "between 1 and 1,000,000" in result.output
    assert not out.exists()


@pytest.mark.django_db(transaction=True)
def test_generated_files_import_cleanly_with_patron_import(tmp_path: Path) -> None:
    from patron.accounts.models import Role
    from patron.demo import vocabulary
    from patron.interactions.models import Interaction
    from patron.parties.models import Party
    from patron.sales.models import OrderLine
    from patron.testing import DepartmentFactory, staff

    departments = [DepartmentFactory(code=code, name=name) for code, name in vocabulary.DEPARTMENTS]
    staff(Role.MANAGER, departments[0], username="importer")
    assert _generate(tmp_path / "csv").exit_code == 0
    rows = {}
    for kind in ("products", "parties", "orders", "interactions"):
        path = tmp_path / "csv" / f"{kind}.csv"
        result = runner.invoke(app, ["import", kind, str(path), "--as", "importer"])
        assert result.exit_code == 0, result.output
        rows[kind] = len(_rows(path))
    assert Party.objects.count() == rows["parties"]
    assert OrderLine.objects.count() == rows["orders"]
    assert Interaction.objects.count() == rows["interactions"]


def test_a_bad_history_date_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    result = _generate(tmp_path / "out", "--as-of", "2026-13-01")
    assert result.exit_code == 2
    assert "--as-of must be a date like 2026-01-31" in result.output
    assert not (tmp_path / "out").exists()


def test_a_short_demo_password_is_refused(tmp_path: Path) -> None:
    result = _patron(tmp_path, "demo", "--no-serve", "--password", "short")
    assert result.returncode == 2
    assert "--password must be at least 8 characters" in result.stderr
    assert not (tmp_path / "demo.db").exists()
