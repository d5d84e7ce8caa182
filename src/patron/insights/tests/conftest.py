"""A small purchase history: named customers with known behaviour among random buyers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import pytest

from patron.parties.models import Party
from patron.sales.models import Order
from patron.testing import PartyFactory

NOW = dt.datetime(2026, 6, 30, 12, 0, tzinfo=dt.UTC)


@dataclass
class History:
    champion: Party
    lost: Party
    steady: Party
    one_timer: Party
    prospect: Party
    cancelled_only: Party


def orders(party: Party, days_ago: list[int], total: str = "40.00", **extra: object) -> None:
    """Orders of ``party`` the given numbers of days before NOW."""
    Order.objects.bulk_create(
        Order(
            party=party,
            ordered_at=NOW - dt.timedelta(days=d),
            channel="web",
            currency="GBP",
            total=Decimal(total),
            **extra,
        )
        for d in days_ago
    )


def random_buyers(count: int, seed: int) -> None:
    """``count`` buyers with 1-8 orders spread over the last two years."""
    rng = np.random.default_rng(seed)
    for _ in range(count):
        party = PartyFactory()
        n = int(rng.integers(1, 9))
        days = sorted(int(d) for d in rng.integers(1, 700, size=n))
        orders(party, days, total=f"{rng.uniform(10, 200):.2f}")


@pytest.fixture
def history(db: None) -> History:
    champion = PartyFactory(display_name="Champion")
    orders(champion, list(range(2, 365, 14)), total="150.00")
    lost = PartyFactory(display_name="Lost")
    orders(lost, [600, 500], total="30.00")
    steady = PartyFactory(display_name="Steady")
    orders(steady, [650, 550, 450, 350, 250], total="60.00")
    one_timer = PartyFactory(display_name="One-timer")
    orders(one_timer, [30])
    prospect = PartyFactory(display_name="Prospect")
    cancelled_only = PartyFactory(display_name="Cancelled")
    orders(cancelled_only, [10], status=Order.Status.CANCELLED)
    random_buyers(40, seed=7)
    return History(champion, lost, steady, one_timer, prospect, cancelled_only)
