"""Where things end in FSL text, without parsing them: FQL code (brackets, strings, comments, heredocs and
v10's newline rules), types, the text core skips after an unknown word, and field paths (`.a["b"][0]`,
`mva(.a)`), which it reads too."""

from __future__ import annotations

import re

from .. import ast
from ..errors import ParseError
from ..parse import parse_v10
from ..parse.v10 import _DROP_AFTER, _DROP_BEFORE, KEYWORDS
from . import display
from .nodes import Name, Term

IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_']*")
PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_NUMBER = re.compile(r"[0-9][0-9A-Za-z_]*(?:\.[0-9][0-9_]*)?(?:[eE][+-]?[0-9_]+)?")
_PUNCT = re.compile(r"=>|\?\.|\?\?|\|\||&&|==|!=|=~|!~|>=|<=|\*\*|\.\.\.|->|[-+*/%<>=!~|^&.,:;()\[\]{}?@#$]")
_HEREDOC = re.compile(r"<<[+-][ \t]*([A-Za-z_][A-Za-z0-9_]*)[ \t]*\r?\n")
_CLOSERS = {"(": ")", "[": "]", "{": "}", "<": ">"}
#: Type tokens after which a newline does not end the type (core reads on).
_TYPE_AFTER = frozenset(("|", "&", "=>", ":", ",", "<", "(", "[", "{", "..."))
_TYPE_BEFORE = frozenset(("|", "&", "=>", ")", "]", "}", ">", ","))
#: Type tokens that start a type of their own (a name, a literal, a tuple).
_ATOM = re.compile(r"[A-Za-z_0-9\"'(\[-]")


def offset(text: str, line: int, column: int) -> int:
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    return starts[min(max(line, 1), len(starts)) - 1] + max(column, 1) - 1


def comment_end(text: str, pos: int) -> int:
    """Past the `*/` closing the block comment at `pos` (they nest), or the end of the text."""
    depth = 0
    for mark in re.finditer(r"/\*|\*/", text[pos:]):
        depth += 1 if mark.group() == "/*" else -1
        if depth == 0:
            return pos + mark.end()
    return len(text)


class Code:
    """Finds where FQL code ends without parsing it: brackets, strings (with `#{}`), comments, heredocs,
    and v10's newline rules (a newline ends an expression unless an operator or opener comes before it,
    or a continuing token such as `.` or `else` after it)."""

    def __init__(self, text: str):
        self.text = text

    def end(self, pos: int, stop_at_comma: bool) -> int:
        """Where an expression that starts at `pos` ends (after its last token)."""
        return self._scan(pos, None, stop_at_comma)[0]

    def closing(self, pos: int) -> int | None:
        """The position of the `}` that closes a brace opened just before `pos`, or None."""
        end, at = self._scan(pos, "}", False)
        return at

    def _scan(self, pos: int, closer: str | None, stop_at_comma: bool) -> tuple[int, int | None]:
        text, stack, prev, last = self.text, [], None, pos
        while pos < len(text):
            char = text[pos]
            if char in " \t":
                pos += 1
            elif text.startswith("/*", pos):
                pos = comment_end(self.text, pos)
            elif text.startswith("//", pos):
                end = text.find("\n", pos)
                pos = len(text) if end < 0 else end
            elif char in "\r\n":
                nxt = self._next_token(pos)
                if closer is None and not stack and not self._continues(prev, nxt):
                    return last, None
                pos += 1
            elif char in "\"'":
                pos = self._string(pos)
                prev, last = "STRING", pos
            elif text.startswith("<<", pos) and _HEREDOC.match(text, pos):
                pos = self._heredoc(pos)
                prev, last = "STRING", pos
            else:
                token, end = self._token(pos)
                if not stack and (token == closer or (closer is None and token in (")", "]", "}"))):
                    return last, pos
                if not stack and closer is None and (token == ";" or (token == "," and stop_at_comma)):
                    return last, None
                if token in ("(", "[", "{"):
                    stack.append(prev in ("if", "at") and token == "(")
                    prev = token
                elif token in (")", "]", "}"):
                    prev = "COND" if stack and stack.pop() else token
                else:
                    prev = token if not IDENT.fullmatch(token) or token in KEYWORDS else "NAME"
                pos = last = end
        return last, None

    def _token(self, pos: int) -> tuple[str, int]:
        for pattern in (IDENT, _NUMBER, _PUNCT):
            m = pattern.match(self.text, pos)
            if m:
                return m.group(), m.end()
        return self.text[pos], pos + 1

    def _next_token(self, pos: int) -> str | None:
        m = re.compile(r"(?:\s|//[^\n]*|/\*.*?\*/)*", re.S).match(self.text, pos)
        if m.end() >= len(self.text):
            return None
        return self._token(m.end())[0]

    @staticmethod
    def _continues(prev: str | None, nxt: str | None) -> bool:
        if prev is None or nxt is None:
            return prev is None and nxt is not None
        return prev in _DROP_AFTER or prev == "COND" or nxt in _DROP_BEFORE


    def _string(self, pos: int) -> int:
        text, quote = self.text, self.text[pos]
        pos += 1
        while pos < len(text):
            char = text[pos]
            if char == "\\":
                pos += 2
            elif char == quote:
                return pos + 1
            elif quote == '"' and text.startswith("#{", pos):
                _, close = self._scan(pos + 2, "}", False)
                pos = len(text) if close is None else close + 1
            else:
                pos += 1
        return len(text)

    def _heredoc(self, pos: int) -> int:
        m = _HEREDOC.match(self.text, pos)
        closing = re.compile(rf"^[ \t]*{m.group(1)}(?![A-Za-z0-9_'])", re.M).search(self.text, m.end())
        return len(self.text) if closing is None else closing.end()


