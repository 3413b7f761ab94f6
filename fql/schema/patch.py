"""FSL files patched by a schema diff, member by member (core's SchemaPatch).

`apply(diffs, files)` rewrites the texts of `files` as core's SchemaPatch.applyTo does: an added item is
appended to its file (`main.fsl` when it has none) after a blank line, a removed one is cut with its doc
comment, and a modified one is patched change by change, so that the user's layout and comments inside
it stay: an added member goes before the block's `}` indented by its depth, a removed one is cut, a
changed config, function body or signature, field type or name is replaced where it is written, a
default is cut, annotations go before the item. Each file is patched from its end backwards, every change
placed by where it is in the file as it was.

New text is written as core displays it: fql's generator (source.py) writes the item after the change,
and the part a change needs is read out of that text (the parser knows where each member is). A change
fql cannot place (a member the model has but the file does not write, such as a new type for the wildcard
a collection without fields has, which core would write at the start of the file) is not core's: fql
writes that item anew in its place.
"""

from __future__ import annotations

import re
import typing as t

from . import diff as d
from . import members as m
from . import parser, source
from .items import Item
from .nodes import Annotation, Block, Field, Function, Node
from .scan import comment_end

__all__ = ["after_comment", "appended", "apply", "replace_with"]

_LEADING_NL = re.compile(r"(?:[\t ]*\n)+")
_TRAILING_NL = re.compile(r"(?:\n[\t ]*)+\Z")
_TRAILING_INDENT = re.compile(r"[\t ]*\Z")
_NL_WITH_WORD = re.compile(r"\n(?=[\t ]*\S)")

#: The model's kind of field (members.Field.kind) for the parser's (nodes.Field.kind).
_FIELD_KINDS = {"defined": "field", "compute": "computed field", "wildcard": "wildcard"}


class Unpatchable(Exception):
    """A change names a part of an item that its text does not write: the item must be regenerated."""


def replace_with(text: str, start: int, end: int, sub: str) -> str:
    """`text` with [start, end) replaced by `sub` (core's Span.replaceWith): cutting also cuts the spaces
    after it, or before it when a newline follows; a new line of several lines takes the indentation of
    the line it starts on, when it starts one."""
    before, after = text[:start], text[end:]
    if not sub:
        if not _LEADING_NL.match(after):
            return before + after.lstrip()
        return before.rstrip() + after
    if "\n" in sub and _TRAILING_NL.search(before):
        indent = _TRAILING_INDENT.search(before).group()
        sub = _NL_WITH_WORD.sub("\n" + indent, sub)
    return before + sub + after


def apply(diffs: t.Iterable[d.Diff], files: t.Mapping[str, str], main: str = "main.fsl") -> dict[str, str]:
    """`files` (name to text) patched by `diffs`; an item without a file goes to `main`."""
    groups: dict[str, list[d.Diff]] = {}
    for one in diffs:
        groups.setdefault(one.item.file or main, []).append(one)
    out = dict(files)
    for name, group in groups.items():
        out[name] = _apply_diffs(out.get(name, ""), group)
    return out


def _apply_diffs(text: str, diffs: list[d.Diff]) -> str:
    original = text
    nodes: dict[int, Node] | None = None
    # From the end of the file backwards, so that each change's place is still where it was.
    for one in sorted(diffs, key=lambda one: -one.item.span[1]):
        if isinstance(one, d.Add):
            text = appended(text, source.generate(one.item.kind, one.item.name, one.item.definition))
        elif isinstance(one, d.Remove):
            text = replace_with(text, *one.item.span, "")
        else:
            if nodes is None:
                nodes = {node.start: node for node in parser.read(original)}
            try:
                node = nodes.get(one.before.span[0])
                if node is None:
                    raise Unpatchable(f"{one.before.kind} `{one.before.name}` is not where its span says")
                text = _Patcher(original, node, one).run(text)
            except Unpatchable:
                text = _regenerated(text, one)
    return text


