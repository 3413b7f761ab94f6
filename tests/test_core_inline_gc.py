"""What reads see of a document's history once its collection's minimum valid time (MVT) has passed it.

Core applies its history GC rules as it reads (DocHistory.applyGCRules, SetHistory's select), so its
specs assert the same answers before and after compaction: ext/model/src/test/scala/gc/InlineGCSpec.scala
(the timeline and helpers below), DocHistorySpec, DocSnapshotSpec, SetSnapshotSpec, ZeroHistorySpec and
WriteSpec. Each case runs its queries with the clock at core's snapshot time (`at`), in increasing order,
as core's do. Core's `qassertAt` reruns each query after a GC-aware compaction; fql keeps every version,
so one run shows what both must.

Where core's spec expects `"create"` for an update event it compares with v4's lax action equality
(ActionL("update") equals "create" before API 5); these cases name the action fql and core render.
"""

from __future__ import annotations

import time

import pytest

import fql
from fql.storage import memory

MICROS = 1_000_000
HOUR = 3600 * MICROS
DAY = 24 * HOUR
#: Core's Collection.MVTOffset.
OFFSET = 15 * 60 * MICROS


class Clock:
    """Stands in for the `time` module the in-memory backend takes a transaction's time from."""

    def __init__(self, now: int) -> None:
        self.now = now

    def time_ns(self) -> int:
        return self.now * 1000


