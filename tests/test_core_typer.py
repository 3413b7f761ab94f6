"""Core's typechecker specs, the cases fql's checker (fql/typer, phase 1) models, run embedded: a typechecked
query's type (core's `typeStr`, the answer's `static_type`) and the errors that make it `invalid_query`.

From ext/model/src/test/scala/fql2/FQL2TypecheckSpec.scala ("interpreter typechecks") and
ext/fql/shared/src/test/scala/typer/TyperCoreSpec.scala. TyperCoreSpec types against a test environment of its
own (`succ`, `gimmeAandB`, `User`, a `+` giving Int): only its cases that need no such global are here, and
none whose answer that environment changes (`1 + 2 + 3` is `Int` there, `Number` with core's real stdlib).

Not done (they need more of core's inference; FQL2TypecheckSpec's `asc`, `AddOne(2).foo` and the "lookup env"
cases are in tests/test_core_fql2_typecheck_spec.py), from TyperCoreSpec:
- inference from a parameter's uses beyond a number, a Boolean, a struct's key or a field read: "type lambdas"
  `x => x(42)`, `(x, y) => if (true) x else y`; "type objects & selection" `x => x.foo` shown
  `{ foo: A, ... } => A`; "type short lambdas"; "type ?? operator" `x => x ?? 1`; "remove null from union
  when bang operator is used" `x => x!`; "type projection" `x => x { foo, bar }`; lambda overloads
  (`(x) => { if (true) x + '2' else x }`); "type let polymorphism" (but its first case), "type self-application", "type
  simple-sub random exprs" (and their pending and recursion cases, in ML syntax);
- generic annotations: "disallow outer values constrained by inner generic types", "disallow constraints on
  generic params", "disallow pointless generic params", "allow skolems in type parameters";
- "use _ for untypeable things": core's `_` for what failed (`Type `Array<_>` does not have field `bar``),
  a second error the checker does not report;
- "type projection" `1 { foo, bar }` (a projection's use, shown as core's `.{ ... }` type) and `{ qux:
  .bar + .baz, ... }` (its `Int` is the test environment's `+`); "type operator overloads in lambdas"
  `['a', 'b', 'c'].map(x => 1 + x)` (a lambda's failure with causes);
- "show type not used as function error" on `[]`: an empty array literal's methods are not typed (here on
  `[1]`); "typecheck record fields & record access" `{}['3', '4']` (access arity: fql's parser refuses it
  first); "type tuple/array access" `[1, 2][2]` and `[][0]` (Never, and their pending errors: the query
  fails at run time instead); "type projection" of a `NullUser` or an `EmptyRef<User>` (Null: the checker
  does not know those aliases of Null); "typecheck ?. with call" `User.byId('1234')?.update` (a union with
  a function is not shown).
Every other case needs the spec's own environment (`succ`, `intBool`, `gimmeAandB`, `User`, its `+` and
`'foo'.length` giving Int): those whose point stands with core's stdlib are ported on it (`Math.abs` for
`succ`'s arity errors).
Skipped as core internals: TyperExprSpec (type expressions as the typer's own objects), TyperEnvSpec (typing a
schema environment), FQL2TypecheckEverythingSpec (the background check of stored schema).
"""

from __future__ import annotations

import pytest

import fql
from fql.errors import QueryCheckError
from fql.schema.manager import SchemaError
from tests.helpers import QueryEndpoint, check_errors as errors_of, query_v10_error, type_of


@pytest.fixture(scope="module")
def db() -> fql.Database:
    return fql.connect()


# -- FQL2TypecheckSpec "interpreter typechecks"


def only_check(db: fql.Database, query: str):
    """The one check core's typer fails `query` on (a QueryCheckError with one check, as the tests expect)."""
    with pytest.raises(QueryCheckError) as failed:
        type_of(db, query)
    (error,) = failed.value.checks
    return error


def test_can_check_trivial_types(db):
    assert type_of(db, "2") == "2"
    assert type_of(db, "x => x") == "A => A"
    assert type_of(db, "{ a: 'foo' }") == '{ a: "foo" }'


def test_can_return_trivial_errors(db):
    assert errors_of(db, "{ a: 1 }.b") == [("Type `{ a: 1 }` does not have field `b`", 9, 10)]


def test_types_top_level_built_ins(db):
    # FQL2TypecheckSpec "types top-level built-ins" (`asc`: tests/test_core_fql2_typecheck_spec.py).
    assert type_of(db, "Math") == "MathModule"
    assert type_of(db, "Math.abs") == "(x: Number) => Number"
    assert type_of(db, "let m: MathModule = Math; m") == "MathModule"


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


@pytest.mark.parametrize(
    ("query", "at", "hint"),
    [
        ("[1].length()", (0, 12), (10, 12)),
        ("'abc'.length(1, 2)", (0, 18), (12, 18)),
        ("Math.PI()", (0, 9), (7, 9)),
        ("Time.now().year()", (0, 17), (15, 17)),
        ("let s = 'a'; s.length()", (13, 23), (21, 23)),
        ("{ a: 'x'.length() }", (5, 17), (15, 17)),
        # A stdlib call's result of one signature, called: the Apply's `appSpan` alike.
        ("Math.abs(1)(2)", (0, 14), (11, 14)),
        ("Math.abs(1)()()", (0, 13), (11, 13)),
    ],
)
def test_stdlib_field_called_as_a_method(db, query, at, hint):
    # A stdlib field of a primitive type (Arrays.scala, Strings.scala `defField("length" -> tt.Number)`,
    # Math.scala `PI`, Time.scala `year`) called: core's NotAFunction of the signature's `Number`, which has
    # no span, so at the constraint's call site, the method call from its chain's start through its
    # arguments (TyperExprs' MethodCall `appSpan`), the hint at the arguments (TyperConstrain:
    # `value.span.getOrElse(callSite)`; TypeConstraintFailure.NotAFunction). fql ran these and failed at run time.
    with pytest.raises(QueryCheckError) as failed:
        db.run_with_state(fql.parse(query, "v10"), syntax="v10", typecheck=True)
    (error,) = failed.value.checks
    assert (error.description, error.span.start, error.span.end) == ("Type `Number` cannot be used as a function", *at)
    assert [(h[0], h[3].start, h[3].end) for h in error.hints] == [("`Number` is used as a function here", *hint)]


def test_stdlib_result_called_shows_its_type(db):
    # As above, for a String and an ID a stdlib call of one signature gives (Strings.scala `concat`, `newId`).
    # A Time or Date too: Time.scala's and Date.scala's `defApply` are their modules', not their values'.
    cases = [
        ("'a'.concat('b')()", "String", (0, 17), (15, 17)),
        ("newId()()", "ID", (0, 9), (7, 9)),
        ("Time.now()()", "Time", (0, 12), (10, 12)),
        ("Date.today()()", "Date", (0, 14), (12, 14)),
        ("let t: Time = Time.now(); t()", "Time", (7, 11), (27, 29)),
    ]
    for query, shown, at, hint in cases:
        with pytest.raises(QueryCheckError) as failed:
            db.run_with_state(fql.parse(query, "v10"), syntax="v10", typecheck=True)
        (error,) = failed.value.checks
        assert (error.description, error.span.start, error.span.end) == (f"Type `{shown}` cannot be used as a function", *at)
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


def test_typechecks_numbers(db):
    assert type_of(db, "[1, 2, 3].map(x => x + 1)") == "Array<Number>"
    assert type_of(db, "[1, 2, 3].map(x => x - 1)") == "Array<Number>"
    assert type_of(db, "[1, 2, 3].map(x => -x)") == "Array<Number>"


def test_typechecks_arrays(db):
    assert type_of(db, "[1 + 1, 2 + 1, 3 + 1]") == "[Number, Number, Number]"
    assert type_of(db, "[1, 2, 3].map(x => x + 1)") == "Array<Number>"
    assert type_of(db, "[1, 2, 3].map(x => {\n  { foo: x + 1, bar: x + 1 }\n}) { foo }") == "Array<{ foo: Number }>"
    assert type_of(db, '["a", "abc", "ab"].flatMap(x => [x.length, 0])\n') == "Array<Number>"
    assert type_of(db, '["bcd", "efgh", "ijk"].fold(1, (x, y) => x + y.length)\n') == "Number"
    assert type_of(db, '["bcd", "efgh", "ijk"].reduce((x, y) => x + y)\n') == "String | Null"


def test_typechecks_projection(db, authors):
    assert type_of(db, "({ foo: 1, bar: 2 }) { foo }") == "{ foo: 1 }"
    foos = "[1, 2, 3].map(x => { foo: x + 1 })"
    assert type_of(db, f"{foos} {{ foo }}") == "Array<{ foo: Number }>"
    assert type_of(db, f"({foos} {{ foo }}).first()") == "{ foo: Number } | Null"
    assert type_of(authors, "Author.all() { name }") == "Set<{ name: Any }>"
    assert type_of(authors, "(Author.all() { name }).first()") == "{ name: Any } | Null"
    assert type_of(authors, "(Author.all() { name }).toArray()") == "Array<{ name: Any }>"
    assert type_of(authors, "Author.byId('1')! { name }") == "{ name: Any }"
    assert type_of(authors, "Author.byId('1') { name }") == "{ name: Any } | Null"


def test_typechecks_args_to_select(authors):
    # FQL2TypecheckSpec "typechecks args to select".
    assert errors_of(authors, "[][Author]") == [("Type `AuthorCollection` is not a subtype of `Number`", 3, 9)]


def test_type_tuple_array_access(db):
    # TyperCoreSpec "type tuple/array access", with core's stdlib (`Number` for its test env's `Int`); its
    # out-of-bounds cases are Never there and runtime errors here (checked, they fail as they run).
    assert type_of(db, "[1, 2][0]") == "1"
    assert type_of(db, "[1, 2].map(x => x + 1)[0]") == "Number"
    assert type_of(db, "{ let x = 0; [1, 2][x] }") == "1 | 2"
    assert errors_of(db, "[1, 2]['a']") == [("Type `String` is not a subtype of `Number`", 7, 10)]
    assert errors_of(db, "[1, 2][Math]") == [("Type `MathModule` is not a subtype of `Number`", 7, 11)]


@pytest.mark.parametrize(
    ("query", "expected", "hints"),
    [
        # An array literal's item by a literal index is the item's own type (TyperConstrain's Tup access), its
        # span kept: a member it lacks is core's MissingField at the name, hinted at the item.
        ("[1, 2][1].foo", ("Type `Int` does not have field `foo`", 10, 13), [("Type `Int` inferred here", 4, 5)]),
        ("[1, 'a'][1].foo", ("Type `String` does not have field `foo`", 12, 15), [("Type `String` inferred here", 4, 7)]),
        # A stdlib call's Array of primitives: its element is the signature's, of no span (no hint).
        ("'a,b'.split(',')[0].foo", ("Type `String` does not have field `foo`", 20, 23), []),
        ("Set.sequence(1, 2).toArray()[0].foo", ("Type `Number` does not have field `foo`", 32, 35), []),
        # Called: NotAFunction of the item, hinted at the arguments (TypeConstraintFailure.NotAFunction); of
        # no span, at the call from its chain's start (TyperExprs' Apply appSpan).
        ("[1, 2][0]()", ("Type `Int` cannot be used as a function", 1, 2), [("`Int` is used as a function here", 9, 11)]),
        ("'a,b'.split(',')[0]()", ("Type `String` cannot be used as a function", 0, 21), [("`String` is used as a function here", 19, 21)]),
    ],
)
def test_an_array_item_read_for_a_member_it_lacks(db, query, expected, hints):
    # fql answered null (or failed at run time) for these.
    error = only_check(db, query)
    assert (error.description, error.span.start, error.span.end) == expected
    assert [(m, s.start, s.end) for m, _, _, s, *_ in error.hints] == hints


@pytest.mark.parametrize(
    ("query", "expected", "hints"),
    [
        ("{ a: 1 }['a'].foo", ("Type `Int` does not have field `foo`", 14, 17), [("Type `Int` inferred here", 5, 6)]),
        ("{ a: { b: 1 } }['a'].c", ("Type `{ b: 1 }` does not have field `c`", 21, 22), [("Type `{ b: 1 }` inferred here", 5, 13)]),
        ("{ a: 1 }['a']()", ("Type `Int` cannot be used as a function", 5, 6), [("`Int` is used as a function here", 13, 15)]),
    ],
)
def test_a_struct_literals_field_by_a_literal_key_keeps_its_place(db, query, expected, hints):
    # Core's typeLitAccess turns a literal key of a struct into the field's selection (TyperConstrain's Rec
    # access: an Interface), so the field's value keeps its place as `.a` keeps it. fql answered null or
    # failed at run time.
    error = only_check(db, query)
    assert (error.description, error.span.start, error.span.end) == expected
    assert [(m, s.start, s.end) for m, _, _, s, *_ in error.hints] == hints


@pytest.mark.parametrize(
    ("query", "expected", "hints"),
    [
        ("dbg(1).foo", ("Type `Int` does not have field `foo`", 7, 10), [("Type `Int` inferred here", 4, 5)]),
        ("dbg('a')!.foo", ("Type `String` does not have field `foo`", 10, 13), [("Type `String` inferred here", 4, 7)]),
        ("[1].first()!.foo", ("Type `Int` does not have field `foo`", 13, 16), [("Type `Int` inferred here", 1, 2)]),
        ("[true].at(0).foo", ("Type `Boolean` does not have field `foo`", 13, 16), [("Type `Boolean` inferred here", 1, 5)]),
        ("dbg(1)()", ("Type `Int` cannot be used as a function", 4, 5), [("`Int` is used as a function here", 6, 8)]),
    ],
)
def test_a_generic_result_of_one_literal_is_hinted_at_it(db, query, expected, hints):
    # A generic function's variable is bounded by the literal given for it (an argument, an item of the array
    # literal it is called on, which core widens to an Array of a variable the item bounds), its span kept:
    # a later failure of the result is hinted there, as TyperCoreSpec's `(if (true) 1 else anyval).foo` is
    # at the `1` (TypeConstraintFailure.toError). fql placed no hint, and ran `dbg(1)()`.
    error = only_check(db, query)
    assert (error.description, error.span.start, error.span.end) == expected
    assert [(m, s.start, s.end) for m, _, _, s, *_ in error.hints] == hints


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # A string's `[]` is `[](index: Number) => String` (FQL2StringSpec): core's typeLitAccess and
        # typeAccess constrain the index as typeApply constrains an argument (TyperExprs).
        ("'abc'['a']", [("Type `String` is not a subtype of `Number`", 6, 9)]),
        ("'abc'[true]", [("Type `Boolean` is not a subtype of `Number`", 6, 10)]),
        ("'abc'[null]", [("Type `Null` is not a subtype of `Number`", 6, 10)]),
        ("'abc'?.['a']", [("Type `String` is not a subtype of `Number`", 8, 11)]),
        ("let s: String = 'abc'; s['a']", [("Type `String` is not a subtype of `Number`", 25, 28)]),
        ("'abc'[Time.now()]", [("Type `Time` is not a subtype of `Number`", 6, 16)]),
        ("'abc'[Math]", [("Type `MathModule` is not a subtype of `Number`", 6, 10)]),
        # A `Number | Null` by a signature alone: its Null fails where the index is used.
        ("'abc'['abc'.indexOf('b')]", [("Type `Null` is not a subtype of `Number`", 6, 24)]),
        # A variable its `let` gave a literal: at the variable, the literal a cause (see below).
        ("let k = 'a'; 'abc'[k]", [('Type `"a"` is not a subtype of `Number`', 19, 20)]),
        ("let k = 'a'; [1][k]", [('Type `"a"` is not a subtype of `Number`', 17, 18)]),
    ],
)
def test_type_string_access(db, query, expected):
    assert errors_of(db, query) == expected


