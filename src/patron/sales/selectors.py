"""Reads of products, orders, returns and billing, scoped to the user and keyset-paginated.

Every list is ordered by an indexed key and fetches ``limit + 1`` rows to know whether a
next page exists; none counts a table.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db.models import Model, Prefetch, QuerySet

from patron.accounts.permissions import can_view_customers
from patron.core.pagination import Page, decode_cursor, encode_cursor, keyset_after
from patron.sales.models import Invoice, Order, OrderLine, Payment, Product, Return

MAX_PAGE = 200
M = TypeVar("M", bound=Model)


def _visible(qs: QuerySet[M], user: Any) -> QuerySet[M]:
    return qs if can_view_customers(user) else qs.none()


def _newest_first(qs: QuerySet[M], *, at_field: str, cursor: str | None, limit: int) -> Page[M]:
    """A page ordered by ``(at_field desc, id desc)`` after ``cursor``."""
    limit = max(1, min(limit, MAX_PAGE))
    if cursor:
        at, ident = decode_cursor(cursor, [dt.datetime, int])
        qs = qs.filter(keyset_after(at_field, at, ident, descending=True))
    rows = list(qs.order_by(f"-{at_field}", "-id")[: limit + 1])
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        next_cursor = encode_cursor([getattr(last, at_field), last.pk])
    return Page(items=rows, next_cursor=next_cursor)


# --- products ------------------------------------------------------------------------


@dataclass(frozen=True)
class ProductFilters:
    category: str = ""
    active: bool | None = None


def product_list(
    *,
    user: Any,
    filters: ProductFilters | None = None,
    cursor: str | None = None,
    limit: int = 50,
) -> Page[Product]:
    """Products ordered by SKU, after ``cursor``."""
    filters = filters or ProductFilters()
    limit = max(1, min(limit, MAX_PAGE))
    qs = _visible(Product.objects.select_related("category"), user)
    if filters.category:
        qs = qs.filter(category__name=filters.category)
    if filters.active is not None:
        qs = qs.filter(is_active=filters.active)
    if cursor:
        (sku,) = decode_cursor(cursor, [str])
        qs = qs.filter(sku__gt=sku)
    rows = list(qs.order_by("sku")[: limit + 1])
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = encode_cursor([rows[-1].sku])
    return Page(items=rows, next_cursor=next_cursor)


def product_get(*, user: Any, product_id: int) -> Product | None:
    return _visible(Product.objects.select_related("category"), user).filter(pk=product_id).first()


# --- orders and returns --------------------------------------------------------------


@dataclass(frozen=True)
class OrderFilters:
    party_id: int | None = None
    channel: str = ""
    ordered_from: dt.datetime | None = None
    ordered_before: dt.datetime | None = None


def order_list(
    *, user: Any, filters: OrderFilters | None = None, cursor: str | None = None, limit: int = 50
) -> Page[Order]:
    """Orders newest first; filter by customer, channel and a date range."""
    filters = filters or OrderFilters()
    qs = _visible(Order.objects.all(), user)
    if filters.party_id is not None:
        qs = qs.filter(party_id=filters.party_id)
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    if filters.ordered_from is not None:
        qs = qs.filter(ordered_at__gte=filters.ordered_from)
    if filters.ordered_before is not None:
        qs = qs.filter(ordered_at__lt=filters.ordered_before)
    return _newest_first(qs, at_field="ordered_at", cursor=cursor, limit=limit)


def order_get(*, user: Any, order_id: int) -> Order | None:
    """One order with its lines and their products."""
    return (
        _visible(Order.objects.all(), user)
        .prefetch_related(
            Prefetch(
                "lines",
                queryset=OrderLine.objects.select_related("product").order_by("line_no"),
            )
        )
        .filter(pk=order_id)
        .first()
    )


def order_line_get(*, user: Any, order_id: int, line_no: int) -> OrderLine | None:
    return (
        _visible(OrderLine.objects.select_related("order"), user)
        .filter(order_id=order_id, line_no=line_no)
        .first()
    )


def return_list(
    *,
    user: Any,
    order_id: int | None = None,
    party_id: int | None = None,
    cursor: str | None = None,
    limit: int = 50,
) -> Page[Return]:
    qs = _visible(Return.objects.select_related("order_line"), user)
    if order_id is not None:
        qs = qs.filter(order_line__order_id=order_id)
    if party_id is not None:
        qs = qs.filter(party_id=party_id)
    return _newest_first(qs, at_field="returned_at", cursor=cursor, limit=limit)


# --- billing -------------------------------------------------------------------------


def invoice_list(
    *,
    user: Any,
    party_id: int | None = None,
    status: str = "",
    cursor: str | None = None,
    limit: int = 50,
) -> Page[Invoice]:
    """Invoices newest first, by customer and status."""
    qs = _visible(Invoice.objects.all(), user)
    if party_id is not None:
        qs = qs.filter(party_id=party_id)
    if status:
        qs = qs.filter(status=status)
    return _newest_first(qs, at_field="issued_at", cursor=cursor, limit=limit)


def invoice_get(*, user: Any, invoice_id: int) -> Invoice | None:
    return _visible(Invoice.objects.all(), user).filter(pk=invoice_id).first()


def payment_list(
    *,
    user: Any,
    party_id: int | None = None,
    invoice_id: int | None = None,
    cursor: str | None = None,
    limit: int = 50,
) -> Page[Payment]:
    """Payments newest first, by customer or invoice."""
    qs = _visible(Payment.objects.all(), user)
    if party_id is not None:
        qs = qs.filter(party_id=party_id)
    if invoice_id is not None:
        qs = qs.filter(invoice_id=invoice_id)
    return _newest_first(qs, at_field="received_at", cursor=cursor, limit=limit)


def payment_get(*, user: Any, payment_id: int) -> Payment | None:
    return _visible(Payment.objects.all(), user).filter(pk=payment_id).first()
