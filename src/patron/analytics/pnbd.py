"""Pareto/NBD model of repeat buying in a non-contractual setting.

Schmittlein, Morrison & Colombo (1987), "Counting your customers: who are they and what
will they do next?", *Management Science* 33(1), hereafter SMC; the likelihood and the
related expressions as derived in Fader & Hardie (2005), "A note on deriving the
Pareto/NBD model and related expressions" (brucehardie.com/notes/009), hereafter FH.

While alive a customer buys as a Poisson process with rate λ ~ Gamma(r, α); the customer
dies after an exponential lifetime with rate μ ~ Gamma(s, β); λ and μ are independent.

Numerical approach
------------------
FH's likelihood (section 3) contains ``A₀``, a difference of two Gauss hypergeometric
functions ``₂F₁(r+s+x, ·; r+s+x+1; z)`` divided by powers ``(·)^(r+s+x)``. Evaluated
directly (as lifetimes does) the powers overflow and ``₂F₁`` loses all accuracy for heavy
buyers (x = 500 gives NaN). Here both terms are rewritten with Euler's transformation
``₂F₁(a, b; a+1; z) = (1-z)^(1-b) ₂F₁(1, a+1-b; a+1; z)`` (Abramowitz & Stegun 15.3.3):
for the branch FH prescribe (α ≥ β: z = (α-β)/(α+t); α < β: z = (β-α)/(β+t)) the
remaining ``₂F₁(1, B; C; z)`` has 0 ≤ z < 1, positive terms and a moderate value (at
most (C-1)/(C-1-B) when C-1 > B), so it never overflows. It is evaluated with Gauss's
continued fraction, which converges for every z < 1 (geometrically, much faster than the
power series near z = 1), and everything else is kept in log space. ``A₀``'s difference
becomes a sum of two positive terms, so there is no cancellation.

Accuracy: relative errors near 1e-15 wherever 1 - z > 1e-5 (α and β within a factor of
~10⁵ of each other, or t not small next to them); the continued fraction then needs
thousands of terms and is formed in extended precision, with errors up to ~1e-7 in the
most extreme corners (1 - z < 1e-9). Values stay finite and in range everywhere.

The gradient of the log-likelihood is analytic: the continued fraction is differentiated
alongside its recurrences (forward mode) with respect to its arguments B, C and z, and the
chain rule carries those derivatives through the log-space expressions, so the optimiser
never uses finite differences.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import optimize, special

from patron.analytics._base import (
    LOG_BOUND,
    BaseFitter,
    FitError,
    FloatArray,
    as_float_array,
    compress_rows,
    discounted_expected_transactions,
)

__all__ = ["ParetoNBD"]

_CF_TOLERANCE = 1e-16
# Depth cap of the continued fraction. 2**22 let an optimiser step into a corner where
# z -> 1 (alpha and beta wildly apart) cost minutes per likelihood evaluation; 2**16
# keeps every published and property check within tolerance (2**14 does not).
_CF_MAX_TERMS = 2**16
_CF_LOOP_TERMS = 1024
_DEEP_BLOCK_ELEMENTS = 2**17
_WARM_START_ROWS = 10_000
_REFINE_STEPS = 8
_QUADRATURE_PANELS = 8
_QUADRATURE_NODES = 24

ArrayLike = Any


def _hyp2f1_one(
    big_b: FloatArray | float, big_c: FloatArray, z: FloatArray, *, derivatives: bool = False
) -> FloatArray:
    """``₂F₁(1, B; C; z)`` for ``0 ≤ z < 1``, optionally with its partial derivatives.

    Gauss's continued fraction for the ratio ``₂F₁(a, b+1; c+1; z) / ₂F₁(a, b; c; z)``
    (Abramowitz & Stegun 15.2.15-15.2.18; Cuyt et al. 2008, *Handbook of continued
    fractions for special functions*, 15.3.5) taken at ``a = B``, ``b = 0``, ``c = C - 1``:

        ₂F₁(1, B; C; z) = 1 / (1 + k₁z / (1 + k₂z / (1 + k₃z / ...)))

    with ``k_{2j+1} = -(B+j)(C-1+j) / ((C+2j-1)(C+2j))`` and
    ``k_{2j} = -j(C-B-1+j) / ((C+2j-2)(C+2j-1))``. For the arguments used here
    (``B > 0``, ``C > B``) every ``k`` lies in ``[-1, 0)`` and tends to -1/4, so the
    fraction converges for every ``z < 1`` with an error shrinking like ``ρⁿ``,
    ``ρ = (1 - √(1-z)) / (1 + √(1-z))``. Each element is evaluated backwards (the stable
    direction) from the depth that makes ``ρⁿ`` negligible; elements are grouped by
    depth so the loop runs once per group. With ``derivatives`` the recurrence is
    differentiated alongside, giving the exact derivatives of the value with respect to
    B, C and z.

    Returns
    -------
    ndarray
        Shape ``(1, n)`` (value) or ``(4, n)`` (value, ∂/∂B, ∂/∂C, ∂/∂z).
    """
    big_b, big_c, z = (np.ravel(a) for a in np.broadcast_arrays(big_b, big_c, z))
    result = np.zeros((4 if derivatives else 1, z.shape[0]))
    result[0] = 1.0
    root = np.sqrt(1.0 - np.minimum(z, 1.0 - 1e-16))
    rho = np.maximum((1.0 - root) / (1.0 + root), 1e-300)
    needed = np.clip(np.log(_CF_TOLERANCE) / np.log(rho) + 2, 4, _CF_MAX_TERMS)
    # Quarter-octave groups: few Python loops, at most 19% more terms than needed.
    depth = np.ceil(2 ** (np.ceil(4 * np.log2(needed)) / 4)).astype(np.int64)
    depth[z == 0] = 0
    for terms in np.unique(depth[depth > 0]):
        members = np.flatnonzero(depth == terms)
        if terms > _CF_LOOP_TERMS:
            deep = _deep_fraction(
                big_b[members], big_c[members], z[members], int(terms), derivatives
            )
            # Every term of the series is positive, so the value is at least 1 even
            # where rounding in this extreme corner would say otherwise.
            deep[0] = np.maximum(deep[0], 1.0)
            result[:, members] = deep
            continue
        # B and C take few distinct values (they vary with x only): compute the
        # coefficients once per distinct pair and spread them with np.repeat.
        starts = np.flatnonzero(
            np.r_[True, (np.diff(big_b[members]) != 0) | (np.diff(big_c[members]) != 0)]
        )
        counts = np.diff(np.r_[starts, members.size])
        b = big_b[members][starts]
        c = big_c[members][starts]
        w = z[members]
        denominator = np.ones(members.size)
        slope = np.zeros((3, members.size)) if derivatives else None
        for n in range(int(terms), 0, -1):
            j = n // 2
            if n % 2:
                first, second = c + (2 * j - 1), c + 2 * j
                k = -(b + j) * (c + (j - 1)) / (first * second)
            else:
                first, second = c + (2 * j - 2), c + (2 * j - 1)
                k = -j * (c - b + (j - 1)) / (first * second)
            k_each = np.repeat(k, counts)
            ratio = k_each * w
            ratio /= denominator
            if slope is not None:
                if n % 2:
                    dk_db = k / (b + j)
                    dk_dc = k * (1 / (c + (j - 1)) - 1 / first - 1 / second)
                else:
                    dk_db = j / (first * second)
                    dk_dc = -dk_db - k * (1 / first + 1 / second)
                slope *= -ratio
                slope[0] += np.repeat(dk_db, counts) * w
                slope[1] += np.repeat(dk_dc, counts) * w
                slope[2] += k_each
                slope /= denominator
            denominator = ratio
            denominator += 1.0
        value = 1.0 / denominator
        result[0, members] = value
        if slope is not None:
            result[1:, members] = slope * -(value**2)
    return result


def _coefficients(n: npt.NDArray[np.int64], b: Any, c: Any) -> tuple[Any, Any, Any]:
    """``k_n`` of :func:`_hyp2f1_one` and its derivatives in B and C, for arrays of n."""
    j = n // 2
    odd = n % 2 == 1
    first = np.where(odd, c + (2 * j - 1), c + (2 * j - 2))
    second = np.where(odd, c + 2 * j, c + (2 * j - 1))
    product = first * second
    k = np.where(odd, -(b + j) * (c + (j - 1)), -j * (c - b + (j - 1))) / product
    dk_db = np.where(odd, k / (b + j), j / product)
    dk_dc = np.where(
        odd,
        k * (1 / np.where(odd, c + (j - 1), 1.0) - 1 / first - 1 / second),
        -j / product - k * (1 / first + 1 / second),
    )
    return k, dk_db, dk_dc


def _deep_fraction(
    b: FloatArray, c: FloatArray, w: FloatArray, terms: int, derivatives: bool
) -> FloatArray:
    """The continued fraction of :func:`_hyp2f1_one` to a large depth (z close to 1).

    The Wallis recurrences are the product ``[[1, 1], [1, 0]] · Π_n [[1, 1], [k_n z, 0]]``
    of 2 × 2 matrices (the convergent is the ratio of its first column); the product is
    formed by pairwise halving, block by block, with each partial product rescaled, so a
    depth of millions costs a few dozen numpy calls instead of a Python loop per term.
    Derivatives follow the product rule.
    """
    m = b.size
    # Extended precision: near z = 1 the partial products are ill-conditioned.
    b_long, c_long, w_long = (np.asarray(a, dtype=np.longdouble) for a in (b, c, w))
    value = np.broadcast_to(
        np.array([[1.0, 1.0], [1.0, 0.0]], dtype=np.longdouble), (m, 2, 2)
    ).copy()
    slope = np.zeros((3, m, 2, 2), dtype=np.longdouble) if derivatives else None
    block = max(2, _DEEP_BLOCK_ELEMENTS // max(m, 1))
    for start in range(1, terms + 1, block):
        n = np.arange(start, min(start + block, terms + 1))[:, None]
        k, dk_db, dk_dc = _coefficients(n, b_long[None, :], c_long[None, :])
        mats = np.zeros((n.shape[0], m, 2, 2), dtype=np.longdouble)
        mats[..., 0, 0] = 1.0
        mats[..., 0, 1] = 1.0
        mats[..., 1, 0] = k * w_long
        dmats = None
        if slope is not None:
            dmats = np.zeros((3, *mats.shape), dtype=np.longdouble)
            dmats[0, ..., 1, 0] = dk_db * w_long
            dmats[1, ..., 1, 0] = dk_dc * w_long
            dmats[2, ..., 1, 0] = k
        while mats.shape[0] > 1:
            if mats.shape[0] % 2:
                mats = np.concatenate([mats, np.broadcast_to(np.eye(2), (1, m, 2, 2))])
                if dmats is not None:
                    dmats = np.concatenate([dmats, np.zeros((3, 1, m, 2, 2), mats.dtype)], axis=1)
            left, right = mats[0::2], mats[1::2]
            if dmats is not None:
                dmats = dmats[:, 0::2] @ right + left @ dmats[:, 1::2]
            mats = left @ right
            scale = np.max(np.abs(mats), axis=(-2, -1), keepdims=True)
            mats /= scale
            if dmats is not None:
                dmats /= scale
        if slope is not None and dmats is not None:
            slope = slope @ mats[0] + value @ dmats[:, 0]
        value = value @ mats[0]
        scale = np.max(np.abs(value), axis=(-2, -1), keepdims=True)
        value /= scale
        if slope is not None:
            slope /= scale
    out = np.empty((4 if derivatives else 1, m))
    out[0] = value[:, 1, 0] / value[:, 0, 0]
    if slope is not None:
        out[1:] = (slope[..., 1, 0] - out[0] * slope[..., 0, 0]) / value[:, 0, 0]
    return out


class _Summaries:
    """Per-customer summaries (x, t_x, T) and the likelihood terms built on them.

    The ₂F₁ terms depend on a customer only through a pair (x, t) with t = t_x or T;
    many customers share pairs (every one-off buyer has x = 0, t_x = 0; cohorts share
    T), so the continued fraction and the logarithms run once per distinct pair and are
    gathered per customer.
    """

    def __init__(self, x: FloatArray, t_x: FloatArray, t_end: FloatArray) -> None:
        self.x = x
        self.t_end = t_end
        both_x = np.concatenate([x, x])
        both_t = np.concatenate([t_x, t_end])
        order = np.lexsort((both_t, both_x))
        sorted_x, sorted_t = both_x[order], both_t[order]
        first = np.ones(order.size, dtype=bool)
        first[1:] = (sorted_x[1:] != sorted_x[:-1]) | (sorted_t[1:] != sorted_t[:-1])
        inverse = np.empty(order.size, dtype=np.int64)
        inverse[order] = np.cumsum(first) - 1
        self.pair_x = sorted_x[first]
        self.pair_t = sorted_t[first]
        self.index_x = inverse[: x.shape[0]]
        self.index_end = inverse[x.shape[0] :]
        self.unique_x, self.index_unique_x = np.unique(x, return_inverse=True)

    def _log_tail(
        self, r: float, alpha: float, s: float, beta: float, *, derivatives: bool
    ) -> tuple[FloatArray, FloatArray, FloatArray]:
        """``log[(r+s+x) ∫_t^∞ (α+τ)^-(r+x) (β+τ)^-(s+1) dτ]`` per pair: FH's ₂F₁ term.

        FH section 3: for α ≥ β this is ``₂F₁(r+s+x, s+1; r+s+x+1; (α-β)/(α+t)) /
        (α+t)^(r+s+x)``; for α < β ``₂F₁(r+s+x, r+x; r+s+x+1; (β-α)/(β+t)) /
        (β+t)^(r+s+x)``. After Euler's transformation (see the module docstring):
        α ≥ β: ``(α+t)^-(r+x) (β+t)^-s ₂F₁(1, r+x; r+s+x+1; z)``;
        α < β: ``(α+t)^-(r+x-1) (β+t)^-(s+1) ₂F₁(1, s+1; r+s+x+1; z)``.

        Returns the tail (shape ``(1, n)``, or ``(5, n)`` with its partial derivatives
        with respect to r, α, s, β), and ``log(α+t)``, ``log(β+t)``.
        """
        x, t = self.pair_x, self.pair_t
        c = r + s + x + 1
        alpha_t = alpha + t
        beta_t = beta + t
        log_a = np.log(alpha_t)
        log_b = np.log(beta_t)
        alpha_wins = alpha >= beta
        if alpha_wins:
            hyp = _hyp2f1_one(r + x, c, (alpha - beta) / alpha_t, derivatives=derivatives)
            power_a = r + x
            power_b = s
        else:
            hyp = _hyp2f1_one(s + 1, c, (beta - alpha) / beta_t, derivatives=derivatives)
            power_a = r + x - 1
            power_b = s + 1
        out = np.empty((5 if derivatives else 1, x.shape[0]))
        out[0] = np.log(hyp[0]) - power_a * log_a - power_b * log_b
        if derivatives:
            hyp[1:] /= hyp[0]
            d_b, d_c, d_z = hyp[1], hyp[2], hyp[3]
            if alpha_wins:
                out[1] = d_b + d_c - log_a
                out[2] = (d_z * beta_t / alpha_t - power_a) / alpha_t
                out[3] = d_c - log_b
                out[4] = -power_b / beta_t - d_z / alpha_t
            else:
                out[1] = d_c - log_a
                out[2] = -power_a / alpha_t - d_z / beta_t
                out[3] = d_b + d_c - log_b
                out[4] = (d_z * alpha_t / beta_t - power_b) / beta_t
        return out, log_a, log_b

    def evaluate(
        self, r: float, alpha: float, s: float, beta: float, *, derivatives: bool = False
    ) -> tuple[FloatArray, FloatArray]:
        """Per-customer log-likelihood (FH section 3) and log P(alive) (FH section 5).

        FH's likelihood is ``L = Γ(r+x) α^r β^s / Γ(r) · {D + s/(r+s+x) · A₀}`` with
        ``D = (α+T)^-(r+x) (β+T)^-s`` and ``A₀ = tail(t_x) - tail(T)``. Rearranged as
        ``s/(r+s+x)·tail(t_x) + D·(1 - q)`` with ``q = s/(r+s+x)·tail(T)/D ∈ [0, 1)``
        both terms are positive (no cancellation), and when t_x = T the braces are
        exactly D. P(alive) is ``D`` over the braces.

        Returns
        -------
        log_likelihood : ndarray
            Shape ``(1, n)``, or ``(5, n)`` with the partial derivatives with respect to
            r, α, s, β below the value.
        log_alive : ndarray
            Shape ``(n,)``.
        """
        x = self.x
        tail, log_a, log_b = self._log_tail(r, alpha, s, beta, derivatives=derivatives)
        tail_x = np.take(tail, self.index_x, axis=1)
        tail_end = np.take(tail, self.index_end, axis=1)
        log_alpha_end = log_a[self.index_end]
        log_beta_end = log_b[self.index_end]
        shape_u = r + s + self.unique_x
        log_ratio = (np.log(s) - np.log(shape_u))[self.index_unique_x]
        rate_shape = r + x
        log_d = -rate_shape * log_alpha_end - s * log_beta_end
        q = np.exp(log_ratio + tail_end[0] - log_d)
        below_one = q < 1
        with np.errstate(invalid="ignore", divide="ignore"):
            log_rest = np.where(below_one, np.log1p(-np.minimum(q, 1.0)), -np.inf)
        first = log_ratio + tail_x[0]
        log_bracket = np.logaddexp(first, log_d + log_rest)
        constant = (
            special.gammaln(r + self.unique_x)
            - special.gammaln(r)
            + r * np.log(alpha)
            + s * np.log(beta)
        )
        out = np.empty((5 if derivatives else 1, x.shape[0]))
        out[0] = constant[self.index_unique_x] + log_bracket
        if derivatives:
            # With w = share of the first term in the braces and odds = q/(1-q), the
            # gradient of log(braces) is w·∇first + (1-w)·[∇D/(1-q) - odds·∇(ratio·tail_T)]
            # in log terms; grouped below so each row costs a few array operations.
            share = np.exp(first - log_bracket)
            rest = 1 - share
            odds = np.where(below_one, q / np.maximum(1 - q, 1e-300), 0.0)
            on_end = rest * odds
            on_d = rest + on_end
            on_ratio = share - on_end
            inv_shape = (1 / shape_u)[self.index_unique_x]
            digamma_ratio = special.digamma(r + self.unique_x) - special.digamma(r)
            grad = out[1:]
            np.multiply(share, tail_x[1:], out=grad)
            grad -= on_end * tail_end[1:]
            grad[0] += digamma_ratio[self.index_unique_x] + np.log(alpha)
            grad[0] -= on_ratio * inv_shape + on_d * log_alpha_end
            grad[1] += r / alpha - on_d * rate_shape / (alpha + self.t_end)
            grad[2] += np.log(beta) + on_ratio * (1 / s - inv_shape) - on_d * log_beta_end
            grad[3] += s / beta - on_d * s / (beta + self.t_end)
        return out, log_d - log_bracket


class ParetoNBD(BaseFitter):
    """Pareto/NBD model (SMC 1987) fitted by maximum likelihood.

    Parameters
    ----------
    initial_params : mapping of str to float, optional
        Starting values for ``r``, ``alpha``, ``s``, ``beta`` (default all 1).
    max_iter : int, default 1000
        Iteration limit of the optimiser.

    Attributes
    ----------
    params_ : dict of str to float
        ``r``, ``alpha`` (shape and rate of the gamma purchase-rate distribution) and
        ``s``, ``beta`` (shape and rate of the gamma dropout-rate distribution), with
        ``alpha`` and ``beta`` in the time unit of the data.
    log_likelihood_, std_errors_, converged_, n_iter_
        See :class:`~patron.analytics._base.BaseFitter`.

    Examples
    --------
    >>> model = ParetoNBD().fit(frequency, recency, T)  # doctest: +SKIP
    >>> model.probability_alive(frequency, recency, T)  # doctest: +SKIP
    """

    param_names = ("r", "alpha", "s", "beta")

    def fit(
        self,
        frequency: ArrayLike,
        recency: ArrayLike,
        T: ArrayLike,
        weights: ArrayLike = None,
    ) -> ParetoNBD:
        """Estimate ``r, alpha, s, beta`` by maximising FH's likelihood (section 3).

        Parameters
        ----------
        frequency : array_like
            Repeat purchases ``x`` of each customer in the calibration period.
        recency : array_like
            Time of the last repeat purchase ``t_x`` (0 when x = 0), since the first.
        T : array_like
            Time between the first purchase and the end of the calibration period.
        weights : array_like, optional
            Number of customers each row stands for (compressed data).

        Returns
        -------
        ParetoNBD
            ``self``, fitted.

        Raises
        ------
        ValueError
            If the summaries are inconsistent (negative, recency > T, ...).
        FitError
            If the optimum is not finite or lies on the edge of the parameter space.
        """
        x, t_x, t_end, w = self._validate_rfm(frequency, recency, T, weights)
        if not np.any((x > 0) & (w > 0)):
            raise FitError(
                "ParetoNBD: nobody made a repeat purchase, so the purchase and dropout "
                "rates cannot be told apart. Try a longer calibration period, or check "
                "that frequency counts repeat purchases."
            )
        (x, t_x, t_end), w = compress_rows([x, t_x, t_end], w)
        objective = _objective(_Summaries(x, t_x, t_end), w)
        start = (
            _starting_point(x, t_end, w)
            if self.initial_params is None
            else self._initial_log_params()
        )
        if x.shape[0] > 2 * _WARM_START_ROWS:
            start = _warm_start(objective, (x, t_x, t_end, w), start)
        self._fit_minimize(objective, start, n_obs=float(w.sum()))
        return self

    # -- predictions ----------------------------------------------------------------------

    def _params(self) -> tuple[float, float, float, float]:
        r, alpha, s, beta = self._param_array()
        return float(r), float(alpha), float(s), float(beta)

    def log_likelihood(self, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike) -> FloatArray:
        """Per-customer log-likelihood at the fitted parameters (FH section 3)."""
        x, t_x, t_end, _ = self._validate_rfm(frequency, recency, T)
        return _Summaries(x, t_x, t_end).evaluate(*self._params())[0][0]

    def expected_purchases(self, t: ArrayLike) -> FloatArray:
        """Expected purchases of a new customer in ``(0, t]``: E[X(t)].

        FH section 4: ``E[X(t)] = rβ / (α(s-1)) · [1 - (β/(β+t))^(s-1)]``,
        evaluated as ``(rβ/α)·L·expm1(-(s-1)L)/(-(s-1)L)`` with ``L = log(1 + t/β)``
        so that s = 1 (where it tends to ``(rβ/α) log(1 + t/β)``) is not a special case.

        Parameters
        ----------
        t : array_like
            Lengths of time, in the data's time unit (non-negative).
        """
        r, alpha, s, beta = self._params()
        time = _non_negative("t", t)
        horizon = np.log1p(time / beta)
        return r * beta / alpha * horizon * _expm1_ratio(-(s - 1) * horizon)

    def probability_alive(
        self, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike
    ) -> FloatArray:
        """P(alive at T | x, t_x, T).

        FH section 5: ``P(alive) = Γ(r+x) α^r β^s / (Γ(r) (α+T)^(r+x)
        (β+T)^s L)`` i.e. the first term of the likelihood's braces over the whole braces,
        computed in log space: finite and in [0, 1] for every valid input.
        """
        x, t_x, t_end, _ = self._validate_rfm(frequency, recency, T)
        return np.minimum(np.exp(self._log_alive(x, t_x, t_end)), 1.0)

    def _log_alive(self, x: FloatArray, t_x: FloatArray, t_end: FloatArray) -> FloatArray:
        return _Summaries(x, t_x, t_end).evaluate(*self._params())[1]

    def conditional_expected_purchases(
        self, t: ArrayLike, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike
    ) -> FloatArray:
        """Expected purchases in ``(T, T+t]`` given the history (x, t_x, T).

        FH section 6: ``E[Y(t) | x, t_x, T] = (r+x)(β+T) / ((α+T)(s-1)) ·
        [1 - ((β+T)/(β+T+t))^(s-1)] · P(alive)``, with the bracket evaluated as in
        :meth:`expected_purchases`.
        """
        r, alpha, s, beta = self._params()
        x, t_x, t_end, _ = self._validate_rfm(frequency, recency, T)
        time = _non_negative("t", t)
        horizon = np.log1p(time / (beta + t_end))
        rate = (r + x) / (alpha + t_end) * (beta + t_end)
        alive = np.exp(self._log_alive(x, t_x, t_end))
        return np.asarray(rate * horizon * _expm1_ratio(-(s - 1) * horizon) * alive)

    def probability_of_purchases(self, n: ArrayLike, t: ArrayLike) -> FloatArray:
        """P(X(t) = n): probability that a new customer makes ``n`` purchases in (0, t].

        Fader & Hardie (2006), "Deriving an expression for P(X(t) = x) under the
        Pareto/NBD model" (brucehardie.com/notes/012): the expression conditional on the
        death time, integrated over it, before the integral is solved in closed form:

            P(X(t)=n) = NBD(n; t)·(β/(β+t))^s + ∫₀ᵗ NBD(n; τ) · sβ^s/(β+τ)^(s+1) dτ,

        with ``NBD(n; τ) = Γ(r+n)/(Γ(r) n!) (α/(α+τ))^r (τ/(α+τ))^n``. The closed form
        is a difference of ₂F₁ sums that cancels badly; the integral of positive terms is
        evaluated instead by composite Gauss-Legendre quadrature in ``u = log(β+τ)``,
        which removes the peak of the dropout density near τ = 0.

        Parameters
        ----------
        n : array_like of int
            Numbers of purchases (broadcast against ``t``).
        t : array_like
            Lengths of time in the data's unit.
        """
        r, alpha, s, beta = self._params()
        count = np.asarray(n, dtype=np.float64)
        if np.any(count < 0) or np.any(count != np.round(count)):
            raise ValueError("n must hold non-negative whole numbers")
        time = _non_negative("t", t)
        count, time = np.broadcast_arrays(count, time)
        count = count[..., None]
        time = time[..., None]

        def log_nbd(tau: Any) -> Any:
            return (
                special.gammaln(r + count)
                - special.gammaln(r)
                - special.gammaln(count + 1)
                + r * (np.log(alpha) - np.log(alpha + tau))
                + special.xlogy(count, tau / (alpha + tau))
            )

        survived = np.exp(log_nbd(time) + s * (np.log(beta) - np.log(beta + time)))[..., 0]
        nodes, node_weights = np.polynomial.legendre.leggauss(_QUADRATURE_NODES)
        low = np.log(beta)
        width = (np.log(beta + time) - low) / _QUADRATURE_PANELS
        died = np.zeros(survived.shape)
        for panel in range(_QUADRATURE_PANELS):
            u = low + width * (panel + (nodes + 1) / 2)
            tau = np.maximum(np.exp(u) - beta, 0.0)
            density = np.log(s) + s * (np.log(beta) - u)
            values = np.exp(log_nbd(tau) + density)
            died += width[..., 0] / 2 * (values @ node_weights)
        return np.clip(survived + died, 0.0, 1.0)

    def discounted_expected_residual_transactions(
        self,
        frequency: ArrayLike,
        recency: ArrayLike,
        T: ArrayLike,
        *,
        discount_rate: float,
    ) -> FloatArray:
        """Discounted expected residual transactions (DERT) of each customer.

        Fader, Hardie & Lee (2005), "RFM and CLV: using iso-value curves for customer
        base analysis", *Journal of Marketing Research* 42(4), DERT for the Pareto/NBD, with
        continuous
        discounting at rate δ per time unit:

            DERT = α^r β^s δ^(s-1) Γ(r+x+1) Ψ(s, s; δ(β+T)) / (Γ(r) (α+T)^(r+x+1) L)

        (Ψ is Tricomi's confluent hypergeometric function), evaluated in the equivalent
        form ``P(alive) · (r+x)/(α+T) · y^s Ψ(s, s; y) / δ`` with ``y = δ(β+T)``.
        Multiply by the margin per transaction for the customer's residual value.

        Parameters
        ----------
        discount_rate : float
            Continuously compounded rate per time unit of the data, e.g. an annual
            rate of 15% on weekly data is ``log(1.15) / 52``.
        """
        if not (np.isfinite(discount_rate) and discount_rate > 0):
            raise ValueError("discount_rate must be positive (continuous rate per time unit)")
        r, alpha, s, beta = self._params()
        x, t_x, t_end, _ = self._validate_rfm(frequency, recency, T)
        y = discount_rate * (beta + t_end)
        alive = np.exp(self._log_alive(x, t_x, t_end))
        residual = np.exp(s * np.log(y)) * special.hyperu(s, s, y) / discount_rate
        return np.asarray(alive * (r + x) / (alpha + t_end) * residual)

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
    ) -> FloatArray:
        """Discounted value of each customer's expected purchases over ``horizon`` periods.

        ``sum_k m · (E[Y(kL)] - E[Y((k-1)L)]) / (1 + d)^k`` with ``E[Y]`` from
        :meth:`conditional_expected_purchases` (FH section 6) and ``m`` the expected value
        per purchase (e.g. :meth:`GammaGamma.conditional_expected_value`): the
        discrete-period version of Fader, Hardie & Lee (2005), "RFM and CLV". For
        the continuous-time closed form use
        :meth:`discounted_expected_residual_transactions`.

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
            Length of a discount period in the data's time unit (e.g. 365.25 / 12 / 7 for
            months on weekly data).
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


