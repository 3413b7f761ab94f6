"""A push's collection migrations, checked on the FSL as core's SchemaValidate.validateMigrations checks them:
a collection the push adds, or one it changes that has no documents (core counts an empty collection as
new), must have migrations that rewind cleanly from its fields; one with documents must also rewind to a
shape its live fields fit. The rules are fql/eval/v10/rewind.py's and shapes.py's (core's
MigrationValidator and CollectionShape); what this module adds is where things are written, so that each
error is drawn in the `.fsl` file, its hints as insertions into it (`migrations { add .name }`,
` = <expr>`), as core renders them."""

from __future__ import annotations

import re
import typing as t

from attrs import evolve, frozen

from ..eval.evaluator import Context
from ..eval.v10 import indexed_fields
from ..eval.v10 import migrations as m
from ..eval.v10 import rewind as r
from ..eval.v10 import schema_types as st
from ..eval.v10 import shapes
from ..eval.v10 import signatures as sig
from ..eval.v10.fields import env_typechecked, pure_value
from ..eval.v10.signatures import SignatureError
from . import diff as schema_diff
from . import parser
from .errors import Diagnostic, annotate
from .items import Item, document_types
from .nodes import Block, Field, Function, Migration, Node

#: The tag of a span in the file as it stands (the live side), not the submitted one.
LIVE = "live"
V4_INDEXES = "Cannot create migrations on a collection with v4 indexes"


def failures(ctx: Context, diffs: list, before: dict[str, str], after: dict[str, str]) -> list[str]:
    """Each migration error of the collections `diffs` add or change, rendered against its file (core's
    order: the diffs' order, each collection's errors in the order found)."""
    find = _lookup(_items(diffs), ctx)
    out = unknown_types(after)
    if out and env_typechecked(ctx):
        out += opaque_types(after)
    if not out:
        out = default_types(ctx, after, find)
    if not out and env_typechecked(ctx):
        out = indexed_types(after)
    if out or not all(_types_known(change, find) for change in diffs):
        # Core checks the schema's types first and its migrations only when they are sound: the writes
        # that follow say what else is wrong with the types.
        return out
    for change in diffs:
        out += check(ctx, change, diffs, before, after)[1]
    return out


def unknown_types(files: dict[str, str], refs: bool = False, *, functions_only: bool = False) -> list[str]:
    """Core's SchemaTypeValidator on the types the pushed schema writes, as a whole, each error drawn where
    it is: a name that is no collection of it (by name or alias) nor a type core knows is `Unknown type`,
    in a collection's defined fields, then its computed fields' signatures, then its wildcard (which must
    be `Any`), and, after every collection, in functions' signatures (where a name unknown is a type
    parameter if it is both taken and returned, as core's typer reads generics). Core checks computed
    fields and functions when the database is typechecked, its default; fql always does. A `Ref<>` of no
    document type is an error too, after its parameter's; with `refs` (a v10 write's check) even where
    its parameter is unknown. `functions_only`: the functions' signatures alone (a v10 write's check, once
    the query has run: the collections' types were checked at their own writes)."""
    collections: list[str] = []
    functions: list[str] = []
    for file, text, node, errors in _collection_errors(files, refs, functions_only):
        if node is not None:
            collections += errors
        else:
            functions += errors
    return collections + functions


def _collection_errors(
    files: dict[str, str], refs: bool = False, functions_only: bool = False
) -> t.Iterator[tuple[str, str, t.Any, list[str]]]:
    """unknown_types' errors by item: (file, text, collection node, its errors) for each collection in
    order, and (file, text, None, errors) for each function's signature."""
    parsed = {name: parser.parse(text, name) for name, text in files.items() if text.strip()}
    names = {"Key", "Token", "Credential"}
    for items in parsed.values():
        for item in items:
            if item.kind == "collection":
                names.update(n for n in (item.name, item.definition.get("alias")) if isinstance(n, str))

    def known(name: str) -> bool:
        if sig.doc_type(name, lambda n: n in names or None) or _builtin(name):
            return True
        return name.endswith("Collection") and name[: -len("Collection")] in names

    for file, text in files.items():
        if file not in parsed:
            continue
        for node in parser.read(text):
            if node.kw.text == "collection" and isinstance(node.value, Block) and node.name is not None and not functions_only:
                where = _Where(node.name.text, known, lambda n: n in names or None, text, file, refs)
                yield file, text, node, _collection_types(node.value.items, where)
            elif node.kw.text == "function" and isinstance(node.value, Function):
                yield file, text, None, [d.render(text, file) for d in _function_types(node.value, known)]


