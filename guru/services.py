"""Ask Guru's rules: asking (through the one posting path), answering (gurus only), accepting
(the asker, one answer per question), helpful marks (once per member), the guru role and profile.

Every post a guru writes is recorded as a guru answer when it is created (`record_answer`, run
from the "post.created" event), so its disclaimer version is fixed then and survives a revoked
role. Services never commit; the request does."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Sequence

from sqlalchemy import and_, delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

import models as m
from forum import events
from forum.errors import Conflict, Forbidden, NotFound, ValidationFailed
from forum.i18n import N_
from forum.services import notifications
from forum.services.accounts import utcnow
from forum.services.membership import clean_display_name
from forum.access import can_read_post, can_read_thread
from forum.services.posting import PostingService, can_post

from . import disclaimers

# The asker is told when a guru answers and when an answer is accepted; the guru, when theirs is.
notifications.register_kind("guru.answered", N_("A guru answered your question"),
                            N_("{guru} answered your question “{title}”."))
notifications.register_kind("guru.accepted", N_("You accepted an answer"),
                            N_("You accepted {guru}'s answer to “{title}”. Thank you!"))
notifications.register_kind("guru.answer_accepted", N_("Your answer was accepted"),
                            N_("{asker} accepted your answer to “{title}”."))

CAR_MODEL_MAX = 100
BIO_MAX = 1000
MILEAGE_MAX = 5_000_000
FIRST_CAR_YEAR = 1950


@dataclass
class QuestionExtras:
    """The optional car details of a question, as typed."""

    car_model: str | None = None
    car_year: str | int | None = None
    mileage_km: str | int | None = None


def question_link(thread_id: int, post_id: int | None = None) -> str:
    return f"/guru/q/{thread_id}" + (f"#p{post_id}" if post_id else "")


def parse_extras(extras: QuestionExtras, today: dt.date) -> tuple[str | None, int | None, int | None]:
    errors: dict[str, str] = {}
    model = " ".join(str(extras.car_model or "").split()) or None
    if model and len(model) > CAR_MODEL_MAX:
        errors["car_model"] = N_("The car model is longer than 100 characters.")
    year = _optional_int(extras.car_year)
    if year is False or (isinstance(year, int) and not FIRST_CAR_YEAR <= year <= today.year + 1):
        errors["car_year"] = N_("Enter the car's year as four digits, e.g. 2019.")
    mileage = _optional_int(str(extras.mileage_km or "").replace(",", "").replace(" ", ""))
    if mileage is False or (isinstance(mileage, int) and not 0 <= mileage <= MILEAGE_MAX):
        errors["mileage_km"] = N_("Enter the mileage in kilometres as a whole number.")
    if errors:
        raise ValidationFailed("Please correct the marked fields.", field_errors=errors)
    return model, year or None, mileage  # type: ignore[return-value]


def _optional_int(value: str | int | None) -> int | None | bool:
    """None when empty, the number, or False when it is not a whole number."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        return int(str(value).strip())
    except ValueError:
        return False


