"""Creating and changing customers through the services every entry point uses."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from patron.accounts.permissions import PermissionDenied
from patron.core.models import AuditEntry
from patron.parties import services
from patron.parties.models import ContactPoint, Party, PartyTag
from patron.testing import OrganisationFactory, PartyFactory

pytestmark = pytest.mark.django_db


def test_person_is_created_with_normalised_primary_contact_points(agent):
    party = services.party_create(
        actor=agent,
        given_name=" Zoë ",
        family_name="Åberg",
        email="Zoe@Example.com",
        phone="07911 123456",
        street="1 High St",
        city="Leeds",
        postcode="ls1 1aa",
        country="gb",
        tags=["VIP", "newsletter", "vip"],
    )
    party.refresh_from_db()
    assert party.display_name == "Zoë Åberg"
    assert party.sort_name == "aberg zoe"
    assert (party.email, party.phone, party.postcode, party.country) == (
        "zoe@example.com",
        "+447911123456",
        "LS1 1AA",
        "GB",
    )
    assert ContactPoint.objects.filter(party=party, is_primary=True).count() == 3
    assert sorted(party.tags.values_list("name", flat=True)) == ["newsletter", "vip"]
    entry = AuditEntry.objects.get(object_type="parties.party", object_id=str(party.pk))
    assert entry.action == "create" and entry.actor == agent


def test_bad_contact_data_is_refused_and_nothing_is_written(agent):
    with pytest.raises(ValidationError) as info:
        services.party_create(
            actor=agent, given_name="Ann", email="not-an-email", phone="12", country="GBR"
        )
    assert set(info.value.message_dict) == {"email", "phone", "country"}
    assert not Party.objects.exists()
    assert not AuditEntry.objects.exists()


def test_person_needs_a_name_and_organisation_needs_an_organisation_name(agent):
    with pytest.raises(ValidationError, match="a person needs"):
        services.party_create(actor=agent)
    with pytest.raises(ValidationError, match="an organisation needs a name"):
        services.party_create(actor=agent, kind="organisation", given_name="Ann")


def test_external_id_must_be_unique(agent):
    PartyFactory(external_id="C-1")
    with pytest.raises(ValidationError, match="already used"):
        services.party_create(actor=agent, given_name="Ann", external_id="C-1")


def test_read_only_user_cannot_create_or_edit(reader):
    with pytest.raises(PermissionDenied):
        services.party_create(actor=reader, given_name="Ann")
    party = PartyFactory()
    with pytest.raises(PermissionDenied):
        services.party_update(party=party, actor=reader, given_name="Bo")


def test_update_records_only_the_changed_fields_in_the_audit_log(agent):
    party = PartyFactory(given_name="Ann", family_name="Lee")
    services.party_update(party=party, actor=agent, given_name="Anne")
    entry = AuditEntry.objects.get(action="update")
    assert entry.before == {"given_name": "Ann", "display_name": "Ann Lee"}
    assert entry.after == {"given_name": "Anne", "display_name": "Anne Lee"}
    assert Party.objects.get(pk=party.pk).search_name == "anne lee"


def test_update_refuses_fields_that_are_not_editable(agent):
    party = PartyFactory()
    with pytest.raises(ValidationError, match="cannot be changed"):
        services.party_update(party=party, actor=agent, display_name="Hacked")


def test_new_primary_email_moves_the_mirror_column(agent):
    party = services.party_create(actor=agent, given_name="Ann", email="ann@old.example")
    point = services.contact_point_add(
        party=party, actor=agent, kind="email", value="ann@new.example", label="work"
    )
    assert not point.is_primary
    services.contact_point_make_primary(point=point, actor=agent)
    party.refresh_from_db()
    assert party.email == "ann@new.example"
    assert ContactPoint.objects.filter(party=party, kind="email", is_primary=True).count() == 1


def test_removing_the_primary_promotes_another(agent):
    party = services.party_create(actor=agent, given_name="Ann", email="a@one.example")
    services.contact_point_add(party=party, actor=agent, kind="email", value="a@two.example")
    primary = ContactPoint.objects.get(party=party, value="a@one.example")
    services.contact_point_remove(point=primary, actor=agent)
    party.refresh_from_db()
    assert party.email == "a@two.example"


def test_the_same_contact_point_twice_is_refused(agent):
    party = services.party_create(actor=agent, given_name="Ann", email="a@one.example")
    with pytest.raises(ValidationError, match="already has"):
        services.contact_point_add(party=party, actor=agent, kind="email", value="A@one.example")


def test_person_is_linked_to_an_organisation_once_per_role(agent):
    person, org = PartyFactory(), OrganisationFactory()
    services.relationship_add(person=person, organisation=org, actor=agent, title="Buyer")
    with pytest.raises(ValidationError, match="already recorded"):
        services.relationship_add(person=person, organisation=org, actor=agent)
    with pytest.raises(ValidationError, match="must be a person"):
        services.relationship_add(person=org, organisation=org, actor=agent)


def test_tags_are_replaced_not_appended(agent):
    party = PartyFactory()
    services.party_set_tags(party=party, names=["a", "b"], actor=agent)
    services.party_set_tags(party=party, names=["b", "c"], actor=agent)
    assert sorted(party.tags.values_list("name", flat=True)) == ["b", "c"]
    assert PartyTag.objects.count() == 2


def test_buying_motive_must_be_named(agent):
    party = PartyFactory()
    with pytest.raises(ValidationError, match="name the buying motive"):
        services.preference_record(party=party, actor=agent, kind="motive")
    pref = services.preference_record(
        party=party, actor=agent, kind="motive", motive="quality", strength=4
    )
    assert pref.recorded_by == agent
