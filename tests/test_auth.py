"""Authentication: secrets, passwords (argon2), Login/Logout/Identify, tokens, keys and the Current* functions."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

import pytest
from argon2 import PasswordHasher

import fql
from fql.auth import credentials, secrets
from fql.auth.credentials import TEST_PARAMS, Argon2Params, Passwords
from fql.errors import FQLError
from tests.helpers import query_error as error

LOGIN_FAILED = "The document was not found or provided password was incorrect."
DENIED = "Insufficient privileges to perform the action."
ARGON2_PARAMS = re.compile(r"^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$")


# -- helpers (also used by test_permissions.py and test_sessions.py) ------------------------------------


def ref(value: fql.Ref) -> str:
    return fql.to_fql(value)


def user(db: fql.Database, email: str, password: str | None = "pw", coll: str = "users") -> fql.Ref:
    """Create a user (with a password unless None) and return its ref."""
    creds = f', credentials: {{password: "{password}"}}' if password is not None else ""
    return db.query(f'Create(Collection("{coll}"), {{data: {{email: "{email}"}}{creds}}})')["ref"]


def login(db: fql.Database, who: fql.Ref, password: str = "pw", extra: str = "") -> dict:
    return db.query(f'Login({ref(who)}, {{password: "{password}"{extra}}})')


def advance(db: fql.Database, seconds: float) -> None:
    """Move the memory storage's clock forward: the next query runs `seconds` later."""
    db.storage.last_ts += int(seconds * 1_000_000)


@pytest.fixture
def db() -> fql.Database:
    database = fql.connect(argon2=TEST_PARAMS)
    database.query('CreateCollection({name: "users"})')
    database.query(
        'CreateIndex({name: "users_by_email", source: Collection("users"), '
        'terms: [{field: ["data", "email"]}], permissions: {read: "public"}})'
    )
    return database


@pytest.fixture
def alice(db) -> fql.Ref:
    return user(db, "alice@x")


# -- secrets ---------------------------------------------------------------------------------------------


def _decoded(secret: str) -> bytes:
    body = secret[len(secrets.PREFIX) :]
    return base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))


def test_secrets_carry_at_least_128_random_bits_from_the_secrets_module(db, alice, monkeypatch):
    drawn: list[bytes] = []
    real = secrets._random.token_bytes

    def spy(n: int) -> bytes:
        drawn.append(real(n))
        return drawn[-1]

    monkeypatch.setattr(secrets._random, "token_bytes", spy)
    issued = [
        db.query('CreateKey({role: "server"})')["secret"],
        login(db, alice)["secret"],
        db.query(f"Create(Tokens(), {{instance: {ref(alice)}}})")["secret"],
    ]
    assert len(drawn) == 3
    for secret, random in zip(issued, drawn):
        assert len(random) * 8 >= 128
        assert _decoded(secret).endswith(random)
    assert len(set(issued)) == 3


def test_secrets_and_passwords_are_stored_only_hashed(db, alice):
    key = db.query('CreateKey({role: "admin"})')
    token = login(db, alice, extra=', data: {name: "t"}')
    minted = db.query(f"Create(Tokens(), {{instance: {ref(alice)}}})")
    db.query(f'Update({ref(token["ref"])}, {{data: {{meta: "data"}}}})')
    db.query("Paginate(Documents(Collection(\"users\")))", secret=key["secret"])
    stored = repr(db.storage.versions) + repr(db.storage.indexes) + repr(db.storage.collections)
    for secret in (key["secret"], token["secret"], minted["secret"]):
        assert secret not in stored
        assert _decoded(secret)[-secrets.RANDOM_BYTES :].hex() not in stored
    assert '"pw"' not in stored and "'pw'" not in stored
    assert key["hashed_secret"] in stored and key["hashed_secret"] != key["secret"]


def test_secrets_are_compared_in_constant_time(db, alice, monkeypatch):
    key = db.query('CreateKey({role: "server"})')["secret"]
    token = login(db, alice)["secret"]
    calls: list[tuple] = []
    real = hmac.compare_digest

    def spy(a, b):
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    for secret in (key, token):
        calls.clear()
        db.query("null", secret=secret)
        # the root-secret check, then the stored hash against the presented secret hashed with its salt
        stored = db.query(f'Select("hashed_secret", KeyFromSecret("{secret}"))').encode()
        assert (stored, stored) in calls


def test_secret_hashes_are_salted_bcrypt_as_cores():
    secret = secrets.make(secrets.KEY, "1", "")
    first, second = secrets.digest(secret), secrets.digest(secret)
    assert first.startswith("$2a$05$") and len(first) == 60 and first != second
    assert secrets.matches(secret, first) and secrets.matches(secret, second)
    assert not secrets.matches(secrets.make(secrets.KEY, "1", ""), first)
    assert not secrets.matches(secret, None) and not secrets.matches(secret, "taco")


def test_a_checked_secret_is_remembered_per_stored_hash(monkeypatch):
    secret = secrets.make(secrets.TOKEN, "2", "")
    hashed = secrets.digest(secret)
    runs: list[bytes] = []
    real = secrets.bcrypt.hashpw

    def spy(password, salt):
        runs.append(salt)
        return real(password, salt)

    monkeypatch.setattr(secrets.bcrypt, "hashpw", spy)
    # the hash just made is remembered as checked: the secret's first use costs no bcrypt run
    assert all(secrets.matches(secret, hashed) for _ in range(3)) and runs == []
    # another hash of the same secret (the key was given it again elsewhere) is checked once, then remembered
    rehashed = real(secrets._random_part(secret), secrets.bcrypt.gensalt(secrets.ROUNDS)).decode()
    assert all(secrets.matches(secret, rehashed) for _ in range(3)) and runs == [rehashed.encode()]
    assert not secrets.matches(secrets.make(secrets.TOKEN, "2", ""), rehashed) and len(runs) == 2
    # what is remembered names the secret by its SHA-256, never in the clear
    assert not any(secret in (k if isinstance(k, str) else "") for entry in secrets._CHECKS.done for k in entry)
    assert (hashlib.sha256(secret.encode()).digest(), hashed) in secrets._CHECKS.done


def test_an_unsalted_hash_stored_before_still_matches():
    secret = secrets.make(secrets.KEY, "3", "")
    assert secrets.matches(secret, hashlib.sha256(secret.encode()).hexdigest())
    assert not secrets.matches(secret, hashlib.sha256(b"other").hexdigest())


def test_a_key_created_at_an_id_takes_a_given_hash_or_its_own_secret(db):
    # core's KeyWriteConfig: a hashed_secret (final: set at create only) or the key's own secret, no new one
    made = db.query('CreateKey({role: "server"})')
    db.query(f"Delete({ref(made['ref'])})")
    again = db.query(f'Create({ref(made["ref"])}, {{role: "server", hashed_secret: "{made["hashed_secret"]}"}})')
    assert again["ref"] == made["ref"] and "secret" not in again
    assert again["hashed_secret"] == made["hashed_secret"]
    assert db.query("Add(1, 2)", secret=made["secret"]) == 3
    db.query(f"Delete({ref(made['ref'])})")
    own = db.query(f'Create({ref(made["ref"])}, {{role: "client", secret: "{made["secret"]}"}})')
    assert own["hashed_secret"] != made["hashed_secret"] and "secret" not in own
    assert db.query("Add(1, 2)", secret=made["secret"]) == 3
    other = db.query('CreateKey({role: "server"})')["secret"]
    failure = error(db, f'Create(Ref(Keys(), "7"), {{role: "server", secret: "{other}"}})')
    assert failure.failures[0]["code"] == "invalid secret"
    assert error(db, f'Create({ref(made["ref"])}, {{role: "server"}})').code == "instance already exists"


