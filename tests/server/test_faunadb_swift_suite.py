"""faunadb-swift's tests that talk to a server (Tests/FaunaDBTests/ClientTests.swift, and ErrorsTests.swift's
mapping of answers to error classes; fauna/faunadb-swift at 708b6cd, its head, driver 2.0.1) replayed against
`fql serve`. There is no Swift toolchain here, so each XCTest is written again by hand: the request its Client
sends and what the test asserts of the answer.

What the Swift Client sends (Sources/FaunaDB/Client.swift): POST to the endpoint with the expression's JSON,
`Authorization: Basic base64(secret):` (the colon after the base64 text), `X-FaunaDB-API-Version: 2.1`,
`Content-Type: application/json;charset=utf-8`, and `X-Last-Txn-Time` once an answer's `X-Txn-Time` was
seen; URLSession adds its own `Accept` and `Accept-Encoding`. The expressions are written below as its DSL
writes them (Sources/FaunaDB/Query.swift, Expr.swift, Value.swift): an `Obj` is `{"object": ...}`, a
`Ref("classes/x/1")` is `{"@ref": "classes/x/1"}`, a ref value sent back is `{"@ref": {"id", "class",
"database"}}`, a lambda's parameters are `v1`, `v2`, ... from one counter. Answers are read as its JSON.swift
reads them: a ref names its collection under `class` (API 2.1), and a ref with neither class nor database is
a native one."""

from __future__ import annotations

import base64
import calendar
import datetime
import itertools
import json
import random
import re

import pytest
from attrs import frozen

import fql
from fql.server import ServerThread

from .conftest import exchange
from .replicas import typed

#: What Client.httpRequestFor sets, and what URLSession adds to every request.
HEADERS = {
    "Content-Type": "application/json;charset=utf-8",
    "X-FaunaDB-API-Version": "2.1",
    "Accept": "*/*",
    "Accept-Encoding": "gzip, deflate",
}


# What JSON.swift makes of an answer.


@frozen
class RefV:
    """A ref as the Swift driver holds it: its id, its class and its database (both RefVs or None)."""

    id: str
    cls: RefV | None = None
    database: RefV | None = None

    def escape(self) -> dict:
        """RefV.escape: `{"@ref": {"id": ..., "class": ..., "database": ...}}` (the keys it has)."""
        body: dict = {"id": self.id}
        if self.cls is not None:
            body["class"] = self.cls.escape()
        if self.database is not None:
            body["database"] = self.database.escape()
        return {"@ref": body}


#: Native.CLASSES, DATABASES, ...: `Native.fromName` is a RefV with the id alone.
CLASSES, DATABASES, INDEXES, KEYS = RefV("classes"), RefV("databases"), RefV("indexes"), RefV("keys")
FUNCTIONS, ROLES = RefV("functions"), RefV("roles")


@frozen
class SetRefV:
    value: dict


@frozen
class QueryV:
    """The lambda of a `@query`, kept as its JSON (QueryV compares JsonTypes)."""

    lambda_: object


@frozen
class TimeV:
    """HighPrecisionTime: seconds since 1970 and nanoseconds."""

    seconds: int
    nanos: int = 0


@frozen
class DateV:
    value: datetime.date


@frozen
class BytesV:
    value: bytes


def decode(json_value):
    """JsonType.toValue: tags decoded, numbers kept int (LongV) or float (DoubleV)."""
    if isinstance(json_value, list):
        return [decode(v) for v in json_value]
    if not isinstance(json_value, dict):
        return json_value
    if not json_value:
        return {}
    # toValue(special:) looks at the object's first key alone.
    key, body = next(iter(json_value.items()))
    if key == "@ref" and isinstance(body, dict):
        cls, database = body.get("class"), body.get("database")
        return RefV(body["id"], cls and decode(cls), database and decode(database))
    if key == "@query":
        return QueryV(body)
    if key == "@set" and isinstance(body, dict):
        return SetRefV({k: decode(v) for k, v in body.items()})
    if key == "@obj" and isinstance(body, dict):
        return {k: decode(v) for k, v in body.items()}
    if key == "@ts" and isinstance(body, str):
        return parse_time(body)
    if key == "@date" and isinstance(body, str):
        return DateV(datetime.date.fromisoformat(body))
    if key == "@bytes" and isinstance(body, str):
        return BytesV(base64.b64decode(body))
    return {k: decode(v) for k, v in json_value.items()}


def parse_time(text: str) -> TimeV:
    """HighPrecisionTime(parse:): whole seconds, then the fraction padded to nanoseconds."""
    whole, _, fraction = text.replace("Z", "").partition(".")
    when = datetime.datetime.strptime(whole, "%Y-%m-%dT%H:%M:%S")
    return TimeV(calendar.timegm(when.timetuple()), int(fraction.ljust(9, "0")) if fraction else 0)


