"""Core's FQL2DiagnosticSpec (ext/model/src/test/scala/fql2) and FQL2DiagnosticRenderingSpec
(ext/api/src/test/scala/fql2): log lines and performance hints, as `POST /query/1` renders them in the
summary with `X-Performance-Hints: true`. Core's model spec compares its Hint/Log values (0-based spans);
here each is the rendered line and its `line:column`. Each case names the spec case it comes from.

Already in test_core_v10_api.py, not repeated: FQL2DiagnosticSpec 'emits hint for uncovered index field
access', 'dedupes hints when same hint shows up for same span', 'emits hints for materialized documents'
(`.first()`), 'emits hints for nested field access with partial coverage', 'emits hint when only a partial
of a struct that is returned is covered', 'emits hint when a hydrated struct that started as a partial is
returned from a query', "doesn't emit hints when a covered struct is returned from a query", 'does not emit
hint when document fields are accessed without an index', the `.order()`, `.aggregate()`, `.distinct()`,
`.count()`, `.every()`, `.fold()`, `.toArray()`, `.last()`, `.reverse()` cases, "doesn't emit hints when take
set limits index set size", "doesn't emit hints when .order() is called for non index sourced sets";
FQL2DiagnosticRenderingSpec 'renders Collection method hints' (firstWhere), 'invalid performance hints
parameter fails request' (in test_formats_and_headers; over HTTP below). 'emits log output for role predicates' is in
tests/test_core_sets10.py.

Skipped (core internals): 'shows diagnostics for conflicted paths that are invalidated', 'includes
performance diagnostics across invalidated paths that are not re-run' and 'deduplicates performance
diagnostics across invalidated paths that are re-run' are about core's optimistic parallel evaluation of
`map` branches, where a branch that read a document another branch wrote is run again and both runs' logs
are kept; fql evaluates the branches in order, so no branch is ever invalidated.
"""

from __future__ import annotations

import json

import pytest

import fql
from fql.database import Work
from fql.schema import manager
from fql.server import ServerThread

from .conftest import Raw
from .test_core_v10_api import SECRET, answer, ok


@pytest.fixture
def db() -> fql.Database:
    return fql.connect(root_secret=SECRET)


def push(db: fql.Database, text: str) -> None:
    """Push `text` as main.fsl (core's updateSchemaOk)."""
    db.run(Work(lambda ctx: manager.update(ctx, [("main.fsl", text)])), syntax="v10", secret=SECRET)


def hinted(db: fql.Database, query: str, hints: bool = True) -> str:
    status, body = answer(db, query, headers={"x-performance-hints": "true"} if hints else {})
    assert status == 200, body
    return body["summary"]


def diagnostics(summary: str) -> list[tuple[str, str]]:
    """Each rendered diagnostic's first line and its `line:column`."""
    found = []
    for part in filter(None, summary.split("\n\n")):
        lines = part.split("\n")
        found.append((lines[0], lines[1].removeprefix("at *query*:")))
    return found


BOOKS = """collection Books {
  index byAuthor {
    terms [.author]
    values [.title, .price]
  }
}
"""
DATA_BOOKS = """collection Books {
  index byAuthor {
    terms [.data.author]
    values [.data.price, .data.category]
  }
}
"""
META_BOOKS = """collection Books {
  index byAuthor {
    terms [.author]
    values [.price, .category]
  }
}
"""
TITLE_BOOKS = """collection Books {
  index byAuthor {
    terms [.author]
    values [.title]
  }
}
"""
DAWNSHARD = 'Books.create({ title: "Dawnshard", author: "test", category: "fantasy", price: 100 })'


def _full(method: str) -> str:
    return (
        f"performance_hint: full_set_read - Using {method}() causes the full set to be read. "
        "See https://docs.fauna.com/performance_hint/full_set_read."
    )


def test_no_diagnostics_when_not_enabled(db):
    # FQL2DiagnosticSpec "doesn't emit performance diagnostics when not enabled".
    push(db, BOOKS)
    ok(db, DAWNSHARD)
    assert hinted(db, '\nBooks.byAuthor("test") { title, author, price, category }\n', hints=False) == ""


@pytest.mark.parametrize(
    "schema, query",
    [
        # "doesn't emit hint when covered fields are defined with .data prefix"
        (DATA_BOOKS, 'Books.byAuthor("test").first() { price, category }'),
        # "doesn't emit hint when .data access is used for covered fields"
        (DATA_BOOKS, 'Books.byAuthor("test").first() { price: .data.price, category: .data.category }'),
        # "doesn't emit hint for natively covered meta field"
        (META_BOOKS, 'Books.byAuthor("test").first() { id }'),
    ],
)
def test_covered_fields_give_no_hint(db, schema, query):
    push(db, schema)
    ok(db, DAWNSHARD)
    assert hinted(db, query) == ""


