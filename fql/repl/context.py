"""What the text before the cursor is, for completion: its v10 lexemes, the names its `let`s and lambdas
bind where the cursor is, the receiver before a dot, the call an argument belongs to.

Core's analyzer (ext/fql/shared/src/main/scala/analyzer/QueryContextCompletions.scala) walks the parsed
query; an entry being typed rarely parses, so this reads its lexemes and brackets instead.
"""

from __future__ import annotations

import re
import typing as t

from .lexer import V10_KEYWORDS

#: A name.
WORD = re.compile(r"[A-Za-z_$][\w$]*")

#: v10 lexemes: comments, strings, `=>`, names, numbers, and any other character.
_LEXEME = re.compile(
    r"//[^\n]*|/\*[\s\S]*?(?:\*/|$)|\"(?:\\.|[^\"\\])*\"?|'(?:\\.|[^'\\])*'?|=>|[A-Za-z_$][\w$]*|\d[\w.]*|\S"
)
#: Methods whose lambda argument takes one element of an array or a set (`.map(x => x.`).
_PER_ELEMENT = ("map", "flatMap", "where", "filter", "forEach", "firstWhere", "lastWhere", "every", "any",
                "none", "order", "distinct", "partition", "indexWhere", "lastIndexWhere")  # fmt: skip
#: Which parameters of a lambda given to a method of an array or a set are its elements, by the lambda's
#: argument index and its number of parameters, then the method: `.reduce((a, b) =>`, `.fold(0, (acc, x) =>`.
_ELEMENTS: dict[tuple[int, int], dict[str, tuple[int, ...]]] = {
    (0, 1): dict.fromkeys(_PER_ELEMENT, (0,)),
    (0, 2): {"reduce": (0, 1), "reduceRight": (0, 1)},
    (1, 2): {"fold": (1,), "foldRight": (1,)},
}
#: Keywords after which `{` opens a block, not a projection, and `(` no call.
BLOCK_AFTER = frozenset(("if", "else", "at", "match", "case", "let", "return"))


def lex(text: str) -> list[re.Match]:
    """The v10 lexemes of `text`, without its comments."""
    return [m for m in _LEXEME.finditer(text) if m.group()[:2] not in ("//", "/*")]


def after_if(before: str) -> bool:
    """True if the statement the cursor is in, at its bracket's level, is an `if (...)` and its branch."""
    lexemes = lex(before)
    j = len(lexemes)
    while j > 0:
        j -= 1
        token = lexemes[j].group()
        if token in ")]}":
            closing, j = j, matching(lexemes[: j + 1])
            if token == ")" and j and lexemes[j - 1].group() == "if":
                return closing + 1 < len(lexemes)  # the condition and something after it
        elif token in "([{;," or token == "else":
            return False
    return False


def argument(before: str) -> tuple[str, tuple[t.Any, ...]]:
    """What the cursor's expression is expected to be, as core's analyzer ranks by it: an `if`'s
    condition, `("if",)`; an `at`'s time, `("at",)`; a call's argument, its callee and `(index,)`; else
    `("", ())`."""
    lexemes = lex(before)
    call = unclosed(lexemes, len(lexemes))
    if call is None or lexemes[call].group() != "(" or not call:
        return "", ()
    if lexemes[call - 1].group() in ("if", "at"):
        return "", (lexemes[call - 1].group(),)
    if len(lexemes) > call + 1 and lexemes[-1].group() != ",":
        return "", ()
    index = sum(lexemes[j].group() == "," and unclosed(lexemes, j) == call for j in range(call + 1, len(lexemes)))
    previous = lexemes[call - 1].group()
    if not (WORD.fullmatch(previous) and previous not in BLOCK_AFTER) and previous not in (")", "]", "!"):
        return "", ()
    return receiver(before[: lexemes[call].start()]), (index,)


def scope(text: str) -> dict[str, str | None]:
    """The names the entry binds that are visible at its end, each with the text of its value.

    As core's analyzer walks blocks (QueryContextCompletions: a block's `let`s are seen by its later
    statements, not outside it; a lambda's parameters by its body, `_` by none), but on the text alone: a
    `let` is in scope once its statement ends (`;` or a new line), a lambda's parameters until the `,`,
    `;` or bracket that ends the lambda.
    """
    lexemes = lex(text)
    #: One list of scopes per open bracket; a scope is (is_lambda, names).
    frames: list[list[tuple[bool, dict[str, str | None]]]] = [[(False, {})]]
    pending: list[tuple[int, str, int]] = []  # (depth, name, where its value starts)

    def settle(depth: int, end: int) -> None:
        for each in [p for p in pending if p[0] == depth and p[2] < end]:
            pending.remove(each)
            value = text[each[2] : end].strip()
            if value:
                frames[depth][0][1][each[1]] = value

    for i, lexeme in enumerate(lexemes):
        token, depth = lexeme.group(), len(frames) - 1
        if i and "\n" in text[lexemes[i - 1].end() : lexeme.start()]:
            settle(depth, lexemes[i - 1].end())
        if token in "([{":
            frames.append([(False, {})])
        elif token in ")]}":
            if depth:
                pending[:] = [p for p in pending if p[0] != depth]
                frames.pop()
        elif token in (",", ";"):
            settle(depth, lexeme.start())
            while frames[depth][-1][0]:
                frames[depth].pop()
        elif token == "let" and i + 1 < len(lexemes) and WORD.fullmatch(lexemes[i + 1].group()):
            equals = text.find("=", lexemes[i + 1].end())
            if equals >= 0 and text[equals + 1 : equals + 2] != ">":
                pending.append((depth, lexemes[i + 1].group(), equals + 1))
        elif token == "=>":
            frames[depth].append((True, _parameters(text, lexemes[:i])))
    if lexemes and "\n" in text[lexemes[-1].end() :]:
        settle(len(frames) - 1, lexemes[-1].end())
    return {name: value for frame in frames for _, names in frame for name, value in names.items()}


