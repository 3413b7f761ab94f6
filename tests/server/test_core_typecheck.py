"""Core's typechecker over the v10 protocol: a typechecked query's `static_type` (FQL2Response.Success) and a
query the checker refuses (`invalid_query`, `The query failed N validation checks`, each error in the summary
as core's QueryCheckFailure renders it). Cases from ext/fql/shared/src/test/scala/typer/TyperCoreSpec.scala
("report multiple errors", "typecheck record fields & record access") and
ext/model/src/test/scala/fql2/FQL2TypecheckSpec.scala; the rest of both specs is in tests/test_core_typer.py,
with what is not done."""

from __future__ import annotations

import json

import pytest

import fql
from fql.server import v10
from tests.helpers import QueryEndpoint


@pytest.fixture
def db() -> fql.Database:
    return fql.connect(root_secret="secret")


answer = QueryEndpoint().body


def test_static_type_with_x_typecheck(db):
    # FQL2TypecheckSpec "can check trivial types", "typechecks math".
    assert answer(db, "{ a: 'foo' }", x_typecheck="true")["static_type"] == '{ a: "foo" }'
    assert answer(db, "x => x", x_typecheck="true")["static_type"] == "A => A"
    assert answer(db, "2 + 3", x_typecheck="true")["static_type"] == "Number"
    # Overloads of one arity per argument type (`Math.sum` of an Array or a Set) with one result: that.
    assert answer(db, "Math.sum([1])", x_typecheck="true")["static_type"] == "Number"


def test_arguments_have_their_values_types(db):
    out = answer(db, "if (x) y else [y]", arguments={"x": True, "y": 2}, x_typecheck="true")
    assert (out["data"], out["static_type"]) == (2, "2 | [2]")


def test_can_return_trivial_errors(db):
    out = answer(db, "{ a: 1 }.b")
    assert out["error"] == {"code": "invalid_query", "message": "The query failed 1 validation check"}
    assert out["summary"] == (
        "error: Type `{ a: 1 }` does not have field `b`\nat *query*:1:10\n  |\n1 | { a: 1 }.b\n  |          ^\n  |"
    )


def test_report_multiple_errors(db):
    out = answer(db, "{ a: 1.foo, b: 2.bar }")
    assert out["error"]["message"] == "The query failed 2 validation checks"
    assert out["summary"] == (
        "error: Type `Int` does not have field `foo`\n"
        "at *query*:1:8\n"
        "  |\n"
        "1 | { a: 1.foo, b: 2.bar }\n"
        "  |        ^^^\n"
        "  |\n"
        "\n"
        "error: Type `Int` does not have field `bar`\n"
        "at *query*:1:18\n"
        "  |\n"
        "1 | { a: 1.foo, b: 2.bar }\n"
        "  |                  ^^^\n"
        "  |"
    )


def test_record_access_with_a_literal_key(db):
    assert answer(db, "{}['foo']")["summary"] == (
        "error: Type `{}` does not have field `foo`\nat *query*:1:4\n  |\n1 | {}['foo']\n  |    ^^^^^\n  |"
    )


def test_a_type_from_elsewhere_says_where_it_was_inferred(db):
    # TypeConstraintFailure.MissingField: the hint, unless the value ends where the dot starts.
    assert answer(db, "let x = { a: 1 }\nx.b")["summary"] == (
        "error: Type `{ a: 1 }` does not have field `b`\n"
        "at *query*:2:3\n"
        "  |\n"
        "2 | x.b\n"
        "  |   ^\n"
        "  |\n"
        "hint: Type `{ a: 1 }` inferred here\n"
        "at *query*:1:9\n"
        "  |\n"
        "1 | let x = { a: 1 }\n"
        "  |         ^^^^^^^^\n"
        "  |"
    )


