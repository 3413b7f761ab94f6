"""Cases from core's FQL2InterpreterSpec (ext/model/src/test/scala/fql2/FQL2InterpreterSpec.scala), run
embedded as core's model specs run: the value, or the error's code, message and span (offsets into the
query, as core's `Span(start, end)`). Each test names the spec case (`group / case`) it comes from.

Already elsewhere, not repeated: 'str-template' / 'enforces a limit on result size' (test_core_sets10.py),
'global env' / 'does not expose user objects in FQL namespace' (core_sets10.fql), 'field access' / 'returns
null when the field does not exist' (misc.fql), '?. operator' / 'parenthesized expression breaks the
short-circuit chain' is also in misc.fql, but without the span compared here.

Skipped: the `pending` cases of core ('successfully evaluates a valid query string', '... query template',
'returns a parse error ...', 'returns a runtime error referencing the invalid source', both 'returns a
runtime error with a stack trace' cases, 'Unfiled' / 'transaction times can be transformed'); 'not stack
overflow' is `pendingUntilFixed` in core (fql refuses the 2001-operand sum with its own `Typechecking failed
due to query complexity.`); 'effects' / 'pure', 'read', 'write' run core's interpreter with an Effect.Limit
only model tests set (`... which is not allowed in model tests.`), the user-visible limits (set functions,
computed fields, check constraints) are tested with those; 'hooks' / 'post eval' ('can add', 'can fail',
'de-duplicates hooks', 'merges hooks') test the interpreter's internal post-evaluation hooks API.

Not yet: 'v4 compat' / 'can eval v4 from v10 with flag set to true': fql has no account feature flags, and
`FQL.evalV4` is what core's is with its flag off, as it is by default ('disallowed when flag is false').

Beyond the spec's cases, the `!` tests after 'permission denied' pin what core's handleNullCause says of
nulls its Value.Null carries with their cause and span (a document's after `?.`, an element a literal or
`map` holds, one handed to an Array method's function) and where a parenthesized operand fails.
"""

from __future__ import annotations

import pytest

import fql
from fql.values import ID, Lambda
from tests.core_scalar_helpers import err, ok
from tests.helpers import query_v10_error as fail


@pytest.fixture(scope="module")
def db() -> fql.Database:
    return fql.connect()


# -- syntax / if, if-else ---------------------------------------------------------------------------------


def test_if_returns_then_block_if_pred_is_true(db):
    assert ok(db, "if (true) 2") == 2


def test_if_returns_null_if_pred_is_false(db):
    assert ok(db, "if (false) 2") is None


@pytest.mark.parametrize("query", ["if (null) 2", "if (null) 2 else 3"])
def test_if_null_is_disallowed(db, query):
    assert err(db, query, typecheck=False) == ("type_mismatch", "expected type: Boolean, received Null", (4, 8))


IF_SCOPE = """{
  let test = if (true) {
    let x = "hello"
    x
  }
  x
}"""
ELSE_SCOPE = """{
  let test = if (false) {
    "hey"
  } else {
    let x = "hello"
    x
  }
  x
}"""
THEN_ELSE_SCOPE = """{
  if (false) {
    let x = "hello"
    x
  } else {
    x
  }
}"""


@pytest.mark.parametrize(
    "query, span",
    [
        pytest.param(IF_SCOPE, (59, 60), id="variables defined inside of if block can't be referenced outside of it"),
        pytest.param(ELSE_SCOPE, (81, 82), id="variables defined inside of else block can't be referenced outside of it"),
        pytest.param(
            THEN_ELSE_SCOPE, (58, 59), id="variables defined inside of if block can't be referenced inside else block"
        ),
    ],
)
def test_block_variables_stay_in_their_block(db, query, span):
    assert err(db, query, typecheck=False) == ("unbound_variable", "Unbound variable `x`", span)


@pytest.mark.parametrize("query", ["if (2) 2", "if (2) 2 else 2"])
def test_if_pred_that_is_no_boolean_is_type_mismatch(db, query):
    # 'if' and 'if-else' / "returns QueryRuntimeFailure type_mismatch when pred doesn't evaluate to a boolean"
    assert fail(db, query, typecheck=False).v10_code == "type_mismatch"


