"""The fauna driver (FQL v10) against `fql serve`: `at (time) { ... }` over the wire."""

from __future__ import annotations

import pytest

fauna = pytest.importorskip("fauna")
from fauna import fql as q  # noqa: E402
from fauna.client import Client  # noqa: E402
from fauna.errors import QueryCheckError, QueryRuntimeError  # noqa: E402
from fauna.query.models import Document, NullDocument  # noqa: E402


@pytest.fixture
def client(server) -> Client:
    c = Client(endpoint=f"http://127.0.0.1:{server.port}", secret="secret", max_attempts=1)
    c.query(q('Collection.create({ name: "Notes" })'))
    return c


def test_past_documents_and_errors_over_the_wire(client):
    earlier = client.query(q("Time.now()")).data
    made = client.query(q('Notes.create({ id: "1", text: "a" })')).data
    client.query(q('Notes.byId("1")!.update({ text: "b" })'))
    past = client.query(q('at (${t}) { Notes.byId("1") }', t=made.ts)).data
    assert isinstance(past, Document) and (past["text"], past.ts) == ("a", made.ts)
    before = client.query(q('at (${t}) { Notes.byId("1") }', t=earlier)).data
    assert isinstance(before, NullDocument) and before.cause == "not found"
    with pytest.raises(QueryRuntimeError) as write:
        client.query(q('at (${t}) { Notes.byId("1")!.delete() }', t=made.ts))
    assert (write.value.code, write.value.message) == ("invalid_write", "Cannot write at a snapshot time in the past.")
    with pytest.raises(QueryCheckError) as check:
        client.query(q("at (0) 1"))
    assert "Type `Int` is not a subtype of `TransactionTime | Time`" in check.value.summary
    assert client.query(q('Notes.byId("1")!.text')).data == "b"
