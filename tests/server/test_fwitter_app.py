"""fauna-labs/fwitter (Fauna's v4 showcase: faunadb-js setup scripts, then a React front end that calls
user-defined functions with a bootstrap key and, once logged in, with the token Login gave) replayed
against `fql serve` through the faunadb Python driver.

The app's schema is restated here in its meaning, not copied: eight collections; indexes with terms,
reversed values and bindings (a popularity score from counters and the minutes since 1970, NGram word
parts of the names of two collections for search); function roles the UDFs run as; the bootstrap key's
role that may only call `login` and `register_with_user`; and `membershiprole_loggedin`, whose members
(accounts) call the other UDFs, read their own account (a read predicate) and update their own user (a
write predicate). Rate limiting is the app's own: a `rate_limiting` document per action and identity whose
last N events (`Paginate(Events(doc), {size: N, before: null})`) say how recent the N-th last call was,
the call aborted with `Rate limiting exceeded for this user/action` past the limit."""

from __future__ import annotations

import time
import uuid
import warnings

import pytest

import fql
from fql.server import ServerThread

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from faunadb import client as faunadb_client
    from faunadb import query as q
    from faunadb.errors import BadRequest, PermissionDenied, Unauthorized

from tests.server.conftest import v4_client

RATE_LIMITED = "Rate limiting exceeded for this user/action"
#: The app's rate limits, (calls, window in ms); a window of 0 never decays (failed logins).
LIMITS = {
    "get_fweets": (5, 60_000),
    "get_fweets_by_tag": (5, 60_000),
    "get_fweets_by_author": (5, 60_000),
    "create_fweet": (5, 300_000),
    "login": (3, 0),
    "register": (10, 10_000),
}


@pytest.fixture(scope="module")
def server():
    with ServerThread(fql.connect()) as running:
        yield running


@pytest.fixture
def app(server):
    """A child database set up as `scripts/setup.js` does with REACT_APP_LOCAL___CHILD_DB_NAME set."""
    root = _client(server, "secret")
    name = "fwitter_" + uuid.uuid4().hex[:8]
    root.query(q.create_database({"name": name}))
    admin = root.query(q.create_key({"database": q.database(name), "role": "admin"}))["secret"]
    built = App(server, _client(server, admin))
    built.setup()
    return built


def _client(server, secret: str) -> faunadb_client.FaunaClient:
    return v4_client(server, secret)


# -- the app's FQL, restated ----------------------------------------------------------------------------------


def idx(name: str, *terms):
    return q.match(q.index(name), *terms)


def last_page(set_, size: int):
    """`Paginate(set, {size, before: null})` as faunadb-js sends it: the set's last `size` elements, in
    order (the Python driver drops an option that is None, so the null goes in by hand)."""
    expr = q.paginate(set_, size=size)
    expr.value["before"] = None
    return expr


def rate_limited(action: str, body, identity):
    """The app's AddRateLimiting: the first call makes the action's record; later ones look at the
    record's last `calls` events and go on (touching the record) while there are fewer, or the oldest of
    them is older than the window; otherwise abort."""
    calls, window = LIMITS[action]
    mark = {"action": action, "identity": identity}
    check = q.let(
        {
            "events": last_page(q.events(q.select(["data", 0], q.var("records"))), calls),
            "recent": q.select("data", q.var("events")),
            "oldest": q.select(0, q.var("recent")),
            "age": q.time_diff(q.epoch(q.select("ts", q.var("oldest")), "microseconds"), q.now(), "milliseconds"),
        },
        q.if_(
            q.or_(
                q.lt(q.count(q.var("recent")), calls),
                q.and_(q.not_(q.equals(0, window)), q.gte(q.var("age"), window)),
            ),
            q.do(q.update(q.select("document", q.var("oldest")), {"data": mark}), body),
            q.abort(RATE_LIMITED),
        ),
    )
    return q.let(
        {"records": q.paginate(idx("rate_limiting_by_action_and_identity", action, identity))},
        q.if_(
            q.is_empty(q.var("records")),
            q.do(q.create(q.collection("rate_limiting"), {"data": mark}), body),
            check,
        ),
    )


def me():
    """The logged-in account's user."""
    return q.select(["data", "user"], q.get(q.current_identity()))


def with_details(refs, depth: int = 1):
    """The app's GetFweetsWithUsersMapGetGeneric: each fweet with its author, the original of a refweet,
    the caller's stats of it and its comments (each with its author)."""
    original = (
        q.select(0, with_details([q.select(["data", "original"], q.var("fweet"))], depth - 1)) if depth > 0 else False
    )
    comments = q.map_(
        q.lambda_(
            ["ts", "c"],
            q.let(
                {"comment": q.get(q.var("c"))},
                {"comment": q.var("comment"), "author": q.get(q.select(["data", "author"], q.var("comment")))},
            ),
        ),
        q.paginate(idx("comments_by_fweet_ordered", q.var("ref"))),
    )
    body = q.let(
        {
            "fweet": q.get(q.var("ref")),
            "original": q.if_(q.contains_path(["data", "original"], q.var("fweet")), original, False),
            "stats": idx("fweetstats_by_user_and_fweet", me(), q.select("ref", q.var("fweet"))),
        },
        {
            "user": q.get(q.select(["data", "author"], q.var("fweet"))),
            "original": q.var("original"),
            "fweet": q.var("fweet"),
            "fweetstats": q.if_(q.exists(q.var("stats")), q.get(q.var("stats")), {}),
            "comments": comments,
        },
    )
    return q.map_(q.lambda_("ref", body), refs)


