"""The "Scores" box on the customer page (discovered by ``web.panels``).

Shows the customer's latest scores (RFM, P(alive), expected purchases and spend, both
CLVs, lapse and churn risk) from one query on the (party, run) index.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from patron.insights.selectors import score_for_party

CHURN_BADGES = {"low": "badge-success", "medium": "badge-warning", "high": "badge-danger"}


def scores_context(*, party: Any, user: Any) -> Mapping[str, Any] | None:
    """The latest score of ``party``, or None (panel hidden) before the first refresh."""
    score = score_for_party(party.pk, user=user)
    if score is None:
        return None
    return {
        "score": score,
        "run": score.run,
        "churn_badge": CHURN_BADGES.get(score.churn_risk, ""),
        "p_alive_percent": None if score.p_alive is None else round(100 * score.p_alive),
    }


PANELS = [
    {
        "key": "insights.scores",
        "title": "Scores",
        "template": "insights/panel.html",
        "context": scores_context,
        "order": 20,
        "column": "side",
    }
]
