"""How the CLI and the REPL show results (shell notation or v4 JSON) and errors (code, position, caret)."""

from __future__ import annotations

import json
import re
import unicodedata
import typing as t

from .. import ast, stack
from ..errors import FQLError, ParseError
from ..eval import registry
from ..render import to_fql, to_fql10
from ..wire.v4 import to_json, wire_args

#: The result formats: FQL notation (v4 shell or v10), v4 wire JSON, v10 tagged or simple JSON, or v10's
#: decorated text (what `X-Format: decorated` answers: FQL over several lines).
FORMATS = ("fql", "json", "tagged", "simple", "decorated")


class FormatError(Exception):
    """A result the chosen format has no form for (a v10 document in v4 JSON): the user's to change, not a bug."""


def result_text(value: t.Any, fmt: str = "fql", syntax: str = "v4") -> str:
    """One result on one line: `{ a: 1 }`, `{"a":1}`, or `{"a":{"@int":"1"}}`; decorated, on several. A
    value nested deeper than this thread's stack can print is printed on a deep thread (fql/stack.py)."""
    try:
        return _result_text(value, fmt, syntax)
    except RecursionError:
        if stack.is_deep():
            raise
        return stack.run_deep(lambda: _result_text(value, fmt, syntax))


def _result_text(value: t.Any, fmt: str, syntax: str) -> str:
    if fmt == "decorated":
        from ..wire import v10

        return v10.to_decorated(value)
    if fmt == "json":
        try:
            encoded = to_json(value)
        except FQLError as err:
            raise FormatError(f"{err.description} Use the tagged, simple or decorated format for v10 results.") from None
        return json.dumps(encoded, separators=(",", ":"), ensure_ascii=False)
    if fmt in ("tagged", "simple"):
        from ..wire import v10

        encode = v10.to_tagged if fmt == "tagged" else v10.to_simple
        return json.dumps(encode(value), separators=(",", ":"), ensure_ascii=False)
    return to_fql10(value) if syntax == "v10" else to_fql(value)


def failure_lines(err: FQLError) -> list[str]:
    """An error's constraint failures as core lists them under its message (`constraint failures:`, then
    `  field: description` each)."""
    lines = ["constraint failures:"] if err.failures else []
    for failure in err.failures or ():
        paths = failure.get("paths") or [failure.get("field") or []]
        # A failure of no field may have a label (a v4 unique index's name).
        where = ",".join(path_text(p) for p in paths if p) or failure.get("label", "")
        # A failure over several lines (a parse error in a body or signature) continues indented by four more.
        message = str(failure.get("description", "")).replace("\n", "\n      ")
        lines.append(f"  {where}: {message}" if where else f"  {message}")
    return lines


def summary(err: FQLError, source: str, kind: str = "error") -> str:
    """Fauna's v10 error summary: the message, `at *query*:line:col`, the source line and carets (a check
    warning's, with `kind` "warning")."""
    lines = [f"{kind}: {err.description}", *failure_lines(err)]
    places = [(name or "query", text, span) for name, text, span in getattr(err, "frames", ())]
    if err.span is not None:
        places.append(("query", None, err.span))
    places = [(name, source if text is None else text, span) for name, text, span in places if span.line]
    hints = [h for h in getattr(err, "hints", ()) if h[3].line and len(h) == 4]
    if not places and hints and err.span is not None:
        # An error placed where the query does not show (a user function's body) and hinted in it: core's
        # `at <no source>` (FQL2UserFunctionSpec "null spans shouldn't get filtered").
        lines.append("at <no source>")
        for message, name, text, span in hints:
            lines.append(f"hint: {message}")
            lines.extend(_place((name, source if text is None else text, span), None))
    if not places:
        return "\n".join(lines)
    # A later place on the first one's line of the same source leaves out its `at` line, as core renders
    # a hint or a trace on its parent's line.
    first = places[0]
    lines.extend(_place(first, None))
    for message, name, text, span, *suggestion in getattr(err, "hints", ()):
        if not span.line and name is None:
            # A hint in a source core shows none of (a user function's internal signature).
            lines.extend((f"hint: {message}", "at <no source>"))
        elif span.line:
            lines.append(f"hint: {message}")
            if suggestion:
                lines.extend(_suggest(source if text is None else text, span, suggestion[0], first[2]))
                continue
            lines.extend(_place((name, source if text is None else text, span), first))
    for message, span, *under in getattr(err, "causes", ()):
        lines.append(f"cause: {message}")
        lines.extend(_place(("query", source, span), first))
        # A cause's own hints, right after it (core's TypeError.hints: each cause, then its hints).
        for hint, hint_span, *suggestion in under[0] if under else ():
            lines.append(f"hint: {hint}")
            if suggestion:
                lines.extend(_suggest(source, hint_span, suggestion[0], first[2]))
            else:
                lines.extend(_place(("query", source, hint_span), first))
    for i, place in enumerate(places[1:]):
        if i == 0 and getattr(err, "hints", ()):
            lines.append("trace:")
        lines.extend(_place(place, first))
    return "\n".join(lines)


