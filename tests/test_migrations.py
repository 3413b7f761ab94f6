"""v10 collection `migrations`: the exact texts of core's `invalid_schema` errors (from core's own tests,
FQL2DefinedFieldsSpec and SchemaCollectionSpec), what a failed migration leaves behind (nothing), and the
rules the data-driven cases in tests/fixtures/v10/migrations.fql do not show."""

from __future__ import annotations

import pytest

import fql
from fql.eval.v10 import migrations, shapes
from fql.eval.v10 import schema_types as st
from tests.helpers import query_v10_error as error


@pytest.fixture
def db() -> fql.Database:
    database = fql.connect()
    database.query('Collection.create({ name: "Foo", fields: { _no_wildcard: { signature: "Null" } } })', syntax="v10")
    # A document, so that changes to the fields need migrations.
    database.query("Foo.create({ id: 1 })", syntax="v10")
    return database


def test_a_required_field_without_add_or_default(db):
    # core's FQL2DefinedFieldsSpec "default values are required for non-nullable fields" (its typo included).
    err = error(
        db,
        """Collection.byName("Foo")!.update({
  fields: {
    _no_wilcard: { signature: "Null" },
    foo: { signature: "Int" }
  }
})""",
    )
    assert err.v10_code == "invalid_schema"
    assert err.description == (
        "Invalid database schema update.\n"
        "    error: Field `._no_wilcard` is not present in the live schema\n"
        "    at <no source>\n"
        "    hint: Provide an `add` migration for this field\n"
        "    at <no source>\n"
        "    error: Field `.foo` is not present in the live schema\n"
        "    at <no source>\n"
        "    hint: Provide an `add` migration for this field\n"
        "    at <no source>\n"
        "    hint: Add a default value to this field\n"
        "    at *field:Foo:foo*:1:4\n"
        "      |\n"
        "    1 | Int = <expr>\n"
        "      |    +++++++++\n"
        "      |\n"
        "    hint: Make the field nullable\n"
        "    at *field:Foo:foo*:1:4\n"
        "      |\n"
        "    1 | Int?\n"
        "      |    +\n"
        "      |"
    )


def test_adding_a_field_twice(db):
    # core's SchemaCollectionSpec: the rewind reports the later add's missing value first.
    db.query('Collection.byName("Foo")!.update({ fields: { c: { signature: "String?" } }, migrations: [{ add: { field: ".c" } }] })', syntax="v10")
    err = error(
        db,
        'Collection.byName("Foo")!.update({ fields: { d: { signature: "String" } }, '
        'migrations: [{ add: { field: ".d" } }, { add: { field: ".d" } }] })',
    )
    assert err.description == (
        "Invalid database schema update.\n"
        "    error: Cannot declare non-nullable field `.d`: it has no default and no backfill value\n"
        "    at <no source>\n"
        "    hint: Make the field nullable\n"
        "    at *field:Foo:d*:1:7\n"
        "      |\n"
        "    1 | String?\n"
        "      |       +\n"
        "      |\n"
        "    hint: Add a default value to this field\n"
        "    at *field:Foo:d*:1:7\n"
        "      |\n"
        "    1 | String = <expr>\n"
        "      |       +++++++++\n"
        "      |\n"
        "    hint: Add a `backfill` migration\n"
        "    at <no source>\n"
        "    error: Cannot add field `.d` twice\n"
        "    at <no source>\n"
        "    hint: Field added here\n"
        "    at <no source>\n"
        "    hint: Remove the extra add\n"
        "    at <no source>"
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ('fields: { a: { signature: "Int?" } }, migrations: [{ drop: { field: ".a" } }]',
         "Cannot drop field `.a`. Dropped fields must be removed from schema"),
        ('fields: { a: { signature: "Int?" } }, migrations: [{ backfill: { field: ".a", value: "1" } }]',
         "Field `.a` is backfilled without being declared by an `add` or `split` migration"),
        ('fields: { a: { signature: "Int?" } }, migrations: [{ add: { field: ".b" } }]',
         "Cannot add field, as `.b` is not in the submitted schema"),
        ('fields: { a: { signature: "Int?" } }, migrations: [{ add_wildcard: {} }]',
         "Cannot add wildcard, as the submitted schema lacks a wildcard"),
        ('fields: { a: { signature: "Int?" } }, migrations: [{ move_wildcard: { into: ".a" } }]',
         "Wildcard conflicts field must have the type `{ *: Any } | Null`"),
        ('fields: { a: { signature: "Int?" }, b: { signature: "Int?" } }, migrations: [{ split: { field: ".x", to: [".a"] } }]',
         "Cannot split field: expected at least two fields to split into"),
    ],
)
def test_a_list_that_contradicts_its_fields(db, change, message):
    err = error(db, f'Collection.create({{ name: "Bad", {change} }})')
    assert err.v10_code == "invalid_schema"
    assert err.description.split("\n")[1] == f"    error: {message}"


