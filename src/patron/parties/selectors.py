"""Reads of parties, already scoped to what the user may see and keyset-paginated."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import phonenumbers
from django.conf import settings
from django.db import connection
from django.db.models import Prefetch, Q, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Reverse, Substr
from django.db.models.lookups import Exact

from patron.accounts.permissions import can_view_customers
from patron.core.pagination import Page, decode_cursor, encode_cursor, keyset_after
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


def _after(prefix: str) -> str | None:
    """The smallest string above every string that starts with ``prefix``, if any."""
    while prefix and ord(prefix[-1]) == 0x10FFFF:
        prefix = prefix[:-1]
    return prefix[:-1] + chr(ord(prefix[-1]) + 1) if prefix else None


def _prefix(field: str, value: str) -> Q:
    """``field`` starts with ``value``, as a range that an ordinary index serves in order.

    Exact in code-point order: SQLite's default collation and PostgreSQL's C, POSIX and
    C.UTF-8. (``LIKE 'x%'`` is index-served only by a ``*_like`` pattern index on
    PostgreSQL and not at all by SQLite, and it cannot serve an index's name order.)
    """
    upper = _after(value)
    cond = Q(**{f"{field}__gte": value})
    return cond & Q(**{f"{field}__lt": upper}) if upper else cond


def _phone_digits(text: str) -> str:
    """The digits of ``text`` when it reads as (part of) a phone number, else ''."""
    digits = "".join(c for c in text if c.isdigit())
    if len(digits) >= 4 and len(digits) >= len(text.replace(" ", "").replace("+", "")) - 1:
        return digits
    return ""


def _international(digits: str) -> str:
    """'07405393909' typed in national form -> '447405393909' (default phone region)."""
    if digits.startswith("0") and not digits.startswith("00"):
        code = phonenumbers.country_code_for_region(settings.DEFAULT_PHONE_REGION.upper())
        if code:
            return f"{code}{digits[1:]}"
    return digits.removeprefix("00")


# --- search, arm by arm -------------------------------------------------------------------
#
# A search is an OR of prefix matches on several columns, shown in name order. Handed to
# the database as one OR, both SQLite and PostgreSQL either collect every match and sort
# them (a two-letter prefix matches 100,000 of a million customers) or walk the name index
# hoping to meet matches early (a family-name prefix clusters in one stretch of it, so the
# walk crosses most of the table first). Split into arms, each arm has one good plan:
#
# * sort name ("smith j"): a range of the name index itself, already in name order;
# * given-name-first name, email, postcode: their matches are spread evenly along the name
#   order, so when they are many a walk of the name index meets a page of them within
#   ``page × table / matches`` rows; when they are few, collecting them through the
#   column's own index and sorting them is cheaper. A probe reads at most ``DENSE_ARM``
#   index entries per arm to tell which;
# * phone: the last digits through the index on the reversed number, or the first digits.
#
# The arms' first pages are merged in one statement: the first page of a union is within
# the union of the arms' first pages.

#: an arm with at least this many matches is walked in name order, a smaller one is
#: collected and sorted; near sqrt(page × 1,000,000), where the two costs meet
DENSE_ARM = 5000


@dataclass(frozen=True)
class _Arm:
    """One column's share of a search: its condition when collected and when walked."""

    collect: Q
    walk: Q | None = None

    @property
    def probed(self) -> bool:
        return self.walk is not None


def _spread(field: str, value: str, *, also: Q | None = None) -> _Arm:
    """An arm whose matches are spread along the name order."""
    base = also or Q()
    walk = base & Q(Exact(Substr(field, 1, len(value)), Value(value)))
    return _Arm(collect=base & _prefix(field, value), walk=walk)


def _search_arms(q: str) -> tuple[Q, list[_Arm]]:
    """The sort-name range and the other arms of a search for ``q``.

    A customer matches when their name in either order (``sort_name``, ``search_name``),
    their email or their postcode starts with ``q``, or their phone number ends with the
    four to eight digits typed, or starts with nine or more (typed in international or
    national form).
    """
    text = fold(q)[:100]
    # An organisation's search name is its sort name, and so is a person's without a given
    # name, so the sort-name range already finds every match of those on ``search_name``.
    arms = [_spread("search_name", text, also=Q(kind=Party.Kind.PERSON, merged_into__isnull=True))]
    if "@" in text or "." in text:
        arms.append(_spread("email", text))
    digits = _phone_digits(text)
    if digits and len(digits) < 9:
        arms.append(_Arm(collect=_prefix("phone_reversed", digits[::-1])))
    elif digits:
        arms.append(
            _Arm(
                collect=_prefix("phone", "+" + digits)
                | _prefix("phone", "+" + _international(digits))
            )
        )
    if any(c.isdigit() for c in text) and len(text) <= 10:
        arms.append(_spread("postcode", text.upper()))
    return _prefix("sort_name", text), arms


def _sql(qs: QuerySet[Any]) -> tuple[str, tuple[Any, ...]]:
    sql, params = qs.query.get_compiler(using=qs.db).as_sql()
    return sql, tuple(params)


def _dense_arms(arms: list[_Arm]) -> list[bool]:
    """For each probed arm, whether it has at least ``DENSE_ARM`` matches (one query)."""
    probes = [
        _sql(Party.objects.filter(arm.collect).values("id")[DENSE_ARM - 1 : DENSE_ARM])
        for arm in arms
        if arm.probed
    ]
    if not probes:
        return []
    select = ", ".join(f"({sql})" for sql, _ in probes)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {select}", [p for _, params in probes for p in params])
        row = cursor.fetchone()
    return [value is not None for value in row]


def _search_ids(qs: QuerySet[Party], q: str, limit: int) -> RawSQL:
    """The ids of the first ``limit`` matches of ``q`` in ``qs`` (in name order), as SQL."""
    ordered, arms = _search_arms(q)
    dense = iter(_dense_arms(arms))
    conditions = [ordered]
    for arm in arms:
        conditions.append(arm.walk if arm.walk is not None and next(dense) else arm.collect)
    parts = [
        _sql(
            qs.alias(phone_reversed=Reverse("phone"))
            .filter(cond)
            .order_by("sort_name", "id")
            .values("id")[:limit]
        )
        for cond in conditions
    ]
    union = " UNION ALL ".join(
        f'SELECT "id" FROM ({sql}) AS arm{i}' for i, (sql, _) in enumerate(parts)
    )
    return RawSQL(union, [p for _, params in parts for p in params])


def party_list(
    *, user: Any, filters: PartyFilters | None = None, cursor: str | None = None, limit: int = 50
) -> Page[Party]:
    """One page of customers ordered by name, after ``cursor``. Never counts the table.

    Without a search this is one walk of the name index. With one, it is a probe of at
    most a few thousand index entries and one statement reading each search arm in name
    order (see the notes above ``DENSE_ARM``), so a page costs about the same whether the
    search matches ten customers or a hundred thousand.
    """
    filters = filters or PartyFilters()
    limit = max(1, min(limit, MAX_PAGE))
    qs = party_queryset(user=user)
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
        qs = qs.filter(keyset_after("sort_name", sort_name, ident, descending=False))
    if fold(filters.q):
        qs = Party.objects.filter(id__in=_search_ids(qs, filters.q, limit + 1))
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