def test_keys_and_tokens_at_negative_ids_have_working_secrets(db):
    # An id is a Long (RefParser), so Create at a negative id makes a key or token (WriteFunctions.scala's
    # DocID case), whose secret names that id.
    db.query('CreateCollection({name: "people"})')
    db.query('Create(Ref(Collection("people"), "-3"), {})')
    key = db.query('Create(Ref(Keys(), "-1"), {role: "server"})')["secret"]
    assert db.query("Add(1, 2)", secret=key) == 3
    token = db.query('Create(Ref(Tokens(), "-2"), {instance: Ref(Collection("people"), "-3")})')["secret"]
    assert db.query("CurrentIdentity()", secret=token) == db.query('Ref(Collection("people"), "-3")')


def test_v10_key_create_may_not_give_its_hash(db):
    # A v10 create validates its fields before core's Keys.create writes the hash: `hashed_secret` is an
    # internal field of the Key schema, so giving it is `Unexpected field provided` (SchemaType.validateField);
    # v4's Create keeps a given one (untypechecked: it is no field of the create signature core's checker knows)
    query = fql.parse('Key.create({role: "server", hashed_secret: "x"}).secret', "v10")
    with pytest.raises(fql.FQLError) as caught:
        db.run_with_state(query, syntax="v10", typecheck=False)
    assert caught.value.description == "Failed to create Key."
    query = fql.parse('Key.create({role: "server", hashed_secret: null}).secret', "v10")
    secret = db.run_with_state(query, syntax="v10", typecheck=False)[0]
    assert db.query("Add(1, 2)", secret=secret) == 3


def test_a_key_id_taken_in_another_database_is_a_duplicate_value(db):
    db.query('CreateDatabase({name: "other"})')
    admin = db.query('CreateKey({role: "admin", database: Database("other")})')["secret"]
    made = db.query('CreateKey({role: "server"})')
    for field in ("hashed_secret", "secret"):
        failure = error(db, f'Create({ref(made["ref"])}, {{role: "server", {field}: "{made[field]}"}})', admin)
        assert (failure.code, failure.failures) == (
            "validation failed",
            [{"field": [field], "code": "duplicate value", "description": "Value is not unique."}],
        )


def test_v4_delete_of_a_database_leaves_its_keys_and_v10s_deletes_them(db):
    for syntax, delete in (("v4", 'Delete(Database("d"))'), ("v10", 'Database.byName("d")!.delete()')):
        db.query('CreateDatabase({name: "d"})')
        made = db.query('CreateKey({role: "server", database: Database("d")})')
        db.query(delete, syntax=syntax)
        assert error(db, "1", made["secret"]).code == "unauthorized"
        assert db.query(f"Exists({ref(made['ref'])})") is (syntax == "v4")
        db.query('CreateDatabase({name: "d"})')
        assert error(db, "1", made["secret"]).code == "unauthorized"  # another database of the name
        if syntax == "v4":
            db.query(f'Update({ref(made["ref"])}, {{data: {{n: 1}}}})')
            assert db.query("1", secret=made["secret"]) == 1
            db.query('Delete(Database("d"))')


def test_a_secret_with_a_wrong_random_part_is_unauthorized(db):
    secret = db.query('CreateKey({role: "admin"})')["secret"]
    raw = bytearray(_decoded(secret))
    raw[-1] ^= 1
    forged = secrets.PREFIX + base64.urlsafe_b64encode(bytes(raw)).decode().rstrip("=")
    assert error(db, "null", forged).code == "unauthorized"
    for garbage in ("", "fn", "fnAAAA", "nope", "secret ", "x" * 200):
        assert error(db, "null", garbage).code == "unauthorized"


@pytest.mark.parametrize("secret", ["\ud800", "secret\ud800", "secret:\ud800:admin", "eyJ\ud800.x", "fn\udfff"])
def test_a_secret_with_a_lone_surrogate_is_only_a_wrong_one(db, secret):
    # The embedding API takes any Python string as a secret, and a query's "\ud800" escape makes one for
    # KeyFromSecret: each is refused as a wrong secret, never a UnicodeEncodeError.
    for syntax in ("v4", "v10"):
        assert error(db, "null", secret, syntax=syntax).code == "unauthorized"
    escaped = secret.encode("ascii", "backslashreplace").decode()
    err = error(db, f'KeyFromSecret("{escaped}")')
    assert (err.code, err.description) == ("instance not found", f"No key found for secret {secret}.")



def test_a_secret_of_nothing_there_costs_one_bcrypt_check_as_a_wrong_one_does(db, alice, monkeypatch):
    # A secret is refused after one bcrypt check (of the stored hash's cost) whether its key or token is
    # there with another secret, deleted, never made, or in a database that is gone: how long the answer
    # takes tells nothing of what exists.
    gone = db.query('Select("global_id", CreateDatabase({name: "gone"}))')
    db.query('Delete(Database("gone"))')
    deleted = db.query('CreateKey({role: "server"})')
    db.query(f'Delete({ref(deleted["ref"])})')
    live = db.query('CreateKey({role: "server"})')["secret"]
    wrong = secrets.make(secrets.KEY, secrets.parse(live).id, "")
    token = login(db, alice)
    runs: list[bytes] = []
    real = secrets.bcrypt.hashpw
    monkeypatch.setattr(secrets.bcrypt, "hashpw", lambda password, salt: runs.append(salt) or real(password, salt))
    for secret in (
        wrong,  # a live key's id, another random part
        secrets.make(secrets.TOKEN, secrets.parse(token["secret"]).id, ""),  # a live token's id
        secrets.make(secrets.KEY, secrets.parse(deleted["secret"]).id, ""),  # a deleted key
        secrets.make(secrets.KEY, "12345", ""),  # no such key
        secrets.make(secrets.TOKEN, "12345", ""),  # no such token
        secrets.make(secrets.KEY, "12345", "999"),  # no such database
        secrets.make(secrets.TOKEN, "1", gone),  # a token of a deleted database
    ):
        runs.clear()
        assert error(db, "null", secret).code == "unauthorized"
        assert len(runs) == 1 and runs[0].startswith(b"$2a$05$"), secret

# -- Login failures ----------------------------------------------------------------------------------------


@pytest.fixture
def argon2_calls(monkeypatch) -> list[str]:
    """Every argon2 verification run, as the hash it checked against."""
    seen: list[str] = []
    real = PasswordHasher.verify

    def spy(self, hashed, password):
        seen.append(hashed if isinstance(hashed, str) else hashed.decode())
        return real(self, hashed, password)

    monkeypatch.setattr(PasswordHasher, "verify", spy)
    return seen


@pytest.mark.parametrize(
    "identity, params",
    [
        ('Match(Index("users_by_email"), "nobody@x")', '{password: "pw"}'),  # empty set
        ('Ref(Collection("users"), "123")', '{password: "pw"}'),  # no such document
        ('Match(Index("users_by_email"), "nopw@x")', '{password: "pw"}'),  # no credentials
        ('Match(Index("users_by_email"), "alice@x")', '{password: "wrong"}'),  # wrong password
        ('Match(Index("users_by_email"), "alice@x")', "{}"),  # no password
    ],
    ids=["empty-set", "missing-document", "no-credentials", "wrong-password", "no-password"],
)
def test_login_failures_look_alike_and_cost_one_argon2_verify(db, alice, argon2_calls, monkeypatch, identity, params):
    user(db, "nopw@x", password=None)
    verified: list[str | None] = []
    real = Passwords.verify
    monkeypatch.setattr(Passwords, "verify", lambda self, h, p: verified.append(h) or real(self, h, p))
    argon2_calls.clear()
    err = error(db, f"Login({identity}, {params})")
    assert (err.code, err.description, list(err.position)) == ("authentication failed", LOGIN_FAILED, [])
    assert len(verified) == 1 and len(argon2_calls) == 1
    # the dummy hash has the configured cost, so a missing identity costs what a wrong password does
    assert ARGON2_PARAMS.match(argon2_calls[0]).groups() == ("64", "1", "1")


def test_login_failure_position_and_rollback(db, alice):
    err = error(db, f'Let({{t: Login({ref(alice)}, {{password: "bad"}})}}, Var("t"))')
    assert err.code == "authentication failed" and list(err.position) == ["let", "t"]
    err = error(db, f'Do(Create(Collection("users"), {{}}), Login({ref(alice)}, {{password: "bad"}}))')
    assert err.code == "authentication failed"
    assert db.query('Count(Documents(Collection("users")))') == 1


