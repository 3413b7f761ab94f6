"""Core's API spec helpers (ext/prop-api's APIGenerators and FaunaDB, ext/api's RESTSpec) over raw HTTP:
databases with their three keys, collections, documents, users with a token, and the REST `collection`
walk. Refs are rendered as API 4 renders them (fql's only rendering); `path` gives a ref's REST path, as
core's `resource.path` does from its API 2.0 string refs."""

from __future__ import annotations

import itertools
import json
import urllib.parse

import pytest

import fql
from fql.auth.credentials import TEST_PARAMS
from fql.server import ServerThread

from .conftest import Raw

ROOT = "secret"
#: The legacy names of the native collections in REST paths.
_LEGACY = {"collections": "classes"}
_names = itertools.count()


@pytest.fixture
def served():
    """A server of a fresh database, with cheap password hashing."""
    with ServerThread(fql.connect(argon2=TEST_PARAMS)) as running:
        yield running


@pytest.fixture
def api(served) -> Api:
    return Api(Raw(served.port), served.app.db)


def path(ref: dict) -> str:
    """The REST path of a v4 wire ref: `/keys/1`, `/databases/x`, `/classes/c/1`, `/classes/c`."""
    inner = ref["@ref"]
    coll = inner.get("collection")
    if coll is None:
        return "/" + _LEGACY.get(inner["id"], inner["id"])
    parent = coll["@ref"]
    if "collection" in parent:
        return f"/classes/{parent['id']}/{inner['id']}"
    return f"/{_LEGACY.get(parent['id'], parent['id'])}/{inner['id']}"


def db_ref(name: str) -> dict:
    return {"@ref": {"id": name, "collection": {"@ref": {"id": "databases"}}}}


class Api:
    """Requests as core's HttpClient makes them: `api.get(path, secret)` and so on, each answering
    (status, headers, body); `advance(seconds)` moves the database's clock on, for TTLs."""

    def __init__(self, raw: Raw, db: fql.Database):
        self.raw = raw
        self.db = db

    def get(self, url: str, secret: str | None = ROOT, headers: dict | None = None):
        return self.raw("GET", url, None, headers, secret=secret)

    def post(self, url: str, body: object = None, secret: str | None = ROOT, headers: dict | None = None):
        return self.raw("POST", url, None if body is None else json.dumps(body), headers, secret=secret)

    def put(self, url: str, body: object, secret: str | None = ROOT):
        return self.raw("PUT", url, json.dumps(body), secret=secret)

    def patch(self, url: str, body: object, secret: str | None = ROOT):
        return self.raw("PATCH", url, json.dumps(body), secret=secret)

    def delete(self, url: str, secret: str | None = ROOT):
        return self.raw("DELETE", url, secret=secret)

    def options(self, url: str, secret: str | None = ROOT, headers: dict | None = None):
        return self.raw("OPTIONS", url, None, headers, secret=secret)

    def query(self, expr: object, secret: str | None = ROOT, headers: dict | None = None):
        return self.raw("POST", "/", json.dumps(expr), headers, secret=secret)

    def run(self, expr: object, secret: str | None = ROOT) -> object:
        """core's runQuery: the resource of a query that must answer 200 or 201."""
        status, _, body = self.query(expr, secret)
        assert status in (200, 201), body
        return body["resource"]

    def collection(self, url: str, secret: str) -> list:
        """RESTSpec.collection: every element of a REST collection, paged on with `after`."""
        found: list = []
        status, _, body = self.get(url, secret)
        while True:
            assert status == 200, body
            found += body["resource"]["data"]
            after = body["resource"].get("after")
            if after is None:
                return found
            cursor = urllib.parse.quote(json.dumps(after[0]))
            status, _, body = self.get(f"{url}?after={cursor}", secret)

    def advance(self, seconds: float) -> None:
        self.db.storage.last_ts += int(seconds * 1_000_000)

    # core's generators (APIGenerators, FaunaDB.makeDB)

    def a_database(self, parent_admin: str = ROOT, api_version: str = "2.0") -> Database:
        name = f"db{next(_names)}"
        create = {"create_database": {"object": {"name": name, "api_version": api_version}}}
        status, _, body = self.query(create, parent_admin)
        assert status == 201, body
        keys = {
            role: {"create_key": {"object": {"role": role, "database": {"@ref": f"databases/{name}"}}}}
            for role in ("server", "client", "admin")
        }
        secrets = {role: key["secret"] for role, key in self.run({"object": keys}, parent_admin).items()}
        return Database(body["resource"], secrets["server"], secrets["client"], secrets["admin"])

    def a_collection(self, db: Database) -> dict:
        name = f"c{next(_names)}"
        return self.run({"create_collection": {"object": {"name": name}}}, db.key)

    def a_document(self, coll: dict, db: Database, data: dict | None = None) -> dict:
        params = {"object": {"data": {"quote": data or {}}}}
        return self.run({"create": coll["ref"], "params": params}, db.key)

    def credentials(self, db: Database, doc: dict, password: str) -> dict:
        """mkCredentials."""
        params = {"object": {"instance": doc["ref"], "password": password}}
        return self.run({"create": {"@ref": "credentials"}, "params": params}, db.key)

    def a_user(self, db: Database) -> dict:
        """aUser: a document of a new collection with credentials, logged in with the client key; its
        token is `token`."""
        doc = self.a_document(self.a_collection(db), db)
        self.credentials(db, doc, "pw")
        token = self.run({"login": doc["ref"], "params": {"object": {"password": "pw"}}}, db.client_key)
        return {"doc": doc, "token": token["secret"]}


class Database:
    """A database made as core's makeDB makes it: its resource, and server, client and admin keys."""

    def __init__(self, resource: dict, key: str, client_key: str, admin_key: str):
        self.resource = resource
        self.ref = resource["ref"]
        self.name = resource["name"]
        self.path = path(self.ref)
        self.key, self.client_key, self.admin_key = key, client_key, admin_key
