"""prisma/faunadb-rust's server tests (faunadb 0.0.12: the `*_eval` tests of src/query/write/, its examples/
and its documentation examples) replayed against `fql serve`: the v4 JSON its Client sends, with the
headers it sends, and what each test asserts of the answer, decoded as its `Value` decodes it.

The Rust driver writes the JSON itself (serde, field by field), so it is written here as plain JSON in the
same shapes and key order, built by helpers named for the Rust constructors. It sends
`X-FaunaDB-API-Version: 2.1`, so refs come back in the 2.1 form (`class`, not `collection`), which is the
only form its `Ref` deserializer reads. Its other 150 tests only check how an expression serializes and
never reach a server."""

from __future__ import annotations

import base64
import datetime
import json
import random
import string
import time

import pytest

import fql
from fql.server import ServerThread

from .conftest import exchange

#: What the Rust Client's build_request adds to every query (src/client.rs): no driver or timeout header.
HEADERS = {"Content-Type": "application/json", "X-FaunaDB-API-Version": "2.1"}


class RustError(Exception):
    """faunadb::error::Error: `Unauthorized`, `BadRequest(FaunaErrors)`, `NotFound(FaunaErrors)` or
    `DatabaseError(body)`, by the answer's status (Client::request)."""

    def __init__(self, kind: str, status: int, errors: list[dict] | str):
        super().__init__(kind, status, errors)
        self.kind, self.status, self.errors = kind, status, errors


class RustClient:
    """A SyncClient built with `Client::builder(secret)`: POST / with the query's JSON, Basic auth of
    `secret:` (ClientBuilder::build)."""

    def __init__(self, port: int, secret: str):
        self.port, self.secret = port, secret

    def send(self, query: dict) -> tuple[int, str]:
        # serde_json::to_string: compact, keys in the order written, non-ASCII text unescaped.
        payload = json.dumps(query, separators=(",", ":"), ensure_ascii=False).encode()
        authorization = "Basic " + base64.b64encode(f"{self.secret}:".encode()).decode()
        headers = {**HEADERS, "Content-Length": str(len(payload)), "Authorization": authorization}
        status, _, data = exchange(self.port, "POST", "/", payload, headers)
        return status, data.decode()

    def query(self, query: dict):
        """`client.query(q).unwrap()`'s `response.resource`, or the RustError the driver makes of a failure."""
        status, body = self.send(query)
        if 200 <= status < 300:
            return json.loads(body)["resource"]
        if status == 401:
            raise RustError("Unauthorized", status, body)
        if status in (400, 404):
            raise RustError("BadRequest" if status == 400 else "NotFound", status, fauna_errors(body))
        raise RustError("DatabaseError", status, body)


def fauna_errors(body: str) -> list[dict]:
    """The `FaunaErrors` serde reads of a 400 or 404: each error must have a `position` list, a `code` and a
    `description` string, or the driver panics decoding it (src/error.rs)."""
    errors = json.loads(body)["errors"]
    for error in errors:
        assert isinstance(error["position"], list), error
        assert isinstance(error["code"], str) and isinstance(error["description"], str), error
    return errors


# Values as src/client/response/value.rs reads them: an object with one tag key is an AnnotatedValue.


def as_str(value):
    return value if isinstance(value, str) else None


