"""The parties endpoints: scoped reads, service-backed writes, strict input."""

from __future__ import annotations

import pytest

from patron.core.models import AuditEntry
from patron.parties.models import ContactPoint, Party, PartyTag, Preference
from patron.testing import OrganisationFactory, PartyFactory

pytestmark = pytest.mark.django_db

PARTIES = "/api/v1/parties"


def _fields(response) -> dict[str, str]:
    return {e["field"]: e["message"] for e in response.json()["errors"]}


def test_agent_creates_a_person_with_contact_points_and_tags(client_for, agent):
    response = client_for(agent).post_json(
        PARTIES,
        {
            "given_name": "Zoë",
            "family_name": "Åberg",
            "email": "Zoe@Example.com",
            "phone": "07911 123456",
            "city": "Leeds",
            "postcode": "ls1 1aa",
            "country": "GB",
            "tags": ["VIP"],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["display_name"] == "Zoë Åberg"
    assert body["email"] == "zoe@example.com"
    assert body["phone"] == "+447911123456"
    assert body["tags"] == ["vip"]
    assert {cp["kind"] for cp in body["contact_points"]} == {"email", "phone", "postal"}
    assert AuditEntry.objects.filter(object_type="parties.party", action="create").count() == 1


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"family_name": 42}, "family_name", "valid string"),
        ({"family_name": "x", "favourite_colour": "red"}, "favourite_colour", "not a field"),
        ({"family_name": "x", "id": 99}, "id", "read-only"),
        ({"family_name": "x", "display_name": "Boss"}, "display_name", "read-only"),
        ({"family_name": "x", "created_at": "2020-01-01T00:00:00Z"}, "created_at", "read-only"),
        ({"family_name": "x" * 101}, "family_name", "at most 100"),
        ({"family_name": "x", "kind": "robot"}, "kind", "person"),
        ({"family_name": "x", "date_of_birth": "yesterday"}, "date_of_birth", "ISO 8601"),
        ({"family_name": "x", "date_of_birth": "2001-02-30"}, "date_of_birth", "date"),
        ({"family_name": "x", "email": "not-an-email"}, "email", ""),
        ({"family_name": "x", "owner_id": 999999}, "owner_id", "no active staff"),
        ({"kind": "organisation"}, "organisation_name", "needs a name"),
    ],
)
def test_bad_party_payload_is_rejected_with_a_field_error_and_writes_nothing(
    client_for, agent, payload, field, message
):
    response = client_for(agent).post_json(PARTIES, payload)
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 400 and body["title"]
    assert message in _fields(response)[field]
    assert not Party.objects.exists()
    assert not AuditEntry.objects.filter(object_type="parties.party").exists()


def test_body_that_is_not_json_is_a_400_problem(client_for, agent):
    response = client_for(agent).post(PARTIES, data="{nope", content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert not Party.objects.exists()


def test_read_only_user_may_not_create_or_change_a_party(client_for, reader):
    party = PartyFactory(family_name="Smith")
    client = client_for(reader)
    created = client.post_json(PARTIES, {"family_name": "Jones"})
    changed = client.patch_json(f"{PARTIES}/{party.id}", {"family_name": "Jones"})
    assert created.status_code == 403 and changed.status_code == 403
    assert "may not" in created.json()["detail"]
    assert Party.objects.get().family_name == "Smith"


def test_patch_changes_only_the_fields_sent(client_for, agent):
    party = PartyFactory(given_name="Ann", family_name="Lee", acquisition_channel="web")
    response = client_for(agent).patch_json(f"{PARTIES}/{party.id}", {"family_name": "Leigh"})
    assert response.status_code == 200, response.content
    party.refresh_from_db()
    assert (party.given_name, party.family_name, party.display_name) == (
        "Ann",
        "Leigh",
        "Ann Leigh",
    )
    assert party.acquisition_channel == "web"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"email": "a@b.com"}, "email"),
        ({"display_name": "X"}, "display_name"),
        ({"given_name": None}, "given_name"),
        ({"given_name": "x" * 101}, "given_name"),
        ({"nickname": "Bob"}, "nickname"),
    ],
)
def test_bad_patch_is_rejected_and_changes_nothing(client_for, agent, payload, field):
    party = PartyFactory(given_name="Ann", family_name="Lee")
    response = client_for(agent).patch_json(f"{PARTIES}/{party.id}", payload)
    assert response.status_code == 400, response.content
    assert field in _fields(response)
    party.refresh_from_db()
    assert (party.given_name, party.email) == ("Ann", "")


def test_list_searches_filters_and_pages_by_cursor(client_for, agent):
    for name in ["Adams", "Baker", "Bakewell", "Carter"]:
        PartyFactory(given_name="Jo", family_name=name, acquisition_channel="store")
    PartyFactory(given_name="Jo", family_name="Bakeman", acquisition_channel="web")
    client = client_for(agent)
    first = client.get(PARTIES, {"q": "bake", "channel": "store", "limit": 1}).json()
    second = client.get(
        PARTIES, {"q": "bake", "channel": "store", "limit": 1, "cursor": first["next_cursor"]}
    ).json()
    assert [p["display_name"] for p in first["items"]] == ["Jo Baker"]
    assert [p["display_name"] for p in second["items"]] == ["Jo Bakewell"]
    assert second["next_cursor"] is None