def test_removing_a_field_needs_a_drop(db):
    db.query('Collection.byName("Foo")!.update({ fields: { a: { signature: "Int?" } }, migrations: [{ add: { field: ".a" } }] })', syntax="v10")
    err = error(db, 'Collection.byName("Foo")!.update({ fields: { a: null } })')
    assert err.description.split("\n")[1:4] == [
        "    error: Field `.a` is missing from the submitted schema",
        "    at <no source>",
        "    hint: Drop the field and its data with a `drop` migration",
    ]


def test_defining_fields_where_there_were_none_loses_the_implicit_wildcard():
    db = fql.connect()
    db.query('Collection.create({ name: "W" })', syntax="v10")
    db.query("W.create({ a: 1 })", syntax="v10")
    err = error(db, 'Collection.byName("W")!.update({ fields: { a: { signature: "Int?" } }, migrations: [{ add: { field: ".a" } }] })')
    assert "    error: Missing wildcard definition" in err.description.split("\n")
    assert (
        "    hint: Collections with no fields defined allow arbitrary fields by default. To keep this behavior, "
        "add a wildcard declaration to the schema definition"
    ) in err.description.split("\n")


def test_a_failed_migration_changes_nothing(db):
    db.query('Foo.create({ id: 2 })', syntax="v10")
    before = db.query("Foo.all().toArray()", syntax="v10")
    err = error(
        db,
        'Collection.byName("Foo")!.update({ fields: { n: { signature: "Int" } }, migrations: '
        '[{ add: { field: ".n" } }, { backfill: { field: ".n", value: "0" } }] }); abort("no")',
    )
    assert err.v10_code == "abort"
    assert db.query("Foo.all().toArray()", syntax="v10") == before
    assert db.query('Collection.byName("Foo")!.migrations', syntax="v10") is None


def test_a_backfill_that_does_not_fit_its_field(db):
    # As core's SchemaCollectionSpec: typed `Any`, the value passes the typer and fails when converted.
    err = error(
        db,
        'Collection.byName("Foo")!.update({ fields: { n: { signature: "Int" } }, migrations: '
        '[{ add: { field: ".n" } }, { backfill: { field: ".n", value: "{ let x: Any = \'0\'; x }" } }] })',
    )
    assert err.description.split("\n")[1:5] == [
        "    error: Failed to convert backfill value.",
        "    constraint failures:",
        "      n: Expected Int, provided String",
        "    at <no source>",
    ]


def test_a_ref_added_without_a_backfill_fails_in_its_type(db):
    # Core's MigrationConverter: with no backfill the field gets null, checked against its type and placed
    # in the type's own source.
    db.query('Collection.create({ name: "A" })', syntax="v10")
    err = error(
        db,
        'Collection.byName("Foo")!.update({ fields: { _no_wildcard: { signature: "Null" }, '
        'a: { signature: "Ref<A>" } }, migrations: [{ add: { field: ".a" } }] })',
    )
    assert err.description.split("\n")[1:] == [
        "    error: Failed to convert backfill value.",
        "    constraint failures:",
        "      a: Expected A | NullA, provided Null",
        "    at *field:Foo:a*:1:1",
        "      |",
        "    1 | Ref<A>",
        "      | ^^^^^^",
        "      |",
    ]


def test_a_literal_backfill_of_another_type_fails_the_typer(db):
    err = error(
        db,
        'Collection.byName("Foo")!.update({ fields: { n: { signature: "Int" } }, migrations: '
        '[{ add: { field: ".n" } }, { backfill: { field: ".n", value: "\'text\'" } }] })',
    )
    assert err.description.split("\n")[1:5] == [
        "    error: Type `String` is not a subtype of `Int`",
        "    at <no source>",
        "    hint: Field type defined here",
        "    at <no source>",
    ]


def test_a_collection_with_v4_indexes_cannot_be_migrated(db):
    db.query('CreateIndex({ name: "foo_all", source: Collection("Foo") })')
    err = error(db, 'Collection.byName("Foo")!.update({ fields: { a: { signature: "Int?" } }, migrations: [{ add: { field: ".a" } }] })')
    assert err.description.split("\n")[1] == "    error: Cannot create migrations on a collection with v4 indexes"


