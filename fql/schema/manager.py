"""A database's FSL files, and pushing new ones (core's SchemaManager and SchemaSource).

A database keeps the FSL files last pushed to it (`#schema_sources`, a document per file). What it answers
for them is always its live schema: an item changed since by a query (`Collection.create`, a v4
`CreateRole`) is patched in the file that declares it, member by member (patch.py), one deleted is cut
out, and one no file declares is generated into `main.fsl` (core patches the stored files on each schema
write; fql patches them when they are read, all changes since the push at once). A database that never
had files gets `main.fsl` as core comes to hold it: derived from the items its first schema write made,
then patched with the rest.

A push (`update`) parses every file, compares their items with those of the files as they are now, and
applies each difference through the same `create`/`replace`/`delete` a v10 query would call, in one
transaction with the file writes: all of it commits, or nothing does. `validate` is the same without the
writes, for the diff.
"""

from __future__ import annotations

import functools
import typing as t

from attrs import frozen

from ..errors import FQLError, QueryRuntimeError
from ..eval import documents
from ..eval import staged as staged_view
from ..eval.evaluator import Context
from ..eval.refs import live, made, made_rank
from ..eval.sets import born_versions
from ..eval.v10 import expressions
from ..parse import parse as parse_query
from ..storage.base import DocKey, Version
from ..storage.meter import cascade
from ..storage.overlay import Overlay
from ..values import Ref, native
from . import diff as schema_diff
from . import migrating, parser, patch, source
from .errors import Diagnostic
from .items import COLLECTIONS, Item
from .nodes import Function

#: Where a database's FSL files are kept: one document per file, its id the file name.
SOURCES = "#schema_sources"
#: The built-in file: generated items go here.
MAIN = "main.fsl"
#: At most this many files, `main.fsl` always counted (core's SchemaRequest.MaxFiles).
MAX_FILES = 1024


class SchemaError(Exception):
    """A `/schema/1` request that fails: its HTTP status and core's message."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


@frozen
class Validated:
    """What a push would do: the files before and after, and the differences between their items."""

    before: dict[str, str]
    after: dict[str, str]
    diffs: list


def check_filename(name: str) -> bool:
    """Core's SourceFile check: an `.fsl` name that does not start with `*`."""
    return name.endswith(".fsl") and not name.startswith("*")


def read_directory(path: str) -> list[tuple[str, str]]:
    """The `.fsl` files under `path` (a directory, or one file), named by their path relative to it with
    `/` between parts, as the Fauna CLI names them; in name order."""
    import errno
    import os

    if os.path.isfile(path):
        return [(os.path.basename(path), _read_text(path, os.path.basename(path)))]
    if not os.path.isdir(path):
        # os.walk passes over a missing directory: a push would then drop every stored file.
        raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), path)
    found = []
    for folder, _, names in os.walk(path):
        for name in names:
            if name.endswith(".fsl"):
                full = os.path.join(folder, name)
                name = os.path.relpath(full, path).replace(os.sep, "/")
                found.append((name, _read_text(full, name)))
    return sorted(found)


def _read_text(path: str, name: str) -> str:
    """A file's UTF-8 text; one that is not UTF-8 is an OSError naming it (`name`), as an unreadable one is."""
    import errno

    with open(path, "rb") as handle:
        data = handle.read()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise OSError(errno.EILSEQ, f"{name} is not UTF-8 text ({exc.reason} at byte {exc.start})", path) from None


def check_files(files: list[tuple[str, str]]) -> None:
    """A push's files: names core accepts, and not too many (`main.fsl` always has a place)."""
    for name, _ in files:
        if not check_filename(name):
            raise SchemaError(400, f"Invalid filename `{name}`")
    limit = MAX_FILES if any(name == MAIN for name, _ in files) else MAX_FILES - 1
    if len(files) > limit:
        raise SchemaError(400, "Too many files")


# -- permissions -----------------------------------------------------------------------------------------


def can_read(ctx: Context) -> bool:
    """Reading schema needs an admin or server secret (core's ReadSchema); tokens and other roles may not."""
    auth = ctx.state.auth
    return auth.identity is None and auth.provider is None and auth.role in ("admin", "server", "server-readonly")


def can_write(ctx: Context) -> bool:
    """Writing schema needs an admin secret (core's WriteSchema)."""
    auth = ctx.state.auth
    return auth.identity is None and auth.provider is None and auth.role == "admin"


def version(ctx: Context) -> int:
    """The database's schema version: the time of its last schema change (0 if none), in µs."""
    return documents.schema_version(ctx)


def check_version(ctx: Context, known: int | None, force: bool) -> int:
    """Core's checkSchemaVersion: a push that names the version it saw must see that one still."""
    current = version(ctx)
    if not force and known is not None and known != current:
        raise SchemaError(409, "Stale schema version provided")
    return current


# -- the live schema as items ------------------------------------------------------------------------------


def live_definitions(ctx: Context) -> list[tuple[str, str, dict]]:
    """The database's v10 schema items, as core translates them (collections, then functions, roles and
    access providers, each in the order they were made, by their place among those one transaction
    made, as core's ids order them): v4 functions, roles and access providers, which
    FSL cannot say, are left out, as derive() leaves them out."""
    found = []
    for kind, coll in COLLECTIONS.items():
        rows = []
        for version_ in ctx.state.txn.scan(ctx.state.scope, "#" + coll):
            if not version_.live_at(ctx.state.ts) or not version_.data:
                continue
            data = version_.data
            if not source.is_v10(kind, data):
                continue
            born = made(ctx, version_.key)
            rows.append(((born, made_rank(ctx.state.txn, version_.key, born)), kind, version_.key.id, data))
        found.extend((kind, name, data) for _, kind, name, data in sorted(rows, key=lambda row: row[0]))
    return found


