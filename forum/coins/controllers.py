"""Reward coins: member pages (/coins), admin pages (/admin/coins) and the JSON API
(/api/coins, /api/admin/coins). Thin: parse, authorise (`member` / `admin`), call one service
method, render or redirect. The request commits; a 4xx rolls it back."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, patch, post, put
from litestar.datastructures import UploadFile
from litestar.di import Provide
from litestar.exceptions import NotFoundException
from litestar.response import File, Redirect, Template
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED
from msgspec import Struct
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

import models as m

from ..api_schema import Id, Int32
from ..errors import DomainError, NotFound
from ..i18n import N_
from ..settings import Settings
from ..web import error_text, field_errors, redirect, render
from . import service
from .service import MAX_QUANTITY, REASON_LABELS, RULE_LABELS, CoinService, LedgerLine


def provide_coins(db_session: AsyncSession, settings: Settings) -> CoinService:
    return CoinService(db_session, settings)


COIN_DEPENDENCIES = {"coins": Provide(provide_coins, sync_to_thread=False)}


# -- JSON shapes ----------------------------------------------------------------------------
def line_json(line: LedgerLine) -> dict[str, Any]:
    return entry_json(line.entry) | {"actor_name": line.actor_name}


def entry_json(e: m.CoinLedgerEntry) -> dict[str, Any]:
    return {"id": e.id, "amount": e.amount, "balance_after": e.balance_after, "reason": e.reason.value,
            "post_id": e.post_id, "redemption_id": e.redemption_id, "actor_id": e.actor_id, "note": e.note,
            "created_at": e.created_at.isoformat()}


def prize_json(p: m.CoinPrize) -> dict[str, Any]:
    return {"id": p.id, "name_th": p.name_th, "name_en": p.name_en, "description_th": p.description_th,
            "description_en": p.description_en, "picture_url": p.picture_url, "price": p.price, "stock": p.stock,
            "active": p.active}


def redemption_json(r: m.CoinRedemption) -> dict[str, Any]:
    return {"id": r.id, "prize_id": r.prize_id, "prize_name_th": r.prize_name_th, "prize_name_en": r.prize_name_en,
            "quantity": r.quantity, "unit_price": r.unit_price, "coins_spent": r.coins_spent,
            "balance_after": r.balance_after, "status": r.status.value, "created_at": r.created_at.isoformat(),
            "shipped_at": r.shipped_at.isoformat() if r.shipped_at else None}


def address_json(a: m.DeliveryAddress | None) -> dict[str, Any] | None:
    if a is None:
        return None
    return {"recipient": a.recipient, "phone": a.phone, "address": a.address, "province": a.province,
            "postal_code": a.postal_code}


def page_json(page: Any, shape: Any) -> dict[str, Any]:
    return {"items": [shape(item) for item in page.items], "page": page.page, "has_next": page.has_next}


class RedeemData(Struct):
    quantity: Int32 = 1


class AddressData(Struct):
    recipient: str
    phone: str
    address: str
    province: str
    postal_code: str


class PrizeData(Struct):
    name_th: str
    name_en: str
    price: Int32
    stock: Int32
    description_th: str = ""
    description_en: str = ""
    picture_url: str | None = None
    active: bool = True


class PrizePatch(Struct):
    name_th: str | None = None
    name_en: str | None = None
    price: Int32 | None = None
    stock: Int32 | None = None
    description_th: str | None = None
    description_en: str | None = None
    picture_url: str | None = None
    active: bool | None = None


class ShipData(Struct):
    ids: list[Id]


class AdjustData(Struct):
    amount: Int32
    note: str


class RulesData(Struct):
    thread: Int32
    reply: Int32
    guru_answer: Int32
    answer_accepted: Int32
    accepted_an_answer: Int32
    helpful: Int32
    daily_cap: Int32


def _struct_dict(data: Struct) -> dict[str, Any]:
    return {f: getattr(data, f) for f in data.__struct_fields__}


def _prize_form(prize: m.CoinPrize) -> dict[str, Any]:
    form = prize_json(prize)
    form["picture_url"] = prize.picture_url or ""
    return form


# -- member pages -----------------------------------------------------------------------------
class CoinController(Controller):
    path = "/coins"
    include_in_schema = False
    dependencies = COIN_DEPENDENCIES

    @get("/", name="coins_wallet")
    async def wallet(self, request: Request, member: m.User, coins: CoinService, page: int = 1) -> Template:
        rules = await coins.rules()
        return render(request, "coins_wallet.html", balance=await coins.balance(member.id),
                      ledger=await coins.ledger(member.id, page), rules=rules, rule_labels=RULE_LABELS,
                      reason_labels=REASON_LABELS, earned_today=await coins.earned_today(member.id, service.clock()))

    @get("/prizes", name="coins_prizes")
    async def prizes(self, request: Request, member: m.User, coins: CoinService, page: int = 1) -> Template:
        return render(request, "coins_prizes.html", prizes=await coins.prizes(active_only=True, page=page),
                      balance=await coins.balance(member.id))

    @get("/prizes/{prize_id:int}", name="coins_prize")
    async def prize(self, request: Request, prize_id: int, member: m.User, coins: CoinService) -> Template:
        return await _prize_page(request, coins, member, prize_id, form={"quantity": 1})

    @post("/prizes/{prize_id:int}/redeem", name="coins_redeem")
    async def redeem(self, request: Request, prize_id: int, member: m.User, coins: CoinService) -> Template | Redirect:
        form = dict(await request.form())
        try:
            redemption = await coins.redeem(member, prize_id, form.get("quantity", ""), now=service.clock())
        except NotFound:
            raise NotFoundException() from None
        except DomainError as error:
            return await _prize_page(request, coins, member, prize_id, form=form, status_code=error.status_code,
                                     error=error_text(error), errors=field_errors(error))
        return redirect(request, f"/coins/redemptions#r{redemption.id}",
                        "Redeemed. We will ship it to your delivery address.")

    @get("/redemptions", name="coins_redemptions")
    async def redemptions(self, request: Request, member: m.User, coins: CoinService, page: int = 1) -> Template:
        return render(request, "coins_redemptions.html", redemptions=await coins.redemptions(member.id, page),
                      balance=await coins.balance(member.id))

    @get("/address", name="coins_address")
    async def address_form(self, request: Request, member: m.User, coins: CoinService,
                           next: str | None = None) -> Template:
        address = await coins.address(member.id)
        form = address_json(address) or {"recipient": member.display_name}
        return render(request, "coins_address.html", form=form | {"next": _safe_next(next)}, has_address=address is not None)

    @post("/address", name="coins_save_address")
    async def save_address(self, request: Request, member: m.User, coins: CoinService) -> Template | Redirect:
        form = dict(await request.form())
        try:
            await coins.save_address(member, form)
        except DomainError as error:
            return render(request, "coins_address.html", status_code=error.status_code, form=form,
                          has_address=await coins.address(member.id) is not None, error=error_text(error),
                          errors=field_errors(error))
        return redirect(request, _safe_next(form.get("next")) or "/coins/address", "Delivery address saved.")

    @get("/pictures/{name:str}", name="coins_picture")
    async def picture(self, name: str, coins: CoinService) -> File:
        path = coins.picture_path(name)
        if path is None:
            raise NotFoundException()
        return File(path=path, content_disposition_type="inline",
                    headers={"Cache-Control": "public, max-age=86400", "X-Content-Type-Options": "nosniff"})


async def _prize_page(request: Request, coins: CoinService, member: m.User, prize_id: int, *, form: dict[str, Any],
                      status_code: int = 200, **context: Any) -> Template:
    try:
        prize = await coins.prize(prize_id, active_only=True)
    except NotFound:
        raise NotFoundException() from None
    return render(request, "coins_prize.html", status_code=status_code, prize=prize, form=form,
                  balance=await coins.balance(member.id), has_address=await coins.address(member.id) is not None,
                  max_quantity=min(MAX_QUANTITY, prize.stock), **context)


def _safe_next(target: Any) -> str:
    target = str(target or "")
    return target if target.startswith("/") and not target.startswith("//") else ""


# -- admin pages ------------------------------------------------------------------------------
class AdminCoinController(Controller):
    path = "/admin/coins"
    include_in_schema = False
    dependencies = COIN_DEPENDENCIES

    @get("/", name="admin_coins")
    async def index(self, admin: m.User) -> Redirect:
        return Redirect("/admin/coins/redemptions?status=pending", status_code=303)

    @get("/prizes", name="admin_coin_prizes")
    async def prizes(self, request: Request, admin: m.User, coins: CoinService, page: int = 1) -> Template:
        return render(request, "coins_admin_prizes.html", prizes=await coins.prizes(active_only=False, page=page))

    @get("/prizes/new", name="admin_coin_new_prize")
    async def new_prize(self, request: Request, admin: m.User) -> Template:
        return render(request, "coins_admin_prize_form.html", prize=None, form={"active": True, "stock": 0})

    @post("/prizes", name="admin_coin_create_prize")
    async def create_prize(self, request: Request, admin: m.User, coins: CoinService) -> Template | Redirect:
        form, picture = await _prize_upload(request)
        try:
            prize = await coins.save_prize(form, picture=picture)
        except DomainError as error:
            return render(request, "coins_admin_prize_form.html", status_code=error.status_code, prize=None,
                          form=form, error=error_text(error), errors=field_errors(error))
        return redirect(request, f"/admin/coins/prizes#prize-{prize.id}", "Prize saved.")

    @get("/prizes/{prize_id:int}", name="admin_coin_prize")
    async def edit_prize(self, request: Request, prize_id: int, admin: m.User, coins: CoinService) -> Template:
        prize = await _admin_prize(coins, prize_id)
        return render(request, "coins_admin_prize_form.html", prize=prize, form=_prize_form(prize))

    @post("/prizes/{prize_id:int}", name="admin_coin_update_prize")
    async def update_prize(self, request: Request, prize_id: int, admin: m.User, coins: CoinService) -> Template | Redirect:
        prize = await _admin_prize(coins, prize_id)
        form, picture = await _prize_upload(request)
        try:
            await coins.save_prize(form, prize, picture=picture)
        except DomainError as error:
            return render(request, "coins_admin_prize_form.html", status_code=error.status_code, prize=prize,
                          form=form, error=error_text(error), errors=field_errors(error))
        return redirect(request, f"/admin/coins/prizes#prize-{prize.id}", "Prize saved.")

    @get("/redemptions", name="admin_coin_redemptions")
    async def redemptions(self, request: Request, admin: m.User, coins: CoinService, status: str = "pending",
                          month: str = "", page: int = 1) -> Template:
        rows = await coins.all_redemptions(status=status or None, month=month or None, page=page)
        return render(request, "coins_admin_redemptions.html", rows=rows, status=status, month=month)

    @post("/redemptions/shipped", name="admin_coin_mark_shipped")
    async def mark_shipped(self, request: Request, admin: m.User, coins: CoinService) -> Redirect:
        form = await request.form()
        back = "/admin/coins/redemptions?" + "&".join(
            f"{key}={form.get(key)}" for key in ("status", "month") if str(form.get(key) or "").replace("-", "").isalnum())
        try:
            count = await coins.mark_shipped(admin, form.getall("ids") if "ids" in form else [], now=service.clock())
        except DomainError as error:
            return redirect(request, back, error.message, "error")
        message = N_("Marked as shipped.") if count else N_("Nothing to mark: already shipped.")
        return redirect(request, back, message)

    @get("/settings", name="admin_coin_settings")
    async def settings_form(self, request: Request, admin: m.User, coins: CoinService) -> Template:
        rules = await coins.rules()
        return render(request, "coins_admin_settings.html", form={k: getattr(rules, k) for k in RULE_LABELS},
                      labels=RULE_LABELS)

    @post("/settings", name="admin_coin_save_settings")
    async def save_settings(self, request: Request, admin: m.User, coins: CoinService) -> Template | Redirect:
        form = dict(await request.form())
        try:
            await coins.save_rules(form)
        except DomainError as error:
            return render(request, "coins_admin_settings.html", status_code=error.status_code, form=form,
                          labels=RULE_LABELS, error=error_text(error), errors=field_errors(error))
        return redirect(request, "/admin/coins/settings", "Coin settings saved.")

    @get("/members", name="admin_coin_members")
    async def member(self, request: Request, admin: m.User, coins: CoinService, db_session: AsyncSession,
                     login_id: str = "", page: int = 1) -> Template:
        return await _member_page(request, coins, db_session, login_id, page)

    @post("/members/{user_id:int}/adjust", name="admin_coin_adjust")
    async def adjust(self, request: Request, user_id: int, admin: m.User, coins: CoinService,
                     db_session: AsyncSession) -> Template | Redirect:
        form = dict(await request.form())
        target = await db_session.get(m.User, user_id)
        if target is None:
            raise NotFoundException()
        try:
            await coins.adjust(admin, user_id, form.get("amount"), form.get("note", ""), now=service.clock())
        except DomainError as error:
            return await _member_page(request, coins, db_session, target.login_id, 1, status_code=error.status_code,
                                      form=form, error=error_text(error), errors=field_errors(error))
        return redirect(request, f"/admin/coins/members?login_id={target.login_id}", "Balance adjusted.")


async def _admin_prize(coins: CoinService, prize_id: int) -> m.CoinPrize:
    try:
        return await coins.prize(prize_id, active_only=False)
    except NotFound:
        raise NotFoundException() from None


async def _prize_upload(request: Request) -> tuple[dict[str, Any], tuple[str, bytes] | None]:
    raw = await request.form()
    form: dict[str, Any] = {}
    picture = None
    for key, value in raw.items():
        if isinstance(value, UploadFile):
            if key == "picture" and value.filename:
                picture = (value.filename, await value.read())
        else:
            form[key] = value
    if form.get("remove_picture") == "on":
        form["picture_url"] = ""
    return form, picture


async def _member_page(request: Request, coins: CoinService, db_session: AsyncSession, login_id: str, page: int, *,
                       status_code: int = 200, **context: Any) -> Template:
    login_id = (login_id or "").strip().casefold()
    target = await db_session.scalar(select(m.User).where(m.User.login_id == login_id)) if login_id else None
    data: dict[str, Any] = {"login_id": login_id, "target": target, "reason_labels": REASON_LABELS}
    if target is not None:
        data |= {"balance": await coins.balance(target.id), "ledger": await coins.ledger(target.id, page)}
    context.setdefault("form", {})
    return render(request, "coins_admin_member.html", status_code=status_code, **data, **context)


# -- JSON API ---------------------------------------------------------------------------------
class CoinApiController(Controller):
    path = "/api/coins"
    tags = ["coins"]
    dependencies = COIN_DEPENDENCIES

    @get("/")
    async def summary(self, member: m.User, coins: CoinService) -> dict[str, Any]:
        rules = await coins.rules()
        return {"balance": await coins.balance(member.id), "earned_today": await coins.earned_today(member.id, service.clock()),
                "rules": {k: getattr(rules, k) for k in RULE_LABELS}}

    @get("/ledger")
    async def ledger(self, member: m.User, coins: CoinService, page: int = 1) -> dict[str, Any]:
        return page_json(await coins.ledger(member.id, page), line_json)

    @get("/prizes")
    async def prizes(self, member: m.User, coins: CoinService, page: int = 1) -> dict[str, Any]:
        return page_json(await coins.prizes(active_only=True, page=page), prize_json)

    @get("/prizes/{prize_id:int}")
    async def prize(self, prize_id: int, member: m.User, coins: CoinService) -> dict[str, Any]:
        return prize_json(await coins.prize(prize_id, active_only=True))

    @post("/prizes/{prize_id:int}/redeem", status_code=HTTP_201_CREATED)
    async def redeem(self, prize_id: int, member: m.User, data: RedeemData, coins: CoinService) -> dict[str, Any]:
        redemption = await coins.redeem(member, prize_id, data.quantity, now=service.clock())
        return {"redemption": redemption_json(redemption), "balance": redemption.balance_after}

    @get("/redemptions")
    async def redemptions(self, member: m.User, coins: CoinService, page: int = 1) -> dict[str, Any]:
        return page_json(await coins.redemptions(member.id, page), redemption_json)

    @get("/address")
    async def address(self, member: m.User, coins: CoinService) -> dict[str, Any]:
        return {"address": address_json(await coins.address(member.id))}

    @put("/address", status_code=HTTP_200_OK)
    async def save_address(self, member: m.User, data: AddressData, coins: CoinService) -> dict[str, Any]:
        return {"address": address_json(await coins.save_address(member, _struct_dict(data)))}


class AdminCoinApiController(Controller):
    path = "/api/admin/coins"
    tags = ["coins admin"]
    dependencies = COIN_DEPENDENCIES

    @get("/prizes")
    async def prizes(self, admin: m.User, coins: CoinService, page: int = 1) -> dict[str, Any]:
        return page_json(await coins.prizes(active_only=False, page=page), prize_json)

    @post("/prizes", status_code=HTTP_201_CREATED)
    async def create_prize(self, admin: m.User, data: PrizeData, coins: CoinService) -> dict[str, Any]:
        return prize_json(await coins.save_prize(_struct_dict(data)))

    @patch("/prizes/{prize_id:int}")
    async def update_prize(self, prize_id: int, admin: m.User, data: PrizePatch, coins: CoinService) -> dict[str, Any]:
        prize = await coins.prize(prize_id, active_only=False)
        merged = _prize_form(prize) | {k: v for k, v in _struct_dict(data).items() if v is not None}
        return prize_json(await coins.save_prize(merged, prize))

    @get("/redemptions")
    async def redemptions(self, admin: m.User, coins: CoinService, status: str = "", month: str = "",
                          page: int = 1) -> dict[str, Any]:
        rows = await coins.all_redemptions(status=status or None, month=month or None, page=page)
        return {"items": [redemption_json(r.CoinRedemption) | {"login_id": r.login_id, "display_name": r.display_name,
                                                              "member_status": r.member_status.value,
                                                              "ship_to": r.CoinRedemption.ship_to}
                          for r in rows.items], "page": rows.page, "has_next": rows.has_next}

    @post("/redemptions/shipped", status_code=HTTP_200_OK)
    async def mark_shipped(self, admin: m.User, data: ShipData, coins: CoinService) -> dict[str, Any]:
        return {"shipped": await coins.mark_shipped(admin, data.ids, now=service.clock())}

    @get("/settings")
    async def settings(self, admin: m.User, coins: CoinService) -> dict[str, Any]:
        rules = await coins.rules()
        return {k: getattr(rules, k) for k in RULE_LABELS}

    @put("/settings", status_code=HTTP_200_OK)
    async def save_settings(self, admin: m.User, data: RulesData, coins: CoinService) -> dict[str, Any]:
        rules = await coins.save_rules(_struct_dict(data))
        return {k: getattr(rules, k) for k in RULE_LABELS}

    @get("/members/{user_id:int}/ledger")
    async def member_ledger(self, user_id: int, admin: m.User, coins: CoinService, page: int = 1) -> dict[str, Any]:
        return {"balance": await coins.balance(user_id), **page_json(await coins.ledger(user_id, page), line_json)}

    @post("/members/{user_id:int}/adjustments", status_code=HTTP_201_CREATED)
    async def adjust(self, user_id: int, admin: m.User, data: AdjustData, coins: CoinService) -> dict[str, Any]:
        return entry_json(await coins.adjust(admin, user_id, data.amount, data.note, now=service.clock()))


ROUTE_HANDLERS = [CoinController, AdminCoinController, CoinApiController, AdminCoinApiController]