def test_typecheck_string_access(db):
    # TyperCoreSpec "typecheck string access", with core's stdlib (Strings.scala `defAccess(tt.Str)("index" ->
    # tt.Int)`, statically `Number => String`, static_environment_response_v1.json; the spec's environment
    # says `Int`): a lambda's parameter used only as a string's index is a Number.
    assert type_of(db, "'foo'[0]") == "String"
    assert type_of(db, "x => 'foo'[x]") == "Number => String"
    assert type_of(db, "x => 'foo'?.[x]") == "Number => String | Null"
    assert type_of(db, "[0, 1].map(x => 'foo'[x])") == "Array<String>"
    assert errors_of(db, "'a'['b']") == [("Type `String` is not a subtype of `Number`", 4, 7)]


def test_string_access_by_a_variable_has_its_literal_as_a_cause(db):
    with pytest.raises(QueryCheckError) as failed:
        db.query("let k = 'a'; 'abc'[k]", syntax="v10")
    (error,) = failed.value.checks
    assert [(m, s.start, s.end) for m, s in error.causes] == [("Type `String` is not a subtype of `Number`", 8, 11)]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # No `[]` in the type's shape: core's CannotAccess, at the brackets (the Access's span).
        ("1[0]", [("Cannot use `[]` operator with type `Int`", 1, 4)]),
        ("true['a']", [("Cannot use `[]` operator with type `Boolean`", 4, 9)]),
        ("1.5[0]", [("Cannot use `[]` operator with type `Double`", 3, 6)]),
        ("let x = 1; x[0]", [("Cannot use `[]` operator with type `Int`", 12, 15)]),
        ("[1][0][0]", [("Cannot use `[]` operator with type `Int`", 6, 9)]),
        ("Time.now()[0]", [("Cannot use `[]` operator with type `Time`", 10, 13)]),
        ("Math.abs(1)[0]", [("Cannot use `[]` operator with type `Number`", 11, 14)]),
        # Bytes, ID and TransactionTime have no `[]` either (Bytes.scala, ID.scala, TransactionTime.scala:
        # prototypes without defAccess; TyperConstrain's CannotAccess for a Named type whose shape has none).
        ("Bytes('AQID')['toBase64']", [("Cannot use `[]` operator with type `Bytes`", 13, 25)]),
        ("newId()['x']", [("Cannot use `[]` operator with type `ID`", 7, 12)]),
        ("ID(1)[0]", [("Cannot use `[]` operator with type `ID`", 5, 8)]),
        ("TransactionTime()[0]", [("Cannot use `[]` operator with type `TransactionTime`", 17, 20)]),
    ],
)
def test_type_access_of_what_has_no_access(db, query, expected):
    assert errors_of(db, query) == expected


def test_type_string_access_of_a_number(db):
    assert type_of(db, "'abc'[1]") == "String"
    assert type_of(db, "'abc'[1 + 1]") == "String"
    assert db.query("'abc'[1]", syntax="v10") == "b"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # An overload of the call's arity alone: the others fail on their arity in the function's constrain
        # call (pruned, as one lives), and each argument is constrained in a call of its own (TyperExprs
        # typeApply; TyperCoreSpec "type overloaded 2-arity functions": `intIntBoolBool(1, true)` is only
        # the failure at `true`).
        ("'abc'.slice('a')", [("Type `String` is not a subtype of `Number`", 12, 15)]),
        ("'abc'.slice(Time.now())", [("Type `Time` is not a subtype of `Number`", 12, 22)]),
        ("'abc'.slice(1, true)", [("Type `Boolean` is not a subtype of `Number`", 15, 19)]),
        ("'abc'.casefold(1)", [("Type `Int` is not a subtype of `String`", 15, 16)]),
        ("'abc'.parseInt('a')", [("Type `String` is not a subtype of `Number`", 15, 18)]),
        ("'abc'.indexOf('a', 'b')", [("Type `String` is not a subtype of `Number`", 19, 22)]),
        ("'abc'.replace('a', 'b', 'c')", [("Type `String` is not a subtype of `Number`", 24, 27)]),
        ("let x = 'a'; 'abc'.slice(x)", [('Type `"a"` is not a subtype of `Number`', 25, 26)]),
        # A generic one's: its type parameter takes what it is given, its Number does not.
        ("[1].slice('a')", [("Type `String` is not a subtype of `Number`", 10, 13)]),
        ("[1].indexOf(1, 'a')", [("Type `String` is not a subtype of `Number`", 15, 18)]),
        ("[1].toSet().paginate('a')", [("Type `String` is not a subtype of `Number`", 21, 24)]),
        # Each argument is constrained in its own call (TyperExprs typeApply): each misfit is an error.
        (
            "'abc'.slice('a', 'b')",
            [("Type `String` is not a subtype of `Number`", 12, 15), ("Type `String` is not a subtype of `Number`", 17, 20)],
        ),
    ],
)
def test_type_overload_of_one_arity_misfit(db, query, expected):
    assert errors_of(db, query) == expected


@pytest.mark.parametrize(
    ("query", "value"),
    [
        ("'abc'.slice(1)", "bc"),
        ("'abc'.slice(0, 2)", "ab"),
        ("'aBc'.casefold()", "abc"),
        ("'abc'.indexOf('c', 1)", 2),
        ("[1, 2].slice(1)", [2]),
        ("[1, 2].indexOf(2, 0)", 1),
    ],
)
def test_overload_of_one_arity_that_fits_runs(db, query, value):
    assert db.query(query, syntax="v10") == value


def test_dbg_does_types_correctly(db):
    assert type_of(db, "dbg(1 + 2) + 10") == "Number"


def test_logging_types(db):
    # FQL2LoggingSpec "log() works", "dbg() works": the answer's type.
    for query in ("log('hi')", "log(3, 4)", "log(3); log(4)", "log()"):
        assert type_of(db, query) == "Null"
    assert type_of(db, "dbg('hi')") == '"hi"'
    assert type_of(db, "dbg(3)") == "3"
    assert type_of(db, "dbg(dbg(3))") == "3"


def test_log_does_types_correctly(db):
    assert type_of(db, "log('hello')") == "Null"
    assert type_of(db, "log('foo', 3)") == "Null"
    assert type_of(db, "log()") == "Null"
    assert type_of(db, "log") == "(args: ...Any) => Null"
    assert type_of(db, "Set.sequence(0, 3).order(x => x)") == "Set<Number>"


# -- FQL2TypecheckSpec with a user collection, and core's specs of collections' types


@pytest.fixture(scope="module")
def authors() -> fql.Database:
    """FQL2TypecheckSpec's database: `Author`, with the index `byName`, and one author (id 1)."""
    db = fql.connect()
    db.query("Collection.create({ name: 'Author', indexes: { byName: { terms: [{ field: 'name' }] } } })", syntax="v10")
    db.query("Author.create({ id: '1', name: 'Alice' })", syntax="v10")
    return db


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Author.definition.foo", [("Type `CollectionDef` does not have field `foo`", 18, 21)]),
        ("Author.byId('1')!.coll.foo", [("Type `AuthorCollection` does not have field `foo`", 23, 26)]),
        ("Author.byId('1')!.ts.foo", [("Type `Time` does not have field `foo`", 21, 24)]),
        ("Author.byId('1')!.id.foo", [("Type `ID` does not have field `foo`", 21, 24)]),
        ("Author.byId('1')!.ts[0]", [("Cannot use `[]` operator with type `Time`", 20, 23)]),
    ],
)
def test_a_native_field_of_a_user_document_or_collection(authors, query, expected):
    # Core types a user document's `id`, `ts` and `coll` and a user collection's `definition` in code, of no
    # span (CollectionTypeInfo: `Type.ID`, `Type.Time`, `collType`, `Named("CollectionDef")`): a member
    # they lack is core's MissingField at the name with no hint, an access its CannotAccess at the brackets
    # (TypeConstraintFailure.toError), as for a stdlib field. fql answered null or failed at run time.
    assert errors_of(authors, query) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # A document's `[]` is its struct's (an alias of it): a key that is no String fails at the key, as
        # TyperCoreSpec's `{}[3]`.
        ("Author.byId('1')![1]", [("Type `Int` is not a subtype of `String`", 18, 19)]),
        ("Author.byId('1')![null]", [("Type `Null` is not a subtype of `String`", 18, 22)]),
        ("Author.all().first()![true]", [("Type `Boolean` is not a subtype of `String`", 22, 26)]),
        ("let a = Author.byId('1')!; a[1]", [("Type `Int` is not a subtype of `String`", 29, 30)]),
        # A struct's key from a variable its `let` gave a literal: at the variable, the literal a cause.
        ("let k = 1; { a: 1 }[k]", [("Type `1` is not a subtype of `String`", 20, 21)]),
    ],
)
def test_type_document_access_key(authors, query, expected):
    assert errors_of(authors, query) == expected


def test_document_access_by_a_string_runs(authors):
    assert authors.query("Author.byId('1')!['name']", syntax="v10") == "Alice"
    assert authors.query("let k = 'name'; Author.byId('1')![k]", syntax="v10") == "Alice"


def test_types_user_defined_collections(authors):
    assert type_of(authors, "Author") == "AuthorCollection"
    assert type_of(authors, "Author == 1") == "Boolean"
    assert type_of(authors, "Author.all()") == "Set<Author>"
    range_ = "{ from: Any } | { to: Any } | { from: Any, to: Any }"
    assert type_of(authors, "Author.byName") == (
        f"((term1: Any) => Set<Author>) & ((term1: Any, range: {range_}) => Set<Author>)"
    )
    assert type_of(authors, "let a: AuthorCollection = Author; a") == "AuthorCollection"
    assert type_of(authors, "let a: Set<Author> = Author.all(); a") == "Set<Author>"


def test_typechecks_sets(authors):
    assert type_of(authors, "Author.all()") == "Set<Author>"
    assert type_of(authors, "Author.all() { id }") == "Set<{ id: ID }>"
    assert type_of(authors, "Author.all().first()") == "Author | Null"
    assert type_of(authors, "Author.all().first()?.id") == "ID | Null"


@pytest.mark.parametrize(
    ("query", "at"),
    [
        ("Author.byName('Alice').name", 23),
        # Bound to a name first (core's QA FqlxSimpleCRUD reads `doc.indexed_field` of its index's set):
        # the set is the signature's, of no span, so core's MissingField has no hint either.
        ("let doc = Author.byName('Alice')\ndoc.name", 37),
        ("let s = Author.all().where(a => true)\ns.name", 40),
    ],
)
def test_a_sets_missing_field(authors, query, at):
    """TyperExprs' MethodChain.Select constrains the set to have the field; TypeConstraintFailure's
    MissingField shows no hint for a value of no span (a built-in signature's result)."""
    assert errors_of(authors, query) == [("Type `Set<Author>` does not have field `name`", at, at + 4)]


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        # FQL2DocRefSpec "Ref<Doc>": a collection called is a reference.
        ("Author(0)", "Ref<Author>"),
        ('Author("0")', "Ref<Author>"),
        ("Author.byId('1')", "Ref<Author>"),
        ("Author.byId('1')!", "Author"),
        ("Author.byId('1')!.name", "Any"),
        ("Author.byId('1')!.id", "ID"),
        ("Author.byId('1')!.ttl", "Time | Null"),
        ("Author.byId('1')!.coll", "AuthorCollection"),
        ("Author.byName('Alice')", "Set<Author>"),
        ("Author.byName('Alice').first()!", "Author"),
        ("Author.all().map(a => a.id)", "Set<ID>"),
        ("Author.all().where(a => a.name == 'Alice').toArray()", "Array<Author>"),
        ("Author.where(a => true)", "Set<Author>"),
        ("Author.firstWhere(a => true)", "Author | Null"),
        ("Author.all().count()", "Number"),
        ("Author.all().pageSize(2)", "Set<Author>"),
        ("Author.create({ name: 'Bob' })", "Author"),
        ("Author.definition", "CollectionDef"),
        ("Author.byId('1')!.delete()", "NullAuthor"),
        ("Collection.byName('Author')", "NamedRef<CollectionDef>"),
        ("Collection.byName('Author')!.name", "String"),
        # TyperCoreSpec "typecheck documents": `Ref<D>` is `D | EmptyRef<D>`, a field both have their union.
        ("Author.byId('1').id", "ID"),
        ("Author.byId('1').coll", "Any | AuthorCollection"),
        ("Author.byId('1').exists()", "Boolean"),
        ("Collection.byName('Author').name", "String"),
    ],
)
def test_user_collection_types(authors, query, shown):
    assert type_of(authors, query) == shown


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # A set's and an event source's members are those core's environment lists, no more; one missing
        # right after the call that made it is core's MissingField at the name, with no hint.
        ("Author.all().foo", [("Type `Set<Author>` does not have field `foo`", 13, 16)]),
        ("Author.byName('Alice').take(1).bar()", [("Type `Set<Author>` does not have field `bar`", 31, 34)]),
        ("Author.all().toStream().foo", [("Type `EventSource<Author>` does not have field `foo`", 24, 27)]),
    ],
)
def test_a_set_lacks_members_of_no_set(authors, query, expected):
    assert errors_of(authors, query) == expected


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
    assert type_of(db, "x => { foo: 1, bar: 2 }[x]") == "String => 1 | 2 | Null"


def test_implicitly_add_fields(db):
    assert type_of(db, "{ let obj: { a: 3 | Null } = {}; obj.a }") == "3 | Null"


