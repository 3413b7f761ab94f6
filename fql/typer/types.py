"""The checker's types, their unions as core's typer coalesces them, and core's display of them (typeStr).

Core's typer (ext/fql/shared/src/main/scala/typer/) infers with type variables and simplifies the result
(CoalescedType); the checker here infers forward and models only what it can be sure of. `UNKNOWN` is the
type of whatever it does not model: it accepts everything, like `Any`, but has no display, so a query whose
type involves it reports no `static_type`.
"""

from __future__ import annotations

import json
import re
import typing as t

from attrs import Factory, field, frozen

from ..parse.v10 import KEYWORDS


class Type:
    """Base of the checker's types."""


@frozen
class Unknown(Type):
    """What the checker does not model (an unknown global, a lambda's parameter used): accepted everywhere,
    shown nowhere."""


@frozen
class Named(Type):
    """A named type (`Int`, `String`, `Null`, `Any`, `Never`), or a constructor with arguments (`Array<Int>`)."""

    name: str
    args: tuple[Type, ...] = ()


@frozen
class Lit(Type):
    """A singleton type from a literal: `2`, `"foo"`, `true` (null is the named type `Null`, as in core)."""

    value: bool | int | float | str
    #: How a floating-point literal shows (core shows a literal's source text, which fql's tree does not keep;
    #: a template value shows as Java prints a double). None: not shown.
    text: str | None = None
    #: The value's Python type, so that literals Python holds equal are apart: `true` and `1`, `1` and `1.0`.
    kind: str = field(default=Factory(lambda self: type(self.value).__name__, takes_self=True), repr=False)


@frozen
class Record(Type):
    """A struct type, `{ a: 1 }`, with its fields in order and an optional `*` wildcard."""

    fields: tuple[tuple[str, Type], ...]
    wildcard: Type | None = None

    def field(self, name: str) -> Type | None:
        for key, value in self.fields:
            if key == name:
                return value
        return self.wildcard


@frozen
class Tuple(Type):
    """An array literal's type: core types `[1, "a"]` as the tuple `[1, "a"]`."""

    items: tuple[Type, ...]


@frozen
class Union(Type):
    """`A | B`, already coalesced (see `union`)."""

    members: tuple[Type, ...]


@frozen
class Var(Type):
    """A lambda's parameter: generic while only passed along, shown as core names generics (`A`, `B`)."""

    id: int


@frozen
class Param(Type):
    """A type parameter of a stdlib signature (`A` in `<A> () => A | Null`), bound when the function is
    called (from its receiver, its arguments and its lambdas' results); never shown."""

    name: str


@frozen
class Func(Type):
    """A function's type: `A => A`, `(A, B) => [A, B]`, `() => 1`; a stdlib method's names its parameters,
    `(x: Number) => Number`."""

    params: tuple[Type, ...]
    result: Type
    #: The parameters' names, as a stdlib signature gives them (empty for a lambda's).
    names: tuple[str | None, ...] = ()
    #: A rest parameter's name and type (`(args: ...Any) => Null`): it takes any number of arguments more.
    rest: tuple[str | None, Type] | None = None


@frozen
class Intersect(Type):
    """An overloaded function, `((start: Number) => String) & ((start: Number, end: Number) => String)`."""

    members: tuple[Func, ...]


@frozen
class Generic(Type):
    """A generic stdlib member reached from a receiver (`[1, 2].map`, `Author.all().first`): the function's
    type, with what its receiver binds of its parameters (`A` of `Array<A>`), each a type it has."""

    fn: Func | Intersect
    seeds: tuple[tuple[str, Type], ...] = ()


UNKNOWN = Unknown()
ANY = Named("Any")
NEVER = Named("Never")
NULL = Named("Null")
BOOLEAN = Named("Boolean")
NUMBER = Named("Number")
STRING = Named("String")

#: The number types and what each is a subtype of (core's hard-coded number subtyping, TyperConstrain).
NUMBERS = {
    "Int": {"Int", "Long", "Number"}, "Long": {"Long", "Number"}, "Double": {"Double", "Number"}, "Number": {"Number"},
}  # fmt: skip

_INT32 = range(-(2**31), 2**31)
_INT64 = range(-(2**63), 2**63)


def primary(t_: Type) -> Type:
    """A literal's primary type (core's Type.primaryLitType), what it is widened to when it fails a check:
    `1.foo` is ``Type `Int` does not have field `foo` ``. Other types are themselves."""
    if not isinstance(t_, Lit):
        return t_
    value = t_.value
    if isinstance(value, bool):
        return BOOLEAN
    if isinstance(value, str):
        return STRING
    if isinstance(value, float):
        return Named("Double")
    return Named("Int" if value in _INT32 else "Long" if value in _INT64 else "Double")


