"""Customer-base analytics: pure numeric models over numpy arrays (no Django, no I/O).

Probabilistic "buy till you die" models fitted by maximum likelihood, per-customer
summaries of transaction logs, and the simpler marketing measures (RFM, teaching CLV).
Usable from a notebook like lifetimes; ``patron.insights`` applies it to the database.
"""

from patron.analytics._base import BaseFitter, FitError, NotFittedError

__all__ = [
    "BaseFitter",
    "FitError",
    "NotFittedError",
]
