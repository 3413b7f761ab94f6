"""v10 set cursors: kept per Database in a bounded table, the least recently used forgotten first."""

from __future__ import annotations

import pytest

import fql
from fql.eval.v10.sets import MAX_CURSORS, Cursors


@pytest.fixture
def db():
    database = fql.connect()
    database.query("Collection.create({ name: \"Items\" })", syntax="v10")
    database.query("[1, 2, 3, 4, 5].forEach(n => Items.create({ n: n }))", syntax="v10")
    return database


def after(db: fql.Database) -> str:
    return db.query("Items.all().pageSize(2)", syntax="v10").after


def paginate(db: fql.Database, cursor: str) -> list:
    return [doc["n"] for doc in db.query(f'Set.paginate("{cursor}")', syntax="v10")["data"]]


def test_a_cursor_continues_its_set(db):
    assert paginate(db, after(db)) == [3, 4]


def test_the_least_recently_used_cursor_is_forgotten(db):
    db.cursors = Cursors(limit=3)
    first, second = after(db), after(db)
    # Now the most recently used but for the cursor of the page after it.
    assert paginate(db, first) == [3, 4]
    third = after(db)
    assert len(db.cursors) == 3
    with pytest.raises(fql.FQLError) as caught:
        paginate(db, second)
    assert (caught.value.v10_code, caught.value.description) == ("invalid_cursor", "Cursor cannot be decoded.")
    assert paginate(db, first) == [3, 4] and paginate(db, third) == [3, 4]


def test_the_default_bound():
    assert Cursors().limit == MAX_CURSORS == 10_000
