"""Logging an interaction from the customer page."""

from __future__ import annotations

import pytest
from django.test import Client

from patron.accounts.models import Department, User
from patron.interactions.models import Interaction
from patron.testing import PartyFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def _call(department: Department, **extra: str) -> dict[str, str]:
    return {
        "kind": "call",
        "direction": "inbound",
        "department": str(department.pk),
        "outcome": "resolved",
        "subject": "Where is my parcel?",
        "notes": "Tracking number sent.",
        **extra,
    }


def test_logging_a_call_returns_a_fresh_form_and_the_new_timeline_event(
    client: Client, agent: User, sales_department: Department
) -> None:
    party = PartyFactory()
    client.force_login(agent)

    response = client.post(f"/interactions/log/{party.pk}/", _call(sales_department), **HTMX)

    body = response.content.decode()
    logged = Interaction.objects.get(party=party)
    assert logged.staff == agent and logged.department == sales_department
    assert logged.channel == "phone"
    assert logged.visibility == "shared"
    assert 'hx-swap-oob="afterbegin:#timeline-list"' in body
    assert "Call (inbound): Where is my parcel?" in body
    assert 'id="log-interaction"' in body
    assert "Where is my parcel?" not in body.split("hx-swap-oob")[0].split("<form")[1]


def test_a_private_note_is_marked_private_to_the_department(
    client: Client, agent: User, sales_department: Department
) -> None:
    party = PartyFactory()
    client.force_login(agent)
    body = client.post(
        f"/interactions/log/{party.pk}/", _call(sales_department, private="on"), **HTMX
    ).content.decode()
    assert Interaction.objects.get().visibility == "department"
    assert "Private to Sales" in body


def test_a_direct_contact_without_direction_is_refused_and_nothing_is_written(
    client: Client, agent: User, sales_department: Department
) -> None:
    party = PartyFactory()
    client.force_login(agent)
    body = client.post(
        f"/interactions/log/{party.pk}/", _call(sales_department, direction=""), **HTMX
    ).content.decode()
    assert "Say whether the customer contacted us" in body
    assert "hx-swap-oob" not in body
    assert not Interaction.objects.exists()


def test_a_future_time_and_an_overlong_subject_are_refused(
    client: Client, agent: User, sales_department: Department
) -> None:
    party = PartyFactory()
    client.force_login(agent)
    body = client.post(
        f"/interactions/log/{party.pk}/",
        _call(sales_department, occurred_at="2999-01-01T10:00", subject="x" * 201),
        **HTMX,
    ).content.decode()
    assert "has-error" in body
    assert "at most 200 characters" in body
    assert not Interaction.objects.exists()


def test_only_departments_the_user_may_log_for_are_offered_and_accepted(
    client: Client, agent: User, sales_department: Department, service_department: Department
) -> None:
    party = PartyFactory()
    client.force_login(agent)
    form = client.get(f"/interactions/log/{party.pk}/", **HTMX).content.decode()
    assert "Sales" in form and "Customer service" not in form

    body = client.post(
        f"/interactions/log/{party.pk}/", _call(service_department), **HTMX
    ).content.decode()
    assert "Select a valid choice" in body
    assert not Interaction.objects.exists()


def test_without_htmx_logging_goes_back_to_the_customer_page(
    client: Client, agent: User, sales_department: Department
) -> None:
    party = PartyFactory()
    client.force_login(agent)
    response = client.post(f"/interactions/log/{party.pk}/", _call(sales_department))
    assert response.status_code == 302
    assert response["Location"] == f"/customers/{party.pk}/"
    assert Interaction.objects.count() == 1


def test_without_htmx_a_bad_form_renders_a_full_page_with_errors(
    client: Client, agent: User, sales_department: Department
) -> None:
    party = PartyFactory()
    client.force_login(agent)
    response = client.post(f"/interactions/log/{party.pk}/", _call(sales_department, kind="x"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" in body and "has-error" in body
    assert not Interaction.objects.exists()


def test_read_only_users_get_403_and_nothing_is_logged(
    client: Client, reader: User, sales_department: Department
) -> None:
    party = PartyFactory()
    client.force_login(reader)
    response = client.post(f"/interactions/log/{party.pk}/", _call(sales_department), **HTMX)
    assert response.status_code == 403
    assert not Interaction.objects.exists()


def test_logging_for_an_unknown_customer_is_not_found(
    client: Client, agent: User, sales_department: Department
) -> None:
    client.force_login(agent)
    response = client.post("/interactions/log/999999/", _call(sales_department))
    assert response.status_code == 404
