"""Core's AuthFunctionsSpec (ext/api/src/test/scala/queries/AuthFunctionsSpec.scala), its v4 block
(AuthFunctionsV4Spec): CurrentToken, HasCurrentToken, CurrentIdentity / Identity and HasCurrentIdentity /
HasIdentity asked by a token, a key, a key scoped to a document and a JWT; inside role privilege and
membership predicates, access provider predicates, and functions with a role. JWTs are signed here and
their keys served as in tests/test_jwt.py.

Ported elsewhere: "login creates tokens" and "identify verifies credentials" (fixtures/v4/core_auth.fql),
"logout destroys tokens" (test_core_auth.py)."""

from __future__ import annotations

import time

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

import fql
from fql.auth.credentials import TEST_PARAMS
from fql.auth.jwt import JWKS
from tests.helpers import query_error as error
from tests.test_auth import ref
from tests.test_core_auth import Child
from tests.test_jwt import KeyServer, jwk, sign

ISSUER = "https://auth.fauna.example/user"
SUBJECT = "fauna|123456789"


class App(Child):
    """A child database with a `users` collection and one logged-in user, core's aDatabase and aUser."""

    def __init__(self, db: fql.Database):
        super().__init__(db)
        self.query('CreateCollection({name: "users"})')
        self.query('CreateCollection({name: "things"})')
        self.doc, self.token = self.user()

    def provider(self, roles: str) -> str:
        """An access provider of these roles for this module's issuer; returns its audience."""
        made = self.query(f'CreateAccessProvider({{name: "idp", issuer: "{ISSUER}", jwks_uri: "{self.jwks_uri}", '
                          f"roles: {roles}}})", self.admin)
        return made["audience"]

    def jwt(self, audience: str, **claims) -> str:
        now = int(time.time())
        return sign(self.signing_key, {"iss": ISSUER, "aud": audience, "iat": now, "exp": now + 60, **claims})


@pytest.fixture(scope="module")
def server():
    keys = KeyServer()
    yield keys
    keys.close()


@pytest.fixture(scope="module")
def signing_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def app(server, signing_key) -> App:
    server.keys = [jwk(signing_key, "k1")]
    made = App(fql.connect(argon2=TEST_PARAMS, jwks=JWKS(server.client_context)))
    made.jwks_uri, made.signing_key = server.uri, signing_key
    return made


def jwt_role(app: App) -> str:
    """Core's role for the plain JWT cases: create collections, not databases."""
    return app.role("[{resource: Collections(), actions: {create: true}}, {resource: Databases(), actions: {create: false}}]")


def failure(app: App, text: str, secret: str) -> tuple:
    err = error(app.db, text, secret)
    return err.code, err.description, list(err.position)


MISSING = ("missing identity", "Authentication does not contain an identity", [])


# -- "current_token" -----------------------------------------------------------------------------------


def test_current_token_tokens(app):
    assert app.query("Get(CurrentToken())", app.token["secret"])["ref"] == app.token["ref"]


def test_current_token_keys(app):
    key = app.query('CreateKey({role: "admin"})', app.admin)
    assert app.query("Get(CurrentToken())", key["secret"])["ref"] == key["ref"]


def test_current_token_cannot_access_key_from_different_scope(app):
    app.query('CreateDatabase({name: "sub"})', app.admin)
    key = app.query('CreateKey({role: "admin", database: Database("sub")})', app.admin)
    assert failure(app, "CurrentToken()", key["secret"]) == ("invalid token", "Token metadata is not accessible.", [])


def test_current_token_jwt(app):
    audience = app.provider(f'[Role("{jwt_role(app)}")]')
    now = int(time.time())
    token = sign(app.signing_key, {"iss": ISSUER, "aud": audience, "iat": now, "exp": now + 60, "scope": "scope"})
    claims = app.query("CurrentToken()", token)
    assert {name: claims[name] for name in ("iss", "aud", "iat", "exp", "scope")} == {
        "iss": ISSUER, "aud": audience, "iat": now, "exp": now + 60, "scope": "scope"}


# -- predicates, per function: "works on roles privileges predicates", "... membership predicates",
#    "works on access provider predicates" ----------------------------------------------------------------

# Each function as core's spec asks it inside a predicate: of a token's user, then of a JWT with `sub`.
PREDICATES = {
    "current_token": ("Equals(CurrentToken(), {token})", 'Equals(CurrentToken(), Var("token"))'),
    "has_current_token": ("HasCurrentToken()", "HasCurrentToken()"),
    "current_identity": ("Equals(CurrentIdentity(), {user})", f'Equals(CurrentIdentity(), "{SUBJECT}")'),
    "identity": ("Equals(Identity(), {user})", f'Equals(Identity(), "{SUBJECT}")'),
    "has_current_identity": ("HasCurrentIdentity()", "HasCurrentIdentity()"),
    "has_identity": ("HasIdentity()", "HasIdentity()"),
}


@pytest.mark.parametrize("name", PREDICATES)
def test_works_on_roles_privileges_predicates(app, name):
    check = PREDICATES[name][0].format(token=ref(app.token["ref"]), user=ref(app.doc))
    app.role(f'[{{resource: Collection("things"), actions: {{create: Query(Lambda("data", {check}))}}}}]',
             '[{resource: Collection("users")}]')
    assert app.query('Create(Collection("things"), {})', app.token["secret"])["ref"].collection.id == "things"


