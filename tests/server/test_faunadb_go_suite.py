"""fauna/faunadb-go's tests that reach a server (v4 driver 4.3.1, faunadb/client_test.go and
faunadb/stream_test.go read at its head `1c3f07e`) replayed against `fql serve`: the JSON the Go driver
writes for each expression (its `{"object": ...}` objects, `let` as an array of one-key objects, structs
as objects with every tagged field, a nil pointer field as `null`, `Do(Arr{...})` as `{"do": [[...]]}`,
`Paginate(..., Cursor(nil))` as `"cursor": null`, `{"@ref": "collections/spells/1234"}`), sent with the
headers its FaunaClient sends (`Authorization: Bearer`, `X-FaunaDB-API-Version: 4`, `X-Query-Timeout:
60000`, `X-Last-Seen-Txn` once an `X-Txn-Time` was seen), and what each test asserts of the answer, read
as its decoder reads it (LongV and DoubleV told apart where a test says which, refs by their JSON, the
error type by status and its `Response error ...` text). Each case names the Go test it restates. The
request bodies were compared with those the Go suites send to `fql serve` (captured on the wire, random
names, ids and times aside): the same set, both ways; a document read back and sent again as an argument
is its ObjectV, `{"object": ...}` (`value_json`).

As the driver's SetupTestDB does, the suite works in a database of its own (`faunadb-go-test-<n>`) through
a server key, and reaches the top database (`AdminQuery`) with the root secret.

Not replicated, as they never reach a server: serialization_test.go, deserialization_test.go,
encode_test.go, field_test.go, errors_test.go (checkForResponseErrors on canned answers; its status
table is `ERRORS` below), example_test.go and benchmark_test.go, and ClientTestSuite's
TestSyncLastTxnTime (the client's clock alone). That leaves 165 of ClientTestSuite's 166 tests and the
9 of StreamsTestSuite, all here (the expression tests as rows of `EXPRESSIONS`, `TIME_CASES` and the
parametrized cases, each row named after its test).

One expects an older Fauna: TestRejectNonReadOnlyQuery wants `Write effect in read-only query
expression.` for a write in a stream; the case checks core's text under the same code (`invalid
expression`, `Call performs a write, which is not allowed in stream requests.`, core's StreamSpec), as
the faunadb-python and faunadb-jvm replicas do."""

from __future__ import annotations

import http.client
import json
import random
from datetime import datetime, timezone

import pytest

import fql
from fql.server import ServerThread
from fql.server.streams import StreamSettings

from .conftest import exchange
from .replicas import Events, typed

#: What NewFaunaClient puts in every request beside the secret (client.go's infoHeaders, Go 1.19 on Linux).
HEADERS = {
    "Content-Type": "application/json; charset=utf-8",
    "X-FaunaDB-API-Version": "4",
    "X-Fauna-Driver": "go",
    "X-Runtime-Environment-OS": "linux",
    "X-Runtime-Environment": "Unknown",
    "X-GO-Version": "go1.19.8",
    "X-Query-Timeout": "60000",
}
#: checkForResponseErrors: the error type of each status; any other is UnknownError.
ERRORS = {400: "BadRequest", 401: "Unauthorized", 403: "PermissionDenied", 404: "NotFound", 500: "InternalError", 503: "Unavailable"}
METRICS = ["X-Read-Ops", "X-Write-Ops", "X-Storage-Bytes-Read", "X-Storage-Bytes-Write", "X-Query-Bytes-In", "X-Query-Bytes-Out"]


class GoFaunaError(Exception):
    """A FaunaError: its Go type, status and errors; `str()` is errorResponse.Error()'s text."""

    def __init__(self, status: int, body: dict | None):
        self.kind, self.status = ERRORS.get(status, "UnknownError"), status
        self.errors = body.get("errors", []) if isinstance(body, dict) else []
        super().__init__(self.text())

    def text(self) -> str:
        parts = []
        for e in self.errors:
            details = "[" + " ".join("{[%s] %s %s}" % (" ".join(map(str, c.get("position", []))), c["code"], c["description"]) for c in e.get("cause", [])) + "]"
            parts.append(f"[{'/'.join(map(str, e.get('position', [])))}]({e['code']}): {e['description']}, details: {details}")
        return f"Response error {self.status}. Errors: {', '.join(parts)}"


class GoClient:
    """A FaunaClient of the test server: POST / with the expression's JSON, the `resource` of the answer
    (tags kept) or a GoFaunaError; `last_txn` follows `X-Txn-Time` and stream events, and a session
    client starts from its parent's."""

    def __init__(self, port: int, secret: str, last_txn: int = 0):
        self.port, self.secret, self.last_txn = port, secret, last_txn

    def headers(self, extra: dict | None = None) -> dict:
        found = {**HEADERS, "Authorization": f"Bearer {self.secret}", **(extra or {})}
        if self.last_txn:
            found["X-Last-Seen-Txn"] = str(self.last_txn)
        return found

    def sync(self, txn: int) -> None:
        self.last_txn = max(self.last_txn, txn)

    def answer(self, expr, extra: dict | None = None) -> tuple[int, dict, object]:
        status, found, data = exchange(self.port, "POST", "/", json.dumps(expr), self.headers(extra))
        if "x-txn-time" in found:
            self.sync(int(found["x-txn-time"]))
        return status, found, json.loads(data) if data else None

    def query(self, expr, extra: dict | None = None):
        status, _, body = self.answer(expr, extra)
        if not 200 <= status < 300:
            raise GoFaunaError(status, body)
        return body["resource"]

    def fails(self, expr) -> GoFaunaError:
        with pytest.raises(GoFaunaError) as failed:
            self.query(expr)
        return failed.value

    def session(self, secret: str) -> GoClient:
        return GoClient(self.port, secret, self.last_txn)


# The Go driver's expressions, as JSON.


def o(fields: dict) -> dict:
    """Obj (and a struct): `{"object": ...}`; an Obj inside is an `o()` of its own, as a plain dict here is
    an expression's JSON."""
    return {"object": fields}


def var(name: str) -> dict:
    return {"var": name}


def lam(params, expr) -> dict:
    return {"lambda": params, "expr": expr}


def let(bindings: list[tuple[str, object]], expr) -> dict:
    """Let().Bind(...).In(...): the bindings in order, each a one-key object."""
    return {"let": [{k: v} for k, v in bindings], "in": expr}


def ref_v(id_: str, coll: dict | None = None, db: dict | None = None) -> dict:
    """A RefV value: a native collection's (`collections`, `indexes`...) has no collection."""
    found: dict = {"id": id_}
    if coll is not None:
        found["collection"] = coll
    if db is not None:
        found["database"] = db
    return {"@ref": found}


def native(name: str, db: dict | None = None) -> dict:
    return ref_v(name, db=db)


def coll_ref(name: str, db: dict | None = None) -> dict:
    return ref_v(name, native("collections"), db)


def db_ref(name: str, parent: dict | None = None) -> dict:
    return ref_v(name, native("databases"), parent)


def value_json(value):
    """A decoded answer sent back as an argument: an ObjectV is `{"object": ...}`, tagged values as read."""
    if isinstance(value, list):
        return [value_json(v) for v in value]
    if isinstance(value, dict) and not (len(value) == 1 and next(iter(value)).startswith("@")):
        return o({k: value_json(v) for k, v in value.items()})
    return value


def epoch(n: int, unit: str = "second") -> dict:
    return {"epoch": n, "unit": unit}


def spell(name: str, elements: list[str], cost: int = 0, book=None) -> dict:
    """Spell{...}: a struct writes each tagged field, a nil `*RefV` as null."""
    return {"object": {"book": book, "cost": cost, "elements": elements, "name": name}}


def ts_nanos(value: dict) -> int:
    """A `@ts` as nanoseconds since the epoch, the precision of Go's time.Time."""
    text = value["@ts"]
    whole, _, frac = text.rstrip("Z").partition(".")
    base = datetime.fromisoformat(whole).replace(tzinfo=timezone.utc)
    return int(base.timestamp()) * 10**9 + int((frac + "000000000")[:9])


def date_nanos(value: dict) -> int:
    return int(datetime.fromisoformat(value["@date"]).replace(tzinfo=timezone.utc).timestamp()) * 10**9


def hours(n: int) -> int:
    return n * 3600 * 10**9


@pytest.fixture(scope="module")
def server():
    with ServerThread(fql.connect(), streams=StreamSettings(poll_interval=0.02, max_duration=20.0)) as running:
        yield running


@pytest.fixture(scope="module")
def admin(server) -> GoClient:
    """adminClient: the root secret."""
    return GoClient(server.port, "secret")


