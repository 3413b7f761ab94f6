"""FSL generated from stored definitions, as core writes it (SourceGenerator and SchemaTranslator, printed
by its Displayer: fql/schema/display.py): `generate` gives one item's text, `derive` the whole `main.fsl`
of a database whose schema was made with FQL.

Core leaves out what FSL does not show (`history_days` when it is the default, a disabled action) and
what it cannot (v4 functions, roles and access providers), and writes members in its own order: a
collection's defined fields, computed fields and wildcard, then indexes, uniques, checks,
`history_days`, `ttl_days`, `document_ttls` and `migrations`.
"""

from __future__ import annotations

import typing as t

from .. import ast, stack
from ..errors import StackOverflow
from ..scala import map_order
from ..eval.v10 import signatures as sig
from .display import (
    DefinitionTooDeep,
    InvalidDefinition,
    Writer,
    is_short,
    parse_lambda,
    parse_path,
    path_text,
    quote,
    type_of,
    type_text,
    write_expr,
    write_fql,
    write_lambda,
)

__all__ = ["INVALID_ITEMS_WARNING", "NO_HISTORY_LIMIT", "PREAMBLE", "InvalidDefinition", "derive", "generate"]

#: The text before the generated items of a derived main.fsl (core's SourceGenerator.Preamble).
PREAMBLE = "// The following schema is auto-generated.\n// This file contains FSL for FQL10-compatible schema items.\n"

#: What core puts before a generated main.fsl that does not parse as FSL (SourceGenerator.InvalidItemsWarning),
#: followed by two newlines.
INVALID_ITEMS_WARNING = (
    "// WARNING: the following auto-generated items contain invalid FSL syntax.\n"
    "// Please fix its syntax and re-submit the file. Contact support if you need\n"
    "// assistance via https://support.fauna.com.\n"
)

#: The order core derives kinds in (SchemaTranslator.translateSchema).
KIND_ORDER = ("collection", "function", "role", "access provider")

#: The role actions core knows, by their FSL keyword (Member.Kind).
ACTIONS = frozenset(
    ("create", "create_with_id", "delete", "read", "write", "history_read", "history_write", "unrestricted_read", "call")
)

#: What core writes for a collection without `history_days` (`Duration.Inf` saturates to Long.MaxValue).
NO_HISTORY_LIMIT = 2**63 - 1


def generate(kind: str, name: str, definition: dict) -> str:
    """One item's FSL as core displays it, annotations first and ending with a newline; `definition` is
    a stored definition (or an Item's), whatever else it holds (`name`, `data`, `ts`) ignored."""
    if kind not in _ITEMS:
        raise InvalidDefinition(f"Unknown kind of schema item `{kind}`.")
    writer = Writer()
    try:
        _ITEMS[kind](writer, name, definition)
    except (KeyError, TypeError, AttributeError) as err:
        # A member of the wrong shape (a string where core keeps an object, a missing `name`...).
        raise InvalidDefinition(f"The definition of {kind} `{name}` is malformed ({type(err).__name__}: {err}).") from None
    except RecursionError:
        message = f"The definition of {kind} `{name}` nests deeper than fql can print."
        if not stack.is_deep():
            raise DefinitionTooDeep(message) from None
        # On a deep thread an FQL error: the definition was accepted, and a query that draws up the
        # schema's files (its typecheck) must fail cleanly.
        raise StackOverflow(message) from None
    return writer.text()


