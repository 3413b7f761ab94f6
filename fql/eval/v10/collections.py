"""v10 collection definitions: `Collection.create({name, indexes, constraints})`, index methods, `byName`."""

from __future__ import annotations

import re
import typing as t

from ...collation import TOP, terms_key, tuple_key
from ...errors import CheckConstraintFailed, FQLError, QueryRuntimeError
from ...storage.base import DocKey, IndexKey
from ...values import (
    DELETED_COLLECTION,
    Document,
    EventSource,
    Module,
    NullDocument,
    Ref,
    collection_ref,
    native,
    scala_long,
)
from .. import documents, indexes
from ..evaluator import Context
from ..refs import check_valid_time, live, ref_of
from ..registry import field as module_field, static
from ..schema import create_native
from . import fields as field_schema, hints, names, past
from .misc import ABSENT
from .signatures import INDEX_LITERAL, index_literal, unquote
from .documents import read, to_document
from .sets import V10Set, WhereSet, first, kept_time, placed_documents

COLLECTIONS = native("collections")
FUNCTIONS = native("functions")


def parse_path(text: t.Any) -> list[str | int]:
    """A v10 field path's steps: `.email`, `address.city`, `.['a b'][0]`, `["a"]["b c"]`."""
    if not isinstance(text, str):
        raise QueryRuntimeError("invalid_argument", "A field path must be a String.")
    steps = strict_path(text)
    if steps is None:
        # Not a path core would accept; read it the simple way (dots between names).
        return [p.strip("[]'\"") for p in text.lstrip(".").replace("[", ".[").split(".") if p]
    return steps


def strict_path(text: str) -> list[str | int] | None:
    """A field path's steps as core's FieldPath parser reads them, or None if it is not one
    (`..a.b`, `a b.c`)."""
    steps: list[str | int] = []
    pos = 1 if text.startswith(".") else 0
    while pos < len(text):
        m = _STEP.match(text, pos)
        dotted = text[pos] == "."
        # A name after another step needs its dot; the first step (after a leading dot) has none.
        if m is None or (m.group("name") is not None and dotted != bool(steps)):
            return None
        if m.group("name") is not None:
            steps.append(m.group("name"))
        elif m.group("index") is not None:
            index = index_literal(m.group("index"))
            if index is None:
                return None
            steps.append(index)
        else:
            steps.append(unquote(m.group("str")))
        pos = m.end()
    return steps or None


#: One step of a field path: `.name` (the dot optional at the start), `[0]`, `["a b"]` or `['a b']`.
_STEP = re.compile(
    rf"""\.?(?P<name>[A-Za-z_][A-Za-z0-9_]*)
      | \[ (?: (?P<index>{INDEX_LITERAL}) | (?P<str>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*') ) \]""",
    re.VERBOSE,
)


def field_path(text: t.Any) -> tuple:
    """A v10 field path (`.email`, `address.city`, `.['a b']`) as a stored document path: `data` is the
    document's stored fields, `id`, `ts` and `ttl` its metadata, and any other name a field in `data`."""
    steps = parse_path(text)
    if steps[:1] in (["id"], ["ts"], ["ttl"]):
        return ("ref",) if steps[0] == "id" else tuple(steps)
    if steps[:1] == ["data"]:
        return tuple(steps)
    return ("data", *steps)


def _index_field(
    scope: str, coll: str, computed: t.Container[str], text: t.Any, reverse: bool = False, mva: t.Any = False
) -> indexes.Field:
    """One term or value: a stored path, or a computed field (and a path into its value). An array is one
    value unless `mva: true` says to index each element (nested arrays flattened), as in core."""
    steps = parse_path(text)
    mva = mva is True
    if steps and steps[0] in computed:
        return indexes.Field(None, field_schema.index_binding(scope, coll, tuple(steps)), reverse, mva, mva)
    path = field_path(text)
    # A document's `id` is indexed as its number, as core's IDs sort.
    return indexes.Field(path, None, reverse, mva, mva, as_id=path == ("ref",), as_time=path == ("ts",))


