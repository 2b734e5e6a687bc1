"""Where a submit's CPU goes around the posting service: `submit_steps_cpu.py`'s run and steps
(the same flags; `submit_profile.py`'s whole app in one process) with more CPU-time accumulators
on what the request does outside `create_thread`/`create_reply`: the ASGI app as a whole (the rest
of "whole submit" is the test client's share), the middleware's own steps (input guard, session
load and store, CSRF compare), the member dependency, the form, the photo slots, the commits, the
reply's page cursor, the events after saving (coins, page cache), the flash cookie and redirect.
Printed as `submit_steps_cpu.py` prints (mean and median ms per submit, steps nest).

    python benchmarks/submit_request_cpu.py --data-dir /tmp/x --scratch /tmp/y --replies 330 --rounds 2 --members 40

"around the service" = whole submit - create_thread/create_reply (printed as its own line)."""

from __future__ import annotations

import asyncio
import importlib
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import submit_profile  # noqa: E402
import submit_steps_cpu  # noqa: E402
from submit_steps_cpu import samples, timed  # noqa: E402

# (module, attribute path of the owner ("" for the module), function name, label)
REQUEST_STEPS = (
    ("litestar.app", "Litestar", "__call__", "request: the ASGI app (all of the server's part)"),
    ("forum.inputs", "", "check_body", "request: input guard's body check"),
    ("forum.inputs", "", "check_route", "request: input guard's route check"),
    ("forum.sessions", "QuietSessionBackend", "load_from_connection", "request: session load"),
    ("forum.sessions", "QuietSessionBackend", "store_in_message", "request: session store (response)"),
    ("litestar.middleware.csrf", "CSRFMiddleware", "_csrf_tokens_match", "request: CSRF compare"),
    ("forum.web", "", "provide_user", "request: member (provide_user)"),
    ("forum.member_cache", "", "load_with_unread", "request: - member row and unread read"),
    ("litestar.connection.request", "Request", "form", "request: form parsing (Request.form)"),
    ("forum.photos.forms", "", "read", "request: photo slots (photo_forms.read)"),
    ("forum.controllers.board", "", "_category_or_404", "request: category by slug (new thread)"),
    ("forum.db", "", "commit_now", "request: commits (commit_now)"),
    ("forum.services.reading", "", "page_ending_with", "request: reply's page cursor"),
    ("forum.events", "", "emit", "request: events (coins, page cache, ...)"),
    ("forum.flash", "", "add", "request: flash cookie"),
    ("forum.web", "", "redirect", "request: redirect built"),
    ("litestar.response.redirect", "Redirect", "to_asgi_response", "request: redirect to ASGI response"),
    ("forum.services.posting", "PostingService", "_reply_reads", "service: reply's combined read"),
    ("forum.services.posting", "PostingService", "_thread_reads", "service: new thread's combined read"),
    ("forum.services.posting", "", "insert_row", "service: row inserts (insert_row)"),
    ("forum.services.posting", "", "bump_reply_count", "service: thread's reply count bump"),
    ("sqlalchemy.ext.asyncio.session", "AsyncSession", "commit", "session: every commit (commit_now's and the before-send one)"),
    ("sqlalchemy.ext.asyncio.session", "AsyncSession", "close", "session: close (before send)"),
    ("forum.page_cache", "", "_after_commit", "session events: page cache's tags after commit"),
    ("advanced_alchemy._listeners", "", "_is_listener_enabled", "session events: advanced_alchemy's listener switch"),
    ("advanced_alchemy._listeners", "AsyncFileObjectListener", "before_flush", "session events: file-object listener, before flush"),
    ("advanced_alchemy._listeners", "AsyncFileObjectListener", "after_commit", "session events: file-object listener, after commit"),
    ("advanced_alchemy._listeners", "AsyncCacheListener", "after_commit", "session events: cache listener, after commit"),
    ("advanced_alchemy._listeners", "", "touch_updated_timestamp", "session events: updated_at listener, before flush"),
    ("advanced_alchemy.types.file_object", "FileObjectSessionTracker", "commit_async", "session events: file-object tracker's commit task"),
)


def instrument_request() -> None:
    for module_name, owner_path, name, label in REQUEST_STEPS:
        try:
            owner = importlib.import_module(module_name)
            for part in filter(None, owner_path.split(".")):
                owner = getattr(owner, part)
            getattr(owner, name)
        except (ImportError, AttributeError):
            print(f"(not timed: {module_name}.{owner_path}.{name})", file=sys.stderr)
            continue
        timed(owner, name, label)
    # The board controller's handlers import `redirect`, `commit_now`, `_category_or_404` by name.
    from forum.controllers import board
    from forum import db, web
    board.redirect, board.commit_now = web.redirect, db.commit_now


def report_around() -> None:
    for kind, service in (("thread", "create_thread"), ("reply", "create_reply")):
        whole = samples.get((kind, "whole submit"))
        inner = samples.get((kind, service))
        if whole and inner and len(whole) == len(inner):
            around = [a - b for a, b in zip(whole, inner)]
            print(f"{kind}: around the service (whole submit - {service}), mean / median ms: "
                  f"{1000 * sum(around) / len(around):.2f} / {1000 * statistics.median(around):.2f}")


if __name__ == "__main__":
    submit_steps_cpu.instrument()
    instrument_request()
    code = asyncio.run(submit_profile.main())
    submit_steps_cpu.report()
    report_around()
    sys.exit(code)
