"""A v10 collection's field schema: computed fields, defined fields (`fields`, `wildcard`) and `ttl_days`.

As in core: a computed field is a one-argument lambda evaluated with the document whenever it is read (field
access, projection, rendering, index terms and values), and no write may set it except under `data`. A
defined field has a signature checked on every write (core's SchemaType validation, with its constraint
failures) and an optional default evaluated for a create or replace that leaves it out; once a collection
defines fields, undeclared ones need a `wildcard`. `ttl_days` gives every write without a `ttl` one that
many days from now. `document_ttls` only guides core's static typechecking, which fql does not do.

Effects are limited as core limits them: a computed field may read but not write, a default may neither
(it may take `Time.now()` and `newId()`), and a computed field computed for an index may do none of these
(it then indexes nothing).
"""

from __future__ import annotations

from collections import Counter
import contextlib
import json
import typing as t

from attrs import frozen

from ... import ast, scala
from ...errors import FQLError, ParseError, QueryRuntimeError, SchemaValidationFailed
from ...schema.errors import Diagnostic
from ...storage.base import DocKey, Version
from ...values import ID, UUID, Bytes, Date, Document, Ref, Timestamp, collection_ref, native
from .. import documents
from ..evaluator import Context
from ..refs import live
from . import schema_types as st, signatures as sig
from .names import KEYWORDS, is_identifier

#: Field names a computed or defined field may not take (core's SpecialFieldNames and document methods).
RESERVED = frozenset(
    ("id", "coll", "ts", "data", "ttl", "delete", "update", "replace", "updateData", "replaceData", "exists")
)
#: Where the parsed schemas of this query's collections are kept (indexes.forget_schema drops it).
CACHE = "collection_fields"

_STRING = st.Scalar("String")
_BOOLEAN = st.Scalar("Boolean")


# core's custom validators of a definition's nested fields (Validators.scala, IndexFieldValidator.scala),
# run on a value that has the field's type (schema_types.validate_field).


def _body_validator(path: tuple, body: t.Any) -> list[st.Failure]:
    """LambdaParseValidator(Arity(1)) on a computed field's or check's body: one lambda of one parameter (a
    short lambda too), checked as a function's body is but for its arity."""
    problem = lambda_problem(body, "*body*", arity=(1,)) if isinstance(body, str) else None
    return [] if problem is None else [st.Failure("validator", path, problem)]


def _user_signature_validator(path: tuple, signature: t.Any) -> list[st.Failure]:
    """UserSigValidator on a computed field's signature."""
    return _signature_failures(path, signature, schema=False)


def _schema_signature_validator(path: tuple, signature: t.Any) -> list[st.Failure]:
    """SchemaTypeExprValidator on a defined field's signature (defaults may sit inside it)."""
    return _signature_failures(path, signature, schema=True)


def _check_name_validator(path: tuple, name: t.Any) -> list[st.Failure]:
    """ValidIdentifierValidator: an identifier, not a keyword, and not `_` (isValidName)."""
    return [] if not isinstance(name, str) or is_identifier(name) else [st.Failure("validator", path, "Invalid identifier.")]


def _term_validator(path: tuple, text: t.Any) -> list[st.Failure]:
    return _index_path_failures(path, text, _NOT_TERMS) if isinstance(text, str) else []


def _value_validator(path: tuple, text: t.Any) -> list[st.Failure]:
    return _index_path_failures(path, text, _NOT_VALUES) if isinstance(text, str) else []


def _unique_validator(path: tuple, fields: t.Any) -> list[st.Failure]:
    """uniqueConstraintValidator: each field's path, every failure at the `unique` field."""
    texts = [item if isinstance(item, str) else item.get("field") for item in fields or ()]
    return [f for text in texts if isinstance(text, str) for f in _index_path_failures(path, text, _NOT_UNIQUE)]


#: An index term, a value, and a unique constraint's field: `{ field: ".x", mva?: true }`.
_INDEX_TERM = st.Struct(
    (("field", st.FieldSchema(_STRING, validator=_term_validator)), ("mva", st.FieldSchema(st.optional(_BOOLEAN))))
)
_UNIQUE_FIELD = st.Struct((("field", st.FieldSchema(_STRING)), ("mva", st.FieldSchema(st.optional(_BOOLEAN)))))
_INDEX_VALUE = st.Struct(
    (
        ("field", st.FieldSchema(_STRING, validator=_value_validator)),
        ("order", st.FieldSchema(st.optional(st.Union((st.Literal("asc", "str"), st.Literal("desc", "str")))))),
        ("mva", st.FieldSchema(st.optional(_BOOLEAN))),
    )
)
#: An index's build status, core's to set (CollectionIndexSchemaTypes `statusField`).
_INDEX_STATUS = st.optional(st.Union(tuple(st.Literal(s, "str") for s in ("building", "complete", "failed"))))
#: The shapes core's Collection schema gives the fields this module owns (NativeCollection.Collection).
DEFINITION = {
    "computed_fields": st.optional(
        st.Struct(
            (),
            st.Struct(
                (
                    ("body", st.FieldSchema(_STRING, validator=_body_validator)),
                    ("signature", st.FieldSchema(st.optional(_STRING), validator=_user_signature_validator)),
                )
            ),
        )
    ),
    "fields": st.optional(
        st.Struct(
            (),
            st.Struct(
                (
                    ("signature", st.FieldSchema(_STRING, validator=_schema_signature_validator)),
                    ("default", st.FieldSchema(st.optional(_STRING))),
                )
            ),
        )
    ),
    "name": _STRING,
    "alias": st.optional(_STRING),
    "wildcard": st.optional(_STRING),
    "ttl_days": st.optional(st.Scalar("Long")),
    "history_days": st.optional(st.Scalar("Long")),
    "document_ttls": st.optional(st.Scalar("Boolean")),
    # A schema document's `data`: an object or null (core's Optional(AnyRecord)).
    "data": st.optional(st.Struct((), st.ANY)),
    # Core's collection schema for indexes and constraints (the fields a definition may hold, with
    # the `queryable` and `status` core reports back).
    # An index has terms, values, or both (core's UserDefinedIndexType, a union of the three shapes).
    "indexes": st.optional(
        st.Struct(
            (),
            st.Union(
                tuple(
                    st.Struct(
                        (
                            *shape,
                            ("status", st.FieldSchema(_INDEX_STATUS)),
                            ("queryable", st.FieldSchema(st.optional(_BOOLEAN))),
                        )
                    )
                    for shape in (
                        (("terms", st.FieldSchema(st.ArrayOf(_INDEX_TERM))),),
                        (("values", st.FieldSchema(st.ArrayOf(_INDEX_VALUE))),),
                        (
                            ("terms", st.FieldSchema(st.ArrayOf(_INDEX_TERM))),
                            ("values", st.FieldSchema(st.ArrayOf(_INDEX_VALUE))),
                        ),
                    )
                )
            ),
        )
    ),
    "constraints": st.optional(
        st.ArrayOf(
            st.Union(
                (
                    st.Struct(
                        (
                            (
                                "unique",
                                # Paths, or fields with `mva`, not both (core's Union of two arrays).
                                st.FieldSchema(
                                    st.Union((st.ArrayOf(_STRING), st.ArrayOf(_UNIQUE_FIELD))), validator=_unique_validator
                                ),
                            ),
                            ("status", st.FieldSchema(st.optional(_STRING))),
                        )
                    ),
                    st.Struct(
                        (
                            (
                                "check",
                                st.FieldSchema(
                                    st.Struct(
                                        (
                                            ("name", st.FieldSchema(_STRING, validator=_check_name_validator)),
                                            ("body", st.FieldSchema(_STRING, validator=_body_validator)),
                                        )
                                    )
                                ),
                            ),
                        )
                    ),
                )
            )
        )
    ),
}


@frozen
class CollectionFields:
    """What a collection's definition says about its documents' fields."""

    coll: str
    #: Computed field name -> the source of its lambda, in definition order.
    computed: dict[str, str]
    #: The user data's schema: defined fields and the wildcard (Any when the collection defines neither).
    struct: st.Struct
    #: True when `struct` constrains anything (there are defined fields or a wildcard).
    strict: bool
    ttl_days: int | None


# -- reading a definition -----------------------------------------------------------------------------


def lookup(ctx: Context, scope: str) -> sig.Lookup:
    """How signatures find document types: a collection by name or alias, or Key, Token and Credential."""
    natives = {"Key": native("keys"), "Token": native("tokens"), "Credential": native("credentials")}

    found: dict[str, Ref | None] = {}

    def find(name: str) -> Ref | None:
        if name in natives:
            return natives[name]
        if name not in found:
            found[name] = _by_name_or_alias(ctx, scope, name)
        return found[name]

    return find


def _by_name_or_alias(ctx: Context, scope: str, name: str) -> Ref | None:
    if live(ctx, DocKey(scope, "#collections", name)) is not None:
        return collection_ref(name)
    for version in ctx.state.txn.scan(scope, "#collections"):
        if version.live_at(ctx.state.ts) and (version.data or {}).get("alias") == name:
            return collection_ref(version.key.id)
    return None


