"""Helpers for the ports of core's migration specs: a collection pushed as FSL, documents written into it,
the next push, and the documents' user fields read back (at a time, or as they stand)."""

from __future__ import annotations

import typing as t

import pytest

import fql
from fql.schema.manager import SchemaError
from tests.helpers import query_v10 as q


def push(db: fql.Database, text: str) -> None:
    db.push_schema({"main.fsl": text})


def push_error(db: fql.Database, text: str) -> str:
    """The error a push gives, as core renders it."""
    with pytest.raises(SchemaError) as caught:
        push(db, text)
    return caught.value.message


def create(db: fql.Database, coll: str, doc_id: int, fields: str = "") -> t.Any:
    """Create document `doc_id` with the FQL object fields `fields` (`a: 1, b: "x"`); its ts."""
    extra = f", {fields}" if fields else ""
    return q(db, f"{coll}.create({{ id: {doc_id}{extra} }}).ts")


def data(db: fql.Database, coll: str, doc_id: int, at: t.Any = None) -> dict:
    """A document's user fields (in their stored order), as they read now or at `at` (a Time)."""
    read = f"{coll}.byId({doc_id})!.data"
    if at is not None:
        read = f"at ({at}) {{ {read} }}"
    # Untypechecked, as core's FQL2MigrationFuzzSpec reads it: `data` is no field of a document of a
    # collection with defined fields and no wildcard, to core's typechecker.
    return db.run_with_state(fql.parse(read, "v10"), syntax="v10", typecheck=False)[0]
