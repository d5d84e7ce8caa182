"""``patron analytics refresh`` (score every customer) and ``patron analytics fit`` (one model).

``fit`` needs no database: it reads a per-customer summary or a transaction log from CSV and
prints the fit, so analysts can check a model on their own extract. Exit codes: 0 done,
1 the model could not be fitted, 2 a usage or file error.
"""

from __future__ import annotations

import csv
import json
import math
import time
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer


class Model(StrEnum):
    bgnbd = "bgnbd"
    mbgnbd = "mbgnbd"
    pnbd = "pnbd"
    gg = "gg"
    bgbb = "bgbb"
    sbg = "sbg"


#: Summary CSV columns each model needs (``weights`` is always optional).
SUMMARY_COLUMNS: dict[Model, tuple[str, ...]] = {
    Model.bgnbd: ("frequency", "recency", "T"),
    Model.mbgnbd: ("frequency", "recency", "T"),
    Model.pnbd: ("frequency", "recency", "T"),
    Model.gg: ("frequency", "monetary_value"),
    Model.bgbb: ("frequency", "recency", "n_periods"),
    Model.sbg: ("duration", "churned"),
}


def _fail(message: str, code: int = 2) -> typer.Exit:
    typer.secho(message, err=True, fg=typer.colors.RED)
    return typer.Exit(code)


def _read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            rows = list(reader)
            header = list(reader.fieldnames or [])
    except FileNotFoundError:
        raise _fail(f"File not found: {path}") from None
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise _fail(f"Cannot read {path} as UTF-8 CSV: {exc}") from None
    if not rows:
        raise _fail(f"{path} has no data rows.")
    return header, rows


def _require(header: list[str], path: Path, names: tuple[str, ...]) -> None:
    missing = [name for name in names if name not in header]
    if missing:
        raise _fail(f"{path} lacks the column(s) {', '.join(missing)}; it has {', '.join(header)}.")


def _numbers(rows: list[dict[str, str]], name: str, path: Path) -> Any:
    import numpy as np

    values = []
    for line, row in enumerate(rows, start=2):
        text = (row.get(name) or "").strip()
        try:
            values.append(float(text))
        except ValueError:
            raise _fail(f"{path}, line {line}, {name}: {text!r} is not a number.") from None
    return np.asarray(values)


def _summary_columns(path: Path, model: Model) -> dict[str, Any]:
    header, rows = _read_csv(path)
    _require(header, path, SUMMARY_COLUMNS[model])
    columns = {name: _numbers(rows, name, path) for name in SUMMARY_COLUMNS[model]}
    columns["weights"] = _numbers(rows, "weights", path) if "weights" in header else None
    return columns


def _transaction_columns(
    path: Path,
    model: Model,
    *,
    customer_col: str,
    date_col: str,
    value_col: str | None,
    calibration_end: str | None,
    period: str,
) -> dict[str, Any]:
    from patron.analytics import summarize_transactions

    if model is Model.sbg:
        raise _fail("sbg is fitted on cohort durations: give --summary with duration, churned.")
    if model is Model.gg and not value_col:
        raise _fail("gg models spend: give --value-col with the transaction values.")
    header, rows = _read_csv(path)
    _require(header, path, tuple(c for c in (customer_col, date_col, value_col) if c))
    values = _numbers(rows, value_col, path) if value_col else None
    try:
        summary = summarize_transactions(
            [row[customer_col] for row in rows],
            [row[date_col] for row in rows],
            values,
            period=period,
            calibration_end=calibration_end,
        )
    except ValueError as exc:
        raise _fail(f"{path}: {exc}") from None
    return {
        "frequency": summary.frequency,
        "recency": summary.recency,
        "T": summary.T,
        "n_periods": summary.T.round(),
        "monetary_value": summary.monetary_value,
        "weights": None,
    }


