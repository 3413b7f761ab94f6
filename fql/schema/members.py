"""An FSL item's parts as core's SchemaItem has them, for diffing: annotations, fields and members, each
with the identity core pairs them by and the values it compares, built from an Item's definition (the shape
the schema documents store)."""

from __future__ import annotations

import re
import typing as t

from attrs import field, frozen

from .. import ast
from ..errors import FQLError
from . import display
from .items import KINDS, Item

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
            return (self.kind, config_id(self.config))
        return self.kind


Element = t.Union[Annotation, Field, Member]


def config_id(config: Config | None) -> t.Any:
    """What a config is compared by (core's Config.id)."""
    if config is None:
        return None
    if isinstance(config, Scalar):
        return config.key
    if isinstance(config, Seq):
        return tuple(c.key for c in config.configs)
    if isinstance(config, Opt):
        return None if config.config is None else ("some", config.config.key)
    return tuple(m.id for m in config.members)


# -- items as core models them -------------------------------------------------------------------------


@frozen
class Model:
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


def model(item: Item, stored_history_days: int | None = None) -> Model:
    """`item` as core models it; ValueError when its definition is not one of its kind's. A collection
    whose FSL leaves `history_days` out has the default, or `stored_history_days` (core's fillDefaults
    gives the items of the schema in place the value their collection has)."""
    d = item.definition
    if not isinstance(d, dict):
        raise ValueError(f"the definition of {item.kind} `{item.name}` is not an object")
    try:
        if item.kind == "collection":
            return _collection(item.name, d, stored_history_days)
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


def _collection(name: str, d: dict, stored_history_days: int | None = None) -> Model:
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
    # Core keeps uniques and checks apart (uniques first), each in the order written.
    for c in constraints:
        if "unique" in c:
            members.append(Member("unique", Seq(tuple(_term(x) for x in c["unique"])), repeated=True))
    for c in constraints:
        if "check" in c:
            members.append(Member("check", _lambda("check", c["check"]["body"]), name=c["check"]["name"]))
    days = d.get("history_days")
    implicit = days if days is not None else stored_history_days
    members.append(
        Member(
            "history_days",
            _long(DEFAULT_HISTORY_DAYS if implicit is None else implicit),
            defaulted=True,
            implicit=days is None,
            is_default=implicit is None or implicit == DEFAULT_HISTORY_DAYS,
        )
    )
    if d.get("ttl_days") is not None:
        members.append(Member("ttl_days", _long(d["ttl_days"])))
    if d.get("document_ttls") is not None:
        members.append(Member("document_ttls", _bool(d["document_ttls"])))
    if d.get("migrations"):
        members.append(Member("migrations", _migrations_block(d["migrations"])))
    return Model("collection", name, _annotations(d, "alias"), tuple(fields), tuple(members))


def _index(name: str, spec: dict) -> Member:
    members = []
    if spec.get("terms") is not None:
        members.append(Member("terms", Seq(tuple(_term(x) for x in spec["terms"]))))
    if spec.get("values") is not None:
        members.append(Member("values", Seq(tuple(_value(x) for x in spec["values"]))))
    return Member("index", Block(tuple(members)), name=name)


def _role(name: str, d: dict) -> Model:
    members = []
    for privilege in _listed(d.get("privileges")):
        actions = tuple(
            Member(action, Opt(None if pred is True else _lambda("predicate", pred)))
            for action, pred in (privilege.get("actions") or {}).items()
            if pred is not False and pred is not None
        )
        members.append(Member("privileges", Block(actions), name=privilege["resource"]))
    for membership in _listed(d.get("membership")):
        members.append(Member("membership", _predicate(membership.get("predicate")), name=membership["resource"]))
    return Model("role", name, members=tuple(members))


def _listed(value: t.Any) -> list:
    """A role's `privileges` or `membership`, or an access provider's `roles`: an array of them, or one
    written alone (core takes either, and keeps what was written)."""
    if isinstance(value, (dict, str)):
        return [value]
    return value or []


