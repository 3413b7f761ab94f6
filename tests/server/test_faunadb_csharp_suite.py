"""faunadb-csharp's integration tests (FaunaDB.Client.Test: ClientTest, ErrorsTest, StreamingTest, PageTest)
replayed against `fql serve`: the v4 JSON its FaunaClient sends, with the headers it sends, and what each
NUnit test asserts of the answer. Expressions are built with the faunadb Python driver where it writes the
same JSON as the C# one, as plain JSON where the C# one writes its own (a `cursor` option, `Contains`)."""

from __future__ import annotations

import base64
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
    from faunadb.objects import FaunaTime, Native, Ref, SetRef

#: What the C# driver's DefaultClientIO adds to every query (FaunaDB.Client/Client/DefaultClientIO.cs).
HEADERS = {
    "X-FaunaDB-API-Version": "4",
    "X-Driver-Env": "driver=csharp-4.5.0; runtime=.NET 6.0; env=Unknown; os=Linux",
    "Accept": "application/json",
    "Accept-Encoding": "gzip",
    "Keep-Alive": "3000",
    "X-Query-Timeout": "100000",
}
DB = "faunadb-csharp-test"


class CSharpClient:
    """What a FaunaClient(secret, endpoint) sends: POST / with the expression's JSON, Bearer auth."""

    def __init__(self, port: int, secret: str):
        self.port, self.secret = port, secret

    def request(self, method: str, path: str, body: str | None, headers: dict | None = None):
        sent = {**HEADERS, "Authorization": f"Bearer {self.secret}", **(headers or {})}
        status, found, data = exchange(self.port, method, path, body, sent)
        return status, found, data.decode()

    def answer(self, expr) -> tuple[int, dict]:
        """The status and the parsed JSON body (tags kept) of querying `expr` (a driver expression or raw JSON)."""
        body = expr if isinstance(expr, str) else _json.to_json(expr)
        status, _, text = self.request("POST", "/", body)
        return status, json.loads(text)

    def query(self, expr):
        """The resource, decoded as the driver decodes it (Ref, FaunaTime, ...)."""
        status, body = self.answer(expr)
        assert status in (200, 201), body
        return _json.parse_json(json.dumps(body))["resource"]

    def session(self, secret: str) -> CSharpClient:
        return CSharpClient(self.port, secret)


def fails(client: CSharpClient, expr, status: int, code: str, description: str, position: list | None = None):
    """AssertErrors / AssertEmptyFailures / AssertPosition: one error, no failures, at `position`."""
    got, body = client.answer(expr)
    assert got == status, body
    [error] = body["errors"]
    assert (error["code"], error["description"]) == (code, description)
    assert error.get("failures", []) == []
    if position is not None:
        # QueryError.Position is an empty list when the answer has none (FaunaDB.Client/Errors/QueryError.cs).
        assert [str(p) for p in error.get("position", [])] == position
    return error


_counter = iter(range(10**6))


def random_name(prefix: str) -> str:
    return f"{prefix}{next(_counter)}{int(time.time() * 1000) % 100000}"


@pytest.fixture(scope="module")
def server():
    with ServerThread(fql.connect(), streams=StreamSettings(poll_interval=0.02, max_duration=20.0)) as running:
        yield running


@pytest.fixture(scope="module")
def root(server):
    return CSharpClient(server.port, "secret")


@pytest.fixture(scope="module")
def keys(root):
    """TestCase.SetUp: the test database made again, a server key (`client`) and an admin key (`adminClient`)."""
    root.answer(q.delete(q.database(DB)))
    root.query(q.create_database({"name": DB}))
    server_key = root.query(q.create_key({"database": q.database(DB), "role": "server"}))
    admin_key = root.query(q.create_key({"database": q.database(DB), "role": "admin"}))
    return server_key, admin_key


@pytest.fixture(scope="module")
def client(root, keys):
    return root.session(keys[0]["secret"])


@pytest.fixture(scope="module")
def admin(root, keys):
    return root.session(keys[1]["secret"])


def random_collection(client: CSharpClient) -> Ref:
    return client.query(q.create_collection({"name": random_name("some_coll_")}))["ref"]


def new_collection_with_values(client: CSharpClient, size: int = 10, all_values: bool = False) -> str:
    """ClientTest.NewCollectionWithValues: documents with value 1..size, an index of the values; its name."""
    coll = client.query(q.create_collection({"name": random_name("foo_coll_")}))["ref"]
    index = random_name("foo_idx_")
    client.query(q.create_index({"name": index, "source": coll, "active": True, "values": [{"field": ["data", "value"]}]}))
    if all_values:
        fields = [{"field": ["data", "value"]}, {"field": "ref"}, {"field": "ts"}]
        client.query(q.create_index({"name": f"{index}_values", "source": coll, "active": True, "values": fields}))
    client.query(q.foreach(q.lambda_("i", q.create(coll, {"data": {"value": q.var("i")}})), list(range(1, size + 1))))
    return index


@pytest.fixture(scope="module")
def spells(client):
    """ClientTest.SetUp: spells, characters and spellbooks, their five indexes and eight documents."""
    for name in ["spells", "characters", "spellbooks"]:
        client.query(q.create_collection({"name": name}))
    indexes = {
        "all_spells": ("spells", {}),
        "spells_by_element": ("spells", {"terms": [{"field": ["data", "element"]}]}),
        "elements_of_spells": ("spells", {"values": [{"field": ["data", "element"]}]}),
        "spellbooks_by_owner": ("spellbooks", {"terms": [{"field": ["data", "owner"]}]}),
        "spells_by_spellbook": ("spells", {"terms": [{"field": ["data", "spellbook"]}]}),
    }
    for name, (source, fields) in indexes.items():
        client.query(q.create_index({"name": name, "active": True, "source": q.collection(source), **fields}))

    def create(coll: str, data: dict) -> Ref:
        return client.query(q.create(q.collection(coll), {"data": data}))["ref"]

    made = {
        "magic_missile": create("spells", {"name": "Magic Missile", "element": "arcane", "cost": 10}),
        "fireball": create("spells", {"name": "Fireball", "element": "fire", "cost": 10}),
        "faerie_fire": create("spells", {"name": "Faerie Fire", "cost": 10, "element": ["arcane", "nature"]}),
        "summon": create("spells", {"name": "Summon Animal Companion", "element": "nature", "cost": 10}),
        "thor": create("characters", {"name": "Thor"}),
    }
    book = create("spellbooks", {"owner": made["thor"]})
    made["thor_spell1"] = create("spells", {"spellbook": book})
    made["thor_spell2"] = create("spells", {"spellbook": book})
    return made


