"""What changes between two sets of FSL items, and how core shows it (core's SchemaDiff and DiffRender).

`diff(before, after)` pairs the items by kind and name (or by a rename) and lists, for each, whether it is
added, removed or modified, and a modification's changes: its annotations (`@alias`, `@role`), fields and
members (indexes, constraints, `history_days`, privileges, ...), each added, removed or changed; a
collection's modification also carries the migrations its new `migrations` items make. `render()` writes
them as core's `schema diff` does: `semantic` (each item and its changes by category), `summary` (a line
per item) or `textual` (a line diff of the files, in hunks), in ANSI colour if asked.

Items are compared the way core compares them, spans aside: an expression by its parsed form, so that
`(doc =>  doc.x )` is `(doc) => doc.x`; a type by its text without the spaces between its tokens.
"""

from __future__ import annotations

import re
import typing as t

from attrs import field, frozen

from ..errors import FQLError
from .items import KINDS, Item, position

# -- the parts of an item ------------------------------------------------------------------------------


@frozen
class Scalar:
    """One value an item states. `kind`: `id` (a name), `bool`, `str`, `long`, `expr` (a field's default),
    `term` and `value` (an index's), `check` (a check constraint's lambda), `predicate` (a privilege's or
    membership's), `lambda` (a computed field's), `migrations`. `text` is how FSL writes it; `key` is what
    it is compared by."""

    kind: str
    text: str
    key: t.Any = field(repr=False)


@frozen
class Seq:
    """A list of scalars: `unique [.a, .b]`, `terms [...]`."""

    configs: tuple[Scalar, ...]


@frozen
class Opt:
    """A scalar that may be left out: a privilege action's or a membership's predicate."""

    config: Scalar | None


@frozen
class Block:
    """Members inside braces: an index's `terms` and `values`, a privilege's actions."""

    members: tuple[Member, ...]


Config = t.Union[Scalar, Seq, Opt, Block]


@frozen
class Annotation:
    """`@alias(Foo)` or `@role(server)`."""

    kind: str
    config: Scalar

    @property
    def id(self) -> t.Any:
        return self.kind


@frozen
class Field:
    """A collection's field: `kind` is `field`, `computed field` or `wildcard`; `type` is its signature's
    text (None: a computed field without one); `value` a defined field's default or a computed field's
    lambda. `implicit` marks the wildcard a collection without fields has though it does not write it."""

    kind: str
    name: str
    type: str | None = None
    value: Scalar | None = None
    implicit: bool = False

    @property
    def id(self) -> t.Any:
        return (self.kind, self.name)


@frozen
class Member:
    """A member of an item (`history_days 3`, `index byName {...}`, `unique [.a]`, `privileges Users {...}`)
    or of a member's block (`terms [...]`, `read`). `name` is a named member's (an index's, a check's, a
    privilege's resource); `repeated` members (`unique`) are told apart by their config. `history_days` has
    a default: `implicit` when the FSL leaves it out, `is_default` when its value is the default."""

    kind: str
    config: Config
    name: str | None = None
    repeated: bool = False
    defaulted: bool = False
    implicit: bool = False
    is_default: bool = False

    @property
    def id(self) -> t.Any:
        if self.name is not None:
            return (self.kind, self.name)
        if self.repeated:
            return (self.kind, _config_id(self.config))
        return self.kind


Element = t.Union[Annotation, Field, Member]


def _config_id(config: Config | None) -> t.Any:
    if config is None:
        return None
    if isinstance(config, Scalar):
        return config.key
    if isinstance(config, Seq):
        return tuple(c.key for c in config.configs)
    if isinstance(config, Opt):
        return None if config.config is None else ("some", config.config.key)
    return tuple(m.id for m in config.members)


def _is_default(element: t.Any) -> bool:
    return isinstance(element, Member) and element.is_default


# -- changes -------------------------------------------------------------------------------------------

#: The headings a collection's changes are shown under, in core's order.
CATEGORIES = ("Computed fields", "Indexes", "Constraints", "Configuration")


@frozen
class Rename:
    """The item is renamed (a rename the caller gave `diff`)."""

    before: str
    after: str


@frozen
class AddElement:
    element: Element


@frozen
class RemoveElement:
    element: Element


@frozen
class ModifyElement:
    """`element` (as it was) now has `config`."""

    element: Element
    config: Config


@frozen
class ChangeBlock:
    """The members of `member`'s block change."""

    member: Member
    changes: tuple[Change, ...]


@frozen
class ReplaceBody:
    """A function's body changes."""


@frozen
class ReplaceSignature:
    """A function's parameters or signature change."""


