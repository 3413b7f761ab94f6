"""Core's SchemaTypeValidator on the FQL of a schema as a write leaves it (fql/eval/v10/envcheck.py): the
cases of core's model specs whose errors fql's typer finds, with core's texts, through v10 schema writes
(`invalid_schema`, `Invalid database schema update.` with the errors drawn in main.fsl under it) and FSL
pushes (the errors alone), staged ones too; and FQL2EnvTypecheckSpec's `db typecheck flag` with a body
fql's typer refuses (core's case divides a String, which it does not: see README, Typechecking)."""

from __future__ import annotations

import pytest

import fql
from fql.errors import FQLError
from fql.schema.manager import SchemaError
from tests.helpers import query_v10, query_v10_error

ROOT = "secret"
APP = f"{ROOT}:app:admin"


@pytest.fixture
def db() -> fql.Database:
    db = fql.connect(root_secret=ROOT)
    db.query("Database.create({ name: 'app' })", secret=ROOT, syntax="v10")
    return db


def q(db: fql.Database, text: str, secret: str = APP) -> object:
    """The query's value, run as the child database's admin unless told otherwise."""
    return query_v10(db, text, secret)


def refused(db: fql.Database, text: str, secret: str = APP) -> FQLError:
    err = query_v10_error(db, text, secret)
    assert err.v10_code == "invalid_schema"
    return err


def push_refused(db: fql.Database, text: str, staged: bool = False) -> str:
    with pytest.raises(SchemaError) as caught:
        db.push_schema({"main.fsl": text}, secret=APP, staged=staged)
    return caught.value.message


COMPUTE = """\
Collection.byName('Foo')!.update({{
  computed_fields: {{
    bar: {{
      body: "{body}",
      signature: "{signature}",
    }}
  }}
}})"""


def test_checks_computed_field_signatures(db):
    # FQL2ComputedFieldsSpec "checks computed field signatures" (the literal's misfit; `doc * 2`, whose
    # document core shows expanded, is not modelled).
    q(db, "Collection.create({ name: 'Foo' })")
    q(db, COMPUTE.format(body="doc => 'foo'", signature="String"))
    err = refused(db, COMPUTE.format(body="doc => 'foo'", signature="Number"))
    assert err.description == """\
Invalid database schema update.
    error: Type `String` is not a subtype of `Number`
    at main.fsl:5:34
      |
    5 |   compute bar: Number = (doc) => "foo"
      |                                  ^^^^^
      |"""
    assert q(db, "Foo.definition.computed_fields.bar.signature") == "String"


STAGED_BEFORE = "collection User {\n  name: String\n}\n\nfunction foo() {\n  User.create({ name: 'Bob' })\n}"
STAGED_AFTER = """\
collection User {
  name: String
  email: String

  migrations {
    add .email
    backfill .email = "foo@example.com"
  }
}

function foo() {
  User.create({ name: 'Bob' })
}"""
NO_EMAIL = """\
error: Type `{ name: "Bob" }` does not have field `email`
at main.fsl:12:15
   |
12 |   User.create({ name: 'Bob' })
   |               ^^^^^^^^^^^^^^^
   |"""


@pytest.mark.parametrize("staged", [True, False], ids=["staged", "active"])
def test_disallow_staging_an_invalid_update(db, staged):
    # FQL2StagedSchemaSpec "disallow staging an invalid update": the function is checked against the
    # schema the push makes, not the active one; and the same push unstaged.
    db.push_schema({"main.fsl": STAGED_BEFORE}, secret=APP)
    q(db, "User.create({ name: 'Alice' })")
    assert push_refused(db, STAGED_AFTER, staged=staged) == NO_EMAIL
    assert q(db, "Collection.byName('User')!.fields") == {"name": {"signature": "String"}}
    assert q(db, "foo().name") == "Bob"


