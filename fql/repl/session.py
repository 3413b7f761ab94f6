"""The REPL loop: read an entry (more lines while brackets are open), run each expression, print the result."""

from __future__ import annotations

import typing as t

from ..errors import FQLError
from ..eval import registry
from ..parse import parse
from .printer import FORMATS, error_text, result_text
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
    ":format": ":format fql|json  print results in shell notation or as v4 wire JSON",
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

    def __init__(self, db: Database, read: Reader, out: t.TextIO, err: t.TextIO, *, fmt: str = "fql"):
        self.db = db
        self.read = read
        self.out = out
        self.err = err
        self.fmt = fmt
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
        while not is_complete("\n".join(lines)):
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
        """Evaluate each expression of `text` as its own query, stopping at the first error."""
        try:
            program = parse(text)
        except FQLError as err:
            self._print(self.err, error_text(err, text))
            return
        for expr in program.body:
            try:
                value = self.db.run(expr)
            except FQLError as err:
                self._print(self.err, error_text(err, text, expr))
                return
            except KeyboardInterrupt:
                self._print(self.err, "interrupted")
                return
            self._print(self.out, result_text(value, self.fmt))

    def command(self, line: str) -> bool:
        name, _, arg = line.partition(" ")
        if name in (":quit", ":q", ":exit"):
            return False
        if name == ":help":
            self._print(self.out, self._help(arg.strip()))
        elif name == ":format":
            self._format(arg.strip())
        else:
            self._print(self.err, f"Unknown command {line!r}; :help lists the commands.")
        return True

    def _format(self, fmt: str) -> None:
        if fmt in FORMATS:
            self.fmt = fmt
        else:
            self._print(self.err, f"The format is {self.fmt}; choose one of: {', '.join(FORMATS)}.")

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
