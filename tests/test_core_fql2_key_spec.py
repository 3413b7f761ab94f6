"""Core's FQL2KeySpec (ext/model/src/test/scala/fql2/FQL2KeySpec.scala): v10 `Key` documents, run through
`POST /query/1` in a child database of their own (core's `newDB`) with the secrets the cases name. Each test
names its case.

Already ported in tests/test_core_auth10.py: "should respect database field" and "update"/"replace" "can change
database" (test_a_key_names_its_database_and_can_move_to_another), "validate FK" / "role" / "create"
(test_a_key_names_roles_and_databases_that_exist), "legacy api" / "read database as string".
"""

from __future__ import annotations

import pytest

import fql
from fql.server import v10

from .core_fql2_app import ADMIN, DENIED, ROOT, answer, app_database, err, ok


@pytest.fixture
def db() -> fql.Database:
    return app_database()


def mk_key(db: fql.Database, role: str) -> str:
    return ok(db, f'Key.create({{ role: "{role}" }}).secret')


def client_key(db: fql.Database) -> dict:
    return ok(db, 'Key.create({\n  role: "client"\n})')


@pytest.mark.parametrize("role", ["client", "server", "server-readonly"])
def test_create_non_admin_cannot_create(db, role):
    assert err(db, 'Key.create({role: "admin"})', f"{ROOT}:app:{role}")["error"] == DENIED


def test_create_cannot_pass_secret(db):
    body = err(db, 'Key.create({\n  role: "client",\n  secret: "foo"\n})')
    assert body["error"] == {
        "code": "invalid_query",
        "message": "The query failed 1 validation check",
    }
    assert body["summary"].splitlines()[0] == (
        'error: Type `{ role: "client", secret: "foo" }` contains extra field `secret`'
    )


def test_create_only_admin_can_create(db):
    key = ok(db, 'Key.create({\n  role: "client",\n  data: {\n    foo: "bar"\n  }\n})')
    assert isinstance(key["id"], str) and key["coll"] == "Key"
    assert isinstance(key["secret"], str)
    assert (key["role"], key["data"]) == ("client", {"foo": "bar"})
    assert ok(db, "1", key["secret"]) == 1


def test_create_secret_is_ephemeral(db):
    key = client_key(db)
    assert ok(db, f"Key.byId('{key['id']}')!.secret") is None


def test_create_can_set_a_ttl(db):
    key = ok(db, 'Key.create({\n  role: "client",\n  ttl: Time.now().add(1, "day")\n})')
    assert ok(db, f"Key.byId('{key['id']}')!.ttl isa Time") is True


def test_create_should_respect_builtin_role(db):
    assert err(db, 'Collection.create({name: "Foo"})', mk_key(db, "client"))["error"] == DENIED
    assert err(db, 'Collection.create({name: "Foo"})', mk_key(db, "server-readonly"))["error"] == DENIED
    assert ok(db, 'Collection.create({name: "Foo"}).exists()', mk_key(db, "server")) is True
    assert ok(db, 'Collection.create({name: "Bar"}).exists()', mk_key(db, "admin")) is True


def test_create_should_respect_user_role(db):
    ok(
        db,
        'Role.create({\n  name: "OnlyFoo",\n  privileges: {\n    resource: "Collection",\n    actions: {\n'
        "      create: 'data => \"Foo\" == data.name'\n    }\n  }\n})",
    )
    secret = mk_key(db, "OnlyFoo")
    assert err(db, 'Collection.create({name: "Bar"})', secret)["error"] == DENIED
    ok(db, "Collection.create({name: 'Foo'})", secret)
    assert ok(db, "Collection.byName('Foo')!.name") == "Foo"


@pytest.mark.parametrize("write", ["update", "replace"])
def test_update_and_replace_can_add_data(db, write):
    key = client_key(db)
    role = '\n  role: "client",' if write == "replace" else ""
    ok(db, f"let key = Key.byId('{key['id']}')!\nkey.{write}({{{role}\n  data: {{\n    foo: \"bar\"\n  }}\n}})")
    assert ok(db, f"Key.byId('{key['id']}') {{\n  data\n}}\n") == {"data": {"foo": "bar"}}
    assert ok(db, "1", key["secret"]) == 1


@pytest.mark.parametrize("write", ["update", "replace"])
def test_update_and_replace_can_change_role(db, write):
    key = client_key(db)
    assert err(db, 'Collection.create({name: "Foo"})', key["secret"])["error"] == DENIED
    ok(db, f"let key = Key.byId('{key['id']}')!\nkey.{write}({{\n  role: \"server\"\n}})")
    assert ok(db, 'Collection.create({name: "Foo"}).exists()', key["secret"]) is True


