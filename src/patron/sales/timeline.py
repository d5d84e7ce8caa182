"""Orders, returns, invoices, payments, statements and reminders on the customer timeline."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce

from patron.core.timeline import ModelSource, TimelineEvent, TimelineSource
from patron.sales.models import (
    Invoice,
    Order,
    OrderLine,
    Payment,
    PaymentReminder,
    Return,
    Statement,
)


def _money(amount: Any, currency: str) -> str:
    return f"{amount:,.2f} {currency}"


class OrderSource(ModelSource):
    model = Order
    at_field = "ordered_at"
    name = "sales.order"
    label = "Orders"

    def queryset(self) -> Any:
        # A subquery per order shown, not a join grouped over all the customer's orders:
        # a page costs the same for an account with five orders and one with fifty thousand.
        lines = (
            OrderLine.objects.filter(order=OuterRef("pk"))
            .order_by()
            .values("order")
            .annotate(count=Count("*"))
            .values("count")
        )
        return Order.objects.annotate(line_count=Coalesce(Subquery(lines), 0))

    def to_event(self, obj: Any) -> TimelineEvent:
        lines = obj.line_count
        return TimelineEvent(
            at=obj.ordered_at,
            source=self.name,
            id=obj.id,
            kind="order",
            title=f"Order {obj.external_id or obj.id} — {obj.get_channel_display()}",
            summary=f"{lines} line{'s' if lines != 1 else ''}, {obj.get_status_display().lower()}",
            icon="order",
            amount=_money(obj.total, obj.currency),
            data={"channel": obj.channel, "status": obj.status},
        )


class ReturnSource(ModelSource):
    model = Return
    at_field = "returned_at"
    name = "sales.return"
    label = "Returns"

    def queryset(self) -> Any:
        return Return.objects.select_related("order_line__product")

    def to_event(self, obj: Any) -> TimelineEvent:
        product = obj.order_line.product
        return TimelineEvent(
            at=obj.returned_at,
            source=self.name,
            id=obj.id,
            kind="return",
            title=f"Returned {obj.quantity} × {product.name}",
            summary=obj.reason,
            icon="return",
            amount=_money(obj.refund_amount, obj.currency),
        )


class InvoiceSource(ModelSource):
    model = Invoice
    at_field = "issued_at"
    name = "sales.invoice"
    label = "Invoices"

    def to_event(self, obj: Any) -> TimelineEvent:
        return TimelineEvent(
            at=obj.issued_at,
            source=self.name,
            id=obj.id,
            kind="invoice",
            title=f"Invoice {obj.number}",
            summary=f"{obj.get_status_display()}, due {obj.due_at:%d %b %Y}",
            icon="invoice",
            amount=_money(obj.total, obj.currency),
            data={"status": obj.status},
        )


class PaymentSource(ModelSource):
    model = Payment
    at_field = "received_at"
    name = "sales.payment"
    label = "Payments"

    def to_event(self, obj: Any) -> TimelineEvent:
        return TimelineEvent(
            at=obj.received_at,
            source=self.name,
            id=obj.id,
            kind="payment",
            title=f"Payment received ({obj.get_method_display().lower()})",
            summary=obj.reference,
            icon="payment",
            amount=_money(obj.amount, obj.currency),
        )


class StatementSource(ModelSource):
    model = Statement
    at_field = "issued_at"
    name = "sales.statement"
    label = "Statements"

    def to_event(self, obj: Any) -> TimelineEvent:
        return TimelineEvent(
            at=obj.issued_at,
            source=self.name,
            id=obj.id,
            kind="statement",
            title=f"Statement {obj.period_start:%d %b} – {obj.period_end:%d %b %Y}",
            summary=f"Closing balance {_money(obj.closing_balance, obj.currency)}",
            icon="statement",
        )


class ReminderSource(ModelSource):
    model = PaymentReminder
    at_field = "sent_at"
    name = "sales.payment_reminder"
    label = "Payment reminders"

    def queryset(self) -> Any:
        return PaymentReminder.objects.select_related("invoice")

    def to_event(self, obj: Any) -> TimelineEvent:
        return TimelineEvent(
            at=obj.sent_at,
            source=self.name,
            id=obj.id,
            kind="payment_reminder",
            title=f"Payment reminder {obj.level} for invoice {obj.invoice.number}",
            icon="reminder",
            amount=_money(obj.amount_due, obj.currency),
        )


def sales_sources() -> list[TimelineSource]:
    return [
        OrderSource(),
        ReturnSource(),
        InvoiceSource(),
        PaymentSource(),
        StatementSource(),
        ReminderSource(),
    ]