def test_login_password_of_the_wrong_type_is_a_validation_failure(db, alice):
    err = error(db, f"Login({ref(alice)}, {{password: 1}})")
    assert err.code == "validation failed"
    assert err.failures == [
        {"field": ["password"], "code": "invalid type", "description": "Invalid type Long, expected type String."}
    ]
    err = error(db, f"Login({ref(alice)}, 1)")
    assert (err.code, err.description, list(err.position)) == (
        "invalid argument",
        "Object expected, Integer provided.",
        ["params"],
    )
    err = error(db, 'Login("x", {password: "pw"})')
    assert (err.code, list(err.position)) == ("invalid argument", ["login"])


def test_login_returns_the_token_with_its_secret_once(db, alice):
    token = db.query('Login(Match(Index("users_by_email"), "alice@x"), {password: "pw", data: {name: "web"}})')
    # The params first, then the identity Login adds (core's LoginFunction), as Fauna's tutorials print it.
    assert list(token) == ["ref", "ts", "data", "instance", "secret"]
    assert token["instance"] == alice and token["data"] == {"name": "web"}
    assert token["ref"].collection == fql.Ref("tokens")
    assert token["secret"].startswith("fn")
    stored = db.query(f"Get({ref(token['ref'])})")
    assert list(stored) == ["ref", "ts", "data", "instance", "hashed_secret"]
    assert "secret" not in stored
    assert login(db, alice)["ref"] != token["ref"]  # each call creates a new token


def test_identify_never_errors_for_missing_identities(db, alice):
    user(db, "nopw@x", password=None)
    assert db.query(f'Identify({ref(alice)}, "pw")') is True
    assert db.query('Identify(Match(Index("users_by_email"), "alice@x"), "pw")') is True
    for identity, password in [
        (ref(alice), "wrong"),
        ('Ref(Collection("users"), "123")', "pw"),
        ('Match(Index("users_by_email"), "nobody@x")', "pw"),
        ('Match(Index("users_by_email"), "nopw@x")', "pw"),
    ]:
        assert db.query(f'Identify({identity}, "{password}")') is False
    err = error(db, f"Identify({ref(alice)}, 1)")
    assert (err.code, err.description, list(err.position)) == (
        "invalid argument",
        "String expected, Integer provided.",
        ["password"],
    )


def test_login_and_identify_take_the_first_of_a_set_the_role_may_only_read_as_an_index(db, alice):
    # Core checks the set as a read of it (setForRead) but takes its head without a Paginate's
    # per-document filter (snapshotHead): a role that reads the index and not the users logs them in,
    # while a Paginate of the same set shows it nothing.
    db.query('CreateRole({name: "by_email", privileges: [{resource: Index("users_by_email"), actions: {read: true}}]})')
    db.query('CreateRole({name: "nothing", privileges: [{resource: Collection("users"), actions: {create: true}}]})')
    secret = db.query('CreateKey({role: Role("by_email")})')["secret"]
    match = 'Match(Index("users_by_email"), "alice@x")'
    assert db.query(f"Paginate({match})", secret=secret).data == []
    token = db.query(f'Login({match}, {{password: "pw"}})', secret=secret)
    assert token["instance"] == alice
    assert db.query(f'Identify({match}, "pw")', secret=secret) is True
    assert error(db, f'Login({match}, {{password: "no"}})', secret).code == "authentication failed"
    # Without a read of the index the set itself is refused.
    other = db.query('CreateKey({role: Role("nothing")})')["secret"]
    assert error(db, f'Login({match}, {{password: "pw"}})', other).code == "permission denied"


@pytest.mark.parametrize("call", ['Login(Keys(), {password: "pw"})', 'Identify(Keys(), "pw")'])
def test_a_set_the_caller_may_not_read_is_refused_at_the_call(db, call):
    # Core's LoginFunction and IdentifyFunction check their set with setForRead at `pos at "login"`
    # (or "identify"): the denial points into the call, as Get's does at ["get"].
    secret = db.query('CreateKey({role: "client"})')["secret"]
    err = error(db, f"Let({{x: {call}}}, 1)", secret)
    name = call.split("(")[0].lower()
    assert (err.code, err.description, list(err.position)) == ("permission denied", DENIED, ["let", "x", name])


def test_identify_runs_argon2_even_for_a_missing_identity(db, argon2_calls):
    argon2_calls.clear()
    assert db.query('Identify(Ref(Collection("users"), "123"), "pw")') is False
    assert len(argon2_calls) == 1




def test_identify_checks_a_child_databases_document_against_its_own_credentials(db):
    # Core's IdentifyFunction reads the credentials in the ref's own scope (ReadAdaptor.getCredentials),
    # a set's head too, so a parent's secret checks a child database's user.
    db.query('CreateDatabase({name: "child"})')
    child = "secret:child:admin"
    db.query('CreateCollection({name: "users"})', secret=child)
    db.query('CreateIndex({name: "by_email", source: Collection("users"), terms: [{field: ["data", "email"]}]})', secret=child)
    db.query('Create(Ref(Collection("users"), "1"), {credentials: {password: "pw"}, data: {email: "a@x"}})', secret=child)
    db.query('Create(Ref(Collection("users"), "2"), {data: {email: "b@x"}})', secret=child)
    theirs = 'Ref(Collection("users", Database("child")), "{}")'
    match = 'Match(Index("by_email", Database("child")), "{}")'
    server = db.query('CreateKey({role: "server"})')["secret"]
    for secret in (None, server):
        assert db.query(f'Identify({theirs.format(1)}, "pw")', secret=secret) is True
        assert db.query(f'Identify({match.format("a@x")}, "pw")', secret=secret) is True
        for identity, password in [(theirs.format(1), "no"), (theirs.format(2), "pw"), (match.format("b@x"), "pw")]:
            assert db.query(f'Identify({identity}, "{password}")', secret=secret) is False
# -- argon2 parameters ---------------------------------------------------------------------------------


def test_default_argon2_parameters_are_owasps_minimum():
    assert Argon2Params() == Argon2Params(memory_kib=19 * 1024, time_cost=2, parallelism=1)
    default = fql.connect()
    assert default.passwords.params == Argon2Params()
    default.query('CreateCollection({name: "users"})')
    who = user(default, "a@x")
    secret = login(default, who)["secret"]
    hashed = default.query('Select("hashed_password", Get(Ref(Credentials(), "self")))', secret=secret)
    assert ARGON2_PARAMS.match(hashed).groups() == ("19456", "2", "1")


def test_argon2_parameters_are_configurable():
    db = fql.connect(argon2=Argon2Params(memory_kib=128, time_cost=3, parallelism=2))
    db.query('CreateCollection({name: "users"})')
    user(db, "a@x")
    hashed = db.query('Select("hashed_password", Get(Select(["data", 0], Paginate(Documents(Credentials())))))')
    assert ARGON2_PARAMS.match(hashed).groups() == ("128", "3", "2")
    assert TEST_PARAMS.memory_kib < Argon2Params().memory_kib


def _hash_of(db: fql.Database, who: fql.Ref) -> str:
    creds = db.query("Map(Paginate(Documents(Credentials())), Lambda('c', Get(Var('c'))))").data
    return next(c["hashed_password"] for c in creds if c["instance"] == who)


def test_a_hash_with_old_parameters_is_rehashed_on_the_next_successful_login(db, alice):
    old = _hash_of(db, alice)
    assert ARGON2_PARAMS.match(old).groups() == ("64", "1", "1")
    token = login(db, alice)["secret"]
    db.passwords = Passwords(Argon2Params(memory_kib=128, time_cost=2, parallelism=1))
    assert db.query(f'Identify({ref(alice)}, "pw")') is True
    error(db, f'Login({ref(alice)}, {{password: "bad"}})')
    assert _hash_of(db, alice) == old  # neither Identify nor a failed login rehash
    login(db, alice)
    new = _hash_of(db, alice)
    assert ARGON2_PARAMS.match(new).groups() == ("128", "2", "1")
    assert db.passwords.needs_rehash(old) and not db.passwords.needs_rehash(new)
    login(db, alice)
    assert _hash_of(db, alice) == new  # no rehash once current
    assert db.query("CurrentIdentity()", secret=token) == alice  # existing tokens stay valid


