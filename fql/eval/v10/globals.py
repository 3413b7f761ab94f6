"""The v10 global namespace: modules (`Math`, `Token`), global functions (`abort`), collections and UDFs."""

from __future__ import annotations

import typing as t

from attrs import field, frozen

from ...errors import CallError, FQLError, QueryCheckError, QueryRuntimeError, TooMuchCompute, TransactionAborted
from ...storage.base import DocKey
from ...values import Action, Lambda, Module, Ref, collection_ref, native
from .. import aliases
from ..evaluator import Context, current_source
from ..registry import V10_FIELDS, V10_METHODS, V10_STATICS, Method
from ..refs import live, live_at
from .stdlib_types import FLAGGED

MISSING = object()

#: Built-in modules by name (the native collections among them stand for their collection).
MODULES = {
    name: Module(name)
    for name in (
        "Math", "Time", "Date", "String", "Array", "Object", "Set", "ID", "Bytes", "Query", "Boolean", "Number",
        "Int", "Long", "Double", "Float", "Null", "Doc", "TransactionTime", "UUID", "EventSource", "FQL", "Struct",
        "SetCursor",
    )
}
for _name, _native in (
    ("Collection", "collections"),
    ("Function", "functions"),
    ("Role", "roles"),
    ("AccessProvider", "access_providers"),
    ("Database", "databases"),
    ("Key", "keys"),
    ("Credential", "credentials"),
    ("Token", "tokens"),
):
    MODULES[_name] = Module(_name, native(_native))
#: Core's older name for Credential (GlobalResolvers): the same module.
MODULES["Credentials"] = MODULES["Credential"]
#: Modules reached only through the `FQL` namespace (core's GlobalResolvers.futureSingletons): `FQL.Schema`.
FQL_ONLY_MODULES = {"Schema": Module("Schema")}
#: Owner name of the global functions (`abort`, `dbg`, `log`, `newId`, `asc`, `desc`) in the static table.
GLOBAL = "FQL"
#: Owner name of every user collection's static methods (`all`, `byId`, `where`, `create`, ...).
USER_COLLECTION = "UserCollection"


@frozen
class StaticFunction:
    """A module's function as a value (`People.all`, `abort`): callable later."""

    owner: t.Any
    method: Method

    def __repr__(self) -> str:
        return f"[function {self.method.name}()]"


@frozen
class UserFunction:
    """A user-defined function (UDF) reached by name."""

    name: str
    scope: str
    #: The alias it was reached by, if not its name: core's UserFunction.lookup names the function so.
    alias: str | None = field(default=None, eq=False, kw_only=True)

    @property
    def shown(self) -> str:
        return self.alias or self.name

    def __repr__(self) -> str:
        # Core's UserFunction is a NativeFunc: the simple and tagged formats write `[function F()]`, the
        # decorated one `[function F]` (MaterializedValue.encode and its Decorator).
        return f"[function {self.shown}()]"


def is_user_collection(module: Module) -> bool:
    return module.collection is not None and module.collection.collection is not None


def resolve(ctx: Context, name: str) -> t.Any:
    """What a free name means: a module, a global function, a user collection, a UDF, or MISSING."""
    if name in MODULES:
        return MODULES[name]
    found = V10_STATICS.get((GLOBAL, name))
    if found is not None:
        return StaticFunction(None, found)
    scope = ctx.state.scope
    if schema_live(ctx, DocKey(scope, "#collections", name)):
        return Module(name, collection_ref(name))
    renamed = _renamed(ctx, name)
    if renamed is not None:
        return renamed
    if (scope, name) in ctx.state.deleted_definitions and current_source(ctx.state)[0] == "query":
        # The query's text names the collection it began with, which this query deleted: its documents
        # are not the query's to use (core's invalid_write: FQL2CollectionSpec "disallows combinations of
        # writes in the same query").
        raise QueryRuntimeError("invalid_write", "Cannot modify a document and its collection in the same query.")
    if schema_live(ctx, DocKey(scope, "#functions", name)):
        return UserFunction(name, scope)
    # An alias names its collection or function in queries too (core: the old name kept by a rename, or
    # a name that clashes with the standard library).
    found = user_collection(ctx, name)
    if found is None:
        found = user_function(ctx, name)
    return MISSING if found is None else found


