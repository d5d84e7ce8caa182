"""Interactions on the customer timeline."""

from __future__ import annotations

from typing import Any

from patron.core.timeline import ModelSource, TimelineEvent
from patron.interactions.models import Interaction, Visibility
from patron.interactions.selectors import restrict_to_visible


class InteractionSource(ModelSource):
    model = Interaction
    at_field = "occurred_at"
    name = "interactions.interaction"
    label = "Interactions"

    def queryset(self) -> Any:
        # Only what an event shows: a staff member is three names, not a whole account.
        return Interaction.objects.select_related("staff", "department").only(
            "id",
            "occurred_at",
            "kind",
            "direction",
            "subject",
            "notes",
            "visibility",
            "outcome",
            "staff__username",
            "staff__first_name",
            "staff__last_name",
            "department__name",
        )

    def visible(self, qs: Any, user: Any) -> Any:
        return restrict_to_visible(qs, user=user)

    def to_event(self, obj: Any) -> TimelineEvent:
        direction = f" ({obj.get_direction_display().lower()})" if obj.direction else ""
        return TimelineEvent(
            at=obj.occurred_at,
            source=self.name,
            id=obj.id,
            kind=obj.kind,
            title=f"{obj.get_kind_display()}{direction}"
            + (f": {obj.subject}" if obj.subject else ""),
            summary=obj.notes[:500],
            direct=obj.is_direct,
            icon=obj.kind,
            actor=str(obj.staff) if obj.staff else "",
            department=obj.department.name if obj.department else "",
            private=obj.visibility == Visibility.DEPARTMENT,
            data={"outcome": obj.get_outcome_display() if obj.outcome else ""},
        )
