"""The fauna 2.4.0 driver (FQL v10) against `fql serve`: queries, templates, documents, tokens, errors."""

from __future__ import annotations

import datetime

import pytest

fauna = pytest.importorskip("fauna")
from fauna import fql as q  # noqa: E402
from fauna.client import Client  # noqa: E402
from fauna.errors import (  # noqa: E402
    AbortError,
    AuthenticationError,
    QueryCheckError,
    QueryRuntimeError,
    QueryTimeoutError,
)
from fauna.query.models import Document, Module, NamedDocument  # noqa: E402


@pytest.fixture
def v10(server):
    def make(secret: str = "secret") -> Client:
        return Client(endpoint=f"http://127.0.0.1:{server.port}", secret=secret, max_attempts=1)

    return make


@pytest.fixture
def people(v10):
    c = v10()
    c.query(q('Collection.create({ name: "People", indexes: { byEmail: { terms: [{ field: ".email" }] } } })'))
    return c


def test_values_round_trip_through_tagged_json(v10):
    c = v10()
    value = {"i": 1, "l": 2**40, "d": 1.5, "s": "x", "b": True, "n": None, "a": [1, "2"],
             "t": datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc), "dt": datetime.date(2024, 1, 2),
             "@int": 1}
    assert c.query(q("${v}", v=value)).data == value
    # The driver wraps an object in `@object` only when a key is one of its tags; a key like `@weird` it
    # sends bare, and core's decoder takes it for a tag (FQL2ValueDecoderSpec "errors on invalid tag").
    with pytest.raises(QueryCheckError) as weird:
        c.query(q("${v}", v={"i": 1, "@weird": 1}))
    assert "error: too many keys in tagged value" in weird.value.message + str(weird.value)


def test_int_and_long(v10):
    """The driver sends an int as `@int` where it fits 32 bits, else as `@long`, and reads both back as an
    int: each is the v10 type the driver meant, and a Long that fits an Int reaches it as a number."""
    c = v10()
    assert c.query(q("[${i} isa Int, ${i} isa Long, ${l} isa Long, ${l} isa Int]", i=5, l=2**40)).data == [True, False, True, False]
    assert c.query(q("[${i} + 1, ${l} + 1]", i=2**31 - 1, l=2**40)).data == [2**31, 2**40 + 1]
    answer = c.query(q("['5'.parseLong(), '5'.parseLong() isa Long, Math.round(${i}, 0) isa Long]", i=5)).data
    assert answer == [5, True, True] and type(answer[0]) is int


def test_documents_and_index_methods(people):
    doc = people.query(q("People.create(${d})", d={"email": "a@x", "n": 5})).data
    assert isinstance(doc, Document) and doc.coll == Module("People") and doc["n"] == 5
    found = people.query(q("${c}.byEmail(${e}).first()", c=q("People"), e="a@x")).data
    assert found.id == doc.id
    definition = people.query(q("People.definition")).data
    assert isinstance(definition, NamedDocument) and definition.name == "People"


def test_template_fragments_splice_as_text(people):
    # A let in an inner fragment is seen by the text after it, as core splices templates.
    result = people.query(q("${inner}\nx + 1", inner=q("let x = ${v}", v=41)))
    assert result.data == 42


def test_pagination_follows_after_cursors(people):
    people.query(q("Set.sequence(0, 40).forEach(i => People.create({ n: i }))"))
    pages = list(people.paginate(q("People.all().map(.n)")))
    assert [len(p) for p in pages] == [16, 16, 8]
    assert sorted(n for page in pages for n in page) == list(range(40))


def test_token_create_and_identity(people, v10):
    doc = people.query(q('People.create({ email: "t@x" })')).data
    token = people.query(q("Token.create({ document: ${d} })", d=doc)).data
    assert token.coll == Module("Token") and token["secret"].startswith("fn")
    # (its id: a token no role takes in may not read its identity in v10, as in core)
    assert v10(token["secret"]).query(q("Query.identity().id")).data == doc.id
    assert people.query(q("Token.byId(${id})!.secret", id=token.id)).data is None


def test_errors_map_to_the_driver_exceptions(people, v10):
    with pytest.raises(AbortError) as aborted:
        people.query(q("abort({ a: 1 })"))
    assert aborted.value.abort == {"a": 1}
    with pytest.raises(QueryRuntimeError) as missing:
        people.query(q('People.byId("1")!'))
    assert missing.value.code == "document_not_found" and missing.value.status_code == 400
    with pytest.raises(QueryCheckError):
        people.query(q("1 +"))
    with pytest.raises(AuthenticationError):
        v10("not a secret").query(q("1"))


