"""Core's v10 wire serialization specs (ext/model/src/test/scala/fql2/serialization), ported to fql's v10
endpoint: FQL2ValueEncoderSpec (how `data` is written, simple and tagged), FQL2ValueDecoderSpec (how
`arguments` and template values are read), FQL2ValueRoundtripSpec and FQL2QueryTemplateSpec (the
`{"fql": [...]}` templates and their `value`, `array` and `object` parts).

Core's specs call its encoder and decoder directly; here each case goes through `POST /query/1` as a driver
sends it: a value to decode is an argument (or a template value) the query returns, a value to encode is
what a query answers.

Elsewhere or left out: the encoder specs' `render a uuid` (a UUID comes only from v4 data: tests/test_uuid.py
has `@uuid` and the simple format's text); `render a timestamp` and `render a date` encode `now`, here a
fixed time and date; the simple decoder's `parses a long` expects core's `Value.Long(39)`, which equals the
`Value.Number(39)` core's simple decoder makes (an Int when it fits), as fql's plain integer is."""

from __future__ import annotations

import base64
import json

import pytest

import fql
from fql.server import body as request_body
from fql.server import v10


@pytest.fixture
def db() -> fql.Database:
    return fql.connect(root_secret="secret")


def answer(db: fql.Database, request: dict | bytes, fmt: str = "tagged", secret: str = "secret", **headers) -> tuple[int, dict]:
    """The status and JSON answer of one v10 request (a dict, or raw JSON bytes read as the server reads them)."""
    if isinstance(request, bytes):
        try:
            request = request_body.parse(request, mark_repeats=True)
        except fql.FQLError as err:
            return 400, {"error": {"code": "invalid_request", "message": err.description}}
    try:
        response = v10.query(db, request, secret, {"x-format": fmt, **headers}, 0)
    except v10.V10Error as err:
        return err.status, err.v10_body()
    return response.status, json.loads(response.body)


def data(db: fql.Database, query: str | dict, fmt: str = "tagged", **kw) -> object:
    status, out = answer(db, {"query": query, **kw}, fmt)
    assert status == 200, out
    return out["data"]


def echo(db: fql.Database, value: object, fmt: str = "tagged") -> object:
    """An argument as the query `x` gives it back."""
    return data(db, "x", fmt, arguments={"x": value})


def invalid(message: str) -> tuple[int, dict]:
    return 400, {"error": {"code": "invalid_request", "message": message}}


def bad_argument(db: fql.Database, value: object) -> tuple[int, dict]:
    return answer(db, {"query": "x", "arguments": {"x": value}})


def check_failure(db: fql.Database, template: object) -> str:
    """The summary of a template that fails its checks (`invalid_query`, core's QueryCheckFailure)."""
    status, out = answer(db, {"query": template})
    assert status == 400 and out["error"] == {"code": "invalid_query", "message": "The query failed 1 validation check"}
    return out["summary"]


# -- FQL2ValueEncoderSpec: simple and tagged ----------------------------------------------------------------

ENCODED = [
    # (spec case, query, simple, tagged)
    ("render an int", "3", 3, {"@int": "3"}),
    ("render a string", "'hilo'", "hilo", "hilo"),
    ("render a double", "22.2", 22.2, {"@double": "22.2"}),
    # Core's Value.Long(20): a query makes one with parseLong (a Long even where an Int would do).
    ("render a long", "'20'.parseLong()", 20, {"@long": "20"}),
    ("NaN renders as \"NaN\"", "Math.NaN", "NaN", {"@double": "NaN"}),
    ("+Infinity renders as \"Infinity\"", "Math.Infinity", "Infinity", {"@double": "Infinity"}),
    ("-Infinity renders as \"-Infinity\"", "-Math.Infinity", "-Infinity", {"@double": "-Infinity"}),
    ("render true", "true", True, True),
    ("render false", "false", False, False),
    ("render a timestamp", 'Time("2024-01-02T03:04:05.123456789Z")', "2024-01-02T03:04:05.123456789Z",
     {"@time": "2024-01-02T03:04:05.123456789Z"}),
    ("render a date", 'Date("2022-12-14")', "2022-12-14", {"@date": "2022-12-14"}),
    ("render bytes", 'Bytes("AQID")', "AQID", {"@bytes": base64.b64encode(bytes([1, 2, 3])).decode()}),
    ("render null", "null", None, None),
    ("render array", '["hello", "hello", "moon"]', ["hello", "hello", "moon"], ["hello", "hello", "moon"]),
    ("render struct", '{ one: "two", three: "four", five: { a: "b", c: "d" } }',
     {"one": "two", "three": "four", "five": {"a": "b", "c": "d"}},
     {"one": "two", "three": "four", "five": {"a": "b", "c": "d"}}),
    ("render struct with a key starting with @", '{ "@foo": "one", bar: "two" }',
     {"@foo": "one", "bar": "two"}, {"@object": {"@foo": "one", "bar": "two"}}),
]


@pytest.mark.parametrize("case, query, simple, tagged", ENCODED, ids=[c[0] for c in ENCODED])
def test_encoder_values(db, case, query, simple, tagged):
    """FQL2ValueEncoderSimpleSpec and FQL2ValueEncoderTaggedSpec: each value in both formats (the tagged
    spec alone has bytes and the `@object` escape; simple bytes are their base64 text)."""
    assert data(db, query, "simple") == simple
    assert data(db, query, "tagged") == tagged
    # The order of an object's fields is kept, as core's JSON text shows it.
    if isinstance(tagged, dict):
        assert list(data(db, query, "tagged")) == list(tagged)


def test_encoder_renders_docs_recursively(db):
    """FQL2ValueEncoderTaggedSpec `render docs recursively correctly`: two documents pointing at each other
    render, each showing the other as a `@ref`."""
    data(db, "Collection.create({ name: 'User' })")
    id1 = data(db, "User.create({}).id")
    id2 = data(db, "User.create({}).id")
    data(db, f"User.byId('{id1}')!.update({{ other: User.byId('{id2}')! }})")
    data(db, f"User.byId('{id2}')!.update({{ other: User.byId('{id1}')! }})")
    docs = data(db, "User.all()")["@set"]["data"]
    assert [d["@doc"]["id"] for d in docs] == [id1, id2]
    assert [d["@doc"]["other"]["@ref"]["id"] for d in docs] == [id2, id1]


