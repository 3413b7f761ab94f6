"""Fauna's v4 Python driver against `fql serve`.

Start the server in one terminal, run this in another:

    fql serve                                  # http://127.0.0.1:8443, root secret "secret"
    python examples/driver_faunadb.py          # or: ... http://127.0.0.1:9000 my-root-secret

It needs `pip install faunadb==4.5.2` (in fql's `test` extra). Everything happens inside a new child
database, which is deleted at the end, so the script can run again and again on one server.
"""

from __future__ import annotations

import sys
import uuid
import warnings
from urllib.parse import urlsplit

with warnings.catch_warnings():
    # The driver warns that Fauna retired FQL v4; fql keeps v4 applications running.
    warnings.simplefilter("ignore", DeprecationWarning)
    from faunadb import query as q
    from faunadb.client import FaunaClient
    from faunadb.errors import BadRequest, NotFound, PermissionDenied, Unauthorized

# FaunaClient() asks PyPI for a newer driver each time it is built; a local server needs no network.
FaunaClient.check_new_version = lambda self: None


def client(url: str, secret: str) -> FaunaClient:
    parts = urlsplit(url)
    return FaunaClient(secret=secret, domain=parts.hostname, port=parts.port, scheme=parts.scheme)


def main(url: str = "http://127.0.0.1:8443", root_secret: str = "secret") -> None:
    root = client(url, root_secret)
    print("ping:", root.ping("node"))

    # A database of our own, and an admin key for it.
    name = f"driver_example_{uuid.uuid4().hex[:8]}"
    root.query(q.create_database({"name": name}))
    key = root.query(q.create_key({"database": q.database(name), "role": "admin"}))
    admin = client(url, key["secret"])

    # Schema: a collection of users and a unique index on their email.
    admin.query(q.create_collection({"name": "users"}))
    by_email = {"name": "users_by_email", "source": q.collection("users"), "terms": [{"field": ["data", "email"]}]}
    admin.query(q.create_index({**by_email, "unique": True}))

    # Documents: one with a password, a few more, then a page at a time.
    ann = admin.query(
        q.create(q.collection("users"), {"data": {"email": "ann@example.com"}, "credentials": {"password": "s3cret"}})
    )
    for i in range(4):
        admin.query(q.create(q.collection("users"), {"data": {"email": f"user{i}@example.com"}}))
    page = admin.query(q.paginate(q.documents(q.collection("users")), size=3))
    print("first page:", len(page["data"]), "refs; more after:", "after" in page)
    rest = admin.query(q.paginate(q.documents(q.collection("users")), size=3, after=page["after"]))
    print("second page:", len(rest["data"]), "refs")

    # Log in: the token's secret is a client of its own, whose identity is Ann.
    token = admin.query(q.login(q.match(q.index("users_by_email"), "ann@example.com"), {"password": "s3cret"}))
    ann_client = client(url, token["secret"])
    print("identity is Ann:", ann_client.query(q.current_identity()) == ann["ref"])
    print("tokens:", len(admin.query(q.paginate(q.tokens()))["data"]))

    # Errors come back as the driver's exception classes.
    for label, run in [
        ("bad argument", lambda: admin.query(q.add(1, "two"))),
        ("missing document", lambda: admin.query(q.get(q.ref(q.collection("users"), "1")))),
        ("no privileges", lambda: ann_client.query(q.create_collection({"name": "nope"}))),
        (
            "duplicate email",
            lambda: admin.query(q.create(q.collection("users"), {"data": {"email": "ann@example.com"}})),
        ),
    ]:
        try:
            run()
        except (BadRequest, NotFound, PermissionDenied) as err:
            print(f"{label}: {type(err).__name__} {err.errors[0].code!r}: {err.errors[0].description}")

    ann_client.query(q.logout(True))
    try:
        ann_client.query(q.current_identity())
    except Unauthorized:
        print("after Logout(true) the token no longer works")

    root.query(q.delete(q.database(name)))
    print("done")


if __name__ == "__main__":
    main(*sys.argv[1:3])
