"""Self-contained v10 set cursors: a page's `after` holds its set, its position and its snapshot time.

Core's cursor reifies its set (ValueSet.setCursor, ValueReification.reify): the set as the expression that
makes it plus a closure of the values it captured, the position in it and the transaction time. fql's
holds the same in its own shape, as JSON compressed with zlib and written in URL-safe base64:

    [2, set, position, skip, page size, snapshot µs]

The position is where the next page starts, in the set's own terms (sets.py V10Set.walk: a document's
key, an index entry's, an array index, a list of the source's position and what a `drop`, `take`,
`concat` or `flatMap` adds to it, or for a set read whole, an `order`, `distinct` or `reverse`, its
elements and an index in them (`{"@H": [elements, index]}`, sets.py Held: core's OrderedSet goes on as an
ArraySet of its sorted values), and `skip` how many elements after it the page skips (0, or 1 when the
element there failed). A cursor of the layout before (`[1, set, offset, page size, snapshot µs]`) still reads,
from its offset.

A set is `{"@S": [kind, valid time, ...]}`: a collection's documents (`docs`), an index read (`index`), a
v4 set (`core`), an array or range (`array`), or one made from other sets by a set method (`where`,
`map`, `take`, ...: the method's arguments, sets among them). A lambda (`@L`) keeps its parameters, its
body as our AST without positions (a tree rebuilt as it was, with nothing parsed again) and the values of
the free names its body uses; a document (`@D`) keeps its reference and the time it was read at, and
is read again; a user function (`@U`), a module (`@M`), a module's function (`@F`), a method taken from
a value (`@B`, with the value) and an index (`@I`) keep their names. Other values are stored as
the storage codec stores them; set cursors (`@C`) and event sources (`@E`) keep their tokens. A set
holding anything else (an event source whose token names an entry of the process's table, a Python
value an embedding program gave `Database.run`) has no description: its cursor names an entry in the
process's table instead (sets.py).

Decoding rebuilds the set by calling the same set functions as the reader (its permissions; nothing it
may not do in a set function, so nothing written), each at the valid time it was made at.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import typing as t
import zlib

from attrs import fields as attrs_fields

from ... import ast
from ...errors import FQLError, InvalidArgument, QueryRuntimeError
from ...storage import codec
from ...values import ID, Document, Lambda, Module, NullDocument, Ref, collection_ref
from . import past
from .sets import ArraySet, CoreSet, Derived, DocumentsSet, Held, V10Set

if t.TYPE_CHECKING:
    from ..evaluator import Context

#: The layout of an event source token's payload (streams.py), and of a set cursor's before positions;
#: another is `invalid_cursor`.
FORMAT = 1
#: The layout of a set cursor's payload.
RESUMING = 2
#: The most bytes a cursor's payload may inflate to: a larger one is not a cursor fql made.
MAX_PAYLOAD = 4 << 20
#: AST node classes by name, with the fields a cursor keeps (not `span`, nor a program's `text`, nor a
#: `let`'s parsed annotation, which only the typechecker reads).
_NODES = {
    c.__name__: (c, tuple(f.name for f in attrs_fields(c) if f.name not in ("span", "text", "annotation")))
    for c in vars(ast).values()
    if isinstance(c, type) and issubclass(c, ast.Node) and hasattr(c, "__attrs_attrs__")
}


class Unserializable(Exception):
    """The set holds a value a cursor cannot carry."""


def encode(s: V10Set, at: tuple, size: int, snapshot: int) -> str:
    """The cursor of `s` resuming at `at` (a position and how many to skip past it), paged `size` at a
    time as of `snapshot`; Unserializable if `s` holds what no cursor can carry."""
    position, skip = at
    token = pack([RESUMING, describe(s), _position(position), skip, size, snapshot])
    if len(token) > MAX_PAYLOAD:
        raise Unserializable("too large")  # it would not inflate again: the process's table keeps it
    return token


def decode(ctx: Context, token: str) -> tuple[V10Set, tuple, int, int]:
    """The set, where it resumes, page size and snapshot a cursor holds, the set rebuilt as the reader; a
    token that is not a cursor fql made is `invalid_cursor`."""
    try:
        fmt, data, *rest = unpack(token)
        if fmt == FORMAT:
            (skip, size, snapshot), position = rest, None
        elif fmt == RESUMING:
            position, skip, size, snapshot = rest
        else:
            raise ValueError(fmt)
        if not all(type(n) is int for n in (skip, size, snapshot)) or skip < 0 or size < 1:
            raise ValueError(fmt)
        position = _resumed(ctx, position)
    except (TypeError, ValueError):
        raise invalid() from None
    # The set's documents and sets are read as of the cursor's snapshot, as the query that made it saw them.
    with past.snapshot(ctx, snapshot):
        return rebuilt(ctx, data), (position, skip), size, snapshot


def invalid() -> QueryRuntimeError:
    # Core's words (QueryRuntimeFailure.InvalidCursor), "cursor" twice included.
    return QueryRuntimeError("invalid_cursor", "Cursor cursor is invalid or expired.")


def pack(payload: list) -> str:
    """`payload` (JSON data) as a token: compressed, in URL-safe base64 without padding."""
    text = json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
    return base64.urlsafe_b64encode(zlib.compress(text.encode("utf-8"), 9)).rstrip(b"=").decode("ascii")


def unpack(token: t.Any) -> list:
    """The JSON data `pack` made `token` of; ValueError (or TypeError) for a token it did not make."""
    if not isinstance(token, str) or not token.isascii():
        raise ValueError(token)
    try:
        packed = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        inflate = zlib.decompressobj()
        text = inflate.decompress(packed, MAX_PAYLOAD)
    except (binascii.Error, zlib.error) as err:
        raise ValueError(token) from err
    canonical = base64.urlsafe_b64encode(packed).decode("ascii")
    if token not in (canonical, canonical.rstrip("=")):
        # The last character's unused low bits, a character outside the alphabet that the decoder skips, or
        # padding where none belongs: not a token `pack` wrote, though it may decode to the same bytes (core's
        # Java decoder refuses padding that does not end a token's last group).
        raise ValueError("not canonical")
    if inflate.unconsumed_tail or inflate.unused_data or not inflate.eof:
        # Bytes after the compressed payload (a token with more appended) are no token `pack` wrote either.
        raise ValueError("truncated, too large or with more after it")
    payload = json.loads(text)
    if not isinstance(payload, list) or not payload:
        raise ValueError(payload)
    return payload


def rebuilt(ctx: Context, data: t.Any) -> V10Set:
    """The set `describe` gave `data` for, rebuilt as the reader; `invalid_cursor` for data it did not give."""
    try:
        with _rebuilding(ctx):
            s = _decoded(ctx, data)
    except FQLError:
        raise
    except Exception:
        raise invalid() from None
    if not isinstance(s, V10Set):
        raise invalid()
    return s


def rebuilt_value(ctx: Context, data: t.Any) -> t.Any:
    """Any value `describe` gave `data` for (a function given to an event source's `where`), as the reader."""
    try:
        with _rebuilding(ctx):
            return _decoded(ctx, data)
    except FQLError:
        raise
    except Exception:
        raise invalid() from None


@contextlib.contextmanager
def _rebuilding(ctx: Context) -> t.Iterator[None]:
    """While a cursor's set is rebuilt: no performance hints for calls the reader did not write, and no
    writes (the set functions' effect limit)."""
    from .fields import limited

    state = ctx.state
    hints, state.performance_hints = state.performance_hints, False
    try:
        with limited(ctx, "set functions", reads=True):
            yield
    finally:
        state.performance_hints = hints


# -- positions -----------------------------------------------------------------------------------------


def _position(p: t.Any) -> t.Any:
    """A set's position as JSON data: as it is, but for the elements a Held position keeps (`@H`)."""
    if isinstance(p, Held):
        return {"@H": [_held(p) if p.data is None else p.data, p.index]}
    if isinstance(p, list):
        return [_position(x) for x in p]
    return p


def _held(p: Held) -> t.Any:
    """The elements of a Held position: documents of one collection (the usual order or reverse of a
    collection's set) by their ids alone (`{"@R": [collection, ids]}`), else each as `describe` gives it."""
    items = p.items
    coll = items[0].ref.collection if items and type(items[0]) is Document else None
    if coll is not None and all(type(x) is Document and x.read_ts is None and x.ref.collection == coll for x in items):
        return {"@R": [codec.to_plain(coll), [x.ref.id for x in items]]}
    return [describe(x) for x in items]


def _resumed(ctx: Context, data: t.Any) -> t.Any:
    """The position `_position` gave `data` for; a Held one decodes each element as a page reaches it."""
    if isinstance(data, list):
        return [_resumed(ctx, x) for x in data]
    if not isinstance(data, dict):
        return data
    if list(data) != ["@H"]:
        raise ValueError(data)
    items, index = data["@H"]
    read = rebuilt_value
    if isinstance(items, dict) and list(items) == ["@R"]:
        coll, ids = items["@R"]
        coll = _collection(_decoded(ctx, coll))
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            raise ValueError(data)
        read, data, items = (lambda ctx, doc_id: _document(ctx, Ref(doc_id, coll), None)), items, ids
    elif isinstance(items, list):
        data = items
    else:
        raise ValueError(data)
    if type(index) is not int or not 0 <= index < len(items):
        raise ValueError(data)
    return Held(items, index, read, data)


# -- encoding ------------------------------------------------------------------------------------------


def describe(v: t.Any) -> t.Any:
    """`v` as JSON data: plain where it is plain, else an object with one `@` key; Unserializable for a
    value no cursor can carry."""
    kind = type(v)
    if v is None or kind in (bool, int, float, str):
        return v
    if kind is ID:
        return str(v)  # as core's reification does: an ID casts from its string
    if kind is list:
        return [describe(x) for x in v]
    if kind is dict:
        if all(isinstance(k, str) and k[:1] != "@" for k in v):
            return {k: describe(x) for k, x in v.items()}
        return {"@o": [[describe(k), describe(x)] for k, x in v.items()]}
    if kind is tuple:
        return {"@t": [describe(x) for x in v]}
    if isinstance(v, V10Set):
        return {"@S": _set(v)}
    if kind is Lambda:
        return {"@L": _lambda(v)}
    if kind in (Document, NullDocument):
        return {"@D": [codec.to_plain(v.ref), v.read_ts]}
    if kind is Module:
        return {"@M": [v.name, codec.to_plain(v.collection)]}
    if isinstance(v, ast.Node):
        name = type(v).__name__
        return {"@N": [name, *(describe(getattr(v, f)) for f in _NODES[name][1])]}
    if isinstance(v, str):
        return str(v)  # a lark Token in a node
    return _function(v)


def _function(v: t.Any) -> t.Any:
    """A function value other than a lambda, by the names that find it again."""
    from ...values import EventSource, SetCursor
    from .collections import IndexFunction
    from .expressions import BoundMethod
    from .globals import StaticFunction, UserFunction

    kind = type(v)
    if kind is UserFunction:
        return {"@U": v.name}
    if kind is StaticFunction:
        return {"@F": [describe(v.owner), v.method.owner, v.method.name]}
    if kind is BoundMethod:
        return {"@B": [describe(v.receiver), v.method.owner, v.method.name]}
    if kind is IndexFunction:
        return {"@I": [v.index.sources[0], v.name]}
    if kind is SetCursor:
        return {"@C": v.token}
    if kind is EventSource:
        from .streams import unpacked

        # A self-contained token holds its source; one naming a table entry lives in this process only.
        if unpacked(v.token) is not None:
            return {"@E": v.token}
    try:
        return codec.to_plain(v)
    except InvalidArgument:
        raise Unserializable(type(v).__name__) from None


def _set(s: V10Set) -> list:
    from .collections import IndexSet

    if type(s) is DocumentsSet:
        return ["docs", s.valid_ts, describe(s.coll), describe(s.start), describe(s.stop)]
    if type(s) is IndexSet:
        index = s.index
        return ["index", s.valid_ts, index.sources[0], index.ref.id, describe(s.terms), describe(s.bounds)]
    if type(s) is CoreSet:
        return ["core", None, describe(s.setref), s.docs]
    if type(s) is ArraySet:
        items = s.items
        if type(items) is range:
            # A sequence reversed steps down (sets.reverse).
            return ["range", None, items.start, items.stop, *([items.step] if items.step != 1 else [])]
        if type(items) is not list:
            raise Unserializable("array set")
        return ["single" if s.single else "array", None, describe(items)]
    if type(s) is Derived and s.spec is not None:
        kind, made_at, args = s.spec
        return [kind, made_at, *(describe(a) for a in args)]
    raise Unserializable(type(s).__name__)


def _lambda(fn: Lambda) -> list:
    from .expressions import NULL_KEY
    from .indexed_fields import free_names

    params = [fn.params] if isinstance(fn.params, str) else list(fn.params)
    bound = frozenset(p[3:] if p.startswith("...") else p for p in params)
    closure = {}
    # Only the values its body names: a lambda's scope holds every variable of the query.
    for name, _ in free_names((fn.body,), bound):
        if name in fn.env and not name.startswith(NULL_KEY) and name not in closure:
            closure[name] = describe(fn.env[name])
    if ast.THIS in fn.env:
        closure[ast.THIS] = describe(fn.env[ast.THIS])
    return [params, describe(fn.body), closure]


# -- decoding ------------------------------------------------------------------------------------------


def _decoded(ctx: Context, data: t.Any) -> t.Any:
    """The value JSON data of a cursor stands for: innermost first, so that a set's sources and arguments
    are values (sets rebuilt) when the set is rebuilt."""
    if isinstance(data, list):
        return [_decoded(ctx, x) for x in data]
    if not isinstance(data, dict):
        return data
    inner = {k: _decoded(ctx, x) for k, x in data.items()}
    if len(inner) != 1:
        return inner
    (tag, body), = inner.items()
    if tag[:1] != "@":
        return inner
    if tag == "@S":
        return _rebuilt(ctx, body)
    if tag == "@L":
        params, body_node, closure = body
        if not isinstance(body_node, ast.Node) or not isinstance(closure, dict) or not _names(params):
            raise ValueError(body)
        return Lambda(tuple(params), body_node, closure, api_version="10")
    if tag == "@D":
        return _document(ctx, *body)
    if tag == "@M":
        return Module(*body)
    if tag == "@N":
        cls, names = _NODES[body[0]]
        return cls(**dict(zip(names, body[1:], strict=True)))
    if tag in _FUNCTIONS:
        return _FUNCTIONS[tag](ctx, body)
    if tag not in _CODEC_TAGS:
        raise ValueError(tag)
    return codec.from_tagged(inner)


def _names(params: t.Any) -> bool:
    """Whether a lambda's parameters are as `_lambda` writes them: a list of names."""
    return isinstance(params, list) and all(isinstance(p, str) for p in params)


def _static(ctx: Context, body: list) -> t.Any:
    from ..registry import V10_METHODS, V10_STATICS
    from .globals import USER_COLLECTION, StaticFunction

    owner, table, name = body
    return StaticFunction(owner, (V10_METHODS if table == USER_COLLECTION else V10_STATICS)[(table, name)])


def _bound(ctx: Context, body: list) -> t.Any:
    from ..registry import V10_METHODS
    from .expressions import BoundMethod

    receiver, table, name = body
    return BoundMethod(receiver, V10_METHODS[(table, name)])


def _index_function(ctx: Context, body: list) -> t.Any:
    from .collections import index_function

    coll, name = body
    found = index_function(ctx, Module(coll), name) if isinstance(coll, str) and isinstance(name, str) else None
    if found is None:
        raise invalid()
    return found


def _user_function(ctx: Context, name: t.Any) -> t.Any:
    from .globals import UserFunction

    if not isinstance(name, str):
        raise ValueError(name)
    return UserFunction(name, ctx.state.scope)


def _set_cursor(ctx: Context, token: t.Any) -> t.Any:
    from ...values import SetCursor

    if not isinstance(token, str):
        raise ValueError(token)
    return SetCursor(token)


def _event_source(ctx: Context, token: t.Any) -> t.Any:
    from ...values import EventSource

    if not isinstance(token, str):
        raise ValueError(token)
    return EventSource(token)


#: Function values, set cursors and event sources by tag: each found again by its names, as the reader.
_FUNCTIONS = {
    "@U": _user_function, "@F": _static, "@B": _bound, "@I": _index_function, "@C": _set_cursor,
    "@E": _event_source,
}  # fmt: skip
#: The storage codec's tags a cursor may hold.
_CODEC_TAGS = frozenset(("@t", "@o", "@ref", "@set", "@ts", "@date", "@bytes", "@uuid"))


def _document(ctx: Context, ref: t.Any, read_ts: t.Any) -> t.Any:
    """A document a set holds, read again: at the time it was read at inside `at`, else as of the
    cursor's snapshot."""
    from .documents import read

    if not isinstance(ref, Ref) or not (read_ts is None or type(read_ts) is int):
        raise ValueError(ref)
    if read_ts is None:
        return read(ctx, ref, stamped=False)
    with past.reading_at(ctx, read_ts):
        return read(ctx, ref)


def _rebuilt(ctx: Context, body: list) -> V10Set:
    kind, made_at, *args = body
    if not (made_at is None or type(made_at) is int):
        raise ValueError(made_at)
    # Made at the valid time it was made at (inside `at`), or the reader's own.
    with past.reading_at(ctx, made_at):
        return _KINDS[kind](ctx, *args)


def _index(ctx: Context, coll: str, name: str, terms: list, bounds: dict) -> V10Set:
    from .collections import index_set

    if isinstance(coll, str):
        _check_named(ctx, collection_ref(coll))
    found = index_set(ctx, coll, name, terms, bounds)
    if found is None:
        raise invalid()
    return found


def _step(step: t.Any) -> int:
    if step not in (1, -1) or type(step) is not int:
        raise ValueError(step)
    return step


def _array(ctx: Context, items: list) -> V10Set:
    if not isinstance(items, list):
        raise ValueError(items)
    return ArraySet(items)


def _collection(value: t.Any) -> t.Any:
    if not isinstance(value, Ref):
        raise ValueError(value)
    return value


def _documents(ctx: Context, coll: t.Any, start: t.Any, stop: t.Any) -> DocumentsSet:
    coll = _collection(coll)
    if coll.collection is not None:
        _check_named(ctx, coll)
    return DocumentsSet(ctx, coll, start, stop)


def _check_named(ctx: Context, coll: Ref) -> None:
    """Core's cursor names a user collection, which must still resolve: a deleted one is unbound."""
    from ..refs import check_collection

    try:
        check_collection(ctx, coll)
    except FQLError:
        raise QueryRuntimeError("unbound_variable", f"Unbound variable `{coll.id}`") from None


def _set_of(value: t.Any) -> V10Set:
    if not isinstance(value, V10Set):
        raise ValueError(value)
    return value


def _method(name: str) -> t.Callable[..., V10Set]:
    """A set method, called on its rebuilt receiver with its arguments."""

    def call(ctx: Context, receiver: t.Any, *args: t.Any) -> V10Set:
        from ..registry import V10_METHODS

        return V10_METHODS[("Set", name)].fn(ctx, _set_of(receiver), *args)

    return call


def _kinds() -> dict[str, t.Callable[..., V10Set]]:
    from .expressions import project
    from .sets import WhereSet, flat_mapped, single

    return {
        "docs": _documents,
        "index": _index,
        "core": lambda ctx, setref, docs: CoreSet(setref, bool(docs)),
        "range": lambda ctx, start, stop, step=1: ArraySet(range(int(start), int(stop), _step(step))),
        "array": _array,
        "single": lambda ctx, items: single(ctx, *items),
        "where": lambda ctx, s, predicate: WhereSet(ctx, _set_of(s), predicate),
        "project": lambda ctx, s, fields: project(ctx, _set_of(s), fields),
        "flatMapReversed": lambda ctx, s, fn: flat_mapped(ctx, _set_of(s), fn, reversed_=True),
        **{
            name: _method(name)
            for name in ("map", "flatMap", "pageSize", "take", "drop", "reverse", "distinct", "concat", "order")
        },
    }


_KINDS = _kinds()


def rebuild(ctx: Context, kind: str, *args: t.Any) -> V10Set:
    """The set a set function `kind` makes of `args` (the set it is called on first), as a cursor's is
    made again: sets.reverse makes a `where`, `map`, projection or `pageSize` again of its set reversed."""
    return _KINDS[kind](ctx, *args)
