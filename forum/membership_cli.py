"""`webboard members ...`: membership housekeeping run by the scheduler (cron).

    webboard members inactive            # dry run: who would be noticed or terminated
    webboard members inactive --apply    # send the notices, end the memberships still inactive
"""

from __future__ import annotations

import asyncio
import datetime as dt

import click
from sqlalchemy.ext.asyncio import AsyncSession

from .db import create_engine
from .services.membership import INACTIVITY_GRACE_DAYS, InactivityReport, inactivity_sweep
from .settings import DatabaseSettings, get_settings


@click.group(name="members")
def members() -> None:
    """Membership housekeeping."""


def _moment(value: str | None) -> dt.datetime:
    if not value:
        return dt.datetime.now(dt.timezone.utc)
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("use ISO 8601, e.g. 2028-01-31T09:00:00+07:00", param_hint="--now") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


async def run_inactive(url: str, now: dt.datetime, *, apply: bool, grace_days: int) -> InactivityReport:
    engine = create_engine(DatabaseSettings(url=url))
    try:
        async with AsyncSession(engine, expire_on_commit=False) as session:
            report = await inactivity_sweep(session, now, apply=apply, grace_days=grace_days)
            if apply:
                await session.commit()
            return report
    finally:
        await engine.dispose()


@members.command("inactive")
@click.option("--apply", is_flag=True, help="Act: send notices and end memberships (default: dry run).")
@click.option("--grace-days", default=INACTIVITY_GRACE_DAYS, show_default=True, type=click.IntRange(1, 365),
              help="Days between the notice and the end of a membership still inactive.")
@click.option("--now", "now_text", default=None, help="Pretend it is this moment (ISO 8601; for tests and catch-up).")
@click.option("--database-url", default=None, envvar="DATABASE_URL", help="Database (default: the configured one).")
def inactive(apply: bool, grace_days: int, now_text: str | None, database_url: str | None) -> None:
    """Members with no visit for two years: send the notice, then end the memberships still
    inactive after the grace period. Safe to run daily; a notice is sent once per absence."""
    now = _moment(now_text)
    report = asyncio.run(run_inactive(database_url or get_settings().db.url, now, apply=apply, grace_days=grace_days))
    for line in report.lines():
        click.echo(line)
