"""The terminal front end: prompt_toolkit with history, colours, completion, and Enter that submits complete entries."""

from __future__ import annotations

import os
import typing as t
from pathlib import Path

from prompt_toolkit import PromptSession
from prompt_toolkit.completion import CompleteEvent, Completer, Completion
from prompt_toolkit.document import Document
from prompt_toolkit.history import FileHistory, History, InMemoryHistory
from prompt_toolkit.lexers import Lexer, PygmentsLexer

from ..parse import detect_syntax
from .completer import complete
from .key_bindings import fql_bindings
from .lexer import Fql10Lexer, FqlLexer
from .session import CONTINUATION, Reader
from .validator import FqlValidator

if t.TYPE_CHECKING:
    from .session import Session

#: Where entries are remembered between sessions, unless FQL_HISTORY names another file.
HISTORY = "~/.fql_history"


def history_path() -> Path:
    return Path(os.environ.get("FQL_HISTORY") or HISTORY).expanduser()


def _history(path: Path) -> History:
    """The history file, or a history in memory if the file cannot be written."""
    try:
        path.open("a", encoding="utf-8").close()
    except OSError:
        return InMemoryHistory()
    return FileHistory(str(path))


class FqlCompleter(Completer):
    """prompt_toolkit's view of the completion engine (completer.py), with the session's names."""

    def __init__(self, session: Session):
        self.session = session

    def get_completions(self, document: Document, complete_event: CompleteEvent) -> t.Iterator[Completion]:
        try:
            found = complete(document.text_before_cursor, self.session.syntax, self.session.catalog())
        except Exception:  # noqa: BLE001 - a failed completion shows nothing rather than stopping the input
            return
        for each in found:
            yield Completion(each.text, -each.replace, display_meta=each.meta)


class FqlInputLexer(Lexer):
    """Colours the input as the session reads it: v4, v10, or (auto) the syntax the text parses as."""

    def __init__(self, session: Session):
        self.session = session
        self.lexers = {"v4": PygmentsLexer(FqlLexer), "v10": PygmentsLexer(Fql10Lexer)}

    def lex_document(self, document: Document) -> t.Callable[[int], t.Any]:
        syntax = self.session.syntax
        if syntax == "auto":
            try:
                syntax = detect_syntax(document.text)
            except Exception:  # noqa: BLE001 - colouring must never stop the input
                syntax = "v4"
        return self.lexers[syntax].lex_document(document)


def terminal_reader(session: Session, history: Path | None = None) -> Reader:
    """A Reader on the terminal for `session`; Ctrl-D raises EOFError and Ctrl-C KeyboardInterrupt."""
    prompt: PromptSession[str] = PromptSession(
        history=_history(history or history_path()),
        multiline=True,
        key_bindings=fql_bindings(lambda: session.syntax),
        # `...>` starts a line of the entry; a line the terminal wraps goes on under blanks, or it would
        # look like a line break the entry does not have.
        prompt_continuation=lambda width, line, wrapped: " " * width if wrapped else CONTINUATION.rjust(width),
        lexer=FqlInputLexer(session),
        completer=FqlCompleter(session),
        complete_while_typing=False,
        validator=FqlValidator(lambda: session.syntax),
        validate_while_typing=False,
        bottom_toolbar=session.toolbar,
        enable_history_search=False,
    )
    return lambda text: prompt.prompt(text)
