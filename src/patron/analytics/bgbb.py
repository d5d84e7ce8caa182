"""BG/BB: "buy till you die" for discrete transaction opportunities.

References
----------
.. [FHS10] Fader, P. S., Hardie, B. G. S. & Shang, J. (2010). "Customer-base analysis in
   a discrete-time noncontractual setting". Marketing Science 29(6), 1086-1108.
   Equation numbers below refer to this paper; where a number is not
   given, the formula is named instead.

At each opportunity (an annual appeal, a weekly event) a living customer transacts with
probability ``p ~ Beta(alpha, beta)`` and, between opportunities, dies with probability
``theta ~ Beta(gamma, delta)``. Data per customer: ``x`` transactions in ``n``
opportunities, the last one at opportunity ``t_x``.
"""

from __future__ import annotations

from typing import Any, Self

import numpy as np
from scipy import special

from patron.analytics._base import (
    BaseFitter,
    FloatArray,
    as_float_array,
    compress_rows,
    discounted_expected_transactions,
    validate_weights,
)


class BetaGeoBetaBinom(BaseFitter):
    """BG/BB model of Fader, Hardie & Shang (2010) [FHS10]_.

    Parameters
    ----------
    initial_params : mapping, optional
        Starting values for ``alpha, beta, gamma, delta`` (default all 1).
    max_iter : int, default 1000
        Iteration limit of the optimiser.

    Attributes
    ----------
    params_ : dict
        ``alpha``, ``beta`` (beta heterogeneity of the transaction probability),
        ``gamma``, ``delta`` (beta heterogeneity of the dropout probability).
    log_likelihood_, std_errors_, converged_, n_iter_
        See :class:`~patron.analytics.BaseFitter`.
    """

    param_names = ("alpha", "beta", "gamma", "delta")

    @staticmethod
    def _validate_discrete(
        frequency: Any, recency: Any, n_periods: Any, weights: Any = None
    ) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
        x = as_float_array("frequency", frequency)
        t_x = as_float_array("recency", recency)
        n = as_float_array("n_periods", n_periods)
        size = max(x.shape[0], t_x.shape[0], n.shape[0])
        try:
            x, t_x, n = np.broadcast_arrays(x, t_x, n)
        except ValueError:
            raise ValueError("frequency, recency and n_periods must have the same length") from None
        if size == 0:
            raise ValueError("no customers: frequency is empty")
        for name, values in (("frequency", x), ("recency", t_x), ("n_periods", n)):
            if np.any(values < 0) or np.any(values != np.round(values)):
                raise ValueError(f"{name} must hold non-negative whole numbers (opportunities)")
        if np.any(n < 1):
            raise ValueError("n_periods must be at least 1")
        if np.any(x > t_x) or np.any(t_x > n):
            raise ValueError("need frequency <= recency <= n_periods for every customer")
        if np.any((x > 0) & (t_x == 0)) or np.any((x == 0) & (t_x > 0)):
            raise ValueError("recency must be 0 exactly where frequency is 0")
        return (
            np.array(x, dtype=np.float64),
            np.array(t_x, dtype=np.float64),
            np.array(n, dtype=np.float64),
            validate_weights(weights, size),
        )

    def fit(self, frequency: Any, recency: Any, n_periods: Any, weights: Any = None) -> Self:
        """Fit by maximum likelihood; identical ``(x, t_x, n)`` rows are pooled first.

        Parameters
        ----------
        frequency : array_like
            Transactions ``x`` in the ``n`` opportunities after the first one.
        recency : array_like
            Opportunity ``t_x`` of the last transaction (0 when ``x == 0``).
        n_periods : array_like
            Number of opportunities ``n`` observed.
        weights : array_like, optional
            Customers per row (compressed data such as the donations table).

        Returns
        -------
        self
        """
        x, t_x, n, w = self._validate_discrete(frequency, recency, n_periods, weights)
        (ux, utx, un), pooled = compress_rows([x, t_x, n], w)
        # Terms of the likelihood: column 0 is "alive at n", columns 1.. are "died after t_x + i".
        n_terms = int(np.max(un - utx)) + 1
        i = np.arange(n_terms - 1, dtype=np.float64)[None, :]
        died = i < (un - utx)[:, None]
        self._fit_minimize(
            lambda theta: _neg_log_likelihood(theta, ux, utx, un, i, died, pooled),
            n_obs=float(pooled.sum()),
        )
        return self

    def _posterior_alive_log_terms(
        self, x: FloatArray, t_x: FloatArray, n: FloatArray
    ) -> tuple[FloatArray, FloatArray]:
        """log of the alive-at-``n`` term of the likelihood and the log-likelihood itself."""
        alpha, beta, gamma, delta = self._param_array()
        base = special.betaln(alpha, beta) + special.betaln(gamma, delta)
        alive = special.betaln(alpha + x, beta + n - x) + special.betaln(gamma, delta + n) - base
        n_terms = int(np.max(n - t_x)) if x.size else 0
        log_terms = [alive]
        for i in range(n_terms):
            term = (
                special.betaln(alpha + x, beta + t_x - x + i)
                + special.betaln(gamma + 1.0, delta + t_x + i)
                - base
            )
            log_terms.append(np.where(i < n - t_x, term, -np.inf))
        return alive, np.asarray(special.logsumexp(np.stack(log_terms), axis=0))

    def probability_alive(self, frequency: Any, recency: Any, n_periods: Any) -> FloatArray:
        """Probability of being alive at opportunity ``n + 1`` (appendix, eq. A10)::

        P(alive at n+1 | x, t_x, n) = B(alpha + x, beta + n - x) / B(alpha, beta)
                * B(gamma, delta + n + 1) / B(gamma, delta) / L(x, t_x, n)
        """
        x, t_x, n, _ = self._validate_discrete(frequency, recency, n_periods)
        _, _, gamma, delta = self._param_array()
        alive, log_lik = self._posterior_alive_log_terms(x, t_x, n)
        step = special.betaln(gamma, delta + n + 1.0) - special.betaln(gamma, delta + n)
        return np.asarray(np.clip(np.exp(alive + step - log_lik), 0.0, 1.0), dtype=np.float64)

    def expected_purchases(self, t: Any) -> FloatArray:
        """Expected transactions in the first ``t`` opportunities of a new customer::

            E[X(n)] = alpha / (alpha + beta) * delta / (gamma - 1)
                      * [1 - Gamma(gamma + delta) / Gamma(gamma + delta + n)
                             * Gamma(1 + delta + n) / Gamma(1 + delta)]

        evaluated as the equivalent finite sum ``alpha / (alpha + beta) * sum_{s=1..n}
        B(gamma, delta + s) / B(gamma, delta)``, which has no singularity at ``gamma = 1``.
        """
        periods = _whole("t", t)
        alpha, beta, gamma, delta = self._param_array()
        return np.asarray(
            alpha / (alpha + beta) * _alive_sum(periods, gamma, delta + 0.0 * periods),
            dtype=np.float64,
        )

    def conditional_expected_purchases(
        self, t: Any, frequency: Any, recency: Any, n_periods: Any
    ) -> FloatArray:
        """Expected transactions in opportunities ``n + 1 .. n + t``, eq. (13)::

            E[X(n, n + n*) | x, t_x, n] = B(alpha + x + 1, beta + n - x) / B(alpha, beta) / L
                * delta / (gamma - 1) * Gamma(gamma + delta) / Gamma(1 + delta)
                * [Gamma(1 + delta + n) / Gamma(gamma + delta + n)
                   - Gamma(1 + delta + n + n*) / Gamma(gamma + delta + n + n*)]

        computed as P(alive at n) * (alpha + x) / (alpha + beta + n)
        * sum_{s=1..n*} B(gamma, delta + n + s) / B(gamma, delta + n) (the same quantity).
        """
        periods = _whole("t", t)
        x, t_x, n, _ = self._validate_discrete(frequency, recency, n_periods)
        if periods.shape[0] not in (1, x.shape[0]):
            raise ValueError("t must be a single value or one value per customer")
        alpha, beta, gamma, delta = self._param_array()
        alive, log_lik = self._posterior_alive_log_terms(x, t_x, n)
        p_alive_n = np.exp(alive - log_lik)
        future = _alive_sum(np.broadcast_to(periods, x.shape), gamma, delta + n)
        return np.asarray(p_alive_n * (alpha + x) / (alpha + beta + n) * future, dtype=np.float64)

    def probability_of_purchases(self, n: Any, t: Any) -> FloatArray:
        """Probability of exactly ``n`` transactions in ``t`` opportunities, eq. (7)::

        P(X(t) = x) = C(t, x) B(alpha + x, beta + t - x) / B(alpha, beta)
                      * B(gamma, delta + t) / B(gamma, delta)
            + sum_{i=x}^{t-1} C(i, x) B(alpha + x, beta + i - x) / B(alpha, beta)
                      * B(gamma + 1, delta + i) / B(gamma, delta)
        """
        count, periods = np.broadcast_arrays(_whole("n", n), _whole("t", t))
        alpha, beta, gamma, delta = self._param_array()
        base = special.betaln(alpha, beta) + special.betaln(gamma, delta)
        with np.errstate(invalid="ignore"):
            log_comb = _log_binom(periods, count)
            terms = [
                log_comb
                + special.betaln(alpha + count, beta + periods - count)
                + special.betaln(gamma, delta + periods)
                - base
            ]
            for i in range(int(periods.max()) if periods.size else 0):
                log_term = (
                    _log_binom(np.full_like(count, i), count)
                    + special.betaln(alpha + count, beta + i - count)
                    + special.betaln(gamma + 1.0, delta + i)
                    - base
                )
                terms.append(np.where((i >= count) & (i < periods), log_term, -np.inf))
            log_p = special.logsumexp(np.stack(terms), axis=0)
        return np.asarray(np.where(count > periods, 0.0, np.clip(np.exp(log_p), 0, 1)))

    def customer_lifetime_value(
        self,
        frequency: Any,
        recency: Any,
        n_periods: Any,
        monetary_value: Any,
        *,
        horizon: int,
        discount_rate: float,
    ) -> FloatArray:
        """Value of the next ``horizon`` opportunities, each discounted by ``(1 + d)^s``.

        The finite-horizon counterpart of the discounted expected residual transactions
        (DERT) of eq. (14), summed over opportunities from eq. (13).
        """
        value = as_float_array("monetary_value", monetary_value)
        x, t_x, n, _ = self._validate_discrete(frequency, recency, n_periods)
        if value.shape[0] not in (1, x.shape[0]):
            raise ValueError("monetary_value must be a single value or one value per customer")
        transactions = discounted_expected_transactions(
            lambda s: self.conditional_expected_purchases(s, x, t_x, n),
            horizon=horizon,
            discount_rate=discount_rate,
        )
        return np.asarray(value * transactions, dtype=np.float64)


