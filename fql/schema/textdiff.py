"""Text output for schema diffs: a writer with indentation and ANSI colour (core's ColorBuilder), and the
line diff of two files in hunks (core's DiffRender.renderFileDiff over java-diff-utils' DiffRowGenerator)."""

from __future__ import annotations

import re

from attrs import frozen

#: The ANSI foreground codes of the colours core's diffs use.
ANSI = {"green": "32", "red": "31", "yellow": "33", "blue": "34", "cyan": "36"}


class Writer:
    """Core's ColorBuilder and DiffRender's writer: text with indentation, and colour changes that are
    emitted (as few codes as will do) only when the next text is; with `color` off, text only."""

    def __init__(self, color: bool):
        self.color = color
        self.parts: list[str] = []
        self.fg = "default"
        self.bold_on = False
        self.next_fg: str | None = None
        self.next_bold: bool | None = None
        self.pending = False
        self.indent_level = 0
        self.needs_indent = False

    def select(self, color: str) -> None:
        self.next_fg, self.pending = color, True

    def bold(self) -> None:
        self.next_bold, self.pending = True, True

    def reset(self) -> None:
        self.next_fg, self.next_bold, self.pending = "default", False, True

    def _apply(self) -> None:
        if not (self.color and self.pending):
            return
        fg = self.fg if self.next_fg is None else self.next_fg
        bold = self.bold_on if self.next_bold is None else self.next_bold
        if (fg, bold) != (self.fg, self.bold_on):
            args = []
            if fg == "default" and self.fg != "default":
                args.append("0")
                if bold:
                    args.append("1")
            else:
                if bold != self.bold_on:
                    args.append("1" if bold else "22")
                if fg != self.fg:
                    args.append(ANSI[fg])
            self.parts.append("\x1b[" + ";".join(args) + "m")
            self.fg, self.bold_on = fg, bold
        self.next_fg, self.next_bold, self.pending = None, None, False

    def append(self, text: str) -> None:
        self._apply()
        self.parts.append(text)

    def write(self, text: str) -> None:
        if self.needs_indent and text:
            self.append(" " * self.indent_level)
        self.append(text)
        self.needs_indent = False

    def writeln(self, text: str = "") -> None:
        self.write(text)
        self.write("\n")
        self.needs_indent = True

    def result(self) -> str:
        return "".join(self.parts)

    def line(self, color: str, text: str) -> None:
        """A line in a colour."""
        self.select(color)
        self.write(text)
        self.reset()
        self.writeln()


# -- the line diff of a file ---------------------------------------------------------------------------


def write_file_diff(out: Writer, before: str, after: str) -> None:
    """Core's renderFileDiff: the rows of the line diff in hunks, each under `@ line <from> to <to>` (the
    after file's lines), with three unchanged lines around its changes; seven unchanged lines end it."""
    rows = _diff_rows(_lines(before), _lines(after))
    row, after_line = 0, 0
    while row < len(rows):
        distance = 0
        while row + distance < len(rows) and rows[row + distance][0] == "equal":
            distance += 1
        hunk_rows = hunk_lines = unchanged = 0
        for tag, _, _ in rows[row + distance :]:
            if tag == "equal":
                unchanged += 1
            else:
                hunk_rows += unchanged + 1
                hunk_lines += unchanged + (tag != "delete")
                unchanged = 0
            if unchanged >= _SPLIT_AFTER:
                break
        if hunk_rows == 0:
            return
        start_row = max(row + distance - _CONTEXT, 0)
        end_row = min(row + distance + hunk_rows + _CONTEXT, len(rows))
        start_line = max(after_line + distance - _CONTEXT, 0)
        # Core bounds the last line by the number of rows, not of lines.
        end_line = min(after_line + distance + hunk_lines + _CONTEXT, len(rows))
        out.line("cyan", f"@ line {start_line + 1} to {end_line}")
        for one in rows[start_row:end_row]:
            _write_row(out, one)
        row, after_line = end_row, end_line


def _write_row(out: Writer, row: tuple[str, str, str]) -> None:
    tag, old, new = row
    if tag in ("delete", "change"):
        out.select("red")
        _write_prefixed(out, "-", old)
    if tag in ("insert", "change"):
        out.select("green")
        _write_prefixed(out, "+", new)
    if tag == "equal":
        _write_prefixed(out, " ", old)


