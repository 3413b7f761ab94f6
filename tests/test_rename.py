"""Renaming schema documents (v4 Update/Replace with a new `name`, v10 `definition.update({ name })`):
what refers to the renamed document follows it, as refs by id do in core. Run on every backend: a rename
moves documents and rewrites history in storage."""

from __future__ import annotations

import pytest

import fql
from fql.auth.credentials import TEST_PARAMS
from tests.helpers import query_error as error, query_v10 as v10
from tests.storage.backends import BACKENDS, connected


@pytest.fixture(params=BACKENDS)
def db(request, tmp_path):
    with connected(request.param, tmp_path, argon2=TEST_PARAMS) as database:
        yield database


@pytest.fixture
def spells(db) -> dict:
    """A collection `spells` whose documents other documents, an index, a role, a token and a past
    version refer to; renamed to `magic`."""
    db.query('CreateCollection({name: "spells"})')
    db.query('CreateCollection({name: "users"})')
    db.query('Create(Ref(Collection("spells"), "1"), {data: {name: "fire", next: Ref(Collection("spells"), "2")}})')
    first = db.query('Select("ts", Update(Ref(Collection("spells"), "1"), {data: {cost: 3}}))')
    db.query('Create(Ref(Collection("spells"), "2"), {data: {name: "ice"}, credentials: {password: "pw"}})')
    db.query('Create(Ref(Collection("users"), "7"), {data: {fav: Ref(Collection("spells"), "1")}})')
    db.query('CreateIndex({name: "spells_by_name", source: Collection("spells"), terms: [{field: ["data", "name"]}]})')
    db.query('CreateIndex({name: "users_by_fav", source: Collection("users"), terms: [{field: ["data", "fav"]}]})')
    db.query(
        'CreateRole({name: "reader", privileges: [{resource: Collection("spells"), actions: {read: true}}],'
        ' membership: [{resource: Collection("spells")}]})'
    )
    token = db.query('Login(Ref(Collection("spells"), "2"), {password: "pw"})')["secret"]
    renamed = db.query('Update(Collection("spells"), {name: "magic"})')
    return {"renamed": renamed, "token": token, "first": first}


def test_a_renamed_collection_answers_with_its_new_ref(db, spells):
    assert spells["renamed"]["ref"] == fql.Ref("magic", fql.Ref("collections"))
    assert spells["renamed"]["name"] == "magic"
    assert db.query('Select(["data", "name"], Get(Ref(Collection("magic"), "1")))') == "fire"
    assert db.query('Exists(Collection("spells"))') is False
    assert error(db, 'Get(Ref(Collection("spells"), "1"))').code == "invalid ref"
    names = db.query('Paginate(Collections())').data
    assert [r.id for r in names] == ["magic", "users"]


def test_refs_in_documents_and_schema_follow_the_rename(db, spells):
    magic_1 = 'Ref(Collection("magic"), "1")'
    assert db.query(f'Select(["data", "next"], Get({magic_1}))') == db.query('Ref(Collection("magic"), "2")')
    assert db.query('Select(["data", "fav"], Get(Ref(Collection("users"), "7")))') == db.query(magic_1)
    assert db.query('Select("source", Get(Index("spells_by_name")))') == db.query('Collection("magic")')
    role = db.query('Get(Role("reader"))')
    assert role["privileges"][0]["resource"] == db.query('Collection("magic")')
    assert role["membership"][0]["resource"] == db.query('Collection("magic")')


def test_past_versions_and_events_follow_the_rename(db, spells):
    past = db.query(f'Get(Ref(Collection("magic"), "1"), {spells["first"]})')
    assert past["data"] == {"name": "fire", "next": db.query('Ref(Collection("magic"), "2")'), "cost": 3}
    events = db.query('Paginate(Events(Ref(Collection("magic"), "1")))').data
    assert [e["action"] for e in events] == ["create", "update"]
    assert {e["document"] for e in events} == {db.query('Ref(Collection("magic"), "1")')}


