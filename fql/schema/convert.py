"""FSL nodes to items, checked as core's SchemaItemConverter checks them (duplicates, unknown members,
misplaced annotations, malformed predicates...), each definition in the shape core's SchemaToStruct
stores: FQL re-written as core displays it (display.py), types as signatures.py shows them."""

from __future__ import annotations

import typing as t

from .. import ast
from ..eval.v10 import signatures
from . import display
from .errors import Diagnostic
from .nodes import Annotation, Block, Field, Function, Lit, Migration, Name, Node, Paths, Term

#: Field names core keeps for document metadata and methods (Tokens.SpecialFieldNames).
RESERVED_FIELDS = frozenset(
    ("id", "coll", "ts", "data", "delete", "update", "replace", "updateData", "replaceData", "exists", "ttl")
)
ACTIONS = frozenset(
    ("create", "create_with_id", "delete", "read", "write", "history_read", "history_write", "unrestricted_read")
    + ("call",)
)

#: (kind, name, definition, span, references) for each item; a reference is (member, name, start, end):
#: a role's `membership` or `privileges` resource, an access provider's `role`, where its name is written.
Converted = tuple[str, str, dict, tuple[int, int], tuple[tuple[str, str, int, int], ...]]


def convert(nodes: list[Node]) -> tuple[list[Converted], list[Diagnostic]]:
    """The items the nodes declare, and the errors core would report about them."""
    converter = _Converter()
    items = converter.items(nodes)
    return items, converter.errors


def span_of(value: t.Any) -> tuple[int, int]:
    return value.start, value.end


class _Seen:
    """Names seen once already in one scope (core's DupeList): a second is `Duplicate <what> `name``."""

    def __init__(self, conv: _Converter, what: str):
        self.conv, self.what, self.seen = conv, what, {}

    def __contains__(self, name: Name) -> bool:
        return name.text in self.seen

    def check(self, name: Name) -> None:
        first = self.seen.get(name.text)
        if first is None:
            self.seen[name.text] = (name.start, name.end)
            return
        hint = Diagnostic("Originally defined here", *first)
        self.conv.emit(f"Duplicate {self.what} `{name.text}`", name.start, name.end, hints=(hint,))


class _Once:
    """A member that may be stated once (core's DupeItem)."""

    def __init__(self, conv: _Converter, what: str):
        self.conv, self.what, self.first = conv, what, None

    def check(self, span: tuple[int, int]) -> None:
        if self.first is None:
            self.first = span
            return
        self.conv.emit(f"Duplicate {self.what}", *span, hints=(Diagnostic("Originally defined here", *self.first),))

    def assert_seen(self, span: tuple[int, int]) -> None:
        if self.first is None:
            self.conv.emit(f"Missing {self.what}", *span)


