"""What a v4 lambda may do when called: nothing but compute, read, or write (core's `Effect`).

Core reads this off a lambda's body before calling it, where a lambda must not reach outside the query:
a Join's target must be pure, and a Filter over a set must not write.
"""

from __future__ import annotations

import typing as t

from .. import ast
from ..errors import InvalidArgument
from .registry import normalise

PURE, READ, WRITE = 0, 1, 2

#: The functions that read, by lookup key (core's QFunctions whose effect is Read).
_READS = frozenset(
    normalise(name)
    for name in (
        "Get", "Exists", "First", "Last", "KeyFromSecret", "Paginate", "Reduce", "ContainsValue",
        "Count", "Sum", "Mean", "Any", "All", "Max", "Min",
        "Identity", "CurrentIdentity", "HasIdentity", "HasCurrentIdentity", "Identify", "CurrentToken",
    )
)  # fmt: skip

#: The built-ins whose own effect is a write (core's QFunctions with `effect = Effect.Write`), by name.
WRITERS = frozenset(
    (
        "Create", "CreateClass", "CreateCollection", "CreateDatabase", "CreateIndex", "CreateFunction",
        "CreateRole", "CreateKey", "CreateAccessProvider", "Update", "Replace", "Delete", "Insert", "Remove",
        "MoveDatabase", "Login", "Logout", "IssueAccessJWT", "NewId", "NextId",
    )
)  # fmt: skip

#: The functions that write, or may (a user function may do anything: core counts Call as a write).
_WRITES = frozenset(normalise(name) for name in (*WRITERS, "Call"))

#: The functions that read only at API UNSTABLE, where core parses them as another QFunction: Take is
#: TakeFunction2 there (ArrayFunctions.scala, `Effect.Read`), which reads a set.
_READS_UNSTABLE = frozenset({"take"})


#: The forms that call their lambda operand where they are (Parser.scala folds that lambda's body into the
#: form's effect: map, foreach, filter, reduce, merge and join), by lookup key. Anywhere else a lambda is
#: a value, as pure as a literal (core's LambdaE is a PureE), and so is a `Query` of one.
_CALLING = frozenset({"map", "mapexpr", "foreach", "filter", "filterexpr", "reduce", "merge", "join"})


def effect(node: t.Any, version: str = "4") -> int:
    """The most a node may do when evaluated at API `version`: PURE, READ or WRITE."""
    return _effect(node, version, False)


def _effect(node: t.Any, version: str, called: bool) -> int:
    """`effect`, where `called` says the node is a calling form's lambda operand."""
    if isinstance(node, ast.Call):
        key = normalise(node.name)
        if key == "query" or (key == "lambda" and not called):
            return PURE
        calls = key in _CALLING
        return max([_of(key, version), *(_effect(a, version, calls) for a in node.args)])
    if isinstance(node, ast.Form):
        keys = [k for k, _ in node.pairs]
        if not keys or ({"lambda", "expr"} <= set(keys) and not called):
            return PURE
        key = normalise(keys[0])
        if key == "query":
            return PURE
        calls = key in _CALLING
        return max([_of(key, version), *(_effect(v, version, calls) for _, v in node.pairs)])
    if isinstance(node, ast.Array):
        return max((_effect(i, version, False) for i in node.items), default=PURE)
    if isinstance(node, ast.Object):
        return max((_effect(v, version, False) for _, v in node.pairs), default=PURE)
    return PURE


def _of(key: str, version: str) -> int:
    if key in _WRITES:
        return WRITE
    if key in _READS or (version == "UNSTABLE" and key in _READS_UNSTABLE):
        return READ
    return PURE


_PURE_ONLY = "read, write, or call a user function"
_READ_ONLY = "write or call a user function"


def require_pure(fn: t.Any, *path: str | int) -> None:
    """Refuse a lambda that may read or write (a Join's target)."""
    if effect(fn.body, fn.api_version) > PURE:
        raise InvalidArgument(f"Invalid lambda. Lambda in this context may not {_PURE_ONLY}.").at(*path)


def require_read_only(fn: t.Any, *path: str | int) -> None:
    """Refuse a lambda that may write (a Filter's predicate over a set)."""
    if effect(fn.body, fn.api_version) > READ:
        raise InvalidArgument(f"Invalid lambda. Lambda in this context may not {_READ_ONLY}.").at(*path)
