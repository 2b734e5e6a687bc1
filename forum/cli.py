"""`webboard` console script: serve, migrate, create-admin, seed-demo, and the feature groups."""

from __future__ import annotations

import asyncio
import getpass
import importlib
import sys

import click

from .settings import get_settings


@click.group()
def main() -> None:
    """Club webboard operator commands."""


@main.command()
def migrate() -> None:
    """Upgrade the database schema to the latest version."""
    from .migrate import upgrade

    upgrade()
    click.echo("Database is up to date.")


@main.command()
@click.option("--host", default=None, help="Address to bind (default 127.0.0.1).")
@click.option("--port", default=None, type=int, help="Port (default 8000).")
@click.option("--workers", default=None, type=int, help="Worker processes (default 2).")
def serve(host: str | None, port: int | None, workers: int | None) -> None:
    """Migrate the database, then serve the board with Granian."""
    from granian import Granian
    from granian.constants import Interfaces

    from .migrate import upgrade

    from .shared_pages import start_run

    settings = get_settings()
    upgrade()
    start_run(settings.data_dir)  # the workers share their rendered pages (forum.shared_pages)
    host, port = host or settings.server.host, port or settings.server.port
    click.echo(f"Serving the board on http://{host}:{port}")
    Granian("forum.asgi:app", address=host, port=port, interface=Interfaces.ASGI,
            workers=workers or settings.server.workers, log_access=False).serve()


@main.command("create-admin")
@click.option("--login-id", prompt=True)
@click.option("--display-name", prompt=True)
@click.option("--email", prompt=True)
@click.option("--password", default=None, help="Prompted for when omitted.")
def create_admin(login_id: str, display_name: str, email: str, password: str | None) -> None:
    """Create an admin account (or promote an existing login ID)."""
    from .seed import create_admin as make

    password = password or getpass.getpass("Password: ")
    try:
        user = asyncio.run(make(login_id, display_name, email, password))
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Admin '{user}' is ready.")


@main.command("seed-demo")
def seed_demo() -> None:
    """Add demo categories, members and threads (idempotent) and print the accounts."""
    from .migrate import upgrade
    from .seed import seed_demo as seed

    upgrade()
    for line in asyncio.run(seed()):
        click.echo(line)


# Feature command groups live with their features.
for module_name, attribute in (("moderation.commands", "moderation"), ("forum.duplicates.cli", "duplicates"),
                               ("forum.membership_cli", "members"), ("forum.photos.cli", "photos")):
    main.add_command(getattr(importlib.import_module(module_name), attribute))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
