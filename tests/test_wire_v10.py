"""The v10 wire formats: decorated (`X-Format: decorated`), as core's FQL2ValueDecoratedSpec shows it, and
what every format makes of a v4 index's ref."""

from __future__ import annotations

import pytest

import fql
from fql.values import UUID
from fql.wire.v10 import to_decorated
from tests.helpers import QueryEndpoint


#: The v10 envelope `POST /query/1` answers with, decorated unless another `fmt` is asked for.
answer = QueryEndpoint(fmt="decorated").body


@pytest.fixture
def db() -> fql.Database:
    return fql.connect(root_secret="secret")


# Core's FQL2ValueDecoratedSpec: each value's text evaluates back to the value.
CASES = [
    ("3", "3"),
    ("3.0", "3.0"),
    ("3e3", "3000.0"),
    ("1e7", "1.0E7"),
    ("Math.Infinity", "Math.Infinity"),
    ("-Math.Infinity", "-Math.Infinity"),
    ("Math.NaN", "Math.NaN"),
    ('"hello"', '"hello"'),
    ('""', '""'),
    ('"escaping: \\0"', '"escaping: \\0"'),
    # A string with a newline is a heredoc; its end marker is one the string does not hold.
    ('"new\\nline\\n"', "<<-END\n  new\n  line\nEND"),
    ('"new\\nEND\\n"', "<<-END0\n  new\n  END\nEND0"),
    ('"END\\nEND0\\n"', "<<-END1\n  END\n  END0\nEND1"),
    ('"hi\\nhello"', "<<-END\n  hi\n  hello\nEND"),
    ('"a\\n\\nb"', "<<-END\n  a\n  \n  b\nEND"),
    ("true", "true"),
    ("false", "false"),
    ("null", "null"),
    ('Time("1970-01-01T00:01:03Z")', 'Time("1970-01-01T00:01:03Z")'),
    ('Date("2022-12-15")', 'Date("2022-12-15")'),
    ('Bytes("AQI=")', 'Bytes("AQI=")'),
    ('["hello", "hello", "moon"]', '[\n  "hello",\n  "hello",\n  "moon"\n]'),
    ("[]", "[]"),
    ('{ one: "two", three: "four", five: { a: "b", c: "d" } }',
     '{\n  one: "two",\n  three: "four",\n  five: {\n    a: "b",\n    c: "d"\n  }\n}'),
    ("{}", "{}"),
    # Keys that are not identifiers (a leading underscore or digit, a space) are string literals.
    ('{ "a b": 1, _x: 2, "ä": 3, "1a": 4 }', '{\n  "a b": 1,\n  "_x": 2,\n  ä: 3,\n  "1a": 4\n}'),
    ("[{ a: [1, { b: [] }] }]", "[\n  {\n    a: [\n      1,\n      {\n        b: []\n      }\n    ]\n  }\n]"),
    ("{ s: 'x\\ny' }", "{\n  s: <<-END\n    x\n    y\n  END\n}"),
    ("Math", "Math"),
    ("x => x", '"[function <lambda>]"'),
    ("Math.abs", '"[function abs]"'),
]


@pytest.mark.parametrize("query, text", CASES, ids=[q for q, _ in CASES])
def test_decorated_values(db, query, text):
    assert answer(db, query)["data"] == text


def test_decorated_documents_and_refs(db):
    answer(db, 'Collection.create({ name: "User" })')
    assert answer(db, 'Collection.create({ name: "Other" }) { name, coll }')["data"] == (
        '{\n  name: "Other",\n  coll: Collection\n}'
    )
    first = answer(db, "User.create({ a: User.definition })", fmt="tagged")["data"]["@doc"]
    assert answer(db, f'User.byId("{first["id"]}")!')["data"] == (
        f'{{\n  id: "{first["id"]}",\n  coll: User,\n  ts: Time("{first["ts"]["@time"]}"),\n'
        '  a: Collection.byName("User")\n}'
    )
    # A document inside another one is its reference.
    second = answer(db, f'User.create({{ other: User.byId("{first["id"]}") }})', fmt="tagged")["data"]["@doc"]
    assert answer(db, f'User.byId("{second["id"]}")!')["data"] == (
        f'{{\n  id: "{second["id"]}",\n  coll: User,\n  ts: Time("{second["ts"]["@time"]}"),\n'
        f'  other: User("{first["id"]}")\n}}'
    )
    # A missing document says why.
    answer(db, 'User.create({ id: "1234" })')
    assert answer(db, "{ deleted: User.byId('1234')!.delete(), by_id: User.byId('1234') }")["data"] == (
        '{\n  deleted: User("1234") /* deleted */,\n  by_id: User("1234") /* not found */\n}'
    )


