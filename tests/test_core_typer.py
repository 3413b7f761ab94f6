"""Core's typechecker specs, the cases fql's checker (fql/typer, phase 1) models, run embedded: a typechecked
query's type (core's `typeStr`, the answer's `static_type`) and the errors that make it `invalid_query`.

From ext/model/src/test/scala/fql2/FQL2TypecheckSpec.scala ("interpreter typechecks") and
ext/fql/shared/src/test/scala/typer/TyperCoreSpec.scala. TyperCoreSpec types against a test environment of its
own (`succ`, `gimmeAandB`, `User`, a `+` giving Int): only its cases that need no such global are here, and
none whose answer that environment changes (`1 + 2 + 3` is `Int` there, `Number` with core's real stdlib).

Not done (they need generic signatures, user collections' types, or more of core's inference):
FQL2TypecheckSpec's `asc` and `FQL.asc` (generic), user collections (`Author`, `Author.all()`,
`Author.byName`), the `map`/`fold`/`reduce` arrays, sets, projections of arrays and sets, `[][Author]` and
`dbg`/`log` (generic, variadic);
TyperCoreSpec's `{}['3', '4']` (access arity), `x => { foo: 1, bar: 2 }[x]` (a parameter's use), `(if (true) 3 else null).foo` (a union's
causes), lambda overloads (`(x) => { if (true) x + '2' else x }`), `{ foo: null }.foo?.()`.
Skipped as core internals: TyperExprSpec (type expressions as the typer's own objects), TyperEnvSpec (typing a
schema environment), FQL2TypecheckEverythingSpec (the background check of stored schema).
"""

from __future__ import annotations

import pytest

import fql
from fql.errors import QueryCheckError


@pytest.fixture(scope="module")
def db() -> fql.Database:
    return fql.connect()


def type_of(db: fql.Database, query: str) -> str | None:
    return db.run_with_state(fql.parse(query, "v10"), syntax="v10", typecheck=True)[1].static_type


def errors_of(db: fql.Database, query: str) -> list[tuple[str, int, int]]:
    """Each check that failed: its message and where (start, end offsets)."""
    with pytest.raises(QueryCheckError) as failed:
        db.run_with_state(fql.parse(query, "v10"), syntax="v10", typecheck=True)
    return [(e.description, e.span.start, e.span.end) for e in failed.value.checks]


# -- FQL2TypecheckSpec "interpreter typechecks"


def test_can_check_trivial_types(db):
    assert type_of(db, "2") == "2"
    assert type_of(db, "x => x") == "A => A"
    assert type_of(db, "{ a: 'foo' }") == '{ a: "foo" }'


def test_can_return_trivial_errors(db):
    assert errors_of(db, "{ a: 1 }.b") == [("Type `{ a: 1 }` does not have field `b`", 9, 10)]


def test_types_top_level_built_ins(db):
    # FQL2TypecheckSpec "types top-level built-ins", but `asc` (a generic signature: not modelled).
    assert type_of(db, "Math") == "MathModule"
    assert type_of(db, "Math.abs") == "(x: Number) => Number"
    assert type_of(db, "let m: MathModule = Math; m") == "MathModule"
    assert type_of(db, "asc") is None


def test_typechecks_fields(db):
    assert type_of(db, "'foo'.length") == "Number"


def test_typechecks_returns_from_static_functions(db):
    assert type_of(db, "Time.now()") == "Time"


def test_typechecks_args_to_static_and_apply_functions(db):
    assert errors_of(db, "Time.fromString(3)") == [("Type `Int` is not a subtype of `String`", 16, 17)]
    assert errors_of(db, "Time(3)") == [("Type `Int` is not a subtype of `String`", 5, 6)]


def test_typechecks_calls_of_what_is_no_function(db):
    # FQL2TypecheckSpec "typechecks args to apply functions" (`Math(3)`), TyperCoreSpec "type lambdas" (`1(2)`):
    # at the value, with a hint at the call's parentheses.
    for query, shown, at, hint in [("Math(3)", "MathModule", (0, 4), (4, 7)), ("1(2)", "Int", (0, 1), (1, 4))]:
        with pytest.raises(QueryCheckError) as failed:
            db.run_with_state(fql.parse(query, "v10"), syntax="v10", typecheck=True)
        (error,) = failed.value.checks
        message = f"Type `{shown}` cannot be used as a function"
        assert (error.description, error.span.start, error.span.end) == (message, *at)
        assert [(h[0], h[3].start, h[3].end) for h in error.hints] == [(f"`{shown}` is used as a function here", *hint)]