# What Errors.swift makes of an answer that is not a 2xx.


@frozen
class QueryError:
    position: list[str]
    code: str | None
    description: str | None
    failures: list[tuple[list[str], str | None, str | None]]


#: Errors.errorTypeFor: the class each status maps to; any other is an UnknownError.
ERROR_CLASSES = {
    400: "BadRequest",
    401: "Unauthorized",
    403: "PermissionDenied",
    404: "NotFound",
    500: "InternalError",
    503: "Unavailable",
}


class FaunaError(Exception):
    """A FaunaError subclass, named by `kind`, with the status, the parsed errors and a message."""

    def __init__(self, kind: str, status: int, errors: list[QueryError], message: str | None):
        super().__init__(kind, status)
        self.kind, self.status, self.errors, self.message = kind, status, errors, message

    def __str__(self) -> str:
        """FaunaError.description: `Error response <status>: [<message>.] Errors: [p/o/s](code): text, ...`."""
        out = f"Error response {self.status}:" + (f" {self.message}." if self.message is not None else "")
        if self.errors:
            parts = (
                "[" + "/".join(e.position) + "]" + (f"({e.code}):" if e.code else ":")
                + (f" {e.description}" if e.description else "")
                for e in self.errors
            )
            out += " Errors: " + ", ".join(parts)
        return out


def error_for(status: int, text: str) -> FaunaError | None:
    """Errors.errorFor: None for a 2xx; else the class of the status, with the errors it parses (missing
    arrays read as empty, positions and fields as strings), or "Unparseable server response"."""
    if 200 <= status < 300:
        return None
    kind = ERROR_CLASSES.get(status, "UnknownError")
    try:
        errors = [
            QueryError(
                [str(p) for p in e.get("position") or []],
                e.get("code"),
                e.get("description"),
                [([str(f) for f in v.get("field") or []], v.get("code"), v.get("description")) for v in e.get("failures") or []],
            )
            for e in json.loads(text)["errors"] or []
        ]
    except (ValueError, KeyError, TypeError, AttributeError):
        return FaunaError(kind, status, [], "Unparseable server response")
    return FaunaError(kind, status, errors, None)


def wire(expr) -> bytes:
    """JSONSerialization.data(withJSONObject:): no spaces, UTF-8 text unescaped, and `/` written `\\/`
    (in JSON a `/` can only be inside a string)."""
    return json.dumps(expr, separators=(",", ":"), ensure_ascii=False).replace("/", "\\/").encode()


class Client:
    """Client(secret:endpoint:) and its newSessionClient(secret:): sessions share the last seen txn time."""

    def __init__(self, port: int, secret: str, last_seen: list[int] | None = None):
        self.port, self.secret = port, secret
        self.auth = "Basic " + base64.b64encode(secret.encode("ascii")).decode() + ":"
        self.last_seen = last_seen if last_seen is not None else [0]

    def new_session(self, secret: str) -> Client:
        return Client(self.port, secret, self.last_seen)

    def last_txn_time(self) -> int:
        return self.last_seen[0]

    def send(self, expr) -> tuple[int, dict, str]:
        """POST the expression; the status, the headers (lower-cased) and the body's text."""
        headers = {**HEADERS, "Authorization": self.auth}
        if self.last_seen[0] > 0:
            headers["X-Last-Txn-Time"] = str(self.last_seen[0])
        status, found, data = exchange(self.port, "POST", "/", wire(expr), headers)
        if re.fullmatch(r"\d+", found.get("x-txn-time", "")):
            # syncLastTxnTime: the clock only moves forward.
            self.last_seen[0] = max(self.last_seen[0], int(found["x-txn-time"]))
        return status, found, data.decode()

    def query(self, expr):
        """Client.query(...).await(): the decoded `resource`, or the FaunaError the answer maps to."""
        status, _, text = self.send(expr)
        error = error_for(status, text)
        if error is not None:
            raise error
        return decode(json.loads(text)["resource"])

    def batch(self, exprs: list):
        """Client.query(batch:): the expressions sent as one array."""
        return self.query(list(exprs))


def fails(client: Client, expr, kind: str, status: int, code: str) -> FaunaError:
    """XCTAssertThrowsError { error is <kind> }: the class, and the status and code it is mapped from."""
    with pytest.raises(FaunaError) as caught:
        client.query(expr)
    error = caught.value
    assert (error.kind, error.status, error.message) == (kind, status, None)
    assert [e.code for e in error.errors] == [code]
    return error


# The DSL: what each Swift constructor writes.

_vars = itertools.count(1)


