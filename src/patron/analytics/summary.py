"""Per-customer recency/frequency/monetary summaries of a transaction log.

The "buy till you die" models are fitted on ``(x, t_x, T)`` per customer: ``x`` repeat
purchases, ``t_x`` the time of the last purchase and ``T`` the customer's age, both measured
from the first purchase (Fader, Hardie & Lee 2005, section 2). This module derives them
from raw ``(customer, timestamp[, value])`` rows with sorts and segmented reductions only,
so a log of millions of rows is summarised without a Python loop per customer.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from patron.analytics._base import FloatArray, as_float_array

IntArray = npt.NDArray[np.int64]

PERIODS = ("h", "D", "W", "M")
"""Accepted ``period`` codes: hours, days, weeks (Monday to Sunday) and calendar months."""

_DAYS_FROM_MONDAY_AT_EPOCH = 3  # 1970-01-01 was a Thursday


@dataclass(frozen=True)
class TransactionSummary:
    """Per-customer summary; every array has one entry per customer, in ``customer_id`` order.

    Attributes
    ----------
    customer_id : ndarray
        The distinct customer ids (sorted).
    frequency : ndarray
        Repeat purchases ``x``: distinct purchase periods minus one.
    recency : ndarray
        ``t_x``: periods from the first to the last purchase (0 without repeat purchases).
    T : ndarray
        Periods from the first purchase to the end of the (calibration) observation.
    monetary_value : ndarray or None
        Mean value of the repeat purchases (0 without repeat purchases); ``None`` when no
        values were given. The first purchase is left out, as Gamma-Gamma requires.
    frequency_holdout : ndarray or None
        Purchase periods after ``calibration_end`` (only with ``calibration_end``).
    monetary_value_holdout : ndarray or None
        Mean value of the holdout purchases (0 without any).
    duration_holdout : float or None
        Length of the holdout period, in periods.
    """

    customer_id: npt.NDArray[Any]
    frequency: FloatArray
    recency: FloatArray
    T: FloatArray
    monetary_value: FloatArray | None = None
    frequency_holdout: FloatArray | None = None
    monetary_value_holdout: FloatArray | None = None
    duration_holdout: float | None = None

    def __len__(self) -> int:
        return int(self.customer_id.shape[0])


def summarize_transactions(
    customer_ids: Any,
    timestamps: Any,
    values: Any = None,
    *,
    period: str = "W",
    observation_end: Any = None,
    calibration_end: Any = None,
) -> TransactionSummary:
    """Summarise a transaction log into per-customer frequency, recency, T and spend.

    Purchases in the same period (e.g. two orders in one week with ``period="W"``) count as
    one purchase whose value is their sum, as in lifetimes'
    ``summary_data_from_transaction_data``.

    Parameters
    ----------
    customer_ids : array_like
        Customer of each transaction (any sortable ids; numpy, pandas or polars column).
    timestamps : array_like
        When each transaction happened (datetime64, ISO strings, datetimes).
    values : array_like, optional
        Monetary value of each transaction.
    period : {"h", "D", "W", "M"}, default "W"
        Time unit of ``recency`` and ``T`` and the granularity at which purchases collapse.
    observation_end : date-like, optional
        End of observation; default the last timestamp. Later transactions are ignored.
    calibration_end : date-like, optional
        End of the calibration period. When given, ``frequency``, ``recency``, ``T`` and
        ``monetary_value`` describe the calibration period only, customers first seen after
        it are left out, and the holdout fields count the purchases after it.

    Returns
    -------
    TransactionSummary

    Raises
    ------
    ValueError
        For mismatched lengths, an unknown period, unparsable dates, or
        ``calibration_end`` not before ``observation_end``.
    """
    if period not in PERIODS:
        raise ValueError(f"period must be one of {PERIODS}, got {period!r}")
    ids = _as_array(customer_ids)
    stamps = _as_datetime("timestamps", timestamps)
    if ids.ndim != 1 or ids.shape[0] != stamps.shape[0]:
        raise ValueError(
            f"customer_ids and timestamps must be 1-D of the same length "
            f"(got {ids.shape} and {stamps.shape})"
        )
    amounts = None
    if values is not None:
        amounts = as_float_array("values", values)
        if amounts.shape[0] != ids.shape[0]:
            raise ValueError(f"values has {amounts.shape[0]} rows, timestamps {ids.shape[0]}")
    if ids.shape[0] == 0:
        raise ValueError("no transactions to summarise")

    stamp_periods = _to_periods(stamps, period)
    end_stamp = stamps.max() if observation_end is None else _as_instant(observation_end)
    end = int(_to_periods(np.array([end_stamp]), period)[0])
    keep = stamps <= end_stamp
    cal_end = None
    if calibration_end is not None:
        cal_stamp = _as_instant(calibration_end)
        if cal_stamp >= end_stamp:
            raise ValueError("calibration_end must be before observation_end")
        cal_end = int(_to_periods(np.array([cal_stamp]), period)[0])
        in_calibration = stamps <= cal_stamp
    else:
        in_calibration = np.ones(ids.shape[0], dtype=bool)
    if not np.any(keep & in_calibration):
        raise ValueError("no transactions before the end of the (calibration) period")

    customer_index, stamp_periods, amounts, in_calibration, customers = _collapse(
        ids[keep],
        stamp_periods[keep],
        None if amounts is None else amounts[keep],
        in_calibration[keep],
    )
    n_customers = customers.shape[0]

    cal = in_calibration
    cal_customer = customer_index[cal]
    cal_periods = stamp_periods[cal]
    counts = np.bincount(cal_customer, minlength=n_customers)
    seen = counts > 0
    # Rows are sorted by (customer, period): a customer's first and last purchase periods
    # sit at the ends of their run of rows.
    ends = np.cumsum(counts)
    first = np.zeros(n_customers, dtype=np.int64)
    last = np.zeros(n_customers, dtype=np.int64)
    first[seen] = cal_periods[(ends - counts)[seen]]
    last[seen] = cal_periods[ends[seen] - 1]

    frequency = (counts - 1)[seen].astype(np.float64)
    recency = (last - first)[seen].astype(np.float64)
    horizon = end if cal_end is None else cal_end
    age = (horizon - first)[seen].astype(np.float64)

    monetary = None
    if amounts is not None:
        # The first purchase is the row whose period equals the customer's first period.
        is_first = cal_periods == first[cal_customer]
        repeat_total = np.bincount(
            cal_customer, weights=np.where(is_first, 0.0, amounts[cal]), minlength=n_customers
        )[seen]
        monetary = np.divide(
            repeat_total, frequency, out=np.zeros_like(repeat_total), where=frequency > 0
        )

    summary = TransactionSummary(
        customer_id=customers[seen],
        frequency=frequency,
        recency=recency,
        T=age,
        monetary_value=monetary,
    )
    if cal_end is None:
        return summary

    holdout_customer = customer_index[~cal]
    holdout_counts = np.bincount(holdout_customer, minlength=n_customers)[seen]
    holdout_value = None
    if amounts is not None:
        holdout_total = np.bincount(holdout_customer, weights=amounts[~cal], minlength=n_customers)[
            seen
        ]
        holdout_value = np.divide(
            holdout_total,
            holdout_counts,
            out=np.zeros_like(holdout_total),
            where=holdout_counts > 0,
        )
    return TransactionSummary(
        customer_id=summary.customer_id,
        frequency=frequency,
        recency=recency,
        T=age,
        monetary_value=monetary,
        frequency_holdout=holdout_counts.astype(np.float64),
        monetary_value_holdout=holdout_value,
        duration_holdout=float(end - cal_end),
    )


def _collapse(
    ids: npt.NDArray[Any],
    periods: IntArray,
    amounts: FloatArray | None,
    in_calibration: npt.NDArray[np.bool_],
) -> tuple[IntArray, IntArray, FloatArray | None, npt.NDArray[np.bool_], npt.NDArray[Any]]:
    """Merge the transactions of one customer in one period into one row (values summed).

    A period that straddles ``calibration_end`` counts as calibration: its purchase is
    marked calibration if any of its transactions is.
    """
    if ids.dtype.kind in "bi" or (ids.dtype.kind == "u" and ids.dtype.itemsize < 8):
        customers, codes = None, ids.astype(np.int64)
    else:
        customers, codes = np.unique(ids, return_inverse=True)
        codes = codes.reshape(-1).astype(np.int64)
    order = _order_by_customer_and_period(codes, periods)
    sorted_codes = codes[order]
    new_customer = np.ones(order.shape[0], dtype=bool)
    new_customer[1:] = sorted_codes[1:] != sorted_codes[:-1]
    if customers is None:
        customers = ids[order][new_customer]
    customer_index = np.cumsum(new_customer, dtype=np.int64) - 1
    periods = periods[order]
    starts = np.ones(order.shape[0], dtype=bool)
    starts[1:] = (customer_index[1:] != customer_index[:-1]) | (periods[1:] != periods[:-1])
    boundaries = np.flatnonzero(starts)
    merged_amounts = None
    if amounts is not None:
        merged_amounts = np.add.reduceat(amounts[order], boundaries)
    merged_calibration = np.logical_or.reduceat(in_calibration[order], boundaries)
    return (
        customer_index[boundaries],
        periods[boundaries],
        merged_amounts,
        merged_calibration,
        customers,
    )


def _order_by_customer_and_period(codes: IntArray, periods: IntArray) -> IntArray:
    """Sort order by (customer, period): one radix sort of a combined integer key when it
    fits in 63 bits (several times faster than a two-key lexsort), else the lexsort."""
    if codes.shape[0] == 0:
        return np.zeros(0, dtype=np.int64)
    code_low, period_low = int(codes.min()), int(periods.min())
    code_span = int(codes.max()) - code_low + 1
    period_span = int(periods.max()) - period_low + 1
    if code_span * period_span < 2**62:
        key = (codes - code_low) * period_span + (periods - period_low)
        return np.asarray(np.argsort(key, kind="stable"), dtype=np.int64)
    return np.asarray(np.lexsort((periods, codes)), dtype=np.int64)


def _to_periods(stamps: npt.NDArray[np.datetime64], period: str) -> IntArray:
    """Whole periods since the epoch; weeks run Monday to Sunday."""
    if period == "W":
        days = stamps.astype("datetime64[D]").astype(np.int64)
        return np.asarray((days + _DAYS_FROM_MONDAY_AT_EPOCH) // 7, dtype=np.int64)
    return np.asarray(stamps.astype(f"datetime64[{period}]").astype(np.int64), dtype=np.int64)


def _as_array(values: Any) -> npt.NDArray[Any]:
    if hasattr(values, "to_numpy"):
        values = values.to_numpy()
    return np.asarray(values)


def _as_datetime(name: str, values: Any) -> npt.NDArray[np.datetime64]:
    array = _as_array(values)
    if array.dtype.kind in "biufc":
        raise ValueError(f"{name} must be dates or datetimes, not numbers")
    if array.dtype.kind != "M":
        if array.dtype == object:
            array = np.array([_as_instant(v) for v in array.tolist()], dtype="datetime64[us]")
        else:
            try:
                array = array.astype("datetime64[us]")
            except (TypeError, ValueError) as exc:
                raise ValueError(f"{name} must be dates or datetimes: {exc}") from None
    if np.any(np.isnat(array)):
        raise ValueError(f"{name} contains missing dates")
    return array


def _as_instant(value: Any) -> np.datetime64:
    """One date-like value as a naive UTC ``datetime64``."""
    if hasattr(value, "to_datetime64"):
        value = value.to_pydatetime() if getattr(value, "tzinfo", None) else value.to_datetime64()
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    try:
        instant = np.datetime64(value, "us")
    except (TypeError, ValueError) as exc:
        raise ValueError(f"not a date or datetime: {value!r} ({exc})") from None
    if np.isnat(instant):
        raise ValueError(f"not a date or datetime: {value!r}")
    return instant
