"""``patron analytics refresh`` and ``patron analytics fit``."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from patron.accounts.models import User
from patron.analytics import summarize_transactions
from patron.cli import app
from patron.insights.models import ScoringRun
from patron.insights.tests.conftest import History

runner = CliRunner()
FIT_KEYS = {"model", "params", "log_likelihood", "std_errors", "iterations", "seconds", "converged"}


@pytest.fixture
def transactions_csv(tmp_path: Path) -> Path:
    """300 customers buying over a year as BG/NBD and Gamma-Gamma assume, one row a purchase."""
    rng = np.random.default_rng(3)
    spend = np.random.default_rng(5)
    start = dt.date(2025, 1, 1)
    path = tmp_path / "transactions.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["customer", "day", "amount"])
        for customer in range(300):
            first = int(rng.integers(0, 120))
            rate = rng.gamma(0.5, 1 / 20)
            alive_until = first + int(rng.exponential(200))
            spend_rate = spend.gamma(4.0, 1 / 15)
            day = first
            while day <= min(alive_until, 364):
                when = (start + dt.timedelta(days=day)).isoformat()
                amount = round(float(spend.gamma(6.0, 1 / spend_rate)), 2)
                writer.writerow([f"C{customer}", when, amount])
                day += 1 + int(rng.exponential(1 / max(rate, 1e-3)))
    return path


@pytest.fixture
def summary_csv(tmp_path: Path, transactions_csv: Path) -> Path:
    with transactions_csv.open() as handle:
        rows = list(csv.DictReader(handle))
    summary = summarize_transactions(
        [r["customer"] for r in rows],
        [r["day"] for r in rows],
        [float(r["amount"]) for r in rows],
        observation_end="2025-12-31",
    )
    path = tmp_path / "summary.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["frequency", "recency", "T", "monetary_value"])
        assert summary.monetary_value is not None
        for row in zip(
            summary.frequency, summary.recency, summary.T, summary.monetary_value, strict=True
        ):
            writer.writerow(row)
    return path


@pytest.mark.parametrize("model", ["bgnbd", "mbgnbd", "pnbd", "gg"])
def test_fit_on_a_summary_prints_the_fit_as_json(summary_csv: Path, model: str) -> None:
    result = runner.invoke(
        app, ["analytics", "fit", "--model", model, "--summary", str(summary_csv), "--json"]
    )

    assert result.exit_code == 0, result.output
    fit = json.loads(result.stdout)
    assert set(fit) == FIT_KEYS
    assert fit["model"] == model
    assert fit["converged"] is True
    assert fit["log_likelihood"] < 0
    assert set(fit["params"]) == set(fit["std_errors"])


def test_fit_on_transactions_matches_the_fit_on_their_summary(
    transactions_csv: Path, summary_csv: Path
) -> None:
    from_log = runner.invoke(
        app,
        [
            "analytics", "fit", "--model", "bgnbd", "--transactions", str(transactions_csv),
            "--customer-col", "customer", "--date-col", "day", "--json",
        ],
    )  # fmt: skip
    from_summary = runner.invoke(
        app, ["analytics", "fit", "--model", "bgnbd", "--summary", str(summary_csv), "--json"]
    )

    assert from_log.exit_code == 0, from_log.output
    assert json.loads(from_log.stdout)["params"] == pytest.approx(
        json.loads(from_summary.stdout)["params"], rel=1e-6
    )


def test_fit_without_json_prints_parameters_in_words(summary_csv: Path) -> None:
    result = runner.invoke(
        app, ["analytics", "fit", "--model", "bgnbd", "--summary", str(summary_csv)]
    )

    assert result.exit_code == 0, result.output
    assert "alpha =" in result.stdout and "converged" in result.stdout


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ([], "exactly one of --summary"),
        (["--summary", "missing.csv"], "File not found"),
        (["--transactions", "{tx}"], "needs --customer-col and --date-col"),
        (["--summary", "{summary}", "--date-col", "day"], "go with --transactions"),
        (["--summary", "{tx}"], "lacks the column(s) frequency, recency, T"),
        (
            ["--transactions", "{tx}", "--customer-col", "customer", "--date-col", "when"],
            "lacks the column(s) when",
        ),
        (
            ["--transactions", "{tx}", "--customer-col", "customer", "--date-col", "day",
             "--calibration-end", "next week"],
            "transactions.csv:",
        ),
    ],
)  # fmt: skip
def test_bad_fit_arguments_exit_2_with_a_message(
    transactions_csv: Path, summary_csv: Path, extra: list[str], message: str
) -> None:
    args = [a.format(tx=transactions_csv, summary=summary_csv) for a in extra]

    result = runner.invoke(app, ["analytics", "fit", "--model", "bgnbd", *args, "--json"])

    assert result.exit_code == 2
    assert message in result.stderr


def test_a_non_number_in_a_summary_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("frequency,recency,T\n1,2,3\ntwo,2,3\n")

    result = runner.invoke(app, ["analytics", "fit", "--model", "pnbd", "--summary", str(path)])

    assert result.exit_code == 2
    assert "line 3, frequency: 'two' is not a number" in result.stderr


def test_invalid_summaries_exit_2_with_the_models_reason(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("frequency,recency,T\n1,5,3\n")

    result = runner.invoke(app, ["analytics", "fit", "--model", "bgnbd", "--summary", str(path)])

    assert result.exit_code == 2
    assert "recency must not exceed T" in result.stderr


@pytest.mark.django_db
def test_refresh_scores_everyone_and_prints_a_summary(history: History) -> None:
    result = runner.invoke(app, ["analytics", "refresh"])

    assert result.exit_code == 0, result.output
    run = ScoringRun.objects.get()
    assert f"Run {run.pk}: {run.customer_count:,} customers scored" in result.stdout
    assert "Summarising orders" in result.stderr


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--settings", "{lapse"], "--settings is not valid JSON"),
        (["--settings", "[1]"], "must be a JSON object"),
        (["--settings", '{"nope": 1}'], "Unknown scoring settings"),
        (["--as", "nobody"], "No active user named 'nobody'"),
        (["--as", "agent"], "Only a manager may refresh"),
    ],
)
def test_bad_refresh_input_exits_2_and_writes_nothing(
    agent: User, args: list[str], message: str
) -> None:
    result = runner.invoke(app, ["analytics", "refresh", *args])

    assert result.exit_code == 2
    assert message in result.stderr
    assert not ScoringRun.objects.exists()
