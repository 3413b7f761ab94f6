"""Collections and objects: Map, Filter, Reduce, Count, Take, Merge, Select, Contains*, ToArray, ToObject."""

from __future__ import annotations

import functools
import itertools
import typing as t

from .. import ast, collation, scala
from ..errors import (
    FQLError,
    InvalidArgument,
    InvalidExpression,
    InvalidRef,
    NotImplementedInFql,
    PermissionDenied,
    StackOverflow,
    ValueNotFound,
)
from ..values import (
    ABSENT,
    UUID,
    Action,
    Bytes,
    Date,
    DocEvent,
    Lambda,
    Page,
    ReadDocument,
    Ref,
    SetEvent,
    SetRef,
    SourcedElement,
    Timestamp,
    native,
    type_name,
)
from . import effects, versions
from .casts import ARRAY, BOOLEAN, INTEGER, NUMBER, STRING, as_list
from .evaluator import MAX_DEPTH, Context, gather
from .logic import same
from .refs import doc_key, read, render, resolved
from .registry import builtin, lookup, snake

#: The key sets core's parser accepts as a Lambda form where a function must be written out.
_LAMBDA_FORMS = ({"lambda", "expr"}, {"lambda", "expr", "api_version"})
#: The JSON tag of each value a wire query can carry, for `No form/function found` errors.
_TAGS = {Ref: "@ref", SetRef: "@set", Timestamp: "@ts", Date: "@date", Bytes: "@bytes", UUID: "@uuid", Lambda: "@query"}
#: Values ContainsValue refuses to look into (a Ref is a scalar it does look into).
_SCALARS = (type(None), bool, int, float, str, Timestamp, Date, Bytes, UUID)
#: "Not there" for path lookups, where null is a value.
_MISSING = object()

#: Integers wrap at 64 bits (Java longs) in sums,
_INT64 = 1 << 64
#: and at 32 bits where core narrows a count or an index with `Long.toInt`.
_INT32 = 1 << 32


