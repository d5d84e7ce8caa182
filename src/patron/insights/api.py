"""/api/v1/parties/{id}/scores and /api/v1/insights/runs: customer scores and their runs.

Reads go through ``insights.selectors`` (scoped to the user); this module only translates
HTTP to those calls.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema

from patron.accounts.permissions import can_view_customers, require
from patron.core.api import ERRORS, actor, found
from patron.insights import selectors
from patron.parties.selectors import party_queryset

router = Router(tags=["insights"])


class ScoreOut(Schema):
    party_id: int
    run_id: int
    scored_at: dt.datetime | None = Field(None, alias="run.finished_at")
    recency_days: int | None
    frequency: int
    monetary_value: str
    r_score: int
    f_score: int
    m_score: int
    rfm_segment: str
    p_alive: float | None
    expected_purchases_12m: float | None
    expected_spend_12m: float | None
    clv_model: float | None
    clv_simple: float | None
    is_lapsed: bool
    churn_risk: str

    @staticmethod
    def resolve_monetary_value(obj: Any) -> str:
        return str(obj.monetary_value)


class RunOut(Schema):
    id: int
    status: str
    started_at: dt.datetime
    finished_at: dt.datetime | None
    observation_end: dt.datetime
    model: str
    params: dict[str, Any]
    log_likelihood: float | None
    customer_count: int
    buyer_count: int
    settings: dict[str, Any]
    notes: str


class RunFilter(Schema):
    limit: int = Field(50, ge=1, le=500)


@router.get("/parties/{party_id}/scores", response={200: ScoreOut, **ERRORS})
def party_scores(request: HttpRequest, party_id: int) -> Any:
    """The customer's latest scores (404 when the customer is unknown or not yet scored)."""
    user = actor(request)
    require(can_view_customers(user), "You may not see customers.")
    found(party_queryset(user=user).filter(pk=party_id).only("pk").first())
    score = selectors.score_for_party(party_id, user=user)
    if score is None:
        raise Http404("This customer has not been scored yet: run `patron analytics refresh`.")
    return score


@router.get("/insights/runs", response={200: list[RunOut], **ERRORS})
def runs(request: HttpRequest, filters: Query[RunFilter]) -> Any:
    """The latest scoring runs, newest first."""
    user = actor(request)
    require(can_view_customers(user), "You may not see customer scores.")
    return list(selectors.run_list(user=user, limit=filters.limit))
