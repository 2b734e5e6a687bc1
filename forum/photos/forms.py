"""The photo part of a post form. One row per photo ("slot" 1..10): a file input `photo_file_N`,
a caption `photo_caption_N`, and once the photo has been processed (the form came back with an
error, or through the duplicate review step) a signed `photo_token_N` instead of the file, with
`photo_drop_N` to leave it out. The page's script fills the same rows from a drop zone or the
phone's picker, so the server reads one shape with or without JavaScript.

`read` runs before the posting service: it re-encodes and stores the new files (in a worker
thread), so the post's transaction only writes rows."""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar import Request

import models as m

from ..errors import ValidationFailed
from ..i18n import N_, gettext
from ..services.accounts import utcnow
from ..settings import Settings
from .image import PhotoRefused
from .service import PreparedPhoto, clean_caption, prepare, refused_text
from .storage import StorageError, storage_for

STATE_KEY = "photo_staged"


def request_limit(settings: Settings | None = None) -> int:
    """Body size a post form with photos may reach (the app default is 10 MB)."""
    from ..settings import PhotoSettings

    config = settings.photos if settings else PhotoSettings()
    return config.per_post * config.max_file_bytes + 2 * 1024 * 1024


def _storage(request: Request, settings: Settings):
    store = request.app.state.get("photo_storage")
    if store is None:
        store = request.app.state.photo_storage = storage_for(settings)
    return store


async def read(request: Request, member: m.User, now: dt.datetime | None = None) -> list[PreparedPhoto]:
    """The form's photos, processed and stored, in slot order. Problems raise ValidationFailed
    on the `photos` field after keeping the good ones staged, so the form comes back with them."""
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith(("multipart/", "application/x-www-form-urlencoded")):
        return []
    settings: Settings = request.app.state.settings
    config = settings.photos
    secret = settings.security.secret_key
    now = now or utcnow()
    form = await request.form()
    photos: list[PreparedPhoto] = []
    problems: list[str] = []
    storage = _storage(request, settings)
    for slot in range(1, config.per_post + 6):  # a few more than allowed: the count check says so clearly
        caption = clean_caption(_text(form.get(f"photo_caption_{slot}")), config)
        token = _text(form.get(f"photo_token_{slot}"))
        if token:
            if _text(form.get(f"photo_drop_{slot}")):
                continue
            staged = PreparedPhoto.from_token(token, secret, member.id, now)
            if staged is None:
                problems.append(gettext(N_("A photo you added earlier has expired. Please choose it again.")))
            else:
                photos.append(staged.with_caption(caption))
            continue
        upload = form.get(f"photo_file_{slot}")
        if upload is None or isinstance(upload, str) or not getattr(upload, "filename", ""):
            continue
        data = await upload.read()
        if not data:
            continue
        try:
            photos.append(await prepare(storage, config, member.id, data, caption, now))
        except PhotoRefused as error:
            problems.append(f"{upload.filename}: {refused_text(error)}")
        except StorageError:
            problems.append(gettext(N_("The photo could not be saved. Please try again.")))
    stage(request, photos)
    if problems:
        raise ValidationFailed("Please correct the marked fields.", field_errors={"photos": " ".join(problems)})
    return photos


def stage(request: Request, photos: list[PreparedPhoto]) -> None:
    """Keeps processed photos for the form if it is shown again (see templates/_photos_form.html)."""
    secret = request.app.state.settings.security.secret_key
    request.state[STATE_KEY] = [{"token": p.token(secret), "caption": p.caption, "width": p.width,
                                 "height": p.height} for p in photos]


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""
