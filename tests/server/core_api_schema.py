"""What core's v4 API specs (ext/api/src/test/scala/api/*Spec.scala) build their cases on, over fql's HTTP
server: a child database with its keys (core's `aDatabase`), collections (`aCollection`), users with a
token (`aUser`), and REST calls with a secret (`api.get(path, key)`).

Core's specs run at API 2.0-2.1, where a ref is rendered as a string (`{"@ref": "classes/x"}`); fql
renders every ref as API 4 does, so the translated cases compare API 4 refs (`ref()` below)."""

from __future__ import annotations

import json
import typing as t

import pytest

from .conftest import Raw

ROOT = "secret"

#: core's ResponseCodes.
OK, CREATED, BAD_REQUEST, UNAUTHORIZED, FORBIDDEN, NOT_FOUND = 200, 201, 400, 401, 403, 404

#: The native collections' names in API 4 refs, by their legacy path.
_NATIVE = {
    "classes": "collections",
    "indexes": "indexes",
    "databases": "databases",
    "functions": "functions",
    "roles": "roles",
    "access_providers": "access_providers",
    "keys": "keys",
}


def ref(path: str) -> dict:
    """A legacy ref path (`classes/x`, `classes/x/1`) as API 4 renders the ref."""
    parts = path.split("/")
    native = {"@ref": {"id": _NATIVE[parts[0]]}}
    if len(parts) == 1:
        return native
    schema = {"@ref": {"id": parts[1], "collection": native}}
    if len(parts) == 2:
        return schema
    return {"@ref": {"id": parts[2], "collection": schema}}


class Api:
    """core's `api`: REST and query calls with a secret, answering (status, body)."""

    def __init__(self, raw: Raw):
        self.raw = raw

    def call(self, method: str, path: str, secret: str, body: t.Any = None) -> tuple[int, t.Any]:
        text = body if isinstance(body, str) or body is None else json.dumps(body)
        status, _, answer = self.raw(method, path, text, secret=secret)
        return status, answer

    def get(self, path: str, secret: str) -> tuple[int, t.Any]:
        return self.call("GET", path, secret)

    def post(self, path: str, body: t.Any, secret: str) -> tuple[int, t.Any]:
        return self.call("POST", path, secret, body)

    def put(self, path: str, body: t.Any, secret: str) -> tuple[int, t.Any]:
        return self.call("PUT", path, secret, body)

    def patch(self, path: str, body: t.Any, secret: str) -> tuple[int, t.Any]:
        return self.call("PATCH", path, secret, body)

    def delete(self, path: str, secret: str) -> tuple[int, t.Any]:
        return self.call("DELETE", path, secret)

    def query(self, expr: t.Any, secret: str) -> tuple[int, t.Any]:
        return self.call("POST", "/", secret, expr)

    def ok(self, expr: t.Any, secret: str) -> t.Any:
        """The resource of a query that must succeed (core's runQuery: 200 or 201)."""
        status, body = self.query(expr, secret)
        assert status in (OK, CREATED), body
        return body["resource"]


class Database:
    """core's `aDatabase`: a database of the root with admin, server and client keys (`adminKey`, `key`,
    `clientKey`), as core's FaunaDB.makeDB makes it with the root key (here through the REST paths)."""

    def __init__(self, api: Api, name: str = "app"):
        self.api, self.name, self.path = api, name, f"/databases/{name}"
        status, body = api.post("/databases", {"name": name}, ROOT)
        assert status == CREATED, body
        self.admin_key, self.key, self.client_key = (self._key(role) for role in ("admin", "server", "client"))

    def _key(self, role: str) -> str:
        status, body = self.api.post("/keys", {"database": {"@ref": f"databases/{self.name}"}, "role": role}, ROOT)
        assert status == CREATED, body
        return body["resource"]["secret"]

    def collection(self, name: str) -> dict:
        """core's `aCollection`: a collection made with CreateClass and a server key; its resource."""
        return self.api.ok({"create_class": {"object": {"name": name, "data": {"object": {"x": 1}}}}}, self.key)

    def user(self, collection: str = "people") -> str:
        """core's `aUser`: a document of a new collection with a password, logged in with the client key;
        the token's secret."""
        self.collection(collection)
        params = {"object": {"credentials": {"object": {"password": "sekrit"}}}}
        doc = self.api.ok({"create": {"@ref": f"classes/{collection}"}, "params": params}, self.key)
        token = self.api.ok({"login": doc["ref"], "params": {"object": {"password": "sekrit"}}}, self.client_key)
        return token["secret"]


@pytest.fixture
def api(raw) -> Api:
    """core's `api` over the server the `raw` fixture serves (tests/server/conftest.py)."""
    return Api(raw)


@pytest.fixture
def db(api) -> Database:
    """core's `aDatabase`."""
    return Database(api)
