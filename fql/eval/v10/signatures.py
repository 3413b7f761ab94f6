"""v10 type signatures: core's type expressions (`String`, `Int?`, `{ a: Number, *: Any }`, `Ref<Users>`) as
computed and defined fields, and a collection's wildcard, spell them.

The parser follows core's TypeExprParser (operators `=>` < `|` < `&` < `?`, tuples, objects with a `*`
wildcard, integer and string singletons, `(a: A) => B` lambdas) and its error messages (`Expected type`,
`Expected end-of-input`); `check` and `unpersistable` are the typer's checks that core runs on a schema
update (unknown types, constructor arity, what can be stored).
"""

from __future__ import annotations

import re
import typing as t

from attrs import field, frozen

from ...schema.errors import Diagnostic
from ...values import Ref

# -- type expressions ----------------------------------------------------------------------------------


@frozen
class Name:
    """A named type, with its type arguments: `String`, `Users`, `Array<Int>`, `Ref<Users>`."""

    name: str
    args: tuple = ()
    start: int = 0


@frozen
class Singleton:
    """A literal type: `"a"`, `42`, `true`."""

    value: t.Any


@frozen
class Keyword:
    """`Any` or `Never`."""

    name: str


@frozen
class Default:
    """A field's default value inside a defined field's signature (`{ a: Int = 0 }`): its FQL source, and
    where it is in the signature (not compared)."""

    source: str
    start: int = field(default=0, eq=False)
    end: int = field(default=0, eq=False)


@frozen
class ObjectType:
    """`{ a: String, "b c": Int, *: Any }`; `interface` marks `{ a: String, ... }`; `defaults` are the
    default values of its fields that have one, by name (only a defined field's signature has them)."""

    fields: tuple[tuple[str, t.Any], ...]
    wildcard: t.Any = None
    interface: bool = False
    defaults: tuple[tuple[str, Default], ...] = ()

    def default(self, name: str) -> Default | None:
        return dict(self.defaults).get(name)


@frozen
class TupleType:
    """`[A, B]` (or `(A, B)`)."""

    items: tuple


@frozen
class LambdaType:
    """`A => B`, `(A, B) => C`."""

    params: tuple
    result: t.Any
    variadic: t.Any = None
    #: The parameters' names, where written (`(a: Int) => Int`): one per parameter, None for unnamed.
    names: tuple = ()
    variadic_name: str | None = None


@frozen
class UnionType:
    """`A | B`."""

    members: tuple


@frozen
class IntersectType:
    """`A & B`."""

    members: tuple


@frozen
class Nullable:
    """`T?`: `T | Null`."""

    base: t.Any


class SignatureError(Exception):
    """A signature that does not parse: core's message and where (0-based offset into the text), with
    core's hints, each (text, offset, width), and the further errors its parser reported with it."""

    def __init__(
        self, message: str, offset: int, width: int = 1, hints: tuple = (), more: tuple = (), fatal: bool = True
    ):
        super().__init__(message)
        self.message = message
        self.offset = offset
        self.width = width
        self.hints = hints
        self.more = more
        #: Whether the parse stopped here; core's parser goes on after the errors it only emits.
        self.fatal = fatal

    def diagnostics(self) -> list[Diagnostic]:
        """This error and the ones reported with it, each as core renders a ParseError."""
        return [err._diagnostic() for err in (self, *self.more)]

    def _diagnostic(self) -> Diagnostic:
        hints = tuple(Diagnostic(m, offset, offset + max(width, 1)) for m, offset, width in self.hints)
        return Diagnostic(self.message, self.offset, self.offset + max(self.width, 1), hints=hints)


