"""Vectorised validation of one batch of rows with polars expressions.

A ``BatchValidator`` sees the batches of one file in order. It returns, per batch, the valid
rows with their values normalised to what the database stores, and one error per problem
(line, column, reason). It keeps what later batches need to know about earlier ones: ids
already seen (duplicates within a file), organisations an employer may refer to, and the
header values and line count of each order.

Lookups of existing records (parties, products, orders, departments) are passed in as plain
functions so this module stays free of database code.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from patron.core.money import CURRENCIES
from patron.exchange.formats import LINE
from patron.exchange.schema import NAME_COLUMNS, SCHEMAS, TAG_SEPARATORS
from patron.parties.normalize import fold, normalize_email, normalize_phone

ERROR_SCHEMA = pl.Schema({LINE: pl.Int64, "column": pl.String, "reason": pl.String})

_DATE = r"^\d{4}-\d{2}-\d{2}$"
_DATETIME = (
    r"^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,6}))?)?)?"
    r"\s*(Z|z|[+-]\d{2}:?\d{2})?$"
)
_MONEY = r"^\d{1,12}(?:\.\d{1,2})?$"
_NUMBER = r"^-?\d+(?:\.\d+)?$"
# A strict subset of what Django's EmailValidator accepts: values matching it are valid
# without a Python call; anything else is checked by Django's validator, once per value.
_SIMPLE_EMAIL = (
    r"^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$"
)
_PRINTABLE_ASCII = r"^[\x20-\x7e]*$"
_MAX_INT = 2_147_483_647
_CACHE_LIMIT = 500_000


# Lookups the caller provides: given distinct keys, a frame of the ones that exist.
PartyLookup = Callable[[list[str]], pl.DataFrame]  # external_id, party_id, party_kind
ProductLookup = Callable[[list[str]], pl.DataFrame]  # sku, product_id, product_currency


@dataclass
class Lookups:
    parties: PartyLookup
    products: ProductLookup
    departments: dict[str, int]
    default_currency: str
    time_zone: str
    now: dt.datetime


@dataclass
class Checked:
    valid: pl.DataFrame
    errors: pl.DataFrame


def _quoted(expr: pl.Expr) -> pl.Expr:
    """The offending value, shortened, for an error message."""
    short = pl.when(expr.str.len_chars() > 40).then(expr.str.slice(0, 37) + "…").otherwise(expr)
    return pl.lit("'") + short + pl.lit("'")


def _clean(column: str, quoted: bool) -> pl.Expr:
    """Trimmed text, an exported formula guard (``'=``) removed, empty as null. The regex
    runs only on columns that hold a quote-prefixed cell at all (``quoted``): it is the
    costliest step of cleaning and almost always a no-op."""
    text = pl.col(column).str.strip_chars()
    if quoted:
        text = text.str.replace(r"^'([=+\-@\t\r])", "$1")
    return pl.when(text == "").then(None).otherwise(text).alias(column)


def _enum(column: str) -> pl.Expr:
    return pl.col(column).str.to_lowercase().str.replace_all(r"[\s-]+", "_").alias(column)


def _fold_column(frame: pl.DataFrame, source: str, target: str) -> pl.DataFrame:
    """``parties.normalize.fold`` of ``source`` into ``target``: in polars for printable
    ASCII (lower-case, spaces collapsed), through the Python function, once per distinct
    value, for anything else, so results are identical to ``Party.compute_names``."""
    text = pl.col(source)
    is_ascii = text.str.contains(_PRINTABLE_ASCII)
    odd = frame.filter(~is_ascii).get_column(source).unique().to_list()
    folded = pl.DataFrame(
        {source: odd, f"{target}__py": [fold(v) for v in odd]},
        schema={source: pl.String, f"{target}__py": pl.String},
    )
    ascii_fold = text.str.to_lowercase().str.replace_all(r" +", " ").str.strip_chars(" ")
    return (
        frame.join(folded, on=source, how="left")
        .with_columns(
            pl.when(is_ascii)
            .then(ascii_fold)
            .otherwise(pl.col(f"{target}__py"))
            .str.slice(0, 200)
            .alias(target)
        )
        .drop(f"{target}__py")
    )


def _parse_datetime(column: str, time_zone: str) -> pl.Expr:
    """Any accepted ISO 8601 form → a naive UTC datetime; null when unparseable. A value
    without an offset is read in ``time_zone``."""
    groups = pl.col(column).str.extract_groups(_DATETIME)
    part = [groups.struct.field(str(i)) for i in range(1, 7)]
    naive = (
        part[0]
        + "T"
        + part[1].fill_null("00")
        + ":"
        + part[2].fill_null("00")
        + ":"
        + part[3].fill_null("00")
        + "."
        + part[4].fill_null("0").str.pad_end(6, "0")
    ).str.to_datetime("%Y-%m-%dT%H:%M:%S%.f", strict=False, time_unit="us")
    zone = part[5].str.to_uppercase().str.replace(":", "")
    offset = (
        pl.when(zone == "Z")
        .then(pl.lit(0, dtype=pl.Int64))
        .when(zone.is_not_null())
        .then(
            (
                zone.str.slice(1, 2).cast(pl.Int64, strict=False) * 60
                + zone.str.slice(3, 2).cast(pl.Int64, strict=False)
            )
            * pl.when(zone.str.starts_with("-")).then(-1).otherwise(1)
        )
    )
    local = (
        naive.dt.replace_time_zone(time_zone, ambiguous="earliest", non_existent="null")
        .dt.convert_time_zone("UTC")
        .dt.replace_time_zone(None)
    )
    return pl.when(offset.is_not_null()).then(naive - pl.duration(minutes=offset)).otherwise(local)


def _stored_text(expr: pl.Expr) -> pl.Expr:
    """A naive UTC datetime as Django stores it: ``YYYY-MM-DD HH:MM:SS[.ffffff]``."""
    return (
        pl.when(expr.dt.microsecond() == 0)
        .then(expr.dt.strftime("%Y-%m-%d %H:%M:%S"))
        .otherwise(expr.dt.strftime("%Y-%m-%d %H:%M:%S%.6f"))
    )


def _cents_text(expr: pl.Expr) -> pl.Expr:
    """A validated money string as ``123.40``."""
    whole = expr.str.extract(r"^(\d+)", 1).cast(pl.Int64)
    frac = expr.str.extract(r"\.(\d+)$", 1).fill_null("0").str.pad_end(2, "0")
    return whole.cast(pl.String) + "." + frac


@dataclass
class _Batch:
    """One batch being checked: its frame and the errors found so far."""

    frame: pl.DataFrame
    errors: list[pl.DataFrame] = field(default_factory=list)

    def fail(self, mask: pl.Expr, column: str, reason: str | pl.Expr) -> None:
        reason_expr = pl.lit(reason) if isinstance(reason, str) else reason
        found = self.frame.filter(mask.fill_null(False)).select(
            pl.col(LINE), pl.lit(column).alias("column"), reason_expr.alias("reason")
        )
        if found.height:
            self.errors.append(found)

    def set(self, **exprs: pl.Expr) -> None:
        self.frame = self.frame.with_columns(**exprs)

    def required(self, *columns: str) -> None:
        for column in columns:
            self.fail(pl.col(column).is_null(), column, "is required")

    def max_length(self, column: str, limit: int) -> None:
        self.fail(
            pl.col(column).str.len_chars() > limit,
            column,
            f"is longer than {limit} characters",
        )

    def one_of(self, column: str, values: Iterable[str]) -> None:
        allowed = sorted(v for v in values if v)
        self.set(**{column: _enum(column)})
        self.fail(
            pl.col(column).is_not_null() & ~pl.col(column).is_in(allowed),
            column,
            _quoted(pl.col(column)) + pl.lit(f" is not one of: {', '.join(allowed)}"),
        )

    def date(self, column: str, *, today: dt.date | None = None) -> None:
        raw = pl.col(column)
        parsed = raw.str.to_date("%Y-%m-%d", strict=False)
        self.fail(
            raw.is_not_null() & (~raw.str.contains(_DATE) | parsed.is_null()),
            column,
            _quoted(raw) + pl.lit(" is not a date (write YYYY-MM-DD, e.g. 1984-03-21)"),
        )
        if today is not None:
            self.fail(parsed > pl.lit(today), column, "is in the future")

    def datetime(self, column: str, time_zone: str, *, latest: dt.datetime | None = None) -> None:
        raw = pl.col(column)
        parsed = f"{column}__utc"
        # The export's own form (and most systems'): parsed directly. Only the rows in
        # another form go through the general ISO 8601 reader.
        self.set(
            **{parsed: raw.str.strptime(pl.Datetime("us"), "%Y-%m-%dT%H:%M:%SZ", strict=False)}
        )
        rest = self.frame.filter(raw.is_not_null() & pl.col(parsed).is_null())
        if rest.height:
            general = rest.select(LINE, _parse_datetime(column, time_zone).alias(f"{parsed}2"))
            self.frame = (
                self.frame.join(general, on=LINE, how="left")
                .with_columns(pl.coalesce(parsed, f"{parsed}2").alias(parsed))
                .drop(f"{parsed}2")
            )
        self.fail(
            raw.is_not_null() & pl.col(parsed).is_null(),
            column,
            _quoted(raw)
            + pl.lit(" is not a date and time (write ISO 8601, e.g. 2024-03-21T14:30:00Z)"),
        )
        if latest is not None:
            limit = latest.astimezone(dt.UTC).replace(tzinfo=None)
            self.fail(pl.col(parsed) > pl.lit(limit), column, "is in the future")
        self.set(**{column: _stored_text(pl.col(parsed))})
        self.frame = self.frame.drop(parsed)

    def money(self, column: str) -> None:
        raw = pl.col(column)
        ok = raw.str.contains(_MONEY)
        numeric = raw.str.contains(_NUMBER)
        self.fail(
            raw.is_not_null() & ~numeric,
            column,
            _quoted(raw) + pl.lit(" is not a number (write e.g. 12.50, with a dot)"),
        )
        self.fail(
            raw.is_not_null() & numeric & raw.str.starts_with("-"),
            column,
            _quoted(raw) + pl.lit(" is negative"),
        )
        self.fail(
            raw.is_not_null() & numeric & ~raw.str.starts_with("-") & ~ok,
            column,
            _quoted(raw) + pl.lit(" has more than 2 decimal places or 12 digits"),
        )
        self.set(**{column: pl.when(ok).then(_cents_text(raw))})

    def duplicates(self, column: str, seen: pl.DataFrame) -> None:
        """Rows whose ``column`` appeared on an earlier line, in this batch or before."""
        first = pl.col(LINE).min().over(column)
        self.fail(
            pl.col(column).is_not_null() & (pl.col(LINE) != first),
            column,
            _quoted(pl.col(column)) + pl.lit(" also appears on line ") + first.cast(pl.String),
        )
        if seen.height:
            earlier = self.frame.select(LINE, column).join(seen, on=column, how="inner")
            if earlier.height:
                self.errors.append(
                    earlier.select(
                        pl.col(LINE),
                        pl.lit(column).alias("column"),
                        (
                            _quoted(pl.col(column))
                            + pl.lit(" also appears on line ")
                            + pl.col("first_line").cast(pl.String)
                        ).alias("reason"),
                    )
                )

    def error_frame(self) -> pl.DataFrame:
        if not self.errors:
            return pl.DataFrame(schema=ERROR_SCHEMA)
        return pl.concat(self.errors).cast(ERROR_SCHEMA).unique(maintain_order=True)

    def bad_lines(self) -> pl.Series:
        return self.error_frame().get_column(LINE).unique()


def _bounded_cache(cache: dict[str, Any]) -> dict[str, Any]:
    if len(cache) > _CACHE_LIMIT:
        cache.clear()
    return cache


class BatchValidator:
    """Checks one file's batches in order, remembering what later batches need."""

    def __init__(self, *, kind: str, present: frozenset[str], lookups: Lookups) -> None:
        self.kind = kind
        self.schema = SCHEMAS[kind]
        self.present = present
        self.lookups = lookups
        self.seen = pl.DataFrame(schema={self.schema.key: pl.String, "first_line": pl.Int64})
        self.organisations = pl.DataFrame(schema={"external_id": pl.String})
        self.orders = pl.DataFrame(
            schema={
                "order_external_id": pl.String,
                "ref_party": pl.String,
                "ref_ordered_at": pl.String,
                "ref_channel": pl.String,
                "ref_currency": pl.String,
                "ref_line": pl.Int64,
                "lines_so_far": pl.Int64,
            }
        )
        self._party_ids = pl.DataFrame(schema={"external_id": pl.String, "party_id": pl.Int64})
        self._emails: dict[str, str | None] = {}
        self._phones: dict[str, str | None] = {}

    def check(self, raw: pl.DataFrame, rename: dict[str, str]) -> Checked:
        """Validate one batch of raw rows (original headers) and normalise the valid ones."""
        columns = [pl.col(LINE)]
        for column in self.schema.columns:
            source = next((h for h, c in rename.items() if c == column), None)
            if source is None:
                columns.append(pl.lit(None, dtype=pl.String).alias(column))
            else:
                columns.append(pl.col(source).cast(pl.String).alias(column))
        batch = _Batch(raw.select(columns))
        names = list(self.schema.columns)
        quoted = batch.frame.select(pl.col(c).str.starts_with("'").any() for c in names).row(0)
        batch.set(**{c: _clean(c, bool(q)) for c, q in zip(names, quoted, strict=True)})
        getattr(self, f"_check_{self.kind}")(batch)
        errors = batch.error_frame()
        valid = batch.frame.filter(~pl.col(LINE).is_in(errors.get_column(LINE).implode()))
        key = self.schema.key
        if key != "order_external_id":
            fresh = (
                batch.frame.filter(pl.col(key).is_not_null())
                .group_by(key)
                .agg(pl.col(LINE).min().alias("first_line"))
            )
            self.seen = pl.concat([self.seen, fresh.cast(self.seen.schema)])
        valid = valid.sort(LINE)
        if self.kind == "orders":
            valid = self._number_lines(valid)
        if self.kind == "parties":
            orgs = valid.filter(pl.col("kind") == "organisation").select("external_id")
            self.organisations = pl.concat([self.organisations, orgs])
        return Checked(valid=valid, errors=errors)

    # --- parties ---------------------------------------------------------------------

    def _check_parties(self, b: _Batch) -> None:
        lk = self.lookups
        b.required("external_id", "kind")
        b.max_length("external_id", 64)
        b.duplicates("external_id", self.seen)
        b.set(kind=_enum("kind").replace({"organization": "organisation", "org": "organisation"}))
        b.one_of("kind", ["person", "organisation"])
        person = pl.col("kind") == "person"
        org = pl.col("kind") == "organisation"
        b.fail(
            person & pl.col("given_name").is_null() & pl.col("family_name").is_null(),
            "family_name",
            "a person needs a given name or a family name",
        )
        b.fail(
            org & pl.col("organisation_name").is_null(),
            "organisation_name",
            "an organisation needs a name",
        )
        b.max_length("given_name", 100)
        b.max_length("family_name", 100)
        b.max_length("organisation_name", 200)
        self._check_email(b)
        self._check_phone(b)
        b.max_length("street", 200)
        b.max_length("city", 100)
        b.set(postcode=pl.col("postcode").str.to_uppercase().str.replace_all(r"\s+", " "))
        b.max_length("postcode", 20)
        b.set(country=pl.col("country").str.to_uppercase())
        b.fail(
            pl.col("country").is_not_null() & ~pl.col("country").str.contains(r"^[A-Z]{2}$"),
            "country",
            _quoted(pl.col("country")) + pl.lit(" is not a two-letter ISO country code, e.g. GB"),
        )
        b.fail(
            pl.col("country").is_not_null()
            & pl.col("street").is_null()
            & pl.col("city").is_null()
            & pl.col("postcode").is_null(),
            "country",
            "a country needs a street, a city or a postcode with it",
        )
        b.date("date_of_birth", today=lk.now.date())
        from patron.parties.models import Channel

        b.one_of("acquisition_channel", Channel.values)
        b.datetime("acquired_at", lk.time_zone)
        self._check_tags(b)
        self._derive_names(b)
        self._check_employer(b)

    def _check_email(self, b: _Batch) -> None:
        b.set(email=pl.col("email").str.to_lowercase())
        frame = b.frame
        odd = (
            frame.filter(
                pl.col("email").is_not_null() & ~pl.col("email").str.contains(_SIMPLE_EMAIL)
            )
            .get_column("email")
            .unique()
            .to_list()
        )
        if not odd:
            return
        cache = _bounded_cache(self._emails)
        for value in odd:
            if value not in cache:
                try:
                    cache[value] = normalize_email(value)
                except ValueError:
                    cache[value] = None
        bad = [v for v in odd if cache[v] is None]
        b.fail(
            pl.col("email").is_in(bad),
            "email",
            _quoted(pl.col("email")) + pl.lit(" is not a valid email address"),
        )

    def _check_phone(self, b: _Batch) -> None:
        values = b.frame.get_column("phone").drop_nulls().unique().to_list()
        if not values:
            return
        cache = _bounded_cache(self._phones)
        for value in values:
            if value not in cache:
                try:
                    cache[value] = normalize_phone(value)
                except ValueError:
                    cache[value] = None
        known = pl.DataFrame(
            {"phone": values, "phone__e164": [cache[v] for v in values]},
            schema={"phone": pl.String, "phone__e164": pl.String},
        )
        b.frame = b.frame.join(known, on="phone", how="left")
        b.fail(
            pl.col("phone").is_not_null() & pl.col("phone__e164").is_null(),
            "phone",
            _quoted(pl.col("phone"))
            + pl.lit(" is not a valid phone number (write it with its country code, e.g. +44…)"),
        )
        b.set(phone=pl.col("phone__e164"))
        b.frame = b.frame.drop("phone__e164")

    def _check_tags(self, b: _Batch) -> None:
        split = (
            pl.col("tags")
            .str.replace_all(f"[{TAG_SEPARATORS}]", ";")
            .str.split(";")
            .list.eval(pl.element().str.strip_chars().str.to_lowercase())
            .list.eval(pl.element().filter(pl.element() != ""))
        )
        b.set(tags__list=split)
        b.fail(
            pl.col("tags__list").list.eval(pl.element().str.len_chars() > 50).list.any(),
            "tags",
            "a tag is longer than 50 characters",
        )
        b.set(
            tags=pl.when(pl.col("tags__list").list.len() > 0).then(
                pl.col("tags__list").list.unique().list.sort().list.join(";")
            )
        )
        b.frame = b.frame.drop("tags__list")

    def _derive_names(self, b: _Batch) -> None:
        """display_name, sort_name and search_name exactly as ``Party.compute_names``."""
        names = self.present & set(NAME_COLUMNS)
        if not names:
            return
        given = pl.col("given_name").fill_null("")
        family = pl.col("family_name").fill_null("")
        organisation = pl.col("organisation_name").fill_null("")
        person_display = (given + " " + family).str.strip_chars()
        person = pl.col("kind") == "person"
        display = pl.when(person).then(person_display).otherwise(organisation.str.strip_chars())
        sort_source = pl.when(person).then(family + " " + given).otherwise(organisation)
        b.set(display__full=display, sort__full=sort_source)
        b.frame = _fold_column(b.frame, "sort__full", "sort_name")
        b.frame = _fold_column(b.frame, "display__full", "search_name")
        b.set(display_name=pl.col("display__full").str.slice(0, 200))
        b.frame = b.frame.drop("display__full", "sort__full")

    def _check_employer(self, b: _Batch) -> None:
        employer = pl.col("employer_external_id")
        b.max_length("employer_external_id", 64)
        b.fail(
            employer.is_not_null() & (pl.col("kind") == "organisation"),
            "employer_external_id",
            "only a person has an employer",
        )
        b.fail(
            employer.is_not_null() & (employer == pl.col("external_id")),
            "employer_external_id",
            "a person cannot be their own employer",
        )
        wanted = b.frame.filter(employer.is_not_null() & (pl.col("kind") == "person"))
        if not wanted.height:
            return
        bad_so_far = b.bad_lines().implode()
        in_batch = b.frame.filter(
            (pl.col("kind") == "organisation") & ~pl.col(LINE).is_in(bad_so_far)
        ).select(
            pl.col("external_id").alias("employer_external_id"), pl.col(LINE).alias("org_line")
        )
        earlier_file = self.organisations.rename({"external_id": "employer_external_id"})
        keys = wanted.get_column("employer_external_id").unique().to_list()
        in_db = self.lookups.parties(keys).rename(
            {"external_id": "employer_external_id", "party_kind": "db_kind"}
        )
        resolved = (
            wanted.select(LINE, "employer_external_id")
            .join(in_batch, on="employer_external_id", how="left")
            .join(
                earlier_file.with_columns(pl.lit(True).alias("earlier")),
                on="employer_external_id",
                how="left",
            )
            .join(
                in_db.select("employer_external_id", "db_kind"),
                on="employer_external_id",
                how="left",
            )
        )
        ok = (
            (pl.col("org_line") < pl.col(LINE))
            | pl.col("earlier").fill_null(False)
            | (pl.col("db_kind") == "organisation")
        )
        problems = resolved.filter(~ok.fill_null(False)).select(
            pl.col(LINE),
            pl.lit("employer_external_id").alias("column"),
            pl.when(pl.col("db_kind") == "person")
            .then(
                _quoted(pl.col("employer_external_id"))
                + pl.lit(" is a person, not an organisation")
            )
            .otherwise(
                _quoted(pl.col("employer_external_id"))
                + pl.lit(" is not an organisation in Patron or earlier in this file")
            )
            .alias("reason"),
        )
        if problems.height:
            b.errors.append(problems.unique(subset=[LINE]))

    # --- products --------------------------------------------------------------------

    def _check_products(self, b: _Batch) -> None:
        b.required("sku", "name", "unit_price")
        b.max_length("sku", 64)
        b.duplicates("sku", self.seen)
        b.max_length("name", 200)
        b.max_length("category", 100)
        b.money("unit_price")
        b.money("unit_cost")
        b.set(
            currency=pl.col("currency").str.to_uppercase().fill_null(self.lookups.default_currency)
        )
        b.fail(
            ~pl.col("currency").is_in(sorted(CURRENCIES)),
            "currency",
            _quoted(pl.col("currency")) + pl.lit(" is not a currency Patron knows (e.g. GBP, EUR)"),
        )

    # --- orders ----------------------------------------------------------------------

    def _check_orders(self, b: _Batch) -> None:
        from patron.sales.models import SalesChannel

        b.required(*self.schema.required)
        b.max_length("order_external_id", 64)
        b.datetime("ordered_at", self.lookups.time_zone)
        b.one_of("channel", SalesChannel.values)
        raw_qty = pl.col("quantity")
        qty = raw_qty.cast(pl.Int64, strict=False)
        numeric = raw_qty.str.contains(_NUMBER)
        b.fail(
            raw_qty.is_not_null() & ~numeric,
            "quantity",
            _quoted(raw_qty) + pl.lit(" is not a whole number"),
        )
        b.fail(
            numeric & (~raw_qty.str.contains(r"^\d+$") | (qty <= 0) | (qty > _MAX_INT)),
            "quantity",
            _quoted(raw_qty) + pl.lit(" must be a whole number above 0"),
        )
        b.set(quantity=pl.when(raw_qty.str.contains(r"^\d{1,10}$")).then(qty))
        b.money("unit_price")
        self._resolve_party(b, "party_external_id")
        products = self.lookups.products(b.frame.get_column("sku").drop_nulls().unique().to_list())
        b.frame = b.frame.join(products, on="sku", how="left")
        b.fail(
            pl.col("sku").is_not_null() & pl.col("product_id").is_null(),
            "sku",
            _quoted(pl.col("sku")) + pl.lit(" is not a product in Patron (import products first)"),
        )
        self._check_order_headers(b)

    def _check_order_headers(self, b: _Batch) -> None:
        """All lines of one order name the same party, time, channel and currency."""
        firsts = (
            b.frame.sort(LINE)
            .group_by("order_external_id", maintain_order=True)
            .agg(
                pl.col("party_external_id").first().alias("batch_party"),
                pl.col("ordered_at").first().alias("batch_ordered_at"),
                pl.col("channel").first().alias("batch_channel"),
                pl.col("product_currency").first().alias("batch_currency"),
                pl.col(LINE).first().alias("batch_line"),
            )
            .join(self.orders, on="order_external_id", how="left")
        )
        ref = firsts.select(
            "order_external_id",
            pl.coalesce("ref_party", "batch_party").alias("ref_party"),
            pl.coalesce("ref_ordered_at", "batch_ordered_at").alias("ref_ordered_at"),
            pl.coalesce("ref_channel", "batch_channel").alias("ref_channel"),
            pl.coalesce("ref_currency", "batch_currency").alias("ref_currency"),
            pl.coalesce("ref_line", "batch_line").alias("ref_line"),
            pl.col("lines_so_far").fill_null(0),
        )
        b.frame = b.frame.join(ref, on="order_external_id", how="left")
        where = pl.lit(" than line ") + pl.col("ref_line").cast(pl.String)
        for column, ref_col, what in (
            ("party_external_id", "ref_party", "another party"),
            ("ordered_at", "ref_ordered_at", "another ordered_at"),
            ("channel", "ref_channel", "another channel"),
            ("product_currency", "ref_currency", "a product in another currency"),
        ):
            b.fail(
                pl.col(column).is_not_null()
                & pl.col(ref_col).is_not_null()
                & (pl.col(column) != pl.col(ref_col)),
                "sku" if column == "product_currency" else column,
                pl.lit("order ")
                + _quoted(pl.col("order_external_id"))
                + pl.lit(f" has {what} here")
                + where,
            )
        new = ref.join(self.orders, on="order_external_id", how="anti")
        self.orders = pl.concat([self.orders, new.select(self.orders.columns)])

    def _number_lines(self, valid: pl.DataFrame) -> pl.DataFrame:
        """Line numbers continue across batches, counting the order's valid lines only."""
        valid = valid.sort(LINE).with_columns(
            (pl.col("lines_so_far") + pl.col(LINE).cum_count().over("order_external_id")).alias(
                "line_no"
            )
        )
        counts = valid.group_by("order_external_id").agg(pl.col("line_no").max().alias("n"))
        self.orders = (
            self.orders.join(counts, on="order_external_id", how="left")
            .with_columns(pl.coalesce("n", "lines_so_far").alias("lines_so_far"))
            .drop("n")
        )
        return valid

    def order_line_counts(self) -> pl.DataFrame:
        return self.orders.select("order_external_id", pl.col("lines_so_far").alias("n_lines"))

    # --- interactions ----------------------------------------------------------------

    def _check_interactions(self, b: _Batch) -> None:
        from patron.interactions.models import DIRECT_KINDS, ContactChannel, Direction, Kind

        lk = self.lookups
        b.required(*self.schema.required)
        b.max_length("external_id", 64)
        b.duplicates("external_id", self.seen)
        b.datetime("occurred_at", lk.time_zone, latest=lk.now + dt.timedelta(minutes=5))
        b.one_of("kind", Kind.values)
        b.one_of("direction", Direction.values)
        b.fail(
            pl.col("kind").is_in(sorted(str(k) for k in DIRECT_KINDS))
            & pl.col("direction").is_null(),
            "direction",
            "a direct contact needs a direction: inbound or outbound",
        )
        b.one_of("channel", ContactChannel.values)
        b.set(department=pl.col("department").str.to_lowercase())
        codes = pl.DataFrame(
            {"department": list(lk.departments), "department_id": list(lk.departments.values())},
            schema={"department": pl.String, "department_id": pl.Int64},
        )
        b.frame = b.frame.join(codes, on="department", how="left")
        b.fail(
            pl.col("department").is_not_null() & pl.col("department_id").is_null(),
            "department",
            _quoted(pl.col("department"))
            + pl.lit(f" is not a department code ({', '.join(sorted(lk.departments)) or 'none'})"),
        )
        b.max_length("subject", 200)
        b.max_length("notes", 20000)
        self._resolve_party(b, "party_external_id")

    def _resolve_party(self, b: _Batch, column: str) -> None:
        """Party ids for ``column``; ids found in earlier batches are not looked up again
        (order and interaction files name the same customers over and over)."""
        keys = b.frame.select(pl.col(column).drop_nulls().unique().alias("external_id"))
        missing = keys.join(self._party_ids, on="external_id", how="anti")
        if missing.height:
            found = self.lookups.parties(missing.get_column("external_id").to_list())
            if self._party_ids.height > _CACHE_LIMIT:
                self._party_ids = self._party_ids.clear()
            self._party_ids = pl.concat([self._party_ids, found.select("external_id", "party_id")])
        found = self._party_ids.select(pl.col("external_id").alias(column), "party_id")
        b.frame = b.frame.join(found, on=column, how="left")
        b.fail(
            pl.col(column).is_not_null() & pl.col("party_id").is_null(),
            column,
            _quoted(pl.col(column)) + pl.lit(" is not a party in Patron (import parties first)"),
        )
