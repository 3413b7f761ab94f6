"""core's FQL2EnvironmentEndpointSpec (ext/api/src/test/scala/environment/FQL2EnvironmentEndpointSpec.scala):
`GET /environment/1` over fql's HTTP server. Each test names its case.

"returns correct static environment" compares core's whole answer with its test resource
(static_environment_response_v1.json, 35 KB), which is not kept here: the test checks the answer's shape,
every global, the kinds of every type, and a sample of members across modules, types and native collections;
tests/test_stdlib_types.py checks the table against fql's methods.
"""

from __future__ import annotations

import json

import pytest

from .core_api_schema import FORBIDDEN, OK, UNAUTHORIZED, Api, Database
from .core_api_schema import api  # noqa: F401 - fixture

PATH = "/environment/1"
RANGE = "{ from: Any } | { to: Any } | { from: Any, to: Any }"


class V10Database(Database):
    """core's FQL2APISpec `aDatabase(typechecked, protected)`: a child database with its keys, made with
    `typechecked` set."""

    def __init__(self, api: Api, typechecked: bool):
        super().__init__(api)
        self.query(f"Database.byName('{self.name}')!.update({{ typechecked: {str(typechecked).lower()} }})", "secret")

    def query(self, text: str, secret: str | None = None) -> dict:
        """core's queryRaw: the v10 answer, which must succeed (queryOk)."""
        status, body = self.api.post("/query/1", {"query": text}, secret or self.key)
        assert status == OK, body
        return body


@pytest.fixture
def db(api) -> V10Database:
    """core's `aDatabase`: not typechecked."""
    return V10Database(api, typechecked=False)


@pytest.fixture
def typechecked_db(api) -> V10Database:
    """core's `aTypecheckedDatabase`."""
    return V10Database(api, typechecked=True)


def environment(api: Api, secret: str) -> dict:
    status, body = api.get(PATH, secret)
    assert status == OK, body
    return body


def contains(found: dict, expected: dict) -> None:
    """core's containJSON: every key of `expected` is in `found` with an equal value."""
    assert {k: found.get(k) for k in expected} == expected


def test_returns_a_401_with_no_auth(api):
    """`returns a 401 with no auth`."""
    assert api.raw("GET", PATH, secret=None)[::2] == (
        UNAUTHORIZED,
        {"code": "unauthorized", "message": "Invalid token, unable to authenticate request"},
    )
    assert api.get(PATH, "not-a-secret")[0] == UNAUTHORIZED


def test_succeeds_with_admin_key(api, db):
    """`succeeds with admin key`."""
    assert api.get(PATH, db.admin_key)[0] == OK


def test_succeeds_with_server_key(api, db):
    """`succeeds with server key`."""
    assert api.get(PATH, db.key)[0] == OK


def test_fails_with_403_for_non_server_admin_key(api, db):
    """`fails with 403 for non server/admin key`: a client key, and (core's ServerReadOnlyPermissions is
    neither) a server-readonly key and a token."""
    forbidden = {"code": "forbidden", "message": "A valid admin/server key must be provided to use this endpoint"}
    assert api.get(PATH, db.client_key) == (FORBIDDEN, forbidden)
    readonly = db.query("Key.create({ role: 'server-readonly' }).secret", db.admin_key)["data"]
    assert api.get(PATH, readonly) == (FORBIDDEN, forbidden)
    assert api.get(PATH, db.user())[0] == FORBIDDEN