def test_a_field_of_null_suggests_the_bang(db):
    # TyperCoreSpec "typecheck documents" (`User.byId('1234').name`): the `!` suggestion where the dot starts,
    # after the parentheses of a parenthesised receiver.
    assert answer(db, "let x = null\n(x).foo")["summary"] == (
        "error: Type `Null` does not have field `foo`\n"
        "at *query*:2:5\n"
        "  |\n"
        "2 | (x).foo\n"
        "  |     ^^^\n"
        "  |\n"
        "hint: Use the ! or ?. operator to handle the null case\n"
        "  |\n"
        "2 | (x)!.foo\n"
        "  |    +\n"
        "  |"
    )


def test_warns_about_uncalled_overloaded_functions(db):
    # FQL2TypecheckSpec "warns about uncalled overloaded functions": the warning under the query's last
    # statement, with the hint to call it (core's type here, an overload fql does not infer, is not shown).
    assert answer(db, "(x, y) => x + y")["summary"] == (
        "warning: Function is not called.\n"
        "at *query*:1:1\n"
        "  |\n"
        "1 | (x, y) => x + y\n"
        "  | ^^^^^^^^^^^^^^^\n"
        "  |\n"
        "hint: Call the function.\n"
        "  |\n"
        "1 | (x, y) => x + y()\n"
        "  |                ++\n"
        "  |"
    )


def test_warns_about_uncalled_functions(db):
    # FQL2TypecheckSpec "warns about uncalled functions": a stdlib method is a function too.
    out = answer(db, "Time.now", x_typecheck="true")
    assert out["static_type"] == "() => Time"
    assert out["summary"] == (
        "warning: Function is not called.\n"
        "at *query*:1:1\n"
        "  |\n"
        "1 | Time.now\n"
        "  | ^^^^^^^^\n"
        "  |\n"
        "hint: Call the function.\n"
        "  |\n"
        "1 | Time.now()\n"
        "  |         ++\n"
        "  |"
    )


def test_typechecks_args_to_static_functions(db):
    # FQL2TypecheckSpec "typechecks args to static functions" and "typechecks args to apply functions".
    out = answer(db, "Time.fromString(3)")
    assert out["error"] == {"code": "invalid_query", "message": "The query failed 1 validation check"}
    assert out["summary"] == (
        "error: Type `Int` is not a subtype of `String`\nat *query*:1:17\n  |\n1 | Time.fromString(3)\n"
        "  |                 ^\n  |"
    )
    assert answer(db, "Time(3)")["summary"].startswith("error: Type `Int` is not a subtype of `String`\n")


def test_check_warnings_come_before_the_logs(db):
    out = answer(db, "log('hi')\nlet f = x => x\nf", x_typecheck="true")
    assert out["static_type"] == "A => A"
    assert out["summary"].startswith("warning: Function is not called.\nat *query*:3:1\n")
    assert out["summary"].endswith("\n\ninfo at *query*:1: hi")


def test_typechecking_should_not_500(db):
    query = " + ".join(str(i) for i in range(20000))
    out = answer(db, query)
    assert out["error"] == {"code": "invalid_query", "message": "The query failed 1 validation check"}
    assert out["summary"].startswith("error: Typechecking failed due to query complexity.\nat *query*:1:1\n")


def test_typecheck_off_runs_the_query(db):
    out = answer(db, "{ a: 1 }.b", x_typecheck="false")
    assert (out["data"], "static_type" in out) == (None, False)


def test_a_database_that_is_not_typechecked_runs_the_query(db):
    answer(db, "Database.create({ name: 'loose', typechecked: false })")
    secret = answer(db, "Key.create({ role: 'admin', database: 'loose' }).secret")["data"]
    out = json.loads(v10.query(db, {"query": "{ a: 1 }.b"}, secret, {}, 0).body)
    assert out["data"] is None