def test_passwords_verify_checks_a_dummy_hash_when_there_is_none():
    passwords = Passwords(TEST_PARAMS)
    assert passwords.verify(None, "fql dummy password for constant-time failures") is False
    assert passwords.verify("not a hash", "pw") is False
    assert passwords.verify(passwords.hash("pw"), "pw") is True
    assert credentials.TEST_PARAMS == TEST_PARAMS


# -- revoked secrets are unauthorized everywhere ------------------------------------------------------------


def _revoked_token(db: fql.Database, alice: fql.Ref, how: str) -> str:
    if how == "expired":
        return login(db, alice, extra=', ttl: TimeSubtract(Now(), 1, "second")')["secret"]
    if how == "ttl-passed":
        secret = login(db, alice, extra=', ttl: TimeAdd(Now(), 2, "seconds")')["secret"]
        assert db.query("HasCurrentIdentity()", secret=secret) is True
        advance(db, 3)
        return secret
    if how == "ttl-updated":
        token = db.query(f"Create(Tokens(), {{instance: {ref(alice)}}})")
        db.query(f"Update({ref(token['ref'])}, {{ttl: Now()}})")
        return token["secret"]
    token = login(db, alice)
    if how == "deleted":
        db.query(f"Delete({ref(token['ref'])})")
    elif how == "logout":
        assert db.query("Logout(false)", secret=token["secret"]) is True
    elif how == "logout-all":
        other = login(db, alice)["secret"]
        assert db.query("Logout(true)", secret=other) is True
    elif how == "identity-deleted":
        db.query(f"Delete({ref(alice)})")
    return token["secret"]


def _revoked_key(db: fql.Database, how: str) -> str:
    if how == "expired":
        return db.query('CreateKey({role: "admin", ttl: TimeSubtract(Now(), 1, "second")})')["secret"]
    if how == "ttl-passed":
        secret = db.query('CreateKey({role: "admin", ttl: TimeAdd(Now(), 2, "seconds")})')["secret"]
        db.query("null", secret=secret)
        advance(db, 3)
        return secret
    if how == "database-deleted":
        db.query('CreateDatabase({name: "gone"})')
        secret = db.query('CreateKey({role: "admin", database: Database("gone")})')["secret"]
        db.query('Delete(Database("gone"))')
        return secret
    key = db.query('CreateKey({role: "admin"})')
    db.query(f"Delete({ref(key['ref'])})")
    return key["secret"]


def _assert_unauthorized_everywhere(db: fql.Database, secret: str) -> None:
    for text in ("null", "Paginate(Collections())", "CurrentIdentity()", "Logout(true)"):
        assert error(db, text, secret).code == "unauthorized"
    for scoped in (f"{secret}:admin", f"{secret}:@doc/users/1", f"{secret}:bogus"):
        assert error(db, "null", scoped).code == "unauthorized"
    session = db.session()
    with pytest.raises(FQLError) as info:
        session.authenticate(secret)
    assert info.value.code == "unauthorized" and session.secret is None
    with pytest.raises(FQLError) as info:
        db.session(secret).query("null")
    assert info.value.code == "unauthorized"
    err = error(db, f'KeyFromSecret("{secret}")')
    assert (err.code, err.description) == ("instance not found", f"No key found for secret {secret}.")


@pytest.mark.parametrize(
    "how", ["expired", "ttl-passed", "ttl-updated", "deleted", "logout", "logout-all", "identity-deleted"]
)
def test_a_revoked_token_is_unauthorized_on_every_path(db, alice, how):
    _assert_unauthorized_everywhere(db, _revoked_token(db, alice, how))


@pytest.mark.parametrize("how", ["expired", "ttl-passed", "deleted", "database-deleted"])
def test_a_revoked_key_is_unauthorized_on_every_path(db, how):
    _assert_unauthorized_everywhere(db, _revoked_key(db, how))


def test_logout_all_revokes_every_token_of_the_identity_only(db, alice):
    bob = user(db, "bob@x")
    mine = [login(db, alice)["secret"] for _ in range(3)]
    minted = db.query(f"Create(Tokens(), {{instance: {ref(alice)}}})")["secret"]
    theirs = login(db, bob)["secret"]
    assert db.query("Logout(true)", secret=mine[0]) is True
    for secret in [*mine, minted]:
        assert error(db, "null", secret).code == "unauthorized"
    assert db.query("CurrentIdentity()", secret=theirs) == bob
    assert db.query("Count(Documents(Tokens()))") == 1


def test_logout_false_revokes_only_the_calling_token(db, alice):
    first, second = login(db, alice)["secret"], login(db, alice)["secret"]
    assert db.query("Logout(false)", secret=first) is True
    assert error(db, "null", first).code == "unauthorized"
    assert db.query("CurrentIdentity()", secret=second) == alice
    # Logout(false) twice in one query is fine (core ignores a token already gone)
    assert db.query("Do(Logout(false), Logout(false))", secret=second) is True


def test_logout_with_a_key_or_the_root_is_false(db, alice):
    token = login(db, alice)["secret"]
    key = db.query('CreateKey({role: "server"})')["secret"]
    for secret in (None, key, "secret:admin"):
        assert db.query("Logout(true)", secret=secret) is False
        assert db.query("Logout(false)", secret=secret) is False
    assert db.query("CurrentIdentity()", secret=token) == alice
    err = error(db, "Logout(1)")
    assert (err.code, err.description, list(err.position)) == (
        "invalid argument",
        "Boolean expected, Integer provided.",
        ["logout"],
    )


def test_logout_all_for_a_document_scoped_secret(db, alice):
    token = login(db, alice)["secret"]
    assert db.query("Logout(true)", secret=f"secret:@doc/users/{alice.id}") is True
    assert error(db, "null", token).code == "unauthorized"


# -- Tokens() --------------------------------------------------------------------------------------------


def test_tokens_are_a_real_collection(db, alice):
    db.query(
        'CreateIndex({name: "tokens_by_instance", permissions: {read: "public"}, source: Tokens(), '
        'terms: [{field: "instance"}], values: [{field: ["data", "name"]}]})'
    )
    web = login(db, alice, extra=', data: {name: "web"}')
    cli = db.query(f'Create(Tokens(), {{instance: {ref(alice)}, data: {{name: "cli"}}}})')
    assert db.query("Paginate(Documents(Tokens()))").data == [web["ref"], cli["ref"]]
    assert db.query("Paginate(Tokens())").data == [web["ref"], cli["ref"]]
    assert db.query(f'Paginate(Match(Index("tokens_by_instance"), {ref(alice)}))').data == ["cli", "web"]
    updated = db.query(f'Update({ref(web["ref"])}, {{data: {{meta: "data"}}}})')
    assert list(updated) == ["ref", "ts", "data", "instance"]
    assert updated["data"] == {"name": "web", "meta": "data"}
    assert db.query(f'Select(["data", "meta"], Get({ref(web["ref"])}))') == "data"
    db.query(f"Delete({ref(cli['ref'])})")
    assert db.query("Paginate(Documents(Tokens()))").data == [web["ref"]]
    assert db.query(f'Paginate(Match(Index("tokens_by_instance"), {ref(alice)}))').data == ["web"]
    assert db.query("CurrentIdentity()", secret=web["secret"]) == alice


def test_expired_tokens_leave_token_sets_at_once(db, alice):
    db.query('CreateIndex({name: "tokens_by_instance", source: Tokens(), terms: [{field: "instance"}]})')
    short = login(db, alice, extra=', ttl: TimeAdd(Now(), 2, "seconds")')
    lasting = login(db, alice)
    gone = db.query(f'Create(Tokens(), {{instance: {ref(alice)}, ttl: TimeSubtract(Now(), 1, "second")}})')
    by_instance = f'Paginate(Match(Index("tokens_by_instance"), {ref(alice)}))'
    assert db.query("Paginate(Documents(Tokens()))").data == [short["ref"], lasting["ref"]]
    assert db.query(by_instance).data == [short["ref"], lasting["ref"]]
    assert error(db, f"Get({ref(gone['ref'])})").code == "instance not found"
    advance(db, 3)  # no write happens: the ttl is honoured on read
    assert db.query("Paginate(Documents(Tokens()))").data == [lasting["ref"]]
    assert db.query(by_instance).data == [lasting["ref"]]
    assert db.query("Count(Tokens())") == 1


