"""Core's v4 model specs for databases, keys and roles (ext/model/src/test/scala/documents/DatabaseSpec.scala,
KeySpec.scala and RoleSpec.scala), seen through v4 queries: core reads its internal Version and Database objects, fql shows
the same through what the queries return (a rendered document, Contains, Select, errors) and what secrets
can reach. Each test names its spec and case.

Covered elsewhere: api/DatabaseSpec and api/KeySpec over HTTP (tests/server/test_core_api_database.py,
tests/server/test_core_api_keys.py, case by case; DatabaseSpec27's container cases are in
tests/server/test_core_api_admin_spec.py); DatabaseSpec "move database" (tests/test_move_database.py,
test_a_moved_database_keeps_its_documents_keys_tokens_and_children); KeySpec "duplicate hash field" over
HTTP too (test_keys_cannot_duplicate_hash_fields).

Not ported, with the reason:
- DatabaseSpec "is indexed into LookupStore", "detects scope loops", "scoped ref" (a removed lookup entry),
  "getLiveGlobalIDsInHierarchy" (both cases), "restored database does not result in multiple live lookups",
  "cleanup lookup entries after move database even when versions disagree", "restore in place", "fail to
  restore in place if not forced": core's lookup store and its backup-restore internals (versions written
  under a rewritten scope), which fql does not have; a database's scope is its global id and nothing else
  points at it.
- DatabaseSpec "setActiveSchemaVersion sets the active_schema_version field", "enable/disable databases",
  "enabled/disable child databases", "databases at root of an account can be retrieved by account ID":
  internal calls (SchemaStatus, DatabaseWriteConfig.disable, Database.forAccount) that no query or endpoint
  of fql makes; the user-visible half (those fields hidden and not writable) is ported below. A query
  may write `disabled` (core does not protect it) and fql hides it as core does, but a disabled database
  keeps working in fql: disabling is core's admin-port operation (AdminSpec "admin/database/enable").

KeySpec "sibling keys" / "child keys are indexed into LookupStore" and DatabaseSpec "database delete" are
ported by what core's lookup entries are for (a key keeps working after its database changes and stops
once deleted; a deleted database's descendants' keys stop, its siblings' do not); the entries themselves
are core's storage.
"""

from __future__ import annotations

import threading

import pytest

import fql
from fql.errors import FQLError
from fql.eval.providers import authorized
from fql.storage.base import DocKey
from tests.helpers import query_error

ROOT = "secret"


@pytest.fixture
def db() -> fql.Database:
    database = fql.connect(root_secret=ROOT)
    database.query('CreateDatabase({name: "spec"})', secret=ROOT)
    return database


def q(db: fql.Database, query: str, secret: str = ROOT) -> object:
    return db.query(query, secret=secret)


def fails(db: fql.Database, query: str, secret: str = ROOT) -> FQLError:
    return query_error(db, query, secret)


def stored(db: fql.Database, name: str, parent: str = "") -> dict:
    """The database document as fql keeps it (core's Version data): hidden fields included."""
    found, _ = db.transact(lambda ctx: ctx.state.txn.get(DocKey(parent, "#databases", name)), secret=ROOT)
    return dict(found.data)


def account_of(db: fql.Database, secret: str) -> str:
    """The account of the secret's database, as `GET /authorized` answers it (core's Database.accountID)."""
    found, _ = db.transact(lambda ctx: authorized(ctx.state.txn, ctx.state.scope), secret=secret)
    return found["account"]


# -- DatabaseSpec: the scope ----------------------------------------------------------------------------


def test_hides_the_scope_on_render_contains_and_select(db):
    """DatabaseSpec "hides the scope on render", "hides the scope on contains", "hides the scope on select"."""
    assert "scope" not in q(db, 'Get(Database("spec"))')
    assert q(db, 'Contains("scope", Get(Database("spec")))') is False
    assert fails(db, 'Select("scope", Get(Database("spec")))').v4_code == "value not found"


