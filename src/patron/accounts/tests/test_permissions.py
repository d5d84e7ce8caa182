"""The permission rules, asked the way every entry point asks them."""

from __future__ import annotations

import pytest

from patron.accounts import permissions as perms
from patron.accounts.models import Role
from patron.accounts.services import api_token_authenticate, api_token_create, api_token_revoke
from patron.testing import DepartmentFactory, UserFactory, staff

pytestmark = pytest.mark.django_db


def test_read_only_member_sees_customers_but_changes_nothing(reader):
    assert perms.can_view_customers(reader)
    assert not perms.can_edit_customers(reader)
    assert not perms.can_log_interaction_for(reader, None)
    assert not perms.can_import(reader)


def test_agent_edits_customers_but_does_not_merge_import_or_see_costs(agent):
    assert perms.can_edit_customers(agent)
    assert not perms.can_merge_customers(agent)
    assert not perms.can_import(agent)
    assert not perms.can_see_costs(agent)


def test_manager_merges_imports_and_sees_costs(manager):
    assert perms.can_merge_customers(manager)
    assert perms.can_import(manager)
    assert perms.can_see_costs(manager)
    assert not perms.can_read_audit_log(manager)


def test_user_without_department_sees_nothing():
    loner = UserFactory()
    assert not perms.can_view_customers(loner)


def test_billing_is_written_by_finance_only(agent, finance_department):
    clerk = staff(Role.AGENT, finance_department)
    assert perms.can_edit_billing(clerk)
    assert perms.can_see_costs(clerk)
    assert not perms.can_edit_billing(agent)


def test_logging_for_a_department_needs_agent_role_there(agent, service_department):
    sales = agent.memberships.get().department
    assert perms.can_log_interaction_for(agent, sales.id)
    assert not perms.can_log_interaction_for(agent, service_department.id)
    assert [d.code for d in perms.departments_for_logging(agent)] == ["sales"]


def test_editing_another_persons_interaction_needs_a_manager_of_its_department(
    agent, manager, service_department
):
    sales = agent.memberships.get().department
    other = staff(Role.AGENT, sales)
    assert perms.can_edit_interaction(agent, department_id=sales.id, staff_id=agent.id)
    assert not perms.can_edit_interaction(agent, department_id=sales.id, staff_id=other.id)
    assert perms.can_edit_interaction(manager, department_id=sales.id, staff_id=other.id)
    assert not perms.can_edit_interaction(
        manager, department_id=service_department.id, staff_id=other.id
    )


def test_inactive_department_grants_nothing():
    dept = DepartmentFactory(code="closed", is_active=False)
    user = staff(Role.ADMIN, dept)
    assert not perms.can_view_customers(user)


def test_api_token_authenticates_until_revoked(agent):
    token, raw = api_token_create(user=agent, name="shop sync")
    assert raw.startswith("ptn_") and token.digest != raw
    assert api_token_authenticate(raw) == agent
    assert api_token_authenticate(raw[:-1] + ("x" if raw[-1] != "x" else "y")) is None
    api_token_revoke(token=token, actor=agent)
    assert api_token_authenticate(raw) is None


def test_expired_token_is_refused(agent):
    import datetime as dt

    from django.utils import timezone

    _, raw = api_token_create(
        user=agent, name="old", expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    assert api_token_authenticate(raw) is None
