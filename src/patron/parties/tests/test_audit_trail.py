"""Every write to customers leaves an audit entry with what changed, before and after."""

from __future__ import annotations

import pytest

from patron.accounts.models import User
from patron.core.models import AuditEntry
from patron.parties.models import ContactPoint, Party
from patron.parties.services import (
    contact_point_add,
    contact_point_make_primary,
    contact_point_remove,
    party_create,
    party_set_tags,
    party_update,
    preference_record,
    relationship_add,
)

pytestmark = pytest.mark.django_db


def _last(obj: object) -> AuditEntry:
    return AuditEntry.objects.filter(
        object_type=obj._meta.label_lower,  # type: ignore[attr-defined]
        object_id=str(obj.pk),  # type: ignore[attr-defined]
    ).first()  # type: ignore[return-value]


def test_creating_a_customer_records_its_fields_and_tags(agent: User) -> None:
    party = party_create(
        actor=agent, given_name="Ada", family_name="Lovelace", email="ada@example.com", tags=["VIP"]
    )
    entry = _last(party)
    assert (entry.action, entry.actor, entry.before) == ("create", agent, None)
    assert entry.after["family_name"] == "Lovelace"
    assert entry.after["email"] == "ada@example.com"
    assert entry.after["tags"] == ["vip"]


def test_updating_a_customer_records_only_what_changed(agent: User) -> None:
    party = party_create(actor=agent, given_name="Ada", family_name="Byron")
    party_update(party=party, actor=agent, family_name="Lovelace", given_name="Ada")
    entry = _last(party)
    assert entry.action == "update"
    assert entry.before == {"family_name": "Byron", "display_name": "Ada Byron"}
    assert entry.after == {"family_name": "Lovelace", "display_name": "Ada Lovelace"}


def test_an_update_that_changes_nothing_writes_no_entry(agent: User) -> None:
    party = party_create(actor=agent, given_name="Ada", family_name="Byron")
    before = AuditEntry.objects.count()
    party_update(party=party, actor=agent, family_name="Byron")
    assert AuditEntry.objects.count() == before


def test_contact_point_add_primary_and_remove_are_audited(agent: User) -> None:
    party = party_create(actor=agent, given_name="Ada", family_name="Byron", email="a@x.org")
    point = contact_point_add(party=party, actor=agent, kind="email", value="b@x.org")
    assert _last(point).after["value"] == "b@x.org"
    contact_point_make_primary(point=point, actor=agent)
    entry = _last(point)
    assert (entry.before, entry.after) == ({"is_primary": False}, {"is_primary": True})
    point_id = point.pk
    contact_point_remove(point=point, actor=agent)
    removed = AuditEntry.objects.get(
        object_type="parties.contactpoint", object_id=str(point_id), action="delete"
    )
    assert removed.before["value"] == "b@x.org" and removed.after is None
    assert not ContactPoint.objects.filter(pk=point_id).exists()


def test_tags_relationships_and_preferences_are_audited(agent: User) -> None:
    party = party_create(actor=agent, given_name="Ada", family_name="Byron", tags=["press"])
    party_set_tags(party=party, names=["vip"], actor=agent)
    entry = _last(party)
    assert (entry.before, entry.after) == ({"tags": ["press"]}, {"tags": ["vip"]})
    org = party_create(actor=agent, kind=Party.Kind.ORGANISATION, organisation_name="Acme")
    rel = relationship_add(person=party, organisation=org, actor=agent, role="contact")
    assert _last(rel).after["role"] == "contact"
    pref = preference_record(party=party, actor=agent, kind="motive", motive="quality")
    assert _last(pref).after["motive"] == "quality"