def test_returns_correct_static_environment(api, db):
    """`returns correct static environment`: the standard library alone, as core's resource lists it."""
    body = environment(api, db.key)
    assert list(body) == ["schema_version", "environment"] and body["schema_version"] == 0
    env = body["environment"]
    assert list(env) == ["globals", "types"]
    assert env["globals"] == {
        "AccessProvider": "AccessProviderCollection", "Array": "ArrayModule", "Boolean": "BooleanModule",
        "Bytes": "BytesModule", "Collection": "CollectionCollection", "Credential": "CredentialCollection",
        "Credentials": "CredentialCollection", "Database": "DatabaseCollection", "Date": "DateModule",
        "Doc": "DocModule", "Double": "DoubleModule", "EventSource": "EventSourceModule", "FQL": "FQLModule",
        "Float": "FloatModule", "Function": "FunctionCollection", "ID": "IDModule", "Int": "IntModule",
        "Key": "KeyCollection", "Long": "LongModule", "Math": "MathModule", "Null": "NullModule",
        "Number": "NumberModule", "Object": "ObjectModule", "Query": "QueryModule", "Role": "RoleCollection",
        "Set": "SetModule", "SetCursor": "SetCursorModule", "String": "StringModule", "Struct": "StructModule",
        "Time": "TimeModule", "Token": "TokenCollection", "TransactionTime": "TransactionTimeModule",
        "UUID": "UUIDModule", "abort": "(return: Any) => Never",
        "asc": "<A> (accessor: (A => Any)) => { asc: A => Any }", "dbg": "<A> (value: A) => A",
        "desc": "<A> (accessor: (A => Any)) => { desc: A => Any }", "log": "(args: ...Any) => Null",
        "newId": "() => ID",
    }  # fmt: skip
    types = env["types"]
    assert len(types) == 74 and list(types) == sorted(types)
    hints = {name: shape.get("type_hint") for name, shape in types.items()}
    assert sorted(n for n, h in hints.items() if h == "server_collection") == [
        "AccessProviderCollection", "CollectionCollection", "CredentialCollection", "DatabaseCollection",
        "FunctionCollection", "KeyCollection", "RoleCollection", "TokenCollection",
    ]  # fmt: skip
    assert all(types[kind]["type_hint"] == "module" for kind in env["globals"].values() if kind.endswith("Module"))
    for shape in types.values():
        # core's key order, empty parts left out, members sorted.
        keys = [k for k in ("self", "fields", "ops", "apply", "access", "alias", "type_hint") if k in shape]
        assert list(shape) == keys
        assert all(list(shape[part]) == sorted(shape[part]) for part in ("fields", "ops") if part in shape)
    assert types["Array"]["self"] == "<A> Array<A>" and types["Array"]["access"] == "<A> Number => A"
    contains(
        types["Array"]["fields"],
        {
            "indexWhere": "<A> ((predicate: (A => Boolean | Null)) => Number | Null) & "
            "((predicate: A => Boolean | Null, start: Number) => Number | Null)",
            "order": "<A> (ordering: ...(A => Any) & {}) => Array<A>",
            "length": "Number",
            "flatten": "() => Array<Any>",
        },
    )
    contains(
        types["Set"]["fields"],
        {
            "paginate": "<A> (() => { data: Array<A>, after: String | Null }) & "
            "((size: Number) => { data: Array<A>, after: String | Null })",
            "changesOn": "<A> (fields: ...A => Any) => EventSource<A>",
        },
    )
    assert types["String"]["fields"]["splitAt"] == "(index: Number) => [String, String]"
    assert types["Int"] == types["Number"] and types["Int"]["self"] == "Number"
    assert types["Number"]["ops"]["-"] == "((other: Number) => Number) & (() => Number)"
    assert types["Boolean"]["ops"] == {
        "!": "() => Boolean", "&&": "(other: Boolean) => Boolean", "||": "(other: Boolean) => Boolean",
    }  # fmt: skip
    assert types["TimeModule"] == {
        "self": "TimeModule",
        "fields": {
            "epoch": "(offset: Number, unit: String) => Time",
            "fromString": "(time: String) => Time",
            "now": "() => Time",
        },
        "apply": "(time: String) => Time",
        "type_hint": "module",
    }
    assert types["MathModule"]["fields"]["mean"] == (
        "((numbers: Array<Number>) => Number) & ((numbers: Set<Number>) => Number)"
    )
    assert types["FQLModule"]["fields"]["Schema"] == "FQL.SchemaModule" and "FQL" not in types["FQLModule"]["fields"]
    assert types["object"] == {"self": "{ *: Any }", "access": "String => Any"}
    assert types["Ref"] == {"self": "<A> Ref<A>", "alias": "<A> A | EmptyRef<A>"}
    assert types["KeyCollection"] == {
        "self": "KeyCollection",
        "fields": {
            "all": f"(() => Set<Key>) & ((range: {RANGE}) => Set<Key>)",
            "byId": "(id: ID) => Ref<Key>",
            "create": "(data: { role: String, database: String | Null, ttl: Time | Null, data: { *: Any } | Null }) => Key",
            "firstWhere": "(pred: (Key => Boolean)) => Key | Null",
            "toString": "() => String",
            "where": "(pred: (Key => Boolean)) => Set<Key>",
        },
        "apply": "(id: ID) => Ref<Key>",
        "type_hint": "server_collection",
    }
    assert types["Credential"]["fields"]["login"] == (
        "((secret: String) => Token) & ((secret: String, ttl: Time) => Token)"
    )
    assert types["NullRole"] == {
        "self": "NullRole",
        "fields": {"coll": "RoleCollection", "exists": "() => false", "name": "String", "toString": "() => String"},
        "alias": "Null",
    }
    assert types["CollectionCollection"]["fields"]["Deleted"] == "DeletedCollection"
    assert types["FunctionDef"]["alias"] == (
        "{ name: String, alias: String | Null, signature: String | Null, ts: Time, coll: FunctionCollection, "
        "role: String | Null, body: String, data: { *: Any } | Null }"
    )


