"""Core's v10 auth and schema-document specs (FQL2TokenSpec, FQL2CredentialSpec, FQL2KeySpec, FQL2QuerySpec,
FQL2DatabaseSpec, FQL2UserFunctionSpec, FQL2SchemaV4Spec), run through `POST /query/1` in-process with the
secrets they name. Each test names the spec it comes from."""

from __future__ import annotations

import json

import pytest

import fql
from fql.auth.credentials import TEST_PARAMS
from fql.errors import FQLError
from fql.server import v10
from tests.helpers import QueryEndpoint

SECRET = "secret"
DENIED = "Insufficient privileges to perform the action."


@pytest.fixture
def db() -> fql.Database:
    return fql.connect(root_secret=SECRET, argon2=TEST_PARAMS)


ENDPOINT = QueryEndpoint(SECRET, fmt="simple", typecheck=True)
answer, ok, err = ENDPOINT.answer, ENDPOINT.ok, ENDPOINT.err


def failures(body: dict) -> list:
    return body["error"].get("constraint_failures")


def v4_error(db: fql.Database, query: str) -> dict:
    with pytest.raises(FQLError) as caught:
        db.query(query)
    return caught.value.to_dict()


NATIVE = [{"paths": [["document"]], "message": "Expected document from a user-defined collection."}]


# -- FQL2TokenSpec, FQL2CredentialSpec ------------------------------------------------------------------


@pytest.mark.parametrize("module, noun", [("Token", "Token"), ("Credentials", "Credential")])
def test_a_native_document_cannot_have_a_token_or_credential(db, module, noun):
    key = ok(db, "Key.create({ role: 'server' }).id")
    password = ", password: '123'" if module == "Credentials" else ""
    body = err(db, f"{module}.create({{ document: Key.byId('{key}'){password} }})")
    assert body["error"]["message"] == f"Failed to create {noun}."
    assert failures(body) == NATIVE


def test_a_token_can_change_its_document(db):
    ok(db, 'Collection.create({ name: "Foo" })')
    first, second = ok(db, "Foo.create({}).id"), ok(db, "Foo.create({}).id")
    token = ok(db, f"Token.create({{ document: Foo.byId('{first}') }})")
    ok(db, f"Token.byId('{token['id']}')!.update({{ document: Foo.byId('{second}') }})")
    assert ok(db, f"Token.byId('{token['id']}')!.document.id") == second
    # The secret still works, and now acts as the new document.
    assert ok(db, "Query.identity().id", token["secret"]) == second
    ok(db, f"Token.byId('{token['id']}')!.replace({{ document: Foo.byId('{first}') }})")
    assert ok(db, "Query.identity().id", token["secret"]) == first
    assert ok(db, f"Token.byDocument(Foo.byId('{second}')!).count()") == 0


def test_a_token_cannot_move_to_a_native_document(db):
    ok(db, 'Collection.create({ name: "Foo" })')
    token = ok(db, f"Token.create({{ document: Foo.byId('{ok(db, 'Foo.create({}).id')}') }}).id")
    key = ok(db, "Key.create({ role: 'server' }).id")
    body = err(db, f"Token.byId('{token}')!.update({{ document: Key.byId('{key}') }})")
    assert body["error"]["message"] == f"Failed to update Token with id {token}."
    assert failures(body) == NATIVE


# -- FQL2KeySpec ----------------------------------------------------------------------------------------


def test_a_key_names_its_database_and_can_move_to_another(db):
    ok(db, 'Database.create({ name: "child0" })')
    ok(db, 'Database.create({ name: "child1" })')
    ok(db, 'Collection.create({ name: "C1" })', "secret:child1:admin")
    key = ok(db, 'Key.create({ role: "admin", database: "child0" })')
    assert key["database"] == "child0"
    assert ok(db, "Collection.all().map(.name).toArray()", key["secret"]) == []
    ok(db, f'Key.byId("{key["id"]}")!.update({{ database: "child1" }})')
    assert ok(db, f'Key.byId("{key["id"]}")!.database') == "child1"
    assert ok(db, "Collection.all().map(.name).toArray()", key["secret"]) == ["C1"]
    ok(db, f'Key.byId("{key["id"]}")!.replace({{ role: "admin", database: "child0" }})')
    assert ok(db, "Collection.all().map(.name).toArray()", key["secret"]) == []


def test_a_key_made_in_v4_shows_its_database_by_name(db):
    ok(db, 'Database.create({ name: "child" })')
    ref = db.query('CreateKey({ role: "admin", database: Database("child") })')["ref"]
    assert ok(db, f"Key.byId('{ref.id}')!.database") == "child"


@pytest.mark.parametrize(
    "query, path, message",
    [
        ('Key.create({ role: "foobar" })', ["role"], "Field refers to an unknown role name `foobar`."),
        # A v10 key's role is a String (NativeCollection.Key), so an array is the schema's type failure.
        ('Key.create({ role: ["nope"] })', ["role"], "Expected String, provided [String]"),
        (
            'Key.create({ role: "admin", database: "nope" })',
            ["database"],
            "Field refers to an unknown database name `nope`.",
        ),
    ],
)
def test_a_key_names_roles_and_databases_that_exist(db, query, path, message):
    body = err(db, query)
    assert body["error"]["message"] == "Failed to create Key."
    assert failures(body) == [{"paths": [path], "message": message}]


