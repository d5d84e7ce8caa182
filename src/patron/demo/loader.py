"""Write the generated demo business into the database, in bulk.

The rows bypass the per-record services on purpose: a million customers through
``party_create`` would take hours, and the data are generated, not entered, so there is
nothing to validate row by row (the generator's tests check the invariants instead). What the
services would compute is computed here too: the derived name columns through
``party_names`` and the mirror columns of the primary contact points. Each chunk of
customers is inserted with ``executemany`` inside one transaction, ids assigned up front so
that the foreign keys are known without reading anything back. One audit entry records the
whole load; it is also the marker that tells a later ``patron demo`` the data are there.
"""

from __future__ import annotations

import datetime as dt
import importlib
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.apps import apps as django_apps
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone

from patron.accounts.models import Department, Membership, Role, User
from patron.core.db import refresh_planner_statistics
from patron.core.models import AuditEntry
from patron.demo import vocabulary as vocab
from patron.demo.generator import (
    CURRENCY,
    SALES_CHANNELS,
    Catalogue,
    Chunk,
    catalogue,
    generate,
)
from patron.interactions.models import Interaction
from patron.parties.models import (
    ContactPoint,
    Party,
    PartyRelationship,
    PartyTag,
    Preference,
    Tag,
    party_names,
)
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

MARKER_TYPE = "demo.load"
ADMIN_USERNAME = "admin"
BATCH = 10_000
SQLITE_CACHE_KIB = 256 * 1024

_TABLES: tuple[type[models.Model], ...] = (
    Party,
    ContactPoint,
    PartyRelationship,
    PartyTag,
    Preference,
    Order,
    OrderLine,
    Return,
    Invoice,
    Payment,
    PaymentReminder,
    Statement,
    Interaction,
)


class DemoError(Exception):
    """The demo cannot be loaded into this database; the message says why and what to do."""


@dataclass(frozen=True)
class DemoState:
    """What the database holds: nothing, the demo, an interrupted demo, or other data."""

    state: str  # "empty" | "loaded" | "interrupted" | "foreign"
    customers: int = 0
    seed: int | None = None
    note: str = ""


@dataclass
class LoadSummary:
    customers: int
    seed: int
    as_of: dt.date
    counts: dict[str, int] = field(default_factory=dict)


def demo_state() -> DemoState:
    """Whether the demo is already in the database (read from the load's audit entry)."""
    marker = AuditEntry.objects.filter(object_type=MARKER_TYPE).order_by("-at").first()
    if marker is not None:
        after = marker.after or {}
        return DemoState("loaded", int(after.get("customers", 0)), after.get("seed"), marker.note)
    if not Party.objects.exists():
        return DemoState("empty")
    if not Party.objects.exclude(external_id__startswith="CU").exists():
        return DemoState("interrupted")
    return DemoState("foreign")


def demo_reset() -> None:
    """Empty the whole database (every table, staff included) to rebuild the demo."""
    state = demo_state()
    if state.state == "foreign":
        raise DemoError(
            "This database holds customers that are not demo data; --reset would erase them. "
            "Point PATRON_HOME (or PATRON_DATABASE_URL) at a fresh database for the demo."
        )
    call_command("flush", interactive=False, verbosity=0)


def demo_login(*, password: str | None) -> tuple[str, str]:
    """Set the password of the demo admin and every demo staff member; (username, password)."""
    password = password or secrets.token_urlsafe(9)
    hashed = make_password(password)
    usernames = [ADMIN_USERNAME, *(s[1] for s in vocab.STAFF)]
    User.objects.filter(username__in=usernames).update(password=hashed, is_active=True)
    return ADMIN_USERNAME, password


