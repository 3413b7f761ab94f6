"""Logging in with JWTs through access providers: tokens signed here with RSA keys served as a JWKS over
HTTPS on a loopback port (a self-signed certificate the Database's key cache is told to trust)."""

from __future__ import annotations

import base64
import datetime
import http.server
import ipaddress
import json
import ssl
import tempfile
import threading
import time
import urllib.request

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

import fql
from fql.auth.jwt import JWKS
from fql.server.run import ServerThread
from tests.helpers import query_error

ISSUER = "https://issuer.example/"


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jwk(key: rsa.RSAPrivateKey, kid: str | None) -> dict:
    numbers = key.public_key().public_numbers()
    out = {"kty": "RSA", "n": b64(numbers.n.to_bytes(256, "big")), "e": b64(numbers.e.to_bytes(3, "big"))}
    return {**out, "kid": kid} if kid else out


def sign(key: rsa.RSAPrivateKey, claims: dict, *, kid: str | None = "k1", alg: str = "RS256") -> str:
    header = {"alg": alg, "typ": "JWT", **({"kid": kid} if kid else {})}
    signed = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(claims).encode())}"
    digest = {"RS256": hashes.SHA256(), "RS384": hashes.SHA384(), "RS512": hashes.SHA512(), "HS256": hashes.SHA256()}[alg]
    return f"{signed}.{b64(key.sign(signed.encode(), padding.PKCS1v15(), digest))}"


class KeyServer:
    """A JWKS document over HTTPS on 127.0.0.1; `keys` may be swapped (a key rotation). A path that starts
    `/moved` is redirected (302) to the document."""

    def __init__(self):
        self.keys: list[dict] = []
        self.requests = 0
        #: The path (and query, if any) of each request.
        self.paths: list[str] = []
        tls_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
        now = datetime.datetime.now(datetime.timezone.utc)
        cert = (
            x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(tls_key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(tls_key, hashes.SHA256())
        )
        pem = cert.public_bytes(serialization.Encoding.PEM)
        self.client_context = ssl.create_default_context(cadata=pem.decode())
        with tempfile.NamedTemporaryFile("wb", suffix=".pem", delete=False) as chain:
            chain.write(pem + tls_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                    serialization.NoEncryption()))
        server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        server_context.load_cert_chain(chain.name)
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                outer.requests += 1
                outer.paths.append(self.path)
                if self.path.startswith("/moved"):
                    self.send_response(302)
                    self.send_header("Location", outer.uri)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                body = json.dumps({"keys": outer.keys}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.socket = server_context.wrap_socket(self.httpd.socket, server_side=True)
        self.uri = f"https://127.0.0.1:{self.httpd.server_address[1]}/.well-known/jwks.json"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="module")
def server():
    keys = KeyServer()
    yield keys
    keys.close()


@pytest.fixture(scope="module")
def signing_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


#: The admin secret of `app`, the child database JWTs log in to here.
APP = "secret:app:admin"


class App:
    """The child database `app` of a new database, queried as its admin unless another secret is given.
    JWTs log in to a child database: core refuses them in the top one, its root (JWTToken.decodeGlobalID;
    JWTAuthSpec "forbid root scope")."""

    def __init__(self, jwks: JWKS):
        self.db = fql.connect(jwks=jwks)
        self.db.query('Database.create({ name: "app" })', syntax="v10")

    def query(self, text: str, secret: str | None = None, syntax: str = "v4"):
        return self.db.query(text, secret=secret or APP, syntax=syntax)


def app_provider(server, roles: str = '["r"]', jwks_uri: str | None = None) -> tuple[App, str]:
    """`app` with a role `r` (no privileges) and a provider `idp` of `roles` whose keys are at `jwks_uri`
    (the server's by default): `app` and the provider's audience."""
    app = App(JWKS(server.client_context))
    app.query('Role.create({ name: "r", privileges: [] })', syntax="v10")
    audience = app.query(
        f'AccessProvider.create({{ name: "idp", issuer: "{ISSUER}", jwks_uri: "{jwks_uri or server.uri}", '
        f"roles: {roles} }}).audience",
        syntax="v10",
    )
    return app, audience


