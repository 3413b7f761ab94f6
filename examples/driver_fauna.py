"""Fauna's v10 Python driver against `fql serve`: queries, pagination, tokens, errors, a stream and a feed.

Start the server in one terminal, run this in another:

    fql serve                                  # http://127.0.0.1:8443, root secret "secret"
    python examples/driver_fauna.py            # or: ... http://127.0.0.1:9000 my-root-secret

It needs `pip install fauna==2.4.0` (in fql's `test` extra). Everything happens inside a new child
database, which is deleted at the end, so the script can run again and again on one server.
"""

from __future__ import annotations

import sys
import uuid

from fauna import fql
from fauna.client import Client, FeedOptions, StreamOptions
from fauna.errors import (
    AbortError,
    AuthenticationError,
    QueryRuntimeError,
    ServiceError,
)


def client(url: str, secret: str) -> Client:
    return Client(endpoint=url, secret=secret, max_attempts=1)


def main(url: str = "http://127.0.0.1:8443", root_secret: str = "secret") -> None:
    root = client(url, root_secret)

    # A database of our own, and an admin key for it.
    name = f"driver_example_{uuid.uuid4().hex[:8]}"
    root.query(fql("Database.create({ name: ${name} })", name=name))
    key = root.query(fql('Key.create({ role: "admin", database: ${name} })', name=name)).data
    admin = client(url, key["secret"])

    # Schema: a collection of people, with an index on their team and a unique email.
    admin.query(
        fql(
            """Collection.create({
              name: "People",
              indexes: { byTeam: { terms: [{ field: ".team" }], values: [{ field: ".name" }] } },
              constraints: [{ unique: ["email"] }]
            })"""
        )
    )

    # Documents, then a page at a time: `paginate` follows the `after` cursors.
    ann = admin.query(fql('People.create({ name: "Ann", email: "ann@example.com", team: "core" })')).data
    admin.query(fql('Set.sequence(0, 20).forEach(i => People.create({ name: "p" + i.toString(), team: "web" }))'))
    pages = list(admin.paginate(fql("People.all().map(.name)")))
    print("pages:", [len(page) for page in pages])
    print("core team:", admin.query(fql('People.byTeam("core").map(.name).toArray()')).data)

    # A token is a secret of its own, whose identity is Ann.
    token = admin.query(fql("Token.create({ document: ${ann} })", ann=ann)).data
    ann_client = client(url, token["secret"])
    print("identity is Ann:", ann_client.query(fql("Query.identity().id")).data == ann.id)

    # Errors come back as the driver's exception classes.
    for label, query in [
        ("abort", fql("abort({ reason: 'stop' })")),
        ("missing document", fql('People.byId("1")!')),
        ("duplicate email", fql('People.create({ email: "ann@example.com" })')),
    ]:
        try:
            admin.query(query)
        except (AbortError, QueryRuntimeError, ServiceError) as err:
            print(f"{label}: {type(err).__name__} {err.code!r}")
    try:
        client(url, "not a secret").query(fql("1"))
    except AuthenticationError as err:
        print("bad secret:", type(err).__name__, repr(err.code))

    # An event source: what happens to the web team, replayed from when it was made, then live.
    source = admin.query(fql('People.where(.team == "web").map(.name).toStream()')).data
    admin.query(fql('People.create({ name: "Bo", team: "web" })'))
    with admin.stream(source) as stream:
        for event in stream:
            print("stream:", event["type"], event["data"])
            if event["type"] != "add":
                break
            # Moving Bo to another team takes Bo out of the set: a `remove` event.
            admin.query(fql('People.where(.name == "Bo").first()!.update({ team: "core" })'))

    # The same source as a feed: pages of events, resumable from any page's cursor.
    feed = list(admin.feed(source, FeedOptions(page_size=1)))
    print("feed:", [[event["type"] for event in page] for page in feed])
    resumed = admin.stream(source, StreamOptions(cursor=feed[0].cursor, status_events=True))
    with resumed:
        print("resumed after the first event:", next(resumed)["type"], next(resumed)["type"])

    root.query(fql("Database.byName(${name})!.delete()", name=name))
    print("done")


if __name__ == "__main__":
    main(*sys.argv[1:3])
