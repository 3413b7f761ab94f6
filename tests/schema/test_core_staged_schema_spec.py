"""Core's FQL2StagedSchemaSpec (ext/model/src/test/scala/fql2/FQL2StagedSchemaSpec.scala): while a schema
is staged, companion objects, functions and documents run against the active schema, and the schema
documents a query reads (`Collection.all()`, `Collection.byName(...)`) are the staged ones; a query's
schema write joins the staged schema; a commit applies it, an abandon reverts it.

The spec's `pin()` then `updateSchemaOk` is a staged push here (`updateSchemaPinOk` too). Its cases that
look at core's internals only (index and collection ids, the task executor, the indexer a write goes
through, GC retention) are ported through what a user sees of them: the indexes a query can use, before
and after the commit. Each test names its case."""

from __future__ import annotations

import json

import pytest

import fql
from fql.parse import parse
from fql.repl.printer import summary
from fql.schema.manager import SchemaError
from fql.server import schema as schema_api
from fql.server.protocol import Request

from .test_core_manager_spec import Scoped

USER_BY_NAME = """\
collection User {
  name: String
  email: String

  index byName {
    terms [.name]
  }
}"""

USER_MOVED_EMAIL = """\
collection User {
  name: String
  new_email: String

  migrations {
    move .email -> .new_email
  }

  index byName {
    terms [.name]
  }

  index byEmail {
    terms [.new_email]
  }
}"""


@pytest.fixture
def db():
    """A child database's admin key, as the spec's `newDB` with admin permissions (a staged schema cannot be
    pushed to the top database)."""
    root = fql.connect("memory://")
    root.query('Database.create({ name: "spec" })', syntax="v10")
    return Scoped(root, root.query('Key.create({ role: "admin", database: "spec" }).secret', syntax="v10"))


def stage(db: Scoped, files: dict) -> None:
    db.push(files, staged=True)


def commit(db: Scoped) -> None:
    db.root.commit_schema(secret=db.secret)


def abandon(db: Scoped) -> None:
    db.root.abandon_schema(secret=db.secret)


def render_err(db: Scoped, text: str, typecheck: bool = True) -> str:
    with pytest.raises(fql.FQLError) as caught:
        db.root.run_with_state(parse(text, "v10"), secret=db.secret, syntax="v10", typecheck=typecheck)
    return summary(caught.value, text)


def untyped(db: Scoped, text: str) -> object:
    """`text`'s value, run without the typechecker (core's `evalOk(..., typecheck = false)`)."""
    return db.root.run_with_state(parse(text, "v10"), secret=db.secret, syntax="v10", typecheck=False)[0]


def unbound(name: str, text: str) -> str:
    return f"error: Unbound variable `{name}`\nat *query*:1:1\n  |\n1 | {text}\n  | {'^' * len(name)}\n  |"


def names_by(db: Scoped, index: str, term: str) -> list:
    return db.q(f"User.{index}({term!r}).map(.name).toArray()")


def index_names(db: Scoped, coll: str = "User") -> list:
    return sorted(db.q(f"Object.keys(Collection.byName('{coll}')!.indexes)"))


def test_stores_staged_items_for_updates(db):
    db.push({"main.fsl": "function foo() {\n  1\n}"})
    stage(db, {"main.fsl": "function foo() {\n  2\n}"})
    # Functions run the active version...
    assert db.q("foo()") == 1
    # ... while their schema document is the staged one.
    assert db.q("Function.byName('foo')!.body") == "() => {\n  2\n}"
    commit(db)
    assert db.q("foo()") == 2


def test_shows_active_items_for_live_queries(db):
    db.push({"main.fsl": "collection User {\n  name: String\n}\n\nfunction foo() {\n  User.create({ name: 'Carol' })\n}"})
    db.q("User.create({ name: 'Alice' })")
    stage(
        db,
        {
            "main.fsl": "collection User {\n  first_name: String\n  email: String\n\n  migrations {\n"
            '    add .email\n    backfill .email = "foo@example.com"\n\n    move .name -> .first_name\n  }\n}\n\n'
            "function foo() {\n  User.create({ first_name: 'Other', email: 'bar@example.com' })\n}"
        },
    )
    db.q("User.create({ name: 'Bob' })")
    # The active version of a function runs.
    db.q("foo()")
    # Documents get neither the staged field nor its renames.
    assert db.q("User.all().map(d => { let d: Any = d; d.data }).toArray()") == [
        {"name": "Alice"},
        {"name": "Bob"},
        {"name": "Carol"},
    ]
    # The collection's schema document is the staged one.
    assert db.q("Collection.byName('User')!.fields") == {
        "first_name": {"signature": "String"},
        "email": {"signature": "String"},
    }


def test_should_write_to_staged_indexes(db):
    db.push({"main.fsl": USER_BY_NAME})
    for name in ("Alice", "Bob", "Carol"):
        db.q(f"User.create({{ name: '{name}', email: '{name.lower()}@example.com' }})")
    stage(db, {"main.fsl": USER_BY_NAME[:-2] + "\n\n  index byEmail {\n    terms [.email]\n  }\n}"})
    # Companion objects have the active indexes only; the schema document has both.
    assert untyped(db, "User.byName") is not None
    assert untyped(db, "User.byEmail") is None
    assert index_names(db) == ["byEmail", "byName"]
    commit(db)
    assert names_by(db, "byName", "Bob") == ["Bob"]
    assert names_by(db, "byEmail", "carol@example.com") == ["Carol"]


