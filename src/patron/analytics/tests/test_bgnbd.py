"""BG/NBD and MBG/NBD: published CDNOW results, holdout accuracy, invariants and errors."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import approx_fprime

from patron.analytics import (
    BetaGeo,
    FitError,
    ModifiedBetaGeo,
    NotFittedError,
    summarize_transactions,
)
from patron.analytics.bgnbd import _Prepared, expected_transactions_beta_geometric
from patron.analytics.tests.reference_data import cdnow_sample_transactions, read_csv


@pytest.fixture(scope="module")
def cdnow() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    data = read_csv("cdnow/cdnow_customers_summary.csv")
    return data["frequency"], data["recency"], data["T"]


@pytest.fixture(scope="module")
def cdnow_model(cdnow: tuple[np.ndarray, np.ndarray, np.ndarray]) -> BetaGeo:
    return BetaGeo().fit(*cdnow)


def test_bgnbd_reproduces_fader_hardie_lee_2005_parameters_on_cdnow(cdnow_model: BetaGeo):
    # Given the CDNOW 39-week calibration summary, when BG/NBD is fitted,
    # then the estimates are those published in FHL (2005), to 3 decimals.
    published = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    assert {k: round(v, 3) for k, v in cdnow_model.params_.items()} == published
    assert cdnow_model.log_likelihood_ == pytest.approx(-9582.4, abs=0.05)
    assert cdnow_model.converged_


def test_bgnbd_reaches_the_maximum_of_the_likelihood(cdnow_model: BetaGeo, cdnow):
    # Given the fitted model, when any parameter is nudged, then the likelihood drops:
    # the reported LL is the maximum to within 0.01.
    frequency, recency, T = cdnow
    for name in cdnow_model.param_names:
        for factor in (0.999, 1.001):
            nudged = dict(cdnow_model.params_, **{name: cdnow_model.params_[name] * factor})
            other = BetaGeo(initial_params=nudged, max_iter=0)
            other.fit(frequency, recency, T)
            assert other.log_likelihood_ <= cdnow_model.log_likelihood_ + 0.01
    assert all(np.isfinite(v) and v > 0 for v in cdnow_model.std_errors_.values())


def test_bgnbd_worked_example_of_the_paper(cdnow_model: BetaGeo):
    # Given the paper's customer (x=2, t_x=30.43, T=38.86), when asking for the next 39
    # weeks, then the expectation is the published 1.226.
    expected = cdnow_model.conditional_expected_purchases(39, [2], [30.43], [38.86])
    assert expected[0] == pytest.approx(1.226, abs=0.0015)
    alive = cdnow_model.probability_alive([2, 0], [30.43, 0.0], [38.86, 38.86])
    assert 0 < alive[0] < 1
    assert alive[1] == 1.0
    # The unconditional figures agree with lifetimes' BetaGeoFitter on the same data.
    assert cdnow_model.expected_purchases(39.0)[0] == pytest.approx(1.19502, abs=1e-5)
    assert cdnow_model.probability_of_purchases([0, 1, 2, 3], 39.0) == pytest.approx(
        [0.5743, 0.1992, 0.0853, 0.0458], abs=5e-5
    )


def test_bgnbd_conditional_expectation_is_palive_times_posterior_new_customer(
    cdnow_model: BetaGeo,
):
    # Eq. (10) is P(alive) times eq. (7) at the posterior parameters.
    r, alpha, a, b = (cdnow_model.params_[k] for k in ("r", "alpha", "a", "b"))
    x, t_x, T = 4.0, 20.0, 35.0
    alive = cdnow_model.probability_alive([x], [t_x], [T])[0]
    direct = alive * expected_transactions_beta_geometric(10.0, r + x, alpha + T, a, b + x)
    assert cdnow_model.conditional_expected_purchases(10, [x], [t_x], [T])[0] == pytest.approx(
        direct[0], rel=1e-12
    )


def test_bgnbd_predicts_cdnow_holdout_weeks_40_to_78(cdnow_model: BetaGeo):
    # Given the raw CDNOW sample summarised with calibration to 1997-09-30 and
    # observation to 1998-06-30 (39 + 39 weeks), when predicting the holdout from the
    # calibration fit, then totals and frequency buckets track the actual repeat purchases
    # (as in FHL 2005's conditional-expectation figure, where BG/NBD slightly
    # under-predicts the middle buckets).
    ids, dates, values = cdnow_sample_transactions()
    summary = summarize_transactions(
        ids,
        dates,
        values,
        period="D",
        observation_end="1998-06-30",
        calibration_end="1997-09-30",
    )
    weeks = 7.0
    assert summary.duration_holdout == 39 * weeks
    model = BetaGeo().fit(summary.frequency, summary.recency / weeks, summary.T / weeks)
    assert model.params_ == pytest.approx(cdnow_model.params_, rel=1e-3)
    predicted = model.conditional_expected_purchases(
        39, summary.frequency, summary.recency / weeks, summary.T / weeks
    )
    actual = summary.frequency_holdout
    assert actual.sum() == 1882
    assert predicted.sum() == pytest.approx(actual.sum(), rel=0.15)
    buckets = np.minimum(summary.frequency, 7)
    predicted_by_bucket = [predicted[buckets == k].mean() for k in range(8)]
    actual_by_bucket = [actual[buckets == k].mean() for k in range(8)]
    assert np.all(np.diff(predicted_by_bucket) > 0)
    assert np.allclose(predicted_by_bucket, actual_by_bucket, atol=0.5, rtol=0.3)


def test_bgnbd_probability_of_purchases_sums_to_one_and_matches_expectation(
    cdnow_model: BetaGeo,
):
    counts = np.arange(0, 400)
    probabilities = cdnow_model.probability_of_purchases(counts, 39.0)
    assert probabilities.sum() == pytest.approx(1.0, abs=1e-9)
    mean = float(np.dot(counts, probabilities))
    assert mean == pytest.approx(cdnow_model.expected_purchases(39.0)[0], rel=1e-6)


def test_bgnbd_expectation_is_continuous_across_the_quadrature_fallback():
    # a = 1 makes eq. (7) 0/0; the integral form takes over and agrees with its neighbours.
    near = expected_transactions_beta_geometric(20.0, 0.5, 3.0, [1.0 - 1e-4, 1.0, 1.0 + 1e-4], 2.0)
    assert np.ptp(near) < 1e-3


def test_bgnbd_gradient_is_the_derivative_of_the_likelihood(cdnow):
    frequency, recency, T = cdnow
    for model in (BetaGeo(), ModifiedBetaGeo()):
        data = _Prepared.build(
            frequency,
            recency,
            T,
            np.ones_like(frequency),
            both_terms_always=isinstance(model, ModifiedBetaGeo),
        )

        def objective(theta, model=model, data=data):
            return model._neg_log_likelihood(theta, data)

        theta = np.log([0.4, 3.0, 0.6, 1.7])
        numeric = approx_fprime(theta, lambda t, f=objective: f(t)[0], 1e-7)
        assert objective(theta)[1] == pytest.approx(numeric, rel=1e-4, abs=1e-3)


def test_weights_fit_compressed_data_like_the_expanded_data(cdnow):
    # Given the summary compressed to distinct (x, t_x, T) rows with counts,
    # when fitted with weights, then the fit equals the customer-level fit.
    frequency, recency, T = cdnow
    rows, counts = np.unique(np.column_stack([frequency, recency, T]), axis=0, return_counts=True)
    compressed = BetaGeo().fit(rows[:, 0], rows[:, 1], rows[:, 2], weights=counts)
    full = BetaGeo().fit(frequency, recency, T)
    assert compressed.params_ == pytest.approx(full.params_, rel=1e-6)
    assert compressed.log_likelihood_ == pytest.approx(full.log_likelihood_, rel=1e-10)


def test_mbgnbd_fits_cdnow_and_keeps_its_dropout_after_the_first_purchase(cdnow):
    model = ModifiedBetaGeo().fit(*cdnow)
    assert model.converged_
    # Same maximum as lifetimes' ModifiedBetaGeoFitter on this data.
    assert model.params_ == pytest.approx(
        {"r": 0.525, "alpha": 6.183, "a": 0.891, "b": 1.614}, abs=2e-3
    )
    # lifetimes' ModifiedBetaGeoFitter gives 1.26268 and 0.70613 for the paper's customer.
    assert model.conditional_expected_purchases(39, [2], [30.43], [38.86])[0] == pytest.approx(
        1.26268, abs=1e-5
    )
    assert model.probability_alive([2], [30.43], [38.86])[0] == pytest.approx(0.70613, abs=1e-5)
    assert model.expected_purchases(39.0)[0] == pytest.approx(1.18228, abs=1e-5)
    assert model.probability_of_purchases([0, 1, 2, 3], 39.0) == pytest.approx(
        [0.5826, 0.1828, 0.0869, 0.0486], abs=5e-5
    )
    # A customer without repeat purchases is not certainly alive under MBG/NBD.
    assert model.probability_alive([0], [0.0], [38.86])[0] < 1.0
    counts = np.arange(0, 400)
    assert model.probability_of_purchases(counts, 39.0).sum() == pytest.approx(1.0, abs=1e-9)
    mean = float(np.dot(counts, model.probability_of_purchases(counts, 39.0)))
    assert mean == pytest.approx(model.expected_purchases(39.0)[0], rel=1e-6)


def test_bgnbd_recovers_the_parameters_it_simulated_from():
    rng = np.random.default_rng(7)
    r, alpha, a, b = 0.8, 5.0, 1.2, 3.0
    frequency, recency, T = simulate_bgnbd(rng, 40_000, r, alpha, a, b, horizon=52.0)
    model = BetaGeo().fit(frequency, recency, T)
    for name, true in zip(("r", "alpha", "a", "b"), (r, alpha, a, b), strict=True):
        assert abs(model.params_[name] - true) < 4 * model.std_errors_[name]


def test_customer_lifetime_value_discounts_expected_purchases(cdnow_model: BetaGeo):
    x, t_x, T = [2, 7], [30.43, 35.0], [38.86, 38.86]
    undiscounted = cdnow_model.customer_lifetime_value(
        x, t_x, T, [10.0, 20.0], horizon=13, discount_rate=0.0, period_length=3.0
    )
    expected = cdnow_model.conditional_expected_purchases(39, x, t_x, T) * [10.0, 20.0]
    assert undiscounted == pytest.approx(expected, rel=1e-12)
    discounted = cdnow_model.customer_lifetime_value(
        x, t_x, T, [10.0, 20.0], horizon=13, discount_rate=0.05, period_length=3.0
    )
    assert np.all(discounted < undiscounted)


def test_bad_inputs_raise_clear_errors():
    model = BetaGeo()
    with pytest.raises(ValueError, match="recency must not exceed T"):
        model.fit([1, 2], [5.0, 9.0], [4.0, 10.0])
    with pytest.raises(ValueError, match="non-negative whole numbers"):
        model.fit([1.5], [1.0], [2.0])
    with pytest.raises(ValueError, match="same length"):
        model.fit([1, 2], [1.0], [2.0, 3.0])
    with pytest.raises(ValueError, match="NaN"):
        model.fit([1, 2], [1.0, np.nan], [2.0, 3.0])
    with pytest.raises(ValueError, match="recency must be 0 where frequency is 0"):
        model.fit([0, 1], [3.0, 1.0], [4.0, 4.0])
    with pytest.raises(ValueError, match="weights must be non-negative"):
        model.fit([0, 1], [0.0, 1.0], [4.0, 4.0], weights=[1, -1])
    with pytest.raises(ValueError, match="unknown names"):
        BetaGeo(initial_params={"lambda": 1.0}).fit([1], [1.0], [2.0])
    with pytest.raises(NotFittedError, match="call fit"):
        model.probability_alive([1], [1.0], [2.0])


def test_data_without_repeat_purchases_fails_with_advice():
    # Given nobody ever bought twice, the purchase rate is not identified:
    # the fit must fail loudly, not return parameters at the edge of the box.
    with pytest.raises(FitError, match="do not identify"):
        BetaGeo().fit([0, 0, 0], [0.0, 0.0, 0.0], [10.0, 20.0, 30.0])


def simulate_bgnbd(
    rng: np.random.Generator,
    n: int,
    r: float,
    alpha: float,
    a: float,
    b: float,
    *,
    horizon: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Simulate ``(x, t_x, T)`` from the BG/NBD process, vectorised over customers."""
    rate = rng.gamma(r, 1.0 / alpha, n)
    dropout = rng.beta(a, b, n)
    T = rng.uniform(0.5 * horizon, horizon, n)
    # Transactions until death: geometric count of purchases before dropping out.
    purchases_before_death = rng.geometric(dropout)
    frequency = np.zeros(n)
    recency = np.zeros(n)
    elapsed = np.zeros(n)
    active = np.ones(n, dtype=bool)
    step = 0
    while active.any():
        gaps = rng.exponential(1.0, active.sum()) / rate[active]
        elapsed[active] += gaps
        within = (elapsed[active] <= T[active]) & (purchases_before_death[active] > step)
        idx = np.flatnonzero(active)[within]
        frequency[idx] += 1
        recency[idx] = elapsed[idx]
        active[np.flatnonzero(active)[~within]] = False
        step += 1
    return frequency, recency, T
