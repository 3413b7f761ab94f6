"""The REPL's keys on top of prompt_toolkit's Emacs set (Ctrl-C cancels the entry, Ctrl-D on an empty one leaves)."""

from __future__ import annotations

import typing as t

from prompt_toolkit.enums import DEFAULT_BUFFER
from prompt_toolkit.filters import completion_is_selected, has_completions, has_focus
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent

from .validator import depth, is_complete

#: Spaces per open bracket when a new line is indented.
INDENT = "  "
_CLOSERS = (")", "]", "}")


def fql_bindings(syntax: t.Callable[[], str]) -> KeyBindings:
    """The bindings; `syntax()` is the session's current syntax (v4, v10 or auto)."""
    kb = KeyBindings()
    # Only while editing the entry: Ctrl-R's search field keeps prompt_toolkit's own keys.
    editing = has_focus(DEFAULT_BUFFER)

    @kb.add("enter", filter=editing & completion_is_selected)
    def _take(event: KeyPressEvent) -> None:
        """Enter with a completion selected: keep it and close the menu."""
        event.current_buffer.complete_state = None

    @kb.add("enter", filter=editing & ~completion_is_selected)
    def _enter(event: KeyPressEvent) -> None:
        """Enter: run the entry if the parser finds it complete, else a new line indented to its open brackets."""
        buffer = event.current_buffer
        if is_complete(buffer.text, syntax()):
            buffer.validate_and_handle()
        else:
            _newline(event)

    @kb.add("escape", "enter", filter=editing)
    def _continue(event: KeyPressEvent) -> None:
        """Alt-Enter (Esc Enter): a new line even when the entry is complete (to add another statement)."""
        _newline(event)

    @kb.add("tab", filter=editing & ~has_completions)
    def _tab(event: KeyPressEvent) -> None:
        """Tab: indent at the start of a line, else complete the name before the cursor (again: next one)."""
        buffer = event.current_buffer
        if not buffer.document.current_line_before_cursor.strip():
            buffer.insert_text(INDENT)
        else:
            buffer.start_completion(insert_common_part=True)

    @kb.add("c-space", filter=editing)
    def _complete(event: KeyPressEvent) -> None:
        """Ctrl-Space: show the completions at the cursor."""
        event.current_buffer.start_completion(select_first=False)

    for closer in _CLOSERS:
        kb.add(closer, filter=editing)(_dedent)

    return kb


def _newline(event: KeyPressEvent) -> None:
    buffer = event.current_buffer
    buffer.insert_text("\n" + INDENT * depth(buffer.document.text_before_cursor))


def _dedent(event: KeyPressEvent) -> None:
    """`)`, `]` or `}` first on a line: one level less indentation, then the bracket."""
    buffer = event.current_buffer
    before = buffer.document.current_line_before_cursor
    if before and not before.strip() and before.endswith(INDENT):
        buffer.delete_before_cursor(len(INDENT))
    buffer.insert_text(event.data)
