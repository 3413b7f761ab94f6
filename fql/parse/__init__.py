"""parse(text, syntax) -> ast.Program: the one entry point from text to the shared AST."""

from __future__ import annotations

import functools
from importlib import util
from pathlib import Path

from lark import Lark
from lark.exceptions import UnexpectedInput, VisitError

from .. import ast
from ..errors import FQLError, ParseError
from . import errors, v4, v10



def _grammar_dir() -> Path:
    """grammar/ beside the package in a checkout, or the installed copy (package `fql.grammar`)."""
    checkout = Path(__file__).resolve().parents[2] / "grammar"
    if (checkout / "fql4.lark").exists():
        return checkout
    spec = util.find_spec("fql.grammar")
    return Path(next(iter(spec.submodule_search_locations)))


GRAMMAR_DIR = _grammar_dir()


@functools.cache
def _v4_parser() -> Lark:
    """The v4 parser; it builds the AST while it parses (no intermediate tree)."""
    path = GRAMMAR_DIR / "fql4.lark"
    return Lark.open(str(path), parser="lalr", transformer=v4.ToAst(), cache=True, maybe_placeholders=True)


@functools.cache
def _v10_parser() -> Lark:
    """The v10 parser: its own lexer (nested comments, `#{}`, heredocs, newline rules), the AST built inline."""
    path = GRAMMAR_DIR / "fql10.lark"
    return Lark.open(
        str(path), parser="lalr", lexer=v10.Lexer, transformer=v10.ToAst(), cache=True, maybe_placeholders=True
    )


@functools.cache
def _lambda_body_parser() -> Lark:
    """The v10 parser of a stored lambda's source (v10.LambdaBody)."""
    path = GRAMMAR_DIR / "fql10.lark"
    return Lark.open(
        str(path), parser="lalr", lexer=v10.Lexer, transformer=v10.LambdaBody(), cache=True, maybe_placeholders=True
    )


def parse_lambda_body(text: str) -> ast.Program:
    """The statements of a stored lambda's source (a function's body), as core's Parser.lambdaExpr reads
    them: as `parse(text, "v10")`, except that the last may be a `let`."""
    try:
        return parse_v10(text, _lambda_body_parser())
    except RecursionError:
        from ..errors import StackOverflow

        raise StackOverflow("The query nests deeper than fql can parse.") from None


@functools.lru_cache(maxsize=4096)
def parse(text: str, syntax: str = "v4") -> ast.Program:
    """Parse `text` into a Program; raises ParseError with line, column and caret text.

    Results are cached by text (nodes are immutable), so a repeated query skips parsing. The cache holds
    more than a schema's bodies (each function's and computed field's, typed after every schema write of
    a typechecked database): an LRU cycled through more texts than it holds never hits.
    """
    try:
        return _parse(text, syntax)
    except RecursionError:
        from ..errors import StackOverflow

        raise StackOverflow("The query nests deeper than fql can parse.") from None


def _parse(text: str, syntax: str) -> ast.Program:
    if syntax == "v10":
        return parse_v10(text)
    if syntax != "v4":
        from ..errors import NotImplementedInFql

        raise NotImplementedInFql(f"The {syntax} syntax is not implemented yet.")
    try:
        return _v4_parser().parse(text)
    except UnexpectedInput as err:
        raise errors.convert(err, text) from None
    except VisitError as err:
        if isinstance(err.orig_exc, FQLError):
            raise err.orig_exc from None
        raise
    except ParseError as err:
        # Raised while the AST was built (the dialect layer): it knows where, not the line's text.
        if not err.source_line:
            err.source_line = errors.source_line(text, err.line)
        raise