def opaque_types(files: dict[str, str], refs: bool = False) -> list[str]:
    """What core's typer then finds in the collections it built no document type for (SchemaTypeValidator
    checkCollections adds a collection's type only while no error was found: the first collection with a
    type error and every one after it): each field its computed fields' and check constraints' bodies, and
    its index and unique constraint paths, select on a document, ``Type `Foo` does not have field `baz` ``
    (FQL2ComputedFieldsSpec "rejects signature with generics", FQL2TypecheckSpec "array with no generics
    and an inline index build should not blow up"). After unknown_types' errors, in a typechecked
    database."""
    from ..eval.v10.fields import drawn_opaque

    out: list[str] = []
    erred = False
    for file, text, node, errors in _collection_errors(files, refs):
        if node is None:
            continue
        erred = erred or bool(errors)
        if erred:
            out += drawn_opaque(text, file, node.name.text)
    return out


def default_types(ctx: Context, files: dict[str, str], find: t.Callable[[str], t.Any]) -> list[str]:
    """core's typer on each defined field's default, after the types (SchemaTypeValidator defers it): the
    value must be of the field's type (``Type `String` is not a subtype of `Int` ``, at the default). fql
    types the value the default evaluates to."""
    from ..eval.v10.fields import default_type_errors

    out = []
    for file, text in files.items():
        if not text.strip():
            continue
        for node in parser.read(text):
            if node.kw.text != "collection" or not isinstance(node.value, Block):
                continue
            for member in node.value.items:
                field = member.value
                if not (isinstance(field, Field) and field.kind == "defined" and field.type and field.value):
                    continue
                try:
                    expected = st.resolve(field.type.texpr, find)
                except (SignatureError, KeyError, TypeError, AttributeError):
                    continue
                source = text[field.value.start : field.value.end]
                for message in default_type_errors(ctx, member.name.text, source, expected):
                    out.append(Diagnostic(message, field.value.start, field.value.end).render(text, file))
    return out


def indexed_types(files: dict[str, str]) -> list[str]:
    """core's postcheckIndexedComputedFields: a computed field an index or unique constraint covers may not
    call a function, access a collection, use a computed field or its document's `ts`, each error drawn in
    the field's body (fql/eval/v10/indexed_fields.py)."""
    parsed = {file: parser.parse(text, file) for file, text in files.items() if text.strip()}
    functions = [i.name for items in parsed.values() for i in items if i.kind == "function"]
    collections = [i.name for items in parsed.values() for i in items if i.kind == "collection"]
    others = {
        i.name: frozenset(i.definition.get("computed_fields") or ())
        for items in parsed.values()
        for i in items
        if i.kind == "collection"
    }
    out = []
    for file, items in parsed.items():
        text = files[file]
        nodes = {n.name.text: n for n in parser.read(text) if n.kw.text == "collection" and n.name is not None}
        for item in (i for i in items if i.kind == "collection" and i.name in nodes):
            bodies = {
                m.name.text: m.value.value
                for m in nodes[item.name].value.items
                if isinstance(m.value, Field) and m.value.kind == "compute" and m.value.value is not None
            }
            computed = item.definition.get("computed_fields") or {}
            for name in indexed_fields.covered(item.definition):
                if name not in bodies:
                    continue
                lit = bodies[name]
                for message, start, end in indexed_fields.body_errors(text[lit.start : lit.end], computed, functions, collections, others):
                    out.append(Diagnostic(message, lit.start + start, lit.start + end).render(text, file))
    return out


