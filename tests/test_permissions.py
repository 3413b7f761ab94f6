"""Who may do what: databases and scoped secrets, built-in roles, role-less tokens and ABAC roles."""

from __future__ import annotations

import pytest

import fql
from fql.auth.credentials import TEST_PARAMS
from tests.helpers import query_error as error
from tests.test_auth import DENIED, login, ref, user


@pytest.fixture
def db() -> fql.Database:
    database = fql.connect(argon2=TEST_PARAMS)
    for name in ("users", "posts"):
        database.query(f'CreateCollection({{name: "{name}"}})')
    database.query(
        'CreateIndex({name: "users_by_email", source: Collection("users"), '
        'terms: [{field: ["data", "email"]}], permissions: {read: "public"}})'
    )
    database.query(
        'CreateIndex({name: "posts_by_owner", source: Collection("posts"), terms: [{field: ["data", "owner"]}]})'
    )
    return database


def denied(db: fql.Database, text: str, secret: str | None, position: list | None = None) -> None:
    """`text` is `permission denied` with Fauna's description (at `position`, when given)."""
    err = error(db, text, secret)
    assert (err.code, err.description) == ("permission denied", DENIED), (text, err)
    if position is not None:
        assert list(err.position) == position


def key(db: fql.Database, role: str, secret: str | None = None, database: str | None = None) -> str:
    extra = f", database: Database({database!r})".replace("'", '"') if database else ""
    return db.query(f'CreateKey({{role: "{role}"{extra}}})', secret=secret)["secret"]


# -- databases ---------------------------------------------------------------------------------------------


@pytest.fixture
def tree(db) -> dict:
    """top (root) > parent > child, and a sibling of parent; a collection with a document in each."""
    db.query('CreateDatabase({name: "parent"})')
    db.query('CreateDatabase({name: "sibling"})')
    parent = key(db, "admin", database="parent")
    db.query('CreateDatabase({name: "child"})', secret=parent)
    child = key(db, "admin", parent, database="child")
    sibling = key(db, "admin", database="sibling")
    out = {"parent": parent, "child": child, "sibling": sibling}
    for name, secret in (("top", None), ("parent", parent), ("child", child), ("sibling", sibling)):
        db.query(f'CreateCollection({{name: "{name}_things"}})', secret=secret)
        out[name + "_doc"] = db.query(f'Create(Collection("{name}_things"), {{data: {{x: 1}}}})', secret=secret)["ref"]
    return out


def test_a_child_database_cannot_see_its_parent(db, tree):
    child = tree["child"]
    assert db.query("Paginate(Collections())", secret=child).data == [fql.Ref("child_things", fql.Ref("collections"))]
    assert db.query("Paginate(Databases())", secret=child).data == []
    assert db.query("Paginate(Keys())", secret=child).data == []
    err = error(db, 'Paginate(Documents(Collection("parent_things")))', child)
    assert (err.code, err.description) == ("invalid ref", "Ref refers to undefined collection 'parent_things'")
    assert error(db, 'Get(Collection("parent_things"))', child).code == "invalid ref"
    assert error(db, 'Get(Database("child"))', child).code == "invalid ref"
    assert error(db, 'Create(Collection("parent_things"), {})', child).code == "invalid ref"


def test_siblings_cannot_see_each_other(db, tree):
    sibling = tree["sibling"]
    assert error(db, 'Get(Database("parent"))', sibling).code == "invalid ref"
    assert error(db, 'Paginate(Collections(Database("parent")))', sibling).code in ("invalid ref", "instance not found")
    assert error(db, "null", f"{sibling}:parent:admin").code == "unauthorized"
    assert error(db, "null", f"{sibling}:child:admin").code == "unauthorized"


