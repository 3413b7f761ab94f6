"""The v4 wire codec: values <-> tagged JSON, shell text -> ast -> JSON -> ast, and malformed JSON errors."""

from __future__ import annotations

import json

import pytest

import fql
from fql import ast
from fql.values import Bytes, Date, Lambda, Page, Ref, SelfId, SetRef, Timestamp, collection_ref, native
from fql.wire import v4

COLLECTIONS = {"@ref": {"id": "collections"}}
DATABASES = {"@ref": {"id": "databases"}}
SPELLS = collection_ref("spells")
SPELLS_JSON = {"@ref": {"id": "spells", "collection": COLLECTIONS}}
CHILD = Ref("child", native("databases"))
CHILD_JSON = {"@ref": {"id": "child", "collection": DATABASES}}


def wire(value):
    """What a client receives: to_json, through real JSON text."""
    return json.loads(json.dumps(v4.to_json(value)))


@pytest.mark.parametrize(
    "value, expected",
    [
        pytest.param(native("tokens"), {"@ref": {"id": "tokens"}}, id="native"),
        pytest.param(SPELLS, SPELLS_JSON, id="collection"),
        pytest.param(Ref("1", SPELLS), {"@ref": {"id": "1", "collection": SPELLS_JSON}}, id="document"),
        pytest.param(
            Ref("123", native("tokens")), {"@ref": {"id": "123", "collection": {"@ref": {"id": "tokens"}}}}, id="token"
        ),
        # Fauna writes a child database's schema ref with `database` beside the bare native collection.
        pytest.param(
            collection_ref("c", CHILD),
            {"@ref": {"id": "c", "collection": COLLECTIONS, "database": CHILD_JSON}},
            id="collection-in-child",
        ),
        pytest.param(
            Ref("7", native("keys", CHILD)),
            {"@ref": {"id": "7", "collection": {"@ref": {"id": "keys", "database": CHILD_JSON}}}},
            id="key-in-child",
        ),
        pytest.param(Timestamp(123_456_789), {"@ts": "1970-01-01T00:00:00.123456789Z"}, id="time"),
        pytest.param(Date(1), {"@date": "1970-01-02"}, id="date"),
        pytest.param(Bytes(b"\xfb\xff"), {"@bytes": "+/8="}, id="bytes-standard-alphabet"),
        pytest.param({"@a": 1, "b": {"@c": 2}}, {"@obj": {"@a": 1, "b": {"@obj": {"@c": 2}}}}, id="escaped-object"),
        pytest.param({"a": [1, 2.5, None, True]}, {"a": [1, 2.5, None, True]}, id="plain"),
        pytest.param(Page([1], after=[2], has_after=True), {"after": [2], "data": [1]}, id="page"),
        pytest.param(
            SetRef.of(match=Ref("by_name", native("indexes")), terms=["a"]),
            {"@set": {"match": {"@ref": {"id": "by_name", "collection": {"@ref": {"id": "indexes"}}}}, "terms": "a"}},
            id="set-one-term-unwrapped",
        ),
        pytest.param(
            SetRef.of(union=[SetRef.of(documents=SPELLS), SetRef.of(singleton=Ref("1", SPELLS))]),
            {
                "@set": {
                    "union": [
                        {"@set": {"documents": SPELLS_JSON}},
                        {"@set": {"singleton": {"@ref": {"id": "1", "collection": SPELLS_JSON}}}},
                    ]
                }
            },
            id="nested-sets",
        ),
    ],
)
def test_to_json(value, expected):
    assert wire(value) == expected


def test_lambda_renders_its_wire_body():
    fn = fql.connect().query('Query(Lambda("x", Add(Var("x"), 1)))')
    assert wire(fn) == {"@query": {"api_version": "4", "lambda": "x", "expr": {"add": [{"var": "x"}, 1]}}}


def test_closure_renders_captured_variables_as_let():
    fn = fql.connect().query('Let({y: 5, unused: 0}, Query(Lambda("x", Add(Var("x"), Var("y")))))')
    body = {"let": {"y": 5}, "in": {"add": [{"var": "x"}, {"var": "y"}]}}
    assert wire(fn) == {"@query": {"api_version": "4", "lambda": "x", "expr": body}}
    assert fql.to_fql(fn) == 'Query(Lambda("x", Let({ y: 5 }, Add(Var("x"), Var("y")))))'