class Timeline:
    """InlineGCSpec's setup: `users` (with `history_days`) and its indexes by name and by job, then
    queries run with the clock at a chosen time."""

    def __init__(self, clock: Clock, history_days: int) -> None:
        self.clock = clock
        self.create = (time.time_ns() // 1000) - 10 * DAY
        self.update0 = self.create + DAY
        self.update1 = self.update0 + DAY
        self.delete = self.update1 + DAY
        self.recreate = self.delete + DAY
        self.db = fql.connect()
        self.pending: list[tuple[int, str]] = []
        self.at(self.create - 3 * DAY, f'CreateCollection({{name: "users", history_days: {history_days}}})')
        for name, field in (("users_by_name", "name"), ("users_by_job", "job")):
            self.at(
                self.create - 2 * DAY,
                f'CreateIndex({{name: "{name}", source: Collection("users"), active: true, '
                f'terms: [{{field: ["data", "{field}"]}}]}})',
            )

    def write(self, ts: int, query: str) -> None:
        """Write at `ts`: the write is made when a query first runs at or after it. (Core's spec writes
        the whole timeline first, then reads at earlier snapshots, which do not see the later writes;
        fql's clock only goes forwards, so the writes wait for their time.)"""
        self.pending.append((ts, query))

    def at(self, ts: int, query: str):
        """Run `query` with the clock at `ts`, after the writes due by then. (A transaction's time is
        after the last one's, so a second query at one `ts` runs a microsecond later.)"""
        due = [w for w in self.pending if w[0] <= ts]
        self.pending = [w for w in self.pending if w[0] > ts]
        for when, write in due:
            self.clock.now = when
            self.db.query(write)
        self.clock.now = ts
        return self.db.query(query)

    def simple_history(self) -> str:
        """InlineGCSpec.withSimpleHistory: create, update twice, delete, recreate, a day apart."""
        ref = 'Ref(Collection("users"), "1")'
        self.write(self.create, f'Create({ref}, {{data: {{name: "Bob"}}}})')
        self.write(self.update0, f"Update({ref}, {{data: {{age: 42}}}})")
        self.write(self.update1, f'Update({ref}, {{data: {{name: "Bob L"}}}})')
        self.write(self.delete, f"Delete({ref})")
        self.write(self.recreate, f'Create({ref}, {{data: {{name: "Bob L", age: 42}}}})')
        return ref

    def ttled_history(self) -> str:
        """InlineGCSpec.withSimpleTTLedHistory: a document created to expire at update0."""
        ref = 'Ref(Collection("users"), "2")'
        self.write(self.create, f'Create({ref}, {{data: {{name: "Alice"}}, ttl: {ts(self.update0)}}})')
        return ref


def ts(micros: int) -> str:
    return f'Epoch({micros}, "microseconds")'


def history(ref: str) -> str:
    """InlineGCSpec.userHistory: each event of the document as [action, data]."""
    return (
        f'Map(Select("data", Paginate(Events({ref}))), '
        'Lambda("e", [Select("action", Var("e")), Select("data", Var("e"))]))'
    )


def data(ref: str) -> str:
    """InlineGCSpec.userEqual's read: the document's data, or null where it does not exist."""
    return f'If(Exists({ref}), Select("data", Get({ref})), null)'


def by_name(name: str) -> str:
    """InlineGCSpec.usersByName: the data of each user the index matches, and in reverse."""
    def page(s: str) -> str:
        return f'Select("data", Map(Paginate({s}), Lambda("r", Select("data", Get(Var("r"))))))'

    match = f'Match(Index("users_by_name"), "{name}")'
    return f"[{page(match)}, {page(f'Reverse({match})')}]"


def pairwise(name: str) -> str:
    """InlineGCSpec.pairwiseHistory: each event of the index's set as [action, the user's data then]."""
    return (
        f'Select("data", Map(Paginate(Events(Match(Index("users_by_name"), "{name}"))), Lambda("e", '
        'Let({ts: Select("ts", Var("e")), ref: Select("document", Var("e"))}, '
        '[Select("action", Var("e")), '
        'If(Exists(Var("ref"), Var("ts")), Select("data", Get(Var("ref"), Var("ts")), null), null)]))))'
    )


@pytest.fixture
def clock(monkeypatch) -> Clock:
    fake = Clock(0)
    monkeypatch.setattr(memory, "time", fake)
    return fake


@pytest.fixture
def gc(clock) -> Timeline:
    return Timeline(clock, history_days=1)


@pytest.fixture
def gc0(clock) -> Timeline:
    return Timeline(clock, history_days=0)


BOB, BOB_42, BOB_L_42 = {"name": "Bob"}, {"name": "Bob", "age": 42}, {"name": "Bob L", "age": 42}


def test_document_history_by_snapshot_valid_time_and_mvt(gc):
    """DocHistorySpec "history is correct according to snapshot, valid time, and MVT": versions at or
    before the MVT (a day and 15 minutes before the snapshot) fold into the latest of them, a create
    with its whole data; a deletion there leaves no events."""
    ref = gc.simple_history()
    assert gc.at(gc.create - DAY, history(ref)) == []
    assert gc.at(gc.create, f"At({ts(gc.create - DAY)}, {history(ref)})") == []
    assert gc.at(gc.create, history(ref)) == [["create", BOB]]
    assert gc.at(gc.update0, f"At({ts(gc.create)}, {history(ref)})") == [["create", BOB]]
    assert gc.at(gc.update0, history(ref)) == [["create", BOB], ["update", {"age": 42}]]
    snap = gc.update1 + OFFSET
    assert gc.at(snap, f"At({ts(gc.update0)}, {history(ref)})") == [["create", BOB_42]]
    assert gc.at(snap, history(ref)) == [["create", BOB_42], ["update", {"name": "Bob L"}]]
    snap = gc.delete + OFFSET
    assert gc.at(snap, f"At({ts(gc.update1)}, {history(ref)})") == [["create", BOB_L_42]]
    assert gc.at(snap, history(ref)) == [["create", BOB_L_42], ["delete", None]]
    snap = gc.recreate + OFFSET
    assert gc.at(snap, f"At({ts(gc.delete)}, {history(ref)})") == []
    assert gc.at(snap, history(ref)) == [["create", BOB_L_42]]
    assert gc.at(gc.recreate + DAY, f"At({ts(gc.recreate)}, {history(ref)})") == [["create", BOB_L_42]]
    assert gc.at(gc.recreate + DAY, history(ref)) == [["create", BOB_L_42]]
    assert gc.at(gc.recreate + 2 * DAY, history(ref)) == [["create", BOB_L_42]]


def test_document_history_with_a_pending_update(gc):
    """DocHistorySpec "in the presence of pending writes" "create/update"."""
    ref = gc.simple_history()
    then = f"At({ts(gc.recreate + DAY)}, {history(ref)})"
    query = f'Do(Update({ref}, {{data: {{name: "pending"}}}}), [{history(ref)}, {then}])'
    assert gc.at(gc.recreate + 2 * DAY, query) == [
        [["create", BOB_L_42], ["update", {"name": "pending"}]],
        [["create", BOB_L_42]],
    ]


def test_document_history_with_a_pending_insert(gc):
    """DocHistorySpec "in the presence of pending writes" "insert": a version inserted above the MVT
    sits between the GC root and the next version, whose change is then from it."""
    ref = gc.simple_history()
    when = gc.update1 - HOUR
    query = (
        f'Do(Insert({ref}, {ts(when)}, "create", {{data: {{name: "pending", age: 42}}}}), '
        f"[{history(ref)}, At({ts(when)}, {history(ref)})])"
    )
    assert gc.at(gc.update1 + OFFSET, query) == [
        [["create", BOB_42], ["update", {"name": "pending"}], ["update", {"name": "Bob L"}]],
        [["create", BOB_42], ["update", {"name": "pending"}]],
    ]


def test_document_history_with_a_pending_remove(gc):
    """DocHistorySpec "in the presence of pending writes" "remove": the deletion removed, the GC root
    (update1, below the MVT) is the whole history."""
    ref = gc.simple_history()
    query = f'Do(Remove({ref}, {ts(gc.delete)}, "delete"), [{history(ref)}, At({ts(gc.delete)}, {history(ref)})])'
    assert gc.at(gc.delete + HOUR, query) == [[["create", BOB_L_42]], [["create", BOB_L_42]]]


def test_document_history_of_a_ttled_document(gc):
    """DocHistorySpec "in the presence of TTLed documents": the create stays while its ttl is not
    before the MVT."""
    ref = gc.ttled_history()
    for snap in (gc.create, gc.update0, gc.update1):
        assert gc.at(snap, history(ref)) == [["create", {"name": "Alice"}]]
    # Not in the spec, but DocHistory.rewriteGCEdge's rule: once the MVT passes its ttl, the root goes too.
    assert gc.at(gc.delete, history(ref)) == []


def test_document_snapshots_by_snapshot_valid_time_and_mvt(gc):
    """DocSnapshotSpec "snapshot is correct according to snapshot, valid time, and MVT"."""
    ref = gc.simple_history()
    assert gc.at(gc.create - DAY, f"Exists({ref})") is False
    assert gc.at(gc.create, f"At({ts(gc.create - DAY)}, Exists({ref}))") is False
    assert gc.at(gc.create, data(ref)) == BOB
    assert gc.at(gc.update0, f"At({ts(gc.create)}, {data(ref)})") == BOB
    assert gc.at(gc.update0, data(ref)) == BOB_42
    assert gc.at(gc.update1, f"At({ts(gc.update0)}, {data(ref)})") == BOB_42
    assert gc.at(gc.update1, data(ref)) == BOB_L_42
    assert gc.at(gc.delete, f"At({ts(gc.update1)}, {data(ref)})") == BOB_L_42
    assert gc.at(gc.delete, f"Exists({ref})") is False
    assert gc.at(gc.recreate, f"At({ts(gc.delete)}, Exists({ref}))") is False
    assert gc.at(gc.recreate, data(ref)) == BOB_L_42
    assert gc.at(gc.recreate + DAY, f"At({ts(gc.recreate)}, {data(ref)})") == BOB_L_42
    assert gc.at(gc.recreate + DAY, data(ref)) == BOB_L_42
    assert gc.at(gc.recreate + 2 * DAY, data(ref)) == BOB_L_42


def test_document_snapshots_with_pending_writes(gc):
    """DocSnapshotSpec "in the presence of pending writes": update, insert and remove."""
    ref = gc.simple_history()
    query = f'Do(Remove({ref}, {ts(gc.delete)}, "delete"), [{data(ref)}, At({ts(gc.delete)}, {data(ref)})])'
    assert gc.at(gc.delete + HOUR, query) == [BOB_L_42, BOB_L_42]
    gc = Timeline(gc.clock, history_days=1)
    ref = gc.simple_history()
    when = gc.update1 - HOUR
    query = (
        f'Do(Insert({ref}, {ts(when)}, "create", {{data: {{name: "pending"}}}}), '
        f"[{data(ref)}, At({ts(gc.update1 - MICROS)}, {data(ref)})])"
    )
    assert gc.at(gc.update1, query) == [BOB_L_42, {"name": "pending"}]
    query = f'Do(Update({ref}, {{data: {{name: "pending"}}}}), {data(ref)})'
    assert gc.at(gc.recreate + 2 * DAY, query) == {"name": "pending", "age": 42}


def test_document_snapshots_of_a_ttled_document(gc):
    """DocSnapshotSpec "in the presence of TTLed documents"."""
    ref = gc.ttled_history()
    assert gc.at(gc.create, f"Exists({ref})") is True
    for snap in (gc.update0, gc.update1, gc.delete):
        assert gc.at(snap, f"Exists({ref})") is False


def test_zero_history_documents(gc0):
    """ZeroHistorySpec "Document" "history is correct": with `history_days: 0` the MVT is 15 minutes
    before the snapshot."""
    ref = gc0.simple_history()
    assert gc0.at(gc0.update0, history(ref)) == [["create", BOB], ["update", {"age": 42}]]
    assert gc0.at(gc0.update0 + OFFSET, history(ref)) == [["create", BOB_42]]
    assert gc0.at(gc0.delete, history(ref)) == [["create", BOB_L_42], ["delete", None]]
    assert gc0.at(gc0.delete + OFFSET, history(ref)) == []


def test_zero_history_index(gc0):
    """ZeroHistorySpec "Index" "history is correct": set history is truncated before the MVT."""
    gc0.simple_history()
    assert gc0.at(gc0.create, pairwise("Bob")) == [["add", BOB]]
    assert gc0.at(gc0.create + OFFSET + MICROS, pairwise("Bob")) == []


def test_index_snapshots_by_snapshot_valid_time_and_mvt(gc):
    """SetSnapshotSpec "snapshot is correct according to snapshot, valid time, and MVT"."""
    gc.simple_history()

    def users(*found):
        return [list(found), list(reversed(found))]

    assert gc.at(gc.create - DAY, by_name("Bob")) == users()
    assert gc.at(gc.create, f'At({ts(gc.create - DAY)}, {by_name("Bob")})') == users()
    assert gc.at(gc.create, by_name("Bob")) == users(BOB)
    assert gc.at(gc.update0, f'At({ts(gc.create)}, {by_name("Bob")})') == users(BOB)
    assert gc.at(gc.update0, by_name("Bob")) == users(BOB_42)
    assert gc.at(gc.update1, f'At({ts(gc.update0)}, {by_name("Bob")})') == users(BOB_42)
    assert gc.at(gc.update1, by_name("Bob")) == users()
    assert gc.at(gc.update1, by_name("Bob L")) == users(BOB_L_42)
    assert gc.at(gc.delete, f'At({ts(gc.update1)}, {by_name("Bob L")})') == users(BOB_L_42)
    assert gc.at(gc.delete, by_name("Bob L")) == users()
    assert gc.at(gc.recreate, f'At({ts(gc.delete)}, {by_name("Bob L")})') == users()
    assert gc.at(gc.recreate, by_name("Bob L")) == users(BOB_L_42)
    assert gc.at(gc.recreate + DAY, f'At({ts(gc.recreate)}, {by_name("Bob L")})') == users(BOB_L_42)
    assert gc.at(gc.recreate + DAY, by_name("Bob L")) == users(BOB_L_42)
    assert gc.at(gc.recreate + 2 * DAY, by_name("Bob L")) == users(BOB_L_42)


def test_index_snapshots_with_pending_writes(gc):
    """SetSnapshotSpec "in the presence of pending writes": update, insert and remove."""
    ref = gc.simple_history()
    then = f'At({ts(gc.delete)}, {by_name("Bob L")})'
    query = f'Do(Remove({ref}, {ts(gc.delete)}, "delete"), [{by_name("Bob L")}, {then}])'
    assert gc.at(gc.delete + HOUR, query) == [[[BOB_L_42], [BOB_L_42]]] * 2
    gc = Timeline(gc.clock, history_days=1)
    ref = gc.simple_history()
    query = (
        f'Do(Insert({ref}, {ts(gc.update1 - HOUR)}, "create", {{data: {{name: "pending"}}}}), '
        f'[{by_name("Bob L")}, At({ts(gc.update1 - MICROS)}, {by_name("pending")})])'
    )
    assert gc.at(gc.update1, query) == [[[BOB_L_42], [BOB_L_42]], [[{"name": "pending"}], [{"name": "pending"}]]]
    query = f'Do(Update({ref}, {{data: {{name: "pending"}}}}), [{by_name("Bob L")}, {by_name("pending")}])'
    pending = {"name": "pending", "age": 42}
    assert gc.at(gc.recreate + 2 * DAY, query) == [[[], []], [[pending], [pending]]]


def test_index_snapshots_of_ttled_documents(gc):
    """SetSnapshotSpec "in the presence of TTLed documents", "when updating TTLs" and "when updating +
    deleting TTLed docs"."""
    ref = gc.ttled_history()
    alice = [[{"name": "Alice"}], [{"name": "Alice"}]]
    assert gc.at(gc.create, by_name("Alice")) == alice
    for snap in (gc.update0, gc.update1, gc.delete):
        assert gc.at(snap, by_name("Alice")) == [[], []]

    gc = Timeline(gc.clock, history_days=1)
    ref = gc.ttled_history()
    gc.write(gc.update0 - HOUR, f"Update({ref}, {{ttl: {ts(gc.update1)}}})")
    gc.write(gc.update1 - HOUR, f"Update({ref}, {{ttl: {ts(gc.update1 + DAY)}}})")
    assert gc.at(gc.create - DAY, by_name("Alice")) == [[], []]
    for snap in (gc.create, gc.update0 - HOUR, gc.update0, gc.update1 - HOUR, gc.update1):
        assert gc.at(snap, by_name("Alice")) == alice
    for snap in (gc.update1 + DAY, gc.update1 + 3 * DAY):
        assert gc.at(snap, by_name("Alice")) == [[], []]

    gc = Timeline(gc.clock, history_days=1)
    ref = gc.ttled_history()
    gc.write(gc.update0 - HOUR, f"Do(Update({ref}, {{ttl: {ts(gc.update0 + 2 * DAY)}}}), Delete({ref}))")
    assert gc.at(gc.create - DAY, by_name("Alice")) == [[], []]
    assert gc.at(gc.create, by_name("Alice")) == alice
    for snap in (gc.update0, gc.update0 + DAY, gc.update0 + 3 * DAY):
        assert gc.at(snap, by_name("Alice")) == [[], []]


def test_index_snapshots_of_set_operations(gc):
    """SetSnapshotSpec "when performing complex set operations"."""
    for name, job in (("Sarah", "cook"), ("Sarah", "chef"), ("Tom", "cook"), ("Tom", "chef")):
        gc.write(gc.create, f'Create(Collection("users"), {{data: {{name: "{name}", job: "{job}"}}}})')
    tom_cook = (
        'Select(0, Select("data", Paginate(Intersection(Match(Index("users_by_name"), "Tom"), '
        'Match(Index("users_by_job"), "cook")))))'
    )
    gc.write(gc.delete, f"Delete({tom_cook})")

    def counts():
        return (
            '[Count(Intersection(Match(Index("users_by_name"), "Sarah"), Match(Index("users_by_job"), "cook"))), '
            'Count(Difference(Match(Index("users_by_name"), "Tom"), Match(Index("users_by_job"), "chef")))]'
        )

    assert gc.at(gc.create + 1, counts()) == [1, 1]
    for snap in (gc.delete + 1, gc.recreate, gc.recreate + DAY):
        assert gc.at(snap, counts()) == [1, 0]


class Custom(Timeline):
    """WriteSpec.withCustomHistory: create, then two updates a day apart, the first update (update0)
    at the MVT of a snapshot at now."""

    def custom_history(self) -> str:
        now = time.time_ns() // 1000
        self.create = now - 2 * DAY - OFFSET
        self.update0 = self.create + DAY
        self.update1 = self.update0 + DAY
        ref = 'Ref(Collection("users"), "3")'
        self.write(self.create, f'Create({ref}, {{data: {{name: "Bob"}}}})')
        self.write(self.update0, f"Update({ref}, {{data: {{age: 42}}}})")
        self.write(self.update1, f'Update({ref}, {{data: {{name: "Bob L"}}}})')
        return ref


@pytest.fixture
def custom(clock) -> Custom:
    return Custom(clock, history_days=1)


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        (
            "above",
            [["create", BOB_42], ["update", {"name": "INSERT", "age": 24}], ["update", {"name": "Bob L", "age": 42}]],
        ),
        ("at", [["create", {"name": "INSERT", "age": 24}], ["update", {"name": "Bob L", "age": 42}]]),
        ("below", [["create", BOB_42], ["update", {"name": "Bob L"}]]),
    ],
)
def test_insert_around_the_mvt(custom, where, expected):
    """WriteSpec "Insert" "above MVT", "at MVT" and "below MVT"."""
    ref = custom.custom_history()
    when = {"above": custom.update1 - HOUR, "at": custom.update0, "below": custom.create}[where]
    now = custom.update0 + DAY + OFFSET
    custom.at(now, f'Insert({ref}, {ts(when)}, "create", {{data: {{name: "INSERT", age: 24}}}})')
    assert custom.at(now + 1, history(ref)) == expected


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ("above", [["create", BOB_42]]),
        ("at", [["create", BOB_L_42]]),
        ("below", [["create", BOB_42], ["update", {"name": "Bob L"}]]),
    ],
)
def test_remove_around_the_mvt(custom, where, expected):
    """WriteSpec "Remove" "above MVT", "at MVT" (the GC root becomes a deletion, so the next version is
    the first event, a create) and "below MVT"."""
    ref = custom.custom_history()
    when = {"above": custom.update1, "at": custom.update0, "below": custom.create}[where]
    now = custom.update0 + DAY + OFFSET
    custom.at(now, f'Remove({ref}, {ts(when)}, "create")')
    assert custom.at(now + 1, history(ref)) == expected


