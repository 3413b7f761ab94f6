"""`GET /environment/1`: a database's whole v10 type environment, for editors' completion (core's
EnvironmentEndpoint). Any method is answered alike, as core's router sends every request on the path here.

200 `{schema_version, environment: {globals, types[, truncated_resources]}}` (fql/eval/v10/environment.py)
for an admin or server secret; 401 `{code: "unauthorized", message}` without a valid secret, 403
`{code: "forbidden", message}` for any other (a client or read-only key, a token, a JWT).
"""

from __future__ import annotations

import typing as t

from ..errors import Unauthorized
from ..eval.documents import schema_version
from ..eval.v10.environment import complete
from .headers import secret as request_secret
from .protocol import Request, Response, json_bytes

if t.TYPE_CHECKING:
    from ..database import Database
    from ..eval.evaluator import Context

PATH = "/environment/1"

UNAUTHORIZED = Response(
    401, json_bytes({"code": "unauthorized", "message": "Invalid token, unable to authenticate request"})
)
FORBIDDEN = Response(
    403, json_bytes({"code": "forbidden", "message": "A valid admin/server key must be provided to use this endpoint"})
)


def handle(db: Database, request: Request) -> Response:
    """Answer one request (blocking: run it off the event loop)."""
    secret = request_secret(request.headers)
    if secret is None:
        return UNAUTHORIZED
    try:
        answer, _ = db.transact(_answer, secret=secret)
    except Unauthorized:
        return UNAUTHORIZED
    return answer


def _answer(ctx: Context) -> Response:
    if not _may_read(ctx):
        return FORBIDDEN
    body = {"schema_version": schema_version(ctx), "environment": complete(ctx)}
    return Response(200, json_bytes(body), ts=ctx.state.ts)


def _may_read(ctx: Context) -> bool:
    """Core's AdminPermissions or ServerPermissions: an admin or server secret (not server-readonly)."""
    auth = ctx.state.auth
    return auth.identity is None and auth.provider is None and auth.role in ("admin", "server")