class GuruService:
    def __init__(self, session: AsyncSession, posting: PostingService) -> None:
        self.session = session
        self.posting = posting

    # -- asking and answering ----------------------------------------------------------
    async def ask(
        self, asker: m.User, *, area_id: int, title: str, body: str, extras: QuestionExtras | None = None,
        distinct_reason: str | None = None, distinct_from_id: int | None = None, now: dt.datetime | None = None,
        photos: Sequence[Any] = (),
    ) -> tuple[m.Thread, m.GuruQuestion]:
        """A question is a thread of kind QUESTION in the area's category, made by the posting
        service (duplicate check, moderation); its car details go in guru_questions."""
        model, year, mileage = parse_extras(extras or QuestionExtras(), (now or utcnow()).date())
        thread, _ = await self.posting.create_thread(
            asker, category_id=area_id, title=title, body=body, kind=m.ThreadKind.QUESTION,
            distinct_reason=distinct_reason, distinct_from_id=distinct_from_id, photos=photos,
        )
        question = m.GuruQuestion(thread_id=thread.id, car_model=model, car_year=year, mileage_km=mileage,
                                  asked_at=now or thread.created_at or utcnow(), answer_count=0)
        self.session.add(question)
        await self.session.flush()
        return thread, question

    async def answer(self, guru: m.User, thread_id: int, body: str,
                     photos: Sequence[Any] = ()) -> tuple[m.Post, m.GuruAnswer]:
        """A guru's answer: a reply made by the posting service, recorded as a guru answer with
        the current disclaimer in the same transaction."""
        if not guru.is_guru:
            raise Forbidden("Only gurus can answer questions.")
        thread, _ = await self.question(thread_id, guru)
        post = await self.posting.create_reply(guru, thread_id=thread.id, body=body, photos=photos)
        answer = await record_answer(self.session, post, thread, guru)
        assert answer is not None
        return post, answer

    async def comment(self, member: m.User, thread_id: int, body: str) -> m.Post:
        """A member's comment on a question (a guru's comment is an answer, like any guru post)."""
        thread, _ = await self.question(thread_id, member)
        return await self.posting.create_reply(member, thread_id=thread.id, body=body)

    async def question(self, thread_id: int, viewer: m.User | None) -> tuple[m.Thread, m.GuruQuestion]:
        row = (await self.session.execute(
            select(m.Thread, m.GuruQuestion).join(m.GuruQuestion, m.GuruQuestion.thread_id == m.Thread.id)
            .where(m.Thread.id == thread_id)
        )).first()
        if row is None or not await can_read_thread(self.session, viewer, row[0]):
            raise NotFound("Question not found.")
        return row[0], row[1]

    # -- accepting and helpful marks ---------------------------------------------------
    async def accept(self, asker: m.User, post_id: int, now: dt.datetime | None = None) -> m.GuruAnswer:
        """Marks one guru answer as the accepted one; accepting another moves the mark."""
        if reason := can_post(asker, now or utcnow()):
            raise Forbidden(reason)
        answer, post, thread = await self._published_answer(post_id, asker)
        if thread.kind != m.ThreadKind.QUESTION:
            raise NotFound("Answer not found.")
        if thread.author_id != asker.id:
            raise Forbidden("Only the member who asked can accept an answer.")
        # Lock the question so two accepts at once end with one mark, not a constraint error.
        question = await self.session.scalar(
            select(m.GuruQuestion).where(m.GuruQuestion.thread_id == thread.id).with_for_update()
        )
        if question is None:
            raise NotFound("Question not found.")
        if answer.is_accepted:
            return answer
        previous_guru = await self.session.scalar(
            select(m.GuruAnswer.guru_id).where(m.GuruAnswer.thread_id == thread.id, m.GuruAnswer.is_accepted.is_(True))
        )
        # Two statements: the unique index allows one accepted answer at every moment.
        await self.session.execute(
            update(m.GuruAnswer).where(m.GuruAnswer.thread_id == thread.id, m.GuruAnswer.is_accepted.is_(True))
            .values(is_accepted=False).execution_options(synchronize_session="fetch")
        )
        await self.session.execute(
            update(m.GuruAnswer).where(m.GuruAnswer.id == answer.id).values(is_accepted=True)
            .execution_options(synchronize_session="fetch")
        )
        await self.session.refresh(answer)
        question.accepted_post_id = post.id
        await refresh_counts(self.session, thread.id, {answer.guru_id, *([previous_guru] if previous_guru else [])})
        answerer = await self.session.get(m.User, answer.guru_id)
        assert answerer is not None
        await events.emit("guru.answer_accepted", self.session, answer=post, question=thread, asker=asker,
                          answerer=answerer)
        name = await guru_name(self.session, answerer)
        link = question_link(thread.id, post.id)
        await notifications.notify(self.session, asker, "guru.accepted", {"guru": name, "title": thread.title}, link)
        if answerer.id != asker.id:
            await notifications.notify(self.session, answerer, "guru.answer_accepted",
                                       {"asker": asker.display_name, "title": thread.title}, link)
        return answer

    async def mark_helpful(self, marker: m.User, post_id: int, now: dt.datetime | None = None) -> m.GuruAnswer:
        if reason := can_post(marker, now or utcnow()):  # suspended or ended: no marks either
            raise Forbidden(reason)
        answer, post, _ = await self._published_answer(post_id, marker)
        if post.author_id == marker.id:
            raise Forbidden("You cannot mark your own answer as helpful.")
        exists = await self.session.scalar(select(m.GuruHelpfulMark.id).where(
            m.GuruHelpfulMark.post_id == post.id, m.GuruHelpfulMark.user_id == marker.id))
        if exists:
            raise Conflict("You have already marked this answer as helpful.")
        try:
            async with self.session.begin_nested():
                self.session.add(m.GuruHelpfulMark(post_id=post.id, user_id=marker.id, marked_at=now or utcnow()))
        except IntegrityError:  # the same member, twice at once
            raise Conflict("You have already marked this answer as helpful.") from None
        await self.session.execute(
            update(m.GuruAnswer).where(m.GuruAnswer.id == answer.id)
            .values(helpful_count=m.GuruAnswer.helpful_count + 1).execution_options(synchronize_session="fetch")
        )
        await self.session.refresh(answer)
        answerer = await self.session.get(m.User, answer.guru_id)
        await events.emit("guru.answer_marked_helpful", self.session, answer=post, marker=marker, answerer=answerer)
        return answer

    async def _published_answer(self, post_id: int, viewer: m.User) -> tuple[m.GuruAnswer, m.Post, m.Thread]:
        row = (await self.session.execute(
            select(m.GuruAnswer, m.Post, m.Thread).join(m.Post, m.Post.id == m.GuruAnswer.post_id)
            .join(m.Thread, m.Thread.id == m.GuruAnswer.thread_id).where(m.GuruAnswer.post_id == post_id)
        )).first()
        if (row is None or row[1].visibility != m.Visibility.PUBLISHED
                or not await can_read_post(self.session, viewer, row[1], row[2])):
            raise NotFound("Answer not found.")  # a gated answer is "not found", like one that is not there
        return row[0], row[1], row[2]

    # -- the guru role and profile -----------------------------------------------------
    async def grant(self, admin: m.User, user_id: int, area_ids: list[int] | None = None) -> m.GuruProfile:
        user = await self.session.get(m.User, user_id)
        if user is None:
            raise NotFound("Member not found.")
        if user.status in (m.MemberStatus.REVOKED, m.MemberStatus.RESIGNED):
            raise Conflict("This membership has ended.")
        if user.is_admin:
            raise Conflict("Admins cannot be gurus; an admin account has one role.")
        user.role = m.Role.GURU
        profile = await profile_for(self.session, user)
        if area_ids is not None:
            await self._set_areas(user.id, area_ids)
        return profile

    async def revoke(self, admin: m.User, user_id: int) -> m.User:
        """Ends the role; the profile and every answer written as a guru (with its disclaimer) stay."""
        user = await self.session.get(m.User, user_id)
        if user is None:
            raise NotFound("Member not found.")
        if not user.is_guru:
            raise Conflict("This member is not a guru.")
        user.role = m.Role.MEMBER
        return user

    async def update_profile(self, guru: m.User, *, display_name: str, bio: str, area_ids: list[int]) -> m.GuruProfile:
        if not guru.is_guru:
            raise Forbidden("Only gurus have a guru profile.")
        profile = await profile_for(self.session, guru)
        # The same name rule as registration and /profile (club rule 6: no one else's real name).
        name, name_problem = await clean_display_name(self.session, display_name, guru.id,
                                                      current=profile.display_name)
        bio = (bio or "").strip()
        errors = {}
        if name_problem:
            errors["display_name"] = name_problem
        if len(bio) > BIO_MAX:
            errors["bio"] = N_("The bio is longer than 1,000 characters.")
        if errors:
            raise ValidationFailed("Please correct the marked fields.", field_errors=errors)
        profile.display_name, profile.bio = name, bio
        await self._set_areas(guru.id, area_ids)
        return profile

    async def _set_areas(self, user_id: int, area_ids: list[int]) -> None:
        wanted = set(area_ids)
        known = set((await self.session.scalars(select(m.Category.id).where(m.Category.id.in_(wanted)))).all()) if wanted else set()
        if wanted - known:
            raise ValidationFailed("Choose areas from the list.", field_errors={"areas": N_("Choose areas from the list.")})
        await self.session.execute(delete(m.GuruArea).where(m.GuruArea.user_id == user_id))
        self.session.add_all(m.GuruArea(user_id=user_id, category_id=category_id) for category_id in sorted(known))
        await self.session.flush()


