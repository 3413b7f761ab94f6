"""Core's performance hints (`X-Performance-Hints: true`): `collection_scan`, `full_set_read` and
`non_covered_document_read`, each once per place, shown in the summary after the log lines."""

from __future__ import annotations

import typing as t

from attrs import frozen

from ... import ast
from ...values import Document
from ..evaluator import Context, current_source
from .misc import LogLine

if t.TYPE_CHECKING:
    from ..indexes import IndexDef

#: Where each kind of hint is explained.
LINK = "https://docs.fauna.com/performance_hint/"
#: A document's fields every index entry holds.
META_FIELDS = frozenset(("id", "ts", "ttl", "coll"))


def hint(ctx: Context, code: str, text: str, span: t.Any, src: str | None = None, source: str | None = None) -> None:
    """`code - text. See <link>.` at `span` (in the source running, unless given), once per place."""
    if src is None:
        src, source = current_source(ctx.state)
    line = LogLine(f"{code} - {text}. See {LINK}{code}.", True, src, source, span, "performance_hint")
    if src is not None and span is not None and line not in ctx.state.hints:
        ctx.state.hints.append(line)


def at_call(ctx: Context, method: str, code: str, text: str) -> None:
    """A hint at the call of `method` being made (its arguments); nothing when fql calls the method on its
    own behalf."""
    from .expressions import op_span

    node = ctx.state.call_node
    if isinstance(node, ast.Apply) and getattr(node.fn, "name", None) == method:
        hint(ctx, code, text, op_span(node))


def collection_scan(ctx: Context, collection: str, method: str) -> None:
    """`method` reads every document of a collection."""
    if ctx.state.performance_hints:
        text = f"Using {method}() on collection {collection} can cause a read of every document"
        at_call(ctx, method, "collection_scan", text)


def full_set_read(ctx: Context, s: t.Any, method: str) -> None:
    """`method` reads the whole of a set read from a collection or an index."""
    if ctx.state.performance_hints and s.index_sourced:
        at_call(ctx, method, "full_set_read", f"Using {method}() causes the full set to be read")


@frozen
class IndexRead:
    """Documents read from an index (`Books.byAuthor("x")`): only what its terms and values cover was read
    (core's partial documents); reading anything else reads the whole document."""

    #: `Books.byAuthor`, as the hints name it.
    name: str
    #: The covered paths in the document's data; None where fql cannot tell (a computed field's).
    covered: frozenset[tuple[str, ...]] | None
    #: Where the index was read: the source's name and text, and the call's arguments.
    src: str | None
    source: str | None
    span: t.Any


def index_read(ctx: Context, index: IndexDef, name: str) -> IndexRead | None:
    """What a read of `index` (by the call being made) covers, when hints are asked for."""
    from .expressions import op_span

    if not ctx.state.performance_hints or ctx.state.call_node is None:
        return None
    fields = (*index.terms, *index.values)
    paths = [f.path for f in fields]
    covered = None
    if all(p is not None for p in paths):
        covered = frozenset(p[1:] for p in paths if p[:1] == ("data",) and len(p) > 1)
    src, source = current_source(ctx.state)
    return IndexRead(name, covered, src, source, op_span(ctx.state.call_node))


def read_from_index(ctx: Context, doc: t.Any, read: IndexRead) -> t.Any:
    """`doc`, an element of an index set: what of it was read is tracked."""
    if isinstance(doc, Document):
        ctx.state.partials[id(doc)] = (doc, read, (), None)
    return doc


def field_read(ctx: Context, holder: t.Any, name: str, found: t.Any, node: ast.Node) -> None:
    """`holder.name` gave `found`: a field an index did not cover is a hint at `node`'s name; a part of a
    covered path is still partly read."""
    from .expressions import op_span

    partials = ctx.state.partials
    entry = partials.get(id(holder))
    if entry is None or entry[0] is not holder:
        return
    _, read, path, _ = entry
    if read.covered is None or (not path and name in META_FIELDS):
        return
    if not path and name == "data" and isinstance(holder, Document):
        if isinstance(found, dict):
            partials[id(found)] = (found, read, (), None)
        return
    full = (*path, name)
    if any(full[: len(c)] == c for c in read.covered):
        return  # covered whole
    if any(c[: len(full)] == full for c in read.covered):
        if isinstance(found, dict):
            partials[id(found)] = (found, read, full, node)
        return
    hint(ctx, "non_covered_document_read", _not_covered(full, read), op_span(node))


def returned(ctx: Context, value: t.Any) -> None:
    """`value` is in the query's answer: a document read from an index was read whole; so was a part of
    one that its index covers only partly."""
    entry = ctx.state.partials.get(id(value))
    if entry is None or entry[0] is not value:
        return
    from .expressions import op_span

    _, read, path, node = entry
    if isinstance(value, Document):
        text = f"Full documents returned from {read.name}"
        hint(ctx, "non_covered_document_read", text, read.span, read.src, read.source)
    elif path and read.covered is not None:
        hint(ctx, "non_covered_document_read", _not_covered(path, read), op_span(node), read.src, read.source)


def _not_covered(path: tuple[str, ...], read: IndexRead) -> str:
    return f".{'.'.join(path)} is not covered by the {read.name} index"