def _write_prefixed(out: Writer, prefix: str, line: str) -> None:
    if line:
        out.write(f"{prefix} {line}")
    elif prefix != " ":
        out.write(prefix)
    out.reset()
    out.writeln()


#: Core's textual diff: unchanged lines shown around a hunk, and how many unchanged lines split two.
_CONTEXT = 3
_SPLIT_AFTER = 7


def _lines(text: str) -> list[str]:
    """Scala's linesIterator: lines split at \\n, \\r\\n or \\r; a last line break ends no empty line."""
    lines = re.split(r"\r\n|\r|\n", text)
    return lines[:-1] if lines and lines[-1] == "" else lines


def _diff_rows(old: list[str], new: list[str]) -> list[tuple[str, str, str]]:
    """java-diff-utils' DiffRowGenerator rows (tag, old line, new line) over its Myers diff: the deltas it
    finds, each a run of `change` rows (pairs, the shorter side padded with ""), `insert`s or `delete`s,
    with `equal` rows between."""
    rows: list[tuple[str, str, str]] = []
    at = 0
    for kind, o0, o1, n0, n1 in _myers(old, new):
        rows += [("equal", line, line) for line in old[at:o0]]
        if kind == "insert":
            rows += [("insert", "", line) for line in new[n0:n1]]
        elif kind == "delete":
            rows += [("delete", line, "") for line in old[o0:o1]]
        else:
            size = max(o1 - o0, n1 - n0)
            olds, news = old[o0:o1], new[n0:n1]
            rows += [
                ("change", olds[j] if j < len(olds) else "", news[j] if j < len(news) else "") for j in range(size)
            ]
        at = o1
    rows += [("equal", line, line) for line in old[at:]]
    return rows


@frozen
class _PathNode:
    i: int
    j: int
    snake: bool
    bootstrap: bool
    prev: _PathNode | None


def _node(i: int, j: int, snake: bool, bootstrap: bool, prev: _PathNode | None) -> _PathNode:
    """java-diff-utils' PathNode: a diagonal step links its predecessor; any other its last snake."""
    if not snake and prev is not None:
        prev = _previous_snake(prev)
    return _PathNode(i, j, snake, bootstrap, prev)


def _previous_snake(node: _PathNode | None) -> _PathNode | None:
    while node is not None:
        if node.bootstrap:
            return None
        if node.snake or node.prev is None:
            return node
        node = node.prev
    return None


def _myers(old: list[str], new: list[str]) -> list[tuple[str, int, int, int, int]]:
    """java-diff-utils' MyersDiff (its buildPath, then buildRevision), so that a change is split into
    deltas where it splits them: (kind, old start, old end, new start, new end), in order."""
    n, m = len(old), len(new)
    limit = n + m + 1
    middle = (1 + 2 * limit) // 2
    diagonal: dict[int, _PathNode] = {middle + 1: _node(0, -1, True, True, None)}
    path = None
    for d in range(limit):
        for k in range(-d, d + 1, 2):
            kmiddle = middle + k
            if k == -d or (k != d and diagonal[kmiddle - 1].i < diagonal[kmiddle + 1].i):
                i = diagonal[kmiddle + 1].i
                prev = diagonal[kmiddle + 1]
            else:
                i = diagonal[kmiddle - 1].i + 1
                prev = diagonal[kmiddle - 1]
            diagonal.pop(kmiddle - 1, None)
            j = i - k
            node = _node(i, j, False, False, prev)
            while i < n and j < m and old[i] == new[j]:
                i, j = i + 1, j + 1
            if i != node.i:
                node = _node(i, j, True, False, node)
            diagonal[kmiddle] = node
            if i >= n and j >= m:
                path = node
                break
        if path is not None:
            break
    deltas = []
    if path is not None and path.snake:
        path = path.prev
    while path is not None and path.prev is not None and path.prev.j >= 0:
        i, j = path.i, path.j
        path = path.prev
        ianchor, janchor = path.i, path.j
        if ianchor == i and janchor != j:
            kind = "insert"
        elif ianchor != i and janchor == j:
            kind = "delete"
        else:
            kind = "change"
        deltas.append((kind, ianchor, i, janchor, j))
        if path.snake:
            path = path.prev
    return sorted(deltas, key=lambda one: one[1])
