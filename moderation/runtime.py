"""The model a server process runs with: loaded (or, when there is none, trained from the
shipped corpus) once per process at start-up and kept in `app.state.moderation_model`."""

from __future__ import annotations

import fcntl
import logging
import threading
import time
from pathlib import Path

from litestar import Litestar

from moderation.classifier import METADATA_FILE, ModerationModel, load_or_train

log = logging.getLogger(__name__)
_lock = threading.Lock()
_models: dict[str, tuple[int, ModerationModel]] = {}


def _stamp(directory: Path) -> int:
    meta = directory / METADATA_FILE
    return meta.stat().st_mtime_ns if meta.exists() else -1


def model_for(directory: str | Path) -> ModerationModel:
    """The model in `directory`, loaded once per process (again only if the artifact changed).
    A file lock keeps two workers starting on an empty directory from training twice."""
    directory = Path(directory)
    key = str(directory.resolve())
    with _lock:
        cached = _models.get(key)
        if cached and cached[0] == _stamp(directory):
            return cached[1]
        directory.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        with open(directory / ".moderation.lock", "w") as lock_file:
            fcntl.flock(lock_file, fcntl.LOCK_EX)
            try:
                model = load_or_train(directory)
            finally:
                fcntl.flock(lock_file, fcntl.LOCK_UN)
        model.score("warm up the tokenizer")  # the first call loads dictionaries
        # explain() builds the feature names on first use (seconds): do it off the start-up path
        threading.Thread(target=_prime_explain, args=(model,), daemon=True).start()
        _models[key] = (_stamp(directory), model)
        log.info("moderation model %s ready in %.2fs", model.version, time.perf_counter() - started)
        return model


def _prime_explain(model: ModerationModel) -> None:
    try:
        model.explain("warm up", model.metadata.get("labels", ["trading"])[0])
    except Exception:  # only a warm-up: the queue page explains on demand anyway
        log.warning("moderation: explain warm-up failed", exc_info=True)


def on_startup(app: Litestar) -> None:
    """Litestar start-up hook: load the model and hand it to the moderation post hook."""
    from moderation.hook import ModerationHook

    from moderation import thresholds

    model = app.state.get("moderation_model") or model_for(app.state.settings.moderation.model_dir)
    app.state.moderation_model = model
    thresholds.use_model_defaults(getattr(model, "metadata", {}).get("thresholds"))
    for hook in app.state.post_hooks:
        if isinstance(hook, ModerationHook) and hook.model is None:
            hook.model = model
