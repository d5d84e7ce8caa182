"""A simulated multichannel business, as column arrays: pure numpy, no Django, no I/O.

The demo business, *Hartwell & Co.*, sells homeware, garden, outdoor and office supplies
through stores, a catalogue (direct mail), a web shop, a phone line and a field sales team
that looks after business accounts. Its history over two years comes from the processes
that customer-base analysis assumes, so that the analytics built on top have something
real to find:

* **Arrivals**: new accounts arrive throughout the two years at a growing rate (the rate
  doubles over the window), with seasonal peaks; about 30% of accounts predate the window.
* **Repeat buying** while alive: each account buys as a Poisson process whose rate is
  gamma-distributed across accounts (the NBD; Ehrenberg 1959), and dies after an
  exponential lifetime whose rate is itself gamma-distributed — the Pareto/NBD of
  Schmittlein, Morrison & Colombo (1987). The rate is modulated by a monthly seasonal
  index (Christmas peak, summer dip) by thinning (Lewis & Shedler 1979).
* **Co-purchase**: each account has a main and a second interest group of categories;
  the lines of one order come mostly from one group, so categories of a group are bought
  together far more often than independence predicts (lift > 1).
* **Channels**: each account has its own channel mix (a Dirichlet draw around the mix of
  its segment, leaning towards the channel that acquired it).
* **Billing**: business orders and part of consumer orders are invoiced; most invoices are
  paid on time, some late after reminders, a few stay open; business accounts get
  quarterly statements whose balances follow from the invoices and payments.

Output is deterministic for a seed and an ``as_of`` date. Customers are generated in chunks
of :data:`CHUNK_CUSTOMERS`, each from its own random stream, so memory stays bounded at a
million customers and a chunk's data do not depend on how many chunks follow.

Times are ``int64`` seconds since the Unix epoch (UTC), money is ``int64`` pence, foreign
keys are row positions within the chunk (``-1`` for none), staff are positions in
:data:`vocabulary.STAFF`.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import phonenumbers

from patron.demo import vocabulary as vocab

MAX_CUSTOMERS = 1_000_000
CHUNK_CUSTOMERS = 20_000
HISTORY_DAYS = 730
DAY = 86_400
YEAR = 365.25 * DAY
CURRENCY = "GBP"

#: Monthly purchase-rate index, January first: a summer dip and a Christmas peak.
SEASON = np.array([0.85, 0.80, 0.95, 1.00, 1.00, 0.85, 0.72, 0.75, 1.00, 1.05, 1.35, 1.75])

SALES_CHANNELS = ("store", "direct_mail", "web", "phone", "field")
ACQUISITION_CHANNELS = ("store", "direct_mail", "web", "phone", "field", "referral")
_ACQ_B2C = np.array([0.36, 0.10, 0.32, 0.08, 0.00, 0.14])
_ACQ_B2B = np.array([0.00, 0.10, 0.20, 0.20, 0.35, 0.15])
_MIX_B2C = np.array([0.42, 0.12, 0.34, 0.12, 0.0])
_MIX_B2B = np.array([0.0, 0.05, 0.30, 0.30, 0.35])
_GROUPS_B2C = np.array([0.28, 0.20, 0.12, 0.20, 0.20])
_GROUPS_B2B = np.array([0.25, 0.08, 0.50, 0.02, 0.15])
B2B_SHARE = 0.15
PROSPECT_SHARE = 0.07
IN_GROUP_LINE_SHARE = 0.85
RETURN_RATE = 0.03
GIFTS_CATEGORY = "Gifts & hampers"
#: Interaction kinds that last a while: they get a duration in minutes.
TALK_KINDS = frozenset({"call", "meeting", "field_visit", "in_store"})

Table = dict[str, np.ndarray]


@lru_cache(maxsize=4096)
def _ascii(text: str) -> str:
    """Letters and digits of a name, accents dropped, lower case: for email addresses."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if c.isascii() and (c.isalnum())).lower()


@lru_cache(maxsize=2)
def _uk_pattern(kind: str) -> re.Pattern[str]:
    """phonenumbers' own pattern for British mobile or fixed-line national numbers.

    Matching the metadata's regular expression directly is a hundred times faster than
    ``is_valid_number`` per number, and it is the same rule (the tests check with it).
    """
    meta = phonenumbers.PhoneMetadata.metadata_for_region("GB")
    desc = None if meta is None else (meta.mobile if kind == "mobile" else meta.fixed_line)
    if desc is None or not desc.national_number_pattern:
        raise RuntimeError("phonenumbers has no British numbering plan")
    return re.compile(str(desc.national_number_pattern))


def _uk_numbers(rng: np.random.Generator, prefixes: np.ndarray, kind: str) -> np.ndarray:
    """A valid E.164 number per row: the national prefix, then random digits to ten digits.

    Draws that the pattern rejects are drawn again, so every prefix must allow some numbers.
    """
    pattern = _uk_pattern(kind)
    out = np.empty(len(prefixes), dtype=object)
    todo = np.arange(len(prefixes))
    while len(todo):
        draws = rng.integers(0, 10**10, len(todo))
        for row, draw in zip(todo.tolist(), draws.tolist(), strict=True):
            prefix = str(prefixes[row])
            national = prefix + f"{draw:010d}"[: 10 - len(prefix)]
            if pattern.fullmatch(national):
                out[row] = "+44" + national
        todo = todo[out[todo] == None]  # noqa: E711 (elementwise comparison)
    return out.astype(str)


def _mobiles(rng: np.random.Generator, size: int) -> np.ndarray:
    return _uk_numbers(rng, np.full(size, "7"), "mobile")


@dataclass(frozen=True)
class Catalogue:
    """The products: ten per category, prices and costs in pence."""

    category_names: tuple[str, ...]
    category_groups: tuple[tuple[int, ...], ...]
    sku: np.ndarray
    name: np.ndarray
    category: np.ndarray
    price: np.ndarray
    cost: np.ndarray
    rank_order: np.ndarray  # (categories, 10): products of a category, most popular first

    @property
    def size(self) -> int:
        return len(self.sku)


