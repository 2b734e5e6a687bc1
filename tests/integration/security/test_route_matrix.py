"""The authorisation matrix, generated from the app's route list: every route and method, as a
guest, a suspended member, a Silver member, a minor, a Gold member, a guru and an admin. What each
may do is declared once per route in EXPECTED below; a route missing from the table fails the
suite, so a new route cannot ship without a decided rule.

Outcomes (see routes.outcome): "login" = sent to log in (303 to /login, 401 from the API),
"forbidden" = 403, "ok" = the guards let the request through (it may still be 400/404/409 for
the empty body or the id it carried), and never a 5xx for anyone.

Set WEBBOARD_PRINT_MATRIX=1 to print the observed table (to review a change, not to copy blindly)."""

from __future__ import annotations

import datetime as dt
import os

from sqlalchemy import select

import models as m

from ...factories import PASSWORD, csrf_token
from ..guru.conftest import answer, ask
from .conftest import years_ago
from .routes import endpoints, fill, outcome

ROLES = ("guest", "suspended", "silver", "minor", "gold", "guru", "admin")
MEMBERS = ROLES[1:]


def _rule(default: str, **by_role: str) -> dict[str, str]:
    return {role: by_role.get(role, default) for role in ROLES}


RULES: dict[str, dict[str, str]] = {
    # anyone, logged in or not
    "public": _rule("ok"),
    # any logged-in member, suspended included (reading their own things, logging out)
    "member": _rule("ok", guest="login"),
    # taking part: logged in and not suspended
    "active": _rule("ok", guest="login", suspended="forbidden"),
    # admins only
    "admin": _rule("forbidden", guest="login", admin="ok"),
    # gurus only (an admin account holds one role and is not a guru)
    "guru": _rule("forbidden", guest="login", guru="ok"),
    # a post's own author only (the post used here is the Silver member's); admins act on
    # other people's posts through the moderation queue
    "own_post": _rule("forbidden", guest="login", silver="ok"),
}

P, M, A, ADMIN, GURU = "public", "member", "active", "admin", "guru"