def test_a_function_write_is_checked_as_its_schema_file_shows_it(db):
    # Core's TypeEnvValidator after `Function.create`: the body as main.fsl writes it, its parameter of
    # its signature's type (the hint at that type).
    err = refused(db, "Function.create({ name: 'f', body: '(x) => x.length', signature: '(x: Int) => Int' })")
    assert err.description == """\
Invalid database schema update.
    error: Type `Int` does not have field `length`
    at main.fsl:5:5
      |
    5 |   x.length
      |     ^^^^^^
      |
    hint: Type `Int` inferred here
    at main.fsl:4:15
      |
    4 | function f(x: Int): Int {
      |               ^^^
      |"""
    assert q(db, "Function.byName('f').exists()") is False


@pytest.mark.parametrize(
    "signature, line",
    [
        ("Foo => Number", "function f(x: Foo): Number {"),
        ("Ref<Foo> => Number", "function f(x: Ref<Foo>): Number {"),
        ("(x: Number) => Foo", "function f(x: Number): Foo {"),
    ],
)
def test_a_function_signature_names_known_types(db, signature, line):
    # Core's TypeEnvValidator types the whole schema after `Function.create`, a function's signature too: a
    # name that is no type (nor a type parameter, taken and returned) is `Unknown type`, where main.fsl
    # writes it (as FQL2TypeEnvValidationSpec's field signatures, FQL2DocRefSpec). A generic one passes.
    err = refused(db, f"Function.create({{ name: 'f', body: 'x => 1', signature: '{signature}' }})")
    column = line.index("Foo") + 1
    assert err.description.splitlines()[1:5] == [
        "    error: Unknown type `Foo`",
        f"    at main.fsl:4:{column}",
        "      |",
        f"    4 | {line}",
    ]
    assert q(db, "Function.byName('f').exists()") is False
    q(db, "Function.create({ name: 'g', body: 'x => x', signature: 'A => A' })")
    # A database that is not typechecked checks no function (FQL2TypeEnvValidationSpec "like UDFs").
    q(db, "Database.create({ name: 'untyped', typechecked: false })")
    q(db, f"Function.create({{ name: 'f', body: 'x => 1', signature: '{signature}' }})", f"{ROOT}:app/untyped:admin")


def test_what_a_signature_makes_fail_is_reported_only_as_a_lone_missing_field(db):
    # Core types the lambda, then constrains it by its signature, and words that constraint's failures as
    # one (FQL2UserFunctionSpec "badSig": ``Type `String => String` is not a subtype of `(x: Int) => Int` ``
    # with causes), unless one more specific failure is all there is (a missing field). fql reports that
    # one only, and takes the rest (README).
    q(db, """Function.create({ name: "badSig", signature: "Int => Int", body: "x => 'hello, '.concat(x)" })""")
    q(db, "Function.create({ name: 'g', signature: '(x: Int) => Int', body: '(x) => { x.foo; \\'a\\' }' })")
    err = refused(db, "Function.create({ name: 'h', signature: '(x: Int) => Int', body: '(x) => x.foo' })")
    assert err.description.splitlines()[1] == "    error: Type `Int` does not have field `foo`"


def test_a_recursive_function_needs_a_signature(db):
    # SchemaTypeValidatorSpec "check for recursive functions", through Function.create.
    err = refused(db, "Function.create({ name: 'fac', body: '(x) => if (x > 0) fac(x - 1) * x else 1' })")
    assert err.description.splitlines()[:2] == [
        "Invalid database schema update.",
        "    error: Recursively defined `fac` needs explicit type.",
    ]
    q(db, "Function.create({ name: 'fac', body: '(x) => if (x > 0) fac(x - 1) * x else 1', signature: '(x: Number) => Number' })")
    assert q(db, "fac(5)") == 120


