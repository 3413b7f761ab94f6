"""Core's FQL2BasicSpec (ext/api fql2): a v10 query's answer and errors at the `/query/1` handler, run
in-process with the root secret in simple format. Each test names the spec case it comes from.

Ported elsewhere (not repeated here): "correctly fails invalid auth query", "returns invalid request" and
"returns invalid request for no body" (over HTTP, tests/server/test_protocol_v4.py
test_v10_paths_answer_in_the_v10_envelope); "returns a 400 when reading before MVT" (over HTTP,
tests/server/test_mvt_http.py). The spec's commented-out fqlAssert cases are not cases.
"""

from __future__ import annotations

import pytest

import fql
from tests.helpers import QueryEndpoint

SECRET = "secret"


@pytest.fixture
def db() -> fql.Database:
    return fql.connect(root_secret=SECRET)


ENDPOINT = QueryEndpoint(SECRET, fmt="simple")
answer, ok, failed = ENDPOINT.answer, ENDPOINT.ok, ENDPOINT.err


def test_can_run_queries(db):
    """endpoint/test harness / can run queries"""
    assert ok(db, "'foo'.length") == 3


def test_can_run_queries2(db):
    """endpoint/test harness / can run queries2"""
    assert ok(db, "{ len: 'foo'.length }") == {"len": 3}


def test_fails_no_return(db):
    """endpoint/test harness / fails no return"""
    assert failed(db, "{ let x = 5 }")["error"]["code"] == "invalid_query"


def test_can_provide_request_parameters(db):
    """endpoint/test harness / can provide request parameters"""
    assert ok(db, "{ len: 'foo'.length }", headers={"x-timeout": "600"}) == {"len": 3}


def test_can_provide_arguments(db):
    """endpoint/test harness / can provide arguments"""
    arguments = {
        "aLong": 10,
        "aDouble": 3.14159,
        "aString": "str",
        "anObject": {"x": 10, "y": 20},
        "anArray": [10, 20],
    }
    query = (
        "let aNestedField = anObject.x\n"
        "let anIndexedField = anArray[0]\n"
        "let aMappedField = anArray.map(i => i * 2)\n"
        "\n"
        "{\n  aLong: aLong,\n  aDouble: aDouble,\n  aString: aString,\n  anObject: anObject,\n  anArray: anArray,\n"
        "  aNestedField: aNestedField,\n  anIndexedField: anIndexedField,\n  aMappedField: aMappedField\n}\n"
    )
    expected = {**arguments, "aNestedField": 10, "anIndexedField": 10, "aMappedField": [20, 40]}
    result = ok(db, query, arguments=arguments)
    assert result == expected
    assert list(result) == list(expected)


def test_returns_unbound_variable_for_invalid_reference(db):
    """endpoint/test harness / returns unbound_variable for invalid reference"""
    body = failed(db, "{ x }", typecheck=False)
    assert body["error"] == {"code": "unbound_variable", "message": "Unbound variable `x`"}
    assert body["summary"] == "error: Unbound variable `x`\nat *query*:1:3\n  |\n1 | { x }\n  |   ^\n  |"


def test_returns_invalid_syntax_when_parsing_fails(db):
    """endpoint/test harness / returns invalid_syntax when parsing the query fails"""
    body = failed(db, "{ x ")
    assert body["error"] == {"code": "invalid_query", "message": "The query failed 1 validation check"}


def test_returns_type_mismatch_runtime_error(db):
    """endpoint/test harness / returns type_mismatch runtime error"""
    query = '{\n  let x = (y) => {\n    if (y) {\n      "z"\n    } else {\n      "?"\n    }\n  }\n  x(3)\n}'
    body = failed(db, query, typecheck=False)
    assert body["error"] == {"code": "type_mismatch", "message": "expected type: Boolean, received Int"}
    assert body["summary"] == (
        "error: expected type: Boolean, received Int\n"
        "at *query*:3:9\n"
        "  |\n"
        "3 |     if (y) {\n"
        "  |         ^\n"
        "  |\n"
        "at *query*:9:4\n"
        "  |\n"
        "9 |   x(3)\n"
        "  |    ^^^\n"
        "  |"
    )


def test_returns_invalid_function_invocation_runtime_error(db):
    """endpoint/test harness / returns invalid_function_invocation runtime error"""
    query = '{\n  let concat = (x, y) => {\n    x.concat(y)\n  }\n  concat("only-one-arg")\n}'
    body = failed(db, query, typecheck=False)
    message = "callee function expects exactly 2 arguments, but 1 was provided."
    assert body["error"] == {"code": "invalid_function_invocation", "message": message}
    assert body["summary"] == (
        f"error: {message}\n"
        "at *query*:5:9\n"
        "  |\n"
        '5 |   concat("only-one-arg")\n'
        "  |         ^^^^^^^^^^^^^^^^\n"
        "  |"
    )


def test_returns_invalid_argument_for_invalid_argument_type(db):
    """endpoint/test harness / returns invalid_argument for invalid argument type"""
    query = '{\n  let concat = (x, y) => {\n    x.concat(y)\n  }\n  concat("only-one-arg", 1)\n}'
    body = failed(db, query, typecheck=False)
    assert body["error"] == {
        "code": "invalid_argument",
        "message": "expected value for `other` of type String, received Int",
    }