def test_deduplicate_errors(db):
    # TyperCoreSpec "deduplicate errors": each branch's literal fails the parameter, one error at the
    # argument with a cause at each, ordered by where they are.
    assert answer(db, "''.concat(if (true) true else 3)")["summary"] == (
        "error: Type `true | 3` is not a subtype of `String`\n"
        "at *query*:1:11\n"
        "  |\n"
        "1 | ''.concat(if (true) true else 3)\n"
        "  |           ^^^^^^^^^^^^^^^^^^^^^\n"
        "  |\n"
        "cause: Type `Boolean` is not a subtype of `String`\n"
        "  |\n"
        "1 | ''.concat(if (true) true else 3)\n"
        "  |                     ^^^^\n"
        "  |\n"
        "cause: Type `Int` is not a subtype of `String`\n"
        "  |\n"
        "1 | ''.concat(if (true) true else 3)\n"
        "  |                               ^\n"
        "  |"
    )


def test_suggest_bang_operator_in_the_right_place(db):
    # TyperCoreSpec "suggest bang operator in the right place": each branch's missing field a cause, each
    # with its own hints (core's TypeError draws a cause's hints right after it).
    assert answer(db, "(if (true) 3 else null).foo")["summary"] == (
        "error: Type `3 | Null` is not a subtype of `{ foo: Any, ... }`\n"
        "at *query*:1:1\n"
        "  |\n"
        "1 | (if (true) 3 else null).foo\n"
        "  | ^^^^^^^^^^^^^^^^^^^^^^^\n"
        "  |\n"
        "cause: Type `Int` does not have field `foo`\n"
        "  |\n"
        "1 | (if (true) 3 else null).foo\n"
        "  |                         ^^^\n"
        "  |\n"
        "hint: Type `Int` inferred here\n"
        "  |\n"
        "1 | (if (true) 3 else null).foo\n"
        "  |            ^\n"
        "  |\n"
        "cause: Type `Null` does not have field `foo`\n"
        "  |\n"
        "1 | (if (true) 3 else null).foo\n"
        "  |                         ^^^\n"
        "  |\n"
        "hint: Type `Null` inferred here\n"
        "  |\n"
        "1 | (if (true) 3 else null).foo\n"
        "  |                   ^^^^\n"
        "  |\n"
        "hint: Use the ! or ?. operator to handle the null case\n"
        "  |\n"
        "1 | (if (true) 3 else null)!.foo\n"
        "  |                        +\n"
        "  |"
    )
    # One branch without the field: that branch's missing field alone.
    assert answer(db, "(if (true) 'a' else null).length")["summary"] == (
        "error: Type `Null` does not have field `length`\n"
        "at *query*:1:27\n"
        "  |\n"
        "1 | (if (true) 'a' else null).length\n"
        "  |                           ^^^^^^\n"
        "  |\n"
        "hint: Type `Null` inferred here\n"
        "  |\n"
        "1 | (if (true) 'a' else null).length\n"
        "  |                     ^^^^\n"
        "  |\n"
        "hint: Use the ! or ?. operator to handle the null case\n"
        "  |\n"
        "1 | (if (true) 'a' else null)!.length\n"
        "  |                          +\n"
        "  |"
    )


