"""Cases from core's FQL2ABACSpec (ext/api/src/test/scala/fql2/FQL2ABACSpec.scala): v10 attribute-based access
control over `POST /query/1`. As in core, each case runs in a child database of its own, set up with its admin
key; roles are written the way core's `aRole` helper writes them (every action, predicates as `<<+END` heredocs).
The `testX` cases run once for a key of the role and once for a token of a member of it. Each test names its case.
"""

from __future__ import annotations

import itertools
import json

import pytest

import fql
from fql.auth.credentials import TEST_PARAMS
from fql.server import v10
from tests.helpers import QueryEndpoint

ROOT = "secret"
DENIED = "Insufficient privileges to perform the action."
ACTIONS = ("read", "write", "create", "create_with_id", "delete", "history_write", "history_read",
           "unrestricted_read", "call")
_names = itertools.count()


@pytest.fixture
def root() -> fql.Database:
    return fql.connect(root_secret=ROOT, argon2=TEST_PARAMS)


@pytest.fixture
def db(root) -> str:
    """The admin key's secret of a new child database (core's `aDatabase`)."""
    name = unique("db")
    ok(root, f'Database.create({{ name: "{name}" }})', ROOT)
    return ok(root, f'Key.create({{ role: "admin", database: "{name}" }}).secret', ROOT)


def unique(prefix: str = "C") -> str:
    return f"{prefix}{next(_names)}"


#: `POST /query/1` as core's specs send it: typechecked, with no arguments.
ENDPOINT = QueryEndpoint(typecheck=True, arguments={})
answer, ok = ENDPOINT.answer, ENDPOINT.ok


def denied(root: fql.Database, query: str, secret: str, filtered_set: bool = False) -> None:
    """core's assertDenied: a 400 whose error is a permission denial or the null it leaves behind."""
    status, body = answer(root, query, secret)
    assert status == 400, body
    code, message = body["error"]["code"], body["error"]["message"]
    if code == "permission_denied":
        assert message == DENIED
    else:
        assert code == "null_value", body
        reason = "empty set" if filtered_set else "permission denied"
        assert message == f"Null value, due to {reason}"


# -- core's prop helpers -------------------------------------------------------------------------------------


def collection(root, db, history: bool = False) -> str:
    name = unique()
    extra = ", history_days: 1000000000" if history else ""
    ok(root, f'Collection.create({{ name: "{name}"{extra} }})', db)
    return name


def document(root, db, coll: str, fields: str = "{}") -> str:
    return ok(root, f"{coll}.create({fields}).id", db)


def function(root, db, body: str = "x => x", role: str = "null") -> str:
    name = unique("F")
    ok(root, f'Function.create({{ name: "{name}", body: "{body}", role: {role} }})', db)
    return name


def predicate(body: str) -> str:
    return f"<<+END\n{body}\nEND"


def privilege(resource: str, **actions: str) -> dict:
    """core's Privilege: every action denied unless given (`true`, or a predicate's source)."""
    return {"resource": resource, **{name: actions.get(name, "false") for name in ACTIONS}}


def open_privilege(resource: str) -> dict:
    return privilege(resource, **dict.fromkeys(ACTIONS, "true"))


def role(root, db, memberships=(), privileges=()) -> str:
    name = unique("R")
    members = [f'{{ resource: "{coll}", predicate: {predicate(pred) if pred else "null"} }}' for coll, pred in memberships]
    privs = [
        f'{{ resource: "{p["resource"]}", actions: {{ '
        + ", ".join(f"{action}: {p[action] if p[action] in ('true', 'false') else predicate(p[action])}" for action in ACTIONS)
        + " } }"
        for p in privileges
    ]
    ok(root, f'Role.create({{ name: "{name}", membership: [{", ".join(members)}], privileges: [{", ".join(privs)}] }})', db)
    return name


def user(root, db, coll: str) -> tuple[str, str]:
    """core's aUserOfCollection: a document of `coll` with credentials, and the secret of its login."""
    doc = document(root, db, coll)
    token = ok(root, f"let cred = Credentials.create({{ document: {coll}.byId('{doc}')!, password: 'pw' }})\n"
                     "cred.login('pw')", db)
    return doc, token["secret"]


def key_secret(root, db, privileges) -> str:
    name = role(root, db, (), privileges)
    return ok(root, f'Key.create({{role: "{name}"}})', db)["secret"]