# ClientTest's tests of one expression and its value: the C# test's name, the expression, the value it
# asserts (numbers typed: LongV is an int, DoubleV a float).
EXPRESSIONS = [
    ("TestEvalLetExpression", q.let({"x": 1, "y": 2}, [q.var("y"), q.var("x")]), [2, 1]),
    ("TestEvalIfExpression", q.if_(True, "was true", "was false"), "was true"),
    ("TestMapOverCollections", q.map_(q.lambda_("i", q.add(q.var("i"), 1)), [1, 2, 3]), [2, 3, 4]),
    ("TestFilterACollection", q.filter_(q.lambda_("i", q.equals(0, q.modulo(q.var("i"), 2))), [1, 2, 3]), [2]),
    ("TestTakeElementsFromCollection", q.take(2, [1, 2, 3]), [1, 2]),
    ("TestDropElementsFromCollection", q.drop(2, [1, 2, 3]), [3]),
    ("TestPrependElementsInACollection", q.prepend([1, 2], [3, 4]), [1, 2, 3, 4]),
    ("TestAppendElementsInACollection", q.append([3, 4], [1, 2]), [1, 2, 3, 4]),
    ("TestIsEmpty", [q.is_empty([]), q.is_empty([1, 2, 3])], [True, False]),
    ("TestIsNonEmpty", [q.is_nonempty([]), q.is_nonempty([1, 2, 3])], [False, True]),
    ("TestEvalEqualsExpression", q.equals("fire", "fire"), True),
    (
        "TestEvalConcatExpression",
        [q.concat(["Magic", "Missile"]), q.concat(["Magic", "Missile"], " ")],
        ["MagicMissile", "Magic Missile"],
    ),
    (
        "TestEvalCasefoldExpression",
        [
            q.casefold("Hen Wen"),
            q.casefold("\u212b", "NFD"),
            q.casefold("\u212b", "NFC"),
            q.casefold("\u1e9b\u0323", "NFKD"),
            q.casefold("\u1e9b\u0323", "NFKC"),
            q.casefold("\u212b", "NFKCCaseFold"),
        ],
        ["hen wen", "A\u030a", "\u00c5", "\u0073\u0323\u0307", "\u1e69", "\u00e5"],
    ),
    (
        "TestEvalNGramExpression",
        [q.ngram("what"), q.ngram("what", 2, 3), q.ngram(["john", "doe"]), q.ngram(["john", "doe"], 3, 4)],
        [
            ["w", "wh", "h", "ha", "a", "at", "t"],
            ["wh", "wha", "ha", "hat", "at"],
            ["j", "jo", "o", "oh", "h", "hn", "n", "d", "do", "o", "oe", "e"],
            ["joh", "john", "ohn", "doe"],
        ],
    ),
    (
        "TestEvalSelectExpression",
        q.select(["favorites", "foods", 1], {"favorites": {"foods": ["crunchings", "munchings", "lunchings"]}}),
        "munchings",
    ),
    (
        "TestEvalSelectAllExpression",
        [
            q.select_all("foo", [{"foo": "bar"}, {"foo": "baz"}]),
            q.select_all(["foo", 0], [{"foo": [0, 1]}, {"foo": [2, 3]}]),
        ],
        [["bar", "baz"], [0, 2]],
    ),
    ("TestEvalLTExpression", q.lt([1, 2, 3]), True),
    ("TestEvalLTEExpression", q.lte([1, 2, 2]), True),
    ("TestEvalGTxpression", q.gt([3, 2, 1]), True),
    ("TestEvalGTExpression", q.gte([3, 2, 2]), True),
    ("TestEvalAddExpression", q.add(100, 10), 110),
    ("TestEvalMultiplyExpression", q.multiply(100, 10), 1000),
    ("TestEvalSubtractExpression", q.subtract(100, 10), 90),
    ("TestEvalDivideExpression", q.divide(100, 10), 10),
    ("TestEvalModuloExpression", q.modulo(101, 10), 1),
    ("TestEvalAndExpression", q.and_(True, False), False),
    ("TestEvalOrExpression", q.or_(True, False), True),
    ("TestEvalNotExpression", q.not_(False), True),
    ("TestEvalToStringExpression", q.to_string(42), "42"),
    ("TestEvalToNumberExpression", q.to_number("42"), 42),
    ("TestToDouble", [q.to_double(10), q.to_double(3.14), q.to_double("3.14")], [10.0, 3.14, 3.14]),
    ("TestToInteger", [q.to_integer(10), q.to_integer(10.0), q.to_integer("10")], [10, 10, 10]),
    ("TestToArray", q.to_array({"k0": 10, "k1": 20}), [["k0", 10], ["k1", 20]]),
    ("TestToArrayAndToObject", q.to_object(q.to_array({"k0": 10, "k1": 20})), {"k0": 10, "k1": 20}),
    (
        "TestMergeFunction",
        [
            q.merge({"x": 10, "y": 20}, {"z": 30}),
            q.merge({"x": 10, "y": 20, "z": -1}, {"z": 30}),
            q.merge({}, {"foo": 4.2}),
            q.merge({"x": 10, "y": 20, "z": 1}, {"z": None}),
            q.merge({"x": 10, "y": 20, "z": -1}, {"z": 30}, q.lambda_(["key", "left", "right"], q.var("left"))),
            q.merge({"x": 10, "y": 20, "z": 1}, {"z": 30}, q.lambda_(["k", "l", "r"], q.var("r"))),
        ],
        [
            {"x": 10, "y": 20, "z": 30},
            {"x": 10, "y": 20, "z": 30},
            {"foo": 4.2},
            {"x": 10, "y": 20},
            {"x": 10, "y": 20, "z": -1},
            {"x": 10, "y": 20, "z": 30},
        ],
    ),
    (
        "TestFormatFunction",
        [
            q.format("%3$s%1$s %2$s", "DB", "rocks", "Fauna"),
            q.format("Thrilled to see our community grow to %d strong", 10_000),
        ],
        ["FaunaDB rocks", "Thrilled to see our community grow to 10000 strong"],
    ),
    (
        "TestReverseFunction",
        [q.reverse([0, 1, 2, 3]), q.reverse(q.reverse([0, 1, 2, 3])), q.reverse([])],
        [[3, 2, 1, 0], [0, 1, 2, 3], []],
    ),
    (
        "TestRegexStringFunctions",
        [
            q.replace_str_regex("hello world", "hello", "bye"),
            q.replace_str_regex("One FIsh Two fish", "[Ff][Ii]sh", "Dog"),
            q.replace_str_regex("One FIsh Two fish", "[Ff][Ii]sh", "Dog", True),
            q.find_str_regex("heLLo FaunaDB from fauna", "[fF]auna"),
            q.find_str_regex("heLLo FaunaDB from fauna", "[fF]auna", 6),
            q.find_str_regex("heLLo FaunaDB from fauna", "[fF]auna", 7),
            q.find_str_regex("heLLo FaunaDB from fauna", "[fF]auna", 0, 1),
            q.find_str_regex("heLLo FaunaDB from fauna", "[fF]auna", 0, 2),
            q.find_str_regex("heLLo FaunaDB from fauna", "[fF]auna", 7, 2),
        ],
        [
            "bye world",
            "One Dog Two Dog",
            "One Dog Two fish",
            [{"start": 6, "end": 10, "data": "Fauna"}, {"start": 19, "end": 23, "data": "fauna"}],
            [{"start": 6, "end": 10, "data": "Fauna"}, {"start": 19, "end": 23, "data": "fauna"}],
            [{"start": 19, "end": 23, "data": "fauna"}],
            [{"start": 6, "end": 10, "data": "Fauna"}],
            [{"start": 6, "end": 10, "data": "Fauna"}, {"start": 19, "end": 23, "data": "fauna"}],
            [{"start": 19, "end": 23, "data": "fauna"}],
        ],
    ),
    (
        "TestStringFunctions",
        [
            q.find_str("heLLo world", "world"),
            q.length("heLLo world"),
            q.lowercase("hEllO wORLd"),
            q.ltrim("   hello world"),
            q.repeat("bye "),
            q.repeat("bye ", 3),
            q.replace_str("hello world", "hello", "bye"),
            q.rtrim("hello world    "),
            q.space(4),
            q.substring("heLLo world", 6),
            q.trim("    hello world    "),
            q.titlecase("heLLo worlD"),
            q.uppercase("hello world"),
            q.starts_with("ABCDEF", "ABC"),
            q.starts_with("ABCDEF", "DEF"),
            q.ends_with("ABCDEF", "ABC"),
            q.ends_with("ABCDEF", "DEF"),
            q.contains_str("ABCDEF", "ABC"),
            q.contains_str("ABCDEF", "GHI"),
            q.contains_str_regex("ABCDEF", "[A-Z]"),
            q.contains_str_regex("ABCDEF", "[a-z]"),
            q.contains_str_regex("ABCDEF", "[0-9]"),
            q.regex_escape("ABCDEF"),
        ],
        [6, 11, "hello world", "hello world", "bye bye ", "bye bye bye ", "bye world", "hello world", "    ",
         "world", "hello world", "Hello World", "HELLO WORLD", True, False, False, True, True, False, True,
         False, False, "\\QABCDEF\\E"],
    ),
    (
        "TestMathFunctions",
        [
            q.abs(-42), q.abs(-12.34),
            q.trunc(q.acos(0.5), 2), q.trunc(q.asin(0.5), 2), q.trunc(q.atan(0.5), 2),
            q.bitand(15, 7, 3), q.bitnot(3), q.bitor(15, 7, 3), q.bitxor(2, 1),
            q.ceil(1.01), q.trunc(q.cos(0.5), 2), q.trunc(q.cosh(2), 2), q.trunc(q.degrees(2.0), 2),
            q.trunc(q.exp(2.0), 2), q.floor(1.99), q.hypot(3, 4), q.trunc(q.ln(2), 2), q.trunc(q.log(2), 2),
            q.max(1, 101, 10), q.max(1.1, 101.1, 10.9), q.min(1, 101, 10), q.min(1.1, 101.1, 10.9),
            q.trunc(q.radians(500), 2), q.round(12345.6789), q.sign(3),
            q.trunc(q.sin(0.5), 2), q.trunc(q._fn({"sinh": 0.5}), 2), q.sqrt(9),
            q.trunc(q.tan(0.5), 2), q.trunc(q.tanh(0.5), 2), q.trunc(3.14159265359, 4), q.trunc(3.14159265359),
        ],
        [
            42, 12.34, 1.04, 0.52, 0.46, 3, -4, 15, 3, 2.0, 0.87, 3.76, 114.59, 7.38, 1.0, 5.0, 0.69, 0.3,
            101, 101.1, 1, 1.1, 8.72, 12345.68, 1, 0.47, 0.52, 3.0, 0.54, 0.46, 3.1415, 3.14,
        ],
    ),
    (
        "TestCountFunction/arrays",
        [q.count([1, "2", 3.4, {"name": "JR"}]), q.count(list(range(1, 101)))],
        [4, 100],
    ),
    ("TestSumFunction/array", q.sum([1, 2, 3.5, 0.25]), 6.75),
    ("TestMeanFunction/arrays", [q.mean([1, 2, 3.5, 0.25]), q.mean(list(range(1, 11)))], [1.6875, 5.5]),
    (
        "TestTimeDiff",
        [
            q.time_diff(q.epoch(0, "second"), q.epoch(1, "second"), "second"),
            q.time_diff(q.date("1970-01-01"), q.date("1970-01-02"), "day"),
            q.time_diff(q.date("1970-01-01"), q.date("1970-01-03"), "days"),
        ],
        [1, 1, 2],
    ),
]


