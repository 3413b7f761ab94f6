"""Schema documents: CreateCollection, CreateIndex, CreateFunction, databases (and MoveDatabase), and how they
are updated and deleted."""

from __future__ import annotations

import typing as t

from ..auth import access
from ..errors import (
    InstanceAlreadyExists,
    InvalidArgument,
    InvalidObjectInContainer,
    InvalidRef,
    MoveDatabaseError,
    NotImplementedInFql,
    SchemaValidationFailed,
    ValidationFailed,
)
from ..storage.base import DocKey, Version
from ..storage.meter import cascade
from ..values import Lambda, Ref, ir_type_name, native, type_name, valid_name_chars
from . import effects, indexes, rename, staged
from .casts import OBJECT, Cast
from .evaluator import Context
from .refs import HIDDEN, NOUNS, live, render, schema_key, scope_of
from .registry import builtin

#: Names Fauna reserves for schema documents (core's Parsing.ReservedNames: `_` alone; `events` and
#: `self` are refused only inside a ref's path string, by its RefParser).
RESERVED_NAMES = ("_",)
#: The characters of a name (core's Parsing.ValidNameChars: URL path segment characters, RFC 2396, less
#: `&=()',` and `:`), as core's message shows them.
VALID_NAME_CHARS = r"[;@+$\-_.!~%\w]+"
#: Fauna's default history retention for a new collection: core's `fauna.model.default-history_days`, 0
#: (its API CollectionSpec, "classes get the default retention policy if not specified"). Fauna v4's docs
#: said 30, which its cloud once used.
DEFAULT_HISTORY_DAYS = 0


def _failure(field: str, code: str, description: str) -> ValidationFailed:
    return ValidationFailed(
        "document data is not valid.", failures=[{"field": [field], "code": code, "description": description}]
    )


def check_data_map(fields: dict) -> None:
    """A v4 schema document's `data` is an object: every kind's VersionValidator starts with core's
    Document.DataValidator (a DataMapValidator: `Invalid type Long, expected type Map.`)."""
    data = fields.get("data")
    if data is not None and not isinstance(data, dict):
        raise _invalid_type("data", data, "Map")


def _name(params: dict) -> str:
    name = params.get("name")
    if name is None:
        raise _failure("name", "value required", "Required value not found.")
    if not isinstance(name, str):
        raise _failure("name", "invalid type", f"Invalid type {ir_type_name(name)}, expected type String.")
    if name in RESERVED_NAMES:
        reserved = ", ".join(RESERVED_NAMES)
        raise _failure("name", "reserved name", f"Invalid name {name}. Reserved names: {reserved}.")
    if not valid_name_chars(name):
        raise _failure(
            "name",
            "invalid characters",
            f"The name {name} uses invalid characters. Valid characters must match: {VALID_NAME_CHARS}",
        )
    return name


def _ordered(fields: dict, order: tuple[str, ...]) -> dict:
    """Fauna renders schema documents' known fields in a fixed order, then any others."""
    out = {k: fields[k] for k in order if k in fields and fields[k] is not None}
    out.update({k: v for k, v in fields.items() if k not in out and v is not None})
    return out


_COLLECTION_ORDER = ("history_days", "ttl_days", "name", "data", "permissions")
_FUNCTION_ORDER = ("name", "data", "body", "role")


def _collection_fields(params: dict) -> dict:
    fields = dict(params)
    fields["name"] = _name(params)
    fields.setdefault("history_days", DEFAULT_HISTORY_DAYS)
    return _ordered(fields, _COLLECTION_ORDER)


#: The keys of an index term or value that core keeps (its filter mask); any other is dropped.
_TERM_KEYS = ("binding", "field", "reverse", "mva", "transform")


def _term_configs(specs: t.Any, field: str) -> list | None:
    """Index terms or values (`field`) checked as core's TermFieldType reads each one, with the keys core
    keeps. A failure inside a term is at the term's own field (`["field"]`, not `["terms", 0, "field"]`),
    as core reads the term object on its own."""
    if specs is None:
        return None
    configs = []
    for spec in specs if isinstance(specs, list) else [specs]:
        if not isinstance(spec, dict):
            raise _failure(field, "invalid type", f"Invalid type {ir_type_name(spec)}, expected type Term.")
        _check_term_path(spec)
        for key, expected in (("reverse", bool), ("mva", bool), ("transform", str)):
            value = spec.get(key)
            if value is not None and type(value) is not expected:
                name = "Boolean" if expected is bool else "String"
                raise _failure(key, "invalid type", f"Invalid type {ir_type_name(value)}, expected type {name}.")
        transform = spec.get("transform")
        if transform is not None and transform != "casefold":
            raise _failure("transform", "invalid value", f"Invalid value `{transform}` at `transform`")
        configs.append({key: value for key, value in spec.items() if key in _TERM_KEYS})
    return configs


def term_list(specs: t.Any) -> list:
    """An index's stored terms or values as a list: a single term object is one term (FieldType.ZeroOrMoreT)."""
    if specs is None:
        return []
    return [specs] if isinstance(specs, dict) else specs


def _check_term_path(spec: dict) -> None:
    """A term names a `binding` (a string) or a `field` (a path): a good binding wins, then a good field,
    then the binding's type error, the field's, and last that neither is there."""
    binding, path = spec.get("binding"), spec.get("field")
    if isinstance(binding, str) or (path is not None and _is_path(path)):
        return
    if binding is not None:
        raise _failure("binding", "invalid type", f"Invalid type {ir_type_name(binding)}, expected type String.")
    if path is not None:
        wrong = next((p for p in path if not _is_step(p)), None) if isinstance(path, list) else path
        raise _failure("field", "invalid type", f"Invalid type {ir_type_name(wrong)}, expected type Long or String.")
    raise _failure("field", "value required", "Must provide one of the following: field, binding")


def _is_path(path: t.Any) -> bool:
    """A field path: a step, or an array of them."""
    return _is_step(path) or (isinstance(path, list) and all(map(_is_step, path)))


def _is_step(step: t.Any) -> bool:
    return isinstance(step, str) or (isinstance(step, int) and not isinstance(step, bool))


def _check_source(ctx: Context, source: t.Any) -> None:
    """Core's index SourceField (each source a collection ref, `_`, or an object naming them under `class`
    or `collection`) and SourceConfigValidator (no two sources over the same collections; `_` beside
    other sources only when every one binds fields)."""
    items = source if isinstance(source, list) else [source]
    if source is None or not items:
        raise _failure("source", "value required", "Required value not found.")
    seen: list[frozenset] = []
    wildcard = False
    for item in items:
        colls = _source_collections(item)
        if colls == indexes.WILDCARD:
            wildcard = True
            continue
        for each in colls:
            _check_source_collection(ctx, each)
        named = frozenset(colls)
        if named in seen:
            raise _failure("source", "multiple bindings", "A collection ref may only match one binding.")
        seen.append(named)
    if len(items) > 1 and wildcard and not any(isinstance(item, dict) and item.get("fields") for item in items):
        raise _failure(
            "source", "mixed wildcards", "Cannot mix collection refs and wildcards without providing bindings."
        )