def token_secret(root, db, privileges) -> str:
    users = collection(root, db)
    _, secret = user(root, db, users)
    role(root, db, [(users, None)], privileges)
    return secret


SUBJECTS = pytest.mark.parametrize("secret_of", [key_secret, token_secret], ids=["keys", "tokens"])


# -- "<subject> - instances" -----------------------------------------------------------------------------------


@SUBJECTS
def test_validate_read_instance_permissions_with_no_predicates(root, db, secret_of):
    class_a, class_b = collection(root, db), collection(root, db)
    inst_a, inst_b = document(root, db, class_a), document(root, db, class_b)
    secret = secret_of(root, db, [open_privilege(class_a)])
    denied(root, f"{class_b}.byId('{inst_b}')!", secret)
    ok(root, f"{class_a}.byId('{inst_a}')!", secret)


def assert_open_collection(root, secret, coll: str, inst: str) -> None:
    """The allowed half of core's write-permission cases: everything on a collection with an open privilege."""
    for query in [
        f"{coll}.byId('{inst}')!.update({{foo: 'bar'}})",
        f"{coll}.byId('{inst}')",
        f"{coll}.byId('{inst}')!.update({{foo: 'bar'}})",
        f"{coll}.create({{}})",
        f"{coll}.byId('{inst}')!.delete()",
    ]:
        ok(root, query, secret)


def assert_read_only_collection(root, secret, coll: str, inst: str) -> None:
    ok(root, f"{coll}.byId('{inst}')!", secret)
    denied(root, f"{coll}.byId('{inst}')!.update({{foo: 'bar'}})", secret)
    denied(root, f"{coll}.create({{}})", secret)
    denied(root, f"{coll}.byId('{inst}')!.delete()", secret)


@SUBJECTS
def test_works_when_a_policy_points_to_a_non_existent_resource(root, db, secret_of):
    class_a, class_b, class_c = collection(root, db), collection(root, db), collection(root, db)
    inst_a, inst_c = document(root, db, class_a), document(root, db, class_c)
    document(root, db, class_b)
    secret = secret_of(root, db, [
        open_privilege(class_a), privilege(class_b, read="true"), privilege(class_c, read="true")
    ])
    # core deletes the collection with v4 (legacyQuery).
    root.query(f'Delete(Ref("collections/{class_b}"))', secret=db)
    assert_read_only_collection(root, secret, class_c, inst_c)
    assert_open_collection(root, secret, class_a, inst_a)


@SUBJECTS
def test_validate_write_instance_permissions_with_no_predicates(root, db, secret_of):
    class_a, class_b = collection(root, db), collection(root, db)
    inst_a, inst_b = document(root, db, class_a), document(root, db, class_b)
    secret = secret_of(root, db, [open_privilege(class_a), privilege(class_b, read="true")])
    assert_read_only_collection(root, secret, class_b, inst_b)
    assert_open_collection(root, secret, class_a, inst_a)


@SUBJECTS
def test_allow_write_predicates_to_have_access_to_the_ref_being_written(root, db, secret_of):
    cls = collection(root, db)
    inst1, inst2 = document(root, db, cls), document(root, db, cls)
    secret = secret_of(root, db, [privilege(cls, write=f"(old, new) => new.id == '{inst1}'", read="true")])
    ok(root, f"{cls}.byId('{inst1}')!.update({{}})", secret)
    denied(root, f"{cls}.byId('{inst2}')!.update({{}})", secret)


@SUBJECTS
def test_validate_instance_permissions_with_predicates(root, db, secret_of):
    cls = collection(root, db)
    mutable = document(root, db, cls, "{ mutable: true }")
    immutable = document(root, db, cls, "{ mutable: false }")
    secret = secret_of(root, db, [privilege(
        cls,
        write="(old, new) => old.mutable == new.mutable",
        read="ref => ref.mutable",
        create="data => data.mutable",
        delete="ref => ref.mutable",
    )])
    # core renders its JSObjects as JSON.
    immutable_data, mutable_data, any_data = '{"mutable":false}', '{"mutable":true}', '{"foo":"bar"}'
    denied(root, f"{cls}.byId('{immutable}')!", secret)
    denied(root, f"{cls}.byId('{mutable}')!.update({immutable_data})", secret)
    denied(root, f"{cls}.byId('{immutable}')!.update({mutable_data})", secret)
    denied(root, f"{cls}.create({immutable_data})", secret)
    denied(root, f"{cls}.byId('{immutable}')!.delete()", secret)

    ok(root, f"{cls}.byId('{mutable}')!", secret)
    ok(root, f"{cls}.byId('{mutable}')!.update({any_data})", secret)
    ok(root, f"{cls}.create({mutable_data})", secret)
    ok(root, f"{cls}.byId('{mutable}')!.delete()", secret)