async def profile_for(session: AsyncSession, user: m.User) -> m.GuruProfile:
    profile = await session.scalar(select(m.GuruProfile).where(m.GuruProfile.user_id == user.id))
    if profile is None:
        profile = m.GuruProfile(user_id=user.id, display_name=user.display_name, bio="", answer_count=0,
                                accepted_count=0)
        session.add(profile)
        await session.flush()
    return profile


async def guru_name(session: AsyncSession, user: m.User) -> str:
    name = await session.scalar(select(m.GuruProfile.display_name).where(m.GuruProfile.user_id == user.id))
    return name or user.display_name


# -- recording answers: called from the "post.created" and "post.visibility_changed" events --
async def record_answer(session: AsyncSession, post: m.Post, thread: m.Thread, author: m.User,
                        now: dt.datetime | None = None) -> m.GuruAnswer | None:
    """Records a reply written by a guru (now, while they are one) with the current disclaimer
    version; idempotent. A published answer to a question is announced at once."""
    existing = await session.scalar(select(m.GuruAnswer).where(m.GuruAnswer.post_id == post.id))
    if existing is not None:
        return existing
    if not author.is_guru or post.is_opening:
        return None
    disclaimer = await disclaimers.current(session)
    answer = m.GuruAnswer(post_id=post.id, thread_id=thread.id, guru_id=author.id, disclaimer_id=disclaimer.id,
                          is_accepted=False, helpful_count=0)
    session.add(answer)
    await session.flush()
    if post.visibility == m.Visibility.PUBLISHED:
        await announce(session, answer, post, thread, now)
    return answer