def _invalid_type(field: str, value: t.Any, expected: str) -> ValidationFailed:
    return _failure(field, "invalid type", f"Invalid type {ir_type_name(value)}, expected type {expected}.")


def _is_collection_ref(value: t.Any) -> bool:
    return isinstance(value, Ref) and (value.kind == "collections" or value.is_native)


def _source_collections(item: t.Any) -> str | list:
    """The collections one source names (`_` for the wildcard), read as core's SourceFieldType: a source
    object's `class` is read first, its `collection` only when `class` fails, and when both fail the
    failure is `class`'s."""
    if not isinstance(item, dict):
        return _class_sources(item, "source")
    try:
        colls = _class_sources(item.get("class"), "class")
    except ValidationFailed as class_failure:
        try:
            colls = _class_sources(item.get("collection"), "collection")
        except ValidationFailed:
            raise class_failure from None
    bindings = item.get("fields")
    if bindings is not None:
        # core's Field[Option[List[(String, QueryV)]]]: an object of lambdas
        if not isinstance(bindings, dict):
            raise _invalid_type("fields", bindings, "Query Map")
        wrong = next((name for name, fn in bindings.items() if not isinstance(fn, Lambda)), None)
        if wrong is not None:
            raise _invalid_type(wrong, bindings[wrong], "Query")
    return colls


def _class_sources(value: t.Any, field: str) -> str | list:
    """`_`, or the collection refs a source names, as core's ClassFieldType decodes `value`: a source
    object's `class` may also be an array of collection refs (each a `Class Ref`); anything else is no
    `SourceClass`."""
    if value == indexes.WILDCARD:
        return indexes.WILDCARD
    if _is_collection_ref(value):
        return [value]
    if value is None:
        raise _failure(field, "value required", "Required value not found.")
    if isinstance(value, list) and value and field != "source":
        for each in value:
            if not _is_collection_ref(each):  # (a null among them too)
                raise _invalid_type(field, each, "Class Ref")
        return value
    raise _invalid_type(field, value, "SourceClass")


def _check_source_collection(ctx: Context, coll: Ref) -> None:
    if coll.is_native and coll.id == "databases":
        # Core refuses sources over the databases collection (its SourceFieldType decode).
        raise _failure("source", "invalid reference", "Cannot read reference.")
    if coll.kind == "collections":
        from .refs import check_collection

        check_collection(ctx, coll)


def _stored_source(source: t.Any) -> t.Any:
    """An index source as core keeps it: a source object names its collection `collection` (API 4
    reads core's `class` so) and keeps its `fields`, nothing else."""
    if isinstance(source, list):
        return [_stored_source(item) for item in source]
    if not isinstance(source, dict):
        return source
    coll = _source_collections(source)
    if isinstance(coll, list):
        # core keeps a set of collections, written back as one Ref when it holds one
        coll = list(dict.fromkeys(coll))
        coll = coll[0] if len(coll) == 1 else coll
    out = {"collection": coll}
    if "fields" in source:
        out["fields"] = source["fields"]
    return out


_IMPURE_BINDING = "Field binding must be a pure unary function."
_UNUSED_BINDING = "Source binding is not used as a term or value."


def _check_bindings(fields: dict) -> None:
    """Core's SourceBindingsValidator: a source's field bindings must be pure (they are computed as the
    index is written) and each must be used by a term or value."""
    specs = [spec for key in ("terms", "values") for spec in term_list(fields.get(key))]
    used = {spec.get("binding") for spec in specs if isinstance(spec, dict)}
    source = fields["source"]
    failures = []
    for i, item in enumerate(source if isinstance(source, list) else [source]):
        bound = item.get("fields") if isinstance(item, dict) else None
        for j, (name, fn) in enumerate((bound if isinstance(bound, dict) else {}).items()):
            path = ["source", str(i), "fields", str(j), name]
            if isinstance(fn, Lambda) and effects.effect(fn.body, fn.api_version) > effects.PURE:
                failures.append({"field": path, "code": "invalid binding", "description": _IMPURE_BINDING})
            if name not in used:
                failures.append({"field": path, "code": "unused binding", "description": _UNUSED_BINDING})
    if failures:
        raise ValidationFailed("document data is not valid.", failures=failures)


def _index_fields(ctx: Context, params: dict) -> dict:
    from .documents import collect_failures

    fields = dict(params)
    if "class" in fields and "source" not in fields:
        fields["source"] = fields.pop("class")

    def name() -> None:
        fields["name"] = _name(params)

    def terms(key: str) -> None:
        configs = _term_configs(fields.get(key), key)
        if configs is not None:
            # core stores what was given, masked to the term keys: one term object stays an object
            fields[key] = configs[0] if isinstance(fields[key], dict) else configs

    def partitions() -> None:
        # a given count is checked here; the default reads the terms once they hold
        if fields.get("partitions") is not None:
            _partitions(fields)

    def flag(key: str) -> None:
        # core's Index.ActiveField (read before partitions), UniqueField and SerialField (after them)
        if key in fields and not isinstance(fields[key], bool):
            raise _invalid_type(key, fields[key], "Boolean")

    # Index.VersionValidator's order, every failure reported: name, source, terms, values, active,
    # partitions, unique, serialized; the bindings (SourceBindingsValidator) are read once those hold
    collect_failures(
        name,
        lambda: _check_source(ctx, fields.get("source")),
        lambda: terms("terms"),
        lambda: terms("values"),
        lambda: flag("active"),
        partitions,
        lambda: flag("unique"),
        lambda: flag("serialized"),
    )
    fields["source"] = _stored_source(fields["source"])
    _check_bindings(fields)
    fields["partitions"] = _partitions(fields)
    # Core patches what is given over an index's defaults (Index.DefaultData: active, serialized), so the
    # given fields follow those in their order, and partitions, unless given, come last (PartitionsField's
    # validator adds them), as Fauna's tutorials print: `name, permissions, source, terms, unique`.
    serialized = fields.pop("serialized", True)
    fields.pop("active", None)
    out = {"active": True, "serialized": serialized, **fields}
    return {k: v for k, v in out.items() if v is not None}


#: The most partitions an index may have (core's Index.MaxIndexPartitions).
MAX_PARTITIONS = 8


def _partitions(fields: dict) -> int:
    """An index's `partitions` as core's DefaultPartitionPolicy stores it: as given, from 1 to 8; else 8
    for a collection index (no terms, or the one term `class`), else 1. A unique index is read as one
    partition whatever it stores (`effective_partitions`)."""
    given = fields.get("partitions")
    if given is not None:
        if type(given) is not int:
            raise _failure("partitions", "invalid type", f"Invalid type {ir_type_name(given)}, expected type Long.")
        if not 1 <= given <= MAX_PARTITIONS:
            raise _failure(
                "partitions", "bounds error", f"Value {given} is not in expected range 1 to {MAX_PARTITIONS}."
            )
        return given
    terms = term_list(fields.get("terms"))
    if not terms or (len(terms) == 1 and terms[0].get("binding") is None and terms[0].get("field") in ("class", ["class"])):
        return MAX_PARTITIONS
    return 1


