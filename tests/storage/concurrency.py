"""Isolation under real concurrency: workloads that many processes run at once on one durable database.

A workload makes its collections and indexes (`setup`); every worker, a process of its own, runs `op` many
times, each one query, through a client (an embedded `fql.Database` on the URL, or HTTP to one of several
`fql serve` processes on it) and records what each answered. `check` then reads the database back and
asserts what serial execution keeps: a total preserved, a unique value held once, a range read empty by one
query only, nothing left of a failed query. Most workloads also replay their committed writes in
timestamp order (each write's `ts`, which orders commits on every backend) on a Python model, which
must give each write's own answer and the final state the database holds.

Used by tests/storage/test_concurrency.py (small sizes) and bench/concurrency.py (a stress run).
"""

from __future__ import annotations

import http.client
import json
import os
import random
import re
import signal
import time
import traceback
import typing as t

import fql
from fql import cli
from fql.wire.v4 import expr_to_json

#: An array literal of 0..99, which v4 loops in a time-out test nest.
_HUNDRED = list(range(100))
#: A query's outcome: whether it committed, its answer or error code, and its transaction time.
Record = dict


class Embedded:
    """Queries through an `fql.Database` on the URL, in this process."""

    def __init__(self, url: str):
        self.db = fql.connect(url)

    def run(self, text: str, syntax: str, timeout_ms: int | None = None) -> Record:
        try:
            value, state = self.db.run_with_state(fql.parse(text, syntax), syntax=syntax, timeout_ms=timeout_ms)
        except fql.FQLError as err:
            return {"ok": False, "code": err.v10_code if syntax == "v10" else err.code}
        return {"ok": True, "value": _plain(value), "ts": state.ts, "retries": state.retries}

    def close(self) -> None:
        self.db.close()


class Served:
    """Queries over HTTP to `fql serve` on `port` (v4 as wire JSON, v10 as text), as the root secret."""

    def __init__(self, port: int):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def run(self, text: str, syntax: str, timeout_ms: int | None = None) -> Record:
        headers = {"Authorization": "Bearer secret", "X-Format": "simple"}
        if timeout_ms is not None:
            headers["X-Query-Timeout-Ms" if syntax == "v10" else "X-Query-Timeout"] = str(timeout_ms)
        if syntax == "v10":
            path, body = "/query/1", {"query": text}
        else:
            path, body = "/", expr_to_json(fql.parse(text, "v4"))
        self.conn.request("POST", path, json.dumps(body), headers)
        response = self.conn.getresponse()
        answer = json.loads(response.read())
        if syntax == "v10":
            if "error" in answer:
                return {"ok": False, "code": answer["error"]["code"]}
            retries = answer.get("stats", {}).get("contention_retries", 0)
            return {"ok": True, "value": answer["data"], "ts": answer["txn_ts"], "retries": retries}
        if "errors" in answer:
            return {"ok": False, "code": answer["errors"][0]["code"]}
        retries = int(response.getheader("X-Txn-Retries", "0"))
        return {"ok": True, "value": answer["resource"], "ts": int(response.getheader("X-Txn-Time")), "retries": retries}

    def close(self) -> None:
        self.conn.close()


def _plain(value: t.Any) -> t.Any:
    """An answer as JSON would carry it (workload answers are scalars, arrays of them, or null)."""
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


class Workload:
    """One invariant: `setup` on an empty database, `op` by each worker, `check` once all are done."""

    name = ""
    #: Error codes a query of this workload may fail with (v4's and v10's), besides contention.
    expected: frozenset[str] = frozenset()

    def __init__(self, size: int):
        self.size = size

    def setup(self, db: fql.Database) -> None:
        raise NotImplementedError

    def op(self, client: t.Any, rng: random.Random, syntaxes: tuple[str, ...]) -> Record:
        raise NotImplementedError

    def check(self, db: fql.Database, records: list[Record]) -> None:
        raise NotImplementedError


def _committed(records: list[Record], kind: str | None = None) -> list[Record]:
    """The committed queries (of `kind`), in timestamp order."""
    done = [r for r in records if r["ok"] and (kind is None or r["kind"] == kind)]
    return sorted(done, key=lambda r: r["ts"])


