"""Every write to parties, contact points, relationships, tags and preferences."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import Q
from django.utils import timezone

from patron.accounts.permissions import (
    can_edit_customers,
    can_merge_customers,
    require,
)
from patron.core.audit import audit_record, changed, snapshot
from patron.parties.duplicates import find_candidates, party_references
from patron.parties.models import (
    Channel,
    ContactPoint,
    DuplicatePair,
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
    after = snapshot(party)
    if tags:
        party_set_tags(party=party, names=tags, actor=actor, audit=False)
        after["tags"] = _tag_names(tags)
    audit_record(actor=actor, action="create", obj=party, after=after)
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
    before = {"is_primary": point.is_primary}
    point.is_primary = True
    point.save(update_fields=["is_primary", "updated_at"])
    _sync_primary(point.party)
    audit_record(actor=actor, action="update", obj=point, before=before, after={"is_primary": True})
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


# --- duplicates: scan, dismiss, merge ----------------------------------------------------

#: Party fields a merge can take from either side.
MERGE_FIELDS = (
    "given_name",
    "family_name",
    "organisation_name",
    "date_of_birth",
    "acquisition_channel",
    "acquired_at",
    "owner_id",
)
#: Choices for the primary contact point of each kind.
MERGE_CONTACT_FIELDS = {
    "email": ContactPoint.Kind.EMAIL,
    "phone": ContactPoint.Kind.PHONE,
    "address": ContactPoint.Kind.POSTAL,
}
MERGE_SIDES = ("survivor", "merged")


def _insert_pairs(rows: list[tuple[int, int, int, str, str]], found_at: dt.datetime) -> None:
    """Write scan results in bulk: ``COPY`` on PostgreSQL, ``executemany`` on SQLite.

    A scan can store hundreds of thousands of pairs; the ORM's per-object path costs
    minutes there, the database's own bulk path seconds (as the importer does).
    """
    table = DuplicatePair._meta.db_table
    columns = "party_a_id, party_b_id, score, reasons, status, found_at"
    stamp = connection.ops.adapt_datetimefield_value(found_at)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # the psycopg cursor underneath Django's wrapper
            with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row((*row, stamp))
        else:
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s, %s, %s)",
                [(*row, stamp) for row in rows],
            )


def duplicates_scan(
    *, actor: Any, now: dt.datetime | None = None, threshold: int | None = None
) -> dict[str, int]:
    """Find likely duplicates and store them as the open pairs to review.

    The open pairs are replaced as a whole in one short transaction (a bulk insert, far
    cheaper than an upsert of every pair); pairs already dismissed or merged are left
    alone and never reopened. A pair whose party is merged meanwhile is hidden by the
    review list, which shows only pairs of live parties.
    The pairs are derived data that the next scan recomputes, so they are not written to
    the audit log; the decisions taken on them are. ``actor=None`` is the operator running
    ``patron duplicates scan`` on the server (like an import from the command line).
    """
    if actor is not None:
        require(can_merge_customers(actor), "Only a manager may scan for duplicates.")
    now = now or timezone.now()
    # Detection only reads, and takes most of the time: it stays outside the transaction
    # so that on SQLite other writers are not held up for the whole scan.
    result = find_candidates(threshold=threshold)
    with transaction.atomic():
        decided = set(
            DuplicatePair.objects.exclude(status=DuplicatePair.Status.OPEN).values_list(
                "party_a_id", "party_b_id"
            )
        )
        open_pairs = DuplicatePair.objects.filter(status=DuplicatePair.Status.OPEN)
        previous = set(open_pairs.values_list("party_a_id", "party_b_id"))
        open_pairs.delete()
        rows = [
            (c.party_a, c.party_b, c.score, json.dumps(c.reasons), DuplicatePair.Status.OPEN.value)
            for pair, c in result.candidates.items()
            if pair not in decided
        ]
        _insert_pairs(rows, now)
    return {
        "candidates": len(rows),
        "removed": len(previous - result.candidates.keys()),
        "skipped_blocks": result.skipped_blocks,
        "compared_names": result.compared_names,
    }


@transaction.atomic
def duplicate_dismiss(
    *, party_a: Party, party_b: Party, actor: Any, now: dt.datetime | None = None
) -> DuplicatePair:
    """Record that two parties are not the same customer, so no scan offers them again."""
    require(can_merge_customers(actor), "Only a manager may dismiss duplicates.")
    if party_a.pk == party_b.pk:
        raise ValidationError({"party_b": ["a customer cannot be a duplicate of itself"]})
    a, b = sorted((party_a.pk, party_b.pk))
    pair = DuplicatePair.objects.select_for_update().filter(party_a_id=a, party_b_id=b).first()
    before = snapshot(pair, ["status", "decided_by", "decided_at"]) if pair else None
    if pair is None:
        pair = DuplicatePair(party_a_id=a, party_b_id=b, found_at=now or timezone.now())
    elif pair.status == DuplicatePair.Status.MERGED:
        raise ValidationError({"party_b": ["these customers have already been merged"]})
    pair.status = DuplicatePair.Status.DISMISSED
    pair.decided_by = actor if getattr(actor, "pk", None) else None
    pair.decided_at = now or timezone.now()
    pair.save()
    audit_record(
        actor=actor,
        action="update" if before else "create",
        obj=pair,
        before=before,
        after=snapshot(pair, ["status", "decided_by", "decided_at"]),
        note=f"not a duplicate: {party_a} / {party_b}",
    )
    return pair


def _blank(value: Any) -> bool:
    return value is None or value == ""


def _check_merge_choices(choices: Mapping[str, str]) -> None:
    errors: dict[str, list[str]] = {}
    for name, side in choices.items():
        if name not in MERGE_FIELDS and name not in MERGE_CONTACT_FIELDS:
            errors[f"field_choices.{name}"] = ["cannot be chosen in a merge"]
        elif side not in MERGE_SIDES:
            errors[f"field_choices.{name}"] = ['choose "survivor" or "merged"']
    if errors:
        raise ValidationError(errors)


def _unique_sets(model: type[models.Model], field_name: str) -> list[tuple[list[str], Q]]:
    """Each uniqueness rule of ``model`` involving ``field_name``: (other fields, condition)."""
    sets: list[tuple[list[str], Q]] = []
    fields = {f.name: f for f in model._meta.get_fields() if getattr(f, "concrete", False)}
    if getattr(fields.get(field_name), "unique", False):
        sets.append(([], Q()))
    for together in model._meta.unique_together:
        if field_name in together:
            sets.append(([f for f in together if f != field_name], Q()))
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and field_name in constraint.fields:
            others = [f for f in constraint.fields if f != field_name]
            sets.append((others, constraint.condition or Q()))
    return sets


def _drop_clashes(
    model: type[models.Model], field_name: str, survivor: Party, merged: Party
) -> int:
    """Delete the merged party's rows that would break a unique rule once re-pointed.

    Such a row says again what the survivor already has (the same tag, the same contact
    point, the same role at the same organisation), so dropping it loses nothing.
    """
    manager = model._base_manager
    dropped = 0
    for others, condition in _unique_sets(model, field_name):
        theirs = manager.filter(condition, **{field_name: survivor})
        ours = manager.filter(condition, **{field_name: merged})
        if not others:
            clash = list(ours.values_list("pk", flat=True)) if theirs.exists() else []
        else:
            held = {row for row in theirs.values_list(*others) if not any(v is None for v in row)}
            clash = [pk for pk, *row in ours.values_list("pk", *others) if tuple(row) in held]
        if clash:
            dropped += manager.filter(pk__in=clash).delete()[0]
    return dropped


def _repoint_history(*, survivor: Party, merged: Party) -> dict[str, dict[str, int]]:
    """Point every row that refers to ``merged`` at ``survivor``, whichever app owns it."""
    report: dict[str, dict[str, int]] = {}
    for rel in party_references():
        model, name = rel.related_model, rel.field.name
        dropped = _drop_clashes(model, name, survivor, merged)
        moved = model._base_manager.filter(**{name: merged}).update(**{name: survivor})
        if moved or dropped:
            report[f"{model._meta.label_lower}.{name}"] = {"moved": moved, "dropped": dropped}
    return report


def _contact_key(point: ContactPoint) -> tuple[str, str, str, str]:
    return (point.kind, point.value, point.street, point.postcode)


@transaction.atomic
def party_merge(
    *,
    survivor: Party,
    merged: Party,
    actor: Any,
    field_choices: Mapping[str, str] | None = None,
    now: dt.datetime | None = None,
) -> Party:
    """Merge ``merged`` into ``survivor`` keeping all history; return the survivor.

    Every row of any app that refers to the merged party is re-pointed to the survivor
    (rows that would duplicate one the survivor already has are dropped). Each field keeps
    the survivor's value unless ``field_choices`` says ``"merged"`` for it, and blank
    fields are filled from the merged party. The merged party stays as an inactive
    tombstone with ``merged_into`` set, so its external id and old links still resolve.
    A person and an organisation are never merged: link the person as a contact instead.
    """
    require(can_merge_customers(actor), "Only a manager may merge customers.")
    choices = dict(field_choices or {})
    _check_merge_choices(choices)
    if survivor.pk == merged.pk:
        raise ValidationError({"merged_id": ["a customer cannot be merged into itself"]})
    locked = {
        p.pk: p
        for p in Party.objects.select_for_update()
        .filter(pk__in=[survivor.pk, merged.pk])
        .order_by("pk")
    }
    if survivor.pk not in locked or merged.pk not in locked:
        raise ValidationError({"merged_id": ["one of the customers no longer exists"]})
    survivor, merged = locked[survivor.pk], locked[merged.pk]
    errors: dict[str, list[str]] = {}
    if survivor.merged_into_id is not None:
        errors["survivor_id"] = [f"{survivor} has already been merged into another customer"]
    if merged.merged_into_id is not None:
        errors["merged_id"] = [f"{merged} has already been merged into another customer"]
    if survivor.kind != merged.kind:
        errors["merged_id"] = [
            "a person and an organisation cannot be merged; link the person to the "
            "organisation as a contact instead"
        ]
    if errors:
        raise ValidationError(errors)

    before = {"survivor": snapshot(survivor), "merged": snapshot(merged)}
    for name in MERGE_FIELDS:
        ours, theirs = getattr(survivor, name), getattr(merged, name)
        side = choices.get(name)
        if side == "merged" or (side is None and _blank(ours) and not _blank(theirs)):
            setattr(survivor, name, theirs)

    points = list(ContactPoint.objects.filter(party__in=[survivor, merged], is_primary=True))
    wanted_primary: dict[str, tuple[str, str, str, str]] = {}
    for name, kind in MERGE_CONTACT_FIELDS.items():
        mine = next((p for p in points if p.party_id == survivor.pk and p.kind == kind), None)
        other = next((p for p in points if p.party_id == merged.pk and p.kind == kind), None)
        pick = other if choices.get(name) == "merged" or mine is None else mine
        if pick is None:
            pick = mine
        if pick is not None:
            wanted_primary[kind] = _contact_key(pick)
    ContactPoint.objects.filter(party__in=[survivor, merged], is_primary=True).update(
        is_primary=False
    )

    moved = _repoint_history(survivor=survivor, merged=merged)

    for key in wanted_primary.values():
        ContactPoint.objects.filter(
            party=survivor, kind=key[0], value=key[1], street=key[2], postcode=key[3]
        ).update(is_primary=True)

    _check_party(survivor)
    survivor.compute_names()
    survivor.save()
    _sync_primary(survivor)

    merged.merged_into = survivor
    merged.is_active = False
    merged.save(update_fields=["merged_into", "is_active", "updated_at"])
    _sync_primary(merged)

    stamp = now or timezone.now()
    a, b = sorted((survivor.pk, merged.pk))
    DuplicatePair.objects.update_or_create(
        party_a_id=a,
        party_b_id=b,
        defaults={
            "status": DuplicatePair.Status.MERGED,
            "decided_by": actor if getattr(actor, "pk", None) else None,
            "decided_at": stamp,
        },
        create_defaults={
            "status": DuplicatePair.Status.MERGED,
            "decided_by": actor if getattr(actor, "pk", None) else None,
            "decided_at": stamp,
            "found_at": stamp,
        },
    )
    DuplicatePair.objects.filter(
        Q(party_a=merged) | Q(party_b=merged), status=DuplicatePair.Status.OPEN
    ).delete()

    after = {"survivor": snapshot(survivor), "merged": snapshot(merged), "moved": moved}
    note = f"merged {merged} (#{merged.pk}) into {survivor} (#{survivor.pk})"
    audit_record(actor=actor, action="merge", obj=survivor, before=before, after=after, note=note)
    audit_record(
        actor=actor,
        action="merge",
        obj=merged,
        before={"merged": before["merged"]},
        after={"merged": after["merged"]},
        note=note,
        at=stamp,
    )
    return survivor
