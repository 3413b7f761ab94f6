"""fql.connect(url) -> Database: the embedding API; each `query()` is one transaction."""

from __future__ import annotations

import functools
import time
import typing as t

from . import stack
from .auth import jwt
from .auth.access import SCOPES, Auth, authenticate
from .auth.jwt import JWKS
from .auth.credentials import Argon2Params, Passwords
from .errors import FQLError, InvalidArgument, InvalidExpression, StackOverflow, TransactionAborted, Unauthorized
from .eval import documents, queryparse, registry, roles, staged
from .eval.evaluator import Context, QueryState, evaluate
from .ast import Node, Program
from .parse import detect_syntax, parse
from .render import to_fql
from .storage.base import Conflict, DocKey, Storage, Transaction
from .storage.meter import Meter
from .storage.readonly import ReadOnly

registry.load()

from .eval.v10 import expressions as v10_expressions, sets as v10_sets  # noqa: E402 - after load()
from .eval.v10.misc import hide_stored_frames, transaction_times, visible_logs  # noqa: E402
from .eval.v10.static import typecheck as static_check  # noqa: E402
from .schema.display import DefinitionTooDeep  # noqa: E402

#: How many times a query whose snapshot went stale runs again before failing with `contended transaction`.
MAX_RETRIES = 5
#: The root (admin) identity of queries without a secret; Auths are never changed in place, so one serves all.
ROOT = Auth()


class _ShallowStack(Exception):
    """A query ran out of stack on a thread that is not deep (fql/stack.py): it runs again on one that is."""


def open_storage(url: str) -> Storage:
    """The backend named by `url`: `memory://` (the default), `sqlite:///path/app.db`, `postgresql://...`."""
    if url in ("memory://", "memory:", "memory"):
        from .storage.memory import MemoryStorage

        return MemoryStorage()
    if url.startswith("sqlite:"):
        from .storage import sqlite

        return sqlite.open_url(url)
    if url.startswith(("postgresql://", "postgres://")):
        from .storage import postgres

        return postgres.open_url(url)
    raise InvalidArgument(
        f"Unsupported database URL '{url}'; fql supports memory://, sqlite:///path/app.db and postgresql://..."
    )


#: The syntaxes `Database.query` reads.
SYNTAXES = ("v4", "v10", "auto")
#: What a query of a closed database raises (as ValueError, as a closed file's reads do).
CLOSED = "the database is closed (Database.close() or the end of its `with` block)"


