"""Settings, one dataclass per concern, read from the environment once (`get_settings()`)."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default)


def _data_dir() -> Path:
    return Path(_env("WEBBOARD_DATA_DIR", str(PROJECT_ROOT / "var")))


@dataclass(frozen=True)
class DatabaseSettings:
    url: str = field(default_factory=lambda: _env("DATABASE_URL", f"sqlite+aiosqlite:///{_data_dir() / 'webboard.db'}"))
    echo: bool = field(default_factory=lambda: _env("DATABASE_ECHO", "0") == "1")
    # How long an SQLite writer waits for another process's write lock before giving up (the
    # request then answers 503 with Retry-After, see forum/db.py `is_busy`).
    sqlite_busy_ms: int = field(default_factory=lambda: int(_env("WEBBOARD_SQLITE_BUSY_MS", "10000")))
    # Log (a warning) every SQLite write transaction that held the write lock at least this long; 0: off.
    sqlite_slow_write_ms: float = field(default_factory=lambda: float(_env("WEBBOARD_SQLITE_SLOW_WRITE_MS", "0")))
    # PostgreSQL: connections each server process keeps open (and may open beyond that under a
    # burst, closed again when returned). SQLAlchemy's default of 5 + 10 had a process under 16
    # concurrent requests open and close a connection on most requests (a server process forked,
    # the codecs set up and every statement prepared again each time). Keep processes x (pool +
    # overflow) below the server's max_connections (100 by default): 4 x (16 + 8) = 96.
    pool_size: int = field(default_factory=lambda: int(_env("WEBBOARD_DB_POOL_SIZE", "16")))
    max_overflow: int = field(default_factory=lambda: int(_env("WEBBOARD_DB_MAX_OVERFLOW", "8")))
    # PostgreSQL: `synchronous_commit` for the app's connections ("" = the server's own setting,
    # `on` unless the operator changed it). With `on` every COMMIT waits for its WAL to reach the
    # disk (3.8 ms median on the benchmark machine, most of PostgreSQL's submit latency over
    # SQLite's); `off` answers at once and the WAL writer flushes within 3 x wal_writer_delay
    # (0.6 s by default): a crash of the machine or of PostgreSQL can lose the last moments'
    # commits, whole (never half a post, never a corrupt database). The SQLite setup (WAL with
    # synchronous=NORMAL, forum/db.py) accepts the same loss on a machine crash or power cut
    # (not on a crash of the app). An operator's choice, not a default.
    synchronous_commit: str = field(default_factory=lambda: _env("WEBBOARD_DB_SYNCHRONOUS_COMMIT", "").strip().lower())

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")


def _secret_key() -> str:
    """A stable secret: from the environment, else generated once and kept in the data dir so
    sessions and CSRF tokens survive a restart and are shared by every worker."""
    if key := os.environ.get("WEBBOARD_SECRET_KEY"):
        return key
    path = _data_dir() / "secret.key"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_hex(32))
    return path.read_text().strip()


@dataclass(frozen=True)
class SecuritySettings:
    secret_key: str = field(default_factory=_secret_key)
    https: bool = field(default_factory=lambda: _env("WEBBOARD_HTTPS", "0") == "1")
    redis_url: str | None = field(default_factory=lambda: os.environ.get("REDIS_URL") or None)
    session_dir: Path = field(default_factory=lambda: _data_dir() / "sessions")
    session_max_age: int = 14 * 24 * 3600
    login_failures_per_account: int = 5
    login_failures_per_ip: int = 20
    login_window_seconds: int = 15 * 60


# Lengths a post's title and body may have; the posting service checks them and the API schema
# states them (forum/api_schema.py), so both read these.
TITLE_MAX = 200
BODY_MAX = 20_000


@dataclass(frozen=True)
class BoardSettings:
    terms_version: str = "2026-01"
    minimum_age: int = 13
    threads_per_page: int = 20
    posts_per_page: int = 20
    title_max: int = TITLE_MAX
    body_max: int = BODY_MAX
    # Posting limits: (threads, replies) per window, stricter on an account's first day.
    new_account_threads_per_day: int = 3
    new_account_replies_per_day: int = 10
    threads_per_hour: int = 10
    replies_per_hour: int = 60


@dataclass(frozen=True)
class ServerSettings:
    host: str = field(default_factory=lambda: _env("WEBBOARD_HOST", "127.0.0.1"))
    port: int = field(default_factory=lambda: int(_env("WEBBOARD_PORT", "8000")))
    workers: int = field(default_factory=lambda: int(_env("WEBBOARD_WORKERS", "2")))


@dataclass(frozen=True)
class LogSettings:
    # One access-log line per request on the `webboard.access` logger; WEBBOARD_ACCESS_LOG=0 turns it off.
    access_log: bool = field(default_factory=lambda: _env("WEBBOARD_ACCESS_LOG", "1") != "0")
    level: str = field(default_factory=lambda: _env("WEBBOARD_LOG_LEVEL", "INFO").upper())


@dataclass(frozen=True)
class ModerationSettings:
    # Where the classifier artifact lives; the app trains one there at start-up if it is empty.
    model_dir: Path = field(default_factory=lambda: Path(_env("WEBBOARD_MODERATION_MODEL_DIR",
                                                                str(PROJECT_ROOT / "moderation" / "model"))))
    queue_page_size: int = 25


@dataclass(frozen=True)
class PhotoSettings:
    """Photos in posts (forum.photos): limits, the hold policy and where the files live."""

    max_file_bytes: int = field(default_factory=lambda: int(_env("WEBBOARD_PHOTO_MAX_BYTES", str(15 * 1024 * 1024))))
    max_pixels: int = field(default_factory=lambda: int(_env("WEBBOARD_PHOTO_MAX_PIXELS", str(50_000_000))))
    per_post: int = 10
    daily_bytes: int = field(default_factory=lambda: int(_env("WEBBOARD_PHOTO_DAILY_BYTES", str(200 * 1024 * 1024))))
    caption_max: int = 200
    # Held for review: photos from members in their first `hold_days` or with fewer than
    # `hold_min_posts` published posts (no image model offline, so the policy is explicit).
    hold_days: int = field(default_factory=lambda: int(_env("WEBBOARD_PHOTO_HOLD_DAYS", "7")))
    hold_min_posts: int = field(default_factory=lambda: int(_env("WEBBOARD_PHOTO_HOLD_MIN_POSTS", "5")))
    # "local" (files under data_dir/photos) or "s3" (any S3-compatible store).
    backend: str = field(default_factory=lambda: _env("WEBBOARD_PHOTO_STORE", "local"))
    s3_bucket: str = field(default_factory=lambda: _env("WEBBOARD_PHOTO_S3_BUCKET", ""))
    s3_endpoint: str | None = field(default_factory=lambda: os.environ.get("WEBBOARD_PHOTO_S3_ENDPOINT") or None)
    s3_region: str = field(default_factory=lambda: _env("WEBBOARD_PHOTO_S3_REGION", "us-east-1"))
    s3_prefix: str = field(default_factory=lambda: _env("WEBBOARD_PHOTO_S3_PREFIX", "photos/"))
    # Deleted posts' photos are purged after this many days (an admin may restore the post first).
    purge_after_days: int = 30
    sweep_interval_seconds: int = field(default_factory=lambda: int(_env("WEBBOARD_PHOTO_SWEEP_SECONDS", "900")))


@dataclass(frozen=True)
class Settings:
    data_dir: Path = field(default_factory=_data_dir)
    db: DatabaseSettings = field(default_factory=DatabaseSettings)
    security: SecuritySettings = field(default_factory=SecuritySettings)
    board: BoardSettings = field(default_factory=BoardSettings)
    server: ServerSettings = field(default_factory=ServerSettings)
    moderation: ModerationSettings = field(default_factory=ModerationSettings)
    log: LogSettings = field(default_factory=LogSettings)
    photos: PhotoSettings = field(default_factory=PhotoSettings)
    debug: bool = field(default_factory=lambda: _env("WEBBOARD_DEBUG", "0") == "1")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    settings = Settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return settings
