"""Core's FQL2DatabaseSpec (ext/model fql2): creating, updating, replacing and deleting databases in v10, the
keys that name them, their `typechecked` and `protected` settings, and moving one. Run through
`POST /query/1` as the admin of a child database `app` (tests/core_fql2_app.py). Each test names the spec
case it comes from.

Skipped: "disabled DBs are hidden" (core disables a database through an internal write config that no
query, v4 or v10, can reach; fql has no disabled databases).
"""

from __future__ import annotations

import pytest

import fql
from tests.core_fql2_app import ADMIN, DENIED, ROOT, app_database, err, ok, scoped

FOO = "secret:app/Foo:admin"


@pytest.fixture
def db() -> fql.Database:
    return app_database()


def summary(db: fql.Database, query: str, typecheck: bool = True) -> str:
    """core's renderErr: the failed query's summary."""
    return err(db, query, ADMIN, typecheck)["summary"]


def key_secret(db: fql.Database, query: str, secret: str = ADMIN) -> str:
    return ok(db, f"{query}.secret", secret)


# -- "create" -------------------------------------------------------------------------------------------


def test_create_admin_can_create(db):
    """create / admin can create"""
    made = ok(db, 'let db = Database.create({\n  name: "Foo",\n  data: {\n    foo: "bar"\n  }\n})\n\ndb { name, coll, data }')
    assert made == {"name": "Foo", "coll": "Database", "data": {"foo": "bar"}}


def test_create_respects_user_role(db):
    """create / respect user role"""
    ok(db, 'Role.create({ name: "aRole", privileges: { resource: "Database", actions: { create: true } } })')
    secret = key_secret(db, 'Key.create({ role: "aRole" })')
    assert ok(db, 'Database.create({name: "Foo"}).name', secret) == "Foo"
    ok(db, 'Role.byName("aRole")!.update({ privileges: { resource: "Database", actions: { create: false } } })')
    assert err(db, 'Database.create({name: "Foo2"})', secret)["error"] == DENIED


@pytest.mark.parametrize("role", ["server", "server-readonly", "client"])
def test_create_server_and_client_cannot(db, role):
    """create / server & client cannot create"""
    assert err(db, 'Database.create({name: "Foo"})', scoped(role))["error"] == DENIED


def test_create_created_database_works(db):
    """create / created database works"""
    assert ok(db, 'Database.create({name: "Foo"}).name') == "Foo"
    secret = key_secret(db, "Key.create({ role: 'admin' })", FOO)
    assert ok(db, "Collection.create({ name: 'Bar' }).name", secret) == "Bar"


def test_create_returns_global_id_encoded(db):
    """create / returns global_id encoded"""
    made = ok(db, 'Database.create({name: "Foo"}) {\n name,\n global_id\n}')
    assert made["name"] == "Foo"
    assert isinstance(made["global_id"], str) and made["global_id"].isalnum() and made["global_id"].islower()
    assert ok(db, 'Database.byName("Foo")!.global_id') == made["global_id"]


GLOBAL_ID = 'Database.create({\n  name: "Foo",\n  global_id: "yu3pdd5ssyyyy"\n})'
SCOPE = 'Database.create({\n  name: "Foo",\n  scope: 1\n})'


def test_create_does_not_accept_invalid_fields(db):
    """create / don't accept invalid fields"""
    assert summary(db, GLOBAL_ID, typecheck=False) == (
        "error: Failed to create Database.\n"
        "constraint failures:\n"
        "  global_id: Failed to update field because it is readonly\n"
        "at *query*:1:16\n"
        "  |\n"
        "1 |   Database.create({\n"
        "  |  ________________^\n"
        '2 | |   name: "Foo",\n'
        '3 | |   global_id: "yu3pdd5ssyyyy"\n'
        "4 | | })\n"
        "  | |__^\n"
        "  |"
    )
    assert summary(db, GLOBAL_ID) == (
        'error: Type `{ name: "Foo", global_id: "yu3pdd5ssyyyy" }` contains extra field `global_id`\n'
        "at *query*:1:17\n"
        "  |\n"
        "1 |   Database.create({\n"
        "  |  _________________^\n"
        '2 | |   name: "Foo",\n'
        '3 | |   global_id: "yu3pdd5ssyyyy"\n'
        "4 | | })\n"
        "  | |_^\n"
        "  |"
    )
    assert summary(db, SCOPE, typecheck=False) == (
        "error: Failed to create Database.\n"
        "constraint failures:\n"
        "  scope: Unexpected field provided\n"
        "at *query*:1:16\n"
        "  |\n"
        "1 |   Database.create({\n"
        "  |  ________________^\n"
        '2 | |   name: "Foo",\n'
        "3 | |   scope: 1\n"
        "4 | | })\n"
        "  | |__^\n"
        "  |"
    )
    checked = err(db, SCOPE)
    assert checked["error"]["code"] == "invalid_query"
    assert checked["summary"].startswith('error: Type `{ name: "Foo", scope: 1 }` contains extra field `scope`\n')


