"""Membership lifecycle and personal data: Gold verification, status changes (deny, suspend,
revoke, reinstate), inactivity notices and termination, terms revisions, the member's data
export and deletion, the admins' data-access log, and the names nobody may impersonate.

Status changes go through `change_status` (and its wrappers `deny`, `suspend`, `revoke`,
`reinstate`), which the member pages and the moderation queue both call. Ending a membership
emits "membership.ended" (coins forfeit the balance); nothing here commits."""

from __future__ import annotations

import datetime as dt
import enum
import json
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, bindparam, delete, exists, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

import models as m

from .. import events
from ..access import CategoryGated, access_problem, require_category
from ..errors import Conflict, Forbidden, NotFound, ValidationFailed
from ..i18n import N_, translations
from ..settings import Settings
from ..text import strip_thai_tone_marks
from . import notifications

BANGKOK = dt.timezone(dt.timedelta(hours=7))
INACTIVITY_YEARS = 2
INACTIVITY_GRACE_DAYS = 30
MAX_PENDING_APPLICATIONS = 3


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def local_date(now: dt.datetime) -> dt.date:
    """The calendar day in Thailand, which is what ages and effective dates count in."""
    return now.astimezone(BANGKOK).date()


# -- reasons and notices ---------------------------------------------------------------

# Why a membership may be denied, suspended or revoked: the club terms' list.
REASONS: dict[str, str] = {
    "fake_person": N_("Fake person"),
    "false_information": N_("False information"),
    "serious_harm": N_("Serious harm to other members"),
    "inappropriate_behaviour": N_("Inappropriate behaviour"),
    "inactivity": N_("No visit for two years"),
}


class Action(str, enum.Enum):
    DENY = "deny"
    SUSPEND = "suspend"
    REVOKE = "revoke"
    REINSTATE = "reinstate"


ACTION_LABELS = {
    Action.DENY: N_("Deny membership"),
    Action.SUSPEND: N_("Suspend"),
    Action.REVOKE: N_("Revoke membership"),
    Action.REINSTATE: N_("Reinstate"),
}

# Event kinds in membership_events.
DENIED, SUSPENDED, REVOKED, REINSTATED = "denied", "suspended", "revoked", "reinstated"
INACTIVITY_NOTICE, TERMINATED = "inactivity_notice", "terminated"

_SUBJECTS = {
    DENIED: N_("Your membership application was denied"),
    SUSPENDED: N_("Your account is suspended until {until}"),
    REVOKED: N_("Your membership was revoked"),
    TERMINATED: N_("Your membership has ended"),
}
_REASON_BODIES = {
    "fake_person": N_("Under the club's terms: the account does not belong to a real person."),
    "false_information": N_("Under the club's terms: false information was given."),
    "serious_harm": N_("Under the club's terms: serious harm to other members."),
    "inappropriate_behaviour": N_("Under the club's terms: inappropriate behaviour."),
    "inactivity": N_("Under the club's terms: no visit to the club's site for two years after our notice."),
}
for _kind, _subject in _SUBJECTS.items():
    for _reason, _body in _REASON_BODIES.items():
        notifications.register_kind(f"membership.{_kind}.{_reason}", _subject, _body)
notifications.register_kind("membership.reinstated", N_("Your membership was reinstated"),
                            N_("You can use the club's webboard again."))
notifications.register_kind(
    "membership.inactivity_notice", N_("Your club membership will end for inactivity"),
    N_("You have not visited the club's webboard for two years. Log in before {deadline} to keep your membership."),
)
notifications.register_kind("membership.gold_approved", N_("Your Gold membership was approved"),
                            N_("Your vehicle {model} ({plate}) was verified. Welcome to Gold!"))
notifications.register_kind("membership.gold_rejected", N_("Your Gold application was not approved"),
                            N_("Vehicle {model} ({plate}). Reason: {reason}"))
notifications.register_kind("membership.terms_revised", N_("The club's terms were revised"),
                            N_("Version {version} applies from {effective_on}. You will be asked to accept it."))


async def _tell(session: AsyncSession, user: m.User, kind: str, params: dict[str, Any], link: str | None = None,
                *, always_email: bool = False) -> None:
    """An in-app notification; e-mail with consent, or always for the notices the terms require
    (inactivity and the end of a membership), which must reach the member whatever they chose."""
    if not always_email:
        await notifications.notify(session, user, kind, params, link)
        return
    await notifications.notify(session, user, kind, params, link, email=False)
    if user.email:
        subject, body = notifications.render(kind, params, user.locale)
        await notifications.email_sender().send(session, user.email, subject, f"{body}\n\n{link or ''}".strip())


def _format_day(day: dt.date | dt.datetime) -> str:
    if isinstance(day, dt.datetime):
        day = local_date(day)
    return day.isoformat()


# -- status changes --------------------------------------------------------------------