def _neg_log_likelihood(
    theta: FloatArray,
    x: FloatArray,
    t_x: FloatArray,
    n: FloatArray,
    i: FloatArray,
    died: Any,
    w: FloatArray,
) -> tuple[float, FloatArray]:
    """Negative log-likelihood of [FHS10]_ and its gradient in ``log(alpha, ..., delta)``::

    L = B(alpha + x, beta + n - x) / B(alpha, beta) * B(gamma, delta + n) / B(gamma, delta)
      + sum_{i=0}^{n - t_x - 1} B(alpha + x, beta + t_x - x + i) / B(alpha, beta)
                              * B(gamma + 1, delta + t_x + i) / B(gamma, delta)
    """
    alpha, beta, gamma, delta = np.exp(theta)
    xc, txc, nc = x[:, None], t_x[:, None], n[:, None]
    # Each term is betaln(alpha + x, beta + m) + betaln(gamma + g, delta + d) - base.
    m = np.concatenate([nc - xc, txc - xc + i], axis=1)
    g = np.concatenate([np.zeros_like(nc), np.ones_like(i + txc)], axis=1)
    d = np.concatenate([nc, txc + i], axis=1)
    present = np.concatenate([np.ones_like(nc, dtype=bool), died], axis=1)
    m = np.where(present, m, 0.0)
    d = np.where(present, d, 0.0)
    log_terms = (
        special.betaln(alpha + xc, beta + m)
        + special.betaln(gamma + g, delta + d)
        - special.betaln(alpha, beta)
        - special.betaln(gamma, delta)
    )
    log_terms = np.where(present, log_terms, -np.inf)
    ll = special.logsumexp(log_terms, axis=1)
    share = np.exp(log_terms - ll[:, None])

    psi_ab = special.digamma(alpha + beta)
    psi_gd = special.digamma(gamma + delta)
    psi_abm = special.digamma(alpha + beta + xc + m)
    psi_gdm = special.digamma(gamma + delta + g + d)
    d_alpha = special.digamma(alpha + xc) - psi_abm - special.digamma(alpha) + psi_ab
    d_beta = special.digamma(beta + m) - psi_abm - special.digamma(beta) + psi_ab
    d_gamma = special.digamma(gamma + g) - psi_gdm - special.digamma(gamma) + psi_gd
    d_delta = special.digamma(delta + d) - psi_gdm - special.digamma(delta) + psi_gd
    grad = np.array(
        [
            np.dot(w, np.sum(share * d_alpha, axis=1)) * alpha,
            np.dot(w, np.sum(share * d_beta, axis=1)) * beta,
            np.dot(w, np.sum(share * d_gamma, axis=1)) * gamma,
            np.dot(w, np.sum(share * d_delta, axis=1)) * delta,
        ]
    )
    return -float(np.dot(w, ll)), -grad


def _alive_sum(periods: FloatArray, gamma: float, delta: Any) -> FloatArray:
    """``sum_{s=1..t} B(gamma, delta + s) / B(gamma, delta)`` per element (P(alive) sums)."""
    delta_ = np.broadcast_to(np.asarray(delta, dtype=np.float64), periods.shape)
    total = np.zeros(periods.shape)
    base = special.betaln(gamma, delta_)
    for s in range(1, int(periods.max()) + 1 if periods.size else 1):
        total += np.where(s <= periods, np.exp(special.betaln(gamma, delta_ + s) - base), 0.0)
    return total


def _log_binom(n: Any, k: Any) -> FloatArray:
    with np.errstate(invalid="ignore"):
        return np.asarray(
            special.gammaln(n + 1.0) - special.gammaln(k + 1.0) - special.gammaln(n - k + 1.0)
        )


def _whole(name: str, values: Any) -> FloatArray:
    array = as_float_array(name, values)
    if np.any(array < 0) or np.any(array != np.round(array)):
        raise ValueError(f"{name} must hold non-negative whole numbers of opportunities")
    return array