@pytest.mark.parametrize("write_while_staged", [False, True])
def test_staged_indexes_should_use_the_pending_migrations(db, write_while_staged):
    # "staged indexes should use the pending migrations", and "live writes should use staged schema for
    # staged indexes" (Carol written while the schema is staged).
    db.push({"main.fsl": USER_BY_NAME})
    db.q("User.create({ name: 'Alice', email: 'alice@example.com' })")
    db.q("User.create({ name: 'Bob', email: 'bob@example.com' })")
    if not write_while_staged:
        db.q("User.create({ name: 'Carol', email: 'carol@example.com' })")
    stage(db, {"main.fsl": USER_MOVED_EMAIL})
    if write_while_staged:
        db.q("User.create({ name: 'Carol', email: 'carol@example.com' })")
    assert index_names(db) == ["byEmail", "byName"]
    commit(db)
    for name in ("Alice", "Bob", "Carol"):
        assert names_by(db, "byName", name) == [name]
        assert names_by(db, "byEmail", f"{name.lower()}@example.com") == [name]


def test_indexes_should_remain_in_their_old_state_when_used_by_both_schemas(db):
    db.push({"main.fsl": USER_BY_NAME[:-2] + "\n\n  index byEmail {\n    terms [.email]\n  }\n}"})
    db.q("User.create({ name: 'Alice', email: 'alice@example.com' })")
    db.q("User.create({ name: 'Bob', email: 'bob@example.com' })")
    stage(db, {"main.fsl": USER_MOVED_EMAIL})
    db.q("User.create({ name: 'Carol', email: 'carol@example.com' })")
    # The active definition of `byEmail` stays until the commit, and the staged one is shown.
    assert names_by(db, "byEmail", "carol@example.com") == ["Carol"]
    assert db.q("Collection.byName('User')!.indexes.byEmail.terms") == [{"field": ".new_email", "mva": False}]
    commit(db)
    db.q("User.create({ name: 'Dylan', new_email: 'dylan@example.com' })")
    for name in ("Alice", "Bob", "Carol", "Dylan"):
        assert names_by(db, "byName", name) == [name]
        assert names_by(db, "byEmail", f"{name.lower()}@example.com") == [name]


def test_should_revert_previous_staged_schema_changes(db):
    user = "collection User {\n  name: String\n  email: String\n  phone: String\n\n  index byName {\n    terms [.name]\n  }\n"
    db.push({"main.fsl": user + "}"})
    db.q("User.create({ name: 'Alice', email: 'alice@example.com', phone: '12345' })")
    stage(db, {"main.fsl": user + "\n  index byEmail {\n    terms [.email]\n  }\n}"})
    assert index_names(db) == ["byEmail", "byName"]
    stage(db, {"main.fsl": user + "\n  index byPhone {\n    terms [.phone]\n  }\n}"})
    assert index_names(db) == ["byName", "byPhone"]
    commit(db)
    assert names_by(db, "byPhone", "12345") == ["Alice"]
    assert render_err(db, "User.byEmail('alice@example.com')").startswith("error: ")


def test_should_revert_previous_migrations(db):
    db.push({"main.fsl": USER_BY_NAME})
    for name in ("Alice", "Bob", "Carol"):
        db.q(f"User.create({{ name: '{name}', email: '{name.lower()}@example.com' }})")
    stage(db, {"main.fsl": USER_MOVED_EMAIL.replace("new_email", "email_1")})
    # The migrations of a second staged push are relative to the active schema, not the staged one.
    second = USER_MOVED_EMAIL.replace("new_email", "email_2").replace(
        "move .email -> .email_2", 'split .email -> .email_2, .tmp\n    backfill .email_2 = ""\n    drop .tmp'
    )
    stage(db, {"main.fsl": second})
    assert db.q("Collection.byName('User')!.indexes.byEmail.terms") == [{"field": ".email_2", "mva": False}]
    commit(db)
    for name in ("Alice", "Bob", "Carol"):
        assert names_by(db, "byEmail", f"{name.lower()}@example.com") == [name]


USER_TWO_INDEXES = (
    "collection User {\n  name: String\n  email: String\n  phone: String\n\n  index byName {\n    terms [.name]\n  }\n\n"
    "  index byEmail {\n    terms [.email]\n  }\n}"
)
USER_ONE_INDEX = "collection User {\n  name: String\n  email: String\n  phone: String\n\n  index byName {\n    terms [.name]\n  }\n}"


