"""CPU per submit through the whole app, this tree's request-session set-up against main's, in one
process, alternating submit by submit (the order swapped every pair): `submit_sql_ab.py`'s loop
(its figures, statement counts and flags), with what is swapped every other submit being the
plugin's session listeners instead of a module:

- "this": the app as configured here (`forum.db.plugin_config`: Advanced Alchemy's cache listener
  switched on in the session's info, the file-object listener not registered);
- "other": main's configuration, rebuilt on the same session maker: no key in the session's info
  (each listener looks its switch up in the engines' execution options) and the file-object
  listener's three hooks registered on the sync session maker.

    python benchmarks/submit_session_ab.py --data-dir /tmp/x --scratch /tmp/y [--replies 300] [--rounds 3] [--members 40]

Everything else is this tree's; each member's first submit is not timed (as in `submit_sql_ab.py`)."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import submit_sql_ab  # noqa: E402
from submit_profile import copy_board  # noqa: E402

FILE_HOOKS = ("before_flush", "after_commit", "after_rollback")


class SessionListeners:
    """Set `variant` to "this" or "other" to switch the plugin's session set-up (see above)."""

    def __init__(self) -> None:
        self.configs: list = []
        self.current = "this"

    def capture(self) -> None:
        """Keeps every plugin config `create_app` makes (to reach its session maker later)."""
        from forum import app as app_module, db

        made = db.plugin_config

        def keep(*args, **kwargs):
            config = made(*args, **kwargs)
            self.configs.append(config)
            return config

        db.plugin_config = app_module.plugin_config = keep

    def __setattr__(self, name, value) -> None:
        if name != "variant":
            return object.__setattr__(self, name, value)
        if value == self.current:
            return
        from advanced_alchemy._listeners import AsyncFileObjectListener
        from sqlalchemy import event

        from forum.db import SESSION_INFO

        for config in self.configs:
            maker = config.create_session_maker()
            sync_maker = maker.kw["sync_session_class"]
            info = dict(maker.kw.get("info") or {})
            for hook in FILE_HOOKS:
                listener = getattr(AsyncFileObjectListener, hook)
                if value == "other":
                    event.listen(sync_maker, hook, listener)
                elif event.contains(sync_maker, hook, listener):
                    event.remove(sync_maker, hook, listener)
            for key in SESSION_INFO:
                if value == "other":
                    info.pop(key, None)
                else:
                    info[key] = SESSION_INFO[key]
            maker.kw["info"] = info
        object.__setattr__(self, "current", value)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", default="/tmp/webboard-bench")
    parser.add_argument("--scratch", required=True, help="copy the SQLite board here")
    parser.add_argument("--replies", type=int, default=300, help="replies per round (and a tenth as many new threads)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--members", type=int, default=40)
    args = parser.parse_args()
    args.offset, args.postgres, args.against, args.swap = 0, False, None, "session"
    scratch = copy_board(Path(args.data_dir), args.scratch)
    os.environ["WEBBOARD_DATA_DIR"] = str(scratch)
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("WEBBOARD_SECRET_KEY", "submit-session-ab-secret")
    listeners = SessionListeners()
    listeners.capture()
    submit_sql_ab.swapped = lambda _args: (listeners, "variant", {"this": "this", "other": "other"})
    asyncio.run(submit_sql_ab.run(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
