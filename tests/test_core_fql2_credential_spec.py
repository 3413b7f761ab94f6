"""Core's FQL2CredentialSpec (ext/model/src/test/scala/fql2/FQL2CredentialSpec.scala): v10 `Credential`
documents, run through `POST /query/1` in a child database of their own (core's `newDB`) with the secrets the
cases name. Each test names its case.

Already ported elsewhere: "cannot create a Credential with a native document" (tests/test_core_auth10.py).
Skipped: "ttl now should fail" (pending in core, with no expected result).
"""

from __future__ import annotations

import time

import pytest

import fql
from fql.server import v10

from .core_fql2_app import ADMIN, answer, app_database, err, ok


@pytest.fixture
def db() -> fql.Database:
    return app_database()


def unauthorized(db: fql.Database, secret: str) -> bool:
    try:
        answer(db, "1", secret, True)
    except v10.V10Error as caught:
        return (caught.status, caught.code) == (401, "unauthorized")
    return False


def login(db: fql.Database, doc: str, coll: str, password: str) -> str:
    """The spec's `login` helper: the document's credentials log in, giving a token's secret."""
    token = ok(db, f"let doc = {coll}.byId('{doc}')!\nlet cred = Credentials.byDocument(doc)!\ncred.login('{password}')")
    return token["secret"]


def person_with_credentials(db: fql.Database, module: str = "Credentials") -> str:
    ok(db, "Collection.create({name: 'Person'})")
    doc = ok(db, "Person.create({}).id")
    created = ok(db, f'{module}.create({{\n  document: Person.byId(\'{doc}\'),\n  password: "sekret"\n}})')
    assert created["coll"] == "Credential" and created["document"] == {"id": doc, "coll": "Person"}
    return doc


def test_create_works(db):
    doc = person_with_credentials(db, "Credential")
    assert ok(db, "'ok'", login(db, doc, "Person", "sekret")) == "ok"


def test_a_document_has_one_credential(db):
    """Not in core's spec: core's credentials are uniquely indexed by their document
    (NativeIndex.CredentialsByDocument), so a second credential for a document fails that constraint,
    and the first keeps its password."""
    doc = person_with_credentials(db)
    body = err(db, f"Credential.create({{ document: Person.byId('{doc}'), password: 'other' }})")
    assert body["error"]["code"] == "constraint_failure"
    assert body["error"]["message"] == "Failed unique constraint."
    assert body["error"]["constraint_failures"] == [{"paths": [["document"]], "message": "Failed unique constraint"}]
    assert ok(db, "Credential.all().count()") == 1
    assert ok(db, "'ok'", login(db, doc, "Person", "sekret")) == "ok"


def test_update_password(db):
    doc = person_with_credentials(db)
    ok(db, "Credentials.all().first()!.update({\n  password: 'new-sekret'\n})")
    assert ok(db, "'ok'", login(db, doc, "Person", "new-sekret")) == "ok"
    assert err(db, f"Credentials.byDocument(Person.byId('{doc}')!)!.login('sekret')")["error"]["code"] == "invalid_secret"


def test_update_document(db):
    person_with_credentials(db)
    other = ok(db, "Person.create({}).id")
    ok(db, f"Credentials.all().first()!.update({{\n  document: Person.byId('{other}'),\n}})")
    assert ok(db, "'ok'", login(db, other, "Person", "sekret")) == "ok"


def test_replace_works(db):
    person_with_credentials(db)
    other = ok(db, "Person.create({}).id")
    ok(db, f"Credentials.all().first()!.replace({{\n  document: Person.byId('{other}'),\n  password: \"new-sekret\"\n}})")
    assert ok(db, "'ok'", login(db, other, "Person", "new-sekret")) == "ok"


def test_delete_works(db):
    doc = person_with_credentials(db)
    assert ok(db, "'ok'", login(db, doc, "Person", "sekret")) == "ok"
    ok(db, "Credentials.all().first()!.delete()")
    body = err(db, f"let doc = Person.byId('{doc}')!\nlet cred = Credentials.byDocument(doc)!\ncred.login('sekret')")
    # byDocument names a credential that does not exist (core's id -1).
    assert body["error"]["code"] == "document_not_found"


def test_by_document(db):
    ok(db, "Collection.create({name: 'Person'})")
    doc0, doc1 = ok(db, "Person.create({}).id"), ok(db, "Person.create({}).id")
    cred = ok(db, f'Credentials.create({{\n  document: Person.byId(\'{doc0}\'),\n  password: "sekret"\n}})')
    for declared in ("", ": Person | NullPerson", ": Ref<Person>"):
        query = f"let document{declared} = Person.byId('{doc0}')\nCredentials.byDocument(document)"
        assert ok(db, query) == cred
    assert ok(db, f"Credential.byDocument(Person.byId('{doc1}')).exists()") is False
    assert ok(db, f"Credential.byDocument(Person.byId('{doc1}')) == null") is True


