"""A database's FSL files, and pushing new ones (core's SchemaManager and SchemaSource).

A database keeps the FSL files last pushed to it (`#schema_sources`, a document per file). What it answers
for them is always its live schema: an item changed since by a query (`Collection.create`, a v4
`CreateRole`) is rewritten in the file that declares it, one deleted is cut out, and one no file declares
is generated into `main.fsl` (core patches the stored files on each schema write; fql patches them when
they are read, to the same text). A database that never had files gets `main.fsl` derived from its schema.

A push (`update`) parses every file, compares their items with those of the files as they are now, and
applies each difference through the same `create`/`replace`/`delete` a v10 query would call, in one
transaction with the file writes: all of it commits, or nothing does. `validate` is the same without the
writes, for the diff.
"""

from __future__ import annotations

import typing as t

from attrs import frozen

from ..errors import FQLError
from ..eval import documents
from ..eval.evaluator import Context
from ..eval.refs import live
from ..eval.v10 import expressions
from ..parse import parse as parse_query
from ..storage.base import DocKey, Version
from ..values import Ref, native
from . import diff as schema_diff
from . import migrating, parser, source
from .items import COLLECTIONS, Item

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
    import os

    if os.path.isfile(path):
        with open(path, encoding="utf-8") as handle:
            return [(os.path.basename(path), handle.read())]
    found = []
    for folder, _, names in os.walk(path):
        for name in names:
            if name.endswith(".fsl"):
                full = os.path.join(folder, name)
                with open(full, encoding="utf-8") as handle:
                    found.append((os.path.relpath(full, path).replace(os.sep, "/"), handle.read()))
    return sorted(found)


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
    access providers, each in the order they were made): v4 functions and roles, which FSL cannot
    say, are left out."""
    found = []
    for kind, coll in COLLECTIONS.items():
        rows = []
        for version_ in ctx.state.txn.scan(ctx.state.scope, "#" + coll):
            if not version_.live_at(ctx.state.ts) or not version_.data:
                continue
            data = version_.data
            if kind == "function" and not isinstance(data.get("body"), str):
                continue
            if kind == "role" and not _v10_role(data):
                continue
            rows.append((_made(ctx, version_.key), kind, version_.key.id, data))
        found.extend((kind, name, data) for _, kind, name, data in sorted(rows, key=lambda row: row[0]))
    return found


def _made(ctx: Context, key: DocKey) -> int:
    history = ctx.state.txn.history(key)
    return history[0].ts if history else 0


def _v10_role(data: dict) -> bool:
    """Core's isV10Role: every resource named by a string, every predicate a string."""
    for privilege in data.get("privileges") or ():
        if not isinstance(privilege.get("resource"), str):
            return False
        for action in (privilege.get("actions") or {}).values():
            if not isinstance(action, (bool, str)):
                return False
    for member in data.get("membership") or ():
        if not isinstance(member.get("resource"), str) or not isinstance(member.get("predicate", ""), str):
            return False
    return True


# -- files -----------------------------------------------------------------------------------------------------


def stored_files(ctx: Context) -> list[tuple[str, str]]:
    """The files last pushed, in the order they were first pushed."""
    rows = []
    for version_ in ctx.state.txn.scan(ctx.state.scope, SOURCES):
        if version_.data:
            rows.append((version_.data["seq"], version_.key.id, version_.data["content"]))
    return [(name, content) for _, name, content in sorted(rows)]


def files(ctx: Context) -> list[tuple[str, str]]:
    """The database's FSL files as they stand for its live schema (see the module docstring)."""
    stored = stored_files(ctx)
    live_items = live_definitions(ctx)
    if not stored:
        text = source.derive(live_items)
        return [(MAIN, text)] if text else []
    return _patched(stored, live_items)