async def change_status(
    session: AsyncSession, admin: m.User | None, user: m.User, action: Action | str, reason: str | None, *,
    with_notice: bool, now: dt.datetime, days: int | None = None, note: str | None = None,
) -> m.MembershipEvent:
    """Deny, suspend, revoke or reinstate a membership (one place for the member pages and the
    moderation queue). `admin` None means the system (the inactivity sweep)."""
    try:
        action = Action(action)
    except ValueError:
        raise ValidationFailed("Choose an action.", field_errors={"action": N_("Choose an action.")}) from None
    note = (note or "").strip()[:500] or None
    if admin is not None and admin.id == user.id:
        raise Forbidden("You cannot change your own membership.")
    if user.is_admin:
        raise Forbidden("Admins' memberships cannot be changed here.")
    if user.status == m.MemberStatus.RESIGNED:
        raise Conflict("This member has resigned.")
    if action == Action.REINSTATE:
        if user.status == m.MemberStatus.ACTIVE:
            raise Conflict("This membership is already active.")
        user.status, user.suspended_until, user.status_reason = m.MemberStatus.ACTIVE, None, None
        if await session.scalar(select(m.Vehicle.id).where(m.Vehicle.user_id == user.id,
                                                           m.Vehicle.verified_at.is_not(None)).limit(1)):
            user.tier = m.Tier.GOLD
        event = m.MembershipEvent(user_id=user.id, actor_id=admin.id if admin else None, kind=REINSTATED,
                                  note=note, with_notice=with_notice, at=now)
        session.add(event)
        if with_notice:
            await _tell(session, user, "membership.reinstated", {}, "/")
        return event
    if reason not in REASONS:
        raise ValidationFailed("Choose a reason from the terms.", field_errors={"reason": N_("Choose a reason from the terms.")})
    if user.status == m.MemberStatus.REVOKED:
        raise Conflict("This membership has already ended.")
    until = None
    if action == Action.SUSPEND:
        if days is None or not 1 <= days <= 365:
            raise ValidationFailed("Suspend for 1 to 365 days.", field_errors={"days": N_("Suspend for 1 to 365 days.")})
        until = now + dt.timedelta(days=days)
        user.status, user.suspended_until, user.status_reason = m.MemberStatus.SUSPENDED, until, reason
        kind = SUSPENDED
    else:
        kind = DENIED if action == Action.DENY else (TERMINATED if admin is None else REVOKED)
        await _end(session, user, reason)
    event = m.MembershipEvent(user_id=user.id, actor_id=admin.id if admin else None, kind=kind, reason=reason,
                              note=note, with_notice=with_notice, until=until, at=now)
    session.add(event)
    if with_notice:
        params = {"until": _format_day(until)} if until else {}
        await _tell(session, user, f"membership.{kind}.{reason}", params, "/terms", always_email=True)
    return event


async def _end(session: AsyncSession, user: m.User, reason: str) -> None:
    """The membership ends: no login, sessions end at the next request (forum.web re-reads the
    user), the tier ends, and features let go of what the member had (coins)."""
    user.status, user.suspended_until, user.status_reason = m.MemberStatus.REVOKED, None, reason
    user.tier = m.Tier.SILVER
    await events.emit("membership.ended", session, user=user, reason=reason)


async def deny(session: AsyncSession, admin: m.User, user: m.User, reason: str, with_notice: bool,
               now: dt.datetime, note: str | None = None) -> m.MembershipEvent:
    return await change_status(session, admin, user, Action.DENY, reason, with_notice=with_notice, now=now, note=note)


async def suspend(session: AsyncSession, admin: m.User, user: m.User, reason: str, days: int, with_notice: bool,
                  now: dt.datetime, note: str | None = None) -> m.MembershipEvent:
    return await change_status(session, admin, user, Action.SUSPEND, reason, with_notice=with_notice, now=now,
                               days=days, note=note)


async def revoke(session: AsyncSession, admin: m.User, user: m.User, reason: str, with_notice: bool,
                 now: dt.datetime, note: str | None = None) -> m.MembershipEvent:
    return await change_status(session, admin, user, Action.REVOKE, reason, with_notice=with_notice, now=now, note=note)


async def reinstate(session: AsyncSession, admin: m.User, user: m.User, now: dt.datetime, *, with_notice: bool = True,
                    note: str | None = None) -> m.MembershipEvent:
    """Lifts a suspension or undoes a revocation (a mistaken one, or one the queue approved away)."""
    return await change_status(session, admin, user, Action.REINSTATE, None, with_notice=with_notice, now=now, note=note)


@events.subscribe("membership.ended")
async def _erase_after_resignation(session: AsyncSession, *, user: m.User, reason: str) -> None:
    """A resigned member's vehicles, applications and name guard go with their personal data."""
    if reason != "resigned":
        return
    user.tier = m.Tier.SILVER
    await session.execute(delete(m.GoldApplication).where(m.GoldApplication.user_id == user.id))
    await session.execute(delete(m.Vehicle).where(m.Vehicle.user_id == user.id))
    await session.execute(delete(m.ReservedName).where(m.ReservedName.user_id == user.id))


async def history(session: AsyncSession, user_id: int) -> list[Any]:
    actor = m.User.__table__.alias("actor")
    rows = await session.execute(
        select(m.MembershipEvent, actor.c.display_name.label("actor_name"))
        .outerjoin(actor, actor.c.id == m.MembershipEvent.actor_id)
        .where(m.MembershipEvent.user_id == user_id).order_by(m.MembershipEvent.at.desc(), m.MembershipEvent.id.desc())
    )
    return list(rows.all())


# -- inactivity --------------------------------------------------------------------------

@dataclass
class InactivityReport:
    applied: bool
    noticed: list[m.User] = field(default_factory=list)
    terminated: list[m.User] = field(default_factory=list)

    def lines(self) -> list[str]:
        verb = ("Sent notice to", "Terminated") if self.applied else ("Would send notice to", "Would terminate")
        out = [f"{verb[0]} {len(self.noticed)} member(s) with no visit for {INACTIVITY_YEARS} years:"]
        out += [f"  #{u.id} {u.login_id}" for u in self.noticed]
        out.append(f"{verb[1]} {len(self.terminated)} member(s) still inactive after the notice:")
        out += [f"  #{u.id} {u.login_id}" for u in self.terminated]
        if not self.applied:
            out.append("Dry run: nothing changed. Run again with --apply to act.")
        return out