def test_suggest_bang_operator_in_the_right_place(db):
    # The first case: each branch's missing field a cause at the name, with its hints (its rendering:
    # tests/server/test_core_typecheck.py).
    with pytest.raises(QueryCheckError) as failed:
        type_of(db, "(if (true) 3 else null).foo")
    (error,) = failed.value.checks
    assert (error.description, error.span.start, error.span.end) == (
        "Type `3 | Null` is not a subtype of `{ foo: Any, ... }`",
        0,
        23,
    )
    assert [(m, s.start, s.end, [(h[0], h[1].start, h[1].end, *h[2:]) for h in hints]) for m, s, hints in error.causes] == [
        ("Type `Int` does not have field `foo`", 24, 27, [("Type `Int` inferred here", 11, 12)]),
        (
            "Type `Null` does not have field `foo`",
            24,
            27,
            [("Type `Null` inferred here", 18, 22), ("Use the ! or ?. operator to handle the null case", 23, 23, "!")],
        ),
    ]
    # The second case: the hint points at the annotation.
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


def test_type_lambdas(db):
    # TyperCoreSpec "type lambdas" (`1(2)`: test_typechecks_calls_of_what_is_no_function).
    assert type_of(db, "x => 42") == "Any => 42"
    assert type_of(db, "x => x") == "A => A"
    assert type_of(db, "x => if (x) 1 else 2") == "Boolean => 1 | 2"
    assert type_of(db, "(x => x)(42)") == "42"


def test_type_let_polymorphism(db):
    # TyperCoreSpec "type let polymorphism", its first case: a lambda that only passes its parameter
    # along, called twice, each call of its argument's type.
    assert type_of(db, "{ let f = x => x; { a: f(0), b: f(true)} }") == "{ a: 0, b: true }"
    assert type_of(db, "((x, y) => [y, x])(1, 'a')") == '["a", 1]'


def test_type_order_correctly(db):
    # TyperCoreSpec "type order() correctly".
    assert type_of(db, "[{ foo: 3 }, { foo: 4 }].order(.foo)") == "Array<{ foo: 3 | 4 }>"
    assert type_of(db, "[-2, 1].order(v => v * -1)") == "Array<-2 | 1>"


def test_type_nullish_coalescing_operator(db):
    # TyperCoreSpec "type ?? operator": the right operand's type first, then the left one's less Null.
    assert type_of(db, "null ?? 1") == "1"
    assert type_of(db, "1 ?? 2") == "2 | 1"
    assert type_of(db, "1 ?? 'str'") == '"str" | 1'
    assert type_of(db, "null ?? {x: 1}") == "{ x: 1 }"


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        # TyperCoreSpec "?. operator adds null to type in the end" (`'x'?.length` is `Number | Null` with
        # core's stdlib; its `(if (true) null ...)` cases with a branch that runs: the query runs too).
        ("{x: 10}?.x", "10 | Null"),
        ("{x: () => 10}?.x()", "10 | Null"),
        ("{let foo = () => 10; foo?.()}", "10 | Null"),
        ("{let foo = [10]; foo?.[0]}", "10 | Null"),
        ("'x'?.length", "Number | Null"),
        ("(if (false) null else { x: 10 })?.x", "10 | Null"),
        ("(if (true) null else { x: 10 })?.x", "10 | Null"),
        ("{x: {y: 10}}?.x.y", "10 | Null"),
        ("{x: {y: 10}}?.x?.y!", "10"),
        ("{ x: { y: 10 } }.x!?.y", "10 | Null"),
        ("{ x: { y: 10 } }?.x!?.y", "10 | Null"),
        ("{ x: { y: 10 } }?.x.y!", "10"),
        ("{ x: { y: 10 } }?.x!?.y!", "10"),
        # TyperCoreSpec "typecheck ?. with call" (`applyOptional`).
        ("{ foo: null }.foo?.()", "Null"),
        # TyperCoreSpec "remove null from union when bang operator is used" (a branch that runs).
        ("(if (false) null else {x: 10})!", "{ x: 10 }"),
        ("(if (false) null else {x: 10})!.x", "10"),
    ],
)
def test_optional_chains_add_null_at_their_end(db, query, shown):
    assert type_of(db, query) == shown


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        # TyperCoreSpec "type projection" (those without `.bar + .baz`, whose `Int` is its test env's).
        ("({ foo: 1, bar: 2, baz: 3 }) { foo, bar }", "{ foo: 1, bar: 2 }"),
        ("[{ foo: 1, bar: 2, baz: 3 }] { foo, bar }", "Array<{ foo: 1, bar: 2 }>"),
        ("null { foo, bar }", "Null"),
        ("null { qux: .bar + .baz, foo, bar }", "Null"),
    ],
)
def test_type_projection(db, query, shown):
    assert type_of(db, query) == shown


@pytest.mark.parametrize(
    ("query", "at", "hint"),
    [
        ("1 { a }", (4, 5), ("Int", 0, 1)),
        ("'abc' { length, a }", (16, 17), ("String", 0, 5)),
        ("(true) { a }", (9, 10), ("Boolean", 0, 6)),
        ("Math.abs(1) { a }", (14, 15), None),
        ("[1].length { a }", (13, 14), None),
    ],
)
def test_type_projection_of_a_primitive(db, query, at, hint):
    # TyperCoreSpec "type projection" `1 { foo, bar }`: core's constrainProj selects each field of the Int
    # (TyperConstrain's Named case), each a MissingField with the hint at the literal. One alone is the error
    # itself, at the field (TypeConstraintFailure.toTypeError); a stdlib value's type has no span, no hint.
    # (fql ran these unchecked, and answered the value itself.)
    with pytest.raises(QueryCheckError) as failed:
        db.run_with_state(fql.parse(query, "v10"), syntax="v10", typecheck=True)
    (error,) = failed.value.checks
    shown = hint[0] if hint else "Number"
    assert (error.description, error.span.start, error.span.end) == (f"Type `{shown}` does not have field `a`", *at)
    expected = [(f"Type `{shown}` inferred here", hint[1], hint[2])] if hint else []
    assert [(h[0], h[3].start, h[3].end) for h in error.hints] == expected


def test_type_projection_of_a_stdlib_time_or_id(db):
    # As above: a Time, Date or ID a stdlib call makes has no field `a` in its type shape, and no span.
    assert errors_of(db, "Time.now() { year, a }") == [("Type `Time` does not have field `a`", 19, 20)]
    assert errors_of(db, "Date.today() { a }") == [("Type `Date` does not have field `a`", 15, 16)]
    assert errors_of(db, "newId() { a }") == [("Type `ID` does not have field `a`", 10, 11)]
    assert type_of(db, "Time.now() { year }") == "{ year: Number }"
    # A stdlib Set's or Array's elements, each projected (TyperConstrain's `Type.Set` projection case).
    assert errors_of(db, "Set.sequence(1, 2) { a }") == [("Type `Number` does not have field `a`", 21, 22)]
    assert errors_of(db, "'a,b'.split(',') { length, a }") == [("Type `String` does not have field `a`", 27, 28)]


@pytest.mark.parametrize(
    ("query", "shown", "start", "end"),
    [
        # TyperCoreSpec "show type not used as function error": its `[].map(true)` and `[].map(2 == 3)`, on a
        # non-empty array (an empty array literal's methods are not typed: its element is core's Never).
        ("[1].map(true)", "Boolean", 8, 12),
        ("[1].map(2 == 3)", "Boolean", 8, 14),
        ("[1].map('a')", "String", 8, 11),
        ("[1].map((3))", "Int", 8, 11),
        ("Set.sequence(1, 3).map(1)", "Int", 23, 24),
        # A variable its `let` gave a literal: where the literal is (its type keeps its span), or the
        # parentheses the variable is in (core moves its type there).
        ("let x = 1; [1].map(x)", "Int", 8, 9),
        ("let x = (true); [1].where(x)", "Boolean", 8, 14),
        ("let x = 1; [1].map((x))", "Int", 19, 22),
    ],
)
def test_show_type_not_used_as_function_error(db, query, shown, start, end):
    # At the argument, without the hint a call's parentheses get (the function is not called here).
    assert errors_of(db, query) == [(f"Type `{shown}` cannot be used as a function", start, end)]
    with pytest.raises(QueryCheckError) as failed:
        type_of(db, query)
    assert failed.value.checks[0].hints == []


def test_a_struct_literals_field_is_typed_where_its_value_is(db):
    # TyperCoreSpec "type objects & selection": `{ foo: 1 }.foo()` fails at the `1`, the hint at the call.
    with pytest.raises(QueryCheckError) as failed:
        type_of(db, "{ foo: 1 }.foo()")
    (error,) = failed.value.checks
    assert (error.description, error.span.start, error.span.end) == ("Type `Int` cannot be used as a function", 7, 8)
    assert [(m, s.start, s.end) for m, _, _, s, *_ in error.hints] == [("`Int` is used as a function here", 14, 16)]
    # And a missing field of it: core's `inferred here` hint at the value (TypeConstraintFailure.MissingField).
    with pytest.raises(QueryCheckError) as failed:
        type_of(db, "{ a: { b: 1 } }.a.c")
    (error,) = failed.value.checks
    assert (error.description, error.span.start, error.span.end) == ("Type `{ b: 1 }` does not have field `c`", 18, 19)
    assert [(m, s.start, s.end) for m, _, _, s, *_ in error.hints] == [("Type `{ b: 1 }` inferred here", 5, 13)]


@pytest.mark.parametrize(
    ("query", "expected", "causes"),
    [
        # A variable a `let` gave a literal, used where a primitive goes: the failure is where the literal
        # is, outside the use, so core's error is at the use, its value shown as the literal's type, and
        # the failure its cause (TypeConstraintFailure.toTypeError `transitive`; TyperCoreSpec's
        # `let y: String = x; succ(y)`).
        ("let x = 1; !x", ("Type `1` is not a subtype of `Boolean`", 12, 13), [("Type `Int` is not a subtype of `Boolean`", 8, 9)]),
        ("let x = null; true || x", ("Type `Null` is not a subtype of `Boolean`", 22, 23), [("Type `Null` is not a subtype of `Boolean`", 8, 12)]),
        ("let x = 'a'; if (x) 1 else 2", ('Type `"a"` is not a subtype of `Boolean`', 17, 18), [("Type `String` is not a subtype of `Boolean`", 8, 11)]),
        ("let x = 'a'; Math.abs(x)", ('Type `"a"` is not a subtype of `Number`', 22, 23), [("Type `String` is not a subtype of `Number`", 8, 11)]),
        (
            "let x = if (true) true else 1; x && true",
            ("Type `true | 1` is not a subtype of `Boolean`", 31, 32),
            [("Type `Int` is not a subtype of `Boolean`", 28, 29)],
        ),
        # A template's String is typed where it is written (TyperExprs' StrTemplate, `Type.Str(span)`): a
        # variable its `let` gave one fails as a literal's does, the template the cause.
        ('let s = "#{1}"; Math.abs(s)', ("Type `String` is not a subtype of `Number`", 25, 26), [("Type `String` is not a subtype of `Number`", 8, 14)]),
        ('let s = "a#{1}"; !s', ("Type `String` is not a subtype of `Boolean`", 18, 19), [("Type `String` is not a subtype of `Boolean`", 8, 15)]),
        ('let s = ("#{1}"); [1].take(s)', ("Type `String` is not a subtype of `Number`", 27, 28), [("Type `String` is not a subtype of `Number`", 8, 16)]),
        # In parentheses core moves the variable's type to them: the literal's failure is the error there.
        ("let x = 1; !(x)", ("Type `Int` is not a subtype of `Boolean`", 12, 15), []),
        ('let s = "#{1}"; !(s)', ("Type `String` is not a subtype of `Boolean`", 17, 20), []),
        ("let x = 'a'; Math.abs((x))", ("Type `String` is not a subtype of `Number`", 22, 25), []),
    ],
)
def test_a_variable_of_a_literal_used_where_it_does_not_fit(db, query, expected, causes):
    error = only_check(db, query)
    assert (error.description, error.span.start, error.span.end) == expected
    assert [(m, s.start, s.end) for m, s in error.causes] == causes


def test_typecheck_tuples(db):
    # TyperCoreSpec "typecheck tuples", on its test environment's `objectFromEntries` (`Array<[String, A]>
    # => { *: A }`), which is Object.fromEntries' signature (Objects.scala): A learns each pair's value.
    # (`objectFromEntries([])`, `{ *: Never }`, is not modelled: an unlearnt A stays unknown.)
    assert type_of(db, "Object.fromEntries([['hi', 3]])") == "{ *: 3 }"
    assert type_of(db, "Object.fromEntries([['hi', 3], ['hello', 4]])") == "{ *: 3 | 4 }"
    # Not core cases: `{ *: A }` (Object.values, entries, assign) learns A from each field's value, as
    # TyperCoreSpec's `{ a: int, *: int } <: { *: int }` constrains each field against the wildcard.
    assert type_of(db, "Object.values({ a: 0, b: 'x' })") == 'Array<0 | "x">'
    assert type_of(db, "Object.entries({ a: 0 })") == "Array<[String, 0]>"
    assert type_of(db, "Object.assign({ a: 0 }, { b: 1 })") == "{ *: 0 | 1 }"
    assert type_of(db, "Object.values(Object.fromEntries([['hi', 3]]))") == "Array<3>"


def test_typecheck_tuples_pending(db):
    # TyperCoreSpec "typecheck tuples (pending)": core's answer today is the first tuple's arity failure
    # alone (the one error with a cause for each is its pendingUntilFixed wish).
    assert errors_of(db, "Object.fromEntries([['hi'], ['hi']])") == [
        ("Tuple does not contain enough elements. Expected 2, received 1", 20, 26)
    ]


def test_deduplicate_errors(db):
    # TyperCoreSpec "deduplicate errors" (its rendering: tests/server/test_core_typecheck.py).
    with pytest.raises(QueryCheckError) as failed:
        type_of(db, "''.concat(if (true) true else 3)")
    (error,) = failed.value.checks
    assert (error.description, error.span.start, error.span.end) == ("Type `true | 3` is not a subtype of `String`", 10, 31)
    assert [(m, s.start, s.end) for m, s in error.causes] == [
        ("Type `Boolean` is not a subtype of `String`", 20, 24),
        ("Type `Int` is not a subtype of `String`", 30, 31),
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # One branch fails: core's lone failure is the error, where that literal is (TypeConstraintFailure
        # toTypeError: a failure within the argument's span).
        ("''.concat(if (true) 'a' else 3)", [("Type `Int` is not a subtype of `String`", 29, 30)]),
        ("''.concat(if (true) 'a' else (3))", [("Type `Int` is not a subtype of `String`", 29, 32)]),
        # The same literal twice is two values, two causes: the error shows their union.
        ("''.concat(if (true) 3 else 3)", [("Type `3` is not a subtype of `String`", 10, 28)]),
        ("Math.abs(if (true) 1 else if (false) 'x' else true)", [('Type `1 | "x" | true` is not a subtype of `Number`', 9, 50)]),
    ],
)
def test_an_argument_of_several_literals(db, query, expected):
    assert errors_of(db, query) == expected


