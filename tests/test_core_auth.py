"""Core's v4 auth specs run with the secrets they name (ABACSpec, AuthFunctionsSpec, AuthSpec, TokenSpec,
WritePermissionsSpec): keys, tokens and scoped secrets of a child database, as core's `aDatabase` makes.
Cases that need no secret are in `fixtures/v4/core_auth.fql`."""

from __future__ import annotations

import base64

import pytest

import fql
from fql.auth.credentials import TEST_PARAMS
from fql.server.headers import secret as header_secret
from tests.helpers import query_error as error
from tests.test_auth import DENIED, ref


class Child:
    """A child database `app` with admin, server and client keys (core's db.adminKey, db.key, db.clientKey)."""

    def __init__(self, db: fql.Database):
        self.db = db
        db.query('CreateDatabase({name: "app"})')
        key = lambda role: db.query(f'CreateKey({{role: "{role}", database: Database("app")}})')["secret"]  # noqa: E731
        self.admin, self.server, self.client = key("admin"), key("server"), key("client")

    def query(self, text: str, secret: str | None = None):
        return self.db.query(text, secret=secret or self.server)

    def denied(self, text: str, secret: str, position: list | None = None) -> None:
        err = error(self.db, text, secret)
        assert (err.code, err.description) == ("permission denied", DENIED), (text, err)
        if position is not None:
            assert list(err.position) == position, text

    def user(self, coll: str = "users", password: str = "pw") -> tuple[fql.Ref, dict]:
        """A document of `coll` with a password, and a token from logging in with a client key (core's aUser)."""
        doc = self.query(f'Create(Collection("{coll}"), {{credentials: {{password: "{password}"}}}})')["ref"]
        return doc, self.query(f'Login({ref(doc)}, {{password: "{password}"}})', self.client)

    def role(self, privileges: str, membership: str = "[]") -> str:
        """A role with these privileges and membership; returns its name."""
        name = f"r{self.query('Count(Roles())', self.admin)}"
        self.query(f'CreateRole({{name: "{name}", membership: {membership}, privileges: {privileges}}})', self.admin)
        return name

    def key(self, privileges: str) -> str:
        """The secret of a key with a new role of these privileges (core's aKey(role))."""
        return self.query(f'CreateKey({{role: Role("{self.role(privileges)}")}})', self.admin)["secret"]


@pytest.fixture
def app() -> Child:
    child = Child(fql.connect(argon2=TEST_PARAMS))
    for name in ("users", "things"):
        child.query(f'CreateCollection({{name: "{name}"}})')
    return child


# -- AuthFunctionsSpec ------------------------------------------------------------------------------------


def test_logout_destroys_tokens_named_by_a_legacy_self_ref(app):
    doc, _ = app.user()
    one, two, three = (app.query(f'Login({ref(doc)}, {{password: "pw"}})')["secret"] for _ in range(3))
    assert app.query("Logout(false)", one) is True
    assert error(app.db, 'Get(Ref("tokens/self"))', one).code == "unauthorized"
    for secret in (two, three):
        assert app.query('Select("instance", Get(Ref("tokens/self")))', secret) == doc
    assert app.query("Logout(true)", two) is True
    for secret in (two, three):
        assert error(app.db, 'Get(Ref("tokens/self"))', secret).code == "unauthorized"


# -- AuthSpec (Auth20Spec) --------------------------------------------------------------------------------


def test_exists_is_false_for_a_document_the_caller_may_not_read(app):
    doc, other = (app.query('Create(Collection("things"), {})')["ref"] for _ in range(2))
    scoped = [f"{app.server}:{scope}/things/{doc.id}" for scope in ("classes", "collections", "@doc")]
    assert app.query(f"Exists({ref(other)})") is True
    for secret in (app.client, *scoped):
        assert app.query(f"Exists({ref(other)})", secret) is False
    app.role('[{resource: Collection("things"), actions: {read: true}}]', '[{resource: Collection("things")}]')
    for secret in scoped:
        assert app.query(f"Exists({ref(other)})", secret) is True