def schema_of(ctx: Context, scope: str, coll: str) -> CollectionFields | None:
    """The field schema of user collection `coll` (None for a native collection or none at all)."""
    if coll.startswith("#"):
        return None
    version = live(ctx, DocKey(scope, "#collections", coll))
    if version is None or _PLAIN.get(id(version)) is version:
        return None
    cache = ctx.state.cache.setdefault(CACHE, {})
    if (scope, coll) not in cache:
        data = version.data or {}
        if any(data.get(key) not in (None, {}) for key in _SCHEMA_KEYS):
            cache[(scope, coll)] = _load(ctx, scope, coll, data)
        else:
            # Most definitions have none of it: remember that of this stored version (an immutable
            # object, kept here so that its id is not reused), and skip the question on later reads.
            if len(_PLAIN) >= 4096:
                _PLAIN.clear()
            _PLAIN[id(version)] = version
            cache[(scope, coll)] = None
    return cache[(scope, coll)]


#: The definition fields a CollectionFields is made of.
_SCHEMA_KEYS = ("computed_fields", "fields", "wildcard", "ttl_days")
#: Stored collection definitions known to have none of `_SCHEMA_KEYS`, by object id.
_PLAIN: dict[int, t.Any] = {}


def _load(ctx: Context, scope: str, coll: str, data: dict) -> CollectionFields:
    find = lookup(ctx, scope)
    computed = {
        name: spec["body"]
        for name, spec in (data.get("computed_fields") or {}).items()
        if isinstance(spec, dict) and isinstance(spec.get("body"), str)
    }
    defined = []
    for name, spec in (data.get("fields") or {}).items():
        if isinstance(spec, dict):
            defined.append((name, st.FieldSchema(_schema_type(spec.get("signature"), find), spec.get("default"))))
    wildcard = _schema_type(data["wildcard"], find) if isinstance(data.get("wildcard"), str) else None
    strict = bool(defined) or wildcard is not None
    ttl_days = data.get("ttl_days")
    return CollectionFields(
        coll,
        computed,
        st.Struct(tuple(defined), wildcard if strict else st.ANY),
        strict,
        ttl_days if isinstance(ttl_days, int) and not isinstance(ttl_days, bool) else None,
    )


def _schema_type(signature: t.Any, find: sig.Lookup) -> t.Any:
    """A stored signature's schema type; one that is not valid (a definition written by v4) fits only null."""
    try:
        texpr = sig.parse(signature, schema=True) if isinstance(signature, str) else None
    except sig.SignatureError:
        texpr = None
    if texpr is None or sig.check(texpr, find) or sig.unpersistable(texpr, find):
        return st.NULL
    return st.resolve(texpr, find)


# -- effects -------------------------------------------------------------------------------------------


class EffectViolation(QueryRuntimeError):
    """A read or write where the enclosing evaluation may not make one; the innermost v10 call names it."""

    def __init__(self, effect: str, what: str):
        super().__init__("invalid_effect", f"A {effect} is not allowed in {what}.")
        self.effect = effect
        self.what = what

    def named(self, function: str) -> QueryRuntimeError:
        """core's message, naming the function that made the read or write."""
        return self.by(f"`{function}`")

    def by(self, action: str) -> QueryRuntimeError:
        """core's message, naming the action that made it (Effect.Action: `Reading a field`, `Projection`)."""
        message = f"{action} performs a {self.effect}, which is not allowed in {self.what}."
        return QueryRuntimeError("invalid_effect", message, span=self.span)


_WRITES = frozenset(("put", "insert_version", "remove_version", "index_put", "index_remove", "index_drop"))
_READS = frozenset(("get", "history", "scan", "index_scan"))
#: What only observes the transaction (its time, a new id): allowed in default values, not in indexing.
_OBSERVATIONS = frozenset(("ts", "next_id", "horizon"))


class _Limited:
    """The query's transaction as an evaluation with limited effects sees it: a forbidden operation fails."""

    def __init__(self, txn: t.Any, what: str, reads: bool, observations: bool):
        object.__setattr__(self, "_txn", txn)
        object.__setattr__(self, "_rules", (what, reads, observations))

    def __getattr__(self, name: str) -> t.Any:
        what, reads, observations = self._rules
        if name in _WRITES:
            raise EffectViolation("write", what)
        if name in _OBSERVATIONS and not observations:
            raise EffectViolation("read", what)
        found = getattr(self._txn, name)
        if name in _READS and not reads:
            return self._schema_only(name, found)
        return found

    def _schema_only(self, name: str, read: t.Callable) -> t.Callable:
        """Looking a name up in the schema is no effect in core (an alias is found by scanning the schema
        documents of its kind); reading a document is. (Listing schema documents, `Collection.all()`, is
        refused before it scans: `check_read`.)"""

        def checked(*args: t.Any, **kwargs: t.Any) -> t.Any:
            kind = args[1] if name == "scan" else args[0].coll if name in ("get", "history") else None
            if kind not in documents.SCHEMA_KINDS:
                raise EffectViolation("read", self._rules[0])
            return read(*args, **kwargs)

        return checked

    def __setattr__(self, name: str, value: t.Any) -> None:
        setattr(self._txn, name, value)


@contextlib.contextmanager
def limited(ctx: Context, what: str, *, reads: bool, observations: bool = True) -> t.Iterator[None]:
    """Evaluate with the effects `what` (core's effect limit) allows; writes never are."""
    state = ctx.state
    outer = state.txn
    if isinstance(outer, _Limited) and outer._rules == (what, reads, observations):
        # The same limit again (a computed field reading another): it adds nothing, and a wrapper per level
        # would make each access walk them all, thousands deep at the stack limit.
        yield
        return
    state.txn = _Limited(outer, what, reads, observations)
    try:
        yield
    finally:
        state.txn = outer


def snapshot_micros(ctx: Context) -> int:
    """The transaction's time in µs, read past any effect limit: what core reads as `Query.snapshotTime`
    without an effect check (`Date.today()`, unlike `Time.now()`, checks none: stdlib/Date.scala)."""
    txn = ctx.state.txn
    while isinstance(txn, _Limited):
        txn = txn._txn
    return txn.ts


def _read_refused(ctx: Context) -> str | None:
    """What the nearest enclosing limit that allows no read is called (`default values`), or None where
    reading is allowed: a limit inside another (a computed field computed for an index) allows no more."""
    txn = ctx.state.txn
    while isinstance(txn, _Limited):
        if not txn._rules[1]:
            return txn._rules[0]
        txn = txn._txn
    return None


def may_read(ctx: Context) -> bool:
    """Whether the enclosing evaluation may read documents (core's effect limit allows Effect.Read)."""
    return _read_refused(ctx) is None


def check_read(ctx: Context) -> None:
    """core's Effect.Read check when a function that reads is called (`all`, `byId`, `byName`...): refused
    there, before anything is read, where the enclosing evaluation may not read."""
    what = _read_refused(ctx)
    if what is not None:
        raise EffectViolation("read", what)


def check_rebuilt_read(ctx: Context, function: str) -> None:
    """check_read for the set a cursor names, rebuilt by `Set.paginate`: core evaluates the set's expression
    again (`Foo.all()`) under the reader's limit, so a limit outside the set functions' own that allows no
    read refuses it, naming that expression's function."""
    txn = ctx.state.txn
    while isinstance(txn, _Limited):
        if not txn._rules[1]:
            raise EffectViolation("read", txn._rules[0]).named(function)
        txn = txn._txn


def check_may_write(ctx: Context) -> None:
    """core's Effect.Write check when a function that writes is called (`Foo.create`): refused there, before
    it reads anything, where the enclosing evaluation is limited (none allows writes)."""
    txn = ctx.state.txn
    if isinstance(txn, _Limited):
        raise EffectViolation("write", txn._rules[0])


#: The effect limits of code the schema holds (everything but set functions, which are the query's).
_SCHEMA_CODE = frozenset(("check constraints", "computed fields", "default values", "indexes"))


def schema_code(ctx: Context) -> bool:
    """True while code that a collection's schema holds runs (a default, computed field or check)."""
    txn = ctx.state.txn
    while isinstance(txn, _Limited):
        if txn._rules[0] in _SCHEMA_CODE:
            return True
        txn = txn._txn
    return False


def indexing(ctx: Context) -> bool:
    """True while a computed field is computed for an index (where a document's `ts` is not known)."""
    txn = ctx.state.txn
    while isinstance(txn, _Limited):
        if txn._rules[0] == "indexes":
            return True
        txn = txn._txn
    return False


# -- computed fields -----------------------------------------------------------------------------------


class Fields(t.Mapping[str, t.Any]):
    """A document's fields when its collection computes some: the computed ones first (evaluated when
    read), then the stored ones. A stored field a computed field or a special name hides is shown under
    `data`, as core renders it; `doc.data` itself is all the stored fields."""

    __slots__ = ("ctx", "schema", "stored", "doc")

    def __init__(self, ctx: Context, schema: CollectionFields, stored: dict):
        self.ctx = ctx
        self.schema = schema
        self.stored = stored
        self.doc: Document | None = None

    def _hidden(self) -> dict:
        return {k: v for k, v in self.stored.items() if k in self.schema.computed or k in RESERVED}

    def __getitem__(self, name: str) -> t.Any:
        if name in self.schema.computed:
            return computed_value(self.ctx, self.doc, self.schema, name)
        if name == "data" and self._hidden():
            return self._hidden()
        return self.stored[name]

    def __iter__(self) -> t.Iterator[str]:
        yield from self.schema.computed
        hidden = self._hidden()
        yield from (k for k in self.stored if k not in hidden)
        if hidden:
            yield "data"

    def __len__(self) -> int:
        return sum(1 for _ in self)


