"""parse(text, filename) -> list[Item]: an FSL file read as core's SchemaItemParser reads it, then checked
and converted as its SchemaItemConverter does (convert.py), each item's definition in the stored shape.

Why recursive descent, and not a Lark grammar over the v10 tokens: FSL is line-oriented and keyword-led
(`collection`, `index`, `read`...), and core reads a member differently by its first word (a field when a
name is followed by `:` or `=`, a keyword member otherwise, an unknown word skipped to the end of its line
so the converter can name it). That is backtracking on words, which an LALR grammar would have to fold
into the lexer. The FQL inside (bodies, predicates, defaults) is handed, as a range of the file, to fql's
own v10 parser (scan.py finds where it ends), its errors shifted to their place in the .fsl file. Types
go to signatures.py's parser, core's type-expression parser.
"""

from __future__ import annotations

import functools
import re
import typing as t

from attrs import evolve

from .. import ast
from ..errors import ParseError
from ..eval.v10 import signatures
from ..parse.v10 import KEYWORDS
from . import convert, scan
from . import display
from .errors import Diagnostic, FSLError
from .items import Item
from .nodes import (
    Annotation,
    Arg,
    Block,
    Field,
    Function,
    Invalid,
    Lit,
    Migration,
    Name,
    Node,
    Paths,
    Term,
    Type,
)

__all__ = ["FSLError", "parse"]

#: Members that take an optional name and an optional value (core's genericKWs).
GENERIC = frozenset(
    ("collection", "role", "index", "terms", "values", "unique", "predicate", "migrations", "privileges")
    + ("membership", "history_days", "ttl_days", "check")
)
#: Members that take no name, only an optional value (actions, `issuer`, `jwks_uri`, `document_ttls`).
NO_NAME = frozenset(
    ("create", "create_with_id", "delete", "read", "write", "history_read", "history_write", "unrestricted_read")
    + ("call", "issuer", "jwks_uri", "document_ttls")
)
MIGRATIONS = frozenset(("backfill", "drop", "split", "move", "add", "move_conflicts", "move_wildcard", "add_wildcard"))
ANNOTATIONS = frozenset(("alias", "role"))

_SPACE = re.compile(r"[ \t]+")
#: A quoted (legacy) name, as core's legacyNameQuoted reads one: no quote of either kind, backquote, `#` or
#: backslash but in an escape, and no character core does not display (a raw newline is one it does).
_QUOTED_NAME = re.compile(
    r"""(["'])(?:[^"'`#\\\x00-\x08\x0e-\x1f\x7f\ufeff\ufff0-\uffff\u2000-\u200f\u2028-\u202f\u2060-\u206f]|\\.)*\1"""
)
#: Characters an FQL expression can start with.
_EXPR_START = re.compile(r"[A-Za-z_0-9\"'(\[{.!~-]|<<[+-]")


def parse(text: str, filename: str = "main.fsl") -> list[Item]:
    """Every item of one FSL file, in order; FSLError (each error as core renders it) if it has errors.

    A push reads the same files several times (as stored, as patched, for the diff and for the migration
    check), and drawing the files up reads each schema item's generated text: the last texts read are
    kept parsed, and an error is raised anew from its diagnostics."""
    items, diagnostics = (_parsed_item if len(text) <= _ITEM_TEXT else _parsed)(text, filename)
    if diagnostics is not None:
        raise FSLError(list(diagnostics), text, filename)
    return list(items)


#: Texts up to this long (one item's, as generated) are kept in a cache of their own, larger than the
#: whole files' (a typechecked database's files are drawn up from every item after each schema write).
_ITEM_TEXT = 2000


@functools.lru_cache(maxsize=64)
def _parsed(text: str, filename: str) -> tuple[tuple[Item, ...], tuple[Diagnostic, ...] | None]:
    try:
        return tuple(_parse(text, filename)), None
    except FSLError as err:
        return (), tuple(err.diagnostics)


_parsed_item = functools.lru_cache(maxsize=4096)(_parsed.__wrapped__)