@pytest.mark.parametrize("expr, expected", [pytest.param(e, v, id=n) for n, e, v in EXPRESSIONS])
def test_expression(client, expr, expected):
    assert typed(client.query(expr)) == typed(expected)


def test_create_a_complex_instance(client):
    """TestCreateAComplexInstance: numbers keep their types and missing fields are missing."""
    fields = {"array": [1, "2", 3.4, {"name": "JR"}], "bool": True, "num": 1234, "string": "sup", "float": 1.234}
    document = client.query(q.create(random_collection(client), {"data": {"testField": fields}}))
    assert typed(document["data"]["testField"]) == typed(fields)
    assert "credentials" not in document["data"]["testField"]


def test_get_and_batched_queries(client, spells):
    """TestGetAnInstance, TestIssueABatchedQueryWithVarargs / WithEnumerable: an array of expressions."""
    assert client.query(q.get(spells["magic_missile"]))["data"]["name"] == "Magic Missile"
    got = client.query([q.get(spells["thor_spell1"]), q.get(spells["thor_spell2"])])
    assert [each["ref"] for each in got] == [spells["thor_spell1"], spells["thor_spell2"]]
    assert client.query([q.add(1, 2), q.subtract(1, 2)]) == [3, -1]


def test_custom_headers(root, spells):
    """TestGetAnInstanceWithCustomHeaders: headers the server does not know change nothing."""
    extra = {"test-header-1": "test-value-1", "test-header-2": "test-value-2"}
    status, _, text = root.request("POST", "/", _json.to_json(q.create_key({"database": q.database(DB), "role": "server"})), extra)
    assert status == 201
    key = _json.parse_json(text)["resource"]
    session = root.session(key["secret"])
    session.query(q.create_collection({"name": "magic_spells"}))
    made = session.query(q.create(q.collection("magic_spells"), {"data": {"name": "Fire Ball", "element": "arcane", "cost": 10}}))
    status, _, text = session.request("POST", "/", _json.to_json(q.get(made["ref"])), extra)
    assert _json.parse_json(text)["resource"]["data"]["name"] == "Fire Ball"


def test_update_replace_delete(client):
    """TestUpdateInstanceData, TestReplaceAnInstancesData, TestDeleteAnInstance."""
    coll = random_collection(client)
    made = client.query(q.create(coll, {"data": {"name": "Magic Missile", "element": "arcane", "cost": 10}}))
    updated = client.query(q.update(made["ref"], {"data": {"name": "Faerie Fire", "cost": None}}))
    assert updated["ref"] == made["ref"] and updated["data"] == {"name": "Faerie Fire", "element": "arcane"}
    made = client.query(q.create(coll, {"data": {"name": "Magic Missile", "element": "arcane", "cost": 10}}))
    replaced = client.query(q.replace(made["ref"], {"data": {"name": "Volcano", "elements": ["fire", "earth"], "cost": 10}}))
    assert replaced["ref"] == made["ref"] and replaced["data"] == {"name": "Volcano", "elements": ["fire", "earth"], "cost": 10}
    client.query(q.delete(made["ref"]))
    assert client.query(q.exists(made["ref"])) is False
    fails(client, q.get(made["ref"]), 404, "instance not found", "Document not found.", [])


def test_errors(client, root, spells):
    """TestAbort, TestUnauthorizedOnInvalidSecret, TestNotFoundWhenInstanceDoesntExists,
    TestEvalDivideExpressionWrongArgument, TestThrowBadRequestOnDouble / OnInteger."""
    fails(client, q.abort("error message"), 400, "transaction aborted", "error message", [])
    bad = root.session("invalid secret")
    fails(bad, q.ref(q.collection("spelss"), "1234"), 401, "unauthorized", "Unauthorized", [])
    fails(client, q.get(q.ref(q.collection("spells"), "1234")), 404, "instance not found", "Document not found.", [])
    fails(client, q.divide(None, 10), 400, "invalid argument", "Number expected, Null provided.", ["divide", "0"])
    fails(client, q.to_double(q.now()), 400, "invalid argument", "Cannot cast Time to Double.")
    fails(client, q.to_integer(q.now()), 400, "invalid argument", "Cannot cast Time to Integer.")


def test_insert_remove_and_events(client):
    """TestInsertAndRemoveEvents, TestEvents, TestSingleton."""
    coll = random_collection(client)
    made = client.query(q.create(coll, {"data": {"name": "Magic Missile"}}))["ref"]
    inserted = client.query(q.insert(made, 1, "create", {"data": {"cooldown": 5}}))
    assert inserted["document"] == made
    assert client.query(q.remove(made, 2, "delete")) is None
    doc = client.query(q.create(coll, {"data": {"x": 1}}))["ref"]
    client.query(q.update(doc, {"data": {"x": 2}}))
    client.query(q.delete(doc))
    events = client.query(q.paginate(q.events(doc)))["data"]
    assert [(e["action"], e["document"]) for e in events] == [("create", doc), ("update", doc), ("delete", doc)]
    events = client.query(q.paginate(q.events(q.singleton(doc))))["data"]
    assert [(e["action"], e["document"]) for e in events] == [("add", doc), ("remove", doc)]


def test_constraint_violation(client):
    """TestHandleConstraintViolations: the second document with a unique term fails at ["create"]."""
    coll = random_collection(client)
    terms = [{"field": ["data", "uniqueField"]}]
    client.query(q.create_index({"name": random_name("class_index_"), "active": True, "source": coll, "terms": terms, "unique": True}))
    client.query(q.create(coll, {"data": {"uniqueField": "same value"}}))
    create = q.create(coll, {"data": {"uniqueField": "same value"}})
    fails(client, create, 400, "instance not unique", "document is not unique.", ["create"])


