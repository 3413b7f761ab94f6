"""The REPL loop: read an entry (more lines while brackets are open), run each expression, print the result."""

from __future__ import annotations

import typing as t

from .. import ast
from ..errors import FQLError
from ..eval import registry
from ..parse import detect_syntax, parse
from .printer import FORMATS, error_text, error_text_v10, result_text
from .validator import is_complete

if t.TYPE_CHECKING:
    from ..database import Database

#: Reads one line after showing a prompt; raises EOFError (Ctrl-D) or KeyboardInterrupt (Ctrl-C).
Reader = t.Callable[[str], str]

PROMPT = "fql> "
CONTINUATION = "...> "

#: The `:commands`, with the line `:help` shows for each.
COMMANDS = {
    ":help": ":help [Name]      this list, or the documentation of a function (:help Paginate)",
    ":format": ":format F         print results as fql notation, v4 json, or v10 tagged / simple json",
    ":syntax": ":syntax S         read entries as v4, v10, or auto (v4 if it parses as v4, else v10)",
    ":quit": ":quit             leave (Ctrl-D works too; Ctrl-C cancels the current input)",
}


def stream_reader(stream: t.TextIO) -> Reader:
    """Lines from a file or a pipe, without prompts (for `fql repl < file` and tests)."""

    def read(prompt: str) -> str:
        line = stream.readline()
        if not line:
            raise EOFError
        return line.rstrip("\n")

    return read


class Session:
    """One REPL session on one database; each top-level expression of an entry is its own query."""

    def __init__(
        self, db: Database, read: Reader, out: t.TextIO, err: t.TextIO, *, fmt: str = "fql", syntax: str = "auto"
    ):
        self.db = db
        self.read = read
        self.out = out
        self.err = err
        self.fmt = fmt
        self.syntax = syntax
        #: v10 `let` bindings made at the top level, kept for later entries.
        self.env: dict = {}
        #: Set when the input ended inside an entry: run what was read, then stop.
        self.ended = False

    def run(self) -> int:
        """Loop until Ctrl-D or `:quit`; the exit status is always 0."""
        while not self.ended:
            try:
                text = self.read_entry()
            except EOFError:
                break
            except KeyboardInterrupt:
                # Ctrl-C drops the entry being typed and starts a fresh prompt.
                self.out.write("\n")
                continue
            if not self.handle(text):
                break
        return 0

    def read_entry(self) -> str:
        """One entry: the first line, then continuation lines while the parser says the input ended early."""
        lines = [self.read(PROMPT)]
        while not is_complete("\n".join(lines), self.syntax):
            try:
                lines.append(self.read(CONTINUATION))
            except EOFError:
                self.ended = True
                break
        return "\n".join(lines)

    def handle(self, text: str) -> bool:
        """Run a command or an entry; False means leave."""
        stripped = text.strip()
        if stripped.startswith(":"):
            return self.command(stripped)
        if stripped:
            self.execute(text)
        return True

    def execute(self, text: str) -> None:
        """Evaluate each statement of `text` as its own query, stopping at the first error.

        In v10 a top-level `let` binds its value for the rest of the session.
        """
        syntax = detect_syntax(text) if self.syntax == "auto" else self.syntax
        try:
            program = parse(text, syntax)
        except FQLError as err:
            self._print(self.err, error_text(err, text))
            return
        for expr in program.body:
            try:
                if isinstance(expr, ast.Let):
                    self.env[expr.name] = self.db.run(expr.value, syntax=syntax, env=self.env)
                    continue
                value = self.db.run(expr, syntax=syntax, env=self.env)
            except FQLError as err:
                shown = error_text_v10(err, text) if syntax == "v10" else error_text(err, text, expr)
                self._print(self.err, shown)
                return
            except KeyboardInterrupt:
                self._print(self.err, "interrupted")
                return
            self._print(self.out, result_text(value, self.fmt, syntax))

    def command(self, line: str) -> bool:
        name, _, arg = line.partition(" ")
        if name in (":quit", ":q", ":exit"):
            return False
        if name == ":help":
            self._print(self.out, self._help(arg.strip()))
        elif name == ":format":
            self._format(arg.strip())
        elif name == ":syntax":
            self._syntax(arg.strip())
        else:
            self._print(self.err, f"Unknown command {line!r}; :help lists the commands.")
        return True

    def _format(self, fmt: str) -> None:
        if fmt in FORMATS:
            self.fmt = fmt
        else:
            self._print(self.err, f"The format is {self.fmt}; choose one of: {', '.join(FORMATS)}.")

    def _syntax(self, syntax: str) -> None:
        if syntax in ("v4", "v10", "auto"):
            self.syntax = syntax
        else:
            self._print(self.err, f"The syntax is {self.syntax}; choose one of: v4, v10, auto.")

    def _help(self, name: str) -> str:
        if not name:
            return "\n".join(COMMANDS.values())
        fn = registry.lookup(name)
        if fn is None:
            return f"No function named {name!r}."
        return f"{fn.signature}\n{fn.doc}".rstrip()

    @staticmethod
    def _print(stream: t.TextIO, text: str) -> None:
        stream.write(text + "\n")
        stream.flush()
