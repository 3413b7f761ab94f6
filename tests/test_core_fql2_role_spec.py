"""Core's FQL2RoleSpec (ext/model fql2), run through `POST /query/1` in-process with the secrets it names.
Each test names the spec case it comes from.

Ported elsewhere (not repeated here): "create" / "validate number of roles per collection" and "update" /
"validate number of roles per collection" (tests/test_core_auth10.py), "can create before collection"
(tests/test_v10_roles.py, tests/test_core_auth10.py), "can create with aliases" (tests/test_core_auth10.py), "name must be unique" (tests/fixtures/v10/misc.fql), "typechecks role
predicates" (tests/schema/test_core_env_schema_checks.py), "abac" / "querying an index without any read
permissions ..." (tests/test_v10_roles.py), and "fql4" / "create" and "update" / "prevents ..." (eight cases,
tests/test_core_auth10.py).
"""

from __future__ import annotations

import pytest

import fql
from fql.auth.credentials import TEST_PARAMS
from fql.errors import FQLError
from tests.helpers import QueryEndpoint

SECRET = "secret"
DENIED = {"code": "permission_denied", "message": "Insufficient privileges to perform the action."}
NULL_DENIED = {"code": "null_value", "message": "Null value, due to permission denied"}


@pytest.fixture
def db() -> fql.Database:
    return fql.connect(root_secret=SECRET, argon2=TEST_PARAMS)


ENDPOINT = QueryEndpoint(SECRET, fmt="simple", typecheck=True)
answer, ok = ENDPOINT.answer, ENDPOINT.ok


def err(db: fql.Database, query: str, secret: str = SECRET) -> dict:
    status, body = answer(db, query, secret)
    assert status >= 400, body
    return body


def key(db: fql.Database, role: str) -> str:
    """core's mkKey: the secret of a new key with `role`."""
    return ok(db, f"Key.create({{ role: {role!r} }}).secret")


def v4(db: fql.Database, query: str, secret: str = SECRET) -> object:
    return db.query(query, secret=secret)


def v4_code(db: fql.Database, query: str, secret: str = SECRET) -> str:
    with pytest.raises(FQLError) as caught:
        db.query(query, secret=secret)
    return caught.value.to_dict()["code"]


def role(name: str, privileges: str, membership: str | None = None) -> str:
    member = f", membership: {membership}" if membership else ""
    return f'Role.create({{ name: "{name}", privileges: {privileges}{member} }})'


# -- "create" -------------------------------------------------------------------------------------------


def test_create_works(db):
    ok(db, "Collection.create({ name: 'Users' })\nCollection.create({ name: 'Books' })")
    made = ok(
        db,
        'let aRole = Role.create({ name: "aRole", membership: { resource: "Users" }, privileges: [{ resource: '
        '"Users", actions: { read: true } }, { resource: "Books", actions: { create: true } }], '
        'data: { custom: "some data" } })\naRole { name, membership, privileges, data }',
    )
    assert made == {
        "name": "aRole",
        "membership": {"resource": "Users"},
        "privileges": [
            {"resource": "Users", "actions": {"read": True}},
            {"resource": "Books", "actions": {"create": True}},
        ],
        "data": {"custom": "some data"},
    }


def test_create_with_predicates(db):
    ok(db, "Collection.create({ name: 'Users' })\nCollection.create({ name: 'Books' })")
    made = ok(
        db,
        'let aRole = Role.create({ name: "aRole", membership: { resource: "Users", predicate: "user => true" }, '
        'privileges: [{ resource: "Users", actions: { read: "x => true" } }, '
        '{ resource: "Books", actions: { create: "x => true" } }] })\naRole { name, membership, privileges }',
    )
    assert made["membership"] == {"resource": "Users", "predicate": "user => true"}
    assert made["privileges"][1] == {"resource": "Books", "actions": {"create": "x => true"}}


def test_create_validate_predicates(db):
    ok(db, "Collection.create({ name: 'Users' })\nCollection.create({ name: 'Books' })")
    body = err(
        db,
        'Role.create({ name: "aRole", membership: { resource: "Users", predicate: "invalid fqlx" }, '
        'privileges: [{ resource: "Users", actions: { read: "invalid flqx" } }, '
        '{ resource: "Books", actions: { create: "invalid fqlx" } }] })',
    )
    assert (body["error"]["code"], body["error"]["message"]) == ("constraint_failure", "Failed to create Role.")
    assert [f["paths"] for f in body["error"]["constraint_failures"]] == [
        [["membership", "predicate"]],
        [["privileges", 0, "actions", "read"]],
        [["privileges", 1, "actions", "create"]],
    ]
    assert ok(db, 'Role.byName("aRole") == null') is True
    assert ok(db, 'Role.byName("aRole").exists()') is False


