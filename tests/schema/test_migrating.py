"""Core's migration validator cases, run through fql's FSL push (fql/schema/migrating.py).

Each case of tests/schema/migrations/*.txt is one `validate(before, after, expected)` of core's
MigrationValidatorSpec, MigrationValidatorNestedSpec and MigrationValidatorWildcardSpec, kept as core
wrote it: `before` is pushed, a document is put in its collection (so that it is not new), then `after` is
pushed. `expected` is the push's error, in core's words and drawing, or, when the push succeeds, the
migrations it makes as core's SchemaMigration.debug lists them (nothing when there are none)."""

from __future__ import annotations

import pathlib
import re

import pytest

import fql
from fql.eval.v10 import shapes
from fql.scala import map_order
from fql.schema import manager, migrating
from fql.schema.manager import SchemaError
from fql.storage.base import DocKey, Version

HERE = pathlib.Path(__file__).parent / "migrations"

#: Cases fql does not pass yet, by id, and why.
SKIPS: dict[str, str] = {
    "MigrationValidatorNestedSpec:122": "core's typer checks an object literal backfill (with `cause:` lines); "
    "fql checks only scalar literals",
}
#: Cases core's validator lets through whose push then fails, as core's does: its backfill value is not of
#: the field's type (core's MigrationConverter evaluates it when the schema is written).
PUSH_FAILS = {"MigrationValidatorSpec:753"}


def _cases() -> list:
    out = []
    for path in sorted(HERE.glob("*.txt")):
        for block in path.read_text().split("\n=== ")[1:]:
            header, rest = block.split("\n", 1)
            case_id, title = header.split(" ", 1)
            before, rest = rest.removeprefix("--- before\n").split("\n--- after\n", 1)
            after, expected = rest.split("\n--- expected\n", 1)
            marks = [pytest.mark.skip(reason=SKIPS[case_id])] if case_id in SKIPS else []
            param = (before, after, expected[:-1], case_id in PUSH_FAILS)
            out.append(pytest.param(*param, id=f"{case_id} {title}", marks=marks))
    return out


def debug(step) -> str:
    """A step as core's SchemaMigration.debug writes it."""
    path = shapes.show
    if step.kind == "add":
        default = f" = {step.backfill}" if step.backfill is not None else ""
        return f"add {path(step.field)}: {shapes.typed(step.type)}{default}"
    if step.kind in ("drop", "move_conflicts"):
        return f"{step.kind} {path(step.field)}"
    if step.kind == "move":
        return f"move {path(step.field)} -> {path(step.to[0])}"
    if step.kind == "split":
        targets = ", ".join(
            f"({path(to)}: {shapes.typed(schema)}{f' = {bf}' if bf is not None else ''})" for to, schema, bf in step.to
        )
        return f"split {path(step.field)} -> {targets}"
    if step.kind == "move_wildcard":
        return f"move_wildcard -> {path(step.field)} [{', '.join(map_order(dict.fromkeys(step.keep)))}]"
    return step.kind


def outcome(db, before: str, after: str, push_fails: bool = False) -> str:
    """What pushing `after` over `before`, with a document, says: its error, or its migrations."""
    db.push_schema({"main.fsl": before})
    name = before.split("collection ", 1)[1].split()[0]
    # Stored as it is, unchecked: the document only makes the collection one with documents.
    key = lambda ctx: DocKey(ctx.state.scope, name, "1")  # noqa: E731
    db.transact(lambda ctx: ctx.state.txn.put(Version(key(ctx), ctx.state.ts, {"data": {}}, None)))

    def steps(ctx):
        result = manager.validate(ctx, [("main.fsl", after)])
        found = [migrating.check(ctx, d, result.diffs, result.before, result.after)[0] for d in result.diffs]
        return "\n".join(debug(step) for each in found for step in each)

    try:
        planned = db.transact(steps)[0]
    except SchemaError as err:
        return err.message
    if push_fails:
        with pytest.raises(SchemaError, match="Failed to convert backfill value"):
            db.push_schema({"main.fsl": after})
    else:
        db.push_schema({"main.fsl": after})
    return planned