def test_sets_of_the_spells(client, spells):
    """TestFindASingleInstanceFromIndex, TestListAllItensOnAClassIndex, TestIsEmpty/TestIsNonEmpty of pages,
    TestReadEventsFromIndex, TestPaginateUnion / Intersection / Difference / DistinctSets / Join."""
    s = spells
    by = lambda element: q.match(q.index("spells_by_element"), element)  # noqa: E731
    assert client.query(q.paginate(by("fire")))["data"] == [s["fireball"]]
    every = ["magic_missile", "fireball", "faerie_fire", "summon", "thor_spell1", "thor_spell2"]
    assert client.query(q.paginate(q.match(q.index("all_spells"))))["data"] == [s[n] for n in every]
    assert client.query([q.is_empty(q.paginate(by("iron"))), q.is_empty(q.paginate(by("fire")))]) == [True, False]
    assert client.query([q.is_nonempty(q.paginate(by("iron"))), q.is_nonempty(q.paginate(by("fire")))]) == [False, True]
    events = client.query(q.paginate(by("arcane"), events=True))["data"]
    assert sorted(e["document"].id() for e in events) == sorted([s["magic_missile"].id(), s["faerie_fire"].id()])
    union = client.query(q.paginate(q.union(by("arcane"), by("fire"))))["data"]
    assert union == [s["magic_missile"], s["fireball"], s["faerie_fire"]]
    assert client.query(q.paginate(q.intersection(by("arcane"), by("nature"))))["data"] == [s["faerie_fire"]]
    assert client.query(q.paginate(q.difference(by("nature"), by("arcane"))))["data"] == [s["summon"]]
    distinct = client.query(q.paginate(q.distinct(q.match(q.index("elements_of_spells")))))["data"]
    assert distinct == ["arcane", "fire", "nature"]
    join = q.join(
        q.match(q.index("spellbooks_by_owner"), s["thor"]),
        q.lambda_("spellbook", q.match(q.index("spells_by_spellbook"), q.var("spellbook"))),
    )
    assert client.query(q.paginate(join))["data"] == [s["thor_spell1"], s["thor_spell2"]]


def test_paginate_over_an_index(client, spells):
    """TestPaginateOverAnIndex: a first page of 3 has `after` and no `before`, the second the reverse."""
    first = client.query(q.paginate(q.match(q.index("all_spells")), size=3))
    assert len(first["data"]) == 3 and "after" in first and "before" not in first
    second = client.query(q.paginate(q.match(q.index("all_spells")), size=3, after=first["after"]))
    assert len(second["data"]) == 3 and second["data"] != first["data"]
    assert "before" in second and "after" not in second


def paginate_with_cursor(set_expr: dict, cursor: dict) -> str:
    """The C# driver's Paginate(set, cursor: ...): its `cursor` option, written as Obj(...) writes it."""
    return json.dumps({"paginate": set_expr, "cursor": {"object": cursor}})


def test_paginate_with_cursor(client):
    """TestPaginateWithCursor: After(), Before() and RawCursor() of a plain and of a multi-value index."""
    index = new_collection_with_values(client, all_values=True)
    match = {"match": {"index": index}}
    first = client.query(q.paginate(q.match(q.index(index)), size=7))
    assert first["data"] == [1, 2, 3, 4, 5, 6, 7]
    after = json.loads(_json.to_json(first["after"]))
    assert client.query(paginate_with_cursor(match, {"after": after}))["data"] == [8, 9, 10]
    assert client.query(paginate_with_cursor(match, {"before": 3}))["data"] == [1, 2]
    assert client.query(paginate_with_cursor(match, {"before": [3]}))["data"] == [1, 2]
    assert client.query(paginate_with_cursor(match, {"after": 8}))["data"] == [8, 9, 10]
    values = {"match": {"index": f"{index}_values"}}
    status, body = client.answer(json.dumps({"paginate": values, "size": 7}))
    after = body["resource"]["after"]
    assert len(after) == 4
    one = client.query(paginate_with_cursor(values, {"after": after}))["data"]
    other = client.query(paginate_with_cursor(values, {"after": after[:4]}))["data"]
    assert len(one) == 3 and one == other


def test_set_refs_and_at(client, spells):
    """TestDealWithSetRef, TestEvalAtExpression: a match is a @set of its index and terms; At() goes back."""
    found = client.query(q.match(q.index("spells_by_element"), "arcane"))
    assert isinstance(found, SetRef)
    assert found.value == {"match": Ref("spells_by_element", Native.INDEXES), "terms": "arcane"}
    before = client.query(q.get(spells["summon"]))["ts"] - 1
    at = client.query(q.at(before, q.paginate(q.match(q.index("all_spells")))))["data"]
    assert at == [spells["magic_missile"], spells["fireball"], spells["faerie_fire"]]


def test_do_echo_foreach(client):
    """TestEvalDoExpression, TestEchoAnObjectBack, TestExecuteForeachExpression."""
    coll = random_collection(client)
    created = client.query(q.do(q.create(coll, {"data": {"name": "Magic Missile"}}), q.get(coll)))
    assert created["ref"] == coll
    # Obj(...) and an ObjectV sent back are both written as {"object": {...}}.
    echoed = client.query(json.dumps({"object": {"name": "Hen Wen", "age": 123}}))
    assert echoed == {"name": "Hen Wen", "age": 123}
    assert client.query(json.dumps({"object": echoed})) == echoed
    spells = ["Fireball Level 1", "Fireball Level 2"]
    done = client.query(q.foreach(q.lambda_("spell", q.create(coll, {"data": {"name": q.var("spell")}})), spells))
    assert done == spells


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # the C# test calls the deprecated form too
def test_contains(client):
    """TestEvalContainsExpressions: Contains (deprecated), ContainsPath, ContainsField, ContainsValue."""
    favorites = {"favorites": {"foods": [{"crunchings": "apple"}, {"munchings": "peanuts"}]}}
    wrapped = {"wrapped": favorites}
    # Contains(Path(...), obj): the deprecated form the C# driver still writes.
    assert client.query(q.contains(["favorites", "foods"], favorites)) is True
    checks = [
        (q.contains_path(["favorites", "foods"], favorites), True),
        (q.contains_field("favorites", favorites), True),
        (q.contains_field("foods", favorites), False),
        (q.contains_path(["favorites"], favorites), True),
        (q.contains_path("favorites", favorites), True),
        (q.contains_path([1], ["favorites", "foods"]), True),
        (q.contains_path(["wrapped", "favorites", "foods"], wrapped), True),
        (q.contains_path(["wrapped", "favorites", "foods", 1, "munchings"], wrapped), True),
        (q.contains_path(["wrapped", "favorites", "foods", 2], wrapped), False),
        (q.contains_value("foo", {"foo": "bar"}), False),
        (q.contains_value("bar", {"foo": "bar"}), True),
        (q.contains_value("bar", ["foo", "bar"]), True),
    ]
    assert client.query([expr for expr, _ in checks]) == [want for _, want in checks]
    coll = random_collection(client)
    index = random_name("foo_index_")
    fields = {"terms": [{"field": ["data", "name"]}], "values": [{"field": ["data", "color"]}]}
    client.query(q.create_index({"name": index, "source": coll, "active": True, **fields}))
    made = client.query(q.create(q.ref(coll, "122333"), {"data": {"name": "apple", "color": "green"}}))["ref"]
    assert client.query(q.contains_value("122333", made)) is True
    assert client.query(q.contains_value("green", q.match(q.index(index), "apple"))) is True


def test_time_functions(client):
    """TestEvalToTimeExpression, TestEvalToDateExpression, TestEvalTimeExpression, TestEvalEpochExpression,
    TestEvalDateExpression, TestTimeAdd, TestTimeSubtract, TestNowFunction: what each decodes to."""
    status, body = client.answer(
        q.to_time("1970-01-01T00:00:00Z"),
    )
    assert body["resource"] == {"@ts": "1970-01-01T00:00:00Z"}
    assert client.answer(q.to_date("1970-01-01"))[1]["resource"] == {"@date": "1970-01-01"}
    assert client.answer(q.time("1970-01-01T00:00:00-04:00"))[1]["resource"] == {"@ts": "1970-01-01T04:00:00Z"}
    epochs = [q.epoch(30, "second"), q.epoch(500, "millisecond"), q.epoch(100, "microsecond"), q.epoch(200, "nanosecond")]
    assert client.answer(epochs)[1]["resource"] == [
        {"@ts": "1970-01-01T00:00:30Z"},
        {"@ts": "1970-01-01T00:00:00.500Z"},
        {"@ts": "1970-01-01T00:00:00.000100Z"},
        {"@ts": "1970-01-01T00:00:00.000000200Z"},
    ]
    assert client.answer(q.date("1970-01-02"))[1]["resource"] == {"@date": "1970-01-02"}
    adds = [
        q.time_add(q.epoch(0, "second"), 1, "hour"),
        q.time_add(q.date("1970-01-01"), 1, "day"),
        q.time_add(q.date("1970-01-01"), 2, "days"),
        q.time_subtract(q.epoch(0, "second"), 1, "hour"),
        q.time_subtract(q.date("1970-01-01"), 1, "day"),
        q.time_subtract(q.date("1970-01-01"), 2, "days"),
    ]
    assert client.answer(adds)[1]["resource"] == [
        {"@ts": "1970-01-01T01:00:00Z"},
        {"@date": "1970-01-02"},
        {"@date": "1970-01-03"},
        {"@ts": "1969-12-31T23:00:00Z"},
        {"@date": "1969-12-31"},
        {"@date": "1969-12-30"},
    ]
    assert client.query(q.equals(q.now(), q.time("now"))) is True
    t1, t2 = client.query(q.now()), client.query(q.now())
    assert isinstance(t1, FaunaTime) and client.query(q.lte(t1, t2, q.now())) is True


