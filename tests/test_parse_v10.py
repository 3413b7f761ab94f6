"""The v10 parser: AST snapshots of the reference's examples, precedence, newline rules, literals and errors."""

from __future__ import annotations

import itertools
import sys

import pytest
from lark import Lark

from fql import ast
from fql.ast import THIS
from fql.errors import ParseError, StackOverflow
from fql.parse import GRAMMAR_DIR, parse, v10
from fql.parse.errors import IncompleteInput

I, L, B, M = ast.Ident, ast.Literal, ast.Binary, ast.Member


def stmts(text: str) -> tuple[ast.Node, ...]:
    return parse(text, "v10").body


def expr(text: str) -> ast.Node:
    (node,) = stmts(text)
    return node


def this(name: str) -> ast.Member:
    return M(I(THIS), name)


def short(body: ast.Node) -> ast.Arrow:
    return ast.Arrow((THIS,), body)


def error(text: str) -> ParseError:
    with pytest.raises(ParseError) as caught:
        parse(text, "v10")
    return caught.value


def test_grammar_is_conflict_free():
    """strict=True fails on any shift/reduce or reduce/reduce conflict."""
    Lark.open(str(GRAMMAR_DIR / "fql10.lark"), parser="lalr", lexer=v10.Lexer, strict=True)


# -- snapshots: every example of the reference (§3, §4), the seed and core's parser tests -------------

EXAMPLES = {
    # §3.1 lexical
    "fql-prefix": 'FQL.log("x")',
    "comment-line": "1 // one\n2",
    "comment-nested": "/* a /* nested */ still comment */ 3",
    "keyword-field": "{ 'if': 123 }.if",
    "ident-apostrophe": "let x' = 1\nx'",
    # §3.2 literals
    "null-true-false": "[null, true, false]",
    "ints": "[0, 42, 1_000_000, 0x1F, 0XfF, 0o17, 0b101, 0B1_1]",
    "signed": "[-5, - 5, +5, -0x10, -1.5]",
    "floats": "[1.5, 3.14e5, 1e-3, -5.123e3, 1E+2, 0.5]",
    "int-method": "1.foo",
    "big-int": "123456789012345678901234567890",
    "single-string": "'single #{x}'",
    "double-string": '"double"',
    "template": '"a #{1 + 2} b #{ x.y } c"',
    "template-nested": '"outer #{ "inner #{x}" }"',
    "hash-literal": '"# not #{1}#"',
    "escapes": r'"\\ \0 \' \" \n \r \v \t \b \f \# \x41 \u00e9 \u{1F600}"',
    "heredoc-plain": "<<-END\n  a\n    b\n  END",
    "heredoc-interpolated": "<<+END\n  Hello #{name}!\n    indented\n  END",
    "array-trailing": "[a, b, c,]",
    "object": "{ key: 1, 'quoted key': 2, \"dq key\": 3, }",
    "object-empty": "{}",
    "block-not-object": "{ a }",
    # §3.3 expressions and statements
    "block": "{\n  let x = 1\n  let y: Int = 2\n  x + y\n}",
    "query-block": "let a = 1; let b = a + 1\nb",
    "if-else": "if (x > 1) 'big' else 'small'",
    "if-no-else": "if (x) { 1 }",
    "if-newline-else": "if (x) {\n  1\n}\nelse {\n  2\n}",
    "if-dangling-else": "if (a) if (b) c else d",
    "at": 'at (Time("2023-01-01T00:00:00Z")) Users.all().count()',
    "lambda-forms": "[x => x, (x) => x, (x, y) => x + y, () => 1, (x, ...rest) => rest, _ => 1, (_, y) => y]",
    "lambda-block": "(x) => {\n  let y = x * 2\n  y\n}",
    "short-where": "Users.all().where(.age > 3)",
    "short-map": "Users.all().map(.n)",
    "short-order": "Users.all().order(desc(.age), asc(.name), .id)",
    "short-chain": "arr.map(.address.city)",
    "short-method": "arr.map(.name.toUpperCase())",
    "short-index": 'arr.map(.["a b"])',
    "short-not": "arr.where(!.active)",
    "short-chain-op": 'Users.where(.age > 3 && .name == "a")',
    "short-paren": "arr.map((.a + .b) / 2)",
    "member-chain": "doc.field?.other?.method(1)?.(2)?.[3]!",
    "call-trailing-comma": "f(1, 2,)",
    "index": 'obj["key"][0]',
    "coll-call": 'Users("1")',
    "collection-dynamic": 'Collection("Users").all()',
    "function-dynamic": 'Function("double")(2)',
    "projection": "doc { a, b, c: .x + 1, d { e } }",
    "projection-full": 'Users.all() { full: .first + " " + .last }',
    "projection-after-chain": "Users.byId('1')! { name, city: .address.city }",
    "unary": "[-x, !x, ~x, -x.y, -2 ** 2]",
    # §3.4 operators
    "operators": "a ?? b || c && d == e != f =~ g !~ h > i < j >= k <= l isa m | n ^ o & p + q - r * s / t % u ** v",
    "power-right": "2 ** 3 ** 2",
    "isa": "[x isa String, x isa Number, doc isa Users]",
    "string-plus": '["1, 2, " + 3, "Hello " + ["world", "!"], 5 / 2]',
    # §3.6 - §3.9 calls
    "globals": 'abort({ code: 1 }); dbg(1); log("a", 2); newId()',
    "constructors": (
        '[Time("2099-01-01T00:00:00Z"), Date("2099-01-01"), ID("123"), ID(123), Bytes("AQI="), TransactionTime()]'
    ),
    "collection-create": (
        "Collection.create({\n"
        '  name: "Users",\n'
        '  indexes: { byEmail: { terms: [{ field: ".email" }], values: [{ field: ".name", order: "desc" }] } },\n'
        '  constraints: [{ unique: ["email"] }, { check: { name: "posQty", body: "(doc) => doc.qty >= 0" } }],\n'
        "  history_days: 0,\n"
        "})"
    ),
    "index-range": 'Users.byEmail("a@b", { from: "a", to: "m" })',
    "all-range": 'Users.all({ from: Users.byId("1"), to: Users.byId("9") })',
    "ttl": 'doc.update({ ttl: Time.now().add(1, "day") })',
    "set-statics": "Set.sequence(1, 10).take(3).toArray()",
    "fold": "[1, 2, 3].fold(0, (acc, x) => acc + x)",
    # §4 tokens and credentials
    "token-create": 'Token.create({ document: People.byId("372696914650464289") })',
    "token-secret": "Token.byId(id)!.secret",
    "credential-login": 'Credential.byDocument(user)!.login("sekret", Time.now().add(1, "hour"))',
    "identity": "Query.identity()",
    "role-predicate": (
        'Role.create({ name: "r", membership: [{ resource: "People", predicate: "ref => Query.identity() == ref" }] })'
    ),
    "seed-004-result": (
        "{\n"
        '  id: "373081653342371873",\n'
        "  coll: Token,\n"
        '  ts: Time("2023-08-14T23:54:00.750Z"),\n'
        '  document: People.byId("372696914650464289"),\n'
        '  secret: "fnEFLXPJe7AAIQUh3mNk4AAhp6iMjCB6XHC44_eP3E1Tr9HXGcQ"\n'
        "}"
    ),
    # core ExprParserSpec / FQL2InterpreterSpec
    "core-tuples": "[(1), (1, 2), (a), (a, b), ()]",
    "core-bang": "foo!()![0]!.bar!",
    "core-bare-apply": "(.())",
    "core-paren-short-apply": "(.foo)(x)",
    "core-block-comments": "\n{/*foo*/\n'a';/*bar*/\n'b';/*baz*/\n}\n",
    "core-let-if": "{ let a = if (true) 3\na }",
    "core-underscore-args": "(a,_,b,_)=>null",
    "core-variadic": "[(...a)=>null, (_, ..._)=>null]",
    "core-map-block": "Function.all().map(_ => { foo(1); 1}).toArray()",
}


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_example_ast(name, snapshot):
    assert parse(EXAMPLES[name], "v10").dump() == snapshot


