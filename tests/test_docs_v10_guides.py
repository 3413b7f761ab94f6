"""Fauna's v10 guides and tutorials (docs.fauna.com/fauna/current/learn/..., .../cookbook/...), each run step
by step as the page walks through it, against `fql serve` over HTTP (`POST /query/1`, the decorated format
the docs print), and each output compared with the one the page prints.

The pages' outputs are compared as tests/test_docs_v10_data.py compares the reference examples (`agrees`:
the same tokens, or the docs' tokens in order where the page elides with `...`; times, secrets, cursors and
generated ids masked). A guide on the docs' demo data runs on that module's `build_demo()`; one on its own
data (the CoffeeStore tutorials' `People` and `CoffeeBean`, the computed-fields tutorial's customers) makes
that data first, with the ids the page prints. Where a page prints an output made on other data than the
demo's (ids or names of another version of the demo data), the step checks what the page says of it (how many
items, whether a cursor follows) and a comment says so."""

from __future__ import annotations

import json
import re
import time

import httpx
import pytest

import fql
from fql.schema.manager import SchemaError
from fql.server import ServerThread
from tests.test_docs_v10_data import DEMO_FSL, agrees, build_demo


class Shell:
    """A Fauna shell on a running `fql serve`: each query posted to `/query/1` as the secret given (the
    root's unless told), answered in the decorated format the docs print or, with `fmt="simple"`, as JSON."""

    def __init__(self, url: str):
        self.url = url

    def answer(self, query: str, secret: str = "secret", fmt: str = "decorated") -> tuple[int, dict]:
        response = httpx.post(
            f"{self.url}/query/1",
            content=json.dumps({"query": query}),
            headers={"Authorization": f"Bearer {secret}", "X-Format": fmt},
            timeout=30,
        )
        return response.status_code, response.json()

    def ok(self, query: str, secret: str = "secret", fmt: str = "decorated"):
        status, body = self.answer(query, secret, fmt)
        assert status == 200, body
        return body["data"]


def serve(db: fql.Database):
    """`fql serve` on `db`, in a thread on a free loopback port, as a context giving its Shell."""

    class _Running:
        def __enter__(self) -> Shell:
            self.thread = ServerThread(db).__enter__()
            return Shell(self.thread.url)

        def __exit__(self, *exc) -> None:
            self.thread.__exit__(*exc)

    return _Running()


def cursor(decorated: str) -> str:
    """The `after` cursor of a page printed in the decorated format."""
    return re.search(r'after: "([^"]+)"', decorated).group(1)


# -- learn/data-model/relationships: model relationships using document references ---------------------------


def test_relationships_guide():
    with serve(build_demo()) as shell:
        # "Instantiate the relationship": a Product whose `category` is a Category document.
        created = shell.ok(
            '// Get a `Category` collection document.\nlet produce = Category.byName("produce").first()\n\n'
            "// Create a `Product` document that references\n// the `Category` document.\nProduct.create({\n"
            ' name: "key lime",\n description: "Organic, 1 ct",\n price: 79,\n'
            " // The `category` field includes\n // the `Category` document as a field value.\n"
            " category: produce,\n stock: 2000\n})"
        )
        # The page prints "an example `Product` collection document" with placeholders for the ids; here they
        # are the demo's (a generated id, masked, and the produce category's "789").
        assert agrees(
            """{
  id: "412654807560487424",
  coll: Product,
  ...
  name: "key lime",
  description: "Organic, 1 ct",
  ...
  category: Category("789"),
  ...
}""",
            created,
        ), created
        # "Traverse the relationship": projecting `category` resolves the reference. The page's text is cut
        # after the description; the rest is the produce category.
        traversed = shell.ok(
            "// Get a `Product` document and project the\n// `name`, `description`, and `category` fields.\n"
            'Product.byName("key lime").first() {\n  name,\n  description,\n  category {\n    id,\n    name,\n'
            "    description\n  }\n}"
        )
        assert agrees('{\n  name: "key lime",\n  description: "Organic, 1 ct",\n  ...\n}', traversed), traversed
        assert agrees(
            '{ name: "key lime", description: "Organic, 1 ct", '
            'category: { id: "789", name: "produce", description: "Fresh Produce" } }',
            traversed,
        ), traversed


# -- learn/query/pagination: default pagination, Set.paginate(), pageSize() ----------------------------------

#: Products added to the demo's nine, so that `Product.all()` has more than 16 documents, as the page says.
_MORE_PRODUCTS = 'Set.sequence(0, 8).forEach(i => Product.create({ name: "extra #{i}", description: "Extra", ' \
    'price: 100 + i, stock: 10, category: Category("123") }))'