@pytest.mark.parametrize(
    "params, path, message",
    [
        (
            'membership: { resource: "Users", predicate: "(a, b) => true" }',
            ["membership", "predicate"],
            "Invalid function arity. Expected exactly 1 argument, but the function was defined with 2 arguments",
        ),
        (
            'privileges: { resource: "Users", actions: { write: "x => true" } }',
            ["privileges", "actions", "write"],
            "Invalid function arity. Expected 2 or 3 arguments, but the function was defined with 1 arguments",
        ),
        (
            'privileges: [{ resource: "Users", actions: { read: "1 + 1" } }]',
            ["privileges", 0, "actions", "read"],
            "Unable to parse FQL source code.\nerror: Body must be a lambda expression.\nat *privileges*:1:1\n"
            "  |\n1 | 1 + 1\n  | ^^^^^ Expression is not a lambda.\n  |\nhint: Declare a lambda.\n  |\n"
            "1 | () => 1 + 1\n  | ++++++\n  |",
        ),
    ],
)
def test_predicates_are_validated_on_create_and_update(db, params, path, message):
    # "validate predicates" with core's LambdaParseValidator's words: each action's arity, the source drawn
    # in its field (`*privileges*`); an update is checked as a create.
    ok(db, "Collection.create({ name: 'Users' })\nRole.create({ name: 'kept' })")
    failure = [{"paths": [path], "message": message}]
    body = err(db, f'Role.create({{ name: "aRole", {params} }})')
    assert (body["error"]["message"], body["error"]["constraint_failures"]) == ("Failed to create Role.", failure)
    body = err(db, f'Role.byName("kept")!.update({{ {params} }})')
    assert (body["error"]["message"], body["error"]["constraint_failures"]) == ("Failed to update Role `kept`.", failure)


def test_field_validators_report_together_in_the_order_given(db):
    # Not a spec case: core's validateStruct checks each given field in turn, its type then its validator
    # (RoleValidator on the name, LambdaParseValidator on each predicate), so the failures come together,
    # in the order the fields are given.
    ok(db, "Collection.create({ name: 'Users' })")
    status, body = answer(
        db,
        'Role.create({ privileges: { resource: "Users", actions: { delete: "(a, b) => true" } }, name: "admin", '
        'membership: { resource: "Users", predicate: "x =>" }, data: 1 })',
        SECRET,
        False,
    )
    assert status == 400
    assert [(f["paths"], f["message"].split("\n")[0]) for f in body["error"]["constraint_failures"]] == [
        ([["privileges", "actions", "delete"]], "Invalid function arity. Expected exactly 1 argument, but the function was defined with 2 arguments"),
        ([["name"]], "The identifier `admin` is reserved."),
        ([["membership", "predicate"]], "Unable to parse FQL source code."),
        ([["data"]], "Expected { *: Any } | Null, provided Int"),
    ]


def test_an_update_checks_the_name_the_role_keeps(db):
    # Not a spec case: core validates a role as it would be written (Schema.validateAndTransform on the
    # patched data), and RoleValidator makes no exception for a name kept, so a v4 role whose name v10
    # refuses takes no v10 update but one that renames it.
    v4(db, 'CreateRole({ name: "admin" })')
    v4(db, 'CreateRole({ name: "a-b" })')
    body = err(db, 'Role.byName("admin")!.update({ data: { x: 1 } })')
    assert (body["error"]["message"], body["error"]["constraint_failures"]) == (
        "Failed to update Role `admin`.", [{"paths": [["name"]], "message": "The identifier `admin` is reserved."}]
    )
    body = err(db, 'Role.byName("a-b")!.update({ data: { x: 1 } })')
    assert body["error"]["constraint_failures"] == [{"paths": [["name"]], "message": "Invalid identifier."}]
    assert ok(db, 'Role.byName("a-b")!.update({ name: "ab", data: { x: 1 } }) { name, data }') == {"name": "ab", "data": {"x": 1}}


def test_an_update_checks_the_role_as_it_would_be_written(db):
    # Not a spec case: core's Schema.validateAndTransform validates an update's patched data, every field
    # (SchemaType.validateStruct), and the schema's privilege and membership `resource` is a String, so a
    # v4 role, whose resources are refs, takes no v10 update unless it gives them anew.
    ok(db, "Collection.create({ name: 'Users' })")
    v4(db, 'CreateRole({ name: "v4role", membership: { resource: Collection("Users") }, privileges: [{ resource: '
           'Collection("Users"), actions: { read: Query(Lambda("x", true)) } }] })')
    body = err(db, 'Role.byName("v4role")!.update({ data: { x: 1 } })')
    assert (body["error"]["message"], body["error"]["constraint_failures"]) == (
        "Failed to update Role `v4role`.",
        [
            {"paths": [["membership", "resource"]], "message": "Expected String, provided Document"},
            {"paths": [["privileges", 0, "resource"]], "message": "Expected String, provided Document"},
        ],
    )
    # A ref to a native collection is a document ref to core too (valueBaseType's DocType "Document").
    v4(db, 'CreateRole({ name: "keyreader", privileges: { resource: Ref("keys"), actions: { read: true } } })')
    body = err(db, 'Role.byName("keyreader")!.update({ data: { x: 1 } })')
    assert body["error"]["constraint_failures"] == [
        {"paths": [["privileges", "resource"]], "message": "Expected String, provided Document"}
    ]
    given = 'membership: { resource: "Users" }, privileges: { resource: "Users", actions: { read: true } }, data: { x: 1 }'
    assert ok(db, f'Role.byName("v4role")!.update({{ {given} }}) {{ membership, data }}') == {
        "membership": {"resource": "Users"},
        "data": {"x": 1},
    }


