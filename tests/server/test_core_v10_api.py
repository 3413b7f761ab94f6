"""Cases from core's v10 HTTP API specs (ext/api/src/test/scala/fql2/FQL2*Spec.scala), run in-process
through `POST /query/1` (fql.server.v10.query). Each test names the spec it comes from."""

from __future__ import annotations

import json

import pytest

import fql
from fql.server import v10
from fql.wire.v4 import from_json
from tests.helpers import QueryEndpoint

SECRET = "secret"


@pytest.fixture
def db() -> fql.Database:
    return fql.connect(root_secret=SECRET)


#: The status and envelope `POST /query/1` answers with, as core's specs send it (X-Typecheck, arguments).
ENDPOINT = QueryEndpoint(SECRET, typecheck=True, arguments={})
answer, ok, err = ENDPOINT.answer, ENDPOINT.ok, ENDPOINT.err


def summary(message: str, line: int, text: str, column: int, width: int) -> str:
    """core's summary of an error pointed at `width` characters of line `line` (`text`) from `column`."""
    return f"error: {message}\nat *query*:{line}:{column}\n  |\n{line} | {text}\n  | {' ' * (column - 1)}{'^' * width}\n  |"


# -- FQL2ArithmeticOperatorsSpec, FQL2IntSpec, FQL2DoubleSpec, FQL2BooleanSpec, FQL2StringSpec ---------

ARITHMETIC = [
    ("1000000000 + 2000000000", 3000000000),
    ("9000000000000000000 + 9000000000000000000", 18.0e18),
    ("54.321 + 8000000000", 8000000054.321),
    ("1.7e308 + 1.7e308", "Infinity"),
    ("5 - 9.8", -4.800000000000001),
    ("-1.7e308 - 1.7e308", "-Infinity"),
    ("2147483648 * 2147483648", 4611686018427387904),
    ("9000000000000000000 * 2", 18.0e18),
    ("987/-382", -2),
    ("-5 / 3000000000", 0),
    ("-234 / 0.0", "-Infinity"),
    ("2.34 / 0", "Infinity"),
    ("1 == 1.0", True),
    ("1 < 'hi'", False),
    ("1.33 >= true", False),
    ("true == 1", False),
    ("'hello' != 1.0", True),
    ("'foobar'.includes('oba')", True),
]


@pytest.mark.parametrize("query, expected", ARITHMETIC, ids=[q for q, _ in ARITHMETIC])
def test_operators(db, query, expected):
    data = ok(db, query)
    assert data == expected and type(data) is type(expected)


def test_integer_division_by_zero(db):
    body = err(db, "70000000000 / 0")
    assert body["error"] == {"code": "divide_by_zero", "message": "Attempted integer division by zero."}
    assert body["summary"] == summary("Attempted integer division by zero.", 1, "70000000000 / 0", 15, 1)


def test_string_concatenation_of_other_values(db):
    """FQL2StringSpec: untypechecked, `+` renders the other operand as text."""
    assert ok(db, "'foo ' + [1, 2, 3] + ' bar ' + {x: 10}", typecheck=False) == "foo [1, 2, 3] bar { x: 10 }"
    body = err(db, "let str = 'abcd'\nstr.at(-123456)")
    assert body["summary"] == summary("index -123456 out of bounds for length 4", 2, "str.at(-123456)", 7, 9)


# -- FQL2ArraySpec ---------------------------------------------------------------------------------------


def test_array_callback_arity_and_type(db):
    names = "let arr = ['Luke', 'Han', 'Leia', 'Lando', 'R2-D2', 'C3-P0', 'Ackbar']\n"
    message = "`predicate` should accept 1 parameter, provided function requires no parameters."
    body = err(db, names + "arr.filter(() => true)", typecheck=False)
    assert body["error"] == {"code": "invalid_argument", "message": message}
    assert body["summary"] == summary(message, 2, "arr.filter(() => true)", 11, 12)
    body = err(db, "let arr = [[1],[2,3,4],[5],\"howdy\",[6,7]]\narr.flatten()")
    assert body["summary"] == summary("expected type: Array<Any>, received String", 2, "arr.flatten()", 12, 2)