class Bank(Workload):
    """Transfers between accounts, each checking the payer's balance: the total stays, none goes below 0."""

    name = "bank"
    START = 100

    def setup(self, db: fql.Database) -> None:
        db.query('CreateCollection({name: "accounts"})')
        db.query(f'Foreach({list(range(1, self.size + 1))}, Lambda("i", Create(Ref(Collection("accounts"),'
                 f' ToString(Var("i"))), {{data: {{balance: {self.START}}}}})))')

    def op(self, client, rng, syntaxes):
        a, b = rng.sample(range(1, self.size + 1), 2)
        amount, syntax = rng.randint(1, 60), rng.choice(syntaxes)
        if syntax == "v4":
            text = f"""Let({{a: Ref(Collection("accounts"), "{a}"), b: Ref(Collection("accounts"), "{b}")}},
              Let({{have: Select(["data", "balance"], Get(Var("a")))}},
                If(GTE(Var("have"), {amount}), Do(
                  Update(Var("a"), {{data: {{balance: Subtract(Var("have"), {amount})}}}}),
                  Update(Var("b"), {{data: {{balance: Add(Select(["data", "balance"], Get(Var("b"))), {amount})}}}}),
                  true), false)))"""
        else:
            text = f"""let a = accounts.byId("{a}")!
              let b = accounts.byId("{b}")!
              if (a.balance >= {amount}) {{
                a.update({{ balance: a.balance - {amount} }})
                b.update({{ balance: b.balance + {amount} }})
                true
              }} else {{ false }}"""
        return {"kind": "transfer", "a": a, "b": b, "amount": amount, "syntax": syntax, **client.run(text, syntax)}

    def check(self, db, records):
        balances = dict(db.query('Map(Paginate(Documents(Collection("accounts")), {size: 1000}),'
                                 ' Lambda("r", [Select(["ref", "id"], Get(Var("r"))),'
                                 ' Select(["data", "balance"], Get(Var("r")))]))').data)
        assert sum(balances.values()) == self.START * self.size, balances
        assert min(balances.values()) >= 0, balances
        model = {str(i): self.START for i in range(1, self.size + 1)}
        for r in _committed(records):
            a, b = str(r["a"]), str(r["b"])
            if r["value"] is True:
                assert model[a] >= r["amount"], f"transfer {r} committed on a balance of {model[a]}"
                model[a] -= r["amount"]
                model[b] += r["amount"]
        assert model == balances


class Counter(Workload):
    """Read-then-increment of one counter, each answering the value it wrote: 1, 2, ... in time order."""

    name = "counter"

    def setup(self, db):
        db.query('CreateCollection({name: "counters"})')
        db.query('Create(Ref(Collection("counters"), "1"), {data: {n: 0}})')

    def op(self, client, rng, syntaxes):
        syntax = rng.choice(syntaxes)
        if syntax == "v4":
            text = ('Let({r: Ref(Collection("counters"), "1")}, Select(["data", "n"], '
                    'Update(Var("r"), {data: {n: Add(Select(["data", "n"], Get(Var("r"))), 1)}})))')
        else:
            text = 'let c = counters.byId("1")!\nc.update({ n: c.n + 1 }).n'
        return {"kind": "increment", "syntax": syntax, **client.run(text, syntax)}

    def check(self, db, records):
        done = _committed(records)
        wrong = [(i, r) for i, r in enumerate(done, 1) if r["value"] != i]
        assert not wrong, f"in time order, the increments answered {wrong[:3]} ({len(wrong)} wrong of {len(done)})"
        assert db.query('Select(["data", "n"], Get(Ref(Collection("counters"), "1")))') == len(done)


