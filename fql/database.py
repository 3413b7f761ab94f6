"""fql.connect(url) -> Database: the embedding API; each `query()` is one transaction."""

from __future__ import annotations

import typing as t

from .errors import FQLError, InvalidArgument
from .eval import registry
from .eval.evaluator import Auth, Context, QueryState, evaluate
from .parse import parse
from .storage.base import Storage

registry.load()


def open_storage(url: str) -> Storage:
    """The backend named by `url`: `memory://` (the default)."""
    if url in ("memory://", "memory:", "memory"):
        from .storage.memory import MemoryStorage

        return MemoryStorage()
    raise InvalidArgument(f"Unsupported database URL '{url}'; fql supports memory://.")


class Database:
    """One fql database (with its child databases) on one storage backend."""

    def __init__(self, storage: Storage, *, root_secret: str = "secret"):
        self.storage = storage
        #: The development root secret: admin on the top database. Change it with `root_secret=`.
        self.root_secret = root_secret

    def query(self, text: str, secret: str | None = None, syntax: str = "v4") -> t.Any:
        """Evaluate FQL `text` as one transaction and return the result as Python values.

        Several top-level expressions run in order in the same transaction; the last one's value is
        returned. With no `secret` the query runs as the root (admin) identity.
        """
        program = parse(text, syntax)
        return self.run(program, secret=secret)

    def run(self, node: t.Any, *, secret: str | None = None, auth: Auth | None = None) -> t.Any:
        """Evaluate a parsed node as one transaction; all of its writes commit, or none do."""
        txn = self.storage.begin()
        try:
            state = QueryState(txn, auth or Auth())
            result = evaluate(node, Context(state))
            txn.commit()
            return result
        except BaseException:
            txn.rollback()
            raise

    def close(self) -> None:
        self.storage.close()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: t.Any) -> None:
        self.close()


def connect(url: str = "memory://", **options: t.Any) -> Database:
    """Open the database at `url` (`memory://` by default)."""
    return Database(open_storage(url), **options)


__all__ = ["Database", "connect", "FQLError"]