RESOURCES_QUERY = """\
Collection.create({ name: "Coll" })
Function.create({ name: "Fn", body: "_ => null" })

Role.create({
  name: "aRole",
  membership: [
    { resource: "Coll" },
    { resource: "Fn" },
    { resource: "Foo" },
  ],
  privileges: {
    resource: "Bar",
    actions: {
      read: true
    }
  }
})
"""


def test_create_validate_resource_names(db):
    # Each unknown name drawn in the main.fsl core would generate, memberships before privileges.
    body = err(db, RESOURCES_QUERY)
    assert body["error"]["code"] == "invalid_schema"
    drawn = [("Fn", 16, "membership Fn"), ("Foo", 17, "membership Foo"), ("Bar", 12, "privileges Bar {")]
    expected = ["error: Invalid database schema update."]
    for name, line, text in drawn:
        expected += [
            f"    error: Resource `{name}` does not exist",
            f"    at main.fsl:{line}:14",
            "       |",
            f"    {line} |   {text}",
            "       |              " + "^" * len(name),
            "       |",
        ]
    assert body["summary"].splitlines()[: len(expected)] == expected
    assert body["summary"].splitlines()[len(expected)] == "at *query*:4:12"


@pytest.mark.parametrize("role_text", ['{ name: "aRole", privileges: { resource: "User" } }', '{ name: "aRole" }'])
def test_create_allow_omit_actions_and_privileges(db, role_text):
    # "allow omit actions", "allow omit privileges": such a role's key works.
    ok(db, "Collection.create({ name: 'User' })")
    ok(db, f"Role.create({role_text})")
    assert ok(db, "'works'", key(db, "aRole")) == "works"


@pytest.mark.parametrize("account, refused", [(10000, True), (5, False)])
def test_create_in_a_tenant_root(db, account, refused):
    # "fails in customer tenant root", "succeeds in internal tenant root".
    ok(db, f'Database.create({{ name: "tenant", account: {{ id: {account} }} }})', typecheck=False)
    admin = ok(db, 'Key.create({ role: "admin", database: "tenant" }).secret')
    if not refused:
        assert ok(db, "Role.create({ name: 'rootRole' }).name", admin) == "rootRole"
        return
    body = err(db, "Role.create({ name: 'rootRole' })", admin)
    assert (body["error"]["code"], body["error"]["message"]) == ("constraint_failure", "Failed to create Role.")
    assert body["error"]["constraint_failures"] == [
        {"paths": [], "message": "A Role cannot be created in your account root"}
    ]


@pytest.mark.parametrize(
    "noun, query",
    [
        ("Collection", "Collection.create({ name: 'C' })"),
        ("Function", "Function.create({ name: 'f', body: '_ => 1' })"),
        ("AccessProvider", 'AccessProvider.create({ name: "ap", issuer: "https://fauna.auth0.com", jwks_uri: "https://fauna.auth0.com/.well-known/jwks.json" })'),
    ],
)
def test_other_schema_items_are_refused_in_a_tenant_root(db, noun, query):
    # Core's NativeCollection gives the same TenantRootWriteHook to collections, functions and access providers.
    ok(db, 'Database.create({ name: "tenant", account: { id: 10000 } })', typecheck=False)
    admin = ok(db, 'Key.create({ role: "admin", database: "tenant" }).secret')
    body = err(db, query, admin)
    assert body["error"]["message"] == f"Failed to create {noun}."
    assert body["error"]["constraint_failures"] == [{"paths": [], "message": f"A {noun} cannot be created in your account root"}]


def test_create_allows_staged_deletes(db):
    # "allows staged deletes": core pins the active schema below the role's; fql stages a push. A role
    # may be deleted while a schema is staged.
    ok(db, 'Database.create({ name: "child" })')
    admin = ok(db, 'Key.create({ role: "admin", database: "child" }).secret')
    ok(db, "Role.create({ name: 'foo' })", admin)
    db.push_schema({"main.fsl": "role foo {}\ncollection Staged {}\n"}, staged=True, secret=admin)
    ok(db, "Role.byName('foo')!.delete()", admin)
    assert ok(db, "Role.byName('foo').exists()", admin) is False


# -- "update" -------------------------------------------------------------------------------------------


