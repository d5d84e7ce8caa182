"""Gamma-Gamma model of the monetary value of transactions.

Fader & Hardie (2013), "The Gamma-Gamma model of monetary value" (brucehardie.com/notes/025),
after Colombo & Jiang (1999), "A stochastic RFM model", *Journal of Interactive Marketing*
13(3). A customer's transaction values are Gamma(p, ν) around a mean p/ν that varies across
customers with ν ~ Gamma(q, γ); spend is assumed independent of the transaction process, so
the model combines with any transaction model (BG/NBD, Pareto/NBD) for lifetime value.
Here γ is called ``v`` (the name lifetimes uses).
"""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np
from scipy import special

from patron.analytics._base import (
    BaseFitter,
    FitError,
    FloatArray,
    as_float_array,
    validate_weights,
)

__all__ = ["GammaGamma"]

ArrayLike = Any

PERIODS_PER_MONTH = {
    "D": 365.25 / 12,
    "W": 365.25 / 12 / 7,
    "M": 1.0,
    "H": 365.25 * 24 / 12,
}
"""Length of a month in the time unit ``freq`` of the transaction model's data."""


class TransactionModel(Protocol):
    """A fitted transaction model that can discount its conditional expected purchases."""

    def customer_lifetime_value(
        self,
        frequency: ArrayLike,
        recency: ArrayLike,
        T: ArrayLike,
        monetary_value: ArrayLike,
        *,
        horizon: int,
        discount_rate: float,
        period_length: float = 1.0,
    ) -> FloatArray: ...