def find_or_make_tags(names):
    return q.map_(
        q.lambda_(
            "name",
            q.let(
                {"match": idx("hashtags_by_name", q.var("name"))},
                q.if_(
                    q.exists(q.var("match")),
                    q.select(["data", 0], q.paginate(q.var("match"))),
                    q.select("ref", q.create(q.collection("hashtags"), {"data": {"name": q.var("name")}})),
                ),
            ),
        ),
        names,
    )


def counters(**extra):
    return {"likes": 0, "refweets": 0, "comments": 0, **extra}


def fweet_stats(fweet, **flags):
    data = {"user": q.var("user"), "fweet": fweet, "like": False, "refweet": False, "comment": False}
    return q.create(q.collection("fweetstats"), {"data": {**data, **flags, "created": q.now()}})


def bump(ref, field: str, by=1):
    """`Update(ref, {data: {field: field + by}})`, reading the document in the same query."""
    return q.update(ref, {"data": {field: q.add(q.select(["data", field], q.get(ref)), by)}})


def my_stats(fweet):
    return idx("fweetstats_by_user_and_fweet", q.var("user"), fweet)


def author_stats():
    return idx("followerstats_by_author_and_follower", q.var("author"), q.var("user"))


CREATE_FWEET = q.lambda_(
    ["message", "hashtags", "asset"],
    rate_limited(
        "create_fweet",
        q.let(
            {
                "tags": find_or_make_tags(q.var("hashtags")),
                "new": q.create(
                    q.collection("fweets"),
                    {
                        "data": counters(
                            message=q.var("message"),
                            author=me(),
                            hashtags=q.var("tags"),
                            asset=q.var("asset"),
                            created=q.now(),
                        )
                    },
                ),
            },
            with_details([q.select("ref", q.var("new"))]),
        ),
        q.current_identity(),
    ),
)

LIKE_FWEET = q.lambda_(
    "fweet",
    q.let(
        {
            "user": me(),
            "stats": my_stats(q.var("fweet")),
            "author": q.select(["data", "author"], q.get(q.var("fweet"))),
            "liked": q.if_(q.exists(q.var("stats")), q.not_(q.select(["data", "like"], q.get(q.var("stats")))), True),
        },
        q.do(
            bump(q.var("fweet"), "likes", q.if_(q.var("liked"), 1, -1)),
            q.if_(
                q.exists(q.var("stats")),
                q.update(q.select("ref", q.get(q.var("stats"))), {"data": {"like": q.var("liked")}}),
                fweet_stats(q.var("fweet"), like=q.var("liked")),
            ),
            q.if_(
                q.exists(author_stats()),
                bump(q.select("ref", q.get(author_stats())), "postlikes", q.if_(q.var("liked"), 1, -1)),
                True,
            ),
            with_details([q.var("fweet")]),
        ),
    ),
)

REFWEET = q.lambda_(
    ["fweet", "message", "hashtags"],
    q.let(
        {
            "user": me(),
            "stats": my_stats(q.var("fweet")),
            "author": q.select(["data", "author"], q.get(q.var("fweet"))),
            "done": q.if_(q.exists(q.var("stats")), q.select(["data", "refweet"], q.get(q.var("stats"))), False),
        },
        q.if_(
            q.var("done"),
            q.abort("already refweeted"),
            q.let(
                {
                    "marked": q.if_(
                        q.exists(q.var("stats")),
                        q.update(q.select("ref", q.get(q.var("stats"))), {"data": {"refweet": True}}),
                        fweet_stats(q.var("fweet"), refweet=True),
                    ),
                    "new": q.create(
                        q.collection("fweets"),
                        {
                            "data": counters(
                                original=q.var("fweet"), author=me(), message=q.var("message"), hashtags=q.var("hashtags")
                            )
                        },
                    ),
                    "counted": bump(q.var("fweet"), "refweets"),
                    "popular": q.if_(
                        q.exists(author_stats()), bump(q.select("ref", q.get(author_stats())), "postrefweets"), True
                    ),
                },
                {
                    "refweet": q.select(0, with_details([q.select("ref", q.var("new"))])),
                    "original": q.select(0, with_details([q.var("fweet")])),
                },
            ),
        ),
    ),
)

