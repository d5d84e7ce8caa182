"""Every kind of bad input gets a clear message and writes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from patron.cli import app
from patron.exchange.formats import ImportFileError
from patron.exchange.services import import_file
from patron.exchange.tests.conftest import PARTY_ROWS
from patron.parties.models import Party
from patron.sales.models import Order
from patron.testing import PartyFactory, ProductFactory

pytestmark = pytest.mark.django_db
runner = CliRunner()


def _file_error(kind: str, path: Path, **kwargs: object) -> str:
    with pytest.raises(ImportFileError) as caught:
        import_file(actor=None, kind=kind, path=path, **kwargs)  # type: ignore[arg-type]
    assert Party.objects.count() == 0
    return str(caught.value)


def test_a_windows_1252_file_is_refused_naming_the_encoding(tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes("external_id,kind,family_name\nP1,person,Müller\n".encode("cp1252"))
    message = _file_error("parties", path)
    assert "not UTF-8" in message and "line 2" in message and "Re-save" in message


def test_missing_and_unknown_columns_are_named(write_csv):
    path = write_csv("p.csv", [["P1", "Smith", "x"]], header=["external_id", "family_name", "shoe"])
    message = _file_error("parties", path)
    assert "unknown columns 'shoe'" in message and "missing required columns: kind" in message


def test_a_ten_thousand_column_header_is_refused(write_csv):
    header = ["external_id", "kind", *(f"c{i}" for i in range(9998))]
    message = _file_error("parties", write_csv("wide.csv", [["P1", "person"]], header=header))
    assert "10,000 columns" in message


def test_an_empty_file_and_a_header_only_file_are_refused(tmp_path, write_csv):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert "empty" in _file_error("parties", empty)
    header_only = write_csv("h.csv", [], header=["external_id", "kind", "family_name"])
    assert "no rows" in _file_error("parties", header_only)


def test_a_missing_file_is_refused(tmp_path):
    assert "does not exist" in _file_error("parties", tmp_path / "nope.csv")


def test_an_unknown_kind_is_refused(write_csv):
    path = write_csv("p.csv", PARTY_ROWS, kind="parties")
    assert "Unknown kind 'customers'" in _file_error("customers", path)


def test_a_row_with_too_many_cells_names_its_line(tmp_path):
    path = tmp_path / "ragged.csv"
    path.write_text("external_id,kind,family_name\nP1,person,Smith\nP2,person,Jones,extra\n")
    assert "Line 3 has 4 cells" in _file_error("parties", path)


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        ("date_of_birth", "1990-02-30", "is not a date"),
        ("date_of_birth", "2999-01-01", "is in the future"),
        ("acquired_at", "yesterday", "is not a date and time"),
        ("kind", "robot", "is not one of"),
        ("email", "ann@", "is not a valid email address"),
        ("phone", "12", "is not a valid phone number"),
        ("country", "United Kingdom", "two-letter"),
        ("acquisition_channel", "pigeon", "is not one of"),
        ("tags", "x" * 51, "longer than 50"),
    ],
)
def test_bad_party_values_are_reported_by_line_and_column(write_csv, column, value, reason):
    rows = [dict(PARTY_ROWS[2], **{column: value, "city": "Leeds"})]
    result = import_file(actor=None, kind="parties", path=write_csv("p.csv", rows, kind="parties"))
    assert [(e.line, e.column) for e in result.errors] == [(2, column)]
    assert reason in result.errors[0].reason
    assert Party.objects.count() == 0


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        ("quantity", "-2", "must be a whole number above 0"),
        ("quantity", "0", "must be a whole number above 0"),
        ("quantity", "two", "is not a whole number"),
        ("quantity", "1.5", "must be a whole number above 0"),
        ("unit_price", "-1", "is negative"),
        ("unit_price", "1,50", "is not a number"),
        ("unit_price", "1.505", "more than 2 decimal places"),
        ("ordered_at", "2024-13-01", "is not a date and time"),
        ("channel", "carrier pigeon", "is not one of"),
        ("sku", "NOPE", "is not a product in Patron"),
        ("party_external_id", "NOBODY", "is not a party in Patron"),
    ],
)
def test_bad_order_values_are_reported_and_nothing_is_written(write_csv, column, value, reason):
    PartyFactory(external_id="P1")
    ProductFactory(sku="A1")
    row = {
        "order_external_id": "X1",
        "party_external_id": "P1",
        "ordered_at": "2024-03-01T10:00:00Z",
        "channel": "web",
        "sku": "A1",
        "quantity": "2",
        "unit_price": "1.00",
    }
    good = dict(row, order_external_id="X0")
    path = write_csv("o.csv", [good, dict(row, **{column: value})], kind="orders")
    result = import_file(actor=None, kind="orders", path=path)
    assert [(e.line, e.column) for e in result.errors] == [(3, column)]
    assert reason in result.errors[0].reason
    assert Order.objects.count() == 0


def test_a_json_mapping_renames_headers_and_ignores_columns(write_csv, tmp_path):
    mapping = tmp_path / "map.json"
    mapping.write_text(
        json.dumps(
            {"Customer no": "external_id", "Type": "kind", "Surname": "family_name", "Notes": None}
        )
    )
    path = write_csv(
        "p.csv",
        [["C1", "person", "Okafor", "likes tea"]],
        header=["Customer no", "Type", "Surname", "Notes"],
    )
    result = runner.invoke(app, ["import", "parties", str(path), "--mapping", str(mapping)])
    assert result.exit_code == 0, result.output
    assert Party.objects.get(external_id="C1").family_name == "Okafor"


def test_a_csv_mapping_file_works_too(write_csv, tmp_path):
    mapping = tmp_path / "map.csv"
    mapping.write_text("header,column\nCustomer no,external_id\nType,kind\nSurname,family_name\n")
    path = write_csv(
        "p.csv", [["C1", "person", "Okafor"]], header=["Customer no", "Type", "Surname"]
    )
    result = runner.invoke(app, ["import", "parties", str(path), "--mapping", str(mapping)])
    assert result.exit_code == 0, result.output


def test_cli_exit_codes_two_for_usage_one_for_invalid_data(write_csv, tmp_path):
    good = write_csv("p.csv", PARTY_ROWS, kind="parties")
    assert runner.invoke(app, ["import", "customers", str(good)]).exit_code == 2
    assert runner.invoke(app, ["import", "parties", str(tmp_path / "none.csv")]).exit_code == 2
    bad = write_csv("bad.csv", [dict(PARTY_ROWS[2], date_of_birth="soon")], kind="parties")
    result = runner.invoke(app, ["import", "parties", str(bad)])
    assert result.exit_code == 1
    assert "line 2, date_of_birth" in result.output and "Nothing was imported" in result.output
    assert (tmp_path / "bad.csv.rejects.csv").exists()
    assert Party.objects.count() == 0
    dry = runner.invoke(app, ["import", "parties", str(good), "--dry-run"])
    assert dry.exit_code == 0 and "Dry run" in dry.output and Party.objects.count() == 0
    done = runner.invoke(app, ["import", "parties", str(good)])
    assert done.exit_code == 0 and "3 created" in done.output
