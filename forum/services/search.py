"""Thread search: the engine's own full-text index (SQLite FTS5 or PostgreSQL tsvector) over
the words `forum.search_text` stores, ranked and filtered in one SQL statement.

Ranking: a text score (SQLite: a title match over a body-only one; PostgreSQL: ts_rank with the
title weighted A and the body D), raised for answered threads (an accepted guru answer most) and lowered
with age since the last activity. Everything that must stay out (held, deleted, categories the
viewer may not read) and the filters are applied in the same statement, before any LIMIT. When a
query matches more than CANDIDATES threads, the newest CANDIDATES of them are ranked (a word
found in most threads would otherwise be scored on every one of them per search; PostgreSQL
ranks COMMON_CANDIDATES for a word in at least COMMON_SHARE of the newest threads). A second
statement loads the page's rows with the opening post for the snippet.

Every unit of the query must match; when that finds nothing, the search is broadened to any of
them (the page says so).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup
from sqlalchemy import and_, bindparam, select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

import models as m

from ..access import hidden_category_ids
from ..search_text import (
    ParsedQuery, fts5_expression, highlight, parse_query, snippet, tsquery_expression, unit_tsqueries,
)
from .reading import THREAD_ROW, rows

PER_PAGE = 20
MAX_PAGE = 50
TITLE_BONUS = 4.0  # SQLite: a title match scores 1 + this, a body-only match 1
ANSWERED_BOOST = 0.3  # per answer level: 1 answered, 2 accepted guru answer
AGE_HALF_DAYS = 365.0  # score halves at a year since the last activity

# Ask Guru status filter: the value in the URL -> the SQL condition (threads, guru_questions gq).
GURU_FILTERS: dict[str, str] = {
    "question": "threads.kind = 'question'",
    "answered": "threads.kind = 'question' AND gq.answer_count > 0",
    "accepted": "threads.kind = 'question' AND gq.accepted_post_id IS NOT NULL",
    "unanswered": "threads.kind = 'question' AND COALESCE(gq.answer_count, 0) = 0",
    "discussion": "threads.kind = 'discussion'",
}

_ANSWER_LEVEL = ("(CASE WHEN gq.accepted_post_id IS NOT NULL THEN 2 "
                 "WHEN gq.answer_count > 0 THEN 1 "
                 "WHEN gq.id IS NULL AND threads.reply_count > 0 THEN 1 ELSE 0 END)")
# The newest CANDIDATES visible matches are ranked (found in the index's id order, which the
# engines walk without sorting); a word in nearly every thread would otherwise have every one
# of them scored on each search. Filters apply before that limit too.
CANDIDATES = 2000
# SQLite: FTS5's bm25() first counts every row matching each phrase (its IDF), a full pass over
# the matches of a common word on every search; so the candidates are taken in id order without
# it, and the text score is whether the title matches (looked up within the candidates' id range).
# Each match is looked up in a narrow index of the columns read here (revision
# 0015_search_prefix), not in the wide `threads` rows (about a page each with their stored
# words): a filter that keeps few matches (one category) walks tens of thousands of them.
_SQLITE_RANKED = (
    "WITH c AS MATERIALIZED ("
    "SELECT threads.id AS id, threads.last_activity_at AS at, {level} AS level "
    "FROM thread_search JOIN threads INDEXED BY ix_threads_search_filter ON threads.id = thread_search.rowid "
    "LEFT OUTER JOIN guru_questions gq ON gq.thread_id = threads.id "
    "WHERE thread_search MATCH :match AND threads.visibility = 'published'{where} "
    "ORDER BY thread_search.rowid DESC LIMIT :candidates) "
    "SELECT c.id AS id, (1.0 + {title_bonus} * (c.id IN (SELECT rowid FROM thread_search "
    "WHERE thread_search MATCH :title_match AND rowid >= (SELECT min(id) FROM c)))) "
    "* (1.0 + {boost} * c.level) / (1.0 + MAX(julianday(:now) - julianday(c.at), 0) / {half}) AS score "
    "FROM c ORDER BY score DESC, c.id DESC LIMIT :limit OFFSET :offset"
)
# PostgreSQL: the planner cannot estimate a prefix tsquery ('clutch':*), so it may walk threads
# newest first testing every row (all 100,000 when nothing matches) or take every match from the
# GIN index and sort them (about 50,000 heap rows for a word in half the threads). So the newest
# PROBE threads are tested first (a short primary-key range walk), which tells the share of
# threads that match (the GIN path reads all of those) and the share that also pass the filters
# (the walk reads CANDIDATES / that share rows); the cheaper plan is pinned: `ts_match_vq(v, q)`
# is `v @@ q` in function form, which no index serves, so it walks; the GIN path is a subquery.
PROBE = 400
# PostgreSQL: a query matching at least COMMON_SHARE of the newest threads (after the filters)
# has its newest COMMON_CANDIDATES matches ranked, not CANDIDATES: each row costs its stored
# tsvector tested and ranked, 5-10 microseconds, so 2,000 of them were most of such a search.
# Those matches lie within the newest few thousand threads; an older thread is found by adding
# a word or a filter. Every page of the query ranks the same set, so pages stay consistent.
COMMON_SHARE = 0.1
COMMON_CANDIDATES = 500
HEAP_ROW_COST = 1.5  # a row fetched through the GIN bitmap against a row tested by the walk (measured)
_POSTGRES_PROBE = (
    "SELECT count(*) AS matches, count(*) FILTER (WHERE threads.visibility = 'published'{where}) AS shown, "
    "(SELECT max(id) FROM threads) AS newest{units} "
    "FROM threads LEFT OUTER JOIN guru_questions gq ON gq.thread_id = threads.id "
    "WHERE threads.id > (SELECT max(id) FROM threads) - :probe "
    "AND ts_match_vq(threads.search_vector, (SELECT to_tsquery('simple', {match})))"
)
# The probe also counts, among the newest PROBE threads, those matching each unit alone (in
# `threads.id > newest - PROBE`, not only those matching the whole query).
_PROBE_UNIT = ", (SELECT count(*) FROM threads WHERE id > (SELECT max(id) FROM threads) - :probe " \
              "AND ts_match_vq(search_vector, (SELECT to_tsquery('simple', {unit})))) AS unit{number}"
_POSTGRES_RANKED = (
    "SELECT c.id AS id, ts_rank(c.v, query) * (1 + {boost} * c.level) "
    "/ (1.0 + GREATEST(date_part('epoch', CAST(:now AS timestamptz) - c.at), 0) / {day_half}) AS score "
    "FROM (SELECT threads.id AS id, threads.search_vector AS v, threads.last_activity_at AS at, {level} AS level "
    "FROM threads LEFT OUTER JOIN guru_questions gq ON gq.thread_id = threads.id "
    "WHERE {test} AND threads.visibility = 'published'{where} "
    "ORDER BY threads.id DESC LIMIT :candidates) AS c CROSS JOIN to_tsquery('simple', {match}) AS query "
    "ORDER BY score DESC, c.id DESC LIMIT :limit OFFSET :offset"
)
# The tsquery as a subquery: computed once (an InitPlan), where `to_tsquery(...)` in a filter is
# parsed again for every row tested, half the cost of the walk.
_PG_WALK = "ts_match_vq(threads.search_vector, (SELECT to_tsquery('simple', {match})))"
# OFFSET 0 keeps the subquery apart: its ids come from the GIN index (a bitmap), and the
# planner cannot fold the test back into a newest-first walk of threads.
_PG_INDEX = ("threads.id IN (SELECT id FROM threads WHERE search_vector @@ to_tsquery('simple', {match}) "
             "OFFSET 0)")
# Every word of a query must match, one of them rare, another common ('car':* & 'remote':*): the
# GIN index reads every posting of each prefix, the common word's tens of thousands of them; so
# the ids come from the rarest word alone and each row is tested for the whole query.
_PG_RARE_INDEX = _PG_INDEX.replace("{match}", "{rare}") + \
    " AND ts_match_vq(threads.search_vector, (SELECT to_tsquery('simple', {match})))"
POSTING_COST = 0.13  # a posting the GIN index reads against a row tested by the walk (measured)

opening = aliased(m.Post, name="opening")
_DETAILS = (
    THREAD_ROW.add_columns(
        m.Category.slug.label("category_slug"), m.Category.name_th.label("category_name_th"),
        m.Category.name_en.label("category_name_en"), m.GuruQuestion.answer_count.label("guru_answer_count"),
        m.GuruQuestion.accepted_post_id.label("accepted_post_id"), opening.body_raw.label("opening_body"),
    )
    .join(m.Category, m.Category.id == m.Thread.category_id)
    .outerjoin(m.GuruQuestion, m.GuruQuestion.thread_id == m.Thread.id)
    .outerjoin(opening, and_(opening.thread_id == m.Thread.id, opening.is_opening.is_(True),
                             opening.visibility == m.Visibility.PUBLISHED))
    .where(m.Thread.id.in_(bindparam("ids", expanding=True)))
)


@dataclass
class SearchHit:
    row: Any
    title_html: Markup
    snippet_html: Markup
    score: float

    def __getattr__(self, name: str) -> Any:  # the row's columns, as the list templates expect
        return getattr(self.row, name)

    @property
    def guru_status(self) -> str | None:
        if self.row.kind != m.ThreadKind.QUESTION:
            return None
        if self.row.accepted_post_id is not None:
            return "accepted"
        return "answered" if (self.row.guru_answer_count or 0) > 0 else "unanswered"


@dataclass
class SearchResults:
    query: str
    hits: list[SearchHit] = field(default_factory=list)
    page: int = 1
    per_page: int = PER_PAGE
    has_next: bool = False
    broadened: bool = False  # nothing matched every word: results match some of them

    def __iter__(self):
        return iter(self.hits)

    def __len__(self) -> int:
        return len(self.hits)

    def __bool__(self) -> bool:
        return bool(self.hits)


def _pg_literal(match: str) -> str:
    return "'" + match.replace("\\", "").replace("'", "''").replace(":", "\\:") + "'"


def _ranked_sql(dialect: str, where: str, match: str = "", *, walk: bool = False, rare: str = "") -> Any:
    """PostgreSQL gets the tsquery as a literal: a prepared statement with it as a parameter
    soon runs on a generic plan, which cannot know whether the words are rare (walk the GIN
    index) or common (walk threads newest first and stop), and picks one for all of them."""
    if dialect == "sqlite":
        return text(_SQLITE_RANKED.format(title_bonus=TITLE_BONUS, boost=ANSWERED_BOOST, level=_ANSWER_LEVEL,
                                          half=AGE_HALF_DAYS, where=where))
    literal = _pg_literal(match)
    if walk:
        test = _PG_WALK.format(match=literal)
    elif rare:
        test = _PG_RARE_INDEX.format(match=literal, rare=_pg_literal(rare))
    else:
        test = _PG_INDEX.format(match=literal)
    # Floating point throughout: EXTRACT and decimal literals would make it numeric arithmetic,
    # several times slower per row.
    return text(_POSTGRES_RANKED.format(boost=f"CAST({ANSWERED_BOOST} AS float8)", level=_ANSWER_LEVEL,
                                        day_half=f"CAST({86400.0 * AGE_HALF_DAYS} AS float8)", where=where,
                                        match=literal, test=test))


async def search_threads(
    session: AsyncSession, query_text: str, *, viewer: m.User | None = None, category_id: int | None = None,
    guru_status: str | None = None, page: int = 1, per_page: int = PER_PAGE, broaden: bool | None = None,
    today: dt.date | None = None, now: dt.datetime | None = None,
) -> SearchResults:
    """One page of published threads matching `query_text` in categories `viewer` may read.
    `broaden`: None decides by itself (all words first, any word when that finds nothing);
    True/False forces it (the pager passes on what page 1 used)."""
    results = SearchResults(query_text, page=max(1, min(page, MAX_PAGE)), per_page=per_page)
    parsed = parse_query(query_text)
    if not parsed:
        return results
    dialect = session.bind.dialect.name if session.bind else "sqlite"
    conditions: list[str] = []
    # Ints computed here, never typed by a member, so they are written into the statement.
    if hidden := await hidden_category_ids(session, viewer, today):
        conditions.append("threads.category_id NOT IN (" + ",".join(str(int(c)) for c in sorted(hidden)) + ")")
    if category_id is not None:
        conditions.append(f"threads.category_id = {int(category_id)}")
    if guru_status in GURU_FILTERS:
        conditions.append(GURU_FILTERS[guru_status])
        if guru_status != "discussion":
            # Questions are few: let the engine look them up rather than walk every match.
            column = "thread_search.rowid" if dialect == "sqlite" else "threads.id"
            conditions.append(f"{column} IN (SELECT thread_id FROM guru_questions)")
    where = "".join(f" AND {c}" for c in conditions)
    moment = (now or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc)
    params = {"now": moment.isoformat(sep=" ") if dialect == "sqlite" else moment,
              "limit": per_page + 1, "offset": (results.page - 1) * per_page, "candidates": CANDIDATES}
    ranked: list[Any] = []
    if not broaden:
        ranked = await _ranked(session, dialect, where, parsed, params, any_unit=False)
    if broaden or (broaden is None and not ranked and results.page == 1 and len(parsed.units) > 1):
        results.broadened = True
        ranked = await _ranked(session, dialect, where, parsed, params, any_unit=True)
    results.has_next = len(ranked) > per_page and results.page < MAX_PAGE
    ranked = ranked[:per_page]
    if not ranked:
        return results
    details = {row.id: row for row in await rows(session, _DETAILS, {"ids": [r.id for r in ranked]})}
    marks = parsed.marks
    for hit in ranked:
        row = details.get(hit.id)
        if row is not None:
            results.hits.append(SearchHit(row, highlight(row.title, marks), snippet(row.opening_body or "", marks),
                                          float(hit.score)))
    return results


async def _ranked(session: AsyncSession, dialect: str, where: str, parsed: ParsedQuery, params: dict[str, Any], *,
                  any_unit: bool) -> list[Any]:
    if dialect == "sqlite":
        expression = fts5_expression(parsed, any_unit=any_unit)
        return await rows(session, _ranked_sql(dialect, where),
                          {**params, "match": expression, "title_match": f"title : ({expression})"})
    match = tsquery_expression(parsed, any_unit=any_unit)
    units = () if any_unit else unit_tsqueries(parsed)
    counted = "".join(_PROBE_UNIT.format(unit=_pg_literal(unit), number=number) for number, unit in enumerate(units))
    probe = (await rows(session, text(_POSTGRES_PROBE.format(match=_pg_literal(match), where=where,
                                                             units=counted if len(units) > 1 else "")),
                        {"probe": PROBE}))[0]
    threads = probe.newest or 0
    common = probe.shown >= min(PROBE, threads) * COMMON_SHARE
    candidates = COMMON_CANDIDATES if common else CANDIDATES
    walked = min(threads, candidates * PROBE / probe.shown) if probe.shown else threads
    fetched = probe.matches * threads / PROBE
    walk = walked < fetched * HEAP_ROW_COST
    rare = ""
    if not walk and len(units) > 1:
        # Rows per unit at this board's size (a unit no probed thread matches: half a row).
        unit_rows = [max(getattr(probe, f"unit{n}"), 0.5) * threads / PROBE for n in range(len(units))]
        rarest = min(range(len(units)), key=unit_rows.__getitem__)
        whole_query = sum(unit_rows) * POSTING_COST + fetched * HEAP_ROW_COST
        if unit_rows[rarest] * (POSTING_COST + HEAP_ROW_COST) < whole_query:
            rare = units[rarest]
    statement = _ranked_sql(dialect, where, match, walk=walk, rare=rare)
    if walk:
        return await rows(session, statement, {**params, "candidates": candidates})
    # Once ANALYZE has run, the planner may prefer testing every row of threads (0.8 s at 100,000)
    # to the GIN index for a tsquery of several prefixes, whose cost it cannot estimate.
    # SET LOCAL: should the statement fail, the rollback undoes the setting too.
    await session.execute(text("SET LOCAL enable_seqscan = off"))
    found = await rows(session, statement, {**params, "candidates": candidates})
    await session.execute(text("RESET enable_seqscan"))
    return found


async def search_page(session: AsyncSession, viewer: m.User | None, *, q: str = "", category: str = "",
                      guru: str = "", page: int = 1, broad: bool = False, per_page: int = PER_PAGE,
                      today: dt.date | None = None) -> dict[str, Any]:
    """What the search page and the API show: the results and the filters' choices (only the
    categories this viewer may read; an unknown or gated category finds nothing)."""
    hidden = await hidden_category_ids(session, viewer, today)
    categories = [c for c in (await session.scalars(select(m.Category).order_by(m.Category.position, m.Category.id)))
                  if c.id not in hidden]
    chosen = next((c for c in categories if c.slug == category), None) if category else None
    guru = guru if guru in GURU_FILTERS else ""
    results = SearchResults(q, page=max(1, min(page, MAX_PAGE)))
    if q.strip() and not (category and chosen is None):
        results = await search_threads(session, q, viewer=viewer, category_id=chosen.id if chosen else None,
                                       guru_status=guru or None, page=page, per_page=per_page,
                                       broaden=True if broad else None, today=today)
    return {"q": q, "results": results, "categories": categories, "category": chosen.slug if chosen else "",
            "guru": guru, "guru_filters": tuple(GURU_FILTERS)}
