"""Membership pages and API: Gold applications, the terms and their acceptance, privacy and the
member's data rights, and the admins' member management, Gold decisions, terms publishing,
protected names, category access and data-access log.

Routes marked `terms_exempt` stay reachable while a member has revised terms to accept: reading
the terms, the privacy page, and the data rights (download, deletion), which a member who does
not accept must still have."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import Any

from litestar import Controller, Request, Response, delete, get, post, put
from litestar.exceptions import NotFoundException
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED
from msgspec import Struct
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

import models as m

from ..access import CategoryGated, access_problem, require_category
from ..api_schema import Int32
from ..errors import DomainError, ValidationFailed
from ..i18n import N_, gettext
from ..rendering import render_markdown
from ..services import membership
from ..services.membership import ACTION_LABELS, REASONS, TermsAcceptanceRequired, VehicleForm, utcnow
from ..settings import Settings
from ..web import error_text, field_errors, redirect, render
from ..inputs import parse_id

EXEMPT = {"terms_exempt": True}
PAGE = 30
# Values shown through _() in the templates.
_SHOWN_VALUES = (N_("active"), N_("suspended"), N_("revoked"), N_("resigned"), N_("denied"), N_("reinstated"),
                 N_("terminated"), N_("inactivity_notice"), N_("view"), N_("export"), N_("pending"), N_("approved"),
                 N_("rejected"))


def terms_html(terms: m.TermsVersion | None) -> dict[str, str]:
    if terms is None:
        return {}
    return {"th": render_markdown(terms.body_th), "en": render_markdown(terms.body_en)}


def _safe_next(target: str | None) -> str:
    return target if target and target.startswith("/") and not target.startswith("//") else "/"


def _page(page: int | None) -> int:
    return max(1, page or 1)


# -- used by the board's pages ----------------------------------------------------------------

def gate_page(request: Request, category: m.Category, user: m.User | None) -> Template | None:
    """The explanation page (403) for someone outside a gated category, or None to go on."""
    reason = access_problem(category.access, user)
    if reason is None:
        return None
    return render(request, "membership_gated.html", status_code=403, category=category, reason=gettext(reason),
                  access=category.access.value)


async def thread_gate(request: Request, session: AsyncSession, header: Any, user: m.User | None) -> Template | None:
    """The gate for a thread page, from its header row (`reading.thread_header`): the category
    is read only when the viewer is kept out."""
    if access_problem(header.category_access, user) is None:
        return None
    category = await session.get(m.Category, header.category_id)
    return gate_page(request, category, user) if category is not None else None


def gated_error_page(request: Request, error: CategoryGated) -> Template:
    return render(request, "membership_gated.html", status_code=403, category=None, reason=error_text(error),
                  access=error.extra.get("access"))


def terms_required_handler(request: Request, error: TermsAcceptanceRequired) -> Response:
    """Pages go to the accept page and come back; the API says why it refuses (403)."""
    if request.url.path.startswith("/api"):
        return Response({"error": error_text(error), "status_code": 403, "terms_version": error.version,
                         "terms_url": f"/terms/v/{error.version}", "accept_url": "/api/membership/terms/accept"},
                        status_code=403)
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return Redirect(f"/terms/accept?next={target}", status_code=303)


# -- JSON shapes -------------------------------------------------------------------------------

def terms_json(t: m.TermsVersion | None) -> dict[str, Any] | None:
    if t is None:
        return None
    return {"version": t.version, "effective_on": t.effective_on.isoformat(), "body_th": t.body_th, "body_en": t.body_en,
            "published_at": t.created_at.isoformat()}


def vehicle_json(vehicle: m.Vehicle, application: m.GoldApplication | None) -> dict[str, Any]:
    return {"id": vehicle.id, "model": vehicle.model, "plate": vehicle.plate, "province": vehicle.province,
            "vin_last6": vehicle.vin_last6, "dealer": vehicle.dealer, "purchased_on": vehicle.purchased_on.isoformat(),
            "verified": vehicle.verified_at is not None,
            "application": application_json(application) if application else None}


def application_json(a: m.GoldApplication) -> dict[str, Any]:
    return {"id": a.id, "user_id": a.user_id, "vehicle_id": a.vehicle_id, "status": a.status.value,
            "reason": a.decision_reason, "created_at": a.created_at.isoformat(),
            "decided_at": a.decided_at.isoformat() if a.decided_at else None}


def member_json(u: m.User) -> dict[str, Any]:
    return {"id": u.id, "login_id": u.login_id, "display_name": u.display_name, "real_name": u.real_name,
            "email": u.email, "date_of_birth": u.date_of_birth.isoformat() if u.date_of_birth else None,
            "role": u.role.value, "tier": u.tier.value, "status": u.status.value, "status_reason": u.status_reason,
            "suspended_until": u.suspended_until.isoformat() if u.suspended_until else None,
            "email_consent": u.email_consent, "terms_version": u.terms_version,
            "last_seen_at": u.last_seen_at.isoformat() if u.last_seen_at else None,
            "created_at": u.created_at.isoformat()}


def export_response(document: dict[str, Any], login_id: str, now: dt.datetime) -> Response:
    filename = f"webboard-data-{login_id}-{now.date().isoformat()}.json"
    return Response(json.dumps(document, ensure_ascii=False, indent=2).encode(), media_type="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"})


async def _member_or_404(session: AsyncSession, user_id: int) -> m.User:
    user = await session.get(m.User, user_id)
    if user is None:
        raise NotFoundException()
    return user


def _int(value: Any) -> int | None:
    return parse_id(value)


def _vehicle_form(form: dict[str, Any]) -> VehicleForm:
    return VehicleForm(**{f: str(form.get(f) or "") for f in ("model", "plate", "province", "vin_last6", "dealer",
                                                                "purchased_on")})


# -- member pages -------------------------------------------------------------------------------

class MembershipController(Controller):
    include_in_schema = False

    @get("/terms", name="terms", opt=EXEMPT)
    async def terms(self, request: Request, user: m.User | None, db_session: AsyncSession) -> Template:
        terms = await membership.current_terms(db_session)
        return render(request, "membership_terms.html", terms=terms, terms_html=terms_html(terms),
                      upcoming=await membership.upcoming_terms(db_session),
                      versions=await membership.terms_versions(db_session))

    @get("/terms/v/{version:str}", name="terms_version", opt=EXEMPT)
    async def terms_version(self, request: Request, version: str, user: m.User | None,
                            db_session: AsyncSession) -> Template:
        terms = await db_session.scalar(select(m.TermsVersion).where(m.TermsVersion.version == version))
        if terms is None:
            raise NotFoundException()
        return render(request, "membership_terms.html", terms=terms, terms_html=terms_html(terms), upcoming=None,
                      versions=await membership.terms_versions(db_session), single=True)

    @get("/terms/accept", name="terms_accept_form", opt=EXEMPT)
    async def accept_form(self, request: Request, member: m.User, db_session: AsyncSession,
                          next: str | None = None) -> Template | Redirect:
        pending = await membership.terms_pending(db_session, member)
        if pending is None:
            return redirect(request, _safe_next(next))
        return render(request, "membership_terms_accept.html", terms=pending, terms_html=terms_html(pending),
                      next=_safe_next(next))

    @post("/terms/accept", name="terms_accept", opt=EXEMPT)
    async def accept(self, request: Request, member: m.User, db_session: AsyncSession) -> Template | Redirect:
        form = dict(await request.form())
        try:
            await membership.accept_terms(db_session, member, form.get("version", ""), utcnow())
        except DomainError as error:
            pending = await membership.terms_pending(db_session, member)
            if pending is None:
                return redirect(request, _safe_next(form.get("next")))
            return render(request, "membership_terms_accept.html", status_code=error.status_code, terms=pending,
                          terms_html=terms_html(pending), next=_safe_next(form.get("next")), error=error_text(error))
        return redirect(request, _safe_next(form.get("next")), "Thank you. You accepted the new terms.")

    @get("/privacy", name="privacy", opt=EXEMPT)
    async def privacy(self, request: Request, user: m.User | None) -> Template:
        return render(request, "membership_privacy.html")

    @get("/membership/gold", name="gold")
    async def gold(self, request: Request, member: m.User, db_session: AsyncSession) -> Template:
        return render(request, "membership_gold.html", vehicles=await membership.member_vehicles(db_session, member.id),
                      form={})

    @post("/membership/gold", name="gold_apply")
    async def apply(self, request: Request, member: m.User, db_session: AsyncSession) -> Template | Redirect:
        form = dict(await request.form())
        try:
            await membership.apply_for_gold(db_session, member, _vehicle_form(form), utcnow())
        except DomainError as error:
            return render(request, "membership_gold.html", status_code=error.status_code,
                          vehicles=await membership.member_vehicles(db_session, member.id), form=form,
                          error=error_text(error), errors=field_errors(error))
        return redirect(request, "/membership/gold", "Application sent. An admin will check your vehicle's details.")

    @get("/account", name="account", opt=EXEMPT)
    async def account(self, request: Request, member: m.User, db_session: AsyncSession) -> Template:
        requests = (await db_session.scalars(select(m.DeletionRequest).where(m.DeletionRequest.user_id == member.id))).all()
        return render(request, "membership_account.html", requests=requests,
                      acceptances=(await db_session.scalars(select(m.TermsAcceptance).where(
                          m.TermsAcceptance.user_id == member.id).order_by(m.TermsAcceptance.id.desc()))).all())

    @get("/account/export", name="account_export", opt=EXEMPT)
    async def export(self, member: m.User, db_session: AsyncSession) -> Response:
        now = utcnow()
        return export_response(await membership.export_data(db_session, member, now), member.login_id, now)

    @post("/account/email-consent", name="account_email_consent")
    async def email_consent(self, request: Request, member: m.User) -> Redirect:
        form = dict(await request.form())
        if form.get("consent") == "on":
            member.email_consent = True
            return redirect(request, "/account", "You will receive e-mail notices.")
        await membership.withdraw_email_consent(member)
        return redirect(request, "/account", "You will no longer receive e-mail notices.")

    @post("/account/delete", name="account_delete")
    async def delete_account(self, request: Request, member: m.User, db_session: AsyncSession,
                             settings: Settings) -> Template | Redirect:
        form = dict(await request.form())
        try:
            if form.get("confirm") != "on":
                raise ValidationFailed("Tick the box to confirm that your data should be deleted.",
                                       field_errors={"confirm": "Tick the box to confirm that your data should be deleted."})
            await membership.request_deletion(db_session, settings, member, posts=form.get("posts", ""), now=utcnow())
        except DomainError as error:
            return render(request, "membership_account.html", status_code=error.status_code, requests=[], acceptances=[],
                          error=error_text(error), errors=field_errors(error), form=form)
        request.clear_session()
        return redirect(request, "/", "Your personal data was deleted and your membership has ended.")


# -- admin pages ---------------------------------------------------------------------------------

class MembershipAdminController(Controller):
    path = "/admin"
    include_in_schema = False

    @get("/members", name="admin_members")
    async def members(self, request: Request, admin: m.User, db_session: AsyncSession, q: str = "", status: str = "",
                      page: int | None = None) -> Template:
        page = _page(page)
        rows, more = await membership.find_members(db_session, q=q, status=status, limit=PAGE, offset=(page - 1) * PAGE)
        return render(request, "membership_admin_members.html", members=rows, more=more, page=page, q=q, status=status,
                      statuses=[s.value for s in m.MemberStatus])

    @get("/members/{user_id:int}", name="admin_member")
    async def member(self, request: Request, user_id: int, admin: m.User, db_session: AsyncSession) -> Template:
        subject = await _member_or_404(db_session, user_id)
        await membership.log_access(db_session, admin, subject, "view", utcnow())
        return await self._member_page(request, db_session, subject, form={})

    async def _member_page(self, request: Request, session: AsyncSession, subject: m.User, *, status_code: int = 200,
                           **context: Any) -> Template:
        return render(request, "membership_admin_member.html", status_code=status_code, subject=subject,
                      vehicles=await membership.member_vehicles(session, subject.id),
                      history=await membership.history(session, subject.id), reasons=REASONS,
                      actions=ACTION_LABELS, accesses=await membership.access_log(session, subject_id=subject.id, limit=20),
                      age=subject.age_on(membership.local_date(utcnow())), **context)

    @post("/members/{user_id:int}/status", name="admin_member_status")
    async def change_status(self, request: Request, user_id: int, admin: m.User,
                            db_session: AsyncSession) -> Template | Redirect:
        subject = await _member_or_404(db_session, user_id)
        form = dict(await request.form())
        try:
            await membership.change_status(
                db_session, admin, subject, form.get("action", ""), form.get("reason") or None,
                with_notice=form.get("notice") == "with", now=utcnow(), days=_int(form.get("days")), note=form.get("note"))
        except DomainError as error:
            return await self._member_page(request, db_session, subject, status_code=error.status_code, form=form,
                                           error=error_text(error), errors=field_errors(error))
        return redirect(request, f"/admin/members/{user_id}", "Membership updated.")

    @get("/members/{user_id:int}/export", name="admin_member_export")
    async def export_member(self, user_id: int, admin: m.User, db_session: AsyncSession) -> Response:
        subject = await _member_or_404(db_session, user_id)
        now = utcnow()
        await membership.log_access(db_session, admin, subject, "export", now)
        return export_response(await membership.export_data(db_session, subject, now), subject.login_id, now)

    @get("/gold", name="admin_gold")
    async def gold(self, request: Request, admin: m.User, db_session: AsyncSession, status: str = "pending",
                   page: int | None = None) -> Template:
        return await self._gold_page(request, db_session, status, _page(page))

    async def _gold_page(self, request: Request, session: AsyncSession, status: str, page: int, *,
                         status_code: int = 200, **context: Any) -> Template:
        chosen = m.GoldStatus(status) if status in {s.value for s in m.GoldStatus} else m.GoldStatus.PENDING
        rows, more = await membership.gold_applications(session, chosen, limit=PAGE, offset=(page - 1) * PAGE)
        return render(request, "membership_admin_gold.html", status_code=status_code, rows=rows, more=more, page=page,
                      status=chosen.value, **context)

    @post("/gold/{application_id:int}", name="admin_gold_decide")
    async def decide(self, request: Request, application_id: int, admin: m.User,
                     db_session: AsyncSession) -> Template | Redirect:
        form = dict(await request.form())
        try:
            await membership.decide_gold(db_session, admin, application_id, approve=form.get("decision") == "approve",
                                         reason=form.get("reason"), now=utcnow())
        except DomainError as error:
            return await self._gold_page(request, db_session, "pending", 1, status_code=error.status_code,
                                         error=error_text(error), failed_id=application_id, form=form)
        message = N_("Application approved.") if form.get("decision") == "approve" else N_("Application rejected.")
        return redirect(request, "/admin/gold", message)

    @get("/terms", name="admin_terms")
    async def terms(self, request: Request, admin: m.User, db_session: AsyncSession) -> Template:
        return render(request, "membership_admin_terms.html", versions=await membership.terms_versions(db_session),
                      current=await membership.current_terms(db_session), form={})

    @post("/terms", name="admin_terms_publish")
    async def publish(self, request: Request, admin: m.User, db_session: AsyncSession) -> Template | Redirect:
        form = dict(await request.form())
        try:
            await membership.publish_terms(db_session, admin, version=form.get("version", ""),
                                           body_th=form.get("body_th", ""), body_en=form.get("body_en", ""),
                                           effective_on=form.get("effective_on"), now=utcnow())
        except DomainError as error:
            return render(request, "membership_admin_terms.html", status_code=error.status_code,
                          versions=await membership.terms_versions(db_session),
                          current=await membership.current_terms(db_session), form=form, error=error_text(error),
                          errors=field_errors(error))
        return redirect(request, "/admin/terms", "Terms published. Members will accept them from the effective date.")

    @get("/names", name="admin_names")
    async def names(self, request: Request, admin: m.User, db_session: AsyncSession) -> Template:
        return render(request, "membership_admin_names.html", names=await membership.protected_names(db_session), form={})

    @post("/names", name="admin_names_add")
    async def add_name(self, request: Request, admin: m.User, db_session: AsyncSession) -> Template | Redirect:
        form = dict(await request.form())
        try:
            await membership.protect_name(db_session, admin, form.get("name", ""), form.get("note", ""))
        except DomainError as error:
            return render(request, "membership_admin_names.html", status_code=error.status_code,
                          names=await membership.protected_names(db_session), form=form, error=error_text(error),
                          errors=field_errors(error))
        return redirect(request, "/admin/names", "Name protected.")

    @post("/names/{name_id:int}/delete", name="admin_names_remove")
    async def remove_name(self, request: Request, name_id: int, admin: m.User, db_session: AsyncSession) -> Redirect:
        await membership.unprotect_name(db_session, name_id)
        return redirect(request, "/admin/names", "Name removed from the list.")

    @get("/access", name="admin_access")
    async def access(self, request: Request, admin: m.User, db_session: AsyncSession) -> Template:
        categories = (await db_session.scalars(select(m.Category).order_by(m.Category.position, m.Category.id))).all()
        return render(request, "membership_admin_access.html", categories=categories,
                      levels=[a.value for a in m.CategoryAccess])

    @post("/access", name="admin_access_save")
    async def save_access(self, request: Request, admin: m.User, db_session: AsyncSession) -> Redirect:
        form = dict(await request.form())
        category_id = _int(form.get("category_id"))
        if category_id is None:
            raise NotFoundException()
        await membership.set_category_access(db_session, category_id, form.get("access", ""))
        return redirect(request, "/admin/access", "Access saved.")

    @get("/data-access", name="admin_data_access")
    async def data_access(self, request: Request, admin: m.User, db_session: AsyncSession, member_id: int | None = None,
                          before: int | None = None) -> Template:
        rows = await membership.access_log(db_session, subject_id=member_id, limit=PAGE, before_id=before)
        return render(request, "membership_admin_data_access.html", rows=rows, member_id=member_id,
                      next_before=rows[-1].id if len(rows) == PAGE else None)

    @get("/data-access/export", name="admin_data_access_export")
    async def data_access_export(self, admin: m.User, db_session: AsyncSession, member_id: int | None = None) -> Response:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["id", "at", "admin_id", "admin_login", "action", "member_id", "member_login"])
        for row in await membership.access_log(db_session, subject_id=member_id, limit=None):
            writer.writerow([row.id, row.at.isoformat(), row.admin_id, row.admin_login, row.action, row.subject_id,
                             row.subject_login])
        return Response(out.getvalue().encode(), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="data-access-log.csv"'})


# -- JSON API -------------------------------------------------------------------------------------

class AcceptTermsData(Struct):
    version: str


class VehicleData(Struct):
    model: str
    plate: str
    province: str
    vin_last6: str
    dealer: str
    purchased_on: str


class DecisionData(Struct):
    approve: bool
    reason: str | None = None


class StatusData(Struct):
    action: str
    reason: str | None = None
    with_notice: bool = False
    days: Int32 | None = None
    note: str | None = None


class TermsData(Struct):
    version: str
    body_th: str
    body_en: str
    effective_on: str


class AccessData(Struct):
    access: str


class NameData(Struct):
    name: str
    note: str = ""


class DeletionData(Struct):
    posts: str
    confirm: bool


class ConsentData(Struct):
    consent: bool


class MembershipApiController(Controller):
    path = "/api"
    tags = ["membership"]

    @get("/terms", opt=EXEMPT)
    async def terms(self, user: m.User | None, db_session: AsyncSession) -> dict[str, Any]:
        pending = await membership.terms_pending(db_session, user) if user else None
        return {"current": terms_json(await membership.current_terms(db_session)),
                "upcoming": terms_json(await membership.upcoming_terms(db_session)),
                "accepted_version": user.terms_version if user else None, "must_accept": pending is not None}

    @post("/membership/terms/accept", status_code=HTTP_200_OK, opt=EXEMPT)
    async def accept_terms(self, member: m.User, data: AcceptTermsData, db_session: AsyncSession) -> dict[str, Any]:
        await membership.accept_terms(db_session, member, data.version, utcnow())
        return {"accepted_version": member.terms_version}

    @get("/membership/gold")
    async def gold(self, member: m.User, db_session: AsyncSession) -> dict[str, Any]:
        return {"tier": member.tier.value,
                "vehicles": [vehicle_json(v, a) for v, a in await membership.member_vehicles(db_session, member.id)]}

    @post("/membership/gold", status_code=HTTP_201_CREATED)
    async def apply(self, member: m.User, data: VehicleData, db_session: AsyncSession) -> dict[str, Any]:
        application = await membership.apply_for_gold(
            db_session, member, VehicleForm(**{f: getattr(data, f) for f in data.__struct_fields__}), utcnow())
        return application_json(application)

    @get("/account/export", opt=EXEMPT)
    async def export(self, member: m.User, db_session: AsyncSession) -> Response:
        now = utcnow()
        return export_response(await membership.export_data(db_session, member, now), member.login_id, now)

    @post("/account/delete", status_code=HTTP_200_OK)
    async def delete_account(self, request: Request, member: m.User, data: DeletionData, db_session: AsyncSession,
                             settings: Settings) -> dict[str, Any]:
        if not data.confirm:
            raise ValidationFailed("Tick the box to confirm that your data should be deleted.")
        done = await membership.request_deletion(db_session, settings, member, posts=data.posts, now=utcnow())
        request.clear_session()
        return {"deleted": True, "posts": done.posts, "posts_deleted": done.posts_deleted}

    @post("/account/email-consent", status_code=HTTP_200_OK)
    async def email_consent(self, member: m.User, data: ConsentData) -> dict[str, Any]:
        member.email_consent = data.consent
        return {"email_consent": member.email_consent}

    @get("/admin/gold")
    async def gold_applications(self, admin: m.User, db_session: AsyncSession, status: str = "pending",
                                page: int | None = None) -> dict[str, Any]:
        chosen = m.GoldStatus(status) if status in {s.value for s in m.GoldStatus} else m.GoldStatus.PENDING
        page = _page(page)
        rows, more = await membership.gold_applications(db_session, chosen, limit=PAGE, offset=(page - 1) * PAGE)
        return {"status": chosen.value, "page": page, "more": more,
                "applications": [application_json(r.GoldApplication) | {"login_id": r.login_id,
                                                                        "vehicle": vehicle_json(r.Vehicle, None),
                                                                        "same_plate_elsewhere": r.same_plate_elsewhere}
                                 for r in rows]}

    @post("/admin/gold/{application_id:int}", status_code=HTTP_200_OK)
    async def decide(self, application_id: int, admin: m.User, data: DecisionData,
                     db_session: AsyncSession) -> dict[str, Any]:
        application = await membership.decide_gold(db_session, admin, application_id, approve=data.approve,
                                                   reason=data.reason, now=utcnow())
        return application_json(application)

    @get("/admin/members/{user_id:int}")
    async def member(self, user_id: int, admin: m.User, db_session: AsyncSession) -> dict[str, Any]:
        subject = await _member_or_404(db_session, user_id)
        await membership.log_access(db_session, admin, subject, "view", utcnow())
        return member_json(subject) | {"history": [
            {"kind": e.kind, "reason": e.reason, "with_notice": e.with_notice, "note": e.note, "actor": actor,
             "at": e.at.isoformat(), "until": e.until.isoformat() if e.until else None}
            for e, actor in await membership.history(db_session, subject.id)]}

    @post("/admin/members/{user_id:int}/status", status_code=HTTP_200_OK)
    async def change_status(self, user_id: int, admin: m.User, data: StatusData, db_session: AsyncSession) -> dict[str, Any]:
        subject = await _member_or_404(db_session, user_id)
        await membership.change_status(db_session, admin, subject, data.action, data.reason, with_notice=data.with_notice,
                                       now=utcnow(), days=data.days, note=data.note)
        return member_json(subject)

    @post("/admin/terms", status_code=HTTP_201_CREATED)
    async def publish_terms(self, admin: m.User, data: TermsData, db_session: AsyncSession) -> dict[str, Any]:
        terms = await membership.publish_terms(db_session, admin, version=data.version, body_th=data.body_th,
                                               body_en=data.body_en, effective_on=data.effective_on, now=utcnow())
        return terms_json(terms) or {}

    @put("/admin/categories/{category_id:int}/access", status_code=HTTP_200_OK)
    async def set_access(self, category_id: int, admin: m.User, data: AccessData, db_session: AsyncSession) -> dict[str, Any]:
        category = await membership.set_category_access(db_session, category_id, data.access)
        return {"id": category.id, "slug": category.slug, "access": category.access.value}

    @get("/admin/names")
    async def names(self, admin: m.User, db_session: AsyncSession) -> list[dict[str, Any]]:
        return [{"id": n.id, "name": n.name, "note": n.note} for n in await membership.protected_names(db_session)]

    @post("/admin/names", status_code=HTTP_201_CREATED)
    async def add_name(self, admin: m.User, data: NameData, db_session: AsyncSession) -> dict[str, Any]:
        reserved = await membership.protect_name(db_session, admin, data.name, data.note)
        return {"id": reserved.id, "name": reserved.name, "note": reserved.note}

    @delete("/admin/names/{name_id:int}", status_code=HTTP_200_OK)
    async def remove_name(self, name_id: int, admin: m.User, db_session: AsyncSession) -> dict[str, Any]:
        await membership.unprotect_name(db_session, name_id)
        return {"id": name_id, "deleted": True}

    @get("/admin/data-access")
    async def data_access(self, admin: m.User, db_session: AsyncSession, member_id: int | None = None,
                          before: int | None = None) -> dict[str, Any]:
        rows = await membership.access_log(db_session, subject_id=member_id, limit=PAGE, before_id=before)
        return {"entries": [{"id": r.id, "at": r.at.isoformat(), "admin_id": r.admin_id, "admin_login": r.admin_login,
                             "action": r.action, "member_id": r.subject_id, "member_login": r.subject_login} for r in rows],
                "next_before": rows[-1].id if len(rows) == PAGE else None}


ROUTE_HANDLERS = [MembershipController, MembershipAdminController, MembershipApiController]
EXCEPTION_HANDLERS = {TermsAcceptanceRequired: terms_required_handler}

__all__ = ("EXCEPTION_HANDLERS", "ROUTE_HANDLERS", "gate_page", "gated_error_page", "require_category", "thread_gate")