def test_index_history_by_snapshot_valid_time_and_mvt(gc):
    """gc/SetHistorySpec "history is correct according to snapshot, valid time, and MVT": a set's events
    at or before the MVT are gone, but for an add at it (SetHistory)."""
    gc.simple_history()
    assert gc.at(gc.create - DAY, pairwise("Bob")) == []
    assert gc.at(gc.create, f'At({ts(gc.create - DAY)}, {pairwise("Bob")})') == []
    assert gc.at(gc.create, pairwise("Bob")) == [["add", BOB]]
    assert gc.at(gc.update0, f'At({ts(gc.create)}, {pairwise("Bob")})') == [["add", BOB]]
    assert gc.at(gc.update0, pairwise("Bob")) == [["add", BOB]]
    assert gc.at(gc.update1, f'At({ts(gc.update0)}, {pairwise("Bob")})') == []
    assert gc.at(gc.update1, pairwise("Bob")) == [["remove", BOB_L_42]]
    assert gc.at(gc.update1, pairwise("Bob L")) == [["add", BOB_L_42]]
    assert gc.at(gc.delete, f'At({ts(gc.update1)}, {pairwise("Bob L")})') == [["add", BOB_L_42]]
    # One query: the add of "Bob L" is at the MVT, which a later query (a microsecond on) would pass.
    query = f'[At({ts(gc.update1)}, {pairwise("Bob")}), {pairwise("Bob L")}, {pairwise("Bob")}]'
    assert gc.at(gc.delete + OFFSET, query) == [[], [["add", BOB_L_42], ["remove", None]], []]
    snap = gc.recreate + OFFSET
    assert gc.at(snap, f'At({ts(gc.delete)}, {pairwise("Bob L")})') == []
    assert gc.at(snap, pairwise("Bob L")) == [["add", BOB_L_42]]
    assert gc.at(gc.recreate + DAY, f'At({ts(gc.recreate)}, {pairwise("Bob L")})') == [["add", BOB_L_42]]
    assert gc.at(gc.recreate + DAY, pairwise("Bob L")) == [["add", BOB_L_42]]
    assert gc.at(gc.recreate + 2 * DAY, pairwise("Bob L")) == []