class Unique(Workload):
    """Racing creates and deletes of users by email under a unique index (v4) or constraint (v10): an email
    is never held twice, and each create commits only while its email is free."""

    name = "unique"
    expected = frozenset({"instance not unique", "constraint_failure"})

    def __init__(self, size: int, v10_constraint: bool = False):
        super().__init__(size)
        self.v10_constraint = v10_constraint
        self.name = "unique_constraint" if v10_constraint else "unique_index"

    def setup(self, db):
        if self.v10_constraint:
            db.query('Collection.create({ name: "users", indexes: { byEmail: { terms: [{ field: ".email" }] } },'
                     ' constraints: [{ unique: ["email"] }] })', syntax="v10")
        else:
            db.query('CreateCollection({name: "users"})')
            db.query('CreateIndex({name: "users_by_email", source: Collection("users"),'
                     ' terms: [{field: ["data", "email"]}], unique: true})')

    def _match(self, email: str, syntax: str) -> str:
        if syntax == "v10":
            return f'users.byEmail("{email}")' if self.v10_constraint else f'users.all().where(.email == "{email}")'
        if self.v10_constraint:
            return f'Filter(Documents(Collection("users")), Lambda("r", Equals(Select(["data", "email"], Get(Var("r"))), "{email}")))'
        return f'Match(Index("users_by_email"), "{email}")'

    def op(self, client, rng, syntaxes):
        email, syntax = f"e{rng.randrange(self.size)}", rng.choice(syntaxes)
        if rng.random() < 0.7:
            kind = "create"
            text = (f'Do(Create(Collection("users"), {{data: {{email: "{email}"}}}}), true)' if syntax == "v4"
                    else f'users.create({{ email: "{email}" }}); true')
        else:
            kind = "delete"
            match = self._match(email, syntax)
            if syntax == "v4":
                text = (f'Let({{p: Paginate({match})}}, If(IsEmpty(Var("p")), false,'
                        f' Do(Delete(Select(["data", 0], Var("p"))), true)))')
            else:
                text = f'let u = {match}.first()\nif (u == null) {{ false }} else {{ u!.delete(); true }}'
        return {"kind": kind, "email": email, "syntax": syntax, **client.run(text, syntax)}

    def check(self, db, records):
        emails = db.query('Map(Paginate(Documents(Collection("users")), {size: 100000}),'
                          ' Lambda("r", Select(["data", "email"], Get(Var("r")))))').data
        assert len(emails) == len(set(emails)), sorted(emails)
        held: set[str] = set()
        for r in _committed(records):
            if r["kind"] == "create":
                assert r["email"] not in held, f"{r} created a second {r['email']}"
                held.add(r["email"])
            elif r["value"] is True:
                assert r["email"] in held, f"{r} deleted a user never created"
                held.remove(r["email"])
        assert held == set(emails)
        for email in {r["email"] for r in records}:
            found = db.query(f"{self._match(email, 'v10')}.count()", syntax="v10")
            assert found == (email in held), f"{email}: {found} found by its index"


class EmptyRange(Workload):
    """Write skew: each query reads an index range (a day's bookings) and books only when it is empty, or
    frees the day. Two queries that both saw a day empty must not both book it (no unique index helps)."""

    name = "empty_range"

    def setup(self, db):
        db.query('Collection.create({ name: "bookings", indexes: { byDay: { terms: [{ field: ".day" }] } } })',
                 syntax="v10")
        db.query('CreateIndex({name: "bookings_by_day", source: Collection("bookings"),'
                 ' terms: [{field: ["data", "day"]}]})')

    def op(self, client, rng, syntaxes):
        day, syntax = rng.randrange(self.size), rng.choice(syntaxes)
        kind = "book" if rng.random() < 0.75 else "free"
        if syntax == "v4":
            match = f'Match(Index("bookings_by_day"), {day})'
            if kind == "book":
                text = f'If(IsEmpty({match}), Do(Create(Collection("bookings"), {{data: {{day: {day}}}}}), true), false)'
            else:
                text = f'Let({{p: Paginate({match})}}, Do(Foreach(Var("p"), Lambda("r", Delete(Var("r")))), Count(Select(["data"], Var("p")))))'
        else:
            match = f"bookings.byDay({day})"
            if kind == "book":
                text = f"if ({match}.isEmpty()) {{ bookings.create({{ day: {day} }}); true }} else {{ false }}"
            else:
                text = f"let all = {match}.toArray()\nall.forEach(.delete())\nall.length"
        return {"kind": kind, "day": day, "syntax": syntax, **client.run(text, syntax)}

    def check(self, db, records):
        days = db.query('Map(Paginate(Documents(Collection("bookings")), {size: 100000}),'
                        ' Lambda("r", Select(["data", "day"], Get(Var("r")))))').data
        assert len(days) == len(set(days)), f"a day booked twice: {sorted(days)}"
        booked: set[int] = set()
        for r in _committed(records):
            if r["kind"] == "book" and r["value"] is True:
                assert r["day"] not in booked, f"{r} booked a day already booked"
                booked.add(r["day"])
            elif r["kind"] == "free":
                assert r["value"] == (1 if r["day"] in booked else 0), f"{r} freed {r['value']} bookings"
                booked.discard(r["day"])
        assert booked == set(days)
        for day in range(self.size):
            assert db.query(f'Count(Match(Index("bookings_by_day"), {day}))') == days.count(day)


