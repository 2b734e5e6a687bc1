"""Unhandled errors are logged with their traceback and the request id the member sees; every
request gets an access-log line unless the operator turns it off."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterator

import pytest
from litestar import get
from litestar.testing import AsyncTestClient

from forum.app import create_app
from forum.settings import LogSettings


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def logged() -> Iterator[Collect]:
    handler = Collect()
    logger = logging.getLogger("webboard")
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)


@get("/api/test-broken", include_in_schema=False, sync_to_thread=False)
def broken_api() -> dict:
    raise RuntimeError("the engine fell out")


@get("/test-broken", include_in_schema=False, sync_to_thread=False)
def broken_page() -> dict:
    raise KeyError("no such gear")


async def test_an_unhandled_error_is_logged_with_its_traceback_and_the_id_shown_to_the_client(settings, session_maker, logged):
    app = create_app(settings)
    app.register(broken_api)
    app.register(broken_page)
    async with AsyncTestClient(app=app) as client:
        response = await client.get("/api/test-broken")
        page = await client.get("/test-broken")

    body = response.json()
    assert response.status_code == 500 and body["status_code"] == 500
    assert "fell out" not in response.text  # the error itself stays in the log
    request_id = body["request_id"]
    assert request_id and response.headers["x-request-id"] == request_id
    errors = [r for r in logged.records if r.name == "webboard.errors"]
    assert len(errors) == 2
    api_record = errors[0]
    assert request_id in api_record.getMessage() and "/api/test-broken" in api_record.getMessage()
    assert api_record.exc_info and api_record.exc_info[0] is RuntimeError
    assert "broken_api" in logging.Formatter().formatException(api_record.exc_info)  # the traceback

    page_id = page.headers["x-request-id"]
    assert page.status_code == 500 and page_id in page.text and page_id != request_id
    assert page_id in errors[1].getMessage() and errors[1].exc_info[0] is KeyError


async def test_every_request_gets_an_access_log_line_with_method_path_status_time_and_id(settings, session_maker, logged):
    async with AsyncTestClient(app=create_app(settings)) as client:
        response = await client.get("/api/threads/424242?after=7")
    lines = [r.getMessage() for r in logged.records if r.name == "webboard.access"]
    assert len(lines) == 1
    line = lines[0]
    assert '"GET /api/threads/424242"' in line and " 404 " in line and "ms " in line
    assert "after=7" not in line  # query strings (search words) are not logged
    assert line.endswith(f"id={response.headers['x-request-id']}")


async def test_the_access_log_can_be_switched_off(settings, session_maker, logged, monkeypatch):
    monkeypatch.setenv("WEBBOARD_ACCESS_LOG", "0")
    quiet = dataclasses.replace(settings, log=LogSettings())
    assert quiet.log.access_log is False
    async with AsyncTestClient(app=create_app(quiet)) as client:
        response = await client.get("/api/categories")
    assert response.status_code == 200 and response.headers["x-request-id"]
    assert not [r for r in logged.records if r.name == "webboard.access"]