def as_u64(value):
    """Number::UInt: serde_json reads a non-negative whole JSON number as a u64 (not 10.0, not -1)."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def as_bool(value):
    return value if isinstance(value, bool) else None


def is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def as_bytes(value):
    return base64.b64decode(value["@bytes"]) if isinstance(value, dict) and list(value) == ["@bytes"] else None


def as_date(value):
    if isinstance(value, dict) and list(value) == ["@date"]:
        return datetime.date.fromisoformat(value["@date"])
    return None


def as_timestamp(value):
    """A chrono DateTime<Utc>, as nanoseconds since the epoch (chrono keeps them all)."""
    if not (isinstance(value, dict) and list(value) == ["@ts"]):
        return None
    text = value["@ts"]
    assert text.endswith("Z"), text
    whole, _, fraction = text[:-1].partition(".")
    seconds = datetime.datetime.fromisoformat(whole).replace(tzinfo=datetime.timezone.utc).timestamp()
    return int(seconds) * 10**9 + int((fraction or "0").ljust(9, "0"))


def ref_path(value):
    """`as_reference().unwrap().path()`: the ids joined by `/`, the outermost first. The Ref struct reads
    its location under `class` (or `index`) alone, so a ref rendered with `collection` has no location and
    its path is its bare id."""
    assert isinstance(value, dict) and list(value) == ["@ref"], value
    ref = value["@ref"]
    location = ref.get("class", ref.get("index"))
    return ref["id"] if location is None else f"{ref_path(location)}/{ref['id']}"


# The JSON each Rust constructor serializes to (src/query/**, src/expr/**), field order kept.


def instance_ref(id: str, class_name: str | None = None) -> dict:
    """Ref::instance(id), with set_class(class_name)."""
    return {"@ref": {"id": id, "class": class_ref(class_name)}} if class_name else {"@ref": {"id": id}}


def class_ref(name: str) -> dict:
    """Ref::class(name)."""
    return {"@ref": {"id": name, "class": {"@ref": {"id": "classes"}}}}


def database_ref(name: str) -> dict:
    """Ref::database(name): written under `class`, as RefLocation::Database is renamed."""
    return {"@ref": {"id": name, "class": {"@ref": {"id": "databases"}}}}


def obj(**fields) -> dict:
    """Expr::from(Object): a BTreeMap, so its keys go out sorted."""
    return {"object": dict(sorted(fields.items()))}


def chrono_ts(nanos: int) -> dict:
    """Expr::from(DateTime<Utc>): chrono writes the fraction in 3, 6 or 9 digits, as few as it needs."""
    seconds, nano = divmod(nanos, 10**9)
    text = datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
    if nano:
        digits = 3 if nano % 10**6 == 0 else 6 if nano % 10**3 == 0 else 9
        text += "." + f"{nano:09d}"[:digits]
    return {"@ts": text + "Z"}


def create_database(name: str, data: dict | None = None, priority: int | None = None) -> dict:
    """CreateDatabase::new(DatabaseParams::new(name)): DatabaseParams always writes api_version "2.0"."""
    params: dict = {"name": name, "api_version": "2.0"}
    if data is not None:
        params["data"] = data
    if priority is not None:
        params["priority"] = priority
    return {"create_database": {"object": params}}


def class_permission(**levels) -> dict:
    """ClassPermission with create/read/write levels (Level::public() is "public")."""
    return {"object": {k: levels[k] for k in ("create", "read", "write") if k in levels}}


def create_class(name: str, *, data=None, history_days=None, ttl_days=None, permissions=None) -> dict:
    """CreateClass::new(ClassParams::new(name)) with the optional fields set."""
    given = {"data": data, "history_days": history_days, "ttl_days": ttl_days, "permissions": permissions}
    return {"create_class": {"object": {"name": name, **{k: v for k, v in given.items() if v is not None}}}}


def create(class_expr: dict, data: dict) -> dict:
    """Create::new(class_ref, data)."""
    return {"create": class_expr, "params": {"object": {"data": data}}}


def create_key(database: dict, role: str) -> dict:
    """CreateKey::new(KeyParams::new(database, role)): priority 1 unless set."""
    return {"create_key": {"object": {"database": database, "role": role, "priority": 1}}}


def delete(ref: dict) -> dict:
    return {"delete": ref}


def gen_db_name() -> str:
    """test_utils::gen_db_name: ten random alphanumerics (a digit may come first)."""
    return "".join(random.choices(string.ascii_letters + string.digits, k=10))


@pytest.fixture(scope="module")
def server():
    with ServerThread(fql.connect()) as running:
        yield running


@pytest.fixture(scope="module")
def client(server):
    """test_utils::CLIENT: `Client::builder("secret")` at the server's root."""
    return RustClient(server.port, "secret")


def with_database(client: RustClient):
    """test_utils::with_database: a random database made before and deleted after, both unwrapped."""
    name = gen_db_name()
    client.query(create_database(name))
    return name


def with_class_params(name: str) -> dict:
    """The ClassParams test_utils::with_class and test_create_class_eval both build."""
    return create_class(
        name,
        data=obj(meow=True),
        history_days=10,
        ttl_days=3,
        permissions=class_permission(read="public", write="public"),
    )


def test_create_database_eval(client):
    """create_database.rs test_create_database_eval: CreateDatabase "test" with priority 10 and data.

    The Rust test also asserts `api_version == "2.0"`, which Fauna 2.x kept. Core's v4 database
    validators (Database.VersionValidator) do not select `api_version` (NativeCollection marks it a v4
    field no longer supported), so Validator.patch drops it, and fql follows core: the answer has none."""
    db = "test"
    res = client.query(create_database(db, data=obj(foo="bar"), priority=10))
    try:
        assert "api_version" not in res
        assert as_str(res["name"]) == db
        assert as_u64(res["priority"]) == 10
        assert ref_path(res["ref"]) == ref_path(database_ref(db)) == "databases/test"
        assert as_str(res["data"]["foo"]) == "bar"
        assert is_number(res["ts"])
    finally:
        client.query(delete(database_ref(db)))