class OnCall(Workload):
    """Write skew on two documents: a doctor goes off call only while the index shows another on call in
    the group, so every group keeps at least one (each query also answers how many it saw on call)."""

    name = "on_call"
    GROUP = 2

    def setup(self, db):
        db.query('CreateCollection({name: "doctors"})')
        db.query('CreateIndex({name: "on_call", source: Collection("doctors"),'
                 ' terms: [{field: ["data", "group"]}, {field: ["data", "on"]}]})')
        db.query(f'Foreach({list(range(self.size * self.GROUP))}, Lambda("i", Create(Ref(Collection("doctors"),'
                 f' ToString(Var("i"))), {{data: {{group: Divide(Var("i"), {self.GROUP}), on: true}}}})))')

    def op(self, client, rng, syntaxes):
        doctor, syntax = rng.randrange(self.size * self.GROUP), rng.choice(syntaxes)
        group = doctor // self.GROUP
        if syntax == "v4":
            text = f"""Let({{r: Ref(Collection("doctors"), "{doctor}"), n: Count(Match(Index("on_call"), [{group}, true]))}},
              If(Select(["data", "on"], Get(Var("r"))),
                 If(GTE(Var("n"), 2), Do(Update(Var("r"), {{data: {{on: false}}}}), ["off", Var("n")]), ["kept", Var("n")]),
                 Do(Update(Var("r"), {{data: {{on: true}}}}), ["on", Var("n")])))"""
        else:
            text = f"""let d = doctors.byId("{doctor}")!
              let n = doctors.all().where(.group == {group} && .on).count()
              if (d.on) {{
                if (n >= 2) {{ d.update({{ on: false }}); ["off", n] }} else {{ ["kept", n] }}
              }} else {{ d.update({{ on: true }}); ["on", n] }}"""
        return {"kind": "toggle", "doctor": doctor, "group": group, "syntax": syntax, **client.run(text, syntax)}

    def check(self, db, records):
        on = db.query('Map(Paginate(Documents(Collection("doctors")), {size: 100000}),'
                      ' Lambda("r", [Select(["ref", "id"], Get(Var("r"))), Select(["data", "on"], Get(Var("r")))]))').data
        state = {int(i): v for i, v in on}
        for group in range(self.size):
            members = [state[group * self.GROUP + k] for k in range(self.GROUP)]
            assert any(members), f"group {group} has nobody on call"
            assert db.query(f'Count(Match(Index("on_call"), [{group}, true]))') == sum(members)
        assert all(r["value"][1] >= 1 for r in records if r["ok"]), "a query saw a group with nobody on call"
        model = {d: True for d in state}
        for r in _committed(records):
            action, seen = r["value"]
            members = [model[r["group"] * self.GROUP + k] for k in range(self.GROUP)]
            if action != "kept":
                assert seen == sum(members), f"{r} saw {seen} on call where {sum(members)} were"
                model[r["doctor"]] = action == "on"
        assert model == state


