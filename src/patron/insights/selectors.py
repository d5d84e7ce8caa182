"""Reads of customer scores, scoped by who may see customers."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from patron.accounts.permissions import can_view_customers
from patron.insights.models import CustomerScore, ScoringRun


def latest_run() -> ScoringRun | None:
    """The most recent successful scoring run."""
    return ScoringRun.objects.filter(status=ScoringRun.Status.SUCCEEDED).order_by("-id").first()


def latest_scores_for(party_ids: Iterable[int], *, user: Any) -> dict[int, CustomerScore]:
    """Each party's score from the latest successful run (two indexed queries)."""
    if not can_view_customers(user):
        return {}
    run = latest_run()
    if run is None:
        return {}
    scores = CustomerScore.objects.filter(run=run, party_id__in=list(party_ids))
    return {score.party_id: score for score in scores}


def score_for_party(party_id: int, *, user: Any) -> CustomerScore | None:
    """The party's most recent score with its run (one query on the (party, run) index)."""
    if not can_view_customers(user):
        return None
    return (
        CustomerScore.objects.filter(party_id=party_id)
        .select_related("run")
        .order_by("-run_id")
        .first()
    )


def run_list(*, user: Any, limit: int = 50) -> QuerySet[ScoringRun]:
    """The latest scoring runs, newest first."""
    if not can_view_customers(user):
        return ScoringRun.objects.none()
    return ScoringRun.objects.order_by("-id")[:limit]
