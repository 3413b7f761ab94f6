"""Differential testing of the storage backends: one seeded sequence of v4 and v10 queries run in lockstep on
memory, SQLite and PostgreSQL, each answer (its value, or its error's code and description) compared, and
the whole state after each query (every collection's documents and events, every index's entries, keys,
tokens, child databases, a read at an earlier time) compared too. The SQL databases are now and then
reopened (a new `fql.Database` on the same URL) between queries.

Answers differ in what the backends may choose: times, generated ids, secrets, cursors. Each such token is
replaced by a label numbered in order of first appearance on its backend, so that equal tokens stay equal
and the backends' answers compare as a whole. A query may name a time an earlier query ran at, a secret or
a cursor an earlier one answered (`${t3}`, `${k2}`, `${c5}`): each backend's own is put in.

Run many seeds by hand:

    PYTHONPATH=. python -m tests.storage.lockstep 1 200 [STEPS [schema|feeds]]    # seeds 1..200
"""

from __future__ import annotations

import contextlib
import json
import random
import re
import sys
import tempfile
import traceback
import typing as t
from pathlib import Path

import attrs

import fql
from fql.errors import FQLError
from fql.server import v10 as v10_server
from fql.server import ServerThread
from fql.server.protocol import ProtocolError
from fql.server.streams import StreamSettings
from fql.wire.v4 import to_json
from tests.fixtures import FIXTURES, load

from .backends import postgres_problem, postgres_url


#: Where a query names a captured value: `${t3}`.
_PLACE = re.compile(r"\$\{(\w+)\}")


@attrs.define
class Step:
    """One query: its text (with `${name}` places for captured values), its syntax, the secret to run it
    with (None: root; a `${name}` of a captured secret) and what of its answer to keep as `capture`."""

    text: str
    syntax: str
    secret: str | None = None
    #: Keep the answer as `keep` for later steps: "secret" (the value), "cursor" (a page's `after`).
    capture: str | None = None
    keep: str | None = None
    #: For a "feed" step: the options of `POST /feed/1` besides the token, as JSON (`start_ts`, `cursor`);
    #: for an "fsl" step, the method and path of the schema API it calls (`POST /schema/1/update`).
    feed: str | None = None
    #: Whether it runs on a second Database of the same URL (see Runner.other).
    other: bool = False


# --- normalising ---------------------------------------------------------------------------------------

#: Tokens a backend chooses itself, inside strings: ISO times, ids (snowflakes), secrets, cursors, hashes.
_TOKENS = re.compile(
    r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z"
    r"|\$argon2[^\s\"]*|\$2a\$[^\s\"]*"
    r"|(?<=/db/)[a-z0-9]+"
    r"|\b\d{15,}\b"
    r"|[A-Za-z0-9_\-+/]{24,}=*"
)


#: Fields whose whole value a backend chooses.
_CHOSEN = ("global_id", "cursor")
#: Fields that measure time taken (an event's stats), left out.
_TIMINGS = ("processing_time_ms", "query_time_ms")


class Labels:
    """One backend's tokens, each with the label of its first appearance."""

    def __init__(self) -> None:
        self.seen: dict[t.Any, str] = {}

    def label(self, token: t.Any) -> str:
        found = self.seen.get(token)
        if found is None:
            found = self.seen[token] = f"<{len(self.seen)}>"
        return found

    def plain(self, value: t.Any) -> t.Any:
        """`value` (JSON data) with every token labelled."""
        if isinstance(value, bool) or value is None or isinstance(value, float):
            return value
        if isinstance(value, int):
            # Microsecond times and ids as numbers.
            return self.label(("int", value)) if abs(value) >= 10**14 else value
        if isinstance(value, str):
            return _TOKENS.sub(lambda m: self.label(m.group()), value)
        if isinstance(value, list):
            return [self.plain(v) for v in value]
        if isinstance(value, dict):
            # A database's global id is made from its (generated) id; a feed's cursor from a time.
            return {self.plain(k): self.label(v) if k in _CHOSEN else self.plain(v) for k, v in value.items()
                    if k not in _TIMINGS}
        return repr(value)


# --- running -------------------------------------------------------------------------------------------

_DROPPED_STATS = ("query_time_ms", "contention_retries")
#: v10 answers in the tagged format, which tells an Int from a Long and a Time from a string.
TAGGED = {"x-format": "tagged"}


