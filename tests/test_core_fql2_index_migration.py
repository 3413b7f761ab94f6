"""Core's FQL2IndexMigrationSpec (ext/model/src/test/scala/fql2/migration/): what becomes of a collection's
indexes and unique constraints when an FSL push migrates its fields. Each test names its case.

Core checks which indexes get a new backing index (an internal id no query sees) and, for a rebuild over
more than 128 documents, that the index reports `building` until its task has run. fql builds every index
in the transaction that changes it (README, "Where fql departs from Fauna"), so here each index is
`complete` and queryable at once; what a query can see instead is checked: the index answers with the
migrated documents."""

from __future__ import annotations

import pytest

import fql
from fql.schema.manager import SchemaError
from tests.helpers import QueryEndpoint, query_v10

SECRET = "secret:db:admin"


def database(typechecked: bool = True) -> fql.Database:
    """A child database, as core's newDB makes one (typechecked unless told)."""
    db = fql.connect()
    db.query(f'Database.create({{ name: "db", typechecked: {str(typechecked).lower()} }})', syntax="v10")
    return db


@pytest.fixture
def db() -> fql.Database:
    return database()


def q(db: fql.Database, text: str):
    return query_v10(db, text, SECRET)


def push(db: fql.Database, text: str) -> None:
    db.push_schema({"main.fsl": text}, secret=SECRET)


def ids(db: fql.Database, text: str) -> list[str]:
    """The ids an index gives (core's spec reads the index itself: the query runs without the typer, which
    refuses a term not of the indexed field's type)."""
    program = fql.parse(f"{text}.map(.id).toArray()", "v10")
    return [str(i) for i in db.run_with_state(program, secret=SECRET, syntax="v10", typecheck=False)[0]]


def check(db: fql.Database, before: str, after: str, create: str = "User.create({})", docs: int = 3) -> None:
    """Core's `check`: push `before`, make documents, push `after` (which migrates them); every index is
    complete and queryable. Then the schema is emptied again (the caller checks what the index holds
    before that, through `probe`)."""
    push(db, before)
    for i in range(docs):
        q(db, create.replace("#{i}", str(i)))
    push(db, after)
    indexes = q(db, "User.definition.indexes")
    assert indexes and all(i["status"] == "complete" and i["queryable"] is True for i in indexes.values()), indexes


BY_NAME = "\n  index byName {\n    terms [.name]\n  }\n"


def test_it_rebuilds_fields_that_have_been_split(db):
    # FQL2IndexMigrationSpec "it rebuilds fields that have been split"
    check(
        db,
        'collection User {\n  name: String | Time = ""\n' + BY_NAME + "}\n",
        'collection User {\n  name: String = ""\n  time: Time = Time.now()\n' + BY_NAME
        + "\n  migrations {\n    split .name -> .name, .time\n  }\n}\n",
    )
    assert len(ids(db, 'User.byName("")')) == 3
    # A Time name moves to `.time`, and leaves the index under the default name.
    push(db, "")
    push(db, 'collection User {\n  name: String | Time = ""\n' + BY_NAME + "}\n")
    q(db, 'User.create({ id: 10, name: Time("2024-01-01T00:00:00Z") })\nUser.create({ id: 11, name: "Ann" })')
    push(db, 'collection User {\n  name: String = ""\n  time: Time = Time.now()\n' + BY_NAME
         + "\n  migrations {\n    split .name -> .name, .time\n  }\n}\n")
    assert ids(db, 'User.byName("Ann")') == ["11"]
    assert "10" in ids(db, 'User.byName("")')
    assert ids(db, 'User.byName(Time("2024-01-01T00:00:00Z"))') == []
    assert q(db, "User.byId('10')!.time") == q(db, 'Time("2024-01-01T00:00:00Z")')


def test_it_rebuilds_nested_fields(db):
    # FQL2IndexMigrationSpec "it rebuilds nested fields": a field moved out of an object, then back in.
    check(
        db,
        "collection User {\n  address: {\n    street: String\n  }\n\n  index byStreet {\n    terms [.address.street]\n  }\n}\n",
        "collection User {\n  address: {}\n  street: String\n\n  index byStreet {\n    terms [.street]\n  }\n\n"
        "  migrations {\n    move .address.street -> .street\n  }\n}\n",
        create="User.create({ address: { street: '123 Main St' } })",
    )
    assert len(ids(db, "User.byStreet('123 Main St')")) == 3
    push(db, "")
    check(
        db,
        "collection User {\n  street: String\n  address: {}\n\n  index byStreet {\n    terms [.street]\n  }\n}\n",
        "collection User {\n  address: {\n    street: String\n  }\n\n  index byStreet {\n    terms [.address.street]\n  }\n\n"
        "  migrations {\n    move .street -> .address.street\n  }\n}\n",
        create="User.create({ street: '123 Main St' })",
    )
    assert len(ids(db, "User.byStreet('123 Main St')")) == 3
    assert q(db, "User.all().first()!.address") == {"street": "123 Main St"}