def test_nulls_in_arrays_persist(db):
    ok(db, 'Collection.create({ name: "Nulls", indexes: { byFoo: { terms: [{ field: "foo", mva: true }] } } })')
    assert ok(db, "Nulls.create({ foo: [1, null, 2] }).foo") == [1, None, 2]
    assert ok(db, "Nulls.byFoo(2)")["data"][0]["foo"] == [1, None, 2]
    assert ok(db, "Nulls.byFoo(null)")["data"] == []


# -- FQL2DateSpec, FQL2TimeSpec ---------------------------------------------------------------------------


def test_dates_and_times(db):
    assert ok(db, 'let dt = Date("1970-01-01")\n[dt.add(1, "days"), dt.subtract(1, "day")]') == ["1970-01-02", "1969-12-31"]
    assert ok(db, 'Time("1970-01-01T00:00:00Z").add(1, "half day")') == "1970-01-01T12:00:00Z"
    assert err(db, 'Date("01-01-2020")')["error"] == {"code": "invalid_date", "message": "`01-01-2020` is not a valid date."}
    assert err(db, 'Time("2020-01-01T01:01:01Z").add(1, "invalid")')["error"] == {
        "code": "invalid_unit",
        "message": "`invalid` is not a valid time unit.",
    }


# -- FQL2ProtocolSpec ------------------------------------------------------------------------------------


def test_formats_and_headers(db):
    assert ok(db, "1", fmt="tagged") == {"@int": "1"}
    assert ok(db, "1", fmt="decorated") == "1"
    for bad in ({"x-format": "foo"}, {"x-typecheck": "foo"}, {"x-linearized": "foo"}, {"x-last-txn-ts": "foo"}):
        with pytest.raises(v10.V10Error):
            answer(db, "1", headers=bad)
    with pytest.raises(v10.V10Error, match="Invalid header 'x-query-tags': invalid tags"):
        answer(db, "1", headers={"x-query-tags": "foo,,"})
    with pytest.raises(v10.V10Error, match="Invalid header 'x-performance-hints': Must be a boolean value."):
        answer(db, "1", headers={"x-performance-hints": "invalid_entry"})


def test_schema_version_of_a_failure(db):
    """A failed query's answer carries the database's schema version, as a successful one does."""
    _, created = answer(db, ' Collection.create({ name: "hi" })  ')
    assert ok(db, " hi.all().first() ") is None
    assert answer(db, " hi.all().first() ")[1]["schema_version"] == created["txn_ts"]
    assert err(db, " hii.all().first() ")["schema_version"] == created["txn_ts"]


def test_a_bad_secret_is_401_even_for_bad_syntax(db):
    with pytest.raises(v10.V10Error, match="Access token required"):
        v10.query(db, {"query": "1 +"}, "not a secret", {}, 0)


# -- FQL2EncodedResultSpec -------------------------------------------------------------------------------


def test_encoded_values(db):
    assert ok(db, "9223372036854775808") == 9.223372036854776e18
    assert ok(db, "Math.abs") == "[function abs()]"
    ok(db, "Collection.create({ name: 'C' })")
    first = ok(db, "C.create({})")["id"]
    second = ok(db, f'C.create({{ a: 2, b: C.byId("{first}") }}).id')
    ts = ok(db, f'C.byId("{second}")!.ts')
    assert ok(db, f'C.byId("{second}")', fmt="tagged") == {
        "@doc": {
            "id": second,
            "coll": {"@mod": "C"},
            "ts": {"@time": ts},
            "a": {"@int": "2"},
            "b": {"@ref": {"id": first, "coll": {"@mod": "C"}}},
        }
    }
    assert err(db, "abort([{ x: 0 }, { y: 'taco' }])")["error"]["abort"] == [{"x": 0}, {"y": "taco"}]


