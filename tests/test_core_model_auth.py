"""Core's auth model specs, as far as fql can observe them: ext/model/src/test/scala/auth/
(RoleMembershipSpec, RoleEvalContextSpec, AuthLikeSpec) and schema/SchemaRoleSpec. Core runs these on
its internal objects (a role id set, an eval context, an Auth changed to a role); here the same
behaviour is seen through secrets: a token whose document is a role's member, a key with the role, a
scoped key acting as a document. Each test names its spec and case."""

from __future__ import annotations

import pytest

import fql
from fql.auth import jwt
from fql.auth.credentials import TEST_PARAMS
from fql.errors import FQLError
from tests.helpers import QueryEndpoint

SECRET = "secret"


@pytest.fixture
def db() -> fql.Database:
    return fql.connect(root_secret=SECRET, argon2=TEST_PARAMS)


ENDPOINT = QueryEndpoint(SECRET, fmt="simple")
answer, ok = ENDPOINT.answer, ENDPOINT.ok


def err(db: fql.Database, query: str, secret: str = SECRET) -> dict:
    status, body = answer(db, query, secret)
    assert status in (400, 403), body
    return body


# -- RoleMembershipSpec ----------------------------------------------------------------------------------


def _readable(db: fql.Database, ref: str, secret: str) -> bool:
    try:
        db.query(f"Get({ref})", secret=secret)
    except FQLError as caught:
        assert caught.v4_code == "permission denied"
        return False
    return True


def test_role_membership_follows_changes_to_the_roles(db):
    # RoleMembershipSpec "is consistent with changes in the roles": a document is a member of each role
    # whose membership names its collection, from the moment a role says so until it no longer does.
    # Core checks the set of role ids; here each role grants its own collection, so the token's reads
    # show which roles it holds.
    for name in ("a_class", "b_class", "users"):
        db.query(f'CreateCollection({{name: "{name}"}})')
    for name in ("a_class", "b_class"):
        db.query(f'Create(Ref(Collection("{name}"), "1"), {{}})')
    db.query('Create(Ref(Collection("users"), "7"), {credentials: {password: "pw"}})')

    def role(name: str, coll: str) -> str:
        return (f'CreateRole({{name: "{name}", membership: {{resource: Collection("users")}}, '
                f'privileges: {{resource: Collection("{coll}"), actions: {{read: true}}}}}})')

    db.query(role("role_a", "a_class"))
    token = db.query('Login(Ref(Collection("users"), "7"), {password: "pw"})')["secret"]
    a, b = 'Ref(Collection("a_class"), "1")', 'Ref(Collection("b_class"), "1")'
    assert (_readable(db, a, token), _readable(db, b, token)) == (True, False)
    db.query(role("role_b", "b_class"))
    assert (_readable(db, a, token), _readable(db, b, token)) == (True, True)
    db.query('Update(Role("role_a"), {membership: null})')
    assert (_readable(db, a, token), _readable(db, b, token)) == (False, True)


# -- RoleEvalContextSpec ---------------------------------------------------------------------------------


def test_role_predicates_follow_changes_to_the_roles(db):
    # RoleEvalContextSpec "is consistent with changes in the roles": two roles' read predicates are
    # or-ed; updating one role's predicate, then deleting the role, changes what is readable at once.
    db.query('CreateCollection({name: "a_class"})')
    db.query('CreateCollection({name: "users"})')
    names = ["foo", "bar", "baz"]
    for i, name in enumerate(names, 1):
        db.query(f'Create(Ref(Collection("a_class"), "{i}"), {{data: {{{name}: 42}}}})')
    db.query('Create(Ref(Collection("users"), "7"), {credentials: {password: "pw"}})')

    def can_read(name: str) -> str:
        return f'Query(Lambda("ref", ContainsPath(["data", "{name}"], Get(Var("ref")))))'

    def privileges(name: str) -> str:
        return f'{{resource: Collection("a_class"), actions: {{read: {can_read(name)}}}}}'

    for role, name in (("role_a", "foo"), ("role_b", "bar")):
        db.query(f'CreateRole({{name: "{role}", membership: {{resource: Collection("users")}}, privileges: {privileges(name)}}})')
    token = db.query('Login(Ref(Collection("users"), "7"), {password: "pw"})')["secret"]

    def readable() -> list[bool]:
        return [_readable(db, f'Ref(Collection("a_class"), "{i}")', token) for i in range(1, 4)]

    assert readable() == [True, True, False]
    db.query(f'Update(Role("role_a"), {{privileges: {privileges("baz")}}})')
    assert readable() == [False, True, True]
    db.query('Delete(Role("role_a"))')
    assert readable() == [False, True, False]


# -- AuthLikeSpec ----------------------------------------------------------------------------------------


