"""Core's FQL2CollectionSpec (ext/model/src/test/scala/fql2/FQL2CollectionSpec.scala): v10 collection
definitions and the documents they shape, ported through the v10 endpoint (results, error codes, messages
and summaries), each test named after the spec case it comes from.

Ported elsewhere: "validate foreign references" / "roles" (rename, delete), "fql4" / "updates can't modify
fqlx fields" and "replace doesn't remove fqlx fields", "refs to keys, tokens, and credentials work"
(tests/test_core_docs10.py, tests/test_migrations.py); "give pretty error for collections created in this
transaction" (tests/test_v10_summaries.py); "defaults in nested fields" typechecked
(tests/test_core_typer.py).

Skipped, as core internals no query sees: the schema version a document is stored with ("stores and updates
schema versions": its user-visible half, that documents written before and after a migration and by v4 read
back, is ported), the collection's min-valid-time floor and its pins ("updates advance MVT field" in FQL X
and FQL 4, "pin prevents updates from advancing MVT" in FQL X and FQL 4, "MVT works with staged schema" /
"floor is not advanced while in a staged schema" and "... while staging a schema in the same txn"), the
native ChangesByCollection index ("changes by collection picks up native collections"), pinning the active
schema at its first version ("allows staged deletes"), a `has_class_index` field written into storage by
hand ("allows has_class_index"), and customer and internal tenant root databases, which fql does not have
("rejects writes to customer tenant root db", "allows writes to internal tenant root db").
"""

from __future__ import annotations

import pytest

import fql
from tests.schema.pushing import push, push_error
from tests.test_core_docs10 import answer, failure, ok
from tests.helpers import QueryEndpoint


@pytest.fixture
def db() -> fql.Database:
    return fql.connect(root_secret="secret")


#: The v10 envelope of a query run without the typechecker (X-Typecheck: false).
untyped = QueryEndpoint(fmt="simple", typecheck=False).body


def rendered(summary: str) -> str:
    """A summary as core's renderErr draws it: without the trailing newline."""
    return summary.rstrip("\n")


# "stores and updates schema versions": documents written before a migration, after it, by an update and
# by a v4 write all read back; a v4 update of the collection keeps its v10 fields.
def test_documents_across_a_migration(db):
    ok(db, 'Collection.create({ name: "Foo", fields: { _no_wildcard: { signature: "Null" } }, document_ttls: true })')
    ok(db, "Foo.create({ id: 0, ttl: Time('3000-01-01T12:00:00.000Z') })")
    assert ok(db, "Foo.byId(0)!.ttl") == "3000-01-01T12:00:00Z"
    ok(db, 'Foo.definition.update({ fields: { _no_wildcard: { signature: "Null" }, a: { signature: "Number | Null" } },'
           ' migrations: [{ add: { field: ".a" } }] })')
    ok(db, "Foo.create({ id: 1, a: 0 })")
    ok(db, "Foo.byId(0)!.update({ a: 1 })")
    db.query('Create(Ref(Collection("Foo"), "2"), { data: { a: 2 } })')
    assert ok(db, "Foo.all().toArray().map(.a)") == [1, 0, 2]
    db.query('Update(Collection("Foo"), { history_days: 10 })')
    assert ok(db, "Foo.definition { history_days, migrations }") == {
        "history_days": 10,
        "migrations": [{"add": {"field": ".a"}}],
    }


# "rejects non-persistable values": a module is no value a definition stores.
def test_rejects_non_persistable_values(db):
    body = untyped(db, "Collection.create({ name: Collection })")
    assert body["error"] == {
        "code": "invalid_type",
        "message": "Value at `name` has type Collection, which cannot be persisted.",
    }
    assert "at *query*:1:18\n  |\n1 | Collection.create({ name: Collection })\n  |                  " + "^" * 22 in body["summary"]


# "fql4" / "updates preserve fqlx fields": a v4 Update of nothing leaves the definition as it was.
def test_v4_empty_update_keeps_v10_fields(db):
    ok(db, 'Collection.create({ name: "TestCol", alias: "TestColAlias", indexes: { byName: { terms: [{ field: "name" }] } },'
           ' constraints: [{ unique: ["name"] }] })')
    before = db.query('Get(Collection("TestCol"))')
    db.query('Update(Collection("TestCol"), {})')
    after = db.query('Get(Collection("TestCol"))')
    assert {k: v for k, v in after.items() if k != "ts"} == {k: v for k, v in before.items() if k != "ts"}


