"""Importing files: what gets written, upserts, and all-or-nothing behaviour."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from patron.accounts.permissions import PermissionDenied
from patron.core.models import AuditEntry
from patron.exchange.models import ImportRun
from patron.exchange.services import import_file
from patron.exchange.tests.conftest import PARTY_ROWS
from patron.interactions.models import Interaction
from patron.parties.models import ContactPoint, Party, PartyRelationship
from patron.sales.models import Order, OrderLine, Product
from patron.testing import DepartmentFactory

pytestmark = pytest.mark.django_db


def _import(kind: str, path: Path, **kwargs):  # type: ignore[no-untyped-def]
    return import_file(actor=None, kind=kind, path=path, **kwargs)


def _products(write_csv):  # type: ignore[no-untyped-def]
    rows = [
        {
            "sku": "A1",
            "name": "Spade",
            "category": "Garden",
            "unit_price": "12.5",
            "unit_cost": "7",
            "currency": "GBP",
        },
        {"sku": "B2", "name": "Rake", "category": "Garden", "unit_price": "3.99"},
    ]
    return _import("products", write_csv("products.csv", rows, kind="products"))


def test_parties_import_creates_parties_contact_points_tags_and_employer(write_csv):
    # given a parties file with an organisation and its employee
    path = write_csv("parties.csv", PARTY_ROWS, kind="parties")
    # when it is imported
    result = _import("parties", path)
    # then every row is created with its contact points, mirrors, tags and employer
    assert result.committed and result.counts()["created"] == 3
    ann = Party.objects.get(external_id="P1")
    assert ann.email == "ann@example.com" and ann.phone == "+442079460001"
    assert ann.display_name == "Ann Smith" and ann.sort_name == "smith ann"
    assert ann.acquired_at == dt.datetime(2024, 2, 3, 9, 30, tzinfo=dt.UTC)
    assert sorted(ann.tags.values_list("name", flat=True)) == ["newsletter", "vip"]
    acme = Party.objects.get(external_id="O1")
    assert (acme.city, acme.postcode, acme.country) == ("London", "SW1A 1AA", "GB")
    assert ContactPoint.objects.get(party=acme, kind="postal").street == "1 High Street"
    assert PartyRelationship.objects.filter(person=ann, organisation=acme, role="employee").exists()
    zoe = Party.objects.get(external_id="P2")
    assert (zoe.sort_name, zoe.search_name) == ("arger zoe", "zoe arger")


def test_reimporting_the_same_file_changes_nothing(write_csv):
    # given an imported parties file
    path = write_csv("parties.csv", PARTY_ROWS, kind="parties")
    _import("parties", path)
    before = list(Party.objects.order_by("id").values())
    # when the same file is imported again
    result = _import("parties", path)
    # then every row is unchanged and nothing in the database moved
    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)
    assert list(Party.objects.order_by("id").values()) == before
    assert ContactPoint.objects.count() == 5


def test_changed_rows_update_and_keep_the_old_email_as_history(write_csv):
    # given an imported party
    _import("parties", write_csv("p.csv", PARTY_ROWS, kind="parties"))
    changed = [dict(PARTY_ROWS[1], email="ann.new@example.com", tags="vip")]
    # when a file changes her email and tags
    result = _import("parties", write_csv("p2.csv", changed, kind="parties"))
    # then she is updated, the new email is primary and the old one is kept
    assert (result.created, result.updated, result.unchanged) == (0, 1, 0)
    ann = Party.objects.get(external_id="P1")
    assert ann.email == "ann.new@example.com"
    emails = dict(
        ContactPoint.objects.filter(party=ann, kind="email").values_list("value", "is_primary")
    )
    assert emails == {"ann@example.com": False, "ann.new@example.com": True}
    assert list(ann.tags.values_list("name", flat=True)) == ["vip"]


def test_one_audit_entry_and_one_run_record_per_import(write_csv):
    _import("parties", write_csv("p.csv", PARTY_ROWS, kind="parties"))
    entries = AuditEntry.objects.filter(action="import")
    assert entries.count() == 1
    assert entries.get().after["created"] == 3
    assert AuditEntry.objects.exclude(action="import").count() == 0
    assert ImportRun.objects.get().created == 3


def test_invalid_row_means_nothing_is_written_and_a_rejects_file(write_csv, tmp_path):
    # given a file where one of three rows has a bad date
    rows = [*PARTY_ROWS[:2], dict(PARTY_ROWS[2], date_of_birth="31/12/1990")]
    rejects = tmp_path / "rejects.csv"
    # when it is imported without --skip-invalid
    result = _import("parties", write_csv("p.csv", rows, kind="parties"), rejects_path=rejects)
    # then nothing is written and the bad row is reported with line, column and reason
    assert not result.committed and Party.objects.count() == 0
    assert [(e.line, e.column) for e in result.errors] == [(4, "date_of_birth")]
    assert "is not a date" in result.errors[0].reason
    text = rejects.read_text(encoding="utf-8")
    assert text.splitlines()[0].endswith(",line,column,reason")
    assert "P2" in text and "31/12/1990" in text and AuditEntry.objects.count() == 0


def test_skip_invalid_writes_the_valid_rows(write_csv, tmp_path):
    rows = [*PARTY_ROWS[:2], dict(PARTY_ROWS[2], email="not-an-email")]
    result = _import(
        "parties",
        write_csv("p.csv", rows, kind="parties"),
        skip_invalid=True,
        rejects_path=tmp_path / "r.csv",
    )
    assert result.committed and result.created == 2 and result.rejected == 1
    assert set(Party.objects.values_list("external_id", flat=True)) == {"O1", "P1"}
    assert "not-an-email" in (tmp_path / "r.csv").read_text(encoding="utf-8")


def test_dry_run_counts_but_writes_nothing(write_csv):
    result = _import("parties", write_csv("p.csv", PARTY_ROWS, kind="parties"), dry_run=True)
    assert result.created == 3 and not result.committed
    assert Party.objects.count() == 0 and ImportRun.objects.count() == 0


def test_employer_must_be_an_organisation_known_or_earlier_in_the_file(write_csv):
    rows = [
        {
            "external_id": "P1",
            "kind": "person",
            "family_name": "Early",
            "employer_external_id": "O1",
        },
        {"external_id": "O1", "kind": "organisation", "organisation_name": "Later Ltd"},
        {"external_id": "P3", "kind": "person", "family_name": "X", "employer_external_id": "P9"},
    ]
    result = _import("parties", write_csv("p.csv", rows, kind="parties"))
    assert {(e.line, e.column) for e in result.errors} == {
        (2, "employer_external_id"),
        (4, "employer_external_id"),
    }
    assert Party.objects.count() == 0


def test_duplicate_external_ids_are_errors_across_batches(write_csv):
    rows = [PARTY_ROWS[2], PARTY_ROWS[1] | {"employer_external_id": ""}, PARTY_ROWS[2]]
    result = _import("parties", write_csv("p.csv", rows, kind="parties"), batch_rows=1)
    assert [(e.line, e.column) for e in result.errors] == [(4, "external_id")]
    assert "also appears on line 2" in result.errors[0].reason
    assert Party.objects.count() == 0


def test_an_interrupted_import_leaves_nothing_behind(write_csv):
    # given a file read one row per batch, and an interrupt after the first batch is written
    path = write_csv("p.csv", PARTY_ROWS, kind="parties")

    def interrupt(rows: int) -> None:
        raise KeyboardInterrupt

    # when the import is interrupted
    with pytest.raises(KeyboardInterrupt):
        _import("parties", path, batch_rows=1, progress=interrupt)
    # then the first batch was rolled back with the rest
    assert Party.objects.count() == 0 and ContactPoint.objects.count() == 0


def test_importing_needs_a_manager(write_csv, agent, manager):
    path = write_csv("p.csv", PARTY_ROWS, kind="parties")
    with pytest.raises(PermissionDenied):
        import_file(actor=agent, kind="parties", path=path)
    assert import_file(actor=manager, kind="parties", path=path).committed
    assert AuditEntry.objects.get(action="import").actor == manager


def test_products_upsert_on_sku(write_csv):
    result = _products(write_csv)
    assert result.created == 2
    spade = Product.objects.get(sku="A1")
    assert (spade.unit_price, spade.unit_cost, spade.category.name) == (
        Decimal("12.50"),
        Decimal("7.00"),
        "Garden",
    )
    assert Product.objects.get(sku="B2").currency == "GBP"
    again = _products(write_csv)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


def _orders_setup(write_csv):  # type: ignore[no-untyped-def]
    _import("parties", write_csv("p.csv", PARTY_ROWS, kind="parties"))
    _products(write_csv)


ORDER_ROWS = [
    ["X1", "P1", "2024-03-01T10:00:00Z", "web", "A1", "2", "12.50"],
    ["X2", "O1", "2024-03-02T10:00:00Z", "phone", "B2", "10", "3.99"],
    ["X1", "P1", "2024-03-01T10:00:00Z", "web", "B2", "1", "3.00"],
]


@pytest.mark.parametrize("batch_rows", [1, 50_000])
def test_orders_get_totals_line_numbers_and_line_party(write_csv, batch_rows):
    # given known parties and products
    _orders_setup(write_csv)
    # when orders are imported (one row per line; an order's lines may span batches)
    path = write_csv("o.csv", ORDER_ROWS, kind="orders")
    result = _import("orders", path, batch_rows=batch_rows)
    # then each order has its lines numbered in file order, its total and the line's party
    assert result.created == 3
    x1 = Order.objects.get(external_id="X1")
    assert x1.total == Decimal("28.00") and x1.channel == "web"
    assert list(x1.lines.order_by("line_no").values_list("line_no", "product__sku")) == [
        (1, "A1"),
        (2, "B2"),
    ]
    assert set(OrderLine.objects.filter(order=x1).values_list("party__external_id", flat=True)) == {
        "P1"
    }
    assert Order.objects.get(external_id="X2").total == Decimal("39.90")
    again = _import("orders", path, batch_rows=batch_rows)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)


def test_order_lines_no_longer_in_the_file_are_removed(write_csv):
    _orders_setup(write_csv)
    _import("orders", write_csv("o.csv", ORDER_ROWS, kind="orders"))
    result = _import("orders", write_csv("o2.csv", ORDER_ROWS[:2], kind="orders"))
    assert result.removed == 1
    assert Order.objects.get(external_id="X1").total == Decimal("25.00")


def test_an_order_id_with_another_party_is_an_error(write_csv):
    _orders_setup(write_csv)
    rows = [*ORDER_ROWS, ["X1", "O1", "2024-03-01T10:00:00Z", "web", "A1", "1", "1"]]
    result = _import("orders", write_csv("o.csv", rows, kind="orders"), batch_rows=2)
    assert [(e.line, e.column) for e in result.errors] == [(5, "party_external_id")]
    assert "another party" in result.errors[0].reason
    assert Order.objects.count() == 0


def test_interactions_import_with_department_codes(write_csv):
    _import("parties", write_csv("p.csv", PARTY_ROWS, kind="parties"))
    sales = DepartmentFactory(code="sales", name="Sales")
    rows = [
        ["I1", "P1", "2024-04-01T09:00:00Z", "call", "inbound", "phone", "SALES", "Delivery", "n"],
        ["I2", "O1", "2024-04-02", "invoice", "", "", "", "Invoice 1", ""],
    ]
    result = _import("interactions", write_csv("i.csv", rows, kind="interactions"))
    assert result.created == 2
    call = Interaction.objects.get(external_id="I1")
    assert call.department == sales and call.party.external_id == "P1"
    assert call.visibility == "shared"
    again = _import("interactions", write_csv("i.csv", rows, kind="interactions"))
    assert again.unchanged == 2


def test_orders_naming_a_merged_customer_land_on_the_survivor(write_csv, manager):
    # given P2 was merged into P1
    from patron.parties.models import Party
    from patron.parties.services import party_merge

    _orders_setup(write_csv)
    survivor, merged = Party.objects.get(external_id="P1"), Party.objects.get(external_id="P2")
    party_merge(survivor=survivor, merged=merged, actor=manager)
    # when an order file still names P2
    rows = [["X9", "P2", "2024-05-01T10:00:00Z", "store", "A1", "1", "12.50"]]
    result = _import("orders", write_csv("o.csv", rows, kind="orders"))
    # then the order belongs to the survivor, not to the invisible tombstone
    assert result.created == 1
    order = Order.objects.get(external_id="X9")
    assert order.party_id == survivor.id
    assert set(order.lines.values_list("party_id", flat=True)) == {survivor.id}
