"""Cases from core's v10 interpreter specs that need the v10 endpoint: the `summary` lines of `log()` and
`dbg()` (FQL2DiagnosticSpec 'emits log output for role predicates', and the FQL2LoggingSpec and
FQL2CollectionsSpec cases it rests on), run in-process through `POST /query/1`. The other cases of this
comparison are in tests/fixtures/v10/core_sets10.fql."""

from __future__ import annotations

import pytest

import fql
from tests.helpers import QueryEndpoint, query_v10_error

SECRET = "secret"


@pytest.fixture
def db() -> fql.Database:
    return fql.connect(root_secret=SECRET)


answer = QueryEndpoint(SECRET, fmt="tagged").body


def key(db: fql.Database, role: str) -> str:
    return answer(db, f'Key.create({{ role: "{role}" }}).secret')["data"]


@pytest.fixture
def udf(db) -> None:
    answer(db, 'Function.create({ name: "MyUserFunction", body: "() => log(\'bar\')" })')
    answer(db, 'Function.create({ name: "Dbg", body: "() => dbg(\'bar\')" })')


@pytest.mark.parametrize("role", ["admin", "server"])
def test_log_lines_name_their_source_and_line(db, udf, role):
    # FQL2LoggingSpec 'log': an admin or server key sees the function's line too.
    summary = answer(db, "log('foo')\nMyUserFunction()\n", key(db, role))["summary"]
    assert summary == "info at *query*:1: foo\n\ninfo at *udf:MyUserFunction*:1: bar"


def test_dbg_lines_show_the_call_under_its_source_line(db, udf):
    # FQL2LoggingSpec 'dbg' (admin role).
    summary = answer(db, "dbg('foo')\nDbg()\n", key(db, "admin"))["summary"]
    assert summary == (
        'info: "foo"\nat *query*:1:4\n  |\n1 | dbg(\'foo\')\n  |    ^^^^^^^\n  |\n\n'
        'info: "bar"\nat *udf:Dbg*:1:10\n  |\n1 | () => dbg(\'bar\')\n  |          ^^^^^^^\n  |'
    )


def test_a_failed_query_shows_its_log_lines_after_the_error(db, udf):
    # FQL2LoggingSpec 'log' (client role): the call fails, the query's own line follows the error.
    summary = answer(db, "log('foo')\nMyUserFunction()\n", key(db, "client"))["summary"]
    assert summary == (
        "error: Insufficient privileges to perform the action.\nat *query*:2:15\n  |\n"
        "2 | MyUserFunction()\n  |               ^^\n  |\n\ninfo at *query*:1: foo"
    )


def test_a_user_role_sees_only_the_query_s_own_lines(db, udf):
    # FQL2LoggingSpec 'log' (custom role) and FQL2DiagnosticSpec: a role predicate's line stays hidden.
    answer(db, 'Role.create({ name: "r", privileges: [{ resource: "MyUserFunction", actions: { call: true } }] })')
    assert answer(db, "log('foo')\nMyUserFunction()\n", key(db, "r"))["summary"] == "info at *query*:1: foo"
    answer(db, 'Collection.create({ name: "Books" })')
    answer(db, 'Books.create({ title: "Dawnshard" })')
    answer(
        db,
        'Role.create({ name: "TRole", privileges: { resource: "Books", '
        "actions: { read: \"b => { log('role pred!'); true }\" } } })",
    )
    summary = answer(db, 'log("reading books!")\nBooks.all().first()\n', key(db, "TRole"))["summary"]
    assert summary == "info at *query*:1: reading books!"


def test_a_check_constraint_s_line_names_the_check(db):
    # FQL2CollectionsSpec 'check constraints run only once'.
    check = "{ check: { name: 'once', body: '_ => { log(0); true }' } }"
    answer(db, f"Collection.create({{ name: 'Once', constraints: [{check}] }})")
    assert answer(db, "Once.create({})")["summary"] == "info at *check_constraint:once*:1: 0"


