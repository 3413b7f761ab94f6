"""Fauna's very old v4 REST paths (`GET /classes/spells/1`), as core's FQL1Routes still serves them.

A path names a ref in the legacy string form (`classes`, `classes/spells`, `classes/spells/1`,
`indexes/x`, `keys/123`), optionally followed by `/events`. Each request becomes one v4 query that the
server runs like any other (one transaction, the same answers and errors):

- a native collection (`/classes`, `/indexes`, `/databases`, `/keys`, `/tokens` ...): GET pages it
  (`?size=`, `?after=`, `?before=`), POST creates in it with the body as its params;
- any other ref: GET reads it, POST creates with it, PUT replaces, PATCH updates, DELETE deletes
  (a key's PUT and PATCH only with the root key: 403 `forbidden` otherwise);
- `<ref>/events`: GET pages the ref's events (`<ref>/events/<ts>/create` parses, and is 404).

A ref naming a collection or schema document that does not exist, or a `self` the caller is not, is
404 `not found`, as core's lookup answers it before anything else; a method the path does not take is
405. A path that reads as no ref (`/classes/`, `/classes/c/abc`) is 404 before the secret is asked for.
"""

from __future__ import annotations

import json
import re
import typing as t

from attrs import frozen

from ..errors import FQLError
from ..eval.sets import DEFAULT_PAGE_SIZE
from ..values import Ref, parse_long
from ..wire.v4 import legacy_ref, value_from_json
from .body import parse

#: What each method does to a ref that is not a native collection (core's routeRefPath).
_DOCUMENT_VERBS = {"GET": "get", "POST": "create", "PUT": "replace", "PATCH": "update", "DELETE": "delete"}
#: The write verbs that take the request body as their params.
_WITH_BODY = ("create", "replace", "update")
#: Only the root key may PUT or PATCH a key's path; anyone else is refused with these words (core's
#: key_forbid_user_import, on by default: a key imported into another database could break its routing).
_KEY_WRITES = {
    "replace": "Replacing a key with PUT is not allowed: create a replacement key, then delete this key.",
    "update": "Updating a key with PATCH is not allowed: use the Update FQL function to change key's user metadata.",
}
#: A path: a ref, then maybe its events, or one of them (`events/<ts>/create`), which core parses and
#: then, once the secret is checked, answers 404 `not found` (FQL1Routes, `RefScope.EventRef`).
_PATH = re.compile(r"(?P<base>.*?)(?P<events>/events(?:/(?P<one>[0-9]+)/(?:create|delete))?)?", re.S)
#: The lookup of a path naming a single event: false, so that it is 404 after the secret.
_NO_EVENT = False
#: The natives whose documents are numbered, not named (PathParser's `classRef`).
_NUMBERED = ("keys", "tokens", "credentials")


@frozen
class RestCall:
    """A REST request as a v4 query: its wire JSON, what must exist for the path to name something,
    and the methods the path takes when this one is refused."""

    query: dict
    #: A query that is false when the path names nothing (asked first, without permission checks, as
    #: core looks the ref up before anything else), or None when there is nothing to look up.
    exists: dict | bool | None = None
    refused: tuple[str, ...] = ()
    #: The body is not JSON: answered as a query body that is not JSON is.
    bad_body: bool = False
    #: Why the call is refused (403 `forbidden`) unless made with the root key.
    root_only: str | None = None