def random_starting_with(prefix: str = "") -> str:
    return f"{prefix}{random.getrandbits(32)}"


@pytest.fixture(scope="module")
def db_name(admin) -> str:
    """SetupTestDB: the test database deleted if there, made again."""
    name = random_starting_with("faunadb-go-test-")
    admin.answer({"delete": {"database": name}})
    admin.query({"create_database": o({"name": name})})
    return name


def key_with_role(admin: GoClient, db_name: str, role: str) -> dict:
    """CreateKeyWithRole: a key of the test database, made from the top one."""
    return admin.query({"create_key": o({"database": {"database": db_name}, "role": role})})


@pytest.fixture(scope="module")
def client(admin, db_name) -> GoClient:
    return admin.session(key_with_role(admin, db_name, "server")["secret"])


def ref_of(found: dict) -> dict:
    return found["ref"]


@pytest.fixture(scope="module")
def schema(client):
    """ClientTestSuite.setupSchema: five collections, five indexes, Thor, his spellbook and three spells."""
    made = {}
    for key, name in [("random", "some_random_collection"), ("paginate", "paginateCollection"), ("spells", "spells"),
                      ("characters", "characters"), ("spellbook", "spellbook")]:
        made[key] = ref_of(client.query({"create_collection": o({"name": name})}))
    indexes = [
        ("all_spells", "all_spells", "spells", {}),
        ("spells_by_element", "spells_by_name", "spells", {"terms": [o({"field": ["data", "elements"]})]}),
        ("elements_of_spells", "elements_of_spells", "spells", {"values": [o({"field": ["data", "elements"]})]}),
        ("spellbook_by_owner", "spellbook_by_owner", "spellbook", {"terms": [o({"field": ["data", "owner"]})]}),
        ("spell_by_spellbook", "spell_by_spellbook", "spells", {"terms": [o({"field": ["data", "book"]})]}),
    ]
    for key, name, source, extra in indexes:
        body = {"object": {"name": name, "active": True, "source": made[source], **extra}}
        made[key] = ref_of(client.query({"create_index": body}))
    made["thor"] = ref_of(client.query({"create": made["characters"], "params": o({"data": {"object": {"name": "Thor"}}})}))
    book = ref_of(client.query({"create": made["spellbook"], "params": o({"data": {"object": {"owner": made["thor"]}}})}))
    for key, data in [
        ("magic_missile", spell("Magic Missile", ["arcane"], 10)),
        ("fireball", spell("Fireball", ["fire"], 10, book)),
        ("faerie_fire", spell("Faerie Fire", ["arcane", "nature"], 10)),
    ]:
        made[key] = ref_of(client.query({"create": made["spells"], "params": {"object": {"data": data}}}))
    return made


def create(coll, params: dict) -> dict:
    return {"create": coll, "params": o(params)}


def data_of(page: dict) -> list:
    return page["data"]


# ClientTestSuite: documents, errors, refs.


def test_marshal(client, schema):
    """TestMarshal: a page of 2 of all_spells; its `after` through MarshalJSON and back reads the third."""
    page = client.query({"paginate": {"match": schema["all_spells"]}, "size": 2})
    assert len(page["data"]) == 2
    after = json.loads(json.dumps(page["after"]))
    assert len(client.query({"paginate": {"match": schema["all_spells"]}, "after": after})["data"]) == 1


def test_return_unauthorized_on_invalid_secret(client, schema):
    """TestReturnUnauthorizedOnInvalidSecret."""
    assert client.session("invalid-secret").fails({"get": {"@ref": "collections/spells/1234"}}).kind == "Unauthorized"


def test_return_permission_denied_when_accessing_restricted_resource(admin, db_name, client):
    """TestReturnPermissionDeniedWhenAccessingRestrictedResource: a client key may not list databases."""
    key = key_with_role(admin, db_name, "client")
    assert client.session(key["secret"]).fails({"paginate": {"databases": None}}).kind == "PermissionDenied"


def test_return_not_found_for_non_existing_document(client, schema):
    """TestReturnNotFoundForNonExistingDocument."""
    assert client.fails({"get": {"@ref": "collections/spells/1234"}}).kind == "NotFound"


def test_create_a_complex_instante(client, schema):
    """TestCreateAComplexInstante: the field's array, object, bool, number, string and float back."""
    field = {"array": [1, 2, 3], "obj": {"object": {"Name": "Jhon"}}, "bool": True, "num": 1234, "string": "sup", "float": 1.234}
    found = client.query(create(schema["random"], {"data": {"object": {"testField": {"object": field}}}}))
    assert found["data"]["testField"] == {"array": [1, 2, 3], "obj": {"Name": "Jhon"}, "bool": True, "num": 1234, "string": "sup", "float": 1.234}


def test_create_an_non_uniform_array(client, schema):
    """TestCreateAnNonUniformArray: "1", 2, 3.5 and a struct's Data 4."""
    found = client.query(create(schema["random"], {"data": {"object": {"array": ["1", 2, 3.5, {"object": {"Data": 4}}]}}}))
    assert typed(found["data"]["array"]) == typed(["1", 2, 3.5, {"Data": 4}])


def test_get_a_document(client, schema):
    """TestGetADocument: Magic Missile's data as a Spell (no book)."""
    found = client.query({"get": schema["magic_missile"]})
    assert found["data"] == {"name": "Magic Missile", "elements": ["arcane"], "cost": 10}


def test_batch_query(client, schema):
    """TestBatchQuery: an array of two Gets answers two values."""
    assert len(client.query([{"get": schema["magic_missile"]}, {"get": schema["thor"]}])) == 2


def test_key_from_secret(admin, db_name, client):
    """TestKeyFromSecret: KeyFromSecret of a new key is its Get, both from the top database."""
    key = key_with_role(admin, db_name, "server")
    assert admin.query({"key_from_secret": key["secret"]}) == admin.query({"get": key["ref"]})


def test_update_an_instace_data(client, schema):
    """TestUpdateAnInstaceData: a null `cost` removes it (Cost 0 in the Spell)."""
    ref = ref_of(client.query({"create": schema["random"], "params": o({"data": spell("Magic Missile", ["arcane"], 10)})}))
    found = client.query({"update": ref, "params": o({"data": {"object": {"name": "Faerie Fire", "cost": None}}})})
    assert found["data"] == {"name": "Faerie Fire", "elements": ["arcane"]}


def test_replace_a_document_data(client, schema):
    """TestReplaceADocumentData: the new data alone."""
    ref = ref_of(client.query({"create": schema["random"], "params": o({"data": spell("Magic Missile", ["arcane"], 10)})}))
    found = client.query({"replace": ref, "params": o({"data": {"object": {"name": "Volcano", "elements": ["fire", "earth"]}}})})
    assert found["data"] == {"name": "Volcano", "elements": ["fire", "earth"]}


def test_delete_a_document(client, schema):
    """TestDeleteADocument: it no longer exists."""
    ref = ref_of(client.query({"create": schema["random"], "params": o({"data": spell("Magic Missile", [], 0)})}))
    client.query({"delete": ref})
    assert client.query({"exists": ref}) is False


def test_insert_and_remove_events(client, schema):
    """TestInsertAndRemoveEvents: Insert's `document` is the ref; Remove answers null."""
    created = ref_of(client.query(create(schema["random"], {"data": {"object": {"name": "Magic Missile"}}})))
    inserted = client.query({"insert": created, "ts": 1, "action": "create", "params": o({"data": {"object": {"cooldown": 5}}})})
    assert inserted["document"] == created
    assert client.query({"remove": created, "ts": 2, "action": "delete"}) is None


def test_eval_at_expression(client, schema):
    """TestEvalAtExpression: the three spells; at Fireball's ts, the first two."""
    everything = client.query({"paginate": {"match": schema["all_spells"]}})["data"]
    assert everything == [schema["magic_missile"], schema["fireball"], schema["faerie_fire"]]
    ts = client.query({"get": schema["fireball"]})["ts"]
    at = client.query({"at": ts, "expr": {"paginate": {"match": schema["all_spells"]}}})["data"]
    assert at == [schema["magic_missile"], schema["fireball"]]


def test_abort_expression(client):
    """TestAbortExpression: BadRequest."""
    assert client.fails({"abort": "abort message"}).kind == "BadRequest"


