"""Core's FQL2DocsSpec (ext/model/src/test/scala/fql2/FQL2DocsSpec.scala): v10 documents written and read,
ported through the v10 endpoint, each test named after the spec case it comes from.

Ported elsewhere: "null docs error on .field access" and "null docs error on ['field'] access"
(tests/test_core_docs10.py); "at operator" / "works", "nests and can return to snapshot time", "rejects bad
types" and "returns a sensible error for future reads and MVT violations" (tests/fixtures/v10/at.fql).

"can write a partial value to a document" gives the partial as a query argument, which core says no client
can ("partials are not supposed to come from query arguments"): it is ported with the partial made in the
query, where a user gets one.
"""

from __future__ import annotations

import json

import pytest

import fql
from fql.server import v10
from tests.test_core_docs10 import answer, failure, ok


@pytest.fixture
def db() -> fql.Database:
    database = fql.connect(root_secret="secret")
    ok(database, "Collection.create({ name: 'Author' })")
    return database


# "writes" / "basics".
def test_create_makes_a_document(db):
    assert ok(db, 'let doc = Author.create({ foo: "bar" })\n[doc.coll == Author, doc.foo, doc.exists()]') == [
        True,
        "bar",
        True,
    ]


#: Core's Tokens.ReservedFieldNames and `exists`, less `data` (its own case).
RESERVED = ("id", "coll", "ts", "delete", "update", "replace", "updateData", "replaceData", "exists")


# "writes" / "rejects reserved field `<f>`": a create (but of `id`, which a create may set) and an update
# fail with one ReservedField failure.
@pytest.mark.parametrize("field", RESERVED)
def test_rejects_reserved_field(db, field):
    reserved = [{"paths": [[field]], "message": "Is a reserved field and cannot be used"}]
    if field != "id":
        body = answer(db, f'Author.create({{ {field}: "bar" }})')
        assert body["error"]["code"] == "constraint_failure"
        assert body["error"]["constraint_failures"] == reserved
    body = answer(db, f'let author = Author.create({{ name: "bar" }})\nauthor.update({{ {field}: "baz" }})\n')
    assert body["error"]["code"] == "constraint_failure"
    assert body["error"]["constraint_failures"] == reserved


# "writes" / "can set, read and update ttl": a ttl taken from another document's field is the ttl, and an
# update sets another.
def test_set_read_and_update_ttl(db):
    ok(db, "Author.create({ id: 1, some_ts: Time('9999-12-31T23:59:59.999999Z') })")
    ok(db, "Author.create({ id: 2, some_ts: Time.now().add(100, 'days') })")
    ok(db, 'let ttl = Author.byId("1")!.some_ts\nAuthor.create({ id: 3, ttl: ttl, foo: "bar" })')
    assert ok(db, 'Author.byId("3")!.ttl') == "9999-12-31T23:59:59.999999Z"
    assert ok(db, 'let ttl = Author.byId("2")!.some_ts\nlet author = Author.byId("3")!\n'
                  'author.update({"ttl": ttl}).ttl == ttl') is True
    assert ok(db, 'Author.byId("3")!.ttl == Author.byId("2")!.some_ts') is True


# "writes" / "update/replace short-circuit on null doc".
def test_update_and_replace_of_a_null_doc_short_circuit(db):
    assert ok(db, "Author.byId('123')?.update({ foo: 'bar' })") is None
    assert ok(db, "Author.byId('123')?.replace({ foo: 'bar' })") is None
    assert ok(db, "Author.all().count()") == 0


# "writes" / "can write a partial value to a document": what an index covers, written into a document
# (create, update, replace), is stored whole.
def test_write_a_value_read_from_an_index(db):
    ok(db, "Collection.create({ name: 'Book', indexes: { titles: { values: [{ field: 'title' }] } } })")
    ok(db, "Book.create({ title: 'A book' })")
    book = "Book.titles().map(.data).first()"
    assert ok(db, f"Author.create({{ id: 1, name: 'Bob', book: {book} }}).id") == "1"
    assert ok(db, "Author.byId('1')!.book.title") == "A book"
    ok(db, f"Author.byId('1')!.update({{ books: [{book}] }})")
    assert ok(db, "Author.byId('1')!.books[0].title") == "A book"
    ok(db, f"Author.byId('1')!.replace({{ books: {{ favorite: {book} }} }})")
    assert ok(db, "Author.byId('1')!.books.favorite.title") == "A book"
    assert ok(db, "Author.byId('1')!.data") == {"books": {"favorite": {"title": "A book"}}}


# "reads" / "can get a set": `all()` is a set of the collection, of no arguments.
def test_all_is_a_set(db):
    ok(db, 'Author.create({ foo: "bar" })')
    headers = {"x-format": "tagged", "x-typecheck": "true"}
    body = json.loads(v10.query(db, {"query": "Author.all()"}, "secret", headers, 0).body)
    assert list(body["data"]) == ["@set"]
    assert body["static_type"] == "Set<Author>"
    assert ok(db, "Author.all().count()") == 1


# "reads" / "can get doc byId", "can get schema doc byName".
def test_get_by_id_and_by_name(db):
    assert ok(db, 'let doc = Author.create({ foo: "bar" })\nAuthor.byId(doc.id) == doc') is True
    assert ok(db, "Collection.byName('Author') == Author.definition") is True
    assert ok(db, "Collection.byName('Author')!.name") == "Author"


