"""Every write to parties, contact points, relationships, tags and preferences."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from patron.accounts.permissions import (
    can_edit_customers,
    require,
)
from patron.core.audit import audit_record, changed, snapshot
from patron.parties.models import (
    Channel,
    ContactPoint,
    Party,
    PartyRelationship,
    PartyTag,
    Preference,
    Tag,
)
from patron.parties.normalize import normalize_email, normalize_phone, normalize_postcode

PARTY_EDITABLE_FIELDS = (
    "kind",
    "given_name",
    "family_name",
    "organisation_name",
    "date_of_birth",
    "acquisition_channel",
    "acquired_at",
    "owner_id",
    "external_id",
)


def _check_party(party: Party) -> None:
    errors: dict[str, list[str]] = {}
    if party.kind not in Party.Kind.values:
        errors["kind"] = ["must be person or organisation"]
    if party.kind == Party.Kind.ORGANISATION and not party.organisation_name.strip():
        errors["organisation_name"] = ["an organisation needs a name"]
    if (
        party.kind == Party.Kind.PERSON
        and not party.given_name.strip()
        and not party.family_name.strip()
    ):
        errors["family_name"] = ["a person needs a given name or a family name"]
    if party.acquisition_channel and party.acquisition_channel not in Channel.values:
        errors["acquisition_channel"] = [f"must be one of {', '.join(Channel.values)}"]
    if party.date_of_birth and party.date_of_birth > dt.date.today():
        errors["date_of_birth"] = ["is in the future"]
    if party.external_id is not None:
        party.external_id = party.external_id.strip() or None
    if (
        party.external_id
        and Party.objects.filter(external_id=party.external_id).exclude(pk=party.pk).exists()
    ):
        errors["external_id"] = [f"{party.external_id!r} is already used by another party"]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def party_create(
    *,
    actor: Any,
    kind: str = Party.Kind.PERSON,
    given_name: str = "",
    family_name: str = "",
    organisation_name: str = "",
    email: str = "",
    phone: str = "",
    street: str = "",
    city: str = "",
    postcode: str = "",
    country: str = "",
    date_of_birth: dt.date | None = None,
    acquisition_channel: str = "",
    acquired_at: dt.datetime | None = None,
    owner_id: int | None = None,
    external_id: str | None = None,
    tags: Iterable[str] = (),
) -> Party:
    """Create a party with its primary email, phone and postal address."""
    require(can_edit_customers(actor), "You may not create customers.")
    party = Party(
        kind=kind,
        given_name=given_name.strip(),
        family_name=family_name.strip(),
        organisation_name=organisation_name.strip(),
        date_of_birth=date_of_birth,
        acquisition_channel=acquisition_channel,
        acquired_at=acquired_at,
        owner_id=owner_id,
        external_id=external_id,
    )
    _check_party(party)
    errors: dict[str, list[str]] = {}
    norm_email = norm_phone = ""
    if email:
        try:
            norm_email = normalize_email(email)
        except ValueError as exc:
            errors["email"] = [str(exc)]
    if phone:
        try:
            norm_phone = normalize_phone(phone)
        except ValueError as exc:
            errors["phone"] = [str(exc)]
    if country and (len(country) != 2 or not country.isalpha()):
        errors["country"] = ["use the two-letter ISO country code, e.g. GB"]
    if errors:
        raise ValidationError(errors)
    party.compute_names()
    party.save()
    if norm_email:
        ContactPoint.objects.create(
            party=party, kind=ContactPoint.Kind.EMAIL, value=norm_email, is_primary=True
        )
    if norm_phone:
        ContactPoint.objects.create(
            party=party, kind=ContactPoint.Kind.PHONE, value=norm_phone, is_primary=True
        )
    if street or city or postcode:
        ContactPoint.objects.create(
            party=party,
            kind=ContactPoint.Kind.POSTAL,
            street=street.strip(),
            city=city.strip(),
            postcode=normalize_postcode(postcode),
            country=country.upper(),
            is_primary=True,
        )
    _sync_primary(party)
    if tags:
        party_set_tags(party=party, names=tags, actor=actor, audit=False)
    audit_record(actor=actor, action="create", obj=party, after=snapshot(party))
    return party


@transaction.atomic
def party_update(*, party: Party, actor: Any, **changes: Any) -> Party:
    """Change a party's own fields; unknown field names are a programming error."""
    require(can_edit_customers(actor), "You may not edit customers.")
    unknown = set(changes) - set(PARTY_EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({name: ["cannot be changed here"] for name in sorted(unknown)})
    before = snapshot(party)
    for name, value in changes.items():
        if isinstance(value, str) and name != "external_id":
            value = value.strip()
        setattr(party, name, value)
    _check_party(party)
    party.compute_names()
    party.save()
    old, new = changed(before, snapshot(party))
    if new:
        audit_record(actor=actor, action="update", obj=party, before=old, after=new)
    return party


def _sync_primary(party: Party) -> None:
    """Copy the primary contact points onto the party's mirror columns."""
    primaries = {
        cp.kind: cp for cp in ContactPoint.objects.filter(party=party, is_primary=True).all()
    }
    email = primaries.get(ContactPoint.Kind.EMAIL)
    phone = primaries.get(ContactPoint.Kind.PHONE)
    postal = primaries.get(ContactPoint.Kind.POSTAL)
    party.email = email.value if email else ""
    party.phone = phone.value if phone else ""
    party.city = postal.city if postal else ""
    party.postcode = postal.postcode if postal else ""
    party.country = postal.country if postal else ""
    Party.objects.filter(pk=party.pk).update(
        email=party.email,
        phone=party.phone,
        city=party.city,
        postcode=party.postcode,
        country=party.country,
    )


@transaction.atomic
def contact_point_add(
    *,
    party: Party,
    actor: Any,
    kind: str,
    value: str = "",
    label: str = ContactPoint.Label.HOME,
    street: str = "",
    city: str = "",
    postcode: str = "",
    region: str = "",
    country: str = "",
    is_primary: bool = False,
    marketing_consent: str = ContactPoint.Consent.UNKNOWN,
    valid_from: dt.date | None = None,
    valid_until: dt.date | None = None,
) -> ContactPoint:
    require(can_edit_customers(actor), "You may not edit customers.")
    errors: dict[str, list[str]] = {}
    if kind not in ContactPoint.Kind.values:
        raise ValidationError({"kind": ["must be email, phone or postal"]})
    if label not in ContactPoint.Label.values:
        errors["label"] = [f"must be one of {', '.join(ContactPoint.Label.values)}"]
    if marketing_consent not in ContactPoint.Consent.values:
        errors["marketing_consent"] = ["must be unknown, granted or refused"]
    if valid_from and valid_until and valid_until < valid_from:
        errors["valid_until"] = ["is before valid_from"]
    if kind == ContactPoint.Kind.EMAIL:
        try:
            value = normalize_email(value)
        except ValueError as exc:
            errors["value"] = [str(exc)]
    elif kind == ContactPoint.Kind.PHONE:
        try:
            value = normalize_phone(value, country or None)
        except ValueError as exc:
            errors["value"] = [str(exc)]
    else:
        value = ""
        if not (street.strip() or city.strip() or postcode.strip()):
            errors["street"] = ["an address needs a street, a city or a postcode"]
        if country and (len(country) != 2 or not country.isalpha()):
            errors["country"] = ["use the two-letter ISO country code, e.g. GB"]
    if errors:
        raise ValidationError(errors)
    postcode = normalize_postcode(postcode)
    if ContactPoint.objects.filter(
        party=party, kind=kind, value=value, street=street.strip(), postcode=postcode
    ).exists():
        raise ValidationError({"value": ["this customer already has this contact point"]})
    has_primary = ContactPoint.objects.filter(party=party, kind=kind, is_primary=True).exists()
    if is_primary and has_primary:
        ContactPoint.objects.filter(party=party, kind=kind, is_primary=True).update(
            is_primary=False
        )
    point = ContactPoint.objects.create(
        party=party,
        kind=kind,
        label=label,
        value=value,
        street=street.strip(),
        city=city.strip(),
        postcode=postcode,
        region=region.strip(),
        country=country.upper(),
        is_primary=is_primary or not has_primary,
        marketing_consent=marketing_consent,
        valid_from=valid_from,
        valid_until=valid_until,
    )
    _sync_primary(party)
    audit_record(actor=actor, action="create", obj=point, after=snapshot(point))
    return point


@transaction.atomic
def contact_point_make_primary(*, point: ContactPoint, actor: Any) -> ContactPoint:
    require(can_edit_customers(actor), "You may not edit customers.")
    ContactPoint.objects.filter(party_id=point.party_id, kind=point.kind, is_primary=True).exclude(
        pk=point.pk
    ).update(is_primary=False)
    point.is_primary = True
    point.save(update_fields=["is_primary", "updated_at"])
    _sync_primary(point.party)
    audit_record(actor=actor, action="update", obj=point, after={"is_primary": True})
    return point


@transaction.atomic
def contact_point_remove(*, point: ContactPoint, actor: Any) -> None:
    require(can_edit_customers(actor), "You may not edit customers.")
    party = point.party
    before = snapshot(point)
    was_primary = point.is_primary
    audit_record(actor=actor, action="delete", obj=point, before=before)
    point.delete()
    if was_primary:
        successor = (
            ContactPoint.objects.filter(party=party, kind=point.kind).order_by("-id").first()
        )
        if successor is not None:
            successor.is_primary = True
            successor.save(update_fields=["is_primary", "updated_at"])
    _sync_primary(party)


def _tag_names(names: Iterable[str]) -> list[str]:
    clean = []
    for raw in names:
        name = raw.strip().lower()
        if not name:
            continue
        if len(name) > 50:
            raise ValidationError({"tags": [f"tag {raw[:20]!r}… is longer than 50 characters"]})
        clean.append(name)
    return sorted(set(clean))


@transaction.atomic
def party_set_tags(*, party: Party, names: Iterable[str], actor: Any, audit: bool = True) -> None:
    require(can_edit_customers(actor), "You may not edit customers.")
    wanted = _tag_names(names)
    existing = {t.name: t for t in Tag.objects.filter(name__in=wanted)}
    Tag.objects.bulk_create(
        [Tag(name=n) for n in wanted if n not in existing], ignore_conflicts=True
    )
    tags = {t.name: t for t in Tag.objects.filter(name__in=wanted)}
    before = sorted(PartyTag.objects.filter(party=party).values_list("tag__name", flat=True))
    PartyTag.objects.filter(party=party).exclude(tag__name__in=wanted).delete()
    PartyTag.objects.bulk_create(
        [PartyTag(party=party, tag=tags[n]) for n in wanted], ignore_conflicts=True
    )
    if audit and before != wanted:
        audit_record(
            actor=actor, action="update", obj=party, before={"tags": before}, after={"tags": wanted}
        )


@transaction.atomic
def relationship_add(
    *,
    person: Party,
    organisation: Party,
    actor: Any,
    role: str = PartyRelationship.Role.EMPLOYEE,
    title: str = "",
    is_primary_contact: bool = False,
    started_at: dt.date | None = None,
) -> PartyRelationship:
    require(can_edit_customers(actor), "You may not edit customers.")
    errors: dict[str, list[str]] = {}
    if person.kind != Party.Kind.PERSON:
        errors["person"] = ["must be a person"]
    if organisation.kind != Party.Kind.ORGANISATION:
        errors["organisation"] = ["must be an organisation"]
    if role not in PartyRelationship.Role.values:
        errors["role"] = [f"must be one of {', '.join(PartyRelationship.Role.values)}"]
    if errors:
        raise ValidationError(errors)
    if PartyRelationship.objects.filter(
        person=person, organisation=organisation, role=role
    ).exists():
        raise ValidationError({"role": ["this relationship is already recorded"]})
    rel = PartyRelationship.objects.create(
        person=person,
        organisation=organisation,
        role=role,
        title=title.strip(),
        is_primary_contact=is_primary_contact,
        started_at=started_at,
    )
    audit_record(actor=actor, action="create", obj=rel, after=snapshot(rel))
    return rel


@transaction.atomic
def preference_record(
    *,
    party: Party,
    actor: Any,
    kind: str,
    motive: str = "",
    detail: str = "",
    strength: int | None = None,
    source: str = "staff",
) -> Preference:
    """Record a want, need, interest or buying motive."""
    require(can_edit_customers(actor), "You may not edit customers.")
    errors: dict[str, list[str]] = {}
    if kind not in Preference.Kind.values:
        errors["kind"] = [f"must be one of {', '.join(Preference.Kind.values)}"]
    if motive and motive not in Preference.Motive.values:
        errors["motive"] = [f"must be one of {', '.join(Preference.Motive.values)}"]
    if kind == Preference.Kind.MOTIVE and not motive:
        errors["motive"] = ["name the buying motive"]
    if kind != Preference.Kind.MOTIVE and not detail.strip():
        errors["detail"] = ["say what the customer wants or needs"]
    if strength is not None and not 1 <= strength <= 5:
        errors["strength"] = ["must be between 1 and 5"]
    if errors:
        raise ValidationError(errors)
    pref = Preference.objects.create(
        party=party,
        kind=kind,
        motive=motive,
        detail=detail.strip(),
        strength=strength,
        source=source,
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    audit_record(actor=actor, action="create", obj=pref, after=snapshot(pref))
    return pref