def test_eval_do_expression(client, schema):
    """TestEvalDoExpression: Create then Get of a ref with a chosen id answers it; `Do(Arr{1, 2, 3})`,
    which the driver writes as a Do of one array, answers the array."""
    rid = random_starting_with()
    ref = {"ref": schema["random"], "id": rid}
    found = client.query({"do": [{"create": ref, "params": o({"data": {"object": {"name": "Magic Missile"}}})}, {"get": ref}]})
    assert found["ref"] == ref_v(rid, schema["random"])
    assert client.query({"do": [[1, 2, 3]]}) == [1, 2, 3]


def test_execute_foreach_expression(client, schema):
    """TestExecuteForeachExpression: Foreach answers its collection."""
    found = client.query({"foreach": lam("x", create(schema["random"], {"data": {"object": {"name": var("x")}}})),
                          "collection": ["Fireball Level 1", "Fireball Level 2"]})
    assert found == ["Fireball Level 1", "Fireball Level 2"]


def test_events(client, schema):
    """TestEvents: create, update and delete events of a document; the client's last txn time moved."""
    first_seen = client.last_txn
    ref = ref_of(client.query(create(schema["random"], {})))
    client.query({"update": ref, "params": o({})})
    client.query({"delete": ref})
    events = client.query({"paginate": {"events": ref}})["data"]
    assert [(e["action"], e["document"]) for e in events] == [("create", ref), ("update", ref), ("delete", ref)]
    assert first_seen > 0 and client.last_txn > first_seen


def test_singleton(client, schema):
    """TestSingleton: the singleton set's add and remove."""
    ref = ref_of(client.query(create(schema["random"], {})))
    client.query({"update": ref, "params": o({})})
    client.query({"delete": ref})
    events = client.query({"paginate": {"events": {"singleton": ref}}})["data"]
    assert [(e["action"], e["document"]) for e in events] == [("add", ref), ("remove", ref)]


def test_paginates_over_an_index(client, schema):
    """TestPaginatesOverAnIndex: a page of one with `after`; from it, a page of one with `before`."""
    first = client.query({"paginate": {"match": schema["all_spells"]}, "size": 1})
    assert len(first["data"]) == 1 and first["after"] is not None
    second = client.query({"paginate": {"match": schema["all_spells"]}, "after": first["after"], "size": 1})
    assert len(second["data"]) == 1 and second["before"] is not None


@pytest.mark.parametrize(
    "name, set_, expected",
    [
        ("TestFindASingleDocumentOnAIndex", lambda s: {"match": s["spells_by_element"], "terms": "fire"}, ["fireball"]),
        ("TestUnion", lambda s: {"union": [{"match": s["spells_by_element"], "terms": "arcane"}, {"match": s["spells_by_element"], "terms": "fire"}]},
         ["magic_missile", "fireball", "faerie_fire"]),
        ("TestIntersection", lambda s: {"intersection": [{"match": s["spells_by_element"], "terms": "arcane"}, {"match": s["spells_by_element"], "terms": "nature"}]},
         ["faerie_fire"]),
        ("TestDifference", lambda s: {"difference": [{"match": s["spells_by_element"], "terms": "arcane"}, {"match": s["spells_by_element"], "terms": "nature"}]},
         ["magic_missile"]),
        ("TestJoin", lambda s: {"join": {"match": s["spellbook_by_owner"], "terms": s["thor"]},
                                "with": lam("book", {"match": s["spell_by_spellbook"], "terms": var("book")})}, ["fireball"]),
    ],
)
def test_sets(client, schema, name, set_, expected):
    """The set tests: a page of each set is these spells, in the index's order."""
    assert client.query({"paginate": set_(schema)})["data"] == [schema[k] for k in expected]


def test_distinct(client, schema):
    """TestDistinct: the distinct elements of the spells."""
    assert client.query({"paginate": {"distinct": {"match": schema["elements_of_spells"]}}})["data"] == ["arcane", "fire", "nature"]


def test_eval_reverse(client):
    """TestEvalReverse: arrays reversed; a page of a reversed set, a reversed page, a set reversed twice;
    a string, a number and an object are refused."""
    values = list(range(21))
    col = ref_of(client.query({"create_collection": o({"name": "reverse_test"})}))
    client.query({"create_index": {"object": {"active": True, "name": "rev_idx", "source": col, "values": [o({"field": ["data", "value"]})]}}})
    client.query({"foreach": lam("x", create(col, {"data": {"object": {"value": var("x")}}})), "collection": values})
    assert [client.query({"reverse": a}) for a in ([1, 2, 3], [1], [])] == [[3, 2, 1], [1], []]
    idx = {"match": {"index": "rev_idx"}}
    assert client.query({"select": "data", "from": {"reverse": {"paginate": idx, "size": 3}}}) == [2, 1, 0]
    assert client.query({"select": "data", "from": {"paginate": {"reverse": idx}, "size": 3}}) == [20, 19, 18]
    assert client.query({"select": "data", "from": {"paginate": {"reverse": {"reverse": idx}}}}) == values
    for bad in ("a string", 123, o({"x": 0, "y": 1})):
        client.fails({"reverse": bad})


def test_range(client):
    """TestRange: Range of an index's values, LongVs; an empty range."""
    col = ref_of(client.query({"create_collection": o({"name": "range_test"})}))
    client.query({"create_index": {"object": {"active": True, "name": "range_idx", "source": col, "values": [o({"field": ["data", "value"]})]}}})
    client.query({"foreach": lam("x", create(col, {"data": {"object": {"value": var("x")}}})), "collection": list(range(21))})
    m = {"match": {"index": "range_idx"}}
    assert typed(client.query({"select": "data", "from": {"paginate": {"range": m, "from": 3, "to": 8}}})) == typed([3, 4, 5, 6, 7, 8])
    assert typed(client.query({"select": "data", "from": {"paginate": {"range": m, "from": 17, "to": 18}}})) == typed([17, 18])
    assert client.query({"select": "data", "from": {"paginate": {"range": m, "from": 19, "to": 0}}}) == []


# ClientTestSuite: expressions decoded into Go values.

USER = o({
    "id": 123,
    "profile": o({
        "email": "email@email.com",
        "keys": [
            o({"role": "admin", "is_verified": False, "key": "YnlvCg=="}),
            o({"role": "user", "key": "emltYmFid2UK", "file": o({"path": "/home/user/key.pub", "size": 67343, "perms": ["r", "w"]})}),
        ],
        "settings": o({"pi": 3.14159, "data": {"@bytes": "AGU="}}),
    }),
})
PROFILE = USER["object"]["profile"]
KEYS = PROFILE["object"]["keys"]
SETTINGS = PROFILE["object"]["settings"]