def catalogue(seed: int) -> Catalogue:
    """The product catalogue for a seed: the same for every chunk."""
    rng = np.random.default_rng([seed, 0])
    names: list[str] = []
    skus: list[str] = []
    categories: list[int] = []
    prices: list[int] = []
    costs: list[int] = []
    for c, (cat_name, _groups, margin, products) in enumerate(vocab.CATEGORIES):
        code = "".join(w[0] for w in cat_name.replace("&", "").split()).upper()[:3]
        for p, (product, pounds) in enumerate(products):
            # list prices end in .99 (or .49 under ten pounds), as shop prices do
            price = round(pounds) * 100 - 1 if pounds >= 10 else int(pounds * 100) - 1
            rate = float(np.clip(margin + rng.normal(0.0, 0.06), 0.08, 0.85))
            names.append(product)
            skus.append(f"HW-{code}-{c + 1:02d}{p + 1:02d}")
            categories.append(c)
            prices.append(price)
            costs.append(round(price * (1 - rate)))
    n_cat = len(vocab.CATEGORIES)
    rank_order = np.stack([c * 10 + rng.permutation(10) for c in range(n_cat)])
    return Catalogue(
        category_names=tuple(c[0] for c in vocab.CATEGORIES),
        category_groups=tuple(c[1] for c in vocab.CATEGORIES),
        sku=np.array(skus),
        name=np.array(names),
        category=np.array(categories, dtype=np.int64),
        price=np.array(prices, dtype=np.int64),
        cost=np.array(costs, dtype=np.int64),
        rank_order=rank_order,
    )


@dataclass
class Chunk:
    """One chunk of customers and everything that happened with them."""

    index: int
    first_customer: int
    accounts: int
    parties: Table
    relationships: Table
    preferences: Table
    orders: Table
    lines: Table
    returns: Table
    invoices: Table
    payments: Table
    reminders: Table
    statements: Table
    interactions: Table


def window(as_of: dt.date) -> tuple[int, int]:
    """(start, end) of the simulated history in epoch seconds: two years up to ``as_of``."""
    end = int(dt.datetime(as_of.year, as_of.month, as_of.day, tzinfo=dt.UTC).timestamp())
    return end - HISTORY_DAYS * DAY, end


def generate(
    *, customers: int, seed: int, as_of: dt.date, chunk_size: int = CHUNK_CUSTOMERS
) -> Iterator[Chunk]:
    """The business with ``customers`` accounts (people and organisations), chunk by chunk."""
    if not 1 <= customers <= MAX_CUSTOMERS:
        raise ValueError(f"customers must be between 1 and {MAX_CUSTOMERS:,}")
    cat = catalogue(seed)
    for index, first in enumerate(range(0, customers, chunk_size)):
        n = min(chunk_size, customers - first)
        yield _chunk(index=index, first=first, n=n, seed=seed, as_of=as_of, cat=cat)


def _numbered(prefix: str, count: int) -> np.ndarray:
    """``prefix0000000``, ``prefix0000001``, ...: identifiers unique within a chunk."""
    return np.char.add(prefix, np.char.zfill(np.arange(count).astype(str), 7))


def _month(ts: np.ndarray) -> np.ndarray:
    """Calendar month 0..11 of epoch seconds."""
    months = ts.astype("datetime64[s]").astype("datetime64[M]").astype(np.int64)
    return months % 12


def _season(ts: np.ndarray) -> np.ndarray:
    return SEASON[_month(ts)]


def _choice(rng: np.random.Generator, p: np.ndarray, size: int) -> np.ndarray:
    return rng.choice(len(p), size=size, p=p / p.sum())


def _daytime(rng: np.random.Generator, ts: np.ndarray, first: int, last: int) -> np.ndarray:
    """The same days as ``ts`` at a random time between ``first`` and ``last`` o'clock."""
    day = ts // DAY * DAY
    return day + rng.integers(first * 3600, last * 3600, size=len(ts))


def _chunk(*, index: int, first: int, n: int, seed: int, as_of: dt.date, cat: Catalogue) -> Chunk:
    rng = np.random.default_rng([seed, 1, index])
    start, end = window(as_of)

    # --- accounts: who they are, when and how they came -----------------------------------
    b2b = rng.random(n) < B2B_SHARE
    acq_channel = np.where(b2b, _choice(rng, _ACQ_B2B, n), _choice(rng, _ACQ_B2C, n))
    acquired = _arrivals(rng, n, start, end)
    prospect = ~b2b & (rng.random(n) < PROSPECT_SHARE)
    groups = np.where(b2b, _choice(rng, _GROUPS_B2B, n), _choice(rng, _GROUPS_B2C, n))
    second = (groups + rng.integers(1, len(vocab.GROUPS), size=n)) % len(vocab.GROUPS)

    mix = np.where(b2b[:, None], _MIX_B2B * 5, _MIX_B2C * 5)
    sales_channel_of_acq = np.array(
        [SALES_CHANNELS.index(c) if c in SALES_CHANNELS else -1 for c in ACQUISITION_CHANNELS]
    )[acq_channel]
    has_sales_acq = sales_channel_of_acq >= 0
    mix[np.flatnonzero(has_sales_acq), sales_channel_of_acq[has_sales_acq]] += 3.0
    mix = rng.standard_gamma(mix)
    mix /= mix.sum(axis=1, keepdims=True)

    # --- repeat buying: Pareto/NBD with seasonality ------------------------------------------
    rate = np.where(b2b, rng.gamma(1.5, 9.0 / 1.5, n), rng.gamma(0.8, 3.5 / 0.8, n))
    dropout = np.where(b2b, rng.gamma(2.0, 0.25 / 2.0, n), rng.gamma(2.0, 0.5 / 2.0, n))
    death = acquired + rng.exponential(1.0, n) / dropout * YEAR
    orders = _purchases(rng, acquired, death, rate, prospect, mix, start, end)

    parties, contacts_of = _parties(rng, first, n, b2b, acq_channel, acquired, end)
    owner = np.full(len(parties["kind"]), -1, dtype=np.int64)
    field_staff = np.array([i for i, s in enumerate(vocab.STAFF) if s[5]], dtype=np.int64)
    owner[:n] = np.where(b2b, field_staff[rng.integers(0, len(field_staff), n)], -1)
    parties["owner"] = owner

    order_party = orders["party"]
    n_orders = len(order_party)
    channel = orders["channel"]
    orders["external_id"] = _numbered(f"SO-{index:04d}-", n_orders)
    sales_staff = np.array(
        [i for i, s in enumerate(vocab.STAFF) if s[0] == "sales" and s[4] != "read_only"]
    )
    orders["staff"] = np.where(
        channel == SALES_CHANNELS.index("field"),
        owner[order_party],
        np.where(
            channel == SALES_CHANNELS.index("phone"),
            sales_staff[rng.integers(0, len(sales_staff), n_orders)],
            -1,
        ),
    )
    status = np.full(n_orders, "fulfilled", dtype="<U9")
    status[orders["ordered_at"] > end - 3 * DAY] = "placed"
    status[rng.random(n_orders) < 0.015] = "cancelled"
    orders["status"] = status

    lines = _lines(rng, orders, b2b, groups, second, cat)
    orders["total"] = (
        np.bincount(
            lines["order"], weights=lines["quantity"] * lines["unit_price"], minlength=n_orders
        )
        .round()
        .astype(np.int64)
    )
    returns = _returns(rng, orders, lines, end)
    invoices, payments, reminders = _billing(rng, index, orders, b2b, end)
    statements = _statements(invoices, b2b, acquired, start, end)
    interactions = _interactions(
        rng,
        index=index,
        parties=parties,
        contacts_of=contacts_of,
        n=n,
        b2b=b2b,
        groups=groups,
        acquired=acquired,
        death=death,
        start=start,
        end=end,
        orders=orders,
        lines=lines,
        returns=returns,
        invoices=invoices,
        reminders=reminders,
        cat=cat,
    )
    parties["tags"] = _tags(rng, parties, n, b2b, acq_channel, orders, lines, cat, mix)
    preferences = _preferences(rng, n, b2b, groups, acquired)
    relationships = _relationships(rng, contacts_of, n, acquired)
    return Chunk(
        index=index,
        first_customer=first,
        accounts=n,
        parties=parties,
        relationships=relationships,
        preferences=preferences,
        orders=orders,
        lines=lines,
        returns=returns,
        invoices=invoices,
        payments=payments,
        reminders=reminders,
        statements=statements,
        interactions=interactions,
    )


