"""Reads before a collection's minimum valid time (MVT) are refused, as core's read path refuses them.

Core: a document snapshot read (DocSnapshot) or a set snapshot read (SetSnapshot) at a valid time below
the MVT of its collection(s) throws ReadValidTimeBelowMVT, which its ExceptionResponseHelpers answers as
a bad request (v4 `bad request`, v10 `invalid_request`, HTTP 400): `Requested timestamp <ts> less than
minimum allowed timestamp <mvt>.` The MVT is Collection.deriveMinValidTime: `history_days` before now, but
never before the floor the definition's writes left (CollectionWriteConfig.updateMVT), less 15 minutes
(Collection.MVTOffset). Ported: FQL2BasicSpec "returns a 400 when reading before MVT" (over HTTP in
tests/server/test_mvt_http.py); the rest follows core's code (DocSnapshot, SetSnapshot, updateMVT).
"""

from __future__ import annotations

import re

import pytest

import fql
from tests.helpers import query_error

#: The refusal, its times as core prints them (Java's Instant.toString).
REFUSED = re.compile(
    r"^Requested timestamp 2000-01-01T00:00:00Z less than minimum allowed timestamp "
    r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z\.$"
)
OLD = 'Time("2000-01-01T00:00:00Z")'


@pytest.fixture
def db() -> fql.Database:
    database = fql.connect()
    database.query('CreateCollection({name: "c"})')
    database.query('CreateIndex({name: "c_by_a", source: Collection("c"), terms: [{field: ["data", "a"]}]})')
    database.query('Create(Ref(Collection("c"), "1"), {data: {a: 1}})')
    return database


def refused(db: fql.Database, query: str, syntax: str = "v4") -> fql.FQLError:
    err = query_error(db, query, syntax=syntax)
    assert REFUSED.match(err.description), err.description
    return err


@pytest.mark.parametrize(
    "query",
    [
        f'At({OLD}, Get(Ref(Collection("c"), "1")))',
        f'Get(Ref(Collection("c"), "1"), {OLD})',
        f'Exists(Ref(Collection("c"), "1"), {OLD})',
        f'At({OLD}, Paginate(Documents(Collection("c"))))',
        f'Paginate(Match(Index("c_by_a"), 1), {{ts: {OLD}}})',
    ],
)
def test_v4_reads_before_the_mvt_are_a_bad_request(db, query):
    err = refused(db, query)
    assert (err.v4_code, err.status) == ("bad request", 400)


@pytest.mark.parametrize(
    "query",
    [
        f'at ({OLD}) {{ c.byId("1")!.a }}',
        f"at ({OLD}) {{ c.all().toArray() }}",
    ],
)
def test_v10_reads_before_the_mvt_are_an_invalid_request(db, query):
    err = refused(db, query, "v10")
    assert (err.v10_code, err.status) == ("invalid_request", 400)


def test_v10_index_reads_before_the_mvt(db):
    db.query('Collection.create({ name: "Author", indexes: { byName: { terms: [{ field: ".name" }] } } })', syntax="v10")
    assert refused(db, f'at ({OLD}) {{ Author.byName("a").toArray() }}', "v10").v10_code == "invalid_request"


def test_the_15_minutes_before_the_mvt_can_be_read(db):
    # history_days 0: the MVT is 15 minutes before now; a time inside them reads what was there.
    assert db.query('At(TimeSubtract(Now(), 10, "minutes"), Exists(Ref(Collection("c"), "1")))') is False
    assert db.query('At(TimeSubtract(Now(), 10, "minutes"), Paginate(Documents(Collection("c"))))').data == []
    refused_at = 'At(TimeSubtract(Now(), 20, "minutes"), Exists(Ref(Collection("c"), "1")))'
    with pytest.raises(fql.FQLError) as caught:
        db.query(refused_at)
    assert caught.value.description.startswith("Requested timestamp ")


def test_history_days_reach_back(db):
    db.query('CreateCollection({name: "kept", history_days: 30})')
    assert db.query('At(TimeSubtract(Now(), 29, "days"), Exists(Ref(Collection("kept"), "1")))') is False
    with pytest.raises(fql.FQLError):
        db.query('At(TimeSubtract(Now(), 31, "days"), Exists(Ref(Collection("kept"), "1")))')


def test_a_longer_retention_does_not_bring_back_what_a_shorter_one_let_go(db):
    # The floor is a high-water mark: raising history_days from 0 keeps reads before the change refused.
    db.query('Update(Collection("c"), {history_days: 30})')
    with pytest.raises(fql.FQLError):
        db.query('At(TimeSubtract(Now(), 1, "days"), Exists(Ref(Collection("c"), "1")))')
    assert db.query('At(TimeSubtract(Now(), 10, "minutes"), Exists(Ref(Collection("c"), "1")))') is False


def test_reads_of_the_present_and_of_native_collections_are_not_checked(db):
    assert db.query('Select(["data", "a"], Get(Ref(Collection("c"), "1")))') == 1
    assert db.query(f"At({OLD}, Paginate(Collections()))").data == []


def test_a_write_inside_at_is_not_a_read(db):
    # What core checks is a snapshot read: a create inside At fails as a write at a past time does.
    with pytest.raises(fql.FQLError) as caught:
        db.query(f'At({OLD}, Create(Collection("c"), {{data: {{a: 2}}}}))')
    assert caught.value.v4_code == "invalid write time"
