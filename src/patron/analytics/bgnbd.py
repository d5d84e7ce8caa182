"""BG/NBD and MBG/NBD: "buy till you die" models for non-contractual, continuous time.

References
----------
.. [FHL05] Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). "Counting your customers
   the easy way: an alternative to the Pareto/NBD model". Marketing Science 24(2),
   275-284. Equation numbers below refer to this paper.
.. [BDF07] Batislam, E. P., Denizel, M. & Filiztekin, A. (2007). "Empirical validation and
   comparison of models for customer base analysis". International Journal of Research
   in Marketing 24(3), 201-209 (the MBG/NBD model).

Both models share one structure: while alive a customer buys as a Poisson process with
rate ``lambda ~ Gamma(r, alpha)``; after each purchase (MBG/NBD: also right after the first
one) the customer drops out with probability ``p ~ Beta(a, b)``. Every prediction is
therefore built from :func:`expected_transactions_beta_geometric` (the expected count of
a customer with given gamma and beta parameters, eq. 7) and the posterior update of those
parameters given ``(x, t_x, T)``.
"""

from __future__ import annotations

from typing import Any, Self

import numpy as np
from scipy import integrate, special

from patron.analytics._base import (
    BaseFitter,
    FloatArray,
    as_float_array,
    discounted_expected_transactions,
)


def expected_transactions_beta_geometric(t: Any, r: Any, alpha: Any, a: Any, b: Any) -> FloatArray:
    """Expected transactions in ``(0, t]`` under Gamma(r, alpha) rates and Beta(a, b) dropout.

    Implements [FHL05]_ eq. (7)::

        E[X(t)] = (a + b - 1) / (a - 1) * [1 - (alpha / (alpha + t))^r
                                            * 2F1(r, b; a + b - 1; t / (alpha + t))]

    which is ``E_p[(1 - (1 + p t / alpha)^-r) / p]`` for ``p ~ Beta(a, b)``. Applied to the
    posterior parameters ``(r + x, alpha + T, a, b + x)`` it gives eq. (10). Where the
    hypergeometric form is unusable (``a`` near 1, or scipy's ``hyp2f1`` leaving the bounds
    ``0 <= E <= r t / alpha``) the same expectation is integrated numerically.

    Parameters
    ----------
    t : array_like
        Length of the period, in the model's time unit (>= 0).
    r, alpha, a, b : array_like
        Positive model parameters (broadcast against ``t``).

    Returns
    -------
    ndarray
        Expected number of transactions, finite and non-negative.
    """
    t_, r_, alpha_, a_, b_ = np.broadcast_arrays(
        *(np.atleast_1d(np.asarray(v, dtype=np.float64)) for v in (t, r, alpha, a, b))
    )
    log_survival = np.log(alpha_) - np.log(alpha_ + t_)
    z = t_ / (alpha_ + t_)
    c = a_ + b_ - 1.0
    near_one = np.abs(a_ - 1.0) < 1e-6
    with np.errstate(all="ignore"):
        hyp = special.hyp2f1(r_, b_, c, z)
        value = c / (a_ - 1.0) * -np.expm1(r_ * log_survival + np.log(hyp))
        value = np.where(hyp > 0, value, c / (a_ - 1.0) * (1.0 - np.exp(r_ * log_survival) * hyp))
    upper = r_ * t_ / alpha_
    bad = near_one | ~np.isfinite(value) | (value < -1e-12) | (value > upper * (1 + 1e-9))
    value = np.where(t_ == 0, 0.0, value)
    for index in zip(*np.nonzero(bad & (t_ > 0)), strict=True):
        value[index] = _integrate_expected(
            float(t_[index]), float(r_[index]), float(alpha_[index]), a_[index], b_[index]
        )
    return np.clip(value, 0.0, None)


def _integrate_expected(t: float, r: float, alpha: float, a: float, b: float) -> float:
    """``E_p[(1 - (1 + p t / alpha)^-r) / p]`` for ``p ~ Beta(a, b)`` by adaptive quadrature."""
    u = t / alpha
    log_norm = special.betaln(a, b)

    def integrand(p: float) -> float:
        if p <= 0.0:
            return 0.0
        log_density = (a - 1.0) * np.log(p) + (b - 1.0) * np.log1p(-p) - log_norm
        return float(np.exp(log_density) * -np.expm1(-r * np.log1p(p * u)) / p)

    knots = sorted({min(0.5, 1.0 / u), 0.5}) if u > 0 else None
    result, _ = integrate.quad(integrand, 0.0, 1.0, points=knots, limit=200)
    return float(result)


