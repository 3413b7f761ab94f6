"""Reading a query's own writes, as core's repo specs have it: ext/repo/src/test/scala/RYOWSpec.scala (a
query's reads, creates, updates and deletes of a few documents behave as if each ran after the last,
"Query evaluation follows sequential semantics"), NewReadSpec.scala ("apply pending writes", "cache
results") and query/StateSpec.scala (a transaction's writes to one document merge into one version;
writes at given times do not).

RYOWSpec's programs are random: here a seeded random program of reads, upserts, deletes and index reads
of four documents runs as one query, v4 and v10, and its results are checked against a model that runs
each step after the last. Not ported: NewReadSpec "work" (storage's paging of its own reads, which a
query sees as pages: tests/test_core_set_specs.py) and "work for health checks" (a cluster's), and
StateSpec's DocRemove (a document's removal, which no query writes).
"""

from __future__ import annotations

import random

import pytest

import fql
from tests.helpers import query_v10

DOCS = 4


class Model:
    """The documents a program leaves, each step applied after the last: id -> its counter `i`."""

    def __init__(self) -> None:
        self.docs: dict[int, int] = {}

    def read(self, id: int) -> int | None:
        return self.docs.get(id)

    def upsert(self, id: int) -> int:
        self.docs[id] = self.docs[id] + 1 if id in self.docs else 0
        return self.docs[id]

    def delete(self, id: int) -> str | None:
        return "deleted" if self.docs.pop(id, None) is not None else None

    def scan(self, ids: type = int) -> list:
        """The index of `i` (covering `i` and the document's id, as `ids`): by `i`, then by document."""
        return [[i, ids(id)] for i, id in sorted((i, id) for id, i in self.docs.items())]


V4 = {
    "read": 'If(Exists({r}), Select(["data", "i"], Get({r})), null)',
    "upsert": (
        'If(Exists({r}), Select(["data", "i"], Update({r}, {{data: {{i: Add(Select(["data", "i"], Get({r})), 1)}}}})),'
        ' Select(["data", "i"], Create({r}, {{data: {{i: 0}}}})))'
    ),
    "delete": 'If(Exists({r}), Do(Delete({r}), "deleted"), null)',
    "scan": 'Select("data", Map(Paginate(Match(Index("by_i"))), Lambda(["i", "r"], [Var("i"), ToNumber(Select("id", Var("r")))])))',
}

V10 = {
    "read": 'C.byId("{id}")?.i',
    "upsert": 'if (C.byId("{id}").exists()) C.byId("{id}")!.update({{ i: C.byId("{id}")!.i + 1 }}).i else C.create({{ id: "{id}", i: 0 }}).i',
    "delete": 'if (C.byId("{id}").exists()) {{ C.byId("{id}")!.delete(); "deleted" }} else null',
    "scan": "C.by_i().map(d => [d.i, d.id]).toArray()",
}


def program(rng: random.Random) -> list[tuple[str, int]]:
    return [(rng.choice(["read", "upsert", "upsert", "delete", "scan"]), rng.randint(1, DOCS)) for _ in range(rng.randint(1, 16))]


def expected(steps: list[tuple[str, int]], model: Model, ids: type = int) -> list:
    return [model.scan(ids) if op == "scan" else getattr(model, op)(id) for op, id in steps]


@pytest.fixture
def db() -> fql.Database:
    db = fql.connect()
    db.query('CreateCollection({name: "C"})')
    db.query('CreateIndex({name: "by_i", source: Collection("C"), values: [{field: ["data", "i"]}, {field: ["ref"]}]})')
    db.query("C.definition.update({ indexes: { by_i: { values: [{ field: '.i' }, { field: 'id' }] } } })", syntax="v10")
    return db


@pytest.mark.parametrize("seed", range(12))
def test_a_v4_query_follows_sequential_semantics(db, seed):
    """RYOWSpec "Query evaluation follows sequential semantics": each step of one query sees the writes
    of the steps before it (its document reads, and the index's entries in their order), and the
    documents it leaves are the model's. Each program starts from the last one's documents."""
    rng = random.Random(seed)
    model = Model()
    for _ in range(3):
        steps = program(rng)
        query = "[" + ", ".join(V4[op].format(r=f'Ref(Collection("C"), "{id}")') for op, id in steps) + "]"
        assert db.query(query) == expected(steps, model)
        assert db.query(V4["scan"]) == model.scan()