# -- literals ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, value",
    [
        ("0", 0),
        ("123", 123),
        ("1_2_3", 123),
        ("-123", -123),
        ("- 123", -123),
        ("+1", 1),
        ("0xff", 255),
        ("-0xff", -255),
        ("0o17", 15),
        ("0b101", 5),
        ("1e1", 10.0),
        ("1e-1", 0.1),
        ("-1e+1", -10.0),
        ("1.5", 1.5),
        ("2147483648", 2147483648),
        ("9223372036854775808", 9223372036854775808.0),  # past 64 bits: a Double, as in core
    ],
)
def test_numbers(text, value):
    node = expr(text)
    assert node == L(value) and type(node.value) is type(value)


def test_number_edges():
    assert expr("1.foo") == M(L(1), "foo")  # a digit must follow the dot
    assert expr("-5.abs()") == ast.Apply(M(L(-5), "abs"), ())  # the sign belongs to the literal
    assert expr("x - -1") == B("-", I("x"), L(-1))
    assert expr("x-1") == B("-", I("x"), L(1))
    assert expr("-x") == ast.Unary("-", I("x"))
    assert expr("--1") == ast.Unary("-", L(-1))
    assert stmts("x\n-1") == (I("x"), L(-1))  # a new statement, not a subtraction


@pytest.mark.parametrize(
    "text, value",
    [
        ("''", ""),
        ('""', ""),
        ("'foo'", "foo"),
        ('"foo#bar"', "foo#bar"),
        ('"foo\\#{bar"', "foo#{bar"),
        ("'#{x}'", "#{x}"),
        ("'a\"b`c'", 'a"b`c'),
        ('"a\'b`c"', "a'b`c"),
        (r'"\\ \0 \' \" \n \r \v \t \b \f \#"', "\\ \0 ' \" \n \r \v \t \b \f #"),
        (r'"\xff \u00ff \u{0000ff} \u{101234}"', "\u00ff \u00ff \u00ff \U00101234"),
        ('"à ₂"', "à ₂"),
        ('"line\nbreak"', "line\nbreak"),
    ],
)
def test_strings(text, value):
    assert expr(text) == L(value)