@pytest.mark.parametrize(("before", "after", "expected", "push_fails"), _cases())
def test_core_case(before, after, expected, push_fails):
    assert outcome(fql.connect("memory://"), before, after, push_fails) == expected


# -- the push around the cases ------------------------------------------------------------------------------


def test_a_collection_with_no_documents_is_checked_as_new():
    db = fql.connect("memory://")
    db.push_schema({"main.fsl": "collection Users {\n  name: String\n}\n"})
    # Core: an empty collection counts as new, so its fields need no migrations.
    db.push_schema({"main.fsl": "collection Users {\n  name: String\n  age: Int\n}\n"})
    db.query('Users.create({ name: "Ann", age: 3 })', syntax="v10")
    with pytest.raises(SchemaError) as err:
        db.push_schema({"main.fsl": "collection Users {\n  name: String\n  age: Int\n  email: String\n}\n"})
    assert err.value.status == 400
    assert err.value.message.startswith("error: Field `.email` is not present in the live schema\nat main.fsl:4:3\n")


def test_a_new_collection_has_its_migrations_checked():
    files = {"main.fsl": "collection Users {\n  name: String\n\n  migrations {\n    add .email\n  }\n}\n"}
    with pytest.raises(SchemaError) as err:
        fql.connect("memory://").push_schema(files)
    assert err.value.message == (
        "error: Cannot add field, as `.email` is not in the submitted schema\n"
        "at main.fsl:5:9\n  |\n5 |     add .email\n  |         ^^^^^^\n  |"
    )


def test_a_hint_in_the_live_file_names_it():
    db = fql.connect("memory://")
    db.push_schema({"users.fsl": "collection Users {\n  foo: Int | String\n}\n"})
    db.query("Users.create({ foo: 1 })", syntax="v10")
    with pytest.raises(SchemaError) as err:
        db.push_schema({"main.fsl": "collection Users {\n  foo: Int\n}\n"})
    assert err.value.message == """\
error: Field `.foo` of type `Int` does not match the live type `Int | String`
at main.fsl:2:8
  |
2 |   foo: Int
  |        ^^^
  |
hint: Add a migration to split the invalid types into another field
at users.fsl:2:3
  |
2 |     tmp: String
  |  ___+
3 | |   migrations {
4 | |     split .foo -> .foo, .tmp
5 | |   }
  | |____^
  |"""


def test_errors_of_several_collections_are_joined():
    db = fql.connect("memory://")
    files = {"main.fsl": "collection A {\n  migrations {\n    add .x\n  }\n}\ncollection B {\n  migrations {\n    add .y\n  }\n}\n"}
    with pytest.raises(SchemaError) as err:
        db.push_schema(files)
    assert err.value.message.count("error: ") == 2
    assert "\n  |\nerror: " in err.value.message


# -- core's FQL2MigrationValidatorSpec (ext/model/src/test/scala/fql2/), pushes of a database's files -------


def test_fields_cannot_be_moved_out_of_refs():
    db = fql.connect("memory://")
    before = "collection Foo {}\n\ncollection User {\n  foo: Ref<Foo>\n\n  index byFoo {\n    terms [.foo.id]\n  }\n}"
    db.push_schema({"main.fsl": before})
    db.query("User.create({ id: 0, foo: Foo.create({ id: 1 }) })", syntax="v10")
    after = (
        "collection Foo {}\n\ncollection User {\n  foo: Ref<Foo>\n  bar: String\n\n  index byFoo {\n"
        "    terms [.bar]\n  }\n\n\n  migrations {\n    move .foo.id -> .bar\n  }\n}"
    )
    with pytest.raises(SchemaError) as err:
        db.push_schema({"main.fsl": after})
    assert err.value.message == """\
error: Cannot move field `.foo.id`, as the parent value is not an object.
at main.fsl:13:10
   |
13 |     move .foo.id -> .bar
   |          ^^^^^^^
   |"""