def _years_before(moment: dt.datetime, years: int) -> dt.datetime:
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year - years, day=28)


async def inactivity_sweep(session: AsyncSession, now: dt.datetime, *, apply: bool,
                           grace_days: int = INACTIVITY_GRACE_DAYS) -> InactivityReport:
    """Members with no visit (last_seen_at, else created_at) for two years get a notice; those
    who still have not visited `grace_days` after it are terminated. Safe to run again: a notice
    is sent once per absence, and a terminated membership is no longer a candidate."""
    report = InactivityReport(applied=apply)
    last_visit = func.coalesce(m.User.last_seen_at, m.User.created_at)
    live = and_(m.User.status.in_((m.MemberStatus.ACTIVE, m.MemberStatus.SUSPENDED)), m.User.role != m.Role.ADMIN)
    notice = m.MembershipEvent
    noticed_since_visit = exists().where(notice.user_id == m.User.id, notice.kind == INACTIVITY_NOTICE,
                                         notice.at >= last_visit)
    grace_over = exists().where(notice.user_id == m.User.id, notice.kind == INACTIVITY_NOTICE, notice.at >= last_visit,
                                notice.at <= now - dt.timedelta(days=grace_days))
    report.terminated = list((await session.scalars(
        select(m.User).where(live, last_visit < _years_before(now, INACTIVITY_YEARS), grace_over).order_by(m.User.id)
    )).all())
    report.noticed = list((await session.scalars(
        select(m.User).where(live, last_visit < _years_before(now, INACTIVITY_YEARS), ~noticed_since_visit)
        .order_by(m.User.id)
    )).all())
    if not apply:
        return report
    deadline = now + dt.timedelta(days=grace_days)
    for user in report.noticed:
        session.add(m.MembershipEvent(user_id=user.id, kind=INACTIVITY_NOTICE, reason="inactivity", with_notice=True,
                                      until=deadline, at=now))
        await _tell(session, user, "membership.inactivity_notice", {"deadline": _format_day(deadline)}, "/login",
                    always_email=True)
    for user in report.terminated:
        await change_status(session, None, user, Action.REVOKE, "inactivity", with_notice=True, now=now)
    await session.flush()
    return report


# -- Gold verification -------------------------------------------------------------------

VIN_TAIL = re.compile(r"^[A-HJ-NPR-Z0-9]{6}$")  # VINs never use I, O or Q
PLATE = re.compile(r"^[0-9A-Z\u0e01-\u0e2e -]{2,20}$")


@dataclass
class VehicleForm:
    model: str = ""
    plate: str = ""
    province: str = ""
    vin_last6: str = ""
    dealer: str = ""
    purchased_on: str | dt.date | None = None


def _clean(value: str | None, limit: int) -> str:
    return " ".join((value or "").split())[:limit + 1]


async def apply_for_gold(session: AsyncSession, user: m.User, form: VehicleForm, now: dt.datetime) -> m.GoldApplication:
    """A vehicle registered and its verification requested. A member may register several."""
    if user.status not in (m.MemberStatus.ACTIVE, m.MemberStatus.SUSPENDED):
        raise Forbidden("This membership has ended.")
    errors: dict[str, str] = {}
    model, dealer, province = _clean(form.model, 60), _clean(form.dealer, 100), _clean(form.province, 60)
    plate = _clean(form.plate, 20).upper()
    vin = re.sub(r"[\s-]", "", form.vin_last6 or "").upper()
    if not 1 <= len(model) <= 60:
        errors["model"] = N_("Enter the model (up to 60 characters).")
    if not PLATE.match(plate):
        errors["plate"] = N_("Enter the registration plate, e.g. 1กข 1234.")
    if not 2 <= len(province) <= 60:
        errors["province"] = N_("Enter the province on the plate.")
    if not VIN_TAIL.match(vin):
        errors["vin_last6"] = N_("Enter the last 6 characters of the VIN (letters and digits; no I, O or Q).")
    if not 2 <= len(dealer) <= 100:
        errors["dealer"] = N_("Enter the dealer where it was bought or serviced.")
    bought = parse_date(form.purchased_on)
    if bought is None or bought.year < 1950 or bought > local_date(now):
        errors["purchased_on"] = N_("Enter the purchase date (YYYY-MM-DD), not in the future.")
    if errors:
        raise ValidationFailed("Please correct the marked fields.", field_errors=errors)
    assert bought is not None
    same_car = select(m.GoldApplication.status).join(m.Vehicle, m.Vehicle.id == m.GoldApplication.vehicle_id).where(
        m.GoldApplication.user_id == user.id, m.Vehicle.plate == plate, m.Vehicle.province == province,
        m.GoldApplication.status != m.GoldStatus.REJECTED)
    if (status := await session.scalar(same_car.limit(1))) is not None:
        message = (N_("This vehicle is already verified.") if status == m.GoldStatus.APPROVED
                   else N_("This vehicle is already waiting for verification."))
        raise Conflict(message, field_errors={"plate": message})
    pending = await session.scalar(select(func.count()).where(m.GoldApplication.user_id == user.id,
                                                              m.GoldApplication.status == m.GoldStatus.PENDING))
    if pending >= MAX_PENDING_APPLICATIONS:
        raise Conflict("You have several applications waiting. Wait for an admin to decide them first.")
    vehicle = m.Vehicle(user_id=user.id, model=model, plate=plate, province=province, vin_last6=vin, dealer=dealer,
                        purchased_on=bought)
    session.add(vehicle)
    await session.flush()
    application = m.GoldApplication(user_id=user.id, vehicle_id=vehicle.id, status=m.GoldStatus.PENDING)
    session.add(application)
    await session.flush()
    return application


