"""Start-up warm-up: everything a submit (or a page) loads on first use is loaded before the
process takes requests, so the first member to post after a restart is not the one who pays for
it. Measured on the benchmark board (CPU of the first call in a fresh process): PyThaiNLP's newmm
dictionary on the first Thai text about 1.3 s (the classifier, the search terms and the duplicate
analysis all segment Thai), the Thai word list of the search terms 0.9 s, markdown-it and the
sanitiser 0.1 s, each template its compile. Under load these seconds landed on the first submits
of every worker (the first burst of a write benchmark waited 2-5 s)."""

from __future__ import annotations

import logging
import time
from typing import Any

from litestar import Litestar

log = logging.getLogger(__name__)

# Thai and English with markup, so every branch that loads something lazily is taken once.
SAMPLE_TITLE = "น้ำมันเครื่องรั่ว engine oil leak ครับ"
SAMPLE_BODY = ("เปลี่ยนน้ำมันเครื่องที่ศูนย์บริการแล้ว **มีเสียงดัง** ตอนเช้า ช่วยแนะนำหน่อยครับ\n\n"
               "Changed the oil at the service centre, now a *noise* when cold. [link](https://example.com)")


# Set by the server's entry point (forum/asgi.py): apps made in tests (one per test) skip it.
WARM_UP_KEY = "warm_up_at_start"


def warm_up(app: Litestar) -> None:
    """Runs each lazily loaded path once (synchronously: the server does not answer before
    start-up is done, so nothing else competes with it)."""
    if not app.state.get(WARM_UP_KEY):
        return
    started = time.process_time()
    from .duplicates.hook import live_index
    from .rendering import render_markdown
    from .text import search_terms, tokenize

    tokenize(f"{SAMPLE_TITLE} {SAMPLE_BODY}")
    search_terms(f"{SAMPLE_TITLE}\n{SAMPLE_BODY}")
    render_markdown(SAMPLE_BODY)
    live_index(app.state).index.analyzer.analyze(SAMPLE_TITLE, SAMPLE_BODY)
    model = app.state.get("moderation_model")
    if model is not None:
        model.score(f"{SAMPLE_TITLE}\n{SAMPLE_BODY}")
    _compile_templates(app)
    log.info("warm-up done in %.2f s of CPU", time.process_time() - started)


def _compile_templates(app: Litestar) -> None:
    """Jinja compiles a template on its first render; the environment keeps it afterwards."""
    config: Any = app.template_engine
    environment = getattr(config, "engine", None)
    if environment is None:
        return
    for name in environment.list_templates(extensions=["html"]):
        try:
            environment.get_template(name)
        except Exception:  # a broken template fails where it is rendered, as before
            log.warning("template %s did not compile at start-up", name, exc_info=True)
