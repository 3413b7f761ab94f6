"""The Meter: what a query read and wrote, counted in core's billing units (4 KiB a read op, 1 KiB a write op)."""

from __future__ import annotations

import math

import pytest

import fql
from fql.parse import parse
from fql.storage.meter import Meter


@pytest.fixture
def db():
    db = fql.connect()
    db.query('CreateCollection({name: "things"})')
    return db


def run(db, text: str, syntax: str = "v4"):
    """The query's Meter, after running `text` with metering on."""
    _, state = db.run_with_state(parse(text, syntax), syntax=syntax, meter=True)
    assert isinstance(state.txn, Meter)
    return state.txn


def test_a_pure_query_reads_and_writes_nothing(db):
    meter = run(db, "Add(1, 2)")
    assert (meter.read_ops, meter.bytes_read, meter.write_ops, meter.bytes_written) == (0, 0, 0, 0)


def test_writes_are_billed_per_kib_per_document(db):
    meter = run(db, 'Create(Ref(Collection("things"), "1"), {data: {blob: "' + "x" * 3000 + '"}})')
    assert meter.bytes_written > 3000
    assert meter.write_ops == math.ceil(meter.bytes_written / 1024) == 3


def test_a_document_read_is_billed_per_4_kib_and_once_per_query(db):
    db.query('Create(Ref(Collection("things"), "1"), {data: {blob: "' + "x" * 5000 + '"}})')
    once = run(db, 'Get(Ref(Collection("things"), "1"))')
    assert once.bytes_read > 5000 and once.read_ops == 2 and once.write_ops == 0
    twice = run(db, 'Do(Get(Ref(Collection("things"), "1")), Get(Ref(Collection("things"), "1")))')
    assert (twice.read_ops, twice.bytes_read) == (once.read_ops, once.bytes_read)


def test_a_set_page_is_one_read(db):
    db.query('Foreach([1, 2, 3], Lambda("i", Create(Collection("things"), {data: {i: Var("i")}})))')
    meter = run(db, 'Paginate(Documents(Collection("things")))')
    assert meter.read_ops == 1 and meter.bytes_read > 0


def test_v10_counts_the_same_way(db):
    db.query('Collection.create({ name: "Notes" })', syntax="v10")
    meter = run(db, 'Notes.create({ id: "1", text: "hello" })', syntax="v10")
    assert meter.write_ops == 1 and meter.bytes_written > 0


def test_without_meter_the_transaction_is_the_stores_own(db):
    _, state = db.run_with_state(parse("Add(1, 2)", "v4"))
    assert not isinstance(state.txn, Meter)
