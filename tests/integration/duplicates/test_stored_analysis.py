"""The analysis a new thread's process computed is kept with the thread (revision
0017_thread_analysis, `forum.duplicates.stored`), and the catch-up of another process adds the
thread from it instead of analysing the text again: with the same index and the same matches as
when it analyses. A stored analysis of another analyser version, or of a text the thread no longer
has, is not used; an edit of the opening post stores the new text's analysis."""

from __future__ import annotations

import numpy as np
from sqlalchemy import select, update

import models as m
from forum.duplicates import stored
from forum.duplicates.features import Analyzer
from forum.duplicates.hook import DuplicateHook
from forum.duplicates.service import QUERY_BODY_CHARS, DuplicateService, LiveIndex, shared_analyzer
from forum.services.posting import PostingService

from .conftest import REVO_BRAKES
from .counting import CountingAnalyzer

QUERIES = [("Revo brakes squeal when stopping", ""), ("Hilux Revo brake noise after new pads", "squeal"),
           ("รีโว่ เบรกดังเอี๊ยด", "เบรกเบาๆ ก่อนจอด"), ("Fortuner oil change", "10,000 km"),
           ("Vigo clutch judder on hills", "only when cold")]
NEW_TITLE, NEW_BODY = ("Vigo clutch judder when pulling away uphill",
                       "My 2012 Vigo judders pulling away on a hill, only when the engine is cold. Clutch kit at 150,000 km?")


async def stored_row(db, thread_id: int) -> m.ThreadAnalysis | None:
    return await db.scalar(select(m.ThreadAnalysis).where(m.ThreadAnalysis.thread_id == thread_id)
                           .execution_options(populate_existing=True))


async def opening_of(db, thread_id: int) -> m.Post:
    return await db.scalar(select(m.Post).where(m.Post.thread_id == thread_id, m.Post.is_opening.is_(True)))


async def post_new_thread(db, settings, here: LiveIndex, category, member):
    """The new thread posted through the duplicate hook of `here` (the posting process's index)."""
    posting = PostingService(db, settings, hooks=[DuplicateHook(here)])
    thread, opening = await posting.create_thread(member, category_id=category.id, title=NEW_TITLE, body=NEW_BODY)
    await db.commit()
    return posting, thread, opening


def answers(live: LiveIndex) -> list[str]:
    """Every query's matches with their scores, verdicts and the verifier's features."""
    out = []
    for title, body in QUERIES:
        features: list = []
        matches = live.index.query(title, body, k=10, min_score=0.0, features=features)
        out.append(repr((matches, features)))
    return out


def same_state(a: LiveIndex, b: LiveIndex) -> bool:
    left, right = a.index.to_state(), b.index.to_state()
    assert left.keys() == right.keys()
    for key in left:
        x, y = left[key], right[key]
        if isinstance(x, np.ndarray) or isinstance(y, np.ndarray):
            if not np.array_equal(np.asarray(x), np.asarray(y)):
                return False
        elif repr(x) != repr(y):
            return False
    return True


async def test_another_process_adds_a_new_thread_from_its_stored_analysis_with_the_same_matches(
        db, settings, board, category, member):
    here = LiveIndex()  # the posting process
    stored_side, analysing_side = LiveIndex(CountingAnalyzer()), LiveIndex(CountingAnalyzer())
    for live in (here, stored_side, analysing_side):
        await DuplicateService(db, live).similar(None, *REVO_BRAKES)  # each builds before the thread exists
    _, thread, _ = await post_new_thread(db, settings, here, category, member)

    row = await stored_row(db, thread.id)
    assert row is not None and row.analyzer == here.version() == stored_side.version()
    plain = Analyzer(shared_analyzer().vocabulary).analyze(NEW_TITLE, NEW_BODY[:QUERY_BODY_CHARS])
    assert stored.decode(row.data, NEW_TITLE, NEW_BODY[:QUERY_BODY_CHARS]) == plain

    calls = stored_side.index.analyzer.analyzer.calls
    await stored_side.sync(db)  # from the stored analysis: no text analysed
    assert thread.id in stored_side.index
    assert stored_side.index.analyzer.analyzer.calls == calls
    assert (stored_side.stored_used, stored_side.analysed) == (1, 0)

    # the other one analyses the text (as for a row stored by another analyser version)
    await db.execute(update(m.ThreadAnalysis).where(m.ThreadAnalysis.thread_id == thread.id)
                     .values(analyzer="0123456789abcdef"))
    await db.commit()
    calls = analysing_side.index.analyzer.analyzer.calls
    await analysing_side.sync(db)
    assert thread.id in analysing_side.index
    assert analysing_side.index.analyzer.analyzer.calls == calls + 1
    assert (analysing_side.stored_used, analysing_side.analysed) == (0, 1)

    assert same_state(stored_side, analysing_side)
    assert answers(stored_side) == answers(analysing_side)
    found = await DuplicateService(db, stored_side).similar(None, "Vigo clutch judder uphill", "cold engine")
    assert found[0].id == thread.id
    assert [s.id for s in found] == [s.id for s in await DuplicateService(db, analysing_side).similar(
        None, "Vigo clutch judder uphill", "cold engine")]


