"""Web forms for customers. They only shape input; the services validate and write."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from patron.accounts.models import User
from patron.parties.models import Channel, ContactPoint, Party, PartyRelationship, Preference


def apply_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form's fields (or above the form)."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            target = field if field in form.fields else None
            for message in messages:
                text = message if target else f"{field.replace('_', ' ')}: {message}"
                form.add_error(target, text)
    else:
        for message in error.messages:
            form.add_error(None, message)


def _as_datetime(day: dt.date | None) -> dt.datetime | None:
    if day is None:
        return None
    return timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)))


class _PartyFields(forms.Form):
    kind = forms.ChoiceField(choices=Party.Kind.choices, initial=Party.Kind.PERSON)
    given_name = forms.CharField(max_length=100, required=False, label="First name")
    family_name = forms.CharField(max_length=100, required=False, label="Last name")
    organisation_name = forms.CharField(max_length=200, required=False, label="Organisation name")
    date_of_birth = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), label="Date of birth"
    )
    acquisition_channel = forms.ChoiceField(
        choices=[("", "—"), *Channel.choices], required=False, label="Acquired through"
    )
    acquired_on = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), label="Customer since"
    )
    owner = forms.ModelChoiceField(
        queryset=User.objects.none(), required=False, label="Account owner", empty_label="Nobody"
    )
    external_id = forms.CharField(
        max_length=64, required=False, label="External id", help_text="Id in another system"
    )
    tags = forms.CharField(
        max_length=1000, required=False, help_text="Separate tags with commas", label="Tags"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner: Any = self.fields["owner"]
        owner.queryset = (
            User.objects.filter(is_active=True, memberships__isnull=False)
            .distinct()
            .order_by("username")
        )

    def clean_date_of_birth(self) -> dt.date | None:
        born = self.cleaned_data.get("date_of_birth")
        if born and born > timezone.localdate():
            raise ValidationError("is in the future")
        return born

    def tag_names(self) -> list[str]:
        return [t.strip() for t in self.cleaned_data.get("tags", "").split(",") if t.strip()]

    def party_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        owner = data.get("owner")
        return {
            "kind": data["kind"],
            "given_name": data.get("given_name", ""),
            "family_name": data.get("family_name", ""),
            "organisation_name": data.get("organisation_name", ""),
            "date_of_birth": data.get("date_of_birth"),
            "acquisition_channel": data.get("acquisition_channel", ""),
            "acquired_at": _as_datetime(data.get("acquired_on")),
            "owner_id": owner.pk if owner else None,
            "external_id": data.get("external_id") or None,
        }


class PartyCreateForm(_PartyFields):
    """A new customer with their first email, phone and address."""

    email = forms.CharField(max_length=254, required=False, label="Email")
    phone = forms.CharField(max_length=40, required=False, label="Phone")
    street = forms.CharField(max_length=200, required=False)
    city = forms.CharField(max_length=100, required=False)
    postcode = forms.CharField(max_length=20, required=False)
    country = forms.CharField(max_length=2, required=False, help_text="Two letters, e.g. GB")

    def contact_fields(self) -> dict[str, Any]:
        return {
            name: self.cleaned_data.get(name, "")
            for name in ("email", "phone", "street", "city", "postcode", "country")
        }


class PartyEditForm(_PartyFields):
    """A customer's own fields; contact points are edited on the customer page."""

    @classmethod
    def for_party(cls, party: Party, data: Any = None) -> PartyEditForm:
        initial = {
            "kind": party.kind,
            "given_name": party.given_name,
            "family_name": party.family_name,
            "organisation_name": party.organisation_name,
            "date_of_birth": party.date_of_birth,
            "acquisition_channel": party.acquisition_channel,
            "acquired_on": timezone.localtime(party.acquired_at).date()
            if party.acquired_at
            else None,
            "owner": party.owner_id,
            "external_id": party.external_id or "",
            "tags": ", ".join(t.name for t in party.tags.all()),
        }
        return cls(data=data, initial=initial)


class ContactPointForm(forms.Form):
    kind = forms.ChoiceField(choices=ContactPoint.Kind.choices)
    label = forms.ChoiceField(choices=ContactPoint.Label.choices, initial=ContactPoint.Label.HOME)
    value = forms.CharField(max_length=254, required=False, label="Email or phone")
    street = forms.CharField(max_length=200, required=False)
    city = forms.CharField(max_length=100, required=False)
    postcode = forms.CharField(max_length=20, required=False)
    country = forms.CharField(max_length=2, required=False)
    is_primary = forms.BooleanField(required=False, label="Make primary")
    marketing_consent = forms.ChoiceField(
        choices=ContactPoint.Consent.choices,
        initial=ContactPoint.Consent.UNKNOWN,
        label="Marketing consent",
    )


class PreferenceForm(forms.Form):
    kind = forms.ChoiceField(choices=Preference.Kind.choices, initial=Preference.Kind.NEED)
    motive = forms.ChoiceField(choices=[("", "—"), *Preference.Motive.choices], required=False)
    detail = forms.CharField(max_length=500, required=False)
    strength = forms.TypedChoiceField(
        choices=[("", "—"), *((str(i), str(i)) for i in range(1, 6))],
        coerce=int,
        empty_value=None,
        required=False,
        help_text="1 (mild) to 5 (strong)",
    )


class RelationshipForm(forms.Form):
    """Link this customer to another one: a person at an organisation."""

    other = forms.IntegerField(
        label="Customer number", help_text="The number shown on the other customer's page"
    )
    role = forms.ChoiceField(
        choices=PartyRelationship.Role.choices, initial=PartyRelationship.Role.EMPLOYEE
    )
    title = forms.CharField(max_length=100, required=False, label="Job title")
