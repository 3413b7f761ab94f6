"""Core's v10 document, collection and field specs (FQL2DocsSpec, FQL2DocRefSpec, ...): cases fql once got wrong,
through the v10 endpoint so that error summaries are checked too."""

from __future__ import annotations

import json

import pytest

import fql
from fql.server import v10
from tests.helpers import QueryEndpoint


#: The v10 envelope `POST /query/1` answers with, in simple format.
ENDPOINT = QueryEndpoint(fmt="simple")
answer, ok = ENDPOINT.body, ENDPOINT.ok


def failure(db: fql.Database, query: str, **headers: str) -> tuple[str, str, str]:
    body = answer(db, query, **headers)
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
    # Untypechecked, as core's case runs (`typecheck = false`): typechecked, `.foo` of a reference without
    # `!` is refused before the query runs.
    code, message, summary = failure(db, query, x_typecheck="false")
    assert (code, message) == ("document_not_found", "Collection `Author` does not contain document with id 123.")
    assert "at *query*:1:12\n" in summary and caret in summary


def _schema_errors(db: fql.Database, fields: str) -> list[str]:
    """The errors and causes (each also drawn in main.fsl, as core draws it)."""
    code, message, summary = failure(db, f"Collection.create({{ name: 'Foo', fields: {{ {fields} }} }})")
    assert (code, summary.split("\n")[0]) == ("invalid_schema", "error: Invalid database schema update.")
    return [line.strip() for line in message.split("\n")[1:] if line.strip().startswith(("error:", "cause:"))]


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


# FQL2CheckConstraintsSpec: check names are identifiers, bodies lambdas of one parameter, names unique.
@pytest.mark.parametrize(
    ("checks", "failures"),
    [
        (
            "{ check: { name: 'foo bar', body: 'doc => doc.x == 0' } }",
            ["constraints[0].check.name: Invalid identifier."],
        ),
        (
            "{ check: { name: 'nullary', body: '() => true' } }",
            [
                "constraints[0].check.body: Invalid function arity. Expected exactly 1 argument, but the function"
                " was defined with 0 arguments"
            ],
        ),
        (
            "{ check: { name: 'ok', body: 'doc => doc.ok' } }, { check: { name: 'ok', body: 'doc => doc.ok' } },"
            " { check: { name: 'ko', body: 'doc => doc.ko' } }, { check: { name: 'ko', body: 'doc => doc.ko' } }",
            ["constraints: Duplicate check constraint name 'ko'", "constraints: Duplicate check constraint name 'ok'"],
        ),
        # Not in core's spec: the names held twice in the order of core's groupBy, an immutable.HashMap
        # (scala-library 2.13.16 iterates `b b a a c c d d e e f` grouped as e, f, a, b, c, d).
        (
            ", ".join(f"{{ check: {{ name: '{n}', body: 'doc => true' }} }}" for n in "bbaaccddeef"),
            [f"constraints: Duplicate check constraint name '{n}'" for n in "eabcd"],
        ),
    ],
)
def test_check_constraint_definitions(db, checks, failures):
    code, message, summary = failure(db, f"Collection.create({{ name: 'Foo', constraints: [{checks}] }})")
    assert (code, message) == ("constraint_failure", "Failed to create Collection.")
    assert summary.split("\n")[1:2 + len(failures)] == ["constraint failures:", *(f"  {f}" for f in failures)]


def test_check_constraint_short_lambda_and_non_boolean(db):
    ok(db, "Collection.create({ name: 'Foo', constraints: [{ check: { name: 'a', body: '(.x == 0)' } }] })")
    ok(db, "Foo.create({ x: 0 })")
    assert "  Document failed check constraint `a`\n" in failure(db, "Foo.create({ x: 1 })")[2]
    ok(db, "Collection.create({ name: 'Num', constraints: [{ check: { name: 'n', body: 'doc => doc.n' } }] })")
    text = "  Error evaluating check constraint `n`: function returned a non-boolean value\n"
    assert text in failure(db, "Num.create({ n: 1 })")[2]
    assert "  Document failed check constraint `n`\n" in failure(db, "Num.create({ n: null })")[2]


PLUS1_CHECKS = (
    "{ check: { name: 'ok', body: 'doc => doc.ok' } }, { check: { name: 'plus1', body: 'doc => doc.foo + 1 > 0' } }"
)


def test_check_constraint_error_traced_to_the_write(db):
    checks = PLUS1_CHECKS
    ok(db, f"Collection.create({{ name: 'Foo', constraints: [{checks}] }})")
    code, message, summary = failure(db, "Foo.create({ ok: 'true' })")
    assert (code, message) == ("invalid_function_invocation", "The function `+` does not exist on `Null`")
    assert "at *query*:1:11\n  |\n1 | Foo.create({ ok: 'true' })\n  |           ^^^^^^^^^^^^^^^^\n" in summary


def test_check_constraint_reads_in_at(db):
    body = "doc => { let prev = at (Time.now().subtract(1, \"microsecond\")) { (doc ?? { x: 0 }).x }; doc.x > prev }"
    ok(db, f"Collection.create({{ name: 'Foo', constraints: [{{ check: {{ name: 'inc', body: '{body}' }} }}] }})")
    assert failure(db, "Foo.create({ id: 0, x: 0 })")[0] == "constraint_failure"
    ok(db, "Foo.create({ id: 0, x: 1 })")
    assert failure(db, "Foo.byId(0)!.update({ x: 1 })")[0] == "constraint_failure"
    ok(db, "Foo.byId(0)!.update({ x: 3 })")