def test_a_key_update_names_a_role_that_exists(db):
    key = ok(db, 'Key.create({ role: "server" }).id')
    body = err(db, f'Key.byId("{key}")!.update({{ role: "nope" }})')
    assert body["error"]["message"] == f"Failed to update Key with id {key}."
    assert failures(body) == [{"paths": [["role"]], "message": "Field refers to an unknown role name `nope`."}]


# -- FQL2QuerySpec --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query, why", [("Query.identity()", "missing identity"), ("Query.token()", "no token")]
)
def test_a_key_has_no_identity_or_token(db, query, why):
    key = ok(db, 'Key.create({ role: "admin" }).secret')
    assert ok(db, query, key) is None
    assert err(db, query + "!", key)["error"] == {"code": "null_value", "message": f"Null value, due to {why}"}


# -- FQL2DatabaseSpec -----------------------------------------------------------------------------------


def test_a_database_write_names_only_its_fields(db):
    body = err(db, 'Database.create({\n  name: "Foo",\n  scope: 1\n})', typecheck=False)
    assert body["summary"] == (
        "error: Failed to create Database.\nconstraint failures:\n  scope: Unexpected field provided\n"
        "at *query*:1:16\n  |\n1 |   Database.create({\n  |  ________________^\n2 | |   name: \"Foo\",\n"
        "3 | |   scope: 1\n4 | | })\n  | |__^\n  |"
    )


def test_an_invalid_database_name_is_left_alone(db):
    db.query('CreateDatabase({ name: "foo-bar" })')
    body = err(db, "Database.byName('foo-bar')!.update({ name: 'foo-baz' })")
    assert failures(body) == [{"paths": [["name"]], "message": "Invalid identifier."}]
    assert ok(db, "Database.byName('foo-bar')!.update({ data: { a: true } }).data") == {"a": True}


@pytest.mark.parametrize("write", ["create", "update", "replace"])
def test_an_account_is_set_only_where_no_ancestor_has_one(db, write):
    ok(db, "Database.create({ name: 'Foo', account: { id: 1234567 } })", typecheck=False)
    # (`account` is not in the static type: core's spec reads it untypechecked.)
    assert ok(db, "Database.byName('Foo')!.account", typecheck=False) == {"id": 1234567}
    child = "secret:Foo:admin"
    if write == "create":
        query = "Database.create({ name: 'Bar', account: { id: 1234 } })"
    else:
        ok(db, "Database.create({ name: 'Bar' })", child)
        query = f"Database.byName('Bar')!.{write}({{ name: 'Bar', account: {{ id: 1234 }} }})"
    assert ok(db, f"({query}) {{ name, account }}", child, typecheck=False) == {"name": "Bar", "account": None}


def test_an_account_id_is_unique(db):
    ok(db, "Database.create({ name: 'foo', account: { id: 42 } })", typecheck=False)
    body = err(db, "Database.create({ name: 'bar', account: { id: 42 } })", typecheck=False)
    assert failures(body) == [{"paths": [["account", "id"]], "message": "Failed unique constraint"}]


@pytest.mark.parametrize(
    "query",
    [
        "Key.create({ role: 'admin', database: 'Foo' })\n",
        "Key.create({ role: 'admin', database: 'Foo' })\nDatabase.byName('Foo')!.delete()\n",
        "Key.create({ role: 'admin', database: 'Foo' })\nKey.where(.database == 'Foo').forEach(.delete())\n",
    ],
)
def test_deleting_a_database_deletes_its_sibling_keys(db, query):
    ok(db, "Database.create({ name: 'Foo' })")
    ok(db, "Key.create({ role: 'server' })")
    ok(db, query)
    if ok(db, "Database.byName('Foo').exists()"):
        ok(db, "Database.byName('Foo')!.delete()")
    assert ok(db, "Key.all().map(.role).toArray()") == ["server"]


# -- FQL2UserFunctionSpec -------------------------------------------------------------------------------


def test_a_server_key_cannot_make_an_admin_function(db):
    server = ok(db, 'Key.create({ role: "server" }).secret')
    body = err(db, "Function.create({ name: 'no', body: '_ => 0', role: 'admin' })", server)
    assert body["error"]["message"] == "Failed to create Function."
    assert failures(body) == [
        {"paths": [["role"]], "message": "Cannot create a function with admin permissions using the server role."}
    ]
    ok(db, "Function.create({ name: 'yes', body: '_ => 0', role: 'server' })", server)
    body = err(db, "yes.definition.update({ role: 'admin' })", server)
    assert body["error"]["message"] == "Failed to update Function `yes`."
    assert failures(body) == [
        {"paths": [["role"]], "message": "Cannot grant a function admin permissions using the server role."}
    ]
    # An update that leaves an admin role as it is passes.
    ok(db, "Function.create({ name: 'meh', body: '_ => 0', role: 'admin' })")
    ok(db, "meh.definition.update({ role: 'admin' })", server)


