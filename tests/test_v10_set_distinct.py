"""v10 `Set.distinct()` as core's DistinctSet (ext/model/src/main/scala/runtime/fql2/ValueSet.scala) reads
it: the whole set is read, its values sorted (Value ordering) and repeats dropped (`.sorted.distinct`: a
stable sort, then Scala's equality, so 1 and 1.0 both stay, in the order the set gave them), and the
result paged as an ArraySet, later pages continuing in the values kept. Whatever order the set had
(`order()`), a distinct's values come up; and `reverse()` of a distinct is the distinct of the set
reversed (DistinctSet.reverse), so it comes up too. `order()` after `distinct()` orders the values kept.
"""

from __future__ import annotations

import pytest

import fql
from tests.helpers import query_v10 as q


@pytest.fixture
def db() -> fql.Database:
    db = fql.connect()
    q(db, "Collection.create({ name: 'C' })")
    # Repeats in other pages of the collection: with pageSize(2), "a" on pages 1 and 4, 2 on 1 and 3.
    for x in ["3", "2", "\"a\"", "1", "2", "1.0", "\"a\"", "5"]:
        q(db, f"C.create({{ x: {x} }})")
    return db


VALUES = [1, 1.0, 2, 3, 5, "a"]


def pages(db: fql.Database, query: str) -> list[list]:
    """Each page's data, from the first page of `query` on through `Set.paginate(after)`."""
    p = q(db, query)
    out = [p.data if hasattr(p, "data") else p["data"]]
    after = p.after if hasattr(p, "after") else p.get("after")
    while after is not None:
        nxt = q(db, f'Set.paginate("{after}")')
        out.append(nxt["data"])
        after = nxt.get("after")
    return out


def test_distinct_of_values_repeated_across_pages(db):
    """The set is read whole, so repeats on different pages of it go too; the values come sorted."""
    assert q(db, "C.all().map(.x).distinct().toArray()") == VALUES
    assert pages(db, "C.all().map(.x).pageSize(2).distinct().paginate(2)") == [[1, 1.0], [2, 3], [5, "a"]]
    assert pages(db, "C.all().map(.x).distinct().pageSize(4)") == [[1, 1.0, 2, 3], [5, "a"]]
    assert q(db, "C.all().map(.x).distinct().count()") == len(VALUES)
    # The Array method keeps the first of each, in order.
    assert q(db, "C.all().map(.x).toArray().distinct()") == [3, 2, "a", 1, 1.0, 5]


def test_order_then_distinct_sorts_again(db):
    """DistinctSet sorts what it reads, so an `order()` before it changes only the order of values that
    sort alike (1 and 1.0); an `order()` after it orders the values kept."""
    assert q(db, "C.all().map(.x).order(desc(v => v)).distinct().toArray()") == VALUES
    assert q(db, "C.all().map(.x).distinct().order(desc(v => v)).toArray()") == ["a", 5, 3, 2, 1, 1.0]
    assert pages(db, "C.all().map(.x).order(desc(v => v)).distinct().paginate(4)") == [[1, 1.0, 2, 3], [5, "a"]]


def test_reverse_of_a_distinct_is_a_distinct_of_the_reverse(db):
    """DistinctSet.reverse is `copy(inner = inner.reverse)`: the values come sorted up again, those that
    sort alike in the reversed set's order (1.0 was made after 1, so it comes first)."""
    assert q(db, "C.all().map(.x).distinct().reverse().toArray()") == [1.0, 1, 2, 3, 5, "a"]
    assert q(db, "C.all().map(.x).distinct().reverse().reverse().toArray()") == VALUES
    assert pages(db, "C.all().map(.x).distinct().reverse().paginate(4)") == [[1.0, 1, 2, 3], [5, "a"]]
    # Other sets reverse as ever.
    assert q(db, "[3, 1, 2].toSet().reverse().toArray()") == [2, 1, 3]
    assert q(db, "[3, 1, 3].toSet().distinct().reverse().toArray()") == [1, 3]