def test_it_rebuilds_unique_constraints_for_fields_that_have_been_split(db):
    # FQL2IndexMigrationSpec "it unique constraints for fields that have been split"
    unique = BY_NAME + "\n  unique [.name]\n"
    check(
        db,
        'collection User {\n  name: String | Time = ""\n' + unique + "}\n",
        'collection User {\n  name: String = ""\n  time: Time = Time.now()\n' + unique
        + "\n  migrations {\n    split .name -> .name, .time\n  }\n}\n",
        create='User.create({ name: "#{i}" })',
    )
    assert ids(db, 'User.byName("1")') == [ids(db, "User.all()")[1]]
    body = error(db, 'User.create({ name: "1" })')
    assert body["error"]["message"] == "Failed unique constraint."


def test_it_does_not_rebuild_added_fields_if_their_type_is_the_same(db):
    # FQL2IndexMigrationSpec "it doesn't rebuild added fields if their type is the same"
    check(
        db,
        "collection User {\n  *: Any\n" + BY_NAME + "}\n",
        "collection User {\n  name: Any\n  *: Any\n" + BY_NAME + "\n  migrations {\n    add .name\n  }\n}\n",
        create="User.create({ name: 'n#{i}' })",
    )
    assert ids(db, "User.byName('n2')") == [ids(db, "User.all()")[2]]


def test_it_does_not_rebuild_from_moved_fields(db):
    # FQL2IndexMigrationSpec "it doesn't rebuild from moved fields"
    check(
        db,
        'collection User {\n  name: String = ""\n' + BY_NAME + "}\n",
        'collection User {\n  firstName: String = ""\n\n  index byName {\n    terms [.firstName]\n  }\n\n'
        "  migrations {\n    move .name -> .firstName\n  }\n}\n",
        create="User.create({ name: 'n#{i}' })",
    )
    assert ids(db, "User.byName('n0')") == [ids(db, "User.all()")[0]]
    assert q(db, "User.all().first()!.firstName") == "n0"


def test_it_rebuilds_indexes_from_move_conflicts(db):
    # FQL2IndexMigrationSpec "it rebuilds indexes from move_conflicts": a `name` of another type than the
    # added field's moves into `.conflicts`, and the two indexes say so.
    check(
        db,
        "collection User {\n  conflicts: { *: Any }?\n  *: Any\n\n  index byName { terms [.name] }\n"
        "  index byConflicts { terms [.conflicts] }\n}\n",
        'collection User {\n  conflicts: { *: Any }?\n  name: String = ""\n  *: Any\n\n  index byName { terms [.name] }\n'
        "  index byConflicts { terms [.conflicts] }\n\n  migrations {\n    add .name\n    move_conflicts .conflicts\n  }\n}\n",
        create="User.create({ name: #{i} })",
    )
    assert len(ids(db, 'User.byName("")')) == 3
    assert ids(db, "User.byName(1)") == []
    assert ids(db, "User.byConflicts({ name: 1 })") == [ids(db, "User.all()")[1]]


def test_it_rebuilds_indexes_from_move_wildcard():
    # FQL2IndexMigrationSpec "it rebuilds indexes from move_wildcard", in a database with typechecking off
    # (so that `byFoo` may index a field no type has).
    db = database(typechecked=False)
    check(
        db,
        'collection User {\n  name: String = ""\n  conflicts: { *: Any }?\n  *: Any\n\n  index byName { terms [.name] }\n'
        "  index byConflicts { terms [.conflicts] }\n  index byFoo { terms [.foo] }\n}\n",
        'collection User {\n  name: String = ""\n  conflicts: { *: Any }?\n\n  index byName { terms [.name] }\n'
        "  index byConflicts { terms [.conflicts] }\n  index byFoo { terms [.foo] }\n\n"
        "  migrations {\n    move_wildcard .conflicts\n  }\n}\n",
        create="User.create({ foo: 'f#{i}' })",
    )
    assert ids(db, "User.byFoo('f1')") == []
    assert ids(db, "User.byConflicts({ foo: 'f1' })") == [ids(db, "User.all()")[1]]