# -- files -----------------------------------------------------------------------------------------------------


def stored_files(ctx: Context) -> list[tuple[str, str]]:
    """The files last pushed, in the order they were first pushed."""
    rows = []
    for version_ in ctx.state.txn.scan(ctx.state.scope, SOURCES):
        if version_.data:
            rows.append((version_.data["seq"], version_.key.id, version_.data["content"]))
    return [(name, content) for _, name, content in sorted(rows)]


def files(ctx: Context, pending: tuple[str, str, dict] | None = None) -> list[tuple[str, str]]:
    """The database's FSL files as they stand for its live schema (see the module docstring); with
    `pending` (kind, name, definition), as they would once that item is written (a new one made now)."""
    stored = stored_files(ctx)
    live_items = [_translated(kind, name, definition) for kind, name, definition in live_definitions(ctx)]
    if pending is not None:
        live_items = [item for item in live_items if item[:2] != pending[:2]] + [pending]
    made_at = {(kind, name): made(ctx, DocKey(ctx.state.scope, "#" + COLLECTIONS[kind], name)) for kind, name, _ in live_items}
    if pending is not None and not made_at[pending[:2]]:
        made_at[pending[:2]] = ctx.state.ts
    live_items = _in_generated_order(live_items, made_at)
    if not stored:
        # Core derives main.fsl at the first schema write and patches it at each write after: the items
        # the first write made are derived, the rest patched in.
        if not live_items:
            return []
        first = min(made_at.values())
        text = source.derive([item for item in live_items if made_at[(item[0], item[1])] == first])
        if not text:
            text = source.derive(live_items, keep_order=True)
            return [(MAIN, _annotated(text))] if text else []
        if not _parses(text):
            # Core stores that text with its warning, and at each write after finds a file it cannot read:
            # it leaves it out of the patch, so the file is generated anew from the whole live schema.
            return [(MAIN, _annotated(source.derive(live_items)))]
        stored = [(MAIN, text)]
        kept = [None]
    elif not all(_parses(text) for _, text in stored):
        # A stored file that does not read stays as stored until the next schema write (core's
        # SchemaSource.returnOrRegenerate); that write leaves it out of the patch (core's
        # SourceGenerator.patchSchema), so the items only it declared are generated into main.fsl.
        if documents.schema_version(ctx) <= _sources_written(ctx):
            return stored
        return _patched_around_broken(ctx, stored, live_items)
    else:
        kept = [text for _, text in stored] + [None]
    # A stored file the patch leaves as it was stays as it is (even one that no longer reads).
    patched = _patched(stored, live_items, _former_names(ctx, live_items))
    return [(name, text if text == before else _annotated(text)) for (name, text), before in zip(patched, kept)]


def _translated(kind: str, name: str, definition: dict) -> tuple[str, str, dict]:
    """A stored definition as core's SchemaTranslator reads it for FSL: a collection with no
    `history_days` (an update set it null) keeps its history for ever, which core writes as
    `history_days 9223372036854775807` (Duration.Inf saturated; SchemaCollectionSpec "translates
    infinite history_days correctly"). In FSL, no `history_days` is the default, 0."""
    if kind == "collection" and "history_days" not in definition:
        definition = {**definition, "history_days": source.NO_HISTORY_LIMIT}
    return kind, name, definition


def _sources_written(ctx: Context) -> int:
    """When the stored files were last written (a push, or a write of their documents)."""
    return max((v.ts for v in ctx.state.txn.scan(ctx.state.scope, SOURCES)), default=0)


def _patched_around_broken(
    ctx: Context, stored: list[tuple[str, str]], live_items: list[tuple[str, str, dict]]
) -> list[tuple[str, str]]:
    """The files once a schema write has patched those that read: a file that does not read keeps its
    text, unless it is main.fsl and the patch gives one (core replaces only the files the patch gives,
    and main.fsl, absent from the patch, is written anew with the preamble)."""
    readable = [(name, text) for name, text in stored if _parses(text)]
    patched = dict(_patched(readable, live_items, _former_names(ctx, live_items)))
    before = dict(readable)
    result = []
    for name, text in stored:
        if name in patched:
            new = patched.pop(name)
            text = text if name in before and new == before[name] else _annotated(new)
        result.append((name, text))
    return result + [(name, _annotated(text)) for name, text in patched.items()]


def _annotated(text: str) -> str:
    """Generated FSL as core stores it: with core's warning first when it does not read as FSL."""
    if _parses(text) or text.startswith(source.INVALID_ITEMS_WARNING):
        return text
    return f"{source.INVALID_ITEMS_WARNING}\n\n{text}"


def file_errors(ctx: Context) -> list[str]:
    """The errors of the database's files as they stand, each rendered in its file as core renders it
    (core validates these files after every schema write, TypeEnvValidator)."""
    errors = []
    for name, text in files(ctx):
        try:
            parser.parse(text, name)
        except parser.FSLError as err:
            errors += err.errors
    return errors


def _in_generated_order(
    items: list[tuple[str, str, dict]], made_at: dict[tuple[str, str], int]
) -> list[tuple[str, str, dict]]:
    """Live items in the order core's main.fsl comes to hold them: core derives main.fsl at the first
    schema write (collections, then functions, roles and access providers) and, at each write after,
    appends what that write made; so the items made by one transaction follow those of the ones before,
    each transaction's in kind order (and each kind in the order made). `made_at` is when each was made."""
    kinds = list(source.KIND_ORDER)
    rank = {key: i for i, key in enumerate((kind, name) for kind, name, _ in items)}
    return sorted(
        items,
        key=lambda item: (
            made_at[(item[0], item[1])],
            kinds.index(item[0]) if item[0] in kinds else len(kinds),
            rank[(item[0], item[1])],
        ),
    )


