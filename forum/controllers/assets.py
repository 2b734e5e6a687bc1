"""Files browsers ask for at fixed paths: `/favicon.ico` (the club's mark, made from
static/logo.svg by `scripts/make_favicon.py`)."""

from __future__ import annotations

from litestar import get
from litestar.response import File

from ..settings import PROJECT_ROOT

FAVICON = PROJECT_ROOT / "static" / "favicon.ico"


@get("/favicon.ico", include_in_schema=False, opt={"function": "open"}, cache=False)
async def favicon() -> File:
    return File(FAVICON, media_type="image/vnd.microsoft.icon", content_disposition_type="inline",
                headers={"Cache-Control": "public, max-age=86400"})
