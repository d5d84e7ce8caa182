"""Reads of interactions, filtered by what the user may see."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from patron.accounts.permissions import can_view_customers, visible_private_departments
from patron.interactions.models import Interaction, Visibility


def restrict_to_visible(qs: QuerySet[Interaction], *, user: Any) -> QuerySet[Interaction]:
    """Keep the interactions the user may read: shared ones, and their departments' private ones."""
    if not can_view_customers(user):
        return qs.none()
    own = sorted(visible_private_departments(user))
    return qs.filter(Q(visibility=Visibility.SHARED) | Q(department_id__in=own))


def interaction_queryset(*, user: Any) -> QuerySet[Interaction]:
    return restrict_to_visible(Interaction.objects.all(), user=user)


def interaction_get(*, user: Any, interaction_id: int) -> Interaction | None:
    return (
        interaction_queryset(user=user)
        .select_related("staff", "department", "party")
        .filter(pk=interaction_id)
        .first()
    )
