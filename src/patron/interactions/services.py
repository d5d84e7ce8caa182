"""Logging and editing interactions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from patron.accounts.models import Department
from patron.accounts.permissions import (
    PermissionDenied,
    can_edit_interaction,
    can_log_interaction_for,
    require,
)
from patron.core.audit import audit_record, changed, snapshot
from patron.interactions.models import (
    DIRECT_KINDS,
    ContactChannel,
    Direction,
    Interaction,
    Kind,
    Outcome,
    Visibility,
)
from patron.parties.models import Party

EDITABLE_FIELDS = (
    "occurred_at",
    "kind",
    "direction",
    "channel",
    "outcome",
    "subject",
    "notes",
    "visibility",
    "duration_minutes",
)


def _validate(interaction: Interaction, *, now: dt.datetime) -> None:
    errors: dict[str, list[str]] = {}
    if interaction.kind not in Kind.values:
        errors["kind"] = [f"must be one of {', '.join(Kind.values)}"]
    if interaction.direction and interaction.direction not in Direction.values:
        errors["direction"] = ["must be inbound or outbound"]
    if interaction.kind in DIRECT_KINDS and not interaction.direction:
        errors["direction"] = ["say whether the customer contacted us or we contacted them"]
    if interaction.channel and interaction.channel not in ContactChannel.values:
        errors["channel"] = [f"must be one of {', '.join(ContactChannel.values)}"]
    if interaction.outcome and interaction.outcome not in Outcome.values:
        errors["outcome"] = [f"must be one of {', '.join(v for v in Outcome.values if v)}"]
    if interaction.visibility not in Visibility.values:
        errors["visibility"] = ["must be shared or department"]
    if interaction.visibility == Visibility.DEPARTMENT and interaction.department_id is None:
        errors["visibility"] = ["a private note needs a department"]
    if interaction.occurred_at is None:
        errors["occurred_at"] = ["is required"]
    elif interaction.occurred_at > now + dt.timedelta(minutes=5):
        errors["occurred_at"] = ["is in the future; log an interaction once it has happened"]
    if len(interaction.subject) > 200:
        errors["subject"] = ["is longer than 200 characters"]
    if len(interaction.notes) > 20000:
        errors["notes"] = ["are longer than 20,000 characters"]
    if interaction.duration_minutes is not None and not 0 <= interaction.duration_minutes <= 1440:
        errors["duration_minutes"] = ["must be between 0 and 1440"]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def interaction_log(
    *,
    party: Party,
    actor: Any,
    kind: str,
    occurred_at: dt.datetime | None = None,
    direction: str = "",
    channel: str = "",
    department: Department | None = None,
    outcome: str = "",
    subject: str = "",
    notes: str = "",
    visibility: str = Visibility.SHARED,
    duration_minutes: int | None = None,
    external_id: str | None = None,
    now: dt.datetime | None = None,
) -> Interaction:
    """Record a contact with a customer on behalf of ``department``."""
    now = now or timezone.now()
    if department is not None and not can_log_interaction_for(actor, department.id):
        raise PermissionDenied(f"You may not log interactions for {department.name}.")
    require(can_log_interaction_for(actor, None), "You may not log interactions.")
    interaction = Interaction(
        party=party,
        kind=kind,
        occurred_at=occurred_at or now,
        direction=direction,
        channel=channel,
        staff=actor if getattr(actor, "pk", None) else None,
        department=department,
        outcome=outcome,
        subject=subject.strip(),
        notes=notes.strip(),
        visibility=visibility,
        duration_minutes=duration_minutes,
        external_id=external_id or None,
    )
    _validate(interaction, now=now)
    if (
        interaction.external_id
        and Interaction.objects.filter(external_id=interaction.external_id).exists()
    ):
        raise ValidationError({"external_id": ["is already used by another interaction"]})
    interaction.save()
    audit_record(actor=actor, action="create", obj=interaction, after=snapshot(interaction))
    return interaction


@transaction.atomic
def interaction_update(
    *, interaction: Interaction, actor: Any, now: dt.datetime | None = None, **changes: Any
) -> Interaction:
    require(
        can_edit_interaction(
            actor, department_id=interaction.department_id, staff_id=interaction.staff_id
        ),
        "You may not edit this interaction.",
    )
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({name: ["cannot be changed"] for name in sorted(unknown)})
    before = snapshot(interaction)
    for name, value in changes.items():
        setattr(interaction, name, value.strip() if isinstance(value, str) else value)
    _validate(interaction, now=now or timezone.now())
    interaction.save()
    old, new = changed(before, snapshot(interaction))
    if new:
        audit_record(actor=actor, action="update", obj=interaction, before=old, after=new)
    return interaction


@transaction.atomic
def interaction_delete(*, interaction: Interaction, actor: Any) -> None:
    require(
        can_edit_interaction(actor, department_id=interaction.department_id, staff_id=None),
        "Only a manager of the department may delete an interaction.",
    )
    audit_record(actor=actor, action="delete", obj=interaction, before=snapshot(interaction))
    interaction.delete()