@frozen
class _Where:
    """A collection being checked: its name, which types are known, which name collections, its file."""

    coll: str
    known: t.Callable[[str], bool]
    lookup: t.Callable[[str], t.Any]
    text: str
    file: str
    #: Whether a `Ref<>` of no document type is an error here (a v10 write's check, FQL2DocRefSpec; a
    #: push's migration check reports the unknown type alone, MigrationValidatorSpec).
    refs: bool = False


def _collection_types(members: list[Node], where: _Where) -> list[str]:
    """A collection's type errors in core's order: defined fields (unknown types, wrong constructor arity,
    then what cannot be stored), computed fields, the wildcard."""
    text, file = where.text, where.file
    fields = [m for m in members if isinstance(m.value, Field) and m.value.type is not None]
    out = []
    for kind in ("defined", "compute"):
        for member in (m for m in fields if m.value.kind == kind):
            field = member.value
            found = [d.render(text, file) for d in _names_in(field.type, where)]
            out += found
            if kind == "defined" and not found:
                out += [d.render(text, file) for d in _unpersistable(member, where)]
    fields = [m.value for m in fields]
    for field in (f for f in fields if f.kind == "wildcard"):
        if field.type.texpr != sig.Keyword("Any"):
            message = "Top-level wildcard must have type `Any`"
            out.append(Diagnostic(message, field.type.start, field.type.end).render(text, file))
    return out


def _names_in(ftype: t.Any, where: _Where) -> list[Diagnostic]:
    """A field's type's unknown names, constructors given the wrong number of types, and a `Ref<>` of no
    document type after its parameter's own errors, drawn over the whole `Ref<...>`, each where it is
    written (core's checkTypeExpr and RefToNonDoc: FQL2DocRefSpec, FQL2CollectionSpec "refs to named
    collections do not work")."""
    out: list[Diagnostic] = []
    known = where.known

    def go(name: t.Any) -> None:
        at = ftype.start + name.start
        if not known(name.name):
            out.append(Diagnostic(f"Unknown type `{name.name}`", at, at + len(name.name)))
            return
        expected = sig.CONSTRUCTORS.get(name.name)
        if name.args and not expected:
            out.append(Diagnostic(f"Type `{name.name}` does not accept any parameters.", at, at + len(name.name)))
        elif expected and len(name.args) != expected:
            message = f"Type constructor `{name.name}<>` accepts {expected} parameters, received {len(name.args)}"
            out.append(Diagnostic(message, at, at + len(name.name)))
        for arg in name.args:
            for inner in _top_names(arg):
                go(inner)
        end = _closing(where.text, at)
        # A v10 write's check reports an unknown parameter twice; a push's, only as unknown.
        refers = name.name in ("Ref", "EmptyRef") and len(name.args) == 1
        refers = refers and (where.refs or _typer_knows(name.args[0], known))
        if refers and end is not None and not sig.names_document(name.args[0], where.lookup):
            out.append(Diagnostic("Reference type must refer to a doc type", at, end))

    for name in _top_names(ftype.texpr):
        go(name)
    return out


def _typer_knows(texpr: t.Any, known: t.Callable[[str], bool]) -> bool:
    """Whether core's typer knows a `Ref<>`'s parameter as a type, in a push: a name it does not know is
    only `Unknown type` (MigrationValidatorSpec "handle dropping a collection gracefully"), while a
    module's name, which no field may hold, is both unknown and no document type (FQL2CollectionSpec). A
    v10 write reports both for any name (FQL2DocRefSpec, `where.refs`)."""
    return not isinstance(texpr, sig.Name) or known(texpr.name) or texpr.name in sig.MODULE_TYPES


def _top_names(texpr: t.Any) -> list:
    """The named types of a type expression not inside another's parameters, in the order written."""
    if isinstance(texpr, sig.Name):
        return [texpr]
    seen = list(sig.names(texpr))
    inner = {id(n) for top in seen for arg in top.args for n in sig.names(arg)}
    return [n for n in seen if id(n) not in inner]


