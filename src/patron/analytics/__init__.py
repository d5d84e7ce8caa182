"""Customer-base analytics: pure numeric models over numpy arrays (no Django, no I/O).

Probabilistic "buy till you die" models fitted by maximum likelihood, per-customer
summaries of transaction logs, and the simpler marketing measures (RFM, teaching CLV).
Usable from a notebook like lifetimes; ``patron.insights`` applies it to the database.
"""

from patron.analytics._base import BaseFitter, FitError, NotFittedError
from patron.analytics.bgbb import BetaGeoBetaBinom
from patron.analytics.bgnbd import BetaGeo, ModifiedBetaGeo
from patron.analytics.clv import clv_simple
from patron.analytics.cohorts import CohortRetention, cohort_retention
from patron.analytics.fit_quality import (
    CumulativeTracking,
    FrequencyBuckets,
    calibration_holdout_by_frequency,
    cumulative_tracking,
)
from patron.analytics.gammagamma import GammaGamma
from patron.analytics.pnbd import ParetoNBD
from patron.analytics.rfm import RFM_SEGMENTS, SEGMENT_GRID, RFMScores, rfm_scores, rfm_segments
from patron.analytics.sbg import ShiftedBetaGeometric, survivors_to_durations
from patron.analytics.summary import TransactionSummary, summarize_transactions

__all__ = [
    "RFM_SEGMENTS",
    "SEGMENT_GRID",
    "BaseFitter",
    "BetaGeo",
    "BetaGeoBetaBinom",
    "CohortRetention",
    "CumulativeTracking",
    "FitError",
    "FrequencyBuckets",
    "GammaGamma",
    "ModifiedBetaGeo",
    "NotFittedError",
    "ParetoNBD",
    "RFMScores",
    "ShiftedBetaGeometric",
    "TransactionSummary",
    "calibration_holdout_by_frequency",
    "clv_simple",
    "cohort_retention",
    "cumulative_tracking",
    "rfm_scores",
    "rfm_segments",
    "summarize_transactions",
    "survivors_to_durations",
]
