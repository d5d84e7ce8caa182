"""Sales and billing services: totals, balances, reminders and their refusals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from patron.accounts.models import Role
from patron.accounts.permissions import PermissionDenied
from patron.core.models import AuditEntry
from patron.sales import services
from patron.sales.models import Invoice, Order, PaymentReminder, Product, Statement
from patron.testing import (
    InvoiceFactory,
    OrderFactory,
    PartyFactory,
    PaymentFactory,
    ProductFactory,
    staff,
)

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2025, 6, 30, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def finance(finance_department):
    return staff(Role.AGENT, finance_department, username="fin")


def test_order_total_is_the_sum_of_its_lines_and_is_audited(agent):
    party = PartyFactory()
    a = ProductFactory(unit_price=Decimal("2.50"))
    b = ProductFactory(unit_price=Decimal("10.00"))
    order = services.order_create(
        actor=agent,
        party=party,
        channel="phone",
        lines=[
            services.LineInput(product_id=a.id, quantity=3),
            services.LineInput(product_id=b.id, quantity=1, unit_price=Decimal("9.99")),
        ],
        ordered_at=NOW - dt.timedelta(days=1),
        now=NOW,
    )
    assert order.total == Decimal("17.49")
    assert [line.party_id for line in order.lines.all()] == [party.id, party.id]
    entry = AuditEntry.objects.get(object_type="sales.order")
    assert entry.actor == agent and len(entry.after["lines"]) == 2


def test_order_errors_are_all_reported_together_and_nothing_is_written(agent):
    party = PartyFactory()
    product = ProductFactory()
    with pytest.raises(ValidationError) as caught:
        services.order_create(
            actor=agent,
            party=party,
            channel="web",
            lines=[
                services.LineInput(product_id=product.id, quantity=0),
                services.LineInput(product_id=product.id + 999, quantity=1),
                services.LineInput(product_id=product.id, quantity=1, unit_price=Decimal("-1")),
            ],
            now=NOW,
        )
    assert set(caught.value.message_dict) == {
        "lines.0.quantity",
        "lines.1.product_id",
        "lines.2.unit_price",
    }
    assert not Order.objects.exists()


def test_read_only_member_records_no_order(reader):
    product = ProductFactory()
    with pytest.raises(PermissionDenied):
        services.order_create(
            actor=reader,
            party=PartyFactory(),
            channel="web",
            lines=[services.LineInput(product_id=product.id, quantity=1)],
        )
    assert not Order.objects.exists()


def test_product_update_refuses_unknown_fields_and_agents(manager, agent):
    product = ProductFactory(name="Rake")
    with pytest.raises(ValidationError):
        services.product_update(product=product, actor=manager, margin=Decimal("1"))
    with pytest.raises(PermissionDenied):
        services.product_update(product=product, actor=agent, name="Hoe")
    assert Product.objects.get().name == "Rake"


def test_invoices_are_numbered_from_their_id(finance):
    party = PartyFactory()
    first = services.invoice_issue(
        actor=finance, party=party, total=Decimal("5.00"), currency="GBP", now=NOW
    )
    second = services.invoice_issue(
        actor=finance, party=party, total=Decimal("6.00"), currency="GBP", now=NOW
    )
    assert first.number == f"INV-{first.pk:08d}" and second.number == f"INV-{second.pk:08d}"
    assert first.due_at == NOW + dt.timedelta(days=30)


def test_invoice_for_another_customers_order_is_refused(finance):
    order = OrderFactory()
    with pytest.raises(ValidationError) as caught:
        services.invoice_issue(actor=finance, party=PartyFactory(), order=order, now=NOW)
    assert "order_id" in caught.value.message_dict
    assert not Invoice.objects.exists()


def test_payment_on_a_void_invoice_is_refused(finance):
    invoice = InvoiceFactory(status="void")
    with pytest.raises(ValidationError):
        services.payment_record(
            actor=finance,
            party=invoice.party,
            invoice=invoice,
            amount=Decimal("1.00"),
            currency="GBP",
        )


def test_statement_balances_count_invoices_less_payments_before_and_through_the_period(finance):
    party = PartyFactory()
    InvoiceFactory(party=party, total=Decimal("100.00"), issued_at=NOW - dt.timedelta(days=90))
    PaymentFactory(party=party, amount=Decimal("30.00"), received_at=NOW - dt.timedelta(days=80))
    InvoiceFactory(party=party, total=Decimal("50.00"), issued_at=NOW - dt.timedelta(days=20))
    InvoiceFactory(
        party=party, total=Decimal("999.00"), issued_at=NOW - dt.timedelta(days=20), status="void"
    )
    PaymentFactory(party=party, amount=Decimal("70.00"), received_at=NOW - dt.timedelta(days=10))
    PaymentFactory(party=party, amount=Decimal("5.00"), currency="EUR")
    statement = services.statement_issue(
        actor=finance,
        party=party,
        period_start=(NOW - dt.timedelta(days=30)).date(),
        period_end=(NOW - dt.timedelta(days=1)).date(),
        currency="GBP",
        now=NOW,
    )
    assert (statement.opening_balance, statement.closing_balance) == (
        Decimal("70.00"),
        Decimal("50.00"),
    )


def test_statement_with_a_backwards_period_is_refused(finance):
    with pytest.raises(ValidationError) as caught:
        services.statement_issue(
            actor=finance,
            party=PartyFactory(),
            period_start=dt.date(2025, 5, 1),
            period_end=dt.date(2025, 4, 1),
            currency="GBP",
            now=NOW,
        )
    assert "period_end" in caught.value.message_dict
    assert not Statement.objects.exists()


def test_reminders_escalate_to_a_third_and_last_and_show_what_is_still_due(finance):
    now = timezone.now()
    invoice = InvoiceFactory(
        total=Decimal("40.00"),
        issued_at=now - dt.timedelta(days=60),
        due_at=now - dt.timedelta(days=30),
    )
    PaymentFactory(party=invoice.party, invoice=invoice, amount=Decimal("15.00"))
    levels = [services.payment_reminder_send(actor=finance, invoice=invoice).level for _ in "abc"]
    assert levels == [1, 2, 3]
    assert PaymentReminder.objects.first().amount_due == Decimal("25.00")
    with pytest.raises(ValidationError) as caught:
        services.payment_reminder_send(actor=finance, invoice=invoice)
    assert "final" in caught.value.message_dict["invoice_id"][0]
    assert PaymentReminder.objects.count() == 3


def test_sales_agent_may_not_send_a_reminder(agent):
    invoice = InvoiceFactory(due_at=timezone.now() - dt.timedelta(days=1))
    with pytest.raises(PermissionDenied):
        services.payment_reminder_send(actor=agent, invoice=invoice)
    assert not PaymentReminder.objects.exists()