def _regenerated(text: str, diff: d.Modify) -> str:
    """The item written anew in place of the old (past its doc comment): what fql does with a change it
    cannot place. The generated text's last newline is not added to the file's own."""
    start, end = after_comment(text, *diff.before.span), diff.before.span[1]
    after = diff.after
    return text[:start] + source.generate(after.kind, after.name, after.definition).removesuffix("\n") + text[end:]


def appended(text: str, item: str) -> str:
    """`item` added at the end of a file: after a blank line, unless the file is blank."""
    if not text.strip():
        return item
    last_line = text[max(text.rfind("\n"), 0) :]
    return text + "\n" + ("\n" if last_line.strip() else "") + item


def after_comment(text: str, start: int, end: int) -> int:
    """Where an item starts past the doc comment its span begins with (core's docComment)."""
    at = start
    while at < end and (text[at].isspace() or text.startswith(("//", "/*"), at)):
        at = _past(text, at)
    return min(at, end)


def _past(text: str, at: int) -> int:
    """Past the comment at `at` (its newline with it), or past the one character there."""
    if text.startswith("//", at):
        newline = text.find("\n", at)
        return len(text) if newline < 0 else newline + 1
    if text.startswith("/*", at):
        return comment_end(text, at)
    return at + 1


# -- one item ------------------------------------------------------------------------------------------

#: Where a member sits in an item: each enclosing member by its key and its place among those of that key.
Path = t.Tuple[t.Tuple[t.Any, int], ...]


def _key(element: m.Element) -> tuple:
    if isinstance(element, m.Annotation):
        return ("@", element.kind, None)
    if isinstance(element, m.Field):
        return ("field", element.kind, element.name)
    return ("member", element.kind, element.name)


def _node_key(node: t.Any) -> tuple:
    if isinstance(node, Annotation):
        return ("@", node.keyword.text, None)
    if node.kw.text == "field" and isinstance(node.value, Field):
        return ("field", _FIELD_KINDS[node.value.kind], node.name.text)
    return ("member", node.kw.text, None if node.name is None else node.name.text)


def _children(model: t.Any, node: t.Any) -> tuple[list, list]:
    """The elements of an item (its model) or of a member's block, and the nodes that write them."""
    if isinstance(model, m.Model):
        elements = [*model.annotations, *model.fields, *model.members]
        written = list(node.annotations)
    else:
        config = model.config
        elements = list(config.members) if isinstance(config, m.Block) else []
        written = []
    if isinstance(node.value, Block):
        written += node.value.items
    return elements, written


class _Side:
    """An item's model and the text that writes it: the file's text before a change, or the generated text
    of the item after it."""

    def __init__(self, text: str, node: Node, item: Item):
        self.text = text
        self.node = node
        self.model = m.model(item)
        self.used: set[int] = set()

    def container(self, path: Path) -> tuple[t.Any, t.Any]:
        model, node = self.model, self.node
        for key, place in path:
            elements, written = _children(model, node)
            model = [e for e in elements if _key(e) == key][place]
            node = self._nth(written, key, place)
        return model, node

    @staticmethod
    def _nth(written: list, key: tuple, place: int) -> t.Any:
        same = [n for n in written if _node_key(n) == key]
        if place >= len(same):
            raise Unpatchable(f"no {key[1]} `{key[2]}` is written")
        return same[place]

    def place(self, element: m.Element, path: Path) -> int:
        """Where `element` is among the elements of its key in its container (the first free equal one)."""
        model, node = self.container(path)
        elements, written = _children(model, node)
        key = _key(element)
        same = [e for e in elements if _key(e) == key]
        places = [i for i, e in enumerate(same) if e == element] or ([0] if len(same) == 1 else [])
        for i in places:
            found = [n for n in written if _node_key(n) == key]
            if i < len(found) and id(found[i]) not in self.used:
                return i
        if places:
            return places[0]
        raise Unpatchable(f"{key[1]} `{key[2]}` is not in the item")

    def find(self, element: m.Element, path: Path, place: int | None = None) -> t.Any:
        """The node that writes `element` (or the element of its key at `place`)."""
        model, node = self.container(path)
        _, written = _children(model, node)
        at = self.place(element, path) if place is None else place
        found = self._nth(written, _key(element), at)
        self.used.add(id(found))
        return found

    def cut(self, start: int, end: int) -> str:
        """The text of [start, end) without the indentation of the line it starts on (core's display of a
        part, which the patch indents for where it goes)."""
        line = self.text[self.text.rfind("\n", 0, start) + 1 : start]
        indent = len(line) - len(line.lstrip(" "))
        lines = self.text[start:end].split("\n")
        return "\n".join([lines[0]] + [line[min(indent, len(line) - len(line.lstrip(" "))) :] for line in lines[1:]])


