"""FQL v10 wire values: the tagged format (`@int`, `@doc`, `@set`, ...) and the simple one, both ways."""

from __future__ import annotations

import math
import re
import typing as t

from ..javafloat import java_double
from ..javatime import parse_date, parse_time
from ..values import (
    UUID,
    Bytes,
    Date,
    DeletedRef,
    Document,
    EventSource,
    Lambda,
    Long,
    Module,
    NullDocument,
    Page,
    Ref,
    SCHEMA_CONSTRUCTORS,
    SetCursor,
    Timestamp,
    V10_NATIVE_NAMES,
    as_long,
    collection_ref,
    module_name,
    native,
    scala_long,
)

_INT32 = (-(1 << 31), (1 << 31) - 1)
#: Tags a plain object's keys may not use unescaped.
TAGS = ("@date", "@doc", "@double", "@int", "@long", "@mod", "@object", "@ref", "@set", "@time", "@bytes", "@stream")
_NATIVE_BY_MODULE = {v: k for k, v in V10_NATIVE_NAMES.items()}


def _coll(ref: Ref | None) -> dict:
    return {"@mod": module_name(ref)}


def _doc_head(ref: Ref) -> dict:
    if ref.is_schema:
        return {"name": ref.id, "coll": _coll(ref.collection)}
    return {"id": ref.id, "coll": _coll(ref.collection)}


#: The cause of a missing document whose collection no longer exists: its collection is then shown as
#: `Collection.Deleted` (`@mod` "Deleted"), as core's materializer names it.
COLLECTION_DELETED = "collection deleted"


def _null_head(value: NullDocument) -> dict:
    if value.cause == COLLECTION_DELETED:
        return {"id": value.ref.id, "coll": {"@mod": "Deleted"}}
    return _doc_head(value.ref)


def to_tagged(value: t.Any) -> t.Any:
    """A value in the tagged format (`X-Format: tagged`, what the drivers ask for)."""
    tag = _TAGGED.get(type(value))
    if tag is None:
        # A subclass (of int, dict, ...): the nearest registered base decides; anything else shows as repr.
        tag = next((_TAGGED[base] for base in type(value).__mro__ if base in _TAGGED), repr)
    return tag(value)


def _plain(value: t.Any) -> t.Any:
    return value


def _tagged_int(value: int) -> dict:
    return {"@int": str(value)} if _INT32[0] <= value <= _INT32[1] else {"@long": str(value)}


def _tagged_dict(value: dict) -> dict:
    body = {k: to_tagged(v) for k, v in value.items()}
    for k in value:
        if k[:1] == "@":
            return {"@object": body}
    return body


def _tagged_document(value: Document) -> t.Any:
    if value.ref.kind == "indexes":
        return legacy_ref(value.ref)
    body = {**_doc_head(value.ref), "ts": to_tagged(value.ts)}
    if value.ttl is not None:
        body["ttl"] = to_tagged(value.ttl)
    schema = value.ref.is_schema
    escaped = False
    for k, v in value.data.items():
        if not (schema and k == "name"):
            body[k] = to_tagged(v)
            escaped = escaped or k[:1] == "@"
    # The fields are an object like any other: one with a key that starts with `@` is escaped (core's
    # encoder writes the document's struct as it writes every struct).
    return {"@doc": {"@object": body} if escaped else body}


def _tagged_ref(value: Ref) -> t.Any:
    if value.collection is None:
        return {"@mod": module_name(value)}
    if value.kind == "indexes":
        return legacy_ref(value)
    return {"@ref": _doc_head(value)}


def legacy_ref(ref: Ref) -> str:
    """A v4 index (its ref or its document) seen from v10, which has no module for indexes: core shows it as
    this text in every format (its LegacyRef), never its fields."""
    return f"[legacy index {ref.id}]"


def _tagged_page(value: Page) -> dict:
    body: dict = {"data": [to_tagged(v) for v in value.data]}
    if value.has_after:
        body["after"] = value.after
    return {"@set": body}