def _v10_defs(ctx: Context, scope: str, coll: str) -> list[indexes.IndexDef]:
    """The indexes and unique constraints a v10 definition of `coll` declares."""
    if coll.startswith("#"):
        return []
    version = live(ctx, DocKey(scope, "#collections", coll))
    data = (version.data or {}) if version is not None else {}
    schema = field_schema.schema_of(ctx, scope, coll)
    computed = schema.computed if schema is not None else {}
    out = []
    # A malformed definition is refused when it is written (fields.check_definition); until then, and
    # for the index rebuild a write may start first, what cannot be an index is left out here.
    declared = data.get("indexes")
    for name, spec in declared.items() if isinstance(declared, dict) else ():
        if not isinstance(spec, dict) or not _well_formed(spec.get("terms")) or not _well_formed(spec.get("values")):
            continue
        terms = tuple(_index_field(scope, coll, computed, f.get("field"), mva=f.get("mva")) for f in spec.get("terms") or [])
        values = tuple(
            _index_field(scope, coll, computed, f.get("field"), f.get("order") == "desc", f.get("mva"))
            for f in spec.get("values") or []
        )
        key, ref = IndexKey(scope, f"#{coll}.{name}"), Ref(name, native("indexes"))
        out.append(indexes.IndexDef(key, ref, (coll,), terms, values, False, keeps_null_values=True))
    constraints = data.get("constraints")
    for i, constraint in enumerate(constraints if isinstance(constraints, list) else ()):
        unique = constraint.get("unique") if isinstance(constraint, dict) else None
        if unique and isinstance(unique, list) and all(isinstance(f, str) or _well_formed([f]) for f in unique):
            texts = [f if isinstance(f, str) else f.get("field") for f in unique]
            terms = tuple(
                _index_field(scope, coll, computed, text, mva=None if isinstance(f, str) else f.get("mva"))
                for text, f in zip(texts, unique)
            )
            paths = tuple(tuple(parse_path(text)) for text in texts)
            key, ref = IndexKey(scope, f"#{coll}#unique{i}"), Ref(f"unique{i}", native("indexes"))
            out.append(indexes.IndexDef(key, ref, (coll,), terms, (), True, constraint=paths))
    return out


def _well_formed(fields: t.Any) -> bool:
    """Index terms or values as a definition must give them: absent, or a list of `{ field: String }`."""
    if fields is None:
        return True
    return isinstance(fields, list) and all(isinstance(f, dict) and isinstance(f.get("field"), str) for f in fields)


def rebuild_indexes(ctx: Context, scope: str, before: dict, after: dict) -> None:
    """Rebuild the entries of a collection's v10 indexes from its documents after its definition changed
    (core rebuilds an index whose definition, or a computed field it reads, changes); drop removed ones."""
    coll = after.get("name")
    for name in before.get("indexes") or {}:
        indexes.drop(ctx, IndexKey(scope, f"#{before.get('name')}.{name}"))
    for i, _ in enumerate(before.get("constraints") or []):
        indexes.drop(ctx, IndexKey(scope, f"#{before.get('name')}#unique{i}"))
    indexes.forget_schema(ctx)
    for index in _v10_defs(ctx, scope, coll):
        indexes.drop(ctx, index.key)
        indexes.backfill(ctx, index)


indexes.DEFINITION_SOURCES.append(_v10_defs)


def _check_constraints(ctx: Context, version: t.Any, *path: t.Any) -> None:
    """A v10 definition's `check` constraints: each body (a lambda of the document) must return true."""
    definition = live(ctx, DocKey(version.key.scope, "#collections", version.key.coll))
    constraints = (definition.data or {}).get("constraints") if definition is not None else None
    checks = [c["check"] for c in constraints or () if isinstance(c, dict) and isinstance(c.get("check"), dict)]
    if not checks:
        return
    from ...parse import parse
    from ..access import unchecked
    from .expressions import call_function, evaluate_program

    from .fields import limited

    doc = to_document(ctx, version)
    failures = []
    for check in checks:
        name, body = check.get("name", "check"), check.get("body", "")
        try:
            fn = evaluate_program(parse(body, "v10"), Context(ctx.state))
            # A check may read but not write (core: `... which is not allowed in check constraints.`).
            here = (f"check_constraint:{name}", body, len(ctx.state.udf_stack))
            before, ctx.state.log_source = ctx.state.log_source, here
            try:
                with unchecked(ctx), limited(ctx, "check constraints", reads=True):
                    verdict = call_function(ctx, fn, [doc])
            finally:
                ctx.state.log_source = before
        except FQLError as err:
            # An error in the check is the write's error, traced into the check's source.
            err.in_source(f"check_constraint:{name}", body)
            raise
        if verdict is None or verdict is False:
            failures.append({"paths": [], "code": "check", "description": f"Document failed check constraint `{name}`"})
        elif verdict is not True:
            text = f"Error evaluating check constraint `{name}`: function returned a non-boolean value"
            failures.append({"paths": [], "code": "check", "description": text})
    if failures:
        # Core reports every check the document fails.
        created = len(ctx.state.txn.history(version.key)) <= 1
        what = "create document" if created else f"update document with id {version.key.id}"
        raise CheckConstraintFailed(f"Failed to {what} in collection `{version.key.coll}`.", failures).at(*path)