# -- "<subject> - functions" -----------------------------------------------------------------------------------


@SUBJECTS
def test_validate_function_permissions_with_no_predicate(root, db, secret_of):
    func_a, func_b = function(root, db), function(root, db)
    secret = secret_of(root, db, [open_privilege(func_a)])
    denied(root, f'{func_b}("foo")', secret)
    ok(root, f'{func_a}("foo")', secret)


@SUBJECTS
def test_validate_function_permissions_with_predicate(root, db, secret_of):
    func = function(root, db)
    secret = secret_of(root, db, [privilege(func, call='args => args == ["foo", "bar"]')])
    denied(root, f'{func}("baz")', secret)
    ok(root, f'{func}(["foo", "bar"])', secret)


@SUBJECTS
@pytest.mark.parametrize("func_role", ["null", '\\"admin\\"'], ids=["read-only udfs", "udfs with roles"])
def test_predicates_calling_functions_are_restricted_to_read_only_effect(root, db, secret_of, func_role):
    """Cases "predicates with read-only user defined functions works" and "user defined functions with roles are
    restricted to read-only effect"."""
    cls, cls2 = collection(root, db), collection(root, db)
    inst = document(root, db, cls)
    pure = function(root, db, "() => true", role=func_role.replace("\\", ""))
    write = function(root, db, f"() => {{ {cls2}.create({{}}); true }}", role=func_role.replace("\\", ""))
    secret = secret_of(root, db, [privilege(cls, read=f"ref => {pure}()", create=f"data => {write}()")])
    ok(root, f"{cls}.byId('{inst}')!", secret)
    denied(root, f"{cls}.create({{}})", secret)


# -- "<subject> - schema" --------------------------------------------------------------------------------------


@SUBJECTS
def test_validate_schema_permissions_with_no_predicate(root, db, secret_of):
    cls = collection(root, db)
    secret_a = secret_of(root, db, [open_privilege("Collection")])
    secret_b = secret_of(root, db, [privilege("Collection")])
    denied(root, f"{cls}.definition!", secret_b)
    denied(root, "Collection.all().first()!", secret_b, filtered_set=True)
    denied(root, f"Collection.byName('{cls}')!", secret_b)
    denied(root, 'Collection.create({name: "Foo"})', secret_b)
    denied(root, f"{cls}.definition.update({{name: 'Bar'}})", secret_b)
    denied(root, f"{cls}.definition.delete()", secret_b)

    ok(root, f"{cls}.definition!", secret_a)
    ok(root, "Collection.all().first()!", secret_a)
    ok(root, f"Collection.byName('{cls}')!", secret_a)
    ok(root, 'Collection.create({name: "Foo"})', secret_a)
    ok(root, f"{cls}.definition.update({{name: 'Bar'}})", secret_a)
    ok(root, "Bar.definition.delete()", secret_a)


@SUBJECTS
def test_validate_schema_permissions_with_predicates(root, db, secret_of):
    cls = collection(root, db)
    secret = secret_of(root, db, [privilege(
        "Collection",
        create='config => config.name == "Foo" ',
        delete='ref => ref.name == "Foo" ',
        read='ref => ref.name == "Foo" ',
        write='(old, new) => old.name == "Foo" ',
    )])
    denied(root, f"{cls}.definition!", secret)
    denied(root, 'Collection.create({name: "Bar"})', secret)
    denied(root, f'{cls}.definition.update({{name: "Baz"}})', secret)
    denied(root, f"{cls}.definition.delete()", secret)

    ok(root, 'Collection.create({name: "Foo"})', secret)
    ok(root, "Foo.definition!", secret)
    ok(root, "Foo.definition.update({})", secret)
    ok(root, "Foo.definition.delete()", secret)


# -- "<subject> - temporality" ---------------------------------------------------------------------------------


def insert_at_epoch(root, db, coll: str, doc_id: object) -> None:
    """core inserts the version with v4 (historical writes are not supported in v10)."""
    ref = f'Ref(Collection("{coll}"), {json.dumps(str(doc_id))})'
    root.query(f'Insert({ref}, 0, "create", {{}})', secret=db)


