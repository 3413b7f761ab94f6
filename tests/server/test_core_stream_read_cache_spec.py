"""Core's FQL2StreamReadCacheSpec (ext/api/src/test/scala/fql2/stream/): what each event of a stream bills
for reading its document. The opening status event bills the replay's read of the source's index (8
read ops for a collection's changes, or an index without terms; 1 for a document or an index with
terms); an event that shows no more of its document than its `id` and the fields its index holds, or
whose document's own source has read it already, reads nothing more; one reading another field (an mva
value's field too: the index holds its elements), or a foreign document, bills one read op.
"""

from __future__ import annotations

import pytest

from .test_core_streams_v10 import doc_id, events, kinds, ok, server, source

__all__ = ["server"]  # the fixture, imported for these tests


def billed(server, stream_query: str, writes: list[str]) -> list[tuple[str, int]]:
    """Each event's type and read ops, the opening status event first, for `writes` made live."""
    token = source(server, stream_query)

    def write():
        for query in writes:
            ok(server, query)

    found = events(server, token, 1 + len(writes), during=write)
    return [(e["type"], e["stats"]["read_ops"]) for e in found]


def test_set_single_do_not_charge_read_ops_on_projections_without_fks(server):
    """"Set.single(..).toStream()" "do not charge read ops on projections without FKs"."""
    ok(server, "Collection.create({ name: 'C' })")
    doc = doc_id(ok(server, "C.create({})"))
    found = billed(server, f"Set.single(C.byId('{doc}')!).toStream()", [f"C.byId('{doc}')!.update({{ foo: 'bar' }})", f"C.byId('{doc}')!.delete()"])
    assert found == [("status", 1), ("update", 0), ("remove", 0)]


def test_set_single_charge_reads_on_projections_with_fks(server):
    """"Set.single(..).toStream()" "charge reads on projections with FKs"."""
    ok(server, "Collection.create({ name: 'C0' })")
    ok(server, "Collection.create({ name: 'C1' })")
    doc0 = doc_id(ok(server, "C0.create({})"))
    doc1 = doc_id(ok(server, "C1.create({})"))
    writes = [f"C1.byId('{doc1}')!.update({{ fk: C0.byId('{doc0}')! }})", f"C1.byId('{doc1}')!.delete()"]
    found = billed(server, f"Set.single(C1.byId('{doc1}')!).toStream() {{ fk {{ data }} }}", writes)
    assert found == [("status", 1), ("update", 1), ("remove", 1)]


WRITES = ["C.create({ id : 1, foo: 42, bar: 'bar' })", "C.byId(1)!.update({ bar: 'baz' })", "C.byId(1)!.delete()"]


@pytest.mark.parametrize(
    "query, reads",
    [("C.all().toStream() { id }", 0), ("C.all().toStream()", 1)],
    ids=["do not charge read ops when projecting id only", "charge read ops when projecting on other fields"],
)
def test_all(server, query, reads):
    """".all().toStream()" "do not charge read ops when projecting id only", "charge read ops when
    projecting on other fields"."""
    ok(server, "Collection.create({ name: 'C' })")
    found = billed(server, query, WRITES)
    assert found == [("status", 8), ("add", reads), ("update", reads), ("remove", reads)]


@pytest.mark.parametrize(
    "query, reads",
    [
        ("C.idx(42).toStream() { id, foo, bar }", 0),
        ("C.idx(42).toStream() { id, foo, baz }", 1),
        ("C.idx(42).toStream()", 1),
    ],
    ids=[
        "do not charge read ops when projecting covered values",
        "a field the index does not cover",
        "charge read ops when projecting other fields",
    ],
)
def test_user_index(server, query, reads):
    """"<user-index>().toStream()" "do not charge read ops when projecting covered values", "charge read ops
    when projecting other fields"."""
    ok(server, "Collection.create({ name: 'C', indexes: { idx: { terms: [{ field: '.foo' }], values: [{ field: '.bar' }] } } })")
    found = billed(server, query, WRITES)
    assert found == [("status", 1), ("add", reads), ("update", reads), ("remove", reads)]


def test_user_index_charge_read_ops_when_projecting_on_mva_indexes(server):
    """"<user-index>().toStream()" "charge read ops when projecting on MVA indexes": an index without terms
    is read as 8 partitions; an mva value is not the field's value, so the document is read."""
    ok(server, "Collection.create({\n  name: 'C',\n  indexes: {\n    idx: {\n      values: [{ field: '.bar', mva: true }]\n    }\n  }\n})")
    writes = ["C.create({ id : 1, bar: [1] })", "C.byId(1)!.update({ bar: [2, 3] })", "C.byId(1)!.delete()"]
    found = billed(server, "C.idx().toStream() { bar }", writes)
    assert kinds([{"type": t} for t, _ in found]) == ["status", "add", "update", "remove"]
    assert found == [("status", 8), ("add", 1), ("update", 1), ("remove", 1)]
