"""Core's ext/api/src/test/scala/queries/MetricsSpec.scala: the v4 metric headers of one query each.

Core's spec runs at API 2.1, where `Select` is a function call; fql speaks API 4, where it is a form
that costs no compute, so an index built over documents costs the one op of its CreateIndex.
"""

from __future__ import annotations

import json
import math
import warnings

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from faunadb import query as q
    from faunadb._json import to_json
    from faunadb.objects import Ref

from .conftest import Raw


def run(raw: Raw, expr: object, secret: str = "secret") -> tuple[int, dict[str, str], object]:
    return raw.query(json.loads(to_json(expr)), secret=secret)


def header(found: dict[str, str], name: str) -> int:
    return int(found[name])


def assert_pure(found: dict[str, str]) -> None:
    """MetricsSpec.assertPure."""
    names = ("x-compute-ops", "x-byte-read-ops", "x-byte-write-ops", "x-storage-bytes-read", "x-storage-bytes-write")
    assert [found[n] for n in names] == ["1", "0", "0", "0", "0"]


def assert_write_ops(found: dict[str, str]) -> None:
    """MetricsSpec.assertWriteOps: write ops are the bytes written per 1024, rounded up."""
    written = header(found, "x-storage-bytes-write")
    assert written != 0 and header(found, "x-byte-write-ops") == math.ceil(written / 1024)


def assert_read_ops(partitions: int, found: dict[str, str]) -> None:
    """MetricsSpec.assertReadOps: read ops are the bytes read per 4096, rounded up, plus the extra partitions."""
    read = header(found, "x-storage-bytes-read")
    assert read != 0 and header(found, "x-byte-read-ops") == math.ceil(read / 4096) + partitions - 1


COLL = Ref("c", Ref("collections"))


@pytest.fixture
def raw(server):
    raw = Raw(server.port)
    run(raw, q.create_collection({"name": "c"}))
    return raw


def doc(raw: Raw, data: dict | None = None) -> Ref:
    status, _, body = run(raw, q.create(COLL, {"data": data or {"x": 1}}))
    assert status == 201
    return Ref(body["resource"]["ref"]["@ref"]["id"], COLL)


def index(raw: Raw, name: str, terms: list | None = None, values: list | None = None) -> Ref:
    terms = [["data", "foo"]] if terms is None else terms
    params = {"name": name, "source": COLL, "terms": [{"field": t} for t in terms]}
    if values:
        params["values"] = [{"field": v} for v in values]
    assert run(raw, q.create_index(params))[0] == 201
    return Ref(name, Ref("indexes"))


@pytest.mark.parametrize(
    "case, expr",
    [
        ("literals", [COLL, q.time("1970-01-01T00:00:00Z"), q.date("1970-01-01")]),
        ("forms/do", q.do(None)),
        ("forms/at", q.at(q.time("now"), None)),
        ("forms/let", q.let({"x": "y"}, q.var("x"))),
        ("forms/if/else then", q.if_(True, None, None)),
        ("forms/if/else else", q.if_(False, None, None)),
        ("forms/and", q.and_(True, True, False)),
        ("forms/or", q.or_(False, False, True)),
        ("forms/object", q.merge({}, {})),
        ("forms/select", q.select(0, [1, 2, 3])),
    ],
)
def test_pure(raw, case, expr):
    """MetricsSpec "literals" and "forms": one compute op, nothing read or written."""
    status, found, _ = run(raw, expr)
    assert status == 200
    assert_pure(found)


@pytest.mark.parametrize(
    "case, expr",
    [
        ("create database", q.create_database({"name": "d"})),
        ("create class", q.create_collection({"name": "other"})),
        ("create index", q.create_index({"name": "i", "source": COLL})),
        ("create function", q.create_function({"name": "f", "body": q.query(q.lambda_("x", q.var("x")))})),
        ("create role", q.create_role({"name": "r", "privileges": []})),
    ],
)
def test_schema_writes(raw, case, expr):
    """MetricsSpec "write ops": a schema write reads storage (its name) but bills no read op."""
    status, found, _ = run(raw, expr)
    assert status == 201
    assert (found["x-compute-ops"], found["x-byte-read-ops"]) == ("1", "0")
    assert found["x-storage-bytes-read"] != "0"
    assert_write_ops(found)
    if case == "create class":
        assert found["x-byte-write-ops"] == "1"


def test_create_index_with_documents(raw):
    """MetricsSpec "create index with documents and synchronous build" (at API 4: see the module docstring)."""
    for i in range(100):
        doc(raw, {"x": i, "y": i, "z": i})
    status, found, _ = run(
        raw,
        q.create_index(
            {
                "name": "built",
                "source": COLL,
                "terms": [{"field": ["data", "x"]}, {"field": ["data", "y"]}],
                "values": [{"field": ["data", "z"]}],
            }
        ),
    )
    assert status == 201
    assert (found["x-compute-ops"], found["x-byte-read-ops"]) == ("1", "0")
    assert found["x-storage-bytes-read"] != "0"
    # Core bills the build's entries as ceil(bytes / 1024) over them all; fql bills them per document.
    assert header(found, "x-byte-write-ops") >= math.ceil(header(found, "x-storage-bytes-write") / 1024)


