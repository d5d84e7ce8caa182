"""``patron import`` and ``patron export``: thin wrappers around the exchange services.

Exit codes: 0 done, 1 invalid data (nothing written unless --skip-invalid), 2 a usage or
file error (wrong kind, missing file, wrong encoding, bad header).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

SHOWN_ERRORS = 20


class Kind(StrEnum):
    parties = "parties"
    products = "products"
    orders = "orders"
    interactions = "interactions"


class Format(StrEnum):
    csv = "csv"
    xlsx = "xlsx"


def _fail(message: str, code: int) -> typer.Exit:
    typer.secho(message, err=True, fg=typer.colors.RED)
    return typer.Exit(code)


def _user(username: str | None) -> Any:
    if not username:
        return None
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise _fail(f"No active user named {username!r}.", 2)
    return user


def register(app: typer.Typer, setup: Callable[[], None]) -> None:
    """Add ``import`` and ``export`` to the ``patron`` command; ``setup`` configures Django."""

    @app.command("import")
    def import_command(
        kind: Annotated[Kind, typer.Argument(help="What the file holds.")],
        file: Annotated[Path, typer.Argument(help="A CSV (UTF-8) or XLSX file.")],
        mapping: Annotated[
            Path | None,
            typer.Option(help="JSON or CSV file renaming the file's headers to Patron's."),
        ] = None,
        skip_invalid: Annotated[
            bool, typer.Option("--skip-invalid", help="Import the valid rows, reject the rest.")
        ] = False,
        dry_run: Annotated[
            bool, typer.Option("--dry-run", help="Validate and count; write nothing.")
        ] = False,
        rejects: Annotated[
            Path | None,
            typer.Option(help="Where to write invalid rows (default: FILE.rejects.csv)."),
        ] = None,
        format: Annotated[
            Format | None, typer.Option("--format", help="Default: from the file name.")
        ] = None,
        as_user: Annotated[
            str | None, typer.Option("--as", help="Import as this user (needs manager).")
        ] = None,
    ) -> None:
        """Import parties, products, orders or interactions from CSV or XLSX.

        Nothing is written when any row is invalid (unless --skip-invalid); importing the
        same file again changes nothing. See docs/reference/import.md.
        """
        setup()
        from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

        from patron.accounts.permissions import PermissionDenied
        from patron.exchange.formats import ImportFileError, load_mapping
        from patron.exchange.services import import_check_file, import_file

        rejects_path = rejects or file.with_name(file.name + ".rejects.csv")
        try:
            rename = load_mapping(mapping) if mapping else None
            source = import_check_file(
                kind=kind.value, path=file, fmt=format.value if format else None, mapping=rename
            )
            actor = _user(as_user)
            with Progress(
                TextColumn("[bold]{task.description}"),
                BarColumn(),
                TextColumn("{task.completed:,}/{task.total:,} rows"),
                TimeRemainingColumn(),
                transient=True,
                disable=not sys.stderr.isatty(),
                console=None,
            ) as bar:
                task = bar.add_task(f"Importing {kind.value}", total=source.rows_estimate)
                result = import_file(
                    actor=actor,
                    kind=kind.value,
                    path=file,
                    fmt=source.format,
                    mapping=rename,
                    skip_invalid=skip_invalid,
                    dry_run=dry_run,
                    rejects_path=rejects_path,
                    progress=lambda n: bar.advance(task, n),
                )
        except ImportFileError as exc:
            raise _fail(str(exc), 2) from None
        except PermissionDenied as exc:
            raise _fail(str(exc), 2) from None
        for error in result.errors[:SHOWN_ERRORS]:
            typer.echo(f"line {error.line}, {error.column}: {error.reason}", err=True)
        if result.error_count > SHOWN_ERRORS:
            typer.echo(f"... and {result.error_count - SHOWN_ERRORS:,} more errors.", err=True)
        if result.rejected:
            typer.echo(
                f"{result.rejected:,} invalid rows written to {result.rejects_path}.", err=True
            )
        summary = (
            f"{result.rows_read:,} rows read: {result.created:,} created, "
            f"{result.updated:,} updated, {result.unchanged:,} unchanged"
        )
        if result.removed:
            summary += f", {result.removed:,} order lines removed"
        summary += f", {result.rejected:,} rejected."
        if result.committed:
            typer.echo(summary)
            return
        if dry_run:
            typer.echo(f"Dry run, nothing written. {summary}")
            raise typer.Exit(1 if result.rejected else 0)
        typer.secho(
            f"Nothing was imported: {result.rejected:,} rows are invalid. Fix them, or use "
            "--skip-invalid to import the valid rows.",
            err=True,
            fg=typer.colors.RED,
        )
        raise typer.Exit(1)

    @app.command("export")
    def export_command(
        kind: Annotated[Kind, typer.Argument(help="What to export.")],
        file: Annotated[
            str, typer.Argument(help="Output file, or - for standard output (CSV only).")
        ] = "-",
        format: Annotated[
            Format | None, typer.Option("--format", help="Default: from the file name.")
        ] = None,
        as_user: Annotated[
            str | None, typer.Option("--as", help="Export what this user may see.")
        ] = None,
    ) -> None:
        """Export in the canonical import columns (re-importable; formulas neutralised)."""
        setup()
        from patron.accounts.permissions import PermissionDenied
        from patron.exchange.formats import ImportFileError
        from patron.exchange.services import export_file

        fmt = format.value if format else ("xlsx" if file.lower().endswith(".xlsx") else "csv")
        try:
            actor = _user(as_user)
            if file == "-":
                if fmt == "xlsx":
                    raise _fail("An XLSX export needs a file name.", 2)
                export_file(actor=actor, kind=kind.value, target=sys.stdout, fmt=fmt)
                return
            count = export_file(actor=actor, kind=kind.value, target=Path(file), fmt=fmt)
        except (ImportFileError, PermissionDenied) as exc:
            raise _fail(str(exc), 2) from None
        except OSError as exc:
            raise _fail(f"Cannot write {file}: {exc.strerror}.", 2) from None
        typer.echo(f"{count:,} {kind.value} written to {file}.", err=True)
