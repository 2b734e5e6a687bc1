"""How photos plug into the board app (forum/app.py): the photo URLs (served through the gate),
reporting one photo, an admin deleting one photo, the Gold registration-book photo, the post
note that shows a post's photos, and the periodic sweep."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any, Sequence

from litestar import Controller, Litestar, Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.response import Redirect, Template
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

import models as m

from .. import events, post_notes
from ..errors import DomainError, NotFound
from ..i18n import N_
from ..services.accounts import utcnow
from ..web import error_text, field_errors, redirect, render
from . import moderation as photo_moderation
from . import service
from .forms import STATE_KEY, _storage, read, request_limit
from .image import SIZES
from .service import PreparedPhoto

log = logging.getLogger(__name__)
IMMUTABLE = "private, max-age=31536000, immutable"  # gated: browsers may keep it, shared caches may not
FILE_NAMES = {f"{size}.jpg": size for size in SIZES}


def _jpeg(data: bytes, cache: str, etag: str | None = None) -> Response:
    headers = {"Cache-Control": cache, "X-Content-Type-Options": "nosniff", "Content-Disposition": "inline"}
    if etag:
        headers["ETag"] = f'"{etag}"'
    return Response(content=data, media_type="image/jpeg", headers=headers)


class PhotoController(Controller):
    include_in_schema = False
    opt = {"terms_exempt": True, "function": "open"}

    @get("/photos/{photo_id:int}/{digest:str}/{name:str}", name="photo_file")
    async def photo(self, request: Request, photo_id: int, digest: str, name: str, user: m.User | None,
                    db_session: AsyncSession) -> Response:
        size = FILE_NAMES.get(name)
        full = await service.viewable(db_session, photo_id, digest, user) if size else None
        if full is None:
            raise NotFoundException()
        data = await _storage(request, request.app.state.settings).get(service.key_for(full, size))
        if data is None:
            log.error("photo %s: file %s/%s is missing", photo_id, full, size)
            raise NotFoundException()
        return _jpeg(data, IMMUTABLE, f"{full[:16]}-{size}")

    @get("/photos/staged/{token:str}/thumb.jpg", name="staged_photo")
    async def staged(self, request: Request, token: str, member: m.User) -> Response:
        """The preview of a photo processed for a form that came back (its author only)."""
        staged = PreparedPhoto.from_token(token, request.app.state.settings.security.secret_key, member.id, utcnow())
        data = await _storage(request, request.app.state.settings).get(service.key_for(staged.digest, "thumb")) if staged else None
        if data is None:
            raise NotFoundException()
        return _jpeg(data, "private, max-age=3600")

    @get("/photos/{photo_id:int}/report", name="report_photo_form")
    async def report_form(self, request: Request, photo_id: int, member: m.User, db_session: AsyncSession) -> Template:
        photo, post_obj, thread = await _reportable(db_session, photo_id, member)
        return render(request, "photos_report.html", photo=service.photo_view(photo), post=post_obj, thread=thread,
                      form={}, already=await photo_moderation.already_reported(db_session, photo_id, member))

    @post("/photos/{photo_id:int}/report", name="report_photo", opt={"function": "replies"})
    async def report(self, request: Request, photo_id: int, member: m.User, db_session: AsyncSession) -> Template | Redirect:
        photo, post_obj, thread = await _reportable(db_session, photo_id, member)
        form = dict(await request.form())
        try:
            await photo_moderation.report_photo(db_session, member, photo_id, note=form.get("note"), now=utcnow())
        except DomainError as error:
            await db_session.rollback()  # nothing half-done; read again what the page shows
            await db_session.refresh(member)
            photo, post_obj, thread = await _reportable(db_session, photo_id, member)
            return render(request, "photos_report.html", status_code=error.status_code, photo=service.photo_view(photo),
                          post=post_obj,
                          thread=thread, form=form, error=error_text(error), errors=field_errors(error),
                          already=await photo_moderation.already_reported(db_session, photo_id, member))
        return redirect(request, f"/t/{thread.id}#p{post_obj.id}", N_("Thank you. The admins will review this photo."))

    @post("/admin/photos/{photo_id:int}/delete", name="delete_photo")
    async def delete(self, request: Request, photo_id: int, admin: m.User, db_session: AsyncSession) -> Redirect:
        form = dict(await request.form())
        back = form.get("next") or "/admin/moderation/"
        if not back.startswith("/") or back.startswith("//"):
            back = "/admin/moderation/"
        try:
            await photo_moderation.delete_photo(db_session, admin, photo_id, rule=form.get("rule"),
                                                reason=form.get("reason"), now=utcnow())
        except NotFound:
            raise NotFoundException() from None
        return redirect(request, back, N_("Photo deleted; the post's text stays and its author was told."))

    @post("/membership/gold/{application_id:int}/photo", name="gold_registration_photo",
          request_max_body_size=request_limit(), opt={"function": "open"})
    async def gold_photo(self, request: Request, application_id: int, member: m.User,
                         db_session: AsyncSession) -> Redirect:
        application = await db_session.get(m.GoldApplication, application_id)
        if application is None or application.user_id != member.id:
            raise NotFoundException()
        if application.status != m.GoldStatus.PENDING:
            return redirect(request, "/membership/gold", N_("This application was already decided."), "error")
        try:
            photos = await read(request, member)
        except DomainError as error:
            return redirect(request, "/membership/gold", field_errors(error).get("photos") or error_text(error), "error")
        if not photos:
            return redirect(request, "/membership/gold", N_("Choose a photo of the registration book."), "error")
        now = utcnow()
        for old in (await db_session.scalars(select(m.Photo).where(
                m.Photo.gold_application_id == application.id, m.Photo.status == m.PhotoStatus.ATTACHED))).all():
            await service.mark_removed(db_session, old, now, actor=member)
        first = photos[0]
        db_session.add(m.Photo(owner_id=member.id, gold_application_id=application.id,
                               purpose=m.PhotoPurpose.REGISTRATION, caption="", digest=first.digest, width=first.width,
                               height=first.height, stored_bytes=first.stored_bytes, created_at=now, updated_at=now))
        return redirect(request, "/membership/gold",
                        N_("Photo added. Only you and the admins can see it; it is deleted once your application is decided."))

    @get("/membership/gold/{application_id:int}/photo", name="gold_registration_photo_view")
    async def gold_photo_view(self, request: Request, application_id: int, member: m.User,
                              db_session: AsyncSession) -> Response:
        """The registration-book photo of an application: its applicant and admins only."""
        row = (await db_session.execute(
            select(m.Photo.digest, m.Photo.owner_id).where(
                m.Photo.gold_application_id == application_id, m.Photo.status == m.PhotoStatus.ATTACHED,
                m.Photo.purpose == m.PhotoPurpose.REGISTRATION).order_by(m.Photo.id.desc()).limit(1))).first()
        if row is None or not (member.is_admin or member.id == row.owner_id):
            raise NotFoundException()
        data = await _storage(request, request.app.state.settings).get(service.key_for(row.digest, "display"))
        if data is None:
            raise NotFoundException()
        return _jpeg(data, "private, no-store")


async def _reportable(db_session: AsyncSession, photo_id: int, member: m.User):
    try:
        return await photo_moderation.reportable(db_session, photo_id, member)
    except NotFound:
        raise NotFoundException() from None


# -- the post note: a post's photos under its text (thread page and API) -------------------------
@post_notes.provider
async def photo_notes(session: AsyncSession, posts: Sequence[Any]) -> dict[int, list[post_notes.PostNote]]:
    found = await service.for_posts(session, [p.id for p in posts])
    return {post_id: [post_notes.PostNote("photos", "_photos_post.html", {"photos": photos})]
            for post_id, photos in found.items()}


# -- events ---------------------------------------------------------------------------------------
@events.subscribe("membership.gold_decided")
async def _drop_registration_photo(session: AsyncSession, *, application: m.GoldApplication, **_: Any) -> None:
    """The registration-book photo is kept only while the application waits for a decision."""
    now = utcnow()
    for photo in (await session.scalars(select(m.Photo).where(
            m.Photo.gold_application_id == application.id, m.Photo.status == m.PhotoStatus.ATTACHED))).all():
        await service.mark_removed(session, photo, now)


# -- start-up and the sweep -----------------------------------------------------------------------
async def on_startup(app: Litestar) -> None:
    photo_moderation.register_audit_actions()
    settings = app.state.settings
    _storage_of(app)
    interval = settings.photos.sweep_interval_seconds
    if interval > 0:
        app.state.photo_sweeper = asyncio.create_task(_sweep_forever(app, interval))


async def on_shutdown(app: Litestar) -> None:
    task = app.state.get("photo_sweeper")
    if task is not None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task


def _storage_of(app: Litestar):
    from .storage import storage_for

    if app.state.get("photo_storage") is None:
        app.state.photo_storage = storage_for(app.state.settings)
    return app.state.photo_storage


async def _sweep_forever(app: Litestar, interval: int) -> None:
    from ..db import create_engine

    while True:
        await asyncio.sleep(interval)
        engine = create_engine(app.state.settings.db)
        try:
            async with async_sessionmaker(engine, expire_on_commit=False)() as session:
                await service.sweep(session, _storage_of(app), app.state.settings.photos, utcnow())
        except Exception:  # the next round tries again
            log.exception("photo sweep failed")
        finally:
            await engine.dispose()


ROUTE_HANDLERS = [PhotoController]
__all__ = ("ROUTE_HANDLERS", "STATE_KEY", "on_shutdown", "on_startup")
