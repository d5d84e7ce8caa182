"""The customer timeline: one newest-first stream merged from pluggable sources.

Every app that has something to show on a customer's timeline registers a
:class:`TimelineSource` in its ``AppConfig.ready()``; this module never changes when a new
app adds events. A page costs one indexed query per source, whatever the timeline length:
each source returns at most ``limit + 1`` events older than the cursor, and the results are
merged by ``(at, source rank, id)``.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.db.models import Q

from patron.core.pagination import Page, decode_cursor, encode_cursor


@dataclass(frozen=True, slots=True)
class TimelineCursor:
    at: dt.datetime
    rank: int
    id: int


@dataclass(frozen=True, slots=True)
class TimelineEvent:
    """One entry on a customer's timeline, in the words a user reads."""

    at: dt.datetime
    source: str
    id: int
    kind: str
    title: str
    summary: str = ""
    direct: bool = False
    icon: str = "dot"
    actor: str = ""
    department: str = ""
    amount: str = ""
    url: str = ""
    private: bool = False
    data: dict[str, Any] = field(default_factory=dict)


class TimelineSource(Protocol):
    """What an app implements to put its records on the timeline."""

    #: stable name, e.g. "interactions.interaction"; used in cursors and filters
    name: str
    #: human label for the filter menu, e.g. "Interactions"
    label: str

    def events(
        self, *, party_id: int, user: Any, before: TimelineCursor | None, rank: int, limit: int
    ) -> Iterable[TimelineEvent]:
        """At most ``limit`` events of this party older than ``before``, newest first.

        The source applies the user's permissions. "Older than the cursor" means
        ``(at, rank, id) < (before.at, before.rank, before.id)``; :func:`keyset_q`
        builds that condition.
        """
        ...


_sources: dict[str, TimelineSource] = {}


def register(source: TimelineSource) -> None:
    if source.name in _sources and _sources[source.name] is not source:
        raise ValueError(f"timeline source {source.name!r} registered twice")
    _sources[source.name] = source


def sources() -> list[TimelineSource]:
    """Registered sources in a stable order; the rank of a source is its index here."""
    return [_sources[name] for name in sorted(_sources)]


def keyset_q(before: TimelineCursor | None, rank: int, at_field: str, id_field: str = "id") -> Q:
    """A Q object selecting rows strictly older than the cursor for a source of ``rank``."""
    if before is None:
        return Q()
    if rank < before.rank:
        # earlier in the merge order: every row at the cursor's instant is older too
        return Q(**{f"{at_field}__lte": before.at})
    if rank == before.rank:
        # ``<=`` first so the index range starts at the cursor instead of the newest row.
        return Q(**{f"{at_field}__lte": before.at}) & (
            Q(**{f"{at_field}__lt": before.at}) | Q(**{f"{id_field}__lt": before.id})
        )
    return Q(**{f"{at_field}__lt": before.at})


def encode(cursor: TimelineCursor) -> str:
    return encode_cursor([cursor.at, cursor.rank, cursor.id])


def decode(raw: str) -> TimelineCursor:
    at, rank, ident = decode_cursor(raw, [dt.datetime, int, int])
    return TimelineCursor(at=at, rank=rank, id=ident)


def party_timeline(
    *,
    party_id: int,
    user: Any,
    cursor: str | None = None,
    limit: int = 30,
    only: Iterable[str] | None = None,
) -> Page[TimelineEvent]:
    """One page of a party's timeline, newest first, with the cursor of the next page."""
    limit = max(1, min(limit, 200))
    before = decode(cursor) if cursor else None
    wanted = set(only) if only else None
    streams = []
    for rank, source in enumerate(sources()):
        if wanted is not None and source.name not in wanted:
            continue
        events = list(
            source.events(party_id=party_id, user=user, before=before, rank=rank, limit=limit + 1)
        )
        streams.append([((e.at, rank, e.id), e) for e in events])
    merged = heapq.merge(*streams, key=lambda pair: pair[0], reverse=True)
    page: list[tuple[tuple[dt.datetime, int, int], TimelineEvent]] = []
    for pair in merged:
        page.append(pair)
        if len(page) > limit:
            break
    next_cursor = None
    if len(page) > limit:
        page = page[:limit]
        at, rank, ident = page[-1][0]
        next_cursor = encode(TimelineCursor(at=at, rank=rank, id=ident))
    return Page(items=[e for _, e in page], next_cursor=next_cursor)


class ModelSource:
    """A timeline source backed by one model with ``party`` and a timestamp column.

    Subclasses set ``model``, ``at_field``, ``name``, ``label`` and implement
    :meth:`to_event`; override :meth:`visible` to apply permissions and
    :meth:`queryset` to add ``select_related``.
    """

    model: Any
    at_field: str
    name: str
    label: str
    party_field: str = "party_id"

    def queryset(self) -> Any:
        return self.model.objects.all()

    def visible(self, qs: Any, user: Any) -> Any:
        return qs

    def to_event(self, obj: Any) -> TimelineEvent:  # pragma: no cover - abstract
        raise NotImplementedError

    def events(
        self, *, party_id: int, user: Any, before: TimelineCursor | None, rank: int, limit: int
    ) -> Iterable[TimelineEvent]:
        qs = self.visible(self.queryset(), user).filter(**{self.party_field: party_id})
        qs = qs.filter(keyset_q(before, rank, self.at_field)).order_by(f"-{self.at_field}", "-id")
        return [self.to_event(obj) for obj in qs[:limit]]
