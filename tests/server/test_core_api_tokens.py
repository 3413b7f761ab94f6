"""Core's TokenSpec and CredentialsSpec (ext/api/src/test/scala/api/), tokens and credentials over the old
REST paths, and queries/documents/TokenSpec over `POST /`. TTLs move the database's clock on instead of
waiting."""

from __future__ import annotations

import pytest

from .core_api import ROOT, api, path, served  # noqa: F401 - fixtures
from .test_core_api_keys import in_seconds

UNAUTHORIZED, FORBIDDEN, NOT_FOUND = 401, 403, 404


def setup(api):
    db = api.a_database()
    doc = api.a_document(api.a_collection(db), db)
    return db, doc


def new_token(api, db, doc, **more) -> dict:
    status, _, body = api.post("/tokens", {"instance": doc["ref"], **more}, db.key)
    assert status == 201, body
    return body["resource"]


# -- api/TokenSpec -----------------------------------------------------------------------------------


def test_tokens_get_works(api):
    db, doc = setup(api)
    token0, token1 = new_token(api, db, doc), new_token(api, db, doc)
    tokens = api.collection("/tokens", db.key)
    assert token0["ref"] in tokens and token1["ref"] in tokens


def test_tokens_post_works(api):
    db, doc = setup(api)
    assert api.post("/tokens", {"instance": doc["ref"]}, db.key)[0] == 201
    assert api.post("/tokens", {"instance": doc["ref"]}, db.client_key)[0] == FORBIDDEN


def test_token_get_works(api):
    db, doc = setup(api)
    assert api.get(path(new_token(api, db, doc)["ref"]), db.key)[0] == 200


def test_token_put_can_update_tokens(api):
    db, doc = setup(api)
    user = api.a_document(api.a_collection(db), db)
    token = new_token(api, db, doc)
    params = {**{k: v for k, v in token.items() if k != "instance"}, "instance": user["ref"]}
    assert api.put(path(token["ref"]), params, db.key)[0] == 200


@pytest.mark.parametrize("kind", ["tokens", "credentials"])
def test_put_without_an_existing_record(api, kind):
    # TokenSpec and CredentialsSpec "PUT without an existing record": 404 for any id.
    db, doc = setup(api)
    for doc_id in ("1", "8070450532247928832", "123456789"):
        params = {"password": "sekrit", "instance": doc["ref"]}
        assert api.put(f"/{kind}/{doc_id}", params, db.key)[0] == NOT_FOUND


def test_token_patch_works(api):
    db, doc = setup(api)
    user = api.a_document(api.a_collection(db), db)
    token = new_token(api, db, doc)
    assert api.patch(path(token["ref"]), {"user": user["ref"]}, db.key)[0] == 200


def test_token_delete_works(api):
    db, doc = setup(api)
    url = path(new_token(api, db, doc)["ref"])
    assert api.delete(url, db.key)[0] == 200
    assert api.get(url, db.key)[0] == NOT_FOUND


def test_tokens_ttl_stored_respect_ttl(api):
    db, doc = setup(api)
    url = path(new_token(api, db, doc, ttl=in_seconds(5))["ref"])
    assert api.get(url, db.key)[0] == 200
    api.advance(6)
    assert api.get(url, db.key)[0] == NOT_FOUND


def test_tokens_ttl_stored_update_ttl(api):
    db, doc = setup(api)
    url = path(new_token(api, db, doc)["ref"])
    assert api.get(url, db.key)[0] == 200
    assert api.patch(url, {"ttl": in_seconds(5)}, db.key)[0] == 200
    api.advance(6)
    assert api.get(url, db.key)[0] == NOT_FOUND


def test_tokens_ttl_cached_respect_ttl(api):
    db, doc = setup(api)
    token = new_token(api, db, doc, ttl=in_seconds(5))
    assert api.get(path(token["ref"]), token["secret"])[0] == 200
    api.advance(6)
    assert api.get(path(token["ref"]), token["secret"])[0] == UNAUTHORIZED


def test_tokens_ttl_cached_update_ttl(api):
    db, doc = setup(api)
    token = new_token(api, db, doc)
    assert api.get(path(token["ref"]), token["secret"])[0] == 200
    assert api.patch(path(token["ref"]), {"ttl": in_seconds(5)}, db.key)[0] == 200
    api.advance(6)
    assert api.get(path(token["ref"]), token["secret"])[0] == UNAUTHORIZED


def test_tokens_are_invalid_for_a_deleted_database(api):
    db, doc = setup(api)
    token = new_token(api, db, doc)
    assert api.get(path(token["ref"]), token["secret"])[0] == 200
    assert api.delete(db.path)[0] == 200
    assert api.get(path(token["ref"]), token["secret"])[0] == UNAUTHORIZED


