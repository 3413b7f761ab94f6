"""Fauna's sample apps whose language cannot run here (no Maven Central, no NuGet), replayed against
`fql serve`: each app's schema pushed as its README says, its seed, then every query it sends, built as
its driver builds it, and what the app relies on in the answer.

- fauna/java-sample-app (Spring and the v10 JVM driver): `Query.fql("... ${name} ...", args)` sends its
  text around `{"value": ...}` arguments and `{"fql": [...]}` fragments for a nested Query; a POJO is an
  object with every field, `null` ones too (ClassCodec.encode), so a request field left out unsets it.
- fauna/dotnet-sample-app (ASP.NET and the v10 C# driver): `Query.FQL($"... {x} ...")` alike; its NUnit
  tests (DotNetSampleApp.Tests) run in their order after its SeedService.
- fauna/examples (v4 CRUD services in Java, Scala and Python over faunadb-java 2.6 at API 2.1,
  faunadb-scala 3.0 at API 3 and faunadb-python 2.5 at API 2.1): its `scripts/create_schema.fql`, then
  each repository's query as v4 JSON.

The apps' FSL and queries are restated here in their meaning (same items, fields, constraints, abort
texts and projections), not copied."""

from __future__ import annotations

import gzip
import json
import re
import uuid

import httpx
import pytest
from fauna.encoding import FaunaDecoder, FaunaEncoder

import fql
from fql.server import ServerThread

WAIT = 10.0
#: fauna-jvm's RequestBuilder headers.
JAVA = {
    "X-Format": "tagged",
    "Accept-Encoding": "gzip",
    "Content-Type": "application/json;charset=utf-8",
    "X-Driver": "Java",
    "X-Max-Contention-Retries": "3",
}
#: fauna-dotnet's Client.GetRequestHeaders.
CSHARP = {"X-Format": "tagged", "X-Driver": "C#", "Accept": "application/json", "Accept-Encoding": "gzip"}


@pytest.fixture(scope="module")
def server():
    with ServerThread(fql.connect()) as running:
        yield running


# -- the v10 drivers' query templates -----------------------------------------------------------------------


class Fql(dict):
    """A Query: `{"fql": [...]}`, built from `${name}` placeholders as the JVM driver's Query.fql parses its
    template (the C# driver's interpolated strings build the same parts)."""

    def __init__(self, text: str, **args):
        parts: list = []
        for i, piece in enumerate(re.split(r"\$\{(\w+)\}", text)):
            if i % 2 == 0:
                if piece:
                    parts.append(piece)
            else:
                arg = args[piece]
                parts.append(arg if isinstance(arg, Fql) else {"value": FaunaEncoder.encode(arg)})
        super().__init__(fql=parts)


class Driver:
    """POST /query/1 with one driver's headers and a database's secret."""

    def __init__(self, url: str, secret: str, headers: dict):
        self.url, self.secret, self.headers = url, secret, headers

    def answer(self, query: Fql) -> tuple[int, dict]:
        headers = {**self.headers, "Authorization": f"Bearer {self.secret}"}
        response = httpx.post(self.url + "/query/1", content=json.dumps({"query": query}), headers=headers, timeout=WAIT)
        data = response.content
        if response.headers.get("content-encoding") == "gzip" and data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        return response.status_code, json.loads(data)

    def data(self, text: str, **args):
        status, body = self.answer(Fql(text, **args))
        assert status == 200, body
        return FaunaDecoder.decode(body["data"])

    def error(self, text: str, **args) -> dict:
        """The error of a query that fails: its `code`, `message`, and `abort` or `constraint_failures`."""
        status, body = self.answer(Fql(text, **args))
        assert status == 400, body
        return FaunaDecoder.decode(body["error"])

    def first_page(self, text: str, **args) -> dict:
        """`client.paginate(query).next()`: the query's set as a page, `{data, after}`."""
        page = self.data(text, **args)
        return {"data": page.data, "after": page.after}

    def next_page(self, after: str) -> dict:
        """The apps' `afterToken` route: `Set.paginate(${afterToken})`, a `{data, after}` struct."""
        found = self.data("Set.paginate(${afterToken})", afterToken=after)
        return {"data": found["data"], "after": found.get("after")}

    def pages(self, text: str, **args) -> list[list]:
        pages = [self.first_page(text, **args)]
        while pages[-1]["after"]:
            pages.append(self.next_page(pages[-1]["after"]))
        return [page["data"] for page in pages]


def multipart(files: list[tuple[str, str]]) -> tuple[bytes, str]:
    """The form-data body the Fauna CLI pushes FSL files in, one part per file."""
    boundary = uuid.uuid4().hex
    chunks = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{name}"\r\n'
        f"Content-Type: application/octet-stream\r\n\r\n{content}\r\n"
        for name, content in files
    ]
    chunks.append(f"--{boundary}--\r\n")
    return "".join(chunks).encode(), f"multipart/form-data; boundary={boundary}"


def child_database(server, name: str) -> str:
    """`fauna database create --name <name>`, then an admin key of it (the CLI's secret for it)."""
    root = Driver(server.url, "secret", CSHARP)
    root.data("Database.create({ name: ${name} })", name=name)
    return root.data("Key.create({ role: 'admin', database: ${name} }).secret", name=name)


def push_and_commit(server, admin: str, files: list[tuple[str, str]]) -> None:
    """`fauna schema push` (staged), `fauna schema status` until ready, `fauna schema commit`."""
    auth = {"Authorization": f"Bearer {admin}"}
    body, kind = multipart(files)
    pushed = httpx.post(f"{server.url}/schema/1/update?force=true&staged=true", content=body, headers={**auth, "Content-Type": kind})
    assert pushed.status_code == 200, pushed.text
    status = httpx.get(f"{server.url}/schema/1/staged/status", headers=auth).json()
    assert status["status"] == "ready", status
    committed = httpx.post(f"{server.url}/schema/1/staged/commit?version={status['version']}", headers=auth)
    assert committed.status_code == 200, committed.text


# -- the e-commerce schema both sample apps share (schema/collections.fsl, schema/functions.fsl) ------------

COLLECTIONS_FSL = """
collection Customer {
  name: String
  email: String
  address: { street: String, city: String, state: String, postalCode: String, country: String }
  compute cart: Order? = (customer => Order.byCustomerAndStatus(customer, 'cart').first())
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
  check stockIsValid (p => p.stock >= 0)
  check priceIsValid (p => p.price > 0)
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
  compute total: Number = (order => order.items.fold(0, (sum, item) => {
    let item: Any = item
    if (item.product != null) sum + item.product.price * item.quantity else sum
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
  check positiveQuantity (item => item.quantity > 0)
  index byOrder {
    terms [.order]
    values [.product, .quantity]
  }
  index byOrderAndProduct { terms [.order, .product] }
}
"""