def test_check_constraints_from_v4(db):
    checks = PLUS1_CHECKS
    ok(db, f"Collection.create({{ name: 'Foo', constraints: [{checks}] }})")
    db.query('Create(Collection("Foo"), {data: {ok: true, foo: 1}})')
    with pytest.raises(fql.FQLError) as info:
        db.query('Create(Collection("Foo"), {data: {ok: false, foo: 1}})')
    assert (info.value.code, info.value.description) == (
        "check constraint failure",
        "Document failed check constraint `ok`",
    )
    with pytest.raises(fql.FQLError) as info:
        db.query('Create(Collection("Foo"), {data: {ok: false}})')
    assert (info.value.code, info.value.description) == (
        "transaction aborted",
        "The function `+` does not exist on `Null`",
    )
    assert ok(db, "Foo.all().count()") == 1


# FQL2CollectionDefaultHistoryDaysChangeSpec: replacing a definition resets history_days to v10's default, 0.
def test_replaced_definition_gets_default_history_days(db):
    ok(db, "Collection.create({ name: 'Foo', history_days: 10 })")
    ok(db, "Foo.definition.replace({ name: 'Foo' })")
    assert ok(db, "Foo.definition.history_days") == 0
    ok(db, "Foo.definition.update({ history_days: 5 })")
    ok(db, "Foo.definition.update({})")
    assert ok(db, "Foo.definition.history_days") == 5
    # An update to null removes it (v4's default of 30 does not come back).
    ok(db, "Foo.definition.update({ history_days: null })")
    assert ok(db, "Foo.definition.history_days") is None


# UniqueConstraintSpec "cannot cover the same path in two unique constraints" (and an empty one).
@pytest.mark.parametrize(
    ("uniques", "text"),
    [
        ('["foo", "bar"], ["foo", "bar"]', "Duplicate unique constraint on path [.foo, .bar]"),
        ("[\"name\"], [\".['name']\"]", "Duplicate unique constraint on path [.name]"),
        ("[]", "Unique constraints must have at least one term"),
    ],
)
def test_unique_constraint_definitions(db, uniques, text):
    constraints = ", ".join(f"{{ unique: {u} }}" for u in uniques.replace("], [", "]\0[").split("\0"))
    body = answer(db, f"Collection.create({{ name: 'Person', constraints: [{constraints}] }})")
    assert body["error"]["code"] == "constraint_failure"
    assert body["error"]["constraint_failures"] == [{"paths": [["constraints"]], "message": text}]
    assert f"constraint failures:\n  constraints: {text}\n" in body["summary"]


def test_two_unique_constraints_without_fields(db):
    # Core's hook groups the constraints by their paths: two without any are also two on the paths `[]`
    # (CollectionSchemaHooks.validateCollection).
    body = answer(db, "Collection.create({ name: 'Person', constraints: [{ unique: [] }, { unique: [] }] })")
    assert body["error"]["constraint_failures"] == [
        {"paths": [["constraints"]], "message": "Unique constraints must have at least one term"},
        {"paths": [["constraints"]], "message": "Duplicate unique constraint on path []"},
    ]


def test_duplicate_unique_constraints_in_core_order(db):
    # Each duplicate in the order core's `groupBy` (a HashMap keyed by the constraint's paths) iterates.
    constraints = ", ".join(f"{{ unique: {u} }}" for u in ['["b"]', '["a"]', '["b"]', '["a"]', '["c", "d"]', '["c", "d"]'])
    body = answer(db, f"Collection.create({{ name: 'Person', constraints: [{constraints}] }})")
    messages = [f["message"] for f in body["error"]["constraint_failures"]]
    assert sorted(messages) == [f"Duplicate unique constraint on path {p}" for p in ("[.a]", "[.b]", "[.c, .d]")]
    # Scala 2.13's hashes of the keys (List[List[Either[Long, String]]], fql/scala.py) put them so.
    assert messages == [f"Duplicate unique constraint on path {p}" for p in ("[.c, .d]", "[.a]", "[.b]")]


# UniqueConstraintSpec "accounts for fql4 unique indexes": a v10 write names the v4 index it breaks.
def test_v10_write_breaking_a_v4_unique_index(db):
    index = '{name: "TestIndex", source: Collection("Author"), terms: [{field: ["data", "b"]}], unique: true}'
    db.query(f"CreateIndex({index})")
    ok(db, "Author.create({ b: 'name' })")
    body = answer(db, "Author.create({ b: 'name' })")
    assert body["error"] == {
        "code": "constraint_failure",
        "message": "Failed unique constraint.",
        "constraint_failures": [{"paths": [], "message": "Failed unique constraint"}],
    }
    assert body["summary"].startswith("error: Failed unique constraint.\nconstraint failures:\n  TestIndex: Failed")
    with pytest.raises(fql.FQLError) as info:
        db.query('Create(Collection("Author"), {data: {b: "name"}})')
    assert (info.value.code, info.value.description) == ("instance not unique", "document is not unique.")


