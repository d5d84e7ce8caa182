"""The bulk write path: validated batches → a temporary staging table → set-based SQL.

Each batch is loaded into a temporary table (``executemany`` on SQLite, ``COPY`` on
PostgreSQL), then a handful of ``INSERT ... SELECT`` / ``UPDATE ... FROM`` statements upsert
it into the real tables. The statements are the same on both databases except for the
null-safe comparison operator, so both produce identical rows (ADR 0003).

Every statement runs inside the import's one transaction; the caller owns it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from django.db import connection, models

from patron.exchange.formats import LINE
from patron.exchange.schema import NAME_COLUMNS
from patron.interactions.models import Interaction
from patron.parties.models import ContactPoint, Party, PartyRelationship, PartyTag, Tag
from patron.sales.models import Category, Order, OrderLine, Product

# logical type -> (SQLite, PostgreSQL) column type of a staging table
_TYPES = {
    "text": ("text", "text"),
    "int": ("integer", "bigint"),
    "money": ("decimal", "numeric(14,2)"),
    "date": ("date", "date"),
    "datetime": ("datetime", "timestamptz"),
}

STAGES: dict[str, list[tuple[str, str]]] = {
    "parties": [
        (LINE, "int"),
        ("external_id", "text"),
        ("kind", "text"),
        ("given_name", "text"),
        ("family_name", "text"),
        ("organisation_name", "text"),
        ("display_name", "text"),
        ("sort_name", "text"),
        ("search_name", "text"),
        ("email", "text"),
        ("phone", "text"),
        ("street", "text"),
        ("city", "text"),
        ("postcode", "text"),
        ("country", "text"),
        ("date_of_birth", "date"),
        ("acquisition_channel", "text"),
        ("acquired_at", "datetime"),
        ("employer_external_id", "text"),
        ("tags", "text"),
    ],
    "products": [
        (LINE, "int"),
        ("sku", "text"),
        ("name", "text"),
        ("category", "text"),
        ("unit_price", "money"),
        ("unit_cost", "money"),
        ("currency", "text"),
    ],
    "orders": [
        (LINE, "int"),
        ("order_external_id", "text"),
        ("party_id", "int"),
        ("ordered_at", "datetime"),
        ("channel", "text"),
        ("product_id", "int"),
        ("product_currency", "text"),
        ("quantity", "int"),
        ("unit_price", "money"),
        ("line_no", "int"),
    ],
    "interactions": [
        (LINE, "int"),
        ("external_id", "text"),
        ("party_id", "int"),
        ("occurred_at", "datetime"),
        ("kind", "text"),
        ("direction", "text"),
        ("channel", "text"),
        ("department_id", "int"),
        ("subject", "text"),
        ("notes", "text"),
    ],
}
# Columns the SQL fills in on the staging table.
_WORK = {
    "parties": [("party_id", "int"), ("employer_id", "int"), ("state", "text")],
    "products": [("product_id", "int"), ("category_id", "int"), ("state", "text")],
    "orders": [
        ("order_id", "int"),
        ("order_changed", "int"),
        ("line_id", "int"),
        ("state", "text"),
    ],
    "interactions": [("interaction_id", "int"), ("state", "text")],
}


_JOINED: dict[str, list[type[models.Model]]] = {
    "parties": [Party, ContactPoint, PartyRelationship, PartyTag, Tag],
    "products": [Product, Category],
    "orders": [Party, Product, Order, OrderLine],
    "interactions": [Party, Interaction],
}


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0

    def add(self, other: Counts) -> None:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.removed += other.removed


def _t(model: Any) -> str:
    return str(model._meta.db_table)


@dataclass
class Store:
    """Writes one import run's batches. Create it inside the run's transaction."""

    kind: str
    present: frozenset[str]
    now: dt.datetime
    vendor: str = field(default_factory=lambda: connection.vendor)
    # PostgreSQL: rows per table now, and when each was last analysed (see _grew).
    sizes: dict[str, float] = field(default_factory=dict)
    analysed: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.stage = f"xs_{self.kind}"
        self.stamp = connection.ops.adapt_datetimefield_value(self.now)
        self._create(self.stage, STAGES[self.kind] + _WORK[self.kind])
        self._sql(f"CREATE INDEX {self.stage}_line ON {self.stage} ({LINE})")
        if self.kind == "parties":
            self._create("xs_tag", [(LINE, "int"), ("name", "text")])
            self._sql(f"CREATE INDEX xs_tag_line ON xs_tag ({LINE}, name)")
        if self.kind == "orders":
            # Orders that already existed when a batch reached them (earlier in the file or
            # before the import): only their totals and surplus lines need a final pass.
            self._create("xs_order_seen", [("order_id", "int")])
        self._analyse()

    # --- plumbing --------------------------------------------------------------------

    def _ne(self, a: str, b: str) -> str:
        """Null-safe "differs" on both databases."""
        return f"({a} IS NOT {b})" if self.vendor == "sqlite" else f"({a} IS DISTINCT FROM {b})"

    def _create(self, table: str, columns: list[tuple[str, str]]) -> None:
        index = 0 if self.vendor == "sqlite" else 1
        body = ", ".join(f'"{name}" {_TYPES[kind][index]}' for name, kind in columns)
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
            cursor.execute(f"CREATE TEMPORARY TABLE {table} ({body})")

    def _sql(self, sql: str, params: list[Any] | tuple[Any, ...] = ()) -> int:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return int(cursor.rowcount or 0)

    def _sql_if(self, condition: bool, sql: str, params: list[Any] | tuple[Any, ...] = ()) -> int:
        return self._sql(sql, params) if condition else 0

    def _has_changed(self) -> bool:
        """Whether any staged row updates an existing record. A first import has none, and
        then the statements that only touch existing records are skipped."""
        return bool(self._rows(f"SELECT 1 FROM {self.stage} WHERE state = 'changed' LIMIT 1"))

    def _rows(self, sql: str, params: list[Any] | tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return list(cursor.fetchall())

    def load(self, table: str, columns: list[str], frame: pl.DataFrame) -> None:
        """Bulk-load ``frame`` into a staging table: executemany (SQLite) or COPY (PG)."""
        self._sql(f"DELETE FROM {table}")
        if not frame.height:
            return
        frame = frame.select(columns)
        names = ", ".join(f'"{c}"' for c in columns)
        if self.vendor == "postgresql":
            payload = frame.write_csv(
                include_header=False, null_value="", quote_style="non_numeric"
            )
            with (
                connection.cursor() as cursor,
                cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN (FORMAT csv)") as copy,
            ):
                copy.write(payload)
            return
        connection.ensure_connection()
        marks = ", ".join("?" for _ in columns)
        raw = connection.connection
        raw.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", frame.iter_rows())

    def drop(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.stage}")
            if self.kind == "parties":
                cursor.execute("DROP TABLE IF EXISTS xs_tag")

    def _counts(self) -> Counts:
        found = dict(self._rows(f"SELECT state, COUNT(*) FROM {self.stage} GROUP BY state"))
        return Counts(
            created=int(found.get(None, 0)),
            updated=int(found.get("changed", 0)),
            unchanged=int(found.get("same", 0)),
        )

    def write(self, valid: pl.DataFrame) -> Counts:
        columns = [name for name, _ in STAGES[self.kind]]
        self.load(self.stage, columns, valid)
        if not valid.height:
            return Counts()
        counts: Counts = getattr(self, f"_write_{self.kind}")(valid)
        return counts

    def _analyse(self) -> None:
        """Give PostgreSQL current statistics of the tables this import joins, at the start."""
        if self.vendor != "postgresql":
            return
        for model in _JOINED[self.kind]:
            self._sql(f"ANALYZE {_t(model)}")
            found = self._rows(
                "SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [_t(model)]
            )
            self.sizes[_t(model)] = self.analysed[_t(model)] = max(float(found[0][0]), 0.0)

    def _grew(self, model: type[models.Model], rows: int) -> None:
        """Re-analyse ``model`` once this import has doubled it.

        Autovacuum cannot see rows this transaction has not committed, so the planner would
        keep believing a freshly filled table empty and join it with sequential scans inside
        nested loops: quadratic. ANALYZE counts our own uncommitted rows; doubling keeps the
        number of ANALYZE runs logarithmic in the size of the import.
        """
        if self.vendor != "postgresql" or not rows:
            return
        table = _t(model)
        self.sizes[table] = self.sizes.get(table, 0.0) + rows
        if self.sizes[table] >= 2 * self.analysed.get(table, 0.0) + 1000:
            self._sql(f"ANALYZE {table}")
            self.analysed[table] = self.sizes[table]

    # --- parties ---------------------------------------------------------------------

    def _write_parties(self, valid: pl.DataFrame) -> Counts:
        s, party = self.stage, _t(Party)
        cp, rel, tag, party_tag = _t(ContactPoint), _t(PartyRelationship), _t(Tag), _t(PartyTag)
        tags = (
            valid.filter(pl.col("tags").is_not_null())
            .select(LINE, pl.col("tags").str.split(";").alias("name"))
            .explode("name")
        )
        self.load("xs_tag", [LINE, "name"], tags)
        now = self.stamp
        has_addr = f"({s}.street IS NOT NULL OR {s}.city IS NOT NULL OR {s}.postcode IS NOT NULL)"
        self._sql(
            f"UPDATE {s} SET party_id = p.id FROM {party} p WHERE p.external_id = {s}.external_id"
        )
        self._sql(
            f"UPDATE {s} SET employer_id = p.id FROM {party} p "
            f"WHERE p.external_id = {s}.employer_external_id"
        )
        names = bool(self.present & set(NAME_COLUMNS))
        diffs = [f"p.kind <> {s}.kind"]
        if names:
            diffs += [f"p.{c} <> COALESCE({s}.{c}, '')" for c in NAME_COLUMNS]
        if "date_of_birth" in self.present:
            diffs.append(self._ne("p.date_of_birth", f"{s}.date_of_birth"))
        if "acquisition_channel" in self.present:
            diffs.append(f"p.acquisition_channel <> COALESCE({s}.acquisition_channel, '')")
        if "acquired_at" in self.present:
            diffs.append(self._ne("p.acquired_at", f"{s}.acquired_at"))
        diffs += [
            f"({s}.email IS NOT NULL AND p.email <> {s}.email)",
            f"({s}.phone IS NOT NULL AND p.phone <> {s}.phone)",
            f"({has_addr} AND NOT EXISTS (SELECT 1 FROM {cp} c WHERE c.party_id = p.id "
            f"AND c.kind = 'postal' AND c.is_primary AND c.street = COALESCE({s}.street, '') "
            f"AND c.city = COALESCE({s}.city, '') AND c.postcode = COALESCE({s}.postcode, '') "
            f"AND c.country = COALESCE({s}.country, '')))",
            f"({s}.tags IS NOT NULL AND (EXISTS (SELECT 1 FROM xs_tag t WHERE t.{LINE} = "
            f"{s}.{LINE} AND NOT EXISTS (SELECT 1 FROM {party_tag} pt JOIN {tag} g ON g.id = "
            f"pt.tag_id WHERE pt.party_id = p.id AND g.name = t.name)) OR EXISTS (SELECT 1 "
            f"FROM {party_tag} pt JOIN {tag} g ON g.id = pt.tag_id WHERE pt.party_id = p.id "
            f"AND NOT EXISTS (SELECT 1 FROM xs_tag t WHERE t.{LINE} = {s}.{LINE} "
            f"AND t.name = g.name))))",
            f"({s}.employer_external_id IS NOT NULL AND ({s}.employer_id IS NULL OR NOT EXISTS "
            f"(SELECT 1 FROM {rel} r WHERE r.person_id = p.id AND r.organisation_id = "
            f"{s}.employer_id AND r.role = 'employee' AND r.ended_at IS NULL)))",
        ]
        self._sql(
            f"UPDATE {s} SET state = CASE WHEN {' OR '.join(diffs)} THEN 'changed' ELSE 'same' "
            f"END FROM {party} p WHERE p.id = {s}.party_id"
        )
        any_changed = self._has_changed()
        addr = has_addr.replace(f"{s}.", "s.")
        inserted = self._sql(
            f"INSERT INTO {party} (kind, external_id, given_name, family_name, "
            "organisation_name, display_name, sort_name, search_name, email, phone, city, "
            "postcode, country, date_of_birth, acquisition_channel, acquired_at, owner_id, "
            "is_active, merged_into_id, created_at, updated_at) "
            "SELECT s.kind, s.external_id, COALESCE(s.given_name, ''), "
            "COALESCE(s.family_name, ''), COALESCE(s.organisation_name, ''), "
            "COALESCE(s.display_name, ''), COALESCE(s.sort_name, ''), "
            "COALESCE(s.search_name, ''), COALESCE(s.email, ''), COALESCE(s.phone, ''), "
            f"COALESCE(s.city, ''), COALESCE(s.postcode, ''), CASE WHEN {addr} THEN "
            "COALESCE(s.country, '') ELSE '' END, s.date_of_birth, "
            "COALESCE(s.acquisition_channel, ''), s.acquired_at, NULL, TRUE, NULL, %s, %s "
            f"FROM {s} s WHERE s.state IS NULL ORDER BY s.{LINE}",
            [now, now],
        )
        self._grew(Party, inserted)
        sets = ["kind = s.kind"]
        if names:
            sets += [f"{c} = COALESCE(s.{c}, '')" for c in NAME_COLUMNS]
            sets += ["display_name = s.display_name", "sort_name = s.sort_name"]
            sets += ["search_name = s.search_name"]
        if "date_of_birth" in self.present:
            sets.append("date_of_birth = s.date_of_birth")
        if "acquisition_channel" in self.present:
            sets.append("acquisition_channel = COALESCE(s.acquisition_channel, '')")
        if "acquired_at" in self.present:
            sets.append("acquired_at = s.acquired_at")
        sets += [
            f"email = COALESCE(s.email, {party}.email)",
            f"phone = COALESCE(s.phone, {party}.phone)",
            f"city = CASE WHEN {addr} THEN COALESCE(s.city, '') ELSE {party}.city END",
            f"postcode = CASE WHEN {addr} THEN COALESCE(s.postcode, '') ELSE {party}.postcode END",
            f"country = CASE WHEN {addr} THEN COALESCE(s.country, '') ELSE {party}.country END",
            "updated_at = %s",
        ]
        self._sql_if(
            any_changed,
            f"UPDATE {party} SET {', '.join(sets)} FROM {s} s "
            f"WHERE {party}.id = s.party_id AND s.state = 'changed'",
            [now],
        )
        # Rows written in this batch, with their party's id (new parties got theirs just now).
        touched = "(s.state IS NULL OR s.state = 'changed')"
        written = f"{s} s JOIN {party} w ON w.external_id = s.external_id"
        for kind, column in (("email", "email"), ("phone", "phone")):
            self._sql_if(
                any_changed,
                f"UPDATE {cp} SET is_primary = FALSE, updated_at = %s FROM {s} s "
                f"WHERE {cp}.party_id = s.party_id AND s.state = 'changed' "
                f"AND s.{column} IS NOT NULL "
                f"AND {cp}.kind = '{kind}' AND {cp}.is_primary AND {cp}.value <> s.{column}",
                [now],
            )
            added = self._sql(
                f"INSERT INTO {cp} (party_id, kind, label, value, street, city, postcode, region, "
                "country, is_primary, valid_from, valid_until, marketing_consent, consent_at, "
                f"created_at, updated_at) SELECT w.id, '{kind}', 'home', s.{column}, '', "
                f"'', '', '', '', TRUE, NULL, NULL, 'unknown', NULL, %s, %s FROM {written} "
                f"WHERE {touched} AND s.{column} IS NOT NULL "
                "ON CONFLICT (party_id, kind, value, street, postcode) DO UPDATE SET "
                f"is_primary = TRUE, updated_at = excluded.updated_at WHERE NOT {cp}.is_primary",
                [now, now],
            )
            self._grew(ContactPoint, added)
        self._sql_if(
            any_changed,
            f"UPDATE {cp} SET is_primary = FALSE, updated_at = %s FROM {s} s "
            f"WHERE {cp}.party_id = s.party_id AND s.state = 'changed' AND {addr} "
            f"AND {cp}.kind = 'postal' AND {cp}.is_primary AND ({cp}.street <> "
            f"COALESCE(s.street, '') OR {cp}.city <> COALESCE(s.city, '') OR {cp}.postcode <> "
            f"COALESCE(s.postcode, '') OR {cp}.country <> COALESCE(s.country, ''))",
            [now],
        )
        added = self._sql(
            f"INSERT INTO {cp} (party_id, kind, label, value, street, city, postcode, region, "
            "country, is_primary, valid_from, valid_until, marketing_consent, consent_at, "
            "created_at, updated_at) SELECT w.id, 'postal', 'home', '', "
            "COALESCE(s.street, ''), COALESCE(s.city, ''), COALESCE(s.postcode, ''), '', "
            "COALESCE(s.country, ''), TRUE, NULL, NULL, 'unknown', NULL, %s, %s "
            f"FROM {written} WHERE {touched} AND {addr} "
            "ON CONFLICT (party_id, kind, value, street, postcode) DO UPDATE SET "
            "is_primary = TRUE, city = excluded.city, country = excluded.country, "
            f"updated_at = excluded.updated_at WHERE NOT {cp}.is_primary "
            f"OR {cp}.city <> excluded.city OR {cp}.country <> excluded.country",
            [now, now],
        )
        self._grew(ContactPoint, added)
        self._sql(
            f"INSERT INTO {tag} (name) SELECT DISTINCT t.name FROM xs_tag t JOIN {s} s "
            f"ON s.{LINE} = t.{LINE} WHERE {touched} ON CONFLICT (name) DO NOTHING"
        )
        self._sql_if(
            any_changed,
            f"DELETE FROM {party_tag} WHERE party_id IN (SELECT s.party_id FROM {s} s "
            f"WHERE s.state = 'changed' AND s.tags IS NOT NULL) "
            "AND NOT EXISTS (SELECT 1 FROM xs_tag t "
            f"JOIN {s} s ON s.{LINE} = t.{LINE} JOIN {tag} g ON g.name = t.name "
            f"WHERE s.party_id = {party_tag}.party_id AND g.id = {party_tag}.tag_id)",
        )
        added = self._sql(
            f"INSERT INTO {party_tag} (party_id, tag_id) SELECT w.id, g.id FROM xs_tag t "
            f"JOIN {s} s ON s.{LINE} = t.{LINE} JOIN {party} w ON w.external_id = s.external_id "
            f"JOIN {tag} g ON g.name = t.name "
            f"WHERE {touched} ON CONFLICT (party_id, tag_id) DO NOTHING"
        )
        self._grew(PartyTag, added)
        self._sql_if(
            any_changed,
            f"UPDATE {rel} SET ended_at = %s, updated_at = %s FROM {s} s JOIN {party} e "
            f"ON e.external_id = s.employer_external_id WHERE {rel}.person_id = s.party_id "
            f"AND s.state = 'changed' AND {rel}.role = 'employee' AND {rel}.ended_at IS NULL "
            f"AND {rel}.organisation_id <> e.id",
            [connection.ops.adapt_datefield_value(self.now.date()), now],
        )
        added = self._sql(
            f"INSERT INTO {rel} (person_id, organisation_id, role, title, is_primary_contact, "
            "started_at, ended_at, created_at, updated_at) SELECT w.id, e.id, "
            f"'employee', '', FALSE, NULL, NULL, %s, %s FROM {written} JOIN {party} e "
            f"ON e.external_id = s.employer_external_id WHERE {touched} "
            "ON CONFLICT (person_id, organisation_id, role) "
            f"DO UPDATE SET ended_at = NULL, updated_at = excluded.updated_at "
            f"WHERE {rel}.ended_at IS NOT NULL",
            [now, now],
        )
        self._grew(PartyRelationship, added)
        return self._counts()

    # --- products --------------------------------------------------------------------

    def _write_products(self, valid: pl.DataFrame) -> Counts:
        s, product, category = self.stage, _t(Product), _t(Category)
        now = self.stamp
        self._sql(
            f"INSERT INTO {category} (name, parent_id) SELECT DISTINCT s.category, "
            f"CAST(NULL AS bigint) FROM {s} s WHERE s.category IS NOT NULL "
            "ON CONFLICT (name) DO NOTHING"
        )
        self._sql(
            f"UPDATE {s} SET category_id = c.id FROM {category} c WHERE c.name = {s}.category"
        )
        self._sql(f"UPDATE {s} SET product_id = p.id FROM {product} p WHERE p.sku = {s}.sku")
        diffs = [f"p.name <> {s}.name", f"p.unit_price <> {s}.unit_price"]
        sets = ["name = s.name", "unit_price = s.unit_price"]
        if "category" in self.present:
            diffs.append(self._ne("p.category_id", f"{s}.category_id"))
            sets.append("category_id = s.category_id")
        if "unit_cost" in self.present:
            diffs.append(self._ne("p.unit_cost", f"{s}.unit_cost"))
            sets.append("unit_cost = s.unit_cost")
        if "currency" in self.present:
            diffs.append(f"p.currency <> {s}.currency")
            sets.append("currency = s.currency")
        self._sql(
            f"UPDATE {s} SET state = CASE WHEN {' OR '.join(diffs)} THEN 'changed' ELSE 'same' "
            f"END FROM {product} p WHERE p.id = {s}.product_id"
        )
        inserted = self._sql(
            f"INSERT INTO {product} (sku, name, category_id, unit_price, unit_cost, currency, "
            "is_active, created_at, updated_at) SELECT s.sku, s.name, s.category_id, "
            "s.unit_price, s.unit_cost, s.currency, TRUE, %s, %s "
            f"FROM {s} s WHERE s.state IS NULL ORDER BY s.{LINE}",
            [now, now],
        )
        self._grew(Product, inserted)
        self._sql_if(
            self._has_changed(),
            f"UPDATE {product} SET {', '.join(sets)}, updated_at = %s FROM {s} s "
            f"WHERE {product}.id = s.product_id AND s.state = 'changed'",
            [now],
        )
        return self._counts()

    # --- orders ----------------------------------------------------------------------

    def _write_orders(self, valid: pl.DataFrame) -> Counts:
        s, order, line = self.stage, _t(Order), _t(OrderLine)
        now = self.stamp
        # Existing orders and lines first: a fresh import matches nothing here, so the
        # staging table is not rewritten row by row.
        self._sql(
            f"UPDATE {s} SET order_id = o.id, order_changed = CASE WHEN o.party_id <> "
            f"{s}.party_id OR o.ordered_at <> {s}.ordered_at OR o.channel <> {s}.channel OR "
            f"o.currency <> {s}.product_currency THEN 1 ELSE 0 END FROM {order} o "
            f"WHERE o.external_id = {s}.order_external_id"
        )
        self._sql(
            f"INSERT INTO xs_order_seen (order_id) SELECT DISTINCT order_id FROM {s} "
            "WHERE order_id IS NOT NULL"
        )
        self._sql(
            f"UPDATE {s} SET line_id = l.id, state = CASE WHEN {s}.order_changed = 1 OR "
            f"l.product_id <> {s}.product_id OR l.quantity <> {s}.quantity OR "
            f"l.unit_price <> {s}.unit_price THEN 'changed' ELSE 'same' END FROM {line} l "
            f"WHERE l.order_id = {s}.order_id AND l.line_no = {s}.line_no"
        )
        new_orders = self._sql(
            f"INSERT INTO {order} (external_id, party_id, ordered_at, channel, status, currency, "
            "total, staff_id, created_at, updated_at) SELECT s.order_external_id, "
            "MIN(s.party_id), MIN(s.ordered_at), MIN(s.channel), 'fulfilled', "
            "MIN(s.product_currency), ROUND(SUM(s.quantity * s.unit_price), 2), NULL, %s, %s "
            f"FROM {s} s WHERE s.order_id IS NULL "
            f"GROUP BY s.order_external_id ORDER BY MIN(s.{LINE})",
            [now, now],
        )
        self._grew(Order, new_orders)
        orders_changed = bool(self._rows(f"SELECT 1 FROM {s} WHERE order_changed = 1 LIMIT 1"))
        changed_orders = (
            f"(SELECT DISTINCT order_id, party_id, ordered_at, channel, product_currency "
            f"FROM {s} WHERE order_changed = 1)"
        )
        self._sql_if(
            orders_changed,
            f"UPDATE {order} SET party_id = c.party_id, ordered_at = c.ordered_at, "
            f"channel = c.channel, currency = c.product_currency, updated_at = %s "
            f"FROM {changed_orders} c WHERE {order}.id = c.order_id",
            [now],
        )
        self._sql_if(
            orders_changed,
            f"UPDATE {line} SET party_id = c.party_id FROM {changed_orders} c "
            f"WHERE {line}.order_id = c.order_id AND {line}.party_id <> c.party_id",
        )
        new_lines = self._sql(
            f"INSERT INTO {line} (order_id, party_id, line_no, product_id, quantity, unit_price) "
            "SELECT o.id, s.party_id, s.line_no, s.product_id, s.quantity, s.unit_price "
            f"FROM {s} s JOIN {order} o ON o.external_id = s.order_external_id "
            f"WHERE s.state IS NULL ORDER BY s.{LINE}"
        )
        self._grew(OrderLine, new_lines)
        self._sql_if(
            self._has_changed(),
            f"UPDATE {line} SET product_id = s.product_id, quantity = s.quantity, "
            f"unit_price = s.unit_price FROM {s} s WHERE {line}.id = s.line_id "
            "AND s.state = 'changed'",
        )
        return self._counts()

    def finish_orders(self, line_counts: pl.DataFrame) -> int:
        """Drop lines an order no longer has in the file and recompute its total, for the
        orders that existed when a batch reached them (new orders got their total when they
        were inserted). Runs once after the last batch: an order's lines may span batches.
        """
        order, line = _t(Order), _t(OrderLine)
        self._create("xs_order_n", [("order_external_id", "text"), ("n_lines", "int")])
        self.load(
            "xs_order_n",
            ["order_external_id", "n_lines"],
            line_counts.filter(pl.col("n_lines") > 0),
        )
        in_file = (
            f"FROM {line} l JOIN {order} o ON o.id = l.order_id "
            "JOIN xs_order_n n ON n.order_external_id = o.external_id "
            "WHERE o.id IN (SELECT order_id FROM xs_order_seen)"
        )
        removed = self._sql(
            f"DELETE FROM {line} WHERE id IN (SELECT l.id {in_file} AND l.line_no > n.n_lines)"
        )
        self._sql(
            f"UPDATE {order} SET total = t.total, updated_at = %s FROM (SELECT l.order_id, "
            f"ROUND(SUM(l.quantity * l.unit_price), 2) AS total {in_file} GROUP BY l.order_id) t "
            f"WHERE {order}.id = t.order_id AND {order}.total <> t.total",
            [self.stamp],
        )
        self._sql("DROP TABLE IF EXISTS xs_order_n")
        self._sql("DROP TABLE IF EXISTS xs_order_seen")
        return removed

    # --- interactions ----------------------------------------------------------------

    def _write_interactions(self, valid: pl.DataFrame) -> Counts:
        s, table = self.stage, _t(Interaction)
        now = self.stamp
        self._sql(
            f"UPDATE {s} SET interaction_id = i.id FROM {table} i "
            f"WHERE i.external_id = {s}.external_id"
        )
        diffs = [
            f"i.party_id <> {s}.party_id",
            f"i.occurred_at <> {s}.occurred_at",
            f"i.kind <> {s}.kind",
        ]
        sets = ["party_id = s.party_id", "occurred_at = s.occurred_at", "kind = s.kind"]
        for column in ("direction", "channel", "subject", "notes"):
            if column in self.present:
                diffs.append(f"i.{column} <> COALESCE({s}.{column}, '')")
                sets.append(f"{column} = COALESCE(s.{column}, '')")
        if "department" in self.present:
            diffs.append(self._ne("i.department_id", f"{s}.department_id"))
            sets.append("department_id = s.department_id")
        self._sql(
            f"UPDATE {s} SET state = CASE WHEN {' OR '.join(diffs)} THEN 'changed' ELSE 'same' "
            f"END FROM {table} i WHERE i.id = {s}.interaction_id"
        )
        inserted = self._sql(
            f"INSERT INTO {table} (party_id, external_id, occurred_at, kind, direction, channel, "
            "staff_id, department_id, outcome, subject, notes, visibility, duration_minutes, "
            "created_at, updated_at) SELECT s.party_id, s.external_id, s.occurred_at, s.kind, "
            "COALESCE(s.direction, ''), COALESCE(s.channel, ''), NULL, s.department_id, '', "
            "COALESCE(s.subject, ''), COALESCE(s.notes, ''), 'shared', NULL, %s, %s "
            f"FROM {s} s WHERE s.state IS NULL ORDER BY s.{LINE}",
            [now, now],
        )
        self._grew(Interaction, inserted)
        self._sql_if(
            self._has_changed(),
            f"UPDATE {table} SET {', '.join(sets)}, updated_at = %s FROM {s} s "
            f"WHERE {table}.id = s.interaction_id AND s.state = 'changed'",
            [now],
        )
        return self._counts()