def test_a_secret_is_a_jwt_when_it_starts_with_ey_and_has_a_dot(db):
    # AuthLikeSpec "fauna auth JWT": "detects non JWT token" and "is builtin".
    key = ok(db, 'Key.create({ role: "server" }).secret')
    assert not jwt.is_jwt(key)
    assert not jwt.is_jwt("secret")
    assert jwt.is_jwt("ey.xx.yy")
    header = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9"  # {"alg":"RS256","typ":"JWT"}
    assert jwt.is_jwt(f"{header}.eyJpc3MiOiJpc3N1ZXIifQ.c2ln")
    # A JWT-shaped secret goes the JWT way: one that does not verify is unauthorized, and KeyFromSecret
    # finds no key for it.
    with pytest.raises(FQLError) as caught:
        db.query("1", secret="ey.xx.yy")
    assert caught.value.v4_code == "unauthorized"
    with pytest.raises(FQLError) as caught:
        db.query('KeyFromSecret("ey.xx.yy")', secret=SECRET)
    assert caught.value.v4_code == "instance not found"


@pytest.mark.parametrize("secret", [
    # AuthLikeSpec "can decode keys" and "can decode tokens" ("current" and "legacy" encodings, and
    # "enforces correct size"): core's own secret encodings, of ids no document has. fql's secrets have
    # their own encoding; what is observable is that these authenticate as nothing.
    "fnB__________wAAAAAAAAAAAAAAAAAAAAAAAAAA",
    "kqnPf_________-0AAAAAAAAAAAAAAAAAAAAAAAAAAA",
    "fnF__________3__________AAAAAAAAAAAAAAAAAAAAAAAAAAA",
    "k6p__________wADqc9__________7QAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    "fnB__________wAAAAAAAAAAAAAAAAAAAAAAAAAA EXTRA",
])
def test_core_encoded_secrets_of_no_document_are_unauthorized(db, secret):
    for syntax in ("v4", "v10"):
        with pytest.raises(FQLError) as caught:
            db.query("1", secret=secret, syntax=syntax)
        assert caught.value.v4_code == "unauthorized"


# -- SchemaRoleSpec --------------------------------------------------------------------------------------


@pytest.mark.parametrize("predicate", ["(doc => doc.readable)", "(.readable)"])
def test_fsl_privilege_predicates(db, predicate):
    # SchemaRoleSpec "privileges": "creates predicates correctly" and "creates predicates with short
    # lambdas". Core changes the admin Auth to the role; a key with the role is the same.
    db.push_schema({"main.fsl": f"collection User {{}}\nrole myRole {{\n  privileges User {{\n    read {{ predicate {predicate} }}\n  }}\n}}\n"}, secret=SECRET)
    ok(db, "User.create({ id: 0, readable: true })")
    ok(db, "User.create({ id: 1, readable: false })")
    key = ok(db, "Key.create({ role: 'myRole' }).secret")
    assert ok(db, "User.byId('0')!.foo", key) is None
    body = err(db, "User.byId('1')!.foo", key)
    assert (body["error"]["code"], body["error"]["message"]) == ("null_value", "Null value, due to permission denied")


def test_fsl_privilege_short_lambdas_are_written_back_as_fsl(db):
    # SchemaRoleSpec "privileges" "translates short lambdas from FQL to FSL".
    db.push_schema({"main.fsl": "collection User {}"}, secret=SECRET)
    ok(db, 'Role.create({\n  name: "myRole",\n  privileges: [{\n    resource: "User",\n    actions: {\n      read: "(.readable)"\n    }\n  }]\n})')
    assert db.schema_files(secret=SECRET)["main.fsl"] == (
        "collection User {}\n\nrole myRole {\n  privileges User {\n    read {\n      predicate (.readable)\n    }\n  }\n}\n"
    )


ROLE_DEF = """let roleDef = {
    name: "userRole",
    privileges: [
      { actions: { create: true }, resource: "Agents" },
      { actions: { create: true }, resource: "Agents" }
    ]
  }

"""

#: Core's nested error: the role's FSL in the main.fsl core would answer, which, as it does not parse,
#: starts with core's five-line invalid-items warning.
DUPLICATE = """error: Invalid database schema update.
    error: Duplicate privileges `Agents`
    at main.fsl:12:14
       |
    12 |   privileges Agents {
       |              ^^^^^^
       |
    hint: Originally defined here
    at main.fsl:9:14
      |
    9 |   privileges Agents {
      |              ^^^^^^
      |
"""


def test_role_create_refuses_duplicate_privileges(db):
    # SchemaRoleSpec "privileges" "create doesn't allow duplicated items".
    db.push_schema({"main.fsl": "collection Agents {}"}, secret=SECRET)
    body = err(db, ROLE_DEF + "Role.create(roleDef)")
    assert body["error"]["code"] == "invalid_schema"
    assert body["summary"] == DUPLICATE + "at *query*:9:12\n  |\n9 | Role.create(roleDef)\n  |            ^^^^^^^^^\n  |"
    assert ok(db, 'Role.byName("userRole").exists()') is False
    assert db.schema_files(secret=SECRET) == {"main.fsl": "collection Agents {}"}


