"""What core's v10 API specs (ext/api/src/test/scala/fql2, on helpers/FQL2APISpec.scala) build on: a child
database as core's `aDatabase` makes it (not typechecked, not protected, queried with its admin key), its
queries through `POST /query/1` with `X-Typecheck: true` unless a case says otherwise (core's FQL2Params)."""

from __future__ import annotations

import fql
from fql.database import Work
from fql.schema import manager

from .test_core_v10_api import SECRET, answer


class ADatabase:
    """core's `aDatabase`: `ok`, `err` and `answer` run a query in it, as its admin."""

    def __init__(self, db: fql.Database, name: str, **settings: bool):
        self.db = db
        self.name = name
        flags = ", ".join(f"{key}: {'true' if value else 'false'}" for key, value in settings.items())
        status, body = answer(db, f"Database.create({{ name: '{name}', {flags} }})")
        assert status == 200, body
        self.secret = f"{SECRET}:{name}:admin"

    def answer(self, query: str, **kw) -> tuple[int, dict]:
        kw.setdefault("secret", self.secret)
        return answer(self.db, query, **kw)

    def ok(self, query: str, **kw) -> object:
        status, body = self.answer(query, **kw)
        assert status == 200, body
        return body["data"]

    def err(self, query: str, **kw) -> dict:
        status, body = self.answer(query, **kw)
        assert status == 400, body
        return body

    def push(self, text: str) -> None:
        """Push `text` as main.fsl (core's updateSchemaOk)."""
        work = Work(lambda ctx: manager.update(ctx, [("main.fsl", text)]))
        self.db.run(work, syntax="v10", secret=self.secret)


def a_database(**settings: bool) -> ADatabase:
    """A fresh server's child database, not typechecked nor protected unless `settings` say."""
    settings = {"typechecked": False, "protected": False, **settings}
    return ADatabase(fql.connect(root_secret=SECRET), "aDatabase", **settings)
