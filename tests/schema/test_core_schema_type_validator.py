"""Core's SchemaTypeValidatorSpec (ext/fql/shared/src/test/scala/env/SchemaTypeValidatorSpec.scala): which
FSL field types, defaults and names a schema may have, with core's errors drawn in the file. Core runs its
SchemaTypeValidator on parsed items; here each source is pushed as `main.fsl` to a new database, and
where core's case only checks that validation passes, what the schema then does is checked too.

The type errors core's typer finds in bodies, which fql's typer finds too (eval/v10/envcheck.py), are
here with core's texts (test_type_errors_in_bodies): "check for simple validation errors", and the failing
halves of "validate explicit signatures", "check for recursive functions", "validate check constraints",
"validate computed fields", "check role privileges", "check role membership" and "check access provider
roles". Core's inferred signatures (the `CollectionUpdate`/`FunctionUpdate` results) of "infer function
signatures", "validate explicit signatures", "validate computed fields" and "infer across computed fields
and functions" are checked as the items' static types (test_inferred_signatures). The passing halves are here as what the schema
does once taken (test_cases_the_typer_passes). "disallow args with duplicate names (pending)" is core's
pending case: its validator lets `function dup_name(a, a)` through, and fql refuses it when the body is
parsed (`Duplicate lambda argument`), as core's comment says happens "higher up in the stack"."""

from __future__ import annotations

import pytest

import fql

from .pushing import push, push_error
from tests.helpers import query_v10 as q


@pytest.fixture
def db() -> fql.Database:
    return fql.connect()


def test_validate_schema(db):
    push(db, 'collection User {\n  first: String\n  last: String\n  compute name = doc => doc.first + " " + doc.last\n}')
    assert q(db, 'User.create({ first: "a", last: "b" }).name') == "a b"


def test_validate_schema_computed_fields_in_indexes(db):
    assert push_error(
        db, "collection User {\n  compute other = _ => 2\n  compute name = doc => doc.other\n  index byName { terms [.name] }\n}"
    ) == """\
error: Computed fields used in indexes or constraints cannot use computed fields
at main.fsl:3:29
  |
3 |   compute name = doc => doc.other
  |                             ^^^^^
  |"""


@pytest.mark.parametrize("path", [".a", ".['a']"], ids=["disallow udfs in indexed computed fields", "track paths correctly with square brackets"])
def test_disallow_udfs_in_indexed_computed_fields(db, path):
    source = f"function one(_) {{ 1 }}\n\ncollection Foo {{\n  compute a = _ => 1 + one(0)\n\n  index byA {{ terms [{path}] }}\n}}"
    assert push_error(db, source) == """\
error: Computed fields used in indexes or constraints cannot call UDFs
at main.fsl:4:24
  |
4 |   compute a = _ => 1 + one(0)
  |                        ^^^
  |"""


def test_disallow_accessing_ts_field_on_indexed_computed_fields(db):
    assert push_error(db, "collection Foo {\n  compute a = doc => doc.ts\n\n  index byA { terms [.a] }\n}") == """\
error: Computed fields used in indexes or constraints cannot use a doc's ts field
at main.fsl:2:26
  |
2 |   compute a = doc => doc.ts
  |                          ^^
  |"""


def test_allow_accessing_ts_field_on_other_objects(db):
    # The `doc` variable is shadowed: its `ts` is an object's.
    push(db, "collection Foo {\n  compute a = doc => {\n    let doc = { ts: 3 }\n    doc.ts\n  }\n\n  index byA { terms [.a] }\n}")
    q(db, "Foo.create({})")
    assert q(db, "Foo.byA(3).count()") == 1


@pytest.mark.parametrize(
    "body",
    [
        "User.all()",
        "User.all().count()",
        "User.create({})",
        "User.definition",
        "User.where(.foo > 3)",
        "User.firstWhere(.foo > 3)",
        "User.byName('foo')",
        # This should be allowed eventually, but for now core disallows it.
        "User.byId(3)",
    ],
)
def test_disallow_access_to_collections(db, body):
    message = push_error(db, f"collection User {{\n  compute a = _ => {body}\n  index byA {{ terms [.a] }}\n}}")
    assert message.startswith("error: Computed fields used in indexes or constraints cannot access collections\nat main.fsl:2:20\n")


