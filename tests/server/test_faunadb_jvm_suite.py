"""faunadb-jvm's integration tests (faunadb-scala's ClientSpec.scala and faunadb-java's ClientSpec.java, the
v4 Scala and Java drivers) replayed against `fql serve`: the v4 JSON each driver sends, with the headers its
Connection sends, and what each test asserts of the answer. Expressions are built with the faunadb Python
driver where it writes the same JSON as the JVM drivers (`{"object": ...}` objects, `@ref` refs with
`collection`, `let` as an array of one-key objects), and as plain JSON where the JVM drivers write their own:
the Scala `Lambda` macro names an unused parameter `_`, the Java driver names a Java lambda's parameter with a
counter (`map1`, `join2`), `Paginate(cursor = Null())` sends `"cursor": null`, `Class(...)`, `Ref("a/b/c")`.
The two drivers share one Connection (faunadb-common), so one client stands for both."""

from __future__ import annotations

import base64
import datetime
import http.client
import json
import threading
import time
import warnings

import pytest

import fql
from fql.server import ServerThread
from fql.server.streams import StreamSettings

from .conftest import exchange
from .replicas import Events, read_whole, typed

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from faunadb import _json
    from faunadb import query as q
    from faunadb.objects import Ref

#: What faunadb-common's Connection.mkHeaders sends with every request (API version 4, its User-Agent, the
#: default 60 s query timeout in ms, the X-Driver-Env of RuntimeEnvironmentHeader; the Scala client adds
#: `scala-2.12` to the runtime).
HEADERS = {
    "X-FaunaDB-API-Version": "4",
    "User-Agent": "Fauna JVM Http Client",
    "X-Query-Timeout": "60000",
    "X-Driver-Env": "driver=jvm-4.5.0; runtime=java-17.0.9,scala-2.12; env=Unknown; os=Linux",
    "Content-type": "application/json; charset=utf-8",
}
#: The response headers MetricsResponse.Metrics reads (ClientSpec "return metrics data", shouldReturnMetricsData).
METRICS = [
    "x-byte-read-ops", "x-byte-write-ops", "x-compute-ops", "x-faunadb-build", "x-query-bytes-in",
    "x-query-bytes-out", "x-query-time", "x-read-ops", "x-storage-bytes-read", "x-storage-bytes-write",
    "x-txn-retries", "x-txn-time", "x-write-ops",
]
COLLECTIONS = Ref("collections")


class JvmClient:
    """What a FaunaClient sends: POST / with the expression's JSON, Bearer auth, and `X-Last-Seen-Txn` once an
    answer carried `X-Txn-Time` (Connection.syncLastTxnTime keeps the largest)."""

    def __init__(self, port: int, secret: str, custom: dict | None = None):
        self.port, self.secret, self.custom = port, secret, custom or {}
        self.last_txn = 0

    def headers(self) -> dict:
        found = {**HEADERS, "Authorization": f"Bearer {self.secret}", **self.custom}
        if self.last_txn:
            found["X-Last-Seen-Txn"] = str(self.last_txn)
        return found

    def request(self, body: str, path: str = "/", extra: dict | None = None):
        status, found, data = exchange(self.port, "POST", path, body.encode(), {**self.headers(), **(extra or {})})
        if "x-txn-time" in found:
            self.last_txn = max(self.last_txn, int(found["x-txn-time"]))
        return status, found, data.decode()

    def answer(self, expr) -> tuple[int, dict]:
        """The status and the parsed JSON body (tags kept) of querying `expr` (a driver expression or raw JSON)."""
        status, _, text = self.request(body(expr))
        return status, json.loads(text)

    def raw(self, expr):
        """The resource as JSON, tags kept ({"@ref": ...}, {"@ts": ...}), as the JVM Value types hold them."""
        status, found = self.answer(expr)
        assert status in (200, 201), found
        return found["resource"]

    def query(self, expr):
        """The resource, decoded as the Python driver decodes it (Ref, FaunaTime, ...)."""
        return _json.parse_json(json.dumps(self.raw(expr)))

    def session(self, secret: str) -> JvmClient:
        """FaunaClient.sessionClient / newSessionClient: the same connection with another secret."""
        return JvmClient(self.port, secret)


def body(expr) -> str:
    if isinstance(expr, str):
        return expr
    if isinstance(expr, (dict, list)) and not _has_driver_values(expr):
        return json.dumps(expr)
    return _json.to_json(expr)