def obj(**fields) -> dict:
    """Obj("k" => v, ...): `{"object": {...}}`."""
    return {"object": fields}


def lam(body, arity: int = 1) -> dict:
    """Lambda { $0 ... }: fresh names `v<n>` from the one counter (Var()), one name alone or an array."""
    names = [f"v{next(_vars)}" for _ in range(arity)]
    expr = body(*[{"var": n} for n in names])
    return {"lambda": names[0] if arity == 1 else names, "expr": expr}


def let(*values, body) -> dict:
    """Let(e1, e2, ...) { a, b, ... in }: each value bound to a fresh `v<n>` (the bindings object unwrapped)."""
    names = [f"v{next(_vars)}" for _ in values]
    return {"let": dict(zip(names, values)), "in": body(*[{"var": n} for n in names])}


def random_digits(prefix: str = "", size: int = 10) -> str:
    """String.random(startingWith:): digits 1-9 (a leading 0 would not survive the server)."""
    return prefix + "".join(random.choice("123456789") for _ in range(size))


def esc(value):
    """JSON.escape of a value the driver holds (a RefV from an answer is sent as RefV.escape)."""
    if isinstance(value, RefV):
        return value.escape()
    if isinstance(value, list):
        return [esc(v) for v in value]
    return value


DB = random_digits("faunadb-swift-test-")


@pytest.fixture(scope="module")
def server():
    with ServerThread(fql.connect()) as running:
        yield running


@pytest.fixture(scope="module")
def root(server):
    """rootClient: the root key's secret. ClientTests.tearDown deletes the test database."""
    root = Client(server.port, "secret")
    yield root
    root.query({"delete": {"database": DB}})


def create_client(root: Client, role: str) -> Client:
    """createClient(role:): the test database when missing, a key of `role` to it, a session of that key."""
    database = {"database": DB}
    made = root.query({"if": {"exists": database}, "then": {"get": database}, "else": {"create_database": obj(name=DB)}})
    key = root.query({"create_key": obj(database=made["ref"].escape(), role=role)})
    return root.new_session(key["secret"])


@pytest.fixture(scope="module")
def client(root):
    return create_client(root, "server")


@pytest.fixture(scope="module")
def admin(root, client):
    return create_client(root, "admin")


@pytest.fixture(scope="module")
def s(client):
    """ClientTests.setUp: four classes, five indexes, thor, his spellbook and three spells, as refs."""

    def ref(expr) -> RefV:
        return client.query(expr)["ref"]

    made = {
        "random_class": ref({"create_class": obj(name="some_random_class")}),
        "spells": ref({"create_class": obj(name="spells")}),
        "spellbook": ref({"create_class": obj(name="spellbook")}),
        "characters": ref({"create_class": obj(name="characters")}),
    }
    spells, spellbook = made["spells"].escape(), made["spellbook"].escape()
    made["all_spells"] = ref({"create_index": obj(name="all_spells", active=True, source=spells)})

    def index(name: str, source: dict, **fields: tuple) -> None:
        """CreateIndex(Obj(..., "terms" or "values" => Arr(Obj("field" => Arr(path))))): its ref in `made`."""
        paths = {key: [obj(field=list(path))] for key, path in fields.items()}
        made[name] = ref({"create_index": obj(name=name, active=True, source=source, **paths)})

    index("spells_by_element", spells, terms=("data", "elements"))
    index("elements_of_spells", spells, values=("data", "elements"))
    index("spellbook_by_owner", spellbook, terms=("data", "owner"))
    index("spells_by_spellbook", spells, terms=("data", "book"))
    made["thor"] = ref({"create": made["characters"].escape(), "params": obj(data=obj(name="thor"))})
    made["thors_spellbook"] = ref({"create": spellbook, "params": obj(data=obj(owner=made["thor"].escape()))})
    made["magic_missile"] = ref({"create": spells, "params": obj(data=obj(name="Magic Missile", elements=["arcane"], cost=10))})
    book = made["thors_spellbook"].escape()
    made["fireball"] = ref({"create": spells, "params": obj(data=obj(name="Fireball", elements=["fire"], cost=10, book=book))})
    faerie_fire = obj(name="Faerie Fire", elements=["arcane", "nature"], cost=10)
    made["faerie_fire"] = ref({"create": spells, "params": obj(data=faerie_fire)})
    return made


def at(value, *path):
    """Value.get(path:): each segment a key of an object or an index of an array; None when missing."""
    for segment in path:
        if isinstance(segment, int):
            value = value[segment] if isinstance(value, list) and segment < len(value) else None
        else:
            value = value.get(segment) if isinstance(value, dict) else None
    return value


