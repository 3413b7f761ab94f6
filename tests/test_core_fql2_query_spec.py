"""Core's FQL2QuerySpec (ext/model/src/test/scala/fql2/FQL2QuerySpec.scala): Query.identity() and
Query.token() for keys, tokens and JWTs, in the query itself and inside a function a role lets the caller
call ("UDF + " cases). Each case names the spec case it comes from.

Already tested, not repeated: 'isEnvTypechecked', 'isEnvProtected' and 'isEnvProtected only works with admin
key' (tests/test_cross_syntax.py test_database_settings_are_inherited; the last one's span below); 'keys - don't have identity' and
'keys - returns null' (tests/test_core_auth10.py test_a_key_has_no_identity_or_token, in the query itself).
"""

from __future__ import annotations

import json
import time

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

import fql
from fql.auth.jwt import JWKS
from fql.server import v10 as server_v10

from .test_jwt import KeyServer, jwk, sign
from tests.helpers import query_v10 as q


def users(db: fql.Database, secret: str | None = None) -> str:
    """core's setupColl: a `Users` collection; a user's id (as `secret`, the root by default)."""
    q(db, 'Collection.create({name: "Users"})', secret)
    return q(db, "Users.create({}).id", secret)


def in_function(db: fql.Database, body: str, secret: str | None = None) -> str:
    """core's setupUDF: `userFunc` runs `body`; the `callFunc` role lets Users call it. The query to run."""
    q(
        db,
        f'Function.create({{\n  name: "userFunc",\n  body: "() => {body}"\n}})\n\n'
        'Role.create({\n  name: "callFunc",\n  membership: {\n    resource: "Users"\n  },\n'
        "  privileges: [{\n    resource: \"userFunc\",\n    actions: {\n      call: true\n    }\n  }]\n})\n",
        secret,
    )
    return "userFunc()"


def run_as(db: fql.Database, query: str, via_function: bool, secret: str | None = None) -> str:
    return in_function(db, query, secret) if via_function else query


def key_secret(db: fql.Database) -> str:
    return q(db, 'Key.create({role: "admin"}).secret')


def token_of(db: fql.Database, user: str) -> dict:
    return q(db, f"Token.create({{\n  document: Users.byId('{user}')\n}})")


VIA = pytest.mark.parametrize("via_function", [False, True], ids=["", "UDF + "])


@VIA
def test_a_key_without_identity(via_function):
    # "keys - don't have identity" (the UDF + case)
    db = fql.connect()
    users(db)
    query = run_as(db, "Query.identity()", via_function)
    assert q(db, query, key_secret(db)) is None


@VIA
def test_a_key_may_name_its_identity(via_function):
    # "keys - can override identity": `secret:@doc/Users/<id>` acts as that user.
    db = fql.connect()
    user = users(db)
    query = run_as(db, "Query.identity()", via_function)
    found = q(db, query, f"{key_secret(db)}:@doc/Users/{user}")
    assert (found.coll, found.id) == ("Users", user)


@VIA
def test_a_token_is_its_document(via_function):
    # "tokens - works"
    db = fql.connect()
    user = users(db)
    query = run_as(db, "Query.identity()", via_function)
    found = q(db, query, token_of(db, user)["secret"])
    assert (found.coll, found.id) == ("Users", user)


@VIA
def test_a_token_cannot_name_another_identity(via_function):
    # "tokens - cannot override identity"
    db = fql.connect()
    user = users(db)
    query = run_as(db, "Query.identity()", via_function)
    secret = token_of(db, user)["secret"]
    other = q(db, "Users.create({}).id")
    found = q(db, query, f"{secret}:@doc/Users/{other}")
    assert (found.coll, found.id) == ("Users", user)


def test_identity_in_a_role_predicate():
    # "works in predicate"
    db = fql.connect()
    q(db, 'Collection.create({name: "Users"})')
    q(db, 'Collection.create({name: "Books"})')
    user0, user1 = q(db, "Users.create({}).id"), q(db, "Users.create({}).id")
    token0, token1 = token_of(db, user0)["secret"], token_of(db, user1)["secret"]
    q(
        db,
        'Role.create({\n  name: "onlyUser0",\n  membership: {\n    resource: "Users",\n'
        f"    predicate: \"ref => Users.byId('{user0}') == Query.identity()\"\n  }},\n"
        '  privileges: {\n    resource: "Books",\n    actions: {\n      create: true\n    }\n  }\n})',
    )
    assert q(db, "Books.create({})", token0).coll == "Books"
    with pytest.raises(fql.FQLError) as caught:
        q(db, "Books.create({})", token1)
    assert (caught.value.v10_code, caught.value.description) == (
        "permission_denied",
        "Insufficient privileges to perform the action.",
    )


@VIA
def test_a_key_has_no_token(via_function):
    # "keys - returns null" (the UDF + case)
    db = fql.connect()
    users(db)
    assert q(db, run_as(db, "Query.token()", via_function), key_secret(db)) is None


@VIA
def test_a_token_secret_is_its_token(via_function):
    # Query.token: "tokens - works"
    db = fql.connect()
    user = users(db)
    query = run_as(db, "Query.token()", via_function)
    token = token_of(db, user)
    found = q(db, query, token["secret"])
    assert (found.coll, found.id) == ("Token", token.id)


@pytest.fixture(scope="module")
def jwks():
    server = KeyServer()
    yield server
    server.close()


@VIA
def test_a_jwt_is_its_payload(jwks, via_function):
    # Query.token: "JWT - works": the token's claims, as they were signed.
    signing = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwks.keys = [jwk(signing, "k1")]
    # In a child database, as core's newDB: no JWT logs in to the top database (core's root).
    db = fql.connect(jwks=JWKS(jwks.client_context))
    q(db, 'Database.create({ name: "app" })')
    app = "secret:app:admin"
    users(db, app)
    query = run_as(db, "Query.token()", via_function, app)
    issuer = "https://fauna.auth0.com"
    q(
        db,
        'Role.create({\n  name: "aRole",\n  privileges: {\n    resource: "Users",\n    actions: {}\n  }\n})\n\n'
        f'AccessProvider.create({{\n  name: "anAccessProvider",\n  issuer: "{issuer}",\n  jwks_uri: "{jwks.uri}",\n'
        f"  roles: '{'callFunc' if via_function else 'aRole'}'\n}})",
        app,
    )
    audience = q(db, "AccessProvider.byName('anAccessProvider')!.audience", app)
    payload = {"iss": issuer, "aud": audience, "exp": int(time.time()) + 60, "sub": "identity string"}
    assert q(db, query, sign(signing, payload)) == payload


def test_is_env_protected_is_for_admins_only():
    # "isEnvProtected only works with admin key": permission denied at the call's parentheses (core's span
    # 20..22); test_cross_syntax.py checks the code and the admin's answer.
    db = fql.connect()
    q(db, "Database.create({ name: 'T' })")
    body = json.loads(server_v10.query(db, {"query": "Query.isEnvProtected()"}, "secret:T:server", {}, 0).body)
    assert body["error"]["code"] == "permission_denied"
    assert body["summary"].split("\n")[1:5] == ["at *query*:1:21", "  |", "1 | Query.isEnvProtected()", "  |" + " " * 21 + "^^"]
