"""Core's ext/model/src/test/scala/fql2/FQL2TypecheckSpec.scala (and its FQL2TypecheckWithV4Spec): the cases
not already ported elsewhere, each named by its spec case.

Ported before, and cited there: "can check trivial types", "can return trivial errors", "types top-level
built-ins" (but `asc`), "types user-defined collections", "typechecks fields", "typechecks strings",
"typechecks booleans", "typechecks numbers", "typechecks projection", "typechecks arrays", "typechecks sets",
"typechecks comparison operators", "typechecks math", "typechecks returns from static functions",
"typechecks args to apply functions", "typechecks args to static functions", "typechecks args to select",
"dbg does types correctly" (its type), "log does types correctly" (its types) in tests/test_core_typer.py;
"warns about uncalled functions", "warns about uncalled overloaded functions" (its warning; its type is
here), "typechecking should not 500" in tests/server/test_core_typecheck.py. `asc` of "types top-level
built-ins" is here.
"""

from __future__ import annotations

import pytest

import fql
from fql.errors import QueryCheckError
from fql.schema.manager import SchemaError
from tests.helpers import QueryEndpoint, query_v10 as q, type_of


#: The v10 envelope (`summary` with the logs) for a query, run with the root secret.
answer = QueryEndpoint(fmt="simple").body


# -- "interpreter typechecks"


REF_SCHEMA = """collection Foo {
  x: String
}

collection Bar {
  foo: Ref<Foo>
  index byFoo {
    terms [.foo]
  }
}
"""


def test_types_updates_with_refs():
    # Both pushes are taken: a document where its reference is expected, through a set and a function.
    db = fql.connect()
    db.push_schema({"test.fsl": REF_SCHEMA + """
function updateABar(foo: Foo): Null {
  let set: Set<Bar> = Bar.byFoo(foo)
  set.forEach(bar => { bar.update({ foo: foo }) })
}"""})
    db.push_schema({"test.fsl": REF_SCHEMA + """
function getASet(f: Ref<Foo>): Set<Bar> {
  Bar.byFoo(f)
}

function updateABar(foo: Foo): Null {
  getASet(foo).forEach(bar => { bar.update({ foo: foo }) })
}"""})
    assert set(db.schema_files()) == {"test.fsl"}
    assert type_of(db, "getASet") == "UserFunction<(f: Ref<Foo>) => Set<Bar>>"


def test_dbg_does_types_correctly():
    # The value and the runtime log (core's long form: the value shown under the call's argument).
    db = fql.connect(root_secret="secret")
    out = answer(db, "dbg(1 + 2) + 10")
    assert out["data"] == 13
    assert type_of(db, "dbg(1 + 2) + 10") == "Number"
    assert out["summary"] == "info: 3\nat *query*:1:4\n  |\n1 | dbg(1 + 2) + 10\n  |    ^^^^^^^\n  |"


@pytest.mark.parametrize(
    ("query", "logged"),
    [("log('hello')", "hello"), ("log('foo', 3)", "foo 3"), ("log()", "")],
)
def test_log_does_types_correctly(query, logged):
    # Null, typed Null, with no check warning; the log line the arguments make.
    db = fql.connect(root_secret="secret")
    out = answer(db, query)
    assert out["data"] is None
    assert type_of(db, query) == "Null"
    assert out["summary"] == f"info at *query*:1: {logged}"


def test_types_top_level_built_ins_generic():
    # "types top-level built-ins": a generic signature not called shows its type parameter by name.
    db = fql.connect()
    assert type_of(db, "asc") == "(accessor: (A => Any)) => { asc: A => Any }"
    assert type_of(db, "FQL.asc") == "(accessor: (A => Any)) => { asc: A => Any }"


def test_warns_about_uncalled_overloaded_functions_type():
    # "warns about uncalled overloaded functions": the lambda's type is core's overloads of `+` (the
    # warning itself is checked in tests/server/test_core_typecheck.py).
    db = fql.connect()
    assert type_of(db, "(x, y) => x + y") == "((Number, Number) => Number) & ((String, String) => String)"


# -- the cases with a database of their own


