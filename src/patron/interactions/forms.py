"""The form staff use to log a contact with a customer."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from patron.accounts.models import Department
from patron.accounts.permissions import departments_for_logging
from patron.interactions.models import (
    DIRECT_KINDS,
    ContactChannel,
    Direction,
    Kind,
    Outcome,
    Visibility,
)

_CHANNEL_FOR_KIND = {
    Kind.CALL: ContactChannel.PHONE,
    Kind.EMAIL: ContactChannel.EMAIL,
    Kind.MEETING: ContactChannel.IN_PERSON,
    Kind.FIELD_VISIT: ContactChannel.IN_PERSON,
    Kind.CHAT: ContactChannel.CHAT,
    Kind.LETTER: ContactChannel.POST,
    Kind.IN_STORE: ContactChannel.IN_PERSON,
}


class InteractionLogForm(forms.Form):
    kind = forms.ChoiceField(
        choices=[
            ("Conversations", [(k.value, k.label) for k in Kind if k in DIRECT_KINDS]),
            ("Business documents", [(k.value, k.label) for k in Kind if k not in DIRECT_KINDS]),
        ],
        initial=Kind.CALL,
        label="What happened",
        widget=forms.Select(attrs={"data-autofocus": ""}),
    )
    direction = forms.ChoiceField(
        choices=[("", "—"), *Direction.choices], required=False, initial=Direction.INBOUND
    )
    channel = forms.ChoiceField(
        choices=[("", "Same as the kind"), *ContactChannel.choices], required=False
    )
    department = forms.ModelChoiceField(queryset=Department.objects.none(), empty_label=None)
    outcome = forms.ChoiceField(choices=Outcome.choices, required=False)
    subject = forms.CharField(max_length=200, required=False)
    notes = forms.CharField(
        max_length=20000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    occurred_at = forms.DateTimeField(
        required=False,
        label="When",
        help_text="Leave empty for now",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
    )
    private = forms.BooleanField(required=False, label="Private to the department")

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        department: Any = self.fields["department"]
        allowed = departments_for_logging(user)
        if isinstance(allowed, QuerySet):
            department.queryset = allowed.order_by("name")
        else:
            department.queryset = Department.objects.filter(
                pk__in=[d.pk for d in allowed]
            ).order_by("name")
        for name in ("subject", "notes"):
            self.fields[name].widget.attrs["maxlength"] = self.fields[name].max_length  # type: ignore[attr-defined]

    def service_arguments(self) -> dict[str, Any]:
        """The cleaned input as keyword arguments of ``interaction_log``."""
        data = self.cleaned_data
        kind = data["kind"]
        occurred_at: dt.datetime | None = data.get("occurred_at")
        if occurred_at is not None and timezone.is_naive(occurred_at):
            occurred_at = timezone.make_aware(occurred_at)
        return {
            "kind": kind,
            "direction": data.get("direction", ""),
            "channel": data.get("channel") or _CHANNEL_FOR_KIND.get(kind, ""),
            "department": data["department"],
            "outcome": data.get("outcome", ""),
            "subject": data.get("subject", ""),
            "notes": data.get("notes", ""),
            "occurred_at": occurred_at,
            "visibility": Visibility.DEPARTMENT if data.get("private") else Visibility.SHARED,
        }
