"""Ask Guru's read side: question lists with filters, the guru inbox, a question with its guru
answers apart from members' comments, guru profiles. Keyset pagination throughout."""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, case, exists, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

import models as m
from forum.access import hidden_category_ids
from forum.services.reading import POST_ROW, Cursor, Page

from . import disclaimers
from forum.inputs import in_range

STATUSES: tuple[str, ...] = ("unanswered", "answered", "accepted")
PUBLISHED = m.Visibility.PUBLISHED
asker = aliased(m.User, name="asker")

QUESTION_ROW = (
    select(
        m.Thread.id, m.Thread.title, m.Thread.category_id, m.Thread.reply_count, m.Thread.visibility,
        m.Thread.author_id, m.Thread.is_locked, m.Thread.duplicate_of_id, m.Thread.created_at,
        asker.display_name.label("asker"), asker.status.label("asker_status"),
        m.Category.slug.label("area_slug"), m.Category.name_th.label("area_name_th"),
        m.Category.name_en.label("area_name_en"),
        m.GuruQuestion.asked_at, m.GuruQuestion.answer_count, m.GuruQuestion.accepted_post_id,
        m.GuruQuestion.car_model, m.GuruQuestion.car_year, m.GuruQuestion.mileage_km,
    )
    .join(m.GuruQuestion, m.GuruQuestion.thread_id == m.Thread.id)
    .join(asker, asker.id == m.Thread.author_id)
    .join(m.Category, m.Category.id == m.Thread.category_id)
)


@dataclass(frozen=True)
class QuestionFilter:
    status: str | None = None
    area_id: int | None = None
    guru_id: int | None = None

    def clean(self) -> QuestionFilter:
        return QuestionFilter(self.status if self.status in STATUSES else None, self.area_id, self.guru_id)

    def query_string(self) -> str:
        parts = [f"{key}={value}" for key, value in (("status", self.status), ("area", self.area_id),
                                                      ("guru", self.guru_id)) if value]
        return "&".join(parts)


async def questions(session: AsyncSession, viewer: m.User | None, filters: QuestionFilter, *, limit: int,
                    after: str | None = None) -> Page:
    """Published questions, newest first, filtered by status, area and answering guru."""
    filters = filters.clean()
    query = QUESTION_ROW.where(m.Thread.visibility == PUBLISHED, m.Thread.kind == m.ThreadKind.QUESTION)
    if hidden := await hidden_category_ids(session, viewer):
        query = query.where(m.Thread.category_id.not_in(hidden))
    if filters.status == "unanswered":
        query = query.where(m.GuruQuestion.answer_count == 0)
    elif filters.status == "answered":
        query = query.where(m.GuruQuestion.answer_count > 0)
    elif filters.status == "accepted":
        query = query.where(m.GuruQuestion.accepted_post_id.is_not(None))
    if filters.area_id:
        query = query.where(m.Thread.category_id == filters.area_id)
    if filters.guru_id:
        query = query.where(exists().where(
            m.GuruAnswer.thread_id == m.Thread.id, m.GuruAnswer.guru_id == filters.guru_id,
            m.GuruAnswer.post_id == m.Post.id, m.Post.visibility == PUBLISHED,
        ))
    cursor = Cursor.decode(after)
    if cursor:
        query = query.where(tuple_(m.GuruQuestion.asked_at, m.Thread.id) < tuple_(cursor.at, cursor.id))
    query = query.order_by(m.GuruQuestion.asked_at.desc(), m.Thread.id.desc()).limit(limit + 1)
    rows = list((await session.execute(query)).all())
    has_more = len(rows) > limit
    rows = rows[:limit]
    return Page(rows, next_cursor=Cursor(rows[-1].asked_at, rows[-1].id).encode() if has_more else None,
                prev_cursor=None)


@dataclass(frozen=True)
class InboxCursor:
    """A position in the inbox order: (answered yet, asked at, id), all ascending."""

    answered: int
    at: dt.datetime
    id: int

    def encode(self) -> str:
        raw = f"{self.answered}|{self.at.isoformat()}|{self.id}"
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, value: str | None) -> InboxCursor | None:
        if not value:
            return None
        try:
            answered, at, ident = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode().split("|")
            stamp = dt.datetime.fromisoformat(at)
            if not (in_range(int(ident)) and in_range(int(answered))):
                return None
            return cls(int(answered), stamp if stamp.tzinfo else stamp.replace(tzinfo=dt.timezone.utc), int(ident))
        except (ValueError, UnicodeDecodeError):
            return None


async def area_ids(session: AsyncSession, user_id: int) -> list[int]:
    return list((await session.scalars(select(m.GuruArea.category_id).where(m.GuruArea.user_id == user_id)
                                       .order_by(m.GuruArea.category_id))).all())


async def inbox(session: AsyncSession, guru: m.User, *, limit: int, after: str | None = None) -> Page:
    """Open questions (published, no accepted answer, not closed) in the guru's areas:
    unanswered first, then oldest first."""
    areas = await area_ids(session, guru.id)
    if not areas:
        return Page([], None, None)
    answered = case((m.GuruQuestion.answer_count > 0, 1), else_=0)
    mine = exists().where(m.GuruAnswer.thread_id == m.Thread.id, m.GuruAnswer.guru_id == guru.id)
    query = QUESTION_ROW.add_columns(answered.label("answered"), mine.label("answered_by_me")).where(
        m.Thread.visibility == PUBLISHED, m.Thread.kind == m.ThreadKind.QUESTION, m.Thread.category_id.in_(areas),
        m.GuruQuestion.accepted_post_id.is_(None), m.Thread.is_locked.is_(False), m.Thread.duplicate_of_id.is_(None),
    )
    cursor = InboxCursor.decode(after)
    if cursor:
        query = query.where(tuple_(answered, m.GuruQuestion.asked_at, m.Thread.id) > tuple_(cursor.answered, cursor.at, cursor.id))
    query = query.order_by(answered, m.GuruQuestion.asked_at, m.Thread.id).limit(limit + 1)
    rows = list((await session.execute(query)).all())
    has_more = len(rows) > limit
    rows = rows[:limit]
    last = rows[-1] if rows else None
    return Page(rows, next_cursor=InboxCursor(last.answered, last.asked_at, last.id).encode() if has_more and last else None,
                prev_cursor=None)