def document(ctx: Context, ref: Ref, ts: Timestamp, stored: dict, ttl: Timestamp | None, scope: str) -> Document:
    """A v10 document of a user collection, with its computed fields when its collection has some."""
    schema = schema_of(ctx, scope, ref.collection.id) if ref.kind is None else None
    if (schema is None or not schema.computed) and RESERVED.isdisjoint(stored):
        doc = Document(ref, ts, stored, ttl)
    else:
        # Fields a *Data write gave special names (`update`, `id`, `ttl`) are shown under `data` too.
        fields = Fields(ctx, schema or CollectionFields(ref.collection.id, {}, st.Struct((), st.ANY), False, None), stored)
        doc = Document(ref, ts, fields, ttl)
        fields.doc = doc
    # Read now: only a later write of it makes a use read it again (expressions.deref).
    doc.gen = ctx.state.write_gen
    return doc


def stored_data(doc: Document) -> dict:
    """A document's stored user fields (`doc.data`)."""
    return doc.data.stored if isinstance(doc.data, Fields) else dict(doc.data)


def rendered(doc: t.Any, each: t.Callable[[t.Any], t.Any] | None = None) -> t.Any:
    """The document as a query answers it: its computed fields evaluated now (anything else as it is),
    each field's value passed through `each` when given."""
    if not isinstance(doc, Document) or not isinstance(doc.data, Fields):
        return doc
    data = {k: doc.data[k] for k in doc.data}
    if each is not None:
        data = {k: each(v) for k, v in data.items()}
    out = Document(doc.ref, doc.ts, data, doc.ttl)
    out.gen = doc.gen
    return out


def _lambda(ctx: Context, source: str) -> t.Any:
    """A computed field's lambda, parsed and evaluated once per query (core caches the parse)."""
    cache = ctx.state.cache.setdefault("computed_bodies", {})
    if source not in cache:
        from ...parse import parse
        from .expressions import evaluate_program

        cache[source] = evaluate_program(parse(source, "v10"), Context(ctx.state))
    return cache[source]


def computed_value(ctx: Context, doc: Document | None, schema: CollectionFields, name: str) -> t.Any:
    """Evaluate computed field `name` of `doc`; it may read, but not write."""
    from .expressions import call_function

    source = f"computed_field:{_began_as(ctx, schema.coll)}:{name}"
    before, ctx.state.log_source = ctx.state.log_source, (source, schema.computed[name], len(ctx.state.udf_stack))
    try:
        fn = _lambda(ctx, schema.computed[name])
        with limited(ctx, "computed fields", reads=True):
            return call_function(ctx, fn, [doc])
    except FQLError as err:
        # The error happened in the field's own source: a frame of its trace, and the query points at where
        # the field was read (core's `at *computed_field:Coll:name*`).
        err.in_source(source, schema.computed[name])
        raise
    finally:
        ctx.state.log_source = before


def _began_as(ctx: Context, coll: str) -> str:
    """The name the collection `coll` had when the query began: core reads a collection's schema as the
    query began, so a computed field of one the query renamed is traced under its old name
    (FQL2ComputedFieldsSpec "collection can be renamed")."""
    scope = ctx.state.scope
    return next((old for (s, old), now in ctx.state.renamed_definitions.items() if s == scope and now == (scope, coll)), coll)


def index_binding(scope: str, coll: str, path: tuple) -> t.Callable[[Context, dict], t.Any]:
    """An index term or value over a computed field (`.b`, `.a.c[0]`): fn(ctx, rendered version) -> value.

    As in core, the field is computed with no effects at all: one that reads, writes, takes the time or the
    document's `ts`, or fails, indexes nothing (null).
    """

    def compute(ctx: Context, rendered_doc: dict) -> t.Any:
        schema = schema_of(ctx, scope, coll)
        if schema is None or path[0] not in schema.computed:
            return None
        ttl = rendered_doc.get("ttl")
        stored = dict(rendered_doc.get("data") or {})
        doc = document(ctx, rendered_doc["ref"], Timestamp.from_micros(rendered_doc["ts"]), stored,
                       ttl if isinstance(ttl, Timestamp) else None, scope)  # fmt: skip
        try:
            with limited(ctx, "indexes", reads=False, observations=False):
                value = computed_value(ctx, doc, schema, path[0])
                for step in path[1:]:
                    value = _step(value, step)
                return _indexable(value)
        except (FQLError, RecursionError):
            return None

    compute.steps = path  # type: ignore[attr-defined]  # what it covers (collections.covered_fields)
    return compute


def _step(value: t.Any, step: str | int) -> t.Any:
    if isinstance(value, dict) and isinstance(step, str):
        return value.get(step)
    if isinstance(value, list) and isinstance(step, int) and 0 <= step < len(value):
        return value[step]
    if isinstance(value, Document) and step == "id":
        return value.id
    return None


def _indexable(value: t.Any) -> t.Any:
    """A computed value as an index stores it (documents as refs); one that cannot be stored is null."""
    from .documents import to_stored

    stored = to_stored(value)
    return stored if persistable(stored) else None


def persistable(value: t.Any) -> bool:
    if isinstance(value, ID):
        # An ID is not data core stores (its toIR refuses it; FQL2DefinedFieldsSpec "ID is not persistable").
        return False
    if value is None or isinstance(value, (bool, int, float, str, Bytes, UUID, Timestamp, Date)):
        return True
    if isinstance(value, Ref):
        return value.collection is not None
    if isinstance(value, list):
        return all(persistable(v) for v in value)
    if isinstance(value, dict):
        return all(persistable(v) for v in value.values())
    return False


# -- writing documents ---------------------------------------------------------------------------------

_DAY = 86_400_000_000
#: The latest time a ttl can be (core saturates `ttl_days`).
_LATEST = 253_402_300_799_999_999


def collection_ttl(ctx: Context, scope: str, coll: str) -> Timestamp | None:
    """The ttl a write without one gets from its collection's `ttl_days` (None without): that many days
    after the transaction (core's DocumentWriteConfig.adjustTTL; v10's `check_write` alike)."""
    schema = schema_of(ctx, scope, coll)
    if schema is None or schema.ttl_days is None:
        return None
    return Timestamp.from_micros(min(ctx.state.ts + schema.ttl_days * _DAY, _LATEST))


def check_write(
    ctx: Context,
    coll: str,
    doc_id: str | None,
    data: dict,
    ttl: t.Any,
    *,
    op: str,
    plain: bool,
    previous: Version | None = None,
) -> tuple[dict, t.Any]:
    """A v10 create, update or replace (`op`) of user fields `data` (and `ttl`, `...` when not given) as
    core's WriteBroker and collection schema take it: the user data with defaults, and the ttl.

    `plain` is the *Data variant: every field is user data, so a collection's `ttl_days` gives the ttl
    (the other writes checked their computed fields' names first: check_computed_writes).
    """
    schema = schema_of(ctx, ctx.state.scope, coll)
    what = _write_what(op, doc_id)
    if schema is None:
        # A collection without a schema still types `ttl` (core's LegacySchema.Fields, in every
        # user collection's schema).
        failures = _ttl_failures(ttl, previous)
        if failures:
            raise failed(coll, what, failures)
        return data, ttl
    if schema.ttl_days is not None and (plain or ttl is ...):
        ttl = collection_ttl(ctx, ctx.state.scope, coll)
    failures: list[st.Failure] = []
    if op != "update":
        data, failures = _with_defaults(ctx, schema, data)
    whole = data
    if op == "update" and previous is not None:
        whole = documents.merge(dict((previous.data or {}).get("data") or {}), data)
    if schema.strict:
        failures.extend(st.validate_struct(schema.struct, ("data",), whole, user_data=True))
    failures.extend(_ttl_failures(ttl, previous))
    if failures:
        raise failed(coll, what, failures)
    return data, ttl


def check_computed_writes(ctx: Context, coll: str, doc_id: str | None, given: dict, *, op: str) -> None:
    """A create, update or replace (not a *Data one) may not write a computed field: core's WriteBroker
    refuses that before it looks at the id or the rest of the fields (checkComputedFieldConflicts;
    computed fields are top level only)."""
    schema = schema_of(ctx, ctx.state.scope, coll)
    clashes = [name for name in schema.computed if name in given] if schema is not None else []
    if clashes:
        failures = [st.Failure("computed", (name,), "Cannot write to a computed field") for name in clashes]
        raise failed(coll, _write_what(op, doc_id), failures)


def _write_what(op: str, doc_id: str | None) -> str:
    """How `Failed to ...` names a write of a user document (core's constraintViolationMessage)."""
    return "create document" if op == "create" else f"update document with id {doc_id}"


