"""`:help Name`: the signature and documentation of a v4 function, a v10 method, static, field or module."""

from __future__ import annotations

import inspect
import typing as t

from ..eval import registry
from ..eval.v10.globals import GLOBAL, MODULES, USER_COLLECTION

#: The v10 tables by kind: instance methods, module statics, computed fields.
TABLES: dict[str, dict[tuple[str, str], registry.Method]] = {
    "method": registry.V10_METHODS,
    "static": registry.V10_STATICS,
    "field": registry.V10_FIELDS,
}


def signature10(kind: str, method: registry.Method) -> str:
    """`String.slice(start, end?)`, `Math.abs(x)`, `Time(time)` for a constructor, `String.length` for a field."""
    owner = "" if method.owner == GLOBAL else method.owner + "."
    name = "" if method.name == "__call__" else method.name
    head = (owner + name).rstrip(".")
    if kind == "field":
        return head
    params = list(inspect.signature(method.fn).parameters.values())[1 if kind == "static" else 2 :]
    return f"{head}({', '.join(_param(p) for p in params if p.kind is not p.KEYWORD_ONLY)})"


def _param(p: inspect.Parameter) -> str:
    name = p.name.rstrip("_")
    if p.kind is p.VAR_POSITIONAL:
        return "..." + name
    return name if p.default is p.empty else name + "?"


def is_missing(fn: t.Any) -> bool:
    """True for a catalogued function fql does not implement (it fails with `not implemented`)."""
    return getattr(fn, "not_implemented", False)


def help_text(name: str) -> str:
    """Every entry `name` spells: a v4 function (any driver spelling), then v10 members or a module."""
    sections = [_v4(name), *_v10(name)]
    found = [s for s in sections if s]
    if found:
        return "\n\n".join(found)
    owners = _owners(name)
    if owners:
        # `:help toUpperCase`: a v10 method is named with its type; say which types have one.
        listed = ", ".join(f"{owner}.{name}" for owner in owners[:12]) + (", ..." if len(owners) > 12 else "")
        return f"No function named {name!r}; try :help with one of: {listed}"
    return f"No function named {name!r}."


def _owners(name: str) -> list[str]:
    """The v10 types and modules with a member `name` (for a name given without its owner)."""
    if "." in name:
        return []
    found = {owner for table in TABLES.values() for owner, member in table if member == name and owner != GLOBAL}
    return sorted(found, key=lambda owner: (owner == USER_COLLECTION, owner))


def _v4(name: str) -> str:
    fn = registry.lookup(name)
    if fn is None:
        return ""
    return f"{fn.signature}\n{fn.doc}".rstrip()


def _v10(name: str) -> list[str]:
    owner, dot, member = name.rpartition(".")
    if not dot:
        return [_entry("static", (GLOBAL, name)), _module(name)]
    entries = [_entry(kind, (owner, member)) for kind in TABLES]
    if not any(entries) and owner not in MODULES and owner[:1].isupper():
        # `People.byId`: any other capitalised name may be a user collection.
        entries = [_entry(kind, (USER_COLLECTION, member)) for kind in TABLES]
    return entries


def _entry(kind: str, key: tuple[str, str]) -> str:
    method = TABLES[kind].get(key)
    if method is None:
        return ""
    doc = "Not implemented in fql yet." if is_missing(method.fn) else method.doc
    return f"{signature10(kind, method)}\n{doc}".rstrip()


def _module(name: str) -> str:
    """A v10 module or type: its constructor, then the names of its statics, fields and methods."""
    lines = []
    constructor = _entry("static", (name, "__call__"))
    if constructor:
        lines.append(constructor)
    for kind, label in (("static", "functions"), ("field", "fields of a {}"), ("method", "methods of a {}")):
        names = members(kind, name)
        if names:
            lines.append(f"{label.format(name)}: {', '.join(names)}")
    if not lines and name not in MODULES:
        return ""
    return "\n".join([f"{name} (v10 module)" if name in MODULES else f"{name} (v10 type)", *lines])


def members(kind: str, owner: str) -> list[str]:
    """The names `owner` has in the table of `kind`, sorted (constructors left out)."""
    return sorted(n for o, n in TABLES[kind] if o == owner and n != "__call__")
