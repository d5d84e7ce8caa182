"""/api/v1/duplicates: list, merge, dismiss and scan through real token auth."""

from __future__ import annotations

import pytest
from django.test import Client

from patron.accounts.models import User
from patron.accounts.services import api_token_create
from patron.core.models import AuditEntry
from patron.parties.models import DuplicatePair, Party
from patron.parties.services import party_create
from patron.testing import OrderFactory

pytestmark = pytest.mark.django_db

BASE = "/api/v1/duplicates"


def _client(user: User) -> Client:
    _, raw = api_token_create(user=user, name="tests")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def _post(client: Client, path: str, data: object) -> object:
    return client.post(path, data=data, content_type="application/json")


def _twins(manager: User) -> tuple[Party, Party]:
    a = party_create(actor=manager, given_name="Ada", family_name="Lovelace", email="a@x.org")
    b = party_create(actor=manager, given_name="Ada", family_name="King", email="a@x.org")
    return a, b


def _errors(response: object) -> dict[str, str]:
    return {e["field"]: e["message"] for e in response.json()["errors"]}  # type: ignore[attr-defined]


def test_manager_scans_lists_and_merges(manager: User) -> None:
    # given two records sharing an email, and an order on the second
    a, b = _twins(manager)
    order = OrderFactory(party=b)
    client = _client(manager)
    # when the manager scans and lists
    scan = _post(client, f"{BASE}/scan", {})
    listing = client.get(BASE)
    # then the pair is offered with its reason
    assert scan.status_code == 200, scan.content  # type: ignore[attr-defined]
    assert scan.json()["candidates"] == 1  # type: ignore[attr-defined]
    items = listing.json()["items"]
    assert [(i["party_a"]["id"], i["party_b"]["id"]) for i in items] == [(a.pk, b.pk)]
    assert items[0]["reasons"] == [{"key": "email", "value": "a@x.org", "score": 95}]
    # when merging, keeping the second family name
    response = _post(
        client,
        f"{BASE}/merge",
        {"survivor_id": a.pk, "merged_id": b.pk, "field_choices": {"family_name": "merged"}},
    )
    # then the survivor comes back and the order moved
    assert response.status_code == 200, response.content  # type: ignore[attr-defined]
    assert response.json()["display_name"] == "Ada King"  # type: ignore[attr-defined]
    order.refresh_from_db()
    assert order.party_id == a.pk
    assert client.get(BASE).json()["items"] == []


def test_merge_errors_are_problem_json_and_change_nothing(manager: User) -> None:
    a, b = _twins(manager)
    client = _client(manager)
    cases = [
        ({"survivor_id": a.pk, "merged_id": a.pk}, "merged_id"),
        ({"survivor_id": a.pk, "merged_id": 999999}, "merged_id"),
        ({"survivor_id": a.pk, "merged_id": b.pk, "field_choices": {"nope": "merged"}}, None),
        ({"survivor_id": a.pk, "merged_id": b.pk, "field_choices": {"email": "both"}}, None),
        ({"survivor_id": a.pk, "merged_id": b.pk, "surprise": 1}, "surprise"),
        ({"survivor_id": "a", "merged_id": b.pk}, "survivor_id"),
    ]
    for payload, field in cases:
        response = _post(client, f"{BASE}/merge", payload)
        assert response.status_code == 400, (payload, response.content)  # type: ignore[attr-defined]
        assert response["Content-Type"] == "application/problem+json"  # type: ignore[index]
        if field:
            assert field in _errors(response), (payload, response.content)  # type: ignore[attr-defined]
    assert not AuditEntry.objects.filter(action="merge").exists()
    assert Party.objects.filter(merged_into__isnull=False).count() == 0


def test_merging_an_already_merged_party_says_so(manager: User) -> None:
    a, b = _twins(manager)
    client = _client(manager)
    assert (
        _post(client, f"{BASE}/merge", {"survivor_id": a.pk, "merged_id": b.pk}).status_code == 200
    )  # type: ignore[attr-defined]
    again = _post(client, f"{BASE}/merge", {"survivor_id": a.pk, "merged_id": b.pk})
    assert again.status_code == 400  # type: ignore[attr-defined]
    assert "already been merged" in _errors(again)["merged_id"]


def test_agents_may_list_but_not_merge_dismiss_or_scan(agent: User, manager: User) -> None:
    a, b = _twins(manager)
    client = _client(agent)
    assert client.get(BASE).status_code == 200
    for path, payload in [
        ("merge", {"survivor_id": a.pk, "merged_id": b.pk}),
        ("dismiss", {"party_a_id": a.pk, "party_b_id": b.pk}),
        ("scan", {}),
    ]:
        response = _post(client, f"{BASE}/{path}", payload)
        assert response.status_code == 403, (path, response.content)  # type: ignore[attr-defined]
    assert not DuplicatePair.objects.exists()


def test_dismiss_records_the_decision(manager: User) -> None:
    a, b = _twins(manager)
    response = _post(_client(manager), f"{BASE}/dismiss", {"party_a_id": b.pk, "party_b_id": a.pk})
    assert response.status_code == 200, response.content  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert body["status"] == "dismissed"
    assert body["party_a"]["id"] == a.pk


def test_listing_needs_authentication_and_a_valid_cursor(manager: User) -> None:
    assert Client().get(BASE).status_code == 401
    response = _client(manager).get(BASE, {"cursor": "not-a-cursor"})
    assert response.status_code == 400
    assert "cursor" in _errors(response)


def test_the_openapi_document_describes_the_duplicates_endpoints(manager: User) -> None:
    spec = _client(manager).get("/api/v1/openapi.json").json()
    paths = spec["paths"]
    assert {"/api/v1/duplicates", "/api/v1/duplicates/merge", "/api/v1/duplicates/dismiss"} <= set(
        paths
    )
    merge = paths["/api/v1/duplicates/merge"]["post"]
    assert {"200", "400", "403"} <= set(merge["responses"])