def _provider(name: str, d: dict) -> Model:
    members = [Member("issuer", _str(d["issuer"])), Member("jwks_uri", _str(d["jwks_uri"]))]
    for role in _listed(d.get("roles")):
        if isinstance(role, str):
            members.append(Member("role", Opt(None), name=role))
        else:
            members.append(Member("role", _predicate(role.get("predicate")), name=role["role"]))
    return Model("access provider", name, members=tuple(members))


def _predicate(text: t.Any) -> Opt:
    """A membership's or a provider role's optional predicate."""
    return Opt(None if text is None else _lambda("predicate", text))


def _function(name: str, d: dict) -> Model:
    body = d["body"]
    arrow = _parse(body)
    if isinstance(arrow, ast.Arrow):
        params, inner = (arrow.params, arrow.rest), _unblock(arrow.body)
    else:
        params, inner = None, ("text", squash(body))
    signature = None if d.get("signature") is None else squash(d["signature"])
    return Model("function", name, _annotations(d, "alias", "role"), params=params, signature=signature, body=inner)


def empty(model: Model) -> Model:
    """Core's makeEmptyItem: the item with nothing optional, what an added or removed item is compared
    with to list what it states. A function keeps its signature and body, an access provider its issuer
    and JWKS URI."""
    if model.kind == "collection":
        return Model(model.kind, model.name, members=(_collection(model.name, {}).members))
    if model.kind == "function":
        return Model(model.kind, model.name, params=model.params, signature=model.signature, body=model.body)
    if model.kind == "access provider":
        return Model(model.kind, model.name, members=model.members[:2])
    return Model(model.kind, model.name)


# -- scalars -------------------------------------------------------------------------------------------

_TOKENS = re.compile(r"\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'|\S")


def squash(text: str) -> str:
    """`text` without the spaces between its tokens (string literals kept whole): what a type or a
    signature is compared by."""
    return "".join(_TOKENS.findall(str(text)))


def _ident(value: t.Any) -> Scalar:
    text = str(value)
    return Scalar("id", display.ident(text), text)


def _long(value: t.Any) -> Scalar:
    return Scalar("long", str(value), ("long", value))


def _bool(value: t.Any) -> Scalar:
    return Scalar("bool", "true" if value else "false", ("bool", bool(value)))


def _str(value: t.Any) -> Scalar:
    return Scalar("str", display.quote(str(value)), ("str", str(value)))


def _parse(text: str) -> t.Any:
    """The expression `text` holds, parsed as v10 FQL (spans are not compared); None if it does not parse."""
    try:
        program = display.parse_kept(str(text))
    except FQLError:
        return None
    body = getattr(program, "body", None)
    return body[0] if isinstance(body, tuple) and len(body) == 1 else program


def _unblock(node: t.Any) -> t.Any:
    """`{ x }` is `x`: FSL writes a function's body as a block, a stored body may not."""
    while isinstance(node, ast.Block) and len(node.body) == 1 and not isinstance(node.body[0], ast.Let):
        node = node.body[0]
    return node


def _expr_key(text: str) -> t.Any:
    parsed = _parse(text)
    return ("text", squash(text)) if parsed is None else ("expr", _unblock(parsed))


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
    return Scalar("term", f"mva({path})" if mva else path, (squash(path), mva))


def _value(value: t.Any) -> Scalar:
    """An index value: `.a`, `mva(.a)`, `desc(.a)`."""
    if isinstance(value, str):
        path, mva, asc = value, False, True
    else:
        path, mva, asc = value["field"], bool(value.get("mva")), value.get("order", "asc") != "desc"
    path = _path(path)
    text = f"mva({path})" if mva else path
    return Scalar("value", text if asc else f"desc({text})", (squash(path), mva, asc))


def _migrations_block(migrations: list) -> Scalar:
    key = []
    for raw in migrations:
        kind, body = next(iter(raw.items()))
        body = body or {}
        key.append(
            (
                kind,
                tuple(
                    (k, _expr_key(v) if k == "value" else tuple(map(squash, v)) if isinstance(v, list) else squash(v))
                    for k, v in sorted(body.items())
                ),
            )
        )
    return Scalar("migrations", "", tuple(key))
