"""People and organisations, how to reach them, and what they want."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Reverse

from patron.core.models import TimeStampedModel
from patron.parties.normalize import fold


class Channel(models.TextChoices):
    """The channel a customer came through or buys through."""

    STORE = "store", "Store / retail"
    DIRECT_MAIL = "direct_mail", "Direct mail"
    WEB = "web", "Web / e-business"
    PHONE = "phone", "Phone"
    FIELD = "field", "Field sales"
    REFERRAL = "referral", "Referral"
    EVENT = "event", "Event"
    OTHER = "other", "Other"


class Party(TimeStampedModel):
    """A customer or prospect: a person or an organisation.

    ``email``, ``phone``, ``city``, ``postcode`` and ``country`` mirror the primary contact
    points so that lists, search and duplicate checks need no join; the services in
    ``parties.services`` keep them in step (ADR 0002).
    """

    class Kind(models.TextChoices):
        PERSON = "person", "Person"
        ORGANISATION = "organisation", "Organisation"

    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.PERSON)
    external_id = models.CharField(max_length=64, unique=True, null=True, blank=True)
    given_name = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=100, blank=True)
    organisation_name = models.CharField(max_length=200, blank=True)
    display_name = models.CharField(max_length=200, editable=False)
    sort_name = models.CharField(max_length=200, editable=False)
    search_name = models.CharField(max_length=200, editable=False, db_index=True)
    email = models.CharField(max_length=254, blank=True, db_index=True)
    phone = models.CharField(max_length=20, blank=True, db_index=True)
    city = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=20, blank=True, db_index=True)
    country = models.CharField(max_length=2, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    acquisition_channel = models.CharField(max_length=12, choices=Channel.choices, blank=True)
    acquired_at = models.DateTimeField(null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_parties",
    )
    tags: models.ManyToManyField[Tag, PartyTag] = models.ManyToManyField(
        "Tag", through="PartyTag", related_name="parties", blank=True
    )
    is_active = models.BooleanField(default=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_parties"
    )

    class Meta:
        verbose_name_plural = "parties"
        indexes = [
            models.Index(fields=["sort_name", "id"], name="party_sort_idx"),
            models.Index(fields=["acquisition_channel", "sort_name", "id"], name="party_chan_idx"),
            models.Index(fields=["-created_at", "-id"], name="party_created_idx"),
            # Search (parties.selectors.party_list) reads live parties of one kind by their
            # given-name-first name through the first index and walks them in name order
            # through the second, in both cases without reading the table; the last
            # digits of a phone number go through the third. ``kind`` leads rather than
            # sitting in the condition because SQLite cannot match a partial index's
            # condition to a bound parameter.
            models.Index(
                fields=["kind", "search_name", "sort_name", "id"],
                condition=Q(merged_into__isnull=True),
                name="party_kind_search_idx",
            ),
            models.Index(
                fields=["kind", "sort_name", "id", "search_name"],
                condition=Q(merged_into__isnull=True),
                name="party_kind_sort_idx",
            ),
            models.Index(Reverse("phone"), name="party_phone_reversed_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["person", "organisation"]), name="party_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind="organisation", organisation_name__gt="")
                | Q(kind="person", given_name__gt="")
                | Q(kind="person", family_name__gt=""),
                name="party_has_name",
            ),
            models.CheckConstraint(
                condition=~Q(merged_into=models.F("id")), name="party_not_merged_into_self"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def is_person(self) -> bool:
        return self.kind == self.Kind.PERSON

    def compute_names(self) -> None:
        """Fill the derived name columns from the name fields."""
        self.display_name, self.sort_name, self.search_name = party_names(
            self.kind, self.given_name, self.family_name, self.organisation_name
        )


def party_names(kind: str, given: str, family: str, organisation: str) -> tuple[str, str, str]:
    """(display name, sort key, search key) for a party's names."""
    if kind == Party.Kind.ORGANISATION:
        display = organisation.strip()
        key = fold(display)
        return display[:200], key[:200], key[:200]
    given, family = given.strip(), family.strip()
    display = f"{given} {family}".strip()
    return display[:200], fold(f"{family} {given}")[:200], fold(display)[:200]