def _objective(data: _Summaries, w: FloatArray) -> Callable[[FloatArray], tuple[float, FloatArray]]:
    """Negative total log-likelihood and its analytic gradient over log-parameters."""

    def neg_ll_and_grad(theta: FloatArray) -> tuple[float, FloatArray]:
        params = np.exp(theta)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            # einsum rather than BLAS: for a weighted sum, OpenBLAS threads cost more than
            # they save on a busy machine.
            total = np.einsum("ij,j->i", data.evaluate(*params, derivatives=True)[0], w)
        return -float(total[0]), -total[1:] * params

    return neg_ll_and_grad


def _warm_start(
    objective: Callable[[FloatArray], tuple[float, FloatArray]],
    data: tuple[FloatArray, FloatArray, FloatArray, FloatArray],
    start: FloatArray,
) -> FloatArray:
    """A starting point for the full fit: the optimum of a sample, refined on all rows.

    On large data most optimiser iterations are spent far from the optimum. A random
    sample of rows gets near it for a fraction of the cost; the sample's Hessian then
    drives a few quasi-Newton steps on the full likelihood (converging linearly at the
    rate the two Hessians differ), so the final fit starts at a stationary point and
    only has to confirm it and measure the curvature for the standard errors.
    """
    x, t_x, t_end, w = data
    pick = np.random.default_rng(0).choice(x.shape[0], _WARM_START_ROWS, replace=False)
    sample = _scaled(_objective(_Summaries(x[pick], t_x[pick], t_end[pick]), w[pick]), w[pick])
    result = optimize.minimize(
        sample,
        start,
        jac=True,
        method="L-BFGS-B",
        bounds=[(-LOG_BOUND, LOG_BOUND)] * 4,
        options={"maxiter": 200, "ftol": 1e-12, "gtol": 1e-9},
    )
    if not np.isfinite(result.fun):
        return start
    theta = np.asarray(result.x, dtype=np.float64)
    curvature = np.empty((4, 4))
    for i in range(4):
        step = np.zeros(4)
        step[i] = 1e-5
        curvature[:, i] = (sample(theta + step)[1] - sample(theta - step)[1]) / 2e-5
    curvature = 0.5 * (curvature + curvature.T)
    if not np.all(np.isfinite(curvature)) or np.any(np.linalg.eigvalsh(curvature) <= 0):
        return theta
    full = _scaled(objective, w)
    value, grad = full(theta)
    for _ in range(_REFINE_STEPS):
        if not np.isfinite(value) or np.max(np.abs(grad)) < 1e-11:
            break
        candidate = np.clip(theta - np.linalg.solve(curvature, grad), -LOG_BOUND, LOG_BOUND)
        new_value, new_grad = full(candidate)
        # Near the optimum the value is flat to rounding; the gradient decides.
        if not new_value <= value + 1e-14 * abs(value):
            break
        # BFGS update of the curvature with the full data's secant (Nocedal & Wright
        # 2006, eq. 6.19), so the steps converge superlinearly.
        step, change = candidate - theta, new_grad - grad
        if step @ change > 0:
            pushed = curvature @ step
            curvature = (
                curvature
                - np.outer(pushed, pushed) / (step @ pushed)
                + np.outer(change, change) / (step @ change)
            )
        theta, value, grad = candidate, new_value, new_grad
    return theta