def test_create_class_eval(client):
    """create_class.rs test_create_class_eval: CreateClass with history_days, ttl_days, public permissions
    and data, inside with_database (which makes a database but queries the root with the same client).

    `permissions` is the legacy class permissions object: core's head selects no such field and would
    drop it; fql keeps a collection's `permissions` (and honours `read: "public"`), as README says."""
    name = gen_db_name()
    db = with_database(client)
    try:
        res = client.query(with_class_params(name))
        assert as_u64(res["history_days"]) == 10
        assert as_u64(res["ttl_days"]) == 3
        assert as_str(res["name"]) == name
        assert as_bool(res["data"]["meow"]) is True
        assert as_str(res["permissions"]["read"]) == "public"
    finally:
        client.query(delete(database_ref(db)))


def test_create_eval(client):
    """create.rs test_create_eval: Create(Class(name), data) of every value type inside with_class, each
    field read back with the Value accessor the Rust test uses."""
    data = obj(
        name="Musti",
        id=1,
        age=7,
        byte_data={"@bytes": base64.b64encode(bytes([1, 2, 3])).decode()},
        nicknames=["mustu", "muspus", "mustikka"],
        am_i_cute=True,
        created_at=chrono_ts(60 * 10**9),
        birthday={"@date": "2011-07-07"},
    )
    assert data["object"]["created_at"] == {"@ts": "1970-01-01T00:01:00Z"}
    name = gen_db_name()
    db = with_database(client)
    try:
        client.query(with_class_params(name))
        res = client.query(create({"class": name}, data))
        got = res["data"]
        assert as_str(got["name"]) == "Musti"
        assert as_u64(got["id"]) == 1
        assert as_u64(got["age"]) == 7
        assert as_bool(got["am_i_cute"]) is True
        assert as_bytes(got["byte_data"]) == bytes([1, 2, 3])
        assert as_timestamp(got["created_at"]) == 60 * 10**9
        assert as_date(got["birthday"]) == datetime.date(2011, 7, 7)
        assert [as_str(n) for n in got["nicknames"]] == ["mustu", "muspus", "mustikka"]
        client.query(delete(class_ref(name)))
    finally:
        client.query(delete(database_ref(db)))


@pytest.fixture
def example(client):
    """The `--secret` an example is run with: an admin key of a fresh database, so that the fixed names the
    examples use (HouseCats, double, test) start free in each."""
    db = gen_db_name()
    client.query(create_database(db))
    key = client.query(create_key(database_ref(db), "admin"))
    yield RustClient(client.port, key["secret"])
    client.query(delete(database_ref(db)))


def create_instance_queries(class_name: str, created_at: dict) -> tuple[dict, dict]:
    """examples/create_instance.rs: the class `-c` makes, and the instance (a null and a nested object
    among every value type) Create(Ref::class(...)) makes."""
    make_class = create_class(
        class_name, history_days=3, ttl_days=3, permissions=class_permission(read="public")
    )
    data = obj(
        name="Musti",
        id=1,
        age=7,
        byte_data={"@bytes": "AQID"},
        nicknames=["mustu", "muspus", "mustikka"],
        this_is_null=None,
        am_i_cute=True,
        created_at=created_at,
        birthday={"@date": "2011-07-07"},
        objective=obj(foo="bar"),
    )
    return make_class, create(class_ref(class_name), data)


def test_example_create_instance(example):
    """examples/create_instance.rs with `--create_class`: CreateClass HouseCats, then the instance; and
    again without it, into the class the first run made. The example prints both answers."""
    now = chrono_ts(time.time_ns())
    make_class, make_instance = create_instance_queries("HouseCats", now)
    made = example.query(make_class)
    assert (made["name"], made["history_days"], made["ttl_days"]) == ("HouseCats", 3, 3)
    assert ref_path(made["ref"]) == "classes/HouseCats"
    for _ in range(2):
        res = example.query(make_instance)
        assert ref_path(res["ref"]).startswith("classes/HouseCats/")
        # A null field is no field; the nested object comes back as a plain object.
        assert "this_is_null" not in res["data"]
        assert res["data"]["objective"] == {"foo": "bar"}
        assert as_timestamp(res["data"]["created_at"]) == as_timestamp(now)
        # ttl_days 3: core's WriteAdaptor gives the document a ttl three days past its write.
        assert as_timestamp(res["ttl"]) == res["ts"] * 1000 + 3 * 86400 * 10**9


