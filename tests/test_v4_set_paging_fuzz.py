"""v4 set algebra paged through its cursors, as seeded random cases (the v4 counterpart of
tests/test_core_fql2_fuzz.py; core has no such property for v4, so the oracle is the set read whole).

Forty documents with fields `a` and `b` (0-4) and indexes over them; random nestings of `Match`,
`Documents`, `Union`, `Intersection`, `Difference`, `Distinct`, `Join` (an index, and a lambda over an index
of refs), `Range`. For each set and a random page size: `Paginate` followed through every `after` cursor
gives the set read in one page, walking back from the last page through every `before` cursor gives it
again, and `Count` is its length; `events: true` pages likewise, for unions and distincts of sources.

Left out, because there core's own pages need not agree with the whole read: index values repeated across
documents with no ref among them (an element's cursor then names one copy's document, and core's merges
choose which; tests/test_core_set_duplicates.py ports core's cases), and events of `Intersection` and
`Difference` (core's AbstractAlgebraicSet filters the merged events by memberships counted from where a
page starts, so the events read backward are not those read forward reversed; tests/test_core_set_history.py
ports core's cases).
"""

from __future__ import annotations

import random

import pytest

import fql
from fql.errors import FQLError
from fql.render import to_fql

CASES = 200


@pytest.fixture(scope="module")
def db() -> fql.Database:
    db = fql.connect()
    db.query('CreateCollection({ name: "c" })')
    for index in [
        '{ name: "by_a", source: Collection("c"), terms: [{ field: ["data", "a"] }] }',
        '{ name: "by_b", source: Collection("c"), terms: [{ field: ["data", "b"] }] }',
        '{ name: "by_ref", source: Collection("c"), terms: [{ field: ["ref"] }] }',
        '{ name: "a_to_b", source: Collection("c"), terms: [{ field: ["data", "a"] }], '
        'values: [{ field: ["data", "b"] }] }',
        '{ name: "a_to_b_ref", source: Collection("c"), terms: [{ field: ["data", "a"] }], '
        'values: [{ field: ["data", "b"] }, { field: ["ref"] }] }',
        '{ name: "vals_a", source: Collection("c"), values: [{ field: ["data", "a"] }, { field: ["ref"] }] }',
    ]:
        db.query(f"CreateIndex({index})")
    rng = random.Random(5)
    for i in range(40):
        db.query(f'Create(Ref(Collection("c"), "{100 + i * 7}"), '
                 f'{{ data: {{ a: {rng.randrange(5)}, b: {rng.randrange(5)} }} }})')
    return db


def ref_set(rng: random.Random, events: bool, depth: int = 0) -> str:
    """A set of refs: sources, and their unions, intersections, differences, distincts and joins."""
    kinds = ["by_a", "by_b", "documents"]
    if depth < 3:
        kinds += ["union", "distinct"] if events else ["union", "intersection", "difference", "distinct",
                                                       "join index", "join lambda"]
    kind = rng.choice(kinds)
    if kind in ("by_a", "by_b"):
        return f'Match(Index("{kind}"), {rng.randrange(6)})'
    if kind == "documents":
        return 'Documents(Collection("c"))'
    if kind == "distinct":
        return f"Distinct({ref_set(rng, events, depth + 1)})"
    if kind == "join index":
        return f'Join(Match(Index("a_to_b"), {rng.randrange(5)}), Index("by_b"))'
    if kind == "join lambda":
        return f'Join({ref_set(rng, events, depth + 1)}, Lambda("x", Match(Index("by_ref"), Var("x"))))'
    sets = ", ".join(ref_set(rng, events, depth + 1) for _ in range(rng.randint(1, 3)))
    return f"{kind.capitalize()}({sets})"


def value_set(rng: random.Random, depth: int = 0) -> str:
    """A set of index tuples that end in their document's ref (so no two elements are equal)."""
    kind = rng.randrange(6 if depth < 2 else 3)
    if kind == 0:
        return 'Match(Index("vals_a"))'
    if kind == 1:
        return f'Range(Match(Index("vals_a")), [{rng.randrange(5)}], [{rng.randrange(5)}])'
    if kind == 2:
        return f'Match(Index("a_to_b_ref"), {rng.randrange(5)})'
    if kind == 3:
        return f"Union({value_set(rng, depth + 1)}, {value_set(rng, depth + 1)})"
    if kind == 4:
        return f"Distinct({value_set(rng, depth + 1)})"
    return f"Difference({value_set(rng, depth + 1)}, {value_set(rng, depth + 1)})"


def problems(db: fql.Database, text: str, size: int, events: bool) -> list[str]:
    """What is wrong with `text`'s pages of `size`, walked forward and then back, against one whole read."""
    extra = ", events: true" if events else ""

    def page(cursor=None, key="after"):
        options = f"size: {size}{extra}" + ("" if cursor is None else f", {key}: {to_fql(cursor)}")
        return db.query(f"Paginate({text}, {{ {options} }})")

    try:
        whole = list(db.query(f"Paginate({text}, {{ size: 100000{extra} }})").data)
        count = None if events else db.query(f"Count({text})")
        pages = [page()]
        while pages[-1].after is not None and len(pages) <= len(whole):
            pages.append(page(pages[-1].after))
        backward = list(pages[-1].data)
        current = pages[-1]
        while current.before is not None and len(backward) <= len(whole):
            current = page(current.before, "before")
            backward = list(current.data) + backward
    except FQLError as error:
        return [f"failed: {error}"]
    forward = [element for p in pages for element in p.data]
    wrong = []
    if count is not None and count != len(whole):
        wrong.append(f"Count {count} of {len(whole)} elements")
    if any(len(p.data) != size for p in pages[:-1]) or len(pages[-1].data) > size:
        wrong.append(f"page sizes {[len(p.data) for p in pages]} paginated by {size}")
    if forward != whole:
        wrong.append(f"forward {forward} for {whole}")
    if backward != whole:
        wrong.append(f"backward {backward} for {whole}")
    return wrong


@pytest.mark.parametrize("kind, seed", [("refs", 1), ("values", 2), ("events", 3)])
def test_pages_through_cursors_are_the_whole_set(db, kind, seed):
    rng = random.Random(seed)
    failures = []
    for _ in range(CASES):
        text = value_set(rng) if kind == "values" else ref_set(rng, kind == "events")
        size = rng.randint(1, 12)
        wrong = problems(db, text, size, kind == "events")
        if wrong:
            failures.append((text, size, wrong))
    assert failures == []