class _BetaGeoFamily(BaseFitter):
    """Fitting and prediction shared by BG/NBD and MBG/NBD; subclasses set the likelihood."""

    param_names = ("r", "alpha", "a", "b")

    #: 1 for MBG/NBD, where dropout can also happen right after the first purchase.
    _extra_dropout = 0.0

    def fit(self, frequency: Any, recency: Any, T: Any, weights: Any = None) -> Self:
        """Fit by maximum likelihood to per-customer summaries.

        Parameters
        ----------
        frequency : array_like
            Repeat purchases ``x`` per customer (whole numbers >= 0).
        recency : array_like
            Time of the last purchase ``t_x`` since the first one (0 when ``x == 0``).
        T : array_like
            Time since the first purchase (the customer's age), same unit as ``recency``.
        weights : array_like, optional
            Number of customers each row stands for (compressed data).

        Returns
        -------
        self
        """
        x, t_x, t_end, w = self._validate_rfm(frequency, recency, T, weights)
        keep = w > 0
        x, t_x, t_end, w = x[keep], t_x[keep], t_end[keep], w[keep]
        unique_x, index = np.unique(x, return_inverse=True)
        self._fit_minimize(
            lambda theta: self._neg_log_likelihood(theta, unique_x, index, t_x, t_end, x, w),
            n_obs=float(w.sum()),
        )
        return self

    def _neg_log_likelihood(
        self,
        theta: FloatArray,
        unique_x: FloatArray,
        index: Any,
        t_x: FloatArray,
        t_end: FloatArray,
        x: FloatArray,
        w: FloatArray,
    ) -> tuple[float, FloatArray]:
        """Negative log-likelihood and its gradient in ``log(r, alpha, a, b)``.

        BG/NBD is [FHL05]_ eq. (6); MBG/NBD ([BDF07]_, section 2) has the same two terms with
        ``b`` shifted by one and the second term present for every ``x`` (``e = 1``)::

            L = B(a, b + x + e) / B(a, b) * Gamma(r + x) alpha^r / (Gamma(r) (alpha + T)^(r+x))
              + [x > 0 or e] B(a + 1, b + x - 1 + e) / B(a, b)
                * Gamma(r + x) alpha^r / (Gamma(r) (alpha + t_x)^(r+x))

        Special functions are evaluated once per distinct ``x``, then gathered per customer.
        """
        r, alpha, a, b = np.exp(theta)
        e = self._extra_dropout
        ux = unique_x
        betaln_ab = special.betaln(a, b)
        psi_ab = special.digamma(a + b)
        psi_abx = special.digamma(a + b + ux + e)
        # Per distinct x: the x-only parts of both terms and their derivatives.
        log_gamma_part = special.gammaln(r + ux) - special.gammaln(r) + r * np.log(alpha)
        d_r_gamma = special.digamma(r + ux) - special.digamma(r)
        first_beta = special.betaln(a, b + ux + e) - betaln_ab
        d_a_first = psi_ab - psi_abx
        d_b_first = special.digamma(b + ux + e) - special.digamma(b) + psi_ab - psi_abx
        second_present = (ux > 0) | (e > 0)
        b_second = np.where(second_present, b + ux - 1.0 + e, 1.0)
        second_beta = np.where(
            second_present, special.betaln(a + 1.0, b_second) - betaln_ab, -np.inf
        )
        d_a_second = special.digamma(a + 1.0) - special.digamma(a) + psi_ab - psi_abx
        d_b_second = special.digamma(b_second) - special.digamma(b) + psi_ab - psi_abx

        rx = r + x
        log_alpha_t = np.log(alpha + t_end)
        log_alpha_tx = np.log(alpha + t_x)
        term1 = first_beta[index] - rx * log_alpha_t
        term2 = second_beta[index] - rx * log_alpha_tx
        log_sum = np.logaddexp(term1, term2)
        w2 = np.exp(term2 - log_sum)
        w1 = 1.0 - w2
        ll = log_gamma_part[index] + log_sum

        grad_r = d_r_gamma[index] + np.log(alpha) - w1 * log_alpha_t - w2 * log_alpha_tx
        grad_alpha = r / alpha - rx * (w1 / (alpha + t_end) + w2 / (alpha + t_x))
        grad_a = w1 * d_a_first[index] + w2 * d_a_second[index]
        grad_b = w1 * d_b_first[index] + w2 * np.where(second_present, d_b_second, 0.0)[index]

        grad = np.array(
            [
                np.dot(w, grad_r) * r,
                np.dot(w, grad_alpha) * alpha,
                np.dot(w, grad_a) * a,
                np.dot(w, grad_b) * b,
            ]
        )
        return -float(np.dot(w, ll)), -grad

    # -- predictions ----------------------------------------------------------------------

    def _log_alive_odds(self, x: FloatArray, t_x: FloatArray, t_end: FloatArray) -> FloatArray:
        """log of ``a / (b + x - 1 + e) * ((alpha + T) / (alpha + t_x))^(r + x)``."""
        r, alpha, a, b = self._param_array()
        e = self._extra_dropout
        with np.errstate(divide="ignore"):
            log_odds = (
                np.log(a)
                - np.log(b + x - 1.0 + e)
                + (r + x) * (np.log(alpha + t_end) - np.log(alpha + t_x))
            )
        if e == 0:
            log_odds = np.where(x > 0, log_odds, -np.inf)
        return np.asarray(log_odds, dtype=np.float64)

    def probability_alive(self, frequency: Any, recency: Any, T: Any) -> FloatArray:
        """Probability that each customer is still alive at ``T``.

        BG/NBD: Fader, Hardie & Lee (2008), "Computing P(alive) using the BG/NBD model"
        (the note's final expression, derived from [FHL05]_ eq. 6)::

            P(alive | x, t_x, T) = 1 / (1 + [x > 0] a / (b + x - 1)
                                     * ((alpha + T) / (alpha + t_x))^(r + x))

        MBG/NBD ([BDF07]_, section 2): ``a / (b + x)`` and no ``x > 0`` indicator. Computed as
        a logistic function of the log-odds so it stays in ``[0, 1]`` for any input.
        """
        x, t_x, t_end, _ = self._validate_rfm(frequency, recency, T)
        return np.asarray(special.expit(-self._log_alive_odds(x, t_x, t_end)), dtype=np.float64)

    def expected_purchases(self, t: Any) -> FloatArray:
        """Expected purchases in ``(0, t]`` of a customer just acquired at time 0.

        BG/NBD: [FHL05]_ eq. (7). MBG/NBD ([BDF07]_, section 2)::

            E[X(t)] = b / (a - 1) * [1 - (alpha / (alpha + t))^r
                                      * 2F1(r, b + 1; a + b; t / (alpha + t))]

        i.e. eq. (7) with ``b + 1`` weighted by the chance ``b / (a + b)`` of surviving the
        first purchase.
        """
        periods = _nonnegative("t", t)
        r, alpha, a, b = self._param_array()
        e = self._extra_dropout
        survive_first = 1.0 if e == 0 else b / (a + b)
        return survive_first * expected_transactions_beta_geometric(periods, r, alpha, a, b + e)

    def conditional_expected_purchases(
        self, t: Any, frequency: Any, recency: Any, T: Any
    ) -> FloatArray:
        """Expected purchases in ``(T, T + t]`` given each customer's ``(x, t_x, T)``.

        BG/NBD: [FHL05]_ eq. (10)::

            E[Y(t) | x, t_x, T] = P(alive) * (a + b + x - 1) / (a - 1)
                * [1 - ((alpha + T) / (alpha + T + t))^(r + x)
                       * 2F1(r + x, b + x; a + b + x - 1; t / (alpha + T + t))]

        i.e. P(alive) times eq. (7) at the posterior ``(r + x, alpha + T, a, b + x)``.
        MBG/NBD ([BDF07]_, section 2): the posterior is ``(r + x, alpha + T, a, b + x + 1)``.
        """
        periods = _nonnegative("t", t)
        x, t_x, t_end, _ = self._validate_rfm(frequency, recency, T)
        if periods.shape[0] not in (1, x.shape[0]):
            raise ValueError("t must be a single value or one value per customer")
        r, alpha, a, b = self._param_array()
        alive = special.expit(-self._log_alive_odds(x, t_x, t_end))
        future = expected_transactions_beta_geometric(
            periods, r + x, alpha + t_end, a, b + x + self._extra_dropout
        )
        return np.asarray(alive * future, dtype=np.float64)

    def probability_of_purchases(self, n: Any, t: Any) -> FloatArray:
        """Probability that a just-acquired customer makes exactly ``n`` purchases in ``(0, t]``.

        BG/NBD: [FHL05]_ eq. (8)::

            P(X(t) = n) = B(a, b + n) / B(a, b) * NB(n; r, alpha / (alpha + t))
                + [n > 0] B(a + 1, b + n - 1) / B(a, b) * P(NB(r, alpha / (alpha + t)) >= n)

        where ``NB`` is the negative binomial of ``Gamma(r + j) / (Gamma(r) j!)
        (alpha / (alpha + t))^r (t / (alpha + t))^j``; the tail sum of eq. (8) is evaluated
        as a regularised incomplete beta function. MBG/NBD ([BDF07]_): ``b + n + 1``
        and ``b + n`` in the beta functions, and the second term also for ``n = 0``.
        """
        count = as_float_array("n", n)
        if np.any(count < 0) or np.any(count != np.round(count)):
            raise ValueError("n must hold non-negative whole numbers")
        periods = _nonnegative("t", t)
        count, periods = np.broadcast_arrays(count, periods)
        r, alpha, a, b = self._param_array()
        e = self._extra_dropout
        betaln_ab = special.betaln(a, b)
        log_stay = np.log(alpha) - np.log(alpha + periods)
        with np.errstate(divide="ignore", invalid="ignore"):
            log_move = np.where(periods > 0, np.log(periods) - np.log(alpha + periods), -np.inf)
            log_nb = (
                special.gammaln(r + count)
                - special.gammaln(r)
                - special.gammaln(count + 1)
                + r * log_stay
                + np.where(count > 0, count * log_move, 0.0)
            )
            first = np.exp(special.betaln(a, b + count + e) - betaln_ab + log_nb)
            tail = np.where(
                count > 0, special.betainc(np.maximum(count, 1.0), r, np.exp(log_move)), 1.0
            )
            second_present = (count > 0) | (e > 0)
            second = np.where(
                second_present,
                np.exp(
                    special.betaln(a + 1.0, np.where(second_present, b + count - 1 + e, 1.0))
                    - betaln_ab
                )
                * tail,
                0.0,
            )
        return np.asarray(np.clip(first + second, 0.0, 1.0), dtype=np.float64)

    def customer_lifetime_value(
        self,
        frequency: Any,
        recency: Any,
        T: Any,
        monetary_value: Any,
        *,
        horizon: int,
        discount_rate: float,
        period_length: float = 1.0,
    ) -> FloatArray:
        """Discounted value of each customer's expected purchases over ``horizon`` periods.

        ``sum_k m * (E[Y(k L)] - E[Y((k-1) L)]) / (1 + d)^k`` with ``E[Y]`` from
        :meth:`conditional_expected_purchases` (eq. 10) and ``m`` the expected value per
        purchase (e.g. :meth:`GammaGamma.conditional_expected_value`); see
        Fader, Hardie & Lee (2005), "RFM and CLV: using iso-value curves for customer base
        analysis", Journal of Marketing Research 42(4), eq. (2).

        Parameters
        ----------
        frequency, recency, T : array_like
            Per-customer summaries, as for ``fit``.
        monetary_value : array_like
            Expected value (or margin) per future purchase, per customer or one value.
        horizon : int
            Number of discount periods.
        discount_rate : float
            Discount rate per period.
        period_length : float, default 1.0
            Length of a discount period in the data's time unit (e.g. 52 / 12 for months
            on weekly data).
        """
        value = as_float_array("monetary_value", monetary_value)
        x, t_x, t_end, _ = self._validate_rfm(frequency, recency, T)
        if value.shape[0] not in (1, x.shape[0]):
            raise ValueError("monetary_value must be a single value or one value per customer")
        transactions = discounted_expected_transactions(
            lambda t: self.conditional_expected_purchases(t, x, t_x, t_end),
            horizon=horizon,
            discount_rate=discount_rate,
            period_length=period_length,
        )
        return np.asarray(value * transactions, dtype=np.float64)


