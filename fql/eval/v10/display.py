"""How v10 shows values inside strings and error messages: `"a" + [1, 2]`, `expected Number, received String`."""

from __future__ import annotations

import typing as t

from ...values import Bytes, Date, Document, Lambda, Module, NullDocument, Ref, Timestamp, module_name


def type_label(value: t.Any) -> str:
    """The v10 type name of a value, as error messages print it."""
    if value is None:
        return "Null"
    if isinstance(value, bool):
        return "Boolean"
    if isinstance(value, int):
        return "Int" if -(1 << 31) <= value < (1 << 31) else "Long"
    if isinstance(value, float):
        return "Double"
    if isinstance(value, str):
        return "String"
    if isinstance(value, list):
        return "Array"
    if isinstance(value, dict):
        return "Object"
    if isinstance(value, Timestamp):
        return "Time"
    if isinstance(value, Date):
        return "Date"
    if isinstance(value, Bytes):
        return "Bytes"
    if isinstance(value, Document):
        return value.coll
    if isinstance(value, NullDocument):
        return "Null" + value.coll
    if isinstance(value, Ref):
        return "Ref<" + module_name(value.collection) + ">"
    if isinstance(value, Lambda):
        return "Function"
    if isinstance(value, Module):
        return value.name + "Collection" if value.collection is not None else value.name
    return "Set" if type(value).__name__.endswith("Set") else type(value).__name__


def _double(x: float) -> str:
    """Java's Double.toString for the common cases: `1.0`, `0.5`, `1.0E10`, `NaN`, `Infinity`."""
    if x != x:
        return "NaN"
    if x in (float("inf"), float("-inf")):
        return "Infinity" if x > 0 else "-Infinity"
    if x == int(x) and abs(x) < 1e7:
        return f"{int(x)}.0"
    text = repr(x)
    if "e" in text:
        mantissa, exp = text.split("e")
        if "." not in mantissa:
            mantissa += ".0"
        return f"{mantissa}E{int(exp)}"
    return text


def to_string(value: t.Any) -> str:
    """The text of a value in string concatenation and `#{}` interpolation."""
    if isinstance(value, str):
        return value
    return show(value, top=True)


def show(value: t.Any, top: bool = False) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _double(value)
    if isinstance(value, str):
        return value if top else value
    if isinstance(value, list):
        return "[" + ", ".join(show(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k}: {show(v)}" for k, v in value.items()) + " }" if value else "{}"
    if isinstance(value, Timestamp):
        return value.isoformat()
    if isinstance(value, Date):
        return value.isoformat()
    if isinstance(value, Bytes):
        return value.base64()
    if isinstance(value, (Document, NullDocument)):
        return f'{value.coll}("{value.id}")'
    if isinstance(value, Ref):
        return f'{module_name(value.collection)}("{value.id}")'
    if isinstance(value, Lambda):
        return "[function <lambda>]"
    if isinstance(value, Module):
        return value.name
    return repr(value)