FUNCTIONS_FSL = """
function createOrUpdateCartItem(customerId, productName, quantity) {
  let customer = Customer.byId(customerId)!
  let product = Product.byName(productName).first()
  if (product == null) abort("Product does not exist.")
  if (quantity < 0) abort("Quantity must be a non-negative integer.")
  if (customer!.cart == null) {
    Order.create({ status: "cart", customer: customer, createdAt: Time.now(), payment: {} })
  }
  if (product!.stock < quantity) abort("Product does not have the requested quantity in stock.")
  let item = OrderItem.byOrderAndProduct(customer!.cart, product).first()
  if (item == null) {
    OrderItem.create({ order: Order(customer!.cart!.id), product: product, quantity: quantity })
  } else {
    item!.update({ quantity: quantity })
  }
  customer!.cart
}

function getOrCreateCart(id) {
  let customer = Customer.byId(id)!
  if (customer!.cart == null) {
    Order.create({ status: 'cart', customer: Customer.byId(id), createdAt: Time.now(), payment: {} })
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
    if (product.stock < item.quantity) {
      abort("One of the selected products does not have the requested quantity in stock.")
    }
  })
  order!.items.forEach(item => {
    let product: Any = item.product
    product.update({ stock: product.stock - item.quantity })
  })
  if (payment != null) {
    order!.update({ status: "processing", payment: payment })
  } else {
    order!.update({ status: "processing" })
  }
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
"""

SCHEMA_FILES = [("collections.fsl", COLLECTIONS_FSL), ("functions.fsl", FUNCTIONS_FSL)]

#: The products both apps seed: name, price (cents), stock, category. The Java app spells the third
#: electronics one "Rapsberry Pi" and seeds no Drone in stock; the .NET app "Raspberry Pi" and one Drone.
PRODUCTS = [
    ("iPhone", 10000, 100, "electronics"),
    ("Drone", 9000, 0, "electronics"),
    ("Signature Box III", 300000, 1000, "electronics"),
    ("Rapsberry Pi", 3000, 5, "electronics"),
    ("For Whom the Bell Tolls", 899, 10, "books"),
    ("Getting Started with Fauna", 1999, 0, "books"),
    ("The Godfather", 1299, 10, "movies"),
    ("The Godfather II", 1299, 10, "movies"),
    ("The Godfather III", 1299, 10, "movies"),
]

SEED_CATEGORIES = """
${categories}.map(c => Category.byName(c).first() ?? Category.create({ name: c, description: "Bargain #{c}!" }))
"""
SEED_CUSTOMERS = "${customers}.map(c => Customer.byEmail(c.email).first() ?? Customer.create(c))"
SEED_PRODUCTS = """
${products}.map(p => {
  let existing: Any = Product.byName(p.name).first()
  if (existing != null) {
    existing!.update({ stock: p.stock })
  } else {
    Product.create({
      name: p.name, price: p.price, description: p.description, stock: p.stock,
      category: Category.byName(p.category).first()!
    })
  }
})
"""
SEED_ORDERS = """
let customer = Customer.byEmail('fake@fauna.com').first()!
['cart', 'processing', 'shipped', 'delivered'].map(status => {
  let order: Any = Order.byCustomer(customer).firstWhere(o => o.status == status)
  if (order == null) {
    let created: Any = Order.create({ customer: customer, status: status, createdAt: Time.now(), payment: {} })
    OrderItem.create({ order: created, product: Product.byName('Drone').first()!, quantity: 1 })
    created
  } else {
    order
  }
})
"""


def seed_products(rename: dict | None = None, stock: dict | None = None) -> list[dict]:
    rename, stock = rename or {}, stock or {}
    return [
        {"name": rename.get(n, n), "price": p, "description": f"About {n}", "stock": stock.get(n, s), "category": c}
        for n, p, s, c in PRODUCTS
    ]


def valued_customer(street: str) -> dict:
    return {
        "id": "999",
        "name": "Valued Customer",
        "email": "fake@fauna.com",
        "address": {"street": street, "city": "Amsterdam", "state": "North Holland", "postalCode": "1015BT", "country": "Netherlands"},
    }


# The apps' response snippets, nested as Query fragments.

#: CustomersController.response / QuerySnippets.CustomerResponse.
CUSTOMER_RESPONSE = Fql("customer { id, name, email, address }")
#: OrdersController.response / QuerySnippets.OrderResponse: the order with its items' products and customer.
ORDER_RESPONSE = Fql("""
{
  id: order.id,
  payment: order.payment,
  createdAt: order.createdAt,
  status: order.status,
  total: order.total,
  items: order.items.toArray().map(item => {
    product: {
      id: item.product.id,
      name: item.product.name,
      price: item.product.price,
      description: item.product.description,
      stock: item.product.stock,
      category: {
        id: item.product.category.id,
        name: item.product.category.name,
        description: item.product.category.description
      }
    },
    quantity: item.quantity
  }),
  customer: {
    id: order.customer.id,
    name: order.customer.name,
    email: order.customer.email,
    address: order.customer.address
  }
}
""")
#: ProductsController create, update and search: a projection with the category's.
PRODUCT_PROJECTION = "product { id, name, price, description, stock, category { id, name, description } }"


def assert_product(product: dict) -> None:
    """The fields the apps' Product class maps, a category with its own."""
    assert set(product) == {"id", "name", "price", "description", "stock", "category"}
    assert set(product["category"]) == {"id", "name", "description"}
    assert isinstance(product["price"], int) and isinstance(product["stock"], int)


def assert_order(order: dict, status: str | None = None) -> None:
    assert set(order) == {"id", "payment", "createdAt", "status", "total", "items", "customer"}
    assert set(order["customer"]) == {"id", "name", "email", "address"}
    for item in order["items"]:
        assert set(item) == {"product", "quantity"}
        assert_product(item["product"])
    assert order["total"] == sum(item["product"]["price"] * item["quantity"] for item in order["items"])
    if status is not None:
        assert order["status"] == status


# -- fauna/java-sample-app ----------------------------------------------------------------------------------


def java_seed(app: Driver) -> list:
    """scripts/seed.sh: seed/categories.fql, customers.fql, products.fql, orders.fql, one query each."""
    return [
        app.data(SEED_CATEGORIES, categories=["electronics", "books", "movies"]),
        app.data(SEED_CUSTOMERS, customers=[valued_customer("Herengracht")]),
        app.data(SEED_PRODUCTS, products=seed_products()),
        app.data(SEED_ORDERS),
    ]


@pytest.fixture(scope="module")
def java(server) -> Driver:
    """README setup: database ECommerceJava, its schema pushed, staged and committed, a server key
    (`Key.create({ role: 'server' })`), then the seed."""
    admin = child_database(server, "ECommerceJava")
    push_and_commit(server, admin, SCHEMA_FILES)
    secret = Driver(server.url, admin, JAVA).data("Key.create({ role: 'server' }).secret")
    app = Driver(server.url, secret, JAVA)
    java_seed(app)
    return app


