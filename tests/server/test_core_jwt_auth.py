"""core's JWTAuthSpec (ext/api/src/test/scala/queries/JWTAuthSpec.scala) over fql's HTTP server: v4
queries with JWTs that an access provider vouches for, signed here with RSA keys served as a JWKS over
HTTPS on a loopback port (tests/test_jwt.py's KeyServer). Each test names its case.

Core's tokens are its `JWT.createToken`'s: a header `{alg, typ, kid}` and claims `{iss, aud, iat, exp,
scope}`, `aud` one string. The key cache here fetches a set again for an unknown `kid` at once (core waits
half a second between downloads), so the rotated-keys case needs no waiting."""

from __future__ import annotations

import json
import socket
import time

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

import fql
from fql.auth.credentials import TEST_PARAMS
from fql.auth.jwt import JWKS
from fql.server import ServerThread
from tests.test_jwt import KeyServer, b64, jwk, sign

from .conftest import Raw
from .core_api_schema import CREATED, FORBIDDEN, OK, ROOT, UNAUTHORIZED, Api, Database

COLLECTIONS = {"@ref": {"id": "collections"}}
DATABASES = {"@ref": {"id": "databases"}}
ADD = {"add": [1, 2]}
#: Core's answer to a JWT it does not accept, whatever the reason.
REFUSED = (UNAUTHORIZED, {"errors": [{"code": "unauthorized", "description": "Unauthorized"}]})


def denied(*position: str) -> tuple[int, dict]:
    """Core's answer to a query the caller's roles do not allow, failing at `position`."""
    description = "Insufficient privileges to perform the action."
    return FORBIDDEN, {"errors": [{"position": list(position), "code": "permission denied", "description": description}]}



@pytest.fixture(scope="module")
def keys():
    server = KeyServer()
    yield server
    server.close()


@pytest.fixture
def api(keys) -> Api:
    with ServerThread(fql.connect(argon2=TEST_PARAMS, jwks=JWKS(keys.client_context, download_rate=0))) as running:
        yield Api(Raw(running.port))


@pytest.fixture
def db(api) -> Database:
    return Database(api)


def a_jwk() -> tuple[rsa.RSAPrivateKey, str]:
    """core's `aJWK`: an RSA key and its kid (a hex string)."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048), f"{time.time_ns():x}"


def global_id(api: Api, name: str, secret: str = ROOT) -> str:
    return api.ok({"select": "global_id", "from": {"get": {"database": name}}}, secret)


def role(api: Api, admin: str, *privileges: tuple[dict, bool]) -> dict:
    """core's `aRole(db, Privilege(resource, create = ...), ...)` with the database's admin key: its ref."""
    n = api.ok({"count": {"roles": None}}, admin)
    params = {
        "name": f"role{n}",
        "privileges": [{"object": {"resource": r, "actions": {"object": {"create": c}}}} for r, c in privileges],
    }
    return api.ok({"create_role": {"object": params}}, admin)["ref"]


def provider(api: Api, admin: str, issuer: str, jwks_uri: str, *roles: dict) -> dict:
    """core's `anAccessProvider(db, issuer, jwksUrl, roles)` with the database's admin key: its resource."""
    params = {"name": f"ap{time.time_ns()}", "issuer": issuer, "jwks_uri": jwks_uri, "roles": list(roles)}
    return api.ok({"create_access_provider": {"object": params}}, admin)


def token(key: rsa.RSAPrivateKey, kid: str, issuer: str, audience: str, scope: str, alg: str = "RS256") -> str:
    """core's `JWT.createToken(key, alg, issuer, audience, iat, iat + 60, scope)`."""
    now = int(time.time())
    return sign(key, {"iss": issuer, "aud": audience, "iat": now, "exp": now + 60, "scope": scope}, kid=kid, alg=alg)


