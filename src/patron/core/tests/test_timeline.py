"""The merged customer timeline: order, paging, permissions and a flat query count."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from patron.accounts.permissions import forget_access
from patron.core.timeline import party_timeline, sources
from patron.interactions.models import Visibility
from patron.testing import (
    InteractionFactory,
    InvoiceFactory,
    OrderFactory,
    OrderLineFactory,
    PartyFactory,
    PaymentFactory,
)

pytestmark = pytest.mark.django_db


def _history(party, base, n):  # type: ignore[no-untyped-def]
    for i in range(n):
        at = base - dt.timedelta(hours=i)
        InteractionFactory(party=party, occurred_at=at)
        order = OrderFactory(party=party, ordered_at=at)
        OrderLineFactory(order=order)
        InvoiceFactory(party=party, issued_at=at, due_at=at + dt.timedelta(days=30))
        PaymentFactory(party=party, received_at=at - dt.timedelta(minutes=1))


def test_timeline_merges_every_source_newest_first_and_pages_without_gaps(agent):
    party = PartyFactory()
    _history(party, timezone.now(), 12)  # 48 events, several sharing one instant
    seen = []
    cursor = None
    while True:
        page = party_timeline(party_id=party.id, user=agent, cursor=cursor, limit=7)
        seen.extend(page.items)
        cursor = page.next_cursor
        if cursor is None:
            break
    assert len(seen) == 48
    assert len({(e.source, e.id) for e in seen}) == 48
    keys = [e.at for e in seen]
    assert keys == sorted(keys, reverse=True)
    assert {e.kind for e in seen} == {"call", "order", "invoice", "payment"}


def test_timeline_query_count_is_one_per_source_whatever_the_history(agent):
    small, big = PartyFactory(), PartyFactory()
    _history(small, timezone.now(), 2)
    _history(big, timezone.now(), 40)
    counts = []
    for party in (small, big):
        forget_access(agent)
        with CaptureQueriesContext(connection) as ctx:
            party_timeline(party_id=party.id, user=agent, limit=30)
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]
    # one membership lookup, then one query per source
    assert counts[1] <= len(sources()) + 1


def test_private_department_notes_are_hidden_from_other_departments(agent, service_agent):
    party = PartyFactory()
    service = service_agent.memberships.get().department
    InteractionFactory(
        party=party, department=service, visibility=Visibility.DEPARTMENT, subject="Secret"
    )
    InteractionFactory(party=party, department=service, subject="Shared")
    mine = [e.title for e in party_timeline(party_id=party.id, user=service_agent).items]
    theirs = [e.title for e in party_timeline(party_id=party.id, user=agent).items]
    assert any("Secret" in t for t in mine)
    assert not any("Secret" in t for t in theirs)
    assert any("Shared" in t for t in theirs)


def test_tampered_cursor_is_rejected(agent):
    from patron.core.pagination import InvalidCursor

    party = PartyFactory()
    with pytest.raises(InvalidCursor):
        party_timeline(party_id=party.id, user=agent, cursor="not-a-cursor")