def test_v4_updates_of_the_collection_keep_its_v10_fields(db):
    # The schema document is the same one whichever syntax writes it, but core's v4 writes keep the v10
    # fields it has (fields, migrations, indexes...; FQL2CollectionSpec "updates can't modify fqlx fields").
    db.query('Foo.create({ id: 3 })', syntax="v10")
    db.query('Update(Collection("Foo"), { history_days: 3, fields: { n: { signature: "Int" } }, indexes: "x" })')
    assert db.query("Foo.definition { fields, indexes, history_days }", syntax="v10") == {
        "fields": {"_no_wildcard": {"signature": "Null"}},
        "indexes": {},
        "history_days": 3,
    }


def test_paths_read_as_core_reads_them():
    assert migrations.items([{"add": {"field": "a"}}, {"drop": {"field": ".a.b"}}]) == [
        migrations.Item("add", ("a",)),
        migrations.Item("drop", ("a", "b")),
    ]
    with pytest.raises(fql.FQLError) as caught:
        migrations.items([{"add": {"field": ".a[0]"}}])
    assert caught.value.v10_code == "invalid_schema"


def test_nested_splits():
    # core's MigrationValidatorNestedSpec "allow splits", with documents.
    db = fql.connect()
    db.query(
        'Collection.create({ name: "U", fields: { foo: { signature: "{ bar: Int | String }" }, baz: { signature: "{}" } } })',
        syntax="v10",
    )
    db.query('U.create({ id: 1, foo: { bar: 3 }, baz: {} }); U.create({ id: 2, foo: { bar: "x" }, baz: {} })', syntax="v10")
    db.query(
        'Collection.byName("U")!.update({ fields: { foo: { signature: "{ bar: Int }" }, baz: { signature: "{ bar: String }" } }, '
        'migrations: [{ split: { field: ".foo.bar", to: [".foo.bar", ".baz.bar"] } }, '
        '{ backfill: { field: ".foo.bar", value: "0" } }, { backfill: { field: ".baz.bar", value: "\'hi\'" } }] })',
        syntax="v10",
    )
    assert db.query("U.all().map(d => [d.foo.bar, d.baz.bar]).toArray()", syntax="v10") == [[3, "hi"], [0, "x"]]


def test_only_the_migrations_not_yet_run_are_new():
    add, fill = migrations.Item("add", ("a",)), migrations.Item("backfill", ("a",), value="1")
    drop = migrations.Item("drop", ("b", "c"))
    assert migrations.to_apply([add, fill], [add, fill]) == []
    assert migrations.to_apply([add, fill], [add, fill, drop]) == [drop]
    assert migrations.to_apply([add, fill], [drop]) == [drop]
    assert migrations.to_apply([], [add]) == [add]


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (st.Scalar("Int"), st.Scalar("Number"), True),
        (st.Scalar("Number"), st.Scalar("Int"), False),
        (st.Scalar("Int"), st.optional(st.Scalar("Int")), True),
        (st.ANY, st.Scalar("Int"), False),
        (st.Scalar("Int"), st.ANY, True),
        (st.Literal("a", "str"), st.Scalar("String"), True),
        (st.Struct((("a", st.FieldSchema(st.Scalar("Int"))),)), st.Struct((), st.ANY), True),
        (st.Struct((), st.ANY), st.Struct((("a", st.FieldSchema(st.Scalar("Int"))),)), False),
    ],
)
def test_schema_subtypes(a, b, expected):
    assert shapes.subtype(a, b) is expected


def test_a_backfill_may_read(db):
    # Core's MigrationConverter evaluates a backfill with FQLInterpreter's default effect limit (reads and
    # writes allowed), once, when the schema changes; a default is DefinedField.evalDefault's, with no reads.
    db.query("Foo.create({ id: 2 })", syntax="v10")
    db.query(
        'Collection.byName("Foo")!.update({ fields: { _no_wildcard: { signature: "Null" }, n: { signature: "Int" } }, '
        'migrations: [{ add: { field: ".n" } }, { backfill: { field: ".n", value: "Foo.all().count()" } }] })',
        syntax="v10",
    )
    assert db.query("Foo.all().map(.n).toArray()", syntax="v10") == [2, 2]
    err = error(
        db,
        'Collection.byName("Foo")!.update({ fields: { _no_wildcard: { signature: "Null" }, n: { signature: "Int" }, '
        'm: { signature: "Int", default: "Foo.all().count()" } }, migrations: [{ add: { field: ".n" } }, '
        '{ backfill: { field: ".n", value: "Foo.all().count()" } }, { add: { field: ".m" } }] })',
    )
    assert "`all` performs a read, which is not allowed in default values." in str(err.failures)


