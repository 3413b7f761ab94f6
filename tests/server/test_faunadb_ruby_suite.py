"""faunadb-ruby's spec examples that talk to a server (spec/query_spec.rb, page_spec.rb, errors_spec.rb,
client_spec.rb, context_spec.rb, client_logger_spec.rb; fauna/faunadb-ruby at b94e96b, its head, driver
3.0.1.pre.1) replayed against `fql serve`. CI has no Ruby, so each rspec example is written again by hand: the
requests its Client sends and what the example asserts of the answers.

What the Ruby Client sends (lib/fauna/client.rb): Faraday with `Accept-Encoding: gzip,deflate`,
`Content-Type: application/json;charset=utf-8`, `User-Agent: FaunaDB-Ruby/3.0.1.pre.1`,
`X-FaunaDB-API-Version: 2.1`, basic auth of the secret split at its first `:` (so `Basic base64(secret:)`),
and `X-Last-Seen-Txn` once an answer's `X-Txn-Time` was seen; `ping` is `GET /ping?scope=...`. The JSON is
written as its DSL writes it (lib/fauna/query.rb, json.rb): every Hash the spec passes is wrapped as
`{"object": ...}` (the `let` bindings and a call's own options are not), a block or proc is a lambda whose
parameters are the block's own names, a call with one vararg sends it bare (`equals 1` is `{"equals": 1}`),
a call's options (`paginate(set, size: 1)`, `get(ref, ts: t)`, `select(p, o, default: nil)`) come before
its own key, symbols are strings, a `Fauna::Ref` is `{"@ref": {"id", "class", "database"}}` with the keys it
has and `ref('x')` is `{"@ref": "x"}`. JSON.generate writes no spaces and keeps UTF-8 as it is.

Answers are read as FaunaJson.deserialize reads them at API 2.1: a ref names its collection under `class`,
a ref with neither class nor database is a native one (`Native.from_name`), `@ts` is a Time to the
nanosecond. An error status maps to its class by FaunaError.raise_for_status_code, with each error's code,
description, position and failures (each failure's code, description and field) as ErrorData reads them.

Examples that never reach a server (stubbed Faraday adapters, JSON forms, Expr equality, Page builders that do
not load, Context's client stack) are not replicated. Where an example expects an older Fauna than core's
head, the case checks what core answers and says so."""

from __future__ import annotations

import base64
import calendar
import contextlib
import datetime
import inspect
import json
import re
import secrets
import types
import zlib

import pytest
from attrs import evolve, field, frozen

import fql
from fql.server import ServerThread

from .conftest import exchange
from .replicas import typed

#: What Client#init_connection sets on every request, and what Net::HTTP adds.
HEADERS = {
    "Accept-Encoding": "gzip,deflate",
    "Content-Type": "application/json;charset=utf-8",
    "User-Agent": "FaunaDB-Ruby/3.0.1.pre.1",
    "X-FaunaDB-API-Version": "2.1",
    "Accept": "*/*",
}

#: The working rules give the tests' servers the loopback ports 19600-19699.
PORTS = range(19600, 19700)


# The values FaunaJson.deserialize makes, and serializes back.


@frozen
class Ref:
    """Fauna::Ref: an id, its class and its database (Refs or None); equal when all three are."""

    id: str
    cls: Ref | None = None
    database: Ref | None = None


#: Native.from_name: these ids are the frozen natives; any other id alone is a plain Ref of that id.
CLASSES, DATABASES, KEYS, TOKENS = (Ref(n) for n in ("classes", "databases", "keys", "tokens"))


@frozen
class SetRef:
    value: dict


@frozen
class QueryV:
    value: object


@frozen
class TimeV:
    """A Ruby Time from Time.iso8601: seconds since 1970 and nanoseconds (Time compares exactly)."""

    seconds: int
    nanos: int = 0


@frozen
class Bytes:
    value: bytes


def decode(value):
    """FaunaJson.deserialize: a Hash is looked at for each special key in turn (`key?`, not its first key)."""
    if isinstance(value, list):
        return [decode(v) for v in value]
    if not isinstance(value, dict):
        return value
    if "@ref" in value:
        body = value["@ref"]
        if "class" not in body and "database" not in body:
            return Ref(body["id"])
        return Ref(body["id"], decode(body.get("class")), decode(body.get("database")))
    if "@set" in value:
        return SetRef(decode(value["@set"]))
    if "@obj" in value:
        return decode(value["@obj"])
    if "@ts" in value:
        return parse_time(value["@ts"])
    if "@date" in value:
        return datetime.date.fromisoformat(value["@date"])
    if "@bytes" in value:
        return Bytes(base64.urlsafe_b64decode(value["@bytes"]))
    if "@query" in value:
        return QueryV(decode(value["@query"]))
    return {k: decode(v) for k, v in value.items()}


def parse_time(text: str) -> TimeV:
    """Time.iso8601 of Fauna's UTC text: whole seconds and the fraction, kept to the nanosecond."""
    whole, _, fraction = text.removesuffix("Z").partition(".")
    when = datetime.datetime.strptime(whole, "%Y-%m-%dT%H:%M:%S")
    return TimeV(calendar.timegm(when.timetuple()), int(fraction.ljust(9, "0")) if fraction else 0)


# The DSL: Fauna::Query's functions, each building an Expr of the JSON it writes.


@frozen
class Expr:
    """Query::Expr: raw JSON-to-be, whose Hashes are the expression's own (never wrapped as objects)."""

    raw: object


def wrap(value):
    """Expr.wrap: a Hash becomes `{"object": ...}`, an Array is wrapped item by item, a block a lambda."""
    if isinstance(value, dict):
        return Expr({"object": wrap_values(value)})
    if isinstance(value, (list, tuple)):
        return Expr([wrap(v) for v in value])
    if inspect.isfunction(value):
        return lambda_(value)
    return value


def wrap_values(values: dict) -> dict:
    return {k: wrap(v) for k, v in values.items()}


def wrap_varargs(values: tuple):
    """Expr.wrap_varargs: one argument is sent bare, more as an array."""
    return wrap(values[0] if len(values) == 1 else list(values))


