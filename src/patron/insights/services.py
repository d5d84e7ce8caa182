"""Score every customer: RFM, P(alive), expected purchases and spend, CLV, lapse, churn risk.

The per-customer summaries come from one aggregate query over orders run inside the
database (never every order loaded into Python), the numeric work from
:mod:`patron.analytics`, and the scores go back in bulk (``COPY`` on PostgreSQL,
``executemany`` on SQLite) as one new :class:`ScoringRun`, so earlier runs stay as history.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from django.db import connection, transaction
from django.db.models import Count, DecimalField, ExpressionWrapper, F, Max, Min, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from patron.accounts.models import Role
from patron.accounts.permissions import access_for, require
from patron.analytics import (
    BetaGeo,
    FitError,
    GammaGamma,
    ParetoNBD,
    clv_simple,
    rfm_scores,
)
from patron.core.audit import audit_record
from patron.core.money import MONEY_DIGITS, MONEY_PLACES
from patron.insights.models import CustomerScore, ScoringRun
from patron.parties.models import Party
from patron.sales.models import Order, OrderLine

WEEKS_PER_YEAR = 365.25 / 7
WEEKS_PER_MONTH = WEEKS_PER_YEAR / 12

DEFAULT_SETTINGS: dict[str, Any] = {
    # A buyer is lapsed after max(lapse_days_min, lapse_interval_multiple × their own mean
    # days between purchases) without a purchase, or when P(alive) < lapsed_p_alive.
    "lapse_days_min": 180,
    "lapse_interval_multiple": 3.0,
    "lapsed_p_alive": 0.2,
    # Churn risk from P(alive): low at or above churn_low_p_alive, high below
    # churn_high_p_alive, medium between.
    "churn_low_p_alive": 0.7,
    "churn_high_p_alive": 0.3,
    # Fewer buyers than this: no probabilistic model is fitted (too little data).
    "min_buyers_for_model": 10,
    # Model CLV: discounted expected margin over this many months at this monthly rate.
    "clv_horizon_months": 12,
    "monthly_discount_rate": 0.01,
    # Teaching-formula CLV: yearly margin, yearly retention and discount; horizon in years
    # (None = infinite). retention_rate None = estimated from the data (share of buyers of
    # more than a year's standing who bought in the last year).
    "annual_discount_rate": 0.10,
    "clv_simple_horizon_years": None,
    "retention_rate": None,
    "default_retention_rate": 0.6,
    # Margin share of spend where no product cost is known at all.
    "default_margin_rate": 0.3,
}
"""Thresholds of a refresh; each can be overridden through ``scores_refresh(settings=...)``."""

FloatArray = npt.NDArray[np.float64]

_SQLITE_BATCH = 50_000
_COLUMNS = (
    "run_id",
    "party_id",
    "recency_days",
    "frequency",
    "monetary_value",
    "r_score",
    "f_score",
    "m_score",
    "rfm_segment",
    "p_alive",
    "expected_purchases_12m",
    "expected_spend_12m",
    "clv_model",
    "clv_simple",
    "is_lapsed",
    "churn_risk",
)


def refresh_settings(overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The defaults with ``overrides`` applied, checked.

    Raises
    ------
    ValueError
        Naming the unknown setting or the rule a value breaks.
    """
    merged = dict(DEFAULT_SETTINGS)
    unknown = sorted(set(overrides or {}) - set(DEFAULT_SETTINGS))
    if unknown:
        raise ValueError(f"Unknown scoring settings {unknown}; known: {sorted(DEFAULT_SETTINGS)}")
    merged.update(overrides or {})
    for key in ("lapsed_p_alive", "churn_low_p_alive", "churn_high_p_alive"):
        if not 0 <= float(merged[key]) <= 1:
            raise ValueError(f"{key} must be a probability in [0, 1]")
    if merged["churn_high_p_alive"] > merged["churn_low_p_alive"]:
        raise ValueError("churn_high_p_alive must not exceed churn_low_p_alive")
    for key in ("lapse_days_min", "lapse_interval_multiple", "min_buyers_for_model"):
        if float(merged[key]) < 0:
            raise ValueError(f"{key} must not be negative")
    if int(merged["clv_horizon_months"]) < 1:
        raise ValueError("clv_horizon_months must be at least 1")
    for key in ("monthly_discount_rate", "annual_discount_rate"):
        if not float(merged[key]) > -1:
            raise ValueError(f"{key} must be greater than -1")
    for key in ("retention_rate", "default_retention_rate", "default_margin_rate"):
        value = merged[key]
        if value is not None and not 0 <= float(value) <= 1:
            raise ValueError(f"{key} must be in [0, 1]")
    if merged["clv_simple_horizon_years"] is None and merged["annual_discount_rate"] <= 0:
        raise ValueError("an infinite clv_simple horizon needs annual_discount_rate > 0")
    return merged