def _ttl_failures(ttl: t.Any, previous: Version | None) -> list[st.Failure]:
    """A write's `ttl` (the given one, or else the stored one) is a Time or null: core's `ttl` field,
    `Optional(Time)`, comes after `data` in a user collection's schema, so its failure comes last."""
    current = ttl if ttl is not ... else (previous.data or {}).get("ttl") if previous is not None else None
    if current is None or isinstance(current, Timestamp):
        return []
    provided = st.display(st.value_type(current))
    return [st.Failure("type", ("ttl",), f"Expected Time | Null, provided {provided}")]


def _check_stored(ctx: Context, version: Version, *path: str | int) -> None:
    """Every write of a user document, v4's included: core validates a v4 write against the collection's
    defined fields too (defaults count as present there, but are not stored). A v10 write was checked, and
    given its defaults, before it was made, so only a v4 write can fail here."""
    schema = schema_of(ctx, version.key.scope, version.key.coll)
    if schema is None or not schema.strict:
        return
    data, failures = _with_defaults(ctx, schema, dict((version.data or {}).get("data") or {}))
    failures += st.validate_struct(schema.struct, ("data",), data, user_data=True)
    if failures:
        # Core answers one error per failure, all at the write's position (CVHelper.liftCV's
        # SchemaConstraintViolation case, WriteAdaptor.scala): the first raised, the others its siblings.
        errors = [
            SchemaValidationFailed(f"{'.'.join(str(step) for step in failure.path)}: {failure.message}").at(*path)
            for failure in failures
        ]
        errors[0].siblings.extend(errors[1:])
        raise errors[0]


documents.WRITE_CHECKS.append(_check_stored)


def failed(coll: str, what: str, failures: list[st.Failure]) -> QueryRuntimeError:
    return QueryRuntimeError("constraint_failure", f"Failed to {what} in collection `{coll}`.").with_failures(
        [{"field": list(f.path), "code": f.kind, "description": f.message} for f in failures]
    )


def _with_defaults(ctx: Context, schema: CollectionFields, data: dict) -> tuple[dict, list[st.Failure]]:
    """core's insertDefaultFieldsMap on a create or replace: the fields given keep their place (objects
    among them, and objects in arrays, take their own fields' defaults), then each absent field takes its
    default; an absent object-typed field without one becomes an object of its own fields' defaults
    (`{}` if none, so its own fields are then reported missing)."""
    failures: list[st.Failure] = []
    out = _defaults_in_object(ctx, schema.coll, schema.struct, data, (), failures)
    return out, failures


def _defaults_in_object(ctx: Context, coll: str, struct: st.Struct, data: dict, path: tuple, failures: list) -> dict:
    out = {}
    for name, value in data.items():
        field = struct.field(name)
        out[name] = value if field is None else _defaults_in_value(ctx, coll, field.expected, value, (*path, name), failures)
    for name, field in struct.fields:
        if name in data:
            continue
        if field.default is not None:
            top = path[0] if path else name
            value, failure = default_value(ctx, f"*field:{coll}:{top}*", (*path, name), field.default)
            if failure is not None:
                failures.append(failure)
            else:
                out[name] = value
        elif isinstance(field.expected, st.Struct):
            out[name] = _defaults_in_object(ctx, coll, field.expected, {}, (*path, name), failures)
    return out


def _defaults_in_value(ctx: Context, coll: str, expected: t.Any, value: t.Any, path: tuple, failures: list) -> t.Any:
    if isinstance(value, dict) and isinstance(expected, st.Struct):
        return _defaults_in_object(ctx, coll, expected, value, path, failures)
    if isinstance(value, list) and isinstance(expected, st.ArrayOf):
        return [_defaults_in_value(ctx, coll, expected.inner, item, path, failures) for item in value]
    return value


def default_value(ctx: Context, source_name: str, name: str | tuple, source: str) -> tuple[t.Any, st.Failure | None]:
    """Evaluate a default (with no variables, no reads and no writes): its stored value, or the failure
    (at `name`, a field's name or a nested field's path)."""
    value, error, unpersistable = pure_value(ctx, source_name, source)
    if error is None and unpersistable is None:
        return value, None
    path = name if isinstance(name, tuple) else (name,)
    # Core names the value's dynamic type (`Lambda`, `{ *: Any }`), as DefinedField.evalDefault does.
    detail = error if error is not None else f"Value has type {unpersistable}, which cannot be persisted"
    return None, st.Failure("default", path, f"Default field evaluation failed.\n{detail}")


def pure_value(
    ctx: Context, source_name: str, source: str, *, effects: bool = False, where: bool = False
) -> tuple[t.Any, str | None, str | None]:
    """Evaluate `source` with no variables, and no reads and no writes unless `effects`: its stored value,
    or its error rendered against `source_name`, or (when it cannot be stored) the dynamic type of the value
    it gave; with `where`, the failure core's MigrationConverter names instead: the part that cannot be
    stored, after its path (`a.b: Value has type Lambda, which cannot be persisted.`)."""
    from ...parse import parse
    from .documents import to_stored
    from .expressions import dynamic_label, evaluate_program

    try:
        program = parse(source, "v10")
        if effects:
            value = evaluate_program(program, Context(ctx.state))
        else:
            with limited(ctx, "default values", reads=False):
                value = evaluate_program(program, Context(ctx.state))
    except FQLError as err:
        return None, _render(err, source_name, source), None
    if where:
        found = unpersistable_part(value)
        if found is not None:
            label, part = found
            message = f"Value has type {dynamic_label(part)}, which cannot be persisted."
            return None, None, f"{label}: {message}" if label else message
        return to_stored(value), None, None
    stored = to_stored(value)
    if not persistable(stored) or _holds_id(value):
        return None, None, dynamic_label(value)
    return stored, None, None


def unpersistable_part(value: t.Any, label: str = "") -> tuple[str, t.Any] | None:
    """The first part of `value` that cannot be stored, and its path as core's repo Path prints it (`a.b`,
    `[1]`, empty for the whole value); None where all of it can (core's IRValueConversion.toIR)."""
    from .documents import to_stored

    if isinstance(value, list):
        parts: t.Iterable = ((f"{label}[{i}]", v) for i, v in enumerate(value))
    elif isinstance(value, dict):
        parts = ((f"{label}.{k}" if label else str(k), v) for k, v in value.items())
    else:
        return None if persistable(to_stored(value)) and not isinstance(value, ID) else (label, value)
    for part_label, part in parts:
        found = unpersistable_part(part, part_label)
        if found is not None:
            return found
    return None


def _holds_id(value: t.Any) -> bool:
    """Whether an ID is in `value` (stored, it would be its digits: `persistable` no longer sees it)."""
    if isinstance(value, list):
        return any(_holds_id(v) for v in value)
    if isinstance(value, dict):
        return any(_holds_id(v) for v in value.values())
    return isinstance(value, ID)


def _render(err: FQLError, source_name: str, source: str) -> str:
    """An error inside an inline source, rendered as core renders one (`at *field:Foo:a*:1:3`); a parse
    error with the others core's parser reported with it, and their hints."""
    span = err.span
    annotation = err.annotation if isinstance(err, ParseError) else None
    if isinstance(err, ParseError) and span is not None and span.line and (err.more or err.parse_hints):
        return "\n".join(_diagnostic(e).render(source, source_name) for e in (err, *err.more))
    if span is not None and span.line:
        width = span.end - span.start if span.end_line == span.line else 1
        return sig.render_at(err.description, source_name, source, span.start, width, annotation)
    if isinstance(err, ParseError):
        lines = source.split("\n")
        offset = sum(len(line) + 1 for line in lines[: err.line - 1]) + err.column - 1
        return sig.render_at(err.description, source_name, source, offset)
    return f"error: {err.description}"


def _diagnostic(err: ParseError) -> Diagnostic:
    span = err.span
    end = span.end if err.marks_span else span.start + 1
    hints = tuple(Diagnostic(m, a, b, suggestion=sug, label=kind) for kind, m, a, b, sug in err.parse_hints)
    return Diagnostic(err.description, span.start, end, err.annotation, hints)


# -- checking a definition -----------------------------------------------------------------------------


def check_definition(ctx: Context, definition: dict, previous: dict | None) -> bool:
    """Check a collection definition's `computed_fields`, `fields`, `wildcard`, `ttl_days`,
    `document_ttls` and `migrations` as core's Collection schema, hooks and typer do (`previous` is the
    definition before an update, None on create). A field change on a collection with documents runs
    its new migrations (fql/eval/v10/migrations.py); True when documents were migrated (their
    collection's indexes then need building again)."""
    from . import migrations

    name = definition.get("name")
    what = "create Collection" if previous is None else f"update Collection `{previous.get('name')}`"
    # The fields' own checks are v10's (NativeCollection.Collection's schema): a v4 write has passed
    # v4's validators instead, which take what v10 would not (`ttl_days: -1`), and cannot change the
    # v10 fields.
    failures = [f for key, value in definition.items() for f in _field_failures(key, value)] if ctx.state.v10 else []
    if failures:
        raise _definition_failed(what, failures)
    failures = _hook_failures(definition)
    for field_name, spec in (definition.get("fields") or {}).items():
        if spec.get("default") is not None:
            _, failure = default_value(ctx, f"*field:{field_name}*", field_name, spec["default"])
            if failure is not None:
                failures.append(failure)
    if failures:
        raise _definition_failed(what, failures)
    check_types(ctx, name, definition)
    steps = migration_steps(ctx, definition, previous)
    if steps:
        migrations.apply(ctx, str(name), steps, definition.get("fields"))
    return bool(steps)