def _books_role_secret(db: fql.Database) -> str:
    """A key whose role may create Books and read nothing (the specs' `TestRole`)."""
    data(db, "Collection.create({ name: 'Books' })")
    data(db, 'Role.create({ name: "TestRole", privileges: { resource: "Books", actions: { create: true, read: false } } })')
    return data(db, 'Key.create({ role: "TestRole" }).secret')


def test_encoder_refs_simple(db):
    """FQL2ValueEncoderSimpleSpec `refs`: a schema document's and a document's refs are objects with a plain
    `coll`; a deleted, missing or unreadable document is null."""
    assert data(db, "Collection.create({name: 'User'}) { name, coll }", "simple") == {"name": "User", "coll": "Collection"}
    coll2 = data(db, "Collection.create({name: 'User2'})", "simple")
    assert (coll2["name"], coll2["coll"]) == ("User2", "Collection") and "ts" in coll2
    doc1 = data(db, "User.create({ a: User.definition })", "simple")
    assert doc1["coll"] == "User" and doc1["a"] == {"name": "User", "coll": "Collection"} and "ts" in doc1
    doc2 = data(db, "User.create({ foo: User.byId('1234') })", "simple")
    assert doc2["coll"] == "User" and doc2["foo"] == {"id": "1234", "coll": "User"}
    assert data(db, f"User.byId('{doc2['id']}')!.delete()", "simple") is None
    assert data(db, "User.byId('1234')", "simple") is None
    secret = _books_role_secret(db)
    status, out = answer(db, {"query": "User.byId('1234')"}, "simple", secret=secret)
    assert status == 200 and out["data"] is None


def test_encoder_refs_tagged(db):
    """FQL2ValueEncoderTaggedSpec `refs`: `coll` is a `@mod`; refs inside a document are `@ref`s; a deleted,
    missing or unreadable document is a `@ref` that says it does not exist, and why."""
    assert json.dumps(data(db, "Collection.create({name: 'User'}) { name, coll }"), separators=(",", ":")) == (
        '{"name":"User","coll":{"@mod":"Collection"}}'
    )
    coll2 = data(db, "Collection.create({name: 'User2'})")["@doc"]
    assert (coll2["name"], coll2["coll"]) == ("User2", {"@mod": "Collection"}) and "ts" in coll2
    doc1 = data(db, "User.create({ a: User.definition })")["@doc"]
    assert doc1["coll"] == {"@mod": "User"} and "ts" in doc1
    assert doc1["a"] == {"@ref": {"name": "User", "coll": {"@mod": "Collection"}}}
    doc2 = data(db, "User.create({ foo: User.byId('1234') })")["@doc"]
    assert doc2["coll"] == {"@mod": "User"}
    assert doc2["foo"] == {"@ref": {"id": "1234", "coll": {"@mod": "User"}}}

    def missing(doc_id: str, cause: str) -> dict:
        return {"@ref": {"id": doc_id, "coll": {"@mod": "User"}, "exists": False, "cause": cause}}

    assert data(db, f"User.byId('{doc2['id']}')!.delete()") == missing(doc2["id"], "deleted")
    assert data(db, "User.byId('1234')") == missing("1234", "not found")
    secret = _books_role_secret(db)
    status, out = answer(db, {"query": "User.byId('1234')"}, secret=secret)
    assert status == 200 and out["data"] == missing("1234", "permission denied")


def test_encoder_refs_at_multiple_timestamps(db):
    """FQL2ValueEncoderSimpleSpec `refs at multiple timestamps`: a document read `at` a time shows its
    version then (null before it existed)."""
    data(db, "Collection.create({ name: 'User', fields: { name: { signature: 'String' } } })")
    ts0 = data(db, "Time.now()", "simple")
    data(db, "User.create({ id: 0, name: 'alice' })")
    ts1 = data(db, "Time.now()", "simple")
    data(db, "User(0)!.update({ name: 'bob' })")
    ts2 = data(db, "Time.now()", "simple")
    found = data(db, f'[at (Time("{ts0}")) User(0), at (Time("{ts1}")) User(0), at (Time("{ts2}")) User(0)]', "simple")
    assert found[0] is None and found[1]["name"] == "alice" and found[2]["name"] == "bob"


@pytest.mark.parametrize("fmt", ["simple", "tagged"])
def test_encoder_partials(db, fmt):
    """FQL2ValueEncoderSpec `partials` (both formats): an object read from an index's values renders as
    the object, alone, in an object or in an array."""
    data(db, "Collection.create({ name: 'User', indexes: { addrByUser: { terms: [{ field: 'username' }], "
             "values: [{ field: 'address' }] } } })")
    data(db, "User.create({ username: 'bob', address: { line1: '2nd falson street', line2: 'apt 303' } })")
    user = {"username": "bob", "address": {"line1": "2nd falson street", "line2": "apt 303"}}
    assert data(db, "User.addrByUser('bob').map(.data).first()", fmt) == user
    assert data(db, "let addr = User.addrByUser('bob').map(.data).first()\n{ addr: addr }", fmt) == {"addr": user}
    assert data(db, "let addr = User.addrByUser('bob').map(.data).first()\n[ addr ]", fmt) == [user]


