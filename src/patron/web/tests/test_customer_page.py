"""The customer 360 page, its timeline and its panels."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from patron.accounts.models import Department, User
from patron.interactions.models import Interaction
from patron.parties.models import Party
from patron.parties.services import contact_point_add, party_create, preference_record
from patron.testing import (
    InteractionFactory,
    InvoiceFactory,
    OrderFactory,
    OrderLineFactory,
    OrganisationFactory,
    PartyFactory,
    PaymentFactory,
)
from patron.web import panels

pytestmark = pytest.mark.django_db


def _customer(actor: User) -> Party:
    return party_create(
        actor=actor,
        given_name="Ada",
        family_name="Lovelace",
        email="ada@example.com",
        phone="+44 20 7946 0018",
        street="12 St James's Square",
        city="London",
        postcode="sw1y 4jh",
        country="GB",
        acquisition_channel="web",
        tags=["vip"],
    )


def test_customer_page_shows_details_contacts_orders_invoices_and_timeline(
    client: Client, agent: User, sales_department: Department
) -> None:
    party = _customer(agent)
    preference_record(party=party, actor=agent, kind="motive", motive="quality")
    order = OrderFactory(party=party, total=Decimal("40.00"))
    OrderLineFactory(order=order, product__name="Garden hose")
    invoice = InvoiceFactory(party=party, order=order, total=Decimal("40.00"))
    PaymentFactory(party=party, invoice=invoice, amount=Decimal("15.00"))
    InteractionFactory(party=party, subject="Asked about delivery", department=sales_department)
    client.force_login(agent)

    body = client.get(f"/customers/{party.pk}/").content.decode()

    assert "Ada Lovelace" in body
    assert "ada@example.com" in body and "+442079460018" in body
    assert "SW1Y 4JH" in body
    assert "vip" in body
    assert "Garden hose" in body
    assert invoice.number in body and "Part paid" in body
    assert "Asked about delivery" in body
    assert "Buying motive" in body
    assert f'hx-get="/interactions/log/{party.pk}/"' in body


def test_private_notes_of_another_department_stay_off_the_timeline(
    client: Client, agent: User, service_agent: User, service_department: Department
) -> None:
    party = PartyFactory()
    InteractionFactory(
        party=party,
        subject="Private complaint",
        department=service_department,
        visibility="department",
    )
    client.force_login(agent)
    assert "Private complaint" not in client.get(f"/customers/{party.pk}/").content.decode()

    client.force_login(service_agent)
    body = client.get(f"/customers/{party.pk}/").content.decode()
    assert "Private complaint" in body
    assert "Private to Customer service" in body


def test_timeline_distinguishes_direct_and_indirect_contacts(client: Client, agent: User) -> None:
    party = PartyFactory()
    InteractionFactory(party=party, kind="call", subject="Direct call")
    InteractionFactory(party=party, kind="renewal_notice", direction="", subject="Renewal")
    client.force_login(agent)

    body = client.get(f"/customers/{party.pk}/timeline/").content.decode()

    assert body.count("timeline-item is-indirect") == 1
    assert ">Direct<" in body and ">Indirect<" in body


def test_timeline_load_more_continues_where_the_first_page_ended(
    client: Client, agent: User
) -> None:
    party = PartyFactory()
    now = timezone.now()
    for i in range(25):
        InteractionFactory(
            party=party, subject=f"Call {i:02d}", occurred_at=now - dt.timedelta(hours=i)
        )
    client.force_login(agent)

    first = client.get(f"/customers/{party.pk}/").content.decode()
    assert "Call 00" in first and "Call 19" in first and "Call 20" not in first
    cursor = first.split("cursor=")[1].split('"')[0].split("&amp;")[0]

    more = client.get(
        f"/customers/{party.pk}/timeline/", {"cursor": cursor}, HTTP_HX_REQUEST="true"
    )
    text = more.content.decode()
    assert "Call 20" in text and "Call 24" in text and "Call 19" not in text
    assert "Load more" not in text


def test_timeline_filter_by_source_shows_only_that_source(client: Client, agent: User) -> None:
    party = PartyFactory()
    InteractionFactory(party=party, subject="Phoned in")
    OrderFactory(party=party, external_id="ORD-1")
    client.force_login(agent)

    body = client.get(
        f"/customers/{party.pk}/timeline/", {"source": "sales.order"}, HTTP_HX_REQUEST="true"
    ).content.decode()

    assert "ORD-1" in body
    assert "Phoned in" not in body


def test_a_tampered_timeline_cursor_is_a_clear_400(client: Client, agent: User) -> None:
    party = PartyFactory()
    client.force_login(agent)
    response = client.get(f"/customers/{party.pk}/timeline/", {"cursor": "not-a-cursor"})
    assert response.status_code == 400
    assert "out of date" in response.content.decode()


def test_unknown_and_merged_customers_are_not_found(client: Client, agent: User) -> None:
    survivor = PartyFactory()
    merged = PartyFactory(merged_into=survivor)
    client.force_login(agent)
    assert client.get("/customers/999999/").status_code == 404
    assert client.get(f"/customers/{merged.pk}/").status_code == 404


def test_organisation_page_lists_its_people(client: Client, agent: User) -> None:
    org = OrganisationFactory(organisation_name="Acme Ltd")
    person = PartyFactory(given_name="Grace", family_name="Hopper")
    from patron.parties.services import relationship_add

    relationship_add(person=person, organisation=org, actor=agent, title="CTO")
    client.force_login(agent)

    assert "Grace Hopper" in client.get(f"/customers/{org.pk}/").content.decode()
    assert "Acme Ltd" in client.get(f"/customers/{person.pk}/").content.decode()


def test_read_only_users_see_no_edit_or_log_buttons(client: Client, reader: User) -> None:
    party = PartyFactory()
    client.force_login(reader)
    body = client.get(f"/customers/{party.pk}/").content.decode()
    assert "Log interaction" not in body
    assert f"/customers/{party.pk}/edit/" not in body
    assert "Add contact point" not in body


def test_users_without_a_department_are_refused(client: Client, db: None) -> None:
    outsider = User.objects.create_user(username="outsider", password="x" * 12)
    party = PartyFactory()
    client.force_login(outsider)
    assert client.get(f"/customers/{party.pk}/").status_code == 403


def test_apps_add_panels_to_the_customer_page_without_editing_it(
    client: Client, agent: User
) -> None:
    party = PartyFactory()

    def context(*, party: Party, user: User) -> dict[str, str]:
        return {"greeting": f"Panel for {party.display_name}"}

    panel = panels.Panel(
        key="test.greeting", title="Greeting", template="web/tests/panel.html", context=context
    )
    panels.register(panel)
    try:
        client.force_login(agent)
        body = client.get(f"/customers/{party.pk}/").content.decode()
    finally:
        panels._panels.pop("test.greeting")
    assert f"Panel for {party.display_name}" in body


def test_a_panel_key_cannot_be_registered_twice_with_different_panels() -> None:
    def context(*, party: Party, user: User) -> None:
        return None

    panels.register({"key": "test.twice", "title": "A", "template": "x.html", "context": context})
    try:
        with pytest.raises(ValueError, match="registered twice"):
            panels.register(
                {"key": "test.twice", "title": "B", "template": "x.html", "context": context}
            )
    finally:
        panels._panels.pop("test.twice")


def _page_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_customer_page_query_count_stays_flat_as_history_grows(
    client: Client, agent: User, sales_department: Department
) -> None:
    party = _customer(agent)
    client.force_login(agent)

    def grow(n: int) -> None:
        for _ in range(n):
            order = OrderFactory(party=party)
            OrderLineFactory(order=order)
            OrderLineFactory(order=order)
            invoice = InvoiceFactory(party=party, order=order)
            PaymentFactory(party=party, invoice=invoice)
            InteractionFactory(party=party, department=sales_department)
            contact_point_add(party=party, actor=agent, kind="email", value=f"a{_}{n}@example.com")

    grow(2)
    small = _page_queries(client, f"/customers/{party.pk}/")
    grow(15)
    large = _page_queries(client, f"/customers/{party.pk}/")
    assert large == small


def test_timeline_query_count_stays_flat_as_events_grow(
    client: Client, agent: User, sales_department: Department
) -> None:
    party = PartyFactory()
    client.force_login(agent)
    InteractionFactory.create_batch(3, party=party, department=sales_department)
    small = _page_queries(client, f"/customers/{party.pk}/timeline/")
    InteractionFactory.create_batch(40, party=party, department=sales_department)
    OrderFactory.create_batch(10, party=party)
    large = _page_queries(client, f"/customers/{party.pk}/timeline/")
    assert large == small
    assert Interaction.objects.filter(party=party).count() == 43


def test_the_page_loads_its_forms_only_when_they_are_opened(client: Client, agent: User) -> None:
    party = PartyFactory()
    client.force_login(agent)
    body = client.get(f"/customers/{party.pk}/").content.decode()
    assert 'hx-trigger="toggle once"' in body
    assert 'name="marketing_consent"' not in body

    form = client.get(f"/customers/{party.pk}/contact-points/", HTTP_HX_REQUEST="true")
    assert 'name="marketing_consent"' in form.content.decode()
