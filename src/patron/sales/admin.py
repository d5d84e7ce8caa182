"""The back office for products, orders and billing.

Products are added and changed through ``sales.services`` (managers); unit cost and
margin are not shown at all to staff who may not see costs. Orders, returns, invoices,
payments, statements and reminders are shown read-only: they are written by the staff
app, the API and the importer, whose services keep totals, balances and the timeline right.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from patron.accounts.admin_base import PatronModelAdmin, ReadOnlyInline
from patron.accounts.permissions import can_edit_products, can_see_costs
from patron.sales import services
from patron.sales.models import (
    Category,
    Invoice,
    Order,
    OrderLine,
    Payment,
    PaymentReminder,
    Product,
    Return,
    Statement,
)

COST_FIELDS = ("unit_cost", "margin", "margin_rate")
ORDER_LINE_COLUMNS = ("line_no", "product", "quantity", "unit_price")


@admin.register(Product)
class ProductAdmin(PatronModelAdmin):
    list_display = ["sku", "name", "category", "unit_price", "unit_cost", "margin", "currency"]
    list_filter = ["category", "is_active", "currency"]
    search_fields = ["sku", "name"]
    fields = ["sku", "name", "category", "unit_price", "unit_cost", "currency", "is_active"]
    add_rule = staticmethod(can_edit_products)
    change_rule = staticmethod(can_edit_products)

    @admin.display(description="Margin")
    def margin(self, obj: Product) -> Decimal | None:
        return obj.margin

    def _hide_costs(self, request: HttpRequest, names: Any) -> list[str]:
        if can_see_costs(request.user):
            return list(names)
        return [name for name in names if name not in COST_FIELDS]

    def get_list_display(self, request: HttpRequest) -> Any:
        return self._hide_costs(request, super().get_list_display(request))

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self._hide_costs(request, super().get_fields(request, obj))

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        kwargs["fields"] = self._hide_costs(request, kwargs.get("fields") or self.fields)
        return super().get_form(request, obj, change=change, **kwargs)

    def service_create(self, request: HttpRequest, data: dict[str, Any]) -> Product:
        category = data.pop("category", None)
        return services.product_create(
            actor=request.user, category=category.name if category else "", **data
        )

    def service_update(
        self, request: HttpRequest, obj: Product, changes: dict[str, Any]
    ) -> Product:
        if "category" in changes:
            category = changes.pop("category")
            changes["category"] = category.name if category else ""
        return services.product_update(product=obj, actor=request.user, **changes)


@admin.register(Category)
class CategoryAdmin(PatronModelAdmin):
    list_display = ["name", "parent"]
    search_fields = ["name"]


class OrderLineInline(ReadOnlyInline):
    model = OrderLine
    fields = ORDER_LINE_COLUMNS
    readonly_fields = ORDER_LINE_COLUMNS


@admin.register(Order)
class OrderAdmin(PatronModelAdmin):
    list_display = ["__str__", "party", "ordered_at", "channel", "status", "total", "currency"]
    list_filter = ["channel", "status"]
    search_fields = ["external_id"]
    raw_id_fields = ["party", "staff"]
    inlines = [OrderLineInline]
    list_select_related = ["party"]


@admin.register(Return)
class ReturnAdmin(PatronModelAdmin):
    list_display = ["__str__", "party", "returned_at", "quantity", "refund_amount", "currency"]
    raw_id_fields = ["party", "order_line"]
    list_select_related = ["party"]


@admin.register(Invoice)
class InvoiceAdmin(PatronModelAdmin):
    list_display = ["number", "party", "issued_at", "due_at", "total", "currency", "status"]
    list_filter = ["status"]
    search_fields = ["number"]
    raw_id_fields = ["party", "order"]
    list_select_related = ["party"]


@admin.register(Payment)
class PaymentAdmin(PatronModelAdmin):
    list_display = ["__str__", "party", "received_at", "method", "reference"]
    list_filter = ["method"]
    raw_id_fields = ["party", "invoice"]
    list_select_related = ["party"]


@admin.register(Statement)
class StatementAdmin(PatronModelAdmin):
    list_display = ["__str__", "party", "issued_at", "closing_balance", "currency"]
    raw_id_fields = ["party"]
    list_select_related = ["party"]


@admin.register(PaymentReminder)
class PaymentReminderAdmin(PatronModelAdmin):
    list_display = ["__str__", "party", "sent_at", "level", "amount_due", "currency"]
    raw_id_fields = ["party", "invoice"]
    list_select_related = ["party"]