def effective_partitions(fields: dict) -> int:
    """The partitions an index is read with: one for a unique index (core's Index.partitionsFromData)."""
    return 1 if fields.get("unique") else fields.get("partitions") or 1


def _function_fields(ctx: Context, params: dict) -> dict:
    """A function's fields in core's UserFunction.VersionValidator order: name, role (a key's Role type,
    then each role name must exist: Key.RoleNameValidator), then the body, which is required."""
    from .documents import collect_failures

    fields = dict(params)

    def name() -> None:
        fields["name"] = _name(params)

    def role() -> None:
        if not ctx.state.v10 and fields.get("role") is not None:
            from .auth import check_role

            check_role(ctx, fields["role"], names=False)

    def role_names() -> None:
        # UserFunction.LiveValidator's Key.RoleNameValidator runs after the version's validators.
        if not ctx.state.v10 and fields.get("role") is not None:
            from .auth import check_role_names

            check_role_names(ctx, fields["role"])

    def body() -> None:
        given = fields.get("body")
        if isinstance(given, str):
            # v4's BodyField reads any String (a v10 body's source) as valid; its write refuses it after
            if ctx.state.v10:
                _check_v10_body(given)
        elif given is None:
            raise _failure("body", "value required", "Required value not found.")
        elif not isinstance(given, Lambda):
            raise _failure("body", "invalid type", f"Invalid type {ir_type_name(given)}, expected type Query.")

    # every failure, in core's order (a v10 body's are its own and come alone)
    collect_failures(name, role, body, role_names)
    return _ordered(fields, _FUNCTION_ORDER)


def _check_v10_body(source: str) -> None:
    """A v10 function body is the source of one lambda expression (`x => x + 1`)."""
    from .. import ast
    from ..errors import ParseError
    from ..parse import parse

    try:
        program = parse(source, "v10")
    except ParseError as err:
        raise _failure("body", "invalid_body", f"Invalid function body: {err.description}") from None
    if len(program.body) != 1 or not isinstance(program.body[0], ast.Arrow):
        raise _failure("body", "invalid_body", "The body must be a lambda expression, such as `x => x + 1`.")


#: How each schema kind's fields are checked and completed.
_FIELDS: dict[str, t.Callable[[Context, dict], dict]] = {
    "collections": lambda ctx, p: _collection_fields(p),
    "indexes": _index_fields,
    "functions": _function_fields,
}


#: Creators for native kinds that are not plain named schema documents (tokens, keys, databases, ...),
#: registered by their family modules: fn(ctx, coll, params, *path) -> rendered document.
NATIVE_CREATORS: dict[str, t.Callable[..., dict]] = {}
#: Updaters and deleters for those kinds: fn(ctx, ref, key, version, params, replace) / fn(ctx, ref, key).
NATIVE_UPDATERS: dict[str, t.Callable[..., dict]] = {}
NATIVE_DELETERS: dict[str, t.Callable[..., None]] = {}
#: The updaters whose v10 writes are checked otherwise than v4's (the same signature), by kind.
NATIVE_V10_UPDATERS: dict[str, t.Callable[..., dict]] = {}


#: The top-level fields a v4 write keeps of each schema document: the union of its validators' filter
#: masks (core's Validator.patch keeps `select(data patch diff)`; Collection's, Index's, UserFunction's,
#: Database's, Role's and AccessProvider's VersionValidators), so any other given field is dropped, not
#: refused. fql also keeps `ttl`, and a collection's or index's legacy `permissions` (its public reads,
#: which this core no longer has), and the v10 fields a v4 write carries over. An index's `hidden` and a
#: function's `internal_sig` are internal fields, which a write never takes (IOConfig.writeableDiff: its
#: IndexIOConfig and UserFunctionIOConfig) and a read never shows.
V4_FIELDS: dict[str, frozenset[str]] = {
    "collections": frozenset(("data", "name", "history_days", "ttl_days", "ttl", "permissions")),
    "indexes": frozenset(
        ("data", "name", "source", "class", "terms", "values", "active", "partitions", "unique", "serialized",
         "ttl", "permissions")
    ),
    "functions": frozenset(("data", "name", "role", "body", "signature", "alias", "ttl")),
    "databases": frozenset(("data", "name", "account", "priority", "container", "typechecked", "protected", "ttl")),
    "roles": frozenset(("data", "name", "membership", "privileges", "ttl")),
    "access_providers": frozenset(("data", "name", "issuer", "jwks_uri", "roles", "ttl")),
}


def v4_fields(kind: str, params: t.Any) -> t.Any:
    """What a v4 write of a `kind` document keeps of `params`: only the fields its validators know."""
    known = V4_FIELDS.get(kind)
    if known is None or not isinstance(params, dict):
        return params
    return {k: v for k, v in params.items() if k in known}


#: The schema documents v10 shows as definitions, which a create predicate gets as documents by their name.
_V10_DEFINITIONS = frozenset(("collections", "functions", "roles", "access_providers", "databases"))