class Setup:
    """What most cases build: a database `app`, a role creating collections (and, with `deny_databases`,
    denied creating databases), a provider giving it (with `predicate`, a v4 lambda, if given), a key
    served at the provider's `jwks_uri`, and a token of that key for the database."""

    def __init__(self, api, db, keys, *, predicate=None, deny_databases=True, scope="read:appointments"):
        self.api, self.db = api, db
        privileges = [(COLLECTIONS, True)] + ([(DATABASES, False)] if deny_databases else [])
        ref = role(api, db.admin_key, *privileges)
        given = ref if predicate is None else {"object": {"role": ref, "predicate": {"query": predicate}}}
        self.issuer = "https://auth.fauna.com/user"
        self.provider = provider(api, db.admin_key, self.issuer, keys.uri, given)
        self.key, self.kid = a_jwk()
        keys.keys = [jwk(self.key, self.kid)]
        self.audience = f"https://db.fauna.com/db/{global_id(api, db.name)}"
        self.jwt = token(self.key, self.kid, self.issuer, self.audience, scope)

    def answer(self, expr, secret=None) -> tuple[int, dict]:
        return self.api.query(expr, secret or self.jwt)

    def status(self, expr, secret=None) -> int:
        return self.answer(expr, secret)[0]


def create_collection(name: str) -> dict:
    return {"create_collection": {"object": {"name": name}}}


def create_database(name: str) -> dict:
    return {"create_database": {"object": {"name": name}}}


@pytest.mark.parametrize(
    ("case", "predicate", "scope"),
    [
        ("works with role reference", None, "read:appointments"),
        ("works with predicate", {"lambda": "token", "expr": True}, "read:appointments"),
        (
            "predicate can access JWT fields",
            {
                "lambda": "token",
                "expr": {
                    "let": [
                        {"scope": {"select": "scope", "from": {"var": "token"}}},
                        {"aud": {"select": "aud", "from": {"var": "token"}}},
                    ],
                    "in": {
                        "and": [
                            {"containsstr": {"var": "scope"}, "search": "admin"},
                            {"endswith": {"var": "aud"}, "search": "GLOBAL_ID"},
                        ]
                    },
                },
            },
            "admin read:appointments",
        ),
    ],
)
def test_roles_of_the_provider(api, db, keys, case, predicate, scope):
    """JWTAuthSpec `works with role reference`, `works with predicate`, `predicate can access JWT fields`:
    the JWT may create a collection (201), not a database (403)."""
    if predicate is not None:
        predicate = json.loads(json.dumps(predicate).replace("GLOBAL_ID", global_id(api, db.name)))
    setup = Setup(api, db, keys, predicate=predicate, scope=scope)
    assert setup.status(create_collection("things")) == CREATED
    assert setup.answer(create_database("inner")) == denied("create_database")


def test_forbid_access_if_no_roles_passes_the_membership_test(api, db, keys):
    """JWTAuthSpec `forbid access if no roles passes the membership test`."""
    setup = Setup(api, db, keys, predicate={"lambda": "token", "expr": False}, deny_databases=False, scope="admin")
    assert setup.answer(create_collection("things")) == REFUSED


def test_forbid_if_access_provider_is_deleted(api, db, keys):
    """JWTAuthSpec `forbid if access provider is deleted` (fql has no schema cache to wait out)."""
    coll = db.collection("things")["ref"]
    key, kid = a_jwk()
    keys.keys = [jwk(key, kid)]
    issuer = "https://auth.fauna.com/user"
    ap = provider(api, db.admin_key, issuer, keys.uri, role(api, db.admin_key, (coll, True)))
    jwt = token(key, kid, issuer, f"https://db.fauna.com/db/{global_id(api, db.name)}", "admin")
    assert api.query({"create": coll}, jwt)[0] == CREATED
    assert api.query({"delete": ap["ref"]}, db.admin_key)[0] == OK
    assert api.query({"create": coll}, jwt) == REFUSED


def test_handle_rotated_keys(api, db, keys):
    """JWTAuthSpec `handle rotated keys`: the set served now holds only a new key."""
    setup = Setup(api, db, keys, deny_databases=False)
    assert setup.status(create_collection("one")) == CREATED
    key1, kid1 = a_jwk()
    keys.keys = [jwk(key1, kid1)]
    jwt1 = token(key1, kid1, setup.issuer, setup.audience, "read:appointments")
    assert setup.status(create_collection("two"), jwt1) == CREATED