def test_closure_ignores_variables_bound_inside():
    fn = fql.connect().query('Let({y: 1}, Query(Lambda("x", Let({y: 2}, Lambda("y", Var("y"))))))')
    assert v4.free_vars(fn.body) == []
    assert "Let({ y: 1 }" not in v4.expr_to_fql(fn)


@pytest.mark.parametrize("wire", [{"add": None}, {"max": None}, {"equals": None}, {"add": []}, {"new_id": None}])
def test_expr_to_fql_keeps_a_varargs_null(wire):
    # {"add": null} is a null to cast ("Number expected, Null provided."), {"add": []} no value at all
    # ("Non-empty array expected."): their shell text must differ, and `NewId()` is {"new_id": null}.
    text = v4.expr_to_fql(v4.from_json(wire))
    assert v4.expr_to_json(fql.parse(text).body[0]) == wire


def test_expr_to_fql_of_lambda_value():
    fn = Lambda("x", fql.parse('Add(Var("x"), 1)').body[0])
    assert v4.expr_to_fql(fn) == 'Lambda("x", Add(Var("x"), 1))'
    assert fql.to_fql(fn) == 'Query(Lambda("x", Add(Var("x"), 1)))'


@pytest.mark.parametrize(
    "value",
    [
        None,
        True,
        1,
        1.0,
        "s",
        [1, [2.5, "x"]],
        {"a": {"b": None}},
        {"@weird": [{"@deeper": 1}]},
        native("keys"),
        Ref("1", SPELLS),
        collection_ref("c", CHILD),
        Ref("grand", native("databases", CHILD)),
        Ref("3", native("keys", CHILD)),
        Timestamp(-1),
        Timestamp(1_600_000_000_123_000_000),
        Date(-1000),
        Bytes(b"\x00\x01\xfe\xff"),
        SetRef.of(documents=SPELLS),
        SetRef.of(match=Ref("i", native("indexes")), terms=["a", 1]),
    ],
    ids=repr,
)
def test_value_round_trip(value):
    decoded = v4.value_from_json(wire(value))
    assert decoded == value
    assert type(decoded) is type(value)


def test_lambda_value_round_trip():
    fn = fql.connect().query('Let({y: 5}, Query(Lambda(["a", "b"], Add(Var("a"), Var("b"), Var("y")))))')
    decoded = v4.value_from_json(wire(fn))
    assert isinstance(decoded, Lambda) and decoded.params == ["a", "b"]
    assert wire(decoded) == wire(fn)
    applied = ast.Call("Let", (ast.Object((("a", ast.Literal(1)), ("b", ast.Literal(2)))), decoded.body))
    assert fql.connect().run(applied) == 8


SHELL = [
    'Add(1, 2)',
    'Add(1, 2.5)',
    'Let({x: 1, y: Var("x")}, [Var("x"), Var("y")])',
    'Let([{x: 1}, {y: Var("x")}], Var("y"))',
    'If(true, {a: 1, "@b": [1, {c: 2}]}, 0)',
    'Do(1, 2, 3)',
    'Do("only")',
    'Query(Lambda("x", Add(Var("x"), 1)))',
    'Let({y: 5}, Query(Lambda("x", Add(Var("x"), Var("y")))))',
    'Query(Lambda(["a", "_"], Var("a")))',
    'Map([1, 2], Lambda("x", Add(Var("x"), 1)))',
    'Select(["a", "b"], {a: {b: 2}})',
    'Select(["z"], {a: 1}, null)',
    'Collection("spells")',
    'Database("x", Database("y"))',
    'Tokens()',
    'Keys(Database("child"))',
    'Time("2020-01-01T00:00:00.5Z")',
    'Date("2020-02-29")',
    '{object: 1, "@ref": "not a ref"}',
    '[[], {}, null]',
]


def _run(node):
    """The wire rendering of a node's value, or its error (code, description, position)."""
    try:
        return ("ok", wire(fql.connect().run(node)))
    except fql.FQLError as err:
        return ("error", err.code, err.description, list(err.position))


@pytest.mark.parametrize("text", SHELL)
def test_shell_round_trip(text):
    node = fql.parse(text).body[0]
    decoded = v4.from_json(json.loads(json.dumps(v4.expr_to_json(node))))
    assert _run(decoded) == _run(node)
    # The decoded form prints back as shell text that evaluates the same.
    assert _run(fql.parse(v4.expr_to_fql(decoded)).body[0]) == _run(node)