def _place(place: tuple[str, str, t.Any], parent: tuple[str, str, t.Any] | None) -> list[str]:
    name, text, span = place
    same_line = parent is not None and parent[0] == name and parent[2].line == span.line
    where = [f"at *{name}*:{span.line}:{column16(text, span.line, span.column)}"]
    return ([] if same_line else where) + span_lines(text, span)


def _suggest(text: str, span: t.Any, insert: str, parent: t.Any) -> list[str]:
    """A hint suggesting text to insert at `span`'s start, as core renders an Add hint: the line with the
    text in it, marked with `+` under what was added (no `at` line on its parent's line)."""
    lines = text.split("\n")
    row = lines[span.line - 1]
    lines[span.line - 1] = row[: span.column - 1] + insert + row[span.column - 1 :]
    added = type(span)(span.line, span.column, span.start, span.start + len(insert), span.line, span.column + len(insert))
    where = [] if parent.line == span.line else [f"at *query*:{span.line}:{column16(text, span.line, span.column)}"]
    return where + span_lines("\n".join(lines), added, mark="+")


def log_summary(line: t.Any, source: str) -> str:
    """A `log()` line as core's summary shows it, `info at *query*:1: text`; a `dbg()` line with its
    source line under `info: text`. A line from a source fql does not name shows its text alone."""
    span = line.span
    if line.src is None or span is None or not span.line:
        return line.message
    if not line.long:
        return f"info at *{line.src}*:{span.line}: {line.message}"
    text = line.source if line.source is not None else source
    where = f"{line.name}: {line.message}\nat *{line.src}*:{span.line}:{column16(text, span.line, span.column)}\n"
    return where + "\n".join(span_lines(text, span))


def span_lines(source: str, span: t.Any, mark: str = "^") -> list[str]:
    """The source under a span, marked as core marks it: carets under one line; a span over several lines
    drawn from its first character to its last with `_` and `|` (`  ____^` ... `|__^`). Widths count UTF-16
    units, as core's (Java) strings do: an emoji takes two carets."""
    last = span.end_line if span.end_line >= span.line else span.line
    gutter = " " * len(str(last))
    if last == span.line:
        text = _line(source, span.line)
        # A span running past its line's end (to the next, or past the text) marks one more for each.
        end = span.end_column if span.end_line == span.line else len(text) + 2
        width = max(utf16(text[span.column - 1 : end - 1]) + max(end - 1 - len(text), 0), 1)
        return [
            f"{gutter} |",
            f"{span.line:>{len(gutter)}} | {text}",
            f"{gutter} | {' ' * (column16(source, span.line, span.column) - 1)}{mark * width}",
            f"{gutter} |",
        ]
    out = [f"{gutter} |", f"{span.line:>{len(gutter)}} |   {_line(source, span.line)}"]
    out.append(f"{gutter} |  {'_' * column16(source, span.line, span.column)}^")
    for number in range(span.line + 1, last + 1):
        out.append(f"{number:>{len(gutter)}} | | {_line(source, number)}")
    out.append(f"{gutter} | |{'_' * max(column16(source, last, span.end_column) - 1, 0)}^")
    out.append(f"{gutter} |")
    return out


def utf16(text: str) -> int:
    """How many UTF-16 units `text` takes (a character past U+FFFF takes two)."""
    return len(text) + sum(1 for c in text if ord(c) > 0xFFFF)


def column16(source: str, line: int, column: int) -> int:
    """A 1-based column in characters on `line` of `source`, counted in UTF-16 units as core counts it."""
    return utf16(_line(source, line)[: column - 1]) + 1


def path_text(path: t.Sequence) -> str:
    """A constraint failure's path as core shows it: `indexes.foo.terms[0].field`."""
    out = ""
    for step in path:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else str(step))
    return out


def error_text_v10(err: FQLError, source: str) -> str:
    """A v10 error: `<code>: <message>` and the summary (of every type error the check found)."""
    if isinstance(err, ParseError):
        # As Fauna's v10 API answers a query its parser rejects: the count, then each error's summary.
        found = [err, *err.more]
        count = f"{len(found)} validation check{'s' if len(found) > 1 else ''}"
        return f"{err.v10_code}: The query failed {count}\n" + "\n\n".join(summary(e, source) for e in found)
    found = getattr(err, "checks", [err])
    return f"{err.v10_code}: {err.description}\n" + "\n\n".join(summary(e, source) for e in found)


_UNBOUND = re.compile(r"Unbound variable `([A-Za-z_][A-Za-z0-9_]*)`")