@pytest.mark.parametrize("then", ["commit", "abandon"])
def test_should_stage_an_index_being_deleted(db, then):
    # "should stage an index being deleted", "should abandon an index being deleted"
    db.push({"main.fsl": USER_TWO_INDEXES})
    db.q("User.create({ name: 'Alice', email: 'alice@example.com', phone: '12345' })")
    stage(db, {"main.fsl": USER_ONE_INDEX})
    assert index_names(db) == ["byName"]
    # Both indexes are still live, as the active schema uses them.
    assert names_by(db, "byEmail", "alice@example.com") == ["Alice"]
    if then == "commit":
        commit(db)
        assert index_names(db) == ["byName"]
        assert render_err(db, "User.byEmail('alice@example.com')").startswith("error: ")
    else:
        abandon(db)
        assert index_names(db) == ["byEmail", "byName"]
        assert names_by(db, "byEmail", "alice@example.com") == ["Alice"]
    assert names_by(db, "byName", "Alice") == ["Alice"]


def test_should_retain_a_collection_staged_for_deletion(db):
    db.push({"main.fsl": "collection User {\n  name: String\n}\n\ncollection Loser {\n  name: String\n}"})
    db.q("Loser.create({ name: 'L' })")
    stage(db, {"main.fsl": "collection User {\n  name: String\n}"})
    assert db.q("Loser.all().map(.name).toArray()") == ["L"]
    assert db.q("Collection.all().map(.name).toArray()") == ["User"]
    commit(db)
    assert render_err(db, "Loser.all()") == unbound("Loser", "Loser.all()")


def test_should_abandon_a_schema_change(db):
    user = "collection User {\n  name: String\n\n  index byName {\n    terms [.name]\n  }\n}"
    db.push({"main.fsl": user})
    db.q("User.create({ name: 'Alice' })")
    stage(
        db,
        {
            "main.fsl": 'collection User {\n  name: String\n  email: String\n\n  migrations {\n    add .email\n    backfill .email = ""\n'
            "  }\n\n  index byName {\n    terms [.name]\n  }\n\n  index byEmail {\n    terms [.email]\n  }\n}"
        },
    )
    assert index_names(db) == ["byEmail", "byName"]
    abandon(db)
    assert index_names(db) == ["byName"]
    assert db.files() == {"main.fsl": user}
    assert db.q("User.all().map(.name).toArray()") == ["Alice"]


def test_abandon_should_revert_deleted_files(db):
    db.push({"foo.fsl": "function foo() { 0 }", "bar.fsl": "// I contain nothing!"})
    stage(db, {"foo.fsl": "function foo() { 0 }"})
    abandon(db)
    assert db.files() == {"foo.fsl": "function foo() { 0 }", "bar.fsl": "// I contain nothing!"}


def test_abandon_should_revert_created_files(db):
    db.push({"foo.fsl": "function foo() { 0 }"})
    stage(db, {"foo.fsl": "function foo() { 0 }", "bar.fsl": "function bar() { 0 }"})
    assert db.q("Function.all().map(.name).toArray()") == ["foo", "bar"]
    abandon(db)
    assert db.files() == {"foo.fsl": "function foo() { 0 }"}
    assert db.q("Function.all().map(.name).toArray()") == ["foo"]


def test_should_abandon_a_function_being_modified(db):
    db.push({"main.fsl": "function foo() { 1 }"})
    stage(db, {"main.fsl": "function foo() { 2 }"})
    db.q("if (foo() != 1) abort(foo())")
    abandon(db)
    db.q("if (foo() != 1) abort(foo())")
    assert db.q("Function.byName('foo')!.body") == "() => {\n  1\n}"


def test_should_keep_index_statuses_for_indexes_that_built_during_a_staged_schema(db):
    # Core builds an index over 130 documents in the background (`building`, then `complete`); fql
    # builds it at once (README, "Where fql departs from Fauna"), so it is `complete` from the start.
    db.push({"main.fsl": "collection User {\n  name: String\n  email: String\n}"})
    db.q('Set.sequence(0, 129).forEach(i => { User.create({ name: "User #{i}", email: "" }) })')
    indexed = "collection User {\n  name: String\n  email: String\n\n  index byName {\n    terms [.name]\n  }\n}"
    db.push({"main.fsl": indexed})
    stage(db, {"main.fsl": indexed})
    db.q("if (Collection.byName('User')?.indexes.byName?.status != 'complete') abort(0)")
    abandon(db)
    db.q("if (Collection.byName('User')?.indexes.byName?.status != 'complete') abort(0)")


def test_pushing_a_second_staged_schema_should_handle_renames_correctly(db):
    # Also "pushing a second staged schema should not rebuild everything": core reuses the first staged
    # push's index (its id); what shows is the second push's indexes, working once committed.
    db.push({"main.fsl": "collection User {\n  name: String\n  email: String\n}"})
    db.q("User.create({ name: 'Alice', email: 'alice@example.com' })")
    first = "collection User {\n  name_1: String\n  email: String\n\n  migrations {\n    move .name -> .name_1\n  }\n\n  index byName {\n    terms [.name_1]\n  }\n}"
    stage(db, {"main.fsl": first})
    assert index_names(db) == ["byName"]
    second = first.replace("name_1", "name_2")[:-2] + "\n\n  index byEmail {\n    terms [.email]\n  }\n}"
    stage(db, {"main.fsl": second})
    assert index_names(db) == ["byEmail", "byName"]
    assert db.q("User.all().map(u => { name: u.name, email: u.email }).toArray()") == [
        {"name": "Alice", "email": "alice@example.com"}
    ]
    commit(db)
    assert db.q("User.byName('Alice').map(u => { name_2: u.name_2, email: u.email }).toArray()") == [
        {"name_2": "Alice", "email": "alice@example.com"}
    ]
    assert db.q("User.byEmail('alice@example.com').count()") == 1