def _renamed(ctx: Context, name: str) -> Module | None:
    """The collection this query renamed from `name`, as the query's own text names it by the name it began
    with (core resolves the query's names in the schema as the query began: FQL2ComputedFieldsSpec
    "collection can be renamed"); one it then deleted is not the query's to use (as `resolve` says)."""
    renamed = ctx.state.renamed_definitions.get((ctx.state.scope, name))
    if renamed is None or current_source(ctx.state)[0] != "query" or _fields.schema_code(ctx):
        return None
    if renamed in ctx.state.deleted_definitions:
        raise QueryRuntimeError("invalid_write", "Cannot modify a document and its collection in the same query.")
    if live(ctx, DocKey(*renamed[:1], "#collections", renamed[1])) is None:
        return None
    return Module(name, collection_ref(renamed[1]))


def user_collection(ctx: Context, name: str) -> Module | None:
    """The user collection `name` names, by name or alias, whatever module the name may also be (core's
    UserCollectionCompanion.lookup, behind `Collection(name)`)."""
    scope = ctx.state.scope
    if schema_live(ctx, DocKey(scope, "#collections", name)):
        return Module(name, collection_ref(name))
    renamed = _renamed(ctx, name)
    if renamed is not None:
        return renamed
    target = aliased(ctx, scope, "#collections", name)
    if target is None or not schema_live(ctx, DocKey(scope, "#collections", target)):
        return None
    # Named as it was called: core makes the collection's companion anew under the alias
    # (UserCollectionCompanion.lookup's nameOverride), which its text and hints then show.
    return Module(name, collection_ref(target))


def user_function(ctx: Context, name: str) -> UserFunction | None:
    """The UDF `name` names, by name or alias (core's UserFunction.lookup, behind `Function(name)`)."""
    scope = ctx.state.scope
    if schema_live(ctx, DocKey(scope, "#functions", name)):
        return UserFunction(name, scope)
    target = aliased(ctx, scope, "#functions", name)
    if target is None or not schema_live(ctx, DocKey(scope, "#functions", target)):
        return None
    return UserFunction(target, scope, alias=name)


def _namespace_member(name: str) -> Module | None:
    """A module under `FQL`: every built-in one but `FQL` itself, and those not yet global (core's
    StaticGlobalResolvers and GlobalResolvers.FQL). User collections and functions are not members."""
    if name in MODULES and name != GLOBAL:
        return MODULES[name]
    return FQL_ONLY_MODULES.get(name)


def schema_live(ctx: Context, key: DocKey) -> bool:
    """Whether the collection or function `key` names exists for a v10 query to use: a query's own text
    sees the schema as it was when the query began (core's), so one it created is not there yet; the
    schema's own code (a default, a computed field, a check) and a v4 query (core's API before v5) see it."""
    if live(ctx, key) is None:
        return False
    if current_source(ctx.state)[0] != "query" or _fields.schema_code(ctx):
        return True
    renamed = ctx.state.renamed_definitions
    if renamed and key.coll == "#collections":  # (no renames in most queries: nothing to look through)
        named = (key.scope, key.id)
        if named in renamed.values() and named not in renamed:
            return False  # a new name this query gave (its versions moved there, so none looks made here)
    return not created_here(ctx, key)


def created_here(ctx: Context, key: DocKey) -> bool:
    """Whether the schema document `key` was created by this query."""
    version = live(ctx, key)
    return version is not None and version.ts >= ctx.state.ts and live_at(ctx, key, ctx.state.ts - 1) is None


def aliased(ctx: Context, scope: str, coll: str, alias: str) -> str | None:
    """The name of the live collection or function (`coll`) whose alias is `alias` (which a query's own text
    may not use yet if the query created it: schema_live)."""
    return aliases.holder(ctx, scope, coll, alias)


def module_member(ctx: Context, module: Module, name: str) -> t.Any:
    """`Math.PI`, `People.definition`, or a module's function as a value (`People.all`)."""
    if module.name == GLOBAL and module.collection is None:
        found = _namespace_member(name)
        if found is not None:
            return found
    owner = USER_COLLECTION if is_user_collection(module) else module.name
    constant = _module_field(owner, name)
    if constant is not None:
        return constant.fn(ctx, module)
    found = V10_METHODS.get((owner, name)) if owner == USER_COLLECTION else V10_STATICS.get((owner, name))
    if found is not None:
        return StaticFunction(module, found)
    if is_user_collection(module):
        from .documents import index_method

        index = index_method(ctx, module, name)
        if index is not None:
            return index
    # A field a module lacks is null at runtime, as any value's (core's FieldTable; its typechecker
    # refuses it beforehand): FQL2InterpreterSpec's `FQL.GlobalEnvGoblin!` fails as a null.
    ctx.state.null_cause = _expressions.MissingField(name, module.name)
    return None