def test_create_token_without_a_password(db, alice):
    token = db.query(f'Create(Tokens(), {{instance: {ref(alice)}, data: {{svc: "x"}}}})')
    assert list(token) == ["ref", "ts", "instance", "data", "secret"]
    assert db.query("CurrentIdentity()", secret=token["secret"]) == alice
    err = error(db, "Create(Tokens(), {data: {}})")
    assert err.code == "validation failed"
    assert err.failures == [{"field": ["instance"], "code": "value required", "description": "Required value not found."}]


def test_create_token_is_for_server_and_admin_only(db, alice):
    create = f"Create(Tokens(), {{instance: {ref(alice)}}})"
    assert db.query(create, secret=db.query('CreateKey({role: "server"})')["secret"])["instance"] == alice
    for role in ("server-readonly", "client"):
        secret = db.query(f'CreateKey({{role: "{role}"}})')["secret"]
        assert (error(db, create, secret).code, error(db, create, secret).description) == ("permission denied", DENIED)
    assert error(db, create, login(db, alice)["secret"]).code == "permission denied"


def test_a_token_cannot_be_minted_in_another_database(db):
    db.query('CreateDatabase({name: "child"})')
    db.query('CreateCollection({name: "users"})', secret="secret:child:admin")
    kid = db.query('Create(Collection("users"), {})', secret="secret:child:admin")["ref"]
    server = db.query('CreateKey({role: "server"})')["secret"]
    theirs = f'Ref(Collection("users", Database("child")), "{kid.id}")'
    for secret in (None, server):
        assert error(db, f"Create(Tokens(), {{instance: {theirs}}})", secret).code == "validation failed"
    assert db.query("Count(Tokens(Database(\"child\")))") == 0


# -- keys ------------------------------------------------------------------------------------------------


def test_create_key_shows_its_secret_once(db):
    db.query('CreateDatabase({name: "child"})')
    key = db.query('CreateKey({role: "server", database: Database("child"), data: {name: "k"}})')
    # A key's fields keep the order given (Fauna's multi-tenancy tutorial prints `role` before `database`).
    assert list(key) == ["ref", "ts", "role", "database", "data", "secret", "hashed_secret"]
    assert key["database"] == fql.Ref("child", fql.Ref("databases")) and key["role"] == "server"
    stored = db.query(f"Get({ref(key['ref'])})")
    assert "secret" not in stored and stored["hashed_secret"] == key["hashed_secret"]
    assert list(db.query('CreateKey({role: "admin"})')) == ["ref", "ts", "role", "secret", "hashed_secret"]
    assert db.query("Paginate(Keys())").data[0] == key["ref"]


def test_only_admin_creates_keys(db, alice):
    for secret in (
        db.query('CreateKey({role: "server"})')["secret"],
        db.query('CreateKey({role: "client"})')["secret"],
        login(db, alice)["secret"],
    ):
        err = error(db, 'CreateKey({role: "admin"})', secret)
        assert (err.code, err.description, list(err.position)) == ("permission denied", DENIED, ["create_key"])
    admin = db.query('CreateKey({role: "admin"})')["secret"]
    assert db.query('CreateKey({role: "client"})', secret=admin)["role"] == "client"


# -- KeyFromSecret and Current* -------------------------------------------------------------------------------


def test_key_from_secret(db, alice):
    db.query('CreateDatabase({name: "parent"})')
    admin = db.query('CreateKey({role: "admin", database: Database("parent")})')
    db.query('CreateDatabase({name: "child"})', secret=admin["secret"])
    made = db.query('CreateKey({role: "server", database: Database("child")})', secret=admin["secret"])
    found = db.query(f'KeyFromSecret("{made["secret"]}")', secret=admin["secret"])
    assert found["ref"] == made["ref"]
    assert list(found) == ["ref", "ts", "role", "database", "hashed_secret"]
    # a key stored in a parent is not visible from the database it grants
    child_admin = db.query('CreateKey({role: "admin", database: Database("child")})', secret=admin["secret"])
    for secret in (child_admin["secret"], made["secret"]):
        err = error(db, f'KeyFromSecret("{secret}")', secret=child_admin["secret"])
        assert (err.code, err.description) == ("instance not found", f"No key found for secret {secret}.")
    # a key stored in a child database is visible from the parent (core reads it with Get)
    assert db.query(f'KeyFromSecret("{made["secret"]}")')["ref"].collection.database == fql.Ref(
        "parent", fql.Ref("databases")
    )
    token = login(db, alice)
    assert db.query(f'KeyFromSecret("{token["secret"]}")')["ref"] == token["ref"]
    for unknown in ("secret", "secret:parent:admin", "nope", admin["secret"] + ":admin"):
        err = error(db, f'KeyFromSecret("{unknown}")')
        assert (err.code, err.description) == ("instance not found", f"No key found for secret {unknown}.")
    # a caller who may not read the key document gets the same answer, not a denial
    server = db.query('CreateKey({role: "server"})')["secret"]
    err = error(db, f'KeyFromSecret("{server}")', secret=server)
    assert err.code == "instance not found"
    err = error(db, "KeyFromSecret(1)")
    assert (err.code, err.description, list(err.position)) == (
        "invalid argument",
        "String expected, Integer provided.",
        ["key_from_secret"],
    )


def test_current_functions_for_a_token(db, alice):
    token = login(db, alice)
    secret = token["secret"]
    assert db.query("CurrentIdentity()", secret=secret) == alice
    assert db.query("Identity()", secret=secret) == alice
    assert db.query("[HasCurrentIdentity(), HasIdentity(), HasCurrentToken()]", secret=secret) == [True, True, True]
    assert db.query("CurrentToken()", secret=secret) == token["ref"]
    assert db.query('Ref(Collection("users"), "self")', secret=secret) == alice
    assert db.query('Ref(Tokens(), "self")', secret=secret) == token["ref"]
    assert db.query('Select("ref", Get(Ref(Collection("users"), "self")))', secret=secret) == alice


def test_current_functions_for_the_root_and_keys(db):
    db.query('CreateDatabase({name: "child"})')
    parent_made = db.query('CreateKey({role: "server", database: Database("child")})')["secret"]
    child_admin = db.query('CreateKey({role: "admin", database: Database("child")})')["secret"]
    inside = db.query('CreateKey({role: "server"})', secret=child_admin)
    here = db.query('CreateKey({role: "server"})')
    for secret in (None, "secret", "secret:child:admin", parent_made, child_admin, f"{child_admin}:admin"):
        err = error(db, "CurrentToken()", secret)
        assert (err.code, err.description, list(err.position)) == (
            "invalid token",
            "Token metadata is not accessible.",
            [],
        )
        assert db.query("HasCurrentToken()", secret=secret) is False
        err = error(db, "CurrentIdentity()", secret)
        assert (err.code, err.description) == ("missing identity", "Authentication does not contain an identity")
        assert db.query("HasCurrentIdentity()", secret=secret) is False
    # a key created inside the database it grants is its own current token
    assert db.query("CurrentToken()", secret=inside["secret"]) == inside["ref"]
    assert db.query("CurrentToken()", secret=here["secret"]) == here["ref"]
    assert db.query("HasCurrentToken()", secret=here["secret"]) is True
    assert error(db, "CurrentIdentity()", here["secret"]).code == "missing identity"


def test_self_ref_without_an_identity_stays_self(db):
    assert db.query('Ref(Collection("users"), "self")') == fql.Ref("self", fql.Ref("users", fql.Ref("collections")))


# -- credentials -------------------------------------------------------------------------------------------