class Runner:
    """One backend's database, what it captured, and its labels."""

    def __init__(self, name: str, url: str) -> None:
        self.name, self.url = name, url
        self.db = fql.connect(url)
        #: A second Database on the same URL (SQL backends only), which some queries run on: what one
        #: commits, the other must see, whatever either keeps between queries.
        self.other: fql.Database | None = None
        self.labels = Labels()
        self.captured: dict[str, str] = {}
        #: The time of each step (µs), for `{t<n>}`.
        self.times: list[int] = []

        self._server: ServerThread | None = None

    def reopen(self) -> None:
        if self.name != "memory":
            self._stop()
            self.db.close()
            self.db = fql.connect(self.url)
            if self.other is not None:
                self.other.close()
                self.other = None

    def close(self) -> None:
        self._stop()
        self.db.close()
        if self.other is not None:
            self.other.close()

    def on(self, step: Step) -> fql.Database:
        """The Database `step` runs on."""
        if not step.other or self.name == "memory":
            return self.db
        if self.other is None:
            self.other = fql.connect(self.url)
        return self.other

    def server(self) -> ServerThread:
        """A server of this database (for FSL pushes and event feeds), started at its first use."""
        if self._server is None:
            self._server = ServerThread(self.db, streams=StreamSettings(poll_interval=0.02, max_duration=5.0))
            self._server.start()
        return self._server

    def _stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None

    def fill(self, text: str) -> str | None:
        missing = []
        filled = _PLACE.sub(lambda m: self.captured.get(m.group(1)) or missing.append(m.group(1)) or "", text)
        return None if missing else filled

    def run(self, step: Step, record: bool = True) -> t.Any:
        """The answer to `step` as JSON data, tokens labelled; keeps what it captures, and unless not to
        `record`, the time it ran at as `${t<n>}` (a failed query's: the time before it)."""
        text = self.fill(step.text)
        secret = None if step.secret is None else self.fill(step.secret)
        if text is None or (step.secret is not None and secret is None):
            return "skipped: nothing captured"
        raw, ts = self._answer(step, text, secret)
        if record:
            self.times.append(ts or (self.times[-1] if self.times else 0))
            self.captured[f"t{len(self.times) - 1}"] = str(self.times[-1])
        if step.capture is not None and step.keep is not None:
            kept = self._kept(step, raw)
            if kept is not None:
                self.captured[step.keep] = kept
        if step.syntax == "v10" and isinstance(raw, dict):
            stats = raw.get("stats", {})
            raw = {**raw, "stats": {k: v for k, v in stats.items() if k not in _DROPPED_STATS}}
            raw.pop("txn_ts", None)
        return self.labels.plain(raw)

    def _answer(self, step: Step, text: str, secret: str | None) -> tuple[t.Any, int]:
        if step.syntax == "fsl":
            method, path = (step.feed or "POST /schema/1/update?force=true").split(" ")
            return self._post(path, *multipart([("main.fsl", text)]), secret=secret, method=method), 0
        if step.syntax == "feed":
            made = self._post("/query/1", json.dumps({"query": text}).encode(), "application/json")
            if made.get("status") != 200:
                return made, 0
            options = json.loads(self.fill(step.feed or "{}") or "{}")
            token = made["data"]["@stream"] if isinstance(made["data"], dict) else made["data"]
            return self._post("/feed/1", json.dumps({"token": token, **options}).encode(), "application/json"), 0
        if step.syntax == "v10":
            try:
                response = v10_server.query(self.on(step), {"query": text}, secret or self.db.root_secret, TAGGED, 0)
                body = json.loads(response.body)
                status = response.status
            except v10_server.V10Error as err:
                body, status = err.v10_body(), err.status
            except ProtocolError as err:
                body, status = {"protocol error": err.description}, err.status
            except FQLError as err:
                body, status = {"v10 error": [err.v10_code, err.description]}, 0
            except Exception as exc:  # noqa: BLE001 - a Python failure is a finding too
                return {"python": _python(exc)}, 0
            return {"status": status, **body}, body.get("txn_ts", 0) if isinstance(body, dict) else 0
        try:
            result, state = self.on(step).run_with_state(fql.parse(text, "v4"), secret=secret, syntax="v4")
            return {"resource": to_json(result)}, state.ts
        except FQLError as err:
            return {"errors": err.v4_errors()}, 0
        except Exception as exc:  # noqa: BLE001
            return {"python": _python(exc)}, 0

    def _kept(self, step: Step, raw: t.Any) -> str | None:
        if step.syntax == "v10":
            data = raw.get("data") if isinstance(raw, dict) else None
            if step.capture == "secret":
                return data if isinstance(data, str) else None
            after = data.get("after") if isinstance(data, dict) else None
            return json.dumps(after) if isinstance(after, str) else None
        resource = raw.get("resource") if isinstance(raw, dict) else None
        if step.capture == "secret":
            return resource if isinstance(resource, str) else None
        if isinstance(resource, dict) and "after" in resource:
            return v4_text(resource["after"])
        return None


    def _post(self, path: str, body: bytes, kind: str, secret: str | None = None, method: str = "POST") -> dict:
        import httpx

        headers = {"Authorization": f"Bearer {secret or self.db.root_secret}", "Content-Type": kind}
        response = httpx.request(method, self.server().url + path, content=body if method == "POST" else None,
                                 headers=headers, timeout=10)
        answer = response.json()
        if isinstance(answer, dict):
            answer.pop("stats", None)
            answer.pop("txn_ts", None)
        return {"status": response.status_code, **(answer if isinstance(answer, dict) else {"body": answer})}


def multipart(files: list[tuple[str, str]]) -> tuple[bytes, str]:
    """The form-data body the Fauna CLI pushes FSL files in."""
    boundary = "lockstep-boundary"
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{name}"\r\n'
             f"Content-Type: application/octet-stream\r\n\r\n{content}\r\n" for name, content in files]
    return ("".join(parts) + f"--{boundary}--\r\n").encode(), f"multipart/form-data; boundary={boundary}"


def _python(exc: BaseException) -> str:
    return "".join(traceback.format_exception_only(type(exc), exc)).strip() + "\n" + traceback.format_exc(limit=-6)


def v4_text(value: t.Any) -> str:
    """FQL v4 text for a v4 wire value (a cursor, as a page answered it)."""
    if isinstance(value, list):
        return "[" + ", ".join(v4_text(v) for v in value) + "]"
    if isinstance(value, dict):
        if "@ref" in value:
            return _ref_text(value["@ref"])
        if "@ts" in value:
            return f'Time("{value["@ts"]}")'
        if "@obj" in value:
            value = value["@obj"]
        return "{" + ", ".join(f"{json.dumps(k)}: {v4_text(v)}" for k, v in value.items()) + "}"
    return json.dumps(value)