def test_sets_of_sets_without_end(db):
    """A set inside a set made the same way answers as its cursor (tagged `@set` of a string), and sets
    nested deeper than ten levels do too: the answer ends. In a database that is not typechecked, as
    core's aDatabase is (in a typechecked one core's typer refuses the function: ``Recursively defined
    `bomb` needs explicit type.``)."""
    ok(db, "Database.create({ name: 'app', typechecked: false })")
    app = f"{SECRET}:app:admin"
    ok(db, "Function.create({ name: 'bomb', body: '() => [1, 2, 3].toSet().map(_ => bomb())' })", secret=app)
    inner = ok(db, "bomb()", fmt="tagged", secret=app)["@set"]["data"]
    assert len(inner) == 3 and all(isinstance(s["@set"], str) for s in inner)
    # Each cursor pages its set, whose own sets are cursors again.
    assert len(ok(db, f'Set.paginate("{inner[0]["@set"]}")', secret=app)["data"]) == 3
    nested = ok(db, "Set.single(" * 11 + "1" + ")" * 11)
    for _ in range(10):
        nested = nested["data"][0]
    assert isinstance(nested, str)


def _v4_function(db: fql.Database, name: str, expr: dict) -> None:
    body = {"@query": {"lambda": ["x"], "expr": expr}}
    db.run(from_json({"create_function": {"object": {"name": name, "body": body}}}), secret=SECRET)


def test_v4_abort_seen_from_v10(db):
    """A v4 function's Abort, even through other v4 functions' calls, aborts the v10 query."""
    _v4_function(db, "FQL4Abort0", {"abort": {"var": "x"}})
    _v4_function(db, "FQL4Abort1", {"call": "FQL4Abort0", "arguments": {"var": "x"}})
    _v4_function(db, "FQL4Abort2", {"call": "FQL4Abort1", "arguments": {"var": "x"}})
    body = err(db, "FQL4Abort0('hi')")
    assert body["error"] == {"code": "abort", "message": "Query aborted.", "abort": "hi"}
    assert body["summary"] == summary("Query aborted.", 1, "FQL4Abort0('hi')", 11, 6)
    for name in ("FQL4Abort1", "FQL4Abort2"):
        assert err(db, f"{name}('hi')")["error"]["abort"] == "hi"


def test_v10_abort_seen_from_v4(db):
    """A v10 function's abort is a v4 `transaction aborted` with the value as text, not a call error."""
    ok(
        db,
        "Function.create({ name: 'FQLXAbort0', body: 'x => abort(x)' })\n"
        "Function.create({ name: 'FQLXAbort1', body: 'x => FQLXAbort0(x)' })",
    )
    for name, arg, text in (("FQLXAbort0", "hi", "hi"), ("FQLXAbort1", "hi", "hi"), ("FQLXAbort1", 5, "5")):
        with pytest.raises(fql.FQLError) as caught:
            db.run(from_json({"call": name, "arguments": arg}), secret=SECRET)
        assert (caught.value.code, caught.value.description) == ("transaction aborted", text)


# -- FQL2FunctionsSpec, FQL2ErrorRenderingSpec --------------------------------------------------------


def test_functions_by_name_and_abort(db):
    body = err(db, 'Function("add")')
    assert body["error"]["message"] == "invalid argument `function`: No such user function `add`."
    ok(db, 'Function.create({ name: "add", body: "(x, y) => x + y", alias: "plus" })')
    assert ok(db, 'let name = "plus"\nFunction(name)(1, 2)') == 3
    ok(db, "Collection.create({ name: 'C' })")
    body = err(db, "\nlet author = C.create({ 'a' : 'x' })\nabort(0)\n")
    assert body["summary"] == summary("Query aborted.", 3, "abort(0)", 6, 3)
    assert ok(db, "C.all().count()") == 0


def test_trace_across_functions(db):
    ok(
        db,
        "Function.create({ name: 'errFunc', body: '(doc) => doc.a' })\n"
        "Function.create({ name: 'eventuallyError', body: '(doc) => errFunc(doc)' })\n"
        "Collection.create({ name: 'TestColl' })",
    )
    doc = ok(db, "TestColl.create({})")["id"]
    body = err(db, f"\nlet doc = TestColl.byId('{doc}')!\ndoc.delete()\neventuallyError(doc)\n")
    # A field of a deleted document: core points at the document.
    assert body["summary"] == (
        f"error: Collection `TestColl` does not contain document with id {doc}.\n"
        "at *udf:errFunc*:1:10\n  |\n1 | (doc) => doc.a\n  |          ^^^\n  |\n"
        "at *udf:eventuallyError*:1:17\n  |\n1 | (doc) => errFunc(doc)\n  |                 ^^^^^\n  |\n"
        "at *query*:4:16\n  |\n4 | eventuallyError(doc)\n  |                ^^^^^\n  |"
    )


