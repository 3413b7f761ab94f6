"""A v10 collection's schema `migrations`: how the documents it already has follow a change to its fields.

As core's: `Collection.byName("C")!.update({ fields: {...}, migrations: [{ add: { field: ".x" } }, ...] })`.
The kinds are `add`, `backfill` (`{ field, value }`, the value an FQL expression), `drop`, `move` (`{ field,
to }`), `split` (`{ field, to: [...] }`), `move_conflicts` and `move_wildcard` (`{ into }`) and
`add_wildcard` (`{}`). Paths name fields (`.a`) or fields of object-typed fields (`.address.city`). Only the
migrations not yet applied run: the longest head of the submitted list that ends the stored list has run
before (core's migrationsToApply). Core checks them as its MigrationValidator does (rewind.py); the errors
here are its words, `invalid_schema` `Invalid database schema update.`. A collection with no documents takes any field change, and only the list's own
consistency is checked.

Core migrates a stored version lazily, when it is read (every version, history included, without changing
its `ts`). fql applies them at once: every version of every document of the collection is rewritten at
its own `ts`, and the collection's indexes are rebuilt.
"""


from __future__ import annotations

import copy
import typing as t

from ...errors import FQLError, ParseError, QueryRuntimeError
from ...parse.v10 import END_OF_QUERY
from ...storage.base import DocKey, Version
from ..evaluator import Context
from ..refs import made
from . import schema_types as st
from . import signatures as sig
from .rewind import Step, check
from .shapes import DefaultSource, Item, Path, Problem, Shape, failed, shape, show

_STRING = st.Scalar("String")


def _one(kind: str, *fields: tuple[str, t.Any]) -> st.Struct:
    """A migration of one kind: `{ kind: { field: ... } }`, each field a type or a FieldSchema."""
    schemas = tuple((n, s if isinstance(s, st.FieldSchema) else st.FieldSchema(s)) for n, s in fields)
    return st.Struct(((kind, st.FieldSchema(st.Struct(schemas))),))


def _value_validator(path: tuple, source: t.Any) -> list[st.Failure]:
    """core's ExprParseValidator on a backfill value: it must parse as FQL."""
    from ...parse import parse
    from .fields import _render

    if not isinstance(source, str):
        return []
    try:
        parse(source, "v10")
    except FQLError as err:
        _expected_expression(err, source)
        return [st.Failure("validator", path, f"Unable to parse FQL source code.\n{_render(err, '*value*', source)}")]
    return []


#: The `migrations` field's shape, as core's collection schema gives it (NativeCollection's union).
SHAPE = st.optional(
    st.ArrayOf(
        st.Union(
            (
                _one("backfill", ("field", _STRING), ("value", st.FieldSchema(_STRING, validator=_value_validator))),
                _one("drop", ("field", _STRING)),
                _one("split", ("field", _STRING), ("to", st.ArrayOf(_STRING))),
                _one("move", ("field", _STRING), ("to", _STRING)),
                _one("add", ("field", _STRING)),
                _one("move_conflicts", ("into", _STRING)),
                _one("move_wildcard", ("into", _STRING)),
                _one("add_wildcard"),
            )
        )
    )
)
#: Where a document's values that an `add` displaces wait for a `move_conflicts` (core's `__conflicts`).
CONFLICTS = "__conflicts"


# -- reading -------------------------------------------------------------------------------------------


#: The query parser's words for a value whose first token begins no statement, where core's parser of
#: one expression says `Expected expression` (FQL2MigrationValidatorSpec "it handles invalid exprs").
_NO_EXPRESSION = (END_OF_QUERY,)


def _expected_expression(err: FQLError, source: str) -> None:
    """Reword a parse error at the value's first token as core's expression parser words it."""
    if not isinstance(err, ParseError) or not err.description.startswith(_NO_EXPRESSION):
        return
    stripped = source.lstrip()
    before = source[: len(source) - len(stripped)]
    line = before.count("\n") + 1
    column = len(before) - (before.rfind("\n") + 1) + 1
    if not stripped or (err.line, err.column) == (line, column):
        err.description = "Expected expression"


