"""The back office for interactions: the same visibility and edit rules as the staff app.

A department's private notes are not listed for anyone outside it, and logging, editing
and deleting go through ``interactions.services`` (validated, audited).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from patron.accounts.admin_base import PatronModelAdmin
from patron.accounts.permissions import (
    can_edit_interaction,
    can_log_interaction_for,
    departments_for_logging,
)
from patron.interactions import services
from patron.interactions.models import Interaction
from patron.interactions.selectors import interaction_queryset


def _can_log(user: Any) -> bool:
    return can_log_interaction_for(user, None)


def _can_edit(user: Any, obj: Interaction) -> bool:
    return can_edit_interaction(user, department_id=obj.department_id, staff_id=obj.staff_id)


def _can_delete(user: Any, obj: Interaction) -> bool:
    return can_edit_interaction(user, department_id=obj.department_id, staff_id=None)


@admin.register(Interaction)
class InteractionAdmin(PatronModelAdmin):
    list_display = ["occurred_at", "kind", "party", "department", "staff", "subject"]
    list_filter = ["kind", "visibility"]
    raw_id_fields = ["party"]
    fields = [
        "party",
        "occurred_at",
        "kind",
        "direction",
        "channel",
        "department",
        "outcome",
        "subject",
        "notes",
        "visibility",
        "duration_minutes",
        "external_id",
        "staff",
    ]
    readonly_fields = ["staff"]
    add_rule = staticmethod(_can_log)
    change_rule = staticmethod(_can_log)
    delete_rule = staticmethod(_can_log)
    change_object_rule = staticmethod(_can_edit)
    delete_object_rule = staticmethod(_can_delete)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None:
            return ["party", "department", "external_id", "staff"]
        return self.readonly_fields

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "department":
            kwargs["queryset"] = departments_for_logging(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def scoped_queryset(self, request: HttpRequest) -> QuerySet[Interaction]:
        return interaction_queryset(user=request.user).select_related(
            "party", "department", "staff"
        )

    def service_create(self, request: HttpRequest, data: dict[str, Any]) -> Interaction:
        return services.interaction_log(actor=request.user, **data)

    def service_update(
        self, request: HttpRequest, obj: Interaction, changes: dict[str, Any]
    ) -> Interaction:
        return services.interaction_update(interaction=obj, actor=request.user, **changes)

    def service_delete(self, request: HttpRequest, obj: Interaction) -> None:
        services.interaction_delete(interaction=obj, actor=request.user)
