"""Core's ext/repo/src/test/scala/QuerySpec.scala: its Query monad's limits, as far as a query reaches
them. "limits compute": a transaction that counts more compute than core's State.computeOpsLimit (12,000
billed ops of 50 counted each) fails with TxnTooManyComputeOpsException, which core's API answers as a
protocol error (ExceptionResponseHelpers): 400 `invalid_request` (v4 `bad request`) and the message alone.
"exceeding compute limits is fatal (single branch / cross-branch)": no handler recovers from it, and the
count is the transaction's, not a branch's.

Not ported, internal to core's Query monad and its cluster: the monad's own laws (map, flatMap, recover,
framing, futures, parallel branches, stack safety), cluster health, NoopWrite linearization, OCC switches,
the width and concurrency limits of its scheduler, and the rate limiters' unlimited mode.

"transaction size limits": "component too large", an index entry whose terms (its row key) or values (its
column) take more than a Short's bytes, is dropped and the document written; fql measures its own key
encoding, not core's, so the bound is near core's, not at its byte. "key too large" (row key and column
together over 64,000 bytes, each within a Short) and "transaction too large" (a transaction's writes over
16 MiB) are not modelled: fql refuses the larger index bomb (test_core_fql2_index_bomb.py) and no more.
Beside them, core's State.addWrite refuses a document version over 8 MiB (Write.VersionTooLarge): as
a protocol error, 400 `Version bytes (N) exceeds threshold (8388608)`, N being fql's count of its own
encoding of the version, not core's.
"""

from __future__ import annotations

import pytest

import fql
from fql.errors import TooMuchCompute, VersionTooLarge
from fql.server import v10
from fql.server.protocol import ProtocolError

SECRET = "secret"
#: A string past the largest component core's storage writes (32,767 bytes).
BIG = '"' + "a" * 40_000 + '"'
#: Core's message for one op over the limit: ops are counted up in billed ops (per 50).
OVER = "Transaction does too much compute: got 12001, limit: 12000"


@pytest.fixture
def db() -> fql.Database:
    return fql.connect(root_secret=SECRET)


def test_limits_compute(db):
    # Set.sequence and count are an op each, and count adds one per element: 600,000 counted in all.
    assert db.query("Set.sequence(0, 599998).count()", syntax="v10") == 599998
    with pytest.raises(TooMuchCompute, match=f"{OVER}$"):
        db.query("Set.sequence(0, 599999).count()", syntax="v10")


def test_limits_compute_v10_wire(db):
    with pytest.raises(ProtocolError) as caught:
        v10.query(db, {"query": "Set.sequence(0, 700000).count()"}, SECRET, {}, 0)
    assert caught.value.status == 400
    body = caught.value.v10_body()
    assert list(body) == ["error"]
    assert body["error"]["code"] == "invalid_request"
    assert body["error"]["message"] == "Transaction does too much compute: got 14001, limit: 12000"


def test_limits_compute_v4(db):
    # A Count over each element of a 1,000-element array, 1,000 times: a million counted.
    items = ", ".join(["1"] * 1000)
    with pytest.raises(TooMuchCompute, match="Transaction does too much compute: got") as caught:
        db.query(f"Let({{ a: [{items}] }}, Map(Var('a'), Lambda('x', Count(Var('a')))))", syntax="v4")
    assert caught.value.v4_code == "bad request"


def test_exceeding_compute_limits_is_fatal_single_branch(db):
    # A v4 Call wraps its function's errors in `call error`; core's limit is no error of the call's.
    db.query('Function.create({ name: "big", body: "() => Set.sequence(0, 600000).count()" })', syntax="v10")
    with pytest.raises(TooMuchCompute, match=f"{OVER}$"):
        db.query('Call("big")', syntax="v4")


def test_exceeding_compute_limits_is_fatal_cross_branch(db):
    # Each half is within the limit; the transaction's count is not.
    assert db.query("Set.sequence(0, 300000).count()", syntax="v10") == 300000
    with pytest.raises(TooMuchCompute, match=f"{OVER}$"):
        db.query("[Set.sequence(0, 300000).count(), Set.sequence(0, 300000).count()]", syntax="v10")


def test_exceeding_compute_limits_is_fatal_in_an_index_binding(db):
    # A v4 binding that fails is null for the index (core's Index.mkBinders); the compute limit is no
    # binding's failure: it fails the write.
    db.query("CreateCollection({ name: 'c' })", syntax="v4")
    xs = "Select(['data', 'xs'], Var('d'))"
    # A lambda applied is an op: a million applications.
    binding = f"Query(Lambda('d', Map({xs}, Lambda('x', Map({xs}, Lambda('y', Var('y')))))))"
    db.query(
        f"CreateIndex({{ name: 'i', source: {{ collection: Collection('c'), fields: {{ n: {binding} }} }},"
        " terms: [{ binding: 'n' }] })",
        syntax="v4",
    )
    items = ", ".join(["1"] * 1000)
    with pytest.raises(TooMuchCompute):
        db.query(f"Create(Collection('c'), {{ data: {{ xs: [{items}] }} }})", syntax="v4")
    assert db.query("Count(Documents(Collection('c')))", syntax="v4") == 0