def test_checks_env_types_if_db_typechecking_is_enabled(db):
    # FQL2EnvTypecheckSpec "checks env types if db typechecking is enabled", with `x => 1.foo` for core's
    # `x => 'foo' / x`: made while the database is not typechecked, any schema write once it is checks
    # every body (`Function.byName("aFn")!.update({})` is invalid_schema), and deleting it fixes it.
    q(db, 'Database.byName("app")!.update({ typechecked: false })', ROOT)
    q(db, 'Function.create({\n  name: "aFn",\n  body: "x => 1.foo"\n})')
    q(db, 'Collection.create({ name: "Other" })')
    q(db, 'Database.byName("app")!.update({ typechecked: true })', ROOT)
    err = refused(db, 'Function.byName("aFn")!.update({})')
    assert "error: Type `Int` does not have field `foo`" in err.description
    refused(db, 'Collection.create({ name: "More" })')
    q(db, 'Function.byName("aFn")!.delete()')
    q(db, 'Collection.create({ name: "More" })')


def test_role_predicates_are_checked_once_the_rest_passes(db):
    # SchemaTypeValidator.validate types roles' predicates only when the collections and functions passed.
    source = "collection User {\n  foo: Int\n}\n\nfunction f() {\n  1.foo\n}\n\nrole Admin {\n  membership User {\n    predicate ((doc) => 1 + 'hi')\n  }\n}"
    message = push_refused(db, source)
    assert message.startswith("error: Type `Int` does not have field `foo`") and "subtype" not in message


def test_functions_without_signatures_calling_each_other_need_one(db):
    # TyperEnv.typeRecEnv: each of the globals it infers that reaches itself is RecursiveVariable, over it.
    message = push_refused(db, "function ping(n) {\n  pong(n)\n}\n\nfunction pong(n) {\n  ping(n)\n}\n\nfunction ok(n) {\n  ping(n)\n}")
    assert [line for line in message.splitlines() if line.startswith("error:")] == [
        "error: Recursively defined `ping` needs explicit type.",
        "error: Recursively defined `pong` needs explicit type.",
    ]


ROLE_PREDICATES = """\
Collection.create({name: "User"})
Collection.create({name: "Book"})

Role.create({
  name: "aRole",
  membership: { resource: "User", predicate: "u => Users == u" },
  privileges: {
    resource: "Book",
    actions: {
      read: "x => Books == x"
    }
  }
})
"""


def test_typechecks_role_predicates(db):
    # FQL2RoleSpec "typechecks role predicates": names nothing binds, the membership's first.
    assert refused(db, ROLE_PREDICATES).description == """\
Invalid database schema update.
    error: Unbound variable `Users`
    at main.fsl:17:23
       |
    17 |     predicate ((u) => Users == u)
       |                       ^^^^^
       |
    error: Unbound variable `Books`
    at main.fsl:13:25
       |
    13 |       predicate ((x) => Books == x)
       |                         ^^^^^
       |"""
    assert q(db, "Collection.all().count()") == 0


PROVIDER = """\
Collection.create({ name: "User" })

Role.create({ name: "aRole", privileges: { resource: "User", actions: {} } })

AccessProvider.create({
  name: "anAccessProvider",
  issuer: "https://fauna.auth0.com",
  jwks_uri: "https://fauna.auth0.com/.well-known/jwks.json",
  roles: [
    {
      role: "aRole",
      predicate: "_ => Users.all == null"
    }
  ]
})"""


def test_typechecks_access_provider_membership_predicates(db):
    # FQL2AccessProviderSpec "typechecks membership predicates".
    err = refused(db, PROVIDER)
    assert err.description == """\
Invalid database schema update.
    error: Unbound variable `Users`
    at main.fsl:16:23
       |
    16 |     predicate ((_) => Users.all == null)
       |                       ^^^^^
       |"""
    # Placed at the query's last schema write, `AccessProvider.create`'s arguments (core's Span(137, 358)):
    # core merges the query's TypeEnvValidators, the last one's stack trace winning.
    assert (err.span.start, err.span.end) == (137, 358)
