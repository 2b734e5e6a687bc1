"""Where photo files live. Keys are content-addressed (`ab/abcdef…/display.jpg`), so a key's bytes
never change and a half-written file never sits under a final name:

- `LocalStorage`: files under the data directory, each written to a temporary name in the same
  folder, flushed to disk, then renamed over the final name (atomic on POSIX).
- `S3Storage`: any S3-compatible object store through `obstore` (a PUT is atomic there: an
  interrupted upload leaves no object). For boards running several servers.

Both are served through the app (the gate runs first), never by public URL."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import AsyncIterator, Protocol

from ..settings import PhotoSettings, Settings

TMP_PREFIX = ".tmp-"


class StorageError(RuntimeError):
    """A photo store could not read or write (the upload is refused, nothing is saved)."""


@dataclass(frozen=True)
class StoredObject:
    key: str
    modified: dt.datetime


class Storage(Protocol):
    async def put(self, key: str, data: bytes) -> None: ...

    async def get(self, key: str) -> bytes | None: ...

    async def delete(self, keys: list[str]) -> None: ...

    def iter_objects(self) -> AsyncIterator[StoredObject]: ...


def key_for(digest: str, size: str) -> str:
    return f"{digest[:2]}/{digest}/{size}.jpg"


def digest_of(key: str) -> str | None:
    parts = key.split("/")
    return parts[1] if len(parts) == 3 and len(parts[1]) == 64 else None


class LocalStorage:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        if ".." in key.split("/") or key.startswith("/"):
            raise StorageError(f"bad key {key!r}")
        return self.root / key

    def _write(self, key: str, data: bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.parent / f"{TMP_PREFIX}{secrets.token_hex(6)}-{path.name}"
        try:
            with open(tmp, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise

    async def put(self, key: str, data: bytes) -> None:
        try:
            await asyncio.to_thread(self._write, key, data)
        except OSError as error:
            raise StorageError(str(error)) from error

    async def get(self, key: str) -> bytes | None:
        try:
            return await asyncio.to_thread(self._path(key).read_bytes)
        except FileNotFoundError:
            return None
        except OSError as error:
            raise StorageError(str(error)) from error

    async def delete(self, keys: list[str]) -> None:
        def remove() -> None:
            for key in keys:
                path = self._path(key)
                path.unlink(missing_ok=True)
                for folder in (path.parent, path.parent.parent):  # empty digest and fan-out folders go too
                    try:
                        folder.rmdir()
                    except OSError:
                        break

        await asyncio.to_thread(remove)

    async def iter_objects(self) -> AsyncIterator[StoredObject]:
        def scan() -> list[StoredObject]:
            found = []
            if not self.root.exists():
                return found
            for dirpath, _, filenames in os.walk(self.root):
                for name in filenames:
                    path = Path(dirpath) / name
                    try:
                        stamp = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.timezone.utc)
                    except FileNotFoundError:
                        continue
                    found.append(StoredObject(path.relative_to(self.root).as_posix(), stamp))
            return found

        for item in await asyncio.to_thread(scan):
            yield item


class S3Storage:
    def __init__(self, config: PhotoSettings, *, access_key_id: str | None = None,
                 secret_access_key: str | None = None) -> None:
        from obstore.store import S3Store

        options: dict[str, object] = {"region": config.s3_region}
        if config.s3_endpoint:
            options["endpoint"] = config.s3_endpoint
        key_id = access_key_id or os.environ.get("AWS_ACCESS_KEY_ID")
        secret = secret_access_key or os.environ.get("AWS_SECRET_ACCESS_KEY")
        if key_id and secret:
            options.update(access_key_id=key_id, secret_access_key=secret)
        client = {"allow_http": True} if (config.s3_endpoint or "").startswith("http://") else {}
        self.store = S3Store(config.s3_bucket, prefix=config.s3_prefix.strip("/") or None,
                             client_options=client, **options)  # type: ignore[arg-type]

    async def put(self, key: str, data: bytes) -> None:
        import obstore

        try:
            await obstore.put_async(self.store, key, data, attributes={"Content-Type": "image/jpeg"})
        except Exception as error:  # obstore raises its own error classes (network, auth, …)
            raise StorageError(str(error)) from error

    async def get(self, key: str) -> bytes | None:
        import obstore
        from obstore.exceptions import NotFoundError

        try:
            result = await obstore.get_async(self.store, key)
            return bytes(await result.bytes_async())
        except (FileNotFoundError, NotFoundError):
            return None
        except Exception as error:
            raise StorageError(str(error)) from error

    async def delete(self, keys: list[str]) -> None:
        import obstore

        if keys:
            await obstore.delete_async(self.store, keys)

    async def iter_objects(self) -> AsyncIterator[StoredObject]:
        import obstore

        async for batch in obstore.list(self.store):
            for meta in batch:
                yield StoredObject(meta["path"], meta["last_modified"])


def storage_for(settings: Settings) -> Storage:
    config = settings.photos
    if config.backend == "s3":
        if not config.s3_bucket:
            raise StorageError("WEBBOARD_PHOTO_S3_BUCKET is not set")
        return S3Storage(config)
    return LocalStorage(settings.data_dir / "photos")