def test_index_history_with_pending_writes(gc):
    """gc/SetHistorySpec "in the presence of pending writes": update, insert and remove."""
    ref = gc.simple_history()
    pending = {"name": "pending", "age": 42}
    query = (
        f'Do(Update({ref}, {{data: {{name: "pending"}}}}), [{pairwise("Bob L")}, {pairwise("pending")}, '
        f'At({ts(gc.recreate)}, {pairwise("Bob L")}), At({ts(gc.recreate)}, {pairwise("pending")})])'
    )
    assert gc.at(gc.recreate + 2 * DAY, query) == [[["remove", pending]], [["add", pending]], [], []]
    gc = Timeline(gc.clock, history_days=1)
    ref = gc.simple_history()
    when = gc.update1 - HOUR
    query = (
        f'Do(Insert({ref}, {ts(when)}, "create", {{data: {{name: "pending", age: 42}}}}), '
        f'[{pairwise("Bob L")}, {pairwise("pending")}, '
        f'At({ts(when)}, {pairwise("Bob L")}), At({ts(when)}, {pairwise("pending")})])'
    )
    assert gc.at(gc.update1, query) == [
        [["add", BOB_L_42]],
        [["add", pending], ["remove", BOB_L_42]],
        [],
        [["add", pending]],
    ]
    gc = Timeline(gc.clock, history_days=1)
    ref = gc.simple_history()
    query = (
        f'Do(Remove({ref}, {ts(gc.delete)}, "delete"), '
        f'[{pairwise("Bob L")}, At({ts(gc.delete)}, {pairwise("Bob L")})])'
    )
    assert gc.at(gc.delete + HOUR, query) == [[], []]