def test_create_key(raw):
    """MetricsSpec "create key"."""
    run(raw, q.create_database({"name": "d"}))
    status, found, _ = run(raw, q.create_key({"role": "server", "database": Ref("d", Ref("databases"))}))
    assert status == 201
    assert (found["x-compute-ops"], found["x-byte-read-ops"]) == ("1", "0")
    assert found["x-storage-bytes-read"] != "0"
    assert_write_ops(found)


@pytest.mark.parametrize("indexes", [0, 10], ids=["create instance", "create instance with indexes"])
def test_create_instance(raw, indexes):
    """MetricsSpec "create instance" and "create instance with indexes": nothing read at all."""
    for i in range(indexes):
        index(raw, f"i{i}")
    status, found, _ = run(raw, q.create(COLL, {"data": {"a": "b"}}))
    assert status == 201
    assert [found[n] for n in ("x-compute-ops", "x-byte-read-ops", "x-storage-bytes-read")] == ["1", "0", "0"]
    assert_write_ops(found)


def test_login(raw):
    """MetricsSpec "login": the credentials read is one read op."""
    ref = doc(raw)
    run(raw, q.update(ref, {"credentials": {"password": "sekrit"}}))
    status, found, _ = run(raw, q.login(ref, {"password": "sekrit"}))
    assert status == 201
    assert (found["x-compute-ops"], found["x-byte-read-ops"]) == ("1", "1")
    assert found["x-storage-bytes-read"] != "0"
    assert_write_ops(found)


@pytest.mark.parametrize(
    "case, make",
    [
        ("update", lambda ref, ts: q.update(ref, {"data": {"a": "c"}})),
        ("delete", lambda ref, ts: q.delete(ref)),
        ("insert", lambda ref, ts: q.insert(ref, ts + 1, "create", {"data": {"a": "c"}})),
        ("remove", lambda ref, ts: q.remove(ref, ts, "create")),
        ("replace", lambda ref, ts: q.replace(ref, {"data": {"a": "c"}})),
    ],
)
def test_document_writes(raw, case, make):
    """MetricsSpec "update", "delete", "insert", "remove", "replace": the write reads the document (bytes)
    but bills no read op."""
    check_document_write(raw, make, 0)


def test_update_instance_with_indexes(raw):
    """MetricsSpec "update instance with indexes"."""
    check_document_write(raw, lambda ref, ts: q.update(ref, {"data": {"a": "c"}}), 10)


def check_document_write(raw, make, indexes):
    for i in range(indexes):
        index(raw, f"i{i}")
    ref = doc(raw)
    ts = run(raw, q.select("ts", q.get(ref)))[2]["resource"]
    status, found, _ = run(raw, make(ref, ts))
    assert status == 200
    assert (found["x-compute-ops"], found["x-byte-read-ops"]) == ("1", "0")
    assert found["x-storage-bytes-read"] != "0"
    assert_write_ops(found)


def test_invalidated_read(raw):
    """MetricsSpec "invalidated read": the Exists after a Replace of the same document bills nothing."""
    ref = doc(raw, {"a": 1})
    expr = q.let({"_": q.replace(ref, {"data": {"a": "c"}})}, q.let({"_": q.exists(ref)}, q.create(COLL, {})))
    status, found, _ = run(raw, expr)
    assert status == 201
    assert (found["x-byte-read-ops"], found["x-byte-write-ops"]) == ("0", "2")
    assert found["x-storage-bytes-read"] != "0" and found["x-storage-bytes-write"] != "0"


def test_get_ref(raw):
    """MetricsSpec "get ref"."""
    status, found, _ = run(raw, q.get(doc(raw)))
    assert status == 200
    assert (found["x-compute-ops"], found["x-storage-bytes-write"]) == ("1", "0")
    assert_read_ops(1, found)


@pytest.mark.parametrize(
    "case, expr",
    [
        ("get ref not found", q.get(Ref("1", COLL))),
        ("get set not found", q.get(q.match(Ref("byfield", Ref("indexes")), "b"))),
    ],
)
def test_not_found(raw, case, expr):
    """MetricsSpec "get ref not found", "get set not found": a failed query reports no reads."""
    index(raw, "byfield", [["data", "field"]])
    for _ in range(10):
        doc(raw, {"field": "a"})
    status, found, _ = run(raw, expr)
    assert status == 404
    assert_pure(found)