@pytest.mark.parametrize(
    "value, failure",
    [
        ("x => x", "Value has type Lambda, which cannot be persisted."),
        ("[1, x => x]", "[1]: Value has type Lambda, which cannot be persisted."),
        ("{ a: { b: Foo }, c: 0 }", "a.b: Value has type Foo, which cannot be persisted."),
        ("{ a: {}, c: [0, newId()] }", "c[1]: Value has type ID, which cannot be persisted."),
    ],
)
def test_a_backfill_that_cannot_be_stored_names_the_part(db, value, failure):
    # Core's MigrationConverter.evalPure: IRValueConversion.toIR's NonPersistableValue gives the path and
    # the dynamic type of the part that cannot be stored, not of the whole value.
    err = error(
        db,
        'Collection.byName("Foo")!.update({ fields: { _no_wildcard: { signature: "Null" }, a: { signature: "Any" } }, '
        f"migrations: [{{ add: {{ field: \".a\" }} }}, {{ backfill: {{ field: \".a\", value: {value!r} }} }}] }})",
    )
    assert err.description.split("\n")[1:] == [
        "    error: Failed to convert migration.",
        "    constraint failures:",
        f"      {failure}",
        "    at <no source>",
    ]


def test_a_backfill_of_another_scalar_type_fails_the_typer(db):
    # Core's MigrationValidator.rewindBackfill types the backfill, not only a literal: `'a' + 'b'` is a
    # String (fql types the value it evaluates to, for a scalar; an expression typed `Any` passes).
    err = error(
        db,
        'Collection.byName("Foo")!.update({ fields: { n: { signature: "Int" } }, migrations: '
        "[{ add: { field: \".n\" } }, { backfill: { field: \".n\", value: \"'a' + 'b'\" } }] })",
    )
    assert err.description.split("\n")[1:5] == [
        "    error: Type `String` is not a subtype of `Int`",
        "    at <no source>",
        "    hint: Field type defined here",
        "    at <no source>",
    ]


def test_read_migration_spec_diffs_of_migrated_versions(db):
    # Core's ReadMigrationSpec (ext/repo/src/test/scala/store/) "migrate on read" and "writing migrates
    # the previous version to determine the diff": every version reads migrated, so an update's event
    # holds only what the update changed, never the field the migration added.
    db.query(
        'Collection.byName("Foo")!.update({ fields: { _no_wildcard: { signature: "Null" }, b: { signature: "Int?" }, '
        'foo: { signature: "Int" } }, migrations: [{ add: { field: ".b" } }, { add: { field: ".foo" } }, { backfill: { field: ".foo", value: "5" } }] })',
        syntax="v10",
    )
    db.query("Foo.byId(1)!.update({ b: 1 })", syntax="v10")
    db.query("Foo.byId(1)!.update({ foo: 10 })", syntax="v10")
    events = db.query('Paginate(Events(Ref(Collection("Foo"), "1")))').data
    assert [(e["action"], e["data"]) for e in events] == [("create", {"foo": 5}), ("update", {"b": 1}), ("update", {"foo": 10})]


def test_migration_task_spec_every_version_is_migrated():
    # Core's MigrationTaskSpec (ext/model/src/test/scala/tasks/) "works by index": once the task has run,
    # each stored version reads as the migrations make it (its checkQ compares them unmigrated and
    # migrated), so a document and its past versions (`at` an earlier time) show the new fields: `.d`
    # dropped, `.b`'s strings split into `.c`, and both backfilled where they have no value.
    db = fql.connect()
    db.query(
        'Collection.create({ name: "Foo", fields: { a: { signature: "Int" }, b: { signature: "Int | String" }, '
        'd: { signature: "String" } } })',
        syntax="v10",
    )
    docs = [db.query(f"Foo.create({{ a: {n}, b: {b}, d: 'goodbye' }})", syntax="v10") for n, b in ((0, 0), (1, '"1"'))]
    db.query(f'Foo.byId("{docs[1].id}")!.update({{ a: 10 }})', syntax="v10")
    db.query(
        'Collection.byName("Foo")!.update({ fields: { a: { signature: "Int" }, b: { signature: "Int" }, '
        'c: { signature: "String" }, d: null }, migrations: [{ drop: { field: ".d" } }, '
        '{ split: { field: ".b", to: [".b", ".c"] } }, { backfill: { field: ".b", value: "0" } }, '
        "{ backfill: { field: \".c\", value: \"'-'\" } }] })",
        syntax="v10",
    )

    def fields(query: str) -> dict:
        doc = db.query(query, syntax="v10")
        return {k: doc[k] for k in doc.keys() if k not in ("id", "coll", "ts")}

    assert fields(f'Foo.byId("{docs[0].id}")!') == {"a": 0, "b": 0, "c": "-"}
    assert fields(f'Foo.byId("{docs[1].id}")!') == {"a": 10, "c": "1", "b": 0}
    then = f'at (Time("{docs[1].ts.isoformat()}")) {{ Foo.byId("{docs[1].id}")! }}'
    assert fields(then) == {"a": 1, "c": "1", "b": 0}
