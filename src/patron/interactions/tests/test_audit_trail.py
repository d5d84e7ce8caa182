"""Logging, editing and deleting an interaction each leave an audit entry."""

from __future__ import annotations

import pytest

from patron.accounts.models import Department, User
from patron.core.models import AuditEntry
from patron.interactions.services import interaction_delete, interaction_log, interaction_update
from patron.testing import PartyFactory

pytestmark = pytest.mark.django_db


def test_an_interactions_life_is_in_the_audit_log(
    agent: User, manager: User, sales_department: Department
) -> None:
    # given an agent logs a call
    note = interaction_log(
        party=PartyFactory(),
        actor=agent,
        kind="call",
        direction="inbound",
        department=sales_department,
        subject="Delivery",
    )
    ident = str(note.pk)
    # when they correct it and a manager deletes it
    interaction_update(interaction=note, actor=agent, subject="Late delivery")
    interaction_delete(interaction=note, actor=manager)
    # then there are three entries, with before and after
    entries = {
        e.action: e
        for e in AuditEntry.objects.filter(object_type="interactions.interaction", object_id=ident)
    }
    assert entries["create"].after["subject"] == "Delivery"
    assert entries["create"].actor == agent
    assert entries["update"].before == {"subject": "Delivery"}
    assert entries["update"].after == {"subject": "Late delivery"}
    assert entries["delete"].before["subject"] == "Late delivery"
    assert entries["delete"].actor == manager