@pytest.mark.parametrize(
    ("query", "shown", "causes"),
    [
        ('let x: Int = "a"; x', '"a"', [("Type `String` is not a subtype of `Int`", 13, 16)]),
        ("let x: String = 1\nx", "1", [("Type `Int` is not a subtype of `String`", 16, 17)]),
        ("let x: Int = null; x", "Null", [("Type `Null` is not a subtype of `Int`", 13, 17)]),
        ("let x: Int | String = true; x", "true", [("Type `Boolean` is not a subtype of `Int | String`", 22, 26)]),
        (
            "let x: Int = if (true) 'a' else false; x",
            '"a" | false',
            [("Type `String` is not a subtype of `Int`", 23, 26), ("Type `Boolean` is not a subtype of `Int`", 32, 37)],
        ),
        ("let x: Int = if (true) 1 else ('a'); x", '1 | "a"', [("Type `String` is not a subtype of `Int`", 30, 35)]),
    ],
)
def test_a_let_whose_literal_its_annotation_refuses(db, query, shown, causes):
    # Core constrains a let's value to its annotation at the variable's name (TyperExprs.typeLetRhs); each
    # literal fails where it is written, apart from the name, so the error is at the name with a cause each
    # (TypeConstraintFailure.toTypeError's `transitive`), as TyperCoreSpec's `let y: String = x` (whose
    # failure is where `y` is used) and `let b: IntOrStr = a` (its Boolean has no place: at the name alone).
    wanted = query.split(":")[1].split("=")[0].strip()
    error = only_check(db, query)
    assert (error.description, error.span.start, error.span.end) == (f"Type `{shown}` is not a subtype of `{wanted}`", 4, 5)
    assert [(m, s.start, s.end) for m, s in error.causes] == causes


@pytest.mark.parametrize(
    ("query", "shown", "causes"),
    [
        ("let a: Array<Number> = [1, 'a']; a", '[1, "a"]', [("Type `String` is not a subtype of `Number`", 27, 30)]),
        (
            "let a: Array<Int> = [true, 2, null]; a",
            "[true, 2, Null]",
            [("Type `Boolean` is not a subtype of `Int`", 21, 25), ("Type `Null` is not a subtype of `Int`", 30, 34)],
        ),
        ("let a: Array<String> = [(1)]; a", "[1]", [("Type `Int` is not a subtype of `String`", 24, 27)]),
    ],
)
def test_a_let_whose_array_literal_its_array_annotation_refuses(db, query, shown, causes):
    # Core widens the Tup to an Array of a variable each item bounds and constrains that to the annotation's
    # element (TyperConstrain's tuple widening, then Named against Named), so each item that is no element
    # fails where it is written, apart from the name where the let is constrained: the error is at the name,
    # the array shown as written, a cause at each failing item (TypeConstraintFailure.toTypeError).
    wanted = query.split(":")[1].split("=")[0].strip()
    error = only_check(db, query)
    assert (error.description, error.span.start, error.span.end) == (f"Type `{shown}` is not a subtype of `{wanted}`", 4, 5)
    assert [(m, s.start, s.end) for m, s in error.causes] == causes
    # Items that all fit run, and are of the annotation's type.
    assert type_of(db, "let a: Array<Number> = [1, 2.5]; a") == "Array<Number>"


@pytest.mark.parametrize(
    ("query", "start"),
    [
        # An annotation naming no type: core's `Unknown type` at the name (TyperTypeExprs' checkUnboundSkolems:
        # a name written only where a value goes is no generic; TyperCoreSpec "disallow pointless generic
        # params" `let f: Array<xxx> => String = ...`), its value then fitting whatever it stood for.
        ("let x: Foo = 1; x", 7),
        ("let x:Foo? = 1; x", 6),
        ("let x: Int | Foo = 'a'; x", 13),
        ("let x: Foo<Int> = 1; x", 7),
        ("{ let y: Foo = [1]; y }", 9),
    ],
)
def test_a_let_annotation_naming_no_type(db, query, start):
    assert errors_of(db, query) == [("Unknown type `Foo`", start, start + 3)]


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ("let x: string = 'a'; x", None),  # core's warning `Did you mean `String`?`, not an error
        ("let x: MathModule = Math; x", "MathModule"),
        ("let x: Array<Foo> = []; x", None),  # core refuses a value the array does not fit apart: not modelled
        ("let f: Foo => Foo = x => x; f", None),  # a generic: in both polarities
    ],
)
def test_a_let_annotation_left_to_run(db, query, shown):
    assert type_of(db, query) == shown


def test_a_typescript_type_name_is_a_warning():
    # TyperTypeExprs.TSTypeNames: `string` is taken for TypeScript's, warned of, and the query runs.
    db = fql.connect(root_secret="secret")
    out = QueryEndpoint(fmt="simple").body(db, "let x: string = 'a'; x")
    assert out["data"] == "a"
    assert out["summary"] == (
        "warning: Unknown type `string`. Did you mean `String`?\nat *query*:1:8\n  |\n1 | let x: string = 'a'; x\n"
        "  |        ^^^^^^\n  |"
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # TyperConstrain's Lit/Singleton case: NotSameSingleton where the literal is, the lone failure itself.
        ('let x: "a" = "b"; x', ('`"b"` is not the value `"a"`', 13, 16)),
        ("let x: 1 = 2; x", ("`2` is not the value `1`", 11, 12)),
        ('let x: "a" = 1; x', ('`1` is not the value `"a"`', 13, 14)),
        ("let x: 1 = 1.0; x", ("`1.0` is not the value `1`", 11, 14)),
        ('let x: "a" = if (true) "a" else "b"; x', ('`"b"` is not the value `"a"`', 32, 35)),
    ],
)
def test_a_let_literal_its_singleton_annotation_refuses(db, query, expected):
    assert errors_of(db, query) == [expected]


def test_a_let_literal_its_document_annotation_refuses(people):
    # A document type has no alias in core's environment (its missing fields name it): a literal fails it as
    # it fails a primitive, at the name, the literal's failure a cause.
    with pytest.raises(QueryCheckError) as failed:
        type_of(people, "let x: Person = 1; x")
    (error,) = failed.value.checks
    assert (error.description, error.span.start, error.span.end) == ("Type `1` is not a subtype of `Person`", 4, 5)
    assert [(m, s.start, s.end) for m, s in error.causes] == [("Type `Int` is not a subtype of `Person`", 16, 17)]


def test_a_let_struct_its_struct_annotation_refuses(db):
    # TyperConstrain's Records case: an extra or missing field fails at the use's span, the annotation; a lone
    # one is the error (a missing one hinted at the struct: TypeConstraintFailure.toError's MissingField),
    # several one NotSubtype at the variable's name, each a cause at the annotation.
    assert errors_of(db, "let x: { a: Int } = { a: 1, b: 2 }; x") == [("Type `{ a: 1, b: 2 }` contains extra field `b`", 7, 17)]
    with pytest.raises(QueryCheckError) as failed:
        type_of(db, "let x: { a: Int } = {}; x")
    (error,) = failed.value.checks
    assert (error.description, error.span.start, error.span.end) == ("Type `{}` does not have field `a`", 7, 17)
    assert [(m, s.start, s.end) for m, _, _, s, *_ in error.hints] == [("Type `{}` inferred here", 20, 22)]
    with pytest.raises(QueryCheckError) as failed:
        type_of(db, "let x: { a: Int, b: String } = { c: 1 }; x")
    (error,) = failed.value.checks
    assert (error.description, error.span.start, error.span.end) == ("Type `{ c: 1 }` is not a subtype of `{ a: Int, b: String }`", 4, 5)
    assert [(m, s.start, s.end) for m, s, *_ in error.causes] == [
        ("Type `{ c: 1 }` contains extra field `c`", 7, 28),
        ("Type `{ c: 1 }` does not have field `a`", 7, 28),
        ("Type `{ c: 1 }` does not have field `b`", 7, 28),
    ]
    assert type_of(db, "let x: { a: Int? } = {}; x") == "{ a: Int | Null }"


def test_a_let_tuple_its_tuple_annotation_refuses(db):
    # TyperConstrain's Tup/Tuple case: another length is its arity failure at the literal, the error itself
    # (as FQL2ObjectSpec's `Object.fromEntries([['a', 0], ['a']])`); else each item constrained to its
    # element, a literal failing where it is written: the struct's error at the name, a cause at each.
    assert errors_of(db, "let x: [Int, String] = [1, 'a', 3]; x") == [("Tuple contains too many elements. Expected 2, received 3", 23, 34)]
    assert errors_of(db, "let x: [Int, String] = [1]; x") == [("Tuple does not contain enough elements. Expected 2, received 1", 23, 26)]
    with pytest.raises(QueryCheckError) as failed:
        type_of(db, "let x: [Int, String] = ['a', 2]; x")
    (error,) = failed.value.checks
    assert (error.description, error.span.start, error.span.end) == ('Type `["a", 2]` is not a subtype of `[Int, String]`', 4, 5)
    assert [(m, s.start, s.end) for m, s in error.causes] == [
        ("Type `String` is not a subtype of `Int`", 24, 27),
        ("Type `Int` is not a subtype of `String`", 29, 30),
    ]
    assert type_of(db, "let x: [Int, String] = [1, 'a']; x") == "[Int, String]"


@pytest.mark.parametrize(
    ("query", "shown", "causes"),
    [
        ("let x: { a: Int } = { a: 'x' }; x", '{ a: "x" }', [("Type `String` is not a subtype of `Int`", 25, 28)]),
        ("let x: { a: Time } = { a: (1) }; x", "{ a: 1 }", [("Type `Int` is not a subtype of `Time`", 26, 29)]),
        (
            "let x: { a: Int, b: String } = { a: 1.5 }; x",
            "{ a: 1.5 }",
            [("Type `{ a: 1.5 }` does not have field `b`", 7, 28), ("Type `Double` is not a subtype of `Int`", 36, 39)],
        ),
    ],
)
def test_a_let_struct_of_a_literal_its_field_refuses(db, query, shown, causes):
    # The field's literal fails where it is written (TyperConstrain's Records case constrains each field's
    # value to its type), outside the variable's name where the `let` is constrained: core's error is the
    # struct's NotSubtype at the name, the literal a cause, with the annotation's own failures if any
    # (TypeConstraintFailure.toTypeError `transitive`). fql ran these.
    error = only_check(db, query)
    wanted = query[len("let x: ") : query.index(" = ")]
    assert (error.description, error.span.start, error.span.end) == (f"Type `{shown}` is not a subtype of `{wanted}`", 4, 5)
    assert [(m, s.start, s.end) for m, s, *_ in error.causes] == causes


def test_a_let_annotation_its_literal_fits(db):
    assert type_of(db, "let x: Number = 1; x") == "Number"
    assert type_of(db, "let x: String? = null; x") == "String | Null"
    assert type_of(db, "let x: Any = '0'; x") == "Any"
    assert type_of(db, "let x: Int | Boolean = if (true) 1 else false; x") == "Int | Boolean"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # A stdlib call's or field's result is typed as its signature writes it, of no span (StdTypes'
        # `Named("Time")`, TypeTag's Number): a misfit fails where the constraint is (TyperConstrain's
        # `value.span.getOrElse(callSite)`), the argument, as TyperCoreSpec's
        # `gimmeAandwildstr(createAandwildint())` fails at the inner call.
        ("Math.abs(newId())", [("Type `ID` is not a subtype of `Number`", 9, 16)]),
        ("'a'.concat(newId())", [("Type `ID` is not a subtype of `String`", 11, 18)]),
        ("Math.abs(Bytes('AQI='))", [("Type `Bytes` is not a subtype of `Number`", 9, 22)]),
        ("Math.abs((Time.now()))", [("Type `Time` is not a subtype of `Number`", 9, 21)]),
        # A `let`'s annotation: the constraint is at the variable's name (TyperExprs.typeLetRhs), so the
        # failure is there, the error itself, with no cause (a literal's has its own place: a cause).
        ("let x: String = Time.now(); x", [("Type `Time` is not a subtype of `String`", 4, 5)]),
        ("let x: Int = 'a'.length; x", [("Type `Number` is not a subtype of `Int`", 4, 5)]),
        ("let x: Long = Math.abs(-1); x", [("Type `Number` is not a subtype of `Long`", 4, 5)]),
        ("let x: String = (Math.PI)\nx", [("Type `Number` is not a subtype of `String`", 4, 5)]),
        ("let x: Date = Time('2023-01-01T00:00:00Z'); x", [("Type `Time` is not a subtype of `Date`", 4, 5)]),
        # A struct's field: the struct is the argument constrained, so the failure is at it (SchemaCollectionSpec
        # "infers the correct setting based on defined fields": `A3.create({ ttl: Time.now() })`).
        ("Key.create({ role: Time.now() })", [("Type `Time` is not a subtype of `String`", 11, 31)]),
        ("Key.create({ role: 'a'.length })", [("Type `Number` is not a subtype of `String`", 11, 31)]),
        ("Key.create({ role: 'admin', data: 'a'.length })", [("Type `Number` is not a subtype of `Null | { *: Any }`", 11, 46)]),
        # A variable a `let` without annotation gave such a result: core's is a fresh copy of the call's
        # variable (TyperUtil freshenV keeps it, and its bounds), its type of no span alike.
        ("let t = Time.now(); Key.create({ role: t })", [("Type `Time` is not a subtype of `String`", 31, 42)]),
        ("let t = Time.now(); let x: String = t; x", [("Type `Time` is not a subtype of `String`", 24, 25)]),
        ("let n = 'a'.length; let m = n; let x: Int = m; x", [("Type `Number` is not a subtype of `Int`", 35, 36)]),
        ("let t = newId(); Math.abs(t)", [("Type `ID` is not a subtype of `Number`", 26, 27)]),
    ],
)
def test_a_stdlib_result_its_use_refuses(db, query, expected):
    assert errors_of(db, query) == expected


def test_an_annotated_variable_in_a_struct_argument(db):
    # The struct's field is typed at the annotation, apart from the struct: the failure there is a cause
    # of the struct's, shown whole (TypeConstraintFailure.toTypeError's `transitive`).
    query = "let t: Time = Time.now(); Key.create({ role: t })"
    error = only_check(db, query)
    wanted = "{ role: String, database: String | Null, ttl: Time | Null, data: { *: Any } | Null }"
    assert (error.description, error.span.start, error.span.end) == (f"Type `{{ role: Time }}` is not a subtype of `{wanted}`", 37, 48)
    assert [(m, s.start, s.end) for m, s in error.causes] == [("Type `Time` is not a subtype of `String`", 7, 11)]