@pytest.mark.parametrize(
    "write", ['Update(Database("spec"), {scope: 0})', 'Replace(Database("spec"), {})', 'CreateDatabase({name: "x", scope: 0})']
)
def test_disallows_the_scope_to_be_set_via_query(db, write):
    """DatabaseSpec "disallows the scope to be set via query", "disallows the scope to be altered via
    replace" (and on create: core allocates the scope itself)."""
    global_id = q(db, 'Select("global_id", Get(Database("spec")))')
    q(db, write)
    assert "scope" not in stored(db, "spec") and "scope" not in q(db, 'Get(Database("spec"))')
    assert q(db, 'Select("global_id", Get(Database("spec")))') == global_id
    # The database still works as itself.
    q(db, 'CreateCollection({name: "c"})', ROOT + ":spec:admin")


# -- DatabaseSpec: the account --------------------------------------------------------------------------


def test_hides_account_on_render_contains_and_select(db):
    """DatabaseSpec "hides account", "hides account on contains", "hides account on select"."""
    q(db, 'CreateDatabase({name: "acct", container: true, account: {id: 4242}})')
    assert stored(db, "acct")["account"] == {"id": 4242}
    assert "account" not in q(db, 'Get(Database("acct"))')
    assert q(db, 'Contains(["account", "id"], Get(Database("acct")))') is False
    assert fails(db, 'Select(["account", "id"], Get(Database("acct")))').v4_code == "value not found"
    assert account_of(db, ROOT + ":acct:admin") == "4242"


@pytest.mark.parametrize(
    "write", ['Update(Database("acct"), {account: {id: 99}})', 'Replace(Database("acct"), {name: "acct"})']
)
def test_disallows_account_update_and_replacement(db, write):
    """DatabaseSpec "disallows account update", "disallows account replacement": account.id is set on
    create only."""
    q(db, 'CreateDatabase({name: "acct", account: {id: 4242}})')
    q(db, write)
    assert stored(db, "acct")["account"] == {"id": 4242}
    assert account_of(db, ROOT + ":acct:admin") == "4242"


def test_account_defaults_to_none_and_keeps_other_settings(db):
    """DatabaseSpec "account defaults to root", "handles account settings without id", as far as they
    show: no account is account 0, and an account object without an id is kept (hidden), not an error."""
    assert account_of(db, ROOT + ":spec:admin") == "0"
    q(db, 'CreateDatabase({name: "noid", container: true, account: {"not-id": 123}})')
    assert stored(db, "noid")["account"] == {"not-id": 123}
    assert account_of(db, ROOT + ":noid:admin") == "0"


def test_inherits_account(db):
    """DatabaseSpec "inherits account"."""
    q(db, 'CreateDatabase({name: "parent_db", container: true, account: {id: 777}})')
    q(db, 'CreateDatabase({name: "child_db"})', ROOT + ":parent_db:admin")
    assert account_of(db, ROOT + ":parent_db/child_db:admin") == "777"


def test_cannot_override_inherited_account(db):
    """DatabaseSpec "cannot override inherited account": the child's own account is dropped."""
    q(db, 'CreateDatabase({name: "account_db", container: true, account: {id: 777}})')
    q(db, 'CreateDatabase({name: "override_db", account: {id: 888}})', ROOT + ":account_db:admin")
    assert "account" not in stored(db, "override_db", stored(db, "account_db")["global_id"])
    assert account_of(db, ROOT + ":account_db/override_db:admin") == "777"


def test_cannot_create_a_database_with_a_duplicate_account(db):
    """DatabaseSpec "cannot create a database with a duplicate account": InstanceAlreadyExists at
    create_database."""
    q(db, 'CreateDatabase({name: "original", container: true, account: {id: 31337}})')
    # Anywhere in the tree, not only beside the first.
    err = fails(db, 'CreateDatabase({name: "dupe", container: true, account: {id: 31337}})', ROOT + ":spec:admin")
    assert err.v4_errors()[0] == {
        "position": ["create_database"],
        "code": "instance already exists",
        "description": "Database already exists.",
    }
    assert not q(db, 'Exists(Database("dupe"))', ROOT + ":spec:admin")
    # Once the first is gone the account is free again.
    q(db, 'Delete(Database("original"))')
    q(db, 'CreateDatabase({name: "dupe", container: true, account: {id: 31337}})')