def test_migrations_are_refused_with_v4_indexes_present():
    db = fql.connect("memory://")
    db.push_schema({"main.fsl": "collection User {\n  foo: Int\n}"})
    db.query('CreateIndex({ name: "my_index", source: Collection("User") })', syntax="v4")
    # No documents: no migrations run, so a v4 index is no obstacle.
    db.push_schema({"main.fsl": "collection User {\n  bar: Int\n\n  migrations {\n    move .foo -> .bar\n  }\n}"})
    db.query("User.create({ bar: 3 })", syntax="v10")
    with pytest.raises(SchemaError) as err:
        db.push_schema({"main.fsl": "collection User {\n  baz: Int\n\n  migrations {\n    move .bar -> .baz\n  }\n}"})
    assert err.value.message == """\
error: Invalid database schema update.

constraint failures:
  Cannot create migrations on a collection with v4 indexes
at main.fsl:1:1
  |
1 |   collection User {
  |  _^
2 | |   baz: Int
3 | |
4 | |   migrations {
5 | |     move .bar -> .baz
6 | |   }
7 | | }
  | |_^
  |"""


def test_null_is_not_a_valid_backfill_for_a_ref():
    # Core's FQL2MigrationValidatorSpec: the validator takes null for `Ref<A>` (to its typer a null document
    # is null), so the field needs no backfill; the null it gets then fails when converted, a failure of
    # the schema as a whole, drawn on the collection.
    db = fql.connect("memory://")
    db.push_schema({"main.fsl": "collection A {}\n\ncollection Foo {\n  _no_wildcard: Null\n}"})
    db.query("Foo.create({})", syntax="v10")
    after = "collection A {}\n\ncollection Foo {\n  _no_wildcard: Null\n  a: Ref<A>\n\n  migrations {\n    add .a\n  }\n}"
    assert _refused(db, after) == """\
error: Invalid database schema update.
    error: Failed to convert backfill value.
    constraint failures:
      a: Expected A | NullA, provided Null
    at *field:Foo:a*:1:1
      |
    1 | Ref<A>
      | ^^^^^^
      |
at main.fsl:3:1
   |
 3 |   collection Foo {
   |  _^
 4 | |   _no_wildcard: Null
 5 | |   a: Ref<A>
 6 | |
 7 | |   migrations {
 8 | |     add .a
 9 | |   }
10 | | }
   | |_^
   |"""
    assert db.query("Foo.definition.fields", syntax="v10") == {"_no_wildcard": {"signature": "Null"}}


def test_backfill_values_are_checked_against_field_types():
    # Core's FQL2MigrationValidatorSpec: a backfill typed `Any` passes the validator and fails when converted.
    db = fql.connect("memory://")
    db.push_schema({"main.fsl": "collection Foo {\n  _no_wildcard: Null\n}\n"})
    db.query("Foo.create({})", syntax="v10")
    after = (
        "collection Foo {\n  foo: Int\n  _no_wildcard: Null\n\n  migrations {\n    add .foo\n"
        '    backfill .foo = {\n      let a: Any = "hi"\n      a\n    }\n  }\n}\n'
    )
    assert _refused(db, after) == """\
error: Invalid database schema update.
    error: Failed to convert backfill value.
    constraint failures:
      foo: Expected Int, provided String
    at <no source>
at main.fsl:1:1
   |
 1 |   collection Foo {
   |  _^
 2 | |   foo: Int
 3 | |   _no_wildcard: Null
 4 | |
 5 | |   migrations {
 6 | |     add .foo
 7 | |     backfill .foo = {
 8 | |       let a: Any = "hi"
 9 | |       a
10 | |     }
11 | |   }
12 | | }
   | |_^
   |"""


def test_a_nullable_ref_takes_null_without_a_backfill():
    db = fql.connect("memory://")
    db.push_schema({"main.fsl": "collection A {}\n\ncollection Foo {\n  _no_wildcard: Null\n}"})
    db.query("Foo.create({ id: 0 })", syntax="v10")
    db.push_schema(
        {"main.fsl": "collection A {}\n\ncollection Foo {\n  _no_wildcard: Null\n  a: Ref<A>?\n\n  migrations {\n    add .a\n  }\n}"}
    )
    assert db.query("Foo.byId(0)!.a", syntax="v10") is None