def _ref_text(ref: dict) -> str:
    if "collection" not in ref:
        natives = {"collections": "Collection", "indexes": "Index", "databases": "Database", "functions": "Function",
                   "roles": "Role"}  # fmt: skip
        return f"{natives.get(ref['id'], 'Collection')}s()" if ref["id"] in natives else f'Collection("{ref["id"]}")'
    coll = ref["collection"]["@ref"]
    if coll["id"] == "collections" and "collection" in coll:
        return f'Collection("{ref["id"]}")'
    if coll["id"] == "indexes":
        return f'Index("{ref["id"]}")'
    return f'Ref(Collection("{coll["id"]}"), "{ref["id"]}")'


# --- the queries ---------------------------------------------------------------------------------------

#: The child database FSL is pushed to (a push replaces the whole schema of its database).
FSL_SECRET = "secret:fs:admin"
#: What the state check reads there.
STATE_FSL = """{
  collections: Collection.all().toArray(),
  documents: Collection.all().toArray().map(c => Collection(c.name).all().pageSize(1000).toArray()),
  functions: Function.all().toArray()
}"""
#: Everything the state check reads, in v4: documents with their histories (of every document that ever
#: was in the collection), the collection's events, index entries (terms are always
#: `data.n`, 0..4), keys, tokens, credentials, child databases, functions, roles.
STATE_V4 = """Let({
  colls: Select("data", Paginate(Collections(), {size: 100})),
  idxs: Select("data", Paginate(Indexes(), {size: 100}))
}, {
  collections: Map(Var("colls"), Lambda("c", [
    Get(Var("c")),
    Paginate(Documents(Var("c")), {size: 1000}),
    [Paginate(Reverse(Documents(Var("c"))), {size: 1000}), Paginate(Documents(Var("c")), {size: 2}),
     Paginate(Documents(Var("c")), {size: 1000, after: [Ref(Var("c"), "3")]}),
     Paginate(Documents(Var("c")), {size: 1000, before: [Ref(Var("c"), "5")]})],
    Map(Select("data", Paginate(Documents(Var("c")), {size: 1000})), Lambda("r", Get(Var("r")))),
    Paginate(Documents(Var("c")), {size: 1000, events: true}),
    Map(Select("data", Paginate(Documents(Var("c")), {size: 1000, events: true})),
        Lambda("e", Paginate(Select("document", Var("e")), {size: 1000, events: true})))
  ])),
  indexes: Map(Var("idxs"), Lambda("i", [
    Get(Var("i")),
    If(Or(IsEmpty(Select("terms", Get(Var("i")), [])), Not(Select("active", Get(Var("i")), true))),
       [Paginate(Match(Var("i")), {size: 1000}), Paginate(Reverse(Match(Var("i"))), {size: 1000}),
        Paginate(Match(Var("i")), {size: 1000, after: ["b"]}), Paginate(Match(Var("i")), {size: 1000, before: ["x"]}),
        Paginate(Range(Match(Var("i")), [1], ["y"]), {size: 1000}), Paginate(Match(Var("i")), {size: 4})],
       Map([0, 1, 2, 3, 4], Lambda("n", Paginate(Match(Var("i"), Var("n")), {size: 1000}))))
  ])),
  keys: Map(Select("data", Paginate(Keys(), {size: 1000})), Lambda("k", Get(Var("k")))),
  tokens: Map(Select("data", Paginate(Tokens(), {size: 1000})), Lambda("k", Get(Var("k")))),
  credentials: Map(Select("data", Paginate(Credentials(), {size: 1000})), Lambda("k", Get(Var("k")))),
  databases: Map(Select("data", Paginate(Databases(), {size: 1000})), Lambda("d", Get(Var("d")))),
  functions: Map(Select("data", Paginate(Functions(), {size: 1000})), Lambda("f", Get(Var("f")))),
  roles: Map(Select("data", Paginate(Roles(), {size: 1000})), Lambda("f", Get(Var("f"))))
})"""
#: P's indexes read every way: ranges, reverse, small pages (core's own range reads).
STATE_P = """{
  sorted: P.sorted().toArray(),
  reversed: P.sorted().reverse().toArray(),
  ranges: [P.sorted({ from: [1] }).toArray(), P.sorted({ to: [3, "y"] }).toArray(),
           P.sorted({ from: [2, "a"], to: [4] }).reverse().toArray()],
  byN: [0, 1, 2, 3, 4].map(n => [P.byN(n).toArray(), P.byN(n).reverse().toArray(), P.byN(n, { from: "b" }).toArray()]),
  page: P.sorted().pageSize(3),
  all: P.all().reverse().pageSize(5)
}"""
#: The same in v10, for what v4 does not show (definitions, computed and v10-only fields).
STATE_V10 = """{
  collections: Collection.all().toArray(),
  documents: Collection.all().toArray().map(c => Collection(c.name).all().pageSize(1000).toArray()),
  functions: Function.all().toArray(),
  databases: Database.all().toArray()
}"""

_UNSTABLE = re.compile(r"\bnow\b|Now\(|newId|NewId|NewID|Time\.now|sleep|Sleep|uuid|UUID|random|Random|"
                       r"eventSource|eventsOn|changesOn|\bts\b")


def fixture_queries(syntax: str) -> list[str]:
    """Queries of the fixture files of `syntax`, bar those whose answer depends on the clock."""
    out = []
    for path in sorted((FIXTURES / syntax).glob("*.fql")):
        for case in load(path):
            if not _UNSTABLE.search(case.query) and len(case.query) < 600:
                out.append(case.query)
    return out


