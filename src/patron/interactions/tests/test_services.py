"""Logging interactions: validation, departments, privacy and the audit log."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from patron.accounts.permissions import PermissionDenied
from patron.core.models import AuditEntry
from patron.interactions.models import Interaction
from patron.interactions.selectors import interaction_queryset
from patron.interactions.services import interaction_delete, interaction_log, interaction_update
from patron.testing import PartyFactory

pytestmark = pytest.mark.django_db


def test_agent_logs_a_call_for_their_department(agent):
    party = PartyFactory()
    sales = agent.memberships.get().department
    call = interaction_log(
        party=party,
        actor=agent,
        kind="call",
        direction="inbound",
        channel="phone",
        department=sales,
        outcome="resolved",
        subject="Delivery date",
        notes="Promised Tuesday.",
    )
    assert call.staff == agent and call.is_direct
    assert AuditEntry.objects.filter(object_type="interactions.interaction").count() == 1


def test_a_direct_contact_needs_a_direction(agent):
    with pytest.raises(ValidationError, match="say whether"):
        interaction_log(party=PartyFactory(), actor=agent, kind="call")


def test_an_indirect_contact_needs_no_direction(agent):
    notice = interaction_log(party=PartyFactory(), actor=agent, kind="delivery_notice")
    assert not notice.is_direct


def test_unknown_kind_and_future_time_are_refused_and_nothing_written(agent):
    now = timezone.now()
    with pytest.raises(ValidationError) as info:
        interaction_log(
            party=PartyFactory(),
            actor=agent,
            kind="telepathy",
            direction="sideways",
            occurred_at=now + dt.timedelta(days=1),
            now=now,
        )
    assert {"kind", "direction", "occurred_at"} <= set(info.value.message_dict)
    assert not Interaction.objects.exists()


def test_logging_for_another_department_is_refused(agent, service_department):
    with pytest.raises(PermissionDenied, match="Customer service"):
        interaction_log(
            party=PartyFactory(),
            actor=agent,
            kind="call",
            direction="outbound",
            department=service_department,
        )


def test_private_note_needs_a_department(agent):
    with pytest.raises(ValidationError, match="needs a department"):
        interaction_log(
            party=PartyFactory(),
            actor=agent,
            kind="email",
            direction="in" + "bound",
            visibility="department",
        )


def test_private_notes_stay_in_their_department(agent, service_agent):
    service = service_agent.memberships.get().department
    note = interaction_log(
        party=PartyFactory(),
        actor=service_agent,
        kind="call",
        direction="inbound",
        department=service,
        visibility="department",
        notes="Customer is unhappy with the sales rep.",
    )
    assert note in interaction_queryset(user=service_agent)
    assert note not in interaction_queryset(user=agent)


def test_only_the_author_or_a_manager_edits_and_only_a_manager_deletes(agent, manager):
    sales = agent.memberships.get().department
    call = interaction_log(
        party=PartyFactory(), actor=agent, kind="call", direction="inbound", department=sales
    )
    interaction_update(interaction=call, actor=agent, subject="Corrected")
    entry = AuditEntry.objects.filter(action="update").get()
    assert entry.after == {"subject": "Corrected"}
    with pytest.raises(PermissionDenied):
        interaction_delete(interaction=call, actor=agent)
    interaction_delete(interaction=call, actor=manager)
    assert not Interaction.objects.exists()
    assert AuditEntry.objects.filter(action="delete").count() == 1


def test_update_refuses_fields_that_are_not_editable(agent):
    call = interaction_log(party=PartyFactory(), actor=agent, kind="call", direction="inbound")
    with pytest.raises(ValidationError, match="cannot be changed"):
        interaction_update(interaction=call, actor=agent, party_id=123)