def test_credentials_never_appear_in_the_user_document(db):
    made = db.query('Create(Collection("users"), {credentials: {password: "pw"}, data: {a: 1}})')
    who = made["ref"]
    assert list(made) == ["ref", "ts", "data"]
    replaced = db.query(f'Replace({ref(who)}, {{credentials: {{password: "p2"}}, data: {{a: 2}}}})')
    updated = db.query(f'Update({ref(who)}, {{credentials: {{password: "p3"}}, data: {{b: 1}}}})')
    for doc in (replaced, updated, db.query(f"Get({ref(who)})")):
        assert "credentials" not in doc and "hashed_password" not in repr(doc)
    for version in db.storage.versions[next(k for k in db.storage.versions if k.id == who.id)]:
        assert version.data is None or "credentials" not in version.data
    assert db.query(f'Identify({ref(who)}, "p3")') is True
    creds = db.query('Get(Select(["data", 0], Paginate(Documents(Credentials()))))')
    assert list(creds) == ["ref", "ts", "instance", "hashed_password"] and creds["instance"] == who


def test_credentials_without_a_password_change_nothing(db, alice):
    db.query(f"Update({ref(alice)}, {{credentials: {{}}}})")
    assert db.query(f'Identify({ref(alice)}, "pw")') is True
    err = error(db, f"Update({ref(alice)}, {{credentials: {{password: 1}}}})")
    assert err.code == "validation failed"
    assert err.failures == [
        {
            "field": ["credentials", "password"],
            "code": "invalid type",
            "description": "Invalid type Long, expected type String.",
        }
    ]


@pytest.fixture
def self_editor(db) -> None:
    db.query(
        'CreateRole({name: "self_editor", membership: [{resource: Collection("users")}], privileges: [{resource: '
        'Collection("users"), actions: {read: true, write: Query(Lambda(["old", "new", "ref"], '
        "Equals(Var(\"ref\"), CurrentIdentity())))}}]})"
    )


def test_changing_a_password_with_a_token_needs_the_current_password(db, alice, self_editor):
    token = login(db, alice)["secret"]
    change = f'Update({ref(alice)}, {{credentials: {{password: "new"{{}}}}}})'
    for extra in ("", ', current_password: "wrong"'):
        err = error(db, change.replace("{}", extra), token)
        assert (err.code, err.description) == ("validation failed", "document data is not valid.")
        assert err.failures == [
            {
                "field": ["credentials", "current_password"],
                "code": "invalid password",
                "description": "Invalid password at `credentials.current_password`.",
            }
        ]
        assert db.query(f'Identify({ref(alice)}, "pw")') is True
    db.query(change.replace("{}", ', current_password: "pw"'), secret=token)
    assert db.query(f'[Identify({ref(alice)}, "pw"), Identify({ref(alice)}, "new")]') == [False, True]
    assert db.query("CurrentIdentity()", secret=token) == alice  # existing tokens stay valid


def test_server_and_admin_change_a_password_without_the_current_one(db, alice):
    server = db.query('CreateKey({role: "server"})')["secret"]
    db.query(f'Update({ref(alice)}, {{credentials: {{password: "s"}}}})', secret=server)
    db.query(f'Update({ref(alice)}, {{credentials: {{password: "a"}}}})')
    assert db.query(f'Identify({ref(alice)}, "a")') is True


def test_deleting_an_identity_keeps_its_credentials(db, alice):
    # Core neither deletes a document's credentials with it nor reads the document to log it in
    # (ReadAdaptor.getCredentials looks in the credentials index); a token of a missing document
    # authenticates no one (AuthScope.getTokenAuth reads the document), until it is made again.
    before = db.query(f'Login({ref(alice)}, {{password: "pw"}})')["secret"]
    db.query(f"Delete({ref(alice)})")
    assert db.query("Count(Documents(Credentials()))") == 1
    assert db.query(f'Identify({ref(alice)}, "pw")') is True
    after = db.query(f'Login({ref(alice)}, {{password: "pw"}})')
    assert after["instance"] == alice
    for secret in (before, after["secret"]):
        assert error(db, "CurrentIdentity()", secret=secret).code == "unauthorized"
    db.query(f"Create({ref(alice)}, {{}})")
    assert db.query("CurrentIdentity()", secret=after["secret"]) == alice
    assert db.query(f'Identify({ref(alice)}, "pw")') is True


def test_credentials_and_tokens_of_a_child_database_do_not_log_in_from_the_parent(db):
    db.query('CreateDatabase({name: "child"})')
    db.query('CreateCollection({name: "users"})', secret="secret:child:admin")
    kid = db.query('Create(Collection("users"), {credentials: {password: "pw"}})', secret="secret:child:admin")["ref"]
    theirs = f'Ref(Collection("users", Database("child")), "{kid.id}")'
    # Core's LoginFunction would make the token in the parent for the document's id, a collection
    # named by its number in the wrong database; fql makes none (README). Identify checks the password.
    assert error(db, f'Login({theirs}, {{password: "pw"}})').code == "authentication failed"
    assert db.query(f'Identify({theirs}, "pw")') is True
    token = db.query(f'Login({ref(kid)}, {{password: "pw"}})', secret="secret:child:admin")["secret"]
    assert db.query("CurrentIdentity()", secret=token) == kid


def test_revoked_secrets_are_401_over_http(db, alice):
    import http.client
    import json

    from fql.server import ServerThread

    revoked = [
        _revoked_token(db, alice, "expired"),
        _revoked_token(db, alice, "logout"),
        _revoked_token(db, alice, "deleted"),
        _revoked_key(db, "deleted"),
        _revoked_key(db, "expired"),
    ]
    live = login(db, alice)["secret"]
    with ServerThread(db) as server:

        def post(authorization: str) -> tuple[int, object]:
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
            try:
                conn.request("POST", "/", b'{"current_identity": null}', {"Authorization": authorization})
                response = conn.getresponse()
                return response.status, json.loads(response.read())
            finally:
                conn.close()

        for secret in revoked:
            basic = base64.b64encode(f"{secret}:".encode()).decode()
            for authorization in (f"Bearer {secret}", f"Basic {basic}"):
                assert post(authorization) == (
                    401,
                    {"errors": [{"code": "unauthorized", "description": "Unauthorized"}]},
                )
        status, body = post(f"Bearer {live}")
        assert status == 200 and body["resource"]["@ref"]["id"] == alice.id


def test_key_roles(db):
    db.query('CreateRole({name: "reader", privileges: [{resource: Collection("users"), actions: {read: true}}]})')
    db.query('Create(Collection("users"), {})')
    for role in ('"reader"', 'Role("reader")', '[Role("reader")]', '["reader"]'):
        secret = db.query(f"CreateKey({{role: {role}}})")["secret"]
        assert db.query('Count(Documents(Collection("users")))', secret=secret) == 1
        assert error(db, 'Create(Collection("users"), {})', secret).code == "permission denied"
    missing = ("validation failure", "Role name `{}` does not exist.")
    for role, failures in [
        ("null", [("value required", "Required value not found.")]),
        ("1", [("invalid type", "Invalid type Long, expected type Role.")]),
        # A built-in name in an array is no Role, and Key.RoleNameValidator looks up every string an
        # array holds, built-in or not.
        ('["admin"]', [("invalid type", "Invalid type Array, expected type Role."), missing]),
        # core's Key.RoleNameValidator: a ValidationFailure, code `validation failure`
        ('"nope"', [missing]),
    ]:
        err = error(db, f"CreateKey({{role: {role}}})")
        assert (err.code, list(err.position)) == ("validation failed", ["create_key"])
        name = role.strip('[]"')
        expected = [(["role"], code, text.format(name)) for code, text in failures]
        assert [(f["field"], f["code"], f["description"]) for f in err.failures] == expected


