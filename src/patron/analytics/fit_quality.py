"""Goodness of fit of the transaction models: holdout tests and cumulative tracking.

The two checks of Fader, Hardie & Lee (2005), "Counting your customers the easy way",
*Marketing Science* 24(2): conditional expectations (for the customers who
made 0, 1, ..., 7+ repeat purchases in the calibration period, the mean number of
purchases they made in the holdout period against the model's prediction) and tracking
(cumulative repeat transactions of the whole cohort, week by week, actual against
expected).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from patron.analytics._base import FloatArray, as_float_array

__all__ = [
    "CumulativeTracking",
    "FrequencyBuckets",
    "calibration_holdout_by_frequency",
    "cumulative_tracking",
]


class _ConditionalModel(Protocol):
    def conditional_expected_purchases(
        self, t: Any, frequency: Any, recency: Any, T: Any
    ) -> FloatArray: ...


class _UnconditionalModel(Protocol):
    def expected_purchases(self, t: Any) -> FloatArray: ...


@dataclass(frozen=True)
class FrequencyBuckets:
    """Calibration-vs-holdout comparison by calibration frequency.

    Attributes
    ----------
    frequency : ndarray of int
        Calibration repeat purchases 0, 1, ..., ``max_frequency`` (the last bucket holds
        everyone with at least that many).
    customers : ndarray of int
        Customers in each bucket.
    actual : ndarray of float
        Mean purchases in the holdout period (NaN for an empty bucket).
    predicted : ndarray of float
        Mean conditional expected purchases over the holdout period (NaN if empty).
    """

    frequency: npt.NDArray[np.int64]
    customers: npt.NDArray[np.int64]
    actual: FloatArray
    predicted: FloatArray


@dataclass(frozen=True)
class CumulativeTracking:
    """Cumulative repeat transactions of a cohort: actual and expected at each time.

    Attributes
    ----------
    times : ndarray
        The times asked for (same time unit and origin as the first purchases).
    actual : ndarray
        Repeat transactions observed up to each time.
    expected : ndarray
        Model expectation ``Σ_i E[X(t - first_i)]`` over the customers already acquired.
    """

    times: FloatArray
    actual: FloatArray
    expected: FloatArray


def calibration_holdout_by_frequency(
    model: _ConditionalModel,
    frequency: Any,
    recency: Any,
    T: Any,
    holdout_frequency: Any,
    holdout_duration: Any,
    *,
    max_frequency: int = 7,
) -> FrequencyBuckets:
    """Mean holdout purchases against the model's conditional expectation, per bucket.

    Fader, Hardie & Lee (2005), conditional expectations: customers are grouped by their calibration
    repeat purchases x (0..``max_frequency``, the last group open-ended); for each group
    the mean actual number of holdout purchases is set against the mean of
    ``E[Y(t) | x, t_x, T]`` with t the holdout length (eq. 10 for BG/NBD; SMC's
    equivalent for Pareto/NBD).

    Parameters
    ----------
    model : fitted transaction model
        Anything with ``conditional_expected_purchases(t, frequency, recency, T)``.
    frequency, recency, T : array_like
        Calibration-period summaries.
    holdout_frequency : array_like
        Purchases each customer made in the holdout period.
    holdout_duration : float or array_like
        Length of the holdout period (per customer or one value), in the model's unit.
    max_frequency : int, default 7
        Last (open) bucket.
    """
    x = as_float_array("frequency", frequency)
    actual = as_float_array("holdout_frequency", holdout_frequency)
    if actual.shape != x.shape:
        raise ValueError("holdout_frequency must have one value per customer")
    if np.any(actual < 0):
        raise ValueError("holdout_frequency must be non-negative")
    if int(max_frequency) != max_frequency or max_frequency < 1:
        raise ValueError("max_frequency must be a whole number >= 1")
    duration = np.broadcast_to(np.asarray(holdout_duration, dtype=np.float64), x.shape)
    predicted = np.asarray(model.conditional_expected_purchases(duration, x, recency, T))
    bucket = np.minimum(x, max_frequency).astype(np.int64)
    size = int(max_frequency) + 1
    customers = np.bincount(bucket, minlength=size)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_actual = np.bincount(bucket, weights=actual, minlength=size) / customers
        mean_predicted = np.bincount(bucket, weights=predicted, minlength=size) / customers
    return FrequencyBuckets(
        frequency=np.arange(size, dtype=np.int64),
        customers=customers.astype(np.int64),
        actual=mean_actual,
        predicted=mean_predicted,
    )


def cumulative_tracking(
    model: _UnconditionalModel,
    first_purchase: Any,
    repeat_purchase_times: Any,
    times: Any,
) -> CumulativeTracking:
    """Cumulative repeat transactions, actual vs expected, at the given times.

    Fader, Hardie & Lee (2005), cumulative tracking: a customer acquired at ``s_i`` is expected to
    have made ``E[X(t - s_i)]`` repeat purchases by time t (eq. 9 for BG/NBD), so the
    cohort's expected total is the sum over the customers acquired by t.

    Parameters
    ----------
    model : fitted transaction model
        Anything with ``expected_purchases(t)``.
    first_purchase : array_like
        Time of each customer's first purchase (model time unit, common origin).
    repeat_purchase_times : array_like
        Times of all repeat purchases of those customers (same unit and origin).
    times : array_like
        Times at which to compare (e.g. the end of every week).
    """
    first = as_float_array("first_purchase", first_purchase)
    repeats = as_float_array("repeat_purchase_times", repeat_purchase_times)
    grid = as_float_array("times", times)
    starts, counts = np.unique(first, return_counts=True)
    age = np.maximum(grid[None, :] - starts[:, None], 0.0)
    expected = counts @ np.asarray(model.expected_purchases(age))
    actual = np.searchsorted(np.sort(repeats), grid, side="right").astype(np.float64)
    return CumulativeTracking(times=grid, actual=actual, expected=np.asarray(expected))