@dataclass
class _Base:
    """Per-party arrays, in party id order (non-buyers hold zeros)."""

    party_ids: np.ndarray[Any, np.dtype[np.int64]]
    buyer: np.ndarray[Any, np.dtype[np.bool_]]
    days: FloatArray  # distinct order days
    first_day: FloatArray  # day ordinals
    last_day: FloatArray
    spend: FloatArray
    orders: FloatArray
    margin_rate: FloatArray
    notes: list[str] = field(default_factory=list)


def _summaries(now: dt.datetime, settings: Mapping[str, Any]) -> _Base:
    """Three bounded queries: live parties, per-party order summary, per-party margin.

    Fetched whole (one row per customer), not through server-side cursors: PostgreSQL
    plans a cursor for its first rows, which made the margin join several times slower.
    """
    party_ids = np.fromiter(
        Party.objects.filter(merged_into__isnull=True).order_by("id").values_list("id", flat=True),
        dtype=np.int64,
    )
    n = party_ids.shape[0]
    days = np.zeros(n)
    first_day = np.zeros(n)
    last_day = np.zeros(n)
    spend = np.zeros(n)
    orders = np.zeros(n)
    rows = (
        Order.objects.exclude(status=Order.Status.CANCELLED)
        .filter(ordered_at__lte=now)
        .values("party_id")
        .annotate(
            n_days=Count(TruncDate("ordered_at"), distinct=True),
            first=Min(TruncDate("ordered_at")),
            last=Max(TruncDate("ordered_at")),
            spent=Sum("total"),
            n_orders=Count("id"),
        )
        .order_by()
        .values_list("party_id", "n_days", "first", "last", "spent", "n_orders")
    )
    ids: list[int] = []
    columns: list[list[float]] = [[], [], [], [], []]
    for pid, n_days, first, last, spent, n_orders in rows:
        ids.append(pid)
        columns[0].append(n_days)
        columns[1].append(first.toordinal())
        columns[2].append(last.toordinal())
        columns[3].append(float(spent or 0))
        columns[4].append(n_orders)
    found = np.asarray(ids, dtype=np.int64)
    at = np.searchsorted(party_ids, found)
    live = (at < n) & (party_ids[np.minimum(at, n - 1)] == found) if n else found < 0
    for target, values in zip((days, first_day, last_day, spend, orders), columns, strict=True):
        target[at[live]] = np.asarray(values, dtype=np.float64)[live]
    buyer = days > 0

    line_value = ExpressionWrapper(
        F("quantity") * F("unit_price"),
        output_field=DecimalField(max_digits=MONEY_DIGITS + 6, decimal_places=MONEY_PLACES),
    )
    line_cost = ExpressionWrapper(
        F("quantity") * F("product__unit_cost"),
        output_field=DecimalField(max_digits=MONEY_DIGITS + 6, decimal_places=MONEY_PLACES),
    )
    margins = (
        OrderLine.objects.exclude(order__status=Order.Status.CANCELLED)
        .filter(order__ordered_at__lte=now, product__unit_cost__isnull=False)
        .values("party_id")
        .annotate(revenue=Sum(line_value), cost=Sum(line_cost))
        .order_by()
        .values_list("party_id", "revenue", "cost")
    )
    margin_rows = list(margins)
    margin_ids = np.asarray([row[0] for row in margin_rows], dtype=np.int64)
    revenue = np.asarray([float(row[1] or 0) for row in margin_rows])
    cost = np.asarray([float(row[2] or 0) for row in margin_rows])
    known_revenue, known_cost = float(revenue.sum()), float(cost.sum())
    margin_rate = np.full(n, np.nan)
    at = np.searchsorted(party_ids, margin_ids)
    hit = (at < n) & (revenue > 0)
    hit[hit] &= party_ids[at[hit]] == margin_ids[hit]
    margin_rate[at[hit]] = (revenue[hit] - cost[hit]) / revenue[hit]
    fallback = (
        (known_revenue - known_cost) / known_revenue
        if known_revenue > 0
        else float(settings["default_margin_rate"])
    )
    margin_rate = np.where(np.isnan(margin_rate), fallback, margin_rate)
    return _Base(party_ids, buyer, days, first_day, last_day, spend, orders, margin_rate)


@dataclass
class _Scores:
    model: str = ""
    params: dict[str, Any] = field(default_factory=dict)
    log_likelihood: float | None = None