def test_schema_name_failures_are_constraint_failures(v10):
    """As fauna-python's own test_query_with_constraint_failure."""
    from fauna.encoding import ConstraintFailure

    with pytest.raises(QueryRuntimeError) as failed:
        v10().query(q('Function.create({"name": "false", "body": "_ => false"})'))
    assert failed.value.constraint_failures == [
        ConstraintFailure(message="The identifier `false` is reserved.", name=None, paths=[["name"]])
    ]
    assert (failed.value.status_code, failed.value.code) == (400, "constraint_failure")
    assert failed.value.message and failed.value.summary


def test_typecheck_gives_the_static_type_of_literals_and_if_else(server):
    """As fauna-python's own test_handles_typecheck_format: branches in blocks count too."""
    client = Client(endpoint=server.url, secret="secret", typecheck=True, max_attempts=1)
    assert client.query(q("if (true) {\n  42\n} else {\n  41\n}")).static_type == "42 | 41"
    assert client.query(q("if (false) 1 else 1")).static_type == "1"
    assert client.query(q('"a"')).static_type == '"a"'
    # Without the option the driver sends no X-Typecheck: the database is typechecked (core's default), so
    # its answer has the static type all the same (FQLInterpreter.evalQuery); unchecked, none.
    assert Client(endpoint=server.url, secret="secret", max_attempts=1).query(q("1")).static_type == "1"
    unchecked = Client(endpoint=server.url, secret="secret", typecheck=False, max_attempts=1)
    assert unchecked.query(q("1")).static_type is None


def test_schema_version_is_the_time_of_the_last_schema_change(v10):
    """As fauna-python's own test_query_schema_version."""
    client = v10()
    assert client.query(q("1")).schema_version == 0
    made = client.query(q('Collection.create({ name: "Versioned" })'))
    assert made.schema_version == made.txn_ts
    assert client.query(q("Versioned.all()")).schema_version == made.txn_ts
    client.query(q("Versioned.create({})"))
    assert client.query(q("1")).schema_version == made.txn_ts
    changed = client.query(q('Function.create({ name: "double", body: "x => x * 2" })'))
    assert client.query(q("double(2)")).schema_version == changed.txn_ts > made.txn_ts


def test_query_timeout_is_440_and_writes_nothing(people):
    from fauna.client import QueryOptions

    with pytest.raises(QueryTimeoutError) as caught:
        people.query(
            q('People.create({ n: -1 })\nSet.sequence(0, 100000000).map(x => x + 1).count()'),
            QueryOptions(query_timeout=datetime.timedelta(milliseconds=100)),
        )
    assert caught.value.message == "Client set aggressive deadline: query needs 1000, timed out within 100"
    assert people.query(q("People.all().where(.n == -1).count()")).data == 0


def test_tags_and_summary(people):
    from fauna.client import QueryOptions

    result = people.query(q("dbg(1) + 1"), QueryOptions(query_tags={"app": "fql"}))
    assert result.data == 2 and result.query_tags == {"app": "fql"} and "1" in result.summary
    assert result.stats.compute_ops >= 1 and result.txn_ts > 0


def test_stats_count_what_the_query_read_and_wrote(people):
    created = people.query(q('People.create({ id: "7", name: "' + "x" * 2000 + '" })')).stats
    assert created.write_ops >= 2 and created.storage_bytes_write > 2000 and created.query_time_ms >= 1
    read = people.query(q('People.byId("7")')).stats
    assert (read.read_ops, read.write_ops, read.storage_bytes_write) == (1, 0, 0)
    assert read.storage_bytes_read > 2000
    pure = people.query(q("1 + 1")).stats
    assert (pure.read_ops, pure.write_ops, pure.storage_bytes_read, pure.compute_ops) == (0, 0, 0, 1)


def test_document_references_answer_as_documents_outside_documents(people):
    """As core's materializer: a reference given as an argument, or read from a field, comes back as the
    document (or a null document); inside a document's own fields it stays a reference."""
    from fauna.query.models import DocumentReference, NullDocument

    alice = people.query(q('People.create({ id: "1", name: "Alice" })')).data
    assert people.query(q("${d}", d=alice)).data == alice
    assert people.query(q("[${d}]", d=alice)).data == [alice]
    bob = people.query(q('People.create({ id: "2", name: "Bob", friend: People.byId("1") })')).data
    assert bob["friend"] == DocumentReference("People", "1")
    assert people.query(q('People.byId("2")!.friend')).data == alice
    assert people.query(q('People.all().where(.id == "2").map(.friend)')).data.data == [alice]
    definition = people.query(q("People.definition")).data
    assert isinstance(definition, NamedDocument) and people.query(q("${d}", d=definition)).data == definition
    gone = people.query(q("${d}", d=DocumentReference("People", "9"))).data
    assert isinstance(gone, NullDocument) and gone.cause == "not found"
