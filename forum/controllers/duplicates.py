"""Duplicate detection on the board: live suggestions while composing (an HTML fragment for the
page's script, JSON for the API), the no-script review step before a thread is created,
closing a thread as a duplicate (admins), and the thresholds page."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from litestar import Controller, Request, get, post, put
from litestar.datastructures import State
from litestar.di import Provide
from litestar.params import QueryParameter
from litestar.exceptions import NotFoundException
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_200_OK
from msgspec import Struct
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

import models as m

from ..duplicates.hook import live_index
from ..duplicates.service import (
    MAX_SUGGESTIONS, SETTING_LABELS, DuplicateFound, DuplicateService, load_settings, parse_settings, save_settings,
)
from ..api_schema import Id
from ..errors import DomainError, NotFound
from ..i18n import N_, current_locale
from ..photos import forms as photo_forms
from ..services import reading
from ..services.categories import CategoryService
from ..web import error_text, field_errors, redirect, render
from ..inputs import parse_id


def provide_duplicates(db_session: AsyncSession, state: State) -> DuplicateService:
    return DuplicateService(db_session, live_index(state))


DUPLICATE_DEPENDENCIES = {"duplicates": Provide(provide_duplicates, sync_to_thread=False)}


def _int(value: Any) -> int | None:
    try:
        return parse_id(str(value).strip().lstrip("#").rsplit("/t/", 1)[-1].split("?")[0].split("#")[0])
    except (TypeError, ValueError):
        return None


def _checked(value: Any) -> bool:
    return str(value).lower() in ("1", "true", "on", "yes")


class DuplicateController(Controller):
    include_in_schema = False
    dependencies = DUPLICATE_DEPENDENCIES

    @get("/threads/similar", name="similar_threads_fragment")
    async def fragment(self, request: Request, user: m.User | None, duplicates: DuplicateService,
                       title: str = "", message: Annotated[str, QueryParameter(name="body")] = "",
                       category_id: str | None = None) -> Template:
        """The suggestions box of the compose page, refreshed by static/similar.js as the member types."""
        similar = await duplicates.similar(user, title, message) if user else []
        return Template(template_name="_similar_threads.html", context={
            "similar": [s.json(user) for s in similar], "user": user, "lang": current_locale.get(), "live": True,
        })

    @post("/c/{slug:str}/new/review", name="review_thread", request_max_body_size=photo_forms.request_limit())
    async def review(self, request: Request, slug: str, member: m.User, categories: CategoryService,
                     duplicates: DuplicateService) -> Template | Redirect:
        """Where the compose form posts when the page's script did not run: similar threads are
        shown before the thread is created; with nothing (more) to show, the form goes on to
        /c/{slug}/new (307 keeps the method and the fields)."""
        try:
            category = await categories.by_slug(slug)
        except NotFound:
            raise NotFoundException() from None
        form = dict(await request.form())
        title, body = str(form.get("title", "")), str(form.get("body", ""))
        category_id = _int(form.get("category_id")) or category.id
        try:  # photos processed here come back with the form as tokens
            await photo_forms.read(request, member)
        except DomainError as error:
            return render(request, "thread_form.html", status_code=error.status_code, category=category,
                          all_categories=await categories.list(), form=form, error=error_text(error),
                          errors=field_errors(error))
        try:
            verdict, _ = await duplicates.check_new_thread(
                member, title, body, category_id, form.get("distinct_reason"), _int(form.get("distinct_from_id")))
        except DuplicateFound as error:
            return render(request, "thread_form.html", status_code=error.status_code, category=category,
                          all_categories=await categories.list(), form=form, error=error_text(error),
                          errors=field_errors(error), problem=error)
        if verdict.matches and not _checked(form.get("reviewed")):
            return render(request, "thread_form.html", category=category, all_categories=await categories.list(),
                          form=form, similar=[s.json(member) for s in verdict.matches], reviewed=True)
        return Redirect(f"/c/{slug}/new", status_code=307)

    @get("/t/{thread_id:int}/close-duplicate", name="close_duplicate_form")
    async def close_form(self, request: Request, thread_id: int, admin: m.User, db_session: AsyncSession,
                         duplicates: DuplicateService) -> Template:
        header = await _thread_or_404(db_session, thread_id)
        opening = await _opening_body(db_session, thread_id)
        candidates = await duplicates.similar(admin, header.title, opening, exclude_ids=(thread_id,), min_score=0.0)
        return render(request, "duplicate_close.html", thread=header, candidates=[c.json(admin) for c in candidates],
                      form={"move_replies": "1"})

    @post("/t/{thread_id:int}/close-duplicate", name="close_duplicate")
    async def close(self, request: Request, thread_id: int, admin: m.User, db_session: AsyncSession,
                    duplicates: DuplicateService) -> Template | Redirect:
        header = await _thread_or_404(db_session, thread_id)
        form = dict(await request.form())
        original_id = _int(form.get("original_id_manual")) or _int(form.get("original_id"))
        try:
            result = await duplicates.close_as_duplicate(
                thread_id, original_id, admin, move_replies=_checked(form.get("move_replies")),
                now=dt.datetime.now(dt.timezone.utc))
        except DomainError as error:
            opening = await _opening_body(db_session, thread_id)
            candidates = await duplicates.similar(admin, header.title, opening, exclude_ids=(thread_id,), min_score=0.0)
            return render(request, "duplicate_close.html", status_code=error.status_code, thread=header,
                          candidates=[c.json(admin) for c in candidates], form=form, error=error_text(error),
                          errors=field_errors(error))
        if result.moved:
            return redirect(request, f"/t/{result.original.id}", N_("Closed as a duplicate; its replies were moved here."))
        return redirect(request, f"/t/{thread_id}", N_("Closed as a duplicate."))

    @get("/admin/duplicates", name="admin_duplicates")
    async def settings_page(self, request: Request, admin: m.User, db_session: AsyncSession,
                            duplicates: DuplicateService) -> Template:
        current = await load_settings(db_session)
        return render(request, "admin_duplicates.html", form=current.value(), labels=SETTING_LABELS,
                      stats=duplicates.live.stats())

    @post("/admin/duplicates", name="admin_duplicates_save")
    async def save_settings_page(self, request: Request, admin: m.User, db_session: AsyncSession,
                                 duplicates: DuplicateService) -> Template | Redirect:
        form = dict(await request.form())
        try:
            await save_settings(db_session, parse_settings(form))
        except DomainError as error:
            return render(request, "admin_duplicates.html", status_code=error.status_code, form=form,
                          labels=SETTING_LABELS, stats=duplicates.live.stats(), error=error_text(error),
                          errors=field_errors(error))
        return redirect(request, "/admin/duplicates", "Duplicate detection settings saved.")


class CloseAsDuplicate(Struct):
    original_id: Id
    move_replies: bool = True


class ThresholdsData(Struct):
    suggest_threshold: float
    repost_threshold: float
    duplicate_threshold: float
    crosspost_threshold: float


class DuplicateApiController(Controller):
    path = "/api"
    tags = ["duplicates"]
    dependencies = DUPLICATE_DEPENDENCIES

    @get("/threads/similar")
    async def similar(self, member: m.User, duplicates: DuplicateService, title: str = "",
                      message: Annotated[str, QueryParameter(name="body")] = "",
                      category_id: int | None = None) -> dict[str, Any]:
        """Up to 5 similar threads the member may read, best first, and whether posting this text
        now would be stopped (verdict: crosspost, repost, duplicate or null)."""
        verdict = await duplicates.verdict(member, title, message, category_id)
        return verdict.json(member)

    @post("/threads/{thread_id:int}/close-as-duplicate", status_code=HTTP_200_OK)
    async def close(self, thread_id: int, admin: m.User, data: CloseAsDuplicate,
                    duplicates: DuplicateService) -> dict[str, Any]:
        result = await duplicates.close_as_duplicate(thread_id, data.original_id, admin, move_replies=data.move_replies,
                                                     now=dt.datetime.now(dt.timezone.utc))
        return {"id": result.thread.id, "duplicate_of_id": result.original.id, "changed": result.changed,
                "moved_replies": result.moved, "reply_count": result.thread.reply_count,
                "original_reply_count": result.original.reply_count}

    @get("/admin/duplicates/settings")
    async def get_settings(self, admin: m.User, db_session: AsyncSession) -> dict[str, Any]:
        return (await load_settings(db_session)).value()

    @put("/admin/duplicates/settings")
    async def put_settings(self, admin: m.User, data: ThresholdsData, db_session: AsyncSession) -> dict[str, Any]:
        values = {f: getattr(data, f) for f in data.__struct_fields__}
        return (await save_settings(db_session, parse_settings(values))).value()


async def _thread_or_404(db_session: AsyncSession, thread_id: int) -> Any:
    header = await reading.thread_header(db_session, thread_id)
    if header is None or header.visibility == m.Visibility.DELETED:
        raise NotFoundException()
    return header


async def _opening_body(db_session: AsyncSession, thread_id: int) -> str:
    body = await db_session.scalar(
        select(m.Post.body_raw).where(m.Post.thread_id == thread_id, m.Post.is_opening.is_(True)))
    return body or ""


__all__ = ["DuplicateApiController", "DuplicateController", "MAX_SUGGESTIONS"]
