"""Core's ext/api/src/test/scala/fql2/FQL2MetricsSpec.scala: the `stats` of one v10 query each, run in-process
through `POST /query/1` (fql.server.v10.query).

Storage sizes are fql's own (fql/storage/meter.py), so where core's spec pins a figure that follows from
the size of its own storage rows, the test checks the rule the figure comes from (`assert_read_ops`,
`assert_write_ops`), as core's spec does for most of its cases.
"""

from __future__ import annotations

import math
import threading

import pytest

import fql
from tests.helpers import QueryEndpoint

SECRET = "secret"


@pytest.fixture
def db() -> fql.Database:
    return fql.connect(root_secret=SECRET)


ENDPOINT = QueryEndpoint(SECRET, typecheck=False)
answer, ok = ENDPOINT.answer, ENDPOINT.ok_body


def stats(body: dict) -> tuple[int, int, int, int, int]:
    """(compute_ops, read_ops, write_ops, storage_bytes_read, storage_bytes_write)."""
    found = body["stats"]
    names = ("compute_ops", "read_ops", "write_ops", "storage_bytes_read", "storage_bytes_write")
    return tuple(found[n] for n in names)


def assert_pure(body: dict) -> None:
    """FQL2MetricsSpec.assertPure."""
    assert stats(body) == (1, 0, 0, 0, 0)


def assert_write_ops(body: dict) -> None:
    """FQL2MetricsSpec.assertWriteOps: write ops are the bytes written per 1024, rounded up."""
    written = body["stats"]["storage_bytes_write"]
    assert written != 0 and body["stats"]["write_ops"] == math.ceil(written / 1024)


def assert_read_ops(partitions: int, body: dict) -> None:
    """FQL2MetricsSpec.assertReadOps: the bytes read per 4096, rounded up, plus the extra partitions."""
    read = body["stats"]["storage_bytes_read"]
    assert read != 0 and body["stats"]["read_ops"] == math.ceil(read / 4096) + partitions - 1


def collection(db: fql.Database, name: str = "Coll", indexes: str = "") -> str:
    ok(db, f"Collection.create({{ name: '{name}'{', indexes: ' + indexes if indexes else ''} }})")
    return name


def document(db: fql.Database, coll: str = "Coll", data: str = "{ x: 1 }") -> str:
    return ok(db, f"{coll}.create({data}).id")["data"]


# -- literals, expressions, projections, operators ----------------------------------------------------

PURE = [
    ("literals/number", "42"),
    ("literals/object", "{ a: 1, b: [true, 'x'], c: { d: null } }"),
    ("expressions/do", "null\nnull\nnull\n"),
    ("expressions/at", "at (Time.now()) {}"),
    ("expressions/let", "let x = 1\nnull\n"),
    ("expressions/if/else", "if (true) {\n  null\n} else {\n  null\n}\n"),
    ("expressions/if/else", "if (false) {\n  null\n} else {\n  null\n}\n"),
    ("projections/object key", "{ foo: 42 }.foo"),
    ("projections/array index", "[0, 1, 2][0]"),
    *[("operators/booleans", q) for q in ("true && true && false", "false || false || true", "!true", "!false")],
    *[("operators/numerics", q) for q in ("2 + 2", "2 - 2", "2 * 2", "2 / 2")],
    *[("operators/universal", f"1 {op} 2") for op in ("==", "!=", ">", ">=", "<", "<=")],
]


@pytest.mark.parametrize("case, query", PURE, ids=[f"{c}: {q}" for c, q in PURE])
def test_pure(db, case, query):
    """FQL2MetricsSpec "literals", "expressions", "projections", "operators": one compute op, nothing else."""
    assert_pure(ok(db, query))


@pytest.mark.parametrize("setting", ["", ", typechecked: true", ", typechecked: false"])
@pytest.mark.parametrize("depth", [1, 2])
def test_pure_in_a_child_database(db, setting, depth):
    """A pure query one or two levels down, whose static check asks whether its database is typechecked
    (no x-typecheck header): that setting, its own or an ancestor's, comes with the database from core's
    schema cache (Database.isTypechecked folds Database.forScope), not a billed read. Found by fauna-go's
    "response has expected stats headers" run with a secret scoped to a child database."""
    ok(db, f"Database.create({{ name: 'child'{setting} }})")
    secret = "secret:child:admin"
    if depth == 2:
        ok(db, "Database.create({ name: 'grandchild' })", secret)
        secret = ok(db, "Key.create({ role: 'admin', database: 'grandchild' }).secret", secret)["data"]
    assert_pure(ok(db, "'foo'.length", secret, None))
    assert_pure(ok(db, "'foo'.length", secret, None, arguments={"x": 1}))


