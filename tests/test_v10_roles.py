"""v10 roles: resources by name (which need not exist yet) and predicates as v10 lambdas' source."""

from __future__ import annotations

import pytest

import fql
from fql.errors import FQLError
from tests.helpers import QueryEndpoint, query_v10


@pytest.fixture
def db():
    db = fql.connect()
    for text in [
        'Collection.create({ name: "People" })',
        # The role names Notes before the query creates it: core checks a role's resources once the query
        # has run (FQL2RoleSpec "can create before collection").
        'Role.create({ name: "reader", membership: { resource: "People" }, privileges: ['
        '{ resource: "Notes", actions: { read: "(doc) => doc.owner == Query.identity()", '
        'delete: "doc => doc.owner == Query.identity()" } }, { resource: "People", actions: { read: true } }] })\n'
        'Collection.create({ name: "Notes" })',
        'People.create({ id: "1", name: "Ann" })',
        'Credential.create({ document: People.byId("1"), password: "pw" })',
        'Notes.create({ id: "10", owner: People.byId("1") })',
        'Notes.create({ id: "11", owner: null })',
    ]:
        db.query(text, syntax="v10")
    return db


def token(db) -> str:
    return db.query('Credential.byDocument(People.byId("1"))!.login("pw")', syntax="v10")["secret"]


def test_a_role_keeps_its_resources_and_predicates_as_written(db):
    role = db.query('Role.byName("reader")!', syntax="v10")
    assert role["membership"] == {"resource": "People"}
    assert role["privileges"][0]["resource"] == "Notes"
    assert role["privileges"][0]["actions"]["read"] == "(doc) => doc.owner == Query.identity()"


def test_predicates_decide_per_document(db):
    secret = token(db)
    assert db.query('Notes.byId("10")!.id', secret=secret, syntax="v10") == "10"
    assert db.query('Notes.byId("11").exists()', secret=secret, syntax="v10") is False
    assert db.query('People.byId("1")!.name', secret=secret, syntax="v10") == "Ann"
    with pytest.raises(FQLError) as caught:
        db.query('Notes.byId("11")!.delete()', secret=secret, syntax="v10")
    # core's handleNullCause: the unreadable document is null, and `!` says why.
    assert (caught.value.v10_code, caught.value.description) == ("null_value", "Null value, due to permission denied")
    db.query('Notes.byId("10")!.delete()', secret=secret, syntax="v10")
    assert db.query('Notes.byId("10").exists()', syntax="v10") is False


def test_bad_predicates_are_constraint_failures(db):
    with pytest.raises(FQLError) as caught:
        db.query('Role.create({ name: "r2", membership: { resource: "People", predicate: "invalid fqlx" }, '
                 'privileges: [{ resource: "Notes", actions: { read: "1 +" } }] })', syntax="v10")
    assert (caught.value.v10_code, caught.value.description) == ("constraint_failure", "Failed to create Role.")
    assert [f["field"] for f in caught.value.failures] == [
        ["membership", "predicate"], ["privileges", 0, "actions", "read"]
    ]
    assert db.query('Role.byName("r2").exists()', syntax="v10") is False


def test_create_write_and_call_predicates(db):
    for text in [
        'Function.create({ name: "double", body: "x => x * 2" })',
        'Function.create({ name: "hidden", body: "x => x" })',
        'Role.create({ name: "writer", membership: { resource: "People" }, privileges: ['
        '{ resource: "Notes", actions: { create: "(doc) => doc.owner == Query.identity()", '
        'write: "(old, new) => old.owner == new.owner" } }, { resource: "double", actions: { call: "(x) => x < 10" } }] })',
    ]:
        db.query(text, syntax="v10")
    secret = token(db)

    def run(text):
        return db.query(text, secret=secret, syntax="v10")

    assert run('Notes.create({ owner: Query.identity(), n: 1 }).n') == 1
    assert run('Notes.byId("10")!.update({ n: 2 }).n') == 2
    assert run("double(3)") == 6
    for denied in ['Notes.create({ owner: null })', 'Notes.byId("10")!.update({ owner: null })', "double(20)", "hidden(1)"]:
        with pytest.raises(FQLError) as caught:
            run(denied)
        assert caught.value.v10_code == "permission_denied", denied
    assert db.query('Notes.where(.owner == null).count()', syntax="v10") == 1  # nothing denied was written