class Generator:
    """Seeded random steps over a small universe: v4 collections `a` and `b` (indexes `a_by_n`, `a_vals`,
    `b_by_n`), v10 collections `P` and `Q` (indexes `byN`, `sorted`), child databases, keys and users."""

    def __init__(self, seed: int, focus: str | None = None) -> None:
        self.rng = random.Random(seed)
        #: "schema" or "feeds": draw mostly FSL pushes and queries of what they define, or mostly event
        #: feeds and bulk writes.
        self.focus = focus
        self.fixtures = {"v4": fixture_queries("v4"), "v10": fixture_queries("v10")}
        self.k = 0
        self.steps = 0

    def setup(self) -> list[Step]:
        return [
            Step('CreateCollection({name: "a"})', "v4"),
            Step('CreateCollection({name: "b", history_days: 3})', "v4"),
            Step('CreateIndex({name: "a_by_n", source: Collection("a"), terms: [{field: ["data", "n"]}]})', "v4"),
            Step('CreateIndex({name: "a_vals", source: Collection("a"), values: [{field: ["data", "s"]}, '
                 '{field: ["data", "n"], reverse: true}, {field: ["ref"]}]})', "v4"),
            Step('CreateIndex({name: "b_by_n", source: [Collection("a"), Collection("b")], '
                 'terms: [{field: ["data", "n"]}], values: [{field: ["data", "s"]}, {field: ["ts"]}]})', "v4"),
            Step('Collection.create({ name: "P", indexes: { byN: { terms: [{ field: ".n" }], values: '
                 '[{ field: ".s" }, { field: ".n", order: "desc" }] }, sorted: { values: [{ field: ".n" }, '
                 '{ field: ".s" }] } }, constraints: [{ unique: ["s"] }] })', "v10"),
            Step('Collection.create({ name: "Q", fields: { n: { signature: "Int?" }, s: { signature: "String?" } },'
                 ' computed_fields: { twice: { body: "(d) => (d.n ?? 0) * 2" } } })', "v10"),
            Step('CreateCollection({name: "users"})', "v4"),
            Step('Database.create({ name: "fs" })', "v10"),
            Step('Foreach([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], Lambda("i", Create(Collection("a"), '
                 '{data: {n: Modulo(Var("i"), 5), s: Concat(["s", ToString(Var("i"))])}})))', "v4"),
            Step("[0, 1, 2, 3, 4, 5, 6, 7].forEach(i => P.create({ n: i % 5, s: 'p' + i.toString() }))", "v10"),
            Step('Create(Ref(Collection("users"), "1"), {data: {name: "u1"}, credentials: {password: "pw"}})', "v4"),
        ]

    def step(self) -> Step:
        self.steps += 1
        rng = self.rng
        roll = rng.random()
        if self.focus == "schema" and roll < 0.7:
            return self._fsl() if roll < 0.35 else self._in_fsl()
        if self.focus == "feeds" and roll < 0.6:
            return self._feed() if roll < 0.3 else self._bulk()
        if roll < 0.12:
            return self._fixture()
        if roll < 0.15:
            return self._fsl()
        if roll < 0.17:
            return self._in_fsl()
        if roll < 0.2:
            return self._bulk()
        if roll < 0.2:
            return self._feed()
        if roll < 0.5:
            return self._v4()
        return self._v10()

    # -- helpers

    def n(self) -> int:
        return self.rng.randint(0, 4)

    def s(self) -> str:
        """A value of an indexed field: mostly strings, sometimes another type (v4 and v10 spell them alike)."""
        if self.rng.random() < 0.7:
            return json.dumps(self.rng.choice(["x", "y", "z", "Ab", "ab", "é", "10", "9", "", "😀", "a\u0000b"]))
        return self.rng.choice(["1", "1.0", "2.5", "-0.0", "0", "true", "false", "null", "[1, \"a\"]", "{x: 1}",
                                'Time("2020-01-01T00:00:00Z")', 'Date("2020-01-01")', "9007199254740993",
                                "-9223372036854775808", "1e300"])

    def id_(self) -> str:
        return self.rng.choice(["1", "2", "3", "4", "5", "6", "6", "100", "99", "123456789012345678"])

    def mark(self) -> str:
        return "${t" + str(self.rng.randint(0, max(0, self.steps - 2))) + "}"

    def new(self, prefix: str) -> str:
        self.k += 1
        return f"{prefix}{self.k}"

    def old(self, prefix: str) -> str:
        return "${" + prefix + str(self.rng.randint(1, max(1, self.k))) + "}"

    def _fixture(self) -> Step:
        syntax = self.rng.choice(["v4", "v10"])
        text = self.rng.choice(self.fixtures[syntax])
        if self.rng.random() < 0.3:
            # Splice another query after it (v10: one block; v4: a Do).
            other = self.rng.choice(self.fixtures[syntax])
            text = f"{text}\n{other}" if syntax == "v10" else f"Do({text}, {other})"
        if self.rng.random() < 0.3:
            text = re.sub(r"\b\d\b", lambda m: str(self.rng.randint(0, 4)), text)
        return Step(text, syntax)

    def _fsl(self) -> Step:
        rng = self.rng
        index = rng.choice(["", "  index byS {\n    terms [.s]\n  }\n", "  index byS {\n    terms [.n]\n    values [.s]\n  }\n"])
        field = rng.choice(["", "  n: Int?\n  s: Any\n",
                            "  n: Int\n  s: Any\n  migrations {\n    add .n\n    backfill .n = 0\n  }\n"])
        name = rng.choice(["R", "S", "R"])
        extra = rng.choice(["", f"collection {name}2 {{}}\n", 'function h(x) { x + 1 }\n'])
        # A push, staged or not; a staged schema's status, commit or abandon; the files read back.
        path = rng.choice(["POST /schema/1/update?force=true", "POST /schema/1/update?force=true",
                           "POST /schema/1/update?staged=true&force=true", "POST /schema/1/staged/commit?force=true",
                           "POST /schema/1/staged/abandon?force=true", "GET /schema/1/staged/status",
                           "GET /schema/1/files/main.fsl", "POST /schema/1/diff?force=true"])
        return Step(f"collection {name} {{\n{field}{index}}}\n{extra}", "fsl", secret=FSL_SECRET, feed=path)

    def _in_fsl(self) -> Step:
        rng = self.rng
        name = rng.choice(["R", "S", "R2"])
        return Step(rng.choice([f"{name}.create({{ n: {self.n()}, s: {self.s()} }})", f"{name}.byS({self.s()}).toArray()",
                                f"{name}.all().toArray()", f"{name}.all().first()?.update({{ n: {self.n()} }})",
                                f"h({self.n()})"]), "v10", secret=FSL_SECRET)

    def _bulk(self) -> Step:
        """Many documents written or deleted at once: scans and index reads past the SQL backends' first
        batch (16 rows), and over many deleted rows."""
        rng = self.rng
        count = rng.choice([20, 40, 70])
        items = ", ".join(str(i) for i in range(count))
        return rng.choice([
            Step(f'Foreach([{items}], Lambda("i", Create(Collection("a"), '
                 '{data: {n: Modulo(Var("i"), 5), s: Concat(["b", ToString(Var("i"))])}})))', "v4"),
            Step(f'Foreach(Paginate(Documents(Collection("a")), {{size: {count}}}), Lambda("r", Delete(Var("r"))))', "v4"),
            Step(f'Foreach(Paginate(Match(Index("a_by_n"), {self.n()}), {{size: {count}}}), '
                 f'Lambda("r", Update(Var("r"), {{data: {{n: {self.n()}}}}})))', "v4"),
            Step(f"Set.sequence(0, {count}).forEach(i => Q.create({{ n: i % 5, s: i.toString() }}))", "v10"),
            Step(f"Set.sequence(0, {count}).forEach(i => P.create({{ n: i % 5, s: 'p' + i.toString() }}))", "v10"),
            Step(f"Q.all().take({count}).forEach(.delete())", "v10"),
            Step(f"P.all().reverse().take({count}).forEach(.delete())", "v10"),
            Step(f"P.byN({self.n()}).forEach(d => d.update({{ n: {self.n()} }}))", "v10"),
        ])

    def _feed(self) -> Step:
        rng = self.rng
        source = rng.choice(["P.all()", f"P.byN({self.n()})", "P.where(.n > 1)", "Q.all()", "R.all()"])
        source += rng.choice([".eventSource()", ".eventSource()", ".map(.s).eventSource()", ".eventsOn(.n)"])
        start = rng.random()
        options = ('{"start_ts": ${' + f"t{rng.randint(0, max(0, self.steps - 2))}" + "}}" if start < 0.6
                   else f'{{"page_size": {rng.randint(1, 3)}}}')
        return Step(source, "feed", feed=options)

    # -- v4

    def _v4(self) -> Step:
        rng = self.rng
        coll = rng.choice(["a", "a", "b"])
        ref = f'Ref(Collection("{coll}"), "{self.id_()}")'
        data = f'{{data: {{n: {self.n()}, s: {self.s()}}}}}'
        doc_writes = [
            f"Create({ref}, {data})",
            f'Create(Collection("{coll}"), {data})',
            f"Update({ref}, {data})",
            f"Replace({ref}, {data})",
            f"Delete({ref})",
            f'Create({ref}, {{data: {{n: {self.n()}}}, ttl: Time("2000-01-01T00:00:00Z")}})',
            f'Update({ref}, {{ttl: Time("2000-01-01T00:00:00Z")}})',
            f'Update({ref}, {{ttl: Time("2200-01-01T00:00:00Z"), data: {{s: null}}}})',
            f'Insert({ref}, {self.mark()}, "{rng.choice(["create", "update", "delete"])}", {data})',
            f'Remove({ref}, {self.mark()}, "{rng.choice(["create", "update", "delete"])}")',
            f'Foreach(Paginate(Match(Index("a_by_n"), {self.n()})), Lambda("r", Delete(Var("r"))))',
        ]
        reads = [
            f"Get({ref})",
            f"Get({ref}, {self.mark()})",
            f"Exists({ref}, {self.mark()})",
            f"At({self.mark()}, Paginate(Documents(Collection(\"{coll}\")), {{size: 100}}))",
            f'Paginate(Match(Index("a_by_n"), {self.n()}), {{size: {rng.randint(1, 3)}}})',
            f'Paginate(Match(Index("b_by_n"), {self.n()}), {{events: true}})',
            f'Paginate(Reverse(Match(Index("a_vals"))), {{size: {rng.randint(1, 4)}}})',
            f'Paginate(Range(Match(Index("a_vals")), [{self.s()}], [{self.s()}]))',
            f'Paginate(Match(Index("a_vals")), {{after: [{self.s()}], size: 3}})',
            f'Paginate(Match(Index("a_vals")), {{before: [{self.s()}, {self.n()}], size: 3}})',
            f"Paginate({ref}, {{events: true}})",
            f"Paginate(Events({ref}), {{before: {self.mark()}}})",
            f'At({self.mark()}, Paginate(Match(Index("a_vals"))))',
            'Paginate(Union(Match(Index("a_by_n"), 1), Match(Index("b_by_n"), 2)))',
            f'Paginate(Join(Match(Index("a_by_n"), {self.n()}), Index("b_by_n")))',
            'Count(Match(Index("a_vals")))',
            f'Paginate(Documents(Collection("{coll}")), {{size: 2, after: {self.old("c")}}})',
            f'Paginate(Match(Index("a_vals")), {{size: 2, after: {self.old("c")}}})',
            f'Paginate(Match(Index("a_vals")), {{size: 7, before: {self.old("c")}}})',
            f'Paginate(Documents(Collection("a")), {{size: 5, events: true, after: {self.old("c")}}})',
            f'Paginate(Documents(Collection("a")), {{size: 5, events: true, before: {self.old("c")}}})',
            f'Paginate(Reverse(Match(Index("a_vals"))), {{size: 9, after: {self.old("c")}}})',
            f'Paginate(Documents(Collection("{coll}")), {{events: true, after: {self.mark()}}})',
            f'Paginate(Match(Index("b_by_n"), {self.n()}), {{events: true, before: {self.mark()}}})',
            f'Paginate(Match(Index("a_vals")), {{ts: {self.mark()}}})',
            'Paginate(Reverse(Match(Index("a_vals"))), {events: true, size: 5})',
            f'Paginate(Range(Match(Index("a_vals")), [{self.s()}], []), {{events: true}})',
        ]
        if rng.random() < 0.35:
            text = rng.choice(doc_writes)
            if rng.random() < 0.2:
                failure = rng.choice(['Abort("no")', "Divide(1, 0)", 'Get(Ref(Collection("a"), "999"))'])
                text = f"Do({text}, {rng.choice(doc_writes)}, {failure})"
            return Step(text, "v4")
        if rng.random() < 0.45:
            keep = self.new("c")
            source = rng.choice([f'Documents(Collection("{coll}"))', 'Match(Index("a_vals"))',
                                 f'Match(Index("a_by_n"), {self.n()})', 'Reverse(Match(Index("a_vals")))',
                                 'Range(Match(Index("a_vals")), ["b"], ["c"])'])
            events = rng.choice(["", "", ", events: true"])
            return Step(f"Paginate({source}, {{size: {rng.randint(1, 20)}{events}}})", "v4", capture="cursor",
                        keep=keep)
        if rng.random() < 0.6:
            return Step(rng.choice(reads), "v4")
        return self._v4_admin()

    def _v4_admin(self) -> Step:
        rng = self.rng
        name = rng.choice(["a", "b", "a2", "c"])
        choices = [
            lambda: Step(f'CreateCollection({{name: "{rng.choice(["c", "d"])}"}})', "v4"),
            lambda: Step(f'Update(Collection("{name}"), {{name: "{rng.choice(["a", "a2", "c", "b"])}"}})', "v4"),
            lambda: Step(f'Delete(Collection("{rng.choice(["c", "d", "b"])}"))', "v4"),
            lambda: Step(f'CreateIndex({{name: "{rng.choice(["i1", "i2"])}", source: Collection("{name}"), '
                         f'terms: [{{field: ["data", "n"]}}], values: [{{field: ["data", "s"]}}]}})', "v4"),
            lambda: Step(f'Update(Index("{rng.choice(["i1", "i2", "a_by_n"])}"), {{name: "{rng.choice(["i1", "i2", "a_by_n"])}"}})', "v4"),
            lambda: Step(f'Delete(Index("{rng.choice(["i1", "i2"])}"))', "v4"),
            lambda: Step(f'Select("secret", CreateKey({{role: "{rng.choice(["admin", "server"])}"}}))', "v4", capture="secret",
                         keep=self.new("k")),
            lambda: Step('Select("secret", CreateKey({role: "server"}))', "v4", capture="secret", keep=self.new("k")),
            lambda: Step('Select("secret", Login(Ref(Collection("users"), "1"), {password: "pw"}))', "v4",
                         capture="secret", keep=self.new("k")),
            lambda: Step('Paginate(Documents(Collection("a")))', "v4", secret=self.old("k")),
            lambda: Step("Logout(false)", "v4", secret=self.old("k")),
            lambda: Step(f'Create(Collection("a"), {{data: {{n: {self.n()}}}}})', "v4", secret=self.old("k")),
            lambda: Step(f'CreateDatabase({{name: "{rng.choice(["d1", "d2"])}"}})', "v4"),
            lambda: Step(f'Delete(Database("{rng.choice(["d1", "d2"])}"))', "v4"),
            lambda: Step(f'MoveDatabase(Database("{rng.choice(["d1", "d2"])}"), Database("{rng.choice(["d1", "d2", "d3"])}"))',
                         "v4"),
            lambda: Step(f'MoveDatabase(Database("d1", Database("{rng.choice(["d2", "d3"])}")), Database("{rng.choice(["d2", "d3"])}"))', "v4"),
            lambda: Step('Do(CreateCollection({name: "x"}), Create(Collection("x"), {data: {n: 1}}))', "v4",
                         secret=f'secret:{rng.choice(["d1", "d2"])}:admin'),
            lambda: Step('Paginate(Documents(Collection("x")), {events: true})', "v4",
                         secret=f'secret:{rng.choice(["d1", "d2"])}:admin'),
            lambda: Step(f'CreateFunction({{name: "f", body: Query(Lambda("x", Add(Var("x"), {self.n()})))}})', "v4"),
            lambda: Step(f'Call(Function("f"), {self.n()})', "v4"),
            lambda: Step('Do(CreateCollection({name: "e"}), Abort("no"))', "v4"),
        ]
        return rng.choice(choices)()

    # -- v10

    def _v10(self) -> Step:
        rng = self.rng
        coll = rng.choice(["P", "P", "Q"])
        doc = f'{coll}.byId("{self.id_()}")'
        fields = f'{{ n: {self.n()}, s: {self.s()} }}'
        writes = [
            f'{coll}.create({{ id: "{self.id_()}", n: {self.n()}, s: {self.s()} }})',
            f"{coll}.create({fields})",
            f"{doc}!.update({fields})",
            f"{doc}!.replace({fields})",
            f"{doc}!.delete()",
            f'{doc}!.update({{ ttl: Time("2000-01-01T00:00:00Z") }})',
            f'{doc}?.update({{ ttl: Time("2200-01-01T00:00:00Z"), s: null }})',
            f'{coll}.create({{ n: {self.n()}, ttl: Time("2000-01-01T00:00:00Z") }})',
            f"P.byN({self.n()}).forEach(d => d.delete())",
            f"{coll}.all().where(.n == {self.n()}).forEach(d => d.update({{ n: {self.n()} }}))",
        ]
        reads = [
            f"{doc}", f"{doc}!.twice", f"{coll}.all().pageSize({rng.randint(1, 3)})",
            f"{coll}.all().reverse().take(3).toArray()",
            f"P.byN({self.n()})", f"P.byN({self.n()}).reverse().toArray()",
            f"P.sorted({{ from: [{self.n()}], to: [{self.n()}] }}).toArray()",
            "P.sorted().reverse().pageSize(2)",
            f'P.sorted({{ from: {self.n()} }}).map(.s).toArray()',
            f"at(Time.fromString(\"${{iso{rng.randint(0, 3)}}}\")) {{ P.all().toArray() }}",
            f"at(Time.epoch({self.mark()}, \"microseconds\")) {{ {coll}.all().toArray() }}",
            f"at(Time.epoch({self.mark()}, \"microseconds\")) {{ P.byN({self.n()}).toArray() }}",
            f"at(Time.epoch({self.mark()}, \"microseconds\")) {{ {doc} }}",
            f"Set.paginate({self.old('v')})",
            f"{coll}.all().count()",
            f'{coll}.all().map(.s).distinct().order().toArray()',
            f"{coll}.firstWhere(.n == {self.n()})",
        ]
        if rng.random() < 0.35:
            text = rng.choice(writes)
            if rng.random() < 0.25:
                text = f'{text}\n{rng.choice(writes)}\n{rng.choice(["abort(0)", "1 / 0", "P.byId(999)!.n"])}'
            return Step(text, "v10")
        if rng.random() < 0.3:
            source = rng.choice([f"{coll}.all()", f"P.byN({self.n()})", "P.sorted()", f"{coll}.all().reverse()",
                                 f"P.sorted({{ from: [{self.n()}] }})", "Q.all().where(.n > 1)", "P.sorted().reverse()"])
            return Step(f"{source}.pageSize({rng.randint(1, 20)})", "v10", capture="cursor", keep=self.new("v"))
        if rng.random() < 0.65:
            return Step(rng.choice(reads), "v10")
        return self._v10_admin()

    def _v10_admin(self) -> Step:
        rng = self.rng
        name = rng.choice(["P", "Q", "R", "Q2"])
        renamed = rng.choice(["Q", "R", "Q2"])
        choices = [
            lambda: Step(f'Collection.create({{ name: "{rng.choice(["R", "S"])}" }})', "v10"),
            lambda: Step(f'Collection.byName("{renamed}")!.update({{ name: "{rng.choice(["Q", "Q2", "R"])}" }})', "v10"),
            lambda: Step(f'Collection.byName("{rng.choice(["R", "S", "Q2"])}")!.delete()', "v10"),
            lambda: Step(f'Collection.byName("{name}")!.update({{ indexes: {{ byS: {{ terms: [{{ field: ".s" }}] }} }} }})', "v10"),
            lambda: Step(f'Collection.byName("{name}")!.update({{ indexes: {{ byS: null }} }})', "v10"),
            lambda: Step(f'{name}.byS({self.s()}).toArray()', "v10"),
            lambda: Step(f'Collection.byName("P")!.update({{ history_days: {rng.choice([0, 1, 30])} }})', "v10"),
            lambda: Step(f'Function.create({{ name: "g{rng.randint(1, 2)}", body: "x => x + {self.n()}" }})', "v10"),
            lambda: Step(f'g{rng.randint(1, 2)}({self.n()})', "v10"),
            lambda: Step(f'Function.byName("g{rng.randint(1, 2)}")!.delete()', "v10"),
            lambda: Step(f'Key.create({{ role: "{rng.choice(["admin", "server"])}" }}).secret', "v10",
                         capture="secret", keep=self.new("k")),
            lambda: Step('Credential.byDocument(Q.byId("1")!)?.login("pw")?.secret', "v10",
                         capture="secret", keep=self.new("k")),
            lambda: Step('Q.create({ id: "1", n: 1 })\nCredential.create({ document: Q.byId("1")!, password: "pw" })',
                         "v10"),
            lambda: Step("Query.identity()", "v10", secret=self.old("k")),
            lambda: Step("P.all().toArray()", "v10", secret=self.old("k")),
            lambda: Step(f'Database.create({{ name: "{rng.choice(["d1", "d3"])}" }})', "v10"),
            lambda: Step(f'Database.byName("{rng.choice(["d1", "d3"])}")!.delete()', "v10"),
            lambda: Step('Collection.create({ name: "Y" })\nY.create({ n: 1 })\nY.all().toArray()', "v10",
                         secret=f'secret:{rng.choice(["d1", "d3"])}:admin'),
            lambda: Step(f'Collection.create({{ name: "Z" }})\nabort("{self.n()}")', "v10"),
        ]
        return rng.choice(choices)()