@pytest.mark.parametrize(
    ("query", "annotation"),
    [
        # The variable is typed at its annotation (typeLetRhs' Skolemized signature): the failure is there,
        # outside the argument, so the error at the argument has it as a cause (TyperCoreSpec "type
        # blocks/lets": `let y: String = x; succ(y)`).
        ("let y: String = 'a'; Math.abs(y)", ("String", "Number", 7, 13, 30, 31)),
        ("let y: Time = Time.now(); Math.abs((y))", ("Time", "Number", 7, 11, 35, 38)),
        ("let y: Int = 3; 'a'.concat(y)", ("Int", "String", 7, 10, 27, 28)),
        # A condition or a Boolean operand is constrained where it is (TyperExprs: `pred.span`, `&&`'s
        # `e.span` and `args.head.span`), its failure at the annotation alike.
        ("let b: String = 'a'; if (b) 1 else 2", ("String", "Boolean", 7, 13, 25, 26)),
        ("let b: Int = 1; !b", ("Int", "Boolean", 7, 10, 17, 18)),
        ("let b: Time = Time.now(); (b) || true", ("Time", "Boolean", 7, 11, 26, 29)),
    ],
)
def test_an_annotated_variable_its_use_refuses(db, query, annotation):
    found, wanted, start, end, at, to = annotation
    error = only_check(db, query)
    message = f"Type `{found}` is not a subtype of `{wanted}`"
    assert (error.description, error.span.start, error.span.end) == (message, at, to)
    assert [(m, s.start, s.end) for m, s in error.causes] == [(message, start, end)]


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ("let x: Number = 'a'.length; x", "Number"),
        ("let x: Time = Time.now(); x", "Time"),
        ("let y: Int = 3; Math.abs(y)", "Number"),
        ("let x: Any = Time.now(); x", "Any"),
        ("let x: Time? = Time.now(); x", "Time | Null"),
    ],
)
def test_a_stdlib_result_its_use_takes(db, query, shown):
    assert type_of(db, query) == shown


@pytest.mark.parametrize(
    "query",
    [
        "Key.create({ role: Time.now(), data: 'a'.length })",  # several failures: one, with causes
        "let f: Number => Time = x => Time.now(); Math.abs(f(1))",  # typed where the annotation is
    ],
)
def test_a_stdlib_result_misfit_left_to_run(db, query):
    with pytest.raises(fql.FQLError) as failed:
        type_of(db, query)
    assert not isinstance(failed.value, QueryCheckError)


@pytest.mark.parametrize(
    "query",
    [
        "let x: String | Null = Time.now(); x",  # a union annotation: each member an alternative, not modelled
        "let x: Int = [1].length + 1; x",  # an operator's result: its overloads' alternatives
        "let x: String = [Time.now()].first()!; x",  # a generic's result: its parameter's
    ],
)
def test_a_let_of_a_stdlib_result_left_to_run(db, query):
    # Not checked, so the variable's type is not known (the value runs as it is: fql checks no annotation).
    assert type_of(db, query) is None


def test_literals_python_holds_equal_are_apart(db):
    # `true` and `1` (and `1` and `1.0`) are each their own singleton type in a union.
    assert type_of(db, "if (true) 1 else true") == "1 | true"
    assert type_of(db, "if (true) 1 else if (false) 'x' else true") == '1 | "x" | true'


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
        # Generic signatures, their parameters learnt from the receiver, the arguments and lambdas' results.
        ("[1].length", "Number"),
        ("dbg(1)", "1"),
        ("[1, 2].first()", "1 | 2 | Null"),
        ("['a', 'b'].map(x => x.length)", "Array<Number>"),
        ("[1].concat(['a'])", 'Array<1 | "a">'),
        ("[[1], [2]].flatMap(x => x)", "Array<1 | 2>"),
        ("Set.sequence(0, 3).map(x => x * 2).toArray()", "Array<Number>"),
        ("Set.sequence(0, 3).paginate(2)", "{ data: Array<Number>, after: String | Null }"),
        ("Set.single('a').first()", '"a" | Null'),
        ("[1, 2].includes('a')", "Boolean"),
        ("[{ a: 1 }].map(x => x.a)", "Array<1>"),
        ("[1].map(x => [1].map(y => x))", "Array<Array<1>>"),
        # A parameter used only as a number is one (model FQL2UserFunctionSpec: `x => x + 2`, `x => x * 2`).
        ("x => x + 1", "Number => Number"),
        ("x => 2 * x", "Number => Number"),
        # Overloads of one arity with one result: the call is of it (FQL2IDSpec, `ID(123)` an ID).
        ("Math.sum([1])", "Number"),
        ("ID(123)", "ID"),
        # A float literal shows its source read as a BigDecimal, printed as Java prints one (core's ast
        # Display, `num.toString`; parser Numbers drops the `_`s).
        ("1.5", "1.5"),
        ("2.50", "2.50"),
        ("1_0.0", "10.0"),
        ("1.5e3", "1.5E+3"),
        ("- 2.0", "-2.0"),
        # The parser negates the BigDecimal (Numbers.scala negateLit), which has no negative zero.
        ("-0.0", "0.0"),
        ("[-0.00, -0e5]", "[0.00, 0E+5]"),
        ("-1.0e-3", "-0.0010"),
        # An integer too big for a Long is a Double's value but core's Literal.Int: its BigInt, in decimal.
        ("9223372036854775808", "9223372036854775808"),
        ("0x8000000000000000", "9223372036854775808"),
        ("-0x8000_0000_0000_0001", "-9223372036854775809"),
        ("[0b1111111111111111111111111111111111111111111111111111111111111111]", "[18446744073709551615]"),
        ("[0.0000001, 1]", "[1E-7, 1]"),
        ("{ a: 2.0 }", "{ a: 2.0 }"),
    ],
)
def test_static_types(db, query, shown):
    assert type_of(db, query) == shown


@pytest.mark.parametrize(
    "query",
    [
        "x => Math.abs(x)",  # a parameter's use
        "[1].map",
        "x => x + x",  # core's overloads: `(Number => Number) & (String => String)`, not modelled
        "[1, 2].map(x => x.foo)",  # core's one failure with a cause per item, not modelled
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
        # A native collection's members, and its documents' (core's FQL2DocSpec "native collections don't have
        # them": no `createData`, no `updateData`).
        ("Key.foo", [("Type `KeyCollection` does not have field `foo`", 4, 7)]),
        ("Key.byId('1')!.updateData", [("Type `Key` does not have field `updateData`", 15, 25)]),
        ("Math.abs('a')", [("Type `String` is not a subtype of `Number`", 9, 12)]),
        ("Math.max(1, ('a'))", [("Type `String` is not a subtype of `Number`", 12, 17)]),
        ("Math.abs(null)", [("Type `Null` is not a subtype of `Number`", 9, 13)]),
        ("'a'.concat(2)", [("Type `Int` is not a subtype of `String`", 11, 12)]),
        ("Time.now().add('1', 'day')", [("Type `String` is not a subtype of `Number`", 15, 18)]),
        # Core's overloaded `+` (`((Number, Number) => Number) & ((String, String) => String)`): the first
        # operand after which both overloads failed, with what it failed there (FQL2StringSpec "concatenates
        # any other value").
        ("'foo' + 3", [("Type `Int` is not a subtype of `String`", 8, 9)]),
        ("'foo' + true", [("Type `Boolean` is not a subtype of `String | Number`", 8, 12)]),
        ("'foo' + 2.5", [("Type `Double` is not a subtype of `String`", 8, 11)]),
        ("'foo' + Date('1970-01-01')", [("Type `Date` is not a subtype of `String | Number`", 8, 26)]),
        ("true + 1", [("Type `Boolean` is not a subtype of `String | Number`", 0, 4)]),
        # The same function whatever the left operand: a right operand that is neither fails both overloads
        # there (the String one failed already at a Number on the left, so a String on the right fails the
        # Number one alone: FQL2BasicSpec "renders the error message in the right spot", `2 + "a"`).
        ("1 + true", [("Type `Boolean` is not a subtype of `String | Number`", 4, 8)]),
        ("1 + null", [("Type `Null` is not a subtype of `String | Number`", 4, 8)]),
        ("1.5 + Date('1970-01-01')", [("Type `Date` is not a subtype of `String | Number`", 6, 24)]),
        ("2 + 'a'", [("Type `String` is not a subtype of `Number`", 4, 7)]),
        # An array or struct the query writes fails both overloads where it is (core's generic NotSubtype
        # for a Tup or Rec value, shown as written: TyperConstrain; `'a' + [1]` runs untypechecked, as
        # `'foo' + 3` does).
        ("[1] + 2", [("Type `[1]` is not a subtype of `String | Number`", 0, 3)]),
        ("1 + [1]", [("Type `[1]` is not a subtype of `String | Number`", 4, 7)]),
        ("'a' + [1, 'b']", [('Type `[1, "b"]` is not a subtype of `String | Number`', 6, 14)]),
        ("{ a: 1 } + 1", [("Type `{ a: 1 }` is not a subtype of `String | Number`", 0, 8)]),
        ("'a' + { a: null }", [("Type `{ a: Null }` is not a subtype of `String | Number`", 6, 17)]),
        ("'a' + []", [("Type `[]` is not a subtype of `String | Number`", 6, 8)]),
        ("'a' + [2.0]", [("Type `[2.0]` is not a subtype of `String | Number`", 6, 11)]),
        ("1 + { a: 1.50 }", [("Type `{ a: 1.50 }` is not a subtype of `String | Number`", 4, 15)]),
        # The other number operators: every number type's overload fails at a left operand so written,
        # and each takes a Number on the right (TyperConstrain's generic NotSubtype, as for `+`).
        ("[1] - 1", [("Type `[1]` is not a subtype of `Int | Float | Long | Double | Number`", 0, 3)]),
        ("{ a: 1 } * 2", [("Type `{ a: 1 }` is not a subtype of `Int | Float | Long | Double | Number`", 0, 8)]),
        ("1 - [1]", [("Type `[1]` is not a subtype of `Number`", 4, 7)]),
        ("2 ** [1, 'a']", [('Type `[1, "a"]` is not a subtype of `Number`', 5, 13)]),
        ("5 & { a: 1 }", [("Type `{ a: 1 }` is not a subtype of `Number`", 4, 12)]),
        # `&&` and `||` constrain each operand to a Boolean (TyperExprs' OperatorCall), each failing apart.
        ("[1] && [2]", [("Type `[1]` is not a subtype of `Boolean`", 0, 3), ("Type `[2]` is not a subtype of `Boolean`", 7, 10)]),
        ("true || { a: 1 }", [("Type `{ a: 1 }` is not a subtype of `Boolean`", 8, 16)]),
        ("([]) && true", [("Type `[]` is not a subtype of `Boolean`", 0, 4)]),
        ("![1]", [("Type `[1]` is not a subtype of `Boolean`", 1, 4)]),
        ("-[1]", [("Type `[1]` is not a subtype of `Int | Float | Long | Double | Number`", 1, 4)]),
        ("~{ a: 1 }", [("Type `{ a: 1 }` is not a subtype of `Int | Float | Long | Double | Number`", 1, 9)]),
        ("let x = 'a'; x + 1", [("Type `Int` is not a subtype of `String`", 17, 18)]),
        # TyperCoreSpec "type array lits tuples": an array literal is an Array of its items' union.
        ("[1, 2].foo()", [("Type `Array<1 | 2>` does not have field `foo`", 7, 10)]),
        # A prototype's members are those core's environment lists for it, no more: a missing one right
        # after the call that made the value is core's MissingField with no hint (its type ends where the
        # dot starts).
        ("Time.now().foo", [("Type `Time` does not have field `foo`", 11, 14)]),
        ("Date.today().add(1, 'day').foo", [("Type `Date` does not have field `foo`", 27, 30)]),
        ("Bytes('AA').foo()", [("Type `Bytes` does not have field `foo`", 12, 15)]),
        ("newId().foo", [("Type `ID` does not have field `foo`", 8, 11)]),
        ("[1, 'a'].foo", [('Type `Array<1 | "a">` does not have field `foo`', 9, 12)]),
        # A stdlib field of a primitive type (Arrays.scala `defField("length" -> tt.Number)`, Math.scala `PI`,
        # Time.scala `year`): the signature's Number has no span, so its missing field is at the name with no
        # hint (TypeConstraintFailure.MissingField: `v.span != Span.Null`), and its `[]` is CannotAccess at
        # the brackets, as a stdlib call's result's are. (fql ran these: null, or a run-time error.)
        ("[1].length.foo", [("Type `Number` does not have field `foo`", 11, 14)]),
        ("Math.PI.foo", [("Type `Number` does not have field `foo`", 8, 11)]),
        ("Time.now().year.foo", [("Type `Number` does not have field `foo`", 16, 19)]),
        ("'a'.length[0]", [("Cannot use `[]` operator with type `Number`", 10, 13)]),
        ("Math.PI[0]", [("Cannot use `[]` operator with type `Number`", 7, 10)]),
        # A lambda given the elements of a stdlib call's result of one signature (Sets.scala `sequence: Set<Number>`,
        # Strings.scala `split: Array<String>`): its parameter's type is the signature's, of no span, so a
        # field it lacks is core's MissingField at the name, no hint, the lambda's argument constraint's lone
        # failure within it (TypeConstraintFailure.toTypeError), as a document element's is.
        ("Set.sequence(1, 2).map(x => x.foo)", [("Type `Number` does not have field `foo`", 30, 33)]),
        ("'a,b'.split(',').where(x => x.foo)", [("Type `String` does not have field `foo`", 30, 33)]),
        ("Set.sequence(1, 2).fold(0, (a, x) => x.foo)", [("Type `Number` does not have field `foo`", 39, 42)]),
        # Such an Array or Set (a stdlib call's, of one signature or of its receiver's elements) where a
        # primitive is taken: of no span, so core's NotSubtype is at the argument, the container shown whole
        # (TyperConstrain `value.span.getOrElse(callSite)`, as FQL2IterableSpec's ``Type `Set<Number>` is not
        # a subtype of `Array<Any>` ``).
        ("Math.abs(Set.sequence(1, 2))", [("Type `Set<Number>` is not a subtype of `Number`", 9, 27)]),
        ("Math.abs([1].toSet())", [("Type `Set<1>` is not a subtype of `Number`", 9, 20)]),
        ("'a'.concat('a,b'.split(','))", [("Type `Array<String>` is not a subtype of `String`", 11, 27)]),
        # ... or as a condition or Boolean operand (TyperExprs constrains it to Boolean where it is).
        ("if (Set.sequence(1, 2)) 1", [("Type `Set<Number>` is not a subtype of `Boolean`", 4, 22)]),
        ("!Set.sequence(1, 2)", [("Type `Set<Number>` is not a subtype of `Boolean`", 1, 19)]),
        ("true || [1].toSet()", [("Type `Set<1>` is not a subtype of `Boolean`", 8, 19)]),
        # An array's or set's method of no arguments that gives its elements on (Arrays.scala, Sets.scala
        # `toSet: () => Set<A>`, `reverse`, `toArray`, `distinct`): core's A is the receiver's own element (the
        # Tup's union of its items, as `[1, 2].foo()` above), in a container of the signature's, of no span,
        # so the missing field is at the name with no hint. (fql ran these and failed at run time.)
        ("[1].toSet().foo", [("Type `Set<1>` does not have field `foo`", 12, 15)]),
        ("[1, 2].toSet().foo()", [("Type `Set<1 | 2>` does not have field `foo`", 15, 18)]),
        ("[1, 2].reverse().foo", [("Type `Array<1 | 2>` does not have field `foo`", 17, 20)]),
        ("Set.sequence(1, 3).toArray().foo", [("Type `Array<Number>` does not have field `foo`", 29, 32)]),
        ("[1, 2].toSet().reverse().distinct().foo", [("Type `Set<1 | 2>` does not have field `foo`", 36, 39)]),
        # A literal where a generic container is taken (Arrays.scala `concat(other: Array<B>)`): core's
        # NotSubtype at it, its type widened and the container's parameter shown as Any (FQL2IterableSpec).
        ("[1].concat(1)", [("Type `Int` is not a subtype of `Array<Any>`", 11, 12)]),
        ("[1].concat(null)", [("Type `Null` is not a subtype of `Array<Any>`", 11, 15)]),
        ("[1].concat(2.5)", [("Type `Double` is not a subtype of `Array<Any>`", 11, 14)]),
        ("[1].toSet().concat(('a'))", [("Type `String` is not a subtype of `Set<Any>`", 19, 24)]),
        # A lambda argument whose body is a literal its parameter's result does not take: at the literal
        # (a predicate's `Boolean | Null` shown with Null first, as SchemaCollectionSpec's check constraint).
        ("[1, 2].where(x => 1)", [("Type `Int` is not a subtype of `Null | Boolean`", 18, 19)]),
        ("[1].toSet().any(x => ('a'))", [("Type `String` is not a subtype of `Null | Boolean`", 21, 26)]),
    ],
)
def test_type_errors(db, query, expected):
    assert errors_of(db, query) == expected


