"""/api/v1 products, orders (with lines and returns), invoices and payments.

Reads go through ``sales.selectors``, writes through ``sales.services``. Unit cost and
margin appear only for users allowed to see costs (``can_see_costs``): the keys are left
out, not nulled, so a client cannot mistake "hidden" for "unknown".
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, ClassVar, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from patron.accounts.permissions import can_see_costs
from patron.core.api import ERRORS, KeysetPage, Strict, Timestamp, actor, found, id_field, unchanged
from patron.parties.models import Party
from patron.parties.selectors import party_queryset
from patron.sales import selectors, services
from patron.sales.models import Invoice, Order, OrderLine, Payment, Product, Return

products_router = Router(tags=["products"])
orders_router = Router(tags=["orders"])
invoices_router = Router(tags=["invoices"])
payments_router = Router(tags=["payments"])

Money = Decimal
SalesChannelName = Literal["store", "direct_mail", "web", "phone", "field"]
OUTPUT_ONLY = frozenset({"id", "created_at", "updated_at"})


def _money(**constraints: Any) -> Any:
    return Field(max_digits=14, decimal_places=2, **constraints)


def _currency() -> Any:
    return Field(min_length=3, max_length=3, description="ISO 4217 code, e.g. GBP")


def _party_ref(request: HttpRequest, party_id: int, field: str = "party_id") -> Party:
    party = party_queryset(user=actor(request)).filter(pk=party_id).first()
    if party is None:
        raise ValidationError({field: [f"no customer with id {party_id}"]})
    return party


class PageQuery(Schema):
    cursor: str | None = Field(None, max_length=500)
    limit: int = Field(50, ge=1, le=200)


# --- products ------------------------------------------------------------------------


class ProductOut(Schema):
    id: int
    sku: str
    name: str
    category: str | None
    unit_price: Money
    currency: str
    is_active: bool
    unit_cost: Money | None = Field(None, description="Only for users who may see costs")
    margin: Money | None = Field(None, description="Only for users who may see costs")
    created_at: dt.datetime
    updated_at: dt.datetime


class ProductCreate(Strict):
    read_only_fields: ClassVar[frozenset[str]] = OUTPUT_ONLY | {"margin"}

    sku: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    category: str = Field("", max_length=100)
    unit_price: Money = _money(ge=0)
    unit_cost: Money | None = _money(default=None, ge=0)
    currency: str = _currency()
    is_active: bool = True


class ProductUpdate(Strict):
    read_only_fields: ClassVar[frozenset[str]] = OUTPUT_ONLY | {"margin"}

    sku: str = unchanged(min_length=1, max_length=64)
    name: str = unchanged(min_length=1, max_length=200)
    category: str = unchanged(max_length=100)
    unit_price: Money = unchanged(max_digits=14, decimal_places=2, ge=0)
    unit_cost: Money | None = _money(default=None, ge=0)
    currency: str = unchanged(min_length=3, max_length=3)
    is_active: bool = unchanged()


class ProductQuery(PageQuery):
    category: str = Field("", max_length=100)
    active: bool | None = None


def _product_out(product: Product, show_costs: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": product.id,
        "sku": product.sku,
        "name": product.name,
        "category": product.category.name if product.category else None,
        "unit_price": product.unit_price,
        "currency": product.currency,
        "is_active": product.is_active,
        "created_at": product.created_at,
        "updated_at": product.updated_at,
    }
    if show_costs:
        out["unit_cost"] = product.unit_cost
        out["margin"] = product.margin
    return out


def _product(request: HttpRequest, product_id: int) -> Product:
    return found(selectors.product_get(user=actor(request), product_id=product_id))


@products_router.get("", response={200: KeysetPage[ProductOut], **ERRORS}, exclude_unset=True)
def list_products(request: HttpRequest, params: Query[ProductQuery]) -> Any:
    user = actor(request)
    page = selectors.product_list(
        user=user,
        filters=selectors.ProductFilters(category=params.category, active=params.active),
        cursor=params.cursor,
        limit=params.limit,
    )
    show = can_see_costs(user)
    return {"items": [_product_out(p, show) for p in page.items], "next_cursor": page.next_cursor}


@products_router.get("/{product_id}", response={200: ProductOut, **ERRORS}, exclude_unset=True)
def get_product(request: HttpRequest, product_id: int) -> Any:
    return _product_out(_product(request, product_id), can_see_costs(actor(request)))


@products_router.post("", response={201: ProductOut, **ERRORS}, exclude_unset=True)
def create_product(request: HttpRequest, payload: ProductCreate) -> Any:
    user = actor(request)
    product = services.product_create(actor=user, **payload.model_dump())
    return Status(201, _product_out(_product(request, product.id), can_see_costs(user)))


@products_router.patch("/{product_id}", response={200: ProductOut, **ERRORS}, exclude_unset=True)
def update_product(request: HttpRequest, product_id: int, payload: ProductUpdate) -> Any:
    user = actor(request)
    product = _product(request, product_id)
    services.product_update(product=product, actor=user, **payload.model_dump(exclude_unset=True))
    return _product_out(_product(request, product_id), can_see_costs(user))


# --- orders --------------------------------------------------------------------------


class OrderLineOut(Schema):
    line_no: int
    product_id: int
    sku: str
    product_name: str
    quantity: int
    unit_price: Money
    line_total: Money


class OrderListItem(Schema):
    id: int
    external_id: str | None
    party_id: int
    ordered_at: dt.datetime
    channel: str
    status: str
    currency: str
    total: Money
    staff_id: int | None
    created_at: dt.datetime


class OrderOut(OrderListItem):
    lines: list[OrderLineOut]


class LineIn(Strict):
    read_only_fields: ClassVar[frozenset[str]] = frozenset(
        {"line_no", "line_total", "sku", "product_name"}
    )

    product_id: int = id_field()
    quantity: int = Field(ge=1, le=services.MAX_QUANTITY)
    unit_price: Money | None = _money(default=None, ge=0)


class OrderCreate(Strict):
    read_only_fields: ClassVar[frozenset[str]] = OUTPUT_ONLY | {"total", "staff_id"}

    party_id: int = id_field()
    channel: SalesChannelName
    ordered_at: Timestamp | None = None
    currency: str | None = Field(None, min_length=3, max_length=3)
    status: Literal["placed", "fulfilled", "cancelled"] = "fulfilled"
    external_id: str | None = Field(None, max_length=64)
    lines: list[LineIn] = Field(min_length=1, max_length=services.MAX_LINES)


class OrderQuery(PageQuery):
    party: int | None = id_field(None)
    channel: Literal["", "store", "direct_mail", "web", "phone", "field"] = ""
    ordered_from: Timestamp | None = None
    ordered_before: Timestamp | None = None


class ReturnOut(Schema):
    id: int
    order_id: int
    line_no: int
    party_id: int
    returned_at: dt.datetime
    quantity: int
    reason: str
    refund_amount: Money
    currency: str


class ReturnIn(Strict):
    read_only_fields: ClassVar[frozenset[str]] = OUTPUT_ONLY | {"party_id", "currency"}

    line_no: int = id_field()
    quantity: int = Field(ge=1, le=services.MAX_QUANTITY)
    reason: str = Field("", max_length=200)
    refund_amount: Money | None = _money(default=None, ge=0)
    returned_at: Timestamp | None = None


def _line_out(line: OrderLine) -> dict[str, Any]:
    return {
        "line_no": line.line_no,
        "product_id": line.product_id,
        "sku": line.product.sku,
        "product_name": line.product.name,
        "quantity": line.quantity,
        "unit_price": line.unit_price,
        "line_total": line.line_total,
    }


def _order_out(order: Order) -> dict[str, Any]:
    out = {name: getattr(order, name) for name in OrderListItem.model_fields}
    out["lines"] = [_line_out(line) for line in order.lines.all()]
    return out


def _return_out(ret: Return) -> dict[str, Any]:
    return {
        "id": ret.id,
        "order_id": ret.order_line.order_id,
        "line_no": ret.order_line.line_no,
        "party_id": ret.party_id,
        "returned_at": ret.returned_at,
        "quantity": ret.quantity,
        "reason": ret.reason,
        "refund_amount": ret.refund_amount,
        "currency": ret.currency,
    }


def _order(request: HttpRequest, order_id: int) -> Order:
    return found(selectors.order_get(user=actor(request), order_id=order_id))


@orders_router.get("", response={200: KeysetPage[OrderListItem], **ERRORS})
def list_orders(request: HttpRequest, params: Query[OrderQuery]) -> Any:
    """Orders newest first; filter by customer, channel and ``ordered_from``/``_before``."""
    page = selectors.order_list(
        user=actor(request),
        filters=selectors.OrderFilters(
            party_id=params.party,
            channel=params.channel,
            ordered_from=params.ordered_from,
            ordered_before=params.ordered_before,
        ),
        cursor=params.cursor,
        limit=params.limit,
    )
    return {"items": page.items, "next_cursor": page.next_cursor}


@orders_router.get("/{order_id}", response={200: OrderOut, **ERRORS})
def get_order(request: HttpRequest, order_id: int) -> Any:
    return _order_out(_order(request, order_id))


@orders_router.post("", response={201: OrderOut, **ERRORS})
def create_order(request: HttpRequest, payload: OrderCreate) -> Any:
    """Record an order; its total is computed from the lines."""
    party = _party_ref(request, payload.party_id)
    order = services.order_create(
        actor=actor(request),
        party=party,
        channel=payload.channel,
        ordered_at=payload.ordered_at,
        currency=payload.currency,
        status=payload.status,
        external_id=payload.external_id,
        lines=[
            services.LineInput(
                product_id=line.product_id, quantity=line.quantity, unit_price=line.unit_price
            )
            for line in payload.lines
        ],
    )
    return Status(201, _order_out(_order(request, order.id)))


@orders_router.get("/{order_id}/returns", response={200: KeysetPage[ReturnOut], **ERRORS})
def list_returns(request: HttpRequest, order_id: int, params: Query[PageQuery]) -> Any:
    _order(request, order_id)
    page = selectors.return_list(
        user=actor(request), order_id=order_id, cursor=params.cursor, limit=params.limit
    )
    return {"items": [_return_out(r) for r in page.items], "next_cursor": page.next_cursor}


@orders_router.post("/{order_id}/returns", response={201: ReturnOut, **ERRORS})
def record_return(request: HttpRequest, order_id: int, payload: ReturnIn) -> Any:
    _order(request, order_id)
    line = selectors.order_line_get(user=actor(request), order_id=order_id, line_no=payload.line_no)
    if line is None:
        raise ValidationError({"line_no": [f"order {order_id} has no line {payload.line_no}"]})
    ret = services.return_record(
        actor=actor(request),
        order_line=line,
        quantity=payload.quantity,
        reason=payload.reason,
        refund_amount=payload.refund_amount,
        returned_at=payload.returned_at,
    )
    return Status(201, _return_out(ret))


# --- invoices ------------------------------------------------------------------------


class InvoiceOut(Schema):
    id: int
    number: str
    party_id: int
    order_id: int | None
    issued_at: dt.datetime
    due_at: dt.datetime
    currency: str
    total: Money
    status: str
    created_at: dt.datetime


class InvoiceDetail(InvoiceOut):
    paid: Money


class InvoiceCreate(Strict):
    read_only_fields: ClassVar[frozenset[str]] = OUTPUT_ONLY | {"status", "paid"}

    party_id: int = id_field()
    order_id: int | None = id_field(None)
    total: Money | None = _money(default=None, ge=0)
    currency: str | None = Field(None, min_length=3, max_length=3)
    issued_at: Timestamp | None = None
    due_at: Timestamp | None = None
    payment_terms_days: int = Field(30, ge=0, le=365)
    number: str | None = Field(None, max_length=32)


class InvoiceQuery(PageQuery):
    party: int | None = id_field(None)
    status: Literal["", "open", "paid", "void"] = ""


class ReminderOut(Schema):
    id: int
    invoice_id: int
    party_id: int
    sent_at: dt.datetime
    level: int
    amount_due: Money
    currency: str


class ReminderIn(Strict):
    sent_at: Timestamp | None = None


def _invoice(request: HttpRequest, invoice_id: int) -> Invoice:
    return found(selectors.invoice_get(user=actor(request), invoice_id=invoice_id))


def _invoice_detail(invoice: Invoice) -> dict[str, Any]:
    out = {name: getattr(invoice, name) for name in InvoiceOut.model_fields}
    out["paid"] = services.invoice_paid_amount(invoice)
    return out


@invoices_router.get("", response={200: KeysetPage[InvoiceOut], **ERRORS})
def list_invoices(request: HttpRequest, params: Query[InvoiceQuery]) -> Any:
    page = selectors.invoice_list(
        user=actor(request),
        party_id=params.party,
        status=params.status,
        cursor=params.cursor,
        limit=params.limit,
    )
    return {"items": page.items, "next_cursor": page.next_cursor}


@invoices_router.get("/{invoice_id}", response={200: InvoiceDetail, **ERRORS})
def get_invoice(request: HttpRequest, invoice_id: int) -> Any:
    return _invoice_detail(_invoice(request, invoice_id))


@invoices_router.post("", response={201: InvoiceDetail, **ERRORS})
def issue_invoice(request: HttpRequest, payload: InvoiceCreate) -> Any:
    """Issue an invoice (finance only); for an order it defaults to the order's total."""
    party = _party_ref(request, payload.party_id)
    order = None
    if payload.order_id is not None:
        order = selectors.order_get(user=actor(request), order_id=payload.order_id)
        if order is None:
            raise ValidationError({"order_id": [f"no order with id {payload.order_id}"]})
    invoice = services.invoice_issue(
        actor=actor(request),
        party=party,
        order=order,
        total=payload.total,
        currency=payload.currency,
        issued_at=payload.issued_at,
        due_at=payload.due_at,
        payment_terms_days=payload.payment_terms_days,
        number=payload.number,
    )
    return Status(201, _invoice_detail(invoice))


