"""`webboard photos sweep`: delete photo files nothing may show any more (the servers also
sweep every WEBBOARD_PHOTO_SWEEP_SECONDS)."""

from __future__ import annotations

import asyncio

import click


@click.group()
def photos() -> None:
    """Photos in posts."""


@photos.command()
def sweep() -> None:
    """Remove photos of long-deleted posts, decided registration photos and unreferenced files."""
    from sqlalchemy.ext.asyncio import async_sessionmaker

    from ..db import create_engine
    from ..services.accounts import utcnow
    from ..settings import get_settings
    from .service import sweep as run
    from .storage import storage_for

    async def main() -> str:
        settings = get_settings()
        engine = create_engine(settings.db)
        try:
            async with async_sessionmaker(engine, expire_on_commit=False)() as session:
                result = await run(session, storage_for(settings), settings.photos, utcnow())
        finally:
            await engine.dispose()
        return (f"Photos swept: {result.expired} expired, {result.purged_rows} rows removed, "
                f"{result.deleted_files} files deleted.")

    click.echo(asyncio.run(main()))