def test_indexes_answer_with_the_new_refs(db, spells):
    assert db.query('Paginate(Match(Index("spells_by_name"), "fire"))').data == [
        db.query('Ref(Collection("magic"), "1")')
    ]
    by_fav = db.query('Paginate(Match(Index("users_by_fav"), Ref(Collection("magic"), "1")))').data
    assert by_fav == [db.query('Ref(Collection("users"), "7")')]
    docs = db.query('Paginate(Documents(Collection("magic")))').data
    assert [r.id for r in docs] == ["1", "2"]


def test_tokens_credentials_and_roles_follow_the_rename(db, spells):
    # A token issued before the rename still works, and names its document by the new ref.
    assert db.query("CurrentIdentity()", secret=spells["token"]) == db.query('Ref(Collection("magic"), "2")')
    # Its role (membership of the renamed collection) still grants reads of it.
    assert db.query('Select(["data", "name"], Get(Ref(Collection("magic"), "1")))', secret=spells["token"]) == "fire"
    login = db.query('Login(Ref(Collection("magic"), "2"), {password: "pw"})')
    assert login["instance"] == db.query('Ref(Collection("magic"), "2")')
    tokens = db.query('Paginate(Match(Index("spells_by_name"), "ice"))').data
    assert tokens == [db.query('Ref(Collection("magic"), "2")')]


def test_the_old_name_can_be_taken_again(db, spells):
    db.query('CreateCollection({name: "spells"})')
    assert db.query('Paginate(Documents(Collection("spells")))').data == []
    assert len(db.query('Paginate(Documents(Collection("magic")))').data) == 2


def test_a_taken_name_is_not_unique_and_changes_nothing(db, spells):
    err = error(db, 'Do(Create(Ref(Collection("magic"), "9"), {}), Update(Collection("magic"), {name: "users"}))')
    assert (err.code, err.description) == ("instance not unique", "document is not unique.")
    assert db.query('Exists(Ref(Collection("magic"), "9"))') is False
    assert db.query('Select("name", Get(Collection("magic")))') == "magic"


def test_bad_new_names_fail_validation(db, spells):
    err = error(db, 'Update(Collection("magic"), {name: "_"})')
    assert (err.code, err.failures[0]["description"]) == ("validation failed", "Invalid name _. Reserved names: _.")
    err = error(db, 'Update(Collection("magic"), {name: 5})')
    assert err.code == "validation failed"


def test_replace_with_a_new_name_renames(db, spells):
    replaced = db.query('Replace(Collection("magic"), {name: "arcana", history_days: 3})')
    assert replaced["ref"] == db.query('Collection("arcana")') and replaced["history_days"] == 3
    assert db.query('Select(["data", "name"], Get(Ref(Collection("arcana"), "1")))') == "fire"


def test_an_index_rename(db, spells):
    db.query('CreateRole({name: "ix", privileges: [{resource: Index("spells_by_name"), actions: {read: true}}]})')
    renamed = db.query('Update(Index("spells_by_name"), {name: "magic_by_name"})')
    assert renamed["ref"] == db.query('Index("magic_by_name")')
    assert db.query('Paginate(Match(Index("magic_by_name"), "fire"))').data == [db.query('Ref(Collection("magic"), "1")')]
    assert error(db, 'Paginate(Match(Index("spells_by_name"), "fire"))').code == "invalid ref"
    assert db.query('Select(["privileges", 0, "resource"], Get(Role("ix")))') == db.query('Index("magic_by_name")')