@pytest.mark.parametrize("seed", range(12))
def test_a_v10_query_follows_sequential_semantics(db, seed):
    """RYOWSpec "Query evaluation follows sequential semantics", as a v10 block of `let`s."""
    rng = random.Random(seed)
    model = Model()
    for _ in range(3):
        steps = program(rng)
        lets = "\n".join(f"let r{n} = {V10[op].format(id=id)}" for n, (op, id) in enumerate(steps))
        result = ", ".join(f"r{n}" for n in range(len(steps)))
        assert query_v10(db, f"{lets}\n[{result}]", typecheck=False) == expected(steps, model, str)
        assert query_v10(db, V10["scan"], typecheck=False) == model.scan(str)


def _sam(db: fql.Database) -> int:
    return db.query('Select("ts", Create(Ref(Collection("C"), "1"), {data: {name: "sam"}}))')


def test_a_pending_write_to_another_document_leaves_a_read_alone(db):
    """NewReadSpec "apply pending writes": "An irrelevant write doesn't change the result"."""
    _sam(db)
    query = 'Do(Create(Ref(Collection("C"), "2"), {data: {name: "samwise"}}), Select(["data", "name"], Get(Ref(Collection("C"), "1"))))'
    assert db.query(query) == "sam"


def test_a_pending_write_below_the_present_version_leaves_a_read_alone(db):
    """NewReadSpec "apply pending writes": "A relevant pending write may not change the result", a
    version inserted before the document's present one (the read sees the newest)."""
    t1 = _sam(db)
    query = f'Do(Insert(Ref(Collection("C"), "1"), {t1 - 1}, "create", {{data: {{name: "samwise"}}}}), Select(["data", "name"], Get(Ref(Collection("C"), "1"))))'
    assert db.query(query) == "sam"


def test_a_pending_write_of_the_present_changes_a_read(db):
    """NewReadSpec "apply pending writes": "A relevant pending write can change the result"."""
    _sam(db)
    query = 'Do(Update(Ref(Collection("C"), "1"), {data: {name: "samwise"}}), Select(["data", "name"], Get(Ref(Collection("C"), "1"))))'
    assert db.query(query) == "samwise"


def test_a_read_after_a_create_sees_the_created_document(db):
    """NewReadSpec "cache results": "Caching should take into account pending writes as well", a read
    of a missing document, a create of it, and a read again that finds it."""
    ref = 'Ref(Collection("C"), "2")'
    assert db.query(f'[Exists({ref}), Select("id", Select("ref", Create({ref}, {{}}))), Exists({ref})]') == [False, "2", True]


def test_writes_to_one_document_in_a_transaction_are_one_version(db):
    """StateSpec "return merged writes" / "returns merged writes": a create and updates of one document
    in one query merge into one version, a create with the last data."""
    ref = 'Ref(Collection("C"), "1")'
    db.query(f'Do(Create({ref}, {{data: {{name: "x", n: 1}}}}), Update({ref}, {{data: {{name: "y"}}}}), Update({ref}, {{data: {{name: "z"}}}}))')
    events = db.query(f"Paginate(Events({ref}))").data
    assert [(e["action"], e["data"]) for e in events] == [("create", {"name": "z", "n": 1})]


def test_writes_at_given_times_are_versions_of_their_own(db):
    """StateSpec "historical writes do not merge": two Inserts at their own times in one query stay two
    versions (after the collection's creation: a history before its minimum valid time is folded, as
    core's GC rules fold it)."""
    ref = 'Ref(Collection("C"), "1")'
    base = db.query('Select("ts", Get(Collection("C")))')
    db.query(f'Do(Insert({ref}, {base + 1}, "create", {{data: {{name: "a"}}}}), Insert({ref}, {base + 2}, "update", {{data: {{name: "b"}}}}))')
    events = db.query(f"Paginate(Events({ref}))").data
    assert [(e["ts"] - base, e["action"], e["data"]) for e in events] == [(1, "create", {"name": "a"}), (2, "update", {"name": "b"})]


def test_a_document_deleted_in_the_query_is_gone_for_its_later_steps(db):
    """RYOWSpec's delete followed by a read, in one query: the read finds nothing, v4 and v10."""
    ref = 'Ref(Collection("C"), "1")'
    _sam(db)
    assert db.query(f"Do(Delete({ref}), Exists({ref}))") is False
    assert query_v10(db, 'C.create({ id: "2" }); C.byId("2")!.delete(); C.byId("2").exists()') is False