@SUBJECTS
def test_requires_history_read_permission_to_read_docs_with_at(root, db, secret_of):
    col = collection(root, db, history=True)
    secret_a = secret_of(root, db, [privilege(col, history_read="true")])
    secret_b = secret_of(root, db, [privilege(col)])
    query = f"at(Time.epoch(0, 'seconds')) {{ {col}.byId('1')! }}"
    insert_at_epoch(root, db, col, 1)
    ok(root, query, secret_a)
    denied(root, query, secret_b)


@SUBJECTS
def test_requires_history_read_permission_to_read_sets_with_at(root, db, secret_of):
    col = collection(root, db, history=True)
    secret_a = secret_of(root, db, [privilege(col, history_read="true")])
    secret_b = secret_of(root, db, [privilege(col)])
    query = f"at(Time.epoch(0, 'seconds')) {{ {col}.all().paginate(32)! }}"
    for i in range(1, 65):
        insert_at_epoch(root, db, col, i)

    page = ok(root, query, secret_a)
    assert page["data"]
    assert ok(root, f"Set.paginate('{page['after']}')", secret_a)["data"]
    # Set reads are filtered instead of rejected.
    assert ok(root, query, secret_b)["data"] == []
    assert ok(root, f"Set.paginate('{page['after']}')", secret_b)["data"] == []


@SUBJECTS
def test_do_not_require_history_read_when_paginating_non_temporal_cursors(root, db, secret_of):
    col = collection(root, db)
    ok(root, f"[{', '.join(['{ foo: 42 }'] * 64)}].fold([], (a, d) => a.append({col}.create(d).id))", db)
    secret = secret_of(root, db, [privilege(col, read="true")])
    page = ok(root, f"{col}.all().map(.foo).paginate(32)!", secret)
    assert page["data"]
    rest = ok(root, f"Set.paginate('{page['after']}')", secret)
    assert rest["data"] and "after" not in rest


# -- "tokens - identity", "tokens - membership" ----------------------------------------------------------------


def test_roles_are_able_to_use_authenticated_resources_identity(root, db):
    users = collection(root, db)
    user_a, token_a = user(root, db, users)
    user_b, _ = user(root, db, users)
    profile = collection(root, db)
    profile_a = document(root, db, profile, f"{{ user: {users}.byId('{user_a}') }}")
    profile_b = document(root, db, profile, f"{{ user: {users}.byId('{user_b}') }}")
    role(root, db, [(users, None)], [privilege(profile, read="ref => ref.user == Query.identity()")])
    denied(root, f"{profile}.byId('{profile_b}')!", token_a)
    ok(root, f"{profile}.byId('{profile_a}')!", token_a)


def test_apply_membership_predicates(root, db):
    users = collection(root, db)
    admin, admin_token = user(root, db, users)
    normal, normal_token = user(root, db, users)
    role(root, db, [(users, "ref => ref.admin")], [open_privilege(users)])
    ok(root, f"{users}.byId('{admin}')!.update({{admin: true}})", db)
    ok(root, f"{users}.byId('{normal}')!.update({{admin: false}})", db)
    denied(root, f"{users}.create({{}})", normal_token)
    ok(root, f"{users}.create({{}})", admin_token)


def test_can_use_auth_functions_in_membership_predicates(root, db):
    cls = collection(root, db)
    inst = document(root, db, cls)
    users = collection(root, db)
    user_a, token_a = user(root, db, users)
    _, token_b = user(root, db, users)
    role(root, db, [(users, f"ref => {users}.byId('{user_a}') == Query.identity()")], [open_privilege(cls)])
    denied(root, f"{cls}.byId('{inst}')!", token_b)
    ok(root, f"{cls}.byId('{inst}')!", token_a)


# -- "tokens - permissions" ------------------------------------------------------------------------------------


def test_defaults_no_access_to_logged_in_user(root, db):
    # No role: a v10 query gets core's baseline alone (fql lets v4 read the identity, a departure README lists).
    coll = collection(root, db)
    doc, token = user(root, db, coll)
    ok(root, f"{coll}.byId('{doc}')!.update({{}})", db)
    for secret in (token, f"{db}:@doc/{coll}/{doc}"):
        denied(root, f"{coll}.byId('{doc}')!", secret)
        denied(root, "Query.identity()!", secret)
        denied(root, f"{coll}.byId('{doc}')!.update({{}})", secret)


