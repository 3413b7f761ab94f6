"""Sessions: sign up, sign in, authenticate, info and invalidate, as SurrealDB's Python SDK does, on FQL.

Run it with `python examples/sessions.py`. Every step prints one line: what it did, then what came back.
"""

from __future__ import annotations

import fql


def setup(db: fql.Database) -> None:
    """A users collection with an index by email (unique: one account per address)."""
    db.query('CreateCollection({name: "users"})')
    db.query(
        'CreateIndex({name: "users_by_email", source: Collection("users"), '
        'terms: [{field: ["data", "email"]}], unique: true})'
    )


def main() -> None:
    db = fql.connect()  # memory://; argon2id with OWASP's parameters (m=19 MiB, t=2, p=1)
    setup(db)

    alice = db.session()
    secret = alice.signup(collection="users", data={"email": "alice@site.example"}, password="s3cureP@ss")
    print("signup ->", secret[:2] + "…", "(a token secret)")
    print("info ->", fql.to_fql(alice.info()))

    phone = db.session()
    phone.signin(identity='Match(Index("users_by_email"), "alice@site.example")', password="s3cureP@ss")
    print("signin with FQL ->", fql.to_fql(phone.query("CurrentIdentity()")))

    laptop = db.session()
    laptop.signin(identity=alice.info()["ref"], password="s3cureP@ss")
    print("signin with a Ref ->", fql.to_fql(laptop.query("CurrentToken()")))

    try:
        db.session().signin(identity='Match(Index("users_by_email"), "alice@site.example")', password="guess")
    except fql.FQLError as err:
        print("signin with a wrong password ->", err.code)

    server = db.session()
    try:
        server.authenticate("fnNotARealSecret")
    except fql.FQLError as err:
        print("authenticate with a wrong secret ->", err.code)
    server.authenticate(db.query('CreateKey({role: "server"})')["secret"])
    print("authenticate with a server key -> info", fql.to_fql(server.info()))
    print("tokens ->", server.query("Count(Documents(Tokens()))"))

    revoked = phone.secret
    phone.invalidate()  # Logout(false): only this session's token
    print("invalidate -> info", fql.to_fql(phone.info()))
    try:
        db.query("null", secret=revoked)
    except fql.FQLError as err:
        print("the invalidated secret ->", err.code)
    print("alice's first session ->", fql.to_fql(alice.query("HasCurrentIdentity()")))
    print("tokens ->", server.query("Count(Documents(Tokens()))"))

if __name__ == "__main__":
    main()