@pytest.mark.parametrize(
    ("predicate", "shown"),
    [("_ => true", ["10", "11"]), ("_ => false", ["10"]), ("terms => terms == null", ["10", "11"])],
)
def test_unrestricted_read_predicates(db, predicate, shown):
    # Core calls a collection's unrestricted_read predicate with null (UnrestrictedCollectionRead); where
    # it says yes, v4's Documents() shows every document, not only those the read predicate allows.
    db.query(
        'Role.byName("reader")!.update({ privileges: [{ resource: "Notes", actions: { read: '
        f'"(doc) => doc.owner == Query.identity()", unrestricted_read: "{predicate}" }} }}, '
        '{ resource: "People", actions: { read: true } }] })',
        syntax="v10",
    )
    page = db.query('Paginate(Documents(Collection("Notes")))', secret=token(db))
    assert [ref.id for ref in page.data] == shown
    # v10 sets filter by `read` whatever unrestricted_read says, as core's ValueSet does.
    assert db.query("Notes.all().map(.id).toArray()", secret=token(db), syntax="v10") == ["10"]


def test_unrestricted_read_predicates_must_parse(db):
    with pytest.raises(FQLError) as caught:
        db.query('Role.create({ name: "u", privileges: { resource: "Notes", actions: { unrestricted_read: "x =>" } } })',
                 syntax="v10")
    assert caught.value.v10_code == "constraint_failure"
    assert caught.value.failures[0]["field"] == ["privileges", "actions", "unrestricted_read"]


def test_sets_leave_out_what_a_read_predicate_refuses(db):
    db.query('Notes.definition.update({ indexes: { byN: { terms: [{ field: ".n" }] } } })', syntax="v10")
    db.query('Notes.all().forEach(note => note.update({ n: 1 }))', syntax="v10")
    secret = token(db)
    assert db.query("Notes.all().map(.id).toArray()", secret=secret, syntax="v10") == ["10"]
    assert db.query("Notes.byN(1).map(.id).toArray()", secret=secret, syntax="v10") == ["10"]
    assert db.query("Notes.byN(1).count()", syntax="v10") == 2


def test_a_function_acts_with_its_user_role(db):
    # core's FQL2RoleSpec: a UDF whose role is a user-defined one may do what that role allows.
    db.query('Collection.create({ name: "Books" })', syntax="v10")
    db.query('Role.create({ name: "writer", privileges: { resource: "Books", actions: { create: true, read: true } } })', syntax="v10")
    db.query('Function.create({ name: "AddBook", body: "_ => Books.create({ title: \'Hamlet\' }).title", role: "writer" })', syntax="v10")
    assert db.query("AddBook(1)", syntax="v10") == "Hamlet"


def test_a_null_membership_predicate_is_no_predicate(db):
    db.query(
        'Role.create({ name: "all_people", membership: [{ resource: "People", predicate: null }], '
        'privileges: [{ resource: "Notes", actions: { read: true } }] })',
        syntax="v10",
    )
    assert db.query("Notes.all().count()", secret=token(db), syntax="v10") == 2


def test_an_index_read_needs_some_read_action_on_the_collection(db):
    # core's FQL2RoleSpec: no read action at all is permission_denied; a predicate filters instead.
    db.query('Notes.definition.update({ indexes: { byN: { terms: [{ field: ".n" }] } } })', syntax="v10")
    db.query('Role.byName("reader")!.update({ privileges: [{ resource: "People", actions: { read: true } }] })', syntax="v10")
    with pytest.raises(FQLError) as caught:
        db.query("Notes.byN(1)", secret=token(db), syntax="v10")
    assert (caught.value.v10_code, caught.value.description) == (
        "permission_denied",
        "Insufficient privileges to read from collection Notes.",
    )


