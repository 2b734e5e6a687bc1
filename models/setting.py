from __future__ import annotations

from advanced_alchemy.types import JsonB
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from .base import BigIntAuditBase


class SiteSetting(BigIntAuditBase):
    """Admin-editable settings (thresholds, limits), one JSON value per key."""

    __tablename__ = "site_settings"

    key: Mapped[str] = mapped_column(String(100), unique=True)
    value: Mapped[dict] = mapped_column(JsonB)
