"""Helpers for the ports of core's QA workloads (qa/src/main/scala/qa): a v4 client that sends wire JSON
as core's QAClient does and gets back (status, body) as JSON, the schema a TestGenerator sets up, and
core's random JSON values (ext/prop-api's JSGenerators) drawn from a seeded `random.Random`."""

from __future__ import annotations

import json
import os
import random
import typing as t

import fql
from fql.errors import FQLError
from fql.server.app import _status as answer_status
from fql.wire.v4 import from_json, to_json

#: Multiplies every workload's size; `FQL_QA_SCALE=20 pytest tests/test_core_qa.py` for a longer run.
SCALE = max(1, int(os.environ.get("FQL_QA_SCALE", "1")))


def ref(path: str) -> dict:
    """core's `Ref("classes/c/1")`: the legacy string ref."""
    return {"@ref": path}


def quote(value: t.Any) -> dict:
    return {"quote": value}


def obj(**fields: t.Any) -> dict:
    """core's MkObject."""
    return {"object": fields}


class Client:
    """core's QAClient against an embedded database: `query(secret, expr)` answers the status and the JSON
    body a v4 `POST /` would (`{"resource": ...}` or `{"errors": [...]}`)."""

    def __init__(self, db: fql.Database | None = None):
        self.db = db or fql.connect()

    def query(self, secret: str | None, expr: t.Any) -> tuple[int, dict]:
        try:
            result, state = self.db.run_with_state(from_json(json.loads(json.dumps(expr))), secret=secret)
        except FQLError as err:
            return err.status, {"errors": err.v4_errors()}
        return answer_status(result, state), {"resource": unwrap(json.loads(json.dumps(to_json(result))))}

    def run(self, secret: str | None, expr: t.Any) -> t.Any:
        status, body = self.query(secret, expr)
        assert status in (200, 201), (expr, body)
        return body["resource"]


class HttpClient(Client):
    """core's QAClient itself: each query a v4 `POST /` to `fql serve` (a ServerThread) over HTTP/1.1,
    its status the server's (201 for a document made)."""

    def __init__(self, db: fql.Database, port: int):
        super().__init__(db)
        self.port = port

    def query(self, secret: str | None, expr: t.Any) -> tuple[int, dict]:
        import http.client

        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        try:
            conn.request("POST", "/", json.dumps(expr), {"Authorization": f"Bearer {secret}"})
            response = conn.getresponse()
            return response.status, unwrap(json.loads(response.read()))
        finally:
            conn.close()


def unwrap(value: t.Any) -> t.Any:
    """An answer with its `@obj` escapes undone, as a driver decodes them (an object with a key that
    starts with `@` comes wrapped, as core's JSON rendering wraps it)."""
    if isinstance(value, dict):
        if value.keys() == {"@obj"}:
            return {k: unwrap(v) for k, v in value["@obj"].items()}
        return {k: unwrap(v) for k, v in value.items()}
    if isinstance(value, list):
        return [unwrap(v) for v in value]
    return value


class Schema:
    """A database a TestGenerator's `setup` made: its name and its admin and server keys."""

    def __init__(self, name: str, admin: str, server: str):
        self.name, self.admin, self.server = name, admin, server


def create_db(client: Client, parent_admin: str | None, name: str, priority: int | None = None, *,
              container: bool = False, account: int | None = None) -> Schema:
    """TestGenerator.setup's createDB: the database and an admin and a server key for it."""
    client.run(parent_admin, {"create_database": obj(
        name=name, priority=priority, container=container, account=obj(id=account))})
    keys = [client.run(parent_admin, {"create": ref("keys"), "params": obj(role=role, database=ref(f"databases/{name}"))})
            for role in ("admin", "server")]
    return Schema(name, keys[0]["secret"], keys[1]["secret"])


def create_collection(client: Client, db: Schema, name: str) -> None:
    client.run(db.server, {"create_collection": obj(name=name, history_days=0)})


def create_index(client: Client, db: Schema, name: str, source: str, terms: list[list[str]],
                 values: list[list[str]] = (), unique: bool = False) -> None:
    """TestGenerator.setup's createIndex: `Create(Ref("indexes"), ...)` with a `classes/` source."""
    client.run(db.server, {"create": ref("indexes"), "params": obj(
        name=name, source=ref(f"classes/{source}"), unique=unique, active=True,
        terms=[obj(field=field, transform=None) for field in terms],
        values=[obj(field=field, reverse=False, transform=None) for field in values])})


def setup(client: Client, name: str) -> Schema:
    """TestGenerator.setup: a container database (for an account from NewID) holding the test's own."""
    account = int(client.run("secret", {"new_id": None}))
    parent = create_db(client, "secret", f"qa-{name}", container=True, account=account)
    return create_db(client, parent.admin, name)


class Gen:
    """ext/prop's Prop and ext/prop-api's JSGenerators over a seeded `random.Random`."""

    def __init__(self, seed: int):
        self.rand = random.Random(seed)

    def int(self, limit: int) -> int:
        return self.rand.randrange(limit)

    def long(self, limit: int = 2**63 - 1) -> int:
        return self.rand.getrandbits(63) % limit

    def double(self) -> float:
        # Prop.double: nextDouble() * nextInt()
        return self.rand.random() * self.rand.randint(-(2**31), 2**31 - 1)

    def char(self) -> str:
        # Prop.char: any UTF-16 unit but a surrogate
        while True:
            c = self.rand.randrange(0x10000)
            if not 0xD800 <= c <= 0xDFFF:
                return chr(c)

    def string(self, lo: int = 0, hi: int = 20, chars: str | None = None) -> str:
        n = self.rand.randint(lo, hi)
        if chars is not None:
            return "".join(self.rand.choice(chars) for _ in range(n))
        return "".join(self.char() for _ in range(n))

    def value(self, max_depth: int = 5) -> t.Any:
        """jsValue: a long, boolean, double, string, array or object (no null)."""
        choice = self.rand.randint(1, 4 if max_depth <= 0 else 6)
        if choice == 1:
            return self.long()
        if choice == 2:
            return self.rand.random() < 0.5
        if choice == 3:
            return self.double()
        if choice == 4:
            return self.string()
        length, depth = self.rand.randint(0, 10), self.int(max_depth)
        if choice == 5:
            return [self.value(depth - 1) for _ in range(length)]
        return {self.string(10, 40): self.value(depth - 1) for _ in range(length)}


def same(a: t.Any, b: t.Any) -> bool:
    """JSValue equality: types (a long is no double), values and object key order."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return a == b
