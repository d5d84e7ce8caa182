"""The demo's customer scores: one refresh over the generated history."""

from __future__ import annotations

import datetime as dt

from patron.insights.services import scores_refresh


def load_demo_data(*, seed: int, as_of: dt.date) -> dict[str, int]:
    """Score every demo customer as of the end of the generated history.

    ``seed`` is unused: the scores follow from the data, not from chance.
    """
    del seed
    end = dt.datetime.combine(as_of, dt.time.max, tzinfo=dt.UTC)
    run = scores_refresh(actor=None, now=end)
    return {"scored customers": run.customer_count}