def test_write_and_create_predicates_see_documents(db):
    # core's FQL2RoleSpec: a create predicate sees the new document (its id always there, its fields also
    # under `.data`); a write predicate the old and new documents; a schema create the new definition.
    db.query("Collection.create({ name: 'Books' })", syntax="v10")
    db.query(
        "Role.create({ name: 'B', privileges: [{ resource: 'Books', actions: { read: true, "
        "create: 'data => data.id != null && data.data.override == true', "
        "write: '(old, new) => \"B\" == new.data.role && old.override' } }, "
        "{ resource: 'Collection', actions: { read: true, create: 'data => \"Foo\" == data.name' } }] })",
        syntax="v10",
    )
    key = db.query('Key.create({ role: "B" })', syntax="v10")["secret"]
    assert db.query('Books.create({ override: true }).update({ role: "B" }).role', secret=key, syntax="v10") == "B"
    for denied in ("Books.create({})", 'Books.create({ override: true }).update({ role: "x" })', 'Collection.create({ name: "Bar" })'):
        with pytest.raises(FQLError) as caught:
            db.query(denied, secret=key, syntax="v10")
        assert caught.value.v10_code == "permission_denied"
    assert db.query('Collection.create({ name: "Foo" }).name', secret=key, syntax="v10") == "Foo"


def test_write_and_create_predicates_get_the_documents_themselves(db):
    # core's RoleEvalAction.fqlxLambdaArgs: a v10 create predicate gets the new document (Value.Doc with
    # the version being written), a write predicate the document and the document as written, so their
    # `coll` and `ts` read as a document's do, not only their fields and `id`.
    db.query("Collection.create({ name: 'Books' })", syntax="v10")
    db.query(
        "Role.create({ name: 'B', privileges: [{ resource: 'Books', actions: { read: true, "
        "create: 'doc => doc.coll == Books && doc.ts != null && doc.n == 1', "
        "write: '(old, new) => new.coll == Books && new.id == old.id && old.ts != null && old.n < new.n' } }] })",
        syntax="v10",
    )
    key = db.query('Key.create({ role: "B" })', syntax="v10")["secret"]
    book = db.query("Books.create({ n: 1 })", secret=key, syntax="v10")
    assert db.query(f'Books.byId("{book.id}")!.update({{ n: 2 }}).n', secret=key, syntax="v10") == 2
    for denied in ("Books.create({ n: 2 })", f'Books.byId("{book.id}")!.update({{ n: 0 }})'):
        with pytest.raises(FQLError) as caught:
            db.query(denied, secret=key, syntax="v10")
        assert caught.value.v10_code == "permission_denied", denied


@pytest.mark.parametrize(
    "resource, predicate, allowed, denied",
    [
        (
            "Token",
            "t => t.coll == Token && t.id != null && t.ts != null && t.document == People.byId('1') && t.instance == null",
            'Token.create({ document: People.byId("1") })',
            'Token.create({ document: People.byId("2") })',
        ),
        (
            "Token",
            "t => t.id == '12345' && t.coll == Token",
            'Token.create({ id: "12345", document: People.byId("1") })',
            'Token.create({ id: "12346", document: People.byId("1") })',
        ),
        (
            "Credential",
            "c => c.coll == Credential && c.id != null && c.document == People.byId('2')",
            'Credential.create({ document: People.byId("2"), password: "x" })',
            'Credential.create({ document: People.byId("3"), password: "x" })',
        ),
        # A key's database as given, by its name (fql asked once more with the database as a ref).
        (
            "Key",
            "k => k.coll == Key && k.id != null && k.database == 'child' && k.role == 'server'",
            'Key.create({ role: "server", database: "child" })',
            'Key.create({ role: "admin", database: "child" })',
        ),
    ],
)
def test_a_native_create_predicate_gets_the_new_document(db, resource, predicate, allowed, denied):
    # Core's WriteBroker makes the id (getOrMakeID) before checkCreatePermission, whose CreateInstance
    # passes a v10 predicate the new document (Value.Doc with the version to be written): its `id`, `coll`
    # and `ts`, and its fields as v10 names them (`document`, not the `instance` stored).
    for text in ['People.create({ id: "2", name: "Bo" })', 'People.create({ id: "3", name: "Cy" })',
                 'Database.create({ name: "child" })']:
        db.query(text, syntax="v10")
    db.query(
        f"Role.create({{ name: 'N', privileges: [{{ resource: '{resource}', actions: {{ create: {predicate!r}, "
        "create_with_id: true } }, { resource: 'People', actions: { read: true } }] })",
        syntax="v10",
    )
    key = db.query('Key.create({ role: "N" })', syntax="v10")["secret"]
    made = db.query(allowed, secret=key, syntax="v10")
    assert made.ref.collection is not None and made.ref.id
    with pytest.raises(FQLError) as caught:
        db.query(denied, secret=key, syntax="v10")
    assert caught.value.v10_code == "permission_denied", denied


