"""Merging two parties keeps all their history and leaves a tombstone."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from patron.accounts.models import Department, User
from patron.accounts.permissions import PermissionDenied
from patron.core.models import AuditEntry
from patron.interactions.models import Interaction
from patron.parties.models import (
    ContactPoint,
    DuplicatePair,
    Party,
    PartyRelationship,
    PartyTag,
    Preference,
)
from patron.parties.services import (
    contact_point_add,
    party_create,
    party_merge,
    party_set_tags,
    preference_record,
    relationship_add,
)
from patron.sales.models import OrderLine, PaymentReminder, Return, Statement
from patron.testing import (
    InteractionFactory,
    InvoiceFactory,
    OrderFactory,
    OrderLineFactory,
    PaymentFactory,
)

pytestmark = pytest.mark.django_db


def _person(actor: User, **kwargs: object) -> Party:
    defaults: dict[str, object] = {"given_name": "Ada", "family_name": "Lovelace"}
    defaults.update(kwargs)
    return party_create(actor=actor, **defaults)  # type: ignore[arg-type]


def _org(actor: User, name: str) -> Party:
    return party_create(actor=actor, kind="organisation", organisation_name=name)


def test_merge_moves_every_kind_of_related_row_to_the_survivor(
    manager: User, sales_department: Department
) -> None:
    # given two records of the same customer, the second with a full history
    survivor = _person(manager, email="ada@example.com", external_id="A1")
    merged = _person(manager, given_name="Ada", email="ada.l@example.com", external_id="A2")
    order = OrderFactory(party=merged)
    line = OrderLineFactory(order=order, party=merged)
    invoice = InvoiceFactory(party=merged, order=order)
    payment = PaymentFactory(party=merged, invoice=invoice)
    now = timezone.now()
    returned = Return.objects.create(
        order_line=line,
        party=merged,
        returned_at=now,
        quantity=1,
        refund_amount=Decimal("20.00"),
        currency="GBP",
    )
    statement = Statement.objects.create(
        party=merged,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 1, 31),
        issued_at=now,
        opening_balance=Decimal("0"),
        closing_balance=Decimal("40"),
        currency="GBP",
    )
    reminder = PaymentReminder.objects.create(
        party=merged, invoice=invoice, sent_at=now, amount_due=Decimal("40"), currency="GBP"
    )
    interaction = InteractionFactory(party=merged, department=sales_department)
    phone = contact_point_add(party=merged, actor=manager, kind="phone", value="020 7946 0001")
    preference = preference_record(party=merged, actor=manager, kind="motive", motive="quality")
    party_set_tags(party=merged, names=["vip"], actor=manager)
    employer = _org(manager, "Analytical Engines Ltd")
    role = relationship_add(person=merged, organisation=employer, actor=manager)

    # when the second is merged into the first
    result = party_merge(survivor=survivor, merged=merged, actor=manager)

    # then every row now belongs to the survivor
    for obj in [order, invoice, payment, returned, statement, reminder, interaction, phone]:
        obj.refresh_from_db()
        assert obj.party_id == survivor.pk, obj
    assert OrderLine.objects.get(pk=line.pk).party_id == survivor.pk
    assert Preference.objects.get(pk=preference.pk).party_id == survivor.pk
    assert PartyTag.objects.filter(party=survivor, tag__name="vip").exists()
    assert PartyRelationship.objects.get(pk=role.pk).person_id == survivor.pk
    assert not OrderLine.objects.filter(party=merged).exists()
    assert result.pk == survivor.pk
    # and the survivor gained the merged party's phone as its primary phone
    assert result.phone == "+442079460001"
    assert result.email == "ada@example.com"
    assert set(
        ContactPoint.objects.filter(party=survivor, kind="email").values_list("value", flat=True)
    ) == {"ada@example.com", "ada.l@example.com"}


def test_merge_keeps_the_merged_party_as_a_tombstone_that_resolves(manager: User) -> None:
    # given two records
    survivor = _person(manager, external_id="A1")
    merged = _person(manager, external_id="A2", email="ada@example.com")
    # when merged
    party_merge(survivor=survivor, merged=merged, actor=manager)
    # then the merged row stays, inactive, pointing at the survivor, with its external id
    merged.refresh_from_db()
    assert merged.merged_into_id == survivor.pk
    assert merged.is_active is False
    assert merged.external_id == "A2"
    assert merged.email == ""


def test_merge_repoints_earlier_tombstones_to_the_new_survivor(manager: User) -> None:
    # given C was merged into B earlier
    a, b, c = _person(manager), _person(manager), _person(manager)
    party_merge(survivor=b, merged=c, actor=manager)
    # when B is merged into A
    party_merge(survivor=a, merged=b, actor=manager)
    # then C resolves to A in one step
    c.refresh_from_db()
    assert c.merged_into_id == a.pk


def test_merge_drops_rows_that_would_duplicate_what_the_survivor_has(manager: User) -> None:
    # given both records have the same tag, the same email and the same role at one employer
    employer = _org(manager, "Analytical Engines Ltd")
    survivor = _person(manager, email="ada@example.com", tags=["vip", "press"])
    merged = _person(manager, email="ADA@example.com ", tags=["vip", "garden"])
    relationship_add(person=survivor, organisation=employer, actor=manager)
    relationship_add(person=merged, organisation=employer, actor=manager)
    # when merged
    party_merge(survivor=survivor, merged=merged, actor=manager)
    # then the survivor has each thing once, and the union of the tags
    assert ContactPoint.objects.filter(party=survivor, kind="email").count() == 1
    assert sorted(PartyTag.objects.filter(party=survivor).values_list("tag__name", flat=True)) == [
        "garden",
        "press",
        "vip",
    ]
    assert PartyRelationship.objects.filter(person=survivor, organisation=employer).count() == 1
    assert not PartyTag.objects.filter(party=merged).exists()
    # and exactly one primary email remains
    assert ContactPoint.objects.filter(party=survivor, kind="email", is_primary=True).count() == 1


def test_merge_of_organisations_moves_their_people(manager: User) -> None:
    # given a person is a contact at both records of one company, and another only at one
    survivor, merged = _org(manager, "Acme Ltd"), _org(manager, "ACME Limited")
    ada, bob = _person(manager), _person(manager, given_name="Bob", family_name="Smith")
    relationship_add(person=ada, organisation=survivor, actor=manager, role="contact")
    relationship_add(person=ada, organisation=merged, actor=manager, role="contact")
    relationship_add(person=bob, organisation=merged, actor=manager)
    # when merged
    party_merge(survivor=survivor, merged=merged, actor=manager)
    # then both people are at the survivor, Ada once
    people = PartyRelationship.objects.filter(organisation=survivor)
    assert sorted(people.values_list("person_id", flat=True)) == sorted([ada.pk, bob.pk])


def test_merge_takes_chosen_fields_and_fills_blanks(manager: User, agent: User) -> None:
    # given the survivor lacks a birth date and has a different phone and family name
    survivor = _person(manager, family_name="Lovelace", phone="020 7946 0001")
    merged = _person(
        manager,
        family_name="King",
        phone="020 7946 0002",
        date_of_birth=dt.date(1815, 12, 10),
        acquisition_channel="store",
        owner_id=agent.pk,
    )
    # when merged choosing the merged family name and phone
    result = party_merge(
        survivor=survivor,
        merged=merged,
        actor=manager,
        field_choices={"family_name": "merged", "phone": "merged", "given_name": "survivor"},
    )
    # then the chosen values win and blanks are filled; the survivor's channel stays
    result.refresh_from_db()
    assert result.family_name == "King"
    assert result.display_name == "Ada King"
    assert result.phone == "+442079460002"
    assert result.date_of_birth == dt.date(1815, 12, 10)
    assert result.owner_id == agent.pk
    primaries = ContactPoint.objects.filter(party=result, kind="phone", is_primary=True)
    assert [p.value for p in primaries] == ["+442079460002"]


def test_merge_writes_an_audit_entry_with_both_parties_before_and_after(manager: User) -> None:
    # given two records
    survivor = _person(manager, external_id="A1")
    merged = _person(manager, external_id="A2", family_name="King")
    OrderFactory(party=merged)
    # when merged
    party_merge(survivor=survivor, merged=merged, actor=manager)
    # then one merge entry on the survivor records both sides and what moved
    entry = AuditEntry.objects.get(
        action="merge", object_type="parties.party", object_id=str(survivor.pk)
    )
    assert entry.actor == manager
    assert entry.before["merged"]["family_name"] == "King"
    assert entry.before["merged"]["merged_into_id"] is None
    assert entry.after["merged"]["merged_into_id"] == survivor.pk
    assert entry.after["moved"]["sales.order.party"] == {"moved": 1, "dropped": 0}
    # and the tombstone has its own entry
    assert AuditEntry.objects.filter(
        action="merge", object_type="parties.party", object_id=str(merged.pk)
    ).exists()


def test_merge_marks_the_pair_merged_and_removes_the_merged_partys_open_pairs(
    manager: User,
) -> None:
    # given open pairs between the two and between the merged party and a third
    survivor, merged, third = _person(manager), _person(manager), _person(manager)
    now = timezone.now()
    for x, y in [(survivor, merged), (merged, third)]:
        a, b = sorted((x.pk, y.pk))
        DuplicatePair.objects.create(party_a_id=a, party_b_id=b, score=95, found_at=now)
    # when merged
    party_merge(survivor=survivor, merged=merged, actor=manager)
    # then the pair is recorded as merged and the stale one is gone
    statuses = list(DuplicatePair.objects.values_list("status", flat=True))
    assert statuses == ["merged"]


def test_only_managers_may_merge(agent: User, reader: User, manager: User) -> None:
    survivor, merged = _person(manager), _person(manager)
    for user in (agent, reader):
        with pytest.raises(PermissionDenied):
            party_merge(survivor=survivor, merged=merged, actor=user)
    merged.refresh_from_db()
    assert merged.merged_into_id is None


@pytest.mark.parametrize(
    ("case", "field"),
    [
        ("self", "merged_id"),
        ("person_into_org", "merged_id"),
        ("already_merged", "merged_id"),
        ("bad_choice", "field_choices.family_name"),
        ("unknown_field", "field_choices.external_id"),
    ],
)
def test_a_refused_merge_changes_nothing(manager: User, case: str, field: str) -> None:
    # given two people with history, one of them perhaps already merged
    survivor = _person(manager, email="ada@example.com")
    merged = _person(manager, email="ada2@example.com")
    OrderFactory(party=merged)
    InteractionFactory(party=merged)
    other, choices = merged, {}
    if case == "self":
        other = survivor
    elif case == "person_into_org":
        other = _org(manager, "Acme Ltd")
        OrderFactory(party=other)
    elif case == "already_merged":
        party_merge(survivor=_person(manager), merged=merged, actor=manager)
    elif case == "bad_choice":
        choices = {"family_name": "both"}
    elif case == "unknown_field":
        choices = {"external_id": "merged"}
    audits = AuditEntry.objects.count()
    orders = sorted(OrderFactory._meta.model.objects.values_list("id", "party_id"))
    interactions = sorted(Interaction.objects.values_list("id", "party_id"))
    # when the merge is attempted
    with pytest.raises(ValidationError) as excinfo:
        party_merge(survivor=survivor, merged=other, actor=manager, field_choices=choices)
    # then it says why and nothing changed
    assert field in excinfo.value.message_dict
    assert AuditEntry.objects.count() == audits
    assert sorted(OrderFactory._meta.model.objects.values_list("id", "party_id")) == orders
    assert sorted(Interaction.objects.values_list("id", "party_id")) == interactions
    survivor.refresh_from_db()
    assert survivor.is_active and survivor.merged_into_id is None
