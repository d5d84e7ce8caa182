"""The back office for customers: rows from the parties selectors, writes through services.

Parties are never deleted here (merge duplicates, or mark a customer inactive, instead);
contact points, tags and relationships are shown on the customer and changed through the
staff app or the API, whose services keep the mirror columns and the audit log right.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from patron.accounts.admin_base import PatronModelAdmin, ReadOnlyInline
from patron.accounts.permissions import can_edit_customers
from patron.parties import services
from patron.parties.models import (
    ContactPoint,
    DuplicatePair,
    Party,
    PartyRelationship,
    Preference,
    Tag,
)
from patron.parties.selectors import party_queryset

CONTACT_POINT_COLUMNS = (
    "kind",
    "label",
    "value",
    "street",
    "city",
    "postcode",
    "country",
    "is_primary",
)
PREFERENCE_COLUMNS = ("kind", "motive", "detail", "strength", "source")


class ContactPointInline(ReadOnlyInline):
    model = ContactPoint
    fields = CONTACT_POINT_COLUMNS
    readonly_fields = CONTACT_POINT_COLUMNS


class PreferenceInline(ReadOnlyInline):
    model = Preference
    fields = PREFERENCE_COLUMNS
    readonly_fields = PREFERENCE_COLUMNS


@admin.register(Party)
class PartyAdmin(PatronModelAdmin):
    list_display = ["display_name", "kind", "email", "phone", "city", "acquisition_channel"]
    list_filter = ["kind", "acquisition_channel", "country"]
    search_fields = ["search_name", "email", "external_id"]
    raw_id_fields = ["owner"]
    fields = [
        "kind",
        "given_name",
        "family_name",
        "organisation_name",
        "date_of_birth",
        "acquisition_channel",
        "acquired_at",
        "owner",
        "external_id",
        "display_name",
        "email",
        "phone",
        "city",
        "postcode",
        "country",
        "is_active",
        "merged_into",
    ]
    readonly_fields = [
        "display_name",
        "email",
        "phone",
        "city",
        "postcode",
        "country",
        "is_active",
        "merged_into",
    ]
    inlines = [ContactPointInline, PreferenceInline]
    add_rule = staticmethod(can_edit_customers)
    change_rule = staticmethod(can_edit_customers)

    def scoped_queryset(self, request: HttpRequest) -> QuerySet[Party]:
        return party_queryset(user=request.user)

    def service_create(self, request: HttpRequest, data: dict[str, Any]) -> Party:
        owner = data.pop("owner", None)
        return services.party_create(
            actor=request.user, owner_id=owner.pk if owner else None, **data
        )

    def service_update(self, request: HttpRequest, obj: Party, changes: dict[str, Any]) -> Party:
        if "owner" in changes:
            owner = changes.pop("owner")
            changes["owner_id"] = owner.pk if owner else None
        return services.party_update(party=obj, actor=request.user, **changes)


@admin.register(Tag)
class TagAdmin(PatronModelAdmin):
    search_fields = ["name"]


@admin.register(PartyRelationship)
class PartyRelationshipAdmin(PatronModelAdmin):
    list_display = ["person", "role", "organisation", "title", "is_primary_contact"]
    list_filter = ["role"]
    raw_id_fields = ["person", "organisation"]
    fields = ["person", "organisation", "role", "title", "is_primary_contact", "started_at"]
    add_rule = staticmethod(can_edit_customers)

    def scoped_queryset(self, request: HttpRequest) -> QuerySet[PartyRelationship]:
        live = party_queryset(user=request.user)
        return PartyRelationship.objects.select_related("person", "organisation").filter(
            person__in=live, organisation__in=live
        )

    def service_create(self, request: HttpRequest, data: dict[str, Any]) -> PartyRelationship:
        return services.relationship_add(actor=request.user, **data)


@admin.register(Preference)
class PreferenceAdmin(PatronModelAdmin):
    list_display = ["party", "kind", "motive", "detail", "strength", "source"]
    list_filter = ["kind", "motive"]
    raw_id_fields = ["party"]
    fields = ["party", "kind", "motive", "detail", "strength", "source"]
    add_rule = staticmethod(can_edit_customers)

    def scoped_queryset(self, request: HttpRequest) -> QuerySet[Preference]:
        return Preference.objects.select_related("party").filter(
            party__in=party_queryset(user=request.user)
        )

    def service_create(self, request: HttpRequest, data: dict[str, Any]) -> Preference:
        return services.preference_record(actor=request.user, **data)


@admin.register(DuplicatePair)
class DuplicatePairAdmin(PatronModelAdmin):
    """Read-only: pairs are resolved on the duplicates page, which merges through services."""

    list_display = ["party_a", "party_b", "score", "status", "found_at", "decided_by"]
    list_filter = ["status"]
    raw_id_fields = ["party_a", "party_b", "decided_by"]