def test_an_index_keeps_its_shape(db, spells):
    err = error(db, 'Update(Index("spells_by_name"), {values: [{field: "ref"}], name: "by_name"})')
    assert (err.code, err.failures) == ("validation failed", [{
        "field": [], "code": "invalid index", "description": "Index sources, terms, and values may not be updated (values)"
    }])  # fmt: skip
    # Nothing changed, the name included.
    assert db.query('Exists(Index("spells_by_name"))') is True
    db.query('CreateIndex({name: "all_magic", source: Collection("magic")})')
    # A partitioned index cannot become unique: a unique index is read as one partition (core's
    # documents/IndexSpec "can not toggle unique for partitioned indexes").
    err = error(db, 'Update(Index("all_magic"), {unique: true})')
    assert err.failures[0]["description"] == "Index partition count may not be updated (8 -> 1)."
    assert db.query('Select("partitions", Get(Index("all_magic")))') == 8
    err = error(db, 'Update(Index("all_magic"), {partitions: 1})')
    assert err.failures[0]["description"] == "Index partition count may not be updated (8 -> 1)."


def test_a_function_and_a_role_rename(db):
    db.query('CreateFunction({name: "double", body: Query(Lambda("x", Multiply(2, Var("x"))))})')
    db.query('CreateRole({name: "caller", privileges: [{resource: Function("double"), actions: {call: true}}]})')
    key = db.query('CreateKey({role: Role("caller")})')["secret"]
    db.query('Update(Function("double"), {name: "twice"})')
    assert db.query('Call(Function("twice"), 4)', secret=key) == 8
    assert db.query('Select(["privileges", 0, "resource"], Get(Role("caller")))') == db.query('Function("twice")')
    db.query('Update(Role("caller"), {name: "callers"})')
    assert db.query('Call(Function("twice"), 5)', secret=key) == 10
    keys = db.query('Map(Paginate(Keys()), Lambda("k", Select("role", Get(Var("k")))))').data
    assert keys == [db.query('Role("callers")')]


def test_a_database_rename(db):
    db.query('CreateDatabase({name: "app"})')
    admin = db.query('CreateKey({role: "admin", database: Database("app")})')["secret"]
    db.query('CreateCollection({name: "things"})', secret=admin)
    db.query('Create(Ref(Collection("things"), "1"), {data: {n: 1}})', secret=admin)
    db.query('CreateCollection({name: "notes"})')
    # A stored ref names something of its own database (core's RefValidator): here the database itself.
    db.query('Create(Ref(Collection("notes"), "1"), {data: {see: Database("app")}})')
    renamed = db.query('Update(Database("app"), {name: "service"})')
    assert renamed["ref"] == db.query('Database("service")') and renamed["name"] == "service"
    assert db.query('Select(["data", "n"], Get(Ref(Collection("things"), "1")))', secret=admin) == 1
    assert db.query('Select(["data", "n"], Get(Ref(Collection("things"), "1")))', secret="secret:service:admin") == 1
    see = db.query('Select(["data", "see"], Get(Ref(Collection("notes"), "1")))')
    assert see == db.query('Database("service")')
    keys = db.query('Map(Paginate(Keys()), Lambda("k", Select("database", Get(Var("k")))))').data
    assert keys == [db.query('Database("service")')]
    assert db.query('Exists(Database("app"))') is False
    db.query('CreateDatabase({name: "other"})')
    assert error(db, 'Update(Database("service"), {name: "other"})').code == "instance not unique"


def test_a_key_stays_bound_to_its_database_not_its_name(db):
    # Core's key holds its database's id. Here a key for `b` outlives `b` (v4 Delete keeps keys), and `a`
    # renamed to `b` is another database: the old key must not reach it, nor a new key for `a` lose it.
    db.query('CreateDatabase({name: "a"})')
    db.query('CreateDatabase({name: "b"})')
    stale = db.query('CreateKey({role: "admin", database: Database("b")})')["secret"]
    admin = db.query('CreateKey({role: "admin", database: Database("a")})')["secret"]
    db.query('CreateCollection({name: "in_a"})', secret=admin)
    db.query('Delete(Database("b"))')
    db.query('Update(Database("a"), {name: "b"})')
    assert error(db, 'Paginate(Collections())', secret=stale).code == "unauthorized"
    assert db.query('Paginate(Collections())', secret=admin).data == [db.query('Collection("in_a")')]
    # A database made under the old name is not it either.
    db.query('CreateDatabase({name: "a"})')
    assert db.query('Paginate(Collections())', secret=admin).data == [db.query('Collection("in_a")')]


