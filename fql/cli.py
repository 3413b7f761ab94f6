"""The `fql` command: `fql run FILE`, `fql -e EXPR`, `fql repl`, `fql --version`; `run()` returns the exit status."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import typing as t
from importlib import metadata

from . import ast
from .database import connect
from .errors import FQLError, InvalidExpression
from .parse import detect_syntax, parse
from .repl import repl
from .repl.printer import FORMATS, FormatError, auto_syntax_note, error_text, error_text_v10, result_text

#: Exit statuses: a query or parse error, and a bug in fql (never a traceback).
EXIT_OK, EXIT_ERROR, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 130
#: A command line argparse would refuse (its own exit status for usage errors).
EXIT_USAGE = 2
#: `fql serve`'s default root secret: for development only, anyone who can connect is admin.
DEV_SECRET = "secret"
#: `fql serve --log-level` choices.
LOG_LEVELS = ("debug", "info", "warning", "error")


def _options(parser: argparse.ArgumentParser, default: t.Callable[[t.Any], t.Any], ast_: bool = True) -> None:
    """Options every mode takes; a subcommand's copies default to SUPPRESS so they keep the top-level value."""
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default=default("fql"),
        help="result format: fql notation, v4 json, v10 tagged or simple json, v10 decorated text (default: fql)",
    )
    parser.add_argument(
        "--syntax",
        choices=("v4", "v10", "auto"),
        default=default("auto"),
        help="FQL v4 or v10; auto: v4 if the text parses as v4 and names no v10 module (default: auto)",
    )
    parser.add_argument("--db", metavar="URL", default=default("memory://"), help="database URL (default: memory://)")
    if ast_:  # not the REPL's: it has no text to print the AST of
        parser.add_argument("--ast", action="store_true", default=default(False), help="print the parsed AST, do not run")
    parser.add_argument(
        "--schema", metavar="DIR", default=default(None), help="push the FSL files of DIR (or one .fsl file) to the database first"
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="fql", description="Run FQL (v4 or v10) queries: files, one expression, or a REPL.")
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    parser.add_argument("-e", dest="expr", metavar="EXPR", help="evaluate EXPR as one query and print the result")
    _options(parser, lambda value: value)
    commands = _Commands(parser.add_subparsers(dest="command", metavar="{run,repl,serve,schema,coverage}"))
    run_ = commands.add_parser("run", help="run each top-level expression of FILE as its own query")
    run_.add_argument("file", metavar="FILE", help="the FQL file, or - for standard input")
    run_.add_argument("--keep-going", action="store_true", help="go on after a query's error (the exit status is still 1); a syntax error stops the file before anything runs")
    run_.add_argument("--quiet", action="store_true", help="print errors only")
    _options(run_, lambda value: argparse.SUPPRESS)
    _options(commands.add_parser("repl", help="the interactive shell (the default)"), lambda value: argparse.SUPPRESS, ast_=False)
    commands.add_parser("coverage", help="print which FQL v4 functions and v10 methods work (the README's tables)")
    _serve_parser(commands.add_parser("serve", help="serve Fauna's HTTP API: Fauna's drivers connect unchanged"))
    _schema_parser(commands.add_parser("schema", help="push, pull or diff a database's FSL schema files"))
    return parser


class _Commands:
    """A subparsers action whose commands' `--help` starts with the line the command list shows for them
    (argparse gives `fql repl --help` no description otherwise)."""

    def __init__(self, action: t.Any):
        self.action = action

    def add_parser(self, name: str, *, help: str) -> argparse.ArgumentParser:  # noqa: A002 - argparse's name
        return self.action.add_parser(name, help=help, description=help[:1].upper() + help[1:] + ".")


def _schema_parser(schema: argparse.ArgumentParser) -> None:
    actions = _Commands(schema.add_subparsers(dest="action", metavar="{push,pull,diff,commit,abandon}", required=True))
    push = actions.add_parser("push", help="apply the .fsl files of DIR to the database (as `fauna schema push --active`)")
    diff = actions.add_parser("diff", help="show what pushing DIR would change")
    pull = actions.add_parser("pull", help="write the database's .fsl files into DIR")
    commit = actions.add_parser("commit", help="make the staged schema active")
    abandon = actions.add_parser("abandon", help="forget the staged schema")
    for action in (push, diff, pull):
        action.add_argument("dir", metavar="DIR", help="a directory of .fsl files (or one .fsl file to push or diff)")
    for action in (push, diff, pull, commit, abandon):
        # SUPPRESS keeps a --db given before the command (`fql --db URL schema push DIR`), as `run` and `serve` do.
        action.add_argument("--db", metavar="URL", default=argparse.SUPPRESS, help="database URL (default: memory://)")
        action.add_argument("--secret", default=None, help="the secret to use (default: the root)")
    for action in (push, diff):
        action.add_argument("--keep-others", action="store_true", help="keep stored files DIR does not have (override off)")
    push.add_argument("--staged", action="store_true", help="stage the push; `fql schema commit` applies it")
    diff.add_argument("--diff-format", choices=("semantic", "summary", "textual"), default="semantic", help="how to show it")