# ClientTests' tests of the form `assert(query:toReturn:)`, where the expression needs no setUp value: the
# Swift test's name, the expression as the driver writes it, the value asserted.
EXPRESSIONS = [
    ("testMapOverACollection", lambda: {"map": lam(lambda x: {"add": [1, x]}), "collection": [1, 2, 3]}, [2, 3, 4]),
    (
        "testFilterACollection",
        lambda: {"filter": lam(lambda x: {"equals": [0, {"modulo": [x, 2]}]}), "collection": [1, 2, 3]},
        [2],
    ),
    ("testTakeElementsFromCollection", lambda: {"take": 2, "collection": [1, 2, 3]}, [1, 2]),
    ("testDropElementsFromCollection", lambda: {"drop": 2, "collection": [1, 2, 3]}, [3]),
    ("testPrependElementsToCollection", lambda: {"prepend": [1, 2], "collection": [3, 4]}, [1, 2, 3, 4]),
    ("testAppendElementsToCollection", lambda: {"append": [1, 2], "collection": [3, 4]}, [3, 4, 1, 2]),
    ("testConcat", lambda: {"concat": ["Hellow", "World"]}, "HellowWorld"),
    ("testConcat/separator", lambda: {"concat": ["Hellow", "World"], "separator": " "}, "Hellow World"),
    ("testCasefold", lambda: {"casefold": "GET DOWN"}, "get down"),
    ("testCasefold/NFD", lambda: {"casefold": "\u212b", "normalizer": "NFD"}, "A\u030a"),
    ("testCasefold/NFC", lambda: {"casefold": "\u212b", "normalizer": "NFC"}, "\u00c5"),
    ("testCasefold/NFKD", lambda: {"casefold": "\u1e9b\u0323", "normalizer": "NFKD"}, "\u0073\u0323\u0307"),
    ("testCasefold/NFKC", lambda: {"casefold": "\u1e9b\u0323", "normalizer": "NFKC"}, "\u1e69"),
    ("testCasefold/NFKCCaseFold", lambda: {"casefold": "\u212b", "normalizer": "NFKCCaseFold"}, "\u00e5"),
    # Time(fromString:) of an offset five seconds behind UTC is 00:00:05 UTC: Date(timeIntervalSince1970: 5).
    ("testTime", lambda: {"time": "1970-01-01T00:00:00-00:00:05"}, TimeV(5)),
    ("testEpoch/second", lambda: {"epoch": 30, "unit": "second"}, TimeV(30)),
    ("testEpoch/millisecond", lambda: {"epoch": 30, "unit": "millisecond"}, TimeV(0, 30_000_000)),
    ("testEpoch/microsecond", lambda: {"epoch": 30, "unit": "microsecond"}, TimeV(0, 30_000)),
    ("testEpoch/nanosecond", lambda: {"epoch": 30, "unit": "nanosecond"}, TimeV(0, 30)),
    ("testDate", lambda: {"date": "1970-01-01"}, DateV(datetime.date(1970, 1, 1))),
    ("testEquals", lambda: {"equals": ["fire", "fire"]}, True),
    (
        "testContains",
        lambda: {"contains": ["favorites", "foods"], "in": obj(favorites=obj(foods=["crunchings", "munchings"]))},
        True,
    ),
    (
        "testSelect",
        lambda: {"select": ["favorites", "foods", 1], "from": obj(favorites=obj(foods=["crunchings", "munchings"]))},
        "munchings",
    ),
    (
        "testSelect/default",
        lambda: {
            "select": ["favorites", "foods", 2],
            "from": obj(favorites=obj(foods=["crunchings", "munchings"])),
            "default": "bananas",
        },
        "bananas",
    ),
    ("testSelectAll", lambda: {"select_all": "foo", "from": [obj(foo="bar"), obj(foo="baz")]}, ["bar", "baz"]),
    ("testSelectAll/index", lambda: {"select_all": ["foo", 0], "from": [obj(foo=[0, 1]), obj(foo=[2, 3])]}, [0, 2]),
    ("testAdd", lambda: {"add": [1, 2]}, 3),
    ("testMultiply", lambda: {"multiply": [2, 2]}, 4),
    ("testSubtract", lambda: {"subtract": [5, 3]}, 2),
    ("testDivide", lambda: {"divide": [10, 5]}, 2),
    ("testModulo", lambda: {"modulo": [10, 5]}, 0),
    ("testLT", lambda: {"lt": [0, 1]}, True),
    ("testLTE", lambda: {"lte": [1, 1]}, True),
    ("testGT", lambda: {"gt": [1, 0]}, True),
    ("testGTE", lambda: {"gte": [0, 0]}, True),
    ("testAnd", lambda: {"and": [True, True]}, True),
    ("testOr", lambda: {"or": [False, True]}, True),
    ("testNot", lambda: {"not": False}, True),
    ("testEchoAObjectBack", lambda: obj(key="value"), {"key": "value"}),
    ("testEchoBytesBack", lambda: {"@bytes": base64.b64encode(bytes([1, 2, 3, 4])).decode()}, BytesV(bytes([1, 2, 3, 4]))),
    # Ref(class:id:) and Ref("classes/cls/123") of a class that does not exist, and the ref functions.
    ("testRefConstructors/class", lambda: {"ref": {"class": "cls"}, "id": "123"}, RefV("123", RefV("cls", CLASSES))),
    ("testRefConstructors/string", lambda: {"@ref": "classes/cls/123"}, RefV("123", RefV("cls", CLASSES))),
    ("testRefConstructors/database", lambda: {"database": "db"}, RefV("db", DATABASES)),
    ("testRefConstructors/classRef", lambda: {"class": "cls"}, RefV("cls", CLASSES)),
    ("testRefConstructors/index", lambda: {"index": "idx"}, RefV("idx", INDEXES)),
    ("testRefConstructors/function", lambda: {"function": "fn"}, RefV("fn", FUNCTIONS)),
    ("testRefConstructors/role", lambda: {"role": "rl"}, RefV("rl", ROLES)),
]