def test_an_admin_reads_down_its_tree_through_database_refs(db, tree):
    parent = tree["parent"]
    assert db.query('Select("name", Get(Database("child")))', secret=parent) == "child"
    found = db.query('Paginate(Collections(Database("child")))', secret=parent).data
    assert fql.to_fql(found) == '[Collection("child_things", Database("child"))]'
    doc = tree["child_doc"]
    theirs = f'Ref(Collection("child_things", Database("child")), "{doc.id}")'
    assert db.query(f'Select(["data", "x"], Get({theirs}))', secret=parent) == 1
    assert db.query('Count(Documents(Collection("child_things", Database("child", Database("parent")))))') == 1
    # core: a write names refs of its own database only (WriteFunctionsSpec "rejects scoped refs"); a
    # scoped secret writes below
    for text, at in (
        (f'Update({theirs}, {{data: {{x: 2}}}})', "update"),
        ('Create(Collection("child_things", Database("child")), {})', "create"),
    ):
        err = error(db, text, parent)
        assert (err.code, err.description, list(err.position)) == ("invalid argument", "Cannot write a scoped ref.", [at])
    assert db.query(f'Select(["data", "x"], Get({theirs}))', secret=parent) == 1


def test_scoped_secrets_reach_down_the_tree(db, tree):
    parent, doc = tree["parent"], tree["child_doc"]
    mine = f'Ref(Collection("child_things"), "{doc.id}")'
    for secret in ("secret:parent/child:admin", f"{parent}:child:admin", f"{tree['child']}:admin"):
        assert db.query(f'Select(["data", "x"], Get({mine}))', secret=secret) == 1
    db.query(f'Update({mine}, {{data: {{x: 2}}}})', secret=f"{parent}:child:server")
    assert db.query(f'Select(["data", "x"], Get({mine}))', secret="secret:parent/child:server-readonly") == 2
    denied(db, f'Update({mine}, {{data: {{x: 3}}}})', "secret:parent/child:server-readonly")
    denied(db, "Paginate(Collections())", "secret:parent/child:client", ["paginate"])
    assert 'Collection("top_things")' in fql.to_fql(db.query("Paginate(Collections())", secret="secret:admin"))


def test_scoped_secrets_that_fail(db, tree):
    server = key(db, "server", tree["parent"])
    for bad in (
        "secret:nope:admin",  # no such database
        "secret:parent/nope:admin",
        f"{server}:child:admin",  # only admin keys may scope
        f"{server}:admin",
        "wrong:parent:admin",  # not a secret
        "secret:adminx",  # a role name followed by more text
        "secret:parent:@role/nope",  # no such role
        "secret:@doc/users/123",  # no such document
        "secret/x",
    ):
        assert error(db, "null", bad).code == "unauthorized", bad


def test_a_scope_core_cannot_parse_is_ignored(db, tree):
    # core's AuthParser falls back to the bare secret when the text after it matches no scope form
    for text in ("secret:parent", "secret:parent:bogus", "secret::admin"):
        found = db.query("Paginate(Collections())", secret=text).data
        assert [r.id for r in found] == ["users", "posts", "top_things"]
    parent = tree["parent"]
    assert db.query('Count(Collections())', secret=f"{parent}:whatever") == 1


def test_exists_of_a_set_is_its_first_document_existing_and_readable(db):
    # core's ReadAdaptor.exists of a set: the first element's source document, read with the caller's
    # read permission, not the index entry alone
    db.query('CreateIndex({name: "posts_by_t", source: Collection("posts"), terms: [{field: ["data", "t"]}]})')
    db.query(
        'CreateRole({name: "indexer", privileges: [{resource: Index("posts_by_t"), actions: {read: true}}]})'
    )
    db.query('Create(Collection("posts"), {data: {t: 1}})')
    found = 'Exists(Match(Index("posts_by_t"), 1))'
    assert db.query(found) is True
    assert db.query(found, secret="secret:@role/indexer") is False
    assert db.query('Exists(Match(Index("posts_by_t"), 2))') is False