def test_encoder_sets(db):
    """FQL2ValueEncoderSpec `sets`: a set is its first page (`@set` in tagged, without `after` at its end); a
    page from `paginate` is a plain object with `data` and `after` in both formats (core's FIXME)."""
    for name in "ABC":
        data(db, f"Collection.create({{ name: '{name}' }})")
    simple = data(db, "Collection.all()", "simple")
    assert [(d["name"], d["coll"]) for d in simple["data"]] == [(n, "Collection") for n in "ABC"]
    assert "after" not in simple
    tagged = data(db, "Collection.all()")["@set"]
    assert [(d["@doc"]["name"], d["@doc"]["coll"]) for d in tagged["data"]] == [(n, {"@mod": "Collection"}) for n in "ABC"]
    assert "after" not in tagged
    page = data(db, "Collection.all().paginate(2)", "simple")
    assert [(d["name"], d["coll"]) for d in page["data"]] == [("A", "Collection"), ("B", "Collection")]
    assert isinstance(page["after"], str)
    page = data(db, "Collection.all().paginate(2)")
    assert "@set" not in page and isinstance(page["after"], str)
    assert [(d["@doc"]["name"], d["@doc"]["coll"]) for d in page["data"]] == [("A", {"@mod": "Collection"}), ("B", {"@mod": "Collection"})]


@pytest.mark.parametrize("fmt", ["simple", "tagged"])
def test_encoder_sets_deep_in_arrays_and_objects(db, fmt):
    """Core's materializer walks arrays and objects to any depth (FQL2ValueMaterializer.gatherReads): only
    sets in sets count toward its SetMaterializationDepth. A set 11 arrays or objects deep is its first
    page, a document there read; fql once left a set past 10 levels as Python's text, `[set ArraySet]`."""
    data(db, "Collection.create({ name: 'Foo' })")
    data(db, "Foo.create({ id: '1', n: 1 })")
    found = data(db, "[" * 11 + "Set.sequence(0, 2)" + "]" * 11, fmt)
    deep = data(db, "{ a: " * 11 + "[Foo.byId('1'), Set.single(1)]" + " }" * 11, fmt)
    for _ in range(11):
        (found,), deep = found, deep["a"]
    page, doc = ({"data": [0, 1]}, {"id": "1", "coll": "Foo", "n": 1}) if fmt == "simple" else (
        {"@set": {"data": [{"@int": "0"}, {"@int": "1"}]}},
        {"@doc": {"id": "1", "coll": {"@mod": "Foo"}, "n": {"@int": "1"}}},
    )
    assert found == page
    (doc_found, one) = deep
    if fmt == "tagged":
        doc_found = {"@doc": {k: v for k, v in doc_found["@doc"].items() if k != "ts"}}
    else:
        doc_found = {k: v for k, v in doc_found.items() if k != "ts"}
    assert doc_found == doc
    assert one == ({"data": [1]} if fmt == "simple" else {"@set": {"data": [{"@int": "1"}]}})


def test_encoder_streams(db):
    """FQL2ValueEncoderSpec `streams`: an event source is its token, under `@stream` when tagged; the token
    opens the stream."""
    data(db, "Collection.create({ name: 'Foo' })")
    token = data(db, "Foo.all().toStream()", "simple")
    assert isinstance(token, str) and token
    tagged = data(db, "Foo.all().toStream()")
    assert list(tagged) == ["@stream"] and isinstance(tagged["@stream"], str)


def test_encoder_index_refs(db):
    """FQL2ValueEncoderTaggedSpec `index refs`: a v4 index's ref is `[legacy index myIndex]`, and a field of
    it is null."""
    db.query('CreateCollection({ name: "Author" })')
    db.query('CreateIndex({ name: "myIndex", source: Collection("Author") })')
    db.query('Create(Collection("Author"), { data: { indexRef: Index("myIndex") } })')
    assert data(db, "Author.all().toArray()[0].indexRef") == "[legacy index myIndex]"
    assert data(db, "Author.all().toArray()[0].indexRef.foo") is None


# -- FQL2ValueDecoderSpec -------------------------------------------------------------------------------------


def test_decoder_simple_format(db):
    """FQL2ValueDecoderSimpleSpec: in the simple format arguments are plain JSON: numbers untagged, and an
    `@object` key is a key like any other."""
    assert echo(db, 39, "simple") == 39
    assert echo(db, "hilo", "simple") == "hilo"
    assert echo(db, 3.39e-9, "simple") == 3.39e-9
    assert echo(db, True, "simple") is True and echo(db, False, "simple") is False
    assert echo(db, None, "simple") is None
    assert echo(db, ["hello", "hello", "moon"], "simple") == ["hello", "hello", "moon"]
    struct = {"one": "two", "three": "four", "five": {"a": "b", "c": "d"}}
    assert echo(db, struct, "simple") == struct
    assert echo(db, {"@object": {"a": "b"}}, "simple") == {"@object": {"a": "b"}}


DECODED = [
    # (spec case, argument, the query's answer in the tagged format)
    ("parses a string", "hilo", "hilo"),
    ("parses booleans", True, True),
    ("parses booleans", False, False),
    ("parses null", None, None),
    ("parses array", ["hello", "hello", "moon"], ["hello", "hello", "moon"]),
    ("parses struct", {"one": "two", "three": "four", "five": {"a": "b", "c": "d"}},
     {"one": "two", "three": "four", "five": {"a": "b", "c": "d"}}),
    ("parses int", {"@int": "1234"}, {"@int": "1234"}),
    ("parses double", {"@double": "12.34"}, {"@double": "12.34"}),
    ("parses date", {"@date": "2022-12-13"}, {"@date": "2022-12-13"}),
    ("parses time", {"@time": "1970-01-01T00:01:03Z"}, {"@time": "1970-01-01T00:01:03Z"}),
    ("parses bytes", {"@bytes": base64.b64encode(bytes([1, 2, 3])).decode()}, {"@bytes": "AQID"}),
    ("parses tagged struct", {"@object": {"one": "two", "three": "four", "five": {"a": "b", "c": "d"}}},
     {"one": "two", "three": "four", "five": {"a": "b", "c": "d"}}),
    ("parses tagged struct", {"@object": {"@this is a key": "foo"}}, {"@object": {"@this is a key": "foo"}}),
]


@pytest.mark.parametrize("case, argument, tagged", DECODED, ids=[f"{c[0]}-{i}" for i, c in enumerate(DECODED)])
def test_decoder_tagged_format(db, case, argument, tagged):
    """FQL2ValueDecoderTaggedSpec: each tagged argument is its value (seen in the query's tagged answer)."""
    assert echo(db, argument) == tagged