@pytest.mark.parametrize("expr, expected", [pytest.param(e, v, id=n) for n, e, v in EXPRESSIONS])
def test_expression(client, expr, expected):
    """assert(query:toReturn:): the answer decoded as the driver decodes it, numbers of the same type."""
    assert typed(client.query(expr())) == typed(expected)


def test_abort(client):
    """testAbort: Abort("abort message") is a BadRequest."""
    error = fails(client, {"abort": "abort message"}, "BadRequest", 400, "transaction aborted")
    assert error.errors[0].description == "abort message"


def test_unauthorized_on_invalid_secret(client):
    """testReturnUnauthorizedOnInvalidSecret: a session of an unknown secret is Unauthorized."""
    invalid = client.new_session("invalid-secret")
    error = fails(invalid, {"get": {"@ref": "classes/spells/42"}}, "Unauthorized", 401, "unauthorized")
    assert str(error) == "Error response 401: Errors: [](unauthorized): Unauthorized"


def test_not_found_on_non_existing_instance(client, s):
    """testReturnNotFoundOnNonExistingInstance: Get of a ref with a random id is NotFound."""
    ref = {"ref": s["random_class"].escape(), "id": random_digits()}
    error = fails(client, {"get": ref}, "NotFound", 404, "instance not found")
    assert (error.errors[0].position, error.errors[0].description) == ([], "Instance not found.")


def test_permission_denied_on_restricted_resource(root, s):
    """testPermissionDeniedWhenAccessingRestrictedResource: a client key may not Paginate(Databases())."""
    key = root.query({"create_key": obj(database={"database": DB}, role="client")})
    restricted = root.new_session(key["secret"])
    error = fails(restricted, {"paginate": {"databases": None}}, "PermissionDenied", 403, "permission denied")
    denied = (["paginate"], "Insufficient privileges to perform the action.")
    assert (error.errors[0].position, error.errors[0].description) == denied


def test_create_a_complex_instance(client, s):
    """testCreateAComplexInstance: each field read back with its type."""
    data = obj(string="a string", int=42, double=42.2, bool=True, arr=[1, True, obj(key="value")], obj=obj(nested="obj"))
    instance = client.query({"create": s["random_class"].escape(), "params": obj(data=data)})
    expected = {
        ("data", "string"): "a string",
        ("data", "int"): 42,
        ("data", "double"): 42.2,
        ("data", "bool"): True,
        ("data", "arr", 0): 1,
        ("data", "arr", 1): True,
        ("data", "arr", 2, "key"): "value",
        ("data", "obj", "nested"): "obj",
    }
    assert {path: typed(at(instance, *path)) for path in expected} == {p: typed(v) for p, v in expected.items()}


def test_get_an_instance(client, s):
    """testGetAnInstance."""
    assert at(client.query({"get": s["magic_missile"].escape()}), "data", "name") == "Magic Missile"


def test_batch_query(client, s):
    """testBatchQuery: query(batch:) sends the expressions as one array and reads an array back."""
    instances = client.batch([{"get": s["magic_missile"].escape()}, {"get": s["thor"].escape()}])
    assert len(instances) == 2
    assert [each["ref"] for each in instances] == [s["magic_missile"], s["thor"]]


def test_update_an_instance(client, s):
    """testUpdateAnInstance: Update merges data; the answers' X-Txn-Time move the client's clock forward."""
    first_seen = client.last_txn_time()
    instance = client.query({"create": s["random_class"].escape(), "params": obj(data=obj(name="bob", age=21))})
    updated = client.query({"update": instance["ref"].escape(), "params": obj(data=obj(name="jhon"))})
    assert (at(updated, "data", "name"), at(updated, "data", "age")) == ("jhon", 21)
    assert client.last_txn_time() > first_seen


