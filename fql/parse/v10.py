"""The v10 front end: a lexer with Fauna's newline rules for grammar/fql10.lark, and the Transformer to ast nodes."""

from __future__ import annotations

import bisect
import contextvars
import re
import string
import typing as t

import attrs
from attrs import frozen
from lark import Token, Transformer, v_args
from lark.exceptions import UnexpectedInput, UnexpectedToken
from lark.lexer import Lexer as LarkLexer
from lark.lexer import PatternStr

from .. import ast
from ..ast import THIS, Span
from ..errors import ParseError
from . import errors
from .errors import IncompleteInput, source_line

#: Words that are never identifiers (core `Tokens.invalidIdents`); they may still name a field after `.`.
KEYWORDS = frozenset(("if", "else", "at", "match", "case", "let", "null", "true", "false", "isa", "join", "on", "of"))

#: Binary operators by precedence, lowest first (core `ExprParser.ExprOpPrecedences`); only `**` is right-associative.
_PRECEDENCE = {
    op: level
    for level, ops in enumerate(
        [["??"], ["||"], ["&&"], ["==", "!=", "=~", "!~"], [">", "<", ">=", "<="], ["isa"], ["|"], ["^"], ["&"]]
        + [["+", "-"], ["*", "/", "%"], ["**"]]
    )
    for op in ops
}

#: Core's hint under a duplicate lambda parameter (Failure.DuplicateLambdaArgument).
_ORIGINAL_ARGUMENT = "Argument originally defined here"

#: Names a `let` may not bind, besides the keywords.
_INVALID_VARIABLES = frozenset(("FQL", "_"))

#: Tokens after which a newline never ends a statement: openers, separators, binary operators, `if`, `let`...
#: (`!` and `~` are left out: core reads a unary operand on the same line only.)
_DROP_AFTER = frozenset(
    ["(", "[", "{", ",", ":", "=", "=>", ".", "?.", "...", "#{", "if", "at", "else", "let", "case", "@"]
    + [
        "??",
        "||",
        "&&",
        "==",
        "!=",
        "=~",
        "!~",
        ">",
        "<",
        ">=",
        "<=",
        "isa",
        "|",
        "^",
        "&",
        "+",
        "-",
        "*",
        "/",
        "%",
        "**",
    ]
)

#: Tokens that continue the previous line: chains, `else`, closers and the six operators allowed to lead a line.
_DROP_BEFORE = frozenset([".", "?.", "else", "??", "||", "&&", "|", "^", "&", ")", "]", "}", ","])

#: Raw token types that end an operand, so a following `-` is binary and `!` is the non-null assertion.
_OPERAND_END = frozenset(
    ("NAME", "INT", "FLOAT", "STRING", "HEREDOC", "TEMPLATE_END", ")", "]", "}", "!", "null", "true", "false")
)

_NUMBER = (
    r"0[xX]_*[0-9a-fA-F][0-9a-fA-F_]*|0[oO]_*[0-7][0-7_]*|0[bB]_*[01][01_]*"
    r"|(?:0|[1-9][0-9_]*)(?:\.[0-9][0-9_]*)?(?:[eE][+-]?[0-9][0-9_]*)?"
)
_RADIX = re.compile(r"0[xXoObB]")
_SIGNED = re.compile(rf"[+-][ \t]*(?:{_NUMBER})")
_IDENT = r"[A-Za-z_][A-Za-z0-9_']*"
_KEY_COLON = re.compile(r"[ \t]*:")

#: Characters core refuses in strings and comments (controls, BOM, bidi and invisible formatting marks).
_NON_DISPLAY = re.compile("[\x00-\x08\x0e-\x1f\x7f\ufeff\ufff0-\uffff\u2000-\u200f\u2028-\u202f\u2060-\u206f]")

_ESCAPES = {
    "\\": "\\",
    "0": "\0",
    "'": "'",
    '"': '"',
    "n": "\n",
    "r": "\r",
    "v": "\v",
    "t": "\t",
    "b": "\b",
    "f": "\f",
    "#": "#",
}
_ESCAPE = re.compile(r"\\(?:([\\0'\"nrvtbf#])|x([0-9a-fA-F]{2})|u([0-9a-fA-F]{4})|u\{([0-9a-fA-F]{1,6})\})")
#: What stands for a value in a query template's text (core's TemplateSigil.Value): a NUL, which no query
#: text holds, then `value>`; summaries show the NUL as `<`.
SIGIL = "\0value>"

#: A plain run of string text: everything but the quote, backslash and (in double quotes) `#`.
_TEXT = {"'": re.compile(r"[^'\\]+"), '"': re.compile(r'[^"\\#]+')}

_HEREDOC_NAME = re.compile(_IDENT)
_IDENT_REST = re.compile(r"[A-Za-z0-9_']")
_HEREDOC_LINE = re.compile(r"[^\n\r]+")
_HEREDOC_TEXT = re.compile(r"[^#\n\r]+")
#: What core's parser expects where a heredoc's line break is missing: fastparse's name of nl0's
#: CharsWhileIn("\n\r"), the only name left once the heredoc has committed (no alternative is named).
_EXPECTED_LINE_BREAK = "Expected [\\n\\r]"
_LINE_END = re.compile(r"[\n\r]+")
_BLOCK_COMMENT_MARK = re.compile(r"/\*|\*/")


class _Lines:
    """Offsets to 1-based (line, column), as lark counts them (`\\n` ends a line)."""

    def __init__(self, text: str):
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def at(self, pos: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, pos)
        return line, pos - self.starts[line - 1] + 1


def _error(
    text: str, pos: int, message: str, end: int | None = None, incomplete: bool = False, **details: t.Any
) -> ParseError:
    """A ParseError at text[pos:end]; `details` are ParseError's (annotation, marks_span, parse_hints)."""
    lines = _Lines(text)
    line, column = lines.at(pos)
    end = pos if end is None else end
    span = Span(line, column, pos, end, *lines.at(end))
    cls = IncompleteInput if incomplete else ParseError
    return cls(message, line=line, column=column, source_line=source_line(text, line), span=span, **details)


def _escape_stop(text: str, pos: int) -> tuple[int, str]:
    """Where a bad escape at `pos` stops parsing and what core's parser expected there (QueryErrorSpec):
    it commits after `\\`, `x`, `u` and `u{`, so it fails at the first character no escape may have."""
    kind, at = text[pos + 1], pos + 2
    if kind not in "xu":
        return pos + 1, "Expected escape code"
    braced = kind == "u" and text.startswith("{", at)
    at += braced
    most = 6 if braced else 2 if kind == "x" else 4
    digits = 0
    while digits < most and at < len(text) and text[at] in string.hexdigits:
        at, digits = at + 1, digits + 1
    if not braced:
        first = kind == "u" and digits == 0
        return at, "Expected `{` or hex digit" if first else "Expected hex digit"
    if digits == 0:
        return at, "Expected hex digit"
    return at, "Expected `}`" if digits == most else "Expected `}` or hex digit"