def test_decoder_parses_long(db):
    """FQL2ValueDecoderTaggedSpec `parses long`: `@long` is the number, a Long (core's Value.Long(1234)) even
    where an Int would hold it, so it is written back as `@long`, and an `@int` as `@int`."""
    assert data(db, "x == 1234", arguments={"x": {"@long": "1234"}}) is True
    assert echo(db, {"@long": "1234"}) == {"@long": "1234"}
    assert echo(db, {"@int": "1234"}) == {"@int": "1234"}
    assert echo(db, {"@long": "9223372036854775807"}) == {"@long": "9223372036854775807"}
    # The simple format reads arguments untagged, and writes a Long as any number.
    assert data(db, "'1234'.parseLong()", "simple") == 1234
    assert data(db, "x", "decorated", arguments={"x": {"@long": "1234"}}) == "1234"


DECODE_ERRORS = [
    ("parses a long", 39, "numbers must be tagged"),
    ("parses a double", 3.39e-9, "numbers must be tagged"),
    ("errors on invalid int", {"@int": "a"}, "invalid integer"),
    ("errors on invalid int", {"@int": "4294967296"}, "invalid integer"),
    ("errors on invalid long", {"@long": "a"}, "invalid long"),
    ("errors on invalid long", {"@long": "18446744073709551616"}, "invalid long"),
    ("errors on invalid double", {"@double": "a"}, "invalid double"),
    ("errors on invalid date", {"@date": "foo"}, "invalid date"),
    ("errors on invalid time", {"@time": "foo"}, "invalid time"),
    ("handles time without a timezone", {"@time": "1970-01-01T00:01:03"}, "invalid time"),
    ("errors on invalid bytes", {"@bytes": "1"}, "invalid bytes"),
    ("errors on invalid tag", {"@foo": "a"}, "invalid tag '@foo'"),
    ("errors on invalid tag", {"@int": "3", "@long": 4}, "too many keys in tagged value"),
]


@pytest.mark.parametrize("case, argument, message", DECODE_ERRORS, ids=[f"{c[0]}-{i}" for i, c in enumerate(DECODE_ERRORS)])
def test_decoder_errors(db, case, argument, message):
    """FQL2ValueDecoderTaggedSpec: a value the tagged format refuses; as an argument it is 400
    `Invalid argument 'x': ...` (core's FQL2Endpoint), nested or not."""
    assert bad_argument(db, argument) == invalid(f"Invalid argument 'x': {message}")
    assert bad_argument(db, {"a": [argument]}) == invalid(f"Invalid argument 'x': {message}")


@pytest.mark.parametrize(
    "argument, message",
    [
        # java.time's strict parsers (core's Timestamp.parse, LocalDate.parse): a `+` year only past four
        # digits, offsets `+HH:MM[:ss]` or `+HHMM`.
        ({"@date": "+2022-01-01"}, "invalid date"),
        ({"@time": "+2022-01-01T00:00:00Z"}, "invalid time"),
        ({"@time": "2022-01-01T00:00:00+01"}, "invalid time"),
        # Java's standard Base64 decoder (core's Base64.decodeStandard): no URL-safe alphabet, and padding
        # exact when there is any.
        ({"@bytes": "-_8="}, "invalid bytes"),
        ({"@bytes": "AQ="}, "invalid bytes"),
        ({"@bytes": "AQID="}, "invalid bytes"),
    ],
)
def test_decoder_reads_scalars_as_java_does(db, argument, message):
    """What core's parsers behind `@date`, `@time` and `@bytes` refuse (fql's own cases)."""
    assert bad_argument(db, argument) == invalid(f"Invalid argument 'x': {message}")


@pytest.mark.parametrize(
    "argument, tagged",
    [
        ({"@date": "+12022-01-01"}, {"@date": "+12022-01-01"}),
        ({"@time": "2022-01-01T00:00:00+01:00"}, {"@time": "2021-12-31T23:00:00Z"}),
        ({"@time": "2022-01-01T00:00:00+0100"}, {"@time": "2021-12-31T23:00:00Z"}),
        ({"@bytes": "AQI"}, {"@bytes": "AQI="}),
        ({"@bytes": "+/8="}, {"@bytes": "+/8="}),
        ({"@bytes": ""}, {"@bytes": ""}),
        # @time is core's Timestamp.parse, as v10's Time() reads its text (fql/javatime.py): case-insensitive
        # `T` and `Z`, offset seconds, the SMART resolver's clamped day and midnight of the next day.
        ({"@time": "2020-01-01t00:00:00z"}, {"@time": "2020-01-01T00:00:00Z"}),
        ({"@time": "2020-01-01T00:00:00+01:00:30"}, {"@time": "2019-12-31T22:59:30Z"}),
        ({"@time": "2021-02-30T00:00:00Z"}, {"@time": "2021-02-28T00:00:00Z"}),
        ({"@time": "2020-01-01T24:00:00Z"}, {"@time": "2020-01-02T00:00:00Z"}),
        # Scala's toIntOption and toLongOption (UndecidedValue's @int, @long): a sign, then digits as
        # Java's Character.digit reads them, other scripts' decimal digits too.
        ({"@int": "+1"}, {"@int": "1"}),
        ({"@int": "\u0663"}, {"@int": "3"}),
        ({"@long": "-\u0663\u0664"}, {"@long": "-34"}),
        # Scala's toDoubleOption (@double) reads hexadecimal floats, a binary exponent required.
        ({"@double": "0x1p3"}, {"@double": "8.0"}),
        ({"@double": " -0x1.8P1d "}, {"@double": "-3.0"}),
        ({"@double": "0x.8p0"}, {"@double": "0.5"}),
        ({"@double": "0x1p5000"}, {"@double": "Infinity"}),
    ],
)
def test_decoder_reads_scalars_java_takes(db, argument, tagged):
    assert echo(db, argument) == tagged