def test_if_else_returns_either_block(db):
    # 'if-else' / 'returns then block if pred is true', 'returns else block if pred is false'
    assert ok(db, "if (true) 2 else 3") == 2
    assert ok(db, "if (false) 2 else 3") == 3


def test_values_returned_from_if_else_expressions_can_be_used_in_variables(db):
    query = """{
  let x = "boom"
  let test = if (false) {
    x
  } else {
    "pow"
  }

  test.concat(" day")
}"""
    assert ok(db, query) == "pow day"


# -- syntax / ??, ==, partials ----------------------------------------------------------------------------


def test_coalesce_returns_left_side_if_not_null(db):
    assert ok(db, "1 ?? 10") == 1
    assert ok(db, "1 ?? 1 == 1") == 1
    assert ok(db, "1 == 1 ?? 1 != 1") is True


def test_coalesce_returns_right_side_if_left_side_is_null(db):
    assert ok(db, "null ?? 10") == 10
    assert ok(db, "let x = () => null; x() ?? 10") == 10


def test_equality_compares_objects(db):
    assert ok(db, "{ a: 2 } == { a: 2 }") is True
    assert ok(db, "{ a: 2 } == { a: 3 }") is False


def test_can_compare_partials():
    db = fql.connect()
    ok(db, "Collection.create({ name: 'Author', indexes: { byName: { values: [{ field: 'name' }] } } })")
    for name, extra in (("Alice", 3), ("Bob", 4), ("Carol", 5)):
        ok(db, f"Author.create({{ name: '{name}', extra: {extra} }})")
    expected = {
        "v => v.data == v.data": True,
        ".data == { name: 'Alice', extra: 3 }": True,
        ".data == {}": False,
        ".data > {}": True,
        "v => [v.data] == [v.data]": True,
        "v => [v.data] == [{ name: 'Alice', extra: 3 }]": True,
        "v => [v.data] == []": False,
        "v => { foo: v.data } == { foo: v.data }": True,
        "v => { foo: v.data } == { foo: { name: 'Alice', extra: 3 } }": True,
        "v => { foo: v.data } == {}": False,
    }
    for fn, result in expected.items():
        assert ok(db, f"Author.byName().map({fn}).first()") is result, fn


# -- syntax / lambda & lambda apply ----------------------------------------------------------------------


def test_lambdas_can_be_created(db):
    fn = ok(db, "x => x")
    assert isinstance(fn, Lambda) and fn.params == ("x",) and fn.body == fql.ast.Ident("x")
    assert (fn.body.span.start, fn.body.span.end) == (5, 6)
    assert dict(fn.env) == {}


def test_variadic_lambdas_can_be_created(db):
    fn = ok(db, "(a, ...x) => x")
    assert fn.params == ("a", "...x") and fn.body == fql.ast.Ident("x")
    assert (fn.body.span.start, fn.body.span.end) == (13, 14)
    fn = ok(db, "(a, ..._) => a")
    assert fn.params == ("a", "..._") and fn.body == fql.ast.Ident("a")
    assert (fn.body.span.start, fn.body.span.end) == (13, 14)


def test_lambdas_can_be_applied(db):
    assert ok(db, "(x => x)(2)") == 2


@pytest.mark.parametrize(
    "query, result",
    [
        ("((x, ...xs) => x + xs.length)(1)", 1),
        ("((x, ...xs) => x + xs.length)(1, 0)", 2),
        ("((...xs) => xs.length)()", 0),
        ("((...xs) => xs.length)(0)", 1),
        ("((...xs) => xs.length)(0, 0)", 2),
        ("((...xs) => xs.length)(0, 0, 0)", 3),
    ],
)
def test_variadic_lambdas_can_be_applied(db, query, result):
    assert ok(db, query) == result


def test_lambdas_close_over_variables(db):
    query = """{
  let returnTwo = {
    let two = 2
    x => two
  }
  returnTwo(3)
}"""
    assert ok(db, query) == 2


