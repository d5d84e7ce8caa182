"""Exports: canonical columns, formula neutralising, permissions, and round trips."""

from __future__ import annotations

import csv
import io

import pytest
from typer.testing import CliRunner

from patron.cli import app
from patron.exchange.services import export_file, import_file
from patron.exchange.tests.conftest import PARTY_ROWS
from patron.interactions.models import Interaction
from patron.parties.models import ContactPoint, Party, PartyRelationship
from patron.sales.models import Order, OrderLine, Product
from patron.testing import DepartmentFactory, InteractionFactory, PartyFactory, ProductFactory

pytestmark = pytest.mark.django_db


def _export(kind: str, actor=None) -> list[list[str]]:  # type: ignore[no-untyped-def]
    buffer = io.StringIO()
    export_file(actor=actor, kind=kind, target=buffer)
    return list(csv.reader(io.StringIO(buffer.getvalue())))


def _snapshot() -> dict[str, list[tuple[object, ...]]]:
    return {
        "parties": list(Party.objects.order_by("id").values_list()),
        "contacts": list(ContactPoint.objects.order_by("id").values_list()),
        "relationships": list(PartyRelationship.objects.order_by("id").values_list()),
        "products": list(Product.objects.order_by("id").values_list()),
        "orders": list(Order.objects.order_by("id").values_list()),
        "lines": list(OrderLine.objects.order_by("id").values_list()),
        "interactions": list(Interaction.objects.order_by("id").values_list()),
    }


def test_formula_like_cells_are_neutralised_and_round_trip(write_csv, tmp_path):
    # given a product whose name a spreadsheet would run as a formula
    ProductFactory(sku="F1", name='=HYPERLINK("http://evil")', unit_price="1.00")
    ProductFactory(sku="@2", name="+tab", unit_price="2.00")
    # when it is exported
    rows = _export("products")
    # then the cell starts with a quote, and importing the export changes nothing
    assert rows[1][1] == '\'=HYPERLINK("http://evil")' and rows[2][0] == "'@2"
    out = tmp_path / "products.csv"
    export_file(actor=None, kind="products", target=out)
    result = import_file(actor=None, kind="products", path=out)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)
    assert Product.objects.get(sku="F1").name == '=HYPERLINK("http://evil")'


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_import_round_trips_every_kind(write_csv, tmp_path, fmt):
    # given data imported from files
    DepartmentFactory(code="service", name="Service")
    import_file(actor=None, kind="parties", path=write_csv("p.csv", PARTY_ROWS, kind="parties"))
    products = [
        {"sku": "A1", "name": "Spade", "category": "Garden", "unit_price": "12.5", "unit_cost": "7"}
    ]
    import_file(actor=None, kind="products", path=write_csv("pr.csv", products, kind="products"))
    orders = [
        ["X1", "P1", "2024-03-01T10:00:00Z", "web", "A1", "2", "12.50"],
        ["X1", "P1", "2024-03-01T10:00:00Z", "web", "A1", "1", "9.99"],
    ]
    import_file(actor=None, kind="orders", path=write_csv("o.csv", orders, kind="orders"))
    interactions = [
        ["I1", "P1", "2024-04-01T09:00:00Z", "call", "inbound", "phone", "service", "Hi", "=1+1"]
    ]
    import_file(
        actor=None, kind="interactions", path=write_csv("i.csv", interactions, kind="interactions")
    )
    before = _snapshot()
    # when each kind is exported and the export imported again
    for kind in ("parties", "products", "orders", "interactions"):
        target = tmp_path / f"{kind}.{fmt}"
        export_file(actor=None, kind=kind, target=target, fmt=fmt)
        result = import_file(actor=None, kind=kind, path=target)
        # then nothing changes
        assert (result.created, result.updated, result.rejected) == (0, 0, 0), kind
    assert _snapshot() == before


def test_private_interactions_stay_out_of_system_exports_but_members_see_them(
    agent, sales_department
):
    party = PartyFactory(external_id="P1")
    InteractionFactory(party=party, external_id="SHARED")
    InteractionFactory(
        party=party, external_id="PRIVATE", department=sales_department, visibility="department"
    )
    assert [r[0] for r in _export("interactions")[1:]] == ["SHARED"]
    assert sorted(r[0] for r in _export("interactions", actor=agent)[1:]) == ["PRIVATE", "SHARED"]


def test_unit_costs_are_exported_only_to_who_may_see_them(agent, manager):
    ProductFactory(sku="A1", unit_cost="3.00")
    assert _export("products", actor=agent)[1][4] == ""
    assert _export("products", actor=manager)[1][4] == "3.00"


def test_cli_export_to_stdout_and_file(tmp_path):
    PartyFactory(external_id="P7", given_name="Kim", family_name="Lee")
    result = CliRunner().invoke(app, ["export", "parties", "-"])
    assert result.exit_code == 0 and "P7,person,Kim,Lee" in result.output
    target = tmp_path / "out.xlsx"
    assert CliRunner().invoke(app, ["export", "parties", str(target)]).exit_code == 0
    assert target.stat().st_size > 0
    assert CliRunner().invoke(app, ["export", "nothing", "-"]).exit_code == 2