def test_index_history_of_a_ttled_document(gc):
    """gc/SetHistorySpec "in the presence of TTLed documents": the add stays until the MVT passes it
    (a ttl makes no remove)."""
    gc.ttled_history()
    count = 'Count(Events(Match(Index("users_by_name"), "Alice")))'
    assert gc.at(gc.create, pairwise("Alice")) == [["add", {"name": "Alice"}]]
    assert gc.at(gc.update0, count) == 1
    assert gc.at(gc.update1, count) == 0
    assert gc.at(gc.delete, count) == 0


def test_index_history_of_set_operations(gc):
    """gc/SetHistorySpec "when performing complex set operations": an Intersection or Difference reads
    its sets' sorted values (EventsFilter.mergeSources), where an element's latest event at or before
    the MVT stays if it is an add (SetSortedValues.applyGCRules), so its events outlive the MVT."""
    for name, job in (("Sarah", "cook"), ("Sarah", "chef"), ("Tom", "cook"), ("Tom", "chef")):
        gc.write(gc.create, f'Create(Collection("users"), {{data: {{name: "{name}", job: "{job}"}}}})')
    tom_cook = (
        'Select(0, Select("data", Paginate(Intersection(Match(Index("users_by_name"), "Tom"), '
        'Match(Index("users_by_job"), "cook")))))'
    )
    gc.write(gc.delete, f"Delete({tom_cook})")
    counts = (
        '[Count(Events(Intersection(Match(Index("users_by_name"), "Sarah"), Match(Index("users_by_job"), "cook")))), '
        'Count(Events(Difference(Match(Index("users_by_name"), "Tom"), Match(Index("users_by_job"), "chef"))))]'
    )
    assert gc.at(gc.create + 1, counts) == [1, 3]
    assert gc.at(gc.delete + 1, counts) == [1, 4]
    assert gc.at(gc.recreate, counts) == [1, 4]
    assert gc.at(gc.recreate + DAY, counts) == [1, 2]


