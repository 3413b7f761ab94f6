"""The built-in functions: one registration per operation, found by any spelling of its name.

`@builtin("Add", keys=("add",), varargs=True)` registers a v4 function. `keys` are its v4 wire keys in
argument order (the first names the form: `{"select": p, "from": f, "default": d}`); the evaluator uses
them for argument positions in errors and the wire decoder uses them to read JSON forms.
"""

from __future__ import annotations

import functools
import inspect
import re
import typing as t

from attrs import evolve, frozen

from .. import ast

if t.TYPE_CHECKING:
    from .casts import Cast


@frozen
class Builtin:
    """One v4 function: how to call it and how its arguments are named on the wire."""

    name: str
    fn: t.Callable[..., t.Any]
    #: Wire keys of the positional arguments, in order.
    keys: tuple[str, ...]
    #: How many of `keys` must be given.
    required: int
    #: The last key takes the rest of the arguments (`Add(1, 2, 3)`, `Match(idx, a, b)`).
    varargs: bool
    #: Arguments arrive as AST nodes, for forms that choose what to evaluate (If, Let, And).
    lazy: bool
    #: Keys that may come in a trailing options object (`Paginate(set, {size: 2})`).
    options: tuple[str, ...]
    #: Expected types of the positional arguments (None: anything).
    types: tuple[Cast | None, ...]
    aliases: tuple[str, ...]
    #: The keys in the shell's argument order, where it differs from the wire's (`Map(coll, fn)` is
    #: `{"map": fn, "collection": coll}`); None when the orders agree.
    shell: tuple[str, ...] | None = None
    #: The Python parameter names of the positional arguments (after `ctx`), for keys given out of order.
    params: tuple[str, ...] = ()

    #: Plain positional arguments only (not lazy, no varargs, options or shell order): the evaluator's
    #: fast path. Derived from the fields above when registered.
    simple: bool = False
    #: Its value depends on its string arguments alone (refs: `Ref`, `Collection`, ...): a call of it on
    #: literal strings is evaluated once per parsed query and reused (evaluator._positional).
    pure: bool = False
    #: Options of which one at most may be given: core parses each in a form of its own (Paginate's
    #: `after`, `before` and `cursor`), so no form takes two of them.
    exclusive: frozenset[str] = frozenset()
    #: How many of `keys` a wire form must give, where the shell's call may give fewer (its one-argument
    #: `Ref("classes/spells/1")`; core's `ref` form needs its `id`); None: `required`.
    form_required: int | None = None

    def clashes(self, given: t.Iterable[str]) -> bool:
        """Whether `given` keys hold two of the options no single form of core takes together."""
        return len(self.exclusive.intersection(given)) > 1

    def takes(self, given: t.Collection[str]) -> bool:
        """Whether a wire form with the keys `given` is this built-in's: every key known, every required
        key present, no two exclusive options."""
        need = self.required if self.form_required is None else self.form_required
        return (
            set(given) <= {*self.keys, *self.options}
            and all(k in given for k in self.keys[:need])
            and not (self.exclusive and self.clashes(given))
        )

    def to_key_order(self, args: tuple) -> tuple:
        """Shell-ordered arguments rearranged into `keys` order.

        The Python driver spells these in wire order (`q.map_(q.lambda_(...), coll)`). Core accepts only a
        written-out Lambda as the function, so a Lambda call first (and not second) means wire order.
        """
        if self.shell is None or len(args) != len(self.shell):
            return args
        if _is_lambda_call(args[0]) and not _is_lambda_call(args[1]):
            return args
        by_key = dict(zip(self.shell, args))
        return tuple(by_key[k] for k in self.keys if k in by_key)

    @property
    def doc(self) -> str:
        return inspect.getdoc(self.fn) or ""

    @property
    def signature(self) -> str:
        params = list(self.shell or self.keys)
        if self.varargs and params:
            params[-1] = "..." + params[-1]
        params = [p if i < self.required else p + "?" for i, p in enumerate(params)]
        if self.options:
            params.append("{" + ", ".join(self.options) + "}?")
        return f"{self.name}({', '.join(params)})"


def _is_lambda_call(node: t.Any) -> bool:
    return isinstance(node, ast.Call) and normalise(node.name) == "lambda"


#: v4 functions by normalised name (see `normalise`).
V4: dict[str, Builtin] = {}
#: v4 functions by the first wire key of their form (`add`, `create_collection`, `if`).
V4_FORMS: dict[str, list[Builtin]] = {}

_PREFIX = re.compile(r"^(?:q|f|query|fauna)\.", re.I)


def normalise(name: str) -> str:
    """The lookup key of a name in any driver's spelling: `q.CreateCollection`, `create_collection`, `if_`."""
    return _PREFIX.sub("", name).replace("_", "").lower()


