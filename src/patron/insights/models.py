"""Scores of every customer, kept per scoring run so the history of each score stays.

A :class:`ScoringRun` is one ``scores_refresh``: the model fitted, its parameters and fit,
the settings used. Each run writes one :class:`CustomerScore` per live party. The scores
are estimates (floats), not amounts owed, except the recorded spend.
"""

from __future__ import annotations

from django.conf import settings as django_settings
from django.db import models

from patron.core.money import amount_field
from patron.parties.models import Party


class ScoringRun(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    observation_end = models.DateTimeField()
    model = models.CharField(max_length=10, blank=True, help_text="bgnbd, pnbd or blank.")
    params = models.JSONField(default=dict, blank=True)
    log_likelihood = models.FloatField(null=True, blank=True)
    customer_count = models.PositiveIntegerField(default=0)
    buyer_count = models.PositiveIntegerField(default=0)
    settings = models.JSONField(default=dict, blank=True)
    notes = models.TextField(blank=True, help_text="Why a model was skipped or replaced.")
    triggered_by = models.ForeignKey(
        django_settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["status", "-id"], name="scoringrun_status_idx")]

    def __str__(self) -> str:
        return f"Scoring run {self.pk} ({self.status})"


class CustomerScore(models.Model):
    class ChurnRisk(models.TextChoices):
        NONE = "", "Not scored"
        LOW = "low", "Low"
        MEDIUM = "medium", "Medium"
        HIGH = "high", "High"

    run = models.ForeignKey(ScoringRun, on_delete=models.CASCADE, related_name="scores")
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="+")
    recency_days = models.IntegerField(null=True, blank=True)
    frequency = models.IntegerField(default=0, help_text="Days with an order (non-cancelled).")
    monetary_value = amount_field(default=0, help_text="Total spend over the history.")
    r_score = models.PositiveSmallIntegerField(default=0)
    f_score = models.PositiveSmallIntegerField(default=0)
    m_score = models.PositiveSmallIntegerField(default=0)
    rfm_segment = models.CharField(max_length=40, blank=True)
    p_alive = models.FloatField(null=True, blank=True)
    expected_purchases_12m = models.FloatField(null=True, blank=True)
    expected_spend_12m = models.FloatField(null=True, blank=True)
    clv_model = models.FloatField(null=True, blank=True)
    clv_simple = models.FloatField(null=True, blank=True)
    is_lapsed = models.BooleanField(default=False)
    churn_risk = models.CharField(max_length=6, choices=ChurnRisk.choices, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "party"], name="score_run_party_unique"),
        ]
        indexes = [models.Index(fields=["party", "run"], name="score_party_run_idx")]

    def __str__(self) -> str:
        return f"Score of party {self.party_id} in run {self.run_id}"