def test_warns_about_uncalled_functions(db):
    result, state = db.run_with_state(fql.parse("Time.now", "v10"), syntax="v10", typecheck=True)
    assert state.static_type == "() => Time"
    assert [(w.description, w.span.start, w.span.end) for w in state.check_warnings] == [
        ("Function is not called.", 0, 8)
    ]


def test_typechecks_strings(db):
    assert type_of(db, '"abc"') == '"abc"'
    assert type_of(db, '"abc #{2}"') == "String"
    assert type_of(db, 'let s: String = "abc"; s') == "String"
    assert type_of(db, "'foo'.slice(1, 2)") == "String"
    assert type_of(db, "'foo'.startsWith('bar')") == "Boolean"


def test_typechecks_booleans(db):
    assert type_of(db, "true || false") == "Boolean"
    assert type_of(db, "true || false && true") == "Boolean"
    assert errors_of(db, "true || 3") == [("Type `Int` is not a subtype of `Boolean`", 8, 9)]
    assert type_of(db, "let b: Boolean = true || false; b") == "Boolean"


def test_typechecks_comparison_operators(db):
    for op in ("==", "!=", ">", "<", ">=", "<="):
        assert type_of(db, f"2 {op} 3") == "Boolean"


def test_typechecks_math(db):
    assert type_of(db, "2 / 3") == "Number"
    assert type_of(db, "2 + 3") == "Number"
    assert type_of(db, "2.0 + 3.0") == "Number"
    assert errors_of(db, "2 + 'a'") == [("Type `String` is not a subtype of `Number`", 4, 7)]


def test_typechecks_arrays(db):
    assert type_of(db, "[1 + 1, 2 + 1, 3 + 1]") == "[Number, Number, Number]"


def test_typechecks_projection(db):
    assert type_of(db, "({ foo: 1, bar: 2 }) { foo }") == "{ foo: 1 }"


# -- TyperCoreSpec


def test_type_literals(db):
    assert type_of(db, "123") == "123"
    assert type_of(db, "'foo'") == '"foo"'
    assert type_of(db, "true") == "true"
    assert type_of(db, "false") == "false"


def test_typecheck_equality_operators(db):
    for op in ("==", "!=", "<", ">", "<=", ">="):
        assert type_of(db, f"3 {op} 3") == "Boolean"
        assert type_of(db, f"(if (true) 3 else 'hi') {op} 3") == "Boolean"


def test_typecheck_record_fields_and_record_access(db):
    assert errors_of(db, "{}.foo") == [("Type `{}` does not have field `foo`", 3, 6)]
    assert type_of(db, "{ foo: 1, bar: 2 }['foo']") == "1"
    assert type_of(db, '{ foo: 1, bar: 2 }["foo"]') == "1"
    assert errors_of(db, "{}['foo']") == [("Type `{}` does not have field `foo`", 3, 8)]
    assert errors_of(db, "{ a: 3, b: 4 }['hi']") == [("Type `{ a: 3, b: 4 }` does not have field `hi`", 15, 19)]
    assert type_of(db, """{ foo: 1, bar: 2 }["#{'foo'}"]""") == "1 | 2 | Null"
    assert type_of(db, "{ let x = 'foo'; { foo: 1, bar: 2 }[x] }") == "1 | 2 | Null"
    assert errors_of(db, "{}[3]") == [("Type `Int` is not a subtype of `String`", 3, 4)]


def test_implicitly_add_fields(db):
    assert type_of(db, "{ let obj: { a: 3 | Null } = {}; obj.a }") == "3 | Null"


def test_suggest_bang_operator_in_the_right_place(db):
    # The second case (the first needs a union's causes): the hint points at the annotation.
    with pytest.raises(QueryCheckError) as failed:
        type_of(db, "{ let a: Array<5> = [5]; a.foo }")
    assert (failed.value.description, failed.value.span.start, failed.value.span.end) == (
        "Type `Array<5>` does not have field `foo`",
        27,
        30,
    )
    assert [(m, s.start, s.end) for m, _, _, s in failed.value.hints] == [("Type `Array<5>` inferred here", 9, 17)]


def test_report_multiple_errors(db):
    assert errors_of(db, "{ a: 1.foo, b: 2.bar }") == [
        ("Type `Int` does not have field `foo`", 7, 10),
        ("Type `Int` does not have field `bar`", 17, 20),
    ]


def test_report_method_apply_errors(db):
    # TyperCoreSpec's `'foo'.concat(2)` checks the argument against concat's signature (stdlib: not done);
    # a method String does not have fails at its name.
    assert errors_of(db, "'foo'.conca(2)") == [("Type `String` does not have field `conca`", 6, 11)]