def test_a_server_keys_admin_function_fails_once_the_query_has_run(db):
    # Not a spec case: core's FunctionPermissionsValidation is a revalidation hook (NativeCollection's
    # UserFunction revalidationHooks), so the query's own error comes first, and the failure is drawn at
    # the write once the query has run.
    server = ok(db, 'Key.create({ role: "server" }).secret')
    body = err(db, "Function.create({ name: 'no', body: '_ => 0', role: 'admin' })\n1 / 0", server)
    assert body["error"]["code"] == "divide_by_zero"
    ok(db, "Function.create({ name: 'yes', body: '_ => 0', role: 'server' })", server)
    assert err(db, "yes.definition.update({ role: 'admin' })\nabort(1)", server)["error"]["code"] == "abort"
    body = err(db, "Function.create({ name: 'no', body: '_ => 0', role: 'admin' })\n1", server)
    assert body["summary"].splitlines()[3] == "at *query*:1:16"
    assert ok(db, "[Function.byName('no').exists(), yes.definition.role]") == [False, "server"]


def test_a_function_role_must_exist_once_the_query_has_run(db):
    body = err(db, 'Function.create({\n  name: "aFn",\n  body: "_ => null",\n  role: "aRole"\n})')
    assert body["error"]["message"] == "Failed to create Function."
    assert failures(body) == [{"paths": [["role"]], "message": "Field refers to an unknown role name `aRole`."}]
    assert body["summary"].splitlines()[3] == "at *query*:1:16"
    assert ok(db, "Function.byName('aFn').exists()") is False
    # A role the same query creates after the function counts.
    ok(
        db,
        'Function.create({ name: "aFn", body: "_ => null", role: "aRole" })\n'
        'Role.create({ name: "aRole", privileges: { resource: "Collection", actions: { read: true } } })',
    )


def test_v4_call_spreads_arguments_over_a_v10_function(db):
    ok(db, 'Function.create({ name: "noParams", body: "() => [1 , 2]" })')
    ok(db, 'Function.create({ name: "doubleFunc", body: "x => x * 2" })')
    ok(db, 'Function.create({ name: "twoParams", body: "(x, y) => [x, y]" })')
    assert db.query('Call("noParams")') == [1, 2]
    assert db.query('Call("doubleFunc", 10)') == 20
    assert db.query('Call("twoParams", [1, 2])') == [1, 2]
    for args, n in [("", 0), (", 10, 10", 2)]:
        assert v4_error(db, f'Call("doubleFunc"{args})') == {
            "position": [],
            "code": "transaction aborted",
            "description": f"callee function expects exactly 1 argument, but {n} were provided.",
        }


def test_v4_call_of_a_v10_function_returning_a_lambda(db):
    ok(db, 'Function.create({ name: "invalidReturn", body: "x => (.name)" })')
    assert v4_error(db, 'Call("invalidReturn", "x")') == {
        "position": [],
        "code": "invalid argument",
        "description": "v10 value has type Lambda, which cannot be represented in v4.",
    }


@pytest.mark.parametrize(
    "body, shown",
    [
        ("x => [x, y => y]", "Array<Any>"),
        ("x => { a: Math.abs }", "{ *: Any }"),
        ("x => Math", "Math"),
        ("x => Collection.all()", "Set<Any>"),
        ("x => Math.abs", "Function"),
    ],
)
def test_v4_call_of_a_v10_function_returning_what_v4_cannot_hold(db, body, shown):
    """Core's UnholyEval.dataV10ToV4 takes scalars, documents and arrays and objects of them; anything
    else, at any depth, is LambdaWrapper's InvalidFQL4Value, named by the whole result's dynamic type."""
    ok(db, f'Function.create({{ name: "f", body: "{body}" }})')
    assert v4_error(db, 'Call("f", 1)')["description"] == f"v10 value has type {shown}, which cannot be represented in v4."


def test_v4_call_of_a_v10_function_gets_refs_and_spreads_fixed_parameters(db):
    """A v10 document is a v4 ref (UnholyEval.dataV10ToV4's RefL), in arrays and objects too; an array of
    arguments spreads over the fixed parameters only (LambdaWrapper.v4ToV10Args: a `...rest` is not one
    of the lambda's `params`, so `(...xs) => xs` gets the array as its one argument)."""
    ok(db, "Collection.create({ name: 'P' })")
    ok(db, "P.create({ id: '1' })")
    ok(db, "Function.create({ name: 'doc', body: 'x => [P.byId(\"1\"), { d: P.byId(\"2\") }]' })")
    assert db.query('IsRef(Select(0, Call("doc", 1)))') is True
    assert db.query('Select([1, "d", "id"], Call("doc", 1))') == "2"
    assert db.query('Select(["ref", "id"], Get(Select(0, Call("doc", 1))))') == "1"
    ok(db, 'Function.create({ name: "rest", body: "(...xs) => xs" })')
    ok(db, 'Function.create({ name: "more", body: "(x, ...ys) => [x, ys]" })')
    assert db.query('Call("rest", [1, 2])') == [[1, 2]]
    assert db.query('Call("rest", [])') == []
    assert db.query('Call("more", [1, 2, 3])') == [1, [2, 3]]