def test_a_custom_role_and_a_document_scope(db):
    db.query(
        'CreateRole({name: "reader", privileges: [{resource: Collection("posts"), actions: {read: true}}]})'
    )
    post = db.query('Create(Collection("posts"), {data: {t: 1}})')["ref"]
    assert db.query(f'Select(["data", "t"], Get({ref(post)}))', secret="secret:@role/reader") == 1
    denied(db, f"Delete({ref(post)})", "secret:@role/reader")
    alice = user(db, "alice@x")
    server = key(db, "server")
    for prefix in ("secret:@doc", "secret:classes", f"{server}:@doc"):
        secret = f"{prefix}/users/{alice.id}"
        assert db.query("CurrentIdentity()", secret=secret) == alice
        # core: the root has no token; a key stored in this database is its own current token
        assert db.query("HasCurrentToken()", secret=secret) is secret.startswith(server)
        denied(db, f"Get({ref(post)})", secret)
    assert error(db, "null", f"{key(db, 'client')}:@doc/users/{alice.id}").code == "unauthorized"


def test_deleting_a_database_cascades_to_its_keys_and_children(db, tree):
    db.query('Delete(Database("parent"))')
    for secret in (tree["parent"], tree["child"], "secret:parent:admin", "secret:parent/child:admin"):
        assert error(db, "null", secret).code == "unauthorized"
    assert db.query("null", secret=tree["sibling"]) is None


# -- built-in roles ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["server", "server-readonly"])
def test_server_keys_cannot_read_keys_databases_or_roles(db, role):
    db.query('CreateDatabase({name: "d"})')
    db.query('CreateRole({name: "r", privileges: []})')
    made = db.query('CreateKey({role: "client"})')["ref"]
    secret = key(db, role)
    for kind in ("Keys", "Databases", "Roles"):
        denied(db, f"Paginate({kind}())", secret, ["paginate"])
    for doc in (ref(made), 'Database("d")', 'Role("r")'):
        denied(db, f"Get({doc})", secret)
    denied(db, 'CreateKey({role: "admin"})', secret, ["create_key"])
    denied(db, 'CreateDatabase({name: "e"})', secret, ["create_database"])
    denied(db, 'CreateRole({name: "s", privileges: []})', secret, ["create_role"])
    denied(db, 'Delete(Database("d"))', secret)
    assert db.query("Paginate(Collections())", secret=secret).data  # but schema is readable


def test_server_reads_and_writes_documents_and_schema(db):
    server = key(db, "server")
    post = db.query('Create(Collection("posts"), {data: {t: 1}})', secret=server)["ref"]
    db.query(f"Update({ref(post)}, {{data: {{t: 2}}}})", secret=server)
    db.query('CreateCollection({name: "more"})', secret=server)
    db.query('CreateIndex({name: "more_all", source: Collection("more")})', secret=server)
    alice = user(db, "alice@x")
    assert db.query(f'Select("instance", Login({ref(alice)}, {{password: "pw"}}))', secret=server) == alice
    assert db.query("Count(Documents(Credentials()))", secret=server) == 1
    db.query(f"Delete({ref(post)})", secret=server)


def test_server_readonly_only_reads(db):
    post = db.query('Create(Collection("posts"), {data: {t: 1}})')["ref"]
    secret = key(db, "server-readonly")
    assert db.query(f'Select(["data", "t"], Get({ref(post)}))', secret=secret) == 1
    assert db.query('Paginate(Documents(Collection("posts")))', secret=secret).data == [post]
    denied(db, 'Create(Collection("posts"), {})', secret, ["create"])
    denied(db, f"Update({ref(post)}, {{data: {{t: 2}}}})", secret)
    denied(db, f"Delete({ref(post)})", secret)
    denied(db, 'CreateCollection({name: "x"})', secret, ["create_collection"])