@pytest.mark.parametrize(
    "resource, predicate, allowed, denied",
    [
        (
            "Collection",
            "c => c.coll == Collection && c.ts != null && c.name == 'Foo' && c.history_days == null",
            'Collection.create({ name: "Foo" })',
            'Collection.create({ name: "Bar" })',
        ),
        (
            "Function",
            "f => f.coll == Function && f.exists() && f.body == 'x => x'",
            'Function.create({ name: "F", body: "x => x" })',
            'Function.create({ name: "G", body: "x => 1" })',
        ),
        ("Role", "r => r.coll == Role && r.name == 'R'", 'Role.create({ name: "R" })', 'Role.create({ name: "S" })'),
        ("Database", "d => d.coll == Database && d.name == 'D'", 'Database.create({ name: "D" })', 'Database.create({ name: "E" })'),
    ],
)
def test_a_schema_create_predicate_gets_the_new_document(db, resource, predicate, allowed, denied):
    # Core's schema collections create through the same WriteBroker: CreateInstance passes the new
    # document (Value.Doc with the version to be written, its fields as given, before any default), so its
    # `coll` and `ts` read as a definition's do.
    db.query(f"Role.create({{ name: 'N', privileges: [{{ resource: '{resource}', actions: {{ create: {predicate!r} }} }}] }})", syntax="v10")
    key = db.query('Key.create({ role: "N" })', syntax="v10")["secret"]
    assert db.query(allowed, secret=key, syntax="v10").ref.collection is not None
    with pytest.raises(FQLError) as caught:
        db.query(denied, secret=key, syntax="v10")
    assert caught.value.v10_code == "permission_denied", denied


@pytest.mark.parametrize(
    "resource, setup, predicate, allowed, denied",
    [
        (
            "Collection",
            'Collection.create({ name: "Foo" })',
            "(old, new) => old.coll == Collection && new.coll == Collection && old.ts != null && new.ts != null "
            "&& old.history_days == 0 && new.history_days == 3",
            "Foo.definition.update({ history_days: 3 })",
            "Foo.definition.update({ history_days: 4 })",
        ),
        (
            "Function",
            'Function.create({ name: "F", body: "x => x" })',
            "(old, new) => old.coll == Function && old.body == 'x => x' && new.body == 'x => 1'",
            'F.definition.update({ body: "x => 1" })',
            'F.definition.update({ body: "x => 2" })',
        ),
        (
            "Key",
            'Key.create({ role: "server", data: { a: 0 } })',
            "(old, new) => old.coll == Key && old.id == new.id && old.data.a == 0 && new.data.a == 1",
            "Key.all().first()!.update({ data: { a: 1 } })",
            "Key.all().first()!.update({ data: { a: 2 } })",
        ),
    ],
)
def test_a_schema_or_native_write_predicate_gets_the_documents(db, resource, setup, predicate, allowed, denied):
    # Core's WriteInstance.fqlxLambdaArgs: the document and the document as written, a schema or native
    # document's as a user document's, so `coll`, `id` and `ts` read on both.
    db.query(setup, syntax="v10")
    db.query(
        f"Role.create({{ name: 'N', privileges: [{{ resource: '{resource}', actions: {{ read: true, write: {predicate!r} }} }}] }})",
        syntax="v10",
    )
    key = db.query('Key.create({ role: "N" })', syntax="v10")["secret"]
    db.query(allowed, secret=key, syntax="v10")
    with pytest.raises(FQLError) as caught:
        db.query(denied, secret=key, syntax="v10")
    assert caught.value.v10_code == "permission_denied", denied


@pytest.mark.parametrize(
    "create",
    ['CreateCollection({ name: "Foo" })', 'CreateFunction({ name: "Foo", body: Query(Lambda("x", 1)) })', 'CreateRole({ name: "Foo" })'],
)
def test_a_v4_schema_create_gives_a_v10_predicate_the_new_document(db, create):
    # A v4 create asks the same CreateInstance of the caller's role: a v10 predicate gets the new document.
    module = {"Collection": "Collection", "Function": "Function", "Role": "Role"}[create[6:].split("(")[0]]
    db.query(
        f"Role.create({{ name: 'N', privileges: [{{ resource: '{module}', actions: {{ create: "
        f"'c => c.coll == {module} && c.ts != null && c.name == \"Foo\"' }} }}] }})",
        syntax="v10",
    )
    key = db.query('Key.create({ role: "N" })', syntax="v10")["secret"]
    assert db.query(create, secret=key)["name"] == "Foo"
    with pytest.raises(FQLError) as caught:
        db.query(create.replace('"Foo"', '"Bar"'), secret=key)
    assert caught.value.code == "permission denied"


