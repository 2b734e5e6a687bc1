"""CPU of a point read through SQLAlchemy and forum.sqlite_driver with its hop to aiosqlite's
thread (`hop`) and without it (`loop`: every statement run on the event loop's thread, as a read
marked `sqlite_on_loop` is). Three runs of 3,000 reads of a member's recent replies.

    DATABASE_URL=sqlite+aiosqlite:////path/to/copy/webboard.db python benchmarks/sqlite_hop_bench.py hop|loop
"""
import asyncio, time, sys, os, statistics
sys.path.insert(0, os.getcwd())
from sqlalchemy import select, bindparam
from sqlalchemy.ext.asyncio import AsyncSession
import models as m
from forum.db import create_engine
from forum.settings import get_settings
from forum import sqlite_driver as sd
P = m.Post.__table__
Q = select(P.c.created_at).where(P.c.author_id == bindparam("a"), P.c.is_opening.is_(False)).order_by(P.c.created_at).limit(5)
async def run(n=3000):
    engine = create_engine(get_settings().db)
    async with AsyncSession(engine) as s:
        for i in range(200): (await s.execute(Q, {"a": 5 + i})).all()
        t0 = time.process_time(); w0 = time.perf_counter()
        for i in range(n):
            (await s.execute(Q, {"a": 5 + i % 1000})).all()
        t1 = time.process_time(); w1 = time.perf_counter()
    await engine.dispose()
    return (t1 - t0) / n * 1e6, (w1 - w0) / n * 1e6
mode = sys.argv[1]
if mode == "loop":
    orig = sd.OneHopConnection.run_on_thread
    def run_on_thread(self, fn, *args):
        return fn(self.raw(), *args)
    sd.OneHopConnection.run_on_thread = run_on_thread
r = [asyncio.run(run()) for _ in range(3)]
print(mode, "cpu us/stmt", [round(x[0]) for x in r], "wall us/stmt", [round(x[1]) for x in r])