@pytest.fixture
def setup(server, signing_key):
    """`app` with a `Notes` collection, a role that reads it, and an access provider giving that role to
    JWTs whose `sub` is "alice" (a v10 predicate)."""
    server.keys = [jwk(signing_key, "k1")]
    db = App(JWKS(server.client_context))
    db.query('Collection.create({ name: "Notes" })', syntax="v10")
    db.query('Notes.create({ id: "1", text: "hi" })', syntax="v10")
    db.query('Role.create({ name: "reader", privileges: [{ resource: "Notes", actions: { read: true } }] })', syntax="v10")
    provider = db.query(
        f'AccessProvider.create({{ name: "idp", issuer: "{ISSUER}", jwks_uri: "{server.uri}", '
        'roles: [{ role: "reader", predicate: "(jwt) => jwt.sub == \\"alice\\"" }] })',
        syntax="v10",
    )
    return db, provider["audience"]


def claims(audience, **more) -> dict:
    return {"iss": ISSUER, "aud": audience, "sub": "alice", "exp": int(time.time()) + 600, **more}


def refused(db, secret, text="Notes.byId('1')!.text", syntax="v10"):
    err = query_error(db, text, secret, syntax)
    assert err.code == "unauthorized"
    assert err.description == "Unauthorized"


def test_a_jwt_gets_the_roles_its_provider_gives(setup, signing_key):
    db, audience = setup
    token = sign(signing_key, claims(audience))
    assert db.query("Notes.byId('1')!.text", secret=token, syntax="v10") == "hi"
    # What the query sees: the claims, and `sub` as v4's identity (core has no identity document).
    assert db.query("Query.token().sub", secret=token, syntax="v10") == "alice"
    # Core reads the payload's JSON numbers as Longs (Query.scala toValue: JSLong), even a small one.
    small = sign(signing_key, claims(audience, n=5))
    assert db.query("let t = Query.token(); [t.exp isa Long, t.n isa Long, t.n == 5]", secret=small, syntax="v10") == [True] * 3
    assert db.query("Query.identity()", secret=token, syntax="v10") is None
    assert db.query("CurrentIdentity()", secret=token) == "alice"
    assert db.query("HasCurrentIdentity()", secret=token) is True
    assert db.query("Select('iss', CurrentToken())", secret=token) == ISSUER
    assert db.query("HasCurrentToken()", secret=token) is True
    # It has only its roles' privileges, and nothing to log out of.
    with pytest.raises(fql.FQLError) as caught:
        db.query('Notes.create({ text: "no" })', secret=token, syntax="v10")
    assert caught.value.code == "permission denied"
    assert db.query("Logout(false)", secret=token) is False


def test_a_function_with_a_role_still_sees_the_jwt_that_called_it(setup, signing_key):
    # Core's LoginAuth.withPermissions swaps the permissions for the function's role and keeps the
    # JWTLogin source: CurrentIdentity() is still `sub`, CurrentToken() the claims, and the provider's
    # roles no longer apply (the function's role alone decides).
    db, audience = setup
    db.query("CreateRole({ name: 'writer', privileges: [{ resource: Collection('Notes'), actions: { create: true } }] })")
    db.query(
        "CreateFunction({ name: 'note', role: Role('writer'), body: Query(Lambda('text', "
        "Select(['data'], Create(Collection('Notes'), { data: { text: Var('text'), by: CurrentIdentity(), "
        "iss: Select('iss', CurrentToken()) } })))) })"
    )
    db.query("CreateFunction({ name: 'peek', role: Role('writer'), body: Query(Lambda([], Get(Ref(Collection('Notes'), '1')))) })")
    db.query("CreateRole({ name: 'caller', privileges: [{ resource: Function('note'), actions: { call: true } }, "
             "{ resource: Function('peek'), actions: { call: true } }] })")
    db.query("Update(AccessProvider('idp'), { roles: [Role('caller')] })")
    token = sign(signing_key, claims(audience))
    assert db.query("Call('note', 'from a jwt')", secret=token) == {"text": "from a jwt", "by": "alice", "iss": ISSUER}
    with pytest.raises(fql.FQLError) as caught:
        db.query("Call('peek', [])", secret=token)
    assert caught.value.cause[0].code == "permission denied"


