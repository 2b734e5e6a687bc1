"""Notices pages (public list, notice page, Atom feed), admin pages, and the JSON API."""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar import Controller, Request, delete, get, patch, post
from litestar.datastructures import State
from litestar.di import Provide
from litestar.exceptions import NoRouteMatchFoundException, NotFoundException
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED
from msgspec import UNSET, Struct, UnsetType
from sqlalchemy.ext.asyncio import AsyncSession

import models as m

from ..api_schema import Id, Int32
from ..errors import DomainError, NotFound
from ..i18n import current_locale
from ..rendering import render_markdown
from ..web import error_text, field_errors, redirect, render
from .board import Banner
from .clock import provide_now
from ..inputs import parse_id
from .gate import OPEN, OPT_KEY, SAFE_METHODS, board_of, current_banner
from .service import (
    FUNCTION_LABELS, KIND_LABELS, NoticeInput, NoticePage, NoticeService, local_input, window_state,
)


def provide_notices(db_session: AsyncSession) -> NoticeService:
    return NoticeService(db_session)


async def invalidate_after_write(request: Request) -> None:
    """After a write is committed, this process reloads the banner's snapshot on the next request."""
    if request.method not in SAFE_METHODS and (board := board_of(request.app)) is not None:
        board.invalidate()


def _invalidate(request: Request) -> None:
    if (board := board_of(request.app)) is not None:
        board.invalidate()


DEPENDENCIES = {"notices": Provide(provide_notices, sync_to_thread=False),
                "now": Provide(provide_now, sync_to_thread=False)}
HELPERS = {"kind_labels": KIND_LABELS, "function_labels": FUNCTION_LABELS, "window_state": window_state,
           "markdown": render_markdown, "functions": list(m.BoardFunction), "kinds": list(m.NoticeKind)}


def _kind(value: str | None) -> m.NoticeKind | None:
    try:
        return m.NoticeKind(value) if value else None
    except ValueError:
        return None


class NoticeController(Controller):
    """Public pages. Marked "open" so members can read about a closure while the board is closed."""

    include_in_schema = False
    opt = {OPT_KEY: OPEN}
    dependencies = DEPENDENCIES

    @get("/notices", name="notices")
    async def index(self, request: Request, user: m.User | None, notices: NoticeService, now: dt.datetime,
                    page: int = 1, type: str | None = None) -> Template:
        kind = _kind(type)
        result = await notices.page(now, page=page, kind=kind)
        return render(request, "notices_list.html", page=result, kind=kind, now=now, terms_link=terms_link(request.app),
                      **HELPERS)

    @get("/notices/{notice_id:int}", name="notice")
    async def show(self, request: Request, notice_id: int, user: m.User | None, notices: NoticeService,
                   now: dt.datetime) -> Template:
        try:
            notice = await notices.visible(notice_id, now, user)
        except NotFound:
            raise NotFoundException() from None
        return render(request, "notices_show.html", notice=notice, related=await notices.related(notice, now),
                      now=now, terms_link=terms_link(request.app), **HELPERS)

    @get("/notices.atom", name="notices_feed", media_type="application/atom+xml; charset=utf-8")
    async def feed(self, request: Request, notices: NoticeService, now: dt.datetime, lang: str | None = None) -> Template:
        lang = lang if lang in ("th", "en") else current_locale.get()
        items = await notices.feed(now)
        current_locale.set(lang)  # the feed's own words in the feed's language (reset after the request)
        base = str(request.base_url).rstrip("/")
        updated = max((_updated_of(n) for n in items), default=now)
        return Template(template_name="notices.atom", media_type="application/atom+xml; charset=utf-8",
                        context={"items": items, "base": base, "lang": lang, "updated": updated,
                                 "updated_of": _updated_of, "markdown": render_markdown, "kind_labels": KIND_LABELS})


def _updated_of(notice: m.Notice) -> dt.datetime:
    return max(notice.published_at, notice.updated_at or notice.published_at)


