"""``patron demo`` and ``patron generate``, registered on the main ``patron`` app."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from patron.demo.generator import MAX_CUSTOMERS

DEFAULT_CUSTOMERS = 5_000
DEFAULT_SEED = 1


def _fail(message: str) -> typer.Exit:
    typer.secho(message, err=True, fg=typer.colors.RED)
    return typer.Exit(2)


def _check_customers(customers: int) -> None:
    if not 1 <= customers <= MAX_CUSTOMERS:
        raise _fail(f"--customers must be between 1 and {MAX_CUSTOMERS:,}, not {customers:,}.")


def _as_of(value: str | None) -> dt.date:
    if not value:
        return dt.datetime.now(dt.UTC).date()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise _fail(f"--as-of must be a date like 2026-01-31, not {value!r}.") from None


def _progress(label: str, total: int) -> Callable[[int, int], None]:
    """A progress callback printing a line per chunk, only when there is more than one."""

    def report(done: int, _total: int) -> None:
        if total > 20_000:
            typer.echo(f"  {label}: {done:,} of {total:,} customers", err=True)

    return report


CustomersOption = Annotated[
    int,
    typer.Option(help=f"Number of customer accounts (1 to {MAX_CUSTOMERS:,}).", show_default=True),
]
SeedOption = Annotated[int, typer.Option(help="Random seed: the same seed gives the same data.")]
AsOfOption = Annotated[
    str | None,
    typer.Option(
        "--as-of", help="Last day of the two-year history, YYYY-MM-DD (default: today, UTC)."
    ),
]


def demo(
    customers: CustomersOption = DEFAULT_CUSTOMERS,
    seed: SeedOption = DEFAULT_SEED,
    no_serve: Annotated[
        bool, typer.Option("--no-serve", help="Load the data and print the login, then stop.")
    ] = False,
    host: Annotated[str, typer.Option(help="Address to serve on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to serve on.", min=1, max=65535)] = 8000,
    password: Annotated[
        str | None,
        typer.Option(help="Password for the demo logins (default: a new random one each run)."),
    ] = None,
    reset: Annotated[
        bool, typer.Option("--reset", help="Erase the demo database and build it again.")
    ] = False,
    as_of: AsOfOption = None,
) -> None:
    """Create a realistic demo business, a login, and serve it at http://127.0.0.1:8000/."""
    _check_customers(customers)
    history_end = _as_of(as_of)
    if password is not None and len(password) < 8:
        raise _fail("--password must be at least 8 characters.")
    from patron.cli import run_server, setup_django

    setup_django()
    from django.core.management import call_command

    from patron.demo.loader import DemoError, demo_load, demo_login, demo_reset, demo_state

    started = time.monotonic()
    typer.echo("Preparing the database…")
    call_command("migrate", interactive=False, verbosity=0)
    state = demo_state()
    if reset and state.state != "empty":
        try:
            demo_reset()
        except DemoError as exc:
            raise _fail(str(exc)) from None
        state = demo_state()
    if state.state == "foreign":
        raise _fail(
            "This database already holds customers that are not demo data; the demo will not "
            "mix into it. Use a fresh PATRON_HOME, e.g. PATRON_HOME=./demo patron demo."
        )
    if state.state == "interrupted":
        raise _fail("An earlier demo load was interrupted. Run `patron demo --reset` to rebuild.")
    if state.state == "loaded":
        typer.echo(f"The demo is already loaded ({state.note}) Not loading it again.")
        if state.customers != customers or state.seed != seed:
            typer.echo("Run `patron demo --reset` to rebuild it with other --customers or --seed.")
    else:
        typer.echo(f"Creating the demo business: {customers:,} customers, seed {seed}…")
        try:
            summary = demo_load(
                customers=customers,
                seed=seed,
                as_of=history_end,
                progress=_progress("loaded", customers),
            )
        except KeyboardInterrupt:
            typer.echo(
                "Interrupted: the chunks of customers loaded so far are kept. "
                "Run `patron demo --reset` to start again.",
                err=True,
            )
            raise typer.Exit(130) from None
        counts = summary.counts
        typer.echo(
            f"Loaded {counts.get('parties', 0):,} parties, {counts.get('orders', 0):,} orders "
            f"({counts.get('order_lines', 0):,} lines), {counts.get('invoices', 0):,} invoices, "
            f"{counts.get('interactions', 0):,} interactions in "
            f"{time.monotonic() - started:.1f} s."
        )
    username, secret = demo_login(password=password)
    url = f"http://{host}:{port}/"
    typer.echo("")
    typer.secho(f"  Patron demo: {url}", bold=True)
    typer.echo(f"  Log in as {username} / {secret}")
    typer.echo(
        "  Other staff (same password): olivia.hart (sales manager), james.okafor (field "
        "sales), grace.murphy (service manager), david.morgan (finance manager), "
        "sam.reader (read-only)."
    )
    typer.echo("")
    if no_serve:
        return
    typer.echo("Serving; press Ctrl-C to stop.")
    run_server(host=host, port=port, workers=2, threads=4)


def _check_out(out: Path, force: bool) -> None:
    """Refuse an output folder we may not or should not write into, before writing."""
    if out.exists() and not out.is_dir():
        raise _fail(f"--out {out} exists and is not a folder.")
    if out.is_dir() and any(out.iterdir()) and not force:
        raise _fail(f"--out {out} is not empty; choose an empty folder or add --force.")
    existing = out
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir() or not os.access(existing, os.W_OK | os.X_OK):
        raise _fail(f"--out {out}: {existing} is not writable.")


def generate(
    out: Annotated[Path, typer.Option("--out", help="Folder to write the CSV files into.")],
    customers: CustomersOption = DEFAULT_CUSTOMERS,
    seed: SeedOption = DEFAULT_SEED,
    force: Annotated[
        bool, typer.Option("--force", help="Write into a folder that is not empty.")
    ] = False,
    as_of: AsOfOption = None,
) -> None:
    """Write the demo business as canonical CSV files, ready for `patron import`."""
    _check_customers(customers)
    history_end = _as_of(as_of)
    _check_out(out, force)
    from patron.demo.files import write_files

    created = not out.exists()
    started = time.monotonic()
    try:
        counts = write_files(
            out=out,
            customers=customers,
            seed=seed,
            as_of=history_end,
            progress=_progress("written", customers),
        )
    except OSError as exc:
        if created:
            shutil.rmtree(out, ignore_errors=True)
        raise _fail(
            f"Could not write to {out}: {exc.strerror or exc}. Nothing was written."
        ) from None
    except BaseException:
        if created:
            shutil.rmtree(out, ignore_errors=True)
        raise
    for name, rows in counts.items():
        typer.echo(f"  {out / name}: {rows:,} rows")
    typer.echo(
        f"Wrote the demo business ({customers:,} customers, seed {seed}) in "
        f"{time.monotonic() - started:.1f} s."
    )


def register(app: typer.Typer) -> None:
    """Add ``demo`` and ``generate`` to the ``patron`` command."""
    app.command()(demo)
    app.command()(generate)