def demo_load(
    *,
    customers: int,
    seed: int,
    as_of: dt.date,
    progress: Callable[[int, int], None] | None = None,
) -> LoadSummary:
    """Generate and insert the demo business; the caller has checked the database is empty."""
    cat = catalogue(seed)
    if connection.vendor == "sqlite":
        # Index pages of a growing database stay in memory instead of being re-read for
        # every chunk: bounded (256 MB) and only for this connection.
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
    with transaction.atomic():
        departments, staff_ids = _staff()
        product_ids = _catalogue(cat)
        tag_ids: dict[str, int] = {}
    summary = LoadSummary(customers=customers, seed=seed, as_of=as_of)
    done = 0
    for chunk in generate(customers=customers, seed=seed, as_of=as_of):
        with transaction.atomic():
            counts = _ChunkWriter(chunk, staff_ids, departments, product_ids, tag_ids).write()
        for key, value in counts.items():
            summary.counts[key] = summary.counts.get(key, 0) + value
        done += chunk.accounts
        if progress is not None:
            progress(done, customers)
    with transaction.atomic():
        _reset_sequences()
    for name, counts in _load_app_demo_data(seed=seed, as_of=as_of):
        for key, value in counts.items():
            summary.counts[f"{name}.{key}"] = value
    with transaction.atomic():
        AuditEntry.objects.create(
            at=timezone.now(),
            actor=None,
            actor_label="system",
            action=AuditEntry.Action.IMPORT,
            object_type=MARKER_TYPE,
            object_id=f"seed-{seed}",
            object_repr=f"Demo business, {customers:,} customers",
            after={
                "customers": customers,
                "seed": seed,
                "as_of": as_of.isoformat(),
                **summary.counts,
            },
            note=f"Demo data loaded: {customers:,} customers, seed {seed}, history to {as_of}.",
        )
    refresh_planner_statistics()
    return summary


def _load_app_demo_data(*, seed: int, as_of: dt.date) -> list[tuple[str, dict[str, int]]]:
    """Let every installed Patron app add its own data to the demo.

    An app that has something to show (scores, cases, points, surveys, ...) provides
    ``patron/<app>/demo_data.py`` with ``load_demo_data(*, seed, as_of) -> dict[str, int]``
    (counts of what it wrote); it runs after the customers, sales and interactions exist,
    in app order, so an app may build on the data of the apps before it.
    """
    loaded = []
    for config in django_apps.get_app_configs():
        if not config.name.startswith("patron."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.demo_data")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.demo_data":
                raise
            continue
        loaded.append((config.label, module.load_demo_data(seed=seed, as_of=as_of)))
    return loaded


def _staff() -> tuple[dict[str, int], list[int]]:
    """Departments, the demo staff and the admin; (department ids by code, staff ids)."""
    departments = {}
    for code, name in vocab.DEPARTMENTS:
        dept, _ = Department.objects.get_or_create(code=code, defaults={"name": name})
        departments[code] = dept.pk
    unusable = make_password(None)
    admin, _ = User.objects.get_or_create(
        username=ADMIN_USERNAME,
        defaults={
            "first_name": "Demo",
            "last_name": "Administrator",
            "password": unusable,
            "is_staff": True,
            "is_superuser": True,
            "email": "admin@hartwell.example",
        },
    )
    for dept_id in departments.values():
        Membership.objects.get_or_create(
            user=admin, department_id=dept_id, defaults={"role": Role.ADMIN}
        )
    ids = []
    for code, username, given, family, role, _field in vocab.STAFF:
        user, _ = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": given,
                "last_name": family,
                "password": unusable,
                "is_staff": True,
                "email": f"{username}@hartwell.example",
            },
        )
        Membership.objects.get_or_create(
            user=user, department_id=departments[code], defaults={"role": Role(role)}
        )
        ids.append(user.pk)
    return departments, ids


def _catalogue(cat: Catalogue) -> list[int]:
    category_ids = [Category.objects.get_or_create(name=name)[0].pk for name in cat.category_names]
    existing = {p.sku: p.pk for p in Product.objects.filter(sku__in=cat.sku.tolist())}
    new = [
        Product(
            sku=str(sku),
            name=str(name),
            category_id=category_ids[int(c)],
            unit_price=_money(np.array([price]))[0],
            unit_cost=_money(np.array([cost]))[0],
            currency=CURRENCY,
        )
        for sku, name, c, price, cost in zip(
            cat.sku, cat.name, cat.category, cat.price, cat.cost, strict=True
        )
        if sku not in existing
    ]
    Product.objects.bulk_create(new, batch_size=1000)
    existing.update({p.sku: p.pk for p in Product.objects.filter(sku__in=cat.sku.tolist())})
    return [existing[str(sku)] for sku in cat.sku]