def test_default_no_access_to_logged_in_user(root, db):
    # A member of a role that grants nothing on its own collection may not read or update its identity.
    coll = collection(root, db)
    doc, token = user(root, db, coll)
    role(root, db, [(coll, None)], [privilege(coll)])
    ok(root, f"{coll}.byId('{doc}')!.update({{}})", db)
    for secret in (token, f"{db}:@doc/{coll}/{doc}"):
        denied(root, f"{coll}.byId('{doc}')!", secret)
        denied(root, "Query.identity()!", secret)
        denied(root, "Query.identity()!.update({})", secret)
    denied(root, f"{coll}.byId('{doc}')!.update({{}})", token)


def test_does_not_allow_change_logged_in_user(root, db):
    coll = collection(root, db)
    doc, token = user(root, db, coll)
    role(root, db, [(coll, None)], [privilege(coll, read="true")])
    ok(root, f"{coll}.byId('{doc}')!.update({{}})", db)
    ok(root, f"{coll}.byId('{doc}')!", token)
    ok(root, "Query.identity()!", token)
    denied(root, f"{coll}.byId('{doc}')!.update({{}})", token)
    denied(root, f"{coll}.byId('{doc}')!.delete()", token)
    scoped = f"{db}:@doc/{coll}/{doc}"
    ok(root, f"{coll}.byId('{doc}')!", scoped)
    denied(root, f"{coll}.byId('{doc}')!.update({{}})", scoped)
    denied(root, f"{coll}.byId('{doc}')!.delete()", scoped)


def test_allow_change_logged_in_user(root, db):
    coll = collection(root, db)
    user1, token = user(root, db, coll)
    user2, _ = user(root, db, coll)
    role(root, db, [(coll, None)], [open_privilege(coll)])
    ok(root, f"{coll}.byId('{user1}')!", token)
    ok(root, f"{coll}.byId('{user1}')!.update({{}})", token)
    ok(root, f"{coll}.byId('{user1}')!.delete()", token)
    scoped = f"{db}:@doc/{coll}/{user2}"
    ok(root, f"{coll}.byId('{user2}')!", scoped)
    ok(root, f"{coll}.byId('{user2}')!.update({{}})", scoped)
    ok(root, f"{coll}.byId('{user2}')!.delete()", scoped)


def test_can_read_own_token(root, db):
    coll = collection(root, db)
    _, token = user(root, db, coll)
    assert ok(root, "Query.token()!", token)


def test_cannot_edit_own_token(root, db):
    coll = collection(root, db)
    _, token = user(root, db, coll)
    other, _ = user(root, db, coll)
    denied(root, f"Query.token()!.update({{ document: {coll}.byId('{other}') }})", token)


def test_can_delete_own_token(root, db):
    coll = collection(root, db)
    _, token = user(root, db, coll)
    ok(root, "Query.token()!.delete()", token)
    with pytest.raises(v10.V10Error, match="Access token required"):
        answer(root, "1", token)


# -- "indexes" -------------------------------------------------------------------------------------------------


def test_pagination_with_a_role_without_collection_read_permission_fails_with_permission_denied(root, db):
    ok(root, 'Collection.create({ name: "Books", indexes: { byTitle: { terms: [ { field: "title" } ] } } })', db)
    role_secret = ok(root, 'Role.create({ name: "TestRole", privileges: { resource: "Books", actions: {} } })\n'
                           'Key.create({ role: "TestRole" }).secret', db)
    ok(root, 'Books.create({ title: "t1" })\nBooks.create({ title: "t1" })\nBooks.create({ title: "t1" })', db)
    cursor = ok(root, 'Books.byTitle("t1").paginate(1)', db)["after"]
    status, body = answer(root, f'Set.paginate("{cursor}")', role_secret)
    assert status == 400
    assert body["error"]["code"] == "permission_denied"
    assert body["error"]["message"] == "Insufficient privileges to read from collection Books."


# -- "instance permissions" ------------------------------------------------------------------------------------


def test_instance_permissions(root, db):
    ok(root, 'Collection.create({name: "Users"})', db)
    ok(root, 'Collection.create({name: "Books"})', db)
    ok(root, 'Role.create({ name: "AdminOnly", membership: { resource: "Users", '
             "predicate: 'user => user.isAdmin ?? false' }, privileges: { resource: \"Books\", "
             "actions: { read: true, write: true, create: true, delete: true } } })", db)
    assert ok(root, "Users.create({isAdmin: true}).isAdmin", db) is True
    assert ok(root, "Users.create({isAdmin: false}).isAdmin", db) is False
