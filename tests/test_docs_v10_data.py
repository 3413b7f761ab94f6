"""Fauna's v10 reference docs' examples on data (docs.fauna.com/fauna/current/reference/fql-api/...: Collection,
Document, Set, Credential, Key, Token, Function, Role, Database, Query), each run as the docs show it on the
docs' demo data and compared with the output the docs print.

The demo data is the e-commerce dataset the docs' examples run on (`fauna create-database --demo`, and
fauna/fauna-sample-datasets' ecommerce app): collections Customer, Product, Category, Order and OrderItem
with their computed fields, unique and check constraints and indexes, the cart and checkout functions, the
docs' `customer` role, three customers (two of them with carts; all with credentials), three categories and
nine products. The docs give some documents
ids ("111" for the customer Alice Appleseed, "777" for the product limes, "789" for the category produce,
"999" for the taco pinata); the others get ids of the same pattern here.

Each case runs through the v10 endpoint in the decorated format (the format the docs print, as the Fauna
shell does) and compares the text with the docs' output. What the docs print that no database can repeat
is masked on both sides: a `ts` (`Time("...")` after `ts: `), a generated id, a set's cursor (`"hdW..."`,
which the docs shorten), a secret. A case that writes, or needs steps first (a token to log in with, a
document the example reads), runs on demo data built for it alone, so the shared one stays as built."""

from __future__ import annotations

import re

import pytest

import fql
from tests.helpers import QueryEndpoint

ENDPOINT = QueryEndpoint(fmt="decorated")

DEMO_FSL = """
collection Customer {
  name: String
  email: String
  address: { street: String, city: String, state: String, postalCode: String, country: String }
  compute cart: Order? = (customer => Order.byCustomerAndStatus(customer, "cart").first())
  compute orders: Set<Order> = (customer => Order.byCustomer(customer))
  unique [.email]
  index byEmail { terms [.email] }
}

collection Product {
  name: String
  description: String
  price: Int
  category: Ref<Category>
  stock: Int
  unique [.name]
  check stockIsValid (product => product.stock >= 0)
  check priceIsValid (product => product.price > 0)
  index byCategory { terms [.category] }
  index sortedByCategory { values [.category] }
  index byName { terms [.name] }
  index sortedByPriceLowToHigh { values [.price, .name, .description, .stock] }
}

collection Category {
  name: String
  description: String
  compute products: Set<Product> = (category => Product.byCategory(category))
  unique [.name]
  index byName { terms [.name] }
}

collection Order {
  customer: Ref<Customer>
  status: "cart" | "processing" | "shipped" | "delivered"
  createdAt: Time
  compute items: Set<OrderItem> = (order => OrderItem.byOrder(order))
  compute total: Number = (order => order.items.fold(0, (sum, orderItem) => {
    let orderItem: Any = orderItem
    if (orderItem.product != null) sum + orderItem.product.price * orderItem.quantity else sum
  }))
  payment: { *: Any }
  check oneOrderInCart (order => Order.byCustomerAndStatus(order.customer, "cart").count() <= 1)
  index byCustomer {
    terms [.customer]
    values [desc(.createdAt), .status]
  }
  index byCustomerAndStatus { terms [.customer, .status] }
}

collection OrderItem {
  order: Ref<Order>
  product: Ref<Product>
  quantity: Int
  unique [.order, .product]
  check positiveQuantity (orderItem => orderItem.quantity > 0)
  index byOrder {
    terms [.order]
    values [.product, .quantity]
  }
  index byOrderAndProduct { terms [.order, .product] }
}

role customer {
  privileges Product { read }
  privileges Order { read { predicate (ref => Query.identity() == ref.customer) } }
  privileges Customer { read { predicate (ref => Query.identity() == ref) } }
  privileges getOrCreateCart { call { predicate (id => Query.identity()?.id == id) } }
  privileges checkout { call { predicate (name => true) } }
  membership Customer
}

@role(server)
function getOrCreateCart(id) {
  let customer = Customer.byId(id)!
  if (customer!.cart == null) {
    Order.create({ status: "cart", customer: Customer.byId(id), createdAt: Time.now(), payment: {} })
  } else {
    customer!.cart
  }
}

function checkout(orderId, status, payment) {
  let order: Any = Order.byId(orderId)!
  if (status != "processing") abort("Can not call checkout with status other than processing.")
  validateOrderStatusTransition(order!.status, "processing")
  if (order!.items.isEmpty()) abort("Order must have at least one item.")
  if (order!.customer!.address == null) abort("Customer must have a valid address.")
  if (order!.payment == null && payment == null) abort("Order must have a valid payment method.")
  order!.items.forEach(item => {
    let product: Any = item.product
    if (product.stock < item.quantity) abort("One of the selected products does not have the requested quantity in stock.")
  })
  order!.items.forEach(item => {
    let product: Any = item.product
    product.update({ stock: product.stock - item.quantity })
  })
  if (payment != null) order!.update({ status: "processing", payment: payment }) else order!.update({ status: "processing" })
}

function validateOrderStatusTransition(oldStatus, newStatus) {
  if (oldStatus == "cart" && newStatus != "processing") {
    abort("Invalid status transition.")
  } else if (oldStatus == "processing" && newStatus != "shipped") {
    abort("Invalid status transition.")
  } else if (oldStatus == "shipped" && newStatus != "delivered") {
    abort("Invalid status transition.")
  }
}

function createOrUpdateCartItem(customerId, productName, quantity) {
  let customer = Customer.byId(customerId)!
  let product = Product.byName(productName).first()
  if (product == null) abort("Product does not exist.")
  if (quantity < 0) abort("Quantity must be a non-negative integer.")
  if (customer!.cart == null) {
    Order.create({ status: "cart", customer: customer, createdAt: Time.now(), payment: {} })
  }
  if (product!.stock < quantity) abort("Product does not have the requested quantity in stock.")
  let orderItem = OrderItem.byOrderAndProduct(customer!.cart, product).first()
  if (orderItem == null) {
    OrderItem.create({ order: Order(customer!.cart!.id), product: product, quantity: quantity })
  } else {
    orderItem!.update({ quantity: quantity })
  }
}
"""

