"""Products, orders, returns, invoices and payments over the API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from patron.core.models import AuditEntry
from patron.sales.models import Invoice, Order, OrderLine, Payment, Product, Return
from patron.testing import (
    InvoiceFactory,
    OrderFactory,
    OrderLineFactory,
    PartyFactory,
    ProductFactory,
)

pytestmark = pytest.mark.django_db


def _fields(response) -> dict[str, str]:
    return {e["field"]: e["message"] for e in response.json()["errors"]}


# --- products ------------------------------------------------------------------------


def test_manager_creates_a_product_and_sees_its_margin(client_for, manager):
    response = client_for(manager).post_json(
        "/api/v1/products",
        {
            "sku": "RAKE-1",
            "name": "Rake",
            "category": "Garden",
            "unit_price": "24.50",
            "unit_cost": "10.00",
            "currency": "GBP",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["unit_price"], body["unit_cost"], body["margin"]) == ("24.50", "10.00", "14.50")
    assert body["category"] == "Garden"


def test_agent_sees_products_without_cost_or_margin_and_may_not_add_one(client_for, agent):
    product = ProductFactory(unit_cost=Decimal("12.00"))
    client = client_for(agent)
    listed = client.get("/api/v1/products").json()["items"]
    one = client.get(f"/api/v1/products/{product.id}").json()
    assert "unit_cost" not in listed[0] and "margin" not in listed[0]
    assert "unit_cost" not in one and "margin" not in one
    created = client.post_json(
        "/api/v1/products",
        {"sku": "X", "name": "X", "unit_price": "1.00", "currency": "GBP"},
    )
    assert created.status_code == 403
    assert Product.objects.count() == 1


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"unit_price": "-1"}, "unit_price"),
        ({"unit_price": "abc"}, "unit_price"),
        ({"unit_price": "1.234"}, "unit_price"),
        ({"currency": "XXX"}, "currency"),
        ({"currency": "POUNDS"}, "currency"),
        ({"sku": "s" * 65}, "sku"),
        ({"margin": "5"}, "margin"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_product_is_rejected_and_writes_nothing(client_for, manager, payload, field):
    body = {"sku": "RAKE-1", "name": "Rake", "unit_price": "24.50", "currency": "GBP", **payload}
    response = client_for(manager).post_json("/api/v1/products", body)
    assert response.status_code == 400, response.content
    assert field in _fields(response)
    assert not Product.objects.exists()


def test_duplicate_sku_is_a_field_error(client_for, manager):
    ProductFactory(sku="RAKE-1")
    response = client_for(manager).post_json(
        "/api/v1/products", {"sku": "RAKE-1", "name": "Rake", "unit_price": "1", "currency": "GBP"}
    )
    assert response.status_code == 400
    assert "already used" in _fields(response)["sku"]


def test_product_patch_and_filters(client_for, manager):
    product = ProductFactory(sku="A-1", unit_price=Decimal("5.00"))
    ProductFactory(sku="B-1", is_active=False)
    client = client_for(manager)
    patched = client.patch_json(
        f"/api/v1/products/{product.id}", {"unit_price": "6.00", "category": "Tools"}
    )
    assert patched.status_code == 200, patched.content
    assert (patched.json()["unit_price"], patched.json()["category"]) == ("6.00", "Tools")
    active = client.get("/api/v1/products", {"active": "true"}).json()["items"]
    tools = client.get("/api/v1/products", {"category": "Tools"}).json()["items"]
    assert [p["sku"] for p in active] == ["A-1"] and [p["sku"] for p in tools] == ["A-1"]
    null_price = client.patch_json(f"/api/v1/products/{product.id}", {"unit_price": None})
    assert null_price.status_code == 400


# --- orders --------------------------------------------------------------------------


def test_agent_records_an_order_whose_total_is_computed(client_for, agent):
    party = PartyFactory()
    rake = ProductFactory(unit_price=Decimal("24.50"))
    hoe = ProductFactory(unit_price=Decimal("10.00"))
    response = client_for(agent).post_json(
        "/api/v1/orders",
        {
            "party_id": party.id,
            "channel": "store",
            "lines": [
                {"product_id": rake.id, "quantity": 2},
                {"product_id": hoe.id, "quantity": 1, "unit_price": "8.00"},
            ],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["total"] == "57.00" and body["currency"] == "GBP"
    assert [(line["line_no"], line["line_total"]) for line in body["lines"]] == [
        (1, "49.00"),
        (2, "8.00"),
    ]
    assert AuditEntry.objects.filter(object_type="sales.order").count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"lines": []}, "lines"),
        ({"lines": [{"product_id": 999999, "quantity": 1}]}, "lines.0.product_id"),
        ({"lines": [{"product_id": "PRODUCT", "quantity": 1}]}, "lines.0.product_id"),
        ({"lines": [{"product_id": 0, "quantity": 0}]}, "lines.0.quantity"),
        ({"lines": [{"product_id": 0, "quantity": -3}]}, "lines.0.quantity"),
        ({"lines": [{"product_id": 0, "quantity": 1, "total": "5"}]}, "lines.0.total"),
        ({"total": "1.00"}, "total"),
        ({"channel": "telepathy"}, "channel"),
        ({"party_id": 999999}, "party_id"),
        ({"ordered_at": "2999-01-01T00:00:00Z"}, "ordered_at"),
        ({"ordered_at": "2020-01-01T00:00:00"}, "ordered_at"),
        ({"ordered_at": 1700000000}, "ordered_at"),
        ({"currency": "EUR"}, "lines.0.product_id"),
        ({"external_id": "e" * 65}, "external_id"),
    ],
)
def test_bad_order_is_rejected_and_writes_nothing(client_for, agent, change, field):
    party = PartyFactory()
    product = ProductFactory()
    body = {"party_id": party.id, "channel": "web", "lines": [{"product_id": 0, "quantity": 1}]}
    body.update(change)
    for line in body["lines"]:
        if line.get("product_id") == 0:
            line["product_id"] = product.id
    response = client_for(agent).post_json("/api/v1/orders", body)
    assert response.status_code == 400, response.content
    assert field in _fields(response), response.json()
    assert not Order.objects.exists() and not OrderLine.objects.exists()


def test_order_with_products_in_two_currencies_is_rejected(client_for, agent):
    party = PartyFactory()
    gbp, eur = ProductFactory(currency="GBP"), ProductFactory(currency="EUR")
    response = client_for(agent).post_json(
        "/api/v1/orders",
        {
            "party_id": party.id,
            "channel": "web",
            "lines": [{"product_id": gbp.id, "quantity": 1}, {"product_id": eur.id, "quantity": 1}],
        },
    )
    assert response.status_code == 400
    assert "EUR" in _fields(response)["lines.1.product_id"]
    assert not Order.objects.exists()


def test_read_only_user_may_not_record_an_order(client_for, reader):
    party, product = PartyFactory(), ProductFactory()
    response = client_for(reader).post_json(
        "/api/v1/orders",
        {
            "party_id": party.id,
            "channel": "web",
            "lines": [{"product_id": product.id, "quantity": 1}],
        },
    )
    assert response.status_code == 403
    assert not Order.objects.exists()


def test_orders_list_by_party_and_date_newest_first_with_cursor(client_for, agent):
    party = PartyFactory()
    now = timezone.now()
    old = OrderFactory(party=party, ordered_at=now - dt.timedelta(days=40))
    mid = OrderFactory(party=party, ordered_at=now - dt.timedelta(days=10))
    new = OrderFactory(party=party, ordered_at=now - dt.timedelta(days=1))
    OrderFactory(ordered_at=now - dt.timedelta(days=2))
    client = client_for(agent)
    first = client.get("/api/v1/orders", {"party": party.id, "limit": 2}).json()
    rest = client.get(
        "/api/v1/orders", {"party": party.id, "limit": 2, "cursor": first["next_cursor"]}
    ).json()
    assert [o["id"] for o in first["items"]] == [new.id, mid.id]
    assert [o["id"] for o in rest["items"]] == [old.id] and rest["next_cursor"] is None
    since = (now - dt.timedelta(days=20)).isoformat()
    recent = client.get("/api/v1/orders", {"party": party.id, "ordered_from": since}).json()
    assert [o["id"] for o in recent["items"]] == [new.id, mid.id]
    for bad in ["0.5", "1700000000", "2025-13-01T00:00:00Z", "2025-01-01T00:00:00"]:
        rejected = client.get("/api/v1/orders", {"ordered_from": bad})
        assert rejected.status_code == 400 and "ordered_from" in _fields(rejected), bad


def test_return_is_recorded_against_a_line_and_never_exceeds_it(client_for, agent):
    line = OrderLineFactory(quantity=2, unit_price=Decimal("20.00"))
    client = client_for(agent)
    url = f"/api/v1/orders/{line.order_id}/returns"
    first = client.post_json(url, {"line_no": line.line_no, "quantity": 1, "reason": "broken"})
    too_many = client.post_json(url, {"line_no": line.line_no, "quantity": 2})
    no_line = client.post_json(url, {"line_no": 99, "quantity": 1})
    assert first.status_code == 201, first.content
    assert first.json()["refund_amount"] == "20.00"
    assert too_many.status_code == 400 and "only 1 of 2" in _fields(too_many)["quantity"]
    assert no_line.status_code == 400 and "line_no" in _fields(no_line)
    assert Return.objects.count() == 1
    assert [r["quantity"] for r in client.get(url).json()["items"]] == [1]


# --- billing -------------------------------------------------------------------------


def test_finance_issues_an_invoice_for_an_order_and_payments_mark_it_paid(
    client_for, finance_agent
):
    order = OrderFactory(total=Decimal("40.00"))
    client = client_for(finance_agent)
    issued = client.post_json(
        "/api/v1/invoices", {"party_id": order.party_id, "order_id": order.id}
    )
    assert issued.status_code == 201, issued.content
    invoice = issued.json()
    assert invoice["total"] == "40.00" and invoice["status"] == "open"
    assert invoice["number"].startswith("INV-")
    pay = {"party_id": order.party_id, "invoice_id": invoice["id"], "currency": "GBP"}
    part = client.post_json("/api/v1/payments", {**pay, "amount": "15.00"})
    assert part.status_code == 201, part.content
    assert client.get(f"/api/v1/invoices/{invoice['id']}").json()["status"] == "open"
    rest = client.post_json("/api/v1/payments", {**pay, "amount": "25.00", "method": "transfer"})
    assert rest.status_code == 201
    detail = client.get(f"/api/v1/invoices/{invoice['id']}").json()
    assert (detail["status"], detail["paid"]) == ("paid", "40.00")
    listed = client.get("/api/v1/payments", {"invoice": invoice["id"]}).json()["items"]
    assert [p["amount"] for p in listed] == ["25.00", "15.00"]


def test_sales_agent_may_read_but_not_write_billing(client_for, agent):
    invoice = InvoiceFactory()
    client = client_for(agent)
    assert client.get(f"/api/v1/invoices/{invoice.id}").status_code == 200
    issued = client.post_json(
        "/api/v1/invoices", {"party_id": invoice.party_id, "total": "10.00", "currency": "GBP"}
    )
    paid = client.post_json(
        "/api/v1/payments", {"party_id": invoice.party_id, "amount": "10.00", "currency": "GBP"}
    )
    assert issued.status_code == 403 and paid.status_code == 403
    assert "finance" in issued.json()["detail"]
    assert Invoice.objects.count() == 1 and not Payment.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"amount": "0"}, "amount"),
        ({"amount": "-5"}, "amount"),
        ({"amount": "ten"}, "amount"),
        ({"currency": "EUR"}, "currency"),
        ({"party_id": "other"}, "invoice_id"),
        ({"invoice_id": 999999}, "invoice_id"),
        ({"method": "barter"}, "method"),
        ({"reference": "r" * 65}, "reference"),
    ],
)
def test_bad_payment_is_rejected_and_writes_nothing(client_for, finance_agent, change, field):
    invoice = InvoiceFactory(total=Decimal("10.00"))
    body = {"party_id": invoice.party_id, "invoice_id": invoice.id, "amount": "10.00"}
    body["currency"] = "GBP"
    body.update(change)
    if body["party_id"] == "other":
        body["party_id"] = PartyFactory().id
    response = client_for(finance_agent).post_json("/api/v1/payments", body)
    assert response.status_code == 400, response.content
    assert field in _fields(response)
    assert not Payment.objects.exists()
    invoice.refresh_from_db()
    assert invoice.status == "open"


def test_reminder_for_an_overdue_invoice(client_for, finance_agent):
    now = timezone.now()
    overdue = InvoiceFactory(
        issued_at=now - dt.timedelta(days=60), due_at=now - dt.timedelta(days=30)
    )
    not_due = InvoiceFactory()
    client = client_for(finance_agent)
    sent = client.post_json(f"/api/v1/invoices/{overdue.id}/reminders", {})
    early = client.post_json(f"/api/v1/invoices/{not_due.id}/reminders", {})
    assert sent.status_code == 201, sent.content
    assert (sent.json()["level"], sent.json()["amount_due"]) == (1, "40.00")
    assert early.status_code == 400 and "not due" in _fields(early)["invoice_id"]
