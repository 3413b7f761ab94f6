"""Instructions per query under valgrind's callgrind, for a base commit and the current tree, and their ratio.

    python bench/instructions.py [--base COMMIT] [--queries N] [--warmup W] [--size S]

Wall-clock rates swing when other processes share the cores; instruction counts do not, so this is the
figure to compare two trees by. The base commit is unpacked with `git archive` into a directory under the
temporary directory (kept for the next run); the current tree is this checkout as it stands, uncommitted
changes included. Each tree runs this script in driver mode under `valgrind --tool=callgrind` (both at
once): it builds the same data through the embedding API (`fql.connect()`; S documents in a v4 collection
with a term index, as bench/run.py does, and S in a v10 collection with an index, as bench/v10.py does),
then per query runs W warm-up queries and then N measured ones inside one `functools.reduce` call.
Callgrind collects only inside that C function (`--collect-atstart=no --toggle-collect`) and writes one
dump after each (`--dump-after`), so start-up, data building and warm-up cost nothing. An empty loop
measured the same way is subtracted. The server's cases call `fql.server.App` as an ASGI app directly (no
sockets, no HTTP), with queries run inline as `fql serve` runs them for the memory store. The parse
cases parse a text afresh each time (`db.query` caches parses by text, so the others parse once). PYTHONHASHSEED
is fixed, so a run repeats to within a few instructions per query.
"""

from __future__ import annotations

import argparse
import functools
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: The C function inside which callgrind collects: the driver runs each measured loop as one call of it.
MARKER = "functools_reduce"
SECRET = "secret"
#: (name, syntax, query): `syntax` is v4 or v10 for `db.query`, asgi-v4 / asgi-v10 for the app called
#: directly with the query as a wire body, parse-v4 / parse-v10 for the parse alone (uncached). {id4} and
#: {id10} are documents of the collections the queries read.
CASES = [
    ("v4 Get(Ref)", "v4", 'Get(Ref(Collection("items"), "{id4}"))'),
    ("v4 Paginate(Match) of 10", "v4", 'Paginate(Match(Index("items_by_group"), "g42"), {{size: 16}})'),
    ("v4 Create", "v4", 'Create(Collection("items"), {{data: {{n: -1, group: "new", name: "x"}}}})'),
    ("v10 byId", "v10", 'People.byId("{id10}")'),
    ("v10 byEmail(e).first()", "v10", 'People.byEmail("u1").first()'),
    ("v10 all().pageSize(16)", "v10", "People.all().pageSize(16)"),
    ("v10 where(.n > 5).first()", "v10", "People.where(.n > 5).first()"),
    ("app v4 Get (ASGI)", "asgi-v4", '{{"get": {{"@ref": {{"id": "{id4}", "collection": {{"@ref": {{"id": "items",'
     ' "collection": {{"@ref": {{"id": "collections"}}}}}}}}}}}}}}'),
    ("app v10 byId (ASGI)", "asgi-v10", '{{"query": "People.byId(\\"{id10}\\")"}}'),
    ("v4 parse (uncached)", "parse-v4", 'Map(Paginate(Match(Index("items_by_group"), "g42"), {{size: 16}}),'
     ' Lambda("r", Let({{doc: Get(Var("r"))}}, If(GT(Select(["data", "n"], Var("doc")), 5),'
     ' Select(["data", "name"], Var("doc")), null))))'),
    ("v10 parse (uncached)", "parse-v10", 'People.where(.n > 5 && .email != "x")'
     '.map(p => {{ email: p.email, next: p.n + 1, tags: ["a", "b"] }}).pageSize(16)'),
]


# The driver: runs in the tree measured, under callgrind.