def test_client_keys_see_only_public_indexes(db):
    alice = user(db, "alice@x")
    post = db.query(f'Create(Collection("posts"), {{data: {{owner: {ref(alice)}}}}})')["ref"]
    client = key(db, "client")
    for text, position in [
        (f"Get({ref(post)})", []),
        (f"Get({ref(alice)})", []),
        ("Paginate(Collections())", ["paginate"]),
        ("Paginate(Databases())", ["paginate"]),
        (f'Paginate(Match(Index("posts_by_owner"), {ref(alice)}))', ["paginate"]),
        ('Create(Collection("posts"), {})', ["create"]),
        (f"Update({ref(post)}, {{data: {{x: 1}}}})", []),
        (f"Delete({ref(post)})", []),
        ('CreateCollection({name: "x"})', ["create_collection"]),
        (f"Create(Tokens(), {{instance: {ref(alice)}}})", ["create"]),
        ('Get(Index("users_by_email"))', []),
    ]:
        denied(db, text, client, position)
    # Core never refuses Documents(): without read access it shows nothing.
    assert db.query('Paginate(Documents(Collection("posts")))', secret=client).data == []
    assert db.query('Paginate(Match(Index("users_by_email"), "alice@x"))', secret=client).data == [alice]
    # a client logs users in: that is what client keys are for
    token = db.query('Login(Match(Index("users_by_email"), "alice@x"), {password: "pw"})', secret=client)
    assert token["instance"] == alice
    assert db.query(f'Identify({ref(alice)}, "pw")', secret=client) is True


# -- tokens without a role ---------------------------------------------------------------------------------


def test_a_role_less_token_reads_only_its_own_identity_and_tokens(db):
    alice, bob = user(db, "alice@x"), user(db, "bob@x")
    mine, also_mine = login(db, alice), login(db, alice)
    theirs = login(db, bob)
    secret = mine["secret"]
    assert db.query(f'Select(["data", "email"], Get({ref(alice)}))', secret=secret) == "alice@x"
    assert db.query(f'Select("instance", Get({ref(mine["ref"])}))', secret=secret) == alice
    assert db.query(f'Select("instance", Get({ref(also_mine["ref"])}))', secret=secret) == alice
    assert db.query('Select("instance", Get(Ref(Credentials(), "self")))', secret=secret) == alice
    denied(db, f"Get({ref(bob)})", secret)
    denied(db, f"Get({ref(theirs['ref'])})", secret)
    denied(db, f'Update({ref(alice)}, {{data: {{email: "x"}}}})', secret)
    denied(db, f"Delete({ref(alice)})", secret)
    denied(db, 'Create(Collection("posts"), {})', secret, ["create"])
    denied(db, f"Delete({ref(theirs['ref'])})", secret)
    denied(db, "Paginate(Tokens())", secret, ["paginate"])
    # core: an identity may delete its own tokens
    db.query(f"Delete({ref(also_mine['ref'])})", secret=secret)
    assert error(db, "null", also_mine["secret"]).code == "unauthorized"
    assert db.query("CurrentIdentity()", secret=theirs["secret"]) == bob


def test_a_token_whose_identity_has_a_role_reads_itself_only_if_a_role_lets_it(db):
    """Core's baseline gives an identity no read of its own document; fql's role-less exception ends as soon
    as a role takes the identity in (fauna-blueprints' email-verification: an unverified account, member of
    a role with no privileges, may not read itself; once verified, its `loggedin` role lets it)."""
    db.query('CreateRole({name: "unverified", membership: [{resource: Collection("users")}], privileges: []})')
    db.query(
        'CreateRole({name: "loggedin", membership: [{resource: Collection("users"), predicate: Query(Lambda("ref", '
        'And(HasCurrentIdentity(), Select(["data", "verified"], Get(CurrentIdentity()), false))))}], '
        'privileges: [{resource: Collection("users"), actions: {read: Query(Lambda("ref", '
        "Equals(CurrentIdentity(), Var(\"ref\"))))}}]})"
    )
    alice = user(db, "alice@x")
    mine = login(db, alice)
    secret = mine["secret"]
    denied(db, f"Get({ref(alice)})", secret, [])
    # the baseline is untouched: its token and credentials stay readable
    assert db.query(f'Select("instance", Get({ref(mine["ref"])}))', secret=secret) == alice
    assert db.query('Select("instance", Get(Ref(Credentials(), "self")))', secret=secret) == alice
    db.query(f"Update({ref(alice)}, {{data: {{verified: true}}}})")
    assert db.query(f'Select(["data", "email"], Get({ref(alice)}))', secret=secret) == "alice@x"