@pytest.mark.parametrize(
    "resource, predicate, allowed, denied",
    [
        (
            "Collection",
            "c => c.coll == Collection && c.name == 'Foo'",
            'Collection.create({ id: "2000", name: "Foo" })',
            'Collection.create({ id: "2001", name: "Bar" })',
        ),
        (
            "Function",
            "f => f.name == 'F' && f.body == 'x => x'",
            'Function.create({ id: "2000", name: "F", body: "x => x" })',
            'Function.create({ id: "2001", name: "G", body: "x => x" })',
        ),
        (
            "Key",
            "k => k.coll == Key && k.id == '123' && k.role == 'server'",
            'Key.create({ id: "123", role: "server" })',
            'Key.create({ id: "124", role: "server" })',
        ),
    ],
)
def test_a_create_with_id_predicate_gets_the_new_document(db, resource, predicate, allowed, denied):
    # Core's CreateInstanceWithID.fqlxLambdaArgs: the new document, as a create's predicate gets it, its
    # given fields too (a schema document's name, a key's role), where fql gave only a user document's.
    db.query(
        f"Role.create({{ name: 'N', privileges: [{{ resource: '{resource}', actions: {{ create: true, "
        f"create_with_id: {predicate!r} }} }}] }})",
        syntax="v10",
    )
    key = db.query('Key.create({ role: "N" })', syntax="v10")["secret"]
    query_v10(db, allowed, key, typecheck=False)
    with pytest.raises(FQLError) as caught:
        query_v10(db, denied, key, typecheck=False)
    assert caught.value.v10_code == "permission_denied", denied


def test_a_login_predicate_gets_the_new_token(db):
    # Credential login creates its token as Token.create does (CredentialPrototype.login), so a `create`
    # predicate on Token gets the new token, id included.
    db.query('People.create({ id: "3", name: "Cy" })', syntax="v10")
    db.query('Credential.create({ document: People.byId("3"), password: "x" })', syntax="v10")
    db.query(
        "Role.create({ name: 'L', privileges: [{ resource: 'Token', actions: { create: "
        "\"t => t.coll == Token && t.id != null && t.document == People.byId('1')\" } }, "
        "{ resource: 'Credential', actions: { read: true } }, { resource: 'People', actions: { read: true } }] })",
        syntax="v10",
    )
    key = db.query('Key.create({ role: "L" })', syntax="v10")["secret"]
    login = 'Credential.byDocument(People.byId("{}"))!.login("{}").document.id'
    assert db.query(login.format("1", "pw"), secret=key, syntax="v10") == "1"
    with pytest.raises(FQLError) as caught:
        db.query(login.format("3", "x"), secret=key, syntax="v10")
    assert caught.value.v10_code == "permission_denied"


@pytest.mark.parametrize("resource", ["Credential", "Credentials"])
def test_a_role_may_name_credentials_by_either_global(db, resource):
    # Core resolves a role's resource as a global name, and `Credentials` is the global alias of
    # `Credential` (GlobalResolvers), so either opens the credentials to a key of the role (which logs in
    # when it may create tokens too).
    db.query(f'Role.create({{ name: "login", privileges: [{{ resource: "People", actions: {{ read: true }} }}, '
             f'{{ resource: "{resource}", actions: {{ read: true }} }}, '
             '{ resource: "Token", actions: { create: true } }] })', syntax="v10")
    secret = db.query('Key.create({ role: "login" }).secret', syntax="v10")
    login = 'Credential.byDocument(People.byId("1"))!.login("pw").document.id'
    assert db.query(login, secret=secret, syntax="v10") == "1"
    db.query('Role.byName("login")!.update({ privileges: { resource: "People", actions: { read: true } } })',
             syntax="v10")
    with pytest.raises(FQLError) as caught:
        db.query(login, secret=secret, syntax="v10")
    assert (caught.value.v10_code, caught.value.description) == ("null_value", "Null value, due to permission denied")