def test_verify_works(db):
    ok(db, "Collection.create({name: 'Person'})")
    cred = ok(db, 'let person = Person.create({})\n\nCredentials.create({\n  document: person,\n  password: "sekret"\n}).id')
    assert ok(db, f"Credentials.byId('{cred}')!.verify('sekret')") is True
    assert ok(db, f"Credential.byId('{cred}')!.verify('invalid')") is False


@pytest.mark.parametrize("resource", ["Credential", "Credentials"])
def test_verify_respect_permissions(db, resource):
    key = ok(
        db,
        f'Role.create({{\n  name: "creds",\n  privileges: {{\n    resource: "{resource}",\n    actions: {{\n'
        "      read: false\n    }\n  }\n})\n\nKey.create({\n  role: \"creds\"\n})",
    )
    ok(db, "Collection.create({name: 'Person'})")
    cred = ok(db, 'let person = Person.create({})\n\nCredential.create({\n  document: person,\n  password: "sekret"\n}).id')
    assert ok(db, f"Credential.byId('{cred}')?.verify('sekret')", key["secret"]) is None
    # The null is the credential the key may not read.
    body = err(db, f"Credential.byId('{cred}')!.verify('sekret')", key["secret"])
    assert body["error"] == {"code": "null_value", "message": "Null value, due to permission denied"}


def users_with_credentials(db: fql.Database) -> str:
    ok(db, "Collection.create({name: 'Users'})")
    user = ok(db, "Users.create({}).id")
    ok(db, f'Credential.create({{\n  document: Users.byId(\'{user}\'),\n  password: "sekret"\n}})')
    return user


def test_login_works(db):
    user = users_with_credentials(db)
    token = ok(db, f'let user = Users.byId(\'{user}\')\nlet cred = Credential.byDocument(user)!\ncred.login("sekret")\n')
    assert token["coll"] == "Token" and token["document"] == {"id": user, "coll": "Users"}
    assert ok(db, "1", token["secret"]) == 1


def test_login_and_ttl(db):
    user = users_with_credentials(db)
    token = ok(
        db,
        f"let user = Users.byId('{user}')\nlet cred = Credential.byDocument(user)!\n"
        'cred.login("sekret", Time.now().add(1, "seconds"))\n',
    )
    assert isinstance(token["ttl"], str)
    assert ok(db, "1", token["secret"]) == 1
    deadline = time.monotonic() + 10
    while not unauthorized(db, token["secret"]):
        assert time.monotonic() < deadline, "the token outlived its ttl"
        time.sleep(0.2)


def test_login_fails_with_invalid_secret(db):
    user = users_with_credentials(db)
    body = err(db, f'let user = Users.byId(\'{user}\')\nlet cred = Credential.byDocument(user)!\ncred.login("invalid")\n')
    assert body["error"]["code"] == "invalid_secret"


def test_login_respect_permissions(db):
    key = ok(
        db,
        'Collection.create({name: "Users"})\n\nRole.create({\n  name: "creds",\n  privileges: [{\n'
        '    resource: "Credential",\n    actions: {\n      read: false\n    }\n  }, {\n    resource: "Users",\n'
        '    actions: {\n      read: true\n    }\n  }]\n})\n\nKey.create({\n  role: "creds"\n})',
    )
    user = ok(db, "Users.create({}).id")
    ok(db, f'Credential.create({{\n  document: Users.byId(\'{user}\'),\n  password: "sekret"\n}})')
    query = f'let user = Users.byId(\'{user}\')\nlet cred = Credential.byDocument(user)\ncred?.login("sekret")\n'
    assert ok(db, query, key["secret"], typecheck=False) is None
    body = err(db, query.replace("cred?.", "cred!."), key["secret"], typecheck=False)
    assert body["error"] == {"code": "null_value", "message": "Null value, due to permission denied"}


def test_alias_works(db):
    assert ok(db, "Credentials.all().toArray()") == []


def test_login_and_verify_are_a_credentials_alone(db):
    """Not a case of the spec: `login` and `verify` are methods of core's Credential prototype
    (stdlib/Credential.scala) alone. On another document they are read as its fields, as any name its
    prototype lacks (FQLInterpreter: `The function ... does not exist on `Doc``, or a field holding a
    value that is no function); with defined fields and no wildcard, the typer refuses them."""
    ok(db, 'Collection.create({ name: "Users" })')
    ok(db, 'Users.create({ id: "1", verify: 3 })')
    ok(db, 'Credential.create({ document: Users.byId("1")!, password: "sekret" })')
    assert err(db, 'Users.byId("1")!.login("sekret")')["error"] == {
        "code": "invalid_function_invocation", "message": "The function `login` does not exist on `Doc`"}
    assert err(db, 'Users.byId("1")!.verify("sekret")')["error"] == {
        "code": "invalid_function_invocation", "message": "`verify`: Expected a function, found `Int`"}
    assert ok(db, 'Credential.byDocument(Users.byId("1")!)!.verify("sekret")') is True
    ok(db, 'Collection.create({ name: "Typed", fields: { name: { signature: "String" } } })')
    assert err(db, 'Typed.create({ name: "a" }).login("sekret")')["summary"].startswith(
        "error: Type `Typed` does not have field `login`")


# -- ids (not a case of core's spec) -----------------------------------------------------------------------


