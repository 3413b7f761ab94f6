"""Core's ABACSpec (ext/api/src/test/scala/queries/ABACSpec.scala), case by case: the cases core runs for
both "access keys" and "tokens" (its `test(subject)` block) run here for both, a key with a role of the
given privileges or a user's token whose collection is the role's member. A query core expects to be
allowed must answer; one it expects denied must fail with `permission denied` (core's 403).

Cases ported elsewhere: "tokens cannot edit themselves" (test_core_auth.py
test_credentials_made_with_create_log_in), "roles limit the maximum number of roles per resource" (the
same module, and fixtures/v4/core_auth.fql), "allow omit actions" / "allow omit privileges"
(fixtures/v4/core_auth.fql), "allows for unrestricted indexes" (with and without predicates,
test_core_auth.py test_unrestricted_read_of_an_index_shows_every_entry)."""

from __future__ import annotations

import itertools

import pytest

import fql
from fql.auth.credentials import TEST_PARAMS
from tests.test_auth import ref
from tests.test_core_auth import Child

_names = itertools.count()


class Subject(Child):
    """A child database, and core's `mkSecret(db, privileges)` for one subject: "access keys" or "tokens"."""

    def __init__(self, db: fql.Database, subject: str):
        super().__init__(db)
        self.subject = subject
        self.query('CreateCollection({name: "users"})')

    def secret(self, privileges: str) -> str:
        if self.subject == "access keys":
            return self.key(privileges)
        members = self.collection()
        _, token = self.user(members)
        self.role(privileges, f'[{{resource: Collection("{members}")}}]')
        return token["secret"]

    def collection(self) -> str:
        name = f"c{next(_names)}"
        self.query(f'CreateCollection({{name: "{name}"}})')
        return name

    def document(self, coll: str, data: str = "{}") -> fql.Ref:
        return self.query(f'Create(Collection("{coll}"), {{data: {data}}})')["ref"]

    def allowed(self, texts: list[str], secret: str) -> None:
        for text in texts:
            self.query(text, secret)

    def all_denied(self, texts: list[str], secret: str) -> None:
        for text in texts:
            self.denied(text, secret)


@pytest.fixture(params=["access keys", "tokens"])
def subject(request) -> Subject:
    return Subject(fql.connect(argon2=TEST_PARAMS), request.param)


@pytest.fixture
def keyed() -> Subject:
    """For the cases of the block that core runs with `aKey(role)` whatever the subject."""
    return Subject(fql.connect(argon2=TEST_PARAMS), "access keys")


def var(name: str) -> str:
    return f'Var("{name}")'


def open_(resource: str) -> str:
    """Core's Privilege.open: every action granted."""
    actions = ("read", "write", "create", "create_with_id", "delete", "history_read", "history_write", "unrestricted_read",
               "call")
    return f'{{resource: {resource}, actions: {{{", ".join(f"{a}: true" for a in actions)}}}}}'


# -- "$subject - full table scan" ----------------------------------------------------------------------


def test_full_table_scan_filter_documents(subject):
    coll = subject.collection()
    subject.document(coll)
    none, every = subject.secret("[]"), subject.secret(f'[{open_(f"Collection({coll!r})")}]')
    assert subject.query(f'IsEmpty(Paginate(Documents(Collection("{coll}"))))', none) is True
    assert subject.query(f'IsNonEmpty(Paginate(Documents(Collection("{coll}"))))', every) is True


def test_full_table_scan_validate_unrestricted_reads_with_no_predicates(subject):
    coll = subject.collection()
    subject.document(coll)
    secret = subject.secret(f'[{{resource: Collection("{coll}"), actions: {{unrestricted_read: true}}}}]')
    assert subject.query(f'IsNonEmpty(Paginate(Documents(Collection("{coll}"))))', secret) is True
    subject.denied(f'Get(Documents(Collection("{coll}")))', secret)


def test_full_table_scan_validate_unrestricted_reads_with_predicates(subject):
    coll = subject.collection()
    subject.document(coll)
    no, yes = (subject.secret(f'[{{resource: Collection("{coll}"), actions: '
                              f'{{unrestricted_read: Query(Lambda("_", {answer}))}}}}]') for answer in ("false", "true"))
    assert subject.query(f'IsEmpty(Paginate(Documents(Collection("{coll}"))))', no) is True
    assert subject.query(f'IsNonEmpty(Paginate(Documents(Collection("{coll}"))))', yes) is True