def serialize(value):
    """FaunaJson.serialize: Exprs unwrapped, Refs as `@ref` objects, Times with nine fraction digits."""
    if isinstance(value, Expr):
        return serialize(value.raw)
    if isinstance(value, dict):
        return {k: serialize(v) for k, v in value.items()}
    if isinstance(value, list):
        return [serialize(v) for v in value]
    if isinstance(value, Ref):
        body: dict = {"id": value.id}
        if value.cls is not None:
            body["class"] = value.cls
        if value.database is not None:
            body["database"] = value.database
        return {"@ref": serialize(body)}
    if isinstance(value, SetRef):
        return {"@set": serialize(value.value)}
    if isinstance(value, TimeV):
        stamp = datetime.datetime.fromtimestamp(value.seconds, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
        return {"@ts": f"{stamp}.{value.nanos:09d}Z"}
    if isinstance(value, datetime.date):
        return {"@date": value.isoformat()}
    if isinstance(value, QueryV):
        return {"@query": serialize(value.value)}
    return value


def to_json(value) -> bytes:
    """FaunaJson.to_json: JSON.generate, no spaces, UTF-8 kept."""
    return json.dumps(serialize(value), separators=(",", ":"), ensure_ascii=False).encode()


def _call(key: str):
    """A function of one wrapped argument: `{key: arg}`."""
    return lambda arg: Expr({key: wrap(arg)})


def _varargs(key: str):
    """A function of any number of arguments: `{key: arg}` for one, `{key: [args]}` for more."""
    return lambda *args: Expr({key: wrap_varargs(args)})


def _with_options(key: str, *more: str):
    """A function whose options precede its own keys: `{**options, key: arg, more[0]: ...}`."""

    def build(*args, **options):
        own = dict(zip((key, *more), (wrap(a) for a in args)))
        return Expr({**wrap_values(options), **own})

    return build


def _two(first: str, second: str):
    """A function of two arguments, each under its own key."""
    return lambda a, b: Expr({first: wrap(a), second: wrap(b)})


def _collection(key: str):
    """map(collection, lambda), foreach and filter: the lambda under the function's key, before `collection`."""
    return lambda coll, block: Expr({key: wrap(block), "collection": wrap(coll)})


def _scoped(key: str):
    """database(name, scope = nil) and its like: the scope only when given."""
    return lambda name, scope=None: Expr({key: wrap(name)} if scope is None else {key: wrap(name), "scope": wrap(scope)})


def ref(string, id=None):
    return Expr({"@ref": wrap(string)}) if id is None else Expr({"ref": wrap(string), "id": wrap(id)})


def lambda_(block) -> Expr:
    """Query.lambda(&block): the block's parameter names, one bare or several as an array."""
    names = list(inspect.signature(block).parameters)
    body = block(*(var(n) for n in names))
    return Expr({"lambda": wrap(names[0] if len(names) == 1 else names), "expr": wrap(body)})


def var(name):
    return Expr({"var": wrap(name)})


def let(bindings: dict, body) -> Expr:
    """let(vars, expr): the bindings' values wrapped, the Hash itself not."""
    return Expr({"let": wrap_values(bindings), "in": wrap(body)})


def if_(cond, then, else_):
    return Expr({"if": wrap(cond), "then": wrap(then), "else": wrap(else_)})


def call(name, *args):
    return Expr({"call": wrap(name), "arguments": wrap_varargs(args)})


def insert(ref_, ts, action, params):
    return Expr({"insert": wrap(ref_), "ts": wrap(ts), "action": wrap(action), "params": wrap(params)})


def remove(ref_, ts, action):
    return Expr({"remove": wrap(ref_), "ts": wrap(ts), "action": wrap(action)})


def match(index, *terms):
    return Expr({"match": wrap(index), "terms": wrap_varargs(terms)})


def concat(strings, separator=None):
    return Expr({"concat": wrap(strings)} if separator is None else {"concat": wrap(strings), "separator": wrap(separator)})


def casefold(string, normalizer=None):
    return Expr({"casefold": wrap(string)} if normalizer is None else {"casefold": wrap(string), "normalizer": wrap(normalizer)})


at, create, update, replace = _two("at", "expr"), _two("create", "params"), _two("update", "params"), _two("replace", "params")
map_, foreach, filter_ = _collection("map"), _collection("foreach"), _collection("filter")
take, drop, prepend, append = (_two(k, "collection") for k in ("take", "drop", "prepend", "append"))
login, identify = _two("login", "params"), _two("identify", "password")
contains, select_all, epoch = _two("contains", "in"), _two("select_all", "from"), _two("epoch", "unit")
join = _two("join", "with")
get, paginate, exists, ngram = _with_options("get"), _with_options("paginate"), _with_options("exists"), _with_options("ngram")
select = _with_options("select", "from")
abort, query, delete = (_call(k) for k in ("abort", "query", "delete"))
singleton, events, distinct = (_call(k) for k in ("singleton", "events", "distinct"))
is_empty, is_nonempty, key_from_secret, logout = (_call(k) for k in ("is_empty", "is_nonempty", "key_from_secret", "logout"))
create_class, create_index, create_database, create_key, create_function = (
    _call(k) for k in ("create_class", "create_index", "create_database", "create_key", "create_function")
)
time_, date, not_, to_string, to_number, to_time, to_date = (
    _call(k) for k in ("time", "date", "not", "to_string", "to_number", "to_time", "to_date")
)
do_, union, intersection, difference, equals = (_varargs(k) for k in ("do", "union", "intersection", "difference", "equals"))
add, multiply, subtract, divide, modulo = (_varargs(k) for k in ("add", "multiply", "subtract", "divide", "modulo"))
lt, lte, gt, gte, and_, or_ = (_varargs(k) for k in ("lt", "lte", "gt", "gte", "and", "or"))
database, class_, index, function = (_scoped(k) for k in ("database", "class", "index", "function"))
classes, keys = (lambda scope=None: Expr({"classes": wrap(scope)})), (lambda scope=None: Expr({"keys": wrap(scope)}))
new_id, identity, has_identity = Expr({"new_id": None}), Expr({"identity": None}), Expr({"has_identity": None})


def lambda_expr(names, body):
    return Expr({"lambda": wrap(names), "expr": wrap(body)})


# The Client, and the errors it raises.


@frozen
class Failure:
    code: str
    description: str
    field: list | None


@frozen
class ErrorData:
    code: str
    description: str
    position: list | None
    failures: list[Failure] | None


#: FaunaError.raise_for_status_code: the class of each status; any other is an UnexpectedError.
ERROR_CLASSES = {
    400: "BadRequest",
    401: "Unauthorized",
    403: "PermissionDenied",
    404: "NotFound",
    405: "MethodNotAllowed",
    500: "InternalError",
    502: "UnavailableError",
    503: "UnavailableError",
    504: "UnavailableError",
}


class FaunaError(Exception):
    """A FaunaError subclass, named by `kind`, with its ErrorData list."""

    def __init__(self, kind: str, status: int, errors: list[ErrorData]):
        super().__init__(kind, status, errors)
        self.kind, self.status, self.errors = kind, status, errors

    def __str__(self) -> str:
        """FaunaError's message: `Error at <position>: <code> - <description>`, one per error."""
        return " ".join(
            "Error" + (f" at {e.position}" if e.position is not None else "") + f": {e.code} - {e.description}"
            for e in self.errors
        )


def error_for(status: int, body) -> FaunaError | None:
    """None for a 2xx; else the class of the status, every error needing a code and a description."""
    if 200 <= status < 300:
        return None
    assert status in ERROR_CLASSES, (status, body)
    errors = [
        ErrorData(
            e["code"],
            e["description"],
            e.get("position"),
            None if e.get("failures") is None else [Failure(f["code"], f["description"], f.get("field")) for f in e["failures"]],
        )
        for e in body["errors"]
    ]
    assert errors, "Error data returned was blank."
    return FaunaError(ERROR_CLASSES[status], status, errors)


@frozen
class Client:
    """Fauna::Client(secret:, domain:, port:, scheme: 'http'): its own last-seen txn time."""

    port: int
    secret: str
    last_seen: list = field(factory=lambda: [None], eq=False)

    def with_secret(self, secret: str) -> Client:
        """with_secret: a dup, sharing the last-seen time."""
        return evolve(self, secret=secret)

    def request(self, method: str, path: str, body: bytes | None = None) -> tuple[int, dict, str]:
        user, _, password = self.secret.partition(":")
        headers = {**HEADERS, "Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}
        if self.last_seen[0] is not None:
            headers["X-Last-Seen-Txn"] = str(self.last_seen[0])
        # FaunaDecode: the body by its Content-Encoding (gzip is undone by the exchange).
        status, found, data = exchange(self.port, method, path, body, headers)
        if found.get("content-encoding") == "deflate":
            data = zlib.decompress(data)
        if "x-txn-time" in found:
            # LastSeen#update: the time only moves forward.
            seen = int(found["x-txn-time"])
            self.last_seen[0] = seen if self.last_seen[0] is None else max(self.last_seen[0], seen)
        return status, found, data.decode()

    def execute(self, method: str, path: str, body: bytes | None = None):
        status, _, text = self.request(method, path, body)
        content = json.loads(text)
        error = error_for(status, content)
        if error is not None:
            raise error
        return decode(content["resource"])

    def query(self, expr):
        """Client#query: the decoded resource, or the FaunaError the answer maps to."""
        return self.execute("POST", "/", to_json(wrap(expr)))

    def ping(self, scope: str | None = None):
        return self.execute("GET", "/ping" + (f"?scope={scope}" if scope is not None else ""))

    def paginate(self, set_, **params) -> Page:
        return Page(self, set_, params)


def fails(client: Client, expr, kind: str, code: str, position: list | None) -> ErrorData:
    """raise_fauna_error(kind, code, position): one error, of that code, at that position."""
    with pytest.raises(FaunaError) as caught:
        client.query(expr)
    assert caught.value.kind == kind
    [error] = caught.value.errors
    assert (error.code, error.position) == (code, position)
    return error


def random_string() -> str:
    """SecureRandom.hex(7)."""
    return secrets.token_hex(7)


def random_number() -> int:
    return secrets.randbelow(1_000_000)


# Fauna::Page: paging through a set, with fauna-side maps and filters and a Ruby-side map.


@frozen
class Page:
    client: Client
    set: object
    params: dict
    funcs: tuple = ()
    postprocessing: object = None

    def with_params(self, **params) -> Page:
        """with_params: either cursor key given drops both old ones, then the new params are merged in."""
        kept = dict(self.params)
        if "before" in params or "after" in params:
            kept.pop("before", None)
            kept.pop("after", None)
        return evolve(self, params={**kept, **params})

    def map(self, block) -> Page:
        return evolve(self, funcs=(*self.funcs, lambda q: map_(q, block)))

    def filter(self, block) -> Page:
        return evolve(self, funcs=(*self.funcs, lambda q: filter_(q, block)))

    def postprocessing_map(self, block) -> Page:
        return evolve(self, postprocessing=block)

    def load(self) -> dict:
        """get_page: paginate(set, params), each fauna function applied in turn, then the Ruby map on data."""
        expr = paginate(self.set, **self.params)
        for func in self.funcs:
            expr = func(expr)
        page = self.client.query(expr)
        if self.postprocessing is not None:
            page["data"] = [self.postprocessing(v) for v in page["data"]]
        return page

    def page_after(self) -> Page | None:
        return self._new_page("after")

    def page_before(self) -> Page | None:
        return self._new_page("before")

    def _new_page(self, direction: str) -> Page | None:
        cursor = self.load().get(direction)
        return None if cursor is None else self.with_params(**{direction: cursor})

    def each(self, direction: str = "after") -> list:
        """each (or reverse_each, direction "before"): the data of every page until a page has no cursor."""
        pages, page = [], self
        while page is not None:
            loaded = page.load()
            pages.append(loaded["data"])
            cursor = loaded.get(direction)
            page = None if cursor is None else page.with_params(**{direction: cursor})
        return pages

    def all(self) -> list:
        return [v for data in self.each() for v in data]

    def foreach(self, block) -> None:
        """foreach!: every page loaded with foreach(page, block) applied, until none is after."""
        evolve(self, funcs=(*self.funcs, lambda q: foreach(q, block))).each()


# The server, and create_test_db for each spec file.


@pytest.fixture(scope="module")
def server():
    for port in PORTS:
        try:
            running = ServerThread(fql.connect(), port=port)
        except OSError:
            continue
        with running:
            yield running
        return
    pytest.fail("no free port in 19600-19699")


@frozen
class SpecDb:
    """create_test_db: the database's Ref, a server client and an admin client, and the root client."""

    ref: Ref
    root: Client
    client: Client
    admin: Client
    server_secret: str


def create_test_db(port: int) -> SpecDb:
    db_ref = Ref(f"faunadb-ruby-test-{random_string()}", DATABASES)
    root = Client(port, "secret")
    root.query(create(ref("databases"), {"name": db_ref.id}))
    server_key = root.query(create(ref("keys"), {"database": db_ref, "role": "server"}))
    admin_key = root.query(create(ref("keys"), {"database": db_ref, "role": "admin"}))
    return SpecDb(db_ref, root, Client(port, server_key["secret"]), Client(port, admin_key["secret"]), server_key["secret"])


@contextlib.contextmanager
def spec_db(server):
    """before(:all) create_test_db, after(:all) destroy_test_db."""
    db = create_test_db(server.port)
    try:
        yield db
    finally:
        db.root.query(delete(db.ref))


def wait_for_index(client: Client, *refs: Ref) -> None:
    """wait_for_index: `map(refs) { |ref| select([:active], get(ref)) }` until all are active."""
    for _ in range(50):
        if all(client.query(map_(list(refs), lambda ref: select(["active"], get(ref))))):
            return
    pytest.fail("indexes never became active")


# query_spec.rb


@pytest.fixture(scope="module")
def q(server):
    """query_spec's before(:all): class query_test and its indexes query_by_x and query_by_y."""
    with spec_db(server) as db:
        client = db.client
        test_class = client.query(create(ref("classes"), {"name": "query_test"}))["ref"]
        by_x = client.query(create(ref("indexes"), {"name": "query_by_x", "source": test_class, "terms": [{"field": ["data", "x"]}]}))
        by_y = client.query(create(ref("indexes"), {"name": "query_by_y", "source": test_class, "terms": [{"field": ["data", "y"]}]}))
        wait_for_index(client, by_x["ref"], by_y["ref"])
        yield types.SimpleNamespace(db=db, client=client, admin=db.admin, test_class=test_class, by_x=by_x["ref"], by_y=by_y["ref"])


def create_instance(q, data: dict | None = None) -> dict:
    """create_instance(data): `create(@test_class, data: data)`."""
    return q.client.query(create(q.test_class, {"data": data or {}}))


def get_set_data(client: Client, set_, **params) -> list:
    """get_set_data: paginate(set, params), then again with `after` while the page has one."""
    page = client.query(paginate(set_, **params))
    data = page["data"]
    while "after" in page:
        page = client.query(paginate(set_, **params, after=page["after"]))
        data += page["data"]
    return data


X, XS = random_number(), [random_number() for _ in range(3)]
SECS, NANOS = random_number(), random_number()

#: Examples of the form `expect(client.query { expr }).to eq(value)` (or `be`), each an example's list of
#: (expression, value); numbers compared with their types.
EXPRESSIONS = {
    "#if_ performs an if": [(if_(True, "t", "f"), "t"), (if_(False, "t", "f"), "f")],
    "#let performs let with expression": [(let({"x": X}, var("x")), X)],
    # let(x: x) { x }: the block's `x` is a method answering var(:x).
    "#let performs let with block": [(let({"x": X}, var("x")), X)],
    "#lambda performs lambda from single argument": [(map_([1, 2, 3], lambda a: add(a, a)), [2, 4, 6])],
    "#lambda performs lambda from multiple arguments": [(map_([[1, 2], [3, 4]], lambda a, b: [b, a]), [[2, 1], [4, 3]])],
    "#lambda_expr performs lambda from expression": [(map_([1, 2, 3], lambda_expr("a", add(var("a"), var("a")))), [2, 4, 6])],
    "#lambda_expr destructures single element arrays": [
        (map_([[1], [2], [3]], lambda_expr(["a"], add(var("a"), var("a")))), [2, 4, 6])
    ],
    "#map performs map from expression": [(map_(XS, lambda a: multiply(2, a)), [2 * x for x in XS])],
    "#map performs map from block": [(map_(XS, lambda a: multiply(2, a)), [2 * x for x in XS])],
    "#filter performs filter from expression": [(filter_([1, 2, 3, 4], lambda a: equals(modulo(a, 2), 0)), [2, 4])],
    "#filter performs filter from block": [(filter_([1, 2, 3, 4], lambda a: equals(modulo(a, 2), 0)), [2, 4])],
    "#take performs take": [(take(1, [1, 2]), [1]), (take(3, [1, 2]), [1, 2]), (take(-1, [1, 2]), [])],
    "#drop performs drop": [(drop(1, [1, 2]), [2]), (drop(3, [1, 2]), []), (drop(-1, [1, 2]), [1, 2])],
    "#prepend performs prepend": [(prepend([1, 2, 3], [4, 5, 6]), [1, 2, 3, 4, 5, 6])],
    "#append performs append": [(append([1, 2, 3], [4, 5, 6]), [4, 5, 6, 1, 2, 3])],
    "#is_empty performs is_empty on collections": [(is_empty([]), True), (is_empty([1, 2, 3]), False)],
    "#is_empty performs is_empty on pages": [
        (is_empty(paginate(classes(), size=0)), True),
        (is_empty(paginate(classes(), size=1)), False),
    ],
    "#is_nonempty performs is_nonempty on collections": [(is_nonempty([]), False), (is_nonempty([1, 2, 3]), True)],
    "#is_nonempty performs is_empty on pages": [
        (is_nonempty(paginate(classes(), size=0)), False),
        (is_nonempty(paginate(classes(), size=1)), True),
    ],
    "#concat performs concat": [(concat(["a", "b", "c"]), "abc"), (concat([]), "")],
    "#concat performs concat with separator": [(concat(["a", "b", "c"], "."), "a.b.c")],
    "#casefold performs casefold": [
        (casefold("Hen Wen"), "hen wen"),
        (casefold("\u212b", "NFD"), "A\u030a"),
        (casefold("\u212b", "NFC"), "\u00c5"),
        (casefold("\u1e9b\u0323", "NFKD"), "\u0073\u0323\u0307"),
        (casefold("\u1e9b\u0323", "NFKC"), "\u1e69"),
        (casefold("\u212b", "NFKCCaseFold"), "\u00e5"),
    ],
    "#ngram performs ngram": [
        (ngram("what"), ["w", "wh", "h", "ha", "a", "at", "t"]),
        (ngram("what", min=2, max=3), ["wh", "wha", "ha", "hat", "at"]),
        (ngram(["john", "doe"]), ["j", "jo", "o", "oh", "h", "hn", "n", "d", "do", "o", "oe", "e"]),
        (ngram(["john", "doe"], min=3, max=4), ["joh", "john", "ohn", "doe"]),
    ],
    # Time.at(0, 123_456.789): 123,456.789 microseconds.
    "#test performs time": [(time_("1970-01-01T00:00:00.123456789Z"), TimeV(0, 123_456_789))],
    "#epoch performs epoch for seconds": [(epoch(SECS, "second"), TimeV(SECS))],
    "#epoch performs epoch for nanoseconds": [(epoch(NANOS, "nanosecond"), TimeV(0, NANOS))],
    "#date performs date": [(date("1970-01-01"), datetime.date(1970, 1, 1))],
    "#equals performs equals": [(equals(1, 1, 1), True), (equals(1, 1, 2), False), (equals(1), True)],
    "#contains performs contains": [
        (contains(["a", "b"], {"a": {"b": 1}}), True),
        (contains("a", {"a": {"b": 1}}), True),
        (contains(["a", "c"], {"a": {"b": 1}}), False),
    ],
    "#select performs select with hash": [
        (select("a", {"a": {"b": 1}}), {"b": 1}),
        (select(["a", "b"], {"a": {"b": 1}}), 1),
        (select("c", {"a": {"b": 1}}, default=None), None),
    ],
    "#select performs select with array": [(select(2, [1, 2, 3]), 3)],
    "#select_all performs select_all with hash": [(select_all("foo", [{"foo": "bar"}, {"foo": "baz"}]), ["bar", "baz"])],
    "#select_all performs select_all with array": [(select_all(["foo", 0], [{"foo": [0, 1]}, {"foo": [2, 3]}]), [0, 2])],
    "#add performs add": [(add(2, 3, 5), 10)],
    "#multiply performs multiply": [(multiply(2, 3, 5), 30)],
    "#subtract performs subtract": [(subtract(2, 3, 5), -6), (subtract(2), 2)],
    "#divide performs divide": [(divide(2.0, 3, 5), 2.0 / 15), (divide(2), 2)],
    "#modulo performs modulo": [(modulo(5, 2), 1), (modulo(15, 10, 2), 1), (modulo(2), 2)],
    "#lt performs lt": [(lt(1, 2), True), (lt(2, 2), False)],
    "#lte performs lte": [(lte(1, 1), True), (lte(2, 1), False)],
    "#gt performs gt": [(gt(2, 1), True), (gt(2, 2), False)],
    "#gte performs gte": [(gte(2, 2), True), (gte(2, 3), False)],
    "#and_ performs and": [(and_(True, True, False), False), (and_(True, True, True), True), (and_(True), True), (and_(False), False)],
    "#or_ performs or": [(or_(False, False, True), True), (or_(False, False, False), False), (or_(True), True), (or_(False), False)],
    "#not_ performs not": [(not_(True), False), (not_(False), True)],
    "#to_string performs to_string": [(to_string(42), "42")],
    # `to be(42)`: the same Integer object, so an Integer.
    "#to_number performs to_number": [(to_number("42"), 42)],
    "#to_time performs to_time": [(to_time("1970-01-01T00:00:00Z"), TimeV(0))],
    "#to_date performs to_date": [(to_date("1970-01-01"), datetime.date(1970, 1, 1))],
}


@pytest.mark.parametrize("example", EXPRESSIONS)
def test_expression(q, example):
    """Fauna::Query <example>: each expression answers its value (query_spec.rb)."""
    for expr, expected in EXPRESSIONS[example]:
        assert typed(q.client.query(expr)) == typed(expected), expr


def test_lambda_json_forms():
    """#lambda / #lambda_expr / #expr 'converts proc blocks': the JSON written for the lambdas the examples
    above send (the `to_json(expr) == to_json(query)` half of those examples)."""
    assert to_json(wrap(lambda a: add(a, a))) == b'{"lambda":"a","expr":{"add":[{"var":"a"},{"var":"a"}]}}'
    assert to_json(wrap(lambda a, b: [b, a])) == b'{"lambda":["a","b"],"expr":[{"var":"b"},{"var":"a"}]}'
    assert to_json(lambda_expr(["a"], add(var("a"), var("a")))) == b'{"lambda":["a"],"expr":{"add":[{"var":"a"},{"var":"a"}]}}'
    assert to_json(wrap([1, {"foo": 2}, add(1, 2)])) == b'[1,{"object":{"foo":2}},{"add":[1,2]}]'
    assert to_json(wrap({"x": {"y": TimeV(0)}})) == b'{"object":{"x":{"object":{"y":{"@ts":"1970-01-01T00:00:00.000000000Z"}}}}}'


def test_time_now(q):
    """#test performs time: `time 'now'` is a Time."""
    assert isinstance(q.client.query(time_("now")), TimeV)


def test_new_id(q):
    """#new_id gets a new id: a String."""
    assert isinstance(q.client.query(new_id), str)


def test_select_not_found(q):
    """#select performs select with hash / with array: a missing path is a Fauna::NotFound."""
    fails(q.client, select("c", {"a": {"b": 1}}), "NotFound", "value not found", ["from"])
    fails(q.client, select(3, [1, 2, 3]), "NotFound", "value not found", ["from"])


def test_abort(q):
    """#abort aborts the execution: a Fauna::BadRequest."""
    error = fails(q.client, abort("message"), "BadRequest", "transaction aborted", [])
    assert error.description == "message"


def test_ref_from_string(q):
    """#ref returns a ref from a string: `ref("classes/<cls>/<id>")` is that Ref, its class under classes."""
    cls, id_ = random_string(), str(random_number())
    assert q.client.query(ref(f"classes/{cls}/{id_}")) == Ref(id_, Ref(cls, CLASSES))


def test_ref_constructs(q):
    """#ref constructs a ref: `ref(@test_class, '123')`, and with `new_id` an id of digits."""
    assert q.client.query(ref(q.test_class, "123")) == Ref("123", q.test_class)
    assert re.search(r"\d+$", q.client.query(ref(q.test_class, new_id)).id)


def test_at(q):
    """#at performs at for given expression: an event inserted a microsecond before the create is what
    `at(prev_ts, get(ref))` reads."""
    instance = create_instance(q)
    prev_ts, value = instance["ts"] - 1, random_number()
    q.client.query(insert(instance["ref"], prev_ts, "create", {"data": {"x": value}}))
    assert q.client.query(at(prev_ts, get(instance["ref"])))["data"] == {"x": value}


def test_do(q):
    """#do_ performs do: `do_(delete(ref), 1)` is 1, and the instance is gone."""
    instance = create_instance(q)
    assert q.client.query(do_(delete(instance["ref"]), 1)) == 1
    assert q.client.query(exists(instance["ref"])) is False


@pytest.mark.parametrize(
    ("example", "name", "body", "args", "expected"),
    [
        ("#call performs called function", "call_func_test", lambda x: [add(x, 1), add(x, 2), add(x, 3)], (X,), [X + 1, X + 2, X + 3]),
        (
            "#call handles multiple arguments",
            "call_multiarg_test",
            lambda x, y, z: [multiply(x, 2), multiply(y, 3), multiply(z, 4)],
            tuple(XS),
            [XS[0] * 2, XS[1] * 3, XS[2] * 4],
        ),
    ],
)
def test_call(q, example, name, body, args, expected):
    """#call: a function made with `create ref('functions'), name:, body: query(lambda)`, called with its args."""
    made = q.client.query(create(ref("functions"), {"name": name, "body": query(body)}))
    assert q.client.query(call(made["ref"], *args)) == expected


@pytest.mark.parametrize("example", ["#foreach performs foreach from expression", "#foreach performs foreach from block"])
def test_foreach(q, example):
    """#foreach: three instances (each exists first), `foreach(refs) { |a| delete a }`, then none exists."""
    refs = [create_instance(q)["ref"] for _ in range(3)]
    assert q.client.query([exists(r) for r in refs]) == [True] * 3
    q.client.query(foreach(refs, lambda a: delete(a)))
    assert q.client.query([exists(r) for r in refs]) == [False] * 3


def test_get(q):
    """#get performs get: the instance as create answered it."""
    instance = create_instance(q)
    assert q.client.query(get(instance["ref"])) == instance


def test_key_from_secret(q):
    """#key_from_secret gets key from secret: the key of a new child database's server key."""
    db_ref = q.admin.query(create(ref("databases"), {"name": random_string()}))["ref"]
    key = q.admin.query(create_key({"database": db_ref, "role": "server"}))
    assert q.admin.query(key_from_secret(key["secret"])) == q.admin.query(get(key["ref"]))


def test_paginate(q):
    """#paginate performs paginate: three instances of one x, a page of one at a time, in ref order."""
    x = random_number()
    refs = [create_instance(q, {"x": x})["ref"] for _ in range(3)]
    assert get_set_data(q.client, match(q.by_x, x), size=1) == refs


def test_paginate_with_sources(q):
    """#paginate performs paginate with sources: each value with the match set it came from."""
    x = random_number()
    refs = [create_instance(q, {"x": x})["ref"] for _ in range(3)]
    expected = {"data": [{"sources": [SetRef({"match": q.by_x, "terms": x})], "value": r} for r in refs]}
    assert q.client.query(paginate(match(q.by_x, x), sources=True)) == expected


def test_exists(q):
    """#exists performs exists: true, then false once deleted, and a get of it is a Fauna::NotFound."""
    made = create_instance(q)["ref"]
    assert q.client.query(exists(made)) is True
    q.client.query(delete(made))
    assert q.client.query(exists(made)) is False
    fails(q.client, get(made), "NotFound", "instance not found", [])


def test_create(q):
    """#create performs create: `create(@test_class, {})` makes an instance of the class."""
    instance = q.client.query(create(q.test_class, {}))
    assert instance["ref"].cls == q.test_class
    assert q.client.query(exists(instance["ref"])) is True


def test_update_and_replace(q):
    """#update performs update (the data merged) and #replace performs replace (the data replaced)."""
    x, y = random_number(), random_number()
    made = create_instance(q, {"x": x})["ref"]
    assert q.client.query(update(made, {"data": {"y": y}}))["data"] == {"x": x, "y": y}
    made = create_instance(q, {"x": x})["ref"]
    assert q.client.query(replace(made, {"data": {"y": y}}))["data"] == {"y": y}


def test_delete(q):
    """#delete performs delete."""
    made = create_instance(q)["ref"]
    q.client.query(delete(made))
    assert q.client.query(exists(made)) is False


def test_insert(q):
    """#insert performs insert: a create event a microsecond before, read with `get(ref, ts: prev_ts)`."""
    instance = create_instance(q)
    prev_ts, value = instance["ts"] - 1, random_number()
    q.client.query(insert(instance["ref"], prev_ts, "create", {"data": {"x": value}}))
    assert q.client.query(get(instance["ref"], ts=prev_ts))["data"] == {"x": value}


def test_remove(q):
    """#remove performs remove: removing the replace's event (as `:create`, at its ts) leaves the instance as
    it was made."""
    instance = create_instance(q)
    replaced = q.client.query(replace(instance["ref"], {"data": {"x": random_number()}}))
    assert q.client.query(get(instance["ref"])) == replaced
    q.client.query(remove(instance["ref"], replaced["ts"], "create"))
    assert q.client.query(get(instance["ref"])) == instance


def test_create_schema(q):
    """#create_class, #create_index, #create_database, #create_key, #create_function: each made exists."""
    made = q.client.query(create_class({"name": random_string()}))["ref"]
    assert q.client.query(exists(made)) is True
    source = q.client.query(create(ref("classes"), {"name": random_string()}))["ref"]
    made = q.client.query(create_index({"name": random_string(), "source": source}))["ref"]
    assert q.client.query(exists(made)) is True
    made = q.admin.query(create_database({"name": random_string()}))["ref"]
    assert q.admin.query(exists(made)) is True
    db_ref = q.admin.query(create(ref("databases"), {"name": random_string()}))["ref"]
    made = q.admin.query(create_key({"database": db_ref, "role": "server"}))["ref"]
    assert q.admin.query(exists(made)) is True
    made = q.client.query(create_function({"name": random_string(), "body": query(lambda a: add(a, 1))}))["ref"]
    assert q.client.query(exists(made)) is True


@pytest.fixture
def sets(q):
    """The 'sets' before: one instance with x, one with y, one with both."""
    x, y = random_number(), random_number()
    return types.SimpleNamespace(
        x=x,
        y=y,
        ref_x=create_instance(q, {"x": x})["ref"],
        ref_y=create_instance(q, {"y": y})["ref"],
        ref_xy=create_instance(q, {"x": x, "y": y})["ref"],
    )


def test_events(q, sets):
    """sets #events performs events: create, update and delete of the instance, each naming it under
    `instance` (API 2.1)."""
    q.client.query(update(sets.ref_x, {"data": {"x": random_number()}}))
    q.client.query(delete(sets.ref_x))
    found = q.client.query(paginate(events(sets.ref_x)))["data"]
    assert [(e["action"], e["instance"]) for e in found] == [(a, sets.ref_x) for a in ("create", "update", "delete")]


def test_singleton(q, sets):
    """sets #singleton performs singleton: the instance's add and remove in its singleton set."""
    q.client.query(update(sets.ref_x, {"data": {"x": random_number()}}))
    q.client.query(delete(sets.ref_x))
    found = q.client.query(paginate(events(singleton(sets.ref_x))))["data"]
    assert [(e["action"], e["instance"]) for e in found] == [("add", sets.ref_x), ("remove", sets.ref_x)]


@pytest.mark.parametrize(
    ("example", "build", "expected"),
    [
        ("sets #match performs match", lambda s: match(s.q.by_x, s.x), ("ref_x", "ref_xy")),
        ("sets #union performs union", lambda s: union(match(s.q.by_x, s.x), match(s.q.by_y, s.y)), ("ref_x", "ref_y", "ref_xy")),
        ("sets #intersection performs intersection", lambda s: intersection(match(s.q.by_x, s.x), match(s.q.by_y, s.y)), ("ref_xy",)),
        ("sets #difference performs difference", lambda s: difference(match(s.q.by_x, s.x), match(s.q.by_y, s.y)), ("ref_x",)),
    ],
)
def test_set_operations(q, sets, example, build, expected):
    """`contain_exactly` the instances each set holds."""
    found = get_set_data(q.client, build(types.SimpleNamespace(q=q, x=sets.x, y=sets.y)))
    assert sorted(found, key=lambda r: r.id) == sorted((getattr(sets, name) for name in expected), key=lambda r: r.id)


def test_distinct(q):
    """#distinct performs distinct: index query_over_z on data.z, instances of z 0, 1, 1: [0, 1, 1] and [0, 1]."""
    over_z = q.client.query(create(ref("indexes"), {"name": "query_over_z", "source": q.test_class, "values": [{"field": ["data", "z"]}]}))
    wait_for_index(q.client, over_z["ref"])
    for z in (0, 1, 1):
        q.client.query(create(q.test_class, {"data": {"z": z}}))
    assert get_set_data(q.client, match(over_z["ref"])) == [0, 1, 1]
    assert get_set_data(q.client, distinct(match(over_z["ref"]))) == [0, 1]


@pytest.mark.parametrize(
    ("example", "target"),
    [
        ("#join with expression performs join", lambda q: (lambda a: match(q.by_y, a))),
        ("#join with block performs join", lambda q: (lambda a: match(q.by_y, a))),
        ("#join with index performs join", lambda q: q.by_y),
    ],
)
def test_join(q, example, target):
    """#join: three instances of one x, and for each an instance whose y is its ref; joining the x match with
    the y index (a lambda, a block or the index itself) gives the second three."""
    x = random_number()
    join_refs = [create_instance(q, {"x": x})["ref"] for _ in range(3)]
    assoc_refs = [create_instance(q, {"y": r})["ref"] for r in join_refs]
    source = match(q.by_x, x)
    assert get_set_data(q.client, source) == join_refs
    assert get_set_data(q.client, join(source, target(q))) == assoc_refs


@pytest.fixture
def user(q):
    """authentication's before: an instance with a password."""
    password = random_string()
    return q.client.query(create(q.test_class, {"credentials": {"password": password}})), password


def test_login(q, user):
    """authentication #login performs login: the token's secret reads its own token at tokens/self."""
    instance, password = user
    token = q.client.query(login(instance["ref"], {"password": password}))
    user_client = Client(q.client.port, token["secret"])
    assert user_client.query(select("ref", get(Ref("self", TOKENS)))) == token["ref"]


def test_logout(q, user):
    """authentication #logout performs logout: `logout true` is true."""
    instance, password = user
    token = q.client.query(login(instance["ref"], {"password": password}))
    assert Client(q.client.port, token["secret"]).query(logout(True)) is True


def test_identify(q, user):
    """authentication #identify performs identify."""
    instance, password = user
    assert q.client.query(identify(instance["ref"], password)) is True


def test_identity(q, user):
    """authentication #has_identity performs has_identity (false for a key, true for a token) and #identity
    performs identity (the instance logged in)."""
    instance, password = user
    token = q.client.query(login(instance["ref"], {"password": password}))
    user_client = Client(q.client.port, token["secret"])
    assert q.client.query(has_identity) is False
    assert user_client.query(has_identity) is True
    assert user_client.query(identity) == instance["ref"]


def test_named_refs(q):
    """#database, #class_, #index, #function get an existing one: each is the ref create answered."""
    name = random_string()
    made = q.admin.query(create_database({"name": name}))["ref"]
    assert q.admin.query(database(name)) == made
    name = random_string()
    made = q.client.query(create_class({"name": name}))["ref"]
    assert q.client.query(class_(name)) == made
    source = q.client.query(create_class({"name": random_string()}))["ref"]
    name = random_string()
    made = q.client.query(create_index({"name": name, "source": source}))["ref"]
    assert q.client.query(index(name)) == made
    name = random_string()
    made = q.client.query(create_function({"name": name, "body": query(lambda a: add(a, 1))}))["ref"]
    assert q.client.query(function(name)) == made


def create_new_database(client: Client, name: str) -> Client:
    """create_new_database: the database, and a client of an admin key to it."""
    client.query(create_database({"name": name}))
    key = client.query(create_key({"database": database(name), "role": "admin"}))
    return Client(client.port, key["secret"])


def test_nested_keys(q):
    """#recursive references create nested keys: two keys made in db-for-keys for its db-test are its keys.

    The example expects an older Fauna: `paginate keys(database('db-for-keys'))` from the parent answering the
    same refs as inside. Core answers them scoped (its ScopedRef rendering): their class is `keys` in the
    database `db-for-keys`, as faunadb-swift's testNestedKey finds; this checks core's answer."""
    new_client = create_new_database(q.admin, "db-for-keys")
    new_client.query(create_database({"name": "db-test"}))
    server_key = new_client.query(create_key({"database": database("db-test"), "role": "server"}))
    admin_key = new_client.query(create_key({"database": database("db-test"), "role": "admin"}))
    assert new_client.query(paginate(keys())) == {"data": [server_key["ref"], admin_key["ref"]]}
    keys_in_parent = Ref("keys", None, Ref("db-for-keys", DATABASES))
    scoped = [Ref(k["ref"].id, keys_in_parent) for k in (server_key, admin_key)]
    assert q.admin.query(paginate(keys(database("db-for-keys")))) == {"data": scoped}


def test_nested_class(q):
    """#recursive references create nested class: a class two databases down, reached by scoped refs."""
    client1 = create_new_database(q.admin, "parent-database")
    create_new_database(client1, "child-database")
    key = client1.query(create_key({"database": database("child-database"), "role": "server"}))
    Client(q.client.port, key["secret"]).query(create_class({"name": "a_class"}))
    nested_database = database("child-database", database("parent-database"))
    parent_ref = Ref("parent-database", DATABASES)
    child_ref = Ref("child-database", DATABASES, parent_ref)
    assert q.client.query(exists(class_("a_class", nested_database))) is True
    assert q.client.query(paginate(classes(nested_database))) == {"data": [Ref("a_class", CLASSES, child_ref)]}


# errors_spec.rb


@pytest.fixture(scope="module")
def e(server):
    with spec_db(server) as db:
        yield db


def test_sets_request_result(e):
    """'sets request result': `add 1, :two` is a Fauna::BadRequest, its request the JSON of `add [1, :two]`."""
    expr = add(1, "two")
    assert to_json(expr) == b'{"add":[1,"two"]}'
    fails(e.client, expr, "BadRequest", "invalid argument", ["add", 1])


def test_parses_query_errors(e):
    """'parses query errors': invalid argument at [:add, 1], its description core's."""
    error = fails(e.client, add(1, "two"), "BadRequest", "invalid argument", ["add", 1])
    assert error.description == "Number expected, String provided."
    assert error.failures is None


def test_parses_invalid_data(e):
    """'parses invalid data': `create ref('classes'), name: 123` fails validation, one failure, invalid type
    at [:name].

    The example expects an older Fauna, the validation error at position []. Core's validation of a schema
    Create is at the call: `["create"]` (the same README note lists it among the four that fail on fql)."""
    error = fails(e.client, create(ref("classes"), {"name": 123}), "BadRequest", "validation failed", ["create"])
    [failure] = error.failures
    assert (failure.code, failure.field) == ("invalid type", ["name"])


def test_bad_request(e):
    """Fauna::BadRequest is handled: `add 1, 'string'`."""
    fails(e.client, add(1, "string"), "BadRequest", "invalid argument", ["add", 1])


def test_unauthorized(e):
    """Fauna::Unauthorized is handled: a client of `bad_key` getting the test database."""
    error = fails(Client(e.client.port, "bad_key"), get(e.ref), "Unauthorized", "unauthorized", None)
    assert error.description == "Unauthorized"


def test_permission_denied(e):
    """Fauna::PermissionDenied is handled: a client key paginating `ref('databases')`, at [:paginate]."""
    key = e.root.query(create(ref("keys"), {"database": e.ref, "role": "client"}))
    fails(Client(e.client.port, key["secret"]), paginate(ref("databases")), "PermissionDenied", "permission denied", ["paginate"])


def test_not_found(e):
    """Fauna::NotFound is handled: `delete Fauna::Ref.new('classes')` (a native ref), at []."""
    fails(e.client, delete(Ref("classes")), "NotFound", "instance not found", [])


# client_spec.rb, context_spec.rb, client_logger_spec.rb


@pytest.fixture(scope="module")
def c(server):
    """client_spec's (and context_spec's, client_logger_spec's) before(:all): one class in a new database."""
    with spec_db(server) as db:
        test_class = db.client.query(create_class({"name": "client_test"}))["ref"]
        yield types.SimpleNamespace(db=db, client=db.client, test_class=test_class)


@pytest.mark.parametrize("example", ["#query performs query from expression", "#query performs query from block"])
def test_client_query(c, example):
    """Client #query: an instance of the class, its data as sent."""
    value = random_number()
    instance = c.client.query(create(c.test_class, {"data": {"a": value}}))
    assert instance["ref"].cls == c.test_class
    assert typed(instance["data"]["a"]) == typed(value)


def test_ping(c):
    """Client #ping performs ping, and with scope: `GET /ping` and `GET /ping?scope=node`."""
    assert c.client.ping() == "Scope write is OK"
    assert c.client.ping("node") == "Scope node is OK"


def test_client_logger(c):
    """ClientLogger 'logs response', 'logs request content', 'logs request query': what the logger prints of
    the answers: a ping answers 200 with `{"resource": "Scope write is OK"}` alone, `query data: {a: v}` (the
    Hash sent as an object) answers it back, and `ping scope: 'global'` is `GET /ping?scope=global`, which
    core's UtilRoutes reads as an old alias of `write`."""
    status, headers, text = c.client.request("GET", "/ping")
    assert (status, json.loads(text)) == (200, {"resource": "Scope write is OK"})
    assert headers
    value = random_number()
    assert to_json(wrap({"data": {"a": value}})) == f'{{"object":{{"data":{{"object":{{"a":{value}}}}}}}}}'.encode()
    assert c.client.query({"data": {"a": value}}) == {"data": {"a": value}}
    assert c.client.ping("global") == "Scope write is OK"


def test_context(server):
    """Context #query performs query (`add 1, 1` is 2) and #paginate performs paginate (`paginate ref('classes')`
    in a database whose one class is context_test)."""
    with spec_db(server) as db:
        test_class = db.client.query(create_class({"name": "context_test"}))["ref"]
        assert db.client.query(add(1, 1)) == 2
        assert db.client.paginate(ref("classes")).load()["data"] == [test_class]


# page_spec.rb


@pytest.fixture(scope="module")
def p(server):
    """page_spec's before(:all): classes page_test and page_foreach, indexes page_refs (refs), page_values
    (data.value) and page_apply, and six instances of values 1 to 6, sorted by ref id."""
    with spec_db(server) as db:
        client = db.client
        test_class = client.query(create(ref("classes"), {"name": "page_test"}))["ref"]
        foreach_class = client.query(create(ref("classes"), {"name": "page_foreach"}))["ref"]
        refs_index = client.query(create(ref("indexes"), {"name": "page_refs", "source": test_class}))["ref"]
        values = [{"field": ["data", "value"]}]
        values_index = client.query(create(ref("indexes"), {"name": "page_values", "source": test_class, "values": values}))["ref"]
        foreach_index = client.query(create(ref("indexes"), {"name": "page_apply", "source": foreach_class}))["ref"]
        wait_for_index(client, refs_index, values_index, foreach_index)
        made = client.query([create(test_class, {"data": {"value": x}}) for x in range(1, 7)])
        instances = sorted(made, key=lambda inst: inst["ref"].id)
        yield types.SimpleNamespace(
            client=client,
            foreach_class=foreach_class,
            instances=instances,
            refs=[inst["ref"] for inst in instances],
            values=sorted(inst["data"]["value"] for inst in instances),
            refs_match=match(refs_index),
            values_match=match(values_index),
            foreach_match=match(foreach_index),
        )


def test_page_resets_paging(p):
    """#with_params resets paging: after a page of one, `with_params(after: 0).page_after` is the second."""
    page1 = p.client.paginate(p.refs_match, size=1).page_after()
    page2 = page1.with_params(after=0).page_after()
    assert page2.params == {"size": 1, "after": [p.refs[1]]}
    assert page2.load()["data"] == [p.refs[1]]


def test_page_map_and_filter(p):
    """#map performs map when paging (get of each ref: the instances) and #filter performs filter when
    paging (the even values)."""
    assert p.client.paginate(p.refs_match).map(lambda ref: get(ref)).all() == p.instances
    evens = p.client.paginate(p.values_match).filter(lambda value: equals(modulo(value, 2), 0)).all()
    assert typed(evens) == typed([v for v in p.values if v % 2 == 0])


@pytest.mark.parametrize(
    ("example", "part", "expected"),
    [
        ("#load! explicitly loads page (and returns true, then false)", "data", 1),
        ("#data lazily loads page", "data", 1),
        ("#before lazily loads page", "before", 1),
        ("#after lazily loads page", "after", 2),
    ],
)
def test_page_parts(p, example, part, expected):
    """A page of one after the second ref: its data and `before` are the second ref, its `after` the third."""
    page = p.client.paginate(p.refs_match, size=1, after=p.refs[1])
    assert page.load()[part] == [p.refs[expected]]


def test_page_after(p):
    """#page_after returns the page after (from `after: 0`, each next page's first is the next ref), returns
    nil on last page, and is not affected by lazy loading."""
    page = p.client.paginate(p.refs_match, size=1, after=0)
    assert page.load()["data"] == [p.refs[0]]
    for expected in p.refs[1:]:
        page = page.page_after()
        assert page.load()["data"][0] == expected
    last = p.client.paginate(p.refs_match, size=1, after=p.refs[-1])
    assert last.load()["data"][0] == p.refs[-1]
    assert last.page_after() is None


def test_page_before(p):
    """#page_before returns the page before (from `before: nil`, the last ref, then each one before), returns
    nil on last page (`before:` the first ref), and is not affected by lazy loading."""
    page = p.client.paginate(p.refs_match, size=1, before=None)
    assert to_json(paginate(p.refs_match, size=1, before=None)).startswith(b'{"size":1,"before":null,"paginate":')
    assert page.load()["data"] == [p.refs[-1]]
    for expected in reversed(p.refs[:-1]):
        page = page.page_before()
        assert page.load()["data"][0] == expected
    assert p.client.paginate(p.refs_match, size=1, before=p.refs[0]).page_before() is None


def test_page_both_directions(p):
    """'pages both directions': after 0 the first ref, its page after the second, that one's page before
    the first again."""
    page = p.client.paginate(p.refs_match, size=1, after=0)
    assert page.load()["data"][0] == p.refs[0]
    page = page.page_after()
    assert page.load()["data"][0] == p.refs[1]
    page = page.page_before()
    assert page.load()["data"][0] == p.refs[0]


def test_page_each(p):
    """#each iterates the set in the after direction (and is not affected by lazy loading), #reverse_each
    in the before direction, #all returns full contents of the set."""
    assert p.client.paginate(p.refs_match, size=1).each() == [[r] for r in p.refs]
    assert p.client.paginate(p.refs_match, size=1, before=None).each("before") == [[r] for r in reversed(p.refs)]
    assert p.client.paginate(p.refs_match, size=1).all() == p.refs


def test_page_each_with_fauna_map(p):
    """#each with fauna map iterates the set using the fauna map (`paginate(set) { |ref| get(ref) }`), and
    chains multiple collection functions (map to the value, keep the even ones, double them)."""
    page = p.client.paginate(p.refs_match, size=1).map(lambda ref: get(ref))
    assert page.each() == [[inst] for inst in p.instances]
    page = p.client.paginate(p.refs_match, size=1)
    page = page.map(lambda ref: select(["data", "value"], get(ref)))
    page = page.filter(lambda value: equals(modulo(value, 2), 0))
    page = page.map(lambda value: multiply(value, 2))
    expected = [inst["data"]["value"] * 2 for inst in p.instances if inst["data"]["value"] % 2 == 0]
    assert typed(page.all()) == typed(expected)


def test_page_each_with_ruby_map(p):
    """#each with ruby map iterates the set using the ruby map (`postprocessing_map(&:id)`)."""
    page = p.client.paginate(p.refs_match, size=1).postprocessing_map(lambda r: r.id)
    assert page.each() == [[r.id] for r in p.refs]


def test_page_foreach(p):
    """#foreach! applies foreach to set: three instances of page_foreach exist, then none after
    `foreach! { |ref| delete ref }` page by page."""
    made = p.client.query([select(["ref"], create(p.foreach_class, {"data": {"value": x}})) for x in (1, 2, 3)])
    assert p.client.query(map_(made, lambda ref: exists(ref))) == [True] * 3
    p.client.paginate(p.foreach_match, size=1).foreach(lambda ref: delete(ref))
    assert p.client.query(map_(made, lambda ref: exists(ref))) == [False] * 3