def test_an_index_of_a_field_no_type_has_is_refused_where_typechecking_is_on(db):
    # The other side of "it rebuilds indexes from move_wildcard": core's typer refuses `byFoo`.
    with pytest.raises(SchemaError) as caught:
        push(db, 'collection User {\n  name: String = ""\n\n  index byFoo { terms [.foo] }\n}\n')
    assert "does not have field `foo`" in caught.value.message


def test_it_does_not_rebuild_indexes_when_adding_without_backfilling(db):
    # FQL2IndexMigrationSpec "it does not rebuild indexes when adding without backfilling"
    check(
        db,
        "collection User {\n  *: Any\n\n  index byName { terms [.name] }\n}\n",
        "collection User {\n  name: Any\n  *: Any\n\n  index byName { terms [.name] }\n\n  migrations {\n    add .name\n  }\n}\n",
    )
    assert ids(db, "User.byName(null)") == []


def test_indexes_and_unique_constraints_survive_an_added_field(db):
    # FQL2IndexMigrationSpec "it rebuilds indexes after migrations" and "it rebuilds unique constraint
    # indexes after changing schema": an `add` with a default leaves them (core: the same backing index).
    push(db, "collection User {\n  name: String\n\n  unique [.name]\n" + BY_NAME + "}\n")
    q(db, "User.create({ name: 'Alice' })\nUser.create({ name: 'Bob' })\nUser.create({ name: 'Carol' })")
    push(db, "collection User {\n  name: String\n  age: Int = 0\n\n  unique [.name]\n" + BY_NAME
         + "\n  migrations {\n    add .age\n  }\n}\n")
    assert q(db, "User.byName('Bob').map(.age).toArray()") == [0]
    assert error(db, "User.create({ name: 'Carol' })")["error"]["message"] == "Failed unique constraint."


def test_it_keeps_migrations_when_rebuilding_indexes(db):
    # FQL2IndexMigrationSpec "it keeps migrations when rebuilding indexes": a push that adds migrations
    # after those already run applies only the new ones.
    push(db, "collection User {\n  foo: String | Int\n\n  unique [.foo]\n}\n")
    q(db, "User.create({ id: 0, foo: 'Alice' })")
    q(db, "User.create({ id: 1, foo: 3 })")
    push(db, "collection User {\n  foo: String | Int\n  bar: Int = 0\n\n  unique [.foo]\n\n  migrations {\n    add .bar\n  }\n}\n")
    assert q(db, "User(0)! { foo, bar }") == {"foo": "Alice", "bar": 0}
    assert q(db, "User(1)! { foo, bar }") == {"foo": 3, "bar": 0}
    push(
        db,
        "collection User {\n  foo: String\n  bar: Int = 0\n  baz: Int\n\n  unique [.foo]\n\n  migrations {\n    add .bar\n\n"
        '    split .foo -> .foo, .baz\n    backfill .foo = ""\n    backfill .baz = 0\n  }\n}\n',
    )
    assert q(db, "User(0)! { foo, bar, baz }") == {"foo": "Alice", "bar": 0, "baz": 0}
    assert q(db, "User(1)! { foo, bar, baz }") == {"foo": "", "bar": 0, "baz": 3}
    # The unique constraint holds over the migrated values.
    assert error(db, "User.create({ foo: '', baz: 1 })")["error"]["message"] == "Failed unique constraint."


def test_it_builds_indexes_using_the_updated_schema(db):
    # FQL2IndexMigrationSpec "it builds indexes using the updated schema"
    push(db, "collection User {\n  name: String\n" + BY_NAME + "}\n")
    q(db, "User.create({ id: 1, name: 'Bob' })")
    assert ids(db, "User.byName('Bob')") == ["1"]
    push(
        db,
        "collection User {\n  firstName: String\n  city: String = 'SF'\n\n  // index of moved field\n"
        "  index byName {\n    terms [.firstName]\n  }\n\n  // index of new, backfilled field\n  index byCity {\n"
        "    terms [.city]\n  }\n\n  migrations {\n    move .name -> .firstName\n    add .city\n  }\n}\n",
    )
    assert ids(db, "User.byName('Bob')") == ["1"]
    assert ids(db, "User.byCity('SF')") == ["1"]
    q(db, "User.byName('Bob').first()!.update({ firstName: 'Alice' })")
    q(db, "User.create({ id: 2, firstName: 'Alice' })")
    assert ids(db, "User.byName('Alice')") == ["1", "2"]