def derive(
    items: t.Iterable[tuple[str, str, dict]], parses: t.Callable[[str], bool] | None = None, keep_order: bool = False
) -> str:
    """The main.fsl core derives for a database with no FSL files (SourceGenerator.deriveSchema): the
    preamble, then collections, functions, roles and access providers (each kind in the order given),
    each after a blank line; "" when there is nothing to write (core writes no file then).

    v4-only items are left out, as core leaves them: a function whose body is not FQL v10 text, a role or
    an access provider whose predicates are not. A function named like a collection gets an alias.

    `parses(text)` says whether text is valid FSL (the FSL parser's job); when it says not, the text
    starts with core's INVALID_ITEMS_WARNING. Core's printer can write such text: a field name that is
    not an identifier is written bare. With `keep_order`, the items stay in the order given (the order
    a database's writes put them in: see manager.files).
    """
    items = [(k, n, d) for k, n, d in items if is_v10(k, d)]
    if not items:
        return ""
    if not keep_order:
        items.sort(key=lambda item: KIND_ORDER.index(item[0]) if item[0] in KIND_ORDER else len(KIND_ORDER))
    out = [PREAMBLE]
    for kind, name, definition in aliased(items):
        out.append("\n" + generate(kind, name, definition))
    text = "".join(out)
    if parses is not None and not parses(text):
        return f"{INVALID_ITEMS_WARNING}\n\n{text}"
    return text


def aliased(items: list[tuple[str, str, dict]]) -> list[tuple[str, str, dict]]:
    """The items with core's translator alias given to each function named like a collection (which
    hides it) that has none."""
    collections = {n for k, n, _ in items if k == "collection"}
    taken = collections | {n for k, n, _ in items if k == "function"}
    out = []
    for kind, name, definition in items:
        if kind == "function" and name in collections and definition.get("alias") is None:
            definition = {**definition, "alias": _function_alias(name, taken)}
        out.append((kind, name, definition))
    return out


def _function_alias(name: str, taken: set[str]) -> str:
    """A function named like a collection is hidden by it: core names it `<name>Function` (and more
    `Function`s until the name is free)."""
    alias = name + "Function"
    while alias in taken:
        alias += "Function"
    return alias


def is_v10(kind: str, definition: dict) -> bool:
    """Whether FSL can say the stored item (core's isV10Role, isV10AP): a function with an FQL v10 body,
    a role or an access provider whose resources are names and whose predicates are v10 text."""
    if kind == "function":
        return isinstance(definition.get("body"), str)
    if kind == "role":
        privileges = _listed(definition.get("privileges"))
        membership = _listed(definition.get("membership"))
        if not all(isinstance(p, dict) and isinstance(p.get("resource"), str) for p in privileges + membership):
            return False
        # Core's isV10Role: a privilege without `actions` at all makes the role a v4 one (`exists` on None).
        if not all(isinstance(p.get("actions"), dict) for p in privileges):
            return False
        actions = [a for p in privileges for a in p["actions"].values()]
        return all(_v10_predicate(a) for a in actions) and all(_v10_predicate(m.get("predicate")) for m in membership)
    if kind == "access provider":
        # A role may be a v4 reference; only a v4 predicate makes the provider v4 (core's isV10AP).
        roles = _listed(definition.get("roles"))
        return all(_v10_predicate(r.get("predicate")) for r in roles if isinstance(r, dict))
    return True


def _v10_predicate(value: t.Any) -> bool:
    return value is None or isinstance(value, (bool, str))


def _listed(value: t.Any) -> list:
    """A member core takes as one object or an array of them, as a list."""
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


# -- items ------------------------------------------------------------------------------------------


def _annotation(w: Writer, keyword: str, value: str) -> None:
    w.write(f"@{keyword}(")
    w.ident(value)
    w.line(")")


def _header(w: Writer, keyword: str, name: str) -> None:
    w.write(keyword + " ")
    w.ident(name)


def _lambda_text(source: t.Any, what: str) -> ast.Arrow:
    if not isinstance(source, str):
        raise InvalidDefinition(f"{what} is not FQL v10 text: {source!r}")
    return parse_lambda(source, what)


