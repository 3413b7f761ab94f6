"""The REPL's completion engine with no terminal: what the cursor is in (suggest_type), then the names offered."""

from __future__ import annotations

import pytest

import fql  # noqa: F401 - loads the built-ins
from fql.repl.completer import Catalog, Suggestion, complete, suggest_type
from fql.values import Document, Ref, Timestamp, collection_ref

NAMES = Catalog(
    collections=("People", "spells"),
    indexes=("spells_by_name", "spells_by_cost"),
    functions=("double",),
    collection_indexes={"People": ("byName",)},
    variables={"s": "text", "doc": Document(Ref("1", collection_ref("People")), Timestamp(0), {"name": "Ann"})},
)


def texts(text: str, syntax: str = "v4") -> list[str]:
    return [c.text for c in complete(text, syntax, NAMES)]


@pytest.mark.parametrize(
    "text, syntax, expected",
    [
        ("Pag", "v4", Suggestion("function", "Pag")),
        ("Add(1, Su", "v4", Suggestion("function", "Su")),
        ("q.crea", "v4", Suggestion("function", "crea", "q")),
        ("Math.a", "v10", Suggestion("member", "a", "Math")),
        ("People.by", "v10", Suggestion("member", "by", "People")),
        ("People.byId('1')!.upd", "v10", Suggestion("method", "upd", None)),
        ('"abc".toU', "v10", Suggestion("method", "toU", "String")),
        ("[1, 2].le", "v10", Suggestion("method", "le", "Array")),
        ("xs[0].le", "v10", Suggestion("method", "le", None)),
        ('Collection("sp', "v4", Suggestion("collection", "sp")),
        ("q.Index('", "v4", Suggestion("index", "")),
        ('Function("d', "v4", Suggestion("udf", "d")),
        ('Collection.byName("P', "v10", Suggestion("collection", "P")),
        ('Concat(["a', "v4", Suggestion("none", "a")),
        ("Add(1) // Pag", "v4", Suggestion("none", "")),
        ("/* Pag", "v4", Suggestion("none", "")),
        ("Add(12", "v4", Suggestion("none", "")),
        ("1.5e", "v10", Suggestion("none", "e")),
        ("1.", "v10", Suggestion("method", "", "Number")),
        ("Math.a", "v4", Suggestion("none", "a")),
    ],
)
def test_suggest_type(text, syntax, expected):
    assert suggest_type(text, syntax) == (expected,)


def test_auto_suggests_both_syntaxes():
    assert suggest_type("Pa", "auto") == (Suggestion("function", "Pa"), Suggestion("global", "Pa"))


def test_v4_functions_match_any_case_with_their_signature():
    found = complete("pagi", "v4", NAMES)
    assert [(c.text, c.replace) for c in found] == [("Paginate", 4)]
    assert found[0].meta.startswith("Paginate(paginate")


def test_v4_catalogue_names_are_offered():
    assert {"CreateCollection", "CreateClass", "CreateIndex"} <= set(texts("CreateC", "v4") + texts("CreateI"))


def test_driver_prefix_offers_camel_or_snake_case():
    assert "CreateCollection" in texts("q.CreateC")
    assert "create_collection" in texts("q.create_c")
    assert texts("q.if") == ["if_"]
    assert texts("q.map") == ["map_"]
    assert texts("f.Paginat") == ["Paginate"]


def test_v10_globals():
    assert texts("Ma", "v10") == ["Math", "match"]
    assert texts("ab", "v10") == ["abort"]
    assert texts("sp", "v10") == ["spells"]
    assert texts("dou", "v10") == ["double", "Double"]
    # A variable first (core's CompletionItem.priority), then the other globals.
    assert texts("d", "v10") == ["doc", "dbg", "desc", "double", "Database", "Date", "Doc", "Double"]


def test_module_members():
    assert texts("Math.P", "v10") == ["PI", "pow"]
    assert "now" in texts("Time.", "v10")
    assert "__call__" not in texts("Time.", "v10")


def test_user_collection_methods_and_indexes():
    assert texts("People.", "v10")[:3] == ["all", "byId", "byName"]
    assert "byName" not in texts("spells.", "v10")
    assert "where" in texts("Unlisted.", "v10")


def test_value_methods():
    assert texts('"a".toU', "v10") == ["toUpperCase"]
    assert texts("[1].fla", "v10") == ["flatMap", "flatten"]
    assert texts("s.toLower", "v10") == ["toLowerCase"]


def test_document_variable_offers_fields_and_methods():
    found = texts("doc.", "v10")
    assert {"id", "coll", "ts", "name", "update", "delete"} <= set(found)


def test_unknown_receivers_offer_every_type_member():
    found = complete("x => x.toUpp", "v10", NAMES)
    assert [(c.text, c.meta) for c in found] == [("toUpperCase", "String")]
    assert complete("f().leng", "v10", NAMES)[0].meta == "Array, String"


def test_names_from_the_database_inside_strings():
    assert texts('Collection("') == ["People", "spells"]
    assert texts('Index("spells_by_c') == ["spells_by_cost"]
    assert texts('Ref(Collection("s') == ["spells"]


def test_exact_case_comes_first():
    assert texts("D", "v10") == ["doc", "Database", "Date", "Doc", "Double", "dbg", "desc", "double"]


def test_nothing_in_comments_strings_and_numbers():
    assert texts("// Pag") == []
    assert texts('"Pag') == []
    assert texts("Add(12") == []


def test_empty_catalog_by_default():
    assert [c.text for c in complete('Collection("')] == []