@frozen
class ReplaceType:
    """A computed field's signature or the wildcard's type changes (not shown: migrations say it)."""

    field: Field
    type: str


@frozen
class ReplaceSchemaType:
    """A defined field's signature changes (not shown: migrations say it)."""

    field: Field
    type: str


@frozen
class RemoveDefault:
    """A defined field loses its default."""

    field: Field


Change = t.Union[
    Rename, AddElement, RemoveElement, ModifyElement, ChangeBlock, ReplaceBody, ReplaceSignature, ReplaceType,
    ReplaceSchemaType, RemoveDefault,
]  # fmt: skip


def _member_category(member: Member) -> str | None:
    if member.kind == "index":
        return "Indexes"
    if member.kind in ("unique", "check"):
        return "Constraints"
    if member.kind == "migrations":
        return None
    return "Configuration"


def _element_category(element: Element) -> str | None:
    if isinstance(element, Annotation):
        return "Configuration"
    if isinstance(element, Field):
        return "Computed fields" if element.kind == "computed field" else None
    return _member_category(element)


def category(change: Change) -> str | None:
    """The heading a change is shown under in a collection's diff; None: it is not shown."""
    if isinstance(change, (Rename, RemoveDefault)):
        return "Configuration"
    if isinstance(change, (AddElement, RemoveElement, ModifyElement)):
        return _element_category(change.element)
    if isinstance(change, ChangeBlock):
        return _member_category(change.member)
    return None


# -- diffs ---------------------------------------------------------------------------------------------


@frozen
class Add:
    """An item in `after` only."""

    item: Item


@frozen
class Remove:
    """An item in `before` only."""

    item: Item


@frozen
class Modify:
    """An item in both that changes; `migrations` are the steps (fql.eval.v10.migrations.Step) that a
    collection's new `migrations` items make to its documents."""

    before: Item
    after: Item
    changes: tuple[Change, ...]
    migrations: tuple[t.Any, ...] = ()

    @property
    def item(self) -> Item:
        return self.before

    @property
    def is_move(self) -> bool:
        return self.before.file != self.after.file


Diff = t.Union[Add, Remove, Modify]

#: Renames: the (kind, new name) of an item in `after` to the name it had in `before`.
Renames = t.Mapping[t.Tuple[str, str], str]


def diff(before: list[Item], after: list[Item], renames: Renames | None = None) -> list[Diff]:
    """The items added (in `after`'s order), removed (in `before`'s), then modified (in `before`'s), as
    core's SchemaDiff.diffItems lists them; `render` sorts them as core shows them."""
    renames = renames or {}
    old_names: dict[tuple[str, str], tuple[str, str]] = {}
    for item in before if renames else ():
        # Core refuses these only when it looks a rename up; the items of a file never repeat a name.
        if item.key in old_names:
            raise ValueError(f"duplicated {item.kind} `{item.name}` in the items before")
        old_names[item.key] = item.key

    def renamed(item: Item) -> t.Any:
        old = renames.get(item.key)
        return None if old is None else old_names.get((item.kind, old))

    models = {id(item): _model(item) for item in [*before, *after]}
    out: list[Diff] = []
    for one in _aligned(before, after, lambda i: i.key, renamed):
        kind, b, a = one
        if kind == "add":
            out.append(Add(a))
        elif kind == "remove":
            out.append(Remove(b))
        else:
            changes = _diff_models(models[id(b)], models[id(a)])
            if changes:
                out.append(Modify(b, a, tuple(changes), _migrations(b, a, after)))
    return out


def _aligned(
    before: t.Sequence[t.Any],
    after: t.Sequence[t.Any],
    key: t.Callable[[t.Any], t.Any],
    renamed: t.Callable[[t.Any], t.Any] = lambda _: None,
) -> t.Iterator[tuple[str, t.Any, t.Any]]:
    """Core's alignedDiff: group both sides by id (an `after` element by the id a rename gives it); an id
    with as many elements on both sides pairs them in order, any other is added or removed whole. An
    element at its default is never added or removed."""
    before_by: dict[t.Any, list] = {}
    after_by: dict[t.Any, list] = {}
    for one in before:
        before_by.setdefault(key(one), []).append(one)
    for one in after:
        found = renamed(one)
        after_by.setdefault(key(one) if found is None else found, []).append(one)
    before_ks = [(k, len(v)) for k, v in before_by.items()]
    after_ks = [(k, len(v)) for k, v in after_by.items()]
    for k, _ in (pair for pair in after_ks if pair not in before_ks):
        for one in after_by[k]:
            if not _is_default(one):
                yield ("add", None, one)
    for k, _ in (pair for pair in before_ks if pair not in after_ks):
        for one in before_by[k]:
            if not _is_default(one):
                yield ("remove", one, None)
    for k, _ in (pair for pair in before_ks if pair in after_ks):
        for b, a in zip(before_by[k], after_by[k]):
            yield ("modify", b, a)


