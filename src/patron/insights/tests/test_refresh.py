"""``scores_refresh``: every live party scored, in bulk, as a new run."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from patron.accounts.models import User
from patron.accounts.permissions import PermissionDenied
from patron.core.models import AuditEntry
from patron.insights.models import CustomerScore, ScoringRun
from patron.insights.selectors import latest_scores_for, score_for_party
from patron.insights.services import scores_refresh
from patron.insights.tests.conftest import NOW, History, orders, random_buyers
from patron.parties.models import Party
from patron.sales.models import Order
from patron.testing import OrderLineFactory, PartyFactory, ProductFactory

pytestmark = pytest.mark.django_db


def test_every_live_party_gets_one_score(history: History) -> None:
    run = scores_refresh(actor=None, now=NOW)

    assert run.status == ScoringRun.Status.SUCCEEDED
    assert run.customer_count == Party.objects.count()
    assert CustomerScore.objects.filter(run=run).count() == Party.objects.count()
    assert run.buyer_count == Party.objects.count() - 2  # prospect and cancelled-only


def test_a_model_is_fitted_and_probabilities_are_probabilities(history: History) -> None:
    run = scores_refresh(actor=None, now=NOW)

    assert run.model in ("bgnbd", "pnbd")
    assert run.log_likelihood is not None
    buyers = CustomerScore.objects.filter(run=run, frequency__gt=0)
    for score in buyers:
        assert score.p_alive is not None and 0.0 <= score.p_alive <= 1.0
        assert score.expected_purchases_12m is not None and score.expected_purchases_12m >= 0
        assert score.churn_risk in ("low", "medium", "high")
        assert score.clv_simple is not None and score.clv_simple > 0


def test_rfm_and_lapse_follow_the_history(history: History) -> None:
    run = scores_refresh(actor=None, now=NOW)
    scores = {s.party_id: s for s in CustomerScore.objects.filter(run=run)}

    champion = scores[history.champion.pk]
    assert (champion.recency_days, champion.frequency) == (2, 26)
    assert (champion.r_score, champion.f_score, champion.m_score) == (5, 5, 5)
    assert champion.rfm_segment == "Champions"
    assert champion.is_lapsed is False
    assert champion.churn_risk == "low"

    lost = scores[history.lost.pk]
    assert lost.recency_days == 500
    assert lost.r_score == 1
    assert lost.is_lapsed is True

    prospect = scores[history.prospect.pk]
    assert (prospect.r_score, prospect.f_score, prospect.m_score) == (0, 0, 0)
    assert prospect.rfm_segment == ""
    assert prospect.p_alive is None
    assert prospect.is_lapsed is False
    assert scores[history.cancelled_only.pk].frequency == 0


def test_the_lapse_window_stretches_with_the_customers_own_interval(history: History) -> None:
    run = scores_refresh(actor=None, now=NOW, settings={"lapsed_p_alive": 0.0})
    scores = {s.party_id: s for s in CustomerScore.objects.filter(run=run)}

    # Steady buys every 100 days: 250 days of silence is within 3 × 100.
    assert scores[history.steady.pk].is_lapsed is False
    assert scores[history.one_timer.pk].is_lapsed is False

    tighter = scores_refresh(
        actor=None, now=NOW, settings={"lapsed_p_alive": 0.0, "lapse_interval_multiple": 2}
    )
    assert CustomerScore.objects.get(run=tighter, party=history.steady).is_lapsed is True


def test_history_is_kept_across_runs_and_the_latest_is_read(history: History, agent: User) -> None:
    first = scores_refresh(actor=None, now=NOW)
    second = scores_refresh(actor=None, now=NOW)

    assert ScoringRun.objects.count() == 2
    assert CustomerScore.objects.filter(party=history.champion).count() == 2
    latest = latest_scores_for([history.champion.pk, history.lost.pk], user=agent)
    assert {s.run_id for s in latest.values()} == {second.pk}
    assert first.pk != second.pk
    score = score_for_party(history.champion.pk, user=agent)
    assert score is not None and score.run_id == second.pk


def test_the_number_of_queries_does_not_grow_with_customers(history: History) -> None:
    with CaptureQueriesContext(connection) as small:
        scores_refresh(actor=None, now=NOW)
    random_buyers(30, seed=11)
    with CaptureQueriesContext(connection) as large:
        scores_refresh(actor=None, now=NOW)

    assert len(large.captured_queries) == len(small.captured_queries)
    assert len(small.captured_queries) <= 12


def test_too_few_buyers_skip_the_model_and_say_why(db: None) -> None:
    orders(PartyFactory(), [5, 40])

    run = scores_refresh(actor=None, now=NOW)

    assert run.model == ""
    assert "min_buyers_for_model" in run.notes
    score = CustomerScore.objects.get(run=run)
    assert score.p_alive is None and score.churn_risk == ""
    assert score.r_score >= 1 and score.clv_simple is not None


def test_only_managers_refresh(history: History, agent: User, manager: User) -> None:
    with pytest.raises(PermissionDenied):
        scores_refresh(actor=agent, now=NOW)
    assert not ScoringRun.objects.exists()

    run = scores_refresh(actor=manager, now=NOW)

    assert run.triggered_by == manager
    assert AuditEntry.objects.filter(object_type="insights.scoringrun", actor=manager).count() == 1


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"lapse_days": 3}, "Unknown scoring settings"),
        ({"lapsed_p_alive": 1.5}, "lapsed_p_alive must be a probability"),
        ({"churn_high_p_alive": 0.9}, "must not exceed churn_low_p_alive"),
        ({"clv_horizon_months": 0}, "clv_horizon_months must be at least 1"),
    ],
)
def test_bad_settings_are_refused_before_anything_is_written(
    history: History, overrides: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        scores_refresh(actor=None, now=NOW, settings=overrides)
    assert not ScoringRun.objects.exists()


def test_the_teaching_clv_uses_the_margin_of_known_product_costs(history: History) -> None:
    order = Order.objects.filter(party=history.one_timer).get()
    OrderLineFactory(
        order=order, product=ProductFactory(unit_cost=Decimal("5")), quantity=2, unit_price=20
    )
    fixed = {"retention_rate": 0.5, "annual_discount_rate": 0.1}

    run = scores_refresh(actor=None, now=NOW, settings=fixed)

    # margin (40 - 2 × 5) / 40 = 75 % of 40 spent within the first year, kept at r = 0.5.
    score = CustomerScore.objects.get(run=run, party=history.one_timer)
    assert score.clv_simple == pytest.approx(30 * 1.1 / 0.6)
