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

The rendering below works on the tagged JSON `v4.to_json` makes.
"""

from __future__ import annotations

import re
import typing as t

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
    """The tagged JSON `value` (v4's `to_json`) as API `version` (2.12 or older) renders it."""
    if version in LEGACY_VERSIONS:
        return _walk(value, version == "2.0")
    return lambdas(value)


def lambdas(value: t.Any) -> t.Any:
    """`value` with its lambdas of 2.12 written without their version."""
    if isinstance(value, list):
        return [lambdas(v) for v in value]
    if not isinstance(value, dict):
        return value
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
    return {k: _unnamed(v) if k in ("with", "filter") and isinstance(v, dict) and "expr" in v else v for k, v in body.items()}


def _walk(value: t.Any, strings: bool) -> t.Any:
    if isinstance(value, list):
        return [_walk(v, strings) for v in value]
    if not isinstance(value, dict):
        return value
    if len(value) == 1:
        ((key, body),) = value.items()
        if key == "@ref" and isinstance(body, dict):
            return _ref(body, strings)
        if key == "@obj" and isinstance(body, dict):
            return {"@obj": {k: _walk(v, strings) for k, v in body.items()}}
        if key == "@query" and isinstance(body, dict):
            return {key: _unnamed(_walk(body, strings))}
        if key == "@set" and isinstance(body, dict):
            return {key: _set_lambdas(_walk(body, strings))}
        if key in ("@set", "@query"):
            return {key: _walk(body, strings)}
    out = {k: _walk(v, strings) for k, v in value.items()}
    if _is_event(out):
        out = _event(out, strings)
    elif "ref" in out and "ts" in out:
        out = _document(value["ref"], out, strings)
    return out


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


def _is_event(out: dict) -> bool:
    keys = out.keys()
    return (
        ("ts" in keys and "action" in keys and "document" in keys)
        and keys <= {"ts", "action", "document", "data"}
        and out["action"] in ("create", "update", "delete", "add", "remove")
        and isinstance(out["document"], dict)
        and "@ref" in out["document"]
    )


def _event(out: dict, strings: bool) -> dict:
    """An event: its document under `instance`; API 2.0 writes it under `resource`, a document event
    without data, a set event's data as `values`, and its action as `create` or `delete` only."""
    if not strings:
        return {("instance" if k == "document" else k): v for k, v in out.items()}
    doc_event = out["action"] in ("create", "update", "delete")
    rendered = {
        "ts": out["ts"],
        "action": "delete" if out["action"] in ("delete", "remove") else "create",
        "resource": out["document"],
    }
    if not doc_event and out.get("data"):
        rendered["values"] = out["data"]
    return rendered


def _document(ref: t.Any, out: dict, strings: bool) -> dict:
    """A document (its `ref` first, then `ts`): an index's sources renamed; API 2.0 adds `class`."""
    body = ref.get("@ref") if isinstance(ref, dict) else None
    if not isinstance(body, dict) or next(iter(out)) != "ref":
        return out
    coll = body.get("collection")
    coll_body = coll.get("@ref") if isinstance(coll, dict) else None
    if not isinstance(coll_body, dict):
        return out
    if coll_body.get("id") == "indexes" and "collection" not in coll_body and "source" in out:
        out["source"] = _sources(out["source"])
    if strings:
        items = list(out.items())
        items.insert(1, ("class", _ref(coll_body, True)))
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