#: How `to_tagged` renders each type (by exact type first, then along the MRO).
_TAGGED: dict[type, t.Callable[[t.Any], t.Any]] = {
    str: _plain,
    bool: _plain,
    type(None): _plain,
    int: _tagged_int,
    Long: lambda value: {"@long": int.__repr__(value)},
    float: lambda value: {"@double": java_double(value)},
    list: lambda value: [to_tagged(v) for v in value],
    dict: _tagged_dict,
    Timestamp: lambda value: {"@time": value.isoformat()},
    Date: lambda value: {"@date": value.isoformat()},
    Bytes: lambda value: {"@bytes": value.base64()},
    UUID: lambda value: {"@uuid": str(value)},
    Document: _tagged_document,
    NullDocument: lambda value: {"@ref": {**_null_head(value), "exists": False, "cause": value.cause}},
    Ref: _tagged_ref,
    DeletedRef: lambda value: {"@ref": {"id": value.id, "coll": {"@mod": "Deleted"}}},
    Module: lambda value: {"@mod": value.name},
    Page: _tagged_page,
    Lambda: lambda value: "[function <lambda>]",
    EventSource: lambda value: {"@stream": value.token},
    SetCursor: lambda value: {"@set": value.token},
}


def to_simple(value: t.Any) -> t.Any:
    """A value in the simple format (`X-Format: simple`): plain JSON, documents as objects."""
    if value is None or isinstance(value, (bool, str, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else java_double(value)
    if isinstance(value, list):
        return [to_simple(v) for v in value]
    if isinstance(value, dict):
        return {k: to_simple(v) for k, v in value.items()}
    if isinstance(value, (Timestamp, Date)):
        return value.isoformat()
    if isinstance(value, Bytes):
        return value.base64()
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, Document):
        if value.ref.kind == "indexes":
            return legacy_ref(value.ref)
        body = {**_simple_head(value.ref), "ts": value.ts.isoformat()}
        if value.ttl is not None:
            body["ttl"] = value.ttl.isoformat()
        body.update({k: to_simple(v) for k, v in value.data.items() if not (value.ref.is_schema and k == "name")})
        return body
    if isinstance(value, NullDocument):
        return None
    if isinstance(value, DeletedRef):
        return {"id": value.id, "coll": "Deleted"}
    if isinstance(value, Ref):
        if value.collection is None:
            return module_name(value)
        return legacy_ref(value) if value.kind == "indexes" else _simple_head(value)
    if isinstance(value, Module):
        return value.name
    if isinstance(value, Page):
        body = {"data": [to_simple(v) for v in value.data]}
        if value.has_after:
            body["after"] = value.after
        return body
    if isinstance(value, Lambda):
        return "[function <lambda>]"
    if isinstance(value, (EventSource, SetCursor)):
        return value.token
    return repr(value)


def to_decorated(value: t.Any) -> str:
    """A value in the decorated format (`X-Format: decorated`): FQL source text that evaluates back to it, as
    core's Decorator writes it (what the Fauna shell shows). Arrays and objects take one line per element,
    indented by two spaces; a string with a newline is a heredoc; a document shows its fields, a reference
    `People("1")` or `Collection.byName("People")`, a missing one why it is missing."""
    out = _Decorated(_answered_documents(value))
    out.value(value)
    return "".join(out.parts)


def _answered_documents(value: t.Any, found: dict | None = None) -> dict:
    """The documents (live or missing) an answer holds outside documents, by reference: core's decorator
    writes a reference in a document's fields that names one of them as that document (each expanded once
    along a path, so a cycle ends in a reference), where the other formats keep the reference. Named
    (schema) documents and those read inside `at` are left out: core keys them apart from a field's
    reference (its DocKey compares the read time; a name hashes apart from an id), and so are the documents
    core answers with a version of their own (its versionOverride): what `delete()` answers, and a new key or
    token showing its secret."""
    found = {} if found is None else found
    if isinstance(value, (Document, NullDocument)):
        overridden = value.cause == "deleted" if isinstance(value, NullDocument) else value.pinned
        if not (value.ref.is_schema or overridden) and value.read_ts is None and value.ref.kind != "indexes":
            found.setdefault(value.ref, value)
    elif isinstance(value, list):
        for v in value:
            _answered_documents(v, found)
    elif isinstance(value, dict):
        for v in value.values():
            _answered_documents(v, found)
    elif isinstance(value, Page):
        _answered_documents(value.data, found)
    return found


#: The escapes of a decorated string literal (core's, which its parser reads back).
_ESCAPES = str.maketrans(
    {"\\": "\\\\", "\0": "\\0", "'": "\\'", '"': '\\"', "`": "\\`", "\n": "\\n", "\r": "\\r",
     "\v": "\\v", "\t": "\\t", "\b": "\\b", "\f": "\\f", "#": "\\#"}
)
#: Java's String.lines(): what splits a heredoc into lines.
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _ident(key: str) -> bool:
    """Whether an object key is written bare: a letter, then letters, digits and underscores (Java's notion of
    a letter, which does not reach characters outside the Basic Multilingual Plane)."""
    return (
        key[:1].isalpha()
        and all(c == "_" or c.isalpha() or c.isdecimal() for c in key)
        and all(ord(c) <= 0xFFFF for c in key)
    )


class Indented:
    """Text in `parts` with an indentation level: a line's indentation is written with its first text, even
    an empty one (core's `write`), so a line ended with nothing on it holds its indentation alone. The
    decorated format and FSL (fql/schema/display.py) both write with it."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.depth = 0
        self.at_line_start = True

    def write(self, text: str) -> None:
        if self.at_line_start:
            self.parts.append("  " * self.depth)
            self.at_line_start = False
        self.parts.append(text)
        if text.endswith("\n"):
            self.at_line_start = True

    def line(self, text: str = "") -> None:
        self.write(text)
        self.write("\n")

    def text(self) -> str:
        return "".join(self.parts)


class _Decorated(Indented):
    """Writes one decorated value; `answered` are the documents it holds outside documents (by reference)."""

    def __init__(self, answered: dict) -> None:
        super().__init__()
        self.answered = answered
        #: The documents being written (core's seenDocs): a reference to one of them inside it stays one.
        self.expanding: set = set()

    def string(self, text: str) -> None:
        """A string literal; one holding a newline as a heredoc (`<<-END`), its end marker not in the text."""
        self.write("")
        sigil = None
        if "\n" in text:
            candidates = ("END",) if "END" not in text else tuple(f"END{i}" for i in range(10))
            sigil = next((c for c in candidates if c not in text), None)
        if sigil is None:
            self.parts.append(f'"{text.translate(_ESCAPES)}"')
            return
        self.line(f"<<-{sigil}")
        self.depth += 1
        lines = _LINE_BREAK.split(text)
        for line in lines[:-1] if lines[-1] == "" else lines:
            self.line(line)
        self.depth -= 1
        self.write(sigil)

    def items(self, opening: str, closing: str, items: list, write_item: t.Callable[[t.Any], None]) -> None:
        if not items:
            self.write(opening + closing)
            return
        self.line(opening)
        self.depth += 1
        for i, item in enumerate(items):
            write_item(item)
            self.line("," if i < len(items) - 1 else "")
        self.depth -= 1
        self.write(closing)

    def field(self, pair: tuple[str, t.Any]) -> None:
        key, value = pair
        if _ident(key):
            self.write(key)
        else:
            self.string(key)
        self.write(": ")
        self.value(value)

    def fields(self, pairs: list[tuple[str, t.Any]]) -> None:
        self.items("{", "}", pairs, self.field)

    def call(self, name: str, text: str) -> None:
        self.write(f"{name}(")
        self.string(text)
        self.write(")")

    def ref(self, ref: Ref) -> None:
        if ref.collection is None:
            self.write(module_name(ref))
        elif ref.kind == "indexes":
            self.write(legacy_ref(ref))
        elif ref.is_schema:
            self.write(f"{module_name(ref.collection)}.byName(")
            self.string(ref.id)
            self.write(")")
        else:
            self.write(f'{module_name(ref.collection)}("{ref.id}")')

    def document(self, doc: Document) -> None:
        if doc.ref.kind == "indexes":
            self.write(legacy_ref(doc.ref))
            return
        if doc.ref in self.expanding:
            self.ref(doc.ref)
            return
        self.expanding.add(doc.ref)
        self.document_fields(doc)
        self.expanding.discard(doc.ref)

    def document_fields(self, doc: Document) -> None:
        schema = doc.ref.is_schema
        pairs: list[tuple[str, t.Any]] = [
            ("name" if schema else "id", doc.ref.id),
            ("coll", Module(module_name(doc.ref.collection), doc.ref.collection)),
            ("ts", doc.ts),
        ]
        if doc.ttl is not None:
            pairs.append(("ttl", doc.ttl))
        pairs += [(k, v) for k, v in doc.data.items() if not (schema and k == "name")]
        self.fields(pairs)

    def value(self, value: t.Any) -> None:
        if value is None or isinstance(value, bool):
            self.write({None: "null", True: "true", False: "false"}[value])
        elif isinstance(value, int):
            self.write(str(value))
        elif isinstance(value, float):
            self.write(_decorated_double(value))
        elif isinstance(value, str):
            self.string(value)
        elif isinstance(value, list):
            self.items("[", "]", value, self.value)
        elif isinstance(value, dict):
            self.fields(list(value.items()))
        elif isinstance(value, Timestamp):
            self.call("Time", value.isoformat())
        elif isinstance(value, Date):
            self.call("Date", value.isoformat())
        elif isinstance(value, Bytes):
            self.call("Bytes", value.base64())
        elif isinstance(value, UUID):
            self.call("UUID", str(value))
        elif isinstance(value, Document):
            self.document(value)
        elif isinstance(value, NullDocument):
            if value.cause == COLLECTION_DELETED:
                self.write(repr(DeletedRef(value.ref.id)))
            else:
                self.ref(value.ref)
            self.write(f" /* {value.cause} */")
        elif isinstance(value, Ref) and value in self.answered:
            self.value(self.answered[value])
        elif isinstance(value, Ref):
            self.ref(value)
        elif isinstance(value, DeletedRef):
            self.write(repr(value))
        elif isinstance(value, Module):
            # A module that is a field of another is written as core's decorator writes it: `Collection.Deleted`.
            self.write(repr(value))
        elif isinstance(value, Page):
            pairs: list[tuple[str, t.Any]] = [("data", value.data)]
            if value.has_after:
                pairs.append(("after", value.after))
            self.fields(pairs)
        elif isinstance(value, Lambda):
            self.string("[function <lambda>]")
        elif isinstance(value, (EventSource, SetCursor)):
            self.string(value.token)
        else:
            # A native function's tagged text is `[function name()]`; decorated, core leaves out the `()`.
            text = repr(value)
            self.string(text[:-3] + "]" if text.startswith("[function ") and text.endswith("()]") else text)


def _decorated_double(value: float) -> str:
    if math.isnan(value):
        return "Math.NaN"
    if math.isinf(value):
        return "Math.Infinity" if value > 0 else "-Math.Infinity"
    return java_double(value)


def _simple_head(ref: Ref) -> dict:
    key = "name" if ref.is_schema else "id"
    return {key: ref.id, "coll": module_name(ref.collection)}


class InvalidValue(ValueError):
    """A tagged value core's decoder refuses: `message` in core's words (lowercase, for the middle of a
    sentence: `Invalid argument 'x': invalid tag '@foo'`)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


#: What resolves a module name while decoding: a Module, or anything else (None) when there is no such
#: module; and whether a schema document (kind, name) exists. Without them names are taken on trust.
Resolver = t.Callable[[str], t.Any]
SchemaLookup = t.Callable[[str, str], bool]

#: Scala's toDoubleOption grammar (its checkFloatFormat) after trimming: NaN, Infinity, a decimal with an
#: optional exponent and an optional f/d suffix; the digits ASCII ones.
_DOUBLE = re.compile(r"[+-]?(?:NaN|Infinity|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?[fFdD]?)")
#: Its hexadecimal floats: `0x`, hex digits with an optional point, a binary exponent `p`, an f/d suffix.
_HEX_DOUBLE = re.compile(r"(?P<num>[+-]?0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)[pP][+-]?[0-9]+)[fFdD]?")
_INT64 = (-(1 << 63), (1 << 63) - 1)


def _module(name: str) -> Module:
    native_name = _NATIVE_BY_MODULE.get(name)
    if native_name is not None:
        return Module(name, native(native_name))
    return Module(name, collection_ref(name))


class _TaggedDecoder:
    """Reads a value in the tagged format as core's UndecidedValue does (FQL2ValueDecoderSpec): numbers only
    tagged, one key to a tagged object, each tag's body checked; a fault raises InvalidValue."""

    def __init__(self, resolve: Resolver | None, schema_exists: SchemaLookup | None):
        self.resolve = resolve
        self.schema_exists = schema_exists

    def value(self, data: t.Any) -> t.Any:
        if isinstance(data, list):
            return [self.value(v) for v in data]
        if isinstance(data, dict):
            if any(k[:1] == "@" for k in data):
                if len(data) > 1:
                    raise InvalidValue("too many keys in tagged value")
                ((tag, body),) = data.items()
                return self.tagged(tag, body)
            return {k: self.value(v) for k, v in data.items()}
        if isinstance(data, (int, float)) and not isinstance(data, bool):
            raise InvalidValue("numbers must be tagged")
        return data

    @staticmethod
    def text(tag: str, body: t.Any) -> str:
        if not isinstance(body, str):
            raise InvalidValue(f"{tag} requires a string value")
        return body

    def tagged(self, tag: str, body: t.Any) -> t.Any:
        if tag in ("@int", "@long"):
            text = self.text(tag, body)
            # Scala's toIntOption and toLongOption: a sign, then digits as Java reads them (`١٢` is 12).
            number = scala_long(text)
            low, high = _INT32 if tag == "@int" else _INT64
            if number is None or not low <= number <= high:
                raise InvalidValue("invalid integer" if tag == "@int" else "invalid long")
            return number if tag == "@int" else as_long(number)
        if tag == "@double":
            text = self.text(tag, body).strip(_JAVA_BLANKS)
            if _DOUBLE.fullmatch(text):
                return float(text.rstrip("fFdD"))
            hexadecimal = _HEX_DOUBLE.fullmatch(text)
            if hexadecimal is None:
                raise InvalidValue("invalid double")
            return _hex_double(hexadecimal["num"])
        if tag == "@object":
            if not isinstance(body, dict):
                raise InvalidValue("@object requires an object value")
            return {k: self.value(v) for k, v in body.items()}
        if tag in _SCALAR_TAGS:
            read, problem = _SCALAR_TAGS[tag]
            found = read(self.text(tag, body))
            if found is None:
                raise InvalidValue(problem)
            return found
        if tag == "@mod":
            name = self.text(tag, body)
            found = self.module(name)
            if found is None:
                raise InvalidValue(f"no such module '{name}'")
            return found
        if tag in ("@doc", "@ref"):
            return self.document(tag, self.value(body))
        # `@set` and `@stream` are answers only: core's decoder refuses them as arguments (a cursor is sent
        # back as the string it is, to `Set.paginate`; an event source's token to `/stream/1`).
        raise InvalidValue(f"invalid tag '{tag}'")

    def module(self, name: str) -> Module | None:
        if self.resolve is None:
            return _module(name)
        found = self.resolve(name)
        return found if isinstance(found, Module) else None

    def named(self, kind: str, name: str) -> bool:
        return self.schema_exists is None or self.schema_exists(kind, name)

    def document(self, tag: str, body: t.Any) -> Ref:
        if isinstance(body, str):
            return self.string_ref(body)
        if not isinstance(body, dict):
            raise InvalidValue(f"{tag} requires an object value")
        if "coll" not in body:
            raise InvalidValue(f"{tag} field 'coll' is required")
        coll = body["coll"]
        if not isinstance(coll, Module) or coll.collection is None:
            raise InvalidValue(f"{tag} field 'coll' requires a module value")
        kind = _schema_kind(coll)
        if kind is not None:
            if "name" not in body:
                raise InvalidValue(f"{tag} field 'name' is required")
            name = body["name"]
            if not isinstance(name, str):
                raise InvalidValue(f"{tag} field 'name' requires a string value")
            if not self.named(kind, name):
                raise InvalidValue(f"no such schema object '{name}'")
            return Ref(name, coll.collection)
        if "id" not in body:
            raise InvalidValue(f"{tag} field 'id' is required")
        doc_id = body["id"]
        if not isinstance(doc_id, str):
            raise InvalidValue(f"{tag} field 'id' requires a string value")
        number = scala_long(doc_id)
        if number is None:
            raise InvalidValue(f"{tag} field 'id' must be an integer")
        # The id is read as a number (core's toLongOption): `01`, `+1` and `1` name one document, `1`.
        return Ref(str(number), coll.collection)

    def string_ref(self, text: str) -> Ref:
        """The older `"Coll:id"` form of a `@doc` or `@ref`."""
        parts = text.split(":", 2)
        if len(parts) != 2:
            raise InvalidValue("doc id must be in the format <coll>:<id>")
        name, doc_id = parts
        coll = self.module(name)
        if coll is None or coll.collection is None:
            raise InvalidValue(f"no such collection '{name}'")
        kind = _schema_kind(coll)
        if kind is not None:
            if not self.named(kind, doc_id):
                raise InvalidValue(f"no such schema definition document '{doc_id}'")
            return Ref(doc_id, coll.collection)
        number = scala_long(doc_id)
        if number is None:
            raise InvalidValue(f"invalid document id '{doc_id}'")
        return Ref(str(number), coll.collection)


#: What Java's String.trim() takes off: every character up to the space.
_JAVA_BLANKS = "".join(chr(c) for c in range(33))


def _untrimmed(text: str, parse: t.Callable[[str], t.Any]) -> t.Any:
    return parse(text) if text == text.strip(_JAVA_BLANKS) else None


def _hex_double(text: str) -> float:
    """A hexadecimal float as Java reads it: one too large for a double is infinite (Python's fromhex raises)."""
    try:
        return float.fromhex(text)
    except OverflowError:
        return -math.inf if text[0] == "-" else math.inf


def _schema_kind(module: Module) -> str | None:
    """The native collection of a module whose documents are named (Collection, Function, Role, ...)."""
    coll = module.collection
    if coll is not None and coll.is_native and coll.id in SCHEMA_CONSTRUCTORS:
        return coll.id
    return None


#: The tags whose body is one string read by a parser (None: not one), with core's complaint otherwise.
_SCALAR_TAGS: dict[str, tuple[t.Callable[[str], t.Any], str]] = {
    # Core's Timestamp.parse and LocalDate.parse, as v10's Time() and Date() read their text (java.time
    # does not trim); Java's standard Base64 decoder (no URL-safe alphabet, exact padding when there is any).
    "@time": (lambda text: _untrimmed(text, parse_time), "invalid time"),
    "@date": (lambda text: _untrimmed(text, parse_date), "invalid date"),
    "@bytes": (Bytes.from_standard_base64, "invalid bytes"),
}


def from_tagged(data: t.Any, resolve: Resolver | None = None, schema_exists: SchemaLookup | None = None) -> t.Any:
    """Decode a tagged value (query arguments, template `value` parts) as core does; InvalidValue if it is
    not one. `resolve` and `schema_exists` look names up in the caller's database (else not checked)."""
    return _TaggedDecoder(resolve, schema_exists).value(data)