class _Scanner:
    """Cuts text into raw tokens: newlines (`NL`) and `;` (`SEMI`) stay; strings, heredocs and types are whole."""

    def __init__(self, text: str, lexer: Lexer):
        self.text = text
        self.lines = _Lines(text)
        self.literals = lexer.literals
        self.literal_types = lexer.literal_types
        self.token_re = lexer.token_re
        self.tokens: list[Token] = []
        #: The positions of `)` closing an `if (` or `at (` condition: a body may follow on the next line.
        self.cond_closers: set[int] = set()
        self._parens: list[bool] = []
        self._braces: list[int] = []
        #: The positions of the unary operators `!` and `-` (each is also a postfix or binary one).
        self._unary_ops: set[int] = set()
        #: The open brackets, innermost last; and for each `case` pattern being read, how many were open
        #: at its `case` (its `=>` at that depth ends it).
        self._brackets: list[str] = []
        self._patterns: list[int] = []
        #: For each open `{`, whether it opens a projection (`x { a }`), whose names are identifiers.
        self._projections: list[bool] = []
        #: How many template value sigils were read: the n-th is the variable `SIGIL + str(n)`.
        self.sigils = 0

    # -- tokens ---------------------------------------------------------------------------------------

    def emit(self, kind: str, value: str, start: int, end: int) -> Token:
        line, column = self.lines.at(start)
        end_line, end_column = self.lines.at(end)
        token = Token(self.literals.get(kind, kind), value, start, line, column, end_line, end_column, end)
        self.tokens.append(token)
        return token

    def _kind(self, token: Token | None) -> str | None:
        """The spelling of a literal token (`(`, `if`), else its type (`NAME`)."""
        if token is None:
            return None
        return token.value if token.type in self.literal_types else token.type

    def _significant(self, back: int = 1) -> Token | None:
        """The `back`-th previous token that is not a newline."""
        for token in reversed(self.tokens):
            if token.type != "NL":
                back -= 1
                if not back:
                    return token
        return None

    def _operand_start(self) -> bool:
        """True where an operand begins: `-5` is a literal there and `!` is a unary not."""
        if not self.tokens:
            return True
        last = self.tokens[-1]
        kind = self._kind(last)
        if kind == ")":
            return last.start_pos in self.cond_closers
        if kind == "!":
            return last.start_pos in self._unary_ops
        return kind not in _OPERAND_END

    # -- the main loop ------------------------------------------------------------------------------

    def run(self, pos: int = 0, interpolation: bool = False) -> int:
        """Scan from `pos`; inside `#{...}` stop after the closing `}` and return the position after it."""
        text = self.text
        self._braces.append(0)
        while pos < len(text):
            m = self.token_re.match(text, pos)
            if m is None:
                # No token starts here: the parser meets a token it takes nowhere and says what it expected.
                self._stop("BAD_CHARACTER", pos)
            if interpolation and m.group() == "}" and self._braces[-1] == 0:
                self._braces.pop()
                self.emit("}", "}", pos, m.end())
                return m.end()
            pos = _HANDLERS[m.lastgroup](self, m)
        if interpolation:
            raise _Stopped()  # the text ends inside `#{`: the parser says what the expression still needs
        return pos

    def _stop(self, kind: str, pos: int) -> t.NoReturn:
        """End the tokens with one the parser takes nowhere, at `pos`: what core's parser, backtracking out of
        whatever began there, fails at. `UNTERMINATED` (a string or comment that never ends) is one the REPL
        reads on after."""
        self.emit(kind, self.text[pos], pos, pos + 1)
        raise _Stopped()

    def _skip(self, m: re.Match) -> int:
        return m.end()

    def _newline(self, m: re.Match) -> int:
        self.emit("NL", m.group(), m.start(), m.end())
        return m.end()

    def _semicolon(self, m: re.Match) -> int:
        self.emit("SEMI", ";", m.start(), m.end())
        return m.end()

    def _line_comment(self, m: re.Match) -> int:
        # Core's lineComment takes display characters only: it ends before any other, which no token takes.
        bad = _NON_DISPLAY.search(self.text, m.start(), m.end())
        return m.end() if bad is None else bad.start()

    def _number(self, m: re.Match) -> int:
        self._check_number_end(m)
        self.emit("FLOAT" if _is_float(m.group()) else "INT", m.group(), m.start(), m.end())
        return m.end()

    def _check_number_end(self, m: re.Match) -> None:
        """Core's number parser commits after an exponent's `e` and a radix prefix (`0x`): `1e`, `1ex` and
        `0x` followed by no digit fail there, where they are no number and a name."""
        end, text = m.end(), self.text
        digits = m.group().lstrip("+- \t")
        if digits == "0" and text[end : end + 1] in ("x", "X", "o", "O", "b", "B") and end < len(text):
            stop = end + 1
        elif not _RADIX.match(digits) and "e" not in digits.lower() and text[end : end + 1] in ("e", "E"):
            stop = end + 2 if text[end + 1 : end + 2] in ("+", "-") else end + 1
        else:
            return
        found = f"`{text[stop]}`" if stop < len(text) else "end of input"
        raise _error(text, stop, f"Unexpected {found}, expected digit", end=stop + 1)

    def _punct(self, m: re.Match) -> int:
        punct, pos, end = m.group(), m.start(), m.end()
        if punct in ("-", "+") and self._operand_start():
            signed = _SIGNED.match(self.text, pos)
            if signed:
                return self._number(signed)
            self._unary_ops.add(pos)
        elif self.text.startswith("->", pos):
            self._stop("BAD_CHARACTER", pos)  # core's binary operators refuse `->`: the operand ends there
        if punct[0] == "!" and self._operand_start():
            punct, end = "!", pos + 1  # a unary not: `!~a` is `!(~a)`
            self._unary_ops.add(pos)
        elif punct == "=~" and self._after_let_name():
            punct, end = "=", pos + 1  # `let x =~5` is `let x = ~5`
        self._nest(punct, pos)
        self.emit(punct, punct, pos, end)
        if punct == ":" and self._after_let_name(back=2):
            return self._type(end, "=")
        if punct == ":" and self._pattern_type():
            return self._type(end, ",)]}\n\r;")
        if punct == "=>" and self._patterns and self._patterns[-1] == len(self._brackets):
            self._patterns.pop()
        elif punct == "=>" and self._after_tuple():
            self.tokens.pop()
            self._stop("BAD_CHARACTER", pos)
        return end

    def _after_tuple(self) -> bool:
        """Whether the `=>` just emitted follows a parenthesized list that is no parameter list: core reads
        `(1) => x` and `((a)) => x` as a tuple, which no `=>` may follow, so its parser stops at the `=>`.
        A list with a rest parameter (`(1, ...a) => x`) is left to the parser: that one is core's error."""
        if self._kind(self._significant(2)) != ")":
            return False
        inside: list[str] = []
        depth = 0
        for token in reversed(self.tokens[:-1]):
            kind = self._kind(token)
            depth += (kind in (")", "]", "}")) - (kind in ("(", "[", "{"))
            if depth == 0:
                break
            if kind != "NL":
                inside.append(kind)
        inside = inside[:0:-1]  # in order, without the closing `)`
        if "..." in inside:
            return False
        names, commas = inside[::2], inside[1::2]
        return any(kind != "NAME" for kind in names) or any(kind != "," for kind in commas)

    def _pattern_type(self) -> bool:
        """Whether the `:` just emitted, in a `case` pattern, gives a type (`x: Int`, `_: Int`) rather
        than ending an object pattern's field name (`{ a: x }`)."""
        if not self._patterns:
            return False
        name = self._significant(2)
        if name is None or name.type != "NAME":
            return False
        field = self._brackets[-1:] == ["{"] and self._kind(self._significant(3)) in ("{", ",")
        return not field

    def _nest(self, punct: str, pos: int) -> None:
        """Track braces (for the end of `#{...}`), parentheses (for `if (c)` and `at (t)`) and brackets."""
        if punct in ("(", "[", "{"):
            self._brackets.append(punct)
        elif punct in (")", "]", "}") and self._brackets:
            self._brackets.pop()
        if punct == "{":
            self._projections.append(not self._operand_start())
        elif punct == "}" and self._projections:
            self._projections.pop()
        if punct in ("{", "}"):
            self._braces[-1] += 1 if punct == "{" else -1
        elif punct == "(":
            self._parens.append(self._kind(self._significant()) in ("if", "at"))
        elif punct == ")" and self._parens and self._parens.pop():
            self.cond_closers.add(pos)

    def _after_let_name(self, back: int = 1) -> bool:
        name, let = self._significant(back), self._significant(back + 1)
        return name is not None and name.type == "NAME" and self._kind(let) == "let"

    def _name(self, m: re.Match) -> int:
        word, pos, end = m.group(), m.start(), m.end()
        if word in KEYWORDS and not self._field_name(end):
            self.emit(word if word in self.literals else "RESERVED", word, pos, end)
            if word == "case":
                self._patterns.append(len(self._brackets))
        else:
            self.emit("NAME", word, pos, end)
        return end

    def _sigil(self, m: re.Match) -> int:
        """A template's value (`{"value": ...}` spliced into a query, core's TemplateSigil): a variable
        holding the n-th value, its span the sigil's seven characters (shown `<value>` in summaries)."""
        self.emit("NAME", f"{SIGIL}{self.sigils}", m.start(), m.end())
        self.sigils += 1
        return m.end()

    def _field_name(self, end: int) -> bool:
        """A keyword names a field after `.`/`?.`, and as an object key (`{ if: 1 }`), but not in a
        projection (`x { if: 1 }`), whose names core reads as identifiers (`projectElem`'s `ident`)."""
        previous = self._kind(self._significant())
        if previous in (".", "?."):
            return True
        in_object = self._brackets[-1:] == ["{"] and not self._projections[-1:] == [True]
        return in_object and previous in ("{", ",") and _KEY_COLON.match(self.text, end) is not None

    def _block_comment(self, m: re.Match) -> int:
        """Skip a `/* ... */` comment; comments nest. Core's blockComment commits to nothing: one that never
        ends, or holds a character that is not a display one, is no comment, and the parser stops at its `/*`."""
        pos, depth = m.start(), 0
        for mark in _BLOCK_COMMENT_MARK.finditer(self.text, pos):
            depth += 1 if mark.group() == "/*" else -1
            if depth == 0:
                if _NON_DISPLAY.search(self.text, pos, mark.end()):
                    self._stop("BAD_CHARACTER", pos)
                return mark.end()
        self._stop("UNTERMINATED", pos)

    # -- newlines ---------------------------------------------------------------------------------------

    def statements(self) -> list[Token]:
        """The tokens with Fauna's newline rules applied: a newline that ends a statement, and every `;`,
        become `_SEP` (one per run); the other newlines are dropped."""
        out: list[Token] = []
        previous: Token | None = None
        before_previous: Token | None = None
        raw, i = self.tokens, 0
        while i < len(raw):
            token = raw[i]
            if token.type == "NL":
                while i + 1 < len(raw) and raw[i + 1].type == "NL":
                    i += 1
                following = raw[i + 1] if i + 1 < len(raw) else None
                if not self._continues(before_previous, previous, following):
                    _separator(out, token)
            elif token.type == "SEMI":
                _separator(out, token)
                before_previous, previous = previous, token
            else:
                out.append(token)
                before_previous, previous = previous, token
            i += 1
        return out

    def _continues(self, before_previous: Token | None, previous: Token | None, following: Token | None) -> bool:
        """True when a newline between `previous` and `following` does not end the statement."""
        if previous is None or following is None:
            return True
        kind = self._kind(previous)
        if previous.start_pos in self._unary_ops:
            return False  # core's unary operand is on the operator's line (`op ~~/ ws ~~ term`)
        if kind in _DROP_AFTER or kind == "TYPE" or (kind == ")" and previous.start_pos in self.cond_closers):
            return True
        if kind == "NAME" and self._kind(before_previous) == "let":
            return True  # `let x\n= 1`
        return self._kind(following) in _DROP_BEFORE

    # -- strings --------------------------------------------------------------------------------------

    def _string(self, m: re.Match) -> int:
        """A quoted string: one STRING token, or TEMPLATE_START ... TEMPLATE_END around `#{}` parts."""
        text, quote, start = self.text, m.group(), m.start()
        chunks, mark, pos = [], len(self.tokens), start + 1
        key_place = self._kind(self._significant()) in ("{", ",")
        #: Where the first `#{` is, and where its tokens start and end (read only for an object key).
        first: tuple[int, int, int] | None = None
        #: Whether core's parser has committed to the string (its cut after a `\\` or a `#{`).
        committed = False
        while pos < len(text) and text[pos] != quote:
            if quote == '"' and text.startswith("#{", pos):
                if len(self.tokens) == mark:
                    self.emit("TEMPLATE_START", quote, start, start + 1)
                hash_at, before = pos, len(self.tokens)
                pos = self._interpolation(chunks, pos)
                first = first or (hash_at, before, len(self.tokens))
            elif _NON_DISPLAY.match(text, pos):
                break
            else:
                committed = committed or text[pos] == "\\"
                pos = self._string_text(quote, pos, chunks)
            committed = committed or first is not None
        if pos >= len(text) or text[pos] != quote:
            self._unterminated(start, pos, committed)
        if first is not None and key_place and _KEY_COLON.match(text, pos + 1):
            inner = self._inner_span(first[1], first[2])
            if inner is not None:
                raise self._interpolated_key(first[0], inner, (start, pos + 1))
        if len(self.tokens) == mark:
            self.emit("STRING", "".join(chunks), start, pos + 1)
        else:
            self._flush(chunks, pos)
            self.emit("TEMPLATE_END", quote, pos, pos + 1)
        return pos + 1

    def _unterminated(self, start: int, stop: int, committed: bool) -> t.NoReturn:
        """A string that ends at `stop` (the end of the text, or a character that is not a display one) with no
        closing quote. Core's string parsers backtrack out of it unless they committed (an escape, an
        interpolation): then its parser stops at `stop`, expecting the quote (`"` is named as a token, `'`
        as fastparse names a literal); else at the opening quote, where nothing else is taken either."""
        text = self.text
        if not committed:
            self._stop("UNTERMINATED" if stop >= len(text) else "BAD_CHARACTER", start)
        expected = "`\"`" if text[start] == '"' else '"\'"'
        raise _error(text, stop, f"Expected {expected}", end=stop + 1, incomplete=stop >= len(text))

    def _inner_span(self, first: int, end: int) -> tuple[int, int] | None:
        """The span of the expression in the `#{...}` whose tokens are tokens[first:end] (None if it is empty)."""
        inner = [token for token in self.tokens[first:end] if token.type != "NL"]
        opener = next(i for i, token in enumerate(inner) if token.value == "#{" and token.type != "TEMPLATE_TEXT")
        inner = inner[opener + 1 : -1]
        return (inner[0].start_pos, inner[-1].end_pos) if inner else None

    def _interpolated_key(self, hash_at: int, inner: tuple[int, int], key: tuple[int, int]) -> ParseError:
        """An object key with `#{}` in it, as core's objectFieldDoubleString refuses it, with its two hints."""
        hints = (
            ("hint", "Add a backslash to ignore the interpolation", hash_at, hash_at, "\\"),
            ("hint", "Use Object.fromEntries if you need a dynamic key", *key, None),
        )
        message = "Object keys do not support interpolation"
        return _error(self.text, inner[0], message, end=inner[1], marks_span=True, parse_hints=hints)

    def _string_text(self, quote: str, pos: int, chunks: list[str]) -> int:
        """One escape, a `#` that starts no interpolation, or a run of plain characters."""
        char = self.text[pos]
        if char == "\\":
            value, pos = self._escape(pos)
        elif char == "#":
            value, pos = "#", pos + 1
        else:
            run = _TEXT[quote].match(self.text, pos)
            bad = _NON_DISPLAY.search(self.text, pos, run.end())
            end = run.end() if bad is None else bad.start()
            value, pos = self.text[pos:end], end
        chunks.append(value)
        return pos

    def _interpolation(self, chunks: list[str], pos: int) -> int:
        """Emit the text so far, then `#{`, the expression's tokens and `}`."""
        self._flush(chunks, pos)
        self.emit("#{", "#{", pos, pos + 2)
        return self.run(pos + 2, interpolation=True)

    def _flush(self, chunks: list[str], pos: int) -> None:
        if chunks:
            value = "".join(chunks)
            self.emit("TEMPLATE_TEXT", value, max(pos - len(value), 0), pos)
            chunks.clear()

    def _escape(self, pos: int) -> tuple[str, int]:
        m = _ESCAPE.match(self.text, pos)
        if m is None:
            if pos + 1 >= len(self.text):
                # Core's parser commits after `\\` and finds no escape code at the end.
                raise _error(self.text, pos + 1, "Expected escape code", end=pos + 2, incomplete=True)
            stop, expected = _escape_stop(self.text, pos)
            raise _error(self.text, stop, expected, end=stop + 1, incomplete=stop >= len(self.text))
        simple, hex2, hex4, braced = m.groups()
        if simple is not None:
            return _ESCAPES[simple], m.end()
        code = int(hex2 or hex4 or braced, 16)
        # Core's Failure.InvalidEscape: the whole escape underlined, the reason after the carets.
        if code > 0x10FFFF:
            raise _error(self.text, pos, "Invalid escape", end=m.end(), annotation="outside of valid unicode range")
        if 0xD800 <= code <= 0xDFFF:
            raise _error(self.text, pos, "Invalid escape", end=m.end(), annotation="surrogates are disallowed")
        return chr(code), m.end()

    # -- heredocs -------------------------------------------------------------------------------------
    # Core's heredoc parsers (Strings.scala heredocstring, heredocistring): `<<-`/`<<+` (a cut), blanks,
    # a name (a cut), then blanks and line breaks at least once; then lines (at least one display character
    # in `<<-`, and their line breaks) while a line is not blanks and the name as a word; then blanks and
    # the name, as literal text (a cut). A line that fails is given up (fastparse backtracks to its start),
    # unless a `#{` in it committed the parse; then the name is tried there.

    def _heredoc(self, m: re.Match) -> int:
        """`<<+NAME` (interpolated) or `<<-NAME` lines up to a line holding NAME, un-indented."""
        text, pos = self.text, m.start()
        interpolated = m.group() == "<<+"
        at = _blanks_end(text, pos + 3)
        named = _HEREDOC_NAME.match(text, at)
        if named is None:
            raise _error(text, at, "Expected identifier", end=at + 1, incomplete=at >= len(text))
        name, cursor = named.group(), _heredoc_opener_end(text, named.end())
        if cursor is None:
            stop = _blanks_end(text, named.end())
            raise _error(text, stop, _EXPECTED_LINE_BREAK, end=stop + 1, incomplete=stop >= len(text))
        lines = []
        while True:
            first = _blanks_end(text, cursor)
            if text.startswith(name, first) and not _IDENT_REST.match(text, first + len(name)):
                break
            parts, stop = self._heredoc_line(cursor, interpolated)
            newline = _LINE_END.match(text, stop)
            if newline is not None and stop > cursor:
                lines.append((parts, newline.group()))
                cursor = newline.end()
                continue
            if any(not isinstance(part, str) for part in parts):
                # A `#{` in the line committed core's parser: it stops where the line break is missing.
                raise _error(text, stop, _EXPECTED_LINE_BREAK, end=stop + 1, incomplete=stop >= len(text))
            if text.startswith(name, first):
                break  # the closing name is literal text after the lines (`ENDx` ends at `END`)
            raise self._heredoc_unended(first, stop)
        end = first + len(name)
        self._emit_heredoc(_unindent(lines), pos, end)
        return end

    def _heredoc_unended(self, first: int, stop: int) -> ParseError:
        """A heredoc whose line at `first` (past its blanks) is no line (a character that is not a display one
        at `stop`, or the end of the text without a line break) and not its end. Core's parser backtracks to
        the line and fails there expecting the name; what it lists there is fastparse's names of its
        anonymous parsers (`!.rep(1)`, `.rep(1)`), which core's words would leak, so fql keeps its own."""
        text = self.text
        if stop < len(text):
            return _error(text, first, f"Invalid character {text[stop]!r} in string", end=first + 1)
        return _error(text, first, "Unterminated heredoc", end=first + 1, incomplete=True)

    def _heredoc_line(self, pos: int, interpolated: bool) -> tuple[list, int]:
        """One line's parts, up to its line break or a character that is not a display one: text (str) and, in
        `<<+`, lists of expression tokens for `#{...}`."""
        parts: list = []
        text = self.text
        while pos < len(text) and text[pos] not in "\n\r":
            if interpolated and text.startswith("#{", pos):
                mark = len(self.tokens)
                self.emit("#{", "#{", pos, pos + 2)
                try:
                    pos = self.run(pos + 2, interpolation=True)
                except _Stopped:
                    # The expression stops the parse: the parser reads it inside a template, as core's does.
                    self.tokens.insert(mark, Token.new_borrow_pos("TEMPLATE_START", "<<+", self.tokens[mark]))
                    raise
                parts.append(self.tokens[mark:])
                del self.tokens[mark:]
                continue
            run = (_HEREDOC_TEXT if interpolated else _HEREDOC_LINE).match(text, pos)
            end = run.end() if run and run.end() > pos else pos + 1
            bad = _NON_DISPLAY.search(text, pos, end)
            if bad is not None:
                if bad.start() > pos:
                    parts.append(text[pos : bad.start()])
                return parts, bad.start()
            parts.append(text[pos:end])
            pos = end
        return parts, pos

    def _emit_heredoc(self, parts: list, start: int, end: int) -> None:
        if all(isinstance(p, str) for p in parts):
            self.emit("HEREDOC", "".join(parts), start, end)
            return
        self.emit("TEMPLATE_START", "<<+", start, start + 3)
        chunks: list[str] = []
        for part in parts:
            if isinstance(part, str):
                chunks.append(part)
                continue
            self._flush(chunks, part[0].start_pos)
            self.tokens.extend(part)
        self._flush(chunks, end)
        self.emit("TEMPLATE_END", "", end, end)

    # -- type annotations ---------------------------------------------------------------------------

    def _type(self, pos: int, stops: str) -> int:
        """`let x: <type> = ...` and a pattern's `x: <type>`: the type is kept as source text up to one of
        `stops` at bracket depth 0 (`=` is not the one of `=>`)."""
        text, cursor = self.text, _type_end(self.text, pos, stops)
        if cursor >= len(text):
            raise _type_cut_short(text, pos)
        source = text[pos:cursor].strip()
        if not source:
            raise _error(text, cursor, "Expected type")  # core's words at the end of the text too
        first = pos + len(text[pos:cursor]) - len(text[pos:cursor].lstrip())
        self.emit("TYPE", source, first, first + len(source))
        return first + len(source)


