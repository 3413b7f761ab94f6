"""Core's FQL2DocRefSpec (ext/model/src/test/scala/fql2/FQL2DocRefSpec.scala): `Ref<D>`, `EmptyRef<D>`,
`NamedRef<D>` as field and function types, and a collection applied to an id. Each test names the spec case
it ports; the summaries are core's, whole.

Ported elsewhere (tests/test_core_docs10.py): the error lists of "EmptyRef<Doc>" / "is not persistable",
"Ref<Doc>" / "must be used with a document type (unbound)" and "NamedRef" / "is not persistable"; the ids
and `exists()` of "EmptyRef<Doc>" / "is synonymous with NullDoc".

Not ported: the typechecked half of "is synonymous with NullDoc" (core refuses `.a` on a field of type
`Bar | EmptyRef<Bar>` before the query runs: `Type Null does not have field a`; fql's checker lets it run)
and the static type `Bar | NullBar` of "is synonymous with Doc | NullDoc" (fql's checker shows none for a
`let` annotated so): both are the typechecker's. "Collection apply" / "works" evaluates `Foo(0)` under
core's Pure effect limit, which no query can ask for; the reference it builds is checked here.
"""

from __future__ import annotations

import pytest

import fql
from tests.test_core_docs10 import failure, ok
from tests.helpers import QueryEndpoint

CHECKED = QueryEndpoint(fmt="simple", typecheck=True)


@pytest.fixture
def db() -> fql.Database:
    database = fql.connect(root_secret="secret")
    ok(database, 'Collection.create({ name: "Bar" })')
    return database


def _create_foo(fields: str, name: str = "Foo") -> str:
    """The spec's multi-line `Collection.create` of `name` with the one field definition `fields`."""
    return f'Collection.create({{\n  name: "{name}",\n  fields: {{\n    {fields}\n  }}\n}})'


def test_empty_ref_is_not_persistable_summary(db):
    """EmptyRef<Doc> / is not persistable: the whole summary, the field drawn in main.fsl after `Bar`."""
    code, _, summary = failure(db, _create_foo('a: { signature: "EmptyRef<Bar>" }'))
    assert code == "invalid_schema"
    assert summary == (
        "error: Invalid database schema update.\n"
        "    error: Field `a` in collection Foo is not persistable\n"
        "    at main.fsl:8:6\n"
        "      |\n"
        "    8 |   a: EmptyRef<Bar>\n"
        "      |      ^^^^^^^^^^^^^\n"
        "      |\n"
        "    cause: Type EmptyRef<Bar> is not persistable\n"
        "      |\n"
        "    8 |   a: EmptyRef<Bar>\n"
        "      |      ^^^^^^^^^^^^^\n"
        "      |\n"
        "at *query*:1:18\n"
        "  |\n"
        "1 |   Collection.create({\n"
        "  |  __________________^\n"
        '2 | |   name: "Foo",\n'
        "3 | |   fields: {\n"
        '4 | |     a: { signature: "EmptyRef<Bar>" }\n'
        "5 | |   }\n"
        "6 | | })\n"
        "  | |__^\n"
        "  |"
    )


def test_ref_works_as_a_field_type(db):
    """Ref<Doc> / works as a field type: `!` on a stored reference to a missing document fails at the field,
    `?.` is null."""
    ok(db, _create_foo('bar: { signature: "Ref<Bar>" }'))
    ok(db, "Bar.create({ id: 0, x: 0 })")
    ok(db, "Foo.create({ id: 0, bar: Bar.byId(0) })")
    ok(db, "Foo.create({ id: 1, bar: Bar.byId(1) })")
    assert CHECKED.ok(db, "Foo.byId(0)!.bar!.x") == 0
    body = CHECKED.failure(db, "Foo.byId(1)!.bar!.x")
    assert (body["error"]["code"], body["summary"]) == (
        "document_not_found",
        "error: Collection `Bar` does not contain document with id 1.\n"
        "at *query*:1:14\n"
        "  |\n"
        "1 | Foo.byId(1)!.bar!.x\n"
        "  |              ^^^^\n"
        "  |",
    )
    assert CHECKED.ok(db, "Foo.byId(0)?.bar?.x") == 0
    assert CHECKED.ok(db, "Foo.byId(1)?.bar?.x") is None


