"""Seeds a benchmark board: 100,000 threads and 1,000,000 replies (by default) in a SQLite file
made by the real migrations, written with plain executemany for speed.

    python benchmarks/seed_board.py --data-dir /tmp/webboard-bench [--threads N --replies-per-thread N]

Most threads go to one category ("maintenance") so that its page 1,000 exists. Prints the URLs
the benchmark measures (first page, page 1,000 by keyset cursor, a thread page)."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sqlite3
import sys
import time
from pathlib import Path

WORDS_TH = ("น้ำมันเครื่อง แบตเตอรี่ ยาง เบรก ช่วงล่าง แอร์ เกียร์ ไฟหน้า เช็คระยะ ศูนย์บริการ ประกัน "
            "ไฟแนนซ์ ทริป ภาคเหนือ เสียงดัง สั่น รั่ว เปลี่ยน ราคา ครับ ค่ะ ช่วยด้วย รถ ปี กิโล").split()
WORDS_EN = ("engine oil battery tyre brake suspension aircon gearbox headlight service centre insurance "
            "finance trip noise vibration leak replace price please help car year km").split()


def sentence(rng: random.Random, lo: int, hi: int) -> str:
    words = WORDS_TH if rng.random() < 0.6 else WORDS_EN
    return " ".join(rng.choice(words) for _ in range(rng.randint(lo, hi)))


def body(rng: random.Random) -> str:
    """2-4 paragraphs of 1-3 sentences of 4-9 words: 50-1,400 bytes of UTF-8, 540 on average,
    near the ceiling app's posts (440; ../shared/perf/content.py), so both pages serve
    comparable rows."""
    return "\n\n".join(" ".join(sentence(rng, 4, 9) for _ in range(rng.randint(1, 3)))
                       for _ in range(rng.randint(2, 4)))


def html(text: str) -> str:
    return "".join(f"<p>{para}</p>\n" for para in text.split("\n\n"))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", default="/tmp/webboard-bench")
    parser.add_argument("--threads", type=int, default=100_000)
    parser.add_argument("--replies-per-thread", type=int, default=10)
    parser.add_argument("--users", type=int, default=2_000)
    args = parser.parse_args()
    data_dir = Path(args.data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    db_path = data_dir / "webboard.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    os.environ["WEBBOARD_DATA_DIR"] = str(data_dir)
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from forum.migrate import upgrade
    from forum.seed import CATEGORIES
    from forum.text import search_terms

    upgrade(f"sqlite+aiosqlite:///{db_path}")
    started = time.perf_counter()
    rng = random.Random(2026)
    con = sqlite3.connect(db_path)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=OFF")
    now = dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc)
    stamp = lambda moment: moment.strftime("%Y-%m-%d %H:%M:%S.%f")  # noqa: E731
    con.executemany(
        "INSERT INTO categories (id, slug, name_th, name_en, description_th, description_en, position, thread_count,"
        " created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
        [(i + 1, slug, th, en, dth, den, i, 0, stamp(now), stamp(now)) for i, (slug, th, en, dth, den) in enumerate(CATEGORIES)],
    )
    con.executemany(
        "INSERT INTO users (id, login_id, display_name, email, password_hash, role, tier, status, terms_version,"
        " terms_accepted_at, locale, email_consent, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        [(u, f"user{u}", f"สมาชิก {u}", f"user{u}@example.com", None, "member", "silver", "active", "2026-01",
          stamp(now), "th", 0, stamp(now), stamp(now)) for u in range(1, args.users + 1)],
    )
    n_categories = len(CATEGORIES)
    thread_rows, post_rows = [], []
    post_id = 0
    thread_count = [0] * n_categories
    for thread_id in range(1, args.threads + 1):
        category = 1 if rng.random() < 0.6 else rng.randint(2, n_categories)
        thread_count[category - 1] += 1
        author = rng.randint(1, args.users)
        created = now - dt.timedelta(minutes=args.threads - thread_id)
        title = sentence(rng, 4, 10)[:200]
        opening = body(rng)
        last = created + dt.timedelta(minutes=args.replies_per_thread)
        thread_rows.append((thread_id, category, author, "discussion", title, "published", stamp(last),
                            args.replies_per_thread, author, 0, search_terms(title), stamp(created), stamp(created)))
        post_id += 1
        post_rows.append((post_id, thread_id, author, 1, opening, html(opening), "published", stamp(created), stamp(created)))
        for reply in range(args.replies_per_thread):
            post_id += 1
            text = body(rng)
            at = stamp(created + dt.timedelta(minutes=reply + 1))
            post_rows.append((post_id, thread_id, rng.randint(1, args.users), 0, text, html(text), "published", at, at))
        if len(post_rows) >= 50_000 or thread_id == args.threads:
            con.executemany(
                "INSERT INTO threads (id, category_id, author_id, kind, title, visibility, last_activity_at, reply_count,"
                " last_author_id, is_locked, search_terms, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                thread_rows)
            con.executemany(
                "INSERT INTO posts (id, thread_id, author_id, is_opening, body_raw, body_html, visibility, created_at,"
                " updated_at) VALUES (?,?,?,?,?,?,?,?,?)", post_rows)
            thread_rows.clear()
            post_rows.clear()
            print(f"\rseeded {thread_id:,} threads, {post_id:,} posts", end="", file=sys.stderr)
    for index, count in enumerate(thread_count):
        con.execute("UPDATE categories SET thread_count = ? WHERE id = ?", (count, index + 1))
    con.commit()
    con.execute("ANALYZE")
    con.commit()
    print(f"\nseeded in {time.perf_counter() - started:.0f} s", file=sys.stderr)

    from forum.services.reading import Cursor

    per_page = 20
    row = con.execute(
        "SELECT last_activity_at, id FROM threads WHERE category_id = 1 AND visibility = 'published' "
        "ORDER BY last_activity_at DESC, id DESC LIMIT 1 OFFSET ?", (per_page * 999 - 1,)).fetchone()
    con.close()
    if row is None:
        print("too few threads for page 1,000", file=sys.stderr)
        return 1
    cursor = Cursor(dt.datetime.fromisoformat(row[0]).replace(tzinfo=dt.timezone.utc), row[1]).encode()
    print(f"FIRST_PAGE=/c/{CATEGORIES[0][0]}")
    print(f"PAGE_1000=/c/{CATEGORIES[0][0]}?after={cursor}")
    print(f"THREAD_PAGE=/t/{args.threads // 2}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