def _closing(text: str, at: int) -> int | None:
    """The end of the `Name<...>` written at `at` in `text` (past its `>`), None where it is not there."""
    depth, pos = 0, text.find("<", at)
    if pos < 0:
        return None
    while pos < len(text):
        depth += {"<": 1, ">": -1}.get(text[pos], 0)
        pos += 1
        if depth == 0:
            return pos
    return None


def _unpersistable(member: Node, where: _Where) -> list[Diagnostic]:
    """core's SchemaTypeValidator on a defined field whose type cannot be stored: the error on the type, each
    cause (`Type () => Int is not persistable`) on the part of it that is, with core's hint to use `Ref<>`."""
    ftype = member.value.type
    causes = sig.unpersistable(ftype.texpr, where.lookup)
    if not causes:
        return []
    source = where.text[ftype.start : ftype.end]
    drawn = []
    for cause, hint in causes:
        shown = cause.removeprefix("Type ").removesuffix(" is not persistable")
        offset = source.find(shown)
        start, end = (ftype.start + offset, ftype.start + offset + len(shown)) if offset >= 0 else (ftype.start, ftype.end)
        hints = ()
        if hint is not None:
            coll = hint.split("<", 1)[1].split(">", 1)[0]
            hints = (Diagnostic(hint, start, end, suggestion=f"Ref<{coll}>"),)
        drawn.append(Diagnostic(cause, start, end, hints=hints, label="cause"))
    message = f"Field `{member.name.text}` in collection {where.coll} is not persistable"
    return [Diagnostic(message, ftype.start, ftype.end - _closing_parens(ftype.texpr, source), hints=tuple(drawn))]


def _closing_parens(texpr: t.Any, source: str) -> int:
    """How many parentheses end a union's source after its last member: core's span of a union ends where
    its last member's does, inside them (`String | (String => String` for FQL2DefinedFieldsSpec "union of
    non-persistable")."""
    if not isinstance(texpr, sig.UnionType) or "|" not in source:
        return 0
    last = source.rsplit("|", 1)[1].strip()
    count = 0
    while last.startswith("(") and last.endswith(")"):
        last, count = last[1:-1].strip(), count + 1
    return count


def _function_types(function: Function, known: t.Callable[[str], bool]) -> list[Diagnostic]:
    """The unknown types of a function's signature, as core's typer reads one that may be generic: a name
    it does not know is a type parameter, which must be both taken (in a parameter) and returned, else it
    is `Unknown type` where first written; one given arguments, or named in `Ref<>`, is unknown at once.
    Lowercase `string`, `number`... core only warns about (`Did you mean `String`?`)."""
    if function.ret is None:
        return []
    at_once: list[Diagnostic] = []
    seen: dict[str, list] = {}  # name -> [first Diagnostic, taken, returned]

    def unknown(name: sig.Name, base: int) -> Diagnostic:
        return Diagnostic(f"Unknown type `{name.name}`", base + name.start, base + name.start + len(name.name))

    def walk(node: t.Any, base: int, returned: bool) -> None:
        if isinstance(node, sig.LambdaType):
            for param in (*node.params, *((node.variadic,) if node.variadic is not None else ())):
                walk(param, base, not returned)
            walk(node.result, base, returned)
        elif isinstance(node, sig.Name):
            for arg in node.args:
                if node.name in ("Ref", "EmptyRef") and isinstance(arg, sig.Name) and not known(arg.name):
                    at_once.append(unknown(arg, base))
                else:
                    walk(arg, base, returned)
            if known(node.name):
                return
            if node.args:
                at_once.append(unknown(node, base))
                return
            entry = seen.setdefault(node.name, [unknown(node, base), False, False])
            entry[2 if returned else 1] = True
        else:
            for child in sig._children(node):
                walk(child, base, returned)

    for arg in function.args:
        if arg.type is not None:
            walk(arg.type.texpr, arg.type.start, False)
    walk(function.ret.texpr, function.ret.start, True)
    generic = [d for name, (d, taken, returned) in seen.items() if not (taken and returned) and name not in _TS_NAMES]
    return at_once + generic


