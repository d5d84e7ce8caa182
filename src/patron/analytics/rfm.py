"""RFM scoring: recency, frequency and monetary scores and the classic named segments.

Hughes (1994), *Strategic Database Marketing*: each purchaser gets a score from 1 to
``bins`` (quintiles by default) on Recency (how recently they bought; ``bins`` = most
recent), Frequency (how often) and Monetary value (how much). Customers who never bought
are not scored (score 0) because quintiles are taken over purchasers only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from patron.analytics._base import FloatArray, as_float_array

__all__ = ["RFM_SEGMENTS", "SEGMENT_GRID", "RFMScores", "rfm_scores", "rfm_segments"]

IntArray = npt.NDArray[np.int64]

SEGMENT_GRID: tuple[tuple[str, ...], ...] = (
    # Columns are FM = 1..5.
    ("Lost", "Hibernating", "At risk", "Cannot lose them", "Cannot lose them"),  # R = 1
    ("Hibernating", "About to sleep", "At risk", "At risk", "Cannot lose them"),  # R = 2
    ("About to sleep", "Need attention", "Need attention", "Loyal customers", "Loyal customers"),
    ("Promising", "Potential loyalists", "Loyal customers", "Champions", "Champions"),  # R = 4
    ("New customers", "Potential loyalists", "Potential loyalists", "Champions", "Champions"),
)
"""Segment of each (R, FM) cell: ``SEGMENT_GRID[R - 1][FM - 1]`` (rows R = 1..5)."""

RFM_SEGMENTS: tuple[str, ...] = (
    "Champions",
    "Loyal customers",
    "Potential loyalists",
    "New customers",
    "Promising",
    "Need attention",
    "About to sleep",
    "At risk",
    "Cannot lose them",
    "Hibernating",
    "Lost",
)
"""The named segments, from most to least valuable relationship."""


@dataclass(frozen=True)
class RFMScores:
    """Scores 1..bins per customer (0 for customers who never bought).

    Attributes
    ----------
    recency, frequency, monetary : ndarray of int
        The three scores; ``bins`` is the best (most recent, most frequent, highest).
    segment : ndarray of str or None
        Named segment per customer ("" when unscored); only for ``bins == 5``.
    """

    recency: IntArray
    frequency: IntArray
    monetary: IntArray
    segment: npt.NDArray[np.str_] | None


def rfm_scores(
    recency_days: Any,
    frequency: Any,
    monetary: Any,
    *,
    method: Literal["cutpoints", "rank"] = "cutpoints",
    bins: int = 5,
) -> RFMScores:
    """Score every purchaser 1..``bins`` on recency, frequency and monetary value.

    Parameters
    ----------
    recency_days : array_like
        Days since each customer's last purchase (non-negative).
    frequency : array_like
        Number of purchases; customers with 0 are not scored.
    monetary : array_like
        Spend (total or mean per purchase) of each customer.
    method : {"cutpoints", "rank"}, default "cutpoints"
        ``"cutpoints"``: the ``bins``-quantiles of the purchasers' values are the cut
        points; equal values always get equal scores, so heavily tied data (many
        customers with one purchase) fill the groups unevenly. ``"rank"``: customers
        are ranked (ties broken by their order in the input) and split into ``bins``
        groups of equal size, so every score holds n/bins customers (±1).
    bins : int, default 5
        Number of score levels (5 = quintiles).

    Returns
    -------
    RFMScores
        Scores and, for five bins, the named segment of each customer
        (see :func:`rfm_segments`).

    Raises
    ------
    ValueError
        If the columns differ in length, hold negative days or purchases, or the method
        or the number of bins is not supported.
    """
    days = as_float_array("recency_days", recency_days)
    count = as_float_array("frequency", frequency)
    spend = as_float_array("monetary", monetary)
    if not (days.shape == count.shape == spend.shape):
        raise ValueError(
            "recency_days, frequency and monetary must have the same length "
            f"(got {days.shape[0]}, {count.shape[0]}, {spend.shape[0]})"
        )
    if np.any(days < 0):
        raise ValueError("recency_days must be non-negative (days since the last purchase)")
    if np.any(count < 0):
        raise ValueError("frequency must be non-negative")
    if method not in ("cutpoints", "rank"):
        raise ValueError(f"method must be 'cutpoints' or 'rank', got {method!r}")
    if int(bins) != bins or bins < 2:
        raise ValueError(f"bins must be a whole number >= 2, got {bins}")
    purchasers = count > 0
    score = _score_rank if method == "rank" else _score_cutpoints
    scores = []
    # Fewer days since the last purchase is better, so recency is scored on -days.
    for values in (-days, count, spend):
        out = np.zeros(days.shape[0], dtype=np.int64)
        out[purchasers] = score(values[purchasers], int(bins))
        scores.append(out)
    recency, freq, money = scores
    segment = rfm_segments(recency, freq, money) if bins == 5 else None
    return RFMScores(recency=recency, frequency=freq, monetary=money, segment=segment)


def _score_cutpoints(values: FloatArray, bins: int) -> IntArray:
    if values.size == 0:
        return np.zeros(0, dtype=np.int64)
    cuts = np.quantile(values, np.arange(1, bins) / bins)
    return np.searchsorted(cuts, values, side="left").astype(np.int64) + 1


def _score_rank(values: FloatArray, bins: int) -> IntArray:
    n = values.size
    ranks = np.empty(n, dtype=np.int64)
    ranks[np.argsort(values, kind="stable")] = np.arange(n)
    return (ranks * bins // max(n, 1)).astype(np.int64) + 1


def rfm_segments(recency: Any, frequency: Any, monetary: Any) -> npt.NDArray[np.str_]:
    """Named segment of each customer from R, F and M scores on a 1-5 scale.

    F and M are combined into ``FM = round_half_up((F + M) / 2)`` and the segment is
    read from the 5 × 5 grid :data:`SEGMENT_GRID` (every cell has exactly one segment,
    so every scored customer gets one):

    - R = 5: New customers, Potential loyalists, Potential loyalists, Champions, Champions
    - R = 4: Promising, Potential loyalists, Loyal customers, Champions, Champions
    - R = 3: About to sleep, Need attention, Need attention, Loyal customers, Loyal customers
    - R = 2: Hibernating, About to sleep, At risk, At risk, Cannot lose them
    - R = 1: Lost, Hibernating, At risk, Cannot lose them, Cannot lose them

    (the five entries of a row are FM = 1..5).

    In words: *Champions* bought recently (R ≥ 4) and often/much (FM ≥ 4); *Loyal
    customers* buy well with fair recency; *Potential loyalists* are recent with middling
    value; *New customers* are the most recent with the lowest value (typically one
    purchase); *Promising* are recent, low value; *Need attention* are average on both;
    *About to sleep* are below average on both; *At risk* spent fairly but long ago;
    *Cannot lose them* spent most but long ago; *Hibernating* are long ago and low value;
    *Lost* are the lowest on both. Customers with a 0 score (never bought) get "".

    Parameters
    ----------
    recency, frequency, monetary : array_like of int
        Scores from :func:`rfm_scores` with ``bins=5``.
    """
    r = np.asarray(recency, dtype=np.int64)
    f = np.asarray(frequency, dtype=np.int64)
    m = np.asarray(monetary, dtype=np.int64)
    if not (r.shape == f.shape == m.shape):
        raise ValueError("recency, frequency and monetary scores must have the same shape")
    scored = (r > 0) & (f > 0) & (m > 0)
    if np.any((r < 0) | (r > 5) | (f < 0) | (f > 5) | (m < 0) | (m > 5)):
        raise ValueError("segments need scores on a 1-5 scale (0 = not scored)")
    fm = (f + m + 1) // 2
    grid = np.array(SEGMENT_GRID)
    out = np.full(r.shape, "", dtype=grid.dtype)
    out[scored] = grid[r[scored] - 1, fm[scored] - 1]
    return out
