"""Core's FQL2ErrorRenderingSpec (ext/api/src/test/scala/fql2/FQL2ErrorRenderingSpec.scala): an error's
summary through `POST /query/1`, with a frame for each function it happened inside. Each case names the
spec case it comes from.

Already tested, not repeated: 'renders stack trace across udf calls' and 'renders IndexOutOfBounds stack
trace across udf calls' (tests/test_v10_summaries.py test_a_trace_across_functions), 'renders null hints' and
'error in ordering a set renders with query stack trace' (test_v10_summaries.py TRACES), 'renders stack
trace when failing to access a field', 'error occurs on Set.paginate() map call', 'error in Set.map / Set.flatMap
/ Set.where renders with query stack trace' (tests/server/test_core_v10_api.py).

Skipped: 'renders contention nicely' and 'renders aggregate contention nicely' need two transactions that
write the same document to conflict at commit; fql serializes writing transactions (a stale one runs again,
README "Storage"), so no query answers 409 with core's contention message.
"""

from __future__ import annotations

import pytest

from .core_fql2_api import ADatabase, a_database
from .test_core_v10_api import summary


@pytest.fixture
def db() -> ADatabase:
    return a_database()


def _functions(db: ADatabase, err_func: str, eventually: str = "() => errFunc()", **extra: str) -> None:
    more = "".join(f",\n {key}: '{value}'" for key, value in extra.items())
    db.ok(
        f"\nFunction.create({{\n name: \"errFunc\",\n body: '{err_func}'{more}\n}})\n"
        f"Function.create({{\n name: \"eventuallyError\",\n body: '{eventually}'\n}})\n",
    )


_EVENTUALLY = (
    "at *udf:eventuallyError*:1:14\n  |\n1 | () => errFunc()\n  |              ^^\n  |\n"
    "at *query*:2:16\n  |\n2 | eventuallyError()\n  |                ^^\n  |"
)


def test_unbound_variable_trace(db):
    # "renders UnboundVariable stack trace across udf calls": untypechecked at creation, the body's unknown
    # name fails when it runs.
    _functions(db, "() => a")
    assert db.err("\neventuallyError()\n")["summary"] == (
        "error: Unbound variable `a`\nat *udf:errFunc*:1:7\n  |\n1 | () => a\n  |       ^\n  |\n" + _EVENTUALLY
    )


def test_invalid_arguments_trace(db):
    # "renders stack trace when invalid arguments are passed"
    _functions(db, "(a) => a", '() => "hi".concat({ cast: "this" })', signature="String => String")
    assert db.err("\neventuallyError()\n")["summary"] == (
        "error: expected value for `other` of type String, received { *: Any }\n"
        "at *udf:eventuallyError*:1:18\n  |\n"
        '1 | () => "hi".concat({ cast: "this" })\n'
        "  |                  ^^^^^^^^^^^^^^^^^^\n  |\n"
        "at *query*:2:16\n  |\n2 | eventuallyError()\n  |                ^^\n  |"
    )


@pytest.mark.parametrize(
    "make",
    [
        # "error occurs on Set.paginate() where call"
        'Set.sequence(1, 32).forEach((i) => TestColl.create({ name: "doc#{i}" }))\n'
        'TestColl.where(doc => {\n if (doc.name == "doc24") {\n   abort("error in paginate")\n }\n true\n}).paginate(16)',
        # "error occurs on Set.paginate() flatMap call"
        'TestColl.create({\n  name: "doc"\n})\nTestColl.create({\n  name: "doc2"\n})\n'
        'TestColl.all().flatMap(doc => {\n if (doc.name == "doc2") {\n   abort("error in paginate")\n }\n'
        " [doc].toSet()\n}).paginate(1)",
    ],
    ids=["where", "flatMap"],
)
def test_error_of_a_later_page(db, make):
    db.ok('\nCollection.create({\n  name: "TestColl"\n})\n')
    after = db.ok("\n" + make + "\n")["after"]
    text = f'Set.paginate("{after}")'
    body = db.err(text)
    assert body["error"]["code"] == "abort"
    assert body["summary"] == summary("Query aborted.", 1, text, 13, len(after) + 4)
