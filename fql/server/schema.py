"""Fauna's schema API (`/schema/1/...`), which the Fauna CLI and dashboard push and pull FSL files through
(core's SchemaEndpoint): the files, pushing and validating them, and the diff.

Every answer is JSON with the database's schema `version` (µs), and an error is `{"error": {"message"}}`
with core's status: 401 without a valid secret, 403 for a secret that may not read (or write) schema,
404, 405, 409 for a stale `version`, 400 for anything wrong with the files.
"""

from __future__ import annotations

import email.parser
import email.policy
import re
import typing as t

import attrs

from ..errors import FQLError, Unauthorized
from ..schema import diff as schema_diff
from ..schema import manager, parser
from ..schema.items import Item
from ..schema.manager import SchemaError
from .headers import secret as request_secret
from .protocol import SCHEMA_PREFIX, ProtocolError, Request, Response, json_bytes, path_segments

if t.TYPE_CHECKING:
    from ..database import Database
    from ..eval.evaluator import Context

PREFIX = SCHEMA_PREFIX
#: The diff formats of `format=`; the older `diff=` also takes `true` for `semantic`.
FORMATS = ("semantic", "summary", "textual")


def handle(db: Database, request: Request) -> Response:
    """Answer one `/schema/1/...` request (blocking: run it off the event loop)."""
    try:
        return _handle(db, request)
    except SchemaError as err:
        return _error(err.status, err.message)


def protocol_error(err: ProtocolError) -> Response:
    """A request refused before it reached the schema API (a body over the limit): core's schema
    envelope, with its words for a body too large."""
    return _error(err.status, "Request entity is too large" if err.status == 413 else err.description)


def _error(status: int, message: str) -> Response:
    extra = [("www-authenticate", "Bearer")] if status == 401 else []
    return Response(status, json_bytes({"error": {"message": message}}), extra)


def _ok(body: dict, status: int = 200) -> Response:
    return Response(status, json_bytes(body))


def _handle(db: Database, request: Request) -> Response:
    # Core reads a multipart body before it looks at the secret, even a missing one, or the path.
    files = _files(request)
    secret = request_secret(request.headers)
    if secret is None:
        raise SchemaError(401, "Access token required")
    try:
        try:
            result, _ = db.transact(lambda ctx: _answer(ctx, request, files), secret=secret)
        except _Answered as answered:
            result = answered.response
        except _Staging as staging:
            result = _push_staged(db, request, staging, secret)
    except Unauthorized:
        raise SchemaError(401, "Access token required") from None
    except FQLError as err:
        raise SchemaError(400, manager.failure_message(err)) from None
    return result


def _push_staged(db: Database, request: Request, staging: _Staging, secret: str) -> Response:
    """Stage a push (manager.push_staged), answered with the new version and, for an item, the item."""
    body = dict(staging.body or {})
    answer = staging.answer
    version = manager.push_staged(
        db,
        staging.files,
        secret=secret,
        override=staging.override,
        check=lambda ctx: _check_write(ctx, request),
        inspect=None if answer is None else lambda ctx: body.update(answer(ctx)),
        renames=staging.renames,
    )
    return _ok({"version": version, **body})


#: (method, path parts, `*` for a variable part, `<resource>` for one of RESOURCES) -> handler name.
_ROUTES = {
    ("GET", ("files",)): "list_files",
    ("GET", ("files", "*")): "get_file",
    ("POST", ("update",)): "update",
    ("POST", ("validate",)): "validate",
    ("POST", ("diff",)): "validate",
    ("GET", ("status",)): "status",
    ("GET", ("staged", "status")): "status",
    ("POST", ("commit",)): "commit",
    ("POST", ("staged", "commit")): "commit",
    ("POST", ("abandon",)): "abandon",
    ("POST", ("staged", "abandon")): "abandon",
    ("GET", ("items", "<resource>", "*")): "get_item",
    ("POST", ("items", "<resource>")): "add_item",
    ("POST", ("items", "<resource>", "*")): "replace_item",
    ("DELETE", ("items", "<resource>", "*")): "delete_item",
}


