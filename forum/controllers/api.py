"""JSON API under /api: the same operations as the pages, with session auth and CSRF header."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, delete, get, patch, post
from litestar.exceptions import NotFoundException
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED
from msgspec import Struct
from sqlalchemy.ext.asyncio import AsyncSession

import models as m

from .. import post_notes
from ..api_schema import BODY, TITLE, Id, Int32
from ..access import require_category
from ..errors import NotFound
from ..services import reading, search
from ..services.accounts import AccountService, Registration
from ..services.categories import CategoryService
from ..services.posting import PostingService
from ..settings import Settings
from ..web import SESSION_USER_KEY, client_ip


class ThreadCreate(Struct):
    category_id: Id
    title: Annotated[str, TITLE]
    body: Annotated[str, BODY]
    distinct_reason: str | None = None
    distinct_from_id: Id | None = None


class ReplyCreate(Struct):
    body: Annotated[str, BODY]


class PostUpdate(Struct):
    body: Annotated[str, BODY]
    title: Annotated[str, TITLE] | None = None


class LoginData(Struct):
    login_id: str
    password: str


class RegisterData(Struct):
    login_id: str
    display_name: str
    email: str
    password: str
    date_of_birth: str
    accept_terms: bool
    real_name: str | None = None


class CategoryData(Struct):
    slug: str
    name_th: str
    name_en: str
    description_th: str = ""
    description_en: str = ""
    position: Int32 = 0


def category_json(c: m.Category) -> dict[str, Any]:
    return {"id": c.id, "slug": c.slug, "name_th": c.name_th, "name_en": c.name_en, "description_th": c.description_th,
            "description_en": c.description_en, "position": c.position, "thread_count": c.thread_count,
            "access": c.access.value}


def thread_json(row: Any) -> dict[str, Any]:
    return {"id": row.id, "title": row.title, "kind": row.kind.value, "category_id": row.category_id,
            "reply_count": row.reply_count, "created_at": row.created_at.isoformat(),
            "last_activity_at": row.last_activity_at.isoformat(), "starter": row.starter,
            "duplicate_of_id": row.duplicate_of_id}


def post_json(row: Any) -> dict[str, Any]:
    return {"id": row.id, "thread_id": row.thread_id, "author": row.author_name, "is_opening": row.is_opening,
            "body": row.body_raw, "body_html": row.body_html, "visibility": row.visibility.value,
            "created_at": row.created_at.isoformat(), "edited_at": row.edited_at.isoformat() if row.edited_at else None}


def user_json(u: m.User) -> dict[str, Any]:
    return {"id": u.id, "login_id": u.login_id, "display_name": u.display_name, "role": u.role.value,
            "tier": u.tier.value, "status": u.status.value}


class AuthApiController(Controller):
    path = "/api/auth"
    tags = ["auth"]

    @post("/register", status_code=HTTP_201_CREATED)
    async def register(self, request: Request, data: RegisterData, accounts: AccountService) -> dict[str, Any]:
        user = await accounts.register(Registration(**{f: getattr(data, f) for f in data.__struct_fields__}))
        request.set_session({SESSION_USER_KEY: user.id})
        return user_json(user)

    @post("/login", status_code=HTTP_200_OK)
    async def login(self, request: Request, data: LoginData, accounts: AccountService) -> dict[str, Any]:
        user = await accounts.authenticate(data.login_id, data.password, client_ip(request))
        request.set_session({SESSION_USER_KEY: user.id})
        return user_json(user)

    @post("/logout", status_code=HTTP_200_OK)
    async def logout(self, request: Request) -> dict[str, Any]:
        request.clear_session()
        return {"ok": True}

    @get("/me")
    async def me(self, member: m.User) -> dict[str, Any]:
        return user_json(member)


class BoardApiController(Controller):
    path = "/api"
    tags = ["board"]

    @get("/categories")
    async def list_categories(self, categories: CategoryService) -> list[dict[str, Any]]:
        return [category_json(c) for c in await categories.list()]

    @post("/categories", status_code=HTTP_201_CREATED)
    async def create_category(self, admin: m.User, data: CategoryData, categories: CategoryService) -> dict[str, Any]:
        return category_json(await categories.save({f: getattr(data, f) for f in data.__struct_fields__}))

    @get("/categories/{slug:str}/threads")
    async def category_threads(self, slug: str, user: m.User | None, categories: CategoryService,
                               db_session: AsyncSession, settings: Settings, after: str | None = None,
                               before: str | None = None) -> dict[str, Any]:
        try:
            category = await categories.by_slug(slug)
        except NotFound:
            raise NotFoundException() from None
        await require_category(db_session, user, category.id)  # 403 with the reason for a gated category
        page = await reading.category_threads(db_session, category.id, limit=settings.board.threads_per_page,
                                              after=after, before=before)
        return {"category": category_json(category), "threads": [thread_json(r) for r in page.items],
                "next_cursor": page.next_cursor, "prev_cursor": page.prev_cursor}

    @post("/threads", status_code=HTTP_201_CREATED)
    async def create_thread(self, member: m.User, data: ThreadCreate, posting: PostingService) -> dict[str, Any]:
        thread, post_obj = await posting.create_thread(
            member, category_id=data.category_id, title=data.title, body=data.body,
            distinct_reason=data.distinct_reason, distinct_from_id=data.distinct_from_id,
        )
        return {"id": thread.id, "title": thread.title, "category_id": thread.category_id,
                "visibility": thread.visibility.value, "post_id": post_obj.id}

    @get("/threads/{thread_id:int}")
    async def get_thread(self, thread_id: int, user: m.User | None, db_session: AsyncSession, settings: Settings,
                         after: int | None = None) -> dict[str, Any]:
        header = await reading.thread_header(db_session, thread_id)
        if header is None or not PostingService.thread_visible_to(header, user):
            raise NotFoundException()
        await require_category(db_session, user, header.category_id)
        posts, next_after = await reading.thread_posts(db_session, thread_id, user,
                                                       limit=settings.board.posts_per_page, after=after)
        notes = await post_notes.for_posts(db_session, posts)
        return {"thread": thread_json(header) | {"visibility": header.visibility.value},
                "posts": [post_json(p) | post_notes.fields(notes.get(p.id)) for p in posts], "next_after": next_after}

    @post("/threads/{thread_id:int}/replies", status_code=HTTP_201_CREATED)
    async def reply(self, thread_id: int, member: m.User, data: ReplyCreate, posting: PostingService) -> dict[str, Any]:
        post_obj = await posting.create_reply(member, thread_id=thread_id, body=data.body)
        return {"id": post_obj.id, "thread_id": thread_id, "visibility": post_obj.visibility.value}

    @patch("/posts/{post_id:int}")
    async def edit(self, post_id: int, member: m.User, data: PostUpdate, posting: PostingService) -> dict[str, Any]:
        post_obj = await posting.edit_post(member, post_id, body=data.body, title=data.title)
        return {"id": post_obj.id, "visibility": post_obj.visibility.value, "body_html": post_obj.body_html}

    @delete("/posts/{post_id:int}", status_code=HTTP_200_OK)
    async def remove(self, post_id: int, member: m.User, posting: PostingService) -> dict[str, Any]:
        await posting.delete_own_post(member, post_id)
        return {"id": post_id, "deleted": True}

    @get("/search")
    async def search(self, user: m.User | None, db_session: AsyncSession, q: str = "", category: str = "",
                     guru: str = "", page: int = 1, broad: bool = False) -> dict[str, Any]:
        found = await search.search_page(db_session, user, q=q, category=category, guru=guru, page=page, broad=broad)
        results = found["results"]
        return {"q": q, "category": found["category"] or None, "guru": found["guru"] or None, "page": results.page,
                "has_next": results.has_next, "broadened": results.broadened,
                "results": [{**thread_json(hit), "category_slug": hit.category_slug, "guru_status": hit.guru_status,
                             "title_html": str(hit.title_html), "snippet_html": str(hit.snippet_html)}
                            for hit in results]}
