"""FSL generated from stored definitions, as core writes it (SourceGenerator, SchemaTranslator and the
Displayer of its FQL AST): `generate` gives one item's text, `derive` the whole `main.fsl` of a database
whose schema was made with FQL.

Core does not copy stored text into FSL: it parses every stored FQL snippet (function bodies, computed
fields, check constraints, predicates, defaults, backfills) and signature, and prints the tree back. So
`x => x + 2` comes out as `(x) => x + 2`, single quotes become double ones, and a block is laid out one
statement per line. Parentheses the source wrote are kept (core's tree holds them as one-element tuples),
and none are added: the printer knows no precedence.
"""

from __future__ import annotations

import functools
import re
import typing as t
from decimal import Decimal

from attrs import field, frozen
from lark import Lark, Token, v_args
from lark.exceptions import UnexpectedInput

from .. import ast
from ..ast import NO_SPAN, THIS, Span
from ..errors import FQLError, ParseError
from ..eval.v10 import signatures as sig
from ..parse import GRAMMAR_DIR
from ..parse import v10

#: The text before the generated items of a derived main.fsl (core's SourceGenerator.Preamble).
PREAMBLE = "// The following schema is auto-generated.\n// This file contains FSL for FQL10-compatible schema items.\n"

#: The order core derives kinds in (SchemaTranslator.translateSchema).
KIND_ORDER = ("collection", "function", "role", "access provider")

#: The role actions core knows, by their FSL keyword (Member.Kind).
ACTIONS = frozenset(
    ("create", "create_with_id", "delete", "read", "write", "history_read", "history_write", "unrestricted_read", "call")
)

#: What core writes for a collection without `history_days` (`Duration.Inf` saturates to Long.MaxValue).
_NO_HISTORY_LIMIT = 2**63 - 1

_IDENT = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")
_KEYWORDS = frozenset(("if", "else", "at", "match", "case", "let", "null", "true", "false", "isa", "join", "on", "of"))

#: Characters written as an escape in a string literal (core's Chars.Unescaped); `'` is written as is.
_ESCAPED = {"\\": "\\", "\0": "0", '"': '"', "\n": "n", "\r": "r", "\v": "v", "\t": "t", "\b": "b", "\f": "f", "#": "#"}

#: Characters core never writes raw (Chars.isDisplay is false): they become `\uXXXX`.
_NON_DISPLAY = re.compile("[\x00-\x08\x0e-\x1f\x7f\ufeff\ufff0-\uffff\u2000-\u200f\u2028-\u202f\u2060-\u206f]")


class InvalidDefinition(ValueError):
    """A stored definition core could not turn into FSL (a body that is not a lambda, a bad path or
    signature); the message names the item and the member."""


def generate(kind: str, name: str, definition: dict) -> str:
    """One item's FSL as core displays it, annotations first and ending with a newline; `definition` is
    a stored definition (or an Item's), whatever else it holds (`name`, `data`, `ts`) ignored."""
    if kind not in _ITEMS:
        raise InvalidDefinition(f"Unknown kind of schema item `{kind}`.")
    writer = _Writer()
    try:
        _ITEMS[kind](writer, name, definition)
    except (KeyError, TypeError, AttributeError) as err:
        # A member of the wrong shape (a string where core keeps an object, a missing `name`...).
        raise InvalidDefinition(f"The definition of {kind} `{name}` is malformed ({type(err).__name__}: {err}).") from None
    return writer.text()


def derive(items: t.Iterable[tuple[str, str, dict]]) -> str:
    """The main.fsl core derives for a database with no FSL files (SourceGenerator.deriveSchema): the
    preamble, then collections, functions, roles and access providers (each kind in the order given),
    each after a blank line; "" when there is nothing to write (core writes no file then).

    v4-only items are left out, as core leaves them: a function whose body is not FQL v10 text, a role or
    an access provider whose predicates are not. A function named like a collection gets an alias.
    """
    items = [(k, n, d) for k, n, d in items if _is_v10(k, d)]
    if not items:
        return ""
    items.sort(key=lambda item: KIND_ORDER.index(item[0]) if item[0] in KIND_ORDER else len(KIND_ORDER))
    collections = {n for k, n, _ in items if k == "collection"}
    functions = {n for k, n, _ in items if k == "function"}
    out = [PREAMBLE]
    for kind, name, definition in items:
        if kind == "function" and name in collections and definition.get("alias") is None:
            definition = {**definition, "alias": _function_alias(name, collections | functions)}
        out.append("\n" + generate(kind, name, definition))
    return "".join(out)