async def announce(session: AsyncSession, answer: m.GuruAnswer, post: m.Post, thread: m.Thread,
                   now: dt.datetime | None = None) -> None:
    """Once an answer is published: counters, the event, and the asker's notification."""
    if answer.announced_at is not None:
        return
    answer.announced_at = now or utcnow()
    if thread.kind != m.ThreadKind.QUESTION:
        return
    await refresh_counts(session, thread.id, {answer.guru_id})
    guru = await session.get(m.User, answer.guru_id)
    asker = await session.get(m.User, thread.author_id)
    assert guru is not None and asker is not None
    await events.emit("guru.answer_posted", session, answer=post, question=thread, guru=guru)
    if asker.id != guru.id:
        await notifications.notify(session, asker, "guru.answered",
                                   {"guru": await guru_name(session, guru), "title": thread.title},
                                   question_link(thread.id, post.id))


async def answer_visibility_changed(session: AsyncSession, post: m.Post, thread: m.Thread) -> None:
    answer = await session.scalar(select(m.GuruAnswer).where(m.GuruAnswer.post_id == post.id))
    if answer is None:
        return
    if post.visibility == m.Visibility.PUBLISHED:
        await announce(session, answer, post, thread)
    elif answer.is_accepted:  # a removed answer stops being the accepted one
        answer.is_accepted = False
        await session.flush()
    await refresh_counts(session, thread.id, {answer.guru_id})


async def refresh_counts(session: AsyncSession, thread_id: int, guru_ids: set[int]) -> None:
    """Recounts a question's published guru answers and accepted answer, and the gurus' totals
    over Ask Guru questions (recounting keeps them right after moderation and deletions).
    The question's and the profiles' rows are locked first (PostgreSQL; SQLite's writer holds
    the database), so two answers saved at once count each other instead of both writing a
    count taken before the other committed."""
    await session.flush()
    published = and_(m.Post.id == m.GuruAnswer.post_id, m.Post.visibility == m.Visibility.PUBLISHED)
    question = await session.scalar(select(m.GuruQuestion).where(m.GuruQuestion.thread_id == thread_id)
                                    .with_for_update().execution_options(populate_existing=True))
    if guru_ids:  # in one order, so two requests never wait on each other's locks
        await session.execute(select(m.GuruProfile.user_id).where(m.GuruProfile.user_id.in_(sorted(guru_ids)))
                              .order_by(m.GuruProfile.user_id).with_for_update())
    if question is not None:
        question.answer_count = await session.scalar(
            select(func.count()).select_from(m.GuruAnswer).join(m.Post, published).where(m.GuruAnswer.thread_id == thread_id)
        ) or 0
        question.accepted_post_id = await session.scalar(
            select(m.GuruAnswer.post_id).join(m.Post, published)
            .where(m.GuruAnswer.thread_id == thread_id, m.GuruAnswer.is_accepted.is_(True))
        )
    for guru_id in sorted(guru_ids):
        user = await session.get(m.User, guru_id)
        if user is None:
            continue
        profile = await profile_for(session, user)
        base = (select(func.count()).select_from(m.GuruAnswer).join(m.Post, published)
                .join(m.GuruQuestion, m.GuruQuestion.thread_id == m.GuruAnswer.thread_id)
                .where(m.GuruAnswer.guru_id == guru_id))
        profile.answer_count = await session.scalar(base) or 0
        profile.accepted_count = await session.scalar(base.where(m.GuruAnswer.is_accepted.is_(True))) or 0
