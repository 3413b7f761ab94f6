"""Core's checks of the computed fields an index or unique constraint covers (SchemaTypeValidator's
postcheckIndexedComputedFields): such a field may not call a user function, access a collection, use
another computed field or a document's `ts`. Core finds the first two by the body's free names and the
others by type (a field selected on a value typed as a document of a schema collection); fql looks for
fields selected on the body's parameter, on a document another collection's name reaches (`Bar.byId(0)!`,
`Bar.create({})`), or on a `let` that names one of those, as long as no `let` or lambda rebinds the name.

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


def errors(
    definition: dict,
    functions: t.Sequence[str],
    collections: t.Sequence[str],
    others: t.Mapping[str, t.Container[str]] = {},
) -> list[tuple[str, Error]]:
    """Each indexed computed field's errors, as (field, error), in core's order: its user functions (in
    the schema's order), its collections, then what it selects on its document, as written."""
    computed = definition.get("computed_fields") or {}
    out = []
    for name in covered(definition):
        spec = computed.get(name)
        if isinstance(spec, dict) and isinstance(spec.get("body"), str):
            out += [(name, error) for error in body_errors(spec["body"], computed, functions, collections, others)]
    return out


def body_errors(
    body: str,
    computed: t.Container[str],
    functions: t.Sequence[str],
    collections: t.Sequence[str],
    others: t.Mapping[str, t.Container[str]] = {},
) -> list[Error]:
    """The errors of one computed field's body (its source, a lambda); `others`: the computed fields of
    each collection of the schema, by name (core's `Bar.byId(0)!.x` selects one of Bar's)."""
    try:
        program = parse(body, "v10")
    except Exception:  # noqa: BLE001 - a body that does not parse is reported where it is checked
        return []
    arrow = program.body[0] if len(program.body) == 1 else None
    if not isinstance(arrow, ast.Arrow):
        return []
    docs = {arrow.params[0]: OWN} if len(arrow.params) == 1 else {}
    found = list(_walk(arrow.body, frozenset(arrow.params), docs))
    first_site: dict[str, tuple[int, int]] = {}
    for kind, name, span in found:
        if kind == "free":
            first_site.setdefault(name, span)
    out = [(UDF, *first_site[f]) for f in functions if f in first_site]
    out += [(COLLECTION, *first_site[c]) for c in collections if c in first_site]
    for kind, name, span in found:
        if kind != "select":
            continue
        coll, field = name
        if field in (computed if coll == OWN else others.get(coll, ())):
            out.append((COMPUTED, *span))
        if field == "ts":
            out.append((TS, *span))
    return out


def doc_selects(body: str) -> list[tuple[str, int, int]]:
    """The fields a one-parameter lambda's source (a computed field's, a check constraint's, a short lambda
    too) selects on its parameter, a document: (field, start, end of its name), as written."""
    try:
        program = parse(body, "v10")
    except Exception:  # noqa: BLE001 - a body that does not parse is reported where it is checked
        return []
    arrow = program.body[0] if len(program.body) == 1 else None
    if not isinstance(arrow, ast.Arrow) or len(arrow.params) != 1:
        return []
    found = _walk(arrow.body, frozenset(arrow.params), {arrow.params[0]: OWN})
    return [(name[1], start, end) for kind, name, (start, end) in found if kind == "select" and name[0] == OWN]


def free_names(body: t.Iterable[ast.Node], bound: frozenset) -> t.Iterator[tuple[str, int]]:
    """The free identifiers of statements `body` (a `let` binds its name for the statements after it),
    in the order written, each with where it starts (the schema manager's unbound-name check)."""
    for kind, name, (start, _) in _walk(ast.Block(tuple(body)), bound, {}):
        if kind == "free":
            yield name, start


#: What the body's parameter is a document of: the collection whose field is checked.
OWN = ""
#: The methods of a collection that give one of its documents (core types them as the document, not null).
_MAKES_DOC = frozenset(("create", "createData"))


def _doc_of(node: t.Any, bound: frozenset, docs: t.Mapping[str, str]) -> str | None:
    """The collection `node` is statically a document of (OWN for the body's parameter), or None: a name
    of one, `Coll.byId(x)!` or `Coll.create(...)` of a collection named by a free name."""
    if isinstance(node, ast.Ident):
        return docs.get(node.name)
    non_null = isinstance(node, ast.NonNull)
    call = node.expr if non_null else node
    if not (isinstance(call, ast.Apply) and isinstance(call.fn, ast.Member) and not call.fn.optional):
        return None
    owner, method = call.fn.obj, call.fn.name
    if not isinstance(owner, ast.Ident) or owner.name in bound:
        return None
    if (method == "byId" and non_null) or method in _MAKES_DOC:
        return owner.name
    return None


def _walk(node: t.Any, bound: frozenset, docs: t.Mapping[str, str]) -> t.Iterator[tuple[str, t.Any, tuple[int, int]]]:
    """("free", name, span) for each free identifier, ("select", (collection, field), span of its name)
    for each field selected on a document (`docs`: the names of documents, by collection: the parameter,
    and names a `let` gives one; see _doc_of)."""
    if isinstance(node, ast.Ident):
        if node.name not in bound and node.name != ast.THIS:
            yield "free", node.name, (node.span.start, node.span.end)
    elif isinstance(node, ast.Member):
        coll = _doc_of(node.obj, bound, docs)
        if coll is not None:
            yield "select", (coll, node.name), (node.span.end - len(node.name), node.span.end)
        yield from _walk(node.obj, bound, docs)
    elif isinstance(node, (ast.Block, ast.Program)):
        for stmt in node.body:
            if isinstance(stmt, ast.Let):
                yield from _walk(stmt.value, bound, docs)
                coll = _doc_of(stmt.value, bound, docs)
                rest = {k: v for k, v in docs.items() if k != stmt.name}
                bound, docs = bound | {stmt.name}, rest if coll is None else {**rest, stmt.name: coll}
            else:
                yield from _walk(stmt, bound, docs)
    elif isinstance(node, ast.Arrow):
        params = set(node.params) | ({node.rest} if node.rest is not None else set())
        yield from _walk(node.body, bound | params, {k: v for k, v in docs.items() if k not in params})
    elif isinstance(node, ast.Node) and not isinstance(node, ast.Literal):
        for attribute in attrs.fields(type(node)):
            if attribute.name != "span":
                yield from _walk_value(getattr(node, attribute.name), bound, docs)


def _walk_value(value: t.Any, bound: frozenset, docs: t.Mapping[str, str]) -> t.Iterator[tuple[str, t.Any, tuple[int, int]]]:
    if isinstance(value, ast.Node):
        yield from _walk(value, bound, docs)
    elif isinstance(value, tuple):
        for item in value:
            yield from _walk_value(item, bound, docs)