def test_pagination_guide():
    with serve(build_demo()) as shell:
        shell.ok(_MORE_PRODUCTS)
        # "Fauna automatically paginates result sets with 16 or more elements": the page's output shows two
        # products of another demo data set, "The returned set contains 16 elements" and an `after` cursor.
        first = shell.ok("// Returns all `Product` collection documents.\n"
                         "// The collection contains more than 16 documents.\nProduct.all()", fmt="simple")
        assert len(first["data"]) == 16 and first["after"]
        # "To iterate through paginated results, pass the after cursor to Set.paginate()": the one left.
        rest = shell.ok(f'Set.paginate("{first["after"]}")', fmt="simple")
        assert [p["name"] for p in rest["data"]] == ["extra 7"] and "after" not in rest
        # "Use pageSize() to change the maximum number of elements per page": two, and a cursor.
        two = shell.ok("// Calls `pageSize()` with a size of `2`.\nProduct.all().pageSize(2)")
        assert agrees('{ data: [ { id: "111", coll: Product, ts: Time("2099-03-28T12:53:40.750Z"), name: "cups", '
                      '... }, { id: "222", ... name: "donkey pinata", ... } ], after: "hdaExad..." }', two), two
        next_two = shell.ok(f'Set.paginate("{cursor(two)}")', fmt="simple")
        assert [p["name"] for p in next_two["data"]] == ["pizza", "avocados"] and next_two["after"]
        # "pageSize() only affects the rendering of a set, not subsequent operations. Methods chained to
        # pageSize() access the entire calling set, not a page of results."
        assert shell.ok("Product.all().pageSize(2).count()") == "17"
        assert shell.ok("Product.all().pageSize(2).toArray().length") == "17"
        assert shell.ok('Product.all().pageSize(2).where(.name.startsWith("extra")).count()') == "8"


# -- cookbook/basics/pagination: get query results one page at a time (CoffeeBean) ---------------------------

#: The three CoffeeBean documents the page pages through, with the page's ids and fields, in its field order.
_BEANS = [
    '{ id: "366190504817197124", Owner: "metad plc", Country_of_Origin: "Ethiopia", Species: "Arabica", '
    "Harvest_Year: 2014, Quality_Parameters: { Aroma: 8.67, Flavor: 8.83, Balance: 8.42 }, "
    'Altitude: { unit_of_measurement: "m", mean: 2075 }, Best_of_Class: Date("2023-06-03") }',
    '{ id: "366190711733747780", Species: "Arabica", Owner: "Healthy Grounds", Country_of_Origin: "Guatemala", '
    'Harvest_Year: "", Quality_Parameters: { Aroma: 8.42, Flavor: 8.5, Balance: 8.42 }, '
    'Altitude: { unit_of_measurement: "m", mean: 1700 }, Best_of_Class: Date("2023-06-03") }',
    # The page's text is cut inside this one's Quality_Parameters; the rest is made up.
    '{ id: "366521185649819716", Species: "Robusta", Owner: "nishant gurjer", Country_of_Origin: "India", '
    "Harvest_Year: 2017, Quality_Parameters: { Aroma: 8, Flavor: 7.5, Balance: 7.75 } }",
]


def test_coffee_bean_pagination_tutorial():
    db = fql.connect(root_secret="secret")
    db.push_schema({"main.fsl": "collection CoffeeBean {}"})
    with serve(db) as shell:
        for bean in _BEANS:
            shell.ok(f"CoffeeBean.create({bean})")
        # "Define your page size and get the first page by calling the CoffeeBean paginate() method". The
        # page shortens the cursor with "...elided..."; here with "...".
        page = shell.ok("CoffeeBean.all().paginate(2)")
        assert agrees(
            """{
  data: [
    {
      id: "366190504817197124",
      coll: CoffeeBean,
      ts: Time("2023-06-03T14:58:37.770Z"),
      Owner: "metad plc",
      Country_of_Origin: "Ethiopia",
      Species: "Arabica",
      Harvest_Year: 2014,
      Quality_Parameters: {
        Aroma: 8.67,
        Flavor: 8.83,
        Balance: 8.42
      },
      Altitude: {
        unit_of_measurement: "m",
        mean: 2075
      },
      Best_of_Class: Date("2023-06-03")
    },
    {
      id: "366190711733747780",
      coll: CoffeeBean,
      ts: Time("2023-06-03T14:58:52.120Z"),
      Species: "Arabica",
      Owner: "Healthy Grounds",
      Country_of_Origin: "Guatemala",
      Harvest_Year: "",
      Quality_Parameters: {
        Aroma: 8.42,
        Flavor: 8.5,
        Balance: 8.42
      },
      Altitude: {
        unit_of_measurement: "m",
        mean: 1700
      },
      Best_of_Class: Date("2023-06-03")
    }
  ],
  after: "hdWDxoJqQ29mZmVlQ..."
}""",
            page,
        ), page
        # "Fetch the next page using the cursor": the third bean; the page's text is cut after its Aroma.
        following = shell.ok(f'Set.paginate("{cursor(page)}")')
        assert agrees(
            """{
  data: [
    {
      id: "366521185649819716",
      coll: CoffeeBean,
      ts: Time("2023-06-03T14:42:23.670Z"),
      Species: "Robusta",
      Owner: "nishant gurjer",
      Country_of_Origin: "India",
      Harvest_Year: 2017,
      Quality_Parameters: {
        Aroma: 8,
        ...
}""",
            following,
        ), following
        assert "after:" not in following


# -- learn/doc-history: document history and temporal queries -----------------------------------------------

_YESTERDAY = 'let yesterday = Time.now().subtract(1, "day")\nat (yesterday) { Product.byName("avocados").first() }'
_BELOW_MVT = re.compile(r"Requested timestamp \S+Z less than minimum allowed timestamp \S+Z\.")