def test_update_works(db):
    ok(db, "Collection.create({ name: 'Users' })\nCollection.create({ name: 'Books' })")
    first = ok(
        db,
        'let aRole = Role.create({ name: "aRole", membership: [], privileges: { resource: "Users", actions: '
        "{ read: true } } })\naRole { name, membership, privileges, data }",
    )
    assert first == {
        "name": "aRole",
        "membership": [],
        "privileges": {"resource": "Users", "actions": {"read": True}},
        "data": None,
    }
    second = ok(
        db,
        'let aRole = Role.byName("aRole")!.update({ name: "aNewName", membership: { resource: "Users" }, '
        'privileges: [{ resource: "Users", actions: { read: true } }, { resource: "Books", actions: '
        '{ create: true } }], data: { custom: "some data" } })\naRole { name, membership, privileges, data }',
    )
    assert second == {
        "name": "aNewName",
        "membership": {"resource": "Users"},
        "privileges": [
            {"resource": "Users", "actions": {"read": True}},
            {"resource": "Books", "actions": {"create": True}},
        ],
        "data": {"custom": "some data"},
    }


READ_COLLECTIONS = '{ resource: "Collection", actions: { read: true } }'
PROVIDER = (
    'AccessProvider.create({ name: "anAccessProvider", issuer: "https://fauna.auth0.com", '
    'jwks_uri: "https://fauna.auth0.com/.well-known/jwks.json", roles: ["%s", { role: "%s", predicate: "_ => true" }] })'
)


def test_update_renames_carry_over_to_what_names_the_role(db):
    # "update" / "validates foreign keys" / "functions", "multiple entities", "access providers".
    ok(
        db,
        "\n".join(
            [
                role("aRole", READ_COLLECTIONS),
                role("aRole2", READ_COLLECTIONS),
                'Function.create({ name: "aFn", body: "_ => null", role: "aRole" })',
                PROVIDER % ("aRole", "aRole2"),
                'Key.create({ role: "aRole" })',
            ]
        ),
    )
    ok(db, "Role.byName('aRole')!.update({ name: 'anotherName' })")
    assert ok(
        db,
        '[Function.byName("aFn")!.role, AccessProvider.byName("anAccessProvider")!.roles[0], '
        'AccessProvider.byName("anAccessProvider")!.roles[1].role, Key.all().first()!.role]',
    ) == ["anotherName", "anotherName", "aRole2", "anotherName"]
    ok(db, "Role.byName('aRole2')!.update({ name: 'anotherName2' })")
    assert ok(db, 'AccessProvider.byName("anAccessProvider")!.roles') == [
        "anotherName",
        {"role": "anotherName2", "predicate": "_ => true"},
    ]


# -- "delete" -------------------------------------------------------------------------------------------


def test_delete_works(db):
    ok(db, "Collection.create({ name: 'Users' })")
    ok(db, role("aRole", '{ resource: "Users", actions: { read: true } }', "[]"))
    assert ok(db, 'Role.byName("aRole")!.delete()') is None
    assert ok(db, 'Role.byName("aRole") == null') is True
    assert ok(db, 'Role.byName("aRole").exists()') is False


def test_delete_refused_while_a_function_names_the_role(db):
    # "delete" / "validates foreign keys" / "functions".
    ok(db, role("aRole", READ_COLLECTIONS) + '\nFunction.create({ name: "aFn", body: "_ => null", role: "aRole" })')
    body = err(db, "Role.byName('aRole')!.delete()")
    assert (body["error"]["code"], body["error"]["message"]) == ("constraint_failure", "Failed to delete Role `aRole`.")
    assert body["error"]["constraint_failures"] == [
        {"paths": [["name"]], "message": "The function `aFn` refers to this document by its previous identifier `aRole`."}
    ]


def test_delete_refused_while_an_access_provider_names_the_role(db):
    # "delete" / "validates foreign keys" / "access providers": drawn in main.fsl as it would stand.
    ok(db, role("aRole0", READ_COLLECTIONS) + "\n" + role("aRole1", READ_COLLECTIONS))
    ok(db, PROVIDER % ("aRole0", "aRole1"))
    for name, line, text in [("aRole0", 13, "role aRole0"), ("aRole1", 14, "role aRole1 {")]:
        body = err(db, f"Role.byName('{name}')!.delete()")
        assert body["summary"] == (
            "error: Invalid database schema update.\n"
            f"    error: Role `{name}` does not exist\n"
            f"    at main.fsl:{line}:8\n"
            "       |\n"
            f"    {line} |   {text}\n"
            "       |        ^^^^^^\n"
            "       |\n"
            "at *query*:1:30\n"
            "  |\n"
            f"1 | Role.byName('{name}')!.delete()\n"
            "  |                              ^^\n"
            "  |"
        )
        assert body["error"]["code"] == "invalid_schema"
        assert ok(db, f"Role.byName('{name}').exists()") is True


# -- "abac" ---------------------------------------------------------------------------------------------