def _not_a_doc_type(name: str, signature: str, line: int) -> str:
    width = len(signature)
    return (
        "error: Invalid database schema update.\n"
        "    error: Reference type must refer to a doc type\n"
        f"    at main.fsl:{line}:8\n"
        "      |\n"
        f"    {line} |   bar: {signature}\n"
        f"      |        {'^' * width}\n"
        "      |\n"
        "at *query*:1:18\n"
        "  |\n"
        "1 |   Collection.create({\n"
        "  |  __________________^\n"
        f'2 | |   name: "{name}",\n'
        "3 | |   fields: {\n"
        f'4 | |     bar: {{ signature: "{signature}" }}\n'
        "5 | |   }\n"
        "6 | | })\n"
        "  | |__^\n"
        "  |"
    )


def test_ref_must_be_used_with_a_document_type_scalar():
    """Ref<Doc> / must be used with a document type (scalar): in a database with no other schema."""
    db = fql.connect(root_secret="secret")
    code, _, summary = failure(db, _create_foo('bar: { signature: "Ref<Int>" }'))
    assert (code, summary) == ("invalid_schema", _not_a_doc_type("Foo", "Ref<Int>", 5))


def test_ref_must_be_used_with_a_document_type_ref(db):
    """Ref<Doc> / must be used with a document type (ref)."""
    code, _, summary = failure(db, _create_foo('bar: { signature: "Ref<Ref<Bar>>" }', "Foo3"))
    assert (code, summary) == ("invalid_schema", _not_a_doc_type("Foo3", "Ref<Ref<Bar>>", 8))


def test_ref_is_synonymous_with_doc_or_null_doc(db):
    """Ref<Doc> / is synonymous with Doc | NullDoc, and with Doc | EmptyRef<Doc>: a function's `Ref<Bar>`
    result is a `Bar | NullBar`, and a `Bar | EmptyRef<Bar>` one a `Ref<Bar>` argument."""
    ok(db, 'Function.create({\n  name: "MyFunc",\n  signature: "Ref<Bar> => Ref<Bar>",\n  body: "x => x"\n})')
    ok(db, 'Function.create({ name: "MyFunc2", signature: "Ref<Bar> => Bar | EmptyRef<Bar>", body: "x => x" })')
    ok(db, "Bar.create({ id: 0 })")
    assert CHECKED.ok(db, "let x: Bar | NullBar = MyFunc(Bar.byId(0)); x.id") == "0"
    body = CHECKED.ok_body(db, "let x: Bar | EmptyRef<Bar> = MyFunc2(Bar.byId(1)); x")
    assert body["static_type"] == "Bar | EmptyRef<Bar>"
    assert CHECKED.ok(db, "let x: Bar | EmptyRef<Bar> = MyFunc2(Bar.byId(1)); [x.id, x.exists()]") == ["1", False]


def test_ref_works_with_aliases():
    """Ref<Doc> / works with aliases: a field typed by a collection's alias takes its documents, made by
    either name."""
    db = fql.connect(root_secret="secret")
    ok(
        db,
        'Collection.create({ name: "Bar", alias: "Aliased" })\nCollection.create({ name: "Baz" })\n\n'
        'Collection.create({\n  name: "Foo",\n  fields: {\n    bar_ref: { signature: "Ref<Aliased>" }\n  },\n})',
    )
    # Either name makes a document of Bar.
    assert ok(db, "Foo.create({ bar_ref: Bar.create({}) }).bar_ref.coll == Bar") is True
    assert ok(db, "Foo.create({ bar_ref: Aliased.create({}) }).bar_ref.coll == Bar") is True


def test_collection_apply_works(db):
    """Collection apply / works: `Foo(id)` builds the reference (an Int or a string id) without reading."""
    ok(db, 'Collection.create({ name: "Foo" })')
    assert CHECKED.ok_body(db, "Foo(0)")["static_type"] == "Ref<Foo>"
    assert CHECKED.ok_body(db, 'Foo("0")')["static_type"] == "Ref<Foo>"
    ok(db, "Foo.create({ id: 0, a: 0 })")
    assert CHECKED.ok(db, "Foo(0)?.a") == 0
    assert CHECKED.ok(db, "Foo(1)?.a") is None
    assert CHECKED.ok(db, 'Foo("1") == Foo.byId(1)') is True


def test_named_ref_works(db):
    """NamedRef / works: a named reference has its name whether or not the function exists."""
    ok(db, 'Function.create({\n  name: "plus1",\n  "body": "x => x + 1"\n})')
    assert CHECKED.ok(db, "let x: NamedRef<FunctionDef> = Function.byName('plus1'); x.name") == "plus1"
    assert CHECKED.ok(db, "let x: NamedRef<FunctionDef> = Function.byName('plus2'); x.name") == "plus2"