def _arrivals(rng: np.random.Generator, n: int, start: int, end: int) -> np.ndarray:
    """Acquisition times: 30% before the window, the rest at a growing, seasonal rate."""
    growth = np.log(2.0)
    out = np.empty(n, dtype=np.int64)
    todo = np.arange(n)
    while len(todo):
        u = rng.random(len(todo))
        frac = np.log1p(u * (np.exp(growth) - 1.0)) / growth
        ts = (start + frac * (end - start - DAY)).astype(np.int64)
        keep = rng.random(len(todo)) < _season(ts) / SEASON.max()
        out[todo[keep]] = ts[keep]
        todo = todo[~keep]
    before = rng.random(n) < 0.30
    out[before] = start - rng.integers(DAY, 3 * 365 * DAY, size=int(before.sum()))
    return _daytime(rng, out, 8, 20)


def _purchases(
    rng: np.random.Generator,
    acquired: np.ndarray,
    death: np.ndarray,
    rate: np.ndarray,
    prospect: np.ndarray,
    mix: np.ndarray,
    start: int,
    end: int,
) -> Table:
    """Order times and channels: a first order at acquisition, then thinned Poisson repeats."""
    n = len(acquired)
    first_buyer = (acquired >= start) & ~prospect
    first_party = np.flatnonzero(first_buyer)
    first_time = acquired[first_buyer] + rng.integers(60, 1800, size=len(first_party))

    t0 = np.maximum(acquired, start)
    t1 = np.minimum(death, end).astype(np.int64)
    span = np.where(prospect, 0, np.maximum(t1 - t0, 0))
    smax = SEASON.max()
    candidates = np.minimum(rng.poisson(rate * smax * span / YEAR), 400)
    repeat_party = np.repeat(np.arange(n), candidates)
    repeat_time = t0[repeat_party] + (rng.random(len(repeat_party)) * span[repeat_party]).astype(
        np.int64
    )
    keep = rng.random(len(repeat_party)) < _season(repeat_time) / smax
    repeat_party, repeat_time = repeat_party[keep], repeat_time[keep]

    party = np.concatenate([first_party, repeat_party])
    time = np.concatenate([first_time, repeat_time])
    cum = np.cumsum(mix, axis=1)[party]
    channel = (rng.random(len(party))[:, None] > cum).sum(axis=1).clip(0, len(SALES_CHANNELS) - 1)
    repeat = np.arange(len(party)) >= len(first_party)
    hours = {0: (9, 18), 1: (8, 20), 2: (6, 24), 3: (9, 17), 4: (9, 17)}
    for code, (lo, hi) in hours.items():
        rows = np.flatnonzero(repeat & (channel == code))
        time[rows] = _daytime(rng, time[rows], lo, hi)
    time = np.minimum(time, end - 60)
    order = np.lexsort((time, party))
    return {"party": party[order], "ordered_at": time[order], "channel": channel[order]}