#: The modules named as a type of values: the fields registered under these names are the values' (a
#: String's `length`), which the module itself lacks (core's StringModule has no `length`).
_VALUE_TYPES = frozenset(("String", "Array", "Object", "Time", "Date", "Bytes", "Boolean", "Number", "Set"))


def _module_field(owner: str, name: str) -> Method | None:
    """The field `name` of the module `owner` (`Math.PI`), not a field of the values of that type."""
    return None if owner in _VALUE_TYPES else V10_FIELDS.get((owner, name))


def call_static(ctx: Context, module: Module, name: str, args: list) -> t.Any:
    """`Module.name(args)`: a static function, or a user collection's method (index methods included)."""
    call_function, invoke = _expressions.call_function, _expressions.invoke
    if is_user_collection(module):
        found = V10_METHODS.get((USER_COLLECTION, name))
        if found is not None:
            return invoke(ctx, found, args, module)
        from .documents import index_method

        index = index_method(ctx, module, name)
        if index is not None:
            return call_function(ctx, index, args)
        if (USER_COLLECTION, name) in V10_FIELDS:
            return _call_field(ctx, name, module_member(ctx, module, name), args)
        raise QueryRuntimeError("invalid_function_invocation", f"The function `{name}` does not exist on `{module.name}`")
    found = V10_STATICS.get((module.name, name))
    if found is None and module.name == GLOBAL and module.collection is None and _namespace_member(name) is not None:
        return _call_field(ctx, name, _namespace_member(name), args)
    if found is None and _module_field(module.name, name) is not None:
        # A field of the module, called: core reads it and calls what it holds (evalAp, with the field's name).
        return _call_field(ctx, name, module_member(ctx, module, name), args)
    if found is None:
        error = QueryRuntimeError("invalid_function_invocation", f"The function `{name}` does not exist on `{module.name}`")
        if name in FLAGGED.get(module.name + "Module", ()):
            # Core has the function, which fails while its flag is off: where it is called (its arguments).
            error.span = _expressions.op_span(ctx.state.call_node)
        raise error
    return invoke(ctx, found, args)


def _call_field(ctx: Context, name: str, value: t.Any, args: list) -> t.Any:
    """A module's field `name`, called: what it holds must be a function, or a module with an apply."""
    if not _expressions._callable(value, applied=True):
        found = _expressions.dynamic_label(value)
        raise QueryRuntimeError("invalid_function_invocation", f"`{name}`: Expected a function, found `{found}`")
    return _expressions.call_function(ctx, value, args)


def has_apply(module: Module) -> bool:
    return is_user_collection(module) or module.name in _CALLED_BY_ID or (module.name, "__call__") in V10_STATICS


def call_module(ctx: Context, module: Module, args: list) -> t.Any:
    """`Time("...")`, `People("id")`, `Collection("People")`: a module called like a function."""
    from .expressions import invoke

    if is_user_collection(module) or module.name in _CALLED_BY_ID:
        unread = _unread_document(ctx, module, args)
        return unread if unread is not None else call_static(ctx, module, "byId", args)
    found = V10_STATICS.get((module.name, "__call__"))
    if found is None:
        # A module without an apply is no function: core's evalAp names its dynamic type, the module's name.
        raise QueryRuntimeError("type_mismatch", f"expected type: Function, received {module.name}")
    return invoke(ctx, found, args)


def _unread_document(ctx: Context, module: Module, args: list) -> Ref | None:
    """`Foo(id)` where reads are refused (a default value): core's apply makes the document without the
    read check `byId` has (IDedCollectionCompanion.defApply), so it is a reference, refused only where it is
    read. None where reads are allowed (it is `byId`)."""
    from . import fields
    from .misc import DOC_ID, arg

    try:
        fields.check_read(ctx)
    except fields.EffectViolation:
        if len(args) != 1:
            return None  # byId's arity error
        coll = module.collection if is_user_collection(module) else native(_NATIVE_KINDS[module.name])
        return Ref(str(arg(args[0], "id", DOC_ID)), coll)
    return None


_NATIVE_KINDS = {"Key": "keys", "Token": "tokens", "Credential": "credentials"}
#: Native collections whose module, called, is `byId` (core's IDedCollectionCompanion defines the apply).
_CALLED_BY_ID = frozenset(("Key", "Token", "Credential"))


def call_static_function(ctx: Context, fn: StaticFunction, args: list) -> t.Any:
    from .expressions import invoke

    if fn.owner is not None and is_user_collection(fn.owner):
        return invoke(ctx, fn.method, args, fn.owner)
    return invoke(ctx, fn.method, args)


