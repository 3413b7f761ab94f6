"""A Null the schema declares, refused where a field is read off it, as core's typer refuses it; and a
document field's declared type, refused so where it lacks the member read.

Core types a user function's result from its internal signature, parsed in its Null source
(UserFunction.parseInternalSig -> FQLInterpreter.prepareLambdaSig: `Src.Null`), and a document's field
from the field's signature, parsed in a source of its own (DefinedField.expectedTypeExpr:
`Src.Inline("*field:<coll>:<name>*", signature)`; CollectionTypeInfo types `T?` as TyperTypeExprs'
Nullable does, `T | Null(qmarkSpan)`). A field `T` has but Null lacks, read off such a value, fails for
the Null alone: TypeConstraintFailure.toTypeError keeps a lone MissingField, and its toError hints
``Type `Null` inferred here`` at the Null's span (rendered `at <no source>` for the Null source: Diagnostic
renderBodyWithSource) and suggests `!` at the dot. Core leaves that first hint out where the Null's span
ends at the dot's offset (it compares offsets only); fql does not report those, nor a Null the schema
declares reached otherwise (an operator's operand, a stdlib argument, a schema item's own body).
"""

from __future__ import annotations

import pytest

import fql
from tests.helpers import QueryEndpoint

SECRET = "secret"
ENDPOINT = QueryEndpoint(SECRET, fmt="simple")
ok, failed = ENDPOINT.ok, ENDPOINT.err

BANG = "hint: Use the ! or ?. operator to handle the null case"


@pytest.fixture
def db() -> fql.Database:
    db = fql.connect(root_secret=SECRET)
    ok(db, "Function.create({ name: 'f', body: '() => \"a\"', signature: '() => String?' }) { name }")
    ok(db, "Function.create({ name: 'g', body: '(x) => \"a\"', signature: '(x: Int) => Null | String' }) { name }")
    ok(db, "Collection.create({ name: 'P', fields: { name: { signature: 'String?' }, age: { signature: 'Int | Null' } } }) { name }")
    ok(db, "P.create({ id: '1', name: 'a' }) { id }")
    return db


def test_a_user_functions_nullable_result_is_hinted_at_no_source(db):
    assert failed(db, "f().length")["summary"] == "\n".join((
        "error: Type `Null` does not have field `length`",
        "at *query*:1:5", "  |", "1 | f().length", "  |     ^^^^^^", "  |",
        "hint: Type `Null` inferred here", "at <no source>",
        BANG, "  |", "1 | f()!.length", "  |    +", "  |",
    ))  # fmt: skip
    # Through a variable, the Null keeps its place; the error is at the field read.
    summary = failed(db, "let x = g(1)\nx.length")["summary"]
    assert summary.startswith("error: Type `Null` does not have field `length`\nat *query*:2:3\n")
    assert "hint: Type `Null` inferred here\nat <no source>\n" in summary


def test_an_optional_field_is_hinted_at_its_signature(db):
    assert failed(db, "P.byId('1')!.name.length")["summary"] == "\n".join((
        "error: Type `Null` does not have field `length`",
        "at *query*:1:19", "  |", "1 | P.byId('1')!.name.length", "  |                   ^^^^^^", "  |",
        "hint: Type `Null` inferred here", "at *field:P:name*:1:7", "  |", "1 | String?", "  |       ^", "  |",
        BANG, "  |", "1 | P.byId('1')!.name!.length", "  |                  +", "  |",
    ))  # fmt: skip
    # `Int | Null`: the Null where it is named.
    summary = failed(db, "P.byId('1')!.age.toString()")["summary"]
    assert "hint: Type `Null` inferred here\nat *field:P:age*:1:7\n  |\n1 | Int | Null\n  |       ^^^^\n" in summary


def test_what_handles_the_null_runs(db):
    assert ok(db, "f()!.length") == 1
    assert ok(db, "f()?.length") == 1
    assert ok(db, "P.byId('1')!.name!.length") == 1
    # `?.` does not skip a method null has itself: its toString runs (core's NullPrototype.getMethod).
    assert ok(db, "P.byId('1')!.age?.toString()") == "null"


def test_not_typechecked_it_runs(db):
    assert ok(db, "f().length", typecheck=False) == 1


# -- A field declared as one type (`name: String`): core types it from that signature, parsed in the
# field's own source, so a member the type lacks is core's MissingField at the name, hinted where the
# signature is (TypeConstraintFailure.toError); fql ran these and answered null.


@pytest.fixture
def typed() -> fql.Database:
    db = fql.connect(root_secret=SECRET)
    fields = "{ title: { signature: 'String' }, pages: { signature: 'Int' }, due: { signature: 'Time' } }"
    ok(db, f"Collection.create({{ name: 'B', fields: {fields} }}) {{ name }}")
    ok(db, "B.create({ id: '1', title: 'a', pages: 3, due: Time('2099-01-01T00:00:00Z') }) { id }")
    return db


def test_a_typed_fields_missing_member_is_hinted_at_its_signature(typed):
    assert failed(typed, "B.byId('1')!.title.foo")["summary"] == "\n".join((
        "error: Type `String` does not have field `foo`",
        "at *query*:1:20", "  |", "1 | B.byId('1')!.title.foo", "  |                    ^^^", "  |",
        "hint: Type `String` inferred here", "at *field:B:title*:1:1", "  |", "1 | String", "  | ^^^^^^", "  |",
    ))  # fmt: skip
    summary = failed(typed, "let d = B.byId('1')!.due\nd.foo")["summary"]
    assert summary.startswith("error: Type `Time` does not have field `foo`\nat *query*:2:3\n")
    assert "hint: Type `Time` inferred here\nat *field:B:due*:1:1\n" in summary


def test_a_typed_field_read_in_a_lambda_over_its_documents(typed):
    # The lambda's parameter meets the document type in the argument's constrain call; the field's type
    # keeps its signature's place there too, and the lone failure, within the argument, is the error.
    for query in ("B.all().map(x => x.title.foo)", "B.all().map(.title.foo)"):
        summary = failed(typed, query)["summary"]
        assert summary.startswith("error: Type `String` does not have field `foo`\n"), query
        assert "hint: Type `String` inferred here\nat *field:B:title*:1:1\n" in summary


def test_a_typed_fields_own_members_run(typed):
    assert ok(typed, "B.byId('1')!.title.length") == 1
    assert ok(typed, "B.byId('1')!.pages + 1") == 4
