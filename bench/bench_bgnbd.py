"""Benchmark: BG/NBD fit and transaction summary vs lifetimes and PyMC-Marketing.

Simulates CDNOW-like customers (Fader, Hardie & Lee 2005 estimates: r=0.243,
alpha=4.414, a=0.793, b=2.426; first purchases spread over 12 weeks, 39 weeks observed),
then in one run times:

* ``summarize_transactions`` vs lifetimes' ``summary_data_from_transaction_data``;
* ``BetaGeo().fit`` vs lifetimes' ``BetaGeoFitter`` and PyMC-Marketing's ``BetaGeoModel``
  MAP fit with flat (HalfFlat) priors, all on the same summary; every result's
  log-likelihood is evaluated with the same function so "same maximum" is comparable.

The comparison libraries live in a bench-only venv, never in Patron's dependencies::

    python -m venv bench/.venv-compare
    bench/.venv-compare/bin/pip install -r bench/requirements-compare.txt
    .venv/bin/python bench/bench_bgnbd.py --customers 1000000

Without that venv only Patron's figures are printed. Every library runs with one BLAS
thread (set here for the comparison process; run Patron's side with the same variables,
as in docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

BENCH_DIR = Path(__file__).resolve().parent
OUT_DIR = BENCH_DIR / "out"
COMPARE_PYTHON = BENCH_DIR / ".venv-compare" / "bin" / "python"
CDNOW_LIKE = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
START = np.datetime64("2024-01-01T00:00:00", "s")
WEEK_SECONDS = 7 * 24 * 3600
PERIODS_PER_WEEK = {"D": 7.0, "h": 168.0}
SINGLE_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
"""One BLAS thread for every library: on a shared 2-vCPU machine, BLAS threads on vector
products slow numpy code down several-fold, and lifetimes and PyTensor use BLAS."""


def simulate_transactions(
    n: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.datetime64]:
    """Customer ids and purchase times (first purchase included) of a BG/NBD population."""
    r, alpha, a, b = (CDNOW_LIKE[k] for k in ("r", "alpha", "a", "b"))
    rate = rng.gamma(r, 1.0 / alpha, n)  # purchases per week
    dropout = rng.beta(a, b, n)
    first = rng.uniform(0.0, 12.0, n)  # weeks after START
    horizon = 39.0
    allowed = rng.geometric(dropout)  # repeat purchases before dying (BG/NBD)
    ids = [np.arange(n)]
    weeks = [first]
    elapsed = first.copy()
    active = np.flatnonzero(rate > 0)
    step = 0
    while active.size:
        elapsed[active] += rng.exponential(1.0, active.size) / rate[active]
        keep = (elapsed[active] <= horizon) & (allowed[active] > step)
        active = active[keep]
        ids.append(active)
        weeks.append(elapsed[active].copy())
        step += 1
    customer = np.concatenate(ids)
    seconds = (np.concatenate(weeks) * WEEK_SECONDS).astype(np.int64)
    end = START + np.timedelta64(int(horizon * WEEK_SECONDS), "s")
    return customer, START + seconds.astype("timedelta64[s]"), end


def patron_side(n: int, seed: int, compare: bool, period: str) -> None:
    from patron.analytics import BetaGeo, summarize_transactions
    from patron.analytics.bgnbd import _Prepared

    rng = np.random.default_rng(seed)
    customer, stamps, end = simulate_transactions(n, rng)
    print(
        f"BG/NBD bench: {n:,} customers, {customer.size:,} transactions (seed {seed}, "
        f"summary period {period!r})"
    )

    started, cpu = time.perf_counter(), time.process_time()
    summary = summarize_transactions(customer, stamps, period=period, observation_end=end)
    summary_seconds = time.perf_counter() - started
    summary_cpu = time.process_time() - cpu
    per_week = PERIODS_PER_WEEK[period]
    frequency = summary.frequency
    recency, age = summary.recency / per_week, summary.T / per_week

    started, cpu = time.perf_counter(), time.process_time()
    model = BetaGeo().fit(frequency, recency, age)
    fit_seconds = time.perf_counter() - started
    fit_cpu = time.process_time() - cpu

    prepared = _Prepared.build(
        frequency, recency, age, np.ones_like(frequency), both_terms_always=False
    )

    def log_likelihood(params: dict[str, float]) -> float:
        theta = np.log([params[k] for k in BetaGeo.param_names])
        return -BetaGeo()._neg_log_likelihood(theta, prepared)[0]

    rows = [("patron BetaGeo", fit_seconds, fit_cpu, model.params_, model.log_likelihood_)]
    summaries = [("patron summarize_transactions", summary_seconds, summary_cpu)]
    notes: list[str] = []
    if compare:
        OUT_DIR.mkdir(exist_ok=True)
        data_file = OUT_DIR / "bgnbd_bench.npz"
        np.savez(
            data_file,
            customer=customer,
            stamps=stamps.astype(np.int64),
            end=np.int64(end.astype(np.int64)),
            period=np.array(period),
            frequency=frequency,
            recency=recency,
            T=age,
        )
        if not COMPARE_PYTHON.exists():
            notes.append(f"comparison skipped: {COMPARE_PYTHON} missing")
        else:
            done = subprocess.run(
                [str(COMPARE_PYTHON), __file__, "--compare-worker", str(data_file)],
                capture_output=True,
                text=True,
                check=False,
                env={**os.environ, **SINGLE_THREAD},
            )
            if done.returncode != 0:
                notes.append(f"comparison worker failed:\n{done.stderr[-3000:]}")
            else:
                results = json.loads(done.stdout.strip().splitlines()[-1])
                for item in results["fits"]:
                    if "error" in item:
                        notes.append(f"{item['name']}: {item['error']}")
                    else:
                        rows.append(
                            (
                                item["name"],
                                item["seconds"],
                                item["cpu"],
                                item["params"],
                                log_likelihood(item["params"]),
                            )
                        )
                summaries.extend((s["name"], s["seconds"], s["cpu"]) for s in results["summaries"])

    print("\nsummary step (per-customer frequency/recency/T from transactions):")
    print(f"  {'':44s} {'wall s':>8s} {'ratio':>7s} {'CPU s':>8s} {'ratio':>7s}")
    for name, seconds, cpu_seconds in summaries:
        print(
            f"  {name:44s} {seconds:8.2f} {seconds / summary_seconds:6.1f}x "
            f"{cpu_seconds:8.2f} {cpu_seconds / summary_cpu:6.1f}x"
        )
    print("\nBG/NBD fit on the same summary (LL = total log-likelihood, weeks):")
    print(f"  {'':32s} {'wall s':>8s} {'ratio':>7s} {'CPU s':>8s} {'ratio':>7s}")
    best = rows[0][4]
    for name, seconds, cpu_seconds, params, ll in rows:
        shown = ", ".join(f"{k}={params[k]:.4f}" for k in ("r", "alpha", "a", "b"))
        same = abs(ll - best) <= 1e-6 * abs(best)
        print(
            f"  {name:32s} {seconds:8.2f} {seconds / fit_seconds:6.1f}x "
            f"{cpu_seconds:8.2f} {cpu_seconds / fit_cpu:6.1f}x  LL={ll:.4f}  [{shown}]  "
            f"same maximum (1e-6 rel): {'yes' if same else 'NO'} "
            f"(rel diff {abs(ll - best) / abs(best):.1e})"
        )
    print(
        f"  patron: converged={model.converged_}, iterations={model.n_iter_}, "
        f"std errors: " + ", ".join(f"{k}={v:.2g}" for k, v in model.std_errors_.items())
    )
    for note in notes:
        print("note:", note)


def compare_worker(data_file: str) -> None:
    """Runs inside bench/.venv-compare: time lifetimes and PyMC-Marketing on the same data."""
    import warnings

    import pandas as pd

    warnings.filterwarnings("ignore")
    data = np.load(data_file)
    fits: list[dict[str, object]] = []
    summaries: list[dict[str, object]] = []
    summary = pd.DataFrame(
        {
            "customer_id": np.arange(data["frequency"].size),
            "frequency": data["frequency"],
            "recency": data["recency"],
            "T": data["T"],
        }
    )
    try:
        from lifetimes import BetaGeoFitter
        from lifetimes.utils import summary_data_from_transaction_data

        transactions = pd.DataFrame(
            {"customer_id": data["customer"], "date": data["stamps"].astype("datetime64[s]")}
        )
        end = pd.Timestamp(np.datetime64(int(data["end"]), "s"))
        started, cpu = time.perf_counter(), time.process_time()
        summary_data_from_transaction_data(
            transactions,
            "customer_id",
            "date",
            freq=str(data["period"]),
            observation_period_end=end,
        )
        summaries.append(
            {
                "name": "lifetimes summary_data_from_transaction_data",
                "seconds": time.perf_counter() - started,
                "cpu": time.process_time() - cpu,
            }
        )
        started, cpu = time.perf_counter(), time.process_time()
        fitter = BetaGeoFitter().fit(summary["frequency"], summary["recency"], summary["T"])
        fits.append(
            {
                "name": "lifetimes BetaGeoFitter",
                "seconds": time.perf_counter() - started,
                "cpu": time.process_time() - cpu,
                "params": {k: float(v) for k, v in fitter.params_.items()},
            }
        )
    except Exception as exc:  # a failure of the other library is reported, not fatal
        fits.append({"name": "lifetimes", "error": f"{type(exc).__name__}: {exc}"})
    try:
        from pymc_extras.prior import Prior
        from pymc_marketing.clv import BetaGeoModel

        started, cpu = time.perf_counter(), time.process_time()
        model = BetaGeoModel(
            data=summary,
            model_config={name: Prior("HalfFlat") for name in ("r", "alpha", "a", "b")},
        )
        model.fit(method="map", progressbar=False)
        posterior = model.idata.posterior
        fits.append(
            {
                "name": "pymc-marketing BetaGeoModel MAP",
                "seconds": time.perf_counter() - started,
                "cpu": time.process_time() - cpu,
                "params": {k: float(posterior[k].values.mean()) for k in ("r", "alpha", "a", "b")},
            }
        )
    except Exception as exc:  # a failure of the other library is reported, not fatal
        fits.append({"name": "pymc-marketing", "error": f"{type(exc).__name__}: {exc}"})
    print(json.dumps({"fits": fits, "summaries": summaries}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2005)
    parser.add_argument("--no-compare", action="store_true", help="time Patron only")
    parser.add_argument(
        "--period",
        choices=sorted(PERIODS_PER_WEEK),
        default="D",
        help="summary resolution: D (days, the usual) or h (hours: nearly every row distinct)",
    )
    parser.add_argument("--compare-worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.compare_worker:
        compare_worker(args.compare_worker)
    else:
        patron_side(args.customers, args.seed, compare=not args.no_compare, period=args.period)


if __name__ == "__main__":
    sys.exit(main())
