"""Moderation pages and JSON API: the admin dashboard (/admin), the queue with its actions, the
audit log and thresholds (admins only: 403 for anyone else), and members' reports. Thin: parse,
authorise, call one service method, render or 303."""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar import Controller, Request, get, post, put
from litestar.datastructures import State
from litestar.di import Provide
from litestar.exceptions import NotFoundException
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED
from msgspec import Struct
from sqlalchemy.ext.asyncio import AsyncSession

import models as m
from forum.api_schema import Id, Int32
from forum.errors import DomainError, NotFound, ValidationFailed
from forum.i18n import N_, gettext
from forum.services.accounts import utcnow
from forum.services import membership
from forum.services.categories import CategoryService
from forum.services.posting import PostingService
from forum.photos import moderation as photo_moderation
from forum.web import error_text, field_errors, redirect, render
from moderation import thresholds
from moderation.actions.suspend import DEFAULT_REASON
from moderation.audit import ACTIONS as HISTORY_ACTIONS
from moderation.classifier import LABELS, ModerationModel
from moderation.highlight import highlight
from moderation.queue import ACTIONS, AGES, BULK_ACTIONS, Filters, ItemDetail, QueueService, params_for
from moderation.reports import already_reported, report_post, reportable_post
from moderation.rules import LABEL_NAMES, RULES
from moderation.runtime import model_for
from forum.inputs import parse_id

HISTORY_PAGE = 50
# A ModerationModel; typed loosely because dependency values are validated against their types and
# anything with score/explain/metadata will do (tests run with a deterministic stand-in).
Model = Any
DONE = {
    "approve": N_("Approved: the post is published."),
    "delete": N_("Deleted: the post is removed and its author was told."),
    "edit_and_approve": N_("Edited and approved: the post is published."),
    "suspend": N_("The author is suspended."),
    "revoke": N_("The author's membership is revoked."),
}
UNCHANGED = N_("Nothing changed: the item was already in that state.")


def provide_model(state: State) -> Model:
    model = state.get("moderation_model")
    if model is None:
        model = state.moderation_model = model_for(state.settings.moderation.model_dir)
    return model


def provide_queue(db_session: AsyncSession, state: State, moderation_model: Model) -> QueueService:
    return QueueService(db_session, PostingService(db_session, state.settings, state.post_hooks), moderation_model)


DEPENDENCIES = {
    "moderation_model": Provide(provide_model, sync_to_thread=False),
    "queue": Provide(provide_queue, sync_to_thread=False),
}


# -- presenting -------------------------------------------------------------------------------
def model_summary(model: ModerationModel) -> dict[str, Any]:
    evaluation = model.metadata.get("evaluation") or {}
    return {
        "version": model.version,
        "trained_at": model.metadata.get("trained_at"),
        "labels": {label: evaluation.get("labels", {}).get(label, {}) for label in LABELS},
        "clean_flag_rate": evaluation.get("clean_flag_rate"),
        "extra_examples": model.metadata.get("extra_examples", 0),
    }


def item_json(item: m.ReviewItem) -> dict[str, Any]:
    return {
        "id": item.id, "post_id": item.post_id, "author_id": item.author_id, "status": item.status.value,
        "priority": item.priority, "version": item.version, "flagged": item.flagged, "held": item.held,
        "scores": item.scores, "labels": item.label_list, "report_count": item.report_count,
        "model_version": item.model_version, "rule": item.rule,
        "created_at": item.created_at.isoformat(), "resolved_at": item.resolved_at.isoformat() if item.resolved_at else None,
        "suspended_until": item.suspended_until.isoformat() if item.suspended_until else None,
    }


