"""fql's storage benchmark: Get by ref, Create, indexed Match + Paginate and Login on each backend.

    python bench/storage.py [--sizes 1000,100000] [--backends memory,sqlite,postgres] [--seconds 1]
                            [--postgres URL] [--dir DIR]

For each backend, every size is loaded side by side; then each operation runs as a parsed fql query
(parsing left out) and as its raw-driver equivalent on an equivalent table: a `sqlite3` (or psycopg) point
select of a JSON row by primary key, an insert of one row in its own transaction, and a select of 11 ids
by an indexed column, and a Login done by hand (read the user's argon2 hash, verify the password with
argon2-cffi, insert a token's SHA-256 in its own transaction). Contenders run in turns and the best round counts, so a busy machine skews no
ratio. The ratio is fql's time over the raw time. "storage get" is the storage layer alone (begin, get,
commit) without the evaluator, against the raw point select. Login uses cheap argon2 parameters on both sides.
Targets (issue 6): point reads within 3x of raw; the index page at the largest size within 1.5x of the
smallest.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import secrets
import sqlite3
import sys
import tempfile
import time
import typing as t
from pathlib import Path

from argon2 import PasswordHasher

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import fql
from fql.auth.credentials import TEST_PARAMS
from fql.storage.base import DocKey

#: Documents created per loading query (each query is one transaction: 1M documents take 200).
LOAD_BATCH = 5000
#: Distinct values of the indexed `group` field: each has size/GROUPS documents.
GROUPS = 100


def per_op(fns: dict, seconds: float, rounds: int = 5) -> dict:
    """Mean µs per call of each function, the best of `rounds` rounds taken in turn (so a busy moment
    of a shared machine slows every contender alike, and the best round filters it out)."""
    best = dict.fromkeys(fns, float("inf"))
    for fn in fns.values():
        fn()
    for _ in range(rounds):
        for name, fn in fns.items():
            n, start = 0, time.perf_counter()
            while (elapsed := time.perf_counter() - start) < seconds / rounds:
                fn()
                n += 1
            best[name] = min(best[name], elapsed / n * 1e6)
    return best


def cycle(items: list):
    """A function returning the items in turn, forever."""
    state = {"i": 0}

    def next_item():
        state["i"] = (state["i"] + 1) % len(items)
        return items[state["i"]]

    return next_item


def load(db: fql.Database, size: int) -> list:
    """`size` documents in `items`, indexed by `group`, and one user with a password; their refs."""
    db.query('CreateCollection({name: "items"})')
    db.query('CreateIndex({name: "items_by_group", source: Collection("items"), terms: [{field: ["data", "group"]}]})')
    db.query('CreateCollection({name: "users"})')
    db.query('Create(Ref(Collection("users"), "1"), {credentials: {password: "pw"}})')
    body = f'{{data: {{group: Modulo(Var("i"), {GROUPS}), n: Var("i"), text: "some text to store"}}}}'
    # Parsed once; each batch binds its numbers to `ns` (parsing a 5000-number literal each time is waste).
    create = fql.parse(f'Map(Var("ns"), Lambda("i", Select("ref", Create(Collection("items"), {body}))))')
    refs: list = []
    started = time.perf_counter()
    for start in range(0, size, LOAD_BATCH):
        refs += db.run(create, env={"ns": list(range(start, min(start + LOAD_BATCH, size)))})
        if len(refs) % 100_000 == 0:
            print(f"    {len(refs)} documents in {time.perf_counter() - started:.0f}s", flush=True)
    return refs


def fql_ops(db: fql.Database, refs: list) -> dict:
    """The operations, as parsed queries on `db` (and one storage-layer read)."""
    gets = [fql.parse(f"Get({fql.to_fql(r)})") for r in random.sample(refs, min(500, len(refs)))]
    pages = [fql.parse(f'Paginate(Match(Index("items_by_group"), {g}), {{size: 10}})') for g in range(GROUPS)]
    create = fql.parse('Create(Collection("items"), {data: {group: 1000, n: 0, text: "some text to store"}})')
    login = fql.parse('Login(Ref(Collection("users"), "1"), {password: "pw"})')
    keys = [DocKey("", "items", r.id) for r in random.sample(refs, min(500, len(refs)))]
    next_get, next_page, next_key = cycle(gets), cycle(pages), cycle(keys)

    def storage_get():
        txn = db.storage.begin()
        txn.get(next_key())
        txn.commit()

    return {
        "Get by ref": lambda: db.run(next_get()),
        "storage get": storage_get,
        "Create": lambda: db.run(create),
        "Match+Paginate(10)": lambda: db.run(next_page()),
        "Login": lambda: db.run(login),
    }


def _pickers(size: int) -> tuple:
    """Ids to read (in turn), groups to page through (in turn), and new ids to insert."""
    return cycle(random.sample(range(size), min(500, size))), cycle(list(range(GROUPS))), iter(range(size, 10**9))


_ROW = json.dumps({"data": {"group": 1, "n": 1, "text": "some text to store"}})


def _raw_login(fetch_hash: t.Callable[[], str], store_token: t.Callable[[bytes], None]) -> t.Callable[[], None]:
    """A Login done by hand: read the user's argon2 hash, verify the password with argon2-cffi (the same
    cheap parameters as fql's run), store a new token's SHA-256 in its own transaction."""

    def login() -> None:
        _HASHER.verify(fetch_hash(), "pw")
        store_token(hashlib.sha256(secrets.token_bytes(32)).digest())

    return login


_HASHER = PasswordHasher(
    time_cost=TEST_PARAMS.time_cost, memory_cost=TEST_PARAMS.memory_kib, parallelism=TEST_PARAMS.parallelism
)


def raw_sqlite(path: str, size: int) -> dict:
    """The raw-driver baselines on a SQLite table of `size` JSON rows (WAL, fsync at each commit)."""
    conn = sqlite3.connect(path, isolation_level=None)
    for pragma in ("journal_mode = WAL", "synchronous = FULL", "cache_size = -65536"):
        conn.execute(f"PRAGMA {pragma}")
    conn.execute("CREATE TABLE raw (id INTEGER PRIMARY KEY, grp INTEGER NOT NULL, data TEXT NOT NULL)")
    conn.execute("CREATE INDEX raw_grp ON raw (grp, id)")
    conn.execute("CREATE TABLE raw_users (id INTEGER PRIMARY KEY, hash TEXT NOT NULL)")
    conn.execute("CREATE TABLE raw_tokens (id INTEGER PRIMARY KEY, user INTEGER NOT NULL, secret BLOB NOT NULL)")
    conn.execute("INSERT INTO raw_users VALUES (1, ?)", (_HASHER.hash("pw"),))
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO raw VALUES (?, ?, ?)", ((i, i % GROUPS, _ROW) for i in range(size)))
    conn.execute("COMMIT")
    ids, groups, new = _pickers(size)
    get, page = "SELECT data FROM raw WHERE id = ?", "SELECT id FROM raw WHERE grp = ? ORDER BY id LIMIT 11"
    return {
        "Get by ref": lambda: json.loads(conn.execute(get, (ids(),)).fetchone()[0]),
        "Create": lambda: conn.execute("INSERT INTO raw VALUES (?, ?, ?)", (next(new), 1000, _ROW)),
        "Match+Paginate(10)": lambda: conn.execute(page, (groups(),)).fetchall(),
        "Login": _raw_login(
            lambda: conn.execute("SELECT hash FROM raw_users WHERE id = 1").fetchone()[0],
            lambda digest: conn.execute("INSERT INTO raw_tokens (user, secret) VALUES (1, ?)", (digest,)),
        ),
    }


def raw_postgres(url: str, table: str, size: int) -> dict:
    """The same baselines with psycopg on a PostgreSQL table (autocommit: each statement commits)."""
    import psycopg

    conn = psycopg.connect(url, autocommit=True)
    conn.execute(f"CREATE TABLE {table} (id BIGINT PRIMARY KEY, grp BIGINT NOT NULL, data TEXT NOT NULL)")
    conn.execute(f"CREATE INDEX ON {table} (grp, id)")
    with conn.cursor().copy(f"COPY {table} (id, grp, data) FROM STDIN") as copy:
        for i in range(size):
            copy.write_row((i, i % GROUPS, _ROW))
    conn.execute(f"ANALYZE {table}")
    conn.execute(f"CREATE TABLE {table}_users (id BIGINT PRIMARY KEY, hash TEXT NOT NULL)")
    conn.execute(f"CREATE TABLE {table}_tokens (id BIGSERIAL PRIMARY KEY, usr BIGINT NOT NULL, secret BYTEA NOT NULL)")
    conn.execute(f"INSERT INTO {table}_users VALUES (1, %s)", (_HASHER.hash("pw"),))
    ids, groups, new = _pickers(size)
    cur = conn.cursor()

    def get():
        cur.execute(f"SELECT data FROM {table} WHERE id = %s", (ids(),))
        json.loads(cur.fetchone()[0])

    def page():
        cur.execute(f"SELECT id FROM {table} WHERE grp = %s ORDER BY id LIMIT 11", (groups(),))
        cur.fetchall()

    def fetch_hash() -> str:
        cur.execute(f"SELECT hash FROM {table}_users WHERE id = 1")
        return cur.fetchone()[0]

    return {
        "Get by ref": get,
        "Create": lambda: cur.execute(f"INSERT INTO {table} VALUES (%s, %s, %s)", (next(new), 1000, _ROW)),
        "Match+Paginate(10)": page,
        "Login": _raw_login(
            fetch_hash, lambda digest: cur.execute(f"INSERT INTO {table}_tokens (usr, secret) VALUES (1, %s)", (digest,))
        ),
    }


class Setup:
    """One backend at one size: the fql database, loaded, and the raw baseline next to it."""

    def __init__(self, backend: str, size: int, args: argparse.Namespace, workdir: Path):
        tag = f"{size}_{random.randrange(10**6)}"
        self.cleanup: list = []
        raw: dict = {}
        if backend == "memory":
            url = "memory://"
        elif backend == "sqlite":
            url = f"sqlite://{workdir / f'fql-{tag}.db'}"
            raw = raw_sqlite(str(workdir / f"raw-{tag}.db"), size)
        else:
            url = f"{args.postgres}{'&' if '?' in args.postgres else '?'}fql_schema=fql_bench_{tag}"
            raw = raw_postgres(args.postgres, f"fql_bench_raw_{tag}", size)
            self.cleanup.append(lambda: _drop(args.postgres, f"fql_bench_{tag}", f"fql_bench_raw_{tag}"))
        started = time.perf_counter()
        self.db = fql.connect(url, argon2=TEST_PARAMS)
        refs = load(self.db, size)
        print(f"  {backend}: loaded {size} documents through fql in {time.perf_counter() - started:.1f}s", flush=True)
        self.ops, self.raw = fql_ops(self.db, refs), raw

    def close(self) -> None:
        self.db.close()
        for fn in self.cleanup:
            fn()


def _drop(url: str, schema: str, table: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        for name in (table, f"{table}_users", f"{table}_tokens"):
            conn.execute(f"DROP TABLE IF EXISTS {name}")


def measure(backend: str, sizes: list[int], args: argparse.Namespace, workdir: Path) -> None:
    """Every size of one backend loaded side by side, then each operation timed against its baseline."""
    setups = {size: Setup(backend, size, args, workdir) for size in sizes}
    try:
        results: dict[str, dict] = {}
        for op in setups[sizes[0]].ops:
            fns = {("fql", size): setup.ops[op] for size, setup in setups.items()}
            baseline = "Get by ref" if op == "storage get" else op
            fns.update({("raw", size): setup.raw[baseline] for size, setup in setups.items() if baseline in setup.raw})
            results[op] = per_op(fns, args.seconds * len(fns))
        report(backend, sizes, results)
    finally:
        for setup in setups.values():
            setup.close()


def report(backend: str, sizes: list[int], results: dict[str, dict]) -> None:
    for size in sizes:
        print(f"{backend} at {size} documents")
        for op, times in results.items():
            us, raw = times[("fql", size)], times.get(("raw", size))
            ratio = f"{us / raw:6.1f}x raw ({raw:8.1f} µs)" if raw else ""
            print(f"  {op:20s} {us:9.1f} µs  {ratio}")
    if len(sizes) > 1:
        page = results["Match+Paginate(10)"]
        print(f"{backend}: index page at {sizes[-1]} costs {page[('fql', sizes[-1])] / page[('fql', sizes[0])]:.2f}x "
              f"its cost at {sizes[0]} (target <= 1.5x)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,100000")
    parser.add_argument("--backends", default="memory,sqlite,postgres")
    parser.add_argument("--seconds", type=float, default=1.0, help="time per operation and contender")
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--dir", default=None, help="where SQLite files go (default: a temporary directory)")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        for backend in args.backends.split(","):
            measure(backend, sizes, args, Path(tmp))
    return 0


if __name__ == "__main__":
    sys.exit(main())