# --- the differential run ------------------------------------------------------------------------------


@attrs.define
class Difference:
    seed: int
    step: int
    what: str
    query: Step
    answers: dict[str, t.Any]

    def __str__(self) -> str:
        first, *others = self.answers.items()
        shown = "\n".join(f"  {name} vs {first[0]}: {where}" for name, answer in others
                          for where in _where(first[1], answer)[:6])
        return f"seed {self.seed} step {self.step} ({self.what}) [{self.query.syntax}] {self.query.text!r}" \
               f" secret={self.query.secret!r}\n{shown}"


@contextlib.contextmanager
def runners(backends: t.Sequence[str]) -> t.Iterator[list[Runner]]:
    """A Runner on a new, empty database of each backend; closed (and dropped) afterwards."""
    with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as stack:
        out = []
        for name in backends:
            if name == "memory":
                url = "memory://"
            elif name == "sqlite":
                url = f"sqlite://{Path(tmp) / 'fql.db'}?synchronous=normal"
            else:
                url = stack.enter_context(postgres_url())
            out.append(Runner(name, url))
        try:
            yield out
        finally:
            for runner in out:
                runner.close()


def _state(runner: Runner, mark: str | None) -> t.Any:
    """Everything in `runner`'s database, labelled; at `mark` (a captured time) if given."""
    v4 = STATE_V4 if mark is None else f"At({mark}, {STATE_V4})"
    found = {"v4": runner.run(Step(v4, "v4"), record=False)}
    if mark is None:
        found["v10"] = runner.run(Step(STATE_V10, "v10"), record=False)
        found["P"] = runner.run(Step(STATE_P, "v10"), record=False)
    if mark is None:
        found["fs"] = runner.run(Step(STATE_FSL, "v10", secret=FSL_SECRET), record=False)
    for child in ("d1", "d2", "d3", "d2/d1", "d3/d1", "d1/d2", "d3/d2"):
        found[child] = runner.run(Step('Paginate(Documents(Collection("x")), {events: true})', "v4",
                                       secret=f"secret:{child}:admin"), record=False)
    return found


