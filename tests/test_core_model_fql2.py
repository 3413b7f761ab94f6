"""Cases from core's v10 model specs (ext/model/src/test/scala/fql2/) that need more than a fixture file
(tests/fixtures/v10/core_model_*.fql hold the rest): an error's rendered summary, the equality matrix of
FQL2ComparisonSpec, FQL2ReificationSpec's sets, whose reified form fql's cursors stand for, and its streams,
whose reified form is the event source token, a v4-made name clash for FQL.Schema, and event sources
compared by their events over a loopback server.

FQL2ReificationSpec `tests all of the set types` (a Scala match that fails to compile when a set type is
added) has nothing to run; each of its set types is a case of `reifies <Set>` below."""

from __future__ import annotations

import json

import pytest

import fql
from tests.helpers import QueryEndpoint, post_json, query_v10 as run

SECRET = "secret"


@pytest.fixture
def db() -> fql.Database:
    return fql.connect(root_secret=SECRET)


answer = QueryEndpoint(SECRET).body


# -- FQL2FieldTableSpec ----------------------------------------------------------------------------------


def test_isa_with_a_non_module_points_at_its_right_operand(db):
    # FQL2FieldTableSpec 'isa' / 'works for basic types': InvalidArgument("type_object", ...) at Span(6, 7).
    body = answer(db, "1 isa 1")
    assert body["error"] == {"code": "invalid_argument", "message": "invalid argument `type_object`: expected a module object"}
    assert body["summary"] == (
        "error: invalid argument `type_object`: expected a module object\n"
        "at *query*:1:7\n  |\n1 | 1 isa 1\n  |       ^\n  |"
    )


@pytest.mark.parametrize(
    "query, where",
    [
        ("1 isaInt", "at *query*:1:3\n  |\n1 | 1 isaInt\n  |   ^\n  |"),
        ("1isaInt", "at *query*:1:2\n  |\n1 | 1isaInt\n  |  ^\n  |"),
    ],
)
def test_isa_needs_whitespace_after_it(db, query, where):
    # FQL2FieldTableSpec 'isa' / 'requires trailing whitespace': a ParseError at Span(2, 3) and Span(1, 2),
    # rendered as an `error:` with core's message, fastparse's `Expected end-of-input`.
    body = answer(db, query)
    assert body["error"] == {"code": "invalid_query", "message": "The query failed 1 validation check"}
    assert body["summary"] == "error: Expected end-of-input\n" + where


def test_isa_on_a_line_of_its_own_is_an_invalid_identifier(db):
    # FQL2FieldTableSpec 'isa' / 'requires trailing whitespace': ParseError("Invalid identifier", Span(2, 5),
    # Some("`isa` is a keyword")), rendered with the annotation after the carets.
    body = answer(db, "1\nisa Int\n")
    assert body["error"] == {"code": "invalid_query", "message": "The query failed 1 validation check"}
    assert body["summary"] == (
        "error: Invalid identifier\nat *query*:2:1\n  |\n2 | isa Int\n  | ^^^ `isa` is a keyword\n  |"
    )


# -- FQL2ComparisonSpec 'equals and hashCode works' ------------------------------------------------------

VALUES = [
    "null", "ID(0)", "1", "0x10ffffffff", "3.0", "'hi'", "true", "Time.now()", "Date.today()", "User(0)",
    "[1, 2]", "{ a: 2, b: 3 }", "Time.now", "Collection", "TransactionTime()", "User.all()",
    "User.all().paginate(2).after", "User.all().eventsOn(.name)",
]
PAIRS = [(a, b) for a in VALUES for b in VALUES]


@pytest.fixture(scope="module")
def users() -> fql.Database:
    db = fql.connect()
    run(db, "Collection.create({ name: 'User' })")
    for i in range(3):
        run(db, f"User.create({{ id: {i} }})")
    return db


@pytest.mark.parametrize("a, b", PAIRS)
def test_values_equal_only_themselves(users, a, b):
    # FQL2ComparisonSpec 'equals and hashCode works': each value equals itself and differs from the others.
    assert run(users, f"{a} == {b}") is (a == b)
    assert run(users, f"{a} != {b}") is (a != b)


# -- FQL2ReificationSpec ---------------------------------------------------------------------------------

SETS = [
    "[].toSet()",
    "[1, 2].toSet()",
    "[1, 2].toSet().concat([3, 4].toSet())",
    "[1, 2, 3, 2].toSet().distinct()",
    "[1, 2, 3, 2].toSet().drop(2)",
    "[1, 2].toSet().flatMap(v => [v, v + 10].toSet())",
    "[1, 2].toSet().take(1)",
    "[1, 2].toSet().order(asc(n => n))",
    "[1, 2].toSet().order(desc(n => n))",
    "Set.single(0)",
    "[1, 2, 3, 4, 5].toSet().pageSize(2)",
    "[1, 2].toSet().map(v => v + 1)",
    "[1, 2, 3, 2].toSet().reverse()",
    "[1, 2, 3, 2].toSet().reverse().reverse()",
    "[1, 2].toSet().where(v => v > 1)",
    "Set.sequence(0, 5)",
    "Set.sequence(0, 5).reverse()",
    "Foo.all()",
    "Foo.all({from: Foo.byId('123')})",
    "Foo.all({from: Foo.byId('123'), to: Foo.byId('456')})",
    "Foo.idx({from: ['xxx', Foo.byId('123')]})",
    "Foo.idx({from: ['xxx', Foo.byId('123')], to: 'xxx'})",
    "Foo.idx({from: ['xxx', Foo.byId('123')], to: ['xxx', Foo.byId('456')]})",
]