# -- items as core models them -------------------------------------------------------------------------


@frozen
class _Model:
    """An item as core's SchemaItem holds it: its annotations, fields and members in core's order (a
    collection's: indexes, uniques, checks, history_days, ttl_days, document_ttls, migrations); a
    function's parameters, signature and body."""

    kind: str
    name: str
    annotations: tuple[Annotation, ...] = ()
    fields: tuple[Field, ...] = ()
    members: tuple[Member, ...] = ()
    params: t.Any = None
    signature: t.Any = None
    body: t.Any = None


#: Core's default `history_days` (its `fauna.model.default-history_days`).
DEFAULT_HISTORY_DAYS = 0


def _model(item: Item) -> _Model:
    d = item.definition
    if not isinstance(d, dict):
        raise ValueError(f"the definition of {item.kind} `{item.name}` is not an object")
    try:
        if item.kind == "collection":
            return _collection(item.name, d)
        if item.kind == "function":
            return _function(item.name, d)
        if item.kind == "role":
            return _role(item.name, d)
        if item.kind == "access provider":
            return _provider(item.name, d)
    except (KeyError, TypeError, AttributeError) as err:
        raise ValueError(f"the definition of {item.kind} `{item.name}` is malformed ({err!r})") from None
    raise ValueError(f"unknown kind of item {item.kind!r} (expected one of {', '.join(KINDS)})")


def _annotations(d: dict, *kinds: str) -> tuple[Annotation, ...]:
    return tuple(Annotation(k, _ident(d[k])) for k in kinds if d.get(k) is not None)


def _collection(name: str, d: dict) -> _Model:
    fields = [
        Field("field", n, spec["signature"], None if spec.get("default") is None else _expr(spec["default"]))
        for n, spec in (d.get("fields") or {}).items()
    ]
    fields += [
        Field("computed field", n, spec.get("signature"), _lambda("lambda", spec["body"]))
        for n, spec in (d.get("computed_fields") or {}).items()
    ]
    if d.get("wildcard") is not None:
        fields.append(Field("wildcard", "*", d["wildcard"]))
    members = [_index(n, spec or {}) for n, spec in (d.get("indexes") or {}).items()]
    constraints = d.get("constraints") or []
    members += [
        Member("unique", Seq(tuple(_term(x) for x in c["unique"])), repeated=True) for c in constraints if "unique" in c
    ]
    members += [
        Member("check", _lambda("check", c["check"]["body"]), name=c["check"]["name"]) for c in constraints if "check" in c
    ]
    days = d.get("history_days")
    members.append(
        Member(
            "history_days",
            _long(DEFAULT_HISTORY_DAYS if days is None else days),
            defaulted=True,
            implicit=days is None,
            is_default=days is None or days == DEFAULT_HISTORY_DAYS,
        )
    )
    if d.get("ttl_days") is not None:
        members.append(Member("ttl_days", _long(d["ttl_days"])))
    if d.get("document_ttls") is not None:
        members.append(Member("document_ttls", _bool(d["document_ttls"])))
    if d.get("migrations"):
        members.append(Member("migrations", _migrations_block(d["migrations"])))
    return _Model("collection", name, _annotations(d, "alias"), tuple(fields), tuple(members))


def _index(name: str, spec: dict) -> Member:
    members = []
    if spec.get("terms") is not None:
        members.append(Member("terms", Seq(tuple(_term(x) for x in spec["terms"]))))
    if spec.get("values") is not None:
        members.append(Member("values", Seq(tuple(_value(x) for x in spec["values"]))))
    return Member("index", Block(tuple(members)), name=name)


def _role(name: str, d: dict) -> _Model:
    members = []
    for privilege in d.get("privileges") or []:
        actions = tuple(
            Member(action, Opt(None if pred is True else _lambda("predicate", pred)))
            for action, pred in (privilege.get("actions") or {}).items()
            if pred is not False and pred is not None
        )
        members.append(Member("privileges", Block(actions), name=privilege["resource"]))
    for membership in d.get("membership") or []:
        pred = membership.get("predicate")
        members.append(Member("membership", Opt(None if pred is None else _lambda("predicate", pred)), name=membership["resource"]))
    return _Model("role", name, members=tuple(members))