@pytest.mark.parametrize(
    "text, message",
    [
        (r'"\q"', "Expected escape code"),
        ('"\\`"', "Expected escape code"),
        (r'"\udc00"', "Invalid escape: surrogates are disallowed"),
        (r'"\u{11ffff}"', "Invalid escape: outside of valid unicode range"),
    ],
)
def test_bad_strings(text, message):
    assert error(text).detail.startswith(message)


@pytest.mark.parametrize(
    "text, start, message",
    [
        ('"\x00"', 0, "Unexpected end of query. Expected statement or expression"),
        ("x + '\x1f'", 4, "Expected expression"),
        ('x + "\u202e"', 4, "Expected expression"),
        ('x + "a\\n\x01"', 8, 'Expected `"`'),
        ("x + 'a\\n\x01'", 8, "Expected \"'\""),
        ("x /* a \x01 */", 2, "Expected end-of-input"),
        ("x // a \x01 b\n1", 7, "Expected end-of-input"),
    ],
)
def test_characters_that_are_not_display_ones(text, start, message):
    """Core's strings and comments take display characters only (Chars.isDisplay): a string that has not
    committed (no escape or interpolation yet) is no string, and the parser stops at its quote; one that
    has stops at the character, expecting its quote; a block comment is no comment; a line comment ends
    before the character, which no token takes."""
    err = error(text)
    assert (err.description, err.span.start) == (message, start)


def test_templates():
    assert expr('"foo#{123}bar"') == ast.Template(("foo", L(123), "bar"))
    assert expr('"#{123}"') == ast.Template((L(123),))
    assert expr('"#{ a }#{ b }"') == ast.Template((I("a"), I("b")))
    assert expr('"a#{ {x: 1}.x }b"') == ast.Template(("a", M(ast.Object((("x", L(1)),)), "x"), "b"))
    assert expr('"#{ "in#{1}" }"') == ast.Template((ast.Template(("in", L(1))),))
    assert expr('"#{\n  1\n}"') == ast.Template((L(1),))


@pytest.mark.parametrize(
    "text, value",
    [
        ("<<+END\na multiline\nstring\nEND", "a multiline\nstring\n"),
        ("<<-END\na multiline\nstring\nEND", "a multiline\nstring\n"),
        ("<<+END\nENDOR\nAPPEND\nEND", "ENDOR\nAPPEND\n"),
        ("<<+END\nEND", ""),
        ("<<-END\nEND", ""),
        ("<<+END\na string\nEND\n \t\n \t", "a string\n"),
        ("<<-END\na string #{str}\nEND", "a string #{str}\n"),
        ("<<+END\na\tmultiline\n   \tstring\n    END", "a\tmultiline\n   \tstring\n"),
        ("<<-  \t  \t END  \t  \t\nmultiline\n  \t  END  \t  \t", "multiline\n"),
        ("<<-END\n  a multiline\n    string\nEND", "a multiline\n  string\n"),
        ("<<-END\n\n\n  a\n\n  b\nEND", "a\n\nb\n"),  # blank lines after the opener are dropped
        ("<<-END\n  a \\n #\nEND", "a \\n #\n"),  # no escapes in heredocs
    ],
)
def test_heredocs(text, value):
    assert expr(text) == L(value)


def test_heredoc_interpolation():
    text = "<<+END\n  a multiline\n    #{'str'}\n      string\nEND"
    assert expr(text) == ast.Template(("a multiline\n  ", L("str"), "\n    string\n"))
    # A line starting with an interpolation has no indentation, so nothing is un-indented.
    assert expr("<<+END\n#{1}\n  b\nEND") == ast.Template((L(1), "\n  b\n"))
    assert expr("<<-EOS\n  hi\n  EOS.length") == M(L("hi\n"), "length")


# -- objects, blocks, chains -------------------------------------------------------------------------


def test_objects_and_blocks():
    assert expr("{}") == ast.Object(())
    assert expr("{a:1,b:2}") == ast.Object((("a", L(1)), ("b", L(2))))
    assert expr("{'a':1}") == ast.Object((("a", L(1)),))
    assert expr('{"":0}') == ast.Object((("", L(0)),))
    assert expr("\n{\na :\n1\n}\n") == ast.Object((("a", L(1)),))
    assert expr("{ if: 1, let: 2, match: 3 }") == ast.Object((("if", L(1)), ("let", L(2)), ("match", L(3))))
    assert expr("{'a'}") == ast.Block((L("a"),))
    assert expr('{"a"}') == ast.Block((L("a"),))
    assert expr("{'a';'b';}") == ast.Block((L("a"), L("b")))
    assert expr("\n{//foo\n'a'//bar\n'b'//baz\n}\n") == ast.Block((L("a"), L("b")))


