"""What core's v4 QueryParser refuses before a query runs: forms it does not know, or that the code's API
version lacks, a function written where a Lambda must be, and variables no Let or Lambda binds.

Core parses the whole query into its expression tree before evaluating any of it (ast/Parser.scala), so
such a query fails as a whole, evaluated branch or not, and nothing runs. Its PResult gathers every
failure of the parse, in the order the parse meets them (a form's arguments in its declared key order,
Let's bindings before its body, an array's items in order), and the answer lists them all; unbound
variables are reported only when nothing else failed (a failure drops the free variables gathered).
A lambda's body has the forms of the lambda's version: the query's, or an `@query` escape's own
(`api_version`, 2.12 without one), so a function, predicate or binding written with a form its version
lacks is refused where it is written.

fql walks its tree once per decoded query and version (decoded queries are cached and reused, and so is
the answer). Not checked here, left to evaluation as before: the other parse failures core finds (an
empty `do`, params that are not names, a malformed escape, which fails as it is decoded, alone), and
an unbound variable is the first one met where core names them all (in a Scala HashMap's order).
"""

from __future__ import annotations

import typing as t

from .. import ast
from ..errors import FQLError, InvalidExpression
from ..values import Lambda
from . import registry, versions
from .collections import LAMBDA_ARGUMENTS, _is_lambda_form, _not_lambda
from .control import _written_type, lambda_, let, query, var
from .evaluator import _resolve_form, _unknown

#: A failure found: (its description, its position).
_Failure = tuple[str, tuple]


class _Walk:
    """One walk of a query: the failures met, in order, and the first unbound variable."""

    __slots__ = ("failures", "free")

    def __init__(self) -> None:
        self.failures: list[_Failure] = []
        self.free: tuple[str, tuple] | None = None

    def fail(self, err: FQLError, path: tuple) -> None:
        self.failures.append((err.description, (*path, *err.position)))

    def node(self, node: ast.Node, bound: frozenset, path: tuple, version: str) -> None:
        kind = type(node)
        if kind is ast.Literal:
            return
        if kind is ast.Form:
            self.form(node, bound, path, version)
        elif kind is ast.Call:
            fn = registry.lookup(node.name)
            if fn is None or not versions.has_builtin(fn, version):
                key = registry.snake(node.name.split(".")[-1])
                self.fail(_unknown(key, [key]), path)
            else:
                self.call(fn, node.args, bound, path, version, wire_order=False)
        elif kind is ast.Array:
            for i, item in enumerate(node.items):
                self.node(item, bound, (*path, i), version)
        elif kind is ast.Object:
            for key, value in node.pairs:
                self.node(value, bound, (*path, "object", key), version)
        elif kind is ast.Value:
            value = node.value
            if type(value) in (dict, list):
                # Only a Quote decodes to an object or array value: its lambdas are at ["quote", ...].
                self.value(value, path, ("quote",))
            elif type(value) is Lambda:
                self.stored_lambda(value, path)
        elif kind is ast.Program:
            for expr in node.body:
                self.node(expr, bound, (), version)

    def form(self, node: ast.Form, bound: frozenset, path: tuple, version: str) -> None:
        try:
            name, args, _, key, current = _resolve_form(node)
        except FQLError as err:
            self.fail(err, path)
            return
        if not (current if version == versions.CURRENT else versions.has_form(key, version)):
            # Parser.scala's version predicates: the router finds no form, InvalidFormExpr of its keys.
            self.fail(_unknown(key, [k for k, _ in node.pairs]), path)
            return
        self.call(registry.lookup(name), args, bound, path, version, wire_order=True)

    def value(self, value: t.Any, path: tuple, inner: tuple) -> None:
        """A decoded value (an `@query` escape, a quoted object): the lambdas in it are parsed too."""
        kind = type(value)
        if kind is Lambda:
            self.stored_lambda(value, (*path, *inner))
        elif kind is dict:
            for key, item in value.items():
                self.value(item, path, (*inner, key))
        elif kind is list:
            for i, item in enumerate(value):
                self.value(item, path, (*inner, i))

    def stored_lambda(self, fn: Lambda, path: tuple) -> None:
        """An `@query` lambda, parsed at its own version; a variable its body does not bind makes it
        `Invalid lambda.` (EscapesParser.parseLambda: its free variables must be none)."""
        if fn.api_version not in versions.ORDER:
            return
        inner = _Walk()
        names = _names(fn.params)
        inner.node(fn.body, names | frozenset(fn.env), (*path, "expr"), fn.api_version)
        self.failures += inner.failures
        if not inner.failures and inner.free is not None:
            self.failures.append(("Invalid lambda.", path))

    def call(self, fn: t.Any, args: tuple, bound: frozenset, path: tuple, version: str, *, wire_order: bool) -> None:
        if fn.fn is var:
            (arg,) = args if len(args) == 1 else (None,)
            if not isinstance(arg, ast.Literal) or not isinstance(arg.value, str):
                if arg is not None:
                    self.failures.append((f"String expected, {_written_type(arg)} provided.", (*path, "var")))
                return
            if arg.value not in bound and self.free is None:
                self.free = (arg.value, path)
            return
        if fn.fn is let and len(args) == 2:
            self.let(args[0], args[1], bound, path, version)
            return
        if fn.fn is lambda_ and len(args) == 2:
            names = _param_names(args[0])
            # Params made by an expression bind names known only then: leave such a body to evaluation.
            if names is not None:
                self.node(args[1], bound | names, (*path, "expr"), versions.lambda_version(version))
            return
        for arg, arg_path in _arguments(fn, args, path, wire_order):
            if ((fn.name, arg_path[-1]) in LAMBDA_ARGUMENTS or fn.fn is query) and not _is_lambda_form(arg):
                # Core's parseLambda: the argument must be a Lambda written out.
                self.fail(_not_lambda(arg), arg_path)
            else:
                self.node(arg, bound, arg_path, version)

    def let(self, bindings: ast.Node, body: ast.Node, bound: frozenset, path: tuple, version: str) -> None:
        if isinstance(bindings, ast.Object):
            groups: list[tuple[tuple, tuple]] = [((), bindings.pairs)]
        elif isinstance(bindings, ast.Array) and all(isinstance(b, ast.Object) for b in bindings.items):
            groups = [((i,), b.pairs) for i, b in enumerate(bindings.items)]
        else:
            return
        for prefix, pairs in groups:
            for name, node in pairs:
                self.node(node, bound, (*path, "let", *prefix, name), version)
                bound = bound | {name}
        self.node(body, bound, (*path, "in"), version)