def _provider(name: str, d: dict) -> _Model:
    members = [Member("issuer", _str(d["issuer"])), Member("jwks_uri", _str(d["jwks_uri"]))]
    for role in d.get("roles") or []:
        if isinstance(role, str):
            members.append(Member("role", Opt(None), name=role))
        else:
            pred = role.get("predicate")
            members.append(Member("role", Opt(None if pred is None else _lambda("predicate", pred)), name=role["role"]))
    return _Model("access provider", name, members=tuple(members))


def _function(name: str, d: dict) -> _Model:
    body = d["body"]
    arrow = _parse(body)
    if arrow is not None and type(arrow).__name__ == "Arrow":
        params, inner = (arrow.params, arrow.rest), _unblock(arrow.body)
    else:
        params, inner = None, ("text", _squash(body))
    signature = None if d.get("signature") is None else _squash(d["signature"])
    return _Model(
        "function", name, _annotations(d, "alias", "role"), params=params, signature=signature, body=inner
    )


def _empty(model: _Model) -> _Model:
    """Core's makeEmptyItem: the item with nothing optional, what an added or removed item is compared
    with to list what it states. A function keeps its signature and body, an access provider its issuer
    and JWKS URI."""
    if model.kind == "collection":
        return _Model(model.kind, model.name, members=(_collection(model.name, {}).members))
    if model.kind == "function":
        return _Model(model.kind, model.name, params=model.params, signature=model.signature, body=model.body)
    if model.kind == "access provider":
        return _Model(model.kind, model.name, members=model.members[:2])
    return _Model(model.kind, model.name)


# -- scalars -------------------------------------------------------------------------------------------

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_TOKENS = re.compile(r"\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'|\S")


def _squash(text: str) -> str:
    """`text` without the spaces between its tokens (string literals kept whole): what a type or a
    signature is compared by."""
    return "".join(_TOKENS.findall(str(text)))


def _string_literal(text: str) -> str:
    escapes = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\0": "\\0"}
    return '"' + "".join(escapes.get(c, c) for c in text) + '"'


def _ident(value: t.Any) -> Scalar:
    text = str(value)
    return Scalar("id", text if _IDENT.fullmatch(text) else _string_literal(text), text)


def _long(value: t.Any) -> Scalar:
    return Scalar("long", str(value), ("long", value))


def _bool(value: t.Any) -> Scalar:
    return Scalar("bool", "true" if value else "false", ("bool", bool(value)))


def _str(value: t.Any) -> Scalar:
    return Scalar("str", _string_literal(str(value)), ("str", str(value)))


def _parse(text: str) -> t.Any:
    """The expression `text` holds, parsed as v10 FQL (spans are not compared); None if it does not parse."""
    from ..parse import parse

    try:
        program = parse(str(text), "v10")
    except FQLError:
        return None
    body = getattr(program, "body", None)
    return body[0] if isinstance(body, tuple) and len(body) == 1 else program


def _unblock(node: t.Any) -> t.Any:
    """`{ x }` is `x`: FSL writes a function's body as a block, a stored body may not."""
    while type(node).__name__ == "Block" and len(node.body) == 1 and type(node.body[0]).__name__ != "Let":
        node = node.body[0]
    return node


def _expr_key(text: str) -> t.Any:
    parsed = _parse(text)
    return ("text", _squash(text)) if parsed is None else ("expr", _unblock(parsed))


def _expr(text: t.Any) -> Scalar:
    return Scalar("expr", str(text).strip(), _expr_key(str(text)))


def _lambda(kind: str, text: t.Any) -> Scalar:
    return Scalar(kind, str(text).strip(), _expr_key(str(text)))


def _path(text: str) -> str:
    text = str(text)
    return text if text.startswith(".") else "." + text


def _term(term: t.Any) -> Scalar:
    """An index term or a unique constraint's field: `.a` or `mva(.a)` (a bare path string is `.a`)."""
    path, mva = (term, False) if isinstance(term, str) else (term["field"], bool(term.get("mva")))
    path = _path(path)
    return Scalar("term", f"mva({path})" if mva else path, (_squash(path), mva))


def _value(value: t.Any) -> Scalar:
    """An index value: `.a`, `mva(.a)`, `desc(.a)`."""
    if isinstance(value, str):
        path, mva, asc = value, False, True
    else:
        path, mva, asc = value["field"], bool(value.get("mva")), value.get("order", "asc") != "desc"
    path = _path(path)
    text = f"mva({path})" if mva else path
    return Scalar("value", text if asc else f"desc({text})", (_squash(path), mva, asc))


