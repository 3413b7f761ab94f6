"""to_fql(value): FQL v4 shell notation, the text the Fauna shell prints and fql parses back."""

from __future__ import annotations

import json
import math
import re
import typing as t

from .values import NATIVE_CONSTRUCTORS, SCHEMA_CONSTRUCTORS, Bytes, Date, Lambda, Page, Ref, SetRef, Timestamp

_BARE_KEY = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")

#: The shell spelling of each set form, by its first wire key.
_SET_FUNCTIONS = {
    "match": "Match",
    "union": "Union",
    "intersection": "Intersection",
    "difference": "Difference",
    "distinct": "Distinct",
    "join": "Join",
    "range": "Range",
    "reverse": "Reverse",
    "documents": "Documents",
    "singleton": "Singleton",
    "events": "Events",
    "filter": "Filter",
}


def string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _key(k: str) -> str:
    return k if _BARE_KEY.match(k) else string(k)


def number(n: int | float) -> str:
    if isinstance(n, float):
        if math.isnan(n):
            return "NaN"
        if math.isinf(n):
            return "Infinity" if n > 0 else "-Infinity"
        text = repr(n)
        return text
    return str(n)


def ref(r: Ref) -> str:
    db = f", {ref(r.database)}" if r.database is not None else ""
    if r.collection is None:
        name = NATIVE_CONSTRUCTORS.get(r.id)
        if name is not None:
            return f"{name}({ref(r.database) if r.database is not None else ''})"
        return f"Ref({string(r.id)})"
    coll = r.collection
    if coll.collection is None and coll.id in SCHEMA_CONSTRUCTORS:
        inner_db = f", {ref(coll.database)}" if coll.database is not None else db
        return f"{SCHEMA_CONSTRUCTORS[coll.id]}({string(r.id)}{inner_db})"
    return f"Ref({ref(coll)}, {string(r.id)})"


def set_ref(s: SetRef) -> str:
    if s.is_schema_set:
        return to_fql(s["documents"])
    kind = s.kind
    name = _SET_FUNCTIONS.get(kind, kind)
    args: list[str] = []
    for k, v in s.form:
        if k == "terms" and isinstance(v, list) and len(v) == 1:
            args.append(to_fql(v[0]))
        elif k == "filter" and isinstance(v, Lambda):
            # Filter takes a lambda form only, not a Query (core's parseLambda refuses `{query}`).
            args.append(_lambda_form(v))
        else:
            args.append(to_fql(v))
    if kind in ("union", "intersection", "difference") and len(s.form) == 1 and isinstance(s.form[0][1], list):
        args = [to_fql(a) for a in s.form[0][1]]
    if kind == "filter":
        # The form is {filter: lambda, collection: set}; the shell writes Filter(set, lambda), as
        # faunadb-js's Expr.toString reverses filter's arguments (shouldReverseArgs).
        args.reverse()
    return f"{name}({', '.join(args)})"


def lambda_(fn: Lambda) -> str:
    return f"Query({_lambda_form(fn)})"


def _lambda_form(fn: Lambda) -> str:
    from .wire import v4 as wire

    return wire.expr_to_fql(fn)


def to_fql(value: t.Any) -> str:
    """Render `value` in v4 shell notation: `{ ref: Ref(Collection("c"), "1"), data: { a: 1 } }`."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, (int, float)):
        return number(value)
    if isinstance(value, str):
        return string(value)
    if isinstance(value, list):
        return "[" + ", ".join(to_fql(v) for v in value) + "]"
    if isinstance(value, dict):
        if not value:
            return "{}"
        return "{ " + ", ".join(f"{_key(k)}: {to_fql(v)}" for k, v in value.items()) + " }"
    if isinstance(value, Ref):
        return ref(value)
    if isinstance(value, SetRef):
        return set_ref(value)
    if isinstance(value, Timestamp):
        return f'Time("{value.isoformat()}")'
    if isinstance(value, Date):
        return f'Date("{value.isoformat()}")'
    if isinstance(value, Bytes):
        return f'Bytes("{value.base64()}")'
    if isinstance(value, Page):
        return to_fql(value.to_dict())
    if isinstance(value, Lambda):
        return lambda_(value)
    return repr(value)


def to_fql10(value: t.Any) -> str:
    """Render `value` in FQL v10 notation: `{ id: "1", coll: People, ts: Time("..."), name: "Ann" }`."""
    from .values import DeletedRef, Document, EventSource, Module, NullDocument, SetCursor

    if isinstance(value, Document):
        if value.ref.is_schema:
            head = f"name: {string(value.id)}, coll: {value.coll}, ts: {to_fql10(value.ts)}"
        else:
            head = f"id: {string(value.id)}, coll: {value.coll}, ts: {to_fql10(value.ts)}"
        if value.ttl is not None:
            head += f", ttl: {to_fql10(value.ttl)}"
        fields = [f"{_key(k)}: {to_fql10(v)}" for k, v in value.data.items() if not (value.ref.is_schema and k == "name")]
        return "{ " + ", ".join([head, *fields]) + " }"
    if isinstance(value, NullDocument):
        if value.cause == "collection deleted":
            return f"{DeletedRef(value.ref.id)!r} /* {value.cause} */"
        return f"{_ref10(value.ref)} /* {value.cause} */"
    if isinstance(value, Ref):
        return _ref10(value)
    if isinstance(value, (Module, DeletedRef)):
        return repr(value)
    if isinstance(value, Page):
        out = {"data": value.data}
        if value.has_after:
            out["after"] = value.after
        return to_fql10(out)
    if isinstance(value, Lambda):
        return "[function <lambda>]"
    if isinstance(value, (EventSource, SetCursor)):
        # Core's decorated format shows an event source, or a set it did not page, as its token, a string.
        return string(value.token)
    if isinstance(value, list):
        return "[" + ", ".join(to_fql10(v) for v in value) + "]"
    if isinstance(value, dict):
        if not value:
            return "{}"
        return "{ " + ", ".join(f"{_key(k)}: {to_fql10(v)}" for k, v in value.items()) + " }"
    if isinstance(value, float):
        from .wire.v10 import java_double

        return java_double(value)
    if type(value).__name__ in ("BoundMethod", "StaticFunction", "UserFunction", "IndexFunction"):
        return repr(value)
    if type(value).__name__.endswith("Set") and hasattr(value, "elements"):
        return "[set]"
    return to_fql(value)


def _ref10(ref: Ref) -> str:
    from .values import module_name

    if ref.is_schema:
        return f"{module_name(ref.collection)}.byName({string(ref.id)})"
    if ref.collection is None:
        return module_name(ref)
    return f"{module_name(ref.collection)}({string(ref.id)})"