def test_document_history_guide():
    db = build_demo()
    with serve(db) as shell:
        # "Run a temporal query": the demo's collections keep no history (history_days defaults to 0), and
        # "temporal queries that attempt to access snapshots older than history_days return an error". Core
        # answers a read below the minimum viable timestamp as a bad request, the error alone.
        status, body = shell.answer(_YESTERDAY)
        assert status == 400 and body["error"]["code"] == "invalid_request", body
        assert _BELOW_MVT.fullmatch(body["error"]["message"]), body
        # "Increasing history_days does not recreate or recover previously inaccessible snapshots ...
        # Fauna begins storing snapshots beginning at the time of the schema update."
        db.push_schema({"main.fsl": DEMO_FSL.replace("collection Product {", "collection Product {\n  history_days 3")})
        assert shell.ok('Collection.byName("Product")!.history_days') == "3"
        status, body = shell.answer(_YESTERDAY)
        assert status == 400 and _BELOW_MVT.fullmatch(body["error"]["message"]), body
        # From then on a snapshot is kept: the avocados as they were before a write.
        before = shell.ok('Product.byName("avocados").first()!.update({ stock: 999 }).ts', fmt="simple")
        shell.ok('Product.byName("avocados").first()!.update({ stock: 998 })')
        then = shell.ok(f'at (Time("{before}")) '
                        '{ Product.byName("avocados").first() { name, stock } }')
        assert agrees('{ name: "avocados", stock: 999 }', then), then


# -- cookbook/advanced/fsl/computed_fields: get started with computed fields ---------------------------------

#: The tutorial's collection schema, as the page prints it: a computed `status` and an index on it.
_STATUS_FSL = """collection Customer {
  compute status:String = (
    doc => (
        if( doc.points > 100 ) {
            "gold"
        } else {
            "standard"
        }
    )
  )

  index byStatus {
    terms [.status ]
  }
}"""


def test_computed_fields_tutorial():
    db = fql.connect(root_secret="secret")
    db.push_schema({"main.fsl": "collection Customer {}"})
    with serve(db) as shell:
        # The customers the page shows, with its ids and fields, stored as points before the rewards program;
        # and one more under 100 points.
        susan = shell.ok(
            'Customer.create({ id: "359752336484077633", name: "Susan Nelson", address: { street: "5677 Strong St.", '
            'state: "CA", city: "San Rafael", country: "USA", zip: 97652 }, points: 120 })'
        )
        assert agrees(
            """{
  id: "359752336484077633",
  coll: Customer,
  ts: Time("2024-01-31T17:13:41.762Z"),
  name: "Susan Nelson",
  address: {
    street: "5677 Strong St.",
    state: "CA",
    city: "San Rafael",
    country: "USA",
    zip: 97652
  },
  points: 120
}""",
            susan,
        ), susan
        shell.ok(
            'Customer.create({ id: "359752336484075585", name: "Robert Carter", address: { street: "5677 Strong St.", '
            'state: "CA", city: "San Francisco", country: "USA", zip: 94106 }, balance: 134, age: 54, points: 120 })'
        )
        shell.ok('Customer.create({ name: "Ann Standard", points: 40 })')
        db.push_schema({"main.fsl": _STATUS_FSL})
        # "Following is an example of querying all customers with gold status": computed fields print first.
        # The page's text is cut after the second customer's ts.
        gold = shell.ok('Customer.byStatus( "gold")')
        assert agrees(
            """{
  data: [
    {
      id: "359752336484075585",
      coll: Customer,
      ts: Time("2024-01-31T23:29:41.920Z"),
      status: "gold",
      name: "Robert Carter",
      address: {
        street: "5677 Strong St.",
        state: "CA",
        city: "San Francisco",
        country: "USA",
        zip: 94106
      },
      balance: 134,
      age: 54,
      points: 120
    },
    {
      id: "359752336484077633",
      coll: Customer,
      ts: Time("2024-01-31T23:29:41.920Z"),
      ...
  ]
}""",
            gold,
        ), gold
        assert shell.ok('Customer.byStatus("standard") { name, status }', fmt="simple")["data"] == [
            {"name": "Ann Standard", "status": "standard"}
        ]


# -- cookbook/advanced/security/user: log in and log out (CoffeeStore's People) ------------------------------

#: The page's first People document with an email, as it prints it (the CoffeeStore tutorial's data).
_JANINE = (
    'People.create({ id: "370723013175279650", name: "Janine Labrune", email: "jlabrune@gmail.com", '
    'address: { street: "67, rue des Cinquante Otages", city: "Nantes", country: "France", zip: "44000" }, '
    'status: "active" })'
)