def test_a_jwt_whose_claims_no_predicate_accepts_is_unauthorized(setup, signing_key):
    db, audience = setup
    refused(db, sign(signing_key, claims(audience, sub="bob")))


def test_v4_predicates_and_plain_roles(setup, signing_key):
    db, audience = setup
    db.query("CreateRole({ name: 'lister', privileges: [{ resource: Collection('Notes'), actions: { read: true } }] })")
    db.query(
        "Update(AccessProvider('idp'), { roles: [Role('lister'), "
        "{ role: Role('reader'), predicate: Query(Lambda('jwt', Equals(Select('sub', Var('jwt')), 'alice'))) }] })"
    )
    # `bob` gets `lister`, which has no predicate.
    assert db.query("Notes.byId('1')!.text", secret=sign(signing_key, claims(audience, sub="bob")), syntax="v10") == "hi"


@pytest.mark.parametrize(
    "change",
    [
        {"exp": -1},
        {"nbf": 600},
        {"iss": "https://other.example/"},
        {"iss": None},
        {"aud": "https://db.fauna.com/db/nothere"},
        {"aud": None},
    ],
)
def test_bad_claims(setup, signing_key, change):
    db, audience = setup
    # `exp` and `nbf` are offsets from now, taken when the test runs (a suite can take longer than them).
    change = {k: int(time.time()) + v if k in ("exp", "nbf") else v for k, v in change.items()}
    body = {k: v for k, v in {**claims(audience), **change}.items() if v is not None}
    refused(db, sign(signing_key, body))


def test_audiences(setup, signing_key):
    db, audience = setup
    # One Fauna audience among others is enough; two are refused.
    assert db.query("1", secret=sign(signing_key, claims([audience, "https://api.example"])), syntax="v10") == 1
    refused(db, sign(signing_key, claims([audience, "https://db.fauna.com/db/yyyy"])))