def _arguments(fn: t.Any, args: tuple, path: tuple, wire_order: bool) -> list[tuple[ast.Node, tuple]]:
    """A call's arguments with the positions evaluation gives them (evaluator.call), in key order."""
    if not wire_order:
        args = fn.to_key_order(args)
    keys = fn.keys
    options: tuple = ()
    if fn.options and len(args) > len(keys) - (1 if fn.varargs else 0) and isinstance(args[-1], ast.Object):
        if not fn.varargs or len(args) > len(keys):
            options, args = args[-1].pairs, args[:-1]
    fixed, rest = (args[: len(keys) - 1], args[len(keys) - 1 :]) if fn.varargs else (args[: len(keys)], ())
    items = [(arg, (*path, keys[i])) for i, arg in enumerate(fixed) if arg is not None]
    if len(rest) == 1:
        items.append((rest[0], (*path, keys[-1])))
    else:
        items += [(arg, (*path, keys[-1], i)) for i, arg in enumerate(rest)]
    items += [(value, (*path, key)) for key, value in options]
    return items


def _names(params: t.Any) -> frozenset:
    """The names a lambda value's params bind."""
    if isinstance(params, str):
        return frozenset((params,))
    if isinstance(params, (list, tuple)):
        return frozenset().union(*(_names(p) for p in params))
    return frozenset()


def _param_names(node: ast.Node) -> frozenset | None:
    """The names written-out lambda params bind (`"x"`, `["a", ["b", "_"]]`); None when not written out."""
    if isinstance(node, ast.Literal) and isinstance(node.value, str):
        return frozenset() if node.value == "_" else frozenset((node.value,))
    if isinstance(node, ast.Array):
        names: frozenset = frozenset()
        for item in node.items:
            inner = _param_names(item)
            if inner is None:
                return None
            names |= inner
        return names
    return None


#: What a walk found (its failures, its first unbound variable), None for nothing.
_Found = t.Optional[tuple[tuple[_Failure, ...], t.Optional[tuple[str, tuple]]]]

#: Decoded queries are cached and run again: the walk's answer, by node (an entry keeps its node alive),
#: for API 4 and, by version, for the others.
_CHECKED: dict[int, tuple[ast.Node, _Found]] = {}
_CHECKED_AT: dict[str, dict[int, tuple[ast.Node, _Found]]] = {}
MAX_CHECKED = 10_000


def check(node: ast.Node, bound: t.Iterable[str] = (), version: str = versions.CURRENT) -> FQLError | None:
    """The failure core's parse finds in a v4 query written for `version` with variables `bound`, the
    others it finds as its siblings (one answer); None when it parses."""
    names = frozenset(bound)
    table = None
    if not names:
        table = _CHECKED if version == versions.CURRENT else _CHECKED_AT.setdefault(version, {})
        hit = table.get(id(node))
        if hit is not None and hit[0] is node:
            return None if hit[1] is None else _error(hit[1])
    walk = _Walk()
    walk.node(node, names, (), version)
    found = (tuple(walk.failures), walk.free) if walk.failures or walk.free is not None else None
    if table is not None:
        if len(table) >= MAX_CHECKED:
            table.clear()
        table[id(node)] = (node, found)
    return None if found is None else _error(found)


def _error(found: tuple) -> FQLError | None:
    failures, free = found
    if failures:
        first, *others = (InvalidExpression(description, position=path) for description, path in failures)
        first.siblings = others
        return first
    if free is not None:
        name, path = free
        return InvalidExpression(f"Variable '{name}' is not defined.", position=path)
    return None