# -- "$subject - instances" ----------------------------------------------------------------------------


def each_write(coll: str, doc: fql.Ref) -> list[str]:
    d = ref(doc)
    return [f"Get({d})", f"Update({d}, {{}})", f"Replace({d}, {{}})", f'Create(Collection("{coll}"), {{}})',
            f'Create(Ref(Collection("{coll}"), "123"), {{}})', f"Delete({d})", f'Insert({d}, 1, "create", {{}})',
            f'Remove({d}, 1, "create")', f"Paginate(Events({d}))"]


def test_instances_validate_instance_permissions_with_no_predicates(subject):
    a, b = subject.collection(), subject.collection()
    doc_a, doc_b = subject.document(a), subject.document(b)
    secret = subject.secret(f'[{open_(f"Collection({a!r})")}]')
    subject.all_denied(each_write(b, doc_b), secret)
    subject.allowed(each_write(a, doc_a), secret)


def test_instances_allow_write_predicates_to_have_access_to_the_ref_being_written(subject):
    coll = subject.collection()
    one, two = subject.document(coll), subject.document(coll)
    secret = subject.secret(f'[{{resource: Collection("{coll}"), actions: '
                            f'{{write: Query(Lambda(["old", "new", "ref"], Equals(Var("ref"), {ref(one)})))}}}}]')
    subject.allowed([f'Update({ref(one)}, {{data: {{foo: "bar"}}}})'], secret)
    subject.denied(f'Update({ref(two)}, {{data: {{foo: "bar"}}}})', secret)


def test_instances_validate_instance_permissions_with_predicates(subject):
    coll = subject.collection()
    mutable, fixed = subject.document(coll, "{mutable: true}"), subject.document(coll, "{mutable: false}")
    update_ts = 'Epoch(1234124124, "second")'

    def check(value: str) -> str:
        return f'Select(["data", "mutable"], {value}, false)'

    doc = check('Get(Var("ref"))')
    history = f'If(Equals(Var("action"), "update"), Equals(Var("ts"), {update_ts}), {check(var("data"))})'
    secret = subject.secret(
        f'[{{resource: Collection("{coll}"), actions: {{'
        f'write: Query(Lambda(["old", "new"], And({check(var("old"))}, '
        f'{check(var("new"))}))), '
        f'read: Query(Lambda("ref", {doc})), create: Query(Lambda("data", {check(var("data"))})), '
        f'delete: Query(Lambda("ref", {doc})), history_read: Query(Lambda("ref", {doc})), '
        f'history_write: Query(Lambda(["ref", "ts", "action", "data"], {history}))}}}}]'
    )
    no, yes, any_ = "{data: {mutable: false}}", "{data: {mutable: true}}", '{data: {foo: "bar"}}'
    mut, fix = ref(mutable), ref(fixed)
    subject.all_denied([
        f"Get({fix})", f"Update({mut}, {no})", f"Replace({mut}, {no})", f"Update({fix}, {yes})",
        f"Replace({fix}, {yes})", f'Create(Collection("{coll}"), {no})', f'Create(Ref(Collection("{coll}"), "123"), {no})',
        f'Insert({fix}, 1, "update", {no})', f'Remove({fix}, 1, "update")', f"Paginate(Events({fix}))", f"Delete({fix})",
    ], secret)
    subject.allowed([
        f"Get({mut})", f"Update({mut}, {any_})", f"Replace({mut}, {yes})", f'Create(Collection("{coll}"), {yes})',
        f'Create(Ref(Collection("{coll}"), "123"), {yes})', f'Insert({mut}, {update_ts}, "update", {yes})',
        f'Remove({mut}, {update_ts}, "update")', f"Paginate(Events({mut}))", f"Delete({mut})",
    ], secret)


def test_instances_can_read_instance_history_without_instance_read_permission(subject):
    coll = subject.collection()
    doc = subject.document(coll)
    secret = subject.secret(f'[{{resource: Collection("{coll}"), actions: {{read: false, history_read: true}}}}]')
    subject.denied(f"Get({ref(doc)})", secret)
    assert subject.query(f"Paginate({ref(doc)}, {{events: true}})", secret).data != []


# -- "$subject - indexes" ------------------------------------------------------------------------------


def index(subject: Subject, coll: str, more: str = "") -> str:
    name = f"i{next(_names)}"
    subject.query(f'CreateIndex({{name: "{name}", source: Collection("{coll}"), '
                  f'terms: [{{field: ["data", "foo"]}}]{more}}})')
    return name


