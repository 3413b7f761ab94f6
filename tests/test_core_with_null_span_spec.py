"""Core's WithNullSpanSpec (ext/fql/shared/src/test/scala/ast/): a parsed tree with its places taken out
(core's `withNullSpan`) equals the tree written without them, for every kind of node. fql's nodes leave
their span out of equality, so a parsed tree equals one built without spans; a `let`'s parsed
annotation keeps where its named types start (signatures' `Name.start`), taken out here as core takes
out a TypeExpr's span. Each expected tree is core's restated in fql's nodes (see
tests/test_core_expr_parser_spec.py for how they map). Every case is ported.
"""

from __future__ import annotations

import attrs

from fql import ast
from fql.ast import THIS
from fql.eval.v10 import signatures as sig
from fql.parse import parse

I, L, M, B = ast.Ident, ast.Literal, ast.Member, ast.Binary


def block(text: str) -> ast.Block:
    (node,) = parse(text, "v10").body
    assert isinstance(node, ast.Block)
    return node


def nulled(value: object) -> object:
    """A type tree without where its names start."""
    if attrs.has(type(value)):
        changes = {f.name: nulled(getattr(value, f.name)) for f in attrs.fields(type(value))}
        if "start" in changes and isinstance(value, sig.Name):
            changes["start"] = 0
        return attrs.evolve(value, **changes)
    if isinstance(value, tuple):
        return tuple(nulled(v) for v in value)
    return value


def this(name: str) -> ast.Member:
    return M(I(THIS), name)


def test_nullify_ids_lits_str_templates_operator_calls():
    assert block("{ foo + 1 + 'hi' + \"hi\" + \"hello #{2 + 3}\" }") == ast.Block(
        (B("+", B("+", B("+", B("+", I("foo"), L(1)), L("hi")), L("hi")), ast.Template(("hello ", B("+", L(2), L(3))))),)
    )


def test_nullify_blocks_if_at_if_else():
    assert block("{ if (true) 1 else 2; if (true) 2; at (3) 4 }") == ast.Block(
        (ast.IfElse(L(True), L(1), L(2)), ast.IfElse(L(True), L(2)), ast.AtTime(L(3), L(4)))
    )


def test_nullify_lambdas():
    # `(.x)`: core's Tuple of a ShortLambda; fql's lambda of `$this`.
    assert block("{ (x) => x + 2; (.x) }") == ast.Block(
        (ast.Arrow(("x",), B("+", I("x"), L(2))), ast.Arrow((THIS,), this("x")))
    )


def test_nullify_objects_and_projections():
    assert block("{ { a: 2, c: 3 } { a, b: .c, foo { bar } } }") == ast.Block(
        (
            ast.Project(
                ast.Object((("a", L(2)), ("c", L(3)))),
                (("a", this("a")), ("b", this("c")), ("foo", ast.Project(this("foo"), (("bar", this("bar")),)))),
            ),
        )
    )


def test_nullify_tuples_and_arrays():
    # A tuple of two is an array, `()` an empty one, `(1)` its element.
    assert block("{ (1, 2); [1, 2, 3]; (); (1) }") == ast.Block(
        (ast.Array((L(1), L(2))), ast.Array((L(1), L(2), L(3))), ast.Array(()), L(1))
    )


def test_nullify_method_chains():
    # One chain with every combination of optionals: core's Apply, Select, Bang and MethodCall links.
    foo = ast.Apply(ast.Apply(I("foo"), ()), (), True)
    chain = ast.NonNull(M(M(foo, "bar"), "baz", True))
    chain = ast.Apply(M(chain, "foo"), ())
    chain = ast.Apply(M(chain, "bar"), (), True)
    chain = ast.Apply(M(chain, "baz", True), ())
    chain = ast.Apply(M(chain, "baz", True), (), True)
    assert block("{ foo()?.().bar?.baz!.foo().bar?.()?.baz()?.baz?.() }") == ast.Block((chain,))


def annotation(text: str) -> object:
    let, rest = block(text).body
    assert isinstance(let, ast.Let) and let.name == "foo" and let.value == I("bar") and rest == I("foo")
    return nulled(let.annotation)


def test_nullify_type_expr_hole_any_never_singleton_id_and_cons():
    assert annotation("{ let foo: _ & Any & Never & 2 & Foo & Array<3> = bar; foo }") == sig.IntersectType(
        (
            sig.Name("_"),
            sig.Keyword("Any"),
            sig.Keyword("Never"),
            sig.Singleton(2),
            sig.Name("Foo"),
            sig.Name("Array", (sig.Singleton(3),)),
        )
    )


def test_nullify_type_expr_interface_tuple_and_lambda():
    text = "{ let foo: { foo: 3, ... } & [1, 2] & (3 => a) & ((_: 3) => a) & ((a: 3) => a) & ((a, ...b) => a) = bar; foo }"
    a = sig.Name("a")
    assert annotation(text) == sig.IntersectType(
        (
            sig.ObjectType((("foo", sig.Singleton(3)),), interface=True),
            sig.TupleType((sig.Singleton(1), sig.Singleton(2))),
            sig.LambdaType((sig.Singleton(3),), a),
            sig.LambdaType((sig.Singleton(3),), a, names=("_",)),
            sig.LambdaType((sig.Singleton(3),), a, names=("a",)),
            sig.LambdaType((a,), a, variadic=sig.Name("b"), names=(None,)),
        )
    )


def test_nullify_type_union_and_intersect():
    assert annotation("{ let foo: 2 | 3 & 4 = bar; foo }") == sig.UnionType(
        (sig.Singleton(2), sig.IntersectType((sig.Singleton(3), sig.Singleton(4))))
    )
