"""Core's FQL2ValueDecoratedSpec (ext/model/src/test/scala/fql2/serialization/): the decorated format
(`X-Format: decorated`), FQL text that evaluates back to the value. Core encodes values it builds; here each
value is what a query answers, through `POST /query/1` (tests/test_wire_v10.py has more decorated cases).

`copypaste` cases check both halves of core's helper: the value's text, and that the text, run as a query,
gives the value back (compared in the tagged format).

Left out: "FIXME: we can't construct Bytes or UUID, so we can't decorate them" is a comment, not a case
(fql's decorated Bytes and UUID are in tests/test_wire_v10.py and tests/test_uuid.py)."""

from __future__ import annotations

import json

import pytest

import fql
from tests.helpers import QueryEndpoint


@pytest.fixture
def db() -> fql.Database:
    return fql.connect(root_secret="secret")


answer = QueryEndpoint(fmt="decorated").body


def shown(db: fql.Database, query: str, secret: str = "secret") -> str:
    """The decorated text of what `query` answers."""
    out = answer(db, query, secret=secret)
    assert "error" not in out, out
    return out["data"]


def tagged(db: fql.Database, query: str) -> object:
    out = answer(db, query, fmt="tagged")
    assert "error" not in out, out
    return out["data"]


def copypaste(db: fql.Database, query: str, text: str) -> None:
    """Core's `copypaste`: the value encodes as `text`, and `text` evaluates to the value."""
    assert shown(db, query) == text
    assert tagged(db, text) == tagged(db, query)


def _lines(*rows: str) -> str:
    return "\n".join(rows)


@pytest.mark.parametrize(
    "query, text",
    [("3", "3"), ("3.0", "3.0"), ("3e3", "3000.0"), ("Math.Infinity", "Math.Infinity"), ("-Math.Infinity", "-Math.Infinity")],
)
def test_numbers(db, query, text):
    """`numbers`: each copy-pastes."""
    copypaste(db, query, text)


def test_numbers_nan(db):
    """`numbers`: NaN is not equal to itself, so it is only encoded."""
    assert shown(db, "Math.NaN") == "Math.NaN"


END_TO_END9 = "\n".join(f"END{i}" for i in range(10))


@pytest.mark.parametrize(
    "query, text",
    [
        ('"hello"', '"hello"'),
        ('""', '""'),
        ('"escaping: \\0"', '"escaping: \\0"'),
        # A heredoc always ends with a line break, so a string without one at its end is not copy-pastable.
        ('"new\\nline\\n"', _lines("<<-END", "  new", "  line", "END")),
        ('"new\\nEND\\n"', _lines("<<-END0", "  new", "  END", "END0")),
        ('"END\\nEND0\\n"', _lines("<<-END1", "  END", "  END0", "END1")),
        # With END and END0 to END9 all in it, a heredoc could not end: a quoted string instead.
        (json.dumps(f"END\n{END_TO_END9}"), '"END\\n' + END_TO_END9.replace("\n", "\\n") + '"'),
    ],
)
def test_strings(db, query, text):
    """`strings`: each copy-pastes."""
    copypaste(db, query, text)


def test_multiline_string(db):
    """`multiline string`: a heredoc (evaluated back it would end with a line break)."""
    assert shown(db, '"hi\\nhello"') == _lines("<<-END", "  hi", "  hello", "END")


@pytest.mark.parametrize("query", ["true", "false"])
def test_bools(db, query):
    copypaste(db, query, query)


def test_time(db):
    copypaste(db, 'Time("1970-01-01T00:01:03Z")', 'Time("1970-01-01T00:01:03Z")')


def test_null(db):
    assert shown(db, "null") == "null"


def test_date(db):
    assert shown(db, 'Date("2022-12-15")') == 'Date("2022-12-15")'


def test_array(db):
    """`array`: one element a line; an empty one on one line."""
    assert shown(db, '["hello", "hello", "moon"]') == _lines("[", '  "hello",', '  "hello",', '  "moon"', "]")
    assert shown(db, "[]") == "[]"


def test_struct(db):
    """`struct`: one field a line, nested ones indented; an empty one on one line."""
    assert shown(db, '{ one: "two", three: "four", five: { a: "b", c: "d" } }') == _lines(
        "{", '  one: "two",', '  three: "four",', "  five: {", '    a: "b",', '    c: "d"', "  }", "}"
    )
    assert shown(db, "{}") == "{}"


def _ts(db: fql.Database, query: str) -> str:
    return tagged(db, f"({query}).ts")["@time"]