def test_returns_invalid_null_access_on_null_invocation(db):
    """endpoint/test harness / returns invalid_null_access when attempting to invoke a function on null"""
    ok(db, "Collection.create({ name: 'Authors' })")
    body = failed(db, '\nlet author = Authors.all().firstWhere(.id == "1")\nauthor.test()\n', typecheck=False)
    assert body["error"] == {"code": "invalid_null_access", "message": "Cannot access `test` on null."}


def test_multiple_traces_are_shown(db):
    """endpoint/test harness / multiple traces are shown"""
    query = "[1].firstWhere(v => [1, 2].firstWhere(v => v == null!) == 3)"
    body = failed(db, query)
    assert body["error"] == {"code": "null_value", "message": "Null literal value"}
    assert body["summary"] == (
        "error: Null literal value\n"
        "at *query*:1:49\n"
        "  |\n"
        f"1 | {query}\n"
        f"  | {' ' * 48}^^^^^\n"
        "  |\n"
        "  |\n"
        f"1 | {query}\n"
        f"  | {' ' * 37}{'^' * 17}\n"
        "  |\n"
        "  |\n"
        f"1 | {query}\n"
        f"  | {' ' * 14}{'^' * 46}\n"
        "  |"
    )


def test_nulls_show_hints_and_traces(db):
    """endpoint/test harness / nulls show hints and traces"""
    body = failed(db, "let myVal = null\n[1, 2].firstWhere(v => myVal!)")
    assert body["error"] == {"code": "null_value", "message": "Null literal value"}
    assert body["summary"] == (
        "error: Null literal value\n"
        "at *query*:2:24\n"
        "  |\n"
        "2 | [1, 2].firstWhere(v => myVal!)\n"
        "  |                        ^^^^^^\n"
        "  |\n"
        "hint: Null value created here\n"
        "at *query*:1:13\n"
        "  |\n"
        "1 | let myVal = null\n"
        "  |             ^^^^\n"
        "  |\n"
        "trace:\n"
        "  |\n"
        "2 | [1, 2].firstWhere(v => myVal!)\n"
        "  |                  ^^^^^^^^^^^^^\n"
        "  |"
    )


def test_nulls_dont_show_hints_and_traces_when_overlapping(db):
    """endpoint/test harness / nulls don't show hints and traces when overlapping"""
    body = failed(db, "[1, 2].firstWhere(v => null!)")
    assert body["error"] == {"code": "null_value", "message": "Null literal value"}
    assert body["summary"] == (
        "error: Null literal value\n"
        "at *query*:1:24\n"
        "  |\n"
        "1 | [1, 2].firstWhere(v => null!)\n"
        "  |                        ^^^^^\n"
        "  |\n"
        "  |\n"
        "1 | [1, 2].firstWhere(v => null!)\n"
        "  |                  ^^^^^^^^^^^^\n"
        "  |"
    )


def test_invalid_function_invocation_for_a_missing_function(db):
    """endpoint/test harness / returns invalid_function_invocation when attempting to invoke a function that
    does not exist"""
    body = failed(db, '{\n  let x = "hi"\n  x.conct(", how are you?")\n}', typecheck=False)
    assert body["error"] == {
        "code": "invalid_function_invocation",
        "message": "The function `conct` does not exist on `String`",
    }


def test_invalid_function_invocation_for_a_field_that_is_not_a_function(db):
    """endpoint/test harness / returns invalid_function_invocation when attempting to invoke a field that is
    not a function"""
    body = failed(db, '{\n  let x = "hi"\n  x.length()\n}', typecheck=False)
    assert body["error"] == {
        "code": "invalid_function_invocation",
        "message": "`length`: Expected a function, found `Int`",
    }


def test_rejects_invalid_history_days(db):
    """endpoint/test harness / rejects invalid history_days"""
    body = failed(db, 'Collection.create({ name: "Author", "history_days": -1 })')
    assert body["error"]["code"] == "constraint_failure"
    assert body["error"]["message"] == "Failed to create Collection."
    assert "history_days: Non-negative value required." in body["summary"]


def test_typecheck_returns_the_static_type(db):
    """with typecheck enabled / returns the type of the result value in the static_type field"""
    status, body = answer(db, '"foo".concat("bar")\n', typecheck=True)
    assert status == 200
    assert body["static_type"] == "String"


def test_typecheck_renders_the_error_in_the_right_spot(db):
    """with typecheck enabled / renders the error message in the right spot"""
    body = failed(db, '2 + "a"\n', typecheck=True)
    assert body["error"] == {"code": "invalid_query", "message": "The query failed 1 validation check"}
    assert body["summary"] == (
        "error: Type `String` is not a subtype of `Number`\nat *query*:1:5\n  |\n1 | 2 + \"a\"\n  |     ^^^\n  |"
    )


def test_avoid_exponential_materialization_in_fold_and_where(db):
    """Avoid exponential materialization in fold + where lambda"""
    zeros = "[" + ",".join(["0"] * 100) + "]"
    query = f"{zeros}.fold([].toSet(), (acc, param) => {{\n  acc.concat([param].toSet().where(x => true))\n}})\n"
    page = ok(db, query)  # a set: its first page
    assert page["data"] and set(page["data"]) == {0}