def _migrations_block(migrations: list) -> Scalar:
    key = []
    for raw in migrations:
        kind, body = next(iter(raw.items()))
        body = body or {}
        key.append(
            (
                kind,
                tuple(
                    (k, _expr_key(v) if k == "value" else tuple(map(_squash, v)) if isinstance(v, list) else _squash(v))
                    for k, v in sorted(body.items())
                ),
            )
        )
    return Scalar("migrations", "", tuple(key))


# -- comparing -----------------------------------------------------------------------------------------


def _diff_models(before: _Model, after: _Model) -> list[Change]:
    changes: list[Change] = []
    if before.name != after.name:
        changes.append(Rename(before.name, after.name))
    for kind, b, a in _aligned(before.annotations, after.annotations, lambda e: e.id):
        if kind == "add":
            changes.append(AddElement(a))
        elif kind == "remove":
            changes.append(RemoveElement(b))
        elif b.config.key != a.config.key:
            changes.append(ModifyElement(b, a.config))
    if before.kind == "function":
        if (before.params, before.signature) != (after.params, after.signature):
            changes.append(ReplaceSignature())
        if before.body != after.body:
            changes.append(ReplaceBody())
        return changes
    for kind, b, a in _aligned(_with_wildcard(before.fields), _with_wildcard(after.fields), lambda e: e.id):
        if kind == "add":
            changes.append(AddElement(a))
        elif kind == "remove":
            changes.append(RemoveElement(b))
        else:
            changes += _diff_field(b, a)
    changes += _diff_members(before.members, after.members)
    return changes


def _with_wildcard(fields: tuple[Field, ...]) -> tuple[Field, ...]:
    """Core's addImplicitWildcard: a collection with no defined fields and no wildcard has `*: Any`."""
    if any(f.kind in ("field", "wildcard") for f in fields):
        return fields
    return (*fields, Field("wildcard", "*", "Any", implicit=True))


def _diff_field(before: Field, after: Field) -> list[Change]:
    if before.kind == "wildcard":
        return [ReplaceType(before, after.type or "")] if _squash(before.type or "") != _squash(after.type or "") else []
    out: list[Change] = []
    if before.value is not None and after.value is None:
        out.append(RemoveDefault(before))
    elif after.value is not None and (before.value is None or before.value.key != after.value.key):
        out.append(ModifyElement(before, after.value))
    if before.kind == "field":
        if _squash(before.type or "") != _squash(after.type or ""):
            out.append(ReplaceSchemaType(before, after.type or ""))
    elif before.type is not None and after.type is not None and _squash(before.type) != _squash(after.type):
        out.append(ReplaceType(before, after.type))
    return out


def _diff_members(before: t.Sequence[Member], after: t.Sequence[Member]) -> list[Change]:
    changes: list[Change] = []
    for kind, b, a in _aligned(before, after, lambda e: e.id):
        if kind == "add":
            changes.append(AddElement(a))
        elif kind == "remove":
            changes.append(RemoveElement(b))
        else:
            change = _diff_member(b, a)
            if change is not None:
                changes.append(change)
    return changes


def _diff_member(before: Member, after: Member) -> Change | None:
    if before.defaulted and after.defaulted:
        if before.is_default and after.is_default:
            return None
        if before.implicit and not after.implicit and before.is_default:
            return AddElement(after)
        if not before.implicit and after.implicit and after.is_default:
            return RemoveElement(before)
    return _diff_config(before, before.config, after.config)


def _diff_config(member: Member, before: Config, after: Config) -> Change | None:
    if isinstance(before, Scalar) and isinstance(after, Scalar):
        return None if before.key == after.key else ModifyElement(member, after)
    if isinstance(before, Seq) and isinstance(after, Seq):
        return None if _config_id(before) == _config_id(after) else ModifyElement(member, after)
    if isinstance(before, Block) and isinstance(after, Block):
        changes = _diff_members(before.members, after.members)
        return ChangeBlock(member, tuple(changes)) if changes else None
    if isinstance(before, Opt) and isinstance(after, Opt):
        if before.config is None and after.config is None:
            return None
        if before.config is not None and after.config is not None:
            return None if _diff_config(member, before.config, after.config) is None else ModifyElement(member, after)
        return ModifyElement(member, after)
    return ModifyElement(member, after)


# -- migrations ----------------------------------------------------------------------------------------