#: A type's name ending where the text is cut (core's varTypeIdentStr), and the words that are no name.
_TYPE_NAME_END = re.compile(r"[A-Za-z_][A-Za-z0-9_'.]*\Z")
_TYPE_WORDS = frozenset(("true", "false", "Any", "Never"))


def _type_follow(text: str, pos: int) -> str:
    """What core's parser expects where a `let`'s type stops short of its `=` (Types.expr, then `=`): a `<`
    too right after a type's name (`Array<Int>`), which takes no blank before it."""
    name = _TYPE_NAME_END.search(text, 0, pos)
    in_comment = "//" in text[text.rfind("\n", 0, pos) + 1 : pos]  # a type ending in a line comment
    named = name is not None and name.group() not in _TYPE_WORDS and not in_comment
    return "Expected `<` or `=`" if named else "Expected `=`"


def _type_cut_short(text: str, pos: int) -> ParseError:
    """A type from `pos` that no `=` follows: core's parser stops where the type ends (`Int 1` at the `1`,
    else at the end of the text), expecting the `=`, or inside the type where that is cut short."""
    from ..eval.v10 import signatures

    if not text[pos:].strip():
        return _error(text, len(text), "Expected type", end=len(text) + 1, incomplete=True)
    stop, message = len(text), None
    try:
        signatures.parse(text[pos:])
    except signatures.SignatureError as err:
        stop = min(pos + err.offset, len(text))
        message = None if err.message == "Expected end-of-input" else err.message
    message = message or _type_follow(text, stop)
    return _error(text, stop, message, end=stop + 1, incomplete=stop == len(text))