async def test_a_stored_analysis_of_another_text_or_version_is_not_used(db, settings, board, category, member):
    here = LiveIndex()
    _, thread, _ = await post_new_thread(db, settings, here, category, member)

    # another analyser version (older code, another vocabulary): analysed, and found
    elsewhere = LiveIndex(CountingAnalyzer())
    elsewhere._version = (elsewhere.index.analyzer, "another-version")
    await elsewhere.sync(db)
    assert thread.id in elsewhere.index and elsewhere.stored_used == 0

    # the title changed by a writer that stored nothing (SQL by hand): the digest differs
    other = LiveIndex(CountingAnalyzer())
    await other.sync(db)
    assert other.stored_used == 0  # built from the database: the start-up build analyses every thread
    await db.execute(update(m.Thread).where(m.Thread.id == thread.id).values(title="Civic ceramic window film brands"))
    await db.commit()
    calls = other.index.analyzer.analyzer.calls
    assert (await stored_row(db, thread.id)).analyzer == other.version()  # the version would match
    found = await DuplicateService(db, other).similar(None, "Civic ceramic window film brands")
    assert other.stored_used == 0 and other.analysed == 1
    assert other.index.analyzer.analyzer.calls == calls + 2  # the thread's new text, and the query
    assert thread.id in [s.id for s in found]  # under its new title


async def test_an_edit_of_the_opening_post_stores_the_new_texts_analysis(db, settings, board, category, member):
    here = LiveIndex()
    posting, thread, opening = await post_new_thread(db, settings, here, category, member)
    elsewhere = LiveIndex(CountingAnalyzer())
    await DuplicateService(db, elsewhere).similar(None, "Vigo clutch judder")
    before = (await stored_row(db, thread.id)).data

    title, body = "Fortuner 2.8 fuel economy on long trips", "How many km per litre do you get at 110 km/h?"
    await posting.edit_post(member, opening.id, title=title, body=body)
    await db.commit()
    row = await stored_row(db, thread.id)
    assert row.data != before and row.analyzer == here.version()
    assert stored.decode(row.data, title, body) == Analyzer(shared_analyzer().vocabulary).analyze(title, body)
    assert stored.decode(row.data, NEW_TITLE, NEW_BODY) is None

    used, calls = elsewhere.stored_used, elsewhere.index.analyzer.analyzer.calls
    assert [s.id for s in await DuplicateService(db, elsewhere).similar(None, "Fortuner fuel economy long trips")][:1] \
        == [thread.id]
    assert elsewhere.stored_used == used + 1
    assert elsewhere.index.analyzer.analyzer.calls == calls + 1  # the query only
    assert await DuplicateService(db, elsewhere).similar(None, "Vigo clutch judder") == []

    # a reply leaves it as it is
    await posting.create_reply(member, thread_id=thread.id, body="Around 13 km/l for me")
    await db.commit()
    assert (await stored_row(db, thread.id)).data == row.data


async def test_threads_are_posted_with_their_analysis_through_the_app(client, db, member, category):
    from ...factories import api, login

    await login(client, member)
    response = await api(client, "POST", "/api/threads",
                         {"category_id": category.id, "title": NEW_TITLE, "body": NEW_BODY})
    assert response.status_code == 201, response.text
    row = await stored_row(db, response.json()["id"])
    assert row is not None and stored.decode(row.data, NEW_TITLE, NEW_BODY) is not None
    reply = await api(client, "POST", f"/api/threads/{response.json()['id']}/replies", {"body": "Check the clutch"})
    assert reply.status_code == 201, reply.text
    assert (await db.scalars(select(m.ThreadAnalysis.thread_id))).all() == [response.json()["id"]]