def test_new_id_and_schema(client, admin):
    """TestGetNewId, TestCreateClass, TestCreateDatabase, TestCreateIndex, TestCreateKey, TestCreateRole,
    TestCreateObjectsWithRawExpressions, TestDocuments."""
    assert isinstance(client.query(q.new_id()), str)
    client.query(q.create_collection({"name": "class_for_test"}))
    assert client.query(q.exists(q.collection("class_for_test"))) is True
    admin.query(q.create_database({"name": "database_for_test"}))
    assert admin.query(q.exists(q.database("database_for_test"))) is True
    client.query(q.create_index({"name": "index_for_test", "active": True, "source": q.collection("class_for_test")}))
    assert client.query(q.exists(q.index("index_for_test"))) is True
    admin.query(q.create_database({"name": "database_for_key_test"}))
    key = admin.query(q.create_key({"database": q.database("database_for_key_test"), "role": "server"}))
    keyed = admin.session(key["secret"])
    keyed.query(q.create_collection({"name": "class_for_key_test"}))
    assert keyed.query(q.exists(q.collection("class_for_key_test"))) is True
    role = random_name("role")
    admin.query(q.create_role({"name": role, "privileges": [{"resource": q.databases(), "actions": {"read": True}}]}))
    assert admin.query(q.exists(q.role(role))) is True
    coll = client.query(q.create_collection({"name": random_name("coll_"), "history_days": 2}))
    assert typed(coll["history_days"]) == typed(2)
    index = client.query(q.create_index({"name": random_name("idx_"), "source": coll["ref"], "active": True, "values": [{"field": ["data", "foo"]}]}))
    assert len(index["values"]) == 1
    values = [1, 2, 3, 4, 5, 76, 7, 8, 9, 10]
    client.query(q.foreach(q.lambda_("i", q.create(coll["ref"], {"data": {"foo": q.var("i")}})), values))
    assert len(client.query(q.paginate(q.match(index["ref"])))["data"]) == 10
    assert len(client.query(q.paginate(q.documents(coll["ref"])))["data"]) == 10


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # the C# test calls the deprecated form too
def test_login_and_identity(client, admin):
    """TestAuthenticateSession, TestHasIdentity, TestIdentity, TestCurrentIdentity, TestHasCurrentIdentity,
    TestCurrentTokenWithInternalToken / Key, TestHasCurrentTokenWithInternalToken / Key."""
    made = client.query(q.create(random_collection(client), {"credentials": {"password": "abcdefg"}}))["ref"]
    auth = client.query(q.login(made, {"password": "abcdefg"}))
    session = client.session(auth["secret"])
    assert session.query([q.has_identity(), q.identity(), q.current_identity(), q.has_current_identity()]) == [
        True, made, made, True,
    ]
    assert session.query(q.current_token()) == auth["ref"] and session.query(q.has_current_token()) is True
    assert session.query(q.logout(True)) is True
    assert client.query(q.identify(made, "wrong-password")) is False
    key = admin.query(q.create_key({"role": "client"}))
    assert admin.session(key["secret"]).query(q.current_token()) == key["ref"]
    assert admin.query(q.has_current_token()) is False


def test_key_from_secret(root):
    """TestKeyFromSecret: KeyFromSecret is the key Get reads."""
    key = root.query(q.create_key({"database": q.database(DB), "role": "server"}))
    assert root.query(q.get(key["ref"])) == root.query(q.key_from_secret(key["secret"]))


def test_bytes(client):
    """TestBytes: @bytes echoed back, alone and in an object."""
    tagged = {"@bytes": base64.b64encode(b"\x01\x02\x03").decode()}
    assert client.answer(json.dumps(tagged))[1]["resource"] == tagged
    answer = client.answer(json.dumps({"object": {"x": tagged, "y": tagged, "z": tagged}}))[1]["resource"]
    assert answer == {"x": tagged, "y": tagged, "z": tagged}


def test_user_class_and_ping(server, client):
    """TestUserClass (an encoded object as data), TestPing (`GET /ping?scope=node`)."""
    made = client.query(q.create(q.collection("spells"), {"data": {"name": "Magic Missile", "element": "arcane", "cost": 10}}))
    assert typed(made["data"]) == typed({"name": "Magic Missile", "element": "arcane", "cost": 10})
    status, _, text = client.request("GET", "/ping?scope=node", None)
    assert status == 200 and json.loads(text)["resource"] == "Scope node is OK"


def test_refs(client):
    """TestRef: the native refs, a document ref and one from a legacy path."""
    answer = client.query(
        [
            q.index("idx"), q.collection("cls"), q.database("db"), q.function("fn"), q.role("rl"),
            q.ref(q.collection("spells"), "1"), q.ref("classes/spells/1"),
        ]
    )
    spells = Ref("spells", Native.COLLECTIONS)
    assert answer == [
        Ref("idx", Native.INDEXES), Ref("cls", Native.COLLECTIONS), Ref("db", Native.DATABASES),
        Ref("fn", Native.FUNCTIONS), Ref("rl", Native.ROLES), Ref("1", spells), Ref("1", spells),
    ]


def new_database(client: CSharpClient, name: str) -> CSharpClient:
    client.query(q.create_database({"name": name}))
    key = client.query(q.create_key({"database": q.database(name), "role": "admin"}))
    return client.session(key["secret"])


def test_nested_refs(client, admin):
    """TestNestedClassRef, TestNestedKeyRef: refs into child databases carry their databases."""
    parent, child, coll = random_name("parent-database-"), random_name("child-database-"), random_name("a-class-")
    first = new_database(admin, parent)
    first.query(q.create_database({"name": child}))
    key = first.query(q.create_key({"database": q.database(child), "role": "server"}))
    first.session(key["secret"]).query(q.create_collection({"name": coll}))
    nested = q.database(child, q.database(parent))
    assert client.query(q.exists(q.collection(coll, nested))) is True
    in_parent = Ref(parent, Native.DATABASES)
    want = Ref(coll, Native.COLLECTIONS, Ref(child, Native.DATABASES, in_parent))
    assert client.query(q.paginate(q.collections(nested)))["data"] == [want]

    parent, child = random_name("db-for-keys"), random_name("db-test")
    keyed = new_database(admin, parent)
    keyed.query(q.create_database({"name": child}))
    server_key = keyed.query(q.create_key({"database": q.database(child), "role": "server"}))["ref"]
    admin_key = keyed.query(q.create_key({"database": q.database(child), "role": "admin"}))["ref"]
    assert keyed.query(q.paginate(q.keys()))["data"] == [server_key, admin_key]
    keys_of_parent = Ref("keys", None, Ref(parent, Native.DATABASES))
    assert admin.query(q.paginate(q.keys(q.database(parent))))["data"] == [
        Ref(server_key.id(), keys_of_parent), Ref(admin_key.id(), keys_of_parent),
    ]


def test_query_values(client):
    """TestVersionedQuery, TestQueryLegacy, TestCreateFunction, TestCallFunction: Query() is answered with
    api_version 4, a @query without one as 2.12."""
    body = q.query(q.lambda_(["x", "y"], q.concat([q.var("x"), "/", q.var("y")])))
    answer = client.answer(body)[1]["resource"]
    assert answer == {"@query": {"lambda": ["x", "y"], "expr": {"concat": [{"var": "x"}, "/", {"var": "y"}]}, "api_version": "4"}}
    legacy = client.answer(json.dumps({"@query": {"lambda": ["x"], "expr": {"add": [{"var": "x"}, 1]}}}))[1]["resource"]
    assert legacy == {"@query": {"lambda": ["x"], "expr": {"add": [{"var": "x"}, 1]}, "api_version": "2.12"}}
    client.query(q.create_function({"name": "concat_with_slash", "body": body}))
    assert client.query(q.exists(q.function("concat_with_slash"))) is True
    client.query(q.create_function({"name": "my_concat", "body": body}))
    assert client.query(q.call(q.function("my_concat"), "a", "b")) == "a/b"


