"""Core's KeySpec (ext/api/src/test/scala/api/KeySpec.scala): keys over the old REST paths, case by case.
TTLs move the database's clock on instead of waiting."""

from __future__ import annotations

import datetime

import pytest

from .core_api import ROOT, api, path, served  # noqa: F401 - fixtures

UNAUTHORIZED, FORBIDDEN, NOT_FOUND = 401, 403, 404


def new_key(api, db, role="server", secret=ROOT, **more) -> dict:
    status, _, body = api.post("/keys", {"database": db.ref, "role": role, **more}, secret)
    assert status == 201, body
    return body["resource"]


def in_seconds(seconds: int) -> dict:
    at = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=seconds)
    return {"@ts": at.isoformat().replace("+00:00", "Z")}


# -- "keys" ------------------------------------------------------------------------------------------


def test_keys_get_works(api):
    key = new_key(api, api.a_database())
    assert key["ref"] in api.collection("/keys", ROOT)


def test_keys_post_works(api):
    db1 = api.a_database()
    status, _, body = api.post("/keys", {"database": db1.ref, "role": "server"})
    res = body["resource"]
    assert status == 201
    assert res["ref"]["@ref"]["collection"] == {"@ref": {"id": "keys"}}
    assert {"secret", "role"} <= res.keys()
    assert res["role"] == "server" and res["database"] == db1.ref
    status, _, body = api.post("/keys", {"database": db1.ref, "role": "client"})
    assert (status, body["resource"]["role"]) == (201, "client")
    assert api.post("/keys", {"database": db1.ref, "role": "foo"})[0] == 400
    assert api.post("/keys", {"database": "database/foo", "role": "foo"})[0] == 400


def test_keys_cannot_duplicate_hash_fields(api):
    db1, db2 = api.a_database(), api.a_database()
    admin1 = new_key(api, db1, "admin")["secret"]
    status, _, body = api.post("/databases", {"name": "foo"}, admin1)
    assert status == 201
    foo = body["resource"]
    admin2 = new_key(api, db2, "admin")["secret"]
    assert api.post("/databases", {"name": "foo"}, admin2)[0] == 201
    key1 = new_key(api, type("Db", (), {"ref": foo["ref"]}), "server", admin1)
    assert api.post(path(key1["ref"]), key1, admin2)[0] == 400


def test_keys_can_have_data(api):
    db1 = api.a_database()
    status, _, body = api.post("/keys", {"role": "client", "database": db1.ref, "data": {"app_id": "ios_v_3_4"}})
    assert status == 201 and body["resource"]["data"]["app_id"] == "ios_v_3_4"


def test_a_keys_scope_field_is_hidden(api):
    status, _, body = api.post("/keys", {"role": "client", "database": api.a_database().ref})
    assert status == 201 and "scope" not in body["resource"]


def test_keys_cannot_be_read_or_created_with_other_keys(api):
    db1, db2 = api.a_database(), api.a_database()
    sub1, sub2 = api.a_database(db1.admin_key), api.a_database(db2.admin_key)
    key1, key2 = new_key(api, db1, "server"), new_key(api, db2, "client")
    server, client = key1["secret"], key2["secret"]
    assert api.get("/keys/21312", server)[0] == FORBIDDEN
    assert api.get("/keys/21312", client)[0] == FORBIDDEN
    for key in (key1, key2):
        for secret in (server, client):
            assert api.get(path(key["ref"]), secret)[0] == FORBIDDEN
    assert api.post("/keys", {"database": sub1.ref, "role": "server"}, server)[0] == FORBIDDEN
    assert api.post("/keys", {"database": sub2.ref, "role": "server"}, client)[0] == FORBIDDEN


def test_keys_do_not_store_a_plain_text_secret(api):
    key = new_key(api, api.a_database())
    assert "secret" in key
    assert "secret" not in api.get(path(key["ref"]))[2]["resource"]


def test_keys_can_be_restored_using_the_root_key(api):
    db1 = api.a_database()
    created = new_key(api, db1)
    key, secret = api.get(path(created["ref"]))[2]["resource"], created["secret"]
    assert api.delete(db1.path)[0] == 200
    assert api.post("/databases", {"name": db1.name})[0] == 201
    assert api.get("/classes", secret)[0] == UNAUTHORIZED
    assert api.put(path(key["ref"]), key)[0] == 200
    assert api.get(path(key["ref"]))[0] == 200
    assert api.get("/classes", secret)[0] == 200


