"""Finding parties that are probably the same customer, and reading the review list.

Detection never compares every party with every other (a million parties would be half a
trillion pairs). It works in *blocks* of parties that share a key:

* the same normalised email or the same E.164 phone, on the party's mirror columns or on
  any of its contact points: one ``GROUP BY`` in the database finds the keys held by more
  than one party, and only those parties are read;
* the same postcode (of the primary address) and the same kind: within each
  such block names are compared with rapidfuzz's ``token_sort_ratio`` on the folded name
  (``process.cdist``, vectorised, all cores), and pairs at or above
  ``settings.DUPLICATE_NAME_THRESHOLD`` are kept.

The writes (storing a scan, merging, dismissing) are services in ``parties.services``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.conf import settings
from django.db import connection
from django.db.models import Q, QuerySet
from rapidfuzz import fuzz, process

from patron.accounts.permissions import can_view_customers
from patron.core.pagination import Page, decode_cursor, encode_cursor, keyset_after
from patron.parties.models import ContactPoint, DuplicatePair, Party

#: Score given to a pair that shares an email address or a phone number.
EXACT_SCORES = {"email": 95, "phone": 90}
#: Each further reason a pair shares adds this much, up to 100.
EXTRA_REASON_BONUS = 5
#: A key held by more parties than this (``info@``, a switchboard number, a shared postcode
#: of a large building) says little about any two of them; such blocks are skipped and
#: counted in the scan result.
MAX_EXACT_BLOCK = 50
#: Rows of one postcode block compared at a time, so that memory stays bounded
#: (``chunk × block`` bytes) whatever the block size.
NAME_CHUNK = 2000
#: Blocks up to this size are compared pair by pair: cheaper than setting up a matrix.
SMALL_BLOCK = 8
#: Blocks larger than this are compared on all cores; starting threads costs more than
#: comparing a handful of names.
PARALLEL_BLOCK = 500
MAX_PAGE = 200


def name_threshold() -> int:
    """The least ``token_sort_ratio`` (0–100) at which two names count as similar."""
    return int(getattr(settings, "DUPLICATE_NAME_THRESHOLD", 90))


@dataclass
class Candidate:
    """A pair of live parties (lower id first), its score and every reason found."""

    party_a: int
    party_b: int
    reasons: list[dict[str, Any]] = field(default_factory=list)

    @property
    def score(self) -> int:
        if not self.reasons:
            return 0
        best = max(int(r["score"]) for r in self.reasons)
        kinds = {r["key"] for r in self.reasons}
        return min(100, best + EXTRA_REASON_BONUS * (len(kinds) - 1))


@dataclass
class ScanResult:
    candidates: dict[tuple[int, int], Candidate]
    skipped_blocks: int = 0
    compared_names: int = 0


def _shared_key_sql(kind: str) -> tuple[str, list[Any]]:
    """SQL for ``(key, party id, kind, folded name)`` of parties sharing a key, by key.

    First the keys held more than once are found by ``GROUP BY`` over the indexes alone
    (``party.email``/``phone``/``postcode`` and ``contactpoint (kind, value)``), which
    never touches a table row; only the rows holding those few keys are then read. A key
    counted twice because one party holds it both as mirror column and contact point is
    dropped later, when a block turns out to hold a single party. Exact keys need no name,
    so they never read the party table; a merged party holds no keys (its contact points
    moved to the survivor, its mirror columns were cleared) and the review list hides any
    pair with a merged party anyway. Names are compared by the party's own postcode (the
    mirror of its primary address).
    """
    party = Party._meta.db_table
    point = ContactPoint._meta.db_table
    shared = (
        f"SELECT {kind} AS k FROM {party} WHERE {kind} <> '' GROUP BY {kind} HAVING COUNT(*) > 1"
    )
    if kind == "postcode":
        sql = (
            f"WITH shared AS ({shared}) "
            f"SELECT postcode, id, kind, search_name FROM {party} "
            f"WHERE postcode IN (SELECT k FROM shared) AND merged_into_id IS NULL "
            f"ORDER BY postcode, id"
        )
        return sql, []
    shared += (
        f" UNION SELECT value FROM {point} WHERE kind = %s AND value <> '' "
        f"GROUP BY value HAVING COUNT(*) > 1"
    )
    sql = (
        f"WITH shared AS ({shared}) "
        f"SELECT {kind} AS k, id AS pid, '', '' FROM {party} "
        f"WHERE {kind} IN (SELECT k FROM shared) "
        f"UNION SELECT value, party_id, '', '' FROM {point} "
        f"WHERE kind = %s AND value IN (SELECT k FROM shared) "
        f"ORDER BY 1, 2"
    )
    return sql, [kind, kind]


def _shared_key_rows(kind: str) -> Iterator[tuple[str, int, str, str]]:
    """``(key, party id, kind, folded name)`` of parties sharing a key, ordered by key."""
    sql, params = _shared_key_sql(kind)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while True:
            rows = cursor.fetchmany(5000)
            if not rows:
                return
            for key, pid, party_kind, name in rows:
                yield str(key), int(pid), str(party_kind), str(name or "")


def _blocks(kind: str) -> Iterator[tuple[str, list[tuple[int, str, str]]]]:
    """Group the shared-key rows into ``(key, [(party id, kind, name), ...])`` blocks."""
    current: str | None = None
    members: list[tuple[int, str, str]] = []
    for key, pid, party_kind, name in _shared_key_rows(kind):
        if key != current:
            if current is not None and len(members) > 1:
                yield current, members
            current, members = key, []
        members.append((pid, party_kind, name))
    if current is not None and len(members) > 1:
        yield current, members


def _add(found: dict[tuple[int, int], Candidate], a: int, b: int, reason: dict[str, Any]) -> None:
    pair = (a, b) if a < b else (b, a)
    candidate = found.get(pair)
    if candidate is None:
        candidate = found[pair] = Candidate(*pair)
    if not any(r["key"] == reason["key"] for r in candidate.reasons):
        candidate.reasons.append(reason)


def _similar_names(
    members: list[tuple[int, str, str]], threshold: int
) -> Iterator[tuple[int, int, int]]:
    """``(id, id, score)`` for every pair of same-kind members with similar names."""
    by_kind: dict[str, list[tuple[int, str]]] = {}
    for pid, party_kind, name in members:
        if name:
            by_kind.setdefault(party_kind, []).append((pid, name))
    for group in by_kind.values():
        if len(group) < 2:
            continue
        ids = [pid for pid, _ in group]
        names = [name for _, name in group]
        if len(names) <= SMALL_BLOCK:
            for i in range(len(names)):
                for j in range(i + 1, len(names)):
                    score = fuzz.token_sort_ratio(names[i], names[j], score_cutoff=threshold)
                    if score:
                        yield ids[i], ids[j], int(score)
            continue
        for start in range(0, len(names), NAME_CHUNK):
            scores = process.cdist(
                names[start : start + NAME_CHUNK],
                names,
                scorer=fuzz.token_sort_ratio,
                score_cutoff=threshold,
                dtype=np.uint8,
                workers=-1 if len(names) > PARALLEL_BLOCK else 1,
            )
            rows, cols = np.nonzero(scores)
            for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
                i = start + r
                if c > i:
                    yield ids[i], ids[c], int(scores[r, c])


def find_candidates(*, threshold: int | None = None) -> ScanResult:
    """Every likely duplicate pair among live parties, with its reasons."""
    threshold = name_threshold() if threshold is None else threshold
    result = ScanResult(candidates={})
    for kind in ("email", "phone"):
        for key, members in _blocks(kind):
            if len(members) > MAX_EXACT_BLOCK:
                result.skipped_blocks += 1
                continue
            ids = [pid for pid, _, _ in members]
            for i, a in enumerate(ids):
                for b in ids[i + 1 :]:
                    _add(
                        result.candidates,
                        a,
                        b,
                        {"key": kind, "value": key, "score": EXACT_SCORES[kind]},
                    )
    for key, members in _blocks("postcode"):
        result.compared_names += len(members)
        for a, b, score in _similar_names(members, threshold):
            _add(
                result.candidates,
                a,
                b,
                {"key": "name_postcode", "value": key, "score": score},
            )
    return result


# --- the review list ---------------------------------------------------------------------


def duplicate_queryset(*, user: Any) -> QuerySet[DuplicatePair]:
    """Open pairs whose two parties are both still live, for users who may see customers."""
    if not can_view_customers(user):
        return DuplicatePair.objects.none()
    return DuplicatePair.objects.filter(
        status=DuplicatePair.Status.OPEN,
        party_a__merged_into__isnull=True,
        party_b__merged_into__isnull=True,
    )


def duplicate_candidates(
    *, user: Any, limit: int = 50, cursor: str | None = None, party_id: int | None = None
) -> Page[DuplicatePair]:
    """One page of pairs to review, most likely first (score, then id), keyset-paginated."""
    limit = max(1, min(limit, MAX_PAGE))
    qs = duplicate_queryset(user=user).select_related("party_a", "party_b")
    if party_id is not None:
        qs = qs.filter(Q(party_a_id=party_id) | Q(party_b_id=party_id))
    if cursor:
        score, ident = decode_cursor(cursor, [int, int])
        qs = qs.filter(keyset_after("score", score, ident, descending=True, id_descending=False))
    rows = list(qs.order_by("-score", "id")[: limit + 1])
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = encode_cursor([rows[-1].score, rows[-1].id])
    return Page(items=rows, next_cursor=next_cursor)


def duplicate_pair_for(*, user: Any, first_id: int, second_id: int) -> DuplicatePair | None:
    """The stored pair of these two parties in any status, or None."""
    if not can_view_customers(user) or first_id == second_id:
        return None
    a, b = sorted((first_id, second_id))
    return DuplicatePair.objects.filter(party_a_id=a, party_b_id=b).first()


def party_for_merge(*, user: Any, party_id: int) -> Party | None:
    """A party by id for the merge screens, including tombstones (so the merge can say
    "already merged" rather than "not found"), with what the comparison shows prefetched."""
    if not can_view_customers(user):
        return None
    return (
        Party.objects.select_related("owner")
        .prefetch_related("contact_points")
        .filter(pk=party_id)
        .first()
    )


# --- the side-by-side comparison ---------------------------------------------------------


@dataclass(frozen=True)
class FieldComparison:
    """One field of the compare page: both values and which one a merge keeps by default."""

    name: str
    label: str
    survivor: str
    merged: str
    default: str  # "survivor" or "merged"

    @property
    def differs(self) -> bool:
        return self.survivor != self.merged


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    return str(value)


def _primary_text(party: Party, kind: str) -> str:
    point = next(
        (cp for cp in party.contact_points.all() if cp.kind == kind and cp.is_primary), None
    )
    return str(point) if point is not None else ""


def merge_comparison(*, survivor: Party, merged: Party) -> list[FieldComparison]:
    """The fields a manager chooses between when merging ``merged`` into ``survivor``.

    The default is the survivor's value, or the merged party's when the survivor's is
    blank, which is exactly what ``party_merge`` does without explicit choices.
    """
    rows: list[FieldComparison] = []
    names = (
        [("given_name", "Given name"), ("family_name", "Family name")]
        if survivor.is_person
        else [("organisation_name", "Organisation name")]
    )
    simple = [
        *names,
        ("date_of_birth", "Date of birth"),
        ("acquisition_channel", "Acquisition channel"),
        ("acquired_at", "Acquired"),
        ("owner_id", "Owner"),
    ]
    for name, label in simple:
        if name == "owner_id":
            s_val, m_val = _text(survivor.owner), _text(merged.owner)
        elif name == "acquisition_channel":
            s_val = survivor.get_acquisition_channel_display()
            m_val = merged.get_acquisition_channel_display()
        else:
            s_val, m_val = _text(getattr(survivor, name)), _text(getattr(merged, name))
        default = "merged" if not s_val and m_val else "survivor"
        rows.append(FieldComparison(name, label, s_val, m_val, default))
    for name, label, kind in [
        ("email", "Primary email", ContactPoint.Kind.EMAIL),
        ("phone", "Primary phone", ContactPoint.Kind.PHONE),
        ("address", "Primary address", ContactPoint.Kind.POSTAL),
    ]:
        s_val, m_val = _primary_text(survivor, kind), _primary_text(merged, kind)
        default = "merged" if not s_val and m_val else "survivor"
        rows.append(FieldComparison(name, label, s_val, m_val, default))
    return rows


def related_counts(*, party: Party) -> list[tuple[str, int]]:
    """How many rows of each kind refer to ``party``: the history a merge moves.

    Found through the model registry, so the rows of apps added later are counted too.
    """
    counts: dict[str, int] = {}
    for rel in party_references():
        n = rel.related_model._base_manager.filter(**{rel.field.name: party}).count()
        if n:
            label = str(rel.related_model._meta.verbose_name_plural)
            if rel.related_model is Party:
                label = "merged parties"
            counts[label] = counts.get(label, 0) + n
    return sorted(counts.items())


def party_references() -> list[Any]:
    """Every foreign key or one-to-one pointing at Party, including hidden ones.

    ``Party._meta.related_objects`` leaves out relations declared with
    ``related_name="+"`` (``OrderLine.party``), so the full field list is used. Duplicate
    pairs are not history and are handled by the merge itself.
    """
    return [
        f
        for f in Party._meta.get_fields(include_hidden=True)
        if f.auto_created
        and not f.concrete
        and (f.one_to_many or f.one_to_one)
        and f.related_model is not DuplicatePair
    ]