def _scaled(
    objective: Callable[[FloatArray], tuple[float, FloatArray]], w: FloatArray
) -> Callable[[FloatArray], tuple[float, FloatArray]]:
    """The objective per unit of weight, infinite where the likelihood is not finite."""
    total = float(w.sum())

    def per_customer(theta: FloatArray) -> tuple[float, FloatArray]:
        value, grad = objective(theta)
        if not (np.isfinite(value) and np.all(np.isfinite(grad))):
            return np.inf, np.zeros_like(theta)
        return value / total, grad / total

    return per_customer


def _starting_point(x: FloatArray, t_end: FloatArray, w: FloatArray) -> FloatArray:
    """Moment-style start: a purchase rate near the mean, a slow, heterogeneous dropout.

    Starting near plausible values (rather than all ones) keeps the optimiser away from
    the flat corners of the likelihood when time is measured in days instead of weeks.
    """
    mean_rate = float(np.average(x / t_end, weights=w)) + 1e-3
    mean_age = float(np.average(t_end, weights=w))
    return np.log(np.array([0.5, 0.5 / mean_rate, 0.5, mean_age / 2]))


def _non_negative(name: str, values: ArrayLike) -> FloatArray:
    array = np.asarray(values, dtype=np.float64)
    if np.any(~np.isfinite(array)) or np.any(array < 0):
        raise ValueError(f"{name} must be finite and non-negative")
    return array


def _expm1_ratio(u: FloatArray) -> FloatArray:
    """``expm1(u)/u``, equal to 1 at u = 0 and accurate near it."""
    u = np.asarray(u, dtype=np.float64)
    small = np.abs(u) < 1e-8
    safe = np.where(small, 1.0, u)
    return np.where(small, 1.0 + u / 2, np.expm1(safe) / safe)
