"""fql's core benchmark: parse, Get, Create and index pages, each as a ratio to a baseline run alongside.

    python bench/run.py [--sizes 1000,10000,100000] [--seconds 1.0]

Baselines are measured in the same run on the same machine: a bare Lark LALR parse with a minimal
JSON-like call grammar (for parsing), a Python dict (insert), and raw `sqlite3` in memory with
`json.loads` (point reads and inserts). Ratios, not seconds, are the figures to compare.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import time
from pathlib import Path

from lark import Lark

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import fql  # noqa: E402
from fql.parse import _v4_parser  # noqa: E402

SEED_QUERIES = [
    'Paginate(Documents(Tokens()))',
    "q.CreateIndex({ name: 'tokens_by_instance', permissions: { read: 'public' }, source: q.Tokens(),"
    " terms: [ { field: 'instance' } ], values: [ { field: ['data', 'name'] } ] })",
    "q.Login(q.Match(q.Index('users_by_email'), 'alice@example.com'), { password: 'new password' })",
    "q.Update(q.Ref(q.Tokens(), '251500495731950080'), { data: { meta: 'data' } })",
    'Login(Ref(Collection("characters"), "181388642114077184"), { password: "abracadabra" })',
]

#: The smallest grammar that reads the same texts: calls, objects, arrays, scalars (no AST building).
MINIMAL_GRAMMAR = r"""
start: value*
?value: call | object | array | STRING | NUMBER | NAME
call: NAME ("." NAME)* "(" [value ("," value)* ","?] ")"
object: "{" [pair ("," pair)* ","?] "}"
pair: (NAME | STRING) ":" value
array: "[" [value ("," value)* ","?] "]"
STRING: /"(?:[^"\\]|\\.)*"/ | /'(?:[^'\\]|\\.)*'/
NUMBER: /-?\d+(\.\d+)?([eE][+-]?\d+)?/
NAME: /[A-Za-z_$][A-Za-z0-9_$]*/
%ignore /\s+/
"""


def rate(fn, seconds: float) -> float:
    """Calls per second of `fn`, measured for about `seconds`."""
    n, start = 0, time.perf_counter()
    deadline = start + seconds
    while True:
        for _ in range(50):
            fn()
        n += 50
        now = time.perf_counter()
        if now >= deadline:
            return n / (now - start)


def bench_parse(seconds: float) -> None:
    minimal = Lark(MINIMAL_GRAMMAR, parser="lalr")
    full = _v4_parser()
    text = "\n".join(SEED_QUERIES)
    bare = rate(lambda: minimal.parse(text), seconds)
    ours = rate(lambda: full.parse(text), seconds)
    cached = rate(lambda: fql.parse(text), seconds)
    print(f"parse (5 seed queries, {len(text)} chars)")
    print(f"  bare Lark LALR, minimal grammar : {bare:10.0f}/s  (baseline)")
    print(f"  fql parse + AST                 : {ours:10.0f}/s  cost ratio {bare / ours:.2f}x (target <= 1.5x)")
    print(f"  fql parse, repeated text (cache): {cached:10.0f}/s  {cached / bare:.0f}x faster than a bare parse")


def populate(db: fql.Database, n: int) -> list[str]:
    db.query('CreateCollection({name: "items"})')
    db.query(
        'CreateIndex({name: "items_by_group", source: Collection("items"),'
        ' terms: [{field: ["data", "group"]}], values: [{field: ["data", "n"]}]})'
    )
    batch = 1000
    for start in range(0, n, batch):
        docs = ", ".join(
            f'{{data: {{n: {i}, group: "g{i % 100}", name: "item {i}"}}}}' for i in range(start, min(n, start + batch))
        )
        db.query(f'Foreach([{docs}], Lambda("d", Create(Collection("items"), Var("d"))))')
    page = db.query('Paginate(Documents(Collection("items")), {size: 100})')
    return [ref.id for ref in page.data]


def sqlite_baseline(n: int) -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE docs (id INTEGER PRIMARY KEY, body TEXT)")
    conn.executemany(
        "INSERT INTO docs VALUES (?, ?)",
        ((i, json.dumps({"n": i, "group": f"g{i % 100}", "name": f"item {i}"})) for i in range(n)),
    )
    return conn


def bench_size(n: int, seconds: float) -> float:
    db = fql.connect()
    ids = populate(db, n)
    conn = sqlite_baseline(n)
    target = ids[len(ids) // 2]

    get_text = f'Get(Ref(Collection("items"), "{target}"))'
    ours_get = rate(lambda: db.query(get_text), seconds)
    select = conn.execute
    raw_get = rate(lambda: json.loads(select("SELECT body FROM docs WHERE id = ?", (n // 2,)).fetchone()[0]), seconds)

    counter = iter(range(10**9))
    create_text = 'Create(Collection("items"), {data: {n: -1, group: "new", name: "x"}})'
    ours_create = rate(lambda: db.query(create_text), seconds)
    plain: dict[int, dict] = {}
    dict_insert = rate(lambda: plain.__setitem__(next(counter), {"n": -1, "group": "new", "name": "x"}), seconds)
    raw_insert = rate(
        lambda: select("INSERT INTO docs (body) VALUES (?)", (json.dumps({"n": -1, "group": "new", "name": "x"}),)),
        seconds,
    )

    page_text = 'Paginate(Match(Index("items_by_group"), "g42"), {size: 10})'
    ours_page = rate(lambda: db.query(page_text), seconds)

    print(f"\n{n} documents")
    print(f"  Get(Ref)        : {ours_get:9.0f}/s   raw sqlite3 select + json.loads {raw_get:9.0f}/s"
          f"   fql/raw = 1/{raw_get / ours_get:.1f} (target >= 1/5)")
    print(f"  Create          : {ours_create:9.0f}/s   dict insert {dict_insert:9.0f}/s (1/{dict_insert / ours_create:.0f}),"
          f" raw sqlite3 insert {raw_insert:9.0f}/s (1/{raw_insert / ours_create:.1f})")
    print(f"  Paginate(Match) : {ours_page:9.0f}/s   (10-element page of one term)")
    return ours_page


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--seconds", type=float, default=1.0)
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    bench_parse(args.seconds)
    pages = {n: bench_size(n, args.seconds) for n in sizes}
    smallest, largest = min(sizes), max(sizes)
    print(f"\nindex page cost at {largest} vs {smallest} documents: "
          f"{pages[smallest] / pages[largest]:.2f}x (target <= 1.5x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
