"""Core's FSLNodeParserSpec (ext/fql/shared/src/test/scala/parser/): its "raw parser" cases, an FSL file
read into nodes (core's FSL.Node) before they are checked. fql's reader is fql.schema.parser.read, its
nodes fql/schema/nodes.py: each expected node here is core's with its spans, restated in fql's shapes (a
keyword, a name, a value and where each is; a Block, Paths, Function, Lit, Field or Migration where
core has one; core's FSL.Invalid is nodes.Invalid). Where core keeps the span of a bracket (`{`, `(`),
fql keeps where the value starts and ends, so those are compared.

The spec's error cases (its `schemaErr` and `rawErr`, every one) are ported in tests/schema/
test_parser.py (CORE_NODE_ERRORS), and "parse invalid function bodies" / the invalid-value cases of
"error functions nicely" there too (INVALID_FUNCTIONS, the error core's converter gives their invalid
value): fql's `read` is for files that parse, so those fail it, as core's second phase fails them.
Every case is ported.
"""

from __future__ import annotations

from fql import ast
from fql.eval.v10 import signatures as sig
from fql.schema.display import Group
from fql.schema.nodes import Annotation, Arg, Block, Field, Function, Invalid, Lit, Migration, Name, Node, Paths, Term, Type
from fql.schema.parser import parse, read
from fql.schema.patch import after_comment


def node(kw: tuple[str, int, int], name: tuple[str, int, int] | None, value: object, start: int, end: int, annotations=()) -> Node:
    return Node(Name(*kw), Name(*name) if name else None, value, start, end, list(annotations))


def test_parse_raw_items():
    assert read("collection Foo {}") == [node(("collection", 0, 10), ("Foo", 11, 14), Block([], 15, 17), 0, 17)]
    assert read("foo bar {}") == [node(("foo", 0, 3), None, Invalid(4, 10), 0, 10)]


def test_parse_annotations():
    assert read("@alias(foo) @role(bar) baz {}") == [
        node(
            ("baz", 23, 26),
            None,
            Invalid(27, 29),
            0,
            29,
            [
                Annotation(Name("alias", 1, 6), Name("foo", 7, 10), 0, 11),
                Annotation(Name("role", 13, 17), Name("bar", 18, 21), 12, 22),
            ],
        )
    ]


def test_parse_paths():
    # Core's short lambdas `.x`, `.y` and `.[3].foo`: fql keeps each as its path.
    paths = Paths([Term(("x",), (), 7, 9), Term(("y",), (), 11, 13), Term((3, "foo"), (), 15, 23)], 6, 24)
    assert read("terms [.x, .y, .[3].foo]") == [node(("terms", 0, 5), None, paths, 0, 24)]


def test_parse_functions():
    (fn,) = read("function foo(x, y: Int) { 0 }")
    assert (fn.kw, fn.name, fn.start, fn.end) == (Name("function", 0, 8), Name("foo", 9, 12), 0, 29)
    args = [Arg(Name("x", 13, 14), None, False, 13, 14), Arg(Name("y", 16, 17), Type(sig.Name("Int"), 19, 22, 17), False, 16, 22)]
    # `(` at 12, `)` at 22, the body's block from 24 to 29.
    assert fn.value == Function(args, 12, 22, None, (ast.Literal(0),), 12, 29, 25)


def test_parse_variadic_functions():
    (fn,) = read("function foo(x, ...y) { 0 }")
    assert (fn.kw, fn.name, fn.start, fn.end) == (Name("function", 0, 8), Name("foo", 9, 12), 0, 27)
    # Core's VarArg: `...` at (16, 19), its name at (19, 20).
    args = [Arg(Name("x", 13, 14), None, False, 13, 14), Arg(Name("y", 19, 20), None, True, 16, 20)]
    assert fn.value == Function(args, 12, 20, None, (ast.Literal(0),), 12, 27, 23)