def test_can_create_a_new_collection_in_a_staged_push(db):
    db.push({"main.fsl": "collection User {\n  name: String\n}"})
    stage(db, {"main.fsl": "collection User {\n  name: String\n}\n\ncollection Post {\n  title: String\n}"})
    db.q("User.create({ name: 'A' })")
    # `Post` is staged, so it cannot be used, with or without the typechecker.
    query = "Post.create({ title: 'A' })"
    assert render_err(db, query) == unbound("Post", query)
    assert render_err(db, query, typecheck=False) == unbound("Post", query)
    # Its schema document can be read.
    assert db.q("Collection.byName('Post')!.fields") == {"title": {"signature": "String"}}
    commit(db)
    db.q("User.create({ name: 'A' })")
    db.q("Post.create({ title: 'A' })")


def test_can_create_a_new_collection_in_fql_during_a_staged_push(db):
    db.push({"main.fsl": "collection User {\n  name: String\n}"})
    stage(db, {"main.fsl": "collection User {\n  name: String\n}"})
    assert db.q("Collection.create({ name: 'Post' }).name") == "Post"
    db.q("User.create({ name: 'A' })")
    # The collection joined the staged schema.
    query = "Post.create({ title: 'A' })"
    assert render_err(db, query) == unbound("Post", query)
    assert db.q("Collection.all().map(.name).toArray()") == ["User", "Post"]
    assert db.files() == {"main.fsl": "collection User {\n  name: String\n}"}
    commit(db)
    db.q("User.create({ name: 'A' })")
    db.q("Post.create({ title: 'A' })")


def test_can_create_a_function_in_a_staged_push(db):
    db.push({"main.fsl": "collection User {\n  name: String\n}"})
    stage(db, {"main.fsl": "collection User {\n  name: String\n}\n\nfunction add(a: Number, b: Number): Number {\n  a + b\n}"})
    db.q("User.create({ name: 'A' })")
    assert render_err(db, "add(1, 2)") == unbound("add", "add(1, 2)")
    commit(db)
    db.q("User.create({ name: 'A' })")
    db.q("if (add(1, 2) != 3) abort(0)")


def test_can_rename_collections(db):
    db.push({"main.fsl": "collection Foo {}\ncollection Bar {}"})
    stage(db, {"main.fsl": "collection Foo {}\ncollection Bar {}"})
    db.q("Collection.byName('Bar')!.update({ name: 'Baz' })")
    # Live queries still use the old name.
    db.q("Foo.all()")
    db.q("Bar.all()")
    # The new name shows in `Collection.all()` and is the one `Collection.byName` knows.
    db.q("if (Collection.all().map(.name).toArray() != ['Foo', 'Baz']) abort(0)")
    db.q("Collection.byName('Foo')!")
    db.q("Collection.byName('Baz')!")
    db.q("if (Collection.byName('Bar').exists()) abort(0)")
    commit(db)
    db.q("Baz.all()")
    assert render_err(db, "Bar.all()") == unbound("Bar", "Bar.all()")


def test_dont_delete_backing_indexes_when_staging_updates(db):
    db.push({"main.fsl": "collection User {\n  name: String\n\n  index byName {\n    terms [.name]\n  }\n}"})
    db.q("User.create({ name: 'Alice' })")
    stage(db, {"main.fsl": "collection User {\n  name: String\n}"})
    db.q("if (User.byName('Alice').count() != 1) abort(0)")


def test_can_stage_creating_a_collection(db):
    stage(db, {"main.fsl": "collection User {\n  name: String\n\n  index byName {\n    terms [.name]\n  }\n}"})
    commit(db)
    db.q("User.create({ name: 'Alice' })")
    db.q("if (User.byName('Alice').count() != 1) abort(0)")


def test_can_abandon_an_empty_collection(db):
    db.push({"main.fsl": "collection User {\n  name: String\n}"})
    stage(db, {"main.fsl": "collection User {\n  name: String\n  email: String\n}"})
    abandon(db)
    db.q("if (User.definition.fields != { name: { signature: 'String' } }) abort(0)")


def test_can_abandon_a_staged_collection_create(db):
    db.push({"main.fsl": "collection User {\n  name: String\n}"})
    stage(db, {"main.fsl": "collection User {\n  name: String\n}\n\ncollection Foo {\n  bar: String\n}\n"})
    db.q("if (Collection.all().count() != 2) abort(0)")
    abandon(db)
    db.q("if (Collection.all().count() != 1) abort(0)")


@pytest.mark.parametrize("member", ["index byName {\n    terms [.name]\n  }", "unique [.name]"])
def test_dont_delete_backing_indexes_when_they_can_be_reused(db, member):
    # "... for an empty collection", "... for unique constraints ...", "... for a collection with a doc":
    # core keeps one backing index through both staged pushes; what shows is that it works once committed.
    db.push({"main.fsl": "collection User {\n  name: String\n}"})
    db.q("User.create({ id: 3, name: 'Alice' })")
    staged = "collection User {\n  name: String\n\n  " + member + "\n}"
    stage(db, {"main.fsl": staged})
    stage(db, {"main.fsl": staged})
    commit(db)
    if member.startswith("index"):
        db.q("if (User.byName('Alice').first()!.id != 3) abort(0)")
    else:
        assert db.q("Collection.byName('User')!.constraints") == [{"unique": [{"field": ".name", "mva": False}], "status": "active"}]