# -- ABAC roles ------------------------------------------------------------------------------------------


OWNERS = """CreateRole({
  name: "owners",
  membership: [{resource: Collection("users")}],
  privileges: [
    {resource: Collection("posts"), actions: {
      read: Query(Lambda("ref", Equals(CurrentIdentity(), Select(["data", "owner"], Get(Var("ref")))))),
      write: Query(Lambda(["old", "new"], And(
        Equals(CurrentIdentity(), Select(["data", "owner"], Var("old"))),
        Equals(CurrentIdentity(), Select(["data", "owner"], Var("new")))))),
      create: Query(Lambda("new", Equals(CurrentIdentity(), Select(["data", "owner"], Var("new"))))),
      delete: Query(Lambda("ref", Equals(CurrentIdentity(), Select(["data", "owner"], Get(Var("ref"))))))
    }},
    {resource: Index("posts_by_owner"), actions: {
      read: Query(Lambda("terms", Equals([CurrentIdentity()], Var("terms"))))
    }},
    {resource: Collection("users"), actions: {read: true}}
  ]
})"""


@pytest.fixture
def owners(db) -> dict:
    db.query(OWNERS)
    alice, bob = user(db, "alice@x"), user(db, "bob@x")
    posts = {
        who: db.query(f'Create(Collection("posts"), {{data: {{owner: {ref(r)}, t: 1}}}})')["ref"]
        for who, r in (("alice", alice), ("bob", bob))
    }
    return {"alice": alice, "bob": bob, "posts": posts, "secret": login(db, alice)["secret"]}


def test_abac_read_and_index_predicates(db, owners):
    secret, mine, theirs = owners["secret"], owners["posts"]["alice"], owners["posts"]["bob"]
    assert db.query(f'Select(["data", "t"], Get({ref(mine)}))', secret=secret) == 1
    denied(db, f"Get({ref(theirs)})", secret)
    assert db.query(f'Paginate(Match(Index("posts_by_owner"), {ref(owners["alice"])}))', secret=secret).data == [mine]
    denied(db, f'Paginate(Match(Index("posts_by_owner"), {ref(owners["bob"])}))', secret, ["paginate"])
    # users: read true covers documents and the whole collection
    assert db.query(f'Select(["data", "email"], Get({ref(owners["bob"])}))', secret=secret) == "bob@x"
    assert db.query('Count(Documents(Collection("users")))', secret=secret) == 2


def test_abac_create_write_and_delete_predicates(db, owners):
    secret, mine, theirs = owners["secret"], owners["posts"]["alice"], owners["posts"]["bob"]
    me, bob = ref(owners["alice"]), ref(owners["bob"])
    made = db.query(f'Create(Collection("posts"), {{data: {{owner: {me}, t: 9}}}})', secret=secret)["ref"]
    denied(db, f'Create(Collection("posts"), {{data: {{owner: {bob}}}}})', secret, ["create"])
    db.query(f"Update({ref(made)}, {{data: {{owner: {me}, t: 10}}}})", secret=secret)
    denied(db, f"Update({ref(mine)}, {{data: {{owner: {bob}}}}})", secret)  # giving a post away
    denied(db, f"Update({ref(theirs)}, {{data: {{owner: {me}}}}})", secret)  # taking one
    denied(db, f"Replace({ref(theirs)}, {{data: {{owner: {bob}}}}})", secret)
    denied(db, f"Delete({ref(theirs)})", secret)
    db.query(f"Delete({ref(made)})", secret=secret)
    assert db.query('Count(Documents(Collection("posts")))') == 2
    assert db.query(f'Select(["data", "owner"], Get({ref(theirs)}))') == owners["bob"]