def test_function_signature_fix_invalid_projection():
    db = fql.connect()
    q(db, 'Function.create({\n  name: "Bar",\n  signature: "{ x: a } => { x: a }",\n  body: \'x => x { x }\'\n})')
    # (A struct literal with `y` would be refused by the checker as an extra field, as in core.)
    assert q(db, "let v: Any = { x: 1, y: 2 }\nBar(v)") == {"x": 1}


def test_lookup_env_for_type_annotations():
    db = fql.connect()
    q(db, "Collection.create({ name: 'Foo' })")
    assert q(db, "let a: Any = null; let b: Ref<Foo> = a; b") is None


def test_lookup_env_for_null_doc_types():
    db = fql.connect()
    q(db, "Collection.create({ name: 'Foo' })")
    q(db, 'Function.create({\n  name: "Bar",\n  signature: "() => NullFoo",\n  body: "() => { let v: Any = Foo.byId(\'0\'); v }"\n})')
    assert type_of(db, "Bar()") == "NullFoo"
    assert type_of(db, "Bar().id") == "ID"


def test_udf_inferred_type_location_is_not_shown():
    # A function without a signature is typed from its body (`Number => Number`); its call's result has
    # no `inferred here` hint.
    db = fql.connect(root_secret="secret")
    q(db, "Function.create({ name: 'AddOne', body: 'x => x + 1' })")
    out = answer(db, "AddOne(2).foo")
    assert out["error"]["code"] == "invalid_query"
    assert out["summary"] == (
        "error: Type `Number` does not have field `foo`\nat *query*:1:11\n  |\n1 | AddOne(2).foo\n  |           ^^^\n  |"
    )


def test_lookup_env_for_nested_calls():
    db = fql.connect()
    q(db, "Collection.create({ name: 'Foo' })")
    q(db, "Function.create({ name: 'Bar', body: '() => Foo.all()' })")
    assert type_of(db, "Bar()") == "Set<Foo>"
    assert type_of(db, "Bar() { id }") == "Set<{ id: ID }>"


def test_lookup_env_for_collection_types():
    db = fql.connect()
    q(db, "Collection.create({ name: 'Foo' })")
    q(db, 'Function.create({\n  name: "Bar",\n  body: "() => Foo"\n})')
    assert type_of(db, "Bar()") == "FooCollection"
    assert type_of(db, "Bar().definition") == "CollectionDef"


def test_lookup_env_for_computed_fields():
    # A computed field without a signature is typed from its body, in the database's environment.
    db = fql.connect()
    q(db, "Collection.create({ name: 'Foo' })")
    q(db, 'Collection.create({\n  name: "Bar",\n  computed_fields: {\n    foo: {\n      body: "_ => Foo.all()"\n    }\n  }\n})')
    q(db, "Bar.create({ id: '1' })")
    assert type_of(db, "Bar.byId('1')!.foo") == "Set<Foo>"
    assert type_of(db, "Bar.byId('1')!.foo { id }") == "Set<{ id: ID }>"


def test_invalid_projection():
    # A function without a signature whose body projects its parameter: the projection's receiver keeps a
    # type core's inference leaves open (InvalidProjection), drawn in the generated main.fsl.
    db = fql.connect(root_secret="secret")
    out = answer(db, "Function.create({ name: 'Bar', body: 'x => x { x }' })")
    assert out["error"]["code"] == "invalid_schema"
    assert out["summary"] == """error: Invalid database schema update.
    error: Invalid projection on a unknown type. Use function signatures to fix the issue.
    at main.fsl:5:3
      |
    5 |     x {
      |  ___^
    6 | |     x: .x
    7 | |   }
      | |___^
      |
at *query*:1:16
  |
1 | Function.create({ name: 'Bar', body: 'x => x { x }' })
  |                ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  |"""


ARRAY_FIELD = 'Collection.create({\n  name: "User",\n  fields: {\n    my_field: { signature: "Array" }\n  }%s\n})'
ARRAY_ERROR = """error: Invalid database schema update.
    error: Type constructor `Array<>` accepts 1 parameters, received 0
    at main.fsl:5:13
      |
    5 |   my_field: Array
      |             ^^^^^
      |
"""


def test_array_with_no_generics_doesnt_blow_up():
    db = fql.connect(root_secret="secret")
    out = answer(db, ARRAY_FIELD % "")
    assert out["error"]["code"] == "invalid_schema"
    assert out["summary"] == ARRAY_ERROR + """at *query*:1:18
  |
1 |   Collection.create({
  |  __________________^
2 | |   name: "User",
3 | |   fields: {
4 | |     my_field: { signature: "Array" }
5 | |   }
6 | | })
  | |__^
  |"""