def _lines(
    rng: np.random.Generator,
    orders: Table,
    b2b: np.ndarray,
    groups: np.ndarray,
    second: np.ndarray,
    cat: Catalogue,
) -> Table:
    """Order lines drawn mostly from one interest group per order: the co-purchase structure."""
    party = orders["party"]
    n_orders = len(party)
    is_b2b = b2b[party]
    count = np.where(
        is_b2b,
        1 + rng.poisson(2.5, n_orders).clip(0, 14),
        1 + rng.poisson(0.9, n_orders).clip(0, 7),
    )
    group = np.where(rng.random(n_orders) < 0.75, groups[party], second[party])
    line_order = np.repeat(np.arange(n_orders), count)
    n_lines = len(line_order)

    n_groups = len(vocab.GROUPS)
    members = [[c for c, g in enumerate(cat.category_groups) if k in g] for k in range(n_groups)]
    width = max(len(m) for m in members)
    padded = np.array([m + [m[0]] * (width - len(m)) for m in members])
    sizes = np.array([len(m) for m in members])
    g = group[line_order]
    in_group = padded[g, (rng.random(n_lines) * sizes[g]).astype(np.int64)]
    anywhere = rng.integers(0, len(cat.category_names), n_lines)
    category = np.where(rng.random(n_lines) < IN_GROUP_LINE_SHARE, in_group, anywhere)
    christmas = np.isin(_month(orders["ordered_at"][line_order]), [10, 11])
    gifts = cat.category_names.index(GIFTS_CATEGORY)
    category = np.where(christmas & (rng.random(n_lines) < 0.25), gifts, category)
    popularity = 1.0 / np.arange(1, 11) ** 0.9
    rank = rng.choice(10, size=n_lines, p=popularity / popularity.sum())
    product = cat.rank_order[category, rank]

    # one line per product within an order
    _, first_of = np.unique(line_order * cat.size + product, return_index=True)
    first_of.sort()
    line_order, product = line_order[first_of], product[first_of]
    n_lines = len(line_order)
    starts = np.searchsorted(line_order, np.arange(n_orders))
    line_no = np.arange(n_lines) - starts[line_order] + 1

    b2b_line = is_b2b[line_order]
    quantity = np.where(
        b2b_line,
        1 + rng.poisson(3.0, n_lines),
        rng.choice([1, 2, 3, 4], size=n_lines, p=[0.78, 0.15, 0.05, 0.02]),
    )
    price = cat.price[product]
    unit_price = np.where(b2b_line, np.round(price * 0.9).astype(np.int64), price)
    return {
        "order": line_order,
        "party": party[line_order],
        "line_no": line_no,
        "product": product,
        "quantity": quantity.astype(np.int64),
        "unit_price": unit_price.astype(np.int64),
    }


def _returns(rng: np.random.Generator, orders: Table, lines: Table, end: int) -> Table:
    """A few percent of lines come back, more often from the web shop."""
    order = lines["order"]
    web = orders["channel"][order] == SALES_CHANNELS.index("web")
    chance = np.where(web, 2 * RETURN_RATE, RETURN_RATE)
    chance[orders["status"][order] == "cancelled"] = 0.0
    returned_at = orders["ordered_at"][order] + rng.integers(3 * DAY, 30 * DAY, len(order))
    picked = np.flatnonzero((rng.random(len(order)) < chance) & (returned_at < end))
    quantity = 1 + (rng.random(len(picked)) * lines["quantity"][picked]).astype(np.int64)
    reasons = np.array(vocab.RETURN_REASONS)
    return {
        "line": picked,
        "party": lines["party"][picked],
        "returned_at": returned_at[picked],
        "quantity": quantity,
        "reason": reasons[rng.integers(0, len(reasons), len(picked))],
        "refund": quantity * lines["unit_price"][picked],
    }


NEVER = np.iinfo(np.int64).max


def _billing(
    rng: np.random.Generator, index: int, orders: Table, b2b: np.ndarray, end: int
) -> tuple[Table, Table, Table]:
    """Invoices, the payments against them and the reminders sent while they were overdue."""
    party = orders["party"]
    n_orders = len(party)
    channel = orders["channel"]
    u = rng.random(n_orders)
    mail_or_phone = np.isin(
        channel, [SALES_CHANNELS.index("direct_mail"), SALES_CHANNELS.index("phone")]
    )
    invoiced = (orders["status"] != "cancelled") & (
        b2b[party] | (mail_or_phone & (u < 0.6)) | (u < 0.05)
    )
    order = np.flatnonzero(invoiced)
    k = len(order)
    inv_party = party[order]
    issued = _daytime(rng, orders["ordered_at"][order] + rng.integers(0, 2, k) * DAY, 8, 18)
    issued = np.maximum(np.minimum(issued, end - 1), orders["ordered_at"][order])
    is_b2b = b2b[inv_party]
    due = issued + np.where(is_b2b, 30, 14) * DAY
    # payer habit per account: 0 prompt, 1 late, 2 bad
    habit = _choice(rng, np.array([0.80, 0.15, 0.05]), len(b2b))[inv_party]
    terms = due - issued
    paid_at = np.where(
        habit == 0,
        issued + (rng.random(k) * terms).astype(np.int64) + DAY,
        np.where(
            habit == 1,
            due + rng.integers(3 * DAY, 60 * DAY, k),
            np.where(rng.random(k) < 0.5, NEVER, due + rng.integers(30 * DAY, 150 * DAY, k)),
        ),
    )
    paid_at = np.where(paid_at == NEVER, NEVER, _daytime(rng, np.minimum(paid_at, end), 7, 22))
    paid_at = np.maximum(paid_at, issued + 3600)
    paid = paid_at < end
    invoices = {
        "number": _numbered(f"INV-{index:04d}-", k),
        "party": inv_party,
        "order": order,
        "issued_at": issued,
        "due_at": due,
        "total": orders["total"][order],
        "status": np.where(paid, "paid", "open"),
        "paid_at": np.where(paid, paid_at, NEVER),
    }
    p = np.flatnonzero(paid)
    methods_b2b = np.array(["transfer", "direct_debit"])
    methods_b2c = np.array(["card", "transfer", "cheque"])
    method = np.where(
        is_b2b[p],
        methods_b2b[_choice(rng, np.array([0.7, 0.3]), len(p))],
        methods_b2c[_choice(rng, np.array([0.6, 0.3, 0.1]), len(p))],
    )
    payments = {
        "party": inv_party[p],
        "invoice": p,
        "received_at": paid_at[p],
        "amount": invoices["total"][p],
        "method": method,
        "reference": invoices["number"][p],
    }
    parts: list[tuple[np.ndarray, np.ndarray, int]] = []
    for level, days in ((1, 7), (2, 21), (3, 35)):
        sent = due + days * DAY
        rows = np.flatnonzero((sent < paid_at) & (sent < end))
        parts.append((rows, sent[rows], level))
    rows = np.concatenate([r for r, _, _ in parts])
    reminders = {
        "party": inv_party[rows],
        "invoice": rows,
        "sent_at": np.concatenate([s for _, s, _ in parts]),
        "level": np.concatenate([np.full(len(r), lv, dtype=np.int64) for r, _, lv in parts]),
        "amount_due": invoices["total"][rows],
    }
    return invoices, payments, reminders