@pytest.mark.parametrize(
    "text, expected",
    [
        ('Add(1)', {"add": 1}),
        ('Add([1, 2])', {"add": [1, 2]}),
        ('Do()', {"do": []}),
        ('Tokens()', {"tokens": None}),
        ('Let({x: 1}, Var("x"))', {"let": {"x": 1}, "in": {"var": "x"}}),
        ('Map([1], Lambda("x", Var("x")))', {"map": {"lambda": "x", "expr": {"var": "x"}}, "collection": [1]}),
        ('Match(Index("i"))', {"match": {"index": "i"}}),
        ('Match(Index("i"), "a", "b")', {"match": {"index": "i"}, "terms": ["a", "b"]}),
        ('Call(Function("f"))', {"call": {"function": "f"}}),
        (
            'Paginate(Documents(Collection("c")), {size: 2})',
            {"paginate": {"documents": {"collection": "c"}}, "size": 2},
        ),
        ('{a: [1, {b: 2}]}', {"object": {"a": [1, {"object": {"b": 2}}]}}),
        # The one-argument string is the drivers' ref literal: core's `ref` form needs an `id`.
        ('Ref("classes/c/1")', {"@ref": "classes/c/1"}),
        ('Ref(Collection("c"), "1")', {"ref": {"collection": "c"}, "id": "1"}),
    ],
)
def test_expr_to_json(text, expected):
    assert v4.expr_to_json(fql.parse(text).body[0]) == expected


def test_expr_to_json_rejects_surplus_arguments():
    with pytest.raises(fql.FQLError, match="invalid argument keys"):
        v4.expr_to_json(fql.parse("If(true, 1, 2, 3)").body[0])


@pytest.mark.parametrize(
    "text, ref",
    [
        ("classes/spells/123", Ref("123", SPELLS)),
        ("collections/spells/1", Ref("1", SPELLS)),
        ("collections/spells", SPELLS),
        ("classes", native("collections")),
        ("tokens/123", Ref("123", native("tokens"))),
        ("tokens/self", Ref("self", native("tokens"))),
        ("keys", native("keys")),
        ("databases/x", Ref("x", native("databases"))),
        ("indexes/by_name", Ref("by_name", native("indexes"))),
        ("functions/f", Ref("f", native("functions"))),
        ("access_providers", native("access_providers")),
    ],
)
def test_legacy_string_refs(text, ref):
    assert v4.from_json({"@ref": text}) == _ref_node(ref)


@pytest.mark.parametrize(
    "body, ref",
    [
        ({"id": "keys"}, native("keys")),
        ({"id": "classes"}, native("collections")),
        ({"id": "keys", "database": CHILD_JSON}, native("keys", CHILD)),
        ({"id": "1", "class": SPELLS_JSON}, Ref("1", SPELLS)),
        ({"id": 12, "collection": SPELLS_JSON}, Ref("12", SPELLS)),
        ({"id": "007", "collection": SPELLS_JSON}, Ref("7", SPELLS)),
        ({"id": "self", "collection": SPELLS_JSON}, Ref("self", SPELLS)),
        ({"id": "c", "collection": COLLECTIONS, "database": CHILD_JSON}, collection_ref("c", CHILD)),
        ({"id": 5, "collection": {"@ref": {"id": "keys"}}, "database": CHILD_JSON}, Ref("5", native("keys", CHILD))),
    ],
)
def test_object_refs(body, ref):
    assert v4.from_json({"@ref": body}) == _ref_node(ref)


def _ref_node(ref: Ref) -> ast.Node:
    """A ref literal's node: the value, but a self ref, which core resolves against the caller, is a call
    of `Ref(coll, "self")` evaluated per query."""
    if ref.id == "self":
        return ast.Call("Ref", (ast.Value(ref.collection), ast.Value(SelfId("self"))))
    return ast.Value(ref)


def test_set_escape_calls_the_set_function():
    node = v4.from_json({"@set": {"documents": SPELLS_JSON}})
    assert node == ast.Form((("documents", ast.Value(SPELLS)),))


def test_set_escape_lambda_without_query_tag():
    body = {"api_version": "4", "lambda": "x", "expr": {"var": "x"}}
    node = v4.from_json({"@set": {"join": {"@set": {"documents": SPELLS_JSON}}, "with": body}})
    with_ = fql.connect().run(dict(node.pairs)["with"])
    assert isinstance(with_, Lambda) and with_.params == "x"


