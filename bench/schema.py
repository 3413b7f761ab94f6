"""Schema writes at scale: collections and functions made n at a time, and one more beside n, each as a
ratio to the same count of documents written the same way in the same run.

    python bench/schema.py [--sizes 100,500,1500] [--rounds 3]

A v10 database is typechecked by default, so each schema write is followed by drawing up its FSL files
and typing their FQL (core's TypeEnvValidator); every new name is also checked against the other names
and aliases of the global namespace. The baselines are plain documents: `n` made in one query, and one
made in a collection beside `n` others. Best of `rounds`, memory store.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import fql  # noqa: E402


def _best(rounds: int, run) -> float:
    best = float("inf")
    for _ in range(rounds):
        best = min(best, run())
    return best


def _timed(db, text: str) -> float:
    start = time.perf_counter()
    db.query(text, syntax="v10")
    return time.perf_counter() - start


def _many(n: int, item: str) -> str:
    return "[" + ", ".join(item.format(i=i) for i in range(n)) + "].length"


def measure(n: int, rounds: int) -> dict[str, float]:
    def documents() -> float:
        db = fql.connect("memory://")
        db.query("Collection.create({ name: 'Thing' })", syntax="v10")
        return _timed(db, _many(n, "Thing.create({{ n: {i} }})"))

    def collections() -> float:
        return _timed(fql.connect("memory://"), _many(n, "Collection.create({{ name: 'C{i}' }})"))

    def functions() -> float:
        return _timed(fql.connect("memory://"), _many(n, "Function.create({{ name: 'f{i}', body: 'x => x + {i}' }})"))

    one = fql.connect("memory://")
    one.query(_many(n, "Collection.create({{ name: 'C{i}' }})"), syntax="v10")
    one.query(_many(n, "Function.create({{ name: 'f{i}', body: 'x => x + {i}' }})"), syntax="v10")
    one.query("Collection.create({ name: 'Thing' })", syntax="v10")
    one.query(_many(n, "Thing.create({{ n: {i} }})"), syntax="v10")
    counter = iter(range(10**9))
    return {
        "documents": _best(rounds, documents),
        "collections": _best(rounds, collections),
        "functions": _best(rounds, functions),
        "one document": _best(rounds, lambda: _timed(one, "Thing.create({ n: -1 }).n")),
        "one collection": _best(rounds, lambda: _timed(one, f"Collection.create({{ name: 'More{next(counter)}' }}).name")),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,500,1500")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    for n in (int(size) for size in args.sizes.split(",")):
        got = measure(n, args.rounds)
        print(
            f"n={n}: {n} collections in one query {got['collections'] * 1000:.0f} ms, {n} functions "
            f"{got['functions'] * 1000:.0f} ms, against {n} documents {got['documents'] * 1000:.0f} ms "
            f"(ratios {got['collections'] / got['documents']:.1f} and {got['functions'] / got['documents']:.1f}); "
            f"one collection beside {2 * n} schema items {got['one collection'] * 1000:.1f} ms against one "
            f"document {got['one document'] * 1000:.2f} ms (ratio {got['one collection'] / got['one document']:.0f})"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
