"""Finding likely duplicates, storing them for review, and dismissing them."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from patron.accounts.models import User
from patron.accounts.permissions import PermissionDenied
from patron.core.models import AuditEntry
from patron.core.pagination import InvalidCursor
from patron.parties.duplicates import (
    MAX_EXACT_BLOCK,
    duplicate_candidates,
    find_candidates,
    merge_comparison,
)
from patron.parties.models import DuplicatePair, Party
from patron.parties.selectors import party_get
from patron.parties.services import (
    contact_point_add,
    duplicate_dismiss,
    duplicates_scan,
    party_create,
    party_merge,
)

pytestmark = pytest.mark.django_db


def _person(actor: User, given: str = "Ada", family: str = "Lovelace", **kw: object) -> Party:
    return party_create(actor=actor, given_name=given, family_name=family, **kw)  # type: ignore[arg-type]


def test_same_email_on_a_secondary_contact_point_is_a_candidate(manager: User) -> None:
    # given one party's primary email is another party's second address
    a = _person(manager, email="ada@example.com")
    b = _person(manager, "Augusta", "King", email="augusta@example.com")
    contact_point_add(party=b, actor=manager, kind="email", value="ADA@example.com")
    _person(manager, "Bob", "Smith", email="bob@example.com")
    # when candidates are found
    found = find_candidates().candidates
    # then exactly that pair is offered, for the email
    assert set(found) == {(a.pk, b.pk)}
    reasons = found[(a.pk, b.pk)].reasons
    assert reasons == [{"key": "email", "value": "ada@example.com", "score": 95}]


def test_same_phone_in_any_format_is_a_candidate(manager: User) -> None:
    a = _person(manager, phone="020 7946 0001")
    b = _person(manager, "Bob", "Smith", phone="+44 (0)20 7946 0001")
    found = find_candidates().candidates
    assert set(found) == {(a.pk, b.pk)}
    assert found[(a.pk, b.pk)].reasons[0]["key"] == "phone"


def test_similar_names_at_the_same_postcode_are_candidates(manager: User) -> None:
    # given a reversed, accented name at the same postcode, and the same name elsewhere
    a = _person(manager, "Zoë", "Brontë", postcode="LS1 4AP")
    b = _person(manager, "Bronte", "Zoe", postcode="ls1  4ap")
    _person(manager, "Zoë", "Brontë", postcode="M1 1AE")
    _person(manager, "Charles", "Babbage", postcode="LS1 4AP")
    # when candidates are found
    found = find_candidates().candidates
    # then only the pair at the same postcode matches, by name
    assert set(found) == {(a.pk, b.pk)}
    reason = found[(a.pk, b.pk)].reasons[0]
    assert reason["key"] == "name_postcode"
    assert reason["value"] == "LS1 4AP"
    assert reason["score"] == 100


def test_the_name_threshold_is_a_setting(manager: User, settings: object) -> None:
    _person(manager, "Jon", "Smith", postcode="LS1 4AP")
    _person(manager, "John", "Smith", postcode="LS1 4AP")
    settings.DUPLICATE_NAME_THRESHOLD = 99  # type: ignore[attr-defined]
    assert find_candidates().candidates == {}
    settings.DUPLICATE_NAME_THRESHOLD = 85  # type: ignore[attr-defined]
    assert len(find_candidates().candidates) == 1


def test_a_person_and_an_organisation_are_never_name_matched(manager: User) -> None:
    _person(manager, "Acme", "Ltd", postcode="LS1 4AP")
    party_create(
        actor=manager, kind="organisation", organisation_name="Acme Ltd", postcode="LS1 4AP"
    )
    assert find_candidates().candidates == {}


def test_several_reasons_raise_the_score(manager: User) -> None:
    a = _person(manager, email="ada@example.com", phone="020 7946 0001", postcode="LS1 4AP")
    b = _person(manager, email="ada@example.com", phone="020 7946 0001", postcode="LS1 4AP")
    found = find_candidates().candidates[(a.pk, b.pk)]
    assert {r["key"] for r in found.reasons} == {"email", "phone", "name_postcode"}
    assert found.score == 100


def test_a_key_shared_by_very_many_parties_is_skipped(manager: User) -> None:
    for i in range(MAX_EXACT_BLOCK + 1):
        _person(manager, f"Person{i}", f"Number{i}", email="info@example.com")
    result = find_candidates()
    assert result.candidates == {}
    assert result.skipped_blocks == 1


def test_merged_parties_are_not_candidates(manager: User) -> None:
    b = _person(manager, "Bob", "Smith", email="bob@example.com")
    c = _person(manager, "Bob", "Smith", email="bob@example.com")
    party_merge(survivor=b, merged=c, actor=manager)
    assert find_candidates().candidates == {}


def test_scan_stores_pairs_keeps_dismissals_and_drops_stale_pairs(manager: User) -> None:
    # given two duplicate pairs
    a = _person(manager, email="ada@example.com")
    b = _person(manager, email="ada@example.com")
    c = _person(manager, "Bob", "Smith", email="bob@example.com")
    d = _person(manager, "Bob", "Smith", email="bob@example.com")
    # when scanned, one pair dismissed, and scanned again
    assert duplicates_scan(actor=manager)["candidates"] == 2
    duplicate_dismiss(party_a=d, party_b=c, actor=manager)
    duplicates_scan(actor=manager)
    # then the dismissed pair stays dismissed and only the other is open
    page = duplicate_candidates(user=manager)
    assert [(p.party_a_id, p.party_b_id) for p in page.items] == [(a.pk, b.pk)]
    assert DuplicatePair.objects.get(party_a=c, party_b=d).status == "dismissed"
    # when the remaining pair no longer matches and the scan runs again
    Party.objects.filter(pk=b.pk).update(email="")
    b.contact_points.all().delete()
    result = duplicates_scan(actor=manager)
    # then its open pair is removed
    assert result["removed"] == 1
    assert duplicate_candidates(user=manager).items == []


def test_only_managers_may_scan_or_dismiss(agent: User, manager: User) -> None:
    a, b = _person(manager), _person(manager)
    with pytest.raises(PermissionDenied):
        duplicates_scan(actor=agent)
    with pytest.raises(PermissionDenied):
        duplicate_dismiss(party_a=a, party_b=b, actor=agent)
    assert not DuplicatePair.objects.exists()


def test_dismissal_is_audited_and_refuses_a_party_with_itself(manager: User) -> None:
    a, b = _person(manager), _person(manager)
    pair = duplicate_dismiss(party_a=b, party_b=a, actor=manager)
    assert (pair.party_a_id, pair.party_b_id) == (a.pk, b.pk)
    entry = AuditEntry.objects.get(object_type="parties.duplicatepair")
    assert entry.after["status"] == "dismissed"
    with pytest.raises(ValidationError):
        duplicate_dismiss(party_a=a, party_b=a, actor=manager)


def test_candidates_page_by_score_with_a_keyset_cursor(manager: User, reader: User) -> None:
    # given five stored pairs with falling scores
    parties = [_person(manager, f"P{i}", "X") for i in range(10)]
    now = timezone.now()
    for i in range(5):
        DuplicatePair.objects.create(
            party_a=parties[2 * i],
            party_b=parties[2 * i + 1],
            score=99 - i,
            reasons=[],
            found_at=now,
        )
    # when read two at a time by a read-only user
    first = duplicate_candidates(user=reader, limit=2)
    second = duplicate_candidates(user=reader, limit=2, cursor=first.next_cursor)
    third = duplicate_candidates(user=reader, limit=2, cursor=second.next_cursor)
    # then the pages follow on, best first, and the last has no cursor
    scores = [p.score for page in (first, second, third) for p in page.items]
    assert scores == [99, 98, 97, 96, 95]
    assert third.next_cursor is None
    with pytest.raises(InvalidCursor):
        duplicate_candidates(user=reader, cursor="garbage")


def test_candidates_page_costs_one_query_whatever_its_size(manager: User) -> None:
    parties = [_person(manager, f"P{i}", "X") for i in range(40)]
    now = timezone.now()
    for i in range(20):
        DuplicatePair.objects.create(
            party_a=parties[2 * i], party_b=parties[2 * i + 1], score=90, found_at=now
        )
    manager = User.objects.get(pk=manager.pk)
    duplicate_candidates(user=manager, limit=1)
    with CaptureQueriesContext(connection) as small:
        duplicate_candidates(user=manager, limit=2)
    with CaptureQueriesContext(connection) as large:
        page = duplicate_candidates(user=manager, limit=20)
        _ = [(p.party_a.display_name, p.party_b.display_name) for p in page.items]
    assert len(large.captured_queries) == len(small.captured_queries) == 1


def test_comparison_defaults_to_the_survivor_and_fills_blanks(manager: User) -> None:
    survivor = _person(manager, email="ada@example.com")
    merged = _person(manager, email="ada2@example.com", phone="020 7946 0001")
    rows = {
        r.name: r
        for r in merge_comparison(
            survivor=party_get(user=manager, party_id=survivor.pk),  # type: ignore[arg-type]
            merged=party_get(user=manager, party_id=merged.pk),  # type: ignore[arg-type]
        )
    }
    assert rows["email"].default == "survivor" and rows["email"].differs
    assert rows["phone"].default == "merged"
    assert rows["phone"].merged == "+442079460001"
    assert not rows["given_name"].differs