# "doesn't allow setting has_class_index".
def test_has_class_index_cannot_be_set(db):
    ok(db, 'Collection.create({ name: "TestCol" })')
    body = answer(db, "TestCol.definition.update({ has_class_index: true })")
    assert body["error"]["code"] == "constraint_failure"
    assert [f["paths"] for f in body["error"]["constraint_failures"]] == [[["has_class_index"]]]


# "sets default history days".
def test_default_history_days(db):
    ok(db, "Collection.create({ name: 'Foo' })")
    assert ok(db, "Foo.definition.history_days") == 0


def test_history_days_given_as_null_gets_no_default(db):
    # Not a spec case, from core's Schema.insertDefaultFieldsMap: the default (NativeCollection's
    # `history_days` FieldSchema default) is given only where the key is absent; a create or replace that
    # gives `history_days: null` keeps the null, which elideNulls then drops, so the collection has none.
    ok(db, "Collection.create({ name: 'Foo', history_days: null })")
    assert ok(db, "Foo.definition.history_days") is None
    ok(db, "Collection.create({ name: 'Bar', history_days: 3 })")
    assert ok(db, "Bar.definition.replace({ name: 'Bar', history_days: null }).history_days") is None
    assert ok(db, "Bar.definition.replace({ name: 'Bar' }).history_days") == 0


# "use ttl_days as a default document ttl": a write (create or update) sets the ttl to ttl_days after it
# when not given one; a ttl given is kept, and so is a `ttl` in `data`.
def test_ttl_days_default_ttl(db):
    ok(db, 'Collection.create({ name: "Col" })')
    assert ok(db, "Col.create({ foo: 'bar' }).ttl") is None
    ok(db, "Col.definition.update({ ttl_days: 1 })")
    updated = "let doc = Col.all().first()!\ndoc.update({ foo: 'baz' })\ndoc.ttl == Time.now().add(1, 'day')"
    assert ok(db, updated) is True
    assert ok(db, "let doc = Col.create({ fizz: 'buzz' })\ndoc.ttl == Time.now().add(1, 'day')") is True
    kept = "let doc = Col.create({ buz: 'fizz', ttl: Time.now().add(10, 'days') })\ndoc.ttl == Time.now().add(10, 'days')"
    assert ok(db, kept) is True
    data = "let doc = Col.createData({ buz: 'fizz', ttl: 'something else' })\n[doc.ttl == Time.now().add(1, 'day'), doc.data.ttl]"
    assert ok(db, data) == [True, "something else"]
    # The ttl a document gets is the one its entry in the collection keeps: it leaves the set when it expires.
    assert ok(db, "Col.all().where(.ttl != null).count()") == 4


# "doesn't give hint for user collections that don't exist".
def test_no_hint_for_a_missing_collection(db):
    code, message, summary = failure(db, 'Collection("Foo")\n')
    assert (code, message) == ("invalid_argument", "invalid argument `collection`: No such user collection `Foo`.")
    assert rendered(summary) == (
        "error: invalid argument `collection`: No such user collection `Foo`.\n"
        "at *query*:1:11\n  |\n1 | Collection(\"Foo\")\n  |           ^^^^^^^\n  |"
    )


DOC_WRITES = (
    "User.create({ foo: 'bar' })",
    "User.byId('1234')!.update({ foo: 'bar' })",
    "User.byId('1234')!.replace({ foo: 'bar' })",
    "User.byId('1234')!.delete()",
)
COLL_WRITES = (
    "Collection.byName('User')!.update({ data: { hi: 3 } })",
    "Collection.byName('User')!.replace({ name: 'User', data: { hi: 3 } })",
    "Collection.byName('User')!.delete()",
)


def _users() -> fql.Database:
    database = fql.connect(root_secret="secret")
    ok(database, "Collection.create({ name: 'User' })")
    ok(database, "User.create({ id: '1234' })")
    return database


