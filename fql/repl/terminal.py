"""The terminal front end: prompt_toolkit with history in ~/.fql_history; Enter submits only a complete entry."""

from __future__ import annotations

from pathlib import Path

from prompt_toolkit import PromptSession
from prompt_toolkit.application import get_app
from prompt_toolkit.filters import Condition
from prompt_toolkit.history import FileHistory

from .session import CONTINUATION, Reader
from .validator import is_complete

#: Where entries are remembered between sessions.
HISTORY = Path("~/.fql_history").expanduser()


@Condition
def _open_brackets() -> bool:
    """Enter inserts a newline while the entry is incomplete (litecli's multiline condition)."""
    return not is_complete(get_app().current_buffer.text)


def terminal_reader(history: Path = HISTORY) -> Reader:
    """A Reader on the terminal; the session raises EOFError on Ctrl-D and KeyboardInterrupt on Ctrl-C."""
    session: PromptSession[str] = PromptSession(
        history=FileHistory(str(history)),
        multiline=_open_brackets,
        prompt_continuation=lambda width, line, wrapped: CONTINUATION.rjust(width),
    )
    return lambda prompt: session.prompt(prompt)