def _type_end(text: str, pos: int, stops: str) -> int:
    """Where a type ends: the first of `stops` (a `=` not of `=>`) outside brackets and strings."""
    depth = 0
    while pos < len(text):
        char = text[pos]
        if text.startswith("=>", pos):
            pos += 2
            continue
        if char in stops and depth == 0:
            return pos
        name_mark = char == "'" and (text[pos - 1 : pos].isalnum() or text[pos - 1 : pos] in ("_", "'"))
        if char in "\"'" and not name_mark:  # `Foo'` is a name
            closing = text.find(char, pos + 1)
            pos = len(text) if closing < 0 else closing + 1
            continue
        depth += (char in "([{<") - (char in ")]}>")
        pos += 1
    return pos


#: The scanner's handler for each group of the token regex.
_HANDLERS = {
    "ws": _Scanner._skip,
    "nl": _Scanner._newline,
    "comment": _Scanner._line_comment,
    "block": _Scanner._block_comment,
    "heredoc": _Scanner._heredoc,
    "number": _Scanner._number,
    "name": _Scanner._name,
    "sigil": _Scanner._sigil,
    "quote": _Scanner._string,
    "semi": _Scanner._semicolon,
    "punct": _Scanner._punct,
}


def _blanks_end(text: str, pos: int) -> int:
    """Past the spaces, tabs and block comments from `pos` (core's `ws`): a comment that never ends, or holds
    a character that is not a display one, is not taken."""
    while pos < len(text):
        if text[pos] in " \t":
            pos += 1
            continue
        if not text.startswith("/*", pos):
            break
        depth, cursor = 0, pos
        for mark in _BLOCK_COMMENT_MARK.finditer(text, pos):
            depth += 1 if mark.group() == "/*" else -1
            if depth == 0:
                cursor = mark.end()
                break
        if cursor == pos or _NON_DISPLAY.search(text, pos, cursor):
            break
        pos = cursor
    return pos