def _parses(text: str) -> bool:
    """Whether `text` reads as FSL (core's check before it stores generated FSL)."""
    try:
        parser.parse(text, MAIN)
    except parser.FSLError:
        return False
    return True


def _former_names(ctx: Context, live_items: list[tuple[str, str, dict]]) -> dict[tuple[str, str], str]:
    """The names live items had before a rename, each to the name now: fql moves a renamed document's
    versions to its new name, so its history holds the names it had."""
    found = {}
    made: dict[int, list[str]] = {}
    for kind, name, _ in live_items:
        history = ctx.state.txn.history(DocKey(ctx.state.scope, "#" + COLLECTIONS[kind], name))
        for version_ in history:
            former = (version_.data or {}).get("name")
            if isinstance(former, str) and former != name:
                found[(kind, former)] = name
        if kind == "access provider" and history:
            made.setdefault(history[0].ts, []).append(name)
    # An access provider renamed is deleted under its old name and made anew under the new one, at once.
    for version_ in ctx.state.txn.scan(ctx.state.scope, "#" + COLLECTIONS["access provider"]):
        renamed = made.get(version_.ts, []) if version_.data is None else []
        if len(renamed) == 1:
            found.setdefault(("access provider", version_.key.id), renamed[0])
    return found


def _patched(
    stored: list[tuple[str, str]], live_items: list[tuple[str, str, dict]], renamed: dict | None = None
) -> list[tuple[str, str]]:
    """The stored files patched to the live items (core's SourceGenerator.patchSchema): the items the
    files declare diffed with the live ones, and the files patched member by member by that diff
    (patch.py), so that what the user wrote inside an item stays. `renamed` maps an item's former (kind,
    name) to its name now, so that a renamed item is patched where it was declared (core patches by
    document id). Only the items that differ are diffed: the others would make no change."""
    live_items = source.aliased(live_items)
    by_key = {(kind, name): definition for kind, name, definition in live_items}
    parsed = []
    for name, text in stored:
        try:
            parsed.append((name, text, parser.parse(text, name)))
        except parser.FSLError:
            # Kept as it is; files() passes a file that does not read only where no schema write came since.
            parsed.append((name, text, None))
    declared = {item.key for _, _, items in parsed for item in items or ()}
    before: list[Item] = []
    after: list[Item] = []
    renames: dict[tuple[str, str], str] = {}
    for name, _, items in parsed:
        for item in items or ():
            key = item.key
            if key not in by_key and (renamed or {}).get(key) is not None:
                new = (item.kind, renamed[key])
                if new in by_key and new not in declared:
                    declared.add(new)
                    key = new
                    renames[new] = item.name
            current = by_key.get(key)
            if current is None:
                before.append(item)
            elif key != item.key or comparable(item.kind, item.definition) != comparable(item.kind, current):
                before.append(item)
                after.append(_live_item(item.kind, key[1], current, name))
    after += [_live_item(kind, name, d, MAIN) for kind, name, d in live_items if (kind, name) not in declared]
    diffs = schema_diff.diff(before, after, renames or None)
    texts = patch.apply(diffs, {name: text for name, text, _ in parsed}, main=MAIN)
    result = [(name, texts[name]) for name, _, _ in parsed]
    if MAIN in texts and all(name != MAIN for name, _ in result):
        result.append((MAIN, f"{source.PREAMBLE}\n{texts[MAIN]}"))
    return result


def _live_item(kind: str, name: str, definition: dict, file: str) -> Item:
    """A live item as its FSL states it (core's SchemaTranslator): its definition generated and read back,
    so that it compares with the items of the files; the definition as stored if that text does not read."""
    try:
        (item,) = parser.parse(source.generate(kind, name, definition), file)
    except (parser.FSLError, ValueError):
        return Item(kind, name, definition, file)
    return Item(kind, name, item.definition, file)


#: What a stored definition holds that FSL never says (a provider's `audience` is its database's).
_STORED_ONLY = ("name", "data", "ref", "ts", "coll", "id", "audience")


def with_defaults(kind: str, definition: dict) -> dict:
    """`definition` as the stored document has it when the FSL leaves members out (core's toStruct)."""
    if kind == "collection":
        return {"history_days": 0, "indexes": {}, "constraints": [], **definition}
    if kind == "role":
        return {"privileges": [], "membership": [], **definition}
    return dict(definition)


def comparable(kind: str, definition: dict) -> dict:
    """A definition with its defaults and without what core keeps for itself (index and constraint
    statuses), so that an item and the stored document it made compare equal."""
    found = {k: v for k, v in with_defaults(kind, definition).items() if k not in _STORED_ONLY}
    if kind == "collection":
        found["indexes"] = {
            name: {k: v for k, v in (spec or {}).items() if k not in ("status", "queryable")}
            for name, spec in (found.get("indexes") or {}).items()
        }
        found["constraints"] = [
            {k: v for k, v in (c or {}).items() if k != "status"} for c in found.get("constraints") or ()
        ]
    return found


# -- pushing -------------------------------------------------------------------------------------------------


def _parse_all(files_: list[tuple[str, str]]) -> list[Item]:
    """Every item of every file; every file's errors, and core's duplicate checks, at once."""
    errors: list[str] = []
    items: list[Item] = []
    seen: dict[tuple[str, str], str] = {}
    for name, text in files_:
        try:
            parsed = parser.parse(text, name)
        except parser.FSLError as err:
            errors.append(str(err))
            continue
        for item in parsed:
            group = {"collection": "collection or function", "function": "collection or function"}.get(item.kind, item.kind)
            first = seen.get((group, item.name))
            if first is not None:
                errors.append(f"Duplicate {group} `{item.name}` in {name} (originally seen in {first})")
            else:
                seen[(group, item.name)] = name
            items.append(item)
    if errors:
        raise SchemaError(400, "\n".join(errors))
    return items