COMMENT = q.lambda_(
    ["fweet", "message"],
    q.let(
        {
            "user": me(),
            "stats": my_stats(q.var("fweet")),
            "marked": q.if_(
                q.exists(q.var("stats")),
                q.update(q.select("ref", q.get(q.var("stats"))), {"data": {"comment": True}}),
                fweet_stats(q.var("fweet"), comment=True),
            ),
            "comment": q.create(
                q.collection("comments"),
                {"data": {"message": q.var("message"), "author": me(), "fweet": q.var("fweet")}},
            ),
            "counted": bump(q.var("fweet"), "comments"),
        },
        q.select(0, with_details([q.var("fweet")])),
    ),
)


def refs_of(set_, value_names):
    """`Map(Paginate(set), Lambda([..., 'ref'], Var('ref')))`."""
    return q.map_(q.lambda_(value_names, q.var("ref")), q.paginate(set_))


GET_FWEETS = q.lambda_(
    [],
    rate_limited(
        "get_fweets",
        with_details(
            refs_of(
                q.join(
                    idx("followerstats_by_user_popularity", me()),
                    q.lambda_(["score", "author"], idx("fweets_by_author", q.var("author"))),
                ),
                ["created", "ref"],
            )
        ),
        q.current_identity(),
    ),
)

GET_BY_TAG = q.lambda_(
    "tag",
    rate_limited(
        "get_fweets_by_tag",
        q.let(
            {"tagref": q.select(0, q.paginate(idx("hashtags_by_name", q.var("tag"))))},
            with_details(refs_of(idx("fweets_by_tag", q.var("tagref")), ["score", "ref"])),
        ),
        q.current_identity(),
    ),
)

GET_BY_AUTHOR = q.lambda_(
    "alias",
    rate_limited(
        "get_fweets_by_author",
        q.let(
            {"authorref": q.select(0, q.paginate(idx("users_by_alias", q.var("alias"))))},
            with_details(refs_of(idx("fweets_by_author", q.var("authorref")), ["created", "ref"])),
        ),
        q.current_identity(),
    ),
)


def follow(author, follower):
    stats = {"postlikes": 0, "postrefweets": 0, "author": author, "follower": follower}
    return q.create(q.collection("followerstats"), {"data": stats})


FOLLOW = q.lambda_("author", follow(q.var("author"), me()))

#: The app's e-mail check: a local part, @, then dot-separated labels of up to 63 letters, digits or dashes.
LABEL = "[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?"
EMAIL = rf"^[a-zA-Z0-9.!#$%&'*+/=?^_`{{|}}~-]+@{LABEL}(?:.{LABEL})*$"

REGISTER = q.lambda_(
    ["email", "password", "name", "alias", "icon"],
    q.if_(
        q.gte(q.length(q.var("password")), 8),
        q.if_(
            q.contains_str_regex(q.var("email"), EMAIL),
            rate_limited(
                "register",
                q.let(
                    {
                        "user": q.create(
                            q.collection("users"),
                            {"data": {"name": q.var("name"), "alias": q.var("alias"), "icon": q.var("icon")}},
                        ),
                        "account": q.select(
                            "ref",
                            q.create(
                                q.collection("accounts"),
                                {
                                    "credentials": {"password": q.var("password")},
                                    "data": {"email": q.var("email"), "user": q.select("ref", q.var("user"))},
                                },
                            ),
                        ),
                        "secret": q.login(q.var("account"), {"password": q.var("password")}),
                    },
                    q.do(
                        follow(q.select("ref", q.var("user")), q.select("ref", q.var("user"))),
                        {"user": q.var("user"), "account": q.var("account"), "secret": q.var("secret")},
                    ),
                ),
                "global",
            ),
            q.abort("Invalid e-mail provided"),
        ),
        q.abort("Invalid password, please provided at least 8 chars"),
    ),
)

LOGIN = q.lambda_(
    ["email", "password"],
    rate_limited(
        "login",
        q.if_(
            q.identify(idx("accounts_by_email", q.var("email")), q.var("password")),
            q.do(
                # A good login forgets the failed ones.
                q.let(
                    {"records": q.paginate(idx("rate_limiting_by_action_and_identity", "login", q.var("email")))},
                    q.if_(q.is_empty(q.var("records")), True, q.delete(q.select(0, q.var("records")))),
                ),
                q.let(
                    {
                        "res": q.login(idx("accounts_by_email", q.var("email")), {"password": q.var("password")}),
                        "account": q.get(q.select("instance", q.var("res"))),
                    },
                    {
                        "account": q.var("account"),
                        "user": q.get(q.select(["data", "user"], q.var("account"))),
                        "secret": q.select("secret", q.var("res")),
                    },
                ),
            ),
            False,
        ),
        q.var("email"),
    ),
)