def test_decorated_references_to_documents_the_answer_holds(db):
    """Core's Decorator looks every document up in what the answer materialized (MaterializedValue.docs): a
    reference in a document's fields to a document the answer also holds outside documents is written as
    that document, once along a path (its seenDocs), so a cycle ends in a reference; a missing one says why.
    The tagged and simple formats keep the reference (they write a document's body without the others)."""
    answer(db, "Collection.create({ name: 'P' })")
    answer(db, "P.create({ id: '1', a: 1 })")
    answer(db, "P.create({ id: '2', r: P('1'), m: P('9') })")
    answer(db, "P.create({ id: '3', o: P('4') })")
    answer(db, "P.create({ id: '4', o: P('3') })")
    ts = {n: answer(db, f"P.byId('{n}')!.ts", fmt="tagged")["data"]["@time"] for n in "1234"}
    one = f'{{\n  id: "1",\n  coll: P,\n  ts: Time("{ts["1"]}"),\n  a: 1\n}}'
    assert answer(db, "P.byId('2')")["data"].endswith('  r: P("1"),\n  m: P("9")\n}')
    assert answer(db, "[P.byId('2'), P.byId('1'), P.byId('9')]")["data"] == (
        f'[\n  {{\n    id: "2",\n    coll: P,\n    ts: Time("{ts["2"]}"),\n    r: '
        + one.replace("\n", "\n    ")
        + ',\n    m: P("9") /* not found */\n  },\n  '
        + one.replace("\n", "\n  ")
        + ',\n  P("9") /* not found */\n]'
    )
    assert answer(db, "[P.byId('3'), P.byId('4')]")["data"] == (
        f'[\n  {{\n    id: "3",\n    coll: P,\n    ts: Time("{ts["3"]}"),\n    o: {{\n      id: "4",\n'
        f'      coll: P,\n      ts: Time("{ts["4"]}"),\n      o: P("3")\n    }}\n  }},\n  {{\n    id: "4",\n'
        f'    coll: P,\n    ts: Time("{ts["4"]}"),\n    o: {{\n      id: "3",\n      coll: P,\n'
        f'      ts: Time("{ts["3"]}"),\n      o: P("4")\n    }}\n  }}\n]'
    )
    # What delete() answers is a version of its own (core's versionOverride): a reference is not it.
    assert answer(db, "[P.byId('2'), P.byId('1')!.delete()]")["data"].endswith('    r: P("1"),\n    m: P("9")\n  },\n  P("1") /* deleted */\n]')
    assert answer(db, "[P.byId('2'), P.byId('1')]", fmt="tagged")["data"][0]["@doc"]["r"] == {
        "@ref": {"id": "1", "coll": {"@mod": "P"}}
    }


def test_decorated_pages_and_cursors(db):
    answer(db, 'Collection.create({ name: "P" })')
    answer(db, "[1, 2].forEach(n => P.create({ id: n.toString(), n: n }))")
    doc = answer(db, "P.byId('1')!", fmt="tagged")["data"]["@doc"]
    text = answer(db, "P.all().pageSize(1)")["data"]
    head, cursor = text.split('\n  after: "')
    assert head == (
        '{\n  data: [\n    {\n      id: "1",\n      coll: P,\n'
        f'      ts: Time("{doc["ts"]["@time"]}"),\n      n: 1\n    }}\n  ],'
    )
    # The cursor is a string literal that Set.paginate takes back.
    assert cursor.endswith('"\n}')
    assert answer(db, f'Set.paginate("{cursor[:-3]}").data.map(.n)', fmt="simple")["data"] == [2]


def test_decorated_abort_value_and_simple_abort(db):
    """An abort's value is written in the request's format, as `data` would be (core's FQL2Response)."""
    assert answer(db, "abort({ a: [1] })")["error"]["abort"] == "{\n  a: [\n    1\n  ]\n}"
    assert answer(db, "abort({ a: [1] })", fmt="simple")["error"]["abort"] == {"a": [1]}
    assert answer(db, "abort({ a: [1] })", fmt="tagged")["error"]["abort"] == {"a": [{"@int": "1"}]}