# -- DatabaseSpec: global_id and the schema versions ---------------------------------------------------


def test_renders_global_id_and_allows_it_in_select_and_contains(db):
    """DatabaseSpec "renders globalID", "allow globalID in select/contains"."""
    global_id = q(db, 'Get(Database("spec"))')["global_id"]
    assert global_id == stored(db, "spec")["global_id"]
    assert q(db, 'Contains("global_id", Get(Database("spec")))') is True
    assert q(db, 'Select("global_id", Get(Database("spec")))') == global_id


@pytest.mark.parametrize(
    "write",
    ['Update(Database("spec"), {global_id: "ignore"})', 'Replace(Database("spec"), {global_id: "ignore"})'],
)
def test_disallows_the_global_id_to_be_set(db, write):
    """DatabaseSpec "disallows the globalID to be set via query", "... altered via replace"."""
    global_id = q(db, 'Select("global_id", Get(Database("spec")))')
    assert q(db, write)["global_id"] == global_id
    assert q(db, 'Select("global_id", Get(Database("spec")))') == global_id


@pytest.mark.parametrize("name", ["native_schema_version", "active_schema_version"])
def test_schema_versions_are_hidden_and_not_writable(db, name):
    """DatabaseSpec "hides $name on render", "hides $name on contains", "hides $name on select",
    "disallows $name to be set via update", "disallows $name to be altered via replace", for both."""
    before = stored(db, "spec")
    q(db, f'Update(Database("spec"), {{{name}: 123}})')
    q(db, f'Replace(Database("spec"), {{{name}: 123}})')
    q(db, f'CreateDatabase({{name: "other", {name}: 123}})')
    assert stored(db, "spec") == before and name not in stored(db, "other")
    assert name not in q(db, 'Get(Database("spec"))')
    assert q(db, f'Contains("{name}", Get(Database("spec")))') is False
    assert fails(db, f'Select("{name}", Get(Database("spec")))').v4_code == "value not found"


@pytest.mark.parametrize(
    ("fields", "failures"),
    [
        ("{container: 5}", [(["container"], "Long", "Boolean")]),
        ('{typechecked: "yes"}', [(["typechecked"], "String", "Boolean")]),
        ("{protected: 1}", [(["protected"], "Long", "Boolean")]),
        ("{priority: 0}", [(["priority"], "Long", "Priority")]),
        ("{priority: 501}", [(["priority"], "Long", "Priority")]),
        ('{priority: "x"}', [(["priority"], "String", "Priority")]),
        ("{account: 5}", [(["account"], "Long", "Map")]),
        ('{account: {id: "x"}}', [(["account", "id"], "String", "Account")]),
        ('{priority: 0, account: {id: "x"}, protected: 1}', [
            (["account", "id"], "String", "Account"),
            (["priority"], "Long", "Priority"),
            (["protected"], "Long", "Boolean"),
        ]),
    ],
)
def test_database_fields_have_their_types(db, fields, failures):
    """What core's Database.VersionValidator checks of the fields the cases above write (account, its id,
    priority, container, typechecked, protected, in that order); fql used to keep whatever was given."""
    expected = [
        {"field": path, "code": "invalid type", "description": f"Invalid type {actual}, expected type {wanted}."}
        for path, actual, wanted in failures
    ]
    create = fails(db, f'CreateDatabase(Merge({{name: "typed"}}, {fields}))')
    assert create.v4_errors()[0]["position"] == ["create_database"]
    assert create.v4_errors()[0]["failures"] == expected
    if "account" not in fields:
        assert fails(db, f'Update(Database("spec"), {fields})').v4_errors()[0]["failures"] == expected
    # Good values, and nulls (not given), are taken.
    made = q(db, 'CreateDatabase({name: "fine", priority: 500, container: false, typechecked: true, protected: null})')
    assert (made["priority"], made["container"], made["typechecked"]) == (500, False, True)