def test_lambda_preserves_variable_values_at_definition_time(db):
    query = """{
  let two = 2
  let returnTwo = () => {
    two
  }
  let two = 1
  returnTwo()
}"""
    assert ok(db, query) == 2


def test_variables_defined_in_a_lambda_cant_be_referenced_outside_the_lambda(db):
    query = """{
  let returnTwo = () => {
    let x = 5
    x
  }
  x
}"""
    assert err(db, query, typecheck=False) == ("unbound_variable", "Unbound variable `x`", (54, 55))


def test_short_lambdas_can_be_created(db):
    # Core's body is `.length` on `this` (Span(1, 8)); fql's short-lambda body keeps the parenthesised
    # group's span, so only the shape is compared.
    fn = ok(db, "(.length)")
    assert len(fn.params) == 1
    assert fn.body == fql.ast.Member(fql.ast.Ident(fn.params[0]), "length")
    assert dict(fn.env) == {}


def test_short_lambdas_can_be_evaluated(db):
    assert ok(db, '{\n  (.length)("hi")\n}') == 2


def test_short_lambdas_close_over_variables(db):
    query = """{
  let getMessage = {
    let x = " hello"
    (.concat(x))
  }
  getMessage("hi")
}"""
    assert ok(db, query) == "hi hello"


def test_short_lambdas_preserve_variable_values_at_definition_time(db):
    query = """{
  let x = " hello"
  let concatHello = (.concat(x))
  let x = " goodbye"
  concatHello("hi")
}"""
    assert ok(db, query) == "hi hello"


# -- syntax / blocks and let ------------------------------------------------------------------------------


def test_blocks_and_let(db):
    # 'variables can be defined at the top level', 'return value of last expr', 'can refer to variables
    # defined previously'
    assert ok(db, "\nlet x = 3\nx\n") == 3
    assert ok(db, "{\n  1\n  2\n  3\n}\n") == 3
    assert ok(db, '{\n  let x = "foo"\n  x\n}\n') == "foo"


def test_cannot_refer_to_variables_before_they_have_been_defined(db):
    query = '{\n  x\n  let x = "foo"\n  2\n}\n'
    assert err(db, query, typecheck=False) == ("unbound_variable", "Unbound variable `x`", (4, 5))


# -- syntax / str-template --------------------------------------------------------------------------------


def test_template_correctly_evaluates_expressions(db):
    query = """{
  let a = "world"
  let b = 42
  let c = 42.3
  "hello #{a} I am #{b} well technically #{c}"
}
"""
    assert ok(db, query) == "hello world I am 42 well technically 42.3"


def test_template_correctly_prints_an_array(db):
    query = '{\n  let a = ["world", 1, if(true) 2, "hello"]\n  "This is an array: #{a}"\n}\n'
    assert ok(db, query) == 'This is an array: ["world", 1, 2, "hello"]'


def test_template_correctly_prints_an_object(db):
    query = '{\n  let a = {world: 1, hello: 0}\n  "This is an object: #{a}"\n}\n'
    assert ok(db, query) == "This is an object: { world: 1, hello: 0 }"


def test_template_fails_if_any_of_the_expressions_in_the_string_fail(db):
    query = '{\n  let a = "world"\n  let c = 42.3\n  "hello #{a} I am #{b} well technically #{c}"\n}\n'
    # Typechecked (as core's spec runs it), the unbound `b` is refused before the query runs.
    assert err(db, query) == ("invalid_query", "Unbound variable `b`", (56, 57))


HEREDOCS = [
    (
        "<<+STR\n  a multiline\n    with different indentation\n      plus #{'interpolation'}\nSTR",
        "a multiline\n  with different indentation\n    plus interpolation\n",
    ),
    ("<<+STR\n  #{'interpolation'}\n    after spaces\nSTR", "interpolation\n  after spaces\n"),
    ("<<+STR\n#{'interpolation'}\n    in the beginning\nSTR", "interpolation\n    in the beginning\n"),
    ("<<-STR\n  a multiline\n    with different indentation\nSTR", "a multiline\n  with different indentation\n"),
]