def _visible_posts(viewer: m.User | None):
    if viewer is None:
        return m.Post.visibility == PUBLISHED
    if viewer.is_admin:
        return m.Post.visibility != m.Visibility.DELETED
    return or_(m.Post.visibility == PUBLISHED, and_(m.Post.visibility == m.Visibility.HELD, m.Post.author_id == viewer.id))


@dataclass
class QuestionPage:
    question: Any  # a QUESTION_ROW
    opening: Any | None  # the question's own post (a POST_ROW)
    answers: list[dict[str, Any]]  # guru answers: "post" (POST_ROW), "answer" fields, "disclaimer" fields
    comments: list[Any]  # members' comments (POST_ROW), one page
    next_after: int | None
    helpful_marked: set[int] = field(default_factory=set)  # answers this viewer already marked


async def question_row(session: AsyncSession, thread_id: int) -> Any | None:
    return (await session.execute(QUESTION_ROW.where(m.Thread.id == thread_id))).first()


async def question_page(session: AsyncSession, row: Any, viewer: m.User | None, *, limit: int,
                        after: int | None = None, locale: str | None = None) -> QuestionPage:
    thread_id = row.id
    visible = _visible_posts(viewer)
    opening = (await session.execute(POST_ROW.where(m.Post.thread_id == thread_id, m.Post.is_opening.is_(True), visible))).first()
    answer_rows = (await session.execute(
        POST_ROW.add_columns(m.GuruAnswer.is_accepted, m.GuruAnswer.helpful_count, m.GuruAnswer.guru_id,
                             m.GuruProfile.display_name.label("guru_name"),
                             m.GuruProfile.id.label("profile_id"))
        .join(m.GuruAnswer, m.GuruAnswer.post_id == m.Post.id)
        .outerjoin(m.GuruProfile, m.GuruProfile.user_id == m.GuruAnswer.guru_id)
        .where(m.Post.thread_id == thread_id, visible)
        .order_by(m.GuruAnswer.is_accepted.desc(), m.Post.id)
    )).all()
    versions = await disclaimers.for_posts(session, [a.id for a in answer_rows])
    answers = [{"post": a, "disclaimer": disclaimers.as_fields(versions[a.id], locale)} for a in answer_rows]
    guru_posts = select(m.GuruAnswer.post_id).where(m.GuruAnswer.thread_id == thread_id)
    comments_query = POST_ROW.where(m.Post.thread_id == thread_id, m.Post.is_opening.is_(False), visible,
                                    m.Post.id.not_in(guru_posts))
    if after:
        comments_query = comments_query.where(m.Post.id > after)
    comments = list((await session.execute(comments_query.order_by(m.Post.id).limit(limit + 1))).all())
    next_after = comments[limit - 1].id if len(comments) > limit else None
    marked: set[int] = set()
    if viewer is not None and answer_rows:
        marked = set((await session.scalars(select(m.GuruHelpfulMark.post_id).where(
            m.GuruHelpfulMark.user_id == viewer.id, m.GuruHelpfulMark.post_id.in_([a.id for a in answer_rows])))).all())
    return QuestionPage(row, opening, answers, comments[:limit], next_after, marked)


def blank_profile(user: m.User) -> m.GuruProfile:
    """What a guru's profile shows before they (or an admin) fill it in; not saved."""
    return m.GuruProfile(user_id=user.id, display_name=user.display_name, bio="", answer_count=0, accepted_count=0)


async def gurus(session: AsyncSession) -> list[tuple[m.GuruProfile, m.MemberStatus]]:
    """Current gurus with their profiles, by name."""
    rows = await session.execute(
        select(m.User, m.GuruProfile).outerjoin(m.GuruProfile, m.GuruProfile.user_id == m.User.id)
        .where(m.User.role == m.Role.GURU)
    )
    found = [(profile or blank_profile(user), user.status) for user, profile in rows.all()]
    return sorted(found, key=lambda item: (item[0].display_name.casefold(), item[0].user_id))


async def profile_of(session: AsyncSession, user_id: int) -> tuple[m.GuruProfile, m.User] | None:
    """A guru's public profile; a former guru's stays while the membership lasts."""
    user = await session.get(m.User, user_id)
    if user is None:
        return None
    profile = await session.scalar(select(m.GuruProfile).where(m.GuruProfile.user_id == user_id))
    if profile is None:
        return (blank_profile(user), user) if user.is_guru else None
    return profile, user


async def areas_by_user(session: AsyncSession, user_ids: list[int]) -> dict[int, list[m.Category]]:
    if not user_ids:
        return {}
    rows = await session.execute(
        select(m.GuruArea.user_id, m.Category).join(m.Category, m.Category.id == m.GuruArea.category_id)
        .where(m.GuruArea.user_id.in_(user_ids)).order_by(m.Category.position, m.Category.id)
    )
    found: dict[int, list[m.Category]] = {}
    for user_id, category in rows.all():
        found.setdefault(user_id, []).append(category)
    return found
