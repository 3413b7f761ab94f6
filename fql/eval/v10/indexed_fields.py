"""Core's checks of the computed fields an index or unique constraint covers (SchemaTypeValidator's
postcheckIndexedComputedFields): such a field may not call a user function, access a collection, use
another computed field or its document's `ts`. Core finds the first two by the body's free names and the
others by type (a field selected on a document of the collection); fql looks for fields selected on the
body's parameter, or a `let` that names it again, as long as no `let` or lambda rebinds the name.

Each error comes with where it is in the body's source, so that FSL can draw it (fql/schema/migrating.py)
and a v10 query can name it.
"""

from __future__ import annotations

import typing as t

import attrs

from ... import ast
from ...parse import parse

UDF = "Computed fields used in indexes or constraints cannot call UDFs"
COLLECTION = "Computed fields used in indexes or constraints cannot access collections"
COMPUTED = "Computed fields used in indexes or constraints cannot use computed fields"
TS = "Computed fields used in indexes or constraints cannot use a doc's ts field"

#: (message, start, end): an error, and where it is in the body's source.
Error = t.Tuple[str, int, int]


def covered(definition: dict) -> list[str]:
    """The first names of the paths of a definition's indexes (terms, then values) and unique constraints,
    in core's order (a name covered twice is listed twice, as core lists it)."""
    from .collections import strict_path

    def first(path: t.Any) -> list[str]:
        steps = strict_path(path) if isinstance(path, str) else None
        return [steps[0]] if steps and isinstance(steps[0], str) else []

    out: list[str] = []
    for spec in (definition.get("indexes") or {}).values():
        for key in ("terms", "values"):
            for item in spec.get(key) or []:
                out += first(item.get("field") if isinstance(item, dict) else None)
    for constraint in definition.get("constraints") or []:
        for item in constraint.get("unique") or []:
            out += first(item if isinstance(item, str) else item.get("field") if isinstance(item, dict) else None)
    return out


def errors(definition: dict, functions: t.Sequence[str], collections: t.Sequence[str]) -> list[tuple[str, Error]]:
    """Each indexed computed field's errors, as (field, error), in core's order: its user functions (in
    the schema's order), its collections, then what it selects on its document, as written."""
    computed = definition.get("computed_fields") or {}
    out = []
    for name in covered(definition):
        spec = computed.get(name)
        if isinstance(spec, dict) and isinstance(spec.get("body"), str):
            out += [(name, error) for error in body_errors(spec["body"], computed, functions, collections)]
    return out


def body_errors(
    body: str, computed: t.Container[str], functions: t.Sequence[str], collections: t.Sequence[str]
) -> list[Error]:
    """The errors of one computed field's body (its source, a lambda)."""
    try:
        program = parse(body, "v10")
    except Exception:  # noqa: BLE001 - a body that does not parse is reported where it is checked
        return []
    arrow = program.body[0] if len(program.body) == 1 else None
    if not isinstance(arrow, ast.Arrow):
        return []
    docs = frozenset(arrow.params[:1]) if len(arrow.params) == 1 else frozenset()
    found = list(_walk(arrow.body, frozenset(arrow.params), docs))
    first_site: dict[str, tuple[int, int]] = {}
    for kind, name, span in found:
        if kind == "free":
            first_site.setdefault(name, span)
    out = [(UDF, *first_site[f]) for f in functions if f in first_site]
    out += [(COLLECTION, *first_site[c]) for c in collections if c in first_site]
    for kind, name, span in found:
        if kind == "select" and name in computed:
            out.append((COMPUTED, *span))
        if kind == "select" and name == "ts":
            out.append((TS, *span))
    return out


def free_names(body: t.Iterable[ast.Node], bound: frozenset) -> t.Iterator[tuple[str, int]]:
    """The free identifiers of statements `body` (a `let` binds its name for the statements after it),
    in the order written, each with where it starts (the schema manager's unbound-name check)."""
    for kind, name, (start, _) in _walk(ast.Block(tuple(body)), bound, frozenset()):
        if kind == "free":
            yield name, start


def _walk(node: t.Any, bound: frozenset, docs: frozenset) -> t.Iterator[tuple[str, str, tuple[int, int]]]:
    """("free", name, span) for each free identifier, ("select", field, span of its name) for each field
    selected on a name of the document (`docs`: the parameter, and names a `let` gives it)."""
    if isinstance(node, ast.Ident):
        if node.name not in bound and node.name != ast.THIS:
            yield "free", node.name, (node.span.start, node.span.end)
    elif isinstance(node, ast.Member):
        if isinstance(node.obj, ast.Ident) and node.obj.name in docs:
            yield "select", node.name, (node.span.end - len(node.name), node.span.end)
        yield from _walk(node.obj, bound, docs)
    elif isinstance(node, (ast.Block, ast.Program)):
        for stmt in node.body:
            if isinstance(stmt, ast.Let):
                yield from _walk(stmt.value, bound, docs)
                is_doc = isinstance(stmt.value, ast.Ident) and stmt.value.name in docs
                bound, docs = bound | {stmt.name}, docs | {stmt.name} if is_doc else docs - {stmt.name}
            else:
                yield from _walk(stmt, bound, docs)
    elif isinstance(node, ast.Arrow):
        params = set(node.params) | ({node.rest} if node.rest is not None else set())
        yield from _walk(node.body, bound | params, docs - params)
    elif isinstance(node, ast.Node) and not isinstance(node, ast.Literal):
        for attribute in attrs.fields(type(node)):
            if attribute.name != "span":
                yield from _walk_value(getattr(node, attribute.name), bound, docs)


def _walk_value(value: t.Any, bound: frozenset, docs: frozenset) -> t.Iterator[tuple[str, str, tuple[int, int]]]:
    if isinstance(value, ast.Node):
        yield from _walk(value, bound, docs)
    elif isinstance(value, tuple):
        for item in value:
            yield from _walk_value(item, bound, docs)