# "disallow collection writes and doc writes in the same query": the error is at the second write.
def test_collection_and_document_writes_in_one_query(db):
    ok(db, "Collection.create({ name: 'User' })")
    code, message, summary = failure(db, 'User.definition.update({ data: { hi: 3 }})\nUser.create({ foo: "bar" })\n')
    assert (code, rendered(summary)) == (
        "invalid_write",
        "error: Cannot modify a document and its collection in the same query.\n"
        'at *query*:2:12\n  |\n2 | User.create({ foo: "bar" })\n  |            ^^^^^^^^^^^^^^^^\n  |',
    )


# "disallows combinations of writes in the same query" / "each query works in its own".
@pytest.mark.parametrize("query", DOC_WRITES + COLL_WRITES)
def test_each_write_alone(query):
    ok(_users(), query)


# "disallows combinations of writes in the same query" / "every combination of queries fails when used
# together", in either order.
@pytest.mark.parametrize("doc", DOC_WRITES)
@pytest.mark.parametrize("coll", COLL_WRITES)
def test_document_and_collection_writes_together(doc, coll):
    for query in (f"{doc}\n{coll}", f"{coll}\n{doc}"):
        assert failure(_users(), query)[:2] == (
            "invalid_write",
            "Cannot modify a document and its collection in the same query.",
        )


# The same with a rename for the collection's write: its documents are the renamed collection's, and the
# query's text still names it `User` (core resolves it as the query began).
@pytest.mark.parametrize("doc", DOC_WRITES)
def test_document_writes_and_a_rename_together(doc):
    rename = "Collection.byName('User')!.update({ name: 'Person' })"
    for query in (f"{doc}\n{rename}", f"{rename}\n{doc}"):
        assert failure(_users(), query)[:2] == (
            "invalid_write",
            "Cannot modify a document and its collection in the same query.",
        )


# "handles rapid collection recreation (w/ typecheck)" and "(no typecheck)": deleted and made again in
# one query, and again in the next.
def test_rapid_collection_recreation(db):
    ok(db, "Collection.create({ name: 'a' })")
    ok(db, "Collection.byName('a')!.delete()\nCollection.create({name: 'a'})\n")
    ok(db, "Collection.byName('a')!.delete()")
    ok(db, "Collection.create({ name: 'a' })")
    for query in (
        "Collection.byName('a').delete()\nCollection.create({name: 'a'})\n",
        "Collection.byName('a').delete()",
        "Collection.create({ name: 'a' })",
    ):
        assert "error" not in untyped(db, query)
    assert ok(db, "Collection.all().map(.name).toArray()") == ["a"]


# "disallows `data` in create, update, and replace (with wildcard)": `data` must be null, to the typer.
@pytest.mark.parametrize(
    ("query", "column"),
    [
        ("Foo.create({ data: { a: 0, b: 1 } })", 20),
        ("Foo.byId(0)!.update({ id:1, data: { a: 0, b: 1 } })", 35),
        ("Foo.byId(0)!.replace({ data: { a: 0, b: 1 } })", 30),
    ],
)
def test_data_is_not_a_field(db, query, column):
    ok(db, "Collection.create({\nname: 'Foo'\n})")
    ok(db, "Foo.create({ id: 0 })")
    code, _, summary = failure(db, query)
    pad = " " * (column - 1)
    assert (code, rendered(summary)) == (
        "invalid_query",
        f"error: Type `{{ a: 0, b: 1 }}` is not a subtype of `Null`\nat *query*:1:{column}\n  |\n1 | {query}\n"
        f"  | {pad}^^^^^^^^^^^^^^\n  |",
    )


NESTED_DEFAULT = "collection User {\n  a: {\n    foo: Int = 3\n    bar: String\n  }\n}"


# "defaults in nested fields": without the typer, the missing field is the constraint failure; the default
# fills the nested field.
def test_defaults_in_nested_fields(db):
    push(db, NESTED_DEFAULT)
    body = untyped(db, "User.create({})")
    assert rendered(body["summary"]) == (
        "error: Failed to create document in collection `User`.\nconstraint failures:\n"
        "  a.bar: Missing required field of type String\nat *query*:1:12\n  |\n1 | User.create({})\n"
        "  |            ^^^^\n  |"
    )
    assert ok(db, "User.create({ id: 0, a: { bar: 'hi' } }).a") == {"foo": 3, "bar": "hi"}


