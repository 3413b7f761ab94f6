"""Port of core's QA driver flow qa/DriverTestGenerators/StreamingWithDriver (js): a collection with a
computed `messageMod10` and an index of it, three streams on it (all documents, changes of `message`, the
index filtered to `messageMod10 > 4`) and the CRUD loop of run-queries.js (a create every so often, updates
of the last document's `message` between); run-streams.js fails on any event whose data has no
`message`."""

from __future__ import annotations

import threading

import pytest

import fql
from fql.server import ServerThread
from fql.server.streams import StreamSettings

from tests.core_qa import SCALE

fauna = pytest.importorskip("fauna")
from fauna import fql as q  # noqa: E402
from fauna.client import Client, StreamOptions  # noqa: E402

COLL = "StreamCollection"

#: setup.js's createCollection, with the collection name as its argument.
CREATE = """
if (!Collection.byName(${name}).exists()) {
  Collection.create({
    name: ${name},
    computed_fields: {
      messageMod10: { body: "x => {
        if (x.message != null)
          x.message % 10
        else
          null
        }"
      }
    },
    indexes: {
      idx_messageMod10: {
        terms: [],
        values: [
          { field: "messageMod10", order: "asc" }
        ]
      }
    }
  })
}"""

#: index.js's three streams.
STREAMS = {
    "BasicCollectionStream": "Collection(${name}).all().toStream()",
    "ChangesOnFieldStream": "Collection(${name}).all().changesOn(.message)",
    "IndexFilteredFieldStream": "Collection(${name}).idx_messageMod10().where(x => x.messageMod10 > 4).toStream()",
}


@pytest.fixture
def client():
    settings = StreamSettings(poll_interval=0.02, max_duration=120.0)
    with ServerThread(fql.connect(), streams=settings) as running:
        yield Client(endpoint=running.url, secret="secret", max_attempts=1)


def take(client: Client, source, n: int) -> list[dict]:
    out = []
    with client.stream(source, StreamOptions()) as stream:
        for event in stream:
            out.append(event)
            if len(out) == n:
                break
    return out


def expected_filtered(writes: int, every: int) -> list[tuple[str, int]]:
    """The filtered index's events: a document enters at 5 (or when created at 5..9), is updated on to 9,
    and leaves at the 0 after it, showing itself as it was (the last document may stay in)."""
    out = []
    for i in range(writes):
        mod, before = i % 10, ((i - 1) % 10 if i % every else None)
        if mod > 4:
            out.append(("update" if before is not None and before > 4 else "add", i))
        elif before is not None and before > 4:
            out.append(("remove", i - 1))
    return out


def test_streaming_with_driver(client):
    client.query(q(CREATE, name=COLL))
    client.query(q(CREATE, name=COLL))  # the retry finds the collection there
    every, writes = 20, 60 * SCALE
    counts = {"BasicCollectionStream": writes, "ChangesOnFieldStream": writes,
              "IndexFilteredFieldStream": len(expected_filtered(writes, every))}
    # The streams are live while the writes run, as index.js's are (a replay is capped at 128 events).
    sources = {name: client.query(q(text, name=COLL)).data for name, text in STREAMS.items()}
    got: dict[str, list] = {}
    readers = [threading.Thread(target=lambda n=name: got.__setitem__(n, take(client, sources[n], counts[n])))
               for name in STREAMS]
    for reader in readers:
        reader.start()
    last_id = None
    for i in range(writes):
        if i % every == 0:
            last_id = client.query(q("Collection(${name}).create({ message: ${i} })", name=COLL, i=i)).data.id
        else:
            client.query(q("Collection(${name}).byId(${id})!.update({ message: ${i} })", name=COLL, id=last_id, i=i))
    for reader in readers:
        reader.join(timeout=60)
    for name in ("BasicCollectionStream", "ChangesOnFieldStream"):
        assert [e["type"] for e in got[name]] == ["add" if i % every == 0 else "update" for i in range(writes)]
        assert [e["data"]["message"] for e in got[name]] == list(range(writes))
    filtered = got["IndexFilteredFieldStream"]
    assert [(e["type"], e["data"]["message"]) for e in filtered] == expected_filtered(writes, every)