def _field_failures(key: str, value: t.Any) -> list[st.Failure]:
    """One definition field's failures as core's Collection schema validates it: its type, then (when it
    has the type) its validator."""
    from . import migrations

    if key in DEFINITION:
        return st.validate(DEFINITION[key], (key,), value) or _validators(key, value)
    if key == "migrations":
        return st.validate(migrations.SHAPE, (key,), value)
    return []


def check_definition_fields(ctx: Context, given: t.Any, previous: dict | None = None, *, replace: bool = False) -> None:
    """A collection definition as core's Collection schema validates a write of it, in one pass
    (SchemaType.validateStruct over the written data: the given fields on a create or replace, the stored
    ones patched on an update, new ones last): each field in that order, an unknown one `Unexpected field
    provided`, a known one its type and then its validator (a name or alias as a global name, unless
    unchanged), and last the name if missing; all their failures are reported together. `previous`: the
    stored definition of an update or replace."""
    from .names import global_name_problem

    if not isinstance(given, dict):
        return
    before = previous or {}
    written = given if previous is None or replace else documents.merge(before, given, v4=False)
    known = DEFINITION_FIELDS | set(before)
    read_only = _status_failures(given, before)
    failures: list[st.Failure] = []
    for key, value in written.items():
        if key in ("coll", "ts") or value is None:
            continue
        if key not in known:
            failures.append(st.Failure("invalid", (key,), "Unexpected field provided"))
        elif read_only.get(key):
            # core checks a read-only field before its type, and reports the union member that has it.
            failures.extend(read_only[key])
        elif key in ("name", "alias"):
            problem = global_name_problem(ctx, "collections", value, before.get(key), before.get("name"))
            found = st.validate(DEFINITION[key], (key,), value)
            failures.extend(found or ([st.Failure("validator", (key,), problem)] if problem else []))
        else:
            failures.extend(_field_failures(key, value))
    if written.get("name") is None:
        failures.append(st.Failure("missing", ("name",), "Missing required field of type String"))
    if failures:
        what = "create Collection" if previous is None else f"update Collection `{before.get('name')}`"
        raise _definition_failed(what, failures)


def _status_failures(given: dict, previous: dict) -> dict[str, list[st.Failure]]:
    """The `indexes` and `constraints` that give a `status` other than the one they have, by key: it is
    core's to set (a read-only field)."""
    found: dict[str, list[st.Failure]] = {}
    message = "Failed to update field because it is readonly"
    before = previous.get("indexes") or {}
    indexes = given.get("indexes")
    for name, spec in indexes.items() if isinstance(indexes, dict) else ():
        if isinstance(spec, dict) and "status" in spec and spec["status"] != (before.get(name) or {}).get("status"):
            found.setdefault("indexes", []).append(st.Failure("readonly", ("indexes", name, "status"), message))
    before_list = previous.get("constraints") or []
    constraints = given.get("constraints")
    for i, constraint in enumerate(constraints) if isinstance(constraints, list) else ():
        old = before_list[i] if i < len(before_list) and isinstance(before_list[i], dict) else {}
        if isinstance(constraint, dict) and "status" in constraint and constraint["status"] != old.get("status"):
            found.setdefault("constraints", []).append(st.Failure("readonly", ("constraints", i, "status"), message))
    return found


def migration_steps(ctx: Context, definition: dict, previous: dict | None) -> list:
    """The changes a definition's new migrations make to the collection's documents, once checked against
    its fields and its live definition (`invalid_schema` if they do not fit); nothing is written. The FSL
    schema manager checks a push with it before writing, as core's SchemaValidate does."""
    from . import migrations

    changed = previous is not None and _shape(previous) != _shape(definition)
    if not changed and definition.get("migrations") in (None, (previous or {}).get("migrations")):
        return []
    has_documents = previous is not None and _has_documents(ctx, previous.get("name"))
    return migrations.derive(ctx, definition, previous, has_documents)


#: The fields a v10 collection definition may have (core's Collection schema; the rest are internal).
DEFINITION_FIELDS = frozenset(("name", "alias", "migrations", "history_days", "data", *DEFINITION))


def _definition_failed(what: str, failures: list[st.Failure]) -> QueryRuntimeError:
    return QueryRuntimeError("constraint_failure", f"Failed to {what}.").with_failures(
        [{"field": list(f.path), "code": f.kind, "description": f.message} for f in failures]
    )


def _validators(key: str, value: t.Any) -> list[st.Failure]:
    """The custom validators core runs on a definition's top-level field once it has the right shape (its
    nested fields' validators ran with their types: DEFINITION)."""
    if key in ("computed_fields", "fields") and value:
        return _member_failures(key, value)
    if key == "wildcard":
        return _signature_failures(("wildcard",), value, schema=False)
    if key in ("ttl_days", "history_days") and value is not None and value < 0:
        return [st.Failure("validator", (key,), "Non-negative value required.")]
    if key == "indexes" and value:
        return _member_failures(key, value, COLLECTION_METHODS)
    return []


def _hook_failures(definition: dict) -> list[st.Failure]:
    """What core's collection write hook (CollectionSchemaHooks.validateCollection) refuses once the
    definition passed validation: a check constraint's name twice, a unique constraint without fields or
    twice on the same paths, then a computed field named as a defined one."""
    constraints = definition.get("constraints") or []
    computed = definition.get("computed_fields") or {}
    # Core intersects the defined fields' key set (of an immutable Map of them) with the computed ones'.
    collisions = [
        st.Failure("collision", ("computed_fields",), f"Computed field '{dupe}' collides with a defined field")
        for dupe in scala.map_order(definition.get("fields") or {})
        if dupe in computed
    ]
    return _duplicate_checks(constraints) + _unique_failures(constraints) + collisions


def _duplicate_checks(constraints: list) -> list[st.Failure]:
    """Each check constraint name held twice, in the order of core's `groupBy` of the checks by name (an
    immutable.HashMap)."""
    seen = Counter(c["check"]["name"] for c in constraints if isinstance(c.get("check"), dict))
    return [
        st.Failure("validator", ("constraints",), f"Duplicate check constraint name '{name}'")
        for name in scala.hash_order(seen)
        if seen[name] > 1
    ]


def _unique_failures(constraints: list) -> list[st.Failure]:
    """core's checks of `unique` constraints: at least one field each, and no two on the same paths
    (`.name` and `.['name']` are one path; UniqueConstraintSpec; two without fields are two on the paths
    `[]`), each duplicate in the order of core's `groupBy` of the constraints by their paths (a HashMap)."""
    from .collections import strict_path

    out: list[st.Failure] = []
    if any(c.get("unique") == [] for c in constraints):
        out.append(st.Failure("validator", ("constraints",), "Unique constraints must have at least one term"))
    seen: Counter = Counter()
    for constraint in constraints:
        fields = constraint.get("unique")
        if fields is None:
            continue
        paths = [strict_path(item if isinstance(item, str) else item["field"]) for item in fields]
        if all(paths):
            seen[tuple(tuple(p) for p in paths)] += 1
    for paths in scala.hash_order(seen, _paths_hash):
        if seen[paths] > 1:
            shown = "[" + ", ".join(_path_display(list(p)) for p in paths) + "]"
            out.append(st.Failure("validator", ("constraints",), f"Duplicate unique constraint on path {shown}"))
    return out


def _paths_hash(paths: tuple) -> int:
    """The hashCode of core's List of field paths, each a List[Either[Long, String]]."""

    def step(s: t.Any) -> int:
        return scala.case_class_hash("Left", s) if isinstance(s, int) else scala.case_class_hash("Right", scala.java_hash(s))

    return scala.indexed_seq_hash([scala.indexed_seq_hash([step(s) for s in path]) for path in paths])


def _path_display(steps: list) -> str:
    """A field path as core displays it: `.a.b`, `.a[0]`, `.["a b"]`."""
    out = ""
    for step in steps:
        if isinstance(step, int):
            out += f"{'' if out else '.'}[{step}]"
        elif sig.IDENT.fullmatch(step) and step not in KEYWORDS:
            out += f".{step}"
        else:
            out += f"{'' if out else '.'}[{json.dumps(step)}]"
    return out


#: Index fields core's IndexFieldValidator refuses, as terms, as values, and in unique constraints.
_NOT_TERMS = {
    "id": "`id` is not supported as an index term, use the native byId method to look up a document by its id.",
    "coll": "`coll` is not supported as an index term.",
    "ts": "`ts` may only be used as an index value, not as an index term.",
}
_NOT_VALUES = {"coll": "`coll` is not supported as a specified index value."}
_NOT_UNIQUE = {
    "id": "`id` is not supported as a unique constraint value.",
    "coll": "`coll` is not supported as a unique constraint value.",
    "ts": "`ts` is not supported as a unique constraint value.",
}
#: Names an index may not take: a user collection's own methods (core's isNameReservedInColl).
COLLECTION_METHODS = frozenset(
    ("all", "byId", "where", "firstWhere", "create", "createData", "definition", "toString", "createAll")
)