@pytest.mark.parametrize(
    "predicate, allowed",
    [
        ("doc => doc.exists()", True),
        ("doc => !doc.exists()", False),
        ("doc => doc.exists() && doc.n == 1", True),
        ("doc => People.byId('1')!.exists()", True),
        ("doc => People.byId('2').exists()", False),
        ("doc => Books.byId(doc.id).exists()", False),
    ],
)
def test_exists_in_a_create_predicate(db, predicate, allowed):
    """Core's create predicate gets the new document as a Value.Doc whose version is the one being written
    (RoleEvalAction CreateInstance.fqlxLambdaArgs); ReadBroker.exists reads a document with such a version
    override as that version, so the new document exists there, before it is stored. Another document, or
    the new one's id looked up again (no override), is read as the query's snapshot has it: the new one
    is not there yet."""
    db.query("Collection.create({ name: 'Books' })", syntax="v10")
    db.query(
        f"Role.create({{ name: 'B', privileges: [{{ resource: 'Books', actions: {{ read: true, "
        f"create: {predicate!r}, create_with_id: {predicate!r} }} }}, "
        f"{{ resource: 'People', actions: {{ read: true }} }}] }})",
        syntax="v10",
    )
    key = db.query('Key.create({ role: "B" })', syntax="v10")["secret"]
    for create in ("Books.create({ n: 1 }).n", 'Books.create({ id: "5", n: 1 }).n'):
        if allowed:
            assert db.query(create, secret=key, syntax="v10") == 1
            continue
        with pytest.raises(FQLError) as caught:
            db.query(create, secret=key, syntax="v10")
        assert caught.value.v10_code == "permission_denied", create


def test_a_role_answers_its_privileges_before_its_membership(db):
    # Core's ReadBroker.getAllFields answers a native document's fields in its schema's field order, and the
    # Role schema's four fields (name, privileges, membership, data) keep theirs: the docs' Role documents
    # print `privileges` first, whatever order a create gave them in.
    db.query('Role.byName("reader")!.update({ data: { desc: "Readers" } })', syntax="v10")
    assert list(db.query('Role.byName("reader")!', syntax="v10").data) == ["name", "privileges", "membership", "data"]


def test_arity_and_v4_arguments_are_checked_before_the_call_privilege(db):
    """Core's FQLInterpreter.evalApply refuses a wrong number of arguments before it calls the function,
    and LambdaWrapper converts a v4 body's arguments before checking the call privilege: a caller who may
    not call the function hears of those first."""
    db.query('Function.create({ name: "f", body: "x => x" })', syntax="v10")
    db.query('CreateFunction({ name: "g", body: Query(Lambda("x", Var("x"))) })', syntax="v4")
    secret = token(db)
    for text, code in [
        ("f(1)", "permission_denied"),
        ("f(1, 2)", "invalid_function_invocation"),
        ("g(1)", "permission_denied"),
        ("g(x => x)", "invalid_argument"),
    ]:
        status, body = QueryEndpoint(secret, typecheck=False).answer(db, text)
        assert body["error"]["code"] == code, text


def test_a_privilege_given_null_actions_grants_nothing(db):
    # Core stores a v10 role without its nulls (Schema.validateAndTransform's Data.elideNulls), so
    # `actions: null` is a privilege with no actions: its key reads no document and may create none.
    db.query('Role.create({ name: "none", privileges: { resource: "People", actions: null } })', syntax="v10")
    secret = db.query('Key.create({ role: "none" }).secret', syntax="v10")
    assert db.query("People.all().count()", secret=secret, syntax="v10") == 0
    with pytest.raises(FQLError) as caught:
        db.query('People.create({ name: "Bo" })', secret=secret, syntax="v10")
    assert caught.value.v10_code == "permission_denied"


