"""The REPL loop: read an entry (more lines while brackets are open), run each expression, print the result."""

from __future__ import annotations

import time
import typing as t
from pathlib import Path

from .. import ast
from ..errors import FQLError
from ..parse import detect_syntax, parse
from .completer import Catalog
from .docs import help_text
from .identity import describe, login, login_arguments
from .pretty import Display, colour, colour_error, pretty
from .printer import FORMATS, FormatError, auto_syntax_note, error_text, error_text_v10, result_text
from .validator import is_complete, with_return

if t.TYPE_CHECKING:
    from ..database import Database

#: Reads one line after showing a prompt; raises EOFError (Ctrl-D) or KeyboardInterrupt (Ctrl-C).
Reader = t.Callable[[str], str]

PROMPT = "fql> "
CONTINUATION = "...> "

#: The `:commands`, with the line `:help` shows for each.
COMMANDS = {
    ":help": ":help [Name]        this list, or a function's signature and documentation (:help Paginate)",
    ":syntax": ":syntax S           read entries as v4, v10, or auto (v4 if it parses as v4, else v10)",
    ":format": ":format F           print results as fql notation, v4 json, v10 tagged / simple json, or v10 decorated text",
    ":secret": ":secret [S]         run the next queries with secret S (a key, token or scoped secret); alone: root",
    ":login": ":login ID PASSWORD  Login(ID, {password}) as the current secret, then use the token's secret",
    ":logout": ":logout             Logout(false) with the current secret, then back to the previous one",
    ":whoami": ":whoami             who the queries run as: root, a key's role, or a token's identity",
    ":db": ":db URL             open another database (memory://, sqlite:app.db, sqlite:///abs/path.db, postgresql://...)",
    ":timing": ":timing [on|off]    print how long each query takes (alone: switch it on or off)",
    ":load": ":load FILE          run a file's statements, each its own query, as `fql run` does",
    ":quit": ":quit               leave (Ctrl-D works too; Ctrl-C cancels the current input)",
}
#: Other spellings of the commands.
ALIASES = {":q": ":quit", ":exit": ":quit", ":?": ":help"}
#: What `:syntax` takes.
SYNTAXES = ("v4", "v10", "auto")

#: The names of the open database, queried with the session's secret for completion.
_CATALOG_QUERIES = {
    "collections": 'Map(Paginate(Collections(), {size: 10000}), Lambda("r", Select("id", Var("r"))))',
    "indexes": 'Map(Paginate(Indexes(), {size: 10000}), Lambda("r", Select("id", Var("r"))))',
    "functions": 'Map(Paginate(Functions(), {size: 10000}), Lambda("r", Select("id", Var("r"))))',
}
#: The query `_with_env` runs, for its transaction alone.
_NOTHING = parse("null", "v10")
_COLLECTION_INDEXES = (
    'Map(Paginate(Collections(), {size: 10000}), Lambda("r", [Select("id", Var("r")), '
    'Select("indexes", Get(Var("r")), {})]))'
)


def stream_reader(stream: t.TextIO) -> Reader:
    """Lines from a file or a pipe, without prompts (for `fql repl < file` and tests)."""

    first = True

    def read(prompt: str) -> str:
        nonlocal first
        line = stream.readline()
        if not line:
            raise EOFError
        if first:
            # A byte order mark (a file a Windows editor saved) is not part of the first entry.
            first, line = False, line.removeprefix("\ufeff")
        return line.rstrip("\n")

    return read


