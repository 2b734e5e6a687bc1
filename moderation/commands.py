"""Database-backed moderation commands, attached to the `webboard moderation` group:

    export-decisions   admins' decisions as JSON lines {"text", "labels"} (the retrain format)
    retrain            retrain on corpus + every decision in the database; promote only if the
                       candidate does not regress on the held-out split
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import click
from sqlalchemy.ext.asyncio import AsyncSession

from forum.db import create_engine
from forum.settings import DatabaseSettings, get_settings
from moderation import classifier
from moderation.cli import moderation
from moderation.queue import QueueService


async def load_decisions(url: str) -> list[tuple[str, list[str]]]:
    engine = create_engine(DatabaseSettings(url=url))
    try:
        async with AsyncSession(engine) as session:
            return await QueueService(session, posting=None).decisions()  # type: ignore[arg-type]
    finally:
        await engine.dispose()


_DB_OPTION = click.option("--database-url", default=None, help="Database URL (default: the board's).")


@moderation.command("export-decisions")
@_DB_OPTION
def export_decisions(database_url: str | None) -> None:
    """Print admins' decisions as JSON lines {"text", "labels"} ([] = approved as clean)."""
    for text, labels in asyncio.run(load_decisions(database_url or get_settings().db.url)):
        click.echo(json.dumps({"text": text, "labels": labels}, ensure_ascii=False))


# On the board, `retrain` reads the admins' decisions from the database; the database-free
# variant in moderation.cli (decisions as JSON lines) stays available as --from-file.
moderation.commands.pop("retrain", None)


@moderation.command("retrain")
@_DB_OPTION
@click.option("--from-file", "from_file", type=click.File("r", encoding="utf-8"), default=None,
              help="Read decisions as JSON lines {text, labels} instead of the database.")
@click.option("--model-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Directory holding the model artifact (default: the board's).")
def retrain(database_url: str | None, from_file, model_dir: Path | None) -> None:
    """Retrain on the corpus plus every admin decision (delete/approve) in the database; promote the
    new model only if no label's held-out F1 regresses. Restart the server to load a promoted model."""
    settings = get_settings()
    if from_file is not None:
        decisions = [(str(row["text"]), list(row["labels"])) for row in map(json.loads, filter(str.strip, from_file))]
    else:
        decisions = asyncio.run(load_decisions(database_url or settings.db.url))
    click.echo(f"{len(decisions)} decisions")
    promoted, report = classifier.retrain(decisions, model_dir or settings.moderation.model_dir)
    click.echo(json.dumps(report, ensure_ascii=False, indent=2))
    click.echo("promoted" if promoted else "kept the current model (the candidate regressed)")


__all__ = ("moderation",)