@pytest.mark.parametrize("method, column, call_column", [("map", 32, 21), ("flatMap", 36, 25), ("where", 34, 23)])
def test_trace_of_a_set_function_run_after_its_function_returned(db, method, column, call_column):
    """The set is answered after `myFunc` returned: the trace is where the set was made."""
    body = f'_ => [1].toSet().{method}(i => abort("ahhhhh"))'
    ok(db, f"Function.create({{ name: 'myFunc', body: '{body}' }})")
    found = err(db, "\nmyFunc(2)\n")
    assert found["error"]["code"] == "abort"
    assert found["summary"] == (
        f"error: Query aborted.\nat *udf:myFunc*:1:{column}\n  |\n1 | {body}\n  | {' ' * (column - 1)}{'^' * 10}\n  |\n"
        f"  |\n1 | {body}\n  | {' ' * (call_column - 1)}{'^' * 22}\n  |\n"
        "at *query*:2:7\n  |\n2 | myFunc(2)\n  |       ^^^\n  |"
    )


def test_error_of_a_later_page(db):
    ok(db, 'Collection.create({ name: "TestColl" })')
    first = ok(
        db,
        'TestColl.create({ name: "doc" })\nTestColl.create({ name: "doc2" })\n'
        'TestColl.all().map(doc => { if (doc.name == "doc2") { abort("error in paginate") }\n doc }).paginate(1)',
    )
    after = first["after"]
    text = f'Set.paginate("{after}")'
    assert err(db, text)["summary"] == summary("Query aborted.", 1, text, 13, len(after) + 4)


# -- FQL2ProjectionSpec, FQL2DocSpec ------------------------------------------------------------------


@pytest.mark.parametrize("value", ["3", '"goodbye"', "1.1", "true", "null"])
def test_projection_passes_scalars_through(db, value):
    assert ok(db, f"\n{value} {{\n  hello,\n  nested {{\n    key\n  }}\n}}", typecheck=False) == json.loads(value)


def test_projection_of_objects_and_documents(db):
    assert ok(db, "let x = { a: 1, b: 10, c: { d: 5 } }\nx { a, plus: .a + .b, cc: .c { d } }") == {
        "a": 1,
        "plus": 11,
        "cc": {"d": 5},
    }
    ok(db, "Collection.create({ name: 'C' })")
    got = ok(db, "let d = C.create({ foo: 'bar', seattle: 'wa' })\nd { id, hello, nested { key }, foo }")
    assert got["foo"] == "bar" and got["hello"] is None and got["nested"] is None and "seattle" not in got


def test_data_variants_keep_special_names_under_data(db):
    ok(db, "Collection.create({ name: 'C' })")
    assert err(db, "C.create({ a: 0, update : 0 })")["error"]["code"] == "constraint_failure"
    created = ok(db, 'C.createData({ a: 0, "update" : 0 })')
    assert created["a"] == 0 and created["data"] == {"update": 0} and "update" not in created
    doc = created["id"]
    updated = ok(db, f'C.byId("{doc}")!.updateData({{ "update" : 1 }})')
    assert updated["a"] == 0 and updated["data"] == {"update": 1}
    replaced = ok(db, f'C.byId("{doc}")!.replaceData({{ "replace" : 0 }})')
    assert "a" not in replaced and replaced["data"] == {"replace": 0}
    # An `id` given to createData is data, not the document's id.
    with_id = ok(db, 'C.createData({ id: "foo", a: 0 })')
    assert with_id["id"] != "foo" and with_id["data"] == {"id": "foo"}
    ttl = ok(db, 'C.create({ a: 0, ttl: Time("2200-01-01T01:01:01Z") })')["id"]
    updated = ok(db, f'C.byId("{ttl}")!.updateData({{ ttl: Time("2300-01-01T01:01:01Z") }})')
    assert updated["ttl"] == "2200-01-01T01:01:01Z" and updated["data"]["ttl"] == "2300-01-01T01:01:01Z"


