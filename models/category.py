from __future__ import annotations

import enum

from sqlalchemy import Enum, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import BigIntAuditBase


class CategoryAccess(str, enum.Enum):
    """Who may read and post in a category (forum.access decides)."""

    OPEN = "open"
    GOLD = "gold"  # verified Gold members (and staff)
    ADULT = "adult18"  # members aged 18 or over


class Category(BigIntAuditBase):
    __tablename__ = "categories"

    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name_th: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))
    description_th: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    thread_count: Mapped[int] = mapped_column(Integer, default=0)
    access: Mapped[CategoryAccess] = mapped_column(
        Enum(CategoryAccess, name="category_access", native_enum=False, values_callable=lambda e: [a.value for a in e],
             length=20),
        default=CategoryAccess.OPEN, server_default=CategoryAccess.OPEN.value,
    )

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name_th

    def description(self, locale: str) -> str:
        return self.description_en if locale == "en" else self.description_th
