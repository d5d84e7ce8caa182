"""Lists, search and the timeline cost the same number of queries however many rows exist."""

from __future__ import annotations

import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from patron.testing import (
    InteractionFactory,
    InvoiceFactory,
    OrderFactory,
    OrderLineFactory,
    PartyFactory,
    PaymentFactory,
    ProductFactory,
)

pytestmark = pytest.mark.django_db


def _queries(client, path: str, params: dict | None = None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path, params or {})
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries)


_serial = itertools.count()


def _grow_parties(n: int, agent, department) -> None:
    for _ in range(n):
        i = next(_serial)
        party = PartyFactory(family_name=f"Smith{i:03d}", email=f"s{i}@example.com")
        party.tags.create(name=f"tag{i}")
        InteractionFactory(party=party, staff=agent, department=department)


def _grow_history(party, n: int, agent, department) -> None:
    for _ in range(n):
        InteractionFactory(party=party, staff=agent, department=department)
        line = OrderLineFactory(order=OrderFactory(party=party), product=ProductFactory())
        OrderLineFactory(order=line.order, product=line.product)
        invoice = InvoiceFactory(party=party, order=line.order)
        PaymentFactory(party=party, invoice=invoice)


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/api/v1/parties", {"limit": 100}),
        ("/api/v1/parties", {"q": "smith", "limit": 100}),
        ("/api/v1/parties", {"q": "s1@example.com"}),
        ("/api/v1/parties", {"tag": "tag1", "channel": "web"}),
        ("/api/v1/interactions", {"limit": 100}),
    ],
)
def test_party_lists_and_search_stay_flat(client_for, agent, sales_department, path, params):
    client = client_for(agent)
    _grow_parties(2, agent, sales_department)
    client.get(path, params)  # the first call stamps the token's last use
    few = _queries(client, path, params)
    _grow_parties(25, agent, sales_department)
    assert _queries(client, path, params) == few


def test_timeline_stays_flat_as_history_grows(client_for, agent, sales_department):
    client = client_for(agent)
    party = PartyFactory()
    path = f"/api/v1/parties/{party.id}/timeline"
    _grow_history(party, 2, agent, sales_department)
    client.get(path)
    few = _queries(client, path, {"limit": 100})
    _grow_history(party, 15, agent, sales_department)
    many = _queries(client, path, {"limit": 100})
    page = client.get(path, {"limit": 100}).json()
    assert len(page["items"]) == 17 * 4  # an interaction, order, invoice, payment each
    assert many == few


@pytest.mark.parametrize(
    "path", ["/api/v1/orders", "/api/v1/invoices", "/api/v1/payments", "/api/v1/products"]
)
def test_sales_lists_stay_flat(client_for, manager, sales_department, path):
    client = client_for(manager)
    party = PartyFactory()
    _grow_history(party, 2, manager, sales_department)
    client.get(path)
    few = _queries(client, path, {"limit": 100})
    _grow_history(party, 15, manager, sales_department)
    assert _queries(client, path, {"limit": 100}) == few


def test_party_detail_stays_flat(client_for, agent):
    client = client_for(agent)
    party = PartyFactory()
    path = f"/api/v1/parties/{party.id}"
    client.get(path)
    few = _queries(client, path)
    for i in range(10):
        party.contact_points.create(kind="email", value=f"p{i}@example.com")
        party.tags.create(name=f"t{i}")
        party.preferences.create(kind="need", detail=f"need {i}")
    assert _queries(client, path) == few
