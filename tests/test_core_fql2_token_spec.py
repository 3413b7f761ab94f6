"""Core's FQL2TokenSpec and FQL2TokenWithV4Spec (ext/model/src/test/scala/fql2/FQL2TokenSpec.scala): v10 `Token`
documents, run through `POST /query/1` in a child database of their own (core's `newDB`) with the secrets the
cases name. Each test names its case.

Already ported elsewhere: "cannot create a Token with a native document" and "update"/"replace" "can change
document" (tests/test_core_auth10.py).
"""

from __future__ import annotations

import pytest

import fql
from fql.server import v10

from .core_fql2_app import ADMIN, DENIED, answer, app_database, err, ok, scoped


@pytest.fixture
def db() -> fql.Database:
    database = app_database()
    ok(database, 'Collection.create({ name: "Foo" })')
    return database


def new_doc(db: fql.Database) -> str:
    return ok(db, "Foo.create({}).id")


@pytest.mark.parametrize("role", ["client", "server-readonly"])
def test_create_client_cannot_create(db, role):
    doc = new_doc(db)
    body = err(db, f"Token.create({{\n  document: Foo.byId('{doc}')\n}})", scoped(role))
    assert body["error"] == DENIED


@pytest.mark.parametrize("role", ["server", "admin"])
def test_create_server_and_admin_can_create(db, role):
    doc = new_doc(db)
    token = ok(
        db,
        f"Token.create({{\n  document: Foo.byId('{doc}'),\n  ttl: Time.now().add(1, \"day\"),\n"
        "  data: {\n    foo: 'bar'\n  }\n})",
        scoped(role),
    )
    assert isinstance(token["id"], str) and token["coll"] == "Token"
    assert isinstance(token["secret"], str)
    assert "hashed_secret" not in token
    assert isinstance(token["ttl"], str)
    assert token["data"] == {"foo": "bar"}
    assert ok(db, "1", token["secret"]) == 1


def test_create_cannot_pass_secret(db):
    doc = new_doc(db)
    query = f"Token.create({{\n  document: Foo.byId('{doc}'),\n  secret: 'sekert'\n}})"
    assert err(db, query, typecheck=False)["summary"] == (
        "error: Failed to create Token.\nconstraint failures:\n  secret: Failed to update field because it is readonly\n"
        "at *query*:1:13\n  |\n1 |   Token.create({\n  |  _____________^\n"
        f"2 | |   document: Foo.byId('{doc}'),\n3 | |   secret: 'sekert'\n4 | | }})\n  | |__^\n  |"
    )
    # The typechecker refuses it first.
    assert err(db, query)["summary"] == (
        'error: Type `{ document: Ref<Foo>, secret: "sekert" }` contains extra field `secret`\n'
        "at *query*:1:14\n  |\n1 |   Token.create({\n  |  ______________^\n"
        f"2 | |   document: Foo.byId('{doc}'),\n3 | |   secret: 'sekert'\n4 | | }})\n  | |_^\n  |"
    )


def test_create_secret_is_ephemeral(db):
    doc = new_doc(db)
    token = ok(db, f"Token.create({{\n  document: Foo.byId('{doc}')\n}}).id")
    assert ok(db, f"Token.byId('{token}')!.secret") is None


def test_update_cannot_update_secret(db):
    doc = new_doc(db)
    token = ok(db, f"Token.create({{\n  document: Foo.byId('{doc}')\n}}).id")
    line = f"Token.byId('{token}')!.update({{"
    assert err(db, f"{line}\n  secret: 'sekret'\n}})")["summary"] == (
        f"error: Failed to update Token with id {token}.\nconstraint failures:\n"
        f"  secret: Failed to update field because it is readonly\nat *query*:1:{len(line) - 1}\n  |\n"
        f"1 |   {line}\n  |  {'_' * (len(line) - 1)}^\n2 | |   secret: 'sekret'\n3 | | }})\n  | |__^\n  |"
    )


def test_replace_cannot_replace_secret(db):
    doc = new_doc(db)
    token = ok(db, f"Token.create({{\n  document: Foo.byId('{doc}')\n}}).id")
    line = f"Token.byId('{token}')!.replace({{"
    query = f"{line}\n  document: Foo.byId('{doc}'),\n  secret: 'sekret'\n}})"
    assert err(db, query)["summary"] == (
        f"error: Failed to update Token with id {token}.\nconstraint failures:\n"
        f"  secret: Failed to update field because it is readonly\nat *query*:1:{len(line) - 1}\n  |\n"
        f"1 |   {line}\n  |  {'_' * (len(line) - 1)}^\n2 | |   document: Foo.byId('{doc}'),\n"
        f"3 | |   secret: 'sekret'\n4 | | }})\n  | |__^\n  |"
    )