def test_a_write_breaking_several_unique_indexes_and_constraints(db):
    # Core's index store checks every new entry and fails the write once with every index it breaks
    # (IndexStore.update): a v10 write names each (WriteBroker.mapUniqueConstraintError), a v4 one says
    # `document is not unique.` whatever it breaks (WriteAdaptor's liftCV).
    ok(db, "Collection.byName('Author')!.update({ constraints: [{ unique: ['a'] }] })")
    for name in ("TestIndex", "OtherIndex"):
        field = name[0].lower()
        db.query(f'CreateIndex({{name: "{name}", source: Collection("Author"), terms: [{{field: ["data", "{field}"]}}], unique: true}})')
    ok(db, "Author.create({ a: 1, t: 1, o: 1 })")
    for query in ("Author.create({ a: 1, t: 1, o: 1 })", "Author.create({ a: 2 }).update({ a: 1, t: 1, o: 1 })"):
        body = answer(db, query)
        assert body["error"]["message"] == "Failed unique constraint."
        failures = body["error"]["constraint_failures"]
        assert sorted(f["paths"] for f in failures) == [[], [], [["a"]]]
        lines = body["summary"].split("constraint failures:\n")[1].split("\n")
        assert {"  a: Failed unique constraint", "  TestIndex: Failed unique constraint", "  OtherIndex: Failed unique constraint"} <= set(lines)
    for query in ("{a: 1, t: 1, o: 1}", "{a: 1}", "{t: 1, o: 1}"):
        with pytest.raises(fql.FQLError) as info:
            db.query(f'Create(Collection("Author"), {{data: {query}}})')
        assert (info.value.code, info.value.description, info.value.failures) == ("instance not unique", "document is not unique.", None)


# FQL2CheckConstraintsSpec: a check's failure is of no field (`paths: []`).
def test_check_failure_has_no_paths(db):
    ok(db, "Collection.create({ name: 'Foo', constraints: [{ check: { name: 'a', body: '(.x == 0)' } }] })")
    body = answer(db, "Foo.create({ x: 1 })")
    assert body["error"]["constraint_failures"] == [{"paths": [], "message": "Document failed check constraint `a`"}]


ROLES_ON_ACOLL = """
Collection.create({ name: "aColl" })
Role.create({ name: "aRole0", privileges: { resource: "aColl", actions: { read: true } } })
Role.create({
  name: "aRole1", membership: { resource: "aColl" }, privileges: { resource: "Collection", actions: { read: true } }
})
"""


# FQL2CollectionSpec "validate foreign references": a collection roles name cannot be deleted; a rename
# renames it in the roles.
def test_collection_named_by_roles(db):
    ok(db, ROLES_ON_ACOLL)
    code, message, summary = failure(db, "Collection.byName('aColl')!.delete()")
    assert code == "invalid_schema"
    # Each drawn where the main.fsl core generates names the collection (this database has `Author`
    # too, so the lines differ from core's 5 and 14).
    lines = summary.splitlines()
    assert [line for line in lines if "error:" in line or "aColl" in line] == [
        "error: Invalid database schema update.",
        "    error: Resource `aColl` does not exist",
        "    8 |   privileges aColl {",
        "    error: Resource `aColl` does not exist",
        "    17 |   membership aColl",
        "1 | Collection.byName('aColl')!.delete()",
    ]
    assert "at *query*:1:35" in lines
    assert message == summary[len("error: ") : summary.index("\nat *query*")]
    ok(db, "Collection.byName('aColl')!.update({ name: 'anotherName' })")
    assert ok(db, "[Role.byName('aRole0')!.privileges.resource, Role.byName('aRole1')!.membership.resource]") == [
        "anotherName",
        "anotherName",
    ]


# FQL2CollectionSpec "fql4": v4 Update and Replace keep a collection's v10 fields.
def test_v4_writes_keep_v10_fields(db):
    ok(
        db,
        "Collection.create({ name: 'TestCol', alias: 'TestColAlias',"
        " indexes: { byName: { terms: [{ field: 'name' }] } }, constraints: [{ unique: ['name'] }] })",
    )
    before = db.query('Get(Collection("TestCol"))')
    db.query('Update(Collection("TestCol"), { indexes: "hello", backingIndexes: "foo", constraints: "bar" })')
    after = db.query('Get(Collection("TestCol"))')
    assert {k: v for k, v in after.items() if k != "ts"} == {k: v for k, v in before.items() if k != "ts"}
    db.query('Replace(Collection("TestCol"), { name: "hello" })')
    replaced = db.query('Get(Collection("hello"))')
    assert {k: replaced.get(k) for k in ("alias", "indexes", "constraints")} == {
        k: before[k] for k in ("alias", "indexes", "constraints")
    }