AUTHOR = """
Collection.create({
  name: "Author",
  fields: {
    firstName: { signature: 'String' },
    lastName: { signature: 'String' }
  },
  indexes: {
    byLastName: {
      terms: [ { field: "lastName" } ],
      values: [ { field: "firstName" }, { field: "lastName" } ]
    },
    byFullName: {
      terms: [ { field: "firstName" }, { field: "lastName" }]
    }
  }
})
"""


def test_returns_the_correct_collection_types_when_a_user_has_collections(api, db):
    """`returns the correct collection types when a user has collections`."""
    db.query(AUTHOR)
    env = environment(api, db.key)["environment"]
    contains(env["globals"], {"Author": "AuthorCollection"})
    contains(
        env["types"]["AuthorCollection"],
        {
            "self": "AuthorCollection",
            "type_hint": "user_collection",
            "fields": {
                "all": f"(() => Set<Author>) & ((range: {RANGE}) => Set<Author>)",
                "firstWhere": "(pred: (Author => Boolean)) => Author | Null",
                "toString": "() => String",
                "where": "(pred: (Author => Boolean)) => Set<Author>",
                "createData": "(data: { firstName: String, lastName: String }) => Author",
                "create": "(data: { id: ID | Null, firstName: String, lastName: String }) => Author",
                "definition": "CollectionDef",
                "byId": "(id: ID) => Ref<Author>",
                "byLastName": f"((term1: String) => Set<Author>) & ((term1: String, range: {RANGE}) => Set<Author>)",
                "byFullName": "((term1: String, term2: String) => Set<Author>) & "
                f"((term1: String, term2: String, range: {RANGE}) => Set<Author>)",
            },
        },
    )
    contains(
        env["types"]["Author"],
        {
            "self": "Author",
            "alias": "{ id: ID, ts: Time, ttl: Time | Null, firstName: String, lastName: String }",
            "fields": {
                "coll": "AuthorCollection",
                "delete": "() => NullAuthor",
                "exists": "() => true",
                "replace": "(data: { firstName: String, lastName: String }) => Author",
                "replaceData": "(data: { firstName: String, lastName: String }) => Author",
                "update": "(data: { firstName: String | Null, lastName: String | Null }) => Author",
                "updateData": "(data: { firstName: String | Null, lastName: String | Null }) => Author",
            },
        },
    )
    contains(
        env["types"]["NullAuthor"],
        {
            "self": "NullAuthor",
            "fields": {"id": "ID", "toString": "() => String", "exists": "() => false", "coll": "AuthorCollection"},
            "alias": "Null",
        },
    )
    assert "truncated_resources" not in env


def test_collections_with_an_invalid_identifier_arent_returned_in_the_environment(api, db):
    """`collections with an invalid identifier aren't returned in the environment`: a v4 collection
    whose name is no identifier."""
    status, body = api.post("/", {"create_collection": {"object": {"name": "Invalid$Identifier"}}}, db.key)
    assert status == 201, body
    status, body = api.get(PATH, db.key)
    assert status == OK and "Invalid$Identifier" not in json.dumps(body)


