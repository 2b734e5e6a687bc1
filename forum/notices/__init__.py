"""Notices: announcements, planned maintenance with a read-only board, outages and recoveries.

`NoticesPlugin` wires the feature into the app: its controllers, the maintenance gate (an
app-level guard, see `forum.notices.gate` for how a route declares the function it belongs to),
the gate's 503 handler, and the per-process banner cache (`forum.notices.board`)."""

from __future__ import annotations

from litestar.config.app import AppConfig
from litestar.plugins import InitPluginProtocol

from .board import STATE_KEY as BOARD_STATE_KEY
from .board import NoticeBoard
from .gate import MaintenanceClosed, maintenance_closed_handler, maintenance_gate


class NoticesPlugin(InitPluginProtocol):
    def __init__(self, ttl: float | None = None) -> None:
        self.ttl = ttl

    def on_app_init(self, app_config: AppConfig) -> AppConfig:
        from .controllers import AdminNoticeController, NoticeApiController, NoticeController

        app_config.route_handlers.extend([NoticeController, AdminNoticeController, NoticeApiController])
        app_config.guards.append(maintenance_gate)
        app_config.exception_handlers[MaintenanceClosed] = maintenance_closed_handler
        app_config.state[BOARD_STATE_KEY] = NoticeBoard() if self.ttl is None else NoticeBoard(self.ttl)
        return app_config


__all__ = ("MaintenanceClosed", "NoticeBoard", "NoticesPlugin")