FUNCTIONS = {
    "login": (LOGIN, "functionrole_login"),
    "register_with_user": (REGISTER, "functionrole_register_with_user"),
    "create_fweet": (CREATE_FWEET, "functionrole_manipulate_fweets"),
    "like_fweet": (LIKE_FWEET, "functionrole_manipulate_fweets"),
    "refweet": (REFWEET, "functionrole_manipulate_fweets"),
    "comment": (COMMENT, "functionrole_manipulate_fweets"),
    "get_fweets": (GET_FWEETS, "functionrole_manipulate_fweets"),
    "get_fweets_by_tag": (GET_BY_TAG, "functionrole_manipulate_fweets"),
    "get_fweets_by_author": (GET_BY_AUTHOR, "functionrole_manipulate_fweets"),
    "follow": (FOLLOW, "functionrole_manipulate_fweets"),
}

COLLECTIONS = ["accounts", "rate_limiting", "fweets", "users", "hashtags", "fweetstats", "followerstats", "comments"]


def minutes_since_1970(time_):
    return q.time_diff(q.time("1970-01-01T00:00:00+00:00"), time_, "minutes")


def binding(param: str, body):
    return q.query(q.lambda_(param, body))


def fields(*paths, reverse_first=False):
    return [{"field": p, **({"reverse": True} if reverse_first and i == 0 else {})} for i, p in enumerate(paths)]


def word_parts(word):
    """The app's WordPartGenerator: NGrams of the lower-cased word as long as it and up to nine shorter."""
    shorter = q.map_(q.lambda_("i", q.subtract(q.length(word), q.var("i"))), list(range(10)))
    lengths = q.filter_(q.lambda_("l", q.gt(q.var("l"), 0)), shorter)
    return q.map_(q.lambda_("l", q.ngram(q.lowercase(word), q.var("l"), q.var("l"))), lengths)


def score(fields_and_factors: dict, created_path):
    """The feeds' popularity: weighted counters plus the minutes from 1970 to the document's `created`."""
    parts = [q.multiply(factor, q.select(["data", name], q.var("doc"))) for name, factor in fields_and_factors.items()]
    return binding("doc", q.add(*parts, minutes_since_1970(q.select(created_path, q.var("doc")))))


INDEXES = [
    {"name": "accounts_by_email", "source": "accounts", "terms": fields(["data", "email"]), "unique": True},
    {"name": "users_by_alias", "source": "users", "terms": fields(["data", "alias"]), "unique": True},
    {"name": "rate_limiting_by_action_and_identity", "source": "rate_limiting",
     "terms": fields(["data", "action"], ["data", "identity"]), "serialized": True},
    {"name": "fweets_by_author", "source": "fweets", "terms": fields(["data", "author"]),
     "values": fields(["data", "created"], ["ref"], reverse_first=True), "serialized": True},
    {"name": "fweets_by_tag", "source": "fweets",
     "fields": {"fweetscore": score({"likes": 5, "refweets": 5, "comments": 5}, ["data", "created"])},
     "terms": fields(["data", "hashtags"]), "values": [{"binding": "fweetscore", "reverse": True}, {"field": ["ref"]}]},
    {"name": "hashtags_by_name", "source": "hashtags", "terms": fields(["data", "name"]), "unique": True},
    {"name": "fweetstats_by_user_and_fweet", "source": "fweetstats",
     "terms": fields(["data", "user"], ["data", "fweet"])},
    {"name": "followerstats_by_author_and_follower", "source": "followerstats",
     "terms": fields(["data", "author"], ["data", "follower"]), "unique": True, "serialized": True},
    # Follow never writes `created`, so this score's Select fails, and the binding is null (see the test).
    {"name": "followerstats_by_user_popularity", "source": "followerstats",
     "fields": {"fweetscore": score({"postlikes": 1, "postrefweets": 1}, ["data", "created"])},
     "terms": fields(["data", "follower"]),
     "values": [{"binding": "fweetscore", "reverse": True}, {"field": ["data", "author"]}]},
    {"name": "comments_by_fweet_ordered", "source": "comments", "terms": fields(["data", "fweet"]),
     "values": fields(["ts"], ["ref"])},
]  # fmt: skip

SEARCH_INDEX = {
    "name": "hashtags_and_users_by_wordparts",
    "source": [
        {
            "collection": [q.collection("hashtags"), q.collection("users")],
            "fields": {
                "length": binding("doc", q.length(q.select(["data", "name"], q.var("doc")))),
                "wordparts": binding("doc", q.distinct(q.union(word_parts(q.select(["data", "name"], q.var("doc")))))),
            },
        }
    ],
    "terms": [{"binding": "wordparts"}],
    "values": [{"binding": "length"}, {"field": ["ref"]}],
}


def privileges(spec: dict) -> list:
    """`{resource: {action: True or a predicate}}` as a role's privileges; a resource is a collection's
    name, or `index:` or `function:` and a name."""
    kinds = {"": q.collection, "index": q.index, "function": q.function}
    out = []
    for key, actions in spec.items():
        kind, _, name = key.rpartition(":")
        out.append({"resource": kinds[kind](name), "actions": actions})
    return out