def test_replace_an_instance(client, s):
    """testReplaceAnInstance: Replace drops the fields it does not name."""
    instance = client.query({"create": s["random_class"].escape(), "params": obj(data=obj(name="bob", age=21))})
    replaced = client.query({"replace": instance["ref"].escape(), "params": obj(data=obj(name="jhon"))})
    assert at(replaced, "data", "name") == "jhon"
    assert at(replaced, "data", "age") is None


def test_delete_an_instance(client, s):
    """testDeleteAnInstance: Exists of a deleted instance is false."""
    ref = client.query({"create": s["random_class"].escape(), "params": obj(data=obj(name="jhon"))})["ref"]
    client.query({"delete": ref.escape()})
    assert client.query({"exists": ref.escape()}) is False


def test_paginate_at(client, s):
    """testPaginateAt: At(timestamp: <the fireball's ts, a number>) sees the spells made until then."""
    all_spells = {"paginate": {"match": s["all_spells"].escape()}}
    assert client.query(all_spells)["data"] == [s["magic_missile"], s["fireball"], s["faerie_fire"]]
    fireball_ts = client.query({"get": s["fireball"].escape()})["ts"]
    assert isinstance(fireball_ts, int)
    assert client.query({"at": fireball_ts, "expr": all_spells})["data"] == [s["magic_missile"], s["fireball"]]


def test_let(client):
    """testLet: Let(1, 2) { a, b in Arr(b, a) }; a read does not move the clock backward."""
    first_seen = client.last_txn_time()
    assert typed(client.query(let(1, 2, body=lambda a, b: [b, a]))) == typed([2, 1])
    assert client.last_txn_time() >= first_seen


def test_do(client, s):
    """testDo: Do(Create(at: Ref(class:id:)), Get(that ref)) is the instance made at that id."""
    id_ = random_digits()
    ref = {"ref": s["random_class"].escape(), "id": id_}
    got = client.query({"do": [{"create": ref, "params": obj(data=obj())}, {"get": ref}]})
    assert got["ref"] == RefV(id_, s["random_class"])


def test_execute_foreach(client, s):
    """testExecuteForeach: Foreach answers its collection."""
    names = ["Fireball level 1", "Fireball level 2"]
    made = lambda name: {"create": s["random_class"].escape(), "params": obj(data=obj(name=name))}  # noqa: E731
    assert client.query({"foreach": lam(made), "collection": names}) == names


def test_key_from_secret(root, s):
    """testKeyFromSecret: KeyFromSecret of a new key's secret is that key."""
    created = root.query({"create_key": obj(database={"database": DB}, role="server")})
    queried = root.query({"key_from_secret": created["secret"]})
    assert queried["ref"] == created["ref"]


def test_paginate_over_an_index(client, s):
    """testPaginateOverAnIndex: pages of one, walked with the `after` and `before` cursors sent back."""
    match = {"match": s["all_spells"].escape()}
    page = client.query({"paginate": match, "size": 1})
    assert page["data"] == [s["magic_missile"]]
    page = client.query({"paginate": match, "after": esc(page["after"]), "size": 1})
    assert page["data"] == [s["fireball"]]
    page = client.query({"paginate": match, "before": esc(page["before"]), "size": 1})
    assert page["data"] == [s["magic_missile"]]


def made_updated_deleted(client: Client, s: dict) -> RefV:
    ref = client.query({"create": s["random_class"].escape(), "params": obj(data=obj(x=1))})["ref"]
    client.query({"update": ref.escape(), "params": obj(data=obj(x=2))})
    client.query({"delete": ref.escape()})
    return ref


def test_events(client, s):
    """testEvents: a document's events are create, update, delete, each naming it under `instance` (API 2.1)."""
    ref = made_updated_deleted(client, s)
    events = client.query({"paginate": {"events": ref.escape()}})["data"]
    assert [(e["action"], e["instance"]) for e in events] == [("create", ref), ("update", ref), ("delete", ref)]


def test_singleton(client, s):
    """testSingleton: the events of Singleton(ref) are its add and its remove."""
    ref = made_updated_deleted(client, s)
    events = client.query({"paginate": {"events": {"singleton": ref.escape()}}})["data"]
    assert [(e["action"], e["instance"]) for e in events] == [("add", ref), ("remove", ref)]


def by_element(s: dict, element: str) -> dict:
    return {"match": s["spells_by_element"].escape(), "terms": element}