def _route(method: str, parts: list[str]) -> tuple[str, list[str]]:
    """The handler for a request of path segments `parts` (see protocol.path_segments), with the path's
    variable parts: 404 if no path matches, 405 if one does for another method. Only the items API's four
    resources are paths (core routes each on its own)."""
    if parts[:2] != _PREFIX_PARTS:
        # `/schema/1xyz` comes here (core routes by the path's start), and is no path of the API.
        raise SchemaError(404, "Not found")
    parts = parts[2:]
    methods = False
    for (verb, pattern), name in _ROUTES.items():
        if len(pattern) != len(parts) or not all(map(_matches, pattern, parts)):
            continue
        if verb == method:
            return name, [part for p, part in zip(pattern, parts) if p in _VARIABLE]
        methods = True
    raise SchemaError(405, "Method not allowed") if methods else SchemaError(404, "Not found")


#: The segments every route starts with.
_PREFIX_PARTS = PREFIX.strip("/").split("/")
#: The path parts a route takes as arguments.
_VARIABLE = ("*", "<resource>")


def _matches(pattern: str, part: str) -> bool:
    if pattern == "<resource>":
        return part in RESOURCES
    return pattern in ("*", part)


#: What core's HttpBody.isMultipart takes for a multipart body: its Content-Type matched whole, case and all.
_MULTIPART = re.compile(r"multipart/.*")


def _files(request: Request) -> list[tuple[str, str]]:
    """The files of a multipart body: each part's form name is a file name, its content the FSL."""
    kind = request.headers.get("content-type", "")
    if not request.body or not _MULTIPART.fullmatch(kind):
        # Not files: the body may be one item's FSL (the items endpoints).
        return []
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + kind.encode("latin-1") + b"\r\n\r\n" + request.body
    )
    # Core's HttpBodyPart.parse takes only what Netty's HttpPostRequestDecoder.isMultipart does: form data
    # (`multipart/form-data`, spelled so) with a boundary.
    form = kind.startswith("multipart/form-data")
    if not form or not message.is_multipart() or message.get_boundary() is None or message.defects:
        raise SchemaError(400, "Request is not a valid multipart request")
    found = []
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True) or b""
        if name is None:
            raise SchemaError(400, "Invalid request")
        try:
            found.append((str(name), payload.decode("utf-8")))
        except UnicodeDecodeError:
            raise SchemaError(400, "Invalid request") from None
    manager.check_files(found)
    return found


def _flag(request: Request, name: str, *, default: bool = False) -> bool:
    value = request.params.get(name)
    if name == "override":
        return value != "false"
    return value == "true" if value is not None else default


#: A `version` core reads (Scala's toLongOption): an optional sign and digits, no blanks nor underscores.
_LONG = re.compile(r"[+-]?\d+")


def _known_version(request: Request) -> int | None:
    """The `version` parameter; None when there is none, or it is no 64-bit integer (core ignores it)."""
    text = request.params.get("version")
    if text is None or not _LONG.fullmatch(text):
        return None
    value = int(text)
    return value if -(2**63) <= value < 2**63 else None


def _answer(ctx: Context, request: Request, files: list[tuple[str, str]]) -> Response:
    if not manager.can_read(ctx):
        raise SchemaError(403, "Access denied")
    name, args = _route(request.method, path_segments(request))
    return _HANDLERS[name](ctx, request, files, *args)


def _version(ctx: Context, request: Request) -> int:
    return manager.check_version(ctx, _known_version(request), _flag(request, "force"))


def _shown_files(ctx: Context, request: Request) -> list[tuple[str, str]]:
    """The active files, or with `staged=true` the staged ones (the active ones when none are staged)."""
    staged = manager.staged_files(ctx) if _flag(request, "staged") else None
    return manager.files(ctx) if staged is None else staged


def _list_files(ctx: Context, request: Request, files: list) -> Response:
    version = _version(ctx, request)
    return _ok({"version": version, "files": [{"filename": name} for name, _ in _shown_files(ctx, request)]})


def _get_file(ctx: Context, request: Request, files: list, filename: str) -> Response:
    version = _version(ctx, request)
    for name, text in _shown_files(ctx, request):
        if name == filename:
            return _ok({"version": version, "content": text})
    raise SchemaError(404, "Not found")


def _update(ctx: Context, request: Request, files: list) -> Response:
    _check_write(ctx, request)
    if _flag(request, "staged") or manager.staged_files(ctx) is not None:
        # Staged (or a push while a schema is staged, which core adds to the staged schema).
        raise _Staging(files, _flag(request, "override"))
    manager.update(ctx, files, override=_flag(request, "override"))
    return _ok({"version": ctx.state.ts})