@pytest.mark.parametrize(
    "argument, message",
    [
        ({"@int": "\U0001d7ce"}, "invalid integer"),  # a digit past one UTF-16 unit: two chars to Java
        ({"@int": "1_0"}, "invalid integer"),
        ({"@int": " 1"}, "invalid integer"),
        ({"@int": "+"}, "invalid integer"),
        ({"@double": "0x1"}, "invalid double"),
        ({"@double": "0xp1"}, "invalid double"),
        ({"@double": "\u0663.0"}, "invalid double"),
        # java.time trims nothing; LocalDate.parse resolves STRICT, as v10's Date() does.
        ({"@time": " 2020-01-01T00:00:00Z"}, "invalid time"),
        ({"@date": "2021-02-29"}, "invalid date"),
        ({"@date": "2020-01-01 "}, "invalid date"),
    ],
)
def test_decoder_refuses_numbers_scala_refuses(db, argument, message):
    assert bad_argument(db, argument) == invalid(f"Invalid argument 'x': {message}")


@pytest.mark.parametrize("tag", ["@doc", "@ref"])
def test_decoder_reads_a_document_id_as_a_number(db, tag):
    """UndecidedValue reads a document's id with toLongOption into a DocID: `01`, `+1` and `1` are one
    document, whose id is written back as `1`."""
    data(db, "Collection.create({ name: 'User' })")
    doc = data(db, "User.create({ id: '1', a: 2 })")
    for spelled in ("01", "+1", "\u0661"):
        assert echo(db, {tag: {"coll": {"@mod": "User"}, "id": spelled}}) == doc
        assert echo(db, {tag: f"User:{spelled}"}) == doc


@pytest.mark.parametrize("tag", ["@doc", "@ref"])
def test_decoder_refs(db, tag):
    """FQL2ValueDecoderTaggedSpec `refs with @doc` and `refs with @ref`: a schema document by name, a
    document by id (of a user collection, or Key, Credentials, Token), and each malformed body."""
    user = data(db, "Collection.create({ name: 'User' })")
    assert echo(db, {tag: {"coll": {"@mod": "Collection"}, "name": "User"}}) == user
    assert bad_argument(db, {tag: {"coll": {"@mod": "Collection"}, "name": "UserTypo"}}) == invalid(
        "Invalid argument 'x': no such schema object 'UserTypo'"
    )
    assert data(db, "x == User.byId('3')", arguments={"x": {tag: {"coll": {"@mod": "User"}, "id": "3"}}}) is True
    errors = {
        f"{tag} requires an object value": True,
        f"{tag} field 'coll' is required": {},
        f"{tag} field 'coll' requires a module value": {"coll": True},
        f"{tag} field 'id' is required": {"coll": {"@mod": "User"}},
        f"{tag} field 'name' is required": {"coll": {"@mod": "Collection"}},
        f"{tag} field 'id' requires a string value": {"coll": {"@mod": "User"}, "id": True},
        f"{tag} field 'id' must be an integer": {"coll": {"@mod": "User"}, "id": "foo"},
        f"{tag} field 'name' requires a string value": {"coll": {"@mod": "Collection"}, "name": True},
    }
    for message, body in errors.items():
        assert bad_argument(db, {tag: body}) == invalid(f"Invalid argument 'x': {message}")
    doc = data(db, "User.create({ a: 2 })")
    assert echo(db, {tag: {"coll": {"@mod": "User"}, "id": doc["@doc"]["id"]}}) == doc
    for module, native in (("Key", "Key"), ("Credentials", "Credential"), ("Token", "Token")):
        assert data(db, f"x == {native}.byId('123')", arguments={"x": {tag: {"coll": {"@mod": module}, "id": "123"}}})


@pytest.mark.parametrize("tag", ["@doc", "@ref"])
def test_decoder_old_string_refs(db, tag):
    """FQL2ValueDecoderTaggedSpec `old string refs with @doc` / `@ref`: `"Coll:id"` is a document too."""
    data(db, "Collection.create({ name: 'User' })")
    assert data(db, "x == User.byId('3')", arguments={"x": {tag: "User:3"}}) is True
    for module, native in (("Key", "Key"), ("Credentials", "Credential"), ("Token", "Token")):
        assert data(db, f"x == {native}.byId('123')", arguments={"x": {tag: f"{module}:123"}}) is True


def test_decoder_modules_and_old_string_ref_errors(db):
    """UndecidedValue's other refusals, which the decoder spec reaches only through its refs: an unknown
    `@mod`, and the old string refs' own words."""
    data(db, "Collection.create({ name: 'User' })")
    assert echo(db, {"@mod": "User"}) == {"@mod": "User"}
    assert echo(db, {"@mod": "Math"}) == {"@mod": "Math"}
    assert bad_argument(db, {"@mod": "Nope"}) == invalid("Invalid argument 'x': no such module 'Nope'")
    assert bad_argument(db, {"@mod": 1}) == invalid("Invalid argument 'x': @mod requires a string value")
    assert bad_argument(db, {"@ref": "Nope:1"}) == invalid("Invalid argument 'x': no such collection 'Nope'")
    assert bad_argument(db, {"@ref": "User:x"}) == invalid("Invalid argument 'x': invalid document id 'x'")
    assert bad_argument(db, {"@ref": "Collection:Nope"}) == invalid(
        "Invalid argument 'x': no such schema definition document 'Nope'"
    )
    assert bad_argument(db, {"@ref": "User"}) == invalid("Invalid argument 'x': doc id must be in the format <coll>:<id>")
    assert data(db, "x == User.definition", arguments={"x": {"@ref": "Collection:User"}}) is True


# -- FQL2ValueRoundtripSpec -----------------------------------------------------------------------------------

ROUND_TRIPS = [
    ("int", '{"@int":"3"}'),
    ("int", '{"@int":"-1"}'),
    ("double", '{"@double":"22.3"}'),
    ("double", '{"@double":"Infinity"}'),
    ("double", '{"@double":"-Infinity"}'),
    ("double", '{"@double":"NaN"}'),
    ("string", '"hilo"'),
    ("string", '""'),
    ("boolean", "true"),
    ("boolean", "false"),
    ("array", "[]"),
    ("array", '["hilo"]'),
    ("object", '{"hi":"foo"}'),
    ("object with @", '{"@object":{"@foo":"bar","three":{"@int":"5"}}}'),
    ("time", '{"@time":"2024-01-02T03:04:05.123456Z"}'),
    ("date", '{"@date":"2022-12-14"}'),
    ("bytes", '{"@bytes":"AQID"}'),
]