def test_invalid_key(api):
    """JWTAuthSpec `invalid key`."""
    assert api.query(ADD, "a.b.c") == REFUSED


def test_fail_to_verify_signing(api, db, keys):
    """JWTAuthSpec `fail to verify signing`: signed with a key the set does not hold, under its kid."""
    setup = Setup(api, db, keys)
    other, _ = a_jwk()
    jwt = token(other, setup.kid, setup.issuer, setup.audience, "@doc/things/1 read:appointments")
    assert setup.answer(ADD, jwt) == REFUSED


def test_fail_if_jwt_has_different_algorithm(api, db, keys):
    """JWTAuthSpec `fail if JWT has different algorithm`: the header says RS256, the signature is RS384."""
    setup = Setup(api, db, keys)
    now = int(time.time())
    header = {"alg": "RS256", "typ": "JWT", "kid": setup.kid}
    claims = {"iss": setup.issuer, "aud": setup.audience, "iat": now, "exp": now + 60, "scope": "read:appointments"}
    signed = sign(setup.key, claims, kid=setup.kid, alg="RS384")
    jwt = ".".join([b64(json.dumps(header).encode()), *signed.split(".")[1:]])
    assert setup.answer(ADD, jwt) == REFUSED


def test_handle_network_failure_while_downloading_jwks(api, db, keys):
    """JWTAuthSpec `handle network failure while downloading JKWS`: nothing listens at the provider's
    `jwks_uri` (a loopback port just freed)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    issuer = "https://auth.fauna.com/user"
    uri = f"https://127.0.0.1:{port}/user/.well-known/jwks.json"
    provider(api, db.admin_key, issuer, uri, role(api, db.admin_key, (COLLECTIONS, True)))
    key, kid = a_jwk()
    jwt = token(key, kid, issuer, f"https://db.fauna.com/db/{global_id(api, db.name)}", "read:appointments")
    assert api.query(ADD, jwt) == REFUSED


class Nested:
    """core's `parent <- aDatabase; db <- aDatabase(apiVers, parent)`: `app` and its child `db`, with an
    access provider in `db` and a token it vouches for."""

    def __init__(self, api: Api, parent: Database, keys: KeyServer):
        self.api, self.parent = api, parent
        self.db_ref = api.ok(create_database("db"), parent.admin_key)["ref"]
        child_admin, self.child_key = (
            api.ok({"create_key": {"object": {"database": self.db_ref, "role": r}}}, parent.admin_key)["secret"]
            for r in ("admin", "server")
        )
        issuer = "https://auth.fauna.com/user"
        provider(api, child_admin, issuer, keys.uri, role(api, child_admin, (COLLECTIONS, True)))
        key, kid = a_jwk()
        keys.keys = [jwk(key, kid)]
        audience = f"https://db.fauna.com/db/{global_id(api, 'db', parent.admin_key)}"
        self.jwt = token(key, kid, issuer, audience, "read:appointments")


def test_key_from_secret_accepts_a_jwt_token(api, db, keys):
    """JWTAuthSpec `KeyFromSecret accepts a JWT token`: its `database` is the one a key of that database
    names."""
    nested = Nested(api, db, keys)
    server_key = api.ok({"create_key": {"object": {"database": nested.db_ref, "role": "server"}}}, db.admin_key)
    from_secret = api.ok({"key_from_secret": server_key["secret"]}, db.admin_key)["database"]
    from_jwt = api.ok({"key_from_secret": nested.jwt}, db.admin_key)["database"]
    assert from_secret == from_jwt == nested.db_ref


def test_key_from_secret_accepts_a_jwt_token_and_enforces_read_permission(api, db, keys):
    """JWTAuthSpec `KeyFromSecret accepts a JWT token and enforce read permission`: a server key of the
    token's own database may not read that database's document."""
    nested = Nested(api, db, keys)
    assert api.query({"key_from_secret": nested.jwt}, nested.child_key) == denied()
