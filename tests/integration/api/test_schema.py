"""The schema at /api/schema declares the error body the API really sends, for every error status
an operation answers, and the text limits the posting service applies."""

from __future__ import annotations

import msgspec

from forum.api_schema import ID_MAX, ErrorBody
from forum.settings import BODY_MAX, TITLE_MAX

from ...factories import api, login


async def openapi(client) -> dict:
    response = await client.get("/api/schema/openapi.json")
    assert response.status_code == 200
    return response.json()


async def test_every_api_operation_declares_the_error_body_for_its_error_statuses(client):
    schema = await openapi(client)
    assert schema["components"]["schemas"]["ErrorBody"]["required"] == ["error", "status_code"]
    operations = [(path, method, op) for path, item in schema["paths"].items() for method, op in item.items()]
    assert len(operations) > 50
    for path, method, op in operations:
        errors = {code: r for code, r in op["responses"].items() if code[0] in "45"}
        assert {"403", "500", "503"} <= errors.keys(), (method, path)
        for code, response in errors.items():
            assert response["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorBody"}, \
                (method, path, code)
        if method in ("post", "put", "patch", "delete"):
            assert {"400", "404", "409", "429"} <= errors.keys(), (method, path)
    me = schema["paths"]["/api/auth/me"]["get"]["responses"]
    assert "401" in me and "400" not in me and "404" not in me
    categories = schema["paths"]["/api/categories"]["get"]["responses"]
    assert "401" not in categories and "400" not in categories


async def test_error_bodies_are_error_bodies(client, member, category):
    guest_write = await api(client, "POST", "/api/threads", {"category_id": category.id, "title": "t", "body": "b"})
    not_found = await client.get("/api/threads/987654")
    malformed = await api(client, "POST", "/api/auth/login", {"login_id": 5})
    await login(client, member)
    refused = await api(client, "POST", "/api/threads", {"category_id": category.id, "title": "Title", "body": " "})
    no_csrf = await client.post("/api/threads", json={"category_id": category.id, "title": "t", "body": "b"})
    for response, status in ((guest_write, 401), (not_found, 404), (malformed, 400), (refused, 400), (no_csrf, 403)):
        assert response.status_code == status, response.text
        body = msgspec.convert(response.json(), ErrorBody)  # raises when the body is not an ErrorBody
        assert body.status_code == status and body.error and body.request_id == response.headers["x-request-id"]
    assert "body" in (msgspec.convert(refused.json(), ErrorBody).fields or {})


async def test_post_texts_carry_the_limits_the_posting_service_applies(client):
    schemas = (await openapi(client))["components"]["schemas"]
    for name in ("ThreadCreate", "ReplyCreate", "PostUpdate", "QuestionCreate", "BodyData"):
        body = schemas[name]["properties"]["body"]
        assert (body["minLength"], body["maxLength"], body["pattern"]) == (1, BODY_MAX, r"\S"), name
    title = schemas["ThreadCreate"]["properties"]["title"]
    assert (title["minLength"], title["maxLength"]) == (1, TITLE_MAX)
    category_id = schemas["ThreadCreate"]["properties"]["category_id"]
    assert category_id["maximum"] == ID_MAX and ID_MAX <= 2**63 - 1


async def test_an_id_too_large_for_the_database_in_a_body_is_refused_not_a_server_error(client, member, category):
    await login(client, member)
    response = await api(client, "POST", "/api/threads", {"category_id": 2**64, "title": "Title", "body": "Body"})
    assert response.status_code == 400 and response.json()["status_code"] == 400


async def test_options_lists_every_method_of_the_path(client):
    for path, methods in (("/api/categories", "GET, OPTIONS, POST"), ("/api/coins/address", "GET, OPTIONS, PUT"),
                          ("/api/guru/disclaimer", "GET, OPTIONS, POST")):
        response = await client.options(path)
        assert response.headers["allow"] == methods, path