def _migrations(before: Item, after: Item, items: list[Item]) -> tuple[t.Any, ...]:
    """The steps a collection's migrations not yet run make (core's MigrationValidator, which the schema
    manager runs on a modified collection): those after the longest head of `after`'s list that ends
    `before`'s, rewound from `after`'s fields. None when either side cannot be read: the manager's own
    checks say why."""
    if after.kind != "collection" or not after.definition.get("migrations"):
        return ()
    from ..eval.v10 import migrations as m
    from ..eval.v10.signatures import SignatureError
    from ..values import collection_ref, native

    names = {}
    for one in items:
        if one.kind == "collection":
            for name in (one.name, one.definition.get("alias")):
                if isinstance(name, str):
                    names[name] = collection_ref(one.name)
    names.update(Key=native("keys"), Token=native("tokens"), Credential=native("credentials"))
    try:
        pending = m.to_apply(m.items(before.definition.get("migrations")), m.items(after.definition["migrations"]))
        return tuple(m.Rewind(m.shape(after.definition, names.get)).run(pending).steps)
    except (FQLError, SignatureError, KeyError, TypeError, AttributeError, StopIteration):
        return ()


def _scala_set(names: t.Iterable[str]) -> list[str]:
    """The order Scala iterates an immutable Set of strings in, as core lists move_wildcard's fields: as
    built for up to four, else by the hash trie (CHAMP) of Scala's improved String.hashCode."""
    names = list(dict.fromkeys(names))
    if len(names) <= 4:
        return names

    def improved(text: str) -> int:
        h = 0
        for unit in text.encode("utf-16-be").hex(" ", 2).split():
            h = (31 * h + int(unit, 16)) & 0xFFFFFFFF
        h = (h + (~(h << 9) & 0xFFFFFFFF)) & 0xFFFFFFFF
        h ^= h >> 14
        h = (h + (h << 4)) & 0xFFFFFFFF
        return h ^ (h >> 10)

    def walk(group: list[str], shift: int) -> list[str]:
        if shift >= 32:
            return group
        slots: dict[int, list[str]] = {}
        for one in group:
            slots.setdefault((improved(one) >> shift) & 31, []).append(one)
        payload = [v[0] for _, v in sorted(slots.items()) if len(v) == 1]
        nodes = [one for _, v in sorted(slots.items()) if len(v) > 1 for one in walk(v, shift + 5)]
        return payload + nodes

    return walk(names, 0)


# -- rendering -----------------------------------------------------------------------------------------

_ANSI = {"green": "32", "red": "31", "yellow": "33", "blue": "34", "cyan": "36"}


class _Out:
    """Core's ColorBuilder and DiffRender's writer: text with indentation, and colour changes that are
    emitted (as few codes as will do) only when the next text is."""

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
                    args.append(_ANSI[fg])
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


