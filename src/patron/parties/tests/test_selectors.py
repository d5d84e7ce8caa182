"""The customer list: search, filters and keyset pages with a flat query count."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from patron.accounts.permissions import forget_access
from patron.parties import services
from patron.parties.selectors import PartyFilters, party_get, party_list
from patron.testing import PartyFactory, UserFactory

pytestmark = pytest.mark.django_db


def _people(agent):  # type: ignore[no-untyped-def]
    rows = [
        ("Ann", "Lee", "ann@lee.example", "07911 123456", "LS1 1AA"),
        ("Anna", "Smith", "anna@smith.example", "07824 654321", "M1 2AB"),
        ("Bob", "Annis", "bob@annis.example", "", "LS1 1AA"),
        ("Carl", "Jones", "", "", ""),
    ]
    for given, family, email, phone, postcode in rows:
        services.party_create(
            actor=agent,
            given_name=given,
            family_name=family,
            email=email,
            phone=phone,
            postcode=postcode,
        )


def names(page):  # type: ignore[no-untyped-def]
    return [p.display_name for p in page.items]


def test_search_matches_given_name_family_name_email_and_phone(agent):
    _people(agent)
    assert names(party_list(user=agent, filters=PartyFilters(q="ann"))) == [
        "Bob Annis",
        "Ann Lee",
        "Anna Smith",
    ]
    assert names(party_list(user=agent, filters=PartyFilters(q="smith anna"))) == ["Anna Smith"]
    assert names(party_list(user=agent, filters=PartyFilters(q="bob@annis"))) == ["Bob Annis"]
    assert names(party_list(user=agent, filters=PartyFilters(q="654321"))) == ["Anna Smith"]
    assert names(party_list(user=agent, filters=PartyFilters(q="ls1"))) == [
        "Bob Annis",
        "Ann Lee",
    ]


def test_search_ignores_case_and_accents(agent):
    services.party_create(actor=agent, given_name="Zoë", family_name="Ågren")
    assert names(party_list(user=agent, filters=PartyFilters(q="ZOE AG"))) == ["Zoë Ågren"]


def test_pages_follow_each_other_without_gaps_or_repeats(agent):
    for i in range(25):
        PartyFactory(given_name="Sam", family_name="Same", external_id=f"X{i}")
    seen, cursor = [], None
    while True:
        page = party_list(user=agent, cursor=cursor, limit=10)
        seen.extend(p.id for p in page.items)
        cursor = page.next_cursor
        if not cursor:
            break
    assert len(seen) == len(set(seen)) == 25


def test_list_query_count_does_not_grow_with_rows(agent):
    counts = []
    for n in (3, 60):
        for _ in range(n):
            PartyFactory()
        forget_access(agent)
        with CaptureQueriesContext(connection) as ctx:
            party_list(user=agent, filters=PartyFilters(q="a", channel="web"), limit=50)
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1] == 3


def test_list_never_counts_the_table(agent):
    PartyFactory()
    with CaptureQueriesContext(connection) as ctx:
        party_list(user=agent)
    assert not any("COUNT(" in q["sql"].upper() for q in ctx.captured_queries)


def test_staff_without_a_department_see_no_customers():
    PartyFactory()
    assert party_list(user=UserFactory()).items == []


def test_merged_parties_are_not_listed(agent):
    survivor = PartyFactory()
    PartyFactory(merged_into=survivor, is_active=False)
    assert [p.id for p in party_list(user=agent).items] == [survivor.id]


def test_party_get_prefetches_everything_the_360_page_shows(agent):
    party = services.party_create(
        actor=agent, given_name="Ann", email="a@b.example", tags=["vip"], city="Leeds"
    )
    forget_access(agent)
    with CaptureQueriesContext(connection) as ctx:
        got = party_get(user=agent, party_id=party.id)
        assert got is not None
        list(got.contact_points.all())
        list(got.tags.all())
        list(got.roles.all())
        list(got.people.all())
        list(got.preferences.all())
    assert len(ctx.captured_queries) == 7
