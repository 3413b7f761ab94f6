"""Helpers of the ports of core's v10 scalar model specs (FQL2MathSpec, FQL2NumberSpec, FQL2BytesSpec,
FQL2IDSpec, FQL2TimeSpec, FQL2DateSpec, ...): run a query embedded, as core's model specs do, and see its
value, its static type (core's `typeStr`, and a method's signature), or its error's code, message and span
(offsets into the query, core's `Span(start, end)`)."""

from __future__ import annotations

import fql
from fql.repl.printer import utf16
from tests.helpers import query_v10, query_v10_error, type_of


def ok(db: fql.Database, query: str, typecheck: bool = True, secret: str | None = None):
    return query_v10(db, query, secret, typecheck=typecheck)


def err(db: fql.Database, query: str, typecheck: bool = True, secret: str | None = None) -> tuple:
    """(code, message, (start, end)) of the query's error, the span in UTF-16 units as core counts."""
    e = query_v10_error(db, query, secret, typecheck=typecheck)
    return e.v10_code, e.description, utf16_span(query, e.span)


def utf16_span(query: str, span) -> tuple[int, int] | None:
    """A span's (start, end) in UTF-16 units of `query`, core's offsets (fql's count code points)."""
    if span is None:
        return None
    return utf16(query[: span.start]), utf16(query[: span.end])


def signatures(db: fql.Database, member: str) -> list[str]:
    """A stdlib member's signatures as core's `lookupSig` lists them: `name(params) => result` for each
    overload of a method, the type alone for a field."""
    shown = type_of(db, member)
    assert shown is not None, member
    name = member.rsplit(".", 1)[1]
    if "=>" not in shown:
        return [shown]
    overloads = shown[1:-1].split(") & (") if shown.startswith("((") else [shown]
    out = []
    for overload in overloads:
        params, result = _arrow(overload)
        params = params if params.startswith("(") else f"({params})"
        out.append(f"{name}{params} => {result}")
    return out


def _arrow(shown: str) -> tuple[str, str]:
    """A function type's parameters and result: split at its `=>` outside any brackets."""
    depth = 0
    for at, char in enumerate(shown):
        if char in "(<{[":
            depth += 1
        elif char in ")}]" or (char == ">" and shown[at - 1] != "="):
            depth -= 1
        if depth == 0 and shown.startswith(" => ", at):
            return shown[:at], shown[at + 4 :]
    raise AssertionError(shown)
