"""What core's v10 schema-field specs (FQL2ComputedFieldsSpec, FQL2DefinedFieldsSpec,
FQL2CheckConstraintsSpec) share: queries through the `/query/1` handler with the root secret, in simple
format, with the database's own typechecking unless told otherwise."""

from __future__ import annotations

import fql
from tests.helpers import QueryEndpoint


#: The root's queries in simple format; `answer` is the envelope alone.
ENDPOINT = QueryEndpoint(fmt="simple")
answer, ok, failure = ENDPOINT.body, ENDPOINT.ok, ENDPOINT.failure


def static_type(db: fql.Database, query: str) -> str:
    """The query's type as core's typer shows it (core's `evalRes(...).typeStr`)."""
    body = answer(db, query, typecheck=True)
    assert "error" not in body, body
    return body["static_type"]


def lines(*rows: str) -> str:
    return "\n".join(rows)