def validate(
    ctx: Context,
    submitted: list[tuple[str, str]],
    *,
    override: bool = True,
    renames: dict | None = None,
    staged: bool = False,
) -> Validated:
    """What pushing `submitted` would change. With `override` off, files not submitted stay, and so do
    their items. `renames` maps an item's new (kind, name) to its old name (the items API's renames).
    With `staged`, the files are compared with the staged ones, if any (core's `fauna schema diff`)."""
    if is_customer_tenant_root(ctx):
        raise SchemaError(400, "Schema can not be created in your account root.")
    pending = staged_files(ctx) if staged else None
    before = files(ctx) if pending is None else pending
    after = list(submitted)
    if not override:
        names = {name for name, _ in submitted}
        after += [(name, text) for name, text in before if name not in names]
    after_items = _parse_all(after)
    before_items = []
    for name, text in before:
        try:
            before_items.extend(parser.parse(text, name))
        except parser.FSLError:
            # A broken stored file is what a push may be fixing: it counts as declaring nothing.
            continue
    _check_references(ctx, after_items, dict(after))
    _check_unbound(ctx, after_items, dict(after))
    # An item that leaves `history_days` out has the one its collection has (core's fillDefaults).
    kept = {
        item.name: data.get("history_days")
        for item in before_items
        if item.kind == "collection" and "history_days" not in item.definition
        for data in [_stored(ctx, item) or {}]
        if isinstance(data.get("history_days"), int)
    }
    try:
        diffs = schema_diff.diff(before_items, after_items, renames or None, history_days=kept)
    except RecursionError:
        raise SchemaError(400, "The schema nests deeper than fql can compare") from None
    failed = migrating.failures(ctx, diffs, dict(before), dict(after))
    if failed:
        raise SchemaError(400, "\n".join(failed))
    if not override:
        names = {name for name, _ in submitted}
        diffs = [d for d in diffs if not (isinstance(d, schema_diff.Remove) and d.item.file not in names)]
    _check_migrations(ctx, diffs)
    return Validated(dict(before), dict(after), diffs)


#: The highest account id core keeps for its own accounts (Database.MaxInternalAccountID): their
#: databases may hold schema.
MAX_INTERNAL_ACCOUNT_ID = 1023


def is_customer_tenant_root(ctx: Context) -> bool:
    """Whether the database is a customer's account root (core's isCustomerTenantRoot): its own document
    names an account whose id is above the internal ones."""
    from ..auth.access import lineage

    own = next(lineage(ctx.state.txn, ctx.state.scope), {})
    account = (own.get("account") or {}).get("id") if isinstance(own.get("account"), dict) else None
    return isinstance(account, int) and not isinstance(account, bool) and account > MAX_INTERNAL_ACCOUNT_ID


def _check_migrations(ctx: Context, diffs: list) -> None:
    """Core's validateMigrations: each new or changed collection's migrations fit its fields and, when it
    has documents, its live definition; checked before anything is written, so a diff (validate) fails as
    the push would."""
    from ..eval.v10.fields import migration_steps

    for change in diffs:
        if isinstance(change, schema_diff.Add) and change.item.kind == "collection":
            after, previous = change.item, None
        elif isinstance(change, schema_diff.Modify) and change.after.kind == "collection":
            after, previous = change.after, _stored(ctx, change.before)
        else:
            continue
        definition = {"name": after.name, **with_defaults(after.kind, after.definition)}
        try:
            migration_steps(ctx, definition, previous)
        except FQLError as err:
            raise SchemaError(400, failure_message(err)) from None


def _check_unbound(ctx: Context, items: list[Item], texts: dict[str, str]) -> None:
    """Core's typecheck of the pushed functions' bodies in a typechecked database: a name no `let`,
    parameter or lambda binds must be a built-in module or function, or a collection or function (or an
    alias) of the new schema or a v4 function kept; else `Unbound variable`, where it is written. Only
    the pushed files' items count: one a push deletes is gone for the bodies it checks."""
    from ..eval.v10 import globals as names
    from ..eval.v10.fields import env_typechecked
    from ..eval.v10.indexed_fields import free_names

    if not env_typechecked(ctx):
        return
    known = set(v4_names(ctx)["function"])
    for item in items:
        if item.kind in ("collection", "function"):
            known.update(n for n in (item.name, item.definition.get("alias")) if isinstance(n, str))

    def bound(name: str) -> bool:
        return name in known or name in names.MODULES or names.V10_STATICS.get((names.GLOBAL, name)) is not None

    errors = []
    for file, text in texts.items():
        if not text.strip():
            continue
        try:
            nodes = parser.read(text)
        except parser.FSLError:
            continue
        for node in nodes:
            function = node.value
            if node.kw.text != "function" or not isinstance(function, Function):
                continue
            # A parameter named `_` is unnamed (core's checkFunctions binds no name for it).
            params = {arg.name.text for arg in function.args if arg.name.text != "_"}
            for name, at in free_names(function.body, frozenset(params)):
                if not bound(name):
                    start = function.body_start + at
                    errors.append(Diagnostic(f"Unbound variable `{name}`", start, start + len(name)).render(text, file))
    if errors:
        raise SchemaError(400, "\n".join(errors))


#: What a role may name besides the schema's collections and functions (core's checkResourceName).
NATIVE_RESOURCES = frozenset(
    ("Key", "Token", "Credential", "Credentials", "Database", "Collection", "Function", "Role", "AccessProvider")
)
#: The roles of keys, which an access provider may not grant.
BUILTIN_ROLES = frozenset(("client", "server", "admin", "server-readonly"))


def _check_references(ctx: Context, items: list[Item], texts: dict[str, str]) -> None:
    """Core's SchemaTypeValidator on the names items refer to, before anything is written, each error
    placed in its file: a role's resources must be collections (or, for privileges, functions or native
    modules) of the new schema, an access provider's roles its roles or the database's v4 roles."""
    errors = _reference_errors(ctx, items, texts)
    if errors:
        raise SchemaError(400, "\n".join(errors))