def test_create_account_id(db):
    """create / account id: set where the parent has none, dropped where it has one"""
    parent = ok(db, 'let db = Database.create({\n  name: "Foo",\n  account: {\n    id: 1234\n  }\n})\n\ndb { name, account }', typecheck=False)
    assert parent == {"name": "Foo", "account": {"id": 1234}}
    child = ok(db, 'let db = Database.create({ name: "Bar", account: { id: 5678 } })\ndb { name, account }', FOO, False)
    assert child == {"name": "Bar", "account": None}


# -- "update" -------------------------------------------------------------------------------------------


def test_update_name(db):
    """update / name"""
    ok(db, 'Database.create({name: "Foo"})')
    ok(db, 'Database.byName("Foo")!.update({name: "Bar"})')
    assert ok(db, "Database.byName('Foo').exists()") is False
    assert ok(db, "Database.byName('Foo') == null") is True
    assert ok(db, "Database.byName('Bar').exists()") is True


def test_update_invalid_name_is_left_alone(db):
    """update / invalid name is left alone"""
    db.query('CreateDatabase({ name: "foo-bar" })', secret=ADMIN)
    ok(db, "Database.byName('foo-bar')!")
    body = err(db, "Database.byName('foo-bar')!.update({ name: 'foo-baz' })")
    assert body["error"]["code"] == "constraint_failure"
    assert body["error"]["constraint_failures"] == [{"paths": [["name"]], "message": "Invalid identifier."}]
    ok(db, "Database.byName('foo-bar')!.update({ data: { a: true }})")
    assert ok(db, "Database.byName('foo-bar')!.data") == {"a": True}


def test_update_data(db):
    """update / data"""
    ok(db, 'Database.create({name: "Foo"})')
    ok(db, 'Database.byName("Foo")!.update({data: {foo: "bar"}})')
    assert ok(db, 'Database.byName("Foo")!.data') == {"foo": "bar"}


def test_update_keeps_scope_and_global_id(db):
    """update / keep scope & global_id: the renamed database keeps its global id and its contents"""
    before = ok(db, 'Database.create({name: "Foo"}).global_id')
    ok(db, 'Collection.create({ name: "Inside" })', FOO)
    ok(db, 'Database.byName("Foo")!.update({name: "Bar"})')
    assert ok(db, 'Database.byName("Bar")!.global_id') == before
    assert ok(db, "Collection.byName('Inside') != null", "secret:app/Bar:admin") is True


def test_update_account_id(db):
    """update / account.id"""
    ok(db, 'Database.create({name: "Foo"})')
    query = 'let db = Database.byName("Foo")!.update({\n  account: {\n    id: 4321\n  }\n})\n\ndb { name, account }'
    assert ok(db, query, typecheck=False) == {"name": "Foo", "account": {"id": 4321}}
    ok(db, 'Database.create({name: "Bar"})', FOO)
    query = 'let db = Database.byName("Bar")!.update({ account: { id: 1234 } })\n\ndb { name, account }'
    assert ok(db, query, FOO, False) == {"name": "Bar", "account": None}


# -- "replace" ------------------------------------------------------------------------------------------


def test_replace_name(db):
    """replace / name: the database keeps its global id and its contents"""
    before = ok(db, 'Database.create({name: "Foo"}).global_id')
    ok(db, 'Collection.create({ name: "Inside" })', FOO)
    ok(db, 'Database.byName("Foo")!.replace({name: "Bar"})')
    assert ok(db, 'Database.byName("Bar")!.global_id') == before
    assert ok(db, "Collection.byName('Inside') != null", "secret:app/Bar:admin") is True


def test_replace_data(db):
    """replace / data"""
    ok(db, 'Database.create({name: "Foo"})')
    ok(db, 'Database.byName("Foo")!.replace({name: "Foo", data: {foo: "bar"}})')
    assert ok(db, 'Database.byName("Foo") { name, data }') == {"name": "Foo", "data": {"foo": "bar"}}