async def member_vehicles(session: AsyncSession, user_id: int) -> list[Any]:
    """The member's vehicles with their latest application, newest first."""
    rows = await session.execute(
        select(m.Vehicle, m.GoldApplication).join(m.GoldApplication, m.GoldApplication.vehicle_id == m.Vehicle.id)
        .where(m.Vehicle.user_id == user_id).order_by(m.Vehicle.id.desc(), m.GoldApplication.id.desc())
    )
    seen, out = set(), []
    for vehicle, application in rows.all():
        if vehicle.id not in seen:
            seen.add(vehicle.id)
            out.append((vehicle, application))
    return out


async def gold_applications(session: AsyncSession, status: m.GoldStatus | None = m.GoldStatus.PENDING, *,
                            limit: int = 20, offset: int = 0) -> tuple[list[Any], bool]:
    """Applications for admins, oldest pending first; with whether another page follows. Each
    row says how many other accounts registered the same plate, a hint of a false claim."""
    other = m.Vehicle.__table__.alias("other")
    same_plate = (select(func.count()).select_from(other)
                  .where(other.c.plate == m.Vehicle.plate, other.c.province == m.Vehicle.province,
                         other.c.user_id != m.Vehicle.user_id).scalar_subquery())
    query = (select(m.GoldApplication, m.Vehicle, m.User.login_id, m.User.display_name, m.User.tier,
                    same_plate.label("same_plate_elsewhere"))
             .join(m.Vehicle, m.Vehicle.id == m.GoldApplication.vehicle_id)
             .join(m.User, m.User.id == m.GoldApplication.user_id))
    if status is not None:
        query = query.where(m.GoldApplication.status == status)
    order = m.GoldApplication.id.asc() if status == m.GoldStatus.PENDING else m.GoldApplication.id.desc()
    rows = list((await session.execute(query.order_by(order).offset(offset).limit(limit + 1))).all())
    return rows[:limit], len(rows) > limit