def test_v10_sets_of_admin_only_documents_are_filtered_not_refused(db):
    # Core's CollectionCompanion.checkReadPermission only logs a read of a collection the caller may not
    # read; the set then shows the documents it may read (none, for a server key and keys, roles,
    # databases, access providers). v4's `Keys()` stays refused, as before.
    db.query('CreateRole({name: "reader", privileges: []})')
    server = db.query('CreateKey({role: "server"})')["secret"]
    for coll in ("Key", "Role", "Database", "AccessProvider"):
        assert db.query(f"{coll}.all().toArray()", secret=server, syntax="v10") == []
        assert db.query(f"{coll}.where(_ => true).count()", secret=server, syntax="v10") == 0
    assert db.query("Key.all().count()", syntax="v10") == 1
    assert error(db, "Paginate(Keys())", server).code == "permission denied"


def test_a_cached_authentication_ends_with_its_ttl_even_without_writes():
    """The Database reuses a secret's Auth until a write commits; a ttl that passes must still end it."""
    import time as _time

    db = fql.connect(argon2=TEST_PARAMS)
    db.query('CreateCollection({name: "users"})')
    user = db.query('Create(Collection("users"), {data: {}})')["ref"]
    soon = 'TimeAdd(Now(), 300, "milliseconds")'
    secret = db.query(f"Create(Tokens(), {{instance: {fql.to_fql(user)}, ttl: {soon}}})")["secret"]
    assert db.query("HasCurrentIdentity()", secret=secret) is True  # cached now
    _time.sleep(0.4)
    with pytest.raises(fql.FQLError) as info:
        db.query("HasCurrentIdentity()", secret=secret)
    assert info.value.code == "unauthorized"


def test_a_reused_query_text_follows_the_caller_and_the_data(db, alice):
    """Refs built from literals are evaluated once per parsed query; `Ref(coll, "self")` and the document
    they point to are not: each run sees its own caller and the current data."""
    bob = user(db, "bob@x")
    mine = 'Select(["data", "email"], Get(Ref(Collection("users"), "self")))'
    assert [db.query(mine, secret=login(db, who)["secret"]) for who in (alice, bob, alice)] == [
        "alice@x",
        "bob@x",
        "alice@x",
    ]
    read = f'Select(["data", "email"], Get({ref(bob)}))'
    assert db.query(read) == "bob@x"
    db.query(f'Update({ref(bob)}, {{data: {{email: "robert@x"}}}})')
    assert db.query(read) == "robert@x"


@pytest.mark.parametrize("noun", ["Token", "Credential"])
def test_v10_token_or_credential_needs_its_document(noun):
    # NativeCollection's Token and Credential type `document` AnyDoc, which core shows as `{ *: Any }`.
    db = fql.connect()
    with pytest.raises(fql.FQLError) as caught:
        db.run_with_state(fql.parse(f"{noun}.create({{}})", "v10"), syntax="v10", typecheck=False)
    assert caught.value.description == f"Failed to create {noun}."
    assert [(f["field"], f["description"]) for f in caught.value.failures] == [
        (["document"], "Missing required field of type { *: Any }")
    ]


@pytest.mark.parametrize(
    "query, failure",
    [
        ("Token.create({ document: 1 })", (["document"], "Expected { *: Any }, provided Int")),
        ('Credential.create({ document: "x" })', (["document"], "Expected { *: Any }, provided String")),
        ('Key.create({ role: "admin", ttl: 1 })', (["ttl"], "Expected Time | Null, provided Int")),
        ("Key.create({ role: 1 })", (["role"], "Expected String, provided Int")),
    ],
)
def test_v10_auth_fields_have_core_schema_types(query, failure):
    # NativeCollection's Token, Credential and Key schemas; a type failure comes before their validators.
    db = fql.connect()
    with pytest.raises(fql.FQLError) as caught:
        db.run_with_state(fql.parse(query, "v10"), syntax="v10", typecheck=False)
    assert [(f["field"], f["description"]) for f in caught.value.failures] == [failure]


def test_token_fields_fail_together_in_core_validators_order(db):
    # Core's TokenWriteConfig validates a token with Document.VersionValidator (data, ttl) and then
    # Token.Validator (instance required and a ref, hashed_secret a string), every failure reported.
    err = error(db, "Create(Tokens(), {hashed_secret: 1, ttl: 2, data: 3})")
    assert (err.code, list(err.position)) == ("validation failed", ["create"])
    assert [(f["field"], f["code"]) for f in err.failures] == [
        (["data"], "invalid type"),
        (["ttl"], "invalid type"),
        (["instance"], "value required"),
        (["hashed_secret"], "invalid type"),
    ]
    assert err.failures[3]["description"] == "Invalid type Long, expected type String."


def test_a_v4_token_replace_makes_a_new_secret_unless_given_a_hash(db, alice):
    # TokenWriteConfig.write makes a secret for a token written without a hash, and a v4 Replace keeps
    # none of the old token's fields (prevForReplace is empty): the old secret stops working.
    old = login(db, alice)
    replaced = db.query(f'Replace({ref(old["ref"])}, {{instance: {ref(alice)}}})')
    assert replaced["secret"] != old["secret"] and "hashed_secret" not in replaced
    assert error(db, "CurrentIdentity()", old["secret"]).code == "unauthorized"
    assert db.query("CurrentIdentity()", secret=replaced["secret"]) == alice
    # Given the token's hash, Replace keeps it and shows no secret (core's TokenSpec "can set the hashed secret").
    hashed = db.query(f'Select("hashed_secret", Get({ref(old["ref"])}))')
    kept = db.query(f'Replace({ref(old["ref"])}, {{instance: {ref(alice)}, hashed_secret: "{hashed}"}})')
    assert "secret" not in kept
    assert db.query("CurrentIdentity()", secret=replaced["secret"]) == alice


@pytest.mark.parametrize(
    "query, failures",
    [
        ('CreateKey({role: 1, secret: 1})', [(["secret"], "invalid type"), (["role"], "invalid type")]),
        (
            'CreateKey({role: "admin", data: 1, hashed_secret: 2})',
            [(["hashed_secret"], "invalid type"), (["data"], "invalid type")],
        ),
        (
            'CreateKey({role: "admin", secret: 1, hashed_secret: 2})',
            [(["secret"], "invalid type"), (["hashed_secret"], "invalid type")],
        ),
        ('CreateKey({role: 1, secret: "x"})', [(["secret"], "invalid secret"), (["role"], "invalid type")]),
    ],
)
def test_a_key_secret_fails_before_its_fields(db, query, failures):
    # Core's Key.SecretValidator revises the patch, and Validator.patch reports the patch's failures
    # before the fields' (ext/storage/src/main/scala/doc/Validator.scala).
    err = error(db, query)
    assert (err.code, list(err.position)) == ("validation failed", ["create_key"])
    assert [(f["field"], f["code"]) for f in err.failures] == failures


def test_a_key_update_reads_its_secret_as_a_string(db):
    key = db.query('CreateKey({role: "admin"})')
    err = error(db, f'Update({ref(key["ref"])}, {{role: 1, secret: 2}})')
    assert [(f["field"], f["description"]) for f in err.failures] == [
        (["secret"], "Invalid type Long, expected type String."),
        (["role"], "Invalid type Long, expected type Role."),
    ]


def test_credentials_fields_fail_together_in_core_validators_order(db):
    # CredentialsWriteConfig.liveValidator: Document.LiveValidator (data, ttl), Credentials.DocumentField,
    # and the password validator, whose failures (a patch's) come first.
    err = error(db, "Create(Credentials(), {password: 1, data: 1, ttl: 1})")
    assert [(f["field"], f["code"]) for f in err.failures] == [
        (["password"], "invalid type"),
        (["data"], "invalid type"),
        (["ttl"], "invalid type"),
        (["instance"], "value required"),
    ]


def test_identify_reads_its_set_now_inside_at(db, alice):
    # IdentifyFunction and LoginFunction take a set's head at ec.resetValidTime ("ensure identify
    # cannot check in the past"): a user made after the At time is found.
    ts = db.query(f'Select("ts", Get({ref(alice)}))')
    user(db, "later@x", password="p5")
    match = 'Match(Index("users_by_email"), "later@x")'
    assert db.query(f'At({ts}, Identify({match}, "p5"))') is True
    assert db.query(f"At({ts}, Exists({match}))") is False


