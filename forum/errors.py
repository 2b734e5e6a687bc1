"""Domain errors raised by services; controllers turn them into form messages or 4xx JSON."""

from __future__ import annotations

import datetime as dt
from typing import Any


class DomainError(Exception):
    status_code = 400

    def __init__(self, message: str, *, field_errors: dict[str, str] | None = None, **extra: Any) -> None:
        super().__init__(message)
        self.message = message  # a msgid, translated when shown
        self.field_errors = field_errors or {}
        self.extra = extra


class ValidationFailed(DomainError):
    status_code = 400


class Forbidden(DomainError):
    status_code = 403


class NotFound(DomainError):
    status_code = 404


class Conflict(DomainError):
    status_code = 409


class RateLimited(DomainError):
    status_code = 429

    def __init__(self, message: str, *, retry_at: dt.datetime, **extra: Any) -> None:
        super().__init__(message, **extra)
        self.retry_at = retry_at