def _parse(text: str, filename: str) -> list[Item]:
    try:
        nodes, errors, aborted = _nodes(text)
        if aborted is not None or errors:
            raise FSLError(list(aborted or errors), text, filename)
        items, errors = convert.convert(list(nodes))  # it prints what FSL holds of FQL, as deep as it nests
    except _Abort as abort:
        raise FSLError(abort.diagnostics, text, filename) from None
    except RecursionError:
        raise FSLError([Diagnostic("The schema nests deeper than fql can parse", 0, 1)], text, filename) from None
    if errors:
        raise FSLError(errors, text, filename)
    return [Item(kind, name, definition, filename, span, refs) for kind, name, definition, span, refs in items]


class _Abort(Exception):
    """A syntax error: core's parser stops at the first. `more` are the errors embedded FQL's parser
    reported with it (core's parser goes on after a duplicate key), each rendered after it."""

    def __init__(self, diagnostic: Diagnostic, more: tuple[Diagnostic, ...] = ()):
        self.diagnostic = diagnostic
        self.diagnostics = [diagnostic, *more]


def _expected(names: t.Iterable[str]) -> str:
    """core's `Expected a, b, or c` from the names of what could have come next."""
    words = sorted(set(names))
    if len(words) <= 2:
        return "Expected " + " or ".join(words)
    return "Expected " + ", ".join(words[:-1]) + ", or " + words[-1]


