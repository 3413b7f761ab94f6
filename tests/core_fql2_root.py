"""What core's v10 schema-field specs (FQL2ComputedFieldsSpec, FQL2DefinedFieldsSpec,
FQL2CheckConstraintsSpec) share: queries through the `/query/1` handler with the root secret, in simple
format, with the database's own typechecking unless told otherwise."""

from __future__ import annotations

import json

import fql
from fql.server import v10


def answer(
    db: fql.Database,
    query: str,
    *,
    typecheck: bool | None = None,
    secret: str = "secret",
    arguments: dict | None = None,
) -> dict:
    """The query's answer body; `secret` the root's unless given, `arguments` the request's (simple format)."""
    headers = {"x-format": "simple"}
    if typecheck is not None:
        headers["x-typecheck"] = "true" if typecheck else "false"
    body = {"query": query} if arguments is None else {"query": query, "arguments": arguments}
    return json.loads(v10.query(db, body, secret, headers, 0).body)


def ok(db: fql.Database, query: str, **kw) -> object:
    body = answer(db, query, **kw)
    assert "error" not in body, body
    return body["data"]


def failure(db: fql.Database, query: str, **kw) -> dict:
    body = answer(db, query, **kw)
    assert "error" in body, body
    return body


def static_type(db: fql.Database, query: str) -> str:
    """The query's type as core's typer shows it (core's `evalRes(...).typeStr`)."""
    body = answer(db, query, typecheck=True)
    assert "error" not in body, body
    return body["static_type"]


def lines(*rows: str) -> str:
    return "\n".join(rows)
