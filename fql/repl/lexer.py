"""Pygments lexers for FQL v4 (`Add(1, 2)`) and v10 (`Users.byId("1")!.name`): the REPL's input and output colours."""

from __future__ import annotations

import re
import typing as t

from pygments.lexer import RegexLexer, bygroups, include, words
from pygments.token import (
    Comment,
    Keyword,
    Name,
    Number,
    Operator,
    Punctuation,
    String,
    Text,
    Whitespace,
)

from ..eval import registry
from ..eval.v10.globals import GLOBAL, MODULES

#: v10 words that are never identifiers (fql/parse/v10.py KEYWORDS, without the constants).
V10_KEYWORDS = ("if", "else", "at", "match", "case", "let", "isa", "join", "on", "of")
#: The v10 global functions (`abort`, `newId`, ...): the static functions owned by `FQL`.
V10_GLOBALS = tuple(sorted(name for owner, name in registry.V10_STATICS if owner == GLOBAL))

_NAME4 = r"[A-Za-z_$][\w$]*"
_NAME10 = r"[A-Za-z_][\w']*"


def _callee(lexer: RegexLexer, match: re.Match) -> tuple:
    """A v4 call's name: a known built-in (in any driver's spelling) or another name."""
    name = match.group()
    yield match.start(), Name.Builtin if registry.lookup(name) is not None else Name.Function, name


class _Common(RegexLexer):
    """Comments, strings and numbers: the same in both syntaxes (v10 adds nesting and interpolation)."""

    flags = re.MULTILINE
    tokens: t.ClassVar[dict] = {
        "comments": [
            (r"//.*?$", Comment.Single),
            (r"/\*", Comment.Multiline, "comment"),
        ],
        "comment": [
            (r"[^*/]+", Comment.Multiline),
            (r"\*/", Comment.Multiline, "#pop"),
            (r"[*/]", Comment.Multiline),
        ],
        "numbers": [
            (r"0[xX][0-9a-fA-F_]+", Number.Hex),
            (r"0[bB][01_]+", Number.Bin),
            (r"0[oO][0-7_]+", Number.Oct),
            (r"(\d[\d_]*)?\.\d[\d_]*([eE][+-]?\d+)?|\d[\d_]*[eE][+-]?\d+|\d[\d_]*\.(?![\w.])", Number.Float),
            (r"\d[\d_]*", Number.Integer),
        ],
    }


class FqlLexer(_Common):
    """FQL v4 in the shell's spelling and the drivers' (`q.Add`, `create_collection`): calls, objects, arrays."""

    name = "FQL v4"
    aliases: t.ClassVar[list[str]] = ["fql", "fql4"]
    filenames: t.ClassVar[list[str]] = ["*.fql"]
    tokens: t.ClassVar[dict] = {
        "root": [
            (r"\s+", Whitespace),
            include("comments"),
            (r'"(\\\\|\\"|[^"\n])*"?(?=\s*:)', Name.Attribute),
            (r'"(\\\\|\\"|[^"\n])*"?', String.Double),
            (r"'(\\\\|\\'|[^'\n])*'?", String.Single),
            (r"[+-](?=\.?\d)", Number),
            include("numbers"),
            (words(("true", "false", "null"), suffix=r"\b"), Keyword.Constant),
            (rf"{_NAME4}(?=\s*:)", Name.Attribute),
            (rf"{_NAME4}(?:\.{_NAME4})*(?=\s*\()", _callee),
            (_NAME4, Name),
            (r"\.\.\.", Punctuation),
            (r"[(){}\[\],:;.]", Punctuation),
            (r".", Text),
        ],
    }


class Fql10Lexer(_Common):
    """FQL v10: keywords, operators, modules and collections, methods, `#{}` interpolation, heredocs."""

    name = "FQL v10"
    aliases: t.ClassVar[list[str]] = ["fql10"]
    filenames: t.ClassVar[list[str]] = []
    tokens: t.ClassVar[dict] = {
        "root": [
            (r"\s+", Whitespace),
            include("comments"),
            (r"<<[+-][ \t]*([A-Za-z_]\w*)[ \t]*\n[\s\S]*?^[ \t]*\1\b", String.Heredoc),
            (r'"(\\\\|\\"|[^"\n#])*"(?=\s*:)', Name.Attribute),
            (r'"', String.Double, "string"),
            (r"'(\\\\|\\'|[^'\n])*'?", String.Single),
            include("numbers"),
            (words(("true", "false", "null"), suffix=r"\b"), Keyword.Constant),
            (words(V10_KEYWORDS, suffix=r"\b"), Keyword),
            (rf"(\??\.)(\s*)({_NAME10})(?=\s*\()", bygroups(Operator, Whitespace, Name.Function)),
            (rf"(\??\.)(\s*)({_NAME10})", bygroups(Operator, Whitespace, Name.Attribute)),
            (rf"{_NAME10}(?=\s*:(?!:))", Name.Attribute),
            (words(tuple(MODULES), suffix=r"\b"), Name.Builtin),
            (words(V10_GLOBALS, suffix=r"\b"), Name.Builtin),
            (r"[A-Z][\w']*", Name.Class),
            (_NAME10, Name),
            (r"=>|\?\?|\?\.|\.\.\.|==|!=|=~|!~|>=|<=|&&|\|\||\*\*|[-+*/%<>!~&|^=?]", Operator),
            (r"[(){}\[\],:;.]", Punctuation),
            (r".", Text),
        ],
        "string": [
            (r'[^"\\#]+', String.Double),
            (r"\\.", String.Escape),
            (r"#\{", String.Interpol, "interpolation"),
            (r"#", String.Double),
            (r'"', String.Double, "#pop"),
        ],
        "interpolation": [
            (r"\}", String.Interpol, "#pop"),
            (r"\{", Punctuation, "braces"),
            include("root"),
        ],
        "braces": [
            (r"\}", Punctuation, "#pop"),
            (r"\{", Punctuation, "#push"),
            include("root"),
        ],
        "comment": [
            # v10 block comments nest (`/* a /* b */ c */` is one comment).
            (r"[^*/]+", Comment.Multiline),
            (r"/\*", Comment.Multiline, "#push"),
            (r"\*/", Comment.Multiline, "#pop"),
            (r"[*/]", Comment.Multiline),
        ],
    }


def lexer_for(syntax: str) -> type[RegexLexer]:
    """The lexer class for `v4` or `v10`."""
    return Fql10Lexer if syntax == "v10" else FqlLexer


__all__ = ["Fql10Lexer", "FqlLexer", "lexer_for"]