#: (Go test, expression, the value Go decodes): numbers compare by value, as a Go int takes a DoubleV.
EXPRESSIONS = [
    ("TestEvalLetExpression", let([("x", 1), ("y", 2)], [var("x"), var("y")]), [1, 2]),
    ("TestEvalIfExpression", {"if": True, "then": "true", "else": "false"}, "true"),
    ("TestMapOverACollection", {"map": lam("x", {"add": [var("x"), 1]}), "collection": [1, 2, 3]}, [2, 3, 4]),
    ("TestFilterACollection", {"filter": lam("i", {"equals": [0, {"modulo": [var("i"), 2]}]}), "collection": [1, 2, 3]}, [2]),
    ("TestTakeElementsFromCollection", {"take": 2, "collection": [1, 2, 3]}, [1, 2]),
    ("TestDropElementsFromCollection", {"drop": 2, "collection": [1, 2, 3]}, [3]),
    ("TestPrependElementsInACollection", {"prepend": [1, 2], "collection": [3, 4]}, [1, 2, 3, 4]),
    ("TestAppendElementsInACollection", {"append": [3, 4], "collection": [1, 2]}, [1, 2, 3, 4]),
    ("TestIsEmptyOnEmpty", {"is_empty": []}, True),
    ("TestIsEmptyOnNonEmpty", {"is_empty": [1]}, False),
    ("TestIsNonEmptyOnEmpty", {"is_nonempty": []}, False),
    ("TestIsNonEmptyOnNonEmpty", {"is_nonempty": [1, 2]}, True),
    ("TestLetBindingOrdering", {"add": {"map": lam("x", let([("o", "hey"), ("c", 2), ("a", {"multiply": [var("c"), 10]}),
                                                           ("b", {"multiply": [var("a"), var("x")]})], var("b"))),
                                       "collection": [1, 2, 3, 4]}}, 200),
    ("TestEvalNewIdExpression", None, None),
    ("TestEvalEqualsExpression", {"equals": ["fire", "fire"]}, True),
    ("TestEvalContainsExpression", {"contains": ["favorites", "foods"], "in": o({"favorites": o({"foods": ["crunchings", "munchings"]})})}, True),
    ("TestEchoAnObjectBack", o({"key": "value"}), {"key": "value"}),
    ("TestEvalAbsExpression", {"abs": -2}, 2),
    ("TestEvalAcosExpression", {"acos": 1}, 0),
    ("TestEvalAsinExpression", {"trunc": {"asin": 0.5}}, 0.52),
    ("TestEvalAtanExpression", {"trunc": {"atan": 0.5}}, 0.46),
    ("TestEvalAddExpression", {"add": [2, 3]}, 5),
    ("TestEvalBitAndExpression", {"bitand": [2, 3]}, 2),
    ("TestEvalBitNotExpression", {"bitnot": 2}, -3),
    ("TestEvalBitOrExpression", {"bitor": [2, 1]}, 3),
    ("TestEvalBitXorExpression", {"bitxor": [2, 3]}, 1),
    ("TestEvalCeilExpression", {"ceil": 1.8}, 2),
    ("TestEvalCosExpression", {"trunc": {"cos": 0.5}}, 0.87),
    ("TestEvalCoshExpression", {"trunc": {"cosh": 0.5}}, 1.12),
    ("TestEvalDegreesExpression", {"trunc": {"degrees": 0.5}}, 28.64),
    ("TestEvalDivideExpression", {"divide": [10, 2]}, 5),
    ("TestEvalExpExpression", {"trunc": {"exp": 2}}, 7.38),
    ("TestEvalFloorExpression", {"floor": 2.99}, 2),
    ("TestEvalHypotExpression", {"hypot": 3, "b": 4}, 5),
    ("TestEvalLnExpression", {"trunc": {"ln": 2}}, 0.69),
    ("TestEvalLogExpression", {"log": 100}, 2),
    ("TestEvalMaxExpression", {"max": [2, 3]}, 3),
    ("TestEvalMinExpression", {"min": [4, 3]}, 3),
    ("TestEvalModuloExpression", {"modulo": [10, 2]}, 0),
    ("TestEvalMultiplyExpression", {"multiply": [2, 3]}, 6),
    ("TestEvalPowExpression", {"pow": 2, "exp": 3}, 8),
    ("TestEvalRadiansExpression", {"trunc": {"radians": 2}}, 0.03),
    ("TestEvalRoundExpression", {"round": 1.666666, "precision": 3}, 1.667),
    ("TestEvalSignExpression", {"sign": -1}, -1),
    ("TestEvalSinExpression", {"trunc": {"sin": 20}}, 0.91),
    ("TestEvalSinhExpression", {"trunc": {"sinh": 0.5}}, 0.52),
    ("TestEvalSqrtExpression", {"sqrt": 16}, 4),
    ("TestEvalSubtractExpression", {"subtract": [2, 3]}, -1),
    ("TestEvalTanExpression", {"trunc": {"tan": 20}}, 2.23),
    ("TestEvalTanhExpression", {"trunc": {"tanh": 0.5}}, 0.46),
    ("TestEvalTruncExpression", {"trunc": 1.234567}, 1.23),
    ("TestEvalAnyAllExpressions", [{"any": [True, True, False]}, {"all": [True, True, True]}, {"any": [False, False, False]},
                                   {"all": [True, True, False]}], [True, True, False, False]),
    ("TestEvalLTExpression", {"lt": [2, 3]}, True),
    ("TestEvalLTEExpression", {"lte": [2, 2]}, True),
    ("TestEvalGTExpression", {"gt": [3, 2]}, True),
    ("TestEvalGTEExpression", {"gte": [2, 2]}, True),
    ("TestEvalAndExpression", {"and": [True, True]}, True),
    ("TestEvalOrExpression", {"or": [False, True]}, True),
    ("TestEvalNotExpression", {"not": False}, True),
    ("TestEvalToStringExpression", {"to_string": 42}, "42"),
    ("TestEvalToDoubleExpression", {"to_double": 42}, 42.0),
    ("TestEvalFormatExpression", {"format": "%2$s%1$s %3$s", "values": ["DB", "Fauna", "rocks"]}, "FaunaDB rocks"),
    ("TestEvalFormatExpression", {"format": "%d %s %.2f %%", "values": [34, "tEsT ", 3.14159]}, "34 tEsT  3.14 %"),
    ("TestEvalConcatExpression", {"concat": ["Hello", "World"]}, "HelloWorld"),
    ("TestEvalConcatExpression", {"concat": ["Hello", "World"], "separator": " "}, "Hello World"),
    ("TestEvalCasefoldExpression", {"casefold": "GET DOWN"}, "get down"),
    ("TestEvalCasefoldExpression", {"casefold": "\u212B", "normalizer": "NFD"}, "A\u030A"),
    ("TestEvalCasefoldExpression", {"casefold": "\u212B", "normalizer": "NFC"}, "\u00C5"),
    ("TestEvalCasefoldExpression", {"casefold": "\u1E9B\u0323", "normalizer": "NFKD"}, "\u0073\u0323\u0307"),
    ("TestEvalCasefoldExpression", {"casefold": "\u1E9B\u0323", "normalizer": "NFKC"}, "\u1E69"),
    ("TestEvalCasefoldExpression", {"casefold": "\u212B", "normalizer": "NFKCCaseFold"}, "\u00E5"),
    ("TestEvalStartsWithExpression", {"startswith": "faunadb", "search": "fauna"}, True),
    ("TestEvalStartsWithExpression", {"startswith": "faunadb", "search": "F"}, False),
    ("TestEvalEndsWithExpression", {"endswith": "faunadb", "search": "fauna"}, False),
    ("TestEvalEndsWithExpression", {"endswith": "faunadb", "search": "db"}, True),
    ("TestEvalEndsWithExpression", {"endswith": "faunadb", "search": ""}, True),
    ("TestEvalContainsStrExpression", {"containsstr": "faunadb", "search": "fauna"}, True),
    ("TestEvalContainsStrRegexExpression", {"containsstrregex": "faunadb", "pattern": r"f(\w+)a"}, True),
    ("TestEvalContainsStrRegexExpression", {"containsstrregex": "faunadb", "pattern": r"/^\d*\.\d+$/"}, False),
    ("TestEvalContainsStrRegexExpression", {"containsstrregex": "test data", "pattern": r"\s"}, True),
    ("TestEvalRegexEscapeExpression", {"regexescape": r"f(\w+)a"}, r"\Qf(\w+)a\E"),
    ("TestEvalFindStrExpression", {"findstr": "GET DOWN", "find": "DOWN"}, 4),
    ("TestEvalFindStrExpression", {"findstr": "One Fish Two Fish", "find": "Fish", "start": 8}, 13),
    ("TestEvalFindStrRegexExpression", {"findstrregex": "ABC", "pattern": "A"}, [{"start": 0, "end": 0, "data": "A"}]),
    ("TestEvalFindStrRegexExpression", {"findstrregex": "ABCABC", "pattern": "A", "start": 1}, [{"start": 3, "end": 3, "data": "A"}]),
    ("TestEvalLengthExpression", {"length": "One Fish Two Fish"}, 17),
    ("TestEvalLowerCaseExpression", {"lowercase": "One Fish Two Fish"}, "one fish two fish"),
    ("TestEvalLTrimExpression", {"ltrim": "    One Fish Two Fish"}, "One Fish Two Fish"),
    ("TestEvalRepeatExpression", {"repeat": "a string "}, "a string a string "),
    ("TestEvalRepeatExpression", {"repeat": "ABC ", "number": 3}, "ABC ABC ABC "),
    ("TestEvalReplaceStrExpression", {"replacestr": "One Fish Two Fish", "find": "Fish", "replace": "Dog"}, "One Dog Two Dog"),
    ("TestEvalReplaceStrRegexExpression", {"replacestrregex": "One FIsh Two fish", "pattern": "[Ff][Ii]sh", "replace": "Dog"}, "One Dog Two Dog"),
    ("TestEvalReplaceStrRegexExpression", {"replacestrregex": "One FIsh Two fish", "pattern": "[Ff][Ii]sh", "replace": "Dog", "first": True},
     "One Dog Two fish"),
    ("TestEvalRTrimExpression", {"rtrim": "One Fish Two Fish   "}, "One Fish Two Fish"),
    ("TestEvalSpaceExpression", {"space": 5}, "     "),
    ("TestEvalSubStringExpression", {"substring": "ABCDEF", "start": 3}, "DEF"),
    ("TestEvalSubStringExpression", {"substring": "ABCDEF", "start": -2}, "EF"),
    ("TestEvalSubStringExpression", {"substring": "ABCDEFZZZ", "start": 3, "length": 3}, "DEF"),
    ("TestEvalTrimExpression", {"trim": "   One Fish Two Fish   "}, "One Fish Two Fish"),
    ("TestEvalTitleCaseExpression", {"titlecase": "onE Fish tWO FiSh"}, "One Fish Two Fish"),
    ("TestEvalUpperCaseExpression", {"uppercase": "One Fish Two Fish"}, "ONE FISH TWO FISH"),
    ("TestEvalToNumberExpression", {"to_number": "42"}, 42),
    ("TestEvalToNumberExpression", {"to_number": "3.14159"}, 3.14159),
    ("TestEvalToIntegerExpression", {"to_integer": 3.14159}, 3),
    ("TestEvalToIntegerExpression", {"to_integer": 3.94}, 3),
    ("TestEvalToObjectExpression", {"equals": [{"to_object": [["key", "value"]]}, o({"key": "value"})]}, True),
    ("TestEvalToArrayExpression", {"equals": [{"to_array": o({"x": 1, "y": 2, "z": 3})}, [["x", 1], ["y", 2], ["z", 3]]]}, True),
    ("TestEvalSelectExpression", {"select": ["favorites", "foods", 1], "from": o({"favorites": o({"foods": ["crunchings", "munchings"]})})}, "munchings"),
    ("TestEvalSelectExpression", {"select": ["favorites", "foods", 2], "from": o({"favorites": o({"foods": ["crunchings", "munchings"]})}),
                                  "default": "no food"}, "no food"),
    ("TestEvalSelectAllExpression", {"select_all": "foo", "from": [o({"foo": "bar"}), o({"foo": "baz"})]}, ["bar", "baz"]),
    ("TestEvalSelectAllExpression", {"select_all": ["foo", 0], "from": [o({"foo": [0, 1]}), o({"foo": [2, 3]})]}, [0, 2]),
    ("TestReduce", {"reduce": lam(["accum", "value"], {"add": [var("accum"), var("value")]}), "initial": 0,
                    "collection": [1, 2, 3, 4, 5, 6, 7, 8, 9]}, 45),
    ("TestReduce", {"reduce": lam(["accum", "value"], {"concat": [var("accum"), var("value")]}), "initial": "",
                    "collection": ["Fauna", "DB", " ", "rocks"]}, "FaunaDB rocks"),
    ("TestMerge", {"equals": [{"merge": o({"x": 1, "y": 2}), "with": o({"z": 3})}, o({"x": 1, "y": 2, "z": 3})]}, True),
    ("TestMerge", {"equals": [{"merge": o({}), "with": o({"a": 1})}, o({"a": 1})]}, True),
    ("TestMerge", {"equals": [{"merge": o({"a": 1}), "with": [o({"b": 2}), o({"c": 3}), o({"a": 5})]}, o({"a": 5, "b": 2, "c": 3})]}, True),
    ("TestMerge", {"equals": [{"merge": o({"a": 1, "b": 2, "c": 3}), "with": o({"a": "a", "b": "b", "c": "c"}),
                               "lambda": lam(["key", "left", "right"], var("right"))}, o({"a": "a", "b": "b", "c": "c"})]}, True),
]