def _index_path_failures(path: tuple, text: str, disallowed: dict[str, str]) -> list[st.Failure]:
    from .collections import strict_path

    if text == "":
        return [st.Failure("validator", path, "Value cannot be empty.")]
    steps = strict_path(text)
    if not steps:
        return [st.Failure("validator", path, f"Value `{text}` is not a valid FQL path expression.")]
    if isinstance(steps[0], str) and steps[0] in disallowed:
        return [st.Failure("validator", path, disallowed[steps[0]])]
    return []


def _member_failures(key: str, members: dict, reserved: t.Container[str] = RESERVED) -> list[st.Failure]:
    out = []
    for name in members:
        if not sig.IDENT.fullmatch(name) or name in KEYWORDS:
            out.append(st.Failure("validator", (key,), "Invalid identifier."))
        elif name in reserved:
            out.append(st.Failure("validator", (key,), f"The name '{name}' is reserved."))
    return out


_STRING = st.Scalar("String")
#: A schema document's `data`: an object or null (core's Optional(AnyRecord)).
DATA_FIELD = st.FieldSchema(st.optional(st.Struct((), st.ANY)))
#: The typed fields of a v10 database (core's NativeCollection.Database; `global_id` is read-only).
DATABASE = st.Struct(
    (
        ("name", st.FieldSchema(_STRING)),
        ("priority", st.FieldSchema(st.optional(st.Scalar("Long")))),
        ("typechecked", st.FieldSchema(st.optional(st.Scalar("Boolean")))),
        ("protected", st.FieldSchema(st.optional(st.Scalar("Boolean")))),
        ("account", st.FieldSchema(st.optional(st.Struct((), st.ANY)))),
        ("data", DATA_FIELD),
    )
)
#: The fields of a v10 function (core's UserFunction schema collection; a v4 body is a v4 write's).
FUNCTION = st.Struct(
    (
        ("name", st.FieldSchema(_STRING)),
        ("alias", st.FieldSchema(st.optional(_STRING))),
        ("role", st.FieldSchema(st.optional(_STRING))),
        ("body", st.FieldSchema(_STRING)),
        ("signature", st.FieldSchema(st.optional(_STRING))),
        ("data", DATA_FIELD),
    )
)


def _zero_or_more(schema: t.Any) -> st.Union:
    """core's SchemaType.ZeroOrMore: one, an array of them, or null."""
    return st.optional(st.Union((schema, st.ArrayOf(schema))))


def _lambda_validator(arity: tuple[int, ...] | None) -> t.Callable[[tuple, t.Any], list[st.Failure]]:
    """core's LambdaParseValidator(arity) on a role's predicate: the source of one lambda taking `arity`
    parameters (None: any), drawn as the path's head (`*privileges*`, `*membership*`)."""

    def validator(path: tuple, source: t.Any) -> list[st.Failure]:
        problem = lambda_problem(source, f"*{path[0]}*", arity=arity) if isinstance(source, str) else None
        return [] if problem is None else [st.Failure("validator", path, problem)]

    return validator


def _role_name_validator(path: tuple, name: t.Any) -> list[st.Failure]:
    """core's RoleValidator: an identifier, and not `admin` or `server`."""
    if not is_identifier(name):
        return [st.Failure("validator", path, "Invalid identifier.")]
    if name in ("admin", "server"):
        return [st.Failure("validator", path, f"The identifier `{name}` is reserved.")]
    return []


#: A role's predicate: the source of a v10 lambda or a v4 Query (core's Union(V4Query, Str)).
_PREDICATE = st.FieldSchema(st.optional(st.Union((st.Scalar("Query"), _STRING))), validator=_lambda_validator((1,)))
#: How many parameters each action's predicate takes (core's RoleAction; `call` any).
_ACTION_ARITY = {
    "read": (1,), "write": (2, 3), "create": (1,), "create_with_id": (1, 2), "delete": (1,),
    "history_write": (4,), "history_read": (1,), "unrestricted_read": (1,), "call": None,
}  # fmt: skip
#: Each action: allowed or not, or a predicate (core's Union(Boolean, Str, V4Query)).
_ACTIONS = st.Struct(
    tuple(
        (
            name,
            st.FieldSchema(
                st.optional(st.Union((st.Scalar("Boolean"), _STRING, st.Scalar("Query")))),
                validator=_lambda_validator(_ACTION_ARITY[name]),
            ),
        )
        for name in (
            "read", "write", "create", "create_with_id", "delete", "history_write", "history_read",
            "unrestricted_read", "call",
        )
    )
)
#: The fields of a v10 role (core's Role schema collection, its Privilege and Membership records), with
#: their validators, which report together with the type failures, field by field as given.
ROLE = st.Struct(
    (
        ("name", st.FieldSchema(_STRING, validator=_role_name_validator)),
        (
            "privileges",
            st.FieldSchema(
                _zero_or_more(st.Struct((("resource", st.FieldSchema(_STRING)), ("actions", st.FieldSchema(st.optional(_ACTIONS))))))
            ),
        ),
        ("membership", st.FieldSchema(_zero_or_more(st.Struct((("resource", st.FieldSchema(_STRING)), ("predicate", _PREDICATE)))))),
        ("data", DATA_FIELD),
    )
)


#: The typed fields of a v10 key (core's NativeCollection.Key; `secret` is read-only).
KEY = st.Struct(
    (
        ("role", st.FieldSchema(_STRING)),
        ("database", st.FieldSchema(st.optional(st.Union((_STRING, st.DocType(native("databases"), "Database")))))),
        ("ttl", st.FieldSchema(st.optional(st.Scalar("Time")))),
        ("data", DATA_FIELD),
    )
)
#: The typed fields of a v10 credential (core's NativeCollection.Credential).
CREDENTIAL = st.Struct((("document", st.FieldSchema(st.ANY_DOC)), ("password", st.FieldSchema(st.optional(_STRING)))))
#: The typed fields of a v10 token (core's NativeCollection.Token; `secret` is read-only).
TOKEN = st.Struct(
    (
        ("document", st.FieldSchema(st.ANY_DOC)),
        ("ttl", st.FieldSchema(st.optional(st.Scalar("Time")))),
        ("data", DATA_FIELD),
    )
)
def _identifier_validator(path: tuple, name: t.Any) -> list[st.Failure]:
    """core's ValidIdentifierValidator: an identifier, not a keyword nor `_`."""
    return [] if is_identifier(name) else [st.Failure("validator", path, "Invalid identifier.")]


def _https_validator(path: tuple, uri: t.Any) -> list[st.Failure]:
    """core's UrlValidator: a URL java.net.URL reads, of the protocol https."""
    from ..providers import is_https_url

    return [] if is_https_url(uri) else [st.Failure("validator", path, f"`{uri}` must be a valid https URI.")]


def _provider_predicate_validator(path: tuple, source: t.Any) -> list[st.Failure]:
    """LambdaParseValidator(Arity(1)) on a provider's role predicate, drawn as `*roles*` (the path's head)."""
    problem = lambda_problem(source, f"*{path[0]}*", arity=(1,)) if isinstance(source, str) else None
    return [] if problem is None else [st.Failure("validator", path, problem)]


def _provider_roles_validator(path: tuple, roles: t.Any) -> list[st.Failure]:
    """core's AccessProviderRolesValidator: an array names no role twice and no built-in one."""
    from ..providers import duplicate_roles

    return [st.Failure("validator", path, f["description"]) for f in duplicate_roles(roles)]


#: A provider's role: a name, or a name with a membership predicate (core's AccessProviderRole).
_PROVIDER_ROLE = st.Union(
    (
        _STRING,
        st.Struct(
            (
                ("role", st.FieldSchema(_STRING)),
                (
                    "predicate",
                    st.FieldSchema(st.Union((st.Scalar("Query"), _STRING)), validator=_provider_predicate_validator),
                ),
            )
        ),
    )
)
#: The fields of a v10 access provider (core's NativeCollection.AccessProvider; `audience` is read-only),
#: with their validators, which report together with the type failures, field by field as given.
ACCESS_PROVIDER = st.Struct(
    (
        ("name", st.FieldSchema(_STRING, validator=_identifier_validator)),
        ("issuer", st.FieldSchema(_STRING)),
        ("jwks_uri", st.FieldSchema(_STRING, validator=_https_validator)),
        ("roles", st.FieldSchema(_zero_or_more(_PROVIDER_ROLE), validator=_provider_roles_validator)),
        ("audience", st.FieldSchema(st.optional(_STRING))),
        ("data", DATA_FIELD),
    )
)
#: The same, for an update that keeps the provider's name (ValidIdentifierValidator checks a new one only).
ACCESS_PROVIDER_SAME_NAME = st.Struct(
    (("name", st.FieldSchema(_STRING)),) + tuple(f for f in ACCESS_PROVIDER.fields if f[0] != "name")
)