def test_array_with_no_generics_and_an_inline_index_build_should_not_blow_up():
    # The documents' type is opaque once a field's type fails: the index's path is typed against `User`.
    db = fql.connect(root_secret="secret")
    out = answer(db, ARRAY_FIELD % ",\n  indexes: {\n    byFoo: { terms: [{ field: \".foo\" }] }\n  }")
    assert out["error"]["code"] == "invalid_schema"
    assert out["summary"] == ARRAY_ERROR + """    error: Type `User` does not have field `foo`
    at main.fsl:7:13
      |
    7 |     terms [.foo]
      |             ^^^
      |
at *query*:1:18
  |
1 |   Collection.create({
  |  __________________^
2 | |   name: "User",
3 | |   fields: {
4 | |     my_field: { signature: "Array" }
5 | |   },
6 | |   indexes: {
7 | |     byFoo: { terms: [{ field: ".foo" }] }
8 | |   }
9 | | })
  | |__^
  |"""


DEMO_COLLECTIONS = """collection Customer {
  name: String
  email: String
  address: {
    street: String,
    city: String,
    state: String,
    postalCode: String,
    country: String
  }

  compute cart: Order? = (customer => Order.byCustomerAndStatus(customer, 'cart').first())
  compute orders: Set<Order> = ( customer => Order.byCustomer(customer))
  unique [.email]

  index byEmail {
    terms [.email]
  }
}

collection Product {
  name: String
  description: String
  price: Number
  category: Ref<Category>
  stock: Int
  unique [.name]
  check stockIsValid (product => product.stock >= 0)
  check priceIsValid (product => product.price >= 0)

  index byCategory {
    terms [.category]
  }

  index sortedByCategory {
    values [.category]
  }

  index byName {
    terms [.name]
  }

  index sortedByPriceLowToHigh {
    values [.price, .name, .description, .stock]
  }
}

collection Category {
  name: String
  description: String
  compute products: Set<Product> = (category => Product.byCategory(category))

  unique [.name]

  index byName {
    terms [.name]
  }
}

collection Order {
  customer: Ref<Customer>
  status: "cart" | "processing" | "shipped" | "delivered"
  createdAt: Time

  compute items: Set<OrderItem> = (order => OrderItem.byOrder(order))
  compute total: Number = (order => order.items.fold(0, (sum, orderItem) => {
    let orderItem: Any = orderItem
    if (orderItem.product != null) {
      sum + orderItem.product.price * orderItem.quantity
    } else {
      sum
    }
  }))
  payment: { *: Any }

  check oneOrderInCart (order => {
    Order.byCustomerAndStatus(order.customer, "cart").count() <= 1
  })

  index byCustomer {
    terms [.customer]
    values [desc(.createdAt), .status]
  }

  index byCustomerAndStatus {
    terms [.customer, .status]
  }
}

collection OrderItem {
  order: Ref<Order>
  product: Any
  quantity: Int

  unique [.order, .product]
  check positiveQuantity (orderItem => orderItem.quantity > 0)

  index byOrder {
    terms [.order]
    values [.product, .quantity]
  }

  index byOrderAndProduct {
    terms [.order, .product]
  }
}
"""