class _Converter:
    def __init__(self) -> None:
        self.errors: list[Diagnostic] = []

    def emit(self, message: str, start: int, end: int, hints: tuple = (), annotation: str | None = None) -> None:
        self.errors.append(Diagnostic(message, start, end, annotation, hints))

    # -- small checks ---------------------------------------------------------------------------------

    def value(self, node: Node) -> t.Any:
        if node.value is None:
            self.emit("Missing required value", node.start, node.end)
        return node.value

    def name(self, name: Name | None, span: tuple[int, int]) -> Name | None:
        if name is None:
            self.emit("Missing required name", *span)
        return name

    def identifier(self, name: Name | None, span: tuple[int, int]) -> Name | None:
        if name is None:
            self.emit("Missing required name", *span)
        elif name.text != "*" and not display.is_ident(name.text):
            self.emit(f"Invalid identifier `{name.text}`", name.start, name.end)
            return None
        return name

    def block(self, value: t.Any) -> Block | None:
        if not isinstance(value, Block):
            self.emit("Expected a block", *span_of(value))
            return None
        return value

    def optional_block(self, value: t.Any) -> Block | None:
        return None if value is None else self.block(value)

    def no_annotations(self, annotations: list[Annotation]) -> None:
        if annotations:
            self.emit("Annotations are not allowed here", annotations[0].start, annotations[0].end)

    def no_name(self, name: Name | None) -> None:
        if name is not None:
            self.emit("Name is not allowed here", name.start, name.end)

    def allowed_annotations(self, annotations: list[Annotation], *keywords: str) -> None:
        for ann in annotations:
            if ann.keyword.text not in keywords:
                self.emit("Annotation not supported here", ann.start, ann.end)

    def annotation(self, annotations: list[Annotation], keyword: str) -> Annotation | None:
        found = [a for a in annotations if a.keyword.text == keyword]
        for ann in found[1:]:
            hint = Diagnostic("Originally defined here", found[0].start, found[0].end)
            self.emit(f"Duplicate annotation `{keyword}`", ann.start, ann.end, hints=(hint,))
        return found[0] if found else None

    # -- items ------------------------------------------------------------------------------------------

    def items(self, nodes: list[Node]) -> list[Converted]:
        # Collections and functions share a namespace; roles and access providers each have their own.
        self.named = _Seen(self, "collection or function")
        self.roles = _Seen(self, "role")
        self.providers = _Seen(self, "access provider")
        self.nodes = nodes
        self.collection_names = {n.name.text for n in nodes if n.kw.text == "collection" and n.name}
        out = []
        for node in nodes:
            reader = {
                "collection": self.collection,
                "function": self.function,
                "role": self.role,
                "access provider": self.access_provider,
            }.get(node.kw.text)
            if reader is None:
                self.emit(f"Invalid schema item `{node.kw.text}`", node.kw.start, node.kw.end)
                continue
            self.refs: list[tuple[str, str, int, int]] = []
            converted = reader(node)
            if converted is not None:
                name, definition = converted
                out.append((node.kw.text, name, definition, (node.start, node.end), tuple(self.refs)))
        return out

    def collection(self, node: Node) -> tuple[str, dict] | None:
        name = self.name(node.name, span_of(node.kw))
        if name is None:
            return None
        self.allowed_annotations(node.annotations, "alias")
        alias = self.annotation(node.annotations, "alias")
        self.named.check(name)
        if alias is not None:
            self.named.check(alias.value)
        value = self.value(node)
        block = value and self.block(value)
        if block is None:
            return None
        definition = {"alias": alias.value.text} if alias else {}
        definition.update(_Collection(self).members(block.items))
        return name.text, definition

    def function(self, node: Node) -> tuple[str, dict] | None:
        name = self.name(node.name, span_of(node.kw))
        if name is None:
            return None
        self.allowed_annotations(node.annotations, "alias", "role")
        alias = self.annotation(node.annotations, "alias")
        # A function may share a collection's name when it has an alias (the collection wins the name).
        shadowed = name.text in self.collection_names
        if name in self.named and alias is not None and shadowed:
            self.named.check(alias.value)
        else:
            self.named.check(name)
            if alias is not None:
                self.named.check(alias.value)
        value = self.value(node)
        if value is None:
            return None
        if not isinstance(value, Function):
            self.emit("Expected a function definition", *span_of(value))
            return None
        self.check_signature(value)
        role = self.annotation(node.annotations, "role")
        return name.text, _function(value, alias, role)

    def check_signature(self, fn: Function) -> None:
        """All parameters typed and a return type, or none of either."""
        args = [a for a in fn.args if not a.variadic] + [a for a in fn.args if a.variadic]
        if not args:
            return
        first = args[0]
        typed = first.type is not None
        if typed:
            hint = Diagnostic("Expecting types due to this type annotation", first.type.start, first.type.end)
        else:
            message = "Expecting no types due to this argument not having a type"
            hint = Diagnostic(message, first.name.start, first.name.end)
        for arg in args:
            if typed != (arg.type is not None):
                self.emit("All or no arguments must have a type", arg.name.start, arg.name.end, hints=(hint,))
        if typed and fn.ret is None:
            self.emit("Return type is required when arguments have a type", fn.close_paren, fn.close_paren + 1, (hint,))
        elif not typed and fn.ret is not None:
            message = "Return type is not allowed when arguments do not have a type"
            self.emit(message, fn.ret.start, fn.ret.end, hints=(hint,))

    def role(self, node: Node) -> tuple[str, dict] | None:
        found = self.named_block(node, self.roles)
        return None if found is None else (found[0], self.role_members(found[1].items))

    def named_block(self, node: Node, names: t.Any) -> tuple[str, Block] | None:
        """A role's or an access provider's name (checked against the others of its kind) and block:
        neither takes annotations."""
        self.no_annotations(node.annotations)
        name = self.name(node.name, span_of(node.kw))
        if name is None:
            return None
        names.check(name)
        value = self.value(node)
        block = value and self.block(value)
        if block is None:
            return None
        return name.text, block

    def role_members(self, nodes: list[Node]) -> dict:
        privileges, membership = [], []
        seen_privileges, seen_membership = _Seen(self, "privileges"), _Seen(self, "membership")
        for node in nodes:
            kw = node.kw.text
            if kw not in ("privileges", "membership"):
                self.emit(f"Invalid member `{kw}`", node.kw.start, node.kw.end)
                continue
            self.no_annotations(node.annotations)
            name = self.name(node.name, span_of(node.kw))
            if name is None:
                continue
            self.refs.append((kw, name.text, name.start, name.end))
            if kw == "privileges":
                seen_privileges.check(name)
                value = self.value(node)
                block = value and self.block(value)
                if block is None:
                    continue
                entry: dict = {"resource": name.text}
                actions = self.actions(block.items)
                if actions:
                    entry["actions"] = actions
                privileges.append(entry)
            else:
                seen_membership.check(name)
                entry = {"resource": name.text}
                block = self.optional_block(node.value)
                predicate = block and self.predicate(block)
                if predicate is not None:
                    entry["predicate"] = predicate
                membership.append(entry)
        definition = {}
        if privileges:
            definition["privileges"] = privileges
        if membership:
            definition["membership"] = membership
        return definition

    def actions(self, nodes: list[Node]) -> dict:
        out: dict = {}
        seen = _Seen(self, "action")
        for node in nodes:
            self.no_annotations(node.annotations)
            self.no_name(node.name)
            if node.kw.text not in ACTIONS:
                self.emit(f"Invalid action `{node.kw.text}`", node.kw.start, node.kw.end)
                continue
            seen.check(node.kw)
            block = self.optional_block(node.value)
            predicate = block and self.predicate(block)
            out[node.kw.text] = True if predicate is None else predicate
        return out

    def predicate(self, block: Block) -> str | None:
        """`{ predicate ((x) => ...) }`: the lambda as core stores it."""
        if len(block.items) != 1:
            self.emit("Expected a single predicate member", block.start, block.end)
            return None
        item = block.items[0]
        if item.kw.text != "predicate":
            self.emit("Expecting a predicate", item.start, item.end)
            return None
        self.no_annotations(item.annotations)
        self.no_name(item.name)
        value = self.value(item)
        if value is None:
            return None
        if not isinstance(value, Lit):
            self.emit("Expected an expression literal", *span_of(value))
            return None
        lam = display.paren_lambda(value.node)
        if lam is None:
            self.emit("Expected lambda predicate", value.start, value.end)
            return None
        return display.lambda_text(lam)

    def access_provider(self, node: Node) -> tuple[str, dict] | None:
        found = self.named_block(node, self.providers)
        return None if found is None else (found[0], self.provider_members(found[1]))

    def provider_members(self, block: Block) -> dict:
        issuer, jwks = _Once(self, "issuer"), _Once(self, "jwks uri")
        seen_roles = _Seen(self, "role")
        definition: dict = {}
        roles: list = []
        for node in block.items:
            kw = node.kw.text
            if kw in ("issuer", "jwks_uri"):
                self.no_annotations(node.annotations)
                self.no_name(node.name)
                (issuer if kw == "issuer" else jwks).check(span_of(node.kw))
                value = self.value(node)
                text = None if value is None else self.string(value)
                if text is not None:
                    definition[kw] = text
            elif kw == "role":
                self.no_annotations(node.annotations)
                name = self.name(node.name, (node.start, node.end))
                if name is None:
                    continue
                seen_roles.check(name)
                self.refs.append(("role", name.text, name.start, name.end))
                block_value = self.optional_block(node.value)
                predicate = block_value and self.predicate(block_value)
                roles.append(name.text if predicate is None else {"role": name.text, "predicate": predicate})
            else:
                self.emit(f"Invalid member `{kw}`", node.kw.start, node.kw.end)
        issuer.assert_seen(span_of(block))
        jwks.assert_seen(span_of(block))
        if roles:
            definition["roles"] = roles
        return definition

    # -- literals ---------------------------------------------------------------------------------------

    def string(self, value: t.Any) -> str | None:
        node = value.node if isinstance(value, Lit) else None
        if isinstance(node, ast.Literal) and isinstance(node.value, str):
            return node.value
        if isinstance(node, ast.Template):
            for part in node.parts:
                if not isinstance(part, str):
                    # A Lit's tree has offsets into its own text, which starts at value.start.
                    where = (value.start + part.span.start, value.start + part.span.end)
                    self.emit("Cannot interpolate values in a string literal", *where)
            return None
        self.emit("Expected string literal", *span_of(value))
        return None

    def integer(self, value: t.Any) -> int | None:
        node = value.node if isinstance(value, Lit) else None
        if isinstance(node, ast.Literal) and type(node.value) is int:
            # Core's tree holds a BigInt and takes `v.toLong`: its low 64 bits, signed.
            return (node.value + (1 << 63)) % (1 << 64) - (1 << 63)
        self.emit("Expected integer literal", *span_of(value))
        return None

    def boolean(self, value: t.Any) -> bool | None:
        node = value.node if isinstance(value, Lit) else None
        if isinstance(node, ast.Literal) and isinstance(node.value, bool):
            return node.value
        self.emit("Expected boolean literal", *span_of(value))
        return None