@pytest.fixture(scope="module")
def foo() -> fql.Database:
    db = fql.connect()
    run(db, "Collection.create({ name: 'Foo', indexes: { idx: { values: [{ field: 'bar' }] } } })")
    for bar in ("xxx", "yyy", "aaa"):
        run(db, f"Foo.create({{ bar: '{bar}' }})")
    return db


@pytest.mark.parametrize("query", SETS)
def test_a_set_read_back_from_its_cursor_is_the_same_set(foo, query):
    # FQL2ReificationSpec 'reifies <Set>': the set stored (reified) and read again in a later query gives
    # what the original gives; here it is read a page of one at a time through `Set.paginate(after)`.
    page = run(foo, f"({query}).paginate(1)")
    seen = list(page["data"])
    while page.get("after") is not None:
        page = run(foo, f"Set.paginate({json.dumps(page['after'])})")
        seen += page["data"]
    assert seen == run(foo, f"({query}).toArray()")


def test_partials_read_back_as_documents(db):
    # FQL2ReificationSpec 'reifies partials': a covered value read from an index feeds a later filter.
    run(db, "Collection.create({ name: 'Partials', indexes: { idx: { values: [{ field: 'foo' }] } } })")
    run(db, "Set.sequence(0, 10).forEach(_ => { Partials.create({ foo: 'bar' }) })")
    for where in (".foo == data.foo", ".data == { foo: data.foo }"):
        found = run(
            db,
            f"let data = Partials.idx().map(.data).first()!\n"
            f"Partials.all().where({where}).paginate(1).data.map(.foo)",
        )
        assert found == ["bar"]


STREAMS = [
    "Bar.all().toStream()",
    "Bar.all().changesOn(.fizz, .buzz[0], .fizz.buzz, .fizz.buzz[0])",
    "Bar.all().where(.foo == 42).toStream()",
    "Bar.all().where(.foo == 42).where(.bar == 44).toStream()",
    "Bar.where(.foo == 42).toStream()",
    "Bar.where(.foo == 42).where(.bar == 44).toStream()",
    "Set.single(Bar.create({})).toStream()",
    "Bar.byBaz(42).toStream()",
    "Bar.byBaz(42).changesOn(.baz)",
]


@pytest.fixture(scope="module")
def bar() -> fql.Database:
    db = fql.connect()
    run(db, "Collection.create({ name: 'Bar', indexes: { byBaz: { terms: [{ field: '.baz' }] } } })")
    return db


@pytest.mark.parametrize("query", STREAMS)
def test_an_event_source_made_again_from_its_token_is_the_same(bar, query):
    # FQL2ReificationSpec 'reifies Stream': the token holds the source (self-contained, not an entry of
    # this process's table), and the source made again from it in a later transaction, as a reader of
    # the token makes it, answers the same token.
    from fql.eval.v10 import streams

    token = run(bar, query).token
    payload = streams.unpacked(token)
    assert payload is not None
    again, _ = bar.transact(lambda ctx: streams.register(ctx, streams.rebuilt(ctx, payload)))
    assert again.token == token


# -- FQL2SchemaModuleSpec --------------------------------------------------------------------------------


def test_def_for_identifier_prefers_a_collection_to_a_function_of_its_name(db):
    # FQL2SchemaModuleSpec 'alias name conflicts': v4 makes a collection named as a function (v10 refuses).
    db.query('CreateFunction({ name: "CFL", body: Query(Lambda("x", Var("x"))) })', syntax="v4")
    run(db, "Function.byName('CFL')!.update({ alias: 'Fun' })")
    db.query('CreateCollection({ name: "CFL" })', syntax="v4")
    assert run(db, "FQL.Schema.defForIdentifier('CFL') == CFL.definition") is True
    assert run(db, "FQL.Schema.defForIdentifier('CFL').coll == Collection") is True
    assert run(db, "FQL.Schema.defForIdentifier('Fun') == Fun.definition") is True
    assert run(db, "FQL.Schema.defForIdentifier('Fun').coll == Function") is True


# -- FQL2EventSourceSpec ---------------------------------------------------------------------------------


@pytest.fixture
def server():
    from fql.server import ServerThread

    with ServerThread(fql.connect(root_secret=SECRET)) as running:
        yield running


def post(server, path: str, body: dict) -> dict:
    status, out = post_json(server.url + path, body, SECRET, fmt="tagged")
    assert status == 200, out
    return out


@pytest.mark.parametrize(
    "on_set, on_source, seen",
    [
        ("Foo.all()           .where(.n == 42).toStream()", "Foo.all().toStream().where(.n == 42)", 1),
        ("Foo.all()           .map(.n).toStream()", "Foo.all().toStream().map(.n)", 3),
    ],
)
def test_a_source_s_where_and_map_act_on_its_set(server, on_set, on_source, seen):
    # FQL2EventSourceSpec 'where' / 'filters inner set' and 'map' / 'maps inner set': core compares the two
    # sources' sets; here the events they give for the same writes.
    post(server, "/query/1", {"query": "Collection.create({ name: 'Foo' })"})
    tokens = [post(server, "/query/1", {"query": q})["data"]["@stream"] for q in (on_set, on_source)]
    for n in (41, 42, 43):
        post(server, "/query/1", {"query": f"Foo.create({{ n: {n} }})"})
    first, second = ([(e["type"], e["data"]) for e in post(server, "/feed/1", {"token": t})["events"]] for t in tokens)
    assert first == second and len(first) == seen
