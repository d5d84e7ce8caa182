"""GET /api/v1/parties/{id}/scores and /api/v1/insights/runs."""

from __future__ import annotations

import pytest
from django.test import Client

from patron.accounts.models import User
from patron.accounts.services import api_token_create
from patron.insights.services import scores_refresh
from patron.insights.tests.conftest import NOW, History
from patron.testing import UserFactory

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    _, raw = api_token_create(user=user, name="tests")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_a_customers_latest_scores_come_back(agent: User, history: History) -> None:
    scores_refresh(actor=None, now=NOW)
    latest = scores_refresh(actor=None, now=NOW)

    response = _client(agent).get(f"/api/v1/parties/{history.champion.pk}/scores")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["run_id"] == latest.pk
    assert body["rfm_segment"] == "Champions"
    assert (body["r_score"], body["f_score"], body["m_score"]) == (5, 5, 5)
    assert 0 <= body["p_alive"] <= 1
    assert body["churn_risk"] == "low" and body["is_lapsed"] is False
    assert body["monetary_value"] == "3900.00"


def test_unscored_and_unknown_customers_are_404(agent: User, history: History) -> None:
    client = _client(agent)

    assert client.get(f"/api/v1/parties/{history.champion.pk}/scores").status_code == 404
    scores_refresh(actor=None, now=NOW)
    assert client.get("/api/v1/parties/999999/scores").status_code == 404


def test_runs_are_listed_newest_first(agent: User, history: History) -> None:
    first = scores_refresh(actor=None, now=NOW)
    second = scores_refresh(actor=None, now=NOW, settings={"lapse_days_min": 90})

    response = _client(agent).get("/api/v1/insights/runs?limit=10")

    assert response.status_code == 200
    runs = response.json()
    assert [r["id"] for r in runs] == [second.pk, first.pk]
    assert runs[0]["settings"]["lapse_days_min"] == 90
    assert runs[0]["customer_count"] == second.customer_count
    assert runs[0]["model"] in ("bgnbd", "pnbd")


def test_a_user_without_a_department_sees_no_scores(history: History) -> None:
    scores_refresh(actor=None, now=NOW)
    client = _client(UserFactory(username="loner"))

    assert client.get("/api/v1/insights/runs").status_code == 403
    assert client.get(f"/api/v1/parties/{history.champion.pk}/scores").status_code == 403


def test_a_bad_limit_is_a_400(agent: User, history: History) -> None:
    assert _client(agent).get("/api/v1/insights/runs?limit=0").status_code == 400
