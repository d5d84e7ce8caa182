"""The teaching formula of customer lifetime value (CONCEPTS.md §2).

A customer yields margin ``m`` per period, stays another period with probability
(retention rate) ``r``, and money is discounted at ``d`` per period. Counting the current
period's margin undiscounted, the expected discounted value is the geometric series

    CLV = Σ_{t=0}^{H-1} m · (r / (1 + d))^t,

which for an infinite horizon sums to ``m (1 + d) / (1 + d - r)`` (Gupta & Lehmann 2003,
"Customers as assets", *Journal of Interactive Marketing* 17(1), with the margin of
period 0 included; Berger & Nasr 1998, case 1).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from patron.analytics._base import FloatArray

__all__ = ["clv_simple"]


def clv_simple(margin: Any, retention: Any, discount: Any, horizon: Any = None) -> FloatArray:
    """Expected discounted margin of a customer (or segment), vectorised.

    Parameters
    ----------
    margin : array_like
        Margin per period ``m`` (any currency unit; may be negative).
    retention : array_like
        Probability ``r`` of staying from one period to the next, in [0, 1].
    discount : array_like
        Discount rate ``d`` per period, > -1.
    horizon : array_like of int, optional
        Number of periods ``H`` counted (the current one included). ``None`` means an
        infinite horizon: ``m (1 + d) / (1 + d - r)``; the finite sum
        ``m (1 - ρ^H) / (1 - ρ)`` with ``ρ = r / (1 + d)`` tends to it as H grows.

    Returns
    -------
    ndarray
        CLV for the broadcast shape of the inputs.

    Raises
    ------
    ValueError
        If retention is outside [0, 1], the discount rate is not > -1, the horizon is
        not a non-negative whole number, or the infinite sum diverges (r ≥ 1 + d).

    Examples
    --------
    >>> float(clv_simple(100, 0.8, 0.1))
    366.66666666666663
    >>> float(clv_simple(100, 0.8, 0.1, horizon=2))
    172.72727272727272
    """
    m = np.asarray(margin, dtype=np.float64)
    r = np.asarray(retention, dtype=np.float64)
    d = np.asarray(discount, dtype=np.float64)
    for name, values in (("margin", m), ("retention", r), ("discount", d)):
        if not np.all(np.isfinite(values)):
            raise ValueError(f"{name} must be finite")
    if np.any((r < 0) | (r > 1)):
        raise ValueError("retention must be a probability in [0, 1]")
    if np.any(d <= -1):
        raise ValueError("discount must be greater than -1")
    rho = r / (1 + d)
    if horizon is None:
        if np.any(rho >= 1):
            raise ValueError(
                "the infinite-horizon CLV diverges when retention >= 1 + discount; "
                "give a finite horizon"
            )
        return np.asarray(m * (1 + d) / (1 + d - r), dtype=np.float64)
    h = np.asarray(horizon, dtype=np.float64)
    if np.any(~np.isfinite(h)) or np.any(h < 0) or np.any(h != np.round(h)):
        raise ValueError("horizon must hold non-negative whole numbers of periods")
    near_one = np.abs(1 - rho) < 1e-12
    safe = np.where(near_one, 0.5, rho)
    # (1 - ρ^H) / (1 - ρ) computed as expm1(H log ρ) / (ρ - 1): exact for ρ = 0 too.
    with np.errstate(divide="ignore"):
        series = np.where(
            safe > 0, np.expm1(h * np.log(safe)) / (safe - 1), np.where(h > 0, 1.0, 0.0)
        )
    return np.asarray(m * np.where(near_one, h, series), dtype=np.float64)