def _wrap(n: int, modulus: int) -> int:
    """Two's-complement wrap-around: Fauna's longs overflow, and `Long.toInt` keeps the low 32 bits."""
    return (n + modulus // 2) % modulus - modulus // 2


# Lambdas. Core's parser wants a Lambda form written out where Map, Foreach, Filter, Reduce and Merge
# take a function: `Map(xs, Var("f"))` or `Map(xs, Query(...))` is an invalid expression.


#: The arguments `_lambda` reads, by built-in and key: where a query's unbound-variable check stops (core
#: fails the parse there first).
LAMBDA_ARGUMENTS = frozenset(
    {("Map", "map"), ("Foreach", "foreach"), ("Filter", "filter"), ("Reduce", "reduce"), ("Merge", "lambda")}
)


def _is_lambda_form(node: ast.Node) -> bool:
    if isinstance(node, ast.Call):
        fn = lookup(node.name)
        return fn is not None and fn.name == "Lambda" and len(node.args) == 2
    if isinstance(node, ast.Form):
        return {k for k, _ in node.pairs} in _LAMBDA_FORMS
    return False


def _not_lambda(node: ast.Node) -> InvalidExpression:
    """Core's parse error for a non-Lambda form: its JSON keys, or the type of a non-object."""
    if isinstance(node, ast.Form):
        keys = [k for k, _ in node.pairs]
    elif isinstance(node, ast.Object):
        keys = ["object"]
    elif isinstance(node, ast.Call):
        fn = lookup(node.name)
        keys = list(fn.keys[: max(len(node.args), 1)]) if fn else [snake(node.name.split(".")[-1])]
    elif isinstance(node, ast.Value) and type(node.value) in _TAGS:
        keys = [_TAGS[type(node.value)]]
    elif isinstance(node, ast.Invalid):
        keys = list(node.keys)
    else:
        provided = "Array" if isinstance(node, ast.Array) else type_name(getattr(node, "value", None))
        return InvalidExpression(f"Lambda expected, {provided} provided.")
    return InvalidExpression(f"No form/function found, or invalid argument keys: {{ {', '.join(keys)} }}.")


def _lambda(ctx: Context, node: ast.Node, key: str) -> Lambda:
    if not _is_lambda_form(node):
        raise _not_lambda(node).at(key)
    return ctx.eval(node, key)


def _arity(expected: int, provided: int) -> InvalidArgument:
    return InvalidArgument(f"Lambda expects an array with {expected} elements. Array contains {provided}.")


def _bind(params: t.Any, arg: t.Any, out: dict, path: tuple) -> None:
    """Bind like core: a one-name list takes a non-array whole; arity errors sit at the pattern's path."""
    if isinstance(params, str):
        if params != "_":
            out[params] = arg
        return
    if isinstance(arg, list):
        for i, (p, a) in enumerate(zip(params, arg)):
            _bind(p, a, out, (*path, i))
        if len(params) != len(arg):
            raise _arity(len(params), len(arg)).at(*path)
    elif len(params) == 1:
        _bind(params[0], arg, out, (*path, 0))
    else:
        raise _arity(len(params), 1).at(*path)


def _apply(ctx: Context, fn: Lambda, arg: t.Any, *path: str | int, body: tuple | None = None) -> t.Any:
    """Call `fn` as core does: binding errors at `path + ["lambda", ...]`, body errors where the body is written.

    The body is written at `body` (default `path`) + "expr": Merge applies its lambda at the top but
    the lambda sits under "lambda".
    """
    state = ctx.state
    if state.depth >= MAX_DEPTH:
        raise StackOverflow(f"Call stack reached the maximum limit of {MAX_DEPTH}.").at(*path)
    bindings: dict[str, t.Any] = {}
    _bind(fn.params, arg, bindings, (*path, "lambda"))
    state.depth += 1
    state.compute += 1
    try:
        return Context(state, {**fn.env, **bindings}).eval(fn.body, *(path if body is None else body), "expr")
    finally:
        state.depth -= 1


# Collections: arrays, pages and sets (a native collection ref such as `Collections()` is its set).


def _iterable(ctx: Context, value: t.Any, *path: str | int) -> t.Any:
    """Core's Iterable cast, which reads a ref as a set: one that names nothing is an `invalid ref`."""
    if isinstance(value, (list, Page, SetRef)) or (isinstance(value, Ref) and value.is_native):
        return value
    resolved(ctx, value, *path)
    raise InvalidArgument(f"Array, Set, or Page expected, {type_name(value)} provided.").at(*path)


def _is_set(value: t.Any) -> bool:
    return isinstance(value, (SetRef, Ref))


def _array_or_page(value: t.Any, *path: str | int) -> list | Page:
    """Core's check for Take and Drop, which are not given the Iterable cast first."""
    if not isinstance(value, (list, Page)):
        raise InvalidArgument(f"Array or Page expected, {type_name(value)} provided.").at(*path)
    return value


def _mappable(ctx: Context, value: t.Any, *path: str | int) -> list | Page:
    """Map and Foreach: the Iterable cast, then sets (native collection refs too) are refused."""
    if _is_set(_iterable(ctx, value, *path)):
        raise InvalidArgument("Array or Page expected, Set provided.").at(*path)
    return value


def _elements(ctx: Context, coll: t.Any, *path: str | int, arg: str | None = None) -> t.Iterable:
    """The elements of an array, of a page's data, or of a set in set order; a set the caller may not
    read is refused at `path` (core's setForRead at the reading function's verb), and a lazy filter's
    failure is placed under `arg`, the argument the set was given as (by default the verb)."""
    if isinstance(coll, list):
        return coll
    if isinstance(coll, Page):
        return coll.data
    return _set_elements(ctx, coll, path, arg or (path[0] if path else None))


def _set_elements(ctx: Context, coll: t.Any, path: tuple, arg: str | None, reverse: bool = False) -> t.Iterator:
    from .sets import as_set, placed, scan

    try:
        for _, _, element in scan(ctx, as_set(coll), reverse=reverse):
            yield element
    except PermissionDenied as err:
        raise err.at(*path) if not err.position else err
    except FQLError as err:
        raise placed(err, arg) if arg else err


def _like(coll: t.Any, data: list) -> list | Page:
    """`data` shaped like `coll`: a page keeps its cursors."""
    return coll.evolve(data) if isinstance(coll, Page) else data


def _folded(coll: t.Any, value: t.Any) -> t.Any:
    """A fold's result: over a page it is a one-element page with the page's cursors."""
    return coll.evolve([value]) if isinstance(coll, Page) else value


@builtin("Map", keys=("map", "collection"), shell=("collection", "map"), lazy=True, aliases=("MapExpr",))
def map_(ctx: Context, fn_node: ast.Node, coll_node: ast.Node) -> list | Page:
    """Apply a lambda to each element of an array or page: `Map([1, 2], Lambda("x", Add(Var("x"), 1)))`."""
    fn = _lambda(ctx, fn_node, "map")
    coll = _mappable(ctx, ctx.eval(coll_node, "collection"), "collection")
    return _like(coll, [_apply(ctx, fn, v, "map") for v in _elements(ctx, coll)])


@builtin("Foreach", keys=("foreach", "collection"), shell=("collection", "foreach"), lazy=True)
def foreach(ctx: Context, fn_node: ast.Node, coll_node: ast.Node) -> list | Page:
    """Apply a lambda to each element of an array or page for its effects; the result is the collection."""
    fn = _lambda(ctx, fn_node, "foreach")
    coll = _mappable(ctx, ctx.eval(coll_node, "collection"), "collection")
    for v in _elements(ctx, coll):
        _apply(ctx, fn, v, "foreach")
    return coll


@builtin("Filter", keys=("filter", "collection"), shell=("collection", "filter"), lazy=True, aliases=("FilterExpr",))
def filter_(ctx: Context, fn_node: ast.Node, coll_node: ast.Node) -> t.Any:
    """The elements for which a lambda returns true; over a set, a filtered set."""
    fn = _lambda(ctx, fn_node, "filter")
    coll = _iterable(ctx, ctx.eval(coll_node, "collection"), "collection")
    if _is_set(coll):
        effects.require_read_only(fn, "filter")
        return SetRef.of(filter=fn, collection=coll)
    values = list(_elements(ctx, coll))
    # Core tests every element, each failure of the lambda in the answer (Parser.sequenceT accumulates),
    # then checks the results, at the element's index, reporting every one that is no boolean
    # (Casts.ZeroOrMore(Casts.Boolean)).
    keep = gather(functools.partial(_apply, ctx, fn, v, "filter") for v in values)
    gather(functools.partial(BOOLEAN, k, i) for i, k in enumerate(keep))
    kept = [v for v, k in zip(values, keep) if k]
    if isinstance(coll, Page) and coll.cursors is not None and len(coll.cursors) == len(values):
        # Core filters a page's element cursors with its elements.
        return coll.evolve(kept, [c for c, k in zip(coll.cursors, keep) if k])
    return _like(coll, kept)


def _cursors(page: Page, i: int) -> list:
    """The page's element cursors, where Take and Drop cut it (core: its PageL's `unmapped` elements)."""
    if page.cursors is None:
        # Only a page fql made without reading a set (none does today) lacks them.
        raise NotImplementedInFql(f"Cutting a Page at element {i} is not implemented for this page.")
    return page.cursors


def _take_unstable(ctx: Context, n: int, coll: t.Any) -> list | Page:
    """UNSTABLE's Take (core's TakeFunction2, over Casts.Iterable): a negative `n` keeps the last `-n`
    elements (a page keeps its cursors), and a set is read, up to a page's most, into an array."""
    if isinstance(coll, list):
        return coll[max(len(coll) + n, 0) :] if n < 0 else coll[:n]
    if isinstance(coll, Page):
        if n >= 0:
            return _take_page(coll, n)
        cut = max(len(coll.data) + n, 0)
        return Page(coll.data[cut:], coll.before, coll.after, coll.has_before, coll.has_after, _cursors(coll, cut)[cut:])
    from . import history
    from .sets import MAX_PAGE_SIZE, as_set

    if abs(n) > MAX_PAGE_SIZE:
        raise InvalidArgument(f"Number of elements must be <= {MAX_PAGE_SIZE}")
    if n < 0 and history.historical(as_set(coll)):
        # Core reads the last elements as a page of the set's Reverse, which cannot read events.
        raise InvalidArgument("Set does not support events history.")
    read = _set_elements(ctx, coll, (), "collection", reverse=n < 0)
    # Core reads a page of |n|, which reads one element more to find the next page.
    found = list(itertools.islice(read, abs(n) + 1))[: abs(n)]
    return found[::-1] if n < 0 else found


@builtin("Take", keys=("take", "collection"), types=(INTEGER,))
def take(ctx: Context, n: int, coll: t.Any) -> list | Page:
    """The first `n` elements of an array or page (none when `n` is negative). Under API UNSTABLE also of
    a set (as an array), and a negative `n` takes the last `-n`."""
    n = _wrap(n, _INT32)
    if ctx.state.form_version == "UNSTABLE":
        return _take_unstable(ctx, n, _iterable(ctx, coll, "collection"))
    coll = _array_or_page(coll, "collection")
    if isinstance(coll, list):
        return coll[: max(n, 0)]
    return _take_page(coll, n)


def _take_page(coll: Page, n: int) -> Page:
    if n < 0:
        return Page([], coll.before, coll.before, coll.has_before, coll.has_before, [])
    if n >= len(coll.data) and coll.cursors is None:
        return coll
    # Core cuts the page's element cursors, which a fold's one-element page keeps whole, so they can
    # outnumber its data.
    cursors = _cursors(coll, n)
    # The new `after` is the first element's cursor left out (core's TakeFunction), else the page's own.
    cut = n < len(cursors)
    after, has_after = (cursors[n], True) if cut else (coll.after, coll.has_after)
    return Page(coll.data[:n], coll.before, after, coll.has_before, has_after, cursors[:n])


@builtin("Drop", keys=("drop", "collection"), types=(INTEGER,))
def drop(ctx: Context, n: int, coll: t.Any) -> list | Page:
    """An array or page without its first `n` elements (all of them when `n` is negative)."""
    n = _wrap(n, _INT32)
    coll = _array_or_page(coll, "collection")
    if isinstance(coll, list):
        return coll[max(n, 0) :]
    if n < 0:
        return coll
    if n >= len(coll.data) and coll.cursors is None:
        return Page([], coll.after, coll.after, coll.has_after, coll.has_after, [])
    rest = _cursors(coll, n)[n:]
    # The new `before` is the first element's cursor kept (core's DropFunction), else the page's `after`.
    before, has_before = (rest[0], True) if rest else (coll.after, coll.has_after)
    return Page(coll.data[n:], before, coll.after, has_before, coll.has_after, rest)


@builtin("Prepend", keys=("prepend", "collection"), types=(None, ARRAY))
def prepend(ctx: Context, elems: t.Any, coll: list) -> list:
    """`elems` (an array, or one value) followed by the array `coll`."""
    return as_list(elems) + coll


@builtin("Append", keys=("append", "collection"), types=(None, ARRAY))
def append(ctx: Context, elems: t.Any, coll: list) -> list:
    """The array `coll` followed by `elems` (an array, or one value)."""
    return coll + as_list(elems)


def _has_elements(ctx: Context, coll: t.Any, arg: str) -> bool:
    # Core asks ReadAdaptor.exists, which reads the set as `exists`, by its snapshot (snapshotHead): a
    # set of events has elements if the set it is of has (a document's events, if it is there now).
    if isinstance(coll, SetRef):
        from .history import snapshot

        try:
            coll = snapshot(ctx, coll)
        except PermissionDenied as err:
            raise err.at("exists") if not err.position else err
    return next(iter(_elements(ctx, coll, "exists", arg=arg)), _MISSING) is not _MISSING


def _folding(ctx: Context, coll: t.Any, *path: str | int, arg: str | None = None) -> list:
    """The elements a fold reads, all of them before it folds any (core reads a set's page, a lazy filter
    tested on all of it, first). A set of events is read whole, whatever the valid time: core's
    AbstractFoldFunction reads its history from Event.MinValue to Event.MaxValue, where Paginate stops at
    the valid time."""
    from .history import whole

    with whole(ctx):
        return list(_elements(ctx, coll, *path, arg=arg))


@builtin("IsEmpty", keys=("is_empty",))
def is_empty(ctx: Context, coll: t.Any) -> bool:
    """True if the array, page or set has no elements."""
    return not _has_elements(ctx, _iterable(ctx, coll, "is_empty"), "is_empty")


@builtin("IsNonEmpty", keys=("is_nonempty",))
def is_nonempty(ctx: Context, coll: t.Any) -> bool:
    """True if the array, page or set has at least one element."""
    return _has_elements(ctx, _iterable(ctx, coll, "is_nonempty"), "is_nonempty")


@builtin("Reverse", keys=("reverse",))
def reverse(ctx: Context, coll: t.Any) -> t.Any:
    """The elements in reverse order; over a set, the reversed set."""
    coll = _iterable(ctx, coll, "reverse")
    if _is_set(coll):
        return SetRef.of(reverse=coll)
    return _like(coll, list(reversed(_elements(ctx, coll))))


def _set_or_array(ctx: Context, value: t.Any, key: str) -> t.Any:
    if isinstance(_iterable(ctx, value, key), Page):
        raise InvalidArgument("Set or Array expected, Page provided.").at(key)
    return value


def _non_empty(coll: t.Any, key: str) -> InvalidArgument:
    kind = "array" if isinstance(coll, list) else "set"
    return InvalidArgument(f"Non-empty {kind} expected.").at(key)


def _end(ctx: Context, coll: t.Any, key: str, last: bool) -> t.Any:
    """First's or Last's element (`_MISSING` if none). Of a set, core reads a page of one from that end,
    which reads one element more to find the next page: a lazy filter is tested on both, and nothing
    further (ReadAdaptor.paginate, size 1, overSize 2)."""
    coll = _set_or_array(ctx, coll, key)
    if isinstance(coll, list):
        return coll[-1 if last else 0] if coll else _MISSING
    found = list(itertools.islice(_set_elements(ctx, coll, (key,), key, reverse=last), 2))
    return found[0] if found else _MISSING


@builtin("First", keys=("first",))
def first(ctx: Context, coll: t.Any) -> t.Any:
    """The first element of an array or set."""
    found = _end(ctx, coll, "first", last=False)
    if found is _MISSING:
        raise _non_empty(coll, "first")
    return found


@builtin("Last", keys=("last",))
def last(ctx: Context, coll: t.Any) -> t.Any:
    """The last element of an array or set."""
    found = _end(ctx, coll, "last", last=True)
    if found is _MISSING:
        raise _non_empty(coll, "last")
    return found


# Folds: over an array or set they return a value, over a page a one-element page. Count, Sum, Mean, Any
# and All cost a compute op per element (core's ReduceFunctions); Reduce, one per lambda applied.


@builtin("Reduce", keys=("reduce", "initial", "collection"), lazy=True)
def reduce_(ctx: Context, fn_node: ast.Node, initial: ast.Node, coll_node: ast.Node) -> t.Any:
    """Fold the elements with a lambda of `[accumulator, value]`, starting from `initial`."""
    fn = _lambda(ctx, fn_node, "reduce")
    acc = ctx.eval(initial, "initial")
    coll = _iterable(ctx, ctx.eval(coll_node, "collection"), "collection")
    for value in _folding(ctx, coll, "reduce", arg="collection"):
        acc = _apply(ctx, fn, [acc, value], "reduce")
    return _folded(coll, acc)


@builtin("Count", keys=("count",))
def count(ctx: Context, coll: t.Any) -> int | Page:
    """How many elements an array, page or set has."""
    coll = _iterable(ctx, coll, "count")
    n = len(_folding(ctx, coll, "count"))
    ctx.state.compute += n
    return _folded(coll, n)


def _sum(ctx: Context, coll: t.Any, key: str) -> tuple[int | float, int]:
    """The total and the number of the elements, which must all be numbers (checked at `[key]`)."""
    total: int | float = 0
    n = 0
    for value in _folding(ctx, coll, key):
        NUMBER(value, key)
        total = total + value if isinstance(total, float) or isinstance(value, float) else _wrap(total + value, _INT64)
        n += 1
    ctx.state.compute += n
    return total, n


@builtin("Sum", keys=("sum",))
def sum_(ctx: Context, coll: t.Any) -> t.Any:
    """The sum of the numbers: an integer if all are integers (wrapping like a 64-bit long), else a double."""
    coll = _iterable(ctx, coll, "sum")
    return _folded(coll, _sum(ctx, coll, "sum")[0])


@builtin("Mean", keys=("mean",))
def mean(ctx: Context, coll: t.Any) -> t.Any:
    """The arithmetic mean of the numbers, always a double."""
    coll = _iterable(ctx, coll, "mean")
    total, n = _sum(ctx, coll, "mean")
    if n == 0:
        raise InvalidArgument("Non-empty array expected.").at("mean")
    return _folded(coll, float(total) / n)


def _booleans(ctx: Context, coll: t.Any, key: str) -> list[bool]:
    # Core checks every element, even after the answer is known, at a compute op each, once it has read
    # them (a lazy filter tested on all of them first).
    found = [BOOLEAN(v, key) for v in _folding(ctx, _iterable(ctx, coll, key), key)]
    ctx.state.compute += len(found)
    return found


@builtin("Any", keys=("any",))
def any_(ctx: Context, coll: t.Any) -> t.Any:
    """True if any of the booleans is true (false when there are none)."""
    return _folded(coll, any(_booleans(ctx, coll, "any")))


@builtin("All", keys=("all",))
def all_(ctx: Context, coll: t.Any) -> t.Any:
    """True if all of the booleans are true (true when there are none)."""
    return _folded(coll, all(_booleans(ctx, coll, "all")))


# Objects.


@builtin("Merge", keys=("merge", "with", "lambda"), lazy=True, required=2)
def merge(ctx: Context, left: ast.Node, right: ast.Node, fn_node: ast.Node | None = None) -> dict:
    """Merge objects into `merge`, left to right; a null value removes the key.

    The optional lambda of `[key, left, right]` picks each value: `Merge(a, b, Lambda(["k", "l", "r"], Var("l")))`.
    """
    fn = None if fn_node is None else _lambda(ctx, fn_node, "lambda")
    first, rest = ctx.eval(left, "merge"), ctx.eval(right, "with")
    # Core checks both arguments, every element of `with`, before failing, and reports each bad one.
    checked = [(first, ("merge",))]
    checked += [(obj, ("with", i)) for i, obj in enumerate(rest)] if isinstance(rest, list) else [(rest, ("with",))]
    # An event or a sourced element is no object to Merge, though core names its type Object
    # (ObjectFunctions.scala castObj takes an ObjectL or a VersionL).
    errors = [
        InvalidArgument(f"Object expected, {type_name(value)} provided.").at(*where)
        for value, where in checked
        if not isinstance(value, dict) or isinstance(value, (DocEvent, SourcedElement))
    ]
    if errors:
        errors[0].siblings = errors[1:]
        raise errors[0]
    out = dict(_fields(ctx, first))
    # Core merges into a Scala immutable Map: insertion order up to four keys, but once a fifth comes
    # it is a HashMap, which iterates in hash order and stays one when keys are removed again.
    hashed = len(out) > 4
    for obj in as_list(rest):
        for key, value in _fields(ctx, obj).items():
            if fn is not None:
                value = _apply(ctx, fn, [key, out.get(key), value], body=("lambda",))
            if value is None:
                out.pop(key, None)
            else:
                hashed = hashed or (key not in out and len(out) == 4)
                out[key] = value
    return {k: out[k] for k in scala.hash_order(out)} if hashed else out


def _path(value: t.Any, key: str) -> list[str | int]:
    """Core's Path cast: a key or index, or an array of them (checked at `[key, i]`, every bad step
    reported: Casts.Path is a Parser.sequence)."""
    errors = []
    for i, step in enumerate(as_list(value)):
        if not isinstance(step, str) and (not isinstance(step, int) or isinstance(step, bool)):
            where = (key, i) if isinstance(value, list) else (key,)
            errors.append(InvalidArgument(f"String or Integer expected, {type_name(step)} provided.").at(*where))
    if errors:
        errors[0].siblings = errors[1:]
        raise errors[0]
    return as_list(value)


def _database_of(ref: Ref | None) -> Ref | None:
    """The database a ref lives in (it is recorded on its innermost native collection)."""
    while ref is not None:
        if ref.database is not None:
            return ref.database
        ref = ref.collection
    return None


def _ref_at(ctx: Context, ref: Ref, path: list, all_: bool) -> t.Any:
    key, rest = path[0], path[1:]
    if key in ("collection", "class"):
        # A native collection (Collections(), Keys()) is itself a document of Collections().
        coll = ref.collection if ref.collection is not None else native("collections", ref.database)
        return _value_at(ctx, coll, rest, all_)
    if key == "id" and not rest:
        if ref.id == "collections" and ref.collection is None and not versions.at_least(ctx.state.api_version, "2.7"):
            # Core names the native collection by the query's version (NativeCollectionID.toName).
            return "classes"
        return ref.id
    if key == "database" and _database_of(ref) is not None:
        return _value_at(ctx, _database_of(ref), rest, all_)
    if key in ("ref", "ts", "data") and ctx.state.api_version == "UNSTABLE" and ref.collection is not None:
        # UNSTABLE reads through a ref: the document's own fields, unchecked, as core's valueAtPath
        # reads the store (nothing where there is no document).
        return _read_through(ctx, ref, path, all_)
    return _MISSING


def _read_through(ctx: Context, ref: Ref, path: list, all_: bool) -> t.Any:
    try:
        version = read(ctx, doc_key(ctx, ref))
    except FQLError:
        return _MISSING
    return _MISSING if version is None else _value_at(ctx, render(ctx, version), path, all_)


def _flatten(ctx: Context, values: list, path: list) -> list:
    """SelectAll over an array: the path in each element, arrays found there spliced in."""
    out: list = []
    for value in values:
        found = _value_at(ctx, value, path, True)
        if isinstance(found, list):
            out.extend(found)
        elif found is not _MISSING:
            out.append(found)
    return out


def _page_at(page: Page, key: str | int) -> t.Any:
    if key == "data":
        return page.data
    if key == "before" and page.has_before:
        return page.before
    if key == "after" and page.has_after:
        return page.after
    if isinstance(key, int) and 0 <= _wrap(key, _INT32) < len(page.data):
        return page.data[_wrap(key, _INT32)]
    return _MISSING


def _value_at(ctx: Context, value: t.Any, path: list, all_: bool = False) -> t.Any:
    """What is at `path` in `value`, or _MISSING; with `all_`, string steps map over arrays."""
    if not path:
        return _flatten(ctx, value, []) if all_ and isinstance(value, list) else value
    key, rest = path[0], path[1:]
    if isinstance(value, list):
        if isinstance(key, int):
            # Core reads the index with Long.toInt.
            i = _wrap(key, _INT32)
            return _value_at(ctx, value[i], rest, all_) if 0 <= i < len(value) else _MISSING
        return _flatten(ctx, value, path) if all_ else _MISSING
    if isinstance(value, DocEvent):
        found = value.selected(key)
        return _MISSING if found is ABSENT else _value_at(ctx, found, rest, all_)
    if isinstance(value, dict):
        if key == "source" and "source" in value and _is_document(value) and value["ref"].kind == "indexes":
            return _index_source_at(ctx, value["source"], rest, all_)
        if isinstance(key, str) and key in value:
            return _value_at(ctx, value[key], rest, all_)
        if key == "class" and _is_document(value):
            # Core reads a document's `class` as its collection, at every API version (ReadAdaptor's
            # valueAtPath of a VersionL), though only API 2.0 shows the field.
            return _value_at(ctx, value["ref"].collection, rest, all_)
        return _MISSING
    if isinstance(value, Page):
        found = _page_at(value, key)
        return _MISSING if found is _MISSING else _value_at(ctx, found, rest, all_)
    if isinstance(value, Ref):
        return _ref_at(ctx, value, path, all_)
    if isinstance(value, SetRef) and key == "@set":
        return _set_at(ctx, value, rest, all_)
    return _MISSING


def _index_source_at(ctx: Context, source: t.Any, path: list, all_: bool) -> t.Any:
    """An index's `source` as core stores it, its source objects naming their collection `class` (only
    the rendering of API 2.7 on says `collection`); a path's `collection` there reads `class`
    (ReadAdaptor.scala valueAtPath0 translates `source/collection` and `source/i/collection`)."""
    stored = [_stored_source(s) for s in source] if isinstance(source, list) else _stored_source(source)
    if path[:1] == ["collection"]:
        path = ["class", *path[1:]]
    elif len(path) > 1 and isinstance(path[0], int) and path[1] == "collection":
        path = [path[0], "class", *path[2:]]
    return _value_at(ctx, stored, path, all_)


def _stored_source(source: t.Any) -> t.Any:
    if not isinstance(source, dict) or "collection" not in source:
        return source
    return {("class" if k == "collection" else k): v for k, v in source.items()}


def _is_document(value: dict) -> bool:
    """Whether an object is a document as a read gives it (core's VersionL): its `ref` (a document's) first,
    then its `ts`. An object of the user's shaped like one, or one ToObject or Merge made of one, is an
    ObjectL to core: no `class` to Select, no collection to ContainsValue."""
    ref = next(iter(value.values()), None)
    return (
        isinstance(value, ReadDocument)
        and next(iter(value), None) == "ref"
        and isinstance(ref, Ref)
        and ref.collection is not None
        and "ts" in value
    )


def _fields(ctx: Context, value: dict) -> dict:
    """An object's fields, as ToObject, ToArray and Merge take them: under API 2.0 a document's have its
    `class` after its `ref` (core's VersionL.fields); an object of the user's shaped like one is no VersionL."""
    if ctx.state.api_version != "2.0" or not isinstance(value, ReadDocument) or "class" in value or not _is_document(value):
        return value
    ref, *rest = value.items()
    return dict([ref, ("class", value["ref"].collection), *rest])


def _set_operand(s: t.Any) -> t.Any:
    # A native collection taken as a set (core's SchemaSet) is shown as its ref; an explicit
    # Documents(...) (core's DocumentsSet) stays a set.
    return s["documents"] if _is_schema_set(s) else s


def _is_schema_set(s: t.Any) -> bool:
    return isinstance(s, SetRef) and s.is_schema_set


def _set_at(ctx: Context, s: SetRef, path: list, all_: bool) -> t.Any:
    """Core's deprecated reading of a set's definition: `Select(["@set", "union", 0], Union(a, b))` is a."""
    if not path:
        return s
    kind = s.kind
    if kind in ("union", "intersection", "difference"):
        shown: t.Any = {kind: [_set_operand(x) for x in as_list(s[kind])]}
    elif kind == "distinct":
        shown = {kind: _set_operand(s[kind])}
    elif kind == "join":
        shown = {"join": _set_operand(s["join"]), "with": s["with"]}
    elif kind == "match":
        terms = s.get("terms", [])
        shown = {"match": s["match"], "terms": terms[0] if isinstance(terms, list) and len(terms) == 1 else terms}
    elif _is_schema_set(s):
        shown = s["documents"]
    else:
        shown = None
    return _value_at(ctx, shown, path, all_)


def _not_found(path: list) -> ValueNotFound:
    return ValueNotFound(f"Value not found at path [{','.join(str(p) for p in path)}].").at("from")


@builtin("Select", keys=("select", "from", "default"), lazy=True, required=2, options=("all",))
def select(
    ctx: Context, path_node: ast.Node, source: ast.Node, default: ast.Node | None = None, **options: ast.Node
) -> t.Any:
    """The value at `path` (keys and indexes) in an object, array, page or ref; `default` if it is missing.

    Without a default a missing path is an error. The default is evaluated only when needed (from API 3;
    before, always). The wire form's `all: true` makes it SelectAll (`{select, from, all}`;
    `Select(p, x, d, {all: true})` here).
    """
    raw = ctx.eval(path_node, "select")
    if versions.before(ctx, "3"):
        return _select_function(ctx, "select", raw, ctx.eval(source, "from"), options.get("all"), default)
    # Core's SelectE evaluates the path, `from` and `all`, then casts the path and `all`, and only then
    # refuses an unresolved `from`.
    container = ctx.eval(source, "from")
    every = ctx.eval(options["all"], "all") if "all" in options else False
    path = _path(raw, "select")
    every = BOOLEAN(every, "all")
    container = resolved(ctx, container, "from")
    if every:
        return _select_all(ctx, container, path)
    found = _value_at(ctx, container, path)
    if found is not _MISSING:
        return found
    if default is None:
        raise _not_found(path)
    return ctx.eval(default, "default")


def _select_function(
    ctx: Context, key: str, raw: t.Any, container: t.Any, all_: ast.Node | bool | None, default: ast.Node | None
) -> t.Any:
    """Select in code before API 3 (core's SelectFunction and SelectAllFunction, where from API 3 it is
    the special form SelectE): a native call, whose arguments are all evaluated and checked in key order
    before the path is looked up, the default too."""
    ctx.state.compute += 1
    path = _path(raw, key)
    every = all_ is True or (isinstance(all_, ast.Node) and BOOLEAN(ctx.eval(all_, "all"), "all"))
    fallback = _MISSING if default is None else ctx.eval(default, "default")
    container = resolved(ctx, container, "from")
    if every:
        return _select_all(ctx, container, path)
    found = _value_at(ctx, container, path)
    if found is not _MISSING:
        return found
    if fallback is _MISSING:
        raise _not_found(path)
    return fallback


def _select_all(ctx: Context, value: t.Any, path: list) -> list:
    found = _value_at(ctx, value, path, True)
    if found is _MISSING:
        return []
    return found if isinstance(found, list) else [found]


@builtin("SelectAll", keys=("select_all", "from", "default"), required=2, lazy=True)
def select_all(ctx: Context, path_node: ast.Node, source: ast.Node, default: ast.Node | None = None) -> list:
    """Every value at `path`, string steps mapping over arrays: `SelectAll("a", [{a: 1}, {a: 2}])` is [1, 2].

    Never fails for a missing path (the result is empty), so `default` is never used (before API 3 it is
    evaluated all the same).
    """
    raw = ctx.eval(path_node, "select_all")
    if versions.before(ctx, "3"):
        return _select_function(ctx, "select_all", raw, ctx.eval(source, "from"), True, default)
    container = ctx.eval(source, "from")
    path = _path(raw, "select_all")
    return _select_all(ctx, resolved(ctx, container, "from"), path)


@builtin("SelectAsIndex", keys=("select_as_index", "from", "default"), required=2, lazy=True)
def select_as_index(ctx: Context, path_node: ast.Node, source: ast.Node, default: ast.Node | None = None) -> list:
    """SelectAll under its newer name: every value at `path`, as an index binding would see them."""
    raw = ctx.eval(path_node, "select_as_index")
    if versions.before(ctx, "3"):
        return _select_function(ctx, "select_as_index", raw, ctx.eval(source, "from"), True, default)
    container = ctx.eval(source, "from")
    path = _path(raw, "select_as_index")
    return _select_all(ctx, resolved(ctx, container, "from"), path)


@builtin("ContainsPath", keys=("contains_path", "in"))
def contains_path(ctx: Context, path: t.Any, container: t.Any) -> bool:
    """True if `path` (keys and indexes) leads to a value in `in`."""
    return _value_at(ctx, container, _path(path, "contains_path")) is not _MISSING


@builtin("Contains", keys=("contains", "in"))
def contains(ctx: Context, path: t.Any, container: t.Any) -> bool:
    """Deprecated name of ContainsPath."""
    return _value_at(ctx, container, _path(path, "contains")) is not _MISSING


@builtin("ContainsField", keys=("contains_field", "in"), types=(STRING,))
def contains_field(ctx: Context, field: str, container: t.Any) -> bool:
    """True if the object (or document, page, ref) `in` has the top-level field `field`."""
    if isinstance(container, list):
        raise InvalidArgument("Object expected, Array provided.").at("in")
    return _value_at(ctx, container, [field]) is not _MISSING


def _same(a: t.Any, b: t.Any) -> bool:
    """Equal as a set's entries are: by their index encoding (core looks a value up in a set as a cursor).
    An event's action is "create" when it is an update or add too, "delete" when a remove (ActionL.equals)."""
    if isinstance(a, Action):
        return a.loosely_equals(b)
    if isinstance(b, Action):
        return b.loosely_equals(a)
    return collation.encode(a) == collation.encode(b)


def _equal_literals(a: t.Any, b: t.Any) -> bool:
    """Core's literal equality (Scala's `==` on its Literals), as ContainsValue compares an array's, an
    object's, a page's or a version's values: structural, objects unordered, 1 and 1.0 different, doubles as
    Java compares them with `==` (0.0 is -0.0), a document read no object (a VersionL is no ObjectL)."""
    if isinstance(a, Action):
        return a.loosely_equals(b)
    if isinstance(b, Action):
        return b.loosely_equals(a)
    return same(a, b)


def _resolves(ctx: Context, value: t.Any) -> bool:
    try:
        resolved(ctx, value)
    except InvalidRef:
        return False
    return True


def _ref_holds(ref: Ref, value: t.Any) -> bool:
    if ref.collection is None or ref.is_schema:
        # Core looks up the name of a named schema document's id type, not of the document itself
        # (ContainsValueFunction: `lookupCachedName(scope, cls.collID.toDocID)`), finds none, and so
        # holds nothing: a schema ref or a native collection (itself a document of Collections()).
        return False
    database = _database_of(ref)
    coll = ref.collection if ref.collection is not None else native("collections", ref.database)
    return _same(ref.id, value) or _same(coll, value) or (database is not None and _same(database, value))


def _page_holds(page: Page, value: t.Any) -> bool:
    # A page holds its whole data array and its array cursors, not its elements; an event cursor is
    # never a value it holds (core matches CursorL(Right(arr)) only).
    return (
        _equal_literals(page.data, value)
        or (page.has_before and isinstance(page.before, list) and _equal_literals(page.before, value))
        or (page.has_after and isinstance(page.after, list) and _equal_literals(page.after, value))
    )


@builtin("ContainsValue", keys=("contains_value", "in"))
def contains_value(ctx: Context, value: t.Any, container: t.Any) -> bool:
    """True if `value` is one of the values of an object or array, an element of a set, or a part of a ref."""
    if isinstance(container, _SCALARS) or not _resolves(ctx, container):
        # An unresolved ref is one of core's scalars too.
        raise InvalidArgument("Object, Array, Page, Set, or Ref expected, Scalar provided.").at("in")
    if isinstance(container, Ref):
        return _ref_holds(container, value)
    if isinstance(container, SetRef):
        # Core looks the value up as a cursor into the set (ReadAdaptor.containsValue), which refuses an
        # unresolved ref, and over events anything no event cursor; no event equals a value given.
        from . import history

        resolved(ctx, value, "contains_value")
        if history.historical(container):
            history.check_cursor(ctx, value, "contains_value")
            return False
    if isinstance(container, Page):
        return _page_holds(container, value)
    if isinstance(container, dict) and _is_document(container) and _equal_literals(container["ref"].collection, value):
        # A document holds its collection's ref too (core's VersionL case).
        return True
    if isinstance(container, DocEvent):
        return any(_equal_literals(v, value) for v in container.values_held())
    if isinstance(container, SourcedElement):
        return False  # core's ElemL falls to its default case
    if isinstance(container, dict):
        container = list(container.values())
    if isinstance(container, list):
        return any(_equal_literals(v, value) for v in container)
    if isinstance(container, SetRef):
        return any(_same(v, value) for v in _elements(ctx, container))
    return False


#: An event, or an element of a page read with `sources: true`, is an object to most functions but not
#: to ToObject and ToArray, which take objects and document versions alone (core's DocEventL, SetEventL
#: and ElemL are no ObjectL, ConversionFunctions.scala: `Cannot cast Object to Object.`).
_NOT_OBJECTS = (DocEvent, SetEvent, SourcedElement)


@builtin("ToArray", keys=("to_array",))
def to_array(ctx: Context, value: t.Any) -> list:
    """An object as an array of `[key, value]` pairs; an array is returned as is."""
    if isinstance(value, list):
        return value
    if isinstance(value, dict) and not isinstance(value, _NOT_OBJECTS):
        return [[k, v] for k, v in _fields(ctx, value).items()]
    raise InvalidArgument(f"Cannot cast {type_name(value)} to Array.").at("to_array")


def _is_field(pair: t.Any) -> bool:
    # Core's Field cast takes a StringL name, which an event's action is not.
    return isinstance(pair, list) and len(pair) == 2 and isinstance(pair[0], str) and not isinstance(pair[0], Action)


@builtin("ToObject", keys=("to_object",))
def to_object(ctx: Context, value: t.Any) -> dict:
    """An array of `[key, value]` pairs as an object; an object is returned as is, a document as the object
    of its fields (core's ObjectL(v.fields): no longer a document to IsDoc or Equals)."""
    if isinstance(value, dict) and not isinstance(value, _NOT_OBJECTS):
        return dict(_fields(ctx, value)) if isinstance(value, ReadDocument) else value
    if not isinstance(value, list):
        raise InvalidArgument(f"Cannot cast {type_name(value)} to Object.").at("to_object")
    # Core casts every pair (ZeroOrMore(Field)) and reports each one that is none, in one answer.
    errors = [
        InvalidArgument(f"Field/Value expected, {type_name(pair)} provided.").at("to_object", i)
        for i, pair in enumerate(value)
        if not _is_field(pair)
    ]
    if errors:
        errors[0].siblings.extend(errors[1:])
        raise errors[0]
    return dict(value)

