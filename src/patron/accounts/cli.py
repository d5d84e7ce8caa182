"""``patron token``: make and revoke API tokens for integrations.

The secret is printed once, when it is made; Patron keeps only its digest.
Exit codes: 0 done, 2 a usage error (no such user, bad name, unknown token).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated

import typer


def _fail(message: str) -> typer.Exit:
    typer.secho(message, err=True, fg=typer.colors.RED)
    return typer.Exit(2)


def register(app: typer.Typer, setup: Callable[[], None]) -> None:
    """Add ``token create`` and ``token revoke`` to ``patron``; ``setup`` configures Django."""
    token_app = typer.Typer(help="API tokens for integrations.", no_args_is_help=True)
    app.add_typer(token_app, name="token")

    @token_app.command("create")
    def create(
        username: Annotated[str, typer.Argument(help="The staff member the token acts as.")],
        name: Annotated[str, typer.Option("--name", help="What the token is for.")],
        expires_days: Annotated[
            int | None,
            typer.Option("--expires-days", min=1, max=3650, help="Expire after this many days."),
        ] = None,
    ) -> None:
        """Make a bearer token: `Authorization: Bearer ptn_...` on every API request."""
        setup()
        from django.utils import timezone

        from patron.accounts.models import User
        from patron.accounts.services import api_token_create

        name = name.strip()
        if not name or len(name) > 100:
            raise _fail("Give the token a --name of 1 to 100 characters.")
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise _fail(f"No active user named {username!r}.")
        expires_at = (
            timezone.now() + dt.timedelta(days=expires_days) if expires_days is not None else None
        )
        token, raw = api_token_create(user=user, name=name, expires_at=expires_at)
        typer.echo(raw)
        typer.echo(
            f"Token {token.prefix}… for {user.username}"
            + (f", expires {expires_at:%Y-%m-%d %H:%M} UTC" if expires_at else "")
            + ". Store it now: it is not shown again.",
            err=True,
        )

    @token_app.command("revoke")
    def revoke(
        prefix: Annotated[str, typer.Argument(help="The token's first 12 characters.")],
    ) -> None:
        """Revoke a token at once; requests that use it are refused from now on."""
        setup()
        from patron.accounts.models import ApiToken
        from patron.accounts.services import api_token_revoke

        tokens = list(ApiToken.objects.filter(prefix=prefix[:12], revoked_at__isnull=True)[:2])
        if len(tokens) != 1:
            raise _fail(
                f"No active token starts with {prefix!r}."
                if not tokens
                else f"More than one token starts with {prefix!r}."
            )
        api_token_revoke(token=tokens[0], actor=None)
        typer.echo(f"Revoked {tokens[0]}.")