def _quarter_starts(start: int, end: int) -> list[int]:
    first = dt.datetime.fromtimestamp(start, dt.UTC)
    year, quarter = first.year, (first.month - 1) // 3
    out: list[int] = []
    while True:
        ts = int(dt.datetime(year, quarter * 3 + 1, 1, tzinfo=dt.UTC).timestamp())
        if ts > end:
            return out
        out.append(ts)
        quarter += 1
        if quarter == 4:
            year, quarter = year + 1, 0


def _statements(
    invoices: Table,
    b2b: np.ndarray,
    acquired: np.ndarray,
    start: int,
    end: int,
) -> Table:
    """Quarterly statements for business accounts; balances are the unpaid invoices."""
    n = len(b2b)
    party, total = invoices["party"], invoices["total"].astype(np.float64)
    issued, paid_at = invoices["issued_at"], invoices["paid_at"]

    def balance(t: int) -> np.ndarray:
        owing = (issued < t) & (paid_at >= t)
        return np.bincount(party[owing], weights=total[owing], minlength=n).round().astype(np.int64)

    quarters = _quarter_starts(start, end)
    cols: dict[str, list[np.ndarray]] = {
        k: [] for k in ("party", "period_start", "period_end", "issued_at", "opening", "closing")
    }
    accounts = np.flatnonzero(b2b)
    for qs, qe in itertools.pairwise(quarters):
        issued_at = qe + 3 * DAY + 9 * 3600
        if qs < start or issued_at >= end:
            continue
        who = accounts[acquired[accounts] < qe]
        cols["party"].append(who)
        cols["period_start"].append(np.full(len(who), qs, dtype=np.int64))
        cols["period_end"].append(np.full(len(who), qe - DAY, dtype=np.int64))
        cols["issued_at"].append(np.full(len(who), issued_at, dtype=np.int64))
        cols["opening"].append(balance(qs)[who])
        cols["closing"].append(balance(qe)[who])
    return {k: (np.concatenate(v) if v else np.empty(0, dtype=np.int64)) for k, v in cols.items()}


def _names(rng: np.random.Generator, size: int) -> tuple[np.ndarray, np.ndarray]:
    female = rng.random(size) < 0.5
    given_f = np.array(vocab.GIVEN_NAMES_F)[rng.integers(0, len(vocab.GIVEN_NAMES_F), size)]
    given_m = np.array(vocab.GIVEN_NAMES_M)[rng.integers(0, len(vocab.GIVEN_NAMES_M), size)]
    given = np.where(female, given_f, given_m)
    family = np.array(vocab.FAMILY_NAMES)[rng.integers(0, len(vocab.FAMILY_NAMES), size)]
    return given, family


