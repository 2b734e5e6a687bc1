"""Declarative base shared by every model: Advanced Alchemy's big-integer audit base gives an
integer primary key, created_at/updated_at in UTC, and the constraint naming convention that
Alembic's batch mode needs on SQLite."""

from advanced_alchemy.base import BigIntAuditBase, BigIntBase, orm_registry

metadata = orm_registry.metadata

__all__ = ("BigIntAuditBase", "BigIntBase", "metadata")
