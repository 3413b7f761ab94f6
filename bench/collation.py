"""What ICU collation costs: index writes and reads of string values, ICU keys against the old code-point keys.

    python bench/collation.py [--docs 2000] [--rounds 3]

Each round loads `--docs` documents (8-16 random letters, mixed case and accents, one query per 100) into
a collection with a v4 index on the name, then reads the whole index in one page and 200 Range pages
(size 10) between random names, and runs 2000 `LT` comparisons, once with fql's keys (ICU sort key + UTF-8) and once with the old ones (escaped UTF-8 only,
`fql.collation.string_key` swapped in the same process). Keys are cached (lru_cache), so every round
clears the cache first: the times are of cold keys. The two take turns going first; the best round of each counts; the ratio is
ICU over old. A full collection runs before each timed part (reading 20,000 entries otherwise
measures mostly when the collector runs). Key sizes are the mean bytes of one string's key.
"""

from __future__ import annotations

import argparse
import gc
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import fql
from fql import collation

ICU_KEY = collation.string_key


def _old_key(value: str) -> bytes:
    return collation._escaped(value.encode("utf-8", "surrogatepass"))


def _names(n: int) -> list[str]:
    rnd = random.Random(7)
    letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZéèüÖçñ"
    return ["".join(rnd.choice(letters) for _ in range(rnd.randint(8, 16))) for _ in range(n)]


def _round(names: list[str]) -> dict[str, float]:
    ICU_KEY.cache_clear()
    db = fql.connect()
    db.query('CreateCollection({name: "people"})')
    db.query('CreateIndex({name: "by_name", source: Collection("people"), values: [{field: ["data", "name"]}]})')
    out = {}
    start = time.perf_counter()
    for at in range(0, len(names), 100):
        batch = ", ".join(f'{{data: {{name: "{n}"}}}}' for n in names[at : at + 100])
        db.query(f'Foreach([{batch}], Lambda("d", Create(Collection("people"), Var("d"))))')
    out["write"] = time.perf_counter() - start
    ICU_KEY.cache_clear()
    gc.collect()
    start = time.perf_counter()
    db.query(f'Paginate(Match(Index("by_name")), size: {len(names)})')
    for low, high in zip(names[:200], names[200:400]):
        db.query(f'Paginate(Range(Match(Index("by_name")), "{min(low, high)}", "{max(low, high)}"), size: 10)')
    out["read"] = time.perf_counter() - start
    ICU_KEY.cache_clear()
    gc.collect()
    start = time.perf_counter()
    pairs = ", ".join(f'LT("{a}", "{b}")' for a, b in zip(names[:2000], names[1:2001]))
    db.query(f"[{pairs}]")
    out["LT x2000"] = time.perf_counter() - start
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    names = _names(args.docs)
    best: dict[str, dict[str, float]] = {"icu": {}, "old": {}}
    for turn in range(args.rounds):
        for which in ("icu", "old") if turn % 2 else ("old", "icu"):
            collation.string_key = ICU_KEY if which == "icu" else _old_key
            for k, v in _round(names).items():
                best[which][k] = min(best[which].get(k, v), v)
    collation.string_key = ICU_KEY
    print(f"{args.docs} documents, best of {args.rounds} rounds")
    for k in best["icu"]:
        icu_t, old_t = best["icu"][k], best["old"][k]
        print(f"  {k:10} icu {icu_t * 1000:8.1f} ms  old {old_t * 1000:8.1f} ms  ratio {icu_t / old_t:5.2f}")
    icu_size = sum(len(ICU_KEY(n)) for n in names) / len(names)
    old_size = sum(len(_old_key(n)) for n in names) / len(names)
    print(f"  key size   icu {icu_size:.1f} bytes  old {old_size:.1f} bytes (mean, per string)")


if __name__ == "__main__":
    main()