def type_tokens(text: str, start: int, end: int) -> list[str]:
    return [m.group() for m in re.finditer(r"=>|\.\.\.|\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'|\w+|\S", text[start:end])]


def type_end(text: str, pos: int, in_params: bool) -> int:
    """Where a type that starts at `pos` ends: at depth 0, before `=`, `,`, `;`, an unmatched closer, a
    `{` after a complete type (a function's body), or a newline that does not continue it."""
    token = re.compile(r"=>|\.\.\.|\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'|[A-Za-z_0-9][A-Za-z0-9_]*|-?[0-9]+|.")
    depth, prev, last = [], None, pos
    while pos < len(text):
        char = text[pos]
        if char in " \t":
            pos += 1
            continue
        if text.startswith("/*", pos) or text.startswith("//", pos):
            end = comment_end(text, pos) if text[pos + 1] == "*" else text.find("\n", pos)
            pos = len(text) if end < 0 else end
            continue
        if char in "\r\n":
            if depth:
                pos += 1
                continue
            nxt = re.compile(r"\s*(=>|\S)").match(text, pos)
            if prev in _TYPE_AFTER or (nxt and nxt.group(1) in _TYPE_BEFORE - {")", "]", "}", ">", ","}):
                pos += 1
                continue
            return last
        m = token.match(text, pos)
        tok = m.group()
        if not depth:
            if tok in ("=", ",", ";", ")", "]", "}", ">") or (in_params and tok == ":"):
                return last
            if tok == "{" and prev is not None and prev not in _TYPE_AFTER:
                return last
            if prev is not None and prev not in _TYPE_AFTER and prev not in ("?", "|", "&") and _ATOM.match(tok):
                return last  # two types side by side: the type ended before this one
        if tok in _CLOSERS:
            depth.append(_CLOSERS[tok])
        elif depth and tok == depth[-1]:
            depth.pop()
        prev, pos, last = tok, m.end(), m.end()
    return last


def invalid_end(text: str, pos: int) -> int:
    """Core's InvalidItem.invalidChars: to the end of the line (or `;`, or the `}` closing the block),
    skipping strings, comments and bracketed text."""
    stack: list[str] = []
    while pos < len(text):
        char = text[pos]
        if char in "\"'":
            pos += 1
            while pos < len(text) and text[pos] != char:
                pos += 2 if text[pos] == "\\" else 1
        elif text.startswith("//", pos):
            while pos < len(text) and text[pos] not in "\r\n":
                pos += 1
            continue
        elif text.startswith("/*", pos):
            pos = comment_end(text, pos) - 1
        elif char in "\r\n;}" and not stack:
            return pos
        elif char in "([{":
            stack.append(char)
        elif char in ")]" and stack:
            stack.pop()
        elif char == "}":
            if stack.pop() != "{":
                return pos
        pos += 1
    return pos


# -- field paths ---------------------------------------------------------------------------------------