def test_exceeding_compute_limits_is_fatal_in_a_v4_function_called_from_v10(db):
    # A v4 body's error reaches a v10 caller as `eval_error`; the compute limit reaches it as it is.
    items = ", ".join(["1"] * 1000)
    db.query(
        f"CreateFunction({{ name: 'big', body: Query(Lambda([], Map([{items}], Lambda('x', Map([{items}],"
        " Lambda('y', Var('y'))))))) })",
        syntax="v4",
    )
    with pytest.raises(TooMuchCompute, match=f"{OVER}$"):
        db.query("big()", syntax="v10")


def test_exceeding_compute_limits_is_fatal_in_a_role_predicate():
    # A predicate that fails denies; the compute limit fails the query.
    db = fql.connect(root_secret=SECRET)
    db.query(
        """Collection.create({ name: "Foo" })
Role.create({
  name: "heavy",
  privileges: [{ resource: "Foo", actions: { read: "_ => Set.sequence(0, 700000).count() > 0" } }]
})""",
        syntax="v10",
    )
    db.query("Foo.create({ id: 1 })", syntax="v10")
    secret = db.query('Key.create({ role: "heavy" }).secret', syntax="v10")
    with pytest.raises(TooMuchCompute):
        db.query("Foo.byId(1)!.id", syntax="v10", secret=secret)


def test_exceeding_compute_limits_writes_nothing(db):
    db.query('Collection.create({ name: "Foo" })', syntax="v10")
    with pytest.raises(TooMuchCompute):
        db.query("Foo.create({}); Set.sequence(0, 700000).count()", syntax="v10")
    assert db.query("Foo.all().count()", syntax="v10") == 0


def test_component_too_large(db):
    # An entry whose terms or values are too large to store is dropped; the document is written.
    db.query(
        'Collection.create({ name: "Foo", indexes: { byS: { terms: [{ field: ".s" }] }, byV: { values: [{ field: ".s" }] } } })',
        syntax="v10",
    )
    db.query(f"Foo.create({{ s: {BIG} }}); Foo.create({{ s: 'small' }})", syntax="v10")
    assert db.query(f"Foo.byS({BIG}).count()", syntax="v10") == 0
    assert db.query("Foo.byS('small').count()", syntax="v10") == 1
    assert db.query("Foo.byV().map(.s).toArray()", syntax="v10") == ["small"]
    assert db.query("Foo.all().count()", syntax="v10") == 2


def _doubled(times: int) -> str:
    """v10 lets: `s0` is 1 KiB of text, each next one twice the last (`s13` is 8 MiB)."""
    lets = ['let s0 = "' + "a" * 1024 + '"'] + [f"let s{i} = s{i - 1} + s{i - 1}" for i in range(1, times + 1)]
    return "\n".join(lets) + "\n"


def test_version_too_large(db):
    db.query('Collection.create({ name: "Foo" })', syntax="v10")
    # 6 MiB is written; 8 MiB of text and the rest of the version is not, and nothing is written.
    assert db.query(_doubled(12) + "Foo.create({ id: 1, s: s12 + s11 }).s.length", syntax="v10") == 6 * 1024 * 1024
    with pytest.raises(VersionTooLarge, match=r"Version bytes \(\d+\) exceeds threshold \(8388608\)$"):
        db.query(_doubled(13) + "Foo.create({ id: 2, s: s13 })", syntax="v10")
    with pytest.raises(VersionTooLarge):
        db.query(_doubled(13) + "Foo.byId(1)!.update({ t: s13 })", syntax="v10")
    assert db.query("Foo.all().map(.id).toArray()", syntax="v10") == ["1"]
    assert db.query("Foo.byId(1)!.t", syntax="v10") is None


def test_version_too_large_v10_wire(db):
    db.query('Collection.create({ name: "Foo" })', syntax="v10")
    with pytest.raises(ProtocolError) as caught:
        v10.query(db, {"query": _doubled(13) + "Foo.create({ s: s13 })"}, SECRET, {}, 0)
    assert caught.value.status == 400
    body = caught.value.v10_body()
    assert list(body) == ["error"] and body["error"]["code"] == "invalid_request"
    assert body["error"]["message"].startswith("Version bytes (")


def test_version_too_large_v4_insert(db):
    # A history write (Insert) is a version like any other.
    db.query("CreateCollection({ name: 'c', history_days: null })", syntax="v4")
    doubled = "Let([{ s0: '" + "a" * 1024 + "' }" + "".join(
        f", {{ s{i}: Concat([Var('s{i - 1}'), Var('s{i - 1}')]) }}" for i in range(1, 14)
    )
    with pytest.raises(VersionTooLarge) as caught:
        db.query(doubled + "], Insert(Ref(Collection('c'), '1'), Now(), 'create', { data: { s: Var('s13') } }))", syntax="v4")
    assert caught.value.v4_code == "bad request"
    assert db.query("Exists(Ref(Collection('c'), '1'))", syntax="v4") is False