def test_indexes_validate_index_permissions_with_no_predicate(subject):
    coll = subject.collection()
    a, b = index(subject, coll), index(subject, coll)
    secret = subject.secret(f'[{open_(f"Index({a!r})")}]')
    subject.denied(f'Paginate(Match(Index("{b}")))', secret)
    subject.allowed([f'Paginate(Match(Index("{a}")))'], secret)


def index_with_predicate(subject: Subject, name: str) -> None:
    secret = subject.secret(f'[{{resource: Index("{name}"), actions: '
                            f'{{read: Query(Lambda("terms", Equals(Var("terms"), ["foo"])))}}}}]')
    subject.denied(f'Paginate(Match(Index("{name}"), "bar"))', secret)
    subject.allowed([f'Paginate(Match(Index("{name}"), "foo"))'], secret)


def test_indexes_validate_index_permissions_with_predicate(subject):
    index_with_predicate(subject, index(subject, subject.collection()))


def test_indexes_validate_partitioned_index_permissions_with_predicate(keyed):
    index_with_predicate(keyed, index(keyed, keyed.collection(), ", partitions: 3"))


def test_indexes_allows_non_privileged_indexes_to_be_used_in_predicates(keyed):
    subject = keyed
    a, b = subject.collection(), subject.collection()
    index_a, index_b = index(subject, a), index(subject, b)
    subject.document(a, '{foo: "bar"}')
    subject.document(b, '{foo: "bar"}')
    secret = subject.key(f'[{{resource: Index("{index_a}"), actions: {{read: Query(Lambda("terms", '
                         f'Exists(Match(Index("{index_b}"), Select(0, Var("terms"))))))}}}}]')
    subject.all_denied([f'Paginate(Match(Index("{index_b}"), "bar"))', f'Paginate(Match(Index("{index_a}"), "baz"))'], secret)
    subject.allowed([f'Paginate(Match(Index("{index_a}"), "bar"))'], secret)


# -- "$subject - functions" ----------------------------------------------------------------------------


def function(subject: Subject, body: str = 'Query(Lambda("_", true))', more: str = "") -> str:
    name = f"f{next(_names)}"
    subject.query(f'CreateFunction({{name: "{name}", body: {body}{more}}})', subject.admin)
    return name


def test_functions_validate_function_permissions_with_no_predicate(subject):
    a, b = function(subject), function(subject)
    secret = subject.secret(f'[{open_(f"Function({a!r})")}]')
    subject.denied(f'Call(Function("{b}"))', secret)
    subject.allowed([f'Call(Function("{a}"))'], secret)


def test_functions_validate_function_permissions_with_predicate(subject):
    name = function(subject, 'Query(Lambda("_", true))')
    secret = subject.secret(f'[{{resource: Function("{name}"), actions: '
                            f'{{call: Query(Lambda("args", Equals(Var("args"), ["foo", "bar"])))}}}}]')
    subject.denied(f'Call(Function("{name}"), "baz")', secret)
    subject.allowed([f'Call(Function("{name}"), "foo", "bar")'], secret)


@pytest.mark.parametrize("role", ["", ', role: "admin"'], ids=["read-only functions", "functions with roles"])
def test_functions_predicates_may_call_only_read_only_functions(subject, role):
    # "predicates with read-only user defined functions works" and "user defined functions with roles are
    # restricted to read-only effect".
    coll = subject.collection()
    doc = subject.document(coll)
    pure = function(subject, 'Query(Lambda("_", true))', role)
    writes = function(subject, 'Query(Lambda("_", Do(NewId(), true)))', role)
    secret = subject.secret(f'[{{resource: Collection("{coll}"), actions: {{'
                            f'read: Query(Lambda("ref", Call(Function("{pure}")))), '
                            f'create: Query(Lambda("data", Call(Function("{writes}"))))}}}}]')
    subject.allowed([f"Get({ref(doc)})"], secret)
    subject.denied(f'Create(Collection("{coll}"), {{}})', secret)


# -- "$subject - schema" -------------------------------------------------------------------------------