def test_pushing_the_same_schema_twice_should_cleanup_indexes(db):
    # Core builds new backing indexes for the staged schema, and drops them when it is abandoned; what
    # shows is the active collection as it was, its indexes working.
    account = (
        "collection Account {\n  index by_account_id {\n    terms [.account_id]\n    values [.account_id, .jurisdiction_id]\n  }\n"
        "  index by_jurisdiction_id {\n    terms [.jurisdiction_id]\n    values [.jurisdiction_id, .account_id]\n  }\n"
        "  unique [.account_id]\n  unique [.jurisdiction_id]\n}"
    )
    db.push({"main.fsl": account})
    before = db.q("Collection.byName('Account')!")
    db.q("Set.sequence(0, 257).forEach((_) => { Account.create({}) })")
    staged = account.replace(
        "collection Account {\n",
        "collection Account {\n  jurisdiction_id: String\n  account_id: String\n  branding_updated_timestamp: Time?\n\n"
        "  // catch all for any ad-hoc fields and existing field type conflicts.\n  type_conflicts: { *: Any }?\n\n"
        "  *: Any\n\n  migrations {\n    // start enforcing schema.\n"
        '    add .jurisdiction_id\n    backfill .jurisdiction_id = "ERROR"\n    add .account_id\n'
        '    backfill .account_id = "ERROR"\n    add .branding_updated_timestamp\n    add .type_conflicts\n'
        "    move_conflicts .type_conflicts\n  }\n\n",
    )
    stage(db, {"main.fsl": staged})
    stage(db, {"main.fsl": staged})
    assert db.q("Collection.byName('Account')!.migrations") is not None
    abandon(db)
    after = db.q("Collection.byName('Account')!")
    assert (after["indexes"], after["constraints"], after.get("migrations")) == (before["indexes"], before["constraints"], None)
    assert db.q("Account.by_account_id(null).count()") == 0
    assert db.q("Account.all().count()") == 257


def test_staged_access_providers_dont_blow_up(db):
    stage(
        db,
        {
            "main.fsl": 'access provider foo {\n  issuer "https://fauna.auth0.com"\n'
            '  jwks_uri "https://fauna.auth0.com/.well-known/jwks.json"\n  role my_role\n}\n\nrole my_role {}'
        },
    )
    # The provider is staged: its schema document shows (to v4 too: core's reads are of the latest
    # versions), while no active provider has the issuer (a JWT it signs is refused:
    # tests/test_jwt.py test_a_provider_is_found_by_its_active_issuer_while_a_schema_is_staged).
    assert db.q("AccessProvider.byName('foo')!.issuer") == "https://fauna.auth0.com"
    assert db.q("Role.all().map(.name).toArray()") == ["my_role"]
    assert db.q4('Select(["data", 0, "id"], Paginate(AccessProviders()))') == "foo"


def test_migration_task_should_not_be_kicked_off_from_staged_push(db):
    db.push({"main.fsl": "collection User {\n  name: String\n}"})
    db.q("User.create({ id: 0, name: 'Alice' })")
    stage(
        db,
        {"main.fsl": 'collection User {\n  name: String\n\n  migrations {\n    drop .name\n    add .name\n    backfill .name = "foo"\n  }\n}'},
    )
    assert db.q("User(0)!.name") == "Alice"
    commit(db)
    assert db.q("User(0)!.name") == "foo"


# -- fql's own checks of the staged view -----------------------------------------------------------------------


def test_a_schema_write_while_staged_joins_the_staged_schema(db):
    db.push({"main.fsl": "function foo() { 1 }"})
    stage(db, {"main.fsl": "function foo() { 2 }"})
    db.q("Function.byName('foo')!.update({ body: '() => 3' })")
    assert db.q("foo()") == 1
    assert db.q("Function.byName('foo')!.body") == "() => 3"
    commit(db)
    assert db.q("foo()") == 3


def test_a_staged_item_can_be_deleted_by_a_query(db):
    db.push({"main.fsl": "collection User {}"})
    stage(db, {"main.fsl": "collection User {}\ncollection Post {}"})
    db.q("Collection.byName('Post')!.delete()")
    assert db.q("Collection.all().map(.name).toArray()") == ["User"]
    commit(db)
    assert render_err(db, "Post.all()") == unbound("Post", "Post.all()")


