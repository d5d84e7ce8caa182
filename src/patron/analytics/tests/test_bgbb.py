"""BG/BB: the donations results of Fader, Hardie & Shang (2010) and model invariants."""

from __future__ import annotations

import numpy as np
import pytest

from patron.analytics import BetaGeoBetaBinom
from patron.analytics.bgbb import _neg_log_likelihood
from patron.analytics.tests.reference_data import read_csv


@pytest.fixture(scope="module")
def donations() -> np.ndarray:
    return read_csv("donations/donations.csv")


@pytest.fixture(scope="module")
def model(donations: np.ndarray) -> BetaGeoBetaBinom:
    return BetaGeoBetaBinom().fit(
        donations["frequency"], donations["recency"], donations["periods"], donations["weights"]
    )


def test_bgbb_reproduces_fader_hardie_shang_2010_on_donations(model: BetaGeoBetaBinom):
    # Given the 1995 donor cohort over 6 opportunities, when BG/BB is fitted on the
    # compressed table, then the published estimates and log-likelihood come out.
    published = {"alpha": 1.204, "beta": 0.750, "gamma": 0.657, "delta": 2.783}
    assert {k: round(v, 3) for k, v in model.params_.items()} == published
    assert model.log_likelihood_ == pytest.approx(-33225.6, abs=0.05)
    assert model.converged_


def test_bgbb_per_donor_rows_give_the_same_fit_as_the_compressed_table(model):
    donors = read_csv("donations/bgbb_donations.csv")
    per_donor = BetaGeoBetaBinom().fit(donors["frequency"], donors["recency"], donors["T"])
    assert per_donor.params_ == pytest.approx(model.params_, rel=1e-6)
    assert per_donor.log_likelihood_ == pytest.approx(model.log_likelihood_, rel=1e-10)


def test_bgbb_reproduces_the_observed_frequency_distribution(model, donations):
    # P(X(6) = x) sums to one and tracks the share of donors with each x.
    shares = (
        np.array([donations["weights"][donations["frequency"] == x].sum() for x in range(7)])
        / donations["weights"].sum()
    )
    predicted = model.probability_of_purchases(np.arange(7), 6)
    assert predicted.sum() == pytest.approx(1.0, abs=1e-12)
    assert np.allclose(predicted, shares, atol=0.01)
    mean = float(np.dot(np.arange(7), predicted))
    assert mean == pytest.approx(model.expected_purchases(6)[0], rel=1e-10)


def test_bgbb_conditional_predictions_rank_donors_sensibly(model):
    # A donor who gave every year is more likely alive and will give more than one who
    # gave three times up to the last year, who in turn beats one who gave three times
    # and then stopped three years ago.
    x, t_x, n = [6, 3, 3], [6, 6, 3], [6, 6, 6]
    alive = model.probability_alive(x, t_x, n)
    future = model.conditional_expected_purchases(5, x, t_x, n)
    # Whoever gave in the last opportunity was alive then, whatever x: same P(alive).
    assert alive[0] == pytest.approx(alive[1]) and alive[2] < alive[1]
    assert np.all((alive > 0) & (alive < 1))
    # The same figures as lifetimes' BetaGeoBetaBinomFitter on this data.
    assert alive == pytest.approx([0.930434, 0.930434, 0.095006], abs=1e-6)
    assert future == pytest.approx([3.752544, 2.189749, 0.223595], abs=1e-6)
    assert np.all(np.diff(future) < 0) and np.all(future > 0)
    value = model.customer_lifetime_value(x, t_x, n, [50.0], horizon=5, discount_rate=0.0)
    assert value == pytest.approx(50.0 * future, rel=1e-12)


def test_bgbb_gradient_is_the_derivative_of_the_likelihood(donations):
    from scipy.optimize import approx_fprime

    x, t_x, n, w = (donations[k] for k in ("frequency", "recency", "periods", "weights"))
    i = np.arange(int(np.max(n - t_x)), dtype=float)[None, :]
    died = i < (n - t_x)[:, None]

    def objective(theta):
        return _neg_log_likelihood(theta, x, t_x, n, i, died, w)

    theta = np.log([0.9, 1.3, 1.1, 2.0])
    numeric = approx_fprime(theta, lambda t: objective(t)[0], 1e-7)
    assert objective(theta)[1] == pytest.approx(numeric, rel=1e-4)


def test_bgbb_rejects_impossible_histories():
    with pytest.raises(ValueError, match="frequency <= recency <= n_periods"):
        BetaGeoBetaBinom().fit([3], [2], [6])
    with pytest.raises(ValueError, match="whole numbers"):
        BetaGeoBetaBinom().fit([1.5], [2], [6])
    with pytest.raises(ValueError, match="recency must be 0 exactly where frequency is 0"):
        BetaGeoBetaBinom().fit([0], [2], [6])