async def decide_gold(session: AsyncSession, admin: m.User, application_id: int, *, approve: bool, reason: str | None,
                      now: dt.datetime) -> m.GoldApplication:
    """Approve (the vehicle is verified and the member becomes Gold) or reject with a reason;
    the member is told. A second decision on the same application is a conflict."""
    application = await session.get(m.GoldApplication, application_id)
    if application is None:
        raise NotFound("Application not found.")
    if application.user_id == admin.id:
        raise Forbidden("You cannot decide your own application.")
    reason = (reason or "").strip()[:500] or None
    if not approve and not reason:
        raise ValidationFailed("Give the member a reason.", field_errors={"reason": N_("Give the member a reason.")})
    decided = await session.execute(
        update(m.GoldApplication)
        .where(m.GoldApplication.id == application_id, m.GoldApplication.status == m.GoldStatus.PENDING)
        .values(status=m.GoldStatus.APPROVED if approve else m.GoldStatus.REJECTED, decided_by_id=admin.id,
                decided_at=now, decision_reason=reason, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if decided.rowcount != 1:
        raise Conflict("This application was already decided.")
    await session.refresh(application)
    vehicle = await session.get(m.Vehicle, application.vehicle_id)
    member = await session.get(m.User, application.user_id)
    assert vehicle is not None and member is not None
    params = {"model": vehicle.model, "plate": f"{vehicle.plate} {vehicle.province}", "reason": reason or ""}
    if approve:
        vehicle.verified_at = now
        if member.status in (m.MemberStatus.ACTIVE, m.MemberStatus.SUSPENDED):
            member.tier = m.Tier.GOLD
        await _tell(session, member, "membership.gold_approved", params, "/membership/gold")
    else:
        await _tell(session, member, "membership.gold_rejected", params, "/membership/gold")
    await events.emit("membership.gold_decided", session, application=application, admin=admin)
    return application


# -- terms revisions ---------------------------------------------------------------------

VERSION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,19}$")


class TermsAcceptanceRequired(Forbidden):
    """The member must accept the current terms before going on (pages redirect to the accept
    page; the API answers 403 with this reason)."""

    def __init__(self, version: str) -> None:
        super().__init__("The club's terms were revised. Accept the new version to continue.", terms_version=version)
        self.version = version


async def current_terms(session: AsyncSession, today: dt.date | None = None) -> m.TermsVersion | None:
    """The version in force today: the latest published one whose effective date has come."""
    today = today or local_date(utcnow())
    return await session.scalar(
        select(m.TermsVersion).where(m.TermsVersion.effective_on <= today)
        .order_by(m.TermsVersion.effective_on.desc(), m.TermsVersion.id.desc()).limit(1)
    )


async def upcoming_terms(session: AsyncSession, today: dt.date | None = None) -> m.TermsVersion | None:
    today = today or local_date(utcnow())
    return await session.scalar(
        select(m.TermsVersion).where(m.TermsVersion.effective_on > today)
        .order_by(m.TermsVersion.effective_on.asc(), m.TermsVersion.id.asc()).limit(1)
    )


async def current_terms_version(session: AsyncSession, default: str, today: dt.date | None = None) -> str:
    """The version a new member accepts at registration (the settings' one until a version is published)."""
    current = await current_terms(session, today)
    return current.version if current else default


async def terms_pending(session: AsyncSession, user: m.User, today: dt.date | None = None) -> m.TermsVersion | None:
    """The version this member still has to accept, or None."""
    current = await current_terms(session, today)
    if current is None or user.terms_version == current.version:
        return None
    return current


# The category's access level and the version of the terms in force, in one statement built
# once (every submit asks both; as two ORM statements they cost about a millisecond of CPU).
# Also the coin rules (a site setting), which a published post's earning reads next: read here,
# they cost no round trip of their own on PostgreSQL (forum.coins.service.keep_rules).
TERMS_IN_FORCE = (
    select(m.TermsVersion.version).where(m.TermsVersion.effective_on <= bindparam("today"))
    .order_by(m.TermsVersion.effective_on.desc(), m.TermsVersion.id.desc()).limit(1)
    .scalar_subquery().label("terms_version")
)
COIN_RULES = select(m.SiteSetting.value).where(m.SiteSetting.key == bindparam("settings_key")).scalar_subquery() \
    .label("coin_rules")
POSTING_CHECKS = select(m.Category.access, TERMS_IN_FORCE, COIN_RULES).where(
    m.Category.id == bindparam("category_id")).execution_options(sqlite_on_loop=True)  # point read: no hop


async def check_posting(session: AsyncSession, author: m.User, category_id: int, now: dt.datetime) -> None:
    """Before a member posts: the category must be open to them, and the terms in force accepted."""
    from ..coins import service as coin_service  # (at import: a cycle through forum.web)

    today = local_date(now)
    row = (await session.execute(POSTING_CHECKS, {"today": today, "category_id": category_id,
                                                  "settings_key": coin_service.SETTINGS_KEY})).first()
    if row is not None:
        coin_service.keep_rules(session, row.coin_rules)
    if row is None:  # no such category: nothing to gate, the terms still apply
        await require_category(session, author, category_id, today)
        if pending := await terms_pending(session, author, today):
            raise TermsAcceptanceRequired(pending.version)
        return
    posting_checks_passed(row, author, today)


def posting_checks_passed(row: Any, author: m.User, today: dt.date) -> None:
    """`check_posting`'s verdict on a row with its `POSTING_CHECKS` columns (`access`,
    `terms_version`; the coin rules kept by the caller) of an existing category."""
    if row.access is not None and (reason := access_problem(row.access, author, today)):
        raise CategoryGated(reason, access=row.access.value)
    if row.terms_version is not None and author.terms_version != row.terms_version:
        raise TermsAcceptanceRequired(row.terms_version)


async def accept_terms(session: AsyncSession, user: m.User, version: str, now: dt.datetime) -> m.TermsAcceptance | None:
    """Records the acceptance of the version in force; earlier acceptances stay on record."""
    current = await current_terms(session, local_date(now))
    if current is None or current.version != version:
        raise Conflict("These terms are not the current version. Reload the page and read the current terms.")
    if user.terms_version == version:
        return None
    acceptance = m.TermsAcceptance(user_id=user.id, version=version, accepted_at=now)
    session.add(acceptance)
    user.terms_version, user.terms_accepted_at = version, now
    return acceptance


async def publish_terms(session: AsyncSession, admin: m.User, *, version: str, body_th: str, body_en: str,
                        effective_on: str | dt.date | None, now: dt.datetime) -> m.TermsVersion:
    """A new version, from its effective date binding on every member (told in-app now)."""
    errors: dict[str, str] = {}
    version = (version or "").strip()
    body_th, body_en = (body_th or "").strip(), (body_en or "").strip()
    if not VERSION.match(version):
        errors["version"] = N_("Version: 1-20 characters, letters, digits, dot, dash or underscore.")
    elif await session.scalar(select(m.TermsVersion.id).where(m.TermsVersion.version == version)):
        errors["version"] = N_("This version was already published.")
    for name, body in (("body_th", body_th), ("body_en", body_en)):
        if not body or len(body) > 100_000:
            errors[name] = N_("Enter the text of the terms (up to 100,000 characters).")
    day = parse_date(effective_on)
    latest = await session.scalar(select(func.max(m.TermsVersion.effective_on)))
    if day is None:
        errors["effective_on"] = N_("Enter the effective date (YYYY-MM-DD).")
    elif day < local_date(now):
        errors["effective_on"] = N_("The effective date cannot be in the past.")
    elif latest is not None and day < latest:
        errors["effective_on"] = N_("A later version is already published; the date cannot be before it.")
    if errors:
        raise ValidationFailed("Please correct the marked fields.", field_errors=errors)
    assert day is not None
    terms = m.TermsVersion(version=version, body_th=body_th, body_en=body_en, effective_on=day, published_by_id=admin.id)
    session.add(terms)
    await session.flush()
    members = (await session.scalars(select(m.User.id).where(m.User.status.in_(
        (m.MemberStatus.ACTIVE, m.MemberStatus.SUSPENDED))))).all()
    if members:
        params = {"version": version, "effective_on": day.isoformat()}
        await session.execute(insert(m.Notification), [
            {"user_id": uid, "kind": "membership.terms_revised", "params": params, "link": f"/terms/v/{version}"}
            for uid in members])
    return terms


async def terms_versions(session: AsyncSession) -> list[m.TermsVersion]:
    return list((await session.scalars(
        select(m.TermsVersion).order_by(m.TermsVersion.effective_on.desc(), m.TermsVersion.id.desc()))).all())


# -- personal data -----------------------------------------------------------------------

def _json_value(value: Any) -> Any:
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (dict, list)):
        return json.loads(json.dumps(value, default=str))
    return str(value)