def test_allow_whitespace_before_arg_list():
    (fn,) = read("function foo () { 0 }")
    assert (fn.kw, fn.name, fn.start, fn.end) == (Name("function", 0, 8), Name("foo", 9, 12), 0, 21)
    assert fn.value == Function([], 13, 14, None, (ast.Literal(0),), 13, 21, 17)


def test_parse_lits():
    assert read("history_days bar 3") == [node(("history_days", 0, 12), ("bar", 13, 16), Lit(ast.Literal(3), 17, 18), 0, 18)]
    (ttl,) = read("ttl_days bar 2 + 3")
    assert ttl == node(("ttl_days", 0, 8), ("bar", 9, 12), Lit(ast.Binary("+", ast.Literal(2), ast.Literal(3)), 13, 18), 0, 18)


def test_parse_access_providers():
    assert read("access provider foo {}") == [
        node(("access provider", 0, 15), ("foo", 16, 19), Block([], 20, 22), 0, 22)
    ]
    role = node(("role", 22, 26), ("foo", 27, 30), None, 22, 30)
    assert read("access provider foo { role foo }") == [
        node(("access provider", 0, 15), ("foo", 16, 19), Block([role], 20, 32), 0, 32)
    ]


def test_parse_predicate_and_allow_newline():
    # Core's Tuple of the lambda: fql's reader keeps the parentheses as a Group.
    lam = ast.Arrow(("x",), ast.Ident("x"))
    (pred,) = read("predicate\n(x => x)")
    assert pred == node(("predicate", 0, 9), None, Lit(Group((lam,)), 10, 18), 0, 18)
    (inner,) = pred.value.node.items
    assert (inner.span.start, inner.span.end) == (1, 7)  # (11, 17) in the file: a Lit's spans count from its start


def test_parse_computed_fields():
    lam = ast.Arrow(("x",), ast.Binary("+", ast.Ident("x"), ast.Literal(3)))
    (field,) = read("compute foo = x => x + 3")
    assert field == node(("field", 0, 8), ("foo", 8, 11), Field("compute", None, Lit(lam, 14, 24), 14, 24), 0, 24)


MIGRATIONS = """collection Foo {
  migrations {
    backfill .foo = 3

    split .a -> .B, .C, .X
    drop .X

    move .foo -> .bar

    add .T
  }
}"""


def test_parse_migration_blocks():
    def term(name: str, start: int) -> Term:
        return Term((name,), (), start, start + 1 + len(name))

    def migration(kind: str, start: int, end: int, *paths: Term, value: Lit | None = None) -> Node:
        return node((kind, start, start + len(kind)), None, Migration(kind, paths, value, start, end), start, end)

    inner = [
        migration("backfill", 36, 53, term("foo", 45), value=Lit(ast.Literal(3), 52, 53)),
        migration("split", 59, 81, term("a", 65), term("B", 71), term("C", 75), term("X", 79)),
        migration("drop", 86, 93, term("X", 91)),
        migration("move", 99, 116, term("foo", 104), term("bar", 112)),
        migration("add", 122, 128, term("T", 126)),
    ]
    migrations = node(("migrations", 19, 29), None, Block(inner, 30, 132), 19, 132)
    assert read(MIGRATIONS) == [node(("collection", 0, 10), ("Foo", 11, 14), Block([migrations], 15, 134), 0, 134)]


SEMICOLONS = """;
collection Foo {
  ;
  ;
  history_days 3 ;;
  ;
  index byFoo {} ;; /* comment */
} ;;

collection Bar { ; };
"""


def test_parse_semicolons_like_crazy():
    # A node's span takes the semicolons after it on its line, not those on the next, nor a comment.
    history = node(("history_days", 29, 41), None, Lit(ast.Literal(3), 42, 43), 29, 46)
    index = node(("index", 53, 58), ("byFoo", 59, 64), Block([], 65, 67), 53, 70)
    assert read(SEMICOLONS) == [
        node(("collection", 2, 12), ("Foo", 13, 16), Block([history, index], 17, 86), 2, 89),
        node(("collection", 91, 101), ("Bar", 102, 105), Block([], 106, 111), 91, 112),
    ]