_NOT_BOOLEAN = "is not a subtype of `Null | Boolean`"


@pytest.mark.parametrize(
    ("query", "expected", "causes"),
    [
        ("[1].filter(x => x)", ("`1 => Boolean | Null`", 11, 17), [(f"Type `Int` {_NOT_BOOLEAN}", 1, 2)]),
        (
            "['a', true, 'b'].where(x => x)",
            ('`"a" | true | "b" => Boolean | Null`', 23, 29),
            [(f"Type `String` {_NOT_BOOLEAN}", 1, 4), (f"Type `String` {_NOT_BOOLEAN}", 12, 15)],
        ),
        # The same literal twice: one member of the union, a cause at each.
        ("[1, 1].any((x) => x)", ("`1 => Boolean | Null`", 11, 19), [(f"Type `Int` {_NOT_BOOLEAN}", 1, 2), (f"Type `Int` {_NOT_BOOLEAN}", 4, 5)]),
        ("let a = [1.5]; a.every(x => x)", ("`1.5 => Boolean | Null`", 23, 29), [(f"Type `Double` {_NOT_BOOLEAN}", 9, 12)]),
        ("[2].indexWhere(x => x, 0)", ("`2 => Boolean | Null`", 15, 21), [(f"Type `Int` {_NOT_BOOLEAN}", 1, 2)]),
    ],
)
def test_an_identity_predicate_of_literals_that_are_no_booleans(db, query, expected, causes):
    # Each literal of the receiver flows through the lambda into the predicate's `Boolean | Null` and fails at
    # itself, outside the argument: core's error is the lambda's NotSubtype at the argument, a cause at each
    # literal (TypeConstraintFailure.toTypeError `transitive`, as TyperCoreSpec "type operator overloads in
    # lambdas" shows `['a', 'b', 'c'].map(x => 1 + x)`), the lambda `A => A` once its variable's bounds are
    # undone. fql ran these and failed at run time ("expected type: Boolean").
    error = only_check(db, query)
    wanted, start, end = expected
    assert (error.description, error.span.start, error.span.end) == (f"Type `A => A` is not a subtype of {wanted}", start, end)
    assert [(m, s.start, s.end) for m, s in error.causes] == causes


def test_an_identity_predicate_of_booleans_passes(db):
    assert type_of(db, "[true, null].filter(x => x)") == "Array<true | Null>"


@pytest.mark.parametrize(
    ("query", "expected", "hint"),
    [
        ("[1].map(x => x.foo)", ("Type `Int` does not have field `foo`", 15, 18), (1, 2)),
        ("['a'].where(x => x.foo)", ("Type `String` does not have field `foo`", 19, 22), (1, 4)),
        ("[true].forEach(x => x.foo)", ("Type `Boolean` does not have field `foo`", 22, 25), (1, 5)),
        ("[1.5].map(.foo)", ("Type `Double` does not have field `foo`", 11, 14), (1, 4)),
        ("[(1)].every(x => x.foo)", ("Type `Int` does not have field `foo`", 19, 22), (1, 4)),
        # A let's array: its generalized Tup keeps the literal's place, as a let's literal does (TyperCoreSpec
        # "suggest bang operator in the right place").
        ("let a = [1]; a.map(x => x.foo)", ("Type `Int` does not have field `foo`", 26, 29), (9, 10)),
    ],
)
def test_a_lambda_reads_a_field_its_literal_element_lacks(db, query, expected, hint):
    # Core widens the receiver's Tup to an Array of a variable bounded by its literal, which keeps its span
    # (TyperConstrain's tuple widening); the lambda's parameter meets it in the argument's constrain call, so
    # the field the literal's type lacks is that call's lone failure, within the argument: the error itself,
    # at the field, hinted at the literal (TypeConstraintFailure.toError's MissingField).
    error = only_check(db, query)
    assert (error.description, error.span.start, error.span.end) == expected
    shown = expected[0].split("`")[1]
    assert [(m, s.start, s.end) for m, _, _, s, *_ in error.hints] == [(f"Type `{shown}` inferred here", *hint)]


@pytest.mark.parametrize(
    "query",
    [
        "let m = Math; m.foo",  # core's hint for a module from elsewhere: not modelled
        "Math.abs(('a') + 'b')",  # fql's span of the argument starts inside its parentheses
        "Set.paginate(1)",  # a union parameter (`String | SetCursor`): its alternatives, not modelled
        "Set.sequence(0, 10).order(5)",  # a rest parameter's union of orderings: not modelled
        "[1, 2, 3, 4, 5].filter(x => x)",  # five lower bounds: core's hash set, shown in its order
        "[1].filter(x => (x))",  # core types `(x)` anew at its parentheses: not modelled
        "let a: Array<Number | String> = [true]; a",  # a union element: its alternatives' order, not modelled
        "let a = [1]; (a).map(x => x.foo)",  # core types `(a)` anew at its parentheses: not modelled
        "(2 + 3)[0]",  # an operator's result: each of its overloads' would fail, worded otherwise
        "1?.[0]",
        "null()",  # calling null: core's wording is not known
        "let s = { f: 1 }; s.f()",  # a struct's field read through a variable keeps no origin
        "let t = Time.now(); t.foo",  # core's hint for a value from elsewhere: not modelled
        "[1].map(x => x).toSet().foo",  # a lambda's result: shown as core's simplifier shows it, not modelled
        "let a = [1]; a.toSet().foo",  # an array from elsewhere: not modelled
        "(if (true) 'a' else 'b').length()",  # a union's members each fail: core's causes, not modelled
        "'a'.length?.()",
        "Math.abs([1].map(x => x))",  # a lambda's result: shown as core's simplifier shows it, not modelled
        "1 { a, b }",  # two failures: core's one with causes, shown with the projector's `.{ ... }` type
        "1.5 { a }",
        "let x = 1; x { a }",  # core's hint for a value from elsewhere: not modelled
        "(Math.abs(1))()",  # where core places a parenthesized call's type: not modelled
        "[1, 2].map(x => x.foo)",  # the items' elements: one failure each, core's one error with causes
        "[1].map(x => (x).foo)",  # core types `(x)` anew at its parentheses: where its hint goes, not modelled
        "Set.sequence(1, 2).map(x => x.foo + x.bar)",  # two failures in one constraint: core's causes
        "(Set.sequence(1, 2)).map(x => x.foo)",
        "([1].length).foo",  # where core places a parenthesized field's type: not modelled
        "let n = 'a'.length; n.foo",  # core's hint for a value from elsewhere: not modelled
        "let a = [1, 2]; a.foo",  # core's hint for an array from elsewhere: not modelled
        "let x = Math.abs(1); x.foo",
        "null.toString()",
        "x => x.foo + 1",
        "(if (true) { a: 1 } else { a: 2 }).b",  # core reports each branch's failure as a cause
        "{ f: x => x }.g",
        "1 + (if (true) 'a' else 2)",
        "'a' + (if (true) 'a' else 2)",  # a union's overloads (core's conjoined alternatives): not modelled
        "let s = 'foo'; s / 2",  # core's hint for an operand from elsewhere: not modelled
        "[1] < 2",  # comparisons take Any (Typer.HardcodedOps): not an error in core either
        "{ a: 1 } == [1]",
        "let x = [1]; x - 1",  # an array from elsewhere: shown as core displays its type, not modelled
    ],
)
def test_no_error_where_the_checker_is_unsure(db, query):
    try:
        db.run_with_state(fql.parse(query, "v10"), syntax="v10", typecheck=True)
    except fql.FQLError as err:
        assert not isinstance(err, QueryCheckError), err.description


# -- A value that may be null by a stdlib signature, where a function or operator takes the plain type.
# Core checks each member of a union against the use; the signature's Null has no span of its own, so its
# failure is placed where the value is used, the argument (TyperConstrain: `value.span.getOrElse(callSite)`;
# TypeConstraintFailure.toTypeError: a lone failure at the use's span is the error itself). The case of
# TyperCoreSpec "type Any with other error" (`cause: Type `Null` is not a subtype of `Int``, at the argument,
# for a `?.` chain's Null) and FQL2ObjectSpec 'disallows null docs' (a null document, at the argument) show it.


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Math.abs('foo'.indexOf('bar'))", [("Type `Null` is not a subtype of `Number`", 9, 29)]),
        ("[1].take('2'.parseLong())", [("Type `Null` is not a subtype of `Number`", 9, 24)]),
        ("'a'.concat(['b'].first())", [("Type `Null` is not a subtype of `String`", 11, 24)]),
        ("'a'.concat(['b'].last())", [("Type `Null` is not a subtype of `String`", 11, 23)]),
        ("Math.abs([1, 2].reduce((a, b) => a + b))", [("Type `Null` is not a subtype of `Number`", 9, 39)]),
        # Through a variable: the failure is at the variable, where the value is used.
        ("let x = 'foo'.indexOf('bar'); Math.abs(x)", [("Type `Null` is not a subtype of `Number`", 39, 40)]),
        ("Math.abs(('foo'.indexOf('bar')))", [("Type `Null` is not a subtype of `Number`", 9, 31)]),
        ("1 - 'foo'.indexOf('bar')", [("Type `Null` is not a subtype of `Number`", 4, 24)]),
        ("if ([true].first()) 1", [("Type `Null` is not a subtype of `Boolean`", 4, 18)]),
        ("![true].first()", [("Type `Null` is not a subtype of `Boolean`", 1, 15)]),
        ("[true].first() && true", [("Type `Null` is not a subtype of `Boolean`", 0, 14)]),
        ("true || [true].first()", [("Type `Null` is not a subtype of `Boolean`", 8, 22)]),
        # A struct that may be null where any struct goes (`{ *: Any }`).
        ("Object.entries([{ a: 1 }].first())", [("Type `Null` is not a subtype of `{ *: Any }`", 15, 33)]),
        ("Object.assign({}, [{ a: 1 }].first())", [("Type `Null` is not a subtype of `{ *: Any }`", 18, 36)]),
        # A `?.` chain's Null (core's MethodChain adds one of no span), given as it is: TyperCoreSpec "type Any
        # with other error" (its `a?.foo` of `if (true) { foo: anyval } else null`, there through a `let` into
        # an array literal, fails so: `cause: Type `Null` is not a subtype of `Int``, at the argument).
        (
            "let a = if (true) { foo: 1 } else null; Math.abs(a?.foo)",
            [("Type `Null` is not a subtype of `Number`", 49, 55)],
        ),
        ("'a'.concat({ a: 'x' }?.a)", [("Type `Null` is not a subtype of `String`", 11, 24)]),
        ("if ({ a: true }?.a) 1", [("Type `Null` is not a subtype of `Boolean`", 4, 18)]),
        ("Object.values({ a: { b: 1 } }?.a)", [("Type `Null` is not a subtype of `{ *: Any }`", 14, 32)]),
    ],
)
def test_a_value_null_by_its_signature_is_refused(db, query, expected):
    assert errors_of(db, query) == expected


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ("'a'.concat(['b'].first() ?? 'c')", "String"),
        ("'a'.concat(['b'].first()!)", "String"),
        ("Math.abs('foo'.indexOf('bar') ?? 0)", "Number"),
        ("Object.keys([{ a: 1 }].first())", "Array<String>"),  # keys takes Any
        ("'foo'.indexOf('bar') == null", "Boolean"),
        ("Math.abs({ a: 1 }?.a!)", "Number"),
        ("Math.abs({ a: 1 }?.a ?? 0)", "Number"),
    ],
)
def test_a_value_null_by_its_signature_handled(db, query, shown):
    assert type_of(db, query) == shown


@pytest.mark.parametrize(
    "query",
    [
        # A Null with a span of its own (a `null` literal's) fails there too: core's error is then the whole
        # union's, with causes, which the checker words only for a variable its `let` gave literals
        # (tests/server/test_core_typecheck.py test_a_variable_of_literals_fails_at_each_literal).
        "'a'.concat([null, 'b'].first())",
        # Another member fails too, at its own span: the same.
        "'a'.concat([1].first())",
        # A `?.` chain's Null and the call's: two failures, whose grouping is not modelled.
        "'a'.concat(['b']?.first())",
        # A `?.` chain's value through a `let`: the variable keeps no mark of where its Null came from.
        "let a = if (true) { foo: 1 } else null; let x = a?.foo; Math.abs(x)",
        # An operator's overloads with a union operand (Alt's conjoined failures): not modelled.
        "let x = 'foo'.indexOf('bar'); x + 1",
        "'foo'.indexOf('bar') - 1",
        # `+`'s String overload fails on the Number too (core reports an argument's failures at every
        # overload, as for `'foo' + true`), so core's error is the union's.
        "1 + 'foo'.indexOf('bar')",
        "'a' + ['b'].first()",
    ],
)
def test_no_null_error_where_the_checker_is_unsure(db, query):
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


