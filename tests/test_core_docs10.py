"""Core's v10 document, collection and field specs (FQL2DocsSpec, FQL2DocRefSpec, ...): cases fql once got wrong,
through the v10 endpoint so that error summaries are checked too."""

from __future__ import annotations

import json

import pytest

import fql
from fql.server import v10


def answer(db: fql.Database, query: str) -> dict:
    """The v10 envelope `POST /query/1` answers `query` with."""
    return json.loads(v10.query(db, {"query": query}, "secret", {"x-format": "simple"}, 0).body)


def ok(db: fql.Database, query: str) -> object:
    body = answer(db, query)
    assert "error" not in body, body
    return body["data"]


def failure(db: fql.Database, query: str) -> tuple[str, str, str]:
    body = answer(db, query)
    return body["error"]["code"], body["error"]["message"], body["summary"]


@pytest.fixture
def db() -> fql.Database:
    database = fql.connect(root_secret="secret")
    ok(database, "Collection.create({ name: 'Author' })")
    return database


# FQL2DocsSpec "null docs error on .field access" / "['field'] access": core points at the missing document's
# last operation, the call's arguments (with the `!` when there is one), not at the whole call or the brackets.
@pytest.mark.parametrize(
    ("query", "caret"),
    [
        ("Author.byId('123').foo", "1 | Author.byId('123').foo\n  |            ^^^^^^^\n"),
        ("Author.byId('123')!.foo", "1 | Author.byId('123')!.foo\n  |            ^^^^^^^^\n"),
        ("Author.byId('123')['foo']", "1 | Author.byId('123')['foo']\n  |            ^^^^^^^\n"),
    ],
)
def test_missing_document_field_points_at_the_document(db, query, caret):
    code, message, summary = failure(db, query)
    assert (code, message) == ("document_not_found", "Collection `Author` does not contain document with id 123.")
    assert "at *query*:1:12\n" in summary and caret in summary


def _schema_errors(db: fql.Database, fields: str) -> list[str]:
    code, message, summary = failure(db, f"Collection.create({{ name: 'Foo', fields: {{ {fields} }} }})")
    assert (code, summary.split("\n")[0]) == ("invalid_schema", "error: Invalid database schema update.")
    return [line.strip() for line in message.split("\n")[1:]]


# FQL2DocRefSpec: EmptyRef<Doc> and NamedRef<Doc> types are not persistable, alone; a Ref to an unknown type
# reports the unknown type first.
def test_empty_ref_alone_is_not_persistable(db):
    assert _schema_errors(db, "a: { signature: 'EmptyRef<Author>' }") == [
        "error: Field `a` in collection Foo is not persistable",
        "cause: Type EmptyRef<Author> is not persistable",
    ]
    ok(db, "Collection.create({ name: 'Foo', fields: { bar: { signature: 'Author | EmptyRef<Author>' } } })")
    ok(db, "Foo.create({ id: 0, bar: Author.byId(0) })")
    assert ok(db, "[Foo.byId(0)!.bar.id, Foo.byId(0)!.bar.exists()]") == ["0", False]


def test_named_refs_are_not_persistable(db):
    fields = "fn: { signature: 'NamedRef<FunctionDef>' }, nofn: { signature: 'EmptyNamedRef<FunctionDef>' }"
    assert _schema_errors(db, fields) == [
        "error: Field `fn` in collection Foo is not persistable",
        "cause: Type NamedRef<FunctionDef> is not persistable",
        "error: Field `nofn` in collection Foo is not persistable",
        "cause: Type EmptyNamedRef<FunctionDef> is not persistable",
    ]


def test_ref_to_unknown_type_reports_it_first(db):
    assert _schema_errors(db, "bar: { signature: 'Ref<Boo>' }") == [
        "error: Unknown type `Boo`",
        "error: Reference type must refer to a doc type",
    ]
    assert _schema_errors(db, "bar: { signature: 'Ref<Ref<Author>>' }") == [
        "error: Reference type must refer to a doc type"
    ]