def _heredoc_opener_end(text: str, pos: int) -> int | None:
    """Past a heredoc's name: blanks and line breaks, at least one of these (core's `(ws ~~ nl0).repX(1)`);
    the body starts after the last line break. None where no line break follows the blanks."""
    end = None
    while True:
        newline = _LINE_END.match(text, _blanks_end(text, pos))
        if newline is None:
            return end
        pos = end = newline.end()


def _is_float(number: str) -> bool:
    lowered = number.lower()
    return not re.match(r"[+-]?[ \t]*0[xob]", lowered) and ("." in lowered or "e" in lowered)


def _unindent(lines: list[tuple[list, str]]) -> list:
    """Drop the smallest indentation from every line (only a line's leading text counts; core `unIndent`)."""
    indent = None
    for parts, _newline in lines:
        first = parts[0] if parts else None
        if not isinstance(first, str):
            width = 0
        else:
            stripped = first.lstrip(" \t")
            width = len(first) - len(stripped)
        indent = width if indent is None else min(indent, width)
    out: list = []
    for parts, newline in lines:
        if parts and isinstance(parts[0], str):
            out.append(parts[0][indent:])
            out.extend(parts[1:])
        else:
            out.extend(parts)
        out.append(newline)
    return out


class Lexer(LarkLexer):
    """lark's custom lexer for grammar/fql10.lark: raw tokens, then Fauna's newline rules as `_SEP` tokens.

    A newline ends a statement unless the token before it expects more (`(`, `,`, an operator, `if (c)`,
    `let x`) or the token after it continues the line (`.`, `?.`, `else`, closers, `?? || && | ^ &`).
    Runs of newlines and `;` become one `_SEP`.
    """

    def __init__(self, lexer_conf: t.Any):
        #: Grammar spelling -> lark's terminal name (`(` -> LPAR, `=>` -> __ANON_0, `if` -> IF).
        self.literals = {
            term.pattern.value: term.name for term in lexer_conf.terminals if isinstance(term.pattern, PatternStr)
        }
        self.literal_types = frozenset(self.literals.values())
        punct = sorted((p for p in self.literals if not p[0].isalpha() and p != "#{"), key=len, reverse=True)
        self.token_re = re.compile(
            rf"(?P<ws>[ \t]+)|(?P<nl>[\n\r]+)|(?P<comment>//[^\n]*)|(?P<block>/\*)|(?P<heredoc><<[+-])"
            rf"|(?P<number>{_NUMBER})|(?P<name>{_IDENT})|(?P<sigil>{re.escape(SIGIL)})|(?P<quote>['\"])|(?P<semi>;)"
            rf"|(?P<punct>{'|'.join(re.escape(p) for p in punct)})"
        )

    def lex(self, text: str) -> t.Iterator[Token]:
        scanner = _Scanner(text, self)
        try:
            scanner.run()
        except _Stopped:
            pass
        return iter(scanner.statements())


class _Stopped(Exception):
    """The scanner met a character no token starts with: the tokens stop there."""


def _separator(out: list[Token], token: Token) -> None:
    if not out or out[-1].type != "_SEP":
        out.append(Token.new_borrow_pos("_SEP", token.value, token))


# -- the Transformer ----------------------------------------------------------------------------------


@frozen
class _Short:
    """A short lambda being built (`.age > 3`): `body` reads the element as `Ident(THIS)`.

    `paren` marks `(.x)`: an operator still absorbs it into a bigger short lambda, anything else sees a lambda.
    """

    body: ast.Node
    paren: bool = False


@frozen
class _Paren:
    """`(a, b)` or `(a, ...rest)` before we know whether it is a group, a tuple or an arrow's parameters."""

    items: tuple
    rest: str | None
    span: Span
    #: Where the rest parameter's name is.
    rest_span: Span | None = None


@frozen
class _Fields:
    """A projection's `{ ... }`: its fields and where it ends."""

    fields: tuple[tuple[str, ast.Node], ...] | None  # None for `{ * }`
    span: Span


def _span(first: t.Any, last: t.Any = None) -> Span:
    """From the start of `first` to the end of `last`: tokens, nodes, short lambdas or spans."""
    start, end = _span_of(first), _span_of(last if last is not None else first)
    return Span(start.line, start.column, start.start, end.end, end.end_line, end.end_column)


def _span_of(value: t.Any) -> Span:
    if isinstance(value, Token):
        return Span(value.line, value.column, value.start_pos, value.end_pos, value.end_line, value.end_column)
    if isinstance(value, _Short):
        return value.body.span
    return value if isinstance(value, Span) else value.span


def _empty_at(value: t.Any) -> Span:
    """A zero-width span where `value` starts (the position of `$this` in `.x`)."""
    span = _span_of(value)
    return Span(span.line, span.column, span.start, span.start, span.line, span.column)


def _nodes(items: tuple) -> tuple:
    """Children without the bracket tokens the grammar keeps for spans."""
    return tuple(i for i in items if not isinstance(i, Token))


def _number(text: str) -> int | float:
    """An integer literal is an Int or a Long when it fits 64 bits, else a Double (as in core)."""
    digits = text.replace("_", "").replace(" ", "").replace("\t", "").lower()
    sign = -1 if digits.startswith("-") else 1
    digits = digits.lstrip("+-")
    for prefix, base in (("0x", 16), ("0o", 8), ("0b", 2)):
        if digits.startswith(prefix):
            return _fit(sign * int(digits[2:], base))
    if "." in digits or "e" in digits:
        # Core negates the literal's BigDecimal, which has no negative zero: `-0.0` is 0.0. A negative one too
        # small for a double still becomes -0.0, as Java's BigDecimal.doubleValue rounds it (`-1e-400`).
        magnitude = float(digits)
        if magnitude == 0 and not digits.split("e")[0].strip("0."):
            return 0.0
        return sign * magnitude
    return _fit(sign * int(digits))


def _fit(n: int) -> int | float:
    return n if -(1 << 63) <= n < (1 << 63) else float(n)


def _fail(
    message: str,
    where: t.Any,
    annotation: str | None = None,
    hint: tuple[str, t.Any] | None = None,
    marks_span: bool = False,
) -> ParseError:
    """A ParseError at `where`; `parse()` fills in the source line (the Transformer never sees the text).
    With a `hint` (core's message and where it points) the error underlines all of `where`, as core's does."""
    span = _span_of(where)
    hints = ()
    if hint is not None:
        at = _span_of(hint[1])
        hints = (("hint", hint[0], at.start, at.end, None),)
    return ParseError(
        message,
        line=span.line,
        column=span.column,
        span=span,
        annotation=annotation,
        marks_span=marks_span or hint is not None,
        parse_hints=hints,
    )


def _invalid_variadic(paren: _Paren) -> ParseError:
    """Core's error, in its words, over the whole parenthesized list: a rest parameter after items that
    are not all names (`(1, ...a) => x`), or one in a tuple no `=>` follows (ExprParser `tupleOrLambda`)."""
    return _fail("invalid variadic tuple", paren.span, marks_span=True)


def _project_all(fields: _Fields, projected: t.Any) -> None:
    """Core parses `x { * }` but refuses to run it (FQLInterpreter's check failure, over the projection)."""
    if fields.fields is None:
        raise _fail("project expr not supported", _span(projected, fields.span), marks_span=True)


def _check_type(token: Token, in_let: bool = False) -> t.Any:
    """A `let`'s type annotation must parse as core's type expressions do (TypeExprParser): its tree (the
    AST keeps it, with its text), None where it did not. The type parser is the one signatures use (an
    upward import, as dialects.py has one). Errors core's type parser only emits are emitted here too;
    one that stopped it stops the query. In a `let` (`in_let`), what may follow a whole type is its `=`."""
    from ..eval.v10 import signatures

    try:
        return signatures.parse(str(token))
    except signatures.SignatureError as err:
        if in_let and err.message == "Expected end-of-input":
            err.message = _type_follow(str(token), err.offset)
        errors = [_type_error(token, e) for e in (err, *err.more)]
        for error in errors:
            emit(error)
        if err.fatal:
            raise errors[0] from None
        return None


