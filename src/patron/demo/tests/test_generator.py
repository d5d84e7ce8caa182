"""The simulated business has the structure the demo promises: given a seed, when generated,
then repeat buying, dropout, seasonality and co-purchase are all visible in the data."""

from __future__ import annotations

import datetime as dt
import itertools

import numpy as np
import phonenumbers
import pytest

from patron.demo.generator import (
    CHUNK_CUSTOMERS,
    DAY,
    MAX_CUSTOMERS,
    Chunk,
    catalogue,
    generate,
    window,
)
from patron.parties.normalize import normalize_email

AS_OF = dt.date(2026, 11, 23)


@pytest.fixture(scope="module")
def business() -> Chunk:
    (chunk,) = generate(customers=4000, seed=11, as_of=AS_OF)
    return chunk


def _tables(chunk: Chunk) -> dict[str, dict[str, np.ndarray]]:
    names = (
        "parties",
        "relationships",
        "preferences",
        "orders",
        "lines",
        "returns",
        "invoices",
        "payments",
        "reminders",
        "statements",
        "interactions",
    )
    return {name: getattr(chunk, name) for name in names}


def test_same_seed_gives_the_same_business_and_another_seed_another() -> None:
    first = _tables(next(generate(customers=300, seed=5, as_of=AS_OF)))
    again = _tables(next(generate(customers=300, seed=5, as_of=AS_OF)))
    other = _tables(next(generate(customers=300, seed=6, as_of=AS_OF)))
    for table, columns in first.items():
        for column, values in columns.items():
            assert np.array_equal(values.astype(str), again[table][column].astype(str)), column
    assert not np.array_equal(first["parties"]["email"], other["parties"]["email"])


def test_a_chunk_does_not_depend_on_how_many_customers_follow() -> None:
    short = list(generate(customers=250, seed=2, as_of=AS_OF, chunk_size=100))
    long = list(generate(customers=420, seed=2, as_of=AS_OF, chunk_size=100))
    assert [c.accounts for c in short] == [100, 100, 50]
    assert [c.accounts for c in long] == [100, 100, 100, 100, 20]
    for a, b in zip(short[:2], long[:2], strict=True):
        assert np.array_equal(a.orders["ordered_at"], b.orders["ordered_at"])
        assert np.array_equal(a.parties["external_id"], b.parties["external_id"])
    assert long[1].parties["external_id"][0] == "CU0000101"


def test_a_million_customers_are_generated_one_bounded_chunk_at_a_time() -> None:
    chunks = generate(customers=MAX_CUSTOMERS, seed=1, as_of=AS_OF)
    first = next(chunks)
    assert first.accounts == CHUNK_CUSTOMERS
    assert first.parties["external_id"][0] == "CU0000001"


@pytest.mark.parametrize("customers", [0, -1, MAX_CUSTOMERS + 1])
def test_a_customer_count_out_of_range_is_refused(customers: int) -> None:
    with pytest.raises(ValueError, match="between 1 and 1,000,000"):
        next(generate(customers=customers, seed=1, as_of=AS_OF))


def test_purchase_rates_are_heterogeneous(business: Chunk) -> None:
    counts = np.bincount(business.orders["party"], minlength=business.accounts)
    buyers = counts[counts > 0]
    # a gamma mixture of Poisson rates is over-dispersed: variance well above the mean
    assert buyers.var() > 2 * buyers.mean()
    assert (buyers == 1).mean() > 0.2
    assert buyers.max() >= 10 * np.median(buyers)


def test_customers_drop_out(business: Chunk) -> None:
    start, end = window(AS_OF)
    acquired = business.parties["acquired_at"][: business.accounts]
    early = np.flatnonzero((acquired >= start) & (acquired < start + 180 * DAY))
    last = np.full(business.accounts, -1, dtype=np.int64)
    np.maximum.at(last, business.orders["party"], business.orders["ordered_at"])
    bought_early = early[last[early] >= 0]
    lapsed = last[bought_early] < end - 270 * DAY
    assert 0.2 < lapsed.mean() < 0.9


def test_new_customers_keep_arriving_and_arrivals_grow(business: Chunk) -> None:
    start, end = window(AS_OF)
    acquired = business.parties["acquired_at"][: business.accounts]
    first_year = ((acquired >= start) & (acquired < start + 365 * DAY)).sum()
    second_year = ((acquired >= start + 365 * DAY) & (acquired < end)).sum()
    assert first_year > 0.2 * business.accounts / 2
    assert second_year > 1.2 * first_year


