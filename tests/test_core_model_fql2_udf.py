"""Core's model FQL2UserFunctionSpec (ext/model/src/test/scala/fql2/FQL2UserFunctionSpec.scala): the cases
no other module covers, run as core's `evalOk` runs them (an admin of a new database, typechecked). Each
test names its case.

Ported elsewhere: "validates role name", "cannot assign admin privileges with the server role", "validate
foreign references", "fql4" (but three of its cases, here), "FQLX values can be passed to FQLX functions" (with either role)
(test_core_auth10.py); "internal signatures are added (via post-eval hook)" and "internal signature
anneals correctly" (test_core_typer.py, but `x => x + x`, whose overloaded type fql's checker does not
infer: README); "stack frame limits apply to recursion depth" at core's production limit, 2048
(test_core_fql2_user_function_spec.py; the spec runs with a test limit of 256); "user signatures are
validated" (test_v10_summaries.py, tests/schema/test_core_env_schema_checks.py); "disallows short lambdas"
(tests/fixtures/v10/misc.fql); "give pretty error for collections created in this transaction"
(test_v10_summaries.py). Skipped: "invalid internal sig falls back to any" (it breaks the stored internal
signature with Store.internalUpdate, which fql has no way to do).
"""

from __future__ import annotations

import pytest

import fql
from fql.auth.credentials import TEST_PARAMS
from fql.errors import QueryCheckError
from tests.helpers import QueryEndpoint, query_v10, query_v10_error, type_of


@pytest.fixture
def db() -> fql.Database:
    return fql.connect(root_secret="secret", argon2=TEST_PARAMS)


def test_can_delete_udfs(db):
    query_v10(db, "Function.create({ name: 'AddTwo', body: 'x => x + 2' })")
    before = "[Function.byName('AddTwo').exists(), Function.byName('AddTwo') == null, Function.byName('AddTwo').name]"
    assert query_v10(db, before) == [True, False, "AddTwo"]
    assert query_v10(db, "AddTwo.definition.name") == "AddTwo"
    query_v10(db, "AddTwo.definition.delete()")
    # `.name` reads the name off the reference, so it still answers once the function is gone.
    assert query_v10(db, before) == [False, True, "AddTwo"]
    with pytest.raises(QueryCheckError) as caught:
        query_v10(db, "AddTwo.definition.name")
    assert [check.description for check in caught.value.checks] == ["Unbound variable `AddTwo`"]
    missing = "[Function.byName('Foo').exists(), Function.byName('Foo') == null, Function.byName('Foo').name]"
    assert query_v10(db, missing) == [False, True, "Foo"]


def test_can_refer_to_builtin_roles(db):
    roles = ("admin", "server", "server-readonly", "client")
    query_v10(db, "\n".join(f'Function.create({{ name: "Fn{i}", body: "_ => null", role: "{role}" }})' for i, role in enumerate(roles)))
    assert query_v10(db, "Function.all().map(.role).toArray()") == list(roles)


ROLE = 'Role.create({\n  name: "aRole",\n  privileges: {\n    resource: "Collection",\n    actions: {\n      read: true\n    }\n  }\n})'
FUNCTION = 'Function.create({\n  name: "aFn",\n  body: "_ => null",\n  role: "aRole"\n})'


@pytest.mark.parametrize(
    "query",
    [f"{ROLE}\n\n{FUNCTION}", f"{FUNCTION}\n\n{ROLE}"],
    ids=["can refer to user-defined roles by name", "can create refer its refered role"],
)
def test_a_function_may_name_a_role_the_query_creates(db, query):
    # The role's name is checked once the query has run (core's NameValidationHook), so it may come later.
    query_v10(db, query)
    assert query_v10(db, "aFn.definition.role") == "aRole"


def test_recursion_works_with_typechecks(db):
    query_v10(db, 'Function.create({ name: "fact", signature: "Number => Number", body: "x => if (x == 0) 0 else x + fact(x - 1)" })')
    query_v10(db, 'Function.create({ name: "fact2", signature: "Number => Number", body: "x => if (x == 0) 0 else fact(x - 1) + x" })')
    assert query_v10(db, "[fact(10), fact2(10)]") == [55, 55]


def test_recursion_works_without_typechecks(db):
    # "recursion works (w/o typechecks)": in a database that is not typechecked a recursive function
    # needs no signature.
    query_v10(db, "Database.create({ name: 'untyped', typechecked: false })")
    child = "secret:untyped:admin"
    query_v10(db, 'Function.create({ name: "fact", body: "x => if (x == 0) 0 else x + fact(x - 1)" })', child, typecheck=False)
    assert query_v10(db, "fact(10)", child, typecheck=False) == 55