class DeleteUpdate(Workload):
    """Updates, deletes and creates with a given id racing on a few documents: in time order each update
    finds the document live and answers its count plus one, each delete finds it live, each create finds
    its id free; the index over the documents holds exactly the live ones."""

    name = "delete_update"
    expected = frozenset({"instance not found", "document_not_found", "instance already exists", "document_id_exists"})

    def setup(self, db):
        db.query('CreateCollection({name: "items"})')
        db.query('CreateIndex({name: "items_by_n", source: Collection("items"), values: [{field: ["data", "n"]},'
                 ' {field: ["ref"]}]})')
        db.query(f'Foreach({list(range(1, self.size + 1))}, Lambda("i", Create(Ref(Collection("items"), ToString(Var("i"))),'
                 ' {data: {n: 0}})))')

    def op(self, client, rng, syntaxes):
        doc, syntax, roll = rng.randint(1, self.size), rng.choice(syntaxes), rng.random()
        kind = "update" if roll < 0.6 else "delete" if roll < 0.8 else "create"
        ref = f'Ref(Collection("items"), "{doc}")'
        if syntax == "v4":
            text = {
                "update": f'Select(["data", "n"], Update({ref}, {{data: {{n: Add(Select(["data", "n"], Get({ref})), 1)}}}}))',
                "delete": f"Do(Delete({ref}), true)",
                "create": f"Do(Create({ref}, {{data: {{n: 0}}}}), true)",
            }[kind]
        else:
            text = {
                "update": f'let d = items.byId("{doc}")!\nd.update({{ n: d.n + 1 }}).n',
                "delete": f'items.byId("{doc}")!.delete(); true',
                "create": f'items.create({{ id: "{doc}", n: 0 }}); true',
            }[kind]
        return {"kind": kind, "doc": doc, "syntax": syntax, **client.run(text, syntax)}

    def check(self, db, records):
        live = dict(db.query('Map(Paginate(Documents(Collection("items")), {size: 100000}),'
                             ' Lambda("r", [Select(["ref", "id"], Get(Var("r"))), Select(["data", "n"], Get(Var("r")))]))').data)
        indexed = db.query('Map(Paginate(Match(Index("items_by_n")), {size: 100000}),'
                           ' Lambda(["n", "r"], [Select(["id"], Var("r")), Var("n")]))').data
        assert sorted(map(tuple, indexed)) == sorted(live.items()), "the index and the documents differ"
        model: dict[str, int | None] = {str(i): 0 for i in range(1, self.size + 1)}
        for r in _committed(records):
            doc = str(r["doc"])
            if r["kind"] == "update":
                assert model[doc] is not None and r["value"] == model[doc] + 1, f"{r} on {model[doc]}"
                model[doc] = r["value"]
            elif r["kind"] == "delete":
                assert model[doc] is not None, f"{r} deleted a deleted document"
                model[doc] = None
            else:
                assert model[doc] is None, f"{r} created over a live document"
                model[doc] = 0
        assert {k: v for k, v in model.items() if v is not None} == live


class Failures(Workload):
    """Queries that write (a document, an index entry, a counter) and then fail (abort, a runtime error, a
    time-out) beside ones that commit the same writes: nothing of a failed query is left."""

    name = "failures"
    expected = frozenset({"transaction aborted", "abort", "invalid argument", "divide_by_zero",
                          "processing time limit exceeded", "time out", "time_out"})

    def setup(self, db):
        db.query('CreateCollection({name: "junk"})')
        db.query('CreateIndex({name: "junk_by_kind", source: Collection("junk"), terms: [{field: ["data", "kind"]}]})')
        db.query('CreateCollection({name: "tally"})')
        db.query('Create(Ref(Collection("tally"), "1"), {data: {n: 0}})')

    def op(self, client, rng, syntaxes):
        syntax = rng.choice(syntaxes)
        kind = rng.choice(["keep", "keep", "abort", "error", "timeout"])
        timeout = 60 if kind == "timeout" else None
        if syntax == "v4":
            fail = {"keep": "true", "abort": 'Abort("no")', "error": "Divide(1, 0)",
                    "timeout": f'Count(Map({_HUNDRED}, Lambda("i", Map({_HUNDRED}, Lambda("j", Map({_HUNDRED},'
                    ' Lambda("k", Var("k"))))))))'}[kind]
            text = f"""Let({{t: Ref(Collection("tally"), "1")}}, Do(
              Create(Collection("junk"), {{data: {{kind: "{kind}"}}}}),
              Update(Var("t"), {{data: {{n: Add(Select(["data", "n"], Get(Var("t"))), 1)}}}}),
              {fail}, true))"""
        else:
            fail = {"keep": "true", "abort": 'abort("no")', "error": "1 / 0",
                    "timeout": "Set.sequence(0, 300000).map(i => i * 2).count()"}[kind]
            text = f"""junk.create({{ kind: "{kind}" }})
              let t = tally.byId("1")!
              t.update({{ n: t.n + 1 }})
              {fail}
              true"""
        return {"kind": kind, "syntax": syntax, **client.run(text, syntax, timeout_ms=timeout)}

    def check(self, db, records):
        kept = len([r for r in records if r["ok"]])
        assert all(r["kind"] in ("keep", "timeout") for r in records if r["ok"]), "a failing query committed"
        assert db.query('Count(Documents(Collection("junk")))') == kept
        assert db.query('Select(["data", "n"], Get(Ref(Collection("tally"), "1")))') == kept
        for kind in ("abort", "error", "timeout"):
            left = db.query(f'Count(Match(Index("junk_by_kind"), "{kind}"))')
            committed = len([r for r in records if r["ok"] and r["kind"] == kind])
            assert left == committed, f"{left} {kind} documents left, {committed} committed"