@pytest.mark.parametrize(
    "native, fields",
    [
        ("Collection", "{name: 'C'}"),
        ("Function", "{name: 'F', body: 'x => x'}"),
        ("Key", "{role: 'admin'}"),
        ("Role", "{name: 'R'}"),
        ("Credential", "{document: Dummy.create({})}"),
        ("Token", "{document: Dummy.create({})}"),
    ],
)
def test_native_documents_have_no_data_variants(db, native, fields):
    ok(db, "Collection.create({name: 'Dummy'})")
    assert "The function `createData` does not exist" in err(db, f"{native}.createData({{}})", typecheck=False)["summary"]
    for method in ("updateData", "replaceData"):
        found = err(db, f"{native}.create({fields}).{method}({{}})", typecheck=False)
        assert f"The function `{method}` does not exist" in found["summary"]


def test_object_methods_on_documents(db):
    ok(db, "Collection.create({ name: 'C' })")
    assert ok(db, "let d = C.create({ a: 0, b: 1 })\nObject.keys(d)") == ["id", "coll", "ts", "a", "b"]
    body = err(db, "let d = C.create({ a: 0, b: 1, id: 1234 })\nd.delete()\nObject.keys(d)")
    assert body["error"]["message"] == "invalid argument `object`: collection `C` does not contain document with id 1234."
    assert ok(db, "C.byId(myArg).exists()", arguments={"myArg": "1234"}) is False


# -- FQL2PaginationSpec ----------------------------------------------------------------------------------


def _ids(page: dict) -> list:
    return [doc["id"] for doc in page["data"]]


def test_pages_keep_their_snapshot(db):
    """Pages after the first read the set as the first query saw it: later writes do not shift them."""
    ok(db, "Collection.create({ name: 'C' })")
    creates = "\n".join(f"C.create({{ foo: {i} }})" for i in range(32))
    ids = ok(db, f"{creates}\nC.all().paginate(32).data.map(.id)")
    first = ok(db, "C.all()")
    assert _ids(first) == ids[:16]
    ok(db, "C.create({ foo: 99 })")
    second = ok(db, f'Set.paginate("{first["after"]}")')
    assert _ids(second) == ids[16:] and "after" not in second


def test_concatenation_pages_by_the_default_size(db):
    page = ok(db, "Set.sequence(0, 5).pageSize(2).concat(Set.sequence(5, 10).pageSize(2)).map(.toString())", fmt="tagged")
    assert page["@set"]["data"] == [str(i) for i in range(10)] and "after" not in page["@set"]
    page = ok(db, "Set.sequence(0, 5).concat(Set.sequence(5, 10)).pageSize(2)", fmt="tagged")["@set"]
    assert page["data"] == [{"@int": "0"}, {"@int": "1"}]
    assert ok(db, f'Set.paginate("{page["after"]}")')["data"] == [2, 3]


def test_page_size_bounds(db):
    ok(db, "Collection.create({ name: 'C' })")
    for size in ("0", "-1", "100001"):
        assert err(db, f"C.all().paginate({size})")["error"]["code"] == "invalid_bounds"


# FQL2DiagnosticSpec and FQL2DiagnosticRenderingSpec: performance hints, with X-Performance-Hints: true.

_FULL_READ = "performance_hint: full_set_read - Using {}() causes the full set to be read. See https://docs.fauna.com/performance_hint/full_set_read."


