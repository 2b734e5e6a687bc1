"""Ask Guru's JSON API under /api/guru: the same operations as the pages. Every guru answer
carries its disclaimer as fields (version, text_th, text_en, and text in the requested language)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, delete, get, patch, post
from litestar.exceptions import NotFoundException
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED
from msgspec import Struct
from sqlalchemy.ext.asyncio import AsyncSession

import models as m
from forum.i18n import LOCALES, current_locale
from forum.api_schema import BODY, TITLE, Id, Int32
from forum.settings import Settings

from . import disclaimers, queries
from .controllers import visible_question
from .deps import GURU_DEPENDENCIES
from .services import GuruService, QuestionExtras


class QuestionCreate(Struct):
    area_id: Id
    title: Annotated[str, TITLE]
    body: Annotated[str, BODY]
    car_model: str | None = None
    car_year: Int32 | None = None
    mileage_km: Int32 | None = None
    distinct_reason: str | None = None
    distinct_from_id: Id | None = None


class BodyData(Struct):
    body: Annotated[str, BODY]


class ProfileData(Struct):
    display_name: str
    bio: str = ""
    area_ids: list[Id] = []


class GrantData(Struct):
    user_id: Id
    area_ids: list[Id] | None = None


class DisclaimerData(Struct):
    text_th: str
    text_en: str


def question_json(row: Any) -> dict[str, Any]:
    return {
        "id": row.id, "title": row.title, "visibility": row.visibility.value,
        "area": {"id": row.category_id, "slug": row.area_slug, "name_th": row.area_name_th, "name_en": row.area_name_en},
        "asker": row.asker, "asked_at": row.asked_at.isoformat(), "car_model": row.car_model, "car_year": row.car_year,
        "mileage_km": row.mileage_km, "answer_count": row.answer_count, "accepted_answer_id": row.accepted_post_id,
        "reply_count": row.reply_count,
    }


def post_json(row: Any) -> dict[str, Any]:
    return {"id": row.id, "author": row.author_name, "body": row.body_raw, "body_html": row.body_html,
            "visibility": row.visibility.value, "created_at": row.created_at.isoformat(),
            "edited_at": row.edited_at.isoformat() if row.edited_at else None}


def answer_json(item: dict[str, Any], marked: set[int]) -> dict[str, Any]:
    row = item["post"]
    return post_json(row) | {
        "guru_id": row.guru_id, "guru_name": row.guru_name or row.author_name, "is_accepted": row.is_accepted,
        "helpful_count": row.helpful_count, "marked_helpful": row.id in marked, "disclaimer": item["disclaimer"],
    }


def profile_json(profile: m.GuruProfile, active: bool, areas: list[m.Category]) -> dict[str, Any]:
    return {"user_id": profile.user_id, "display_name": profile.display_name, "bio": profile.bio,
            "answer_count": profile.answer_count, "accepted_count": profile.accepted_count, "active": active,
            "areas": [{"id": c.id, "slug": c.slug, "name_th": c.name_th, "name_en": c.name_en} for c in areas]}


def pick_lang(lang: str | None) -> str:
    return lang if lang in LOCALES else current_locale.get()


class GuruApiController(Controller):
    path = "/api/guru"
    tags = ["guru"]
    dependencies = GURU_DEPENDENCIES

    @get("/questions")
    async def list_questions(self, user: m.User | None, db_session: AsyncSession, settings: Settings,
                             status: str | None = None, area: int | None = None, guru: int | None = None,
                             after: str | None = None) -> dict[str, Any]:
        page = await queries.questions(db_session, user, queries.QuestionFilter(status, area, guru),
                                       limit=settings.board.threads_per_page, after=after)
        return {"questions": [question_json(r) for r in page.items], "next_cursor": page.next_cursor}

    @post("/questions", status_code=HTTP_201_CREATED)
    async def ask(self, member: m.User, data: QuestionCreate, guru_service: GuruService,
                  db_session: AsyncSession) -> dict[str, Any]:
        thread, _ = await guru_service.ask(
            member, area_id=data.area_id, title=data.title, body=data.body,
            extras=QuestionExtras(data.car_model, data.car_year, data.mileage_km),
            distinct_reason=data.distinct_reason, distinct_from_id=data.distinct_from_id,
        )
        row = await queries.question_row(db_session, thread.id)
        return question_json(row)

    @get("/questions/{thread_id:int}")
    async def get_question(self, thread_id: int, user: m.User | None, db_session: AsyncSession, settings: Settings,
                           after: int | None = None, lang: str | None = None) -> dict[str, Any]:
        row = await visible_question(db_session, thread_id, user)
        page = await queries.question_page(db_session, row, user, limit=settings.board.posts_per_page, after=after,
                                           locale=pick_lang(lang))
        return {"question": question_json(row) | ({"body": page.opening.body_raw, "body_html": page.opening.body_html}
                                                   if page.opening else {}),
                "answers": [answer_json(a, page.helpful_marked) for a in page.answers],
                "comments": [post_json(c) for c in page.comments], "next_after": page.next_after}

    @post("/questions/{thread_id:int}/answers", status_code=HTTP_201_CREATED)
    async def answer(self, thread_id: int, member: m.User, data: BodyData, guru_service: GuruService,
                     db_session: AsyncSession) -> dict[str, Any]:
        post_obj, answer = await guru_service.answer(member, thread_id, data.body)
        version = await db_session.get(m.GuruDisclaimer, answer.disclaimer_id)
        assert version is not None
        return {"id": post_obj.id, "thread_id": thread_id, "visibility": post_obj.visibility.value,
                "body_html": post_obj.body_html, "disclaimer": disclaimers.as_fields(version)}

    @post("/questions/{thread_id:int}/comments", status_code=HTTP_201_CREATED)
    async def comment(self, thread_id: int, member: m.User, data: BodyData, guru_service: GuruService) -> dict[str, Any]:
        post_obj = await guru_service.comment(member, thread_id, data.body)
        return {"id": post_obj.id, "thread_id": thread_id, "visibility": post_obj.visibility.value}

    @post("/answers/{post_id:int}/accept", status_code=HTTP_200_OK)
    async def accept(self, post_id: int, member: m.User, guru_service: GuruService) -> dict[str, Any]:
        answer = await guru_service.accept(member, post_id)
        return {"id": post_id, "question_id": answer.thread_id, "is_accepted": answer.is_accepted}

    @post("/answers/{post_id:int}/helpful", status_code=HTTP_200_OK)
    async def helpful(self, post_id: int, member: m.User, guru_service: GuruService) -> dict[str, Any]:
        answer = await guru_service.mark_helpful(member, post_id)
        return {"id": post_id, "helpful_count": answer.helpful_count, "marked_helpful": True}

    @get("/inbox")
    async def inbox(self, guru_user: m.User, db_session: AsyncSession, settings: Settings,
                    after: str | None = None) -> dict[str, Any]:
        page = await queries.inbox(db_session, guru_user, limit=settings.board.threads_per_page, after=after)
        return {"questions": [question_json(r) | {"answered_by_me": bool(r.answered_by_me)} for r in page.items],
                "next_cursor": page.next_cursor}

    @get("/gurus")
    async def gurus(self, db_session: AsyncSession) -> list[dict[str, Any]]:
        rows = await queries.gurus(db_session)
        areas = await queries.areas_by_user(db_session, [p.user_id for p, _ in rows])
        return [profile_json(p, True, areas.get(p.user_id, [])) for p, _ in rows]

    @get("/gurus/{user_id:int}")
    async def guru_profile(self, user_id: int, db_session: AsyncSession) -> dict[str, Any]:
        found = await queries.profile_of(db_session, user_id)
        if found is None:
            raise NotFoundException()
        profile, owner = found
        areas = (await queries.areas_by_user(db_session, [user_id])).get(user_id, [])
        return profile_json(profile, owner.is_guru, areas)

    @patch("/profile")
    async def update_profile(self, guru_user: m.User, data: ProfileData, guru_service: GuruService,
                             db_session: AsyncSession) -> dict[str, Any]:
        profile = await guru_service.update_profile(guru_user, display_name=data.display_name, bio=data.bio,
                                                    area_ids=data.area_ids)
        areas = (await queries.areas_by_user(db_session, [guru_user.id])).get(guru_user.id, [])
        return profile_json(profile, True, areas)

    @post("/gurus", status_code=HTTP_200_OK)
    async def grant(self, admin: m.User, data: GrantData, guru_service: GuruService,
                    db_session: AsyncSession) -> dict[str, Any]:
        profile = await guru_service.grant(admin, data.user_id, data.area_ids)
        areas = (await queries.areas_by_user(db_session, [data.user_id])).get(data.user_id, [])
        return profile_json(profile, True, areas)

    @delete("/gurus/{user_id:int}", status_code=HTTP_200_OK)
    async def revoke(self, user_id: int, admin: m.User, guru_service: GuruService) -> dict[str, Any]:
        user = await guru_service.revoke(admin, user_id)
        return {"user_id": user.id, "role": user.role.value}

    @get("/disclaimer")
    async def disclaimer(self, db_session: AsyncSession, lang: str | None = None) -> dict[str, Any]:
        return disclaimers.as_fields(await disclaimers.current(db_session), pick_lang(lang))

    @post("/disclaimer", status_code=HTTP_201_CREATED)
    async def update_disclaimer(self, admin: m.User, data: DisclaimerData, db_session: AsyncSession) -> dict[str, Any]:
        return disclaimers.as_fields(await disclaimers.publish(db_session, admin, text_th=data.text_th,
                                                               text_en=data.text_en))