def test_member_chains():
    assert expr("a.b") == M(I("a"), "b")
    assert expr("a?.b") == M(I("a"), "b", optional=True)
    assert expr("a.b(1)") == ast.Apply(M(I("a"), "b"), (L(1),))
    assert expr("f(1)") == ast.Apply(I("f"), (L(1),))
    assert expr("a[0]") == ast.Index(I("a"), L(0))
    assert expr("a?.[0]") == ast.Index(I("a"), L(0), optional=True)
    assert expr("a?.(x)") == ast.Apply(I("a"), (I("x"),), optional=True)
    assert expr("a!") == ast.NonNull(I("a"))
    assert expr("a!.b!") == ast.NonNull(M(ast.NonNull(I("a")), "b"))
    assert expr("x.if.else") == M(M(I("x"), "if"), "else")
    assert expr("true.log") == M(L(True), "log")


def test_short_lambdas():
    assert expr("f(.x)") == ast.Apply(I("f"), (short(this("x")),))
    assert expr("asc(.x)") == ast.Apply(I("asc"), (short(this("x")),))
    assert expr('f(.["a b"])') == ast.Apply(I("f"), (short(ast.Index(I(THIS), L("a b"))),))
    assert expr("f(.())") == ast.Apply(I("f"), (short(ast.Apply(I(THIS), ())),))
    both = B("&&", B(">", this("age"), L(3)), B("==", this("name"), L("a")))
    assert expr('f(.age > 3 && .name == "a")') == ast.Apply(I("f"), (short(both),))
    assert expr("f(a + .b)") == ast.Apply(I("f"), (short(B("+", I("a"), this("b"))),))
    assert expr("f(!.a)") == ast.Apply(I("f"), (short(ast.Unary("!", this("a"))),))
    assert expr("a[.b]") == ast.Index(I("a"), short(this("b")))
    # `(.x)` is a lambda value anywhere; an operator still folds it into a bigger short lambda.
    assert expr("(.foo)") == short(this("foo"))
    assert expr("(.foo)(x)") == ast.Apply(short(this("foo")), (I("x"),))
    assert expr("f((.a + .b) / 3)") == ast.Apply(I("f"), (short(B("/", B("+", this("a"), this("b")), L(3))),))
    assert expr("f(.a { b })") == ast.Apply(I("f"), (short(ast.Project(this("a"), (("b", this("b")),))),))


@pytest.mark.parametrize(
    "text, column, end",
    [
        (".foo", 1, 4),
        ("{ let a = .foo; 3 }", 11, 14),
        ("2 + .foo", 1, 8),
        ("(.foo + .bar) / 3", 1, 17),
        ("[.a]", 2, 3),
        ("if (.a) 1", 5, 6),
    ],
)
def test_short_lambda_outside_arguments(text, column, end):
    # Core's InvalidShortLambda spans the whole expression the bare `.x` is in, and is underlined.
    err = error(text)
    assert (err.description, err.column, err.span.end, err.marks_span) == ("Invalid anonymous field access", column, end, True)


def test_each_short_lambda_outside_arguments_is_reported():
    # Core's parser goes on after one (ExprParserSpec: `continue`), so each is an error of its own.
    err = error(".a; .b + 1")
    assert [(e.column, e.span.end) for e in (err, *err.more)] == [(1, 2), (5, 10)]


def test_arrows():
    assert expr("x => e") == ast.Arrow(("x",), I("e"))
    assert expr("(x) => e") == ast.Arrow(("x",), I("e"))
    assert expr("(x, y) => e") == ast.Arrow(("x", "y"), I("e"))
    assert expr("() => e") == ast.Arrow((), I("e"))
    assert expr("(x, ...rest) => e") == ast.Arrow(("x",), I("e"), rest="rest")
    assert expr("(...rest) => e") == ast.Arrow((), I("e"), rest="rest")
    assert expr("_ => e") == ast.Arrow(("_",), I("e"))
    assert expr("(_, y) => e") == ast.Arrow(("_", "y"), I("e"))
    assert expr("x => y => x") == ast.Arrow(("x",), ast.Arrow(("y",), I("x")))
    assert expr("x => x + 1") == ast.Arrow(("x",), B("+", I("x"), L(1)))


@pytest.mark.parametrize(
    "text, message",
    [
        ("(x, x) => x", "Duplicate lambda argument"),
        ("(x, ...x) => x", "Duplicate lambda argument"),
        ("('a') => null", "Expected end-of-input"),
        ("(a + 1, ...b) => null", "invalid variadic tuple"),
        ("(...a)", "invalid variadic tuple"),
        ("(...a, b) => null", "Expected `)`"),
        ("a, a => null", "Expected end-of-input"),
        ("x => .a", "Invalid anonymous field access"),
    ],
)
def test_bad_arrows(text, message):
    assert error(text).description.startswith(message)


@pytest.mark.parametrize(
    "text, column",
    [("(1) => 2", 5), ("(a, 1) => 2", 8), ("((a)) => 1", 7), ("(.a) => 1", 6), ("{ (1) => 2 }", 7)],
)
def test_arrow_after_a_tuple_fails_at_the_arrow(text, column):
    """Core's `tupleOrLambda` reads parentheses holding anything but names as a tuple, which no `=>` may
    follow: its parser stops at the `=>`, as after any other operand (`1 => 2`)."""
    failure = error(text)
    assert (failure.description.startswith("Expected "), failure.line, failure.column) == (True, 1, column)