def snake(name: str) -> str:
    """`CreateCollection` -> `create_collection` (the v4 wire key of a shell name)."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def builtin(
    v4: str,
    *,
    keys: tuple[str, ...] | None = None,
    required: int | None = None,
    varargs: bool = False,
    lazy: bool = False,
    options: tuple[str, ...] = (),
    types: tuple[Cast | None, ...] = (),
    aliases: tuple[str, ...] = (),
    shell: tuple[str, ...] | None = None,
    pure: bool = False,
    forms: tuple[str, ...] = (),
    exclusive: tuple[str, ...] = (),
    form_required: int | None = None,
) -> t.Callable:
    """Register the decorated function as the v4 built-in `v4` (plus `aliases`, and `forms`: other wire
    keys that spell its form, as `{"identity": null}` spells `{"current_identity": null}`; `exclusive`:
    options no call may give two of)."""

    def register(fn: t.Callable) -> t.Callable:
        form_keys = keys if keys is not None else (snake(v4),)
        params = list(inspect.signature(fn).parameters.values())[1:]
        positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        need = sum(1 for p in positional if p.default is p.empty) if required is None else required
        entry = Builtin(
            v4,
            fn,
            tuple(form_keys),
            need,
            varargs,
            lazy,
            tuple(options),
            tuple(types),
            tuple(aliases),
            shell,
            tuple(p.name for p in positional),
            not (lazy or varargs or options or shell),
            pure,
            frozenset(exclusive),
            form_required,
        )
        # A form spelled by an alias is that alias (`{"class": "x"}` is `Class("x")`, as the drivers
        # write it), and its errors are at its own key.
        named = {snake(name): name for name in aliases}
        spelled = {key: evolve(entry, name=named.get(key, v4), keys=(key, *form_keys[1:])) for key in forms}
        V4[normalise(v4)] = entry
        for name in aliases:
            V4[normalise(name)] = spelled.get(snake(name), entry)
        lookup.cache_clear()
        if form_keys:
            V4_FORMS.setdefault(form_keys[0], []).append(entry)
        for key, form in spelled.items():
            V4_FORMS.setdefault(key, []).append(form)
        return fn

    return register


@functools.lru_cache(maxsize=4096)
def lookup(name: str) -> Builtin | None:
    """The built-in a name spells, in any driver's spelling (cached: names repeat in every query)."""
    return V4.get(normalise(name))


def load() -> None:
    """Import every family module so their registrations run."""
    from . import (  # noqa: F401
        auth,
        catalog,
        collections,
        control,
        documents,
        history,
        logic,
        math,
        providers,
        roles,
        schema,
        sets,
        strings,
        time,
        types,
    )
    from .v10 import arrays, misc, natives, numbers, objects  # noqa: F401
    from .v10 import collections as _v10_collections, documents as _v10_documents  # noqa: F401
    from .v10 import sets as _v10_sets, strings as _v10_strings, time as _v10_time, types as _v10_types  # noqa: F401
    from .v10 import streams as _v10_streams  # noqa: F401

    catalog.register_missing()
    catalog.register_missing_v10()
    _add_unstable_names()


def _add_unstable_names() -> None:
    """The forms API UNSTABLE spells in snake_case (`lower_case` for `lowercase`): the same built-ins,
    which only code of that version has (versions.has_form)."""
    from .versions import UNSTABLE_NAMES

    for new, old in UNSTABLE_NAMES.items():
        V4_FORMS[new] = [evolve(fn, keys=(new, *fn.keys[1:])) for fn in V4_FORMS.get(old, ())]


# -- FQL v10 bindings ----------------------------------------------------------------------------------


@frozen
class Method:
    """A v10 method, static function or field: `String.toUpperCase`, `Math.abs`, `Array.length`."""

    owner: str
    name: str
    fn: t.Callable[..., t.Any]
    #: Smallest and largest number of arguments (None: any number).
    min_args: int
    max_args: int | None

    @property
    def doc(self) -> str:
        return inspect.getdoc(self.fn) or ""

    @property
    def signature(self) -> str:
        """`String.slice(start, end)`: the parameters after ctx (and, for a method, its receiver)."""
        skip = 2 if V10_METHODS.get((self.owner, self.name)) is self else 1
        params = list(inspect.signature(self.fn).parameters)[skip:]
        return f"{self.owner}.{self.name}({', '.join(params)})"


#: Instance methods by (type name, method): the receiver is the first argument after ctx.
V10_METHODS: dict[tuple[str, str], Method] = {}
#: Static functions and fields of modules by (module, name): `Math.abs`, `Time.now`, `Math.PI`.
V10_STATICS: dict[tuple[str, str], Method] = {}
#: Fields computed from a value by (type name, field): `String.length`, `Time.year`.
V10_FIELDS: dict[tuple[str, str], Method] = {}


def _method(table: dict, owner: str, name: str, skip: int) -> t.Callable:
    def register(fn: t.Callable) -> t.Callable:
        params = list(inspect.signature(fn).parameters.values())[skip:]
        if any(p.kind is p.VAR_POSITIONAL for p in params):
            low, high = sum(1 for p in params if p.default is p.empty and p.kind is p.POSITIONAL_OR_KEYWORD), None
        else:
            low = sum(1 for p in params if p.default is p.empty)
            high = len(params)
        table[(owner, name)] = Method(owner, name, fn, low, high)
        return fn

    return register


def method(owner: str, name: str) -> t.Callable:
    """Register `fn(ctx, receiver, *args)` as the v10 method `owner.name` (`@method("String", "at")`)."""
    return _method(V10_METHODS, owner, name, 2)


def static(owner: str, name: str) -> t.Callable:
    """Register `fn(ctx, *args)` as the v10 static function `owner.name` (`@static("Math", "abs")`)."""
    return _method(V10_STATICS, owner, name, 1)


def field(owner: str, name: str) -> t.Callable:
    """Register `fn(ctx, receiver)` as the v10 field `owner.name` (`@field("String", "length")`)."""
    return _method(V10_FIELDS, owner, name, 2)
