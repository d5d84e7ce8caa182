"""Interactions over the API: department rules and private notes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from patron.core.models import AuditEntry
from patron.interactions.models import Interaction
from patron.testing import InteractionFactory, PartyFactory

pytestmark = pytest.mark.django_db


def _fields(response) -> dict[str, str]:
    return {e["field"]: e["message"] for e in response.json()["errors"]}


def test_agent_logs_a_call_for_their_department(client_for, agent, sales_department):
    party = PartyFactory()
    response = client_for(agent).post_json(
        "/api/v1/interactions",
        {
            "party_id": party.id,
            "kind": "call",
            "direction": "inbound",
            "channel": "phone",
            "department_id": sales_department.id,
            "subject": "Asked about delivery",
            "outcome": "resolved",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["staff_id"], body["department_name"]) == (agent.id, "Sales")
    assert AuditEntry.objects.filter(object_type="interactions.interaction").count() == 1


def test_logging_for_another_department_is_forbidden_with_a_clear_message(
    client_for, agent, service_department
):
    party = PartyFactory()
    response = client_for(agent).post_json(
        "/api/v1/interactions",
        {
            "party_id": party.id,
            "kind": "call",
            "direction": "inbound",
            "department_id": service_department.id,
        },
    )
    assert response.status_code == 403
    assert "Customer service" in response.json()["detail"]
    assert not Interaction.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "carrier_pigeon"}, "kind"),
        ({"direction": ""}, "direction"),
        ({"subject": "s" * 201}, "subject"),
        ({"notes": 12}, "notes"),
        ({"occurred_at": "2999-01-01T00:00:00Z"}, "occurred_at"),
        ({"duration_minutes": -1}, "duration_minutes"),
        ({"department_id": 999999}, "department_id"),
        ({"party_id": 999999}, "party_id"),
        ({"staff_id": 1}, "staff_id"),
        ({"visibility": "department"}, "visibility"),
        ({"mood": "happy"}, "mood"),
    ],
)
def test_bad_interaction_is_rejected_and_writes_nothing(client_for, agent, change, field):
    party = PartyFactory()
    body = {"party_id": party.id, "kind": "call", "direction": "inbound", **change}
    response = client_for(agent).post_json("/api/v1/interactions", body)
    assert response.status_code == 400, response.content
    assert field in _fields(response)
    assert not Interaction.objects.exists()


def test_private_note_of_another_department_is_not_found(client_for, agent, service_department):
    private = InteractionFactory(department=service_department, visibility="department")
    client = client_for(agent)
    assert client.get(f"/api/v1/interactions/{private.id}").status_code == 404
    assert (
        client.patch_json(f"/api/v1/interactions/{private.id}", {"subject": "x"}).status_code == 404
    )
    assert client.delete(f"/api/v1/interactions/{private.id}").status_code == 404
    listed = client.get("/api/v1/interactions", {"party": private.party_id}).json()
    assert listed["items"] == []
    private.refresh_from_db()
    assert private.subject == "Question about delivery"


def test_service_agent_sees_their_own_departments_private_note(
    client_for, service_agent, service_department
):
    private = InteractionFactory(department=service_department, visibility="department")
    assert client_for(service_agent).get(f"/api/v1/interactions/{private.id}").status_code == 200


def test_author_updates_and_manager_deletes(client_for, agent, manager, sales_department):
    mine = InteractionFactory(staff=agent, department=sales_department)
    patched = client_for(agent).patch_json(
        f"/api/v1/interactions/{mine.id}", {"outcome": "follow_up", "notes": "Call back Friday"}
    )
    assert patched.status_code == 200, patched.content
    assert patched.json()["outcome"] == "follow_up"
    read_only = client_for(agent).patch_json(f"/api/v1/interactions/{mine.id}", {"party_id": 5})
    assert read_only.status_code == 400 and "party_id" in _fields(read_only)
    agent_delete = client_for(agent).delete(f"/api/v1/interactions/{mine.id}")
    assert agent_delete.status_code == 403
    assert client_for(manager).delete(f"/api/v1/interactions/{mine.id}").status_code == 204
    assert not Interaction.objects.exists()


def test_list_filters_by_party_department_and_kind_with_cursor(client_for, agent, sales_department):
    party = PartyFactory()
    now = timezone.now()
    calls = [
        InteractionFactory(
            party=party, department=sales_department, occurred_at=now - dt.timedelta(hours=h)
        )
        for h in (1, 2, 3)
    ]
    InteractionFactory(party=party, kind="email", occurred_at=now)
    client = client_for(agent)
    params = {"party": party.id, "kind": "call", "department": sales_department.id, "limit": 2}
    first = client.get("/api/v1/interactions", params).json()
    rest = client.get("/api/v1/interactions", {**params, "cursor": first["next_cursor"]}).json()
    assert [i["id"] for i in first["items"] + rest["items"]] == [c.id for c in calls]
    assert rest["next_cursor"] is None
