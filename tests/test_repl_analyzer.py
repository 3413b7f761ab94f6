"""The REPL's completion against core's analyzer specs (ext/fql/shared/src/test/scala/analyzer/
QueryCompletionSpec.scala, AnalyzerUtilSpec.scala): the cases that apply to a REPL that completes the
text before the cursor. Core returns every candidate and lets the editor filter; fql filters by the word
typed, so each case here names what core's list holds of the word typed."""

from __future__ import annotations

import io
import re
import time

import pytest

import fql  # noqa: F401 - loads the built-ins
from fql.repl.completer import Catalog, Suggestion, complete, suggest_type
from fql.values import Timestamp

NAMES = Catalog(collections=("People",), variables={"when": Timestamp(0), "n": 3})


def texts(text: str) -> list[str]:
    return [c.text for c in complete(text, "v10", NAMES)]


def test_local_variables_are_offered_first():
    # "complete local variables": `let foo = 2; f|` offers foo, before the globals.
    assert texts("let foo = 2; f")[0] == "foo"
    assert texts("let foo = 2\nf")[0] == "foo"
    assert complete("let foo = 2; f", "v10", NAMES)[0].meta == "variable"


@pytest.mark.parametrize(
    "text, offered, hidden",
    [
        # "handles nested local variables correctly"
        ("{ let foo = 2 }; f", [], ["foo"]),
        ("let foo = Time.now(); { let foo = 2; 0 }; f", ["foo"], []),
        ("let bar = Time.now(); { let baz = 2; b", ["bar", "baz"], []),
        ("let bar = Time.now(); { let baz = 2; 0 }; b", ["bar"], ["baz"]),
        # "complete lambdas": parameters in the body, `_` never.
        ("a => ", ["a"], []),
        ("(a, b) => ", ["a", "b"], []),
        ("(a, _) => ", ["a"], ["_"]),
        ("[1].map(x => x + 1).concat(", [], ["x"]),
        # a `let` is not in scope in its own value ("allow let statements at the end of a block").
        ("let foo = f", [], ["foo"]),
    ],
)
def test_scopes(text, offered, hidden):
    found = [c.text for c in complete(text, "v10", NAMES) if c.meta in ("variable", "parameter")]
    assert [name for name in offered if name not in found] == []
    assert [name for name in hidden if name in found] == []


def test_a_let_binding_its_name_offers_nothing():
    # "complete lets": `let |a = 2` and `let a| = 2` complete nothing.
    assert suggest_type("let ", "v10") == (Suggestion("none", ""),)
    assert texts("let fo") == []
    assert texts("let a = 2; let T") == []


@pytest.mark.parametrize("text", ["Time.now()", "Time!", "Time.now!", "'a'", "[1, 2]", "Add(1, 2)"])
def test_nothing_right_after_a_value(text):
    # "complete fields on result of calls" / "complete with bang": `Time.now()|.year` and `Time!|()` offer nothing.
    assert texts(text) == []


def test_members_of_a_local_variable_by_its_type():
    # `let foo = Time.now(); foo.|` offers Time's members.
    found = complete("let foo = Time.now(); foo.", "v10", NAMES)
    assert {"add", "month", "year", "toString"} <= {c.text for c in found}
    assert all(c.meta.startswith("Time.") for c in found)
    assert texts("let foo = Time.now(); foo.ye") == ["year"]
    assert texts("let s = 'a'; s.toU") == ["toUpperCase"]


def test_members_of_a_call_result_by_its_type():
    # "complete fields on result of calls": `Time.now().|` offers Time's members, nothing else.
    found = complete("Time.now().", "v10", NAMES)
    assert {"add", "year"} <= {c.text for c in found}
    assert all(c.meta.startswith("Time.") for c in found)
    assert texts("Math.abs(-1).toS") == ["toString"]
    assert texts("[1, 2].map(x => x).fla") == ["flatMap", "flatten"]


def test_members_of_literals():
    # "complete fields of literals": numbers, booleans, arrays, strings, templates.
    assert texts("2.toS") == ["toString"]
    assert texts("2.0.toS") == ["toString"]
    assert texts("true.toS") == ["toString"]
    assert "toString" in texts("false.")
    assert "take" in texts("[1, 2].")
    assert texts('"hello #{2 + 3}".toU') == ["toUpperCase"]


def test_object_fields():
    # "complete object fields": `{ a: 3 }.|` and `let foo = { a: 3 }; foo.|` offer `a` alone.
    assert [(c.text, c.meta) for c in complete("{ a: 3 }.", "v10", NAMES)] == [("a", "3")]
    assert texts("let foo = { a: 3, bb: 'x' }; foo.") == ["a", "bb"]