@pytest.mark.parametrize("query, result", HEREDOCS)
def test_heredoc_unindents_to_the_smallest_indented_line(db, query, result):
    assert ok(db, query) == result


@pytest.mark.parametrize("kind", ["+", "-"])
def test_heredoc_accepts_whitespace_between_tokens(db, kind):
    query = f"  \t  <<{kind}  \t  STR  \t  \t\n      a multiline string\n  \t  STR"
    assert ok(db, query) == "a multiline string\n"


@pytest.mark.parametrize("kind", ["+", "-"])
def test_heredoc_inside_block_lambda_and_argument(db, kind):
    # 'multiline string inside block', 'multiline string inside lambda', 'multiline string on argument'
    block = f"let x = {{\n  let str = <<{kind}STR\n    a multiline\n    string\n  STR\n\n  str\n}}\n\nx\n"
    in_lambda = f"let lambda = () => {{\n  <<{kind}STR\n    a multiline\n    string\n  STR\n}}\n\nlambda()\n"
    argument = f"let lambda = arg => arg\n\nlambda(<<{kind}STR\n  a multiline\n  string\nSTR\n)\n"
    for query in (block, in_lambda, argument):
        assert ok(db, query) == "a multiline\nstring\n"


# -- syntax / array, object, field access -----------------------------------------------------------------


def test_array_returns_evaluated_array(db):
    query = '\n{\n  let a = true\n  [1, "hi #{a}", if (a) { 2 } else { 4 }, 3]\n}\n\n'
    assert ok(db, query) == [1, "hi true", 2, 3]


def test_array_fails_if_an_expression_in_the_array_fails(db):
    query = "\n{\n  [1, 2, 3, if (2) { 2 }, 4, 5, 6]\n}\n\n"
    assert err(db, query)[0] == "invalid_query"
    assert err(db, query, typecheck=False) == ("type_mismatch", "expected type: Boolean, received Int", (19, 20))


def test_object_returns_an_evaluated_struct(db):
    query = '\n{\n  let a = true\n  {keyone: 1, keytwo: "hi #{a}", keythree: if (a) { 2 } else { 4 }}\n}\n\n'
    assert ok(db, query) == {"keyone": 1, "keytwo": "hi true", "keythree": 2}


def test_object_returns_an_empty_struct(db):
    assert ok(db, "\n{\n  {}\n}\n\n") == {}


def test_object_can_successfully_reference_an_object_field(db):
    assert ok(db, '\n{\n  let obj = {foo: "bar", hello: "world"}\n  obj.hello\n}\n\n') == "world"


def test_object_returns_null_when_a_non_existent_field_is_accessed(db):
    query = '\n{\n  let obj = {foo: "bar", hello: "yolo"}\n  obj.whoami\n}\n\n'
    assert ok(db, query, typecheck=False) is None
    # The null's cause is the missing field, as `!` tells.
    assert err(db, query.replace("obj.whoami", "obj.whoami!"), typecheck=False)[1] == (
        "Null value, due to missing field `whoami`"
    )


def test_object_supports_nested_structs(db):
    assert ok(db, '\n{\n  {foo: "bar", hello: { nested: "struct" }}\n}\n\n') == {"foo": "bar", "hello": {"nested": "struct"}}


def test_object_fails_if_one_of_the_expressions_fails(db):
    query = '\n{\n  {foo: "bar", hello: "#{nonExistentVar}"}\n}\n\n'
    assert err(db, query)[:2] == ("invalid_query", "Unbound variable `nonExistentVar`")


def test_field_access_can_access_fields_on_a_string(db):
    assert ok(db, "'foo'.length") == 3


def test_field_access_error_on_null(db):
    assert err(db, "null.foo", typecheck=False) == ("invalid_null_access", "Cannot access `foo` on null.", (5, 8))
    assert err(db, "let foo = null\nfoo.bar", typecheck=False) == (
        "invalid_null_access",
        "Cannot access `bar` on null.",
        (19, 22),
    )


# -- syntax / ! operator ---------------------------------------------------------------------------------


def test_bang_chain_multiple_operators(db):
    assert ok(db, "let foo = {bar: [() => null]}\n\nfoo!.bar![0]!()") is None