def test_handle_unnamed_arguments_correctly(db):
    # A parameter named `_` binds no name.
    assert push_error(db, "function cant_access_underscore(_) {\n  _\n}") == """\
error: Unbound variable `_`
at main.fsl:2:3
  |
2 |   _
  |   ^
  |"""


def test_validate_computed_fields_signature(db):
    assert push_error(db, "collection User {\n  compute foo: Array<1, 2> = _ => abort(0)\n}") == """\
error: Type constructor `Array<>` accepts 1 parameters, received 2
at main.fsl:2:16
  |
2 |   compute foo: Array<1, 2> = _ => abort(0)
  |                ^^^^^
  |"""


def test_validate_defined_field_signatures(db):
    assert push_error(db, "collection User {\n  foo: Array<1, 2>\n}") == """\
error: Type constructor `Array<>` accepts 1 parameters, received 2
at main.fsl:2:8
  |
2 |   foo: Array<1, 2>
  |        ^^^^^
  |"""


def test_validate_defined_field_default_values(db):
    assert push_error(db, 'collection User {\n  foo: Int = "hi"\n}') == """\
error: Type `String` is not a subtype of `Int`
at main.fsl:2:14
  |
2 |   foo: Int = "hi"
  |              ^^^^
  |"""


def test_ensure_defined_fields_are_persistable(db):
    assert push_error(db, "collection User {\n  foo: () => Int\n}") == """\
error: Field `foo` in collection User is not persistable
at main.fsl:2:8
  |
2 |   foo: () => Int
  |        ^^^^^^^^^
  |
cause: Type () => Int is not persistable
  |
2 |   foo: () => Int
  |        ^^^^^^^^^
  |"""


def test_typecheck_refs_correctly(db):
    push(db, "collection User {\n  cyclic_ref: User | NullUser\n  cyclic_ref2: Ref<User>\n}")
    assert q(db, 'Collection.byName("User")!.fields') == {
        "cyclic_ref": {"signature": "User | NullUser"},
        "cyclic_ref2": {"signature": "Ref<User>"},
    }


def test_typecheck_mva_terms_correctly(db):
    push(db, 'collection User {\n  name: Array<String>\n  index byName {\n    terms [mva(.name)]\n  }\n}\n\nfunction foo() {\n  User.byName("hello")\n}')
    q(db, 'User.create({ name: ["hello", "world"] })')
    assert q(db, "foo().count()") == 1


NESTED = "collection Foo {\n  a: {\n    b: Int = 3\n    c: String\n  }"


def test_disallow_multiple_defaults_for_nested_fields(db):
    assert push_error(db, NESTED + ' = { b: 4, c: "hi" }\n}') == """\
error: Default values are not allowed here
at main.fsl:3:14
  |
3 |     b: Int = 3
  |              ^
  |
hint: Parent has a conflicting default value
at main.fsl:5:7
  |
5 |   } = { b: 4, c: "hi" }
  |       ^^^^^^^^^^^^^^^^^
  |"""


def test_disallow_defaults_in_nullable_fields(db):
    assert push_error(db, NESTED + "?\n}") == """\
error: Default values are not allowed here
at main.fsl:3:14
  |
3 |     b: Int = 3
  |              ^
  |
hint: Parent is nullable
at main.fsl:5:4
  |
5 |   }?
  |    ^
  |"""


@pytest.mark.parametrize(("op", "reason"), [("|", "Parent is a union"), ("&", "Parent is not an object")])
def test_disallow_defaults_in_unions_and_intersections(db, op, reason):
    assert push_error(db, NESTED + f" {op} {{\n    b: String\n  }}\n}}") == f"""\
error: Default values are not allowed here
at main.fsl:3:14
  |
3 |     b: Int = 3
  |              ^
  |
hint: {reason}
at main.fsl:2:6
  |
2 |     a: {{
  |  ______^
3 | |     b: Int = 3
4 | |     c: String
5 | |   }} {op} {{
6 | |     b: String
7 | |   }}
  | |___^
  |"""


