"""Fauna's very old v4 REST paths (`GET /classes/spells/1`), as core's FQL1Routes still serves them.

A path names a ref in the legacy string form (`classes`, `classes/spells`, `classes/spells/1`,
`indexes/x`, `keys/123`), optionally followed by `/events`. Each request becomes one v4 query that the
server runs like any other (one transaction, the same answers and errors):

- a native collection (`/classes`, `/indexes`, `/databases`, `/keys`, `/tokens` ...): GET pages it
  (`?size=`, `?after=`, `?before=`), POST creates in it with the body as its params;
- any other ref: GET reads it, POST creates with it, PUT replaces, PATCH updates, DELETE deletes
  (a key's PUT and PATCH only with the root key: 403 `forbidden` otherwise);
- `<ref>/events`: GET pages the ref's events.

A ref naming a collection or schema document that does not exist is 404 `not found`, as core's lookup
answers it before anything else; a method the path does not take is 405.
"""

from __future__ import annotations

import json
import typing as t

from attrs import frozen

from ..errors import FQLError
from ..eval.documents import parse_legacy_ref
from ..eval.sets import DEFAULT_PAGE_SIZE
from ..values import Ref
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


@frozen
class RestCall:
    """A REST request as a v4 query: its wire JSON, what must exist for the path to name something,
    and the methods the path takes when this one is refused."""

    query: dict
    #: A query that is false when the path names nothing (asked first, without permission checks, as
    #: core looks the ref up before anything else), or None when there is nothing to look up.
    exists: dict | None = None
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
    parts = path.strip("/").split("/")
    events = len(parts) > 1 and parts[-1] == "events"
    if events:
        parts = parts[:-1]
    ref = parse_legacy_ref("/".join(parts)) if parts != [""] else None
    if ref is None:
        return None
    wire = {"@ref": "/".join(parts)}
    exists = _exists(ref, wire)
    if events:
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


def _is_key(ref: Ref) -> bool:
    return ref.collection is not None and ref.collection.collection is None and ref.collection.id == "keys"


def _exists(ref: Ref, wire: dict) -> dict | None:
    """Whether what the path names can be looked up: a schema document itself, or a document's collection."""
    if ref.collection is None:
        return None
    if ref.is_schema:
        return {"exists": wire}
    if ref.collection.collection is not None:
        # A document of a user collection: the collection must exist.
        return {"exists": {"@ref": "classes/" + ref.collection.id}}
    return None


def _params(body: bytes) -> dict | None:
    """The body as literal params (core quotes it), read as a query body is; no body is `{}`; None when
    it is not JSON."""
    if not body.strip():
        return {"quote": {}}
    try:
        return {"quote": parse(body)}
    except FQLError:
        return None


def _paginate(wire: dict, params: dict[str, str], *, events: bool) -> dict:
    """Paginate with the URL's `size`, `before` and `after` (JSON, a timestamp, or a ref), as core's
    getPaginateParams reads them."""
    query: dict = {"paginate": wire, "size": DEFAULT_PAGE_SIZE}
    size = params.get("size", "")
    if size.lstrip("-").isdigit():
        query["size"] = int(size)
    for key in ("before", "after"):
        if key in params:
            query[key] = {"quote": _cursor(params[key])}
    if events:
        query["events"] = True
    return query


def _cursor(text: str) -> t.Any:
    try:
        return json.loads(text)
    except ValueError:
        pass
    if text.lstrip("-").isdigit():
        return {"ts": int(text)}
    return {"@ref": text}