# FQL2CollectionSpec "refs to keys, tokens, and credentials work": Ref<Key>, Ref<Token> and Ref<Credential> are
# field types, and a token or credential may be made for a document not (yet) there.
def test_refs_to_keys_tokens_and_credentials(db):
    fields = (
        "key: { signature: 'Ref<Key>' }, token: { signature: 'Ref<Token>' }, cred: { signature: 'Ref<Credential>' }"
    )
    ok(db, f"Collection.create({{ name: 'User', fields: {{ {fields} }} }})")
    made = ok(
        db,
        "User.create({ key: Key.create({ role: 'admin' }), token: Token.create({ document: User(0) }),"
        " cred: Credential.create({ document: User(0), password: 'foo' }) })",
    )
    assert (made["key"]["coll"], made["token"]["coll"], made["cred"]["coll"]) == ("Key", "Token", "Credential")


# FQL2IndexSpec "unique constraints apply even when sync built after-the-fact".
def test_unique_constraint_added_over_duplicates(db):
    ok(db, "Author.create({ name: 'Bob' }); Author.create({ name: 'Bob' })")
    ok(db, "Author.definition.update({ constraints: [{ unique: [{ field: 'name' }] }] })")
    assert failure(db, "Author.create({ name: 'Bob' })")[:2] == ("constraint_failure", "Failed unique constraint.")
    assert ok(db, "Author.all().count()") == 2


# FQL2IndexSpec "indexes support indexing arrays": an index of one value takes an array bound as that value
# (a `to` array includes the arrays it begins); FQL2SetsSpec "fail to parse long prefix" for more values.
def test_array_bounds_of_one_value_index(db):
    ok(db, "Author.definition.update({ indexes: { noMva: { terms: [{ field: 'a' }], values: [{ field: 'b' }] },"
           " two: { values: [{ field: 'a' }, { field: 'b' }] } } })")
    ok(db, "[[1, 2], [3, 4], [5, 6], [7, 8]].forEach(b => Author.create({ a: 'arr', b: b }))")
    assert ok(db, "Author.noMva('arr', { from: [3, 4], to: [5, 6] }).toArray().map(.b)") == [[3, 4], [5, 6]]
    assert ok(db, "Author.noMva('arr', { from: [3], to: [5] }).toArray().map(.b)") == [[3, 4], [5, 6]]
    assert failure(db, "Author.two({ from: [1, 2, 3] })")[:2] == (
        "invalid_argument",
        "invalid argument `range`: The field `from` can have at most 2 values",
    )


# FQL2DefinedFieldsSpec "ID is not persistable" / "non-persistable types don't explode default evaluation": an ID
# is not data (core's toIR refuses it), though a create's `id` may be one.
def test_ids_are_not_persistable(db):
    assert failure(db, "Author.create({ x: ID(5) })")[:2] == (
        "invalid_type",
        "Value at `x` has type ID, which cannot be persisted.",
    )
    assert ok(db, "Author.create({ id: ID(7) }).id") == "7"
    query = "Collection.create({ name: 'F1', fields: { a: { signature: 'ID', default: 'newId()' } } })"
    body = json.loads(v10.query(db, {"query": query}, "secret", {"x-format": "simple", "x-typecheck": "false"}, 0).body)
    assert body["summary"].startswith(
        "error: Failed to create Collection.\nconstraint failures:\n  a: Default field evaluation failed.\n"
        "      Value has type ID, which cannot be persisted\n"
    )


# FQL2DefinedFieldsSpec "typecheck index definitions": with defined fields (and no wildcard), index paths and
# unique constraint fields must be fields the documents have.
@pytest.mark.parametrize(
    ("definition", "errors"),
    [
        (
            "fields: { my_field: { signature: 'Number' } }, indexes: { byXY: { terms: [{ field: '.x.y' }] } }",
            ["error: Type `{ id: ID, ts: Time, ttl: Time | Null, my_field: Number }` does not have field `x`"],
        ),
        (
            "fields: { my_field: { signature: 'Number' } }, constraints: [{ unique: ['.your_field'] }]",
            ["error: Type `{ id: ID, ts: Time, ttl: Time | Null, my_field: Number }` does not have field `your_field`"],
        ),
        (
            "fields: { my_field: { signature: 'Array<{ a: String, b: Number }>' } },"
            " indexes: { byAB: { terms: [{ field: '.my_field[0].a' }], values: [{ field: '.my_field[1].c' }] } }",
            [
                "error: Type `{ a: String, b: Number }` does not have field `c`",
                "hint: Type `{ a: String, b: Number }` inferred here",
            ],
        ),
    ],
)
def test_index_paths_must_be_fields(db, definition, errors):
    # (Each drawn in main.fsl under it: tests/test_core_fql2_defined_fields_spec.py.)
    found = _schema_errors_of(db, definition)
    assert [line for line in found if line.startswith(("error:", "hint:"))] == errors


def test_index_paths_of_known_fields(db):
    ok(db, "Collection.create({ name: 'Foo', fields: { my_field: { signature: 'Number' } }, wildcard: 'Any',"
           " indexes: { byOurFields: { terms: [{ field: '.my_field' }, { field: '.your_field' }] } } })")
    ok(db, "Collection.create({ name: 'Foo2', fields: { my_field: { signature: 'Array<{ a: String, b: Number }>' } },"
           " indexes: { byAB: { terms: [{ field: '.my_field[0].a' }, { field: '.my_field[1].b' }] } } })")