@pytest.mark.parametrize("method", ["update", "replace"])
def test_role_update_refuses_duplicate_privileges(db, method):
    # SchemaRoleSpec "privileges" "update doesn't allow duplicated items" (replace is checked the same way).
    db.push_schema({"main.fsl": "collection Agents {}"}, secret=SECRET)
    single = ROLE_DEF.replace('      { actions: { create: true }, resource: "Agents" },\n', "", 1)
    ok(db, single + "Role.create(roleDef)")
    call = f'Role.byName("userRole")!.{method}(roleDef)'
    body = err(db, ROLE_DEF + call)
    column = call.index("(roleDef)") + 1
    assert body["summary"] == DUPLICATE + f"at *query*:9:{column}\n  |\n9 | {call}\n  |{' ' * column}^^^^^^^^^\n  |"
    assert ok(db, 'Role.byName("userRole")!.privileges.length') == 1


@pytest.mark.parametrize("predicate", ["((doc) => doc.canCall)", "(.canCall)"])
def test_fsl_membership_predicates(db, predicate):
    # SchemaRoleSpec "membership": "creates predicates from lambdas" and "creates predicates from short
    # lambdas". Core looks an admin key up scoped to a document; a scoped secret does the same.
    db.push_schema({"main.fsl": (
        "collection User {}\nfunction MyFunction() { 3 }\nrole myRole {\n  privileges MyFunction { call }\n\n"
        f"  membership User {{\n    predicate {predicate}\n  }}\n}}\n"
    )}, secret=SECRET)
    ok(db, "User.create({ id: 0, canCall: true })")
    ok(db, "User.create({ id: 1, canCall: false })")
    key = ok(db, "Key.create({ role: 'admin' }).secret")
    assert ok(db, "MyFunction()", f"{key}:@doc/User/0") == 3
    assert err(db, "MyFunction()", f"{key}:@doc/User/1")["error"]["code"] == "permission_denied"


def test_fsl_membership_short_lambdas_are_written_back_as_fsl(db):
    # SchemaRoleSpec "membership" "translates short lambdas from FQL to FSL".
    db.push_schema({"main.fsl": "collection User {}\nfunction MyFunction() { 3 }\n"}, secret=SECRET)
    ok(db, 'Role.create({\n  name: "myRole",\n  privileges: [{\n    resource: "MyFunction",\n    actions: {\n'
           '      call: true,\n    }\n  }],\n  membership: [{\n    resource: "User",\n    predicate: "(.canCall)"\n  }]\n})')
    assert db.schema_files(secret=SECRET)["main.fsl"] == (
        "collection User {}\nfunction MyFunction() { 3 }\n\nrole myRole {\n  privileges MyFunction {\n    call\n  }\n"
        "  membership User {\n    predicate (.canCall)\n  }\n}\n"
    )


def test_role_create_refuses_duplicate_memberships(db):
    # SchemaRoleSpec's duplicate check, for memberships (core's same FSL converter error); a v4 role, which
    # FSL does not state, may still name a collection twice.
    ok(db, 'Collection.create({ name: "User" })')
    body = err(db, 'Role.create({ name: "r", membership: [{ resource: "User" }, { resource: "User" }] })')
    assert body["error"]["code"] == "invalid_schema"
    assert body["error"]["message"].splitlines()[:2] == ["Invalid database schema update.", "    error: Duplicate membership `User`"]
    db.query('CreateRole({name: "v4", privileges: [{resource: Collection("User"), actions: {read: true}}, '
             '{resource: Collection("User"), actions: {write: true}}]})')
    assert ok(db, "Role.all().map(.name).toArray()") == ["v4"]


@pytest.mark.parametrize("extra", [" EXTRA", "AAAA", " "])
def test_a_real_secret_with_more_after_it_is_unauthorized(db, extra):
    # AuthLikeSpec "enforces correct size", for fql's own secrets: a key's and a token's secret with text
    # after it authenticate as nothing.
    db.query('CreateCollection({name: "users"})')
    db.query('Create(Ref(Collection("users"), "7"), {credentials: {password: "pw"}})')
    key = ok(db, 'Key.create({ role: "server" }).secret')
    token = db.query('Login(Ref(Collection("users"), "7"), {password: "pw"})')["secret"]
    for secret in (key, token):
        assert db.query("1", secret=secret) == 1
        with pytest.raises(FQLError) as caught:
            db.query("1", secret=secret + extra)
        assert caught.value.v4_code == "unauthorized"