def test_a_v4_credentials_update_asks_a_token_for_the_current_password(db, alice):
    # CredentialsWriteConfig.liveValidator: a caller neither server nor admin gets the
    # ClientPasswordValidator, which checks current_password against the credentials' hash.
    db.query(
        'CreateRole({name: "creds", membership: [{resource: Collection("users")}], '
        "privileges: [{resource: Credentials(), actions: {read: true, write: true}}]})"
    )
    token = login(db, alice)["secret"]
    creds = db.query('Select(["data", 0], Paginate(Documents(Credentials())))')
    err = error(db, f'Update({ref(creds)}, {{password: "new", data: 1}})', token)
    assert [(f["field"], f["code"]) for f in err.failures] == [
        (["current_password"], "invalid password"),
        (["data"], "invalid type"),
    ]
    db.query(f'Update({ref(creds)}, {{password: "new", current_password: "pw"}})', secret=token)
    assert db.query(f'Identify({ref(alice)}, "new")') is True


def test_a_token_created_at_an_id_authenticates(db, alice):
    token = db.query(f'Create(Ref(Tokens(), "123"), {{instance: {ref(alice)}}})')
    assert token["ref"].id == "123"
    assert db.query("CurrentIdentity()", secret=token["secret"]) == alice
    assert db.query("CurrentToken()", secret=token["secret"]) == token["ref"]


def test_a_token_of_a_missing_document_is_made_and_authenticates_nothing(db):
    # Token.Validator checks the instance's type alone; AuthScope.getTokenAuth needs the document.
    token = db.query('Create(Tokens(), {instance: Ref(Collection("users"), "404")})')
    assert token["instance"] == fql.Ref("404", fql.Ref("users", fql.Ref("collections")))
    assert error(db, "CurrentIdentity()", token["secret"]).code == "unauthorized"


def test_login_reports_every_failure_of_its_token(db, alice):
    # LoginFunction creates its token through TokenWriteConfig, whose validators report every failure.
    err = error(db, f'Login({ref(alice)}, {{password: "pw", hashed_secret: 3, ttl: 2, data: 1}})')
    assert (err.code, list(err.position)) == ("validation failed", [])
    assert [f["field"] for f in err.failures] == [["data"], ["ttl"], ["hashed_secret"]]


@pytest.mark.parametrize(
    "query, failures",
    [
        # Key.LiveValidator: the version's validators (role's type among them), then RoleNameValidator,
        # which fails each missing name, whatever the field's type.
        ('CreateKey({role: "nope", priority: 0})', [(["priority"], "invalid type"), (["role"], "validation failure")]),
        ('CreateKey({role: ["nope", "nope2"]})', [(["role"], "validation failure"), (["role"], "validation failure")]),
        ('CreateKey({role: ["nope", 1]})', [(["role"], "invalid type"), (["role"], "validation failure")]),
        (
            'CreateFunction({name: "f", role: "nope", body: 1})',
            [(["body"], "invalid type"), (["role"], "validation failure")],
        ),
    ],
)
def test_role_names_are_checked_last_each_one(db, query, failures):
    err = error(db, query)
    assert [(f["field"], f["code"]) for f in err.failures] == failures


def test_an_empty_role_array_is_no_user_role(db):
    # Key.RoleFieldType takes an array of role refs and names, an empty one too.
    key = db.query("CreateKey({role: []})")
    assert key["role"] == []
    assert error(db, "Paginate(Collections())", key["secret"]).code == "permission denied"


def test_a_server_may_give_credentials_their_hash(db, alice):
    # Core's ServerPasswordValidator stores a given hashed_password when no password is given; core
    # writes bcrypt hashes, which fql checks as bcrypt and rehashes with argon2 at the next login.
    import bcrypt

    bob = user(db, "bob@x", password=None)
    server = db.query('CreateKey({role: "server"})')["secret"]
    hashed = bcrypt.hashpw(b"bpw", bcrypt.gensalt(5, prefix=b"2a")).decode()
    creds = db.query(f'Create(Credentials(), {{instance: {ref(bob)}, hashed_password: "{hashed}"}})', secret=server)
    assert creds["hashed_password"] == hashed
    assert db.query(f'[Identify({ref(bob)}, "bpw"), Identify({ref(bob)}, "no")]') == [True, False]
    assert login(db, bob, "bpw")["instance"] == bob
    assert ARGON2_PARAMS.match(db.query(f'Select("hashed_password", Get({ref(creds["ref"])}))'))
    # An Update may remove the hash with null.
    db.query(f'Update({ref(creds["ref"])}, {{hashed_password: null}})', secret=server)
    assert db.query(f'Identify({ref(bob)}, "bpw")') is False


def test_an_admin_may_not_give_credentials_their_hash_and_proves_the_current_password(db, alice):
    # Core picks the password validator by `ec.auth.permissions`: only ServerPermissions and
    # ServerReadOnlyPermissions get the ServerPasswordValidator; AdminPermissions (admin keys, the root)
    # gets the ClientPasswordValidator (WriteAdaptor.scala CredentialsWriteConfig), which drops a given
    # hash and, on Update, checks `current_password` against the credentials' hash.
    admin = db.query('CreateKey({role: "admin"})')["secret"]
    bob = user(db, "bob@x", password=None)
    for secret in (None, admin):
        made = db.query(f'Create(Credentials(), {{instance: {ref(bob)}, hashed_password: "h"}})', secret=secret)
        assert "hashed_password" not in made
        db.query(f'Delete({ref(made["ref"])})')
    creds = db.query("Select('ref', Get(Ref(Credentials(), 'self')))", secret=login(db, alice)["secret"])
    for secret in (None, admin):
        for extra in ("", ', current_password: "wrong"'):
            err = error(db, f'Update({ref(creds)}, {{password: "new"{extra}}})', secret)
            assert err.failures == [
                {"field": ["current_password"], "code": "invalid password", "description": "Invalid password at `current_password`."}
            ]
    db.query(f'Update({ref(creds)}, {{password: "new", current_password: "pw", hashed_password: "h"}})', secret=admin)
    assert db.query(f'[Identify({ref(alice)}, "pw"), Identify({ref(alice)}, "new")]') == [False, True]
    # A Replace keeps nothing of the old document, its hash neither: no current password to prove.
    db.query(f'Replace({ref(creds)}, {{instance: {ref(alice)}, password: "newer"}})')
    assert db.query(f'Identify({ref(alice)}, "newer")') is True


def test_a_server_may_give_a_document_its_password_hash(db):
    # A v4 document's `credentials: {hashed_password}` passes core's ServerPasswordValidator for a server
    # caller, and the credentials store it; an admin's ClientPasswordValidator drops it
    # (UserDocumentWriteConfig.liveValidator).
    import bcrypt

    server = db.query('CreateKey({role: "server"})')["secret"]
    hashed = bcrypt.hashpw(b"cpw", bcrypt.gensalt(5, prefix=b"2a")).decode()
    carol = db.query(f'Create(Collection("users"), {{credentials: {{hashed_password: "{hashed}"}}}})', secret=server)["ref"]
    assert db.query(f'Identify({ref(carol)}, "cpw")') is True
    dave = db.query(f'Create(Collection("users"), {{credentials: {{hashed_password: "{hashed}"}}}})')["ref"]
    assert db.query(f'Identify({ref(dave)}, "cpw")') is False


def test_v4_token_and_credentials_constraints_are_an_object(db, alice):
    # Core's Document.VersionValidator checks `data`, `constraints`, then `ttl`, every failure reported.
    failure = error(db, f"Create(Tokens(), {{instance: {ref(alice)}, constraints: 1, ttl: 2, data: 3}})")
    assert [(f["field"], f["description"]) for f in failure.failures] == [
        (["data"], "Invalid type Long, expected type Map."),
        (["constraints"], "Invalid type Long, expected type Map."),
        (["ttl"], "Invalid type Long, expected type Time."),
    ]
    creds = db.query("Select(['data', 0], Paginate(Documents(Credentials())))")
    failure = error(db, f'Update({ref(creds)}, {{constraints: "x"}})')
    assert [f["field"] for f in failure.failures] == [["constraints"]]
