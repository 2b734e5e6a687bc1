"""Ask Guru pages under /guru: the question list with filters, asking, a question with its guru
answers, accepting and helpful marks, the guru inbox, guru profiles; admin pages under /admin/guru."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.response import Redirect, Template
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

import models as m
from forum.access import hidden_category_ids
from forum.db import commit_now
from forum.errors import DomainError, NotFound, ValidationFailed
from forum.i18n import N_
from forum.services.categories import CategoryService
from forum.services.posting import PostingService
from forum.settings import Settings
from forum.photos import forms as photo_forms
from forum.photos import service as photo_service
from forum.web import error_text, field_errors, redirect, render

from . import disclaimers, queries
from .deps import GURU_DEPENDENCIES, parse_ids, parse_int
from .services import GuruService, QuestionExtras, profile_for, question_link


async def areas_for(session: AsyncSession, categories: CategoryService, viewer: m.User | None) -> list[m.Category]:
    hidden = await hidden_category_ids(session, viewer)
    return [c for c in await categories.list() if c.id not in hidden]


async def visible_question(session: AsyncSession, thread_id: int, viewer: m.User | None) -> Any:
    row = await queries.question_row(session, thread_id)
    if row is None or not PostingService.thread_visible_to(row, viewer) or row.category_id in await hidden_category_ids(session, viewer):
        raise NotFoundException()
    return row


class GuruController(Controller):
    path = "/guru"
    include_in_schema = False
    dependencies = GURU_DEPENDENCIES

    @get("/", name="guru_index")
    async def index(
        self, request: Request, user: m.User | None, db_session: AsyncSession, categories: CategoryService,
        settings: Settings, status: str | None = None, area: str | None = None, guru: str | None = None,
        after: str | None = None,
    ) -> Template:
        filters = queries.QuestionFilter(status, parse_int(area), parse_int(guru)).clean()
        page = await queries.questions(db_session, user, filters, limit=settings.board.threads_per_page, after=after)
        return render(request, "guru/index.html", page=page, filters=filters, after=after,
                      areas=await areas_for(db_session, categories, user), gurus=await queries.gurus(db_session))

    @get("/ask", name="guru_ask")
    async def ask_form(self, request: Request, member: m.User, db_session: AsyncSession, categories: CategoryService,
                       guru_service: GuruService, area: str | None = None) -> Template:
        return render(request, "guru/ask.html", areas=await areas_for(db_session, categories, member),
                      form={"area_id": area or ""}, allowance=await guru_service.posting.allowance(member))

    @post("/ask", name="guru_create_question", request_max_body_size=photo_forms.request_limit())
    async def ask(self, request: Request, member: m.User, guru_service: GuruService, db_session: AsyncSession,
                  categories: CategoryService) -> Template | Redirect:
        form = dict(await request.form())
        try:
            photos = await photo_forms.read(request, member)
            area_id = parse_int(form.get("area_id"))
            if area_id is None or area_id in await hidden_category_ids(db_session, member):
                raise ValidationFailed("Please correct the marked fields.", field_errors={"area_id": N_("Choose an area.")})
            thread, _ = await guru_service.ask(
                member, area_id=area_id, title=form.get("title", ""), body=form.get("body", ""),
                extras=QuestionExtras(form.get("car_model"), form.get("car_year"), form.get("mileage_km")),
                distinct_reason=form.get("distinct_reason"), distinct_from_id=parse_int(form.get("distinct_from_id")),
                photos=photos,
            )
        except DomainError as error:
            return render(request, "guru/ask.html", status_code=error.status_code,
                          areas=await areas_for(db_session, categories, member), form=form, error=error_text(error),
                          errors=field_errors(error), problem=error,
                          allowance=await guru_service.posting.allowance(member))
        await commit_now(db_session)
        held = thread.visibility == m.Visibility.HELD
        message = N_("Your question is awaiting review.") if held else N_("Question posted.")
        return redirect(request, question_link(thread.id), message)

    @get("/q/{thread_id:int}", name="guru_question")
    async def question(self, request: Request, thread_id: int, user: m.User | None, db_session: AsyncSession,
                       settings: Settings, after: int | None = None) -> Template:
        row = await visible_question(db_session, thread_id, user)
        return await self._question_page(request, row, user, db_session, settings, after=after)

    @post("/q/{thread_id:int}/answer", name="guru_answer", request_max_body_size=photo_forms.request_limit())
    async def answer(self, request: Request, thread_id: int, member: m.User, guru_service: GuruService,
                     db_session: AsyncSession, settings: Settings) -> Template | Redirect:
        form = dict(await request.form())
        row = await visible_question(db_session, thread_id, member)
        try:
            photos = await photo_forms.read(request, member)
            post_obj, _ = await guru_service.answer(member, thread_id, form.get("body", ""), photos=photos)
        except NotFound:
            raise NotFoundException() from None
        except DomainError as error:
            if error.status_code == 403:
                raise
            return await self._question_page(request, row, member, db_session, settings, status_code=error.status_code,
                                             answer_form=form, answer_error=error_text(error),
                                             answer_errors=field_errors(error))
        await commit_now(db_session)
        held = post_obj.visibility == m.Visibility.HELD
        message = N_("Your answer is awaiting review.") if held else N_("Answer posted.")
        return redirect(request, question_link(thread_id, post_obj.id), message)

    @post("/q/{thread_id:int}/comment", name="guru_comment")
    async def comment(self, request: Request, thread_id: int, member: m.User, guru_service: GuruService,
                      db_session: AsyncSession, settings: Settings) -> Template | Redirect:
        form = dict(await request.form())
        row = await visible_question(db_session, thread_id, member)
        try:
            post_obj = await guru_service.comment(member, thread_id, form.get("body", ""))
        except NotFound:
            raise NotFoundException() from None
        except DomainError as error:
            return await self._question_page(request, row, member, db_session, settings, status_code=error.status_code,
                                             comment_form=form, comment_error=error_text(error),
                                             comment_errors=field_errors(error))
        await commit_now(db_session)
        held = post_obj.visibility == m.Visibility.HELD
        message = N_("Your comment is awaiting review.") if held else N_("Comment posted.")
        return redirect(request, question_link(thread_id, post_obj.id), message)

    @post("/a/{post_id:int}/accept", name="guru_accept")
    async def accept(self, request: Request, post_id: int, member: m.User, guru_service: GuruService) -> Redirect:
        answer = await guru_service.accept(member, post_id)
        return redirect(request, question_link(answer.thread_id, post_id), "Answer accepted.")

    @post("/a/{post_id:int}/helpful", name="guru_helpful")
    async def helpful(self, request: Request, post_id: int, member: m.User, guru_service: GuruService) -> Redirect:
        answer = await guru_service.mark_helpful(member, post_id)
        return redirect(request, question_link(answer.thread_id, post_id), "Marked as helpful. Thank you!")

    @get("/inbox", name="guru_inbox")
    async def inbox(self, request: Request, guru_user: m.User, db_session: AsyncSession, settings: Settings,
                    after: str | None = None) -> Template:
        page = await queries.inbox(db_session, guru_user, limit=settings.board.threads_per_page, after=after)
        areas = (await queries.areas_by_user(db_session, [guru_user.id])).get(guru_user.id, [])
        return render(request, "guru/inbox.html", page=page, areas=areas, after=after)

    @get("/gurus", name="guru_list")
    async def gurus(self, request: Request, user: m.User | None, db_session: AsyncSession) -> Template:
        rows = await queries.gurus(db_session)
        areas = await queries.areas_by_user(db_session, [profile.user_id for profile, _ in rows])
        return render(request, "guru/gurus.html", rows=rows, areas=areas)

    @get("/gurus/{user_id:int}", name="guru_profile")
    async def profile(self, request: Request, user_id: int, user: m.User | None, db_session: AsyncSession) -> Template:
        found = await queries.profile_of(db_session, user_id)
        if found is None:
            raise NotFoundException()
        profile, owner = found
        areas = (await queries.areas_by_user(db_session, [user_id])).get(user_id, [])
        return render(request, "guru/profile.html", profile=profile, owner=owner, areas=areas)

    @get("/profile", name="guru_edit_profile")
    async def edit_profile(self, request: Request, guru_user: m.User, db_session: AsyncSession,
                           categories: CategoryService) -> Template:
        profile = await profile_for(db_session, guru_user)
        form = {"display_name": profile.display_name, "bio": profile.bio}
        return render(request, "guru/profile_edit.html", form=form, areas=await categories.list(),
                      chosen=set(await queries.area_ids(db_session, guru_user.id)))

    @post("/profile", name="guru_update_profile")
    async def update_profile(self, request: Request, guru_user: m.User, guru_service: GuruService,
                             categories: CategoryService) -> Template | Redirect:
        data = await request.form()
        form = dict(data)
        chosen = parse_ids(data.getall("areas") if "areas" in data else [])
        try:
            await guru_service.update_profile(guru_user, display_name=form.get("display_name", ""),
                                              bio=form.get("bio", ""), area_ids=chosen)
        except DomainError as error:
            return render(request, "guru/profile_edit.html", status_code=error.status_code, form=form,
                          areas=await categories.list(), chosen=set(chosen), error=error_text(error),
                          errors=field_errors(error))
        return redirect(request, f"/guru/gurus/{guru_user.id}", "Profile saved.")

    async def _question_page(self, request: Request, row: Any, user: m.User | None, db_session: AsyncSession,
                             settings: Settings, *, after: int | None = None, status_code: int = 200,
                             **context: Any) -> Template:
        page = await queries.question_page(db_session, row, user, limit=settings.board.posts_per_page, after=after)
        post_ids = [p.id for p in [page.opening, *(i["post"] for i in page.answers), *page.comments] if p is not None]
        return render(request, "guru/question.html", status_code=status_code, q=page.question, page=page, after=after,
                      photos=await photo_service.for_posts(db_session, post_ids),
                      current_disclaimer=disclaimers.as_fields(await disclaimers.current(db_session)), **context)


class GuruAdminController(Controller):
    """Admins grant and revoke the guru role and edit the disclaimer (each save is a new version)."""

    path = "/admin/guru"
    include_in_schema = False
    dependencies = GURU_DEPENDENCIES

    @get("/", name="admin_gurus")
    async def index(self, request: Request, admin: m.User, db_session: AsyncSession, categories: CategoryService) -> Template:
        return await self._page(request, db_session, categories)

    @post("/grant", name="admin_grant_guru")
    async def grant(self, request: Request, admin: m.User, guru_service: GuruService, db_session: AsyncSession,
                    categories: CategoryService) -> Template | Redirect:
        data = await request.form()
        form = dict(data)
        login_id = (form.get("login_id") or "").strip().casefold()
        try:
            user_id = await db_session.scalar(select(m.User.id).where(m.User.login_id == login_id))
            if user_id is None:
                raise NotFound("Member not found.", field_errors={"login_id": N_("No member has this login ID.")})
            await guru_service.grant(admin, user_id, parse_ids(data.getall("areas") if "areas" in data else []))
        except DomainError as error:
            return await self._page(request, db_session, categories, status_code=error.status_code, form=form,
                                    error=error_text(error), errors=field_errors(error))
        return redirect(request, "/admin/guru/", "Guru role granted.")

    @post("/{user_id:int}/revoke", name="admin_revoke_guru")
    async def revoke(self, request: Request, user_id: int, admin: m.User, guru_service: GuruService) -> Redirect:
        await guru_service.revoke(admin, user_id)
        return redirect(request, "/admin/guru/", "Guru role revoked. Their answers keep their disclaimer.")

    @get("/disclaimer", name="admin_guru_disclaimer")
    async def disclaimer(self, request: Request, admin: m.User, db_session: AsyncSession) -> Template:
        versions = await disclaimers.history(db_session)
        latest = versions[0]
        return render(request, "guru/admin_disclaimer.html", versions=versions,
                      form={"text_th": latest.text_th, "text_en": latest.text_en})

    @post("/disclaimer", name="admin_update_guru_disclaimer")
    async def update_disclaimer(self, request: Request, admin: m.User, db_session: AsyncSession) -> Template | Redirect:
        form = dict(await request.form())
        before = (await disclaimers.current(db_session)).version
        try:
            saved = await disclaimers.publish(db_session, admin, text_th=form.get("text_th", ""),
                                              text_en=form.get("text_en", ""))
        except DomainError as error:
            return render(request, "guru/admin_disclaimer.html", status_code=error.status_code,
                          versions=await disclaimers.history(db_session), form=form, error=error_text(error),
                          errors=field_errors(error))
        message = N_("Disclaimer saved as a new version.") if saved.version != before else N_("The disclaimer is unchanged.")
        return redirect(request, "/admin/guru/disclaimer", message)

    async def _page(self, request: Request, db_session: AsyncSession, categories: CategoryService,
                    status_code: int = 200, **context: Any) -> Template:
        rows = await queries.gurus(db_session)
        context.setdefault("form", {})
        return render(request, "guru/admin_gurus.html", status_code=status_code, rows=rows,
                      areas=await queries.areas_by_user(db_session, [p.user_id for p, _ in rows]),
                      all_areas=await categories.list(), **context)
