"""Core's ReadBrokerSpec (ext/model/src/test/scala/fql2/ReadBrokerSpec.scala): how v10 reads a document's fields.

The spec drives core's ReadBroker directly with a hand-made collection config (an internal field, an aliased
field) and fake index partials. fql has no such objects; what a query can see of the same behaviour is read here
through native collections that have internal and aliased fields (Key, Token, Credential, Database) and through
documents read from an index's covered values."""

from __future__ import annotations

import pytest

import fql
from tests.test_core_docs10 import failure, ok


@pytest.fixture
def db() -> fql.Database:
    database = fql.connect(root_secret="secret")
    ok(database, "Collection.create({ name: 'Person' })")
    ok(database, "Person.create({ id: '1', name: 'John' })")
    return database


# ReadBrokerSpec "internal fields are omitted from getAllFields": a native collection's internal fields (a key's
# hashed_secret, a credential's hashed_password, a token's hashed_secret and global_id, a database's scope) are
# not among the fields a read shows.
def test_internal_fields_are_omitted_from_all_fields(db):
    ok(db, "Key.create({ role: 'admin' })")
    assert ok(db, "Object.keys(Key.all().first()!)") == ["id", "coll", "ts", "role"]
    ok(db, "Credential.create({ document: Person.byId('1')!, password: 'sekret' })")
    assert ok(db, "Object.keys(Credential.all().first()!)") == ["id", "coll", "ts", "document"]
    ok(db, "Token.create({ document: Person.byId('1')! })")
    assert ok(db, "Object.keys(Token.all().first()!)") == ["id", "coll", "ts", "document"]
    ok(db, "Database.create({ name: 'child' })")
    assert ok(db, "Object.keys(Database.byName('child')!)") == ["name", "coll", "ts", "global_id"]


# ReadBrokerSpec "internal fields are omitted from getField": reading an internal field by name is null, with
# `.field` and with `['field']`, while the ordinary fields next to it read as stored.
def test_internal_fields_read_as_null(db):
    ok(db, "Key.create({ role: 'admin' })")
    assert ok(db, "let k = Key.all().first()!; [k.role, k.hashed_secret, k['hashed_secret']]") == ["admin", None, None]
    ok(db, "Credential.create({ document: Person.byId('1')!, password: 'sekret' })")
    assert ok(db, "let c = Credential.all().first()!; [c.hashed_password, c.password]") == [None, None]
    ok(db, "Token.create({ document: Person.byId('1')! })")
    assert ok(db, "let t = Token.all().first()!; [t.hashed_secret, t.global_id]") == [None, None]
    ok(db, "Database.create({ name: 'child' })")
    assert ok(db, "let d = Database.byName('child')!; [d.scope, d.container, d.disabled]") == [None, None, None]


# ReadBrokerSpec "alias fields are renamed on getAllFields" / "... on getField": a token's and a credential's
# `document` is stored as v4's `instance`; a v10 read shows and reads it as `document`, never as `instance`.
def test_aliased_fields_read_under_their_v10_name(db):
    db.query("Create(Tokens(), { instance: Ref(Collection('Person'), '1') })", secret="secret")
    db.query("Create(Credentials(), { instance: Ref(Collection('Person'), '1'), password: 'x' })", secret="secret")
    for coll in ("Token", "Credential"):
        doc = ok(db, f"{coll}.all().first()!")
        assert (doc["document"]["id"], doc["document"]["coll"]) == ("1", "Person")
        assert "instance" not in doc
        assert ok(db, f"let d = {coll}.all().first()!; [d.document.name, d.instance]") == ["John", None]
    # And the other way round: a v10 `document` is v4's `instance`.
    ok(db, "Token.create({ document: Person.byId('1')! })")
    v4 = db.query("Map(Paginate(Documents(Tokens())), Lambda('t', Select('instance', Get(Var('t')))))", secret="secret")
    assert len(v4.data) == 2 and all(ref.id == "1" for ref in v4.data)


@pytest.fixture
def indexed(db) -> fql.Database:
    ok(
        db,
        "Collection.create({ name: 'P', indexes: { byName: { terms: [{ field: 'name' }],"
        " values: [{ field: 'ts' }, { field: 'foo' }, { field: 'obj' }] } } })",
    )
    ok(db, "P.create({ id: '1', name: 'a', foo: 'bar', obj: { fizz: 'buzz' }, other: { x: 1 } })")
    return db


# ReadBrokerSpec Partials "return scalars from partials" / "return partial values from partials": a document
# read from an index's covered values reads those fields as stored (ts too), and a field it does not have is null.
def test_covered_values_read_as_the_document(indexed):
    got = ok(indexed, "let d = P.byName('a').first()!; [d.ts == P.byId('1')!.ts, d.foo, d.obj, d.obj.fizz, d.missing]")
    assert got == [True, "bar", {"fizz": "buzz"}, "buzz", None]


# ReadBrokerSpec Partials "fetches underlying version on insufficint partials": a field the index does not cover
# is read from the document itself.
def test_uncovered_fields_read_from_the_document(indexed):
    assert ok(indexed, "let d = P.byName('a').first()!; [d.other, d.name, d.id]") == [{"x": 1}, "a", "1"]