#: (id, name, description) of each category.
CATEGORIES = [("123", "party", "Party Supplies"), ("456", "frozen", "Frozen Foods"), ("789", "produce", "Fresh Produce")]
#: (id, name, description, price in cents, stock, category id) of each product.
PRODUCTS = [
    ("111", "cups", "Translucent 9 Oz, 100 ct", 698, 100, "123"),
    ("222", "donkey pinata", "Original Classic Donkey Pinata", 2499, 50, "123"),
    ("333", "pizza", "Frozen Cheese", 499, 100, "456"),
    ("444", "avocados", "Conventional Hass, 4ct bag", 399, 1000, "789"),
    ("555", "single lime", "Conventional, 1 ct", 35, 1000, "789"),
    ("666", "organic limes", "Organic, 16 oz bag", 349, 50, "789"),
    ("777", "limes", "Conventional, 16 oz bag", 299, 30, "789"),
    ("888", "cilantro", "Organic, 1 bunch", 149, 100, "789"),
    ("999", "taco pinata", "Giant Taco Pinata", 2399, 10, "123"),
]
#: (id, name, email, street, postal code) of each customer; all live in Washington, DC.
CUSTOMERS = [
    ("111", "Alice Appleseed", "alice.appleseed@example.com", "87856 Mendota Court", "20220"),
    ("222", "Bob Brown", "bob.brown@example.com", "72 Waxwing Terrace", "20002"),
    ("333", "Carol Clark", "carol.clark@example.com", "5 Troy Trail", "20220"),
]
#: (customer id, product name, quantity) of the cart items, in the order they were added.
CART_ITEMS = [
    ("111", "cups", 2), ("111", "donkey pinata", 1), ("111", "pizza", 3),
    ("222", "avocados", 2), ("222", "single lime", 1), ("222", "organic limes", 3),
]
PASSWORD = "fauna-demo"