def _parameters(text: str, lexemes: list[re.Match]) -> dict[str, str | None]:
    """The parameters of the lambda whose `=>` follows `lexemes`; the one parameter of a lambda passed to a
    per-element method (`xs.map(x =>`) has for value an element of `xs` (which the typechecker types: core
    types a lambda's parameter from its call), else None."""
    if not lexemes:
        return {}
    if lexemes[-1].group() != ")":
        names = [lexemes[-1].group()] if WORD.fullmatch(lexemes[-1].group()) else []
        start = len(lexemes) - 1
    else:
        start = matching(lexemes)
        inside = lexemes[start + 1 : -1]
        # A name first or after a comma (not an annotation's type: `(a: Number) =>`).
        heads = [m.group() for j, m in enumerate(inside) if not j or inside[j - 1].group() == ","]
        names = [name for name in heads if WORD.fullmatch(name)]
    values: list[str | None] = [None] * len(names)
    call = unclosed(lexemes, start)
    if call is not None and call >= 2 and lexemes[call].group() == "(" and lexemes[call - 2].group() == ".":
        index = sum(lexemes[j].group() == "," and unclosed(lexemes, j) == call for j in range(call + 1, start))
        method = lexemes[call - 1].group()
        elements = _ELEMENTS.get((index, len(names)), {}).get(method, ())
        owner = receiver(text[: lexemes[call - 2].start()].removesuffix("?")) if elements else ""
        for at in elements if owner else ():
            values[at] = f"({owner}).where(_ => true).first()!"
    return {name: value for name, value in zip(names, values) if name != "_"}


def matching(lexemes: list[re.Match]) -> int:
    """The index of the bracket that the closing bracket last in `lexemes` closes (0 if none does)."""
    depth = 0
    for j in range(len(lexemes) - 1, -1, -1):
        token = lexemes[j].group()
        depth += (token in ")]}") - (token in "([{")
        if depth == 0:
            return j
    return 0


def receiver(text: str) -> str:
    """The expression that ends `text`, the receiver of a dot after it: a chain of names, calls, indexes,
    `!`, `?.` and dots back to a name or a literal (`People.byId("1")!`, `[1, 2]`, `foo`)."""
    lexemes = lex(text)
    j = len(lexemes) - 1
    while j >= 0:
        token = lexemes[j].group()
        if token in ")]}":
            j = matching(lexemes[: j + 1])
            previous = lexemes[j - 1].group() if j else ""
            chained = WORD.fullmatch(previous) or previous in (")", "]", "!") or previous[:1] in ("\"", "'")
            if token == "}" or not chained:
                break
            j -= 1
        elif token == "!":
            j -= 1
        elif WORD.fullmatch(token):
            if j >= 1 and lexemes[j - 1].group() == "." and (j < 2 or lexemes[j - 2].group() != "."):
                j -= 2 if j < 2 or lexemes[j - 2].group() != "?" else 3
                continue
            break
        else:
            break
    return text[lexemes[j].start() :].strip() if 0 <= j < len(lexemes) else ""


def unclosed(lexemes: list[re.Match], end: int) -> int | None:
    """The index of the innermost bracket open before `lexemes[end]`; None if none is."""
    depth = 0
    for j in range(end - 1, -1, -1):
        token = lexemes[j].group()
        if token in ")]}":
            depth += 1
        elif token in "([{":
            if not depth:
                return j
            depth -= 1
    return None


def ends_value(lexemes: list[re.Match], o: int) -> bool:
    """True if what is before the `{` at `o` is a value (so the braces project it): a name, a call, an
    index, `!` or a string; not a keyword, nor an `if (...)`'s condition."""
    previous = lexemes[o - 1].group() if o else ""
    if previous == ")":
        opening = matching(lexemes[:o])
        return not opening or lexemes[opening - 1].group() not in BLOCK_AFTER
    if WORD.fullmatch(previous):
        return previous not in BLOCK_AFTER and previous not in V10_KEYWORDS
    return previous in ("]", "}", "!") or previous[:1] in ("\"", "'")
