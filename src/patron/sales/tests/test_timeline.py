"""Orders on the customer timeline say how many lines they have, at a cost per page."""

from __future__ import annotations

import pytest

from patron.core.timeline import party_timeline
from patron.testing import OrderFactory, OrderLineFactory, PartyFactory

pytestmark = pytest.mark.django_db


def test_each_order_on_the_timeline_counts_its_own_lines(agent):
    party = PartyFactory()
    three = OrderFactory(party=party, external_id="THREE")
    for _ in range(3):
        OrderLineFactory(order=three)
    one = OrderFactory(party=party, external_id="ONE")
    OrderLineFactory(order=one)
    OrderFactory(party=party, external_id="NONE")
    other = OrderFactory(external_id="OTHER")
    OrderLineFactory(order=other)

    events = party_timeline(party_id=party.id, user=agent, only=["sales.order"]).items

    summaries = {e.title.split()[1]: e.summary for e in events}
    assert summaries == {
        "THREE": "3 lines, fulfilled",
        "ONE": "1 line, fulfilled",
        "NONE": "0 lines, fulfilled",
    }