def test_bang_chains_with_optional_chaining_correctly(db):
    assert err(db, "let foo = {}\n\nfoo?.bar?.baz!", typecheck=False) == (
        "null_value",
        "Null value, due to missing field `bar`",
        (24, 28),
    )


def test_bang_null_literal(db):
    assert err(db, "null!") == ("null_value", "Null literal value", (0, 5))
    e = fail(db, "let foo = () => null\n\nfoo()!")
    assert (e.v10_code, e.description, e.span.start, e.span.end) == ("null_value", "Null literal value", 25, 28)
    [(message, _, _, span, *_)] = e.hints
    assert (message, span.start, span.end) == ("Null value created here", 16, 20)


def test_bang_missing_field(db):
    assert err(db, "let foo = {}\n\nfoo.bar!\n", typecheck=False) == (
        "null_value",
        "Null value, due to missing field `bar`",
        (18, 22),
    )
    assert err(db, "let foo = {}\nlet bar = foo.bar\n\nbar!\n", typecheck=False) == (
        "null_value",
        "Null value, due to missing field `bar`",
        (32, 36),
    )


def test_bang_doc_not_found():
    db = fql.connect()
    ok(db, 'Collection.create({name: "Book"})\nCollection.create({name: "Author"})\n')
    assert err(db, "Author.byId('1')!") == (
        "document_not_found",
        "Collection `Author` does not contain document with id 1.",
        (11, 17),
    )
    author = ok(db, 'Author.create({name: "Alfred V. Aho"})\n').id
    assert ok(db, "Author.byId('0') ?? 1") == 1
    assert ok(db, f"Author.byId('{author}') ?? 0").id == author
    book = ok(db, f'Book.create({{\n  title: "Compilers",\n  author: Author.byId("{author}")!\n}})\n').id
    ok(db, f'Author.byId("{author}")!.delete()')
    query = f'let book = Book.byId("{book}")!\n\nbook.author!\n'
    start = query.index("author!")
    assert err(db, query) == (
        "document_not_found",
        f"Collection `Author` does not contain document with id {author}.",
        (start, start + 7),
    )


def test_bang_empty_set():
    db = fql.connect()
    ok(db, "Collection.create({ name: 'Person' })")
    assert err(db, "Person.all().first()!") == ("null_value", "Null value, due to empty set", (18, 21))


def test_bang_definition_not_found():
    # core's newAuth has server permissions: it may read collections, not access providers.
    db = fql.connect()
    server = ok(db, 'Key.create({ role: "server" }).secret')
    assert err(db, 'Collection.byName("Person")!', secret=server) == (
        "document_not_found",
        "Collection `Person` not found.",
        (17, 28),
    )
    assert err(db, 'AccessProvider.byName("auth0")!', secret=server) == (
        "null_value",
        "Null value, due to permission denied",
        (21, 31),
    )


def test_bang_permission_denied():
    db = fql.connect()
    ok(db, 'Collection.create({name: "Person"})\nRole.create({ name: "nothing" })')
    person = ok(db, 'Person.create({name: "John Doe"})').id
    nothing = ok(db, 'Key.create({ role: "nothing" }).secret')
    query = f"Person.byId('{person}')!"
    assert err(db, query, secret=nothing) == ("null_value", "Null value, due to permission denied", (11, len(query)))