class Database:
    """One fql database (with its child databases) on one storage backend."""

    def __init__(
        self, storage: Storage, *, root_secret: str = "secret", argon2: Argon2Params | None = None, jwks: JWKS | None = None
    ):
        self.storage = storage
        #: Where JWT secrets' signing keys come from (access providers' `jwks_uri`, over HTTPS, cached).
        self.jwks = jwks or jwt.DEFAULT
        #: The root secret: admin on the top database. "secret" is a development default; set your own.
        self.root_secret = root_secret
        #: Password hashing (argon2id); the default parameters are OWASP's recommended minimum.
        self.passwords = Passwords(argon2)
        #: Recently authenticated secrets: (storage generation, expiry µs, Auth). Valid only while no
        #: write has committed since and no ttl has passed (see `_authenticate`).
        self._auth_cache: dict[str, tuple[int, int | None, Auth]] = {}
        #: Set by `close()`.
        self.closed = False

    def query(self, text: str, secret: str | None = None, syntax: str = "v4") -> t.Any:
        """Evaluate FQL `text` as one transaction and return the result as Python values.

        Several top-level expressions run in order in the same transaction; the last one's value is
        returned. With no `secret` the query runs as the root (admin) identity. `syntax` is "v4", "v10" or
        "auto" (as `fql --syntax auto` reads a text). An empty query is refused as Fauna refuses one.
        """
        if not isinstance(text, str):
            raise TypeError(f"the query must be FQL text (a str), not {type(text).__name__}")
        if secret is not None and not isinstance(secret, str):
            _refuse_secret(secret)
        if syntax == "auto":
            syntax = detect_syntax(text)
        elif syntax not in SYNTAXES:
            raise ValueError(f"syntax must be one of {', '.join(map(repr, SYNTAXES))}, not {syntax!r}")
        program = parse(text, syntax)
        if not program.body:
            # Core's answer to an empty v4 body (v10's parser refuses an empty query itself).
            raise InvalidExpression("No query provided.")
        # `run` without its secret check, made above (each check is a call on every query).
        if self.closed:
            raise ValueError(CLOSED)
        return self.run_with_state(program, secret=secret, syntax=syntax)[0]

    def run(
        self, node: t.Any, *, secret: str | None = None, syntax: str = "v4", env: dict | None = None
    ) -> t.Any:
        """Evaluate a parsed node as one transaction; all of its writes commit, or none do.

        With a `secret` the query runs as that key, token or scoped secret (`unauthorized` if it is not
        valid now); without one it runs as the root (admin) identity.
        """
        if secret is not None and not isinstance(secret, str):
            _refuse_secret(secret)
        if self.closed:
            raise ValueError(CLOSED)
        return self.run_with_state(node, secret=secret, syntax=syntax, env=env)[0]

    def run_with_state(
        self,
        node: t.Any,
        *,
        secret: str | None = None,
        syntax: str = "v4",
        env: dict | t.Callable[[Context], dict | None] | None = None,
        timeout_ms: int | None = None,
        meter: bool = False,
        read_only: t.Callable[[], FQLError] | None = None,
        started: float | None = None,
        typecheck: bool | None = True,
        max_retries: int | None = None,
        performance_hints: bool = False,
        api_version: str | None = None,
    ) -> tuple[t.Any, QueryState]:
        """`run`, also returning the query's state: its `ts`, and `created` (the v4 server answers 201).

        With `meter` the state's `txn` is a `Meter` (fql/storage/meter.py) that counted what the query read
        and wrote, and `state.retries` says how many times it ran again. With `read_only` every write fails
        with the error it makes, and nothing is committed. `started` is when the request came
        (time.monotonic(); the timeout counts from it, and a query still running past it, or found past it
        once evaluated, fails with `time_out`). `typecheck` off makes an unbound v10 name the runtime error
        `unbound_variable` rather than `invalid_query`; None follows the database's `typechecked` setting
        (core's default when a request has no X-Typecheck header). `max_retries` replaces MAX_RETRIES for this query
        (the X-Max-Contention-Retries header). `performance_hints` collects v10's performance hints
        (X-Performance-Hints) in `state.hints`. `env` may be a function of a context in the query's own
        transaction that makes the variables (the v10 server decodes arguments naming documents so).
        `api_version` is the v4 API version the query is written for and evaluated at
        (X-FaunaDB-API-Version; fql/eval/versions.py), API 4 when None.

        A query whose snapshot went stale before its first write (another process wrote meanwhile) runs
        again from scratch, holding the write lock from its start, up to MAX_RETRIES times within its
        timeout; then it fails with `contended transaction`.
        """
        deadline = None
        if timeout_ms is not None:
            started = time.monotonic() if started is None else started
            deadline = started + timeout_ms / 1000
        fields = {"deadline": deadline, "started": started or 0.0, "typecheck": typecheck}
        if performance_hints:
            fields["performance_hints"] = True
        if api_version is not None:
            fields["api_version"] = fields["form_version"] = api_version
        attempt = 0
        while True:
            args = (attempt > 0, read_only, node, secret, syntax, env, fields, meter)
            try:
                if stack.shallow_and_raised():
                    result, state = stack.run_deep(functools.partial(self._attempt, *args))
                else:
                    try:
                        result, state = self._attempt(*args)
                    except _ShallowStack:
                        result, state = stack.run_deep(functools.partial(self._attempt, *args))
                if attempt:
                    state.retries = attempt
                return result, state
            except staged.JoinStaged:
                # A schema write while a schema is staged: run again against the staged schema.
                fields = {**fields, "schema_view": staged.JOINING}
                continue
            except Conflict:
                attempt += 1
                bound = MAX_RETRIES if max_retries is None else max_retries
                if attempt > bound or (deadline is not None and time.monotonic() > deadline):
                    raise

    def _attempt(
        self,
        writing: bool,
        read_only: t.Callable[[], FQLError] | None,
        node: t.Any,
        secret: str | None,
        syntax: str,
        env: dict | t.Callable[[Context], dict | None] | None,
        fields: dict,
        meter: bool = False,
    ) -> tuple[t.Any, QueryState]:
        """One run of a query in a transaction begun here (`writing` holds the write lock from its start;
        `read_only` as `run_with_state`'s), its QueryState given `fields`: committed when it succeeds and
        is still within its deadline, rolled back when it fails.

        Whatever the query made of a stale snapshot (a user function wraps every error), the
        transaction's `conflict` decides: the query is rerun.
        """
        txn: Transaction = self.storage.begin(writing=writing)
        if read_only is not None:
            txn = ReadOnly(txn, read_only)
        state = None
        try:
            auth = ROOT if secret is None else self._authenticate(txn, secret)
            state = QueryState(
                Meter(txn, marked=syntax != "v10") if meter else txn, auth, db=self, v10=syntax == "v10", **fields
            )
            if callable(env):
                env = env(Context(state))
            ctx = Context(state, dict(env) if env else None)
            if state.typecheck is None:
                from .eval.v10.fields import env_typechecked

                state.typecheck = env_typechecked(ctx)
            if auth.provider is not None and not roles.roles_of(ctx):
                # A JWT none of whose provider's roles applies (core: no role passes, no auth).
                raise Unauthorized("Unauthorized")
            if syntax != "v10":
                # Core parses a v4 query whole before running any of it (fql/eval/queryparse.py).
                refused = queryparse.check(node, env or (), state.form_version)
                if refused is not None:
                    raise refused
            if syntax == "v10" and state.typecheck and isinstance(node, Node):
                state.static_type = static_check(node, ctx)
            if syntax == "v10" and not isinstance(node, Work) and state.schema_view == staged.RAW:
                state.schema_view = staged.QUERY
            elif syntax != "v10" and state.schema_view == staged.RAW:
                state.schema_view = staged.V4
            if state.schema_view == staged.JOINING:
                from .schema import manager

                result = manager.joined(ctx, lambda c: _run_v10(node, c))
                state.schema_version = documents.schema_version(ctx)
            else:
                result = _run_v10(node, ctx) if syntax == "v10" else evaluate(node, ctx)
            if state.deadline is not None:
                state.check_deadline()
            txn.commit()
            return result, state
        except (RecursionError, DefinitionTooDeep):
            txn.rollback()
            if not stack.is_deep():
                raise _ShallowStack from None
            raise StackOverflow("The query nests deeper than fql can evaluate.") from None
        except BaseException as err:
            txn.rollback()
            if txn.conflict is not None:
                raise txn.conflict from None
            if isinstance(err, FQLError) and state is not None and syntax == "v10":
                err.logs = visible_logs(state)
                hide_stored_frames(state, err)
                err.warnings = state.check_warnings
            if isinstance(err, TransactionAborted):
                err.state = state
            raise

    def _authenticate(self, txn: t.Any, secret: str) -> Auth:
        """The Auth of `secret`, reusing the last answer while the store has not changed since.

        Any commit that writes (a Logout, a deleted key, a changed ttl) changes the generation; a ttl
        passing without a write is caught by the stored expiry. Backends without a cheap generation
        authenticate every time.
        """
        generation = self.storage.generation()
        if generation is not None:
            hit = self._auth_cache.get(secret)
            if hit is not None and hit[0] == generation and (hit[1] is None or hit[1] > txn.ts):
                return hit[2]
        auth = authenticate(txn, secret, self.root_secret, self.jwks)
        if generation is not None:
            if len(self._auth_cache) > 10_000:
                self._auth_cache.clear()
            self._auth_cache[secret] = (generation, _expiry(txn, auth), auth)
        return auth

    def transact(self, fn: t.Callable[[Context], t.Any], *, secret: str | None = None) -> tuple[t.Any, QueryState]:
        """`fn(ctx)` as one v10 query run with `secret`: retried on conflict, its writes all committed or
        none, its post-query checks run (the FSL schema manager applies files this way)."""
        return self.run_with_state(Work(fn), secret=secret, syntax="v10")

    def push_schema(
        self,
        files: t.Mapping[str, str] | str,
        *,
        secret: str | None = None,
        override: bool = True,
        staged: bool = False,
    ) -> int:
        """Push FSL files (a name -> text mapping, or a directory of `.fsl` files) as `fauna schema push`
        does, in one transaction; returns the new schema version. With `override` off, stored files not
        given are kept. With `staged` (or while a schema is staged) the push is checked, then kept staged
        until `commit_schema()`. A file or schema error raises `fql.schema.manager.SchemaError`."""
        from .schema import manager

        given = manager.read_directory(files) if isinstance(files, str) else list(files.items())
        manager.check_files(given)
        try:
            _, state = self.transact(lambda ctx: _schema_write(ctx, given, override, staged), secret=secret)
        except _Staging:
            return manager.push_staged(self, given, secret=secret, override=override, check=_may_write_schema)
        except FQLError as err:
            # A check run once the writes are done (an unknown role a function names).
            raise manager.SchemaError(400, manager.failure_message(err)) from None
        return state.ts

    def commit_schema(self, *, secret: str | None = None) -> int:
        """Make the staged schema active (`fauna schema commit`); returns the new schema version."""
        from .schema import manager

        return self._schema_step(manager.commit, secret)

    def abandon_schema(self, *, secret: str | None = None) -> int:
        """Forget the staged schema (`fauna schema abandon`)."""
        from .schema import manager

        return self._schema_step(manager.abandon, secret)

    def _schema_step(self, step: t.Callable[[Context], None], secret: str | None) -> int:
        from .schema import manager

        def run(ctx: Context) -> None:
            _may_write_schema(ctx)
            step(ctx)

        try:
            return self.transact(run, secret=secret)[1].ts
        except FQLError as err:
            raise manager.SchemaError(400, manager.failure_message(err)) from None

    def schema_files(self, *, secret: str | None = None) -> dict[str, str]:
        """The database's FSL files as they stand for its live schema (`GET /schema/1/files`): the files
        last pushed, kept up to date with changes made by queries, or `main.fsl` generated."""
        from .schema import manager

        return dict(self.transact(lambda ctx: _schema_read(ctx, manager.files), secret=secret)[0])

    def schema_diff(
        self, files: t.Mapping[str, str] | str, *, secret: str | None = None, override: bool = True,
        format: str = "semantic", color: bool = False, staged: bool = False,
    ) -> str:
        """What pushing `files` would change, rendered as core renders it (`semantic`, `summary` or
        `textual`); nothing is written. With `staged`, against the staged schema if there is one (`fauna
        schema diff --staged`)."""
        from .schema import diff, manager

        given = manager.read_directory(files) if isinstance(files, str) else list(files.items())
        manager.check_files(given)
        found = self.transact(lambda ctx: _schema_read(ctx, lambda c: manager.validate(c, given, override=override, staged=staged)), secret=secret)[0]
        return diff.render(format, found.before, found.after, found.diffs, color=color)

    def session(self, secret: str | None = None) -> Session:
        """A session: anonymous, or starting from `secret`; signup/signin/authenticate set its secret."""
        return Session(self, secret)

    def close(self) -> None:
        """Close the storage; later queries raise ValueError, as a closed file's reads do."""
        self.closed = True
        self.storage.close()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: t.Any) -> None:
        self.close()


