"""The examples of Fauna's v10 reference docs for the global functions (docs.fauna.com, fauna/current/reference/
fql-api/globals/: log, abort, dbg, newId; fql-api/transactiontime/), run through `POST /query/1` as the docs'
curl requests send them (tagged format, no `X-Typecheck` header): the data, `static_type`, error and summary
the docs print.

The docs' other v10 examples (Array, String and the "Learn FQL" page) are data-driven cases in
tests/fixtures/v10/docs_*.fql. `newId()`'s output in the docs is one random ID: its shape is checked.
"""

from __future__ import annotations

import pytest

import fql
from tests.helpers import QueryEndpoint

#: The docs' curl requests: tagged format, typechecking left to the database (typechecked by default).
ENDPOINT = QueryEndpoint(fmt="tagged")


@pytest.fixture
def db() -> fql.Database:
    database = fql.connect(root_secret="secret")
    ENDPOINT.ok(database, "Collection.create({ name: 'Customer' })")
    ENDPOINT.ok(database, "Collection.create({ name: 'Product' })")
    ENDPOINT.ok(database, "Collection.create({ name: 'Hello' })")
    return database


# globals/log: three messages in the summary, the last expression's value and static type in the answer.
LOG = """log("Before assignment")
let x = 5
let y = { lat: 37.5542782, long: -122.3007394 }
log("After assignment x=#{x}")
log(y)
x
"""


def test_log_writes_the_summary_and_answers_the_last_value(db):
    status, body = ENDPOINT.answer(db, LOG)
    assert status == 200
    assert (body["data"], body["static_type"]) == ({"@int": "5"}, "5")
    assert body["summary"] == (
        "info at *query*:1: Before assignment\n\n"
        "info at *query*:4: After assignment x=5\n\n"
        "info at *query*:5: { lat: 37.5542782, long: -122.3007394 }"
    )


def test_without_typechecking_there_is_no_static_type(db):
    # The header turns the database's typechecking off: the answer is the same, without its type.
    status, body = ENDPOINT.answer(db, LOG, typecheck=False)
    assert (status, body["data"]) == (200, {"@int": "5"}) and "static_type" not in body


# globals/abort: the value given comes back as `error.abort`; the summary points at the call.
def test_abort_answers_the_value_and_points_at_the_call(db):
    status, body = ENDPOINT.answer(db, 'Customer.all()\nabort("Discard")')
    assert status == 400
    assert body["error"] == {"code": "abort", "message": "Query aborted.", "abort": "Discard"}
    assert body["summary"] == (
        'error: Query aborted.\nat *query*:2:6\n  |\n2 | abort("Discard")\n  |      ^^^^^^^^^^^\n  |'
    )


# globals/dbg: the message is the query's value (here the created document's data) and an `info:` in the
# summary, in the docs' template (the message, then the call's place and the source under a caret).
def test_dbg_returns_its_message_and_shows_it_in_the_summary(db):
    query = 'let x = "key limes"\n\nProduct.create(\n  dbg({\n    name: "#{x}",\n    stock: 1 + 2 + 3,\n  })\n)'
    status, body = ENDPOINT.answer(db, query)
    assert status == 200
    doc = body["data"]["@doc"]
    assert (doc["coll"], doc["name"], doc["stock"]) == ({"@mod": "Product"}, "key limes", {"@int": "6"})
    assert body["summary"].startswith('info: { name: "key limes", stock: 6 }\nat *query*:4:6\n  |\n4 |     dbg({\n')


# globals/newid: the docs print one ID, `"374494810266927169"`; each call gives another of that shape.
def test_new_id_is_a_fresh_string_encoded_64_bit_integer(db):
    first, second = ENDPOINT.ok(db, "[newId(), newId()]")
    assert first != second
    for each in (first, second):
        assert isinstance(each, str) and each.isdigit() and 0 < int(each) < 2**63
    assert ENDPOINT.ok(db, "newId() isa ID") is True


# transactiontime/transactiontime: a written document's ts is the query's TransactionTime().
def test_a_written_documents_ts_is_the_transaction_time(db):
    query = "let doc = Hello.create({ foo: 'bar' })\n[doc, doc.ts == TransactionTime()]"
    doc, same = ENDPOINT.ok(db, query, fmt="simple")
    assert (doc["coll"], doc["foo"], same) == ("Hello", "bar", True)