def test_login_logout_tutorial():
    db = fql.connect(root_secret="secret")
    db.push_schema({"main.fsl": "collection People {}"})
    with serve(db) as shell:
        shell.ok('People.create({ name: "No Email" })')
        shell.ok(_JANINE)
        # Step 3: "Find the first People document that includes an email".
        janine = shell.ok("People.firstWhere(.email != null)")
        assert agrees(
            """{
  id: "370723013175279650",
  coll: People,
  ts: Time("2023-07-20T15:21:59.220Z"),
  name: "Janine Labrune",
  email: "jlabrune@gmail.com",
  address: {
    street: "67, rue des Cinquante Otages",
    city: "Nantes",
    country: "France",
    zip: "44000"
  },
  status: "active"
}""",
            janine,
        ), janine
        # Step 4: "Create a Credential for the document". The page prints the identity document as
        # `People.byId("370723013175279650")`, an earlier shell's rendering of a reference; core's
        # FQLInterpreter renders a document reference as `People("370723013175279650")` now, as the
        # reference pages print it (`document: Customer("111")`).
        credential = shell.ok(
            'Credential.create({\n  document: People.byId("370723013175279650"),\n  password: "sekret"\n})'
        )
        assert agrees(
            """{
  id: "371153420791316514",
  coll: Credential,
  ts: Time("2023-07-24T17:05:34.890Z"),
  document: People("370723013175279650")
}""",
            credential,
        ), credential
        cred_id = re.search(r'id: "(\d+)"', credential).group(1)
        # Step 5: "Create a token using the login() method of the credentials object", by the collection's
        # earlier name `Credentials` as the page calls it. The page's text is cut after the secret.
        token = shell.ok(f'Credentials.byId("{cred_id}")!.login("sekret")')
        assert agrees(
            """{
  id: "371153519651061794",
  coll: Token,
  ts: Time("2023-07-24T17:07:09.170Z"),
  secret: "fnEFJpoo3_AAIgUiXlNNgAAi7f_DzBJ_4i_Y3fJHlD_KYwtEGfc",
  ...
}""",
            token,
        ), token
        token_id = re.search(r'id: "(\d+)"', token).group(1)
        secret = re.search(r'secret: "([^"]+)"', token).group(1)
        # The token runs queries as Janine; with no role that reads People, core's decorated format marks her
        # document so (FQL2ValueDecoratedSpec).
        assert shell.ok("Query.identity()", secret) == 'People("370723013175279650") /* permission denied */'
        # A wrong password gives no token.
        status, body = shell.answer(f'Credentials.byId("{cred_id}")!.login("wrong")')
        assert status == 400 and body["error"]["code"] == "invalid_secret", body
        # "Log out by deleting the token": as the Admin, as the page's steps run; the secret then fails.
        shell.ok(f'Token.byId("{token_id}")!.delete()')
        status, body = shell.answer("Query.identity()", secret)
        assert status == 401 and body["error"]["code"] == "unauthorized", body
        # A token may also end itself (core's InstancePermissions let a token reach its own tokens).
        again = shell.ok(f'Credentials.byId("{cred_id}")!.login("sekret")', fmt="simple")["secret"]
        assert re.fullmatch(r'Token\("\d+"\) /\* deleted \*/', shell.ok("Query.token()!.delete()", again))
        status, body = shell.answer("Query.identity()", again)
        assert status == 401 and body["error"]["code"] == "unauthorized", body


# -- learn/cdc (Event Feeds and Event Streams) and reference/fql-api/event-source: a feed's events -----------


def test_event_feed_guide():
    with serve(build_demo()) as shell:
        # "Create an event source": `set.eventSource()` returns the token, an EventSource the shell prints as
        # a string ("g9WD1YPG...").
        token = shell.ok("Product.all().eventSource()", fmt="simple")
        shell.ok('Product.create({ name: "key lime", description: "Organic, 1 ct", price: 79, '
                 'category: Category("789"), stock: 2000 })')
        # "When consumed as an Event Feed or Event Stream, the event source emits JSON events when a tracked
        # change occurs": the page's event, a document added, with its fields in the page's order.
        response = httpx.post(f"{shell.url}/feed/1", content=json.dumps({"token": token}),
                              headers={"Authorization": "Bearer secret"}, timeout=30)
        assert response.status_code == 200, response.text
        page = response.json()
        assert list(page) == ["events", "cursor", "has_next", "stats"] and page["has_next"] is False
        [event] = page["events"]
        assert list(event) == ["type", "data", "txn_ts", "cursor", "stats"] and event["type"] == "add"
        doc = event["data"]["@doc"]
        assert list(doc)[:4] == ["id", "coll", "ts", "name"], doc
        assert doc["coll"] == {"@mod": "Product"} and doc["name"] == "key lime" and "@time" in doc["ts"]
        assert list(event["stats"]) == ["read_ops", "storage_bytes_read", "compute_ops", "processing_time_ms",
                                        "rate_limits_hit"]
        assert isinstance(event["txn_ts"], int) and event["cursor"]
        # "If history_days is 0 or unset, the period is limited to 15 minutes": a feed may start 10 minutes
        # back (the demo's nine products and the new one are added), not 20.
        now = int(time.time() * 1_000_000)
        for minutes, expected in ((10, ["add"] * 10), (20, ["error"])):
            ask = {"token": token, "start_ts": now - minutes * 60_000_000}
            response = httpx.post(f"{shell.url}/feed/1", content=json.dumps(ask),
                                  headers={"Authorization": "Bearer secret"}, timeout=30)
            events = response.json()["events"]
            assert [e["type"] for e in events] == expected, events
        assert events[0]["error"]["code"] == "invalid_stream_start_time", events

        # "set.eventsOn() tracks changes to specified document fields in the Set": a stock change is no event
        # of `eventsOn(.price)`; a filtered set's source sees a document come in, change, and go out.
        by_price = shell.ok("Product.sortedByPriceLowToHigh().eventsOn(.price)", fmt="simple")
        low_stock = shell.ok("Product.where(.stock < 20).eventSource()", fmt="simple")
        shell.ok('Product.byId("777")!.update({ stock: 10 })')
        shell.ok('Product.byId("777")!.update({ price: 300 })')
        shell.ok('Product.byId("999")!.update({ stock: 100 })')
        seen = []
        for source in (by_price, low_stock):
            response = httpx.post(f"{shell.url}/feed/1", content=json.dumps({"token": source}),
                                  headers={"Authorization": "Bearer secret"}, timeout=30)
            seen.append([(e["type"], e["data"]["@doc"]["name"]) for e in response.json()["events"]])
        assert seen == [
            [("update", "limes")],
            [("add", "limes"), ("update", "limes"), ("remove", "taco pinata")],
        ]


# -- reference/fsl/check: a check constraint's four outcomes -------------------------------------------------