class _Collection:
    """The members of one collection's block."""

    def __init__(self, conv: _Converter):
        self.conv = conv
        self.fields: dict = {}
        self.computed: dict = {}
        self.wildcard: str | None = None
        self.indexes: dict = {}
        self.uniques: list = []
        self.checks: list = []
        self.migrations: list | None = None
        self.settings: dict = {}

    def members(self, nodes: list[Node]) -> dict:
        conv = self.conv
        seen = {
            "index": _Seen(conv, "index name"),
            "check": _Seen(conv, "check constraint name"),
            "field": _Seen(conv, "field"),
        }
        once = {
            "migrations": _Once(conv, "migration block"),
            "history_days": _Once(conv, "history days"),
            "ttl_days": _Once(conv, "ttl days"),
            "document_ttls": _Once(conv, "document TTLs"),
        }
        unique_terms: dict = {}
        for node in nodes:
            kw = node.kw.text
            if kw not in ("index", "unique", "field", "check", *once):
                conv.emit(f"Invalid field or member `{kw}`", node.kw.start, node.kw.end)
                continue
            conv.no_annotations(node.annotations)
            if kw == "index":
                self.index(node, seen["index"])
            elif kw == "unique":
                self.unique(node, unique_terms)
            elif kw == "field":
                self.field(node, seen["field"])
            elif kw == "check":
                self.check(node, seen["check"])
            elif kw == "migrations":
                once[kw].check((node.start, node.end))
                value = conv.value(node)
                conv.no_name(node.name)
                if value is not None:
                    self.migration_block(value, (node.start, node.end))
            else:
                conv.no_name(node.name)
                once[kw].check((node.start, node.end))
                value = conv.value(node)
                if value is None:
                    continue
                setting = conv.boolean(value) if kw == "document_ttls" else conv.integer(value)
                if setting is not None:
                    self.settings[kw] = setting
        return self.definition()

    def definition(self) -> dict:
        out: dict = {}
        if self.fields:
            out["fields"] = self.fields
        if self.wildcard is not None:
            out["wildcard"] = self.wildcard
        if self.computed:
            out["computed_fields"] = self.computed
        if self.indexes:
            out["indexes"] = self.indexes
        if self.uniques or self.checks:
            out["constraints"] = self.uniques + self.checks
        if self.migrations:
            out["migrations"] = self.migrations
        for key in ("history_days", "ttl_days", "document_ttls"):
            if key in self.settings:
                out[key] = self.settings[key]
        return out

    def named(self, node: Node, seen: _Seen) -> tuple[Name | None, t.Any]:
        """A named member's name (each name once among its kind) and value; no name, nothing."""
        name = self.conv.identifier(node.name, span_of(node.kw))
        if name is None:
            return None, None
        seen.check(name)
        return name, self.conv.value(node)

    def index(self, node: Node, seen: _Seen) -> None:
        conv = self.conv
        name, value = self.named(node, seen)
        if name is None:
            return
        block = value and conv.block(value)
        if block is None:
            return
        index: dict = {}
        terms, values = _Once(conv, "terms definition"), _Once(conv, "values definition")
        for member in block.items:
            kw = member.kw.text
            if kw not in ("terms", "values"):
                conv.emit(f"Invalid member `{kw}`", member.kw.start, member.kw.end)
                continue
            conv.no_annotations(member.annotations)
            conv.no_name(member.name)
            (terms if kw == "terms" else values).check((member.start, member.end))
            paths = conv.value(member)
            if paths is None:
                continue
            found = self.terms(paths) if kw == "terms" else self.values(paths)
            if found:
                index[kw] = [_term_entry(term, mva, asc, kw == "values") for term, mva, asc in found]
        self.indexes[name.text] = index

    def terms(self, value: t.Any, what: str = "terms") -> list | None:
        """`[.a, mva(.b)]` as (term, mva, asc) each (core's indexTerms)."""
        if not isinstance(value, Paths):
            self.conv.emit(f"Expected an array of {what}", *span_of(value))
            return None
        out = []
        for term in value.terms:
            mva = False
            if term.wrappers:
                if term.wrappers[0].text != "mva":
                    self.conv.emit("Expected 'mva'", term.wrappers[0].start, term.wrappers[0].end)
                    term = _no_path(term)
                elif len(term.wrappers) > 1:
                    self.conv.emit("Invalid field path", term.wrappers[1].start, term.end - 1)
                    term = _no_path(term)
                mva = True
            self.path_error(term)
            out.append((term, mva, True))
        return out

    def values(self, value: t.Any) -> list | None:
        """`[.a, desc(.b), mva(.c)]` as (term, mva, asc) each (core's indexValues)."""
        if not isinstance(value, Paths):
            self.conv.emit("Expected an array of values", *span_of(value))
            return None
        out = []
        for term in value.terms:
            asc, mva, bad = True, False, None
            wrappers = term.wrappers
            if len(wrappers) == 1:
                fn = wrappers[0]
                if fn.text not in ("asc", "desc", "mva"):
                    bad = fn
                asc, mva = fn.text != "desc", fn.text == "mva"
            elif len(wrappers) == 2:
                order, multi = sorted(wrappers, key=lambda w: w.text)  # "asc" < "desc" < "mva"
                bad = order if order.text not in ("asc", "desc") else multi if multi.text != "mva" else None
                asc, mva = order.text == "asc", True
            elif wrappers:
                self.conv.emit("Invalid field path", wrappers[2].start, term.end - 2)
                term = _no_path(term)
            if bad is not None:
                self.conv.emit("Expected 'asc', 'desc', or 'mva'", bad.start, bad.end)
                term, asc, mva = _no_path(term), True, False
            self.path_error(term)
            out.append((term, mva, asc))
        return out

    def path_error(self, term: Term) -> None:
        if term.error is not None:
            self.conv.emit(*term.error)

    def unique(self, node: Node, seen: dict) -> None:
        conv = self.conv
        conv.no_name(node.name)
        value = conv.value(node)
        if value is None:
            return
        terms = self.terms(value)
        if not terms:
            conv.emit("Expected non-empty terms for a unique constraint", *span_of(value))
            return
        key = frozenset((term.path, mva) for term, mva, _ in terms)
        if key in seen:
            hint = Diagnostic("This unique constraint covers the same fields.", *seen[key])
            conv.emit("Duplicate unique constraint.", *span_of(value), hints=(hint,))
        else:
            seen[key] = span_of(value)
        self.uniques.append({"unique": [_term_entry(term, mva, True, False) for term, mva, _ in terms]})

    def check(self, node: Node, seen: _Seen) -> None:
        conv = self.conv
        name, value = self.named(node, seen)
        if value is None:
            return
        if not isinstance(value, Lit):
            conv.emit("Expected an expression literal", *span_of(value))
            return
        lam = display.paren_lambda(value.node)
        if lam is None:
            if isinstance(value.node, ast.Arrow):
                note = "Check constraints require parenthesis around the lambda"
                conv.emit("Expected lambda check predicate", value.start, value.end, annotation=note)
            else:
                conv.emit("Expected lambda check predicate", value.start, value.end)
            return
        self.checks.append({"check": {"name": name.text, "body": display.lambda_text(lam)}})

    def field(self, node: Node, seen: _Seen) -> None:
        conv = self.conv
        name = conv.identifier(node.name, (node.start, node.end))
        if name is None:
            return
        if name.text in RESERVED_FIELDS:
            conv.emit(f"Invalid reserved name `{name.text}`", node.start, node.end)
            return
        seen.check(name)
        field: Field = node.value
        signature = None if field.type is None else signatures.show(field.type.texpr)
        if field.kind == "compute":
            if field.value is None:
                conv.emit("Computed fields require a value", node.kw.start, node.kw.end)
                return
            fql = field.value.node
            lam = display.paren_lambda(fql) or (fql if isinstance(fql, ast.Arrow) else None)
            if lam is None:
                conv.emit("Expected lambda", field.value.start, field.value.end)
                return
            entry = {"body": display.lambda_text(lam)}
            if signature is not None:
                entry["signature"] = signature
            self.computed[name.text] = entry
        elif field.kind == "defined":
            if signature is None:
                conv.emit("Expected a type signature", node.start, node.end)
                return
            entry = {"signature": signature}
            if field.value is not None:
                entry["default"] = display.expr(field.value.node)
            self.fields[name.text] = entry
        elif field.value is not None:
            conv.emit("No default allowed for wildcard field", field.value.start, field.value.end)
        else:
            self.wildcard = signature

    def migration_block(self, value: t.Any, span: tuple[int, int]) -> None:
        conv = self.conv
        if not isinstance(value, Block):
            conv.emit("Expected a migration block", *span_of(value))
            return
        out = []
        for item in value.items:
            if isinstance(item.value, Migration):
                conv.no_annotations(item.annotations)
                conv.no_name(item.name)
                entry = self.migration(item.value)
                if entry is not None:
                    out.append(entry)
            elif item.value is not None:
                conv.emit("Only migrations are allowed in migration blocks", *span_of(item.value))
            else:
                conv.emit("Expected a migration", item.start, item.end)
        if not value.items:
            conv.emit("Empty migration blocks are not allowed", *span)
            return
        self.migrations = out

    def migration(self, m: Migration) -> dict | None:
        for term in m.paths:
            if any(isinstance(step, int) for step in term.path):
                self.conv.emit("Cannot index into an item in a migration path", term.start, term.end)
        paths = [display.path_text(term.path) for term in m.paths]
        if m.kind == "backfill":
            return {"backfill": {"field": paths[0], "value": display.expr(m.value.node)}}
        if m.kind == "split":
            into = paths[1:]
            if len(into) < 2:
                self.conv.emit("Expected at least two fields to split into", m.start, m.end)
                return None
            if len(set(p.path for p in m.paths[1:])) < len(into):
                self.conv.emit("Expected list of fields with no duplicates", m.paths[1].start, m.paths[-1].end)
                return None
            return {"split": {"field": paths[0], "to": into}}
        if m.kind == "move":
            return {"move": {"field": paths[0], "to": paths[1]}}
        if m.kind in ("move_conflicts", "move_wildcard"):
            return {m.kind: {"into": paths[0]}}
        if m.kind == "add_wildcard":
            return {"add_wildcard": {}}
        return {m.kind: {"field": paths[0]}}


# -- stored text ----------------------------------------------------------------------------------------


def _term_entry(term: Term, mva: bool, asc: bool, ordered: bool) -> dict:
    entry: dict = {"field": display.path_text(term.path)}
    if ordered:
        entry["order"] = "asc" if asc else "desc"
    entry["mva"] = mva
    return entry


def _no_path(term: Term) -> Term:
    return Term((), term.wrappers, term.start, term.end)


def _function(fn: Function, alias: Annotation | None, role: Annotation | None) -> dict:
    """Core's displayAsUDFBody and displayAsUDFSig (only when every parameter and the result are typed)."""
    params = ", ".join(("..." if a.variadic else "") + a.name.text for a in fn.args)
    definition = {"body": f"({params}) => " + display.block(fn.body)}
    if fn.ret is not None and all(a.type is not None for a in fn.args):
        typed = ", ".join(
            f"{a.name.text}: {'...' if a.variadic else ''}{signatures.show(a.type.texpr)}" for a in fn.args
        )
        definition["signature"] = f"({typed}) => {signatures.show(fn.ret.texpr)}"
    if role is not None:
        definition["role"] = role.value.text
    if alias is not None:
        definition["alias"] = alias.value.text
    return definition