def test_typecheck_default_fields_correctly(db):
    push(db, 'collection User {\n  a: {\n    foo: Int = 3\n    bar: String\n  }\n}\n\nfunction foo() {\n  User.create({ a: { bar: "hi" } })\n}')
    assert q(db, "foo().a") == {"bar": "hi", "foo": 3}


def test_typecheck_default_fields_correctly_all_defaulted(db):
    push(db, 'collection User {\n  a: {\n    foo: Int = 3\n    bar: String = "hi"\n  }\n}\n\nfunction foo() {\n  User.create({})\n}')
    assert q(db, "foo().a") == {"foo": 3, "bar": "hi"}


def test_typecheck_ref_types_correctly(db):
    push(
        db,
        "collection User {\n  address: Ref<Address>\n}\n\ncollection Address {\n  street: String\n}\n\n"
        'function foo() {\n  User.create({ address: Address.create({ street: "hi" }) })\n}',
    )
    assert q(db, "foo().address.street") == "hi"


def test_allow_accessing_id_and_ts(db):
    push(db, "collection User {\n  a: Int\n}\n\nfunction foo() {\n  User.create({ a: 0 }).id\n  User.create({ a: 0 }).ts\n}")
    assert q(db, "foo() == User.all().last()!.ts") is True


def test_allow_defaults_on_the_parent_field(db):
    push(
        db,
        'collection User {\n  address: {\n    street: String\n    city: String?\n  } = {\n    street: "unknown"\n  }\n}\n\n'
        "function foo() {\n  User.create({}).address\n}",
    )
    assert q(db, "foo()") == {"street": "unknown"}


@pytest.mark.parametrize(("member", "column"), [("privileges bar {}", 14), ("membership bar", 14)])
def test_disallow_roles_refering_to_nothing(db, member, column):
    assert push_error(db, f"role foo {{\n  {member}\n}}") == f"""\
error: Resource `bar` does not exist
at main.fsl:2:{column}
  |
2 |   {member}
  |              ^^^
  |"""


def test_only_allow_memberships_for_collections(db):
    push(db, "role foo {\n  membership Collection\n}")
    assert q(db, 'Role.byName("foo")!.membership') == [{"resource": "Collection"}]
    push(db, "collection Foo {}\n\nrole foo {\n  membership Foo\n}")
    assert push_error(db, "function foo() { 0 }\n\nrole foo {\n  membership foo\n}") == """\
error: Resource `foo` does not exist
at main.fsl:4:14
  |
4 |   membership foo
  |              ^^^
  |"""


def test_disallow_access_providers_refering_to_nothing(db):
    assert push_error(db, 'access provider bar {\n  issuer "me"\n  jwks_uri "https://example.com"\n  role foo\n}') == """\
error: Role `foo` does not exist
at main.fsl:4:8
  |
4 |   role foo
  |        ^^^
  |"""


@pytest.mark.parametrize("role", ["admin", "server", "client", '"server-readonly"'])
def test_disallow_builtin_roles_in_access_providers(db, role):
    name = role.strip('"')
    assert push_error(db, f'access provider foo {{\n  issuer "me"\n  jwks_uri "https://example.com"\n  role {role}\n}}') == f"""\
error: Builtin role `{name}` is not allowed
at main.fsl:4:8
  |
4 |   role {role}
  |        {"^" * len(role)}
  |"""


def test_allow_roles_refering_to_aliases(db):
    push(db, "@alias(foo2)\nfunction foo() { 0 }\n\nrole bar {\n  privileges foo2 { read }\n}")
    assert q(db, 'Role.byName("bar")!.privileges') == [{"resource": "foo2", "actions": {"read": True}}]