#: Names core's typer takes for a misspelt type (`string` for `String`) and only warns about.
_TS_NAMES = frozenset(("any", "null", "number", "string", "boolean"))


def _builtin(name: str) -> bool:
    return name in sig.SCALARS or name in sig.OTHER_TYPES or name in sig.CONSTRUCTORS


def _items(diffs: list) -> list[Item]:
    return [d.item for d in diffs if isinstance(d, schema_diff.Add)] + [
        d.after for d in diffs if isinstance(d, schema_diff.Modify)
    ]


def _types_known(change: t.Any, find: t.Callable) -> bool:
    item = change.item if isinstance(change, schema_diff.Add) else getattr(change, "after", None)
    if item is None or item.kind != "collection":
        return True
    try:
        for spec in (item.definition.get("fields") or {}).values():
            if sig.check(sig.parse(spec["signature"], schema=True), find):
                return False
    except (SignatureError, KeyError, TypeError):
        return False
    return True


def check(ctx: Context, change: t.Any, diffs: list, before: dict[str, str], after: dict[str, str]) -> tuple[list, list[str]]:
    """One difference of a push: the steps its collection's new migrations make, or its errors rendered.
    A collection added, or changed while it has no documents, is checked as new (core: an empty collection
    counts as new); one with documents against its live definition too."""
    if isinstance(change, schema_diff.Add) and change.item.kind == "collection":
        live, submitted = None, change.item
    elif isinstance(change, schema_diff.Modify) and change.after.kind == "collection":
        live = change.before if _has_documents(ctx, change.before.name) else None
        submitted = change.after
    else:
        return [], []
    try:
        steps, problems = migrations_of(
            live, submitted, before, after, _lookup(_items(diffs), ctx), _global_names(ctx, after), m.backfill_typer(ctx)
        )
    except (SignatureError, KeyError, TypeError):
        # A type fql cannot resolve: the write that follows says what is wrong with it.
        return [], []
    if steps and live is not None and m.has_v4_indexes(ctx, live.name):
        # Core's check after the write, a constraint failure drawn on the collection.
        message = "Invalid database schema update.\n\nconstraint failures:\n  " + V4_INDEXES
        problems = [shapes.Problem(message, span=submitted.span)]
    if not problems:
        problems = _split_backfills(ctx, steps, submitted, after)
    files = {None: (submitted.file, after[submitted.file])}
    if live is not None:
        files[LIVE] = (live.file, before[live.file])
    return steps, [render(problem, files) for problem in problems]


def migrations_of(
    live: Item | None,
    submitted: Item,
    before: dict[str, str],
    after: dict[str, str],
    find: t.Any,
    bound: t.Callable[[str], bool] | None = None,
    typed: t.Callable[[str, t.Any], str | None] | None = None,
):
    """The steps a collection's new migrations make, and its problems (each with its spans), as core's
    MigrationValidator.validate finds them; `live` None checks `submitted` as a new collection. `bound`
    tells the global names a backfill may use, `typed` a backfill's type error."""
    where, pending = _located(submitted, after[submitted.file], tag=None)
    target = shapes.shape(submitted.definition, find, where)
    if live is None:
        return r.check(target, None, pending, where, bound, typed)
    live_where, live_items = _located(live, before[live.file], tag=LIVE)
    pending = m.to_apply(live_items, pending)
    return r.check(target, shapes.shape(live.definition, find, live_where), pending, where, bound, typed)


def _global_names(ctx: Context, after: dict[str, str]) -> t.Callable[[str], bool]:
    """Whether a name means something to a backfill of the pushed schema: its collections and functions
    (and their aliases), the database's v4 functions, the standard library."""
    from ..eval.v10 import globals as names
    from .manager import v4_names

    known = set(v4_names(ctx)["function"])
    for file, text in after.items():
        try:
            items = parser.parse(text, file) if text.strip() else []
        except parser.FSLError:
            continue
        for item in items:
            if item.kind in ("collection", "function"):
                known.update(n for n in (item.name, item.definition.get("alias")) if isinstance(n, str))
    return lambda name: (
        name in known or name in names.MODULES or names.V10_STATICS.get((names.GLOBAL, name)) is not None
    )