def _patched(stored: list[tuple[str, str]], live_items: list[tuple[str, str, dict]]) -> list[tuple[str, str]]:
    by_key = {(kind, name): definition for kind, name, definition in live_items}
    declared = set()
    result = []
    for name, text in stored:
        try:
            items = parser.parse(text, name)
        except parser.FSLError:
            # A file that no longer parses is kept as it is (core regenerates it; fql leaves the user's text).
            result.append((name, text))
            continue
        edits = []
        for item in items:
            declared.add(item.key)
            current = by_key.get(item.key)
            if current is None:
                edits.append((item.span, ""))
            elif comparable(item.kind, item.definition) != comparable(item.kind, current):
                edits.append((item.span, source.generate(item.kind, item.name, current)))
        for (start, end), replacement in sorted(edits, reverse=True):
            text = text[:start] + replacement + text[end:]
        result.append((name, text))
    missing = [source.generate(kind, name, d) for kind, name, d in live_items if (kind, name) not in declared]
    if missing:
        names = [name for name, _ in result]
        main = result[names.index(MAIN)][1] if MAIN in names else ""
        for text in missing:
            main = _appended(main, text)
        if MAIN in names:
            result[names.index(MAIN)] = (MAIN, main)
        else:
            result.append((MAIN, f"{source.PREAMBLE}\n{main}"))
    return result


def _appended(text: str, item: str) -> str:
    """`item` added at the end of a file, as core's SchemaPatch adds one: after a blank line."""
    if not text.strip():
        return item
    last_line = text[max(text.rfind("\n"), 0) :]
    return text + "\n" + ("\n" if last_line.strip() else "") + item


#: What a stored definition holds that FSL never says.
_STORED_ONLY = ("name", "data", "ref", "ts", "coll", "id")


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
    # An item that leaves `history_days` out has the one its collection has (core's fillDefaults).
    kept = {
        item.name: data.get("history_days")
        for item in before_items
        if item.kind == "collection" and "history_days" not in item.definition
        for data in [_stored(ctx, item) or {}]
        if isinstance(data.get("history_days"), int)
    }
    diffs = schema_diff.diff(before_items, after_items, renames or None, history_days=kept)
    failed = migrating.failures(ctx, diffs, dict(before), dict(after))
    if failed:
        raise SchemaError(400, "\n".join(failed))
    if not override:
        names = {name for name, _ in submitted}
        diffs = [d for d in diffs if not (isinstance(d, schema_diff.Remove) and d.item.file not in names)]
    return Validated(dict(before), dict(after), diffs)


def update(
    ctx: Context, submitted: list[tuple[str, str]], *, override: bool = True, renames: dict | None = None
) -> Validated:
    """Push `submitted`: apply every difference, then store the files (a blank one deletes its file)."""
    result = validate(ctx, submitted, override=override, renames=renames)
    # Core checks the pushed schema as a whole: a collection's field may name one declared after it. Each
    # new collection is made bare first, then given its definition with the others.
    for change in result.diffs:
        if isinstance(change, schema_diff.Add) and change.item.kind == "collection":
            _upsert(ctx, Item("collection", change.item.name, {}))
    for change in result.diffs:
        if isinstance(change, schema_diff.Remove):
            _delete(ctx, change.item)
        elif isinstance(change, schema_diff.Modify):
            _upsert(ctx, change.after, change.before.name)
        else:
            _upsert(ctx, change.item)
    _store(ctx, submitted, override)
    return result


# -- staged schema ----------------------------------------------------------------------------------------------
#
# Core stages a push by writing it and pinning the active schema until it is committed; queries go on
# seeing the active schema meanwhile, and indexes build in the background. fql keeps a staged push as the
# files it would make (checked by applying it in a transaction that is rolled back) and applies them when
# committed; its indexes build at once, so a staged schema is `ready` as soon as it is staged.

#: The staged files (one document per file), and the mark that a schema is staged (a staged push may
#: delete every file).
STAGED = "#schema_staged"
_STAGED_MARK = "#schema_staged_mark"


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


def stage(ctx: Context, staged: list[tuple[str, str]]) -> None:
    """Keep `staged` as the staged schema, replacing any staged before."""
    unstage(ctx)
    scope = ctx.state.scope
    for seq, (name, text) in enumerate(staged, 1):
        documents.write(ctx, DocKey(scope, STAGED, name), {"name": name, "content": text, "seq": seq})
    documents.write(ctx, DocKey(scope, _STAGED_MARK, ""), {"staged": True})
    _bump(ctx)


def unstage(ctx: Context) -> None:
    """Forget the staged schema (core's abandon, and what a commit ends with)."""
    scope = ctx.state.scope
    for version_ in list(ctx.state.txn.scan(scope, STAGED)):
        if version_.data:
            documents.write(ctx, version_.key, None)
    if staged_files(ctx) is not None:
        documents.write(ctx, DocKey(scope, _STAGED_MARK, ""), None)
        _bump(ctx)


