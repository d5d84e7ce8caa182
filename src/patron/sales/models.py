"""Products, orders and their lines, returns, invoices, payments, statements, reminders.

Every per-customer table carries ``party`` so it can be read by customer with one index
and, at scale, sharded by customer (DESIGN.md).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from patron.core.models import TimeStampedModel
from patron.core.money import amount_field, currency_field
from patron.parties.models import Party


class SalesChannel(models.TextChoices):
    STORE = "store", "Store / retail"
    DIRECT_MAIL = "direct_mail", "Direct mail"
    WEB = "web", "Web / e-business"
    PHONE = "phone", "Phone"
    FIELD = "field", "Field sales"


class Category(models.Model):
    name = models.CharField(max_length=100, unique=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


class Product(TimeStampedModel):
    sku = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.PROTECT, related_name="products"
    )
    unit_price = amount_field()
    unit_cost = amount_field(null=True, blank=True)
    currency = currency_field()
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["sku"]
        constraints = [
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="product_price_gte_0"),
            models.CheckConstraint(
                condition=Q(unit_cost__isnull=True) | Q(unit_cost__gte=0),
                name="product_cost_gte_0",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sku} {self.name}"

    @property
    def margin(self) -> Decimal | None:
        """Unit price minus unit cost, or None when the cost is unknown."""
        return None if self.unit_cost is None else self.unit_price - self.unit_cost

    @property
    def margin_rate(self) -> Decimal | None:
        if self.unit_cost is None or not self.unit_price:
            return None
        return ((self.unit_price - self.unit_cost) / self.unit_price).quantize(Decimal("0.001"))


class Order(TimeStampedModel):
    class Status(models.TextChoices):
        PLACED = "placed", "Placed"
        FULFILLED = "fulfilled", "Fulfilled"
        CANCELLED = "cancelled", "Cancelled"

    external_id = models.CharField(max_length=64, unique=True, null=True, blank=True)
    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="orders")
    ordered_at = models.DateTimeField()
    channel = models.CharField(max_length=12, choices=SalesChannel.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.FULFILLED)
    currency = currency_field()
    total = amount_field(default=Decimal("0"))
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        indexes = [
            models.Index(fields=["party", "-ordered_at", "-id"], name="order_party_time_idx"),
            models.Index(fields=["-ordered_at", "-id"], name="order_time_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(channel__in=SalesChannel.values), name="order_channel_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Order {self.external_id or self.pk}"


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="+")
    line_no = models.PositiveIntegerField()
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="order_lines")
    quantity = models.IntegerField()
    unit_price = amount_field()

    class Meta:
        indexes = [models.Index(fields=["party", "product"], name="line_party_product_idx")]
        constraints = [
            models.UniqueConstraint(fields=["order", "line_no"], name="line_unique_no"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="line_quantity_gt_0"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="line_price_gte_0"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.product_id}"

    @property
    def line_total(self) -> Decimal:
        return self.unit_price * self.quantity


class Return(TimeStampedModel):
    """Goods a customer sent back, against one order line."""

    order_line = models.ForeignKey(OrderLine, on_delete=models.PROTECT, related_name="returns")
    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="returns")
    returned_at = models.DateTimeField()
    quantity = models.IntegerField()
    reason = models.CharField(max_length=200, blank=True)
    refund_amount = amount_field()
    currency = currency_field()

    class Meta:
        indexes = [models.Index(fields=["party", "-returned_at", "-id"], name="return_party_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="return_quantity_gt_0"),
            models.CheckConstraint(condition=Q(refund_amount__gte=0), name="return_refund_gte_0"),
        ]

    def __str__(self) -> str:
        return f"Return of {self.quantity} on line {self.order_line_id}"


class Invoice(TimeStampedModel):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        PAID = "paid", "Paid"
        VOID = "void", "Void"

    number = models.CharField(max_length=32, unique=True)
    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="invoices")
    order = models.ForeignKey(
        Order, null=True, blank=True, on_delete=models.PROTECT, related_name="invoices"
    )
    issued_at = models.DateTimeField()
    due_at = models.DateTimeField()
    currency = currency_field()
    total = amount_field()
    status = models.CharField(max_length=5, choices=Status.choices, default=Status.OPEN)

    class Meta:
        indexes = [
            models.Index(fields=["party", "-issued_at", "-id"], name="invoice_party_time_idx"),
            models.Index(fields=["status", "due_at"], name="invoice_status_due_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(total__gte=0), name="invoice_total_gte_0"),
            models.CheckConstraint(condition=Q(due_at__gte=F("issued_at")), name="invoice_due_ok"),
        ]

    def __str__(self) -> str:
        return f"Invoice {self.number}"


class Payment(TimeStampedModel):
    class Method(models.TextChoices):
        CARD = "card", "Card"
        TRANSFER = "transfer", "Bank transfer"
        CASH = "cash", "Cash"
        DIRECT_DEBIT = "direct_debit", "Direct debit"
        CHEQUE = "cheque", "Cheque"

    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="payments")
    invoice = models.ForeignKey(
        Invoice, null=True, blank=True, on_delete=models.PROTECT, related_name="payments"
    )
    received_at = models.DateTimeField()
    amount = amount_field()
    currency = currency_field()
    method = models.CharField(max_length=12, choices=Method.choices, default=Method.CARD)
    reference = models.CharField(max_length=64, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["party", "-received_at", "-id"], name="payment_party_time_idx")
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_gt_0"),
        ]

    def __str__(self) -> str:
        return f"Payment {self.amount} {self.currency}"


class Statement(TimeStampedModel):
    """A periodic account statement sent to a customer: an indirect contact."""

    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="statements")
    period_start = models.DateField()
    period_end = models.DateField()
    issued_at = models.DateTimeField()
    opening_balance = amount_field()
    closing_balance = amount_field()
    currency = currency_field()

    class Meta:
        indexes = [
            models.Index(fields=["party", "-issued_at", "-id"], name="statement_party_time_idx")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="statement_period_ok"
            ),
        ]

    def __str__(self) -> str:
        return f"Statement {self.period_start}–{self.period_end}"


class PaymentReminder(TimeStampedModel):
    """A reminder that an invoice is overdue: an indirect contact."""

    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="payment_reminders")
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="reminders")
    sent_at = models.DateTimeField()
    level = models.PositiveSmallIntegerField(default=1)
    amount_due = amount_field()
    currency = currency_field()

    class Meta:
        indexes = [
            models.Index(fields=["party", "-sent_at", "-id"], name="reminder_party_time_idx")
        ]
        constraints = [
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=3), name="reminder_level"),
        ]

    def __str__(self) -> str:
        return f"Reminder {self.level} for {self.invoice_id}"
