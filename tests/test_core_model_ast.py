"""Core's model specs of the v4 wire forms and folds: ExtendedTypesSpec (ast/), NumberFoldsSpec (ast/) and
RefParserSpec, as they can be observed through a query in wire JSON.

ExtendedTypesSpec left out or elsewhere: `@uuid parses strings as UUIDs` is in tests/test_uuid.py; `@query
correctly renders, parses versioned lambdas` needs the request's API version in evaluation, which fql
does not carry: `{"query": lambda}` makes an API 4 lambda whatever X-FaunaDB-API-Version says (core makes
one of the request's version, 2.12 for older ones), and a 2.x lambda is written with its `api_version`
in answers to 2.x requests too (core leaves it out below 3). Its other half, that a lambda without a
version is 2.12's and one with a version keeps it, is `test_query_parses_to_a_lambda`."""

from __future__ import annotations

import base64
import random

import pytest

import fql
from fql.wire.v4 import to_json as v4_json
from tests.helpers import run_json as run, run_json_error


@pytest.fixture
def db() -> fql.Database:
    return fql.connect()


def fails(db: fql.Database, data, secret: str | None = None) -> tuple:
    """The code, description and position of the error `data` raises."""
    err = run_json_error(db, data, secret)
    return err.code, err.description, list(err.position)


def ref(id, coll=None, database=None) -> dict:
    body: dict = {"id": id}
    if coll is not None:
        body["class"] = coll
    if database is not None:
        body["database"] = database
    return {"@ref": body}


CLASSES = ref("classes")
DATABASES = ref("databases")


def coll(name: str, database=None) -> dict:
    return ref(name, CLASSES, database)


def dbref(name: str, parent=None) -> dict:
    return ref(name, DATABASES, parent)


# -- ExtendedTypesSpec ------------------------------------------------------------------------------------


def test_ref_parses_a_legacy_ref(db):
    assert fql.to_fql(run(db, {"@ref": "keys"})) == "Keys()"


@pytest.mark.parametrize("body", ["foo", 1])
def test_ref_fails_with_invalid_ref(db, body):
    assert fails(db, {"@ref": body}) == ("invalid expression", "Invalid ref.", [])


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("databases/nonexistent", 'Database("nonexistent")'),
        ("indexes/nonexistent", 'Index("nonexistent")'),
        ("classes/nonexistent", 'Collection("nonexistent")'),
        ("classes/nonexistent/123", 'Ref(Collection("nonexistent"), "123")'),
    ],
)
def test_ref_to_nothing_still_parses(db, text, shown):
    # core keeps it as an unresolved ref: only reading it fails
    assert fql.to_fql(run(db, {"@ref": text})) == shown
    assert fails(db, {"get": {"@ref": text}})[0] == "invalid ref"


SCOPED = ref(123456789, coll("my-custom-class", dbref("my-child-database")))


def test_ref_parses_a_scoped_ref(db):
    db.query('CreateDatabase({name: "my-database"})')
    db.query('CreateDatabase({name: "my-child-database"})', secret="secret:my-database:admin")
    child = "secret:my-database/my-child-database:admin"
    db.query('CreateCollection({name: "my-custom-class"})', secret=child)
    db.query('Create(Ref(Collection("my-custom-class"), "123456789"), {data: {x: 1}})', secret=child)
    assert fql.to_fql(run(db, SCOPED, "secret:my-database:admin")) == (
        'Ref(Collection("my-custom-class", Database("my-child-database")), "123456789")'
    )
    assert run(db, {"select": ["data", "x"], "from": {"get": SCOPED}}, "secret:my-database:admin") == 1