@pytest.mark.parametrize("cursor", ["garbage", "W10", "eyJ4IjoxfQ"])
def test_bad_cursor_is_a_400_problem(client_for, agent, cursor):
    response = client_for(agent).get(PARTIES, {"cursor": cursor})
    assert response.status_code == 400
    assert "cursor" in _fields(response)


def test_bad_query_parameter_types_are_400(client_for, agent):
    response = client_for(agent).get(PARTIES, {"limit": "lots", "owner": "x"})
    assert response.status_code == 400
    assert set(_fields(response)) == {"limit", "owner"}


def test_unknown_party_is_404_problem(client_for, agent):
    response = client_for(agent).get(f"{PARTIES}/987654")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_contact_points_add_make_primary_and_delete(client_for, agent):
    party = PartyFactory()
    client = client_for(agent)
    first = client.post_json(
        f"{PARTIES}/{party.id}/contact-points", {"kind": "email", "value": "a@example.com"}
    ).json()
    second = client.post_json(
        f"{PARTIES}/{party.id}/contact-points",
        {"kind": "email", "value": "b@example.com", "label": "work"},
    ).json()
    assert first["is_primary"] and not second["is_primary"]
    made = client.post(f"{PARTIES}/{party.id}/contact-points/{second['id']}/make-primary")
    assert made.status_code == 200 and made.json()["is_primary"]
    party.refresh_from_db()
    assert party.email == "b@example.com"
    deleted = client.delete(f"{PARTIES}/{party.id}/contact-points/{second['id']}")
    assert deleted.status_code == 204
    listed = client.get(f"{PARTIES}/{party.id}/contact-points").json()
    assert [(cp["value"], cp["is_primary"]) for cp in listed] == [("a@example.com", True)]


def test_contact_point_of_another_party_is_404(client_for, agent):
    mine, other = PartyFactory(), PartyFactory()
    point = ContactPoint.objects.create(party=other, kind="email", value="x@example.com")
    response = client_for(agent).delete(f"{PARTIES}/{mine.id}/contact-points/{point.id}")
    assert response.status_code == 404
    assert ContactPoint.objects.filter(pk=point.pk).exists()


def test_bad_contact_point_is_rejected_and_writes_nothing(client_for, agent):
    party = PartyFactory()
    client = client_for(agent)
    bad_phone = client.post_json(
        f"{PARTIES}/{party.id}/contact-points", {"kind": "phone", "value": "12"}
    )
    bad_kind = client.post_json(f"{PARTIES}/{party.id}/contact-points", {"kind": "fax"})
    assert bad_phone.status_code == 400 and "value" in _fields(bad_phone)
    assert bad_kind.status_code == 400 and "kind" in _fields(bad_kind)
    assert not ContactPoint.objects.exists()


def test_relationship_links_a_person_to_an_organisation(client_for, agent):
    person, org = PartyFactory(), OrganisationFactory()
    client = client_for(agent)
    response = client.post_json(
        f"{PARTIES}/{person.id}/relationships",
        {"organisation_id": org.id, "role": "decision_maker", "title": "CTO"},
    )
    assert response.status_code == 201, response.content
    listed = client.get(f"{PARTIES}/{org.id}/relationships").json()
    assert [(r["person_id"], r["role"], r["title"]) for r in listed] == [
        (person.id, "decision_maker", "CTO")
    ]


def test_relationship_to_an_unknown_party_is_a_field_error(client_for, agent):
    person = PartyFactory()
    response = client_for(agent).post_json(
        f"{PARTIES}/{person.id}/relationships", {"organisation_id": 424242}
    )
    assert response.status_code == 400
    assert "organisation_id" in _fields(response)


def test_tags_are_replaced_and_preferences_recorded(client_for, agent):
    party = PartyFactory()
    client = client_for(agent)
    tags = client.put_json(f"{PARTIES}/{party.id}/tags", {"tags": ["Gold", "newsletter"]})
    assert tags.json() == {"tags": ["gold", "newsletter"]}
    too_long = client.put_json(f"{PARTIES}/{party.id}/tags", {"tags": ["x" * 60]})
    assert too_long.status_code == 400
    assert PartyTag.objects.filter(party=party).count() == 2
    pref = client.post_json(
        f"{PARTIES}/{party.id}/preferences", {"kind": "motive", "motive": "quality", "strength": 4}
    )
    bad = client.post_json(f"{PARTIES}/{party.id}/preferences", {"kind": "motive", "strength": 9})
    assert pref.status_code == 201 and bad.status_code == 400
    assert [p["motive"] for p in client.get(f"{PARTIES}/{party.id}/preferences").json()] == [
        "quality"
    ]
    assert Preference.objects.count() == 1


@pytest.mark.parametrize("path", ["abc", "null,null", "1.5"])
def test_a_path_id_that_is_not_a_number_is_a_400_problem(client_for, agent, path):
    response = client_for(agent).get(f"{PARTIES}/{path}")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert "party_id" in _fields(response)


def test_an_id_beyond_64_bits_is_a_problem_not_a_crash(client_for, agent):
    client = client_for(agent)
    in_path = client.get(f"{PARTIES}/{2**70}")
    in_query = client.get(PARTIES, {"owner": 2**70})
    assert in_path.status_code == 404
    assert in_query.status_code == 400 and "owner" in _fields(in_query)