def _parties(
    rng: np.random.Generator,
    first: int,
    n: int,
    b2b: np.ndarray,
    acq_channel: np.ndarray,
    acquired: np.ndarray,
    end: int,
) -> tuple[Table, np.ndarray]:
    """Accounts (rows 0..n-1), then the contact people of the organisations among them."""
    towns = vocab.TOWNS
    town = _choice(rng, np.array([t[2] for t in towns]), n)
    given, family = _names(rng, n)
    numbers = first + np.arange(n) + 1
    ext = np.array([f"CU{k:07d}" for k in numbers])

    org_first = np.array(vocab.ORG_FIRST)[rng.integers(0, len(vocab.ORG_FIRST), n)]
    org_type = np.array(vocab.ORG_TYPES)[rng.integers(0, len(vocab.ORG_TYPES), n)]
    org_suffix = np.array(vocab.ORG_SUFFIXES)[rng.integers(0, len(vocab.ORG_SUFFIXES), n)]
    org_name = np.array(
        [f"{a} {b} {c}".strip() for a, b, c in zip(org_first, org_type, org_suffix, strict=True)]
    )
    org_domain = np.array(
        [
            f"{_ascii(a)}{_ascii(b)}{k}.co.uk"
            for a, b, k in zip(org_first, org_type, numbers, strict=True)
        ]
    )
    domains = np.array(vocab.EMAIL_DOMAINS)[_choice(rng, np.array(vocab.EMAIL_DOMAIN_WEIGHTS), n)]
    style = rng.integers(0, 4, n)
    emails = []
    for i in range(n):
        if b2b[i]:
            emails.append(f"accounts@{org_domain[i]}")
            continue
        g, f = _ascii(str(given[i])), _ascii(str(family[i]))
        local = (f"{g}.{f}", f"{g}{f}", f"{g[0]}.{f}", f"{f}.{g}")[style[i]]
        emails.append(f"{local}{numbers[i]}@{domains[i]}")

    area = np.array([t[3] for t in towns])[town]
    phone = _mobiles(rng, n)
    phone[b2b] = _uk_numbers(rng, area[b2b], "fixed_line")

    letters = np.array(list(vocab.POSTCODE_LETTERS))
    area_codes = np.array([t[1] for t in towns])[town]
    district = rng.integers(1, 21, n)
    sector = rng.integers(1, 10, n)
    unit = letters[rng.integers(0, len(letters), (n, 2))]
    postcode = np.array(
        [
            f"{a}{d} {s}{u[0]}{u[1]}"
            for a, d, s, u in zip(area_codes, district, sector, unit, strict=True)
        ]
    )
    streets = np.array(vocab.STREETS)[rng.integers(0, len(vocab.STREETS), n)]
    house = rng.integers(1, 180, n)
    street = np.array(
        [
            (f"Unit {h % 30 + 1}, {s}" if b else f"{h} {s}")
            for h, s, b in zip(house, streets, b2b, strict=True)
        ]
    )
    city = np.array([t[0] for t in towns])[town]

    age_days = ((18 + rng.beta(2.0, 3.0, n) * 67) * 365.25).astype(np.int64)
    birth = (np.datetime64(end // DAY, "D") - age_days).astype("datetime64[D]")
    birth[b2b | (rng.random(n) < 0.25)] = np.datetime64("NaT")

    # contact people of organisations: 1 to 5 each
    orgs = np.flatnonzero(b2b)
    per_org = 1 + rng.binomial(4, 0.3, len(orgs))
    contact_org = np.repeat(orgs, per_org)
    m = len(contact_org)
    c_given, c_family = _names(rng, m)
    ordinal = np.arange(m) - np.repeat(np.cumsum(per_org) - per_org, per_org) + 1
    c_ext = np.array([f"{ext[o]}-{k}" for o, k in zip(contact_org, ordinal, strict=True)])
    c_email = np.array(
        [
            f"{_ascii(str(g))}.{_ascii(str(f))}@{org_domain[o]}"
            for g, f, o in zip(c_given, c_family, contact_org, strict=True)
        ]
    )
    # two contacts with the same name at one organisation: keep the address unique
    seen: set[str] = set()
    for i, e in enumerate(c_email):
        if e in seen:
            c_email[i] = e.replace("@", f"{ordinal[i]}@")
        seen.add(str(c_email[i]))

    kind = np.where(b2b, "organisation", "person")
    blank_m = np.full(m, "")
    consent = np.array(["granted", "refused", "unknown"])
    parties: Table = {
        "external_id": np.concatenate([ext, c_ext]),
        "kind": np.concatenate([kind, np.full(m, "person")]),
        "given_name": np.concatenate([np.where(b2b, "", given), c_given]),
        "family_name": np.concatenate([np.where(b2b, "", family), c_family]),
        "organisation_name": np.concatenate([np.where(b2b, org_name, ""), blank_m]),
        "email": np.concatenate([np.array(emails), c_email]),
        "phone": np.concatenate([phone, _mobiles(rng, m)]),
        "street": np.concatenate([street, blank_m]),
        "city": np.concatenate([city, blank_m]),
        "postcode": np.concatenate([postcode, blank_m]),
        "country": np.concatenate([np.full(n, "GB"), blank_m]),
        "date_of_birth": np.concatenate([birth, np.full(m, np.datetime64("NaT"), "datetime64[D]")]),
        "acquisition_channel": np.concatenate(
            [np.array(ACQUISITION_CHANNELS)[acq_channel], blank_m]
        ),
        "acquired_at": np.concatenate([acquired, acquired[contact_org]]),
        "employer": np.concatenate([np.full(n, -1), contact_org]),
        "email_consent": np.concatenate(
            [consent[_choice(rng, np.array([0.6, 0.1, 0.3]), n)], np.full(m, "unknown")]
        ),
    }
    return parties, contact_org


def _relationships(
    rng: np.random.Generator, contact_org: np.ndarray, n: int, acquired: np.ndarray
) -> Table:
    m = len(contact_org)
    titles = vocab.CONTACT_TITLES
    pick = rng.integers(0, len(titles), m)
    first_of_org = np.ones(m, dtype=bool)
    first_of_org[1:] = contact_org[1:] != contact_org[:-1]
    return {
        "person": n + np.arange(m),
        "organisation": contact_org,
        "role": np.array([titles[p][1] for p in pick]),
        "title": np.array([titles[p][0] for p in pick]),
        "is_primary_contact": first_of_org,
        "started_at": acquired[contact_org] - rng.integers(0, 5 * 365, m) * DAY,
    }


def _tags(
    rng: np.random.Generator,
    parties: Table,
    n: int,
    b2b: np.ndarray,
    acq_channel: np.ndarray,
    orders: Table,
    lines: Table,
    cat: Catalogue,
    mix: np.ndarray,
) -> np.ndarray:
    """Tags per party, as ``;``-joined strings (the canonical import format)."""
    spend = np.bincount(orders["party"], weights=orders["total"], minlength=n)
    vip = spend >= np.quantile(spend, 0.95) if n >= 20 else spend > 0
    gifts = cat.category_names.index(GIFTS_CATEGORY)
    gift_buyer = np.zeros(n, dtype=bool)
    gift_buyer[lines["party"][cat.category[lines["product"]] == gifts]] = True
    newsletter = parties["email_consent"][:n] == "granted"
    catalogue_reader = (acq_channel == ACQUISITION_CHANNELS.index("direct_mail")) | (
        mix[:, SALES_CHANNELS.index("direct_mail")] > 0.3
    )
    service_plan = b2b & (rng.random(n) < 0.4)
    eco = rng.random(n) < 0.1
    flags = (
        ("vip", vip & (spend > 0)),
        ("trade", b2b),
        ("service-plan", service_plan),
        ("newsletter", newsletter),
        ("catalogue", catalogue_reader),
        ("gift-buyer", gift_buyer),
        ("eco", eco),
    )
    total = len(parties["kind"])
    tags = np.full(total, "", dtype=object)
    for i in range(n):
        tags[i] = ";".join(name for name, mask in flags if mask[i])
    return tags


def _preferences(
    rng: np.random.Generator, n: int, b2b: np.ndarray, groups: np.ndarray, acquired: np.ndarray
) -> Table:
    """Recorded buying motives, interests and needs for some accounts."""
    motives = np.array(["price", "quality", "convenience", "status", "service"])
    has_motive = rng.random(n) < 0.35
    has_interest = rng.random(n) < 0.2
    has_need = rng.random(n) < np.where(b2b, 0.5, 0.08)
    needs_b2b = (
        "Needs invoices quoting a purchase order number",
        "Needs deliveries before 9 am",
        "Wants one monthly invoice instead of one per order",
        "Needs a named account manager",
    )
    needs_b2c = (
        "Wants next-day delivery",
        "Needs step-free access in store",
        "Wants paper catalogues, not emails",
        "Prefers to be called in the evening",
    )
    rows: dict[str, list[object]] = {
        k: [] for k in ("party", "kind", "motive", "detail", "strength", "recorded_at")
    }

    def add(who: np.ndarray, kind: str, motive: np.ndarray, detail: np.ndarray) -> None:
        rows["party"].extend(who.tolist())
        rows["kind"].extend([kind] * len(who))
        rows["motive"].extend(motive.tolist())
        rows["detail"].extend(detail.tolist())
        rows["strength"].extend(rng.integers(1, 6, len(who)).tolist())
        rows["recorded_at"].extend((acquired[who] + rng.integers(DAY, 90 * DAY, len(who))).tolist())

    who = np.flatnonzero(has_motive)
    add(
        who,
        "motive",
        motives[_choice(rng, np.array([0.35, 0.25, 0.2, 0.05, 0.15]), len(who))],
        np.full(len(who), ""),
    )
    who = np.flatnonzero(has_interest)
    add(
        who,
        "interest",
        np.full(len(who), ""),
        np.array([f"Interested in {vocab.GROUPS[g].lower()}" for g in groups[who]]),
    )
    who = np.flatnonzero(has_need)
    need = np.array(
        [
            (needs_b2b if b2b[w] else needs_b2c)[k]
            for w, k in zip(who, rng.integers(0, 4, len(who)), strict=True)
        ]
    )
    add(who, "need", np.full(len(who), ""), need)
    return {
        "party": np.array(rows["party"], dtype=np.int64),
        "kind": np.array(rows["kind"], dtype=str),
        "motive": np.array(rows["motive"], dtype=str),
        "detail": np.array(rows["detail"], dtype=str),
        "strength": np.array(rows["strength"], dtype=np.int64),
        "recorded_at": np.array(rows["recorded_at"], dtype=np.int64),
    }


def _pounds(pence: int) -> str:
    return f"£{pence // 100:,}.{pence % 100:02d}"


class _Rows:
    """Interaction rows collected section by section as arrays, joined at the end."""

    KEYS = (
        "party",
        "occurred_at",
        "kind",
        "direction",
        "channel",
        "staff",
        "department",
        "outcome",
        "subject",
        "notes",
        "visibility",
    )

    def __init__(self) -> None:
        self.parts: list[dict[str, np.ndarray]] = []

    def add(self, **columns: object) -> None:
        size = len(columns["party"])  # type: ignore[arg-type]
        part = {}
        for key in self.KEYS:
            value = columns.get(key, "shared" if key == "visibility" else "")
            if isinstance(value, np.ndarray | list):
                part[key] = np.asarray(
                    value,
                    dtype=object if key not in ("party", "occurred_at", "staff") else np.int64,
                )
            else:
                part[key] = np.full(
                    size, value, dtype=object if not isinstance(value, int) else np.int64
                )
        self.parts.append(part)

    def table(self) -> Table:
        return {key: np.concatenate([p[key] for p in self.parts]) for key in self.KEYS}


def _interactions(
    rng: np.random.Generator,
    *,
    index: int,
    parties: Table,
    contacts_of: np.ndarray,
    n: int,
    b2b: np.ndarray,
    groups: np.ndarray,
    acquired: np.ndarray,
    death: np.ndarray,
    start: int,
    end: int,
    orders: Table,
    lines: Table,
    returns: Table,
    invoices: Table,
    reminders: Table,
    cat: Catalogue,
) -> Table:
    """Direct and indirect contacts across departments, each with a subject and notes."""
    rows = _Rows()
    teams = {}
    for code, _name in vocab.DEPARTMENTS:
        teams[code] = np.array(
            [i for i, s in enumerate(vocab.STAFF) if s[0] == code and s[4] != "read_only"]
        )

    def pick(team: str, size: int) -> np.ndarray:
        return teams[team][rng.integers(0, len(teams[team]), size)]

    def office(at: np.ndarray) -> np.ndarray:
        """The same days, during office hours."""
        return _daytime(rng, np.asarray(at, dtype=np.int64), 9, 17)

    first_contact = np.full(n, -1, dtype=np.int64)
    if len(contacts_of):
        starts = np.flatnonzero(np.r_[True, contacts_of[1:] != contacts_of[:-1]])
        first_contact[contacts_of[starts]] = n + starts
    contact_name = np.where(
        first_contact >= 0, parties["given_name"][np.maximum(first_contact, 0)], "the buyer"
    )
    members = [
        [c for c, g in enumerate(cat.category_groups) if k in g] for k in range(len(vocab.GROUPS))
    ]
    width = max(len(m) for m in members)
    padded = np.array([m + [m[0]] * (width - len(m)) for m in members])
    sizes = np.array([len(m) for m in members])
    category_names = np.array([c.lower() for c in cat.category_names])

    def fill(texts: np.ndarray, account: np.ndarray) -> list[str]:
        g = groups[account]
        c = padded[g, (rng.random(len(account)) * sizes[g]).astype(np.int64)]
        product = cat.name[cat.rank_order[c, rng.integers(0, 4, len(account))]]
        return [
            t.format(category=k, product=p, contact=who)
            for t, k, p, who in zip(
                texts.tolist(),
                category_names[c].tolist(),
                product.tolist(),
                contact_name[account].tolist(),
                strict=True,
            )
        ]

    s0 = np.maximum(acquired, start)
    s1 = np.minimum(end - DAY, death + 180 * DAY).astype(np.int64)
    span = np.maximum(s1 - s0, 0)

    def during_life(account: np.ndarray) -> np.ndarray:
        return office(s0[account] + (rng.random(len(account)) * span[account]).astype(np.int64))

    # conversations, at a rate per year of active life
    templates = vocab.DIRECT_TEMPLATES
    t_col = {
        k: np.array([t[i] for t in templates], dtype=object)
        for i, k in enumerate(("department", "kind", "direction", "channel"))
    }
    subjects = np.array([t[6] for t in templates], dtype=object)
    notes = np.array([t[7] for t in templates], dtype=object)
    b2b_ok = np.array([i for i, t in enumerate(templates) if not t[5]])
    b2c_ok = np.array([i for i, t in enumerate(templates) if not t[4]])
    count = rng.poisson(np.where(b2b, 4.0, 0.9) * span / YEAR)
    account = np.repeat(np.arange(n), count)
    m = len(account)
    chosen = np.where(
        b2b[account],
        b2b_ok[rng.integers(0, len(b2b_ok), m)],
        b2c_ok[rng.integers(0, len(b2c_ok), m)],
    )
    # nobody follows up a first order that never happened
    bought = np.bincount(orders["party"], minlength=n) > 0
    follow_up = [i for i, t in enumerate(templates) if "first order" in t[6]]
    price_enquiry = [i for i, t in enumerate(templates) if t[6].startswith("Price enquiry")]
    chosen[np.isin(chosen, follow_up) & ~bought[account]] = price_enquiry[0]
    department = t_col["department"][chosen]
    staff = np.full(m, -1, dtype=np.int64)
    for code in teams:
        here = np.flatnonzero(department == code)
        staff[here] = pick(code, len(here))
    owner = parties["owner"][account]
    by_owner = (department == "sales") & (owner >= 0)
    staff[by_owner] = owner[by_owner]
    outcome = np.empty(m, dtype=object)
    u = rng.random(m)
    for i, t in enumerate(templates):
        here = chosen == i
        options = np.array(t[8], dtype=object)
        outcome[here] = options[(u[here] * len(options)).astype(np.int64)]
    rows.add(
        party=account,
        occurred_at=during_life(account),
        kind=t_col["kind"][chosen],
        direction=t_col["direction"][chosen],
        channel=t_col["channel"][chosen],
        staff=staff,
        department=department,
        outcome=outcome,
        subject=fill(subjects[chosen], account),
        notes=fill(notes[chosen], account),
    )

    # notes a department keeps to itself
    private = vocab.PRIVATE_TEMPLATES
    account = np.flatnonzero((rng.random(n) < 0.04) & (span > 0))
    chosen = rng.integers(0, len(private), len(account))
    p_col = [np.array([t[i] for t in private], dtype=object)[chosen] for i in range(6)]
    staff = np.empty(len(account), dtype=np.int64)
    for code in teams:
        here = np.flatnonzero(p_col[0] == code)
        staff[here] = pick(code, len(here))
    rows.add(
        party=account,
        occurred_at=during_life(account),
        kind=p_col[1],
        direction=p_col[2],
        channel=p_col[3],
        staff=staff,
        department=p_col[0],
        subject=p_col[4],
        notes=fill(p_col[5], account),
        visibility="department",
    )

    # welcome emails to new customers who agreed to hear from us
    account = np.flatnonzero((acquired >= start) & (parties["email_consent"][:n] == "granted"))
    rows.add(
        party=account,
        occurred_at=acquired[account] + 3600,
        kind="email",
        direction="outbound",
        channel="email",
        staff=-1,
        department="marketing",
        subject="Welcome to Hartwell & Co.",
        notes="Welcome email with delivery options, the store finder and the newsletter.",
    )

    # finance chases most invoices that reached a second reminder
    level2 = reminders["level"] == 2
    chased = np.flatnonzero(level2 & (rng.random(len(level2)) < 0.6))
    at = office(reminders["sent_at"][chased] + 2 * DAY)
    chased, at = chased[at < end], at[at < end]
    invoice = reminders["invoice"][chased]
    numbers = invoices["number"][invoice].tolist()
    amounts = [_pounds(v) for v in invoices["total"][invoice].tolist()]
    rows.add(
        party=reminders["party"][chased],
        occurred_at=at,
        kind="call",
        direction="outbound",
        channel="phone",
        staff=pick("finance", len(chased)),
        department="finance",
        outcome="follow_up",
        subject=[f"Overdue invoice {k}" for k in numbers],
        notes=[
            f"Called about invoice {k} ({a}); customer promised to pay within seven days."
            for k, a in zip(numbers, amounts, strict=True)
        ],
    )

    # half of the returns were announced to customer service first
    announced = np.flatnonzero(rng.random(len(returns["line"])) < 0.5)
    by_phone = rng.random(len(announced)) < 0.5
    products = cat.name[lines["product"][returns["line"][announced]]].tolist()
    rows.add(
        party=returns["party"][announced],
        occurred_at=office(returns["returned_at"][announced] - DAY),
        kind=np.where(by_phone, "call", "email").astype(object),
        direction="inbound",
        channel=np.where(by_phone, "phone", "email").astype(object),
        staff=pick("service", len(announced)),
        department="service",
        outcome="resolved",
        subject=[f"Return: {p}" for p in products],
        notes=[
            f"Returning {q} × {p} ({r.lower()}); return label sent."
            for q, p, r in zip(
                returns["quantity"][announced].tolist(),
                products,
                returns["reason"][announced].tolist(),
                strict=True,
            )
        ],
    )

    # delivery notices for everything that was shipped
    shipped = np.flatnonzero(
        (orders["channel"] != SALES_CHANNELS.index("store"))
        & (orders["status"] == "fulfilled")
        & (orders["ordered_at"] + DAY < end)
    )
    items = np.bincount(lines["order"], minlength=len(orders["party"]))[shipped].tolist()
    tracking = rng.integers(10**9, 10**10, len(shipped)).tolist()
    rows.add(
        party=orders["party"][shipped],
        occurred_at=orders["ordered_at"][shipped] + DAY,
        kind="delivery_notice",
        direction="outbound",
        channel="email",
        staff=-1,
        department="service",
        subject=[f"Order {k} dispatched" for k in orders["external_id"][shipped].tolist()],
        notes=[
            f"{i} item{'s' if i > 1 else ''} on the way; tracking number HW{t}."
            for i, t in zip(items, tracking, strict=True)
        ],
    )

    # yearly renewal notices for business accounts with a service plan
    plans = np.flatnonzero(b2b & (rng.random(n) < 0.4))
    years = np.arange(8)
    due = acquired[plans][:, None] + (years[None, :] * YEAR).astype(np.int64)
    who, k = np.nonzero((due >= start) & (due < end))
    sent = due[who, k]
    renews = np.datetime_as_string((sent + 30 * DAY).astype("datetime64[s]"), unit="D")
    rows.add(
        party=plans[who],
        occurred_at=sent,
        kind="renewal_notice",
        direction="outbound",
        channel="post",
        staff=-1,
        department="sales",
        subject="Service plan renewal due",
        notes=[
            f"Annual service plan renews on {dt.date.fromisoformat(d):%d %B %Y}; "
            "renewal pack posted."
            for d in renews.tolist()
        ],
    )

    out = rows.table()
    total = len(out["party"])
    talk = np.isin(out["kind"], list(TALK_KINDS))
    out["duration"] = np.where(talk, rng.integers(3, 60, total), -1)
    out["external_id"] = _numbered(f"IX-{index:04d}-", total)
    return out
