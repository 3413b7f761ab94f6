"""core's DatabaseSpec (ext/api/src/test/scala/api/DatabaseSpec.scala) over fql's HTTP server: the
`/databases` REST paths with the root key and the keys of other databases. Each test names its case; refs
are API 4's (core_api.py)."""

from __future__ import annotations

import json
import urllib.parse

import pytest

from .core_api_schema import BAD_REQUEST, CREATED, FORBIDDEN, NOT_FOUND, OK, ROOT, UNAUTHORIZED, Api, Database, ref
from .core_api_schema import api  # noqa: F401 - fixtures


@pytest.fixture
def other(api) -> Database:
    """core's `otherdb`: a database whose keys must not reach the databases of the root."""
    return Database(api, "otherdb")


def _collection(api: Api, path: str, secret: str) -> list:
    """core's RESTSpec `collection`: every element of a REST page, following `after` cursors."""
    found: list = []
    query = ""
    while True:
        status, body = api.get(path + query, secret)
        assert status == OK, body
        found += body["resource"]["data"]
        after = body["resource"].get("after")
        if after is None:
            return found
        query = "?after=" + urllib.parse.quote(json.dumps(after[0]))


def test_databases_works(api, other):
    """DatabaseSpec `databases: works`."""
    user = other.user()
    status, db1 = api.post("/databases", {"name": "db1"}, ROOT)
    assert status == CREATED
    status, db2 = api.post("/databases", {"name": "db2"}, ROOT)
    assert status == CREATED
    found = _collection(api, "/databases", ROOT)
    assert db1["resource"]["ref"] in found and db2["resource"]["ref"] in found
    status, body = api.get(f"/databases/events?after={db1['resource']['ts']}&size=1000", ROOT)
    assert status == OK
    events = [(e["action"], e["document"], e["ts"]) for e in body["resource"]["data"]]
    for db in (db1, db2):
        assert ("add", db["resource"]["ref"], db["resource"]["ts"]) in events
    assert api.get("/databases", other.key)[0] == FORBIDDEN
    assert api.get("/databases", user)[0] == FORBIDDEN


@pytest.mark.parametrize("name", ["foo/", "foo:", "foo\\"])
def test_name_should_contain_valid_url_and_filename_chars_only(api, name):
    """DatabaseSpec `databases: name should contain valid URL and filename chars only`."""
    status, body = api.post("/databases", {"name": name}, ROOT)
    assert (status, body["errors"][0]["code"]) == (BAD_REQUEST, "validation failed")


def test_get_works(api, other):
    """DatabaseSpec `databases/{name}: GET works`: a database is found only from its parent."""
    user = other.user()
    assert api.post("/databases", {"name": "db1"}, ROOT)[0] == CREATED
    assert api.get("/databases", ROOT)[0] == OK
    assert api.get("/databases/db1/events", ROOT)[0] == OK
    assert api.get("/databases/Imaginary", other.key)[0] == NOT_FOUND
    assert api.get("/databases/Imaginary/events", other.key)[0] == NOT_FOUND
    for secret in (other.key, other.client_key, user):
        assert api.get("/databases/db1", secret)[0] == NOT_FOUND
        assert api.get("/databases/db1/events", secret)[0] == NOT_FOUND


def test_put_works(api):
    """DatabaseSpec `databases/{name}: PUT works`: a PUT with a new name renames, and back."""
    status, body = api.post("/databases", {"name": "db1"}, ROOT)
    assert (status, body["resource"]["name"], body["resource"]["ref"]) == (CREATED, "db1", ref("databases/db1"))
    status, body = api.put("/databases/db1", {"name": "renamed"}, ROOT)
    assert (status, body["resource"]["name"], body["resource"]["ref"]) == (OK, "renamed", ref("databases/renamed"))
    assert api.get("/databases/renamed", ROOT)[0] == OK
    assert api.get("/databases/db1", ROOT)[0] == NOT_FOUND
    assert api.put("/databases/renamed", {"name": "db1"}, ROOT)[0] == OK
    assert api.get("/databases/db1", ROOT)[0] == OK
    assert api.get("/databases/renamed", ROOT)[0] == NOT_FOUND


