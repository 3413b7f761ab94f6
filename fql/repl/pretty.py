"""Results for people: long values broken over indented lines, long pages cut short, colours on a terminal."""

from __future__ import annotations

import re
import shutil
import typing as t

from attrs import define, frozen
from pygments import highlight
from pygments.console import ansiformat
from pygments.formatters import TerminalFormatter
from pygments.lexers.data import JsonLexer

from .. import stack
from ..render import to_fql, to_fql10
from ..values import Page
from .lexer import lexer_for

#: How many elements of a page's data the REPL shows; the rest is summed up as `... (N more)`.
PAGE_PREVIEW = 10
#: Indentation of each level of a broken value.
INDENT = 2


@frozen
class Display:
    """How the REPL shows results: one line each (scripts), or pretty, compact and coloured (a terminal)."""

    pretty: bool = False
    colour: bool = False
    #: Line width for `pretty` (None: the terminal's width when printing).
    width: int | None = None
    page_preview: int = PAGE_PREVIEW

    def columns(self) -> int:
        return self.width or shutil.get_terminal_size((100, 24)).columns


class _More:
    """Stands for the elements of a page left out; renders as `... (N more)` in both notations."""

    def __init__(self, count: int):
        self.count = count

    def __repr__(self) -> str:
        return f"... ({self.count} more)"


def shorten(value: t.Any, preview: int = PAGE_PREVIEW) -> t.Any:
    """`value` with each page's data cut to its first `preview` elements and a `... (N more)` marker."""
    if isinstance(value, Page):
        data = [shorten(v, preview) for v in value.data[:preview]]
        if len(value.data) > preview:
            data.append(_More(len(value.data) - preview))
        return value.evolve(data)
    if isinstance(value, list):
        return [shorten(v, preview) for v in value]
    if type(value) is dict:
        return {k: shorten(v, preview) for k, v in value.items()}
    return value


def pretty(value: t.Any, syntax: str = "v4", width: int = 100, preview: int = PAGE_PREVIEW) -> str:
    """FQL notation (v4 shell or v10) for `value`, broken over indented lines where a line would pass `width`.
    A value nested deeper than this thread's stack can print is printed on a deep thread (fql/stack.py)."""
    try:
        return _pretty(value, syntax, width, preview)
    except RecursionError:
        if stack.is_deep():
            raise
        return stack.run_deep(lambda: _pretty(value, syntax, width, preview))


def _pretty(value: t.Any, syntax: str, width: int, preview: int) -> str:
    text = (to_fql10 if syntax == "v10" else to_fql)(shorten(value, preview))
    return layout(text, width)


def colour(text: str, syntax: str) -> str:
    """`text` in terminal colours, lexed as FQL (`v4`/`v10`) or as JSON (`json`)."""
    lexer = (JsonLexer if syntax == "json" else lexer_for(syntax))(ensurenl=False, stripnl=False)
    return highlight(text, lexer, TerminalFormatter())


def colour_error(text: str) -> str:
    """An error report with its first line (`code: description`) in bold red."""
    head, newline, rest = text.partition("\n")
    return ansiformat("*red*", head) + newline + rest


# -- layout: the one-line text, cut at the commas of its brackets ----------------------------------------

#: Pieces of rendered text: strings, comments, brackets, commas, and runs of anything else.
_PIECE = re.compile(r"\"(?:\\.|[^\"\\])*\"|'(?:\\.|[^'\\])*'|/\*[\s\S]*?\*/|[\[\](){},]|[^\[\](){},\"'/]+|[\s\S]")
_CLOSE = {"(": ")", "[": "]", "{": "}"}
_MORE = re.compile(r"\.\.\. \(\d+ more\)")


@define
class _Group:
    """A bracketed part of the text: its items (split at its own commas), each a list of pieces."""

    open: str
    items: list[list[t.Any]]
    close: str = ""

    def flat(self) -> str:
        return self.open + ",".join(_flat(item) for item in self.items) + self.close


def _flat(pieces: list[t.Any]) -> str:
    return "".join(p if isinstance(p, str) else p.flat() for p in pieces)


def _parse(text: str) -> list[t.Any]:
    """The pieces of `text`, brackets nested as _Groups (unbalanced brackets stay plain text)."""
    root: list[t.Any] = []
    stack: list[tuple[_Group, list[t.Any]]] = []
    current = root
    for match in _PIECE.finditer(text):
        piece = match.group()
        if piece in _CLOSE:
            group = _Group(piece, [[]])
            current.append(group)
            stack.append((group, current))
            current = group.items[0]
        elif stack and piece == _CLOSE[stack[-1][0].open]:
            group, current = stack.pop()
            group.close = piece
        elif stack and piece == ",":
            stack[-1][0].items.append([])
            current = stack[-1][0].items[-1]
        else:
            current.append(piece)
    return root if not stack else [text]


def layout(text: str, width: int) -> str:
    """`text` as it is if it fits in `width`, else with its outer brackets opened one item per line."""
    if len(text) <= width:
        return text
    return "\n".join(_lines(_parse(text), 0, 0, width))


def _lines(pieces: list[t.Any], indent: int, column: int, width: int) -> list[str]:
    """Lines for `pieces` whose first line starts at `column`; the lines after it are indented by `indent`."""
    lines = [""]
    for i, piece in enumerate(pieces):
        text = piece if isinstance(piece, str) else piece.flat()
        start = column if len(lines) == 1 else 0
        fits = start + len(lines[-1]) + len(text) + len(_flat(pieces[i + 1 :])) <= width
        # Past half the width of indentation the rest stays on one line: a value nested thousands deep
        # would otherwise print indentation quadratic in its depth.
        if isinstance(piece, str) or fits or not _breakable(piece) or indent + INDENT > width // 2:
            lines[-1] += text
            continue
        lines[-1] += piece.open
        items = [_strip(item) for item in piece.items]
        if piece.open == "[" and all(_scalar(item) for item in items):
            lines.extend(_fill([_flat(item) for item in items], indent + INDENT, width))
            lines.append(" " * indent + piece.close)
            continue
        for n, item in enumerate(items):
            inner = _lines(item, indent + INDENT, indent + INDENT, width)
            inner[-1] += "," if n < len(items) - 1 else ""
            lines.append(" " * (indent + INDENT) + inner[0])
            lines.extend(inner[1:])
        lines.append(" " * indent + piece.close)
    return lines


def _scalar(item: list[t.Any]) -> bool:
    """A number, string, boolean or null (one plain piece), or the `... (N more)` of a page."""
    return (len(item) == 1 and isinstance(item[0], str)) or _MORE.fullmatch(_flat(item)) is not None


def _fill(texts: list[str], indent: int, width: int) -> list[str]:
    """An array of scalars: as many on each line as fit."""
    lines: list[str] = []
    for n, text in enumerate(texts):
        text += "," if n < len(texts) - 1 else ""
        if lines and len(lines[-1]) + 1 + len(text) <= width:
            lines[-1] += " " + text
        else:
            lines.append(" " * indent + text)
    return lines


def _breakable(group: _Group) -> bool:
    return any(_flat(item).strip() for item in group.items)


def _strip(item: list[t.Any]) -> list[t.Any]:
    """An item without the spaces around it (`{ a: 1 }` has them inside its braces)."""
    item = list(item)
    if item and isinstance(item[0], str):
        item[0] = item[0].lstrip()
    if item and isinstance(item[-1], str):
        item[-1] = item[-1].rstrip()
    return [p for p in item if p != ""]
