"""Reads of parties, already scoped to what the user may see and keyset-paginated."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Prefetch, Q, QuerySet

from patron.accounts.permissions import can_view_customers
from patron.core.pagination import Page, decode_cursor, encode_cursor
from patron.parties.models import ContactPoint, Party, PartyRelationship
from patron.parties.normalize import fold

MAX_PAGE = 200


@dataclass(frozen=True)
class PartyFilters:
    q: str = ""
    kind: str = ""
    channel: str = ""
    tag: str = ""
    country: str = ""
    owner_id: int | None = None


def party_queryset(*, user: Any) -> QuerySet[Party]:
    """Every live party the user may see (merged-away parties excluded)."""
    if not can_view_customers(user):
        return Party.objects.none()
    return Party.objects.filter(merged_into__isnull=True)


def _prefix(field: str, value: str) -> Q:
    """Index-friendly prefix match on a folded column.

    PostgreSQL's ``LIKE 'x%'`` uses the ``*_like`` pattern index Django makes for indexed
    text columns; SQLite only uses an index for a range, so there it is ``x <= col < x+max``.
    """
    if connection.vendor == "sqlite":
        return Q(**{f"{field}__gte": value, f"{field}__lt": value + "\U0010ffff"})
    return Q(**{f"{field}__startswith": value})


def search_condition(q: str) -> Q:
    """Customers whose name (either order), email, phone or postcode starts with ``q``."""
    text = fold(q)[:100]
    if not text:
        return Q()
    cond = _prefix("search_name", text) | _prefix("sort_name", text)
    if "@" in text or "." in text:
        cond |= _prefix("email", text)
    digits = "".join(c for c in text if c.isdigit())
    if len(digits) >= 4 and len(digits) >= len(text.replace(" ", "").replace("+", "")) - 1:
        cond |= Q(phone__endswith=digits) if len(digits) < 9 else _prefix("phone", "+" + digits)
    if any(c.isdigit() for c in text) and len(text) <= 10:
        cond |= _prefix("postcode", text.upper())
    return cond


def party_list(
    *, user: Any, filters: PartyFilters | None = None, cursor: str | None = None, limit: int = 50
) -> Page[Party]:
    """One page of customers ordered by name, after ``cursor``. Never counts the table."""
    filters = filters or PartyFilters()
    limit = max(1, min(limit, MAX_PAGE))
    qs = party_queryset(user=user)
    if filters.q:
        qs = qs.filter(search_condition(filters.q))
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.channel:
        qs = qs.filter(acquisition_channel=filters.channel)
    if filters.country:
        qs = qs.filter(country=filters.country.upper())
    if filters.owner_id:
        qs = qs.filter(owner_id=filters.owner_id)
    if filters.tag:
        qs = qs.filter(party_tags__tag__name=filters.tag.strip().lower())
    if cursor:
        sort_name, ident = decode_cursor(cursor, [str, int])
        qs = qs.filter(Q(sort_name__gt=sort_name) | Q(sort_name=sort_name, id__gt=ident))
    rows = list(
        qs.order_by("sort_name", "id").only(
            "id",
            "kind",
            "display_name",
            "sort_name",
            "email",
            "phone",
            "city",
            "postcode",
            "country",
            "acquisition_channel",
            "acquired_at",
            "external_id",
            "created_at",
        )[: limit + 1]
    )
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = encode_cursor([rows[-1].sort_name, rows[-1].id])
    return Page(items=rows, next_cursor=next_cursor)


def party_get(*, user: Any, party_id: int) -> Party | None:
    """One party with its contact points, relationships, tags and preferences, or None."""
    return (
        party_queryset(user=user)
        .select_related("owner")
        .prefetch_related(
            Prefetch(
                "contact_points",
                queryset=ContactPoint.objects.order_by("kind", "-is_primary", "id"),
            ),
            Prefetch(
                "roles",
                queryset=PartyRelationship.objects.select_related("organisation"),
            ),
            Prefetch(
                "people",
                queryset=PartyRelationship.objects.select_related("person"),
            ),
            "tags",
            "preferences",
        )
        .filter(pk=party_id)
        .first()
    )


def party_get_by_external_id(*, user: Any, external_id: str) -> Party | None:
    party = party_queryset(user=user).filter(external_id=external_id).first()
    return party