class _Reader:
    """Recursive descent over the text of one file (core's RawSchema)."""

    def __init__(self, text: str):
        self.text = text
        self.pos = 0
        #: What an optional part that was not there could have been, and where (for `Expected ...`).
        self.missed: tuple[int, set[str]] = (-1, set())
        #: Errors that do not stop the parse, as core's parser emits them (then reports them alone).
        self.errors: list[Diagnostic] = []

    # -- characters -------------------------------------------------------------------------------

    def fail(
        self, message: str, start: int | None = None, end: int | None = None, annotation: str | None = None, hints: tuple = ()
    ):
        start = self.pos if start is None else start
        raise _Abort(Diagnostic(message, start, start + 1 if end is None else end, annotation, hints))

    def fail_signature(self, err: signatures.SignatureError, start: int) -> None:
        """A signature's parse error (and its hints), placed in the file where the signature begins."""
        hints = tuple(Diagnostic(text, start + at, start + at + width) for text, at, width in err.hints)
        self.fail(err.message, start + err.offset, start + err.offset + err.width, hints=hints)

    def peek(self, s: str) -> bool:
        return self.text.startswith(s, self.pos)

    def at_end(self) -> bool:
        return self.pos >= len(self.text)

    def ws(self) -> None:
        """Spaces, tabs and block comments (core's `ws`)."""
        while True:
            m = _SPACE.match(self.text, self.pos)
            if m:
                self.pos = m.end()
            elif self.peek("/*"):
                self.pos = self.block_comment(self.pos)
            else:
                return

    def nl(self) -> None:
        """Spaces, newlines and comments (core's `nl`)."""
        while True:
            self.ws()
            if self.peek("\n") or self.peek("\r"):
                self.pos += 1
            elif self.peek("//"):
                self.pos = self.line_end(self.pos)
            else:
                return

    def line_end(self, pos: int) -> int:
        end = self.text.find("\n", pos)
        return len(self.text) if end < 0 else end

    def block_comment(self, pos: int) -> int:
        end = scan.comment_end(self.text, pos)
        if not self.text.endswith("*/", 0, end) or end < pos + 4:
            self.fail("Unterminated comment", pos)
        return end

    def separators(self) -> bool:
        """Skip what may stand between the members of a block: newlines, `;` and comments (core's
        blocksep); whether there was any."""
        found = False
        while True:
            self.ws()
            if self.peek("//"):
                end = self.line_end(self.pos)
                self.pos = end + 1 if end < len(self.text) else end
            elif self.text[self.pos : self.pos + 1] in ("\n", "\r", ";"):
                self.pos += 1
            else:
                return found
            found = True

    def item_separators(self, first: bool) -> tuple[bool, int | None]:
        """Skip what may stand between items (core's itemsep; `first`: before the first, its itemnl):
        newlines, `;` and comments. Returns whether there was a separator, and where the doc comment of
        the next item starts: a run of comments (each block comment with the spaces and the newline after
        it) that ends where the item starts joins the item's span."""
        found, doc = False, None
        if not first:
            self.ws()  # spaces and block comments after the item, on its line
        while True:
            start = self.pos
            char = self.text[start : start + 1]
            if char in ("\n", "\r", ";") or (first and char in (" ", "\t")):
                self.pos += 1
            elif self.peek("//") or self.peek("/*"):
                self.pos = self.doc_comment(start)
                doc = (start, self.pos)
            else:
                break
            found = True
            if not first:
                self.pos = self.spaces(self.pos)
        return found, doc[0] if doc is not None and doc[1] == self.pos else None

    def spaces(self, pos: int) -> int:
        m = _SPACE.match(self.text, pos)
        return m.end() if m else pos

    def doc_comment(self, pos: int) -> int:
        """Past a run of comments (core's docComment): line comments with their newline, block comments
        with the spaces and the one newline after them."""
        while True:
            if self.text.startswith("//", pos):
                end = self.line_end(pos)
                pos = end + 1 if end < len(self.text) else end
            elif self.text.startswith("/*", pos):
                pos = self.spaces(self.block_comment(pos))
                if self.text.startswith("\n", pos):
                    pos += 1
            else:
                return pos

    # -- the file and blocks ------------------------------------------------------------------------

    def file(self) -> list[Node]:
        nodes = self.items(top=True)
        self.ws()
        if not self.at_end():
            names = {"end-of-input"}
            if self.missed[0] == self.pos:
                names |= self.missed[1]
            self.fail(_expected(names))
        return nodes

    def items(self, top: bool) -> list[Node]:
        nodes: list[Node] = []
        doc = None
        if top:
            doc = self.item_separators(first=True)[1]
        else:
            self.separators()
        while not self.at_end() and not (not top and self.peek("}")):
            node = self.item(doc)
            if node is None:
                break
            nodes.append(node)
            found, doc = self.item_separators(first=False) if top else (self.separators(), None)
            if not found:
                break
        return nodes

    def item(self, doc: int | None) -> Node | None:
        start = self.pos
        annotations = self.annotations()
        for read in (self.field, self.generic, self.function, self.access_provider, self.no_name, self.migration):
            node = read()
            if node is not None:
                break
        else:
            node = self.invalid()
            if node is None:
                if annotations:
                    self.fail("Expected schema item")
                return None
        node.annotations = annotations
        node.start = start if doc is None else doc
        node.end = self.semicolons(node.end)
        return node

    def semicolons(self, end: int) -> int:
        """Core's span of a member runs over the `;`s after it (spaces and block comments between)."""
        pos = end
        while pos < len(self.text):
            m = _SPACE.match(self.text, pos)
            if m:
                pos = m.end()
            elif self.text.startswith("/*", pos):
                pos = scan.comment_end(self.text, pos)
            elif self.text[pos] == ";":
                pos = end = pos + 1
            else:
                break
        return end

    def annotations(self) -> list[Annotation]:
        out = []
        while self.peek("@"):
            start = self.pos
            self.pos += 1
            self.nl()
            keyword = self.ident()
            if keyword is None or keyword.text not in ANNOTATIONS:
                where = (keyword.start, keyword.end) if keyword else (self.pos, self.pos + 1)
                self.fail("Expected `alias` or `role`", *where)
            self.nl()
            self.expect("(")
            self.nl()
            value = self.schema_name()
            if value is None:
                self.fail(_expected(["identifier"]))
            self.expect(")")
            out.append(Annotation(keyword, value, start, self.pos))
            self.nl()
        return out

    def expect(self, token: str, names: t.Iterable[str] = ()) -> int:
        if not self.peek(token):
            self.fail(_expected([f"`{token}`", *names]))
        self.pos += len(token)
        return self.pos - len(token)

    # -- words and names ----------------------------------------------------------------------------

    def ident(self) -> Name | None:
        m = scan.IDENT.match(self.text, self.pos)
        if m is None:
            return None
        self.pos = m.end()
        return Name(m.group(), m.start(), m.end())

    def keyword(self, words: t.Container[str]) -> Name | None:
        """A word from `words` (a whole word), or None with nothing read."""
        m = scan.IDENT.match(self.text, self.pos)
        if m is None or m.group() not in words:
            return None
        self.pos = m.end()
        return Name(m.group(), m.start(), m.end())

    def schema_name(self, strict: bool = True) -> Name | None:
        """An identifier or a quoted name (core's legacy names: `"0Foo$"`). A keyword is no name: an
        error where a name must come (`strict`), else nothing read."""
        if self.text[self.pos : self.pos + 1] in ("'", '"'):
            return self.quoted_name()
        save = self.pos
        name = self.ident()
        if name is not None and name.text in KEYWORDS:
            if strict:
                self.fail("Invalid identifier", name.start, name.end, f"`{name.text}` is a keyword")
            self.pos = save
            return None
        return name

    def quoted_name(self) -> Name | None:
        start = self.pos
        m = _QUOTED_NAME.match(self.text, start)
        if m is None:
            return None
        value = scan.string_value(m.group())
        if value is None:
            self.fql(start, m.end())  # v10's error about the string
            self.fail("Invalid string", start, m.end())
        self.pos = m.end()
        return Name(value, start, m.end())

    # -- members --------------------------------------------------------------------------------------

    def field(self) -> Node | None:
        """`name: Type = default`, `compute name: Type = lambda`, `*: Type` (core's fieldItem)."""
        save = self.pos
        kind, kw_span = "defined", None
        compute = self.keyword(("compute",))
        if compute is not None:
            self.nl()
            # Core's `compute` token takes the space after it: its keyword runs to the name.
            kind, kw_span = "compute", (compute.start, self.pos)
        if self.peek("*"):
            name = Name("*", self.pos, self.pos + 1)
            self.pos += 1
        else:
            m = scan.IDENT.match(self.text, self.pos)
            name = None if m and m.group() in KEYWORDS else self.schema_name()
        if name is None:
            self.pos = save
            return None
        if name.text == "*":
            # Core types a wildcard as a plain type (typeExpr), where no default is allowed.
            kind = "wildcard"
        self.ws()
        ctype = None
        if self.peek(":"):
            colon = self.pos
            self.pos += 1
            self.nl()
            ctype = self.type_expr(colon, schema=kind == "defined")
        self.ws()
        value = None
        if self.peek("=") and not self.peek("=>"):
            self.pos += 1
            self.nl()
            value = self.lit(required=True)
            if ctype is not None and kind == "defined":
                self.no_nested_defaults(ctype, value)
        if ctype is not None and kind == "defined":
            ctype = evolve(ctype, texpr=signatures.map_defaults(ctype.texpr, lambda d: self.displayed(d, ctype.start)))
        if (kind == "defined" and ctype is None and value is None) or (kind == "wildcard" and ctype is None):
            self.pos = save
            return None
        end = value.end if value else ctype.end if ctype else name.end
        start = ctype.colon if ctype else value.start if value else name.end
        kw = Name("field", *(kw_span or (name.start, name.end)))
        return Node(kw, name, Field(kind, ctype, value, start, end), save, end, [])

    def no_nested_defaults(self, ctype: Type, value: Lit) -> None:
        """A field with a default of its own has none inside its type (core: `Parent has a conflicting
        default value`)."""
        try:
            parent = (value.start - ctype.start, value.end - ctype.start)
            signatures.parse(self.text[ctype.start : ctype.end], schema=True, parent_default=parent)
        except signatures.SignatureError as err:
            self.fail_signature(err, ctype.start)

    def displayed(self, default: signatures.Default, base: int) -> signatures.Default:
        """A default inside a signature, stored as core re-writes FQL (its errors placed in the file)."""
        node = self.fql(base + default.start, base + default.end)
        return evolve(default, source=display.expr(node))

    def generic(self) -> Node | None:
        """`keyword [name] [value]` (core's genericItem): collections, roles, indexes, `history_days 3`..."""
        kw = self.keyword(GENERIC)
        if kw is None:
            return None
        self.nl()
        name = self.schema_name(strict=False)
        if name is not None:
            self.ws()
        value = self.value()
        if name is None and value is None:
            self.missed = (self.pos, {"identifier"})
        end = value.end if value is not None else name.end if name is not None else kw.end
        return Node(kw, name, value, kw.start, end, [])

    def function(self) -> Node | None:
        kw = self.keyword(("function",))
        if kw is None:
            return None
        self.nl()
        name = self.schema_name()
        if name is None:
            self.fail("Expected name")
        self.ws()
        value = self.signature_and_body()
        return Node(kw, name, value, kw.start, value.end, [])

    def access_provider(self) -> Node | None:
        access = self.keyword(("access",))
        if access is None:
            return None
        self.nl()
        if self.keyword(("provider",)) is None:
            self.fail("Expected provider")
        self.nl()
        name = self.schema_name()
        if name is None:
            self.fail("Expected name")
        self.ws()
        value = self.value()
        if value is None:
            self.fail("Expected expression")
        kw = Name("access provider", access.start, self.text.index("provider", access.end) + 8)
        return Node(kw, name, value, access.start, value.end, [])

    def no_name(self) -> Node | None:
        kw = self.keyword(NO_NAME)
        if kw is None:
            return None
        self.ws()
        value = self.value()
        return Node(kw, None, value, kw.start, value.end if value is not None else kw.end, [])

    def migration(self) -> Node | None:
        kw = self.keyword(MIGRATIONS)
        if kw is None:
            return None
        self.ws()
        kind, paths, value = kw.text, [], None
        if kind != "add_wildcard":
            paths.append(self.field_path())
        if kind == "backfill":
            self.ws()
            self.expect("=")
            self.nl()
            value = self.lit(required=True)
        elif kind in ("move", "split"):
            self.ws()
            self.expect("->")
            self.nl()
            paths.append(self.field_path())
            while kind == "split" and self.peek(","):
                self.pos += 1
                self.nl()
                paths.append(self.field_path())
        end = value.end if value else paths[-1].end if paths else kw.end
        return Node(kw, None, Migration(kind, tuple(paths), value, kw.start, end), kw.start, end, [])

    def invalid(self) -> Node | None:
        """An unknown word: skip to the end of its line or block, for the converter to name it."""
        kw = self.ident()
        if kw is None:
            return None
        self.ws()
        start = self.pos
        self.pos = scan.invalid_end(self.text, start)
        return Node(kw, None, Invalid(start, self.pos), kw.start, self.pos, [])

    # -- values -----------------------------------------------------------------------------------------

    def value(self) -> t.Any:
        """A block, a list of paths or an FQL expression, if one starts here (core's `value`)."""
        if self.peek("{"):
            return self.block()
        if self.peek("["):
            return self.paths()
        return self.lit(required=False)

    def block(self) -> Block:
        start = self.pos
        self.pos += 1
        self.nl()
        items = self.items(top=False)
        self.ws()
        if not self.peek("}"):
            names = {"`}`"}
            if self.missed[0] == self.pos:
                names |= self.missed[1]
            self.fail(_expected(names))
        self.pos += 1
        return Block(items, start, self.pos)

    def paths(self) -> Paths:
        start = self.pos
        self.pos += 1
        terms = []
        self.nl()
        while not self.peek("]"):
            if self.at_end():
                self.fail(_expected(["`]`"]))
            term_start = self.pos
            end = scan.Code(self.text).end(term_start, stop_at_comma=True)
            if end == term_start or scan.expression(f"({self.text[term_start:end]})") is None:
                self.fail(_expected(["`]`", "expression"]), term_start)
            terms.append(scan.term(self.text, term_start, end))
            self.pos = end
            self.nl()
            if not self.peek(","):
                break
            self.pos += 1
            self.nl()
        self.expect("]", ["`,`"])
        return Paths(terms, start, self.pos)

    def lit(self, required: bool) -> Lit | None:
        """An FQL expression from here to where core's expression parser would stop."""
        start = self.pos
        if not _EXPR_START.match(self.text, start):
            if required:
                self.fail("Expected expression")
            return None
        end = scan.Code(self.text).end(start, stop_at_comma=True)
        node = self.fql(start, end)
        self.pos = end
        return Lit(node, start, end)

    def fql(self, start: int, end: int) -> ast.Node:
        """Parse text[start:end] as one FQL expression, errors placed in the file."""
        program = self.fql_statements(start, end)
        if len(program.body) != 1 or isinstance(program.body[0], ast.Let):
            self.fail("Expected expression", start, end)
        return program.body[0]

    def fql_statements(self, start: int, end: int, stop_unexpected: bool = False) -> ast.Program | None:
        """Parse text[start:end] as v10 statements; a parse error's offset in it, shifted by `start`, is
        where it is in the file. With `stop_unexpected`, None where the parser stops at a token it does
        not expect (ParseError.unexpected) and reports no error of its own."""
        source = self.text[start:end]
        try:
            return display.parse_kept(source)
        except ParseError as err:
            if stop_unexpected and err.unexpected:
                return None
            more = tuple(self.placed(e, source, start) for e in err.more)
            raise _Abort(self.placed(err, source, start), more) from None

    @staticmethod
    def placed(err: ParseError, source: str, start: int) -> Diagnostic:
        """A v10 parse error of text[start:] as core renders it in the file: its span where core's error
        names one (`Invalid identifier`), else one character where it is; its hints and causes under it
        (`Key originally used here`, a missing return's `Statement does not return a value`)."""
        if err.marks_span and err.span is not None and err.span.end:
            offset, width = err.span.start, err.span.end - err.span.start
        elif err.span is not None and err.span.end and not err.unexpected and not err.parse_hints:
            offset, width = err.span.start, err.span.end - err.span.start
        else:
            offset, width = scan.offset(source, err.line, err.column), 1
            if err.description == "Missing return expression" and offset >= len(source.rstrip()):
                # Core's is past the spaces after the last statement: where the block's `}` is.
                offset = len(source)
        offset = min(offset, len(source)) + start
        hints = tuple(
            Diagnostic(message, at + start, end + start, suggestion=suggestion, label=kind)
            for kind, message, at, end, suggestion in err.parse_hints
        )
        return Diagnostic(err.description, offset, offset + max(width, 1), err.annotation, hints=hints)

    def signature_and_body(self) -> Function | Invalid:
        """`(params): Ret { body }` (core's `func`)."""
        open_paren = self.expect("(")
        self.nl()
        args = self.params()
        close_paren = self.pos
        self.expect(")", ["`,`"])
        ret = None
        # The return type's `:` follows the `)` at once (core: `)` ~~ colonType.?); after a blank, the
        # rest is no signature but text core skips as invalid.
        if self.peek(":"):
            colon = self.pos
            self.pos += 1
            self.nl()
            ret = self.type_expr(colon, schema=False)
        self.nl()
        if not self.peek("{"):
            # Core keeps what it skipped as an invalid value, from the `(` on.
            self.pos = scan.invalid_end(self.text, self.pos)
            return Invalid(open_paren, self.pos)
        brace = self.pos
        close = scan.Code(self.text).closing(brace + 1)
        if close is None:
            self.fql_statements(brace + 1, len(self.text))  # its error says what is open
            self.fail(_expected(["`}`"]), len(self.text))
        if not self.text[brace + 1 : close].strip():
            self.fail("Unexpected end of block. Expected statement or expression", close)
        body = self.fql_statements(brace + 1, close, stop_unexpected=True)
        if body is None:
            # A body core's expression parser stops in without an error of its own (`{ 2... }`): core
            # skips it as invalid text, from the `(` on, and its converter says `Expected a function
            # definition` there (FSLNodeParserSpec "parse invalid function bodies").
            self.pos = scan.invalid_end(self.text, brace)
            return Invalid(open_paren, self.pos)
        self.pos = close + 1
        return Function(args, open_paren, close_paren, ret, body.body, open_paren, self.pos, brace + 1)

    def params(self) -> list[Arg]:
        args: list[Arg] = []
        while not self.peek(")"):
            start = self.pos
            variadic = self.peek("...")
            if variadic:
                self.pos += 3
                self.nl()
            name = self.ident()
            if name is None:
                self.fail(_expected(["`)`", "identifier"]) if not variadic else "Expected identifier")
            if name.text in KEYWORDS:
                self.fail("Invalid identifier", name.start, name.end, f"`{name.text}` is a keyword")
            self.nl()
            ptype = None
            if self.peek(":"):
                colon = self.pos
                self.pos += 1
                self.nl()
                ptype = self.type_expr(colon, schema=False, in_params=True)
            args.append(Arg(name, ptype, variadic, start, ptype.end if ptype else name.end))
            after = self.pos
            self.nl()
            if not self.peek(","):
                if not self.peek(")"):
                    self.fail(_expected(self.after_param(ptype, after)))
                break
            self.pos += 1
            self.nl()
        for arg in args[:-1]:
            if arg.variadic:
                self.errors.append(Diagnostic("Variadic argument must be the last argument.", arg.start, arg.end))
        return args

    def after_param(self, ptype: Type | None, after: int) -> list[str]:
        """What core expects after a parameter: its type, or what may follow the type right after it (a
        `<` after a name); past spaces (read inside the parameter list), only the `)`."""
        if ptype is None:
            return ["`)`", "`,`", "a type annotation"]
        if self.pos != after:
            return ["`)`"]
        last = scan.type_tokens(self.text, ptype.start, ptype.end)[-1]
        return ["`)`", "`,`"] + (["`<`"] if scan.PLAIN.fullmatch(last) else [])

    def type_expr(self, colon: int, schema: bool, in_params: bool = False) -> Type:
        """A type from here to where it ends (a `=`, `,`, the end of its line...), parsed by signatures.py."""
        start = self.pos
        end = scan.type_end(self.text, start, in_params)
        source = self.text[start:end]
        if not source:
            self.fail("Expected type")
        try:
            texpr = signatures.parse(source, schema=schema)
        except signatures.SignatureError as err:
            self.fail_signature(err, start)
        except (ValueError, IndexError):
            # signatures.unquote on a bad escape in a string singleton (`"\u{110000}"`).
            self.fail("Invalid escape in type", start, end)
        self.pos = end
        return Type(texpr, start, end, colon)

    def field_path(self) -> Term:
        """A migration's field path, `.a.b`, `.["a b"]`, `.a[0]` (core's fieldPathExpr)."""
        start = self.pos
        end = scan.path_end(self.text, start)
        if end == start:
            self.fail("Expected expression")
        self.pos = end
        return scan.term(self.text, start, end, plain=True)


def read(text: str) -> list[Node]:
    """The members of a file that parses, as read (core's FSL nodes, each part with its span), for checks
    that point into it (migrating.py, patch.py); FSLError if it does not (`parse` says all that is wrong)."""
    nodes, _, aborted = _nodes(text)
    if aborted is not None:
        raise FSLError(list(aborted), text, "main.fsl")
    return list(nodes)


@functools.lru_cache(maxsize=16)
def _nodes(text: str) -> tuple[tuple[Node, ...], tuple[Diagnostic, ...], tuple[Diagnostic, ...] | None]:
    """The members of `text` as read, the errors read past, and the error that stopped the reading (None
    if none did). Cached: after a schema write the same files are read to be checked, typed and patched."""
    reader = _Reader(text)
    try:
        nodes = reader.file()
    except _Abort as abort:
        return (), (), tuple(abort.diagnostics)
    return tuple(nodes), tuple(reader.errors), None