def test_an_abort_value_is_materialized_as_an_answer_is(db):
    """Core's abort materializes its value (GlobalResolvers `abort`: FQL2ValueMaterializer.materialize) before
    it fails: a set is its first page, sets in it too, a reference the document or a missing one; fql once
    answered a set as Python's text (`[set DocumentsSet]`). An abort while materializing is the one answered."""
    answer(db, "Collection.create({ name: 'P' })")
    answer(db, "P.create({ id: '1', a: 1 })")
    aborted = answer(db, "abort({ s: P.all(), n: Set.sequence(0, 2).map(x => Set.sequence(0, x)) })", fmt="tagged")
    page = aborted["error"]["abort"]
    assert [d["@doc"]["a"] for d in page["s"]["@set"]["data"]] == [{"@int": "1"}]
    assert page["n"] == {"@set": {"data": [{"@set": {"data": []}}, {"@set": {"data": [{"@int": "0"}]}}]}}
    assert answer(db, "abort([P.byId('9')])")["error"]["abort"] == '[\n  P("9") /* not found */\n]'
    assert answer(db, "abort(Set.sequence(0, 2).map(x => abort(x + 10)))", fmt="simple")["error"]["abort"] == 10


def test_user_functions_are_native_function_stubs(db):
    """Core's UserFunction is a NativeFunc (NativeFunction.scala), so MaterializedValue writes a UDF as
    `[function F()]` in the simple and tagged formats and its Decorator as `[function F]`, like `Math.abs`."""
    answer(db, "Function.create({ name: 'F', body: 'x => x' })")
    assert answer(db, "F", fmt="simple")["data"] == "[function F()]"
    assert answer(db, "[F]", fmt="tagged")["data"] == ["[function F()]"]
    assert answer(db, "F")["data"] == '"[function F]"'
    # Reached by an alias, it is named so (core's UserFunction.lookup keeps the name it was looked up by).
    answer(db, "Function.byName('F')!.update({ alias: 'G' })")
    assert answer(db, "[G, Function('G'), G.toString(), F]", fmt="simple")["data"] == [
        "[function G()]", "[function G()]", "[function G()]", "[function F()]"
    ]


def test_legacy_index_refs(db):
    """A v4 index has no v10 module: its ref is `[legacy index <name>]` in every format (core's LegacyRef)."""
    db.query('CreateCollection({ name: "Author" })')
    db.query('CreateIndex({ name: "myIndex", source: Collection("Author") })')
    db.query('Create(Collection("Author"), { data: { indexRef: Index("myIndex") } })')
    for fmt in ("simple", "tagged", "decorated"):
        assert answer(db, "Author.all().first()!.indexRef", fmt=fmt)["data"] == "[legacy index myIndex]"
    assert answer(db, "Author.all().first()!")["data"].endswith("indexRef: [legacy index myIndex]\n}")


def test_refs_to_a_deleted_legacy_index(db):
    """Core's materializer looks a v4 index up by its id (ReadBroker's lookupLegacyIndex): one that no longer
    exists is `[legacy index <deleted>]`, in a document's fields and answered alone, in every format, where
    fql once kept the name in a document and answered it alone as a missing `@ref` (`/* not found */`)."""
    db.query('CreateCollection({ name: "Author" })')
    db.query('CreateIndex({ name: "gone", source: Collection("Author") })')
    db.query('CreateIndex({ name: "kept", source: Collection("Author") })')
    db.query('Create(Collection("Author"), { data: { a: Index("gone"), b: [{ c: Index("gone") }, Index("kept")] } })')
    db.query('Delete(Index("gone"))')
    gone, kept = "[legacy index <deleted>]", "[legacy index kept]"
    for fmt in ("simple", "tagged", "decorated"):
        assert answer(db, "Author.all().first()!.a", fmt=fmt)["data"] == gone
        assert answer(db, "[Author.all().first()!.b, Author.all().first()!.a.foo]", fmt="simple")["data"] == [
            [{"c": gone}, kept], None
        ]
    doc = answer(db, "Author.all().first()!", fmt="tagged")["data"]["@doc"]
    assert (doc["a"], doc["b"]) == (gone, [{"c": gone}, kept])
    assert answer(db, "Author.all().first()!")["data"].endswith(
        f"  a: {gone},\n  b: [\n    {{\n      c: {gone}\n    }},\n    {kept}\n  ]\n}}"
    )


def test_decorated_strings_directly():
    # Quotes of every kind, backslashes, tabs and `#` (which starts an interpolation) are escaped.
    assert to_decorated("it's `#{x}`\t\\") == r'"it\'s \`\#{x}\`\t\\"'
    # With END and END0 to END9 all in it, a heredoc could not end: a quoted string instead.
    ends = "\n".join(f"END{i}" for i in range(10))
    assert to_decorated(f"END\n{ends}") == '"END\\n' + ends.replace("\n", "\\n") + '"'
    # Java's lines(): \r\n and \r end lines too; a last line break adds no empty line.
    assert to_decorated("a\r\nb\rc\n") == "<<-END\n  a\n  b\n  c\nEND"
    assert to_decorated({"a": [None, True, 1.5]}) == "{\n  a: [\n    null,\n    true,\n    1.5\n  ]\n}"
    # Core's Decorator has no case for a UUID (`???`, a 500): fql writes the call that makes one.
    assert to_decorated(UUID.parse("1-2-3-4-5")) == 'UUID("00000001-0002-0003-0004-000000000005")'