def build_demo() -> fql.Database:
    """A database holding the docs' demo data: schema, documents, carts and credentials."""
    db = fql.connect(root_secret="secret")
    db.push_schema({"main.fsl": DEMO_FSL})
    run = lambda text: db.query(text, syntax="v10")  # noqa: E731
    for id_, name, description in CATEGORIES:
        run(f'Category.create({{ id: "{id_}", name: "{name}", description: "{description}" }})')
    for id_, name, description, price, stock, category in PRODUCTS:
        run(
            f'Product.create({{ id: "{id_}", name: "{name}", description: "{description}", price: {price}, '
            f'stock: {stock}, category: Category("{category}") }})'
        )
    for id_, name, email, street, postal in CUSTOMERS:
        run(
            f'Customer.create({{ id: "{id_}", name: "{name}", email: "{email}", address: {{ street: "{street}", '
            f'city: "Washington", state: "DC", postalCode: "{postal}", country: "US" }} }})'
        )
    for customer in ("111", "222"):
        run(f'getOrCreateCart("{customer}")')
    for customer, product, quantity in CART_ITEMS:
        run(f'createOrUpdateCartItem("{customer}", "{product}", {quantity})')
    for id_, *_ in CUSTOMERS:
        # Alice's credential has the id credential.replace()'s example prints.
        cred_id = ', id: "412654807560487424"' if id_ == "111" else ""
        run(f'Credential.create({{ document: Customer("{id_}"), password: "{PASSWORD}"{cred_id} }})')
    return db


# -- comparing an answer with the docs' output --------------------------------------------------------------

#: What no database repeats, masked alike in the docs' text and fql's: a write's time, a token's secret (the
#: docs print "fn..."), a database's global id, a set's cursor or an event source (the docs shorten them to "hdW...", "g9WD1YPG..."),
#: a generated id.
_MASKS = [
    (re.compile(r'Time\("[^"]*"\)'), "Time(<ts>)"),
    (re.compile(r'secret: "fn[A-Za-z0-9_+/=.-]*"'), "secret: <secret>"),
    (re.compile(r'global_id: "[a-z0-9]+"'), "global_id: <global id>"),
    (re.compile(r'"(?:[A-Za-z0-9+/=_-]+\.\.\.|[A-Za-z0-9_-]{40,})"'), "<cursor>"),
    (re.compile(r'"\d{15,}"'), "<id>"),
]


_TOKEN = re.compile(r'"(?:\\.|[^"\\])*"|[{}\[\]]|[^\s{}\[\],"]+')


def tokens(text: str) -> list[str]:
    """`text` as tokens (strings, brackets, the words between them; commas and layout dropped, so a value
    printed on one line or over many reads the same), the masks above applied and the comments the docs
    put inside an output (`// $2.99 in cents`) dropped."""
    text = "\n".join(line for line in text.splitlines() if not line.strip().startswith("//"))
    for pattern, mask in _MASKS:
        text = pattern.sub(mask, text)
    return _TOKEN.findall(text)


def agrees(docs: str, answer: str) -> bool:
    """Whether fql's decorated `answer` is the docs' output: the same tokens, or, where the docs elide part of
    it with `...`, the docs' tokens in order among fql's."""
    want, got = tokens(docs), tokens(answer)
    if "..." not in want:
        return want == got
    rest = iter(got)
    return all(any(token == have for have in rest) for token in want if token != "...")


def test_agrees_masks_and_elisions():
    answer = '{\n  id: "412483941752112205",\n  ts: Time("2026-01-01T00:00:00Z"),\n  after: "' + "a" * 50 + '"\n}'
    assert agrees('{\n  id: "412654807560487424",\n  ts: Time("2099-07-31T12:58:51.680Z"),\n  after: "hdW..."\n}', answer)
    assert agrees('{\n  id: "412654807560487424",\n  ...\n}', answer)
    assert not agrees('{\n  ts: Time("2099-07-31T12:58:51.680Z"),\n  id: "412654807560487424",\n  ...\n}', answer)
    assert not agrees('{\n  id: "412654807560487424"\n}', answer)


# -- the examples ------------------------------------------------------------------------------------------

_JOHN = (
    'Customer.create({ name: "John Doe", email: "john.doe@example.com", address: { street: "123 Main St", '
    'city: "San Francisco", state: "CA", postalCode: "12345", country: "United States" } })'
)
_JOHN_999 = _JOHN.replace('Customer.create({ ', 'Customer.create({ id: "999", ')