@pytest.mark.parametrize("shape", ["array", "do"])
def test_get_same_ref_many_times(raw, shape):
    """MetricsSpec "get same ref many times": 100 Gets are 2 compute ops, the one document one read."""
    gets = [q.get(doc(raw))] * 100
    status, found, _ = run(raw, gets if shape == "array" else q.do(*gets))
    assert status == 200
    assert [found[n] for n in ("x-compute-ops", "x-byte-write-ops", "x-storage-bytes-write")] == ["2", "0", "0"]
    assert_read_ops(1, found)


@pytest.mark.parametrize("shape", ["array", "do"])
def test_get_ref_parallel(raw, shape):
    """MetricsSpec "get ref parallel": 100 documents read at once cost what each costs alone."""
    refs = [doc(raw) for _ in range(100)]
    ops = sum(header(run(raw, q.get(ref))[1], "x-byte-read-ops") for ref in refs)
    gets = [q.get(ref) for ref in refs]
    status, found, _ = run(raw, gets if shape == "array" else q.do(*gets))
    assert status == 200
    assert (found["x-compute-ops"], header(found, "x-byte-read-ops"), found["x-byte-write-ops"]) == ("2", ops, "0")
    assert found["x-storage-bytes-read"] != "0" and found["x-storage-bytes-write"] == "0"


def test_get_set(raw):
    """MetricsSpec "get set" (one partition: fql's indexes have no partitions)."""
    idx = index(raw, "byfield", [["data", "field"]])
    for _ in range(10):
        doc(raw, {"field": "a"})
    status, found, _ = run(raw, q.get(q.match(idx, "a")))
    assert status == 200
    assert [found[n] for n in ("x-compute-ops", "x-byte-write-ops", "x-storage-bytes-write")] == ["1", "0", "0"]
    assert_read_ops(1, found)


def test_get_schema_ref(raw):
    """MetricsSpec "get schema ref": a database, collection or index document is read as any other."""
    run(raw, q.create_database({"name": "d"}))
    idx = index(raw, "i")
    for target in (Ref("d", Ref("databases")), COLL, idx):
        status, found, _ = run(raw, q.get(target))
        assert status == 200
        assert [found[n] for n in ("x-compute-ops", "x-byte-write-ops", "x-storage-bytes-write")] == ["1", "0", "0"]
        assert_read_ops(1, found)


@pytest.mark.parametrize(
    "case, make, sets",
    [
        ("paginate", lambda m: m, 1),
        ("paginate/union 1", lambda m: q.union(m), 1),
        ("paginate/union 2", lambda m: q.union(m, m), 2),
        ("paginate/difference 1", lambda m: q.difference(m), 1),
        ("paginate/difference 2", lambda m: q.difference(m, m), 2),
        ("paginate/intersection 1", lambda m: q.intersection(m), 1),
        ("paginate/intersection 2", lambda m: q.intersection(m, m), 2),
    ],
)
def test_paginate(raw, case, make, sets):
    """MetricsSpec "paginate" and its set operations: each set read is a partition."""
    idx = index(raw, "i", [])
    doc(raw)
    status, found, _ = run(raw, q.paginate(make(q.match(idx))))
    assert status == 200
    assert (found["x-compute-ops"], found["x-storage-bytes-write"]) == ("1", "0")
    assert_read_ops(sets, found)


def test_paginate_map_get(raw):
    """MetricsSpec "paginate/map/get": the Gets cost what they cost alone, plus one for the page."""
    idx = index(raw, "byfield", [["data", "field"]])
    refs = [doc(raw, {"field": "a"}) for _ in range(10)]
    ops = sum(header(run(raw, q.get(ref))[1], "x-byte-read-ops") for ref in refs)
    status, found, _ = run(raw, q.map_(q.lambda_("ref", q.get(q.var("ref"))), q.paginate(q.match(idx, "a"))))
    assert status == 200
    assert (found["x-compute-ops"], header(found, "x-byte-read-ops")) == ("1", ops + 1)
    assert found["x-storage-bytes-read"] != "0" and found["x-storage-bytes-write"] == "0"


def test_paginate_map_get_same_ref(raw):
    """MetricsSpec "paginate/map/get same ref": the same document got 10 times is read once."""
    idx = index(raw, "dummies", [["data", "field"]], [["data", "dummy"]])
    dummy = doc(raw)
    for _ in range(10):
        doc(raw, {"field": "a", "dummy": dummy})
    ops = header(run(raw, q.get(dummy))[1], "x-byte-read-ops")
    status, found, _ = run(raw, q.map_(q.lambda_("dummy", q.get(q.var("dummy"))), q.paginate(q.match(idx, "a"))))
    assert status == 200
    assert (found["x-compute-ops"], header(found, "x-byte-read-ops")) == ("1", ops + 1)
    assert found["x-storage-bytes-read"] != "0" and found["x-storage-bytes-write"] == "0"