def test_java_seed_is_idempotent(java):
    """scripts/seed.sh run again: each file finds what the first run made (the same ids), and the
    products' stock is reset."""
    categories, customers, products, orders = java_seed(java)
    assert [c["name"] for c in categories] == ["electronics", "books", "movies"]
    assert [c.id for c in customers] == ["999"]
    assert len(products) == len(PRODUCTS)
    assert [o["status"] for o in orders] == ["cart", "processing", "shipped", "delivered"]
    assert java.data("Category.all().count()") == 3
    assert java.data("Order.all().count()") >= 4
    assert java.data("Customer.byId('999')!.orders.count()") == 4


def test_java_get_customer(java):
    """CustomersController.get: the projection; an unknown id is `document_not_found`, which
    ApiExceptionHandler turns into a 404."""
    assert java.data("let customer: Any = Customer.byId(${id})!\n${response}", id="999", response=CUSTOMER_RESPONSE) == {
        "id": "999",
        "name": "Valued Customer",
        "email": "fake@fauna.com",
        "address": valued_customer("Herengracht")["address"],
    }
    error = java.error("let customer: Any = Customer.byId(${id})!\n${response}", id="4040", response=CUSTOMER_RESPONSE)
    assert error["code"] == "document_not_found"
    assert error["message"] == "Collection `Customer` does not contain document with id 4040."


NATASHA = {
    "name": "Natasha Romanoff",
    "email": "natasha.romanoff@avengers.com",
    "address": {"street": "Avengers Tower", "city": "New York", "state": "NY", "postalCode": "10001", "country": "USA"},
}


def test_java_create_and_update_customer(java):
    """CustomersController.create and update with scripts/requests.http's customer; the same email again
    fails the unique constraint, and a Customer whose `address` was left out (ClassCodec sends it as null)
    is refused: both ConstraintFailureException, a 400."""
    created = java.data("let customer: Any = Customer.create(${customer})\n${response}", customer=NATASHA, response=CUSTOMER_RESPONSE)
    assert {k: v for k, v in created.items() if k != "id"} == NATASHA
    moved = {**NATASHA, "address": {**NATASHA["address"], "street": "Avengers Compound", "city": "Schroon Lake"}}
    updated = java.data(
        "let customer: Any = Customer.byId(${id})!.update(${customer})\n${response}",
        id=created["id"],
        customer=moved,
        response=CUSTOMER_RESPONSE,
    )
    assert updated == {"id": created["id"], **moved}

    again = java.error("let customer: Any = Customer.create(${customer})\n${response}", customer=NATASHA, response=CUSTOMER_RESPONSE)
    assert again["code"] == "constraint_failure"
    assert again["constraint_failures"] == [{"paths": [["email"]], "message": "Failed unique constraint"}]

    no_address = {**NATASHA, "email": "black.widow@avengers.com", "address": None}
    refused = java.error("let customer: Any = Customer.create(${customer})\n${response}", customer=no_address, response=CUSTOMER_RESPONSE)
    assert refused["code"] == "constraint_failure"
    assert refused["constraint_failures"][0]["paths"] == [["address"]]
    assert refused["constraint_failures"][0]["message"].startswith("Missing required field of type {")


#: ProductsController.paginate's main query around its sub-query.
JAVA_PRODUCT_PAGE = """
${subQuery}
  .map(product => {
    let product: Any = product
    let category: Any = product.category
    {
      id: product.id,
      name: product.name,
      price: product.price,
      description: product.description,
      stock: product.stock,
      category: { id: category.id, name: category.name, description: category.description },
    }
  })
"""


def test_java_paginate_products(java):
    """ProductsController.paginate: Product.sortedByCategory() in pages (requests.http's pageSize=1, then
    its afterToken), every product once; by category, `Product.byCategory(Category.byName(c).first())`;
    a category that does not exist is an empty page."""
    sub = Fql("Product.sortedByCategory().pageSize(${pageSize})", pageSize=1)
    first = java.first_page(JAVA_PRODUCT_PAGE, subQuery=sub)
    assert len(first["data"]) == 1 and first["after"]
    second = java.next_page(first["after"])
    assert len(second["data"]) == 1 and second["data"][0]["id"] != first["data"][0]["id"]

    pages = java.pages(JAVA_PRODUCT_PAGE, subQuery=Fql("Product.sortedByCategory().pageSize(${pageSize})", pageSize=4))
    products = [p for page in pages for p in page]
    assert [len(page) for page in pages][:-1] == [4] * (len(pages) - 1)
    assert len({p["id"] for p in products}) == len(products) == java.data("Product.all().count()")
    for product in products:
        assert_product(product)
    # sortedByCategory orders by the category's ref: the categories in the order they were created.
    order = {name: i for i, name in enumerate(["electronics", "books", "movies"])}
    ranks = [order.get(p["category"]["name"], 0) for p in products]
    assert ranks == sorted(ranks)

    by_books = Fql("Product.byCategory(Category.byName(${category}).first()).pageSize(${pageSize})", category="books", pageSize=10)
    books = java.first_page(JAVA_PRODUCT_PAGE, subQuery=by_books)
    assert {p["name"] for p in books["data"]} >= {"For Whom the Bell Tolls", "Getting Started with Fauna"}
    assert {p["category"]["name"] for p in books["data"]} == {"books"}
    nothing = Fql("Product.byCategory(Category.byName(${category}).first()).pageSize(${pageSize})", category="toys", pageSize=10)
    assert java.first_page(JAVA_PRODUCT_PAGE, subQuery=nothing) == {"data": [], "after": None}


#: ProductsController.create.
JAVA_CREATE_PRODUCT = """
let input = ${req};
let category = Category.byName(input.category).first()
if (category == null) abort("Category does not exist.")
let args = { name: input.name, price: input.price, stock: input.stock, description: input.description, category: category }
let product: Any = Product.create(args)
""" + PRODUCT_PROJECTION

#: ProductsController.update.
JAVA_UPDATE_PRODUCT = """
let input = ${req};
let product: Any = Product.byId(${id})!
let category = Category.byName(input.category ?? "").first()
if (input.category != null && category == null) abort("Category does not exist.")
let fields = { name: input.name, price: input.price, stock: input.stock, description: input.description }
if (category != null) {
  product!.update(Object.assign(fields, { category: category }))
} else {
  product!.update(fields)
}
""" + PRODUCT_PROJECTION


def product_request(name: str, stock: int | None, category: str | None = "electronics", price: int = 9999) -> dict:
    """A ProductRequest as ClassCodec encodes it: `stockQuantity` under its @FaunaField name `stock`."""
    return {"name": name, "description": "All the cool kids have one.", "price": price, "stock": stock, "category": category}


