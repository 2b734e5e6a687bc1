"""Storage: local files written atomically (a write killed midway leaves no file under the final
name), an S3-compatible store (a real S3-protocol server, moto, started here), and the sweep:
a deleted post's photos and unreferenced files go, nothing a post shows is ever deleted, and a
failed or killed upload leaves no post pointing to a missing photo."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import signal
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import func, select

import models as m
from forum.photos import service
from forum.photos.image import process
from forum.photos.storage import LocalStorage, S3Storage, StorageError, key_for
from forum.services.accounts import utcnow
from forum.settings import PhotoSettings

from ...factories import login, post_form
from ...photo_samples import encode
from .conftest import post_files

JPEG = ("car.jpg", encode("JPEG"), "image/jpeg")
SIZES = ("thumb", "display", "original")


async def keys(store) -> set[str]:
    return {obj.key async for obj in store.iter_objects()}


async def count(db, model) -> int:
    return await db.scalar(select(func.count()).select_from(model))


async def test_a_deleted_posts_photos_are_swept_without_orphans(client, db, member, category, store, photo_settings):
    await login(client, member)
    for title in ("first", "second"):  # the same image on two posts
        await post_files(client, f"/c/{category.slug}/new", {"category_id": category.id, "title": title, "body": "b"},
                         [("photo_file_1", JPEG)])
    other = ("other.jpg", encode("JPEG", seed=7), "image/jpeg")
    await post_files(client, f"/c/{category.slug}/new", {"category_id": category.id, "title": "third", "body": "b"},
                     [("photo_file_1", other)])
    posts = (await db.scalars(select(m.Post).order_by(m.Post.id))).all()
    shared = await db.scalar(select(m.Photo.digest).where(m.Photo.post_id == posts[0].id))
    alone = await db.scalar(select(m.Photo.digest).where(m.Photo.post_id == posts[2].id))
    for post in (posts[0], posts[2]):
        assert (await post_form(client, f"/p/{post.id}/delete")).status_code == 200
    now = utcnow()
    # Within the retention time (an admin may still restore the post) nothing goes.
    result = await service.sweep(db, store, photo_settings.photos, now)
    assert result.purged_rows == 0 and len(await keys(store)) == 6
    later = now + dt.timedelta(days=photo_settings.photos.purge_after_days + 1)
    result = await service.sweep(db, store, photo_settings.photos, later)
    assert result.purged_rows == 2
    remaining = await keys(store)
    assert remaining == {key_for(shared, s) for s in SIZES}  # still shown by the second post
    assert not any(alone in k for k in remaining)
    assert await count(db, m.Photo) == 1
    photo = await db.scalar(select(m.Photo))
    assert (await client.get(f"/photos/{photo.id}/{photo.digest[:32]}/display.jpg")).status_code == 200


async def test_unreferenced_files_wait_out_the_grace_then_go(db, store, photo_settings):
    processed = process(encode("JPEG", seed=9), max_bytes=10 ** 8, max_pixels=10 ** 8)
    await service.store(store, processed)
    now = utcnow()
    await service.sweep(db, store, photo_settings.photos, now)
    assert len(await keys(store)) == 3  # a form may still send it back as a staged photo
    await service.sweep(db, store, photo_settings.photos, now + service.ORPHAN_GRACE + dt.timedelta(minutes=5))
    assert await keys(store) == set()


class FailingStore(LocalStorage):
    """Fails on the n-th write, as a full disk or a dropped connection to the store would."""

    def __init__(self, root: Path, fail_at: int) -> None:
        super().__init__(root)
        self.writes, self.fail_at = 0, fail_at

    async def put(self, key: str, data: bytes) -> None:
        self.writes += 1
        if self.writes == self.fail_at:
            raise StorageError("connection reset while writing")
        await super().put(key, data)


async def test_an_upload_that_fails_midway_saves_no_post_and_leaves_only_sweepable_files(
        app, client, db, member, category, tmp_path, photo_settings):
    failing = FailingStore(tmp_path / "failing", fail_at=3)  # thumb and display written, the original fails
    app.state.photo_storage = failing
    await login(client, member)
    response = await post_files(client, f"/c/{category.slug}/new",
                                {"category_id": category.id, "title": "title", "body": "body"}, [("photo_file_1", JPEG)])
    assert response.status_code == 400 and "could not be saved" in response.text
    assert await count(db, m.Thread) == 0 and await count(db, m.Post) == 0 and await count(db, m.Photo) == 0
    assert len(await keys(failing)) == 2
    await service.sweep(db, failing, photo_settings.photos, utcnow() + service.ORPHAN_GRACE + dt.timedelta(minutes=1))
    assert await keys(failing) == set()


KILLED_WRITER = textwrap.dedent("""
    import asyncio, os, sys, time
    from pathlib import Path
    sys.path.insert(0, {root!r})
    from forum.photos.storage import LocalStorage
    real_fsync = os.fsync
    def slow_fsync(fd):
        print("half-written", flush=True)  # the temporary file holds part of the photo now
        time.sleep(60)
        real_fsync(fd)
    os.fsync = slow_fsync
    asyncio.run(LocalStorage(Path({store!r})).put({key!r}, b"x" * 5_000_000))