@pytest.mark.parametrize(
    ("authorization", "found"),
    [
        # "support buggy go driver": a colon after the base64 text
        ("Basic " + base64.b64encode(b"secret").decode() + ":", "secret"),
        ("Basic " + base64.b64encode(b"secret:app:admin").decode() + ":", "secret:app:admin"),
        # "invalid base64 keys"
        ("Basic non-base64", None),
        # AuthType.fromHeaders: the scheme spelled just so, then any run of whitespace
        ("Bearer secret", "secret"),
        ("Bearer\tsecret", "secret"),
        ("Bearer  secret", "secret"),
        ("bearer secret", None),
        ("BEARER secret", None),
        ("basic " + base64.b64encode(b"secret:").decode(), None),
        ("Token secret", None),
        ("Bearer", None),
        ("Basic", None),
        # Java's Base64 decoder: padding may be left out, but what is written must be right
        ("Basic c2VjcmV0Og", "secret"),
        ("Basic c2VjcmV0Og=", None),
        ("Basic c2VjcmV0Og===", None),
        ("Basic c2VjcmV0Og==x", None),
        ("Basic c2VjcmV0O", None),
        # the decoded text trimmed as Java trims it: control characters too
        ("Basic " + base64.b64encode(b"\x01secret:\x02").decode(), "secret"),
    ],
)
def test_basic_authorization_headers(authorization, found):
    assert header_secret({"authorization": authorization}) == found


# -- ABACSpec ---------------------------------------------------------------------------------------------


def test_unrestricted_read_of_an_index_shows_every_entry(app):
    app.query('CreateIndex({name: "all_things", source: Collection("things")})')
    app.query('CreateIndex({name: "things_by_foo", source: Collection("things"), terms: [{field: ["data", "foo"]}]})')
    doc = app.query('Create(Collection("things"), {data: {foo: "foo"}})')["ref"]
    secret = app.key('[{resource: Index("all_things"), actions: {unrestricted_read: true}}]')
    app.denied(f"Get({ref(doc)})", secret)
    assert app.query('Paginate(Match(Index("all_things")))', secret).data == [doc]
    terms = 'Query(Lambda("terms", Equals(Var("terms"), ["foo"])))'
    secret = app.key(f'[{{resource: Index("things_by_foo"), actions: {{unrestricted_read: {terms}}}}}]')
    app.denied(f"Get({ref(doc)})", secret)
    app.denied('Paginate(Match(Index("things_by_foo"), ["bar"]))', secret)
    assert app.query('Paginate(Match(Index("things_by_foo"), ["foo"]))', secret).data == [doc]


def test_a_privilege_on_collections_opens_paginating_them(app):
    secret = app.key("[{resource: Collections(), actions: {read: true, create: true, write: true, delete: true}}]")
    assert len(app.query("Paginate(Collections())", secret).data) == 2
    app.query('CreateCollection({name: "foo"})', secret)
    app.query('Delete(Collection("foo"))', secret)
    app.denied("Paginate(Collections())", app.key("[]"), ["paginate"])


@pytest.mark.parametrize("fn_role", ["", ', role: "admin"'])
def test_a_predicate_may_call_a_function_that_only_reads(app, fn_role):
    doc = app.query('Create(Collection("things"), {})')["ref"]
    app.query(f'CreateFunction({{name: "pure", body: Query(Lambda("_", true)){fn_role}}})', app.admin)
    app.query(f'CreateFunction({{name: "writes", body: Query(Lambda("_", Do(NewId(), true))){fn_role}}})', app.admin)
    secret = app.key(
        '[{resource: Collection("things"), actions: {read: Query(Lambda("ref", Call(Function("pure")))), '
        'create: Query(Lambda("data", Call(Function("writes"))))}}]'
    )
    assert app.query(f"Get({ref(doc)})", secret)["ref"] == doc
    # NewId is a write to core: a predicate calling it fails, and so denies.
    app.denied('Create(Collection("things"), {})', secret, ["create"])