def test_java_create_and_update_product(java):
    """ProductsController.create and update. requests.http posts `quantity`, a field ProductRequest does
    not have, so `stock` goes as null and Fauna refuses the product (as it would the app's update); with
    `stockQuantity` it is created. A taken name, a negative price, an unknown category (the app's abort)
    and an unknown id are the errors ApiExceptionHandler maps."""
    missing_stock = java.error(JAVA_CREATE_PRODUCT, req=product_request("Coolest toy", None))
    assert missing_stock["code"] == "constraint_failure"
    assert missing_stock["constraint_failures"] == [{"paths": [["stock"]], "message": "Missing required field of type Int"}]

    created = java.data(JAVA_CREATE_PRODUCT, req=product_request("Coolest toy", 99))
    assert_product(created)
    assert (created["name"], created["stock"], created["category"]["name"]) == ("Coolest toy", 99, "electronics")
    assert created["category"]["description"] == "Bargain electronics!"

    taken = java.error(JAVA_CREATE_PRODUCT, req=product_request("Coolest toy", 1))
    assert taken["constraint_failures"] == [{"paths": [["name"]], "message": "Failed unique constraint"}]
    negative = java.error(JAVA_CREATE_PRODUCT, req=product_request("Cheapest toy", 1, price=-1))
    assert negative["code"] == "constraint_failure"
    assert negative["constraint_failures"] == [{"paths": [], "message": "Document failed check constraint `priceIsValid`"}]
    unknown = java.error(JAVA_CREATE_PRODUCT, req=product_request("Toy", 1, category="toys"))
    assert (unknown["code"], unknown["abort"]) == ("abort", "Category does not exist.")

    updated = java.data(JAVA_UPDATE_PRODUCT, id=created["id"], req=product_request("Coolest toy", 1, category="books"))
    assert (updated["id"], updated["stock"], updated["category"]["name"]) == (created["id"], 1, "books")
    kept = java.data(JAVA_UPDATE_PRODUCT, id=created["id"], req=product_request("Coolest toy", 2, category=None))
    assert (kept["stock"], kept["category"]["name"]) == (2, "books")
    dropped = java.error(JAVA_UPDATE_PRODUCT, id=created["id"], req=product_request("Coolest toy", None))
    assert dropped["constraint_failures"] == [{"paths": [["stock"]], "message": "Missing required field of type Int"}]
    unknown = java.error(JAVA_UPDATE_PRODUCT, id=created["id"], req=product_request("Coolest toy", 1, category="toys"))
    assert unknown["abort"] == "Category does not exist."
    missing = java.error(JAVA_UPDATE_PRODUCT, id="4040", req=product_request("Coolest toy", 1))
    assert missing["code"] == "document_not_found"


JAVA_SEARCH = """
Product.sortedByPriceLowToHigh({ from: ${minPrice}, to: ${maxPrice}})
.pageSize(${pageSize}).map(product => {
    let product: Any = product
    """ + PRODUCT_PROJECTION + """
  })
"""


def test_java_search_products(java):
    """ProductsController.search (requests.http's minPrice=1000&maxPrice=10000): the covered range of
    sortedByPriceLowToHigh, cheapest first and by name within a price, both bounds inclusive, in pages."""
    found = [p for page in java.pages(JAVA_SEARCH, minPrice=1000, maxPrice=10000, pageSize=3) for p in page]
    expected = java.data("Product.all().where(p => p.price >= 1000 && p.price <= 10000).toArray().map(p => [p.price, p.name])")
    assert [[p["price"], p["name"]] for p in found] == sorted(expected)
    seeded = [p["name"] for p in found if p["name"] in {n for n, *_ in PRODUCTS}]
    assert seeded == ["The Godfather", "The Godfather II", "The Godfather III", "Getting Started with Fauna", "Rapsberry Pi", "Drone", "iPhone"]
    for product in found:
        assert_product(product)


#: OrdersController.getByCustomer.
JAVA_CUSTOMER_ORDERS = """
let customer: Any = Customer.byId(${customerId})!
Order.byCustomer(customer).pageSize(${pageSize}).map((order) => {
  let order: Any = order
  ${response}
})
"""
#: OrdersController.createCart, addToCart, getCart, get.
JAVA_CREATE_CART = "let order: Any = getOrCreateCart(${customerId})\n${response}"
JAVA_ADD_TO_CART = "let req = ${req}\nlet order: Any = createOrUpdateCartItem(${customerId}, req.productName, req.quantity)\n${response}"
JAVA_GET_CART = "let order: Any = Customer.byId(${customerId})!.cart\n${response}"
JAVA_GET_ORDER = "let order: Any = Order.byId(${id})!\n${response}"
#: OrdersController.update: checkout for "processing", else a checked update.
JAVA_CHECKOUT = "let req = ${req}\nlet order: Any = checkout(${id}, req.status, req.payment)\n${response}"
JAVA_UPDATE_ORDER = """
let order: Any = Order.byId(${id})!
let req = ${req}
if (req.status != null) {
  validateOrderStatusTransition(order!.status, req.status)
}
if (order!.status != "cart" && req.payment != null) {
  abort("Can not update payment information after an order has been placed.")
}
order.update(req)
${response}
"""


def test_java_orders_of_the_valued_customer(java):
    """OrdersController.getByCustomer, getCart, createCart and get for the seeded customer: four orders,
    each a Drone; the cart exists, so createCart answers it. The seed's Drone has no stock, so its cart
    cannot be checked out (the UDF's abort, on Fauna too), and requests.http's "Raspberry Pi" is not the
    seed's "Rapsberry Pi" (the UDF's "Product does not exist.")."""
    pages = java.pages(JAVA_CUSTOMER_ORDERS, customerId="999", pageSize=3, response=ORDER_RESPONSE)
    orders = [o for page in pages for o in page]
    assert [len(page) for page in pages] == [3, 1]
    assert sorted(o["status"] for o in orders) == ["cart", "delivered", "processing", "shipped"]
    for order in orders:
        assert_order(order)
        assert [(i["product"]["name"], i["quantity"]) for i in order["items"]] == [("Drone", 1)]
        assert order["customer"]["id"] == "999"

    cart = java.data(JAVA_GET_CART, customerId="999", response=ORDER_RESPONSE)
    assert_order(cart, "cart")
    assert java.data(JAVA_CREATE_CART, customerId="999", response=ORDER_RESPONSE)["id"] == cart["id"]
    assert java.data(JAVA_GET_ORDER, id=cart["id"], response=ORDER_RESPONSE) == cart

    raspberry = java.error(JAVA_ADD_TO_CART, customerId="999", req={"productName": "Raspberry Pi", "quantity": 1}, response=ORDER_RESPONSE)
    assert (raspberry["code"], raspberry["abort"]) == ("abort", "Product does not exist.")
    sold_out = java.error(JAVA_CHECKOUT, id=cart["id"], req={"status": "processing", "payment": None}, response=ORDER_RESPONSE)
    assert sold_out["abort"] == "One of the selected products does not have the requested quantity in stock."

    for text, args in [
        (JAVA_CUSTOMER_ORDERS, {"customerId": "4040", "pageSize": 10}),
        (JAVA_GET_CART, {"customerId": "4040"}),
        (JAVA_CREATE_CART, {"customerId": "4040"}),
        (JAVA_GET_ORDER, {"id": "4040"}),
    ]:
        assert java.error(text, response=ORDER_RESPONSE, **args)["code"] == "document_not_found"