class BetaGeo(_BetaGeoFamily):
    """BG/NBD model of Fader, Hardie & Lee (2005) [FHL05]_.

    Parameters
    ----------
    initial_params : mapping, optional
        Starting values for ``r, alpha, a, b`` (default all 1).
    max_iter : int, default 1000
        Iteration limit of the optimiser.

    Attributes
    ----------
    params_ : dict
        ``r``, ``alpha`` (gamma heterogeneity of purchase rates), ``a``, ``b`` (beta
        heterogeneity of the dropout probability).
    log_likelihood_, std_errors_, converged_, n_iter_
        See :class:`~patron.analytics.BaseFitter`.

    Examples
    --------
    >>> model = BetaGeo().fit(frequency, recency, T)  # doctest: +SKIP
    >>> model.conditional_expected_purchases(39, frequency, recency, T)  # doctest: +SKIP
    """


class ModifiedBetaGeo(_BetaGeoFamily):
    """MBG/NBD model of Batislam, Denizel & Filiztekin (2007) [BDF07]_.

    Like :class:`BetaGeo`, but a customer may also drop out right after the first purchase,
    so customers without repeat purchases are not assumed alive for sure.

    Parameters and attributes are those of :class:`BetaGeo`.
    """

    _extra_dropout = 1.0


def _nonnegative(name: str, values: Any) -> FloatArray:
    array = as_float_array(name, values)
    if np.any(array < 0):
        raise ValueError(f"{name} must be non-negative")
    return array