def test_stack_frame_limits_apply_to_parallel_execution(db):
    # Each element's recursion has its own depth: four calls at the limit pass, four past it overflow.
    query_v10(db, 'Function.create({ name: "count", signature: "Number => Number", body: "x => if (x == 0) 0 else 1 + count(x - 1)" })')
    assert query_v10(db, "[count(2048), count(2048), count(2048), count(2048)]") == [2048] * 4
    err = query_v10_error(db, "[count(2049), count(2049), count(2049), count(2049)]")
    assert err.v10_code == "stack_overflow"


@pytest.mark.parametrize(
    "name, signature, body, shown",
    [
        ("aFn", "Number => Number", "x => Math.sign(x)", "UserFunction<(x: Number) => Number>"),
        ("aFnR", "Number => Number", "x => if (x == 0) Math.sign(x) else aFnR(x - 1)", "UserFunction<(x: Number) => Number>"),
        ("aFnG", "A => A", "x => x", "UserFunction<(x: A) => A>"),
    ],
)
def test_user_signatures_are_added(db, name, signature, body, shown):
    # Core stores the internal signature with the parameter named as the body names it
    # (`(x: Number) => Number`, generic `<A> (x: A) => A`); fql shows it as the function's type.
    made = query_v10(db, f'Function.create({{ name: "{name}", signature: "{signature}", body: "{body}" }})')
    assert made["signature"] == signature
    assert type_of(db, name) == shown


def test_a_function_calling_another_keeps_its_signature(db):
    # "user signatures are added": a function whose body calls another.
    query_v10(db, 'Function.create({ name: "aFn", signature: "Number => Number", body: "x => Math.sign(x)" })')
    query_v10(db, 'Function.create({ name: "aFn2", signature: "Number => Number", body: "x => Math.sign(aFn(x))" })')
    assert type_of(db, "aFn2") == "UserFunction<(x: Number) => Number>"
    assert query_v10(db, "aFn2(-3)") == -1


def test_fql4_preserves_fqlx_fields_on_update(db):
    # "fql4" / "preserves fqlx fields on update": an empty v4 Update leaves the v10 function as it was.
    query_v10(db, 'Function.create({\n  name: "sheepIt",\n  alias: "goatIt",\n  body: "x => x"\n})\n')
    before = db.query('Get(Ref("functions/sheepIt"))')
    db.query('Update(Ref("functions/sheepIt"), {})')
    after = db.query('Get(Ref("functions/sheepIt"))')
    assert {k: v for k, v in after.items() if k != "ts"} == {k: v for k, v in before.items() if k != "ts"}


def test_fql4_can_update_body_with_fql4_body_removing_the_internal_sig(db):
    # "fql4" / "can update body with fql4 body (should remove internal sig)": core drops the internal
    # signature inferred from `x => x`, so v10 no longer holds the function to one argument.
    query_v10(db, 'Function.create({\n  name: "sheepIt",\n  alias: "goatIt",\n  body: "x => x"\n})\n')
    assert type_of(db, "sheepIt") == "UserFunction<A => A>"
    db.query('Update(Ref("functions/sheepIt"), { body: Query(Lambda([], "newFunc")) })')
    assert db.query('Select("body", Get(Ref("functions/sheepIt")))') == db.query('Query(Lambda([], "newFunc"))')
    assert query_v10(db, "sheepIt()") == "newFunc"


def test_fql4_can_update_v4_functions_from_v10(db):
    # "fql4" / "can update v4 functions from v10": a function v4 made takes an alias from v10.
    db.query('CreateFunction({ name: "fn", body: Query(Lambda([], "newFunc")) })')
    assert query_v10(db, "Function.byName('fn')!.update({ alias: 'FnV4' }).alias") == "FnV4"
    assert query_v10(db, "FnV4()") == "newFunc"


def test_doesnt_give_hint_for_user_function_that_dont_exist(db):
    body = QueryEndpoint("secret").body(db, 'Function("Foo")\n')
    assert body["summary"] == (
        "error: invalid argument `function`: No such user function `Foo`.\n"
        "at *query*:1:9\n  |\n1 | Function(\"Foo\")\n  |         ^^^^^^^\n  |"
    )


def test_fqlx_values_can_be_passed_to_fqlx_functions(db):
    # A function value goes in and comes back as it is.
    query_v10(db, 'Function.create({ name: "Passthrough", body: "x => x" })')
    assert query_v10(db, "[Passthrough(Collection.all)().count(), Passthrough(Math.abs)(-2)]") == [0, 2]