def test_java_cart_and_checkout(java):
    """A new customer's way through OrdersController: createCart (an empty cart), addToCart twice for one
    product (one item, its quantity replaced), the UDF's aborts for too many or fewer than none, then
    update to "processing" (the checkout UDF: stock taken, status set; getCart then reads `id` of a null
    cart, `invalid_null_access`, a 400 to the app). OrderUpdate's `payment` is an
    Integer, which the `{ *: Any }` field refuses, and a later update sends `payment: null`, which unsets
    the required field: the app's own bugs, on Fauna too. A transition the UDF forbids is its abort."""
    customer = java.data(
        "let customer: Any = Customer.create(${customer})\n${response}",
        customer={**NATASHA, "email": "yelena@avengers.com"},
        response=CUSTOMER_RESPONSE,
    )
    cid = customer["id"]
    cart = java.data(JAVA_CREATE_CART, customerId=cid, response=ORDER_RESPONSE)
    assert_order(cart, "cart")
    assert (cart["items"], cart["total"], cart["payment"]) == ([], 0, {})
    assert java.data(JAVA_CREATE_CART, customerId=cid, response=ORDER_RESPONSE)["id"] == cart["id"]

    stock = java.data("Product.byName('iPhone').first()!.stock")
    once = java.data(JAVA_ADD_TO_CART, customerId=cid, req={"productName": "iPhone", "quantity": 2}, response=ORDER_RESPONSE)
    assert [(i["product"]["name"], i["quantity"]) for i in once["items"]] == [("iPhone", 2)]
    twice = java.data(JAVA_ADD_TO_CART, customerId=cid, req={"productName": "iPhone", "quantity": 3}, response=ORDER_RESPONSE)
    assert twice["id"] == cart["id"] and [(i["product"]["name"], i["quantity"]) for i in twice["items"]] == [("iPhone", 3)]
    assert twice["total"] == 30000
    too_many = java.error(JAVA_ADD_TO_CART, customerId=cid, req={"productName": "iPhone", "quantity": stock + 1}, response=ORDER_RESPONSE)
    assert too_many["abort"] == "Product does not have the requested quantity in stock."
    negative = java.error(JAVA_ADD_TO_CART, customerId=cid, req={"productName": "iPhone", "quantity": -1}, response=ORDER_RESPONSE)
    assert negative["abort"] == "Quantity must be a non-negative integer."
    assert java.data(JAVA_GET_CART, customerId=cid, response=ORDER_RESPONSE) == twice

    integer = java.error(JAVA_CHECKOUT, id=cart["id"], req={"status": "processing", "payment": 4111}, response=ORDER_RESPONSE)
    assert integer["code"] == "constraint_failure"
    assert integer["constraint_failures"][0]["paths"] == [["payment"]]
    assert java.data("Product.byName('iPhone').first()!.stock") == stock

    placed = java.data(JAVA_CHECKOUT, id=cart["id"], req={"status": "processing", "payment": None}, response=ORDER_RESPONSE)
    assert_order(placed, "processing")
    assert java.data("Product.byName('iPhone').first()!.stock") == stock - 3
    no_cart = java.error(JAVA_GET_CART, customerId=cid, response=ORDER_RESPONSE)
    assert (no_cart["code"], no_cart["message"]) == ("invalid_null_access", "Cannot access `id` on null.")

    again = java.error(JAVA_CHECKOUT, id=cart["id"], req={"status": "processing", "payment": None}, response=ORDER_RESPONSE)
    assert again["abort"] == "Invalid status transition."
    skipped = java.error(JAVA_UPDATE_ORDER, id=cart["id"], req={"status": "delivered", "payment": None}, response=ORDER_RESPONSE)
    assert skipped["abort"] == "Invalid status transition."
    paid = java.error(JAVA_UPDATE_ORDER, id=cart["id"], req={"status": "shipped", "payment": 1}, response=ORDER_RESPONSE)
    assert paid["abort"] == "Can not update payment information after an order has been placed."
    shipped = java.error(JAVA_UPDATE_ORDER, id=cart["id"], req={"status": "shipped", "payment": None}, response=ORDER_RESPONSE)
    assert shipped["code"] == "constraint_failure"
    assert shipped["constraint_failures"] == [{"paths": [["payment"]], "message": "Missing required field of type { *: Any }"}]
    assert java.data(JAVA_GET_ORDER, id=cart["id"], response=ORDER_RESPONSE)["status"] == "processing"
    assert java.error(JAVA_CHECKOUT, id="4040", req={"status": "processing", "payment": None}, response=ORDER_RESPONSE)["code"] == (
        "document_not_found"
    )


# -- fauna/dotnet-sample-app --------------------------------------------------------------------------------


def dotnet_seed(app: Driver) -> None:
    """Services/SeedService.Init: every Customer, Product and Order deleted, then categories, products,
    the customer and its orders made again, each query ending in `{}`."""
    for coll in ("Customer", "Product", "Order"):
        assert app.data(f"{coll}.all().forEach(c => c.delete())") is None
    products = seed_products(rename={"Rapsberry Pi": "Raspberry Pi"}, stock={"Drone": 1})
    customer = {**valued_customer("123 Main St"), "address": {**valued_customer("")["address"], "street": "123 Main St"}}
    for text, args in [
        (SEED_CATEGORIES, {"categories": ["electronics", "books", "movies"]}),
        (SEED_PRODUCTS, {"products": products}),
        (SEED_CUSTOMERS, {"customers": [customer]}),
        (SEED_ORDERS, {}),
    ]:
        assert app.data(text + "\n{}", **args) == {}


@pytest.fixture(scope="module")
def dotnet(server) -> Driver:
    """setup-local.sh: database ECommerceDotnet, an admin key of it (TestSetup's secret too), `fauna schema
    push` and `commit`; then TestSetup.SetupOnce's SeedService.Init."""
    admin = child_database(server, "ECommerceDotnet")
    push_and_commit(server, admin, SCHEMA_FILES)
    app = Driver(server.url, admin, CSHARP)
    dotnet_seed(app)
    return app


#: QuerySnippets.ProductResponse: a projection whose fields are aliases, with a trailing comma.
DOTNET_PRODUCT_RESPONSE = Fql("""
let product: Any = product
let category: Any = product.category
product {
    id: product.id,
    name: product.name,
    price: product.price,
    description: product.description,
    stock: product.stock,
    category: {
        id: category.id,
        name: category.name,
        description: category.description
    },
}
""")
#: Customers.GetCustomer, CreateCustomer, UpdateCustomer, GetOrdersByCustomer, CreateCart, AddItemToCart,
#: GetCart; Orders.GetOrder and UpdateOrder: the Java app's queries, composed the same way.
DOTNET_GET_CUSTOMER = "let customer: Any = Customer.byId(${customerId})!\n${response}"
DOTNET_CREATE_CUSTOMER = "let customer: Any = Customer.create(${customer})\n${response}"
DOTNET_UPDATE_CUSTOMER = "let customer: Any =  Customer.byId(${customerId})!.update(${customer})\n${response}"


