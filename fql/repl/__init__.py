"""The interactive shell (`fql repl`): a Session reading entries from the terminal or from a stream."""

from __future__ import annotations

import sys
import typing as t

from .session import Session, stream_reader

if t.TYPE_CHECKING:
    from ..database import Database

BANNER = "fql {version}: FQL v4. Type :help for help, Ctrl-D to leave."


def repl(
    db: Database,
    stdin: t.TextIO,
    stdout: t.TextIO,
    stderr: t.TextIO,
    *,
    fmt: str = "fql",
    version: str = "",
    syntax: str = "auto",
) -> int:
    """Run a session: prompt_toolkit on a real terminal, plain lines (no prompts) from anything else."""
    if stdin is sys.stdin and stdin.isatty() and stdout.isatty():
        from .terminal import terminal_reader

        stdout.write(BANNER.format(version=version) + "\n")
        return Session(db, terminal_reader(), stdout, stderr, fmt=fmt, syntax=syntax).run()
    return Session(db, stream_reader(stdin), stdout, stderr, fmt=fmt, syntax=syntax).run()


__all__ = ["Session", "repl", "stream_reader"]