@pytest.mark.parametrize(
    ("query", "method", "column", "width"),
    [
        ("TestColl.all().order(.name)", "order", 21, 7),
        ("TestColl.all().map(v => { name: v.name }).order(.name)", "order", 48, 7),
        ('[{ name: "a" }, { name: "b" }].toSet().concat(TestColl.all()).map(v => { name: v.name }).order(.name)', "order", 95, 7),
        ("TestColl.all().map(.num).aggregate(0, (a, b) => a + b)", "aggregate", 35, 20),
        ("TestColl.all().distinct()", "distinct", 24, 2),
        ("TestColl.all().count()", "count", 21, 2),
        ('TestColl.all().every(.name == "hi")', "every", 21, 15),
        ("TestColl.all().fold(100, (val, doc) => val + doc.num)", "fold", 20, 34),
        ("TestColl.all().toArray()", "toArray", 23, 2),
    ],
)
def test_full_set_read_hints(db, query, method, column, width):
    ok(db, "Collection.create({ name: 'TestColl' })")
    status, body = answer(db, query, headers={"x-performance-hints": "true"})
    assert status == 200 and body["summary"] == "\n".join(
        [_FULL_READ.format(method), f"at *query*:1:{column}", "  |", f"1 | {query}", "  | " + " " * (column - 1) + "^" * width, "  |"]
    )


@pytest.mark.parametrize(
    "query",
    [
        "TestColl.all().take(10).order(.name)",  # a take of fewer than 100 bounds the read
        '[{ name: "a" }, { name: "b" }].toSet().order(.name)',  # not from an index
        "TestColl.all().last()",
        "TestColl.all().reverse()",
    ],
)
def test_no_hint_for_bounded_or_unindexed_sets(db, query):
    ok(db, "Collection.create({ name: 'TestColl' })")
    assert answer(db, query, headers={"x-performance-hints": "true"})[1]["summary"] == ""


def test_hints_only_when_asked(db):
    ok(db, "Collection.create({ name: 'TestColl' })")
    assert answer(db, "TestColl.all().count()")[1]["summary"] == ""


def test_collection_scan_hint(db):
    # FQL2DiagnosticRenderingSpec "renders Collection method hints".
    ok(db, "Collection.create({ name: 'TestColl' })")
    status, body = answer(db, "TestColl.firstWhere(.name == 'test')", headers={"x-performance-hints": "true"})
    assert body["summary"] == (
        "performance_hint: collection_scan - Using firstWhere() on collection TestColl can cause a read of every "
        "document. See https://docs.fauna.com/performance_hint/collection_scan.\n"
        "at *query*:1:20\n  |\n1 | TestColl.firstWhere(.name == 'test')\n  |                    ^^^^^^^^^^^^^^^^^\n  |"
    )


def test_hints_follow_log_lines_once_per_place(db):
    # FQL2DiagnosticSpec: log lines first, then the hints, each place's hint once.
    ok(db, "Collection.create({ name: 'TestColl' })")
    query = "log('x')\n[1, 2].map(_ => TestColl.all().count())"
    summary = answer(db, query, headers={"x-performance-hints": "true"})[1]["summary"]
    assert summary.split("\n\n")[0] == "info at *query*:1: x"
    assert summary.count("performance_hint: full_set_read") == 1


_BOOKS = (
    'Collection.create({ name: "Books", indexes: { byAuthor: { terms: [{ field: ".author" }], values: [{ field: ".title" }] } } })',
    'Books.create({ title: "Dawnshard", author: "test", category: "fantasy", price: 100 })',
)
_NESTED = (
    'Collection.create({ name: "TestColl", indexes: { testIndex: { terms: [{ field: ".test_term" }], '
    'values: [{ field: ".foo.a.test_1" }] } } })',
    'TestColl.create({ test_term: "t0", foo: { a: { test_1: "t1", test_2: "t2", test_3: "t3" } } })',
)


def _not_covered(path: str, index: str) -> str:
    return (
        f"performance_hint: non_covered_document_read - {path} is not covered by the {index} index. "
        "See https://docs.fauna.com/performance_hint/non_covered_document_read."
    )