def test_keys_cannot_be_restored_using_an_admin_key(api):
    parent = api.a_database()
    db = api.a_database(parent.admin_key)
    parent_key = new_key(api, parent, "admin")["secret"]
    created = new_key(api, db, "server", parent_key)
    key, secret = api.get(path(created["ref"]), parent_key)[2]["resource"], created["secret"]
    assert api.delete(db.path, parent_key)[0] == 200
    assert api.post("/databases", {"name": db.name}, parent_key)[0] == 201
    assert api.get("/classes", secret)[0] == UNAUTHORIZED
    assert api.put(path(key["ref"]), key, parent_key)[0] == FORBIDDEN
    assert api.patch(path(key["ref"]), key, parent_key)[0] == FORBIDDEN


def instance_paths(api, db) -> list[str]:
    coll = api.a_collection(db)
    doc = api.a_document(coll, db)
    return [path(coll["ref"]), path(doc["ref"]), path(doc["ref"]) + "/events"]


def test_requests_with_no_key_return_401_unauthorized(api):
    for url in instance_paths(api, api.a_database()):
        assert api.get(url, None)[0] == UNAUTHORIZED, url


def test_requests_with_an_invalid_or_nonexistent_key_return_401_unauthorized(api):
    db1 = api.a_database()
    urls = instance_paths(api, db1)
    key = new_key(api, db1)
    assert api.get(urls[0], key["secret"])[0] == 200
    assert api.delete(path(key["ref"]))[0] == 200
    assert api.get(path(key["ref"]))[0] == NOT_FOUND
    for secret in ("foo", key["secret"]):
        for url in urls:
            assert api.get(url, secret)[0] == UNAUTHORIZED, (secret, url)


def test_requests_with_a_valid_key_without_permission_to_view_a_resource_return_403_forbidden(api):
    # The path's ref is looked up whatever the secret may read (core's lookupRef), then refused.
    db1 = api.a_database()
    urls = instance_paths(api, db1)
    user = api.a_user(db1)
    for secret in (user["token"], db1.client_key):
        for url in urls:
            assert api.get(url, secret)[0] == FORBIDDEN, (secret, url)


# -- "keys/{id}" -------------------------------------------------------------------------------------


def test_key_get_works(api):
    key = new_key(api, api.a_database())
    assert api.get(path(key["ref"]))[0] == 200


def test_key_put_works_with_the_root_key(api):
    db1 = api.a_database()
    res = new_key(api, db1)
    url = path(res["ref"])
    status, _, body = api.put(url, {"secret": res["secret"], "role": "client", "database": db1.ref})
    assert status == 200 and body["resource"]["hashed_secret"] != res["hashed_secret"]
    res1 = body["resource"]
    status, _, body = api.put(url, {"role": "server", "database": db1.ref})
    assert status == 200 and body["resource"]["hashed_secret"] == res1["hashed_secret"]
    assert api.put(url, {"database": db1.ref, "role": "server", "secret": "badsecret"})[0] == 400


def test_key_patch_works_with_the_root_key(api):
    res = new_key(api, api.a_database())
    status, _, body = api.patch(path(res["ref"]), {"secret": res["secret"]})
    assert status == 200 and body["resource"]["hashed_secret"] != res["hashed_secret"]


def test_key_delete_works(api):
    key = new_key(api, api.a_database())
    assert api.delete(path(key["ref"]))[0] == 200
    assert api.get(path(key["ref"]))[0] == NOT_FOUND
    assert api.get("/classes", key["secret"])[0] == UNAUTHORIZED


# -- "ttl: stored" and "ttl: cached" -----------------------------------------------------------------


def test_ttl_stored_respect_ttl(api):
    key = new_key(api, api.a_database(), ttl=in_seconds(5))
    assert api.get(path(key["ref"]))[0] == 200
    api.advance(6)
    assert api.get(path(key["ref"]))[0] == NOT_FOUND


def test_ttl_stored_update_ttl_with_the_root_key(api):
    key = new_key(api, api.a_database())
    assert api.get(path(key["ref"]))[0] == 200
    assert api.patch(path(key["ref"]), {"ttl": in_seconds(5)})[0] == 200
    api.advance(6)
    assert api.get(path(key["ref"]))[0] == NOT_FOUND


def test_ttl_cached_respect_ttl(api):
    db = api.a_database()
    coll = api.a_collection(db)
    key = new_key(api, db, ttl=in_seconds(5))
    assert api.get(path(coll["ref"]), key["secret"])[0] == 200
    api.advance(6)
    assert api.get(path(coll["ref"]), key["secret"])[0] == UNAUTHORIZED


def test_ttl_cached_update_ttl_with_the_root_key(api):
    db = api.a_database()
    coll = api.a_collection(db)
    key = new_key(api, db)
    assert api.get(path(coll["ref"]), key["secret"])[0] == 200
    api.patch(path(key["ref"]), {"ttl": in_seconds(5)})
    api.advance(6)
    assert api.get(path(coll["ref"]), key["secret"])[0] == UNAUTHORIZED