_PATH_STEP = re.compile(r"\.([A-Za-z_][A-Za-z0-9_]*)|\.?\[[ \t]*(\d+|\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*')[ \t]*\]")
_CALL = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)[ \t]*\(")


_SPACE = re.compile(r"[ \t]*")
_BLANK = re.compile(r"\s*")


def path_end(text: str, pos: int) -> int:
    """Where the field path at `pos` ends: its steps may stand apart on the line (`.a .b` is `.a.b`, a
    method chain to core's expression parser)."""
    start = end = pos
    while True:
        m = _PATH_STEP.match(text, pos)
        if m is None or (pos == start and not m.group().startswith(".")):
            return end
        pos = end = m.end()
        pos = _SPACE.match(text, pos).end()


def _path(text: str, start: int, end: int) -> tuple[str | int, ...] | None:
    """The steps of the field path text[start:end], or None if it is not one. Blanks may stand between
    steps (core parses a path as an FQL method chain: `unique [.phone .email]` is `.phone.email`)."""
    steps: list[str | int] = []
    pos = start
    while pos < end:
        if steps:
            pos = _BLANK.match(text, pos, end).end()
        m = _PATH_STEP.match(text, pos, end)
        if m is None or (pos == start and not m.group().startswith(".")):
            return None
        if m.group(1) is not None:
            steps.append(m.group(1))
        elif m.group(2)[0] in "\"'":
            key = string_value(m.group(2))
            if key is None:
                return None
            steps.append(key)
        else:
            steps.append(int(m.group(2)))
        pos = m.end()
    return tuple(steps) if steps else None


def term(text: str, start: int, end: int, plain: bool = False) -> Term:
    """A `[...]` element: a field path, possibly in `mva(...)`, `asc(...)`, `desc(...)` (up to two)."""
    wrappers: list[Name] = []
    inner_start, inner_end = start, end
    while not plain:
        m = _CALL.match(text, inner_start, inner_end)
        if m is None or text[inner_end - 1] != ")":
            break
        wrappers.append(Name(m.group(1), m.start(1), m.end(1)))
        inner_start, inner_end = _trim(text, m.end(), inner_end - 1)
    path = _path(text, inner_start, inner_end)
    if path is None:
        problem = ("Invalid field path", *invalid_step(text, inner_start, inner_end))
        return Term((), tuple(wrappers), start, end, problem)
    return Term(path, tuple(wrappers), start, end)


def invalid_step(text: str, start: int, end: int) -> tuple[int, int]:
    """Where core's processFieldPathExpr says text[start:end] is no field path: at the first link of its
    chain that is no `.field` or `[key]` (`?.b`, `["#{x}"]`, `[-1]`, a call `.f()` with its field), or all
    of it when it is no chain of `.`, `[]`, `()` and `!` (`1 + 2`, `.a { b }`, `a`)."""
    try:
        # In parentheses, a leading `.` is a short lambda, as core reads the path.
        (node,) = parse_v10("(" + text[start:end] + ")").body
    except (ParseError, ValueError):
        return start, end
    links = []
    while isinstance(node, (ast.Member, ast.Index, ast.Apply, ast.NonNull)) or _this_lambda(node):
        if isinstance(node, ast.Arrow):
            node = node.body
            continue
        links.append(node)
        node = node.fn if isinstance(node, ast.Apply) else node.obj if hasattr(node, "obj") else node.expr
    if not (isinstance(node, ast.Ident) and node.name == ast.THIS) or not links:
        return start, end
    links.reverse()

    def link_end(link: ast.Node) -> int:
        # Less the `(` put before; the outermost link took the parentheses' span.
        return min(start + link.span.end - 1, end)

    link_start = start
    for i, link in enumerate(links):
        begin = _BLANK.match(text, link_start, end).end()
        called = i + 1 < len(links) and isinstance(links[i + 1], ast.Apply) and links[i + 1].fn is link
        if called and isinstance(link, ast.Member):
            return begin, link_end(links[i + 1])  # a method call: the field and its arguments
        if not _path_link(link):
            return begin, link_end(link)
        link_start = link_end(link)
    return start, end


def _this_lambda(node: ast.Node) -> bool:
    return isinstance(node, ast.Arrow) and node.params == (ast.THIS,)


def _path_link(node: ast.Node) -> bool:
    """A `.field`, or an index by a string or a non-negative integer literal."""
    if isinstance(node, ast.Member):
        return not node.optional
    if isinstance(node, ast.Index) and not node.optional and isinstance(node.key, ast.Literal):
        key = node.key.value
        return isinstance(key, str) or (type(key) is int and key >= 0)
    return False


def expression(text: str) -> ast.Node | None:
    """The one expression `text` is, or None if it is none."""
    try:
        (parsed,) = display.parse_kept(text).body
    except (ParseError, ValueError):
        return None
    return parsed


def string_value(token: str) -> str | None:
    """The text of a quoted string token, escapes resolved as v10 resolves them; None if it is no string."""
    node = expression(token)
    return node.value if isinstance(node, ast.Literal) and isinstance(node.value, str) else None


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