def test_rewinds_semicolons_correctly():
    index = node(("index", 17, 22), None, None, 17, 23)
    foo = node(("foo", 24, 27), None, Invalid(28, 28), 24, 28)
    assert read("collection Foo { index; foo }") == [
        node(("collection", 0, 10), ("Foo", 11, 14), Block([index, foo], 15, 29), 0, 29)
    ]


def test_error_nicely():
    # These all read, an unknown word taking the rest as invalid text; the converter names them.
    for text, end in [("foo", 3), ("foo bar", 7), ("foo bar baz", 11), ("foo bar baz baz", 15), ("foo bar baz {}", 14), ("foo bar baz 3", 13)]:
        (item,) = read(text)
        assert (item.kw, item.name, item.start, item.end) == (Name("foo", 0, 3), None, 0, end)
        assert isinstance(item.value, Invalid)


def invalid_member(text: str) -> list[Node]:
    (collection,) = read(text)
    assert collection.kw == Name("collection", 0, 10) and collection.name == Name("foo", 11, 14)
    assert collection.end == len(text.rstrip()) and text[collection.value.end - 1] == "}"
    return collection.value.items


def test_parse_invalid_chars():
    # Brace matching: the invalid text ends with the `{}` it opened, before the block's `}`.
    assert invalid_member("collection foo { bar {} }") == [node(("bar", 17, 20), None, Invalid(21, 24), 17, 24)]
    for text in [
        "collection foo { bar {}; }",
        "collection foo {\nbar {}\n}",
        "collection foo { foo() }",
        "collection foo { foo) }",
        "collection foo { foo( }",
        "collection foo { foo((( }",
        "collection foo { foo(]] }",
        "collection foo { foo(])) }",
        "collection foo { foo(\n) }",
        "collection foo { foo(\n) '}' }",
        'collection foo { foo(\n) "}" }',
        'collection foo { foo(\n) "foo}" }',
    ]:
        (member,) = invalid_member(text)
        assert isinstance(member.value, Invalid), text
    assert [m.kw.text for m in invalid_member("collection foo {\nbar {}\nfoo{} }")] == ["bar", "foo"]


def test_parse_comments_in_invalid_chars():
    for text in [
        "collection foo { foo(\n) /* } */ }",
        "collection foo { foo(\n) // }\n }",
        "collection foo { foo(\n) /* /* */ } */ }",
    ]:
        (member,) = invalid_member(text)
        assert isinstance(member.value, Invalid), text


DOC_COMMENTS = """// Foo
collection Foo {}

// Free comment

collection Bar {}

// Baz
// Fizz
// Buzz
function baz() { 42 }
"""


def doc_comment(text: str, item) -> str:
    """The doc comment an item's span begins with (core's docComment)."""
    start, end = item.span
    return text[start : after_comment(text, start, end)]


def test_parse_doc_comments_associated_with_each_top_level_node():
    foo, bar, baz = parse(DOC_COMMENTS)
    assert [foo.name, bar.name, baz.name] == ["Foo", "Bar", "baz"]
    assert doc_comment(DOC_COMMENTS, foo) == "// Foo\n"
    assert doc_comment(DOC_COMMENTS, bar) == ""
    assert doc_comment(DOC_COMMENTS, baz) == "// Baz\n// Fizz\n// Buzz\n"


def test_parse_newlines_in_signatures():
    (fn,) = read("function foo(\n  x: Int\n) {\n  x\n}\n")
    assert fn.value.args == [Arg(Name("x", 16, 17), Type(sig.Name("Int"), 19, 22, 17), False, 16, 22)]
    assert fn.value.body == (ast.Ident("x"),)