def _serve_parser(serve: argparse.ArgumentParser) -> None:
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    serve.add_argument("--port", type=_port, default=8443, help="port to listen on, 0 for any free one (default: 8443)")
    serve.add_argument("--db", metavar="URL", default=argparse.SUPPRESS, help="database URL (default: memory://)")
    serve.add_argument("--root-secret", default=DEV_SECRET, help=f'the root (admin) secret (default: "{DEV_SECRET}")')
    serve.add_argument("--log-level", choices=LOG_LEVELS, default="info", help="server log level (default: info)")
    serve.add_argument("--schema", metavar="DIR", default=argparse.SUPPRESS, help="push the FSL files of DIR to the database first")
    serve.add_argument("--ssl-key", metavar="FILE", help="serve HTTPS: a PEM file with the private key and its certificate")
    serve.add_argument("--ssl-password", metavar="TEXT", help="the password of an encrypted --ssl-key")
    serve.add_argument("--ssl-trust", metavar="FILE", help="PEM CA certificates; clients must present a certificate one signed")


def version() -> str:
    return metadata.version("fql")


def run(
    argv: t.Sequence[str],
    stdin: t.TextIO = sys.stdin,
    stdout: t.TextIO = sys.stdout,
    stderr: t.TextIO = sys.stderr,
) -> int:
    """Run the command line `argv` (without the program name) and return the exit status."""
    try:
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            args = _parser().parse_args(list(argv))
    except SystemExit as exit_:
        # argparse exits for --help (0) and for usage errors (2), having printed to our streams.
        return exit_.code if isinstance(exit_.code, int) else EXIT_ERROR
    try:
        return _dispatch(args, stdin, stdout, stderr)
    except FQLError as err:
        _print(stderr, error_text(err))
        return EXIT_ERROR
    except KeyboardInterrupt:
        # Ctrl-C: a running query stops and nothing it wrote is kept; say so, as the REPL does.
        with contextlib.suppress(OSError):
            _print(stderr, "interrupted")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (`fql run f | head`): stop quietly, as Unix tools do.
        with contextlib.suppress(OSError):
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silences the interpreter's final flush
        return EXIT_OK
    except Exception as exc:  # noqa: BLE001 - the user sees one line, never a traceback
        _print(stderr, f"internal error: {type(exc).__name__}: {exc}")
        return EXIT_INTERNAL


def _dispatch(args: argparse.Namespace, stdin: t.TextIO, stdout: t.TextIO, stderr: t.TextIO) -> int:
    if args.version:
        _print(stdout, f"fql {version()}")
        return 0
    if args.expr is not None:
        if args.command is not None:
            # `fql -e X run FILE` ran X and ignored the command.
            _print(stderr, f"fql: -e EXPR runs one query; it cannot be given with the {args.command} command")
            return EXIT_USAGE
        return _evaluate(args, args.expr, stdout, stderr)
    if args.command == "run":
        return _run_file(args, stdin, stdout, stderr)
    if args.command == "serve":
        return _serve(args, stdout, stderr)
    if args.command == "schema":
        return _schema(args, stdout, stderr)
    if args.command == "coverage":
        from .eval import catalog

        _print(stdout, "FQL v4\n\n" + catalog.table() + "\n\nFQL v10\n\n" + catalog.v10_table())
        return EXIT_OK
    if args.ast:
        # The REPL has no AST to print: `--ast` used to be dropped silently and the shell started.
        _print(stderr, "fql: --ast prints the AST of -e EXPR or of run FILE; the REPL has none to print")
        return EXIT_USAGE
    db = _connect(args, stderr)
    if db is None:
        return EXIT_ERROR
    return repl(db, stdin, stdout, stderr, fmt=args.format, version=version(), syntax=args.syntax, url=args.db)


def _connect(args: argparse.Namespace, stderr: t.TextIO, **options: t.Any) -> t.Any:
    """The database `--db` names, with the FSL files of `--schema` pushed to it; None (the error printed)
    if they cannot be."""
    from .schema.manager import SchemaError

    db = connect(args.db, **options)
    if getattr(args, "schema", None):
        try:
            db.push_schema(args.schema, override=False)
        except SchemaError as err:
            _print(stderr, err.message)
            return None
        except OSError as exc:
            _print(stderr, f"fql: cannot read {args.schema}: {exc.strerror or exc}")
            return None
    return db