def test_abac_works(db):
    ok(db, "Collection.create({ name: 'Users' })\nCollection.create({ name: 'Books' })")
    ok(db, role("DontCreateBooks", '{ resource: "Books", actions: {} }'))
    secret = key(db, "DontCreateBooks")
    book = ok(db, "Books.create({}).id")
    # byId doesn't read (the query answers); `!` says why the document is null.
    ok(db, f"Books.byId('{book}')", secret)
    assert err(db, f"Books.byId('{book}')!", secret)["error"] == NULL_DENIED
    ok(db, 'Role.byName("DontCreateBooks")!.update({ privileges: { resource: "Books", actions: { read: true } } })')
    assert ok(db, f"Books.byId('{book}').exists()", secret) is True
    assert err(db, "Books.create({})", secret)["error"] == DENIED
    assert err(db, f"Books.byId('{book}')!.delete()", secret)["error"] == DENIED
    assert err(db, f"Books.byId('{book}')!.update({{ name: 'Dora' }})", secret)["error"] == DENIED
    ok(db, 'Role.byName("DontCreateBooks")!.update({ privileges: { resource: "Books", actions: { create: true } } })')
    ok(db, "Books.create({})", secret)


def test_abac_create_with_id_is_checked(db):
    ok(db, 'Collection.create({ name: "Book" })')
    for name, acts in [
        ("Create", "create: true"),
        ("CreateID", "create: true, create_with_id: true"),
        ("CreateHist", "create: true, history_write: true"),
    ]:
        ok(db, role(name, f'{{ resource: "Book", actions: {{ {acts} }} }}'))
    ok(db, "Book.create({})", key(db, "Create"))
    assert err(db, "Book.create({ id: '123' })", key(db, "Create"))["error"]["code"] == "permission_denied"
    ok(db, "Book.create({ id: '123' })", key(db, "CreateID"))
    # history_write gives the privilege as well.
    ok(db, "Book.create({ id: '234' })", key(db, "CreateHist"))


BOOKS_BY_TITLE = 'Collection.create({ name: "Books", indexes: { byTitle: { terms: [{ field: "title" }] } } })'


@pytest.mark.parametrize("read, count", [("true", 1), ("'doc => true'", 1), ("'doc => false'", 0)])
def test_abac_index_reads_follow_the_read_action(db, read, count):
    # "querying an index with read permissions on the collection should succeed", "... with a read
    # predicate for a collection should succeed", "... that returns false should succeed but filter out results".
    ok(db, BOOKS_BY_TITLE)
    ok(db, 'Books.create({ title: "t1" })\n' + role("ReadBooks", f'{{ resource: "Books", actions: {{ read: {read} }} }}'))
    assert len(ok(db, "Books.byTitle('t1').toArray()", key(db, "ReadBooks"))) == count


def test_abac_index_reads_return_what_the_predicate_passes(db):
    # "querying an index with a read predicate should only return documents that pass the predicate".
    ok(db, 'Collection.create({ name: "Books", indexes: { byTitle: { values: [{ field: "title" }] } } })')
    ok(db, 'Books.create({ title: "t1" })\nBooks.create({ title: "t3" })')
    ok(db, role("ReadBooks", """{ resource: "Books", actions: { read: 'doc => doc.title == "t3"' } }"""))
    assert ok(db, "Books.byTitle().toArray().map(.title)", key(db, "ReadBooks")) == ["t3"]


def test_abac_index_read_with_a_false_read_action_is_denied(db):
    # "querying an index with false read permissions on the collection should fail with permission denied".
    ok(db, BOOKS_BY_TITLE)
    ok(db, role("ReadBooks", '{ resource: "Books", actions: { read: false } }'))
    assert err(db, 'Books.byTitle("t1")', key(db, "ReadBooks"))["error"] == {
        "code": "permission_denied",
        "message": "Insufficient privileges to read from collection Books.",
    }


def test_abac_predicates_cannot_write(db):
    # "reject write operations on predicates": a predicate that calls a function which writes is denied.
    ok(db, "Collection.create({ name: 'Users' })\nCollection.create({ name: 'Books' })")
    ok(db, role("AllowCreateUsers", '{ resource: "Users", actions: { create: true } }'))
    ok(db, "Function.create({ name: 'CreateUser', body: '() => Users.create({})', role: 'AllowCreateUsers' })")
    ok(db, role("AllowCreateBooks", "{ resource: 'Books', actions: { create: 'data => { CreateUser(); true }' } }"))
    assert err(db, "Books.create({})", key(db, "AllowCreateBooks"))["error"] == DENIED
    assert ok(db, "Users.all().count()") == 0


WRITABLE = '{{ resource: "Books", actions: {{ create: true, read: true, write: {} }} }}'