#: One check for each outcome the page lists; the non-boolean one hides its value's type from the typechecker,
#: which refuses a check whose body is not `Boolean | Null`.
_CHECKS_FSL = """collection Thing {
  check positive (doc => doc.n >= 0)
  check boolean (doc => {
    let v: Any = if (doc.n == 5) "yes" else true
    v
  })
  check aborts (doc => if (doc.n == 7) abort("seven") else true)
  check divides (doc => 10 / (doc.n - 9) != 0)
}"""


def test_check_constraint_outcomes():
    db = fql.connect(root_secret="secret")
    db.push_schema({"main.fsl": _CHECKS_FSL})
    with serve(db) as shell:
        # "The predicate returns true. The write to the document is allowed."
        assert agrees('{ id: "412654807560487424", coll: Thing, ts: Time("2099-01-01T00:00:00Z"), n: 1 }',
                      shell.ok("Thing.create({ n: 1 })"))
        # "The predicate returns false or null. The query, including the write to the document, fails."
        failures = {}
        for n in (-1, 5):
            status, body = shell.answer(f"Thing.create({{ n: {n} }})")
            assert status == 400 and body["error"]["code"] == "constraint_failure", body
            failures[n] = [f["message"] for f in body["error"]["constraint_failures"]]
        assert failures[-1] == ["Document failed check constraint `positive`"]
        # "The predicate returns a non-boolean non-null value. The query ... fails."
        assert failures[5] == ["Error evaluating check constraint `boolean`: function returned a non-boolean value"]
        # "The predicate fails to evaluate, possibly caused by divide-by-zero ... or abort() is called ... If a
        # check constraint is failed by calling abort, the argument to abort is returned as if the transaction
        # were failed by calling abort in the query."
        status, body = shell.answer("Thing.create({ n: 7 })")
        assert status == 400 and body["error"]["code"] == "abort" and body["error"]["abort"] == '"seven"', body
        status, body = shell.answer("Thing.create({ n: 9 })")
        assert status == 400 and body["error"]["code"] == "divide_by_zero", body
        assert shell.ok("Thing.all().count()") == "1"


# -- learn/doc-ttl: document time-to-live --------------------------------------------------------------------

_JOHN_TTL = (
    'Customer.create({\n name: "John Doe",\n email: "jdoe@example.com",\n  address: {\n    street: "87856 Mendota '
    'Court",\n    city: "Washington",\n    state: "DC",\n    postalCode: "20220",\n    country: "US"\n  },\n'
    "  // Sets a `ttl` 60 days after the current time.\n  // After the `ttl` passes, Fauna deletes the document.\n"
    '  ttl: Time.now().add(60, "days")\n})'
)


def _days(shell: Shell, doc: str) -> int | None:
    """How many whole days after its `ts` the document `doc` has its `ttl` (None without one)."""
    return shell.ok(f"let d = {doc}\nif (d.ttl == null) null else d.ttl!.difference(d.ts, \"days\")", fmt="simple")


def test_document_ttl_guide():
    db = build_demo()
    with serve(db) as shell:
        # The page's first example on the demo data, whose Customer has field definitions: "If the collection
        # schema contains field definitions, document_ttls defaults to false", so the write's `ttl` is refused
        # (core's CollectionConfig: `document_ttls` unset is `definedFields.isEmpty`).
        status, body = shell.answer(_JOHN_TTL)
        assert status == 400 and body["error"]["code"] == "invalid_query", body
        assert "contains extra field `ttl`" in body["summary"], body
        # "Explicitly set `document_ttls` to `true`": the write keeps its ttl, 60 days on.
        db.push_schema({"main.fsl": DEMO_FSL.replace(
            "collection Customer {", "collection Customer {\n  document_ttls true")})
        shell.ok(_JOHN_TTL)
        assert _days(shell, 'Customer.byEmail("jdoe@example.com").first()!') == 60
        # "Set a default TTL": `ttl_days 365` gives new and updated documents a ttl 365 days after their last
        # write; "You can overwrite the default by assigning an explicit ttl".
        db.push_schema({"main.fsl": DEMO_FSL.replace(
            "collection Customer {", "collection Customer {\n  document_ttls true\n  ttl_days 365")})
        assert _days(shell, 'Customer.byId("111")!') is None  # written before: no ttl yet
        shell.ok('Customer.byId("111")!.update({ name: "Alice Appleseed" })')
        assert _days(shell, 'Customer.byId("111")!') == 365
        shell.ok('Customer.byId("222")!.update({ ttl: Time.now().add(1, "day") })')
        assert _days(shell, 'Customer.byId("222")!') == 1
        # "After the ttl timestamp passes, Fauna permanently deletes the document."
        shell.ok('Customer.byId("333")!.update({ ttl: Time.now().add(1, "second") })')
        time.sleep(1.2)
        assert shell.ok('Customer.byId("333")') == 'Customer("333") /* not found */'
        assert shell.ok('Customer.byEmail("carol.clark@example.com").count()') == "0"


# -- the demo's `customer` role (FSL role schema, reference/fql-api/role): a customer's token at work ---------