def test_returns_collection_aliases_as_globals_when_collections_have_aliases(api, db):
    """`returns collection aliases as globals when collections have aliases`."""
    db.query('Collection.create({ name: "Author", alias: "BookWriter" })')
    env = environment(api, db.key)["environment"]
    contains(env["globals"], {"Author": "AuthorCollection", "BookWriter": "BookWriterCollection"})
    contains(
        env["types"]["BookWriterCollection"],
        {
            "self": "BookWriterCollection",
            "type_hint": "user_collection",
            "fields": {
                "all": f"(() => Set<BookWriter>) & ((range: {RANGE}) => Set<BookWriter>)",
                "firstWhere": "(pred: (BookWriter => Boolean)) => BookWriter | Null",
                "toString": "() => String",
                "where": "(pred: (BookWriter => Boolean)) => Set<BookWriter>",
                "createData": "(data: { *: Any }) => BookWriter",
                "create": "(data: { id: ID | Null, ttl: Time | Null, data: Null, *: Any }) => BookWriter",
                "definition": "CollectionDef",
                "byId": "(id: ID) => Ref<BookWriter>",
            },
        },
    )
    contains(
        env["types"]["BookWriter"],
        {
            "self": "BookWriter",
            "alias": "{ id: ID, ts: Time, ttl: Time | Null, *: Any }",
            "fields": {
                "coll": "BookWriterCollection",
                "delete": "() => NullBookWriter",
                "exists": "() => true",
                "replace": "(data: { ttl: Time | Null, data: Null, *: Any }) => BookWriter",
                "replaceData": "(data: { *: Any }) => BookWriter",
                "update": "(data: { ttl: Time | Null, data: Null, *: Any }) => BookWriter",
                "updateData": "(data: { *: Any }) => BookWriter",
            },
        },
    )
    contains(
        env["types"]["NullBookWriter"],
        {
            "self": "NullBookWriter",
            "fields": {"id": "ID", "toString": "() => String", "exists": "() => false", "coll": "BookWriterCollection"},
            "alias": "Null",
        },
    )


TEST_FUNC = """
Function.create({
  name: "testFunc",%s
  body: "x => x",
  signature: "(String) => String"
})
"""


def test_returns_the_correct_user_function_types_when_a_user_has_user_functions(api, typechecked_db):
    """`returns the correct user function types when a user has user functions`."""
    typechecked_db.query(TEST_FUNC % "")
    env = environment(api, typechecked_db.key)["environment"]
    contains(env["globals"], {"testFunc": "UserFunction<(x: String) => String>"})


def test_returns_function_aliases_when_present(api, typechecked_db):
    """`returns function aliases when present`."""
    typechecked_db.query(TEST_FUNC % '\n  alias: "testAlias",')
    env = environment(api, typechecked_db.key)["environment"]
    contains(
        env["globals"],
        {"testFunc": "UserFunction<(x: String) => String>", "testAlias": "UserFunction<(x: String) => String>"},
    )


def test_returns_correct_schema_version(api, typechecked_db):
    """`returns correct schema version`: the time of the last schema change, not of later queries."""
    expected = typechecked_db.query(TEST_FUNC % "")["txn_ts"]
    typechecked_db.query('testFunc("hi")')
    assert environment(api, typechecked_db.key)["schema_version"] == expected


def _create_many(db: V10Database, make, batches: int, per_batch: int) -> None:
    for i in range(1, batches + 1):
        db.query("\n".join(make(i, j) for j in range(1, per_batch + 1)))


def test_returns_truncated_collection_response_when_a_user_has_collections_over_1000(api, db):
    """`returns truncated collection response when a user has collections > 1000`."""
    _create_many(db, lambda i, j: f"Collection.create({{ name: 'TestColl{i}{j}'}})", 10, 101)
    env = environment(api, db.key)["environment"]
    assert env["truncated_resources"] == ["collection"]
    assert sum(kind.endswith("Collection") for kind in env["globals"].values()) == 1000 + 9


def test_returns_truncated_function_response_when_a_user_has_over_1000_functions(api, db):
    """`returns truncated function response when a user > 1000 functions`."""
    _create_many(db, lambda i, j: f"Function.create({{ name: 'TestFunc{i}{j}', body: 'x => x' }})", 10, 101)
    env = environment(api, db.key)["environment"]
    assert env["truncated_resources"] == ["function"]
    assert sum(kind == "UserFunction<Any>" for kind in env["globals"].values()) == 1000


def test_returns_truncated_collection_and_function_response(api, db):
    """`returns truncated [collection, function] response when a user has collectinos > 1000 and functions >
    1000`."""

    def make(i: int, j: int) -> str:
        return (
            f"Collection.create({{ name: 'TestColli1{i}i2{j}'}})\n"
            f"Function.create({{ name: 'TestFunci1{i}i2{j}', body: 'x => x' }})"
        )

    _create_many(db, make, 20, 51)
    env = environment(api, db.key)["environment"]
    assert env["truncated_resources"] == ["collection", "function"]