def test_v4_cannot_create_a_function_with_a_string_body(db):
    error = v4_error(db, 'CreateFunction({ name: "fn", body: "x => x" })')
    assert (error["code"], error["description"]) == (
        "schema validation failed",
        "Invalid type provided for field `body`.",
    )


# -- FQL2SchemaV4Spec -----------------------------------------------------------------------------------


def test_v4_write_failing_a_check_constraint(db):
    ok(
        db,
        'Collection.create({ name: "User", fields: { name: { signature: "Int" } }, '
        'constraints: [{ check: { name: "name_positive", body: "(doc) => doc.name > 0" } }] })',
    )
    db.query('Create(Collection("User"), { data: { name: 3 } })')
    error = v4_error(db, 'Create(Collection("User"), { data: { name: -2 } })')
    assert (error["code"], error["description"]) == (
        "check constraint failure",
        "Document failed check constraint `name_positive`",
    )
    # v10 keeps its constraint failure.
    body = err(db, "User.create({ name: -2 })")
    assert body["error"]["message"] == "Failed to create document in collection `User`."


# -- FQL2RoleSpec ---------------------------------------------------------------------------------------

TOO_MANY = [{"paths": [[]], "message": "The maximum number of roles per resource (64) have been exceeded."}]


def test_at_most_64_roles_have_a_collection_in_their_membership(db):
    ok(db, "Collection.create({ name: 'Users' })")
    ok(db, "Collection.create({ name: 'Books' })")
    role = 'Role.create({{ name: "{}", membership: {{ resource: "{}" }}, privileges: {{ resource: "Books", actions: {{}} }} }})'
    ok(db, role.format("anotherRole", "Books"))
    ok(db, "\n".join(role.format(f"aRole{i}", "Users") for i in range(1, 65)))
    body = err(db, role.format("aRole", "Users"))
    assert (body["error"]["message"], failures(body)) == ("Failed to create Role.", TOO_MANY)
    body = err(db, 'Role.byName("anotherRole")!.update({ membership: { resource: "Users" } })')
    assert (body["error"]["message"], failures(body)) == ("Failed to update Role `anotherRole`.", TOO_MANY)


# FQL2RoleSpec "fql4" / "create" and "update" / "prevents membership resource string", "... membership
# predicate string", "... privileges resource string", "... privileges action predicate string": each as an
# object and as an array of one, as the spec writes them.
@pytest.mark.parametrize(
    "params, field, expected",
    [
        ('membership: { resource: "TestCol" }', ["membership", "resource"], "Ref"),
        ('membership: [{ resource: "TestCol" }]', ["membership", "resource"], "Ref"),
        ('membership: { resource: Collection("TestCol"), predicate: "x => true" }', ["membership", "predicate"], "Query"),
        ('membership: [{ resource: Collection("TestCol"), predicate: "x => true" }]', ["membership", "predicate"], "Query"),
        ('privileges: { resource: "TestCol" }', ["privileges", "resource"], "Ref"),
        ('privileges: [{ resource: "TestCol", actions: { read: true } }]', ["privileges", "resource"], "Ref"),
        (
            'privileges: { resource: Collection("TestCol"), actions: { read: "x => true" } }',
            ["privileges", "actions", "read"],
            "Query",
        ),
        (
            'privileges: [{ resource: Collection("TestCol"), actions: { read: "x => true" } }]',
            ["privileges", "actions", "read"],
            "Query",
        ),
    ],
)
def test_a_v4_role_names_no_resource_and_no_predicate_by_string(db, params, field, expected):
    ok(db, "Collection.create({ name: 'TestCol' })")
    failure = {"field": field, "code": "invalid type", "description": f"Invalid type String, expected type {expected}."}
    error = v4_error(db, f'CreateRole({{ name: "testRole", {params} }})')
    assert (error["code"], error["failures"]) == ("validation failed", [failure])
    db.query('CreateRole({ name: "r" })')
    error = v4_error(db, f'Update(Role("r"), {{ {params} }})')
    assert (error["code"], error["failures"]) == ("validation failed", [failure])
    # v10 roles name their resources and give their predicates as source.
    as_v10 = params.replace('Collection("TestCol")', '"TestCol"')
    ok(db, f'Role.byName("r")!.update({{ {as_v10} }})')


def _string(field: list, expected: str) -> dict:
    return {"field": field, "code": "invalid type", "description": f"Invalid type String, expected type {expected}."}