def test_customer_role_flow():
    with serve(build_demo()) as shell:
        # Log in as Alice, as the credential pages do, and use the token's secret.
        secret = shell.ok('Credential.byDocument(Customer.byId("111")!)!.login("fauna-demo")', fmt="simple")["secret"]

        def answer(query: str) -> tuple[int, str]:
            status, body = shell.answer(query, secret)
            return status, body["data"] if status == 200 else f'{body["error"]["code"]}: {body["error"]["message"]}'

        # `privileges Product { read }`: every product.
        assert answer("Product.all().count()") == (200, "9")
        # `privileges Customer { read { predicate (ref => Query.identity() == ref) } }`: herself only; another
        # customer's document reads as denied.
        assert answer("Customer.all() { name }") == (
            200, '{\n  data: [\n    {\n      name: "Alice Appleseed"\n    }\n  ]\n}')
        assert answer('Customer.byId("222")') == (200, 'Customer("222") /* permission denied */')
        # `privileges Order { read { predicate (ref => Query.identity() == ref.customer) } }`: her cart only.
        assert answer("Order.all().count()") == (200, "1")
        # `privileges getOrCreateCart { call { predicate (id => Query.identity()?.id == id) } }`.
        assert answer('getOrCreateCart("111") { status }') == (200, '{\n  status: "cart"\n}')
        assert answer('getOrCreateCart("222")') == (
            400, "permission_denied: Insufficient privileges to perform the action.")
        # No privilege: a set of Category is empty, a write is refused, and an index read of OrderItem (her
        # cart's computed `total` folds `OrderItem.byOrder`) is refused before it starts, as core's index
        # methods check the collection's read action (stdlib Collections.scala).
        assert answer("Category.all().count()") == (200, "0")
        assert answer('Customer.byId("111")!.update({ name: "Alice" })') == (
            400, "permission_denied: Insufficient privileges to perform the action.")
        assert answer('Customer.byId("111")!.cart { status, total }') == (
            400, "permission_denied: Insufficient privileges to read from collection OrderItem.")


# -- reference/fql-api/set/paginate: a bulk write over several transactions ----------------------------------

_FIRST_TRANSACTION = """// Get a set of `Customer` collection documents with an
// `address` in the `state` of `DC`. Use `pageSize()`
// and`paginate()` to paginate results and
// limit each page to two documents.
let page = Customer.where( .address?.state == "DC" )
  .pageSize(2).paginate()

// `paginate()` returns an object. The object's `data` property
// contains an Array of `Customer` documents.
let data = page.data

// Use `forEach()` to update each `Customer` document in the
// `data` Array.
data.forEach(doc => doc.update({ address: { state: "District of Columbia" } }))

// Project the `after` cursor returned by `paginate()`.
page { after }"""


def test_paginate_bulk_write():
    with serve(build_demo()) as shell:
        # "The first transaction uses paginate() to fetch the results and generate an initial after cursor"
        # (the page's text is cut inside this query; the update is the page's, its value made up here).
        after = shell.ok(_FIRST_TRANSACTION, fmt="simple")["after"]
        assert after
        # The next transaction pages on from the cursor: "pagination through a set is done for a fixed
        # snapshot time", so the set is the one the first transaction saw, though it changed since; the
        # update merges into the address, and the page's documents read as they are now.
        page = shell.ok(
            f'let page = Set.paginate("{after}")\n'
            'page.data.forEach(doc => doc.update({ address: { state: "District of Columbia" } }))\n'
            "page { after, data { name, address { street, state } } }",
            fmt="simple",
        )
        assert page == {"after": None, "data": [
            {"name": "Carol Clark", "address": {"street": "5 Troy Trail", "state": "District of Columbia"}}]}
        assert shell.ok('Customer.where(.address.state == "DC").count()') == "0"


# -- learn/query/relationships (an earlier version of the relationships guide, on Store and Product) --------

#: The page's field definitions: a document reference, an Array of them, and one inside a nested object.
_STORE_FSL = """collection Store {
  name: String
  index byName { terms [.name] }
}
collection Product {
  name: String
  description: String?
  // `store` accepts `Store` collection documents.
  store: Ref<Store>?
}
collection Order {
  // `cart` accepts an array of `Product` collection documents.
  cart: Array<Ref<Product>>
}
collection Customer {
  name: String
  preferences: {
    // `store` accepts `Store` collection documents
    // as part of the `preferences` object.
    store: Ref<Store>,
    emailList: Boolean
  }?
}"""


def test_store_relationships_guide():
    db = fql.connect(root_secret="secret")
    db.push_schema({"main.fsl": _STORE_FSL})
    with serve(db) as shell:
        store = shell.ok('Store.create({ name: "DC Fruits" })')
        # "Create a one-to-one relationship": the projection resolves the stored reference (the page's
        # output is not in its text; this is the store as created).
        limes = shell.ok(
            '// Get a store\nlet store = Store.byName("DC Fruits").first()\n\n'
            "// Create a product that references the store\nProduct.create({\n name: \"limes\",\n"
            ' description: "Organic, 1 ct",\n store: store\n'
            "// Return the product `name`, `description`, and resolved `store`\n}) { name, description, store }"
        )
        assert agrees(f'{{ name: "limes", description: "Organic, 1 ct", store: {store} }}', limes), limes
        shell.ok('Product.create({ name: "cups", store: Store.byName("DC Fruits").first() })')
        # An Array of references and one in a nested object: stored as references, resolved by projection.
        assert shell.ok("Order.create({ cart: Product.all().toArray() }) { cart { name } }", fmt="simple") == {
            "cart": [{"name": "limes"}, {"name": "cups"}]}
        assert agrees('[ { ... name: "limes", description: "Organic, 1 ct", store: Store("412654807560487424") }, '
                      '{ ... name: "cups", store: Store("412654807560487424") } ]',
                      shell.ok("Order.all().first()!.cart"))
        preferences = shell.ok(
            'Customer.create({ name: "Ann", preferences: { store: Store.byName("DC Fruits").first()!, '
            "emailList: true } }) { name, preferences { store { name }, emailList } }", fmt="simple")
        assert preferences == {"name": "Ann", "preferences": {"store": {"name": "DC Fruits"}, "emailList": True}}
        # A reference to another collection's document does not fit: core's FQL2DefinedFieldsSpec wording.
        status, body = shell.answer('Order.create({ cart: [Store.byName("DC Fruits").first()!] })')
        assert status == 400 and body["error"]["constraint_failures"] == [
            {"paths": [["cart", 0]], "message": "Expected Product | NullProduct, provided Document"}], body