def test_a_computed_field_s_line_names_the_field_even_inside_a_function(db):
    # As core names a computed field in an error's trace (`*computed_field:Coll:name*`); a function the
    # field calls names itself.
    body = 'doc => { log(\\"in cf\\"); 1 }'
    answer(db, f"Collection.create({{ name: 'CF', computed_fields: {{ c: {{ body: '{body}' }} }} }})")
    answer(db, "CF.create({ id: 1 })")
    summary = answer(db, "log('q')\nCF.byId(1)!.c")["summary"]
    assert summary == "info at *query*:1: q\n\ninfo at *computed_field:CF:c*:1: in cf"
    answer(db, 'Function.create({ name: "ReadCF", body: "() => CF.byId(1)!.c" })')
    assert answer(db, "ReadCF()")["summary"] == "info at *computed_field:CF:c*:1: in cf"
    answer(db, "Function.create({ name: 'L', body: 'x => { log(\"udf\"); x }' })")
    answer(db, "Collection.create({ name: 'CF2', computed_fields: { c: { body: 'doc => L(2)' } } })")
    answer(db, "CF2.create({ id: 1 })")
    assert answer(db, "CF2.byId(1)!.c")["summary"] == "info at *udf:L*:1: udf"


#: Core's string size limit (StringPrototype.MaxSize), in UTF-16 units.
LIMIT = 16 * 1024 * 1024


def failure(db: fql.Database, query: str) -> tuple[str, str, int, int]:
    err = query_v10_error(db, query)
    return err.v10_code, err.description, err.span.start, err.span.end


def test_an_interpolated_string_past_the_limit_is_too_large(db):
    # FQL2InterpreterSpec 'str-template enforces a limit on result size': the template is the culprit.
    half = "a" * (LIMIT // 2)
    assert failure(db, f'\nlet as = "{half}"\n"#{{as}}b#{{as}}"\n') == (
        "value_too_large",
        f"Value too large: string size {LIMIT + 1} exceeds limit {LIMIT}.",
        8388621,
        8388634,
    )


def test_an_interpolated_string_stops_at_the_first_part_past_the_limit(db):
    # FQLInterpreter.evalStrTemplate appends part by part: the size is the one at the first part past the
    # limit, and no later part runs (the abort after it never does).
    half = "a" * (LIMIT // 2)
    code, description, _, _ = failure(db, f'let as = "{half}"\n"#{{as}}#{{as}}bc#{{abort(0)}}d"')
    assert (code, description) == ("value_too_large", f"Value too large: string size {LIMIT + 2} exceeds limit {LIMIT}.")


def test_a_concatenation_past_the_limit_points_at_the_right_operand(db):
    # FQL2StringSpec 'concat limits the size of the result' (`+`): core places it at the operator's argument.
    half = "a" * (LIMIT // 2)
    assert failure(db, f"'{half}' + '{half}' + 'a'") == (
        "value_too_large",
        f"Value too large: string size {LIMIT + 1} exceeds limit {LIMIT}.",
        16777226,
        16777229,
    )


@pytest.mark.parametrize("role, shown", [("server-readonly", True), ("r", False)])
def test_a_server_readonly_key_sees_the_lines_of_stored_code(db, role, shown):
    # Core's ServerReadOnlyPermissions allow Logging in scope as admin and server permissions do
    # (Permissions.scala), so a computed field's line is shown to a server-readonly key, not to a key of a user role.
    answer(db, 'Collection.create({ name: "Books", computed_fields: { c: { body: "b => { log(\'cf\'); 1 }" } } })')
    answer(db, 'Books.create({ title: "x" })')
    answer(db, 'Role.create({ name: "r", privileges: { resource: "Books", actions: { read: true } } })')
    summary = answer(db, "log('q')\nBooks.all().first()!.c\n", key(db, role))["summary"]
    assert summary == "info at *query*:1: q" + ("\n\ninfo at *computed_field:Books:c*:1: cf" if shown else "")
