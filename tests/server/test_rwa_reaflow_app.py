"""Vadorequest/rwa-faunadb-reaflow-nextjs-magic (Next.js, Magic link and faunadb-js 4) replayed against
`fql serve` through the faunadb Python driver: the v4 side of the app, restated in its meaning.

Its `yarn fauna:sync` (fauna-gql-upload) makes the collections (from its GraphQL types: Users, Projects,
Canvas), three indexes (`canvasByOwner` and `projectsByOwner` with the legacy `permissions: {read:
Collection("Users")}`), the UDFs `getProjectsByUserId` and `getCurrentUser` (no role), and two roles:
`Editor`, whose members are Users, reading and writing only what they own (the owner may not change), and
`Public`, a key role for guests over the shared canvas of id "1" (a custom id, so its `history_write`
predicate decides the create). Its `/api/login` finds or makes the user with a server key and makes a
token for it (`Create(Tokens(), {instance})`); the browser then streams and updates its canvas with it."""

from __future__ import annotations

import uuid
import warnings

import pytest

import fql
from fql.server import ServerThread
from fql.server.streams import StreamSettings

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from faunadb import client as faunadb_client
    from faunadb import query as q
    from faunadb.errors import NotFound, PermissionDenied, Unauthorized

from tests.server.conftest import v4_client


@pytest.fixture(scope="module")
def server():
    settings = StreamSettings(poll_interval=0.02, max_duration=20.0)
    with ServerThread(fql.connect(), streams=settings) as running:
        yield running


def _client(server, secret: str) -> faunadb_client.FaunaClient:
    return v4_client(server, secret)


def owns(path):
    """A read predicate: the document at `ref` is the caller's (its `data.owner`)."""
    return q.query(q.lambda_("ref", q.equals(q.current_identity(), q.select(path, q.get(q.var("ref"))))))


def is_shared(ref):
    return q.equals("1", q.select("id", ref))


OWNED = {
    "read": owns(["data", "owner"]),
    "history_read": owns(["data", "owner"]),
    # The owner before the write is the caller, and the write keeps it.
    "write": q.query(
        q.lambda_(
            ["old", "new", "ref"],
            q.and_(
                q.equals(q.current_identity(), q.select(["data", "owner"], q.var("old"))),
                q.equals(q.select(["data", "owner"], q.var("old")), q.select(["data", "owner"], q.var("new"))),
            ),
        )
    ),
    "create": q.query(
        q.lambda_("values", q.equals(q.current_identity(), q.select(["data", "owner"], q.var("values"))))
    ),
}
MYSELF = q.query(q.lambda_("ref", q.equals(q.current_identity(), q.var("ref"))))

EDITOR = {
    "name": "Editor",
    "membership": [{"resource": q.collection("Users")}],
    "privileges": [
        {"resource": q.index("canvasByOwner"), "actions": {"read": True}},
        {"resource": q.function("getProjectsByUserId"), "actions": {"call": True}},
        {"resource": q.index("projectsByOwner"), "actions": {"read": True}},
        {
            "resource": q.collection("Users"),
            "actions": {
                "read": MYSELF,
                "history_read": MYSELF,
                "write": q.query(q.lambda_(["old", "new", "ref"], q.equals(q.current_identity(), q.var("ref")))),
                "create": False,
            },
        },
        {"resource": q.collection("Canvas"), "actions": OWNED},
        {"resource": q.collection("Projects"), "actions": OWNED},
    ],
}

PUBLIC = {
    "name": "Public",
    "privileges": [
        {
            "resource": q.collection("Canvas"),
            "actions": {
                "read": q.query(q.lambda_("ref", is_shared(q.var("ref")))),
                "write": q.query(q.lambda_(["old", "new", "ref"], is_shared(q.var("ref")))),
                "create": True,
                "history_write": q.query(q.lambda_(["ref", "ts", "action", "data"], is_shared(q.var("ref")))),
            },
        }
    ],
}


