"""``patron duplicates scan``: look for duplicate customers from the command line or cron."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Annotated

import typer


def register(app: typer.Typer, setup: Callable[[], None]) -> None:
    """Add ``duplicates scan`` to ``patron``; ``setup`` configures Django."""
    duplicates_app = typer.Typer(help="Find duplicate customers.", no_args_is_help=True)
    app.add_typer(duplicates_app, name="duplicates")

    @duplicates_app.command("scan")
    def scan(
        as_user: Annotated[
            str | None, typer.Option("--as", help="Scan as this user (needs manager).")
        ] = None,
        threshold: Annotated[
            int | None,
            typer.Option(
                min=50, max=100, help="Name similarity 50-100 (default: the setting, 90)."
            ),
        ] = None,
    ) -> None:
        """Store likely duplicate pairs for review on the Duplicates page."""
        setup()
        from patron.accounts.models import User
        from patron.accounts.permissions import PermissionDenied
        from patron.parties.services import duplicates_scan

        actor = None
        if as_user:
            actor = User.objects.filter(username=as_user, is_active=True).first()
            if actor is None:
                typer.secho(f"No active user named {as_user!r}.", err=True, fg="red")
                raise typer.Exit(2)
        started = time.perf_counter()
        try:
            result = duplicates_scan(actor=actor, threshold=threshold)
        except PermissionDenied as exc:
            typer.secho(str(exc), err=True, fg="red")
            raise typer.Exit(2) from None
        typer.echo(
            f"{result['candidates']:,} possible duplicate pairs to review "
            f"({result['removed']:,} no longer found, {result['skipped_blocks']:,} over-shared "
            f"keys skipped) in {time.perf_counter() - started:.1f} s."
        )