@pytest.mark.parametrize("case, text", ROUND_TRIPS, ids=[f"{c[0]}-{i}" for i, c in enumerate(ROUND_TRIPS)])
def test_round_trip(db, case, text):
    """FQL2ValueRoundtripSpec: a tagged value sent as an argument comes back as the same JSON text."""
    assert json.dumps(echo(db, json.loads(text)), separators=(",", ":")) == text


def test_round_trip_docs(db):
    """FQL2ValueRoundtripSpec `docs` (pending in core): a document sent back as `@doc` is the document."""
    data(db, "Collection.create({ name: 'User' })")
    doc = data(db, "User.create({})")
    head = {"id": doc["@doc"]["id"], "coll": {"@mod": "User"}}
    assert echo(db, {"@doc": head}) == doc


# -- FQL2QueryTemplateSpec ----------------------------------------------------------------------------------

TEMPLATES = [
    ("evals a plain string", "'foo'", "foo"),
    ("evals a list of fql strings", {"fql": ["'foo'", ".length"]}, {"@int": "3"}),
    ("evals a value between fql strings", {"fql": ["'hello ' +", {"value": "world"}]}, "hello world"),
    ("evals nested fql strings", {"fql": ["2 +", {"fql": ["3 +", "4 +"]}, "5"]}, {"@int": "14"}),
    ("evals arrays", {"array": ["2", "3"]}, [{"@int": "2"}, {"@int": "3"}]),
    ("evals arrays", {"array": ["1 + 1", {"value": {"@int": "3"}}]}, [{"@int": "2"}, {"@int": "3"}]),
    ("evals objects", {"object": {"a": "2", "b": "3"}}, {"a": {"@int": "2"}, "b": {"@int": "3"}}),
    ("evals objects", {"object": {"a": "1 + 1", "b": {"value": {"@int": "3"}}}}, {"a": {"@int": "2"}, "b": {"@int": "3"}}),
    ("object fields are escaped", {"object": {"\0": "2"}}, {"\0": {"@int": "2"}}),
    ("object fields are escaped", {"object": {'"': "2"}}, {'"': {"@int": "2"}}),
    # fql's own: FQL's other escapes in a key (`#{` would start an interpolation, a newline a heredoc).
    ("object fields are escaped", {"object": {"#{x}\n'\\": "2"}}, {"#{x}\n'\\": {"@int": "2"}}),
    ("query can be a single value", {"value": {"@int": "5"}}, {"@int": "5"}),
    ("value-converts array if possible", {"array": [{"value": "1"}, {"value": "2"}, {"value": "3"}]}, ["1", "2", "3"]),
    ("value-converts array if possible", {"array": ["1", {"array": [{"value": "1"}, {"value": "2"}]}, "3"]},
     [{"@int": "1"}, ["1", "2"], {"@int": "3"}]),
    ("value-converts object if possible", {"object": {"a": {"value": "1"}, "b": "2", "c": {"value": "3"}}},
     {"a": "1", "b": {"@int": "2"}, "c": "3"}),
    ("decodes nested keys with @ in the replace with value path",
     {"fql": ["'hi' + ", {"object": {"@ref": {"value": "1234"}}}]}, 'hi{ "@ref": "1234" }'),
]


@pytest.mark.parametrize("case, template, tagged", TEMPLATES, ids=[f"{c[0]}-{i}" for i, c in enumerate(TEMPLATES)])
def test_templates_eval(db, case, template, tagged):
    """FQL2QueryTemplateSpec `FQL2Query evals values` (and what its `decodes JSON` cases splice, seen through
    what the query answers)."""
    assert data(db, template) == tagged


def test_template_evals_example_query(db):
    """FQL2QueryTemplateSpec `evals example query`."""
    data(db, "Collection.create({ name: 'Author' })")
    for name in ("Alice", "Bob", "Carol"):
        data(db, f"Author.create({{ name: '{name}' }})")
    template = {"fql": ["(Author.all().where(.name ==", {"value": "Alice"}, ") { name }).toArray()"]}
    assert data(db, template) == [{"name": "Alice"}]


def test_template_objects_keep_their_order(db):
    """FQL2QueryTemplateSpec `evals objects` (preserves order): a thousand fields, in order."""
    template = {"object": {str(i): "1" for i in range(1, 1001)}}
    assert list(data(db, template)) == [str(i) for i in range(1, 1001)]


def test_template_value_objects_keep_at_keys(db):
    """FQL2QueryTemplateSpec `decodes nested keys with @ in the replace with value path`: an `object` of
    values alone is one value, read as an `@object`, so its `@ref` key is a key."""
    assert data(db, {"object": {"@ref": {"value": "1234"}}}) == {"@object": {"@ref": "1234"}}
    assert data(db, {"object": {}}) == {} and data(db, {"array": []}) == []


def test_template_disallows_duplicate_keys(db):
    """FQL2QueryTemplateSpec `disallows duplicate keys`: 400, `Duplicate object field`."""
    for text in (b'{"query": { "object": { "a": "1", "a": "2" } }}',
                 b'{"query": { "object": { "a": { "value": "1" }, "a": { "value": "2" } } }}'):
        assert answer(db, text) == invalid("Invalid request body: Duplicate object field `a`")


def test_template_refuses_nul_in_text(db):
    """FQL2QueryTemplateSpec `error for any NUL characters in the query source`."""
    template = {"fql": [{"value": {"@int": "5"}}, ".foo\0"]}
    assert answer(db, {"query": template}) == invalid("Invalid request body: FQL strings cannot contain NUL characters")


FRAGMENT = "an object with a single key 'fql', 'value', 'array', or 'object'"