def row_json(row: Any) -> dict[str, Any]:
    return item_json(row.ReviewItem) | {
        "post": {"id": row.ReviewItem.post_id, "visibility": row.post_visibility.value, "body": row.body_raw,
                 "is_opening": row.is_opening, "created_at": row.posted_at.isoformat()},
        "thread": {"id": row.thread_id, "title": row.thread_title, "link": f"/t/{row.thread_id}"},
        "category": {"id": row.category_id, "slug": row.category_slug, "name_th": row.category_name_th,
                     "name_en": row.category_name_en},
        "author": {"id": row.ReviewItem.author_id, "display_name": row.author_name, "status": row.author_status.value},
    }


def history_json(row: Any) -> dict[str, Any]:
    h = row.ReviewHistory
    return {"id": h.id, "item_id": h.item_id, "action": h.action, "actor": row.actor_name, "actor_id": h.actor_id,
            "post_id": h.post_id, "target_user": row.target_name, "target_user_id": h.target_user_id,
            "before": h.before, "after": h.after, "note": h.note, "at": h.created_at.isoformat()}


def detail_json(detail: ItemDetail) -> dict[str, Any]:
    return item_json(detail.item) | {
        "post": {"id": detail.post.id, "visibility": detail.post.visibility.value, "body": detail.post.body_raw,
                 "is_opening": detail.post.is_opening, "link": f"/t/{detail.thread.id}#p{detail.post.id}"},
        "thread": {"id": detail.thread.id, "title": detail.thread.title, "visibility": detail.thread.visibility.value},
        "category": {"slug": detail.thread.category_slug, "name_th": detail.thread.category_name_th,
                     "name_en": detail.thread.category_name_en},
        "author": {"id": detail.author.id, "display_name": detail.author.display_name,
                   "status": detail.author.status.value,
                   "suspended_until": detail.author.suspended_until.isoformat() if detail.author.suspended_until else None},
        "explanations": detail.explanations,
        "reports": [{"rule": r.rule, "note": r.note, "reporter": r.reporter, "at": r.created_at.isoformat()}
                    for r in detail.reports],
        "history": [history_json(h) for h in detail.history],
    }


def _words(detail: ItemDetail) -> list[str]:
    return [word for words in detail.explanations.values() for word in words]