def _expiry(txn: t.Any, auth: Auth) -> int | None:
    """When the documents behind an Auth (its key or token, its identity, its databases) reach a ttl, in µs."""
    keys = [auth.source, auth.identity]
    scope = auth.scope
    while scope:
        entry = txn.get(DocKey("", SCOPES, scope))
        if entry is None or entry.data is None:
            break
        keys.append(DocKey(entry.data["parent"], "#databases", entry.data["name"]))
        scope = entry.data["parent"]
    ttls = [v.ttl for v in (txn.get(k) for k in keys if k is not None) if v is not None and v.ttl is not None]
    exp = (auth.claims or {}).get("exp")
    if isinstance(exp, (int, float)) and not isinstance(exp, bool):
        ttls.append(int(exp * 1_000_000))
    return min(ttls) if ttls else None


def _schema_read(ctx: Context, read: t.Callable[[Context], t.Any]) -> t.Any:
    from .schema import manager

    if not manager.can_read(ctx):
        raise manager.SchemaError(403, "Access denied")
    return read(ctx)


def _may_write_schema(ctx: Context) -> None:
    from .schema import manager

    if not manager.can_write(ctx):
        raise manager.SchemaError(403, "Access denied")


class _Staging(Exception):
    """A push to be staged (asked for, or a schema is staged already): run by manager.push_staged."""