@pytest.mark.parametrize(
    "query, message, span, made",
    [
        # Core's object and array literals hold each element's Value.Null with its own cause and span
        # (evalObject, evalArray), so a `!` on one read back later is handleNullCause of that null: its
        # message, and 'Null value created here' where it was made, not where another element's was.
        ("{ a: null, b: [].first() }.a!", "Null literal value", (27, 29), [("Null value created here", 5, 9)]),
        ("{ a: [].first(), b: null }.a!", "Null value, due to empty array", (27, 29), [("Null value created here", 13, 15)]),
        ("{ a: [].first() }.a!", "Null value, due to empty array", (18, 20), [("Null value created here", 13, 15)]),
        ("[null, [].first()][0]!", "Null literal value", (18, 22), [("Null value created here", 1, 5)]),
        ("[null, [].first()][1]!", "Null value, due to empty array", (18, 22), [("Null value created here", 15, 17)]),
        # Bound to a variable, or read through one, or made in a lambda, the element is the same null.
        ("let o = {a: null}; o.a!", "Null literal value", (21, 23), [("Null value created here", 12, 16)]),
        ("let o = {a: null}; o['a']!", "Null literal value", (20, 26), [("Null value created here", 12, 16)]),
        ("let o = {a: {b: [].first()}}; let x = o.a.b; x!", "Null value, due to empty array", (45, 47), [("Null value created here", 24, 26)]),
        ("let f = () => { a: null }; f().a!", "Null literal value", (31, 33), [("Null value created here", 19, 23)]),
        # Array's at, first and last give the element itself (stdlib/Arrays.scala), null and all.
        ("[null, [].first()].at(1)!", "Null value, due to empty array", (21, 25), [("Null value created here", 15, 17)]),
        ("[null, [].first()].first()!", "Null literal value", (24, 27), [("Null value created here", 1, 5)]),
        ("[1, null].last()!", "Null literal value", (14, 17), [("Null value created here", 4, 8)]),
        ("[null, 1].first()!", "Null literal value", (15, 18), [("Null value created here", 1, 5)]),
        # Array.map's result holds each null its mapper gave, with its own cause and place.
        ("[1, 2].map(x => if (x == 1) null else [].first())[0]!", "Null literal value", (49, 53),
         [("Null value created here", 28, 32)]),
        ("[1, 2].map(x => if (x == 1) null else [].first())[1]!", "Null value, due to empty array", (49, 53),
         [("Null value created here", 46, 48)]),
        # An `if` without `else` makes its null at the whole `if` (evalIf: `Value.Null(span)`); forEach and
        # log at their call's arguments (`Value.Null(ctx.stackTrace.currentStackFrame)`).
        ("let x = if (false) 1; x!", "Null literal value", (22, 24), [("Null value created here", 8, 20)]),
        ("let x = [1].forEach(y => y); x!", "Null literal value", (29, 31), [("Null value created here", 19, 27)]),
        ("let x = Set.sequence(0, 1).forEach(y => y); x!", "Null literal value", (44, 46),
         [("Null value created here", 34, 42)]),
        ("let x = log(1); x!", "Null literal value", (16, 18), [("Null value created here", 11, 14)]),
        # An Array method passes the element itself to its function, the null's cause with it.
        ("[[].first()].map(y => y!)", "Null value, due to empty array", (16, 25), [("Null value created here", 9, 11)]),
        ("[1, null].map(y => y!)", "Null literal value", (13, 22), [("Null value created here", 4, 8)]),
        ("[null].forEach(y => y!)", "Null literal value", (14, 23), [("Null value created here", 1, 5)]),
        ("[1, [].first()].where(y => y! > 0)", "Null value, due to empty array", (21, 34),
         [("Null value created here", 12, 14)]),
        ("[1, null].indexWhere(y => y! > 5)", "Null literal value", (20, 33), [("Null value created here", 4, 8)]),
    ],
)
def test_bang_on_a_null_a_literal_holds(db, query, message, span, made):
    assert bang_failure(db, query) == ("null_value", message, span, made)


@pytest.mark.parametrize(
    "query, message, span",
    [
        # Core's parser keeps parentheses as a Tuple whose span holds them, the head of the `!`'s chain:
        # the error runs from the outermost `(` to the `!` (FQLInterpreter: `cspan.to(bangSpan)`).
        ("(null)!", "Null literal value", (0, 7)),
        ("((null))!", "Null literal value", (0, 9)),
        ("([].first())!", "Null value, due to empty array", (0, 13)),
        ("( [].first() )!", "Null value, due to empty array", (0, 15)),
        ("({a: 1}.b)!", "Null value, due to missing field `b`", (0, 11)),
        ("(if (false) 1)!", "Null literal value", (0, 15)),
        ("let x = 1\n([].first()\n)!", "Null value, due to empty array", (10, 24)),
        # Parentheses inside the chain are not its head.
        ("(1 + 1).foo!", "Null value, due to missing field `foo`", (8, 12)),
    ],
)
def test_bang_on_a_parenthesized_expression(db, query, message, span):
    assert err(db, query, typecheck=False) == ("null_value", message, span)


