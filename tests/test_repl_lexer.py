"""The REPL's Pygments lexers for v4 and v10: token kinds, and every character of the input kept."""

from __future__ import annotations

import pytest
from pygments.token import (
    Comment,
    Error,
    Keyword,
    Name,
    Number,
    Operator,
    Punctuation,
    String,
)

import fql  # noqa: F401 - loads the built-ins
from fql.repl.lexer import Fql10Lexer, FqlLexer, lexer_for


def tokens(lexer, text: str) -> list[tuple]:
    """The (token type, text) pairs of `text`, whitespace left out."""
    return [(kind, value) for kind, value in lexer().get_tokens(text) if value.strip()]


def kind_of(lexer, text: str, value: str):
    return next(kind for kind, v in tokens(lexer, text) if v == value)


def test_v4_tokens():
    assert tokens(FqlLexer, 'q.Add(1, -2.5, { a: "x", "b c": null }) // done') == [
        (Name.Builtin, "q.Add"),
        (Punctuation, "("),
        (Number.Integer, "1"),
        (Punctuation, ","),
        (Number, "-"),
        (Number.Float, "2.5"),
        (Punctuation, ","),
        (Punctuation, "{"),
        (Name.Attribute, "a"),
        (Punctuation, ":"),
        (String.Double, '"x"'),
        (Punctuation, ","),
        (Name.Attribute, '"b c"'),
        (Punctuation, ":"),
        (Keyword.Constant, "null"),
        (Punctuation, "}"),
        (Punctuation, ")"),
        (Comment.Single, "// done"),
    ]


@pytest.mark.parametrize(
    "text, value, kind",
    [
        ('Paginate(Match(Index("i")))', "Paginate", Name.Builtin),
        ("create_collection({})", "create_collection", Name.Builtin),
        ("MyOwnThing(1)", "MyOwnThing", Name.Function),
        ("'single'", "'single'", String.Single),
        ("0x1F", "0x1F", Number.Hex),
        ("1e3", "1e3", Number.Float),
        ("true", "true", Keyword.Constant),
        ("/* a */ 1", "/*", Comment.Multiline),
    ],
)
def test_v4_kinds(text, value, kind):
    assert kind_of(FqlLexer, text, value) == kind


@pytest.mark.parametrize(
    "text, value, kind",
    [
        ('let p = People.byId("1")!', "let", Keyword),
        ('let p = People.byId("1")!', "People", Name.Class),
        ('let p = People.byId("1")!', "byId", Name.Function),
        ("Math.PI", "Math", Name.Builtin),
        ("Math.PI", "PI", Name.Attribute),
        ("abort(1)", "abort", Name.Builtin),
        ("x => x?.name", "=>", Operator),
        ("x => x?.name", "?.", Operator),
        ("a ?? b", "??", Operator),
        ("if (a) 1 else 2", "else", Keyword),
        ("{ name: 1 }", "name", Name.Attribute),
        ("1_000", "1_000", Number.Integer),
        ("0o17", "0o17", Number.Oct),
    ],
)
def test_v10_kinds(text, value, kind):
    assert kind_of(Fql10Lexer, text, value) == kind


def test_v10_interpolation_nests_braces():
    found = tokens(Fql10Lexer, '"a#{ {x: 1}.x }b"')
    assert found[0] == (String.Double, '"')
    assert (String.Interpol, "#{") in found and (String.Interpol, "}") in found
    assert found[-2:] == [(String.Double, "b"), (String.Double, '"')]


def test_v10_block_comments_nest():
    found = tokens(Fql10Lexer, "/* a /* b */ c */ 1")
    assert all(kind is Comment.Multiline for kind, _ in found[:-1])
    assert found[-1] == (Number.Integer, "1")


def test_v10_heredoc_is_one_string():
    assert tokens(Fql10Lexer, "<<-END\n  two\n  lines\n  END\n") == [
        (String.Heredoc, "<<-END\n  two\n  lines\n  END")
    ]


@pytest.mark.parametrize("lexer", [FqlLexer, Fql10Lexer])
@pytest.mark.parametrize(
    "text",
    ['Let({x: "unterminated', "Add(1, /* open comment", '"#{ 1 + ', "<<+X\nno end", "@#~`\\", "a...b ... (3 more)"],
)
def test_any_input_lexes_without_errors_and_keeps_every_character(lexer, text):
    pairs = list(lexer().get_tokens(text))
    assert "".join(value for _, value in pairs) == text + "\n"
    assert Error not in {kind for kind, _ in pairs}


def test_lexer_for():
    assert (lexer_for("v4"), lexer_for("v10")) == (FqlLexer, Fql10Lexer)