DEMO_FUNCTIONS = """function createOrUpdateCartItem(customerId, productName, quantity) {
  let customer = Customer.byId(customerId)!
  let product = Product.byName(productName).first()
  if (product == null) {
    abort("Product does not exist.")
  }
  if (quantity < 0) {
    abort("Quantity must be a non-negative integer.")
  }
  if (customer!.cart == null) {
    Order.create({
      status: "cart",
      customer: customer,
      createdAt: Time.now(),
      payment: {}
    })
  }
  if (product!.stock < quantity) {
    abort("Product does not have the requested quantity in stock.")
  }
  let orderItem = OrderItem.byOrderAndProduct(customer!.cart, product).first()
  if (orderItem == null) {
    orderItem!.update({ quantity: quantity })
  } else {
    orderItem!.update({ quantity: quantity })
  }
}

function getOrCreateCart(id) {
  let customer = Customer.byId(id)!
  if (customer!.cart == null) {
    Order.create({
      status: 'cart',
      customer: Customer.byId(id),
      createdAt: Time.now(),
      payment: {}
    })
    customer!.cart
  } else {
    customer!.cart
  }
}

function checkout(orderId, status, payment) {
  let order = Order.byId(orderId)!
  if (status != "processing") {
    abort("Can not call checkout with status other than processing.")
  }
  validateOrderStatusTransition(order!.status, "processing")
  if (order!.items.isEmpty()) {
    abort("Order must have at least one item.")
  }
  if (order!.customer!.address == null) {
    abort("Customer must have a valid address.")
  }
  if (order!.payment == null && payment == null) {
    abort("Order must have a valid payment method.")
  }
  order!.items.forEach((item) => {
    let product: Any = item.product
    if (product.stock < item.quantity) {
      abort("One of the selected products does not have the requested quantity in stock.")
    }
  })
  order!.items.forEach((item) => {
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


def test_demo_data_works():
    # (The spec's comments are left out of the files: they change nothing the check sees.)
    db = fql.connect()
    db.push_schema({"collections.fsl": DEMO_COLLECTIONS, "functions.fsl": DEMO_FUNCTIONS})
    assert set(db.schema_files()) == {"collections.fsl", "functions.fsl"}


# -- FQL2TypecheckWithV4Spec


def test_v4_functions_typecheck_correctly():
    db = fql.connect()
    db.query('CreateFunction({ name: "Foo", body: Query(Lambda(["x"], Var("x"))) })')
    q(db, "Function.create({ name: 'Bar', body: 'x => Foo(x)' })")
    assert q(db, "Bar(3)") == 3


def _v4_function_and_collection_foo() -> fql.Database:
    db = fql.connect(root_secret="secret")
    db.query('CreateFunction({ name: "foo", body: Query(Lambda(["x"], Var("x"))) })')
    db.query('CreateCollection({ name: "foo" })')
    return db


def _refusal(db: fql.Database) -> str:
    out = answer(db, "Function.create({ name: 'Bar', body: 'x => foo.zzz(x)' })")
    assert out["error"]["code"] == "invalid_schema"
    return out["summary"]


def _drawn(line: int, header: int) -> str:
    """Core's rendering of the refusal: the error at `zzz` (line `line` of main.fsl), its hint at the
    collection's name where main.fsl declares it (line `header`)."""
    return (
        "error: Invalid database schema update.\n"
        "    error: Type `fooCollection` does not have field `zzz`\n"
        f"    at main.fsl:{line}:7\n"
        "      |\n"
        f"    {line} |   foo.zzz(x)\n"
        "      |       ^^^\n"
        "      |\n"
        "    hint: Type `fooCollection` inferred here\n"
        f"    at main.fsl:{header}:12\n"
        "      |\n"
        f"    {header} | collection foo {{\n"
        "      |            ^^^\n"
        "      |\n"
        "at *query*:1:16\n"
        "  |\n"
        "1 | Function.create({ name: 'Bar', body: 'x => foo.zzz(x)' })\n"
        "  |                ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
        "  |"
    )


def test_v4_functions_with_conflicting_names_work():
    # Collections take priority over functions.
    assert _refusal(_v4_function_and_collection_foo()) == _drawn(8, 4)


def test_v4_collections_with_aliases_should_still_take_priority():
    db = _v4_function_and_collection_foo()
    q(db, "Collection.byName('foo')!.update({ alias: 'MyColl' })")
    assert _refusal(db) == _drawn(9, 5)


# -- the typer gaps closed with this port: a user function's result against its declared return type


@pytest.mark.parametrize(
    ("signature", "body", "expected"),
    [
        ("() => String", "() => 1", "Type `Int` is not a subtype of `String`"),
        ("(x: Int) => Int", 'x => { let y = x; "a" }', "Type `String` is not a subtype of `Int`"),
        ("() => Number", "() => null", "Type `Null` is not a subtype of `Number`"),
    ],
)
def test_a_literal_result_against_the_declared_return_type(signature, body, expected):
    # As a computed field's (FQL2ComputedFieldsSpec "should infer computed field types"): core constrains
    # the function by its signature, and a lone failure inside the body is reported as itself, at it.
    db = fql.connect()
    with pytest.raises(fql.FQLError) as caught:
        q(db, f"Function.create({{ name: 'F', signature: '{signature}', body: '{body}' }})")
    assert caught.value.description.split("\n")[1] == f"    error: {expected}"