def _reset_sequences() -> None:
    """Rows were inserted with explicit ids: move PostgreSQL's sequences past them."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(_TABLES))
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def _times(seconds: np.ndarray) -> list[str]:
    """Epoch seconds as the text Django stores (SQLite) or a UTC literal (PostgreSQL)."""
    text = np.datetime_as_string(seconds.astype("datetime64[s]"), unit="s")
    suffix = "" if connection.vendor == "sqlite" else "+00:00"
    return [t.replace("T", " ") + suffix for t in text.tolist()]


def _dates(seconds: np.ndarray) -> list[str]:
    return np.datetime_as_string(seconds.astype("datetime64[s]"), unit="D").tolist()


def _money(pence: np.ndarray) -> list[str]:
    return [f"{v // 100}.{v % 100:02d}" for v in pence.astype(np.int64).tolist()]


def _fk(rows: np.ndarray, ids: Sequence[int] | np.ndarray) -> list[int | None]:
    """Row positions (or -1) mapped to ids (or NULL)."""
    lookup = np.asarray(ids, dtype=np.int64)
    mapped = np.where(rows >= 0, lookup[np.maximum(rows, 0)], -1)
    return [None if v < 0 else v for v in mapped.tolist()]


def _insert(model: type[models.Model], ids: np.ndarray, columns: dict[str, Any]) -> int:
    """Insert ``len(ids)`` rows; fields not given take their model default."""
    n = len(ids)
    if n == 0:
        return 0
    values: list[Sequence[Any]] = []
    names: list[str] = []
    for f in model._meta.concrete_fields:
        if f.primary_key:
            value: Any = ids.tolist()
        elif f.attname in columns:
            value = columns[f.attname]
        elif f.name in columns:
            value = columns[f.name]
        else:
            value = f.get_db_prep_save(f.get_default(), connection)
        if isinstance(value, np.ndarray):
            value = value.tolist()
        if not isinstance(value, list):
            value = [value] * n
        names.append(connection.ops.quote_name(str(f.column)))
        values.append(value)
    table = connection.ops.quote_name(model._meta.db_table)
    rows = zip(*values, strict=True)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY: Django's client-side-binding cursor sends executemany row by row.
            raw = cursor.cursor
            with raw.copy(f"COPY {table} ({', '.join(names)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            sql = "INSERT INTO {} ({}) VALUES ({})".format(
                table, ", ".join(names), ", ".join(["%s"] * len(names))
            )
            batch = list(rows)
            for i in range(0, n, BATCH):
                cursor.executemany(sql, batch[i : i + BATCH])
    return n


class _ChunkWriter:
    """Inserts one generated chunk; ids continue after the largest id in each table."""

    def __init__(
        self,
        chunk: Chunk,
        staff_ids: list[int],
        departments: dict[str, int],
        product_ids: list[int],
        tag_ids: dict[str, int],
    ) -> None:
        self.c = chunk
        self.staff_ids = staff_ids
        self.departments = departments
        self.product_ids = product_ids
        self.tag_ids = tag_ids
        self.counts: dict[str, int] = {}

    def _ids(self, model: type[models.Model], n: int) -> np.ndarray:
        top = model._default_manager.aggregate(top=Max("pk"))["top"] or 0
        return np.arange(top + 1, top + 1 + n, dtype=np.int64)

    def write(self) -> dict[str, int]:
        party_ids = self._parties()
        order_ids, line_ids = self._orders(party_ids)
        self._billing(party_ids, order_ids, line_ids)
        self._interactions(party_ids)
        return self.counts

    def _parties(self) -> np.ndarray:
        p = self.c.parties
        n = len(p["kind"])
        ids = self._ids(Party, n)
        names = [
            party_names(k, g, f, o)
            for k, g, f, o in zip(
                p["kind"].tolist(),
                p["given_name"].tolist(),
                p["family_name"].tolist(),
                p["organisation_name"].tolist(),
                strict=True,
            )
        ]
        acquired = _times(p["acquired_at"])
        birth = [None if b == "NaT" else b for b in np.datetime_as_string(p["date_of_birth"])]
        self.counts["parties"] = _insert(
            Party,
            ids,
            {
                "kind": p["kind"],
                "external_id": p["external_id"],
                "given_name": p["given_name"],
                "family_name": p["family_name"],
                "organisation_name": p["organisation_name"],
                "display_name": [x[0] for x in names],
                "sort_name": [x[1] for x in names],
                "search_name": [x[2] for x in names],
                "email": p["email"],
                "phone": p["phone"],
                "city": p["city"],
                "postcode": p["postcode"],
                "country": p["country"],
                "date_of_birth": birth,
                "acquisition_channel": p["acquisition_channel"],
                "acquired_at": acquired,
                "owner_id": _fk(p["owner"], self.staff_ids),
                "is_active": True,
                "created_at": acquired,
                "updated_at": acquired,
            },
        )
        self._contact_points(ids, acquired)
        self._relationships(ids)
        self._tags(ids)
        self._preferences(ids)
        return ids

    def _contact_points(self, party_ids: np.ndarray, acquired: list[str]) -> None:
        p = self.c.parties
        n = len(party_ids)
        is_org = p["kind"] == "organisation"
        is_contact = p["employer"] >= 0
        postal = np.flatnonzero(p["street"] != "")
        consent = p["email_consent"]
        acquired_arr = np.array(acquired, dtype=object)
        email_label = np.where(is_org | is_contact, "work", "home")
        phone_label = np.where(is_org, "work", "mobile")
        party = np.concatenate([party_ids, party_ids, party_ids[postal]])
        kind = ["email"] * n + ["phone"] * n + ["postal"] * len(postal)
        stamp = np.concatenate([acquired_arr, acquired_arr, acquired_arr[postal]]).tolist()
        self.counts["contact_points"] = _insert(
            ContactPoint,
            self._ids(ContactPoint, len(party)),
            {
                "party_id": party,
                "kind": kind,
                "label": np.concatenate(
                    [email_label, phone_label, np.where(is_org[postal], "billing", "home")]
                )
                .astype(object)
                .tolist(),
                "value": np.concatenate([p["email"], p["phone"], np.full(len(postal), "")]),
                "street": np.concatenate([np.full(2 * n, ""), p["street"][postal]]),
                "city": np.concatenate([np.full(2 * n, ""), p["city"][postal]]),
                "postcode": np.concatenate([np.full(2 * n, ""), p["postcode"][postal]]),
                "country": np.concatenate([np.full(2 * n, ""), p["country"][postal]]),
                "is_primary": True,
                "marketing_consent": np.concatenate(
                    [consent, np.full(n, "unknown"), np.full(len(postal), "unknown")]
                ),
                "consent_at": [
                    s if c != "unknown" else None
                    for s, c in zip(
                        stamp,
                        np.concatenate(
                            [consent, np.full(n, "unknown"), np.full(len(postal), "unknown")]
                        ).tolist(),
                        strict=True,
                    )
                ],
                "created_at": stamp,
                "updated_at": stamp,
            },
        )

    def _relationships(self, party_ids: np.ndarray) -> None:
        r = self.c.relationships
        stamp = _times(r["started_at"])
        self.counts["relationships"] = _insert(
            PartyRelationship,
            self._ids(PartyRelationship, len(r["person"])),
            {
                "person_id": party_ids[r["person"]],
                "organisation_id": party_ids[r["organisation"]],
                "role": r["role"],
                "title": r["title"],
                "is_primary_contact": r["is_primary_contact"],
                "started_at": _dates(r["started_at"]),
                "created_at": stamp,
                "updated_at": stamp,
            },
        )

    def _tags(self, party_ids: np.ndarray) -> None:
        party: list[int] = []
        tag: list[int] = []
        for pid, joined in zip(party_ids.tolist(), self.c.parties["tags"].tolist(), strict=True):
            if joined:
                for name in joined.split(";"):
                    party.append(pid)
                    if name not in self.tag_ids:
                        self.tag_ids[name] = Tag.objects.get_or_create(name=name)[0].pk
                    tag.append(self.tag_ids[name])
        self.counts["party_tags"] = _insert(
            PartyTag, self._ids(PartyTag, len(party)), {"party_id": party, "tag_id": tag}
        )

    def _preferences(self, party_ids: np.ndarray) -> None:
        pr = self.c.preferences
        stamp = _times(pr["recorded_at"])
        self.counts["preferences"] = _insert(
            Preference,
            self._ids(Preference, len(pr["party"])),
            {
                "party_id": party_ids[pr["party"]],
                "kind": pr["kind"],
                "motive": pr["motive"],
                "detail": pr["detail"],
                "strength": pr["strength"],
                "source": "survey",
                "created_at": stamp,
                "updated_at": stamp,
            },
        )

    def _orders(self, party_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        o, li = self.c.orders, self.c.lines
        order_ids = self._ids(Order, len(o["party"]))
        stamp = _times(o["ordered_at"])
        self.counts["orders"] = _insert(
            Order,
            order_ids,
            {
                "external_id": o["external_id"],
                "party_id": party_ids[o["party"]],
                "ordered_at": stamp,
                "channel": np.array(SALES_CHANNELS)[o["channel"]],
                "status": o["status"],
                "currency": CURRENCY,
                "total": _money(o["total"]),
                "staff_id": _fk(o["staff"], self.staff_ids),
                "created_at": stamp,
                "updated_at": stamp,
            },
        )
        line_ids = self._ids(OrderLine, len(li["order"]))
        self.counts["order_lines"] = _insert(
            OrderLine,
            line_ids,
            {
                "order_id": order_ids[li["order"]],
                "party_id": party_ids[li["party"]],
                "line_no": li["line_no"],
                "product_id": np.asarray(self.product_ids)[li["product"]],
                "quantity": li["quantity"],
                "unit_price": _money(li["unit_price"]),
            },
        )
        return order_ids, line_ids

    def _billing(self, party_ids: np.ndarray, order_ids: np.ndarray, line_ids: np.ndarray) -> None:
        r, inv, pay = self.c.returns, self.c.invoices, self.c.payments
        rem, st = self.c.reminders, self.c.statements
        stamp = _times(r["returned_at"])
        self.counts["returns"] = _insert(
            Return,
            self._ids(Return, len(r["line"])),
            {
                "order_line_id": line_ids[r["line"]],
                "party_id": party_ids[r["party"]],
                "returned_at": stamp,
                "quantity": r["quantity"],
                "reason": r["reason"],
                "refund_amount": _money(r["refund"]),
                "currency": CURRENCY,
                "created_at": stamp,
                "updated_at": stamp,
            },
        )
        invoice_ids = self._ids(Invoice, len(inv["party"]))
        stamp = _times(inv["issued_at"])
        self.counts["invoices"] = _insert(
            Invoice,
            invoice_ids,
            {
                "number": inv["number"],
                "party_id": party_ids[inv["party"]],
                "order_id": order_ids[inv["order"]],
                "issued_at": stamp,
                "due_at": _times(inv["due_at"]),
                "currency": CURRENCY,
                "total": _money(inv["total"]),
                "status": inv["status"],
                "created_at": stamp,
                "updated_at": stamp,
            },
        )
        stamp = _times(pay["received_at"])
        self.counts["payments"] = _insert(
            Payment,
            self._ids(Payment, len(pay["party"])),
            {
                "party_id": party_ids[pay["party"]],
                "invoice_id": invoice_ids[pay["invoice"]],
                "received_at": stamp,
                "amount": _money(pay["amount"]),
                "currency": CURRENCY,
                "method": pay["method"],
                "reference": pay["reference"],
                "created_at": stamp,
                "updated_at": stamp,
            },
        )
        stamp = _times(rem["sent_at"])
        self.counts["payment_reminders"] = _insert(
            PaymentReminder,
            self._ids(PaymentReminder, len(rem["party"])),
            {
                "party_id": party_ids[rem["party"]],
                "invoice_id": invoice_ids[rem["invoice"]],
                "sent_at": stamp,
                "level": rem["level"],
                "amount_due": _money(rem["amount_due"]),
                "currency": CURRENCY,
                "created_at": stamp,
                "updated_at": stamp,
            },
        )
        stamp = _times(st["issued_at"])
        self.counts["statements"] = _insert(
            Statement,
            self._ids(Statement, len(st["party"])),
            {
                "party_id": party_ids[st["party"]],
                "period_start": _dates(st["period_start"]),
                "period_end": _dates(st["period_end"]),
                "issued_at": stamp,
                "opening_balance": _money(st["opening"]),
                "closing_balance": _money(st["closing"]),
                "currency": CURRENCY,
                "created_at": stamp,
                "updated_at": stamp,
            },
        )

    def _interactions(self, party_ids: np.ndarray) -> None:
        it = self.c.interactions
        k = len(it["party"])
        stamp = _times(it["occurred_at"])
        self.counts["interactions"] = _insert(
            Interaction,
            self._ids(Interaction, k),
            {
                "party_id": party_ids[it["party"]],
                "external_id": it["external_id"],
                "occurred_at": stamp,
                "kind": it["kind"],
                "direction": it["direction"],
                "channel": it["channel"],
                "staff_id": _fk(it["staff"], self.staff_ids),
                "department_id": [self.departments[d] for d in it["department"].tolist()],
                "outcome": it["outcome"],
                "subject": it["subject"],
                "notes": it["notes"],
                "visibility": it["visibility"],
                "duration_minutes": [None if d < 0 else d for d in it["duration"].tolist()],
                "created_at": stamp,
                "updated_at": stamp,
            },
        )
