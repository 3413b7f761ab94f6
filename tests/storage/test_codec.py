"""The SQL backends' value codec: every value a document or an index entry can hold comes back exactly."""

from __future__ import annotations

import math

import pytest
from attrs import fields, has

import fql
from fql import ast
from fql.errors import InvalidArgument
from fql.storage import codec
from fql.values import (
    UUID,
    Bytes,
    Date,
    Lambda,
    Long,
    Page,
    Ref,
    SetRef,
    Timestamp,
    collection_ref,
    index_ref,
    native,
)

_db = fql.connect()
#: A v4 closure (it captured `y`), and a v10 arrow function, each with an AST body that has spans.
V4_LAMBDA = _db.query(
    'Let({y: 2, when: Time("2020-01-01T00:00:00Z")}, Query(Lambda(["a", "b"], Add(Var("a"), Var("y")))))'
)
V10_LAMBDA = _db.query("let y = [1, 2.0]\n(x) => x + y[0]", syntax="v10")
DB = Ref("app", native("databases"))

VALUES = [
    None, True, False, 0, 1, -1, 2**63 - 1, -(2**63), 2**80, 1.0, -0.0, 0.1, 1e308, 5e-324, math.inf, -math.inf,
    "", "text", "héllo ☃ 𝄞", "nul \x00 inside", "lone \ud800 surrogate", '"quoted" \\ back',
    [], [1, 1.0, True, "1"], [[[]]], {}, {"a": {"b": [1, {"c": None}]}},
    # Keys that look like the codec's tags are data, not tags.
    {"@ref": "x"}, {"@o": [["a", 1]]}, {"@t": [1]}, {"a": 1, "@ts": 2}, {"@": {"@n": ["Call"]}},
    (1, "a", [2]), (), ((1,), ["x"]),
    Ref("1", collection_ref("users")), Ref("users", native("collections")), native("tokens"),
    Ref("7", collection_ref("users", DB), DB), index_ref("by_name", DB),
    SetRef.of(match=index_ref("by_name"), terms=["a", 1]),
    SetRef.of(documents=collection_ref("users")),
    SetRef.of(union=[SetRef.of(documents=collection_ref("a")), SetRef.of(documents=collection_ref("b"))]),
    Timestamp(0), Timestamp(1_700_000_000_123_456_789), Timestamp(-31557014167219200 * 10**9),
    Date(0), Date(-719528), Date(2932896),
    Bytes(b""), Bytes(bytes(range(256))),
    UUID(0), UUID(2**128 - 1), UUID.parse("123e4567-e89b-12d3-a456-426614174000"),
    Page([1, 2], before=None, after=[3, Ref("3", collection_ref("x"))], has_after=True),
    Page([], before=[0], has_before=True),
    V4_LAMBDA, V10_LAMBDA,
    SetRef.of(filter=V4_LAMBDA, collection=SetRef.of(documents=collection_ref("users"))),
    {"body": V4_LAMBDA, "nested": [V10_LAMBDA, {"@ref": V4_LAMBDA}]},
]


def strict(value):
    """A form of `value` that tells apart what `==` mixes up: 1, 1.0 and True; -0.0 and 0.0; list and tuple;
    and compares what attrs equality leaves out (spans, a lambda's closure and API version)."""
    if isinstance(value, float):
        return ("float", "nan" if math.isnan(value) else value.hex())
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, [strict(v) for v in value])
    if isinstance(value, dict):
        return ("dict", [(strict(k), strict(v)) for k, v in value.items()])
    if has(type(value)):
        names = [f.name for f in fields(type(value))]
        return (type(value).__name__, [(n, strict(getattr(value, n))) for n in names])
    return (type(value).__name__, value)


@pytest.mark.parametrize("value", VALUES, ids=[f"{i}-{type(v).__name__}" for i, v in enumerate(VALUES)])
def test_round_trip(value):
    text = codec.dumps(value)
    assert text.isascii()
    assert strict(codec.loads(text)) == strict(value)


def test_nan_round_trips():
    assert math.isnan(codec.loads(codec.dumps(math.nan)))


def test_every_ast_node_class_round_trips():
    """Each node class the parsers make, with a span, survives (a stored v10 body keeps its error spans)."""
    span = ast.Span(2, 3, 10, 20, 2, 13)
    leaf = ast.Literal(1, span=span)
    made = [
        ast.Array((leaf,), span=span), ast.Object((("k", leaf),), span=span), ast.Call("Add", (leaf, leaf), span=span),
        ast.Form((("let", leaf), ("in", leaf)), span=span), ast.Value(Timestamp(5), span=span),
        ast.Program((leaf,), span=span), ast.Ident("x", span=span), ast.Member(leaf, "f", True, span=span),
        ast.Index(leaf, leaf, span=span), ast.Apply(leaf, (leaf,), span=span), ast.NonNull(leaf, span=span),
        ast.Unary("-", leaf, span=span), ast.Binary("+", leaf, leaf, span=span),
        ast.IfElse(leaf, leaf, None, span=span),
        ast.Let("x", leaf, "Int", span=span), ast.Block((leaf,), span=span), ast.Arrow(("a",), leaf, "rest", span=span),
        ast.Template(("a", leaf), span=span), ast.Project(leaf, (("f", leaf),), span=span),
        ast.AtTime(leaf, leaf, span=span), ast.Invalid("Invalid time.", ("let", 1), ("@ts",), span=span),
    ]
    made.append(leaf)
    assert {type(n).__name__ for n in made} == set(codec._NODES), "a new AST node class: add an instance here"
    for node in made:
        assert strict(codec.loads(codec.dumps(node))) == strict(node)


def test_values_no_document_can_hold_are_refused():
    with pytest.raises(InvalidArgument, match="cannot be stored"):
        codec.dumps({"a": object()})


def test_plain_documents_stay_plain_json():
    assert codec.dumps({"data": {"name": "Ann", "age": 40, "tags": ["a"]}}) == (
        '{"data":{"name":"Ann","age":40,"tags":["a"]}}'
    )


def test_a_v10_long_is_stored_as_any_integer():
    """Core's IR has one integer type (LongV): a Long that fits an Int is stored as the plain number and
    reads back an int, whose v10 type its size decides."""
    text = codec.dumps({"n": Long(5), "a": [Long(-1)]})
    assert text == '{"n":5,"a":[-1]}'
    assert [type(v) for v in (codec.loads(text)["n"], *codec.loads(text)["a"])] == [int, int]


def test_lambda_closure_survives_storage(tmp_path):
    """A function stored through SQLite keeps its body and the variables it closed over."""
    with fql.connect(f"sqlite://{tmp_path / 'f.db'}") as db:
        db.query('Let({n: 40}, CreateFunction({name: "f", body: Query(Lambda("x", Add(Var("x"), Var("n"))))}))')
    with fql.connect(f"sqlite://{tmp_path / 'f.db'}") as db:
        assert db.query('Call(Function("f"), 2)') == 42
        assert isinstance(db.query('Select("body", Get(Function("f")))'), Lambda)