def test_a_history_write_predicate_gets_the_event_spread_over_its_parameters(db):
    # Core spreads the event [ref, ts, action, data] over a v10 lambda's parameters (LambdaWrapper's
    # v4ToV10Args); creating with an id falls back on `create` and a `history_write` of the create event.
    db.query(
        'Role.create({ name: "importer", membership: { resource: "People" }, privileges: { resource: "Notes", '
        "actions: { create: true, history_write: \"(doc, ts, action, data) => doc.id == '20' && "
        "ts > Time('2000-01-01T00:00:00Z') && action == 'create' && data.data.text == 'ok'\" } } })",
        syntax="v10",
    )
    secret = token(db)
    assert db.query('Notes.create({ id: "20", text: "ok" }).text', secret=secret, syntax="v10") == "ok"
    with pytest.raises(FQLError) as caught:
        db.query('Notes.create({ id: "21", text: "ok" })', secret=secret, syntax="v10")
    assert caught.value.v10_code == "permission_denied"


def test_a_privilege_may_name_a_collection_or_function_by_its_alias(db):
    # Core resolves a v10 privilege's resource as a global (GlobalContext.lookupSingletonOrUDFActive),
    # and a collection or function is found by its alias too (Collection.idByIdentifier).
    db.query('Collection.create({ name: "Books", alias: "B" })', syntax="v10")
    db.query('Books.create({ id: "1" })', syntax="v10")
    db.query('Function.create({ name: "twice", alias: "double", body: "x => x * 2" })', syntax="v10")
    db.query(
        'Role.create({ name: "aliased", privileges: [{ resource: "B", actions: { read: true } }, '
        '{ resource: "double", actions: { call: true } }] })',
        syntax="v10",
    )
    secret = db.query('Key.create({ role: "aliased" }).secret', syntax="v10")
    assert db.query("Books.all().count()", secret=secret, syntax="v10") == 1
    assert db.query("twice(2)", secret=secret, syntax="v10") == 4


@pytest.mark.parametrize("role, allowed", [("server", True), ("server-readonly", False), ("reads", False), ("logs_in", True)])
def test_login_creates_its_token_as_the_caller(db, role, allowed):
    # Core's Credential login creates the token as Token.create does, with the caller's permissions
    # (CredentialPrototype.login, TokenPrototype.create, WriteBroker.createDocument's create check);
    # v4's Login writes it with server permissions whoever calls.
    reads = '{ resource: "People", actions: { read: true } }, { resource: "Credential", actions: { read: true } }'
    db.query(f'Role.create({{ name: "reads", privileges: [{reads}] }})', syntax="v10")
    token = '{ resource: "Token", actions: { create: "t => t.document.id == \'1\'" } }'
    db.query(f'Role.create({{ name: "logs_in", privileges: [{reads}, {token}] }})', syntax="v10")
    secret = db.query(f'Key.create({{ role: "{role}" }}).secret', syntax="v10")
    login = 'Credential.byDocument(People.byId("1"))!.login("pw").document.id'
    if allowed:
        assert db.query(login, secret=secret, syntax="v10") == "1"
    else:
        with pytest.raises(FQLError) as caught:
            db.query(login, secret=secret, syntax="v10")
        assert caught.value.v10_code == "permission_denied"
    assert db.query('Login(Ref(Collection("People"), "1"), {password: "pw"})', secret=secret)["instance"].id == "1"


@pytest.mark.parametrize(
    "actions, query, allowed",
    [
        ("{ create_with_id: true }", 'Notes.create({ id: "30" })', False),
        ("{ create_with_id: true, create: true }", 'Notes.create({ id: "30" })', True),
        ("{ create_with_id: true }", 'Token.create({ id: "30", document: People.byId("1") })', False),
        ("{ create_with_id: true }", 'Create(Ref(Collection("Notes"), "30"), {})', True),
    ],
)
def test_a_v10_create_with_an_id_needs_create_too(db, actions, query, allowed):
    # Core's WriteBroker.checkCreatePermission asks for create_with_id and then create; v4's WriteAdaptor
    # asks for create_with_id alone.
    db.query(
        f'Role.create({{ name: "ids", privileges: [{{ resource: "Notes", actions: {actions} }}, '
        f'{{ resource: "Token", actions: {actions} }}] }})',
        syntax="v10",
    )
    secret = db.query('Key.create({ role: "ids" }).secret', syntax="v10")
    syntax = "v4" if query.startswith("Create(") else "v10"
    if allowed:
        db.query(query, secret=secret, syntax=syntax)
    else:
        with pytest.raises(FQLError) as caught:
            db.query(query, secret=secret, syntax=syntax)
        assert caught.value.code == "permission denied"
