"""Given a generated business, when loaded into the database, then the books are consistent
and the rows look as if the services had written them."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from django.db.models import Count, F

from patron.accounts.models import Department, Membership, User
from patron.core.models import AuditEntry
from patron.core.timeline import party_timeline
from patron.demo.files import write_files
from patron.demo.loader import (
    ADMIN_USERNAME,
    MARKER_TYPE,
    DemoError,
    demo_load,
    demo_login,
    demo_reset,
    demo_state,
)
from patron.interactions.models import Interaction
from patron.parties.models import ContactPoint, Party, PartyRelationship, party_names
from patron.sales.models import Invoice, Order, OrderLine, Payment, PaymentReminder, Statement
from patron.testing import PartyFactory

AS_OF = dt.date(2026, 11, 23)
pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded() -> None:
    demo_load(customers=300, seed=4, as_of=AS_OF)


@pytest.mark.usefixtures("loaded")
def test_order_totals_are_the_sum_of_their_lines() -> None:
    # summed in Python: SQLite would add the Decimal columns as floats
    orders = Order.objects.prefetch_related("lines")
    mismatched = [o for o in orders if o.total != sum(line.line_total for line in o.lines.all())]
    assert Order.objects.count() > 300
    assert mismatched == []
    assert not Order.objects.annotate(n=Count("lines")).filter(n=0).exists()


@pytest.mark.usefixtures("loaded")
def test_every_line_belongs_to_its_orders_party() -> None:
    assert OrderLine.objects.count() > Order.objects.count()
    assert not OrderLine.objects.exclude(party_id=F("order__party_id")).exists()


@pytest.mark.usefixtures("loaded")
def test_invoices_payments_and_reminders_agree() -> None:
    assert Invoice.objects.count() > 0
    assert not Invoice.objects.filter(due_at__lt=F("issued_at")).exists()
    assert not Invoice.objects.exclude(party_id=F("order__party_id")).exists()
    assert not Invoice.objects.exclude(total=F("order__total")).exists()
    assert not Payment.objects.exclude(amount=F("invoice__total")).exists()
    assert not Invoice.objects.filter(status="paid", payments__isnull=True).exists()
    assert not Invoice.objects.filter(status="open", payments__isnull=False).exists()
    assert Invoice.objects.filter(status="open").exists()
    assert not PaymentReminder.objects.filter(sent_at__lte=F("invoice__due_at")).exists()
    assert not Statement.objects.filter(party__kind="person").exists()
    assert Statement.objects.exists()


@pytest.mark.usefixtures("loaded")
def test_parties_carry_the_derived_and_mirror_columns_the_services_keep() -> None:
    for party in Party.objects.all()[:200]:
        assert (party.display_name, party.sort_name, party.search_name) == party_names(
            party.kind, party.given_name, party.family_name, party.organisation_name
        )
        primary = {cp.kind: cp for cp in party.contact_points.filter(is_primary=True)}
        assert party.email == primary["email"].value
        assert party.phone == primary["phone"].value
        if "postal" in primary:
            assert (party.city, party.postcode) == (
                primary["postal"].city,
                primary["postal"].postcode,
            )
    assert ContactPoint.objects.filter(kind="postal").exists()


@pytest.mark.usefixtures("loaded")
def test_organisations_have_contact_people_with_roles() -> None:
    orgs = Party.objects.filter(kind="organisation").annotate(n=Count("people"))
    assert orgs.exists()
    assert not orgs.filter(n=0).exists()
    assert not orgs.filter(n__gt=5).exists()
    assert PartyRelationship.objects.exclude(title="").count() == PartyRelationship.objects.count()


@pytest.mark.usefixtures("loaded")
def test_departments_staff_and_private_notes_exist() -> None:
    assert set(Department.objects.values_list("code", flat=True)) >= {
        "sales",
        "marketing",
        "service",
        "finance",
    }
    roles = set(Membership.objects.values_list("department__code", "role"))
    for code in ("sales", "marketing", "service", "finance"):
        assert {(code, "manager"), (code, "agent"), (code, "read_only")} <= roles
    admin = User.objects.get(username=ADMIN_USERNAME)
    assert admin.is_superuser
    private = Interaction.objects.filter(visibility="department")
    assert private.exists()
    assert not private.filter(department__isnull=True).exists()


@pytest.mark.usefixtures("loaded")
def test_the_load_is_audited_once_and_marks_the_demo_as_loaded() -> None:
    # one entry for the whole load, not one per row (apps' own demo data audit themselves)
    assert AuditEntry.objects.exclude(object_type__startswith="insights.").count() == 1
    entry = AuditEntry.objects.get(object_type=MARKER_TYPE)
    assert entry.after["customers"] == 300
    assert entry.after["parties"] == Party.objects.count()
    state = demo_state()
    assert (state.state, state.customers, state.seed) == ("loaded", 300, 4)


@pytest.mark.usefixtures("loaded")
def test_a_customer_timeline_reads_the_loaded_history() -> None:
    admin = User.objects.get(username=ADMIN_USERNAME)
    party = Party.objects.annotate(n=Count("orders")).order_by("-n").first()
    assert party is not None
    page = party_timeline(party_id=party.pk, user=admin, limit=50)
    kinds = {event.kind for event in page.items}
    assert "order" in kinds
    times = [event.at for event in page.items]
    assert times == sorted(times, reverse=True)


@pytest.mark.usefixtures("loaded")
def test_the_demo_login_works_for_admin_and_staff() -> None:
    username, password = demo_login(password="correct horse battery")
    assert (username, password) == (ADMIN_USERNAME, "correct horse battery")
    assert User.objects.get(username="admin").check_password(password)
    assert User.objects.get(username="olivia.hart").check_password(password)
    _, generated = demo_login(password=None)
    assert len(generated) >= 12
    assert User.objects.get(username="admin").check_password(generated)


@pytest.mark.django_db(transaction=True)
def test_a_reset_empties_the_database_for_the_same_load_again() -> None:
    demo_load(customers=40, seed=1, as_of=AS_OF)
    first = Party.objects.count()
    demo_reset()
    assert demo_state().state == "empty"
    assert not User.objects.exists()
    demo_load(customers=40, seed=1, as_of=AS_OF)
    assert Party.objects.count() == first


def test_reset_refuses_a_database_with_other_customers() -> None:
    PartyFactory(external_id="real-1")
    assert demo_state().state == "foreign"
    with pytest.raises(DemoError, match="not demo data"):
        demo_reset()
    assert Party.objects.count() == 1


def test_an_interrupted_load_is_recognised_and_may_be_reset() -> None:
    PartyFactory(external_id="CU0000001")
    assert demo_state().state == "interrupted"


def test_customers_without_an_external_id_are_not_demo_data() -> None:
    PartyFactory(external_id=None)
    assert demo_state().state == "foreign"


def test_patron_generate_writes_the_same_business_that_patron_demo_loads(tmp_path: Path) -> None:
    demo_load(customers=80, seed=8, as_of=AS_OF)
    write_files(out=tmp_path, customers=80, seed=8, as_of=AS_OF)
    with (tmp_path / "parties.csv").open(newline="", encoding="utf-8") as fh:
        in_file = {(row["external_id"], row["email"], row["phone"]) for row in csv.DictReader(fh)}
    in_database = set(Party.objects.values_list("external_id", "email", "phone"))
    assert in_file == in_database
    with (tmp_path / "orders.csv").open(newline="", encoding="utf-8") as fh:
        lines = [
            (row["order_external_id"], row["sku"], row["quantity"]) for row in csv.DictReader(fh)
        ]
    loaded = OrderLine.objects.values_list("order__external_id", "product__sku", "quantity")
    assert sorted(lines) == sorted((o, s, str(q)) for o, s, q in loaded)


@pytest.mark.usefixtures("loaded")
def test_apps_add_their_own_demo_data_after_the_history_is_loaded() -> None:
    # given the demo loaded, when an app has a demo_data module (insights scores customers)
    from patron.insights.models import CustomerScore, ScoringRun

    # then its data is there, built on the generated history, and counted in the marker
    run = ScoringRun.objects.get()
    assert run.customer_count == Party.objects.filter(merged_into__isnull=True).count()
    assert CustomerScore.objects.filter(run=run, frequency__gt=0).exists()
    marker = AuditEntry.objects.get(object_type=MARKER_TYPE)
    assert marker.after["insights.scored customers"] == run.customer_count