EXPECTED: dict[str, str | dict[str, str]] = {
    # -- the board ---------------------------------------------------------------------------
    "GET /": P, "GET /c/{slug:str}": P, "GET /t/{thread_id:int}": P, "GET /search": P,
    "GET /c/{slug:str}/new": M, "POST /c/{slug:str}/new": A, "POST /c/{slug:str}/new/review": M,  # a preview; the post itself is refused
    "POST /t/{thread_id:int}/reply": A,
    "GET /p/{post_id:int}/edit": "own_post", "POST /p/{post_id:int}/edit": "own_post",
    "POST /p/{post_id:int}/delete": "own_post",
    "GET /threads/similar": P,
    # -- accounts ----------------------------------------------------------------------------
    "GET /login": P, "POST /login": P, "POST /logout": P, "GET /register": P, "POST /register": P,
    "POST /lang": P, "GET /profile": M, "POST /profile": M, "POST /profile/resign": M,
    "POST /api/auth/login": P, "POST /api/auth/logout": P, "GET /api/auth/me": M, "POST /api/auth/register": P,
    # -- the API -----------------------------------------------------------------------------
    "GET /api/categories": P, "POST /api/categories": ADMIN, "GET /api/categories/{slug:str}/threads": P,
    "POST /api/threads": A, "GET /api/threads/{thread_id:int}": P, "POST /api/threads/{thread_id:int}/replies": A,
    "PATCH /api/posts/{post_id:int}": "own_post", "DELETE /api/posts/{post_id:int}": "own_post",
    "GET /api/search": P, "GET /api/threads/similar": M,
    "POST /api/threads/{thread_id:int}/close-as-duplicate": ADMIN,
    "GET /api/admin/duplicates/settings": ADMIN, "PUT /api/admin/duplicates/settings": ADMIN,
    # -- notifications -----------------------------------------------------------------------
    "GET /notifications": M, "POST /notifications/read": M, "GET /api/notifications": M,
    "POST /api/notifications/read": M,
    # -- admin: categories, duplicates ------------------------------------------------------------
    "GET /admin/categories": ADMIN, "POST /admin/categories": ADMIN, "POST /admin/categories/{category_id:int}": ADMIN,
    "GET /t/{thread_id:int}/close-duplicate": ADMIN, "POST /t/{thread_id:int}/close-duplicate": ADMIN,
    "GET /admin/duplicates": ADMIN, "POST /admin/duplicates": ADMIN,
    # -- coins -------------------------------------------------------------------------------
    "GET /coins": M, "GET /coins/address": M, "POST /coins/address": M, "GET /coins/prizes": M,
    "GET /coins/prizes/{prize_id:int}": M,
    # coins are the member's own: a suspension stops taking part, not redeeming
    "POST /coins/prizes/{prize_id:int}/redeem": M,
    "GET /coins/redemptions": M, "GET /coins/pictures/{name:str}": P,
    "GET /api/coins": M, "GET /api/coins/address": M, "PUT /api/coins/address": M, "GET /api/coins/ledger": M,
    "GET /api/coins/prizes": M, "GET /api/coins/prizes/{prize_id:int}": M,
    "POST /api/coins/prizes/{prize_id:int}/redeem": M, "GET /api/coins/redemptions": M,
    "GET /admin/coins": ADMIN, "GET /admin/coins/members": ADMIN, "POST /admin/coins/members/{user_id:int}/adjust": ADMIN,
    "GET /admin/coins/prizes": ADMIN, "POST /admin/coins/prizes": ADMIN, "GET /admin/coins/prizes/new": ADMIN,
    "GET /admin/coins/prizes/{prize_id:int}": ADMIN, "POST /admin/coins/prizes/{prize_id:int}": ADMIN,
    "GET /admin/coins/redemptions": ADMIN, "POST /admin/coins/redemptions/shipped": ADMIN,
    "GET /admin/coins/settings": ADMIN, "POST /admin/coins/settings": ADMIN,
    "POST /api/admin/coins/members/{user_id:int}/adjustments": ADMIN,
    "GET /api/admin/coins/members/{user_id:int}/ledger": ADMIN, "GET /api/admin/coins/prizes": ADMIN,
    "POST /api/admin/coins/prizes": ADMIN, "PATCH /api/admin/coins/prizes/{prize_id:int}": ADMIN,
    "GET /api/admin/coins/redemptions": ADMIN, "POST /api/admin/coins/redemptions/shipped": ADMIN,
    "GET /api/admin/coins/settings": ADMIN, "PUT /api/admin/coins/settings": ADMIN,
    # -- Ask Guru ----------------------------------------------------------------------------
    "GET /guru": P, "GET /guru/q/{thread_id:int}": P, "GET /guru/gurus": P, "GET /guru/gurus/{user_id:int}": P,
    "GET /guru/ask": M, "POST /guru/ask": A, "POST /guru/q/{thread_id:int}/comment": A,
    "POST /guru/q/{thread_id:int}/answer": GURU, "GET /guru/inbox": GURU, "GET /guru/profile": GURU,
    "POST /guru/profile": GURU,
    # the question is the Silver member's: only they accept; anyone active but the guru marks helpful
    "POST /guru/a/{post_id:int}/accept": _rule("forbidden", guest="login", silver="ok"),
    "POST /guru/a/{post_id:int}/helpful": _rule("ok", guest="login", suspended="forbidden", guru="forbidden"),
    "GET /admin/guru": ADMIN, "POST /admin/guru/grant": ADMIN, "POST /admin/guru/{user_id:int}/revoke": ADMIN,
    "GET /admin/guru/disclaimer": ADMIN, "POST /admin/guru/disclaimer": ADMIN,
    "GET /api/guru/questions": P, "GET /api/guru/questions/{thread_id:int}": P, "POST /api/guru/questions": A,
    "POST /api/guru/questions/{thread_id:int}/comments": A, "POST /api/guru/questions/{thread_id:int}/answers": GURU,
    "POST /api/guru/answers/{post_id:int}/accept": _rule("forbidden", guest="login", silver="ok"),
    "POST /api/guru/answers/{post_id:int}/helpful": _rule("ok", guest="login", suspended="forbidden", guru="forbidden"),
    "GET /api/guru/inbox": GURU, "PATCH /api/guru/profile": GURU,
    "GET /api/guru/gurus": P, "GET /api/guru/gurus/{user_id:int}": P, "POST /api/guru/gurus": ADMIN,
    "DELETE /api/guru/gurus/{user_id:int}": ADMIN,
    "GET /api/guru/disclaimer": P, "POST /api/guru/disclaimer": ADMIN,
    # -- moderation --------------------------------------------------------------------------
    "GET /admin": ADMIN, "GET /admin/moderation": ADMIN, "GET /admin/moderation/{item_id:int}": ADMIN,
    "POST /admin/moderation/{item_id:int}/{action:str}": ADMIN, "POST /admin/moderation/bulk": ADMIN,
    "GET /admin/moderation/history": ADMIN, "GET /admin/moderation/thresholds": ADMIN,
    "POST /admin/moderation/thresholds": ADMIN,
    "GET /api/moderation/items": ADMIN, "GET /api/moderation/items/{item_id:int}": ADMIN,
    "POST /api/moderation/items/{item_id:int}/{action:str}": ADMIN, "POST /api/moderation/bulk": ADMIN,
    "GET /api/moderation/counts": ADMIN, "GET /api/moderation/thresholds": ADMIN,
    "PUT /api/moderation/thresholds": ADMIN, "GET /api/moderation/history": ADMIN, "GET /api/moderation/model": ADMIN,
    # reporting: not one's own post (the post is the Silver member's)
    "GET /p/{post_id:int}/report": _rule("ok", guest="login", silver="forbidden"),
    "POST /p/{post_id:int}/report": _rule("ok", guest="login", suspended="forbidden", silver="forbidden"),
    "POST /api/posts/{post_id:int}/reports": _rule("ok", guest="login", suspended="forbidden", silver="forbidden"),
    # -- membership, terms, personal data --------------------------------------------------------
    "GET /terms": P, "GET /terms/v/{version:str}": P, "GET /privacy": P, "GET /api/terms": P,
    "GET /terms/accept": M, "POST /terms/accept": M, "POST /api/membership/terms/accept": M,
    "GET /account": M, "GET /account/export": M, "GET /api/account/export": M,
    "POST /account/delete": M, "POST /api/account/delete": M,
    "POST /account/email-consent": M, "POST /api/account/email-consent": M,
    "GET /membership/gold": M, "POST /membership/gold": M, "GET /api/membership/gold": M, "POST /api/membership/gold": M,
    "GET /admin/access": ADMIN, "POST /admin/access": ADMIN, "GET /admin/names": ADMIN, "POST /admin/names": ADMIN,
    "POST /admin/names/{name_id:int}/delete": ADMIN, "GET /admin/members": ADMIN,
    "GET /admin/members/{user_id:int}": ADMIN, "POST /admin/members/{user_id:int}/status": ADMIN,
    "GET /admin/members/{user_id:int}/export": ADMIN, "GET /admin/data-access": ADMIN,
    "GET /admin/data-access/export": ADMIN, "GET /admin/gold": ADMIN, "POST /admin/gold/{application_id:int}": ADMIN,
    "GET /admin/terms": ADMIN, "POST /admin/terms": ADMIN,
    "GET /api/admin/names": ADMIN, "POST /api/admin/names": ADMIN, "DELETE /api/admin/names/{name_id:int}": ADMIN,
    "POST /api/admin/members/{user_id:int}/status": ADMIN, "GET /api/admin/members/{user_id:int}": ADMIN,
    "GET /api/admin/data-access": ADMIN, "GET /api/admin/gold": ADMIN,
    "POST /api/admin/gold/{application_id:int}": ADMIN, "POST /api/admin/terms": ADMIN,
    "PUT /api/admin/categories/{category_id:int}/access": ADMIN,
    # -- notices -----------------------------------------------------------------------------
    "GET /notices": P, "GET /notices.atom": P, "GET /notices/{notice_id:int}": P,
    "GET /api/notices": P, "GET /api/notices/status": P, "GET /api/notices/{notice_id:int}": P,
    "GET /admin/notices": ADMIN, "GET /admin/notices/new": ADMIN, "POST /admin/notices": ADMIN,
    "GET /admin/notices/{notice_id:int}/edit": ADMIN, "POST /admin/notices/{notice_id:int}": ADMIN,
    "POST /admin/notices/{notice_id:int}/end": ADMIN, "POST /admin/notices/{notice_id:int}/extend": ADMIN,
    "POST /api/notices": ADMIN, "PATCH /api/notices/{notice_id:int}": ADMIN, "DELETE /api/notices/{notice_id:int}": ADMIN,
    "POST /api/notices/{notice_id:int}/end": ADMIN, "POST /api/notices/{notice_id:int}/extend": ADMIN,
    # -- static files and the API schema ---------------------------------------------------------
    "GET /static/{file_path:path}": P,
    "GET /api/schema": P, "GET /api/schema/{path:str}": P, "GET /api/schema/openapi.json": P,
    "GET /api/schema/openapi.yaml": P, "GET /api/schema/openapi.yml": P, "GET /api/schema/redoc": P,
    "GET /api/schema/swagger": P, "GET /api/schema/elements": P, "GET /api/schema/rapidoc": P,
    "GET /api/schema/oauth2-redirect.html": P, "GET /favicon.ico": P,
    # -- photos: a photo's own URL is as public as its post (the gate answers 404 otherwise) --
    "GET /photos/{photo_id:int}/{digest:str}/{name:str}": P,
    "GET /photos/staged/{token:str}/thumb.jpg": M,  # the uploader's own staged photo (signed token)
    # The photo is on the Silver member's thread: not one's own to report, like a post.
    "GET /photos/{photo_id:int}/report": _rule("ok", guest="login", silver="forbidden"),
    "POST /photos/{photo_id:int}/report": _rule("ok", guest="login", suspended="forbidden", silver="forbidden"),
    "POST /admin/photos/{photo_id:int}/delete": ADMIN,
    "GET /membership/gold/{application_id:int}/photo": M, "POST /membership/gold/{application_id:int}/photo": M,
}

