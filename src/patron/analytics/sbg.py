"""Shifted-beta-geometric (sBG) model of contractual retention.

References
----------
.. [FH07] Fader, P. S. & Hardie, B. G. S. (2007). "How to project customer retention".
   Journal of Interactive Marketing 21(1), 76-90.
.. [FH10] Fader, P. S. & Hardie, B. G. S. (2010). "Customer-base valuation in a contractual
   setting: the perils of ignoring heterogeneity". Marketing Science 29(1), 85-93.

Each subscriber renews at the end of every period with a constant probability ``1 - theta``
of their own; ``theta ~ Beta(alpha, beta)`` across subscribers. Cohort retention therefore
rises over time even though nobody's own renewal probability changes.
"""

from __future__ import annotations

from typing import Any, Self

import numpy as np
from scipy import special

from patron.analytics._base import BaseFitter, FloatArray, as_float_array, validate_weights


def survivors_to_durations(survivors: Any) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Turn a cohort's survivor counts into weighted ``(duration, churned)`` rows.

    Parameters
    ----------
    survivors : array_like
        Customers still active at the start (index 0) and at the end of each period,
        e.g. ``[1000, 631, 468, 382]``; must not increase.

    Returns
    -------
    duration, churned, weights : ndarray
        ``survivors[t-1] - survivors[t]`` customers churned in period ``t`` and
        ``survivors[-1]`` still active after the last period.
    """
    counts = as_float_array("survivors", survivors)
    if counts.shape[0] < 2:
        raise ValueError("survivors needs the starting count and at least one later count")
    if np.any(counts < 0) or np.any(np.diff(counts) > 0):
        raise ValueError("survivors must be non-negative and must not increase")
    periods = np.arange(1, counts.shape[0], dtype=np.float64)
    lost = counts[:-1] - counts[1:]
    duration = np.concatenate([periods, [periods[-1]]])
    churned = np.concatenate([np.ones_like(periods), [0.0]])
    weights = np.concatenate([lost, [counts[-1]]])
    return duration, churned, weights


class ShiftedBetaGeometric(BaseFitter):
    """sBG model of Fader & Hardie (2007) [FH07]_ for contractual retention by cohort.

    Parameters
    ----------
    initial_params : mapping, optional
        Starting values for ``alpha, beta`` (default both 1).
    max_iter : int, default 1000
        Iteration limit of the optimiser.

    Attributes
    ----------
    params_ : dict
        ``alpha``, ``beta``: the beta distribution of the per-period churn probability.
    log_likelihood_, std_errors_, converged_, n_iter_
        See :class:`~patron.analytics.BaseFitter`.

    Examples
    --------
    >>> duration, churned, weights = survivors_to_durations([1000, 631, 468, 382, 326])
    >>> model = ShiftedBetaGeometric().fit(duration, churned, weights)
    >>> round(model.params_["alpha"], 2) > 0
    True
    """

    param_names = ("alpha", "beta")

    def fit(self, duration: Any, churned: Any, weights: Any = None) -> Self:
        """Fit by maximum likelihood on per-customer (or pooled) lifetimes.

        Log-likelihood of [FH07]_::

            LL = sum_{churned} log P(T = t) + sum_{active} log S(t)

        Parameters
        ----------
        duration : array_like
            For churned customers the period ``t >= 1`` in which they left; for active
            customers the number of periods observed (they survived all of them).
        churned : array_like of bool
            Whether each customer has left (``False``: still active, right-censored).
        weights : array_like, optional
            Customers per row (e.g. from :func:`survivors_to_durations`).

        Returns
        -------
        self
        """
        t, lost, w = self._validate_durations(duration, churned, weights)
        self._fit_minimize(
            lambda theta: _neg_log_likelihood(theta, t, lost, w), n_obs=float(w.sum())
        )
        return self

    @staticmethod
    def _validate_durations(
        duration: Any, churned: Any, weights: Any
    ) -> tuple[FloatArray, FloatArray, FloatArray]:
        t = as_float_array("duration", duration)
        lost = as_float_array("churned", churned)
        if t.shape != lost.shape or t.shape[0] == 0:
            raise ValueError("duration and churned must be non-empty and of the same length")
        if np.any(t != np.round(t)):
            raise ValueError("duration must hold whole numbers of periods")
        if np.any((lost == 1) & (t < 1)) or np.any(t < 0):
            raise ValueError("churned customers need duration >= 1; durations must be >= 0")
        if not np.all((lost == 0) | (lost == 1)):
            raise ValueError("churned must be boolean (1 = left, 0 = still active)")
        return t, lost, validate_weights(weights, t.shape[0])

    def churn_probability(self, t: Any) -> FloatArray:
        """Probability of leaving in period ``t`` (``t >= 1``), [FH07]_::

        P(T = t) = B(alpha + 1, beta + t - 1) / B(alpha, beta)
        """
        periods = _periods(t, minimum=1)
        alpha, beta = self._param_array()
        return np.asarray(
            np.exp(special.betaln(alpha + 1.0, beta + periods - 1.0) - special.betaln(alpha, beta))
        )

    def survival_function(self, t: Any) -> FloatArray:
        """Share of a cohort still active after ``t`` periods, [FH07]_::

        S(t) = B(alpha, beta + t) / B(alpha, beta)
        """
        periods = _periods(t, minimum=0)
        alpha, beta = self._param_array()
        return np.asarray(
            np.exp(special.betaln(alpha, beta + periods) - special.betaln(alpha, beta))
        )

    def retention_rate(self, t: Any) -> FloatArray:
        """Share of the period ``t - 1`` survivors who renew in period ``t``, [FH07]_::

        r(t) = (beta + t - 1) / (alpha + beta + t - 1)
        """
        periods = _periods(t, minimum=1)
        alpha, beta = self._param_array()
        return np.asarray((beta + periods - 1.0) / (alpha + beta + periods - 1.0))

    def expected_survivors(self, initial: float, t: Any) -> FloatArray:
        """Projected survivors of a cohort of ``initial`` customers after ``t`` periods."""
        return np.asarray(initial * self.survival_function(t))

    def discounted_expected_lifetime(self, *, discount_rate: float) -> float:
        """Discounted expected lifetime (DEL) of a customer just acquired, [FH10]_::

            DEL(d) = sum_{t>=0} S(t) / (1 + d)^t = 2F1(1, beta; alpha + beta; 1 / (1 + d))

        counting the first period (paid now) undiscounted; times the margin per period it
        is the expected lifetime value of a new customer.
        """
        _check_discount(discount_rate)
        alpha, beta = self._param_array()
        return float(special.hyp2f1(1.0, beta, alpha + beta, 1.0 / (1.0 + discount_rate)))

    def discounted_expected_residual_lifetime(
        self, renewals: Any, *, discount_rate: float
    ) -> FloatArray:
        """Discounted expected residual lifetime (DERL) after ``renewals`` renewals, [FH10]_::

            DERL(d | n - 1 renewals) = (beta + n - 1) / (alpha + beta + n - 1)
                                       * 2F1(1, beta + n; alpha + beta + n; 1 / (1 + d))

        valued just before the next renewal decision, the next payment undiscounted; times
        the margin per period it is an existing customer's residual lifetime value.
        """
        _check_discount(discount_rate)
        k = _periods(renewals, minimum=0)
        alpha, beta = self._param_array()
        z = 1.0 / (1.0 + discount_rate)
        return np.asarray(
            (beta + k)
            / (alpha + beta + k)
            * special.hyp2f1(1.0, beta + k + 1.0, alpha + beta + k + 1.0, z)
        )

    def customer_lifetime_value(
        self, margin: Any, renewals: Any = None, *, discount_rate: float
    ) -> FloatArray:
        """Expected discounted margin per customer: ``margin * DEL`` for new customers
        (``renewals=None``), ``margin * DERL(renewals)`` for existing ones ([FH10]_).
        """
        value = as_float_array("margin", margin)
        if renewals is None:
            return np.asarray(
                value * self.discounted_expected_lifetime(discount_rate=discount_rate)
            )
        return np.asarray(
            value
            * self.discounted_expected_residual_lifetime(renewals, discount_rate=discount_rate)
        )


def _neg_log_likelihood(
    theta: FloatArray, t: FloatArray, lost: FloatArray, w: FloatArray
) -> tuple[float, FloatArray]:
    """``-LL`` of [FH07]_ and its gradient in ``log(alpha, beta)``.

    Churned: ``log B(alpha + 1, beta + t - 1) - log B(alpha, beta)``;
    active: ``log B(alpha, beta + t) - log B(alpha, beta)``.
    """
    alpha, beta = np.exp(theta)
    a = np.where(lost == 1, alpha + 1.0, alpha)
    b = np.where(lost == 1, beta + t - 1.0, beta + t)
    ll = special.betaln(a, b) - special.betaln(alpha, beta)
    psi_ab = special.digamma(alpha + beta)
    psi_sum = special.digamma(a + b)
    d_alpha = special.digamma(a) - psi_sum - special.digamma(alpha) + psi_ab
    d_beta = special.digamma(b) - psi_sum - special.digamma(beta) + psi_ab
    grad = np.array([np.dot(w, d_alpha) * alpha, np.dot(w, d_beta) * beta])
    return -float(np.dot(w, ll)), -grad


def _check_discount(discount_rate: float) -> None:
    if not discount_rate > 0:
        raise ValueError("discount_rate must be positive (the lifetime sum diverges at 0)")


def _periods(values: Any, *, minimum: int) -> FloatArray:
    array = as_float_array("t", values)
    if np.any(array < minimum) or np.any(array != np.round(array)):
        raise ValueError(f"t must hold whole numbers of periods >= {minimum}")
    return array
