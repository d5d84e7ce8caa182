"""RFM scores and named segments: ranges, balance, direction, full segment coverage."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from patron.analytics import RFM_SEGMENTS, SEGMENT_GRID, rfm_scores, rfm_segments


@pytest.fixture(scope="module")
def customers() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(3)
    n = 1000
    frequency = rng.poisson(3, n).astype(float)
    recency = rng.uniform(0, 400, n)
    monetary = np.where(frequency > 0, rng.gamma(2, 50, n), 0.0)
    return recency, frequency, monetary


@pytest.mark.parametrize("method", ["cutpoints", "rank"])
def test_rfm_scores_purchasers_one_to_five_and_leaves_non_buyers_unscored(customers, method):
    # Given continuous recency and spend and a heavily tied purchase count, then every
    # purchaser scores 1..5 (all five levels on the continuous columns; with cut points,
    # tied counts may leave a level empty) and non-buyers score 0.
    recency, frequency, monetary = customers
    scores = rfm_scores(recency, frequency, monetary, method=method)
    buyers = frequency > 0
    for values in (scores.recency, scores.monetary):
        assert set(np.unique(values[buyers]).tolist()) == {1, 2, 3, 4, 5}
    assert set(np.unique(scores.frequency[buyers]).tolist()) <= {1, 2, 3, 4, 5}
    for values in (scores.recency, scores.frequency, scores.monetary):
        assert np.all(values[~buyers] == 0)


def test_rfm_rank_method_gives_exact_quintiles_over_purchasers(customers):
    recency, frequency, monetary = customers
    scores = rfm_scores(recency, frequency, monetary, method="rank")
    buyers = int((frequency > 0).sum())
    for values in (scores.recency, scores.frequency, scores.monetary):
        counts = np.bincount(values[frequency > 0], minlength=6)[1:]
        assert counts.sum() == buyers
        assert counts.max() - counts.min() <= 1


def test_rfm_cutpoints_split_distinct_values_into_quintiles_and_keep_ties_together():
    # Given 100 distinct spends, then each score holds 20 customers; given ties, then
    # equal values always share a score.
    days = np.arange(100.0)
    scores = rfm_scores(days, np.ones(100), np.linspace(1, 100, 100))
    assert np.bincount(scores.monetary)[1:].tolist() == [20] * 5
    tied = rfm_scores(days, np.repeat([1.0, 2.0, 3.0, 8.0], 25), np.ones(100))
    for value in (1.0, 2.0, 3.0, 8.0):
        assert len(set(tied.frequency[np.repeat([1.0, 2.0, 3.0, 8.0], 25) == value])) == 1


def test_rfm_recency_five_is_the_most_recent(customers):
    recency, frequency, monetary = customers
    scores = rfm_scores(recency, frequency, monetary)
    buyers = frequency > 0
    order = np.argsort(recency[buyers])
    assert np.all(np.diff(scores.recency[buyers][order]) <= 0)
    assert scores.recency[buyers][order[0]] == 5
    assert scores.recency[buyers][order[-1]] == 1


def test_rfm_segments_cover_every_cell_and_name_the_corners():
    assert len(SEGMENT_GRID) == 5 and all(len(row) == 5 for row in SEGMENT_GRID)
    assert {name for row in SEGMENT_GRID for name in row} == set(RFM_SEGMENTS)
    r, f, m = np.meshgrid(*(np.arange(1, 6),) * 3, indexing="ij")
    names = rfm_segments(r.ravel(), f.ravel(), m.ravel())
    assert set(names) == set(RFM_SEGMENTS)
    assert rfm_segments([5, 1, 5, 1, 0], [5, 1, 1, 5, 0], [5, 1, 1, 5, 0]).tolist() == [
        "Champions",
        "Lost",
        "New customers",
        "Cannot lose them",
        "",
    ]


def test_rfm_assigns_a_segment_to_every_scored_customer(customers):
    recency, frequency, monetary = customers
    scores = rfm_scores(recency, frequency, monetary)
    assert scores.segment is not None
    assert set(scores.segment[frequency > 0]) <= set(RFM_SEGMENTS)
    assert np.all(scores.segment[frequency == 0] == "")
    assert rfm_scores(recency, frequency, monetary, bins=4).segment is None


def test_rfm_rejects_bad_inputs_with_clear_messages():
    with pytest.raises(ValueError, match="same length"):
        rfm_scores([1, 2], [1], [1, 2])
    with pytest.raises(ValueError, match="recency_days must be non-negative"):
        rfm_scores([-1], [1], [1])
    with pytest.raises(ValueError, match="method"):
        rfm_scores([1], [1], [1], method="kmeans")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="bins"):
        rfm_scores([1], [1], [1], bins=1)
    with pytest.raises(ValueError, match="1-5 scale"):
        rfm_segments([6], [1], [1])


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.floats(min_value=0, max_value=1e4),
            st.integers(min_value=0, max_value=50),
            st.floats(min_value=-1e3, max_value=1e6),
        ),
        min_size=1,
        max_size=60,
    ),
    method=st.sampled_from(["cutpoints", "rank"]),
)
def test_rfm_scores_are_always_in_range_with_a_segment(rows, method):
    recency, frequency, monetary = (
        np.array(column, dtype=float) for column in zip(*rows, strict=True)
    )
    scores = rfm_scores(recency, frequency, monetary, method=method)
    buyers = frequency > 0
    for values in (scores.recency, scores.frequency, scores.monetary):
        assert np.all((values[buyers] >= 1) & (values[buyers] <= 5))
    assert scores.segment is not None
    assert np.all(np.isin(scores.segment[buyers], RFM_SEGMENTS))