# Bodies that pass validation where the guard is in the service (a member's suspension, a guru
# answer by a non-guru): an empty body would be refused as 400 before the guard is reached.
BODY = {"title": "A route matrix topic title", "body": "A plain message for the matrix"}
JSON_BODIES: dict[str, dict] = {
    "POST /api/threads": dict(BODY, category_id="{category_id}"),
    "POST /api/threads/{thread_id:int}/replies": {"body": BODY["body"]},
    "PATCH /api/posts/{post_id:int}": {"body": BODY["body"]},
    "POST /api/guru/questions": dict(BODY, area_id="{category_id}"),
    "POST /api/guru/questions/{thread_id:int}/answers": {"body": BODY["body"]},
    "POST /api/guru/questions/{thread_id:int}/comments": {"body": BODY["body"]},
    "POST /api/posts/{post_id:int}/reports": {"rule": "trading"},
}
FORM_BODIES: dict[str, dict] = {
    "POST /guru/ask": dict(BODY, area_id="{category_id}"),
}
# Run last, in this order: failed logins, then logouts (after which the role is a guest).
LAST = ("POST /login", "POST /api/auth/login", "POST /api/auth/logout", "POST /logout")
# Deleting takes a post of the Silver member's made for each role, so one role's deletion does
# not change what the next role meets.
DELETES = {"POST /p/{post_id:int}/delete", "DELETE /api/posts/{post_id:int}"}


