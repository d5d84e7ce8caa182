"""Search finds exactly the matching customers, in name order, whichever plan each arm takes.

``party_list`` reads a search arm by arm and walks the name index for an arm with many
matches (``DENSE_ARM`` or more); lowering the threshold makes these small tables take the
walking plan, so both plans are checked against the definition of a match.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from patron.accounts.permissions import forget_access
from patron.parties import selectors, services
from patron.parties.models import Party
from patron.parties.normalize import fold
from patron.parties.selectors import PartyFilters, party_list
from patron.testing import OrganisationFactory, PartyFactory

pytestmark = pytest.mark.django_db

PEOPLE = [
    ("Mary", "Smith", "mary.smith@example.com", "+447911123101", "SW1A 1AA"),
    ("Mark", "Jones", "mjones@example.com", "+447911123202", "SW19 2BB"),
    ("Sarah", "Marsh", "sarah.marsh@example.com", "", "M1 3CC"),
    ("Smita", "Patel", "", "+447911123303", "LS1 4DD"),
    ("John", "Smithers", "john@smithers.example", "+442079460404", "E1 5EE"),
    ("Ann", "Marley", "ann.marley@example.com", "", "SW1A 2AB"),
    ("Zoë", "Ågren", "zoe@agren.example", "+447911123505", ""),
    ("Ma", "Ling", "", "", "SW10 9ZZ"),
]


@pytest.fixture
def customers(agent):  # type: ignore[no-untyped-def]
    for given, family, email, phone, postcode in PEOPLE:
        services.party_create(
            actor=agent,
            given_name=given,
            family_name=family,
            email=email,
            phone=phone,
            postcode=postcode,
        )
    OrganisationFactory(organisation_name="Smith & Marsh Ltd", sort_name="smith & marsh ltd")
    OrganisationFactory(organisation_name="Marks Trading", sort_name="marks trading")
    return Party.objects.all()


def expected(q: str) -> list[str]:
    """The definition of a match, evaluated in Python over every customer."""
    text = fold(q)
    digits = "".join(c for c in text if c.isdigit())
    is_phone = len(digits) >= 4 and len(digits) >= len(text.replace(" ", "").replace("+", "")) - 1
    out = []
    for p in Party.objects.order_by("sort_name", "id"):
        hit = p.search_name.startswith(text) or p.sort_name.startswith(text)
        hit |= ("@" in text or "." in text) and p.email.startswith(text)
        if is_phone and len(digits) < 9:
            hit |= bool(p.phone) and p.phone.endswith(digits)
        elif is_phone:
            national = "44" + digits[1:] if digits.startswith("0") else digits
            hit |= bool(p.phone) and p.phone[1:].startswith((digits, national))
        hit |= (
            any(c.isdigit() for c in text)
            and len(text) <= 10
            and p.postcode.startswith(text.upper())
        )
        if hit:
            out.append(p.display_name)
    return out


def everything(agent, q: str, limit: int = 2) -> list[str]:  # type: ignore[no-untyped-def]
    """All pages of a search, followed cursor by cursor."""
    names, cursor = [], None
    while True:
        page = party_list(user=agent, filters=PartyFilters(q=q), cursor=cursor, limit=limit)
        names += [p.display_name for p in page.items]
        cursor = page.next_cursor
        if not cursor:
            return names


QUERIES = ["m", "ma", "mar", "smi", "sm", "s", "ann m", "zoe", "ZOË Å", "sw1", "sw1a 1", "e1"]
QUERIES += ["mary.s", "john@smithers.ex", "0101", "123303", "07911 123505", "+44 20 7946 0404"]


@pytest.mark.parametrize("q", QUERIES)
def test_every_page_of_a_search_holds_exactly_the_matches_in_name_order(agent, customers, q):
    assert everything(agent, q) == expected(q)


@pytest.mark.parametrize("q", QUERIES)
def test_a_search_walking_the_name_index_finds_the_same_customers(agent, customers, q, monkeypatch):
    monkeypatch.setattr(selectors, "DENSE_ARM", 1)
    assert everything(agent, q) == expected(q)


def test_a_phone_number_typed_in_national_form_finds_the_customer(agent, customers):
    page = party_list(user=agent, filters=PartyFilters(q="07911 123101"))
    assert [p.display_name for p in page.items] == ["Mary Smith"]


def test_a_given_name_prefix_does_not_list_organisations_twice(agent, customers):
    names = everything(agent, "smith", limit=50)
    assert names == ["Smith & Marsh Ltd", "Mary Smith", "John Smithers"]


def test_a_search_costs_the_same_queries_however_many_customers_match(agent):
    counts = []
    for n in (2, 40):
        for i in range(n):
            PartyFactory(given_name="Mara", family_name=f"Family{i:03d}")
        forget_access(agent)
        with CaptureQueriesContext(connection) as ctx:
            page = party_list(user=agent, filters=PartyFilters(q="ma"), limit=10)
        counts.append(len(ctx.captured_queries))
        assert len(page.items) == min(n, 10)
    assert counts[0] == counts[1] == 3
    assert not any("COUNT(" in q["sql"].upper() for q in ctx.captured_queries)