@pytest.mark.parametrize("field", ["role", "data.role"])
def test_abac_write_predicate_on_the_new_version(db, field):
    # "write predicate" / "new version top level access", "new version .data access".
    ok(db, "Collection.create({ name: 'Books' })")
    ok(db, role("BooksRole", WRITABLE.format(f"""'(old, new) => "BooksRole" == new.{field}'""")))
    secret = key(db, "BooksRole")
    ok(db, 'let book = Books.create({})\nbook.update({ role: "BooksRole" })', secret)
    ok(db, 'let book = Books.create({ role: "BooksRole" })\nbook.update({ title: "name of the wind" })', secret)
    assert err(db, 'let book = Books.create({})\nbook.update({ role: "some other name" })', secret)["error"] == DENIED
    # v4 writes.
    book = ok(db, 'Books.create({ title: "mona lisa" }).id', secret)
    ref = f'Ref(Collection("Books"), "{book}")'
    assert v4_code(db, f'Update({ref}, {{ data: {{ role: "some other name" }} }})', secret) == "permission denied"
    v4(db, f'Update({ref}, {{ data: {{ role: "BooksRole" }} }})', secret)
    v4(db, f'Update({ref}, {{ data: {{ title: "the name of the wind-up bird chronicles" }} }})', secret)


@pytest.mark.parametrize("field", ["role", "data.role"])
def test_abac_write_predicate_on_the_previous_version(db, field):
    # "write predicate" / "prev version top level access", "prev version .data access".
    ok(db, "Collection.create({ name: 'Books' })")
    ok(db, role("BooksOld", WRITABLE.format(f"""'(old, new) => "BooksOld" == old.{field}'""")))
    secret = key(db, "BooksOld")
    assert err(db, 'let book = Books.create({})\nbook.update({ role: "BooksOld" })', secret)["error"] == DENIED
    ok(db, 'let book = Books.create({ role: "BooksOld" })\nbook.update({ title: "name of the wind" })', secret)
    # v4 writes.
    no_role = ok(db, "Books.create({}).id", secret)
    with_role = ok(db, 'Books.create({ role: "BooksOld" }).id', secret)
    update = 'Update(Ref(Collection("Books"), "{}"), {{ data: {{ {} }} }})'
    assert v4_code(db, update.format(no_role, 'role: "BooksOld"'), secret) == "permission denied"
    v4(db, update.format(with_role, 'title: "the name of the wind-up bird chronicles"'), secret)


V4_ROLE = (
    'CreateRole({{ name: "rollin", membership: {{ resource: Collection("Books") }}, privileges: {{ resource: '
    'Collection("Books"), actions: {{ {} }} }} }})'
)


def test_abac_v4_write_predicates_on_v10_writes(db):
    # "write predicate" / "fql4 role prev version", "fql4 role new version": a v4 Lambda predicate gets
    # the old and new documents' data as v4 objects.
    ok(db, "Collection.create({ name: 'Books' })")
    check = 'read: true, create: true, write: Query(Lambda(["oldData", "newData"], Equals(Select(["data", "role"], Var("{}")), "rollin")))'
    v4(db, V4_ROLE.format(check.format("oldData")))
    secret = key(db, "rollin")
    assert err(db, 'let book = Books.create({})\nbook.update({ role: "rollin" })', secret)["error"] == DENIED
    ok(db, 'let book = Books.create({ role: "rollin" })\nbook.update({ title: "name of the wind" })', secret)
    v4(db, 'Delete(Role("rollin"))')
    v4(db, V4_ROLE.format(check.format("newData")))
    secret = key(db, "rollin")
    assert err(db, 'let book = Books.create({})\nbook.update({ role: "some other name" })', secret)["error"] == DENIED
    ok(db, 'let book = Books.create({})\nbook.update({ role: "rollin" })', secret)
    ok(db, 'let book = Books.create({ role: "rollin" })\nbook.update({ title: "name of the wind" })', secret)


TITLE = "name of the wind-up bird chronicles"


@pytest.mark.parametrize("field", ["title", "data.title"])
def test_abac_read_predicate(db, field):
    # "read predicate" / "top level and .data access".
    ok(db, "Collection.create({ name: 'Books' })")
    ok(db, role("BooksRole", f"""{{ resource: "Books", actions: {{ create: true, read: 'book => book.{field} == "{TITLE}"' }} }}"""))
    can = ok(db, f'Books.create({{ title: "{TITLE}" }}).id')
    cannot = ok(db, 'Books.create({ title: "some other title" }).id')
    secret = key(db, "BooksRole")
    ok(db, f"Books.byId('{can}')!", secret)
    assert err(db, f"Books.byId('{cannot}')!", secret)["error"] == NULL_DENIED
    # v4 reads.
    assert v4_code(db, f'Get(Ref(Collection("Books"), "{cannot}"))', secret) == "permission denied"
    v4(db, f'Get(Ref(Collection("Books"), "{can}"))', secret)


def test_abac_v4_read_predicate_on_v10_reads(db):
    # "read predicate" / "fql4 role with fqlx read": a v4 read predicate gets the document's ref.
    ok(db, "Collection.create({ name: 'Books' })")
    v4(db, V4_ROLE.format(f'read: Query(Lambda("data", Equals(Select(["data", "title"], Get(Var("data"))), "{TITLE}"))), create: true'))
    can = ok(db, f'Books.create({{ title: "{TITLE}" }}).id')
    cannot = ok(db, 'Books.create({ title: "some other title" }).id')
    secret = key(db, "rollin")
    ok(db, f"Books.byId('{can}')!", secret)
    assert err(db, f"Books.byId('{cannot}')!", secret)["error"] == NULL_DENIED