READ = {"read": True}
LIMITER = {"read": True, "write": True, "create": True, "history_read": True, "delete": True}
FUNCTION_ROLES = {
    "functionrole_login": {
        "index:accounts_by_email": READ, "accounts": READ, "users": READ,
        "rate_limiting": LIMITER, "index:rate_limiting_by_action_and_identity": READ,
    },
    "functionrole_register_with_user": {
        "accounts": {"create": True, "read": True}, "users": {"create": True},
        "rate_limiting": LIMITER, "followerstats": {"create": True, "read": True},
        "index:rate_limiting_by_action_and_identity": READ,
    },
    "functionrole_manipulate_fweets": {
        "fweets": {"create": True, "write": True, "read": True},
        "rate_limiting": {"write": True, "history_read": True, "create": True, "read": True},
        "comments": {"write": True, "create": True, "read": True},
        "fweetstats": {"write": True, "create": True, "read": True},
        "hashtags": {"create": True, "read": True},
        "followerstats": {"write": True, "create": True, "read": True},
        "accounts": READ, "users": READ,
        **{f"index:{name}": READ for name in (
            "fweetstats_by_user_and_fweet", "comments_by_fweet_ordered", "rate_limiting_by_action_and_identity",
            "hashtags_and_users_by_wordparts", "hashtags_by_name", "followerstats_by_author_and_follower",
            "followerstats_by_user_popularity", "fweets_by_author", "fweets_by_tag", "users_by_alias")},
    },
}  # fmt: skip

LOGGED_IN = {
    **{f"function:{name}": {"call": True} for name in FUNCTIONS if name not in ("login", "register_with_user")},
    "index:hashtags_and_users_by_wordparts": READ,
    "hashtags": READ,
    # Only the caller's own account, and updates of only the caller's own user.
    "accounts": {"read": q.query(q.lambda_("ref", q.equals(q.current_identity(), q.var("ref"))))},
    "users": {
        "read": True,
        "write": q.query(q.lambda_(["old", "new", "ref"], q.equals(me(), q.var("ref")))),
    },
}


def create_or_update_role(name: str, spec: dict, **extra):
    role = {"name": name, "privileges": privileges(spec), **extra}
    return q.if_(q.exists(q.role(name)), q.update(q.role(name), role), q.create_role(role))


class App:
    """The set-up database: its admin client, the bootstrap key's client, and the front end's calls."""

    def __init__(self, server, admin: faunadb_client.FaunaClient):
        self.server, self.admin = server, admin
        self.bootstrap: faunadb_client.FaunaClient | None = None

    def connect(self, secret: str) -> faunadb_client.FaunaClient:
        return _client(self.server, secret)

    def setup(self) -> None:
        """setup.js: collections and indexes (each only if missing), function roles, UDFs (created or
        updated), the bootstrap and logged-in roles, then a key of the bootstrap role."""
        run = self.admin.query
        for name in COLLECTIONS:
            run(q.if_(q.exists(q.collection(name)), True, q.create_collection({"name": name})))
        for spec in [*INDEXES, SEARCH_INDEX]:
            spec = dict(spec)
            if isinstance(spec["source"], str):
                collection = q.collection(spec.pop("source"))
                extra = spec.pop("fields", None)
                spec["source"] = {"collection": collection, "fields": extra} if extra else collection
            run(q.if_(q.exists(q.index(spec["name"])), True, q.create_index(spec)))
        for name, spec in FUNCTION_ROLES.items():
            run(create_or_update_role(name, spec))
        for name, (body, role) in FUNCTIONS.items():
            fn = {"name": name, "body": q.query(body), "role": q.role(role)}
            run(q.if_(q.exists(q.function(name)), q.update(q.function(name), fn), q.create_function(fn)))
        calls = {f"function:{name}": {"call": True} for name in ("login", "register_with_user")}
        run(create_or_update_role("keyrole_calludfs", calls))
        members = [{"resource": q.collection("accounts")}]
        run(create_or_update_role("membershiprole_loggedin", LOGGED_IN, membership=members))
        key = run(q.create_key({"role": q.role("keyrole_calludfs")}))
        self.bootstrap = self.connect(key["secret"])

    def register(self, email: str, name: str, alias: str, password: str = "password1") -> Session:
        answer = self.bootstrap.query(q.call(q.function("register_with_user"), email, password, name, alias, "person1"))
        return Session(self, answer["secret"]["secret"], answer)

    def login(self, email: str, password: str = "password1") -> Session | bool:
        answer = self.bootstrap.query(q.call(q.function("login"), email, password))
        return Session(self, answer["secret"], answer) if answer else answer


class Session:
    """A logged-in front end (QueryManager after login or register): a client of the login token."""

    def __init__(self, app: App, secret: str, answer: dict):
        self.app, self.secret, self.answer = app, secret, answer
        self.client = app.connect(secret)

    def call(self, name: str, *args):
        return self.client.query(q.call(q.function(name), *args))

    def fweet(self, message: str):
        tags = [word[1:] for word in message.split() if word.startswith("#")]
        return self.call("create_fweet", message, tags, None)[0]


