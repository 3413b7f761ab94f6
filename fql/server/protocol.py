"""ASGI plumbing: a request read with a bounded body, a response sent in one piece, and Fauna's protocol errors."""

from __future__ import annotations

import json
import typing as t
from urllib.parse import parse_qsl

from attrs import field, frozen

#: The largest request body `fql serve` reads: a larger one is answered 413 `request too large`
#: (Fauna refuses a 9 MiB body the same way).
MAX_BODY = 8 * 1024 * 1024
#: How much of an oversized body is read and dropped before answering, so that the client, still
#: sending, gets the 413 instead of a reset connection. Past this the rest is left unread.
DRAIN_LIMIT = 64 * 1024 * 1024

#: Each protocol status with its v4 and v10 error codes (core's `ProtocolErrorCode` names).
CODES: dict[int, tuple[str, str]] = {
    400: ("bad request", "invalid_request"),
    401: ("unauthorized", "unauthorized"),
    404: ("not found", "not_found"),
    405: ("method not allowed", "method_not_allowed"),
    413: ("request too large", "request_size_exceeded"),
    500: ("internal server error", "internal_error"),
}

Headers = list[tuple[str, str]]


class ProtocolError(Exception):
    """A request refused before or around evaluation (not a query error): no `position`, its own status."""

    def __init__(self, status: int, description: str, *, headers: t.Iterable[tuple[str, str]] = ()):
        super().__init__(description)
        self.status = status
        self.description = description
        self.headers = list(headers)

    def v4_body(self) -> dict:
        return {"errors": [{"code": CODES[self.status][0], "description": self.description}]}

    def v10_body(self) -> dict:
        return {"error": {"code": CODES[self.status][1], "message": self.description}, "summary": ""}


def not_found() -> ProtocolError:
    return ProtocolError(404, "Not Found")


def unauthorized() -> ProtocolError:
    return ProtocolError(401, "Unauthorized", headers=[("www-authenticate", 'Basic realm="Unauthorized"')])


def method_not_allowed(*allowed: str) -> ProtocolError:
    methods = ", ".join(allowed)
    return ProtocolError(405, f"Allowed methods are {methods}.", headers=[("allow", methods)])


def too_large() -> ProtocolError:
    return ProtocolError(413, "Request entity is too large.")


def bad_header(name: str, problem: str) -> ProtocolError:
    return ProtocolError(400, f"Invalid header '{name}': {problem}")


def internal(exc: BaseException) -> ProtocolError:
    """A bug in fql: one line naming the exception (the traceback goes to the server log only)."""
    return ProtocolError(500, f"{type(exc).__name__}: {exc}")


@frozen
class Request:
    """One HTTP request: header names lower-cased (repeated headers joined by commas), the whole body."""

    method: str
    path: str
    params: dict[str, str]
    headers: dict[str, str]
    body: bytes = field(repr=False)


@frozen
class Response:
    """One HTTP response: its status, JSON body and headers (the app adds the common ones)."""

    status: int
    body: bytes = field(repr=False)
    headers: Headers = field(factory=list)
    #: The transaction time of the query behind it, if one ran to the end.
    ts: int | None = None


def json_bytes(value: t.Any) -> bytes:
    """Compact JSON; a lone surrogate (from a `\\udc00` escape in a request) becomes `?`, as in core."""
    return _COMPACT.encode(value).encode("utf-8", "replace")


_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def _headers(scope: dict) -> dict[str, str]:
    out: dict[str, str] = {}
    for raw_name, raw_value in scope["headers"]:
        name, value = raw_name.decode("latin-1").lower(), raw_value.decode("latin-1")
        out[name] = f"{out[name]},{value}" if name in out else value
    return out


async def read_request(scope: dict, receive: t.Callable, limit: int = MAX_BODY) -> Request:
    """The request of an ASGI `http` scope, its body read whole; a body over `limit` bytes is `too_large()`."""
    headers = _headers(scope)
    query = scope.get("query_string", b"")
    params = dict(parse_qsl(query.decode("latin-1"))) if query else {}
    declared = headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        await _drain(receive, 0)
        raise too_large()
    chunks, size, more = [], 0, True
    while more:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            if message.get("more_body", False):
                await _drain(receive, size)
            raise too_large()
        chunks.append(chunk)
        more = message.get("more_body", False)
    return Request(scope["method"], scope["path"], params, headers, b"".join(chunks))


async def _drain(receive: t.Callable, size: int) -> None:
    while size <= DRAIN_LIMIT:
        message = await receive()
        size += len(message.get("body", b""))
        if message["type"] == "http.disconnect" or not message.get("more_body", False):
            return


async def send_response(
    send: t.Callable, response: Response, headers: list[tuple[bytes, bytes]], *, head: bool = False
) -> None:
    """Send `response` in one piece with `headers` (its own and the common ones); for HEAD, no body."""
    headers.append((b"content-length", b"%d" % len(response.body)))
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    await send({"type": "http.response.body", "body": b"" if head else response.body})