def _type_error(token: Token, err: t.Any) -> ParseError:
    hints = tuple(
        ("hint", message, token.start_pos + offset, token.start_pos + offset + width, None)
        for message, offset, width in err.hints
    )
    span = _within(token, err.offset, err.width)
    return ParseError(err.message, line=span.line, column=span.column, span=span, marks_span=True, parse_hints=hints)


#: The errors core's parser reports and parses on after (`Duplicate key`, a type's misplaced wildcard),
#: for the v10 parse under way (fql.parse.parse_v10 sets a list); they are reported instead of any error
#: that stops the parse, as core reports its parser's emitted errors.
EMITTED: contextvars.ContextVar[list[ParseError] | None] = contextvars.ContextVar("v10_emitted", default=None)


def emit(err: ParseError) -> None:
    """Report `err` and parse on; with no parse collecting errors, raise it."""
    emitted = EMITTED.get()
    if emitted is None:
        raise err
    emitted.append(err)


def reported(errors: list[ParseError], text: str) -> ParseError:
    """The first of `errors`, placed in `text`, holding the rest (each placed too)."""
    first, *more = (locate(err, text) for err in errors)
    first.more = more
    return first


def _within(token: Token, offset: int, width: int) -> Span:
    """The span of `width` characters `offset` into a token's text."""
    text = str(token)

    def place(at: int) -> tuple[int, int]:
        before = text[:at]
        if "\n" not in before:
            return token.line, token.column + at
        return token.line + before.count("\n"), at - before.rfind("\n")

    end = min(offset + width, len(text))
    return Span(*place(offset), token.start_pos + offset, token.start_pos + end, *place(end))


def _missing_return(let: Span, **place: t.Any) -> ParseError:
    """Core's Failure.MissingReturn: where the block ends, caused by its last statement, a `let` (`let`
    is where that statement is)."""
    cause = ("cause", "Statement does not return a value", let.start, let.end, None)
    cls = IncompleteInput if place.get("line") == 0 else ParseError
    return cls("Missing return expression", parse_hints=(cause,), **place)


def _node(value: t.Any) -> ast.Node:
    """An expression where a short lambda is not allowed (`(.x)` is a lambda value there).

    Core's Failure.InvalidShortLambda underlines the whole expression the bare `.x` is in (`2 + .foo`), and
    its parser goes on after it (ExprParserSpec "reject short lambdas outside of calls")."""
    if isinstance(value, _Short):
        if not value.paren:
            emit(_fail("Invalid anonymous field access", value.body, marks_span=True))
        return _lambda(value)
    return value


def _lambda(value: _Short) -> ast.Arrow:
    return ast.Arrow((THIS,), value.body, span=value.body.span)


def _arg(value: t.Any) -> ast.Node:
    """A call argument or index: a short lambda becomes `($this) => body`."""
    return _lambda(value) if isinstance(value, _Short) else value


def _extend(value: t.Any, build: t.Callable[[ast.Node], ast.Node]) -> t.Any:
    """Grow a chain; a bare short lambda keeps growing inside (`.a.b()`)."""
    if isinstance(value, _Short) and not value.paren:
        return _Short(build(value.body))
    return build(_arg(value))


def _operand(value: t.Any) -> ast.Node:
    return value.body if isinstance(value, _Short) else value


def _one_key(keys: tuple, where: Span) -> ast.Node:
    # Core parses `a[]` and `a[1, 2]` and fails at run time on the arity; one node holds one key.
    if len(keys) != 1:
        raise _fail(f"Indexing takes one argument, {len(keys)} given", where)
    return _arg(keys[0])


def _this_field(name: Token) -> ast.Member:
    return ast.Member(ast.Ident(THIS, span=_empty_at(name)), str(name), span=_span(name))


def _reduce(operands: list[ast.Node], ops: list[str]) -> None:
    right, left = operands.pop(), operands.pop()
    operands.append(ast.Binary(ops.pop(), left, right, span=_span(left, right)))