def native_type_failures(struct: st.Struct, fields: dict, *, partial: bool) -> list[st.Failure]:
    """core's SchemaType validation of a schema document's fields (`data: Expected { *: Any } | Null,
    provided String`, `foo: Unexpected field provided`); `partial`: an update, whose missing fields are
    the stored ones."""
    given = {k: v for k, v in fields.items() if k not in ("coll", "ts")}
    if partial:
        struct = st.Struct(tuple((n, f) for n, f in struct.fields if n in given), struct.wildcard)
    return st.validate_struct(struct, (), given)


def function_failures(fields: dict) -> list[st.Failure]:
    """core's checks of a function's `body` (the source of one lambda, any arity; not a short lambda) and
    its `signature`."""
    out: list[st.Failure] = []
    body = fields.get("body")
    if isinstance(body, str):
        problem = lambda_problem(body, "*body*", allow_short=False)
        if problem is not None:
            out.append(st.Failure("validator", ("body",), problem))
    out.extend(_signature_failures(("signature",), fields.get("signature"), schema=False))
    return out


def lambda_problem(source: str, name: str, *, arity: tuple[int, ...] | None = None, allow_short: bool = True) -> str | None:
    """What core's LambdaParseValidator says of `source`, the text of one lambda stored in a field (a
    function's body, a role's predicate), drawn in `name` (`*body*`, `*privileges*`); None when it is
    one. `arity`: the numbers of parameters it may take (None: any)."""
    from ...parse import parse_lambda_body

    message = "Unable to parse FQL source code."
    try:
        program = parse_lambda_body(source)
    except ParseError as err:
        return f"{message}\n{_render(err, name, source)}"
    if len(program.body) != 1 or not isinstance(program.body[0], ast.Arrow):
        return f"{message}\n{_not_a_lambda(source, name, len(program.body))}"
    at = _trailing_separator(source, program.body[-1].span.end)
    if at is not None:
        return f"{message}\n{Diagnostic('Expected end-of-input', at, at + 1).render(source, name)}"
    params = program.body[0].params
    if params == ("$this",) and not allow_short:
        text = source.strip()
        offset = source.index(text) + (1 if text.startswith("(") and text.endswith(")") else 0)
        width = max(len(text) - (2 if text.startswith("(") and text.endswith(")") else 0), 1)
        return f"{message}\n{sig.render_at('Short form lambdas are not allowed here', name, source, offset, width)}"
    if arity is not None and len(params) not in arity:
        return f"Invalid function arity. Expected {_arity_text(arity)}, but the function was defined with {len(params)} arguments"
    return None


def _arity_text(arity: tuple[int, ...]) -> str:
    """core's Arity.displayString: `exactly 1 argument`, `2 or 3 arguments`."""
    if len(arity) == 1:
        return f"exactly {arity[0]} argument{'' if arity[0] == 1 else 's'}"
    return ", ".join(str(n) for n in arity[:-1]) + f" or {arity[-1]} arguments"


def _trailing_separator(body: str, end: int) -> int | None:
    """Where a `;` follows a function's lambda (past blanks and comments), which core's parser of a body,
    unlike a query's, does not take (`Expected end-of-input`); None when none does."""
    i = end
    while i < len(body):
        if body[i] in " \t\r\n":
            i += 1
        elif body.startswith("//", i):
            newline = body.find("\n", i)
            i = len(body) if newline < 0 else newline + 1
        elif body.startswith("/*", i):
            close = body.find("*/", i + 2)
            i = len(body) if close < 0 else close + 2
        else:
            return i if body[i] == ";" else None
    return None


def _not_a_lambda(body: str, name: str, statements: int) -> str:
    """Core's parser on a body that is no lambda: the whole body marked (`Expression is not a lambda.`),
    and for a single expression the hint to declare one (`() => 34`, drawn with `+`)."""
    hints = () if statements != 1 else (Diagnostic("Declare a lambda.", 0, 0, suggestion="() => "),)
    end = max(len(body), 1)
    return Diagnostic("Body must be a lambda expression.", 0, end, "Expression is not a lambda.", hints).render(body, name)


def _signature_failures(path: tuple, signature: t.Any, *, schema: bool) -> list[st.Failure]:
    if not isinstance(signature, str):
        return []
    try:
        sig.parse(signature, schema=schema)
    except sig.SignatureError as err:
        rendered = sig.render_error(err, f"*{path[-1]}*", signature)
        return [st.Failure("validator", path, f"Failed parsing user-provided signature.\n{rendered}")]
    return []


def check_types(ctx: Context, name: t.Any, definition: dict) -> None:
    """The typer's checks of the signatures: known types, persistable field types, an `Any` wildcard."""
    find = lookup(ctx, ctx.state.scope)
    errors: list[str] = []
    for spec in (definition.get("computed_fields") or {}).values():
        if spec.get("signature") is not None:
            errors.extend(sig.check(sig.parse(spec["signature"]), find))
    for field_name, spec in (definition.get("fields") or {}).items():
        texpr = sig.parse(spec["signature"], schema=True)
        found = sig.check(texpr, find)
        errors.extend(found)
        causes = [] if found else sig.unpersistable(texpr, find)
        if causes:
            lines = [f"Field `{field_name}` in collection {name} is not persistable"]
            for cause, hint in causes:
                lines.append(f"cause: {cause}" + (f"\nhint: {hint}" if hint else ""))
            errors.append("\n".join(lines))
        elif not found and isinstance(spec.get("default"), str):
            errors.extend(default_type_errors(ctx, field_name, spec["default"], st.resolve(texpr, find)))
    wildcard = definition.get("wildcard")
    if wildcard is not None:
        texpr = sig.parse(wildcard)
        found = sig.check(texpr, find)
        errors.extend(found or ([] if texpr == sig.Keyword("Any") else ["Top-level wildcard must have type `Any`"]))
    if not errors and env_typechecked(ctx):
        # Core's SchemaTypeValidator types index paths only in a typechecked database (FQL2IndexMigrationSpec
        # "it rebuilds indexes from move_wildcard" indexes a field no type has, with typechecking off).
        errors.extend(_index_path_errors(definition, find))
    if errors:
        drawn = _drawn_type_errors(ctx, name, definition)
        if drawn:
            from .envcheck import invalid_update

            raise invalid_update(drawn)
        body = "\n".join("    " + line for error in errors for line in f"error: {error}".split("\n"))
        raise QueryRuntimeError("invalid_schema", f"Invalid database schema update.\n{body}")


def _drawn_type_errors(ctx: Context, name: t.Any, definition: dict) -> list[str]:
    """The type errors of the schema as it would be once the collection `name` is `definition`, each drawn
    in its FSL file as core's SchemaTypeValidator draws it (`at main.fsl:5:8`, a cause, a hint to use
    `Ref<>`); none where fql cannot draw them (a definition FSL cannot say)."""
    from ...schema import manager
    from ...schema.migrating import default_types, opaque_types, unknown_types
    from ...schema.parser import FSLError

    if not isinstance(name, str):
        return []
    try:
        files = dict(manager.files(ctx, ("collection", name, definition)))
    except Exception:  # noqa: BLE001 - a definition FSL cannot say is reported as written
        return []
    find = lookup(ctx, ctx.state.scope)
    try:
        drawn = unknown_types(files, refs=True)
        if drawn and env_typechecked(ctx):
            # A field's type core's typer refuses leaves the documents' type opaque, shown by its name, and
            # the index paths are typed all the same (FQL2TypecheckSpec "array with no generics and an inline
            # index build should not blow up").
            drawn += opaque_types(files, refs=True)
        drawn = drawn or default_types(ctx, files, find)
        if not drawn and env_typechecked(ctx):
            drawn = [e for file, text in files.items() for e in _drawn_path_errors(text, file, name, definition, find)]
    except FSLError:
        return []  # (files that do not read: the errors are reported as written)
    return drawn


def env_typechecked(ctx: Context) -> bool:
    """core's Database.isTypechecked: the `typechecked` setting of the database or its nearest ancestor
    that has one; true where none does (core's default for new databases)."""
    return database_setting(ctx, "typechecked", default=True)


def database_setting(ctx: Context, name: str, *, default: bool) -> bool:
    """A database's `typechecked` or `protected`: its own, else its nearest ancestor's (core's inherited
    settings); `default` where none says (the top database has no document to say it)."""
    from ...auth.access import lineage

    for data in lineage(ctx.state.txn, ctx.state.scope):
        if isinstance(data.get(name), bool):
            return data[name]
    return default


def default_type_errors(ctx: Context, field_name: str, source: str, expected: t.Any) -> list[str]:
    """core's typer on a default: its value's type must be the field's (`Type `Int` is not a subtype of
    `String``; FQL2DefinedFieldsSpec "default values are typechecked"). fql types the value it evaluates to."""
    if _statically_any(ctx, source):
        # Core types the default's expression, not its value: one typed `Any` (`{ let x: Any = '0'; x }`)
        # passes, and a value not of the field's type fails when it is converted (SchemaCollectionSpec
        # "applies runtime type checks to backfill and default values").
        return []
    value, failure = default_value(ctx, f"*field:{field_name}*", field_name, source)
    if failure is not None or st.is_of_type(expected, value):
        return []
    return [f"Type `{st.display(st.value_type(value))}` is not a subtype of `{st.display(expected)}`"]