def items(migrations: t.Any) -> list[Item]:
    """The migrations of a (well-formed) definition, with their paths read."""
    out = []
    for raw in migrations or ():
        kind, body = next(iter(raw.items()))
        if kind == "backfill":
            out.append(Item(kind, _path(body["field"]), value=body["value"].strip()))
        elif kind in ("drop", "add"):
            out.append(Item(kind, _path(body["field"])))
        elif kind == "move":
            out.append(Item(kind, _path(body["field"]), (_path(body["to"]),)))
        elif kind == "split":
            out.append(Item(kind, _path(body["field"]), tuple(_path(p) for p in body["to"])))
        elif kind in ("move_conflicts", "move_wildcard"):
            out.append(Item(kind, _path(body["into"])))
        else:
            out.append(Item(kind))
    return out


def _path(text: str) -> Path:
    """A migration path, `.a` or `.a.b` (the leading dot may be left out, as core's FieldPath.parse allows)."""
    parts = tuple((text[1:] if text.startswith(".") else text).split("."))
    if all(sig.IDENT.fullmatch(part) for part in parts):
        return parts
    # Core's parser fails here with an internal error; fql says what is wrong.
    raise QueryRuntimeError("invalid_schema", f"Invalid database schema update.\n    error: Invalid migration path `{text}`")


def to_apply(live: list[Item], submitted: list[Item]) -> list[Item]:
    """The submitted migrations that have not run: those after the longest head of the list that the live
    list ends with (core's migrationsToApply)."""
    for count in range(len(submitted) + 1):
        head = submitted[: len(submitted) - count]
        if len(head) <= len(live) and live[len(live) - len(head) :] == head:
            return submitted[len(submitted) - count :]
    return submitted


def shape_of(ctx: Context, definition: dict) -> Shape:
    """What documents must look like under a definition: its fields' types and its wildcard."""
    from .fields import lookup

    return shape(definition, lookup(ctx, ctx.state.scope))


# -- checking, and applying ----------------------------------------------------------------------------


def derive(ctx: Context, definition: dict, previous: dict | None, has_documents: bool) -> list[Step]:
    """Check a definition's migrations against the fields it declares (and, for a collection with documents,
    against its live definition); the changes its new migrations make to stored documents."""
    coll = str(definition.get("name"))
    submitted = items(definition.get("migrations"))
    target = shape_of(ctx, definition)
    typed = backfill_typer(ctx)
    if previous is None or not has_documents:
        _, problems = check(target, None, submitted, typed=typed)
        if problems:
            raise failed(coll, problems)
        return []
    pending = to_apply(items(previous.get("migrations")), submitted)
    steps, problems = check(target, shape_of(ctx, previous), pending, typed=typed)
    if problems:
        raise failed(coll, problems)
    if steps and has_v4_indexes(ctx, previous.get("name")):
        raise failed(coll, [Problem("Cannot create migrations on a collection with v4 indexes")])
    return steps


def backfill_typer(ctx: Context) -> t.Callable[[str, t.Any], str | None]:
    """Core's typer on a backfill (MigrationValidator.rewindBackfill), where fql can tell what it says: an
    expression of no reads whose value is a scalar not of the field's type (`Type `String` is not a
    subtype of `Int``), unless the expression is typed `Any`. fql types the value it evaluates to, as it
    does a default's."""
    from .fields import default_type_errors

    def typed(source: str, expected: t.Any) -> str | None:
        for message in default_type_errors(ctx, "backfill", source, expected):
            provided = message.split("`")[1]
            if not any(c in provided for c in "{[<|"):
                return message
        return None

    return typed


def has_v4_indexes(ctx: Context, coll: t.Any) -> bool:
    """Whether a v4 index reads the collection `coll` (core refuses migrations on such a collection)."""
    from .. import indexes

    for version in ctx.state.txn.scan(ctx.state.scope, "#indexes"):
        if version.live_at(ctx.state.ts) and coll in indexes.from_version(ctx, version).sources:
            return True
    return False