def test_v10_database_rename_keeps_its_keys(db):
    v10(db, 'Database.create({ name: "p" })')
    parent = v10(db, 'Key.create({ role: "admin", database: "p" })')["secret"]
    v10(db, 'Database.create({ name: "g" })', secret=parent)
    child = v10(db, 'Key.create({ role: "admin", database: "g" })', secret=parent)["secret"]
    v10(db, 'Collection.create({ name: "G" })', secret=child)
    v10(db, 'Database.byName("g")!.update({ name: "h" })', secret=parent)
    v10(db, 'Database.byName("p")!.update({ name: "q" })')
    v10(db, 'Database.create({ name: "g" })', secret=parent)
    assert v10(db, 'Collection.all().toArray().map(.name)', secret=child) == ["G"]
    assert v10(db, 'Key.all().toArray().map(.database)', secret=parent) == ["h"]
    assert v10(db, 'Key.all().toArray().map(.database)') == ["q"]


def test_v10_collection_rename(db):
    v10(db, 'Collection.create({ name: "Books", indexes: { byTitle: { terms: [{ field: ".title" }] } },'
        ' constraints: [{ unique: ["title"] }] })')
    v10(db, 'Books.create({ id: "1", title: "Dune" })')
    v10(db, 'Role.create({ name: "readers", privileges: [{ resource: "Books", actions: { read: true } }] })')
    renamed = v10(db, 'Collection.byName("Books")!.update({ name: "Novels" })')
    assert renamed["name"] == "Novels"
    assert v10(db, 'Novels.byId("1")!.title') == "Dune"
    assert v10(db, 'Novels.byTitle("Dune").first()!.id') == "1"
    assert v10(db, 'Collection.byName("Books") == null') is True
    assert v10(db, 'Role.byName("readers")!.privileges[0].resource') == "Novels"
    err = error(db, 'Novels.create({ title: "Dune" })', syntax="v10")
    assert err.v10_code == "constraint_failure"


def test_v10_rename_checks_the_global_namespace(db):
    v10(db, 'Collection.create({ name: "Books" })')
    v10(db, 'Function.create({ name: "shelve", body: "x => x" })')
    err = error(db, 'Collection.byName("Books")!.update({ name: "shelve" })', syntax="v10")
    assert err.v10_code == "constraint_failure"
    assert "A Function already exists with the name `shelve`" in str(err.to_dict())
    err = error(db, 'Collection.byName("Books")!.update({ name: "Math" })', syntax="v10")
    assert err.v10_code == "constraint_failure"
    assert v10(db, 'Collection.byName("Books")!.name') == "Books"


def test_v10_function_and_role_renames_follow_string_names(db):
    v10(db, 'Function.create({ name: "shelve", body: "x => x + 1" })')
    v10(db, 'Role.create({ name: "clerk", privileges: [{ resource: "shelve", actions: { call: true } }] })')
    key = v10(db, 'Key.create({ role: "clerk" })')["secret"]
    v10(db, 'Function.byName("shelve")!.update({ name: "store" })')
    assert v10(db, 'Role.byName("clerk")!.privileges[0].resource') == "store"
    assert v10(db, "store(1)", secret=key) == 2
    v10(db, 'Role.byName("clerk")!.update({ name: "clerks" })')
    assert v10(db, "store(2)", secret=key) == 3
    assert v10(db, 'Key.all().first()!.role') == "clerks"


