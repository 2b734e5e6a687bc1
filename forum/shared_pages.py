"""Rendered pages shared by the server processes, and one render per page across them.

Without this, each server process renders a changed page itself: on a busy category (a reply every
few tens of milliseconds, each changing page 1) every process renders the same page once per reply.
Here the first process to miss a page (for the generations it read) takes a lock for that page and
renders it; a process that misses meanwhile waits for the page to appear in the shared store (under
the same generations) and serves that, rendering on its own only when the lock is released without
one (the render failed, was not shareable, or what it shows changed meanwhile) or `wait` passes.

A stored page carries its tags and the generations read before it was rendered (`forum.page_cache`);
a process serves one only while they are the current ones, exactly as it serves its own copies, so
sharing never serves anything a process's own cache would not.

Two stores:
- `FileStore`: files in the data dir, for processes of one machine (the SQLite set-up). A page is
  written to a temporary file and renamed into place (readers see the old or the new file, never half
  of one); its file is one of `slots` per run (hashed from its key, which the file records), so the
  directory stays bounded (1,024 pages: a few tens of MB). The lock is an `flock` on a lock file named
  by the page and its generations, released by the kernel if its process dies. The directory is named
  by the server run (`webboard serve` names one per start), so pages of an earlier run, maybe of
  another database, are never read.
- `RedisStore`: the page keys in Redis the guest cache already used, with a lock key (SET NX PX).
"""

from __future__ import annotations

import asyncio
import fcntl
import logging
import os
import secrets
import shutil
import time
import zlib
from pathlib import Path
from typing import Any

from . import tail_trace

log = logging.getLogger(__name__)
RUN_ENV = "WEBBOARD_SHARED_PAGES"  # set by `webboard serve` for its workers: the run's store name
OFF = ("0", "false", "off")
POLL = 0.002  # seconds between looks at the store while another process renders


class FileStore:
    def __init__(self, directory: Path, slots: int = 1024) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.directory, self.slots = directory, slots
        self._held: dict[str, int] = {}

    def _path(self, key: str) -> Path:
        return self.directory / f"{zlib.crc32(key.encode()) % self.slots:04x}"

    def _lock_path(self, lock: str) -> str:
        return str(self.directory / f"{zlib.crc32(lock.encode()) % self.slots:04x}.lock")

    async def get(self, key: str) -> bytes | None:
        try:
            raw = self._path(key).read_bytes()
        except FileNotFoundError:
            return None
        name, _, value = raw.partition(b"\n")
        return value if name == key.encode() else None  # another key of the same slot

    async def put(self, key: str, value: bytes, ttl: int) -> None:
        path = self._path(key)
        temporary = path.with_name(f"{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        try:
            temporary.write_bytes(key.encode() + b"\n" + value)
            os.replace(temporary, path)
        except OSError:  # (the directory removed under a running server, a full disk: the page stays this process's)
            log.warning("shared pages: could not store a page in %s", self.directory, exc_info=True)
            temporary.unlink(missing_ok=True)

    async def try_lock(self, key: str) -> Any:
        """A handle if this process now renders `key` for every process, else None (another does)."""
        try:
            fd = os.open(self._lock_path(key), os.O_RDWR | os.O_CREAT, 0o600)
        except FileNotFoundError:  # the directory was removed (another `serve` on this data dir): made again
            self.directory.mkdir(parents=True, exist_ok=True)
            fd = os.open(self._lock_path(key), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return None
        return fd

    async def release(self, key: str, handle: Any) -> None:
        os.close(handle)  # closing the descriptor releases its flock

    async def lock_and_get(self, lock: str, key: str) -> tuple[Any, bytes | None]:
        """`try_lock(lock)`, then `get(key)` (the page as stored once the lock was tried)."""
        handle = await self.try_lock(lock)
        return handle, await self.get(key)

    async def locked(self, key: str) -> bool:
        handle = await self.try_lock(key)
        if handle is None:
            return True
        await self.release(key, handle)
        return False


class RedisStore:
    def __init__(self, generations: Any) -> None:
        self.generations = generations

    def _lock_key(self, key: str) -> str:
        return f"{self.generations.prefix}:render:{key}"

    async def get(self, key: str) -> bytes | None:
        return await self.generations.get_page(key)

    async def put(self, key: str, value: bytes, ttl: int) -> None:
        await self.generations.set_page(key, value, ttl)

    async def try_lock(self, key: str, seconds: float = 5.0) -> Any:
        token = secrets.token_hex(8)
        taken = await self.generations.client.set(self._lock_key(key), token, nx=True, px=int(seconds * 1000))
        return token if taken else None

    async def lock_and_get(self, lock: str, key: str, seconds: float = 5.0) -> tuple[Any, bytes | None]:
        """`try_lock(lock)` and then `get(key)` in one round trip (a pipeline: Redis runs the two commands
        in order, so the GET sees every page stored before the lock was tried)."""
        token = secrets.token_hex(8)
        pipe = self.generations.client.pipeline(transaction=False)
        pipe.set(self._lock_key(lock), token, nx=True, px=int(seconds * 1000))
        pipe.get(self.generations.page_key(key))
        taken, raw = await pipe.execute()
        return (token if taken else None), raw

    async def release(self, key: str, handle: Any) -> None:
        # ours only: an expired lock taken by another stays theirs (compared and deleted in one round trip)
        await self.generations.client.eval(RELEASE, 1, self._lock_key(key), handle)

    async def locked(self, key: str) -> bool:
        return bool(await self.generations.client.exists(self._lock_key(key)))


RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0"

Store = FileStore | RedisStore


def file_store(data_dir: Path) -> FileStore | None:
    """The run's file store, when this process was started by `webboard serve` (None otherwise:
    one process keeps its pages in its own memory)."""
    run = os.environ.get(RUN_ENV)
    if not run or run in OFF or not run.isalnum():
        return None
    return FileStore(Path(data_dir) / "shared-pages" / run)


def start_run(data_dir: Path) -> str | None:
    """Names this server run's store (inherited by its worker processes) and removes earlier runs'.
    WEBBOARD_SHARED_PAGES=0 keeps each process's pages to itself."""
    if os.environ.get(RUN_ENV) in OFF:
        return None
    shutil.rmtree(Path(data_dir) / "shared-pages", ignore_errors=True)
    run = os.environ[RUN_ENV] = secrets.token_hex(8)
    return run


async def wait_for_other(store: Store, key: str, lock: str, usable: Any, wait: float) -> tuple[Any, Any]:
    """Either the page another process rendered for us (`await usable(raw)` returns it, else None) as
    (entry, None), or the lock `lock` (the page and the generations it is rendered for: a render of
    older generations never holds up one of newer ones) to render it ourselves as (None, handle).
    (None, None): render without the lock (the other render took longer than `wait`).

    The caller has just looked for the page in the store (and found none it could serve), so each look
    here tries the lock and reads the page together (`lock_and_get`: one Redis round trip): a page found
    then is served whether or not the lock was taken (a lock taken needlessly is released)."""
    started = time.monotonic()
    deadline = started + wait
    while True:
        handle, raw = await store.lock_and_get(lock, key)
        if raw is not None and (entry := await usable(raw)) is not None:
            if handle is not None:
                await store.release(lock, handle)
            elif tail_trace.PATH is not None:
                tail_trace.note("xwait", (time.monotonic() - started) * 1000, started)
            return entry, None
        if handle is not None:
            return None, handle
        if time.monotonic() >= deadline:
            return None, None
        await asyncio.sleep(POLL)


def lock_name(key: str, generations: tuple[int, ...]) -> str:
    return f"{key}|{','.join(map(str, generations))}"