#: (docs page under reference/fql-api/ or learn/, queries run first, the example, the output the docs print).
EXAMPLES = [
    (
        "collection/instance-where", [], "Product.where(.stock < 20)",
        # The page's text is cut after `id: "99`; the demo data's one product with less than 20 in stock.
        '{ data: [ ... id: "999", ... name: "taco pinata", ... stock: 10, ... ] }',
    ),
    (
        "collection/static-byname", [], 'Collection.byName("Product")',
        # The docs print `constraints` before `indexes`. fql answers a collection's fields in the order core's
        # SchemaToStruct writes them; core's ReadBroker.getAllFields answers a system document's fields in the
        # order of its native schema's field map (a Scala Map), which fql does not reproduce: a known
        # difference in order only.
        """{
  name: "Product",
  coll: Collection,
  ts: Time("2099-07-30T22:55:21.520Z"),
  history_days: 0,
  indexes: {
    byCategory: { terms: [ { field: ".category", mva: false } ], queryable: true, status: "complete" },
    sortedByCategory: {
      values: [ { field: ".category", order: "asc", mva: false } ], queryable: true, status: "complete"
    },
    byName: { terms: [ { field: ".name", mva: false } ], queryable: true, status: "complete" },
    sortedByPriceLowToHigh: {
      values: [
        { field: ".price", order: "asc", mva: false },
        { field: ".name", order: "asc", mva: false },
        { field: ".description", order: "asc", mva: false },
        { field: ".stock", order: "asc", mva: false }
      ],
      queryable: true,
      status: "complete"
    }
  },
  constraints: [
    { unique: [ { field: ".name", mva: false } ], status: "active" },
    { check: { name: "stockIsValid", body: "(product) => product.stock >= 0" } },
    { check: { name: "priceIsValid", body: "(product) => product.price > 0" } }
  ],
  fields: {
    name: { signature: "String" },
    description: { signature: "String" },
    price: { signature: "Int" },
    category: { signature: "Ref<Category>" },
    stock: { signature: "Int" }
  }
}""",
    ),
    (
        "collection/static-all", [], "Collection.all()",
        """{ data: [
  { name: "Customer", coll: Collection, ts: Time("2099-07-30T22:04:31.325Z"), ... },
  { name: "Product", coll: Collection, ts: Time("2099-07-30T22:04:31.325Z"), ... },
  { name: "Category", coll: Collection, ts: Time("2099-07-30T22:04:31.325Z"), ... },
  { name: "Order", coll: Collection, ts: Time("2099-07-30T22:04:31.325Z"), ... },
  { name: "OrderItem", coll: Collection, ts: Time("2099-07-30T22:04:31.325Z"), ... }
] }""",
    ),
    (
        # The page's text is cut after the first collection; the set runs from Category on, in the order above.
        "collection/static-all", [], 'Collection.all({ from: Collection.byName("Category") })',
        '{ data: [ { name: "Category", coll: Collection, ... name: "Order", ... name: "OrderItem", ... } ] }',
    ),
    (
        "document/update", [], 'Product.byId("777")?.update({ name: "key limes", stock: 100 })',
        """{
  id: "777",
  coll: Product,
  ts: Time("2099-04-10T16:50:12.850Z"),
  name: "key limes",
  description: "Conventional, 16 oz bag",
  price: 299,
  stock: 100,
  category: Category("789")
}""",
    ),
    (
        "set/where", [], 'Customer.all().where(.address.state == "DC")',
        """{
  data: [
    {
      id: "111",
      coll: Customer,
      ts: Time("2099-10-22T21:56:31.260Z"),
      cart: Order("412483941752112205"),
      orders: "hdW...",
      name: "Alice Appleseed",
      email: "alice.appleseed@example.com",
      address: {
        street: "87856 Mendota Court",
        city: "Washington",
        state: "DC",
        postalCode: "20220",
        country: "US"
      }
    },
    ...
  ]
}""",
    ),
    (
        "set/where", [],
        'Product.byName("limes").where(.description.includes("Conventional")).where(.price < 500) '
        "{ name, description, price }",
        # The page shows the query alone (a covered one); its answer from the demo data.
        '{ data: [ { name: "limes", description: "Conventional, 16 oz bag", price: 299 } ] }',
    ),
    (
        "set/order", [], "Customer.all().order(.name) { name, email }",
        """{
  data: [
    { name: "Alice Appleseed", email: "alice.appleseed@example.com" },
    { name: "Bob Brown", email: "bob.brown@example.com" },
    { name: "Carol Clark", email: "carol.clark@example.com" }
  ]
}""",
    ),
    (
        "set/order", [], "Customer.all().order(desc(.name)) { name, email }",
        """{
  data: [
    { name: "Carol Clark", email: "carol.clark@example.com" },
    { name: "Bob Brown", email: "bob.brown@example.com" },
    { name: "Alice Appleseed", email: "alice.appleseed@example.com" }
  ]
}""",
    ),
    (
        "set/map", [],
        'Customer.all().map(customer => { name: customer.name, city: "#{customer.address.city}, '
        '#{customer.address.state}" })',
        """{
  data: [
    { name: "Alice Appleseed", city: "Washington, DC" },
    { name: "Bob Brown", city: "Washington, DC" },
    { name: "Carol Clark", city: "Washington, DC" }
  ]
}""",
    ),
    (
        "set/map (an earlier version of the page)", [],
        'Customer.all().map(customer => "#{customer.address.city}, #{customer.address.state}")',
        '{ data: [ "Washington, DC", "Washington, DC", "Washington, DC" ] }',
    ),
    (
        "set/pagesize", [], "Product.all().pageSize(2)",
        """{
  data: [
    {
      id: "111",
      coll: Product,
      ts: Time("2099-07-31T12:58:51.680Z"),
      name: "cups",
      description: "Translucent 9 Oz, 100 ct",
      price: 698,
      stock: 100,
      category: Category("123")
    },
    {
      id: "222",
      coll: Product,
      ts: Time("2099-07-31T12:58:51.680Z"),
      name: "donkey pinata",
      description: "Original Classic Donkey Pinata",
      price: 2499,
      stock: 50,
      category: Category("123")
    }
  ],
  after: "hdW..."
}""",
    ),
    (
        "learn/data-model/sets", [], "Product.sortedByPriceLowToHigh({ from: 1_99 })",
        """{
  data: [
    {
      id: "777",
      coll: Product,
      ts: Time("2099-08-20T18:18:47.100Z"),
      name: "limes",
      description: "Conventional, 16 oz bag",
      // $2.99 in cents
      price: 299,
      stock: 30,
      category: Category("789")
    },
    ...
  ]
}""",
    ),
    (
        "credential/replace", [],
        'Credential.byId("412654807560487424")!.replace({ document: Customer.byId("111"), password: "sekret" })',
        """{
  id: "412654807560487424",
  coll: Credential,
  ts: Time("2099-07-28T03:42:54.650Z"),
  document: Customer("111")
}""",
    ),
    (
        "credential/login, step 1", [], _JOHN,
        # The docs print the new customer's id as "999"; it is generated.
        """{
  id: "412654692679549441",
  coll: Customer,
  ts: Time("2099-07-31T13:16:15.040Z"),
  cart: null,
  orders: "hdW...",
  name: "John Doe",
  email: "john.doe@example.com",
  address: {
    street: "123 Main St",
    city: "San Francisco",
    state: "CA",
    postalCode: "12345",
    country: "United States"
  }
}""",
    ),
    (
        "credential/login, step 2", [_JOHN_999], 'Credential.create({ document: Customer.byId("999"), password: "sekret" })',
        """{
  id: "412654692679549440",
  coll: Credential,
  ts: Time("2099-06-25T13:27:23.170Z"),
  document: Customer("999")
}""",
    ),
    (
        "credential/login, step 3",
        [_JOHN_999, 'Credential.create({ document: Customer.byId("999"), password: "sekret" })'],
        'let document = Customer.byId("999")\nCredential.byDocument(document)?.login("sekret")',
        # The docs print the token's document as Customer("111"), a slip for the customer logged in.
        """{
  id: "412654692933304832",
  coll: Token,
  ts: Time("2099-07-31T13:17:46.900Z"),
  document: Customer("999"),
  secret: "fn..."
}""",
    ),
]