@pytest.mark.parametrize(
    "body, message",
    [
        # FQL2Query's decoders are json2 PartialJSONSwitches: a token of another kind is core's
        # JSONUnexpectedTypeException, `Unexpected JSON <label>.` and what was expected, if it says.
        ({"query": 5}, "Unexpected JSON Integer. Expected query template."),
        ({"query": None}, "Unexpected JSON Null. Expected query template."),
        ({"query": ["1"]}, "Unexpected JSON Array Start. Expected query template."),
        ({"query": {"fql": ["1", 2.5]}}, "Unexpected JSON Double. Expected query template."),
        ({"query": {"fql": [{"fql": [True]}]}}, "Unexpected JSON Boolean. Expected query template."),
        ({"query": {"foo": []}}, f"Unexpected JSON Object Field Name. Expected {FRAGMENT}."),
        ({"query": {"fql": ["1"], "value": "x"}}, f"Unexpected JSON Object Field Name. Expected {FRAGMENT}."),
        ({"query": {}}, "Unexpected JSON Object End."),
        ({"query": {"fql": "1"}}, "Unexpected JSON String."),
        ({"query": {"array": {}}}, "Unexpected JSON Object Start."),
        ({"query": {"object": []}}, "Unexpected JSON Array Start."),
        # FQL2RequestBody's `arguments` decoder expects an object.
        ({"query": "1", "arguments": []}, "Unexpected JSON Array Start. Expected Object."),
        ({"query": "1", "arguments": 0}, "Unexpected JSON Integer. Expected Object."),
        ([], "Unexpected JSON Array Start."),
    ],
)
def test_template_shapes_core_refuses(db, body, message):
    assert answer(db, body) == invalid(f"Invalid request body: {message}")


def test_request_body_fields(db):
    """FQL2RequestBody is read by core's record macro, which matches each field's name and has no case for
    another, nor for a missing `query`: a bare `Invalid request body`. Null arguments are none."""
    assert answer(db, {"query": "1", "format": "tagged"}) == invalid("Invalid request body")
    assert answer(db, {"arguments": {}}) == invalid("Invalid request body")
    assert data(db, "1", fmt="simple", arguments=None) == 1


def test_template_value_errors_render_at_the_value(db):
    """FQL2QueryTemplateSpec `renders invalid value errors at the correct location`: a template value the
    decoder refuses fails the query's checks, under its `<value>`."""
    assert check_failure(db, {"fql": [{"value": {"@blah": "foo"}}, ".bar!"]}) == (
        "error: invalid tag '@blah'\nat *query*:1:1\n  |\n1 | <value>.bar!\n  | ^^^^^^^\n  |"
    )
    # Each value is where it is spliced: in an array of text and values, on a later line.
    assert check_failure(db, {"array": ["1", {"value": {"@int": "x"}}]}) == (
        "error: invalid integer\nat *query*:1:7\n  |\n1 | [(1), <value>]\n  |       ^^^^^^^\n  |"
    )
    assert check_failure(db, {"fql": ["let a = 1\n", {"value": 2}]}) == (
        "error: numbers must be tagged\nat *query*:2:1\n  |\n2 | <value>\n  | ^^^^^^^\n  |"
    )


def test_template_values_render_as_value_in_summaries(db):
    """FQL2QueryTemplateSpec `renders an with a templated value`: the summary shows a template value as
    `<value>`, columns counted over that text; the value is typed from what it is, of no place (core's
    ValueStaticType), so its missing field has no `inferred here` hint."""
    assert check_failure(db, {"fql": [{"value": "foo"}, ".bar!"]}) == (
        "error: Type `String` does not have field `bar`\nat *query*:1:9\n  |\n1 | <value>.bar!\n  |         ^^^\n  |"
    )


@pytest.mark.parametrize(
    "case, template, summary",
    [
        ("renders a normal error", "'foo'.bar",
         "error: Type `String` does not have field `bar`\nat *query*:1:7\n  |\n1 | 'foo'.bar\n  |       ^^^\n  |"),
        ("renders errors with array", {"array": [{"value": "foo"}, "2.bar"]},
         "error: Type `Int` does not have field `bar`\nat *query*:1:14\n  |\n1 | [<value>, (2.bar)]\n  |              ^^^\n  |"),
        ("renders errors with object", {"object": {"a": {"value": "foo"}, "b": "2.bar"}},
         "error: Type `Int` does not have field `bar`\nat *query*:1:25\n  |\n1 | { \"a\": <value>, \"b\": (2.bar) }\n"
         "  |                         ^^^\n  |"),
    ],
)
def test_template_renders_errors(db, case, template, summary):
    """FQL2QueryTemplateSpec `FQL2Query renders errors`: a check failure's summary, over the template's text."""
    assert check_failure(db, template) == summary


def test_argument_values_have_no_place(db):
    """A query argument is typed from its value as a template value is (core's ValueStaticType, Span.Null):
    a primitive's missing field fails the checks with no `inferred here` hint, bound to a `let` too."""
    for query, line in (("x.bar", "1 | x.bar"), ("let y = x\ny.bar", "2 | y.bar")):
        status, out = answer(db, {"query": query, "arguments": {"x": "foo"}})
        assert status == 400 and out["error"]["code"] == "invalid_query"
        at = line.split(" | ")[0]
        assert out["summary"] == f"error: Type `String` does not have field `bar`\nat *query*:{at}:3\n  |\n{line}\n  |   ^^^\n  |"