def test_a_write_that_fails_on_its_own_is_not_drawn():
    # A write's own constraint failures are core's bare message (SchemaEndpointSpec "validate schema
    # consistency"), not a failure of the schema as a whole.
    db = fql.connect("memory://")
    assert _refused(db, "@role('a_role') function foo() { 42 }") == (
        "Failed to create Function.\nconstraint failures:\n  role: Field refers to an unknown role name `a_role`."
    )


# -- core's SchemaCollectionSpec (ext/model/src/test/scala/schema/) ------------------------------------------


def _refused(db, text: str) -> str:
    with pytest.raises(SchemaError) as err:
        db.push_schema({"main.fsl": text})
    return err.value.message


def test_migrations_of_a_collection_with_documents():
    db = fql.connect("memory://")
    db.push_schema({"main.fsl": "collection User {\n  _no_wildcard: Null\n}"})
    # Make a doc, so that migrations are validated correctly.
    db.query("User.create({})", syntax="v10")
    assert _refused(db, "collection User {\n  foo: Int\n  _no_wildcard: Null\n}\n") == """\
error: Field `.foo` is not present in the live schema
at main.fsl:2:3
  |
2 |   foo: Int
  |   ^^^
  |
hint: Provide an `add` migration for this field
  |
2 |     migrations {
  |  ___+
3 | |     add .foo
4 | |     backfill .foo = <expr>
5 | |   }
  | |____^
  |
hint: Add a default value to this field
  |
2 |   foo: Int = <expr>
  |           +++++++++
  |
hint: Make the field nullable
  |
2 |   foo: Int?
  |           +
  |"""
    db.push_schema(
        {"main.fsl": "collection User {\n  foo: Int | String | Null\n\n  migrations {\n    add .foo\n  }\n\n  _no_wildcard: Null\n}\n"}
    )
    assert _refused(db, "collection User {\n  _no_wildcard: Null\n}") == """\
error: Field `.foo` is missing from the submitted schema
at main.fsl:1:1
  |
1 |   collection User {
  |  _^
2 | |   _no_wildcard: Null
3 | | }
  | |_^
  |
hint: Drop the field and its data with a `drop` migration
at main.fsl:3:1
  |
3 |   migrations {
  |  _+
4 | |     drop .foo
5 | |   }
  | |____^
  |"""
    db.push_schema({"main.fsl": "collection User {\n  migrations {\n    drop .foo\n  }\n\n  _no_wildcard: Null\n}\n"})


def test_fields_can_be_changed_with_an_empty_collection():
    db = fql.connect("memory://")
    db.push_schema({"main.fsl": "collection Foo {}"})
    db.push_schema({"main.fsl": "collection Foo {\n  a: Number\n}"})
    # Empty collections should still validate migration block integrity.
    assert _refused(db, "collection Foo {\n  b: Number\n\n  migrations {\n    add .b\n    add .b\n  }\n}") == """\
error: Cannot declare non-nullable field `.b`: it has no default and no backfill value
at main.fsl:6:9
  |
6 |     add .b
  |         ^^
  |
hint: Make the field nullable
at main.fsl:2:12
  |
2 |   b: Number?
  |            +
  |
hint: Add a default value to this field
at main.fsl:2:12
  |
2 |   b: Number = <expr>
  |            +++++++++
  |
hint: Add a `backfill` migration
at main.fsl:7:3
  |
7 |     backfill .b = <expr>
  |   +++++++++++++++++++++++
  |
error: Cannot add field `.b` twice
at main.fsl:6:9
  |
6 |     add .b
  |         ^^
  |
hint: Field added here
at main.fsl:5:9
  |
5 |     add .b
  |         ^^
  |
hint: Remove the extra add
  |
6 |     add .b
  |     ------
  |"""
    # And a v10 write says the same, with no file to point into.
    db.query('Collection.byName("Foo")!.update({ fields: { c: { signature: "String" } } })', syntax="v10")
    with pytest.raises(fql.FQLError) as err:
        db.query(
            'Collection.byName("Foo")!.update({ fields: { d: { signature: "String" } }, '
            'migrations: [{ add: { field: ".d" } }, { add: { field: ".d" } }] })',
            syntax="v10",
        )
    assert err.value.description == """\
Invalid database schema update.
    error: Cannot declare non-nullable field `.d`: it has no default and no backfill value
    at <no source>
    hint: Make the field nullable
    at *field:Foo:d*:1:7
      |
    1 | String?
      |       +
      |
    hint: Add a default value to this field
    at *field:Foo:d*:1:7
      |
    1 | String = <expr>
      |       +++++++++
      |
    hint: Add a `backfill` migration
    at <no source>
    error: Cannot add field `.d` twice
    at <no source>
    hint: Field added here
    at <no source>
    hint: Remove the extra add
    at <no source>"""


