"""The Scores box on the customer 360 page."""

from __future__ import annotations

import pytest
from django.test import Client

from patron.accounts.models import User
from patron.insights.services import scores_refresh
from patron.insights.tests.conftest import NOW, History

pytestmark = pytest.mark.django_db


def test_the_customer_page_shows_the_latest_scores(
    client: Client, agent: User, history: History
) -> None:
    scores_refresh(actor=None, now=NOW)
    client.force_login(agent)

    body = client.get(f"/customers/{history.champion.pk}/").content.decode()

    assert 'id="panel-insightsscores"' in body
    assert "Champions" in body
    assert "5 · 5 · 5" in body
    assert "CLV (model)" in body and "CLV (formula)" in body
    assert "Churn risk" in body and ">Low<" in body


def test_a_lapsed_customer_is_flagged(client: Client, agent: User, history: History) -> None:
    scores_refresh(actor=None, now=NOW)
    client.force_login(agent)

    body = client.get(f"/customers/{history.lost.pk}/").content.decode()

    assert 'badge-danger">Lapsed<' in body


def test_no_panel_before_the_first_refresh(client: Client, agent: User, history: History) -> None:
    client.force_login(agent)

    body = client.get(f"/customers/{history.champion.pk}/").content.decode()

    assert "panel-insightsscores" not in body