def auto_syntax_note(err: FQLError, unit: str = "files") -> str | None:
    """fql's note under a v10 error of a text `--syntax auto` read as v10 that calls a v4 function by its
    name (`Add(1, 2)` beside `Collection.create(...)`): the whole text is read in one syntax, which the
    bare `Unbound variable` does not say. None when the error is not that."""
    registry.load()
    for check in getattr(err, "checks", None) or [err]:
        found = _UNBOUND.fullmatch(getattr(check, "description", "") or "")
        builtin = registry.lookup(found.group(1)) if found else None
        if builtin is not None and builtin.name == found.group(1):
            return (
                f"note: the auto syntax read the whole text as FQL v10, where `{builtin.name}` is not a function (it is "
                f"FQL v4's); put v4 and v10 queries in separate {unit}, or choose v4"
            )
    return None


def error_text(err: FQLError, source: str = "", node: ast.Node | None = None) -> str:
    """`<code>: <description>`, the v4 position, and the source line with a caret under the culprit."""
    if isinstance(err, ParseError):
        head = f"{err.code}: {err.detail}\n  at line {err.line}, column {err.column}"
        return head + "\n" + _caret(err.line, err.source_line, err.column, err.column + 1)
    lines = [f"{err.code}: {err.description}"]
    if err.position:
        lines.append(f"  at position {json.dumps(list(err.position), ensure_ascii=False)}")
    span = locate(node, err.position).span if node is not None else ast.NO_SPAN
    if span.line and source:
        end = span.end_column if span.end_line == span.line else None
        lines.append(_caret(span.line, _line(source, span.line), span.column, end))
    for failure in err.failures or ():
        field = json.dumps(failure.get("field", []), ensure_ascii=False)
        lines.append(f"  {field}: {failure.get('code')}: {failure.get('description')}")
    for cause in err.cause or ():
        lines.append("  caused by " + error_text(cause).replace("\n", "\n  "))
    return "\n".join(lines)


def _line(source: str, number: int) -> str:
    lines = source.splitlines()
    return lines[number - 1] if 0 < number <= len(lines) else ""


#: How much of a long line a v4 error shows around its caret (a minified file's one line can be megabytes).
CARET_CONTEXT = 60


def _caret(number: int, text: str, column: int, end: int | None) -> str:
    """`  3 | Add(1, "a")` over `    |        ^^^` (from `column` to `end`, or to the end of the line); of a
    line longer than the terminal could show, `CARET_CONTEXT` characters either side of the caret, `...`
    where it is cut."""
    gutter = f"  {number} | "
    width = max((end or len(text) + 1) - column, 1)
    if len(text) > 4 * CARET_CONTEXT:
        start = max(column - 1 - CARET_CONTEXT, 0)
        stop = min(column - 1 + min(width, CARET_CONTEXT) + CARET_CONTEXT, len(text))
        head, tail = ("..." if start else ""), ("..." if stop < len(text) else "")
        width = min(width, stop - (column - 1))
        text, column = head + text[start:stop] + tail, column - start + len(head)
    # The caret lines up on a terminal: a wide character (日, 🎉) takes two columns, a combining one none,
    # and a tab in the line is a tab under it.
    pad = "".join("\t" if c == "\t" else " " * _columns(c) for c in text[: column - 1])
    marked = text[column - 1 : column - 1 + width]
    marks = max(sum(_columns(c) for c in marked) + width - len(marked), 1)  # past the line's end: one each
    return f"{gutter}{text}\n{' ' * (len(gutter) - 2)}| {pad}{'^' * marks}"


def _columns(char: str) -> int:
    """How many terminal columns `char` takes."""
    if unicodedata.combining(char) or char in "\u200b\u200d\ufe0f":
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def locate(node: ast.Node, position: t.Iterable[str | int]) -> ast.Node:
    """The deepest node with a source span along a v4 error `position` (`["add", 1]` -> the second argument)."""
    found = node
    current: ast.Node | None = node
    for step in position:
        current = _child(current, step)
        if current is None:
            break
        if current.span.line:
            found = current
    return found


def _child(node: ast.Node, step: str | int) -> ast.Node | None:
    if isinstance(node, ast.Array):
        return node.items[step] if isinstance(step, int) and 0 <= step < len(node.items) else None
    if isinstance(node, ast.Object):
        # Object literals put their fields under "object"; Let bindings name them directly.
        return node if step == "object" else dict(node.pairs).get(step)
    if isinstance(node, ast.Form):
        return dict(node.pairs).get(step)
    if isinstance(node, ast.Call) and isinstance(step, str):
        return _argument(node, step)
    return None


def _argument(call: ast.Call, key: str) -> ast.Node | None:
    fn = registry.lookup(call.name)
    if fn is None:
        return None
    args = call.args
    if key in fn.options and args and isinstance(args[-1], ast.Object):
        return dict(args[-1].pairs).get(key)
    args = wire_args(fn, args)
    if key not in fn.keys:
        return None
    i = fn.keys.index(key)
    if fn.varargs and i == len(fn.keys) - 1:
        rest = args[i:]
        # Several varargs are addressed as [key, n]: an array without a span of its own.
        return rest[0] if len(rest) == 1 else ast.Array(rest)
    return args[i] if i < len(args) else None