def _schema(args: argparse.Namespace, stdout: t.TextIO, stderr: t.TextIO) -> int:
    """`fql schema push|diff|pull DIR`: the `/schema/1` API's work, from the command line."""
    import errno
    import os

    from .schema.manager import SchemaError

    db = connect(args.db)
    try:
        if args.action == "push":
            version_ = db.push_schema(args.dir, secret=args.secret, override=not args.keep_others, staged=args.staged)
            _print(stdout, f"schema {'staged' if args.staged else 'pushed'} (version {version_})")
        elif args.action in ("commit", "abandon"):
            step = db.commit_schema if args.action == "commit" else db.abandon_schema
            _print(stdout, f"schema {args.action}{'t' if args.action == 'commit' else ''}ed (version {step(secret=args.secret)})")
        elif args.action == "diff":
            text = db.schema_diff(args.dir, secret=args.secret, override=not args.keep_others, format=args.diff_format)
            stdout.write(text or "No changes.\n")
        else:
            root = os.path.realpath(args.dir)
            if os.path.exists(root) and not os.path.isdir(root):
                raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), args.dir)
            files = db.schema_files(secret=args.secret)
            if not files:
                _print(stdout, "The database has no schema files; nothing written.")
            for name, text in files.items():
                target = os.path.realpath(os.path.join(root, *name.split("/")))
                if os.path.commonpath([root, target]) != root:
                    # A file name is the pusher's to choose: never write outside DIR.
                    _print(stderr, f"fql: skipped {name!r}: it names a place outside {args.dir}")
                    continue
                os.makedirs(os.path.dirname(target), exist_ok=True)
                with open(target, "w", encoding="utf-8") as handle:
                    handle.write(text)
                _print(stdout, f"wrote {target}")
    except SchemaError as err:
        _print(stderr, err.message)
        return EXIT_ERROR
    except OSError as exc:
        _print(stderr, f"fql: cannot read or write {args.dir}: {exc.strerror or exc}")
        return EXIT_ERROR
    return EXIT_OK


def _syntax(args: argparse.Namespace, text: str) -> str:
    return detect_syntax(text) if args.syntax == "auto" else args.syntax


def _evaluate(args: argparse.Namespace, text: str, stdout: t.TextIO, stderr: t.TextIO) -> int:
    """`fql -e`: the whole text is one query (one transaction); its last expression's value is printed."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        # A command line's bytes that are not UTF-8 reach Python as surrogates.
        _print(stderr, f"fql: -e: not UTF-8 text (at character {exc.start})")
        return EXIT_ERROR
    syntax = _syntax(args, text)
    program = _parse(text, stderr, syntax)
    if program is None:
        return EXIT_ERROR
    if args.ast:
        return _dump(program, stdout)
    if not program.body:
        # As core answers an empty v4 body (v10's parser rejects an empty query itself: `Unexpected end of query`).
        _print(stderr, error_text(InvalidExpression("No query provided.")))
        return EXIT_ERROR
    db = _connect(args, stderr)
    if db is None:
        return EXIT_ERROR
    try:
        value = db.run(program, syntax=syntax)
    except FQLError as err:
        node = program.body[0] if len(program.body) == 1 else None
        _print(stderr, error_text_v10(err, text) if syntax == "v10" else error_text(err, text, node))
        _note(args, err, syntax, stderr, "-e runs")
        return EXIT_ERROR
    return EXIT_OK if _show(value, args.format, syntax, stdout, stderr) else EXIT_ERROR


def _run_file(args: argparse.Namespace, stdin: t.TextIO, stdout: t.TextIO, stderr: t.TextIO) -> int:
    """`fql run`: each top-level expression is its own query, in order, against one database."""
    if args.file == "-" and _isatty(stdin):
        # `fql run -` at a terminal waits for typed text: say so, rather than seem to hang.
        _print(stderr, "fql run: reading FQL from the terminal; Ctrl-D runs it")
    try:
        text = _read_source(args.file, stdin)
    except UnicodeDecodeError as exc:
        _print(stderr, f"fql: cannot read {args.file}: not UTF-8 text ({exc.reason} at byte {exc.start})")
        return EXIT_ERROR
    except OSError as exc:
        _print(stderr, f"fql: cannot read {args.file}: {exc.strerror or exc}")
        return EXIT_ERROR
    syntax = _syntax(args, text)
    program = _parse(text, stderr, syntax)
    if program is None:
        return EXIT_ERROR
    if args.ast:
        return _dump(program, stdout)
    db = _connect(args, stderr)
    if db is None:
        return EXIT_ERROR
    status = 0
    env: dict = {}
    for expr in program.body:
        try:
            if isinstance(expr, ast.Let):
                # v10: a top-level let is bound for the statements after it (each its own query).
                env[expr.name] = db.run(expr.value, syntax=syntax, env=env)
                continue
            value = db.run(expr, syntax=syntax, env=env)
        except FQLError as err:
            _print(stderr, error_text_v10(err, text) if syntax == "v10" else error_text(err, text, expr))
            _note(args, err, syntax, stderr, "files")
            status = EXIT_ERROR
            if not args.keep_going:
                break
            continue
        if not args.quiet and not _show(value, args.format, syntax, stdout, stderr):
            status = EXIT_ERROR
            if not args.keep_going:
                break
    return status


def _note(args: argparse.Namespace, err: FQLError, syntax: str, stderr: t.TextIO, unit: str) -> None:
    """Under an error of a text `--syntax auto` read as v10, fql's note when a v4 function was the culprit."""
    note = auto_syntax_note(err, unit) if args.syntax == "auto" and syntax == "v10" else None
    if note:
        _print(stderr, note)


