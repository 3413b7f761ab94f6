"""FQL v10 against v4 on the same data: parse, Coll.byId, Coll.byEmail(e).first(), a 16-element page.

    python bench/v10.py [--sizes 1000,100000] [--seconds 1.0]

Each v10 figure is a ratio to the v4 query doing the same work, measured in the same run (target:
within 1.3x), and to a raw `sqlite3` point select + json.loads baseline.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import fql  # noqa: E402
from fql.parse import _v4_parser, _v10_parser  # noqa: E402


def rate(fn, seconds: float) -> float:
    n, start = 0, time.perf_counter()
    while True:
        for _ in range(20):
            fn()
        n += 20
        now = time.perf_counter()
        if now - start >= seconds:
            return n / (now - start)


def populate(db: fql.Database, n: int) -> str:
    db.query(
        'Collection.create({ name: "People", indexes: { byEmail: { terms: [{ field: ".email" }] } } })', syntax="v10"
    )
    db.query('CreateIndex({name: "people_by_email", source: Collection("People"), terms: [{field: ["data", "email"]}]})')
    for start in range(0, n, 1000):
        db.query(
            f"Set.sequence({start}, {min(n, start + 1000)}).forEach(i => People.create({{ email: 'u' + i.toString(), n: i }}))",
            syntax="v10",
        )
    return db.query("People.all().first()!.id", syntax="v10")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,100000")
    parser.add_argument("--seconds", type=float, default=1.0)
    args = parser.parse_args(argv)

    v10_text = 'People.byEmail("u1").first()!.n'
    v4_text = 'Select(["data", "n"], Get(Match(Index("people_by_email"), "u1")))'
    p10, p4 = _v10_parser(), _v4_parser()
    r10, r4 = rate(lambda: p10.parse(v10_text), args.seconds), rate(lambda: p4.parse(v4_text), args.seconds)
    print("parse (uncached)")
    print(f"  v10 {v10_text!r}: {r10:8.0f}/s   v4 equivalent: {r4:8.0f}/s   v10 cost ratio {r4 / r10:.2f}x")

    for n in (int(s) for s in args.sizes.split(",")):
        db = fql.connect()
        doc_id = populate(db, n)
        conn = sqlite3.connect(":memory:")
        conn.execute("CREATE TABLE docs (id INTEGER PRIMARY KEY, body TEXT)")
        conn.executemany("INSERT INTO docs VALUES (?, ?)", ((i, json.dumps({"n": i})) for i in range(n)))
        raw = rate(lambda: json.loads(conn.execute("SELECT body FROM docs WHERE id = ?", (n // 2,)).fetchone()[0]), args.seconds)
        cases = [
            ("byId", f'People.byId("{doc_id}")', f'Get(Ref(Collection("People"), "{doc_id}"))'),
            ("byEmail.first", 'People.byEmail("u1").first()', 'Get(Match(Index("people_by_email"), "u1"))'),
            ("16-element page", "People.all().pageSize(16)",
             'Map(Paginate(Documents(Collection("People")), {size: 16}), Lambda("r", Get(Var("r"))))'),
        ]
        print(f"\n{n} documents (raw sqlite3 select + json.loads: {raw:.0f}/s)")
        for name, v10, v4 in cases:
            a = rate(lambda: db.query(v10, syntax="v10"), args.seconds)
            b = rate(lambda: db.query(v4), args.seconds)
            print(f"  {name:16}: v10 {a:8.0f}/s   v4 {b:8.0f}/s   v10/v4 cost {b / a:.2f}x (target <= 1.3x)"
                  f"   raw/v10 {raw / a:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