def create_native(
    ctx: Context, coll: Ref, params: dict, *path: str | int, doc_id: str | None = None, asked: bool = False
) -> dict:
    """Create a document in a native collection: `Create(Collections(), {name: "x"})`; a key may be created
    at a given `doc_id` (`Create(Ref(Keys(), "1"), ...)`). `asked`: the caller's permission was checked
    already (v10 asks before it checks the fields)."""
    from .documents import check_references, refuse_past_write, write

    kind = coll.id
    # Core's RefValidator (WriteFunctions.scala) reads the form's refs before the write, at its root:
    # an unresolved or scoped ref fails the write alone, before any field is validated, and it reads
    # them all, in fields the write then drops too (`CreateCollection({name, foo: <bad ref>})`).
    check_references(ctx, params)
    if not ctx.state.v10:
        params = v4_fields(kind, params)
    from .access import require

    if not asked:
        # A v10 predicate gets the new document (core's CreateInstance): a schema document's is named.
        name = params.get("name") if isinstance(params, dict) and kind in _V10_DEFINITIONS else None
        ref = Ref(name, native(kind)) if isinstance(name, str) and name else None
        require(ctx, "create", DocKey(scope_of(ctx, coll.database), "#" + kind, ""), (params, ref), *path)
    if kind in CONTAINER_REFUSES and not ctx.state.v10 and is_container(ctx, scope_of(ctx, coll.database)):
        raise InvalidObjectInContainer("Object is not allowed in a container").at(*path)
    # A v4 create (its form key given) of a schema document while a schema is staged: core refuses it in
    # its write, once the fields are valid (VersionedSchemaWriteConfig.write); here before the creators of
    # their own fields (databases, access providers), after the plain kinds' fields.
    refuse_staged = bool(path) and not ctx.state.v10
    if refuse_staged:
        # Inside At, before any field is validated (WriteAdaptor.write checks validTimeOverride first).
        refuse_past_write(ctx, *path)
    if doc_id is not None:
        # A v10 create (`asked`) took its id before the permission check, and looked whether it is taken.
        return NATIVE_CREATORS[kind](ctx, coll, params, *path, doc_id=doc_id, checked=asked)
    if kind in NATIVE_CREATORS:
        if refuse_staged:
            refuse_if_staged(ctx, kind, *path)
        return NATIVE_CREATORS[kind](ctx, coll, params, *path)
    if kind not in _FIELDS:
        raise NotImplementedInFql(f"Creating {NOUNS.get(kind, kind).lower()} documents is not implemented in fql yet.")
    try:
        fields = _create_fields(ctx, kind, params, v4=not ctx.state.v10)
    except ValidationFailed as err:
        raise err.at(*path)
    if kind == "functions" and not ctx.state.v10 and isinstance(fields.get("body"), str):
        # v4 cannot write a v10 body (its source text), however it creates the function; core's
        # UserFunctionWriteConfig.write checks it once the fields are valid (FQL2UserFunctionSpec).
        raise SchemaValidationFailed("Invalid type provided for field `body`.").at(*path)
    if refuse_staged:
        refuse_if_staged(ctx, kind, *path)
    if kind == "collections" and "history_days" in params and params["history_days"] is None:
        # Core writes its defaults patched by what was given, so a null `history_days` removes the
        # default: history kept for ever (WriteAdaptor's create with Collection.DefaultData).
        fields.pop("history_days", None)
    key = schema_key(ctx, kind, fields["name"], coll.database)
    staged.check_write(ctx, key)
    if live(ctx, key) is not None:
        raise InstanceAlreadyExists(f"{NOUNS[kind]} already exists.").at(*path)
    version = write(ctx, key, fields, *path)
    if kind == "indexes":
        indexes.backfill(ctx, indexes.definition(ctx, Ref(fields["name"], coll)), *path)
    ctx.state.created = True
    return render(ctx, version)


def _create_fields(ctx: Context, kind: str, params: dict, *, v4: bool, strip: bool = True) -> dict:
    """A schema document's fields, or every failure of them: v4 reports them all, in the order of the
    kind's validators (data, a collection's retention, then the kind's own fields; core's
    AggregateValidator, Collection.UserCollectionLiveValidator)."""
    from .documents import collect_failures, elide_nulls, without_nulls

    # A field given as null is not given (core writes an object's fields without its nulls); a v4
    # write drops nulls inside arrays as well before its validators read the fields, so `terms:
    # [null]` is `terms: []` (core's Validator.patch checks `data patch diff`; Data.patch). A v10 one
    # is stored without the nulls of its objects at any depth, arrays' kept (Schema.validateAndTransform
    # stores `data.elideNulls`; a null where a value is required fails as a missing one would).
    given = {k: v for k, v in params.items() if v is not None}
    if not v4:
        return _FIELDS[kind](ctx, elide_nulls(given))
    out: dict = {}

    def read() -> None:
        out.update(_FIELDS[kind](ctx, without_nulls(given) if strip else given))

    def references() -> None:
        if kind in _CHECKS_REFERENCES:
            missing = missing_references(ctx, out or given)
            if missing:
                raise ValidationFailed("document data is not valid.", failures=missing)

    retention = (lambda: check_retention(given)) if kind == "collections" else (lambda: None)
    patch = (lambda: _check_index_patch(ctx, given)) if kind == "indexes" else (lambda: None)
    collect_failures(patch, lambda: check_data_map(given), retention, read, references)
    return out


def _check_index_patch(ctx: Context, fields: dict) -> None:
    """The index validators that refuse the patch itself, whose failures come before any field's (core's
    Validator.patch reports a patch's failures, then the data's, each once): DefaultPartitionPolicy's
    bounds of a given partition count, then SourceConfigValidator's reading of the sources. A source
    naming no collection is the references' failure, in its own place."""
    from .documents import collect_failures

    given = fields.get("partitions")

    def source() -> None:
        try:
            _check_source(ctx, fields.get("source", fields.get("class")))
        except ValidationFailed as err:
            if not any(f["code"] == "invalid reference" for f in err.failures or []):
                raise

    collect_failures(lambda: type(given) is int and _partitions({"partitions": given}), source)


#: The kinds whose LiveValidator ends with core's ReferencesValidator (util/SharedValidators.scala); a
#: database's, a key's and an access provider's check it too (`_check_database`, auth.py, providers.py).
_CHECKS_REFERENCES = frozenset(("collections", "functions", "roles", "indexes"))


def missing_references(ctx: Context, value: t.Any) -> list[dict]:
    """Core's ReferencesValidator: every ref to a user document that does not exist is `Reference was not
    found.` at its path (ReferenceMissing); refs into native collections are not read."""
    from .documents import refs_in
    from .refs import doc_key

    missing = []
    for field, ref in refs_in(value):
        if ref.collection is None or ref.kind is not None:
            continue
        try:
            key = doc_key(ctx, ref)
        except InvalidRef:
            continue
        if live(ctx, key) is None:
            missing.append({"field": field, "code": "invalid reference", "description": "Reference was not found."})
    return missing


#: What a container database may not hold (core's IOConfig `allowedInContainer`, false for these; its
#: databases, keys, roles and access providers are allowed).
CONTAINER_REFUSES = frozenset(("collections", "indexes", "functions"))


def is_container(ctx: Context, scope: str) -> bool:
    """Whether the database `scope` is a container (its `container` field is true; the top is not)."""
    own = next(access.lineage(ctx.state.txn, scope), {}) if scope else {}
    return own.get("container") is True


def _check_container(ctx: Context, old: dict, fields: dict) -> None:
    """Core's ContainerStateValidator: a database becomes a container only while it holds no collection,
    index or user function (a container stays one, and anything may stop being one)."""
    if fields.get("container") is not True or old.get("container") is True:
        return
    txn = ctx.state.txn
    for kind in CONTAINER_REFUSES:
        if any(v.data is not None for v in txn.scan(old["global_id"], "#" + kind)):
            raise ValidationFailed(
                "document data is not valid.",
                failures=[
                    {
                        "field": [],
                        "code": "container candidate contains data",
                        "description": "cannot make database a container while it contains collections, "
                        "indexes, or user functions",
                    }
                ],
            )


#: The schema documents v4 may not write while a schema is staged: those of core's
#: VersionedSchemaWriteConfig, whose `write` checks it (indexes and databases too, WriteAdaptor.scala).
_VERSIONED = frozenset(("collections", "functions", "roles", "access_providers", "indexes", "databases"))


