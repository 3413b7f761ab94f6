"""fql's isolation stress run: many processes on one durable database, each workload's invariant checked.

    python bench/concurrency.py [--db sqlite:///tmp/stress.db | --db postgresql://...] [--workers 8]
                                [--ops 200] [--servers 0] [--size 0] [--workloads bank,counter,...]
                                [--syntax v4,v10] [--seed 0]

The workloads are tests/storage/concurrency.py's (bank transfers, a counter, racing creates under a
unique index and a unique constraint, write skew on an index range and on two documents, deletes racing
updates and creates with a given id, queries that fail after writing). Each runs on a database of its
own: a new SQLite file beside the one named, or a new schema of the PostgreSQL database named (dropped
afterwards). `--servers N` runs N `fql serve` processes on it and the workers query them over HTTP;
0 embeds an fql.Database in each worker. `--size` replaces each workload's default size (fewer
documents, more collisions). A broken invariant stops the run with the records that broke it.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.storage import concurrency  # noqa: E402

#: Each workload's size when --size is not given: small enough for queries to collide often.
SIZES = {"bank": 10, "counter": 1, "unique_index": 8, "unique_constraint": 8, "empty_range": 6, "on_call": 4,
         "delete_update": 6, "failures": 1}


@contextlib.contextmanager
def fresh(url: str, name: str):
    """A URL of an empty database for one workload: a new SQLite file, or a new PostgreSQL schema."""
    if url.startswith("sqlite:"):
        path = Path(url.removeprefix("sqlite:").removeprefix("//"))
        target = path.with_name(f"{path.stem}-{name}-{uuid.uuid4().hex[:6]}{path.suffix}")
        yield f"sqlite://{target}"
        return
    import psycopg

    schema = f"fql_stress_{name}_{uuid.uuid4().hex[:6]}"
    sep = "&" if "?" in url else "?"
    try:
        yield f"{url}{sep}fql_schema={schema}"
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="sqlite:///tmp/fql-stress.db")
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--ops", type=int, default=200)
    parser.add_argument("--servers", type=int, default=0)
    parser.add_argument("--size", type=int, default=0)
    parser.add_argument("--workloads", default=",".join(SIZES))
    parser.add_argument("--syntax", default="v4,v10")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    syntaxes = tuple(args.syntax.split(","))
    for name in args.workloads.split(","):
        workload = concurrency.WORKLOADS[name](args.size or SIZES[name])
        with fresh(args.db, name) as url:
            records, seconds = concurrency.timed(lambda: concurrency.run(
                workload, url, workers=args.workers, ops=args.ops, servers=args.servers, seed=args.seed,
                syntaxes=syntaxes))
        print(f"{name:18} {concurrency.summary(records, seconds)}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