def customer_request(name: str, email: str) -> dict:
    """A CustomerRequest: public properties, camelCased by the C# driver."""
    address = {"street": "33 Sample Street", "city": "Sample City", "state": "Sample State", "postalCode": "12345", "country": "Sample Country"}
    return {"name": name, "email": email, "address": address}


def test_dotnet_add_item_to_cart(dotnet):
    """CustomersTest.AddItemToCartTest: two iPhones into customer 999's cart, beside the seeded Drone."""
    order = dotnet.data(JAVA_ADD_TO_CART, customerId="999", req={"productName": "iPhone", "quantity": 2}, response=ORDER_RESPONSE)
    assert_order(order, "cart")
    assert {i["product"]["name"]: i["quantity"] for i in order["items"]} == {"Drone": 1, "iPhone": 2}


def test_dotnet_create_customer_cart(dotnet):
    """CustomersTest.CreateCustomerCartTest: getOrCreateCart answers the existing cart, with items."""
    order = dotnet.data(JAVA_CREATE_CART, customerId="999", response=ORDER_RESPONSE)
    assert_order(order, "cart")
    assert len(order["items"]) > 0


def test_dotnet_create_and_update_customer(dotnet):
    """CustomersTest.CreateCustomerTest and UpdateCustomerTest: the created customer's name, the id the
    CreatedAtAction route takes, and the updated name."""
    created = dotnet.data(DOTNET_CREATE_CUSTOMER, customer=customer_request("Sample Customer", "CreateCustomerTest1@fauna.com"), response=CUSTOMER_RESPONSE)
    assert created["name"] == "Sample Customer"
    renamed = customer_request("Sample Customer Updated", "CreateCustomerTest1@fauna.com")
    updated = dotnet.data(DOTNET_UPDATE_CUSTOMER, customerId=created["id"], customer=renamed, response=CUSTOMER_RESPONSE)
    assert updated == {"id": created["id"], **renamed}


def test_dotnet_get_cart_customer_and_orders(dotnet):
    """CustomersTest.GetCartTest, GetCustomerOrdersTest, GetCustomerTest; a cart, orders or customer of an
    unknown id is `document_not_found` (ExceptionHandlingMiddleware's 500: only an abort that says "does
    not exist" is its 404)."""
    cart = dotnet.data(JAVA_GET_CART, customerId="999", response=ORDER_RESPONSE)
    assert_order(cart, "cart")
    assert len(cart["items"]) > 0
    page = dotnet.first_page(JAVA_CUSTOMER_ORDERS, customerId="999", pageSize=10, response=ORDER_RESPONSE)
    assert len(page["data"]) == 4 and page["after"] is None
    assert dotnet.data(DOTNET_GET_CUSTOMER, customerId="999", response=CUSTOMER_RESPONSE)["id"] == "999"
    for text in (JAVA_GET_CART, JAVA_CUSTOMER_ORDERS, DOTNET_GET_CUSTOMER):
        error = dotnet.error(text, customerId="4040", pageSize=10, response=ORDER_RESPONSE)
        assert error["code"] == "document_not_found"


def test_dotnet_get_and_update_order(dotnet):
    """OrdersTest.GetOrderTest and UpdateOrderTest: `Order.all().first()` is the seed's first order, the
    cart; an OrderRequest of status "processing" and its default empty payment checks it out (the Drone
    the .NET seed stocks once, the iPhones AddItemToCartTest put in)."""
    oid = dotnet.data("let o = Order.all().first(); o.id")
    order = dotnet.data(JAVA_GET_ORDER, id=oid, response=ORDER_RESPONSE)
    assert order["id"] == oid and order["status"] == "cart"
    stock = dotnet.data("[Product.byName('Drone').first()!.stock, Product.byName('iPhone').first()!.stock]")
    placed = dotnet.data(JAVA_CHECKOUT, id=oid, req={"status": "processing", "payment": {}}, response=ORDER_RESPONSE)
    assert_order(placed, "processing")
    assert placed["payment"] == {}
    assert dotnet.data("[Product.byName('Drone').first()!.stock, Product.byName('iPhone').first()!.stock]") == [stock[0] - 1, stock[1] - 2]
    # Orders.UpdateOrder for other statuses sends the whole OrderRequest, whose payment defaults to `{}`,
    # not null: a placed order is refused any further status (the app's own bug, on Fauna too).
    shipped = dotnet.error(JAVA_UPDATE_ORDER, id=oid, req={"status": "shipped", "payment": {}}, response=ORDER_RESPONSE)
    assert shipped["abort"] == "Can not update payment information after an order has been placed."
    refused = dotnet.error(JAVA_UPDATE_ORDER, id=oid, req={"status": "pending", "payment": {}}, response=ORDER_RESPONSE)
    assert refused["abort"] == "Invalid status transition."


#: Products.CreateProduct: the request's fields as separate arguments.
DOTNET_CREATE_PRODUCT = """
let category = Category.byName(${category}).first()
if (category == null) abort("Category does not exist.")
let args = {
     name: ${name},
     price: ${price},
     stock: ${stock},
     description: ${description},
     category: category
}
let product: Any = Product.create(args)
${response}
"""
#: Products.UpdateProductById.
DOTNET_UPDATE_PRODUCT = """
let product: Any = Product.byId(${id})!
if (product == null) abort("Product does not exist.")
let category:Any = Category.byName(${category})?.first()
if (category == null) abort("Category does not exist.")
let newCategory: Any = Category.byName(${category})?.first()
let fields = {
    name: ${name},
    price: ${price},
    stock: ${stock},
    description: ${description}
}
if (newCategory != null && newCategory.id != category.id) {
  product!.update(Object.assign(fields, { category: category }))
} else {
  product!.update(fields)
}
${response}
"""
#: Products.PaginateProducts' prefix for a category, then its main query.
DOTNET_BY_CATEGORY = """
let category = Category.byName(${category}).first()
if (category == null) abort("Category does not exist.")

Product.byCategory(category).pageSize(${pageSize})
"""
DOTNET_PRODUCT_PAGE = "${prefix}.map(product => {\n${response}\n})"


def test_dotnet_create_product(dotnet):
    """ProductsTest.CreateProductTest: "Shiny" in electronics; an unknown category is the abort the
    middleware answers 404."""
    args = {"name": "Shiny", "description": "A shiny new thing", "price": 1999, "stock": 100, "response": DOTNET_PRODUCT_RESPONSE}
    product = dotnet.data(DOTNET_CREATE_PRODUCT, category="electronics", **args)
    assert_product(product)
    assert (product["name"], product["category"]["name"]) == ("Shiny", "electronics")
    unknown = dotnet.error(DOTNET_CREATE_PRODUCT, category="toys", **{**args, "name": "Dull"})
    assert (unknown["code"], unknown["abort"]) == ("abort", "Category does not exist.")