def refuse_if_staged(ctx: Context, kind: str | None, *path: str | int, deleting: bool = False) -> None:
    """Core refuses a v4 write of a collection, index, function, role, access provider or database while
    the database has a staged schema (its FSL push waits to be committed); a database may still be
    deleted (DatabaseWriteConfig.delete skips the check). A create is refused at its form's key, an
    update or a delete at the call (the position core's write gets)."""
    if deleting and kind == "databases":
        return
    if kind in _VERSIONED and staged.is_staged(ctx, ctx.state.scope):
        raise SchemaValidationFailed("Cannot update schema from FQL v4 if schema has been staged.").at(*path)


#: What a v4 Delete in a protected database refuses (core's ProtectedModeFailure, as its collection and
#: index write configs word it in v4).
_PROTECTED_DELETES = {"collections": "Cannot delete collection", "indexes": "Cannot cause deletion of backing index"}


def refuse_if_protected(ctx: Context, kind: str, key: DocKey) -> None:
    """A v4 Delete of a collection or an index in a database marked `protected` is a schema validation
    error at the Delete call itself, not its `delete` argument (core's collection and index write adaptors
    raise it at the position their delete is given, the call's)."""
    if kind in _PROTECTED_DELETES and key.scope == ctx.state.scope:
        from .v10.documents import PROTECTED, is_protected

        if is_protected(ctx):
            raise SchemaValidationFailed(f"{_PROTECTED_DELETES[kind]}: {PROTECTED}")


def check_retention(fields: dict, *path: str | int) -> None:
    """A v4 write of a collection's `history_days` and `ttl_days` as core's Collection.RetainValidator
    takes it: both are Longs, and history_days is not negative (v10 words its own failures)."""
    failures = []
    for key in ("history_days", "ttl_days"):
        value = fields.get(key)
        if value is not None and type(value) is not int:
            failures.append(
                {"field": [key], "code": "invalid type", "description": f"Invalid type {ir_type_name(value)}, expected type Long."}
            )
    days = fields.get("history_days")
    if type(days) is int and days < 0:
        failures.append({"field": ["history_days"], "code": "non-negative value required", "description": "Value must be non-negative."})
    if failures:
        raise ValidationFailed("document data is not valid.", failures=failures).at(*path)


@builtin("CreateCollection", keys=("create_collection",), types=(OBJECT,))
def create_collection(ctx: Context, params: dict) -> dict:
    """Create a collection: `{name, data?, history_days?, ttl_days?, permissions?}`."""
    return create_native(ctx, native("collections"), params, "create_collection")


@builtin("CreateClass", keys=("create_class",), types=(OBJECT,))
def create_class(ctx: Context, params: dict) -> dict:
    """CreateCollection by its old name: core still parses `{"create_class": ...}` as a form of its own,
    whose errors are at `create_class`."""
    return create_native(ctx, native("collections"), params, "create_class")


@builtin("CreateIndex", keys=("create_index",), types=(OBJECT,))
def create_index(ctx: Context, params: dict) -> dict:
    """Create an index: `{name, source, terms?, values?, unique?, serialized?, data?, permissions?}`."""
    return create_native(ctx, native("indexes"), params, "create_index")


def v4_function_params(old: dict, params: t.Any) -> t.Any:
    """The fields a v4 Update or Replace writes to a function: never its `internal_sig`, and its v10 `alias`
    kept as it is (core's FQLXFieldRetainingWriteConfig); `update_native` takes a new body only as a v4
    lambda."""
    if not isinstance(params, dict):
        return params
    params = {k: v for k, v in params.items() if k != "internal_sig"}
    if "alias" in old:
        params["alias"] = old["alias"]
    return params


@builtin("CreateFunction", keys=("create_function",), types=(OBJECT,))
def create_function(ctx: Context, params: dict) -> dict:
    """Create a user-defined function: `{name, body: Query(Lambda(...)), data?, role?}`."""
    return create_native(ctx, native("functions"), params, "create_function")


#: A definition's v10 fields, which a v4 Update or Replace keeps whatever it gives (core's
#: FQLXFieldRetainingWriteConfig; FQL2CollectionSpec "updates can't modify fqlx fields").
_V10_FIELDS = {
    "collections": ("computed_fields", "fields", "migrations", "indexes", "constraints", "alias"),
    "functions": ("alias",),
}


def update_native(
    ctx: Context, ref: Ref, key: DocKey, version: Version, params: dict, *, replace: bool, v4: bool = True
) -> dict:
    """Update or replace a schema document's fields (its name cannot change yet); `v4` keeps its v10 fields."""
    from .documents import merge, refuse_past_write, without_nulls, write

    kind = ref.kind
    if v4:
        # Inside At, before any field is validated (WriteAdaptor.write checks validTimeOverride first).
        refuse_past_write(ctx)
        params = v4_fields(kind, params)
    if not v4 and kind in NATIVE_V10_UPDATERS:
        return NATIVE_V10_UPDATERS[kind](ctx, ref, key, version, params, replace)
    if kind in NATIVE_UPDATERS:
        if v4:
            refuse_if_staged(ctx, kind)
        return NATIVE_UPDATERS[kind](ctx, ref, key, version, params, replace)
    if kind not in _FIELDS:
        raise NotImplementedInFql(f"Updating {NOUNS.get(kind, kind).lower()} documents is not implemented in fql yet.")
    old = dict(version.data or {})
    if replace and v4:
        # What a v4 Replace gives is written without the nulls inside it, arrays' too (core's Data.patch),
        # while a field given as null still removes it; an Update's merge does the same for what it gives.
        params = {k: without_nulls(v) for k, v in params.items()}
    fields = {"name": old["name"], **params} if replace else merge(old, params, v4)
    if v4 and kind == "collections" and replace and "history_days" in old:
        # Core's v4 Replace of a collection keeps its `history_days` unless it is given (its
        # prevForReplace): a null one removes it.
        fields = {"history_days": old["history_days"], **fields}
    if v4:
        fields.update({k: old[k] for k in _V10_FIELDS.get(kind, ()) if k in old})
        if kind == "collections":
            # Core's internal list of a collection's indexes, kept as well; fql holds none to keep.
            fields.pop("backingIndexes", None)
    if kind == "indexes" and replace and "unique" in old:
        # Core's Replace of an index keeps its name and `unique` (IndexWriteConfig.prevForReplace).
        fields = {"unique": old["unique"], **fields}
    fields = {k: v for k, v in fields.items() if v is not None}
    removed_days = kind == "collections" and "history_days" not in fields
    if v4 and kind == "indexes" and replace:
        _refuse_index_replace(ctx, fields)
    fields = _create_fields(ctx, kind, fields, v4=v4, strip=False)
    if v4 and kind == "functions" and isinstance(fields.get("body"), str) and fields["body"] != old.get("body"):
        # v4 cannot write a v10 body (its source text), a new one checked once the fields are valid
        # (UserFunctionWriteConfig.write, WriteAdaptor.scala).
        raise SchemaValidationFailed("Invalid type provided for field `body`.")
    if v4:
        # While a schema is staged, refused once the fields are valid (VersionedSchemaWriteConfig.write).
        refuse_if_staged(ctx, kind)
    if removed_days:
        # An update to null removes history_days (core's FQL2CollectionDefaultHistoryDaysChangeSpec), v4's
        # as v10's: the default is core's only when a collection is created.
        fields.pop("history_days", None)
    if kind == "indexes":
        if "partitions" in old and "partitions" not in params:
            fields["partitions"] = old["partitions"]
        _same_shape(old, fields)
    if v4 and kind == "collections" and key.scope == ctx.state.scope:
        from .v10.documents import is_protected, protected_field_failures

        failures = protected_field_failures(old, fields) if is_protected(ctx) else []
        if failures:
            # v4 words protected mode as core's CollectionWriteConfig does: a schema validation error
            # for each refusal, all in one answer.
            first = SchemaValidationFailed(failures[0])
            first.siblings.extend(SchemaValidationFailed(failure) for failure in failures[1:])
            raise first
    if fields["name"] == old["name"]:
        version = write(ctx, key, fields)
    else:
        # A new name renames the document, and what refers to it follows (fql/eval/rename.py).
        rename.check_free(ctx, key, fields["name"])
        key = rename.rename(ctx, kind, key, fields["name"], names=not v4)
        version = write(ctx, key, fields)
        if kind == "collections":
            rename.check_signatures(ctx, key.scope, key.id)
    if kind == "collections" and key.scope == ctx.state.scope:
        # Whichever syntax writes it, a collection's v10 schema is checked, and its migrations run
        # (v10 schema lives in the caller's own database; a child's collection written from its parent
        # is written as v4 has it).
        from .v10.documents import redefined

        redefined(ctx, Ref(key.id, ref.collection), old)
    return render(ctx, version)