# "reads" / "exists returns ..." and "doc == null returns ...": for a document that does not exist, one
# that does, and one deleted (in the same query).
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ('Author.byId("1234").exists()', False),
        ('Author.byId("1234") == null', True),
        ("Author.create({}).exists()", True),
        ("Author.create({}) == null", False),
        ("let author = Author.create({})\nauthor.delete()\nauthor.exists()\n", False),
        ("let author = Author.create({})\nauthor.delete()\nauthor == null\n", True),
    ],
)
def test_exists_and_null_comparison(db, query, expected):
    assert ok(db, query) is expected


# "reads" / "can project non-existant docs".
def test_project_a_deleted_document(db):
    assert ok(db, 'let author = Author.create({ name: "Write" })\nauthor.delete()\nauthor { id, name }\n') is None


# "reads" / "can get doc with firstWhere .id == \"id\"", "can compare id with id".
def test_ids_compare(db):
    ok(db, 'Author.create({ id: 1, foo: "bar" }); Author.create({ id: 2, foo: "bar" }); Author.create({ id: 3, foo: "bar" })')
    assert ok(db, 'Author.firstWhere(.id == "2")!.id') == "2"
    assert ok(db, 'let doc = Author.byId("1")\ndoc.id == doc.id') is True
    assert ok(db, 'let doc1 = Author.byId("1")\nlet doc2 = Author.create({})\ndoc1.id == doc2.id') is False
    assert ok(db, 'let doc_id = Author.byId("2").id\n(Author.all().where(.id == doc_id) { id }).toArray()') == [
        {"id": "2"}
    ]


# "reads" / "can deref documents when reading fields", "can select fields with []", "don't elide nulls on
# arrays".
def test_read_fields(db):
    ok(db, 'Author.create({ id: 1, foo: "bar", list: [1, null, 2] })')
    assert ok(db, 'let doc = Author.byId("1")!\ndoc.foo') == "bar"
    assert ok(db, 'Author.byId("1")["foo"]') == "bar"
    assert ok(db, 'Author.byId("1")["id"]') == "1"
    assert ok(db, 'Author.byId("1")["baz"]') is None
    assert ok(db, 'Author.byId("1")!.list') == [1, None, 2]


# "reads" / "null doc is a doc value", "null schema doc is a doc value": a missing document is a reference
# to it that does not exist (rendered as core renders one).
def test_null_documents_are_references(db):
    def tagged(query: str) -> object:
        return json.loads(v10.query(db, {"query": query}, "secret", {"x-format": "tagged"}, 0).body)["data"]

    assert tagged("Author.byId('1234')") == {
        "@ref": {"id": "1234", "coll": {"@mod": "Author"}, "exists": False, "cause": "not found"}
    }
    assert tagged("Collection.byName('Ghost')") == {
        "@ref": {"name": "Ghost", "coll": {"@mod": "Collection"}, "exists": False, "cause": "not found"}
    }


# "reads" / "null allow ref field access", "null docs short-circuit on ?.field access" and "on ?.['field']
# access".
def test_null_document_fields(db):
    assert ok(db, "Author.byId('123').id") == "123"
    assert ok(db, "Author.byId('123').coll == Author") is True
    assert ok(db, "Author.byId('123')?.foo") is None
    assert ok(db, "Author.byId('123')?.['foo']") is None


# "reads" / "at operator" / "accepts Value.TransactionTime": a document's ts in the query that wrote it.
def test_at_the_transaction_time_of_a_write(db):
    query = "let mt = Author.create({ name: 'Mark Twain' })\nat (mt.ts) {\n  Author.byId(mt.id)['name']\n}\n"
    assert ok(db, query) == "Mark Twain"


# "ts things" / "ts is not equal to TransactionTime companion", "ts is equal to TransactionTime()".
def test_ts_and_transaction_time(db):
    assert ok(db, "Author.create({}).ts != TransactionTime") is True
    assert ok(db, "Author.create({}).ts == TransactionTime()") is True


# "cannot write in at()": at a past time; at the transaction's time a write is allowed.
def test_cannot_write_in_at(db):
    assert failure(db, "at (Time.now().subtract(1, 'day')) { Author.create({}) }")[:2] == (
        "invalid_write",
        "Cannot write at a snapshot time in the past.",
    )
    assert ok(db, "at (TransactionTime()) { Author.create({ id: 1 }) }.id") == "1"


# "transaction time": TransactionTime() stored, at any depth, is the transaction's time.
def test_transaction_time_stored(db):
    made = ok(
        db,
        "let doc = Author.create({ id: 1, a: TransactionTime(), nested: { foo: TransactionTime() },"
        " array: [{ foo: TransactionTime() }, TransactionTime()] })\ndoc.ts",
    )
    stored = ok(db, "Author.byId(1)!.data")
    assert stored == {"a": made, "nested": {"foo": made}, "array": [{"foo": made}, made]}


# "create with id works": an id as a number, a string or an ID.
def test_create_with_id(db):
    ok(db, "Collection.create({ name: 'User' })")
    ok(db, "User.create({ id: 1 })")
    ok(db, "User.create({ id: '2' })")
    ok(db, "User.create({ id: ID('3') })")
    assert ok(db, "User.all().toArray().map(.id)") == ["1", "2", "3"]