def _excerpt(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[:limit].rstrip() + "…"


def _common(model: ModerationModel) -> dict[str, Any]:
    return {"rules": RULES, "label_names": LABEL_NAMES, "labels": LABELS, "model_info": model_summary(model),
            "history_actions": HISTORY_ACTIONS, "terms_reasons": membership.REASONS, "default_terms": DEFAULT_REASON}


def _selected(values: list[str]) -> list[tuple[int, str]]:
    items = []
    for value in values:
        ident, _, version = value.partition(":")
        if (number := parse_id(ident)) is not None:
            items.append((number, version))
    return items


# -- HTML -----------------------------------------------------------------------------------
class AdminDashboardController(Controller):
    include_in_schema = False
    dependencies = DEPENDENCIES

    @get("/admin", name="admin_dashboard")
    async def dashboard(self, request: Request, admin: m.User, queue: QueueService,
                        moderation_model: Model) -> Template:
        return render(request, "moderation_dashboard.html", counts=await queue.counts(utcnow()),
                      figures=await queue.decision_figures(), **_common(moderation_model))


class ModerationController(Controller):
    path = "/admin/moderation"
    include_in_schema = False
    dependencies = DEPENDENCIES

    @get("/", name="moderation_queue")
    async def index(self, request: Request, admin: m.User, queue: QueueService, categories: CategoryService,
                    moderation_model: Model, status: str | None = None, label: str | None = None,
                    category: str | None = None, age: str | None = None, page: int = 1) -> Template:
        return await self._queue_page(request, queue, categories, moderation_model,
                                      Filters.parse(status, label, category, age), page)

    async def _queue_page(self, request: Request, queue: QueueService, categories: CategoryService,
                          model: ModerationModel, filters: Filters, page: int, status_code: int = 200,
                          **context: Any) -> Template:
        now = utcnow()
        result = await queue.page(filters, now, page=page, per_page=request.app.state.settings.moderation.queue_page_size)
        rows = []
        for row in result.rows:
            text = f"{row.thread_title}\n{row.body_raw}" if row.is_opening else row.body_raw
            words = [w for label in row.ReviewItem.label_list if label in LABELS for w in model.explain(text, label)]
            rows.append({"row": row, "excerpt": highlight(_excerpt(row.body_raw), words)})
        photo_map = await photo_moderation.for_review(queue.session, [r.ReviewItem.post_id for r in result.rows])
        return render(request, "moderation_queue.html", status_code=status_code, page=result, rows=rows, photo_map=photo_map,
                      filters=filters, ages=list(AGES), categories=await categories.list(),
                      counts=await queue.counts(now), bulk_actions=BULK_ACTIONS, **_common(model), **context)

    @post("/bulk", name="moderation_bulk")
    async def bulk(self, request: Request, admin: m.User, queue: QueueService, categories: CategoryService,
                   moderation_model: Model, db_session: AsyncSession) -> Template | Redirect:
        form = await request.form()
        action = form.get("action", "")
        filters = Filters.parse(form.get("status"), form.get("label"), form.get("category"), form.get("age"))
        try:
            changed = await queue.bulk(action, _selected(form.getall("item") if "item" in form else []), admin,
                                       utcnow(), **params_for(action, form))
        except DomainError as error:
            await _rollback(db_session, admin)  # all or nothing
            return await self._queue_page(request, queue, categories, moderation_model, filters, 1,
                                          status_code=error.status_code, error=error_text(error),
                                          errors=field_errors(error), form=dict(form))
        message = gettext(N_("{count} items done.")).format(count=changed)
        return redirect(request, f"/admin/moderation/?{filters.query_string()}", message)

    @get("/{item_id:int}", name="moderation_item")
    async def item(self, request: Request, item_id: int, admin: m.User, queue: QueueService,
                   moderation_model: Model) -> Template:
        return await self._item_page(request, queue, moderation_model, item_id)

    async def _item_page(self, request: Request, queue: QueueService, model: ModerationModel, item_id: int,
                         status_code: int = 200, **context: Any) -> Template:
        try:
            detail = await queue.detail(item_id)
        except NotFound:
            raise NotFoundException() from None
        limits = await thresholds.current(queue.session, fresh=True)
        context.setdefault("form", {})
        review_photos = (await photo_moderation.for_review(queue.session, [detail.post.id])).get(detail.post.id, [])
        return render(request, "moderation_item.html", status_code=status_code, detail=detail, review_photos=review_photos,
                      marked=highlight(detail.text, _words(detail)), thresholds=limits, **_common(model), **context)

    @post("/{item_id:int}/{action:str}", name="moderation_act")
    async def act(self, request: Request, item_id: int, action: str, admin: m.User, queue: QueueService,
                  moderation_model: Model, db_session: AsyncSession) -> Template | Redirect:
        if action not in ACTIONS:
            raise NotFoundException()
        form = dict(await request.form())
        try:
            if action == "revoke" and not form.get("confirm"):
                raise ValidationFailed("Please correct the marked fields.",
                                       field_errors={"confirm": N_("Tick the box to confirm the revocation.")})
            changed = await queue.act(item_id, action, admin, utcnow(), version=form.get("version"),
                                      **params_for(action, form))
        except NotFound:
            raise NotFoundException() from None
        except DomainError as error:
            await _rollback(db_session, admin)  # nothing half-done; re-read the item as it is now
            return await self._item_page(request, queue, moderation_model, item_id, status_code=error.status_code,
                                         error=error_text(error), errors=field_errors(error), form=form,
                                         failed_action=action)
        target = f"/admin/moderation/{item_id}" if action in ("suspend", "revoke") else "/admin/moderation/"
        return redirect(request, target, DONE[action] if changed else UNCHANGED)

    @get("/history", name="moderation_history")
    async def history(self, request: Request, admin: m.User, queue: QueueService, moderation_model: Model,
                      before: int | None = None, item: int | None = None) -> Template:
        rows = await queue.history(item_id=item, before_id=before, limit=HISTORY_PAGE)
        return render(request, "moderation_history.html", rows=rows, item_id=item,
                      next_before=rows[-1].ReviewHistory.id if len(rows) == HISTORY_PAGE else None,
                      **_common(moderation_model))

    @get("/thresholds", name="moderation_thresholds")
    async def thresholds_form(self, request: Request, admin: m.User, db_session: AsyncSession,
                              moderation_model: Model) -> Template:
        return render(request, "moderation_thresholds.html", values=await thresholds.current(db_session, fresh=True),
                      defaults=thresholds.defaults(), **_common(moderation_model))

    @post("/thresholds", name="moderation_save_thresholds")
    async def save_thresholds(self, request: Request, admin: m.User, db_session: AsyncSession,
                              moderation_model: Model) -> Template | Redirect:
        form = dict(await request.form())
        if form.get("reset"):
            form = {f"{label}.{level}": value for label, levels in thresholds.defaults().items()
                    for level, value in levels.items()}
        try:
            await thresholds.save(db_session, form, admin, utcnow())
        except DomainError as error:
            values = {label: {level: form.get(f"{label}.{level}", "") for level in thresholds.LEVELS} for label in LABELS}
            return render(request, "moderation_thresholds.html", status_code=error.status_code, values=values,
                          defaults=thresholds.defaults(), error=error_text(error), errors=field_errors(error),
                          **_common(moderation_model))
        return redirect(request, "/admin/moderation/thresholds", "Thresholds saved.")


class ReportController(Controller):
    include_in_schema = False

    @get("/p/{post_id:int}/report", name="report_post_form")
    async def form(self, request: Request, post_id: int, member: m.User, db_session: AsyncSession) -> Template:
        post_obj, thread = await _reportable(db_session, post_id, member)
        return render(request, "moderation_report.html", post=post_obj, thread=thread, rules=RULES, form={},
                      already=await already_reported(db_session, post_id, member))

    @post("/p/{post_id:int}/report", name="report_post")
    async def report(self, request: Request, post_id: int, member: m.User, db_session: AsyncSession) -> Template | Redirect:
        post_obj, thread = await _reportable(db_session, post_id, member)
        form = dict(await request.form())
        try:
            await report_post(db_session, member, post_id, rule=form.get("rule"), note=form.get("note"), now=utcnow())
        except DomainError as error:
            await _rollback(db_session, member)
            post_obj, thread = await _reportable(db_session, post_id, member)
            return render(request, "moderation_report.html", status_code=error.status_code, post=post_obj,
                          thread=thread, rules=RULES, form=form, error=error_text(error), errors=field_errors(error),
                          already=await already_reported(db_session, post_id, member))
        return redirect(request, f"/t/{thread.id}#p{post_id}", "Thank you. The admins will review this post.")


async def _rollback(db_session: AsyncSession, user: m.User) -> None:
    """Undoes the failed action before the page is rendered again from fresh reads (the error
    status would roll back anyway; this lets the same request read the state as it is)."""
    await db_session.rollback()
    await db_session.refresh(user)  # the page header shows the logged-in member


async def _reportable(db_session: AsyncSession, post_id: int, member: m.User) -> tuple[m.Post, m.Thread]:
    try:
        return await reportable_post(db_session, post_id, member)
    except NotFound:
        raise NotFoundException() from None


# -- JSON API --------------------------------------------------------------------------------
class ActionData(Struct):
    version: Int32
    rule: str | None = None  # delete: the rule broken
    reason: str | None = None  # delete: told to the author; suspend/revoke: a note for the records
    terms: str | None = None  # suspend/revoke: the reason under the terms (membership.REASONS)
    days: Int32 | None = None
    body: str | None = None
    title: str | None = None

    def get(self, name: str) -> Any:
        return getattr(self, name, None)


class BulkItem(Struct):
    id: Id
    version: Int32


class BulkData(Struct):
    action: str
    items: list[BulkItem]
    rule: str | None = None
    reason: str | None = None

    def get(self, name: str) -> Any:
        return getattr(self, name, None)


class ReportData(Struct):
    rule: str
    note: str | None = None


class ModerationApiController(Controller):
    path = "/api/moderation"
    tags = ["moderation"]
    dependencies = DEPENDENCIES

    @get("/items")
    async def items(self, admin: m.User, queue: QueueService, request: Request, status: str | None = None,
                    label: str | None = None, category: str | None = None, age: str | None = None,
                    page: int = 1) -> dict[str, Any]:
        result = await queue.page(Filters.parse(status, label, category, age), utcnow(), page=page,
                                  per_page=request.app.state.settings.moderation.queue_page_size)
        return {"items": [row_json(r) for r in result.rows], "total": result.total, "page": result.page,
                "pages": result.pages}

    @get("/items/{item_id:int}")
    async def item(self, item_id: int, admin: m.User, queue: QueueService) -> dict[str, Any]:
        return detail_json(await queue.detail(item_id))

    @post("/items/{item_id:int}/{action:str}", status_code=HTTP_200_OK)
    async def act(self, item_id: int, action: str, admin: m.User, queue: QueueService, data: ActionData) -> dict[str, Any]:
        changed = await queue.act(item_id, action, admin, utcnow(), version=data.version, **params_for(action, data))
        item = await queue.get(item_id)
        return {"changed": changed, "item": item_json(item)}

    @post("/bulk", status_code=HTTP_200_OK)
    async def bulk(self, admin: m.User, queue: QueueService, data: BulkData) -> dict[str, Any]:
        changed = await queue.bulk(data.action, [(i.id, i.version) for i in data.items], admin, utcnow(),
                                   **params_for(data.action, data))
        return {"changed": changed}

    @get("/counts")
    async def counts(self, admin: m.User, queue: QueueService) -> dict[str, Any]:
        return await queue.counts(utcnow())

    @get("/history")
    async def history(self, admin: m.User, queue: QueueService, before: int | None = None,
                      item: int | None = None) -> dict[str, Any]:
        rows = await queue.history(item_id=item, before_id=before, limit=HISTORY_PAGE)
        return {"items": [history_json(r) for r in rows],
                "next_before": rows[-1].ReviewHistory.id if len(rows) == HISTORY_PAGE else None}

    @get("/thresholds")
    async def get_thresholds(self, admin: m.User, db_session: AsyncSession) -> dict[str, Any]:
        return {"thresholds": await thresholds.current(db_session, fresh=True), "defaults": thresholds.defaults()}

    @put("/thresholds")
    async def put_thresholds(self, admin: m.User, db_session: AsyncSession, data: dict[str, Any]) -> dict[str, Any]:
        return {"thresholds": await thresholds.save(db_session, data.get("thresholds", data), admin, utcnow())}

    @get("/model")
    async def model(self, admin: m.User, moderation_model: Model) -> dict[str, Any]:
        return model_summary(moderation_model)


class ReportApiController(Controller):
    path = "/api/posts"
    tags = ["moderation"]

    @post("/{post_id:int}/reports", status_code=HTTP_201_CREATED)
    async def report(self, post_id: int, member: m.User, db_session: AsyncSession, data: ReportData) -> dict[str, Any]:
        report = await report_post(db_session, member, post_id, rule=data.rule, note=data.note, now=utcnow())
        return {"id": report.id, "post_id": post_id, "rule": report.rule}


ROUTE_HANDLERS = [AdminDashboardController, ModerationController, ReportController, ModerationApiController,
                  ReportApiController]