def call_udf(ctx: Context, fn: UserFunction, args: list) -> t.Any:
    """Call a UDF: its body (v10 source or a v4 Lambda) with the caller's or the function's role."""
    from .documents import udf_body

    # Where the call was made, read before anything else runs (a role predicate makes calls too).
    node, ctx.state.call_node = ctx.state.call_node, None
    # Calling the function is an application of its own, besides its body's (core's UserFunction is a
    # native function that applies its lambda): two compute ops.
    ctx.state.compute += 1
    body, role = udf_body(ctx, fn)
    from .. import access
    from ..control import _with_role
    from ..roles import V10Arguments
    from .expressions import apply_lambda, check_arity

    if isinstance(body, Lambda):
        # Core checks a function's arity before it calls it (FQLInterpreter.evalApply), and converts a v4
        # body's arguments before it checks the call privilege (LambdaWrapper): both come first.
        check_arity(body, args)
        if _udf_source(ctx, fn) is None:
            _check_v4_args(body, args)
    # As v4's Call: the caller needs the `call` privilege on the function (its predicate gets the args).
    access.require(ctx, "call", DocKey(fn.scope, "#functions", fn.name), (V10Arguments(args),))

    auth = ctx.state.auth
    if role is not None:
        ctx.state.auth = _with_role(auth, role)
    try:
        if not isinstance(body, Lambda):
            raise QueryCheckError(f"The function `{fn.name}` has no callable body.")
        source = _udf_source(ctx, fn)
        if source is not None:
            return _run_source(ctx, (fn.name, source, node), body, args)
        try:
            return from_v4(ctx, apply_lambda(ctx, body, args))
        except FQLError as err:
            raise _v4_error(err) from None
    except FQLError as err:
        source = _udf_source(ctx, fn)
        if source is not None:
            # The error's place in the function's body becomes a frame of its trace; the call is placed
            # where it was made (core's `at *udf:name*` frames).
            err.in_source(f"udf:{fn.name}", source)
        raise
    finally:
        ctx.state.auth = auth


def _run_source(ctx: Context, frame: tuple, body: Lambda, args: list) -> t.Any:
    """A v10 function's body, its `frame` (name, source, the Apply node that called it) on the stack of
    running functions (sets.made_in reads it)."""
    from .expressions import apply_lambda

    stack = ctx.state.udf_stack
    stack.append(frame)
    try:
        return apply_lambda(ctx, body, args)
    finally:
        stack.pop()


def _check_v4_args(body: Lambda, args: list) -> None:
    """The arguments a v10 call gives a function written in v4 must be values v4 has: one that is not
    (a lambda, a set, a module, a function, or an array or object holding one) is core's
    invalid_argument naming the v4 parameter it is given for and its type (LambdaWrapper's
    v10ToV4Args, QueryRuntimeFailure.V4InvalidArgument)."""
    from .misc import value_type

    names = [body.params] if isinstance(body.params, str) else list(body.params or ())
    for name, arg in zip(names, args):
        if not v4_representable(arg):
            shown = name if isinstance(name, str) else "_"
            raise QueryRuntimeError(
                "invalid_argument",
                f"Invalid argument for `{shown}`. FQL v4 does not support `{value_type(arg)}` values.",
            )


def v4_representable(value: t.Any) -> bool:
    """Whether a v10 value has a v4 one (core's UnholyEval.dataV10ToV4): scalars, documents and
    arrays and objects of them; no function, set, cursor, event source or module, at any depth."""
    from ...values import EventSource, SetCursor
    from .collections import IndexFunction
    from .expressions import BoundMethod
    from .sets import V10Set

    if isinstance(value, list):
        return all(v4_representable(v) for v in value)
    if isinstance(value, dict):
        return all(v4_representable(v) for v in value.values())
    # A lambda is none, a v4 one too: in v10 it came from v4 data, which core's fromIR made a v10 lambda.
    unrepresentable = (Lambda, V10Set, BoundMethod, StaticFunction, UserFunction, IndexFunction, Module)
    return not isinstance(value, (*unrepresentable, SetCursor, EventSource))


#: The statuses of the errors a v4 evaluation returns (core's `Left(errors)`); the rest (a time-out, an
#: unavailable store, contention) are failures of the query itself, which pass through as they are.
_V4_EVAL_STATUSES = (400, 403, 404)