def _schema_write(ctx: Context, files: list[tuple[str, str]], override: bool, staged: bool) -> None:
    from .schema import manager

    _may_write_schema(ctx)
    if staged or manager.staged_files(ctx) is not None:
        raise _Staging()
    manager.update(ctx, files, override=override)


class Work:
    """Python work to run as a v10 query (`Database.transact`): `fn(ctx)` in place of a parsed query."""

    __slots__ = ("fn",)

    def __init__(self, fn: t.Callable[[Context], t.Any]):
        self.fn = fn


def _run_v10(node: t.Any, ctx: Context) -> t.Any:
    """A v10 query: its statements form one block; sets in the result become their first page."""
    with transaction_times(ctx.state.txn_times):
        return _run_v10_block(node, ctx)


def _run_v10_block(node: t.Any, ctx: Context) -> t.Any:
    if isinstance(node, Work):
        value = node.fn(ctx)
    else:
        if isinstance(node, Program):
            ctx.state.query_text = node.text
            value = v10_expressions.evaluate_program(node, ctx)
        else:
            value = evaluate(node, ctx)
    located: FQLError | None = None
    for check, span in ctx.state.revalidations:
        try:
            check()
        except FQLError as err:
            if err.span is None:
                err.span = span
            if getattr(err, "schema_errors", None) is None:
                if located is None:
                    raise
                continue
            # An invalid_schema error core places in the query (a collection's derived types): every
            # write's is gathered, each drawn where the write was made, as core lists them.
            if located is None:
                located = err
            else:
                located.schema_errors += err.schema_errors
    if located is not None:
        raise _located_schema_error(located, node.text if isinstance(node, Program) else "")
    result = v10_sets.materialize(ctx, value)
    ctx.state.schema_version = documents.schema_version(ctx)
    return result