def test_the_65th_role_of_a_collection_names_its_position_as_the_failing_field(app):
    for i in range(64):
        app.role("[]", '[{resource: Collection("users")}]')
    err = error(app.db, 'Create(Roles(), {name: "one_more", membership: {resource: Collection("users")}})', app.admin)
    assert (err.code, list(err.position)) == ("validation failed", ["create"])
    description = "Maximum number of roles per membership class exceeded. Maximum allowed: 64."
    assert err.failures == [{"field": ["create"], "code": "resources exceeded", "description": description}]


# -- TokenSpec --------------------------------------------------------------------------------------------


def test_a_token_made_with_create_works_and_its_ttl_can_be_set_later(app):
    doc = app.query('Create(Collection("users"), {})')["ref"]
    token = app.query(f"Create(Ref(\"tokens\"), {{instance: {ref(doc)}}})")
    assert app.query(f"Exists({ref(token['ref'])})", token["secret"]) is True
    app.query(f"Update({ref(token['ref'])})")
    assert app.query("Identity()", token["secret"]) == doc
    app.query(f'Update({ref(token["ref"])}, {{ttl: TimeAdd(Now(), 5, "seconds")}})')
    app.db.storage.last_ts += 6_000_000
    assert error(app.db, "Identity()", token["secret"]).code == "unauthorized"


def test_credentials_made_with_create_log_in(app):
    doc = app.query('Create(Collection("users"), {})')["ref"]
    app.denied(f'Create(Credentials(), {{instance: {ref(doc)}, password: "secret"}})', app.client, ["create"])
    app.query(f'Create(Credentials(), {{instance: {ref(doc)}, password: "secret"}})', app.admin)
    token = app.query(f'Login({ref(doc)}, {{password: "secret"}})', app.admin)
    # ABACSpec "tokens cannot edit themselves"
    other = app.query('Create(Collection("users"), {})')["ref"]
    app.denied(f"Update({ref(token['ref'])}, {{instance: {ref(other)}}})", token["secret"], [])


# -- AuthSpec: keys ---------------------------------------------------------------------------------------


def test_a_key_hash_cannot_be_updated_and_an_inserted_version_has_none(app):
    app.query('CreateDatabase({name: "child"})', app.admin)
    made = app.query('CreateKey({database: Database("child"), role: "server"})', app.admin)
    key, hashed = ref(made["ref"]), made["hashed_secret"]
    app.query(f'Update({key}, {{hashed_secret: "taco"}})', app.admin)
    assert app.query(f'Select("hashed_secret", Get({key}))', app.admin) == hashed
    app.query(f'Replace({key}, {{role: "server", hashed_secret: "taco"}})', app.admin)
    assert app.query(f'Select("hashed_secret", Get({key}))', app.admin) == hashed
    assert app.query("1", made["secret"]) == 1
    app.query(f'Insert({key}, Now(), "create", {{role: "admin", hashed_secret: "taco"}})', app.admin)
    assert "hashed_secret" not in app.query(f"Get({key})", app.admin)
    assert error(app.db, "1", made["secret"]).code == "unauthorized"
    new = 'Ref(Keys(), "302853774295171584")'
    app.query(f'Insert({new}, Now(), "create", {{role: "admin", hashed_secret: "taco"}})', app.admin)
    assert list(app.query(f"Get({new})", app.admin)) == ["ref", "ts", "role"]


# -- AuthSpec: scoped secrets -----------------------------------------------------------------------------