def apply(ctx: Context, coll: str, steps: list[Step], fields: dict | None = None) -> None:
    """Run `steps` over every stored version of the collection's documents, each kept at its own `ts`.
    Backfill values are evaluated once, first (core evaluates them when the schema changes), and each
    must fit its field's type; a field filled with no backfill gets null, which must fit too (a
    `Ref<Users>` field needs no backfill, but null is no reference). `fields` are the collection's new
    field definitions, for where such a failure is written."""
    values = {source: _evaluate(ctx, coll, source) for source in _sources(steps)}
    for step in steps:
        for path, schema, source in _filled(step):
            failures = st.validate(schema, path, values[source] if source is not None else None)
            if failures:
                lines = "\n".join(f"  {'.'.join(map(str, f.path))}: {f.message}" for f in failures)
                message = f"Failed to convert backfill value.\nconstraint failures:\n{lines}"
                raise failed(coll, [Problem(message, **_type_source(path, source, fields))])
    txn = ctx.state.txn
    since = made(ctx, DocKey(ctx.state.scope, "#collections", coll))  # when the collection was made
    for current in list(txn.scan(ctx.state.scope, coll)):
        for version in txn.history(current.key):
            if version.data is None or version.ts < since:
                # Not the collection's: a document of one of the same name, since deleted (core's would
                # have had another id), keeps the versions it had.
                continue
            data = copy.deepcopy(dict(version.data.get("data") or {}))
            for step in steps:
                _run(step, data, values, version.key.id)
            if not data.get(CONFLICTS):
                data.pop(CONFLICTS, None)
            txn.insert_version(Version(version.key, version.ts, {**version.data, "data": data}, version.ttl))


def _type_source(path: Path, source: str | None, fields: dict | None) -> dict:
    """Where core places a failed conversion: a backfill's expression (stored, so `<no source>`), a
    default's (drawn in its stored text, core's inline source `foo`), else the field's type, in its
    signature's own source (a top-level field's; a nested one's has no place here)."""
    if isinstance(source, DefaultSource):
        return {"inline": str(source)}
    spec = (fields or {}).get(path[0]) if source is None and len(path) == 1 else None
    if not isinstance(spec, dict) or not isinstance(spec.get("signature"), str):
        return {}
    return {"field": path[0], "signature": spec["signature"]}


def _sources(steps: list[Step]) -> set[str]:
    return {source for step in steps for _, _, source in _filled(step) if source is not None}


def _filled(step: Step) -> list[tuple[Path, t.Any, str | None]]:
    if step.kind == "add":
        return [(step.field, step.type, step.backfill)]
    if step.kind == "split":
        return list(step.to)
    return []


def _evaluate(ctx: Context, coll: str, source: str) -> t.Any:
    """A backfill (or default) value, as a stored value. Core's MigrationConverter evaluates a backfill with
    its interpreter's default effect limit, which allows reads (and writes); a default has already been
    evaluated with no reads (DefinedField.evalDefault, "default values"). An error of its own is the error;
    a value that cannot be stored is `Failed to convert migration.`, naming the part that cannot (its path
    and dynamic type, as IRValueConversion.toIR's NonPersistableValue gives them)."""
    from .fields import pure_value

    value, error, unpersistable = pure_value(
        ctx, "*backfill*", source, effects=not isinstance(source, DefaultSource), where=True
    )
    if error is not None:
        # Its own error, placed where core's stored backfill is: nowhere (`at <no source>`).
        raise failed(coll, [Problem(error.removeprefix("error: ").split("\nat ", 1)[0])])
    if unpersistable is not None:
        raise failed(coll, [Problem(f"Failed to convert migration.\nconstraint failures:\n  {unpersistable}")])
    return copy.deepcopy(value)


