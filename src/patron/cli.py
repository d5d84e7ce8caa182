"""The ``patron`` command: demo, serve, migrate, import, export, generate, manage, ..."""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

app = typer.Typer(
    name="patron",
    help="Patron — the CRM that keeps customers. Run `patron demo` to try it.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def setup_django() -> None:
    """Configure Django once; every command that touches the database calls this first."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "patron.config.settings")
    import django
    from django.conf import settings

    if not settings.configured or not getattr(setup_django, "_done", False):
        from patron.config.env import ConfigurationError

        try:
            django.setup()
        except ConfigurationError as exc:
            typer.echo(f"Configuration error: {exc}", err=True)
            raise typer.Exit(2) from None
        setup_django._done = True  # type: ignore[attr-defined]


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print a user error to stderr and return the Exit to raise."""
    typer.secho(message, err=True, fg=typer.colors.RED)
    return typer.Exit(code)


@app.command()
def migrate(
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing on success.")] = False,
) -> None:
    """Create or upgrade the database schema."""
    setup_django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0 if quiet else 1)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes.", min=1, max=64)] = 2,
    threads: Annotated[int, typer.Option(help="Threads per worker.", min=1, max=64)] = 4,
) -> None:
    """Serve the staff web app, the API and the admin with gunicorn."""
    setup_django()
    run_server(host=host, port=port, workers=workers, threads=threads)


def run_server(*, host: str, port: int, workers: int, threads: int) -> None:
    from gunicorn.app.base import BaseApplication

    from patron.config.wsgi import application

    class _Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("threads", threads)
            self.cfg.set("worker_class", "gthread")
            self.cfg.set("accesslog", None)
            self.cfg.set("graceful_timeout", 5)

        def load(self):  # type: ignore[no-untyped-def]
            return application

    _Server().run()


@app.command(
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
)
def manage(ctx: typer.Context) -> None:
    """Run any Django management command: `patron manage createsuperuser`."""
    setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["patron manage", *ctx.args])


from patron.demo.cli import register as _register_demo  # noqa: E402

_register_demo(app)

from patron.accounts.cli import register as _register_tokens  # noqa: E402

_register_tokens(app, setup_django)

from patron.exchange.cli import register as _register_exchange  # noqa: E402

_register_exchange(app, setup_django)

from patron.parties.cli import register as _register_duplicates  # noqa: E402

_register_duplicates(app, setup_django)

from patron.insights.cli import register as _register_analytics  # noqa: E402

_register_analytics(app, setup_django)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("Interrupted: nothing was left half-written.", err=True)
        sys.exit(130)


if __name__ == "__main__":
    main()