def terms_link(app: Any) -> Any:
    """A function giving the page of a terms version, when the app has terms pages (another
    feature's: route names "terms_version" with a `version` parameter, or "terms")."""

    def link(version: str) -> str | None:
        for name, params in (("terms_version", {"version": version}), ("terms", {})):
            try:
                return app.route_reverse(name, **params)
            except NoRouteMatchFoundException:
                continue
        return None

    return link


def _form_input(form: Any) -> NoticeInput:
    return NoticeInput.from_mapping(form, functions=form.getall("functions", []) if hasattr(form, "getall") else None)


def _form_values(notice: m.Notice | None, **overrides: Any) -> dict[str, Any]:
    if notice is None:
        values: dict[str, Any] = {"kind": "general", "functions": []}
    else:
        values = {"kind": notice.kind.value, "title_th": notice.title_th, "title_en": notice.title_en,
                  "body_th": notice.body_th, "body_en": notice.body_en, "published_at": local_input(notice.published_at),
                  "pinned": notice.pinned, "terms_version": notice.terms_version or "",
                  "starts_at": local_input(notice.starts_at), "ends_at": local_input(notice.ends_at),
                  "functions": [f.value for f in notice.function_list],
                  "recovers_id": notice.recovers_id or ""}
    values.update(overrides)
    return values


class AdminNoticeController(Controller):
    path = "/admin/notices"
    include_in_schema = False
    dependencies = DEPENDENCIES
    after_response = invalidate_after_write

    @get("/", name="admin_notices")
    async def index(self, request: Request, admin: m.User, notices: NoticeService, now: dt.datetime,
                    page: int = 1) -> Template:
        return render(request, "notices_admin.html", page=await notices.all_for_admin(now, page=page), now=now,
                      **HELPERS)

    @get("/new", name="admin_new_notice")
    async def new(self, request: Request, admin: m.User, notices: NoticeService, now: dt.datetime,
                  kind: str | None = None, recovers: int | None = None) -> Template:
        form = _form_values(None, kind=(_kind(kind) or m.NoticeKind.GENERAL).value, recovers_id=recovers or "")
        if recovers and (outage := await notices.session.get(m.Notice, recovers)) is not None:
            form.update(title_th=f"กลับมาใช้งานได้แล้ว: {outage.title_th}" if outage.title_th else "",
                        title_en=f"Recovered: {outage.title_en}" if outage.title_en else "")
        return await self._form(request, notices, None, form)

    @post("/", name="admin_create_notice")
    async def create(self, request: Request, admin: m.User, notices: NoticeService,
                     now: dt.datetime) -> Template | Redirect:
        form = await request.form()
        try:
            notice = await notices.create(_form_input(form), admin, now)
        except DomainError as error:
            return await self._form(request, notices, None, _raw(form), error)
        _invalidate(request)
        return redirect(request, f"/notices/{notice.id}", "Notice saved.")

    @get("/{notice_id:int}/edit", name="admin_edit_notice")
    async def edit(self, request: Request, notice_id: int, admin: m.User, notices: NoticeService) -> Template:
        notice = await _notice_or_404(notices, notice_id)
        return await self._form(request, notices, notice, _form_values(notice))

    @post("/{notice_id:int}", name="admin_update_notice")
    async def update(self, request: Request, notice_id: int, admin: m.User, notices: NoticeService,
                     now: dt.datetime) -> Template | Redirect:
        notice = await _notice_or_404(notices, notice_id)
        form = await request.form()
        if form.get("action") == "delete":
            await notices.delete(notice)
            _invalidate(request)
            return redirect(request, "/admin/notices", "Notice deleted.")
        try:
            await notices.update(notice, _form_input(form), now)
        except DomainError as error:
            return await self._form(request, notices, notice, _raw(form), error)
        _invalidate(request)
        return redirect(request, f"/notices/{notice.id}", "Notice saved.")

    @post("/{notice_id:int}/end", name="admin_end_window")
    async def end(self, request: Request, notice_id: int, admin: m.User, notices: NoticeService,
                  now: dt.datetime) -> Redirect:
        notice = await _notice_or_404(notices, notice_id)
        try:
            await notices.end_window(notice, now)
        except DomainError as error:
            return redirect(request, "/admin/notices", error.message, "error")
        _invalidate(request)
        return redirect(request, "/admin/notices", "The window has ended; everything it closed is open again.")

    @post("/{notice_id:int}/extend", name="admin_extend_window")
    async def extend(self, request: Request, notice_id: int, admin: m.User, notices: NoticeService,
                     now: dt.datetime) -> Redirect:
        notice = await _notice_or_404(notices, notice_id)
        form = await request.form()
        try:
            await notices.extend_window(notice, _int(form.get("minutes")), now)
        except DomainError as error:
            return redirect(request, "/admin/notices", error.message, "error")
        _invalidate(request)
        return redirect(request, "/admin/notices", "The window was extended.")

    async def _form(self, request: Request, notices: NoticeService, notice: m.Notice | None, form: dict[str, Any],
                    error: DomainError | None = None) -> Template:
        return render(request, "notices_form.html", status_code=error.status_code if error else 200, notice=notice,
                      form=form, outages=await notices.open_outages(), error=error_text(error) if error else None,
                      errors=field_errors(error) if error else {}, **HELPERS)


