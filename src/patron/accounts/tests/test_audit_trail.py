"""Every change to staff, departments, memberships and tokens is audited."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from patron.accounts.models import Department, Role, User
from patron.accounts.permissions import PermissionDenied
from patron.accounts.services import (
    api_token_create,
    api_token_revoke,
    department_ensure,
    department_update,
    membership_remove,
    membership_set,
    user_create,
    user_update,
)
from patron.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def _entries(obj: object) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(
            object_type=obj._meta.label_lower,  # type: ignore[attr-defined]
            object_id=str(obj.pk),  # type: ignore[attr-defined]
        ).order_by("id")
    )


def test_staff_and_their_roles_are_audited(admin_user: User, sales_department: Department) -> None:
    user = user_create(username="newbie", password=None, actor=admin_user)
    assert _entries(user)[0].after == {"username": "newbie"}
    membership = membership_set(
        user=user, department=sales_department, role=Role.AGENT, actor=admin_user
    )
    membership_set(user=user, department=sales_department, role=Role.MANAGER, actor=admin_user)
    created, promoted = _entries(membership)
    assert created.before is None and created.after["role"] == "agent"
    assert promoted.before["role"] == "agent" and promoted.after["role"] == "manager"
    user_update(user=user, actor=admin_user, last_name="Smith", is_active=False)
    update = _entries(user)[-1]
    assert update.before == {"last_name": "", "is_active": True}
    assert update.after == {"last_name": "Smith", "is_active": False}
    ident = membership.pk
    membership_remove(membership=membership, actor=admin_user)
    removed = AuditEntry.objects.get(
        object_type="accounts.membership", object_id=str(ident), action="delete"
    )
    assert removed.before["role"] == "manager"


def test_departments_are_audited_when_created_and_changed(admin_user: User) -> None:
    department = department_ensure(code="marketing", name="Marketing", actor=admin_user)
    department_ensure(code="marketing", name="Marketing", actor=admin_user)
    department_update(department=department, actor=admin_user, is_active=False)
    create, update = _entries(department)
    assert create.action == "create" and create.after["name"] == "Marketing"
    assert (update.before, update.after) == ({"is_active": True}, {"is_active": False})


def test_revoking_a_token_records_when(agent: User) -> None:
    token, _ = api_token_create(user=agent, name="shop")
    api_token_revoke(token=token, actor=agent)
    entry = _entries(token)[-1]
    assert entry.before == {"revoked_at": None}
    assert entry.after["revoked_at"] is not None


def test_only_administrators_change_staff_and_only_superusers_grant_superuser(
    manager: User, admin_user: User, agent: User
) -> None:
    with pytest.raises(PermissionDenied):
        user_update(user=agent, actor=manager, first_name="X")
    with pytest.raises(PermissionDenied):
        user_update(user=agent, actor=admin_user, is_superuser=True)
    with pytest.raises(ValidationError):
        user_update(user=agent, actor=admin_user, username="root")
    agent.refresh_from_db()
    assert not agent.is_superuser and agent.first_name == "Sam"