_TOKEN_111 = 'Token.create({ id: "371233004820889634", document: Customer.byId("111") })'
_ALICE_LOGIN = 'Credential.byDocument(Customer.byId("111"))!.login("fauna-demo")'

EXAMPLES += [
    (
        "document/replace", [],
        'Product.byId("777")?.replace({ name: "limes", description: "2 ct", price: 99, stock: 50, '
        'category: Category.byId("789") })',
        """{
  id: "777",
  coll: Product,
  ts: Time("2099-04-10T17:54:37.670Z"),
  name: "limes",
  description: "2 ct",
  price: 99,
  stock: 50,
  category: Category("789")
}""",
    ),
    ("set/distinct", [], "let set = [1, 1, 2, 3, 3].toSet()\nset.distinct()", "{ data: [ 1, 2, 3 ] }"),
    (
        # The docs print `secret` before `role`: the order of fields again (see Collection.byName above).
        "key/create", [], 'Key.create({role: "admin", ttl: Time.now().add(1, "day")})',
        """{
  id: "412655134325080576",
  coll: Key,
  ts: Time("2099-07-28T02:23:51.300Z"),
  ttl: Time("2099-07-29T02:23:51.189192Z"),
  role: "admin",
  secret: "fn..."
}""",
    ),
    ("function/function-type", [], 'Function("getOrCreateCart")', '"[function getOrCreateCart]"'),
    (
        # Alice has a cart: the function answers it.
        "function/function-type", [], "Function(\"getOrCreateCart\")('111')",
        """{
  id: "412998994633949261",
  coll: Order,
  ts: Time("2024-10-28T14:23:03.966Z"),
  items: "hdW...",
  total: 5392,
  status: "cart",
  customer: Customer("111"),
  createdAt: Time("2024-10-28T14:23:03.795981Z"),
  payment: {}
}""",
    ),
    (
        # The docs print `role` before `body`: the order of fields again (see Collection.byName above); fql
        # answers them in the order core's SchemaToStruct writes them (`body`, then `role`).
        "function (document definition)", [], 'Function.byName("getOrCreateCart")',
        """{
  name: "getOrCreateCart",
  coll: Function,
  ts: Time("2099-09-25T21:53:08.780Z"),
  body: <<-END
    (id) => {
      let customer = Customer.byId(id)!
      if (customer!.cart == null) {
        Order.create({
          status: "cart",
          customer: Customer.byId(id),
          createdAt: Time.now(),
          payment: {
          }
        })
      } else {
        customer!.cart
      }
    }
  END,
  role: "server"
}""",
    ),
    (
        # Untypechecked: core's typer refuses a `Ref<Customer>` (a customer or a null one) where byDocument
        # wants a document (`{ *: Any }`), as fql's does; core's own FQL2TokenSpec writes `!`.
        "token/bydocument", [_TOKEN_111], 'Token.byDocument(Customer.byId("111"))',
        """{
  data: [
    { id: "371233004820889634", coll: Token, ts: Time("2099-07-25T14:10:32.165Z"), document: Customer("111") },
    ...
  ]
}""",
        {"typecheck": False},
    ),
    (
        "token/byid", [_TOKEN_111], 'Token.byId("371233004820889634")',
        '{ id: "371233004820889634", coll: Token, ts: Time("2099-07-25T14:10:32.165Z"), document: Customer("111") }',
    ),
    (
        # Run as a token of Alice's (the docs' `id` is illustrative).
        "query/token", [_ALICE_LOGIN], "Query.token()",
        '{ id: "412664453937496576", coll: Token, ts: Time("2099-07-06T19:11:13.570Z"), document: Customer("111") }',
    ),
    (
        "query/identity", [_ALICE_LOGIN], "Query.identity()",
        """{
  id: "111",
  coll: Customer,
  ts: Time("2099-06-21T18:39:00.735Z"),
  cart: Order("413090255209497088"),
  orders: "hdW...",
  name: "Alice Appleseed",
  email: "alice.appleseed@example.com",
  address: {
    street: "87856 Mendota Court",
    city: "Washington",
    state: "DC",
    postalCode: "20220",
    country: "US"
  }
}""",
    ),
]