documents.WRITE_CHECKS.append(_check_constraints)


_RANGE = "invalid argument `range`: should be an object contining `{ from }`, `{ to }`, or `{ from, to }` fields"


def range_fields(bounds: t.Any) -> list[str]:
    """Which of `from` and `to` a range argument gives; core's words (`contining` included) for one that
    is no object, or gives neither."""
    if not isinstance(bounds, dict) or not ({"from", "to"} & bounds.keys()):
        raise QueryRuntimeError("invalid_argument", _RANGE)
    return [name for name in ("from", "to") if name in bounds]


def check_range(bounds: t.Any, covered: int) -> dict:
    """A range argument over an index's `covered` values as core's collectRange checks it, `from` then `to`:
    an object with either or both, each a value or an array of at most `covered` values (an index of one
    value takes an array as that value), each a value that can be stored."""
    for name in range_fields(bounds):
        value = bounds[name]
        items = value if isinstance(value, list) and covered != 1 else [value]
        if len(items) > covered:
            raise QueryRuntimeError(
                "invalid_argument", f"invalid argument `range`: The field `{name}` can have at most {covered} values"
            )
        if not all(map(storable, items)):
            raise QueryRuntimeError(
                "invalid_argument",
                f"invalid argument `range`: The `{name}` field should be either an indexable value or an array of values",
            )
    return bounds


def storable(value: t.Any) -> bool:
    """Whether core's Value.toIR takes `value`, as an index term or bound: no function, set, module or
    event source, nor an array or object holding one."""
    from .misc import is_function, is_set

    if isinstance(value, list):
        return all(map(storable, value))
    if isinstance(value, dict):
        return all(map(storable, value.values()))
    return not (isinstance(value, (Module, EventSource)) or is_function(value) or is_set(value))


def _as_id(value: t.Any) -> t.Any:
    """A bound on a document id, as core's collectRange takes it: a document, an ID, an integer or a
    string of one compares as that id; null is before every id (a null bound includes them all) and any
    other value after every id (FQL2IndexSpec "indexes can cover id")."""
    if value is None:
        return float("-inf")
    if isinstance(value, Ref):
        value = value.id
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and scala_long(value) is not None:
        # TypeTag.ID's cast, Scala's toLongOption: a sign too, and digits of any script (`"٢"` is 2).
        return scala_long(value)
    # Null sorts after every value, so it stands for core's DocID.MaxValue.
    return None