def _config_span(node: t.Any) -> tuple[int, int] | None:
    if isinstance(node, Annotation):
        return node.value.start, node.value.end
    value = node.value
    if isinstance(value, Field):
        return None if value.value is None else (value.value.start, value.value.end)
    return None if value is None else (value.start, value.end)


def _signature_end(fn: Function) -> int:
    return fn.ret.end if fn.ret is not None else fn.close_paren + 1


def _body_start(text: str, fn: Function) -> int:
    """Where a function's `{` is: past its signature, spaces and comments."""
    at = _signature_end(fn)
    while at < fn.end and text[at] != "{":
        at = _past(text, at)
    return at


def _indent(level: int) -> str:
    return "  " * (level + 1)


def _indented(text: str, prefix: str, first: bool) -> str:
    """Core's indentStr: each line of `text` after the first (and the first, if asked) after `prefix`."""
    lines = text.splitlines() or [""]
    return "\n".join((prefix if i or first else "") + line for i, line in enumerate(lines))


class _Patcher:
    """One modified item's changes applied to its file (core's applyChanges)."""

    def __init__(self, original: str, node: Node, diff: d.Modify):
        self.diff = diff
        self.before = _Side(original, node, diff.before)
        generated = source.generate(diff.after.kind, diff.after.name, diff.after.definition)
        try:
            written = parser.read(generated)[0]
        except parser.FSLError:
            raise Unpatchable("the generated item does not read") from None
        self.after = _Side(generated, written, diff.after)
        #: Each change's node in the file, found once.
        self.nodes: dict[int, t.Any] = {}

    def run(self, text: str) -> str:
        before = self.diff.before
        start = after_comment(self.before.text, *before.span)
        return self.changes(text, self.diff.changes, (start, before.span[1]), 0, ())

    def node(self, change: t.Any, element: m.Element, path: Path) -> t.Any:
        if id(change) not in self.nodes:
            self.nodes[id(change)] = self.before.find(element, path)
        return self.nodes[id(change)]

    def end_of(self, change: t.Any, span: tuple[int, int], path: Path) -> int:
        if isinstance(change, d.AddElement):
            return span[0] if isinstance(change.element, m.Annotation) else span[1]
        if isinstance(change, d.Rename):
            return self.before.node.name.end
        if isinstance(change, (d.RemoveElement, d.ModifyElement)):
            if _implicit(change.element):
                return 0
            return self.node(change, change.element, path).end
        if isinstance(change, (d.ReplaceBody, d.ReplaceSignature)):
            fn = self.functions()[0]
            return fn.end if isinstance(change, d.ReplaceBody) else _signature_end(fn)
        if isinstance(change, (d.ReplaceType, d.ReplaceSchemaType, d.RemoveDefault)):
            return self.node(change, change.field, path).end
        inner = path + ((_key(change.member), self.before.place(change.member, path)),)
        return max(self.end_of(one, span, inner) for one in change.changes)

    def changes(self, text: str, changes: t.Sequence[t.Any], span: tuple[int, int], level: int, path: Path) -> str:
        ends = [self.end_of(change, span, path) for change in changes]
        for _, change in sorted(zip(ends, changes), key=lambda pair: -pair[0]):
            text = self.change(text, change, span, level, path)
        return text

    def change(self, text: str, change: t.Any, span: tuple[int, int], level: int, path: Path) -> str:
        if isinstance(change, d.Rename):
            name = self.before.node.name
            return replace_with(text, name.start, name.end, change.after)
        if isinstance(change, d.AddElement):
            return self.add(text, change.element, span, level, path)
        if isinstance(change, d.RemoveElement):
            if _implicit(change.element):
                return replace_with(text, 0, 0, "")
            node = self.node(change, change.element, path)
            return replace_with(text, node.start, node.end, "")
        if isinstance(change, d.ModifyElement):
            return self.modify(text, change, level, path)
        if isinstance(change, d.ChangeBlock):
            place = self.before.place(change.member, path)
            inner = path + ((_key(change.member), place),)
            _, node = self.before.container(inner)
            return self.changes(text, change.changes, (node.start, node.end), level + 1, inner)
        if isinstance(change, (d.ReplaceSignature, d.ReplaceBody)):
            return self.function(text, change)
        if isinstance(change, (d.ReplaceType, d.ReplaceSchemaType)):
            return self.retype(text, change, path)
        node = self.node(change, change.field, path)
        value = node.value
        start = value.type.end if value.type is not None else node.name.end
        return replace_with(text, start, value.value.end, "")

    def add(self, text: str, element: m.Element, span: tuple[int, int], level: int, path: Path) -> str:
        at = span[0] if isinstance(element, m.Annotation) else span[1] - 1
        prefix, suffix = text[:at].rstrip(), text[at:]
        prefix_ = "" if isinstance(element, m.Annotation) else _indent(level)
        out = prefix + "\n" if prefix else ""
        out += _indented(self.display(element, path), prefix_, True)
        if not _LEADING_NL.match(suffix):
            out += "\n" + ("" if isinstance(element, m.Annotation) else _indent(level - 1))
        return out + suffix

    def display(self, element: m.Element, path: Path) -> str:
        """An added element as core displays it: its text in the generated item."""
        if _implicit(element):
            return f"*: {element.type}"
        node = self.after.find(element, path)
        return self.after.cut(node.start, node.end)

    def modify(self, text: str, change: d.ModifyElement, level: int, path: Path) -> str:
        element = change.element
        if _implicit(element):
            raise Unpatchable("a change to an implicit member")
        node = self.node(change, element, path)
        after = self.after.find(element, path, self.before.place(element, path))
        prefix = "" if isinstance(element, m.Annotation) else _indent(level)
        if isinstance(element, m.Member) and element.kind == "migrations":
            whole = self.after.cut(after.start, after.end)
            return replace_with(text, node.start, node.end, _indented(whole, prefix, False))
        config = _config_span(after)
        shown = "" if config is None else self.after.cut(*config)
        span = _config_span(node)
        lead = ""
        if span is None:
            lead = " = " if isinstance(element, m.Field) else " "
            span = (node.end, node.end)
        return replace_with(text, *span, lead + _indented(shown, prefix, False) if shown else "")

    def functions(self) -> tuple[Function, Function]:
        """The function's signature and body, before and after."""
        fn, new = self.before.node.value, self.after.node.value
        if not isinstance(fn, Function) or not isinstance(new, Function):
            raise Unpatchable("a function without a body")
        return fn, new

    def function(self, text: str, change: t.Any) -> str:
        fn, new = self.functions()
        if isinstance(change, d.ReplaceSignature):
            signature = self.after.cut(new.open_paren, _signature_end(new))
            return replace_with(text, fn.open_paren, _signature_end(fn), signature)
        body = self.after.cut(_body_start(self.after.text, new), new.end)
        return replace_with(text, _body_start(self.before.text, fn), fn.end, body)

    def retype(self, text: str, change: t.Any, path: Path) -> str:
        if _implicit(change.field):
            raise Unpatchable("a new type for the implicit wildcard")
        node = self.node(change, change.field, path)
        after = self.after.find(change.field, path, self.before.place(change.field, path))
        new = after.value.type
        shown = change.type if new is None else self.after.cut(new.start, new.end)
        if node.value.type is not None:
            return replace_with(text, node.value.type.start, node.value.type.end, shown)
        return replace_with(text, node.name.end, node.name.end, ": " + shown)


def _implicit(element: m.Element) -> bool:
    """The wildcard a collection without fields has though its FSL does not write it (core's, at Span.Null)."""
    return isinstance(element, m.Field) and element.implicit