def test_refs_to_documents_of_a_deleted_collection(db):
    """Core's materializer finds no collection for such a reference: its collection is `Collection.Deleted`
    in every format (FQL2ValueDecoratedSpec `ref to deleted collection`), answered alone a missing document
    whose cause is `collection deleted`; its `coll` is that module and any other field of it fails as core's
    ReadBroker has it."""
    answer(db, "Collection.create({ name: 'Foo' })")
    answer(db, "Collection.create({ name: 'Bar' })")
    answer(db, "Foo.create({ other: Bar.create({ id: '7' }), more: [{ deep: Bar.byId('8') }] })")
    answer(db, "Collection.byName('Bar')!.delete()")
    doc = answer(db, "Foo.all().first()!", fmt="tagged")["data"]["@doc"]
    assert doc["other"] == {"@ref": {"id": "7", "coll": {"@mod": "Deleted"}}}
    assert doc["more"] == [{"deep": {"@ref": {"id": "8", "coll": {"@mod": "Deleted"}}}}]
    assert answer(db, "Foo.all().first()!", fmt="simple")["data"]["other"] == {"id": "7", "coll": "Deleted"}
    assert answer(db, "Foo.all().first()!")["data"].endswith('  other: Collection.Deleted("7"),\n  more: [\n'
                                                            '    {\n      deep: Collection.Deleted("8")\n    }\n  ]\n}')
    assert answer(db, "Foo.all().first()!.other", fmt="tagged")["data"] == {
        "@ref": {"id": "7", "coll": {"@mod": "Deleted"}, "exists": False, "cause": "collection deleted"}
    }
    assert answer(db, "Foo.all().first()!.other", fmt="simple")["data"] is None
    assert answer(db, "Foo.all().first()!.other")["data"] == 'Collection.Deleted("7") /* collection deleted */'
    # Outside a document a reference is read (core materializes it): a missing document, saying why.
    assert answer(db, "Foo.all().first()!.more[0]")["data"] == (
        '{\n  deep: Collection.Deleted("8") /* collection deleted */\n}'
    )
    assert answer(db, "Foo.all().first()!.other.coll")["data"] == "Collection.Deleted"
    checks = "[Foo.all().first()!.other.coll == Collection.Deleted, Foo.all().first()!.other isa Collection.Deleted]"
    assert answer(db, checks, fmt="simple")["data"] == [True, False]
    assert answer(db, "Foo.all().first()!.other.id", fmt="simple")["data"] == "7"
    # A field of it is a null read (core's evalNullAccess answers only a missing or unreadable document
    # as the document); `!` says why it is null.
    assert answer(db, "Foo.all().first()!.other.x")["error"] == {
        "code": "invalid_null_access",
        "message": "Cannot access `x` on null.",
    }
    assert answer(db, "Foo.all().first()!.other!")["error"] == {
        "code": "document_not_found",
        "message": "Document with id 7 does not exist because the collection was deleted.",
    }


def test_collection_deleted_as_text(db):
    """Core's ToString writes a module that is a field of another with its parent: `Collection.Deleted`."""
    query = '[Object.toString(Collection.Deleted), "#{Collection.Deleted}", [Collection.Deleted].toString(), Collection.toString()]'
    assert answer(db, query, fmt="simple")["data"] == ["Collection.Deleted", "Collection.Deleted", "[Collection.Deleted]", "Collection"]


def test_a_document_field_starting_with_at_escapes_the_document_body(db):
    """Core's tagged encoder writes a document's fields as it writes any struct: a key starting with `@`
    puts the whole body under `@object`, inside `@doc`; the simple format has no escape."""
    answer(db, "Collection.create({ name: 'P' })")
    body = answer(db, "P.create({ id: '1', '@foo': 1, bar: 2 })", fmt="tagged")["data"]["@doc"]
    assert list(body) == ["@object"]
    assert list(body["@object"]) == ["id", "coll", "ts", "@foo", "bar"]
    assert body["@object"]["@foo"] == {"@int": "1"}
    assert answer(db, "P.byId('1')!.bar", fmt="tagged")["data"] == {"@int": "2"}
    assert answer(db, "P.byId('1')!", fmt="simple")["data"]["@foo"] == 1
