"""Shared machinery of the customer-base estimators: input checks and the ML fit.

Every model in :mod:`patron.analytics` is fitted the same way: the negative
log-likelihood and its analytic gradient are written over the *logarithms* of the
(positive) parameters, minimised with L-BFGS-B, polished with a few Newton steps on a
Hessian obtained once by differencing the analytic gradient (near the optimum a fixed
Hessian converges as fast as a fresh one, at a fraction of the evaluations), and that
Hessian gives the standard errors. Keeping this in one place means every estimator reports
``params_``, ``log_likelihood_``, ``std_errors_``, ``converged_`` and ``n_iter_`` with
the same meaning, and fails with the same kind of :class:`FitError`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import optimize

FloatArray = npt.NDArray[np.float64]
NegLogLikelihood = Callable[[FloatArray], tuple[float, FloatArray]]
"""``f(log_params) -> (total negative log-likelihood, gradient w.r.t. log_params)``."""

LOG_BOUND = 30.0
"""Default box for every log-parameter: exp(±30) spans all sensible parameter values."""

_NEWTON_STEPS = 8
_GRADIENT_TOLERANCE = 1e-9


class FitError(RuntimeError):
    """Raised when maximum-likelihood estimation cannot produce a trustworthy optimum."""


class NotFittedError(RuntimeError):
    """Raised when a prediction method is called before ``fit``."""


def as_float_array(name: str, values: Any) -> FloatArray:
    """Return ``values`` as a 1-D float64 array (numpy, lists, pandas or polars columns).

    Raises
    ------
    ValueError
        If the input is not one-dimensional or holds non-numeric or non-finite values.
    """
    if hasattr(values, "to_numpy"):
        values = values.to_numpy()
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be numeric: {exc}") from None
    if array.ndim == 0:
        array = array.reshape(1)
    if array.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contains NaN or infinite values")
    return array


def validate_weights(weights: Any, size: int) -> FloatArray:
    """Return the per-row weights (row counts of compressed data); ones when ``None``."""
    if weights is None:
        return np.ones(size)
    w = as_float_array("weights", weights)
    if w.shape[0] != size:
        raise ValueError(f"weights has {w.shape[0]} rows, the data has {size}")
    if np.any(w < 0):
        raise ValueError("weights must be non-negative (they count customers per row)")
    if not w.sum() > 0:
        raise ValueError("weights sum to zero: there is nothing to fit")
    return w


class BaseFitter:
    """Base of the maximum-likelihood estimators (scikit-learn estimator contract).

    Parameters
    ----------
    initial_params : mapping of str to float, optional
        Starting values for the optimiser, by parameter name; all must be positive.
        The defaults (all ones) suit data measured in weeks or periods.
    max_iter : int, default 1000
        Iteration limit of the L-BFGS-B optimiser.

    Attributes
    ----------
    params_ : dict of str to float
        Maximum-likelihood estimates, in the order of ``param_names``.
    log_likelihood_ : float
        Total log-likelihood of the (weighted) data at ``params_``, on the time unit of
        the data the model was fitted on.
    std_errors_ : dict of str to float
        Asymptotic standard errors: square roots of the diagonal of the inverse Hessian of
        the negative log-likelihood at the optimum (delta method from log-parameters).
    converged_ : bool
        Whether the optimiser stopped on a stationary point (gradient ~ 0).
    n_iter_ : int
        Optimiser iterations used (L-BFGS-B plus Newton polishing steps).
    """

    param_names: tuple[str, ...] = ()

    params_: dict[str, float]
    log_likelihood_: float
    std_errors_: dict[str, float]
    converged_: bool
    n_iter_: int

    def __init__(
        self, *, initial_params: Mapping[str, float] | None = None, max_iter: int = 1000
    ) -> None:
        self.initial_params = initial_params
        self.max_iter = max_iter

    def __repr__(self) -> str:
        if hasattr(self, "params_"):
            fitted = ", ".join(f"{k}={v:.4g}" for k, v in self.params_.items())
            return f"{type(self).__name__}({fitted})"
        return f"{type(self).__name__}()"

    # -- inputs ---------------------------------------------------------------------------

    @staticmethod
    def _validate_rfm(
        frequency: Any, recency: Any, T: Any, weights: Any = None
    ) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
        """Check and convert per-customer summaries (x, t_x, T) and their weights.

        Raises
        ------
        ValueError
            With a message naming the column and the rule it breaks.
        """
        x = as_float_array("frequency", frequency)
        t_x = as_float_array("recency", recency)
        t_end = as_float_array("T", T)
        n = x.shape[0]
        if n == 0:
            raise ValueError("no customers: frequency is empty")
        if t_x.shape[0] != n or t_end.shape[0] != n:
            raise ValueError(
                f"frequency, recency and T must have the same length "
                f"(got {n}, {t_x.shape[0]}, {t_end.shape[0]})"
            )
        if np.any(x < 0) or np.any(x != np.round(x)):
            raise ValueError("frequency must hold non-negative whole numbers (repeat purchases)")
        if np.any(t_x < 0):
            raise ValueError("recency must be non-negative")
        if np.any(t_end <= 0):
            raise ValueError("T (customer age) must be positive")
        if np.any(t_x > t_end * (1 + 1e-9)):
            raise ValueError("recency must not exceed T (time of last purchase > customer age)")
        if np.any((x == 0) & (t_x != 0)):
            raise ValueError("recency must be 0 where frequency is 0 (no repeat purchase)")
        if np.any((x > 0) & (t_x == 0)):
            raise ValueError("recency must be positive where frequency is positive")
        return x, t_x, t_end, validate_weights(weights, n)

    def _initial_log_params(self) -> FloatArray:
        start = dict.fromkeys(self.param_names, 1.0)
        if self.initial_params is not None:
            unknown = set(self.initial_params) - set(self.param_names)
            if unknown:
                raise ValueError(
                    f"initial_params has unknown names {sorted(unknown)}; "
                    f"expected {list(self.param_names)}"
                )
            for name, value in self.initial_params.items():
                if not (np.isfinite(value) and value > 0):
                    raise ValueError(f"initial_params[{name!r}] must be positive, got {value}")
                start[name] = float(value)
        return np.log(np.array([start[name] for name in self.param_names]))

    def _check_fitted(self) -> None:
        if not hasattr(self, "params_"):
            raise NotFittedError(f"{type(self).__name__} is not fitted yet: call fit() first")

    def _param_array(self) -> FloatArray:
        self._check_fitted()
        return np.array([self.params_[name] for name in self.param_names])

    # -- estimation -----------------------------------------------------------------------

    def _fit_minimize(
        self,
        neg_ll_and_grad: NegLogLikelihood,
        x0: FloatArray | None = None,
        *,
        n_obs: float,
        bounds: Sequence[tuple[float, float]] | None = None,
    ) -> None:
        """Minimise ``neg_ll_and_grad`` over log-parameters and store the fit attributes.

        Parameters
        ----------
        neg_ll_and_grad : callable
            ``f(log_params) -> (negative total log-likelihood, its gradient w.r.t.
            log_params)``; must be finite wherever the likelihood is defined.
        x0 : ndarray, optional
            Starting log-parameters; default from ``initial_params`` (or all zeros).
        n_obs : float
            Total weight of the data; the objective is divided by it so tolerances do not
            depend on the number of customers.
        bounds : sequence of (low, high), optional
            Box on each log-parameter; default ``±LOG_BOUND``.

        Raises
        ------
        FitError
            If the likelihood is not finite at the start or the optimum, the optimiser ends
            on the boundary of the parameter box, or the Hessian there is not positive
            definite (the data do not identify the parameters).
        """
        k = len(self.param_names)
        start = self._initial_log_params() if x0 is None else np.asarray(x0, dtype=np.float64)
        box = list(bounds) if bounds is not None else [(-LOG_BOUND, LOG_BOUND)] * k
        name = type(self).__name__

        def scaled(theta: FloatArray) -> tuple[float, FloatArray]:
            value, grad = neg_ll_and_grad(theta)
            if not np.isfinite(value) or not np.all(np.isfinite(grad)):
                return np.inf, np.zeros(k)
            return value / n_obs, np.asarray(grad, dtype=np.float64) / n_obs

        f0, _ = scaled(start)
        if not np.isfinite(f0):
            raise FitError(
                f"{name}: the log-likelihood is not finite at the starting values "
                f"{dict(zip(self.param_names, np.exp(start).tolist(), strict=True))}. "
                "Check the inputs (frequency, recency, T in the same time unit) or pass "
                "initial_params closer to plausible values."
            )
        result = optimize.minimize(
            scaled,
            start,
            jac=True,
            method="L-BFGS-B",
            bounds=box,
            options={"maxiter": self.max_iter, "ftol": 1e-15, "gtol": 1e-10, "maxcor": 20},
        )
        theta = np.asarray(result.x, dtype=np.float64)
        n_iter = int(result.nit)
        value, grad = scaled(theta)
        hessian = _hessian(scaled, theta)
        for _ in range(_NEWTON_STEPS):
            if np.max(np.abs(grad)) < _GRADIENT_TOLERANCE:
                break
            step = _newton_step(hessian, grad)
            if step is None:
                break
            improved = False
            for shrink in (1.0, 0.5, 0.25, 0.125):
                candidate = np.clip(theta + shrink * step, -LOG_BOUND, LOG_BOUND)
                cand_value, cand_grad = scaled(candidate)
                if cand_value <= value:
                    theta, value, grad, improved = candidate, cand_value, cand_grad, True
                    break
            n_iter += 1
            if not improved:
                break

        if not np.isfinite(value):
            raise FitError(
                f"{name}: the optimiser left the region where the likelihood is finite. "
                "Try initial_params near the expected values, or rescale time "
                "(e.g. weeks instead of days)."
            )
        lows = np.array([lo for lo, _ in box])
        highs = np.array([hi for _, hi in box])
        at_bound = (theta <= lows + 1e-6) | (theta >= highs - 1e-6)
        if np.any(at_bound):
            stuck = [self.param_names[i] for i in np.flatnonzero(at_bound)]
            raise FitError(
                f"{name}: the estimate of {stuck} ran to the edge of the parameter space "
                f"(exp(±{LOG_BOUND:g})): the data do not identify this model. Try a simpler "
                "model, more data (a longer calibration period), or check that frequency "
                "counts repeat purchases only."
            )

        if _newton_step(hessian, grad) is None:
            raise FitError(
                f"{name}: the likelihood is flat or not concave at the optimum (the Hessian "
                "is not positive definite), so the data do not identify all of "
                f"{list(self.param_names)}. Check that the data hold repeat purchases, try a "
                "longer calibration period, or a simpler model."
            )
        params = np.exp(theta)
        self.params_ = dict(zip(self.param_names, params.tolist(), strict=True))
        self.log_likelihood_ = float(-value * n_obs)
        self.std_errors_ = dict(
            zip(self.param_names, _std_errors(hessian * n_obs, params).tolist(), strict=True)
        )
        self.converged_ = bool(np.max(np.abs(grad)) < 1e-6)
        self.n_iter_ = n_iter


def _hessian(
    fun: Callable[[FloatArray], tuple[float, FloatArray]], theta: FloatArray
) -> FloatArray:
    """Hessian by central differences of the analytic gradient (2k gradient evaluations)."""
    k = theta.shape[0]
    out = np.empty((k, k))
    for i in range(k):
        h = 1e-5 * max(1.0, abs(theta[i]))
        up = theta.copy()
        down = theta.copy()
        up[i] += h
        down[i] -= h
        out[:, i] = (fun(up)[1] - fun(down)[1]) / (2 * h)
    return 0.5 * (out + out.T)


def _newton_step(hessian: FloatArray, grad: FloatArray) -> FloatArray | None:
    if not np.all(np.isfinite(hessian)):
        return None
    try:
        np.linalg.cholesky(hessian)
    except np.linalg.LinAlgError:
        return None
    return np.asarray(-np.linalg.solve(hessian, grad), dtype=np.float64)


def _std_errors(log_hessian: FloatArray, params: FloatArray) -> FloatArray:
    """Standard errors of the natural parameters from the Hessian in log space.

    At a stationary point the Hessian in natural space is ``D⁻¹ H D⁻¹`` with
    ``D = diag(params)``, so the covariance is ``D H⁻¹ D`` (the delta method).
    """
    try:
        cov = np.linalg.inv(log_hessian)
    except np.linalg.LinAlgError:
        return np.full(params.shape, np.nan)
    variances = np.diag(cov) * params**2
    return np.where(variances > 0, np.sqrt(np.abs(variances)), np.nan)


def discounted_expected_transactions(
    expected_by: Callable[[float], FloatArray],
    *,
    horizon: int,
    discount_rate: float,
    period_length: float = 1.0,
) -> FloatArray:
    """Sum of expected transactions per discount period, each discounted to today.

    ``expected_by(t)`` is a model's cumulative (conditional) expected transactions in
    ``(0, t]``; period ``k`` contributes ``(E[X(k L)] - E[X((k-1) L)]) / (1 + d)^k``, the
    discrete-time approximation to the discounted expected residual transactions (DERT) of
    Fader, Hardie & Lee (2005), "RFM and CLV: using iso-value curves for customer base
    analysis", for models without a closed form.

    Parameters
    ----------
    expected_by : callable
        ``t -> array`` of cumulative expected transactions per customer.
    horizon : int
        Number of discount periods (e.g. 12 months).
    discount_rate : float
        Discount rate per period (e.g. 0.01 a month); must be > -1.
    period_length : float, default 1.0
        Length of one discount period in the model's time unit (e.g. 52/12 weeks).
    """
    if horizon < 1 or int(horizon) != horizon:
        raise ValueError(f"horizon must be a whole number of periods >= 1, got {horizon}")
    if not discount_rate > -1:
        raise ValueError(f"discount_rate must be greater than -1, got {discount_rate}")
    if not period_length > 0:
        raise ValueError(f"period_length must be positive, got {period_length}")
    previous = np.asarray(expected_by(0.0), dtype=np.float64)
    total = np.zeros_like(previous)
    for k in range(1, int(horizon) + 1):
        current = np.asarray(expected_by(k * period_length), dtype=np.float64)
        total += (current - previous) / (1.0 + discount_rate) ** k
        previous = current
    return total


def compress_rows(
    columns: Sequence[FloatArray], weights: FloatArray
) -> tuple[list[FloatArray], FloatArray]:
    """Pool identical rows (e.g. identical ``(x, t_x, T)``) and add up their weights.

    Summaries at day or week granularity repeat the same rows many times over (a million
    customers hold about a hundred thousand distinct rows), and the likelihood of a row
    does not depend on who it belongs to, so fitting on the pooled rows is exact and
    several times faster. Rows with zero weight are dropped.
    """
    if np.asarray(weights).shape[0] == 0:
        return [np.asarray(c, dtype=np.float64) for c in columns], np.zeros(0)
    order = np.lexsort(tuple(reversed([np.asarray(c) for c in columns])))
    ordered = [np.asarray(c)[order] for c in columns]
    changed = np.zeros(order.shape[0], dtype=bool)
    changed[0] = True
    for column in ordered:
        changed[1:] |= column[1:] != column[:-1]
    boundaries = np.flatnonzero(changed)
    pooled = np.add.reduceat(np.asarray(weights, dtype=np.float64)[order], boundaries)
    keep = pooled > 0
    return [column[boundaries][keep] for column in ordered], pooled[keep]