def test_example_create_index(example):
    """examples/create_index.rs: CreateIndex new_meows on HouseCats with public read, serialized,
    8 partitions, a term and three values (one reversed), after create_instance.rs -c has run."""
    make_class, make_instance = create_instance_queries("HouseCats", chrono_ts(time.time_ns()))
    example.query(make_class)
    instance = example.query(make_instance)["ref"]
    values = [
        {"object": {"field": ["ref"], "reverse": False}},
        {"object": {"field": ["data", "age"], "reverse": True}},
        {"object": {"field": ["data", "name"], "reverse": False}},
    ]
    params = {
        "name": "new_meows",
        "source": class_ref("HouseCats"),
        "active": False,
        "unique": False,
        "serialized": True,
        "terms": [{"object": {"field": ["data", "id"]}}],
        "values": values,
        "partitions": 8,
        "permissions": {"object": {"read": "public"}},
    }
    res = example.query({"create_index": {"object": params}})
    assert ref_path(res["ref"]) == "indexes/new_meows"
    assert ref_path(res["source"]) == "classes/HouseCats"
    assert [v["reverse"] for v in res["values"]] == [False, True, False]
    assert (res["partitions"], res["serialized"], res["unique"]) == (8, True, False)
    # The collection is small, so core builds the index at once and writes it active (WriteAdaptor).
    assert res["active"] is True
    page = example.query({"paginate": {"match": {"index": "new_meows"}, "terms": 1}})
    assert page["data"] == [[instance, 7, "Musti"]]


def test_example_create_function(example):
    """examples/create_function.rs: CreateFunction "double", its body Lambda("x", Add([x, x])) quoted
    (FunctionParams::new quotes the body)."""
    body = {"lambda": "x", "expr": {"add": [{"var": "x"}, {"var": "x"}]}}
    res = example.query({"create_function": {"object": {"name": "double", "body": {"@query": body}}}})
    assert ref_path(res["ref"]) == "functions/double"
    # A lambda read at 2.12 and answered at 2.1 carries no api_version (core's Expression rendering).
    assert res["body"] == {"@query": body}
    assert example.query({"call": {"function": "double"}, "arguments": 21}) == 42


def test_example_get_instance(example):
    """examples/get_instance.rs: Get(Ref(id, class HouseFats)) at Utc::now(), for an instance made
    first; and, with an id that names none, the NotFound the driver decodes ("Instance", core's
    document name before API 2.7, in Renderable's InstanceNotFound description)."""
    make_class, make_instance = create_instance_queries("HouseFats", chrono_ts(60 * 10**9))
    example.query(make_class)
    made = example.query(make_instance)
    id = made["ref"]["@ref"]["id"]
    res = example.query({"get": instance_ref(id, "HouseFats"), "ts": chrono_ts(time.time_ns())})
    assert res == made
    with pytest.raises(RustError) as failed:
        example.query({"get": instance_ref("1", "HouseFats"), "ts": chrono_ts(time.time_ns())})
    assert (failed.value.kind, failed.value.errors) == (
        "NotFound",
        [{"position": [], "code": "instance not found", "description": "Instance not found."}],
    )


def test_example_delete_instance(example):
    """examples/delete_instance.rs: Delete(Ref::database(id)), the database the id names; a second run
    is the BadRequest the driver decodes (the ref names no database any more)."""
    example.query(create_database("doomed"))
    res = example.query(delete(database_ref("doomed")))
    assert ref_path(res["ref"]) == "databases/doomed"
    assert as_str(res["name"]) == "doomed"
    with pytest.raises(RustError) as failed:
        example.query(delete(database_ref("doomed")))
    assert (failed.value.kind, failed.value.errors) == (
        "BadRequest",
        [{"position": ["delete"], "code": "invalid ref", "description": "Ref refers to undefined database 'doomed'"}],
    )


def test_example_misc(example):
    """examples/misc.rs: CreateDatabase "test" with priority 10 and data {foo: "bar"}, printed."""
    res = example.query(create_database("test", data=obj(foo="bar"), priority=10))
    assert (res["name"], res["priority"], res["data"]) == ("test", 10, {"foo": "bar"})
    assert ref_path(res["ref"]) == "databases/test"