@v_args(inline=True)
class ToAst(Transformer):
    """Build ast nodes from grammar/fql10.lark; LALR runs it while parsing, so spans come from the tokens."""

    # -- statements ----------------------------------------------------------------------------------

    @staticmethod
    def _statements(stmts: tuple, closer: Token | None) -> tuple[ast.Node, ...]:
        body = tuple(_node(s) for s in stmts)
        if isinstance(body[-1], ast.Let):
            if closer is None:
                raise _missing_return(body[-1].span, line=0, column=0, span=body[-1].span)
            span = _span_of(closer)
            raise _missing_return(body[-1].span, line=span.line, column=span.column, span=span)
        return body

    def start(self, *stmts):
        return ast.Program(self._statements(stmts, None), span=_span(stmts[0], stmts[-1]))

    def block(self, lbrace, *rest):
        *stmts, rbrace = rest
        return ast.Block(self._statements(tuple(stmts), rbrace), span=_span(lbrace, rbrace))

    def let(self, let, name, type_, value):
        if str(name) in _INVALID_VARIABLES:
            raise _fail("Invalid identifier", name, annotation=f"`{name}` is a keyword")
        type_text = str(type_) if type_ is not None else None
        parsed = _check_type(type_, in_let=True) if type_ is not None else None
        return ast.Let(str(name), _node(value), type_text, span=_span(let, value), annotation=parsed)

    # -- if, at, lambdas -----------------------------------------------------------------------------

    def if_else(self, if_, cond, then, otherwise=None):
        otherwise = None if otherwise is None else _node(otherwise)
        return ast.IfElse(_node(cond), _node(then), otherwise, span=_span(if_, otherwise or then))

    def at_time(self, at, time, expr):
        return ast.AtTime(_node(time), _node(expr), span=_span(at, expr))

    def arrow(self, params, body):
        names, rest, span, duplicates = params
        body = _node(body)
        for duplicate in duplicates:  # after the body's own errors, as core checks the lambda once it has it
            emit(duplicate)
        return ast.Arrow(names, body, rest, span=_span(span, body))

    def params(self, head):
        if isinstance(head, Token):
            return (str(head),), None, _span(head), ()
        names, seen, duplicates = [], {}, []
        for item in head.items:
            if not isinstance(item, ast.Ident):
                raise _invalid_variadic(head)
            if item.name in seen and item.name != "_":
                duplicates.append(_fail("Duplicate lambda argument", item, hint=(_ORIGINAL_ARGUMENT, seen[item.name])))
            seen.setdefault(item.name, item)
            names.append(item.name)
        if head.rest is not None and head.rest in seen and head.rest != "_":
            duplicate = _fail("Duplicate lambda argument", head.rest_span, hint=(_ORIGINAL_ARGUMENT, seen[head.rest]))
            duplicates.append(duplicate)
        return tuple(names), head.rest, head.span, tuple(duplicates)

    # -- match -----------------------------------------------------------------------------------------

    def match(self, match, scrutinee, lbrace, *rest):
        """Core parses `match` (its patterns are PatExprParser's) but refuses to run it (FQLInterpreter's
        check failure, over the whole expression)."""
        raise _fail("match expr not supported", _span(match, rest[-1]), marks_span=True)

    def match_case(self, case, pattern, body):
        return _node(body)

    def pat_typed(self, name, type_):
        _check_type(type_)
        return name

    def paren(self, lpar, *rest):
        return _Paren(_nodes(rest), None, _span(lpar, rest[-1]))

    def rest_paren(self, lpar, *rest):
        *items, name, rpar = rest
        return _Paren(_nodes(tuple(items)), str(name), _span(lpar, rpar), _span(name))

    def group(self, paren: _Paren):
        """`(e)` is `e`; `(a, b)` is a tuple, which core evaluates as an array; `()` is `[]`."""
        if paren.rest is not None:
            raise _invalid_variadic(paren)
        if len(paren.items) == 1:
            item = paren.items[0]
            if isinstance(item, _Short) and not item.paren:
                return _Short(attrs.evolve(item.body, span=paren.span), paren=True)
            node = _arg(item)
            if _optional_chain(node):
                # Parentheses end an optional chain: `(a?.b).c` reads `.c` of null (core's parser).
                return ast.Block((node,), span=paren.span)
            return node
        return ast.Array(tuple(_arg(i) for i in paren.items), span=paren.span)

    # -- projection ----------------------------------------------------------------------------------

    def project(self, expr, fields: _Fields):
        _project_all(fields, expr)
        if isinstance(expr, _Short) and not expr.paren:
            return _Short(ast.Project(expr.body, fields.fields, span=_span(expr, fields.span)))
        return ast.Project(_arg(expr), fields.fields, span=_span(expr, fields.span))

    def projection(self, lbrace, *rest):
        return _Fields(_nodes(rest), _span(lbrace, rest[-1]))

    def project_all(self, lbrace, rbrace):
        return _Fields(None, _span(lbrace, rbrace))

    def proj_name(self, name):
        return str(name), _this_field(name)

    def proj_value(self, name, value):
        if isinstance(value, _Short) and not value.paren:
            return str(name), value.body
        return str(name), _node(value)

    def proj_nested(self, name, fields: _Fields):
        _project_all(fields, name)
        return str(name), ast.Project(_this_field(name), fields.fields, span=_span(name, fields.span))

    # -- operators -----------------------------------------------------------------------------------

    def binary(self, first, *rest):
        """`a op b op c ...` nested by precedence; if any operand is a short lambda, the whole chain is one."""
        short = isinstance(first, _Short) or any(isinstance(v, _Short) for v in rest[1::2])
        operands, ops = [_operand(first)], []
        for op, right in zip(rest[::2], rest[1::2]):
            level = _PRECEDENCE[op]
            while ops and (_PRECEDENCE[ops[-1]] > level or (_PRECEDENCE[ops[-1]] == level and op != "**")):
                _reduce(operands, ops)
            ops.append(str(op))
            operands.append(_operand(right))
        while ops:
            _reduce(operands, ops)
        return _Short(operands[0]) if short else operands[0]

    def unary(self, op, operand):
        if isinstance(operand, _Short) and not operand.paren:
            return _Short(ast.Unary(str(op), operand.body, span=_span(op, operand)))
        return ast.Unary(str(op), _arg(operand), span=_span(op, operand))

    # -- the postfix chain ---------------------------------------------------------------------------

    def member(self, obj, name, optional=False):
        return _extend(obj, lambda o: ast.Member(o, str(name), optional, span=_span(obj, name)))

    def opt_member(self, obj, name):
        return self.member(obj, name, optional=True)

    def apply(self, fn, *rest, optional=False):
        args = tuple(_arg(a) for a in _nodes(rest))
        return _extend(fn, lambda f: ast.Apply(f, args, optional, span=_span(fn, rest[-1])))

    def opt_apply(self, fn, *rest):
        return self.apply(fn, *rest, optional=True)

    def index(self, obj, *rest, optional=False):
        span = _span(obj, rest[-1])
        key = _one_key(_nodes(rest), span)
        return _extend(obj, lambda o: ast.Index(o, key, optional, span=span))

    def opt_index(self, obj, *rest):
        return self.index(obj, *rest, optional=True)

    def non_null(self, expr, bang):
        return _extend(expr, lambda e: ast.NonNull(e, span=_span(expr, bang)))

    def this_member(self, dot, name):
        return _Short(ast.Member(ast.Ident(THIS, span=_empty_at(dot)), str(name), span=_span(dot, name)))

    def this_apply(self, dot, *rest):
        args = tuple(_arg(a) for a in _nodes(rest))
        return _Short(ast.Apply(ast.Ident(THIS, span=_empty_at(dot)), args, span=_span(dot, rest[-1])))

    def this_index(self, dot, *rest):
        span = _span(dot, rest[-1])
        return _Short(ast.Index(ast.Ident(THIS, span=_empty_at(dot)), _one_key(_nodes(rest), span), span=span))

    # -- terms ---------------------------------------------------------------------------------------

    def int(self, token):
        return ast.Literal(_number(token), span=_span(token))

    float = int

    def string(self, token):
        return ast.Literal(str(token), span=_span(token))

    def null(self, token):
        return ast.Literal(None, span=_span(token))

    def true(self, token):
        return ast.Literal(True, span=_span(token))

    def false(self, token):
        return ast.Literal(False, span=_span(token))

    def ident(self, token):
        return ast.Ident(str(token), span=_span(token))

    def template(self, start, *rest):
        *parts, end = rest
        merged: list = []
        for part in parts:
            value = str(part) if isinstance(part, Token) else _node(part)
            if isinstance(value, str) and merged and isinstance(merged[-1], str):
                merged[-1] += value
            elif value != "":
                merged.append(value)
        if all(isinstance(p, str) for p in merged):
            return ast.Literal("".join(merged), span=_span(start, end))
        return ast.Template(tuple(merged), span=_span(start, end))

    def array(self, lsqb, *rest):
        return ast.Array(tuple(_node(i) for i in _nodes(rest)), span=_span(lsqb, rest[-1]))

    def object(self, lbrace, *rest):
        pairs, seen = _nodes(rest), {}
        for key, _value, token in pairs:
            if key in seen:
                emit(_fail("Duplicate key", token, hint=("Key originally used here", seen[key])))
            seen.setdefault(key, token)
        return ast.Object(tuple((k, v) for k, v, _ in pairs), span=_span(lbrace, rest[-1]))

    def pair(self, key, value):
        if not isinstance(key, Token):
            raise _fail("Object keys do not support interpolation", key)
        return str(key), _node(value), key


@v_args(inline=True)
class LambdaBody(ToAst):
    """ToAst for the source of a stored lambda (a function's body): core reads it as statements, not as a
    query (Parser.lambdaExpr), so one ending on a `let` is not a missing return; the caller finds it is
    no lambda (`Body must be a lambda expression.`)."""

    def start(self, *stmts):
        return ast.Program(tuple(_node(s) for s in stmts), span=_span(stmts[0], stmts[-1]))


# -- syntax errors ------------------------------------------------------------------------------------
# Core's parser (fastparse) fails with what it expected where it got furthest, each expectation under
# its name, sorted and joined as `Expected a`, `Expected a or b`, `Expected a, b, or c`, one character
# underlined. An LALR parser knows the terminals it could shift there; these name them as core does.

#: Core's words where a query has no first statement (its Failure.Unexpected.EndOfQuery).
END_OF_QUERY = "Unexpected end of query. Expected statement or expression"

#: How the declared terminals read in an "expected" list.
_WORDS = {
    "NAME": "identifier",
    "TYPE": "type",
    "$END": "end-of-input",
}

#: Spellings that can start an expression: an "expected" list naming several says "expression" instead.
_EXPRESSION_STARTS = frozenset(
    ["NAME", "INT", "FLOAT", "STRING", "HEREDOC", "TEMPLATE_START", "null", "true", "false", "if", "at", "match"]
    + ["(", "[", "{", "-", "!", "~", ".", "let"]
)

#: Binary operators and postfix steps: core does not name them where an operand may go on.
#: (`=>` too: core's `ident => body` tries the arrow as an option, and the expression's flatMap after it
#: drops what that option expected, so core names no `=>` after a name; `foo(a ?` is `` `)` or `,` ``.)
_CONTINUATIONS = frozenset(_PRECEDENCE) | {".", "?.", "(", "[", "!", "{", "=>"}