def test_a_v4_write_reads_the_role_as_it_would_be_written(db):
    # Core's Validator.patch validates the patched data, answering its failures `.distinct`: the same
    # string at the same unindexed path twice is one failure.
    ok(db, "Collection.create({ name: 'TestCol' })")
    error = v4_error(
        db,
        'CreateRole({ name: "twice", privileges: [{ resource: "TestCol", actions: { read: "x => true" } }, '
        '{ resource: "TestCol", actions: { read: "x => true", write: "(a, b) => true" } }] })',
    )
    assert error["failures"] == [
        _string(["privileges", "resource"], "Ref"),
        _string(["privileges", "actions", "read"], "Query"),
        _string(["privileges", "actions", "write"], "Query"),
    ]
    # A v4 Update of a v10 role fails on what it leaves of the role (PrivilegesFQL4FormatValidator and
    # MembershipsFQL4FormatValidator read the whole document); a Replace keeps only the name.
    ok(db, 'Role.create({ name: "r", privileges: { resource: "TestCol", actions: { read: true } }, '
           'membership: { resource: "TestCol", predicate: "x => true" } })')
    error = v4_error(db, 'Update(Role("r"), { data: { a: 1 } })')
    assert (error["code"], error["failures"]) == (
        "validation failed",
        [_string(["privileges", "resource"], "Ref"), _string(["membership", "resource"], "Ref"),
         _string(["membership", "predicate"], "Query")],
    )
    error = v4_error(db, 'Update(Role("r"), { privileges: [{ resource: Collection("TestCol") }] })')
    assert error["failures"] == [_string(["membership", "resource"], "Ref"), _string(["membership", "predicate"], "Query")]
    db.query('Update(Role("r"), { privileges: [{ resource: Collection("TestCol") }], membership: null })')
    db.query('Replace(Role("r"), { name: "r", membership: { resource: Collection("TestCol") } })')
    assert db.query('Select("membership", Get(Role("r")))') == {"resource": db.query('Collection("TestCol")')}


# -- FQL2AccessProviderSpec -----------------------------------------------------------------------------

JWKS = "https://fauna.auth0.com/.well-known/jwks.json"


def test_an_access_provider_update_names_a_role_once(db):
    ok(db, 'Role.create({ name: "aRole" })')
    ok(db, f'AccessProvider.create({{ name: "ap", issuer: "https://fauna.auth0.com", jwks_uri: "{JWKS}" }})')
    body = err(db, 'AccessProvider.byName("ap")!.update({ roles: ["aRole", { role: "aRole", predicate: "_ => true" }] })')
    assert body["error"]["message"] == "Failed to update AccessProvider `ap`."
    assert failures(body) == [
        {"paths": [["roles"]], "message": "The role `aRole` is present more than once, there can only be one entry per role."}
    ]


def test_a_v4_access_provider_update_gives_predicates_as_lambdas(db):
    ok(db, 'Role.create({ name: "MyFQLXRole" })')
    db.query(
        f'CreateAccessProvider({{ name: "myAP", issuer: "https://fauna.auth0.com", jwks_uri: "{JWKS}", '
        'roles: [{ role: "MyFQLXRole", predicate: Query(Lambda("x", true)) }] })'
    )
    error = v4_error(db, 'Update(AccessProvider("myAP"), { roles: [{ role: "MyFQLXRole", predicate: "_ => true" }] })')
    assert (error["code"], error["failures"]) == (
        "validation failed",
        [{"field": ["roles", "predicate"], "code": "invalid type", "description": "Invalid type String, expected type Query."}],
    )
    # v10 takes the source.
    ok(db, 'AccessProvider.byName("myAP")!.update({ roles: [{ role: "MyFQLXRole", predicate: "_ => true" }] })')


def test_a_v4_write_reads_the_access_provider_as_it_would_be_written(db):
    # RolesFQL4FormatValidator reads the patched document: the roles an Update leaves, or a Replace keeps
    # (core's prevForReplace keeps name, issuer, jwks_uri and roles), fail it; two string predicates are one
    # failure (Validator.patch's `.distinct`).
    ok(db, 'Role.create({ name: "a" })')
    ok(db, 'Role.create({ name: "b" })')
    ok(db, f'AccessProvider.create({{ name: "ap", issuer: "i", jwks_uri: "{JWKS}", '
           'roles: [{ role: "a", predicate: "_ => true" }, { role: "b", predicate: "x => false" }] })')
    failure = [_string(["roles", "predicate"], "Query")]
    assert v4_error(db, 'Update(AccessProvider("ap"), { data: { a: 1 } })')["failures"] == failure
    assert v4_error(db, f'Replace(AccessProvider("ap"), {{ name: "ap", issuer: "j", jwks_uri: "{JWKS}" }})')["failures"] == failure
    replaced = db.query(f'Replace(AccessProvider("ap"), {{ name: "ap", issuer: "j", jwks_uri: "{JWKS}", roles: "a" }})')
    assert (replaced["issuer"], replaced["roles"]) == ("j", "a")


