"""How core renders a v4 answer to a request of API version 2.12 or older (`X-FaunaDB-API-Version`).

A lambda names its `api_version` only where it or the request is of a version after 2.12 (core's
`LambdaL.renderableLiteral`). Below API 2.7 the answer's words change too, as core's Renderable writes
them (its `getCollection`/`getDocument`, `NativeCollectionID.toName`, the index transformation
`ColClassIdxSrcTrans`, RenderError's `colname`/`docname`):

- a ref names its collection under `class`, and the native collection of collections is `classes`;
  API 2.0 writes a ref as its legacy string instead (`classes/spells/123`), and a document as a
  `class` field after its `ref`;
- an index's `source` objects name their collection `class`;
- an event names its document `instance`;
- error descriptions say class and instance where later versions say collection and document.

The rendering below works on fql's values, which tell a document and an event from an object.
"""

from __future__ import annotations

import re
import typing as t

from ..values import Action, DocEvent, Page, ReadDocument, Ref, SetEvent
from .v4 import to_json

#: The API versions rendered with the pre-2.7 words.
LEGACY_VERSIONS = frozenset(("2.0", "2.1"))
#: The API versions whose answers differ from API 4's: their lambdas of 2.12 name no version.
RENDERED_VERSIONS = frozenset(("2.0", "2.1", "2.7", "2.12"))
#: The lambda versions such a request renders without `api_version` (core's LambdaDefaultVersion or older).
_UNNAMED_LAMBDAS = frozenset(("2.0", "2.1", "2.7", "2.12"))


def is_legacy(version: str | None) -> bool:
    return version in LEGACY_VERSIONS


def renders(version: str | None) -> bool:
    """Whether an answer to a request of `version` is rendered here (else as API 4)."""
    return version in RENDERED_VERSIONS


def render(value: t.Any, version: str) -> t.Any:
    """The answer `value` (fql's values) as API `version` (2.12 or older) renders it, as tagged JSON."""
    if version in LEGACY_VERSIONS:
        return _value(value, version == "2.0")
    return lambdas(to_json(value))


def lambdas(value: t.Any) -> t.Any:
    """`value` with its lambdas of 2.12 written without their version."""
    if isinstance(value, list):
        return [lambdas(v) for v in value]
    if not isinstance(value, dict):
        return value
    if len(value) == 1 and isinstance(value.get("@obj"), dict):
        # An object's keys are its fields' names, not tags.
        return {"@obj": {k: lambdas(v) for k, v in value["@obj"].items()}}
    out = {k: lambdas(v) for k, v in value.items()}
    if len(out) == 1 and isinstance(out.get("@query"), dict):
        return {"@query": _unnamed(out["@query"])}
    if len(out) == 1 and isinstance(out.get("@set"), dict):
        return {"@set": _set_lambdas(out["@set"])}
    return out


def _unnamed(body: dict) -> dict:
    """A lambda's body without `api_version` when that is 2.12 or older."""
    if body.get("api_version") in _UNNAMED_LAMBDAS:
        return {k: v for k, v in body.items() if k != "api_version"}
    return body


def _set_lambdas(body: dict) -> dict:
    # A Filter's or Join's lambda is written in the set without its `@query` tag.
    return {k: _unnamed(v) if k in _SET_LAMBDA_KEYS and _is_lambda(v) else v for k, v in body.items()}


def _is_lambda(value: t.Any) -> bool:
    return isinstance(value, dict) and "expr" in value


#: The set keys holding a lambda untagged.
_SET_LAMBDA_KEYS = ("with", "filter")


def _value(value: t.Any, strings: bool) -> t.Any:
    """A value in the pre-2.7 words. Only what core renders apart from objects changes shape: a document
    (its VersionL) and an event (its DocEventL, SetEventL); an object of the user's that looks like one is
    an ObjectL, written as it is."""
    if isinstance(value, list):
        return [_value(v, strings) for v in value]
    if isinstance(value, Page):
        return _value(value.to_dict(), strings)
    if strings and isinstance(value, Action):
        # Core's ActionL before 2.1 is `create` or `delete`: an update is a create, an add too.
        return "create" if value.is_create else "delete"
    if not isinstance(value, dict):
        return _walk(to_json(value), strings)
    out = {k: _value(v, strings) for k, v in value.items()}
    if isinstance(value, DocEvent):
        return _event(out, strings, isinstance(value, SetEvent))
    if isinstance(value, ReadDocument) and isinstance(value.get("ref"), Ref):
        return _document(value["ref"], out, strings)
    return {"@obj": out} if any(k.startswith("@") for k in out) else out