def _fit_transaction_model(
    x: FloatArray, t_x: FloatArray, t_end: FloatArray, notes: list[str]
) -> tuple[str, BetaGeo | ParetoNBD | None]:
    """BG/NBD, else Pareto/NBD, else nothing; every failure's reason goes to ``notes``."""
    for name, model_class in (("bgnbd", BetaGeo), ("pnbd", ParetoNBD)):
        try:
            return name, model_class().fit(x, t_x, t_end)
        except (FitError, ValueError) as exc:
            notes.append(f"{name} not used: {exc}")
    return "", None


def _compute(
    base: _Base, obs_day: int, settings: Mapping[str, Any]
) -> tuple[_Scores, dict[str, Any]]:
    """Every score column as arrays over all parties."""
    n = base.party_ids.shape[0]
    b = base.buyer
    result = _Scores()
    recency_days = np.where(b, obs_day - base.last_day, 0.0)
    rfm = rfm_scores(recency_days, base.days, base.spend)

    x = np.maximum(base.days - 1, 0)
    t_x_days = np.where(x > 0, base.last_day - base.first_day, 0.0)
    t_days = np.maximum(obs_day - base.first_day, 1.0)
    avg = np.divide(base.spend, base.orders, out=np.zeros(n), where=base.orders > 0)

    p_alive = np.full(n, np.nan)
    purchases = np.full(n, np.nan)
    spend_12m = np.full(n, np.nan)
    clv_model = np.full(n, np.nan)
    buyers = int(b.sum())
    if buyers < int(settings["min_buyers_for_model"]):
        base.notes.append(
            f"No model fitted: {buyers} buyers, fewer than min_buyers_for_model "
            f"({settings['min_buyers_for_model']})."
        )
        model = None
    else:
        xb, txb, tb = x[b], t_x_days[b] / 7, t_days[b] / 7
        result.model, model = _fit_transaction_model(xb, txb, tb, base.notes)
    if model is not None:
        result.params = {"transactions": model.params_}
        result.log_likelihood = model.log_likelihood_
        p_alive[b] = model.probability_alive(xb, txb, tb)
        purchases[b] = model.conditional_expected_purchases(WEEKS_PER_YEAR, xb, txb, tb)
        value = _expected_value(x[b], avg[b], result, base.notes)
        spend_12m[b] = purchases[b] * value
        clv_model[b] = base.margin_rate[b] * model.customer_lifetime_value(
            xb,
            txb,
            tb,
            value,
            horizon=int(settings["clv_horizon_months"]),
            discount_rate=float(settings["monthly_discount_rate"]),
            period_length=WEEKS_PER_MONTH,
        )

    mean_gap = np.divide(t_x_days, x, out=np.zeros(n), where=x > 0)
    window = np.maximum(
        float(settings["lapse_days_min"]), float(settings["lapse_interval_multiple"]) * mean_gap
    )
    lapsed = b & (
        (recency_days > window)
        | (np.nan_to_num(p_alive, nan=1.0) < float(settings["lapsed_p_alive"]))
    )
    churn = np.full(n, "", dtype=object)
    scored = b & ~np.isnan(p_alive)
    churn[scored] = np.where(
        p_alive[scored] >= float(settings["churn_low_p_alive"]),
        "low",
        np.where(p_alive[scored] < float(settings["churn_high_p_alive"]), "high", "medium"),
    )

    age_years = np.maximum(t_days / 365.25, 1.0)
    retention = _retention(base, obs_day, settings)
    result.params["retention_rate"] = retention
    simple = np.full(n, np.nan)
    simple[b] = clv_simple(
        base.spend[b] * base.margin_rate[b] / age_years[b],
        retention,
        float(settings["annual_discount_rate"]),
        settings["clv_simple_horizon_years"],
    )
    columns = {
        "recency_days": np.where(b, recency_days, np.nan),
        "frequency": base.days,
        "monetary_value": base.spend,
        "r_score": rfm.recency,
        "f_score": rfm.frequency,
        "m_score": rfm.monetary,
        "rfm_segment": rfm.segment,
        "p_alive": p_alive,
        "expected_purchases_12m": purchases,
        "expected_spend_12m": spend_12m,
        "clv_model": clv_model,
        "clv_simple": simple,
        "is_lapsed": lapsed,
        "churn_risk": churn,
    }
    return result, columns


def _expected_value(
    x: FloatArray, avg: FloatArray, result: _Scores, notes: list[str]
) -> FloatArray:
    """Gamma-Gamma expected spend per purchase; each buyer's own mean when it cannot fit."""
    repeat = (x > 0) & (avg > 0)
    try:
        gg = GammaGamma().fit(x[repeat], avg[repeat])
        value = gg.conditional_expected_value(np.where(avg > 0, x, 0), avg)
    except (FitError, ValueError) as exc:
        notes.append(f"Gamma-Gamma not used (own mean order value instead): {exc}")
        return avg
    result.params["spend"] = gg.params_
    return np.asarray(value, dtype=np.float64)