# -- DatabaseSpec: creation and deletion ----------------------------------------------------------------


def test_database_already_exists(db):
    """DatabaseSpec "database already exists"."""
    q(db, 'CreateDatabase({name: "somedb"})')
    err = fails(db, 'CreateDatabase({name: "somedb"})')
    assert err.v4_errors()[0] == {
        "position": ["create_database"],
        "code": "instance already exists",
        "description": "Database already exists.",
    }


def test_concurrent_creation(db):
    """DatabaseSpec "concurrent creation": ten databases made at once are ten, each its own."""
    failures: list = []

    def create(i: int) -> None:
        try:
            q(db, f'CreateDatabase({{name: "concurrent{i}"}})')
        except Exception as caught:  # pragma: no cover - reported below
            failures.append(caught)

    threads = [threading.Thread(target=create, args=(i,)) for i in range(1, 11)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    ids = {q(db, f'Select("global_id", Get(Database("concurrent{i}")))') for i in range(1, 11)}
    assert len(ids) == 10


def _new_db(db: fql.Database, name: str, parent: str = "") -> str:
    """A database `name` inside `parent` (a path such as "a/b"), with a server key: its secret."""
    secret = ROOT + (":" + parent + ":admin" if parent else "")
    q(db, f'CreateDatabase({{name: "{name}"}})', secret)
    return q(db, f'CreateKey({{database: Database("{name}"), role: "server"}})', secret)["secret"]


def _alive(db: fql.Database, secret: str) -> bool:
    try:
        q(db, "Paginate(Collections())", secret)
    except FQLError as caught:
        assert caught.v4_code == "unauthorized"
        return False
    return True


@pytest.mark.parametrize("depth", [2, 3])
def test_database_delete_leaves_no_descendant_alive(db, depth):
    """DatabaseSpec "database delete" / "does not leave dangling live lookups of descendants": "parent,
    child" and "parent, child, grandchild". Core checks its lookup entries; here each database's key."""
    secrets, path = [], ""
    for level in range(1, depth + 1):
        secrets.append(_new_db(db, f"db{level}", path))
        path = f"{path}/db{level}" if path else f"db{level}"
    assert all(_alive(db, secret) for secret in secrets)
    q(db, 'Delete(Database("db1"))')
    assert not any(_alive(db, secret) for secret in secrets)


@pytest.mark.parametrize(
    ("tree", "delete", "gone"),
    [
        # "1->2, 1->3, delete 2"
        ({"db2": "db1", "db3": "db1"}, "db1/db2", {"db2"}),
        # "1->2, 1->3, 2->4, 3->5, delete 2"
        ({"db2": "db1", "db3": "db1", "db4": "db1/db2", "db5": "db1/db3"}, "db1/db2", {"db2", "db4"}),
        # "1->2, 1->3, 2->4, 2->5, delete 4"
        ({"db2": "db1", "db3": "db1", "db4": "db1/db2", "db5": "db1/db2"}, "db1/db2/db4", {"db4"}),
    ],
)
def test_database_delete_only_deletes_its_subtree(db, tree, delete, gone):
    """DatabaseSpec "database delete" / "only deletes its subtree", its three cases."""
    secrets = {"db1": _new_db(db, "db1")}
    for name, parent in tree.items():
        secrets[name] = _new_db(db, name, parent)
    parent, _, name = delete.rpartition("/")
    q(db, f'Delete(Database("{name}"))', ROOT + ":" + parent + ":admin")
    assert {name for name, secret in secrets.items() if not _alive(db, secret)} == gone


# -- DatabaseSpec: containers ---------------------------------------------------------------------------


def _container(db: fql.Database, name: str) -> object:
    return stored(db, name).get("container")


@pytest.mark.parametrize(
    "setup",
    [
        [],
        ['CreateRole({name: "myRoleName", privileges: []})'],
        ['CreateDatabase({name: "inner"})', 'CreateKey({database: Database("inner"), role: "server"})'],
    ],
    ids=["empty", "with a role", "with a key"],
)
def test_can_be_switched_to_container(db, setup):
    """DatabaseSpec "can be switched to container when empty", "... with a role", "... with a key"."""
    for query in setup:
        q(db, query, ROOT + ":spec:admin")
    assert q(db, 'Update(Database("spec"), {container: true})')["container"] is True
    assert _container(db, "spec") is True


@pytest.mark.parametrize(
    "setup",
    [
        ['CreateCollection({name: "animals"})', 'CreateIndex({name: "buildme", active: true, '
         'source: Collection("animals"), terms: [{field: ["data", "name"]}]})'],
        ['CreateCollection({name: "animals"})'],
        ['CreateFunction({name: "id", body: Query(Lambda("x", Var("x")))})'],
    ],
    ids=["with an index", "with a collection", "with a UDF"],
)
def test_cannot_be_switched_to_container_with_data(db, setup):
    """DatabaseSpec "cannot be switched to container with an index", "... with a collection", "... with a
    UDF": validation fails (ContainerCandidateContainsData) and the flag stays as it was."""
    for query in setup:
        q(db, query, ROOT + ":spec:admin")
    err = fails(db, 'Update(Database("spec"), {container: true})')
    # At the call, as core's Update passes its own position to the write.
    assert err.v4_errors()[0] == {
        "position": [],
        "code": "validation failed",
        "description": "document data is not valid.",
        "failures": [
            {
                "field": [],
                "code": "container candidate contains data",
                "description": "cannot make database a container while it contains collections, indexes, or user functions",
            }
        ],
    }
    assert not _container(db, "spec")


@pytest.mark.parametrize(
    "create",
    [
        'CreateCollection({name: "c"})',
        'Create(Collections(), {name: "c"})',
        'CreateIndex({name: "i", source: Ref("tokens")})',
        'CreateFunction({name: "f", body: Query(Lambda("x", Var("x")))})',
    ],
)
def test_a_container_refuses_collections_indexes_and_functions(db, create):
    """What the switch above protects (core's WriteAdaptor.create, InvalidObjectInContainer): a container
    holds databases, keys, roles and access providers only."""
    q(db, 'CreateDatabase({name: "box", container: true})')
    err = fails(db, create, ROOT + ":box:admin")
    assert err.v4_errors()[0]["code"] == "invalid object in container"
    assert err.v4_errors()[0]["description"] == "Object is not allowed in a container"
    for allowed in (
        'CreateDatabase({name: "child", container: true})',
        'CreateKey({role: "server"})',
        'CreateRole({name: "r", privileges: []})',
    ):
        q(db, allowed, ROOT + ":box:admin")
    # A database inside a container is no container unless it says so.
    q(db, 'CreateDatabase({name: "plain"})', ROOT + ":box:admin")
    q(db, create, ROOT + ":box/plain:admin")
    # And one that stops being a container takes them again.
    q(db, 'Update(Database("box"), {container: false})')
    q(db, create, ROOT + ":box:admin")


# -- KeySpec -------------------------------------------------------------------------------------------


def test_key_bad_secret(db):
    """KeySpec "bad secret"."""
    err = fails(db, 'CreateKey({secret: "badsecret", role: "server", database: Database("spec")})')
    assert err.v4_errors()[0]["failures"] == [
        {"field": ["secret"], "code": "invalid secret", "description": "Invalid secret at `List(secret)`"}
    ]


def test_key_respects_filter_mask(db):
    """KeySpec "respect filterMask": a field keys do not have is dropped."""
    key = q(db, 'CreateKey({role: "admin", database: Database("spec"), should_ignore: "Should Ignore"})')
    assert "should_ignore" not in key
    assert "should_ignore" not in q(db, f'Get(Ref(Keys(), "{key["ref"].id}"))')


def test_key_accepts_user_defined_roles(db):
    """KeySpec "accept user defined roles": one role, or an array of them."""
    admin = ROOT + ":spec:admin"
    q(db, 'CreateCollection({name: "class_a"})', admin)
    for name in ("role_a", "role_b"):
        q(db, f'CreateRole({{name: "{name}", privileges: [{{resource: Collection("class_a"), actions: {{read: true}}}}]}})', admin)
    one = q(db, 'CreateKey({role: Role("role_a")})', admin)
    both = q(db, 'CreateKey({role: [Role("role_a"), Role("role_b")]})', admin)
    for key in (one, both):
        assert q(db, 'Paginate(Documents(Collection("class_a")))', key["secret"]).data == []


def test_key_duplicate_hash_field(db):
    """KeySpec "duplicate hash field": a key made elsewhere with another key's hashed secret."""
    q(db, 'CreateDatabase({name: "scope2"})')
    q(db, 'CreateDatabase({name: "foo"})', ROOT + ":spec:admin")
    q(db, 'CreateDatabase({name: "foo"})', ROOT + ":scope2:admin")
    key = q(db, 'CreateKey({database: Database("foo"), role: "server"})', ROOT + ":spec:admin")
    query = (
        f'Create(Ref(Keys(), "{key["ref"].id}"), '
        f'{{database: Database("foo"), role: "server", hashed_secret: "{key["hashed_secret"]}"}})'
    )
    err = fails(db, query, ROOT + ":scope2:admin")
    assert err.v4_errors()[0] == {
        "position": ["create"],
        "code": "validation failed",
        "description": "document data is not valid.",
        "failures": [{"field": ["hashed_secret"], "code": "duplicate value", "description": "Value is not unique."}],
    }


@pytest.mark.parametrize("child", [False, True], ids=["sibling", "child"])
def test_keys_follow_their_database_until_deleted(db, child):
    """KeySpec "sibling keys are indexed into LookupStore", "child keys are indexed into LookupStore": the
    key stays the same key when its database changes, and is gone once deleted."""
    admin = ROOT + ":spec:admin"
    q(db, 'CreateDatabase({name: "db1"})', admin)
    q(db, 'CreateDatabase({name: "db2"})', admin)
    # A sibling key names a child database of where it is kept; a child key its own database.
    key = q(db, 'CreateKey({role: "server"})' if child else 'CreateKey({database: Database("db1"), role: "server"})', admin)
    ref = f'Ref(Keys(), "{key["ref"].id}")'
    q(db, f'Update({ref}, {{database: Database("db2")}})', admin)
    q(db, 'CreateCollection({name: "in_db2"})', key["secret"])
    assert q(db, 'Exists(Collection("in_db2"))', ROOT + ":spec/db2:admin") is True
    q(db, f"Delete({ref})", admin)
    assert not _alive(db, key["secret"])
    assert q(db, f"Exists({ref})", admin) is False


def test_admin_key_can_create_databases_keys_indexes_and_classes(db):
    """KeySpec "Admin Key": "can create databases", "can create keys", "can create indexes", "can create
    classes" (the last two with `source: Ref("tokens")`, created as new documents)."""
    admin = q(db, 'CreateKey({database: Database("spec"), role: "admin"})')["secret"]
    assert q(db, 'CreateDatabase({name: "made"})', admin)["name"] == "made"
    assert q(db, 'CreateKey({database: Database("made"), role: "server"})', admin)["role"] == "server"
    index = q(db, 'Create(Ref("indexes"), {name: "idx", source: Ref("tokens")})', admin)
    assert index["ref"] == q(db, 'Index("idx")', admin)
    klass = q(db, 'Create(Ref("classes"), {name: "cls", source: Ref("tokens")})', admin)
    assert klass["ref"] == q(db, 'Collection("cls")', admin)


# -- RoleSpec (ext/model/src/test/scala/documents/RoleSpec.scala) ----------------------------------------
# Core patches Role.VersionValidator directly with the spec's role: a membership and a privilege on one
# collection, a predicate for `read` and every other action true. Here each is the CreateRole that writes
# the same data. "filter out invalid fields" (also on array elements) is ported in
# tests/test_core_v4_validation_audit.py (test_unknown_privilege_and_membership_fields_are_dropped).

_ACTIONS = {
    "read": 1, "write": 2, "create": 1, "create_with_id": 2, "delete": 1,
    "history_read": 1, "history_write": 4, "unrestricted_read": 1, "call": 1,
}


def _role(name: str, **actions: str) -> str:
    given = {action: "true" for action in _ACTIONS} | {"read": 'Query(Lambda("_", true))'} | actions
    listed = ", ".join(f"{action}: {value}" for action, value in given.items())
    return (
        f'CreateRole({{name: "{name}", membership: {{resource: Collection("someclass"), predicate: '
        f'Query(Lambda("_", true))}}, privileges: {{resource: Collection("someclass"), actions: {{{listed}}}}}}})'
    )


@pytest.fixture
def roles_db(db):
    q(db, 'CreateCollection({name: "someclass"})')
    return db


def _failures(db: fql.Database, query: str) -> list:
    err = fails(db, query)
    assert (err.code, list(err.position)) == ("validation failed", ["create_role"])
    return err.failures


def test_role_requires_name_and_privileges(roles_db):
    """RoleSpec "requires name and privileges": of an empty role only the name is required."""
    assert _failures(roles_db, "CreateRole({})") == [
        {"field": ["name"], "code": "value required", "description": "Required value not found."}
    ]
    assert q(roles_db, 'CreateRole({name: "bare"})')["name"] == "bare"


def test_role_fails_on_wrong_role_action_type(roles_db):
    """RoleSpec "fail on wrong role action type"."""
    assert [f["code"] for f in _failures(roles_db, _role("r", create="42"))] == ["invalid type"]


@pytest.mark.parametrize("action, arity", _ACTIONS.items())
def test_role_fails_on_invalid_arity(roles_db, action, arity):
    """RoleSpec "fail on invalid arity": v4's fixed arities (v10's differ: `write` 2 or 3, `call` any)."""
    params = "[" + ", ".join(f'"p{n}"' for n in range(arity + 1)) + "]"
    assert _failures(roles_db, _role("r", **{action: f"Query(Lambda({params}, true))"})) == [
        {
            "field": ["privileges", "actions", action],
            "code": "invalid arity",
            "description": f"Found lambda with arity {arity + 1} expected {arity}",
        }
    ]


@pytest.mark.parametrize("action", _ACTIONS)
def test_role_allows_to_ignore_predicate_arguments(roles_db, action):
    """RoleSpec "allow to ignore predicate arguments": `_` takes any arity."""
    made = q(roles_db, _role(f"ignores_{action}", **{action: 'Query(Lambda("_", true))'}))
    assert made["privileges"]["actions"][action] == q(roles_db, 'Query(Lambda("_", true))')


def test_role_fails_on_invalid_membership_arity(roles_db):
    """RoleSpec "fail on invalid membership arity"."""
    query = _role("r").replace('predicate: Query(Lambda("_", true))', 'predicate: Query(Lambda(["foo", "bar"], true))', 1)
    assert _failures(roles_db, query) == [
        {"field": ["membership", "predicate"], "code": "invalid arity", "description": "Found lambda with arity 2 expected 1"}
    ]


def test_role_already_exists(roles_db):
    """RoleSpec "role already exists": InstanceAlreadyExists at create_role."""
    create = _role("somerole", read='Query(Lambda("x", true))').replace('Lambda("_"', 'Lambda("x"', 1)
    assert q(roles_db, f'Select("ref", {create})') == q(roles_db, 'Role("somerole")')
    assert fails(roles_db, create).v4_errors()[0] == {
        "position": ["create_role"],
        "code": "instance already exists",
        "description": "Role already exists.",
    }