# -- queries/documents/TokenSpec ---------------------------------------------------------------------

TOKENS = {"@ref": "tokens"}


def test_creation_can_be_created_directly_with_a_server_key(api):
    db, doc = setup(api)
    token = api.run({"create": TOKENS, "params": {"object": {"instance": doc["ref"]}}}, db.key)
    assert api.run({"exists": token["ref"]}, db.key) is True
    assert api.run({"exists": token["ref"]}, token["secret"]) is True
    assert "global_id" not in token


def test_creation_validates_the_instance_is_a_ref(api):
    db = api.a_database()
    status, _, body = api.query({"create": TOKENS, "params": {"object": {"instance": {"object": {"foo": "bar"}}}}}, db.key)
    assert status == 400
    assert (body["errors"][0]["code"], body["errors"][0]["position"]) == ("validation failed", ["create"])


def test_update_updated_tokens_work(api):
    db, doc = setup(api)
    token = api.run({"create": TOKENS, "params": {"object": {"instance": doc["ref"]}}}, db.key)
    api.run({"update": token["ref"]}, db.key)
    assert api.run({"identity": None}, token["secret"]) == doc["ref"]


def test_update_can_set_the_hashed_secret(api):
    db, doc = setup(api)
    token = api.run({"create": TOKENS, "params": {"object": {"instance": doc["ref"]}}}, db.key)
    api.run({"replace": token["ref"], "params": {"object": {"instance": doc["ref"], "hashed_secret": token["secret"]}}}, db.key)
    assert api.run({"select": "hashed_secret", "from": {"get": token["ref"]}}, db.key) == token["secret"]


def test_ttl_respect_ttl(api):
    db, doc = setup(api)
    ttl = {"time_add": {"now": None}, "offset": 5, "unit": "seconds"}
    token = api.run({"create": TOKENS, "params": {"object": {"ttl": ttl, "instance": doc["ref"]}}}, db.key)
    api.advance(6)
    assert api.query({"identity": None}, token["secret"])[0] == UNAUTHORIZED


def test_ttl_update_ttl(api):
    db, doc = setup(api)
    token = api.run({"create": TOKENS, "params": {"object": {"instance": doc["ref"]}}}, db.key)
    assert api.query({"identity": None}, token["secret"])[0] == 200
    ttl = {"time_add": {"now": None}, "offset": 5, "unit": "seconds"}
    assert api.query({"update": token["ref"], "params": {"object": {"ttl": ttl}}}, db.key)[0] == 200
    api.advance(6)
    assert api.query({"identity": None}, token["secret"])[0] == UNAUTHORIZED


# -- api/CredentialsSpec -----------------------------------------------------------------------------


def test_credentials_get_works(api):
    db = api.a_database()
    coll = api.a_collection(db)
    made = []
    for _ in range(2):
        doc = api.a_document(coll, db)
        status, _, body = api.post("/credentials", {"password": "sekrit", "instance": doc["ref"]}, db.key)
        assert status == 201
        made.append(body["resource"]["ref"])
    creds = api.collection("/credentials", db.key)
    assert made[0] in creds and made[1] in creds


def test_credentials_post_works(api):
    db, doc = setup(api)
    params = {"password": "sekrit", "instance": doc["ref"]}
    assert api.post("/credentials", params, db.key)[0] == 201
    assert api.post("/credentials", params, db.client_key)[0] == FORBIDDEN


def test_credentials_without_a_password(api):
    db, doc = setup(api)
    assert api.post("/credentials", {"instance": doc["ref"]}, db.key)[0] == 201


def test_credentials_without_an_instance(api):
    assert api.post("/credentials", {"password": "sekrit"}, api.a_database().key)[0] == 400


def test_credential_get_works(api):
    db, doc = setup(api)
    creds = api.credentials(db, doc, "sekrit")
    assert api.get(path(creds["ref"]), db.key)[0] == 200


def test_credential_put_can_update_credentials(api):
    db, doc = setup(api)
    creds = api.credentials(db, doc, "sekrit")
    assert api.put(path(creds["ref"]), {"password": "str0ngpa$$", "instance": doc["ref"]}, db.key)[0] == 200


def test_credential_patch_works(api):
    db, doc = setup(api)
    creds = api.credentials(db, doc, "sekrit")
    assert api.patch(path(creds["ref"]), {"password": "str0ngpa$$"}, db.key)[0] == 200


def test_credential_delete_works(api):
    db, doc = setup(api)
    url = path(api.credentials(db, doc, "sekrit")["ref"])
    assert api.delete(url, db.key)[0] == 200
    assert api.get(url, db.key)[0] == NOT_FOUND
