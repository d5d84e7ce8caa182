"""Pareto/NBD fit on simulated customers: Patron's ParetoNBD against lifetimes, one run.

Simulates customers from the Pareto/NBD model itself (Schmittlein, Morrison & Colombo 1987)
with the CDNOW estimates of Fader, Hardie & Lee (2005) (r=0.553, alpha=10.578, s=0.606,
beta=11.669, weeks), first purchases spread over 12 weeks and a calibration period ending
at week 39 + 12, then fits both implementations on the same (frequency, recency, T) and
reports seconds, log-likelihoods and the speed ratio.

lifetimes is never a Patron dependency: it is imported only when the script runs inside the
bench-only environment ``bench/.venv-compare`` (see ``docs/benchmarks.md``)::

    bench/.venv-compare/bin/python bench/bench_pnbd.py --customers 100000
"""

from __future__ import annotations

import os

# One BLAS thread for both libraries: the optimisers' small dense steps only lose time
# to thread start-up, and the comparison stays fair on a busy machine.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse
import time
import warnings

import numpy as np

from patron.analytics import ParetoNBD

TRUE_PARAMS = {"r": 0.553, "alpha": 10.578, "s": 0.606, "beta": 11.669}


def simulate(
    n: int, seed: int = 2005, params: dict[str, float] = TRUE_PARAMS, *, daily: bool = True
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Draw (x, t_x, T) in weeks for ``n`` customers from the Pareto/NBD process.

    First purchases fall on the 84 days of a quarter and the calibration period ends 39
    weeks after the quarter starts, as in CDNOW. With ``daily`` the times are what a
    summary of dated transactions gives (whole days / 7), otherwise exact.
    """
    rng = np.random.default_rng(seed)
    purchase_rate = rng.gamma(params["r"], 1 / params["alpha"], n)
    dropout_rate = rng.gamma(params["s"], 1 / params["beta"], n)
    first_day = rng.integers(0, 84, n)
    age = (39 * 7 - first_day) / 7.0 if daily else 39.0 - rng.uniform(0, 12, n)
    lifetime = rng.exponential(1 / np.maximum(dropout_rate, 1e-300))
    active = np.minimum(lifetime, age)
    frequency = rng.poisson(purchase_rate * active)
    last = np.where(
        frequency > 0, active * rng.uniform(size=n) ** (1 / np.maximum(frequency, 1)), 0.0
    )
    if daily:
        # Purchases on the first day collapse into the first purchase (same-day rule).
        days = np.floor(last * 7)
        frequency = np.where(days > 0, frequency, 0)
        last = np.where(frequency > 0, days / 7.0, 0.0)
    return frequency.astype(np.float64), last, age


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--skip-lifetimes", action="store_true")
    parser.add_argument(
        "--continuous", action="store_true", help="exact event times instead of whole days"
    )
    args = parser.parse_args()

    frequency, recency, age = simulate(args.customers, daily=not args.continuous)
    print(f"customers: {args.customers:,}  repeat buyers: {(frequency > 0).mean():.1%}")

    started = time.perf_counter()
    model = ParetoNBD().fit(frequency, recency, age)
    patron_seconds = time.perf_counter() - started
    patron_ll = model.log_likelihood_
    print(
        f"patron    {patron_seconds:8.2f} s  LL {patron_ll:.6f}  "
        f"converged {model.converged_}  params "
        + ", ".join(f"{k}={v:.4f}" for k, v in model.params_.items())
    )

    if args.skip_lifetimes:
        return
    try:
        import pandas as pd
        from lifetimes import ParetoNBDFitter
    except ImportError:
        print("lifetimes is not importable here: run with bench/.venv-compare/bin/python")
        return

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        started = time.perf_counter()
        fitter = ParetoNBDFitter().fit(pd.Series(frequency), pd.Series(recency), pd.Series(age))
        lifetimes_seconds = time.perf_counter() - started
    lifetimes_params = {k: float(fitter.params_[k]) for k in TRUE_PARAMS}
    # lifetimes reports the mean log-likelihood of a penalised objective; recompute the
    # total on the same data with Patron's likelihood at lifetimes' estimates.
    lifetimes_ll = float(np.sum(_log_likelihood_at(lifetimes_params, frequency, recency, age)))
    print(
        f"lifetimes {lifetimes_seconds:8.2f} s  LL {lifetimes_ll:.6f}  params "
        + ", ".join(f"{k}={v:.4f}" for k, v in lifetimes_params.items())
    )
    ratio = lifetimes_seconds / patron_seconds
    gap = patron_ll - lifetimes_ll
    relative = abs(gap) / abs(patron_ll)
    print(f"speed ratio (lifetimes / patron): {ratio:.1f}x")
    print(
        f"LL gap patron - lifetimes: {gap:.6f} (relative {relative:.2e}); "
        f"same maximum (1e-6 relative): {relative <= 1e-6}"
    )


def _log_likelihood_at(
    params: dict[str, float], frequency: np.ndarray, recency: np.ndarray, age: np.ndarray
) -> np.ndarray:
    model = ParetoNBD()
    model.params_ = dict(params)
    return model.log_likelihood(frequency, recency, age)


if __name__ == "__main__":
    main()