def _split_backfills(ctx: Context, steps: list, submitted: Item, after: dict[str, str]) -> list[shapes.Problem]:
    """Core's MigrationConverter as SchemaValidate runs it (ignoreBackfillErrors: an `add`'s backfill is
    checked only when the collection is written): each pair of a split's targets has the first one's
    backfill (null without one) checked against its type, and the second one's evaluated, and a failure is
    drawn at the backfill written in the file (at the field's type where there is none). One problem a
    split at most; a backfill's own error, and a default's, are left to the write."""
    where, items = _located(submitted, after[submitted.file], tag=None)
    written = {(i.field, i.value): i.value_at for i in items if i.kind == "backfill"}
    problems = []
    for step in steps:
        if step.kind != "split":
            continue
        for (path, schema, source), (following, _, then) in zip(step.to, step.to[1:]):
            problem = _converted(ctx, path, schema, source, written, where)
            problem = problem or _converted(ctx, following, None, then, written, where)
            if problem is not None:
                problems.append(problem)
                break
    return problems


def _converted(ctx, path, schema, source, written, where) -> shapes.Problem | None:
    if isinstance(source, shapes.DefaultSource):
        return None
    if source is None:
        if schema is None:
            return None
        value, span = None, (where.fields.get(path) or (None, None))[1]
    else:
        value, error, unpersistable = pure_value(ctx, "*backfill*", source, effects=True, where=True)
        span = written.get((path, source))
        if error is not None:
            return None
        if unpersistable is not None:
            return shapes.Problem(f"Failed to convert migration.\nconstraint failures:\n  {unpersistable}", span=span)
    failures = [] if schema is None else st.validate(schema, path, value)
    if not failures:
        return None
    lines = "\n".join(f"  {'.'.join(map(str, f.path))}: {f.message}" for f in failures)
    return shapes.Problem(f"Failed to convert backfill value.\nconstraint failures:\n{lines}", span=span)


def _has_documents(ctx: Context, name: str) -> bool:
    return any(v.live_at(ctx.state.ts) for v in ctx.state.txn.scan(ctx.state.scope, name))


def _lookup(items: list[Item], ctx: Context) -> t.Callable[[str], t.Any]:
    """Resolve document type names as the pushed schema will: its collections (and aliases), then the
    database's, then the native ones."""
    from ..eval.v10.fields import lookup

    names = document_types(items)
    database = lookup(ctx, ctx.state.scope)
    return lambda name: names.get(name) or database(name)


# -- where things are ------------------------------------------------------------------------------------


def _located(item: Item, text: str, tag: str | None) -> tuple[shapes.Source, list[shapes.Item]]:
    """Where the collection `item` writes its fields, wildcard and migrations block, and its migrations with
    their spans; `tag` marks spans of the live side's file."""
    node = next(n for n in parser.read(text) if _same(n, item))
    members = node.value.items if isinstance(node.value, Block) else []

    def span(start: int, end: int) -> tuple:
        return (start, end) if tag is None else (start, end, tag)

    fields: dict = {}
    wildcard = last = block = None
    written: list[Node] = []
    for member in members:
        if isinstance(member.value, Field):
            last = span(member.start, member.value.end)
            if member.value.kind == "wildcard":
                wildcard = last
            elif member.value.kind == "defined" and member.value.type is not None:
                ftype = member.value.type
                fields[(member.name.text,)] = (span(member.name.start, member.name.end), span(ftype.start, ftype.end))
                for path, name_at, type_at in _nested(text, ftype.start, ftype.end):
                    fields[(member.name.text, *path)] = (span(*name_at), span(*type_at))
        elif member.kw.text == "migrations" and isinstance(member.value, Block):
            block = span(member.value.start, member.value.end)
            written = [n for n in member.value.items if isinstance(n.value, Migration)]
    stated = m.items(item.definition.get("migrations"))
    located = [
        evolve(
            one,
            span=span(n.value.start, n.value.end),
            paths=tuple(span(p.start, p.end) for p in n.value.paths),
            value_at=span(n.value.value.start, n.value.value.end) if n.value.value is not None else None,
            written=text[n.value.value.start : n.value.value.end] if n.value.value is not None else None,
        )
        for one, n in zip(stated, written)
    ]
    return shapes.Source(span(*item.span), block, fields, wildcard, last), located