# -- core's SchemaTypeValidator on the types a push writes (ext/fql/shared/src/main/scala/env/) --------------


def test_unknown_types_in_computed_field_signatures():
    # As FQL2ComputedFieldsSpec "rejects signature with generics", through a push (a body that selects no
    # field on its document: see the next test).
    db = fql.connect("memory://")
    assert _refused(db, "collection Foo {\n  compute bar: A => A = (doc) => doc\n}") == """\
error: Unknown type `A`
at main.fsl:2:16
  |
2 |   compute bar: A => A = (doc) => doc
  |                ^
  |
error: Unknown type `A`
at main.fsl:2:21
  |
2 |   compute bar: A => A = (doc) => doc
  |                     ^
  |"""


def test_a_type_error_leaves_the_documents_of_no_type():
    # Core's SchemaTypeValidator builds a collection's document type only while it has found no error: the
    # collection with a refused type, and those after it, have none, so each field their computed fields,
    # checks and index paths select on a document is not found, even one they define, after the types'
    # errors (FQL2ComputedFieldsSpec "rejects signature with generics"). A collection before is typed.
    db = fql.connect("memory://")
    text = (
        "collection Early {\n  a: Int\n  compute b = (doc) => doc.a\n}\n"
        "collection Foo {\n  a: Strin\n  compute b = (doc) => doc.a\n  check c ((doc) => doc.a != null)\n"
        "  index byA { terms [.a] }\n}\n"
        "collection Later {\n  x: Int\n  unique [.x]\n}\n"
    )
    refused = _refused(db, text)
    assert [line for line in refused.split("\n") if line.startswith("error:") or line.startswith("at ")] == [
        "error: Unknown type `Strin`",
        "at main.fsl:6:6",
        "error: Type `Foo` does not have field `a`",
        "at main.fsl:7:28",
        "error: Type `Foo` does not have field `a`",
        "at main.fsl:8:25",
        "error: Type `Foo` does not have field `a`",
        "at main.fsl:9:23",
        "error: Type `Later` does not have field `x`",
        "at main.fsl:13:12",
    ]


def test_the_wildcard_must_be_any():
    # Core's checkWildcard (FQL2DefinedFieldsSpec "allows only Any"): before any write, drawn on its type,
    # whatever the type names.
    db = fql.connect("memory://")
    for wildcard in ("String", "Bar"):
        assert _refused(db, f"collection Foo {{\n  *: {wildcard}\n}}") == f"""\
error: Top-level wildcard must have type `Any`
at main.fsl:2:6
  |
2 |   *: {wildcard}
  |      {"^" * len(wildcard)}
  |"""
    db.push_schema({"main.fsl": "collection Foo {\n  *: Any\n}"})