def _refuse_index_replace(ctx: Context, fields: dict) -> None:
    """Core refuses every v4 Replace of an index: its ActiveValidator reads `active` from what Replace keeps
    of the index (IndexWriteConfig.prevForReplace: the name and `unique`), which never holds it, so `active`
    is a required value not found, whatever is given; the other fields' failures follow it (a validator's
    patch failures come before its data failures)."""
    required = {"field": ["active"], "code": "value required", "description": "Required value not found."}
    try:
        _check_index_patch(ctx, fields)
        patch = []
    except ValidationFailed as err:
        patch = list(err.failures or [])
    try:
        _create_fields(ctx, "indexes", fields, v4=True, strip=False)
        rest = []
    except ValidationFailed as err:
        rest = list(err.failures or [])
    failures = [*patch, required, *(f for f in rest if f not in patch and f != required)]
    raise ValidationFailed("document data is not valid.", failures=failures)


def _same_shape(old: dict, new: dict) -> None:
    """An index's source, terms, values and partition count cannot change once it exists (core's
    IndexShapeChange; so neither can a partitioned index's `unique`, which reads it as one partition): a
    `validation failed` naming what would change. Core shows the change as its internal Diff; fql names
    the fields instead."""
    before, after = effective_partitions(old), effective_partitions(new)
    if before != after:
        raise _shape_change(f"Index partition count may not be updated ({before} -> {after}).")
    changed = [k for k in ("source", "terms", "values") if old.get(k) != new.get(k)]
    if changed:
        raise _shape_change(f"Index sources, terms, and values may not be updated ({', '.join(changed)})")


def _shape_change(description: str) -> ValidationFailed:
    return ValidationFailed(
        "document data is not valid.", failures=[{"field": [], "code": "invalid index", "description": description}]
    )


def delete_native(ctx: Context, ref: Ref, key: DocKey, v4: bool = True) -> None:
    """Deleting a collection deletes its documents and the indexes that read only it, and marks the time:
    a collection made later under the name is another one (see `drops_key`)."""
    from .documents import drops_key, write

    kind = ref.kind
    if kind == "databases" and not v4:
        delete_sibling_keys(ctx, key)
    if kind in NATIVE_DELETERS:
        NATIVE_DELETERS[kind](ctx, ref, key)
    elif kind == "collections":
        for index in indexes.for_collection(ctx, key.scope, ref.id):
            if index.sources == (ref.id,):
                indexes.drop(ctx, index.key)
                write(ctx, schema_key(ctx, "indexes", index.key.name), None)
        # Its documents go with it: no write of the query's own (documents._one_of_document_or_collection).
        ctx.state.deleted_definitions.add((key.scope, ref.id))
        with cascade(ctx.state.txn):
            for version in list(ctx.state.txn.scan(key.scope, ref.id)):
                if version.data is not None:
                    write(ctx, version.key, None)
        ctx.state.txn.put(Version(drops_key(key.scope, ref.id), ctx.state.ts, {}, None))
    elif kind == "indexes":
        indexes.drop(ctx, indexes.definition(ctx, ref).key)
    elif kind not in _FIELDS:
        raise NotImplementedInFql(f"Deleting {NOUNS.get(kind, kind).lower()} documents is not implemented in fql yet.")


def schema_ref(ctx: Context, kind: str, name: str) -> Ref:
    return Ref(name, native(kind))


def function_doc(ctx: Context, fn: Ref) -> dict:
    """The stored fields of the user-defined function `fn` (`body`, `role`, ...)."""
    if fn.kind != "functions":
        raise InvalidArgument(f"User Function Ref expected, {type_name(fn)} provided.").at("call")
    key = schema_key(ctx, "functions", fn.id, fn.collection.database)
    version = live(ctx, key)
    if version is None:
        raise InvalidRef(f"Ref refers to undefined function '{fn.id}'").at("call")
    return version.data


_DATABASE_ORDER = ("name", "data", "priority", "ttl", "api_version", "global_id")
#: A database's fields that only fql writes (core's DatabaseWriteIOConfig internal fields): a query's
#: values for them are dropped, on create and on update alike, and Replace keeps the stored ones.
DATABASE_INTERNAL = ("scope", "global_id", "active_schema_version", "native_schema_version", "mvt_pins", "mvt_pin_ts")
#: The fields a database document keeps but never shows (core's DatabaseReadIOConfig): not rendered, so
#: Contains does not find them and Select does not reach them.
DATABASE_HIDDEN = frozenset(
    ("scope", "account", "disabled", "active_schema_version", "native_schema_version", "mvt_pins", "mvt_pin_ts")
)


#: The other fields v10's Database schema marks internal (NativeCollection.Database), which a v10 replace
#: keeps as the internal ones above.
_V10_DATABASE_INTERNAL = ("container", "disabled", "region_group", "api_version")


