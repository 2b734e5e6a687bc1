"""Server-rendered webboard pages: categories, threads, replies, edits and search."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from litestar import Controller, Request, get, post
from litestar.datastructures import State
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

import models as m

from .. import member_pages, page_cache, post_notes
from ..errors import DomainError, NotFound
from ..i18n import N_, gettext
from ..services import reading, search
from ..services.categories import CategoryService
from ..services.posting import PostingService
from ..db import commit_now, holds_write_lock
from ..web import error_text, field_errors, redirect, render
from ..access import CategoryGated
from ..photos import forms as photo_forms
from .membership import gate_page, gated_error_page, thread_gate
from ..inputs import parse_id


class BoardController(Controller):
    """The reading pages (home, category, thread) take only `user` (which brings the session) and
    read settings from the app state: Litestar resolves independent dependencies concurrently,
    spawning a task group per request, which costs more than these pages' own logic."""

    include_in_schema = False

    @get("/", name="home")
    async def home(self, request: Request, user: m.User | None, db_session: AsyncSession) -> Template:
        member_pages.describe(request, m.CategoryAccess.OPEN)
        return render(request, "home.html", categories=await CategoryService(db_session).list())

    @get("/c/{slug:str}", name="category")
    async def category(
        self, request: Request, state: State, slug: str, user: m.User | None, db_session: AsyncSession,
        after: str | None = None, before: str | None = None,
    ) -> Template:
        # what the page shows of the category, as a plain row (forum.services.categories.CategoryShown)
        category = await _category_or_404(CategoryService(db_session).shown_by_slug, slug)
        if (gate := gate_page(request, category, user)) is not None:
            return gate
        page = await reading.category_threads(
            db_session, category.id, limit=state.settings.board.threads_per_page, after=after, before=before,
            shown_only=True,
        )
        member_pages.describe(request, category.access)
        if after and not before:
            page_cache.note_rows(request, page.read_ids)  # an older page: stored under its rows' tags
        return render(request, "category.html", category=category, page=page)

    @get("/c/{slug:str}/new", name="new_thread")
    async def new_thread(self, request: Request, slug: str, member: m.User, categories: CategoryService,
                         posting: PostingService) -> Template:
        category = await _category_or_404(categories.by_slug, slug)
        if (gate := gate_page(request, category, member)) is not None:
            return gate
        return render(request, "thread_form.html", category=category, all_categories=await categories.list(), form={},
                      allowance=await posting.allowance(member))

    @post("/c/{slug:str}/new", name="create_thread", request_max_body_size=photo_forms.request_limit())
    async def create_thread(
        self, request: Request, state: State, slug: str, member: m.User, db_session: AsyncSession
    ) -> Template | Redirect:
        categories, posting = CategoryService(db_session), _posting(state, db_session)
        category = await _category_or_404(categories.by_slug, slug)
        if (gate := gate_page(request, category, member)) is not None:
            return gate
        form = dict(await request.form())
        try:
            photos = await photo_forms.read(request, member)
            thread, _ = await posting.create_thread(
                member, category_id=_int(form.get("category_id"), category.id), title=form.get("title", ""),
                body=form.get("body", ""), distinct_reason=form.get("distinct_reason"),
                distinct_from_id=_int(form.get("distinct_from_id"), None), photos=photos,
            )
        except DomainError as error:
            return render(
                request, "thread_form.html", status_code=error.status_code, category=category,
                all_categories=await categories.list(), form=form, error=error_text(error),
                errors=field_errors(error), problem=error, allowance=await posting.allowance(member),
            )
        await commit_now(posting.session)
        message = N_("Your thread is awaiting review.") if thread.visibility == m.Visibility.HELD else N_("Thread posted.")
        return redirect(request, f"/t/{thread.id}", message)

    @get("/t/{thread_id:int}", name="thread")
    async def thread(
        self, request: Request, state: State, thread_id: int, user: m.User | None, db_session: AsyncSession,
        after: int | None = None,
    ) -> Template:
        settings = state.settings
        header = await reading.thread_header(db_session, thread_id)
        if header is None or not _visible(header, user):
            raise NotFoundException()
        if (gate := await thread_gate(request, db_session, header, user)) is not None:
            return gate
        posts, next_after = await reading.thread_posts(
            db_session, thread_id, user, limit=settings.board.posts_per_page, after=after
        )
        if header.visibility == m.Visibility.PUBLISHED and member_pages.rendering_for_cache(request):
            member_pages.describe(request, header.category_access, await reading.held_authors(db_session, thread_id))
        return render(request, "thread.html", thread=header, posts=posts, next_after=next_after, after=after,
                      post_notes=await post_notes.for_posts(db_session, posts))

    @post("/t/{thread_id:int}/reply", name="reply", request_max_body_size=photo_forms.request_limit())
    async def reply(
        self, request: Request, state: State, thread_id: int, member: m.User, db_session: AsyncSession,
    ) -> Template | Redirect:
        settings, posting = state.settings, _posting(state, db_session)
        form = dict(await request.form())
        try:
            photos = await photo_forms.read(request, member)
            post_row = await posting.create_reply(member, thread_id=thread_id, body=form.get("body", ""), photos=photos)
        except NotFound:
            raise NotFoundException() from None
        except CategoryGated as error:
            return gated_error_page(request, error)
        except DomainError as error:
            header = await reading.thread_header(db_session, thread_id)
            posts, next_after = await reading.thread_posts(db_session, thread_id, member, limit=settings.board.posts_per_page)
            return render(request, "thread.html", status_code=error.status_code, thread=header, posts=posts,
                          next_after=next_after, after=None, form=form, error=error_text(error), errors=field_errors(error),
                          post_notes=await post_notes.for_posts(db_session, posts))
        if holds_write_lock(db_session):
            await commit_now(db_session)
        message = N_("Your reply is awaiting review.") if post_row.visibility == m.Visibility.HELD else N_("Reply posted.")
        after = await reading.page_ending_with(db_session, thread_id, post_row.id, member,
                                               limit=settings.board.posts_per_page)
        await commit_now(db_session)  # (PostgreSQL: with the page cursor's read in the same transaction)
        return redirect(request, f"/t/{thread_id}" + (f"?after={after}" if after else "") + f"#p{post_row.id}", message)

    @get("/p/{post_id:int}/edit", name="edit_post")
    async def edit_form(self, request: Request, post_id: int, member: m.User, db_session: AsyncSession) -> Template:
        post_obj, thread = await _own_post(db_session, post_id, member)
        form = {"title": thread.title, "body": post_obj.body_raw}
        return render(request, "post_edit.html", post=post_obj, thread=thread, form=form)

    @post("/p/{post_id:int}/edit", name="update_post")
    async def edit(
        self, request: Request, post_id: int, member: m.User, posting: PostingService, db_session: AsyncSession
    ) -> Template | Redirect:
        post_obj, thread = await _own_post(db_session, post_id, member)
        form = dict(await request.form())
        try:
            await posting.edit_post(member, post_id, body=form.get("body", ""), title=form.get("title"))
        except DomainError as error:
            return render(request, "post_edit.html", status_code=error.status_code, post=post_obj, thread=thread,
                          form=form, error=error_text(error), errors=field_errors(error))
        return redirect(request, f"/t/{thread.id}#p{post_id}", "Post updated.")

    @post("/p/{post_id:int}/delete", name="delete_post")
    async def delete(self, request: Request, post_id: int, member: m.User, posting: PostingService,
                     db_session: AsyncSession) -> Redirect:
        post_obj, thread = await _own_post(db_session, post_id, member)
        await posting.delete_own_post(member, post_id)
        if post_obj.is_opening:
            return redirect(request, f"/c/{(await db_session.get(m.Category, thread.category_id)).slug}", "Thread deleted.")
        return redirect(request, f"/t/{thread.id}", "Post deleted.")

    @get("/search", name="search")
    async def search(self, request: Request, user: m.User | None, db_session: AsyncSession, q: str = "",
                     category: str = "", guru: str = "", page: int = 1, broad: bool = False) -> Template:
        found = await search.search_page(db_session, user, q=q, category=category, guru=guru, page=page, broad=broad)
        return render(request, "search.html", **found)


