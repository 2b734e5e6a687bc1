"""Photo tests run the app with the moderation stand-in (tests/integration/moderation) and a
photo store of their own per test, so what a test finds on disk is what it made."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar

import models as m
from forum.app import create_app
from forum.photos.storage import LocalStorage
from forum.settings import Settings
from moderation.hook import ModerationHook

from ...factories import csrf_token
from ..moderation.conftest import MarkerModel, thresholds  # noqa: F401  (autouse fixture)


@pytest.fixture
def photo_config() -> dict[str, Any]:
    """Overrides of PhotoSettings for a test (the hold policy off unless a test turns it on)."""
    return {"hold_min_posts": 0, "hold_days": 0, "sweep_interval_seconds": 0}


@pytest.fixture
def photo_settings(settings: Settings, photo_config: dict[str, Any]) -> Settings:
    return dataclasses.replace(settings, photos=dataclasses.replace(settings.photos, **photo_config))


@pytest.fixture
def store(tmp_path: Path) -> LocalStorage:
    return LocalStorage(tmp_path / "photos")


@pytest.fixture
def app(photo_settings: Settings, store: LocalStorage) -> Litestar:
    model = MarkerModel()
    application = create_app(photo_settings, post_hooks=[ModerationHook(photo_settings.moderation.model_dir, model=model)])
    application.state.moderation_model = model
    application.state.photo_storage = store
    return application


async def post_files(client, url: str, data: dict[str, Any], files: list[tuple[str, tuple[str, bytes, str]]]):
    """A multipart form post as a browser sends it (CSRF token in the form)."""
    form = {"_csrf_token": await csrf_token(client), **{k: str(v) for k, v in data.items()}}
    return await client.post(url, data=form, files=files)


@pytest.fixture
async def gold_category(factory) -> m.Category:
    category = await factory.category("owners-log", "บันทึกเจ้าของรถ", "Owners' log", position=1)
    category.access = m.CategoryAccess.GOLD
    await factory.session.commit()
    return category


@pytest.fixture
async def adult_category(factory) -> m.Category:
    category = await factory.category("after-dark", "หลังสามทุ่ม", "After dark", position=2)
    category.access = m.CategoryAccess.ADULT
    await factory.session.commit()
    return category


@pytest.fixture(autouse=True)
def english_pages(client) -> None:
    """The messages these tests read are the English ones (Thai is the board's default)."""
    client.cookies["lang"] = "en"