# -- reference/fsl/migrations-block: the page's migrations, applied as its comments date them ---------------

#: The live schema the page's `...` stands for: the fields its migrations move, drop and split, and a
#: wildcard (so `stock` is an ad hoc field until `add .stock`).
_BEFORE_MIGRATIONS = """collection Product {
  name: String?
  internalDesc: String?
  desc: String?
  creationTime: Time | Number | Null
  price: Int | String | Null
  *: Any
}"""

#: The page's first batch ("Applied 2099-05-06"), with the field definitions it leads to.
_FIRST_BATCH = """collection Product {
  name: String?
  description: String?
  stock: Int
  creationTime: Time?
  creationTimeEpoch: Number?
  price: Int | String | Null
  typeConflicts: { *: Any }?
  *: Any

  migrations {
    // Applied 2099-05-06
    add .typeConflicts
    add .stock
    move_conflicts .typeConflicts
    backfill .stock = 0
    drop .internalDesc
    move .desc -> .description
    split .creationTime -> .creationTime, .creationTimeEpoch
  }
}"""

#: The second batch ("Make `price` a required field").
_SECOND_BATCH = _FIRST_BATCH.replace("  price: Int | String | Null", "  price: Int").replace(
    "  }\n}",
    "\n    // Applied 2099-05-20\n    // Make `price` a required field.\n    split .price -> .price, .tempPrice\n"
    "    drop .tempPrice\n    backfill .price = 1\n  }\n}",
)


def test_migrations_block_reference():
    db = fql.connect(root_secret="secret")
    db.push_schema({"main.fsl": _BEFORE_MIGRATIONS})
    with serve(db) as shell:
        shell.ok('Product.create({ id: "1", name: "cups", stock: 10, internalDesc: "x", desc: "Translucent", '
                 'creationTime: Time("2099-01-01T00:00:00Z"), price: 698 })')
        shell.ok('Product.create({ id: "2", name: "pinata", stock: "lots", desc: "Donkey", creationTime: 1700000000, '
                 'price: "cheap" })')
        shell.ok('Product.create({ id: "3", name: "pizza", color: "red" })')
        fields = ("{ id, name, stock, typeConflicts, internalDesc, desc, description, creationTime, "
                  "creationTimeEpoch, price, color }")

        def products() -> list[dict]:
            return [{k: v for k, v in p.items() if v is not None}
                    for p in shell.ok(f"Product.all().toArray() {fields}", fmt="simple")]

        db.push_schema({"main.fsl": _FIRST_BATCH})
        # `add` with `move_conflicts`: "Fauna assigns non-conforming values to the move_conflicts statement's
        # catch-all field"; `backfill`: "only affects existing documents where the field is not present";
        # `drop`, `move`, and `split` by type (a Time stays, a Number goes to the second field).
        assert products() == [
            {"id": "1", "name": "cups", "stock": 10, "description": "Translucent",
             "creationTime": "2099-01-01T00:00:00Z", "price": 698},
            {"id": "2", "name": "pinata", "stock": 0, "typeConflicts": {"stock": "lots"}, "description": "Donkey",
             "creationTimeEpoch": 1700000000, "price": "cheap"},
            {"id": "3", "name": "pizza", "stock": 0, "color": "red"},
        ]
        db.push_schema({"main.fsl": _SECOND_BATCH})
        # A price that is not an Int is split off and dropped, and every product without one gets 1.
        assert [p.get("price") for p in products()] == [698, 1, 1]
        # New writes meet the schema the migrations led to: the typechecker refuses a String `stock`, and
        # unchecked, so does the write.
        status, body = shell.answer('Product.create({ name: "limes", stock: "many" })')
        assert status == 400 and body["error"]["code"] == "invalid_query", body
        status, body = shell.answer('let p: Any = { name: "limes", stock: "many" }\nProduct.create(p)')
        assert status == 400 and body["error"]["constraint_failures"] == [
            {"paths": [["stock"]], "message": "Expected Int, provided String"},
            {"paths": [["price"]], "message": "Missing required field of type Int"},
        ], body


# -- cookbook/advanced/security/builtin: a key for a built-in role (CoffeeStore's keys) ----------------------


