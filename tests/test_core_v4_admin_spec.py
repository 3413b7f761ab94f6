"""Core's v4 model specs for databases and keys (ext/model/src/test/scala/documents/DatabaseSpec.scala and
KeySpec.scala), seen through v4 queries: core reads its internal Version and Database objects, fql shows
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
  of fql makes; the user-visible half (those fields hidden and not writable) is ported below.
- DatabaseSpec "account defaults to root", "handles account settings without id": the stored account
  field of core's Version; what a query can see of it is ported (hidden, `GET /authorized` says "0").
- KeySpec "sibling keys" / "child keys are indexed into LookupStore": the lookup entries themselves are
  core's storage; ported is what they are for: the key keeps working after its database changes, and
  stops when deleted.
"""

from __future__ import annotations

import pytest

import fql
from fql.errors import FQLError
from fql.eval.providers import authorized
from fql.storage.base import DocKey

ROOT = "secret"


@pytest.fixture
def db() -> fql.Database:
    database = fql.connect(root_secret=ROOT)
    database.query('CreateDatabase({name: "spec"})', secret=ROOT)
    return database


def q(db: fql.Database, query: str, secret: str = ROOT) -> object:
    return db.query(query, secret=secret)


def fails(db: fql.Database, query: str, secret: str = ROOT) -> FQLError:
    with pytest.raises(FQLError) as caught:
        db.query(query, secret=secret)
    return caught.value


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


# -- DatabaseSpec: creation and deletion ----------------------------------------------------------------


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


# -- DatabaseSpec: containers ---------------------------------------------------------------------------


def _container(db: fql.Database, name: str) -> object:
    return stored(db, name).get("container")


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