# ReadBrokerSpec Partials "fetches underlying version at the correct write prefix": a value read from the document
# before the query writes it keeps what it read; the document read again afterwards shows the write.
def test_value_read_before_a_write_keeps_what_it_read(indexed):
    got = ok(
        indexed,
        "let d = P.byName('a').first()!; let o = d.obj; d.update({ obj: { fizz: 'bazz' } }); [o, o.fizz, d.obj]",
    )
    assert got == [{"fizz": "buzz"}, "buzz", {"fizz": "bazz"}]
    got = ok(indexed, "let d = P.byName('a').first()!; let o = d.other; P.byId('1')!.update({ other: { x: 2 } }); [o, d.other]")
    assert got == [{"x": 1}, {"x": 2}]


# ReadBrokerSpec Partials "return scalars from partials" (`*not-found*`): a field a document does not have reads as
# core's missing-field null, which `!` reports by the field's name.
def test_missing_field_null_names_the_field(indexed):
    code, message, summary = failure(indexed, "P.byName('a').first()!.missing!")
    assert (code, message) == ("null_value", "Null value, due to missing field `missing`")
    assert "1 | P.byName('a').first()!.missing!\n  |                        ^^^^^^^^\n" in summary


# ReadBrokerSpec's missing-field null, called: core's interpreter reports a function the receiver does not have,
# naming its dynamic type (`Doc`, `{ *: Any }`), at the field's name; fql said "Cannot call null.".
@pytest.mark.parametrize(
    ("query", "message", "caret"),
    [
        ("P.byId('1')!.missing()", "The function `missing` does not exist on `Doc`", "1 | P.byId('1')!.missing()\n  |              ^^^^^^^\n"),
        ("{ a: 1 }.b()", "The function `b` does not exist on `{ *: Any }`", "1 | { a: 1 }.b()\n  |          ^\n"),
    ],
)
def test_calling_a_missing_field(indexed, query, message, caret):
    code, got, summary = failure(indexed, query, typecheck=False)
    assert (code, got) == ("invalid_function_invocation", message)
    assert caret in summary
    assert ok(indexed, query.replace("()", "?.()"), typecheck=False) is None


# The same call of a field that holds something other than a function (a computed field's null, a number, an
# object): core names the field and what it holds, at the field's name (FQLInterpreter's
# InvalidFieldFunctionInvalidType); fql said "Cannot call null." / "Int is not a function." at the arguments.
@pytest.mark.parametrize(
    ("query", "message", "caret"),
    [
        ("Q.byId('1')!.c()", "`c`: Expected a function, found `Null`", "1 | Q.byId('1')!.c()\n  |              ^\n"),
        ("{ a: 1 }.a()", "`a`: Expected a function, found `Int`", "1 | { a: 1 }.a()\n  |          ^\n"),
        ("{ a: { b: 1 } }.a()", "`a`: Expected a function, found `{ *: Any }`", "1 | { a: { b: 1 } }.a()\n  |                 ^\n"),
        ("P.byId('1')!.obj()", "`obj`: Expected a function, found `{ *: Any }`", "1 | P.byId('1')!.obj()\n  |              ^^^\n"),
        ('"hi".length()', "`length`: Expected a function, found `Int`", '1 | "hi".length()\n  |      ^^^^^^\n'),
    ],
)
def test_calling_a_field_that_is_no_function(indexed, query, message, caret):
    ok(indexed, "Collection.create({ name: 'Q', computed_fields: { c: { body: '(d) => null' } } })")
    ok(indexed, "Q.create({ id: '1' })")
    code, got, summary = failure(indexed, query, typecheck=False)
    assert (code, got) == ("invalid_function_invocation", message)
    assert caret in summary


# The missing-field null of any other value, called: core names the value's dynamic type as its runtime shows it
# (`Array<Any>`, `Set<Any>`, `Lambda`); fql said `Array`, `Set`, `Function`.
@pytest.mark.parametrize(
    ("query", "label"),
    [
        ("[1].b()", "Array<Any>"),
        ("[1].toSet().b()", "Set<Any>"),
        ("P.all().b()", "Set<Any>"),
        ("(x => x).b()", "Lambda"),
        ("'x'.b()", "String"),
        ("1.b()", "Int"),
    ],
)
def test_calling_a_missing_field_of_other_values(indexed, query, label):
    code, message, _ = failure(indexed, query, typecheck=False)
    assert (code, message) == ("invalid_function_invocation", f"The function `b` does not exist on `{label}`")


# A value that is no function, called directly: core's interpreter reports the callee's type (InvalidType, no
# null hint) at the call's arguments; fql said "Cannot call null." / "Int is not a function.".
@pytest.mark.parametrize(
    ("query", "received", "caret"),
    [
        ("let f = null; f()", "Null", "1 | let f = null; f()\n  |                ^^\n"),
        ("let f = 1; f(2)", "Int", "1 | let f = 1; f(2)\n  |             ^^^\n"),
        ("let f = [1]; f()", "Array<Any>", "1 | let f = [1]; f()\n  |               ^^\n"),
    ],
)
def test_calling_a_value_that_is_no_function(indexed, query, received, caret):
    code, message, summary = failure(indexed, query, typecheck=False)
    assert (code, message) == ("type_mismatch", f"expected type: Function, received {received}")
    assert caret in summary and "hint:" not in summary