def parse_v10(text: str, parser: Lark | None = None) -> ast.Program:
    """v10 `text` parsed by fql's v10 parser, or by `parser`, one of the same grammar with its own
    Transformer (the FSL printer's keeps parentheses); errors as `parse` raises them."""
    parser = parser or _v10_parser()
    emitted: list[ParseError] = []
    collecting = v10.EMITTED.set(emitted)
    try:
        program, failure = parser.parse(text), None
    except UnexpectedInput as err:
        program, failure = None, v10.convert(err, text, parser.terminals)
        failure.unexpected = failure.description != "Invalid identifier"
    except ParseError as err:
        program, failure = None, v10.locate(err, text)
    finally:
        v10.EMITTED.reset(collecting)
    # As core reports its parser's errors: those it parsed on after, else the one that stopped it.
    if emitted:
        raise v10.reported(emitted, text)
    if failure is not None:
        raise failure
    if isinstance(program, ast.Program):
        program = ast.Program(program.body, span=program.span, text=text)
    return program


def parse_expr(text: str, syntax: str = "v4") -> ast.Node:
    """Parse text holding exactly one expression."""
    program = parse(text, syntax)
    if len(program.body) != 1:
        from ..errors import ParseError

        raise ParseError(f"Expected one expression, found {len(program.body)}.", line=1, column=1, source_line=text)
    return program.body[0]


_DRIVER_PREFIXES = ("q.", "f.", "query.", "fauna.")


def detect_syntax(text: str) -> str:
    """`--syntax auto`: v4 when the text parses as v4 and names no v10 module (`Token.create(...)`), else v10.

    Every driver's spelling of v4 parses as v4 (`q.login(...)`, `f.Obj{...}`, `Obj("k" -> v)`), and so does
    a JSON wire form (`{"login": ..., "params": ...}`); one that fails to decode, or a driver spelling used
    wrongly (`Obj("a")`), is still v4, so that the error says why.
    """
    from .dialects import DialectError

    try:
        program = parse(text, "v4")
    except FQLError as v4_error:
        if not isinstance(v4_error, ParseError) or isinstance(v4_error, DialectError):
            return "v4"
        try:
            parse(text, "v10")
        except FQLError as v10_error:
            # Neither parses: blame the syntax that got further into the text.
            return "v10" if _reach(v10_error) > _reach(v4_error) else "v4"
        return "v10"
    if _signed_after(text, program.body):
        # `1 + 1` is v4's `1` then `+1`, two queries; v10 reads the sum a user means.
        try:
            parse(text, "v10")
        except FQLError:
            return "v4"
        return "v10"
    return "v4" if all(_v4_names(node) for node in program.body) else "v10"


def _signed_after(text: str, body: tuple[ast.Node, ...]) -> bool:
    """Whether a statement starts with a sign on the line where the one before it ends (`1 - 1`), in a text
    that calls no v4 function (`Add(1, 2) -1` stays v4's)."""
    return not any(isinstance(node, ast.Call) for node in body) and any(
        node.span.line and node.span.line == before.span.end_line and text[node.span.start : node.span.start + 1] in ("+", "-")
        for before, node in zip(body, body[1:])
    )


def _reach(err: FQLError) -> tuple[int, int]:
    return (getattr(err, "line", 0), getattr(err, "column", 0))


def _v4_names(node: ast.Node) -> bool:
    """Whether no call under `node` names a v10 module or a v10-only global. Walked with a list, not by
    recursion: a text nested thousands deep parses (fql's parser is not recursive) and must not make
    `fql run` fail with a RecursionError here."""
    pending = [node]
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Call):
            if "." in node.name and not node.name.startswith(_DRIVER_PREFIXES):
                return False
            if _v10_only(node.name):
                return False
            pending.extend(node.args)
        elif isinstance(node, ast.Array):
            pending.extend(node.items)
        elif isinstance(node, ast.Object):
            pending.extend(v for _, v in node.pairs)
    return True


def _v10_only(name: str) -> bool:
    """A call's name that no v4 function has (in any driver's spelling) and a v10 global does: `ID(...)`,
    `dbg(...)`. (`log`, `abort` and `newId` are v4's Log, Abort and NewId too, so they stay v4.)"""
    from ..eval import registry
    from ..eval.v10.stdlib_types import GLOBALS

    return bool(registry.V4) and name in GLOBALS and registry.lookup(name) is None