_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<name>[A-Za-z_][A-Za-z0-9_']*(?:\.[A-Za-z0-9_']+)*)
  | (?P<int>-?(?:0[xX][0-9a-fA-F_]*|0[bB][01_]*|0[oO][0-7_]*|0|[1-9][0-9_]*))
  | (?P<str>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
  | (?P<punct>=>|\.\.\.|[<>,{}\[\]():*|&?=])
    """,
    re.VERBOSE | re.DOTALL,
)
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "\\": "\\", "'": "'", '"': '"', "#": "#"}


def _tokens(text: str) -> list[tuple[str, str, int]]:
    """(kind, text, offset) of each token; a character no token starts with is a token of kind "?".
    Comments are space, as everywhere in core's parser (its `nl`: a type's object fields are separated
    by `objectsep`, which takes a line comment too)."""
    out, pos = [], 0
    while pos < len(text):
        if text.startswith("//", pos) or text.startswith("/*", pos):
            pos = _comment_end(text, pos)
            continue
        m = _TOKEN.match(text, pos)
        if m is None:
            out.append(("?", text[pos], pos))
            pos += 1
            continue
        if m.lastgroup != "ws":
            out.append((m.lastgroup, m.group(), pos))
        pos = m.end()
    out.append(("end", "", len(text)))
    return out


def _comment_end(text: str, pos: int) -> int:
    """Past the comment at `pos`: a line comment to its newline, a block comment past the `*/` that
    closes it (they nest, core's blockComment), or the end of the text."""
    from ...schema.scan import comment_end

    if text.startswith("//", pos):
        end = text.find("\n", pos)
        return len(text) if end < 0 else end
    return comment_end(text, pos)


def unquote(token: str) -> str:
    """A quoted string token's text, escapes resolved."""
    body, out, i = token[1:-1], [], 0
    while i < len(body):
        c = body[i]
        if c == "\\" and i + 1 < len(body):
            nxt = body[i + 1]
            if nxt == "u" and body[i + 2 : i + 3] == "{":
                end = body.index("}", i)
                out.append(chr(int(body[i + 3 : end], 16)))
                i = end + 1
                continue
            if nxt == "u":
                out.append(chr(int(body[i + 2 : i + 6], 16)))
                i += 6
                continue
            out.append(_ESCAPES.get(nxt, nxt))
            i += 2
            continue
        out.append(c)
        i += 1
    return "".join(out)


#: Binary type operators: precedence (core's TypeOpPrecedences) and whether they associate to the right.
_BINARY = {"=>": 0, "|": 1, "&": 2}
_POSTFIX_PREC = 3


@frozen
class _Args:
    """`(a: A, ...rest: B)`: parameters, only valid before `=>`; where its names and its variadic type are,
    (offset, width) each, for core's errors when it stands anywhere else."""

    params: tuple
    variadic: t.Any
    offset: int
    names: tuple = ()
    variadic_at: tuple | None = None
    #: Each parameter's name or None, and the variadic's.
    param_names: tuple = ()
    variadic_name: str | None = None


class _Parser:
    """Recursive descent over the tokens; `schema` allows (and rejects as not implemented) field defaults."""

    def __init__(self, text: str, *, schema: bool):
        self.text = text
        self.tokens = _tokens(text)
        self.i = 0
        self.schema = schema
        #: Where each type node parsed is, by id: (start, end), and a nullable's `?`.
        self.spans: dict[int, tuple[int, int]] = {}
        self.qmarks: dict[int, int] = {}
        #: Errors that do not stop the parse (core's parser emits them and goes on), in order.
        self.emitted: list[SignatureError] = []
        #: The tokens a newline comes before: core separates an object's fields with these too (and `;`).
        self.line_starts = {
            i
            for i, (_, _, offset) in enumerate(self.tokens)
            if i and any(c in "\n\r" for c in text[self.tokens[i - 1][2] + len(self.tokens[i - 1][1]) : offset])
        }

    def peek(self, ahead: int = 0) -> tuple[str, str, int]:
        return self.tokens[min(self.i + ahead, len(self.tokens) - 1)]

    def take(self) -> tuple[str, str, int]:
        token = self.peek()
        self.i += 1
        return token

    def emit(self, message: str, at: tuple[int, int], hints: tuple = ()) -> None:
        self.emitted.append(SignatureError(message, at[0], at[1], hints))

    def expect(self, text: str) -> None:
        kind, value, offset = self.peek()
        if value != text or kind != "punct":
            raise SignatureError(f"Expected `{text}`", offset)
        self.i += 1

    def parse(self, parent_default: tuple[int, int] | None = None) -> t.Any:
        fatal = False
        try:
            result = self.expr()
            kind, _, offset = self.peek()
            if kind != "end":
                raise SignatureError(self.expected_end(offset), offset)
        except SignatureError:
            # As core reports them: the errors emitted along the way, else the one that stopped the parse.
            if not self.emitted:
                raise
            fatal = True
        if self.emitted:
            first, *more = self.emitted
            raise SignatureError(first.message, first.offset, first.width, first.hints, tuple(more), fatal=fatal)
        if self.schema:
            reason = None if parent_default is None else ("Parent has a conflicting default value", *parent_default)
            self.check_defaults(result, reason)
        return result

    def integer(self, value: str, offset: int) -> int:
        """An integer type, read as core's `integer` reads it: `0` alone or digits from 1 to 9 on (so `01` is
        `0`, then text after the type), or a radix prefix, after which core commits to digits (`0x` and
        `0x_` fail there, as in a query's number)."""
        digits = value.lstrip("-")
        if digits[1:2] in ("x", "X", "o", "O", "b", "B") and not digits[2:].strip("_"):
            stop = offset + len(value) - len(digits) + 2
            found = f"`{self.text[stop]}`" if stop < len(self.text) else "end of input"
            raise SignatureError(f"Unexpected {found}, expected digit", stop)
        return int(value.replace("_", ""), 0)

    def expected_end(self, offset: int) -> str:
        """Core's words for text after a whole type: a name may still take type arguments right after it."""
        kind, value, before = self.tokens[self.i - 1] if self.i else ("", "", -1)
        if kind == "name" and before + len(value) == offset:
            return "Expected `<` or end-of-input"
        return "Expected end-of-input"

    def end_of_last(self) -> int:
        _, value, offset = self.tokens[self.i - 1]
        return offset + len(value)

    def mark(self, node: t.Any, start: int) -> t.Any:
        self.spans[id(node)] = (start, self.end_of_last())
        return node

    def expr(self, min_prec: int = 0) -> t.Any:
        start = self.peek()[2]
        left = self.mark(self.base(), start)
        while True:
            kind, op, offset = self.peek()
            if kind != "punct":
                break
            if op == "?" and _POSTFIX_PREC >= min_prec:
                self.i += 1
                left = self.mark(Nullable(self.typed(left)), start)
                self.qmarks[id(left)] = offset
                continue
            prec = _BINARY.get(op)
            if prec is None or prec < min_prec:
                break
            self.i += 1
            right = self.expr(prec if op == "=>" else prec + 1)
            left = self.mark(self.combine(op, left if op == "=>" else self.typed(left), right), start)
        return self.typed(left)

    def check_defaults(self, node: t.Any, reason: tuple | None) -> None:
        """Core's schemaTypeExpr: defaults belong to the fields of an object that is the signature, or a
        field of one, and has no default itself; anywhere else one is `Default values are not allowed
        here`, with the reason as a hint (a nullable's `?`, a union, a parent's default, another type)."""
        if isinstance(node, ObjectType) and not node.interface:
            for name, ftype in node.fields:
                default = node.default(name)
                if default is not None and reason is not None:
                    self.refuse(default, reason)
                inner = reason
                if inner is None and default is not None:
                    inner = ("Parent has a conflicting default value", default.start, default.end)
                self.check_defaults(ftype, inner)
            for default in _defaults_in(node.wildcard):
                # Core types a wildcard as a plain type, with no reason to give.
                self.refuse(default, None)
            return
        reason = reason or self.reason(node)
        for default in _defaults_in(node):
            self.refuse(default, reason)

    def reason(self, node: t.Any) -> tuple:
        start, end = self.spans.get(id(node), (0, len(self.text)))
        if isinstance(node, Nullable):
            at = self.qmarks.get(id(node), end - 1)
            return ("Parent is nullable", at, at + 1)
        if isinstance(node, UnionType):
            return ("Parent is a union", start, end)
        return ("Parent is not an object", start, end)

    def refuse(self, default: Default, reason: tuple | None) -> None:
        hints = () if reason is None else ((reason[0], reason[1], max(reason[2] - reason[1], 1)),)
        raise SignatureError("Default values are not allowed here", default.start, max(default.end - default.start, 1), hints)

    def typed(self, value: t.Any) -> t.Any:
        """A type where parameters stand anywhere but before `=>`: core's errors for their names and
        variadic (`(a: Int) | String`, `(a, ...b)`), and a placeholder type."""
        if isinstance(value, _Args):
            for at in value.names:
                self.emit("Only lambda argument types may be named", at)
            if value.variadic_at is not None:
                self.emit("Invalid variadic argument", value.variadic_at)
            return Name("null")
        return value

    def combine(self, op: str, left: t.Any, right: t.Any) -> t.Any:
        if op == "=>":
            if isinstance(left, _Args):
                return LambdaType(left.params, right, left.variadic, left.param_names, left.variadic_name)
            if isinstance(left, TupleType):
                return LambdaType(left.items, right)
            return LambdaType((left,), right)
        kind = UnionType if op == "|" else IntersectType
        if isinstance(left, kind):
            return kind((*left.members, right))
        return kind((left, right))

    def base(self) -> t.Any:
        kind, value, offset = self.peek()
        if kind == "punct" and value == "(":
            return self.paren()
        return self.simple()

    def simple(self) -> t.Any:
        kind, value, offset = self.take()
        if kind == "name":
            if value in ("Any", "Never"):
                return Keyword(value)
            if value in ("true", "false"):
                return Singleton(value == "true")
            # Type arguments follow the name directly (core: `Name ~~ <`); `Int <` is `Int`, then junk.
            if self.peek()[1] == "<" and self.peek()[0] == "punct" and self.peek()[2] == offset + len(value):
                self.i += 1
                args = [self.expr()]
                while self.peek()[1] == "," and self.peek(1)[1] != ">":
                    self.i += 1
                    args.append(self.expr())
                if self.peek()[1] == ",":
                    self.i += 1
                self.expect(">")
                return Name(value, tuple(args), offset)
            return Name(value, (), offset)
        if kind == "int":
            return Singleton(self.integer(value, offset))
        if kind == "str":
            return Singleton(unquote(value))
        if kind == "punct" and value == "{":
            return self.object()
        if kind == "punct" and value == "[":
            return self.tuple()
        raise SignatureError("Expected type", offset)

    def object(self) -> ObjectType:
        fields: list = []
        defaults: list = []
        wildcard = None
        #: Where the wildcard's type, or the `...`, is: a field after either is an error (core's TypeExprParser).
        last: tuple[str, int, int] | None = None
        interface = False
        #: Where each field's name first appeared (offset, width).
        seen: dict[str, tuple[int, int]] = {}
        while not (self.peek()[0] == "punct" and self.peek()[1] == "}"):
            kind, value, offset = self.take()
            if kind == "punct" and value == "...":
                interface = True
            elif kind == "punct" and value == "*":
                self.expect(":")
                type_start = self.peek()[2]
                wildcard = self.expr()
            elif kind in ("name", "str"):
                name = value if kind == "name" else unquote(value)
                self._check_new_key(name, seen, offset, len(value))
                self.expect(":")
                fields.append((name, self.expr()))
                if self.peek()[1] == "=" and self.peek()[0] == "punct":
                    self.i += 1
                    default = self.default_value()
                    if not self.schema:
                        raise SignatureError("Default values are not allowed here", default.start, default.end - default.start)
                    defaults.append((fields[-1][0], default))
            else:
                raise SignatureError("Expected `}`", offset)
            if last is not None:
                what, at, width = last
                hint = (f"{what} defined here", at, width)
                self.emit(f"{what} must be the last element in an object", (offset, self.end_of_last() - offset), (hint,))
            if value == "...":
                last = ("Interface", offset, 3)
            elif kind == "punct" and value == "*":
                last = ("Wildcard", type_start, self.end_of_last() - type_start)
            separated = self.i in self.line_starts
            while self.peek()[1] == ";" and self.peek()[0] == "?":
                self.i, separated = self.i + 1, True
            if self.peek()[1] == "," and self.peek()[0] == "punct":
                self.i += 1
            elif not (self.peek()[0] == "punct" and self.peek()[1] == "}") and not separated:
                raise SignatureError("Expected `}`", self.peek()[2])
        self.i += 1
        return ObjectType(tuple(fields), wildcard, interface, tuple(defaults))

    @staticmethod
    def _check_new_key(name: str, seen: dict[str, tuple[int, int]], offset: int, width: int) -> None:
        """A field named twice stops the parse with core's `Duplicate key` (TypeObjectRepeater), pointing
        back at the first."""
        if name in seen:
            at, first_width = seen[name]
            raise SignatureError("Duplicate key", offset, width, (("Key originally used here", at, first_width),))
        seen[name] = (offset, width)

    def default_value(self) -> Default:
        """The FQL expression after a field's `=`, up to the `,`, `;` or `}` that ends the field (or a line
        that starts the next field); it must parse as FQL."""
        start = self.peek()[2]
        depth = 0
        while True:
            kind, value, offset = self.peek()
            if kind == "end":
                break
            if depth == 0 and (value in (",", "}") or (value == ";" and kind == "?")):
                break
            if depth == 0 and self.i in self.line_starts and offset > start and self._starts_field():
                break
            if value in ("(", "[", "{"):
                depth += 1
            elif value in (")", "]", "}"):
                depth -= 1
            self.i += 1
        end = self.end_of_last() if self.peek()[2] > start else start
        if end <= start:
            raise SignatureError("Expected expression", start)
        source = self.text[start:end]
        _check_fql(source, start)
        return Default(source, start, end)

    def _starts_field(self) -> bool:
        kind, value, _ = self.peek()
        return (kind in ("name", "str") or value in ("*", "...")) and (self.peek(1)[1] == ":" or value == "...")

    def tuple(self) -> TupleType:
        items = []
        while not (self.peek()[0] == "punct" and self.peek()[1] == "]"):
            items.append(self.expr())
            if self.peek()[1] == "," and self.peek()[0] == "punct":
                self.i += 1
            elif not (self.peek()[0] == "punct" and self.peek()[1] == "]"):
                raise SignatureError("Expected `]`", self.peek()[2])
        self.i += 1
        return TupleType(tuple(items))

    def paren(self) -> t.Any:
        """`(A, B)`, `(A)`, or parameters: `(a: A, ...B)`. A variadic that is not the last is an error
        (core's InvalidVariadic at its type), and is left out."""
        _, _, start = self.take()
        items: list = []
        item_names: list[str | None] = []
        names: list[tuple[int, int]] = []
        variadic, variadic_at, variadic_name = None, None, None
        while not (self.peek()[0] == "punct" and self.peek()[1] == ")"):
            if variadic_at is not None:
                self.emit("Invalid variadic argument", variadic_at)
                variadic, variadic_at = None, None
            name = None
            if self.peek()[0] == "name" and self.peek(1)[1] == ":":
                name = self.peek()[1]
                names.append((self.peek()[2], len(name)))
                self.i += 2
            if self.peek()[1] == "..." and self.peek()[0] == "punct":
                self.i += 1
                type_start = self.peek()[2]
                variadic, variadic_name = self.expr(), name
                variadic_at = (type_start, self.end_of_last() - type_start)
            else:
                items.append(self.expr())
                item_names.append(name)
            if self.peek()[1] == "," and self.peek()[0] == "punct":
                self.i += 1
            elif not (self.peek()[0] == "punct" and self.peek()[1] == ")"):
                raise SignatureError("Expected `)`", self.peek()[2])
        self.i += 1
        if names or variadic is not None:
            return _Args(tuple(items), variadic, start, tuple(names), variadic_at, tuple(item_names), variadic_name)
        if len(items) == 1:
            return items[0]
        return TupleType(tuple(items))


def parse(text: str, *, schema: bool = False, parent_default: tuple[int, int] | None = None) -> t.Any:
    """A signature's type expression; SignatureError when it does not parse. `schema` is for a defined
    field's signature, whose object fields may carry defaults where core's schemaTypeExpr allows them;
    `parent_default` is where the field's own default is (relative to `text`), which rules them out."""
    return _Parser(text, schema=schema).parse(parent_default)


def _check_fql(source: str, offset: int) -> None:
    """A default's source must be one FQL expression: its parse error, placed in the signature."""
    from ...errors import FQLError
    from ...parse import parse as parse_fql

    try:
        parse_fql(source, "v10")
    except FQLError as err:
        span = getattr(err, "span", None)
        at = span.start if span is not None and span.end else 0
        raise SignatureError(err.description, offset + min(at, len(source))) from None


def _defaults_in(node: t.Any) -> t.Iterator[Default]:
    """Every default inside a type expression, in the order written."""
    if node is None:
        return
    if isinstance(node, ObjectType):
        found = dict(node.defaults)
        for name, ftype in node.fields:
            if name in found:
                yield found[name]
            yield from _defaults_in(ftype)
        if node.wildcard is not None:
            yield from _defaults_in(node.wildcard)
        return
    for child in node.args if isinstance(node, Name) else _children(node):
        yield from _defaults_in(child)


def map_defaults(texpr: t.Any, fn: t.Callable[[Default], Default]) -> t.Any:
    """The type expression with each default replaced by `fn(default)`."""
    if isinstance(texpr, ObjectType):
        fields = tuple((n, map_defaults(v, fn)) for n, v in texpr.fields)
        wildcard = map_defaults(texpr.wildcard, fn) if texpr.wildcard is not None else None
        defaults = tuple((n, fn(d)) for n, d in texpr.defaults)
        return ObjectType(fields, wildcard, texpr.interface, defaults)
    if isinstance(texpr, Name):
        return Name(texpr.name, tuple(map_defaults(a, fn) for a in texpr.args), texpr.start)
    if isinstance(texpr, TupleType):
        return TupleType(tuple(map_defaults(i, fn) for i in texpr.items))
    if isinstance(texpr, LambdaType):
        variadic = map_defaults(texpr.variadic, fn) if texpr.variadic is not None else None
        return LambdaType(tuple(map_defaults(p, fn) for p in texpr.params), map_defaults(texpr.result, fn), variadic, texpr.names, texpr.variadic_name)
    if isinstance(texpr, UnionType):
        return UnionType(tuple(map_defaults(m, fn) for m in texpr.members))
    if isinstance(texpr, IntersectType):
        return IntersectType(tuple(map_defaults(m, fn) for m in texpr.members))
    if isinstance(texpr, Nullable):
        return Nullable(map_defaults(texpr.base, fn))
    return texpr


def render_error(err: SignatureError, source: str, text: str) -> str:
    """Core's rendering of a signature's parse errors against an inline source (`at *signature*:1:3`, carets
    and hints, a hint on its error's line without its `at` line), one after another."""
    return "\n".join(d.render(text, source) for d in err.diagnostics())


def render_at(message: str, source: str, text: str, offset: int, width: int = 1, annotation: str | None = None) -> str:
    """An `error:` diagnostic underlining `width` characters at `offset`, with core's annotation after them,
    drawn as core draws one (a span past the text's last visible character marks that character's end; no
    line keeps trailing blanks)."""
    from ...schema.errors import Diagnostic

    return Diagnostic(message, offset, offset + max(width, 1), annotation).render(text, source)


def field_name(name: str) -> str:
    return name if IDENT.fullmatch(name) and name not in _KEYWORDS else _quote(name)


def _quote(text: str) -> str:
    from .misc import quote

    return quote(text)


IDENT = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")
#: An integer literal as core's parser reads one (Numbers.scala `integer`): signed, decimal without a
#: leading zero, or hexadecimal, octal or binary, with `_` among its digits. A field path's index is one.
INDEX_LITERAL = r"[+-]?(?:0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|0|[1-9][0-9_]*)"
_RADIX = {"x": 16, "o": 8, "b": 2}


def index_literal(text: str) -> int | None:
    """The index a field path's integer literal names, or None for one core refuses: negative, or past a
    Long (ExprParser.processFieldPathExpr)."""
    digits = text.lstrip("+-").replace("_", "")
    radix = _RADIX.get(digits[1:2].lower(), 10)
    digits = digits[2:] if radix != 10 else digits
    if not digits:
        return None
    value = -int(digits, radix) if text.startswith("-") else int(digits, radix)
    return value if 0 <= value < 1 << 63 else None
_KEYWORDS = frozenset(("if", "else", "at", "match", "case", "let", "null", "true", "false", "isa", "join", "on", "of"))


def literal(value: t.Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    if isinstance(value, str):
        return _quote(value)
    return str(value)


def show(texpr: t.Any, prec: int = 0) -> str:
    """A type expression as core displays it (Display.displayTExpr)."""
    if isinstance(texpr, Keyword):
        return texpr.name
    if isinstance(texpr, Singleton):
        return literal(texpr.value)
    if isinstance(texpr, Name):
        return texpr.name + ("<" + ", ".join(show(a) for a in texpr.args) + ">" if texpr.args else "")
    if isinstance(texpr, ObjectType):
        defaults = dict(texpr.defaults)
        items = [
            f"{field_name(n)}: {show(v)}" + (f" = {defaults[n].source}" if n in defaults else "") for n, v in texpr.fields
        ]
        if texpr.wildcard is not None:
            items.append(f"*: {show(texpr.wildcard)}")
        if texpr.interface:
            return "{ " + ", ".join(items) + ", ... }" if items else "{}"
        return "{ " + ", ".join(items) + " }" if items else "{}"
    if isinstance(texpr, TupleType):
        return "[" + ", ".join(show(i) for i in texpr.items) + "]"
    if isinstance(texpr, LambdaType):
        names = texpr.names or (None,) * len(texpr.params)
        if len(texpr.params) == 1 and texpr.variadic is None:
            param = show(texpr.params[0], 11)
            text = f"({names[0]}: {param})" if names[0] else param
            text += f" => {show(texpr.result, 10)}"
        else:
            params = [f"{n}: {show(p, 10)}" if n else show(p, 10) for n, p in zip(names, texpr.params)]
            if texpr.variadic is not None:
                rest = "..." + show(texpr.variadic, 10)
                params.append(f"{texpr.variadic_name}: {rest}" if texpr.variadic_name else rest)
            text = "(" + ", ".join(params) + f") => {show(texpr.result, 10)}"
        return f"({text})" if prec > 10 else text
    if isinstance(texpr, UnionType):
        text = " | ".join(show(m, 20) for m in texpr.members)
        return f"({text})" if prec > 20 else text
    if isinstance(texpr, IntersectType):
        text = " & ".join(show(m, 30) for m in texpr.members)
        return f"({text})" if prec > 30 else text
    if isinstance(texpr, Nullable):
        return show(texpr.base, 50) + "?"
    return "Any"


# -- checking a signature as core's typer does ---------------------------------------------------------

#: The persistable scalar types, by the name a signature uses, with the name core shows (Float is a Double).
SCALARS = {
    "Null": "Null",
    "Boolean": "Boolean",
    "Number": "Number",
    "Int": "Int",
    "Long": "Long",
    "Double": "Double",
    "Float": "Double",
    "String": "String",
    "Time": "Time",
    "Date": "Date",
    "Bytes": "Bytes",
}
#: Type constructors and how many parameters they take.
CONSTRUCTORS = {
    "Array": 1, "Ref": 1, "EmptyRef": 1, "NamedRef": 1, "EmptyNamedRef": 1, "Set": 1, "EventSource": 1, "Page": 1,
    "SetCursor": 0,
}  # fmt: skip
#: Other types core's environment knows, none of them persistable. (Key, Token and Credential are document
#: types, found as collections are: the lookup knows them.)
OTHER_TYPES = frozenset(
    (
        "ID", "UUID", "Object", "Struct", "Function", "UserFunction", "TransactionTime", "Query", "Math",
        "CollectionDef", "Role", "Database", "AccessProvider", "FunctionDef", "Doc", "Stream",
    )
)  # fmt: skip

#: Modules core's typer knows as types though no schema type is one: `Collection` in a field's signature is
#: `Unknown type` (FQL2CollectionSpec "refs to named collections do not work").
MODULE_TYPES = frozenset(("Collection",))

#: What names a document type: a user collection's name (or alias), or a native collection with documents.
Lookup = t.Callable[[str], "Ref | None"]


def check(texpr: t.Any, lookup: Lookup) -> list[str]:
    """The typer's errors for a signature: unknown types and wrong constructor arity."""
    errors: list[str] = []

    def go(node: t.Any) -> None:
        if isinstance(node, Name):
            arity = CONSTRUCTORS.get(node.name)
            known = node.name in SCALARS or node.name in OTHER_TYPES or arity is not None or doc_type(node.name, lookup)
            if not known:
                errors.append(f"Unknown type `{node.name}`")
            elif node.args and (arity or 0) == 0:
                errors.append(f"Type `{node.name}` does not accept any parameters.")
            elif arity and len(node.args) != arity:
                errors.append(f"Type constructor `{node.name}<>` accepts {arity} parameters, received {len(node.args)}")
            for arg in node.args:
                go(arg)
            # After its parameter's own errors, as core's typer reports them (FQL2DocRefSpec).
            if known and node.name in ("Ref", "EmptyRef") and len(node.args) == 1:
                if not names_document(node.args[0], lookup):
                    errors.append("Reference type must refer to a doc type")
        for child in _children(node):
            go(child)

    go(texpr)
    return errors


def names(texpr: t.Any) -> t.Iterator[Name]:
    """Every named type of a type expression, type parameters included, in the order written."""
    if isinstance(texpr, Name):
        yield texpr
        for arg in texpr.args:
            yield from names(arg)
    for child in _children(texpr):
        yield from names(child)


def names_document(node: t.Any, lookup: Lookup) -> bool:
    return isinstance(node, Name) and not node.args and doc_type(node.name, lookup) == "doc"


def _children(node: t.Any) -> tuple:
    if isinstance(node, ObjectType):
        return tuple(v for _, v in node.fields) + ((node.wildcard,) if node.wildcard is not None else ())
    if isinstance(node, TupleType):
        return node.items
    if isinstance(node, LambdaType):
        return (*node.params, node.result) + ((node.variadic,) if node.variadic is not None else ())
    if isinstance(node, (UnionType, IntersectType)):
        return node.members
    if isinstance(node, Nullable):
        return (node.base,)
    return ()


def doc_type(name: str, lookup: Lookup) -> str | None:
    """"doc" when `name` is a collection's document type, "null" for its null document (`NullUsers`)."""
    if _collection(name, lookup) is not None:
        return "doc"
    if name.startswith("Null") and len(name) > 4 and _collection(name[4:], lookup) is not None:
        return "null"
    return None


def _collection(name: str, lookup: Lookup) -> Ref | None:
    if name in SCALARS or name in OTHER_TYPES or name in CONSTRUCTORS or name in ("Any", "Never"):
        return None
    return lookup(name)


def unpersistable(texpr: t.Any, lookup: Lookup) -> list[tuple[str, str | None]]:
    """The parts of a field's type that cannot be stored (core's Typer.checkPersistability): (cause, hint)."""
    causes: list[tuple[str, str | None]] = []

    def ref_error(node: t.Any, coll: str) -> None:
        hint = f"Use Ref<{coll}> as the type of a reference to a {coll} document"
        causes.append((f"Type {show(node)} is not persistable", hint))

    def go(node: t.Any) -> None:
        if isinstance(node, Singleton) or node == Keyword("Any"):
            return
        if isinstance(node, (LambdaType, Keyword)) or (isinstance(node, ObjectType) and node.interface):
            causes.append((f"Type {show(node)} is not persistable", None))
        elif isinstance(node, IntersectType):
            inner = [unpersistable(m, lookup) for m in node.members]
            if all(inner):
                causes.extend(c for cs in inner for c in cs)
        elif isinstance(node, Name):
            kind = doc_type(node.name, lookup)
            if node.name == "Ref":
                return
            if kind:
                ref_error(node, node.name[4:] if kind == "null" else node.name)
            elif node.name in SCALARS or node.name == "Array":
                for arg in node.args:
                    go(arg)
            else:
                causes.append((f"Type {show(node)} is not persistable", None))
        elif isinstance(node, (ObjectType, TupleType)):
            for child in _children(node):
                go(child)
        elif isinstance(node, Nullable):
            go(UnionType((node.base, Name("Null"))))
        elif isinstance(node, UnionType):
            union(node)

    def union(node: UnionType) -> None:
        # A document type is persistable only with its null document type (or EmptyRef) beside it.
        docs: dict[str, t.Any] = {}
        nulls: dict[str, t.Any] = {}
        for member in _flatten(node):
            kind = doc_type(member.name, lookup) if isinstance(member, Name) and not member.args else None
            if kind == "doc":
                docs[member.name] = member
            elif kind == "null":
                nulls[member.name[4:]] = member
            elif isinstance(member, Name) and member.name == "EmptyRef" and member.args:
                arg = member.args[0]
                if isinstance(arg, Name) and doc_type(arg.name, lookup) == "doc":
                    nulls[arg.name] = member
                else:
                    go(member)
            else:
                go(member)
        for coll, member in docs.items():
            if coll not in nulls:
                ref_error(member, coll)
        for coll, member in nulls.items():
            if coll not in docs:
                ref_error(member, coll)

    go(texpr)
    return causes


def _flatten(node: UnionType) -> list:
    out = []
    for member in node.members:
        if isinstance(member, UnionType):
            out.extend(_flatten(member))
        elif isinstance(member, Nullable):
            out.extend(_flatten(UnionType((member.base, Name("Null")))))
        else:
            out.append(member)
    return out