def _retention(base: _Base, obs_day: int, settings: Mapping[str, Any]) -> float:
    """Yearly retention: the setting, else the share of established buyers active last year."""
    if settings["retention_rate"] is not None:
        return float(settings["retention_rate"])
    established = base.buyer & (obs_day - base.first_day > 365)
    if established.sum() < 10:
        return float(settings["default_retention_rate"])
    active = established & (obs_day - base.last_day <= 365)
    return float(active.sum() / established.sum())


def _rows(run_id: int, party_ids: Any, columns: Mapping[str, Any]) -> Iterator[tuple[Any, ...]]:
    """Database rows built column by column in numpy (a per-value Python loop costs seconds)."""
    n = int(party_ids.shape[0])
    lists: list[list[Any]] = [[run_id] * n, party_ids.tolist()]
    for name in _COLUMNS[2:]:
        values = np.asarray(columns[name])
        if name == "monetary_value":
            lists.append(np.char.mod("%.2f", values).tolist())
        elif values.dtype.kind == "f":
            missing = np.isnan(values)
            whole = name in ("recency_days", "frequency")
            cells = np.nan_to_num(values).astype(np.int64 if whole else np.float64).astype(object)
            cells[missing] = None
            lists.append(cells.tolist())
        else:
            lists.append(values.tolist())
    return zip(*lists, strict=True)


def _write_scores(rows: Iterator[tuple[Any, ...]]) -> None:
    """Bulk insert: ``COPY`` on PostgreSQL, ``executemany`` in large batches elsewhere."""
    table = CustomerScore._meta.db_table
    names = ", ".join(_COLUMNS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(_COLUMNS))})"
        batch: list[tuple[Any, ...]] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= _SQLITE_BATCH:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)


def can_refresh_scores(user: Any) -> bool:
    """Managers start a refresh; ``None`` is the operator on the server (CLI, cron, worker)."""
    return user is None or access_for(user).at_least(Role.MANAGER)


def scores_refresh(
    *,
    actor: Any,
    now: dt.datetime | None = None,
    settings: Mapping[str, Any] | None = None,
    progress: Callable[[str], None] | None = None,
) -> ScoringRun:
    """Score every live party and store the scores as a new run (earlier runs are kept).

    Parameters
    ----------
    actor : User or None
        Who asked (a manager), or ``None`` for the operator (CLI, worker).
    now : datetime, optional
        End of observation; orders after it are ignored. Default: now.
    settings : mapping, optional
        Overrides of :data:`DEFAULT_SETTINGS`.
    progress : callable, optional
        Told each stage in words (the CLI prints them).

    Raises
    ------
    PermissionDenied
        If ``actor`` is not a manager.
    ValueError
        For an unknown setting or a value out of range (nothing is written).
    """
    require(can_refresh_scores(actor), "Only a manager may refresh customer scores.")
    used = refresh_settings(settings)
    now = now or timezone.now()
    started = timezone.now()
    obs_day = timezone.localtime(now).date().toordinal()
    say = progress or (lambda _: None)
    try:
        say("Summarising orders per customer in the database ...")
        base = _summaries(now, used)
        say(f"Fitting models on {int(base.buyer.sum()):,} buyers ...")
        result, columns = _compute(base, obs_day, used)
    except Exception as exc:
        ScoringRun.objects.create(
            started_at=started,
            finished_at=timezone.now(),
            status=ScoringRun.Status.FAILED,
            observation_end=now,
            settings=used,
            notes=f"{type(exc).__name__}: {exc}",
            triggered_by=actor if getattr(actor, "pk", None) else None,
        )
        raise
    with transaction.atomic():
        run = ScoringRun.objects.create(
            started_at=started,
            status=ScoringRun.Status.RUNNING,
            observation_end=now,
            model=result.model,
            params=result.params,
            log_likelihood=result.log_likelihood,
            customer_count=int(base.party_ids.shape[0]),
            buyer_count=int(base.buyer.sum()),
            settings=used,
            notes="\n".join(base.notes),
            triggered_by=actor if getattr(actor, "pk", None) else None,
        )
        say(f"Writing {run.customer_count:,} scores ...")
        _write_scores(_rows(run.pk, base.party_ids, columns))
        run.status = ScoringRun.Status.SUCCEEDED
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "finished_at"])
        audit_record(
            actor=actor,
            action="create",
            obj=run,
            after={
                "customer_count": run.customer_count,
                "model": run.model,
                "observation_end": now.isoformat(),
            },
        )
    return run