def by_owner(name: str, collection: str) -> dict:
    return {
        "name": name,
        "source": q.collection(collection),
        "permissions": {"read": q.collection("Users")},
        "terms": [{"field": ["data", "owner"]}],
        "values": [{"field": ["ref"]}],
    }


PROJECTS_OF = q.lambda_(
    "id",
    q.select(
        "data",
        q.map_(
            q.lambda_("ref", q.get(q.var("ref"))),
            q.paginate(q.match(q.index("projectsByOwner"), q.ref(q.collection("Users"), q.var("id")))),
        ),
    ),
)


class App:
    """A child database after `yarn fauna:sync`, with the app's server key and the guests' Public key."""

    def __init__(self, server):
        self.server = server
        root = _client(server, "secret")
        name = "rwa_" + uuid.uuid4().hex[:8]
        root.query(q.create_database({"name": name}))
        admin = root.query(q.create_key({"database": q.database(name), "role": "admin"}))
        self.admin = _client(server, admin["secret"])
        for collection in ("Users", "Projects", "Canvas"):
            self.admin.query(q.create_collection({"name": collection}))
        by_email = {"terms": [{"field": ["data", "email"]}], "unique": True}
        self.admin.query(q.create_index({"name": "usersByEmail", "source": q.collection("Users"), **by_email}))
        self.admin.query(q.create_index(by_owner("canvasByOwner", "Canvas")))
        self.admin.query(q.create_index(by_owner("projectsByOwner", "Projects")))
        self.admin.query(q.create_function({"name": "getProjectsByUserId", "body": q.query(PROJECTS_OF)}))
        current = q.lambda_([], q.let({"userRef": q.current_identity()}, q.select([], q.get(q.var("userRef")))))
        self.admin.query(q.create_function({"name": "getCurrentUser", "body": q.query(current)}))
        self.admin.query(q.create_role(EDITOR))
        self.admin.query(q.create_role(PUBLIC))
        self.server_key = self.connect(self.admin.query(q.create_key({"role": "server"}))["secret"])
        self.guest = self.connect(self.admin.query(q.create_key({"role": q.role("Public")}))["secret"])

    def connect(self, secret: str) -> faunadb_client.FaunaClient:
        return _client(self.server, secret)

    def login(self, email: str) -> tuple[dict, faunadb_client.FaunaClient]:
        """/api/login after Magic checked the DID token: the user by email (made when missing), a token."""
        try:
            user = self.server_key.query(q.get(q.match(q.index("usersByEmail"), email)))
        except NotFound:
            user = self.server_key.query(q.create(q.collection("Users"), {"data": {"email": email}}))
        token = self.server_key.query(q.create(q.tokens(), {"instance": q.select("ref", user)}))
        assert token["instance"] == user["ref"]
        return user, self.connect(token["secret"])


@pytest.fixture
def app(server):
    return App(server)


SHARED = q.ref(q.collection("Canvas"), "1")
EMPTY = {"nodes": [], "edges": []}


def stream_events(client, ref, n: int, on_start=lambda: None) -> list:
    """The first `n` events of the driver's document stream of `ref` (its start event included)."""
    events: list = []

    def record(event):
        events.append(event)
        if event.type == "start":
            on_start()
        if len(events) >= n or event.type == "error":
            stream.close()

    stream = client.stream(ref, None, record, record, record, record, record)
    stream.start()
    return events