WORKLOADS: dict[str, t.Callable[[int], Workload]] = {
    "bank": Bank,
    "counter": Counter,
    "unique_index": Unique,
    "unique_constraint": lambda size: Unique(size, v10_constraint=True),
    "empty_range": EmptyRange,
    "on_call": OnCall,
    "delete_update": DeleteUpdate,
    "failures": Failures,
}

#: Error codes any query may meet under contention (it ran out of retries or time waiting for a lock).
CONTENTION = frozenset({"contended transaction", "contended_transaction"})


def _work(workload: Workload, client_of: t.Callable[[int], t.Any], worker: int, ops: int, seed: int,
          syntaxes: tuple[str, ...], out: int) -> None:
    client, rng = client_of(worker), random.Random(seed * 1000 + worker)
    try:
        with os.fdopen(out, "w") as sink:
            for _ in range(ops):
                sink.write(json.dumps(workload.op(client, rng, syntaxes)) + "\n")
    finally:
        client.close()


def fork(work: t.Callable, *args: t.Any) -> int:
    """Run `work(*args)` in a forked child; its pid. It exits 0 when `work` returns, 1 when it raises."""
    pid = os.fork()
    if pid == 0:
        status = 1
        try:
            work(*args)
            status = 0
        except BaseException:  # noqa: BLE001 - the child reports any failure, then exits without unwinding
            traceback.print_exc()
        finally:
            os._exit(status)
    return pid


def exit_code(pid: int) -> int:
    """The exit status of a forked child, once it has ended."""
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])


def serve(url: str) -> tuple[int, int]:
    """`fql serve --db url --port 0` in a forked process (the command's own entry point); its pid and port."""
    read, write = os.pipe()
    pid = fork(lambda: cli.run(["serve", "--db", url, "--port", "0"], stdout=os.fdopen(write, "w", buffering=1)))
    os.close(write)
    with os.fdopen(read) as out:
        line = out.readline()
    match = re.search(r":(\d+) ", line)
    assert match, f"fql serve printed {line!r}"
    return pid, int(match.group(1))


def stop(pid: int) -> None:
    os.kill(pid, signal.SIGTERM)
    exit_code(pid)


def run(workload: Workload, url: str, *, workers: int, ops: int, servers: int = 0, seed: int = 0,
        syntaxes: tuple[str, ...] = ("v4", "v10")) -> list[Record]:
    """Set `workload` up on `url`, run `ops` queries in each of `workers` processes at once (through
    `servers` fql serve processes, round robin, or embedded when 0), check it; the records."""
    with fql.connect(url) as db:
        workload.setup(db)
    served = [serve(url) for _ in range(servers)]
    try:
        if served:
            def client_of(worker: int) -> t.Any:
                return Served(served[worker % len(served)][1])
        else:
            def client_of(worker: int) -> t.Any:
                return Embedded(url)
        pipes, pids = [], []
        for worker in range(workers):
            read, write = os.pipe()
            pids.append(fork(_work, workload, client_of, worker, ops, seed, syntaxes, write))
            os.close(write)
            pipes.append(read)
        records = []
        for read in pipes:
            with os.fdopen(read) as source:
                records += [json.loads(line) for line in source]
        statuses = [exit_code(pid) for pid in pids]
    finally:
        for pid, _ in served:
            stop(pid)
    assert statuses == [0] * workers, f"workers exited with {statuses}"
    unexpected = [r for r in records if not r["ok"] and r["code"] not in workload.expected | CONTENTION]
    assert not unexpected, unexpected[:5]
    with fql.connect(url) as db:
        workload.check(db, records)
    return records


def summary(records: list[Record], seconds: float) -> str:
    codes: dict[str, int] = {}
    for r in records:
        key = "ok" if r["ok"] else r["code"]
        codes[key] = codes.get(key, 0) + 1
    rate = len(records) / seconds if seconds else 0
    retries = sum(r.get("retries", 0) for r in records)
    return (f"{len(records)} queries in {seconds:.1f}s ({rate:.0f}/s, {retries} reruns): "
            + ", ".join(f"{k} {v}" for k, v in sorted(codes.items())))


def timed(fn: t.Callable[[], list[Record]]) -> tuple[list[Record], float]:
    start = time.monotonic()
    records = fn()
    return records, time.monotonic() - start