def test_report_operator_apply_errors(db):
    # TyperCoreSpec's own `+` takes Ints; core's stdlib `+` on a number takes a Number (FQL2TypecheckSpec).
    assert errors_of(db, "2 + 'foo'") == [("Type `String` is not a subtype of `Number`", 4, 9)]


# -- fql's checker: what it models beyond the specs' cases, and what it leaves alone


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ("null", "Null"),
        ("-1", "-1"),
        ("[]", "[]"),
        ("{}", "{}"),
        ("[1, 'a', null]", '[1, "a", Null]'),
        ('{ "a b": 1, c: true }', '{ "a b": 1, c: true }'),
        ("if (true) 1", "Null"),
        ("if (false) 1 else 1", "1"),
        ("if (true) 1 else if (false) 'a' else null", '1 | "a" | Null'),
        ("if (true) true else false", "Boolean"),
        ("if (true) { a: 1 } else { a: 2, b: 3 }", "{ a: 1 | 2 }"),
        ("if (true) [1] else [2]", "[1 | 2]"),
        ("null ?? 1", "1"),
        ("{ a: 1 }?.a", "1 | Null"),
        ("{ let x = { a: { b: 'c' } }\n x.a.b }", '"c"'),
        ("(x, y) => [y, x]", "(A, B) => [B, A]"),
        ("x => y => x", "A => Any => A"),
        ("() => 1", "() => 1"),
        ("x => { a: x }", "A => { a: A }"),
        ("!true", "Boolean"),
        ("let x: Int | Null = 1; x", "Int | Null"),
        ("let x: Any = 1; x", "Any"),
        # The stdlib's signatures (fql/eval/v10/stdlib_types.py), those without generics.
        ("Math.abs(-1)", "Number"),
        ("Math.max(1, 2) + 1", "Number"),
        ("Math.PI", "Number"),
        ("Math.hypot", "(x: Number, y: Number) => Number"),
        ("FQL.Math", "MathModule"),
        ("Key", "KeyCollection"),
        ("Credentials", "CredentialCollection"),
        ("newId()", "ID"),
        ("abort", "(return: Any) => Never"),
        ("Time.now().year", "Number"),
        ("Time.now().add(1, 'day')", "Time"),
        ("Time('2020-01-01T00:00:00Z')", "Time"),
        ("let t: Time = Time.now(); t", "Time"),
        ("'a'.split(',')", "Array<String>"),
        ("'a'.parseInt()", "Number | Null"),
        ("'a'.slice", "((start: Number) => String) & ((start: Number, end: Number) => String)"),
        ("'a'.splitAt(1)", "[String, String]"),
    ],
)
def test_static_types(db, query, shown):
    assert type_of(db, query) == shown


@pytest.mark.parametrize(
    "query",
    [
        "Math.sum([1])",  # overloads of one arity: not modelled
        "[1].length",  # an Array's members: not modelled
        "x => Math.abs(x)",  # a parameter's use
        "dbg(1)",  # generic
        "x => x + 1",  # a use of a parameter: core infers from it
        "[1].map(x => x.foo)",
        "1.5",  # core shows a float literal's source text
        "if (true) 1 else x => x",
    ],
)
def test_what_the_checker_cannot_say_has_no_static_type(db, query):
    assert type_of(db, query) is None


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("!1", [("Type `Int` is not a subtype of `Boolean`", 1, 2)]),
        ("if (1) 2 else 3", [("Type `Int` is not a subtype of `Boolean`", 4, 5)]),
        ("null || true", [("Type `Null` is not a subtype of `Boolean`", 0, 4)]),
        ("2 * true", [("Type `Boolean` is not a subtype of `Number`", 4, 8)]),
        ("1.foo()", [("Type `Int` does not have field `foo`", 2, 5)]),
        ("(1).foo", [("Type `Int` does not have field `foo`", 4, 7)]),
        ("null.foo", [("Type `Null` does not have field `foo`", 5, 8)]),
        ("true || (1)", [("Type `Int` is not a subtype of `Boolean`", 8, 11)]),
        ("!( 1 )", [("Type `Int` is not a subtype of `Boolean`", 1, 6)]),
        ("(1) && true", [("Type `Int` is not a subtype of `Boolean`", 0, 3)]),
        ("Math.abs((1) && true)", [("Type `Int` is not a subtype of `Boolean`", 9, 12)]),
        ("2 - (('a'))", [("Type `String` is not a subtype of `Number`", 4, 11)]),
        ("x => 'a'.foo", [("Type `String` does not have field `foo`", 9, 12)]),
        ("Math.foo", [("Type `MathModule` does not have field `foo`", 5, 8)]),
        ("(Math).foo", [("Type `MathModule` does not have field `foo`", 7, 10)]),
        ("Math.abs('a')", [("Type `String` is not a subtype of `Number`", 9, 12)]),
        ("Math.max(1, ('a'))", [("Type `String` is not a subtype of `Number`", 12, 17)]),
        ("Math.abs(null)", [("Type `Null` is not a subtype of `Number`", 9, 13)]),
        ("'a'.concat(2)", [("Type `Int` is not a subtype of `String`", 11, 12)]),
        ("Time.now().add('1', 'day')", [("Type `String` is not a subtype of `Number`", 15, 18)]),
    ],
)
def test_type_errors(db, query, expected):
    assert errors_of(db, query) == expected


