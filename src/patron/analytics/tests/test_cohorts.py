"""Cohort retention on a tiny hand-made purchase log."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import numpy as np
import pytest

from patron.analytics import cohort_retention

LOG = [
    ("ann", "2024-01-05"),
    ("ann", "2024-02-10"),
    ("ann", "2024-03-01"),
    ("bob", "2024-01-20"),
    ("bob", "2024-03-15"),
    ("cat", "2024-02-02"),
    ("dan", "2024-02-03"),
    ("dan", "2024-02-25"),
    ("dan", "2024-04-30"),
]


def test_cohort_retention_by_month_matches_the_hand_count():
    # Given January's cohort {ann, bob} and February's {cat, dan}, then the table counts
    # customers (not purchases) active in each later month, and months after the end of
    # the data are NaN for the younger cohort.
    ids, dates = zip(*LOG, strict=True)
    table = cohort_retention(np.array(ids), np.array(dates, dtype="datetime64[D]"))
    assert table.cohorts.tolist() == [
        np.datetime64("2024-01-01", "D").item(),
        np.datetime64("2024-02-01", "D").item(),
    ]
    assert table.sizes.tolist() == [2, 2]
    assert table.active.tolist() == [[2, 1, 2, 0], [2, 0, 1, 0]]
    np.testing.assert_array_equal(table.retention, [[1.0, 0.5, 1.0, 0.0], [1.0, 0.0, 0.5, np.nan]])


def test_cohort_retention_weeks_start_on_monday_and_accept_aware_datetimes():
    # Given aware datetimes in another zone (Monday 00:30 at UTC+2 is Sunday in UTC),
    # then they are read in UTC and weekly cohorts are labelled by their Monday.
    plus_two = timezone(timedelta(hours=2))
    stamps = [
        datetime(2024, 1, 8, 0, 30, tzinfo=plus_two),  # Sunday 7 Jan in UTC
        datetime(2024, 1, 10, 12, 0, tzinfo=UTC),
        datetime(2024, 1, 16, 9, 0, tzinfo=UTC),
    ]
    table = cohort_retention([1, 2, 1], stamps, period="W")
    assert [str(day) for day in table.cohorts] == ["2024-01-01", "2024-01-08"]
    assert all(day.astype(datetime).weekday() == 0 for day in table.cohorts)
    assert table.active.tolist() == [[1, 0, 1], [1, 0, 0]]
    assert np.isnan(table.retention[1, 2])


def test_cohort_retention_quarters_and_years():
    ids, dates = zip(*LOG, strict=True)
    quarterly = cohort_retention(list(ids), list(dates), period="Q")
    assert quarterly.sizes.tolist() == [4]
    assert quarterly.active.tolist() == [[4, 1]]
    yearly = cohort_retention(list(ids), list(dates), period="Y")
    assert yearly.retention.tolist() == [[1.0]]


def test_cohort_retention_rejects_bad_inputs():
    with pytest.raises(ValueError, match="period"):
        cohort_retention([1], ["2024-01-01"], period="fortnight")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="same length"):
        cohort_retention([1, 2], ["2024-01-01"])
    with pytest.raises(ValueError, match="empty"):
        cohort_retention([], np.array([], dtype="datetime64[D]"))
    with pytest.raises(ValueError, match="missing"):
        cohort_retention([1], np.array(["NaT"], dtype="datetime64[D]"))
