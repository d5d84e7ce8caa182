"""``patron duplicates scan`` from the command line."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from patron.accounts.models import User
from patron.cli import app
from patron.parties.models import DuplicatePair
from patron.parties.services import party_create

pytestmark = pytest.mark.django_db(transaction=True)

runner = CliRunner()


def test_scan_stores_pairs_and_says_how_many(manager: User) -> None:
    party_create(actor=manager, given_name="Ada", family_name="Lovelace", email="a@x.org")
    party_create(actor=manager, given_name="Ada", family_name="King", email="a@x.org")
    result = runner.invoke(app, ["duplicates", "scan"])
    assert result.exit_code == 0, result.output
    assert "1 possible duplicate pairs to review" in result.output
    assert DuplicatePair.objects.filter(status="open").count() == 1


def test_scan_as_an_agent_or_an_unknown_user_is_refused(agent: User) -> None:
    refused = runner.invoke(app, ["duplicates", "scan", "--as", "agent"])
    assert refused.exit_code == 2
    assert "Only a manager" in refused.output
    unknown = runner.invoke(app, ["duplicates", "scan", "--as", "nobody"])
    assert unknown.exit_code == 2
    assert "No active user named 'nobody'" in unknown.output
    assert not DuplicatePair.objects.exists()