def test_join_history_reads_its_source_as_sorted_values(gc):
    """Core's JoinSet.history reads its source through EventsFilter.mergeSources (sorted values), so an
    element that entered the source before the MVT is still in it, and the target's later events show."""
    gc.write(gc.create, 'Create(Collection("users"), {data: {name: "Ann", job: "cook"}})')
    gc.write(gc.update1, 'Create(Collection("users"), {data: {name: "Bob"}})')
    join = (
        'Paginate(Events(Join(Match(Index("users_by_job"), "cook"), '
        'Lambda("r", Match(Index("users_by_name"), "Bob")))))'
    )
    assert [e["action"] for e in gc.at(gc.update1 + HOUR, join).data] == ["add"]


def test_index_history_of_ttl_updates(gc):
    """SetSnapshotSpec "when updating TTLs" draws each ttl update as an ADD+RM in the index: core's
    Indexer.rows diffs entries with their ttl, so a new ttl removes the entry and adds it again at that
    time (removes first, as an index lists them). The events at or before the MVT are gone."""
    ref = gc.ttled_history()
    gc.write(gc.update0 - HOUR, f"Update({ref}, {{ttl: {ts(gc.update1)}}})")
    gc.write(gc.update1 - HOUR, f"Update({ref}, {{ttl: {ts(gc.update1 + DAY)}}})")
    alice = {"name": "Alice"}
    assert gc.at(gc.update1 - HOUR + 1, pairwise("Alice")) == [
        ["remove", alice], ["add", alice], ["remove", alice], ["add", alice]
    ]
    docs = 'Paginate(Events(Documents(Collection("users"))))'
    assert [e["action"] for e in gc.at(gc.update1, docs).data] == ["remove", "add"]
