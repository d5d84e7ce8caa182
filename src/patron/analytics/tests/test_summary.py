"""summarize_transactions: the per-customer RFM summary the models are fitted on."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest

from patron.analytics import summarize_transactions
from patron.analytics.tests.reference_data import cdnow_sample_transactions, read_csv


def test_same_period_purchases_collapse_and_repeat_values_are_averaged():
    # Given customer "a" buying twice on Monday 2024-01-01, again on Wednesday of the same
    # week and in the next two weeks, and customer "b" buying once,
    # when summarised weekly to 2024-01-28,
    # then the first week counts once and monetary value is the mean of the repeat weeks.
    ids = ["a", "a", "a", "b", "a", "a"]
    stamps = [
        "2024-01-01T09:00",
        "2024-01-01T17:00",
        "2024-01-03",
        "2024-01-10",
        "2024-01-08",
        "2024-01-21",
    ]
    values = [10.0, 5.0, 1.0, 7.0, 4.0, 8.0]
    summary = summarize_transactions(ids, stamps, values, period="W", observation_end="2024-01-28")
    assert summary.customer_id.tolist() == ["a", "b"]
    assert summary.frequency.tolist() == [2.0, 0.0]
    assert summary.recency.tolist() == [2.0, 0.0]
    assert summary.T.tolist() == [3.0, 2.0]
    assert summary.monetary_value.tolist() == [6.0, 0.0]
    assert summary.frequency_holdout is None
    # Python objects (e.g. UUIDs from the database) summarise the same way.
    as_objects = summarize_transactions(
        np.array(ids, dtype=object), stamps, values, period="W", observation_end="2024-01-28"
    )
    assert as_objects.frequency.tolist() == summary.frequency.tolist()
    assert as_objects.monetary_value.tolist() == summary.monetary_value.tolist()


def test_daily_summary_counts_days_and_ignores_purchases_after_observation_end():
    summary = summarize_transactions(
        [1, 1, 1, 2],
        np.array(["2024-03-01", "2024-03-05", "2024-04-01", "2024-03-02"], dtype="datetime64[D]"),
        period="D",
        observation_end=dt.date(2024, 3, 10),
    )
    assert summary.frequency.tolist() == [1.0, 0.0]
    assert summary.recency.tolist() == [4.0, 0.0]
    assert summary.T.tolist() == [9.0, 8.0]
    assert summary.monetary_value is None


def test_calibration_and_holdout_split():
    # Given purchases before and after a calibration end, then the calibration summary
    # describes the early part, the holdout counts the rest, and a customer first seen in
    # the holdout is left out (the models know nothing about them).
    summary = summarize_transactions(
        ["a", "a", "a", "a", "b", "c"],
        ["2024-01-01", "2024-01-05", "2024-02-10", "2024-02-20", "2024-01-15", "2024-02-01"],
        [1.0, 2.0, 3.0, 5.0, 1.0, 1.0],
        period="D",
        calibration_end="2024-01-31",
        observation_end="2024-03-01",
    )
    assert summary.customer_id.tolist() == ["a", "b"]
    assert summary.frequency.tolist() == [1.0, 0.0]
    assert summary.T.tolist() == [30.0, 16.0]
    assert summary.frequency_holdout.tolist() == [2.0, 0.0]
    assert summary.monetary_value_holdout.tolist() == [4.0, 0.0]
    assert summary.duration_holdout == 30.0


def test_polars_columns_and_timezone_aware_datetimes_are_accepted():
    frame = pl.DataFrame(
        {
            "customer": [1, 1, 2],
            "at": [
                dt.datetime(2024, 1, 1, 23, 30, tzinfo=dt.UTC),
                dt.datetime(2024, 2, 1, tzinfo=dt.UTC),
                dt.datetime(2024, 1, 15, tzinfo=dt.UTC),
            ],
            "value": [1.0, 2.0, 3.0],
        }
    )
    summary = summarize_transactions(
        frame["customer"],
        frame["at"],
        frame["value"],
        period="M",
        observation_end=dt.datetime(2024, 3, 1, tzinfo=dt.UTC),
    )
    assert summary.frequency.tolist() == [1.0, 0.0]
    assert summary.T.tolist() == [2.0, 2.0]
    assert summary.monetary_value.tolist() == [2.0, 0.0]


def test_cdnow_sample_reproduces_the_published_calibration_summary():
    # Given the raw CDNOW sample, when summarised by day to 1997-09-30, then frequency,
    # recency and T (in weeks) and the repeat-purchase mean (zbar) match the files
    # distributed with the data, to their two decimals.
    ids, dates, values = cdnow_sample_transactions()
    summary = summarize_transactions(ids, dates, values, period="D", observation_end="1997-09-30")
    published = read_csv("cdnow/cdnow_customers_summary.csv")
    with_values = read_csv("cdnow/cdnow_customers_summary_with_transactions.csv")
    assert summary.customer_id.tolist() == published["ID"].astype(int).tolist()
    assert np.array_equal(summary.frequency, published["frequency"])
    assert np.allclose(summary.recency / 7, published["recency"], atol=0.005)
    assert np.allclose(summary.T / 7, published["T"], atol=0.005)
    assert np.allclose(summary.monetary_value, with_values["zbar"], atol=0.0051)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"period": "fortnight"}, "period must be one of"),
        ({"calibration_end": "2025-01-01", "observation_end": "2024-12-01"}, "calibration_end"),
        ({"observation_end": "not a date"}, "not a date"),
    ],
)
def test_bad_arguments_raise_clear_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        summarize_transactions([1, 2], ["2024-01-01", "2024-02-01"], **kwargs)


def test_mismatched_columns_raise_clear_errors():
    with pytest.raises(ValueError, match="same length"):
        summarize_transactions([1, 2, 3], ["2024-01-01", "2024-02-01"])
    with pytest.raises(ValueError, match="values has 1 rows"):
        summarize_transactions([1, 2], ["2024-01-01", "2024-02-01"], [1.0])
    with pytest.raises(ValueError, match="dates or datetimes"):
        summarize_transactions([1, 2], [1.5, 2.5])


def test_integer_ids_of_any_range_summarise_alike():
    # Ids spread over the whole int64 range cannot share a combined sort key with the
    # periods; the two-key sort gives the same summary.
    stamps = ["2024-01-01", "2024-01-09", "2024-01-03", "2024-01-20", "2024-01-02"]
    small = summarize_transactions([1, 1, 2, 2, 3], stamps, period="h")
    huge_ids = np.array([-(2**62), -(2**62), 7, 7, 2**62], dtype=np.int64)
    huge = summarize_transactions(huge_ids, stamps, period="h")
    assert huge.customer_id.tolist() == huge_ids[[0, 2, 4]].tolist()
    assert huge.frequency.tolist() == small.frequency.tolist()
    assert huge.recency.tolist() == small.recency.tolist()
    assert huge.T.tolist() == small.T.tolist()
