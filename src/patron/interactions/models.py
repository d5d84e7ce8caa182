"""Direct and indirect contacts with a customer."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from patron.accounts.models import Department
from patron.core.models import TimeStampedModel
from patron.parties.models import Party


class Kind(models.TextChoices):
    # direct: a conversation with the customer
    CALL = "call", "Call"
    EMAIL = "email", "Email"
    MEETING = "meeting", "Meeting"
    FIELD_VISIT = "field_visit", "Field visit"
    CHAT = "chat", "Chat"
    LETTER = "letter", "Letter"
    IN_STORE = "in_store", "In-store conversation"
    # indirect: contact through the business process
    INVOICE = "invoice", "Invoice"
    STATEMENT = "statement", "Statement"
    PAYMENT_REMINDER = "payment_reminder", "Payment reminder"
    DELIVERY_NOTICE = "delivery_notice", "Delivery notice"
    RENEWAL_NOTICE = "renewal_notice", "Renewal notice"


DIRECT_KINDS = frozenset(
    {Kind.CALL, Kind.EMAIL, Kind.MEETING, Kind.FIELD_VISIT, Kind.CHAT, Kind.LETTER, Kind.IN_STORE}
)


class Direction(models.TextChoices):
    INBOUND = "inbound", "Inbound"
    OUTBOUND = "outbound", "Outbound"


class ContactChannel(models.TextChoices):
    PHONE = "phone", "Phone"
    EMAIL = "email", "Email"
    IN_PERSON = "in_person", "In person"
    POST = "post", "Post"
    WEB = "web", "Web"
    CHAT = "chat", "Chat"
    SMS = "sms", "SMS"
    SOCIAL = "social", "Social media"


class Outcome(models.TextChoices):
    NONE = "", "—"
    RESOLVED = "resolved", "Resolved"
    FOLLOW_UP = "follow_up", "Follow-up needed"
    SALE = "sale", "Sale made"
    NO_ANSWER = "no_answer", "No answer"
    LEFT_MESSAGE = "left_message", "Left a message"
    INFORMATION = "information", "Information given"
    COMPLAINT = "complaint", "Complaint raised"


class Visibility(models.TextChoices):
    SHARED = "shared", "All departments"
    DEPARTMENT = "department", "Private to the department"


class Interaction(TimeStampedModel):
    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="interactions")
    external_id = models.CharField(max_length=64, unique=True, null=True, blank=True)
    occurred_at = models.DateTimeField()
    kind = models.CharField(max_length=16, choices=Kind.choices)
    direction = models.CharField(max_length=8, choices=Direction.choices, blank=True)
    channel = models.CharField(max_length=10, choices=ContactChannel.choices, blank=True)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="interactions",
    )
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="interactions"
    )
    outcome = models.CharField(max_length=12, choices=Outcome.choices, blank=True)
    subject = models.CharField(max_length=200, blank=True)
    notes = models.TextField(blank=True, max_length=20000)
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.SHARED
    )
    duration_minutes = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["party", "-occurred_at", "-id"], name="interaction_party_idx"),
            models.Index(fields=["department", "-occurred_at"], name="interaction_dept_idx"),
            models.Index(fields=["-occurred_at", "-id"], name="interaction_time_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="interaction_kind"),
            models.CheckConstraint(
                condition=~Q(visibility="department") | Q(department__isnull=False),
                name="interaction_private_needs_department",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_at:%Y-%m-%d} {self.subject}".strip()

    @property
    def is_direct(self) -> bool:
        return self.kind in DIRECT_KINDS