def test_a_query_joining_the_staged_schema_writes_documents_against_the_active_schema(db):
    # As "shows active items for live queries" and "making a collection non-empty is not allowed with a
    # staged schema": a document is written against the active schema (which allows any field), in the
    # same query as a schema write that joins the staged schema (which would require `name`).
    db.push({"main.fsl": "collection User {}"})
    stage(db, {"main.fsl": "collection User {\n  name: String\n}"})
    made = db.q("let user = User.create({ id: 0, foo: 3 })\nlet tag = Collection.create({ name: 'Tag' })\n[user.ts == tag.ts, user.foo]")
    assert made == [True, 3]
    assert db.q("User(0)!.foo") == 3
    assert db.q("Collection.all().map(.name).toArray()") == ["User", "Tag"]
    assert db.q("Collection.byName('Tag')!.ts == User(0)!.ts") is True
    # The active schema is unchanged: `Tag` is staged.
    assert render_err(db, "Tag.all()", typecheck=False) == unbound("Tag", "Tag.all()")
    # The document written makes the staged schema invalid, as in the spec's case.
    with pytest.raises(SchemaError) as caught:
        commit(db)
    assert caught.value.message.startswith("error: Field `.name` is not present in the live schema\nat main.fsl:2:3")


def test_a_query_joining_the_staged_schema_checks_documents_against_the_active_schema(db):
    # The active schema's constraints hold for the query's documents, not the staged one's: the staged
    # schema drops `name`, the active one still requires it.
    db.push({"main.fsl": "collection User {\n  name: String\n}"})
    stage(db, {"main.fsl": "collection User {\n  name: String?\n}"})
    with pytest.raises(fql.FQLError) as caught:
        untyped(db, "Collection.create({ name: 'Tag' })\nUser.create({})")
    assert caught.value.v10_code == "constraint_failure"
    assert db.q("Collection.all().map(.name).toArray()") == ["User"]
    assert db.q("User.all().count()") == 0


def test_a_query_joining_the_staged_schema_is_all_or_nothing(db):
    db.push({"main.fsl": "collection User {}"})
    stage(db, {"main.fsl": "collection User {}\ncollection Post {}"})
    err = db.err("User.create({}); Collection.create({ name: 'Tag' }); abort(0)")
    assert err.v10_code == "abort"
    err = db.err("User.create({}); Collection.create({ name: 'Post' })")
    assert err.v10_code == "constraint_failure"
    assert db.q("User.all().count()") == 0
    assert db.q("Collection.all().map(.name).toArray()") == ["User", "Post"]


def test_a_query_joining_the_staged_schema_reads_its_own_schema_writes(db):
    # Its reads of schema documents are the staged ones, its own writes included; its companion objects
    # are the active ones (as "can create a new collection in FQL during a staged push": `Post` unbound).
    db.push({"main.fsl": "collection User {}"})
    stage(db, {"main.fsl": "collection User {}\ncollection Post {}"})
    text = "Collection.create({ name: 'Tag' })\nUser.create({ id: 1 })\n[Collection.all().map(.name).toArray(), Collection.byName('Tag')!.name, Collection.byName('Post').exists()]"
    assert db.q(text) == [["User", "Post", "Tag"], "Tag", True]
    assert db.q("User.all().count()") == 1
    text = "Collection.create({ name: 'Other' })\nlet post: Any = Post\npost"
    assert render_err(db, text, typecheck=False).startswith("error: Unbound variable `Post`")
    assert db.q("Collection.all().map(.name).toArray()") == ["User", "Post", "Tag"]
    commit(db)
    assert db.q("Post.all().count() + Tag.all().count() + User.all().count()") == 1


@pytest.mark.parametrize("staged_user", ["collection User {}", "collection User {\n  name: String?\n}"])
def test_a_query_joining_the_staged_schema_may_not_modify_a_collection_and_its_documents(db, staged_user):
    # Core's WriteBroker.checkCollectionDocWrite holds as ever: changing `User` (in the staged schema) and
    # writing its documents (against the active one) in one query is `invalid_write`, whether or not the
    # staged schema changes `User` itself.
    db.push({"main.fsl": "collection User {}"})
    stage(db, {"main.fsl": staged_user + "\ncollection Post {}"})
    err = db.err("Collection.byName('User')!.update({ data: { a: 1 } })\nUser.create({})")
    assert (err.v10_code, err.description) == ("invalid_write", "Cannot modify a document and its collection in the same query.")
    assert db.q("User.all().count()") == 0
    assert db.q("Collection.create({ name: 'Tag' }).update({ data: { a: 1 } })\nUser.create({}) != null") is True


def test_a_query_joining_the_staged_schema_runs_active_functions(db):
    # As "shows active items for live queries": the active version of a function runs, while the query
    # rewrites it in the staged schema.
    db.push({"main.fsl": "collection User {}\nfunction foo() { User.create({ v: 1 }) }"})
    stage(db, {"main.fsl": "collection User {}\nfunction foo() { User.create({ v: 2 }) }"})
    made = db.q("Function.byName('foo')!.update({ body: '() => User.create({ v: 3 })' })\n[foo().v, Function.byName('foo')!.body]")
    assert made == [1, "() => User.create({ v: 3 })"]
    commit(db)
    assert db.q("foo().v") == 3


def test_schema_documents_read_before_the_staging_are_the_active_ones(db):
    db.push({"main.fsl": "function foo() { 1 }"})
    ts = db.q("Function.byName('foo')!.ts")
    stage(db, {"main.fsl": "function foo() { 2 }"})
    assert db.q(f"at ({ts}) {{ Function.byName('foo')!.body }}") == "() => {\n  1\n}"
    assert db.q("at (Time.now()) { Function.byName('foo')!.body }") == "() => {\n  2\n}"
    assert db.q("Function.byName('foo')!.body") == "() => {\n  2\n}"


