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

import warnings
from dataclasses import dataclass
from typing import Any, Self

import numpy as np
import numpy.typing as npt
from scipy import integrate, special

from patron.analytics._base import (
    BaseFitter,
    FloatArray,
    as_float_array,
    compress_rows,
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


def _log_edge(shape: float) -> float:
    """``log`` of ``x^(shape - 1)`` at ``x = 0``: 0 for shape 1, -inf above it, +inf below."""
    if shape == 1.0:
        return 0.0
    return -np.inf if shape > 1.0 else np.inf


def _integrate_expected(t: float, r: float, alpha: float, a: float, b: float) -> float:
    """``E_p[(1 - (1 + p t / alpha)^-r) / p]`` for ``p ~ Beta(a, b)`` by adaptive quadrature.

    Split at ``p = 1/2``: an end where the beta density is singular (``a < 1`` at 0,
    ``b < 1`` at 1) goes to QUADPACK's algebraic-weight rule (QAWS), which integrates
    ``p^(a-1)`` or ``(1-p)^(b-1)`` exactly; elsewhere the density is evaluated in log
    space and the rule is told where it peaks and where ``p t / alpha`` reaches 1.
    """
    u = t / alpha
    log_norm = float(special.betaln(a, b))

    def rising(p: float) -> float:
        """``(1 - (1 + p u)^-r) / p``: bounded by ``r u``, smooth in ``p``."""
        if p <= 0.0:
            return r * u
        return float(-np.expm1(-r * np.log1p(p * u)) / p)

    def density(p: float, *, left: bool = True, right: bool = True) -> float:
        log_value = -log_norm
        if left:
            log_value += (a - 1.0) * np.log(p) if p > 0 else _log_edge(a)
        if right:
            log_value += (b - 1.0) * np.log1p(-p) if p < 1 else _log_edge(b)
        return float(np.exp(log_value))

    mode = (a - 1.0) / (a + b - 2.0) if a > 1 and b > 1 else 0.5
    total = 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", integrate.IntegrationWarning)
        for low, high in ((0.0, 0.5), (0.5, 1.0)):
            singular_left = low == 0.0 and a < 1
            singular_right = high == 1.0 and b < 1
            if singular_left or singular_right:
                value, _ = integrate.quad(
                    lambda p, sl=singular_left, sr=singular_right: (
                        density(p, left=not sl, right=not sr) * rising(p)
                    ),
                    low,
                    high,
                    weight="alg",
                    wvar=(a - 1.0 if singular_left else 0.0, b - 1.0 if singular_right else 0.0),
                    limit=200,
                    epsabs=0.0,
                    epsrel=1e-10,
                )
            else:
                bend = 1.0 / u if u > 0 else np.inf
                knots = [k for k in (bend, mode) if low < k < high]
                value, _ = integrate.quad(
                    lambda p: density(p) * rising(p),
                    low,
                    high,
                    points=knots or None,
                    limit=200,
                    epsabs=0.0,
                    epsrel=1e-10,
                )
            total += value
    return float(total)


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
        data = _Prepared.build(x, t_x, t_end, w, both_terms_always=self._extra_dropout > 0)
        self._fit_minimize(
            lambda theta: self._neg_log_likelihood(theta, data), n_obs=data.total_weight
        )
        return self

    def _neg_log_likelihood(self, theta: FloatArray, data: _Prepared) -> tuple[float, FloatArray]:
        """Negative log-likelihood and its gradient in ``log(r, alpha, a, b)``.

        BG/NBD is [FHL05]_ eq. (6); MBG/NBD ([BDF07]_, section 2) has the same two terms with
        ``b`` shifted by one and the second term present for every ``x`` (``e = 1``)::

            L = B(a, b + x + e) / B(a, b) * Gamma(r + x) alpha^r / (Gamma(r) (alpha + T)^(r+x))
              + [x > 0 or e] B(a + 1, b + x - 1 + e) / B(a, b)
                * Gamma(r + x) alpha^r / (Gamma(r) (alpha + t_x)^(r+x))

        Special functions are evaluated once per distinct ``x`` and combined with per-``x``
        weight totals; per customer only ``log(alpha + T)``, ``log(alpha + t_x)`` and the
        share ``w2`` of the second term are computed, for the customers who have one.
        """
        r, alpha, a, b = np.exp(theta)
        e = self._extra_dropout
        ux = data.unique_x
        betaln_ab = special.betaln(a, b)
        psi_ab = special.digamma(a + b)
        psi_abx = special.digamma(a + b + ux + e)
        # Per distinct x: the x-only parts of both terms and their derivatives.
        gamma_part = special.gammaln(r + ux) - special.gammaln(r) + r * np.log(alpha)
        d_r_gamma = special.digamma(r + ux) - special.digamma(r) + np.log(alpha)
        first_beta = special.betaln(a, b + ux + e) - betaln_ab
        d_a_first = psi_ab - psi_abx
        d_b_first = special.digamma(b + ux + e) - special.digamma(b) + psi_ab - psi_abx
        # Where x = 0 under BG/NBD the second term is absent; b stands in to stay finite.
        b_second = np.where((ux > 0) | (e > 0), b + ux - 1.0 + e, b)
        second_beta = special.betaln(a + 1.0, b_second) - betaln_ab
        d_a_second = special.digamma(a + 1.0) - special.digamma(a) + psi_ab - psi_abx
        d_b_second = special.digamma(b_second) - special.digamma(b) + psi_ab - psi_abx

        # Every customer: the first term's T-part.
        log_t = np.log(alpha + data.t_end)
        inv_t = 1.0 / (alpha + data.t_end)
        sum_log_t = _dot(data.w, log_t)
        sum_wx_log_t = _dot(data.wx, log_t)
        ll = _dot(data.weight_by_x, gamma_part + first_beta) - r * sum_log_t - sum_wx_log_t
        grad_r = _dot(data.weight_by_x, d_r_gamma) - sum_log_t
        grad_alpha = r * data.total_weight / alpha - r * _dot(data.w, inv_t)
        grad_alpha -= _dot(data.wx, inv_t)
        grad_a = _dot(data.weight_by_x, d_a_first)
        grad_b = _dot(data.weight_by_x, d_b_first)

        # Customers with a second term: log(term1 + term2) = term1 + softplus(d).
        if data.idx2.size:
            log_gap = np.log(alpha + data.t_x2) - log_t[data.first2 :]
            rx = r + data.x2
            d = (second_beta - first_beta)[data.idx2] - rx * log_gap
            share = special.expit(d)
            w_share = data.w2 * share
            # softplus(d) = max(d, 0) - log(expit(|d|)), with expit(|d|) read off share.
            ll += _dot(data.w2, np.maximum(d, 0.0) - np.log(np.where(d > 0, share, 1.0 - share)))
            grad_r -= _dot(w_share, log_gap)
            grad_alpha -= _dot(w_share * rx, 1.0 / (alpha + data.t_x2) - inv_t[data.first2 :])
            share_by_x = np.bincount(data.idx2, weights=w_share, minlength=ux.shape[0])
            grad_a += _dot(share_by_x, d_a_second - d_a_first)
            grad_b += _dot(share_by_x, d_b_second - d_b_first)

        grad = np.array([grad_r * r, grad_alpha * alpha, grad_a * a, grad_b * b])
        return -float(ll), -grad

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
            # Where the term is absent, b stands in so the masked value stays finite.
            b_second = np.where(second_present, b + count - 1.0 + e, b)
            second = np.where(
                second_present,
                np.exp(special.betaln(a + 1.0, b_second) - betaln_ab) * tail,
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
        purchase (e.g. :meth:`GammaGamma.conditional_expected_value`): a discrete
        approximation of margin times DERT in Fader, Hardie & Lee (2005), "RFM and CLV:
        using iso-value curves for customer base analysis", Journal of Marketing Research
        42(4), whose closed form exists for Pareto/NBD but not for BG/NBD.

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


@dataclass(frozen=True)
class _Prepared:
    """Fit data grouped for the likelihood: identical rows pooled, per-``x`` weight totals,
    and the rows whose likelihood has a second term (repeat buyers; all rows for MBG/NBD)."""

    unique_x: FloatArray
    weight_by_x: FloatArray
    total_weight: float
    t_end: FloatArray
    w: FloatArray
    wx: FloatArray
    first2: int
    idx2: npt.NDArray[np.intp]
    x2: FloatArray
    t_x2: FloatArray
    w2: FloatArray

    @property
    def size(self) -> int:
        return int(self.t_end.shape[0])

    @classmethod
    def build(
        cls,
        x: FloatArray,
        t_x: FloatArray,
        t_end: FloatArray,
        w: FloatArray,
        *,
        both_terms_always: bool,
    ) -> _Prepared:
        # Without repeat purchases only T matters (t_x is 0): pool those rows by T alone,
        # a much cheaper sort than by (x, t_x, T).
        none = x == 0
        (t_end_none,), w_none = compress_rows([t_end[none]], w[none])
        (x, t_x, t_end), w = compress_rows([x[~none], t_x[~none], t_end[~none]], w[~none])
        x = np.concatenate([np.zeros_like(t_end_none), x])
        t_x = np.concatenate([np.zeros_like(t_end_none), t_x])
        t_end = np.concatenate([t_end_none, t_end])
        w = np.concatenate([w_none, w])
        # Pooled rows come sorted by x, so its distinct values need no further sort.
        new_x = np.ones(x.shape[0], dtype=bool)
        new_x[1:] = x[1:] != x[:-1]
        unique_x = x[new_x]
        index = np.cumsum(new_x) - 1
        # Rows are sorted by x: those with a second term are a tail of the arrays.
        first2 = 0 if both_terms_always else int(np.searchsorted(x, 0.0, side="right"))
        return cls(
            unique_x=unique_x,
            weight_by_x=np.bincount(index, weights=w, minlength=unique_x.shape[0]).astype(float),
            total_weight=float(w.sum()),
            t_end=t_end,
            w=w,
            wx=w * x,
            first2=first2,
            idx2=index[first2:],
            x2=x[first2:],
            t_x2=t_x[first2:],
            w2=w[first2:],
        )


def _dot(left: npt.NDArray[Any], right: npt.NDArray[Any]) -> float:
    """Inner product without BLAS: for vectors, OpenBLAS threads cost more than they save
    (several times slower on a busy machine)."""
    return float(np.einsum("i,i->", left, right))


def _nonnegative(name: str, values: Any) -> FloatArray:
    array = as_float_array(name, values)
    if np.any(array < 0):
        raise ValueError(f"{name} must be non-negative")
    return array