@pytest.mark.parametrize("text", ["(1, ...x)", "(1, ...x) => 1", "(a + 1, ...b) => null"])
def test_invalid_variadic_tuple_underlines_the_list(text):
    """Core's `fail(ParseError("invalid variadic tuple", span(i1, i2)))`: lower case, the whole list."""
    failure = error(text)
    assert (failure.description, failure.span.start, failure.span.end, failure.marks_span) == (
        "invalid variadic tuple",
        0,
        text.index(")") + 1,
        True,
    )


@pytest.mark.parametrize(
    "text, line, column, message",
    [
        ("[1\n2]", 2, 1, "Expected `,` or `]`"),
        ("f(1\n\n  2)", 3, 3, "Expected `)` or `,`"),
        ("(1\n2)", 2, 1, "Expected `)`, `,`, or `...`"),
        ("{a: 1\nb: 2}", 2, 1, "Expected `,` or `}`"),
        ("{a: 1, b: 2 // c\n /* d */ c: 3}", 2, 10, "Expected `,` or `}`"),
        ('"#{1\n2}"', 2, 1, "Expected `}`"),
        ("x { a\n b }", 2, 2, "Expected `,` or `}`"),
        ("match 1\n{ }", 1, 8, "Expected `{`"),
    ],
)
def test_error_inside_brackets_is_past_the_newlines(text, line, column, message):
    """Inside brackets an element, argument, value or `#{}` is core's `expr` (`expr0 ~~ nl`), which takes
    the newlines after it: its parser fails at what follows them. (A `match` scrutinee does not.)"""
    failure = error(text)
    assert (failure.description, failure.line, failure.column) == (message, line, column)


@pytest.mark.parametrize(
    "text, column",
    [("let x = 1; -\nx", 13), ("- /* c */\n1", 10), ("[-\n1]", 3), ("[~\n1]", 3), ("[1].map(x => !\nx)", 15)],
)
def test_unary_operand_is_on_the_operators_line(text, column):
    """Core's unary operator takes blanks, not newlines, before its operand (`op ~~/ ws ~~ term`), and a
    signed number is one literal only on one line: a newline after a unary `-` (as after `!`, `~`) fails."""
    failure = error(text)
    assert (failure.description, failure.line, failure.column) == ("Expected expression", 1, column)


def test_binary_minus_takes_a_newline():
    assert expr("a -\nb") == B("-", I("a"), I("b"))
    assert stmts("a\n-b") == (I("a"), ast.Unary("-", I("b")))


@pytest.mark.parametrize(
    "text, line, column, message",
    [
        ("{ ; 1 }", 1, 5, "Unexpected end of block. Expected statement or expression"),
        ("{;}", 1, 3, "Unexpected end of block. Expected statement or expression"),
        ("{\n;\n}", 3, 1, "Unexpected end of block. Expected statement or expression"),
        ("; // c\n ; 2", 2, 4, "Unexpected end of query. Expected statement or expression"),
        (";1", 1, 2, "Unexpected end of query. Expected statement or expression"),
    ],
)
def test_leading_separators_are_taken_before_no_statement_is_found(text, line, column, message):
    """Core's block body takes a separator run after its (here, no) statements (`blocksep.?`), then finds
    none and reports past the run, even where a statement follows it."""
    failure = error(text)
    assert (failure.description, failure.line, failure.column) == (message, line, column)


@pytest.mark.parametrize(
    "text, column, cause",
    [
        ("let x = 1 2", 11, (0, 9)),
        ("{ let x = 1 2 }", 13, (2, 11)),
        ("let a = 1; let f = x => x )", 27, (11, 25)),
        ("let x = if (true) 1 let y = 2", 21, (0, 19)),
    ],
)
def test_let_followed_by_no_separator_is_a_missing_return(text, column, cause):
    """Core's block body ends at a statement no separator follows; ending on a `let`, it is
    Failure.MissingReturn at whatever follows, caused by that `let` (ExprParser `blockBody0`)."""
    failure = error(text)
    hints = [(kind, message, start, end) for kind, message, start, end, _ in failure.parse_hints]
    assert (failure.description, failure.column, hints) == (
        "Missing return expression",
        column,
        [("cause", "Statement does not return a value", *cause)],
    )


def test_let_then_an_unterminated_comment_reads_on():
    """The REPL keeps reading a comment or string that is still open after a `let`."""
    assert isinstance(error("let x = 1 /* more"), IncompleteInput)


@pytest.mark.parametrize("text", ["1 let x = 2", "let a = 1; 2 3", "let x = [1 2]"])
def test_no_missing_return_where_the_let_is_not_the_statement_cut_short(text):
    assert error(text).description.startswith("Expected ")