def test_replace_account_id(db):
    """replace / account.id"""
    ok(db, 'Database.create({name: "Foo"})')
    query = 'let db = Database.byName("Foo")!.replace({\n  name: "Foo",\n  account: {\n    id: 4321\n  }\n})\n\ndb { name, account }'
    assert ok(db, query, typecheck=False) == {"name": "Foo", "account": {"id": 4321}}
    ok(db, 'Database.create({name: "Bar"})', FOO)
    query = 'let db = Database.byName("Bar")!.replace({ name: "Bar", account: { id: 1234 } })\n\ndb { name, account }'
    assert ok(db, query, FOO, False) == {"name": "Bar", "account": None}


# -- "delete" -------------------------------------------------------------------------------------------


def test_delete_works(db):
    """delete / works"""
    ok(db, "Database.create({name: 'Foo'})")
    assert ok(db, "Database.byName('Foo') != null") is True
    ok(db, "Database.byName('Foo')!.delete()")
    assert ok(db, "Database.byName('Foo') == null") is True


def test_delete_with_v4_role_ref_on_a_function(db):
    """delete / can modify schema with a v4 role ref on a function in the same scope"""
    ok(db, "Database.create({ name: 'db' })")
    db.query('CreateRole({ name: "r", privileges: [] })', secret=ADMIN)
    db.query('CreateFunction({ name: "f", body: Query(Lambda("x", Var("x"))), role: Role("r") })', secret=ADMIN)
    ok(db, "Database.byName('db')!.delete()")
    assert ok(db, "Database.byName('db') == null") is True


def test_delete_cascades_to_sibling_keys(db):
    """delete / deletes cascade to sibling keys"""
    ok(db, "Database.create({name: 'Foo'})")
    ok(db, "Key.create({ role: 'admin', database: 'Foo' })")
    ok(db, "Database.byName('Foo')!.delete()")
    assert ok(db, "Key.all().toArray()") == []


def test_delete_cascades_to_pending_writes_of_sibling_keys(db):
    """delete / deletes cascade to pending writes of sibling keys"""
    ok(db, "Database.create({ name: 'Undead' })")
    ok(db, "Key.create({ role: 'admin', database: 'Undead' })\nDatabase.byName('Undead')!.delete()\n")
    assert ok(db, "Key.all().toArray()") == []


def test_delete_cascade_with_pending_deletes(db):
    """delete / delete cascade doesn't get tripped up by pending deletes"""
    ok(db, "Database.create({ name: 'Undead2' })")
    ok(db, "Key.create({ role: 'admin', database: 'Undead2' })")
    ok(db, "Key.where(.database == 'Undead2').forEach(.delete())\nDatabase.byName('Undead2')!.delete()\n")
    assert ok(db, "Key.all().toArray()") == []


# -- "validate FK" --------------------------------------------------------------------------------------


def test_validate_fk_keys_update(db):
    """validate FK / keys / update: a key follows its database's new name"""
    key = ok(db, 'Database.create({name: "Foo"})\n\nKey.create({\n  role: "admin",\n  database: "Foo"\n}).id')
    ok(db, 'Database.byName("Foo")!.update({name: "Bar"})')
    assert ok(db, f'Key.byId("{key}")!.database') == "Bar"


def test_validate_fk_roles_cannot_refer_to_databases(db):
    """validate FK / roles cannot refer to databases"""
    ok(db, 'Database.create({name: "Foo"})')
    query = 'Role.create({\n name: "aRole",\n privileges: {\n   resource: "Foo",\n   actions: {}\n }\n})'
    assert summary(db, query) == (
        "error: Invalid database schema update.\n"
        "    error: Resource `Foo` does not exist\n"
        "    at main.fsl:5:14\n"
        "      |\n"
        "    5 |   privileges Foo {\n"
        "      |              ^^^\n"
        "      |\n"
        "at *query*:1:12\n"
        "  |\n"
        "1 |   Role.create({\n"
        "  |  ____________^\n"
        '2 | |  name: "aRole",\n'
        "3 | |  privileges: {\n"
        '4 | |    resource: "Foo",\n'
        "5 | |    actions: {}\n"
        "6 | |  }\n"
        "7 | | })\n"
        "  | |__^\n"
        "  |"
    )


# -- the rest -------------------------------------------------------------------------------------------


def test_updating_name_shows_up_when_listing(db):
    """updating name shows up correctly when listing databases"""
    ok(db, "Database.create({ name: 'foo' })")
    assert ok(db, "(Database.all(){ name }).paginate()")["data"] == [{"name": "foo"}]
    ok(db, "\nDatabase.byName('foo')!.update({ name: 'bar' })\n")
    assert ok(db, "(Database.all(){ name }).paginate()")["data"] == [{"name": "bar"}]