def test_builtin_role_key_tutorial():
    db = fql.connect(root_secret="secret")
    with serve(db) as shell:
        # The prerequisite: the coffee-admin key the tutorial's setup made.
        admin = shell.ok('Key.create({ role: "admin", data: { name: "coffee-admin" } })', fmt="simple")["secret"]
        # "Query for all keys in your CoffeeStore database ... The return should include the coffee-admin
        # document. Except for the return by Key.create(), the secret is never displayed".
        keys = shell.ok("Key.all()", admin, fmt="simple")["data"]
        assert [(k["role"], k["data"], "secret" in k) for k in keys] == [("admin", {"name": "coffee-admin"}, False)]
        # "Create a new key named coffee-server that has the built-in server role" (run with the
        # coffee-admin secret). The page prints `data` before `role` (and, a slip, the name coffee-admin):
        # the order of a key's fields is a known difference (see the reference examples above).
        made = shell.ok('Key.create({\n  role: "server",\n  data: {\n    name: "coffee-server"\n  }\n})', admin,
                        fmt="simple")
        assert (made["role"], made["data"]) == ("server", {"name": "coffee-server"})
        assert made["secret"].startswith("fn")
        # "The successful query returns an empty list because a key with a server role doesn't have the
        # privileges to manage a Key collection."
        assert shell.ok("Key.all()", made["secret"]) == "{\n  data: []\n}"


def test_login_tutorial_demo_version():
    # The page's later version runs on a demo data set whose customers have `firstName` and `lastName`
    # and a `byName` index of both: that much of its schema, and the page's steps 2 to 4.
    db = fql.connect(root_secret="secret")
    db.push_schema({"main.fsl": "collection Customer {\n  firstName: String\n  lastName: String\n  email: String\n"
                                "  index byName { terms [.firstName, .lastName] }\n}"})
    with serve(db) as shell:
        jane = shell.ok(
            'Customer.createData({\n  firstName: "Jane",\n  lastName: "Doe",\n  email: "jane.doe@example.com"\n})')
        assert agrees('{ id: "412654807560487424", coll: Customer, ts: Time("2099-01-01T00:00:00Z"), firstName: "Jane", '
                      'lastName: "Doe", email: "jane.doe@example.com" }', jane), jane
        jane_id = re.search(r'id: "(\d+)"', jane).group(1)
        # `first()` may give null, and the page passes it on without `!`: the typechecker takes it.
        credential = shell.ok('let customer = Customer.byName("Jane", "Doe")\n  .first()\n\n'
                              'Credential.create({\n  document: customer,\n  password: "sekret"\n})')
        assert agrees(f'{{ id: "412654807560487424", coll: Credential, ts: Time("2099-01-01T00:00:00Z"), '
                      f'document: Customer("{jane_id}") }}', credential), credential
        token = shell.ok('let customer = Customer.byName("Jane", "Doe").first()\n'
                         'Credential.byDocument(customer)!.login("sekret", Time.now().add(1, "hour"))', fmt="simple")
        assert token["document"] == {"id": jane_id, "coll": "Customer"} and "ttl" in token
        assert shell.ok("Query.identity()", token["secret"]) == f'Customer("{jane_id}") /* permission denied */'


# -- reference/fsl/role: the page's `manager` role ------------------------------------------------------------

#: The page's role as it prints it, with the collections and functions it names.
_MANAGER_FSL = """collection Manager {}
collection User {}
collection Product {}
function inventory() { Product.all().count() }
function submitOrder(x) { x }
role manager {
  membership Manager
  membership User {
    predicate (user => user.accessLevel == 'manager')
  }
  privileges Product {
    create
    read
    write
    delete
  }
  privileges User {
    read {
      predicate (doc => Query.identity() == doc)
    }
  }
  privileges inventory {
    call
  }
  privileges submitOrder {
    call {
      predicate (args => Query.identity() == arg[0])
    }
  }
}"""


def test_manager_role_reference():
    db = fql.connect(root_secret="secret")
    # The page's slip, `arg[0]` for its parameter `args`, is refused as core's schema typecheck refuses an
    # unbound name in a predicate.
    with pytest.raises(SchemaError, match=r"Unbound variable `arg`"):
        db.push_schema({"main.fsl": _MANAGER_FSL})
    db.push_schema({"main.fsl": _MANAGER_FSL.replace("arg[0]", "args")})
    with serve(db) as shell:
        def login(coll: str, fields: str) -> str:
            doc = shell.ok(f"{coll}.create({fields}) {{ id }}", fmt="simple")["id"]
            shell.ok(f'Credential.create({{ document: {coll}("{doc}"), password: "pw" }})')
            return shell.ok(f'Credential.byDocument({coll}("{doc}"))!.login("pw")', fmt="simple")["secret"], doc

        boss, _ = login("Manager", "{}")
        lead, lead_id = login("User", '{ accessLevel: "manager" }')
        staff, _ = login("User", '{ accessLevel: "staff" }')
        # `membership Manager`, and `membership User` for users whose predicate holds.
        for secret in (boss, lead):
            assert shell.ok('Product.create({ name: "cups" }) { name }', secret) == '{\n  name: "cups"\n}'
            assert shell.ok("inventory()", secret) in ("1", "2")
        status, body = shell.answer('Product.create({ name: "cups" })', staff)
        assert status == 400 and body["error"]["code"] == "permission_denied", body
        # `privileges User { read { predicate (doc => Query.identity() == doc) } }`: one's own document.
        assert shell.ok(f'User.byId("{lead_id}") {{ accessLevel }}', lead) == '{\n  accessLevel: "manager"\n}'
        assert shell.ok(f'User.byId("{lead_id}")', boss) == f'User("{lead_id}") /* permission denied */'
        # `submitOrder`'s predicate, fixed, lets a caller pass only itself.
        assert shell.ok(f'submitOrder(User("{lead_id}")) {{ accessLevel }}', lead) == '{\n  accessLevel: "manager"\n}'
        status, body = shell.answer(f'submitOrder(User("{lead_id}"))', boss)
        assert status == 400 and body["error"]["code"] == "permission_denied", body
