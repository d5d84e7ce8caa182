"""/api/v1/interactions: log, read, change and delete contacts with customers.

Reads use ``interactions.selectors`` (a department's private notes are invisible to
everyone else, so they answer 404 exactly like a record that does not exist); writes use
``interactions.services``, which decide who may log for which department.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from patron.accounts.models import Department
from patron.core.api import ERRORS, KeysetPage, Strict, Timestamp, actor, found, id_field, unchanged
from patron.core.pagination import decode_cursor, encode_cursor, keyset_after
from patron.interactions import selectors, services
from patron.interactions.models import Interaction
from patron.parties.selectors import party_queryset

router = Router(tags=["interactions"])

OUTPUT_ONLY = frozenset(
    {"id", "created_at", "updated_at", "staff_id", "staff_name", "department_name"}
)


class InteractionOut(Schema):
    id: int
    party_id: int
    external_id: str | None
    occurred_at: dt.datetime
    kind: str
    direction: str
    channel: str
    staff_id: int | None
    staff_name: str
    department_id: int | None
    department_name: str
    outcome: str
    subject: str
    notes: str
    visibility: str
    duration_minutes: int | None
    created_at: dt.datetime
    updated_at: dt.datetime


class InteractionCreate(Strict):
    read_only_fields: ClassVar[frozenset[str]] = OUTPUT_ONLY

    party_id: int = id_field()
    kind: str = Field(max_length=16, description="call, email, meeting, field_visit, ...")
    occurred_at: Timestamp | None = None
    direction: str = Field("", max_length=8, description="inbound or outbound")
    channel: str = Field("", max_length=10)
    department_id: int | None = id_field(None)
    outcome: str = Field("", max_length=12)
    subject: str = Field("", max_length=200)
    notes: str = Field("", max_length=20000)
    visibility: str = Field("shared", max_length=10, description="shared or department")
    duration_minutes: int | None = Field(None, ge=0, le=1440)
    external_id: str | None = Field(None, max_length=64)


class InteractionUpdate(Strict):
    read_only_fields: ClassVar[frozenset[str]] = OUTPUT_ONLY | {
        "party_id",
        "department_id",
        "external_id",
    }

    occurred_at: Timestamp = unchanged()
    kind: str = unchanged(max_length=16)
    direction: str = unchanged(max_length=8)
    channel: str = unchanged(max_length=10)
    outcome: str = unchanged(max_length=12)
    subject: str = unchanged(max_length=200)
    notes: str = unchanged(max_length=20000)
    visibility: str = unchanged(max_length=10)
    duration_minutes: int | None = Field(None, ge=0, le=1440)


class InteractionQuery(Schema):
    party: int | None = id_field(None)
    department: int | None = id_field(None)
    kind: str = Field("", max_length=16)
    cursor: str | None = Field(None, max_length=500)
    limit: int = Field(50, ge=1, le=200)


def _out(interaction: Interaction) -> dict[str, Any]:
    return {
        **{
            name: getattr(interaction, name)
            for name in InteractionOut.model_fields
            if name not in {"staff_name", "department_name"}
        },
        "staff_name": str(interaction.staff) if interaction.staff else "",
        "department_name": interaction.department.name if interaction.department else "",
    }


def _interaction(request: HttpRequest, interaction_id: int) -> Interaction:
    return found(selectors.interaction_get(user=actor(request), interaction_id=interaction_id))


@router.get("", response={200: KeysetPage[InteractionOut], **ERRORS})
def list_interactions(request: HttpRequest, params: Query[InteractionQuery]) -> Any:
    """Interactions the user may read, newest first, by customer, department and kind."""
    qs = selectors.interaction_queryset(user=actor(request)).select_related("staff", "department")
    if params.party is not None:
        qs = qs.filter(party_id=params.party)
    if params.department is not None:
        qs = qs.filter(department_id=params.department)
    if params.kind:
        qs = qs.filter(kind=params.kind)
    if params.cursor:
        at, ident = decode_cursor(params.cursor, [dt.datetime, int])
        qs = qs.filter(keyset_after("occurred_at", at, ident, descending=True))
    rows = list(qs.order_by("-occurred_at", "-id")[: params.limit + 1])
    next_cursor = None
    if len(rows) > params.limit:
        rows = rows[: params.limit]
        next_cursor = encode_cursor([rows[-1].occurred_at, rows[-1].id])
    return {"items": [_out(row) for row in rows], "next_cursor": next_cursor}


@router.get("/{interaction_id}", response={200: InteractionOut, **ERRORS})
def get_interaction(request: HttpRequest, interaction_id: int) -> Any:
    return _out(_interaction(request, interaction_id))


@router.post("", response={201: InteractionOut, **ERRORS})
def log_interaction(request: HttpRequest, payload: InteractionCreate) -> Any:
    """Log a contact; for a department you are not an agent (or above) in, the answer is 403."""
    user = actor(request)
    data = payload.model_dump()
    party = party_queryset(user=user).filter(pk=data.pop("party_id")).first()
    if party is None:
        raise ValidationError({"party_id": [f"no customer with id {payload.party_id}"]})
    department = None
    department_id = data.pop("department_id")
    if department_id is not None:
        department = Department.objects.filter(pk=department_id, is_active=True).first()
        if department is None:
            raise ValidationError({"department_id": [f"no department with id {department_id}"]})
    interaction = services.interaction_log(party=party, actor=user, department=department, **data)
    return Status(201, _out(_interaction(request, interaction.id)))


@router.patch("/{interaction_id}", response={200: InteractionOut, **ERRORS})
def update_interaction(
    request: HttpRequest, interaction_id: int, payload: InteractionUpdate
) -> Any:
    interaction = _interaction(request, interaction_id)
    services.interaction_update(
        interaction=interaction, actor=actor(request), **payload.model_dump(exclude_unset=True)
    )
    return _out(_interaction(request, interaction_id))


@router.delete("/{interaction_id}", response={204: None, **ERRORS})
def delete_interaction(request: HttpRequest, interaction_id: int) -> Any:
    interaction = _interaction(request, interaction_id)
    services.interaction_delete(interaction=interaction, actor=actor(request))
    return Status(204, None)