@pytest.mark.parametrize("name", PREDICATES)
def test_works_on_roles_membership_predicates(app, name):
    check = PREDICATES[name][0].format(token=ref(app.token["ref"]), user=ref(app.doc))
    app.role('[{resource: Collection("things"), actions: {create: true}}]',
             f'[{{resource: Collection("users"), predicate: Query(Lambda("ref", {check}))}}]')
    assert app.query('Create(Collection("things"), {})', app.token["secret"])["ref"].collection.id == "things"


@pytest.mark.parametrize("name", PREDICATES)
def test_works_on_access_provider_predicates(app, name):
    role = app.role('[{resource: Collection("things"), actions: {create: true}}]')
    check = PREDICATES[name][1]
    audience = app.provider(f'[{{role: Role("{role}"), predicate: Query(Lambda("token", {check}))}}]')
    token = app.jwt(audience, sub=SUBJECT)
    assert app.query('Create(Collection("things"), {})', token)["ref"].collection.id == "things"


# -- "works with UDF + tokens / keys / jwt" ------------------------------------------------------------


@pytest.fixture
def udfs(app):
    """A function with the server role for each function the spec calls, and a role calling them all."""
    bodies = {"ct": "CurrentToken()", "ci": "CurrentIdentity()", "id": "Identity()"}
    for name, body in bodies.items():
        app.query(f'CreateFunction({{name: "{name}", role: "server", body: Query(Lambda("_", {body}))}})', app.admin)
    return ", ".join(f'{{resource: Function("{name}"), actions: {{call: true}}}}' for name in bodies)


def test_current_token_works_with_udf(app, udfs):
    app.role(f"[{udfs}]", '[{resource: Collection("users")}]')
    assert app.query('Call(Function("ct"))', app.token["secret"]) == app.token["ref"]
    key = app.query('CreateKey({role: "admin"})', app.admin)
    assert app.query('Call(Function("ct"))', key["secret"]) == key["ref"]
    audience = app.provider(f'[Role("{app.role(f"[{udfs}]")}")]')
    now = int(time.time())
    claims = app.query('Call(Function("ct"))', sign(app.signing_key, {
        "iss": ISSUER, "aud": audience, "iat": now, "exp": now + 60, "scope": "scope"}))
    assert (claims["iss"], claims["aud"], claims["iat"], claims["exp"], claims["scope"]) == (
        ISSUER, audience, now, now + 60, "scope")


@pytest.mark.parametrize("fn", ["ci", "id"], ids=["current_identity", "identity"])
def test_identity_works_with_udf(app, udfs, fn):
    app.role(f"[{udfs}]", '[{resource: Collection("users")}, {resource: Collection("things")}]')
    assert app.query(f'Call(Function("{fn}"))', app.token["secret"]) == app.doc
    key = app.query('CreateKey({role: "admin"})', app.admin)
    thing = app.query('Create(Collection("things"), {})')["ref"]
    assert app.query(f'Call(Function("{fn}"))', f"{key['secret']}:@doc/things/{thing.id}") == thing
    audience = app.provider(f'[Role("{app.role(f"[{udfs}]")}")]')
    assert app.query(f'Call(Function("{fn}"))', app.jwt(audience, sub=SUBJECT)) == SUBJECT


# -- "has_current_token" -------------------------------------------------------------------------------


def test_has_current_token(app):
    assert app.query("HasCurrentToken()", app.token["secret"]) is True
    key = app.query('CreateKey({role: "admin"})', app.admin)
    assert app.query("HasCurrentToken()", key["secret"]) is True
    # A key living in a different scope than the one it grants access to.
    app.query('CreateDatabase({name: "sub"})', app.admin)
    other = app.query('CreateKey({role: "admin", database: Database("sub")})', app.admin)
    assert app.query("HasCurrentToken()", other["secret"]) is False
    audience = app.provider(f'[Role("{jwt_role(app)}")]')
    assert app.query("HasCurrentToken()", app.jwt(audience, scope="scope")) is True


# -- "current_identity" / "identity", "has_current_identity" / "has_identity" ----------------------------


@pytest.mark.parametrize("fn", ["CurrentIdentity()", "Identity()"])
def test_identity(app, fn):
    assert app.query(fn, app.token["secret"]) == app.doc
    key = app.query('CreateKey({role: "admin"})', app.admin)
    assert failure(app, fn, key["secret"]) == MISSING
    thing = app.query('Create(Collection("things"), {})')["ref"]
    assert app.query(fn, f"{key['secret']}:@doc/things/{thing.id}") == thing
    audience = app.provider(f'[Role("{jwt_role(app)}")]')
    assert app.query(fn, app.jwt(audience, sub=SUBJECT)) == SUBJECT
    assert failure(app, fn, app.jwt(audience)) == MISSING


@pytest.mark.parametrize("fn", ["HasCurrentIdentity()", "HasIdentity()"])
def test_has_identity(app, fn):
    assert app.query(fn, app.token["secret"]) is True
    key = app.query('CreateKey({role: "admin"})', app.admin)
    assert app.query(fn, key["secret"]) is False
    thing = app.query('Create(Collection("things"), {})')["ref"]
    assert app.query(fn, f"{key['secret']}:@doc/things/{thing.id}") is True
    audience = app.provider(f'[Role("{jwt_role(app)}")]')
    assert app.query(fn, app.jwt(audience, sub=SUBJECT)) is True
    assert app.query(fn, app.jwt(audience)) is False