def test_v4_writes_keep_a_v10_function_fields(db):
    # FQL2UserFunctionSpec "fql4": internal_sig is never written, alias is kept, a body must be a lambda.
    ok(db, 'Function.create({ name: "sheepIt", alias: "goatIt", body: "x => x" })')
    before = db.query('Get(Ref("functions/sheepIt"))')
    db.query('Update(Ref("functions/sheepIt"), { internal_sig: "hello", alias: "goodbye" })')
    after = db.query('Get(Ref("functions/sheepIt"))')
    assert {k: v for k, v in after.items() if k != "ts"} == {k: v for k, v in before.items() if k != "ts"}
    error = v4_error(db, 'Update(Ref("functions/sheepIt"), { body: "x => 1" })')
    assert (error["code"], error["description"]) == ("schema validation failed", "Invalid type provided for field `body`.")
    replaced = db.query('Replace(Ref("functions/sheepIt"), { name: "newName", body: Query(Lambda([], "newFunc")) })')
    assert (replaced["name"], replaced["alias"]) == ("newName", "goatIt")
    # v10 updates the alias.
    assert ok(db, "Function.byName('newName')!.update({ alias: 'FnV4' }).alias") == "FnV4"


def test_a_role_names_resources_that_exist_once_the_query_has_run(db):
    # FQL2RoleSpec "validate resource names": a membership is a collection, a privilege a collection,
    # function or native module.
    body = err(
        db,
        'Collection.create({ name: "Coll" })\nFunction.create({ name: "Fn", body: "_ => null" })\n'
        'Role.create({ name: "aRole", membership: [{ resource: "Coll" }, { resource: "Fn" }, { resource: "Foo" }], '
        'privileges: { resource: "Bar", actions: { read: true } } })',
    )
    # Each error drawn in the main.fsl core generates, memberships before privileges (as
    # tests/test_core_fql2_role_spec.py checks whole).
    assert body["error"]["code"] == "invalid_schema"
    assert [line for line in body["error"]["message"].splitlines() if "error:" in line] == [
        "    error: Resource `Fn` does not exist",
        "    error: Resource `Foo` does not exist",
        "    error: Resource `Bar` does not exist",
    ]
    assert "at *query*:3:12" in body["summary"].splitlines()
    # "can create before collection", "can create with aliases", native modules.
    ok(db, 'Role.create({ name: "r1", privileges: { resource: "Users", actions: { read: true } } })\n'
           'Collection.create({ name: "Users", alias: "People" })')
    ok(db, 'Role.create({ name: "r2", privileges: [{ resource: "People" }, { resource: "Credentials" }] })')
    # FQL2DatabaseSpec "roles cannot refer to databases".
    ok(db, 'Database.create({ name: "Child" })')
    body = err(db, 'Role.create({ name: "r3", privileges: { resource: "Child", actions: {} } })')
    assert body["error"]["message"].splitlines()[:2] == [
        "Invalid database schema update.",
        "    error: Resource `Child` does not exist",
    ]


def test_a_function_a_role_names_cannot_be_deleted(db):
    # FQL2UserFunctionSpec "validate foreign references": renaming carries over, deleting fails.
    ok(db, 'Function.create({ name: "aFn", body: "_ => null" })\n'
           'Role.create({ name: "aRole", privileges: { resource: "aFn", actions: { call: true } } })')
    ok(db, "Function.byName('aFn')!.update({ name: 'anotherName' })")
    assert ok(db, 'Role.byName("aRole")!.privileges.resource') == "anotherName"
    body = err(db, "Function.byName('anotherName')!.delete()")
    # Drawn where main.fsl, as it would stand, names the function (core's "roles" / "delete").
    assert body["error"]["message"] == (
        "Invalid database schema update.\n    error: Resource `anotherName` does not exist\n    at main.fsl:5:14\n"
        "      |\n    5 |   privileges anotherName {\n      |              ^^^^^^^^^^^\n      |"
    )
    assert body["summary"].splitlines()[7] == "at *query*:1:39"
    assert ok(db, "Function.byName('anotherName').exists()") is True


@pytest.mark.parametrize(
    "params, query, allowed",
    [
        ('"x"', "Two(1, 2)", True),
        ('"x"', "Two(2, 1)", False),
        ('["a"]', "Two(1, 2)", True),
        ('["a"]', "Two(2, 1)", False),
        ('"x"', "One(1)", True),
    ],
)
def test_a_v4_call_predicate_gets_a_v10_call_s_arguments_one_per_parameter(db, params, query, allowed):
    # Core's LambdaWrapper.v10ToV4Args zips the v4 lambda's parameter names with a v10 call's arguments:
    # `Lambda("x", ...)` gets the first alone, an array pattern an array of as many as it names (before,
    # both got every argument: `x` the array [1, 2], and `["a"]` failed on its length).
    ok(db, 'Function.create({ name: "Two", body: "(a, b) => a + b" })\nFunction.create({ name: "One", body: "a => a" })')
    privilege = 'actions: { call: Query(Lambda(%s, Equals(Var("x"), 1))) }'
    if params != '"x"':
        privilege = 'actions: { call: Query(Lambda(%s, Equals(Var("a"), 1))) }'
    db.query(
        'CreateRole({ name: "caller", privileges: [{ resource: Function("Two"), %s }, '
        '{ resource: Function("One"), %s }] })' % ((privilege % params,) * 2)
    )
    key = ok(db, "Key.create({ role: 'caller' }).secret")
    if allowed:
        ok(db, query, key)
    else:
        assert err(db, query, key)["error"]["code"] == "permission_denied"