# The cases core's validator passes whose checks are its typer's: the schema is taken, and does what it says.
@pytest.mark.parametrize(
    ("source", "query", "expected"),
    [
        pytest.param("function one(x) {\n  x + 2\n}", "one(1)", 3, id="infer function signatures"),
        pytest.param("function one(x: Int): Int {\n  x * 2\n}", "one(2)", 4, id="validate explicit signatures"),
        # With `Number` where the spec has `Int`: its stdlib is a test one (package.scala's StdlibEnv, where
        # `+` is `(Int, Int) => Int`); core's own types `x - 1` as `Number` (Numbers.scala's defOp "-" ->
        # tt.Number), which its `fac(x: Int)` does not take (fql's typer: ``Type `Number` is not a subtype
        # of `Int` ``).
        pytest.param(
            "function fac(x: Number): Number {\n  if (x > 0) {\n    fac(x - 1) * x\n  } else {\n    1\n  }\n}",
            "fac(5)",
            120,
            id="check for recursive functions",
        ),
        pytest.param(
            "function varargs(a: Int, ...x: Int): Int {\n  a * x.length\n}\n\nfunction foo() {\n  varargs(1, 2, 3)\n}",
            "foo()",
            2,
            id="validate variadics correctly",
        ),
        pytest.param(
            "function no_names(_: Int, _: String): Int {\n  3\n}\n\nfunction one_named(_: Int, a: String): Int {\n  no_names(2, a)\n}",
            'one_named(1, "a")',
            3,
            id="handle unnamed arguments correctly",
        ),
        pytest.param(
            "collection User {\n  name: String\n\n  check foo (doc => doc.name.length > 3)\n}",
            'User.create({ name: "Abcd" }).name',
            "Abcd",
            id="validate check constraints",
        ),
        pytest.param(
            "collection User {\n  name: String\n\n  compute foo = doc => doc.name.length > 3\n}",
            'User.create({ name: "Ab" }).foo',
            False,
            id="validate computed fields",
        ),
        pytest.param(
            'collection User {\n  first: String\n  last: String\n  compute name = doc => doc.first + " " + doc.last\n}\n\n'
            "function myUser() {\n  User.byId(1)!.name\n}",
            'User.create({ id: 1, first: "a", last: "b" }); myUser()',
            "a b",
            id="infer across computed fields and functions",
        ),
        pytest.param(
            "collection User {\n  foo: Int\n}\nrole Admin {\n  privileges User {\n    read { predicate ((doc) => doc.foo) }\n  }\n}",
            'Role.byName("Admin")!.privileges[0].actions.read',
            "(doc) => doc.foo",
            id="check role privileges",
        ),
        pytest.param(
            "collection User {\n  foo: Int\n}\nrole Admin {\n  membership User {\n    predicate ((doc) => doc.foo)\n  }\n}",
            'Role.byName("Admin")!.membership[0].predicate',
            "(doc) => doc.foo",
            id="check role membership",
        ),
        pytest.param(
            'collection User {\n  foo: Int\n}\nrole Foo {}\naccess provider FooBar {\n  issuer "me"\n'
            '  jwks_uri "https://example.com"\n  role Foo {\n    predicate ((doc) => doc.foo)\n  }\n}',
            'AccessProvider.byName("FooBar")!.roles[0].predicate',
            "(doc) => doc.foo",
            id="check access provider roles",
        ),
    ],
)
def test_cases_the_typer_passes(db, source, query, expected):
    push(db, source)
    assert q(db, query) == expected


def _at(line: int, column: int, source_line: str, width: int) -> str:
    gutter = " " * len(str(line))
    return f"at main.fsl:{line}:{column}\n{gutter} |\n{line} | {source_line}\n{gutter} | {' ' * (column - 1)}{'^' * width}\n{gutter} |"


ONE_PLUS_HI = "error: Type `String` is not a subtype of `Number`\n"