def test_create_takes_an_id(db):
    # Core's Credential create type has an optional `id` (with the `create_with_id` privilege, as a user
    # document's): the docs' credential "412654807560487424". fql dropped it and made an id of its own.
    ok(db, "Collection.create({name: 'Person'})")
    ok(db, "Person.create({ id: '1' }); Person.create({ id: '2' })")
    created = ok(db, "Credential.create({ id: '412654807560487424', document: Person('1'), password: 'sekret' })")
    assert created["id"] == "412654807560487424"
    assert ok(db, "Credential.byId('412654807560487424')!.verify('sekret')") is True
    taken = err(db, "Credential.create({ id: '412654807560487424', document: Person('2'), password: 'x' })")
    assert taken["error"] == {
        "code": "document_id_exists",
        "message": "Collection `Credential` already contains document with id 412654807560487424.",
    }
    # A server key may create with an id; a role with `create` on Credential alone may not.
    ok(db, "Role.create({ name: 'maker', privileges: [{ resource: 'Credential', actions: { create: true } }] })")
    maker = ok(db, "Key.create({ role: 'maker' }).secret")
    denied = err(db, "Credential.create({ id: '5', document: Person('2'), password: 'x' })", maker)
    assert denied["error"]["code"] == "permission_denied"
    assert ok(db, "Credential.create({ document: Person('2'), password: 'x' }).id", maker) != "5"


def test_every_update_writes_a_version(db):
    # Not a spec case: core's WriteBroker writes a new version for any update or replace, as of a
    # document, so the credential's `ts` is the write's even when nothing else changes; its password stays.
    doc = person_with_credentials(db)
    for write in ("update({})", "update({ password: null })", f"replace({{ document: Person.byId('{doc}') }})"):
        before = ok(db, "Credential.all().first()!.ts")
        after = ok(db, f"Credential.all().first()!.{write}.ts")
        assert after != before, write
        assert after == ok(db, "Credential.all().first()!.ts")
    assert ok(db, "'ok'", login(db, doc, "Person", "sekret")) == "ok"


def test_a_new_password_keeps_the_credentials_other_fields(db):
    # Not a spec case: a password changes only the hash (core's CredentialsSchemaHooks and password
    # validators), so a credential v4 gave `data` keeps it when v4 sets the password. v10's Credential
    # schema has no `data`, and core's SchemaType.validateStruct reads the whole document an update
    # leaves, so a v10 update fails on it until it gives `data: null`.
    ok(db, "Collection.create({ name: 'Person' })")
    ok(db, "Person.create({ id: '1' })\nPerson.create({ id: '2' })")
    for doc in ("1", "2"):
        db.query(f'Create(Credentials(), {{ instance: Ref(Collection("Person"), "{doc}"), password: "a", data: {{ n: {doc} }} }})', secret=ADMIN)
    body = err(db, "Credential.byDocument(Person.byId('1')!)!.update({ password: 'b' })")
    assert body["error"]["constraint_failures"] == [{"paths": [["data"]], "message": "Unexpected field provided"}]
    ok(db, "Credential.byDocument(Person.byId('1')!)!.update({ password: 'b', data: null })")
    assert ok(db, "Credential.byDocument(Person.byId('1')!)!.verify('b')") is True
    db.query('Update(Ref(Collection("Person"), "2"), { credentials: { password: "c" } })', secret=ADMIN)
    assert ok(db, "Credential.byDocument(Person.byId('2')!)! { data, ok: .verify('c') }") == {"data": {"n": 2}, "ok": True}


@pytest.mark.parametrize("write", ["update({ password: 'new' })", "replace({ document: Person.byId('1'), password: 'new' })"])
def test_a_role_that_may_write_credentials_changes_a_password_without_the_current_one(db, write):
    # Not a spec case: core's v10 Credential has no `current_password` field, and its write hook
    # (SchemaHooks.scala CredentialsSchemaHooks) hashes a new password whoever writes it; only v4's
    # ClientPasswordValidator asks a caller for the current one. fql asked v10 writers too, so a role
    # allowed to write credentials could never change a password.
    ok(db, "Collection.create({ name: 'Person' })")
    ok(db, "Person.create({ id: '1' })")
    ok(db, "Credential.create({ document: Person.byId('1'), password: 'old' })")
    ok(db, "Role.create({ name: 'cw', privileges: [{ resource: 'Credential', actions: { read: true, write: true } }, "
           "{ resource: 'Person', actions: { read: true } }] })")
    secret = ok(db, "Key.create({ role: 'cw' }).secret")
    assert ok(db, f"Credential.byDocument(Person.byId('1')!)!.{write}.document.id", secret) == "1"
    assert ok(db, "let c = Credential.byDocument(Person.byId('1')!)!\n[c.verify('old'), c.verify('new')]") == [False, True]
    body = err(db, "Credential.byDocument(Person.byId('1')!)!.update({ password: 'x', current_password: 'new' })", secret,
               typecheck=False)
    assert body["error"]["constraint_failures"] == [{"paths": [["current_password"]], "message": "Unexpected field provided"}]