def fit_model(model: Model, columns: dict[str, Any]) -> Any:
    """Fit ``model`` on the columns; raises ValueError for bad data, FitError for no fit."""
    from patron.analytics import (
        BetaGeo,
        BetaGeoBetaBinom,
        GammaGamma,
        ModifiedBetaGeo,
        ParetoNBD,
        ShiftedBetaGeometric,
    )

    weights = columns["weights"]
    if model is Model.gg:
        repeat = columns["frequency"] > 0
        return GammaGamma().fit(
            columns["frequency"][repeat],
            columns["monetary_value"][repeat],
            None if weights is None else weights[repeat],
        )
    if model is Model.sbg:
        return ShiftedBetaGeometric().fit(columns["duration"], columns["churned"], weights)
    if model is Model.bgbb:
        return BetaGeoBetaBinom().fit(
            columns["frequency"], columns["recency"], columns["n_periods"], weights
        )
    rfm = (columns["frequency"], columns["recency"], columns["T"], weights)
    if model is Model.pnbd:
        return ParetoNBD().fit(*rfm)
    return (ModifiedBetaGeo() if model is Model.mbgnbd else BetaGeo()).fit(*rfm)


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def register(app: typer.Typer, setup: Callable[[], None]) -> None:
    """Add ``analytics refresh`` and ``analytics fit`` to ``patron``."""
    analytics_app = typer.Typer(help="Customer scores and lifetime-value models.")
    app.add_typer(analytics_app, name="analytics", no_args_is_help=True)

    @analytics_app.command("refresh")
    def refresh(
        as_user: Annotated[
            str | None, typer.Option("--as", help="Refresh as this user (needs manager).")
        ] = None,
        settings_json: Annotated[
            str | None,
            typer.Option("--settings", help='Thresholds as JSON, e.g. {"lapse_days_min": 90}.'),
        ] = None,
    ) -> None:
        """Score every customer (RFM, P(alive), CLV, lapsed, churn risk) as a new run."""
        overrides: dict[str, Any] = {}
        if settings_json:
            try:
                overrides = json.loads(settings_json)
            except json.JSONDecodeError as exc:
                raise _fail(f"--settings is not valid JSON: {exc}") from None
            if not isinstance(overrides, dict):
                raise _fail("--settings must be a JSON object of setting names and values.")
        setup()
        from django.contrib.auth import get_user_model

        from patron.accounts.permissions import PermissionDenied
        from patron.insights.services import scores_refresh

        actor = None
        if as_user:
            actor = get_user_model().objects.filter(username=as_user, is_active=True).first()
            if actor is None:
                raise _fail(f"No active user named {as_user!r}.")
        started = time.perf_counter()
        try:
            run = scores_refresh(
                actor=actor, settings=overrides, progress=lambda text: typer.echo(text, err=True)
            )
        except (PermissionDenied, ValueError) as exc:
            raise _fail(str(exc)) from None
        model = {"bgnbd": "BG/NBD", "pnbd": "Pareto/NBD"}.get(run.model, "no model")
        typer.echo(
            f"Run {run.pk}: {run.customer_count:,} customers scored ({run.buyer_count:,} "
            f"buyers, {model}) in {time.perf_counter() - started:.1f} s."
        )
        if run.notes:
            typer.echo(run.notes, err=True)

    @analytics_app.command("fit")
    def fit(
        model: Annotated[Model, typer.Option("--model", help="The model to fit.")],
        summary: Annotated[
            Path | None, typer.Option(help="CSV of per-customer summaries (see the docs).")
        ] = None,
        transactions: Annotated[
            Path | None, typer.Option(help="CSV transaction log, one row per purchase.")
        ] = None,
        customer_col: Annotated[str | None, typer.Option(help="Customer id column.")] = None,
        date_col: Annotated[str | None, typer.Option(help="Purchase date column.")] = None,
        value_col: Annotated[str | None, typer.Option(help="Purchase value column.")] = None,
        calibration_end: Annotated[
            str | None, typer.Option(help="Fit on purchases up to this date (YYYY-MM-DD).")
        ] = None,
        period: Annotated[str, typer.Option(help="Time unit: h, D, W or M.")] = "W",
        as_json: Annotated[bool, typer.Option("--json", help="Print the fit as JSON.")] = False,
    ) -> None:
        """Fit one model on a CSV file and print its parameters and fit."""
        from patron.analytics import FitError

        if (summary is None) == (transactions is None):
            raise _fail("Give exactly one of --summary FILE.csv or --transactions FILE.csv.")
        if transactions is not None:
            if not customer_col or not date_col:
                raise _fail("--transactions needs --customer-col and --date-col.")
            columns = _transaction_columns(
                transactions,
                model,
                customer_col=customer_col,
                date_col=date_col,
                value_col=value_col,
                calibration_end=calibration_end,
                period=period,
            )
        elif customer_col or date_col or value_col or calibration_end:
            raise _fail(
                "--customer-col, --date-col, --value-col and --calibration-end go with "
                "--transactions, not --summary."
            )
        else:
            columns = _summary_columns(summary, model)  # type: ignore[arg-type]
        started = time.perf_counter()
        try:
            fitted = fit_model(model, columns)
        except ValueError as exc:
            raise _fail(f"Invalid data for {model.value}: {exc}") from None
        except FitError as exc:
            raise _fail(str(exc), 1) from None
        seconds = time.perf_counter() - started
        result = {
            "model": model.value,
            "params": fitted.params_,
            "log_likelihood": fitted.log_likelihood_,
            "std_errors": {k: _finite(v) for k, v in fitted.std_errors_.items()},
            "iterations": fitted.n_iter_,
            "seconds": round(seconds, 4),
            "converged": fitted.converged_,
        }
        if as_json:
            typer.echo(json.dumps(result))
            return
        for name, value in fitted.params_.items():
            error = result["std_errors"][name]  # type: ignore[index]
            typer.echo(f"{name:>8} = {value:.6g}" + (f" ± {error:.3g}" if error else ""))
        typer.echo(
            f"log-likelihood {fitted.log_likelihood_:.4f}, {fitted.n_iter_} iterations, "
            f"{seconds:.3f} s, {'converged' if fitted.converged_ else 'NOT converged'}"
        )