def test_schema_validate_schema_permissions_with_no_predicate(subject):
    coll = subject.collection()
    every, none = subject.secret(f"[{open_('Collections()')}]"), subject.secret("[]")
    texts = [f'Get(Collection("{coll}"))', "Paginate(Collections())", 'CreateCollection({name: "foo"})',
             f'Update(Collection("{coll}"), {{name: "baz"}})']
    subject.all_denied(texts + [f'Delete(Collection("{coll}"))'], none)
    subject.allowed(texts + ['Delete(Collection("baz"))'], every)


def test_schema_validate_schema_permissions_with_predicates(subject):
    coll = subject.collection()

    def named_foo(value: str) -> str:
        return f'Equals(Select(["name"], {value}), "foo")'

    got = 'Get(Var("ref"))'
    secret = subject.secret(
        f'[{{resource: Collections(), actions: {{create: Query(Lambda("config", {named_foo(var("config"))})), '
        f'delete: Query(Lambda("ref", {named_foo(got)})), '
        f'read: Query(Lambda("ref", {named_foo(got)})), '
        f'write: Query(Lambda(["old", "new"], {named_foo(var("old"))}))}}}}]'
    )
    subject.all_denied([f'Get(Collection("{coll}"))', 'CreateCollection({name: "bar"})',
                        f'Update(Collection("{coll}"), {{name: "baz"}})', f'Delete(Collection("{coll}"))'], secret)
    subject.allowed(['CreateCollection({name: "foo"})', 'Get(Collection("foo"))', 'Update(Collection("foo"), {})',
                     'Delete(Collection("foo"))'], secret)


# -- "roles" -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ['{name: "aRole", privileges: {resource: Collection("users")}}', '{name: "aRole"}'],
                         ids=["allow omit actions", "allow omit privileges"])
def test_roles_allow_omitting_actions_and_privileges(keyed, role):
    keyed.query(f"CreateRole({role})", keyed.admin)
    secret = keyed.query('CreateKey({role: Role("aRole")})', keyed.admin)["secret"]
    assert keyed.query('"works"', secret) == "works"


# -- "tokens - identity", "tokens - membership", "tokens - permissions" ----------------------------------


def test_tokens_identity_roles_are_able_to_use_authenticated_resources_identity(keyed):
    app = keyed
    (user_a, token_a), (user_b, _) = app.user(), app.user()
    profile = app.collection()
    profile_a, profile_b = (app.document(profile, f"{{user: {ref(user)}}}") for user in (user_a, user_b))
    app.role(f'[{{resource: Collection("{profile}"), actions: {{read: Query(Lambda("ref", '
             'Equals(Identity(), Select(["data", "user"], Get(Var("ref"))))))}}]', '[{resource: Collection("users")}]')
    app.denied(f"Get({ref(profile_b)})", token_a["secret"])
    app.allowed([f"Get({ref(profile_a)})"], token_a["secret"])


def test_tokens_membership_can_use_auth_functions_in_membership_predicates(keyed):
    app = keyed
    coll = app.collection()
    doc = app.document(coll)
    (user_a, token_a), (_, token_b) = app.user(), app.user()
    app.role(f"[{open_(f'Collection({coll!r})')}]",
             f'[{{resource: Collection("users"), predicate: Query(Lambda("_", Equals(Identity(), {ref(user_a)})))}}]')
    app.denied(f"Get({ref(doc)})", token_b["secret"])
    app.allowed([f"Get({ref(doc)})"], token_a["secret"])


USERS = 'Collection("users")'


def own_document(doc: fql.Ref) -> list[str]:
    d = ref(doc)
    return [f"Get({d})", f"Paginate(Events({d}))", f"Update({d}, {{}})", f'Insert({d}, Now(), "create", {{}})',
            f"Delete({d})"]


def test_tokens_permissions_does_not_allow_change_logged_in_user(keyed):
    app = keyed
    user, token = app.user()
    # The role's privilege on the users' collection names no action: it grants nothing.
    app.role('[{resource: Collection("users")}]', '[{resource: Collection("users")}]')
    app.allowed([f"Update({ref(user)}, {{}})"], app.admin)
    app.all_denied(own_document(user), token["secret"])
    app.all_denied(own_document(user), f"{app.admin}:@doc/users/{user.id}")


def test_tokens_permissions_allow_change_logged_in_user(keyed):
    app = keyed
    (one, token), (two, _) = app.user(), app.user()
    app.role(f"[{open_(USERS)}]", '[{resource: Collection("users")}]')
    app.allowed(own_document(one), token["secret"])
    app.allowed(own_document(two), f"{app.admin}:@doc/users/{two.id}")