def _v4_error(err: FQLError) -> FQLError:
    """A v4 body's error as the v10 caller gets it: core looks through the `call error`s of the v4
    functions it called (one cause each); an Abort there aborts the v10 query, its message the aborted
    value (core's FQL2EncodedResultSpec), and any other error is `eval_error`, its message the v4
    descriptions, one a line (core's UnholyEval.errV4ToV10, QueryRuntimeFailure.V4EvalError)."""
    while isinstance(err, CallError) and err.cause is not None and len(err.cause) == 1:
        err = err.cause[0]
    if isinstance(err, TransactionAborted) and not err.has_value:
        return TransactionAborted("Query aborted.", value=err.description)
    if err.status not in _V4_EVAL_STATUSES or isinstance(err, (QueryCheckError, TooMuchCompute)):
        return err
    return QueryRuntimeError("eval_error", "\n".join(e.description for e in (err, *err.siblings)))


#: The schema documents v10 shows as definitions (`Collection.byName(...)`).
_V10_DEFINITIONS = frozenset(("collections", "functions", "roles", "access_providers", "databases"))


def from_v4(ctx: Context, value: t.Any) -> t.Any:
    """A v4 value as v10 gets it, from a v4 function's result or a v4 caller's arguments (core's
    UnholyEval.dataV4ToV10): a document v4 read or wrote (VersionL) is the document, a schema document its
    definition; a reference is the document, but one into another database is the string `[db-external
    Document]`; arrays and objects hold converted values; a page is the object `{before, after, data}`; a
    page element read with `sources` is its value; an event is the object `{ts, action, resource[,
    values]}` and a set `{ "@set": ... }` (their stored forms, as core's fromIR reads them); a lambda is
    kept, and called as a stored one is (expressions.STORED_V4_LAMBDA)."""
    from ...values import DocEvent, Page, ReadDocument, SetRef, SourcedElement
    from .documents import read

    if isinstance(value, ReadDocument) and isinstance(value.get("ref"), Ref):
        ref = value["ref"]
        if _foreign(ref):
            return _DB_EXTERNAL
        if ref.collection is not None and not ref.is_schema:
            return read(ctx, ref, stamped=False)
        if ref.is_schema and ref.kind in _V10_DEFINITIONS:
            # A schema document v4 made or read (`CreateCollection`): its v10 definition.
            return read(ctx, ref)
        return {k: from_v4(ctx, v) for k, v in value.items()}
    if isinstance(value, Ref):
        return _DB_EXTERNAL if _foreign(value) else value
    if isinstance(value, list):
        return [from_v4(ctx, v) for v in value]
    if isinstance(value, Page):
        return {k: from_v4(ctx, v) if k == "data" else _stored(v) for k, v in value.to_dict().items()}
    if isinstance(value, SourcedElement):
        return from_v4(ctx, value.get("value"))
    if isinstance(value, (DocEvent, SetRef)):
        return _stored(value)
    if isinstance(value, dict):
        return {k: from_v4(ctx, v) for k, v in value.items()}
    return str(value) if isinstance(value, Action) else value


#: What core's dataV4ToV10 makes of a reference into another database (its FIXME: not supported in v10).
_DB_EXTERNAL = "[db-external Document]"


def _foreign(ref: t.Any) -> bool:
    """Whether a v4 reference names something in another database than the query's."""
    while ref is not None:
        if ref.database is not None:
            return True
        ref = ref.collection
    return False


def _stored(value: t.Any) -> t.Any:
    """A v4 event, set or cursor as core's fromIR reads its stored form (`irValue`): an event is
    `{ts, action, resource}` (and a set event's `values`), a set `{ "@set": {...} }` (a document's or
    schema document's singleton set its reference), nested sets likewise; a cursor the event or array it
    holds."""
    from ...values import DocEvent, SetEvent, SetRef

    if isinstance(value, SetEvent):
        out = {"ts": value["ts"], "action": str(value["action"]), "resource": value["document"]}
        if value.get("data"):
            out["values"] = [_stored(v) for v in value["data"]]
        return out
    if isinstance(value, DocEvent):
        return {"ts": value["ts"], "action": str(value["action"]), "resource": value["document"]}
    if isinstance(value, SetRef):
        return {"@set": {k: _stored(v) for k, v in value.form}}
    if isinstance(value, list):
        return [_stored(v) for v in value]
    if isinstance(value, dict):
        return {k: _stored(v) for k, v in value.items()}
    return str(value) if isinstance(value, Action) else value


def _udf_source(ctx: Context, fn: UserFunction) -> str | None:
    version = ctx.state.txn.get(DocKey(fn.scope, "#functions", fn.name))
    body = (version.data or {}).get("body") if version is not None else None
    return body if isinstance(body, str) else None


def module_ref(module: Module) -> Ref | None:
    return module.collection


# expressions imports this module first; importing it last lets both finish (circular by design).
from . import expressions as _expressions, fields as _fields  # noqa: E402
