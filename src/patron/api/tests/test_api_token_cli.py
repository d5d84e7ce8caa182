"""``patron token create`` and ``revoke``: the tokens integrations use on the API."""

from __future__ import annotations

import pytest
from django.test import Client
from typer.testing import CliRunner

from patron.accounts.models import ApiToken
from patron.cli import app

pytestmark = pytest.mark.django_db

runner = CliRunner()


def test_token_made_on_the_command_line_works_until_revoked(agent):
    made = runner.invoke(app, ["token", "create", "agent", "--name", "shop sync"])
    assert made.exit_code == 0, made.output
    raw = made.stdout.strip().splitlines()[0]
    assert raw.startswith("ptn_")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert client.get("/api/v1/parties").status_code == 200
    revoked = runner.invoke(app, ["token", "revoke", raw[:12]])
    assert revoked.exit_code == 0, revoked.output
    assert client.get("/api/v1/parties").status_code == 401


def test_token_with_an_expiry_is_stored_with_it(agent):
    made = runner.invoke(
        app, ["token", "create", "agent", "--name", "trial", "--expires-days", "7"]
    )
    assert made.exit_code == 0, made.output
    assert ApiToken.objects.get().expires_at is not None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["token", "create", "nobody", "--name", "x"], "No active user"),
        (["token", "create", "agent", "--name", "  "], "--name"),
        (["token", "create", "agent", "--name", "n" * 101], "--name"),
        (["token", "revoke", "ptn_missing"], "No active token"),
    ],
)
def test_bad_token_commands_exit_2_and_make_nothing(agent, args, message):
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert message in result.output
    assert not ApiToken.objects.exists()