# -- write ops -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "case, query",
    [
        ("create collection", "Collection.create({ name: 'Fresh' })"),
        (
            "create collection with indexes",
            "Collection.create({\n  name: 'Fresh',\n  indexes: {\n    byFoo: {\n      values: [{field: 'foo'}]\n    }\n  }\n})\n",
        ),
        ("create function", "Function.create({\n  name: 'Fn',\n  body: '_ => true'\n})\n"),
        (
            "create role",
            "Role.create({\n  name: 'R',\n  privileges: [{\n    resource: 'Collection',\n    actions: { create: true }\n  }]\n})\n",
        ),
    ],
)
def test_create_schema(db, case, query):
    """FQL2MetricsSpec "write ops": creating a schema document reads its name's storage, bills no read."""
    body = ok(db, query)
    compute, reads, _, read, _ = stats(body)
    assert (compute, reads) == (1, 0) and read != 0
    assert_write_ops(body)


def test_create_key(db):
    """FQL2MetricsSpec "write ops" / "create key": a key reads nothing."""
    body = ok(db, "Key.create({ role: 'admin' })")
    assert body["data"]["role"] == "admin"
    assert stats(body)[:2] == (1, 0) and stats(body)[3] == 0
    assert_write_ops(body)


@pytest.mark.parametrize("indexes", ["", "{ " + ", ".join(f"i{n}: {{ terms: [{{ field: 'f{n}' }}] }}" for n in range(10)) + " }"])
def test_create_document(db, indexes):
    """FQL2MetricsSpec "write ops" / "create document", "create document with indexes": no reads."""
    coll = collection(db, indexes=indexes)
    body = ok(db, f"{coll}.create({{ a: 'b' }})")
    assert body["data"]["a"] == "b"
    assert stats(body)[:2] == (1, 0) and stats(body)[3] == 0
    assert_write_ops(body)


@pytest.mark.parametrize(
    "case, call, data",
    [
        ("update document", "update({ a: 'c' })", "c"),
        ("update document with indexes", "update({ a: 'b' })", "b"),
        ("delete document", "delete()", None),
        ("replace document", "replace({ a: 'c' })", "c"),
    ],
)
def test_write_a_document(db, case, call, data):
    """FQL2MetricsSpec "write ops": a write of a document read first bills that read."""
    indexes = "{ " + ", ".join(f"i{n}: {{ terms: [{{ field: 'f{n}' }}] }}" for n in range(10)) + " }"
    coll = collection(db, indexes=indexes if "indexes" in case else "")
    doc = document(db, coll)
    body = ok(db, f"{coll}.byId('{doc}')!.{call}")
    assert (body["data"] if data is None else body["data"]["a"]) == data
    compute, reads, _, read, _ = stats(body)
    assert (compute, reads) == (1, 1) and read != 0
    assert_write_ops(body)


def test_update_document_multiple_times(db):
    """FQL2MetricsSpec "write ops" / "update document multiple times": 304 compute (four calls, then per
    element a lambda, an update and a `+`) is 7 ops; the document is read once."""
    coll = collection(db)
    doc = document(db, coll)
    body = ok(
        db,
        f"let doc = {coll}.byId('{doc}')!\ndoc.update({{ i: 1 }})\n"
        "Set.sequence(1, 100).forEach(_ => {\n  doc.update({ i: doc.i + 1 })\n})\ndoc.i\n",
    )
    assert body["data"] == 100
    assert stats(body)[:2] == (7, 1)
    assert_read_ops(1, body)
    assert_write_ops(body)


def test_invalidated_read(db):
    """FQL2MetricsSpec "write ops" / "invalidated read": reading a document the query replaced is no new read."""
    coll = collection(db)
    doc = document(db, coll, "{ x: 1 }")
    body = ok(db, f'let doc = {coll}.byId("{doc}")!\ndoc.replace({{a: "b"}})\n{coll}.byId("{doc}")!\n{coll}.create({{}})\n')
    compute, reads, writes, read, written = stats(body)
    assert (compute, reads, writes) == (1, 1, 2) and read != 0 and written != 0