@pytest.mark.parametrize(
    "text, column, message",
    [
        ("let x: Int 1", 12, "Expected `=`"),
        ("let x: Int 1 = 2; x", 12, "Expected `=`"),
        ("let x: Array<Int> 1 = 2; x", 19, "Expected `=`"),
        ("let x: Int", 11, "Expected `<` or `=`"),
        ("let x: Int | String", 20, "Expected `<` or `=`"),
        ("let x: Array<Int>", 18, "Expected `=`"),
        ("let x: true", 12, "Expected `=`"),
        ("let x: Int // c", 16, "Expected `=`"),
    ],
)
def test_let_type_that_no_equals_follows(text, column, message):
    """Core's `let` parses its type (Types.expr) and then wants `=` where the type ends; right after a type's
    name it could take that name's `<` too (varType), which comes with no blank before it."""
    failure = error(text)
    assert (failure.description, failure.line, failure.column) == (message, 1, column)


@pytest.mark.parametrize(
    "text, column, word",
    [("{a: 1} { if: 1 }", 10, "if"), ("x { a, null: 1 }", 8, "null"), ("x { a { at: 1 } }", 9, "at")],
)
def test_projection_names_are_identifiers(text, column, word):
    """A projection's field is core's `ident` (`projectElem`), which refuses a keyword; an object's key is
    `objectFieldName`, which takes one (`{ if: 1 }`)."""
    failure = error(text)
    assert (failure.description, failure.column, failure.annotation) == (
        "Invalid identifier",
        column,
        f"`{word}` is a keyword",
    )
    assert expr("x { a: { if: 1 } }") == ast.Project(I("x"), (("a", ast.Object((("if", L(1)),))),))


def test_if_let_at_isa():
    assert expr("if (c) a else b") == ast.IfElse(I("c"), I("a"), I("b"))
    assert expr("if (c) a") == ast.IfElse(I("c"), I("a"), None)
    assert expr("if (c) a else b + 1") == ast.IfElse(I("c"), I("a"), B("+", I("b"), L(1)))
    assert expr("if (a) if (b) c else d") == ast.IfElse(I("a"), ast.IfElse(I("b"), I("c"), I("d")))
    assert expr("if (a) x => 1 else 2") == ast.IfElse(I("a"), ast.Arrow(("x",), L(1)), L(2))
    assert expr("if\n(c)\na\nelse\nb") == ast.IfElse(I("c"), I("a"), I("b"))
    assert stmts("let x = 1\nx") == (ast.Let("x", L(1)), I("x"))
    assert stmts("let x: Int = 1\nx") == (ast.Let("x", L(1), "Int"), I("x"))
    assert stmts("let x: { a: Int, b: String? } | Null = null\nx")[0].type == "{ a: Int, b: String? } | Null"
    assert stmts("let f: (Int) => Int = x => x\nf")[0] == ast.Let("f", ast.Arrow(("x",), I("x")), "(Int) => Int")
    assert stmts("let x\n= 1\nx") == (ast.Let("x", L(1)), I("x"))
    assert stmts("let x =~1\nx") == (ast.Let("x", ast.Unary("~", L(1))), I("x"))
    assert expr("at (t) x") == ast.AtTime(I("t"), I("x"))
    assert expr("x isa String") == B("isa", I("x"), I("String"))


def test_projection():
    fields = (
        ("a", this("a")),
        ("b", B("+", this("x"), L(1))),
        ("c", ast.Project(this("c"), (("d", this("d")),))),
    )
    assert expr("e { a, b: .x + 1, c { d } }") == ast.Project(I("e"), fields)
    # The projection takes the whole operator chain before it.
    assert expr("a ?? b { c }") == ast.Project(B("??", I("a"), I("b")), (("c", this("c")),))
    assert expr("x { a: 5, b: (.y) }") == ast.Project(I("x"), (("a", L(5)), ("b", short(this("y")))))
    assert stmts("x\n{ a }") == (I("x"), ast.Block((I("a"),)))
    assert error("x { * }").description == "project expr not supported"


# -- precedence and associativity (core ExprParser.ExprOpPrecedences) ---------------------------------

#: Binary operators, lowest precedence first.
LEVELS = [
    ["??"],
    ["||"],
    ["&&"],
    ["==", "!=", "=~", "!~"],
    [">", "<", ">=", "<="],
    ["isa"],
    ["|"],
    ["^"],
    ["&"],
    ["+", "-"],
    ["*", "/", "%"],
    ["**"],
]
PRECEDENCE = {op: level for level, ops in enumerate(LEVELS) for op in ops}


@pytest.mark.parametrize("op1, op2", [(a, b) for a, b in itertools.product(PRECEDENCE, repeat=2) if a != b])
def test_precedence(op1, op2):
    got = expr(f"a {op1} b {op2} c")
    if PRECEDENCE[op1] >= PRECEDENCE[op2]:
        assert got == B(op2, B(op1, I("a"), I("b")), I("c"))
    else:
        assert got == B(op1, I("a"), B(op2, I("b"), I("c")))


@pytest.mark.parametrize("op", list(PRECEDENCE))
def test_associativity(op):
    got = expr(f"a {op} b {op} c")
    if op == "**":
        assert got == B(op, I("a"), B(op, I("b"), I("c")))
    else:
        assert got == B(op, B(op, I("a"), I("b")), I("c"))