def messages(fweets) -> list[str]:
    """The messages of a UDF's fweets: a list, or a page of them (the feeds)."""
    items = fweets["data"] if isinstance(fweets, dict) else fweets
    return [item["fweet"]["data"]["message"] for item in items]


def cause(error) -> tuple[str, str]:
    """The code and description of a UDF's `call error` cause."""
    failure = error.errors[0]
    assert failure.code == "call error", failure
    return failure.cause[0].code, failure.cause[0].description


# -- the tests ------------------------------------------------------------------------------------------------


def test_setup_is_repeatable(app):
    """setup.js may run again on a set-up database: everything exists, the UDFs are updated in place."""
    app.setup()
    names = app.admin.query(
        {
            "functions": q.map_(q.lambda_("r", q.select("id", q.var("r"))), q.paginate(q.functions())),
            "roles": q.map_(q.lambda_("r", q.select("id", q.var("r"))), q.paginate(q.roles())),
            "indexes": q.count(q.indexes()),
        }
    )
    assert sorted(names["functions"]["data"]) == sorted(FUNCTIONS)
    assert sorted(names["roles"]["data"]) == sorted([*FUNCTION_ROLES, "keyrole_calludfs", "membershiprole_loggedin"])
    assert names["indexes"] == len(INDEXES) + 1


def test_register_and_login(app):
    alice = app.register("alice@example.com", "Alice", "alice")
    user, account = alice.answer["user"], alice.answer["account"]
    assert user["data"] == {"name": "Alice", "alias": "alice", "icon": "person1"}
    assert alice.answer["secret"]["instance"] == account
    # Registering follows yourself, so your own fweets are in your feed.
    follows = app.admin.query(q.paginate(idx("followerstats_by_author_and_follower", user["ref"], user["ref"])))
    assert len(follows["data"]) == 1
    again = app.login("alice@example.com")
    assert again.answer["account"]["ref"] == account and again.answer["user"]["ref"] == user["ref"]
    assert again.answer["account"]["data"]["email"] == "alice@example.com"
    assert again.client.query(q.current_identity()) == account
    assert app.login("alice@example.com", "wrong-password") is False
    assert app.login("nobody@example.com") is False  # Identify on an empty set is false
    with pytest.raises(BadRequest) as unique:
        app.register("alice@example.com", "Other", "alice2")
    assert unique.value.errors[0].code == "call error"


def test_register_validates_email_and_password(app):
    with pytest.raises(BadRequest) as bad_email:
        app.register("not-an-email", "X", "x")
    assert cause(bad_email.value) == ("transaction aborted", "Invalid e-mail provided")
    with pytest.raises(BadRequest) as short:
        app.register("x@example.com", "X", "x", password="short")
    assert cause(short.value) == ("transaction aborted", "Invalid password, please provided at least 8 chars")
    # The aborts rolled back: no user, no account.
    assert app.admin.query(q.count(q.documents(q.collection("users")))) == 0


def test_bootstrap_key_only_calls_login_and_register(app):
    alice = app.register("alice@example.com", "Alice", "alice")
    refused = [
        q.call(q.function("get_fweets")),
        q.call(q.function("create_fweet"), "hi", [], None),
        q.get(alice.answer["account"]),
        q.paginate(idx("accounts_by_email", "alice@example.com")),
        q.create(q.collection("accounts"), {"data": {"email": "e@example.com"}}),
    ]
    for expr in refused:
        with pytest.raises(PermissionDenied):
            app.bootstrap.query(expr)
    # A logged-in token is in membershiprole_loggedin, which may not call register.
    with pytest.raises(PermissionDenied):
        alice.call("register_with_user", "b@example.com", "password2", "B", "b", "person2")