@pytest.mark.parametrize("field", ["title", "data.title"])
def test_abac_delete_predicate(db, field):
    # "delete predicate" / "top level and .data access".
    ok(db, "Collection.create({ name: 'Books' })")
    ok(db, role("BooksRole", f"""{{ resource: "Books", actions: {{ create: true, read: true, delete: 'book => book.{field} == "{TITLE}"' }} }}"""))
    secret = key(db, "BooksRole")
    ok(db, f'let book = Books.create({{ title: "{TITLE}" }})\nbook.delete()', secret)
    assert err(db, 'let book = Books.create({ title: "some other title" })\nbook.delete()', secret)["error"] == DENIED
    # v4 deletes.
    can = ok(db, f'Books.create({{ title: "{TITLE}" }}).id')
    cannot = ok(db, 'Books.create({ title: "some other title" }).id')
    assert v4_code(db, f'Delete(Ref(Collection("Books"), "{cannot}"))', secret) == "permission denied"
    v4(db, f'Delete(Ref(Collection("Books"), "{can}"))', secret)


def test_abac_v4_delete_predicate_on_v10_deletes(db):
    # "delete predicate" / "fql4 role fqlx delete".
    ok(db, "Collection.create({ name: 'Books' })")
    v4(db, V4_ROLE.format(
        f'delete: Query(Lambda("data", Equals(Select(["data", "title"], Get(Var("data"))), "{TITLE}"))), create: true, read: true'
    ))
    secret = key(db, "rollin")
    ok(db, f'let book = Books.create({{ title: "{TITLE}" }})\nbook.delete()', secret)
    assert err(db, 'let book = Books.create({ title: "some other title" })\nbook.delete()', secret)["error"] == DENIED


# -- "udf" ----------------------------------------------------------------------------------------------


def test_udf_call(db):
    ok(db, 'Function.create({ name: "Function1", body: "data => data" })')
    ok(db, 'Function.create({ name: "Function2", body: "data => data" })')
    ok(db, role("FunctionsRole", '[{ resource: "Function1", actions: { call: false } }, { resource: "Function2", actions: { call: true } }]'))
    secret = key(db, "FunctionsRole")
    assert err(db, "Function1('foo')", secret)["error"] == DENIED
    assert ok(db, "Function2('bar')", secret) == "bar"


def test_udf_works(db):
    # A function without a role runs with the caller's. Core's trace names the function's body first, then
    # the call; its endpoint shows a key of a user role (no Logging permission) only the query's place.
    ok(db, "Collection.create({ name: 'Users' })\nCollection.create({ name: 'Books' })")
    ok(db, role("AllowCreateBooks", '{ resource: "Books", actions: { create: true } }'))
    ok(db, 'Function.create({ name: "CreateBook", body: "data => Books.create(data)" })')
    ok(db, 'Function.create({ name: "CreateBookWithPrivileges", body: "data => Books.create(data)", role: "AllowCreateBooks" })')
    ok(db, role(
        "DontTouchBooks",
        '[{ resource: "Books", actions: {} }, { resource: "CreateBook", actions: { call: true } }, '
        '{ resource: "CreateBookWithPrivileges", actions: { call: true } }]',
    ))
    secret = key(db, "DontTouchBooks")
    body = err(db, 'CreateBook({ title: "Hamlet" })', secret)
    assert body["error"] == DENIED
    assert [line for line in body["summary"].splitlines() if line.startswith("at ")] == ["at *query*:1:11"]
    ok(db, 'CreateBookWithPrivileges({ title: "Hamlet" })', secret)


# -- "schemas" ------------------------------------------------------------------------------------------


def test_schemas_works(db):
    ok(db, "Collection.create({ name: 'Users' })\nCollection.create({ name: 'Books' })")
    ok(db, role("CollectionRole", '{ resource: "Collection", actions: { read: true, write: true, create: false } }'))
    secret = key(db, "CollectionRole")
    assert ok(db, 'Collection.byName("Books")!.name', secret) == "Books"
    assert ok(db, 'Collection.byName("Books")!.update({ name: "NewBooks" }).name', secret) == "NewBooks"
    assert err(db, "Collection.create({ name: 'Widgets' })", secret)["error"] == DENIED


# -- "arity" --------------------------------------------------------------------------------------------


def test_arity_call_predicate(db):
    ok(db, 'Function.create({ name: "Sum", body: "(arg1, arg2) => arg1 + arg2" })')
    ok(db, role("SumRole", "{ resource: 'Sum', actions: { call: '(arg1, arg2) => arg1 == 1 && arg2 == 2' } }"))
    secret = key(db, "SumRole")
    assert ok(db, "Sum(1, 2)", secret) == 3
    assert err(db, "Sum(2, 1)", secret)["error"] == DENIED