class ContactPoint(TimeStampedModel):
    """One way to reach a party, with its own validity period and marketing consent."""

    class Kind(models.TextChoices):
        EMAIL = "email", "Email"
        PHONE = "phone", "Phone"
        POSTAL = "postal", "Postal address"

    class Label(models.TextChoices):
        HOME = "home", "Home"
        WORK = "work", "Work"
        MOBILE = "mobile", "Mobile"
        BILLING = "billing", "Billing"
        SHIPPING = "shipping", "Shipping"
        OTHER = "other", "Other"

    class Consent(models.TextChoices):
        UNKNOWN = "unknown", "Not asked"
        GRANTED = "granted", "Granted"
        REFUSED = "refused", "Refused"

    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="contact_points")
    kind = models.CharField(max_length=6, choices=Kind.choices)
    label = models.CharField(max_length=8, choices=Label.choices, default=Label.HOME)
    value = models.CharField(max_length=254, blank=True, help_text="Email or E.164 phone")
    street = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=20, blank=True)
    region = models.CharField(max_length=100, blank=True)
    country = models.CharField(max_length=2, blank=True)
    is_primary = models.BooleanField(default=False)
    valid_from = models.DateField(null=True, blank=True)
    valid_until = models.DateField(null=True, blank=True)
    marketing_consent = models.CharField(
        max_length=8, choices=Consent.choices, default=Consent.UNKNOWN
    )
    consent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["kind", "value"], name="contact_value_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["party", "kind"],
                condition=Q(is_primary=True),
                name="contact_one_primary_per_kind",
            ),
            models.UniqueConstraint(
                fields=["party", "kind", "value", "street", "postcode"],
                name="contact_unique_per_party",
            ),
            models.CheckConstraint(
                condition=Q(kind="postal") | ~Q(value=""), name="contact_value_required"
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_until__gte=models.F("valid_from")),
                name="contact_validity_ordered",
            ),
        ]

    def __str__(self) -> str:
        if self.kind == self.Kind.POSTAL:
            return ", ".join(p for p in [self.street, self.city, self.postcode, self.country] if p)
        return self.value


class PartyRelationship(TimeStampedModel):
    """A person's role at an organisation (contact, employee, decision maker, ...)."""

    class Role(models.TextChoices):
        EMPLOYEE = "employee", "Employee"
        CONTACT = "contact", "Contact"
        DECISION_MAKER = "decision_maker", "Decision maker"
        BILLING_CONTACT = "billing_contact", "Billing contact"
        OWNER = "owner", "Owner"

    person = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="roles")
    organisation = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="people")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.EMPLOYEE)
    title = models.CharField(max_length=100, blank=True)
    is_primary_contact = models.BooleanField(default=False)
    started_at = models.DateField(null=True, blank=True)
    ended_at = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "organisation", "role"], name="relationship_unique"
            ),
            models.CheckConstraint(
                condition=~Q(person=models.F("organisation")), name="relationship_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.get_role_display()} at {self.organisation}"


class Tag(models.Model):
    name = models.CharField(max_length=50, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PartyTag(models.Model):
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="party_tags")
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="party_tags")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["party", "tag"], name="party_tag_unique")]

    def __str__(self) -> str:
        return f"{self.party_id}:{self.tag_id}"


class Preference(TimeStampedModel):
    """A recorded want, need, interest or buying motive of a customer."""

    class Kind(models.TextChoices):
        WANT = "want", "Want"
        NEED = "need", "Need"
        INTEREST = "interest", "Interest"
        MOTIVE = "motive", "Buying motive"

    class Motive(models.TextChoices):
        PRICE = "price", "Price"
        QUALITY = "quality", "Quality"
        CONVENIENCE = "convenience", "Convenience"
        STATUS = "status", "Status"
        SERVICE = "service", "Service"
        OTHER = "other", "Other"

    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="preferences")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    motive = models.CharField(max_length=12, choices=Motive.choices, blank=True)
    detail = models.CharField(max_length=500, blank=True)
    strength = models.PositiveSmallIntegerField(null=True, blank=True)
    source = models.CharField(max_length=20, default="staff")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(strength__isnull=True) | Q(strength__gte=1, strength__lte=5),
                name="preference_strength_1_to_5",
            ),
            models.CheckConstraint(
                condition=~Q(kind="motive") | ~Q(motive=""), name="preference_motive_named"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.get_motive_display() or self.detail}"


class DuplicatePair(models.Model):
    """Two live parties that may be the same customer, and what a manager decided.

    A scan (``parties.duplicates.duplicates_scan``) writes ``open`` pairs; a manager then
    merges them or dismisses them as "not a duplicate". Dismissed pairs are kept so that the
    next scan does not offer them again. ``party_a`` is always the lower id, so a pair has
    one row whichever way round it was found.
    """

    class Status(models.TextChoices):
        OPEN = "open", "To review"
        DISMISSED = "dismissed", "Not a duplicate"
        MERGED = "merged", "Merged"

    party_a = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="+")
    party_b = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="+")
    score = models.PositiveSmallIntegerField(default=0)
    reasons = models.JSONField(default=list)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    found_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["status", "-score", "id"], name="duplicate_review_idx"),
            models.Index(fields=["party_b"], name="duplicate_party_b_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["party_a", "party_b"], name="duplicate_pair_unique"),
            models.CheckConstraint(
                condition=Q(party_a__lt=models.F("party_b")), name="duplicate_pair_ordered"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["open", "dismissed", "merged"]),
                name="duplicate_status_valid",
            ),
            models.CheckConstraint(condition=Q(score__lte=100), name="duplicate_score_lte_100"),
        ]

    def __str__(self) -> str:
        return f"Possible duplicate {self.party_a_id} ~ {self.party_b_id}"

    def reason_labels(self) -> list[str]:
        """The reasons in words, e.g. "Same email ada@example.com"."""
        labels = []
        for reason in self.reasons or []:
            key, value = reason.get("key"), reason.get("value", "")
            if key == "email":
                labels.append(f"Same email {value}")
            elif key == "phone":
                labels.append(f"Same phone {value}")
            elif key == "name_postcode":
                labels.append(f"Similar name ({reason.get('score')}%) at {value}")
        return labels
