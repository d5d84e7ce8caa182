"""Reads for import and export: lookups of existing records by their external keys, and the
canonical rows of each kind streamed with a keyset over the primary key."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import polars as pl
from django.db import connection
from django.db.models import Q

from patron.accounts.models import Department
from patron.accounts.permissions import (
    PermissionDenied,
    can_export,
    can_see_costs,
)
from patron.exchange.schema import SCHEMAS
from patron.interactions.models import Interaction, Visibility
from patron.interactions.selectors import restrict_to_visible
from patron.parties.models import ContactPoint, Party, PartyRelationship, PartyTag
from patron.sales.models import OrderLine, Product

_CHUNK = 5000
EXPORT_PAGE = 5000


def _in_chunks(sql: str, keys: list[str]) -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = []
    with connection.cursor() as cursor:
        for start in range(0, len(keys), _CHUNK):
            chunk = keys[start : start + _CHUNK]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(sql.format(marks=marks), chunk)
            rows.extend(cursor.fetchall())
    return rows


def parties_by_external_id(keys: list[str]) -> pl.DataFrame:
    """The existing parties among ``keys``: external_id, party_id, party_kind.

    A merged-away party answers with its survivor's id, so orders and interactions that
    still name the old external id land on the customer everyone sees (a merge points
    every tombstone at the final survivor).
    """
    rows = _in_chunks(
        f"SELECT external_id, COALESCE(merged_into_id, id), kind FROM {Party._meta.db_table} "
        "WHERE external_id IN ({marks})",
        keys,
    )
    return pl.DataFrame(
        rows,
        schema={"external_id": pl.String, "party_id": pl.Int64, "party_kind": pl.String},
        orient="row",
    )


def products_by_sku(keys: list[str]) -> pl.DataFrame:
    """The existing products among ``keys``: sku, product_id, product_currency."""
    rows = _in_chunks(
        f"SELECT sku, id, currency FROM {Product._meta.db_table} WHERE sku IN ({{marks}})",
        keys,
    )
    return pl.DataFrame(
        rows,
        schema={"sku": pl.String, "product_id": pl.Int64, "product_currency": pl.String},
        orient="row",
    )


def department_codes() -> dict[str, int]:
    return dict(Department.objects.filter(is_active=True).values_list("code", "id"))


# --- export ----------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value.astimezone(dt.UTC)
        form = "%Y-%m-%dT%H:%M:%S.%fZ" if value.microsecond else "%Y-%m-%dT%H:%M:%SZ"
        return value.strftime(form)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return str(value)


def _pages(qs: Any, fields: list[str]) -> Iterator[list[tuple[Any, ...]]]:
    """Pages of ``values_list`` rows ordered by id, fetched with a keyset (never OFFSET)."""
    last = 0
    while True:
        page = list(qs.filter(pk__gt=last).order_by("pk").values_list("pk", *fields)[:EXPORT_PAGE])
        if not page:
            return
        yield page
        last = page[-1][0]


def export_rows(*, kind: str, actor: Any) -> Iterator[list[str]]:
    """The canonical rows of ``kind`` the actor may see. ``actor=None`` is the system (the
    command line): everything except interactions private to a department."""
    if actor is not None and not can_export(actor):
        raise PermissionDenied("You may not export data.")
    yield from {
        "parties": _party_rows,
        "products": _product_rows,
        "orders": _order_rows,
        "interactions": _interaction_rows,
    }[kind](actor)


def export_header(kind: str) -> list[str]:
    return list(SCHEMAS[kind].columns)


def _party_rows(actor: Any) -> Iterator[list[str]]:
    fields = [
        "external_id",
        "kind",
        "given_name",
        "family_name",
        "organisation_name",
        "email",
        "phone",
        "city",
        "postcode",
        "country",
        "date_of_birth",
        "acquisition_channel",
        "acquired_at",
    ]
    qs = Party.objects.filter(merged_into__isnull=True)
    for page in _pages(qs, fields):
        ids = [row[0] for row in page]
        streets = dict(
            ContactPoint.objects.filter(
                party_id__in=ids, kind=ContactPoint.Kind.POSTAL, is_primary=True
            ).values_list("party_id", "street")
        )
        employers: dict[int, str] = {}
        for person_id, external_id in (
            PartyRelationship.objects.filter(
                person_id__in=ids,
                role=PartyRelationship.Role.EMPLOYEE,
                ended_at__isnull=True,
                organisation__external_id__isnull=False,
            )
            .order_by("id")
            .values_list("person_id", "organisation__external_id")
        ):
            employers[person_id] = external_id or ""
        tags: dict[int, list[str]] = {}
        for party_id, name in PartyTag.objects.filter(party_id__in=ids).values_list(
            "party_id", "tag__name"
        ):
            tags.setdefault(party_id, []).append(name)
        for pk, ext, kind, given, family, org, email, phone, city, postcode, country, *rest in page:
            dob, channel, acquired = rest
            yield [
                _text(ext),
                kind,
                given,
                family,
                org,
                email,
                phone,
                streets.get(pk, ""),
                city,
                postcode,
                country,
                _text(dob),
                channel,
                _text(acquired),
                employers.get(pk, ""),
                ";".join(sorted(tags.get(pk, []))),
            ]


def _product_rows(actor: Any) -> Iterator[list[str]]:
    costs = actor is None or can_see_costs(actor)
    fields = ["sku", "name", "category__name", "unit_price", "unit_cost", "currency"]
    for page in _pages(Product.objects.all(), fields):
        for _pk, sku, name, category, price, cost, currency in page:
            yield [sku, name, category or "", _text(price), _text(cost) if costs else "", currency]


def _order_rows(actor: Any) -> Iterator[list[str]]:
    fields = [
        "order__external_id",
        "order__party__external_id",
        "order__ordered_at",
        "order__channel",
        "product__sku",
        "quantity",
        "unit_price",
    ]
    qs = OrderLine.objects.all()
    last = (0, 0)
    while True:
        page = list(
            qs.filter(Q(order_id__gt=last[0]) | Q(order_id=last[0], line_no__gt=last[1]))
            .order_by("order_id", "line_no")
            .values_list("order_id", "line_no", *fields)[:EXPORT_PAGE]
        )
        if not page:
            return
        last = (page[-1][0], page[-1][1])
        for _o, _n, order_ext, party_ext, at, channel, sku, qty, price in page:
            yield [
                _text(order_ext),
                _text(party_ext),
                _text(at),
                channel,
                sku,
                str(qty),
                _text(price),
            ]


def _interaction_rows(actor: Any) -> Iterator[list[str]]:
    qs = Interaction.objects.all()
    if actor is None:
        qs = qs.filter(visibility=Visibility.SHARED)
    else:
        qs = restrict_to_visible(qs, user=actor)
    fields = [
        "external_id",
        "party__external_id",
        "occurred_at",
        "kind",
        "direction",
        "channel",
        "department__code",
        "subject",
        "notes",
    ]
    for page in _pages(qs, fields):
        for _pk, ext, party_ext, at, kind, direction, channel, dept, subject, notes in page:
            yield [
                _text(ext),
                _text(party_ext),
                _text(at),
                kind,
                direction,
                channel,
                dept or "",
                subject,
                notes,
            ]
