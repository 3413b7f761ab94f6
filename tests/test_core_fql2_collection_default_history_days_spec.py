"""Core's FQL2CollectionDefaultHistoryDaysChangeSpec (ext/model fql2): a collection made or replaced by FQL
or FSL gets core's default `history_days` (0), and a later `update({})` keeps whatever it has, none
included. Each test names the spec case it comes from.

Skipped:
- every "after" case and "transition": they change core's `fauna.model.default-history_days` system
  property mid-run; fql's default is the one core ships (0) and cannot be changed.
- the cases' `mvt_floor` assertions: core keeps the floor as a stored field of the definition, fql
  derives it from the definition's versions (fql/eval/refs.py min_valid_time; tests/test_mvt.py covers
  what a read below it gets). The cases are ported for `history_days` alone.
The spec's "legacy data" (a definition written with no `history_days`) is made by v4, whose
`history_days: null` leaves it out as core's does.
"""

from __future__ import annotations

import pytest

import fql
from tests.schema.pushing import push, q


@pytest.fixture
def db() -> fql.Database:
    return fql.connect()


def history_days(db: fql.Database, name: str = "Foo") -> object:
    return q(db, f"Collection.byName({name!r})!.history_days")


def test_fql_writes_the_default_history_days(db):
    """writes the deafult history_days and computes mvt_floor / FQL ... / before"""
    q(db, "Collection.create({ name: 'Foo' })")
    assert history_days(db) == 0


def test_fsl_writes_the_default_history_days(db):
    """writes the deafult history_days and computes mvt_floor / FSL ... / before"""
    push(db, "collection Foo {}")
    assert history_days(db) == 0


def test_fql_replace_resets_history_days(db):
    """when replacing a collection definition / FQL resets history_days to default ... / before"""
    q(db, "Collection.create({ name: 'Foo', history_days: 10 })")
    q(db, "Foo.definition.replace({ name: 'Foo' })")
    assert history_days(db) == 0


def test_fsl_replace_resets_history_days(db):
    """when replacing a collection definition / FSL resets history_days to default ... / before"""
    push(db, "collection Foo { history_days 10 }")
    assert history_days(db) == 10
    push(db, "collection Foo {}")
    assert history_days(db) == 0


@pytest.mark.parametrize("case", ["history_days=SET mvt_floor=SET", "history_days=SET mvt_floor=null"])
def test_update_preserves_set_history_days(db, case):
    """when updating a collection definition via FQL / if <case> / preserves history_days ... / before"""
    db.query('CreateCollection({ name: "Foo", history_days: 10 })')
    q(db, "Foo.definition.update({})")
    assert history_days(db) == 10


def test_update_preserves_missing_history_days(db):
    """when updating a collection definition via FQL / if history_days=null mvt_floor=null / preserves
    history_days ... / before"""
    db.query('CreateCollection({ name: "Foo", history_days: null })')
    assert "history_days" not in db.query('Get(Collection("Foo"))')
    q(db, "Foo.definition.update({})")
    assert history_days(db) is None
    assert "history_days" not in db.query('Get(Collection("Foo"))')


def test_update_preserves_history_days_removed_by_fql(db):
    """when updating a collection definition via FQL / if history_days=null mvt_floor=SET (after removing
    history_days via FQL) / preserves history_days ... / before"""
    q(db, "Collection.create({ name: 'Foo' })")
    q(db, "Foo.definition.update({ history_days: null })")
    assert history_days(db) is None
    q(db, "Foo.definition.update({})")
    assert history_days(db) is None


# Core's v4 writes of a collection's `history_days`, which make the spec's legacy data: the default only on
# create (a null there leaves it out), an Update's null removing it, a Replace keeping it unless given
# (WriteAdaptor's Collection.DefaultData and prevForReplace).


def test_v4_writes_of_history_days(db):
    assert db.query('CreateCollection({ name: "A" })')["history_days"] == 0
    assert "history_days" not in db.query('CreateCollection({ name: "B", history_days: null })')
    db.query('CreateCollection({ name: "C", history_days: 7 })')
    assert db.query('Replace(Collection("C"), { name: "C" })')["history_days"] == 7
    assert db.query('Replace(Collection("C"), { name: "C", history_days: 3 })')["history_days"] == 3
    assert "history_days" not in db.query('Replace(Collection("C"), { name: "C", history_days: null })')
    assert "history_days" not in db.query('Replace(Collection("C"), { name: "C" })')
    db.query('CreateCollection({ name: "D", history_days: 7 })')
    assert db.query('Update(Collection("D"), { data: { a: 1 } })')["history_days"] == 7
    assert "history_days" not in db.query('Update(Collection("D"), { history_days: null })')
    assert "history_days" not in db.query('Update(Collection("D"), { data: { b: 1 } })')