def test_fweets_follow_like_comment_refweet(app):
    alice = app.register("alice@example.com", "Alice", "alice")
    bob = app.register("bob@example.com", "Bob", "bob")
    bob_user = bob.answer["user"]["ref"]
    first = alice.fweet("hello #fauna world #fql")
    assert first["user"]["data"]["alias"] == "alice" and first["original"] is False and first["comments"]["data"] == []
    assert first["fweet"]["data"]["likes"] == 0 and first["fweetstats"] == {}
    names = q.lambda_("t", q.select(["data", "name"], q.get(q.var("t"))))
    tags = app.admin.query(q.map_(names, first["fweet"]["data"]["hashtags"]))
    assert tags == ["fauna", "fql"]
    theirs = bob.fweet("bob says hi #fauna")["fweet"]["ref"]
    assert theirs != first["fweet"]["ref"]
    # A hashtag is made once: the second fweet reuses it.
    assert app.admin.query(q.count(q.documents(q.collection("hashtags")))) == 2

    assert messages(alice.call("get_fweets")) == ["hello #fauna world #fql"]
    followed = alice.call("follow", bob_user)
    assert followed["data"]["author"] == bob_user and followed["data"]["postlikes"] == 0
    # The feed joins the followed authors' fweets, newest first.
    assert messages(alice.call("get_fweets")) == ["bob says hi #fauna", "hello #fauna world #fql"]
    with pytest.raises(BadRequest) as twice:
        alice.call("follow", bob_user)
    assert twice.value.errors[0].cause[0].code == "instance not unique"

    liked = alice.call("like_fweet", theirs)[0]
    assert liked["fweet"]["data"]["likes"] == 1 and liked["fweetstats"]["data"]["like"] is True
    stats = app.admin.query(q.get(idx("followerstats_by_author_and_follower", bob_user, alice.answer["user"]["ref"])))
    assert stats["data"]["postlikes"] == 1
    unliked = alice.call("like_fweet", theirs)[0]
    assert unliked["fweet"]["data"]["likes"] == 0 and unliked["fweetstats"]["data"]["like"] is False

    commented = alice.call("comment", theirs, "nice one")
    assert commented["fweet"]["data"]["comments"] == 1 and commented["fweetstats"]["data"]["comment"] is True
    assert [(c["comment"]["data"]["message"], c["author"]["data"]["name"]) for c in commented["comments"]["data"]] == [
        ("nice one", "Alice")
    ]

    shared = alice.call("refweet", theirs, "rt #fauna", ["fauna"])
    assert shared["refweet"]["fweet"]["data"]["message"] == "rt #fauna"
    assert shared["refweet"]["original"]["fweet"]["ref"] == theirs
    assert shared["original"]["fweet"]["data"]["refweets"] == 1
    assert shared["original"]["fweetstats"]["data"]["refweet"] is True
    with pytest.raises(BadRequest) as again:
        alice.call("refweet", theirs, "rt again", [])
    assert cause(again.value) == ("transaction aborted", "already refweeted")

    by_tag = alice.call("get_fweets_by_tag", "fauna")
    # Bob's has a like taken back, a comment and a refweet (score +10), so it ranks first; the refweet
    # keeps its tags as names, not hashtag refs, so the tag's index does not find it (the app's own way).
    assert messages(by_tag) == ["bob says hi #fauna", "hello #fauna world #fql"]
    assert by_tag["data"][0]["comments"]["data"][0]["comment"]["data"]["message"] == "nice one"
    by_author = alice.call("get_fweets_by_author", "alice")
    assert messages(by_author) == ["rt #fauna", "hello #fauna world #fql"]  # newest first
    assert by_author["data"][0]["original"]["fweet"]["data"]["message"] == "bob says hi #fauna"
    with pytest.raises(BadRequest) as missing:
        alice.call("get_fweets_by_tag", "nosuchtag")
    assert cause(missing.value) == ("value not found", "Value not found at path [0].")


def test_feed_score_binding_is_null_without_created(app):
    """followerstats_by_user_popularity scores `data.created`, which Follow never writes: the binding's
    Select fails, and core indexes such a value as null, so the feed's authors come in ref order."""
    alice = app.register("alice@example.com", "Alice", "alice")
    bob = app.register("bob@example.com", "Bob", "bob")
    alice.call("follow", bob.answer["user"]["ref"])
    entries = app.admin.query(q.paginate(idx("followerstats_by_user_popularity", alice.answer["user"]["ref"])))
    assert entries["data"] == sorted(
        [[None, alice.answer["user"]["ref"]], [None, bob.answer["user"]["ref"]]], key=lambda e: int(e[1].id())
    )


def test_search_people_and_tags(app):
    alice = app.register("alice@example.com", "Alice", "alice")
    app.register("max@example.com", "Maximilianus", "max")
    alice.fweet("all about #Algorithms")

    def search(word: str) -> list[str]:
        found = alice.client.query(
            q.map_(
                q.lambda_("ref", q.select(["data", "name"], q.get(q.var("ref")))),
                q.map_(
                    q.lambda_(["length", "ref"], q.var("ref")),
                    q.paginate(idx("hashtags_and_users_by_wordparts", word.lower()), size=10),
                ),
            )
        )
        return found["data"]

    # People and tags in one index, shorter names first (the `length` binding), any case.
    assert search("Al") == ["Alice", "Algorithms"]
    assert search("ithm") == ["Algorithms"]
    assert search("ice") == ["Alice"]
    assert search("ian") == ["Maximilianus"]
    # NGrams are at most nine letters shorter than the word: 12 letters have no part of two.
    assert search("ma") == []
    # The logged-in role reads the search index, but not the others.
    with pytest.raises(PermissionDenied):
        alice.client.query(q.paginate(idx("users_by_alias", "alice")))