def test_monthly_orders_peak_at_christmas_and_dip_in_summer(business: Chunk) -> None:
    months = business.orders["ordered_at"].astype("datetime64[s]").astype("datetime64[M]")
    count = {str(m): c for m, c in zip(*np.unique(months, return_counts=True), strict=True)}
    # the following summer has more customers (growth) and still fewer orders
    summer = (count["2026-07"] + count["2026-08"]) / 2
    assert count["2025-12"] > 1.4 * summer
    assert count["2025-12"] > 1.3 * count["2025-10"]


def test_categories_of_one_interest_group_are_bought_together(business: Chunk) -> None:
    cat = catalogue(11)
    n_cat = len(cat.category_names)
    basket = np.zeros((len(business.orders["party"]), n_cat), dtype=bool)
    basket[business.lines["order"], cat.category[business.lines["product"]]] = True
    basket = basket[basket.sum(axis=1) >= 1]
    share = basket.mean(axis=0)

    def lift(a: int, b: int) -> float:
        return float((basket[:, a] & basket[:, b]).mean() / (share[a] * share[b]))

    groups = cat.category_groups
    related = [
        (a, b)
        for a, b in itertools.combinations(range(n_cat), 2)
        if set(groups[a]) & set(groups[b])
    ]
    unrelated = [
        (a, b)
        for a, b in itertools.combinations(range(n_cat), 2)
        if not set(groups[a]) & set(groups[b])
    ]
    assert min(lift(a, b) for a, b in related) > 1.0
    assert np.median([lift(a, b) for a, b in related]) > 2.0
    assert np.median([lift(a, b) for a, b in unrelated]) < 1.0


def test_emails_are_normalised_and_phones_are_valid_uk_numbers(business: Chunk) -> None:
    emails = business.parties["email"].tolist()
    assert all(normalize_email(e) == e for e in emails)
    assert len(set(emails)) == len(emails)
    for phone in business.parties["phone"].tolist():
        number = phonenumbers.parse(phone)
        assert phonenumbers.is_valid_number(number), phone
        assert phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164) == phone


def test_organisations_have_one_to_five_contact_people(business: Chunk) -> None:
    p = business.parties
    orgs = np.flatnonzero(p["kind"] == "organisation")
    per_org = np.bincount(business.relationships["organisation"], minlength=len(p["kind"]))
    assert per_org[orgs].min() >= 1
    assert per_org[orgs].max() <= 5
    people = business.relationships["person"]
    assert (p["kind"][people] == "person").all()
    assert (p["employer"][people] == business.relationships["organisation"]).all()
    assert business.relationships["is_primary_contact"].sum() == len(orgs)


def test_the_books_balance(business: Chunk) -> None:
    o, li, inv = business.orders, business.lines, business.invoices
    line_sums = np.bincount(
        li["order"], weights=li["quantity"] * li["unit_price"], minlength=len(o["party"])
    )
    assert np.array_equal(line_sums.round().astype(np.int64), o["total"])
    assert (li["party"] == o["party"][li["order"]]).all()
    assert (inv["due_at"] >= inv["issued_at"]).all()
    assert (inv["party"] == o["party"][inv["order"]]).all()
    pay = business.payments
    assert (inv["status"][pay["invoice"]] == "paid").all()
    assert (pay["amount"] == inv["total"][pay["invoice"]]).all()
    assert (pay["received_at"] > inv["issued_at"][pay["invoice"]]).all()
    assert ((inv["status"] == "paid").sum()) == len(pay["invoice"])
    r = business.returns
    assert (r["quantity"] <= li["quantity"][r["line"]]).all()
    rem = business.reminders
    assert (rem["sent_at"] > inv["due_at"][rem["invoice"]]).all()
    assert 0.02 < len(r["line"]) / len(li["order"]) < 0.08


def test_everything_happens_inside_the_history_window(business: Chunk) -> None:
    start, end = window(AS_OF)
    for table, column in (
        ("orders", "ordered_at"),
        ("returns", "returned_at"),
        ("invoices", "issued_at"),
        ("payments", "received_at"),
        ("reminders", "sent_at"),
        ("statements", "issued_at"),
        ("interactions", "occurred_at"),
    ):
        times = getattr(business, table)[column]
        assert times.min() >= start - 365 * DAY * 0, table
        assert times.max() < end, table


def test_interactions_span_departments_kinds_and_private_notes(business: Chunk) -> None:
    it = business.interactions
    assert set(it["department"]) == {"sales", "marketing", "service", "finance"}
    assert {
        "call",
        "email",
        "meeting",
        "field_visit",
        "in_store",
        "letter",
        "chat",
        "delivery_notice",
        "renewal_notice",
    } <= set(it["kind"])
    private = it["visibility"] == "department"
    assert 0 < private.sum() < 0.1 * len(private)
    field = it["kind"] == "field_visit"
    assert (business.parties["kind"][it["party"][field]] == "organisation").all()