#: The envelope of a query that fails (400), in simple format.
error = QueryEndpoint(SECRET, fmt="simple").err


def test_it_updates_indexes_and_unique_constraints_correctly(db):
    # FQL2IndexMigrationSpec "it updates indexes and unique constraints correctly"
    push(db, "collection User {\n  name: String\n\n  unique [.name]\n" + BY_NAME + "}\n")
    q(db, "User.create({ id: 1, name: 'Bob' })")
    assert ids(db, "User.byName('Bob')") == ["1"]
    push(
        db,
        "collection User {\n  firstName: String\n\n  unique [.firstName]\n\n  index byName {\n    terms [.firstName]\n  }\n\n"
        "  migrations {\n    move .name -> .firstName\n  }\n}\n",
    )
    assert ids(db, "User.byName('Bob')") == ["1"]
    assert error(db, "User.create({ firstName: 'Bob' })")["summary"] == (
        "error: Failed unique constraint.\n"
        "constraint failures:\n"
        "  firstName: Failed unique constraint\n"
        "at *query*:1:12\n"
        "  |\n"
        "1 | User.create({ firstName: 'Bob' })\n"
        "  |            ^^^^^^^^^^^^^^^^^^^^^^\n"
        "  |"
    )


def test_it_allows_indexing_the_data_field(db):
    # FQL2IndexMigrationSpec "it allows indexing the 'data' field": the index of `.data` follows the
    # migration (core: a new backing index).
    push(db, "collection User {\n  name: String\n  name2: String?\n  *: Any\n\n  index byData {\n    terms [.data]\n  }\n}")
    q(db, "User.create({ id: 1, name: 'Alice' })")
    assert ids(db, "User.byData({ name: 'Alice' })") == ["1"]
    push(
        db,
        "collection User {\n  name2: String\n  *: Any\n\n  migrations {\n    drop .name2\n    move .name -> .name2\n  }\n\n"
        "  index byData {\n    terms [.data]\n  }\n}",
    )
    assert ids(db, "User.byData({ name: 'Alice' })") == []
    assert ids(db, "User.byData({ name2: 'Alice' })") == ["1"]


NUMBERED = (
    "collection User {\n  name: Array<String>?\n  name2: Array<Number>?\n\n  migrations {\n    split .name -> .name, .name2\n  }\n"
    "{compute}\n  index byName {\n    terms [.name[0]]\n  }\n  index byName2 {\n    terms [.name2[0]]\n  }\n}"
)


def test_it_rebuilds_fields_with_numerical_indexes(db):
    # FQL2IndexMigrationSpec "it rebuilds fields with numerical indexes"
    push(db, "collection User {\n  name: Array<String> | Array<Number>\n\n  index byName {\n    terms [.name[0]]\n  }\n}")
    q(db, "User.create({ id: 1, name: ['Alice'] })")
    q(db, "User.create({ id: 2, name: [3] })")
    assert ids(db, "User.byName('Alice')") == ["1"]
    assert ids(db, "User.byName(3)") == ["2"]
    push(db, NUMBERED.replace("{compute}", ""))
    assert ids(db, "User.byName('Alice')") == ["1"]
    assert ids(db, "User.byName(3)") == []
    assert ids(db, "User.byName2(3)") == ["2"]
    assert ids(db, "User.byName2('Alice')") == []
    # A push that adds no migration (a computed field) leaves the indexes as they are.
    push(db, NUMBERED.replace("{compute}", "\n  compute foo = _ => 3\n"))
    assert ids(db, "User.byName('Alice')") == ["1"]
    assert ids(db, "User.byName2(3)") == ["2"]


def test_can_update_unique_constraints(db):
    # FQL2IndexMigrationSpec "can update unique constraints": the constraint moves with its field.
    push(db, "collection User {\n  name: String\n\n  unique [.name]\n}")
    q(db, "User.create({ name: 'hi' })")
    push(db, "collection User {\n  name2: String\n\n  unique [.name2]\n\n  migrations {\n    move .name -> .name2\n  }\n}")
    assert q(db, "User.all().map(.name2).toArray()") == ["hi"]
    assert error(db, "User.create({ name2: 'hi' })")["error"]["message"] == "Failed unique constraint."
