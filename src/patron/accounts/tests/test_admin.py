"""The Django admin obeys accounts.permissions, reads through selectors, writes through
services (validated and audited) — tested through the real /admin/ pages."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from patron.accounts.models import Department, Membership, Role, User
from patron.core.models import AuditEntry
from patron.interactions.models import Interaction
from patron.parties.models import Party
from patron.parties.services import party_create
from patron.testing import InteractionFactory, ProductFactory, staff

pytestmark = pytest.mark.django_db

#: The management forms of the party page's read-only inlines, as a browser sends them.
INLINES = {
    f"{prefix}-{name}": "0"
    for prefix in ("contact_points", "preferences")
    for name in ("TOTAL_FORMS", "INITIAL_FORMS")
}


def _login(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_staff_see_only_the_sections_their_role_allows(
    agent: User, admin_user: User, manager: User
) -> None:
    # when an agent opens the admin index
    html = _login(agent).get("/admin/").content.decode()
    # then customers are there but staff and the audit log are not
    assert "/admin/parties/party/" in html
    assert "/admin/accounts/user/" not in html
    assert "/admin/core/auditentry/" not in html
    for url in ["/admin/accounts/user/", "/admin/core/auditentry/", "/admin/accounts/apitoken/"]:
        assert _login(agent).get(url).status_code == 403, url
        assert _login(manager).get(url).status_code == 403, url
        assert _login(admin_user).get(url).status_code == 200, url


def test_the_audit_log_is_read_only_even_for_administrators(admin_user: User, agent: User) -> None:
    party = party_create(actor=agent, given_name="Ada", family_name="Lovelace")
    entry = AuditEntry.objects.get(object_id=str(party.pk))
    client = _login(admin_user)
    assert client.get("/admin/core/auditentry/add/").status_code == 403
    page = client.get(f"/admin/core/auditentry/{entry.pk}/change/")
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert (
        client.post(f"/admin/core/auditentry/{entry.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_another_departments_private_notes_are_invisible_in_the_admin(
    agent: User, service_agent: User, service_department: Department
) -> None:
    # given a private note of the service department
    note = InteractionFactory(
        department=service_department,
        visibility="department",
        subject="Confidential complaint",
    )
    # when a sales agent lists interactions or opens the note
    client = _login(agent)
    listing = client.get("/admin/interactions/interaction/").content.decode()
    opened = client.get(f"/admin/interactions/interaction/{note.pk}/change/")
    # then it is neither listed nor shown
    assert "Confidential complaint" not in listing
    assert opened.status_code == 302
    # while the service department sees it
    assert (
        "Confidential complaint"
        in _login(service_agent).get("/admin/interactions/interaction/").content.decode()
    )


def test_adding_a_customer_in_the_admin_goes_through_the_service(agent: User) -> None:
    client = _login(agent)
    response = client.post(
        "/admin/parties/party/add/",
        {"kind": "person", "given_name": " Ada ", "family_name": "Lovelace"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    party = Party.objects.get()
    assert party.display_name == "Ada Lovelace"
    assert party.search_name == "ada lovelace"
    entry = AuditEntry.objects.get(object_type="parties.party", action="create")
    assert entry.actor == agent


def test_an_invalid_customer_is_a_form_error_and_nothing_is_written(agent: User) -> None:
    client = _login(agent)
    response = client.post(
        "/admin/parties/party/add/",
        {"kind": "organisation", "given_name": "Ada", "date_of_birth": "2999-01-01"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "an organisation needs a name" in html
    assert not Party.objects.exists()
    assert not AuditEntry.objects.exists()


def test_changing_a_customer_in_the_admin_is_audited_with_before_and_after(
    agent: User,
) -> None:
    party = party_create(actor=agent, given_name="Ada", family_name="Byron")
    response = _login(agent).post(
        f"/admin/parties/party/{party.pk}/change/",
        {"kind": "person", "given_name": "Ada", "family_name": "Lovelace", **INLINES},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    entry = AuditEntry.objects.get(action="update")
    assert entry.before["family_name"] == "Byron"
    assert entry.after["family_name"] == "Lovelace"


def test_read_only_staff_cannot_change_and_nobody_deletes_customers(
    reader: User, manager: User
) -> None:
    party = party_create(actor=manager, given_name="Ada", family_name="Byron")
    reader_client = _login(reader)
    assert reader_client.get(f"/admin/parties/party/{party.pk}/change/").status_code == 200
    assert (
        reader_client.post(
            f"/admin/parties/party/{party.pk}/change/",
            {"kind": "person", "given_name": "X", "family_name": "Y"},
        ).status_code
        == 403
    )
    assert reader_client.get("/admin/parties/party/add/").status_code == 403
    assert (
        _login(manager)
        .post(f"/admin/parties/party/{party.pk}/delete/", {"post": "yes"})
        .status_code
        == 403
    )
    party.refresh_from_db()
    assert party.family_name == "Byron"


def test_deleting_an_interaction_needs_a_manager_and_is_audited(
    agent: User, manager: User, sales_department: Department
) -> None:
    note = InteractionFactory(department=sales_department, staff=agent)
    url = f"/admin/interactions/interaction/{note.pk}/delete/"
    assert _login(agent).post(url, {"post": "yes"}).status_code == 403
    assert _login(manager).post(url, {"post": "yes"}).status_code == 302
    assert not Interaction.objects.filter(pk=note.pk).exists()
    assert AuditEntry.objects.get(action="delete").before["subject"] == note.subject


def test_product_cost_and_margin_are_hidden_without_cost_rights(agent: User, manager: User) -> None:
    product = ProductFactory(unit_price=Decimal("20.00"), unit_cost=Decimal("12.34"))
    agent_list = _login(agent).get("/admin/sales/product/").content.decode()
    agent_page = _login(agent).get(f"/admin/sales/product/{product.pk}/change/").content.decode()
    manager_list = _login(manager).get("/admin/sales/product/").content.decode()
    assert "12.34" not in agent_list and "Margin" not in agent_list
    assert "12.34" not in agent_page and "Unit cost" not in agent_page
    assert "12.34" in manager_list and "7.66" in manager_list


def test_a_manager_changes_a_product_through_the_service(manager: User) -> None:
    product = ProductFactory(sku="SKU-1", name="Spade", unit_price=Decimal("20.00"))
    response = _login(manager).post(
        f"/admin/sales/product/{product.pk}/change/",
        {
            "sku": "SKU-1",
            "name": "Garden spade",
            "category": product.category_id,
            "unit_price": "-1",
            "unit_cost": "12.00",
            "currency": "GBP",
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    product.refresh_from_db()
    assert product.name == "Spade"


def test_an_administrator_sets_roles_through_the_services(admin_user: User) -> None:
    # given a new staff member added in the admin
    department = Department.objects.get(code="sales")
    client = _login(admin_user)
    response = client.post(
        "/admin/accounts/user/add/",
        {
            "username": "newbie",
            "password1": "a long enough passphrase 42",
            "password2": "a long enough passphrase 42",
            "usable_password": "true",
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "0",
            "memberships-0-department": department.pk,
            "memberships-0-role": Role.MANAGER,
        },
    )
    assert response.status_code == 302, response.content.decode()[:4000]
    user = User.objects.get(username="newbie")
    # then the user, with their role, was created and both writes audited
    assert Membership.objects.get(user=user).role == Role.MANAGER
    assert AuditEntry.objects.filter(object_type="accounts.user", action="create").exists()
    assert AuditEntry.objects.filter(object_type="accounts.membership").exists()
    assert user.check_password("a long enough passphrase 42")


def test_a_manager_cannot_promote_themself(manager: User) -> None:
    membership = Membership.objects.get(user=manager)
    response = _login(manager).get(f"/admin/accounts/user/{manager.pk}/change/")
    assert response.status_code == 403
    membership.refresh_from_db()
    assert membership.role == Role.MANAGER


def test_a_superuser_sees_everything(db: None) -> None:
    root = staff(Role.READ_ONLY, username="root", is_superuser=True)
    client = _login(root)
    for url in ["/admin/accounts/user/", "/admin/core/auditentry/", "/admin/sales/product/"]:
        assert client.get(url).status_code == 200, url


def test_an_agent_logs_an_interaction_only_for_their_own_department(
    agent: User, sales_department: Department, service_department: Department
) -> None:
    party = party_create(actor=agent, given_name="Ada", family_name="Lovelace")
    client = _login(agent)
    form = {
        "party": party.pk,
        "occurred_at_0": "2026-01-05",
        "occurred_at_1": "10:00:00",
        "kind": "call",
        "direction": "inbound",
        "visibility": "shared",
    }
    refused = client.post(
        "/admin/interactions/interaction/add/", {**form, "department": service_department.pk}
    )
    assert refused.status_code == 200
    assert not Interaction.objects.exists()
    logged = client.post(
        "/admin/interactions/interaction/add/", {**form, "department": sales_department.pk}
    )
    assert logged.status_code == 302, logged.content.decode()[:3000]
    note = Interaction.objects.get()
    assert (note.staff, note.department) == (agent, sales_department)
    assert AuditEntry.objects.filter(
        object_type="interactions.interaction", action="create"
    ).exists()


def test_setting_a_password_in_the_admin_is_audited_without_the_hash(
    admin_user: User, agent: User
) -> None:
    response = _login(admin_user).post(
        f"/admin/accounts/user/{agent.pk}/password/",
        {
            "password1": "another long passphrase 7",
            "password2": "another long passphrase 7",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    agent.refresh_from_db()
    assert agent.check_password("another long passphrase 7")
    entry = AuditEntry.objects.get(object_type="accounts.user", object_id=str(agent.pk))
    assert entry.after == {"password": "changed"}
    assert "argon2" not in str(entry.before) + str(entry.after)