def _posting(state: State, db_session: AsyncSession) -> PostingService:
    """The posting service, made in the handler: the form posts take only `member` and
    `db_session` as dependencies, since Litestar resolves two or more independent dependencies
    in a task group of their own, which cost more per submit than making these objects."""
    return PostingService(db_session, state.settings, state.post_hooks)


T = TypeVar("T")


async def _category_or_404(lookup: Callable[[str], Awaitable[T]], slug: str) -> T:
    try:
        return await lookup(slug)
    except NotFound:
        raise NotFoundException() from None


async def _own_post(db_session: AsyncSession, post_id: int, member: m.User) -> tuple[m.Post, m.Thread]:
    post_obj = await db_session.get(m.Post, post_id)
    if post_obj is None or post_obj.visibility == m.Visibility.DELETED:
        raise NotFoundException()
    if post_obj.author_id != member.id:
        raise PermissionDeniedException(gettext("You can only change your own posts."))
    thread = await db_session.get(m.Thread, post_obj.thread_id)
    assert thread is not None
    return post_obj, thread


def _visible(header: Any, user: m.User | None) -> bool:
    if header.visibility == m.Visibility.PUBLISHED:
        return True
    return header.visibility == m.Visibility.HELD and user is not None and (user.is_admin or user.id == header.author_id)


def _int(value: Any, default: int | None) -> int | None:
    return parse_id(value, default)  # out of 64-bit range counts as not a number