def run_seed(seed: int, steps: int, backends: t.Sequence[str] = ("memory", "sqlite", "postgres"),
             state_every: int = 1, focus: str | None = None) -> list[Difference]:
    """Run seed `seed`'s steps on every backend in lockstep; every difference found (each stops the run)."""
    gen = Generator(seed, focus)
    differences: list[Difference] = []
    with runners(backends) as rs:
        # ISO forms of a few early times, for v10 `Time.fromString`.
        plan = gen.setup()
        for number in range(len(plan) + steps):
            step = plan[number] if number < len(plan) else gen.step()
            step.other = gen.rng.random() < 0.25
            answers = {r.name: r.run(step) for r in rs}
            if number == len(plan) - 1:
                for r in rs:
                    for i in range(4):
                        r.captured[f"iso{i}"] = _iso(r.times[min(i * 2 + 1, len(r.times) - 1)])
            if _differ(answers):
                differences.append(Difference(seed, number, "answer", step, answers))
                return differences
            if gen.rng.random() < 0.1:
                for r in rs:
                    r.reopen()
            if number % state_every == 0 or number >= len(plan) + steps - 1:
                mark = "${t" + str(gen.rng.randint(0, number)) + "}" if gen.rng.random() < 0.3 else None
                marked = {r.name: r.fill(mark) if mark else None for r in rs}
                states = {r.name: _state(r, marked[r.name]) for r in rs}
                if _differ(states):
                    differences.append(Difference(seed, number, f"state at {mark or 'now'}", step, states))
                    return differences
    return differences