@pytest.mark.parametrize(
    "who", ["admin", "server", "server-readonly", "client", "reader", "writer", "refusing", "predicate"]
)
def test_a_missing_document_is_not_found_before_permission_is_asked(db, owners, who):
    """Core's WriteAdaptor looks the document up before it checks the caller may write it: update and
    replace run prevVersions (InstanceNotFound at `pos at verb`) and only then checkWritePermission, and
    delete's lookup is the first of its parT (InstanceNotFound at the call). So any key or role, even one
    that may not write the collection, gets `instance not found`; an existing document still asks."""
    db.query('CreateRole({name: "reader", privileges: [{resource: Collection("posts"), actions: {read: true}}]})')
    writes = "{read: true, write: true, delete: true}"
    db.query(f'CreateRole({{name: "writer", privileges: [{{resource: Collection("posts"), actions: {writes}}}]}})')
    refuses = '{write: Query(Lambda(["o", "n", "r"], false)), delete: Query(Lambda("r", false))}'
    db.query(f'CreateRole({{name: "refusing", privileges: [{{resource: Collection("posts"), actions: {refuses}}}]}})')
    if who == "predicate":
        secret = owners["secret"]  # the owners role's write and delete predicates refuse bob's posts
    elif who in ("admin", "server", "server-readonly", "client"):
        secret = key(db, who)
    else:
        secret = db.query(f'CreateKey({{role: Role("{who}")}})')["secret"]
    missing = 'Ref(Collection("posts"), "404")'
    for text, position in (
        (f"Update({missing}, {{data: {{t: 1}}}})", ["update"]),
        (f"Replace({missing}, {{data: {{t: 1}}}})", ["replace"]),
        (f"Delete({missing})", []),
    ):
        err = error(db, text, secret)
        assert (err.code, err.description, list(err.position)) == ("instance not found", "Document not found.", position)
    if who in ("client", "server-readonly", "reader", "refusing", "predicate"):
        denied(db, f"Delete({ref(owners['posts']['bob'])})", secret)


def test_abac_write_predicate_sees_the_merged_document(db, owners):
    db.query(f"Update({ref(owners['posts']['alice'])}, {{data: {{t: 5}}}})", secret=owners["secret"])


def test_abac_membership_predicate(db):
    db.query(
        'CreateRole({name: "editors", membership: [{resource: Collection("users"), '
        'predicate: Query(Lambda("ref", Select(["data", "editor"], Get(Var("ref")), false)))}], '
        'privileges: [{resource: Collection("posts"), actions: {read: true, write: true, create: true}}]})'
    )
    editor = db.query('Create(Collection("users"), {credentials: {password: "pw"}, data: {editor: true}})')["ref"]
    plain = user(db, "plain@x")
    post = db.query('Create(Collection("posts"), {data: {t: 1}})')["ref"]
    db.query(f"Update({ref(post)}, {{data: {{t: 2}}}})", secret=login(db, editor)["secret"])
    plain_secret = login(db, plain)["secret"]
    denied(db, f"Update({ref(post)}, {{data: {{t: 3}}}})", plain_secret)
    # membership follows the document: making plain an editor grants at once
    db.query(f"Update({ref(plain)}, {{data: {{editor: true}}}})")
    db.query(f"Update({ref(post)}, {{data: {{t: 3}}}})", secret=plain_secret)
    # a role that names another collection does not apply
    db.query('CreateCollection({name: "robots"})')
    robot = db.query('Create(Collection("robots"), {credentials: {password: "pw"}, data: {editor: true}})')["ref"]
    denied(db, f"Get({ref(post)})", login(db, robot)["secret"])


