"""Writes for staff, departments, memberships and API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone

from patron.accounts.models import ApiToken, Department, Membership, Role, User
from patron.accounts.permissions import forget_access
from patron.core.audit import audit_record, snapshot

TOKEN_PREFIX = "ptn_"


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def department_ensure(*, code: str, name: str) -> Department:
    department, _ = Department.objects.get_or_create(code=code, defaults={"name": name})
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


@transaction.atomic
def membership_set(*, user: User, department: Department, role: str, actor: Any) -> Membership:
    membership, created = Membership.objects.update_or_create(
        user=user, department=department, defaults={"role": Role(role)}
    )
    audit_record(
        actor=actor,
        action="create" if created else "update",
        obj=membership,
        after=snapshot(membership),
    )
    forget_access(user)
    return membership


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
    token.revoked_at = now or timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(actor=actor, action="update", obj=token, after={"revoked": True})
