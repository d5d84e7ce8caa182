"""Benchmark data: N customers loaded raw, and a few hundred of them with a full history.

The bulk load bypasses the services on purpose (a million ``party_create`` calls would take
an hour and measure the importer, which has its own benchmark): rows go straight into
``parties_party`` with ``executemany`` on SQLite and ``COPY`` on PostgreSQL, with the derived
name columns computed by :func:`patron.parties.models.party_names`, exactly as the services
compute them. Names follow the British frequency tables shipped with Faker, so a prefix
search matches as many rows as it would in a real customer base ("smi" is common, "zan"
rare).

Call :func:`configure` before anything else here touches Django.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
from collections.abc import Iterator
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

BENCH_DIR = Path(__file__).resolve().parent
STAFF_USERNAME = "bench"
STAFF_PASSWORD = "bench-password-not-secret"
HISTORY_TAG = "bench-history"

_EPOCH_START = int(dt.datetime(2016, 1, 1, tzinfo=dt.UTC).timestamp())
_EPOCH_END = int(dt.datetime(2026, 10, 1, tzinfo=dt.UTC).timestamp())

# (city, postcode area, weight ~ population): where British customers live.
_PLACES = [
    ("London", "SW", 9.0),
    ("London", "E", 8.0),
    ("London", "N", 6.0),
    ("London", "SE", 6.0),
    ("London", "NW", 5.0),
    ("London", "W", 4.0),
    ("Birmingham", "B", 6.0),
    ("Manchester", "M", 5.0),
    ("Leeds", "LS", 4.0),
    ("Glasgow", "G", 4.0),
    ("Sheffield", "S", 3.0),
    ("Bristol", "BS", 3.0),
    ("Liverpool", "L", 3.0),
    ("Edinburgh", "EH", 3.0),
    ("Cardiff", "CF", 2.5),
    ("Leicester", "LE", 2.0),
    ("Nottingham", "NG", 2.5),
    ("Newcastle upon Tyne", "NE", 2.5),
    ("Brighton", "BN", 2.0),
    ("Oxford", "OX", 1.5),
    ("Cambridge", "CB", 1.5),
    ("York", "YO", 1.2),
    ("Norwich", "NR", 1.2),
    ("Exeter", "EX", 1.0),
    ("Aberdeen", "AB", 1.0),
    ("Belfast", "BT", 2.0),
    ("Southampton", "SO", 1.5),
    ("Plymouth", "PL", 1.0),
    ("Reading", "RG", 1.5),
    ("Coventry", "CV", 1.5),
]
_MAIL_DOMAINS = [
    ("gmail.com", 30),
    ("hotmail.co.uk", 12),
    ("outlook.com", 10),
    ("yahoo.co.uk", 8),
    ("btinternet.com", 6),
    ("icloud.com", 6),
    ("sky.com", 3),
    ("live.co.uk", 3),
    ("aol.com", 1),
]
_ORG_SUFFIXES = [
    "Ltd",
    "Limited",
    "plc",
    "& Sons",
    "Group",
    "Holdings",
    "LLP",
    "Partners",
    "Trading",
    "Services",
    "Associates",
    "Consulting",
]
_CHANNELS = [
    ("store", 30),
    ("web", 30),
    ("direct_mail", 10),
    ("phone", 10),
    ("field", 5),
    ("referral", 8),
    ("event", 4),
    ("other", 3),
]
# A few names with accents, so folding is exercised by the data and by the searches.
_ACCENTED_GIVEN = ["Zoë", "Chloé", "José", "Renée", "Björn", "Anaïs", "Siân", "Eóin"]


def configure(*, home: Path, database_url: str) -> None:
    """Point Django at the bench database with the bench settings, then set it up."""
    os.environ["PATRON_HOME"] = str(home)
    os.environ["PATRON_DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench_settings"
    if str(BENCH_DIR) not in sys.path:
        sys.path.insert(0, str(BENCH_DIR))
    import django

    django.setup()


def server_env(*, home: Path, database_url: str) -> dict[str, str]:
    """The environment for ``patron`` subprocesses that must see the same database."""
    env = dict(os.environ)
    env.update(
        PATRON_HOME=str(home),
        PATRON_DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="bench_settings",
        PYTHONPATH=os.pathsep.join(p for p in [str(BENCH_DIR), env.get("PYTHONPATH", "")] if p),
    )
    return env


# --- names ------------------------------------------------------------------------------


def _name_tables() -> tuple[list[str], np.ndarray, list[str], np.ndarray]:
    """Given and family names with their frequencies (Faker's British tables)."""
    from faker.providers.person import en_GB

    provider = en_GB.Provider
    family = list(provider.last_names.keys())
    family_w = np.array(list(provider.last_names.values()), dtype=float)
    # Faker lists the given names most common first but without weights: give them a
    # Zipf-like curve, which is how given-name frequencies fall off.
    given: list[str] = []
    given_w: list[float] = []
    for names in (provider.first_names_male, provider.first_names_female):
        for rank, name in enumerate(names):
            given.append(name)
            given_w.append(1.0 / (rank + 8))
    for name in _ACCENTED_GIVEN:
        given.append(name)
        given_w.append(0.004)
    given_p = np.array(given_w, dtype=float)
    return given, given_p / given_p.sum(), family, family_w / family_w.sum()


@lru_cache(maxsize=400_000)
def _names(kind: str, given: str, family: str, organisation: str) -> tuple[str, str, str]:
    from patron.parties.models import party_names

    return party_names(kind, given, family, organisation)


def _ascii(text: str) -> str:
    from patron.parties.normalize import fold

    return "".join(c for c in fold(text) if c.isalnum())


# --- bulk customers ---------------------------------------------------------------------

PARTY_COLUMNS = [
    "created_at",
    "updated_at",
    "kind",
    "external_id",
    "given_name",
    "family_name",
    "organisation_name",
    "display_name",
    "sort_name",
    "search_name",
    "email",
    "phone",
    "city",
    "postcode",
    "country",
    "date_of_birth",
    "acquisition_channel",
    "acquired_at",
    "is_active",
]


def _weights(pairs: list[tuple[str, float]] | list[tuple[str, int]]) -> np.ndarray:
    arr = np.array([w for _, w in pairs], dtype=float)
    return arr / arr.sum()


def party_rows(start: int, count: int, seed: int) -> Iterator[tuple[Any, ...]]:
    """``count`` customer rows numbered from ``start``, in :data:`PARTY_COLUMNS` order.

    Timestamps are naive ISO strings in UTC: the form Django stores on SQLite, and what
    PostgreSQL's COPY reads in the UTC session Django opens.
    """
    rng = np.random.default_rng([seed, start])
    given, given_w, family, family_w = _name_tables()
    g_idx = rng.choice(len(given), size=count, p=given_w)
    f_idx = rng.choice(len(family), size=count, p=family_w)
    f2_idx = rng.choice(len(family), size=count, p=family_w)
    is_org = rng.random(count) < 0.08
    org_style = rng.integers(0, 3, size=count)
    suffix_idx = rng.integers(0, len(_ORG_SUFFIXES), size=count)
    place_idx = rng.choice(len(_PLACES), size=count, p=_weights([(c, w) for c, _, w in _PLACES]))
    district = rng.integers(1, 30, size=count)
    sector = rng.integers(0, 10, size=count)
    unit = rng.integers(0, 26 * 26, size=count)
    has_email = rng.random(count) < 0.85
    domain_idx = rng.choice(len(_MAIL_DOMAINS), size=count, p=_weights(_MAIL_DOMAINS))
    mail_style = rng.integers(0, 4, size=count)
    has_phone = rng.random(count) < 0.8
    mobile = rng.random(count) < 0.7
    phone_digits = rng.integers(100_000_000, 999_999_999, size=count)
    has_dob = rng.random(count) < 0.6
    dob_days = rng.integers(0, 65 * 365, size=count)
    channel_idx = rng.choice(len(_CHANNELS), size=count, p=_weights(_CHANNELS))
    acquired = rng.integers(_EPOCH_START, _EPOCH_END, size=count)
    acquired_s = np.datetime_as_string(acquired.astype("datetime64[s]"), unit="s")
    dob0 = dt.date(1940, 1, 1)
    for i in range(count):
        n = start + i
        fam = family[f_idx[i]]
        city, area, _ = _PLACES[place_idx[i]]
        letters = f"{chr(65 + unit[i] // 26)}{chr(65 + unit[i] % 26)}"
        postcode = f"{area}{district[i]} {sector[i]}{letters}"
        at = acquired_s[i].replace("T", " ")
        if is_org[i]:
            style = org_style[i]
            if style == 0:
                org = f"{fam} {_ORG_SUFFIXES[suffix_idx[i]]}"
            elif style == 1:
                org = f"{fam} & {family[f2_idx[i]]}"
            else:
                org = f"{city} {fam} {_ORG_SUFFIXES[suffix_idx[i]]}"
            kind, first, last = "organisation", "", ""
            local = _ascii(fam) + ("" if style else _ascii(_ORG_SUFFIXES[suffix_idx[i]]))
            email = f"info@{local}{n % 97}.co.uk" if has_email[i] else ""
            dob = None
        else:
            kind, first, last, org = "person", given[g_idx[i]], fam, ""
            if has_email[i]:
                style = mail_style[i]
                a, b = _ascii(first), _ascii(fam)
                local = (f"{a}.{b}", f"{a[0]}{b}{n % 100}", f"{b}.{a}{n % 1000}", f"{a}{n}")[style]
                email = f"{local}@{_MAIL_DOMAINS[domain_idx[i]][0]}"
            else:
                email = ""
            dob = (dob0 + dt.timedelta(days=int(dob_days[i]))).isoformat() if has_dob[i] else None
        if has_phone[i]:
            digits = int(phone_digits[i])
            phone = f"+447{digits}" if mobile[i] else f"+4420{digits // 10:08d}"
        else:
            phone = ""
        display, sort, search = _names(kind, first, last, org)
        yield (
            at,
            at,
            kind,
            f"C{n:08d}",
            first,
            last,
            org,
            display,
            sort,
            search,
            email,
            phone,
            city,
            postcode,
            "GB",
            dob,
            _CHANNELS[channel_idx[i]][0],
            at,
            True,
        )


def party_count() -> int:
    """How many customers the bench database holds (a bench-only full count)."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT COUNT(*) FROM parties_party")
        return int(cur.fetchone()[0])


def load_parties(*, count: int, seed: int, batch: int = 50_000, echo: Any = print) -> float:
    """Insert ``count`` customers raw; return the rows per second achieved."""
    from django.db import connection, transaction

    started = time.perf_counter()
    start = party_count() + 1
    columns = ", ".join(PARTY_COLUMNS)
    done = 0
    vendor = connection.vendor
    if vendor == "sqlite":
        with connection.cursor() as cur:
            cur.execute("PRAGMA cache_size=-2000000")
    while done < count:
        size = min(batch, count - done)
        rows = party_rows(start + done, size, seed)
        with transaction.atomic(), connection.cursor() as cur:
            if vendor == "postgresql":
                raw = cur.cursor  # the psycopg cursor underneath Django's wrapper
                with raw.copy(f"COPY parties_party ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(PARTY_COLUMNS))
                cur.executemany(f"INSERT INTO parties_party ({columns}) VALUES ({marks})", rows)
        done += size
        rate = done / (time.perf_counter() - started)
        echo(f"  customers: {done:>9,} / {count:,}  ({rate:,.0f} rows/s)")
    analyze()
    return count / (time.perf_counter() - started)


def analyze() -> None:
    """Refresh planner statistics, as a production database would have them."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("VACUUM (ANALYZE)" if connection.vendor == "postgresql" else "ANALYZE")


# --- staff and histories ----------------------------------------------------------------


def ensure_staff() -> Any:
    """The bench login: an agent in Sales (a typical user), created once.

    Written with the ORM rather than ``accounts.services`` so that the bench depends only on
    the models' shape, not on the services' signatures.
    """
    from patron.accounts.models import Department, Membership, User

    departments = {
        code: Department.objects.get_or_create(code=code, defaults={"name": name})[0]
        for code, name in [
            ("sales", "Sales"),
            ("service", "Customer service"),
            ("finance", "Finance"),
            ("marketing", "Marketing"),
        ]
    }
    user = User.objects.filter(username=STAFF_USERNAME).first()
    if user is None:
        user = User(username=STAFF_USERNAME, first_name="Bench", last_name="Agent", is_staff=True)
        user.set_password(STAFF_PASSWORD)
        user.save()
        Membership.objects.create(user=user, department=departments["sales"], role="agent")
    return user


def history_party_ids() -> list[int]:
    """The customers that were given a history (they carry the ``bench-history`` tag)."""
    from patron.parties.models import PartyTag

    return sorted(PartyTag.objects.filter(tag__name=HISTORY_TAG).values_list("party_id", flat=True))


def load_histories(*, customers: int, seed: int, echo: Any = print) -> list[int]:
    """Give ``customers`` random existing customers a realistic multi-year history.

    Orders with lines, invoices and payments (some overdue, with reminders), returns,
    quarterly statements for organisations, and direct and indirect interactions across
    four departments, some private to their department.
    """
    from django.db import transaction

    from patron.accounts.models import Department
    from patron.interactions.models import Interaction
    from patron.parties.models import ContactPoint, Party, PartyTag, Tag
    from patron.sales.models import (
        Category,
        Invoice,
        Order,
        OrderLine,
        Payment,
        PaymentReminder,
        Product,
        Return,
        Statement,
    )

    rng = np.random.default_rng([seed, 7])
    staff = ensure_staff()
    departments = list(Department.objects.order_by("code"))
    high = Party.objects.order_by("-id").values_list("id", flat=True).first() or 0
    low = Party.objects.order_by("id").values_list("id", flat=True).first() or 0
    picked = sorted({int(x) for x in rng.integers(low, high + 1, size=customers * 2)})
    rng.shuffle(picked)
    parties = list(Party.objects.filter(id__in=picked[: customers * 2]))[:customers]
    with transaction.atomic():
        tag, _ = Tag.objects.get_or_create(name=HISTORY_TAG)
        products = _catalogue(Category, Product)
        prices = [p.unit_price for p in products]
        order_no = Order.objects.count()
        cps: list[Any] = []
        for party in parties:
            if party.email:
                cps.append(
                    ContactPoint(party=party, kind="email", value=party.email, is_primary=True)
                )
            if party.phone:
                cps.append(
                    ContactPoint(party=party, kind="phone", value=party.phone, is_primary=True)
                )
            cps.append(
                ContactPoint(
                    party=party,
                    kind="postal",
                    street=f"{int(rng.integers(1, 200))} High Street",
                    city=party.city,
                    postcode=party.postcode,
                    country="GB",
                    is_primary=True,
                )
            )
        ContactPoint.objects.bulk_create(cps, batch_size=2000)
        PartyTag.objects.bulk_create([PartyTag(party=p, tag=tag) for p in parties])
        for k, party in enumerate(parties):
            orders = []
            n_orders = int(rng.poisson(25)) + 1
            stamps = sorted(int(x) for x in rng.integers(_EPOCH_START, _EPOCH_END, size=n_orders))
            for at in stamps:
                order_no += 1
                orders.append(
                    Order(
                        external_id=f"BO{order_no:08d}",
                        party=party,
                        ordered_at=dt.datetime.fromtimestamp(at, tz=dt.UTC),
                        channel=str(rng.choice(["store", "web", "phone", "direct_mail", "field"])),
                        currency="GBP",
                    )
                )
            Order.objects.bulk_create(orders)
            lines = []
            for order in orders:
                total = Decimal("0")
                for line_no in range(1, int(rng.integers(1, 5)) + 1):
                    p = int(rng.integers(0, len(products)))
                    qty = int(rng.integers(1, 4))
                    lines.append(
                        OrderLine(
                            order=order,
                            party=party,
                            line_no=line_no,
                            product=products[p],
                            quantity=qty,
                            unit_price=prices[p],
                        )
                    )
                    total += prices[p] * qty
                order.total = total
            Order.objects.bulk_update(orders, ["total"])
            OrderLine.objects.bulk_create(lines)
            returns = [
                Return(
                    order_line=line,
                    party=party,
                    returned_at=line.order.ordered_at + dt.timedelta(days=9),
                    quantity=1,
                    reason="Did not fit",
                    refund_amount=line.unit_price,
                    currency="GBP",
                )
                for line in lines
                if rng.random() < 0.04
            ]
            Return.objects.bulk_create(returns)
            invoices = [
                Invoice(
                    number=f"BI{order.external_id[2:]}",
                    party=party,
                    order=order,
                    issued_at=order.ordered_at + dt.timedelta(hours=2),
                    due_at=order.ordered_at + dt.timedelta(days=30),
                    currency="GBP",
                    total=order.total,
                    status="paid" if rng.random() < 0.9 else "open",
                )
                for order in orders
            ]
            Invoice.objects.bulk_create(invoices)
            Payment.objects.bulk_create(
                [
                    Payment(
                        party=party,
                        invoice=inv,
                        received_at=inv.issued_at + dt.timedelta(days=int(rng.integers(0, 25))),
                        amount=inv.total,
                        currency="GBP",
                        method=str(rng.choice(["card", "transfer", "direct_debit"])),
                        reference=f"PAY-{inv.number}",
                    )
                    for inv in invoices
                    if inv.status == "paid" and inv.total > 0
                ]
            )
            PaymentReminder.objects.bulk_create(
                [
                    PaymentReminder(
                        party=party,
                        invoice=inv,
                        sent_at=inv.due_at + dt.timedelta(days=7),
                        level=1,
                        amount_due=inv.total,
                        currency="GBP",
                    )
                    for inv in invoices
                    if inv.status == "open"
                ]
            )
            if party.kind == "organisation":
                Statement.objects.bulk_create(
                    [
                        Statement(
                            party=party,
                            period_start=dt.date(year, month, 1),
                            period_end=dt.date(year, month + 2, 28),
                            issued_at=dt.datetime(year, month + 2, 28, 18, tzinfo=dt.UTC),
                            opening_balance=Decimal("0"),
                            closing_balance=Decimal("0"),
                            currency="GBP",
                        )
                        for year in range(2023, 2026)
                        for month in (1, 4, 7, 10)
                    ]
                )
            Interaction.objects.bulk_create(_interactions(rng, party, staff, departments))
            if (k + 1) % 100 == 0:
                echo(f"  histories: {k + 1:>5} / {len(parties)}")
    analyze()
    return sorted(p.id for p in parties)


_SUBJECTS = {
    "call": ["Question about delivery", "Follow-up on quote", "Account query", "Renewal"],
    "email": ["Order confirmation query", "Brochure request", "Address change", "Thank you"],
    "meeting": ["Quarterly review", "Product demonstration", "Contract negotiation"],
    "field_visit": ["Site visit", "Installation check"],
    "chat": ["Sizing question", "Stock availability"],
    "letter": ["Complaint by post", "Change of details"],
    "in_store": ["Asked for advice", "Collected order"],
    "delivery_notice": ["Your order is on its way"],
    "renewal_notice": ["Your service plan renews next month"],
}


def _interactions(rng: np.random.Generator, party: Any, staff: Any, departments: list[Any]) -> list:
    from patron.interactions.models import Interaction

    kinds = list(_SUBJECTS)
    weights = _weights([(k, w) for k, w in zip(kinds, [8, 8, 2, 1, 3, 1, 3, 3, 1], strict=True)])
    out = []
    for _ in range(int(rng.poisson(30)) + 1):
        kind = kinds[int(rng.choice(len(kinds), p=weights))]
        department = departments[int(rng.integers(0, len(departments)))]
        private = rng.random() < 0.15
        out.append(
            Interaction(
                party=party,
                occurred_at=dt.datetime.fromtimestamp(
                    int(rng.integers(_EPOCH_START, _EPOCH_END)), tz=dt.UTC
                ),
                kind=kind,
                direction=str(rng.choice(["inbound", "outbound"])),
                channel={"call": "phone", "email": "email", "chat": "chat"}.get(kind, "in_person"),
                staff=staff,
                department=department,
                outcome=str(rng.choice(["", "resolved", "follow_up", "information", "sale"])),
                subject=str(rng.choice(_SUBJECTS[kind])),
                notes="Customer asked about their recent order; explained the options and "
                "agreed the next step. " * int(rng.integers(1, 4)),
                visibility="department" if private else "shared",
            )
        )
    return out


def _catalogue(category_model: Any, product_model: Any) -> list[Any]:
    """About two hundred products in twelve categories (created once)."""
    existing = list(product_model.objects.filter(sku__startswith="BENCH-"))
    if existing:
        return existing
    names = [
        "Outdoor",
        "Footwear",
        "Kitchen",
        "Garden",
        "Electronics",
        "Books",
        "Toys",
        "Beauty",
        "Sport",
        "Office",
        "Home",
        "Services",
    ]
    products = []
    for c, name in enumerate(names):
        category, _ = category_model.objects.get_or_create(name=f"Bench {name}")
        for i in range(17):
            price = Decimal(5 + (c * 37 + i * 13) % 300) + Decimal("0.99")
            products.append(
                product_model(
                    sku=f"BENCH-{c:02d}-{i:03d}",
                    name=f"{name} item {i + 1}",
                    category=category,
                    unit_price=price,
                    unit_cost=(price * Decimal("0.6")).quantize(Decimal("0.01")),
                    currency="GBP",
                )
            )
    return product_model.objects.bulk_create(products)
