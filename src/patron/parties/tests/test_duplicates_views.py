"""The duplicate review, compare-and-merge and dismiss pages."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from patron.accounts.models import User
from patron.parties.models import DuplicatePair, Party
from patron.parties.services import party_create
from patron.testing import InteractionFactory

pytestmark = pytest.mark.django_db


def _login(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _pair(manager: User) -> tuple[Party, Party]:
    a = party_create(
        actor=manager, given_name="Ada", family_name="Lovelace", email="ada@example.com"
    )
    b = party_create(
        actor=manager,
        given_name="Ada",
        family_name="King",
        email="ada@example.com",
        phone="020 7946 0001",
    )
    DuplicatePair.objects.create(
        party_a=a,
        party_b=b,
        score=95,
        reasons=[{"key": "email", "value": "ada@example.com", "score": 95}],
        found_at=timezone.now(),
    )
    return a, b


def test_review_lists_pairs_with_their_reasons(manager: User) -> None:
    a, b = _pair(manager)
    response = _login(manager).get("/duplicates/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ada Lovelace" in html and "Ada King" in html
    assert "Same email ada@example.com" in html
    assert f"/duplicates/{a.pk}/{b.pk}/" in html
    assert "Scan for duplicates" in html


def test_review_pages_on_with_htmx(manager: User) -> None:
    parties = [party_create(actor=manager, given_name=f"P{i}", family_name="X") for i in range(104)]
    now = timezone.now()
    DuplicatePair.objects.bulk_create(
        DuplicatePair(party_a=parties[i], party_b=parties[i + 1], score=90, found_at=now)
        for i in range(0, 104, 2)
    )
    client = _login(manager)
    first = client.get("/duplicates/")
    cursor = first.context["page"].next_cursor
    more = client.get("/duplicates/", {"cursor": cursor}, HTTP_HX_REQUEST="true")
    assert more.status_code == 200
    assert "<html" not in more.content.decode()
    assert more.content.decode().count("Compare</a>") == 2
    assert client.get("/duplicates/", {"cursor": "bad"}).status_code == 400


def test_agent_sees_the_list_without_merge_buttons_and_cannot_post(
    agent: User, manager: User
) -> None:
    a, b = _pair(manager)
    client = _login(agent)
    html = client.get("/duplicates/").content.decode()
    assert "Not a duplicate" not in html and "Scan for duplicates" not in html
    assert client.post(f"/duplicates/{a.pk}/{b.pk}/", {}).status_code == 403
    assert client.post(f"/duplicates/{a.pk}/{b.pk}/dismiss/").status_code == 403
    assert client.post("/duplicates/scan/").status_code == 403
    assert DuplicatePair.objects.get().status == "open"


def test_compare_shows_both_sides_and_merges_the_chosen_values(manager: User) -> None:
    # given a pair where the second has a phone and an interaction
    a, b = _pair(manager)
    InteractionFactory(party=b)
    client = _login(manager)
    # when the manager opens the compare page
    page = client.get(f"/duplicates/{a.pk}/{b.pk}/")
    # then both values of the differing field are offered, blanks defaulting to the other
    html = page.content.decode()
    assert page.status_code == 200
    assert 'name="family_name" value="merged"' in html
    assert "+442079460001" in html
    assert "1 interactions" in html
    # when they merge keeping the second family name
    response = client.post(f"/duplicates/{a.pk}/{b.pk}/", {"family_name": "merged"})
    # then they land on the survivor's page and the merge happened
    assert response.status_code == 302
    assert response["Location"] == f"/customers/{a.pk}/"
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.family_name == "King" and a.phone == "+442079460001"
    assert b.merged_into_id == a.pk
    assert DuplicatePair.objects.get().status == "merged"


def test_merging_again_shows_the_error_and_changes_nothing(manager: User) -> None:
    a, b = _pair(manager)
    client = _login(manager)
    client.post(f"/duplicates/{a.pk}/{b.pk}/", {})
    response = client.post(f"/duplicates/{a.pk}/{b.pk}/", {})
    assert response.status_code == 400
    assert "already been merged" in response.content.decode()


def test_a_person_and_an_organisation_cannot_be_merged_from_the_page(manager: User) -> None:
    a = party_create(actor=manager, given_name="Acme", family_name="Person")
    org = party_create(actor=manager, kind="organisation", organisation_name="Acme Ltd")
    client = _login(manager)
    assert "cannot be merged" in client.get(f"/duplicates/{a.pk}/{org.pk}/").content.decode()
    response = client.post(f"/duplicates/{a.pk}/{org.pk}/", {})
    assert response.status_code == 400
    assert Party.objects.filter(merged_into__isnull=False).count() == 0


def test_dismiss_removes_the_pair_from_the_review(manager: User) -> None:
    a, b = _pair(manager)
    client = _login(manager)
    response = client.post(f"/duplicates/{b.pk}/{a.pk}/dismiss/", follow=True)
    assert response.status_code == 200
    assert "marked as different customers" in response.content.decode()
    assert DuplicatePair.objects.get().status == "dismissed"
    assert "Ada King" not in client.get("/duplicates/").content.decode()


def test_scan_from_the_page_fills_the_review(manager: User) -> None:
    party_create(actor=manager, given_name="Bob", family_name="Smith", phone="020 7946 0002")
    party_create(actor=manager, given_name="Rob", family_name="Smith", phone="+442079460002")
    response = _login(manager).post("/duplicates/scan/", follow=True)
    assert "1 possible duplicate pairs" in response.content.decode()
    assert DuplicatePair.objects.filter(status="open").count() == 1


def test_pages_need_a_login_and_unknown_customers_are_404(manager: User) -> None:
    assert Client().get("/duplicates/").status_code == 302
    assert _login(manager).get("/duplicates/999998/999999/").status_code == 404


def test_the_customer_page_shows_possible_duplicates_only_when_there_are_some(
    manager: User,
) -> None:
    a, b = _pair(manager)
    loner = party_create(actor=manager, given_name="Charles", family_name="Babbage")
    client = _login(manager)
    page = client.get(f"/customers/{a.pk}/").content.decode()
    assert "Possible duplicates" in page
    assert f"/duplicates/{a.pk}/{b.pk}/" in page
    assert "Same email ada@example.com" in page
    assert "Possible duplicates" not in client.get(f"/customers/{loner.pk}/").content.decode()
