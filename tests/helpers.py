"""Query helpers the test modules share: running FQL through the embedding API (`fql.Database`), running
`fql` on the command line in-process, posting JSON to a running server, and asking the v10
`POST /query/1` handler embedded (`fql.server.v10.query`, no HTTP), with one module's defaults
(`QueryEndpoint`).

Each helper does one thing; where modules unpack a result differently (the value, the FQLError, the
envelope, the envelope's `data`) there is one helper for each way, named for it."""

from __future__ import annotations

import io
import json
import typing as t

import pytest

import fql
from fql import cli
from fql.errors import FQLError, QueryCheckError
from fql.server import v10
from fql.wire.v4 import from_json


def query_v10(db: fql.Database, text: str, secret: str | None = None, *, typecheck: bool = True) -> t.Any:
    """The value of `text` parsed and run embedded as FQL v10 (as `Database.query` runs it), as the root
    unless `secret` is given, typechecked unless `typecheck` is False (core's model specs' `typecheck`)."""
    return db.run_with_state(fql.parse(text, "v10"), secret=secret, syntax="v10", typecheck=typecheck)[0]


def query_v10_error(db: fql.Database, text: str, secret: str | None = None, *, typecheck: bool = True) -> FQLError:
    """The FQLError `text` raises when run as `query_v10` runs it."""
    with pytest.raises(FQLError) as caught:
        query_v10(db, text, secret, typecheck=typecheck)
    return caught.value


def type_of(db: fql.Database, text: str) -> str | None:
    """The static type core's typer gives `text` (core's `typeStr`)."""
    return db.run_with_state(fql.parse(text, "v10"), syntax="v10", typecheck=True)[1].static_type


def check_errors(db: fql.Database, text: str) -> list[tuple[str, int, int]]:
    """Each check core's typer fails `text` on: its message and where (start, end offsets)."""
    with pytest.raises(QueryCheckError) as failed:
        query_v10(db, text)
    return [(e.description, e.span.start, e.span.end) for e in failed.value.checks]


def query_error(db: fql.Database, text: str, secret: str | None = None, syntax: str = "v4") -> FQLError:
    """The FQLError `text` raises when run embedded (v4 unless `syntax`), as the root unless `secret`."""
    with pytest.raises(FQLError) as caught:
        db.query(text, secret=secret, syntax=syntax)
    return caught.value


def run_json(db: fql.Database, expr: t.Any, secret: str | None = None) -> t.Any:
    """The value of the v4 wire expression `expr` (JSON as a client sends it) run embedded."""
    return db.run(from_json(expr), secret=secret)


def run_json_error(db: fql.Database, expr: t.Any, secret: str | None = None) -> FQLError:
    """The FQLError the v4 wire expression `expr` raises when run embedded."""
    with pytest.raises(FQLError) as caught:
        run_json(db, expr, secret)
    return caught.value



def value_indexed_collections() -> fql.Database:
    """A new database with collections `c` and `d`, each with an index of `data.v` (`cv`, `dv`), and
    `cv_by_k` (`c` by `data.k`, values `data.v`): the sets the v4 set-algebra tests combine."""
    db = fql.connect()
    for name in ("c", "d"):
        db.query(f'CreateCollection({{name: "{name}"}})')
        db.query(f'CreateIndex({{name: "{name}v", source: Collection("{name}"), values: [{{field: ["data", "v"]}}]}})')
    db.query('CreateIndex({name: "cv_by_k", source: Collection("c"), terms: [{field: ["data", "k"]}], values: [{field: ["data", "v"]}]})')
    return db

def run_cli(*argv: str, stdin: str | None = "") -> tuple[int, str, str]:
    """`fql argv...` run in-process: its exit status, standard output and standard error; `stdin` is the
    text it reads (None: the test process's own standard input)."""
    out, err = io.StringIO(), io.StringIO()
    reads = {} if stdin is None else {"stdin": io.StringIO(stdin)}
    status = cli.run(list(argv), stdout=out, stderr=err, **reads)
    return status, out.getvalue(), err.getvalue()


def post_json(
    url: str,
    body: t.Any,
    secret: str | None = "secret",
    fmt: str | None = None,
    timeout: float = 5.0,
    headers: dict[str, str] | None = None,
) -> tuple[int, t.Any]:
    """`POST url` over HTTP with `body` as JSON, the bearer `secret` (None: no Authorization), the
    `X-Format` `fmt` (None: not sent) and more `headers`: the status and the JSON answer."""
    import httpx

    headers = dict(headers or {}) if fmt is None else {**(headers or {}), "X-Format": fmt}
    if secret:
        headers["Authorization"] = f"Bearer {secret}"
    response = httpx.post(url, content=json.dumps(body), headers=headers, timeout=timeout)
    return response.status_code, response.json()


_SAME = object()


class QueryEndpoint:
    """The v10 `POST /query/1` handler run embedded, with a module's defaults: the secret, the `x-format`
    and `x-typecheck` headers (None: not sent) and the request's `arguments` (None: not sent). A call may
    give its own; more headers go as `headers={...}` or as keywords, `_` for `-` (`x_typecheck="false"`).

    `answer` is the status and the envelope; `body` the envelope alone; `ok` the `data` of a 200;
    `ok_body` the envelope of a 200; `err` the envelope of a 400; `failure` the envelope of any failed
    query (one with an `error`: 400, or 440 for a time-out)."""

    def __init__(
        self,
        secret: str = "secret",
        *,
        fmt: str | None = None,
        typecheck: bool | None = None,
        arguments: dict | None = None,
    ) -> None:
        self.secret, self.fmt, self.typecheck, self.arguments = secret, fmt, typecheck, arguments

    def answer(
        self,
        db: fql.Database,
        query: str,
        secret: t.Any = _SAME,
        typecheck: t.Any = _SAME,
        *,
        fmt: t.Any = _SAME,
        arguments: t.Any = _SAME,
        headers: dict | None = None,
        **named: str,
    ) -> tuple[int, dict]:
        fmt = self.fmt if fmt is _SAME else fmt
        typecheck = self.typecheck if typecheck is _SAME else typecheck
        arguments = self.arguments if arguments is _SAME else arguments
        sent: dict[str, str] = {}
        if fmt is not None:
            sent["x-format"] = fmt
        if typecheck is not None:
            sent["x-typecheck"] = "true" if typecheck else "false"
        sent.update(headers or {})
        sent.update({name.replace("_", "-"): value for name, value in named.items()})
        request = {"query": query} if arguments is None else {"query": query, "arguments": arguments}
        response = v10.query(db, request, self.secret if secret is _SAME else secret, sent, 0)
        return response.status, json.loads(response.body)

    def body(self, db: fql.Database, query: str, *args: t.Any, **kw: t.Any) -> dict:
        return self.answer(db, query, *args, **kw)[1]

    def ok(self, db: fql.Database, query: str, *args: t.Any, **kw: t.Any) -> t.Any:
        return self.ok_body(db, query, *args, **kw)["data"]

    def ok_body(self, db: fql.Database, query: str, *args: t.Any, **kw: t.Any) -> dict:
        status, body = self.answer(db, query, *args, **kw)
        assert status == 200, body
        return body

    def err(self, db: fql.Database, query: str, *args: t.Any, **kw: t.Any) -> dict:
        status, body = self.answer(db, query, *args, **kw)
        assert status == 400, body
        return body

    def failure(self, db: fql.Database, query: str, *args: t.Any, **kw: t.Any) -> dict:
        body = self.body(db, query, *args, **kw)
        assert "error" in body, body
        return body
