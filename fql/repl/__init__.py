"""The interactive shell (`fql repl`): a Session reading entries from the terminal or from a stream."""

from __future__ import annotations

import os
import sys
import typing as t

if t.TYPE_CHECKING:
    from ..database import Database

BANNER = "fql {version}: FQL v4 and v10 on {url}. Tab completes, :help helps, Ctrl-D leaves."


def repl(
    db: Database,
    stdin: t.TextIO,
    stdout: t.TextIO,
    stderr: t.TextIO,
    *,
    fmt: str = "fql",
    version: str = "",
    syntax: str = "auto",
    url: str = "memory://",
) -> int:
    """Run a session: prompt_toolkit on a real terminal, plain lines (no prompts) from anything else.

    On a terminal results are pretty-printed and coloured (unless NO_COLOR is set); from a pipe or a
    file each result is one line, as `fql run` prints it, and the exit status is 1 if an entry failed
    (2 for a bug in fql), as `fql run`'s is. (The session's modules load here, so that
    `fql run` and the server do not pay for Pygments and prompt_toolkit.)
    """
    from .pretty import Display
    from .session import Session, stream_reader

    if stdin is sys.stdin and stdin.isatty() and stdout.isatty():
        from .terminal import terminal_reader

        display = Display(pretty=True, colour=not os.environ.get("NO_COLOR"))
        session = Session(db, None, stdout, stderr, fmt=fmt, syntax=syntax, url=url, display=display)
        session.read = terminal_reader(session)
        stdout.write(BANNER.format(version=version, url=url) + "\n")
        session.run()
        # Each error was seen as it happened: leaving a typed session is a success.
        return 0
    if _isatty(stdin):
        # `fql repl | tee log`: the shell needs both ends on a terminal; without prompts the wait looks like a hang.
        stderr.write("fql repl: output is not a terminal, so lines are read without prompts; Ctrl-D ends\n")
        stderr.flush()
    return Session(db, stream_reader(stdin), stdout, stderr, fmt=fmt, syntax=syntax, url=url).run()


def _isatty(stream: t.TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


__all__ = ["repl"]