def test_ref_with_a_missing_scope_still_parses(db):
    shown = 'Ref(Collection("my-custom-class", Database("my-child-database")), "123456789")'
    assert fql.to_fql(run(db, SCOPED)) == shown
    # nor does a scope outside the key's
    db.query('CreateDatabase({name: "my-database-2"})')
    db.query('CreateDatabase({name: "my-child-database"})', secret="secret:my-database-2:admin")
    db.query('CreateDatabase({name: "my-database-3"})')
    assert fql.to_fql(run(db, SCOPED, "secret:my-database-3:admin")) == shown
    assert run(db, {"exists": SCOPED}, "secret:my-database-3:admin") is False


def test_obj_escapes(db):
    assert run(db, {"object": {"@obj": {"@ref": "foo"}}}) == {"@ref": "foo"}
    assert v4_json(run(db, {"object": {"@obj": {"@non": "foo"}}})) == {"@obj": {"@non": "foo"}}
    assert run(db, {"quote": {"@obj": {"foo": "bar"}}}) == {"foo": "bar"}
    # the escape inside is read first: an invalid ref fails as itself, where it is
    assert fails(db, {"@obj": {"object": {"@ref": "foo"}}}) == ("invalid expression", "Invalid ref.", ["@obj", "object"])
    assert run(db, {"let": {"@obj": {"@ref": "bar"}}, "in": {"var": "@ref"}}) == "bar"


def test_set_is_what_events_and_singleton_return(db):
    run(db, {"create_class": {"object": {"name": "foo"}}})
    run(db, {"create_index": {"object": {"name": "fooIdx", "active": True, "source": {"class": "foo"}}}})
    foo = {"@ref": "classes/foo"}
    assert "@set" in v4_json(run(db, {"events": foo}))
    assert "@set" in v4_json(run(db, {"events": {"match": {"index": "fooIdx"}}}))
    assert "@set" in v4_json(run(db, {"singleton": foo}))


def test_scalar_escapes(db):
    assert fql.to_fql(run(db, {"@ts": "1970-01-01T00:00:00+00:00"})) == 'Time("1970-01-01T00:00:00Z")'
    assert fql.to_fql(run(db, {"@date": "1970-01-01"})) == 'Date("1970-01-01")'
    data = base64.urlsafe_b64encode(bytes([1, 2, 3, 4])).decode()
    assert v4_json(run(db, {"@bytes": data})) == {"@bytes": data}


def test_query_parses_to_a_lambda(db):
    body = {"lambda": "y", "expr": {"var": "y"}}
    fn = run(db, {"@query": body})
    # a lambda without a version is API 2.12's, and says so when shown
    assert v4_json(fn) == {"@query": {"api_version": "2.12", **body}}
    versioned = {"api_version": "3", "lambda": "_", "expr": {"contains_field": "foo", "in": {"object": {}}}}
    assert v4_json(run(db, {"@query": versioned})) == {"@query": versioned}
    assert v4_json(run(db, {"query": {"lambda": "y", "expr": {"var": "y"}}})) == {
        "@query": {"api_version": "4", **body}
    }


# -- NumberFoldsSpec --------------------------------------------------------------------------------------


def test_add_folds_long_lists(db):
    rng = random.Random(11)
    longs = [rng.randint(-(2**63), 2**63 - 1) for _ in range(10000)]
    total = sum(longs)
    wrapped = (total + 2**63) % 2**64 - 2**63
    assert run(db, {"add": longs}) == wrapped
    doubles = [rng.uniform(-1e6, 1e6) for _ in range(10000)]
    acc = 0.0
    for d in doubles:
        acc += d
    assert run(db, {"add": doubles}) == acc
    mixed = [rng.choice((rng.uniform(-1e6, 1e6), rng.randint(-(10**12), 10**12))) for _ in range(10000)]
    acc = 0.0
    for m in mixed:
        acc += float(m)
    result = run(db, {"add": mixed})
    assert isinstance(result, float) and result == acc


@pytest.mark.parametrize("args", [[7, -3, 0], [7.5, -3.25, 0.0]])
def test_divide_by_zero_is_reported(db, args):
    assert fails(db, {"divide": args}) == ("invalid argument", "Illegal division by zero.", [])