def test_abac_call_predicate_gets_the_arguments(db):
    db.query('CreateFunction({name: "add", body: Query(Lambda(["x", "y"], Add(Var("x"), Var("y"))))})')
    db.query('CreateFunction({name: "one", body: Query(Lambda("x", Var("x")))})')
    db.query(
        'CreateRole({name: "callers", membership: [{resource: Collection("users")}], privileges: ['
        '{resource: Function("add"), actions: {call: Query(Lambda(["x", "y"], GT(Var("x"), 0)))}},'
        '{resource: Function("one"), actions: {call: Query(Lambda("arg", Equals(Var("arg"), 1)))}}]})'
    )
    secret = login(db, user(db, "a@x"))["secret"]
    assert db.query('Call(Function("add"), 1, 2)', secret=secret) == 3
    denied(db, 'Call(Function("add"), -1, 2)', secret)
    # One argument reaches a one-parameter predicate as it is, not in an array (core's CallFunction
    # passes Call's `arguments` literal), as fauna-labs/fauna-shopapp-flask's `Lambda(ref => Get(ref))` needs.
    assert db.query('Call(Function("one"), 1)', secret=secret) == 1
    denied(db, 'Call(Function("one"), 2)', secret)
    denied(db, 'Call(Function("one"), [1])', secret)


def test_abac_call_predicate_reads_a_document_argument(db):
    db.query('CreateCollection({name: "orders"})')
    db.query(
        'CreateFunction({name: "order_status", role: "server", body: Query(Lambda("ref", '
        'Select(["data", "status"], Get(Var("ref")))))})'
    )
    db.query(
        'CreateRole({name: "customers", membership: [{resource: Collection("users")}], privileges: ['
        '{resource: Function("order_status"), actions: {call: Query(Lambda("ref", '
        'Equals(CurrentIdentity(), Select(["data", "customer"], Get(Var("ref"))))))}}]})'
    )
    alice, bob = user(db, "alice@x"), user(db, "bob@x")
    order = db.query(f'Create(Collection("orders"), {{data: {{customer: {ref(alice)}, status: "paid"}}}})')["ref"]
    assert db.query(f"Call(Function(\"order_status\"), {ref(order)})", secret=login(db, alice)["secret"]) == "paid"
    denied(db, f"Call(Function(\"order_status\"), {ref(order)})", login(db, bob)["secret"])


def test_abac_key_with_a_user_role(db):
    db.query('CreateRole({name: "poster", privileges: [{resource: Collection("posts"), actions: {create: true}}]})')
    secret = db.query('CreateKey({role: Role("poster")})')["secret"]
    post = db.query('Create(Collection("posts"), {data: {t: 1}})', secret=secret)["ref"]
    denied(db, f"Get({ref(post)})", secret)
    denied(db, "Paginate(Keys())", secret, ["paginate"])
    assert error(db, "CurrentIdentity()", secret).code == "missing identity"


def test_abac_roles_do_not_cross_databases(db):
    db.query('CreateDatabase({name: "child"})')
    db.query(OWNERS.replace('Index("posts_by_owner")', 'Collection("users")'))
    alice = user(db, "alice@x")
    secret = login(db, alice)["secret"]
    db.query('CreateCollection({name: "posts"})', secret="secret:child:admin")
    # A stored ref must name something in its own database (core's RefValidator).
    db.query('CreateCollection({name: "users"})', secret="secret:child:admin")
    made = db.query(f'Create(Collection("posts"), {{data: {{owner: {ref(alice)}}}}})', secret="secret:child:admin")
    post = made["ref"]
    theirs = f'Ref(Collection("posts", Database("child")), "{post.id}")'
    denied(db, f"Get({theirs})", secret)


# -- denials change nothing ---------------------------------------------------------------------------------


def test_a_denial_undoes_the_whole_query(db, owners):
    secret, theirs = owners["secret"], owners["posts"]["bob"]
    me = ref(owners["alice"])
    before = db.query('Count(Documents(Collection("posts")))')
    denied(db, f'Do(Create(Collection("posts"), {{data: {{owner: {me}}}}}), Delete({ref(theirs)}))', secret)
    denied(db, f'Do(Login({me}, {{password: "pw"}}), Get({ref(theirs)}))', secret)
    assert db.query('Count(Documents(Collection("posts")))') == before
    assert db.query("Count(Documents(Tokens()))") == 1