def _writable(params: dict, create: bool) -> dict:
    """A database's fields as a query may write them: without the internal ones, and without `account.id`
    once the database exists (core's final field: set on create only)."""
    fields = {k: v for k, v in params.items() if k not in DATABASE_INTERNAL}
    account = fields.get("account")
    if not create and isinstance(account, dict) and "id" in account:
        fields["account"] = {k: v for k, v in account.items() if k != "id"}
    return fields


def _database_types(fields: dict) -> None:
    """Core's Database.VersionValidator field types: `data` and `account` are objects (Maps),
    `container`, `typechecked` and `protected` booleans, `priority` a whole number from 1 to 500, and
    `account.id` a whole number."""
    # In core's order (data, account, its id, priority, then the flags); a null is a field not given.
    fields = {k: v for k, v in fields.items() if v is not None}
    wrong: list[tuple[list[str], t.Any, str]] = []
    if "data" in fields and not isinstance(fields["data"], dict):
        wrong.append((["data"], fields["data"], "Map"))
    account = fields.get("account")
    if "account" in fields and not isinstance(account, dict):
        wrong.append((["account"], account, "Map"))
    elif isinstance(account, dict) and account.get("id") is not None and not _is_int(account["id"]):
        wrong.append((["account", "id"], account["id"], "Account"))
    priority = fields.get("priority")
    if "priority" in fields and not (_is_int(priority) and 1 <= priority <= 500):
        wrong.append((["priority"], priority, "Priority"))
    for name in ("container", "typechecked", "protected"):
        if name in fields and not isinstance(fields[name], bool):
            wrong.append(([name], fields[name], "Boolean"))
    failures = [
        {"field": path, "code": "invalid type", "description": f"Invalid type {ir_type_name(value)}, expected type {expected}."}
        for path, value, expected in wrong
    ]
    try:
        # the name is read after data and before the rest, all failures reported together
        _name(fields)
    except ValidationFailed as err:
        failures[int(bool(wrong) and wrong[0][0] == ["data"]):0] = err.failures
    if failures:
        raise ValidationFailed("document data is not valid.", failures=failures)


def _check_database(ctx: Context, fields: dict, old: dict | None = None) -> None:
    """A v4 write of a database as core's Database.LiveValidator checks it: its fields' types (the
    VersionValidator), every ref to a user document that is not there (ReferencesValidator), then, for
    one that exists (`old`), whether it may become a container (ContainerStateValidator), all failures
    reported together."""
    failures: list[dict] = []
    try:
        _database_types(fields)
    except ValidationFailed as err:
        failures = list(err.failures)
    failures += missing_references(ctx, fields)
    if old is not None and type(fields.get("container")) is bool:
        try:
            _check_container(ctx, old, fields)
        except ValidationFailed as err:
            failures += err.failures
    if failures:
        raise ValidationFailed("document data is not valid.", failures=failures)