def test_filter_set_escape_evaluates_to_the_set():
    """FilterFunctionSpec "returns a reusable set ref": a Filter set's JSON reads back as that set."""
    db = fql.connect()
    db.query('CreateCollection({name: "c"})')
    db.query('CreateIndex({name: "foo", source: Collection("c")})')
    value = db.query('Filter(Lambda("i", true), Match(Index("foo")))')
    assert wire(value)["@set"]["filter"] == {"api_version": "4", "lambda": "i", "expr": True}
    assert db.run(v4.from_json({"equals": [wire(value), wire(value)]})) is True
    assert wire(db.run(v4.from_json(wire(value)))) == wire(value)


def test_stored_set_reads_back_as_the_set():
    """DocumentsFunctionSpec "set ref can be stored": a set written into a document is stored as the object
    its identifier is (SetL.irValue), which renders escaped, `{"@obj": {"@set": ...}}`; sent back as an
    expression that JSON is the set again (core parses an escaped object's fields as an expression)."""
    db = fql.connect()
    db.query('CreateCollection({name: "c"})')
    doc = db.run(v4.from_json({"create": {"collection": "c"}, "params": {"object": {"data": {"documents": {"collection": "c"}}}}}))
    data = wire(doc)["data"]
    assert data == {"@obj": {"@set": {"documents": {"@ref": {"id": "c", "collection": {"@ref": {"id": "collections"}}}}}}}
    assert db.run(v4.from_json({"equals": [data, {"documents": {"collection": "c"}}]})) is True


def test_set_value_round_trip_with_lambda():
    fn = Lambda("x", ast.Call("Var", (ast.Literal("x"),)))
    value = SetRef((("join", SetRef.of(documents=SPELLS)), ("with", fn)))
    assert wire(value)["@set"]["with"] == {"api_version": "4", "lambda": "x", "expr": {"var": "x"}}
    decoded = v4.value_from_json(wire(value))
    assert isinstance(decoded, SetRef) and wire(decoded) == wire(value)


@pytest.mark.parametrize(
    "text, iso",
    [
        # Core's Timestamp.parse (java.time, SMART): the day clamped to the month's end, 24:00 the next
        # midnight, a lower-case t and z, an offset with seconds, a point with no digits, both offsets.
        ("2020-02-30T00:00:00Z", "2020-02-29T00:00:00Z"),
        ("2020-01-01T24:00:00Z", "2020-01-02T00:00:00Z"),
        ("2020-01-01t00:00:00z", "2020-01-01T00:00:00Z"),
        ("2020-01-01T00:00:00+01:00:30", "2019-12-31T22:59:30Z"),
        ("2020-01-01T00:00:00.Z", "2020-01-01T00:00:00Z"),
        ("2020-01-01T00:00:00+01:00+0100", "2019-12-31T23:00:00Z"),
        ("2020-01-01T10:30+0100", "2020-01-01T09:30:00Z"),
    ],
)
def test_ts_escape_reads_as_java_time_does(text, iso):
    assert v4.value_from_json({"@ts": text}).isoformat() == iso


@pytest.mark.parametrize(
    "body",
    [
        {"@ts": " 2020-01-01T00:00:00Z"},  # no trimming: that is Time()'s
        {"@ts": "2020-01-01T00:00:00+19:00"},  # past ZoneOffset's 18 hours
        {"@ts": "2020-01-01T00:00:00+01:00+0200"},  # offsets that disagree
        {"@ts": "+2020-01-01T00:00:00Z"},
        {"@date": " 2020-01-01"},
    ],
)
def test_time_escapes_refuse_what_java_time_does(body):
    with pytest.raises(fql.FQLError):
        v4.value_from_json(body)


def test_quote_is_a_literal():
    node = v4.from_json({"quote": {"add": [1, 2], "t": {"@date": "2020-01-01"}}})
    assert node == ast.Value({"add": [1, 2], "t": Date.parse("2020-01-01")})


def test_object_form_unwraps_obj_escape():
    node = v4.from_json({"object": {"@obj": {"@a": {"add": [1, 2]}}}})
    assert fql.connect().run(node) == {"@a": 3}


def test_query_lambda_without_api_version_is_2_12():
    fn = v4.from_json({"@query": {"lambda": "x", "expr": {"var": "x"}}}).value
    assert fn.api_version == "2.12"
    assert wire(fn)["@query"]["api_version"] == "2.12"