def _statically_any(ctx: Context, source: str) -> bool:
    """Whether core's typer types the expression `source` as `Any` (so that no value it gives is a misfit
    to the typer); False where it does not parse or type."""
    from ...parse import parse
    from ...typer import check
    from ...typer import types as ty
    from .static import RuntimeEnv

    try:
        outcome = check(parse(source, "v10"), None, RuntimeEnv(ctx))
    except (FQLError, RecursionError):
        return False
    return not outcome.errors and outcome.type == ty.ANY


def _index_path_errors(definition: dict, find: sig.Lookup) -> list[str]:
    """core's typer on the paths of index terms and values and of unique constraints: a path into an object
    type must name one of its fields (the documents' own type first: `{ id: ID, ts: Time, ttl: Time | Null,
    ...fields }`; FQL2DefinedFieldsSpec "typecheck index definitions"). A wildcard lets any field be."""
    from .collections import strict_path

    doc = _documents_type(definition, find)
    if doc is None:
        return []
    paths = [
        item["field"]
        for spec in (definition.get("indexes") or {}).values()
        for item in (spec.get("terms") or []) + (spec.get("values") or [])
    ]
    for constraint in definition.get("constraints") or []:
        paths.extend(item if isinstance(item, str) else item["field"] for item in constraint.get("unique") or [])
    errors = []
    for path in paths:
        found = _missing_field(doc, strict_path(path) or [])
        if found is not None:
            message, _, hint = found
            errors.append(message + ("" if hint is None else f"\nhint: Type `{hint}` inferred here"))
    return errors


def _drawn_path_errors(
    text: str, file: str, name: str, definition: dict, find: sig.Lookup, opaque: bool = False
) -> list[str]:
    """The index and unique constraint paths' errors (`_index_path_errors`), each drawn at the step the type
    does not have in the collection's FSL, with core's hint at the field type it was inferred from; none
    where a step or the type cannot be placed. `opaque`: the documents' type is shown by the collection's
    name (a field's type failed), and only a path's first step, not one of its fields, is checked."""
    from ...schema import parser
    from ...schema.errors import Diagnostic
    from ...schema.nodes import Block, Field, Paths

    doc = None if opaque else _documents_type(definition, find)
    node = next((n for n in parser.read(text) if n.kw.text == "collection" and n.name and n.name.text == name), None)
    if (doc is None and not opaque) or node is None or not isinstance(node.value, Block):
        return []
    members = node.value.items
    types = {m.name.text: m.value.type for m in members if isinstance(m.value, Field) and m.value.type is not None and m.name}
    lists = [p.value for m in members if m.kw.text == "index" and isinstance(m.value, Block) for p in m.value.items if isinstance(p.value, Paths)]
    lists += [m.value for m in members if m.kw.text == "unique" and isinstance(m.value, Paths)]
    out = []
    for term in (term for paths in lists for term in paths.terms):
        if opaque:
            # No type has the documents' fields: a path's first field is not found, whatever it is.
            if not term.path or not isinstance(term.path[0], str):
                continue
            found: t.Any = (f"Type `{name}` does not have field `{term.path[0]}`", 0, None)
        else:
            found = _missing_field(doc, list(term.path))
        if found is None:
            continue
        message, step, hint = found
        at = _step_span(text[term.start : term.end], term.path, step)
        if at is None:
            return []
        hints: tuple = ()
        if hint is not None:
            ftype = types.get(str(term.path[0]))
            where = -1 if ftype is None else text.find(hint, ftype.start, ftype.end)
            if where < 0:
                return []
            hints = (Diagnostic(f"Type `{hint}` inferred here", where, where + len(hint)),)
        out.append(Diagnostic(message, term.start + at[0], term.start + at[1], hints=hints).render(text, file))
    return out


def drawn_opaque(text: str, file: str, name: str) -> list[str]:
    """The errors of the collection `name` in the FSL `text` when core built no type for its documents:
    its bodies' (`_drawn_opaque_bodies`), then its index and unique constraint paths'."""
    return _drawn_opaque_bodies(text, file, name) + _drawn_path_errors(text, file, name, {}, lambda _: None, True)


def _drawn_opaque_bodies(text: str, file: str, name: str) -> list[str]:
    """With a field's type refused, core builds no type for the collection's documents (SchemaTypeValidator
    checkCollections: no shape once an error is found), so its computed fields' and check constraints'
    bodies, typed with the document as their parameter, find none of the fields they select on it:
    ``Type `Foo` does not have field `baz` `` at each (FQL2ComputedFieldsSpec "rejects signature with
    generics"), computed fields first, as core queues them."""
    from ...schema import parser
    from ...schema.errors import Diagnostic
    from ...schema.nodes import Block, Field
    from .indexed_fields import doc_selects

    node = next((n for n in parser.read(text) if n.kw.text == "collection" and n.name and n.name.text == name), None)
    if node is None or not isinstance(node.value, Block):
        return []
    members = node.value.items
    bodies = [m.value.value for m in members if isinstance(m.value, Field) and m.value.kind == "compute" and m.value.value is not None]
    bodies += [m.value for m in members if m.kw is not None and m.kw.text == "check" and m.value is not None]
    out = []
    for lit in bodies:
        for field, start, end in doc_selects(text[lit.start : lit.end]):
            message = f"Type `{name}` does not have field `{field}`"
            out.append(Diagnostic(message, lit.start + start, lit.start + end).render(text, file))
    return out


def _step_span(source: str, path: tuple, step: int) -> tuple[int, int] | None:
    """Where `path[step]` is written in a path's source (`.a.b`, `.a[0]`, `.["b c"]`): its name."""
    pos = 0
    for i, part in enumerate(path):
        if isinstance(part, int):
            found = source.find(f"[{part}]", pos)
            span = (found, found + len(f"[{part}]"))
        else:
            dotted, quoted = source.find("." + part, pos), -1
            for mark in ('"', "'"):
                at = source.find(f"[{mark}{part}{mark}]", pos)
                quoted = at if quoted < 0 or 0 <= at < quoted else quoted
            if dotted >= 0 and (quoted < 0 or dotted < quoted):
                found, span = dotted, (dotted + 1, dotted + 1 + len(part))
            else:
                found, span = quoted, (quoted + 1, quoted + 3 + len(part))
        if found < 0:
            return None
        if i == step:
            return span
        pos = span[1]
    return None


def _documents_type(definition: dict, find: sig.Lookup) -> t.Any:
    """The documents' type the typer checks index paths against, None where any path may be (no fields)."""
    defined = definition.get("fields") or {}
    if not defined and definition.get("wildcard") is None:
        return None
    own = [("id", st.FieldSchema(st.Scalar("ID"))), ("ts", st.FieldSchema(st.Scalar("Time")))]
    own.append(("ttl", st.FieldSchema(st.Union((st.Scalar("Time"), st.NULL)))))
    fields = [(n, st.FieldSchema(_schema_type(spec.get("signature"), find))) for n, spec in defined.items()]
    for n, spec in (definition.get("computed_fields") or {}).items():
        signature = spec.get("signature")
        computed = st.resolve(sig.parse(signature), find) if isinstance(signature, str) else st.ANY
        fields.append((n, st.FieldSchema(computed)))
    wildcard = definition.get("wildcard")
    return st.Struct((*own, *fields), st.resolve(sig.parse(wildcard), find) if isinstance(wildcard, str) else None)


def _missing_field(schema: t.Any, steps: list) -> tuple[str, int, str | None] | None:
    """The typer's error for the first step of `steps` that an object type along the way does not have:
    its message, the step, and the type shown where it came from a field's signature (core points there)."""
    root = schema
    for i, step in enumerate(steps):
        if isinstance(schema, st.Struct) and isinstance(step, str):
            found = schema.field(step)
            if found is None:
                shown = st.display(schema)
                return f"Type `{shown}` does not have field `{step}`", i, None if schema is root else shown
            schema = found.expected
        elif isinstance(schema, st.ArrayOf) and isinstance(step, int):
            schema = schema.inner
        else:
            # Unions, tuples, documents, Any: fql leaves them to the reads (core's typer goes further).
            return None
    return None


def _shape(definition: dict) -> tuple:
    """What documents must look like under a definition: each field's type and the wildcard (an implicit
    `Any` when there are no fields). A change to it needs migrations once documents exist."""
    fields = definition.get("fields") or {}
    types = tuple(sorted((n, _normal(s.get("signature") if isinstance(s, dict) else s)) for n, s in fields.items()))
    wildcard = definition.get("wildcard")
    return types, _normal(wildcard) if wildcard is not None else ("Any" if not fields else None)


def _normal(signature: t.Any) -> t.Any:
    """A signature as core displays it, so that spelling differences (`Int?`, `Int ?`) compare equal."""
    try:
        return sig.show(sig.parse(signature, schema=True))
    except (sig.SignatureError, TypeError):
        return signature


def _has_documents(ctx: Context, coll: t.Any) -> bool:
    if not isinstance(coll, str):
        return False
    return any(v.live_at(ctx.state.ts) for v in ctx.state.txn.scan(ctx.state.scope, coll))


def changed_indexing(before: dict, after: dict) -> bool:
    """Whether a definition change alters what its indexes hold (their definitions or computed fields)."""
    return any(before.get(k) != after.get(k) for k in ("indexes", "constraints", "computed_fields"))