def test_contended_write(db):
    """FQL2MetricsSpec "write ops" / "contended write": each run of a query that ran again bills its reads
    and writes again."""
    coll = collection(db)
    doc = document(db, coll)
    query = f"{coll}.byId('{doc}')!.update({{a: 'c'}})"
    baseline = ok(db, query)["stats"]
    failures: list = []

    def run() -> None:
        try:
            status, body = answer(db, query)
            assert status in (200, 409)
            if status == 200:
                tries = body["stats"]["contention_retries"] + 1
                assert body["data"]["a"] == "c" and body["stats"]["compute_ops"] == 1
                assert body["stats"]["read_ops"] == baseline["read_ops"] * tries
                assert body["stats"]["write_ops"] == baseline["write_ops"] * tries
        except AssertionError as err:
            failures.append(err)

    threads = [threading.Thread(target=run) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []


# -- read ops ------------------------------------------------------------------------------------------


def test_get_document(db):
    """FQL2MetricsSpec "read ops" / "get document", "exists": one partition."""
    coll = collection(db)
    doc = document(db, coll, "{ foo: 'bar' }")
    body = ok(db, f"{coll}.byId('{doc}')!")
    assert body["data"]["id"] == doc
    assert stats(body)[0] == 1 and stats(body)[2] == 0 and stats(body)[4] == 0
    assert_read_ops(1, body)


@pytest.mark.parametrize(
    "case, query, data",
    [
        ("get document not found", "Coll.byId('0')?.foo ?? 'not found'", "not found"),
        ("exists incurs one read op", 'Coll.byId("1234").exists()', False),
    ],
)
def test_missing_document(db, case, query, data):
    """FQL2MetricsSpec "read ops": reading a document that is not there is still a read."""
    collection(db)
    body = ok(db, query)
    assert body["data"] == data
    compute, reads, writes, read, written = stats(body)
    assert (compute, reads, writes, written) == (1, 1, 0, 0) and read != 0


def test_get_same_document_many_times(db):
    """FQL2MetricsSpec "read ops" / "get same document many times": 100 calls are 2 compute ops, one read."""
    coll = collection(db)
    doc = document(db, coll)
    body = ok(db, f'{coll}.byId("{doc}")!\n' * 100)
    assert body["data"]["id"] == doc
    assert stats(body)[0] == 2 and stats(body)[2] == 0 and stats(body)[4] == 0
    assert_read_ops(1, body)


def test_get_docs_in_parallel(db):
    """FQL2MetricsSpec "read ops" / "get docs in parallel": as many read ops as each read alone."""
    coll = collection(db)
    docs = [document(db, coll) for _ in range(100)]
    alone = sum(ok(db, f"{coll}.byId('{doc}')!")["stats"]["read_ops"] for doc in docs)
    body = ok(db, "[" + ",".join(f"{coll}.byId('{doc}')!" for doc in docs) + "]")
    assert len(body["data"]) == 100
    compute, reads, writes, read, written = stats(body)
    assert (compute, reads, writes, written) == (2, alone, 0, 0) and read != 0


@pytest.mark.parametrize("char, reads", [("a", 2), ("b", 1)])
def test_first_element_of_a_set(db, char, reads):
    """FQL2MetricsSpec "read ops" / "get first element of a set" (the index, then the document) and "... of
    an empty set" (the index alone)."""
    coll = collection(db, indexes="{ byChar: { terms: [{ field: 'char' }] } }")
    document(db, coll, "{ char: 'a' }")
    body = ok(db, f"{coll}.byChar('{char}').first()")
    assert (body["data"] or {}).get("char") == ("a" if reads == 2 else None)
    assert stats(body)[:3] == (1, reads, 0) and stats(body)[4] == 0


def test_paginate(db):
    """FQL2MetricsSpec "read ops" / "paginate": a collection's documents index has 8 partitions."""
    coll = collection(db)
    doc = document(db, coll)
    body = ok(db, f"{coll}.all().map(.id).paginate()")
    assert body["data"]["data"][0] == doc
    assert stats(body)[0] == 1 and stats(body)[2] == 0 and stats(body)[4] == 0
    assert_read_ops(8, body)


def test_paginate_union(db):
    """FQL2MetricsSpec "read ops" / "paginate/union": 8 partitions for each index without terms."""
    coll = collection(db, indexes="{ idx: { values: [{ field: 'x' }] } }")
    doc = document(db, coll)
    body = ok(db, f"{coll}.all().map(.id).concat([].toSet()).paginate()")
    assert body["data"]["data"][0] == doc
    assert stats(body)[0] == 1 and stats(body)[2] == 0 and stats(body)[4] == 0
    assert_read_ops(8, body)
    body = ok(db, f"let a = {coll}.all().map(.id)\nlet b = {coll}.idx().map(.id)\na.concat(b).paginate()\n")
    assert body["data"]["data"] == [doc, doc]
    assert stats(body)[0] == 1 and stats(body)[2] == 0 and stats(body)[4] == 0
    assert_read_ops(8 + 8, body)


def test_paginate_map_get(db):
    """FQL2MetricsSpec "read ops" / "paginate/map/get": the index's 8 partitions plus each document's read."""
    coll = collection(db, indexes="{ idx: { values: [{ field: 'x' }] } }")
    docs = [document(db, coll, f"{{ x: {n}, foo: 'f{n}' }}") for n in range(10)]
    alone = 8 + sum(ok(db, f"{coll}.byId('{doc}')!")["stats"]["read_ops"] for doc in docs)
    body = ok(db, f"{coll}.idx().map(.foo).paginate()")
    assert len(body["data"]["data"]) == 10
    compute, reads, writes, read, written = stats(body)
    assert (compute, reads, writes, written) == (1, alone, 0, 0) and read != 0


def test_exists_set(db):
    """FQL2MetricsSpec "read ops" / "exists set": the documents index's 8 partitions."""
    coll = collection(db)
    document(db, coll)
    body = ok(db, f"{coll}.all().isEmpty()")
    assert body["data"] is False
    compute, _, writes, read, written = stats(body)
    assert (compute, writes, written) == (1, 0, 0) and read != 0
    assert_read_ops(8, body)


def test_if_exists_get(db):
    """FQL2MetricsSpec "read ops" / "if/exists/get": as many read ops as reading the document alone."""
    coll = collection(db)
    doc = document(db, coll, "{ foo: 42 }")
    alone = ok(db, f"{coll}.byId('{doc}')!")["stats"]["read_ops"]
    body = ok(db, f"let val = {coll}.byId('{doc}')?.foo\nif (val != null) {{\n  val\n}} else {{\n  'not found'\n}}\n")
    assert body["data"] == 42
    compute, reads, writes, read, written = stats(body)
    assert (compute, reads, writes, written) == (1, alone, 0, 0) and read != 0


def test_abort(db):
    """FQL2MetricsSpec "read ops" / "abort": an aborted query still reports its compute and reads."""
    coll = collection(db)
    doc = document(db, coll)
    status, body = answer(db, f"abort({coll}.byId('{doc}'))")
    assert status == 400 and body["error"]["code"] == "abort"
    compute, reads, writes, read, written = stats(body)
    assert (compute, reads, writes, written) == (1, 1, 0, 0) and read != 0


def test_deleting_a_collection_bills_no_bookkeeping(db):
    """fql records when a collection is deleted (event sources tell it from a later one of its name by
    that); core has no such record, and its deletion bills the definition's deletion and its documents'
    alone (here one document)."""
    from fql.storage.base import DocKey, Version
    from fql.storage.meter import _size

    ok(db, "Collection.create({ name: 'C' })")
    doc = ok(db, "C.create({}).id")["data"]
    body = ok(db, "Collection.byName('C')!.delete()")
    gone = [Version(DocKey("", "#collections", "C"), 0, None), Version(DocKey("", "C", doc), 0, None)]
    assert body["stats"]["write_ops"] == 2
    assert body["stats"]["storage_bytes_write"] == sum(map(_size, gone))


# -- schema documents, index entries, sets read again ---------------------------------------------------


def test_get_schema_document(db):
    """FQL2MetricsSpec "read ops" / "get schema document": reading a collection's definition
    (`Collection.byName`, `.definition`) is a billed read of one partition, though looking the collection
    up for `Coll.byId` is not; a query reads the definition once (core's read cache)."""
    coll = collection(db, indexes="{ byFoo: { terms: [{ field: 'foo' }] } }")
    for query in (f"Collection.byName('{coll}')", f"{coll}.definition.indexes.byFoo!"):
        body = ok(db, query)
        assert stats(body)[0] == 1 and stats(body)[2] == 0 and stats(body)[4] == 0
        assert_read_ops(1, body)
    body = ok(db, f"Collection.byName('{coll}')\n{coll}.definition\nCollection.byName('{coll}')!.name")
    assert body["data"] == coll and stats(body)[1] == 1
    # One the query wrote itself is read from its own writes.
    body = ok(db, "Collection.create({ name: 'Fresh' })\nCollection.byName('Fresh')!.name")
    assert body["data"] == "Fresh" and stats(body)[1] == 0


def test_create_a_new_index(db):
    """FQL2MetricsSpec "write ops" / "create a new index": the update reads the definition, one read op.
    (Core writes three documents, the collection, its backing index and its FSL file; fql one.)"""
    coll = collection(db)
    body = ok(db, f"{coll}.definition.update({{\n  indexes: {{\n    byFoo: {{\n      values: [{{field: 'foo'}}]\n    }}\n  }}\n}})\n")
    assert body["data"]["indexes"]["byFoo"]["values"][0]["field"] == "foo"
    compute, reads, _, read, _ = stats(body)
    assert (compute, reads) == (1, 1) and read != 0
    assert_write_ops(body)


def test_create_index_charges_compute_ops_for_synchronous_build(db):
    """FQL2MetricsSpec "write ops" / "create index charges compute ops for synchronous build": one compute
    op, plus one per term or value for every 50 documents; the definition's read is one read op."""
    coll = collection(db)
    ok(db, f"Set.sequence(0, 100).forEach(_ => {coll}.create({{ a: 1 }}))")
    body = ok(
        db,
        f"{coll}.definition.update({{\n  name: '{coll}',\n  indexes: {{\n    v10: {{\n"
        "      terms: [{ field: 'x' }, { field: 'y' }],\n      values: [{ field: 'z' }]\n    }\n  }\n})\n",
    )
    compute, reads, _, read, written = stats(body)
    assert (compute, reads) == (1 + (2 + 1) * 100 // 50, 1) and read != 0 and written != 0


def test_update_off_of_index_entry_should_require_an_extra_read_op(db):
    """FQL2MetricsSpec "read ops" / "update off of index entry should require an extra read op": the index,
    then the document; the index entries the update moves are billed with the document (core's
    Write.getStats sums a SetWrite's bytes by its document), one write op in all."""
    coll = collection(db, indexes="{ idx: { terms: [{ field: 'foo' }], values: [{ field: 'bar' }] } }")
    ok(db, f"{coll}.create({{ foo: 'bar', bar: 'foo' }})")
    body = ok(db, f"{coll}.idx('bar').first()!.update({{ bar: 'baz' }}) {{ foo, bar }}")
    assert body["data"] == {"foo": "bar", "bar": "baz"}
    assert stats(body)[1:3] == (2, 1)
    assert_write_ops(body)


@pytest.mark.parametrize("bang", ["", "!"], ids=["if/exists/get set", "if/exists/get set with bang"])
def test_if_exists_get_set(db, bang):
    """FQL2MetricsSpec "read ops" / "if/exists/get set" (and "... with bang"): the index's 8 partitions
    once; reading the same set again is served by core's read cache."""
    coll = collection(db, indexes="{ idx: { values: [{ field: 'foo' }] } }")
    doc = document(db, coll, "{ foo: 'x' }")
    assert ok(db, f"{coll}.byId('{doc}')!")["stats"]["read_ops"] == 1
    body = ok(db, f"let set = {coll}.idx()\nif (set.isEmpty()) {{\n  'empty'\n}} else {{\n  set.first(){bang}.id\n}}\n")
    assert body["data"] == doc
    compute, reads, writes, read, written = stats(body)
    assert (compute, reads, writes, written) == (1, 8, 0, 0) and read != 0


def test_set_read_again_after_a_write_to_it(db):
    """Core's read cache keys a read by the query's writes to what it reads: a set read again after the
    query wrote to it is read (and billed) again."""
    coll = collection(db)
    body = ok(db, f"{coll}.all().isEmpty()\n{coll}.create({{}})\n{coll}.all().isEmpty()\n")
    assert body["data"] is False and stats(body)[1:3] == (8 + 8, 1)


# -- covered values ------------------------------------------------------------------------------------


def test_index_value_term_access_shouldnt_require_an_extra_read_op(db):
    """FQL2MetricsSpec "index value term access shouldn't require an extra read op": a term the index
    holds is read from its entry, not the document."""
    coll = collection(db, indexes="{ idx: { terms: [{ field: 'foo' }] } }")
    ok(db, f"{coll}.create({{ foo: 'bar' }})")
    body = ok(db, f"{coll}.idx('bar').map(.foo).first()")
    assert body["data"] == "bar" and body["stats"]["read_ops"] == 1


def test_covered_computed_index_values_dont_get_read_twice(db):
    """FQL2MetricsSpec "miscellaneous" / "covered computed index values don't get read twice"."""
    ok(
        db,
        "Collection.create({\n  name: 'User',\n  computed_fields: {\n"
        "    firstAndLast: { body: 'u => \"#{u.first} #{u.last}\"' }\n  },\n"
        "  indexes: {\n    byLast: {\n      terms: [{ field: '.last' }],\n"
        "      values: [{ field: '.firstAndLast' }]\n    }\n  }\n})",
    )
    ok(db, "User.create({ first: 'Bob', last: 'Jones' })")
    body = ok(db, "User.byLast('Jones').first()!.firstAndLast")
    assert body["data"] == "Bob Jones" and body["stats"]["read_ops"] == 1
    # A field the index does not cover reads the document.
    body = ok(db, "User.byLast('Jones').first()!.first")
    assert body["data"] == "Bob" and body["stats"]["read_ops"] == 2


def test_paginate_map_get_same_ref(db):
    """FQL2MetricsSpec "read ops" / "paginate/map/get same ref": the covered `doc` values are read from the
    index (8 partitions); the one document they name is read once."""
    coll = collection(db, indexes="{ idx: { values: [{ field: 'doc' }] } }")
    doc = document(db, coll)
    for _ in range(10):
        ok(db, f"{coll}.create({{ doc: {coll}.byId('{doc}')! }})")
    alone = ok(db, f"{coll}.byId('{doc}')!")["stats"]["read_ops"]
    body = ok(db, f"{coll}.idx().map(.doc).paginate()")
    assert len(body["data"]["data"]) == 11
    compute, reads, writes, read, written = stats(body)
    assert (compute, reads, writes, written) == (1, alone + 8, 0, 0) and read != 0


@pytest.mark.parametrize("fmt", ["simple", "tagged", "decorated"])
def test_order_with_covered_values_on_set_should_only_read_documents_for_page_size(db, fmt):
    """FQL2MetricsSpec "order with covered values on set should only read documents for page size": ordering
    2002 elements by a covered value reads the index alone; only the page's 10 documents are read."""
    ok(
        db,
        "Collection.create({\n  name: 'things',\n  indexes: {\n    by_color__value_asc: {\n"
        "      terms: [{ field: '.color' }],\n      values: [{ field: '.value' }]\n    }\n  }\n})",
    )
    ok(
        db,
        "Set.sequence(0, 1000).forEach(i => things.create({ value: i, color: 'yellow' }))\n"
        "Set.sequence(0, 1000).forEach(i => things.create({ value: i, color: 'purple' }))",
    )
    query = (
        "let b = things.by_color__value_asc('yellow')\nlet a = things.by_color__value_asc('purple')\n"
        "a.concat(b).order(.value).pageSize(10)"
    )
    index_alone = ok(db, query + " { id, color, value }")["stats"]["read_ops"]
    assert ok(db, query, fmt=fmt)["stats"]["read_ops"] == index_alone + 10


def test_reduce_with_set(db):
    """FQL2MetricsSpec "reduce with set": compute for 10,000 index elements (an index call is a compute op
    of its own, as any static function's), and the index's 8 partitions plus its bytes."""
    coll = collection(db, indexes="{ allNumbers: { values: [{ field: 'number' }] } }")
    ok(db, f"Set.sequence(0, 10_000).forEach(x => {coll}.create({{ number: 1 }}))")
    for query, data, compute in (
        (f"{coll}.allNumbers().toArray(); null", None, 201),
        (f"{coll}.allNumbers().fold(0, (acc, d) => acc + d.number)", 10000, 401),
        (f"{coll}.allNumbers().map(d => d.number).reduce((acc, v) => acc + v)", 10000, 601),
        (f"{coll}.allNumbers().count()", 10000, 201),
        (f"Math.sum({coll}.allNumbers().map(.number))", 10000, 201),
        (f"Math.mean({coll}.allNumbers().map(.number))", 1, 201),
    ):
        body = ok(db, query)
        assert body["data"] == data
        assert stats(body)[0] == compute and stats(body)[2] == 0 and stats(body)[4] == 0
        assert_read_ops(8, body)