def is_value_of(lit: Lit, name: str) -> bool:
    """Whether the literal is a value of the named type (core's Type.isValueOf)."""
    value = lit.value
    if isinstance(value, bool):
        return name == "Boolean"
    if isinstance(value, str):
        return name in ("String", "ID")
    if isinstance(value, float):
        return name in ("Number", "Double")
    if name in ("Number", "Double"):
        return True
    return (name == "Int" and value in _INT32) or (name in ("Long", "ID") and value in _INT64)


def contains(t_: Type, kind: type | tuple[type, ...]) -> bool:
    """Whether `kind` (Unknown, Var, ..., or a tuple of them) occurs anywhere in the type."""
    if isinstance(t_, kind):
        return True
    # Walked by hand, the common shapes first: the check runs before every query.
    cls = type(t_)
    if cls is Named:
        return any(contains(a, kind) for a in t_.args) if t_.args else False  # type: ignore[attr-defined]
    if cls is Func:
        if any(contains(p, kind) for p in t_.params) or contains(t_.result, kind):  # type: ignore[attr-defined]
            return True
        return t_.rest is not None and contains(t_.rest[1], kind)  # type: ignore[attr-defined]
    if cls in _LEAVES:
        return False
    return any(contains(child, kind) for child in children(t_))


#: The types with no types inside.
_LEAVES = frozenset((Lit, Unknown, Var, Param))


def children(t_: Type) -> t.Iterator[Type]:
    """The types directly inside a type."""
    if isinstance(t_, Named):
        yield from t_.args
    elif isinstance(t_, Record):
        yield from (v for _, v in t_.fields)
        if t_.wildcard is not None:
            yield t_.wildcard
    elif isinstance(t_, (Tuple, Union, Intersect)):
        yield from (t_.items if isinstance(t_, Tuple) else t_.members)
    elif isinstance(t_, Func):
        yield from t_.params
        if t_.rest is not None:
            yield t_.rest[1]
        yield t_.result
    elif isinstance(t_, Generic):
        yield t_.fn
        yield from (v for _, v in t_.seeds)


def is_number(t_: Type) -> bool:
    """Whether every value of the type is a number."""
    if isinstance(t_, Union):
        return all(is_number(m) for m in t_.members)
    if isinstance(t_, Lit):
        return isinstance(t_.value, (int, float)) and not isinstance(t_.value, bool)
    return isinstance(t_, Named) and t_.name in NUMBERS


def is_subtype(value: Type, use: Type) -> bool:
    """Whether `value <: use` for sure (False also where the checker cannot tell)."""
    if value == use or use == ANY or value == NEVER:
        return True
    if isinstance(value, Union):
        return all(is_subtype(m, use) for m in value.members)
    if isinstance(use, Union):
        return any(is_subtype(value, m) for m in use.members)
    if isinstance(value, Lit):
        if isinstance(use, Lit):
            return False
        return isinstance(use, Named) and not use.args and is_value_of(value, use.name)
    if isinstance(value, Named) and isinstance(use, Named) and not value.args and not use.args:
        return use.name in NUMBERS.get(value.name, ())
    if isinstance(value, Tuple) and isinstance(use, Tuple):
        return len(value.items) == len(use.items) and all(map(is_subtype, value.items, use.items))
    if isinstance(value, Tuple) and isinstance(use, Named) and use.name == "Array" and len(use.args) == 1:
        return all(is_subtype(item, use.args[0]) for item in value.items)
    if isinstance(value, Record) and isinstance(use, Record) and value.wildcard is None and use.wildcard is None:
        # Every field the use has, or may be null without; none it does not have (TyperConstrain's records).
        if any(use.field(k) is None for k, _ in value.fields):
            return False
        return all(
            is_subtype(NULL, u) if value.field(k) is None else is_subtype(value.field(k), u)  # type: ignore[arg-type]
            for k, u in use.fields
        )
    return False


# -- unions, as core's CoalescedType merges them in a value position ---------------------------------------