def _collection(w: Writer, name: str, d: dict) -> None:
    alias = d.get("alias")
    if alias is not None:
        _annotation(w, "alias", alias)
    _header(w, "collection", name)
    w.line(" {")
    w.depth += 1
    where = f"collection `{name}`"
    fields = d.get("fields") or {}
    for field_name in map_order(fields):
        f = fields[field_name]
        w.write(f"{field_name}: ")
        w.write(type_text(f.get("signature", "Any"), f"the signature of field `{field_name}` of {where}", schema=True))
        if f.get("default") is not None:
            w.write(" = ")
            write_fql(w, f["default"], f"the default of field `{field_name}` of {where}")
        w.line()
    computed = d.get("computed_fields") or {}
    for field_name in map_order(computed):
        f = computed[field_name]
        w.write(f"compute {field_name}")
        if f.get("signature") is not None:
            w.write(": " + type_text(f["signature"], f"the signature of computed field `{field_name}` of {where}"))
        w.write(" = ")
        arrow = _lambda_text(f.get("body"), f"the body of computed field `{field_name}` of {where}")
        write_lambda(w, arrow)
        w.line()
    if d.get("wildcard") is not None:
        w.line("*: " + type_text(d["wildcard"], f"the wildcard of {where}"))
    indexes = d.get("indexes") or {}
    for index_name in map_order(indexes):
        _index_member(w, index_name, indexes[index_name], where)
    for constraint in d.get("constraints") or []:
        if "unique" in constraint and constraint["unique"] is not None:
            terms = [_term(term, f"a unique constraint of {where}") for term in _listed(constraint["unique"])]
            w.line("unique [" + ", ".join(terms) + "]")
    for constraint in d.get("constraints") or []:
        check = constraint.get("check")
        if check is not None:
            w.write("check ")
            w.ident(check["name"])
            w.write(" (")
            write_expr(w, _lambda_text(check.get("body"), f"check constraint `{check['name']}` of {where}"))
            w.line(")")
    history = d.get("history_days")
    if history is not None and history != 0:
        w.line(f"history_days {min(int(history), NO_HISTORY_LIMIT)}")
    if d.get("ttl_days") is not None:
        w.line(f"ttl_days {int(d['ttl_days'])}")
    if d.get("document_ttls") is not None:
        w.line("document_ttls " + ("true" if d["document_ttls"] else "false"))
    migrations = d.get("migrations") or []
    if migrations:
        w.line("migrations {")
        w.depth += 1
        for item in migrations:
            _migration(w, item, where)
            w.line()
        w.depth -= 1
        w.line("}")
    w.depth -= 1
    w.line("}")


def _index_member(w: Writer, name: str, index: dict, where: str) -> None:
    what = f"index `{name}` of {where}"
    w.write("index ")
    w.ident(name)
    w.line(" {")
    w.depth += 1
    terms = [_term(term, what) for term in index.get("terms") or []]
    if terms:
        w.line("terms [" + ", ".join(terms) + "]")
    values = [_value(value, what) for value in index.get("values") or []]
    if values:
        w.line("values [" + ", ".join(values) + "]")
    w.depth -= 1
    w.line("}")


def _term(term: t.Any, what: str) -> str:
    """`.a` or `mva(.a)`: an index term or a unique constraint's field (a path, or `{ field, mva }`)."""
    if isinstance(term, str):
        return path_text(parse_path(term, what))
    text = path_text(parse_path(term.get("field", ""), what))
    return f"mva({text})" if term.get("mva") else text


def _value(value: dict, what: str) -> str:
    text = _term(value, what)
    return f"desc({text})" if value.get("order", "asc") != "asc" else text


def _migration(w: Writer, item: dict, where: str) -> None:
    """One line of a `migrations` block (core's writeMigrationItem)."""
    if not isinstance(item, dict) or len(item) != 1:
        raise InvalidDefinition(f"A migration of {where} is not one of backfill, drop, split, move, add, ...: {item!r}")
    (kind, body), = item.items()
    what = f"a `{kind}` migration of {where}"

    def path(key: str) -> str:
        return path_text(parse_path(body.get(key, ""), what))

    if kind == "backfill":
        w.write(f"backfill {path('field')} = ")
        write_fql(w, body.get("value", ""), what)
    elif kind in ("drop", "add"):
        w.write(f"{kind} {path('field')}")
    elif kind == "split":
        targets = ", ".join(path_text(parse_path(to, what)) for to in body.get("to") or [])
        w.write(f"split {path('field')} -> {targets}")
    elif kind == "move":
        w.write(f"move {path('field')} -> {path('to')}")
    elif kind in ("move_conflicts", "move_wildcard"):
        w.write(f"{kind} {path('into')}")
    elif kind == "add_wildcard":
        w.write("add_wildcard")
    else:
        raise InvalidDefinition(f"Unknown migration `{kind}` in {where}.")