def test_range_reduce_count_sum_mean(client, admin):
    """TestRangeFunction, TestReduceFunction, TestCountFunction, TestSumFunction, TestMeanFunction and
    TestReverseFunction of sets and pages."""
    index = new_collection_with_values(client)
    m = q.match(q.index(index))
    data = lambda s: q.select("data", q.paginate(s))  # noqa: E731
    assert client.query(
        [
            data(q.range(m, 3, 7)),
            data(q.union(q.range(m, 4, 7), q.range(m, 8, 10))),
            data(q.difference(q.range(m, 1, 10), q.range(m, 4, 9))),
            data(q.intersection(q.range(m, 1, 10), q.range(m, 4, 9))),
            data(q.range(m, 10, 0)),
            data(q.range(m, 11, 10)),
        ]
    ) == [[3, 4, 5, 6, 7], [4, 5, 6, 7, 8, 9, 10], [1, 2, 3, 10], [4, 5, 6, 7, 8, 9], [], []]
    aggregates = [
        q.count(m), q.count(q.range(m, 2, 6)), q.select("data", q.count(q.paginate(m))),
        q.sum(m), q.sum(q.range(m, 2, 6)), q.select("data", q.sum(q.paginate(m))),
        q.mean(m), q.mean(q.range(m, 2, 6)), q.select("data", q.mean(q.paginate(m))),
    ]
    assert typed(client.query(aggregates)) == typed([10, 5, [10], 55, 20, [55], 5.5, 4.0, [5.5]])
    five = q.match(q.index(new_collection_with_values(client, size=5)))
    assert client.query([data(q.reverse(five)), q.select("data", q.reverse(q.paginate(five)))]) == [[5, 4, 3, 2, 1]] * 2

    coll = random_collection(client)
    index = random_name("foo_index_")
    fields = [{"field": ["data", "value"]}, {"field": ["data", "foo"]}]
    client.query(q.create_index({"name": index, "source": coll, "active": True, "values": fields}))
    values = list(range(1, 101))
    admin.query(q.foreach(q.lambda_("i", q.create(coll, {"data": {"value": q.var("i"), "foo": "bar"}})), values))
    add = q.lambda_(["acc", "i"], q.add(q.var("acc"), q.var("i")))
    add_first = q.lambda_(["acc", "i"], q.add(q.var("acc"), q.select(0, q.var("i"))))
    match = q.match(q.index(index))
    assert admin.query(
        [q.reduce(add, 10, values), q.reduce(add_first, 10, match), q.select("data", q.reduce(add_first, 10, q.paginate(match, size=100)))]
    ) == [5060, 5060, [5060]]


def test_move_database(admin):
    """TestMoveDatabaseFunction: a child database and its collection move to another database."""
    source_name, target_name = random_name("db_source_"), random_name("db_target_")
    source, target = new_database(admin, source_name), new_database(admin, target_name)
    names = lambda s: q.select("data", q.map_(q.lambda_("x", q.select("name", q.get(q.var("x")))), q.paginate(s)))  # noqa: E731
    new_database(source, "child").query(q.create_collection({"name": "any_collection"}))
    assert source.query(names(q.databases())) == ["child"] and target.query(names(q.databases())) == []
    assert source.query(names(q.collections(q.database("child")))) == ["any_collection"]
    admin.query(q.move_database(q.database("child", q.database(source_name)), q.database(target_name)))
    assert target.query(names(q.databases())) == ["child"] and source.query(names(q.databases())) == []
    key = target.query(q.create_key({"database": q.database("child"), "role": "server"}))
    assert target.session(key["secret"]).query(names(q.collections())) == ["any_collection"]


def test_request_headers(server, root):
    """TestRequestMessageHeaders, TestCustomHttp: the driver's headers are accepted, X-Txn-Time comes back
    (the driver sends it again as X-Last-Seen-Txn), and a smaller X-Query-Timeout still answers."""
    status, headers, text = root.request("POST", "/", _json.to_json(q.count(q.databases())))
    assert status == 200 and int(headers["x-txn-time"]) > 0
    last = headers["x-txn-time"]
    for timeout in ["42000", "10000", "11000"]:
        extra = {"X-Query-Timeout": timeout, "X-Last-Seen-Txn": last}
        status, headers, text = root.request("POST", "/", _json.to_json(q.count(q.collections())), extra)
        assert status == 200 and int(headers["x-txn-time"]) >= int(last)
    assert root.query(q.count(q.collections(q.database(DB)))) >= 1


def test_access_providers(client, admin):
    """TestAuthProviders: an access provider's fields, its audience, Get, a server key's permission denied
    and AccessProviders() in the order made."""
    role = admin.query(
        q.create_role({"name": random_name("role_"), "privileges": [{"resource": random_collection(client), "actions": {"read": True}}]})
    )["ref"]
    name, issuer, jwks = random_name("access_prov_"), random_name("issuer_"), "https://xxxx.auth0.com/"
    provider = admin.query(q.create_access_provider({"name": name, "issuer": issuer, "jwks_uri": jwks, "roles": [role]}))
    assert provider["roles"] == [role] and provider["name"] == name and provider["issuer"] == issuer
    assert provider["jwks_uri"] == jwks and provider["audience"]
    assert admin.query(q.get(q.access_provider(name))) == provider
    fails(client, q.get(q.access_provider(name)), 403, "permission denied", "Insufficient privileges to perform the action.", [])
    other = random_name("ap_")
    admin.query(q.create_access_provider({"name": other, "issuer": random_name("ap_"), "jwks_uri": jwks}))
    page = admin.query(q.paginate(q.access_providers()))["data"]
    assert [ref.id() for ref in page] == [name, other]


def test_type_checkers(client, admin):
    """TestTypeCheckers: 41 Is*() that hold and 37 that do not."""
    coll = admin.query(q.create_collection({"name": random_name("c")}))["ref"]
    index = admin.query(q.create_index({"name": random_name("i"), "source": coll, "active": True}))["ref"]
    doc = admin.query(q.create(coll, {"credentials": {"password": "sekret"}}))["ref"]
    db = admin.query(q.create_database({"name": random_name("d")}))["ref"]
    fn = admin.query(q.create_function({"name": random_name("f"), "body": q.query(q.lambda_("x", q.var("x")))}))["ref"]
    key = admin.query(q.create_key({"database": db, "role": "admin"}))["ref"]
    tok = admin.query(q.login(doc, {"password": "sekret"}))
    role = admin.query(q.create_role({"name": random_name("r"), "membership": [], "privileges": []}))["ref"]
    cred = admin.session(tok["secret"]).query(q.get(q.ref("credentials/self")))["ref"]
    token = tok["ref"]
    raw_bytes = json.loads('{"@bytes": "AQIDBA=="}')
    holds = [
        q.is_number(3.14), q.is_number(10), q.is_double(3.14), q.is_integer(10), q.is_boolean(True),
        q.is_boolean(False), q.is_null(None), q.is_timestamp(q.now()), q.is_timestamp(q.epoch(1, "second")),
        q.is_timestamp(q.time("1970-01-01T00:00:00Z")), q.is_date(q.to_date(q.now())), q.is_date(q.date("1970-01-01")),
        q.is_string("string"), q.is_array([10]), q.is_object({"x": 10}), q.is_object(q.paginate(q.collections())),
        q.is_object(q.get(doc)), q.is_ref(coll), q.is_set(q.collections()), q.is_set(q.match(index)),
        q.is_set(q.union(q.match(index))), q.is_doc(doc), q.is_doc(q.get(doc)),
        q.is_lambda(q.query(q.lambda_("x", q.var("x")))), q.is_collection(coll), q.is_collection(q.get(coll)),
        q.is_database(db), q.is_database(q.get(db)), q.is_index(index), q.is_index(q.get(index)),
        q.is_function(fn), q.is_function(q.get(fn)), q.is_key(key), q.is_key(q.get(key)), q.is_token(token),
        q.is_token(q.get(token)), q.is_credentials(cred), q.is_credentials(q.get(cred)), q.is_role(role),
        q.is_role(q.get(role)),
    ]
    fails_ = [
        q.is_number("string"), q.is_number([]), q.is_double(10), q.is_integer(3.14), q.is_boolean("string"),
        q.is_boolean(10), q.is_null("string"), q.is_bytes([1, 2, 3, 4]), q.is_timestamp(q.to_date(q.now())),
        q.is_timestamp(10), q.is_date(q.now()), q.is_string([]), q.is_string(10), q.is_array({"x": 10}),
        q.is_object([10]), q.is_ref(q.match(index)), q.is_ref(10), q.is_set("string"), q.is_doc({}),
        q.is_lambda(fn), q.is_lambda(q.get(fn)), q.is_collection(db), q.is_collection(q.get(db)),
        q.is_database(coll), q.is_database(q.get(coll)), q.is_index(coll), q.is_index(q.get(db)),
        q.is_function(index), q.is_function(q.get(coll)), q.is_key(db), q.is_key(q.get(index)),
        q.is_token(index), q.is_token(q.get(cred)), q.is_credentials(token), q.is_credentials(q.get(role)),
        q.is_role(coll), q.is_role(q.get(index)),
    ]
    assert admin.query(holds) == [True] * len(holds)
    assert admin.answer(json.dumps({"is_bytes": raw_bytes}))[1]["resource"] is True
    assert admin.query(fails_) == [False] * len(fails_)