def test_staged_schema_documents_page_by_creation(db):
    # A page after the first reads at the first one's time, and finds the staged documents there too.
    db.push({"main.fsl": "collection User {}"})
    stage(db, {"main.fsl": "collection User {}\n" + "\n".join(f"collection C{i} {{}}" for i in range(5))})
    page = db.q("Collection.all().pageSize(2)")
    names = [doc["name"] for doc in page.data]
    after = page.after
    while after:
        page = db.q(f"Set.paginate({after!r})")
        names += [doc["name"] for doc in page["data"]]
        after = page.get("after")
    assert names == ["User", "C0", "C1", "C2", "C3", "C4"]


def test_a_schema_write_joining_a_staged_schema_no_longer_valid_fails(db):
    # As "making a collection non-empty is not allowed with a staged schema": the staged schema no longer
    # applies, so a schema write cannot join it (and its commit fails the same way).
    db.push({"main.fsl": "collection User {}"})
    stage(db, {"main.fsl": "collection User {\n  name: String\n}"})
    db.q("User.create({ id: 0, foo: 3 })")
    err = db.err("Collection.create({ name: 'Post' })")
    assert err.v10_code == "invalid_schema"
    assert err.description.startswith("error: Field `.name` is not present in the live schema\nat main.fsl:2:3")
    assert db.q("Collection.all().map(.name).toArray()") == ["User"]


def test_v4_reads_schema_documents_as_staged(db):
    # Core's v4 Get reads a schema document's latest version, the staged one (ReadAdaptor, as the schema
    # documents v10 reads: "can rename collections"), its name resolved by the active schema; and
    # Paginate(Collections()) lists the staged collections. fql's refs name items, so a ref from the list
    # reads too.
    db.push({"main.fsl": "collection User {}\ncollection Bar {}\nfunction foo() { 1 }"})
    stage(db, {"main.fsl": STAGED_INDEX + "\ncollection Post {}\nfunction foo() { 2 }"})
    listed = db.q4('Select(["data"], Map(Paginate(Collections()), Lambda("c", Select("name", Get(Var("c"))))))')
    assert listed == ["User", "Post"]
    assert db.q4('Select(["indexes", "byName", "terms"], Get(Collection("User")))') == [{"field": ".name", "mva": False}]
    assert db.q4('Select("body", Get(Function("foo")))') == "() => {\n  2\n}"
    assert db.q4('Call(Function("foo"))') == 1  # the active function runs
    assert db.q4('Exists(Collection("Bar"))') is False
    with pytest.raises(fql.FQLError) as caught:
        db.q4('Get(Collection("Bar"))')
    assert (caught.value.code, caught.value.description) == ("instance not found", "Collection not found.")
    abandon(db)
    assert db.q4('Select("body", Get(Function("foo")))') == "() => {\n  1\n}"
    assert db.q4('Exists(Collection("Bar"))') is True


def test_v4_reads_a_collection_the_staged_schema_renames_by_either_name(db):
    # As "can rename collections".
    db.push({"main.fsl": "collection Foo {}\ncollection Bar {}"})
    stage(db, {"main.fsl": "collection Foo {}\ncollection Bar {}"})
    db.q("Collection.byName('Bar')!.update({ name: 'Baz' })")
    assert db.q4('Select("name", Get(Collection("Bar")))') == "Baz"
    assert db.q4('Select("name", Get(Collection("Baz")))') == "Baz"
    assert db.q4('Select(["data"], Map(Paginate(Collections()), Lambda("c", Select("name", Get(Var("c"))))))') == ["Foo", "Baz"]


# -- fauna-shell's test/integ/schema.test.ts (at 9e4afd6; skipped upstream, run against fql un-skipped) ---------

START = "collection User {\n  name: String\n  email: String\n}"
STAGED_INDEX = "collection User {\n  name: String\n  email: String\n\n  index byName {\n    terms [.name]\n  }\n}"
BY_NAME = {"terms": [{"field": ".name", "mva": False}], "queryable": True, "status": "complete"}


def test_fauna_shell_staged_index_shows_on_the_definition_not_the_companion(db):
    # "fauna schema push --stage --force works", "fauna schema status works"
    db.push({"main.fsl": START})
    assert db.q("Collection.all().map(.name).toArray()") == ["User"]
    stage(db, {"main.fsl": STAGED_INDEX})
    assert db.q("Collection.byName('User')!.indexes.byName") == BY_NAME
    assert db.q("let user: Any = User\nuser.byName") is None
    abandon(db)
    assert db.q("Collection.byName('User')!.indexes.byName") is None
    assert db.q("let user: Any = User\nuser.byName") is None


def test_fauna_shell_staged_index_is_on_the_companion_once_committed(db):
    # "fauna schema commit works"
    db.push({"main.fsl": START})
    db.q("User.create({ id: 0, name: 'Alice', email: 'alice@example.com' })")
    stage(db, {"main.fsl": STAGED_INDEX})
    assert db.q("let user: Any = User\nuser.byName") is None
    commit(db)
    assert db.q("User.byName('Alice').toArray().map(.id)") == ["0"]