def reference_errors(ctx: Context) -> list[str]:
    """The errors of the names the database's files refer to as they stand (core validates them after a
    query's schema writes), each rendered in its file."""
    texts = dict(files(ctx))
    items = []
    for name, text in texts.items():
        try:
            items += parser.parse(text, name)
        except parser.FSLError:
            continue
    return _reference_errors(ctx, items, texts)


def _reference_errors(ctx: Context, items: list[Item], texts: dict[str, str]) -> list[str]:
    names: dict[str, set[str]] = {"collection": set(), "function": set(), "role": set()}
    for item in items:
        if item.kind in names:
            names[item.kind].update(n for n in (item.name, item.definition.get("alias")) if isinstance(n, str))
    v4 = v4_names(ctx)
    errors = []
    for item in sorted(items, key=lambda i: i.kind == "access provider"):
        # Core checks a role's memberships, then its privileges (SchemaTypeValidator), whatever their order.
        for member, name, start, end in sorted(item.refs, key=lambda ref: ref[0] == "privileges"):
            if member == "role":
                if name in BUILTIN_ROLES:
                    message = f"Builtin role `{name}` is not allowed"
                elif name in names["role"] or name in v4["role"]:
                    continue
                else:
                    message = f"Role `{name}` does not exist"
            elif name in NATIVE_RESOURCES or name in names["collection"]:
                continue
            elif member == "privileges" and (name in names["function"] or name in v4["function"]):
                continue
            else:
                message = f"Resource `{name}` does not exist"
            errors.append(Diagnostic(message, start, end).render(texts.get(item.file, ""), item.file))
    return errors


def v4_names(ctx: Context) -> dict[str, set[str]]:
    """The database's functions and roles FSL cannot say (v4 ones), which FSL items may still name."""
    found: dict[str, set[str]] = {"function": set(), "role": set()}
    for kind in found:
        for version_ in ctx.state.txn.scan(ctx.state.scope, "#" + COLLECTIONS[kind]):
            if version_.live_at(ctx.state.ts) and version_.data and not source.is_v10(kind, version_.data):
                found[kind].add(version_.key.id)
    return found


def update(
    ctx: Context, submitted: list[tuple[str, str]], *, override: bool = True, renames: dict | None = None
) -> Validated:
    """Push `submitted`: apply every difference, then store the files (a blank one deletes its file)."""
    result = validate(ctx, submitted, override=override, renames=renames)
    # Core checks the pushed schema as a whole: a collection's field may name one declared after it. Each
    # new collection is made bare first, then given its definition with the others.
    bare = set()
    for change in result.diffs:
        if isinstance(change, schema_diff.Add) and change.item.kind == "collection" and _stored(ctx, change.item) is None:
            _upsert(ctx, Item("collection", change.item.name, {}))
            bare.add(change.item.name)
    texts = result.after
    for change in _removals_first_by_dependents(result.diffs):
        if isinstance(change, schema_diff.Remove):
            try:
                _delete(ctx, change.item)
            except SchemaError as err:
                if _PROTECTED in err.message:
                    # Core draws the refusal at the removed item's place in its file as now pushed.
                    err.message = Diagnostic(err.message, *change.item.span).render(texts.get(change.item.file, ""), change.item.file)
                raise
        elif isinstance(change, schema_diff.Modify):
            _upsert(ctx, change.after, texts, change.before.name)
        elif change.item.kind == "collection" and change.item.name in bare:
            try:
                # The second step of one create (core counts one collection create: its business metrics).
                with cascade(ctx.state.txn):
                    _upsert(ctx, change.item, texts)
            except SchemaError as err:
                # The push creates it (fql in two steps): core's words for a failed create.
                err.message = err.message.replace(f"Failed to update Collection `{change.item.name}`.", "Failed to create Collection.", 1)
                raise
        else:
            _upsert(ctx, change.item, texts)
    _check_types(ctx, texts)
    given = {name for name, _ in submitted}
    _store(ctx, submitted, override, {} if override else {n: t for n, t in result.before.items() if n not in given})
    return result


def _check_types(ctx: Context, texts: dict[str, str]) -> None:
    """Core's SchemaTypeValidator on the pushed schema's FQL (fql's typer, eval/v10/envcheck.py), once its
    items are written: the errors drawn in the pushed files."""
    from ..eval.evaluator import unbilled
    from ..eval.v10 import envcheck

    with unbilled(ctx):
        found = envcheck.errors(ctx, list(texts.items()))
    ctx.state.schema_unchecked = False
    if found:
        raise SchemaError(400, "\n".join(found))


#: The order removals run in: an item before the items it may name (an access provider names roles, a
#: role collections and functions), so that no removal fails on a reference the same push removes.
_REMOVAL_ORDER = ("access provider", "role", "function", "collection")


def _removals_first_by_dependents(diffs: list) -> list:
    """`diffs` with its removals reordered among their own places by _REMOVAL_ORDER (core checks the
    pushed schema as a whole, so the order of its writes never matters there)."""
    places = [i for i, change in enumerate(diffs) if isinstance(change, schema_diff.Remove)]
    removals = sorted(
        (diffs[i] for i in places),
        key=lambda change: _REMOVAL_ORDER.index(change.item.kind) if change.item.kind in _REMOVAL_ORDER else len(_REMOVAL_ORDER),
    )
    ordered = list(diffs)
    for i, change in zip(places, removals):
        ordered[i] = change
    return ordered


# -- staged schema ----------------------------------------------------------------------------------------------
#
# Core stages a push by writing it and pinning the active schema until it is committed; queries go on
# seeing the active schema meanwhile, and indexes build in the background. fql keeps a staged push as the
# files it would make (checked by applying it in a transaction that is rolled back) and applies them when
# committed; its indexes build at once, so a staged schema is `ready` as soon as it is staged.

