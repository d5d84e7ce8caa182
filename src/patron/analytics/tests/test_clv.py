"""The teaching CLV formula against hand-computed values."""

from __future__ import annotations

import numpy as np
import pytest

from patron.analytics import clv_simple


def test_clv_simple_infinite_horizon_is_the_teaching_formula():
    # m (1 + d) / (1 + d - r) = 100 * 1.1 / 0.3
    assert clv_simple(100, 0.8, 0.1) == pytest.approx(366.6666666667)
    assert clv_simple(50, 0.0, 0.1) == pytest.approx(50.0)


def test_clv_simple_finite_horizon_sums_the_discounted_retained_margins():
    # Period 0 counts in full, then each period is retained with r and discounted by d.
    by_hand = [0.0, 100.0, 100 + 100 * 0.8 / 1.1, 100 + 80 / 1.1 + 100 * 0.64 / 1.21]
    assert clv_simple(100, 0.8, 0.1, horizon=[0, 1, 2, 3]) == pytest.approx(by_hand)


def test_clv_simple_finite_horizon_converges_to_the_infinite_one():
    horizons = np.array([1, 10, 50, 200, 1000])
    values = clv_simple(100, 0.8, 0.1, horizon=horizons)
    assert np.all(np.diff(values) >= 0) and values[0] < values[1] < values[2]
    assert values[-1] == pytest.approx(clv_simple(100, 0.8, 0.1), rel=1e-12)


def test_clv_simple_is_vectorised_over_customers_and_handles_full_retention():
    margins = np.array([10.0, 20.0, 30.0])
    retention = np.array([0.5, 0.9, 1.0])
    values = clv_simple(margins, retention, 0.0, horizon=4)
    assert values == pytest.approx([10 * (1 + 0.5 + 0.25 + 0.125), 20 * 3.439, 120.0])
    assert clv_simple([[1.0], [2.0]], [0.5, 0.6], 0.1).shape == (2, 2)


def test_clv_simple_rejects_inputs_that_make_no_sense():
    with pytest.raises(ValueError, match="retention"):
        clv_simple(100, 1.2, 0.1)
    with pytest.raises(ValueError, match="discount"):
        clv_simple(100, 0.5, -1.0)
    with pytest.raises(ValueError, match="diverges"):
        clv_simple(100, 1.0, 0.0)
    with pytest.raises(ValueError, match="horizon"):
        clv_simple(100, 0.5, 0.1, horizon=2.5)
