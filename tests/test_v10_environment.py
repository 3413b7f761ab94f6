"""fql/eval/v10/environment.py: user collections' and functions' types as core's environment shows them
(its CollectionTypeInfo and typer display), beyond the cases FQL2EnvironmentEndpointSpec checks
(tests/server/test_core_api_environment.py)."""

from __future__ import annotations

import pytest

import fql
from fql.eval.v10 import signatures as sig
from fql.eval.v10.environment import complete, document_shapes, function_signature, show


@pytest.mark.parametrize(
    ("signature", "shown"),
    [
        ("String?", "String | Null"),
        ("Null | String", "String | Null"),
        ('"a" | String', "String"),
        ("true | false", "Boolean"),
        ("{ a: Int } | Array<Int> | Int", "Int | Array<Int> | { a: Int }"),
        ("Array<Int?>", "Array<Int | Null>"),
        ("{ a: String?, *: Any }", "{ a: String | Null, *: Any }"),
        ("[Int, String]", "[Int, String]"),
    ],
)
def test_types_show_as_the_typer_shows_them(signature, shown):
    assert show(sig.parse(signature)) == shown


def test_create_and_update_take_numbers_and_defaults():
    """A number field is any Number in a create; a field with a default, and every field of an update,
    may be left out (core's createUserFields and updateUserFields)."""
    definition = {"fields": {"n": {"signature": "Int"}, "s": {"signature": "String", "default": '"x"'}}}
    shapes = document_shapes("Thing", definition)
    fields = shapes["ThingCollection"].fields
    assert fields["create"] == "(data: { id: ID | Null, n: Number, s: String | Null }) => Thing"
    assert shapes["Thing"].fields["update"] == "(data: { n: Number | Null, s: String | Null }) => Thing"
    assert shapes["Thing"].alias == "{ id: ID, ts: Time, ttl: Time | Null, n: Int, s: String }"


def test_document_ttls_and_wildcards():
    """`ttl` is taken where documents may have one, refused (`Null`) under a wildcard otherwise."""
    with_wildcard = {"fields": {"n": {"signature": "Int"}}, "wildcard": "Any"}
    create = document_shapes("T", with_wildcard)["TCollection"].fields["create"]
    assert create == "(data: { id: ID | Null, ttl: Null, data: Null, n: Number, *: Any }) => T"
    ttls = {"fields": {"n": {"signature": "Int"}}, "document_ttls": True}
    assert document_shapes("T", ttls)["TCollection"].fields["create"] == (
        "(data: { id: ID | Null, ttl: Time | Null, n: Number }) => T"
    )


def test_index_methods_take_their_terms_types():
    """An mva term takes an element of the array; a path the fields do not name is Any."""
    definition = {
        "fields": {"tags": {"signature": "Array<String>"}, "a": {"signature": "{ b: Int }"}},
        "indexes": {
            "byTag": {"terms": [{"field": ".tags", "mva": True}, {"field": "a.b"}, {"field": ".nope"}]},
            "all2": {"values": [{"field": ".tags"}]},
        },
    }
    fields = document_shapes("T", definition)["TCollection"].fields
    assert fields["byTag"].startswith("((term1: String, term2: Int, term3: Any) => Set<T>) & ")
    assert fields["all2"].startswith("(() => Set<T>) & ((range: ")


@pytest.mark.parametrize(
    ("body", "signature", "typechecked", "shown"),
    [
        ("x => x", "(String) => String", True, "(x: String) => String"),
        ("(x, y) => x", "(Int, String) => Int", True, "(x: Int, y: String) => Int"),
        ("(_, y) => y", "(Int, String) => String", True, "(Int, y: String) => String"),
        ("(x, ...rest) => x", "(Int, ...String) => Int", True, "(x: Int, rest: ...String) => Int"),
        ("x => x", None, True, "Any"),
        ("x => x", "(String) => String", False, "Any"),
    ],
)
def test_function_signatures(body, signature, typechecked, shown):
    """A function's type is its declared signature, named as its body names its parameters, where the
    database is typechecked (where core's typer keeps an internal signature)."""
    data = {"name": "f", "body": body, **({"signature": signature} if signature else {})}
    assert function_signature(data, typechecked) == shown


def test_v4_functions_and_collections_with_other_names():
    """A v4 function is `UserFunction<Any>`; a collection named with no identifier is left out."""
    db = fql.connect()
    db.query('CreateFunction({ name: "v4fn", body: Query(Lambda("x", Var("x"))) })')
    db.query('CreateCollection({ name: "a-b" })')
    env, _ = db.transact(complete)
    assert env["globals"]["v4fn"] == "UserFunction<Any>"
    assert not any("a-b" in name for name in env["globals"])


def test_field_names_show_as_core_displays_them_in_both_displays():
    """Core's Display.displayFieldName: an identifier that is no keyword as it is, any other name between
    double quotes with nothing escaped. The environment's types and the typer's (a `static_type`, an
    error's type) show a field so alike."""
    from fql.typer import check, display

    definition = {"fields": {"é t": {"signature": "Int"}, "if": {"signature": "String"}, "a_1": {"signature": "Int"}}}
    alias = document_shapes("T", definition)["T"].alias
    assert alias == '{ id: ID, ts: Time, ttl: Time | Null, "é t": Int, "if": String, a_1: Int }'
    assert show(sig.parse('{ "é t": Int, "if": String }')) == '{ "é t": Int, "if": String }'
    query = fql.parse('{ "é t": 1, "if": "x", a_1: 2 }', "v10")
    assert display(check(query).type) == '{ "é t": 1, "if": "x", a_1: 2 }'


def test_a_let_annotation_is_read_once_by_the_parser():
    """The parser keeps the annotation it checked on the `let` (the checker reads that, not the text)."""
    let = fql.parse("let x: Int | String = 1\nx", "v10").body[0]
    assert let.type == "Int | String" and let.annotation == sig.parse("Int | String")
