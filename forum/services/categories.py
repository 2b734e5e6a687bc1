"""Admin-managed categories."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

import models as m

from ..i18n import N_
from ..errors import Conflict, NotFound, ValidationFailed

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,58}[a-z0-9]$")
# Built once: the board's pages read these on every request.
ALL_CATEGORIES = select(m.Category).order_by(m.Category.position, m.Category.id).execution_options(
    sqlite_on_loop=True)  # a small table (the home page's list): no thread hop (forum.sqlite_driver)
CATEGORY_BY_SLUG = select(m.Category).where(m.Category.slug == bindparam("slug")).execution_options(sqlite_on_loop=True)
_HEADER_COLUMNS = ("id", "slug", "name_th", "name_en", "description_th", "description_en", "access")
CATEGORY_HEADER_BY_SLUG = (
    select(*(getattr(m.Category, name) for name in _HEADER_COLUMNS)).where(m.Category.slug == bindparam("slug"))
    .execution_options(sqlite_on_loop=True)
)


class CategoryShown:
    """What a category's page shows of the category (its names, description, slug, id and access),
    read as a plain row: the page is rendered again after every new thread or reply in it, and loading
    the ORM object took as much CPU as reading the page's twenty threads. Anything else read from it
    fails loudly instead of showing as an empty value (Jinja's undefined)."""

    __slots__ = _HEADER_COLUMNS

    def __init__(self, row: Any) -> None:
        for name, value in zip(_HEADER_COLUMNS, row):
            object.__setattr__(self, name, value)

    name = m.Category.name  # the model's own choice of language
    description = m.Category.description

    def __getattr__(self, name: str) -> Any:
        raise RuntimeError(f"category.{name} is not read for the category page: add it to CATEGORY_HEADER_BY_SLUG")


class CategoryService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def list(self) -> list[m.Category]:
        return list((await self.session.scalars(ALL_CATEGORIES)).all())

    async def by_slug(self, slug: str) -> m.Category:
        category = await self.session.scalar(CATEGORY_BY_SLUG, {"slug": slug})
        if category is None:
            raise NotFound("Category not found.")
        return category

    async def shown_by_slug(self, slug: str) -> CategoryShown:
        """The category as its page shows it (`CategoryShown`), one row without the ORM's loading."""
        row = (await (await self.session.connection()).execute(CATEGORY_HEADER_BY_SLUG, {"slug": slug})).first()
        if row is None:
            raise NotFound("Category not found.")
        return CategoryShown(row)

    async def save(self, data: dict, category: m.Category | None = None) -> m.Category:
        slug = (data.get("slug") or "").strip().lower()
        fields = {key: " ".join(str(data.get(key) or "").split()) for key in ("name_th", "name_en")}
        errors = {}
        if not SLUG.match(slug):
            errors["slug"] = N_("Slug: 3-60 characters, a-z, digits and dashes.")
        for key, value in fields.items():
            if not value or len(value) > 100:
                errors[key] = N_("Name: 1-100 characters.")
        try:
            position = int(data.get("position") or 0)
        except ValueError:
            errors["position"] = N_("Order must be a whole number.")
            position = 0
        if errors:
            raise ValidationFailed("Please correct the marked fields.", field_errors=errors)
        clash = await self.session.scalar(select(m.Category.id).where(m.Category.slug == slug))
        if clash is not None and (category is None or clash != category.id):
            raise Conflict("A category with this slug exists.", field_errors={"slug": N_("A category with this slug exists.")})
        category = category or m.Category(thread_count=0)
        category.slug, category.name_th, category.name_en, category.position = slug, fields["name_th"], fields["name_en"], position
        category.description_th = str(data.get("description_th") or "").strip()[:2000]
        category.description_en = str(data.get("description_en") or "").strip()[:2000]
        self.session.add(category)
        await self.session.flush()
        return category

    async def delete(self, category: m.Category) -> None:
        if await self.session.scalar(select(m.Thread.id).where(m.Thread.category_id == category.id).limit(1)):
            raise Conflict("Move or delete this category's threads first.")
        await self.session.delete(category)