def test_guests_share_canvas_one(app):
    # The first guest's stream starts, its snapshot (faunadb-js's document stream Gets it) is not found,
    # and the app creates the canvas with its custom id, which the stream then sees.
    made = []

    def first_visit():
        with pytest.raises(NotFound):
            app.guest.query(q.get(SHARED))
        made.append(app.guest.query(q.create(SHARED, {"data": EMPTY})))

    start, created = stream_events(app.guest, SHARED, 2, on_start=first_visit)
    assert made[0]["ref"].id() == "1" and made[0]["data"] == EMPTY
    assert created.event["action"] == "create" and created.event["document"] == made[0]

    def edit():
        nodes = {"nodes": [{"id": "start"}], "edges": [], "lastUpdatedBySessionEphemeralId": "s1"}
        app.guest.query(q.update(SHARED, {"data": nodes}))

    start, version = stream_events(app.guest, SHARED, 2, on_start=edit)
    assert version.event["action"] == "update" and version.event["document"]["data"]["nodes"] == [{"id": "start"}]
    # Another custom id fails the history_write predicate; a generated id needs only `create: true`.
    with pytest.raises(PermissionDenied) as other:
        app.guest.query(q.create(q.ref(q.collection("Canvas"), "2"), {"data": EMPTY}))
    assert other.value.errors[0].position == ["create"]
    loose = app.guest.query(q.create(q.collection("Canvas"), {"data": EMPTY}))
    # ... which the guest may then not read or write (only id "1").
    for expr in (q.get(loose["ref"]), q.update(loose["ref"], {"data": {"nodes": [1]}})):
        with pytest.raises(PermissionDenied):
            app.guest.query(expr)


def test_login_makes_the_user_once_and_a_token(app):
    user, _ = app.login("ed@example.com")
    again, editor = app.login("ed@example.com")
    assert again["ref"] == user["ref"]
    assert app.admin.query(q.count(q.documents(q.collection("Users")))) == 1
    assert editor.query(q.current_identity()) == user["ref"]
    # Editors read themselves only, and may not call the role-less getCurrentUser.
    assert editor.query(q.get(user["ref"]))["data"] == {"email": "ed@example.com"}
    other, _ = app.login("other@example.com")
    with pytest.raises(PermissionDenied):
        editor.query(q.get(other["ref"]))
    with pytest.raises(PermissionDenied):
        editor.query(q.call(q.function("getCurrentUser")))


def test_editors_own_their_projects_and_canvases(app):
    user, editor = app.login("ed@example.com")
    other, _ = app.login("other@example.com")
    project = editor.query(q.create(q.collection("Projects"), {"data": {"label": "P1", "owner": user["ref"]}}))
    # The canvas names its owner by id, as findOrCreateUserCanvas does.
    owner = q.ref(q.collection("Users"), user["ref"].id())
    data = {**EMPTY, "owner": owner, "project": project["ref"]}
    canvas = editor.query(q.create(q.collection("Canvas"), {"data": data}))
    for collection in ("Projects", "Canvas"):
        with pytest.raises(PermissionDenied):
            editor.query(q.create(q.collection(collection), {"data": {"owner": other["ref"]}}))
    # findProjectsByUserId's resolver, and the canvas by owner.
    assert editor.query(q.call(q.function("getProjectsByUserId"), user["ref"].id())) == [project]
    assert editor.query(q.call(q.function("getProjectsByUserId"), other["ref"].id())) == []
    assert editor.query(q.paginate(q.match(q.index("canvasByOwner"), user["ref"])))["data"] == [canvas["ref"]]
    renamed = editor.query(q.update(project["ref"], {"data": {"label": "P2"}}))
    assert renamed["data"] == {"label": "P2", "owner": user["ref"]}
    with pytest.raises(PermissionDenied):
        editor.query(q.update(canvas["ref"], {"data": {"owner": other["ref"]}}))
    with pytest.raises(PermissionDenied):
        editor.query(q.get(SHARED))

    def server_edit():
        app.server_key.query(q.update(canvas["ref"], {"data": {"nodes": [{"id": "n2"}]}}))

    start, version = stream_events(editor, canvas["ref"], 2, on_start=server_edit)
    assert version.event["document"]["data"]["nodes"] == [{"id": "n2"}]
    # /api/logout: Logout(true) with the user's token ends it.
    assert editor.query(q.logout(True)) is True
    with pytest.raises(Unauthorized):
        editor.query(q.get(canvas["ref"]))