def test_find_single_instance_on_an_index(client, s):
    """testFindSingleInstanceOnAnIndex."""
    assert client.query({"paginate": by_element(s, "fire")})["data"] == [s["fireball"]]


def test_union_intersection_difference(client, s):
    """testUnion, testIntersection, testDifference."""
    arcane, fire, nature = by_element(s, "arcane"), by_element(s, "fire"), by_element(s, "nature")
    assert client.query({"paginate": {"union": [arcane, fire]}})["data"] == [s["magic_missile"], s["fireball"], s["faerie_fire"]]
    assert client.query({"paginate": {"intersection": [arcane, nature]}})["data"] == [s["faerie_fire"]]
    assert client.query({"paginate": {"difference": [arcane, nature]}})["data"] == [s["magic_missile"]]


def test_distinct(client, s):
    """testDistinct: the distinct values of elements_of_spells."""
    answer = client.query({"paginate": {"distinct": {"match": s["elements_of_spells"].escape()}}})
    assert answer["data"] == ["arcane", "fire", "nature"]


def test_join(client, s):
    """testJoin: thor's spellbooks joined with the spells in each."""
    source = {"match": s["spellbook_by_owner"].escape(), "terms": s["thor"].escape()}
    target = lam(lambda book: {"match": s["spells_by_spellbook"].escape(), "terms": book})
    assert client.query({"paginate": {"join": source, "with": target}})["data"] == [s["fireball"]]


def user_with_password(client: Client, s: dict) -> RefV:
    return client.query({"create": s["random_class"].escape(), "params": obj(credentials=obj(password="abcd"))})["ref"]


def test_authenticate(client, s):
    """testAuthenticate: Login's secret logs out all its tokens; Identify with a wrong password is false."""
    user = user_with_password(client, s)
    auth = client.query({"login": user.escape(), "params": obj(password="abcd")})
    assert client.new_session(auth["secret"]).query({"logout": True}) is True
    assert client.query({"identify": user.escape(), "password": "wrong-password"}) is False


def test_identity_and_has_identity(client, s):
    """testIdentityAndHasIdentity: a token's session has an identity, the user it logged in."""
    user = user_with_password(client, s)
    auth = client.query({"login": user.escape(), "params": obj(password="abcd")})
    session = client.new_session(auth["secret"])
    assert session.query({"has_identity": None}) is True
    assert session.query({"identity": None}) == user


def test_new_id(client):
    """testNewId: a string."""
    assert isinstance(client.query({"new_id": None}), str)


def test_ref_functions(client, s):
    """testRefFunctions: Index("all_spells") and Class("spells") are the refs setUp made."""
    assert client.query([{"index": "all_spells"}, {"class": "spells"}]) == [s["all_spells"], s["spells"]]


def test_set_ref(client, s):
    """testSetRefV: Match is answered as a @set with its index and its terms."""
    match = client.query(by_element(s, "arcane"))
    assert isinstance(match, SetRefV)
    assert (match.value["match"], match.value["terms"]) == (s["spells_by_element"], "arcane")


def test_create_function(client):
    """testCreateFunction: a function whose body is Query { Add($0, $1) } exists."""
    body = {"query": lam(lambda a, b: {"add": [a, b]}, 2)}
    client.query({"create_function": obj(name="a_function", body=body)})
    assert client.query({"exists": {"function": "a_function"}}) is True


def test_echo_query(client):
    """testEchoQuery: a @query answered and sent back is answered the same; at API 2.1 it names no
    api_version."""
    created = client.query({"query": lam(lambda a, b: {"add": [a, b]}, 2)})
    assert isinstance(created, QueryV)
    assert "api_version" not in created.lambda_
    echoed = client.query({"@query": created.lambda_})
    assert echoed == created


def test_call_function(client):
    """testCallFunction: Call(Function("concat_with_slash"), arguments: "a", "b")."""
    body = {"query": lam(lambda a, b: {"concat": [a, b], "separator": "/"}, 2)}
    client.query({"create_function": obj(name="concat_with_slash", body=body)})
    assert client.query({"call": {"function": "concat_with_slash"}, "arguments": ["a", "b"]}) == "a/b"


def test_create_role(admin):
    """testCreateRole: an admin key makes a role that may read Databases()."""
    privileges = [obj(resource={"databases": None}, actions=obj(read=True))]
    admin.query({"create_role": obj(name="a_role", privileges=privileges)})
    assert admin.query({"exists": {"role": "a_role"}}) is True


def new_database(client: Client, name: str) -> Client:
    """createNewDatabase: the database, an admin key to it, a session of that key."""
    client.query({"create_database": obj(name=name)})
    key = client.query({"create_key": obj(database={"database": name}, role="admin")})
    return client.new_session(key["secret"])