def test_a_v4_call_predicate_gets_no_v10_function(db):
    # FQL2UserFunctionSpec "FQLX values can be passed to FQLX functions, with an FQL4 role".
    ok(db, 'Function.create({ name: "PassthroughWithRole", body: "x => x" })')
    db.query(
        'CreateRole({ name: "MyFQL4Role", privileges: [{ resource: Function("PassthroughWithRole"), '
        'actions: { call: Query(Lambda("x", true)) } }] })'
    )
    key = ok(db, "Key.create({ role: 'MyFQL4Role' }).secret")
    assert ok(db, "PassthroughWithRole(3)", key) == 3
    body = err(db, "PassthroughWithRole(Collection.all)", key)
    assert body["error"] == {"code": "permission_denied", "message": DENIED}
    # (Typechecked, the call's result is `Collection.all`, a function: core's `Function is not called.`
    # warning comes first in the summary, then the error.)
    lines = body["summary"].splitlines()
    assert lines[0] == "warning: Function is not called."
    error = lines.index("error: Insufficient privileges to perform the action.")
    assert lines[error + 1] == "at *query*:1:20"
    # A v10 role's predicate takes it.
    ok(db, 'Role.create({ name: "v10Role", privileges: [{ resource: "PassthroughWithRole", actions: { call: "x => true" } }] })')
    ok(db, "PassthroughWithRole(Collection.all)", ok(db, "Key.create({ role: 'v10Role' }).secret"))


# -- FQL2AuthSpec ---------------------------------------------------------------------------------------


def denied(db: fql.Database, query: str, secret: str) -> None:
    body = err(db, query, secret)
    assert body["error"] == {"code": "permission_denied", "message": DENIED}


def login(db: fql.Database, coll: str, doc_id: str, password: str) -> str:
    """FQL2AuthSpec's `login` helper: the document's credentials log in, giving a token's secret."""
    return ok(db, f"let doc = {coll}.byId('{doc_id}')!\nlet cred = Credentials.byDocument(doc)!\ncred.login('{password}')")[
        "secret"
    ]


def test_fql2_auth_spec_roles_works(db):
    # FQL2AuthSpec "roles" / "works": a key with a role may create in its collection and call its function,
    # and is denied the other role's collection and function.
    ok(db, "Collection.create({ name: 'Books' })")
    ok(db, "Collection.create({ name: 'Users' })")
    ok(db, 'Function.create({ name: "CreateBooksFunc", body: "() => Books.create({})" })\n'
           'Function.create({ name: "CreateUsersFunc", body: "() => Users.create({})" })')
    role = ('Role.create({{ name: "Create{0}", privileges: [{{ resource: "{0}", actions: {{ create: true }} }}, '
            '{{ resource: "Create{0}Func", actions: {{ call: true }} }}] }})')
    ok(db, role.format("Books") + "\n" + role.format("Users"))
    books = ok(db, "Key.create({ role: 'CreateBooks' }).secret")
    users = ok(db, "Key.create({ role: 'CreateUsers' }).secret")
    ok(db, "Books.create({})", books)
    ok(db, "CreateBooksFunc()", books)
    denied(db, "Users.create({})", books)
    denied(db, "CreateUsersFunc()", books)
    denied(db, "Books.create({})", users)
    denied(db, "CreateBooksFunc()", users)
    ok(db, "Users.create({})", users)
    ok(db, "CreateUsersFunc()", users)


def test_fql2_auth_spec_membership_resource_can_be_a_collection_name(db):
    # FQL2AuthSpec "roles" / "membership resource can be a collection name": the membership's predicate
    # decides which of two roles a logged-in user gets.
    ok(db, "Collection.create({ name: 'Books' })")
    ok(db, "Collection.create({ name: 'Users' })")
    ok(
        db,
        'Role.create({ name: "AdminUsers", membership: { resource: "Users", predicate: "user => user.isAdmin" }, '
        'privileges: { resource: "Users", actions: { create: true } } })\n'
        'Role.create({ name: "NormalUsers", membership: { resource: "Users", predicate: "user => !user.isAdmin" }, '
        'privileges: { resource: "Books", actions: { create: true } } })',
    )
    admin_user = ok(db, "Users.create({ isAdmin: true }).id")
    normal_user = ok(db, "Users.create({ isAdmin: false }).id")
    for user in (admin_user, normal_user):
        ok(db, f"Credentials.create({{ document: Users.byId('{user}'), password: 'sekret' }})")
    admin_token = login(db, "Users", admin_user, "sekret")
    normal_token = login(db, "Users", normal_user, "sekret")
    ok(db, "Users.create({})", admin_token)
    denied(db, "Books.create({})", admin_token)
    denied(db, "Users.create({})", normal_token)
    ok(db, "Books.create({})", normal_token)