# The failing halves: core's typer's errors, drawn in the file.
@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param(
            "function one() {\n  1.foo\n}",
            "error: Type `Int` does not have field `foo`\n" + _at(2, 5, "  1.foo", 3),
            id="check for simple validation errors",
        ),
        pytest.param(
            "function one(x: Int): Int {\n  x.length\n}",
            "error: Type `Int` does not have field `length`\n"
            + _at(2, 5, "  x.length", 6)
            + "\nhint: Type `Int` inferred here\n"
            + _at(1, 17, "function one(x: Int): Int {", 3),
            id="validate explicit signatures",
        ),
        pytest.param(
            "function fac(x) {\n  if (x > 0) {\n    fac(x - 1) * x\n  } else {\n    1\n  }\n}",
            """\
error: Recursively defined `fac` needs explicit type.
at main.fsl:1:1
  |
1 |   function fac(x) {
  |  _^
2 | |   if (x > 0) {
3 | |     fac(x - 1) * x
4 | |   } else {
5 | |     1
6 | |   }
7 | | }
  | |_^
  |""",
            id="check for recursive functions",
        ),
        pytest.param(
            'collection User {\n  name: String\n\n  check foo (_ => "hello".foo)\n}',
            "error: Type `String` does not have field `foo`\n" + _at(4, 27, '  check foo (_ => "hello".foo)', 3),
            id="validate check constraints",
        ),
        pytest.param(
            'collection User {\n  name: String\n\n  compute foo = _ => "hello".foo\n}',
            "error: Type `String` does not have field `foo`\n" + _at(4, 30, '  compute foo = _ => "hello".foo', 3),
            id="validate computed fields",
        ),
        pytest.param(
            "collection User {\n  foo: Int\n}\nrole Admin {\n  privileges User {\n    read { predicate ((doc) => 1 + 'hi') }\n  }\n}",
            ONE_PLUS_HI + _at(6, 36, "    read { predicate ((doc) => 1 + 'hi') }", 4),
            id="check role privileges",
        ),
        pytest.param(
            "collection User {\n  foo: Int\n}\nrole Admin {\n  membership User {\n    predicate ((doc) => 1 + 'hi')\n  }\n}",
            ONE_PLUS_HI + _at(6, 29, "    predicate ((doc) => 1 + 'hi')", 4),
            id="check role membership",
        ),
        pytest.param(
            'collection User {\n  foo: Int\n}\nrole Foo {}\naccess provider FooBar {\n  issuer "me"\n'
            "  jwks_uri \"https://example.com\"\n  role Foo {\n    predicate ((doc) => 1 + 'hi')\n  }\n}",
            ONE_PLUS_HI + _at(9, 29, "    predicate ((doc) => 1 + 'hi')", 4),
            id="check access provider roles",
        ),
    ],
)
def test_type_errors_in_bodies(db, source, expected):
    assert push_error(db, source) == expected
    assert q(db, "Collection.all().count() + Function.all().count() + Role.all().count()") == 0


def _static_type(db: fql.Database, query: str) -> str | None:
    return db.run_with_state(fql.parse(query, "v10"), syntax="v10", typecheck=True)[1].static_type


@pytest.mark.parametrize(
    ("source", "query", "inferred"),
    [
        # Core's FunctionUpdate / CollectionUpdate results: the types its typer gives the items, seen as
        # their static types.
        pytest.param("function one(x) {\n  x + 2\n}", "one", "UserFunction<Number => Number>", id="infer function signatures"),
        pytest.param(
            "function one(x: Int): Int {\n  x * 2\n}", "one", "UserFunction<(x: Int) => Int>", id="validate explicit signatures"
        ),
        pytest.param(
            "collection User {\n  name: String\n\n  compute foo = doc => doc.name.length > 3\n}",
            "User.all().map(doc => doc.foo)",
            "Set<Boolean>",
            id="validate computed fields",
        ),
        pytest.param(
            'collection User {\n  first: String\n  last: String\n  compute name = doc => doc.first + " " + doc.last\n}\n\n'
            "function myUser() {\n  User.byId(1)!.name\n}",
            "myUser",
            "UserFunction<() => String>",
            id="infer across computed fields and functions",
        ),
    ],
)
def test_inferred_signatures(db, source, query, inferred):
    push(db, source)
    assert _static_type(db, query) == inferred
