"""Every HTML page of the app, with who can see it and how a browser test reaches it on the
demo board (webboard seed-demo). A page route missing here fails `test_every_page_route_is_listed`,
so a new page is checked for width and accessibility from the day it is added."""

from __future__ import annotations

import re
from dataclasses import dataclass

PASSWORDS = {"admin": "demo-admin-2026", "guru.somchai": "demo-guru-2026"}
DEFAULT_PASSWORD = "demo-member-2026"
# The roles a test logs in as, by demo account.
ROLES = {"guest": None, "member": "nok", "gold": "james", "guru": "guru.somchai", "admin": "admin"}


@dataclass(frozen=True)
class Page:
    role: str  # a key of ROLES
    url: str | None = None  # a fixed URL (may hold another route's URL as <<route>>), or
    source: str | None = None  # a page to find the link on (may name another route as <<route>>)
    link: str | None = None  # a regex the link's path matches


PAGES: dict[str, Page] = {
    "/": Page("guest", "/"),
    "/account": Page("member", "/account"),
    "/admin": Page("admin", "/admin"),
    "/admin/access": Page("admin", "/admin/access"),
    "/admin/categories": Page("admin", "/admin/categories"),
    "/admin/coins": Page("admin", "/admin/coins"),
    "/admin/coins/members": Page("admin", "/admin/coins/members?login_id=nok"),
    "/admin/coins/prizes": Page("admin", "/admin/coins/prizes"),
    "/admin/coins/prizes/new": Page("admin", "/admin/coins/prizes/new"),
    "/admin/coins/prizes/{prize_id:int}": Page("admin", source="/admin/coins/prizes", link=r"^/admin/coins/prizes/\d+$"),
    "/admin/coins/redemptions": Page("admin", "/admin/coins/redemptions"),
    "/admin/coins/settings": Page("admin", "/admin/coins/settings"),
    "/admin/data-access": Page("admin", "/admin/data-access"),
    "/admin/duplicates": Page("admin", "/admin/duplicates"),
    "/admin/gold": Page("admin", "/admin/gold"),
    "/admin/guru": Page("admin", "/admin/guru"),
    "/admin/guru/disclaimer": Page("admin", "/admin/guru/disclaimer"),
    "/admin/members": Page("admin", "/admin/members"),
    "/admin/members/{user_id:int}": Page("admin", source="/admin/members", link=r"^/admin/members/\d+$"),
    "/admin/moderation": Page("admin", "/admin/moderation"),
    "/admin/moderation/history": Page("admin", "/admin/moderation/history"),
    "/admin/moderation/thresholds": Page("admin", "/admin/moderation/thresholds"),
    "/admin/moderation/{item_id:int}": Page("admin", source="/admin/moderation", link=r"^/admin/moderation/\d+$"),
    "/admin/names": Page("admin", "/admin/names"),
    "/admin/notices": Page("admin", "/admin/notices"),
    "/admin/notices/new": Page("admin", "/admin/notices/new"),
    "/admin/notices/{notice_id:int}/edit": Page("admin", source="/admin/notices", link=r"^/admin/notices/\d+/edit$"),
    "/admin/terms": Page("admin", "/admin/terms"),
    "/c/{slug:str}": Page("guest", "/c/maintenance"),
    "/c/{slug:str}/new": Page("member", "/c/maintenance/new"),
    "/coins": Page("member", "/coins"),
    "/coins/address": Page("member", "/coins/address"),
    "/coins/prizes": Page("member", "/coins/prizes"),
    "/coins/prizes/{prize_id:int}": Page("member", source="/coins/prizes", link=r"^/coins/prizes/\d+$"),
    "/coins/redemptions": Page("member", "/coins/redemptions"),
    "/guru": Page("guest", "/guru/"),
    "/guru/ask": Page("member", "/guru/ask"),
    "/guru/gurus": Page("guest", "/guru/gurus"),
    "/guru/gurus/{user_id:int}": Page("guest", source="/guru/gurus", link=r"^/guru/gurus/\d+$"),
    "/guru/inbox": Page("guru", "/guru/inbox"),
    "/guru/profile": Page("guru", "/guru/profile"),
    "/guru/q/{thread_id:int}": Page("guest", source="/guru/?status=accepted", link=r"^/guru/q/\d+$"),
    "/login": Page("guest", "/login"),
    "/membership/gold": Page("member", "/membership/gold"),
    "/notices": Page("guest", "/notices"),
    "/notices/{notice_id:int}": Page("guest", source="/notices", link=r"^/notices/\d+$"),
    "/notifications": Page("member", "/notifications"),
    "/p/{post_id:int}/edit": Page("member", source="<</t/{thread_id:int}>>", link=r"^/p/\d+/edit$"),
    "/p/{post_id:int}/report": Page("member", source="<</t/{thread_id:int}>>", link=r"^/p/\d+/report$"),
    # The demo's second thread (James's battery question) carries seeded photos; Nok may report one.
    "/photos/{photo_id:int}/report": Page("member", source="/t/2", link=r"^/photos/\d+/report$"),
    "/privacy": Page("guest", "/privacy"),
    "/profile": Page("member", "/profile"),
    "/register": Page("guest", "/register"),
    "/search": Page("guest", "/search?q=%E0%B8%99%E0%B9%89%E0%B8%B3%E0%B8%A1%E0%B8%B1%E0%B8%99%E0%B9%80%E0%B8%84%E0%B8%A3%E0%B8%B7%E0%B9%88%E0%B8%AD%E0%B8%87"),
    # The newest General thread is the new member's, with a reply of Nok's (edit and report links).
    "/t/{thread_id:int}": Page("member", source="/c/general", link=r"^/t/\d+$"),
    "/t/{thread_id:int}/close-duplicate": Page("admin", "<</t/{thread_id:int}>>/close-duplicate"),
    "/terms": Page("guest", "/terms"),
    "/terms/accept": Page("member", "/terms/accept"),
    "/terms/v/{version:str}": Page("guest", source="/terms", link=r"^/terms/v/[^/]+$"),
    # Pages of errors and gates, reached on purpose.
    "error 404": Page("guest", "/no-such-page"),
    "gated category": Page("member", "/c/owners-log"),
}

# GET routes that are not HTML pages: downloads, feeds, pictures, fragments.
NOT_PAGES = {
    "/account/export", "/admin/data-access/export", "/admin/members/{user_id:int}/export", "/coins/pictures/{name:str}",
    "/favicon.ico", "/notices.atom", "/threads/similar",
    "/photos/{photo_id:int}/{digest:str}/{name:str}", "/photos/staged/{token:str}/thumb.jpg",
    "/membership/gold/{application_id:int}/photo",
}

def html_routes(app) -> set[str]:
    routes = set()
    for route in app.routes:
        if route.path.startswith(("/api", "/static")):
            continue
        for handler in route.route_handlers:
            if "GET" in handler.http_methods:
                routes.add(route.path)
    return routes


def matches(pattern: str, href: str) -> bool:
    path = href.split("#")[0].split("?")[0]
    return re.match(pattern, path) is not None