def test_doc_filter(client):
    """src/lib.rs's asynchronous and synchronous examples (`no_run` doctests, the same query):
    Filter(Lambda("x", Gt(Var("x"), 2)), [1, 2, 3])."""
    query = {"filter": {"lambda": "x", "expr": {"gt": [{"var": "x"}, 2]}}, "collection": [1, 2, 3]}
    assert client.query(query) == [3]


def test_readme_basic_usage(client):
    """README.md's Basic Usage: CreateDatabase "my-first-database", asserting the name it answers."""
    res = client.query(create_database("my-first-database"))
    try:
        assert as_str(res["name"]) == "my-first-database"
    finally:
        client.query(delete(database_ref("my-first-database")))


def test_unauthorized(server):
    """Client::request maps a 401 to Error::Unauthorized without reading the body (a wrong secret)."""
    with pytest.raises(RustError) as failed:
        RustClient(server.port, "not-a-secret").query(create_database("x"))
    assert (failed.value.kind, failed.value.status) == ("Unauthorized", 401)



# Forms the serialization tests write (they never reach a server), each sent as written and answered as
# core answers it at API 2.1: the Rust test named, its JSON, then ("ok", value) or (status, code,
# description, position). The first three differed in fql and were fixed.
WIRE_FORMS = [
    (
        "misc.rs test_classes_database",
        {"classes": database_ref("cats")},
        (400, "invalid ref", "Ref refers to undefined database 'cats'", ["classes"]),
    ),
    (
        "auth.rs test_identity (with an argument that is not null)",
        {"identity": 1},
        (400, "invalid argument", "Null expected, Integer provided.", ["identity"]),
    ),
    (
        "misc.rs test_new_id (with an argument that is not null)",
        {"new_id": "x"},
        (400, "invalid argument", "Null expected, String provided.", ["new_id"]),
    ),
    ("auth.rs test_identity", {"identity": None}, (400, "missing identity", "Authentication does not contain an identity", [])),
    ("auth.rs test_has_identity", {"has_identity": None}, ("ok", False)),
    ("misc.rs test_class", {"class": "housecats"}, ("ok", class_ref("housecats"))),
    ("misc.rs test_classes_all", {"classes": None}, ("ok", {"@ref": {"id": "classes"}})),
    ("misc.rs test_database", {"database": "cats"}, ("ok", database_ref("cats"))),
    (
        "write.rs test_delete (a ref with no class)",
        delete(instance_ref("musti")),
        (400, "invalid expression", "Valid native class name expected, 'musti' provided.", ["delete", "id"]),
    ),
    (
        "expr.rs test_ref_with_class_expr (a non-numeric id)",
        {"get": instance_ref("foo", "test")},
        (400, "invalid expression", "Number or numeric String expected, non-numeric 'foo' provided.", ["get", "id"]),
    ),
    (
        "expr.rs test_set_expr (a ref located under `index`, which no ref form has)",
        {"@set": {"match": {"@ref": {"id": "cats_age", "index": {"@ref": {"id": "indexes"}}}}, "terms": 8}},
        (400, "invalid expression", "Ref expected, Object provided.", ["match"]),
    ),
]


@pytest.mark.parametrize("query, expected", [p[1:] for p in WIRE_FORMS], ids=[p[0] for p in WIRE_FORMS])
def test_serialized_forms(client, query, expected):
    """Serialization tests' forms sent to the server: what core answers each (see WIRE_FORMS)."""
    if expected[0] == "ok":
        assert client.query(query) == expected[1]
        return
    status, code, description, position = expected
    with pytest.raises(RustError) as failed:
        client.query(query)
    assert failed.value.status == status
    assert failed.value.errors == [{"position": position, "code": code, "description": description}]


def test_paginate_form_with_after_and_before(client):
    """The form read.rs test_paginate serializes (a serialization test: Paginate(Classes::all()) with
    both before and after set, which the driver writes side by side). Core's parser has a paginate form
    for `after`, one for `before` and one for `cursor`, none taking two of them, so the query is no form;
    with one of them it runs."""
    after, before = chrono_ts(60 * 10**9), chrono_ts(100 * 10**9)
    both = {"paginate": {"classes": None}, "size": 64, "events": False, "sources": False, "after": after, "before": before}
    with pytest.raises(RustError) as failed:
        client.query(both)
    keys = "paginate, size, events, sources, after, before"
    assert (failed.value.kind, failed.value.errors) == (
        "BadRequest",
        [{"position": [], "code": "invalid expression", "description": f"No form/function found, or invalid argument keys: {{ {keys} }}."}],
    )
    page = client.query({k: v for k, v in both.items() if k != "before"})
    assert isinstance(page["data"], list)
