"""Admin pages: categories."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

import models as m

from ..errors import DomainError
from ..services.categories import CategoryService
from ..web import error_text, field_errors, redirect, render


class AdminCategoryController(Controller):
    path = "/admin/categories"
    include_in_schema = False

    @get("/", name="admin_categories")
    async def index(self, request: Request, admin: m.User, categories: CategoryService) -> Template:
        return render(request, "admin_categories.html", categories=await categories.list(), form={})

    @post("/", name="admin_create_category")
    async def create(self, request: Request, admin: m.User, categories: CategoryService) -> Template | Redirect:
        form = dict(await request.form())
        try:
            await categories.save(form)
        except DomainError as error:
            return render(request, "admin_categories.html", status_code=error.status_code,
                          categories=await categories.list(), form=form, error=error_text(error),
                          errors=field_errors(error))
        return redirect(request, "/admin/categories", "Category saved.")

    @post("/{category_id:int}", name="admin_update_category")
    async def update(self, request: Request, category_id: int, admin: m.User, categories: CategoryService,
                     db_session: AsyncSession) -> Template | Redirect:
        category = await db_session.get(m.Category, category_id)
        if category is None:
            raise NotFoundException()
        form = dict(await request.form())
        try:
            if form.get("action") == "delete":
                await categories.delete(category)
                return redirect(request, "/admin/categories", "Category deleted.")
            await categories.save(form, category)
        except DomainError as error:
            return render(request, "admin_categories.html", status_code=error.status_code,
                          categories=await categories.list(), form={}, error=error_text(error))
        return redirect(request, "/admin/categories", "Category saved.")