def test_disallow_staging_an_invalid_update(db):
    # A staged push is checked whole, against itself: `foo` against the staged `User`, not the active one.
    db.push({"main.fsl": "collection User {\n  name: String\n}\n\nfunction foo() {\n  User.create({ name: 'Bob' })\n}"})
    db.q("User.create({ name: 'Alice' })")
    stage(db, {"main.fsl": "collection User {\n  name: String\n}\n\nfunction foo() {\n  User.create({ name: 'Bob' })\n}"})
    with pytest.raises(SchemaError) as caught:
        stage(
            db,
            {
                "main.fsl": 'collection User {\n  name: String\n  email: String\n\n  migrations {\n    add .email\n'
                '    backfill .email = "foo@example.com"\n  }\n}\n\nfunction foo() {\n  User.create({ name: \'Bob\' })\n}'
            },
        )
    assert caught.value.message == """\
error: Type `{ name: "Bob" }` does not have field `email`
at main.fsl:12:15
   |
12 |   User.create({ name: 'Bob' })
   |               ^^^^^^^^^^^^^^^
   |"""


def schema_status(db: Scoped) -> str:
    """The staged schema's status, as `GET /schema/1/status` answers it (core's SchemaStatus)."""
    request = Request("GET", "/schema/1/status", {}, {"authorization": f"Bearer {db.secret}"}, b"")
    response = schema_api.handle(db.root, request)
    assert response.status == 200, response.body
    return json.loads(response.body)["status"]


USER_NAME = "collection User {\n  name: String\n}"
USER_NAME_INDEXED = "collection User {\n  name: String\n\n  index byName {\n    terms [.name]\n  }\n}"


@pytest.mark.parametrize("then", ["commit", "abandon"])
def test_can_derive_a_staged_schema_status(db, then):
    # "can derive a staged schema status after indexes finish building" and "... after abandoning a
    # change". Core's index over 130 documents is `pending` until its build task has run; fql builds it
    # in the push (README, "Where fql departs from Fauna"), so the staged schema is `ready` at once.
    db.push({"main.fsl": USER_NAME})
    db.q('Set.sequence(0, 129).forEach(i => { User.create({ name: "user-#{i}" }) })')
    assert schema_status(db) == "none"
    # Core's pin(): a staged schema with no changes.
    stage(db, {"main.fsl": USER_NAME})
    assert schema_status(db) == "ready"
    stage(db, {"main.fsl": USER_NAME_INDEXED})
    assert schema_status(db) == "ready"
    if then == "commit":
        commit(db)
        assert names_by(db, "byName", "user-7") == ["user-7"]
    else:
        abandon(db)
        assert index_names(db) == []
    assert schema_status(db) == "none"


def test_reuse_active_backing_indexes_for_a_staged_unique_constraint(db):
    # Core checks that one backing index (its id) serves both schemas; what shows is the active constraint
    # enforced while staged, and the staged one, over the moved field, once committed.
    db.push({"main.fsl": "collection User {\n  name: String\n\n  unique [.name]\n}"})
    db.q("User.create({ name: 'Alice' })")
    staged = "collection User {\n  name2: String\n\n  migrations {\n    move .name -> .name2\n  }\n\n  unique [.name2]\n}"
    stage(db, {"main.fsl": staged})
    stage(db, {"main.fsl": staged})
    assert render_err(db, "User.create({ name: 'Alice' })").startswith("error: Failed unique constraint.")
    commit(db)
    assert db.q("Collection.byName('User')!.constraints") == [{"unique": [{"field": ".name2", "mva": False}], "status": "active"}]
    assert render_err(db, "User.create({ name2: 'Alice' })").startswith("error: Failed unique constraint.")
    assert db.q("User.create({ name2: 'Bob' }).name2") == "Bob"


def test_making_a_collection_non_empty_is_not_allowed_with_a_staged_schema(db):
    db.push({"main.fsl": "collection User {}"})
    # Allowed, because the collection is empty.
    stage(db, {"main.fsl": "collection User {\n  name: String\n}"})
    # Makes the collection non-empty: the active schema checks the write, and takes it.
    db.q("User.create({ id: 0, foo: 3 })")
    # The staged schema is no longer valid. Core's case renders the first of its errors; the second is
    # the missing wildcard (SchemaEndpointStagedSpec "returns an error for an invalid staged schema").
    with pytest.raises(SchemaError) as caught:
        commit(db)
    first = caught.value.message.split("\nerror: ")[0]
    assert first == """\
error: Field `.name` is not present in the live schema
at main.fsl:2:3
  |
2 |   name: String
  |   ^^^^
  |
hint: Provide an `add` migration for this field
  |
2 |     migrations {
  |  ___+
3 | |     add .name
4 | |     backfill .name = <expr>
5 | |   }
  | |____^
  |
hint: Add a default value to this field
  |
2 |   name: String = <expr>
  |               +++++++++
  |
hint: Make the field nullable
  |
2 |   name: String?
  |               +
  |"""
    assert caught.value.message.count("\nerror: ") == 1
    # Nothing was committed: the active schema still takes any field.
    assert db.q("User.create({ id: 1, bar: 4 }).bar") == 4