def test_logged_in_role_predicates(app):
    alice = app.register("alice@example.com", "Alice", "alice")
    bob = app.register("bob@example.com", "Bob", "bob")
    mine, theirs = alice.answer["user"]["ref"], bob.answer["user"]["ref"]
    # The profile update runs as the role (no UDF): the write predicate compares the user to the caller's.
    updated = alice.client.query(
        q.let({"user": me()}, q.update(q.var("user"), {"data": {"name": "Alice B", "alias": "aliceb"}}))
    )
    assert updated["ref"] == mine and updated["data"]["name"] == "Alice B"
    with pytest.raises(PermissionDenied):
        alice.client.query(q.update(theirs, {"data": {"name": "hacked"}}))
    with pytest.raises(PermissionDenied):
        alice.client.query(q.create(q.collection("users"), {"data": {"name": "new"}}))
    # Accounts: only the caller's own is read, and a page of all of them holds only it.
    assert alice.client.query(q.get(alice.answer["account"]))["data"]["email"] == "alice@example.com"
    with pytest.raises(PermissionDenied):
        alice.client.query(q.get(bob.answer["account"]))
    assert alice.client.query(q.paginate(q.documents(q.collection("accounts"))))["data"] == [alice.answer["account"]]
    # Nor may a member write its own account (no write privilege).
    with pytest.raises(PermissionDenied):
        alice.client.query(q.update(alice.answer["account"], {"data": {"admin": True}}))


def test_token_of_an_account_in_no_role_cannot_update_it(app):
    """The app's auth.spec expects a role-less token to update its own account (`admin: true`), as Fauna
    once allowed; core's InstancePermissions grants such a token only its credentials and tokens."""
    app.admin.query(q.create_collection({"name": "members"}))
    member = app.admin.query(q.create(q.collection("members"), {"credentials": {"password": "pw"}, "data": {}}))
    token = app.admin.query(q.login(member["ref"], {"password": "pw"}))
    with pytest.raises(PermissionDenied):
        app.connect(token["secret"]).query(q.update(member["ref"], {"data": {"admin": True}}))


def test_rate_limits_abort(app):
    alice = app.register("alice@example.com", "Alice", "alice")
    bob = app.register("bob@example.com", "Bob", "bob")
    for _ in range(5):
        alice.call("get_fweets")
    with pytest.raises(BadRequest) as feeds:
        alice.call("get_fweets")
    assert cause(feeds.value) == ("transaction aborted", RATE_LIMITED)
    # Per identity: Bob still reads his feed.
    assert bob.call("get_fweets") == {"data": []}
    for n in range(5):
        bob.fweet(f"fweet {n}")
    with pytest.raises(BadRequest) as fweets:
        bob.fweet("one too many")
    assert cause(fweets.value) == ("transaction aborted", RATE_LIMITED)
    # The aborted call wrote nothing, not even its hashtags or its rate-limiting touch.
    assert app.admin.query(q.count(q.documents(q.collection("fweets")))) == 5
    records = idx("rate_limiting_by_action_and_identity", "create_fweet", bob.answer["account"])
    record = app.admin.query(q.select(["data", 0], q.paginate(records)))
    assert len(app.admin.query(q.paginate(q.events(record), size=100))["data"]) == 5


def test_failed_logins_are_limited_until_a_good_one(app):
    app.register("alice@example.com", "Alice", "alice")
    assert [app.login("alice@example.com", "bad-password") for _ in range(2)] == [False, False]
    # A good login deletes the failed-login record ...
    assert app.login("alice@example.com").answer["user"]["data"]["alias"] == "alice"
    assert app.admin.query(q.is_empty(idx("rate_limiting_by_action_and_identity", "login", "alice@example.com")))
    # ... so three more may fail; the fourth aborts, and waiting does not help (a window of 0).
    assert [app.login("alice@example.com", "bad-password") for _ in range(3)] == [False] * 3
    with pytest.raises(BadRequest) as limited:
        app.login("alice@example.com", "bad-password")
    assert cause(limited.value) == ("transaction aborted", RATE_LIMITED)
    with pytest.raises(BadRequest):
        app.login("alice@example.com")  # the good password too
    # Another email is not limited.
    assert app.login("bob@example.com", "bad-password") is False


def test_register_is_limited_globally(app):
    started = time.monotonic()
    for n in range(10):
        app.register(f"user{n}@example.com", f"User {n}", f"user{n}")
    if time.monotonic() - started >= LIMITS["register"][1] / 1000:
        pytest.skip("ten registrations took longer than the window")
    with pytest.raises(BadRequest) as limited:
        app.register("late@example.com", "Late", "late")
    assert cause(limited.value) == ("transaction aborted", RATE_LIMITED)


def test_logout_ends_every_token_of_the_account(app):
    app.register("alice@example.com", "Alice", "alice")
    first, second = app.login("alice@example.com"), app.login("alice@example.com")
    assert first.client.query(q.logout(True)) is True
    for session in (first, second):
        with pytest.raises(Unauthorized):
            session.call("get_fweets")
    assert app.login("alice@example.com").call("get_fweets") == {"data": []}