#: The staged files (one document per file), and the mark that a schema is staged (a staged push may
#: delete every file).
STAGED = "#schema_staged"
_STAGED_MARK = staged_view.STAGED_MARK


def staged_files(ctx: Context) -> list[tuple[str, str]] | None:
    """The staged files, or None when no schema is staged."""
    mark = ctx.state.txn.get(DocKey(ctx.state.scope, _STAGED_MARK, ""))
    if mark is None or mark.data is None:
        return None
    rows = [(v.data["seq"], v.key.id, v.data["content"]) for v in ctx.state.txn.scan(ctx.state.scope, STAGED) if v.data]
    return [(name, content) for _, name, content in sorted(rows)]


def staged_result(ctx: Context, submitted: list[tuple[str, str]], override: bool) -> list[tuple[str, str]]:
    """The whole set of files a staged push of `submitted` stages: with `override` off, the staged (or
    active) files it does not name stay; blank files are dropped."""
    current = staged_files(ctx)
    current = files(ctx) if current is None else current
    result = list(submitted)
    if not override:
        names = {name for name, _ in submitted}
        result += [(name, text) for name, text in current if name not in names]
    return [(name, text) for name, text in result if text.strip()]


def _in_stored_order(current: list[tuple[str, str]], result: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """`result` in the order core lists the files it stages: by source document id, so a file of `current`
    where it was, a new one after the others, in the order pushed (core's updateStoredFiles writes staged
    files on the documents of the files they replace)."""
    place = {name: i for i, (name, _) in enumerate(current)}
    return sorted(result, key=lambda file: place.get(file[0], len(place)))


def stage(ctx: Context, staged: Staged) -> None:
    """Keep `staged` as the staged schema, replacing any staged before (StagedChanged if that is no longer
    the one it replaces)."""
    if staged.replaces is not None and staged_version(ctx) != staged.replaces:
        raise StagedChanged()
    unstage(ctx)
    scope = ctx.state.scope
    for seq, (name, text) in enumerate(staged.files, 1):
        documents.write(ctx, DocKey(scope, STAGED, name), {"name": name, "content": text, "seq": seq})
    kept = [[kind, new, old] for (kind, new), old in staged.renames.items()]
    documents.write(ctx, DocKey(scope, _STAGED_MARK, ""), {"staged": True, "renames": kept})
    staged_view.keep(ctx, scope, staged.documents, documents.write)
    _bump(ctx)


class StagedChanged(Exception):
    """The staged schema a query joined was replaced (or committed, or abandoned) before its change could
    be kept: the query runs again."""


@frozen
class Staged:
    """A schema to stage: its files, the renames made in it (an item's (kind, staged name) to its active
    name, which its commit applies), and the schema documents it makes (staged.keep's), which queries
    read while it is staged."""

    files: list[tuple[str, str]]
    renames: dict
    documents: dict
    #: The version of the staged schema this one replaces (`staged_version`), when it must still be the
    #: staged one: a query joining the staged schema is made on top of it.
    replaces: int | None = None


def staged_documents(ctx: Context) -> dict[str, list[tuple]]:
    """The versioned schema documents as they are now in `ctx`'s transaction (in which the staged schema
    is applied), each with when it was created and last written (None if by this transaction): what
    staged.keep keeps."""
    scope, now = ctx.state.scope, ctx.state.ts
    return {
        coll: [
            (version.key.id, born, None if version.ts == now else version.ts, version.data)
            for born, version in born_versions(ctx, scope, coll)
        ]
        for coll in sorted(staged_view.VERSIONED)
    }


def staged_version(ctx: Context) -> int | None:
    """When the staged schema was staged (None when none is)."""
    mark = ctx.state.txn.get(DocKey(ctx.state.scope, _STAGED_MARK, ""))
    return mark.ts if mark is not None and mark.data is not None else None


def staged_renames(ctx: Context) -> dict[tuple[str, str], str]:
    """The renames of the staged schema: an item's (kind, staged name) to its active name."""
    mark = ctx.state.txn.get(DocKey(ctx.state.scope, _STAGED_MARK, ""))
    kept = (mark.data or {}).get("renames") if mark is not None else None
    return {(kind, new): old for kind, new, old in kept or ()}


def _joined_renames(staged: dict, more: dict | None) -> dict[tuple[str, str], str]:
    """`more` (renames of staged names) after `staged` (renames of active names): each item renamed from
    its active name, however many times the staged schema renamed it."""
    joined = dict(staged)
    for (kind, new), old in (more or {}).items():
        joined[(kind, new)] = joined.pop((kind, old), old)
    return {key: old for key, old in joined.items() if key != (key[0], old)}


def unstage(ctx: Context) -> None:
    """Forget the staged schema (core's abandon, and what a commit ends with)."""
    scope = ctx.state.scope
    for version_ in list(ctx.state.txn.scan(scope, STAGED)):
        if version_.data:
            documents.write(ctx, version_.key, None)
    staged_view.forget(ctx, scope, documents.write)
    if staged_files(ctx) is not None:
        documents.write(ctx, DocKey(scope, _STAGED_MARK, ""), None)
        _bump(ctx)


def commit(ctx: Context) -> None:
    """Make the staged schema active: push its files (replacing the active ones), then forget it."""
    staged = staged_files(ctx)
    if staged is None:
        raise SchemaError(400, "There is no staged schema to commit")
    update(ctx, staged, override=True, renames=staged_renames(ctx))
    unstage(ctx)


def abandon(ctx: Context) -> None:
    if staged_files(ctx) is None:
        raise SchemaError(400, "There is no staged schema to abandon")
    unstage(ctx)


class _Checked(Exception):
    """A staged push that applied cleanly, rolled back: what to stage."""

    def __init__(self, staged: Staged):
        super().__init__("staged")
        self.staged = staged


def push_staged(
    db: t.Any,
    submitted: list[tuple[str, str]],
    *,
    secret: str | None,
    override: bool,
    check: t.Callable,
    inspect: t.Callable[[Context], None] | None = None,
    renames: dict | None = None,
) -> int:
    """Stage a push (core's `update?staged=true`): apply it in a transaction that is then rolled back, so
    that it fails now as an active push would, then keep its files staged. `check(ctx)` runs first (the
    caller's permission and version checks); `inspect(ctx)`, if given, runs once the push is applied, to
    read the schema as it would be (the items API answers an item's definition so). `renames` (the items
    API's, of staged names) join those the staged schema holds. Returns the new schema version."""

    def trial(ctx: Context) -> None:
        check(ctx)
        if ctx.state.scope == "":
            raise SchemaError(400, "Schema cannot be staged in the root database")
        staged = staged_result(ctx, submitted, override)
        current = staged_files(ctx)
        current = files(ctx) if current is None else current
        joined = _joined_renames(staged_renames(ctx), renames)
        update(ctx, staged, override=True, renames=joined)
        for later, _ in ctx.state.revalidations:
            later()
        if inspect is not None:
            inspect(ctx)
        raise _Checked(Staged(_in_stored_order(current, staged), joined, staged_documents(ctx)))

    try:
        db.transact(trial, secret=secret)
    except _Checked as checked:
        kept = checked.staged
    except FQLError as err:
        raise SchemaError(400, failure_message(err)) from None
    return db.transact(lambda ctx: (check(ctx), stage(ctx, kept)), secret=secret)[1].ts


def _bump(ctx: Context) -> None:
    ctx.state.txn.put(Version(documents.schema_version_key(ctx.state.scope), ctx.state.ts, {}, None))


@frozen
class Located:
    """Where an item is declared: its file's name and text, and the item (its span in that text)."""

    file: str
    text: str
    item: Item


def locate(ctx: Context, kind: str, name: str) -> Located | None:
    """The declaration of the live item `name` of `kind` in the database's files (core's locateFSLItem)."""
    if live(ctx, DocKey(ctx.state.scope, "#" + COLLECTIONS[kind], name)) is None:
        return None
    return locate_in(files(ctx), kind, name)


def locate_in(files_: list[tuple[str, str]], kind: str, name: str) -> Located | None:
    """The declaration of the item `name` of `kind` in `files_` (the staged files, say), if any. In a file
    that does not parse, it is looked for among the members as read (core's locateItem falls back to the
    FSL.Node tree, which takes unknown keywords); not found anywhere while a file is broken, it is core's
    InvalidStoredSchema (a 400)."""
    broken = False
    for file, text in files_:
        try:
            items = parser.parse(text, file)
        except parser.FSLError:
            broken = True
            found = _read_member(text, kind, name)
            if found is not None:
                return Located(file, text, Item(kind, name, {}, file, found))
            continue
        for item in items:
            if item.key == (kind, name):
                return Located(file, text, item)
    if broken:
        raise SchemaError(400, INVALID_STORED_SCHEMA)
    return None


#: Core's words (SchemaResponse, SchemaError.InvalidStoredSchema) for stored files the items API cannot use.
INVALID_STORED_SCHEMA = (
    "An unexpected error occurred during schema generation resulting in invalid schema\n"
    "files. Please check your FSL files using the Fauna CLI tool.\n\n"
    "Contact support via https://support.fauna.com if you need assistance."
)


def _read_member(text: str, kind: str, name: str) -> tuple[int, int] | None:
    """Where the member declaring `kind` `name` is in a file that reads but does not parse, if it does."""
    try:
        members = parser.read(text)
    except parser.FSLError:
        return None
    for member in members:
        if member.kw.text == kind and member.name is not None and member.name.text == name:
            return (member.start, member.end)
    return None


def apply_staged(ctx: Context) -> list[tuple[str, str]] | None:
    """Apply the staged files, if any, in `ctx`'s transaction, which the caller must roll back: the
    schema then reads as it will once committed. The staged files, or None when none are staged."""
    staged = staged_files(ctx)
    if staged is not None:
        update(ctx, staged, override=True, renames=staged_renames(ctx))
    return staged


#: The documents that are data, though kept in native collections.
_DATA = frozenset(("#keys", "#tokens", "#credentials", "#databases"))


def joined(ctx: Context, run: t.Callable[[Context], t.Any]) -> t.Any:
    """Run `run(ctx)`, a v10 query that changes schema while a schema is staged, as core runs it: its
    document writes against the active schema, in `ctx`'s transaction, and its schema writes to the staged
    schema, applied first in an overlay of that transaction (storage/overlay.py), where its calls on the
    schema run (staged.on_staged); then keep what the overlay holds as the staged schema (the files as
    they stand then, with the renames the query made joined to those staged before), in `ctx`'s
    transaction: one time, all or nothing. Its value."""
    state = ctx.state
    state.staged_base, state.staged_txn = state.txn, Overlay(state.txn)
    try:
        with staged_view.on_staged(ctx):
            # Applying the staged schema is no write of the query's (a document of a collection it
            # changes may be written).
            marks = (set(state.wrote_documents), set(state.changed_definitions), set(state.deleted_definitions), dict(state.written))
            renamed = dict(state.renamed_definitions)
            unchecked, state.unchecked = state.unchecked, True
            try:
                apply_staged(ctx)
            except SchemaError as err:
                # The staged schema no longer applies (a document written since breaks it), as its commit
                # would say.
                raise QueryRuntimeError("invalid_schema", err.message) from None
            finally:
                state.unchecked = unchecked
                state.wrote_documents, state.changed_definitions, state.deleted_definitions, state.written = marks
                state.renamed_definitions = renamed
            replaces = staged_version(ctx)
            names = {(kind, name) for kind, name, _ in live_definitions(ctx)}
            applied = state.staged_txn.written()
        value = run(ctx)
        with staged_view.on_staged(ctx):
            for key in state.staged_txn.written() - applied:
                if not key.coll.startswith("#") or key.coll in _DATA:
                    # A document written inside a call on the schema would be lost with the overlay (set
                    # functions may not write, so no query is known to get here).
                    raise QueryRuntimeError(
                        "invalid_write",
                        "fql cannot write documents inside a call on schema while a schema is staged.",
                    )
            renamed = _former_names(ctx, live_definitions(ctx))
            more = {(kind, new): former for (kind, former), new in renamed.items() if (kind, former) in names and former != new}
            kept = Staged(files(ctx), _joined_renames(staged_renames(ctx), more), staged_documents(ctx), replaces)
    finally:
        state.staged_txn.rollback()
        state.staged_base = state.staged_txn = None
        state.staged_cache = {}
    stage(ctx, kept)
    return value


def ref_of(item: Item) -> Ref:
    """The ref of an item's stored document."""
    return Ref(item.name, native(COLLECTIONS[item.kind]))


#: The v10 module that writes each kind of item.
_MODULES = {"collection": "Collection", "function": "Function", "role": "Role", "access provider": "AccessProvider"}
#: The v10 calls a push makes (`n` the item's name, `d` its definition), by kind.
_CALLS = {"create": "{}.create(d)", "replace": "{}.byName(n)!.replace(d)", "delete": "{}.byName(n)!.delete()"}


@functools.cache
def _program(call: str, kind: str) -> t.Any:
    """The parsed v10 call (parsed once, when a push first needs it, not when fql is imported)."""
    return parse_query(_CALLS[call].format(_MODULES[kind]), "v10")


def _stored(ctx: Context, item: Item) -> dict | None:
    version_ = live(ctx, DocKey(ctx.state.scope, "#" + COLLECTIONS[item.kind], item.name))
    return version_.data if version_ is not None else None


def _upsert(ctx: Context, item: Item, texts: dict[str, str] | None = None, old_name: str | None = None) -> None:
    """Create the item's document, or replace it (keeping its `data`), as the v10 query would; the
    document of `old_name` takes the item's name (a rename). `texts` are the pushed files, where a
    failure of the schema as a whole is drawn on the item."""
    old = Item(item.kind, old_name or item.name, {})
    previous = _stored(ctx, old)
    fields = {"name": item.name, **with_defaults(item.kind, item.definition)}
    if previous is not None and previous.get("data") is not None:
        fields["data"] = previous["data"]
    program = _program("create" if previous is None else "replace", item.kind)
    try:
        _run(ctx, program, n=old.name, d=fields)
    except SchemaError as err:
        text = (texts or {}).get(item.file)
        if (err.message.startswith(SCHEMA_UPDATE) or _PROTECTED in err.message) and text is not None:
            # Core's write carries the item's span, and a failure of the schema as a whole (its
            # DatabaseSchemaEnvViolation: migrations that fail when run, a backfill that cannot be
            # converted) is drawn there, and so is protected mode's refusal; a write's own constraint
            # failures stay bare, as core's API says them.
            err.message = Diagnostic(err.message, *item.span).render(text, item.file)
        raise


#: What protected mode's refusals say (documents.PROTECTED).
_PROTECTED = "destructive change forbidden because database is in protected mode."


#: How core's failures of the schema as a whole begin.
SCHEMA_UPDATE = "Invalid database schema update."


def _delete(ctx: Context, item: Item) -> None:
    if _stored(ctx, item) is not None:
        _run(ctx, _program("delete", item.kind), n=item.name)


def _run(ctx: Context, program: t.Any, **env: t.Any) -> None:
    try:
        expressions.evaluate_program(program, ctx.bind(env))
    except FQLError as err:
        raise SchemaError(400, failure_message(err)) from None


def failure_message(err: FQLError) -> str:
    """Core's message for a write that failed (`QueryRuntimeFailure.message`): the description and its
    constraint failures, without a place in a query (the push has none)."""
    from ..repl.printer import failure_lines

    return "\n".join([err.description, *failure_lines(err)])


def _store(ctx: Context, submitted: list[tuple[str, str]], override: bool, kept: dict[str, str] | None = None) -> None:
    """Keep the pushed files (core's updateStoredFiles). `kept`: the files a push that keeps the others
    leaves, as read now (queries' changes patched in), stored so: core patches them at each schema write,
    so an item a query deleted is not declared there again by the stored text."""
    scope = ctx.state.scope
    existing = {v.key.id: v.data for v in ctx.state.txn.scan(scope, SOURCES) if v.data}
    seq = max((data["seq"] for data in existing.values()), default=0)
    names = set()
    for name, text in submitted:
        names.add(name)
        key = DocKey(scope, SOURCES, name)
        if not text.strip() and name in existing:
            # A blank file deletes the one stored; a new blank file is kept (core's updateStoredFiles
            # creates it), so that items made by queries after it are patched into it, not derived anew.
            documents.write(ctx, key, None)
            continue
        if name in existing:
            order = existing[name]["seq"]
        else:
            seq += 1
            order = seq
        documents.write(ctx, key, {"name": name, "content": text, "seq": order})
    if override:
        for name in existing:
            if name not in names:
                documents.write(ctx, DocKey(scope, SOURCES, name), None)
    for name, text in (kept or {}).items():
        if name in existing and existing[name]["content"] != text:
            documents.write(ctx, DocKey(scope, SOURCES, name), {**existing[name], "content": text})
    # A push is a schema change even when only comments changed: its answer names the new version.
    _bump(ctx)