def union(types: t.Iterable[Type]) -> Type:
    """The union of `types` as core coalesces it: members flattened and deduplicated, a literal dropped when
    its primitive type is there (`3 | Int` is `Int`; `true | false` is `Boolean`), records merged into one
    holding their common fields, tuples of one length merged item by item; `Never` dropped. Ordered as core
    displays it: `Any`, literals, named types, constructed types, records, tuples, with `Null` last. A union
    holding what the checker does not model, a generic or a function is UNKNOWN."""
    flat: list[Type] = []
    for each in types:
        flat.extend(each.members if isinstance(each, Union) else (each,))
    flat = [m for m in dict.fromkeys(flat) if m != NEVER]
    if len(flat) == 1:
        return flat[0]
    if any(isinstance(m, Param) for m in flat):
        # A signature's union of parameters (`A | Null`): coalesced once they are bound (`substitute`).
        return Union(tuple(flat))
    if any(isinstance(m, (Unknown, Var, Func, Intersect, Generic)) for m in flat):
        return UNKNOWN
    if not flat:
        return NEVER
    ids = list(dict.fromkeys(m.name for m in flat if isinstance(m, Named) and not m.args))
    singles = list(dict.fromkeys(m for m in flat if isinstance(m, Lit)))
    singles = [s for s in singles if not any(is_value_of(s, name) for name in ids)]
    if Lit(True) in singles and Lit(False) in singles:
        singles = [s for s in singles if not isinstance(s.value, bool)]
        ids.append("Boolean")
    constructs = _merge_constructs([m for m in flat if isinstance(m, Named) and m.args])
    records = [m for m in flat if isinstance(m, Record)]
    tuples = _merge_tuples([m for m in flat if isinstance(m, Tuple)])
    if constructs is None:
        return UNKNOWN
    members: list[Type] = [ANY] if "Any" in ids else []
    members += singles
    members += [Named(name) for name in ids if name not in ("Any", "Null")]
    members += constructs
    if records:
        merged = _merge_records(records)
        if merged is None:
            return UNKNOWN
        members.append(merged)
    members += tuples
    if "Null" in ids:
        members.append(NULL)
    return members[0] if len(members) == 1 else Union(tuple(members))


def _merge_constructs(types: list[Named]) -> list[Type] | None:
    by_name: dict[str, list[Named]] = {}
    for each in types:
        by_name.setdefault(each.name, []).append(each)
    out: list[Type] = []
    for name, same in by_name.items():
        if len({len(s.args) for s in same}) > 1:
            return None
        out.append(Named(name, tuple(union(args) for args in zip(*(s.args for s in same)))))
    return out


def _merge_tuples(types: list[Tuple]) -> list[Type]:
    by_length: dict[int, list[Tuple]] = {}
    for each in types:
        by_length.setdefault(len(each.items), []).append(each)
    return [Tuple(tuple(union(items) for items in zip(*(s.items for s in same)))) for same in by_length.values()]


def _merge_records(records: list[Record]) -> Record | None:
    """Records in a union: the fields all of them have (or a wildcard gives), each the union of theirs."""
    if any(r.wildcard is not None for r in records):
        return None
    names = [k for k, _ in records[0].fields if all(r.field(k) is not None for r in records[1:])]
    return Record(tuple((k, union(r.field(k) for r in records)) for k in names))  # type: ignore[misc]


def substitute(t_: Type, bound: t.Mapping[str, Type]) -> Type:
    """The type with the parameters `bound` gives replaced (unions coalesced again); others are kept."""
    return replaced(t_, Param, lambda p: bound.get(p.name, p))


def replaced(t_: Type, kind: type, swap: t.Callable[[t.Any], Type]) -> Type:
    """The type with each `kind` leaf (Param, Var) replaced by `swap` of it, unions coalesced again."""
    if isinstance(t_, kind):
        return swap(t_)
    if not contains(t_, kind):
        return t_
    if isinstance(t_, Named):
        return Named(t_.name, tuple(replaced(a, kind, swap) for a in t_.args))
    if isinstance(t_, Union):
        return union(replaced(m, kind, swap) for m in t_.members)
    if isinstance(t_, Tuple):
        return Tuple(tuple(replaced(i, kind, swap) for i in t_.items))
    if isinstance(t_, Record):
        wildcard = None if t_.wildcard is None else replaced(t_.wildcard, kind, swap)
        return Record(tuple((k, replaced(v, kind, swap)) for k, v in t_.fields), wildcard)
    if isinstance(t_, Func):
        params = tuple(replaced(p, kind, swap) for p in t_.params)
        rest = None if t_.rest is None else (t_.rest[0], replaced(t_.rest[1], kind, swap))
        return Func(params, replaced(t_.result, kind, swap), t_.names, rest)
    if isinstance(t_, Intersect):
        return Intersect(tuple(replaced(m, kind, swap) for m in t_.members))  # type: ignore[misc]
    return t_


# -- display, as core's Display.displayTExpr -----------------------------------------------------------