@pytest.mark.parametrize(
    "data, code, description, position",
    [
        ({"@ref": 5}, "invalid expression", "Invalid ref.", []),
        ({"@ref": "classes/spells/abc"}, "invalid expression", "Invalid ref.", []),
        ({"@ref": "collections/spells/events"}, "invalid expression", "Invalid ref.", []),
        ({"@ref": "keys/self"}, "invalid expression", "Invalid ref.", []),
        # core's parser wraps a ref object's own errors (ParseEvalError): invalid expression, same text and place
        ({"@ref": {"id": "nope"}}, "invalid expression", "Valid native collection name expected, 'nope' provided.", ["id"]),
        ({"@ref": {"id": 5}}, "invalid expression", "String expected, Number provided.", ["id"]),
        ({"@ref": {"id": True}}, "invalid expression", "String or Integer expected, Boolean provided.", ["id"]),
        ({"@ref": {"nope": 1}}, "invalid expression", "Ref expected, Object provided.", []),
        (
            {"@ref": {"id": "1", "collection": {"@ref": "classes/spells"}}},
            "invalid expression",
            "Ref expected, String provided.",
            ["class"],
        ),
        (
            {"@ref": {"id": "abc", "collection": SPELLS_JSON}},
            "invalid expression",
            "Number or numeric String expected, non-numeric 'abc' provided.",
            ["id"],
        ),
        (
            {"@ref": {"id": "99999999999999999999", "collection": SPELLS_JSON}},
            "invalid expression",
            "The id provided is too large: '99999999999999999999'",
            ["id"],
        ),
        (
            {"@ref": {"id": "1", "collection": {"@ref": {"id": "1", "collection": SPELLS_JSON}}}},
            "invalid expression",
            "Collection Ref expected, Ref provided.",
            ["class"],
        ),
        (
            {"@ref": {"id": "1", "collection": SPELLS_JSON, "database": CHILD_JSON}},
            "invalid expression",
            "Null expected, Database Ref provided.",
            ["database"],
        ),
        (
            {"@ref": {"id": "keys", "database": SPELLS_JSON}},
            "invalid expression",
            "Database Ref expected, Collection Ref provided.",
            ["database"],
        ),
        ({"add": [1, {"@ts": "nope"}]}, "invalid expression", "Invalid time.", ["add", 1]),
        ({"@date": "2020-02-30"}, "invalid expression", "Invalid date.", []),
        ({"@bytes": "!!"}, "invalid expression", "Invalid bytes.", []),
        ({"@bytes": 1}, "invalid expression", "Invalid bytes.", []),
        ({"@set": 5}, "invalid expression", "Invalid set.", []),
        ({"@obj": 5}, "invalid expression", "Invalid object.", []),
        ({"object": 5}, "invalid expression", "Object expected, Integer provided.", ["object"]),
        ({"object": {"@ts": "1970-01-01T00:00:00Z"}}, "invalid expression", "Object expected, Time provided.", []),
        ({"let": 5, "in": 1}, "invalid expression", "Array expected, Integer provided.", ["let"]),
        ({"let": [{"x": 1, "y": 2}], "in": 1}, "invalid expression", "Object expected, Object provided.", ["let", 0]),
        ({"do": [{"@query": {"lambda": "x"}}]}, "invalid expression", "Invalid lambda.", ["do", 0]),
        (
            {"@query": {"lambda": 5, "expr": 1}},
            "invalid expression",
            "String or Array expected, Integer provided.",
            ["lambda"],
        ),
        (
            {"@query": {"lambda": ["a", 1], "expr": 1}},
            "invalid expression",
            "String expected, Integer provided.",
            ["lambda", 1],
        ),
        ({"@query": {"lambda": "x", "expr": 1, "api_version": "9"}}, "invalid expression", "Invalid lambda.", []),
        ({"add": [{"object": {"b": {"@date": 1}}}]}, "invalid expression", "Invalid date.", ["add", 0, "object", "b"]),
        # A form of no known keys is not parsed further (QueryParser's InvalidFormExpr): nor is its escape.
        ({"a": {"object": {"b": {"@date": 1}}}}, "invalid expression", "No form/function found, or invalid argument keys: { a }.", []),
    ],
)
def test_malformed_json(data, code, description, position):
    # What does not decode waits in the tree (ast.Invalid) for the query's parse, which refuses it.
    node = v4.from_json(data)
    with pytest.raises(fql.FQLError) as info:
        fql.connect().run(node)
    err = info.value
    assert (err.code, err.description, list(err.position)) == (code, description, position)


