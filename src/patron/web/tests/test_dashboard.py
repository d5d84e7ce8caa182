"""The dashboard: recent activity and this month's figures from bounded queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from patron.accounts.models import Department, User
from patron.testing import InteractionFactory, OrderFactory, PartyFactory
from patron.web import views

pytestmark = pytest.mark.django_db


def test_dashboard_shows_recent_interactions_newest_customers_and_revenue(
    client: Client, agent: User, sales_department: Department
) -> None:
    party = PartyFactory(given_name="Ada", family_name="Lovelace")
    InteractionFactory(party=party, subject="Renewal chat", department=sales_department)
    OrderFactory(party=party, total=Decimal("1234.00"), ordered_at=timezone.now())
    client.force_login(agent)

    body = client.get("/").content.decode()

    assert "Renewal chat" in body
    assert "Ada Lovelace" in body
    assert "1,234" in body


def test_cancelled_orders_do_not_count_as_revenue(client: Client, agent: User) -> None:
    OrderFactory(total=Decimal("999.00"), ordered_at=timezone.now(), status="cancelled")
    client.force_login(agent)
    assert "999" not in client.get("/").content.decode()


def test_the_order_count_is_capped_rather_than_scanning_everything(
    client: Client, agent: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "COUNT_CAP", 3)
    OrderFactory.create_batch(4, ordered_at=timezone.now() - dt.timedelta(days=1))
    client.force_login(agent)
    assert ">3+<" in client.get("/").content.decode().replace(" ", "")


def test_dashboard_query_count_stays_flat_and_never_counts_a_whole_table(
    client: Client, agent: User, sales_department: Department
) -> None:
    client.force_login(agent)

    def queries() -> list[str]:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/").status_code == 200
        return [q["sql"] for q in ctx.captured_queries]

    small = queries()
    cache.clear()
    for _ in range(12):
        party = PartyFactory()
        InteractionFactory(party=party, department=sales_department)
        OrderFactory(party=party)
    large = queries()
    assert len(large) == len(small)
    counts = [sql for sql in large if "COUNT(" in sql.upper()]
    assert counts and all("LIMIT" in sql.upper() for sql in counts)


def test_revenue_sums_are_reused_for_a_few_minutes(client: Client, agent: User) -> None:
    client.force_login(agent)
    with CaptureQueriesContext(connection) as first:
        client.get("/")
    with CaptureQueriesContext(connection) as second:
        client.get("/")
    sums = [q for q in first.captured_queries if "SUM(" in q["sql"].upper()]
    assert len(sums) == 3
    assert not any("SUM(" in q["sql"].upper() for q in second.captured_queries)