def test_name_must_be_unique(db):
    """name must be unique"""
    ok(db, "Database.create({ name: 'foo' })")
    body = err(db, "Database.create({ name: 'foo' })")
    assert body["error"]["code"] == "constraint_failure"
    assert [f["paths"] for f in body["error"]["constraint_failures"]] == [[["name"]]]


def test_account_id_must_be_unique(db):
    """account id must be unique"""
    ok(db, "Database.create({ name: 'foo', account: { id: 987654321 } })", typecheck=False)
    body = err(db, "Database.create({ name: 'bar', account: { id: 987654321 } })", typecheck=False)
    assert body["error"]["code"] == "constraint_failure"
    assert [f["paths"] for f in body["error"]["constraint_failures"]] == [[["account", "id"]]]


# -- "typechecked flag" / "protected flag" --------------------------------------------------------------


def root_db() -> fql.Database:
    from fql.auth.credentials import TEST_PARAMS

    return fql.connect(root_secret=ROOT, argon2=TEST_PARAMS)


def test_typechecked_defaults_to_true():
    """typechecked flag / defaults to true (no tenant root in tree)"""
    db = root_db()
    ok(db, "Database.create({ name: 'db1' })", ROOT)
    assert ok(db, "Query.isEnvTypechecked()", "secret:db1:admin") is True


def test_typechecked_can_be_set():
    """typechecked flag / can be set"""
    db = root_db()
    ok(db, "Database.create({ name: 'db1', typechecked: true })", ROOT)
    assert ok(db, "Query.isEnvTypechecked()", "secret:db1:admin") is True


def test_typechecked_inherits_from_parent():
    """typechecked flag / inherits from parent"""
    db = root_db()
    ok(db, "Database.create({ name: 'db1', typechecked: true })", ROOT)
    ok(db, "Database.create({ name: 'child' })", "secret:db1:admin")
    assert ok(db, "Query.isEnvTypechecked()", "secret:db1/child:admin") is True


def test_typechecked_can_be_overridden():
    """typechecked flag / can be overidden"""
    db = root_db()
    ok(db, "Database.create({ name: 'db1', typechecked: true })", ROOT)
    ok(db, "Database.create({ name: 'child', typechecked: false })", "secret:db1:admin")
    assert ok(db, "Query.isEnvTypechecked()", "secret:db1/child:admin", typecheck=False) is False


def test_protected_defaults_to_false(db):
    """protected flag / defaults to false"""
    assert ok(db, "Query.isEnvProtected()") is False


def test_protected_can_be_set(db):
    """protected flag / can be set"""
    ok(db, "Database.create({ name: 'db1', protected: true })")
    assert ok(db, "Query.isEnvProtected()", "secret:app/db1:admin") is True


def test_protected_inherits_from_parent(db):
    """protected flag / inherits from parent"""
    ok(db, "Database.create({ name: 'parent', protected: true })")
    ok(db, "Database.create({ name: 'child' })", "secret:app/parent:admin")
    assert ok(db, "Query.isEnvProtected()", "secret:app/parent/child:admin") is True


# -- "move_database works" ------------------------------------------------------------------------------


def test_move_database_works(db):
    """move_database works"""
    ok(db, "Database.create({ name: 'sub1' })\nDatabase.create({ name: 'sub2' })")
    sub1, sub2 = "secret:app/sub1:admin", "secret:app/sub2:admin"
    ok(db, "Collection.create({ name: 'Foo', indexes: { byName: { terms: [{ field: '.name' }] } } })", sub1)
    ok(db, "Foo.create({ id: 0, name: 'bar' })", sub1)
    key1 = key_secret(db, "Key.create({ role: 'admin' })", sub1)
    key2 = key_secret(db, "Key.create({ role: 'admin' })", sub2)
    names = "Database.all().toArray().map(.name)"
    assert ok(db, names) == ["sub1", "sub2"]
    assert ok(db, names, key1) == []
    assert ok(db, names, key2) == []
    assert ok(db, "Foo(0)!.name", key1) == "bar"
    db.query('Get(Ref(Collection("Foo"), "0"))', secret=key1)
    db.query('MoveDatabase(Database("sub1"), Database("sub2"))', secret=ADMIN)
    assert ok(db, names) == ["sub2"]
    assert ok(db, names, key1) == []
    assert ok(db, names, key2) == ["sub1"]
    db.query('Get(Ref(Collection("Foo"), "0"))', secret=key1)
    ok(db, "Foo.create({ id: 1, name: 'baz' })", key1)
    db.query('Create(Collection("Foo"), { data: { name: "baz" } })', secret=key1)
    assert ok(db, "Foo.byName('baz').count()", key1) == 2