def _schema_errors_of(db: fql.Database, definition: str, name: str = "Foo") -> list[str]:
    code, message, summary = failure(db, f"Collection.create({{ name: '{name}', {definition} }})")
    assert (code, summary.split("\n")[0]) == ("invalid_schema", "error: Invalid database schema update.")
    return [line.strip() for line in message.split("\n")[1:]]


# FQL2DefinedFieldsSpec "default values must be pure": `all` is a read when called (core's Effect.Read check).
def test_default_read_named_at_the_call(db):
    fields = "my_field: { signature: 'Number', default: 'Collection.all().count()' }"
    query = f"Collection.create({{ name: 'Foo', fields: {{ {fields} }} }})"
    summary = failure(db, query)[2]
    assert summary.split("\nat *query*")[0] == (
        "error: Failed to create Collection.\nconstraint failures:\n  my_field: Default field evaluation failed.\n"
        "      error: `all` performs a read, which is not allowed in default values.\n"
        "      at *field:my_field*:1:15\n        |\n      1 | Collection.all().count()\n"
        "        |               ^^\n        |"
    )


# FQL2DefinedFieldsSpec "default values are typechecked".
def test_default_value_of_another_type(db):
    # (Drawn in main.fsl after it: tests/test_core_fql2_defined_fields_spec.py.)
    assert _schema_errors_of(db, "fields: { foo: { signature: 'String', default: '0' } }")[0] == (
        "error: Type `Int` is not a subtype of `String`"
    )


# FQL2ComputedFieldsSpec "indexing": a computed field computed for an index may not call a UDF or read another
# computed field: in a typechecked database its definition is refused ("(typecheck)" cases), in one that is
# not the document gets no entry ("(run-time)" cases); nor (checked with its definition) read its document's ts.
def test_indexed_computed_field_limits(db):
    ok(db, "Database.create({ name: 'untyped', typechecked: false })")

    def untyped(query: str) -> object:
        body = json.loads(v10.query(db, {"query": query}, "secret:untyped:admin", {"x-format": "simple"}, 0).body)
        assert "error" not in body, body
        return body["data"]

    udf = (
        "Collection.create({ name: 'Foo', computed_fields: { b: { body: 'doc => if (doc.a) one(1) else 0' } },"
        " indexes: { byB: { terms: [{ field: '.b' }] } } })"
    )
    computed = (
        "Collection.create({ name: 'Bar', computed_fields: { b: { body: 'doc => 2 * doc.a' },"
        " c: { body: 'doc => 2 * doc.b' } }, indexes: { byC: { terms: [{ field: '.c' }] } } })"
    )
    ok(db, "Function.create({ name: 'one', body: '_ => 1' })")
    untyped("Function.create({ name: 'one', body: '_ => 1' })")
    # (Each error is drawn in the schema's FSL after it: tests/test_core_fql2_computed_fields_spec.py.)
    assert failure(db, udf)[1].split("\n    at ")[0] == (
        "Invalid database schema update.\n    error: Computed fields used in indexes or constraints cannot call UDFs"
    )
    assert failure(db, computed)[1].split("\n    at ")[0] == (
        "Invalid database schema update.\n"
        "    error: Computed fields used in indexes or constraints cannot use computed fields"
    )
    untyped(udf)
    untyped("Foo.create({ a: true }); Foo.create({ a: false })")
    assert untyped("[Foo.byB(0).count(), Foo.byB(1).count(), Foo.all().map(.b).toArray()]") == [1, 0, [1, 0]]
    untyped(computed)
    untyped("Bar.create({ a: 1 })")
    assert untyped("[Bar.byC(4).count(), Bar.all().first()!.c]") == [0, 4]
    ts_field = "computed_fields: { a: { body: 'doc => doc.ts' } }, indexes: { byA: { terms: [{ field: '.a' }] } }"
    assert _schema_errors_of(db, ts_field, "Ts")[0] == (
        "error: Computed fields used in indexes or constraints cannot use a doc's ts field"
    )
    ok(db, "Collection.create({ name: 'T', computed_fields: { a: { body: 'doc => doc.data.ts' } },"
           " indexes: { byA: { terms: [{ field: '.a' }] } } })")
    # Without the typer (X-Typecheck: false) the index is made, and the document indexes nothing.
    unchecked = {"x-format": "simple", "x-typecheck": "false"}
    for query in (f"Collection.create({{ name: 'Ts', {ts_field} }})", "Ts.create({ id: 1 })", "Ts.byA(Ts.byId(1)!.ts).count()"):
        body = json.loads(v10.query(db, {"query": query}, "secret", unchecked, 0).body)
    assert body["data"] == 0


# FQL2NameValidationSpec: `asc` and `desc` are global names a collection or function cannot take; a database's
# or access provider's v10 name must be an identifier.
@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("Collection.create({ name: 'asc' })", "The identifier `asc` is reserved."),
        ("Function.create({ name: 'desc', body: 'x => x' })", "The identifier `desc` is reserved."),
        ("Database.create({ name: 'foo-bar' })", "Invalid identifier."),
        ("Database.create({ name: 'hello world' })", "Invalid identifier."),
        (
            "AccessProvider.create({ name: 'foo.bar', issuer: 'i',"
            " jwks_uri: 'https://fauna.auth0.com/.well-known/jwks.json' })",
            "Invalid identifier.",
        ),
    ],
)
def test_names_as_core_validates_them(db, query, message):
    body = answer(db, query)
    assert body["error"]["code"] == "constraint_failure"
    assert body["error"]["constraint_failures"] == [{"paths": [["name"]], "message": message}]


