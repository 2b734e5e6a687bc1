"""Search relevance: MRR and recall@10 of the board's search over a judged set written for it
(benchmarks/search/threads.jsonl: 80 threads in Thai, English and mixed text; queries.jsonl: the
queries, each with the threads judged relevant before anything was measured).

    python benchmarks/search_relevance.py [--postgres postgresql+asyncpg://...] [--show-misses]

Loads the threads into a fresh SQLite database made by the real migrations (and into the given
PostgreSQL database, which it empties), runs every query through forum.services.search as a
guest, and prints the figures per query type. "before" is the search this replaced (whole words
from the same segmentation, every word required, FTS5 rank), run on an in-memory FTS5 table.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import sqlite3
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "search"
sys.path.insert(0, str(ROOT))


def load() -> tuple[list[dict], list[dict]]:
    threads = [json.loads(line) for line in (DATA / "threads.jsonl").read_text(encoding="utf-8").splitlines() if line]
    queries = [json.loads(line) for line in (DATA / "queries.jsonl").read_text(encoding="utf-8").splitlines() if line]
    known = {t["id"] for t in threads}
    for query in queries:
        assert set(query["relevant"]) <= known, query
    return threads, queries


async def fill(url: str, threads: list[dict]) -> dict[int, str]:
    """Categories, one author and the threads (with opening posts); returns db id -> set id."""
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

    import models as m
    from forum.rendering import render_markdown
    from forum.seed import CATEGORIES
    from forum.text import search_terms

    engine = create_async_engine(url)
    now = dt.datetime.now(dt.timezone.utc)
    ids: dict[int, str] = {}
    async with engine.begin() as conn:
        names = [t.name for t in reversed(m.metadata.sorted_tables)]
        if engine.dialect.name == "postgresql":
            await conn.execute(text(f"TRUNCATE {', '.join(names)} RESTART IDENTITY CASCADE"))
        else:
            for name in names:
                await conn.execute(text(f"DELETE FROM {name}"))
    async with async_sessionmaker(engine, expire_on_commit=False)() as session:
        categories = {}
        for position, (slug, th, en, dth, den, *_access) in enumerate(CATEGORIES):  # access: left open here
            categories[slug] = m.Category(slug=slug, name_th=th, name_en=en, description_th=dth, description_en=den,
                                          position=position, thread_count=0)
            session.add(categories[slug])
        author = m.User(login_id="bench", display_name="Bench", email="bench@example.com", password_hash=None,
                        terms_version="2026-01", terms_accepted_at=now)
        session.add(author)
        await session.flush()
        for item in threads:
            at = now - dt.timedelta(days=item["days"])
            thread = m.Thread(category_id=categories[item["category"]].id, author_id=author.id, title=item["title"],
                              last_activity_at=at, reply_count=item["replies"], last_author_id=author.id,
                              search_terms=search_terms(f"{item['title']}\n{item['body']}"), created_at=at)
            session.add(thread)
            await session.flush()
            session.add(m.Post(thread_id=thread.id, author_id=author.id, is_opening=True, body_raw=item["body"],
                               body_html=render_markdown(item["body"]), created_at=at))
            ids[thread.id] = item["id"]
        await session.commit()
    await engine.dispose()
    return ids


async def run_queries(url: str, queries: list[dict], ids: dict[int, str]) -> list[list[str]]:
    from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

    from forum.services.search import search_threads

    engine = create_async_engine(url)
    ranked = []
    async with async_sessionmaker(engine)() as session:
        for query in queries:
            found = await search_threads(session, query["q"], per_page=10)
            ranked.append([ids[hit.id] for hit in found])
    await engine.dispose()
    return ranked


def before(threads: list[dict], queries: list[dict]) -> list[list[str]]:
    """The replaced search: whole segmented words, all required, FTS5's rank."""
    from forum.text import tokenize

    con = sqlite3.connect(":memory:")
    con.execute("CREATE VIRTUAL TABLE s USING fts5(terms, tokenize=\"unicode61 categories 'L* N* Co M*'\")")
    for number, item in enumerate(threads, 1):
        con.execute("INSERT INTO s(rowid, terms) VALUES (?, ?)",
                    (number, " ".join(tokenize(f"{item['title']}\n{item['body']}"))))
    out = []
    for query in queries:
        words = [w for w in tokenize(query["q"]) if w.strip()][:12]
        match = " ".join('"' + w.replace('"', '""') + '"' for w in words)
        rows = con.execute("SELECT rowid FROM s WHERE s MATCH ? ORDER BY rank LIMIT 10", (match,)).fetchall()
        out.append([threads[r[0] - 1]["id"] for r in rows])
    return out


def score(queries: list[dict], ranked: list[list[str]]) -> dict[str, dict[str, float]]:
    by_type: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for query, found in zip(queries, ranked):
        relevant = set(query["relevant"])
        rr = next((1.0 / rank for rank, tid in enumerate(found[:10], 1) if tid in relevant), 0.0)
        recall = len(relevant & set(found[:10])) / len(relevant)
        by_type[query["type"]].append((rr, recall))
        by_type["all"].append((rr, recall))
    return {kind: {"n": len(v), "mrr": sum(r for r, _ in v) / len(v), "recall@10": sum(c for _, c in v) / len(v)}
            for kind, v in by_type.items()}


def table(title: str, figures: dict[str, dict[str, float]]) -> None:
    print(f"\n{title}")
    print(f"{'type':10} {'queries':>7} {'MRR':>6} {'recall@10':>10}")
    for kind in ("thai", "english", "mixed", "partial", "variant", "all"):
        if kind in figures:
            f = figures[kind]
            print(f"{kind:10} {f['n']:>7} {f['mrr']:>6.3f} {f['recall@10']:>10.3f}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", help="an empty-able PostgreSQL database URL (postgresql+asyncpg://...)")
    parser.add_argument("--show-misses", action="store_true", help="print queries whose first result is not relevant")
    parser.add_argument("--save-rankings", type=Path,
                        help="write each engine's top 10 per query to this JSON file (to compare two versions)")
    args = parser.parse_args()
    threads, queries = load()
    from forum.migrate import upgrade

    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{tmp}/relevance.db"
        upgrade(url)
        ids = asyncio.run(fill(url, threads))
        results["SQLite FTS5"] = asyncio.run(run_queries(url, queries, ids))
    if args.postgres:
        upgrade(args.postgres)
        ids = asyncio.run(fill(args.postgres, threads))
        results["PostgreSQL tsvector"] = asyncio.run(run_queries(args.postgres, queries, ids))
    print(f"{len(threads)} threads, {len(queries)} judged queries, "
          f"{sum(len(q['relevant']) for q in queries)} relevant judgements")
    if args.save_rankings:
        args.save_rankings.write_text(json.dumps({name: dict(zip((q["q"] for q in queries), ranked))
                                                  for name, ranked in results.items()}, ensure_ascii=False, indent=1),
                                      encoding="utf-8")
    table("before (whole words, SQLite FTS5)", score(queries, before(threads, queries)))
    for name, ranked in results.items():
        table(f"now: {name}", score(queries, ranked))
        if args.show_misses:
            for query, found in zip(queries, ranked):
                missing = [tid for tid in query["relevant"] if tid not in found[:10]]
                if not found or found[0] not in query["relevant"] or missing:
                    print(f"  {query['q']!r}: got {found[:5]}, missing {missing}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