def test_unions_offer_every_variant():
    # "complete unions generics": `timeOrStr.|` offers Time's and String's members.
    found = set(texts("let t = if (true) Time.now() else 'a'; t."))
    assert {"year", "add", "toUpperCase", "parseInt"} <= found
    assert "flatten" not in found


def test_lambda_parameter_of_a_per_element_method():
    # Core types a lambda's parameter from the call (`walk(LongLambda)`: typer.typeAt(arg.span)).
    assert texts("[1, 2].map(x => x.toS") == ["toString"]
    assert texts("['a'].map(x => x.toU") == ["toUpperCase"]
    assert texts("Set.sequence(1, 3).where(n => n.toS") == ["toString"]
    # The elements among several parameters (typed: the meta is String's signature, not a list of types).
    for text in ("['a'].reduce((x, y) => y.toU", "['a'].fold(0, (acc, y) => y.toU"):
        assert [(c.text, c.meta) for c in complete(text, "v10", NAMES)] == [("toUpperCase", "String.toUpperCase()")]


def test_session_variables_by_their_type():
    # (Already so before the typechecker was asked: a session variable's value names its type.)
    assert "year" in texts("when.")
    assert texts("n.toS") == ["toString"]


def test_string_templates():
    # "complete within string templates": code inside `#{`, nothing in the text around it.
    assert "Time" in texts('"hello #{T')
    assert "now" in texts('"hello #{Time.')
    assert texts('"hello T') == []
    assert texts('"hello #{T}') == []


def test_ranking_variables_modules_keywords():
    # Core's CompletionItem.priority: variables (2) > modules (1) > keywords (-1).
    found = texts("let at2 = 1; a")
    assert found[0] == "at2"
    assert found[-1] == "at"
    assert found.index("abort") < found.index("at")


def test_unknown_receivers_still_offer_every_member():
    # What the typechecker cannot type (a lambda's own parameter) keeps every type's members.
    found = complete("x => x.toUpp", "v10", NAMES)
    assert [(c.text, c.meta) for c in found] == [("toUpperCase", "String")]


def test_completion_is_fast():
    complete("let foo = Time.now(); foo.", "v10", NAMES)
    text = "let a = [1, 2, 3]\n" * 30 + "a.map(x => x.toS"
    start = time.perf_counter()
    for _ in range(5):
        assert texts(text) == ["toString"]
    assert (time.perf_counter() - start) / 5 < 0.05


@pytest.fixture(scope="module")
def shell():
    from fql.repl.session import Session

    db = fql.connect()
    db.query(
        'Collection.create({ name: "Books", fields: { title: { signature: "String" }, pages: { signature: "Int?" } },'
        ' computed_fields: { long: { body: "(b) => (b.pages ?? 0) > 300" } } })',
        syntax="v10",
    )
    db.query('Collection.create({ name: "Loose" })', syntax="v10")
    return Session(db, None, io.StringIO(), io.StringIO())


def session_texts(shell, text: str) -> list[str]:
    return [c.text for c in complete(text, "v10", shell.catalog())]


def test_typed_document_fields_and_methods(shell):
    # "complete aliases in let": `User.byId('0')!.|` offers the document's methods and its computed field;
    # fql also offers its declared fields, as core's document type has them.
    found = complete('Books.byId("1")!.', "v10", shell.catalog())
    texts_ = [c.text for c in found]
    assert {"id", "coll", "ts", "ttl", "title", "pages", "long", "update", "delete", "exists"} <= set(texts_)
    assert ("title", "String") in [(c.text, c.meta) for c in found]
    assert "toUpperCase" not in texts_
    assert session_texts(shell, 'Books.byId("1").ti') == ["title"]
    assert session_texts(shell, "let b = Books.all().first()!; b.pa") == ["pages"]


def test_typed_document_in_a_lambda(shell):
    assert session_texts(shell, "Books.all().map(b => b.ti") == ["title"]
    assert session_texts(shell, "Books.where(b => b.lon") == ["long"]
    # A collection without fields: its documents' own fields and methods, nothing of other types.
    found = session_texts(shell, 'Loose.byId("1")!.')
    assert {"id", "ts", "update"} <= set(found) and "title" not in found and "toUpperCase" not in found


def test_fields_of_an_expected_object():
    # "show fields of expected object": `Collection.create({ | })`, required fields first, those present
    # left out (but the one being typed), nested objects by their key, a wildcard's value type.
    found = texts("Collection.create({ ")
    assert found[0] == "name"
    assert {"alias", "data", "history_days", "indexes", "constraints", "fields", "computed_fields"} <= set(found)
    assert "name" not in texts("Collection.create({ name: 'A', ")
    assert texts("Collection.create({ name: 'A', na") == []
    assert texts("Collection.create({ alias: 'A', na") == ["name"]
    assert texts("Collection.create({\n  name: 'A',\n  his") == ["history_days"]
    assert set(texts("Collection.create({ indexes: { byName: { ")) == {"queryable", "terms", "values"}
    assert texts("Function.create({ bo") == ["body"]
    # Not a key: a value, a block, an unknown callee.
    assert "Time" in texts("Collection.create({ name: T")
    assert "Time" in texts("if (true) { T")
    assert "Time" in texts("f({ T")