def test_all_any(admin):
    """TestAllAny: All and Any of arrays, pages and sets."""
    coll = admin.query(q.create_collection({"name": random_name("c")}))["ref"]
    fields = {"terms": [{"field": ["data", "foo"]}], "values": [{"field": ["data", "value"]}]}
    index = admin.query(q.create_index({"name": random_name("i"), "source": coll, "active": True, **fields}))["ref"]
    rows = [("true", True)] * 3 + [("false", False)] * 3 + [("mixed", True), ("mixed", False)] * 2
    admin.query(q.do(*[q.create(coll, {"data": {"foo": foo, "value": value}}) for foo, value in rows]))
    page = lambda f, term: q.select(["data", 0], f(q.paginate(q.match(index, term))))  # noqa: E731
    assert admin.query(
        [
            q.all([True, True, True]), q.all([True, False, True]),
            page(q.all, "true"), page(q.all, "false"), page(q.all, "mixed"),
            q.all(q.match(index, "true")), q.all(q.match(index, "false")), q.all(q.match(index, "mixed")),
            q.any([False, False, False]), q.any([True, False, True]),
            page(q.any, "true"), page(q.any, "false"), page(q.any, "mixed"),
            q.any(q.match(index, "true")), q.any(q.match(index, "false")), q.any(q.match(index, "mixed")),
        ]
    ) == [True, False, True, False, False, True, False, False, False, True, True, False, True, True, False, True]


# ErrorsTest


def test_errors_test(root, client, spells):
    """ErrorsTest: TestHttpBadRequest / TestInvalidExpression, TestHttpUnauthorized, TestPermissionDenied,
    TestUnboundVariable, TestInvalidArgument, TestInstanceNotFound, TestValueNotFound,
    TestInstanceAlreadyExists, TestDuplicateValue: each status, code, description and position."""
    fails(client, '{"foo": "bar"}', 400, "invalid expression", "No form/function found, or invalid argument keys: { foo }.")
    fails(root.session("bad_key"), q.get(q.database(DB)), 401, "unauthorized", "Unauthorized")
    key = root.query(q.create_key({"database": q.database(DB), "role": "client"}))
    denied = root.session(key["secret"])
    fails(denied, json.dumps({"paginate": {"@ref": {"id": "databases"}}}), 403, "permission denied", "Insufficient privileges to perform the action.")
    fails(client, q.var("x"), 400, "invalid expression", "Variable 'x' is not defined.")
    fails(client, q.add([1, "two"]), 400, "invalid argument", "Number expected, String provided.", ["add", "1"])
    client.query(q.create_collection({"name": "foofaws"}))
    fails(client, q.get(q.ref(q.collection("foofaws"), "123")), 404, "instance not found", "Document not found.")
    fails(client, q.select("a", {}), 404, "value not found", "Value not found at path [a].")
    client.query(q.create_collection({"name": "duplicates"}))
    made = client.query(q.create(q.collection("duplicates"), {}))["ref"]
    fails(client, q.create(made, {}), 400, "instance already exists", "Document already exists.", ["create"])
    client.query(q.create_collection({"name": "gerbils"}))
    unique = {"terms": [{"field": ["data", "x"]}], "unique": True}
    client.query(q.create_index({"name": "gerbils_by_x", "active": True, "source": q.collection("gerbils"), **unique}))
    client.query(q.create(q.collection("gerbils"), {"data": {"x": 1}}))


@pytest.mark.parametrize(
    "name, code, description",
    [
        ("equals", "invalid argument", "Non-empty array expected."),
        ("add", "invalid argument", "Non-empty array expected."),
        ("multiply", "invalid argument", "Non-empty array expected."),
        ("subtract", "invalid argument", "Non-empty array expected."),
        ("divide", "invalid argument", "Non-empty array expected."),
        ("modulo", "invalid argument", "Non-empty array expected."),
        ("lt", "invalid argument", "Non-empty array expected."),
        ("lte", "invalid argument", "Non-empty array expected."),
        ("gt", "invalid argument", "Non-empty array expected."),
        ("gte", "invalid argument", "Non-empty array expected."),
        ("and", "invalid expression", "Expression list cannot be empty."),
        ("or", "invalid expression", "Expression list cannot be empty."),
        ("union", "invalid argument", "Non-empty array expected."),
        ("intersection", "invalid argument", "Non-empty array expected."),
        ("difference", "invalid argument", "Non-empty array expected."),
    ],
)
def test_non_empty_array(client, name, code, description):
    """ErrorsTest.TestNonEmptyArray: EqualsFn(), Add(), ... with no arguments: the C# driver writes `[]`."""
    fails(client, json.dumps({name: []}), 400, code, description, [name])


# StreamingTest


def stream(client: CSharpClient, expr, fields: str | None = None):
    """FaunaClient.Stream(expr, fields): POST /stream, `?fields=` when given; the open response."""
    conn = http.client.HTTPConnection("127.0.0.1", client.port, timeout=20)
    path = f"/stream?fields={fields}" if fields else "/stream"
    headers = {k: v for k, v in HEADERS.items() if k not in ("Accept", "Accept-Encoding", "Keep-Alive", "X-Query-Timeout")}
    conn.request("POST", path, _json.to_json(expr), {**headers, "Authorization": f"Bearer {client.secret}"})
    return conn, conn.getresponse()


@pytest.fixture(scope="module")
def streams_test(admin):
    admin.query(q.create_collection({"name": "streams_test"}))


def stream_error(client: CSharpClient, expr) -> tuple[int, dict]:
    return read_whole(stream(client, expr))


def test_stream_errors(admin, streams_test):
    """TestThatStreamFailsIfTargetDoesNotExist, TestStreamFailsIfIncorrectValuePassedToStreamMethod,
    TestStreamFailsIfQueryIsNotReadOnly. The last expects an older Fauna's text (`Write effect in read-only
    query expression.`); core's is StreamSpec's "does not allow for writes", and it is found before the
    call's argument (here a Collection ref, not an object) is: EvalContext checks a NativeCall's effect
    before its thunk evaluates and casts the arguments."""
    status, body = stream_error(admin, q.get(q.ref(q.collection("streams_test"), "1234")))
    assert status == 404 and body["errors"][0]["code"] == "instance not found"
    assert body["errors"][0]["description"] == "Document not found."
    status, body = stream_error(admin, q.collection("streams_test"))
    assert status == 400 and body["errors"][0]["code"] == "invalid argument"
    assert body["errors"][0]["description"] == "Expected a Document Ref or Version, or a Set Ref, got Collection Ref."
    status, body = stream_error(admin, q.create_collection(q.collection("streams_test")))
    assert status == 400 and body["errors"] == [
        {"position": [], "code": "invalid expression", "description": "Call performs a write, which is not allowed in stream requests."}
    ]
    status, body = stream_error(admin, q.do(q.collection("streams_test"), q.new_id()))
    assert body["errors"][0]["position"] == ["do", 1]
    assert body["errors"][0]["description"] == "Call performs a write, which is not allowed in stream requests."


