"""v10 set cursors: paging a collection 16 at a time, resuming at a position, against an offset.

    python bench/cursors.py [--docs 1000] [--rounds 5] [--store memory|sqlite]

Reads every page of `Items.all()` (and of `Items.all().where(.n >= lim).map(.n)`, a set with a closure,
of an index set `Items.byK(0)`, of `Items.all().order(desc(.n))` and `Items.all().reverse()`) through
`Set.paginate(after)`: with cursors that resume at a position (the last document's key, the last index
entry's, an index in the sorted or reversed elements the cursor holds), with cursors that hold an
offset instead (as before: each page reads the set from its start, sorts it, and skips that many), and
with every cursor kept in the Database's table instead of encoded in `after` (a random token naming the
set). Prints the time of each and the ratios. Then the size of the cursor of some typical sets.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import fql  # noqa: E402
from fql.eval.v10 import cursors, sets  # noqa: E402
from fql.eval.v10.collections import IndexSet  # noqa: E402

#: Sets whose cursor sizes are shown.
TYPICAL = [
    "Items.all()",
    "Items.byK(1)",
    "Items.byK(0, { from: 10, to: 500 })",
    "Items.where(.n > 3)",
    "Items.all().where(.n >= 10).map(x => { n: x.n, k: x.k })",
    "let lim = 900; let d = Items.all().first()!; Items.all().where(x => x.n < lim && x != d).map(x => [x.n, d.n])",
    "Items.all().order(desc(.n)).take(500)",
    "Items.all() { n, k }",
    "Set.sequence(0, 1000)",
    "Set.sequence(0, 1000).map(x => Set.sequence(0, x))",
    "[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20].toSet()",
]

#: The sets paged through, timed.
QUERIES = [
    "Items.all()",
    "let lim = 10; Items.all().where(.n >= lim).map(.n)",
    "Items.byK(0)",
    "Items.all().order(desc(.n))",
    "Items.all().reverse()",
]


def q(db: fql.Database, text: str):
    return db.query(text, syntax="v10")


def read_all(db: fql.Database, query: str) -> int:
    """Every page of `query`'s set; how many elements."""
    page = q(db, f"{query}.paginate(16)")
    n = len(page["data"])
    while "after" in page:
        page = q(db, f'Set.paginate("{page["after"]}")')
        n += len(page["data"])
    return n


def timed(db: fql.Database, query: str, rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        read_all(db, query)
        best = min(best, time.perf_counter() - start)
    return best


def _table_only(*args, **kwargs):
    raise cursors.Unserializable("benchmark: the table")


def _counting(walk):
    """`walk` read from the first element every time, its positions counting elements."""

    def counted(self, ctx, at):
        start = at or 0
        found = (item for item, _ in walk(self, ctx, None))
        return zip(itertools.islice(found, start, None), itertools.count(start))

    return counted


def _offsets() -> contextlib.ExitStack:
    """Every set read from its first element, its cursors counting elements (as before positions)."""
    stack = contextlib.ExitStack()
    for cls in (sets.DocumentsSet, sets.ArraySet, sets.CoreSet, IndexSet):
        stack.enter_context(mock.patch.object(cls, "walk", _counting(cls.walk)))
    stack.enter_context(mock.patch.object(sets.Derived, "walk", sets.V10Set.walk))
    return stack


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--store", choices=("memory", "sqlite"), default="memory")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        url = "memory://" if args.store == "memory" else f"sqlite:///{tmp}/bench.db"
        with fql.connect(url) as db:
            q(db, "Collection.create({ name: 'Items', indexes: { byK: { terms: [{ field: '.k' }], values: [{ field: '.n' }] } } })")
            q(db, f"Set.sequence(0, {args.docs}).forEach(n => Items.create({{ n: n, k: n % 2 }}))")
            print(f"{args.docs} documents on {args.store}, pages of 16, best of {args.rounds}:")
            for query in QUERIES:
                head, _, last = query.rpartition("; ")
                query = f"{head}{'; ' if head else ''}({last})"
                after = timed(db, query, args.rounds)
                with _offsets():
                    before = timed(db, query, args.rounds)
                with mock.patch.object(cursors, "encode", _table_only):
                    table = timed(db, query, args.rounds)
                pages = -(-read_all(db, query) // 16)
                print(
                    f"  {last}: {pages} pages, positions {after * 1000:.1f} ms, offsets (before) {before * 1000:.1f} ms, "
                    f"ratio {after / before:.3f} ({before / after:.0f}x faster); "
                    f"table {table * 1000:.1f} ms, self-contained/table {after / table:.2f}"
                )
            print("cursor sizes (characters):")
            for query in TYPICAL:
                head, _, last = query.rpartition("; ")
                after = q(db, f"{head}{'; ' if head else ''}({last}).paginate(16)").get("after")
                print(f"  {len(after) if after else '-':>5}  {query}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
