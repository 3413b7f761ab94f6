"""How v10 names values in error messages (`expected Number, received String`) and shows them briefly."""

from __future__ import annotations

import typing as t

from ...values import ID, UUID, Bytes, Date, Document, Lambda, Module, NullDocument, Ref, Timestamp, is_long, module_name


def type_label(value: t.Any) -> str:
    """The v10 type name of a value, as error messages print it."""
    if value is None:
        return "Null"
    if isinstance(value, bool):
        return "Boolean"
    if isinstance(value, int):
        return "Long" if is_long(value) else "Int"
    if isinstance(value, float):
        return "Double"
    if isinstance(value, ID):
        return "ID"
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
    if isinstance(value, UUID):
        return "UUID"
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


def show(value: t.Any) -> str:
    """A short text of a value for error messages: `[1, "a"]` shows as `[1, a]`."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        from ...wire.v10 import java_double

        return java_double(value)
    if isinstance(value, str):
        return value
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
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, (Document, NullDocument)):
        return f'{value.coll}("{value.id}")'
    if isinstance(value, Ref):
        return f'{module_name(value.collection)}("{value.id}")'
    if isinstance(value, Lambda):
        return "[function <lambda>]"
    if isinstance(value, Module):
        return value.name
    return repr(value)