@invoices_router.post("/{invoice_id}/reminders", response={201: ReminderOut, **ERRORS})
def send_reminder(request: HttpRequest, invoice_id: int, payload: ReminderIn) -> Any:
    """Remind the customer of an overdue invoice (finance only; at most three)."""
    invoice = _invoice(request, invoice_id)
    return Status(
        201,
        services.payment_reminder_send(
            actor=actor(request), invoice=invoice, sent_at=payload.sent_at
        ),
    )


# --- payments ------------------------------------------------------------------------


class PaymentOut(Schema):
    id: int
    party_id: int
    invoice_id: int | None
    received_at: dt.datetime
    amount: Money
    currency: str
    method: str
    reference: str
    created_at: dt.datetime


class PaymentCreate(Strict):
    party_id: int = id_field()
    invoice_id: int | None = id_field(None)
    amount: Money = _money(gt=0)
    currency: str = _currency()
    method: Literal["card", "transfer", "cash", "direct_debit", "cheque"] = "card"
    reference: str = Field("", max_length=64)
    received_at: Timestamp | None = None


class PaymentQuery(PageQuery):
    party: int | None = id_field(None)
    invoice: int | None = id_field(None)


@payments_router.get("", response={200: KeysetPage[PaymentOut], **ERRORS})
def list_payments(request: HttpRequest, params: Query[PaymentQuery]) -> Any:
    page = selectors.payment_list(
        user=actor(request),
        party_id=params.party,
        invoice_id=params.invoice,
        cursor=params.cursor,
        limit=params.limit,
    )
    return {"items": page.items, "next_cursor": page.next_cursor}


@payments_router.get("/{payment_id}", response={200: PaymentOut, **ERRORS})
def get_payment(request: HttpRequest, payment_id: int) -> Any:
    return found(selectors.payment_get(user=actor(request), payment_id=payment_id))


@payments_router.post("", response={201: PaymentOut, **ERRORS})
def record_payment(request: HttpRequest, payload: PaymentCreate) -> Any:
    """Record money received (finance only); an invoice paid in full becomes ``paid``."""
    party = _party_ref(request, payload.party_id)
    invoice = None
    if payload.invoice_id is not None:
        invoice = selectors.invoice_get(user=actor(request), invoice_id=payload.invoice_id)
        if invoice is None:
            raise ValidationError({"invoice_id": [f"no invoice with id {payload.invoice_id}"]})
    payment: Payment = services.payment_record(
        actor=actor(request),
        party=party,
        invoice=invoice,
        amount=payload.amount,
        currency=payload.currency,
        method=payload.method,
        reference=payload.reference,
        received_at=payload.received_at,
    )
    return Status(201, payment)