def _show(value: t.Any, fmt: str, syntax: str, stdout: t.TextIO, stderr: t.TextIO) -> bool:
    """Print a result; False (the reason printed) when the format has no form for it."""
    try:
        _print(stdout, result_text(value, fmt, syntax))
    except FormatError as err:
        _print(stderr, f"fql: {err}")
        return False
    return True


def _isatty(stream: t.TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _read_source(name: str, stdin: t.TextIO) -> str:
    """A script's UTF-8 text, from a file or (`-`) standard input, whose bytes are read and decoded strictly
    (a terminal's or pipe's text stream would let bytes that are not UTF-8 through as surrogates)."""
    if name == "-":
        buffer = getattr(stdin, "buffer", None)
        if buffer is None:
            return stdin.read()
        data = buffer.read()
    else:
        with open(name, "rb") as handle:
            data = handle.read()
    # Universal newlines, as a file opened as text reads them; a byte order mark (Windows editors write one)
    # is not part of the text ("utf-8-sig").
    return data.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")


def _port(text: str) -> int:
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (0 to 65535)")
    return int(text)


def _serve(args: argparse.Namespace, stdout: t.TextIO, stderr: t.TextIO) -> int:
    """`fql serve`: Fauna's v4 HTTP API on one port (HTTP/1.1 and h2c, or HTTPS) until Ctrl-C."""
    import logging
    import ssl

    from . import server

    if not args.root_secret:
        _print(stderr, "fql serve: --root-secret must not be empty")
        return EXIT_ERROR
    if (args.ssl_password or args.ssl_trust) and not args.ssl_key:
        _print(stderr, "fql serve: --ssl-password and --ssl-trust need --ssl-key")
        return EXIT_ERROR
    db = _connect(args, stderr, root_secret=args.root_secret)
    if db is None:
        return EXIT_ERROR
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    tls = server.TLS(args.ssl_key, args.ssl_password, args.ssl_trust) if args.ssl_key else None
    app = server.App(db)
    try:
        running = server.ServerThread.of(app, args.host, args.port, args.log_level, tls=tls).start()
    except OSError as exc:
        app.pool.close()  # its worker threads, and the recursion limit they hold raised (fql.stack)
        db.close()
        if isinstance(exc, ssl.SSLError):
            _print(stderr, f"fql serve: cannot serve TLS with the files given: {exc}")
        elif exc.filename is not None:
            _print(stderr, f"fql serve: cannot read {exc.filename}: {exc.strerror}")
        else:
            _print(stderr, f"fql serve: cannot listen on {args.host}:{args.port}: {exc.strerror or exc}")
        return EXIT_ERROR

    def announce() -> None:
        protocols = "HTTP/1.1 and h2c" if tls is None else "HTTPS: HTTP/1.1 and HTTP/2"
        _print(stdout, f"fql serve: listening on {running.url} ({protocols}); Ctrl-C stops it")
        if args.root_secret == DEV_SECRET:
            _print(stderr, f'fql serve: warning: the root secret is "{DEV_SECRET}", a development default; anyone '
                   "who can connect is admin. Set --root-secret for anything else.")

    server.serve(running, announce)
    # Closed once every request has ended: SQLite then folds its write-ahead log into the file and removes
    # it (the connection was otherwise left open at exit, the log kept until the file's next open).
    db.close()
    _print(stdout, "fql serve: stopped")
    return EXIT_OK


def _parse(text: str, stderr: t.TextIO, syntax: str = "v4") -> ast.Program | None:
    try:
        return parse(text, syntax)
    except FQLError as err:
        _print(stderr, error_text_v10(err, text) if syntax == "v10" else error_text(err, text))
        return None


def _dump(program: ast.Program, stdout: t.TextIO) -> int:
    for expr in program.body:
        _print(stdout, expr.dump())
    return 0


def _print(stream: t.TextIO, text: str) -> None:
    stream.write(text + "\n")
    stream.flush()


def main() -> None:
    """The `fql` console script."""
    sys.exit(run(sys.argv[1:]))