def test_a_variable_of_literals_fails_at_each_literal(db):
    # TyperCoreSpec "check annotations", the `let a = if (true) 3 else null` case: a variable given
    # literals by its `let` is typed at each of them, so each missing field is a cause, hinted where its
    # literal is written, the error at the variable.
    query = "{\n  let a = if (true) 3 else null\n\n  a.foo\n}"
    assert answer(db, query)["summary"] == (
        "error: Type `3 | Null` is not a subtype of `{ foo: Any, ... }`\n"
        "at *query*:4:3\n"
        "  |\n"
        "4 |   a.foo\n"
        "  |   ^\n"
        "  |\n"
        "cause: Type `Int` does not have field `foo`\n"
        "  |\n"
        "4 |   a.foo\n"
        "  |     ^^^\n"
        "  |\n"
        "hint: Type `Int` inferred here\n"
        "at *query*:2:21\n"
        "  |\n"
        "2 |   let a = if (true) 3 else null\n"
        "  |                     ^\n"
        "  |\n"
        "cause: Type `Null` does not have field `foo`\n"
        "  |\n"
        "4 |   a.foo\n"
        "  |     ^^^\n"
        "  |\n"
        "hint: Type `Null` inferred here\n"
        "at *query*:2:28\n"
        "  |\n"
        "2 |   let a = if (true) 3 else null\n"
        "  |                            ^^^^\n"
        "  |\n"
        "hint: Use the ! or ?. operator to handle the null case\n"
        "  |\n"
        "4 |   a!.foo\n"
        "  |    +\n"
        "  |"
    )
    # One literal without the field: its missing field alone (TypeConstraintFailure.toTypeError keeps a
    # lone failure other than NotSubtype as it is), hinted at the `null`.
    assert answer(db, "let a = if (true) 'a' else null\na.length")["summary"] == (
        "error: Type `Null` does not have field `length`\n"
        "at *query*:2:3\n"
        "  |\n"
        "2 | a.length\n"
        "  |   ^^^^^^\n"
        "  |\n"
        "hint: Type `Null` inferred here\n"
        "at *query*:1:28\n"
        "  |\n"
        "1 | let a = if (true) 'a' else null\n"
        "  |                            ^^^^\n"
        "  |\n"
        "hint: Use the ! or ?. operator to handle the null case\n"
        "  |\n"
        "2 | a!.length\n"
        "  |  +\n"
        "  |"
    )
    # As an argument, a lone NotSubtype outside the argument is the union's failure with it as the cause
    # (toTypeError's `transitive`, as TyperCoreSpec's `succ(foobarwild.wut)`).
    assert answer(db, "let a = if (true) 3 else null\nMath.abs(a)")["summary"] == (
        "error: Type `3 | Null` is not a subtype of `Number`\n"
        "at *query*:2:10\n"
        "  |\n"
        "2 | Math.abs(a)\n"
        "  |          ^\n"
        "  |\n"
        "cause: Type `Null` is not a subtype of `Number`\n"
        "at *query*:1:26\n"
        "  |\n"
        "1 | let a = if (true) 3 else null\n"
        "  |                          ^^^^\n"
        "  |"
    )
    # Shadowed, `?.` or `!`: the variable's literals no longer fail.
    assert answer(db, "let a = if (true) 3 else null\nlet a = 'x'\na.length")["data"] == 1
    assert answer(db, "let a = if (true) 'x' else null\n[a?.length, a!.length]")["data"] == [1, 1]


def test_an_annotated_nullable_fails_at_its_question_mark(db):
    # Core types a `let`'s annotation `String?` as `String | Null` whose Null is at the `?` (TyperTypeExprs'
    # Nullable: `Type.Null(qmarkSpan)`), and the variable as the annotation (typeLetRhs' Skolemized), so a
    # field only the String has fails the Null alone: its missing field (TypeConstraintFailure.toError's
    # MissingField hints), hinted at the `?`.
    assert answer(db, "let a: String? = 'x'\na.length")["summary"] == (
        "error: Type `Null` does not have field `length`\n"
        "at *query*:2:3\n"
        "  |\n"
        "2 | a.length\n"
        "  |   ^^^^^^\n"
        "  |\n"
        "hint: Type `Null` inferred here\n"
        "at *query*:1:14\n"
        "  |\n"
        "1 | let a: String? = 'x'\n"
        "  |              ^\n"
        "  |\n"
        "hint: Use the ! or ?. operator to handle the null case\n"
        "  |\n"
        "2 | a!.length\n"
        "  |  +\n"
        "  |"
    )
    assert answer(db, "let a: String? = 'x'\n[a?.length, a!.length]")["data"] == [1, 1]