_CATEGORIES = (
    "// Setup: Get frozen and produce `Category` documents.\n"
    'let frozenCat = Category.byName("frozen").first()\n'
    'let produceCat = Category.byName("produce").first()\n'
    "let frozenDocs = Product.byCategory(frozenCat)\n"
    "let produceDocs = Product.byCategory(produceCat)\n"
)
EXAMPLES += [
    (
        "learn/query/patterns/sets (unions)", [],
        _CATEGORIES + "frozenDocs.concat(produceDocs) {\n  name: .name,\n  category: .category!.name\n}",
        """{
  data: [
    { name: "pizza", category: "frozen" },
    ...
    { name: "cilantro", category: "produce" }
  ]
}""",
    ),
    (
        "learn/query/patterns/sets (chained unions)", [],
        _CATEGORIES
        + 'let partyCat = Category.byName("party").first()\nlet partyDocs = Product.byCategory(partyCat)\n'
        "frozenDocs\n  .concat(produceDocs)\n  .concat(partyDocs) {\n    name: .name,\n    category: .category!.name\n  }",
        '{ data: [ { name: "pizza", category: "frozen" }, { name: "avocados", category: "produce" }, ... ] }',
    ),
]


EXAMPLES += [
    (
        # The page names the second product "pinata"; the demo data (and set.pageSize()'s page) "donkey pinata".
        "set/static-paginate, step 1", [], "Product.all().pageSize(2) { name }",
        '{ data: [ { name: "cups" }, { name: "donkey pinata" } ], after: "hdWC1Y..." }',
    ),
    (
        "set/static-paginate, step 2", ["Product.all().pageSize(2) { name }"], 'Set.paginate("<after>")',
        '{ data: [ { name: "pizza" }, { name: "avocados" } ], after: "hdWC1Y..." }',
    ),
    (
        # The docs print `typechecked` first: the order of fields again (see Collection.byName above).
        "database/static-create", [], 'Database.create({\n  name: "childDB",\n  typechecked: true,\n  priority: 10\n})',
        """{
  name: "childDB",
  coll: Database,
  ts: Time("2099-06-24T21:53:40.670Z"),
  priority: 10,
  global_id: "ysjpygonryyr1",
  typechecked: true
}""",
    ),
    (
        # The role as the demo schema defines it; its `data` set by an update, as FSL gives a role none.
        "role (document definition)", ['Role.byName("customer")!.update({ data: { desc: "End user customer role" } })'],
        'Role.byName("customer")',
        """{
  name: "customer",
  coll: Role,
  ts: Time("2099-07-31T12:37:05.280Z"),
  privileges: [
    { resource: "Product", actions: { read: true } },
    { resource: "Order", actions: { read: "(ref) => Query.identity() == ref.customer" } },
    { resource: "Customer", actions: { read: "(ref) => Query.identity() == ref" } },
    { resource: "getOrCreateCart", actions: { call: "(id) => Query.identity()?.id == id" } },
    { resource: "checkout", actions: { call: "(name) => true" } }
  ],
  membership: [ { resource: "Customer" } ],
  data: { desc: "End user customer role" }
}""",
    ),
    ("set/eventsource", [], "Product.all().eventSource()", '"g9WD1YPG..."'),
    ("set/eventsource", [], 'Product.byName("limes").eventSource()', '"g9WD1YPG..."'),
    (
        "set/eventsource", [],
        "// Uses the `Product` collection's `byName()` index and\n// the `first()` method to get a single document.\n"
        'let product = Product.byName("cups").first()\nSet.single(product).eventSource()',
        '"g9WD1YPG..."',
    ),
    ("event-source", [], "Product.all().eventsOn(.name, .price, .stock)", '"g9WD1YPG..."'),
]