# -- RefParserSpec ----------------------------------------------------------------------------------------

VALID = ["foo", "$", "foo_", "less%2Fsf", "selfies", "__"]
INVALID = ["events", "self", "_"]
KINDS = {
    "databases": "Database",
    "classes": "Collection",
    "indexes": "Index",
    "functions": "Function",
    "roles": "Role",
    "access_providers": "AccessProvider",
}
NATIVES = {
    "databases": "Databases()",
    "keys": "Keys()",
    "classes": "Collections()",
    "indexes": "Indexes()",
    "tokens": "Tokens()",
    "credentials": "Credentials()",
    "functions": "Functions()",
    "roles": "Roles()",
    "access_providers": "AccessProviders()",
}


def test_legacy_refs(db):
    for name in VALID:
        for prefix, shown in KINDS.items():
            assert fql.to_fql(run(db, {"@ref": f"{prefix}/{name}"})) == f'{shown}("{name}")'
        assert fql.to_fql(run(db, {"@ref": f"classes/{name}/123"})) == f'Ref(Collection("{name}"), "123")'
    for name in INVALID:
        for prefix in KINDS:
            assert fails(db, {"@ref": f"{prefix}/{name}"}) == ("invalid expression", "Invalid ref.", [])
        for doc in ("123", "self"):
            assert fails(db, {"@ref": f"classes/{name}/{doc}"}) == ("invalid expression", "Invalid ref.", [])
    for text, shown in NATIVES.items():
        assert fql.to_fql(run(db, {"@ref": text})) == shown
    for native in ("keys", "tokens", "credentials"):
        assert fql.to_fql(run(db, {"@ref": f"{native}/123"})) == f'Ref({NATIVES[native]}, "123")'


def test_legacy_self_refs_name_the_caller(db):
    db.query('CreateCollection({name: "foo"})')
    db.query('Create(Ref(Collection("foo"), "7"), {credentials: {password: "pw"}})')
    token = db.query('Login(Ref(Collection("foo"), "7"), {password: "pw"})')["secret"]
    for body in ({"@ref": "classes/foo/self"}, ref("self", coll("foo"))):
        assert fql.to_fql(run(db, body, token)) == 'Ref(Collection("foo"), "7")'


def test_scoped_native_refs(db):
    scope = dbref("DB")
    for name, shown in NATIVES.items():
        if name == "databases":
            continue
        assert fql.to_fql(run(db, ref(name, database=scope))) == shown.replace("()", '(Database("DB"))')
    for name in VALID:
        assert fails(db, ref(name, database=scope)) == (
            "invalid expression",
            f"Valid native collection name expected, '{name}' provided.",
            ["id"],
        )


def test_recursive_refs(db):
    child = coll("childClass", dbref("childDB", dbref("parentDB")))
    assert fql.to_fql(run(db, ref(123456789, child))) == (
        'Ref(Collection("childClass", Database("childDB", Database("parentDB"))), "123456789")'
    )
    assert fails(db, ref("string id", child)) == (
        "invalid expression",
        "Number or numeric String expected, non-numeric 'string id' provided.",
        ["id"],
    )
    assert fails(db, ref("9223372036854775808", child)) == (
        "invalid expression",
        "The id provided is too large: '9223372036854775808'",
        ["id"],
    )
    # a document ref takes no database of its own
    assert fails(db, ref(123, coll("cls"), dbref("db"))) == (
        "invalid expression",
        "Null expected, Database Ref provided.",
        ["database"],
    )
    assert fql.to_fql(run(db, ref("my-idx", ref("indexes"), dbref("sub-db")))) == 'Index("my-idx", Database("sub-db"))'


def test_invalid_classes(db):
    assert fails(db, ref(1234567890)) == ("invalid expression", "String expected, Number provided.", ["id"])
    assert fails(db, ref("1234567890")) == (
        "invalid expression",
        "Valid native collection name expected, '1234567890' provided.",
        ["id"],
    )