def _located_schema_error(err: FQLError, text: str) -> FQLError:
    """Core's DatabaseSchemaEnvViolation for errors of the query's own writes: each error, then where in the
    query its write was made (`at *query*:1:18` and the write's argument list underlined)."""
    from .eval.v10.signatures import render_at

    lines = []
    for message, span in err.schema_errors:
        if text and span is not None and span.line and span.end > span.start:
            end = text.find("\n", span.start)
            width = (span.end if end < 0 else min(span.end, end)) - span.start
            lines += render_at(message, "*query*", text, span.start, width).split("\n")
        else:
            lines.append(f"error: {message}")
    err.description = "Invalid database schema update.\n" + "\n".join("    " + line for line in lines)
    return err


class Session:
    """A caller's connection, shaped like SurrealDB's SDK (signup, signin, authenticate, info, invalidate).

    signup and signin run on the embedding program's authority (as the root), as a server-side sign-up
    endpoint would; everything else runs with the session's secret.
    """

    def __init__(self, db: Database, secret: str | None = None):
        self.db = db
        self.secret = secret

    def signup(self, *, collection: str, password: str, data: dict | None = None, ttl: t.Any = None) -> str:
        """Create a document with credentials in `collection`, log it in, and use the new token."""
        params = {"credentials": {"password": password}, "data": data or {}}
        ref = self.db.query(f"Select('ref', Create(Collection({to_fql(collection)}), {to_fql(params)}))")
        return self.signin(identity=ref, password=password, ttl=ttl)

    def signin(self, *, identity: t.Any, password: str, ttl: t.Any = None) -> str:
        """Log in `identity` (a Ref, or FQL text such as `Match(Index("users_by_email"), "a@x")`)."""
        target = identity if isinstance(identity, str) else to_fql(identity)
        params = {"password": password} if ttl is None else {"password": password, "ttl": ttl}
        token = self.db.query(f"Login({target}, {to_fql(params)})")
        self.secret = token["secret"]
        return self.secret

    def authenticate(self, secret: str) -> None:
        """Use an existing key or token secret; `unauthorized` if it is not valid now."""
        self.db.query("null", secret=secret)
        self.secret = secret

    def info(self) -> dict | None:
        """The current identity's document, or None without one."""
        if self.secret is None:
            return None
        return self.query("If(HasCurrentIdentity(), Get(CurrentIdentity()), null)")

    def query(self, text: str, syntax: str = "v4") -> t.Any:
        """Run `text` (v4, v10 or "auto" `syntax`) with the session's secret (`unauthorized` for an anonymous session)."""
        if self.secret is None:
            raise Unauthorized("Unauthorized")
        return self.db.query(text, secret=self.secret, syntax=syntax)

    def invalidate(self) -> None:
        """Log the session's token out (Logout(false)) and forget its secret."""
        if self.secret is not None:
            try:
                self.db.query("Logout(false)", secret=self.secret)
            except Unauthorized:
                pass
        self.secret = None


def _refuse_secret(secret: t.Any) -> t.NoReturn:
    """An embedding program's secret is a str or None; anything else is a mistake in the program, not a
    wrong secret. (Its callers test the type themselves: a call per query costs more than the test.)"""
    raise TypeError(f"secret must be a str or None, not {type(secret).__name__}")


def connect(url: str = "memory://", **options: t.Any) -> Database:
    """Open the database at `url` (`memory://` by default)."""
    return Database(open_storage(url), **options)


__all__ = ["Database", "Session", "connect", "FQLError"]