def test_signatures(setup, signing_key):
    db, audience = setup
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    refused(db, sign(other, claims(audience)))
    refused(db, sign(signing_key, claims(audience), alg="HS256"))
    refused(db, sign(signing_key, claims(audience), kid="unknown"))
    assert db.query("1", secret=sign(signing_key, claims(audience), alg="RS512"), syntax="v10") == 1
    token = sign(signing_key, claims(audience))
    refused(db, token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB"))
    refused(db, "eyJhbGciOiJSUzI1NiJ9.not-json.x")
    # A header whose alg is not a string (found by fuzzing: it used to escape as a TypeError).
    odd = f"{b64(json.dumps({'alg': ['RS256']}).encode())}.{b64(json.dumps(claims(audience)).encode())}.c2ln"
    refused(db, odd)


def test_jwt_auth_spec_forbid_if_token_signature_is_invalid(setup, signing_key):
    # Model JWTAuthSpec "forbid if token signature is invalid": a good token with "xyz" after its
    # signature (no longer whole base64url, 3 chars past a quantum) is refused, as are other tails.
    db, audience = setup
    token = sign(signing_key, claims(audience))
    for tail in ("xyz", "x", "xyzw"):
        refused(db, token + tail, text="1")


def test_one_key_without_kid(setup, server, signing_key):
    db, audience = setup
    server.keys = [jwk(signing_key, None)]
    assert db.query("1", secret=sign(signing_key, claims(audience), kid=None), syntax="v10") == 1


def test_rotated_keys_are_fetched_again(setup, server, signing_key):
    db, audience = setup
    assert db.query("1", secret=sign(signing_key, claims(audience)), syntax="v10") == 1
    new = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    server.keys = [jwk(signing_key, "k1"), jwk(new, "k2")]
    time.sleep(0.6)  # core fetches a set again for an unknown kid at most every half second
    assert db.query("1", secret=sign(new, claims(audience), kid="k2"), syntax="v10") == 1


def test_a_deleted_provider_vouches_for_nothing(setup, signing_key):
    db, audience = setup
    token = sign(signing_key, claims(audience))
    assert db.query("1", secret=token, syntax="v10") == 1
    db.query('AccessProvider.byName("idp")!.delete()', syntax="v10")
    refused(db, token)


def test_keys_that_cannot_be_fetched(signing_key):
    db = App(JWKS(timeout=1.0))
    db.query('Role.create({ name: "r", privileges: [] })', syntax="v10")
    # Nothing listens on port 9 of the loopback address.
    provider = db.query(
        f'AccessProvider.create({{ name: "idp", issuer: "{ISSUER}", jwks_uri: "https://127.0.0.1:9/jwks", roles: ["r"] }})',
        syntax="v10",
    )
    refused(db, sign(signing_key, claims(provider["audience"])), text="1")


def child_provider(server, signing_key) -> tuple[fql.Database, str]:
    """A database whose child `child` has an access provider giving role `r`: the database and a JWT."""
    server.keys = [jwk(signing_key, "k1")]
    db = fql.connect(jwks=JWKS(server.client_context))
    db.query('Database.create({ name: "child" })', syntax="v10")
    scoped = "secret:child:admin"
    db.query('Role.create({ name: "r", privileges: [] })', secret=scoped, syntax="v10")
    provider = db.query(
        f'AccessProvider.create({{ name: "idp", issuer: "{ISSUER}", jwks_uri: "{server.uri}", roles: ["r"] }})',
        secret=scoped,
        syntax="v10",
    )
    return db, sign(signing_key, claims(provider["audience"]))


def test_a_child_database_provider(server, signing_key):
    db, token = child_provider(server, signing_key)
    # The JWT works in the database its audience names.
    assert db.query("Collection.all().map(.name).toArray()", secret=token, syntax="v10") == []


def test_over_http(setup, signing_key):
    db, audience = setup
    with ServerThread(db.db) as running:
        def post(path, body, secret):
            request = urllib.request.Request(
                running.url + path, data=json.dumps(body).encode(), headers={"Authorization": f"Bearer {secret}"}
            )
            try:
                with urllib.request.urlopen(request) as response:
                    return response.status, json.loads(response.read())
            except urllib.error.HTTPError as err:
                return err.code, json.loads(err.read())

        good, bad = sign(signing_key, claims(audience)), sign(signing_key, claims(audience, sub="bob"))
        status, answer = post("/query/1", {"query": "Notes.byId('1')!.text"}, good)
        assert (status, answer["data"]) == (200, "hi")
        status, answer = post("/query/1", {"query": "1"}, bad)
        assert (status, answer["error"]["code"]) == (401, "unauthorized")
        status, answer = post("/", {"current_identity": None}, good)
        assert (status, answer) == (200, {"resource": "alice"})
        status, answer = post("/", {"current_identity": None}, bad)
        assert status == 401 and answer["errors"][0]["code"] == "unauthorized"


def test_key_from_secret_of_a_jwt_names_its_database(server, signing_key):
    db, token = child_provider(server, signing_key)
    audience = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))["aud"]
    assert db.query(f"KeyFromSecret('{token}')") == {"database": db.query("Database('child')")}
    # A JWT nobody vouches for is an unknown secret.
    with pytest.raises(fql.FQLError) as caught:
        db.query(f"KeyFromSecret('{sign(rsa.generate_private_key(public_exponent=65537, key_size=2048), claims(audience))}')")
    assert caught.value.code == "instance not found"


def test_a_jwt_sent_as_basic_auth_is_refused(setup, signing_key):
    db, audience = setup
    token = sign(signing_key, claims(audience))
    with ServerThread(db.db) as running:
        basic = base64.b64encode(f"{token}:".encode()).decode()
        request = urllib.request.Request(running.url + "/query/1", data=b'{"query": "1"}', headers={"Authorization": f"Basic {basic}"})
        with pytest.raises(urllib.error.HTTPError) as caught:
            urllib.request.urlopen(request)
        assert caught.value.code == 401