def test_a_predicate_cannot_write(db):
    db.query(
        'CreateRole({name: "sneaky", membership: [{resource: Collection("users")}], privileges: ['
        '{resource: Collection("posts"), actions: {read: Query(Lambda("ref", '
        'Do(Create(Collection("posts"), {data: {sneaky: true}}), true)))}}]})'
    )
    post = db.query('Create(Collection("posts"), {})')["ref"]
    secret = login(db, user(db, "a@x"))["secret"]
    denied(db, f"Get({ref(post)})", secret)
    assert db.query('Count(Documents(Collection("posts")))') == 1


@pytest.mark.parametrize(
    "body, allowed",
    [
        ('Equals(Select("name", Get(Role("readers"))), "readers")', False),
        ('IsNonEmpty(Paginate(Events(Var("ref"))))', False),
        ('Equals(Call("role_name"), "readers")', False),
        ('Equals(Call("role_name_as_admin"), "readers")', True),
        ('Equals(Call("role_name_as_server"), "readers")', False),
        ('IsNonEmpty(Paginate(Match(Index("users_by_email"), "a@x")))', True),
    ],
)
def test_a_predicate_reads_as_core_s_internal_read_only_permissions(db, body, allowed):
    # Core's InternalReadOnlyPermissions (Permissions.scala): a predicate reads documents and indexes and
    # calls functions, but refuses HistoryRead and the RootClassIDs (here a role); a function with the
    # admin role reads as admin (one with the server role may not read roles), one without a role as the
    # predicate.
    roles = (("role_name", ""), ("role_name_as_admin", ', role: "admin"'), ("role_name_as_server", ', role: "server"'))
    for name, role in roles:
        db.query(
            f'CreateFunction({{name: "{name}"{role}, body: Query(Lambda([], Select("name", Get(Role("readers")))))}})'
        )
    db.query(
        'CreateRole({name: "readers", membership: [{resource: Collection("users")}], privileges: ['
        f'{{resource: Collection("posts"), actions: {{read: Query(Lambda("ref", {body}))}}}}]}})'
    )
    post = db.query('Create(Collection("posts"), {})')["ref"]
    secret = login(db, user(db, "a@x"))["secret"]
    if allowed:
        assert db.query(f"Get({ref(post)})", secret=secret)["ref"] == post
    else:
        denied(db, f"Get({ref(post)})", secret)


def test_a_udf_role_overrides_the_caller(db):
    db.query(
        'CreateFunction({name: "count_posts", role: "server", '
        'body: Query(Lambda([], Count(Documents(Collection("posts")))))})'
    )
    db.query(
        'CreateRole({name: "callers", membership: [{resource: Collection("users")}], '
        'privileges: [{resource: Function("count_posts"), actions: {call: true}}]})'
    )
    db.query('Create(Collection("posts"), {})')
    secret = login(db, user(db, "a@x"))["secret"]
    assert db.query('Call(Function("count_posts"))', secret=secret) == 1
    # Core never refuses Documents(): the caller sees the documents it may read, here none.
    assert db.query('Count(Documents(Collection("posts")))', secret=secret) == 0


def test_documents_shows_a_client_only_what_it_may_read(db):
    assert db.query('Count(Documents(Collection("posts")))', secret=key(db, "client")) == 0


def test_abac_create_with_id_predicate(db):
    db.query(
        'CreateRole({name: "ids", membership: [{resource: Collection("users")}], privileges: [{resource: '
        'Collection("posts"), actions: {create_with_id: Query(Lambda(["data", "ref"], '
        'And(Equals(Select("id", Var("ref")), "7"), Equals(Select(["data", "ok"], Var("data")), true))))}}]})'
    )
    secret = login(db, user(db, "a@x"))["secret"]
    db.query('Create(Ref(Collection("posts"), "7"), {data: {ok: true}})', secret=secret)
    denied(db, 'Create(Ref(Collection("posts"), "8"), {data: {ok: true}})', secret, ["create"])
    denied(db, 'Create(Ref(Collection("posts"), "7"), {data: {ok: false}})', secret, ["create"])
    denied(db, 'Create(Collection("posts"), {data: {ok: true}})', secret, ["create"])