@pytest.mark.parametrize("name, expr, expected", [pytest.param(*case, id=f"{case[0]}-{i}") for i, case in enumerate(EXPRESSIONS)])
def test_expressions(client, name, expr, expected):
    """Each test that decodes one expression's value into a Go value (`queryAndDecode`)."""
    if name == "TestEvalNewIdExpression":
        assert isinstance(client.query({"new_id": None}), str) and client.query({"new_id": None})
        return
    found = client.query(expr)
    assert found == expected
    if isinstance(expected, float):
        assert isinstance(found, float)


def test_eval_find_str_regex_num_results(client):
    """TestEvalFindStrRegexExpression's last: two matches of at most `num_results` 2."""
    assert len(client.query({"findstrregex": "ABCABCABCABC", "pattern": "A", "start": 1, "num_results": 2})) == 2


def test_eval_to_object_and_to_array_refused(client):
    """TestEvalToObjectExpression and TestEvalToArrayExpression: a number is neither."""
    client.fails({"to_object": 1})
    client.fails({"to_array": 1})


def test_eval_count_mean_sum_expression(client):
    """TestEvalCountMeanSumExpression: of an array, LongV 9, DoubleV 5, LongV 45; of an index of squares,
    LongV 9, DoubleV 31.66 and DoubleV 285 (an index's numbers summed as doubles)."""
    data = [1, 2, 3, 4, 5, 6, 7, 8, 9]
    col = ref_of(client.query({"create_collection": o({"name": "countmeansum_test"})}))
    client.query({"create_index": {"object": {"active": True, "name": "countmeansum_idx", "source": col, "values": [o({"field": ["data", "value"]})]}}})
    client.query({"foreach": lam("x", create(col, {"data": {"object": {"value": {"pow": var("x"), "exp": 2}}}})), "collection": data})
    assert typed(client.query([{"count": data}, {"mean": data}, {"sum": data}])) == typed([9, 5.0, 45])
    m = {"match": {"index": "countmeansum_idx"}}
    assert typed(client.query([{"count": m}, {"trunc": {"mean": m}}, {"sum": m}])) == typed([9, 31.66, 285.0])


def test_eval_documents_expression(client):
    """TestEvalDocumentsExpression: 27 empty documents, counted in a page and in the set."""
    name, index = random_starting_with("collection_"), random_starting_with("index_")
    client.query({"create_collection": o({"name": name})})
    client.query({"create_index": o({"name": index, "source": {"collection": name}, "active": True})})
    client.query({"foreach": lam("x", {"create": {"collection": name}, "params": o({"data": var("x")})}), "collection": [{"object": {}}] * 27})
    assert client.query({"select": [0], "from": {"count": {"paginate": {"documents": {"collection": name}}}}}) == 27
    assert client.query({"count": {"documents": {"collection": name}}}) == 27


# Time and date.

EPOCH_2038 = epoch(2147483648)
TIME_CASES = [
    ("TestToSecond", "to_seconds", [(0, 0), (EPOCH_2038, 2147483648), (0, 0), (2147483648000000, 2147483648)]),
    ("TestToMillis", "to_millis", [(epoch(0), 0), (epoch(2147483648000, "millisecond"), 2147483648000), (0, 0), (2147483648000000, 2147483648000)]),
    ("TestToMicros", "to_millis", [(epoch(0), 0), (epoch(2147483648000000, "microsecond"), 2147483648000), (0, 0), (2147483648000000, 2147483648000)]),
    ("TestDayOfWeek", "day_of_week", [(epoch(0), 4), (EPOCH_2038, 2), (0, 4), (2147483648000000, 2)]),
    ("TestDayOfMonth", "day_of_month", [(epoch(0), 1), (EPOCH_2038, 19), (0, 1), (2147483648000000, 19)]),
    ("TestDayOfYear", "day_of_year", [(epoch(0), 1), (EPOCH_2038, 19), (0, 1), (2147483648000000, 19)]),
    ("TestMonth", "month", [(epoch(0), 1), (EPOCH_2038, 1), (0, 1), (2147483648000000, 1)]),
    ("TestYear", "year", [(epoch(0), 1970), (EPOCH_2038, 2038), (0, 1970), (2147483648000000, 2038)]),
    ("TestHour", "hour", [(epoch(0), 0), (EPOCH_2038, 3), (0, 0), (2147483648000000, 3)]),
    ("TestMinute", "minute", [(epoch(0), 0), (EPOCH_2038, 14), (0, 0), (2147483648000000, 14)]),
    ("TestSecond", "second", [(epoch(0), 0), (EPOCH_2038, 8), (0, 0), (2147483648000000, 8)]),
]


@pytest.mark.parametrize("name, fn, cases", TIME_CASES, ids=[c[0] for c in TIME_CASES])
def test_time_parts(client, name, fn, cases):
    """The time part tests: four values each, a time or a number of microseconds, decoded as int64s.
    (TestToMicros calls ToMillis, as its Go code does.)"""
    assert typed([client.query({fn: arg}) for arg, _ in cases]) == typed([want for _, want in cases])