@pytest.mark.parametrize(
    ("signature", "body"),
    [("(x: Int) => Int", "x => 2"), ("() => Number?", "() => null"), ("() => Any", '() => "a"')],
)
def test_a_literal_result_that_fits(signature, body):
    db = fql.connect()
    q(db, f"Function.create({{ name: 'F', signature: '{signature}', body: '{body}' }})")
    assert q(db, "F.definition.name") == "F"


def test_an_fsl_function_result_is_checked_at_push():
    db = fql.connect()
    with pytest.raises(SchemaError) as caught:
        db.push_schema({"main.fsl": "function f(): String {\n  1\n}"})
    assert caught.value.message == (
        "error: Type `Int` is not a subtype of `String`\nat main.fsl:2:3\n  |\n2 |   1\n  |   ^\n  |"
    )


# -- `[]` and overloads, rendered whole (core's TyperExprs typeAccess/typeApply; see tests/test_core_typer.py)


def test_a_string_index_that_is_no_number_is_rendered_at_the_index():
    # String's `[](index: Number) => String` (FQL2StringSpec testSig), its literal key typed where it is.
    out = answer(fql.connect(root_secret="secret"), '"abc"["a"]')
    assert out["error"]["code"] == "invalid_query"
    assert out["summary"] == """error: Type `String` is not a subtype of `Number`
at *query*:1:7
  |
1 | "abc"["a"]
  |       ^^^
  |"""


def test_an_overload_argument_from_a_let_is_rendered_with_its_literal_as_a_cause():
    # The overload of the call's arity alone: its argument fails as one of a function of one signature.
    out = answer(fql.connect(root_secret="secret"), 'let k = "a"; "abc".slice(k)')
    assert out["error"]["code"] == "invalid_query"
    assert out["summary"] == """error: Type `"a"` is not a subtype of `Number`
at *query*:1:26
  |
1 | let k = "a"; "abc".slice(k)
  |                          ^
  |
cause: Type `String` is not a subtype of `Number`
  |
1 | let k = "a"; "abc".slice(k)
  |         ^^^
  |"""


def test_each_misfit_argument_of_an_overload_is_an_error():
    # Each argument is constrained in a constrain call of its own, its failures its error.
    out = answer(fql.connect(root_secret="secret"), '"abc".slice("a", "b")')
    assert out["error"]["code"] == "invalid_query"
    assert out["summary"] == """error: Type `String` is not a subtype of `Number`
at *query*:1:13
  |
1 | "abc".slice("a", "b")
  |             ^^^
  |

error: Type `String` is not a subtype of `Number`
at *query*:1:18
  |
1 | "abc".slice("a", "b")
  |                  ^^^
  |"""


NUMS_SCHEMA = """collection Nums {
  v: Number
  odd: Boolean
  index byV {
    terms [.v]
  }
  index byOdd {
    terms [.odd]
  }
}
"""


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ('Nums.byV("a")', ("Type `String` is not a subtype of `Number`", 9, 12)),
        ("Nums.byOdd(1)", ("Type `Int` is not a subtype of `Boolean`", 11, 12)),
        ("Nums.byV(1, 2, 3)", ("Function was called with too many arguments. Expected 2, received 3", 8, 17)),
    ],
)
def test_an_fsl_index_call_with_misfit_terms(query, expected):
    db = fql.connect()
    db.push_schema({"main.fsl": NUMS_SCHEMA})
    with pytest.raises(fql.FQLError) as caught:
        q(db, query)
    assert [(e.description, e.span.start, e.span.end) for e in caught.value.checks] == [expected]


@pytest.mark.parametrize("query", ["Nums.byV(1, 2)", "Nums.byOdd(true, 5)"])
def test_an_index_range_that_is_no_struct_is_left_to_run(query):
    # Core's range parameter is a union of three structs, each an alternative whose wording is not modelled.
    db = fql.connect()
    db.push_schema({"main.fsl": NUMS_SCHEMA})
    with pytest.raises(fql.FQLError) as caught:
        q(db, query)
    assert not isinstance(caught.value, QueryCheckError)
    assert "invalid argument `range`" in caught.value.description