def _is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class Session:
    """One REPL session on one database; each top-level expression of an entry is its own query."""

    def __init__(
        self,
        db: Database,
        read: Reader | None,
        out: t.TextIO,
        err: t.TextIO,
        *,
        fmt: str = "fql",
        syntax: str = "auto",
        url: str = "memory://",
        display: Display | None = None,
    ):
        self.db = db
        self.url = url
        self.read = read
        self.out = out
        self.err = err
        self.fmt = fmt
        self.syntax = syntax
        self.display = display or Display()
        #: v10 `let` bindings made at the top level, kept for later entries.
        self.env: dict = {}
        #: Set when the input ended inside an entry: run what was read, then stop.
        self.ended = False
        #: The secrets in use, the current one last (`:secret`, `:login`); none: the root.
        self.secrets: list[str] = []
        #: Print each query's time (`:timing`).
        self.timing = False
        #: 1 once an entry or command failed, 2 once fql itself failed (what `run` returns, as `fql run` exits).
        self.status = 0
        self._catalog: Catalog | None = None

    @property
    def secret(self) -> str | None:
        """The secret queries run with; None for the root."""
        return self.secrets[-1] if self.secrets else None

    def run(self) -> int:
        """Loop until Ctrl-D or `:quit`; the exit status is 1 if an entry failed (2 for a bug in fql), else 0."""
        while not self.ended:
            try:
                text = self.read_entry()
            except EOFError:
                break
            except KeyboardInterrupt:
                # Ctrl-C drops the entry being typed and starts a fresh prompt.
                continue
            if not self.handle(text):
                break
        return self.status

    def read_entry(self) -> str:
        """One entry: the first line, then continuation lines while the parser says the input ended early."""
        assert self.read is not None, "a Session needs a reader to run"
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
        self._catalog = None
        stripped = text.strip()
        if not _is_utf8(text):
            # Bytes a pipe's text stream passed on as surrogates (`fql repl < latin1.fql`).
            self._error("Not run: the entry is not UTF-8 text.")
            return True
        try:
            if stripped.startswith(":"):
                return self.command(stripped)
            if stripped:
                self.execute(text)
        except KeyboardInterrupt:
            self._print(self.err, "interrupted")
        except Exception as exc:  # noqa: BLE001 - a bug in fql shows as one line, and the session goes on
            self._print(self.err, f"internal error: {type(exc).__name__}: {exc}")
            self.status = 2
        return True

    def execute(self, text: str) -> None:
        """Evaluate each statement of `text` as its own query, stopping at the first error.

        In v10 a top-level `let` binds its value for the rest of the session, and an entry may end with one
        (then nothing is printed for it, as Python prints nothing for an assignment).
        """
        source = with_return(text) if self.syntax != "v4" else text
        syntax = detect_syntax(source) if self.syntax == "auto" else self.syntax
        try:
            program = parse(source if syntax == "v10" else text, syntax)
        except FQLError as err:
            self._error(error_text_v10(err, text) if syntax == "v10" else error_text(err, text))
            return
        # The variable with_return added after a final `let` is not a query of its own.
        body = program.body[:-1] if syntax == "v10" and source != text else program.body
        for expr in body:
            start = time.perf_counter()
            try:
                value = self._run(expr, syntax)
            except FQLError as err:
                self._error(error_text_v10(err, text) if syntax == "v10" else error_text(err, text, expr))
                note = auto_syntax_note(err, "entries") if self.syntax == "auto" and syntax == "v10" else None
                if note:
                    self._print(self.err, note)
                return
            if not isinstance(expr, ast.Let):
                try:
                    self._print(self.out, self._result(value, syntax))
                except FormatError as err:
                    self._error(str(err))
                    return
            if self.timing:
                self._print(self.out, f"time: {(time.perf_counter() - start) * 1000:.3f} ms")

    def _run(self, expr: ast.Node, syntax: str) -> t.Any:
        """One query with the session's secret; a top-level v10 `let` binds its value for later entries."""
        if isinstance(expr, ast.Let):
            self.env[expr.name] = self.db.run(expr.value, secret=self.secret, syntax=syntax, env=self.env)
            return self.env[expr.name]
        return self.db.run(expr, secret=self.secret, syntax=syntax, env=self.env)

    def _result(self, value: t.Any, syntax: str) -> str:
        display = self.display
        if self.fmt == "fql" and display.pretty:
            text = pretty(value, syntax, display.columns(), display.page_preview)
        else:
            text = result_text(value, self.fmt, syntax)
        if display.colour:
            lexer = {"fql": syntax, "decorated": "v10"}.get(self.fmt, "json")
            text = colour(text, lexer)
        return text

    def _error(self, text: str) -> None:
        self.status = max(self.status, 1)
        self._print(self.err, colour_error(text) if self.display.colour else text)

    # -- the database's names, for completion ---------------------------------------------------------

    def catalog(self) -> Catalog:
        """The database's collections, indexes and functions as the current secret sees them (once per entry)."""
        if self._catalog is None:
            # By name (the sets list schema in creation order, as core's ids do).
            names = {kind: tuple(sorted(self._query(text) or ())) for kind, text in _CATALOG_QUERIES.items()}
            indexes = {name: tuple(defs) for name, defs in self._query(_COLLECTION_INDEXES) or () if defs}
            self._catalog = Catalog(
                **names, collection_indexes=indexes, variables=dict(self.env), with_env=self._with_env
            )
        return self._catalog

    def _with_env(self, fn: t.Callable[[t.Any], t.Any]) -> t.Any:
        """`fn`'s result, given the typechecker's environment of the database (read in a transaction of
        its own, as the current secret), for completion to type what is before a dot."""
        from ..eval.v10.static import RuntimeEnv

        found = []
        self.db.run_with_state(
            _NOTHING, secret=self.secret, syntax="v10", env=lambda ctx: found.append(fn(RuntimeEnv(ctx)))
        )
        return found[0]

    def _query(self, text: str) -> list | None:
        """A page's data, or None if the secret may not read it."""
        try:
            return self.db.query(text, secret=self.secret).data
        except FQLError:
            return None

    def toolbar(self) -> str:
        """The line under the input: syntax, format, who the queries run as, the database."""
        timing = " · timing" if self.timing else ""
        return f" {self.syntax} · {self.fmt} · {self._who_short()} · {self.url}{timing} · Tab completes · :help"

    def _who_short(self) -> str:
        return "root" if self.secret is None else "secret …" + self.secret[-4:]

    # -- commands ---------------------------------------------------------------------------------------

    def command(self, line: str) -> bool:
        name, _, arg = line.partition(" ")
        name = ALIASES.get(name, name)
        if name == ":quit":
            return False
        handler = getattr(self, "_" + name[1:], None) if name in COMMANDS else None
        if handler is None:
            self._error(f"Unknown command {name!r}; :help lists the commands.")
        else:
            handler(arg.strip())
        return True

    def _help(self, name: str) -> None:
        if not name:
            self._print(self.out, "\n".join(COMMANDS.values()))
        elif name.startswith(":"):
            found = COMMANDS.get(ALIASES.get(name, name))
            self._print(self.out, found or f"No command named {name!r}.")
        else:
            self._print(self.out, help_text(name))

    def _format(self, fmt: str) -> None:
        self.fmt = self._choose("format", fmt, self.fmt, FORMATS)

    def _syntax(self, syntax: str) -> None:
        self.syntax = self._choose("syntax", syntax, self.syntax, SYNTAXES)

    def _choose(self, what: str, given: str, current: str, choices: t.Sequence[str]) -> str:
        """`:format` / `:syntax`: the value given if it is one of `choices`; alone, the current one is named (a
        question, not a failure); anything else is refused with the choices."""
        if given in choices:
            return given
        if not given:
            self._print(self.out, f"The {what} is {current}; choose one of: {', '.join(choices)}.")
        else:
            self._error(f"Unknown {what} {given!r}; the {what} is still {current}; choose one of: {', '.join(choices)}.")
        return current

    def _timing(self, arg: str) -> None:
        if arg not in ("", "on", "off"):
            self._error("Usage: :timing [on|off]")
            return
        self.timing = {"on": True, "off": False}.get(arg, not self.timing)
        self._print(self.out, f"Timing is {'on' if self.timing else 'off'}.")

    def _secret(self, secret: str) -> None:
        if not secret:
            self.secrets = []
            self._print(self.out, "Queries run as the root.")
            return
        try:
            self.db.query("null", secret=secret)
        except FQLError as err:
            self._error(error_text(err))
            return
        self.secrets = [secret]
        self._print(self.out, f"Queries run as {self.whoami()}.")

    def _login(self, arg: str) -> None:
        parsed = login_arguments(arg)
        if parsed is None:
            self._error("Usage: :login IDENTITY PASSWORD (IDENTITY is FQL: a Ref, a Match, a v10 document)")
            return
        identity, password = parsed
        try:
            token = login(self.db, self.secret, identity, password, self.syntax, self.env)
        except FQLError as err:
            self._error(error_text_v10(err, identity) if detect_syntax(identity) == "v10" else error_text(err))
            return
        self.secrets.append(token["secret"])
        self._print(self.out, f"Logged in: {self.whoami()}.")

    def _logout(self, arg: str) -> None:
        if self.secret is None:
            self._print(self.err, "Not logged in: queries run as the root.")
            return
        try:
            self.db.query("Logout(false)", secret=self.secret)
        except FQLError as err:
            self._error(error_text(err))
        self.secrets.pop()
        self._print(self.out, f"Logged out; back to {self.whoami()}.")

    def _whoami(self, arg: str) -> None:
        self._print(self.out, self.whoami())

    def whoami(self) -> str:
        """Who the queries run as (`:whoami`)."""
        return describe(self.db, self.secret)

    def _db(self, url: str) -> None:
        from ..database import connect

        if not url:
            self._print(self.out, f"The database is {self.url}.")
            return
        try:
            db = connect(url)
        except FQLError as err:
            self._error(error_text(err))
            return
        self.db, self.url, self.secrets, self.env = db, url, [], {}
        self._print(self.out, f"Opened {url}: queries run as the root.")

    def _load(self, name: str) -> None:
        name = name.strip("\"'")
        if not name:
            self._error("Usage: :load FILE")
            return
        path = Path(name).expanduser()
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as exc:
            self._error(f"Cannot read {name}: not UTF-8 text ({exc.reason} at byte {exc.start})")
            return
        except OSError as exc:
            self._error(f"Cannot read {name}: {exc.strerror or exc}")
            return
        self.execute(text)

    @staticmethod
    def _print(stream: t.TextIO, text: str) -> None:
        stream.write(text + "\n")
        stream.flush()