def test_projection_fields():
    # "complete projections": the fields of the object projected, nothing for what has none.
    assert texts("{ a: 2, b: 3 } { ") == ["a", "b"]
    assert texts("let o = { a: 2, b: 3 }; o { a, ") == ["a", "b"]
    assert texts("[{ a: 1 }] { ") == ["a"]
    assert texts("Time.now() { ") == []


def test_typed_document_projection_and_create(shell):
    assert session_texts(shell, "Books.all() { ti") == ["title"]
    assert session_texts(shell, 'Books.byId("1")! { pa') == ["pages"]
    assert session_texts(shell, "Books.create({ ti") == ["title"]
    assert session_texts(shell, 'Books.byId("1")!.update({ pa') == ["pages"]


@pytest.mark.parametrize(
    "text", ["let a: ", "let a: Num", "let a: Array<", "let a: { b: ", "let a: (A, B) => ", "let a: S | "]
)
def test_types_in_a_let_annotation(text):
    # "complete lets with a typeexpr" / "Type Exprs": type names there, not values.
    typed = re.search(r"\w*$", text).group()
    found = texts(text)
    assert found and all(name.lower().startswith(typed.lower()) for name in found)
    assert "abort" not in found and "Math" not in found


def test_type_names():
    assert texts("let a: Numb") == ["Number", "NumberModule"]
    assert {"Any", "Never", "People", "PeopleCollection", "true", "null", "Time"} <= set(texts("let a: "))
    assert "Time" in texts("let a: Number = T")  # the value again


def test_prioritize_by_expected_type():
    # "prioritize completions": a variable of the parameter's type first, then the other variables.
    assert texts("let a = 2; let b = 'hi'; Time.fromString(")[:2] == ["b", "a"]
    # (`n`, a session variable holding 3, fits too.)
    assert texts("let a = 2; let b = 'hi'; let c = 3; Time.now().add(")[:4] == ["a", "c", "n", "b"]
    assert texts("let a = 2; let b = 'hi'; let c = 3; Time.now().add(1, ")[:3] == ["b", "a", "c"]
    # "prioritize completions in if": true and false first, null not lifted.
    found = texts("if (")
    assert found[:2] == ["false", "true"] and found.index("null") > found.index("Time")
    assert texts("let ok = 1 > 2; let n = 1; if (")[:4] == ["ok", "false", "true", "n"]
    # A member whose value has the type expected first: toString (a String) in Time.fromString's argument.
    assert texts("Time.fromString(Time.now().")[0] == "toString"
    assert texts("let a = 2; let b = 'hi'; Time.now().add(1, a.")[0] == "toString"
    assert texts("Time.now().add(Time.now().")[:3] == ["dayOfMonth", "dayOfWeek", "dayOfYear"]
    # core's walk(At) expects a Time.
    assert texts("let a = 2; let b = Time.now(); at (")[0] == "b"
    # Where any type goes, no keyword is lifted.
    assert texts("[")[-1] in ("true", "null", "of")


def test_else_only_after_an_if():
    # "complete if else statements": `else` after `if (c) x`, not elsewhere.
    assert "else" in texts("if (true) Time.now() e")
    assert "else" in texts("if (true) { 1 } e")
    assert "else" not in texts("e")
    assert "else" not in texts("if (true) e")
    assert "else" not in texts("if (e")
    assert "else" not in texts("if (true) 1 else e")
    assert "else" not in texts("if (true) 1; e")


def test_session_document_variable_by_its_collection(shell):
    shell.env["b"] = shell.db.query('Books.create({ title: "Dune" })', syntax="v10")
    shell._catalog = None
    try:
        found = complete("b.", "v10", shell.catalog())
        assert {"title", "pages", "long", "update"} <= {c.text for c in found}
        assert [(c.text, c.meta) for c in complete("b.title.toU", "v10", shell.catalog())] == [
            ("toUpperCase", "String.toUpperCase()")
        ]
    finally:
        del shell.env["b"]
        shell._catalog = None


def test_dot_then_spaces():
    # "complete in blocks outside of span": `Time. |` completes Time's members; `Time.n |` the top level.
    assert {"now", "fromString"} <= set(texts("Time. "))
    assert "Time" in texts("Time.now T")