class IndexSet(V10Set):
    """`Coll.byEmail(term)`: the documents whose terms match, in values order then by id."""

    index_sourced = True

    def __init__(self, ctx: Context, index: indexes.IndexDef, terms: list, bounds: dict | None, name: str = ""):
        self.index = index
        self.terms = terms
        self.bounds = bounds or {}
        self.valid_ts = past.user_ts(ctx)
        #: With performance hints, what reading its documents covers (`name`: `Books.byAuthor`).
        self.read = hints.index_read(ctx, index, name)

    def elements(self, ctx: Context) -> t.Iterator[t.Any]:
        return (doc for doc, _ in self.walk(ctx, None))

    def walk(self, ctx: Context, at: t.Any) -> t.Iterator[tuple[t.Any, t.Any]]:
        # A position is an entry's sort key (its values, then its document's id), read on from there as
        # core's IndexSet.nextPage seeks its index to the values and id of the cursor's entry.
        start = None if at is None else bytes.fromhex(at)
        return kept_time(ctx, self, lambda c: self._entries(c, start))

    def recheck(self, ctx: Context) -> None:
        require_collection_read(ctx, self.index.sources[0])

    def _key(self) -> tuple:
        return (self.index.key, repr(self.terms), repr(self.bounds), self.valid_ts, self.page_size)

    def __eq__(self, other: object) -> bool:
        # Two reads of an index with the same terms and range are the same set.
        return isinstance(other, IndexSet) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def _bound(self, name: str) -> bytes | None:
        """The key of the `from` or `to` bound (a null one is a bound: null sorts after every value)."""
        if name not in self.bounds:
            return None
        given = self.bounds[name]
        values = list(given) if isinstance(given, list) else [given]
        for i, field in enumerate(self.index.values[: len(values)]):
            if field.as_id:
                values[i] = _as_id(values[i])
        return tuple_key(values, self.index.reverse[:-1])

    def _entries(self, ctx: Context, start: bytes | None) -> t.Iterator[tuple[t.Any, str]]:
        """The documents from the entry whose sort key is `start` (None: the first), each with its key."""
        lo, hi = self._bound("from"), self._bound("to")
        if hi is not None:
            hi += TOP
        if start is not None:
            lo = start if lo is None else max(lo, start)
        terms, at = terms_key(self.terms), ctx.state.valid_ts
        if at is None:
            now, found = ctx.state.ts, ctx.state.txn.index_scan(self.index.key, terms, lo=lo, hi=hi)
        else:
            for coll in self.index.sources:
                check_valid_time(ctx, self.index.key.scope, coll, at)
            # An entry's ttl is checked against the query's own time, the past's too (refs.visible).
            now, found = ctx.state.ts, indexes.entries_at(ctx, self.index, terms, at, lo=lo, hi=hi, reverse=False)
        live = ((ref_of(ctx, entry.doc), entry.sort.hex()) for entry in found if entry.ttl is None or entry.ttl > now)
        docs = placed_documents(ctx, self, live, covered_fields(self.index))
        read = self.read
        return docs if read is None else ((hints.read_from_index(ctx, doc, read), pos) for doc, pos in docs)


def covered_fields(index: indexes.IndexDef) -> frozenset[str]:
    """The fields of a document whose whole value `index`'s terms and values hold (`.foo`, a computed
    `.firstAndLast`; not `.a` of `.a.b`): core's partial document from an index entry answers them
    without reading the document (FQL2MetricsSpec "index value term access shouldn't require an extra
    read op", "covered computed index values don't get read twice")."""
    names = set()
    for f in (*index.terms, *index.values):
        if f.path is not None:
            if len(f.path) == 2 and f.path[0] == "data" and not f.mva:
                names.add(f.path[1])
        else:
            steps = getattr(f.binding, "steps", None)
            if steps is not None and len(steps) == 1 and not f.mva:
                names.add(steps[0])
    return frozenset(names)


class IndexFunction:
    """A v10 collection's index as a function value: `People.byEmail`."""

    def __init__(self, index: indexes.IndexDef, name: str, queryable: bool = True):
        self.index = index
        self.name = name
        self.queryable = queryable

    def check(self, ctx: Context) -> None:
        """What a call checks before reading (core's index method): that the caller may read the
        collection, then that the index is queryable."""
        coll = self.index.sources[0]
        require_collection_read(ctx, coll)
        if not self.queryable:
            raise QueryRuntimeError("invalid_index_invocation", f"The index `{coll}.{self.name}` is not queryable.")

    def __call__(self, ctx: Context, args: list) -> IndexSet:
        n = len(self.index.terms)
        if len(args) not in (n, n + 1):
            # core's index method is two overloads (terms, and terms with a range): a call of neither arity
            # is its InvalidFuncArity.
            was = "was" if len(args) == 1 else "were"
            raise QueryRuntimeError(
                "invalid_function_invocation",
                f"callee function expects {n} or {n + 1} arguments, but {len(args)} {was} provided.",
            )
        # A static function of the collection, a compute op per call like any native call (core's
        # callNativeMethod, after the arity check; FQL2MetricsSpec "reduce with set").
        ctx.state.compute += 1
        self.check(ctx)
        from .documents import id_range, to_stored

        for i, term in enumerate(args[:n]):
            if not storable(term):
                # Core's CollectionIndexMethod: a term Value.toIR refuses.
                raise QueryRuntimeError(
                    "invalid_argument", f"invalid argument `term{i + 1}`: Argument cannot be used as lookup term"
                )
        if len(args) == n:
            bounds = None
        elif not self.index.values:
            # An index that covers no values ranges over its documents' ids, as `all(range)` does.
            bounds = to_stored(id_range(args[n], collection_ref(self.index.sources[0])))
        else:
            bounds = to_stored(check_range(args[n], len(self.index.values)))
        for name in ("from", "to"):
            given = (bounds or {}).get(name)
            if isinstance(given, list) and len(self.index.values) == 1:
                # An index of one value takes an array as that value, a prefix of the arrays it holds: a
                # `to` array gets a null (last of all) so that the arrays it begins are in range (core's
                # collectRange; FQL2IndexSpec "indexes support indexing arrays").
                bounds[name] = [given + [None] if name == "to" else given]
        terms = [to_stored(a) for a in args[:n]]
        return IndexSet(ctx, self.index, terms, bounds, f"{self.index.sources[0]}.{self.name}")

    def __repr__(self) -> str:
        return f"[function {self.name}()]"


