"""The one place that decides who may see and change what.

The API, the web app, the admin and the CLI all ask these functions; none of them encodes a
rule of its own. The rules:

* Every active staff member with at least one department membership may *see* every
  party, product, order, invoice and payment: customer intelligence is shared between
  departments.
* Interactions marked private to a department are visible only to that department's
  members.
* ``read_only`` members change nothing. ``agent`` and above may create and edit parties and
  log interactions for a department they belong to. Editing someone else's interaction
  needs ``manager`` in its department. Merging duplicates and importing need ``manager``.
* Invoices, payments, statements and reminders are written only by the finance department
  (or an administrator). Unit cost and margin are seen only by managers, administrators and
  finance.
* ``admin`` in any department (or a Django superuser) manages staff and reads the audit log.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from patron.accounts.models import Department, Membership, Role

_ORDER = {Role.READ_ONLY: 0, Role.AGENT: 1, Role.MANAGER: 2, Role.ADMIN: 3}
FINANCE = "finance"


class PermissionDenied(Exception):
    """The user may not do this. The message says why, in words a user understands."""


@dataclass(frozen=True)
class Access:
    """What one user may do, computed once per request from their memberships."""

    user_id: int | None
    is_superuser: bool
    roles: dict[int, str]  # department id -> role
    department_codes: dict[int, str]

    @property
    def department_ids(self) -> frozenset[int]:
        return frozenset(self.roles)

    def role_in(self, department_id: int | None) -> str | None:
        if department_id is None:
            return None
        return self.roles.get(department_id)

    def at_least(self, role: str, department_id: int | None = None) -> bool:
        if self.is_superuser:
            return True
        wanted = _ORDER[Role(role)]
        if department_id is not None:
            held = self.roles.get(department_id)
            return held is not None and _ORDER[Role(held)] >= wanted
        return any(_ORDER[Role(r)] >= wanted for r in self.roles.values())

    @property
    def is_staff_member(self) -> bool:
        return self.is_superuser or bool(self.roles)

    @property
    def is_admin(self) -> bool:
        return self.at_least(Role.ADMIN)

    @property
    def in_finance(self) -> bool:
        return self.is_superuser or FINANCE in self.department_codes.values()


_ANON = Access(user_id=None, is_superuser=False, roles={}, department_codes={})


def access_for(user: Any) -> Access:
    """The user's access, cached on the user object for the rest of the request."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return _ANON
    cached = getattr(user, "_patron_access", None)
    if cached is not None:
        return cached
    rows = list(
        Membership.objects.filter(user_id=user.pk, department__is_active=True).values_list(
            "department_id", "role", "department__code"
        )
    )
    access = Access(
        user_id=user.pk,
        is_superuser=bool(user.is_superuser),
        roles={dep: role for dep, role, _ in rows},
        department_codes={dep: code for dep, _, code in rows},
    )
    user._patron_access = access
    return access


def forget_access(user: Any) -> None:
    """Drop the cached access after a membership change."""
    if hasattr(user, "_patron_access"):
        del user._patron_access


# --- questions the rest of Patron asks -------------------------------------------------


def can_view_customers(user: Any) -> bool:
    return access_for(user).is_staff_member


def can_edit_customers(user: Any) -> bool:
    return access_for(user).at_least(Role.AGENT)


def can_merge_customers(user: Any) -> bool:
    return access_for(user).at_least(Role.MANAGER)


def can_import(user: Any) -> bool:
    return access_for(user).at_least(Role.MANAGER)


def can_export(user: Any) -> bool:
    return access_for(user).at_least(Role.AGENT)


def can_see_costs(user: Any) -> bool:
    access = access_for(user)
    return access.at_least(Role.MANAGER) or access.in_finance


def can_edit_products(user: Any) -> bool:
    return access_for(user).at_least(Role.MANAGER)


def can_edit_orders(user: Any) -> bool:
    return access_for(user).at_least(Role.AGENT)


def can_edit_billing(user: Any) -> bool:
    """Invoices, payments, statements, reminders: finance agents and above, or admins."""
    access = access_for(user)
    if access.is_superuser or access.at_least(Role.ADMIN):
        return True
    return any(
        access.department_codes.get(dep) == FINANCE and _ORDER[Role(role)] >= _ORDER[Role.AGENT]
        for dep, role in access.roles.items()
    )


def can_read_audit_log(user: Any) -> bool:
    return access_for(user).is_admin


def can_manage_staff(user: Any) -> bool:
    """Create staff, change their departments and roles, revoke their API tokens."""
    return access_for(user).is_admin


def can_log_interaction_for(user: Any, department_id: int | None) -> bool:
    """Log an interaction on behalf of a department: agent or above there."""
    access = access_for(user)
    if department_id is None:
        return access.at_least(Role.AGENT)
    return access.at_least(Role.AGENT, department_id)


def can_edit_interaction(user: Any, *, department_id: int | None, staff_id: int | None) -> bool:
    access = access_for(user)
    if access.is_superuser:
        return True
    if staff_id is not None and staff_id == access.user_id:
        return access.at_least(Role.AGENT, department_id) if department_id else True
    if department_id is None:
        return access.at_least(Role.MANAGER)
    return access.at_least(Role.MANAGER, department_id)


def visible_private_departments(user: Any) -> frozenset[int]:
    """Departments whose private notes this user may read: the ones they belong to."""
    return access_for(user).department_ids


def departments_for_logging(user: Any) -> Iterable[Department]:
    access = access_for(user)
    qs = Department.objects.filter(is_active=True)
    if access.is_superuser:
        return qs
    agent_up = [
        dep for dep, role in access.roles.items() if _ORDER[Role(role)] >= _ORDER[Role.AGENT]
    ]
    return qs.filter(id__in=agent_up)


def require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)