def _check_write(ctx: Context, request: Request) -> None:
    if not manager.can_write(ctx):
        raise SchemaError(403, "Access denied")
    _version(ctx, request)


class _Staging(Exception):
    """A staged push: run apart (manager.push_staged), in transactions of its own. An item written while
    a schema is staged is answered as outside staging: `body` is the answer known before the push, and
    `answer(ctx)` the part read once the push is applied (the item's definition as it would be)."""

    def __init__(
        self,
        files: list[tuple[str, str]],
        override: bool,
        *,
        body: dict | None = None,
        answer: t.Callable[[Context], dict] | None = None,
        renames: dict | None = None,
    ):
        super().__init__("staging")
        self.files = files
        self.override = override
        self.body = body
        self.answer = answer
        #: The items API's renames (an item's (kind, new name) to its staged name), kept to the commit.
        self.renames = renames


class _Answered(Exception):
    """An answer read from the schema as the staged files make it, in a transaction then rolled back."""

    def __init__(self, response: Response):
        super().__init__("answered")
        self.response = response


def _validate(ctx: Context, request: Request, files: list) -> Response:
    version = _version(ctx, request)
    override, staged = _flag(request, "override"), _flag(request, "staged")
    result = manager.validate(ctx, files, override=override, staged=staged)
    fmt = _format(request) or "semantic"
    text = schema_diff.render(fmt, result.before, result.after, result.diffs, color=_color(request))
    _trial_push(ctx, files, override=override, staged=staged)
    raise _Answered(_ok({"version": version, "diff": text}))


def _trial_push(ctx: Context, files: list, *, override: bool, staged: bool = False, renames: dict | None = None) -> None:
    """Core's validate types the schema it would make as an update does (SchemaTypeValidator, its errors
    the update's); fql's typer reads the schema as written: the push is applied in this transaction,
    checked (manager.update), and the caller rolls it back (_Answered). Core's validate needs only the
    permission to read schema (a server key's too), so the trial push is made with the admin's."""
    auth = ctx.state.auth
    ctx.state.auth = attrs.evolve(auth, role="admin")
    try:
        if staged:
            manager.apply_staged(ctx)
        manager.update(ctx, files, override=override, renames=renames)
    finally:
        ctx.state.auth = auth


def _format(request: Request) -> str | None:
    """The diff format asked for, if any (core's diffFormat)."""
    if request.params.get("format") in FORMATS:
        return request.params["format"]
    legacy = request.params.get("diff")
    return "semantic" if legacy == "true" else legacy if legacy in FORMATS else None


def _status(ctx: Context, request: Request, files: list) -> Response:
    """Whether a schema is staged (`ready`: fql builds its indexes at once) or not (`none`); with a diff
    format, also what it changes against the active schema."""
    version = _version(ctx, request)
    _not_root(ctx)
    staged = manager.staged_files(ctx)
    body = {"version": version, "status": "none" if staged is None else "ready"}
    fmt = _format(request)
    if fmt is not None:
        renames = manager.staged_renames(ctx)
        result = manager.validate(ctx, staged, override=True, renames=renames) if staged is not None else None
        body["pending_summary"] = ""
        body["diff"] = (
            "" if result is None else schema_diff.render(fmt, result.before, result.after, result.diffs, color=_color(request))
        )
    return _ok(body)


def _color(request: Request) -> bool:
    return request.params.get("color") == "ansi"


def _commit(ctx: Context, request: Request, files: list) -> Response:
    return _staged_step(ctx, request, manager.commit)


def _abandon(ctx: Context, request: Request, files: list) -> Response:
    return _staged_step(ctx, request, manager.abandon)


def _staged_step(ctx: Context, request: Request, step: t.Callable[[Context], None]) -> Response:
    """Commit or abandon the staged schema (core's checks first: an admin secret, not an account root nor
    the top database, the version)."""
    if not manager.can_write(ctx):
        raise SchemaError(403, "Access denied")
    _not_root(ctx)
    _version(ctx, request)
    step(ctx)
    return _ok({"version": ctx.state.ts})