def test_dotnet_paginate_products(dotnet):
    """ProductsTest.PaginateProductsTest: pages of at most 5 until `after` is null, every product once;
    by category through the prefix's own `let`s and abort (a fragment spliced into the text)."""
    pages = dotnet.pages(DOTNET_PRODUCT_PAGE, prefix=Fql("Product.sortedByCategory().pageSize(${pageSize})", pageSize=5), response=DOTNET_PRODUCT_RESPONSE)
    assert all(len(page) <= 5 for page in pages)
    ids = [p["id"] for page in pages for p in page]
    assert len(set(ids)) == len(ids) == dotnet.data("Product.all().count()")
    movies = dotnet.first_page(DOTNET_PRODUCT_PAGE, prefix=Fql(DOTNET_BY_CATEGORY, category="movies", pageSize=10), response=DOTNET_PRODUCT_RESPONSE)
    assert sorted(p["name"] for p in movies["data"]) == ["The Godfather", "The Godfather II", "The Godfather III"]
    unknown = dotnet.error(DOTNET_PRODUCT_PAGE, prefix=Fql(DOTNET_BY_CATEGORY, category="toys", pageSize=10), response=DOTNET_PRODUCT_RESPONSE)
    assert unknown["abort"] == "Category does not exist."


def test_dotnet_search_products(dotnet):
    """Products.SearchProducts with its defaults (0 to 10000, pages of 10), the aliased projection."""
    found = dotnet.first_page(
        "Product.sortedByPriceLowToHigh({ from: ${minPrice}, to: ${maxPrice}})\n.pageSize(${pageSize}).map(product => {\n${response}\n})",
        minPrice=0,
        maxPrice=10000,
        pageSize=10,
        response=DOTNET_PRODUCT_RESPONSE,
    )
    prices = [p["price"] for p in found["data"]]
    assert prices == sorted(prices) and all(0 <= p <= 10000 for p in prices)
    assert found["data"][0]["name"] == "For Whom the Bell Tolls"


def test_dotnet_update_product(dotnet):
    """ProductsTest.UpdateProductByIdTest: `Product.all().first()` renamed, its category kept; an unknown
    category is the abort, an unknown id `document_not_found` (the `!` fails before the app's own null
    check)."""
    pid = dotnet.data("let p = Product.all().first(); p.id")
    args = {"name": "Updated name", "description": "Updated description.", "price": 100, "stock": 100, "response": DOTNET_PRODUCT_RESPONSE}
    product = dotnet.data(DOTNET_UPDATE_PRODUCT, id=pid, category="electronics", **args)
    assert (product["id"], product["name"], product["price"]) == (pid, "Updated name", 100)
    assert dotnet.error(DOTNET_UPDATE_PRODUCT, id=pid, category="toys", **args)["abort"] == "Category does not exist."
    assert dotnet.error(DOTNET_UPDATE_PRODUCT, id="4040", category="electronics", **args)["code"] == "document_not_found"


def test_dotnet_seed_again(dotnet):
    """The next `dotnet test`'s SeedService.Init: the deleted customer 999 is made again under its id, the
    products and the four orders anew (the old OrderItems stay, pointing at deleted documents, which the
    `total` computed field skips)."""
    before = dotnet.data("Product.byName('Drone').first()!.id")
    dotnet_seed(dotnet)
    assert dotnet.data("Customer.all().map(.id).toArray()") == ["999"]
    assert dotnet.data("Product.byName('Drone').first()!.id") != before
    assert dotnet.data("Product.all().count()") == len(PRODUCTS)
    orders = dotnet.data("Order.all().toArray().map(o => [o.status, o.total, o.items.count()])")
    assert orders == [["cart", 9000, 1], ["processing", 9000, 1], ["shipped", 9000, 1], ["delivered", 9000, 1]]


# -- fauna/examples: the v4 CRUD services -------------------------------------------------------------------


class V4:
    """POST / with a v4 driver's API version: its requests and answers as the driver sends and reads them."""

    def __init__(self, url: str, secret: str, version: str):
        self.url, self.secret, self.version = url, secret, version

    def answer(self, expr) -> tuple[int, dict]:
        headers = {"Authorization": f"Bearer {self.secret}", "X-FaunaDB-API-Version": self.version}
        response = httpx.post(self.url + "/", content=json.dumps(expr), headers=headers, timeout=WAIT)
        return response.status_code, response.json()

    def ok(self, expr):
        status, body = self.answer(expr)
        assert status in (200, 201), body
        return body["resource"]

    def error(self, expr) -> tuple[int, str, str]:
        status, body = self.answer(expr)
        error = body["errors"][0]
        return status, error["code"], error["description"]


def obj(fields: dict) -> dict:
    """A v4 object literal, `{"object": {...}}`, as the drivers write Obj(...) and Value(entity)."""
    return {"object": fields}


def examples_database(server, name: str, version: str, schema: list) -> V4:
    """`fauna create-database <name>`, `fauna run-queries <name> --file=./scripts/create_schema.fql`
    (each statement a query), and `fauna create-key <name> server`."""
    root = V4(server.url, "secret", version)
    root.ok({"create_database": obj({"name": name})})
    secret = root.ok({"create_key": obj({"database": {"database": name}, "role": "server"})})["secret"]
    app = V4(server.url, secret, version)
    for statement in schema:
        app.ok(statement)
    return app


def post_ref(coll: dict, id_) -> dict:
    return {"ref": coll, "id": id_}


def save_query(coll: dict, id_, data) -> dict:
    """FaunaRepository.saveQuery: Replace when the post exists, else Create, answering its `data`."""
    ref = post_ref(coll, id_)
    params = obj({"data": data})
    return {"select": "data", "from": {"if": {"exists": ref}, "then": {"replace": ref, "params": params}, "else": {"create": ref, "params": params}}}


def map_data(page: dict) -> dict:
    """findAll / findByTitle: each ref of the page replaced by its document's `data`."""
    return {"map": {"lambda": "nextRef", "expr": {"select": "data", "from": {"get": {"var": "nextRef"}}}}, "collection": page}


def cursor_id(page: dict, which: str) -> str | None:
    """FaunaRepository.toPage: the id of the cursor's first element, the ref."""
    return page[which][0]["@ref"]["id"] if which in page else None


