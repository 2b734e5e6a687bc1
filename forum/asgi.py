"""ASGI entry point for the server processes."""

from . import tail_trace
from .app import create_app
from .checkpoints import install as install_checkpoints
from .duplicates.hook import CATCH_UP_KEY, FREEZE_AFTER_START_KEY
from .warmup import WARM_UP_KEY

app = create_app()
# WAL checkpoints on a thread of each server process instead of inside a submit's COMMIT (forum/checkpoints.py)
install_checkpoints(app, app.state["db_engine"], app.state["settings"].db.url)
app.state[FREEZE_AFTER_START_KEY] = True  # long-lived objects leave the GC's sight once the index is built
app.state[CATCH_UP_KEY] = True  # each process keeps its duplicate index caught up between checks
app.state[WARM_UP_KEY] = True  # load what the first submit and page would load, before serving

if tail_trace.on():  # WEBBOARD_TAIL_TRACE: timings of a benchmark run (forum/tail_trace.py)
    app.asgi_handler = tail_trace.middleware(app.asgi_handler)
    app.on_startup.append(tail_trace.start)
    app.on_shutdown.append(tail_trace.stop)