def test_unary_binds_between_postfix_and_binary():
    assert expr("-x.y") == ast.Unary("-", M(I("x"), "y"))
    assert expr("-x ** 2") == B("**", ast.Unary("-", I("x")), L(2))
    assert expr("-2 ** 2") == B("**", L(-2), L(2))
    assert expr("!a && b") == B("&&", ast.Unary("!", I("a")), I("b"))
    assert expr("!~a") == ast.Unary("!", ast.Unary("~", I("a")))
    assert expr("!-5.abs()") == ast.Unary("!", ast.Apply(M(L(-5), "abs"), ()))
    assert expr("!a!") == ast.Unary("!", ast.NonNull(I("a")))
    assert expr("a!= b") == B("!=", I("a"), I("b"))
    assert expr("a !~b") == B("!~", I("a"), I("b"))


def test_long_chain_does_not_nest_the_parser():
    node = expr("+".join(str(i) for i in range(10001)))
    depth = 0
    while isinstance(node, ast.Binary):
        node, depth = node.left, depth + 1
    assert (depth, node) == (10000, L(0))


def test_deep_nesting_does_not_recurse():
    """The Transformer runs inside the LALR loop, so nesting costs no Python stack while parsing."""
    assert expr("(" * 3000 + "1" + ")" * 3000) == L(1)
    node = expr("a" + ".b" * 3000)
    assert isinstance(node, ast.Member) and node.span.end == 6001


# -- newline rules (§3.1) -----------------------------------------------------------------------------


@pytest.mark.parametrize("op", ["??", "||", "&&", "|", "^", "&"])
def test_operators_that_may_start_a_line(op):
    assert expr(f"a\n{op} b") == B(op, I("a"), I("b"))
    assert expr(f"a // note\n\n{op} b") == B(op, I("a"), I("b"))


@pytest.mark.parametrize("op", ["==", "!=", "=~", ">", "<", ">=", "<=", "*", "/", "%", "**", "isa", "+"])
def test_operators_that_may_not_start_a_line(op):
    with pytest.raises(ParseError):
        parse(f"a\n{op} b", "v10")


def test_unary_operators_start_a_new_statement():
    assert stmts("a\n- b") == (I("a"), ast.Unary("-", I("b")))
    assert stmts("a\n!~ b") == (I("a"), ast.Unary("!", ast.Unary("~", I("b"))))


@pytest.mark.parametrize("op", list(PRECEDENCE))
def test_newline_after_operator(op):
    assert expr(f"a {op}\n  b") == B(op, I("a"), I("b"))


def test_newlines():
    assert stmts("a\n+ 1") == (I("a"), L(1))
    assert expr("a\n.b\n?.c") == M(M(I("a"), "b"), "c", optional=True)
    assert expr("a.\nb") == M(I("a"), "b")
    assert stmts("f\n(1)") == (I("f"), L(1))
    assert stmts("a\n[1]") == (I("a"), ast.Array((L(1),)))
    assert stmts("a\n!b") == (I("a"), ast.Unary("!", I("b")))
    assert expr("f(\n  1,\n  2\n)") == ast.Apply(I("f"), (L(1), L(2)))
    assert expr("\n [ \n 1 \n , \n 2 \n ] \n") == ast.Array((L(1), L(2)))
    assert expr("x =>\n  x") == ast.Arrow(("x",), I("x"))
    assert stmts("a; b;") == stmts("a\n\n\nb\n") == stmts("a;;\n;b") == (I("a"), I("b"))
    assert stmts("a // comment\nb") == (I("a"), I("b"))
    assert expr("{ a }\n.b") == M(ast.Block((I("a"),)), "b")


def test_newline_inside_parentheses_still_ends_an_operand():
    # Core skips newlines only around `,` and the brackets, so `(a\n+ b)` is an error there too.
    assert error("(a\n+ b)").description == "Expected `)`, `,`, or `...`"
    assert error("[1\n2]").description == "Expected `,` or `]`"


def test_block_comment_is_not_a_separator():
    err = error("a /*\n*/ b")
    assert (err.description, err.line, err.column) == ("Expected end-of-input", 2, 4)


# -- keywords and reserved names ---------------------------------------------------------------------


@pytest.mark.parametrize("word", sorted(v10.KEYWORDS - {"null", "true", "false"}))
def test_keywords_are_not_variables(word):
    err = error(f"let {word} = 3\n1")
    # core's Failure.InvalidIdent: the message, and the reason as the annotation after the carets.
    assert (err.description, err.annotation) == ("Invalid identifier", f"`{word}` is a keyword")
    assert (err.line, err.column) == (1, 5)


@pytest.mark.parametrize("name", ["FQL", "_"])
def test_reserved_variables(name):
    # core's letStmt refuses them with the keywords' error (Tokens.invalidVariables).
    err = error(f"let {name} = 3\n1")
    assert (err.description, err.annotation) == ("Invalid identifier", f"`{name}` is a keyword")


def test_reserved_keywords_elsewhere():
    assert error("join").detail == "Invalid identifier: `join` is a keyword"
    # Core parses `match` and its patterns, and refuses to run it, over the whole expression.
    err = error("match x { case 1 => 2 }")
    assert (err.description, err.span.start, err.span.end) == ("match expr not supported", 0, 23)
    assert expr("FQL.log") == M(I("FQL"), "log")