def commit(ctx: Context) -> None:
    """Make the staged schema active: push its files (replacing the active ones), then forget it."""
    staged = staged_files(ctx)
    if staged is None:
        raise SchemaError(400, "There is no staged schema to commit")
    update(ctx, staged, override=True)
    unstage(ctx)


def abandon(ctx: Context) -> None:
    if staged_files(ctx) is None:
        raise SchemaError(400, "There is no staged schema to abandon")
    unstage(ctx)


class _Checked(Exception):
    """A staged push that applied cleanly, rolled back: the files to stage."""

    def __init__(self, staged: list[tuple[str, str]]):
        super().__init__("staged")
        self.staged = staged


def push_staged(db: t.Any, submitted: list[tuple[str, str]], *, secret: str | None, override: bool, check: t.Callable) -> int:
    """Stage a push (core's `update?staged=true`): apply it in a transaction that is then rolled back, so
    that it fails now as an active push would, then keep its files staged. `check(ctx)` runs first (the
    caller's permission and version checks). Returns the new schema version."""

    def trial(ctx: Context) -> None:
        check(ctx)
        if ctx.state.scope == "":
            raise SchemaError(400, "Schema cannot be staged in the root database")
        staged = staged_result(ctx, submitted, override)
        update(ctx, staged, override=True)
        for later, _ in ctx.state.revalidations:
            later()
        raise _Checked(staged)

    try:
        db.transact(trial, secret=secret)
    except _Checked as checked:
        staged = checked.staged
    except FQLError as err:
        raise SchemaError(400, failure_message(err)) from None
    return db.transact(lambda ctx: (check(ctx), stage(ctx, staged)), secret=secret)[1].ts


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
    for file, text in files(ctx):
        try:
            items = parser.parse(text, file)
        except parser.FSLError:
            continue
        for item in items:
            if item.key == (kind, name):
                return Located(file, text, item)
    return None


def ref_of(item: Item) -> Ref:
    """The ref of an item's stored document."""
    return Ref(item.name, native(COLLECTIONS[item.kind]))


_CREATE = {kind: parse_query(f"{module}.create(d)", "v10") for kind, module in (
    ("collection", "Collection"), ("function", "Function"), ("role", "Role"), ("access provider", "AccessProvider"))}
_REPLACE = {kind: parse_query(f"{module}.byName(n)!.replace(d)", "v10") for kind, module in (
    ("collection", "Collection"), ("function", "Function"), ("role", "Role"), ("access provider", "AccessProvider"))}
_DELETE = {kind: parse_query(f"{module}.byName(n)!.delete()", "v10") for kind, module in (
    ("collection", "Collection"), ("function", "Function"), ("role", "Role"), ("access provider", "AccessProvider"))}


def _stored(ctx: Context, item: Item) -> dict | None:
    version_ = live(ctx, DocKey(ctx.state.scope, "#" + COLLECTIONS[item.kind], item.name))
    return version_.data if version_ is not None else None


def _upsert(ctx: Context, item: Item, old_name: str | None = None) -> None:
    """Create the item's document, or replace it (keeping its `data`), as the v10 query would; the
    document of `old_name` takes the item's name (a rename)."""
    old = Item(item.kind, old_name or item.name, {})
    previous = _stored(ctx, old)
    fields = {"name": item.name, **with_defaults(item.kind, item.definition)}
    if previous is not None and previous.get("data") is not None:
        fields["data"] = previous["data"]
    program = _CREATE[item.kind] if previous is None else _REPLACE[item.kind]
    _run(ctx, program, n=old.name, d=fields)


def _delete(ctx: Context, item: Item) -> None:
    if _stored(ctx, item) is not None:
        _run(ctx, _DELETE[item.kind], n=item.name)


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


def _store(ctx: Context, submitted: list[tuple[str, str]], override: bool) -> None:
    """Keep the pushed files (core's updateStoredFiles)."""
    scope = ctx.state.scope
    existing = {v.key.id: v.data for v in ctx.state.txn.scan(scope, SOURCES) if v.data}
    seq = max((data["seq"] for data in existing.values()), default=0)
    names = set()
    for name, text in submitted:
        names.add(name)
        key = DocKey(scope, SOURCES, name)
        if not text.strip():
            if name in existing:
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
    # A push is a schema change even when only comments changed: its answer names the new version.
    _bump(ctx)