def _row(obj: Any, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    return {c.key: _json_value(getattr(obj, c.key)) for c in obj.__table__.columns if c.key not in skip}


# Tables exported under their own heading, or holding nothing personal to export.
_EXPORTED = {"users", "threads", "posts", "post_revisions", "notifications", "terms_acceptances", "vehicles",
             "gold_applications", "membership_events", "deletion_requests", "data_access_log", "reserved_names",
             "terms_versions", "categories"}


# Whose row it is, for tables with more than one column pointing at a member: only the owner's
# rows are theirs to export (a ledger row's `actor_id` is the member who caused another member's
# earning; that row, with its balance, belongs to the earner). None: operators' records about
# other people's posts, exported to nobody as personal data.
OWNER_COLUMNS: dict[str, str | None] = {
    "coin_ledger": "user_id", "coin_redemptions": "user_id", "moderation_items": "author_id",
    "moderation_history": "target_user_id", "moderation_decisions": None,
    "photos": "owner_id", "photo_blocks": None,
}


def owner_column(table: Any) -> Any:
    """The column naming the member a row belongs to, or None when the table holds nobody's
    personal data. A table with several member columns must be declared in OWNER_COLUMNS (a
    test checks), so a new table never leaks other members' rows into an export."""
    if table.name in OWNER_COLUMNS:
        name = OWNER_COLUMNS[table.name]
        return table.c[name] if name else None
    columns = [c for c in table.columns if any(fk.column.table.name == "users" for fk in c.foreign_keys)]
    if len(columns) > 1:
        raise LookupError(f"declare the owner column of {table.name} in OWNER_COLUMNS")
    return columns[0] if columns else None


async def export_data(session: AsyncSession, user: m.User, now: dt.datetime) -> dict[str, Any]:
    """Everything the board holds about the member, as one JSON-ready document: profile, posts,
    notifications, acceptances and history, plus every other table's rows that point at them
    (helpful marks, reports they filed, coins, ...), so a new feature's data is never left out."""
    uid = user.id
    posts = await session.execute(
        select(m.Post, m.Thread.title, m.Thread.category_id).join(m.Thread, m.Thread.id == m.Post.thread_id)
        .where(m.Post.author_id == uid).order_by(m.Post.id))
    admin = m.User.__table__.alias("admin")
    accesses = await session.execute(
        select(m.DataAccess.action, m.DataAccess.at, admin.c.display_name).outerjoin(admin, admin.c.id == m.DataAccess.admin_id)
        .where(m.DataAccess.subject_id == uid).order_by(m.DataAccess.id))
    document: dict[str, Any] = {
        "format": "club-webboard-personal-data/1",
        "exported_at": now.isoformat(),
        "profile": _row(user, skip=("password_hash",)),
        "threads": [_row(t, skip=("search_terms",)) for t in (await session.scalars(
            select(m.Thread).where(m.Thread.author_id == uid).order_by(m.Thread.id))).all()],
        "posts": [_row(p) | {"thread_title": title, "category_id": category_id} for p, title, category_id in posts.all()],
        # Earlier versions of the member's own posts (an admin's edit of someone else's post is theirs).
        "post_revisions": [_row(r) for r in (await session.scalars(
            select(m.PostRevision).join(m.Post, m.Post.id == m.PostRevision.post_id)
            .where(m.Post.author_id == uid).order_by(m.PostRevision.id))).all()],
        "notifications": [_row(n) | {"text": " ".join(notifications.render(n.kind, n.params))} for n in (
            await session.scalars(select(m.Notification).where(m.Notification.user_id == uid).order_by(m.Notification.id))).all()],
        "terms_acceptances": [_row(a) for a in (await session.scalars(
            select(m.TermsAcceptance).where(m.TermsAcceptance.user_id == uid).order_by(m.TermsAcceptance.id))).all()],
        "vehicles": [_row(v) for v in (await session.scalars(
            select(m.Vehicle).where(m.Vehicle.user_id == uid).order_by(m.Vehicle.id))).all()],
        "gold_applications": [_row(a) for a in (await session.scalars(
            select(m.GoldApplication).where(m.GoldApplication.user_id == uid).order_by(m.GoldApplication.id))).all()],
        "membership_events": [_row(e) for e in (await session.scalars(
            select(m.MembershipEvent).where(m.MembershipEvent.user_id == uid).order_by(m.MembershipEvent.id))).all()],
        "deletion_requests": [_row(d) for d in (await session.scalars(
            select(m.DeletionRequest).where(m.DeletionRequest.user_id == uid).order_by(m.DeletionRequest.id))).all()],
        "data_access_by_admins": [{"admin": name, "action": action, "at": at.isoformat()} for action, at, name in accesses.all()],
        "other": {},
    }
    for table in m.metadata.sorted_tables:
        if table.name in _EXPORTED:
            continue
        owner = owner_column(table)
        if owner is None:
            continue
        rows = (await session.execute(select(table).where(owner == uid).order_by(*table.primary_key))).all()
        if rows:
            document["other"][table.name] = [{k: _json_value(v) for k, v in row._mapping.items()} for row in rows]
    return document


async def withdraw_email_consent(user: m.User) -> None:
    user.email_consent = False


async def request_deletion(session: AsyncSession, settings: Settings, user: m.User, *, posts: str,
                           now: dt.datetime) -> m.DeletionRequest:
    """The member's personal data is deleted and the account anonymised (as on resignation);
    their posts stay, shown as a former member, or are deleted, as they chose. Recorded."""
    if posts not in ("keep", "delete"):
        raise ValidationFailed("Choose what happens to your posts.",
                               field_errors={"posts": N_("Choose what happens to your posts.")})
    if user.status == m.MemberStatus.RESIGNED:
        raise Conflict("This membership has ended.")
    # Imported here: posting and accounts import this module.
    from .accounts import AccountService
    from .posting import PostingService

    request = m.DeletionRequest(user_id=user.id, posts=posts, requested_at=now)
    session.add(request)
    if posts == "delete":
        posting = PostingService(session, settings)
        own = (await session.scalars(
            select(m.Post).where(m.Post.author_id == user.id, m.Post.visibility != m.Visibility.DELETED)
            .order_by(m.Post.is_opening, m.Post.id))).all()  # replies first, then the threads they opened
        for post in own:
            await posting.set_visibility(post, m.Visibility.DELETED, actor=user)
        request.posts_deleted = len(own)
    await session.execute(delete(m.Notification).where(m.Notification.user_id == user.id))
    await AccountService(session, settings).resign(user)
    request.completed_at = now
    await session.flush()
    return request


async def log_access(session: AsyncSession, admin: m.User, subject: m.User, action: str, now: dt.datetime) -> None:
    session.add(m.DataAccess(admin_id=admin.id, subject_id=subject.id, action=action, at=now))


async def access_log(session: AsyncSession, *, subject_id: int | None = None, limit: int | None = 50,
                     before_id: int | None = None) -> list[Any]:
    admin, subject = m.User.__table__.alias("admin"), m.User.__table__.alias("subject")
    query = (select(m.DataAccess.id, m.DataAccess.action, m.DataAccess.at, m.DataAccess.admin_id, m.DataAccess.subject_id,
                    admin.c.login_id.label("admin_login"), subject.c.login_id.label("subject_login"))
             .outerjoin(admin, admin.c.id == m.DataAccess.admin_id)
             .outerjoin(subject, subject.c.id == m.DataAccess.subject_id))
    if subject_id is not None:
        query = query.where(m.DataAccess.subject_id == subject_id)
    if before_id is not None:
        query = query.where(m.DataAccess.id < before_id)
    query = query.order_by(m.DataAccess.id.desc())
    if limit is not None:
        query = query.limit(limit)
    return list((await session.execute(query)).all())


async def find_members(session: AsyncSession, *, q: str = "", status: str = "", limit: int = 30,
                       offset: int = 0) -> tuple[list[m.User], bool]:
    query = select(m.User)
    if q := q.strip().casefold():
        pattern = f"%{q}%"
        query = query.where(or_(func.lower(m.User.login_id).like(pattern), func.lower(m.User.display_name).like(pattern),
                                func.lower(m.User.email).like(pattern)))
    if status in {s.value for s in m.MemberStatus}:
        query = query.where(m.User.status == m.MemberStatus(status))
    rows = list((await session.scalars(query.order_by(m.User.id.desc()).offset(offset).limit(limit + 1))).all())
    return rows[:limit], len(rows) > limit


# -- impersonation -------------------------------------------------------------------------

# Letters that look alike in names: Cyrillic and Greek look-alikes of Latin letters (capitals
# first, since some differ from their small letters: Greek Η looks like H, η like n), digits
# and symbols used for letters, and 1/l/I/i, which many fonts draw the same.
_UPPER_LOOKALIKES = str.maketrans({
    "А": "a", "В": "b", "Е": "e", "К": "k", "М": "m", "Н": "h", "О": "o", "Р": "p", "С": "c", "Т": "t", "Х": "x",
    "У": "y", "І": "l", "Ј": "j", "Ѕ": "s", "Ԁ": "d", "Ү": "y", "Ӏ": "l",
    "Α": "a", "Β": "b", "Ε": "e", "Ζ": "z", "Η": "h", "Ι": "l", "Κ": "k", "Μ": "m", "Ν": "n", "Ο": "o", "Ρ": "p",
    "Τ": "t", "Υ": "y", "Χ": "x",
})
_LOOKALIKES = str.maketrans({
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c", "т": "t",
    "у": "y", "х": "x", "ѕ": "s", "і": "l", "ї": "l", "ј": "j", "һ": "h", "ԁ": "d", "ԛ": "q", "ԝ": "w", "ӏ": "l",
    "ь": "b", "п": "n", "г": "r",
    "α": "a", "β": "b", "γ": "y", "ε": "e", "η": "n", "ι": "l", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t",
    "υ": "u", "χ": "x", "ω": "w", "ζ": "z", "μ": "u", "ς": "s",
    "0": "o", "1": "l", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "9": "g", "i": "l", "|": "l", "!": "l",
    "$": "s", "@": "a",
    # Thai: obsolete letters that look like current ones.
    "ฃ": "ข", "ฅ": "ค",
})
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_TITLES = re.compile(r"^(?:นางสาว|นาง|นาย|น\.ส\.|คุณ|ดร\.|(?:mr|mrs|ms|miss|dr|khun)(?:\.|\s)+)\s*", re.IGNORECASE)
RESERVED_MIN_CONTAINED = 6  # a reserved name this long is refused inside a longer display name too


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFC", text or "")
    text = "".join(c if "\u0e00" <= c <= "\u0e7f" else unicodedata.normalize("NFKC", c) for c in text)
    text = text.translate(_UPPER_LOOKALIKES).casefold()
    # Accents go (é -> e); Thai vowel and tone signs are combining marks too, and stay.
    text = "".join(c for c in unicodedata.normalize("NFD", text)
                   if not unicodedata.combining(c) or "\u0e00" <= c <= "\u0e7f")
    text = strip_thai_tone_marks(text).replace("เเ", "แ").replace("\u0e4d\u0e32", "\u0e33")
    text = text.translate(_THAI_DIGITS).translate(_LOOKALIKES)
    text = "".join(c for c in text if c.isalnum() or ("\u0e01" <= c <= "\u0e4e" and c not in "ฯๆ฿"))
    text = text.replace("rn", "m").replace("vv", "w")
    return re.sub(r"(.)\1+", r"\1", text)  # "sommchai" and "somchai" compare equal


def name_key(name: str) -> str:
    """The comparison form of a person's name: case, spacing, punctuation, Thai tone marks,
    honorifics (นาย, คุณ, Mr ...) and look-alike letters folded away."""
    name = " ".join((name or "").split())
    without_title = _fold(_TITLES.sub("", name))
    return without_title if len(without_title) >= 3 else _fold(name)  # "นางฟ้า" is a word, not a title and a name


def _candidate_keys(display_name: str) -> tuple[set[str], set[str]]:
    """Whole-name keys of a display name, and every part long enough to hold a reserved name."""
    whole = {name_key(display_name), _fold(display_name)} - {""}
    parts = set()
    for key in whole:
        for size in range(RESERVED_MIN_CONTAINED, len(key) + 1):
            parts.update(key[i:i + size] for i in range(len(key) - size + 1))
    return whole, parts


async def impersonation_problem(session: AsyncSession, display_name: str, user_id: int | None) -> str | None:
    """Why this display name may not be used (club rule 6), or None. It may not be another
    member's registered real name or an admin-protected name, in any spelling that folds to it."""
    whole, parts = _candidate_keys(display_name)
    if not whole:
        return None
    query = select(m.ReservedName.key, m.ReservedName.user_id).where(m.ReservedName.key.in_(whole | parts))
    if user_id is not None:
        query = query.where(or_(m.ReservedName.user_id.is_(None), m.ReservedName.user_id != user_id))
    for key, _owner in (await session.execute(query)).all():
        if key in whole or len(key) >= RESERVED_MIN_CONTAINED:
            return N_("This name is a real person's name. Using another person's name is not allowed (club rule 6); choose another.")
    return None


DISPLAY_NAME_MIN, DISPLAY_NAME_MAX = 2, 60


async def clean_display_name(session: AsyncSession, display_name: str | None, user_id: int | None,
                             current: str | None = None) -> tuple[str, str | None]:
    """The one rule for every name a member is shown under (registration, /profile, the guru
    profile, the admin command): spacing collapsed, 2-60 characters, and not another person's
    real or protected name (club rule 6). A name left as it is (`current`) is not re-judged.
    Returns (the cleaned name, a problem msgid or None)."""
    name = " ".join((display_name or "").split())
    if not DISPLAY_NAME_MIN <= len(name) <= DISPLAY_NAME_MAX:
        return name, N_("Display name: 2-60 characters.")
    if name != current and (problem := await impersonation_problem(session, name, user_id)):
        return name, problem
    return name, None


def clean_real_name(real_name: str | None) -> tuple[str | None, str | None]:
    """(the cleaned real name or None, a problem msgid or None)."""
    real_name = " ".join((real_name or "").split())
    if not real_name:
        return None, None
    if len(real_name) > 100 or len(name_key(real_name)) < 2:
        return None, N_("Real name: 2-100 characters.")
    return real_name, None


async def set_real_name(session: AsyncSession, user: m.User, real_name: str | None) -> None:
    """Keeps the member's private real name and the key that guards it from impersonation."""
    user.real_name = real_name
    await session.execute(delete(m.ReservedName).where(m.ReservedName.user_id == user.id))
    if real_name:
        session.add(m.ReservedName(key=name_key(real_name), user_id=user.id, note=""))


async def protected_names(session: AsyncSession) -> list[m.ReservedName]:
    return list((await session.scalars(
        select(m.ReservedName).where(m.ReservedName.user_id.is_(None)).order_by(m.ReservedName.name))).all())


async def protect_name(session: AsyncSession, admin: m.User, name: str, note: str = "") -> m.ReservedName:
    name = " ".join((name or "").split())
    key = name_key(name)
    if not 2 <= len(name) <= 100 or len(key) < 2:
        raise ValidationFailed("Name: 2-100 characters.", field_errors={"name": N_("Name: 2-100 characters.")})
    if await session.scalar(select(m.ReservedName.id).where(m.ReservedName.key == key, m.ReservedName.user_id.is_(None))):
        raise Conflict("This name is already protected.", field_errors={"name": N_("This name is already protected.")})
    reserved = m.ReservedName(key=key, name=name, note=(note or "").strip()[:500], added_by_id=admin.id)
    session.add(reserved)
    await session.flush()
    return reserved


async def unprotect_name(session: AsyncSession, reserved_id: int) -> None:
    reserved = await session.get(m.ReservedName, reserved_id)
    if reserved is None or reserved.user_id is not None:
        raise NotFound("Name not found.")
    await session.delete(reserved)


# -- category access -------------------------------------------------------------------------

async def set_category_access(session: AsyncSession, category_id: int, access: str) -> m.Category:
    category = await session.get(m.Category, category_id)
    if category is None:
        raise NotFound("Category not found.")
    try:
        category.access = m.CategoryAccess(access)
    except ValueError:
        raise ValidationFailed("Choose who may enter.", field_errors={"access": N_("Choose who may enter.")}) from None
    return category


def parse_date(value: str | dt.date | None) -> dt.date | None:
    """A date from a form or API field (ISO format), or None."""
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat((value or "").strip())
    except ValueError:
        return None


def reason_label(reason: str | None, locale: str) -> str:
    return translations(locale).ugettext(REASONS[reason]) if reason in REASONS else (reason or "")