def test_existing_ref(db):
    """`refs` / `existing ref`: a schema document's fields, a document's, and refs inside a document (a
    schema document by name, a document by id)."""
    assert shown(db, "Collection.create({name: 'User'}) { name, coll }") == _lines("{", '  name: "User",', "  coll: Collection", "}")
    doc_id = tagged(db, "User.create({ a: User.definition }).id")
    assert shown(db, f"User.byId('{doc_id}')!") == _lines(
        "{",
        f'  id: "{doc_id}",',
        "  coll: User,",
        f'  ts: Time("{_ts(db, f"User.byId({doc_id!r})!")}"),',
        '  a: Collection.byName("User")',
        "}",
    )
    id2 = tagged(db, f"User.create({{ other: User.byId('{doc_id}'), schema: User.definition }}).id")
    assert shown(db, f"User.byId('{id2}')!") == _lines(
        "{",
        f'  id: "{id2}",',
        "  coll: User,",
        f'  ts: Time("{_ts(db, f"User.byId({id2!r})!")}"),',
        f'  other: User("{doc_id}"),',
        '  schema: Collection.byName("User")',
        "}",
    )


def test_ref_cycle(db):
    """`refs` / `ref cycle`: a document that refers to itself shows the reference, once."""
    answer(db, "Collection.create({ name: 'Loop' })")
    answer(db, "Loop.create({ id: '0', self: Loop('0') })")
    assert shown(db, "Loop.byId('0')!") == _lines(
        "{", '  id: "0",', "  coll: Loop,", f'  ts: Time("{_ts(db, "Loop.byId(0)!")}"),', '  self: Loop("0")', "}"
    )


def test_non_existent_ref(db):
    answer(db, "Collection.create({ name: 'TestCol' })")
    assert shown(db, "TestCol('1234')") == 'TestCol("1234") /* not found */'


def test_deleted_ref_in_one_transaction(db):
    answer(db, "Collection.create({ name: 'TestCol' })")
    assert shown(db, "TestCol.create({ id: '1234' })!.delete()") == 'TestCol("1234") /* deleted */'


def test_deleted_ref(db):
    answer(db, "Collection.create({ name: 'TestCol' })")
    answer(db, "TestCol.create({ id: '1234' })")
    assert shown(db, "TestCol.byId('1234')!.delete()") == 'TestCol("1234") /* deleted */'


def test_delete_and_by_id_return_different_results(db):
    """`delete and byId return different results` (by design: `delete()` returns a deleted document)."""
    answer(db, "Collection.create({ name: 'TestCol' })")
    answer(db, "TestCol.create({ id: '1234' })")
    assert shown(db, "{\n  deleted: TestCol.byId('1234')!.delete(),\n  by_id: TestCol.byId('1234'),\n}") == _lines(
        "{", '  deleted: TestCol("1234") /* deleted */,', '  by_id: TestCol("1234") /* not found */', "}"
    )


def test_ref_to_deleted_collection(db):
    """`ref to deleted collection`: a reference to a document of a collection since deleted is shown with
    `Collection.Deleted` as its collection (core's ReadBroker finds no collection for it; the other formats
    are in tests/test_wire_v10.py)."""
    answer(db, "Collection.create({ name: 'Foo' })")
    answer(db, "Collection.create({ name: 'Bar' })")
    answer(db, "Foo.create({ other: Bar.create({}) })")
    answer(db, "Collection.byName('Bar')!.delete()")
    doc_id = shown(db, "Foo.all().first()!.id")
    other_id = shown(db, "Foo.all().first()!.other.id")
    ts = shown(db, f"Foo.byId({doc_id})!.ts")
    assert shown(db, f"Foo.byId({doc_id})!") == _lines(
        "{", f"  id: {doc_id},", "  coll: Foo,", f"  ts: {ts},", f"  other: Collection.Deleted({other_id})", "}"
    )


def test_permission_denied_ref(db):
    answer(db, "Collection.create({ name: 'Books' })")
    answer(db, 'Role.create({ name: "TestRole", privileges: { resource: "Books", actions: { create: true, read: false } } })')
    secret = answer(db, 'Key.create({ role: "TestRole" }).secret', fmt="simple")["data"]
    assert shown(db, "Books.byId('1234')", secret=secret) == 'Books("1234") /* permission denied */'


def test_index_refs(db):
    """`index refs`: a v4 index's ref in a document and alone is `[legacy index myIndex]`; a field of it null."""
    answer(db, "Collection.create({ name: 'Author' })")
    db.query('CreateIndex({ name: "myIndex", source: Collection("Author") })')
    db.query('Create(Collection("Author"), { data: { indexRef: Index("myIndex") } })')
    doc_id = shown(db, "Author.all().toArray()[0].id")
    ts = shown(db, f"Author.byId({doc_id})!.ts")
    assert shown(db, f"Author.byId({doc_id})!") == _lines(
        "{", f"  id: {doc_id},", "  coll: Author,", f"  ts: {ts},", "  indexRef: [legacy index myIndex]", "}"
    )
    assert shown(db, f"Author.byId({doc_id})!.indexRef") == "[legacy index myIndex]"
    assert shown(db, "Author.all().toArray()[0].indexRef.foo") == "null"