@pytest.mark.parametrize(
    "query",
    [
        "'a' + 1",  # core's overloaded `+`: how it words the failure is not modelled
        "let m = Math; m.foo",  # core's hint for a module from elsewhere: not modelled
        "Math.abs(('a') + 'b')",  # fql's span of the argument starts inside its parentheses
        "'a'.slice('b')",  # an overload's failure: core words it with causes
        "Key.foo",  # a collection's members: not modelled
        "null()",  # calling null: core's wording is not known
        "{ f: 1 }.f()",  # a struct's field keeps no origin for core's error to point at
        "Time.now().foo",  # only modules' and primitives' missing members are errors
        "[1, 2].foo",
        "let x = Math.abs(1); x.foo",
        "null.toString()",
        "x => x.foo + 1",
        "(if (true) { a: 1 } else { a: 2 }).b",  # core reports each branch's failure as a cause
        "{ f: x => x }.g",
        "1 + (if (true) 'a' else 2)",
    ],
)
def test_no_error_where_the_checker_is_unsure(db, query):
    try:
        db.run_with_state(fql.parse(query, "v10"), syntax="v10", typecheck=True)
    except fql.FQLError as err:
        assert not isinstance(err, QueryCheckError), err.description


def test_the_environment_seam():
    """What a table of stdlib signatures plugs into: global and member types (None: Any, never an error)."""
    from fql.typer import check
    from fql.typer.env import Env
    from fql.typer.types import Func, Named

    class TimeEnv(Env):
        def global_type(self, name):
            return Named("TimeModule") if name == "Time" else None

        def member_type(self, owner, name):
            return Func((), Named("Time")) if (owner, name) == (Named("TimeModule"), "now") else None

    assert check(fql.parse("Time.now()", "v10"), env=TimeEnv()).shown == "Time"
    assert check(fql.parse("Time.now", "v10"), env=TimeEnv()).shown == "() => Time"
    assert check(fql.parse("Time.later()", "v10"), env=TimeEnv()).shown is None
    assert check(fql.parse("Time.now()", "v10")).shown is None
    assert check(fql.parse("x", "v10"), {"x": Named("Int")}).shown == "Int"


def test_without_typechecking_the_query_runs(db):
    result, state = db.run_with_state(fql.parse("{ a: 1 }.b", "v10"), syntax="v10", typecheck=False)
    assert (result, state.static_type) == (None, None)


def test_a_failed_check_runs_nothing(db):
    with pytest.raises(QueryCheckError):
        db.query("Collection.create({ name: 'Never' })\n1.foo", syntax="v10")
    assert db.query("Collection.byName('Never').exists()", syntax="v10") is False


# -- A query run again is not checked again (fql's own cache), with the same outcome


def test_a_repeated_query_keeps_its_outcome(db):
    for _ in range(2):
        assert type_of(db, "if (true) 3 else 'hi'") == '3 | "hi"'
        assert errors_of(db, "{ a: 1 }.b") == [("Type `{ a: 1 }` does not have field `b`", 9, 10)]


def test_a_query_typing_its_arguments_is_checked_for_each_run(db):
    program = fql.parse("x", "v10")

    def static_type(value):
        return db.run_with_state(program, syntax="v10", typecheck=True, env={"x": value})[1].static_type

    assert static_type({"a": 1}) == "{ a: 1 }"
    assert static_type("s") == '"s"'
    assert static_type(2) == "2"
    assert static_type({"a": 1}) == "{ a: 1 }"
    assert static_type({"a": 2}) == "{ a: 2 }"


def test_a_query_with_arguments_is_checked_again_for_other_types(db):
    program = fql.parse("let y = x; if (true) y else z", "v10")

    def static_type(x, z):
        return db.run_with_state(program, syntax="v10", typecheck=True, env={"x": x, "z": z})[1].static_type

    assert static_type(1, "a") == '1 | "a"'
    assert static_type(1, "b") == '1 | "b"'
    assert static_type(1, "a") == '1 | "a"'
    assert static_type({"a": 1}, None) == "{ a: 1 } | Null"