class _Renderer:
    def __init__(self, before_files: dict[str, str], after_files: dict[str, str], color: bool):
        self.before_files = before_files
        self.after_files = after_files
        self.out = _Out(color)

    # titles

    def _where(self, item: Item, files: dict[str, str]) -> None:
        text = files.get(item.file)
        if text is None:
            self.out.append("<no source>")
            return
        line, col = position(text, item.span[0])
        self.out.append(f"{item.file}:{line}:{col}")

    def _title(self, verb: str, item: Item) -> None:
        self.out.bold()
        self.out.select("blue")
        self.out.write(f"* {verb} {item.kind} `{item.name}`")
        self.out.reset()

    def add_title(self, d: Add, colon: bool = False) -> None:
        self._title("Adding", d.item)
        self.out.write(" to ")
        self._where(d.item, self.after_files)
        self.out.writeln(":" if colon else "")

    def remove_title(self, d: Remove, colon: bool = False) -> None:
        self._title("Removing", d.item)
        self.out.write(" from ")
        self._where(d.item, self.before_files)
        self.out.writeln(":" if colon else "")

    def modify_title(self, d: Modify, colon: bool = False) -> None:
        self._title("Modifying", d.item)
        self.out.write(" at ")
        self._where(d.after, self.after_files)
        if d.is_move:
            self.out.write(" (previously defined at ")
            self._where(d.before, self.before_files)
            self.out.write(")")
        self.out.writeln(":" if colon else "")

    # whole diffs

    def add(self, d: Add) -> None:
        model = _model(d.item)
        changes = _diff_models(_empty(model), model)
        if changes:
            self.add_title(d, colon=True)
            self._indented(Modify(d.item, d.item, tuple(changes)))
        else:
            self.add_title(d)
            self.out.writeln()

    def remove(self, d: Remove) -> None:
        model = _model(d.item)
        changes = _diff_models(model, _empty(model))
        if changes:
            self.remove_title(d, colon=True)
            self._indented(Modify(d.item, d.item, tuple(changes)))
        else:
            self.remove_title(d)
            self.out.writeln()

    def modify(self, d: Modify) -> None:
        self.modify_title(d, colon=True)
        self._indented(d)

    def _indented(self, d: Modify) -> None:
        self.out.indent_level += 2
        self._summary(d)
        self.out.indent_level -= 2

    def _summary(self, d: Modify) -> None:
        changed = False
        if d.migrations:
            changed = True
            self.out.writeln("* Defined fields:")
            for step in d.migrations:
                self._step(step)
            self.out.writeln()
        if d.item.kind != "collection":
            if d.changes:
                changed = True
                for change in d.changes:
                    self._change(change)
                self.out.writeln()
        else:
            for heading in CATEGORIES:
                listed = [c for c in d.changes if category(c) == heading]
                if listed:
                    changed = True
                    self.out.writeln(f"* {heading}:")
                    for change in listed:
                        self._change(change)
                    self.out.writeln()
        if not changed:
            self.out.writeln("No semantic changes.")
            self.out.writeln()

    def _line(self, color: str, text: str) -> None:
        self.out.select(color)
        self.out.write(text)
        self.out.reset()
        self.out.writeln()

    def _step(self, step: t.Any) -> None:
        from ..eval.v10 import schema_types as st
        from ..eval.v10.migrations import show

        if step.kind == "add":
            if step.backfill is not None:
                self._line("green", f"+ add field `{show(step.field)}` with backfill `{step.backfill}`")
        elif step.kind == "drop":
            self._line("red", f"- drop field `{show(step.field)}`")
        elif step.kind == "move":
            self._line("yellow", f"~ move field `{show(step.field)}` to field `{show(step.to[0])}`")
        elif step.kind == "split":
            targets = ",".join(f"`{show(to)}`" for to, _, _ in step.to)
            self._line("yellow", f"~ split field `{show(step.field)}` into fields {targets}")
            self.out.indent_level += 2
            for i, (to, schema, _) in enumerate(step.to):
                where = "stays in" if to == step.field else "moves to"
                self.out.writeln(
                    f"- {'else ' if i else ''}if the value matches type `{st.display(schema)}`, "
                    f"the value {where} field `{show(to)}`"
                )
            self.out.indent_level -= 2
            for to, _, backfill in step.to:
                if backfill is not None:
                    self._line("yellow", f"+ backfill field `{show(to)}` with value `{backfill}`")
        elif step.kind == "move_conflicts":
            self._line("yellow", f"~ move values with type conflicts into `{show(step.field)}`")
        elif step.kind == "move_wildcard":
            kept = ", ".join(_scala_set(show((name,)) for name in step.keep))
            self._line(
                "yellow",
                f"~ move all fields into the field `{show(step.field)}` except fields in the list `[{kept}]`",
            )
        elif step.kind == "add_wildcard":
            self._line("green", "+ add a top-level wildcard")

    # changes

    def _change(self, change: Change) -> None:
        if isinstance(change, AddElement):
            self._line("green", "+ add " + _element(change.element))
        elif isinstance(change, RemoveElement):
            self._line("red", "- remove " + _element(change.element))
        elif isinstance(change, Rename):
            self._line("yellow", f"~ rename to `{change.after}`")
        elif isinstance(change, ModifyElement):
            self._line("yellow", "~ change " + _config_change(change.element, change.config))
        elif isinstance(change, ChangeBlock):
            self._line("yellow", "~ change " + _member(change.member))
            self.out.indent_level += 2
            for inner in change.changes:
                self._change(inner)
            self.out.indent_level -= 2
        elif isinstance(change, ReplaceBody):
            self._line("yellow", "~ change body")
        elif isinstance(change, ReplaceSignature):
            self._line("yellow", "~ change signature")
        elif isinstance(change, RemoveDefault):
            self._line("red", f"- remove default value from field `.{change.field.name}`")
        # A type change is never shown: it only comes up among a collection's changes, where it has no
        # heading (the migrations say what happens to the field).

    # textual

    def file_diff(self, before: str, after: str) -> None:
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
            self._line("cyan", f"@ line {start_line + 1} to {end_line}")
            for one in rows[start_row:end_row]:
                self._row(one)
            row, after_line = end_row, end_line

    def _row(self, row: tuple[str, str, str]) -> None:
        tag, old, new = row
        if tag == "insert":
            self.out.select("green")
            self._prefixed("+", new)
        elif tag == "delete":
            self.out.select("red")
            self._prefixed("-", old)
        elif tag == "change":
            self.out.select("red")
            self._prefixed("-", old)
            self.out.select("green")
            self._prefixed("+", new)
        else:
            self._prefixed(" ", old)

    def _prefixed(self, prefix: str, line: str) -> None:
        if line:
            self.out.write(f"{prefix} {line}")
        elif prefix != " ":
            self.out.write(prefix)
        self.out.reset()
        self.out.writeln()