def _function_alias(name: str, taken: set[str]) -> str:
    """A function named like a collection is hidden by it: core names it `<name>Function` (and more
    `Function`s until the name is free)."""
    alias = name + "Function"
    while alias in taken:
        alias += "Function"
    return alias


def _is_v10(kind: str, definition: dict) -> bool:
    if kind == "function":
        return isinstance(definition.get("body"), str)
    if kind == "role":
        privileges = _listed(definition.get("privileges"))
        membership = _listed(definition.get("membership"))
        return all(isinstance(p, dict) and isinstance(p.get("resource"), str) for p in privileges + membership) and all(
            _v10_predicate(a) for p in privileges for a in (p.get("actions") or {}).values()
        ) and all(_v10_predicate(m.get("predicate")) for m in membership)
    if kind == "access provider":
        # A role may be a v4 reference; only a v4 predicate makes the provider v4 (core's isV10AP).
        roles = _listed(definition.get("roles"))
        return all(_v10_predicate(r.get("predicate")) for r in roles if isinstance(r, dict))
    return True


def _v10_predicate(value: t.Any) -> bool:
    return value is None or isinstance(value, (bool, str))


def _listed(value: t.Any) -> list:
    """A member core takes as one object or an array of them, as a list."""
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


# -- the order of core's maps -------------------------------------------------------------------------


def scala_map_order(keys: t.Iterable[str]) -> list[str]:
    """`keys` in the order core iterates them after `.toMap` (defined and computed fields, indexes).

    A Scala immutable Map keeps insertion order up to four entries (Map1 to Map4); past that it is a
    HashMap, a CHAMP trie iterated depth first, each node's own entries before its sub-nodes, both by the
    five bits of the key's hash that index that level (scala.collection.immutable.HashMap, with the hash
    `Hashing.improve(key.hashCode)`).
    """
    keys = list(keys)
    if len(keys) <= 4:
        return keys
    return _trie_order([(_scala_hash(k), k) for k in keys], 0)


def _trie_order(entries: list[tuple[int, str]], shift: int) -> list[str]:
    if shift >= 32:
        # Every bit of the hash is equal: a collision node, which keeps insertion order.
        return [k for _, k in entries]
    slots: dict[int, list[tuple[int, str]]] = {}
    for entry in entries:
        slots.setdefault((entry[0] >> shift) & 0x1F, []).append(entry)
    own = [group[0][1] for _, group in sorted(slots.items()) if len(group) == 1]
    below = [_trie_order(group, shift + 5) for _, group in sorted(slots.items()) if len(group) > 1]
    return own + [k for keys in below for k in keys]


def _scala_hash(key: str) -> int:
    """Java's String.hashCode (over UTF-16 code units), then Scala's Hashing.improve; unsigned 32 bits."""
    mask = 0xFFFFFFFF
    h = 0
    units = key.encode("utf-16-be")
    for i in range(0, len(units), 2):
        h = (31 * h + (units[i] << 8 | units[i + 1])) & mask
    h = (h + (~(h << 9) & mask)) & mask
    h ^= h >> 14
    h = (h + (h << 4)) & mask
    return h ^ (h >> 10)


# -- the writer: core's Displayer (indentation at the start of each line) -----------------------------