@pytest.mark.parametrize(
    ("signature", "unknown"),
    [
        # TyperCoreSpec "let y: { foo: A } => B": neither is both taken and returned.
        ("(z: { foo: A }): B", ["A", "B"]),
        # TyperCoreSpec "disallow pointless generic params".
        ("(x: Array<xxx>): String", ["xxx"]),
        ("(x: Array<String>): xxx", ["xxx"]),
        ("(x: Int, ...y: Baz): Qux", ["Baz", "Qux"]),
        # In `Ref<>` a type parameter is no document type; then, only returned, it is no parameter.
        ("(x: Ref<A>): A", ["A", "A"]),
        ("(x: Foo<Int>): Int", ["Foo"]),
    ],
)
def test_unknown_types_in_function_signatures(signature, unknown):
    text = f"function f{signature} {{ 1 }}"
    expected = []
    for i, name in enumerate(unknown):
        at = [m.start() for m in re.finditer(rf"\b{name}\b", text)][unknown[:i].count(name)]
        expected.append(f"error: Unknown type `{name}`\nat main.fsl:1:{at + 1}\n  |\n1 | {text}\n  | {' ' * at}{'^' * len(name)}\n  |")
    assert _refused(fql.connect("memory://"), text) == "\n".join(expected)


@pytest.mark.parametrize(
    "text",
    [
        "function id(x: A): A { x }",  # a type parameter, taken and returned
        "function first(x: Array<a>): a { x[0] }",
        "function f(z: { foo: b }): b { z.foo }",  # TyperCoreSpec's `{ foo: b } => b`
        "function f(x: string): Int { 1 }",  # core only warns: Did you mean `String`?
        "collection Users {}\nfunction f(u: Users, c: UsersCollection): NullUsers { null }",
    ],
)
def test_known_types_in_function_signatures(text):
    db = fql.connect("memory://")
    db.push_schema({"main.fsl": text})


def test_function_types_come_after_collection_types():
    text = "function f(x: Bar): Int { 1 }\n\ncollection Foo {\n  a: Baz\n}"
    assert _refused(fql.connect("memory://"), text).split("\n")[0::6] == [
        "error: Unknown type `Baz`",
        "error: Unknown type `Bar`",
    ]


def test_a_backfill_naming_nothing_is_refused_where_it_is_written():
    # Core's MigrationValidator.rewindBackfill types each backfill (typer.typeAnnotatedExpr) with the pushed
    # schema's environment: a name that names nothing is the typer's error where it is written, the first
    # one with the hint at the field's type. Names of the pushed schema and the standard library are bound.
    db = fql.connect()
    db.push_schema({"main.fsl": "collection Foo {\n  _no_wildcard: Null\n}"})
    db.query("Foo.create({})", syntax="v10")
    text = (
        "collection Foo {\n  _no_wildcard: Null\n  a: Int\n  migrations {\n    add .a\n"
        "    backfill .a = {\n      let b = 1\n      b + y + Foo.all().count() + Math.abs(zz)\n    }\n  }\n}"
    )
    with pytest.raises(SchemaError) as err:
        db.schema_diff({"main.fsl": text})
    assert err.value.message == """\
error: Unbound variable `y`
at main.fsl:8:11
  |
8 |       b + y + Foo.all().count() + Math.abs(zz)
  |           ^
  |
hint: Field type defined here
at main.fsl:3:6
  |
3 |   a: Int
  |      ^^^
  |
error: Unbound variable `zz`
at main.fsl:8:44
  |
8 |       b + y + Foo.all().count() + Math.abs(zz)
  |                                            ^^
  |"""
    db.push_schema({"main.fsl": text.replace(" + y", "").replace("(zz)", "(-2)")})
    assert db.query("Foo.all().map(.a).toArray()", syntax="v10") == [4]


def test_a_backfill_of_another_scalar_type_is_refused_where_it_is_written():
    # The typer's error on a backfill that is no literal (MigrationValidator.rewindBackfill).
    db = fql.connect()
    db.push_schema({"main.fsl": "collection Foo {\n  _no_wildcard: Null\n}"})
    db.query("Foo.create({})", syntax="v10")
    text = "collection Foo {\n  _no_wildcard: Null\n  a: Int\n  migrations {\n    add .a\n    backfill .a = Time.now()\n  }\n}"
    with pytest.raises(SchemaError) as err:
        db.push_schema({"main.fsl": text})
    assert err.value.message == """\
error: Type `Time` is not a subtype of `Int`
at main.fsl:6:19
  |
6 |     backfill .a = Time.now()
  |                   ^^^^^^^^^^
  |
hint: Field type defined here
at main.fsl:3:6
  |
3 |   a: Int
  |      ^^^
  |"""
