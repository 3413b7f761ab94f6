"""FSL errors as core renders them: `error: <message>`, `at <file>:<line>:<col>`, the source marked under
the span (a bracket of `_` and `|` for a span over lines), then each hint the same way."""

from __future__ import annotations

from attrs import field, frozen

from ..errors import FQLError


@frozen
class Diagnostic:
    """One error: core's message, the character offsets [start, end) it marks, what follows the carets,
    and hints (`Originally defined here`), each a Diagnostic of its own."""

    message: str
    start: int
    end: int
    annotation: str | None = None
    hints: tuple[Diagnostic, ...] = field(default=())
    #: A hint's suggested text for [start, end), drawn in (`+` under an insertion, `~` under a change, `-`
    #: under what "" removes), as core's Hint draws its suggestion.
    suggestion: str | None = None
    #: The file and text a hint points into, when not its parent's (the live side of a migration).
    source: tuple[str, str] | None = None
    #: What a hint is called when drawn under its parent (core's TypeError draws its causes as `cause:`).
    label: str = "hint"

    def render(
        self, text: str, file: str, name: str = "error", parent_line: int | None = None, parent_file: str | None = None
    ) -> str:
        """Core's Diagnostic.renderWithSource; a hint on its parent's line (of the same file) leaves out its
        `at` line."""
        own_file, own_text = self.source or (file, text)
        start, end, underline = self.start, self.end, "^" if self.suggestion != "" else "-"
        if self.suggestion:
            own_text = own_text[:start] + self.suggestion + own_text[end:]
            underline = "+" if start == end else "~"
            end = start + len(self.suggestion)
        marked, line, column = annotate(own_text, start, end, self.annotation or "", underline)
        out = [f"{name}: {self.message}"]
        if parent_line != line or parent_file not in (None, own_file):
            out.append(f"at {own_file}:{line}:{column}")
        out.append(marked)
        for hint in self.hints:
            out.append(hint.render(text, file, hint.label, line, file))
        return "\n".join(out)


class FSLError(FQLError):
    """FSL that does not parse, or states something core refuses (a duplicate, an unknown member...):
    `errors` holds each error rendered as core renders it, `diagnostics` the same errors as data."""

    v4_code, v10_code, status = "invalid expression", "invalid_schema", 400

    def __init__(self, diagnostics: list[Diagnostic], text: str, file: str):
        self.diagnostics = diagnostics
        self.file = file
        #: Each error as core renders it against the file's text.
        self.errors = [d.render(text, file) for d in diagnostics]
        super().__init__("\n".join(self.errors))

    def __str__(self) -> str:
        return self.description


def annotate(text: str, start: int, end: int, message: str = "", underline: str = "^") -> tuple[str, int, int]:
    """The source under [start, end) marked as core's Span.annotateWithLineColNumber marks it (no context
    lines), with the 1-based line and column of `start`. A span past the text's end marks its last line.
    `underline` marks a line (and starts a bracket over lines, which `^` ends). A query template's value
    (a NUL, then `value>`) shows as `<value>`."""
    trimmed = text.rstrip()
    if start > len(trimmed):
        shift = start - len(trimmed)
        return annotate(trimmed, start - shift, end - shift, message, underline)
    lines = (trimmed or " ").splitlines(keepends=True)
    index = min(text.count("\n", 0, start), len(lines) - 1)
    scanned = sum(len(line) for line in lines[:index])
    length = end - start
    rows: list[tuple[str, str, str]] = []
    line = lines[index]
    indent = start - scanned
    number, column = index + 1, indent + 1
    rows.append((f"{number} | ", "", _shown(line)))
    if not (indent + length > len(line) and index + 1 < len(lines)):
        rows.append(("| ", "", " " * indent + underline * length + (" " + message if message else "")))
    else:
        rows.append(("| ", " _", "_" * indent + underline))
        remaining = length - (len(line) - indent)
        following = index + 1
        while remaining > 0:
            line = lines[following]
            rows.append((f"{following + 1} | ", "| ", _shown(line)))
            following += 1
            if remaining - len(line) <= 0 or following >= len(lines):
                rows.append(("| ", "|_", "_" * (remaining - 1) + "^"))
                break
            remaining -= len(line)
    rows = [("| ", "", ""), *rows, ("| ", "", "")]
    prefix = max(len(p) for p, _, _ in rows)
    gutter = max(len(g) for _, g, _ in rows)
    marked = "\n".join(f"{p:>{prefix}}{g:>{gutter}}{s}".rstrip() for p, g, s in rows)
    return marked, number, column


def _shown(line: str) -> str:
    """A source line as core shows it: the NUL of a template sigil as `<` (core's TemplateSigil)."""
    return line.replace("\0", "<")