@pytest.mark.parametrize(
    "name, expr, nanos",
    [
        ("TestEvalTimeExpression", {"time": "1970-01-01T00:00:00-04:00"}, hours(4)),
        ("TestEvalTimeAddExpression", {"time_add": epoch(0), "offset": 1, "unit": "hour"}, hours(1)),
        ("TestEvalTimeAddExpression", {"time_add": epoch(0), "offset": 16, "unit": "minute"}, 16 * 60 * 10**9),
        ("TestEvalTimeSubtractExpression", {"time_subtract": epoch(190, "hour"), "offset": 78, "unit": "minute"}, hours(190) - 78 * 60 * 10**9),
        ("TestEvalTimeSubtractExpression", {"time_subtract": epoch(16), "offset": 16, "unit": "second"}, 0),
        ("TestEvalToTimeExpression", {"to_time": "1970-01-01T00:00:00-04:00"}, hours(4)),
    ],
)
def test_times(client, name, expr, nanos):
    """Times decoded as Go's time.Time, to the nanosecond (1970-01-08T20:42:00Z for the first subtraction)."""
    assert ts_nanos(client.query(expr)) == nanos


@pytest.mark.parametrize("name, expr", [("TestEvalDateExpression", {"date": "1970-01-02"}), ("TestEvalToDateExpression", {"to_date": "1970-01-02"})])
def test_dates(client, name, expr):
    """A Date decoded as the time.Time of its midnight: 24 hours after the epoch."""
    assert date_nanos(client.query(expr)) == hours(24)


def test_eval_time_diff_expression(client):
    """TestEvalTimeDiffExpression: one second; 24 hours and one day, zero hours apart."""
    assert client.query({"time_diff": epoch(0), "other": epoch(1), "unit": "second"}) == 1
    assert client.query({"time_diff": epoch(24, "hour"), "other": epoch(1, "day"), "unit": "hour"}) == 0


def test_eval_now_expression(client):
    """TestEvalNowExpression: Now() equals Time("now") in a query; a later query's Now() is after it."""
    first = ts_nanos(client.query({"now": None}))
    assert client.query({"equals": [{"now": None}, {"time": "now"}]}) is True
    assert ts_nanos(client.query({"now": None})) > first


def test_eval_epoch_expression(client):
    """TestEvalEpochExpression: 30 of each unit, to the nanosecond."""
    found = client.query([epoch(30), epoch(30, "millisecond"), epoch(30, "microsecond"), epoch(30, "nanosecond")])
    assert [ts_nanos(t) for t in found] == [30 * 10**9, 30 * 10**6, 30 * 10**3, 30]


# Auth, refs, schema.


def login(client: GoClient, schema: dict, password: str) -> tuple[dict, str]:
    ref = ref_of(client.query(create(schema["random"], {"credentials": o({"password": password})})))
    return ref, client.query({"login": ref, "params": o({"password": password})})["secret"]


def test_authenticate_session(client, schema):
    """TestAuthenticateSession: Logout(true) with the token answers true; a wrong password identifies nothing."""
    ref, secret = login(client, schema, "abcdefg")
    assert client.session(secret).query({"logout": True}) is True
    assert client.query({"identify": ref, "password": "wrong-password"}) is False


def test_has_identity_expression(client, schema):
    """TestHasIdentityExpression: a token has an identity."""
    _, secret = login(client, schema, "sekrit")
    assert client.session(secret).query({"has_identity": None}) is True


def test_identity_expression(client, schema):
    """TestIdentityExpression: a token's identity is the document it logged in."""
    ref, secret = login(client, schema, "sekrit")
    assert client.session(secret).query({"identity": None}) == ref


def test_eval_ref_functions(client):
    """TestEvalRefFunctions: refs of each kind, written three ways for a document."""
    found = client.query([{"@ref": "collections/thing/123"}, {"ref": {"collection": "thing"}, "id": "123"},
                          {"ref": {"collection": "thing"}, "id": "123"}, {"index": "idx"}, {"collection": "cls"},
                          {"database": "db"}, {"function": "fn"}, {"role": "role"}])
    thing = ref_v("123", coll_ref("thing"))
    assert found == [thing, thing, thing, ref_v("idx", native("indexes")), coll_ref("cls"), db_ref("db"),
                     ref_v("fn", native("functions")), ref_v("role", native("roles"))]


def test_eval_scoped_ref_functions(admin, db_name, client):
    """TestEvalScopedRefFunctions: refs scoped to the test database's RefV, from the top database."""
    db = db_ref(db_name)
    found = admin.query([{kind: name, "scope": db} for kind, name in
                         [("index", "idx"), ("collection", "cls"), ("database", "db"), ("function", "fn"), ("role", "role")]])
    assert found == [ref_v("idx", native("indexes"), db), ref_v("cls", native("collections"), db), ref_v("db", native("databases"), db),
                     ref_v("fn", native("functions"), db), ref_v("role", native("roles"), db)]


def new_database(client: GoClient, name: str) -> GoClient:
    """createNewDatabase: a database and a client of its admin key."""
    client.query({"create_database": o({"name": name})})
    return client.session(client.query({"create_key": o({"database": {"database": name}, "role": "admin"})})["secret"])


@pytest.fixture
def admin_key_client(admin, db_name, client) -> GoClient:
    """CreateKeyWithRole("admin") as a session of the suite's client."""
    return client.session(key_with_role(admin, db_name, "admin")["secret"])


def test_nested_collection_ref(client, admin_key_client):
    """TestNestedCollectionRef: a collection two databases down exists and is listed with its nested scope."""
    parent, child, name = random_starting_with("parent_"), random_starting_with("child_"), random_starting_with("collection_")
    client1 = new_database(admin_key_client, parent)
    new_database(client1, child)
    key = client1.query({"create_key": o({"database": {"database": child}, "role": "server"})})
    client1.session(key["secret"]).query({"create_collection": o({"name": name})})
    scoped = {"database": child, "scope": {"database": parent}}
    assert client.query({"exists": {"collection": name, "scope": scoped}}) is True
    page = client.query({"paginate": {"collections": scoped}})
    assert page["data"] == [coll_ref(name, db_ref(child, db_ref(parent)))]


def test_nested_key_ref(client, admin_key_client):
    """TestNestedKeyRef: a database's keys of its child, unscoped there; from above, scoped to the parent
    (their collection `keys` in it)."""
    parent, child = random_starting_with("parent_"), random_starting_with("child_")
    inner = new_database(admin_key_client, parent)
    inner.query({"create_database": o({"name": child})})
    server_key = inner.query({"create_key": o({"database": {"database": child}, "role": "server"})})["ref"]
    admin_key = inner.query({"create_key": o({"database": {"database": child}, "role": "admin"})})["ref"]
    assert inner.query({"paginate": {"keys": None}})["data"] == [server_key, admin_key]
    scoped = admin_key_client.query({"paginate": {"keys": {"database": parent}}})["data"]
    keys = native("keys", db_ref(parent))
    assert scoped == [ref_v(server_key["@ref"]["id"], keys), ref_v(admin_key["@ref"]["id"], keys)]


def contains(client: GoClient, fn: str, value, data) -> bool:
    return client.query({fn: value, "in": data})


def test_eval_contains_functions(client):
    """TestEvalContainsFunctions: ContainsField, ContainsPath and ContainsValue over objects, arrays, a
    page, refs and documents, and the six argument errors."""
    checks = [
        ("contains_field", "id", USER, True), ("contains_field", "email", USER, False), ("contains_field", "email", PROFILE, True),
        ("contains_field", "id", PROFILE, False), ("contains_field", "role", PROFILE, False), ("contains_field", "notexist", USER, False),
        ("contains_path", "id", USER, True), ("contains_path", "id ", USER, False), ("contains_path", ["profile", "settings"], USER, True),
        ("contains_path", ["profile", "settings", "pi"], USER, True), ("contains_path", ":)", USER, False),
        ("contains_value", 3.14159, USER, False), ("contains_value", 3.14159, SETTINGS, True),
        ("contains_value", {"@bytes": "AGU="}, SETTINGS, True), ("contains_value", PROFILE, USER, True),
        ("contains_value", None, USER, False), ("contains_value", 123, USER, True),
        ("contains_path", "role", KEYS, False), ("contains_path", "role", KEYS[0], True), ("contains_path", [0, "role"], KEYS, True),
        ("contains_path", "is_verified", KEYS[1], False), ("contains_path", [0, "role", "file"], KEYS, False),
        ("contains_path", [1, "role", "file", "/home/user/key.pub"], KEYS, False),
        ("contains_path", ["profile", "keys", 1, "file", "perms", 0], USER, True),
        ("contains_value", 3.14159, KEYS, False), ("contains_value", KEYS[0], KEYS, True), ("contains_value", KEYS[1], KEYS, True),
        ("contains_value", None, KEYS, False), ("contains_value", False, KEYS[0], True),
    ]
    assert [contains(client, fn, v, d) for fn, v, d, _ in checks] == [want for *_, want in checks]

    coll_name, index_name = random_starting_with("coll_"), random_starting_with("index_")
    coll, index = {"collection": coll_name}, {"index": index_name}
    client.query({"create_collection": o({"name": coll_name})})
    client.query({"create_index": o({"name": index_name, "source": coll, "active": True})})
    val = client.query({"create": coll, "params": o({"data": USER})})
    doc, val_sent = val["ref"], value_json(val)
    page_checks = [
        ("contains_value", index, {"select": "data", "from": {"paginate": {"indexes": None}}}, True),
        ("contains_value", doc, {"select": "data", "from": {"paginate": {"documents": coll}}}, True),
        ("contains_value", USER, val_sent, True),
        ("contains_value", coll, doc, True),
        ("contains_value", val_sent, USER, False),
        ("contains_field", "collection", doc, True), ("contains_field", "ts", val_sent, True),
        ("contains_field", "ref", coll, False), ("contains_field", "not-exist", coll, False),
        ("contains_field", "after", {"paginate": {"indexes": None}, "size": 1}, True),
        ("contains_path", "ref", coll, False), ("contains_path", "ts", coll, False),
        ("contains_path", "after", {"paginate": {"indexes": None}, "size": 1}, True),
        ("contains_path", ["data", 1], {"paginate": {"indexes": None}, "size": 2}, True),
        ("contains_path", ["data", 100], {"paginate": {"indexes": None}, "size": 2}, False),
    ]
    assert [contains(client, fn, v, d) for fn, v, d, _ in page_checks] == [want for *_, want in page_checks]
    for fn, v, d in [("contains_field", 1, USER), ("contains_field", None, USER), ("contains_field", USER, USER),
                     ("contains_value", 1, 1), ("contains_value", "str", "string"), ("contains_value", True, False)]:
        assert client.fails({fn: v, "in": d}).kind == "BadRequest"