@pytest.mark.parametrize(
    "query, span, made",
    [
        # A missing document in parentheses fails where the parentheses are, core's chain head (cspan)
        # for evalNullAccess and a method's getMethod, and that is where `?.` made its null.
        ("(P.byId('999')).v", (0, 15), []),
        ("(P.byId('999'))['v']", (0, 15), []),
        ("(P.byId('999')).update({})", (0, 15), []),
        ("(P.byId('999'))?.v!", (17, 19), [("Null value created here", 0, 15)]),
        ("let x = (P.byId('999'))?.v; x!", (28, 30), [("Null value created here", 8, 23)]),
    ],
)
def test_a_missing_document_in_parentheses(query, span, made):
    db = fql.connect()
    ok(db, "Collection.create({ name: 'P' })")
    message = "Collection `P` does not contain document with id 999."
    assert bang_failure(db, query, typecheck=False) == ("document_not_found", message, span, made)


def bang_failure(db, query: str, secret: str | None = None, typecheck: bool = True) -> tuple:
    """The error of a `!`: code, message, span, and where its `Null value created here` hint points."""
    e = fail(db, query, secret, typecheck=typecheck)
    hints = [(message, span.start, span.end) for message, _, _, span, *_ in e.hints]
    return e.v10_code, e.description, (e.span.start, e.span.end), hints


@pytest.mark.parametrize(
    "query, span, made",
    [
        # The null `?.` makes of a document that is not there keeps core's DocNotFound cause
        # (FQLInterpreter.evalNullAccess: `Value.Null(nc.copy(span = cspan))`, cspan the byId call's
        # arguments), so a `!` past the chain's end is handleNullCause's not found, hinting at the call.
        ("let x = P.byId('999')?.v\nx!", (25, 27), [("Null value created here", 14, 21)]),
        ("let x = P.byId('999')?.v.w.z\nx!", (29, 31), [("Null value created here", 14, 21)]),
        ("let x = P.byId('999')?.['v']\nx!", (29, 31), [("Null value created here", 14, 21)]),
        ("let x = P.byId('999')?.update({})\nx!", (34, 36), [("Null value created here", 14, 21)]),
        # The hint is left out where the `!` covers the call (QueryRuntimeFailure.NullValue's overlaps).
        ("(P.byId('999')?.v)!", (0, 19), []),
        # A method's `?.` points at the document's call as a field's does.
        ("P.byId('999')?.update({})!", (15, 26), [("Null value created here", 6, 13)]),
    ],
)
def test_bang_after_optional_chaining_on_a_missing_document(query, span, made):
    db = fql.connect()
    ok(db, "Collection.create({ name: 'P' })")
    message = "Collection `P` does not contain document with id 999."
    assert bang_failure(db, query) == ("document_not_found", message, span, made)


@pytest.mark.parametrize(
    "query, span, made",
    [
        # ReadPermissionDenied is kept the same way (evalNullAccess), and handleNullCause says so.
        ("P.byId('1')?.v!", (13, 15), [("Null value created here", 6, 11)]),
        ("let x = P.byId('1')?.v\nx!", (23, 25), [("Null value created here", 14, 19)]),
        # A projection of an unreadable document is a null of the document's cause (evalProject:
        # ReadBroker.guardFromNull's R.Null), not a missing document's.
        ("let x = P.byId('1') { v }\nx!", (26, 28), [("Null value created here", 8, 25)]),
    ],
)
def test_bang_after_optional_chaining_on_an_unreadable_document(query, span, made):
    db = fql.connect()
    ok(db, "Collection.create({ name: 'P' })\nRole.create({ name: 'nothing' })")
    ok(db, "P.create({ id: '1', v: 1 })")
    nothing = ok(db, "Key.create({ role: 'nothing' }).secret")
    assert bang_failure(db, query, nothing) == ("null_value", "Null value, due to permission denied", span, made)