def test_a_computed_field_naming_its_own_collection():
    """A computed field's body may name its own collection: core types it in the database's environment,
    where the collection is (`doc => Q.all().count()` is a Number); fql types the collection there as the
    stdlib alone types its computed fields, so one of them that names another collection is unknown."""
    db = fql.connect()
    db.query("Collection.create({ name: 'P', fields: { age: { signature: 'Int' } } })", syntax="v10")
    db.query(
        "Collection.create({ name: 'Q', computed_fields: { n: { body: 'doc => P.all().count()' },"
        " m: { body: 'doc => Q.all().count()' }, k: { body: 'doc => Math.abs(1)' },"
        " j: { body: 'doc => Q.all().map(d => d.k).first()' }, i: { body: 'doc => Q.all().map(d => d.n).first()' } } })",
        syntax="v10",
    )
    assert type_of(db, "Q.all().map(d => d.n)") == "Set<Number>"
    assert type_of(db, "Q.all().map(d => d.m)") == "Set<Number>"
    assert type_of(db, "Q.all().map(d => d.j)") == "Set<Number | Null>"
    assert type_of(db, "Q.all().map(d => d.i)") is None


@pytest.fixture(scope="module")
def users() -> fql.Database:
    """TyperCoreSpec's own `User` collection (its test environment's): a defined `name: String`."""
    db = fql.connect()
    db.query("Collection.create({ name: 'User', fields: { name: { signature: 'String' } } })", syntax="v10")
    return db


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        # TyperCoreSpec "typecheck documents" (those that run: no document `1234` here, so not its `!` ones).
        ("User.all()", "Set<User>"),
        ("User.create({ name: 'Bob' })", "User"),
        ("User.create({ name: 'Bob' }).exists()", "true"),
        ("User.byId('1234')", "Ref<User>"),
        ("User.byId('1234').coll", "Any | UserCollection"),
        ("User.byId('1234').exists()", "Boolean"),
        ("User.byId('1234') { id }", "{ id: ID } | Null"),
        # "typecheck ?. with call" (its `?.update` is a union with a function: not shown here).
        ("User.byId('1234')?.name", "String | Null"),
        ("User.byId('1234')?.update({})", "User | Null"),
        # "typecheck doc refs", "check Ref aliases".
        ("{ let a: Any = null; let b: Ref<User> = a; let c: User | NullUser = b; c }", "User | NullUser"),
        ("{ let a: Any = null; let b: Ref<User> = a; let c: Ref<User> | Int = b; c }", "Int | Ref<User>"),
        ("{ let a: Ref<User> = null; let b: User | NullUser = a; b }", "User | NullUser"),
    ],
)
def test_typecheck_documents(users, query, shown):
    assert type_of(users, query) == shown


def test_typecheck_documents_errors(users):
    # TyperCoreSpec "typecheck documents": a literal where create takes a struct.
    assert errors_of(users, "User.create(3)") == [("Type `Int` is not a subtype of `{ id: ID | Null, name: String }`", 12, 13)]
    assert errors_of(users, "User.byId('1234').name") == [("Type `Null` does not have field `name`", 18, 22)]
    assert errors_of(users, "User.byId('1234').update({})") == [("Type `Null` does not have field `update`", 18, 24)]


def test_a_document_null_by_its_signature_is_refused(people):
    # As FQL2ObjectSpec 'values' / 'disallows null docs', for a set's first document (`A | Null`).
    expected = [("Type `Null` is not a subtype of `{ *: Any }`", 14, 34)]
    assert errors_of(people, "Object.values(Person.all().first())") == expected
    ran = people.run_with_state(fql.parse("Object.values(Person.all().first()!).includes('Ann')", "v10"), syntax="v10", typecheck=True)
    assert ran[0] is True
    assert errors_of(people, "'a'.concat(Person.all().map(.name).first())") == [
        ("Type `Null` is not a subtype of `String`", 11, 42)
    ]


@pytest.fixture(scope="module")
def people() -> fql.Database:
    """A collection with defined fields and no wildcard (FQL2DefinedFieldsSpec's kind), and a computed field
    without a signature."""
    db = fql.connect()
    db.query(
        "Collection.create({ name: 'Person', fields: { name: { signature: 'String' }, age: { signature: 'Int?' } },"
        " computed_fields: { older: { body: 'p => (p.age ?? 0) + 1' } },"
        " indexes: { byName: { terms: [{ field: '.name' }] } } })",
        syntax="v10",
    )
    db.query("Person.create({ id: '1', name: 'Ann', age: 30 })", syntax="v10")
    return db


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ("Person.byId('1')!.name", "String"),
        ("Person.byId('1')!.age", "Int | Null"),
        ("Person.byId('1')?.name", "String | Null"),
        ("Person.all().map(p => p.name)", "Set<String>"),
        ("Person.byName('Ann')", "Set<Person>"),
        ("Person.byName", "((term1: String) => Set<Person>) & ((term1: String, range: { from: Any } | { to: Any } | "
         "{ from: Any, to: Any }) => Set<Person>)"),
        # FQL2DefinedFieldsSpec "expected type is in the create signature", "update signature shows up".
        ("Person.create", "(data: { id: ID | Null, name: String, age: Number | Null }) => Person"),
        ("Person.createData", "(data: { name: String, age: Number | Null }) => Person"),
        ("Person.byId('1')!.update", "(data: { name: String | Null, age: Number | Null }) => Person"),
        ("Person.byId('1')!.replace", "(data: { name: String, age: Number | Null }) => Person"),
        ("Person.byId('1')! { name, age }", "{ name: String, age: Int | Null }"),
        # A computed field without a signature: its body's type (FQL2ComputedFieldsSpec "should infer computed
        # field types"; `x.foo + 3` is a Number there).
        ("Person.byId('1')!.older", "Number"),
    ],
)
def test_defined_fields_types(people, query, shown):
    assert type_of(people, query) == shown


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # FQL2CacheSpec: a collection's missing member (an index it does not have), at the name.
        ("Person.byEmail", [("Type `PersonCollection` does not have field `byEmail`", 7, 14)]),
        ("Person.byEmail('a')", [("Type `PersonCollection` does not have field `byEmail`", 7, 14)]),
        # A field no defined field, computed field or method of a collection without a wildcard.
        ("Person.byId('1')!.email", [("Type `Person` does not have field `email`", 18, 23)]),
        ("Person.all().first()!.email", [("Type `Person` does not have field `email`", 22, 27)]),
        ("Person.all().take('a')", [("Type `String` is not a subtype of `Number`", 18, 21)]),
        ("Person('1')!.data", [("Type `Person` does not have field `data`", 13, 17)]),
        # A lambda's parameter, of a set's element: the document type flows into it from the set's signature,
        # with no span, within the constraint of the lambda by its parameter, so the lone missing field is the
        # error, at the field, with no hint.
        ("Person.all().map(p => p.email)", [("Type `Person` does not have field `email`", 24, 29)]),
        ("Person.all().where(.email == 'a')", [("Type `Person` does not have field `email`", 20, 25)]),
        # TyperCoreSpec "typecheck documents": a reference's field without `!` is its document's or its
        # empty reference's (an alias of Null), which has no data fields nor document methods.
        ("Person.byId('1').name", [("Type `Null` does not have field `name`", 17, 21)]),
        ("Person.byId('1').update({})", [("Type `Null` does not have field `update`", 17, 23)]),
    ],
)
def test_collection_type_errors(people, query, expected):
    assert errors_of(people, query) == expected


@pytest.mark.parametrize(
    "query",
    [
        "Person.byId('1').email",  # a field neither member of `Person | EmptyRef<Person>` has: core's causes
        "let r = Person.byId('1'); r.name",  # core's hint for a reference from elsewhere: not modelled
        "let p = Person.byId('1')!; p.email",  # core's hint for a value from elsewhere: not modelled
        "Person.byId('1')!.toString()",
        "Person.byId('1')!.older.foo",
        "Person.all().where(p => p.age > 1).toArray().count",
        "Person.all().first().email",
        # A defined field that may be null (`age: Int?`): its Null is the schema's, with a span there, so
        # core's error is the union's with a cause, which the checker does not word.
        "Math.abs(Person.byId('1')!.age)",
        "let p = Person.byId('1')!; 2 * p.age",
    ],
)
def test_no_collection_error_where_the_checker_is_unsure(people, query):
    try:
        db_run = people.run_with_state(fql.parse(query, "v10"), syntax="v10", typecheck=True)
    except fql.FQLError as err:
        assert not isinstance(err, QueryCheckError), err.description
    else:
        assert db_run is not None


def test_a_check_follows_the_schema():
    """The kept outcome of a check that named a collection holds for its database's schema as it was."""
    db = fql.connect()
    db.query("Collection.create({ name: 'Thing', fields: { a: { signature: 'Int' } } })", syntax="v10")
    assert errors_of(db, "Thing.all().first()!.b") == [("Type `Thing` does not have field `b`", 21, 22)]
    db.query("Collection.byName('Thing')!.update({ fields: { a: { signature: 'Int' }, b: { signature: 'String?' } } })", syntax="v10")
    assert type_of(db, "Thing.all().first()?.b") == "String | Null"
    other = fql.connect()
    with pytest.raises(QueryCheckError, match="Unbound variable `Thing`"):
        type_of(other, "Thing.all().first()?.b")  # no such collection there (found as the query runs)
    other.query("Collection.create({ name: 'Thing' })", syntax="v10")
    assert type_of(other, "Thing.all().first()") == "Thing | Null"
    assert type_of(db, "Thing.all().first()?.b") == "String | Null"


@pytest.fixture(scope="module")
def foos() -> fql.Database:
    """FQL2DefinedFieldsSpec's collections: `Foo` with a defined field, `W` with a wildcard too, and
    FQL2CollectionSpec's `User` with an object field."""
    db = fql.connect()
    db.query("Collection.create({ name: 'Foo', fields: { my_field: { signature: 'Number' } } })", syntax="v10")
    db.query("Collection.create({ name: 'W', wildcard: 'Any', fields: { my_field: { signature: 'Number' } } })", syntax="v10")
    db.query("Collection.create({ name: 'User', fields: { a: { signature: '{ foo: Int = 3, bar: String }' } } })", syntax="v10")
    return db


def test_wildcard_shows_up_when_typechecking_doc(foos):
    assert type_of(foos, "W.create({ my_field: 5 }) { my_field, foo }") == "{ my_field: Number, foo: Any }"
    foos.query("W.create({ id: '0', my_field: 5 })", syntax="v10")
    assert type_of(foos, "W.byId(0)!.foo") == "Any"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # FQL2DefinedFieldsSpec "expected type is in the create signature", "replace/replaceData signature".
        ("Foo.create({})", [("Type `{}` does not have field `my_field`", 11, 13)]),
        ("Foo.create({ my_field: 'hi' })", [("Type `String` is not a subtype of `Number`", 23, 27)]),
        ("Foo.create({ my_field: 3 }).replace({})", [("Type `{}` does not have field `my_field`", 36, 38)]),
        ("Foo.create({ my_field: 3 }).replaceData({})", [("Type `{}` does not have field `my_field`", 40, 42)]),
        # FQL2CollectionSpec: an object field with a required field is required.
        ("User.create({})", [("Type `{}` does not have field `a`", 12, 14)]),
        # FQL2DefinedFieldsSpec "update signature shows up", "updateData signature shows up": an optional
        # field shows `Null` first, as core shows it.
        ("Foo.create({ my_field: 3 }).update({ my_field: 'hi' })", [("Type `String` is not a subtype of `Null | Number`", 47, 51)]),
        ("Foo.create({ my_field: 3 }).updateData({ my_field: 'hi' })", [("Type `String` is not a subtype of `Null | Number`", 51, 55)]),
        # FQL2CollectionsSpec, FQL2UserFunctionSpec "only accepts objects for `data` field (typechecked)".
        ("Collection.create({ name: 'Thing', data: 'foobar' })", [("Type `String` is not a subtype of `Null | { *: Any }`", 41, 49)]),
        ("Function.create({ name: 'F', body: 'x => x', data: 'foobar' })", [("Type `String` is not a subtype of `Null | { *: Any }`", 51, 59)]),
    ],
)
def test_create_arguments_are_typechecked(foos, query, expected):
    assert errors_of(foos, query) == expected


@pytest.mark.parametrize(
    "query",
    [
        "Foo.create({ my_field: 3 }).update({})",  # every field optional
        "Foo.create({ my_field: 1 + 2 })",
        "Foo.createData({ my_field: 1 })",
        "W.create({ my_field: 1, other: 'x' })",  # the wildcard takes it
    ],
)
def test_create_arguments_that_fit(foos, query):
    assert type_of(foos, query) in ("Foo", "W")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # An extra field of a closed struct is core's ExtraField, at the struct (FQL2TokenSpec, FQL2KeySpec).
        # With a required field missing too, core words the two failures as one NotSubtype with them as
        # causes (SchemaCollectionSpec "infers the correct setting based on defined fields").
        ("Foo.create({ other: 1 })", [("Type `{ other: 1 }` is not a subtype of `{ id: ID | Null, my_field: Number }`", 11, 23)]),
        ("Foo.create({ my_field: 1, other: 'x' })", [('Type `{ my_field: 1, other: "x" }` contains extra field `other`', 11, 38)]),
    ],
)
def test_an_extra_create_field_is_refused(foos, query, expected):
    assert errors_of(foos, query) == expected


@pytest.mark.parametrize(
    ("query", "shown", "causes"),
    [
        # Several failures of one struct are one NotSubtype at it, each a cause there, sorted by message
        # (TypeConstraintFailure.toTypeError's `transitive`): fields missing, extra fields, or both.
        ("User.create({})", "{}", ["Type `{}` does not have field `a`", "Type `{}` does not have field `b`"]),
        (
            "User.create({ a: 1, b: 2, c: 3, d: 4 })",
            "{ a: 1, b: 2, c: 3, d: 4 }",
            ["Type `{ a: 1, b: 2, c: 3, d: 4 }` contains extra field `c`", "Type `{ a: 1, b: 2, c: 3, d: 4 }` contains extra field `d`"],
        ),
        (
            "User.create({ c: 1 })",
            "{ c: 1 }",
            [
                "Type `{ c: 1 }` contains extra field `c`",
                "Type `{ c: 1 }` does not have field `a`",
                "Type `{ c: 1 }` does not have field `b`",
            ],
        ),
    ],
)
def test_a_create_struct_with_several_failures(query, shown, causes):
    db = fql.connect()
    db.query("Collection.create({ name: 'User', fields: { b: { signature: 'Int' }, a: { signature: 'String' } } })", syntax="v10")
    error = only_check(db, query)
    wanted = "{ id: ID | Null, b: Number, a: String }"
    assert (error.description, error.span.start, error.span.end) == (f"Type `{shown}` is not a subtype of `{wanted}`", 12, len(query) - 1)
    assert [(m, s.start, s.end) for m, s in error.causes] == [(cause, 12, len(query) - 1) for cause in causes]