def _raw(form: Any) -> dict[str, Any]:
    values = {k: v for k, v in form.items() if isinstance(v, str)}
    values["functions"] = form.getall("functions", []) if hasattr(form, "getall") else []
    values["pinned"] = form.get("pinned") == "on"
    return values


def _int(value: Any) -> int:
    return parse_id(value, 0) or 0


async def _notice_or_404(notices: NoticeService, notice_id: int) -> m.Notice:
    try:
        return await notices.get(notice_id)
    except NotFound:
        raise NotFoundException() from None


# -- JSON API -------------------------------------------------------------------------------
class NoticeData(Struct):
    kind: str | UnsetType = UNSET
    title_th: str | UnsetType = UNSET
    title_en: str | UnsetType = UNSET
    body_th: str | UnsetType = UNSET
    body_en: str | UnsetType = UNSET
    published_at: str | None | UnsetType = UNSET
    pinned: bool | UnsetType = UNSET
    terms_version: str | None | UnsetType = UNSET
    starts_at: str | None | UnsetType = UNSET
    ends_at: str | None | UnsetType = UNSET
    functions: list[str] | UnsetType = UNSET
    recovers_id: Id | None | UnsetType = UNSET


class Extension(Struct):
    minutes: Int32


def notice_json(n: m.Notice, now: dt.datetime, related: m.Notice | None = None) -> dict[str, Any]:
    iso = lambda t: t.isoformat() if t else None  # noqa: E731
    data: dict[str, Any] = {
        "id": n.id, "kind": n.kind.value, "title_th": n.title_th, "title_en": n.title_en, "body_th": n.body_th,
        "body_en": n.body_en, "published_at": iso(n.published_at), "pinned": n.pinned,
        "terms_version": n.terms_version, "functions": [f.value for f in n.function_list],
        "starts_at": iso(n.starts_at), "ends_at": iso(n.ends_at), "window_state": window_state(n, now),
        "recovers_id": n.recovers_id, "url": f"/notices/{n.id}", "updated_at": iso(n.updated_at),
    }
    if n.kind == m.NoticeKind.OUTAGE:
        data["recovered_by_id"] = related.id if related else None
    return data


def banner_json(banner: Banner | None) -> dict[str, Any]:
    def info(w: Any) -> dict[str, Any]:
        return {"notice_id": w.id, "title_th": w.title_th, "title_en": w.title_en, "functions": list(w.functions),
                "starts_at": w.starts_at.isoformat() if w.starts_at else None,
                "ends_at": w.ends_at.isoformat() if w.ends_at else None, "url": w.url}

    if banner is None:
        return {"closed": {}, "active": [], "upcoming": [], "disrupted": []}
    return {"now": banner.now.isoformat(),
            "closed": {name: w.ends_at.isoformat() for name, w in banner.closed_functions.items() if w.ends_at},
            "active": [info(w) for w in banner.active], "upcoming": [info(w) for w in banner.upcoming],
            "disrupted": [info(o) for o in banner.outages]}