def index_set(ctx: Context, coll: str, name: str, terms: list, bounds: dict | None) -> IndexSet | None:
    """The read of `coll`'s index `name` a cursor holds (its terms and range as stored), as the reader: it
    must still be there, be queryable and the reader may read the collection (core's cursor runs the
    index call again). None when the index is gone."""
    from ...values import Module

    if not isinstance(coll, str) or not isinstance(name, str) or not isinstance(terms, list):
        return None
    found = index_function(ctx, Module(coll), name) if isinstance(bounds, (dict, type(None))) else None
    if found is None:
        return None
    found.check(ctx)
    index = next(i for i in _v10_defs(ctx, ctx.state.scope, coll) if i.ref.id == name)
    return IndexSet(ctx, index, terms, bounds, f"{coll}.{name}")


def index_function(ctx: Context, module: Module, name: str) -> IndexFunction | None:
    # The collection's own name, also when the module is named by its alias (core names it so here).
    coll = module.collection.id if module.collection is not None else module.name
    for index in _v10_defs(ctx, ctx.state.scope, coll):
        if index.ref.id == name:
            version = live(ctx, DocKey(ctx.state.scope, "#collections", coll))
            spec = ((version.data or {}).get("indexes") or {}).get(name) if version is not None else None
            # Checked when it is called (IndexFunction.check), as core's index method checks: the function
            # itself is a value like any other.
            return IndexFunction(index, name, not (isinstance(spec, dict) and spec.get("queryable") is False))
    return None


def require_collection_read(ctx: Context, coll: str) -> None:
    """Core checks the collection's read action before an index read (a predicate filters after)."""
    from .. import roles

    if not ctx.state.unchecked and not roles.has_action(ctx, coll, "read"):
        raise QueryRuntimeError("permission_denied", f"Insufficient privileges to read from collection {coll}.")


def with_statuses(definition: dict) -> dict:
    """A definition as core stores it: each index `queryable` (true unless set) and built (`status:
    "complete"`; fql builds an index as it is defined), each unique constraint `status: "active"`."""
    out = dict(definition)
    indexes_ = out.get("indexes")
    if isinstance(indexes_, dict):
        out["indexes"] = {
            name: {**spec, "queryable": spec.get("queryable", True), "status": "complete"} if isinstance(spec, dict) else spec
            for name, spec in indexes_.items()
        }
    constraints = out.get("constraints")
    if isinstance(constraints, list):
        out["constraints"] = [
            {**c, "unique": _unique_format(c["unique"]), "status": "active"} if isinstance(c, dict) and "unique" in c else c
            for c in constraints
        ]
    return out


def _unique_format(fields: t.Any) -> t.Any:
    """A unique constraint's fields as core keeps them (its UniqueConstraint.toValue): the simple format
    (`["a", "b"]`) unless a field says `mva`, then each field as `{ field, mva? }`."""
    if not isinstance(fields, list) or not all(
        isinstance(f, str) or (isinstance(f, dict) and isinstance(f.get("field"), str) and set(f) <= {"field", "mva"})
        for f in fields
    ):
        return fields  # not of the schema's shape: left for its check to refuse
    if any(isinstance(f, dict) and "mva" in f for f in fields):
        return [{"field": f} if isinstance(f, str) else f for f in fields]
    return [f if isinstance(f, str) else f["field"] for f in fields]


# -- the Collection module -----------------------------------------------------------------------------


def _named(ctx: Context, rendered: dict) -> Document:
    return read(ctx, rendered["ref"])