def test_a_string_name_follows_in_a_new_version(db):
    # core's FKUpdateHook updates each document that names the renamed one by a string (internalUpdate):
    # the referrer's `ts` is the rename's and its history keeps the old name (refs, ids in core, follow
    # in every version instead).
    v10(db, 'Collection.create({ name: "Shelf" })')
    made = v10(db, 'Role.create({ name: "clerk", membership: { resource: "Shelf" } }).ts')
    key_made = v10(db, 'Key.create({ role: "clerk" }).ts')
    renamed = v10(db, 'Shelf.definition.update({ name: "Rack" }).ts')
    assert v10(db, 'Role.byName("clerk")! { ts, membership }') == {"ts": renamed, "membership": {"resource": "Rack"}}
    assert v10(db, f'at (Time("{made.isoformat()}")) {{ Role.byName("clerk")!.membership.resource }}') == "Shelf"
    assert v10(db, 'Key.all().first()!.ts') == key_made
    renamed = v10(db, 'Role.byName("clerk")!.update({ name: "clerks" }).ts')
    assert v10(db, 'Key.all().first()! { ts, role }') == {"ts": renamed, "role": "clerks"}


def test_a_v4_rename_leaves_string_names_as_they_were(db):
    # Core's v4 writes go through Store.insert (WriteAdaptor's WriteConfig.write), which runs none of the
    # collection's write hooks, so FKUpdateHook does not rename what v10 schema names by a string: a v10
    # role keeps naming the old collection and function, a v10 function and key the old role. Refs (ids
    # in core) still follow: the v4 role's do.
    v10(db, 'Collection.create({ name: "Shelf" })\nFunction.create({ name: "shelve", body: "x => x" })')
    v10(db, 'Role.create({ name: "clerk", membership: { resource: "Shelf" }, privileges: { resource: "shelve", actions: { call: true } } })')
    db.query('CreateRole({name: "keeper", privileges: {resource: Collection("Shelf"), actions: {read: true}}})')
    v10(db, 'Function.create({ name: "stock", body: "x => x", role: "keeper" })\nKey.create({ role: "keeper" })')
    db.query('Update(Collection("Shelf"), {name: "Rack"})')
    db.query('Update(Function("shelve"), {name: "store"})')
    db.query('Update(Role("keeper"), {name: "keepers"})')
    assert v10(db, 'Role.byName("clerk")! { membership, privileges }') == {
        "membership": {"resource": "Shelf"},
        "privileges": {"resource": "shelve", "actions": {"call": True}},
    }
    assert v10(db, '[Function.byName("stock")!.role, Key.all().first()!.role]') == ["keeper", "keeper"]
    assert db.query('Select(["privileges", "resource"], Get(Role("keepers")))') == db.query('Collection("Rack")')


def test_v10_rename_keeps_other_signatures_valid(db):
    v10(db, 'Collection.create({ name: "Authors" })')
    v10(db, 'Collection.create({ name: "Books", fields: { author: { signature: "Ref<Authors>?" } } })')
    v10(db, 'Authors.create({ id: "1", name: "Ann" })')
    # Books names the type `Authors`: core's schema check refuses a rename that leaves it unknown.
    err = error(db, 'Collection.byName("Authors")!.update({ name: "Writers" })', syntax="v10")
    assert err.v10_code == "invalid_schema" and "Unknown type `Authors`" in err.description
    assert v10(db, 'Authors.byId("1")!.name') == "Ann"
    # Kept as an alias, the old name still names the collection, in signatures and in queries.
    renamed = v10(db, 'Collection.byName("Authors")!.update({ name: "Writers", alias: "Authors" })')
    assert (renamed["name"], renamed["alias"]) == ("Writers", "Authors")
    assert v10(db, 'Books.create({ author: Writers.byId("1") }).author!.name') == "Ann"
    assert v10(db, 'Authors.byId("1")!.name') == "Ann"
    assert v10(db, 'Authors.all().count()') == 1


def test_v10_function_alias_names_it(db):
    v10(db, 'Function.create({ name: "inc", body: "x => x + 1" })')
    v10(db, 'Function.byName("inc")!.update({ name: "increment", alias: "inc" })')
    assert v10(db, "inc(1) + increment(1)") == 4
    err = error(db, 'Function.byName("increment")!.update({ alias: "Math" })', syntax="v10")
    assert err.v10_code == "constraint_failure"
    assert err.description == "Failed to update Function `increment`."