def _walk(value: t.Any, strings: bool, expr: bool = False) -> t.Any:
    """Tagged JSON (a ref's, a set's, a lambda's) in the pre-2.7 words. In an object (`@obj`, or in a
    lambda's expression, `expr`, an `object` form) the keys are its fields' names, not tags."""
    if isinstance(value, list):
        return [_walk(v, strings, expr) for v in value]
    if not isinstance(value, dict):
        return value
    if len(value) == 1:
        ((key, body),) = value.items()
        if key == "@ref" and isinstance(body, dict) and "id" in body:
            return _ref(body, strings)
        if key == "@query" and isinstance(body, dict):
            return {key: _unnamed(_walk(body, strings, True))}
        if key == "@set" and isinstance(body, dict):
            return {key: _set_lambdas(_set_walk(body, strings))}
        if (key == "@obj" or (expr and key == "object")) and isinstance(body, dict):
            return {key: {k: _walk(v, strings, expr) for k, v in body.items()}}
    return {k: _walk(v, strings, expr) for k, v in value.items()}


def _set_walk(body: dict, strings: bool) -> dict:
    # A Filter's or Join's lambda is untagged in the set: its body is an expression.
    return {k: _walk(v, strings, k in _SET_LAMBDA_KEYS and _is_lambda(v)) for k, v in body.items()}


def _ref(body: dict, strings: bool) -> dict:
    if strings:
        # Core's legacyString: the collection's path, then the id; the database is not written.
        return {"@ref": _legacy_string(body)}
    coll, db = body.get("collection"), body.get("database")
    out: dict = {"id": _id(body)}
    if coll is not None:
        out["class"] = _walk(coll, False)
    if db is not None:
        out["database"] = _walk(db, False)
    return {"@ref": out}


def _id(body: dict) -> t.Any:
    """A ref's id as the legacy versions write it: the native collection of collections is `classes`."""
    ident = body["id"]
    return "classes" if ident == "collections" and body.get("collection") is None else ident


def _legacy_string(body: dict) -> str:
    ident = _id(body)
    coll = body.get("collection")
    if isinstance(coll, dict) and isinstance(coll.get("@ref"), dict):
        return f"{_legacy_string(coll['@ref'])}/{ident}"
    return str(ident)


def _event(out: dict, strings: bool, set_event: bool) -> dict:
    """An event: its document under `instance`; API 2.0 writes it under `resource`, a document event
    without data, a set event's data as `values`, and its action as `create` or `delete` only."""
    if not strings:
        return {("instance" if k == "document" else k): v for k, v in out.items()}
    rendered = {
        "ts": out["ts"],
        "action": "delete" if out["action"] in ("delete", "remove") else "create",
        "resource": out["document"],
    }
    if set_event and out.get("data"):
        rendered["values"] = out["data"]
    return rendered


def _document(ref: Ref, out: dict, strings: bool) -> dict:
    """A document (its `ref` first, then `ts`): an index's sources renamed; API 2.0 adds `class`."""
    coll = ref.collection
    if coll is None:
        return out
    if coll.collection is None and coll.id == "indexes" and "source" in out:
        out["source"] = _sources(out["source"])
    if strings:
        items = list(out.items())
        items.insert(1, ("class", _walk(to_json(coll), True)))
        out = dict(items)
    return out


def _sources(source: t.Any) -> t.Any:
    if isinstance(source, list):
        return [_source(s) for s in source]
    return _source(source)


def _source(source: t.Any) -> t.Any:
    if isinstance(source, dict) and "collection" in source and "@ref" not in source:
        return {("class" if k == "collection" else k): v for k, v in source.items()}
    return source


# Errors --------------------------------------------------------------------------------------------

#: RenderError's descriptions that name a collection or a document, as API 2.0 and 2.1 word them.
_WORDS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"^Valid native collection name expected, ", "Valid native class name expected, "),
        (r"^Ref refers to undefined collection '", "Ref refers to undefined class '"),
        (r"^Cannot (create|update|delete) a schema meta collection\.$", r"Cannot \1 a schema meta class."),
        (r"^The document was not found or provided password was incorrect\.$",
         "The instance was not found or provided password was incorrect."),
        (r"^Modification to native collection Collection is prohibited\.$",
         "Modification to native collection Class is prohibited."),
        (r"^Collection (not found|already exists)\.$", r"Class \1."),
        (r"^Document (not found|already exists)\.$", r"Instance \1."),
        (r"^document (data is not valid|is not unique)\.$", r"instance \1."),
        (r"^A collection ref may only match one binding\.$", "A class ref may only match one binding."),
        (r"^Cannot mix collection refs and wildcards", "Cannot mix class refs and wildcards"),
    )
)


def description(text: str) -> str:
    for pattern, replacement in _WORDS:
        new, count = pattern.subn(replacement, text)
        if count:
            return new
    return text


def error(item: dict) -> dict:
    """One item of a v4 `errors` list as API 2.0 or 2.1 words it (its failures and causes too)."""
    out = dict(item)
    if isinstance(out.get("description"), str):
        out["description"] = description(out["description"])
    if isinstance(out.get("failures"), list):
        out["failures"] = [
            {**f, "description": description(f["description"])} if isinstance(f, dict) and "description" in f else f
            for f in out["failures"]
        ]
    if isinstance(out.get("cause"), list):
        out["cause"] = [error(c) if isinstance(c, dict) else c for c in out["cause"]]
    return out