def route(path: str, method: str, params: dict[str, str], body: bytes) -> RestCall | None:
    """The query a REST path and method stand for; None when the path names no ref (404).

    A method the path does not take gives a RestCall with `refused` (the allowed methods): the caller
    checks `exists` first, then answers 405.
    """
    parsed = _parse_path(path[1:])
    if parsed is None:
        return None
    ref, text, suffix = parsed
    if suffix == "event":
        return RestCall({}, _NO_EVENT)
    wire = {"@ref": text}
    exists = _exists(ref, wire)
    if suffix == "events":
        if method != "GET":
            return RestCall({}, exists, ("GET",))
        return RestCall(_paginate(wire, params, events=True), exists)
    if ref.collection is None:
        if method == "GET":
            return RestCall(_paginate(wire, params, events=False), exists)
        if method == "POST":
            params_ = _params(body)
            return RestCall({"create": wire, "params": params_}, exists, bad_body=params_ is None)
        return RestCall({}, exists, ("GET", "POST"))
    verb = _DOCUMENT_VERBS.get(method)
    if verb is None:
        return RestCall({}, exists, tuple(_DOCUMENT_VERBS))
    query: dict = {verb: wire}
    if verb in _WITH_BODY:
        query["params"] = _params(body)
    forbidden = _KEY_WRITES.get(verb) if _is_key(ref) else None
    return RestCall(query, exists, bad_body=query.get("params", {}) is None, root_only=forbidden)


def _parse_path(text: str) -> tuple[Ref, str, str] | None:
    """A REST path (its leading slash dropped) as core's LegacyRefParser.PathParser reads it: the legacy
    ref it starts with, that ref's text, and what follows it ("", `events`, or `event` for `events/<ts>/create|delete`);
    None when it reads as no ref. Every segment counts: `classes/` and `//classes` name nothing."""
    found = _PATH.fullmatch(text)
    base = found["base"]
    ref = legacy_ref(base)
    if ref is None:
        return None
    if found["one"] is None:
        return ref, base, "events" if found["events"] else ""
    if parse_long(found["one"]) is None or not _has_single_events(ref):
        return None
    return ref, base, "event"


def _has_single_events(ref: Ref) -> bool:
    """Whether a path may name one of the ref's events: PathParser takes `versionID` after a document,
    a collection of documents (keys, tokens, credentials, or a user's) or a database, and nothing else."""
    if ref.collection is None:
        return ref.id in _NUMBERED
    return ref.collection.collection is not None or ref.collection.id in ("collections", "databases", *_NUMBERED)


def _is_key(ref: Ref) -> bool:
    return ref.collection is not None and ref.collection.collection is None and ref.collection.id == "keys"


def _exists(ref: Ref, wire: dict) -> dict | None:
    """Whether what the path names can be looked up: a schema document itself, or a document's collection."""
    if ref.collection is None:
        return None
    if ref.is_schema or ref.id == "self":
        # `self` names the caller's identity, token or credentials only when it has one there.
        return {"exists": wire}
    if ref.collection.collection is not None:
        # A document of a user collection: the collection must exist.
        return {"exists": {"@ref": "classes/" + ref.collection.id}}
    return None


def _params(body: bytes) -> dict | None:
    """The body as literal params (core quotes it), read as a query body is; no body is `{}`; None when
    it is not JSON (blanks alone are a body, and no JSON)."""
    if not body:
        return {"quote": {}}
    try:
        return {"quote": parse(body)}
    except FQLError:
        return None


def _paginate(wire: dict, params: dict[str, str], *, events: bool) -> dict:
    """Paginate with the URL's `size`, `before` and `after` (JSON, a timestamp, or a ref), as core's
    getPaginateParams reads them."""
    size = parse_long(params.get("size", ""))
    query: dict = {"paginate": wire, "size": DEFAULT_PAGE_SIZE if size is None else size}
    for key in ("before", "after"):
        cursor = _cursor(params[key]) if key in params else None
        if cursor is not None:
            query[key] = {"quote": cursor}
    if events:
        query["events"] = True
    return query


def _cursor(text: str) -> t.Any:
    """A cursor: JSON with valid escapes, else a whole number (an event's `ts`), else a legacy ref; None
    (no cursor at all) when it is none of these, as core tries each in turn and drops what fails."""
    try:
        found = json.loads(text)
        value_from_json(found)
        return found
    except (ValueError, FQLError):
        pass
    ts = parse_long(text)
    if ts is not None:
        return {"ts": ts}
    return {"@ref": text} if legacy_ref(text) is not None else None