""")


async def test_a_photo_write_killed_midway_leaves_no_file_under_its_name(db, tmp_path, photo_settings):
    store = LocalStorage(tmp_path / "killed")
    digest = "ab" * 32
    key = key_for(digest, "original")
    script = KILLED_WRITER.format(root=str(Path(__file__).resolve().parents[3]), store=str(store.root), key=key)
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "half-written"
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    assert not (store.root / key).exists()  # the final name never held a partial file
    leftovers = await keys(store)
    assert len(leftovers) == 1 and Path(next(iter(leftovers))).name.startswith(".tmp-")
    await service.sweep(db, store, photo_settings.photos, utcnow())
    assert len(await keys(store)) == 1  # a write may still be under way: left alone for a while
    await service.sweep(db, store, photo_settings.photos, utcnow() + service.TMP_GRACE + dt.timedelta(minutes=1))
    assert await keys(store) == set()


# -- S3, against a real S3-protocol server ----------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def s3_store(s3_endpoint, monkeypatch) -> S3Storage:
    import boto3

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    bucket = f"photos-{os.getpid()}-{_free_port()}"
    boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1", aws_access_key_id="testing",
                 aws_secret_access_key="testing").create_bucket(Bucket=bucket)
    config = dataclasses.replace(PhotoSettings(), backend="s3", s3_bucket=bucket, s3_endpoint=s3_endpoint)
    return S3Storage(config)


async def test_s3_store_round_trip(s3_store):
    await s3_store.put("ab/cd/thumb.jpg", b"jpeg bytes")
    assert await s3_store.get("ab/cd/thumb.jpg") == b"jpeg bytes"
    assert await s3_store.get("ab/cd/missing.jpg") is None
    assert await keys(s3_store) == {"ab/cd/thumb.jpg"}
    await s3_store.delete(["ab/cd/thumb.jpg"])
    assert await keys(s3_store) == set()


async def test_posting_and_serving_photos_through_s3(app, client, db, member, category, s3_store, photo_settings):
    app.state.photo_storage = s3_store
    await login(client, member)
    response = await post_files(client, f"/c/{category.slug}/new",
                                {"category_id": category.id, "title": "S3", "body": "b"}, [("photo_file_1", JPEG)])
    assert response.status_code == 200
    photo = await db.scalar(select(m.Photo))
    assert await keys(s3_store) == {key_for(photo.digest, s) for s in SIZES}
    served = await client.get(f"/photos/{photo.id}/{photo.digest[:32]}/original.jpg")
    assert served.status_code == 200 and served.content == await s3_store.get(key_for(photo.digest, "original"))
    client.cookies.clear()
    client.cookies["lang"] = "en"
    # The gate is the app's: the object store is never reached for a post the viewer may not read.
    post = await db.get(m.Post, photo.post_id)
    thread = await db.get(m.Thread, post.thread_id)
    post.visibility = thread.visibility = m.Visibility.HELD
    await db.commit()
    assert (await client.get(f"/photos/{photo.id}/{photo.digest[:32]}/original.jpg")).status_code == 404
    # Deleted and swept: the objects go too.
    post.visibility = thread.visibility = m.Visibility.DELETED
    await db.commit()
    later = utcnow() + dt.timedelta(days=photo_settings.photos.purge_after_days + 1)
    await db.execute(m.Post.__table__.update().values(updated_at=utcnow() - dt.timedelta(days=40)))
    await db.commit()
    await service.sweep(db, s3_store, photo_settings.photos, later)
    assert await keys(s3_store) == set() and await count(db, m.Photo) == 0