# "update signature with defaults": an update keeps the nested fields it does not give.
def test_update_with_nested_defaults(db):
    push(db, NESTED_DEFAULT)
    assert ok(db, "User.create({ id: 0, a: { bar: 'hi' } }).a") == {"foo": 3, "bar": "hi"}
    assert ok(db, "User(0)!.update({ a: { foo: 4 } }).a") == {"foo": 4, "bar": "hi"}
    assert ok(db, "User(0)!.update({}).a") == {"foo": 4, "bar": "hi"}


# "defaults where all nested values are defined".
def test_all_nested_values_defaulted(db):
    push(db, 'collection User {\n  a: {\n    foo: Int = 3\n    bar: String = "a"\n  }\n}')
    assert ok(db, "User.create({}).a") == {"foo": 3, "bar": "a"}


# "nested nullable fields combined with parent default".
def test_nested_nullable_field_under_a_default(db):
    push(db, 'collection User {\n  address: {\n    street: String\n    city: String?\n  } = {\n    street: "unknown"\n  }\n}')
    assert ok(db, "User.create({}).address") == {"street": "unknown"}


STREET = "collection User {\n  address: {\n    street: Number = 10\n  }\n}"


def _missing(db: fql.Database, query: str, what: str, column: int, width: int, field: str = "address") -> None:
    code, _, summary = failure(db, query)
    shown = "{ street: Number }" if field == "address" else "Number"
    assert (code, rendered(summary)) == (
        "constraint_failure",
        f"error: Failed to {what}.\nconstraint failures:\n  {field}: Missing required field of type {shown}\n"
        f"at *query*:1:{column}\n  |\n1 | {query}\n  | {' ' * (column - 1)}{'^' * width}\n  |",
    )


# "cannot set a struct with defaults to null".
def test_struct_with_defaults_is_not_null(db):
    push(db, STREET)
    assert ok(db, "User.create({}).address") == {"street": 10}
    assert ok(db, "User.create({ address: {} }).address") == {"street": 10}
    assert ok(db, "User.create({ address: { street: 11 } }).address") == {"street": 11}
    _missing(db, "User.create({ address: null }).address", "create document in collection `User`", 12, 19)


# "defaults will not be inserted on update with top-level defaults".
def test_update_to_null_of_a_top_level_default(db):
    push(db, "collection User {\n  street: Number = 10\n}")
    assert ok(db, "User.create({ id: 0, street: 11 }).street") == 11
    assert ok(db, "User(0)!.update({}).street") == 11
    what = "update document with id 0 in collection `User`"
    _missing(db, "User(0)!.update({ street: null }).street", what, 16, 18, field="street")


# "defaults will not be inserted on update with nested defaults".
def test_update_to_null_of_a_nested_default(db):
    push(db, STREET)
    assert ok(db, "User.create({ id: 0, address: { street: 11 } }).address") == {"street": 11}
    assert ok(db, "User(0)!.update({}).address") == {"street": 11}
    _missing(db, "User(0)!.update({ address: null }).address", "update document with id 0 in collection `User`", 16, 19)


# "defaults will be inserted on replace".
def test_replace_inserts_defaults(db):
    push(db, STREET)
    assert ok(db, "User.create({ id: 0, address: { street: 11 } }).address") == {"street": 11}
    assert ok(db, "User(0)!.replace({}).address") == {"street": 10}
    _missing(db, "User(0)!.replace({ address: null }).address", "update document with id 0 in collection `User`", 17, 19)


# "refs to named collections do not work": `Collection` is no type a field may hold, and no document type.
def test_refs_to_named_collections(db):
    assert push_error(db, "collection User {\n  c: Ref<Collection>\n}") == (
        "error: Unknown type `Collection`\nat main.fsl:2:10\n  |\n2 |   c: Ref<Collection>\n  |          ^^^^^^^^^^\n  |\n"
        "error: Reference type must refer to a doc type\nat main.fsl:2:6\n  |\n2 |   c: Ref<Collection>\n"
        "  |      ^^^^^^^^^^^^^^^\n  |"
    )
