"""Gamma-Gamma: Fader & Hardie's CDNOW results, spend predictions, CLV and invariants."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from patron.analytics import BetaGeo, GammaGamma, NotFittedError, ParetoNBD
from patron.analytics.tests.reference_data import read_csv


@pytest.fixture(scope="module")
def cdnow() -> np.ndarray:
    return read_csv("cdnow/cdnow_customers_summary_with_transactions.csv")


@pytest.fixture(scope="module")
def repeat_buyers(cdnow: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    buyers = cdnow[cdnow["x"] > 0]
    return buyers["x"], buyers["zbar"]


@pytest.fixture(scope="module")
def spend_model(repeat_buyers) -> GammaGamma:
    return GammaGamma().fit(*repeat_buyers)


def fixed(**params: float) -> GammaGamma:
    model = GammaGamma()
    model.params_ = dict(params)
    return model


def test_gamma_gamma_reproduces_fader_hardie_on_cdnow(spend_model: GammaGamma, repeat_buyers):
    # Given the 946 CDNOW repeat buyers, when fitted, then p, q, gamma are Fader & Hardie's
    # p=6.25, q=3.74, gamma=15.44 (their note reports two decimals).
    assert repeat_buyers[0].shape[0] == 946
    assert round(spend_model.params_["p"], 2) == 6.25
    assert round(spend_model.params_["q"], 2) == 3.74
    assert spend_model.params_["v"] == pytest.approx(15.44, abs=0.01)
    assert spend_model.converged_
    assert spend_model.mean_spend() == pytest.approx(35.17, abs=0.01)


def test_gamma_gamma_spend_predictions_match_the_cdnow_example(spend_model, cdnow):
    # Given customers 1 (x=2, zbar=22.35), 2 (x=1, 11.77) and 3 (no repeat purchase),
    # then the conditional expected spend is 24.66, 18.91 and the population mean 35.17,
    # and the mean over all 2,357 customers is 35.25 (the CDNOW example of the note as
    # reproduced by lifetimes' documentation).
    expected = spend_model.conditional_expected_value(cdnow["x"], cdnow["zbar"])
    assert expected[:3] == pytest.approx([24.66, 18.91, 35.17], abs=0.01)
    assert expected.mean() == pytest.approx(35.25, abs=0.01)


def test_gamma_gamma_reports_the_maximum_of_the_notes_likelihood(spend_model, repeat_buyers):
    # Given the fitted model, then its LL equals the note's density summed independently,
    # and nudging any parameter by 0.1% does not raise it by more than 0.01.
    x, z = repeat_buyers
    best = spend_model.log_likelihood_
    assert _log_likelihood(spend_model.params_, x, z) == pytest.approx(best, abs=1e-6)
    for name in spend_model.param_names:
        for factor in (0.999, 1.001):
            nudged = dict(spend_model.params_, **{name: spend_model.params_[name] * factor})
            assert _log_likelihood(nudged, x, z) <= best + 0.01


def _log_likelihood(params: dict[str, float], x: np.ndarray, z: np.ndarray) -> float:
    from scipy.special import gammaln

    p, q, v = params["p"], params["q"], params["v"]
    return float(
        np.sum(
            gammaln(p * x + q)
            - gammaln(p * x)
            - gammaln(q)
            + q * np.log(v)
            + (p * x - 1) * np.log(z)
            + p * x * np.log(x)
            - (p * x + q) * np.log(v + x * z)
        )
    )


def test_gamma_gamma_fits_compressed_data_with_weights(repeat_buyers):
    x, z = repeat_buyers
    pairs, counts = np.unique(np.stack([x, z], axis=1), axis=0, return_counts=True)
    weighted = GammaGamma().fit(pairs[:, 0], pairs[:, 1], weights=counts)
    plain = GammaGamma().fit(x, z)
    assert weighted.log_likelihood_ == pytest.approx(plain.log_likelihood_, abs=1e-6)
    for name in plain.param_names:
        assert weighted.params_[name] == pytest.approx(plain.params_[name], rel=1e-5)


def test_gamma_gamma_clv_discounts_the_transaction_models_expected_purchases(spend_model, cdnow):
    # Given Pareto/NBD and BG/NBD fitted on the same customers, when CLV is asked over
    # 12 months at 1% a month, then it is the spend times the discounted monthly
    # increments of conditional expected purchases, and discounting lowers it.
    history = (cdnow["x"], cdnow["t_x"], cdnow["T"])
    for transactions in (ParetoNBD().fit(*history), BetaGeo().fit(*history)):
        clv = spend_model.customer_lifetime_value(transactions, *history, cdnow["zbar"])
        undiscounted = spend_model.customer_lifetime_value(
            transactions, *history, cdnow["zbar"], discount_rate=0.0
        )
        spend = spend_model.conditional_expected_value(cdnow["x"], cdnow["zbar"])
        year = transactions.conditional_expected_purchases(12 * 365.25 / 12 / 7, *history)
        assert np.all(np.isfinite(clv)) and np.all(clv >= 0)
        assert undiscounted == pytest.approx(spend * year, rel=1e-9)
        assert np.all(clv <= undiscounted) and np.all(clv >= undiscounted / 1.01**12)


def test_gamma_gamma_rejects_bad_inputs_with_clear_messages(spend_model):
    with pytest.raises(ValueError, match="repeat buyers only"):
        GammaGamma().fit([0, 2], [0.0, 10.0])
    with pytest.raises(ValueError, match="monetary_value must be positive"):
        GammaGamma().fit([1, 2], [-5.0, 10.0])
    with pytest.raises(ValueError, match="same length"):
        GammaGamma().fit([1, 2], [5.0])
    with pytest.raises(NotFittedError):
        GammaGamma().conditional_expected_value([1], [10.0])
    with pytest.raises(ValueError, match="freq"):
        spend_model.customer_lifetime_value(
            ParetoNBD(), [1], [1.0], [2.0], [10.0], freq="fortnight"
        )


@settings(max_examples=80, deadline=None)
@given(
    p=st.floats(min_value=1e-3, max_value=1e3),
    q=st.floats(min_value=1.001, max_value=1e3),
    v=st.floats(min_value=1e-3, max_value=1e4),
    x=st.integers(min_value=0, max_value=10_000),
    z=st.floats(min_value=1e-3, max_value=1e6),
)
def test_gamma_gamma_expected_spend_lies_between_population_and_own_mean(p, q, v, x, z):
    # The conditional expectation is a weighted mean of the population mean and the
    # customer's own mean.
    model = fixed(p=p, q=q, v=v)
    expected = model.conditional_expected_value([x], [z])[0]
    population = model.mean_spend()
    low, high = (population, z) if x > 0 else (population, population)
    assert np.isfinite(expected)
    assert min(low, high) * (1 - 1e-9) <= expected <= max(low, high) * (1 + 1e-9)
