"""Names of v10 schema documents, checked as core's schema validators check them (GlobalNamespaceValidator).

A collection or function is named in the global namespace of queries, so its name (or alias) must be an
identifier, must not be a keyword or a name of the standard library, and must not be taken by the other
kind. A role's name must be an identifier other than `admin` and `server`.
"""

from __future__ import annotations

import re
from collections import Counter
import typing as t

from ...errors import QueryRuntimeError
from ...storage.base import DocKey
from ..refs import live

if t.TYPE_CHECKING:
    from ..evaluator import Context

_IDENTIFIER = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")
#: Keywords (core's Tokens.invalidIdents): no identifier may be one.
KEYWORDS = frozenset(("if", "else", "at", "match", "case", "let", "null", "true", "false", "isa", "join", "on", "of"))
#: The other names no variable (so no global name) may take.
VARIABLES = KEYWORDS | {"FQL", "_"}
#: Core's reserved type names, and the names of the standard library's types, modules and global functions.
STANDARD = frozenset(
    (
        "Any", "Never", "struct", "interface", "type", "function", "collection",
        "Null", "ID", "Boolean", "Number", "Int", "Long", "Double", "Float", "String", "Struct", "Object",
        "Bytes", "Time", "Date", "UUID", "Array", "Set", "SetCursor", "EventSource", "TransactionTime",
        "UserFunction", "Math", "Query", "Doc", "Schema", "Ref", "EmptyRef", "NamedRef", "EmptyNamedRef",
        "Stream", "Collection", "Function", "Role", "AccessProvider", "Database", "Key", "Credential",
        "Credentials", "Token", "abort", "dbg", "log", "newId", "asc", "desc",
    )
)  # fmt: skip
#: The kinds whose names share the global namespace, by stored collection, with the word core uses.
GLOBAL_KINDS = {"#collections": "Collection", "#functions": "Function"}


def check_global(
    ctx: Context, kind: str, name: t.Any, field: str, previous: t.Any = None, own: str | None = None
) -> None:
    """Fail with core's constraint failure when `name` (a collection's or function's `name` or `alias`)
    cannot be a global name; an unchanged name is not checked again. `own`: the current name of the
    document being updated, which its own new name or alias does not clash with (renaming `A` to `B`
    with alias `A`)."""
    problem = global_name_problem(ctx, kind, name, previous, own)
    if problem is not None:
        _fail(kind, field, problem, own)


def global_name_problem(
    ctx: Context, kind: str, name: t.Any, previous: t.Any = None, own: str | None = None
) -> str | None:
    """What core's GlobalNamespaceValidator says of `name` as `check_global` checks it; None when it may
    be a global name."""
    if not isinstance(name, str) or name == previous:
        return None
    if name in VARIABLES or name in STANDARD:
        return f"The identifier `{name}` is reserved."
    if not _IDENTIFIER.fullmatch(name):
        return "Invalid identifier."
    # Core's GlobalNamespaceValidator: a clash with the same kind is a constraint failure too; names
    # and aliases are looked up in turn, collections' before functions'.
    from .globals import aliased

    for coll, word in GLOBAL_KINDS.items():
        if (coll, name) != ("#" + kind, own) and live(ctx, DocKey(ctx.state.scope, coll, name)) is not None:
            return f"A {word} already exists with the name `{name}`"
        holder = aliased(ctx, ctx.state.scope, coll, name)
        if holder is not None and (coll, holder) != ("#" + kind, own):
            return f"A {word} already exists with the alias `{name}`"
    return None


def is_identifier(name: str) -> bool:
    """True for a name core's ValidIdentifierValidator accepts: an identifier, not a keyword."""
    return bool(_IDENTIFIER.fullmatch(name)) and name not in KEYWORDS and name != "_"