# FQL2ComputedFieldsSpec "cannot call UDFs (typecheck)" / "cannot use computed fields (typecheck)": the checks
# see through a `let` (a function named again, the document named again) and cover values and unique
# constraints too.
@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            "computed_fields: { a: { body: '_ => { let two = one; 1 + two(0) }' } },"
            " indexes: { byA: { terms: [{ field: '.x' }], values: [{ field: '.a' }] } }",
            "cannot call UDFs",
        ),
        ("computed_fields: { a: { body: '_ => 1 + one(0)' } }, constraints: [{ unique: ['.a'] }]", "cannot call UDFs"),
        (
            "computed_fields: { a: { body: '_ => { x: 0, y: 1 }' }, b: { body: 'doc => { let f = doc; 1 + f.a.x }' } },"
            " indexes: { byB: { values: [{ field: '.b' }] } }",
            "cannot use computed fields",
        ),
        (
            "computed_fields: { a: { body: '_ => Author.all().count()' } }, indexes: { byA: { terms: [{ field: '.a' }] } }",
            "cannot access collections",
        ),
    ],
)
def test_indexed_computed_fields_checked_with_their_definition(db, fields, message):
    ok(db, "Function.create({ name: 'one', body: '_ => 1' })")
    code, text, _ = failure(db, f"Collection.create({{ name: 'Foo', {fields} }})")
    assert (code, text.split("\n    at ")[0]) == (
        "invalid_schema",
        f"Invalid database schema update.\n    error: Computed fields used in indexes or constraints {message}",
    )


# CollectionConfig.LegacySchema.Fields: every user collection's schema types `ttl` as `Time | Null`, a
# collection without defined fields too, so a bad `ttl` is the write's constraint failure (not v4's
# `document data is not valid`).
@pytest.mark.parametrize(
    ("query", "action", "provided"),
    [
        ("Author.create({ ttl: 0 })", "create document", "Int"),
        ("Author.byId(1)!.update({ ttl: 'x' })", "update document with id 1", "String"),
        ("Author.byId(1)!.replace({ a: 1, ttl: Date('2020-01-01') })", "update document with id 1", "Date"),
    ],
)
def test_ttl_is_a_time_in_every_user_collection(db, query, action, provided):
    ok(db, "Author.create({ id: 1 })")
    body = answer(db, query, x_typecheck="false")
    assert (body["error"]["code"], body["error"]["message"]) == (
        "constraint_failure",
        f"Failed to {action} in collection `Author`.",
    )
    assert body["error"]["constraint_failures"] == [
        {"paths": [["ttl"]], "message": f"Expected Time | Null, provided {provided}"}
    ]


# WriteBroker.mapWriteResult: a create's id that is taken is QueryRuntimeFailure.DocumentIDExists, which
# names the collection (a native one by its type name), not v4's `Document already exists.`
@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("Author.create({ id: '007' })", "Collection `Author` already contains document with id 7."),
        ("Key.create({ id: 5, role: 'admin' })", "Collection `Key` already contains document with id 5."),
    ],
)
def test_a_taken_id_names_its_collection(db, query, message):
    # Untypechecked: core's static type of Key.create's argument has no `id` (KeyCompanion.docCreateType).
    ok(db, "Author.create({ id: 7 }); Key.create({ id: 5, role: 'admin' })", x_typecheck="false")
    assert failure(db, query, x_typecheck="false")[:2] == ("document_id_exists", message)


# WriteBroker.createDocument / updateOrReplace: the id is taken apart first (getOrMakeID), then what cannot
# be stored is refused (structToIR), and the schema's reserved names come last (validateAndTransform).
def test_a_create_checks_its_id_before_reserved_names(db):
    body = answer(db, "Author.create({ id: -1, coll: 1 })", x_typecheck="false")
    assert body["error"]["constraint_failures"] == [{"paths": [["id"]], "message": "id must be nonnegative"}]
    assert failure(db, "Author.create({ id: 'x', a: Math })", x_typecheck="false")[:2] == (
        "constraint_failure",
        "Failed to create document in collection `Author`.",
    )


@pytest.mark.parametrize("query", ["Author.create({ ts: 1, a: Math })", "Author.byId(1)!.update({ ts: 1, a: Math })"])
def test_what_cannot_be_stored_is_refused_before_reserved_names(db, query):
    ok(db, "Author.create({ id: 1 })")
    assert failure(db, query, x_typecheck="false")[:2] == (
        "invalid_type",
        "Value at `a` has type Math, which cannot be persisted.",
    )