def _not_root(ctx: Context) -> None:
    """Core's disallowTenantRoot, then its disallowRoot: no staged schema in a customer's account root or
    in the top database."""
    if manager.is_customer_tenant_root(ctx):
        raise SchemaError(400, "Schema can not be created in your account root.")
    if ctx.state.scope == "":
        raise SchemaError(400, "Schema cannot be staged in the root database")


# -- one item at a time (the dashboard's API) ---------------------------------------------------------------

#: The items endpoints' resources: the kind of item each holds, and how core names one in a message.
RESOURCES = {
    "collections": ("collection", "a collection"),
    "functions": ("function", "a function"),
    "roles": ("role", "a role"),
    "access_providers": ("access provider", "an access provider"),
}


def _snippet(request: Request, resource: str) -> tuple[Item, str]:
    """The one item of the request's body, of the resource's kind (core's parseSingleSchemaItem)."""
    kind, noun = RESOURCES[resource]
    text = request.body.decode("utf-8", "replace")
    if not text.strip():
        raise SchemaError(400, "No FSL snippet provided")
    try:
        # Core parses the snippet as its own source, `*fsl*` (Src.FSL), where its errors are drawn.
        items = parser.parse(text, "*fsl*")
    except parser.FSLError as err:
        raise SchemaError(400, str(err)) from None
    if len(items) != 1:
        raise SchemaError(400, f"Expected a single schema item, got: {len(items)}")
    if items[0].kind != kind:
        raise SchemaError(400, f"Wrong FSL snippet. Expected {noun}")
    return items[0], text


def _item_answer(ctx: Context, version: int, located: manager.Located, content: str | None = None) -> Response:
    return _ok({"version": version, **_item_body(ctx, located, content)})


def _item_body(ctx: Context, located: manager.Located, content: str | None = None) -> dict:
    """An item as the items API answers it: its file, where it is and its text there (or `content`, the
    snippet a write sent), and the definition its document has."""
    from ..eval.v10.documents import read
    from ..wire.v10 import to_simple

    document = read(ctx, manager.ref_of(located.item))
    start, end = located.item.span
    return {
        "filename": located.file,
        "span": {"start": start, "end": end},
        "content": located.text[start:end] if content is None else content,
        "definition": to_simple(document),
    }


def _get_item(ctx: Context, request: Request, files: list, resource: str, name: str) -> Response:
    version = _version(ctx, request)
    kind, _ = RESOURCES[resource]
    staged = manager.apply_staged(ctx)
    if staged is None:
        return _item_answer(ctx, version, _located(ctx, kind, name))
    # While a schema is staged, core finds items in the staged files; the definition is read with the
    # staged files applied, in this transaction, which _Answered rolls back.
    raise _Answered(_item_answer(ctx, version, _located_in(staged, kind, name)))


def _located(ctx: Context, kind: str, name: str) -> manager.Located:
    found = manager.locate(ctx, kind, name)
    if found is None:
        raise SchemaError(404, "Not found")
    return found


def _located_in(files: list[tuple[str, str]], kind: str, name: str) -> manager.Located:
    found = manager.locate_in(files, kind, name)
    if found is None:
        raise SchemaError(404, "Not found")
    return found


def _add_item(ctx: Context, request: Request, files: list, resource: str) -> Response:
    """A new item, appended to `main.fsl`."""
    return _item_write(ctx, request, resource, None)


def _replace_item(ctx: Context, request: Request, files: list, resource: str, name: str) -> Response:
    """An item written anew where it stands (a new name renames it)."""
    return _item_write(ctx, request, resource, name)


def _item_write(ctx: Context, request: Request, resource: str, name: str | None) -> Response:
    validating = _flag(request, "validate")
    if not validating and not manager.can_write(ctx):
        raise SchemaError(403, "Access denied")
    version = manager.version(ctx) if validating else _version(ctx, request)
    item, snippet = _snippet(request, resource)
    # While a schema is staged, the item is found in (and a write changes) the staged files: core's items
    # API looks items up there, and validates the changed file against the active ones.
    staged = manager.staged_files(ctx)
    renames = {}
    old = None
    if name is None:
        main = dict(manager.files(ctx) if staged is None else staged).get(manager.MAIN, "")
        file, text = manager.MAIN, f"{main}\n\n{snippet}"
    else:
        old = _located(ctx, item.kind, name) if staged is None else _located_in(staged, item.kind, name)
        start, end = old.item.span
        file, text = old.file, old.text[:start] + snippet + old.text[end:]
        if item.name != name:
            renames[(item.kind, item.name)] = name
    if validating:
        return _diff_answer(ctx, request, version, [(file, text)], renames)
    return _item_change(ctx, version, file, text, renames, item, snippet, old)