def _id(example: tuple) -> str:
    return f"{example[0]}: {example[2][:60]}"


@pytest.fixture(scope="module")
def demo() -> fql.Database:
    return build_demo()


@pytest.mark.parametrize("example", EXAMPLES, ids=_id)
def test_docs_example(demo, example):
    _, setup, query, docs, *options = example
    db = build_demo() if setup or _writes(query) else demo
    secret = ENDPOINT.secret
    for step in setup:
        answer = SIMPLE.ok(db, step)
        if isinstance(answer, dict) and "secret" in answer:
            secret = answer["secret"]  # the example runs as the token a step logged in
        if isinstance(answer, dict) and "after" in answer:
            query = query.replace("<after>", answer["after"])  # the cursor a step's page gave
    answer = ENDPOINT.ok(db, query, secret, **(options[0] if options else {}))
    assert agrees(docs, answer), answer


SIMPLE = QueryEndpoint(fmt="simple")


def _writes(query: str) -> bool:
    return any(word in query for word in (".create(", ".update(", ".replace(", ".delete(", "login("))


#: (page, the example, the error or performance hint's summary as the docs print it). Hints are asked for
#: with `X-Performance-Hints: true`, as the docs' "if enabled" says.
SUMMARIES = [
    (
        "collection/instance-where", 'Product.where(.name == "limes")',
        """performance_hint: collection_scan - Using where() on collection Product can cause a read of every document. See https://docs.fauna.com/performance_hint/collection_scan.
at *query*:1:14
  |
1 | Product.where(.name == "limes")
  |              ^^^^^^^^^^^^^^^^^^
  |""",
    ),
    (
        "collection/instance-firstwhere", 'Product.firstWhere(.name == "limes")',
        """performance_hint: collection_scan - Using firstWhere() on collection Product can cause a read of every document. See https://docs.fauna.com/performance_hint/collection_scan.
at *query*:1:19
  |
1 | Product.firstWhere(.name == "limes")
  |                   ^^^^^^^^^^^^^^^^^^
  |""",
    ),
    (
        "set/order",
        "// Calls `order` on the built-in `all()` index.\n// The query requires a read of each current `Product`\n"
        "// collection document and any historical document snapshots.\nProduct.all().order(.price) { price }",
        """performance_hint: full_set_read - Using order() causes the full set to be read. See https://docs.fauna.com/performance_hint/full_set_read.
at *query*:4:20
  |
4 | Product.all().order(.price) { price }
  |                    ^^^^^^^^
  |""",
    ),
    (
        # The page's example deletes a CoffeeBean; the same on a demo product that does not exist.
        "document/delete", 'Product.byId("375491155485261889")!.delete()',
        """error: Collection `Product` does not contain document with id 375491155485261889.
at *query*:1:13
  |
1 | Product.byId("375491155485261889")!.delete()
  |             ^^^^^^^^^^^^^^^^^^^^^^^
  |""",
    ),
]


