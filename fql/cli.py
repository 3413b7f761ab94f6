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
from .errors import FQLError
from .parse import parse
from .repl import repl
from .repl.printer import FORMATS, error_text, result_text

#: Exit statuses: a query or parse error, and a bug in fql (never a traceback).
EXIT_OK, EXIT_ERROR, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 130


def _options(parser: argparse.ArgumentParser, default: t.Callable[[t.Any], t.Any]) -> None:
    """Options every mode takes; a subcommand's copies default to SUPPRESS so they keep the top-level value."""
    parser.add_argument("--format", choices=FORMATS, default=default("fql"), help="result format (default: fql)")
    parser.add_argument("--db", metavar="URL", default=default("memory://"), help="database URL (default: memory://)")
    parser.add_argument("--ast", action="store_true", default=default(False), help="print the parsed AST, do not run")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="fql", description="Run FQL v4 queries: files, one expression, or a REPL.")
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    parser.add_argument("-e", dest="expr", metavar="EXPR", help="evaluate EXPR as one query and print the result")
    _options(parser, lambda value: value)
    commands = parser.add_subparsers(dest="command", metavar="{run,repl,coverage}")
    run_ = commands.add_parser("run", help="run each top-level expression of FILE as its own query")
    run_.add_argument("file", metavar="FILE", help="the FQL file, or - for standard input")
    run_.add_argument("--keep-going", action="store_true", help="go on after an error (the exit status is still 1)")
    run_.add_argument("--quiet", action="store_true", help="print errors only")
    _options(run_, lambda value: argparse.SUPPRESS)
    _options(commands.add_parser("repl", help="the interactive shell (the default)"), lambda value: argparse.SUPPRESS)
    commands.add_parser("coverage", help="print which FQL v4 functions fql implements (the README's table)")
    return parser


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
        return _evaluate(args, args.expr, stdout, stderr)
    if args.command == "run":
        return _run_file(args, stdin, stdout, stderr)
    if args.command == "coverage":
        from .eval import catalog

        _print(stdout, catalog.table())
        return EXIT_OK
    return repl(connect(args.db), stdin, stdout, stderr, fmt=args.format, version=version())


def _evaluate(args: argparse.Namespace, text: str, stdout: t.TextIO, stderr: t.TextIO) -> int:
    """`fql -e`: the whole text is one query (one transaction); its last expression's value is printed."""
    program = _parse(text, stderr)
    if program is None:
        return EXIT_ERROR
    if args.ast:
        return _dump(program, stdout)
    try:
        value = connect(args.db).run(program)
    except FQLError as err:
        node = program.body[0] if len(program.body) == 1 else None
        _print(stderr, error_text(err, text, node))
        return EXIT_ERROR
    _print(stdout, result_text(value, args.format))
    return 0


def _run_file(args: argparse.Namespace, stdin: t.TextIO, stdout: t.TextIO, stderr: t.TextIO) -> int:
    """`fql run`: each top-level expression is its own query, in order, against one database."""
    try:
        text = stdin.read() if args.file == "-" else open(args.file, encoding="utf-8").read()  # noqa: SIM115
    except (OSError, UnicodeDecodeError) as exc:
        _print(stderr, f"fql: cannot read {args.file}: {getattr(exc, 'strerror', None) or exc}")
        return EXIT_ERROR
    program = _parse(text, stderr)
    if program is None:
        return EXIT_ERROR
    if args.ast:
        return _dump(program, stdout)
    db = connect(args.db)
    status = 0
    for expr in program.body:
        try:
            value = db.run(expr)
        except FQLError as err:
            _print(stderr, error_text(err, text, expr))
            status = EXIT_ERROR
            if not args.keep_going:
                break
            continue
        if not args.quiet:
            _print(stdout, result_text(value, args.format))
    return status


def _parse(text: str, stderr: t.TextIO) -> ast.Program | None:
    try:
        return parse(text)
    except FQLError as err:
        _print(stderr, error_text(err, text))
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