def test_set_ref(client, schema):
    """TestSetRef: MatchTerm's set, its `match` the index and its `terms` "arcane"."""
    found = client.query({"match": schema["spells_by_element"], "terms": "arcane"})
    assert found == {"@set": {"match": schema["spells_by_element"], "terms": "arcane"}}


def test_create_function(client):
    """TestCreateFunction: the function exists."""
    client.query({"create_function": o({"name": "a_function", "body": {"query": lam("x", var("x"))}})})
    assert client.query({"exists": {"function": "a_function"}}) is True


def test_create_role(admin):
    """TestCreateRole: a role made in the top database exists."""
    name = random_starting_with("a_role")
    admin.query({"create_role": o({"name": name, "privileges": [o({"resource": {"databases": None}, "actions": o({"read": True})})]})})
    assert admin.query({"exists": {"role": name}}) is True


def test_move_database(admin_key_client):
    """TestMoveDatabase: the source moved under the destination exists there and no longer here."""
    src, dest = random_starting_with("db_move_src"), random_starting_with("db_move_dest")
    dest_client = new_database(admin_key_client, dest)
    new_database(admin_key_client, src)
    dest_ref = admin_key_client.query({"get": {"database": dest}})["ref"]
    src_ref = admin_key_client.query({"get": {"database": src}})["ref"]
    admin_key_client.query({"move_database": src_ref, "to": dest_ref})
    assert dest_client.query({"exists": src_ref}) is True
    assert admin_key_client.query({"exists": src_ref}) is False


def test_call_function(client):
    """TestCallFunction: a two-parameter function joins its arguments with a slash."""
    body = {"query": lam(["x", "y"], {"concat": [var("x"), var("y")], "separator": "/"})}
    client.query({"create_function": o({"name": "concat_with_slash", "body": body})})
    assert client.query({"call": {"function": "concat_with_slash"}, "arguments": ["a", "b"]}) == "a/b"


def test_type_check_functions(admin):
    """TestTypeCheckFunctions: each Is* function counted over 31 values of every kind, from the top
    database, as one Equals of the expected counts."""
    coll_name, db_name_, fn_name, index_name = (random_starting_with(p) for p in ("coll_", "db_", "fn_", "index_"))
    coll, db, function, index = {"collection": coll_name}, {"database": db_name_}, {"function": fn_name}, {"index": index_name}
    admin.query({"create_collection": o({"name": coll_name})})
    admin.query({"create_index": o({"name": index_name, "source": coll, "active": True})})
    doc = admin.query({"create": coll, "params": o({"data": {"object": {}}, "credentials": o({"password": "spark2020"})})})["ref"]
    admin.query({"create_database": o({"name": db_name_})})
    admin.query({"create_function": o({"name": fn_name, "body": {"query": lam(["x"], var("x"))}})})
    key = admin.query({"create_key": o({"database": db, "role": "admin"})})["ref"]
    token = admin.query({"login": doc, "params": o({"password": "spark2020"})})["ref"]
    role = admin.query({"create_role": o({"name": random_starting_with("role_"), "membership": [], "privileges": []})})["ref"]
    values = [
        {"@bytes": "AGU="}, None, None, 90, 3.14, True, {"to_date": {"now": None}}, {"date": "1970-01-01"}, {"now": None},
        epoch(1), {"time": "1970-01-01T00:00:00Z"}, o({"x": 10}), {"get": doc}, {"paginate": {"collections": None}},
        [1, 2, 3], "a string", coll, {"collections": None}, {"match": index}, {"union": {"match": index}}, doc, {"get": doc},
        index, db, coll, token, role, key, function, {"get": function}, {"query": lam("x", var("x"))},
    ]
    kinds = ["array", "object", "string", "null", "number", "bytes", "date", "timestamp", "set", "ref", "boolean", "double",
             "integer", "database", "index", "collection", "token", "function", "collection", "role", "credentials", "key"]
    counts = [{"object": {kind: {"count": {"filter": lam("value", {f"is_{kind}": var("value")}), "collection": var("values")}}}}
              for kind in kinds]
    expected = {"array": 1, "boolean": 1, "bytes": 1, "collection": 3, "credentials": 0, "database": 1, "date": 2, "double": 1,
                "function": 2, "integer": 1, "index": 1, "key": 1, "null": 2, "number": 2, "object": 5, "ref": 10, "role": 1,
                "set": 3, "string": 1, "timestamp": 3, "token": 1}
    query = {"equals": [o(expected), let([("values", values)], {"merge": o({}), "with": counts})]}
    assert admin.query(query) is True


def test_echo_query(client):
    """TestEchoQuery: a Query value sent back answers itself; the last txn time never goes back."""
    first_seen = client.last_txn
    body = client.query({"query": lam("x", var("x"))})
    assert client.query(body) == body
    assert first_seen > 0 and client.last_txn >= first_seen


def test_metrics(client):
    """TestMetrics, TestMetricsWithQueryResult and TestMetricsWithBatchQueryResult: the cost headers of a
    query and of a batch."""
    for expr in ({"new_id": None}, {"new_id": None}, [{"new_id": None}, {"new_id": None}]):
        status, headers, _ = client.answer(expr)
        assert status == 200 and all(h.lower() in headers for h in METRICS)


def test_traceparent(client):
    """TestTraceparent: the answer's Traceparent keeps the request's version and trace id."""
    sent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    _, headers, _ = client.answer({"new_id": None}, {"Traceparent": sent})
    got = headers["traceparent"].split("-")
    assert len(got) == 4 and got[:2] == sent.split("-")[:2]


def test_tags(client):
    """TestTags: the answer's X-Fauna-Tags is the one tag sent, `foo=bar`."""
    _, headers, _ = client.answer({"new_id": None}, {"X-Fauna-Tags": "foo=bar"})
    assert headers["x-fauna-tags"].split("=") == ["foo", "bar"]


def test_paginate_access_providers(admin_key_client):
    """TestPaginateAccessProviders: one provider in a new database, one in its page."""
    inner = new_database(admin_key_client, random_starting_with("db_"))
    inner.query({"create_access_provider": o({"name": random_starting_with("name_"), "issuer": random_starting_with("https://xxxx.auth0.com"),
                                              "jwks_uri": random_starting_with("https://xxxx.auth0.com/")})})
    assert len(inner.query({"paginate": {"access_providers": None}})["data"]) == 1


def test_create_and_read_access_provider(admin):
    """TestCreateAndReadAccessProvider: its name, issuer and jwks_uri; its ref equals one by name in
    `access_providers`; Get of the ref and of AccessProvider(name) answer the created document."""
    name, issuer, jwks = random_starting_with("name_"), random_starting_with("https://no.issuer.fauna.com/"), random_starting_with("https://xxxx.auth0.com/")
    made = admin.query({"create_access_provider": o({"name": name, "issuer": issuer, "jwks_uri": jwks})})
    assert (made["name"], made["issuer"], made["jwks_uri"]) == (name, issuer, jwks)
    assert admin.query({"equals": [made["ref"], ref_v(name, native("access_providers"))]}) is True
    assert admin.query({"get": made["ref"]}) == made == admin.query({"get": {"access_provider": name}})


