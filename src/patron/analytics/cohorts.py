"""Cohort retention: of the customers who first bought in a period, who buys again later.

The classic acquisition-cohort table (e.g. Fader & Hardie 2010, "Customer-base valuation
in a contractual setting: the perils of ignoring heterogeneity", *Marketing Science*
29(1), for its use): customers are grouped by the period of their first purchase, and
cell (cohort c, offset k) is the share of cohort c that made at least one purchase in
period c + k. Offset 0 is 1 by construction; cells beyond the end of the data are NaN
(not observed, unlike 0 = nobody came back).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from patron.analytics._base import FloatArray

__all__ = ["CohortRetention", "cohort_retention"]

Period = Literal["D", "W", "M", "Q", "Y"]
_PERIODS = ("D", "W", "M", "Q", "Y")
_MONDAY_OFFSET = 3
"""1970-01-01 was a Thursday: adding 3 days makes week numbers start on Mondays."""


@dataclass(frozen=True)
class CohortRetention:
    """A cohort × period-offset table.

    Attributes
    ----------
    period : str
        The period length used ("D", "W" (weeks from Monday), "M", "Q", "Y").
    cohorts : ndarray of datetime64[D]
        First day of each cohort's acquisition period, oldest first.
    sizes : ndarray of int
        Customers in each cohort.
    active : ndarray of int, shape (cohorts, offsets)
        Customers of the cohort with a purchase in period cohort + offset.
    retention : ndarray of float, shape (cohorts, offsets)
        ``active / sizes``; NaN where the period lies after the last one in the data.
    """

    period: str
    cohorts: npt.NDArray[np.datetime64]
    sizes: npt.NDArray[np.int64]
    active: npt.NDArray[np.int64]
    retention: FloatArray


def cohort_retention(
    customer_ids: Any, timestamps: Any, *, period: Period = "M"
) -> CohortRetention:
    """Build the retention table of acquisition cohorts from a purchase log.

    Parameters
    ----------
    customer_ids : array_like
        Customer of each purchase (any hashable values: ints, strings).
    timestamps : array_like
        Date or time of each purchase: numpy datetime64, ``datetime``/``date`` objects
        (timezone-aware ones are converted to UTC), ISO strings, or pandas/polars
        columns.
    period : {"D", "W", "M", "Q", "Y"}, default "M"
        Length of a cohort period: day, week (Monday to Sunday), month, quarter, year.

    Returns
    -------
    CohortRetention

    Raises
    ------
    ValueError
        If the columns differ in length, are empty, contain missing dates, or the
        period is unknown.
    """
    if period not in _PERIODS:
        raise ValueError(f"period must be one of {list(_PERIODS)}, got {period!r}")
    ids = _to_numpy(customer_ids)
    days = _to_days(timestamps)
    if ids.ndim != 1 or ids.shape[0] != days.shape[0]:
        raise ValueError(
            f"customer_ids and timestamps must be 1-D and of the same length "
            f"(got {ids.shape} and {days.shape})"
        )
    if days.shape[0] == 0:
        raise ValueError("no purchases: the log is empty")
    index = _period_index(days, period)
    _, customer = np.unique(ids, return_inverse=True)
    customer = customer.ravel()
    n_customers = int(customer.max()) + 1
    first = np.full(n_customers, np.iinfo(np.int64).max)
    np.minimum.at(first, customer, index)
    cohort_values, cohort_of = np.unique(first, return_inverse=True)
    offset = index - first[customer]
    width = int(index.max() - cohort_values.min()) + 1
    # One count per customer and period, however many purchases fall in it.
    cell = np.unique(customer * width + offset)
    cell_customer, cell_offset = np.divmod(cell, width)
    active = np.zeros((cohort_values.size, width), dtype=np.int64)
    np.add.at(active, (cohort_of[cell_customer], cell_offset), 1)
    sizes = np.bincount(cohort_of, minlength=cohort_values.size).astype(np.int64)
    observable = np.arange(width)[None, :] <= (index.max() - cohort_values)[:, None]
    retention = np.where(observable, active / sizes[:, None], np.nan)
    return CohortRetention(
        period=period,
        cohorts=_period_start(cohort_values, period),
        sizes=sizes,
        active=active,
        retention=retention,
    )


def _to_numpy(values: Any) -> npt.NDArray[Any]:
    if hasattr(values, "to_numpy"):
        values = values.to_numpy()
    return np.asarray(values)


def _to_days(timestamps: Any) -> npt.NDArray[np.int64]:
    raw = _to_numpy(timestamps)
    if raw.dtype == object:
        raw = np.array([_naive_utc(value) for value in raw], dtype="datetime64[us]")
    try:
        days = raw.astype("datetime64[D]")
    except (TypeError, ValueError) as exc:
        raise ValueError(f"timestamps must be dates or datetimes: {exc}") from None
    if np.any(np.isnat(days)):
        raise ValueError("timestamps contains missing dates")
    return days.astype(np.int64)


def _naive_utc(value: Any) -> Any:
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None)
    return value


def _period_index(days: npt.NDArray[np.int64], period: str) -> npt.NDArray[np.int64]:
    if period == "D":
        return days
    if period == "W":
        return (days + _MONDAY_OFFSET) // 7
    months = days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    if period == "M":
        return months
    if period == "Q":
        return months // 3
    return months // 12


def _period_start(index: npt.NDArray[np.int64], period: str) -> npt.NDArray[np.datetime64]:
    if period == "D":
        return index.astype("datetime64[D]")
    if period == "W":
        return (index * 7 - _MONDAY_OFFSET).astype("datetime64[D]")
    months = {"M": 1, "Q": 3, "Y": 12}[period]
    return (index * months).astype("datetime64[M]").astype("datetime64[D]")