def _same(node: Node, item: Item) -> bool:
    return node.kw.text == "collection" and node.name is not None and node.name.text == item.name


#: The tokens of a type, as far as finding its object fields needs (`=>` is one, not a closing `>`).
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|[A-Za-z_][A-Za-z0-9_]*|=>|\S')


def _nested(text: str, start: int, end: int, prefix: tuple = ()) -> t.Iterator[tuple[tuple, tuple, tuple]]:
    """The fields of an object type written at text[start:end] (`{ a: Int, b: { c: String } }`, maybe with
    `?` or `| Null` after it): each one's path under the type, and where its name and its type are."""
    tokens = [(mt.group(), mt.start(), mt.end()) for mt in _TOKEN.finditer(text, start, end)]
    if not tokens or tokens[0][0] != "{":
        return
    depth, i = 0, 0
    while i < len(tokens):
        token = tokens[i][0]
        if token in "{([<" and len(token) == 1:
            depth += 1
        elif token in "})]>" and len(token) == 1:
            depth -= 1
            if depth == 0:
                return
        after_line = "\n" in text[tokens[i - 1][2] : tokens[i][1]] if i else False
        first = tokens[i - 1][0] in ("{", ",", ";") or after_line
        at_field = depth == 1 and i and first and i + 1 < len(tokens) and tokens[i + 1][0] == ":"
        if at_field and token != "*":
            name = sig.unquote(token) if token[0] in "\"'" else token
            type_start = tokens[i + 2][1] if i + 2 < len(tokens) else tokens[i + 1][2]
            j, inner = i + 2, 0
            while j < len(tokens) and not (inner == 0 and tokens[j][0] in (",", ";", "}", "=")):
                if inner == 0 and j > i + 2 and "\n" in text[tokens[j - 1][2] : tokens[j][1]] and _next_field(tokens, j):
                    break
                inner += tokens[j][0] in ("{", "(", "[", "<")
                inner -= tokens[j][0] in ("}", ")", "]", ">")
                j += 1
            type_end = tokens[j - 1][2] if j > i + 2 else type_start
            path = (*prefix, name)
            yield path, (tokens[i][1], tokens[i][2]), (type_start, type_end)
            yield from _nested(text, type_start, type_end, path)
        i += 1


def _next_field(tokens: list, j: int) -> bool:
    """Whether a field (`name:`) starts at tokens[j], as one does after a newline in an object type."""
    return j + 1 < len(tokens) and tokens[j + 1][0] == ":"


# -- rendering -----------------------------------------------------------------------------------------


def render(problem: shapes.Problem, files: dict) -> str:
    """A problem as core renders a MigrationError against its file: each hint under it, in the file it
    points into (`at` left out on the error's own line), or `at <no source>` when it points nowhere."""
    file, text = _file(problem.span, files)
    if problem.span is None:
        out, line = [f"error: {problem.message}", "at <no source>"], None
    else:
        start, end = problem.span[0], problem.span[1]
        out, line = [Diagnostic(problem.message, start, end).render(text, file)], annotate(text, start, end)[1]
    for hint in problem.hints:
        if hint.span is None:
            out.append(f"hint: {hint.text}\nat <no source>")
            continue
        source = _file(hint.span, files)
        diagnostic = Diagnostic(hint.text, hint.span[0], hint.span[1], suggestion=hint.suggestion, source=source)
        out.append(diagnostic.render(text, file, "hint", line, file))
    return "\n".join(out)


def _file(span: t.Any, files: dict) -> tuple[str, str]:
    return files[span[2] if span is not None and len(span) > 2 else None]