def convert(err: UnexpectedInput, text: str, terminals: t.Iterable[t.Any]) -> ParseError:
    """A lark error on v10 text as a ParseError; running out of text gives IncompleteInput."""
    spelling = {term.name: term.pattern.value for term in terminals if isinstance(term.pattern, PatternStr)}
    if not isinstance(err, UnexpectedToken):
        return errors.convert(err, text)
    names = {spelling.get(name, name) for name in (err.accepts or err.expected)}
    token = err.token
    end = token.type == "$END"
    if not end and (spelling.get(token.type) in KEYWORDS or token.type == "RESERVED") and "NAME" in names:
        return _token_error(text, token, "Invalid identifier", annotation=f"`{token}` is a keyword")
    stack = _value_stack(err)
    pos = _end_of_input(text, stack) if end else token.start_pos
    # (Not at a string or comment that never ends: the REPL reads on after one.)
    let = _open_let(stack) if "_SEP" in names and token.type not in ("_SEP", "UNTERMINATED") else None
    if let is not None:
        return _unseparated_let(text, pos, _span(let, stack[-1]))
    if token.type == "_SEP" and _inside_brackets(stack) and not _is_unary(stack[-1]):
        pos = _past_line_breaks(text, pos)
        names -= _SAME_LINE  # a projection's `a: x` and `a { b }`, which core tried before the newline
    if "let" in names and not stack:
        message = END_OF_QUERY  # nothing parsed: core's parser found no first statement
        pos = _past_separators(text, pos, token)
    elif "let" in names and "}" in names and stack and _is(stack[-1], "LBRACE"):
        message = "Unexpected end of block. Expected statement or expression"
        pos = _past_separators(text, pos, token)
    else:
        words = _expected_words(names)
        if {")", ","} <= names and _in_group(stack):
            words.add("`...`")  # `(a, ...rest) =>`: core's tuple takes a rest parameter there
        if names == {"NAME"} and _after_integer(text, stack, pos):
            words.add("digit")  # `3.`: core's number takes `.` and a digit, as a member access `.name`
        message = "Expected " + _listed(sorted(words))
    return _error(text, pos, message, end=pos + 1, incomplete=end or token.type == "UNTERMINATED")


def _end_of_input(text: str, stack: list) -> int:
    """Where core's parser stops when the text ends too soon: past the blanks and comments at the end, as
    each of its tokens that expects more takes the newlines, spaces and comments after it (`nl`). A unary
    operator (`-`, `!`, `~`) takes only spaces and block comments (`ws`): after one it stops at a newline."""
    unary = bool(stack) and _is_unary(stack[-1])
    if not unary or (len(stack) > 1 and not isinstance(stack[-2], Token)):
        return len(text)
    pos = stack[-1].end_pos
    while pos < len(text) and text[pos] not in "\n\r":
        comment = _BLOCK_COMMENT_END.search(text, pos + 2) if text.startswith("/*", pos) else None
        if text[pos] not in " \t" and comment is None:
            break
        pos = comment.end() if comment else pos + 1
    return pos


#: The tokens of the unary operators, as lark names them.
_UNARY = frozenset(("MINUS", "BANG", "TILDE"))
_BLOCK_COMMENT_END = re.compile(r"\*/")


def _is_unary(value: t.Any) -> bool:
    """Whether `value`, last on the parser's stack, is an operator still waiting for its operand."""
    return isinstance(value, Token) and value.type in _UNARY


#: Tokens that open a bracket, and those that close one.
_OPENERS = frozenset(("(", "[", "{", "#{"))
_CLOSERS = frozenset((")", "]", "}"))


#: What core's parser looks for only before the newlines after a projection's field name (`ident ~~ ws`).
_SAME_LINE = frozenset((":", "{"))


def _innermost(stack: list) -> t.Iterator[Token]:
    """The tokens on the parser's stack, last first, down to the bracket (or `#{`) still open, if any, which
    is the last one yielded; tokens inside closed brackets are left out."""
    depth = 0
    for value in reversed(stack):
        if isinstance(value, Token):
            outside, depth = depth == 0, depth + (value.value in _CLOSERS) - (value.value in _OPENERS)
            if outside and depth <= 0:
                yield value
            if depth < 0:
                return


def _inside_brackets(stack: list) -> bool:
    """Whether a bracket (or a `#{`) is open on the parser's stack. Within one, an element, argument, value
    or interpolated expression is core's `expr`, which takes the newlines after it (`expr0 ~~ nl`): a
    newline there is no statement's end, and core's parser fails at what follows the newlines."""
    return any(token.value in _OPENERS for token in _innermost(stack))


def _past_line_breaks(text: str, pos: int, breaks: str = "\n\r") -> int:
    """Past the newlines (or other `breaks`), blanks and comments from `pos` (core's `nl`)."""
    while True:
        pos = _blanks_end(text, pos)
        if text.startswith("//", pos):
            pos = text.find("\n", pos)
            pos = len(text) if pos < 0 else pos
        elif text[pos : pos + 1] and text[pos] in breaks:
            pos += 1
        else:
            return pos


def _unseparated_let(text: str, pos: int, let: Span) -> ParseError:
    """A `let` statement that something other than a separator follows (`let x = 1 2`): core's block body
    ends at the `let`, so its Failure.MissingReturn is reported where the parser stands (`blockBody0`)."""
    where = _error(text, pos, "", end=pos + 1)
    return _missing_return(let, line=where.line, column=where.column, source_line=where.source_line, span=where.span)


def _open_let(stack: list) -> Token | None:
    """The `let` token of the statement the parser is in, if it is a `let` whose brackets are all closed."""
    for token in _innermost(stack):
        if token.type in ("_SEP", "LET") or token.value in _OPENERS:
            return token if token.type == "LET" else None
    return None


def _past_separators(text: str, pos: int, token: Token) -> int:
    """Where core reports a block or query with no statement when one starts with separators (`{ ; 1 }`):
    its block takes a trailing separator run (`blocksep.?`) even with no statement before it, and then
    finds no statement, so it points past the run."""
    return _past_line_breaks(text, pos, "\n\r;") if token.type == "_SEP" else pos


def _value_stack(err: UnexpectedToken) -> list:
    """What the parser had shifted and reduced when it stopped (tokens and the nodes made of them)."""
    state = getattr(getattr(err, "interactive_parser", None), "parser_state", None)
    return list(getattr(state, "value_stack", None) or [])


def _listed(words: list[str]) -> str:
    """Core's list of expectations: `a`, `a or b`, `a, b, or c`."""
    if len(words) <= 2:
        return " or ".join(words) or "expression"
    return ", ".join(words[:-1]) + ", or " + words[-1]


def _expected_words(names: set[str]) -> set[str]:
    rest = names
    if "??" in names:  # after an operand: an operator or a postfix step may follow, core names neither
        rest = {n for n in names if n not in _CONTINUATIONS} or names
    if len(rest) > 1:
        rest = rest - {"_SEP"}  # a newline or `;` between statements is not named either
    if {"NAME", "INT"} <= rest:
        rest = {n for n in rest if n not in _EXPRESSION_STARTS} | {"expression"}
    return {_WORDS.get(n, n if n == "expression" else f"`{n}`") for n in rest}


def _is(value: t.Any, kind: str) -> bool:
    return isinstance(value, Token) and value.type == kind


def _in_group(stack: list) -> bool:
    """Whether the innermost open `(` on the parser's stack opens a group or tuple, not a call's arguments
    (a call's follows the operand it calls)."""
    depth = 0
    for index in range(len(stack) - 1, -1, -1):
        value = stack[index]
        if _is(value, "RPAR"):
            depth += 1
        elif _is(value, "LPAR"):
            if depth == 0:
                return index == 0 or isinstance(stack[index - 1], Token)
            depth -= 1
    return False


def _after_integer(text: str, stack: list, pos: int) -> bool:
    """Whether the parser stopped right after `<integer>.`, where core's parser also looked for a digit
    (not after `0x1.`: a hex, octal or binary literal takes no fraction)."""
    if len(stack) < 2 or not _is(stack[-1], "DOT") or stack[-1].end_pos != pos:
        return False
    number = stack[-2]
    if not (isinstance(number, ast.Literal) and type(number.value) is int):
        return False
    digits = text[number.span.start : number.span.end].lstrip("+- \t")
    return number.span.end == stack[-1].start_pos and not _RADIX.match(digits)


def _token_error(text: str, token: Token, message: str, annotation: str | None = None) -> ParseError:
    return ParseError(
        message,
        line=token.line,
        column=token.column,
        source_line=source_line(text, token.line),
        span=_span(token),
        annotation=annotation,
    )


def locate(err: ParseError, text: str) -> ParseError:
    """Fill in the source line of an error the Transformer raised; line 0 means the end of the text."""
    if err.line == 0:
        # Core's parser takes the blanks and comments the query ends with before it reports (`nl ~~ Index`).
        err.line, err.column = _Lines(text).at(len(text))
    if not err.source_line:
        err.source_line = source_line(text, err.line)
    return err


def _optional_chain(node: t.Any) -> bool:
    """Whether `node` is a chain of `.x`, `[i]` and calls with a `?.` link in it."""
    while isinstance(node, (ast.Member, ast.Index, ast.Apply)):
        if node.optional:
            return True
        node = node.fn if isinstance(node, ast.Apply) else node.obj
    return False