def check_role(name: t.Any, own: str | None = None) -> None:
    """A role's name: an identifier, and not one of the built-in roles (`own`: the role's current name,
    when it is being updated)."""
    if not isinstance(name, str):
        return
    if not is_identifier(name):
        _fail("roles", "name", "Invalid identifier.", own)
    if name in ("admin", "server"):
        _fail("roles", "name", f"The identifier `{name}` is reserved.", own)


def check_identifier(kind: str, name: t.Any, own: str | None = None) -> None:
    """A database's or access provider's name, outside the global namespace but still an identifier in
    v10 (FQL2NameValidationSpec; v4 allows more)."""
    # Core's ValidIdentifierValidator: not `_` either (Validators.isValidName); an update keeping the
    # name is not checked.
    if isinstance(name, str) and name != own and not is_identifier(name):
        _fail(kind, "name", "Invalid identifier.", own)


def _fail(kind: str, field: str, message: str, own: str | None = None) -> t.NoReturn:
    what = {
        "collections": "Collection", "functions": "Function", "roles": "Role", "databases": "Database",
        "access_providers": "AccessProvider",
    }[kind]  # fmt: skip
    failure = {"field": [field], "code": "invalid", "description": message}
    action = f"update {what} `{own}`" if own is not None else f"create {what}"
    raise QueryRuntimeError("constraint_failure", f"Failed to {action}.").with_failures([failure])


#: The native collections whose documents the typer knows as types (`Key`, `KeyCollection`, `NullKey`).
_NATIVE_COLLECTIONS = ("Collection", "Function", "Role", "AccessProvider", "Database", "Key", "Credential", "Token")
#: The type names the standard library defines, which a collection's derived types may clash with.
_BUILTIN_TYPES = STANDARD | {"NullDoc"} | {t for n in _NATIVE_COLLECTIONS for t in (n + "Collection", "Null" + n)}


def derived_types(name: str) -> tuple[str, str, str]:
    """The types a collection named (or aliased) `name` gives the environment: its documents, its
    collection module, and its null documents."""
    return (name, name + "Collection", "Null" + name)


def revalidate_derived_types(ctx: Context, field: str, name: t.Any, previous: t.Any = None) -> None:
    """Once the query has run, a collection's new `name` or `alias` must not give a type another
    collection (or the standard library) already gives: `Foo` gives `NullFoo`, so a collection `NullFoo`
    is refused, whether or not the database is typechecked (core's CollectionDerivedTypeValidator,
    FQL2TypeEnvValidationSpec)."""
    from .expressions import op_span
    from .natives import _revalidate

    if not isinstance(name, str) or name == previous:
        return

    def check() -> None:
        given, counts = _given_types(ctx)
        if name not in given:
            return  # renamed again, or deleted, later in the query
        conflicts = [t for t in derived_types(name) if counts[t] > 1]
        if conflicts:
            message = (
                f"The collection {field} `{name}` generates types that conflict with the following existing "
                f"types: {', '.join(conflicts)}"
            )
            err = QueryRuntimeError("invalid_schema", f"Invalid database schema update.\n    error: {message}")
            err.schema_errors = [(message, span)]  # drawn where the write was made, once the query has run
            raise err

    span = op_span(ctx.state.call_node) if ctx.state.call_node is not None else None
    _revalidate(ctx, check)


def _given_types(ctx: Context) -> tuple[frozenset[str], Counter[str]]:
    """The names and aliases of the live collections, and how many times each type is given (by them and
    the standard library): read once for all the checks a query's writes asked for."""
    state = ctx.state
    key = ("derived types", state.txn, state.ts, state.write_gen)
    found = state.cache.get(key)
    if found is None:
        given = []
        for version in state.txn.scan(state.scope, "#collections"):
            if version.live_at(state.ts) and version.data:
                given += [v for v in (version.data.get("name"), version.data.get("alias")) if isinstance(v, str)]
        counts = Counter(t for n in given for t in derived_types(n))
        counts.update(_BUILTIN_TYPES)
        found = state.cache[key] = (frozenset(given), counts)
    return found
