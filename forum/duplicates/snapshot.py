"""The saved duplicate index: one file in the data dir that server processes load at start
instead of re-analysing every thread (Thai segmentation costs 1-3 ms a thread).

Written and read only by this module (`pickle` of `DuplicateIndex.to_state()` plus the live
index's watermark and per-thread versions). A file is used only when its header names this
format, this analyzer (a digest of the analysis code, the vocabulary and PyThaiNLP's version),
the same duplicate threshold and the same database, and when its payload's checksum is right;
anything else is ignored and the index is built from the database again.

File layout: ``MAGIC``, one JSON header line, the pickled payload. Writes go to a temporary file
in the same directory and are moved over the old one (`os.replace`), so a reader sees the old
file or the new one, never half of one. `SnapshotStore.lock` (an `fcntl.flock` on a lock file
next to it) makes the processes of one server take turns: the first builds and writes, the
others wait and load.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import logging
import os
import pickle
from collections.abc import AsyncIterator
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from .features import Analyzer, Vocabulary

log = logging.getLogger(__name__)

MAGIC = b"WEBBOARD-DUPLICATE-INDEX\n"
SNAPSHOT_FORMAT = 2  # bump when the payload's layout or meaning changes (2: fixed reference weights)
MAX_HEADER_BYTES = 64 * 1024
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
_MICROSECOND = dt.timedelta(microseconds=1)


def micros(value: dt.datetime) -> int:
    """A timestamp as whole microseconds since 1970 (naive values are UTC), for exact comparison."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return (value - EPOCH) // _MICROSECOND


# -- what a snapshot must match -------------------------------------------------------------
@lru_cache(maxsize=1)
def _code_digest() -> str:
    """The code that turns text into index rows: analysis, segmentation, index layout, and the
    fixed reference weights the rows' norms are computed with. (thirty-third pass) `romanised.py`
    too: its folding, respelling and consonant keys are part of every analysis."""
    from .. import text
    from . import features, index, romanised, weights

    digest = hashlib.sha256()
    for module in (features, text, index, romanised, weights):
        digest.update(Path(module.__file__).read_bytes())
    digest.update((Path(weights.__file__).parent / "data" / weights.WEIGHTS_FILE).read_bytes())
    try:
        digest.update(metadata.version("pythainlp").encode())
    except metadata.PackageNotFoundError:  # pragma: no cover
        digest.update(b"pythainlp ?")
    return digest.hexdigest()


_VOCABULARY_DIGESTS: dict[int, tuple[Vocabulary, str]] = {}


def _vocabulary_digest(vocabulary: Vocabulary) -> str:
    cached = _VOCABULARY_DIGESTS.get(id(vocabulary))
    if cached is not None and cached[0] is vocabulary:
        return cached[1]
    digest = hashlib.sha256()
    for name, concept in sorted(vocabulary.concepts.items()):
        digest.update(f"{name}>{' '.join(concept.implies)}\n".encode())
    for form, target in sorted(vocabulary.form_to_concept.items()):
        digest.update(f"{form}={target}\n".encode())
    _VOCABULARY_DIGESTS[id(vocabulary)] = (vocabulary, digest.hexdigest())
    return digest.hexdigest()


def analyzer_version(analyzer: Analyzer, **parameters: Any) -> str:
    """Short digest of everything that decides what the index stores for a thread."""
    digest = hashlib.sha256()
    digest.update(f"format {SNAPSHOT_FORMAT}\n{_code_digest()}\n{_vocabulary_digest(analyzer.vocabulary)}\n".encode())
    digest.update(json.dumps(parameters, sort_keys=True).encode())
    return digest.hexdigest()[:16]


