"""/api/v1/duplicates: the review list of likely duplicate customers, merge and dismiss.

Reads go through ``parties.duplicates``, writes through ``parties.services``; this module
only translates HTTP to those calls.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from patron.core.api import ERRORS, KeysetPage, Strict, actor, unchanged
from patron.parties import duplicates, services
from patron.parties.models import DuplicatePair, Party

router = Router(tags=["duplicates"])

ChoosableField = Literal[
    "given_name",
    "family_name",
    "organisation_name",
    "date_of_birth",
    "acquisition_channel",
    "acquired_at",
    "owner_id",
    "email",
    "phone",
    "address",
]


class PartyBrief(Schema):
    id: int
    kind: str
    display_name: str
    email: str
    phone: str
    postcode: str
    external_id: str | None
    is_active: bool
    merged_into_id: int | None


class Reason(Schema):
    key: Literal["email", "phone", "name_postcode"]
    value: str
    score: int


class DuplicatePairOut(Schema):
    id: int
    party_a: PartyBrief
    party_b: PartyBrief
    score: int
    reasons: list[Reason]
    status: str
    found_at: dt.datetime
    decided_at: dt.datetime | None


class DuplicateQuery(Schema):
    cursor: str | None = unchanged(max_length=500)
    limit: int = Field(50, ge=1, le=200)
    party_id: int | None = Field(None, ge=1, description="Only pairs involving this customer")


class MergeIn(Strict):
    survivor_id: int = Field(ge=1, description="The customer that stays")
    merged_id: int = Field(ge=1, description="The customer folded into the survivor")
    field_choices: dict[ChoosableField, Literal["survivor", "merged"]] = Field(
        default_factory=dict,
        description="Which side's value to keep per field; by default the survivor's, "
        "with blanks filled from the merged customer",
    )


class DismissIn(Strict):
    party_a_id: int = Field(ge=1)
    party_b_id: int = Field(ge=1)


class ScanOut(Schema):
    candidates: int
    removed: int
    skipped_blocks: int
    compared_names: int


def _party(request: HttpRequest, party_id: int, field: str) -> Party:
    party = duplicates.party_for_merge(user=actor(request), party_id=party_id)
    if party is None:
        raise ValidationError({field: [f"no customer with id {party_id}"]})
    return party


@router.get("", response={200: KeysetPage[DuplicatePairOut], **ERRORS})
def list_duplicates(request: HttpRequest, query: Query[DuplicateQuery]) -> Any:
    """Open pairs of likely duplicates, most likely first; refreshed by ``POST /scan``."""
    page = duplicates.duplicate_candidates(
        user=actor(request), limit=query.limit, cursor=query.cursor, party_id=query.party_id
    )
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.post("/merge", response={200: PartyBrief, **ERRORS})
def merge(request: HttpRequest, payload: MergeIn) -> Any:
    """Merge ``merged_id`` into ``survivor_id``; all history moves to the survivor."""
    survivor = _party(request, payload.survivor_id, "survivor_id")
    merged = _party(request, payload.merged_id, "merged_id")
    return services.party_merge(
        survivor=survivor,
        merged=merged,
        actor=actor(request),
        field_choices={str(k): str(v) for k, v in payload.field_choices.items()},
    )


@router.post("/dismiss", response={200: DuplicatePairOut, **ERRORS})
def dismiss(request: HttpRequest, payload: DismissIn) -> Any:
    """Record that two customers are not the same, so they are not offered again."""
    pair = services.duplicate_dismiss(
        party_a=_party(request, payload.party_a_id, "party_a_id"),
        party_b=_party(request, payload.party_b_id, "party_b_id"),
        actor=actor(request),
    )
    return DuplicatePair.objects.select_related("party_a", "party_b").get(pk=pair.pk)


@router.post("/scan", response={200: ScanOut, **ERRORS})
def scan(request: HttpRequest) -> Any:
    """Look for duplicates now (managers). Runs in the request; see docs/how-to/duplicates.md."""
    return services.duplicates_scan(actor=actor(request))