def test_only_an_admin_key_overrides_the_scope(app):
    reader = app.role('[{resource: Collection("things"), actions: {read: true}}]', '[{resource: Collection("things")}]')
    doc = app.query('Create(Collection("things"), {})')["ref"]
    scopes = [f"@role/{reader}", "admin", "server", "server-readonly", "client"]
    docs = [f"@doc/things/{doc.id}", f"collections/things/{doc.id}", f"classes/things/{doc.id}"]
    for scope in scopes:
        assert error(app.db, f"Get({ref(doc)})", f"{app.server}:{scope}").code == "unauthorized"
    for scope in scopes + docs:
        assert error(app.db, f"Get({ref(doc)})", f"{app.client}:{scope}").code == "unauthorized"
    for scope in scopes[:4] + docs:
        assert app.query(f"Get({ref(doc)})", f"{app.admin}:{scope}")["ref"] == doc
    app.denied(f"Get({ref(doc)})", f"{app.admin}:client", [])
    app.denied(f"Update({ref(doc)}, {{}})", f"{app.admin}:@role/{reader}", [])
    invalid = ["classes/things/123", "collections/things/123", "@doc/things/123", "@role/invalidRole", "sub/db:admin",
               "sub/db:classes/things/123", "sub/db:collections/things/123", "sub/db:@doc/things/123",
               "sub/db:@role/invalidRole"]
    for scope in invalid:
        assert error(app.db, f"Exists({ref(doc)})", f"{app.server}:{scope}").code == "unauthorized"


# -- WritePermissionsSpec ---------------------------------------------------------------------------------


def test_default_write_permissions(app):
    person = app.user("users")[1]["secret"]
    app.query('CreateCollection({name: "people"})')
    alice, alice_token = app.user("people")
    bob_token = app.user("people")[1]["secret"]
    keys = [(app.server, True), (app.admin, True), (app.client, False), (alice_token["secret"], False)]
    for secret, allowed in keys + [(bob_token, False), (person, False)]:
        for text, position in [
            ('Create(Collection("people"), {})', ["create"]),
            (f'Update({ref(alice)}, {{data: {{name: "n"}}}})', []),
            (f'Replace({ref(alice)}, {{data: {{name: "n"}}}})', []),
        ]:
            if allowed:
                app.query(text, secret)
            else:
                app.denied(text, secret, position)
    app.denied(f"Delete({ref(alice)})", alice_token["secret"], [])


# -- ABACSpec ---------------------------------------------------------------------------------------------


def test_create_with_an_id_falls_back_to_create_and_a_history_write(app):
    only_create = app.key('[{resource: Collection("things"), actions: {create: true}}]')
    app.denied('Create(Ref(Collection("things"), "123"), {})', only_create, ["create"])
    history = 'Query(Lambda(["ref", "ts", "action", "data"], Select(["data", "ok"], Var("data"), false)))'
    both = app.key(f'[{{resource: Collection("things"), actions: {{create: true, history_write: {history}}}}}]')
    app.denied('Create(Ref(Collection("things"), "123"), {data: {ok: false}})', both, ["create"])
    assert app.query('Create(Ref(Collection("things"), "123"), {data: {ok: true}})', both)["data"] == {"ok": True}


def test_membership_and_privilege_predicates_use_the_identity(app):
    admin, admin_token = app.user()
    plain, plain_token = app.user()
    app.query(f"Update({ref(admin)}, {{data: {{admin: true}}}})", app.admin)
    app.query(f"Update({ref(plain)}, {{data: {{admin: false}}}})", app.admin)
    app.role(
        '[{resource: Collection("things"), actions: {create: true, read: Query(Lambda("ref", '
        'Equals(Identity(), Select(["data", "owner"], Get(Var("ref")))))) }}]',
        '[{resource: Collection("users"), '
        'predicate: Query(Lambda("ref", Select(["data", "admin"], Get(Var("ref")))))}]',
    )
    mine = app.query(f'Create(Collection("things"), {{data: {{owner: {ref(admin)}}}}})', admin_token["secret"])["ref"]
    theirs = app.query(f'Create(Collection("things"), {{data: {{owner: {ref(plain)}}}}})')["ref"]
    app.denied('Create(Collection("things"), {})', plain_token["secret"], ["create"])
    assert app.query(f"Get({ref(mine)})", admin_token["secret"])["ref"] == mine
    app.denied(f"Get({ref(theirs)})", admin_token["secret"])
    for fn in ("CurrentIdentity()", "Identity()"):
        assert app.query(fn, admin_token["secret"]) == admin
    assert app.query("[HasCurrentIdentity(), HasIdentity(), HasCurrentToken()]", plain_token["secret"]) == [True] * 3
    assert app.query("CurrentToken()", plain_token["secret"]) == plain_token["ref"]