def _delete_item(ctx: Context, request: Request, files: list, resource: str, name: str) -> Response:
    validating = _flag(request, "validate")
    if not validating and not manager.can_write(ctx):
        raise SchemaError(403, "Access denied")
    version = manager.version(ctx) if validating else _version(ctx, request)
    kind, _ = RESOURCES[resource]
    staged = manager.staged_files(ctx)
    located = _located(ctx, kind, name) if staged is None else _located_in(staged, kind, name)
    start, end = located.item.span
    text = located.text[:start] + located.text[end:]
    if validating:
        return _diff_answer(ctx, request, version, [(located.file, text)], {})
    # Core answers the item's document as its delete left it (WriteBroker.deleteDocument's version, a
    # deleted one), which materializes to null.
    body = {"filename": located.file, "span": {"start": start, "end": end}, "content": located.text[start:end], "definition": None}
    if staged is not None:
        raise _Staging([(located.file, text)], False, body=body)
    manager.update(ctx, [(located.file, text)], override=False)
    return _ok({"version": ctx.state.ts, **body})


def _item_change(
    ctx: Context, version: int, file: str, text: str, renames: dict, item: Item, snippet: str, old: manager.Located | None
) -> Response:
    """Write an item's new text (`old` is where it stood, None for a new item), answered as core's items API
    answers: the push's update of the item, found by the item's name (core's Diff.Add names the new item,
    its Diff.Modify the item before, of the active schema), with its span there and the write's version;
    or when none is found (a rename, or nothing changed), the item where it stood, with the version the
    request was checked against (core's SourceItem). `content` is the snippet sent, as in core."""
    if manager.staged_files(ctx) is not None:
        # Core diffs an items API write against the active schema, staged or not (SchemaValidate with
        # `staged = false`); the staged push itself is made apart, and fails there if it must.
        try:
            diffs = manager.validate(ctx, [(file, text)], override=False, renames=renames).diffs
        except SchemaError:
            diffs = []
        located, found = _updated(file, text, item, old, diffs, snippet)
        body = None if found else {"version": version}
        raise _Staging(
            [(file, text)], False, body=body, answer=lambda applied: _item_body(applied, located, snippet), renames=renames
        )
    result = manager.update(ctx, [(file, text)], override=False, renames=renames)
    located, found = _updated(file, text, item, old, result.diffs, snippet)
    return _item_answer(ctx, ctx.state.ts if found else version, located, snippet)


def _updated(
    file: str, text: str, item: Item, old: manager.Located | None, diffs: list, snippet: str
) -> tuple[manager.Located, bool]:
    """Where the items API answers a written item, and whether the push updates it under its name."""
    found = next((d.item for d in diffs if d.item.key == item.key), None)
    if found is not None:
        span = found.span
    elif old is not None:
        span = old.item.span
    else:
        span = (len(text) - len(snippet), len(text))
    return manager.Located(file, text, Item(item.kind, item.name, {}, file, span)), found is not None


def _diff_answer(ctx: Context, request: Request, version: int, files: list, renames: dict) -> Response:
    """The items API's `validate=true`: the diff against the active schema, the push typechecked as
    /schema/1/validate types it (core's validateSingleFSLItem runs SchemaManager.validate)."""
    result = manager.validate(ctx, files, override=False, renames=renames)
    text = schema_diff.render(_format(request) or "semantic", result.before, result.after, result.diffs, color=_color(request))
    _trial_push(ctx, files, override=False, renames=renames)
    raise _Answered(_ok({"version": version, "diff": text}))


_HANDLERS: dict[str, t.Callable[..., Response]] = {
    "get_item": _get_item,
    "add_item": _add_item,
    "replace_item": _replace_item,
    "delete_item": _delete_item,
    "list_files": _list_files,
    "get_file": _get_file,
    "update": _update,
    "validate": _validate,
    "status": _status,
    "commit": _commit,
    "abandon": _abandon,
}