def test_a_value_that_does_not_decode_fails_at_once():
    # A response's or a cursor's tagged JSON is no query: it fails as it is decoded, at its place.
    with pytest.raises(fql.FQLError) as info:
        v4.value_from_json({"a": [1, {"@ts": "nope"}]})
    assert (info.value.description, list(info.value.position)) == ("Invalid time.", ["a", 1])
    with pytest.raises(fql.FQLError, match="String expected, Integer provided."):
        v4.value_from_json({"@query": {"lambda": ["a", 1], "expr": 1}})


def test_unknown_form_fails_when_evaluated():
    node = v4.from_json({"foo": 1, "bar": [2]})
    with pytest.raises(fql.FQLError, match=r"invalid argument keys: \{ foo, bar \}"):
        fql.connect().run(node)


def test_obj_escape_in_a_query_is_an_expression():
    # Core decodes the escaped object itself as an expression, so it must hold a form.
    node = v4.from_json({"@obj": {"object": {"@a": 1}}})
    assert fql.connect().run(node) == {"@a": 1}


def test_nesting_limit():
    data: list = []
    for _ in range(50_000):
        data = [data]
    with pytest.raises(fql.FQLError, match="Request body JSON exceeds nesting limit."):
        v4.from_json(data)
    with pytest.raises(fql.FQLError, match="Request body JSON exceeds nesting limit."):
        v4.value_from_json(data)


def test_identity_and_has_identity_forms_are_the_current_identity_forms():
    """Core's parser takes `identity` and `has_identity` (deprecated names, still accepted in API 4)."""
    db = fql.connect()
    db.query('CreateCollection({name: "users"})')
    db.query('Create(Ref(Collection("users"), "1"), {credentials: {password: "pw"}})')
    secret = db.query('Login(Ref(Collection("users"), "1"), {password: "pw"})')["secret"]
    assert db.run(v4.from_json({"has_identity": None})) is False
    assert db.run(v4.from_json({"has_identity": None}), secret=secret) is True
    assert db.run(v4.from_json({"identity": None}), secret=secret) == Ref("1", collection_ref("users"))


def test_let_bindings_in_array_form_are_echoed_as_one_object():
    """Core's LetE.literal writes the bindings as one object, in order (faunadb-js checks the echo)."""
    query = {"query": {"lambda": "_", "expr": {"let": [{"x": 1}, {"y": 2}], "in": [{"var": "x"}, {"var": "y"}]}}}
    echoed = v4.to_json(fql.connect().run(v4.from_json(query)))
    assert echoed == {"@query": {"api_version": "4", "lambda": "_",
                                 "expr": {"let": {"x": 1, "y": 2}, "in": [{"var": "x"}, {"var": "y"}]}}}
    # A name bound twice cannot be one object's key twice: those stay an array.
    twice = {"query": {"lambda": "_", "expr": {"let": [{"x": 1}, {"x": 2}], "in": {"var": "x"}}}}
    assert v4.to_json(fql.connect().run(v4.from_json(twice)))["@query"]["expr"]["let"] == [{"x": 1}, {"x": 2}]


@pytest.mark.parametrize(
    "query",
    [
        'Filter(Documents(Collection("spells")), Lambda("x", true))',
        'Join(Documents(Collection("spells")), Query(Lambda("x", Match(Index("all"), Var("x")))))',
        'Union(Match(Index("all")))',
    ],
)
def test_the_shell_notation_of_a_set_is_its_query(query):
    # faunadb-js's Expr.toString writes Filter's set first (shouldReverseArgs), and its lambda as the
    # Lambda form: a filter takes no Query (Parser.parseLambda refuses `{query}`), where Join does.
    db = fql.connect()
    db.query('CreateCollection({name: "spells"})', syntax="v4")
    db.query('CreateIndex({name: "all", source: Collection("spells")})', syntax="v4")
    shown = fql.to_fql(db.query(query, syntax="v4"))
    assert shown == query
    assert fql.to_fql(db.query(shown, syntax="v4")) == shown


def test_a_native_collection_taken_as_a_set_is_written_as_its_ref():
    # Core's writeSetRef writes a SchemaSet's ref, not its `documents` (nor fql's mark of it).
    db = fql.connect()
    distinct = db.query("Distinct(Collections())", syntax="v4")
    assert wire(distinct) == {"@set": {"distinct": COLLECTIONS}}
    assert fql.to_fql(distinct) == "Distinct(Collections())"
