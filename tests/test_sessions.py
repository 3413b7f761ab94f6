"""The embedding API's sessions (SurrealDB's signup/signin/authenticate/info/invalidate) and db.query(secret=)."""

from __future__ import annotations

import pytest

import fql
from fql.auth.credentials import TEST_PARAMS
from fql.errors import FQLError
from tests.helpers import query_error as error
from tests.test_auth import LOGIN_FAILED


@pytest.fixture
def db() -> fql.Database:
    database = fql.connect(argon2=TEST_PARAMS)
    database.query('CreateCollection({name: "users"})')
    database.query(
        'CreateIndex({name: "users_by_email", source: Collection("users"), '
        'terms: [{field: ["data", "email"]}], unique: true})'
    )
    return database


def raised(call, *args, **kwargs) -> FQLError:
    with pytest.raises(FQLError) as info:
        call(*args, **kwargs)
    return info.value


def test_signup_creates_the_user_and_signs_in(db):
    s = db.session()
    secret = s.signup(collection="users", data={"email": "a@x"}, password="pw")
    assert secret.startswith("fn") and s.secret == secret
    me = s.info()
    assert me["data"] == {"email": "a@x"} and "credentials" not in me
    assert s.query("CurrentIdentity()") == me["ref"]
    assert db.query(f'Identify({fql.to_fql(me["ref"])}, "pw")') is True


def test_signup_of_a_taken_email_fails_and_keeps_the_session(db):
    s = db.session()
    first = s.signup(collection="users", data={"email": "a@x"}, password="pw")
    err = raised(s.signup, collection="users", data={"email": "a@x"}, password="other")
    assert err.code == "instance not unique"
    assert s.secret == first
    assert db.query('Count(Documents(Collection("users")))') == 1


def test_signin_with_a_ref_or_fql_text(db):
    ref = db.query('Create(Collection("users"), {credentials: {password: "pw"}, data: {email: "a@x"}})')["ref"]
    by_ref, by_text = db.session(), db.session()
    by_ref.signin(identity=ref, password="pw")
    by_text.signin(identity='Match(Index("users_by_email"), "a@x")', password="pw")
    assert by_ref.secret != by_text.secret
    for s in (by_ref, by_text):
        assert s.info()["ref"] == ref
        assert s.query("CurrentIdentity()") == ref


def test_signin_with_a_ttl(db):
    db.query('Create(Collection("users"), {credentials: {password: "pw"}, data: {email: "a@x"}})')
    s = db.session()
    s.signin(identity='Match(Index("users_by_email"), "a@x")', password="pw", ttl=fql.Timestamp.from_micros(1))
    assert raised(s.query, "null").code == "unauthorized"


def test_signin_failures_are_authentication_failed_and_keep_the_secret(db):
    db.query('Create(Collection("users"), {credentials: {password: "pw"}, data: {email: "a@x"}})')
    s = db.session()
    for identity, password in [
        ('Match(Index("users_by_email"), "a@x")', "wrong"),
        ('Match(Index("users_by_email"), "nobody@x")', "pw"),
    ]:
        err = raised(s.signin, identity=identity, password=password)
        assert (err.code, err.description) == ("authentication failed", LOGIN_FAILED)
        assert s.secret is None


def test_authenticate_with_a_key_or_token(db):
    s = db.session()
    token = s.signup(collection="users", data={"email": "a@x"}, password="pw")
    key = db.query('CreateKey({role: "server"})')["secret"]
    other = db.session()
    other.authenticate(key)
    assert other.info() is None
    assert other.query('Count(Documents(Collection("users")))') == 1
    other.authenticate(token)
    assert other.info()["data"] == {"email": "a@x"}


def test_authenticate_with_a_wrong_secret_is_unauthorized(db):
    s = db.session()
    token = s.signup(collection="users", data={"email": "a@x"}, password="pw")
    for wrong in ("nope", token[:-2] + ("yy" if token.endswith("xx") else "xx"), "", token + "/x"):
        err = raised(s.authenticate, wrong)
        assert isinstance(err, FQLError) and (err.code, err.description) == ("unauthorized", "Unauthorized")
        assert s.secret == token  # the session keeps its secret


def test_an_anonymous_session(db):
    s = db.session()
    assert s.info() is None
    assert raised(s.query, "1").code == "unauthorized"
    s.invalidate()  # nothing to do
    assert s.secret is None


def test_query_runs_with_the_session_secret(db):
    s = db.session()
    s.signup(collection="users", data={"email": "a@x"}, password="pw")
    other = db.session()
    other.signup(collection="users", data={"email": "b@x"}, password="pw")
    theirs = other.info()["ref"]
    err = raised(s.query, f"Get({fql.to_fql(theirs)})")
    assert err.code == "permission denied"
    assert s.query("Add(1, 2)") == 3


def test_invalidate_logs_the_token_out(db):
    s = db.session()
    token = s.signup(collection="users", data={"email": "a@x"}, password="pw")
    kept = db.session()
    kept.signin(identity='Match(Index("users_by_email"), "a@x")', password="pw")
    s.invalidate()
    assert s.secret is None and s.info() is None
    assert error(db, "null", token).code == "unauthorized"
    assert kept.info()["data"] == {"email": "a@x"}  # only that token
    assert raised(db.session(token).query, "null").code == "unauthorized"


def test_invalidate_of_a_key_session_forgets_the_key_only(db):
    key = db.query('CreateKey({role: "server"})')["secret"]
    s = db.session(key)
    s.invalidate()
    assert s.secret is None
    assert db.query("null", secret=key) is None  # a key is not logged out


def test_db_query_as_any_secret(db):
    assert db.query("HasCurrentIdentity()") is False
    assert db.query('Count(Collections())', secret="secret") == 1
    assert error(db, "null", "wrong").code == "unauthorized"
    client = db.query('CreateKey({role: "client"})')["secret"]
    assert error(db, "Paginate(Collections())", client).code == "permission denied"


def test_a_custom_root_secret():
    db = fql.connect(root_secret="s3cret-root", argon2=TEST_PARAMS)
    assert db.query("Count(Collections())", secret="s3cret-root") == 0
    assert error(db, "null", "secret").code == "unauthorized"
    assert error(db, "null", "secret:admin").code == "unauthorized"


def test_a_secret_is_taken_only_as_written(db):
    # A lenient base64 decoder skips characters outside its alphabet and ignores the last character's unused
    # bits: such texts decode to the same secret, and must not authenticate (the test above once replaced a
    # token's last two characters by the same bits and saw it accepted).
    s = db.session()
    token = s.signup(collection="users", data={"email": "a@x"}, password="pw")
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    body = token[2:]
    unused = {2: 0b1111, 3: 0b11}.get(len(body) % 4)
    variants = [token[:10] + "!" + token[10:], token[:10] + "\n" + token[10:]]
    if unused:
        variants.append(token[:-1] + alphabet[alphabet.index(token[-1]) ^ unused])
    for variant in variants:
        err = raised(s.authenticate, variant)
        assert isinstance(err, FQLError) and err.code == "unauthorized"
    fresh = db.session()
    fresh.authenticate(token)
    assert fresh.secret == token
