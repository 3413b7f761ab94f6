"""Embedding fql: one in-memory database, queried in FQL v4 and v10 from Python, with a login."""

from __future__ import annotations

import fql
from fql.auth.credentials import TEST_PARAMS


def main() -> None:
    # TEST_PARAMS are cheap argon2 parameters, for a quick demo; leave `argon2` out in real use.
    db = fql.connect(argon2=TEST_PARAMS)

    # v4: a collection, an index, a document with a password.
    db.query('CreateCollection({name: "users"})')
    db.query('CreateIndex({name: "users_by_email", source: Collection("users"), terms: [{field: ["data", "email"]}]})')
    ann = db.query('Create(Collection("users"), {credentials: {password: "s3cret"}, data: {email: "ann@example.com"}})')
    print("v4 document:", fql.to_fql(ann["ref"]), ann["data"])

    # v10 reads the same document: its fields are the v4 document's data.
    doc = db.query(f'users.byId("{ann["ref"].id}")', syntax="v10")
    print("v10 document:", doc.id, dict(doc))

    # Errors are FQLErrors with Fauna's codes.
    try:
        db.query('Get(Ref(Collection("users"), "1"))')
    except fql.FQLError as err:
        print("error:", err.code, "-", err.description)

    # A session logs in and queries with its token.
    session = db.session()
    session.signin(identity='Match(Index("users_by_email"), "ann@example.com")', password="s3cret")
    print("identity:", fql.to_fql(session.query("CurrentIdentity()")))
    print("info:", session.info()["data"])
    session.invalidate()
    print("after invalidate:", session.info())


if __name__ == "__main__":
    main()