def test_nested_class(client, admin):
    """testNestedClass: a class of a grandchild database, reached through Database(child, scope:)."""
    parent, child, a_class = random_digits("parent_"), random_digits("child_"), random_digits("class_")
    client1 = new_database(admin, parent)
    new_database(client1, child)
    key = client1.query({"create_key": obj(database={"database": child}, role="server")})
    client1.new_session(key["secret"]).query({"create_class": obj(name=a_class)})
    scope = {"database": child, "scope": {"database": parent}}
    assert client.query({"exists": {"class": a_class, "scope": scope}}) is True
    in_parent = RefV(child, DATABASES, RefV(parent, DATABASES))
    assert client.query({"paginate": {"classes": scope}})["data"] == [RefV(a_class, CLASSES, in_parent)]


def test_nested_key(admin):
    """testNestedKey: the keys of a database, listed in it and from its parent.

    The Swift test expects Paginate(Keys(scope: Database(parent))) to answer the very refs CreateKey
    answered in the parent. Core answers them scoped (its ScopedRef rendering): their class is `keys` in
    the parent database, as for any ref reached through a scope (faunadb-csharp's TestNestedKeyRef expects
    that)."""
    parent, child = random_digits("parent_"), random_digits("child_")
    client = new_database(admin, parent)
    client.query({"create_database": obj(name=child)})
    server_key = client.query({"create_key": obj(database={"database": child}, role="server")})["ref"]
    admin_key = client.query({"create_key": obj(database={"database": child}, role="admin")})["ref"]
    assert client.query({"paginate": {"keys": None}})["data"] == [server_key, admin_key]
    keys_in_parent = RefV("keys", None, RefV(parent, DATABASES))
    scoped = admin.query({"paginate": {"keys": {"database": parent}}})["data"]
    assert scoped == [RefV(server_key.id, keys_in_parent), RefV(admin_key.id, keys_in_parent)]


# ErrorsTests.swift checks Errors.errorFor on answers it writes itself. Here the same mapping (error_for above)
# reads fql's answers: each status the server answers maps to its class, and its errors parse as the driver
# parses them. testInternalServerError (500), testUnavailable (503), testUnknownError (1001) and
# testUnparseableResponse (a body that is not JSON) are answers fql gives to no query: they stay driver tests.

ERROR_ANSWERS = [
    ("testBadRequest", "secret", lambda: {"abort": "abort message"}, "BadRequest", 400, ("transaction aborted", "abort message")),
    ("testReturnUnauthorized", "invalid-secret", lambda: {"new_id": None}, "Unauthorized", 401, ("unauthorized", "Unauthorized")),
    (
        "testPermissionDenied",
        "server-key",
        lambda: {"paginate": {"databases": None}},
        "PermissionDenied",
        403,
        ("permission denied", "Insufficient privileges to perform the action."),
    ),
    (
        "testNotFound",
        "secret",
        lambda: {"select": ["a", "b"], "from": obj(a=obj())},
        "NotFound",
        404,
        ("value not found", "Value not found at path [a,b]."),
    ),
]


@pytest.mark.parametrize(
    "secret, expr, kind, status, error", [pytest.param(*case[1:], id=case[0]) for case in ERROR_ANSWERS]
)
def test_error_classes(root, client, secret, expr, kind, status, error):
    """ErrorsTests' assertFail(httpCode:error:): the class of the answer's status, with no message (the body
    parsed) and the one error it holds."""
    session = client if secret == "server-key" else root.new_session(secret)
    status_got, _, text = session.send(expr())
    found = error_for(status_got, text)
    assert (found.kind, found.status, found.message) == (kind, status, None)
    assert [(e.code, e.description, e.failures) for e in found.errors] == [(*error, [])]


def test_parse_error_response(root):
    """testParseErrorResponse: an error's position (numbers as strings), code, description and its failures,
    each with its field, code and description. Validation failures of a CreateDatabase in a Do at API 2.1,
    which words a document an instance."""
    status, _, text = root.send({"do": [1, {"create_database": obj(name=12)}]})
    found = error_for(status, text)
    assert (found.kind, found.message) == ("BadRequest", None)
    assert found.errors == [
        QueryError(
            ["do", "1", "create_database"],
            "validation failed",
            "instance data is not valid.",
            [(["name"], "invalid type", "Invalid type Long, expected type String.")],
        )
    ]


def test_error_message(root):
    """testErrorMessage: FaunaError's description, `Error response <status>: Errors: [<position>](<code>):
    <description>`, of a real answer."""
    status, _, text = root.send({"add": [1, {"select": ["a", 1], "from": obj(a=[1])}]})
    assert str(error_for(status, text)) == (
        "Error response 404: Errors: [add/1/from](value not found): Value not found at path [a,1]."
    )
