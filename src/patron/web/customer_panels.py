"""The sales panels of the customer page: recent orders with their lines, and invoices."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, Max, Prefetch, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from patron.accounts.permissions import can_view_customers
from patron.sales.models import Invoice, Order, OrderLine
from patron.web.panels import Panel, register

RECENT = 5


def orders_context(*, party: Any, user: Any) -> Mapping[str, Any] | None:
    """The last orders with lines, and the customer's order totals (one party's rows only)."""
    if not can_view_customers(user):
        return None
    orders = list(
        Order.objects.filter(party_id=party.pk)
        .order_by("-ordered_at", "-id")
        .prefetch_related(
            Prefetch(
                "lines", queryset=OrderLine.objects.select_related("product").order_by("line_no")
            )
        )[:RECENT]
    )
    totals = Order.objects.filter(party_id=party.pk).exclude(status=Order.Status.CANCELLED)
    summary = totals.aggregate(count=Count("id"), revenue=Sum("total"), last=Max("ordered_at"))
    return {"orders": orders, "summary": summary}


def invoices_context(*, party: Any, user: Any) -> Mapping[str, Any] | None:
    """The last invoices with what has been paid against each."""
    if not can_view_customers(user):
        return None
    zero = Value(Decimal("0"), output_field=DecimalField(max_digits=14, decimal_places=2))
    invoices = list(
        Invoice.objects.filter(party_id=party.pk)
        .annotate(paid=Coalesce(Sum("payments__amount"), zero))
        .order_by("-issued_at", "-id")[:RECENT]
    )
    now = timezone.now()
    for invoice in invoices:
        invoice.outstanding = max(invoice.total - invoice.paid, Decimal("0"))  # type: ignore[attr-defined]
        invoice.is_overdue = (  # type: ignore[attr-defined]
            invoice.status == Invoice.Status.OPEN and invoice.due_at < now
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