class NoticeApiController(Controller):
    path = "/api/notices"
    tags = ["notices"]
    opt = {OPT_KEY: OPEN}
    dependencies = DEPENDENCIES
    after_response = invalidate_after_write

    @get("/")
    async def list_notices(self, notices: NoticeService, now: dt.datetime, page: int = 1,
                           type: str | None = None) -> dict[str, Any]:
        result: NoticePage = await notices.page(now, page=page, kind=_kind(type))
        return {"items": [notice_json(n, now, result.recoveries.get(n.id)) for n in result.items],
                "page": result.page, "pages": result.pages, "total": result.total}

    @get("/status")
    async def status(self, request: Request) -> dict[str, Any]:
        """What is closed now, what is announced, what is disrupted (the banner's data)."""
        return banner_json(await current_banner(request))

    @get("/{notice_id:int}")
    async def get_notice(self, notice_id: int, user: m.User | None, notices: NoticeService,
                         now: dt.datetime) -> dict[str, Any]:
        notice = await notices.visible(notice_id, now, user)
        return notice_json(notice, now, await notices.related(notice, now))

    @post("/", status_code=HTTP_201_CREATED)
    async def create(self, request: Request, admin: m.User, data: NoticeData, notices: NoticeService,
                     now: dt.datetime) -> dict[str, Any]:
        notice = await notices.create(_api_input(data, None), admin, now)
        _invalidate(request)
        return notice_json(notice, now)

    @patch("/{notice_id:int}")
    async def update(self, request: Request, notice_id: int, admin: m.User, data: NoticeData,
                     notices: NoticeService, now: dt.datetime) -> dict[str, Any]:
        notice = await notices.get(notice_id)
        await notices.update(notice, _api_input(data, notice), now)
        _invalidate(request)
        return notice_json(notice, now)

    @delete("/{notice_id:int}", status_code=HTTP_200_OK)
    async def remove(self, request: Request, notice_id: int, admin: m.User, notices: NoticeService) -> dict[str, Any]:
        await notices.delete(await notices.get(notice_id))
        _invalidate(request)
        return {"id": notice_id, "deleted": True}

    @post("/{notice_id:int}/end", status_code=HTTP_200_OK)
    async def end(self, request: Request, notice_id: int, admin: m.User, notices: NoticeService,
                  now: dt.datetime) -> dict[str, Any]:
        notice = await notices.end_window(await notices.get(notice_id), now)
        _invalidate(request)
        return notice_json(notice, now)

    @post("/{notice_id:int}/extend", status_code=HTTP_200_OK)
    async def extend(self, request: Request, notice_id: int, admin: m.User, data: Extension,
                     notices: NoticeService, now: dt.datetime) -> dict[str, Any]:
        notice = await notices.extend_window(await notices.get(notice_id), data.minutes, now)
        _invalidate(request)
        return notice_json(notice, now)


def _api_input(data: NoticeData, notice: m.Notice | None) -> NoticeInput:
    """The API's body over the notice's current values (PATCH sends only what changes)."""
    current = _form_values(notice) if notice is not None else {}
    if notice is not None:  # keep stored times exact rather than round-tripping through the form's minutes
        current.update(published_at=notice.published_at, starts_at=notice.starts_at, ends_at=notice.ends_at)
    given = {name: getattr(data, name) for name in data.__struct_fields__ if getattr(data, name) is not UNSET}
    merged = {**current, **given}
    if "published_at" not in given and notice is not None:
        merged["published_at"] = None  # unchanged
    return NoticeInput.from_mapping(merged, functions=merged.get("functions") or [])
