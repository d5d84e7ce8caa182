"""sBG: Fader & Hardie (2007) retention projections and lifetime values."""

from __future__ import annotations

import numpy as np
import pytest

from patron.analytics import ShiftedBetaGeometric, survivors_to_durations

REGULAR = [1000, 631, 468, 382, 326, 289, 262, 241]
HIGH_END = [1000, 869, 743, 653, 593, 551, 517, 491]


@pytest.mark.parametrize(
    ("survivors", "alpha", "beta"),
    [(REGULAR, 0.704, 1.182), (HIGH_END, 0.668, 3.806)],
)
def test_sbg_reproduces_fader_hardie_2007(survivors, alpha, beta):
    # Given the seven-year survival of the paper's regular and high-end cohorts,
    # when sBG is fitted, then the published alpha and beta come out.
    model = ShiftedBetaGeometric().fit(*survivors_to_durations(survivors))
    assert round(model.params_["alpha"], 3) == alpha
    assert round(model.params_["beta"], 3) == beta
    # The fitted curve passes close to the observed survivors.
    projected = model.expected_survivors(1000, np.arange(len(survivors)))
    assert np.max(np.abs(projected - survivors)) < 20


def test_sbg_retention_rises_with_tenure_and_matches_the_survival_ratio():
    model = ShiftedBetaGeometric().fit(*survivors_to_durations(REGULAR))
    t = np.arange(1, 13)
    retention = model.retention_rate(t)
    assert np.all(np.diff(retention) > 0)
    survival = model.survival_function(np.arange(0, 13))
    assert retention == pytest.approx(survival[1:] / survival[:-1], rel=1e-12)
    assert model.churn_probability(t) == pytest.approx(survival[:-1] - survival[1:], rel=1e-10)


def test_sbg_lifetime_values_equal_the_discounted_survival_sums():
    model = ShiftedBetaGeometric().fit(*survivors_to_durations(REGULAR))
    d = 0.1
    t = np.arange(0, 5000)
    survival = model.survival_function(t)
    discount = (1 + d) ** -t.astype(float)
    assert model.discounted_expected_lifetime(discount_rate=d) == pytest.approx(
        float(np.sum(survival * discount)), rel=1e-9
    )
    renewals = 4
    residual = np.sum(survival[renewals + 1 :] * discount[: t.size - renewals - 1])
    residual /= survival[renewals]
    assert model.discounted_expected_residual_lifetime([renewals], discount_rate=d)[0] == (
        pytest.approx(float(residual), rel=1e-9)
    )
    assert model.customer_lifetime_value([100.0], [renewals], discount_rate=d)[0] == (
        pytest.approx(100.0 * float(residual), rel=1e-9)
    )


def test_sbg_rejects_increasing_survivor_counts_and_bad_durations():
    with pytest.raises(ValueError, match="must not increase"):
        survivors_to_durations([100, 120])
    with pytest.raises(ValueError, match="churned customers need duration >= 1"):
        ShiftedBetaGeometric().fit([0], [1])
    with pytest.raises(ValueError, match="discount_rate must be positive"):
        model = ShiftedBetaGeometric().fit(*survivors_to_durations(REGULAR))
        model.discounted_expected_lifetime(discount_rate=0)