def expected_for(key: str) -> dict[str, str]:
    rule = EXPECTED[key]
    return RULES[rule] if isinstance(rule, str) else rule


def matches(expected: str, got: str) -> bool:
    # "ok": the guards let it through; a 404 for an id that does not exist is still through.
    return got == expected or (expected == "ok" and got == "missing")


def test_every_route_has_a_declared_rule(app):
    keys = {endpoint.key for endpoint in endpoints(app)}
    missing = sorted(keys - EXPECTED.keys())
    assert not missing, f"declare who may use these routes in EXPECTED: {missing}"
    stale = sorted(EXPECTED.keys() - keys)
    assert not stale, f"these routes are gone; remove them from EXPECTED: {stale}"


async def _people(factory, db) -> dict[str, m.User]:
    people = {
        "suspended": await factory.user("benched", "Benched Member"),
        "silver": await factory.user("silver", "Silver Member"),
        "minor": await factory.user("teen", "Teen Driver"),
        "gold": await factory.user("goldie", "Gold Owner", tier=m.Tier.GOLD),
        "guru": await factory.user("guru1", "Guru One", role=m.Role.GURU),
        "admin": await factory.user("admin1", "Admin One", role=m.Role.ADMIN),
    }
    people["suspended"].status = m.MemberStatus.SUSPENDED
    people["suspended"].suspended_until = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=7)
    people["minor"].date_of_birth = years_ago(16)
    await db.commit()
    return people