@pytest.mark.parametrize("write", ["update", "replace"])
def test_update_and_replace_can_add_data(db, write):
    doc = new_doc(db)
    token = ok(db, f"Token.create({{\n  document: Foo.byId('{doc}')\n}})")
    document = f"document: Foo.byId('{doc}'),\n  " if write == "replace" else ""
    ok(db, f"Token.byId('{token['id']}')!.{write}({{\n  {document}data: {{\n    foo: 'bar'\n  }}\n}})")
    assert ok(db, f"Token.byId('{token['id']}') {{ data }}") == {"data": {"foo": "bar"}}
    assert ok(db, "1", token["secret"]) == 1


def test_delete_works(db):
    doc = new_doc(db)
    token = ok(db, f"Token.create({{\n  document: Foo.byId('{doc}')\n}})")
    assert ok(db, "1", token["secret"]) == 1
    ok(db, f"Token.byId('{token['id']}')!.delete()")
    with pytest.raises(v10.V10Error) as caught:
        answer(db, "1", token["secret"], True)
    assert (caught.value.status, caught.value.code) == (401, "unauthorized")


def test_by_document_works(db):
    docs = [new_doc(db) for _ in range(3)]
    one = ok(db, f"[ Token.create({{document: Foo.byId('{docs[1]}')}}).id ]")
    two = ok(
        db,
        f"[\n  Token.create({{document: Foo.byId('{docs[2]}')}}).id,\n"
        f"  Token.create({{document: Foo.byId('{docs[2]}')}}).id\n]",
    )
    found = [ok(db, f"Token.byDocument(Foo.byId('{doc}')!).toArray().map(.id)") for doc in docs]
    assert found[0] == []
    assert sorted(found[1]) == sorted(one)
    assert sorted(found[2]) == sorted(two)


# -- FQL2TokenWithV4Spec --------------------------------------------------------------------------------


def token_secret(db: fql.Database) -> str:
    ok(db, "Collection.byName('Foo')!.delete()")
    db.query('CreateCollection({ name: "Foo" })', secret=ADMIN)
    doc = new_doc(db)
    return ok(db, f"Token.create({{ id: 3, document: Foo.byId('{doc}') }}).secret", typecheck=False)


def test_logout_with_a_non_existent_token_does_not_fail(db):
    secret = token_secret(db)
    assert db.query("Logout(false)", secret=secret) is True
    ok(db, "if (Token.all().count() != 0) abort(0)")
    # The token is gone, so its secret no longer authenticates anything, Logout included.
    with pytest.raises(fql.errors.FQLError) as caught:
        db.query("Logout(false)", secret=secret)
    assert caught.value.code == "unauthorized"


def test_logout_twice_does_not_fail(db):
    secret = token_secret(db)
    assert db.query("Do(Logout(false), Logout(false))", secret=secret) is True
    ok(db, "if (Token.all().count() != 0) abort(0)")


# -- ids (not a case of core's spec) -----------------------------------------------------------------------


def test_create_takes_an_id(db):
    # Core's Token create type has an optional `id`, as Credential's has (create_with_id, as a user
    # document's): the docs' Token.byId("371233004820889634"). fql dropped it and made an id of its own.
    ok(db, "Foo.create({ id: '1' })")
    created = ok(db, "Token.create({ id: '371233004820889634', document: Foo('1') })")
    assert created["id"] == "371233004820889634" and created["secret"].startswith("fn")
    assert ok(db, "Token.byId('371233004820889634')!.document.id") == "1"
    assert ok(db, "'ok'", created["secret"]) == "ok"
    taken = err(db, "Token.create({ id: '371233004820889634', document: Foo('1') })")
    assert taken["error"] == {
        "code": "document_id_exists",
        "message": "Collection `Token` already contains document with id 371233004820889634.",
    }


def test_a_new_token_keeps_showing_the_version_it_was_created_with(db):
    # Not a spec case: core's Token.create answers `Value.Doc(id, versionOverride = ...)` with the secret
    # (Tokens.scala), ReadBroker.checkedGet reads the override in place of storage, and the generic update
    # answers the document it was given (WriteBroker.updateDocument); Token's replace answers
    # `Value.Doc(vers.id)`, read afresh. Credential's login makes its token the same way.
    doc = new_doc(db)
    create = f"Token.create({{ document: Foo.byId('{doc}') }})"
    updated = ok(db, f"{create}.update({{ data: {{ a: 1 }} }})")
    assert ("data" in updated, isinstance(updated["secret"], str)) == (False, True)
    assert ok(db, f"Token.byId('{updated['id']}')!.data") == {"a": 1}
    replaced = ok(db, f"{create}.replace({{ document: Foo.byId('{doc}'), data: {{ b: 1 }} }})")
    assert (replaced["data"], "secret" in replaced) == ({"b": 1}, False)
    query = f"let t = {create}\nt.update({{ data: {{ a: 1 }} }})\n[t.data, t.secret != null, Token.byId(t.id)!.data]"
    assert ok(db, query) == [None, True, {"a": 1}]
    ok(db, f"Credential.create({{ document: Foo.byId('{doc}'), password: 'sekret' }})")
    query = f"let t = Credential.byDocument(Foo.byId('{doc}')!)!.login('sekret')\nt.update({{ data: {{ a: 1 }} }})\n[t.data, t.secret != null]"
    assert ok(db, query) == [None, True]