def push_updates(client: CSharpClient, ref: Ref, values: list[str]) -> None:
    """The C# test's three `Update(docRef, {data: {testField: ...}})` while the stream is open."""
    for value in values:
        client.query(q.update(ref, {"data": {"testField": value}}))


def test_stream_a_document(admin):
    """TestStreamEventsOnDocumentReferenceWithDocumentFieldByDefault: start, then three version events
    with the document; TeststreamEventsOnDocumentReferenceWithOptInFields: action, diff, document, prev."""
    doc = admin.query(q.create(random_collection(admin), {"credentials": {"password": "abcdefg"}}))["ref"]
    conn, response = stream(admin, doc)
    try:
        read = Events(response)
        [start] = read.take(1)
        assert start["type"] == "start"
        push_updates(admin, doc, ["testValue1", "testValue2", "testValue3"])
        got = read.take(3)
    finally:
        conn.close()
    assert [e["type"] for e in got] == ["version"] * 3
    assert [e["event"]["document"]["data"]["testField"] for e in got] == ["testValue1", "testValue2", "testValue3"]

    doc = admin.query(q.create(random_collection(admin), {"data": {"testField": "testValue0"}}))["ref"]
    conn, response = stream(admin, doc, "action,diff,document,prev")
    try:
        read = Events(response)
        [start] = read.take(1)
        assert start["type"] == "start"
        push_updates(admin, doc, ["testValue1", "testValue2", "testValue3"])
        got = read.take(3)
    finally:
        conn.close()
    for event, (before, after) in zip(got, [("testValue0", "testValue1"), ("testValue1", "testValue2"), ("testValue2", "testValue3")]):
        assert event["type"] == "version" and event["event"]["action"] == "update"
        assert event["event"]["diff"]["data"] == {"testField": after}
        assert event["event"]["document"]["data"] == {"testField": after}
        assert event["event"]["prev"]["data"] == {"testField": before}


def test_stream_loses_its_authorization(admin):
    """TestStreamHandlesLossOfAuthorization: the stream's key deleted, the next event is core's error."""
    admin.query(q.create_collection({"name": "streamed-things-auth"}))
    doc = admin.query(q.create(q.collection("streamed-things-auth"), {"credentials": {"password": "abcdefg"}}))["ref"]
    key = admin.query(q.create_key({"role": "server-readonly"}))
    conn, response = stream(admin.session(key["secret"]), doc)
    try:
        read = Events(response)
        [start] = read.take(1)
        assert start["type"] == "start"
        admin.query(q.update(doc, {"data": {"testField": "afterStart"}}))
        admin.query(q.delete(key["ref"]))
        admin.query(q.update(doc, {"data": {"testField": "afterKeyDelete"}}))
        got = []
        while not got or got[-1]["type"] != "error":
            more = read.take(1)
            assert more, got
            got += more
    finally:
        conn.close()
    assert got[-1]["event"] == {"code": "permission denied", "description": "Authorization lost during stream evaluation."}


# PageTest


@pytest.fixture(scope="module")
def paged(client):
    """PageTest.SetUp: timestamped_things (2 documents) and paged_things (100, i = 0..99) with their indexes."""
    ts_coll = client.query(q.create_collection({"name": "timestamped_things"}))["ref"]
    ts_index = client.query(q.create_index({"name": "timestamped_things_by_class", "active": True, "source": ts_coll}))["ref"]
    first = client.query(q.create(ts_coll, {}))
    client.query(q.create(ts_coll, {}))
    coll = client.query(q.create_collection({"name": "paged_things"}))["ref"]
    values = [{"field": ["data", "i"]}, {"field": "ref"}]
    index = client.query(q.create_index({"name": "things_by_class", "active": True, "source": coll, "values": values}))["ref"]
    refs = [client.query(q.create(coll, {"data": {"i": i}}))["ref"] for i in range(100)]
    return {"ts_index": ts_index, "first": first, "index": index, "refs": refs}


def paginate(set_expr, **options) -> str:
    """Paginate(set, ...) as the C# driver writes it: `before: NullV.Instance` is sent as `"before": null`
    (the last page), where the Python driver leaves a None option out."""
    body = json.loads(_json.to_json(q.paginate(set_expr, **{k: v for k, v in options.items() if v is not None})))
    return json.dumps({**body, **{k: None for k, v in options.items() if v is None}})


def walk(client: CSharpClient, set_expr, *, reverse: bool = False, **options) -> list[list]:
    """PageHelper.Each / EachReverse: each page's data, following `after` (or `before`) until there is none."""
    pages, cursor = [], dict(options)
    while True:
        page = client.query(paginate(set_expr, **cursor))
        pages.append(page["data"])
        key = "before" if reverse else "after"
        if key not in page:
            return pages
        cursor = {k: v for k, v in options.items() if k not in ("after", "before")}
        cursor[key] = page[key]


def test_page_helper(client, paged):
    """PageTest: TestPagination, TestReversePagination, MapsPagination, FilterPagination, HonorsPassedInCursor
    (both ways), HonorsSize, HonorsTs, HonorsEvents, HornosSource, HornosCombinationParameters,
    IterativelyPaginatePages (both ways)."""
    refs, m = paged["refs"], q.match(paged["index"])
    flat = lambda pages: [row for page in pages for row in page]  # noqa: E731
    assert flat(walk(client, m)) == [[i, refs[i]] for i in range(100)]
    assert [row[1] for row in flat(reversed(walk(client, m, reverse=True, before=None)))] == refs
    mapped = client.query(q.map_(q.lambda_("obj", q.select([1], q.var("obj"))), q.paginate(m, size=100)))["data"]
    assert mapped == refs
    even = q.lambda_("obj", q.equals(q.modulo(q.select([0], q.var("obj")), 2), 0))
    assert [row[1] for row in client.query(q.filter_(even, q.paginate(m, size=100)))["data"]] == refs[::2]
    assert [row[1] for row in flat(walk(client, m, after=50))] == refs[50:]
    assert [row[1] for row in flat(walk(client, m, reverse=True, before=51))] == refs[:51]
    sized = walk(client, m, size=5)
    assert [len(page) for page in sized] == [5] * 20
    assert [len(page) for page in walk(client, q.match(paged["ts_index"]))] == [2]
    assert walk(client, q.match(paged["ts_index"]), ts=paged["first"]["ts"]) == [[paged["first"]["ref"]]]
    for row in flat(walk(client, m, events=True)):
        assert {"ts", "action", "document", "data"} <= set(row)
    for row in flat(walk(client, m, sources=True)):
        assert "sources" in row
    for row in flat(walk(client, m, reverse=True, before=None, events=True, sources=True)):
        assert "sources" in row and {"ts", "action", "document", "data"} <= set(row["value"])
    first = client.query(q.paginate(m, size=2))
    assert [row[1] for row in first["data"]] == refs[:2]
    second = client.query(q.paginate(m, size=2, after=first["after"]))
    assert [row[1] for row in second["data"]] == refs[2:4]
    last = client.query(paginate(m, size=2, before=None))
    assert [row[1] for row in last["data"]] == refs[98:]
    before_last = client.query(q.paginate(m, size=2, before=last["before"]))
    assert [row[1] for row in before_last["data"]] == refs[96:98]


def test_parallel_queries(server, root):
    """ParallelTest: ten documents, then many clients mapping Get over their page and summing at once."""
    root.query(q.create_collection({"name": "parallel_test"}))
    for i in range(10):
        root.query(q.create(q.collection("parallel_test"), {"data": {"Id": i + 1, "Text": f"Document {i + 1}"}}))
    errors: list = []

    def work():
        try:
            page = root.query(q.map_(q.lambda_("reference", q.get(q.var("reference"))), q.paginate(q.documents(q.collection("parallel_test")))))
            assert len(page["data"]) == 10
            assert root.query(q.sum([1, 2, 3.5, 0.25])) == 6.75
        except Exception as error:  # noqa: BLE001 - collected and reported below, as the C# test does
            errors.append(error)

    threads = [threading.Thread(target=work) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