def test_databases_hide_their_scope_field(api):
    """DatabaseSpec `databases/{name}: databases hide their scope field`."""
    status, body = api.post("/databases", {"name": "db1"}, ROOT)
    assert status == CREATED and "scope" not in body["resource"]


def test_databases_take_data(api):
    """DatabaseSpec `databases/{name}: databases take data`: a PUT without a name keeps it."""
    status, body = api.post("/databases", {"name": "db1"}, ROOT)
    assert (status, body["resource"]["name"]) == (CREATED, "db1")
    status, body = api.put("/databases/db1", {"data": {"tenant": "Terra"}}, ROOT)
    assert (status, body["resource"]["data"]["tenant"]) == (OK, "Terra")


def test_databases_can_be_repeatedly_created_and_deleted(api):
    """DatabaseSpec `databases/{name}: databases can be repeatedly created and deleted`."""
    for _ in range(5):
        assert api.post("/databases", {"name": "db1"}, ROOT)[0] == CREATED
        status, body = api.post("/keys", {"database": {"@ref": "databases/db1"}, "role": "server"}, ROOT)
        assert status == CREATED
        assert api.post("/classes", {"name": "foo"}, body["resource"]["secret"])[0] == CREATED
        assert api.delete("/databases/db1", ROOT)[0] == OK


def test_databases_cannot_be_read_or_created_by_a_server_key(api):
    """DatabaseSpec `databases/{name}: databases cannot be read or created by a server key`."""
    status, db1 = api.post("/databases", {"name": "db1"}, ROOT)
    assert api.get("/databases/db1", ROOT)[0] == OK
    status, key = api.post("/keys", {"database": db1["resource"]["ref"], "role": "server"}, ROOT)
    assert status == CREATED
    secret = key["resource"]["secret"]
    assert api.get("/databases/db1", secret)[0] == NOT_FOUND
    assert api.post("/databases", {"name": "Imaginary"}, secret)[0] == FORBIDDEN


def test_patch_works(api, other):
    """DatabaseSpec `databases/{name}: PATCH works`: data, then a rename that keeps it."""
    status, body = api.patch("/databases/otherdb", {"data": {"env": "test"}}, ROOT)
    assert (status, body["resource"]["data"]["env"]) == (OK, "test")
    assert api.patch("/databases/otherdb", {"name": "renamed"}, ROOT)[0] == OK
    assert api.get("/databases/renamed", ROOT)[1]["resource"]["data"]["env"] == "test"


def test_delete_works(api, other):
    """DatabaseSpec `databases/{name}: DELETE works`: only from the parent."""
    user = other.user()
    api.post("/databases", {"name": "db1"}, ROOT)
    assert api.get("/databases", ROOT)[0] == OK
    for secret in (other.key, other.client_key, user):
        assert api.delete("/databases/db1", secret)[0] == NOT_FOUND
    assert api.get("/databases/db1", ROOT)[0] == OK
    assert api.delete("/databases/db1", ROOT)[0] == OK
    assert api.get("/databases/db1", ROOT)[0] == NOT_FOUND


def test_keys_are_invalidated_on_database_deletion(api, other):
    """DatabaseSpec `databases/{name}: keys are invalidated on database deletion`."""
    assert api.get("/classes", other.key)[0] == OK
    assert api.delete("/databases/otherdb", ROOT)[0] == OK
    assert api.get("/databases/otherdb", ROOT)[0] == NOT_FOUND
    assert api.get("/classes", other.key)[0] == UNAUTHORIZED
    assert api.get("/classes", other.client_key)[0] == UNAUTHORIZED


def test_user_tokens_are_invalidated_on_database_deletion(api, other):
    """DatabaseSpec `databases/{name}: user tokens are invalidated on database deletion`."""
    user = other.user()
    assert api.get("/tokens/self", user)[0] == OK
    assert api.delete("/databases/otherdb", ROOT)[0] == OK
    assert api.get("/tokens/self", user)[0] == UNAUTHORIZED
