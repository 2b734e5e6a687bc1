"""Registration, login/logout, profile, resignation and the language switch."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template

import models as m

from ..errors import DomainError
from ..i18n import LOCALE_COOKIE, LOCALES
from ..services.accounts import AccountService, Registration
from ..web import SESSION_USER_KEY, client_ip, error_text, field_errors, redirect, render


def safe_next(target: str | None) -> str:
    """Only same-site paths, so `next` cannot send a member to another site."""
    return target if target and target.startswith("/") and not target.startswith("//") else "/"


class AccountController(Controller):
    include_in_schema = False

    @get("/register", name="register_form")
    async def register_form(self, request: Request, user: m.User | None) -> Template:
        return render(request, "register.html", form={})

    @post("/register", name="register")
    async def register(self, request: Request, user: m.User | None, accounts: AccountService) -> Template | Redirect:
        form = dict(await request.form())
        try:
            new_user = await accounts.register(Registration(
                login_id=form.get("login_id", ""), display_name=form.get("display_name", ""), email=form.get("email", ""),
                password=form.get("password", ""), date_of_birth=form.get("date_of_birth"),
                accept_terms=form.get("accept_terms") == "on", real_name=form.get("real_name"),
            ))
        except DomainError as error:
            form.pop("password", None)
            return render(request, "register.html", status_code=error.status_code, form=form, error=error_text(error),
                          errors=field_errors(error))
        request.set_session({SESSION_USER_KEY: new_user.id})
        return redirect(request, "/", "Welcome! Your account is ready.")

    @get("/login", name="login_form")
    async def login_form(self, request: Request, user: m.User | None, next: str | None = None) -> Template:
        return render(request, "login.html", form={"next": safe_next(next)})

    @post("/login", name="login")
    async def login(self, request: Request, user: m.User | None, accounts: AccountService) -> Template | Redirect:
        form = dict(await request.form())
        try:
            found = await accounts.authenticate(form.get("login_id", ""), form.get("password", ""), client_ip(request))
        except DomainError as error:
            form.pop("password", None)
            return render(request, "login.html", status_code=error.status_code, form=form, error=error_text(error))
        request.set_session({SESSION_USER_KEY: found.id})
        return redirect(request, safe_next(form.get("next")), "You are logged in.")

    @post("/logout", name="logout")
    async def logout(self, request: Request) -> Redirect:
        request.clear_session()
        return redirect(request, "/", "You are logged out.")

    @get("/profile", name="profile")
    async def profile(self, request: Request, member: m.User) -> Template:
        return render(request, "profile.html", form={"display_name": member.display_name, "email": member.email,
                                                      "email_consent": member.email_consent,
                                                      "real_name": member.real_name or ""})

    @post("/profile", name="update_profile")
    async def update_profile(self, request: Request, member: m.User, accounts: AccountService) -> Template | Redirect:
        form = dict(await request.form())
        try:
            await accounts.update_profile(member, display_name=form.get("display_name", ""), email=form.get("email", ""),
                                          email_consent=form.get("email_consent") == "on", real_name=form.get("real_name"))
        except DomainError as error:
            return render(request, "profile.html", status_code=error.status_code, form=form, error=error_text(error),
                          errors=field_errors(error))
        return redirect(request, "/profile", "Profile saved.")

    @post("/profile/resign", name="resign")
    async def resign(self, request: Request, member: m.User, accounts: AccountService) -> Template | Redirect:
        form = dict(await request.form())
        if form.get("confirm") != "on":
            return render(request, "profile.html", status_code=400,
                          form={"display_name": member.display_name, "email": member.email},
                          error=error_text(DomainError("Tick the box to confirm that you want to resign.")))
        await accounts.resign(member)
        request.clear_session()
        return redirect(request, "/", "Your membership has ended and your personal data was removed.")

    @post("/lang", name="set_language")
    async def set_language(self, request: Request) -> Redirect:
        form = dict(await request.form())
        lang = form.get("lang") if form.get("lang") in LOCALES else "th"
        response = Redirect(safe_next(form.get("next")), status_code=303)
        response.set_cookie(LOCALE_COOKIE, lang, max_age=365 * 24 * 3600, httponly=True, samesite="lax")
        return response