def populate(db, size: int) -> dict[str, str]:
    """The data every case reads: `items` (v4, with a term index) and `People` (v10, with byEmail)."""
    db.query('CreateCollection({name: "items"})')
    db.query('CreateIndex({name: "items_by_group", source: Collection("items"),'
             ' terms: [{field: ["data", "group"]}], values: [{field: ["data", "n"]}]})')
    for start in range(0, size, 500):
        docs = ", ".join(f'{{data: {{n: {i}, group: "g{i % 100}", name: "item {i}"}}}}'
                         for i in range(start, min(size, start + 500)))
        db.query(f'Foreach([{docs}], Lambda("d", Create(Collection("items"), Var("d"))))')
    db.query('Collection.create({ name: "People", indexes: { byEmail: { terms: [{ field: ".email" }] } } })',
             syntax="v10")
    for start in range(0, size, 500):
        db.query(f"Set.sequence({start}, {min(size, start + 500)})"
                 ".forEach(i => People.create({ email: 'u' + i.toString(), n: i }))", syntax="v10")
    page = db.query('Paginate(Documents(Collection("items")), {size: 1000})')
    return {"id4": page.data[len(page.data) // 2].id,
            "id10": db.query("People.all().toArray()[" + str(size // 2) + "].id", syntax="v10")}


def asgi_call(app, path: str, body: str, headers: list[tuple[bytes, bytes]]):
    """A function that sends one request to the ASGI app `app` and checks that it answered 200."""
    scope = {"type": "http", "method": "POST", "path": path, "query_string": b"",
             "headers": [(b"authorization", f"Bearer {SECRET}".encode()), (b"content-type", b"application/json"),
                         *headers]}
    message = {"type": "http.request", "body": body.encode(), "more_body": False}
    status = []

    async def receive():
        return message

    async def send(event):
        if event["type"] == "http.response.start":
            status.append(event["status"])

    def call():
        # Inline, the app never waits: the coroutine ends at its first step.
        try:
            app(scope, receive, send).send(None)
        except StopIteration:
            pass
        else:
            raise SystemExit("the app suspended: instructions.py calls it only where it runs inline")
        if status.pop() != 200:
            raise SystemExit(f"the app answered {path} {body} with an error")

    return call


def runner(db, app, syntax: str, text: str):
    if syntax == "asgi-v4":
        return asgi_call(app, "/", text, [])
    if syntax == "asgi-v10":
        return asgi_call(app, "/query/1", text, [(b"x-format", b"tagged")])
    if syntax.startswith("parse-"):
        # The query's text parsed afresh each time (db.query's parse is cached by text).
        from fql.parse import _parse

        return functools.partial(_parse, text, syntax[len("parse-"):])
    return functools.partial(db.query, text, secret=SECRET, syntax=syntax)


def drive(args: argparse.Namespace) -> None:
    """Build the data, then per case warm up and run the measured loop inside MARKER."""
    sys.path.insert(0, args.driver)
    import fql
    from fql import stack
    from fql.server import App

    db = fql.connect(root_secret=SECRET)
    ids = populate(db, args.size)
    app = App(db)
    app.inline = True  # as fql's ServerThread sets it for the memory store
    loops = [("(empty loop)", lambda: None)]
    loops += [(name, runner(db, app, syntax, text.format(**ids))) for name, syntax, text in CASES]
    # On a deep thread, as `fql serve` runs queries: while the app's worker pool holds the recursion limit
    # raised, a query called from an ordinary thread runs on a new deep thread (fql/stack.py), and callgrind
    # collects only in the thread that entered MARKER, so from the main thread it counted the thread's start
    # and none of the query.
    stack.run_deep(functools.partial(measure, loops, args))
    app.pool.close()


def measure(loops: list, args: argparse.Namespace) -> None:
    for _, run in loops:
        for _ in range(args.warmup):
            run()
        functools.reduce(lambda _, __: run(), range(args.queries), None)


# The parent: unpacks the base, runs both drivers under callgrind, reads the dumps.


def base_tree(commit: str) -> Path:
    """The base commit's files, unpacked once under the temporary directory."""
    full = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--verify", commit + "^{commit}"],
                          capture_output=True, text=True, check=True).stdout.strip()
    tree = Path(tempfile.gettempdir()) / f"fql-instructions-{full[:12]}"
    if not (tree / "fql").is_dir():
        tree.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", full], capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    return tree


def start(tree: Path, out: Path, args: argparse.Namespace) -> subprocess.Popen:
    command = ["valgrind", "--tool=callgrind", "--collect-atstart=no", f"--toggle-collect={MARKER}",
               f"--dump-after={MARKER}", f"--callgrind-out-file={out / 'cg.out'}",
               sys.executable, str(Path(__file__).resolve()), "--driver", str(tree),
               "--queries", str(args.queries), "--warmup", str(args.warmup), "--size", str(args.size)]
    env = dict(os.environ, PYTHONHASHSEED="0", PYTHONPATH=str(tree), PYTHONDONTWRITEBYTECODE="1")
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=(out / "valgrind.txt").open("w"))


def per_query(out: Path, queries: int) -> list[float]:
    """Instructions per query of each measured loop, in order, less the empty loop's."""
    dumps = sorted(out.glob("cg.out.*"), key=lambda p: int(p.suffix[1:]))
    totals = []
    for dump in dumps:
        for line in dump.read_text().splitlines():
            if line.startswith("totals:") or line.startswith("summary:"):
                totals.append(int(line.split()[1]))
                break
    if len(totals) != len(CASES) + 1:
        sys.exit(f"expected {len(CASES) + 1} callgrind dumps in {out}, found {len(totals)}: see valgrind.txt there")
    empty = totals[0] / queries
    return [total / queries - empty for total in totals[1:]]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="f2ccfec", help="the commit to compare against (default f2ccfec)")
    parser.add_argument("--queries", type=int, default=200, help="measured queries per case")
    parser.add_argument("--warmup", type=int, default=50, help="unmeasured queries per case before them")
    parser.add_argument("--size", type=int, default=1000, help="documents per collection")
    parser.add_argument("--driver", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.driver:
        drive(args)
        return 0
    if shutil.which("valgrind") is None:
        print("instructions.py needs valgrind on PATH (apt-get install valgrind): it counts instructions with "
              "valgrind --tool=callgrind", file=sys.stderr)
        return 2
    trees = {args.base: base_tree(args.base), "current": ROOT}
    with tempfile.TemporaryDirectory(prefix="fql-instructions-") as scratch:
        outs = {name: Path(scratch) / name for name in trees}
        running = {}
        for name, tree in trees.items():
            outs[name].mkdir()
            running[name] = start(tree, outs[name], args)
        for name, proc in running.items():
            if proc.wait() != 0:
                log = (outs[name] / "valgrind.txt").read_text()
                sys.exit(f"the driver for {name} failed ({proc.returncode}):\n{log[-3000:]}")
        figures = {name: per_query(out, args.queries) for name, out in outs.items()}
    print(f"instructions per query (callgrind; {args.queries} queries after {args.warmup} warm-up; "
          f"{args.size} documents per collection)")
    print(f"  {'query':28} {'base ' + args.base:>14} {'current':>12} {'ratio':>7}")
    for (name, _, _), base, current in zip(CASES, figures[args.base], figures["current"]):
        print(f"  {name:28} {base:14,.0f} {current:12,.0f} {current / base:7.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