SUMMARIES += [
    (
        "set/distinct", "// Use `distinct()` to get all unique products\nProduct.all().distinct()",
        """performance_hint: full_set_read - Using distinct() causes the full set to be read. See https://docs.fauna.com/performance_hint/full_set_read.
at *query*:2:23
  |
2 | Product.all().distinct()
  |                       ^^
  |""",
    ),
    (
        # The page's text lost the link after "See"; the hint's text otherwise as printed.
        "set/foldright",
        "// Use `foldRight()` to sum stock counts\nlet stockCounts = Product.all().map(doc => doc.stock)\n"
        "stockCounts.foldRight(0, (a, b) => a + b)",
        """performance_hint: full_set_read - Using foldRight() causes the full set to be read. See https://docs.fauna.com/performance_hint/full_set_read.
at *query*:3:22
  |
3 | stockCounts.foldRight(0, (a, b) => a + b)
  |                      ^^^^^^^^^^^^^^^^^^^^
  |""",
    ),
    (
        "function/function-type", 'Function("Foo")',
        """error: invalid argument `function`: No such user function `Foo`.
at *query*:1:9
  |
1 | Function("Foo")
  |         ^^^^^^^
  |""",
    ),
]


@pytest.mark.parametrize(("page", "query", "summary"), SUMMARIES, ids=[s[0] for s in SUMMARIES])
def test_docs_summary(demo, page, query, summary):
    body = ENDPOINT.body(demo, query, headers={"x-performance-hints": "true"})
    assert body["summary"] == summary