class GammaGamma(BaseFitter):
    """Gamma-Gamma spend model fitted by maximum likelihood on repeat buyers.

    Parameters
    ----------
    initial_params : mapping of str to float, optional
        Starting values for ``p``, ``q``, ``v`` (default all 1).
    max_iter : int, default 1000
        Iteration limit of the optimiser.

    Attributes
    ----------
    params_ : dict of str to float
        ``p`` (shape of each customer's spend distribution), ``q`` and ``v`` (shape and
        rate of the gamma distribution of its rate ν across customers).
    log_likelihood_, std_errors_, converged_, n_iter_
        See :class:`~patron.analytics._base.BaseFitter`.
    """

    param_names = ("p", "q", "v")

    @staticmethod
    def _validate_spend(
        frequency: ArrayLike, monetary_value: ArrayLike, *, repeat_buyers_only: bool
    ) -> tuple[FloatArray, FloatArray]:
        x = as_float_array("frequency", frequency)
        z = as_float_array("monetary_value", monetary_value)
        if x.shape[0] != z.shape[0]:
            raise ValueError(
                f"frequency and monetary_value must have the same length "
                f"(got {x.shape[0]} and {z.shape[0]})"
            )
        if np.any(x < 0) or np.any(x != np.round(x)):
            raise ValueError("frequency must hold non-negative whole numbers (repeat purchases)")
        if repeat_buyers_only and np.any(x == 0):
            raise ValueError(
                "the Gamma-Gamma model is fitted on repeat buyers only: pass the rows with "
                "frequency > 0 (their monetary_value is the mean of the repeat purchases)"
            )
        if np.any((x > 0) & (z <= 0)):
            raise ValueError("monetary_value must be positive for customers with frequency > 0")
        return x, z

    def fit(
        self, frequency: ArrayLike, monetary_value: ArrayLike, weights: ArrayLike = None
    ) -> GammaGamma:
        """Estimate ``p, q, v`` from the repeat buyers' mean spend.

        The likelihood of a customer's mean spend z̄ over x transactions (Fader & Hardie
        2013; z̄ is Gamma(px, νx) given ν, mixed over ν ~ Gamma(q, γ)):

            f(z̄ | p, q, γ; x) = Γ(px+q) / (Γ(px) Γ(q)) · γ^q z̄^(px-1) x^(px) / (γ + x z̄)^(px+q)

        maximised with its analytic gradient (digamma terms) over log-parameters.

        Parameters
        ----------
        frequency : array_like
            Number of repeat transactions x (all ≥ 1).
        monetary_value : array_like
            Mean value z̄ of those transactions (all > 0).
        weights : array_like, optional
            Number of customers each row stands for.

        Returns
        -------
        GammaGamma
            ``self``, fitted.

        Raises
        ------
        ValueError
            If a row has frequency 0 or a non-positive spend.
        FitError
            If the optimum is not finite or lies on the edge of the parameter space.
        """
        x, z = self._validate_spend(frequency, monetary_value, repeat_buyers_only=True)
        if x.shape[0] == 0:
            raise ValueError("no repeat buyers: frequency is empty")
        w = validate_weights(weights, x.shape[0])
        log_x = np.log(x)
        log_z = np.log(z)

        def neg_ll_and_grad(theta: FloatArray) -> tuple[float, FloatArray]:
            p, q, v = np.exp(theta)
            px = p * x
            log_vz = np.log(v + x * z)
            ll = (
                special.gammaln(px + q)
                - special.gammaln(px)
                - special.gammaln(q)
                + q * np.log(v)
                + (px - 1) * log_z
                + px * log_x
                - (px + q) * log_vz
            )
            psi_sum = special.digamma(px + q)
            d_p = x * (psi_sum - special.digamma(px) + log_z + log_x - log_vz)
            d_q = psi_sum - special.digamma(q) + np.log(v) - log_vz
            d_v = q / v - (px + q) / (v + x * z)
            # einsum rather than BLAS: OpenBLAS threads slow these weighted sums down.
            total = np.einsum("ij,j->i", np.stack([ll, p * d_p, q * d_q, v * d_v]), w)
            return -float(total[0]), -total[1:]

        start = None
        if self.initial_params is None:
            start = _starting_point(x, z, w)
        self._fit_minimize(neg_ll_and_grad, start, n_obs=float(w.sum()))
        return self

    def mean_spend(self) -> float:
        """Expected value of a transaction of a random customer, ``pγ/(q-1)``.

        Fader & Hardie (2013), the mean p/ν of a transaction averaged over ν:
        E[Z] = p·E[1/ν] = pγ/(q-1).

        Raises
        ------
        FitError
            If q ≤ 1 (the population mean does not exist).
        """
        p, q, v = self._param_array()
        if q <= 1:
            raise FitError(f"GammaGamma: q = {q:.4g} <= 1, so the mean spend is infinite")
        return float(p * v / (q - 1))

    def conditional_expected_value(
        self, frequency: ArrayLike, monetary_value: ArrayLike
    ) -> FloatArray:
        """Expected value of a customer's future transactions given x and z̄.

        Fader & Hardie (2013), the conditional expectation of the mean spend:

            E[M | p, q, γ; x, z̄] = p(γ + x z̄) / (px + q - 1)
                                 = (q-1)/(px+q-1) · pγ/(q-1) + px/(px+q-1) · z̄,

        a weighted mean of the population mean and the customer's own mean. Customers
        with x = 0 get the population mean.

        Raises
        ------
        FitError
            If the fitted q ≤ 1 (the expectation does not exist for x = 0).
        """
        p, q, v = self._param_array()
        x, z = self._validate_spend(frequency, monetary_value, repeat_buyers_only=False)
        if q <= 1:
            raise FitError(f"GammaGamma: q = {q:.4g} <= 1, so expected spend is infinite")
        z = np.where(x > 0, z, 0.0)
        return np.asarray(p * (v + x * z) / (p * x + q - 1))

    def customer_lifetime_value(
        self,
        transaction_model: TransactionModel,
        frequency: ArrayLike,
        recency: ArrayLike,
        T: ArrayLike,
        monetary_value: ArrayLike,
        time: int = 12,
        discount_rate: float = 0.01,
        freq: str = "W",
    ) -> FloatArray:
        """Discounted value of each customer's purchases over the next ``time`` months.

        ``CLV = Σ_{k=1..time} E[M] · (E[Y(k)] - E[Y(k-1)]) / (1 + d)^k`` with months k,
        E[Y] the transaction model's conditional expected purchases and E[M] from
        :meth:`conditional_expected_value` — the discrete-time form of Fader, Hardie & Lee
        (2005), "RFM and CLV: using iso-value curves", as in lifetimes.

        Parameters
        ----------
        transaction_model : BetaGeo, ParetoNBD, ...
            A fitted transaction model (on the same customers).
        frequency, recency, T : array_like
            Per-customer summaries in the transaction model's time unit ``freq``.
        monetary_value : array_like
            Mean value of the repeat purchases (ignored where frequency is 0).
        time : int, default 12
            Horizon in months.
        discount_rate : float, default 0.01
            Discount rate per month.
        freq : {"D", "W", "M", "H"}, default "W"
            Time unit of ``recency`` and ``T`` (days, weeks, months, hours).
        """
        if freq not in PERIODS_PER_MONTH:
            raise ValueError(f"freq must be one of {sorted(PERIODS_PER_MONTH)}, got {freq!r}")
        value = self.conditional_expected_value(frequency, monetary_value)
        return transaction_model.customer_lifetime_value(
            frequency,
            recency,
            T,
            value,
            horizon=time,
            discount_rate=discount_rate,
            period_length=PERIODS_PER_MONTH[freq],
        )


def _starting_point(x: FloatArray, z: FloatArray, w: FloatArray) -> FloatArray:
    """Method-of-moments-style start: q = 3 and p, γ matching the mean and spread of z̄."""
    mean = float(np.average(z, weights=w))
    spread = float(np.average((z - mean) ** 2, weights=w)) / mean**2 + 1e-6
    p = min(max(1.0 / spread, 0.1), 100.0)
    q = 3.0
    v = mean * (q - 1) / p
    return np.log(np.array([p, q, v]))