@pytest.mark.parametrize(
    ("setup", "query", "expected"),
    [
        # FQL2DiagnosticSpec "emits hint for uncovered index field access": (hint, line:column) each.
        (_BOOKS, 'Books.byAuthor("test").first() { price, category }',
         [(_not_covered(".price", "Books.byAuthor"), "1:34"), (_not_covered(".category", "Books.byAuthor"), "1:41")]),
        (_BOOKS, 'Books.byAuthor("test").first() { price: .data.price, category: .data.category }',
         [(_not_covered(".price", "Books.byAuthor"), "1:47"), (_not_covered(".category", "Books.byAuthor"), "1:70")]),
        # "dedupes hints when same hint shows up for same span": each place once, the covered term not at all.
        (_BOOKS, '(Books.byAuthor("test") { category, price, author }).paginate()',
         [(_not_covered(".category", "Books.byAuthor"), "1:27"), (_not_covered(".price", "Books.byAuthor"), "1:37")]),
        # "emits hints for materialized documents".
        (_BOOKS, 'Books.byAuthor("test").first()',
         [("performance_hint: non_covered_document_read - Full documents returned from Books.byAuthor. "
           "See https://docs.fauna.com/performance_hint/non_covered_document_read.", "1:15")]),
        # "emits hints for nested field access with partial coverage".
        (_NESTED, '\nTestColl.testIndex("t0").first() {\n  test_1: .foo.a.test_1,\n  test_2: .foo.a.test_2,\n  test_3: .foo.a.test_3\n}\n',
         [(_not_covered(".foo.a.test_2", "TestColl.testIndex"), "4:18"), (_not_covered(".foo.a.test_3", "TestColl.testIndex"), "5:18")]),
        # "emits hint when only a partial of a struct that is returned is covered".
        (_NESTED, '\nTestColl.testIndex("t0").first()!.foo.a\n', [(_not_covered(".foo.a", "TestColl.testIndex"), "2:39")]),
        # "emits hint when a hydrated struct that started as a partial is returned from a query".
        (_NESTED, '\nlet doc = TestColl.testIndex("t0").first()!\nif (doc.foo.a.test_3 != null) {\n  doc.foo.a\n}\n',
         [(_not_covered(".foo.a.test_3", "TestColl.testIndex"), "3:15"), (_not_covered(".foo.a", "TestColl.testIndex"), "4:11")]),
    ],
)
def test_non_covered_document_reads(db, setup, query, expected):
    for text in setup:
        ok(db, text)
    summary = answer(db, query, headers={"x-performance-hints": "true"})[1]["summary"]
    assert [(part.split("\n")[0], part.split("\n")[1].removeprefix("at *query*:")) for part in summary.split("\n\n")] == expected


@pytest.mark.parametrize(
    "query",
    [
        "Books.all().first() { category, price }",  # "does not emit hint when document fields are accessed without an index"
        'Books.byAuthor("test").first() { id, title }',  # meta fields and covered values
        'Books.byAuthor("test").first()!.author',  # a term is covered
    ],
)
def test_covered_reads_give_no_hint(db, query):
    for text in _BOOKS:
        ok(db, text)
    assert answer(db, query, headers={"x-performance-hints": "true"})[1]["summary"] == ""


def test_a_covered_struct_gives_no_hint(db):
    # "doesn't emit hints when a covered struct is returned from a query"; `.data` paths cover as the plain ones.
    ok(db, "Collection.create({ name: 'T', indexes: { i: { terms: [{ field: '.t' }], values: [{ field: '.data.foo.a' }] } } })")
    ok(db, "T.create({ t: 't0', foo: { a: { x: 1, y: 2 } } })")
    query = "let doc = T.i('t0').first()!\nif (doc.foo.a.y != null) {\n  doc.foo.a\n}"
    assert answer(db, query, headers={"x-performance-hints": "true"})[1]["summary"] == ""


def test_a_document_written_in_the_query_logs_its_ts_as_the_placeholder(db):
    """FQL2DiagnosticSpec: a document the query wrote logs `ts: TransactionTime()` (core holds a placeholder
    until commit); the answer shows the time itself."""
    ok(db, 'Collection.create({ name: "User" })')
    status, body = answer(db, 'log("reading a: #{User.create({ id: 0, a: 5 })}"); dbg(User(0)!.ts); User(0)!', fmt="tagged")
    assert status == 200
    logged, debugged = body["summary"].split("\n\n")
    assert logged == 'info at *query*:1: reading a: { id: ID("0"), coll: User, ts: TransactionTime(), a: 5 }'
    assert debugged.startswith("info: TransactionTime()\n")
    assert body["data"]["@doc"]["ts"] == {"@time": ok(db, "User(0)!.ts.toString()")}
