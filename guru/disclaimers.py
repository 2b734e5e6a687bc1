"""The disclaimer shown under every guru answer: versioned texts (admins add versions, never
overwrite one), the version a new answer gets, and the notes the webboard shows under posts."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

import models as m
from forum import post_notes
from forum.errors import ValidationFailed
from forum.i18n import N_, current_locale

# Version 1, also inserted by migration 0004. Rules 9 and 10 of the club's posting rules.
DEFAULT_TH = (
    "คำตอบนี้เป็นความคิดเห็นและประสบการณ์ส่วนตัวของกูรู เป็นเพียงคำแนะนำเบื้องต้นเท่านั้น "
    "ไม่ใช่คำแนะนำของบริษัทหรือผู้ดูแลเว็บไซต์ กรุณาตรวจสอบกับศูนย์บริการที่ได้รับการแต่งตั้งซึ่งท่านใช้บริการอยู่ก่อนดำเนินการใด ๆ "
    "บริษัทไม่รับผิดชอบต่อความเสียหายใด ๆ ที่เกิดจากการปฏิบัติตามคำตอบนี้ หรือจากการซ่อมด้วยตนเอง "
    "หรือการซ่อมที่อู่ซึ่งไม่ใช่ศูนย์บริการที่ได้รับการแต่งตั้ง ความเสียหายดังกล่าวเป็นความรับผิดชอบของสมาชิกเอง"
)
DEFAULT_EN = (
    "This answer is the guru's personal opinion and experience, given as preliminary advice only. "
    "It is not advice from the company or the club operator. Please confirm with the authorised service centre "
    "where your car is serviced before acting on it. The company accepts no liability for any damage arising from "
    "following this answer, or from do-it-yourself work or repairs at a non-authorised workshop; such damage is "
    "the member's own responsibility."
)
TEXT_MAX = 2000
NOTE_KEY = "guru_disclaimer"
NOTE_TEMPLATE = "guru/_disclaimer.html"


async def current(session: AsyncSession) -> m.GuruDisclaimer:
    """The newest version; version 1 (the default texts) is made if the table is empty."""
    latest = await session.scalar(select(m.GuruDisclaimer).order_by(m.GuruDisclaimer.version.desc()).limit(1))
    if latest is None:
        latest = m.GuruDisclaimer(version=1, text_th=DEFAULT_TH, text_en=DEFAULT_EN)
        session.add(latest)
        await session.flush()
    return latest


async def history(session: AsyncSession) -> list[m.GuruDisclaimer]:
    await current(session)
    return list((await session.scalars(select(m.GuruDisclaimer).order_by(m.GuruDisclaimer.version.desc()))).all())


async def publish(session: AsyncSession, admin: m.User, *, text_th: str, text_en: str) -> m.GuruDisclaimer:
    """Saves edited texts as the next version; answers already written keep theirs."""
    texts = {"text_th": (text_th or "").strip(), "text_en": (text_en or "").strip()}
    errors = {}
    for key, value in texts.items():
        if not value:
            errors[key] = N_("The disclaimer text is empty.")
        elif len(value) > TEXT_MAX:
            errors[key] = N_("The disclaimer is longer than 2,000 characters.")
    if errors:
        raise ValidationFailed("Please correct the marked fields.", field_errors=errors)
    latest = await current(session)
    if (latest.text_th, latest.text_en) == (texts["text_th"], texts["text_en"]):
        return latest
    number = (await session.scalar(select(func.max(m.GuruDisclaimer.version))) or 0) + 1
    version = m.GuruDisclaimer(version=number, created_by_id=admin.id, **texts)
    session.add(version)
    await session.flush()
    return version


def as_fields(disclaimer: Any, locale: str | None = None) -> dict[str, Any]:
    """The disclaimer as API fields: both texts, the reader's, and the version."""
    locale = locale or current_locale.get()
    return {"version": disclaimer.version, "text": disclaimer.text(locale), "text_th": disclaimer.text_th,
            "text_en": disclaimer.text_en, "lang": "en" if locale == "en" else "th"}


async def for_posts(session: AsyncSession, post_ids: Iterable[int]) -> dict[int, m.GuruDisclaimer]:
    """The disclaimer version recorded with each of these posts that is a guru answer."""
    ids = list(post_ids)
    if not ids:
        return {}
    rows = await session.execute(
        select(m.GuruAnswer.post_id, m.GuruDisclaimer)
        .join(m.GuruDisclaimer, m.GuruDisclaimer.id == m.GuruAnswer.disclaimer_id)
        .where(m.GuruAnswer.post_id.in_(ids))
    )
    return {post_id: disclaimer for post_id, disclaimer in rows.all()}


# Columns a thread page's post rows carry (forum.services.reading.THREAD_POST_ROW).
RECORDED_FIELDS = frozenset({"guru_disclaimer_version", "guru_disclaimer_th", "guru_disclaimer_en"})


@dataclass(frozen=True)
class RecordedDisclaimer:
    """A disclaimer version read along with the post it was recorded with."""

    version: int
    text_th: str
    text_en: str

    def text(self, locale: str) -> str:
        return self.text_en if locale == "en" else self.text_th


@post_notes.provider
async def webboard_notes(session: AsyncSession, posts: Sequence[Any]) -> dict[int, list[post_notes.PostNote]]:
    """Under every post recorded as a guru answer its own version; under any other post by a
    current guru (written before the role was granted, or an opening post) the current one."""
    recorded: dict[int, Any]
    if all(RECORDED_FIELDS <= set(getattr(p, "_fields", ())) for p in posts):
        recorded = {p.id: RecordedDisclaimer(p.guru_disclaimer_version, p.guru_disclaimer_th, p.guru_disclaimer_en)
                    for p in posts if p.guru_disclaimer_version is not None}
    else:  # rows of another shape: look the recorded versions up
        recorded = await for_posts(session, (p.id for p in posts))
    notes: dict[int, list[post_notes.PostNote]] = {}
    latest: Any = None
    for p in posts:
        disclaimer = recorded.get(p.id)
        if disclaimer is None and getattr(p, "author_role", None) == m.Role.GURU:
            latest = latest or await current(session)
            disclaimer = latest
        if disclaimer is not None:
            notes[p.id] = [post_notes.PostNote(NOTE_KEY, NOTE_TEMPLATE, as_fields(disclaimer))]
    return notes
