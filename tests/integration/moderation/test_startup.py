"""The board never runs without moderation: the app loads the model at start-up, training one
from the shipped corpus when the model directory is empty, and the real model scores every post."""

from __future__ import annotations

import asyncio
import dataclasses
import json

import pytest
from click.testing import CliRunner
from litestar.testing import AsyncTestClient
from sqlalchemy import select

import models as m
from forum.app import create_app
from forum.settings import ModerationSettings, Settings
from moderation import classifier
from moderation.classifier import METADATA_FILE
from moderation.hook import ModerationHook

from ...factories import api, login
from ...moderation_samples import training_sample


@pytest.fixture
def thresholds() -> None:
    """Overrides the package's pinned thresholds: these tests run with the real model and its
    defaults, and the start-up test needs no database at all."""


async def test_the_app_trains_a_model_at_start_up_when_none_exists(tmp_path, monkeypatch):
    # The training sample (every sixth example of the shipped corpus), to keep the test fast.
    sample = training_sample(tmp_path)
    lines = sample.read_text(encoding="utf-8").splitlines()
    monkeypatch.setattr(classifier, "TRAIN_PATH", sample)
    empty = tmp_path / "model"
    # No database needed: nothing is posted, so this runs once whatever the backends.
    app = create_app(dataclasses.replace(Settings(), moderation=ModerationSettings(model_dir=empty)))
    async with AsyncTestClient(app=app):
        model = app.state.moderation_model
        dev = len(classifier.load_examples(classifier.DEV_PATH))  # fitted on too, since the fourth pass
        assert model.metadata["training_examples"] == len(lines) + dev
        # the model works (on dev, which it was fitted on: the held-out file is empty until the
        # next blind split is merged)
        assert classifier.evaluate(model, classifier.load_examples(classifier.DEV_PATH))["labels"]["trading"]["f1"] > 0
        assert (empty / METADATA_FILE).is_file() and list(empty.glob("moderation-*.joblib"))
        [hook] = [h for h in app.state.post_hooks if isinstance(h, ModerationHook)]
        assert hook.model is model
        assert model.score("ขายด่วน ยางมือสอง 4 เส้น 3,500 บาท ทักไลน์ @tyres99")["trading"] > 0.5


async def test_the_shipped_model_holds_an_obvious_sale_offer_and_passes_a_question(settings, db, member, category):
    app = create_app(settings)  # the real hooks and the shipped model
    async with AsyncTestClient(app=app) as client:
        await login(client, member)
        sale = await api(client, "POST", "/api/threads", {
            "category_id": category.id, "title": "ขายล้อแม็ก 17 นิ้ว",
            "body": "ขายด่วน ล้อแม็กพร้อมยาง 4 วง ราคา 12,000 บาท สนใจโทร 081-234-5678 หรือแอดไลน์ @wheels99"})
        assert sale.status_code == 201 and sale.json()["visibility"] == "held"
        question = await api(client, "POST", "/api/threads", {
            "category_id": category.id, "title": "เปลี่ยนน้ำมันเครื่องทุกกี่กิโล",
            "body": "รถ Toyota Corolla Cross ไฮบริด ควรเปลี่ยนน้ำมันเครื่องทุกกี่กิโลครับ ที่ศูนย์บอกหนึ่งหมื่น"})
        assert question.status_code == 201 and question.json()["visibility"] == "published"


async def test_retrain_trains_on_the_decisions_kept_in_the_database(db, member, factory, category, settings,
                                                                        monkeypatch, tmp_path):
    thread = await factory.thread(category, member, "t", "ขายยาง")
    post_id = await db.scalar(select(m.Post.id).where(m.Post.thread_id == thread.id))
    item = m.ReviewItem(post_id=post_id, author_id=member.id, scores={}, labels=" ")
    db.add(item)
    await db.flush()
    db.add_all([
        m.ModerationDecision(item_id=item.id, decision="deleted", rule="trading", text="ขายยาง", labels=["trading"]),
        m.ModerationDecision(item_id=None, decision="approved", text="ถามราคายาง", labels=[]),
        m.ModerationDecision(item_id=None, decision="deleted", rule="other", text="ซ้ำ", labels=[]),
    ])
    await db.commit()
    seen = {}

    def fake_retrain(decisions, directory):
        seen["decisions"], seen["directory"] = decisions, directory
        return True, {"promoted": True}

    from moderation.commands import moderation

    monkeypatch.setattr(classifier, "retrain", fake_retrain)
    # the commands run their own event loop: call them from a thread, as a shell would
    exported = await asyncio.to_thread(CliRunner().invoke, moderation, ["export-decisions", "--database-url", settings.db.url])
    assert exported.exit_code == 0, exported.output
    assert [json.loads(line) for line in exported.output.splitlines()] == [
        {"text": "ขายยาง", "labels": ["trading"]}, {"text": "ถามราคายาง", "labels": []}]
    result = await asyncio.to_thread(CliRunner().invoke, moderation,
                                     ["retrain", "--database-url", settings.db.url, "--model-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert seen == {"decisions": [("ขายยาง", ["trading"]), ("ถามราคายาง", [])], "directory": tmp_path}
    assert "promoted" in result.output