def test_a_request_without_x_typecheck_follows_the_database_setting(db):
    # FQL2DatabaseSpec "typechecked flag" with core's evalQuery: a request that does not say whether to
    # typecheck is typechecked as its database is (true where no database says).
    ok(db, "Database.create({ name: 'Off', typechecked: false })")
    ok(db, "Database.create({ name: 'On' })")

    def unbound(secret: str) -> dict:
        response = v10.query(db, {"query": "nope"}, secret, {"x-format": "simple"}, 0)
        assert response.status == 400
        return json.loads(response.body)["error"]

    assert unbound("secret:Off:admin")["code"] == "unbound_variable"
    assert unbound("secret:On:admin")["code"] == "invalid_query"
    assert unbound(SECRET)["code"] == "invalid_query"
    # The header decides where it is given.
    assert err(db, "nope", "secret:Off:admin", typecheck=True)["error"]["code"] == "invalid_query"
    assert err(db, "nope", "secret:On:admin", typecheck=False)["error"]["code"] == "unbound_variable"


# -- NativeCollection (core's Key, Token and Credential schemas have no wildcard) -----------------------


@pytest.mark.parametrize(
    "write, message",
    [
        ("Key.create({ role: 'admin', foo: 1 })", "Failed to create Key."),
        ("Token.create({ document: Foo.create({}), foo: 1 })", "Failed to create Token."),
        ("Credential.create({ document: Foo.create({}), password: 'pw', foo: 1 })", "Failed to create Credential."),
        ("Key.byId('{key}')!.update({ foo: 1 })", "Failed to update Key with id {key}."),
        ("Token.byId('{token}')!.update({ foo: 1 })", "Failed to update Token with id {token}."),
        ("Credential.byId('{cred}')!.replace({ document: Foo.byId('{doc}'), foo: 1 })", "Failed to update Credential with id {cred}."),
    ],
)
def test_a_key_token_or_credential_write_names_only_its_fields(db, write, message):
    # Untypechecked: the checker refuses the extra field of a create first.
    body, expected = _native_write_error(db, write, message)
    assert body["error"]["message"] == expected
    assert failures(body) == [{"paths": [["foo"]], "message": "Unexpected field provided"}]


def _native_write_error(db, write: str, message: str) -> tuple[dict, str]:
    """The error of `write`, untypechecked, with `{doc}`, `{key}`, `{token}` and `{cred}` in it and in
    `message` naming a document of collection Foo and a key, token and credential made for the case."""
    ok(db, "Collection.create({ name: 'Foo' })")
    doc = ok(db, "Foo.create({}).id")
    ids = {
        "doc": doc,
        "key": ok(db, "Key.create({ role: 'server' }).id"),
        "token": ok(db, f"Token.create({{ document: Foo.byId('{doc}') }}).id"),
        "cred": ok(db, f"Credential.create({{ document: Foo.byId('{doc}'), password: 'pw' }}).id"),
    }
    for name, value in ids.items():
        write, message = write.replace(f"{{{name}}}", value), message.replace(f"{{{name}}}", value)
    return err(db, write, typecheck=False), message


@pytest.mark.parametrize(
    "write, field, message",
    [
        ("Key.create({ role: 'admin', hashed_secret: 'h' })", "hashed_secret", "Failed to create Key."),
        ("Key.byId('{key}')!.update({ hashed_secret: 'h' })", "hashed_secret", "Failed to update Key with id {key}."),
        ("Token.byId('{token}')!.update({ global_id: 5 })", "global_id", "Failed to update Token with id {token}."),
        (
            "Credential.byId('{cred}')!.update({ hashed_password: 'h' })",
            "hashed_password",
            "Failed to update Credential with id {cred}.",
        ),
    ],
)
def test_an_internal_field_given_anew_is_unexpected(db, write, field, message):
    """Core's SchemaType.validateField refuses an internal field (NativeCollection's hashed_secret,
    global_id, hashed_password) a write changes: fql dropped it without a word."""
    body, expected = _native_write_error(db, write, message)
    assert body["error"]["message"] == expected
    assert failures(body) == [{"paths": [[field]], "message": "Unexpected field provided"}]


def test_an_internal_field_given_as_null_is_let_be(db):
    """A null internal field passes core's check, and the stored hash is kept (Schema.scala copies the
    internal fields of the version before)."""
    ok(db, "Collection.create({ name: 'Foo' })")
    doc = ok(db, "Foo.create({}).id")
    cred = ok(db, f"Credential.create({{ document: Foo.byId('{doc}'), password: 'pw' }}).id")
    ok(db, f"Credential.byId('{cred}')!.update({{ hashed_password: null }})", typecheck=False)
    assert ok(db, f"Credential.byId('{cred}')!.verify('pw')") is True