def test_the_repl_says_who_a_jwt_is(setup, signing_key):
    from fql.repl.identity import describe

    db, audience = setup
    assert describe(db.db, sign(signing_key, claims(audience))) == "a JWT from access provider 'idp' (sub 'alice')"


def test_a_provider_is_found_by_its_active_issuer_while_a_schema_is_staged(server, signing_key):
    # FQL2StagedAccessProviderSpec "looks up access provider by active issuer": a staged schema that changes
    # a provider's issuer leaves the active issuer vouching for JWTs until the commit.
    server.keys = [jwk(signing_key, "k1")]
    db = fql.connect(jwks=JWKS(server.client_context))
    db.query('Database.create({ name: "child" })', syntax="v10")
    scoped = "secret:child:admin"
    fsl = 'role foo {{}}\naccess provider bar {{\n  issuer "{}"\n  jwks_uri "{}"\n  role foo\n}}'
    staged_issuer = "https://zzzzzzzzzzz.auth0.com"
    db.push_schema({"main.fsl": fsl.format(ISSUER, server.uri)}, secret=scoped)
    audience = db.query('AccessProvider.byName("bar")!.audience', secret=scoped, syntax="v10")
    db.push_schema({"main.fsl": fsl.format(staged_issuer, server.uri)}, secret=scoped, staged=True)
    assert db.query("1", secret=sign(signing_key, claims(audience)), syntax="v10") == 1
    refused(db, sign(signing_key, claims(audience, iss=staged_issuer)), text="1")
    db.commit_schema(secret=scoped)
    assert db.query("1", secret=sign(signing_key, claims(audience, iss=staged_issuer)), syntax="v10") == 1
    refused(db, sign(signing_key, claims(audience)), text="1")


def test_fql2_auth_spec_access_providers_works(server, signing_key):
    # FQL2AuthSpec "access providers" / "works": each of a provider's roles goes to the JWTs its predicate
    # accepts; a JWT no predicate accepts does not authenticate.
    server.keys = [jwk(signing_key, "k1")]
    db = App(JWKS(server.client_context))
    for name in ("Books", "Users"):
        db.query(f"Collection.create({{ name: '{name}' }})", syntax="v10")
        db.query(f'Role.create({{ name: "Create{name}", privileges: {{ resource: "{name}", actions: {{ create: true }} }} }})', syntax="v10")
    audience = db.query(
        f'AccessProvider.create({{ name: "anAccessProvider", issuer: "{ISSUER}", jwks_uri: "{server.uri}", roles: ['
        "{ role: \"CreateBooks\", predicate: 'payload => \"CreateBooks\" == payload.sub' }, "
        "{ role: \"CreateUsers\", predicate: 'payload => \"CreateUsers\" == payload.sub' }] }).audience",
        syntax="v10",
    )
    for sub, allowed, other in (("CreateBooks", "Books", "Users"), ("CreateUsers", "Users", "Books")):
        token = sign(signing_key, claims(audience, sub=sub, exp=int(time.time()) + 60))
        db.query(f"{allowed}.create({{}})", secret=token, syntax="v10")
        with pytest.raises(fql.FQLError) as caught:
            db.query(f"{other}.create({{}})", secret=token, syntax="v10")
        assert (caught.value.code, caught.value.description) == (
            "permission denied", "Insufficient privileges to perform the action."
        )
    refused(db, sign(signing_key, claims(audience, sub="invalid subject")), text="1")


# -- core's JWTAuthSpec (ext/model/src/test/scala/auth/JWTAuthSpec.scala) and what core's JWT, JWTValidator
# and JWKS read (ext/net/src/main/scala/security/) -----------------------------------------------------------