def _is_int(value: t.Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _account_id(data: dict) -> t.Any:
    account = data.get("account")
    return account.get("id") if isinstance(account, dict) else None


def _check_account(ctx: Context, params: dict, *path: str | int) -> dict:
    """A new database's `account`: dropped when the caller's database already has one, its own or one
    above it (an account's databases all belong to it); else, in v4, its id must be no other live
    database's (core's unique account index: `Database already exists.`)."""
    txn = ctx.state.txn
    if any(isinstance(_account_id(data), int) and _account_id(data) for data in access.lineage(txn, ctx.state.scope)):
        return {k: v for k, v in params.items() if k != "account"}
    wanted = _account_id(params)
    if wanted is None or ctx.state.v10:
        return params
    for entry in txn.scan("", access.SCOPES):
        if entry.data is None:
            continue
        found = txn.get(DocKey(entry.data["parent"], "#databases", entry.data["name"]))
        if found is not None and found.data is not None and _account_id(found.data) == wanted:
            raise InstanceAlreadyExists("Database already exists.").at(*path)
    return params


#: z-base-32's alphabet, in which core writes a database's global id (ZBase32.EncodeTable).
_ZBASE32 = "ybndrfg8ejkmcpqxot1uwisza345h769"


def encode_global_id(n: int) -> str:
    """A database's global id as core writes one (Database.encodeGlobalID): the 64 bits of its number,
    padded with a zero bit to 65, as 13 z-base-32 digits, most significant first (1 is `yyyyyyyyyyyyn`)."""
    bits = (n & (1 << 64) - 1) << 1
    return "".join(_ZBASE32[bits >> shift & 31] for shift in range(60, -1, -5))


def create_database(ctx: Context, coll: Ref, params: dict, *path: str | int) -> dict:
    """A child database: a schema document here, and a new scope registered at the top."""
    from .documents import write

    try:
        if not ctx.state.v10:
            params = _writable(params, create=True)
            _check_database(ctx, params)
        name = _name(params)
    except ValidationFailed as err:
        raise err.at(*path)
    key = schema_key(ctx, "databases", name, coll.database)
    if live(ctx, key) is not None:
        raise InstanceAlreadyExists("Database already exists.").at(*path)
    params = _check_account(ctx, params, *path)
    scope = encode_global_id(ctx.state.txn.next_id())
    fields = _ordered({**params, "name": name, "global_id": scope}, _DATABASE_ORDER)
    version = write(ctx, key, fields, *path)
    write(ctx, DocKey("", access.SCOPES, scope), {"parent": key.scope, "name": name})
    ctx.state.created = True
    return render(ctx, version)


def update_database(ctx: Context, ref: Ref, key: DocKey, version: Version, params: dict, replace: bool) -> dict:
    from .documents import merge, write

    old = dict(version.data or {})
    if not ctx.state.v10:
        params = _writable(params, create=False)
    if replace and not ctx.state.v10:
        # Replace keeps the name (unless given) and what no query writes: the internal fields, `account.id`.
        kept = {k: old[k] for k in DATABASE_INTERNAL if k in old}
        fields = {"name": old["name"], **params, **kept}
        if _account_id(old) is not None:
            account = fields.get("account")
            fields["account"] = {**(account if isinstance(account, dict) else {}), "id": _account_id(old)}
    elif replace:
        # A v10 replace writes what it gives, and keeps only the fields v10's Database schema holds
        # internal (Schema.validateReplaceWithTransform's copyInternalFieldMap): `data`, `priority`,
        # `typechecked`, `protected` and `account` go unless given.
        kept = {k: old[k] for k in (*DATABASE_INTERNAL, *_V10_DATABASE_INTERNAL) if k in old}
        fields = {**params, **kept}
    else:
        fields = merge(old, params)
    if not ctx.state.v10:
        _check_database(ctx, fields, old)
    name = _name(fields)
    fields.update(name=name, global_id=old["global_id"])
    if name != old["name"]:
        # The scope keeps its id; the database's document and the refs to it take the new name.
        rename.check_free(ctx, key, name)
        key = rename.rename_database(ctx, key, name)
    return render(ctx, write(ctx, key, _ordered(fields, _DATABASE_ORDER)))


def delete_database(ctx: Context, ref: Ref, key: DocKey) -> None:
    """Deleting a database makes its scope, and every key, token and document in it, unreachable."""
    from .documents import write

    version = live(ctx, key)
    write(ctx, DocKey("", access.SCOPES, version.data["global_id"]), None)


def delete_sibling_keys(ctx: Context, key: DocKey) -> None:
    """A v10 delete of a database deletes its sibling keys, those of the parent that grant access to it
    (core's DatabaseSchemaHooks, FQL2DatabaseSpec "deletes cascade to sibling keys"). v4's Delete leaves
    them (core deletes a database with an internal write, which that hook skips): they no longer work,
    since their database is gone, until a Replace points them at a database again."""
    from .documents import write

    for each in list(ctx.state.txn.scan(key.scope, "#keys")):
        database = (each.data or {}).get("database")
        if isinstance(database, Ref) and database.id == key.id and database.collection.database is None:
            write(ctx, each.key, None)


#: A collection's fields v4 never shows (core's CollectionIOConfig read mask; of those, fql stores only
#: `migrations`, which v10 shows).
HIDDEN["#collections"] = frozenset(("migrations",))
NATIVE_CREATORS["databases"] = create_database
NATIVE_UPDATERS["databases"] = update_database
NATIVE_DELETERS["databases"] = delete_database
HIDDEN["#databases"] = DATABASE_HIDDEN


@builtin("CreateDatabase", keys=("create_database",), types=(OBJECT,))
def create_database_(ctx: Context, params: dict) -> dict:
    """Create a child database: `{name, data?, priority?, ttl?}`."""
    return create_native(ctx, native("databases"), params, "create_database")


def child_scope(ctx: Context, database: Ref) -> str:
    """The scope of the database `database` names, relative to the caller's database."""
    parent = database.collection.database if database.collection is not None else None
    scope = child_scope(ctx, parent) if parent is not None else ctx.state.scope
    found = access.child(ctx.state.txn, scope, database.id)
    if found is None:
        raise InvalidRef(f"Ref refers to undefined database '{database.id}'")
    return found


def scope_database_ref(ctx: Context, scope: str) -> Ref | None:
    """The ref of the database whose scope is `scope`, as seen from the caller's database."""
    if scope == ctx.state.scope:
        return None
    entry = ctx.state.txn.get(DocKey("", access.SCOPES, scope))
    if entry is None or entry.data is None:
        raise InvalidRef("Ref refers to undefined database")
    return Ref(entry.data["name"], native("databases", scope_database_ref(ctx, entry.data["parent"])))



#: A ref to a database (MoveDatabase's arguments).
DATABASE_REF = Cast("Database Ref", lambda v: isinstance(v, Ref) and v.kind == "databases")


def _resolved(ctx: Context, database: Ref, *path: str | int) -> str:
    try:
        return child_scope(ctx, database)
    except InvalidRef as err:
        raise err.at(*path)


@builtin("MoveDatabase", keys=("move_database", "to"), types=(DATABASE_REF,))
def move_database(ctx: Context, source: Ref, to: Ref) -> dict:
    """Move the database `source`, with everything in it, under the database `to` (core Database.moveDatabase).

    The database keeps its scope, so its documents, schema, tokens and children stay where they are; its
    document moves to `to`, and so do the keys kept beside it that grant access to it.
    """
    from .access import require
    from .documents import write

    txn = ctx.state.txn
    # Core casts `move_database` (an unresolved ref included) before `to`, the first refusal the answer.
    src = _resolved(ctx, source, "move_database")
    DATABASE_REF(to, "to")
    dst = _resolved(ctx, to, "to")
    if access.is_within(txn, src, dst):
        reason = "Cannot move database from ancestor to descendant."
        raise MoveDatabaseError(f"Cannot move database '{source.id}' into parent '{to.id}': {reason}")
    # Core asks for permission to delete a database of the source's name in the caller's own database.
    require(ctx, "delete", DocKey(ctx.state.scope, "#databases", source.id), (source,))
    entry = txn.get(DocKey("", access.SCOPES, src)).data
    old = DocKey(entry["parent"], "#databases", entry["name"])
    new = DocKey(dst, "#databases", entry["name"])
    if live(ctx, new) is not None:
        raise InstanceAlreadyExists("Database already exists.")
    _move_keys(ctx, entry["parent"], entry["name"], dst)
    moved = write(ctx, new, dict(live(ctx, old).data))
    write(ctx, old, None)
    write(ctx, DocKey("", access.SCOPES, src), {"parent": dst, "name": entry["name"]})
    return render(ctx, moved)


def _move_keys(ctx: Context, parent: str, name: str, dst: str) -> None:
    """Move the keys for the database `name` of `parent` (or for a database inside it) to `dst`.

    Core keeps such keys only in the database's parent and moves them to the new parent. fql lets a key
    name a deeper database (`Database("c", Database("b"))`): such keys in the ancestors up to the caller's
    database move too, and those above it stay where they are, their ref taking the new way down. A key's
    secret names the scope it was made in, so a moved key leaves its new scope behind
    (auth.access.MOVED_KEYS) for authentication to follow.
    """
    from .documents import write

    txn = ctx.state.txn
    below, scope, moving = [name], parent, True
    while True:
        for version in list(txn.scan(scope, "#keys")):
            names = _path(version.data.get("database")) if version.live_at(ctx.state.ts) else []
            if names[: len(below)] != below:
                continue
            rest = names[len(below) - 1 :]
            if moving:
                write(ctx, DocKey(dst, "#keys", version.key.id), {**version.data, "database": _database_ref(rest)})
                write(ctx, version.key, None)
                write(ctx, DocKey("", access.MOVED_KEYS, version.key.id), {"scope": dst})
            else:
                way = _names_down(txn, scope, dst) + rest
                write(ctx, version.key, {**version.data, "database": _database_ref(way)})
        if not scope:
            return
        moving = moving and scope != ctx.state.scope
        entry = txn.get(DocKey("", access.SCOPES, scope)).data
        below.insert(0, entry["name"])
        scope = entry["parent"]


def _names_down(txn: t.Any, ancestor: str, scope: str) -> list[str]:
    """The names of the databases from `ancestor` down to `scope` (its descendant), `scope`'s last."""
    names: list[str] = []
    while scope != ancestor:
        entry = txn.get(DocKey("", access.SCOPES, scope)).data
        names.insert(0, entry["name"])
        scope = entry["parent"]
    return names


def _path(database: t.Any) -> list[str]:
    """The names of the databases a (nested) database ref passes through, outermost first."""
    names: list[str] = []
    while isinstance(database, Ref):
        names.insert(0, database.id)
        database = database.collection.database if database.collection is not None else None
    return names


def _database_ref(names: list[str]) -> Ref:
    ref = None
    for name in names:
        ref = Ref(name, native("databases", ref))
    return ref