def _where(a: t.Any, b: t.Any, path: str = "") -> list[str]:
    """Where `b` differs from `a`: paths with both values."""
    if isinstance(a, dict) and "python" in a:
        return [f"{path}: python failure {a['python']}"]
    if isinstance(b, dict) and "python" in b:
        return [f"{path}: python failure {b['python']}"]
    if isinstance(a, dict) and isinstance(b, dict) and a.keys() == b.keys():
        return [w for k in a for w in _where(a[k], b[k], f"{path}.{k}")]
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [w for i, (x, y) in enumerate(zip(a, b)) for w in _where(x, y, f"{path}[{i}]")]
    if a == b:
        return []
    return [f"{path}: {json.dumps(a, ensure_ascii=False)[:1500]} != {json.dumps(b, ensure_ascii=False)[:1500]}"]


def _iso(micros: int) -> str:
    return str(fql.Timestamp(micros * 1000))


def _differ(answers: dict[str, t.Any]) -> bool:
    values = list(answers.values())
    return any(v != values[0] for v in values[1:]) or any("python" in json.dumps(v)[:20] for v in values)


def main(argv: list[str]) -> int:
    first, last = int(argv[0]), int(argv[1]) if len(argv) > 1 else int(argv[0])
    steps = int(argv[2]) if len(argv) > 2 else 60
    focus = argv[3] if len(argv) > 3 else None
    backends = ["memory", "sqlite"] + ([] if postgres_problem() else ["postgres"])
    found = 0
    for seed in range(first, last + 1):
        for difference in run_seed(seed, steps, backends, focus=focus):
            found += 1
            print(difference, flush=True)
    print(f"{found} differences in seeds {first}..{last}", flush=True)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