_KEY_CREATE = "{ role: String, database: String | Null, ttl: Time | Null, data: { *: Any } | Null }"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # KeyCompanion.docCreateType's and TokenCompanion's `ttl: Type.Optional(Time)`: a scalar is refused at
        # itself, shown with Null first as an optional primitive field is.
        ('Key.create({ role: "admin", ttl: 5 })', [("Type `Int` is not a subtype of `Null | Time`", 33, 34)]),
        ('Key.create({ role: "admin", ttl: { x: 1 } })', [("Type `{ x: 1 }` is not a subtype of `Null | Time`", 33, 41)]),
        ('Token.create({ document: null, ttl: "x" })', [("Type `String` is not a subtype of `Null | Time`", 36, 39)]),
    ],
)
def test_a_native_create_refuses_a_ttl_of_no_time(db, query, expected):
    assert errors_of(db, query) == expected


@pytest.mark.parametrize(
    ("query", "causes"),
    [
        ("Key.create({ role: 1, ttl: 5 })", [("Type `Int` is not a subtype of `String`", 19, 20), ("Type `Int` is not a subtype of `Null | Time`", 27, 28)]),
        # A field missing besides: its cause is at the struct, so first.
        ("Key.create({ database: 5 })", [("Type `{ database: 5 }` does not have field `role`", 11, 26), ("Type `Int` is not a subtype of `Null | String`", 23, 24)]),
    ],
)
def test_a_create_struct_with_several_misfit_values(db, query, causes):
    # Each field's value is constrained in the argument's one constrain call: several failures are core's
    # one NotSubtype of the struct at it, each failure a cause where it is (TypeConstraintFailure.toTypeError
    # `transitive`); fql reported each as an error of its own, or only the values' when a field was missing.
    error = only_check(db, query)
    shown = query[len("Key.create(") : -1]
    expected = (f"Type `{shown}` is not a subtype of `{_KEY_CREATE}`", 11, len(query) - 1)
    assert (error.description, error.span.start, error.span.end) == expected
    assert [(m, s.start, s.end) for m, s in error.causes] == causes


_FIELDS = (
    "Collection.create({ name: 'F', fields: { u: { signature: 'String | Int' }, i: { signature: 'Int' },"
    " s: { signature: '{ x: Int, y: String? }' } } })"
)
_F_CREATE = "{ id: ID | Null, u: String | Number, i: Number, s: { x: Number, y: String | Null } }"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # A value of neither member of a union (`String | Int`, its Int a Number in the argument: core's
        # CollectionTypeInfo.upcastNumericParam), the members shown as declared (TyperCoreSpec's
        # `let b: Int | String = a`).
        ("F.create({ u: true, i: 1, s: { x: 1 } })", ("Type `Boolean` is not a subtype of `String | Number`", 14, 18)),
        ("F.create({ u: { o: 1 }, i: 1, s: { x: 1 } })", ("Type `{ o: 1 }` is not a subtype of `String | Number`", 14, 22)),
        # A struct for a scalar, shown as written (FQL2CollectionSpec's `data: { a: 0, b: 1 }` for Null).
        ("F.create({ u: 'a', i: { o: 1 }, s: { x: 1 } })", ("Type `{ o: 1 }` is not a subtype of `Number`", 22, 30)),
        # A scalar for a struct: its primary type against the struct type.
        ("F.create({ u: 'a', i: 1, s: 5 })", ("Type `Int` is not a subtype of `{ x: Number, y: String | Null }`", 28, 29)),
    ],
)
def test_a_create_field_of_a_union_or_struct_type_given_another(query, expected):
    # fql's typer let these through, and its document check refused them (constraint_failure).
    db = fql.connect()
    db.query(_FIELDS, syntax="v10")
    assert errors_of(db, query) == [expected]


def test_a_create_field_of_any_number_type_takes_every_number():
    # A field's Int, Double or Number is Number in the argument (CollectionTypeInfo.upcastNumericParam):
    # `1.5` for `Int` passes the typer (Type.isValueOf), and the document's check refuses it.
    db = fql.connect()
    db.query(_FIELDS, syntax="v10")
    assert type_of(db, "F.create") == f"(data: {_F_CREATE}) => F"
    error = query_v10_error(db, "F.create({ u: 'a', i: 1.5, s: { x: 1 } })")
    assert error.v10_code == "constraint_failure"


def test_several_misfits_of_union_and_struct_fields_are_one_error():
    db = fql.connect()
    db.query(_FIELDS, syntax="v10")
    query = "F.create({ u: true, i: { o: 1 }, s: 'x' })"
    with pytest.raises(QueryCheckError) as failed:
        type_of(db, query)
    (error,) = failed.value.checks
    assert (error.description, error.span.start, error.span.end) == (
        f"Type `{{ u: true, i: {{ o: 1 }}, s: \"x\" }}` is not a subtype of `{_F_CREATE}`", 9, 41
    )
    assert [(m, s.start, s.end) for m, s in error.causes] == [
        ("Type `Boolean` is not a subtype of `String | Number`", 14, 18),
        ("Type `{ o: 1 }` is not a subtype of `Number`", 23, 31),
        ("Type `String` is not a subtype of `{ x: Number, y: String | Null }`", 36, 39),
    ]


def test_user_functions_with_a_signature():
    """A user function with a declared signature, in a typechecked database, is `UserFunction<sig>`, its
    parameters named as its body names them (FQL2UserFunctionSpec, the environment endpoint), and a call
    of it is its result (FQL2TypecheckSpec "udf": no hint at a call's result); without one core infers
    its type from its body (FQL2SchemaEnvSpec's `TimesTwo`: `UserFunction<Number => Number>`)."""
    db = fql.connect()
    db.query("Function.create({ name: 'Twice', signature: '(x: Number) => Number', body: '(n) => n * 2' })", syntax="v10")
    db.query("Function.create({ name: 'AddOne', body: 'x => x + 1' })", syntax="v10")
    assert type_of(db, "Twice") == "UserFunction<(n: Number) => Number>"
    assert type_of(db, "Twice(2)") == "Number"
    assert type_of(db, "Twice.definition") == "FunctionDef"
    assert errors_of(db, "Twice(2).foo") == [("Type `Number` does not have field `foo`", 9, 12)]
    assert errors_of(db, "Twice('a')") == [("Type `String` is not a subtype of `Number`", 6, 9)]
    assert type_of(db, "AddOne") == "UserFunction<Number => Number>"
    assert type_of(db, "AddOne(2)") == "Number"
    # A user function's members are UserFunctionPrototype's (`definition`, `toString`): another is core's
    # MissingField at its name, the function right before the dot (no hint).
    assert errors_of(db, "Twice.foo") == [("Type `UserFunction<(n: Number) => Number>` does not have field `foo`", 6, 9)]
    assert errors_of(db, "(AddOne).foo()") == [("Type `UserFunction<Number => Number>` does not have field `foo`", 9, 12)]
    assert type_of(db, "Twice.toString()") == "String"


def test_a_function_giving_back_a_parameter_its_signature_refuses():
    # Core types a function with a signature by constraining its lambda, which spans the whole item, by the
    # signature: the parameter's type keeps where the signature writes it, so the lone misfit is at that type
    # (TyperEnv.typeValDefs, Typer.typeAnnotatedExpr; SchemaItemConverter: the function's span).
    db = fql.connect()
    with pytest.raises(SchemaError) as failed:
        db.push_schema({"main.fsl": "function f(x: Int): String { x }"})
    assert str(failed.value) == (
        "error: Type `Int` is not a subtype of `String`\nat main.fsl:1:15\n  |\n1 | function f(x: Int): String { x }\n"
        "  |               ^^^\n  |"
    )
    db.push_schema({"main.fsl": "function f(x: Int): Number { x }"})
    assert type_of(db, "f") == "UserFunction<(x: Int) => Number>"


def test_internal_signatures_are_added():
    """FQL2UserFunctionSpec "internal signatures are added (via post-eval hook)", once the database is
    typechecked: a function inferred generic from its body is shown so (`UserFunction<A => A>`), and a call
    of it with the wrong number of arguments fails the check (core's InvalidArity, at the parentheses)."""
    db = fql.connect()
    db.query("Function.create({ name: 'aFn', body: 'x => x' })", syntax="v10")
    assert type_of(db, "aFn") == "UserFunction<A => A>"
    assert errors_of(db, "aFn()") == [("Function was not called with enough arguments. Expected 1, received 0", 3, 5)]
    assert errors_of(db, "aFn(3, 4)") == [("Function was called with too many arguments. Expected 1, received 2", 3, 9)]
    assert type_of(db, "aFn.definition") == "FunctionDef"
    assert errors_of(db, "aFn.foo") == [("Type `UserFunction<A => A>` does not have field `foo`", 4, 7)]
    db.query("Function.create({ name: 'swap', body: '(x, y) => [y, x]' })", syntax="v10")
    assert type_of(db, "swap") == "UserFunction<(A, B) => [B, A]>"


@pytest.mark.parametrize(
    ("query", "expected", "start", "end"),
    [
        # TyperCoreSpec "report user-friendly arity mismatch errors" (its `succ(1, 2)`, `succ()`), with
        # core's stdlib; FQL2LoggingSpec "dbg() works" (`dbg(3, 4)`).
        ("Math.abs(1, 2)", "called with too many arguments. Expected 1, received 2", 8, 14),
        ("Math.abs()", "not called with enough arguments. Expected 1, received 0", 8, 10),
        ("dbg(3, 4)", "called with too many arguments. Expected 1, received 2", 3, 9),
        ("(x => x)()", "not called with enough arguments. Expected 1, received 0", 8, 10),
        ("Time.now().add(1)", "not called with enough arguments. Expected 2, received 1", 14, 17),
    ],
)
def test_report_user_friendly_arity_mismatch_errors(db, query, expected, start, end):
    assert errors_of(db, query) == [(f"Function was {expected}", start, end)]


def test_user_functions_in_a_database_not_typechecked():
    """There core's function is `UserFunction<Any>` (FQL2UserFunctionSpec): nothing is checked against its
    signature, also when the query is typechecked (X-Typecheck), and the setting's change is seen."""
    db = fql.connect()
    db.query("Database.create({ name: 'loose', typechecked: false })", syntax="v10")
    secret = db.query("Key.create({ role: 'admin', database: 'loose' }).secret", syntax="v10")
    child = fql.parse("Twice('a')", "v10")

    def check():
        return db.run_with_state(child, secret=secret, syntax="v10", typecheck=True)

    db.query("Function.create({ name: 'Twice', signature: '(x: Number) => Number', body: '(n) => n' })", secret=secret, syntax="v10")
    assert check()[0] == "a"
    db.query("Database.byName('loose')!.update({ typechecked: true })", syntax="v10")
    with pytest.raises(QueryCheckError):
        check()
    db.query("Database.byName('loose')!.update({ typechecked: false })", syntax="v10")
    assert check()[0] == "a"


def test_a_cache_miss_reads_the_schema_version_once(monkeypatch):
    """A check that read the schema is kept by its schema's version: on a miss (the schema changed) that
    version is read once, for the lookup and the new entry alike."""
    from fql.eval.v10 import static

    db = fql.connect()
    db.query("Collection.create({ name: 'Once' })", syntax="v10")
    program = fql.parse("Once.all().first()", "v10")
    db.run_with_state(program, syntax="v10", typecheck=True)
    db.query("Collection.create({ name: 'Other' })", syntax="v10")
    reads = []

    def counted(ctx):
        reads.append(1)
        return real(ctx)

    real = static.schema_version
    monkeypatch.setattr(static, "schema_version", counted)
    assert db.run_with_state(program, syntax="v10", typecheck=True)[1].static_type == "Once | Null"
    assert len(reads) == 1
    assert db.run_with_state(program, syntax="v10", typecheck=True)[1].static_type == "Once | Null"
    assert len(reads) == 2


def test_a_reference_field_without_bang_suggests_it(people):
    # TyperCoreSpec "typecheck documents": the `!` suggestion where the dot starts.
    with pytest.raises(QueryCheckError) as failed:
        type_of(people, "Person.byId('1').update({})")
    assert [(m, s.start, s.end, rest) for m, _, _, s, *rest in failed.value.hints] == [
        ("Use the ! or ?. operator to handle the null case", 16, 16, ["!"])
    ]


@pytest.mark.parametrize(
    ("query", "shown", "start", "end"),
    [
        ("'foo' / 2", "String", 0, 5),
        ("x => 'foo' * x", "String", 5, 10),
        ("('foo') % 2", "String", 0, 7),
        ("true ** 2", "Boolean", 0, 4),
        ("Time.now() & 1", "Time", 0, 10),
        # `-` is also each number type's unary operator: those overloads fail on their arity, apart (where
        # the right operand is), so the error is the binary ones', as for the other operators.
        ("'a' - 1", "String", 0, 3),
        ("x => 'a' - x", "String", 5, 8),
    ],
)
def test_a_number_operator_whose_left_operand_is_no_number(db, query, shown, start, end):
    """FQL2EnvTypecheckSpec's `'foo' / x`: every number type's overload of the operator fails at its left
    operand, worded as one union of their receivers in the order core's typer lists them."""
    expected = f"Type `{shown}` is not a subtype of `Int | Float | Long | Double | Number`"
    assert errors_of(db, query) == [(expected, start, end)]


@pytest.mark.parametrize(
    ("query", "shown", "start", "end"),
    [
        ("-'a'", "String", 1, 4),
        ("- true", "Boolean", 2, 6),
        ("-('a')", "String", 1, 6),
        ("~'a'", "String", 1, 4),
        ("-Time.now()", "Time", 1, 11),
    ],
)
def test_a_unary_number_operator_on_no_number(db, query, shown, start, end):
    """`-x` and `~x` are core's OperatorCall with no argument: the number types' unary overloads (each
    `(Int) => Number` and so on) all fail at the operand, one union of their receivers as for a binary
    operator; `-`'s binary overloads fail on their arity at the whole expression, and are not reported."""
    expected = f"Type `{shown}` is not a subtype of `Int | Float | Long | Double | Number`"
    assert errors_of(db, query) == [(expected, start, end)]


def test_a_unary_number_operator_on_a_number(db):
    assert type_of(db, "-(1)") == "Number"
    assert type_of(db, "let x = 2; ~x") == "Number"


def test_a_literal_no_overload_of_its_arity_takes(db):
    # TyperCoreSpec "type overloaded functions/func intersections" `intBool('foo')`, on core's stdlib: ID's
    # two applies (ID.scala: `id: String`, then `id: Number`) both fail, worded with their parameters,
    # the later overload's first (tests/test_core_fql2_math_spec.py has Math.sum's and Math.mean's).
    assert errors_of(db, "ID(true)") == [("Type `Boolean` is not a subtype of `Number | String`", 3, 7)]