def plain_roles(db):
    """The provider gives `reader` with no predicate, as the spec's providers give their role."""
    db.query("Update(AccessProvider('idp'), { roles: [Role('reader')] })")


def test_jwt_auth_spec_works_with_non_required_fields(setup, signing_key):
    # "works with non required fields": a payload of `iss` and `aud` alone logs in (no `exp` is needed).
    db, audience = setup
    plain_roles(db)
    token = sign(signing_key, {"iss": ISSUER, "aud": audience})
    assert db.query("Notes.byId('1')!.text", secret=token, syntax="v10") == "hi"
    assert db.query("CurrentToken()", secret=token) == {"iss": ISSUER, "aud": audience}


def test_exp_and_nbf_are_read_only_as_integers(setup, signing_key):
    # JWT.getExpiresAt / getNotBefore read a JSON long (`asOpt[Long]`): a fractional or string `exp` or
    # `nbf` is not checked at all, however far in the past or future it is.
    db, audience = setup
    plain_roles(db)
    now = int(time.time())
    for claim in ({"exp": now - 600.0}, {"exp": str(now - 600)}, {"nbf": now + 600.0}, {"nbf": 1e300}):
        assert db.query("1", secret=sign(signing_key, {"iss": ISSUER, "aud": audience, **claim}), syntax="v10") == 1
    refused(db, sign(signing_key, {"iss": ISSUER, "aud": audience, "exp": now - 600}), text="1")
    refused(db, sign(signing_key, {"iss": ISSUER, "aud": audience, "nbf": now + 600}), text="1")


def test_json_core_cannot_read_makes_a_jwt_invalid(setup, signing_key):
    # Core parses the header and payload with Jackson's defaults (JWT.apply, JSON.tryParse): no NaN or
    # Infinity, and an integer must fit a long (getValueAsLong), or the token is invalid.
    db, audience = setup
    plain_roles(db)
    for value in (float("nan"), float("inf"), 2**63, -(2**63) - 1):
        refused(db, sign(signing_key, {"iss": ISSUER, "aud": audience, "x": value}), text="1")
    # Of a claim given twice, core's JSObject finds the first (`value find`): here an `exp` long past.
    past = int(time.time()) - 600
    text = f'{{"iss": "{ISSUER}", "aud": "{audience}", "exp": {past}, "exp": {past + 1200}}}'
    signed = f"{b64(json.dumps({'alg': 'RS256', 'kid': 'k1'}).encode())}.{b64(text.encode())}"
    refused(db, f"{signed}.{b64(signing_key.sign(signed.encode(), padding.PKCS1v15(), hashes.SHA256()))}", text="1")
    token = sign(signing_key, {"iss": ISSUER, "aud": audience, "x": 2**63 - 1, "y": -(2**63), "z": 1.5})
    assert db.query("Select('x', CurrentToken())", secret=token) == 2**63 - 1
    assert db.query("let t = Query.token(); [t.y, t.z]", secret=token, syntax="v10") == [-(2**63), 1.5]


def test_a_kid_that_is_no_string_is_no_kid(setup, signing_key):
    # JWT.getKeyId is `asOpt[String]`: a numeric `kid` is none, so a set of one key is used.
    db, audience = setup
    plain_roles(db)
    signed = f"{b64(json.dumps({'alg': 'RS256', 'kid': 5}).encode())}.{b64(json.dumps({'iss': ISSUER, 'aud': audience}).encode())}"
    token = f"{signed}.{b64(signing_key.sign(signed.encode(), padding.PKCS1v15(), hashes.SHA256()))}"
    assert db.query("1", secret=token, syntax="v10") == 1


@pytest.mark.parametrize("kid", ["k1", None])
def test_an_rsa_key_that_makes_no_public_key_stays_in_its_set(server, signing_key, kid):
    # core's JWKS keeps every key of kty "RSA" (RSAJWK, its publicKey None when `n` or `e` make none):
    # findJWK finds the first with the token's kid, or, for a token with none, the only key of the set;
    # a broken first key, or a second key beside it, leaves the token unverified.
    server.keys = [{"kty": "RSA", "n": "", "e": "AQAB", **({"kid": kid} if kid else {})}, jwk(signing_key, kid)]
    db, audience = app_provider(server)
    refused(db, sign(signing_key, {"iss": ISSUER, "aud": audience}, kid=kid), text="1")


