"""v10 set cursors: paging a collection 16 at a time with self-contained cursors, against the table.

    python bench/cursors.py [--docs 1000] [--rounds 5] [--store memory|sqlite]

Reads every page of `Items.all()` (and of `Items.all().where(.n >= lim).map(.n)`, a set with a closure)
through `Set.paginate(after)`, once with the self-contained cursors (the set encoded in each `after`)
and once with every cursor kept in the Database's table instead (as before: a random token naming the
set), and prints the time of each and their ratio. Then the size of the cursor of some typical sets.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import fql  # noqa: E402
from fql.eval.v10 import cursors  # noqa: E402

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
            for query in ("Items.all()", "let lim = 10; Items.all().where(.n >= lim).map(.n)"):
                head, _, last = query.rpartition("; ")
                query = f"{head}{'; ' if head else ''}({last})"
                after = timed(db, query, args.rounds)
                with mock.patch.object(cursors, "encode", _table_only):
                    before = timed(db, query, args.rounds)
                pages = -(-read_all(db, query) // 16)
                print(
                    f"  {last}: {pages} pages, table {before * 1000:.1f} ms, self-contained {after * 1000:.1f} ms, "
                    f"ratio {after / before:.2f} ({(after - before) / pages * 1e6:+.0f} µs a page)"
                )
            print("cursor sizes (characters):")
            for query in TYPICAL:
                head, _, last = query.rpartition("; ")
                after = q(db, f"{head}{'; ' if head else ''}({last}).paginate(16)").get("after")
                print(f"  {len(after) if after else '-':>5}  {query}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
