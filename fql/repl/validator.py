"""Is the REPL's input a complete entry, and is it valid? The real parser decides (ptpython's validator)."""

from __future__ import annotations

import re
import typing as t

from prompt_toolkit.document import Document
from prompt_toolkit.validation import ValidationError, Validator

from ..errors import FQLError, ParseError
from ..parse import detect_syntax, parse
from ..parse.errors import IncompleteInput

#: A v10 `let` and its variable.
_LET = re.compile(r"let\s+([A-Za-z_][\w']*)")
#: A token of FQL text: a comment or a string (either perhaps unterminated), or any other character.
TOKEN = re.compile(r"//[^\n]*|/\*[\s\S]*?(?:\*/|$)|\"(?:\\.|[^\"\\\n])*\"?|'(?:\\.|[^'\\\n])*'?|[\s\S]")


def is_complete(text: str, syntax: str = "v4") -> bool:
    """False while brackets are open (the parser raises IncompleteInput); any other error is complete.

    A `:command` line and blank input are complete; a text with a real syntax error is complete too,
    so that the session reports the error instead of waiting for more lines. With `auto`, a text one
    syntax reads whole is complete (`ariel`, a v10 variable, is the start of a v4 call).
    """
    if not text.strip() or text.lstrip().startswith(":"):
        return True
    if syntax == "auto":
        whole = syntax_error(text, "v4") is None or syntax_error(text, "v10") is None
        return whole or (is_complete(text, "v4") and is_complete(text, "v10"))
    try:
        parse(with_return(text) if syntax == "v10" else text, syntax)
    except IncompleteInput:
        return False
    except FQLError:
        return True
    return True


def with_return(text: str) -> str:
    """A v10 entry that ends with a `let` gets its variable as the value (`let x = 1` runs as `let x = 1; x`).

    A v10 query may not end with a `let`; in the REPL such an entry binds the variable for the session.
    """
    try:
        parse(text, "v10")
    except IncompleteInput as err:
        let = _LET.match(text, err.span.start) if err.span is not None else None
        if err.description == "Missing return expression" and let is not None:
            return f"{text}\n{let.group(1)}"
    except Exception:  # noqa: BLE001 - the entry's own error is reported when it runs
        return text
    return text


def syntax_error(text: str, syntax: str = "auto") -> ParseError | None:
    """The parse error of a complete entry in `syntax` (auto: the syntax it reads as), or None if it parses."""
    if not text.strip() or text.lstrip().startswith(":"):
        return None
    text = with_return(text) if syntax != "v4" else text
    try:
        parse(text, detect_syntax(text) if syntax == "auto" else syntax)
    except ParseError as err:
        return err
    except Exception:  # noqa: BLE001 - anything else is the session's to report when the entry runs
        return None
    return None


def depth(text: str) -> int:
    """How many brackets are open at the end of `text` (those in strings and comments do not count)."""
    level = 0
    for token in TOKEN.finditer(text):
        level += {"(": 1, "[": 1, "{": 1, ")": -1, "]": -1, "}": -1}.get(token.group(), 0)
    return max(level, 0)


def offset(text: str, line: int, column: int) -> int:
    """The index in `text` of a 1-based line and column."""
    lines = text.split("\n")
    before = sum(len(each) + 1 for each in lines[: max(line - 1, 0)])
    return min(before + max(column - 1, 0), len(text))


class FqlValidator(Validator):
    """Refuses an entry with a syntax error: the message shows under the input and the cursor goes to it."""

    def __init__(self, syntax: t.Callable[[], str]):
        self.syntax = syntax

    def validate(self, document: Document) -> None:
        syntax = self.syntax()
        if syntax == "auto" and document.text.strip():
            syntax = detect_syntax(with_return(document.text))
        err = syntax_error(document.text, syntax)
        if err is None or isinstance(err, IncompleteInput):
            return
        position = offset(document.text, err.line, err.column)
        if syntax == "v10":
            # As `fql run` and Fauna's v10 API report it: v10's code, and the place as its summary names it.
            raise ValidationError(position, f"{err.v10_code}: {err.description} at *query*:{err.line}:{err.column}")
        where = f"line {err.line}, column {err.column}"
        raise ValidationError(position, f"{err.code}: {err.description} ({where})")