def test_arity_create_predicate(db):
    # The create predicate gets the create's data: `id` always there, fields at the top and under `.data`.
    ok(db, "Collection.create({ name: 'Books' })")
    for n, check in [(1, "data.id != null"), (2, "data.override"), (3, "data.data.override")]:
        ok(db, role(f"BooksRole{n}", f"{{ resource: 'Books', actions: {{ create: 'data => {check}', write: true, read: true }} }}"))
    ok(db, "Books.create({})", key(db, "BooksRole1"))
    for n in (2, 3):
        secret = key(db, f"BooksRole{n}")
        body = err(db, "Books.create({})", secret)
        assert body["error"] == DENIED
        # core's stack: Span(12, 16), the call's arguments.
        assert body["summary"].splitlines()[1:4] == ["at *query*:1:13", "  |", "1 | Books.create({})"]
        ok(db, "Books.create({ override: true })", secret)


def test_arity_predicates_work_with_short_lambdas(db):
    ok(db, "Collection.create({ name: 'Books' })")
    ok(db, role("BooksRole", "{ resource: 'Books', actions: { create: '(.creatable)' } }"))
    secret = key(db, "BooksRole")
    assert err(db, "Books.create({ creatable: false })", secret)["error"] == DENIED
    ok(db, "Books.create({ creatable: true })", secret)


# -- "fql4" / "update" ----------------------------------------------------------------------------------


def test_a_v10_role_can_be_replaced_by_a_v4_one(db):
    # "fql4" / "update" / "can replace an fqlx role with fql4 role".
    ok(db, "Collection.create({ name: 'TestCol' })")
    ok(db, role(
        "TestRole",
        '[{ resource: "TestCol", actions: { read: "x => true", create: "x => true" } }]',
        '{ resource: "TestCol", predicate: "user => true" }',
    ))
    replaced = v4(
        db,
        'Replace(Role("TestRole"), { name: "testRole", membership: { resource: Collection("TestCol") }, '
        'privileges: [{ resource: Collection("TestCol"), actions: { read: Query(Lambda("x", true)) } }] })',
    )
    assert len(replaced["privileges"]) == 1
    assert v4(db, 'Equals(Select(["privileges", 0, "actions"], Get(Role("testRole"))), { read: Query(Lambda("x", true)) })')


# -- top level ------------------------------------------------------------------------------------------


def test_read_predicates_as_a_document_dont_fail_for_deleted_docs(db):
    # "read predicates when executing as doc don't 500 for deleted docs".
    ok(
        db,
        'Collection.create({ name: "User" })\nCollection.create({ name: "Foo" })\n'
        + role(
            "myRole",
            '[{ resource: "Foo", actions: { read: "(doc) => Query.identity() == doc.owner", delete: true } }]',
            '[{ resource: "User" }]',
        ),
    )
    ok(db, "User.create({ id: '0' })")
    ok(db, "Foo.create({ id: '1', owner: User.byId('0') })")
    user = ok(db, "Token.create({ document: User.byId('0') }).secret")
    assert ok(db, "Foo.byId('1')!.delete().exists()", user) is False


def test_v4_and_v10_roles_with_the_same_membership_dont_conflict(db):
    # "v4 and v10 roles with same membership should not conflict".
    ok(
        db,
        'Collection.create({ name: "users" })\nFunction.create({ name: "func_v10", body: "x => x*2" })\n'
        + role("role_v10", '[{ resource: "func_v10", actions: { call: true } }]', '[{ resource: "users" }]'),
    )
    ok(db, "users.create({ id: '1' })")
    secret = ok(db, "Token.create({ document: users.byId('1')! }).secret")
    assert ok(db, "func_v10(10)", secret) == 20
    v4(db, 'CreateFunction({ name: "func_v4", body: Query(Lambda("x", Multiply(Var("x"), 3))) })')
    v4(
        db,
        'CreateRole({ name: "role_v4", membership: { resource: Collection("users") }, '
        'privileges: { resource: Function("func_v4"), actions: { call: true } } })',
    )
    assert ok(db, "func_v10(10)", secret) == 20
    assert ok(db, "func_v4(10)", secret) == 30


def test_denied_privileges_are_not_displayed(db):
    # "doesn't display privileges that are denied": the generated main.fsl leaves a false action out.
    ok(
        db,
        'Collection.create({ name: "Foo" })\n'
        + role("Bar", '{ resource: "Foo", actions: { create: false } }')
        + "\n"
        + role("Baaz", '{ resource: "Foo", actions: { create: false, read: true } }'),
    )
    files = dict(db.schema_files(secret=SECRET))
    assert files["main.fsl"] == (
        "// The following schema is auto-generated.\n"
        "// This file contains FSL for FQL10-compatible schema items.\n"
        "\n"
        "collection Foo {\n"
        "}\n"
        "\n"
        "role Bar {\n"
        "  privileges Foo {\n"
        "  }\n"
        "}\n"
        "\n"
        "role Baaz {\n"
        "  privileges Foo {\n"
        "    read\n"
        "  }\n"
        "}\n"
    )
