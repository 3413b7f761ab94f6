"""A projection of a field a user collection's documents do not have, refused as core's typer refuses it.

Core types `e { a, b }` as the projector `.{ a: .a, b: .b }` applied to `e` (TyperExprs: a Proj
constraint), and TyperConstrain.constrainProj takes a document, a reference to one (`Ref<D>`, `EmptyRef<D>`)
and a set or array of them alike: the projector's parameter is a variable the document type is the lower
bound of, so a field the documents lack fails as a missing field of the document type expanded as a record,
placed at the field, with no hint (TyperCoreSpec "type projection": ``Type `{ id: ID, ts: Time, ttl: Time |
Null, name: String }` does not have field `foo` ``). The Document reference's own words: the `data` field
"isn't returned in query results. However, if typechecking is disabled, you can project the field to
return it". A collection with a wildcard takes any field.
"""

from __future__ import annotations

import pytest

import fql
from tests.helpers import QueryEndpoint

SECRET = "secret"
ENDPOINT = QueryEndpoint(SECRET, fmt="simple")
ok, failed = ENDPOINT.ok, ENDPOINT.err

RECORD = "{ id: ID, ts: Time, ttl: Time | Null, name: String, price: Int | Null }"


@pytest.fixture(scope="module")
def db() -> fql.Database:
    db = fql.connect(root_secret=SECRET)
    db.push_schema({"main.fsl": "collection P {\n  name: String\n  price: Int?\n}\ncollection Loose {\n  name: String?\n  *: Any\n}"})
    ok(db, "P.create({ id: '1', name: 'a', price: 2 }) { id }")
    ok(db, "Loose.create({ id: '1', name: 'a', extra: 3 }) { id }")
    return db


@pytest.mark.parametrize("query", ["P.byId('1')! { data }", "P.byId('1') { data }", "P.all() { data }",
                                   "P.all().toArray() { data }"])
def test_a_missing_field_of_a_document_its_reference_or_a_set_of_them(db, query):
    at = query.index("data")
    assert failed(db, query)["summary"] == "\n".join((
        f"error: Type `{RECORD}` does not have field `data`",
        f"at *query*:1:{at + 1}",
        "  |",
        f"1 | {query}",
        f"  | {' ' * at}^^^^",
        "  |",
    ))


def test_each_missing_field_is_an_error(db):
    body = failed(db, "P.all() { name, foo, price, bar }")
    assert body["error"]["message"] == "The query failed 2 validation checks"
    assert "does not have field `foo`" in body["summary"] and "does not have field `bar`" in body["summary"]


def test_fields_the_documents_have_and_loose_collections_project(db):
    assert ok(db, "P.byId('1') { id, coll, ts, ttl, name, price }")["name"] == "a"
    assert ok(db, "Loose.byId('1') { name, extra, nothing }") == {"name": "a", "extra": 3, "nothing": None}


def test_not_typechecked_it_runs(db):
    # Untypechecked, a projected field a document lacks is null, `data` its user fields.
    data = ENDPOINT.ok(db, "P.byId('1') { data, foo }", typecheck=False)
    assert data == {"data": {"name": "a", "price": 2}, "foo": None}


@pytest.mark.parametrize(
    ("query", "field", "made"),
    [
        ("{a: 1} { c }", (9, 10), (0, 6)),
        ("let o = {a: 1}; o { a, c }", (23, 24), (8, 14)),
        ("({a: 1}) { c }", (11, 12), (0, 8)),
    ],
)
def test_a_missing_field_of_a_struct(query, field, made):
    # A struct's projection: the projector selects through a variable the struct is the lower bound of, so
    # its lone missing field is core's MissingField at the field, hinted where the struct was made (its
    # `.c` starts where `c` does: TypeConstraintFailure.toError).
    with pytest.raises(fql.FQLError) as caught:
        fql.connect().query(query, syntax="v10")
    (error,) = caught.value.checks
    assert (error.description, error.span.start, error.span.end) == ("Type `{ a: 1 }` does not have field `c`", *field)
    assert [(m, s.start, s.end) for m, _, _, s, *_ in error.hints] == [("Type `{ a: 1 }` inferred here", *made)]