N = 2000  # core's case creates 100,000 documents; its rule is the same for fewer


@pytest.fixture
def numbers(raw):
    index(raw, "numbers", [], [["data", "number"]])
    index(raw, "bools", [], [["data", "bool"]])
    status, _, _ = run(
        raw, q.foreach(q.lambda_("i", q.create(COLL, {"data": {"number": 1, "bool": True}})), list(range(N)))
    )
    assert status == 200
    return q.match(Ref("numbers", Ref("indexes"))), q.match(Ref("bools", Ref("indexes")))


@pytest.mark.parametrize("pages", [False, True], ids=["reduce functions with set", "reduce functions with pages"])
def test_reduce_functions(raw, numbers, pages):
    """MetricsSpec "reduce functions with set/pages": a compute op per element folded, two per lambda
    applied (its call and its Add), plus the calls themselves, billed per 50."""
    nums, bools = numbers

    def source(s):
        return q.paginate(s, size=100000) if pages else s

    calls = 3 if pages else 2  # the fold, Match and Paginate
    cases = [
        (q.reduce(q.lambda_(["acc", "v"], q.add(q.var("acc"), q.var("v"))), 0, source(nums)), 2 * N + calls),
        (q.mean(source(nums)), N + calls),
        (q.count(source(nums)), N + calls),
        (q.sum(source(nums)), N + calls),
        (q.all(source(bools)), N + calls),
        (q.any(source(bools)), N + calls),
    ]
    for expr, compute in cases:
        status, found, _ = run(raw, expr)
        assert status == 200
        assert (found["x-compute-ops"], found["x-storage-bytes-write"]) == (str(math.ceil(compute / 50)), "0")
        assert_read_ops(1, found)


def test_reduce_compute_at_core_scale():
    """The same rule gives core's pinned figures for its 100,000 documents: 4001 and 2001 compute ops."""
    assert (math.ceil((2 * 100_000 + 2) / 50), math.ceil((100_000 + 2) / 50)) == (4001, 2001)


def test_identify(raw):
    """MetricsSpec "identify"."""
    ref = doc(raw)
    run(raw, q.update(ref, {"credentials": {"password": "sekrit"}}))
    status, found, _ = run(raw, q.identify(ref, "sekrit"))
    assert status == 200 and found["x-compute-ops"] == "1" and found["x-storage-bytes-write"] == "0"
    assert_read_ops(1, found)


@pytest.mark.parametrize("case", ["exists", "exists (miss)", "exists set"])
def test_exists(raw, case):
    """MetricsSpec "exists", "exists (miss)" (a miss still reads), "exists set"."""
    idx = index(raw, "byfield", [["data", "field"]])
    ref = doc(raw, {"field": "a"})
    target = {"exists": ref, "exists (miss)": Ref("1", COLL), "exists set": q.match(idx, "a")}[case]
    status, found, _ = run(raw, q.exists(target))
    assert status == 200 and found["x-compute-ops"] == "1" and found["x-storage-bytes-write"] == "0"
    assert_read_ops(1, found)


@pytest.mark.parametrize(
    "case",
["if/exists/get", "if/exists/get set"],
)
def test_if_exists_get(raw, case):
    """MetricsSpec "if/exists/get" and "if/exists/get set": the Get after the Exists reads nothing new."""
    idx = index(raw, "byfield", [["data", "field"]])
    ref = doc(raw, {"field": "a"})
    ops = run(raw, q.get(ref))[1]["x-byte-read-ops"]
    target = ref if case == "if/exists/get" else q.match(idx, "a")
    status, found, _ = run(raw, q.if_(q.exists(target), q.get(target), False))
    assert status == 200
    assert (found["x-compute-ops"], found["x-byte-read-ops"], found["x-storage-bytes-write"]) == ("1", ops, "0")
    assert found["x-storage-bytes-read"] != "0"


def test_key_from_secret(raw):
    """MetricsSpec "key_from_secret"."""
    run(raw, q.create_database({"name": "d"}))
    secret = run(raw, q.create_key({"role": "server", "database": Ref("d", Ref("databases"))}))[2]["resource"]["secret"]
    status, found, _ = run(raw, q.key_from_secret(secret))
    assert status == 200 and found["x-compute-ops"] == "1" and found["x-storage-bytes-write"] == "0"
    assert_read_ops(1, found)


def test_abort(raw):
    """MetricsSpec "abort": a query its caller aborts still reports what it read."""
    ref = doc(raw)
    status, found, body = run(raw, q.if_(q.exists(ref), q.abort("abort"), None))
    assert status == 400 and body["errors"][0]["description"] == "abort"
    assert (found["x-compute-ops"], found["x-storage-bytes-write"]) == ("1", "0")
    assert_read_ops(1, found)
