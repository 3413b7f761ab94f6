"""UUID values: v4's `{"@uuid": "..."}` escape (core's Parser `@uuid`, UUIDL/UUIDV), on every backend, and
as v10 reads them (core's Value.UUID: tagged `@uuid`, `UUID("...")` in dbg, its text in toString, rank 10
in the total order, compared as java.util.UUID compares)."""

from __future__ import annotations

import json

import pytest

import fql
from fql.server import v10 as server
from fql.values import UUID
from fql.wire import v4, v10
from tests.storage.backends import BACKENDS, database_url

TEXT = "123e4567-e89b-12d3-a456-426614174000"


def run4(db, query):
    """A v4 wire query's answer as wire JSON, or its error as (code, description, position)."""
    try:
        return v4.to_json(db.run(v4.from_json(query)))
    except fql.FQLError as err:
        return (err.code, err.description, list(err.position))


def uuid(text: str) -> dict:
    return {"@uuid": text}


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        (TEXT, TEXT),
        (TEXT.upper(), TEXT),
        # java.util.UUID.fromString is lenient: short groups are padded, long ones cut to their width.
        ("1-2-3-4-5", "00000001-0002-0003-0004-000000000005"),
        ("123456789-1-1-1-1", "23456789-0001-0001-0001-000000000001"),
    ],
)
def test_uuid_text_reads_as_java_reads_it(text, canonical):
    assert run4(fql.connect(), uuid(text)) == uuid(canonical)


@pytest.mark.parametrize("body", ["", "x", "1-2-3-4", "1-2-3-4-5-6", "g-2-3-4-5", TEXT + "0", 1, None, [TEXT]])
def test_an_invalid_uuid_is_an_invalid_expression(body):
    assert run4(fql.connect(), {"is_uuid": uuid(body)}) == ("invalid expression", "Invalid UUID.", ["is_uuid"])


def test_uuid_functions():
    db = fql.connect()
    assert run4(db, {"is_uuid": uuid(TEXT)}) is True
    assert run4(db, {"is_uuid": TEXT}) is False
    assert run4(db, {"is_bytes": uuid(TEXT)}) is False
    assert run4(db, {"to_string": uuid("1-2-3-4-5")}) == "00000001-0002-0003-0004-000000000005"
    assert run4(db, {"equals": [uuid(TEXT), uuid(TEXT.upper())]}) is True
    assert run4(db, {"equals": [uuid(TEXT), TEXT]}) is False
    assert run4(db, {"add": [uuid(TEXT), 1]}) == ("invalid argument", "Number expected, UUID provided.", ["add", 0])


@pytest.mark.parametrize("backend", BACKENDS)
def test_uuids_are_stored_and_indexed_on_every_backend(backend, tmp_path):
    with database_url(backend, tmp_path) as url:
        db = fql.connect(url)
        try:
            run4(db, {"create_collection": {"object": {"name": "c"}}})
            index = {"name": "i", "source": {"collection": "c"}, "values": [{"object": {"field": ["data", "u"]}}]}
            run4(db, {"create_index": {"object": index}})
            for i, value in enumerate([uuid("ffffffff-0-0-0-0"), uuid("1-2-3-4-5"), True, {"@date": "2020-01-01"}, 7]):
                doc = {"create": {"ref": {"collection": "c"}, "id": str(i)}, "params": {"object": {"data": {"object": {"u": value}}}}}
                run4(db, doc)
            got = run4(db, {"select": ["data", "u"], "from": {"get": {"ref": {"collection": "c"}, "id": "1"}}})
            assert got == uuid("00000001-0002-0003-0004-000000000005")
            # Index order is core's CBOR order: the UUID tag (37) after dates, then booleans; UUIDs by
            # their bytes, unsigned.
            page = run4(db, {"paginate": {"match": {"index": "i"}}})
            assert page["data"] == [
                7,
                {"@date": "2020-01-01"},
                uuid("00000001-0002-0003-0004-000000000005"),
                uuid("ffffffff-0000-0000-0000-000000000000"),
                True,
            ]
        finally:
            db.close()


@pytest.fixture
def db10():
    db = fql.connect()
    run4(db, {"create_collection": {"object": {"name": "C"}}})
    for i, text in enumerate(["ffffffff-0-0-0-0", "1-2-3-4-5", "1-2-3-4-6"]):
        doc = {"create": {"ref": {"collection": "C"}, "id": str(i)}, "params": {"object": {"data": {"object": {"u": uuid(text)}}}}}
        run4(db, doc)
    return db


def test_v10_reads_a_uuid(db10):
    value = db10.query('C.byId("1")!.u', syntax="v10")
    assert value == UUID.parse("1-2-3-4-5")
    assert v10.to_tagged(value) == uuid("00000001-0002-0003-0004-000000000005")
    assert v10.to_simple(value) == "00000001-0002-0003-0004-000000000005"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ('C.byId("1")!.u isa UUID', True),
        ('C.byId("1")!.u.toString()', "00000001-0002-0003-0004-000000000005"),
        ('"#{C.byId("1")!.u}"', "00000001-0002-0003-0004-000000000005"),
        ('dbg(C.byId("1")!.u).toString() == C.byId("1")!.u.toString()', True),
        ('C.byId("1")!.u == C.byId("1")!.u', True),
        ('C.byId("1")!.u == C.byId("2")!.u', False),
        # java.util.UUID compares its halves as signed longs: ffffffff-... is negative, so first.
        ('C.byId("0")!.u < C.byId("1")!.u', True),
        ('C.byId("1")!.u < C.byId("2")!.u', True),
        ('C.byId("1")!.u < 1', False),
        ('C.all().map(.u).order().toArray().map(.toString()).map(s => s.slice(0, 8))', ["ffffffff", "00000001", "00000001"]),
        # In the total order of types a UUID comes after dates and before booleans.
        ('[true, C.byId("1")!.u, Date("2020-01-01"), 1].order().map(v => v isa UUID)', [False, False, True, False]),
        ('C.create({ u: C.byId("1")!.u }).u == C.byId("1")!.u', True),
    ],
)
def test_v10_uuid_behaviour(db10, query, expected):
    assert db10.query(query, syntax="v10") == expected


def test_v10_over_the_wire(db10):
    """Tagged `@uuid`, the simple format's text, and `UUID("...")` in dbg's summary line."""
    def answer(fmt):
        response = server.query(db10, {"query": 'dbg(C.byId("1")!.u)'}, "secret", {"x-format": fmt}, 0)
        return json.loads(response.body)

    tagged, simple = answer("tagged"), answer("simple")
    assert tagged["data"] == uuid("00000001-0002-0003-0004-000000000005")
    assert simple["data"] == "00000001-0002-0003-0004-000000000005"
    assert 'UUID("00000001-0002-0003-0004-000000000005")' in simple["summary"]