def test_template_values_static_types(db):
    """FQL2QueryTemplateSpec `typechecks query arguments correctly`: with `X-Typecheck: true`, a query that is
    one template value has the value's static type."""
    data(db, "Collection.create({ name: 'Author' })")
    data(db, "Author.create({ id: '1234' })")
    types = [
        ("foo", '"foo"'),
        ({"@int": "5"}, "5"),
        ({"@double": "5.5"}, "5.5"),
        (True, "Boolean"),
        (None, "Null"),
        ({"@time": "2022-02-02T02:02:02Z"}, "Time"),
        ({"@date": "2022-02-02"}, "Date"),
        ({"foo": "hi"}, '{ foo: "hi" }'),
        (["foo", "bar"], '["foo", "bar"]'),
        ({"@mod": "Author"}, "AuthorCollection"),
        ({"@doc": {"coll": {"@mod": "Author"}, "id": "1234"}}, "Author"),
        ({"@doc": {"coll": {"@mod": "Collection"}, "name": "Author"}}, "CollectionDef"),
        ({"@double": "NaN"}, "Double"),
        ({"@double": "Infinity"}, "Double"),
        ({"@double": "-Infinity"}, "Double"),
    ]
    for value, shown in types:
        status, out = answer(db, {"query": {"value": value}}, **{"x-typecheck": "true"})
        assert status == 200 and out["static_type"] == shown, value


SPLICED = [
    # (spec case, template, its text with each value shown as <value>, the values and their offsets)
    ("decodes a plain string", "hello world", "hello world", []),
    ("decodes a list of fql strings", {"fql": ["hello", "world"]}, "helloworld", []),
    ("decodes a value between fql strings", {"fql": ["'hello ' +", {"value": "world"}]}, "'hello ' +<value>",
     [("world", 10)]),
    ("decodes nested fql strings", {"fql": ["hello ", {"fql": ["foo ", "bar"]}, " world"]}, "hello foo bar world", []),
    ("decodes example query", {"fql": ["Author.all().where(.name ==", {"value": "Alice"}, ")"]},
     "Author.all().where(.name ==<value>)", [("Alice", 27)]),
    ("value-converts array if possible", {"array": ["1", "2", "3"]}, "[(1), (2), (3)]", []),
    ("value-converts array if possible", {"array": [{"value": "1"}, {"value": "2"}, {"value": "3"}]}, "<value>",
     [(["1", "2", "3"], 0)]),
    ("value-converts array if possible", {"array": [{"value": "1"}, "2", {"value": "3"}]}, "[<value>, (2), <value>]",
     [("1", 1), ("3", 15)]),
    ("value-converts array if possible",
     {"array": ["1", {"array": [{"value": "1"}, {"value": "2"}, {"value": "3"}]}, "3"]}, "[(1), <value>, (3)]",
     [(["1", "2", "3"], 6)]),
    ("value-converts object if possible", {"object": {"a": "1", "b": "2", "c": "3"}}, '{ "a": (1), "b": (2), "c": (3) }',
     []),
    ("value-converts object if possible", {"object": {"a": {"value": "1"}, "b": {"value": "2"}, "c": {"value": "3"}}},
     "<value>", [({"@object": {"a": "1", "b": "2", "c": "3"}}, 0)]),
    ("value-converts object if possible", {"object": {"a": {"value": "1"}, "b": "2", "c": {"value": "3"}}},
     '{ "a": <value>, "b": (2), "c": <value> }', [("1", 7), ("3", 31)]),
    ("value-converts object if possible",
     {"object": {"a": "1", "b": {"object": {"a": {"value": "1"}, "b": {"value": "2"}, "c": {"value": "3"}}}, "c": "3"}},
     '{ "a": (1), "b": <value>, "c": (3) }', [({"@object": {"a": "1", "b": "2", "c": "3"}}, 17)]),
]


@pytest.mark.parametrize("case, template, text, values", SPLICED, ids=[f"{c[0]}-{i}" for i, c in enumerate(SPLICED)])
def test_templates_splice(case, template, text, values):
    """FQL2QueryTemplateSpec `FQL2Query decodes JSON`: the text a template splices to and the values taken out
    of it, each at its offset (core's sigil and fql's are both seven characters, shown `<value>`)."""
    found: list = []
    assert v10.splice(template, found).replace("\0", "<") == text
    assert found == values


def test_a_bad_secret_before_a_bad_argument(db):
    """Core's FQL2Endpoint authenticates before it decodes `arguments`: a bad secret is 401 even when an
    argument is bad too."""
    status, out = answer(db, {"query": "x", "arguments": {"x": 1}}, secret="nope")
    assert status == 401 and out["error"]["code"] == "unauthorized"


def test_simple_arguments_with_a_repeated_key_can_be_stored(db):
    """A repeated key in an argument keeps its first value (the body's rule) and the object is an ordinary
    one: it can be written to a document."""
    data(db, "Collection.create({ name: 'P' })")
    text = b'{"query": "P.create({ o: x }).o", "arguments": {"x": {"a": 1, "a": 2}}}'
    status, out = answer(db, text, "simple")
    assert status == 200 and out["data"] == {"a": 1}


def test_duplicate_template_keys_over_http(server):
    """FQL2QueryTemplateSpec `disallows duplicate keys`, through `fql serve`: the endpoint reads the body
    marking repeated keys; a repeated key elsewhere keeps its first value (the v4 endpoint's rule too)."""
    import httpx

    def post(text: bytes) -> tuple[int, dict]:
        response = httpx.post(server.url + "/query/1", content=text, headers={"Authorization": "Bearer secret"})
        return response.status_code, response.json()

    status, out = post(b'{"query": {"object": {"a": "1", "a": "2"}}}')
    assert (status, out["error"]) == (400, {"code": "invalid_request", "message": "Invalid request body: Duplicate object field `a`"})
    status, out = post(b'{"query": "x", "arguments": {"x": {"a": 1, "a": 2}}}')
    assert (status, out["data"]) == (200, {"a": 1})


def test_arguments_are_decoded_before_the_query_is_parsed(db):
    """FQL2Endpoint.exec decodes the arguments, then evalQuery parses the query: a bad argument is the
    answer even when the query does not parse, once the secret is good."""
    bad = {"x": {"@int": "a"}}
    assert answer(db, {"query": "1 +", "arguments": bad}) == invalid("Invalid argument 'x': invalid integer")
    status, out = answer(db, {"query": "1 +", "arguments": {"x": {"@int": "1"}}})
    assert (status, out["error"]["code"]) == (400, "invalid_query")
    assert answer(db, {"query": "1 +", "arguments": bad}, secret="nope")[0] == 401