def database_identity(url: str) -> str:
    """The database a snapshot was built from, without the password (a relative SQLite path is
    made absolute so the server and the command agree)."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
        parsed = parsed.set(database=os.path.abspath(parsed.database))
    return hashlib.sha256(parsed.set(password=None).render_as_string(hide_password=False).encode()).hexdigest()[:16]


# -- per-thread versions ----------------------------------------------------------------------
class Versions:
    """For each indexed thread, `content_changed_at` (microseconds) of the database row whose
    text is in the index (before revision 0016_newthread, `updated_at`: the revision fills the
    new column with it, so older snapshots still match). Kept as two sorted arrays plus the changes since (compact: 16 bytes a thread).
    A process that loads a snapshot compares them with the database and re-reads only the threads
    that differ, so edits, hides, hard deletes and late commits are all caught."""

    COMPACT_AFTER = 10_000

    def __init__(self, ids: np.ndarray | None = None, at: np.ndarray | None = None) -> None:
        self.ids = np.zeros(0, np.int64) if ids is None else np.asarray(ids, dtype=np.int64)
        self.at = np.zeros(0, np.int64) if at is None else np.asarray(at, dtype=np.int64)
        if len(self.ids) != len(self.at) or (len(self.ids) > 1 and np.any(np.diff(self.ids) <= 0)):
            raise ValueError("versions must be sorted, unique and paired")
        self.changes: dict[int, int | None] = {}

    def set(self, thread_id: int, changed_at: dt.datetime) -> None:
        self.changes[int(thread_id)] = micros(changed_at)
        if len(self.changes) > self.COMPACT_AFTER:
            self.compact()

    def drop(self, thread_id: int) -> None:
        self.changes[int(thread_id)] = None
        if len(self.changes) > self.COMPACT_AFTER:
            self.compact()

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        if not self.changes:
            return self.ids, self.at
        changed = np.fromiter(self.changes, dtype=np.int64, count=len(self.changes))
        keep = ~np.isin(self.ids, changed)
        added = [(i, at) for i, at in self.changes.items() if at is not None]
        ids = np.concatenate([self.ids[keep], np.fromiter((i for i, _ in added), np.int64, len(added))])
        at = np.concatenate([self.at[keep], np.fromiter((a for _, a in added), np.int64, len(added))])
        order = np.argsort(ids, kind="stable")
        return ids[order], at[order]

    def compact(self) -> None:
        self.ids, self.at = self.arrays()
        self.changes = {}


# -- the file -----------------------------------------------------------------------------------
class SnapshotStore:
    """The snapshot file of one database in one directory (`<data_dir>/duplicates/`)."""

    POLL_SECONDS = 0.2

    def __init__(self, directory: str | Path, database: str) -> None:
        self.directory = Path(directory)
        self.database = database
        self.lock_path = self.directory / "index.lock"
        self.waits = 0  # times this store found the lock taken by another process (or store)

    @classmethod
    def for_settings(cls, settings: Any) -> SnapshotStore:
        return cls(Path(settings.data_dir) / "duplicates", database_identity(settings.db.url))

    def usable(self) -> bool:
        """Whether the directory and its lock file can be made (a read-only data dir: no snapshots)."""
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            os.close(os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o644))
            return True
        except OSError as error:
            log.warning("duplicate index snapshots are off: %s", error)
            return False

    def path(self, version: str) -> Path:
        return self.directory / f"index-{version}.bin"

    # reading ------------------------------------------------------------------------------
    def read_header(self, version: str) -> dict[str, Any] | None:
        try:
            with open(self.path(version), "rb") as handle:
                return self._header(handle)
        except (OSError, ValueError):
            return None

    def _header(self, handle: Any) -> dict[str, Any]:
        if handle.read(len(MAGIC)) != MAGIC:
            raise ValueError("not a duplicate index snapshot")
        line = handle.readline(MAX_HEADER_BYTES)
        if not line.endswith(b"\n"):
            raise ValueError("snapshot header is cut short")
        header = json.loads(line)
        if not isinstance(header, dict):
            raise ValueError("snapshot header is not an object")
        return header

    def read(self, version: str, expected: dict[str, Any]) -> tuple[dict[str, Any], Any] | None:
        """(header, payload) of the snapshot when it exists and matches `expected` (format,
        analyzer, threshold, database), else None (the reason is logged)."""
        path = self.path(version)
        try:
            with open(path, "rb") as handle:
                header = self._header(handle)
                want = {"format": SNAPSHOT_FORMAT, "analyzer": version, "database": self.database, **expected}
                wrong = sorted(key for key, value in want.items() if header.get(key) != value)
                if wrong:
                    log.info("duplicate index snapshot %s not used: %s differ", path, ", ".join(wrong))
                    return None
                size = int(header["payload_bytes"])
                data = handle.read(size + 1)
            if len(data) != size:
                raise ValueError(f"payload is {len(data)} bytes, header says {size}")
            if hashlib.blake2b(data, digest_size=16).hexdigest() != header.get("payload_blake2b"):
                raise ValueError("payload checksum does not match")
            return header, pickle.loads(data)  # our own file, checksummed: see the module docstring
        except FileNotFoundError:
            return None
        except Exception as error:  # corrupt, truncated, or written by other code
            log.warning("duplicate index snapshot %s ignored: %s", path, error)
            return None

    # writing ------------------------------------------------------------------------------
    def write(self, version: str, header: dict[str, Any], payload: Any) -> tuple[Path, int]:
        """Writes the snapshot atomically; returns its path and size. Snapshots of other
        versions (older code) in the directory are removed."""
        self.directory.mkdir(parents=True, exist_ok=True)
        data = pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)
        header = {**header, "format": SNAPSHOT_FORMAT, "analyzer": version, "database": self.database,
                  "written_at": dt.datetime.now(dt.timezone.utc).isoformat(), "payload_bytes": len(data),
                  "payload_blake2b": hashlib.blake2b(data, digest_size=16).hexdigest()}
        path = self.path(version)
        temporary = self.directory / f".{path.name}.{os.getpid()}.tmp"
        try:
            with open(temporary, "wb") as handle:
                handle.write(MAGIC)
                handle.write(json.dumps(header, sort_keys=True).encode() + b"\n")
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, path)
        finally:
            with contextlib.suppress(FileNotFoundError):
                temporary.unlink()
        with contextlib.suppress(OSError):
            fd = os.open(self.directory, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        for other in self.directory.glob("index-*.bin"):
            if other != path:
                with contextlib.suppress(OSError):
                    other.unlink()
        return path, path.stat().st_size

    # taking turns -------------------------------------------------------------------------
    @contextlib.asynccontextmanager
    async def lock(self, *, wait: bool = True) -> AsyncIterator[bool]:
        """Holds the directory's lock (exclusive, across processes). Waiting polls without
        blocking the event loop. With wait=False, yields False at once if the lock is taken."""
        self.directory.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            acquired = False
            while not acquired:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    acquired = True
                except BlockingIOError:
                    if not wait:
                        break
                    if self.waits == 0 or self.waits % 300 == 0:
                        log.info("duplicate index: waiting for another process to build or load the snapshot")
                    self.waits += 1
                    await asyncio.sleep(self.POLL_SECONDS)
            try:
                yield acquired
            finally:
                if acquired:
                    fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)
