"""Lark's errors become one ParseError: a description, line, column and the source line for the caret."""

from __future__ import annotations

from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from ..errors import ParseError

#: Friendly names for terminals in "expected ..." lists.
_TERMINAL_NAMES = {
    "RPAR": "')'",
    "LPAR": "'('",
    "RSQB": "']'",
    "LSQB": "'['",
    "RBRACE": "'}'",
    "LBRACE": "'{'",
    "COMMA": "','",
    "COLON": "':'",
    "DOT": "'.'",
    "NAME": "a name",
    "DOUBLE_STRING": "a string",
    "SINGLE_STRING": "a string",
    "INT": "a number",
    "FLOAT": "a number",
    "$END": "end of input",
    "DOTTED_NAME": "a name",
    "ARROW": "'=>'",
    "EQUAL": "'='",
    "PAIR_ARROW": "'->'",
    "LONG": "a number",
}


def source_line(text: str, line: int) -> str:
    lines = text.splitlines() or [""]
    return lines[line - 1] if 0 < line <= len(lines) else ""


def _expected(names: set[str]) -> str:
    words = sorted({_TERMINAL_NAMES.get(n, n.lower()) for n in names})
    if not words:
        return ""
    if len(words) > 6:
        words = words[:6] + ["..."]
    return ", expected " + " or ".join(words)


def _end_position(text: str) -> tuple[int, int]:
    lines = text.split("\n")
    return len(lines), len(lines[-1]) + 1


class IncompleteInput(ParseError):
    """The text ended before the expression did (the REPL keeps reading)."""


def convert(err: UnexpectedInput, text: str) -> ParseError:
    """Turn a lark error into a ParseError pointing at the offending text."""
    if isinstance(err, UnexpectedEOF) or (isinstance(err, UnexpectedToken) and err.token.type == "$END"):
        line, column = _end_position(text.rstrip() or text)
        if text.rstrip():
            column = len(text.rstrip().split("\n")[-1]) + 1
        expected = getattr(err, "expected", None) or getattr(err, "accepts", None) or set()
        return IncompleteInput(
            "Unexpected end of input" + _expected(set(expected)),
            line=line,
            column=column,
            source_line=source_line(text, line),
        )
    if isinstance(err, UnexpectedToken):
        token = err.token
        expected = err.accepts or err.expected
        return ParseError(
            f"Unexpected {token.value!r}" + _expected(set(expected)),
            line=err.line,
            column=err.column,
            source_line=source_line(text, err.line),
        )
    if isinstance(err, UnexpectedCharacters):
        char = text[err.pos_in_stream] if err.pos_in_stream < len(text) else ""
        if char in "\"'":
            description = "Unterminated string"
        else:
            description = f"Unexpected character {char!r}"
        return ParseError(description, line=err.line, column=err.column, source_line=source_line(text, err.line))
    return ParseError(str(err), line=getattr(err, "line", 1), column=getattr(err, "column", 1))