# FQLInterpreter.evalNullAccess: reading a field, a method or `[]` of a document answers the document's
# own error only when it is not found or not readable; the one a `delete()` answered (DocDeleted) and one
# of a deleted collection (CollectionDeleted) are nulls, read at the field (their null's span, the hint).
@pytest.mark.parametrize(
    ("read", "name", "caret"),
    [
        ("d.a", "a", "2 | d.a\n  |   ^\n"),
        ("d.ts", "ts", "2 | d.ts\n  |   ^^\n"),
        ("d['a']", "[]", "2 | d['a']\n  |  ^^^^^\n"),
    ],
)
def test_a_field_of_a_deleted_document_is_a_null_read(db, read, name, caret):
    code, message, summary = failure(db, f"let d = Author.create({{ a: 1 }}).delete()\n{read}", x_typecheck="false")
    assert (code, message) == ("invalid_null_access", f"Cannot access `{name}` on null.")
    assert summary.count(caret) == 2 and "hint: Null value created here" in summary


@pytest.mark.parametrize("call", ["update({})", "delete()", "toString()"])
def test_a_method_of_a_deleted_document_is_a_null_read(db, call):
    name = call.split("(")[0]
    query = f"let d = Author.create({{ a: 1 }}).delete()\nd.{call}"
    assert failure(db, query, x_typecheck="false")[:2] == ("invalid_null_access", f"Cannot access `{name}` on null.")


def test_a_deleted_document_keeps_its_ref_fields_and_exists_and_bang(db):
    query = "let d = Author.create({ id: 3, a: 1 }).delete()\n[d.id, d.coll == Author, d['id'], d.exists(), d?.a]"
    assert ok(db, query, x_typecheck="false") == ["3", True, "3", False, None]
    assert failure(db, "let d = Author.create({ id: 4 }).delete()\nd!", x_typecheck="false")[:2] == (
        "document_not_found",
        "Collection `Author` does not contain document with id 4.",
    )


def test_a_field_of_a_document_of_a_deleted_collection_is_a_null_read(db):
    ok(db, "Collection.create({ name: 'Gone' })")
    ok(db, "Author.create({ id: 1, g: Gone.create({ id: 2 }) })")
    ok(db, "Collection.byName('Gone')!.delete()")
    for read, name in (("g.x", "x"), ("g.update({})", "update"), ("g['x']", "[]")):
        assert failure(db, f"Author.byId(1)!.{read}", x_typecheck="false")[:2] == (
            "invalid_null_access",
            f"Cannot access `{name}` on null.",
        )


# FQLInterpreter.evalNullAccess: a field of a document the caller may not read is core's PermissionDenied
# at the callee (the document's last operation), as a missing document's DocumentNotFound is.
def test_a_field_of_an_unreadable_document_points_at_the_document(db):
    ok(db, "Author.create({ id: 1, a: 1 }); Collection.create({ name: 'Other' })")
    ok(db, "Role.create({ name: 'r', privileges: [{ resource: 'Other', actions: { read: true } }] })")
    secret = ok(db, "Key.create({ role: 'r' }).secret")
    status, body = ENDPOINT.answer(db, "Author.byId(1).a", secret=secret, x_typecheck="false")
    assert (body["error"]["code"], body["error"]["message"]) == (
        "permission_denied",
        "Insufficient privileges to perform the action.",
    )
    assert "at *query*:1:12\n" in body["summary"] and "1 | Author.byId(1).a\n  |            ^^^\n" in body["summary"]


# WriteBroker.checkComputedFieldConflicts runs before the id is taken apart on a create, and before the
# reserved names on an update (after what cannot be stored: structToIR comes first there).
@pytest.mark.parametrize(
    ("query", "action"),
    [
        ("Foo.create({ id: -1, c: 1 })", "create document"),
        ("Foo.create({ coll: 1, c: 1 })", "create document"),
        ("Foo.byId(1)!.update({ ts: 1, c: 1 })", "update document with id 1"),
    ],
)
def test_a_computed_field_written_is_refused_first(db, query, action):
    ok(db, "Collection.create({ name: 'Foo', computed_fields: { c: { body: 'doc => 3' } } })")
    ok(db, "Foo.create({ id: 1 })")
    body = answer(db, query, x_typecheck="false")
    assert body["error"]["message"] == f"Failed to {action} in collection `Foo`."
    assert body["error"]["constraint_failures"] == [{"paths": [["c"]], "message": "Cannot write to a computed field"}]


# IRValueConversion.fromIR: a v4 lambda stored in a document (a Query value) is, to v10, a lambda of no
# parameters whose body is null; so is a v4 function's `body` read as a field, and a v4 lambda a v4 caller
# gives a v10 function (UnholyEval.dataV4ToV10 sends LambdaL there). A v4 function called from v10 still
# runs its body.
def test_a_stored_v4_lambda_is_a_null_lambda_to_v10(db):
    db.query('Create(Ref(Collection("Author"), "1"), { data: { v: Query(Lambda("x", Add(Var("x"), 1))) } })')
    unchecked = {"x_typecheck": "false"}
    assert ok(db, "Author.byId(1)!.v()", **unchecked) is None
    assert ok(db, "Author.byId(1)!.v.toString()", **unchecked) == "[function <lambda>]"
    code, message, summary = failure(db, "Author.byId(1)!.v(1)", **unchecked)
    assert (code, message) == ("invalid_function_invocation", "callee function expects no arguments, but 1 was provided.")
    assert "1 | Author.byId(1)!.v(1)\n  |                  ^^^\n" in summary
    # A function's arity is checked before it is called (`map` wants one parameter).
    code, message, _ = failure(db, "[1].map(Author.byId(1)!.v)", **unchecked)
    assert (code, message) == (
        "invalid_argument",
        "`mapper` should accept 1 parameter, provided function requires no parameters.",
    )
    # All are one value to Scala's equality (`includes`), however their v4 bodies differ.
    db.query('Create(Ref(Collection("Author"), "2"), { data: { v: Query(Lambda(["a", "b"], 0)) } })')
    assert ok(db, "[Author.byId(1)!.v].includes(Author.byId(2)!.v)", **unchecked) is True
    db.query('CreateFunction({ name: "legacy", body: Query(Lambda("x", Add(Var("x"), 1))) })')
    assert ok(db, "legacy(1)", **unchecked) == 2
    assert ok(db, "legacy.definition.body()", **unchecked) is None
    assert failure(db, "legacy.definition.body(1)", **unchecked)[0] == "invalid_function_invocation"
    ok(db, 'Function.create({ name: "callsNone", body: "f => [f(), f.toString()]" })')
    assert db.query('Call("callsNone", [Lambda("y", Var("y"))])') == [None, "[function <lambda>]"]