@static("Collection", "create")
def create(ctx: Context, fields: dict) -> Document:
    """Define a collection: `{name, alias?, fields?, computed_fields?, wildcard?, indexes?, constraints?,
    history_days?, ttl_days?, document_ttls?, data?}`."""
    from .documents import check_reserved
    from .misc import OBJECT, arg
    from .natives import may_create

    fields = may_create(ctx, "collections", arg(fields, "data", OBJECT), "Collection")
    check_reserved(fields, "create Collection", create=True, native=True)
    field_schema.check_definition_fields(ctx, fields)
    given = {k: v for k, v in fields.items() if v is not None}  # a null field is not given
    # Core's insertDefaultFieldsMap gives `history_days` its default only where the key is absent: one
    # given as null gets none (create_native leaves it out, as core's elideNulls does).
    default = {"history_days": None} if "history_days" in fields else {"history_days": 0}
    params = with_statuses({**default, "indexes": {}, "constraints": [], **given})
    for field in ("name", "alias"):
        names.revalidate_derived_types(ctx, field, fields.get(field))
    from .natives import refuse_in_tenant_root

    refuse_in_tenant_root(ctx, "Collection")
    created = create_native(ctx, COLLECTIONS, params, asked=True)
    field_schema.check_definition(ctx, {k: v for k, v in created.items() if k not in ("ref", "ts")}, None)
    return _named(ctx, created)


@module_field("Collection", "Deleted")
def deleted_collection(ctx: Context, module: Module) -> Module:
    """`Collection.Deleted`: the collection of a document whose collection no longer exists (what its `coll`
    is), the type of no value."""
    return DELETED_COLLECTION


@static("Collection", "byName")
def by_name(ctx: Context, name: t.Any) -> Document | NullDocument:
    """The definition of collection `name` (a null document if there is none)."""
    from .misc import STRING, arg

    return read(ctx, Ref(arg(name, "name", STRING), COLLECTIONS))


@static("Schema", "defForIdentifier")
def def_for_identifier(ctx: Context, ident: t.Any) -> Document | None:
    """`FQL.Schema.defForIdentifier(name)`: the definition a global name stands for, a collection's (by name,
    then alias) before a function's, as the global namespace resolves it (core's stdlib Schema); null if
    neither has it."""
    from .globals import aliased
    from .misc import STRING, arg

    name = arg(ident, "ident", STRING)
    scope = ctx.state.scope
    for kind in (COLLECTIONS, FUNCTIONS):
        coll = f"#{kind.id}"
        found = name if live(ctx, DocKey(scope, coll, name)) is not None else aliased(ctx, scope, coll, name)
        if found is not None:
            return read(ctx, Ref(found, kind))
    return None


@static("Collection", "__call__")
def call(ctx: Context, name: str) -> Module:
    """`Collection("People")`: the collection's module, as if named in the query."""
    from .globals import user_collection
    from .misc import STRING, arg

    # Core's CollectionDefCompanion.defApply names its parameter `collection` (stdlib/Collections.scala);
    # it looks the name up among user collections alone, so one named like a module (v4 can) is found.
    found = user_collection(ctx, arg(name, "collection", STRING))
    if found is None:
        err = QueryRuntimeError("invalid_argument", f"invalid argument `collection`: No such user collection `{name}`.")
        raise made_here(ctx, err, "#collections", name, "A collection cannot be created and used in the same query.")
    return found


def made_here(ctx: Context, err: FQLError, kind: str, name: str, message: str) -> FQLError:
    """`err`, with core's hint when the schema item it could not find was created by this query."""
    from ..evaluator import current_source
    from .expressions import op_span
    from .globals import created_here

    if created_here(ctx, DocKey(ctx.state.scope, kind, name)) and ctx.state.call_node is not None:
        src, source = current_source(ctx.state)
        span = op_span(ctx.state.call_node)
        if src is not None and span is not None:
            err.hints.append((message, src, source, span))
    return err


@static("Collection", "all")
def all_(ctx: Context, bounds: t.Any = ABSENT) -> V10Set:
    """Every collection definition, within `{ from, to }` when given."""
    from .documents import documents_in

    return documents_in(ctx, COLLECTIONS, bounds)


@static("Collection", "where")
def where(ctx: Context, predicate: t.Any) -> V10Set:
    from .natives import scanned

    return scanned(ctx, "Collection", "where", WhereSet(ctx, all_(ctx), predicate, "pred"))


@static("Collection", "firstWhere")
def first_where(ctx: Context, predicate: t.Any) -> t.Any:
    from .natives import scanned

    return first(ctx, scanned(ctx, "Collection", "firstWhere", where(ctx, predicate)))
