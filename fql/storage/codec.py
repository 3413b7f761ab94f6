"""Stored values <-> JSON text, losslessly: refs, times, bytes, lambdas with their AST bodies, tuples, `@` keys."""

from __future__ import annotations

import base64
import json
import typing as t

from attrs import fields, has

from .. import ast
from ..errors import InvalidArgument
from ..values import UUID, Bytes, Date, Lambda, Long, Page, Ref, SetRef, Timestamp, type_name

#: AST node classes by name, for `@n`.
_NODES = {c.__name__: c for c in vars(ast).values() if isinstance(c, type) and issubclass(c, ast.Node) and has(c)}
#: A span's fields, in the order `@n` stores them.
_SPAN_FIELDS = tuple(f.name for f in fields(ast.Span))
#: Each node class's fields after `span`, in declaration order.
#: The fields a stored node keeps: where it is (`span`) is kept apart, a program's source text and a `let`'s
#: parsed annotation (the typechecker's, which its text gives again) not at all.
_NODE_FIELDS = {
    name: tuple(f.name for f in fields(cls) if f.name not in ("span", "text", "annotation")) for name, cls in _NODES.items()
}

_dumps = json.JSONEncoder(ensure_ascii=True, separators=(",", ":"), check_circular=False).encode


def dumps(value: t.Any) -> str:
    """The stored text of `value`; InvalidArgument for a value that cannot be stored.

    Plain JSON values stay plain (a document reads well in `sqlite3`/`psql`); every other value is an
    object with one `@` key:

        {"@ref": [id, collection, database]}   {"@ts": nanos}   {"@date": days}   {"@bytes": base64}
        {"@set": [[key, value], ...]}   {"@page": [data, before, after, has_before, has_after]}
        {"@fn": [params, body, [[name, value], ...], api_version]}   {"@n": [node class, span, field, ...]}
        {"@t": [tuple items]}   {"@o": [[key, value], ...]} (an object with a key starting with `@`, as
        pairs, so that it cannot read as a tag)

    Ints and floats stay distinct (`1` vs `1.0`); NaN and the infinities are kept, as Python's `json` writes them.
    """
    return _dumps(to_plain(value))


def loads(text: str) -> t.Any:
    """The value whose stored text is `text`."""
    return _decode(text)


def to_plain(value: t.Any) -> t.Any:
    """`value` as plain JSON data (lists, dicts, str, numbers, bools, None), tagged where needed."""
    kind = type(value)
    if kind is str or kind is int or kind is float or kind is bool or value is None:
        return value
    if kind is dict:
        return _dict_plain(value)
    if kind is list:
        return [to_plain(v) for v in value]
    encode = _ENCODERS.get(kind)
    if encode is not None:
        return encode(value)
    if isinstance(value, ast.Node):
        return _node_plain(value)
    if isinstance(value, str):
        # The parser's strings are lark Tokens, a str subclass; they are stored (and read back) as str.
        return str(value)
    raise InvalidArgument(f"A value of type {type_name(value)} cannot be stored.")


def _dict_plain(value: dict) -> dict:
    out = {}
    for k, v in value.items():
        if not isinstance(k, str) or k[:1] == "@":
            return {"@o": [[to_plain(k), to_plain(v)] for k, v in value.items()]}
        out[k] = to_plain(v)
    return out


def _node_plain(node: ast.Node) -> dict:
    name = type(node).__name__
    span = node.span
    where = None if span == ast.NO_SPAN else [getattr(span, f) for f in _SPAN_FIELDS]
    return {"@n": [name, where, *(to_plain(getattr(node, f)) for f in _NODE_FIELDS[name])]}


def _lambda_plain(fn: Lambda) -> dict:
    # A closure keeps the variables in scope where it was made; ones no document could hold (v10 modules,
    # native functions) are left out, since no stored body can name them without failing in memory too.
    env = []
    for name, value in fn.env.items():
        if name.startswith("\0"):
            continue  # why a null variable is null (v10 expressions.NULL_KEY): kept for one query only
        try:
            env.append([name, to_plain(value)])
        except InvalidArgument:
            continue
    return {"@fn": [to_plain(fn.params), _node_plain(fn.body), env, fn.api_version]}


_ENCODERS: dict[type, t.Callable[[t.Any], t.Any]] = {
    tuple: lambda v: {"@t": [to_plain(x) for x in v]},
    Long: int,  # a v10 Long is stored as any integer is (core's IR has one integer type)
    Ref: lambda r: {"@ref": [r.id, to_plain(r.collection), to_plain(r.database)]},
    SetRef: lambda s: {"@set": [[k, to_plain(v)] for k, v in s.form]},
    Timestamp: lambda ts: {"@ts": ts.nanos},
    Date: lambda d: {"@date": d.days},
    Bytes: lambda b: {"@bytes": base64.b64encode(b.data).decode("ascii")},
    UUID: lambda u: {"@uuid": u.bits.to_bytes(16, "big").hex()},
    Page: lambda p: {"@page": [to_plain(p.data), to_plain(p.before), to_plain(p.after), p.has_before, p.has_after]},
    Lambda: _lambda_plain,
}


def _node(body: list) -> ast.Node:
    name, where, *values = body
    cls = _NODES[name]
    span = ast.NO_SPAN if where is None else ast.Span(*where)
    return cls(*values, span=span)


_DECODERS: dict[str, t.Callable[[t.Any], t.Any]] = {
    "@t": tuple,
    "@o": lambda pairs: {k: v for k, v in pairs},
    "@ref": lambda body: Ref(*body),
    "@set": lambda body: SetRef(tuple((k, v) for k, v in body)),
    "@ts": Timestamp,
    "@date": Date,
    "@bytes": lambda text: Bytes(base64.b64decode(text)),
    "@uuid": lambda text: UUID(int(text, 16)),
    "@page": lambda body: Page(*body),
    "@fn": lambda body: Lambda(body[0], body[1], {k: v for k, v in body[2]}, api_version=body[3]),
    "@n": _node,
}


def from_tagged(obj: dict) -> t.Any:
    """One JSON object as `dumps` wrote it, its contents already values: the value its tag stands for, or
    the object itself (a `json` object_hook)."""
    # json calls this innermost object first, so a tag's contents are already values when it is seen.
    if len(obj) == 1:
        for key, body in obj.items():
            if key[:1] == "@":
                return _DECODERS[key](body)
    return obj


_decode = json.JSONDecoder(object_hook=from_tagged).decode