def _function(w: Writer, name: str, d: dict) -> None:
    what = f"function `{name}`"
    arrow = _lambda_text(d.get("body"), f"the body of {what}")
    if d.get("alias") is not None:
        _annotation(w, "alias", d["alias"])
    if d.get("role") is not None:
        _annotation(w, "role", d["role"])
    params: tuple = ()
    variadic = result = None
    if d.get("signature") is not None:
        texpr = type_of(d["signature"], f"the signature of {what}")
        # Core takes the types of a lambda signature only; any other signature gives none.
        if isinstance(texpr, sig.LambdaType):
            params, variadic, result = texpr.params, texpr.variadic, texpr.result
    names = ("$this",) if is_short(arrow) else arrow.params
    args = []
    for i, param in enumerate(names):
        args.append(param + (": " + sig.show(params[i]) if i < len(params) else ""))
    if arrow.rest is not None:
        args.append("..." + arrow.rest + (": " + sig.show(variadic) if variadic is not None else ""))
    _header(w, "function", name)
    w.write("(" + ", ".join(args) + ")")
    if result is not None:
        w.write(": " + sig.show(result))
    w.write(" ")
    body = arrow.body if isinstance(arrow.body, ast.Block) else ast.Block((arrow.body,))
    write_expr(w, body)
    w.line()


def _role(w: Writer, name: str, d: dict) -> None:
    what = f"role `{name}`"
    _header(w, "role", name)
    w.line(" {")
    w.depth += 1
    for privilege in _listed(d.get("privileges")):
        w.write("privileges ")
        w.ident(privilege["resource"])
        w.line(" {")
        w.depth += 1
        for action, allowed in (privilege.get("actions") or {}).items():
            if allowed is False:
                continue
            if action not in ACTIONS:
                raise InvalidDefinition(f"Unknown action `{action}` in {what}.")
            w.write(action)
            if isinstance(allowed, str):
                w.write(" ")
                _predicate(w, allowed, f"the `{action}` predicate of {what}")
            w.line()
        w.depth -= 1
        w.line("}")
    for member in _listed(d.get("membership")):
        w.write("membership ")
        w.ident(member["resource"])
        if member.get("predicate") is not None:
            w.write(" ")
            _predicate(w, member["predicate"], f"the membership predicate of {what}")
        w.line()
    w.depth -= 1
    w.line("}")


def _predicate(w: Writer, source: str, what: str) -> None:
    """`{ predicate (<lambda>) }` over three lines (core's Config.Predicate)."""
    w.line("{")
    w.depth += 1
    w.write("predicate (")
    write_expr(w, _lambda_text(source, what))
    w.line(")")
    w.depth -= 1
    w.write("}")


def _access_provider(w: Writer, name: str, d: dict) -> None:
    what = f"access provider `{name}`"
    _header(w, "access provider", name)
    w.line(" {")
    w.depth += 1
    w.line("issuer " + quote(str(d.get("issuer", ""))))
    w.line("jwks_uri " + quote(str(d.get("jwks_uri", ""))))
    for role in _listed(d.get("roles")):
        w.write("role ")
        if not isinstance(role, dict):
            w.ident(_role_name(role))
        else:
            w.ident(_role_name(role["role"]))
            if role.get("predicate") is not None:
                w.write(" ")
                _predicate(w, role["predicate"], f"the predicate of role `{role['role']}` in {what}")
        w.line()
    w.depth -= 1
    w.line("}")


def _role_name(role: t.Any) -> str:
    """A role named by its name, or (v4) by a reference to it."""
    return role if isinstance(role, str) else role.id


_ITEMS: dict[str, t.Callable[[Writer, str, dict], None]] = {
    "collection": _collection,
    "function": _function,
    "role": _role,
    "access provider": _access_provider,
}
