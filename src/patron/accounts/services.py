"""Writes for staff, departments, memberships and API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from patron.accounts.models import ApiToken, Department, Membership, Role, User
from patron.accounts.permissions import can_manage_staff, forget_access, require
from patron.core.audit import audit_record, changed, snapshot

TOKEN_PREFIX = "ptn_"


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def department_ensure(*, code: str, name: str, actor: Any = None) -> Department:
    """The department with ``code``, created (and audited) if it does not exist yet."""
    department, created = Department.objects.get_or_create(code=code, defaults={"name": name})
    if created:
        audit_record(actor=actor, action="create", obj=department, after=snapshot(department))
    return department


DEPARTMENT_EDITABLE_FIELDS = ("name", "is_active")


@transaction.atomic
def department_update(*, department: Department, actor: Any, **changes: Any) -> Department:
    require(can_manage_staff(actor), "Only an administrator may change departments.")
    unknown = set(changes) - set(DEPARTMENT_EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({name: ["cannot be changed"] for name in sorted(unknown)})
    before = snapshot(department)
    for name, value in changes.items():
        setattr(department, name, value.strip() if isinstance(value, str) else value)
    if not department.name:
        raise ValidationError({"name": ["a department needs a name"]})
    if Department.objects.filter(name=department.name).exclude(pk=department.pk).exists():
        raise ValidationError({"name": [f"{department.name!r} is already a department"]})
    department.save()
    old, new = changed(before, snapshot(department))
    if new:
        audit_record(actor=actor, action="update", obj=department, before=old, after=new)
    return department


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str | None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    memberships: dict[Department, str] | None = None,
    is_superuser: bool = False,
    actor: Any = None,
) -> User:
    user = User(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        is_staff=True,
        is_superuser=is_superuser,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    for department, role in (memberships or {}).items():
        Membership.objects.create(user=user, department=department, role=Role(role))
    audit_record(actor=actor, action="create", obj=user, after=snapshot(user, ["username"]))
    return user


USER_EDITABLE_FIELDS = ("first_name", "last_name", "email", "is_active", "is_staff", "is_superuser")


@transaction.atomic
def user_update(*, user: User, actor: Any, **changes: Any) -> User:
    """Change a staff member's name, email or status; only a superuser grants superuser."""
    require(can_manage_staff(actor), "Only an administrator may change staff.")
    unknown = set(changes) - set(USER_EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({name: ["cannot be changed here"] for name in sorted(unknown)})
    if "is_superuser" in changes and changes["is_superuser"] != user.is_superuser:
        require(
            bool(getattr(actor, "is_superuser", False)),
            "Only a superuser may grant or remove superuser status.",
        )
    fields = list(changes)
    before = snapshot(user, fields)
    for name, value in changes.items():
        setattr(user, name, value.strip() if isinstance(value, str) else value)
    user.save()
    forget_access(user)
    old, new = changed(before, snapshot(user, fields))
    if new:
        audit_record(actor=actor, action="update", obj=user, before=old, after=new)
    return user


@transaction.atomic
def user_set_password(*, user: User, actor: Any, password: str | None) -> User:
    """Set (or, with ``None``, disable) a password; the audit log says so, never the hash."""
    if getattr(actor, "pk", None) != user.pk:
        require(can_manage_staff(actor), "Only an administrator may set another's password.")
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save(update_fields=["password"])
    audit_record(
        actor=actor,
        action="update",
        obj=user,
        before={"password": "(hidden)"},
        after={"password": "changed" if password else "disabled"},
    )
    return user


@transaction.atomic
def membership_set(*, user: User, department: Department, role: str, actor: Any) -> Membership:
    if role not in Role.values:
        raise ValidationError({"role": [f"must be one of {', '.join(Role.values)}"]})
    existing = Membership.objects.filter(user=user, department=department).first()
    before = snapshot(existing) if existing else None
    membership, created = Membership.objects.update_or_create(
        user=user, department=department, defaults={"role": Role(role)}
    )
    audit_record(
        actor=actor,
        action="create" if created else "update",
        obj=membership,
        before=before,
        after=snapshot(membership),
    )
    forget_access(user)
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, actor: Any) -> None:
    require(can_manage_staff(actor), "Only an administrator may change memberships.")
    membership = Membership.objects.select_for_update().select_related("user").get(pk=membership.pk)
    audit_record(actor=actor, action="delete", obj=membership, before=snapshot(membership))
    membership.delete()
    forget_access(membership.user)


@transaction.atomic
def api_token_create(
    *, user: User, name: str, expires_at: dt.datetime | None = None, actor: Any = None
) -> tuple[ApiToken, str]:
    """A new token and its secret, which is shown once and never stored."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, prefix=raw[:12], digest=_digest(raw), expires_at=expires_at
    )
    audit_record(actor=actor or user, action="create", obj=token, after={"name": name})
    return token, raw


def api_token_authenticate(raw: str, *, now: dt.datetime | None = None) -> User | None:
    """The active user a bearer token belongs to, or None."""
    if not raw or not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    now = now or timezone.now()
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=_digest(raw), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    if token.expires_at is not None and token.expires_at <= now:
        return None
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=5):
        # Touch at most every few minutes: a token used 1,000 times a second must not
        # turn every read into a write.
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor: Any, now: dt.datetime | None = None) -> None:
    before = snapshot(token, ["revoked_at"])
    token.revoked_at = now or timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(
        actor=actor,
        action="update",
        obj=token,
        before=before,
        after=snapshot(token, ["revoked_at"]),
    )