# UnholyEval.dataV4ToV10, what a v4 function's result (and a v4 caller's arguments) is to v10: documents in
# objects too, a page the object `{data}`, an object with `ref` and `ts` fields an object, a reference into
# another database a string, an event and a set their stored forms (IRValueConversion.fromIR).
@pytest.mark.parametrize(
    ("name", "body", "expected"),
    [
        ("nested", '{ d: Get(Ref(Collection("Author"), "1")) }', {"d": "DOC"}),
        ("page", 'Paginate(Documents(Collection("Author")))', {"data": ["DOC"]}),
        ("mapped", 'Map(Paginate(Documents(Collection("Author"))), Lambda("r", Get(Var("r"))))', {"data": ["DOC"]}),
        ("obj", '{ ref: Ref(Collection("Author"), "1"), ts: 5 }', {"ref": "DOC", "ts": 5}),
        ("ext", 'Ref(Collection("X", Database("child")), "1")', "[db-external Document]"),
        ("action", 'Select(["data", 0, "action"], Paginate(Ref(Collection("Author"), "1"), { events: true }))', "create"),
        ("set", 'Documents(Collection("Author"))', {"@set": {"documents": "AUTHOR"}}),
    ],
)
def test_a_v4_functions_result_as_v10_sees_it(db, name, body, expected):
    ok(db, "Author.create({ id: 1, a: 1 })")
    db.query('CreateDatabase({ name: "child" })')
    db.query(f'CreateFunction({{ name: "{name}", body: Query(Lambda([], {body})) }})')
    check = {"DOC": "Author.byId(1)!", "AUTHOR": "Author.definition"}

    def as_v10(value: object) -> str:
        if isinstance(value, dict):
            return "{ " + ", ".join(f'"{k}": {as_v10(v)}' for k, v in value.items()) + " }"
        if isinstance(value, list):
            return "[" + ", ".join(as_v10(v) for v in value) + "]"
        return check.get(value, json.dumps(value)) if isinstance(value, str) else json.dumps(value)

    assert ok(db, f"{name}() == {as_v10(expected)}", x_typecheck="false") is True


def test_a_v4_documents_events_as_v10_sees_them(db):
    ok(db, "Author.create({ id: 1, a: 1 })")
    db.query('CreateFunction({ name: "events", body: Query(Lambda([], Paginate(Ref(Collection("Author"), "1"), { events: true }))) })')
    event = ok(db, "events().data[0]", x_typecheck="false")
    assert list(event) == ["ts", "action", "resource"] and event["action"] == "create"
    assert ok(db, "let e = events().data[0]; [e.resource == Author.byId(1), e.ts == Author.byId(1)!.ts.toMicros()]",
              x_typecheck="false") == [True, True]


def test_a_v4_callers_arguments_as_v10_sees_them(db):
    ok(db, "Author.create({ id: 1, a: 1 })")
    ok(db, 'Function.create({ name: "fields", body: "(d, p) => [d.a, d.coll == Author, p.data.length]" })')
    got = db.query('Call("fields", [Get(Ref(Collection("Author"), "1")), Paginate(Documents(Collection("Author")))])')
    assert got == [1, True, 1]


# UnholyEval.dataV10ToV4 converts no lambda: one from v4 data is a v10 lambda by then, so it cannot go back
# to v4, as a v10 function's result or as a v4 function's argument.
def test_a_v4_lambda_from_v4_data_does_not_go_back_to_v4(db):
    db.query('Create(Ref(Collection("Author"), "1"), { data: { v: Query(Lambda("x", Var("x"))) } })')
    db.query('CreateFunction({ name: "f4", body: Query(Lambda("x", Var("x"))) })')
    ok(db, 'Function.create({ name: "g", body: "() => Author.byId(1)!.v" })')
    with pytest.raises(fql.FQLError) as caught:
        db.query('Call("g", [])')
    assert caught.value.description == "v10 value has type Lambda, which cannot be represented in v4."
    code, message, _ = failure(db, "f4(Author.byId(1)!.v)", x_typecheck="false")
    assert (code, message) == ("invalid_argument", "Invalid argument for `x`. FQL v4 does not support `Lambda` values.")