async def _opening_post(db, thread: m.Thread) -> int:
    return await db.scalar(select(m.Post.id).where(m.Post.thread_id == thread.id, m.Post.is_opening.is_(True)))


async def _photo_on(db, owner: m.User, post_id: int) -> int:
    """A photo row on the post (no file behind it: the routes' guards come before the storage)."""
    photo = m.Photo(owner_id=owner.id, post_id=post_id, digest="ab" * 32, width=40, height=30, stored_bytes=1)
    db.add(photo)
    await db.commit()
    return photo.id


def _with_values(template: dict, values: dict) -> dict:
    return {k: (values[v[1:-1]] if isinstance(v, str) and v.startswith("{") else v) for k, v in template.items()}


async def test_the_authorisation_matrix_over_every_route(client, app, db, factory, settings):
    people = await _people(factory, db)
    category = await factory.category("general", "ทั่วไป", "General")
    thread = await factory.thread(category, people["silver"], "A Silver member's thread", "Hello everyone")
    question = await ask(db, settings, people["silver"], category, "Which oil for a 2019 City?")
    guru_answer = await answer(db, settings, people["guru"], question)
    values = {"slug": "general", "thread_id": thread.id, "post_id": await _opening_post(db, thread),
              "user_id": people["silver"].id, "category_id": category.id, "int": 1,
              "version": settings.board.terms_version, "action": "approve", "name": "missing.png",
              "file_path": "style.css", "path": "openapi.json",
              "digest": "0" * 32, "token": "not-a-token"}
    values["photo_id"] = await _photo_on(db, people["silver"], values["post_id"])
    guru_values = dict(values, thread_id=question.id, post_id=guru_answer.id)
    doomed = {role: await _opening_post(db, await factory.thread(category, people["silver"], f"To delete ({role})", "x"))
              for role in ROLES}

    jars: dict[str, dict[str, str]] = {"guest": {}}
    for role in MEMBERS:
        client.cookies.clear()
        token = await csrf_token(client)
        response = await client.post("/login", data={"_csrf_token": token, "login_id": people[role].login_id,
                                                     "password": PASSWORD}, follow_redirects=False)
        assert response.status_code == 303, role
        jars[role] = dict(client.cookies)

    observed: dict[str, dict[str, str]] = {}
    problems = []
    ordered = sorted(endpoints(app), key=lambda e: (LAST.index(e.key) if e.key in LAST else -1, e.key))
    for role in ROLES:
        for endpoint in ordered:
            client.cookies.clear()
            client.cookies.update(jars[role])
            guru_route = endpoint.path.startswith(("/guru/a/", "/guru/q/", "/api/guru/answers", "/api/guru/questions/"))
            filled = dict(guru_values if guru_route else values)
            if endpoint.key in DELETES:
                filled["post_id"] = doomed[role]
            url = fill(endpoint.path, filled)
            headers, kwargs = {}, {}
            if endpoint.method not in ("GET", "HEAD"):
                token = jars[role].get("csrftoken") or await csrf_token(client)
                headers["x-csrftoken"] = token
                if endpoint.path.startswith("/api"):
                    kwargs["json"] = _with_values(JSON_BODIES.get(endpoint.key, {}), filled)
                else:
                    kwargs["data"] = {"_csrf_token": token, **_with_values(FORM_BODIES.get(endpoint.key, {}), filled)}
            response = await client.request(endpoint.method, url, headers=headers, follow_redirects=False, **kwargs)
            if role == "guest" and "csrftoken" in client.cookies:
                jars["guest"].setdefault("csrftoken", client.cookies["csrftoken"])
            got = outcome(response)
            observed.setdefault(endpoint.key, {})[role] = got
            want = expected_for(endpoint.key)[role] if endpoint.key in EXPECTED else "(undeclared)"
            if got == "error" or not matches(want, got):
                problems.append(f"{endpoint.key} as {role}: {got} ({response.status_code}), expected {want}")
    if os.environ.get("WEBBOARD_PRINT_MATRIX"):
        for key in sorted(observed):
            print(f"{key:60} " + " ".join(f"{observed[key][r]:9}" for r in ROLES))
    assert not problems, "\n".join(problems)
