"""/api/v1/parties: customers, their contact points, relationships, tags, preferences, timeline.

Reads go through ``parties.selectors`` (scoped to the user), writes through
``parties.services``; this module only translates HTTP to those calls.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from patron.accounts.models import User
from patron.core import timeline
from patron.core.api import (
    ERRORS,
    Day,
    KeysetPage,
    Strict,
    Timestamp,
    actor,
    found,
    id_field,
    unchanged,
)
from patron.parties import selectors, services
from patron.parties.models import ContactPoint, Party, PartyRelationship, Preference

router = Router(tags=["parties"])

PARTY_OUTPUT_ONLY = frozenset(
    {"id", "created_at", "updated_at", "display_name", "sort_name", "search_name", "merged_into"}
)

# --- schemas -------------------------------------------------------------------------


class PartyListItem(Schema):
    """The columns a customer list shows; exactly what ``party_list`` loads."""

    id: int
    kind: str
    display_name: str
    email: str
    phone: str
    city: str
    postcode: str
    country: str
    acquisition_channel: str
    acquired_at: dt.datetime | None
    external_id: str | None
    created_at: dt.datetime


class ContactPointOut(Schema):
    id: int
    kind: str
    label: str
    value: str
    street: str
    city: str
    postcode: str
    region: str
    country: str
    is_primary: bool
    marketing_consent: str
    valid_from: dt.date | None
    valid_until: dt.date | None


class RelationshipOut(Schema):
    id: int
    person_id: int
    person_name: str
    organisation_id: int
    organisation_name: str
    role: str
    title: str
    is_primary_contact: bool
    started_at: dt.date | None
    ended_at: dt.date | None


class PreferenceOut(Schema):
    id: int
    kind: str
    motive: str
    detail: str
    strength: int | None
    source: str
    created_at: dt.datetime


class PartyOut(Schema):
    id: int
    kind: str
    external_id: str | None
    given_name: str
    family_name: str
    organisation_name: str
    display_name: str
    email: str
    phone: str
    city: str
    postcode: str
    country: str
    date_of_birth: dt.date | None
    acquisition_channel: str
    acquired_at: dt.datetime | None
    owner_id: int | None
    is_active: bool
    tags: list[str]
    contact_points: list[ContactPointOut]
    relationships: list[RelationshipOut]
    created_at: dt.datetime
    updated_at: dt.datetime


class PartyCreate(Strict):
    read_only_fields: ClassVar[frozenset[str]] = PARTY_OUTPUT_ONLY | {"contact_points"}

    kind: Literal["person", "organisation"] = "person"
    given_name: str = Field("", max_length=100)
    family_name: str = Field("", max_length=100)
    organisation_name: str = Field("", max_length=200)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=40)
    street: str = Field("", max_length=200)
    city: str = Field("", max_length=100)
    postcode: str = Field("", max_length=20)
    country: str = Field("", max_length=2)
    date_of_birth: Day | None = None
    acquisition_channel: str = Field("", max_length=12)
    acquired_at: Timestamp | None = None
    owner_id: int | None = None
    external_id: str | None = Field(None, max_length=64)
    tags: list[str] = Field([], max_length=100)


class PartyUpdate(Strict):
    """A partial change: only the fields sent are changed. ``null`` is refused for text."""

    read_only_fields: ClassVar[frozenset[str]] = PARTY_OUTPUT_ONLY | {
        "email",
        "phone",
        "city",
        "postcode",
        "country",
        "tags",
        "contact_points",
        "relationships",
    }

    kind: Literal["person", "organisation"] = unchanged()
    given_name: str = unchanged(max_length=100)
    family_name: str = unchanged(max_length=100)
    organisation_name: str = unchanged(max_length=200)
    date_of_birth: Day | None = None
    acquisition_channel: str = unchanged(max_length=12)
    acquired_at: Timestamp | None = None
    owner_id: int | None = None
    external_id: str | None = Field(None, max_length=64)


class PartyFilterQuery(Schema):
    q: str = Field("", max_length=100, description="Name, email, phone or postcode prefix")
    kind: Literal["", "person", "organisation"] = ""
    channel: str = Field("", max_length=12)
    country: str = Field("", max_length=2)
    tag: str = Field("", max_length=50)
    owner: int | None = id_field(None)
    cursor: str | None = unchanged(max_length=500)
    limit: int = Field(50, ge=1, le=200)


class ContactPointIn(Strict):
    kind: Literal["email", "phone", "postal"]
    value: str = Field("", max_length=254)
    label: Literal["home", "work", "mobile", "billing", "shipping", "other"] = "home"
    street: str = Field("", max_length=200)
    city: str = Field("", max_length=100)
    postcode: str = Field("", max_length=20)
    region: str = Field("", max_length=100)
    country: str = Field("", max_length=2)
    is_primary: bool = False
    marketing_consent: Literal["unknown", "granted", "refused"] = "unknown"
    valid_from: Day | None = None
    valid_until: Day | None = None


class RelationshipIn(Strict):
    """Link the party in the path to an organisation (if a person) or a person (if not)."""

    organisation_id: int | None = id_field(None)
    person_id: int | None = id_field(None)
    role: Literal["employee", "contact", "decision_maker", "billing_contact", "owner"] = "employee"
    title: str = Field("", max_length=100)
    is_primary_contact: bool = False
    started_at: Day | None = None


class TagsIn(Strict):
    tags: list[str] = Field(max_length=100)


class TagsOut(Schema):
    tags: list[str]


class PreferenceIn(Strict):
    kind: Literal["want", "need", "interest", "motive"]
    motive: Literal["", "price", "quality", "convenience", "status", "service", "other"] = ""
    detail: str = Field("", max_length=500)
    strength: int | None = Field(None, ge=1, le=5)


class TimelineEventOut(Schema):
    at: dt.datetime
    source: str
    id: int
    kind: str
    title: str
    summary: str
    direct: bool
    icon: str
    actor: str
    department: str
    amount: str
    url: str
    private: bool
    data: dict[str, Any]


class TimelineQuery(Schema):
    cursor: str | None = unchanged(max_length=500)
    limit: int = Field(30, ge=1, le=200)
    source: str = Field(
        "",
        max_length=500,
        description="Comma-separated source names, e.g. interactions.interaction,sales.order",
    )


# --- helpers -------------------------------------------------------------------------


def _party(request: HttpRequest, party_id: int) -> Party:
    return found(selectors.party_get(user=actor(request), party_id=party_id))


def _other_party(request: HttpRequest, party_id: int, field: str) -> Party:
    other = selectors.party_get(user=actor(request), party_id=party_id)
    if other is None:
        raise ValidationError({field: [f"no customer with id {party_id}"]})
    return other


def _check_owner(owner_id: int | None) -> None:
    if owner_id is not None and not User.objects.filter(pk=owner_id, is_active=True).exists():
        raise ValidationError({"owner_id": [f"no active staff member with id {owner_id}"]})


def _relationship_out(rel: PartyRelationship) -> dict[str, Any]:
    return {
        "id": rel.id,
        "person_id": rel.person_id,
        "person_name": rel.person.display_name,
        "organisation_id": rel.organisation_id,
        "organisation_name": rel.organisation.display_name,
        "role": rel.role,
        "title": rel.title,
        "is_primary_contact": rel.is_primary_contact,
        "started_at": rel.started_at,
        "ended_at": rel.ended_at,
    }


def _party_out(party: Party) -> dict[str, Any]:
    relationships = [*party.roles.all(), *party.people.all()]
    for rel in party.roles.all():
        rel.person = party
    for rel in party.people.all():
        rel.organisation = party
    return {
        **{name: getattr(party, name) for name in PartyOut.model_fields if hasattr(party, name)},
        "tags": sorted(tag.name for tag in party.tags.all()),
        "contact_points": list(party.contact_points.all()),
        "relationships": [_relationship_out(rel) for rel in relationships],
    }


# --- parties -------------------------------------------------------------------------


@router.get("", response={200: KeysetPage[PartyListItem], **ERRORS})
def list_parties(request: HttpRequest, filters: Query[PartyFilterQuery]) -> Any:
    """Customers by name, keyset-paginated; ``q`` searches names, email, phone, postcode."""
    page = selectors.party_list(
        user=actor(request),
        filters=selectors.PartyFilters(
            q=filters.q,
            kind=filters.kind,
            channel=filters.channel,
            country=filters.country,
            tag=filters.tag,
            owner_id=filters.owner,
        ),
        cursor=filters.cursor,
        limit=filters.limit,
    )
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.post("", response={201: PartyOut, **ERRORS})
def create_party(request: HttpRequest, payload: PartyCreate) -> Any:
    data = payload.model_dump()
    _check_owner(data["owner_id"])
    party = services.party_create(actor=actor(request), **data)
    return Status(201, _party_out(_party(request, party.id)))


@router.get("/{party_id}", response={200: PartyOut, **ERRORS})
def get_party(request: HttpRequest, party_id: int) -> Any:
    return _party_out(_party(request, party_id))


@router.patch("/{party_id}", response={200: PartyOut, **ERRORS})
def update_party(request: HttpRequest, party_id: int, payload: PartyUpdate) -> Any:
    party = _party(request, party_id)
    changes = payload.model_dump(exclude_unset=True)
    if "owner_id" in changes:
        _check_owner(changes["owner_id"])
    services.party_update(party=party, actor=actor(request), **changes)
    return _party_out(_party(request, party_id))


# --- contact points ------------------------------------------------------------------


@router.get("/{party_id}/contact-points", response={200: list[ContactPointOut], **ERRORS})
def list_contact_points(request: HttpRequest, party_id: int) -> Any:
    return list(_party(request, party_id).contact_points.all())


@router.post("/{party_id}/contact-points", response={201: ContactPointOut, **ERRORS})
def add_contact_point(request: HttpRequest, party_id: int, payload: ContactPointIn) -> Any:
    party = _party(request, party_id)
    point = services.contact_point_add(party=party, actor=actor(request), **payload.model_dump())
    return Status(201, point)


def _contact_point(request: HttpRequest, party_id: int, point_id: int) -> ContactPoint:
    party = _party(request, party_id)
    for point in party.contact_points.all():
        if point.id == point_id:
            point.party = party
            return point
    return found(None)


@router.post(
    "/{party_id}/contact-points/{point_id}/make-primary",
    response={200: ContactPointOut, **ERRORS},
)
def make_contact_point_primary(request: HttpRequest, party_id: int, point_id: int) -> Any:
    point = _contact_point(request, party_id, point_id)
    return services.contact_point_make_primary(point=point, actor=actor(request))


@router.delete("/{party_id}/contact-points/{point_id}", response={204: None, **ERRORS})
def delete_contact_point(request: HttpRequest, party_id: int, point_id: int) -> Any:
    point = _contact_point(request, party_id, point_id)
    services.contact_point_remove(point=point, actor=actor(request))
    return Status(204, None)


# --- relationships, tags, preferences ------------------------------------------------


@router.get("/{party_id}/relationships", response={200: list[RelationshipOut], **ERRORS})
def list_relationships(request: HttpRequest, party_id: int) -> Any:
    return _party_out(_party(request, party_id))["relationships"]


@router.post("/{party_id}/relationships", response={201: RelationshipOut, **ERRORS})
def add_relationship(request: HttpRequest, party_id: int, payload: RelationshipIn) -> Any:
    party = _party(request, party_id)
    if (payload.organisation_id is None) == (payload.person_id is None):
        raise ValidationError(
            {"organisation_id": ["give either organisation_id (for a person) or person_id"]}
        )
    if payload.organisation_id is not None:
        person, organisation = (
            party,
            _other_party(request, payload.organisation_id, "organisation_id"),
        )
    else:
        assert payload.person_id is not None
        person, organisation = _other_party(request, payload.person_id, "person_id"), party
    rel = services.relationship_add(
        person=person,
        organisation=organisation,
        actor=actor(request),
        role=payload.role,
        title=payload.title,
        is_primary_contact=payload.is_primary_contact,
        started_at=payload.started_at,
    )
    return Status(201, _relationship_out(rel))


@router.put("/{party_id}/tags", response={200: TagsOut, **ERRORS})
def set_tags(request: HttpRequest, party_id: int, payload: TagsIn) -> Any:
    party = _party(request, party_id)
    services.party_set_tags(party=party, names=payload.tags, actor=actor(request))
    return {"tags": sorted(tag.name for tag in _party(request, party_id).tags.all())}


@router.get("/{party_id}/preferences", response={200: list[PreferenceOut], **ERRORS})
def list_preferences(request: HttpRequest, party_id: int) -> Any:
    prefs: list[Preference] = list(_party(request, party_id).preferences.all())
    return sorted(prefs, key=lambda p: (p.created_at, p.id), reverse=True)


@router.post("/{party_id}/preferences", response={201: PreferenceOut, **ERRORS})
def record_preference(request: HttpRequest, party_id: int, payload: PreferenceIn) -> Any:
    party = _party(request, party_id)
    pref = services.preference_record(
        party=party, actor=actor(request), source="api", **payload.model_dump()
    )
    return Status(201, pref)


# --- timeline ------------------------------------------------------------------------


@router.get("/{party_id}/timeline", response={200: KeysetPage[TimelineEventOut], **ERRORS})
def party_timeline(request: HttpRequest, party_id: int, params: Query[TimelineQuery]) -> Any:
    """The customer's history, newest first: interactions, orders, invoices, payments, ..."""
    user = actor(request)
    if not selectors.party_queryset(user=user).filter(pk=party_id).exists():
        return found(None)
    only = [name.strip() for name in params.source.split(",") if name.strip()]
    known = {source.name for source in timeline.sources()}
    unknown = sorted(set(only) - known)
    if unknown:
        raise ValidationError(
            {"source": [f"unknown source {', '.join(unknown)}; use {', '.join(sorted(known))}"]}
        )
    page = timeline.party_timeline(
        party_id=party_id, user=user, cursor=params.cursor, limit=params.limit, only=only or None
    )
    return {"items": page.items, "next_cursor": page.next_cursor}