def test_the_key_set_is_asked_for_by_its_path(server, signing_key):
    # JWKUrlProvider.getJWKS asks the host for `url.getPath`: a query string in `jwks_uri` is not sent.
    server.keys = [jwk(signing_key, "k1")]
    db, audience = app_provider(server, jwks_uri=f"{server.uri}?tenant=1")
    server.paths.clear()
    assert db.query("1", secret=sign(signing_key, {"iss": ISSUER, "aud": audience}), syntax="v10") == 1
    assert server.paths == ["/.well-known/jwks.json"]


def test_a_key_set_that_redirects_is_not_followed(server, signing_key):
    # Core's HttpClient (Netty) follows no redirect: JWKUrlProvider.getJWKS takes any answer but 200 or
    # 304 as a JWKSError, and the JWT is refused.
    server.keys = [jwk(signing_key, "k1")]
    db, audience = app_provider(server, jwks_uri=server.uri.replace("/.well-known/jwks.json", "/moved"))
    server.paths.clear()
    refused(db, sign(signing_key, {"iss": ISSUER, "aud": audience}), text="1")
    assert server.paths == ["/moved"]


def test_base64url_as_java_decodes_it(setup, server, signing_key):
    # Core decodes a token's parts and a key's `n` and `e` with Java's URL decoder (Base64.decodeUrlSafe):
    # padding that does not complete the last unit, or a character of standard base64, fails it.
    db, audience = setup
    plain_roles(db)
    header = b64(json.dumps({"alg": "RS256", "kid": "k1"}).encode())
    payload = b64(json.dumps({"iss": ISSUER, "aud": audience}).encode())

    def signed(head: str) -> str:
        text = f"{head}.{payload}"
        return f"{text}.{b64(signing_key.sign(text.encode(), padding.PKCS1v15(), hashes.SHA256()))}"

    # JWT.apply splits with Java's Pattern.split, which drops trailing empty strings: dots after the
    # signature are no parts, and a token with an empty signature is two.
    assert db.query("1", secret=signed(header) + "..", syntax="v10") == 1
    refused(db, f"{header}.{payload}.", text="1")
    assert len(header) % 4 == 3  # (29 bytes of JSON: one `=` completes the last unit)
    assert db.query("1", secret=signed(header), syntax="v10") == 1
    assert db.query("1", secret=signed(header + "="), syntax="v10") == 1
    refused(db, signed(header + "=="), text="1")
    refused(db, signed(header[:-1] + "+"), text="1")
    # An `e` of "AQAB=" is no exponent to Java: the set's only key verifies nothing.
    server.keys = [{**jwk(signing_key, "k1"), "e": "AQAB="}]
    fresh, aud = app_provider(server)
    refused(fresh, sign(signing_key, {"iss": ISSUER, "aud": aud}), text="1")


def test_jwt_logs_in_to_the_top_database_and_a_child(server, signing_key):
    # Core's "forbid root scope" refuses its internal root, the database above the accounts; fql's top
    # database plays an account's top database, whose providers vouch for JWTs as a child's do.
    server.keys = [jwk(signing_key, "k1")]
    db = fql.connect(jwks=JWKS(server.client_context))
    db.query('Role.create({ name: "r", privileges: [] })', syntax="v10")
    audience = db.query(
        f'AccessProvider.create({{ name: "idp", issuer: "{ISSUER}", jwks_uri: "{server.uri}", roles: ["r"] }}).audience',
        syntax="v10",
    )
    assert db.query("1", secret=sign(signing_key, {"iss": ISSUER, "aud": audience}), syntax="v10") == 1
    app, audience = app_provider(server)
    assert app.query("1", secret=sign(signing_key, {"iss": ISSUER, "aud": audience}), syntax="v10") == 1
