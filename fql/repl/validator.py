"""Is the REPL's input a complete entry? The parser decides: text that ended early keeps the prompt open."""

from __future__ import annotations

from ..errors import FQLError
from ..parse import parse
from ..parse.errors import IncompleteInput


def is_complete(text: str, syntax: str = "v4") -> bool:
    """False while brackets are open (the parser raises IncompleteInput); any other error is complete.

    A `:command` line and blank input are complete; a text with a real syntax error is complete too,
    so that the session reports the error instead of waiting for more lines.
    """
    if not text.strip() or text.lstrip().startswith(":"):
        return True
    if syntax == "auto":
        return is_complete(text, "v4") and is_complete(text, "v10")
    try:
        parse(text, syntax)
    except IncompleteInput:
        return False
    except FQLError:
        return True
    return True