def crud_round(app: V4, coll: dict, all_posts: dict, not_found: str) -> None:
    """PostService through FaunaRepository, as both the Java and the Scala service run it; `not_found` is
    the version's wording of `instance not found` (core says instance before 2.7)."""
    one = app.ok({"new_id": None})
    assert isinstance(one, str) and one.isdigit()
    post = {"id": one, "title": "My cat and other marvels", "tags": ["pet", "cute"]}
    assert app.ok(save_query(coll, one, obj(post))) == post

    ids = app.ok({"map": {"lambda": "i", "expr": {"new_id": None}}, "collection": [0, 1, 2]})
    assert len(set(ids)) == 3 and one not in ids
    several = [
        {"id": ids[0], "title": "Pondering during a commute", "tags": ["commuting"]},
        {"id": ids[1], "title": "Deep meanings in a latte", "tags": ["coffee"]},
        {"id": ids[2], "title": "My cat and other marvels", "tags": []},
    ]
    entity_id = {"select": "id", "from": {"var": "entity"}}
    save_all = {"map": {"lambda": "entity", "expr": save_query(coll, entity_id, {"var": "entity"})}, "collection": [obj(p) for p in several]}
    assert app.ok(save_all) == several

    assert app.ok({"select": "data", "from": {"get": post_ref(coll, one)}}) == post
    assert app.error({"select": "data", "from": {"get": post_ref(coll, "1")}}) == (404, "instance not found", not_found)

    first = app.ok(map_data({"paginate": all_posts, "size": 2}))
    assert first["data"] == [post, several[0]] and "before" not in first
    after = cursor_id(first, "after")
    assert after == ids[1]
    second = app.ok(map_data({"paginate": all_posts, "size": 2, "after": post_ref(coll, after)}))
    assert second["data"] == several[1:] and "after" not in second
    assert cursor_id(second, "before") == ids[1]
    back = app.ok(map_data({"paginate": all_posts, "size": 2, "before": post_ref(coll, cursor_id(second, "before"))}))
    assert back == first

    by_title = {"match": {"index": "posts_by_title"}, "terms": "My cat and other marvels"}
    assert app.ok(map_data({"paginate": by_title, "size": 10})) == {"data": [post, several[2]]}

    # replacePost: find, then save with the new fields; a title alone leaves `tags` null, which is not kept.
    replaced = app.ok(save_query(coll, one, obj({"id": one, "title": "My dog and other marvels", "tags": None})))
    assert replaced == {"id": one, "title": "My dog and other marvels"}
    assert app.ok({"select": "data", "from": {"get": post_ref(coll, one)}}) == replaced

    assert app.ok({"select": "data", "from": {"delete": post_ref(coll, one)}}) == replaced
    assert app.error({"select": "data", "from": {"delete": post_ref(coll, one)}}) == (404, "instance not found", not_found)


def test_examples_java_crud(server):
    """java/faunadb-crud-example-app (faunadb-java 2.6.0, API 2.1): create_schema.fql's CreateClass and
    two CreateIndex, then PostService's operations: NewId and saveQuery (If Exists Replace else Create)
    for one post and for several in one Map, find (NotFoundException is the controller's 404), findAll
    and findByTitle in pages whose `after` and `before` (`[ref]`, answered with `class` at 2.1) are
    sent back as a bare `Ref(Class("posts"), id)`, replace and remove."""
    schema = [
        {"create_class": obj({"name": "posts"})},
        {"create_index": obj({"name": "all_posts", "source": {"class": "posts"}})},
        {"create_index": obj({"name": "posts_by_title", "source": {"class": "posts"}, "terms": [obj({"field": ["data", "title"]})]})},
    ]
    app = examples_database(server, "demo-app-java", "2.1", schema)
    page = app.ok({"paginate": {"match": {"index": "all_posts"}}})
    assert page == {"data": []}
    crud_round(app, {"class": "posts"}, {"match": {"index": "all_posts"}}, "Instance not found.")
    ref = app.ok({"paginate": {"match": {"index": "all_posts"}}})["data"][0]["@ref"]
    assert ref["class"] == {"@ref": {"id": "posts", "class": {"@ref": {"id": "classes"}}}}


def test_examples_scala_crud(server):
    """scala/faunadb-crud-example-app (faunadb-scala 3.0.0, API 3): CreateCollection and posts_by_title,
    the same repository, and findAll over `Documents(Collection("posts"))` with its After and Before
    cursors (refs named with `collection` from 2.7)."""
    schema = [
        {"create_collection": obj({"name": "posts"})},
        {"create_index": obj({"name": "posts_by_title", "source": {"collection": "posts"}, "terms": [obj({"field": ["data", "title"]})]})},
    ]
    app = examples_database(server, "demo-app-scala", "3", schema)
    crud_round(app, {"collection": "posts"}, {"documents": {"collection": "posts"}}, "Document not found.")
    ref = app.ok({"paginate": {"documents": {"collection": "posts"}}})["data"][0]["@ref"]
    assert ref["collection"] == {"@ref": {"id": "posts", "collection": {"@ref": {"id": "collections"}}}}


def test_examples_python_crud(server):
    """python/faunadb-crud-example-app (faunadb 2.5.0, API 2.1; Python 2, so not run here): its queries
    and what each answers. Its own bugs, on Fauna too: PostList.post stores each post's whole object
    under `data.title`, so posts_by_title finds nothing by a title; Post.put sends `Create(Class("posts"),
    {id, title, tags})`, a new post whose top-level fields are not document fields (core's Document mask
    drops them), not an update; PostList.get answers an undefined `result`."""
    schema = [
        {"create_class": obj({"name": "posts"})},
        {"create_index": obj({"name": "all_posts", "source": {"class": "posts"}})},
        {"create_index": obj({"name": "posts_by_title", "source": {"class": "posts"}, "terms": [obj({"field": ["data", "title"]})]})},
    ]
    app = examples_database(server, "demo-app-python", "2.1", schema)
    posts = [{"title": "My cat and other marvels", "tags": ["pet", "cute"]}, {"title": "Deep meanings in a latte", "tags": []}]
    create = {"create": {"class": "posts"}, "params": obj({"data": obj({"title": {"var": "post_data"}})})}
    created = app.ok({"map": {"lambda": "post_data", "expr": create}, "collection": [obj(p) for p in posts]})
    assert [c["data"] for c in created] == [{"title": p} for p in posts]
    ids = [c["ref"]["@ref"]["id"] for c in created]

    get_all = {"map": {"lambda": "x", "expr": {"get": {"var": "x"}}}, "collection": {"paginate": {"match": {"index": "all_posts"}}}}
    assert [d["ref"]["@ref"]["id"] for d in app.ok(get_all)["data"]] == ids
    by_title = {"paginate": {"match": {"index": "posts_by_title"}, "terms": "My cat and other marvels"}}
    assert app.ok({"map": {"lambda": "x", "expr": {"get": {"var": "x"}}}, "collection": by_title}) == {"data": []}

    assert app.ok({"get": {"ref": {"class": "posts"}, "id": ids[0]}})["data"] == {"title": posts[0]}
    put = app.ok({"create": {"class": "posts"}, "params": obj({"id": ids[0], "title": "My dog and other wonders"})})
    assert set(put) == {"ref", "ts"} and put["ref"]["@ref"]["id"] not in ids
    assert app.ok({"get": {"ref": {"class": "posts"}, "id": ids[0]}})["data"] == {"title": posts[0]}

    assert app.ok({"delete": {"ref": {"class": "posts"}, "id": ids[0]}})["data"] == {"title": posts[0]}
    assert app.error({"delete": {"ref": {"class": "posts"}, "id": ids[0]}}) == (404, "instance not found", "Instance not found.")
    assert app.error({"get": {"ref": {"class": "posts"}, "id": ids[0]}})[:2] == (404, "instance not found")
