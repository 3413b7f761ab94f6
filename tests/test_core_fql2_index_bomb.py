"""Core's ext/model/src/test/scala/fql2/FQL2IndexBombSpec.scala: a document whose index entries would be
larger than a transaction (core's transaction_max_size_bytes, 16 MiB, by Indexer's lower-bound estimate)
is refused before its entries are made, whether the index is there before the document or built over it.
Core's API answers the VersionIndexEntriesTooLargeException as a protocol error (ExceptionResponseHelpers):
400 `invalid_request` with its message alone. The message names core's internal ids of the document,
database and index, which fql has not; fql names its own, so only the rest of it is compared.

Left out: 'is defused when an index is async built over it' (core builds an index over more than 128
documents in a background task; fql builds every index in the transaction that defines it, README)."""

from __future__ import annotations

import pytest

import fql
from fql.errors import IndexEntriesTooLarge
from fql.server import v10
from fql.server.protocol import ProtocolError
from tests.helpers import QueryEndpoint

SECRET = "secret"

TERMS = "[" + ",".join(f"'{i} tttttttt'" for i in range(1, 101)) + "]"
VALUES = "[" + ",".join(f"'{i} vvvvvvvv'" for i in range(1, 101)) + "]"
BOMB = f"{{ f1: {TERMS}, f2: {VALUES}, f3: {VALUES} }}"
INDEX = 'byF1: { terms: [{ field: ".f1", mva: true }], values: [{ field: ".f2", mva: true }, { field: ".f3", mva: true }] }'
#: Core's estimate for the bomb: each of the 3 positions' 100 strings (1 + its length bytes each, 1,192 in
#: all) times the 100 * 100 combinations of the other two positions.
SIZE = 3 * 1192 * 100 * 100


@pytest.fixture
def db() -> fql.Database:
    return fql.connect(root_secret=SECRET)


ok = QueryEndpoint(SECRET).ok


def refused(db: fql.Database, query: str) -> dict:
    """The protocol error core answers an index bomb with: 400 and the error alone."""
    with pytest.raises(ProtocolError) as caught:
        v10.query(db, {"query": query}, SECRET, {}, 0)
    assert caught.value.status == 400
    body = caught.value.v10_body()
    assert list(body) == ["error"] and body["error"]["code"] == "invalid_request"
    message = body["error"]["message"]
    assert message.startswith("Index entries for doc ")
    assert message.endswith(f" have estimated byte size {SIZE} that exceeds limit 16777216")
    return body


def test_is_defused_when_inserted_into_an_existing_index(db):
    # FQL2IndexBombSpec 'an index bomb' / 'is defused when inserted into an existing index'.
    ok(db, f'Collection.create({{ name: "Foo", indexes: {{ {INDEX} }} }})')
    refused(db, f"Foo.create({BOMB})")
    assert ok(db, "Foo.all().count()") == 0


def test_is_defused_when_an_index_is_sync_built_over_it(db):
    # FQL2IndexBombSpec 'an index bomb' / 'is defused when an index is sync built over it'.
    ok(db, "Collection.create({ name: 'Foo' })")
    ok(db, f"Foo.create({BOMB})")
    refused(db, f"Foo.definition.update({{ indexes: {{ {INDEX} }} }})")
    assert ok(db, "Foo.definition.indexes") == {}


def test_an_embedded_query_raises_the_error(db):
    # The same refusal through fql.connect().query: core's VersionIndexEntriesTooLargeException.
    db.query(f'Collection.create({{ name: "Foo", indexes: {{ {INDEX} }} }})', syntax="v10")
    with pytest.raises(IndexEntriesTooLarge):
        db.query(f"Foo.create({BOMB})", syntax="v10")