def test_scoped_access_provider(client, admin_key_client):
    """TestScopedAccessProvider: a provider of a child database is not found unscoped, is found scoped and
    listed; the server key reaches neither it nor a provider without issuer."""
    name = random_starting_with("name_")
    scoped_name, db = "scope_" + name, random_starting_with("db_")
    new_database(admin_key_client, db).query({"create_access_provider": o({"name": scoped_name, "issuer": random_starting_with("https://no.issuer.fauna.com/"),
                                                                         "jwks_uri": random_starting_with("https://xxxx.auth0.com/")})})
    admin_key_client.fails({"get": {"access_provider": scoped_name}})
    ref = admin_key_client.query({"get": {"access_provider": scoped_name, "scope": {"database": db}}})["ref"]
    assert ref["@ref"]["id"] == scoped_name
    assert len(admin_key_client.query({"paginate": {"access_providers": {"database": db}}})["data"]) == 1
    client.fails({"get": ref})
    client.fails({"create_access_provider": o({"name": name})})
    admin_key_client.query({"delete": {"database": db}})


def test_paginate_with_cursor(client, schema):
    """TestPaginateWithCursor: documents 10 to 19; `cursor: null` pages from the start (its `after` at 13);
    `cursor: {after}` pages after it (its `before` at 13, seven documents)."""
    client.query({"foreach": lam("x", {"create": {"ref": schema["paginate"], "id": var("x")}, "params": o({"data": {"object": {"value": var("x")}}})}),
                  "collection": list(range(10, 20))})
    docs = {"documents": {"collection": "paginateCollection"}}
    client.query({"paginate": docs, "size": 3})
    page = client.query({"paginate": docs, "cursor": None, "size": 3})
    assert len(page["data"]) == 3 and page["after"][0]["@ref"]["id"] == "13"
    page = client.query({"paginate": docs, "cursor": o({"after": page["after"]})})
    assert page["before"][0]["@ref"]["id"] == "13" and len(page["data"]) == 7


# stream_test.go


class Subscription:
    """A StreamSubscription: POST /stream (`?fields=` when given) with the expression's JSON; its events
    one a line, each moving the client's last txn time."""

    def __init__(self, client: GoClient, expr, fields: list[str] | None = None):
        self.client = client
        path = "/stream" + (f"?fields={','.join(fields)}" if fields else "")
        self.conn = http.client.HTTPConnection("127.0.0.1", client.port, timeout=20)
        self.conn.request("POST", path, json.dumps(expr), client.headers())
        self.response = self.conn.getresponse()
        self.events = Events(self.response)
        if self.response.status != 200:
            body = json.loads(self.response.read())
            self.close()
            raise GoFaunaError(self.response.status, body)
        if self.response.getheader("X-Txn-Time"):
            client.sync(int(self.response.getheader("X-Txn-Time")))

    def next(self) -> dict:
        found = self.events.take(1)
        assert found, "the stream ended"
        (event,) = found
        self.client.sync(event["txn"])
        return event

    def close(self) -> None:
        self.conn.close()


@pytest.fixture(scope="module")
def stream_collection(client) -> dict:
    """StreamsTestSuite.setupSchema (in the same test database as ClientTestSuite's)."""
    return ref_of(client.query({"create_collection": o({"name": "streams_collection"})}))


def create_document(client: GoClient, coll: dict) -> dict:
    """createDocument(): `{data: {v: []}}`, Go's empty variadic slice."""
    return ref_of(client.query(create(coll, {"data": {"object": {"v": []}}})))


def update_now(client: GoClient, ref: dict) -> None:
    client.query({"update": ref, "params": o({"data": {"object": {"x": datetime.now().isoformat()}}})})


def test_stream_document_ref(client, stream_collection):
    """TestStreamDocumentRef: after the start event, an update is a version event."""
    ref = create_document(client, stream_collection)
    sub = Subscription(client, ref)
    try:
        assert sub.next()["type"] == "start"
        update_now(client, ref)
        assert sub.next()["type"] == "version"
    finally:
        sub.close()


def test_reject_non_read_only_query(client, stream_collection):
    """TestRejectNonReadOnlyQuery: a write is refused with a BadRequest before the stream opens. The test
    wants an older Fauna's `Write effect in read-only query expression.` (`invalid expression`); core's
    text is checked."""
    with pytest.raises(GoFaunaError) as refused:
        Subscription(client, {"create_collection": o({"name": "collection"})})
    assert refused.value.kind == "BadRequest"
    assert str(refused.value) == "Response error 400. Errors: [](invalid expression): Call performs a write, which is not allowed in stream requests., details: []"


def test_select_fields(client, stream_collection):
    """TestSelectFields: with fields diff, prev and document, the version event has those and no action."""
    ref = create_document(client, stream_collection)
    sub = Subscription(client, ref, ["diff", "prev", "document"])
    try:
        start = sub.next()
        assert start["type"] == "start" and start["txn"] and start["event"] is not None
        update_now(client, ref)
        version = sub.next()
    finally:
        sub.close()
    assert version["type"] == "version" and version["txn"]
    assert {"diff", "prev", "document"} <= set(version["event"]) and "action" not in version["event"]


def test_update_last_txn_time(client, stream_collection):
    """TestUpdateLastTxnTime: the start event moves the client's time past the document's create and to
    at least the event's; the version event's txn becomes the client's time."""
    ref = create_document(client, stream_collection)
    before = client.last_txn
    sub = Subscription(client, ref)
    try:
        start = sub.next()
        assert start["type"] == "start" and start["event"] is not None
        assert client.last_txn > before and client.last_txn >= start["txn"]
        update_now(client, ref)
        version = sub.next()
    finally:
        sub.close()
    assert version["type"] == "version" and version["txn"] == client.last_txn


def test_handle_bad_query(client, stream_collection):
    """TestHandleBadQuery: a string is no streamable value."""
    with pytest.raises(GoFaunaError) as refused:
        Subscription(client, "just a boring string")
    assert str(refused.value) == "Response error 400. Errors: [](invalid argument): Expected a Document Ref or Version, or a Set Ref, got String., details: []"


def test_start_active_stream(client, stream_collection):
    """TestStartActiveStream: the start event arrives (a second Start is the client's refusal)."""
    sub = Subscription(client, create_document(client, stream_collection))
    try:
        assert sub.next()["type"] == "start"
    finally:
        sub.close()


def test_auth_revalidation(admin, db_name, client, stream_collection):
    """TestAuthRevalidation: the stream's key deleted after the start event, the next event is the error
    `permission denied`, `Authorization lost during stream evaluation.`, as errorFromStreamError words it."""
    ref = create_document(client, stream_collection)
    key = key_with_role(admin, db_name, "server")
    sub = Subscription(client.session(key["secret"]), ref)
    try:
        assert sub.next()["type"] == "start"
        admin.query({"delete": key["ref"]})
        update_now(client, ref)
        error = sub.next()
    finally:
        sub.close()
    assert error["type"] == "error"
    text = "stream_error:" + "".join(f" {k}='{v}'" for k, v in sorted(error["event"].items()))
    assert text == "stream_error: code='permission denied' description='Authorization lost during stream evaluation.'"


def test_listen_to_large_events(client, stream_collection):
    """TestListenToLargeEvents: a version event carries the ten values written."""
    values = [{"object": {"Value": str(i)}} for i in range(10)]
    ref = create_document(client, stream_collection)
    sub = Subscription(client, ref)
    try:
        assert sub.next()["type"] == "start"
        client.query({"update": ref, "params": o({"data": {"object": {"values": values}}})})
        version = sub.next()
    finally:
        sub.close()
    assert version["type"] == "version"
    assert version["event"]["document"]["data"]["values"] == [{"Value": str(i)} for i in range(10)]


def test_listen_to_set_events(client, stream_collection):
    """TestListenToSetEvents: a document made after the start event of `Documents(coll)` is an add set event."""
    sub = Subscription(client, {"documents": stream_collection})
    try:
        assert sub.next()["type"] == "start"
        created = create_document(client, stream_collection)
        event = sub.next()
    finally:
        sub.close()
    assert event["type"] == "set"
    assert (event["event"]["action"], event["event"]["document"]["ref"]) == ("add", created)
