"""MoveDatabase: what moves with a database (documents, schema, keys, tokens, children), who may move it,
and what stays as it was when a move fails. Run on every backend: keys move between scopes in storage."""

from __future__ import annotations

import pytest

import fql
from fql.auth.credentials import TEST_PARAMS
from tests.helpers import query_error as error
from tests.storage.backends import BACKENDS, connected
from tests.test_auth import DENIED


@pytest.fixture(params=BACKENDS)
def db(request, tmp_path):
    with connected(request.param, tmp_path, argon2=TEST_PARAMS) as database:
        yield database


def key(db: fql.Database, role: str, database: str | None = None, secret: str | None = None) -> str:
    where = f", database: {database}" if database else ""
    return db.query(f'CreateKey({{role: "{role}"{where}}})', secret=secret)["secret"]


@pytest.fixture
def world(db) -> dict:
    """src (a collection with a user who has a password and a token; a child `kid` with a document) and dst."""
    db.query('CreateDatabase({name: "src"})')
    db.query('CreateDatabase({name: "dst"})')
    admin = key(db, "admin", 'Database("src")')
    server = key(db, "server", 'Database("src")')
    db.query('CreateCollection({name: "users"})', secret=admin)
    user = db.query('Create(Collection("users"), {data: {n: 1}, credentials: {password: "pw"}})', secret=admin)["ref"]
    token = db.query(f"Login({fql.to_fql(user)}, {{password: \"pw\"}})", secret=admin)["secret"]
    db.query('CreateDatabase({name: "kid"})', secret=admin)
    kid = key(db, "admin", 'Database("kid")', secret=admin)
    db.query('CreateCollection({name: "toys"})', secret=kid)
    db.query('Create(Collection("toys"), {data: {name: "ball"}})', secret=kid)
    return {"admin": admin, "server": server, "user": user, "token": token, "kid": kid}


def _works(db: fql.Database, world: dict) -> None:
    """Every secret of the moved database still works, and sees the same data."""
    page = db.query('Paginate(Documents(Collection("users")))', secret=world["admin"])
    assert page.data == [world["user"]]
    assert db.query(f'Select(["data", "n"], Get({fql.to_fql(world["user"])}))', secret=world["server"]) == 1
    assert db.query("CurrentIdentity()", secret=world["token"]) == world["user"]
    for secret in (world["kid"],):
        assert db.query('Select(["data", 0, "data", "name"], Map(Paginate(Documents(Collection("toys"))), '
                        'Lambda("t", Get(Var("t")))))', secret=secret) == "ball"


def test_a_moved_database_keeps_its_documents_keys_tokens_and_children(db, world):
    moved = db.query('MoveDatabase(Database("src"), Database("dst"))')
    assert fql.to_fql(moved["ref"]) == 'Database("src", Database("dst"))'
    assert db.query('Exists(Database("src"))') is False
    _works(db, world)
    # The keys for the database now live in its new parent. (A key is made beside its database: core
    # refuses CreateKey for a grandchild, a ref scoped to another database; WriteFunctionsSpec.)
    assert db.query("Count(Keys())") == 0
    assert db.query('Count(Keys(Database("dst")))') == 2
    # Refs to its documents name it where it is now.
    toys = db.query('Paginate(Documents(Collection("toys", Database("kid", Database("src", Database("dst"))))))')
    assert len(toys.data) == 1


def test_a_database_moves_again_and_back(db, world):
    db.query('CreateDatabase({name: "third"})')
    db.query('MoveDatabase(Database("src"), Database("dst"))')
    db.query('MoveDatabase(Database("src", Database("dst")), Database("third"))')
    _works(db, world)
    db.query('MoveDatabase(Database("third"), Database("dst"))')
    _works(db, world)
    db.query('MoveDatabase(Database("src", Database("third", Database("dst"))), Database("dst"))')
    _works(db, world)
    assert db.query('Count(Keys(Database("dst")))') == 2


def test_a_child_database_moves_its_own_children(db, world):
    """An admin key of src moves kid under a new sibling; kid's key, kept in src, stays usable."""
    db.query('CreateDatabase({name: "box"})', secret=world["admin"])
    db.query('MoveDatabase(Database("kid"), Database("box"))', secret=world["admin"])
    assert db.query('Paginate(Databases())', secret=world["admin"]).data == [db.query('Database("box")')]
    assert db.query('Count(Documents(Collection("toys")))', secret=world["kid"]) == 1


def test_keys_deleted_or_left_behind_stay_dead(db, world):
    db.query(f'Delete(Select("ref", KeyFromSecret("{world["server"]}")))')
    db.query('MoveDatabase(Database("src"), Database("dst"))')
    assert error(db, "Add(1, 1)", world["server"]).code == "unauthorized"
    db.query('Delete(Database("dst"))')
    for secret in (world["admin"], world["token"], world["kid"]):
        assert error(db, "Add(1, 1)", secret).code == "unauthorized"


def test_only_an_admin_may_move_a_database(db, world):
    for role in ("server", "server-readonly", "client"):
        err = error(db, 'MoveDatabase(Database("src"), Database("dst"))', key(db, role))
        assert (err.code, err.description, list(err.position)) == ("permission denied", DENIED, [])
    # Core asks for the right to delete the source database: a role may grant it.
    db.query('CreateRole({name: "movers", privileges: [{resource: Databases(), actions: {delete: true}}]})')
    movers = db.query('CreateKey({role: Role("movers")})')["secret"]
    assert db.query('MoveDatabase(Database("src"), Database("dst"))', secret=movers)["name"] == "src"
    _works(db, world)


def test_a_failed_move_changes_nothing(db, world):
    err = error(db, 'Do(MoveDatabase(Database("src"), Database("dst")), Abort("no"))')
    assert err.code == "transaction aborted"
    db.query('CreateDatabase({name: "src"})', secret=key(db, "admin", 'Database("dst")'))
    err = error(db, 'MoveDatabase(Database("src"), Database("dst"))')
    assert (err.code, err.description, list(err.position)) == (
        "instance already exists",
        "Database already exists.",
        [],
    )
    assert db.query('Exists(Database("src"))') is True
    assert db.query("Count(Keys())") == 3
    _works(db, world)