def _element(element: Element) -> str:
    if isinstance(element, Annotation):
        return f"{element.kind} set to {element.config.text}"
    if isinstance(element, Field):
        return _field(element)
    return _member(element)


def _field(f: Field) -> str:
    if f.kind == "wildcard":
        return "implicit wildcard" if f.implicit else "wildcard"
    return f"{f.kind} `{f.name}`"


def _member_name(member: Member) -> str:
    if member.kind == "unique":
        return "unique constraint on "
    if member.kind == "check":
        return f"check constraint `{member.name}`"
    if member.kind in ("membership", "privileges"):
        return f"{member.kind} on `{member.name}`"
    return member.kind if member.name is None else f"{member.kind} `{member.name}`"


def _member(member: Member) -> str:
    text = _member_name(member)
    if member.kind == "unique":
        return text + _config(member.config)
    if isinstance(member.config, (Opt, Block)) or (
        isinstance(member.config, Scalar) and member.config.kind in ("check", "migrations")
    ):
        return text
    return f"{text} set to {_config(member.config)}"


def _config(config: Config) -> str:
    """Core's renderConfig: a scalar or a list as FSL writes it, a predicate as `a predicate`."""
    if isinstance(config, Block):
        return ""
    if isinstance(config, Opt):
        return "" if config.config is None else _config(config.config)
    if isinstance(config, Seq):
        return "[" + ", ".join(c.text for c in config.configs) + "]"
    if config.kind == "predicate":
        return "a predicate"
    if config.kind in ("check", "migrations"):
        return ""
    return config.text


def _summarize(before: Config, after: Config) -> str:
    if isinstance(before, Opt) and isinstance(after, Opt):
        if before.config is None and after.config is not None:
            return " by adding " + _config(after.config)
        if before.config is not None and after.config is None:
            return " by removing " + _config(before.config)
        if before.config is not None and after.config is not None:
            return " by modifying" + _summarize(before.config, after.config)
        return ""
    if isinstance(before, Scalar) and isinstance(after, Scalar) and before.kind == after.kind:
        if before.kind == "check":
            return " body"
        if before.kind == "predicate":
            return " its predicate"
        if before.kind == "migrations":
            return ""
    return f" from {_config(before)} to {_config(after)}"


def _config_change(element: Element, after: Config) -> str:
    if isinstance(element, Annotation):
        return f"{element.kind} set to {element.config.text}"
    if isinstance(element, Field):
        return _field(element)
    return _member_name(element) + _summarize(element.config, after)


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


# -- the entry point -----------------------------------------------------------------------------------

_ORDER = {Add: 0, Remove: 1, Modify: 2}
RENDERINGS = ("semantic", "summary", "textual")


def _sort_key(d: Diff) -> tuple[int, int, str]:
    """Core's order for showing diffs: adds, removes, then modifications; by kind, then name."""
    kind = d.item.kind
    return (_ORDER[type(d)], KINDS.index(kind) if kind in KINDS else len(KINDS), d.item.name)


def render(
    kind: str,
    before_files: dict[str, str],
    after_files: dict[str, str],
    diffs: t.Sequence[Diff] = (),
    color: bool = False,
) -> str:
    """The diff as core renders it: `semantic` (core's renderSemantic: each item and its changes),
    `summary` (renderSummary: a line per item) or `textual` (renderTextual: a line diff of each file that
    changes, in hunks, line numbers the after file's; `diffs` are not used). `before_files` and
    `after_files` map a file name to its text; items' positions are read from them."""
    if kind not in RENDERINGS:
        raise ValueError(f"unknown diff rendering {kind!r} (expected one of {', '.join(RENDERINGS)})")
    r = _Renderer(before_files, after_files, color)
    if kind == "textual":
        first = True
        for name in sorted(set(before_files) | set(after_files)):
            old, new = before_files.get(name, ""), after_files.get(name, "")
            if old == new:
                continue
            if not first:
                r.out.writeln()
            first = False
            r.out.bold()
            r.out.write(name)
            r.out.reset()
            r.out.writeln()
            r.file_diff(old, new)
        return r.out.result()
    for d in sorted(diffs, key=_sort_key):
        if kind == "semantic":
            {Add: r.add, Remove: r.remove, Modify: r.modify}[type(d)](d)
        else:
            {Add: r.add_title, Remove: r.remove_title, Modify: r.modify_title}[type(d)](d)
    return r.out.result()
