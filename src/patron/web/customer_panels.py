"""The sales panels of the customer page: recent orders with their lines, and invoices."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db.models import Count, Max, Prefetch, Sum, prefetch_related_objects
from django.utils import timezone

from patron.accounts.permissions import can_view_customers
from patron.sales.models import Order, OrderLine, Payment
from patron.sales.selectors import OrderFilters, invoice_list, order_list
from patron.web.panels import Panel, register

RECENT = 5


def orders_context(*, party: Any, user: Any) -> Mapping[str, Any] | None:
    """The last orders with lines, and the customer's order totals (one party's rows only)."""
    if not can_view_customers(user):
        return None
    orders = order_list(user=user, filters=OrderFilters(party_id=party.pk), limit=RECENT).items
    prefetch_related_objects(
        orders,
        Prefetch("lines", queryset=OrderLine.objects.select_related("product").order_by("line_no")),
    )
    summary = (
        Order.objects.filter(party_id=party.pk)
        .exclude(status=Order.Status.CANCELLED)
        .aggregate(count=Count("id"), revenue=Sum("total"), last=Max("ordered_at"))
    )
    return {"orders": orders, "summary": summary}


def invoices_context(*, party: Any, user: Any) -> Mapping[str, Any] | None:
    """The last invoices with what has been paid against each."""
    if not can_view_customers(user):
        return None
    invoices = invoice_list(user=user, party_id=party.pk, limit=RECENT).items
    paid = dict(
        Payment.objects.filter(invoice_id__in=[i.pk for i in invoices])
        .values_list("invoice_id")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    now = timezone.now()
    for invoice in invoices:
        invoice.paid = paid.get(invoice.pk, Decimal("0"))  # type: ignore[attr-defined]
        invoice.outstanding = max(invoice.total - invoice.paid, Decimal("0"))  # type: ignore[attr-defined]
        invoice.is_overdue = (  # type: ignore[attr-defined]
            invoice.status == invoice.Status.OPEN and invoice.due_at < now
        )
    return {"invoices": invoices}


def register_builtin_panels() -> None:
    register(
        Panel(
            key="sales.orders",
            title="Orders",
            template="web/panels/orders.html",
            context=orders_context,
            order=10,
        )
    )
    register(
        Panel(
            key="sales.invoices",
            title="Invoices",
            template="web/panels/invoices.html",
            context=invoices_context,
            order=20,
        )
    )