def test_a_materialized_index_set_is_hinted(db):
    # FQL2DiagnosticSpec "emits hints for materialized documents": the set itself, paged in the answer.
    push(db, TITLE_BOOKS)
    ok(db, "Set.sequence(0, 4).forEach(_ => {\n  " + DAWNSHARD + "\n})")
    assert diagnostics(hinted(db, 'Books.byAuthor("test")')) == [
        (
            "performance_hint: non_covered_document_read - Full documents returned from Books.byAuthor. "
            "See https://docs.fauna.com/performance_hint/non_covered_document_read.",
            "1:15",
        )
    ]


@pytest.mark.parametrize(
    "query, method, column",
    [
        # FQL2DiagnosticSpec "emits hint when .foldRight() is used on an index sourced set", and so on.
        ("TestColl.all().foldRight(100, (val, doc) => val + doc.num)", "foldRight", 25),
        ("TestColl.all().forEach(d => log(d.name))", "forEach", 23),
        ('TestColl.all().map(.name).includes("test_name")', "includes", 35),
        ("TestColl.all().map(.name).reduce((s, v) => s.name)", "reduce", 33),
        ("TestColl.all().map(.name).reduceRight((s, v) => s.name)", "reduceRight", 38),
    ],
)
def test_full_set_reads(db, query, method, column):
    ok(db, "Collection.create({ name: 'TestColl' })")
    assert diagnostics(hinted(db, query)) == [(_full(method), f"1:{column}")]


def test_last_where_reads_backwards(db):
    # FQL2DiagnosticSpec "doesn't emit hint when .lastWhere() is used on an index sourced set".
    ok(db, "Collection.create({ name: 'TestColl' })")
    assert hinted(db, 'TestColl.all().lastWhere(.name == "test_name")') == ""


# -- FQL2DiagnosticRenderingSpec --------------------------------------------------------------------------


def test_renders_performance_hints(db):
    # "renders performance hints"
    push(db, BOOKS)
    ok(db, 'Books.create({ author: "test_author", category: "fantasy" })')
    assert hinted(db, 'Books.byAuthor("test_author") { category }') == (
        "performance_hint: non_covered_document_read - .category is not covered by the Books.byAuthor index. "
        "See https://docs.fauna.com/performance_hint/non_covered_document_read.\n"
        "at *query*:1:33\n"
        "  |\n"
        '1 | Books.byAuthor("test_author") { category }\n'
        "  |                                 ^^^^^^^^\n"
        "  |"
    )


def test_renders_hints_met_while_materializing(db):
    # "renders performance hints encountered during materialization"
    push(db, "collection TestColl {\n  index testIndex {\n    terms [.test_term]\n    values [.foo.a.test_1]\n  }\n}\n")
    ok(db, '\nTestColl.create({\n  test_term: "t0",\n  foo: {\n    a: {\n      test_1: "t1",\n      test_2: "t2",\n'
        '      test_3: "t3"\n    }\n  },\n})\n')
    query = '\nlet doc = TestColl.testIndex("t0").first()!\nif (doc.foo.a.test_3 != null) {\n  doc.foo.a\n}\n'
    covered = "is not covered by the TestColl.testIndex index. See https://docs.fauna.com/performance_hint/non_covered_document_read."
    assert hinted(db, query) == (
        f"performance_hint: non_covered_document_read - .foo.a.test_3 {covered}\n"
        "at *query*:3:15\n"
        "  |\n"
        "3 | if (doc.foo.a.test_3 != null) {\n"
        "  |               ^^^^^^\n"
        "  |\n"
        "\n"
        f"performance_hint: non_covered_document_read - .foo.a {covered}\n"
        "at *query*:4:11\n"
        "  |\n"
        "4 |   doc.foo.a\n"
        "  |           ^\n"
        "  |"
    )


def test_renders_where_on_a_collection(db):
    # "renders Collection method hints" (its `where` half).
    ok(db, "Collection.create({ name: 'TestColl' })")
    assert hinted(db, "TestColl.where(.name == 'test')") == (
        "performance_hint: collection_scan - Using where() on collection TestColl can cause a read of every "
        "document. See https://docs.fauna.com/performance_hint/collection_scan.\n"
        "at *query*:1:15\n"
        "  |\n"
        "1 | TestColl.where(.name == 'test')\n"
        "  |               ^^^^^^^^^^^^^^^^^\n"
        "  |"
    )


def test_no_hints_without_the_header(db):
    # "does not render performance hints without provided header"
    push(db, BOOKS)
    ok(db, 'Books.create({ author: "test_author", category: "fantasy" })')
    assert hinted(db, 'Books.byAuthor("test_author") { category }', hints=False) == ""


def test_a_bad_hints_header_fails_the_request():
    # "invalid performance hints parameter fails request", over HTTP: the status and envelope.
    with ServerThread(fql.connect()) as served:
        status, _, body = Raw(served.port)(
            "POST", "/query/1", json.dumps({"query": "1 + 1"}), {"x-performance-hints": "invalid_entry"}
        )
    assert status == 400
    assert body["error"] == {
        "code": "invalid_request",
        "message": "Invalid header 'x-performance-hints': Must be a boolean value.",
    }
