"""Edit and approve: the admin removes what broke the rules and publishes the rest (undoing what
the item caused, as approve does). The old text is kept as a revision; the edited text is kept
as a clean example."""

from __future__ import annotations

import models as m
from forum.services.posting import validate_text
from forum.rendering import render_markdown
from forum.text import search_terms
from moderation import audit, notices
from moderation.actions import ActionContext, Target, keep_decision, resolve
from moderation.actions.approve import tell_author, undo


def check_text(ctx: ActionContext, target: Target, title: str | None, body: str | None) -> tuple[str | None, str]:
    return validate_text(ctx.posting.settings.board, title, body or "", with_title=target.post.is_opening)


def _text(target: Target) -> dict:
    return {"title": target.thread.title if target.post.is_opening else None, "body": target.post.body_raw}


async def edit_and_approve(ctx: ActionContext, target: Target, *, body: str | None, title: str | None = None,
                           note: str | None = None) -> bool:
    title, body = check_text(ctx, target, title, body)
    item, post, thread = target.item, target.post, target.thread
    edited = body != post.body_raw or (title is not None and title != thread.title)
    if not edited and item.status == m.ReviewStatus.APPROVED:
        return False
    before = target.snapshot() | _text(target)
    if edited:
        ctx.session.add(m.PostRevision(post_id=post.id, editor_id=ctx.admin.id,
                                       title=thread.title if post.is_opening else None, body_raw=post.body_raw,
                                       revised_at=ctx.now))
        post.body_raw, post.body_html, post.edited_at = body, render_markdown(body), ctx.now
        if title is not None:
            thread.title = title
            thread.search_terms = search_terms(f"{title}\n{body}")
        if post.is_opening:  # the duplicate analysis kept with the thread follows its new text
            from forum.duplicates.service import refresh_stored_analysis

            await refresh_stored_analysis(ctx.session, thread.id, thread.title, body)
    kind, _ = await undo(ctx, target)
    resolve(ctx, item, m.ReviewStatus.APPROVED)
    await keep_decision(ctx, item, "approved", target.text, [])
    if edited:
        await notices.tell(ctx.session, target.author, "moderation.edited", post=post, link=f"/t/{thread.id}#p{post.id}")
        kind = None
    await tell_author(ctx, target, kind)
    audit.record(ctx.session, "edited_and_approved", ctx.now, actor=ctx.admin, item=item,
                 target_user_id=target.author.id, before=before, after=target.snapshot() | _text(target), note=note)
    return True