class _Writer:
    """Text with an indentation level: a line's indentation is written with its first text."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.level = 0
        self.line_start = True

    def write(self, text: str) -> None:
        if self.line_start:
            self.parts.append("  " * self.level)
            self.line_start = False
        self.parts.append(text)
        if text.endswith("\n"):
            self.line_start = True

    def line(self, text: str = "") -> None:
        self.write(text)
        self.write("\n")

    def ident(self, name: str) -> None:
        self.write(name if is_ident(name) else quote(name))

    def separated(self, values: t.Iterable[t.Any], each: t.Callable[[t.Any], None], sep: str = ", ") -> None:
        for i, value in enumerate(values):
            if i:
                self.write(sep)
            each(value)

    def text(self) -> str:
        return "".join(self.parts)


def is_ident(name: str) -> bool:
    """Whether core writes `name` bare (Tokens.isValidIdent), else as a string literal."""
    return bool(_IDENT.fullmatch(name)) and name not in _KEYWORDS


def quote(text: str) -> str:
    """A string literal as core writes it: double quotes, its escapes, `\\uXXXX` for a character it does
    not display and `\\u{XXXXXX}` for one outside the BMP."""
    out = ['"']
    for c in text:
        code = ord(c)
        if c in _ESCAPED:
            out.append("\\" + _ESCAPED[c])
        elif code > 0xFFFF:
            out.append(f"\\u{{{code:06x}}}")
        elif _NON_DISPLAY.match(c):
            out.append(f"\\u{code:04x}")
        else:
            out.append(c)
    out.append('"')
    return "".join(out)


# -- FQL expressions: parsed keeping parentheses and exact numbers, printed as core prints them -------


@frozen
class Group(ast.Node):
    """`(a)` or `(a, b)` as written: core keeps parentheses in its tree (a tuple) and prints them back."""

    items: tuple[ast.Node, ...]
    span: Span = field(default=NO_SPAN, eq=False, repr=False, kw_only=True)


@v_args(inline=True)
class _KeepParens(v10.ToAst):
    """fql's v10 Transformer, except that parentheses stay in the tree and numbers keep their exact value
    (an integer of any size, a decimal as written), which is what core prints."""

    def group(self, paren):
        if paren.rest is not None:
            raise v10._fail("Invalid variadic tuple", paren.span)
        if len(paren.items) == 1 and isinstance(paren.items[0], v10._Short) and not paren.items[0].paren:
            return v10._Short(Group((paren.items[0].body,), span=paren.span), paren=True)
        return Group(tuple(v10._arg(i) for i in paren.items), span=paren.span)

    def int(self, token: Token):
        return ast.Literal(_exact_number(token), span=v10._span(token))

    float = int


def _exact_number(token: Token) -> int | Decimal:
    text = str(token).replace("_", "").replace(" ", "").replace("\t", "")
    negative = text.startswith("-")
    text = text.lstrip("+-")
    lowered = text.lower()
    value: int | Decimal
    for prefix, base in (("0x", 16), ("0o", 8), ("0b", 2)):
        if lowered.startswith(prefix):
            value = int(lowered[2:], base)
            break
    else:
        value = Decimal(text) if token.type == "FLOAT" else int(text)
    # Decimal(0) - x, not -x: BigDecimal has no negative zero.
    return (Decimal(0) - value if isinstance(value, Decimal) else -value) if negative else value


@functools.cache
def _parser() -> Lark:
    return Lark.open(
        str(GRAMMAR_DIR / "fql10.lark"), parser="lalr", lexer=v10.Lexer, transformer=_KeepParens(), maybe_placeholders=True
    )


def parse_fql(text: str, what: str) -> tuple[ast.Node, ...]:
    """The statements of stored FQL `text`, parentheses kept; InvalidDefinition naming `what` if it does
    not parse."""
    try:
        try:
            return _parser().parse(text).body
        except UnexpectedInput as err:
            raise v10.convert(err, text, _parser().terminals) from None
        except ParseError as err:
            raise v10.locate(err, text) from None
    except FQLError as err:
        raise InvalidDefinition(f"{what} is not valid FQL: {err}") from None


def parse_lambda(text: str, what: str) -> ast.Arrow:
    """A stored lambda (core's Parser.lambdaExpr): one statement, an arrow (`(.x)` is a short lambda)."""
    body = parse_fql(text, what)
    if len(body) != 1 or not isinstance(body[0], ast.Arrow):
        raise InvalidDefinition(f"{what} is not a lambda: {text!r}")
    arrow = body[0]
    if _is_short(arrow) and isinstance(arrow.body, Group) and len(arrow.body.items) == 1:
        # `(.x)` is the short lambda `.x`: the parentheses are the lambda's, not its body's.
        return ast.Arrow((THIS,), arrow.body.items[0], span=arrow.span)
    return arrow


def _is_short(node: t.Any) -> bool:
    return isinstance(node, ast.Arrow) and node.params == (THIS,) and node.rest is None


def write_expr(w: _Writer, node: t.Any) -> None:
    """Core's Displayer.writeExpr."""
    _EXPRS[type(node)](w, node)


def _literal(w: _Writer, node: ast.Literal) -> None:
    value = node.value
    if value is None:
        w.write("null")
    elif value is True:
        w.write("true")
    elif value is False:
        w.write("false")
    elif isinstance(value, str):
        w.write(quote(value))
    elif isinstance(value, float):
        w.write(str(Decimal(repr(value))))
    else:
        w.write(str(value))


def _ident(w: _Writer, node: ast.Ident) -> None:
    if node.name != THIS:
        w.write(node.name)


def _template(w: _Writer, node: ast.Template) -> None:
    w.write('"')
    for part in node.parts:
        if isinstance(part, str):
            w.write(quote(part)[1:-1])
        else:
            w.write("#{")
            write_expr(w, part)
            w.write("}")
    w.write('"')


def _if_else(w: _Writer, node: ast.IfElse) -> None:
    w.write("if (")
    write_expr(w, node.cond)
    w.write(") ")
    write_expr(w, node.then)
    if node.otherwise is not None:
        w.write(" else ")
        write_expr(w, node.otherwise)


def _at_time(w: _Writer, node: ast.AtTime) -> None:
    w.write("at (")
    write_expr(w, node.time)
    w.write(") ")
    write_expr(w, node.expr)


def _arrow(w: _Writer, node: ast.Arrow) -> None:
    if _is_short(node):
        write_expr(w, node.body)
        return
    w.write("(")
    params = list(node.params) + ([] if node.rest is None else ["..." + node.rest])
    w.write(", ".join(params))
    w.write(") => ")
    write_expr(w, node.body)


def _unary(w: _Writer, node: ast.Unary) -> None:
    w.write(node.op)
    write_expr(w, node.operand)


def _binary(w: _Writer, node: ast.Binary) -> None:
    write_expr(w, node.left)
    w.write(f" {node.op} ")
    write_expr(w, node.right)


def _project(w: _Writer, node: ast.Project) -> None:
    write_expr(w, node.expr)
    w.line(" {")
    w.level += 1
    for i, (name, value) in enumerate(node.fields):
        w.ident(name)
        w.write(": ")
        write_expr(w, value)
        if i != len(node.fields) - 1:
            w.write(",")
        w.line()
    w.level -= 1
    w.line("}")


def _object(w: _Writer, node: ast.Object) -> None:
    w.line("{")
    w.level += 1
    for i, (name, value) in enumerate(node.pairs):
        w.ident(name)
        w.write(": ")
        write_expr(w, value)
        if i != len(node.pairs) - 1:
            w.write(",")
        w.line()
    w.level -= 1
    w.write("}")


def _group(w: _Writer, node: Group) -> None:
    w.write("(")
    w.separated(node.items, lambda item: write_expr(w, item))
    w.write(")")


def _array(w: _Writer, node: ast.Array) -> None:
    w.write("[")
    w.separated(node.items, lambda item: write_expr(w, item))
    w.write("]")


def _block(w: _Writer, node: ast.Block) -> None:
    w.line("{")
    w.level += 1
    for stmt in node.body:
        write_expr(w, stmt)
        w.line()
    w.level -= 1
    w.write("}")


def _let(w: _Writer, node: ast.Let) -> None:
    w.write(f"let {node.name}")
    if node.type is not None:
        w.write(": " + _type_text(node.type, f"the type of `{node.name}`"))
    w.write(" = ")
    write_expr(w, node.value)


def _member(w: _Writer, node: ast.Member) -> None:
    write_expr(w, node.obj)
    w.write("?." if node.optional else ".")
    w.write(node.name)


def _apply(w: _Writer, node: ast.Apply) -> None:
    write_expr(w, node.fn)
    if node.optional:
        w.write("?.")
    w.write("(")
    w.separated(node.args, lambda arg: write_expr(w, arg))
    w.write(")")


def _index(w: _Writer, node: ast.Index) -> None:
    write_expr(w, node.obj)
    if node.optional:
        w.write("?.")
    w.write("[")
    write_expr(w, node.key)
    w.write("]")


def _non_null(w: _Writer, node: ast.NonNull) -> None:
    write_expr(w, node.expr)
    w.write("!")


_EXPRS: dict[type, t.Callable[[_Writer, t.Any], None]] = {
    ast.Literal: _literal,
    ast.Ident: _ident,
    ast.Template: _template,
    ast.IfElse: _if_else,
    ast.AtTime: _at_time,
    ast.Arrow: _arrow,
    ast.Unary: _unary,
    ast.Binary: _binary,
    ast.Project: _project,
    ast.Object: _object,
    Group: _group,
    ast.Array: _array,
    ast.Block: _block,
    ast.Let: _let,
    ast.Member: _member,
    ast.Apply: _apply,
    ast.Index: _index,
    ast.NonNull: _non_null,
}


def expr_text(text: str, what: str) -> str:
    """Stored FQL (one expression, as a default or a backfill value) as core prints it."""
    body = parse_fql(text, what)
    w = _Writer()
    for i, stmt in enumerate(body):
        if i:
            w.line()
        write_expr(w, stmt)
    return w.text()


# -- signatures -------------------------------------------------------------------------------------


def _type(text: str, what: str) -> t.Any:
    try:
        return sig.parse(text)
    except sig.SignatureError as err:
        raise InvalidDefinition(f"{what} is not a valid type: {err.message} in {text!r}") from None
    except sig.DefaultInSignature:
        raise InvalidDefinition(f"{what} has a default value inside its type, which fql does not keep: {text!r}")


def _type_text(text: str, what: str) -> str:
    return sig.show(_type(text, what))


# -- paths (index terms and values, unique constraints, migrations) ----------------------------------

_PATH_STEP = re.compile(
    r"""\.\s*(?P<name>[A-Za-z_][A-Za-z0-9_]*)
      | \[\s*(?:(?P<str>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')|(?P<int>[0-9]+))\s*\]""",
    re.VERBOSE,
)


def parse_path(text: str, what: str) -> list[str | int]:
    """A stored field path (`name`, `.a.b`, `.["a b"]`, `.[0]`, core's FieldPath) as its steps."""
    rest = text if text.startswith(".") else "." + text
    if rest.startswith(".["):
        rest = rest[1:]
    steps: list[str | int] = []
    pos = 0
    while pos < len(rest):
        m = _PATH_STEP.match(rest, pos)
        if m is None:
            raise InvalidDefinition(f"{what} is not a valid field path: {text!r}")
        if m.group("name") is not None:
            steps.append(m.group("name"))
        elif m.group("str") is not None:
            steps.append(sig.unquote(m.group("str")))
        else:
            steps.append(int(m.group("int")))
        pos = m.end()
    if not steps:
        raise InvalidDefinition(f"{what} is not a valid field path: {text!r}")
    return steps


def path_text(steps: list[str | int]) -> str:
    """Core's Displayer.writePath: `.a.b`, `.["a b"]`, `.a[0]`."""
    out = []
    for i, step in enumerate(steps):
        if isinstance(step, str) and is_ident(step):
            out.append("." + step)
        else:
            out.append(("." if i == 0 else "") + "[" + (quote(step) if isinstance(step, str) else str(step)) + "]")
    return "".join(out)


# -- items ------------------------------------------------------------------------------------------


def _annotation(w: _Writer, keyword: str, value: str) -> None:
    w.write(f"@{keyword}(")
    w.ident(value)
    w.line(")")


def _header(w: _Writer, keyword: str, name: str) -> None:
    w.write(keyword + " ")
    w.ident(name)


def _lambda_text(source: t.Any, what: str) -> ast.Arrow:
    if not isinstance(source, str):
        raise InvalidDefinition(f"{what} is not FQL v10 text: {source!r}")
    return parse_lambda(source, what)


def _collection(w: _Writer, name: str, d: dict) -> None:
    alias = d.get("alias")
    if alias is not None:
        _annotation(w, "alias", alias)
    _header(w, "collection", name)
    w.line(" {")
    w.level += 1
    where = f"collection `{name}`"
    fields = d.get("fields") or {}
    for field_name in scala_map_order(fields):
        f = fields[field_name]
        w.write(f"{field_name}: ")
        w.write(_type_text(f.get("signature", "Any"), f"the signature of field `{field_name}` of {where}"))
        if f.get("default") is not None:
            w.write(" = ")
            w.write(expr_text(f["default"], f"the default of field `{field_name}` of {where}"))
        w.line()
    computed = d.get("computed_fields") or {}
    for field_name in scala_map_order(computed):
        f = computed[field_name]
        w.write(f"compute {field_name}")
        if f.get("signature") is not None:
            w.write(": " + _type_text(f["signature"], f"the signature of computed field `{field_name}` of {where}"))
        w.write(" = ")
        arrow = _lambda_text(f.get("body"), f"the body of computed field `{field_name}` of {where}")
        if _is_short(arrow):
            w.write("(")
            write_expr(w, arrow)
            w.write(")")
        else:
            write_expr(w, arrow)
        w.line()
    if d.get("wildcard") is not None:
        w.line("*: " + _type_text(d["wildcard"], f"the wildcard of {where}"))
    indexes = d.get("indexes") or {}
    for index_name in scala_map_order(indexes):
        _index_member(w, index_name, indexes[index_name], where)
    for constraint in d.get("constraints") or []:
        if "unique" in constraint and constraint["unique"] is not None:
            terms = [_term(term, f"a unique constraint of {where}") for term in _listed(constraint["unique"])]
            w.line("unique [" + ", ".join(terms) + "]")
    for constraint in d.get("constraints") or []:
        check = constraint.get("check")
        if check is not None:
            w.write("check ")
            w.ident(check["name"])
            w.write(" (")
            write_expr(w, _lambda_text(check.get("body"), f"check constraint `{check['name']}` of {where}"))
            w.line(")")
    history = d.get("history_days")
    if history is not None and history != 0:
        w.line(f"history_days {min(int(history), _NO_HISTORY_LIMIT)}")
    if d.get("ttl_days") is not None:
        w.line(f"ttl_days {int(d['ttl_days'])}")
    if d.get("document_ttls") is not None:
        w.line("document_ttls " + ("true" if d["document_ttls"] else "false"))
    migrations = d.get("migrations") or []
    if migrations:
        w.line("migrations {")
        w.level += 1
        for item in migrations:
            w.line(_migration(item, where))
        w.level -= 1
        w.line("}")
    w.level -= 1
    w.line("}")


def _index_member(w: _Writer, name: str, index: dict, where: str) -> None:
    what = f"index `{name}` of {where}"
    w.write("index ")
    w.ident(name)
    w.line(" {")
    w.level += 1
    terms = [_term(term, what) for term in index.get("terms") or []]
    if terms:
        w.line("terms [" + ", ".join(terms) + "]")
    values = [_value(value, what) for value in index.get("values") or []]
    if values:
        w.line("values [" + ", ".join(values) + "]")
    w.level -= 1
    w.line("}")


def _term(term: t.Any, what: str) -> str:
    """`.a` or `mva(.a)`: an index term or a unique constraint's field (a path, or `{ field, mva }`)."""
    if isinstance(term, str):
        return path_text(parse_path(term, what))
    text = path_text(parse_path(term.get("field", ""), what))
    return f"mva({text})" if term.get("mva") else text


def _value(value: dict, what: str) -> str:
    text = _term(value, what)
    return f"desc({text})" if value.get("order", "asc") != "asc" else text


def _migration(item: dict, where: str) -> str:
    """One line of a `migrations` block (core's writeMigrationItem)."""
    if not isinstance(item, dict) or len(item) != 1:
        raise InvalidDefinition(f"A migration of {where} is not one of backfill, drop, split, move, add, ...: {item!r}")
    (kind, body), = item.items()
    what = f"a `{kind}` migration of {where}"

    def path(key: str) -> str:
        return path_text(parse_path(body.get(key, ""), what))

    if kind == "backfill":
        return f"backfill {path('field')} = {expr_text(body.get('value', ''), what)}"
    if kind in ("drop", "add"):
        return f"{kind} {path('field')}"
    if kind == "split":
        targets = ", ".join(path_text(parse_path(to, what)) for to in body.get("to") or [])
        return f"split {path('field')} -> {targets}"
    if kind == "move":
        return f"move {path('field')} -> {path('to')}"
    if kind in ("move_conflicts", "move_wildcard"):
        return f"{kind} {path('into')}"
    if kind == "add_wildcard":
        return "add_wildcard"
    raise InvalidDefinition(f"Unknown migration `{kind}` in {where}.")


def _function(w: _Writer, name: str, d: dict) -> None:
    what = f"function `{name}`"
    arrow = _lambda_text(d.get("body"), f"the body of {what}")
    if d.get("alias") is not None:
        _annotation(w, "alias", d["alias"])
    if d.get("role") is not None:
        _annotation(w, "role", d["role"])
    params: tuple = ()
    variadic = result = None
    if d.get("signature") is not None:
        texpr = _type(d["signature"], f"the signature of {what}")
        # Core takes the types of a lambda signature only; any other signature gives none.
        if isinstance(texpr, sig.LambdaType):
            params, variadic, result = texpr.params, texpr.variadic, texpr.result
    names = ("$this",) if _is_short(arrow) else arrow.params
    args = []
    for i, param in enumerate(names):
        args.append(param + (": " + sig.show(params[i]) if i < len(params) else ""))
    if arrow.rest is not None:
        args.append("..." + arrow.rest + (": " + sig.show(variadic) if variadic is not None else ""))
    _header(w, "function", name)
    w.write("(" + ", ".join(args) + ")")
    if result is not None:
        w.write(": " + sig.show(result))
    w.write(" ")
    body = arrow.body if isinstance(arrow.body, ast.Block) else ast.Block((arrow.body,))
    write_expr(w, body)
    w.line()


def _role(w: _Writer, name: str, d: dict) -> None:
    what = f"role `{name}`"
    _header(w, "role", name)
    w.line(" {")
    w.level += 1
    for privilege in _listed(d.get("privileges")):
        w.write("privileges ")
        w.ident(privilege["resource"])
        w.line(" {")
        w.level += 1
        for action, allowed in (privilege.get("actions") or {}).items():
            if allowed is False:
                continue
            if action not in ACTIONS:
                raise InvalidDefinition(f"Unknown action `{action}` in {what}.")
            w.write(action)
            if isinstance(allowed, str):
                w.write(" ")
                _predicate(w, allowed, f"the `{action}` predicate of {what}")
            w.line()
        w.level -= 1
        w.line("}")
    for member in _listed(d.get("membership")):
        w.write("membership ")
        w.ident(member["resource"])
        if member.get("predicate") is not None:
            w.write(" ")
            _predicate(w, member["predicate"], f"the membership predicate of {what}")
        w.line()
    w.level -= 1
    w.line("}")


def _predicate(w: _Writer, source: str, what: str) -> None:
    """`{ predicate (<lambda>) }` over three lines (core's Config.Predicate)."""
    w.line("{")
    w.level += 1
    w.write("predicate (")
    write_expr(w, _lambda_text(source, what))
    w.line(")")
    w.level -= 1
    w.write("}")


def _access_provider(w: _Writer, name: str, d: dict) -> None:
    what = f"access provider `{name}`"
    _header(w, "access provider", name)
    w.line(" {")
    w.level += 1
    w.line("issuer " + quote(str(d.get("issuer", ""))))
    w.line("jwks_uri " + quote(str(d.get("jwks_uri", ""))))
    for role in _listed(d.get("roles")):
        w.write("role ")
        if not isinstance(role, dict):
            w.ident(_role_name(role))
        else:
            w.ident(_role_name(role["role"]))
            if role.get("predicate") is not None:
                w.write(" ")
                _predicate(w, role["predicate"], f"the predicate of role `{role['role']}` in {what}")
        w.line()
    w.level -= 1
    w.line("}")


def _role_name(role: t.Any) -> str:
    """A role named by its name, or (v4) by a reference to it."""
    return role if isinstance(role, str) else role.id


_ITEMS: dict[str, t.Callable[[_Writer, str, dict], None]] = {
    "collection": _collection,
    "function": _function,
    "role": _role,
    "access provider": _access_provider,
}