def _run(step: Step, data: dict, values: dict, doc_id: str) -> None:
    """One step on one version's user fields (core's Migration.scala)."""
    kind, path = step.kind, step.field
    if kind == "add":
        parent = _parent(data, path, create=True)
        if parent is None:
            return
        name = path[-1]
        if name in parent and not st.is_of_type(step.type, parent[name]):
            conflicts = _parent(data, (CONFLICTS, *path), create=True)
            conflicts[name] = parent.pop(name)
        if name not in parent and step.backfill is not None and values[step.backfill] is not None:
            parent[name] = copy.deepcopy(values[step.backfill])
    elif kind == "drop":
        parent = _parent(data, path)
        if parent is not None:
            parent.pop(path[-1], None)
    elif kind == "move":
        _refuse_overwrite(data, step.to[0], doc_id)
        parent = _parent(data, path)
        if parent is not None and path[-1] in parent:
            _put(data, step.to[0], parent.pop(path[-1]), doc_id)
    elif kind == "split":
        _split(step, data, values, doc_id)
    elif kind == "move_conflicts":
        conflicts = data.pop(CONFLICTS, None)
        if conflicts:
            into = _parent(data, (*path, ""), create=True)
            if into is not None:
                for key, value in conflicts.items():
                    into[_free(into, key)] = value
    elif kind == "move_wildcard":
        _move_wildcard(data, path, step.keep)


def _move_wildcard(data: dict, into_path: Path, keep: t.Container[str]) -> None:
    """`move_wildcard .into`: the top-level fields not in `keep` go into `.into`, in their order, a name
    `.into` has taken given a `_` first. Names are given fewest leading `_` first, so that `baz` becomes
    `_baz` before `_baz` becomes `__baz` whatever their order (core's MoveWildcard)."""
    moving = [k for k in data if k not in keep and k != CONFLICTS]
    if not moving:
        return
    into = _parent(data, (*into_path, ""), create=True)
    if into is None:
        return
    taken = set(into)
    names = {}
    for key in sorted(moving, key=lambda k: len(k) - len(k.lstrip("_"))):
        names[key] = _free(taken, key)
        taken.add(names[key])
    for key in moving:
        into[names[key]] = data.pop(key)


def _split(step: Step, data: dict, values: dict, doc_id: str) -> None:
    """`split .s -> .t1, .t2, ...`: each value stays in the first target whose type it fits; the others
    get their backfills (core's SplitField, pair by pair)."""
    targets = step.to
    first = targets[0][0]
    source = _parent(data, step.field)
    if step.field != first and source is not None and step.field[-1] in source:
        _put(data, first, source.pop(step.field[-1]), doc_id)

    def fill(path: Path, backfill: str | None) -> None:
        if backfill is not None and values[backfill] is not None:
            parent = _parent(data, path, create=True)
            if parent is not None:
                parent[path[-1]] = copy.deepcopy(values[backfill])

    for (path, schema, backfill), (following, _, next_backfill) in zip(targets, targets[1:]):
        _refuse_overwrite(data, following, doc_id)
        parent = _parent(data, path)
        if parent is None or path[-1] not in parent:
            fill(path, backfill)
            fill(following, next_backfill)
        elif st.is_of_type(schema, parent[path[-1]]):
            fill(following, next_backfill)
        else:
            _put(data, following, parent.pop(path[-1]), doc_id)
            fill(path, backfill)


def _parent(data: dict, path: Path, *, create: bool = False) -> dict | None:
    """The object holding `path`'s last step (made, with its parents, where `create` says so), or None when
    a parent is missing or not an object."""
    node = data
    for step in path[:-1]:
        child = node.get(step)
        if child is None and create:
            child = node[step] = {}
        if not isinstance(child, dict):
            return None
        node = child
    return node


def _put(data: dict, path: Path, value: t.Any, doc_id: str) -> None:
    _refuse_overwrite(data, path, doc_id)
    parent = _parent(data, path, create=True)
    if parent is not None:
        parent[path[-1]] = value


def _refuse_overwrite(data: dict, path: Path, doc_id: str) -> None:
    """Core's MoveField and SplitField refuse a target a document already has (whether or not there is a
    value to move there): core fails reading that document (an internal error), fql refuses the push."""
    parent = _parent(data, path)
    if parent is not None and path[-1] in parent:
        raise QueryRuntimeError(
            "invalid_schema",
            f"Invalid database schema update.\n    error: Cannot migrate document {doc_id}: it already has field `{show(path)}`",
        )


def _free(into: t.Container[str], key: str) -> str:
    """`key`, given a `_` first while `into` has it."""
    while key in into:
        key = "_" + key
    return key