# -- errors: description, line, column, source line; incomplete input --------------------------------


def test_error_position_and_caret():
    err = error("let x = 1\nx +* 2")
    assert (err.line, err.column, err.source_line) == (2, 4, "x +* 2")
    assert err.v10_code == "invalid_query"
    assert str(err).splitlines()[-2:] == ["x +* 2", "   ^"]
    assert (err.span.start, err.span.end) == (13, 14)


@pytest.mark.parametrize(
    "text, message, line, column",
    [
        ("{ a: 2, a: 3 }", "Duplicate key", 1, 9),
        ('{ "#{3}": 2 }', "Object keys do not support interpolation", 1, 6),  # at the interpolated expression
        ('{ x; let y = "foo" }', "Missing return expression", 1, 20),
        ("{\n  x\n  let x = 'foo' \n}", "Missing return expression", 4, 1),
        ("}", "Unexpected end of query. Expected statement or expression", 1, 1),
        ("2 3", "Expected end-of-input", 1, 3),
        ("foo(,)", "Expected `)` or expression", 1, 5),
        ("a[]", "Indexing takes one argument, 0 given", 1, 1),
        ("a[1, 2]", "Indexing takes one argument, 2 given", 1, 1),
        ("x { }", "Expected `*` or identifier", 1, 5),
        ("1 @ 2", "Expected end-of-input", 1, 3),
        ("a # b", "Expected end-of-input", 1, 3),
        ("let a: = 1\na", "Expected type", 1, 8),
        ("(3.)", "Expected digit or identifier", 1, 4),
        ("0x1.5", "Expected identifier", 1, 5),  # core's altinteger takes no fraction
        ("(- 0b1.)", "Expected identifier", 1, 8),
        ("a->b", "Expected end-of-input", 1, 2),  # core's binaryop refuses `->`: no `a - (>b)`
        ("[1, 2 -> 3]", "Expected `,` or `]`", 1, 7),
    ],
)
def test_errors(text, message, line, column):
    err = error(text)
    assert err.description.startswith(message)
    assert (err.line, err.column) == (line, column)
    assert not isinstance(err, IncompleteInput)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "  \n ",
        "(",
        "f(a,",
        "[1",
        "{",
        "{ a:",
        "let x =",
        "if (x)",
        "a +",
        "let x = 1",
        '"abc',
        "'a",
        '"#{1',
        "/* a /* b */",
        "<<-END\nabc",
        "<<+END\n#{x}",
        "x =>",
        "a.",
        "let a: Int",
        "if (true) 3 else",
    ],
)
def test_incomplete_input(text):
    """Text that ends too early raises IncompleteInput, so a REPL keeps reading."""
    with pytest.raises(IncompleteInput):
        parse(text, "v10")


def test_missing_return_at_the_end_of_a_query_is_incomplete():
    err = error("let x = 1")
    assert isinstance(err, IncompleteInput) and err.description == "Missing return expression"


def test_every_prefix_parses_or_raises_parse_error():
    """No cut of a valid query makes the parser fail with anything but a ParseError (no traceback reaches a user)."""
    for text in EXAMPLES.values():
        for end in range(len(text)):
            try:
                parse(text[:end], "v10")
            except ParseError as err:
                assert err.line >= 1 and err.column >= 1



def test_a_brace_closing_a_parenthesis_before_a_keyword_is_a_parse_error():
    # `(t1at { .. } }`: the second `}` closes the `(`, so the lexer saw more `{` than projections when it
    # met the keyword `at` (found by mutating fixtures/v10/at.fql).
    err = error('[at (t2) { at (t1at { 1 } }, at (t1) { 2 }]')
    assert (err.line, err.column) >= (1, 1)

# -- spans ---------------------------------------------------------------------------------------------


def test_spans():
    program = parse("foo.bar(1)\n  { a: [1, 2] }", "v10")
    call, obj = program.body
    assert (call.span.start, call.span.end) == (0, 10)
    assert (call.fn.span.start, call.fn.span.end) == (0, 7)
    assert (call.args[0].span.line, call.args[0].span.column) == (1, 9)
    assert (obj.span.line, obj.span.column, obj.span.end_column) == (2, 3, 16)
    arrow = expr("x.where(.a > 1)").args[0]
    assert (arrow.span.start, arrow.span.end) == (8, 14)
    assert (arrow.body.left.obj.span.start, arrow.body.left.obj.span.end) == (8, 8)  # $this: empty, at the dot


def test_v4_still_parses():
    assert parse("Add(1, 2)") == ast.Program((ast.Call("Add", (L(1), L(2))),))


def test_nesting_past_the_recursion_limit_is_a_stack_overflow_error():
    # Under Python's default limit the parser's own recursion runs out first (a raised limit, as the
    # server's worker pools set, lets deeper queries parse).
    previous = sys.getrecursionlimit()
    sys.setrecursionlimit(1000)
    try:
        with pytest.raises(StackOverflow):
            parse('"' + '#{"' * 600 + "1" + '"}' * 600 + '"', "v10")
    finally:
        sys.setrecursionlimit(previous)
