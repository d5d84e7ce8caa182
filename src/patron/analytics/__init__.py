"""Customer-base analytics: pure numeric models over numpy arrays (no Django, no I/O).

Probabilistic "buy till you die" models fitted by maximum likelihood, per-customer
summaries of transaction logs, and the simpler marketing measures (RFM, teaching CLV).
Usable from a notebook like lifetimes; ``patron.insights`` applies it to the database.
"""

from patron.analytics._base import BaseFitter, FitError, NotFittedError
from patron.analytics.bgbb import BetaGeoBetaBinom
from patron.analytics.bgnbd import BetaGeo, ModifiedBetaGeo
from patron.analytics.pnbd import ParetoNBD
from patron.analytics.sbg import ShiftedBetaGeometric, survivors_to_durations
from patron.analytics.summary import TransactionSummary, summarize_transactions

__all__ = [
    "BaseFitter",
    "BetaGeo",
    "BetaGeoBetaBinom",
    "FitError",
    "ModifiedBetaGeo",
    "NotFittedError",
    "ParetoNBD",
    "ShiftedBetaGeometric",
    "TransactionSummary",
    "summarize_transactions",
    "survivors_to_durations",
]