_IDENT = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")


def display(t_: Type, generic: bool = False) -> str | None:
    """The type as core shows it (a response's `static_type`, and inside error messages); None for a type
    the checker cannot show (one holding UNKNOWN, a floating-point literal). `generic`: a stdlib function
    of a generic signature, not called, shows its type parameters by their names (`asc` is `(accessor: (A
    => Any)) => { asc: A => Any }`, core's skolemized signature without its `<A>`)."""
    if contains(t_, (Unknown, Generic)) or (not generic and contains(t_, Param)) or _has_float(t_):
        return None
    names: dict[int, str] = {}
    _name_generics(t_, names)
    return _show(t_, 0, names)


def _has_float(t_: Type) -> bool:
    if isinstance(t_, Lit) and isinstance(t_.value, float):
        return t_.text is None
    return any(_has_float(child) for child in children(t_))


def _name_generics(t_: Type, names: dict[int, str]) -> None:
    """Letters for the generics that a function both takes and gives, in the order core's simplifier meets
    them (its parameters first); a generic a function only takes is `Any`."""
    if isinstance(t_, Func):
        given: set[int] = set()
        _positive_vars(t_.result, given)
        for param in t_.params:
            if isinstance(param, Var) and param.id in given and param.id not in names:
                names[param.id] = _letter(len(names))
        _name_generics(t_.result, names)
        return
    for child in children(t_):
        _name_generics(child, names)


def _positive_vars(t_: Type, out: set[int]) -> None:
    if isinstance(t_, Var):
        out.add(t_.id)
    elif isinstance(t_, Func):
        _positive_vars(t_.result, out)
    else:
        for child in children(t_):
            _positive_vars(child, out)


def _letter(n: int) -> str:
    return chr(ord("A") + n % 26) * (n // 26 + 1)


def _show(t_: Type, prec: int, names: dict[int, str]) -> str:
    if isinstance(t_, Lit):
        return _literal(t_)
    if isinstance(t_, Named):
        return t_.name + ("<" + ", ".join(_show(a, 0, names) for a in t_.args) + ">" if t_.args else "")
    if isinstance(t_, Var):
        return names.get(t_.id, "Any")
    if isinstance(t_, Param):
        return t_.name
    if isinstance(t_, Record):
        items = [f"{field_name(k)}: {_show(v, 0, names)}" for k, v in t_.fields]
        if t_.wildcard is not None:
            items.append(f"*: {_show(t_.wildcard, 0, names)}")
        return "{ " + ", ".join(items) + " }" if items else "{}"
    if isinstance(t_, Tuple):
        return "[" + ", ".join(_show(i, 0, names) for i in t_.items) + "]"
    if isinstance(t_, Union):
        text = " | ".join(_show(m, 20, names) for m in t_.members)
        return f"({text})" if prec > 20 else text
    if isinstance(t_, Intersect):
        text = " & ".join(_show(m, 30, names) for m in t_.members)
        return f"({text})" if prec > 30 else text
    assert isinstance(t_, Func)
    result = _show(t_.result, 10, names)
    labels = t_.names or (None,) * len(t_.params)
    if t_.rest is not None:
        shown = [_show(p, 10, names) if n is None else f"{n}: {_show(p, 10, names)}" for n, p in zip(labels, t_.params)]
        label, rest = t_.rest
        shown.append(("" if label is None else f"{label}: ") + "..." + _show(rest, 10, names))
        text = "(" + ", ".join(shown) + f") => {result}"
        return f"({text})" if prec > 10 else text
    if len(t_.params) == 1 and labels[0] is None:
        text = f"{_show(t_.params[0], 11, names)} => {result}"
    elif len(t_.params) == 1:
        text = f"({labels[0]}: {_show(t_.params[0], 11, names)}) => {result}"
    else:
        shown = (_show(p, 10, names) if n is None else f"{n}: {_show(p, 10, names)}" for n, p in zip(labels, t_.params))
        text = "(" + ", ".join(shown) + f") => {result}"
    return f"({text})" if prec > 10 else text


def field_name(name: str) -> str:
    """A record field's name as core's Display shows it in a type (displayFieldName): itself if it is an
    identifier that is no keyword, else between double quotes as it is, nothing escaped (`"é t"`,
    `"if"`). The environment's types show it so too (fql/eval/v10/environment.py)."""
    return name if _IDENT.fullmatch(name) and name not in KEYWORDS else f'"{name}"'


def _literal(lit: Lit) -> str:
    value = lit.value
    if lit.text is not None:
        return lit.text
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return str(value)