def test_update_cannot_update_secret(db):
    key = client_key(db)
    body = err(db, f"let key = Key.byId('{key['id']}')!\nkey.update({{\n  secret: \"foo\"\n}})")
    assert body["summary"] == (
        f"error: Failed to update Key with id {key['id']}.\nconstraint failures:\n"
        "  secret: Failed to update field because it is readonly\nat *query*:2:11\n  |\n2 |   key.update({\n"
        '  |  ___________^\n3 | |   secret: "foo"\n4 | | })\n  | |__^\n  |'
    )


def test_replace_cannot_replace_secret(db):
    key = client_key(db)
    query = f"let key = Key.byId('{key['id']}')!\nkey.replace({{\n  role: \"server\",\n  secret: \"foo\"\n}})"
    assert err(db, query)["summary"] == (
        f"error: Failed to update Key with id {key['id']}.\nconstraint failures:\n"
        "  secret: Failed to update field because it is readonly\nat *query*:2:12\n  |\n2 |   key.replace({\n"
        '  |  ____________^\n3 | |   role: "server",\n4 | |   secret: "foo"\n5 | | })\n  | |__^\n  |'
    )


def test_delete_works(db):
    key = client_key(db)
    assert ok(db, "1", key["secret"]) == 1
    ok(db, f"Key.byId('{key['id']}')!.delete()")
    with pytest.raises(v10.V10Error) as caught:
        answer(db, "1", key["secret"], True)
    assert (caught.value.status, caught.value.code) == (401, "unauthorized")


ROLE = 'Role.create({\n  name: "aRole",\n  privileges: {\n    resource: "Collection",\n    actions: {\n      create: true\n    }\n  }\n})\n'


def test_validate_fk_role_delete(db):
    ok(db, ROLE)
    key = ok(db, 'Key.create({\n  role: "aRole"\n})').get("id")
    body = err(db, "Role.byName('aRole')!.delete()")
    assert body["error"]["code"] == "constraint_failure"
    assert body["error"]["message"] == "Failed to delete Role `aRole`."
    assert body["error"]["constraint_failures"] == [
        {"paths": [["name"]], "message": f"The key `{key}` refers to this document by its previous identifier `aRole`."}
    ]


def test_validate_fk_role_update(db):
    ok(db, ROLE)
    key = ok(db, 'Key.create({\n  role: "aRole"\n})')["id"]
    ok(db, 'Role.byName("aRole")!.update({name: "anotherRole"})')
    assert ok(db, f'\nKey.byId("{key}")!.role\n') == "anotherRole"


def test_legacy_api_write_database_as_string(db):
    ok(db, 'Database.create({ name: "child" })')
    key = ok(db, "Key.create({\n  role: 'admin',\n  database: 'child'\n})")["id"]
    got = db.query(f'Get(Ref(Keys(), "{key}"))', secret=ADMIN)
    assert got["database"] == db.query('Database("child")', secret=ADMIN)


def test_a_role_name_is_checked_once_the_query_has_run(db):
    # Not a spec case: core checks a key's role by name in a NameValidationHook, a revalidation run after
    # the query, so the query may create the role after the key; a database name is checked as the key is
    # written (KeysSchemaHooks.patchDatabase).
    assert ok(db, 'let k = Key.create({ role: "later" })\nRole.create({ name: "later" })\nk.role') == "later"
    body = err(db, 'Key.create({ role: "never" })\n"done"')
    assert (body["error"]["message"], body["error"]["constraint_failures"]) == (
        "Failed to create Key.", [{"paths": [["role"]], "message": "Field refers to an unknown role name `never`."}]
    )
    body = err(db, 'Key.create({ role: "admin", database: "later_db" })\nDatabase.create({ name: "later_db" })')
    assert body["error"]["constraint_failures"] == [
        {"paths": [["database"]], "message": "Field refers to an unknown database name `later_db`."}
    ]


def test_a_new_key_keeps_showing_the_version_it_was_created_with(db):
    # Not a spec case: core's Key.create answers `Value.Doc(id, versionOverride = ...)` with the secret
    # (Keys.scala), ReadBroker.checkedGet reads the override in place of storage, and Key's update and
    # replace answer the document they were given: that value shows the created key, secret included,
    # whatever the query writes later. The key read again shows what was written.
    updated = ok(db, 'Key.create({ role: "client" }).update({ data: { a: 1 } })')
    assert (updated["role"], "data" in updated, isinstance(updated["secret"], str)) == ("client", False, True)
    replaced = ok(db, 'Key.create({ role: "client" }).replace({ role: "server" })')
    assert (replaced["role"], isinstance(replaced["secret"], str)) == ("client", True)
    query = 'let k = Key.create({ role: "client" })\nk.update({ role: "server" })\n[k.role, k.secret != null, Key.byId(k.id)!.role]'
    assert ok(db, query) == ["client", True, "server"]
    assert ok(db, f"Key.byId('{updated['id']}')!.data") == {"a": 1}
    assert ok(db, f"Key.byId('{replaced['id']}')!.role") == "server"
