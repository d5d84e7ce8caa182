"""End to end in a real browser: sign in, find a customer, log a call, see it on the timeline."""

from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import Page, expect

from patron.accounts.models import Role
from patron.parties.models import Party
from patron.parties.services import party_create
from patron.testing import DepartmentFactory, staff

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery"


def _sign_in(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Good to see you")


def test_sign_in_search_open_a_customer_log_a_call_and_see_it_on_the_timeline(
    live_server: object, page: Page
) -> None:
    sales = DepartmentFactory(code="sales", name="Sales")
    agent = staff(Role.AGENT, sales, username="agent")
    party_create(
        actor=agent,
        given_name="Ada",
        family_name="Lovelace",
        email="ada@example.com",
        city="London",
    )
    party_create(actor=agent, given_name="Grace", family_name="Hopper")
    base = str(live_server)

    _sign_in(page, base, "agent")
    page.get_by_role("link", name="Customers", exact=True).click()
    expect(page.locator("#results")).to_contain_text("Grace Hopper")

    page.get_by_placeholder(re.compile("Search by name")).press_sequentially("lovel")
    expect(page.locator("#results")).not_to_contain_text("Grace Hopper")
    expect(page).to_have_url(re.compile(r"q=lovel"))
    page.get_by_role("link", name="Ada Lovelace").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ada Lovelace")

    page.evaluate("window.__sameDocument = true")
    page.get_by_role("link", name="Log interaction").click()
    form = page.locator("#log-interaction")
    form.get_by_label("What happened").select_option("call")
    form.get_by_label("Direction").select_option("outbound")
    form.get_by_label("Outcome").select_option("follow_up")
    form.get_by_label("Subject").fill("Offered the spring catalogue")
    form.get_by_label("Notes").fill("Will call back on Friday.")
    form.get_by_role("button", name="Log interaction").click()

    first = page.locator("#timeline-list > li").first
    expect(first).to_contain_text("Call (outbound): Offered the spring catalogue")
    expect(first).to_contain_text("Follow-up needed")
    expect(page.locator("#log-interaction")).to_contain_text("Logged.")
    assert page.evaluate("window.__sameDocument") is True


def test_a_read_only_user_sees_the_customer_but_no_log_button(
    live_server: object, page: Page
) -> None:
    sales = DepartmentFactory(code="sales", name="Sales")
    agent = staff(Role.AGENT, sales, username="agent")
    staff(Role.READ_ONLY, sales, username="reader")
    party = party_create(actor=agent, given_name="Ada", family_name="Lovelace")

    _sign_in(page, str(live_server), "reader")
    page.goto(f"{live_server}/customers/{party.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ada Lovelace")
    expect(page.get_by_role("link", name="Log interaction")).to_have_count(0)


def test_importing_a_file_with_a_bad_row_shows_the_row_and_imports_nothing(
    live_server: object, page: Page
) -> None:
    sales = DepartmentFactory(code="sales", name="Sales")
    staff(Role.MANAGER, sales, username="manager")
    csv = (
        "external_id,kind,given_name,family_name,email\n"
        "C-1,person,Ada,Lovelace,ada@example.com\n"
        "C-2,person,Grace,Hopper,not-an-email\n"
        "C-3,person,Alan,Turing,alan@example.com\n"
    )

    _sign_in(page, str(live_server), "manager")
    page.get_by_role("link", name="Import", exact=True).click()
    page.get_by_label("The file holds").select_option("parties")
    page.set_input_files(
        "#id_file",
        files=[{"name": "customers.csv", "mimeType": "text/csv", "buffer": csv.encode()}],
    )
    page.get_by_role("button", name="Upload and map columns").click()
    page.get_by_role("button", name="Check the file").click()

    errors = page.locator("#import-errors")
    expect(errors).to_contain_text("email")
    row = errors.locator("tbody tr").first
    expect(row.locator("td").first).to_have_text("3")
    expect(page.locator("#run-import")).to_be_disabled()
    assert not Party.objects.filter(external_id__in=["C-1", "C-2", "C-3"]).exists()
