"""Every write to products, orders, returns and billing.

The API, the web app, the importers and the demo all call these, so a sale is validated,
totalled and audited the same way whichever door it came through. Each function checks
permission first, validates everything before it saves anything, and runs in one
transaction: a rejected call leaves no trace.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from patron.accounts.permissions import (
    can_edit_billing,
    can_edit_orders,
    can_edit_products,
    require,
)
from patron.core.audit import audit_record, changed, snapshot
from patron.core.money import CENT, CURRENCIES
from patron.parties.models import Party
from patron.sales.models import (
    Category,
    Invoice,
    Order,
    OrderLine,
    Payment,
    PaymentReminder,
    Product,
    Return,
    SalesChannel,
    Statement,
)

Errors = dict[str, list[str]]

PRODUCT_EDITABLE_FIELDS = (
    "sku",
    "name",
    "category",
    "unit_price",
    "unit_cost",
    "currency",
    "is_active",
)
MAX_LINES = 1000
MAX_QUANTITY = 1_000_000
MAX_AMOUNT = Decimal("999999999999.99")
FUTURE_GRACE = dt.timedelta(minutes=5)


def _raise(errors: Errors) -> None:
    if errors:
        raise ValidationError(errors)


def _check_amount(errors: Errors, field: str, value: Decimal | None, *, positive: bool) -> None:
    if value is None:
        return
    if not isinstance(value, Decimal) or not value.is_finite():
        errors.setdefault(field, []).append("must be a number")
    elif positive and value <= 0:
        errors.setdefault(field, []).append("must be more than 0")
    elif value < 0:
        errors.setdefault(field, []).append("must not be negative")
    elif value > MAX_AMOUNT:
        errors.setdefault(field, []).append("is too large")
    elif value != value.quantize(CENT):
        errors.setdefault(field, []).append("has more than 2 decimal places")


def _check_currency(errors: Errors, field: str, currency: str) -> None:
    if currency not in CURRENCIES:
        errors.setdefault(field, []).append(
            f"{currency!r} is not a supported currency ({', '.join(sorted(CURRENCIES))})"
        )


def _check_not_future(errors: Errors, field: str, when: dt.datetime, now: dt.datetime) -> None:
    if timezone.is_naive(when):
        errors.setdefault(field, []).append("needs a time zone")
    elif when > now + FUTURE_GRACE:
        errors.setdefault(field, []).append("is in the future")


# --- products ------------------------------------------------------------------------


def _category(name: str, actor: Any) -> Category | None:
    name = name.strip()
    if not name:
        return None
    category, created = Category.objects.get_or_create(name=name)
    if created:
        audit_record(actor=actor, action="create", obj=category, after=snapshot(category))
    return category


def _check_product(product: Product, category_name: str | None) -> None:
    errors: Errors = {}
    product.sku = product.sku.strip()
    product.name = product.name.strip()
    if not product.sku:
        errors["sku"] = ["is required"]
    elif len(product.sku) > 64:
        errors["sku"] = ["is longer than 64 characters"]
    elif Product.objects.filter(sku=product.sku).exclude(pk=product.pk).exists():
        errors["sku"] = [f"{product.sku!r} is already used by another product"]
    if not product.name:
        errors["name"] = ["is required"]
    elif len(product.name) > 200:
        errors["name"] = ["is longer than 200 characters"]
    if category_name is not None and len(category_name.strip()) > 100:
        errors["category"] = ["is longer than 100 characters"]
    _check_amount(errors, "unit_price", product.unit_price, positive=False)
    _check_amount(errors, "unit_cost", product.unit_cost, positive=False)
    _check_currency(errors, "currency", product.currency)
    _raise(errors)


@transaction.atomic
def product_create(
    *,
    actor: Any,
    sku: str,
    name: str,
    unit_price: Decimal,
    currency: str,
    unit_cost: Decimal | None = None,
    category: str = "",
    is_active: bool = True,
) -> Product:
    """Add a product to the catalogue; the category is created if it is new."""
    require(can_edit_products(actor), "Only managers may add products.")
    product = Product(
        sku=sku,
        name=name,
        unit_price=unit_price,
        unit_cost=unit_cost,
        currency=currency,
        is_active=is_active,
    )
    _check_product(product, category)
    product.category = _category(category, actor)
    product.save()
    audit_record(actor=actor, action="create", obj=product, after=snapshot(product))
    return product


@transaction.atomic
def product_update(*, product: Product, actor: Any, **changes: Any) -> Product:
    """Change a product; ``category`` is given by name ("" removes it)."""
    require(can_edit_products(actor), "Only managers may change products.")
    unknown = set(changes) - set(PRODUCT_EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({name: ["cannot be changed"] for name in sorted(unknown)})
    before = snapshot(product)
    category_name = changes.pop("category", None)
    for name, value in changes.items():
        setattr(product, name, value)
    _check_product(product, category_name)
    if category_name is not None:
        product.category = _category(category_name, actor)
    product.save()
    old, new = changed(before, snapshot(product))
    if new:
        audit_record(actor=actor, action="update", obj=product, before=old, after=new)
    return product


# --- orders and returns --------------------------------------------------------------


@dataclass(frozen=True)
class LineInput:
    """One order line as a caller gives it; ``unit_price`` defaults to the list price."""

    product_id: int
    quantity: int
    unit_price: Decimal | None = None


@transaction.atomic
def order_create(
    *,
    actor: Any,
    party: Party,
    channel: str,
    lines: Sequence[LineInput],
    ordered_at: dt.datetime | None = None,
    currency: str | None = None,
    status: str = Order.Status.FULFILLED,
    external_id: str | None = None,
    now: dt.datetime | None = None,
) -> Order:
    """Record an order with its lines; the total is computed here, never taken on trust.

    Every line's product must exist and be priced in the order's currency (by default the
    currency of the first line's product); quantities are positive whole numbers.
    """
    require(can_edit_orders(actor), "You may not record orders.")
    now = now or timezone.now()
    ordered_at = ordered_at or now
    errors: Errors = {}
    if channel not in SalesChannel.values:
        errors["channel"] = [f"must be one of {', '.join(SalesChannel.values)}"]
    if status not in Order.Status.values:
        errors["status"] = [f"must be one of {', '.join(Order.Status.values)}"]
    _check_not_future(errors, "ordered_at", ordered_at, now)
    external_id = (external_id or "").strip() or None
    if external_id and Order.objects.filter(external_id=external_id).exists():
        errors["external_id"] = [f"{external_id!r} is already used by another order"]
    if not lines:
        errors["lines"] = ["an order needs at least one line"]
    elif len(lines) > MAX_LINES:
        errors["lines"] = [f"an order has at most {MAX_LINES} lines"]
    _raise(errors)

    products = Product.objects.in_bulk({line.product_id for line in lines})
    first = products.get(lines[0].product_id)
    currency = currency or (first.currency if first else "")
    if currency:
        _check_currency(errors, "currency", currency)
    total = Decimal("0")
    rows: list[OrderLine] = []
    for index, line in enumerate(lines):
        prefix = f"lines.{index}"
        product = products.get(line.product_id)
        if product is None:
            errors[f"{prefix}.product_id"] = [f"no product with id {line.product_id}"]
            continue
        if not isinstance(line.quantity, int) or not 0 < line.quantity <= MAX_QUANTITY:
            errors[f"{prefix}.quantity"] = [f"must be a whole number from 1 to {MAX_QUANTITY}"]
        price = product.unit_price if line.unit_price is None else line.unit_price
        _check_amount(errors, f"{prefix}.unit_price", price, positive=False)
        if currency and product.currency != currency:
            errors[f"{prefix}.product_id"] = [
                f"{product.sku} is priced in {product.currency}, the order is in {currency}"
            ]
        if f"{prefix}.quantity" not in errors and f"{prefix}.unit_price" not in errors:
            total += price * line.quantity
        rows.append(
            OrderLine(
                party=party,
                line_no=index + 1,
                product=product,
                quantity=line.quantity,
                unit_price=price,
            )
        )
    if not errors and total > MAX_AMOUNT:
        errors["lines"] = ["the order total is too large"]
    _raise(errors)

    order = Order.objects.create(
        external_id=external_id,
        party=party,
        ordered_at=ordered_at,
        channel=channel,
        status=status,
        currency=currency,
        total=total.quantize(CENT),
        staff=actor if getattr(actor, "pk", None) else None,
    )
    for row in rows:
        row.order = order
    OrderLine.objects.bulk_create(rows)
    after = snapshot(order)
    after["lines"] = [
        {"product_id": r.product_id, "quantity": r.quantity, "unit_price": str(r.unit_price)}
        for r in rows
    ]
    audit_record(actor=actor, action="create", obj=order, after=after)
    return order


@transaction.atomic
def return_record(
    *,
    actor: Any,
    order_line: OrderLine,
    quantity: int,
    reason: str = "",
    refund_amount: Decimal | None = None,
    returned_at: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> Return:
    """Record goods sent back against one order line; never more than was bought."""
    require(can_edit_orders(actor), "You may not record returns.")
    now = now or timezone.now()
    returned_at = returned_at or now
    # Lock the line so two returns at once cannot together exceed what was bought.
    line = OrderLine.objects.select_for_update().select_related("order").get(pk=order_line.pk)
    errors: Errors = {}
    already = line.returns.aggregate(n=Sum("quantity"))["n"] or 0
    if not isinstance(quantity, int) or quantity <= 0:
        errors["quantity"] = ["must be a whole number more than 0"]
    elif quantity > line.quantity - already:
        errors["quantity"] = [
            f"only {line.quantity - already} of {line.quantity} can still be returned"
        ]
    if len(reason) > 200:
        errors["reason"] = ["is longer than 200 characters"]
    _check_not_future(errors, "returned_at", returned_at, now)
    if not errors and returned_at < line.order.ordered_at:
        errors["returned_at"] = ["is before the order was placed"]
    if refund_amount is None and "quantity" not in errors:
        refund_amount = (line.unit_price * quantity).quantize(CENT)
    _check_amount(errors, "refund_amount", refund_amount, positive=False)
    if not errors and refund_amount is not None and refund_amount > line.unit_price * quantity:
        errors["refund_amount"] = ["is more than was paid for the returned goods"]
    _raise(errors)
    assert refund_amount is not None
    ret = Return.objects.create(
        order_line=line,
        party_id=line.party_id,
        returned_at=returned_at,
        quantity=quantity,
        reason=reason.strip(),
        refund_amount=refund_amount,
        currency=line.order.currency,
    )
    audit_record(actor=actor, action="create", obj=ret, after=snapshot(ret))
    return ret


# --- billing -------------------------------------------------------------------------


def invoice_paid_amount(invoice: Invoice) -> Decimal:
    total = Payment.objects.filter(invoice=invoice).aggregate(s=Sum("amount"))["s"]
    return (total or Decimal("0")).quantize(CENT)


@transaction.atomic
def invoice_issue(
    *,
    actor: Any,
    party: Party,
    total: Decimal | None = None,
    currency: str | None = None,
    order: Order | None = None,
    issued_at: dt.datetime | None = None,
    due_at: dt.datetime | None = None,
    payment_terms_days: int = 30,
    number: str | None = None,
    now: dt.datetime | None = None,
) -> Invoice:
    """Issue an invoice, for an order (its total and currency by default) or an amount."""
    require(can_edit_billing(actor), "Only the finance department may issue invoices.")
    now = now or timezone.now()
    issued_at = issued_at or now
    errors: Errors = {}
    if order is not None:
        if order.party_id != party.pk:
            errors["order_id"] = ["belongs to another customer"]
        total = order.total if total is None else total
        currency = currency or order.currency
        if currency != order.currency:
            errors["currency"] = [f"the order is in {order.currency}"]
    if total is None:
        errors["total"] = ["is required without an order"]
    if not currency:
        errors["currency"] = ["is required without an order"]
    else:
        _check_currency(errors, "currency", currency)
    _check_amount(errors, "total", total, positive=False)
    _check_not_future(errors, "issued_at", issued_at, now)
    if not 0 <= payment_terms_days <= 365:
        errors["payment_terms_days"] = ["must be between 0 and 365"]
    due_at = due_at or issued_at + dt.timedelta(days=payment_terms_days)
    if "issued_at" not in errors and due_at < issued_at:
        errors["due_at"] = ["is before the invoice date"]
    number = (number or "").strip() or None
    if number and len(number) > 32:
        errors["number"] = ["is longer than 32 characters"]
    elif number and Invoice.objects.filter(number=number).exists():
        errors["number"] = [f"{number!r} is already used by another invoice"]
    _raise(errors)
    assert total is not None and currency is not None
    invoice = Invoice.objects.create(
        number=number or f"TMP-{uuid.uuid4().hex[:24]}",
        party=party,
        order=order,
        issued_at=issued_at,
        due_at=due_at,
        currency=currency,
        total=total,
    )
    if number is None:
        # Numbered from the row id: unique without a counter table or a race.
        invoice.number = f"INV-{invoice.pk:08d}"
        invoice.save(update_fields=["number"])
    audit_record(actor=actor, action="create", obj=invoice, after=snapshot(invoice))
    return invoice


@transaction.atomic
def payment_record(
    *,
    actor: Any,
    party: Party,
    amount: Decimal,
    currency: str,
    method: str = Payment.Method.CARD,
    reference: str = "",
    invoice: Invoice | None = None,
    received_at: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> Payment:
    """Record money received; an invoice it covers in full becomes paid."""
    require(can_edit_billing(actor), "Only the finance department may record payments.")
    now = now or timezone.now()
    received_at = received_at or now
    errors: Errors = {}
    _check_amount(errors, "amount", amount, positive=True)
    _check_currency(errors, "currency", currency)
    if method not in Payment.Method.values:
        errors["method"] = [f"must be one of {', '.join(Payment.Method.values)}"]
    if len(reference) > 64:
        errors["reference"] = ["is longer than 64 characters"]
    _check_not_future(errors, "received_at", received_at, now)
    if invoice is not None:
        # Lock the invoice: two payments at once must both count towards "paid".
        invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if invoice.party_id != party.pk:
            errors["invoice_id"] = ["belongs to another customer"]
        elif invoice.currency != currency:
            errors["currency"] = [f"the invoice is in {invoice.currency}"]
        elif invoice.status == Invoice.Status.VOID:
            errors["invoice_id"] = ["is void"]
    _raise(errors)
    payment = Payment.objects.create(
        party=party,
        invoice=invoice,
        received_at=received_at,
        amount=amount,
        currency=currency,
        method=method,
        reference=reference.strip(),
    )
    audit_record(actor=actor, action="create", obj=payment, after=snapshot(payment))
    if (
        invoice is not None
        and invoice.status == Invoice.Status.OPEN
        and invoice_paid_amount(invoice) >= invoice.total
    ):
        invoice.status = Invoice.Status.PAID
        invoice.save(update_fields=["status", "updated_at"])
        audit_record(
            actor=actor,
            action="update",
            obj=invoice,
            before={"status": Invoice.Status.OPEN},
            after={"status": Invoice.Status.PAID},
            note=f"paid in full by payment {payment.pk}",
        )
    return payment


def _balance(party: Party, currency: str, before: dt.datetime) -> Decimal:
    invoiced = Invoice.objects.filter(party=party, currency=currency, issued_at__lt=before).exclude(
        status=Invoice.Status.VOID
    ).aggregate(s=Sum("total"))["s"] or Decimal("0")
    paid = Payment.objects.filter(party=party, currency=currency, received_at__lt=before).aggregate(
        s=Sum("amount")
    )["s"] or Decimal("0")
    return (invoiced - paid).quantize(CENT)


@transaction.atomic
def statement_issue(
    *,
    actor: Any,
    party: Party,
    period_start: dt.date,
    period_end: dt.date,
    currency: str,
    issued_at: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> Statement:
    """Send a customer their account for a period: balance owed at its start and end."""
    require(can_edit_billing(actor), "Only the finance department may issue statements.")
    now = now or timezone.now()
    issued_at = issued_at or now
    errors: Errors = {}
    if period_end < period_start:
        errors["period_end"] = ["is before period_start"]
    _check_currency(errors, "currency", currency)
    _check_not_future(errors, "issued_at", issued_at, now)
    _raise(errors)
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(period_start, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(period_end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    statement = Statement.objects.create(
        party=party,
        period_start=period_start,
        period_end=period_end,
        issued_at=issued_at,
        opening_balance=_balance(party, currency, start),
        closing_balance=_balance(party, currency, end),
        currency=currency,
    )
    audit_record(actor=actor, action="create", obj=statement, after=snapshot(statement))
    return statement


@transaction.atomic
def payment_reminder_send(
    *,
    actor: Any,
    invoice: Invoice,
    sent_at: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> PaymentReminder:
    """Remind a customer of an overdue invoice; the third reminder is the last."""
    require(can_edit_billing(actor), "Only the finance department may send reminders.")
    now = now or timezone.now()
    sent_at = sent_at or now
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    errors: Errors = {}
    if invoice.status != Invoice.Status.OPEN:
        errors["invoice_id"] = [f"is {invoice.get_status_display().lower()}, not open"]
    elif invoice.due_at > sent_at:
        errors["invoice_id"] = [f"is not due until {invoice.due_at:%d %b %Y}"]
    level = invoice.reminders.count() + 1
    if level > 3:
        errors["invoice_id"] = ["has had its final (third) reminder"]
    _check_not_future(errors, "sent_at", sent_at, now)
    _raise(errors)
    reminder = PaymentReminder.objects.create(
        party_id=invoice.party_id,
        invoice=invoice,
        sent_at=sent_at,
        level=level,
        amount_due=invoice.total - invoice_paid_amount(invoice),
        currency=invoice.currency,
    )
    audit_record(actor=actor, action="create", obj=reminder, after=snapshot(reminder))
    return reminder