def _has_driver_values(value) -> bool:
    if isinstance(value, dict):
        return any(_has_driver_values(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_driver_values(v) for v in value)
    return not (value is None or isinstance(value, (str, int, float, bool)))


def raw_json(expr):
    """`expr` as the JSON a driver writes, parsed back: for splicing driver expressions into plain JSON."""
    return json.loads(_json.to_json(expr))


def contains(path, value) -> dict:
    """Contains(path, in), the deprecated name the Scala and Java specs test beside ContainsPath."""
    written = raw_json(q.contains_path(path, value))
    return {"contains": written.pop("contains_path"), **written}


def fails(client: JvmClient, expr, status: int, code: str, description: str | None = None, position=None):
    """The exception the driver raises for the answer: its class by status (400 BadRequestException, 401
    UnauthorizedException, 403 PermissionDeniedException, 404 NotFoundException), its message the first
    error's `code: description`."""
    got, found = client.answer(expr)
    assert got == status, found
    error = found["errors"][0]
    assert error["code"] == code
    if description is not None:
        assert error["description"] == description
    if position is not None:
        assert error.get("position") == position
    return error


_counter = iter(range(10**6))


def random_name(prefix: str = "") -> str:
    return f"{prefix}{next(_counter)}x{int(time.time() * 1000) % 100000}"


def ts(text: str) -> dict:
    return {"@ts": text}


def ref(id_: str, collection: dict | None = None, database: dict | None = None) -> dict:
    """A RefV as the answer's JSON has it."""
    inner: dict = {"id": id_}
    if collection is not None:
        inner["collection"] = collection
    if database is not None:
        inner["database"] = database
    return {"@ref": inner}


NATIVE = {name: ref(name) for name in ["collections", "indexes", "databases", "functions", "keys", "roles", "access_providers"]}


def doc_ref(id_: str, coll: str) -> dict:
    return ref(id_, ref(coll, NATIVE["collections"]))


@pytest.fixture(scope="module")
def server():
    with ServerThread(fql.connect(), streams=StreamSettings(poll_interval=0.02, max_duration=20.0)) as running:
        yield running


@pytest.fixture(scope="module")
def root(server):
    return JvmClient(server.port, "secret")


class Db:
    """A test database as a ClientSpec's setup makes it: a server key client, an admin key client, and (Scala's
    clientWithCustomHeaders, Java's createFaunaClientWithCustomHeaders) the server key with two custom headers."""

    def __init__(self, root: JvmClient, name: str):
        self.name = name
        root.answer(q.delete(q.database(name)))
        root.query(q.create_database({"name": name}))
        server_key = root.query(q.create_key({"database": q.database(name), "role": "server"}))
        admin_key = root.query(q.create_key({"database": q.database(name), "role": "admin"}))
        self.client = root.session(server_key["secret"])
        self.admin = root.session(admin_key["secret"])
        custom = {"test-header-1": "test-value-1", "test-header-2": "test-value-2"}
        self.custom = JvmClient(root.port, server_key["secret"], custom)

    def new_collection(self, prefix: str = "some_collection_") -> Ref:
        return self.client.query(q.create_collection({"name": random_name(prefix)}))["ref"]


@pytest.fixture(scope="module")
def scala(root):
    """ClientSpec.scala beforeAll: its database, keys, `spells` and `spells_by_element`."""
    db = Db(root, "faunadb-scala-test")
    db.client.query(q.create_collection({"name": "spells"}))
    terms = [{"field": ["data", "element"]}]
    db.client.query(q.create_index({"name": "spells_by_element", "source": q.collection("spells"), "terms": terms, "active": True}))
    return db


@pytest.fixture(scope="module")
def java(root):
    """ClientSpec.java setUpClient and setUpSchema: its database, keys, collections, five indexes, ten documents
    in JavaParallelTestCollection and the spells, Thor and his spellbook's two spells."""
    db = Db(root, "faunadb-java-test")
    c = db.client
    c.query([q.create_collection({"name": n}) for n in ["spells", "characters", "spellbooks", "JavaParallelTestCollection"]])
    indexes = {
        "all_spells": ("spells", {}),
        "spells_by_element": ("spells", {"terms": [{"field": ["data", "element"]}]}),
        "elements_of_spells": ("spells", {"values": [{"field": ["data", "element"]}]}),
        "spellbooks_by_owner": ("spellbooks", {"terms": [{"field": ["data", "owner"]}]}),
        "spells_by_spellbook": ("spells", {"terms": [{"field": ["data", "spellbook"]}]}),
    }
    c.query([q.create_index({"name": n, "active": True, "source": q.collection(s), **f}) for n, (s, f) in indexes.items()])
    for i in range(10):
        c.query(q.create(q.collection("JavaParallelTestCollection"), {"data": {"value": i + 1}}))

    def create(coll: str, data: dict) -> Ref:
        return c.query(q.create(q.collection(coll), {"data": data}))["ref"]

    db.refs = {
        "magic_missile": create("spells", {"name": "Magic Missile", "element": "arcane", "cost": 10}),
        "fireball": create("spells", {"name": "Fireball", "element": "fire", "cost": 10}),
        "faerie_fire": create("spells", {"name": "Faerie Fire", "cost": 10, "element": ["arcane", "nature"]}),
        "summon": create("spells", {"name": "Summon Animal Companion", "element": "nature", "cost": 10}),
        "thor": create("characters", {"name": "Thor"}),
    }
    book = create("spellbooks", {"owner": db.refs["thor"]})
    db.refs["thor_spell1"] = create("spells", {"spellbook": book})
    db.refs["thor_spell2"] = create("spells", {"spellbook": book})
    return db


# Tests of one expression and its value, which need no schema: the test(s) replicated, the expression, the
# value asserted, as the answer's JSON (numbers typed: LongV is an int, DoubleV a float).
EXPRESSIONS = [
    ("echo values/object", {"object": {"foo": "bar"}}, {"foo": "bar"}),
    ("echo values/string", "\"qux\"", "qux"),
    ("receive a Null value properly, shouldReturnNullValueWhenTheResultIsNull", "null", None),
    ("test basic forms/Let macro", q.let({"x": 1}, q.let({"y": q.add(q.var("x"), 2)}, q.var("y"))), 3),
    ("test basic forms/Let macro as written", {"let": [{"x": 1}, {"y": {"add": [{"var": "x"}, 2]}}], "in": {"var": "y"}}, 3),
    ("shouldEvalLetExpression", q.let({"x": 1, "y": 2}, [q.var("y"), q.var("x")]), [2, 1]),
    ("test basic forms/If, shouldEvalIfExpression", q.if_(True, "was true", "was false"), "was true"),
    ("test basic forms/Obj, shouldEchoAnObjectBack", {"object": {"name": "Hen Wen", "age": 123}}, {"name": "Hen Wen", "age": 123}),
    ("test collections/Map, shouldMapOverCollections", q.map_(q.lambda_("i", q.add(q.var("i"), 1)), [1, 2, 3]), [2, 3, 4]),
    (
        "shouldMapOverCollectionsLambda",
        {"map": {"lambda": "map1", "expr": {"add": [{"var": "map1"}, 1]}}, "collection": [1, 2, 3]},
        [2, 3, 4],
    ),
    (
        "test collections/Filter",
        q.filter_(q.lambda_("i", q.if_(q.equals(q.modulo(q.var("i"), 2), 0), True, False)), [1, 2, 3, 4]),
        [2, 4],
    ),
    ("shouldFilterACollection", q.filter_(q.lambda_("i", q.equals(0, q.modulo(q.var("i"), 2))), [1, 2, 3]), [2]),
    (
        "shouldFilterACollectionLambda",
        {"filter": {"lambda": "filter2", "expr": {"equals": [0, {"modulo": [{"var": "filter2"}, 2]}]}}, "collection": [1, 2, 3]},
        [2],
    ),
    ("test collections/Take", q.take(2, [1, 2, 3, 4]), [1, 2]),
    ("shouldTakeElementsFromCollection", q.take(2, [1, 2, 3]), [1, 2]),
    ("test collections/Drop", q.drop(2, [1, 2, 3, 4]), [3, 4]),
    ("shouldDropElementsFromCollection", q.drop(2, [1, 2, 3]), [3]),
    ("test collections/Prepend", q.prepend([1, 2, 3], [4, 5, 6]), [1, 2, 3, 4, 5, 6]),
    ("shouldPrependElementsInACollection", q.prepend([1, 2], [3, 4]), [1, 2, 3, 4]),
    ("test collections/Append", q.append([1, 2, 3], [4, 5, 6]), [4, 5, 6, 1, 2, 3]),
    ("shouldAppendElementsInACollection", q.append([3, 4], [1, 2]), [1, 2, 3, 4]),
    (
        "test collections/arrays, shouldTestCollectionPredicatesForArrays",
        [q.is_empty([1, 2, 3]), q.is_empty([]), q.is_nonempty([1, 2, 3]), q.is_nonempty([])],
        [False, True, True, False],
    ),
    (
        "test string functions, shouldEvalContainsStr/ContainsStrRegex/EndsWith/StartsWith",
        [
            q.contains_str("ABCDEF", "CDE"), q.contains_str("ABCDEF", "GHI"),
            q.contains_str_regex("ABCDEF", "[A-Z]"), q.contains_str_regex("123456", "[A-Z]"),
            q.ends_with("ABCDEF", "DEF"), q.ends_with("ABCDEF", "ABC"),
            q.starts_with("ABCDEF", "ABC"), q.starts_with("ABCDEF", "DEF"),
        ],
        [True, False, True, False, True, False, True, False],
    ),
    (
        "test string functions, shouldEvalFindStr/Length/Lower/LTrim/RegexEscape/Repeat/Replace*/RTrim/Space/"
        "SubString/Trim/TitleCase/Upper/Format",
        [
            q.find_str("heLLo world", "world"), q.length("heLLo world"), q.lowercase("hEllO wORLd"),
            q.ltrim("   hello world"), q.regex_escape("ABCDEF"), q.replace_str_regex("hello world", "hello", "bye"),
            q.repeat("bye "), q.repeat("bye ", 3), q.replace_str("hello world", "hello", "bye"),
            q.rtrim("hello world    "), q.space(4), q.substring("heLLo world", 6), q.trim("    hello world    "),
            q.titlecase("heLLo worlD"), q.uppercase("hello world"), q.format("%3$s%1$s %2$s", "DB", "rocks", "Fauna"),
        ],
        [6, 11, "hello world", "hello world", "\\QABCDEF\\E", "bye world", "bye bye ", "bye bye bye ", "bye world",
         "hello world", "    ", "world", "hello world", "Hello World", "HELLO WORLD", "FaunaDB rocks"],
    ),
    (
        "shouldEvalFindStr/Length/Lower/LTrim/Repeat/ReplaceStr/ReplaceStrRegex/RTrim/Space/SubString/Trim/Upper/"
        "TitleCaseExpression",
        [
            q.find_str("fire and  Ice", "fire"), q.find_str("hello TO aLL", "TO"), q.find_str("hello TO aLL", "aLL", 6),
            q.length("fire and  Ice"), q.length("hello"), q.length(""), q.lowercase("fire and  Ice"),
            q.lowercase("hello TO aLL"), q.ltrim("   fire"), q.ltrim("\t\tfire and ice"), q.ltrim("\n\n\nhello to all"),
            q.repeat("f"), q.repeat("abc", 3), q.replace_str("fire and ice and everything nice", "and", "or"),
            q.replace_str_regex("fire and ice and everything nice", "and", "or"),
            q.replace_str_regex("fire and ice and everything nice", "and", "or", True), q.rtrim("fire   "),
            q.rtrim("ice\t\t\t"), q.rtrim("nice\n\n\n"), q.space(1), q.space(4), q._fn({"substring": "basketball"}),
            q.substring("basketball", 6), q.substring("basketball", 6, 2), q.trim("   fire   "), q.trim("\t\t\tice\t\t\t"),
            q.trim("\n\n\nnice\n\n\n"), q.uppercase("fire and  Ice"), q.uppercase("hello TO aLL"),
            q.titlecase("fire and  Ice"), q.titlecase("hello TO aLL"),
        ],
        [0, 6, 9, 13, 5, 0, "fire and  ice", "hello to all", "fire", "fire and ice", "hello to all", "ff", "abcabcabc",
         "fire or ice or everything nice", "fire or ice or everything nice", "fire or ice and everything nice", "fire",
         "ice", "nice", " ", "    ", "basketball", "ball", "ba", "fire", "ice", "nice", "FIRE AND  ICE", "HELLO TO ALL",
         "Fire And  Ice", "Hello To All"],
    ),
    (
        "test string functions/Casefold, shouldEvalCasefoldExpression",
        [
            q.casefold("Hen Wen"), q.casefold("\u212b", "NFD"), q.casefold("\u212b", "NFC"),
            q.casefold("\u1e9b\u0323", "NFKD"), q.casefold("\u1e9b\u0323", "NFKC"), q.casefold("\u212b", "NFKCCaseFold"),
        ],
        ["hen wen", "A\u030a", "\u00c5", "\u0073\u0323\u0307", "\u1e69", "\u00e5"],
    ),
    (
        "test string functions/NGram, shouldEvalNGramExpression",
        [q.ngram("what"), q.ngram("what", 2, 3), q.ngram(["john", "doe"]), q.ngram(["john", "doe"], 3, 4)],
        [
            ["w", "wh", "h", "ha", "a", "at", "t"],
            ["wh", "wha", "ha", "hat", "at"],
            ["j", "jo", "o", "oh", "h", "hn", "n", "d", "do", "o", "oe", "e"],
            ["joh", "john", "ohn", "doe"],
        ],
    ),
    (
        "test math functions, shouldEvalAbs ... shouldEvalTrunc",
        [
            q.abs(-100), q.trunc(q.acos(0.5), 2), q.add(100, 10), q.trunc(q.asin(0.5), 2), q.trunc(q.atan(0.5), 2),
            q.bitand(15, 7, 3), q.bitnot(3), q.bitor(15, 7, 3), q.bitxor(2, 1), q.ceil(1.01), q.trunc(q.cos(0.5), 2),
            q.trunc(q.cosh(2), 2), q.trunc(q.degrees(2.0), 2), q.divide(100, 10), q.trunc(q.exp(2), 2), q.floor(1.91),
            q.hypot(3.0, 4.0), q.trunc(q.ln(2), 2), q.trunc(q.log(2), 2), q.max(101, 10, 1), q.min(101, 10),
            q.modulo(101, 10), q.multiply(100, 10), q.trunc(q.radians(500), 2), q.round(12345.6789), q.sign(3),
            q.trunc(q.sin(0.5), 2), q.trunc(q._fn({"sinh": 0.5}), 2), q.sqrt(16), q.subtract(100, 10),
            q.trunc(q.tan(0.5), 2), q.trunc(q.tanh(0.5), 2), q.trunc(123.456, 2),
        ],
        [100, 1.04, 110, 0.52, 0.46, 3, -4, 15, 3, 2.0, 0.87, 3.76, 114.59, 10, 7.38, 1.0, 5.0, 0.69, 0.3, 101, 10,
         1, 1000, 8.72, 12345.68, 1, 0.47, 0.52, 4.0, 90, 0.54, 0.46, 123.45],
    ),
    (
        "shouldEvalAbs ... shouldEvalTrunc of the Java spec (where its arguments differ from the Scala one's)",
        [
            q.bitand(7, 3), q.bitor(6, 3), q.trunc(q.cosh(0.5), 2), q.hypot(3, 4), q.max(101, 10),
            q.trunc(q.radians(500.0)), q.round(123.666, 2), q.sign(1), q.to_number("3.14"),
        ],
        [3, 7, 1.12, 5.0, 101, 8.72, 123.67, 1, 3.14],
    ),
    (
        "test miscellaneous functions/Equals, Concat, And, Or, Not; shouldEvalEquals/Concat/And/Or/Not",
        [
            q.equals("fire", "fire"), q.concat(["Magic", "Missile"]), q.concat(["Magic", "Missile"], " "),
            q.and_(True, False), q.or_(True, False), q.not_(False),
        ],
        [True, "MagicMissile", "Magic Missile", False, True, True],
    ),
    (
        "test miscellaneous functions/ContainsField, ContainsPath; test Contains function; "
        "shouldEvalContains/ContainsPath/ContainsField",
        [
            q.contains_field("foo", {"foo": "bar"}), q.contains_field("foo", {}),
            q.contains_path(["favorites", "foods"], {"favorites": {"foods": ["crunchings", "munchings"]}}),
            q.contains_path("field", {"field": "value"}), q.contains_path(1, ["value0", "value1", "value2"]),
            q.contains_path(["a", "nested", 0, "path"], {"a": {"nested": [{"path": "value"}]}}),
            contains(["favorites", "foods"], {"favorites": {"foods": ["crunchings", "munchings"]}}),
            contains("field", {"field": "value"}), contains(1, ["value0", "value1", "value2"]),
            contains(["a", "nested", 0, "path"], {"a": {"nested": [{"path": "value"}]}}),
            q.contains_field("bar", {"foo": "bar"}), q.contains_path(["a", 1], {"a": [0]}),
        ],
        [True, False, True, True, True, True, True, True, True, True, False, False],
    ),
    (
        "test miscellaneous functions/ContainsValue, shouldEvalContainsValueExpression (values)",
        [q.contains_value("1", ["1", "2", "3"]), q.contains_value("bar", {"foo": "bar"})],
        [True, True],
    ),
    (
        "test miscellaneous functions/Select, shouldEvalSelectExpression",
        [
            q.select(["favorites", "foods", 1], {"favorites": {"foods": ["crunchings", "munchings", "lunchings"]}}),
            q.select("field", {"field": "value"}),
            q.select("non-existent-field", {"field": "value"}, "a default value"),
            q.select(1, ["value0", "value1", "value2"]),
            q.select(100, ["value0", "value1", "value2"], "a default value"),
            q.select(["a", "nested", 0, "path"], {"a": {"nested": [{"path": "value"}]}}),
        ],
        ["munchings", "value", "a default value", "value1", "a default value", "value"],
    ),
    (
        "test miscellaneous functions/SelectAll, SelectAsIndex; shouldEvalSelectAll/SelectAsIndexExpression",
        [
            q.select_all("foo", [{"foo": "bar"}, {"foo": "baz"}, {"a": "b"}]),
            q.select_all(["foo", "bar"], [{"foo": {"bar": 1}}, {"foo": {"bar": 2}}]),
            q.select_all(["foo", 0], [{"foo": [0, 1]}, {"foo": [2, 3]}]),
            q._fn({"select_as_index": "foo", "from": [{"foo": "bar"}, {"foo": "baz"}, {"a": "b"}]}),
            q._fn({"select_as_index": ["foo", "bar"], "from": [{"foo": {"bar": 1}}, {"foo": {"bar": 2}}]}),
            q._fn({"select_as_index": ["foo", 0], "from": [{"foo": [0, 1]}, {"foo": [2, 3]}]}),
        ],
        [["bar", "baz"], [1, 2], [0, 2], ["bar", "baz"], [1, 2], [0, 2]],
    ),
    (
        "shouldEvalLT/LTE/GT/GTE Expression",
        [q.lt([1, 2, 3]), q.lte([1, 2, 2]), q.gt([3, 2, 1]), q.gte([3, 2, 2])],
        [True, True, True, True],
    ),
    (
        "test conversion functions, shouldEvalToString/ToNumber/ToDouble/ToIntegerExpression",
        [
            q.to_string(100), q.to_number("100"), [q.to_double(3.14), q.to_double(10), q.to_double("3.14")],
            [q.to_integer(10.0), q.to_integer(10), q.to_integer("10")], q.to_string(42), q.to_number("42"),
        ],
        ["100", 100, [3.14, 10.0, 3.14], [10, 10, 10], "42", 42],
    ),
    (
        "test time functions/ToTime, ToDate, ToSeconds, ToMicros, Hour; shouldEvalToTime/ToSeconds/ToMicros/"
        "Hour/ToDateExpression",
        [
            q.to_time("1970-01-01T00:00:00Z"), q.to_date("1970-01-01"), q.to_seconds(q.epoch(0, "second")),
            q.to_seconds(q.to_time("1970-01-01T00:00:00Z")), q.to_micros(q.epoch(1552733214259, "second")),
            q.hour(q.epoch(0, "second")),
        ],
        [ts("1970-01-01T00:00:00Z"), {"@date": "1970-01-01"}, 0, 0, 1552733214259000000, 0],
    ),
    (
        "test date and time functions/Time, Date; shouldEvalTimeExpression, shouldEvalDateExpression",
        [q.time("1970-01-01T00:00:00-04:00"), q.date("1970-01-02"), q.time("1970-01-01T00:00:00+00:00")],
        [ts("1970-01-01T04:00:00Z"), {"@date": "1970-01-02"}, ts("1970-01-01T00:00:00Z")],
    ),
    (
        "test date and time functions/Epoch",
        [
            q.epoch(2, "day"), q.epoch(1, "half day"), q.epoch(12, "hour"), q.epoch(30, "minute"),
            q.epoch(30, "second"), q.epoch(10, "millisecond"), q.epoch(42, "nanosecond"), q.epoch(40, "microsecond"),
        ],
        [
            ts("1970-01-03T00:00:00Z"), ts("1970-01-01T12:00:00Z"), ts("1970-01-01T12:00:00Z"),
            ts("1970-01-01T00:30:00Z"), ts("1970-01-01T00:00:30Z"), ts("1970-01-01T00:00:00.010Z"),
            ts("1970-01-01T00:00:00.000000042Z"), ts("1970-01-01T00:00:00.000040Z"),
        ],
    ),
    (
        "shouldEvalEpochExpression",
        [q.epoch(30, u) for u in ["day", "half day", "hour", "minute", "second", "millisecond", "microsecond", "nanosecond"]],
        [
            ts("1970-01-31T00:00:00Z"), ts("1970-01-16T00:00:00Z"), ts("1970-01-02T06:00:00Z"),
            ts("1970-01-01T00:30:00Z"), ts("1970-01-01T00:00:30Z"), ts("1970-01-01T00:00:00.030Z"),
            ts("1970-01-01T00:00:00.000030Z"), ts("1970-01-01T00:00:00.000000030Z"),
        ],
    ),
    (
        "test date and time match functions",
        [
            q.time_add(q.epoch(0, "second"), 1, "day"), q.time_add(q.date("1970-01-01"), 1, "day"),
            q.time_subtract(q.epoch(0, "second"), 1, "day"), q.time_subtract(q.date("1970-01-01"), 1, "day"),
            q.time_diff(q.epoch(0, "second"), q.epoch(1, "second"), "second"),
            q.time_diff(q.date("1970-01-01"), q.date("1970-01-02"), "day"),
        ],
        [ts("1970-01-02T00:00:00Z"), {"@date": "1970-01-02"}, ts("1969-12-31T00:00:00Z"), {"@date": "1969-12-31"}, 1, 1],
    ),
    (
        "shouldEvalTimeAddExpression, shouldEvalTimeSubtractExpression, shouldEvalTimeDiffExpression",
        [
            q.time_add(q.epoch(0, "second"), 1, "hour"), q.time_add(q.date("1970-01-01"), 1, "day"),
            q.time_add(q.date("1970-01-01"), 2, "days"), q.time_subtract(q.epoch(0, "second"), 1, "hour"),
            q.time_subtract(q.date("1970-01-01"), 1, "day"), q.time_subtract(q.date("1970-01-01"), 2, "days"),
            q.time_diff(q.epoch(0, "second"), q.epoch(1, "second"), "second"),
            q.time_diff(q.date("1970-01-01"), q.date("1970-01-02"), "day"),
            q.time_diff(q.date("1970-01-01"), q.date("1970-01-03"), "days"),
        ],
        [
            ts("1970-01-01T01:00:00Z"), {"@date": "1970-01-02"}, {"@date": "1970-01-03"}, ts("1969-12-31T23:00:00Z"),
            {"@date": "1969-12-31"}, {"@date": "1969-12-30"}, 1, 1, 2,
        ],
    ),
    (
        "test now function/Equals(Now(), Time(\"now\")), shouldEvalNowExpression",
        q.equals(q.now(), q.time("now")),
        True,
    ),
    (
        "merge objects, shouldTestMerge",
        [
            q.merge({}, {"x": 10, "y": 20}),
            q.merge({"x": 10, "y": 20}, {"z": 30}),
            q.merge({"x": 10, "y": 20, "z": -1}, {"z": 30}),
            q.merge({"x": 10, "y": 20, "z": -1}, {"z": None}),
            q.merge({}, [{"x": 10}, {"y": 20}, {"z": 30}]),
        ],
        [{"x": 10, "y": 20}, {"x": 10, "y": 20, "z": 30}, {"x": 10, "y": 20, "z": 30}, {"x": 10, "y": 20}, {"x": 10, "y": 20, "z": 30}],
    ),
    (
        "merge objects/lambdas as the Scala macro writes them (unused parameters named `_`)",
        [
            {"merge": {"object": {"x": 10, "y": 20}}, "with": {"object": {"x": 100, "y": 200}},
             "lambda": {"lambda": ["_", "_", "right"], "expr": {"var": "right"}}},
            {"merge": {"object": {"x": 10, "y": 20}}, "with": {"object": {"x": 100, "y": 200}},
             "lambda": {"lambda": ["_", "left", "_"], "expr": {"var": "left"}}},
            {"merge": {"object": {"x": 10, "y": 20}}, "with": {"object": {"x": 100, "y": 200}},
             "lambda": {"lambda": "value", "expr": {"var": "value"}}},
        ],
        [{"x": 100, "y": 200}, {"x": 10, "y": 20}, {"x": ["x", 10, 100], "y": ["y", 20, 200]}],
    ),
    (
        "shouldTestMerge/lambdas as the Java spec writes them",
        [
            q.merge({"x": 10, "y": 20}, {"x": 100, "y": 200}, q.lambda_(["key", "left", "right"], q.var("right"))),
            q.merge({"x": 10, "y": 20}, {"x": 100, "y": 200}, q.lambda_(["key", "left", "right"], q.var("left"))),
            q.merge({"x": 10, "y": 20}, {"x": 100, "y": 200}, q.lambda_("value", q.var("value"))),
        ],
        [{"x": 100, "y": 200}, {"x": 10, "y": 20}, {"x": ["x", 10, 100], "y": ["y", 20, 200]}],
    ),
    (
        "to_object, to_array, to_object/to_array; shouldTestToObject/ToArray/ToArrayAndToObject",
        [
            q.to_object([["k0", 10], ["k1", 20]]), q.to_array({"k0": 10, "k1": 20}),
            q.to_object(q.to_array({"k0": 10, "k1": 20})),
        ],
        [{"k0": 10, "k1": 20}, [["k0", 10], ["k1", 20]], {"k0": 10, "k1": 20}],
    ),
    (
        "count/sum/mean collections/array, shouldTestCountSumMean/array",
        [q.sum(list(range(1, 101))), q.count(list(range(1, 101))), q.mean(list(range(1, 101)))],
        [5050, 100, 50.5],
    ),
    (
        "all/any/array, shouldTestAllAny/array",
        [q.all([True, True, True]), q.all([True, False, True]), q.any([False, False, False]), q.any([True, False, True])],
        [True, False, False, True],
    ),
    (
        "reduce collections/array, shouldTestReduce/array",
        q.reduce(q.lambda_(["acc", "i"], q.add(q.var("acc"), q.var("i"))), 10, list(range(1, 101))),
        5060,
    ),
    ("reverse an array, shouldReverseAnArray", q.reverse(list(range(1, 11))), list(range(10, 0, -1))),
    (
        "create recursive refs from string, shouldCreateNestedRefFromString",
        {"@ref": "collections/widget/123"},
        doc_ref("123", "widget"),
    ),
    (
        "not break do with one element, shouldNotBreakDoWithOneElement",
        [q.do(1), q.do(1, 2), {"do": [[1, 2]]}],
        [1, 2, [1, 2]],
    ),
    (
        "shouldTestReferences",
        [
            q.index("all_spells"), q.collection("spells"), q.database("faunadb-database"),
            {"@ref": {"id": "1234567890", "collection": {"@ref": {"id": "keys"}}}}, q.function("function_name"),
            q.role("role_name"), q.ref(q.collection("spells"), "1234567890"),
        ],
        [
            ref("all_spells", NATIVE["indexes"]), ref("spells", NATIVE["collections"]),
            ref("faunadb-database", NATIVE["databases"]), ref("1234567890", NATIVE["keys"]),
            ref("function_name", NATIVE["functions"]), ref("role_name", NATIVE["roles"]), doc_ref("1234567890", "spells"),
        ],
    ),
    (
        "test types/bytes, shouldEchoBytes",
        {"@bytes": base64.b64encode(bytes([1, 2, 3, 4])).decode()},
        {"@bytes": "AQIDBA=="},
    ),
]


@pytest.mark.parametrize("expr, expected", [pytest.param(e, v, id=n) for n, e, v in EXPRESSIONS])
def test_expression(root, scala, expr, expected):
    assert typed(scala.client.raw(expr)) == typed(expected)


# Errors of one expression: the test(s), the expression, status, code and description.
ERRORS = [
    ("abort the execution, shouldAbort", q.abort("a message"), 400, "transaction aborted", "a message"),
    (
        "test conversion functions/ToDouble, shouldThrowBadRequestOnToDouble",
        q.to_double(q.now()), 400, "invalid argument", "Cannot cast Time to Double.",
    ),
    (
        "test conversion functions/ToInteger, shouldThrowBadRequestOnToInteger",
        q.to_integer(q.now()), 400, "invalid argument", "Cannot cast Time to Integer.",
    ),
    (
        "should not find an instance (and with metrics), shouldThrowNotFoundWhenInstanceDoesntExists (and with metrics)",
        q.get(Ref("1234", Ref("spells", COLLECTIONS))), 404, "instance not found", "Document not found.",
    ),
]


@pytest.mark.parametrize("expr, status, code, description", [pytest.param(*e[1:], id=e[0]) for e in ERRORS])
def test_error(scala, expr, status, code, description):
    fails(scala.client, expr, status, code, description)


def test_unauthorized_and_permission_denied(root, scala, java):
    """fail with unauthorized, shouldThrowUnauthorizedOnInvalidSecret: a bad secret is UnauthorizedException;
    fail with permission denied, shouldThrowPermissionDeniedException: a client key's Paginate(Databases())."""
    get = q.get(Ref("12345", Ref("spells", COLLECTIONS)))
    fails(root.session("notavalidsecret"), get, 401, "unauthorized", "Unauthorized")
    fails(root.session("invalid-secret"), get, 401, "unauthorized", "Unauthorized")
    for db in (scala, java):
        key = root.query(q.create_key({"database": q.database(db.name), "role": "client"}))
        denied = root.session(key["secret"])
        fails(denied, {"paginate": NATIVE["databases"]}, 403, "permission denied", "Insufficient privileges to perform the action.")
        fails(denied, q.paginate(q.databases()), 403, "permission denied", "Insufficient privileges to perform the action.")


def test_tags(scala):
    """accept tags if customer provides them: RequestParameters' tags go out as `x-fauna-tags: Key1=Value1,Key2=Value2`
    and Now() is answered. (The other tag and traceparent cases are the client's own checks; no request is sent.)"""
    status, _, text = scala.client.request(_json.to_json(q.now()), extra={"x-fauna-tags": "Key1=Value1,Key2=Value2"})
    assert status == 200 and json.loads(text)["resource"]["@ts"].endswith("Z")


def test_metrics(scala, java):
    """return metrics data, shouldReturnMetricsData: each of MetricsResponse's thirteen headers is in the answer;
    return single instance from index / list all items in collection for query with metrics,
    shouldFindASingleInstanceFromIndex / shouldListAllItemsInACollection ForQueryWithMetrics (the value);
    receive a Null value properly for query with metrics."""
    status, found, _ = scala.client.request(_json.to_json(q.paginate(q.match(q.index("spells_by_element"), "fire"))))
    assert status == 200 and [h for h in METRICS if h not in found] == []
    coll = random_name("metrics_")
    c = scala.client
    c.query(q.create_collection({"name": coll}))
    c.query(q.create_index({"name": coll + "_by_element", "source": q.collection(coll), "terms": [{"field": ["data", "element"]}], "active": True}))
    c.query(q.create(q.collection(coll), {"data": {"name": "Magic Missile", "element": "arcane", "cost": 10}}))
    c.query(q.create(q.collection(coll), {"data": {"name": "Fire Bolt", "element": "fire", "cost": 15}}))
    # The Scala macro's `Lambda(nextRef => Select("data", Get(nextRef)))`.
    data_of = {"lambda": "nextRef", "expr": {"select": "data", "from": {"get": {"var": "nextRef"}}}}
    page = c.raw({"map": data_of, "collection": raw_json(q.paginate(q.match(q.index(coll + "_by_element"), "fire")))})
    assert typed(page["data"]) == typed([{"name": "Fire Bolt", "element": "fire", "cost": 15}])
    page = c.raw({"map": data_of, "collection": raw_json(q.paginate(q.documents(q.collection(coll))))})
    assert len(page["data"]) == 2
    r = java.refs
    assert java.client.query(q.paginate(q.match(q.index("spells_by_element"), "fire")))["data"] == [r["fireball"]]
    every = [r[n] for n in ["magic_missile", "fireball", "faerie_fire", "summon", "thor_spell1", "thor_spell2"]]
    assert java.client.query(q.paginate(q.documents(q.collection("spells"))))["data"] == every
    assert c.raw("null") is None


def test_echo_a_query_value(scala, java):
    """echo a query value: a `@query` comes back a QueryV with its lambda, expr and an api_version;
    shouldEchoQuery: the answer of Query(Lambda(...)) sent back is answered the same."""
    echoed = scala.client.raw({"@query": {"lambda": "_", "expr": True}})
    assert echoed["@query"]["lambda"] == "_" and echoed["@query"]["expr"] is True
    # Core's parser reads a `@query` that names no api_version at APIVersion.LambdaDefaultVersion (2.12), not at
    # the request's version, and renders that version beside it once the request's is past 2.12.
    assert echoed["@query"]["api_version"] == "2.12"
    made = java.client.raw(q.query(q.lambda_(["x", "y"], q.concat([q.var("x"), q.var("y")], "/"))))
    assert java.client.raw(made) == made


def test_create_and_read_documents(scala, java):
    """create a new instance, shouldCreateAComplexInstance: refs, numbers keep their types, missing fields;
    issue a batched query, shouldBeAbleToIssueABatchedQuery; shouldBeAbleToGetAnInstance (and WithCustomHeaders);
    shouldCreateASpellUsingEncoderDecoder."""
    c = scala.client
    made = c.raw(q.create(q.collection("spells"), {"data": {"testField": "testValue"}}))
    assert made["ref"]["@ref"]["collection"] == ref("spells", NATIVE["collections"])
    assert "database" not in made["ref"]["@ref"] and made["data"]["testField"] == "testValue"
    assert c.raw({"exists": made["ref"]}) is True
    data = {"array": [1, "2", 3.4], "bool": True, "num": 1234, "string": "sup", "float": 1.234, "null": None}
    made = c.raw(q.create(q.collection("spells"), {"data": {"testData": data}}))
    assert typed(made["data"]["testData"]) == typed({k: v for k, v in data.items() if v is not None})

    fields = {"array": [1, "2", 3.4, {"name": "JR"}], "bool": True, "num": 1234, "string": "sup", "float": 1.234}
    made = java.client.raw(q.create(java.new_collection(), {"data": {"testField": fields}}))
    assert typed(made["data"]["testField"]) == typed(fields)

    text1, text2 = random_name("a"), random_name("b")
    batch = [q.create(q.collection("spells"), {"data": {"queryTest1": t}}) for t in (text1, text2)]
    assert [d["data"]["queryTest1"] for d in c.raw(batch)] == [text1, text2]
    r = java.refs
    got = java.client.raw([q.get(r["magic_missile"]), q.get(r["thor"])])
    assert [d["data"]["name"] for d in got] == ["Magic Missile", "Thor"]
    assert java.client.raw([{"object": {"k1": "v1"}}, {"object": {"k2": "v2"}}]) == [{"k1": "v1"}, {"k2": "v2"}]
    assert java.custom.query(q.get(r["magic_missile"]))["data"]["name"] == "Magic Missile"

    spell = java.client.query(q.create(q.collection("spells"), {"data": {"name": "Blah", "element": "blah", "cost": 10}}))
    assert typed(java.client.raw(q.get(spell["ref"]))["data"]) == typed({"name": "Blah", "element": "blah", "cost": 10})
    java.client.query(q.delete(spell["ref"]))


def test_resource_modification(scala, java):
    """test resource modification; shouldBeAbleToUpdate/Replace/DeleteAnInstance, shouldBeAbleToInsertAndRemoveEvents;
    test basic forms/Do, shouldEvalDoExpression: a Create and a Get of a ref with a chosen id."""
    c = scala.client
    made = c.query(q.create(q.collection("spells"), {"data": {"name": "Magic Missile", "element": "arcane", "cost": 10}}))
    updated = c.raw(q.update(made["ref"], {"data": {"name": "Faerie Fire", "cost": None}}))
    assert updated["data"] == {"name": "Faerie Fire", "element": "arcane"}
    replaced = c.raw(q.replace(made["ref"], {"data": {"name": "Volcano", "element": ["fire", "earth"], "cost": 10}}))
    assert typed(replaced["data"]) == typed({"name": "Volcano", "element": ["fire", "earth"], "cost": 10})
    inserted = c.query(q.insert(made["ref"], 1, "create", {"data": {"cooldown": 5}}))
    assert inserted["document"] == made["ref"]
    assert c.raw(q.remove(made["ref"], 2, "delete")) is None
    c.query(q.delete(made["ref"]))
    fails(c, q.get(made["ref"]), 404, "instance not found", "Document not found.")
    assert c.raw(q.exists(made["ref"])) is False

    chosen = Ref(str(250000 + int(time.time()) % 250000), Ref("spells", COLLECTIONS))
    got = c.query(q.do(q.create(chosen, {"data": {"name": "Magic Missile"}}), q.get(chosen)))
    assert got["ref"] == chosen
    coll = java.new_collection()
    chosen = Ref(str(int(time.time() * 1000)), coll)
    assert java.client.query(q.do(q.create(chosen, {"data": {"name": "Magic Missile"}}), q.get(chosen)))["ref"] == chosen

    jc = java.client
    made = jc.query(q.create(java.new_collection(), {"data": {"name": "Magic Missile", "element": "arcane", "cost": 10}}))
    replaced = jc.raw(q.replace(made["ref"], {"data": {"name": "Volcano", "elements": ["fire", "earth"], "cost": 10}}))
    assert typed(replaced["data"]) == typed({"name": "Volcano", "elements": ["fire", "earth"], "cost": 10})


def test_foreach(scala, java):
    """test collections/Foreach, shouldExecuteForeachExpression, shouldForeachWithLambda (a `foreach3` symbol):
    the array comes back and each name was created."""
    spells = ["Fireball Level 1", "Fireball Level 2"]
    made = q.lambda_("spell", q.create(q.collection("spells"), {"data": {"name": q.var("spell")}}))
    assert scala.client.raw(q.foreach(made, spells)) == spells
    coll = java.new_collection()
    assert java.client.raw(q.foreach(q.lambda_("spell", q.create(coll, {"data": {"name": q.var("spell")}})), spells)) == spells
    coll = java.new_collection()
    create = raw_json(q.create(coll, {"data": {"name": q.var("foreach3")}}))
    assert java.client.raw({"foreach": {"lambda": "foreach3", "expr": create}, "collection": spells}) == spells
    names = java.client.raw(q.map_(q.lambda_("r", q.select(["data", "name"], q.get(q.var("r")))), q.paginate(q.documents(coll))))
    assert sorted(names["data"]) == spells


def test_get_at_timestamp(scala, java):
    """get at timestamp: At(ts, Get(ref)) sees each version; shouldPaginateAtTimestamp: all_spells before Summon."""
    c = scala.client
    coll = scala.new_collection()
    made = c.query(q.create(coll, {"data": {"x": 1}}))
    stamps = [made["ts"]] + [c.query(q.update(made["ref"], {"data": {"x": x}}))["ts"] for x in (2, 3)]
    assert [c.raw(q.at(t, q.get(made["ref"])))["data"]["x"] for t in stamps] == [1, 2, 3]
    r = java.refs
    before = java.client.query(q.get(r["summon"]))["ts"] - 1
    page = java.client.query(q.at(before, q.paginate(q.match(q.index("all_spells")))))
    assert page["data"] == [r["magic_missile"], r["fireball"], r["faerie_fire"]]


def test_pagination(scala, java):
    """issue a paginated query: after and before cursors; shouldPaginateOverAnIndex; paginate with cursor object,
    shouldPaginateWithCursorObject: `cursor: null`, then `{after: ...}` and `{before: ...}` objects."""
    c = scala.client
    name = random_name("paged_")
    coll = c.query(q.create_collection({"name": name}))["ref"]
    every = c.query(q.create_index({"name": name + "_collection_index", "source": coll, "active": True, "unique": False}))["ref"]
    terms = [{"field": ["data", "queryTest1"]}]
    test = c.query(q.create_index({"name": name + "_test_index", "source": coll, "terms": terms, "active": True, "unique": False}))["ref"]
    made = [c.query(q.create(coll, {"data": {"queryTest1": t}}))["ref"] for t in ("t1", "t2", "t3")]
    assert c.query(q.paginate(q.match(test, "t1")))["data"] == [made[0]]
    first = c.raw(q.paginate(q.match(every), size=1))
    assert len(first["data"]) == 1 and "after" in first and "before" not in first
    second = c.raw({"paginate": raw_json(q.match(every)), "after": first["after"], "size": 1})
    assert len(second["data"]) == 1 and "after" in second and "before" in second

    name = random_name("cursor_")
    coll = c.query(q.create_collection({"name": name}))
    index = c.raw(q.create_index({"name": q.concat([coll["name"], "_collection_index"]), "source": coll["ref"], "active": True}))
    c.raw([{"create": raw_json(coll["ref"]), "params": {"object": {"name": random_name()}}} for _ in range(10)])

    def page(cursor):
        return c.raw({"paginate": {"match": index["ref"]}, "cursor": cursor, "size": 4})

    first = page(None)
    second = page({"object": {"after": first["after"]}})
    third = page({"object": {"before": second["before"]}})
    assert len(first["data"]) == 4 and first["data"] != second["data"] and first["data"] == third["data"]

    jc, spells = java.client, raw_json(q.match(q.index("all_spells")))
    one = jc.raw({"paginate": spells, "size": 3})
    assert len(one["data"]) == 3 and "after" in one and "before" not in one
    two = jc.raw({"paginate": spells, "after": one["after"], "size": 3})
    assert len(two["data"]) == 3 and two["data"] != one["data"] and "before" in two and "after" not in two
    first = jc.raw({"paginate": spells, "cursor": None, "size": 3})
    second = jc.raw({"paginate": spells, "cursor": {"object": {"after": first["after"]}}, "size": 3})
    third = jc.raw({"paginate": spells, "cursor": {"object": {"before": second["before"]}}, "size": 3})
    assert len(first["data"]) == 3 and first["data"] != second["data"] and first["data"] == third["data"]


def test_constraint_violation(scala, java):
    """handle a constraint violation, shouldHandleConstraintViolations: BadRequestException, `instance not unique`."""
    for db in (scala, java):
        coll = db.new_collection()
        terms = [{"field": ["data", "uniqueTest1"]}]
        db.client.query(q.create_index({"name": random_name("by_unique_"), "source": coll, "terms": terms, "unique": True, "active": True}))
        db.client.query(q.create(coll, {"data": {"uniqueTest1": "same"}}))
        fails(db.client, q.create(coll, {"data": {"uniqueTest1": "same"}}), 400, "instance not unique", "document is not unique.", ["create"])


def test_set_refs_and_nested_sets(scala, java):
    """test types, shouldDealWithSetRef: a Match is a `@set` of its index and terms; parse nested sets: a set
    mapped into an object stays a set, and IsSet says so."""
    for db in (scala, java):
        found = db.client.raw(q.match(q.index("spells_by_element"), "arcane"))
        assert found == {"@set": {"match": ref("spells_by_element", NATIVE["indexes"]), "terms": "arcane"}}
    coll, index = random_name("c"), random_name("i")
    scala.client.query(q.create_collection({"name": coll}))
    scala.client.query(q.create_index({"name": index, "source": q.collection(coll), "active": True}))
    mapped = scala.client.raw(q.map_(q.lambda_("x", {"value": q.var("x"), "IsSet": q.is_set(q.var("x"))}), [q.match(q.index(index))]))
    assert mapped == [{"value": {"@set": {"match": ref(index, NATIVE["indexes"])}}, "IsSet": True}]


def test_sets(scala, java):
    """test sets; test collections/pages; shouldTestCollectionPredicatesForPages, shouldReadEventsFromIndex,
    shouldPaginateUnion/Intersection/Difference/DistinctSets/Join/LambdaJoin, shouldFindASingleInstanceFromIndex,
    shouldListAllItemsInACollection / OnACollectionIndex."""
    c = scala.client
    by = lambda element: q.match(q.index("spells_by_element"), element)  # noqa: E731

    def create(data):
        return c.query(q.create(q.collection("spells"), {"data": data}))["ref"]

    m = create({"name": "Magic Missile", "element": "arcane", "cost": 10})
    f = create({"name": "Fireball", "element": "fire", "cost": 10})
    ff = create({"name": "Faerie Fire", "element": ["arcane", "nature"], "cost": 10})
    s = create({"name": "Summon Animal Companion", "element": "nature", "cost": 10})
    assert m in c.query(q.paginate(by("arcane")))["data"]
    assert m in [e["document"] for e in c.query(q.paginate(by("arcane"), events=True))["data"]]
    union = c.query(q.paginate(q.union(by("arcane"), by("fire"))))["data"]
    assert m in union and f in union
    events = c.query(q.paginate(q.union(by("arcane"), by("fire")), events=True))["data"]
    added = [e["document"] for e in events if e["action"] == "add"]
    assert m in added and f in added
    assert ff in c.query(q.paginate(q.intersection(by("arcane"), by("nature"))))["data"]
    assert s in c.query(q.paginate(q.difference(by("nature"), by("arcane"))))["data"]
    element = random_name("element")
    c.query(q.create(q.collection("spells"), {"data": {"name": "predicate test", "element": element}}))
    pages = [q.paginate(by(element)), q.paginate(by("an invalid element"))]
    assert c.raw([q.is_empty(p) for p in pages] + [q.is_nonempty(p) for p in pages]) == [False, True, True, False]

    jc, r = java.client, java.refs
    jby = lambda element: q.match(q.index("spells_by_element"), element)  # noqa: E731
    assert jc.raw([q.is_empty(q.paginate(jby("fire"))), q.is_empty(q.paginate(jby("arcane")))]) == [False, False]
    assert jc.raw([q.is_nonempty(q.paginate(jby("fire"))), q.is_nonempty(q.paginate(jby("water")))]) == [True, False]
    events = jc.query(q.paginate(jby("arcane"), events=True))["data"]
    assert [e["document"] for e in events] == [r["magic_missile"], r["faerie_fire"]]
    assert jc.query(q.paginate(q.union(jby("arcane"), jby("fire"))))["data"] == [r["magic_missile"], r["fireball"], r["faerie_fire"]]
    assert jc.query(q.paginate(q.intersection(jby("arcane"), jby("nature"))))["data"] == [r["faerie_fire"]]
    assert jc.query(q.paginate(q.difference(jby("nature"), jby("arcane"))))["data"] == [r["summon"]]
    assert jc.query(q.paginate(q.distinct(q.match(q.index("elements_of_spells")))))["data"] == ["arcane", "fire", "nature"]
    owner = q.match(q.index("spellbooks_by_owner"), r["thor"])
    joined = jc.query(q.paginate(q.join(owner, q.lambda_("spellbook", q.match(q.index("spells_by_spellbook"), q.var("spellbook"))))))
    assert joined["data"] == [r["thor_spell1"], r["thor_spell2"]]
    by_book = raw_json(q.match(q.index("spells_by_spellbook"), q.var("join4")))
    joined = jc.query({"paginate": {"join": raw_json(owner), "with": {"lambda": "join4", "expr": by_book}}})
    assert joined["data"] == [r["thor_spell1"], r["thor_spell2"]]
    every = [r[n] for n in ["magic_missile", "fireball", "faerie_fire", "summon", "thor_spell1", "thor_spell2"]]
    assert jc.query(q.paginate(q.match(q.index("all_spells"))))["data"] == every


def test_events(scala, java):
    """test events api, shouldTestEvents, shouldTestSingleton: create, update, delete; then add and remove."""
    for db in (scala, java):
        c = db.client
        made = c.query(q.create(db.new_collection(), {"data": {"x": 1}}))["ref"]
        c.query(q.update(made, {"data": {"x": 2}}))
        c.query(q.delete(made))
        events = c.query(q.paginate(q.events(made)))["data"]
        assert [(e["action"], e["document"]) for e in events] == [("create", made), ("update", made), ("delete", made)]
        events = c.query(q.paginate(q.events(q.singleton(made))))["data"]
        assert [(e["action"], e["document"]) for e in events] == [("add", made), ("remove", made)]


def test_contains_value(scala, java):
    """test miscellaneous functions/ContainsValue, shouldEvalContainsValueExpression: a document ref holds its id;
    test ContainsValue function by index, shouldEvalContainsValueExpressionByIndex: a Match of the value."""
    for db in (scala, java):
        made = db.client.query(q.create(db.new_collection(), {}))["ref"]
        assert db.client.raw(q.contains_value(made.id(), made)) is True
        coll, index = db.new_collection(), random_name("by_value_")
        field = [{"field": ["data", "value"]}]
        db.client.query(q.create_index({"name": index, "source": coll, "active": True, "terms": field, "values": field}))
        db.client.query(q.create(coll, {"data": {"value": "foo"}}))
        assert db.client.raw(q.contains_value("foo", q.match(q.index(index), "foo"))) is True


def test_clock(scala):
    """test time functions (ToMillis, DayOfYear, DayOfMonth, DayOfWeek, Year, Month, Minute, Second of the
    client's instant), shouldEvalToMillis/DayOfYear/DayOfMonth/DayOfWeek/Year/Month/Minute/SecondExpression;
    test now function, shouldEvalNowExpression: two Now() answers and a third Now() are in order; NewId."""
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=123000)
    stamp = q.time(now.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z")
    got = scala.client.raw([
        q.to_millis(stamp), q.day_of_year(stamp), q.day_of_month(stamp), q.day_of_week(stamp), q.year(stamp),
        q.month(stamp), q.minute(stamp), q.second(stamp),
    ])
    # Calendar.DAY_OF_WEEK - 1 is 1 for Monday ... 6 for Saturday as ISO's, but 0 for Sunday, which core's
    # DayOfWeek (ISO) calls 7: on a Sunday the JVM tests fail on Fauna too, so this checks ISO's day.
    expected = [int(now.timestamp() * 1000), now.timetuple().tm_yday, now.day, now.isoweekday(), now.year,
                now.month, now.minute, now.second]
    assert got == expected
    t1, t2 = scala.client.query(q.now()), scala.client.query(q.now())
    assert scala.client.raw(q.lte(t1, t2, q.now())) is True
    new_id = scala.client.raw(q.new_id())
    assert isinstance(new_id, str) and new_id.isdigit()


def test_authentication(scala, java):
    """test authentication functions (Login, HasIdentity, HasCurrentIdentity, Identity, CurrentIdentity,
    Logout, Identify); shouldAuthenticateSession, shouldTestHasIdentity, shouldTestIdentity,
    shouldTestHasCurrentIdentity, shouldTestCurrentIdentity; HasCurrentToken and CurrentToken with a token
    and with a key (both specs)."""
    c = scala.client
    made = c.query(q.create(q.collection("spells"), {"credentials": {"password": "abcdefg"}}))["ref"]
    login = c.query(q.login(made, {"password": "abcdefg"}))
    session = c.session(login["secret"])
    assert session.raw([q.has_identity(), q.has_current_identity()]) == [True, True]
    assert session.query('{"identity": null}') == made and session.query(q.current_identity()) == made
    assert session.query(q.current_token()) == login["ref"]
    assert session.raw(q.has_current_token()) is True
    assert session.raw(q.logout(False)) is True
    assert c.raw(q.identify(made, "abcdefg")) is True
    assert c.raw(q.has_current_token()) is False

    jc = java.client
    made = jc.query(q.create(java.new_collection(), {"credentials": {"password": "abcdefg"}}))["ref"]
    login = jc.query(q.login(made, {"password": "abcdefg"}))
    session = jc.session(login["secret"])
    assert session.raw([q.has_identity(), q.has_current_identity(), q.has_current_token()]) == [True, True, True]
    assert session.query([{"identity": None}, q.current_identity(), q.current_token()]) == [made, made, login["ref"]]
    assert session.raw(q.logout(True)) is True
    assert jc.raw(q.identify(made, "wrong-password")) is False
    assert jc.raw(q.has_current_token()) is False

    for db in (scala, java):
        key = db.admin.query(q.create_key({"role": "client"}))
        assert db.admin.session(key["secret"]).query(q.current_token()) == key["ref"]


def test_access_providers(scala, java):
    """create_access_provider successful creation, fails with non-unique issuer / without issuer / without name /
    with invalid URI; retrieve an existing access provider, retrieve all existing access providers;
    shouldTestCreateAccessProvider, shouldRetrieveAnExistingAccessProvider, shouldRetrieveAllExistingAccessProviders."""
    admin = scala.admin
    role = random_name("my_role")
    made_role = admin.query(q.create_role({"name": role, "privileges": {"resource": q.databases(), "actions": {"read": True}}}))
    name, issuer, uri = random_name("my_provider"), random_name("my_issuer"), f"https://{random_name()}.auth0.com"
    provider = admin.query(q.create_access_provider({"name": name, "issuer": issuer, "jwks_uri": uri, "roles": [q.role(role)]}))
    assert provider["roles"] == [made_role["ref"]] and "audience" in provider
    assert (provider["name"], provider["issuer"], provider["jwks_uri"]) == (name, issuer, uri)
    duplicate = {"name": "duplicate_provider", "issuer": issuer, "jwks_uri": "https://db.fauna.com", "roles": [q.role(role)]}
    error = fails(admin, q.create_access_provider(duplicate), 400, "validation failed")
    # AccessProvider's issuer is unique (NativeIndex AccessProviderByIssuer): core's DuplicateValue failure.
    assert [(f["field"], f["code"]) for f in error["failures"]] == [(["issuer"], "duplicate value")]
    # Without issuer or name, core's ValueRequired; a jwks_uri that is no URL, its InvalidURI (`invalid uri`).
    invalid = [
        ({"name": random_name(), "jwks_uri": uri}, ["issuer"], "value required"),
        ({"issuer": random_name(), "jwks_uri": uri}, ["name"], "value required"),
        ({"name": random_name(), "issuer": random_name(), "jwks_uri": "notaurl"}, ["jwks_uri"], "invalid uri"),
    ]
    for params, field, code in invalid:
        error = fails(admin, q.create_access_provider({**params, "roles": [q.role(role)]}), 400, "validation failed")
        assert [(f["field"], f["code"]) for f in error["failures"]] == [(field, code)]
    admin.query(q.delete(q.access_provider(name)))

    for db in (scala, java):
        one, two = random_name("p"), random_name("p")
        made = [db.admin.query(q.create_access_provider({"name": n, "issuer": random_name(), "jwks_uri": "https://xxxx.auth0.com/"})) for n in (one, two)]
        got = db.admin.query(q.get(q.access_provider(one)))
        assert "ref" in got and "ts" in got and (got["name"], got["jwks_uri"]) == (one, "https://xxxx.auth0.com/")
        assert got["issuer"] == made[0]["issuer"]
        page = db.admin.query(q.paginate(q.access_providers()))["data"]
        assert sorted(r.id() for r in page) == sorted([one, two])
        db.admin.query(q.do(q.delete(q.access_provider(one)), q.delete(q.access_provider(two))))


def test_keys(root, scala, java):
    """create session client: the root secret answers an echo; find key by secret, shouldGetKeyFromSecret:
    KeyFromSecret answers what Get of the key answers."""
    assert scala.client.session("secret").raw('"echo string"') == "echo string"
    for db, role in ((scala, "admin"), (java, "server")):
        key = root.query(q.create_key({"database": q.database(db.name), "role": role}))
        assert root.raw(q.key_from_secret(key["secret"])) == root.raw(q.get(key["ref"]))


def test_functions(scala, java):
    """create a function, call a function, shouldCreateFunction, shouldCallFunction (the Scala macro's
    `Query((a, b) => ...)` is `{"query": {"lambda": ["a", "b"], ...}}`); parse function errors: a call error
    whose cause is the abort."""
    c = scala.client
    body = {"query": {"lambda": ["a", "b"], "expr": {"concat": [{"var": "a"}, {"var": "b"}], "separator": "/"}}}
    c.raw({"create_function": {"object": {"name": "a_function", "body": body}}})
    assert c.raw(q.exists(q.function("a_function"))) is True
    c.raw({"create_function": {"object": {"name": "concat_with_slash", "body": body}}})
    assert c.raw(q.call(q.function("concat_with_slash"), "a", "b")) == "a/b"
    c.query(q.create_function({"name": "function_with_abort", "body": q.query(q.lambda_("_", q.abort("this function failed")))}))
    error = fails(c, q.call(q.function("function_with_abort")), 400, "call error", "Calling the function resulted in an error.", [])
    # The cause is placed in the function's body, as core's UserFunctionsSpec has it (`["expr", ...]`).
    assert error["cause"] == [{"position": ["expr"], "code": "transaction aborted", "description": "this function failed"}]

    jc = java.client
    name = random_name("fn")
    jc.query(q.create_function({"name": name, "body": q.query(q.lambda_(["x", "y"], q.concat([q.var("x"), q.var("y")], "/")))}))
    assert jc.raw(q.exists(q.function(name))) is True
    jc.query(q.create_function({"name": "concat_with_slash", "body": q.query(q.lambda_(["x", "y"], q.concat([q.var("x"), q.var("y")], "/")))}))
    assert jc.raw(q.call(q.function("concat_with_slash"), "a", "b")) == "a/b"


def new_database(client: JvmClient, name: str) -> JvmClient:
    """createNewDatabase: a child database and a client of an admin key to it."""
    client.query(q.create_database({"name": name}))
    key = client.query(q.create_key({"database": q.database(name), "role": "admin"}))
    return client.session(key["secret"])


def test_roles_and_nested_databases(root, scala, java):
    """create a role, shouldCreateRole; read a role from a nested database; create collection in a nested database;
    shouldTestNestedReferences; shouldAllowForScopedKeys."""
    name = random_name("a_role_")
    root.query(q.create_role({"name": name, "privileges": {"resource": q.collections(), "actions": {"read": True}}}))
    assert root.raw(q.exists(q.role(name))) is True
    java.admin.query(q.create_role({"name": "a_role", "privileges": {"resource": q.databases(), "actions": {"read": True}}}))
    assert java.admin.raw(q.exists(q.role("a_role"))) is True

    child = new_database(scala.admin, "db-for-roles")
    child.query(q.create_role({"name": "a_role", "privileges": {"resource": q.collections(), "actions": {"read": True}}}))
    assert child.raw(q.paginate(q.roles()))["data"] == [ref("a_role", NATIVE["roles"])]
    scoped = ref("a_role", NATIVE["roles"], ref("db-for-roles", NATIVE["databases"]))
    assert scala.admin.raw(q.paginate(q.roles(q.database("db-for-roles"))))["data"] == [scoped]

    parent = new_database(scala.admin, "parent-database")
    new_database(parent, "child-database")
    key = parent.query(q.create_key({"database": q.database("child-database"), "role": "server"}))
    parent.session(key["secret"]).query(q.create_collection({"name": "a_collection"}))
    nested = q.database("child-database", q.database("parent-database"))
    assert scala.client.raw(q.exists(q.collection("a_collection", nested))) is True
    child_db = ref("child-database", NATIVE["databases"], ref("parent-database", NATIVE["databases"]))
    assert scala.client.raw(q.paginate(q.collections(nested)))["data"] == [ref("a_collection", NATIVE["collections"], child_db)]

    parent = new_database(java.admin, "parent-database")
    child = new_database(parent, "child-database")
    child.query(q.create_collection({"name": "a_collection"}))
    child.query(q.create_role({"name": "a_role", "privileges": {"resource": q.databases(), "actions": {"read": True}}}))
    assert java.admin.raw([q.exists(q.collection("a_collection", nested)), q.exists(q.role("a_role", nested))]) == [True, True]
    refs = java.admin.raw(q.paginate(q.union(q.collections(nested), q.roles(nested))))["data"]
    expected = [ref("a_collection", NATIVE["collections"], child_db), ref("a_role", NATIVE["roles"], child_db)]
    assert sorted(refs, key=json.dumps) == sorted(expected, key=json.dumps)

    parent = new_database(java.admin, "scoped-database")
    child = new_database(parent, "child-database1")
    new_database(child, "child-database2")
    key = java.admin.query(q.create_key({"database": q.database("scoped-database"), "role": "admin"}))
    java.admin.session(key["secret"] + ":child-database1/child-database2:admin").query(q.create_collection({"name": "foo"}))
    deep = q.database("child-database2", q.database("child-database1", q.database("scoped-database")))
    assert len(java.admin.raw(q.paginate(q.collections(deep)))["data"]) == 1


def test_keys_of_a_child_database(scala, java):
    """retrieve keys created for a child database (from the parent, and from the grandparent with the scope
    param): retrieveKeysCreatedForChildDatabase, ...FromDatabaseDefinedByScope. From above, each key's class is
    `keys` scoped to the parent database."""
    for db in (scala, java):
        parent_name, child_name = random_name("database_"), random_name("database_")
        parent = new_database(db.admin, parent_name)
        parent.query(q.create_database({"name": child_name}))
        made = [parent.raw(q.create_key({"database": q.database(child_name), "role": r}))["ref"] for r in ("server", "admin")]
        assert sorted(parent.raw(q.paginate(q.keys()))["data"], key=json.dumps) == sorted(made, key=json.dumps)
        scope = ref(parent_name, NATIVE["databases"])
        expected = [ref(k["@ref"]["id"], ref("keys", None, scope)) for k in made]
        assert db.admin.raw(q.paginate(q.keys(q.database(parent_name))))["data"] == expected


def test_move_database(scala, java):
    """move database, testMoveDatabase: db1 has no databases, then db2 with its collection."""
    for db in (scala, java):
        one, two, cls = random_name("db1_"), random_name("db2_"), random_name("cls_")
        first = new_database(db.admin, one)
        new_database(db.admin, two).query(q.create_collection({"name": cls}))
        assert first.raw(q.paginate(q.databases()))["data"] == []
        db.admin.query(q.move_database(q.database(two), q.database(one)))
        assert first.raw(q.paginate(q.databases()))["data"] == [ref(two, NATIVE["databases"])]
        found = first.raw(q.paginate(q.collections(q.database(two))))["data"]
        assert found == [ref(cls, NATIVE["collections"], ref(two, NATIVE["databases"]))]


def test_complex_index(scala, java):
    """parse complex index, shouldParseComplexIndex: bindings written as Query(Lambda(...)) of a source object
    (the Scala spec names the collection with the legacy `class` function)."""
    for db, source in ((scala, {"class": "reservations"}), (java, raw_json(q.collection("reservations")))):
        db.client.query(q.create_collection({"name": "reservations"}))
        fields = {
            "cfLastName": raw_json(q.query(q.lambda_("x", q.casefold(q.select(["data", "guestInfo", "lastName"], q.var("x")))))),
            "fActive": raw_json(q.query(q.lambda_("x", q.select(["data", "active"], q.var("x"))))),
        }
        index = {
            "name": "reservations_by_lastName",
            "source": {"object": {"class": source, "fields": {"object": fields}}},
            "terms": [{"object": {"binding": "cfLastName"}}, {"object": {"binding": "fActive"}}],
            "values": [{"object": {"field": ["data", p]}} for p in ("checkIn", "checkOut")] + [{"object": {"field": ["ref"]}}],
            "active": True,
        }
        assert db.client.raw({"create_index": {"object": index}})["name"] == "reservations_by_lastName"


def test_encode_decode_user_classes(scala):
    """encode/decode user classes: the codec's object (an absent `cost` left out) comes back; the arcane spells'
    data read through Map and Get."""
    c = scala.client
    summon = {"name": "Mistress Summon", "element": "wind"}
    assert c.raw(q.create(q.collection("spells"), {"data": summon}))["data"] == summon
    data_of = {"lambda": "x", "expr": {"select": "data", "from": {"get": {"var": "x"}}}}
    page = c.raw({"map": data_of, "collection": raw_json(q.paginate(q.match(q.index("spells_by_element"), "arcane")))})
    spells = {json.dumps(d, sort_keys=True) for d in page["data"]}
    assert json.dumps({"name": "Magic Missile", "element": "arcane", "cost": 10}, sort_keys=True) in spells
    assert json.dumps({"name": "Faerie Fire", "element": ["arcane", "nature"], "cost": 10}, sort_keys=True) in spells


def indexed_values(db: Db, values: list[dict], fields: list[list], terms: list[list] | None = None):
    """A collection with one document per object of `values` and an index of `fields` (and `terms`)."""
    coll, name = db.new_collection(), random_name("idx_")
    index = {"name": name, "source": coll, "active": True, "values": [{"field": f} for f in fields]}
    if terms:
        index["terms"] = [{"field": f} for f in terms]
    made = db.client.query(q.create_index(index))["ref"]
    db.client.query(q.foreach(q.lambda_("d", q.create(coll, {"data": q.var("d")})), values))
    return made


def test_reduce_count_sum_mean(scala, java):
    """reduce collections, shouldTestReduce (a page and a set); count/sum/mean collections, shouldTestCountSumMean
    (sets and pages): 5050, 100 and 50.5, typed."""
    for db in (scala, java):
        index = indexed_values(db, [{"value": i, "foo": "bar"} for i in range(1, 101)], [["data", "value"], ["data", "foo"]])
        add = q.lambda_(["acc", "i"], q.add(q.var("acc"), q.select(0, q.var("i"))))
        everything = q.match(index)
        got = db.client.raw([q.reduce(add, 10, q.paginate(everything, size=100)), q.reduce(add, 10, everything)])
        assert typed(got) == typed([{"data": [5060]}, 5060])
        index = indexed_values(db, [{"value": i} for i in range(1, 101)], [["data", "value"]])
        s = q.match(index)
        assert typed(db.client.raw([q.sum(s), q.count(s), q.mean(s)])) == typed([5050, 100, 50.5])
        page = q.paginate(s, size=100)
        got = db.client.raw([q.select(["data", 0], q.sum(page)), q.select(["data", 0], q.count(page)), q.select(["data", 0], q.mean(page))])
        assert typed(got) == typed([5050, 100, 50.5])


def test_all_any(scala, java):
    """all/any, shouldTestAllAny: pages answer `{data: [bool]}`, sets a bool."""
    rows = [("true", True)] * 3 + [("false", False)] * 3 + [("mixed", True), ("mixed", False)] * 2
    for db in (scala, java):
        index = indexed_values(db, [{"foo": f, "value": v} for f, v in rows], [["data", "value"]], [["data", "foo"]])
        exprs, expected = [], []
        for fn, answers in ((q.all, [True, False, False]), (q.any, [True, False, True])):
            for term, answer in zip(["true", "false", "mixed"], answers):
                exprs += [fn(q.paginate(q.match(index, term))), fn(q.match(index, term))]
                expected += [{"data": [answer]}, answer]
        assert db.client.raw(exprs) == expected


def test_to_object_of_a_page(scala, java):
    """to_object, shouldTestToObject: ToObject of a page's data of [key, value] rows."""
    for db in (scala, java):
        index = indexed_values(db, [{"key": "k0", "value": 10}, {"key": "k1", "value": 20}], [["data", "key"], ["data", "value"]])
        assert db.client.raw(q.to_object(q.select("data", q.paginate(q.match(index))))) == {"k0": 10, "k1": 20}


def test_range(scala, java):
    """range, shouldTestRange: Range of an index of values 1..20 and refs, and its unions, differences and
    intersections (the Scala macro's `Lambda((value, ref) => value)` leaves neither unused)."""
    for db in (scala, java):
        index = indexed_values(db, [{"value": i} for i in range(1, 21)], [["data", "value"], ["ref"]])
        m = q.match(index)

        def values(set_expr):
            mapped = q.map_(q.lambda_(["value", "ref"], q.var("value")), q.paginate(set_expr))
            return db.client.raw(q.select("data", mapped))

        assert values(q.range(m, 3, 7)) == list(range(3, 8))
        assert values(q.union(q.range(m, 1, 10), q.range(m, 11, 20))) == list(range(1, 21))
        assert values(q.difference(q.range(m, 1, 20), q.range(m, 11, 20))) == list(range(1, 11))
        assert values(q.intersection(q.range(m, 1, 20), q.range(m, 5, 15))) == list(range(5, 16))


def test_reverse_sets_and_pages(scala, java):
    """reverse a set, reverse a page, shouldReverseASet, shouldReverseAPage: the refs of the forward page, reversed."""
    for db in (scala, java):
        coll, name = db.new_collection(), random_name("rev_")
        db.client.query(q.create_index({"name": name, "source": coll, "active": True}))
        db.client.query([q.create(coll, {}), q.create(coll, {})])
        forward = db.client.raw(q.paginate(q.match(q.index(name))))["data"]
        assert len(forward) == 2
        assert db.client.raw(q.paginate(q.reverse(q.match(q.index(name)))))["data"] == forward[::-1]
        assert db.client.raw(q.reverse(q.paginate(q.match(q.index(name)))))["data"] == forward[::-1]


def test_documents(scala):
    """retrieve documents from a collection (and by using a client with custom headers): ten documents."""
    for client in (scala.client, scala.custom):
        coll = client.query(q.create_collection({"name": random_name("docs_")}))["ref"]
        for _ in range(10):
            client.query(q.create(coll, {}))
        assert len(client.raw(q.paginate(q.documents(coll)))["data"]) == 10


def test_type_check(scala, java):
    """type check, testTypeCheck: 41 Is* expressions answer true and 37 false, for each kind of ref and value."""
    for db in (scala, java):
        c, admin = db.client, db.admin
        coll = c.query(q.create_collection({"name": random_name("tc")}))["ref"]
        index = c.query(q.create_index({"name": random_name("tc"), "source": coll, "active": True}))["ref"]
        doc = c.query(q.create(coll, {"credentials": {"password": "sekret"}}))["ref"]
        dbref = admin.query(q.create_database({"name": random_name("tc")}))["ref"]
        fn = c.query(q.create_function({"name": random_name("tc"), "body": q.query(q.lambda_("x", q.var("x")))}))["ref"]
        key = admin.query(q.create_key({"database": dbref, "role": "admin"}))["ref"]
        tok = c.query(q.login(doc, {"password": "sekret"}))
        role = admin.query(q.create_role({"name": random_name("tc"), "membership": [], "privileges": []}))["ref"]
        cred = c.session(tok["secret"]).query('{"get": {"@ref": "credentials/self"}}')["ref"]
        token = tok["ref"]
        identity = q.query(q.lambda_("x", q.var("x")))
        true_exprs = [
            q.is_number(3.14), q.is_number(10), q.is_double(3.14), q.is_integer(10), q.is_boolean(True),
            q.is_boolean(False), q.is_null(None), q.is_bytes(bytearray([1, 2, 3, 4])), q.is_timestamp(q.now()),
            q.is_timestamp(q.epoch(1, "second")), q.is_timestamp(q.time("1970-01-01T00:00:00Z")),
            q.is_date(q.to_date(q.now())), q.is_date(q.date("1970-01-01")), q.is_string("string"), q.is_array([10]),
            q.is_object({"x": 10}), q.is_object(q.paginate(q.collections())), q.is_object(q.get(doc)), q.is_ref(coll),
            q.is_set(q.collections()), q.is_set(q.match(index)), q.is_set(q.union(q.match(index))), q.is_doc(doc),
            q.is_doc(q.get(doc)), q.is_lambda(identity), q.is_collection(coll), q.is_collection(q.get(coll)),
            q.is_database(dbref), q.is_database(q.get(dbref)), q.is_index(index), q.is_index(q.get(index)),
            q.is_function(fn), q.is_function(q.get(fn)), q.is_key(key), q.is_key(q.get(key)), q.is_token(token),
            q.is_token(q.get(token)), q.is_credentials(cred), q.is_credentials(q.get(cred)), q.is_role(role),
            q.is_role(q.get(role)),
        ]
        assert len(true_exprs) == 41 and admin.raw(true_exprs) == [True] * 41
        false_exprs = [
            q.is_number("string"), q.is_number([]), q.is_double(10), q.is_integer(3.14), q.is_boolean("string"),
            q.is_boolean(10), q.is_null("string"), q.is_bytes([1, 2, 3, 4]), q.is_timestamp(q.to_date(q.now())),
            q.is_timestamp(10), q.is_date(q.now()), q.is_string([]), q.is_string(10), q.is_array({"x": 10}),
            q.is_object([10]), q.is_ref(q.match(index)), q.is_ref(10), q.is_set("string"), q.is_doc({}),
            q.is_lambda(fn), q.is_lambda(q.get(fn)), q.is_collection(dbref), q.is_collection(q.get(dbref)),
            q.is_database(coll), q.is_database(q.get(coll)), q.is_index(coll), q.is_index(q.get(dbref)),
            q.is_function(index), q.is_function(q.get(coll)), q.is_key(dbref), q.is_key(q.get(index)),
            q.is_token(index), q.is_token(q.get(cred)), q.is_credentials(token), q.is_credentials(q.get(role)),
            q.is_role(coll), q.is_role(q.get(index)),
        ]
        assert len(false_exprs) == 37 and admin.raw(false_exprs) == [False] * 37


def test_parallel_queries(root, scala, java):
    """throw no exceptions when running 500 queries in parallel, ParallelsQueriesTest: clients of one key
    querying a page of documents (mapped to their data) and a sum at once."""
    key = root.query(q.create_key({"database": q.database(java.name), "role": "server"}))
    errors: list = []
    page = q.map_(q.lambda_("nextRef", q.select("data", q.get(q.var("nextRef")))), q.paginate(q.documents(q.collection("JavaParallelTestCollection"))))

    def work():
        client = root.session(key["secret"])
        try:
            for _ in range(5):
                assert len(client.raw(page)["data"]) == 10
                assert client.raw(q.sum(list(range(1, 11)))) == 55
        except Exception as error:  # noqa: BLE001 - collected and reported below, as the JVM tests do
            errors.append(error)

    threads = [threading.Thread(target=work) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


# Streams: FaunaClient.stream POSTs the expression to /stream, `?fields=a,b` when fields are opted in
# (Connection.appendUri encodes each name and joins them with a plain comma), asking for HTTP/2: over http://
# Java's HttpClient sends an HTTP/1.1 request with h2c upgrade headers, which fql answers in HTTP/1.1.
# BodyValueFlowProcessor reads one JSON event a line.

#: What Java's HttpClient adds to an HTTP/2 request over http:// (an h2c upgrade with its SETTINGS frame).
H2C = {"Connection": "Upgrade, HTTP2-Settings", "Upgrade": "h2c", "HTTP2-Settings": "AAEAAEAAAAIAAAABAAMAAABkAAQBAAAAAAUAAEAA"}


def stream(client: JvmClient, expr, fields: list[str] | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", client.port, timeout=20)
    path = "/stream?fields=" + ",".join(fields) if fields else "/stream"
    conn.request("POST", path, body(expr).encode(), {**client.headers(), **H2C})
    response = conn.getresponse()
    # Connection.performStreamRequest, like every request, keeps the answer's X-Txn-Time as the last seen txn.
    if response.getheader("x-txn-time"):
        client.last_txn = max(client.last_txn, int(response.getheader("x-txn-time")))
    return conn, response


def stream_error(client: JvmClient, expr) -> tuple[int, dict]:
    return read_whole(stream(client, expr))


def test_stream_errors(scala, java):
    """stream return error if it cannot find an instance, streamFailsIfTargetDoesNotExist: NotFoundException;
    stream return error if the query is not readonly, streamFailsIfQueryIsNotReadOnly: BadRequestException. Both
    expect an older Fauna's text (`Write effect in read-only query expression.`); core's is StreamSpec's "does
    not allow for writes" error, `invalid expression` with `Call performs a write, which is not allowed in
    stream requests.`, found before the call's argument is (Java's `CreateCollection(Collection("spells"))`
    passes a ref where an object is wanted)."""
    missing = q.get(Ref("1234", Ref("spells", COLLECTIONS)))
    for client in (scala.client, java.admin):
        status, found = stream_error(client, missing)
        assert status == 404 and found["errors"][0]["code"] == "instance not found"
    write = [{"position": [], "code": "invalid expression", "description": "Call performs a write, which is not allowed in stream requests."}]
    status, found = stream_error(scala.client, q.create(q.collection("spells"), {"data": {"testField": "testValue0"}}))
    assert status == 400 and found["errors"] == write
    status, found = stream_error(java.admin, q.create_collection(q.collection("spells")))
    assert status == 400 and found["errors"] == write


def updates(client: JvmClient, doc, values: list[str]) -> None:
    for value in values:
        client.query(q.update(doc, {"data": {"testField": value}}))


def test_stream_a_document(scala, java):
    """stream on document reference contains `document` field by default (and the Java twin): start, then three
    version events with action and document, no prev and no diff; stream updates last seen transaction time:
    each event's txn, the start event's too, is at most the client's last seen txn (which the stream's answer
    and the updates' answers moved on); stream on document reference using reactive-streams
    & Monix: start and three versions."""
    for db in (scala, java):
        c = db.client
        doc = c.query(q.create(q.collection("spells"), {"credentials": {"password": "abcdefg"}}))["ref"]
        conn, response = stream(c, doc)
        try:
            read = Events(response)
            [start] = read.take(1)
            assert start["type"] == "start" and "event" in start and start["txn"] <= c.last_txn
            updates(c, doc, ["testValue1", "testValue2", "testValue3"])
            got = read.take(3)
        finally:
            conn.close()
        assert [e["type"] for e in got] == ["version"] * 3
        for event, value in zip(got, ["testValue1", "testValue2", "testValue3"]):
            assert event["event"]["action"] == "update" and event["event"]["document"]["data"] == {"testField": value}
            assert "prev" not in event["event"] and "diff" not in event["event"]
            assert event["txn"] <= c.last_txn


def test_stream_opt_in_fields(scala, java):
    """stream on document reference with opt-in fields, streamEventsOnDocumentReferenceWithOptInFields:
    document, prev and diff of each update (the Java test also asks for action)."""
    for db, fields in ((scala, ["document", "prev", "diff"]), (java, ["action", "document", "prev", "diff"])):
        c = db.client
        doc = c.query(q.create(q.collection("spells"), {"data": {"testField": "testValue0"}}))["ref"]
        conn, response = stream(c, doc, fields)
        try:
            read = Events(response)
            [start] = read.take(1)
            assert start["type"] == "start"
            updates(c, doc, ["testValue1", "testValue2", "testValue3"])
            got = read.take(3)
        finally:
            conn.close()
        pairs = [("testValue0", "testValue1"), ("testValue1", "testValue2"), ("testValue2", "testValue3")]
        for event, (before, after) in zip(got, pairs):
            assert event["type"] == "version"
            assert event["event"]["document"]["data"] == {"testField": after}
            assert event["event"]["prev"]["data"] == {"testField": before}
            assert event["event"]["diff"]["data"] == {"testField": after}
            assert ("action" in event["event"]) == ("action" in fields)


def test_stream_set_events(scala, java):
    """stream set events, shouldStreamSetEvents: Documents(coll) streamed; a create and a delete are set events
    `add` and `remove`."""
    for db in (scala, java):
        c = db.admin
        name = random_name("foo")
        c.query(q.create_collection({"name": name}))
        conn, response = stream(c, q.documents(q.collection(name)))
        try:
            read = Events(response)
            [start] = read.take(1)
            assert start["type"] == "start"
            made = c.query(q.create(q.collection(name), {}))
            c.query(q.delete(made["ref"]))
            got = read.take(2)
        finally:
            conn.close()
        assert [(e["type"], e["event"]["action"]) for e in got] == [("set", "add"), ("set", "remove")]


def test_stream_with_snapshot(scala, java):
    """stream with snapshot=true on document contains a document snapshot event, streamEventsWithSnapshotData:
    SnapshotEventFlowProcessor, on the start event, queries Get(target) and sends it as a `snapshot` event whose
    txn is the document's ts, then passes on only the events after that ts: the three updates."""
    for db in (scala, java):
        c = db.client
        doc = c.query(q.create(q.collection("spells"), {"data": {"testField": "testValue0"}}))["ref"]
        conn, response = stream(c, doc)
        try:
            read = Events(response)
            [start] = read.take(1)
            assert start["type"] == "start"
            snapshot = c.raw(q.get(doc))
            assert snapshot["ref"] == raw_json(doc) and snapshot["data"] == {"testField": "testValue0"}
            updates(c, doc, ["testValue1", "testValue2", "testValue3"])
            got = [e for e in read.take(3) if e["txn"] > snapshot["ts"]]
        finally:
            conn.close()
        assert [e["event"]["document"]["data"]["testField"] for e in got] == ["testValue1", "testValue2", "testValue3"]


def test_stream_loses_its_authorization(scala, java):
    """stream handles authorization lost during stream evaluation, streamHandlesLossOfAuthorization: the stream's
    key deleted, the stream ends with the error event StreamingException reports as `permission denied:
    Authorization lost during stream evaluation.`"""
    for db in (scala, java):
        admin = db.admin
        name = random_name("stream-things")
        admin.query(q.create_collection({"name": name}))
        doc = admin.query(q.create(q.collection(name), {"credentials": {"password": "abcdefg"}}))["ref"]
        key = admin.query(q.create_key({"role": "server-readonly"}))
        conn, response = stream(admin.session(key["secret"]), doc)
        try:
            read = Events(response)
            [start] = read.take(1)
            assert start["type"] == "start"
            admin.query(q.update(doc, {"data": {"testField": "afterStart"}}))
            admin.query(q.delete(key["ref"]))
            admin.query(q.update(doc, {"data": {"testField": "afterKeyDelete"}}))
            got: list = []
            while not got or got[-1]["type"] != "error":
                more = read.take(1)
                assert more, got
                got += more
        finally:
            conn.close()
        error = got[-1]["event"]
        assert f"{error['code']}: {error['description']}" == "permission denied: Authorization lost during stream evaluation."