# -- syntax / ?. operator --------------------------------------------------------------------------------


def test_optional_chaining_access_field(db):
    assert ok(db, 'let foo = {bar: "baz"}\n\nfoo?.bar\n') == "baz"


def test_optional_chaining_chain_multiple_operators(db):
    assert ok(db, "let foo = {bar: [() => null]}\n\nfoo!.bar![0]!()?.baz\n") is None


@pytest.mark.parametrize("query", ["null?.foo", "null?.foo()", "null?.foo[0]", "{ foo: { bar: null } }.foo.bar?.baz"])
def test_optional_chaining_short_circuits_on_nulls(db, query):
    assert ok(db, query) is None


def test_optional_chaining_short_circuits_function_calls_and_index_access(db):
    assert ok(db, "null?.()") is None
    assert ok(db, "null?.[0]") is None
    assert ok(db, 'let foo = { bar: null }\n\nfoo.bar?.("bar")\n', typecheck=False) is None
    assert ok(db, "let foo = { bar: null }\n\nfoo.bar?.[0]\n", typecheck=False) is None


def test_optional_chaining_short_circuits_nested_things_except_bang(db):
    assert ok(db, "null?.foo[0].bar().baz") is None
    # The `!` after a skipped link points at that whole link, its dot too.
    assert err(db, "null?.foo[0].bar().baz!", typecheck=False) == ("null_value", "Null literal value", (18, 23))


def test_optional_chaining_only_short_circuits_if_recipient_evals_to_null(db):
    assert err(db, 'let x = "1"\nx?.foo()\n', typecheck=False) == (
        "invalid_function_invocation",
        "The function `foo` does not exist on `String`",
        (15, 18),
    )
    for query in ("let x = {foo: null}\nx?.foo.bar", "let x = {foo: null}\nx?.foo.bar()"):
        assert err(db, query, typecheck=False) == ("invalid_null_access", "Cannot access `bar` on null.", (27, 30))


def test_optional_chaining_different_statements_dont_short_circuit(db):
    assert err(db, "let foo = null?.foo.bar[0].baz()\nfoo.bar\n", typecheck=False) == (
        "invalid_null_access",
        "Cannot access `bar` on null.",
        (37, 40),
    )
    assert err(db, "let foo = () => null?.foo.bar[0].baz()\nfoo().bar\n", typecheck=False) == (
        "invalid_null_access",
        "Cannot access `bar` on null.",
        (45, 48),
    )


def test_optional_chaining_parenthesized_expression_breaks_the_chain(db):
    assert err(db, "(null?.foo).bar", typecheck=False) == ("invalid_null_access", "Cannot access `bar` on null.", (12, 15))


def test_optional_chaining_doesnt_short_circuit_binary_operators(db):
    assert err(db, "null?.foo + 1", typecheck=False) == (
        "invalid_function_invocation",
        "The function `+` does not exist on `Null`",
        (10, 11),
    )


# -- global env, effects, newId --------------------------------------------------------------------------


def test_can_access_singletons_in_the_global_env(db):
    assert ok(db, "Math.abs(-1)") == 1


def test_effects_read_limit_still_allows_reads():
    # 'effects' / 'read limit still allows reads': a v4 UDF that reads, called once per function (there is one).
    db = fql.connect()
    db.query('CreateFunction({ name: "foo", body: Query(Lambda("x", Paginate(Documents(Collections())))) })')
    assert ok(db, "Function.all().map(_ => { foo(1); 1}).toArray()") == [1]


def test_new_id(db):
    assert isinstance(ok(db, "newId()"), ID)
    assert isinstance(ok(db, "FQL.newId()"), ID)


def test_eval_v4_disallowed_when_flag_is_false(db):
    # 'v4 compat' / 'disallowed when flag is false': core types FQL.evalV4 and fails in it, at its arguments.
    query = "FQL.evalV4({ equals: [{ add: [1, 1] }, 2] })"
    assert err(db, query) == ("invalid_function_invocation", "The function `evalV4` does not exist on `FQL`", (10, 44))
