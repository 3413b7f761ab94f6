"""v4 `validation failed` audit: each schema and auth document's fields as core's validators read them.

Every case names the core source it was read from: the document's `VersionValidator` / `LiveValidator`
(ext/model/src/main/scala/doc/*.scala), the field types of ext/storage/src/main/scala/doc/FieldType.scala
(a type's name is its IRType: `Map`, `Ref`, `Priority`, `Database Ref`, `Class Ref`, `RoleAction Map`) and
the descriptions of Renderable.scala's ValidationException rendering. A write's failures are at the
call's position for a Create* (WriteFunctions' `pos at functionName`) and at the root for Update/Replace
(WriteAdaptor.update gets the call's own position).

Where fql cannot follow core for certain, it keeps its own answer:
- Key.RoleNameValidator's description interpolates Key's `Role` object (`s"$Role name ..."`), whose text
  is the JVM's default object string; fql says `Role name `x` does not exist.` (the code, `validation
  failure`, is certain).
- Core runs every validator and reports all their failures (AggregateValidator), and so does fql for
  collections, indexes, functions, databases and keys (the `all-*` cases), a ref to a document that
  does not exist after the field failures of the same write (an unresolved ref fails alone, first). Within one validator fql follows core where it
  stops: a list field (privileges, roles) decodes up to its first failing entry, a record up to its
  first failing field. An index's source existence and its bindings are read after its other fields;
  a key's role names with its role type.
- A server caller's `credentials.hashed_password` string is stored as given by core (its
  ServerPasswordValidator); fql hashes with argon2, which cannot check core's bcrypt hashes, so it keeps
  ignoring a given hash (its type is still checked).
- Core's masks drop a schema document's unknown top-level fields, and so does fql (UNKNOWN_FIELDS), but
  fql keeps a collection's or index's legacy `permissions` (its public reads; this core has no such
  field and would drop it) and any document's `ttl`. Core's masks also drop a privilege's or
  membership's unknown fields, and its unknown actions, as fql does.
"""

from __future__ import annotations

import pytest

import fql

#: (query, failures as (field, code, description), position); the caller is an admin key unless the
#: query starts with `client:` (a token of an `animals` document whose role may create and write them) or
#: `server:` (a server key).
Case = tuple[str, list[tuple[list, str, str]], list]

REQUIRED = ("value required", "Required value not found.")


def _type(actual: str, expected: str) -> tuple[str, str]:
    return ("invalid type", f"Invalid type {actual}, expected type {expected}.")


CASES: dict[str, Case] = {
    # -- user documents' credentials: WriteAdaptor.UserDocumentWriteConfig's password validators
    # (util/SharedValidators.scala) read `credentials.password` and, for a caller with server permissions,
    # `credentials.hashed_password`, else (an admin too: AdminPermissions is no server permission)
    # `credentials.current_password`; Field.read wants a Map on the way, and collectErrors keeps both
    # failures.
    "credentials-string": (
        'server:Create(Collection("animals"), {credentials: "x"})',
        [(["credentials", "password"], *_type("String", "Map")),
         (["credentials", "hashed_password"], *_type("String", "Map"))],
        ["create"],
    ),
    "credentials-array": (
        'server:Update(Ref(Collection("animals"), "1"), {credentials: [1]})',
        [(["credentials", "password"], *_type("Array", "Map")),
         (["credentials", "hashed_password"], *_type("Array", "Map"))],
        [],
    ),
    "credentials-both-wrong": (
        'server:Create(Collection("animals"), {credentials: {password: 5, hashed_password: 6}})',
        [(["credentials", "password"], *_type("Long", "String")),
         (["credentials", "hashed_password"], *_type("Long", "String"))],
        ["create"],
    ),
    "credentials-admin-string": (
        'Create(Collection("animals"), {credentials: "x"})',
        [(["credentials", "password"], *_type("String", "Map")),
         (["credentials", "current_password"], *_type("String", "Map"))],
        ["create"],
    ),
    "credentials-admin-both-wrong": (
        'Create(Collection("animals"), {credentials: {password: 5, hashed_password: 6, current_password: 7}})',
        [(["credentials", "password"], *_type("Long", "String")),
         (["credentials", "current_password"], *_type("Long", "String"))],
        ["create"],
    ),
    "credentials-client-string": (
        'client:Update(Ref(Collection("animals"), "1"), {credentials: 1})',
        [(["credentials", "password"], *_type("Long", "Map")),
         (["credentials", "current_password"], *_type("Long", "Map"))],
        [],
    ),
    "credentials-client-current-only": (
        'client:Update(Ref(Collection("animals"), "1"), {credentials: {current_password: 1}})',
        [(["credentials", "current_password"], *_type("Long", "String"))],
        [],
    ),
    # Credentials documents: CredentialsWriteConfig, the password validator's (patch) failures first,
    # then Credentials.DocumentField's.
    "credentials-doc": (
        "server:Create(Credentials(), {password: 1, hashed_password: 2})",
        [(["password"], *_type("Long", "String")), (["hashed_password"], *_type("Long", "String")),
         (["instance"], *REQUIRED)],
        ["create"],
    ),
    "credentials-doc-admin": (
        "Create(Credentials(), {password: 1, hashed_password: 2})",
        [(["password"], *_type("Long", "String")), (["instance"], *REQUIRED)],
        ["create"],
    ),
    "credentials-doc-instance": (
        "Create(Credentials(), {instance: 5})",
        [(["instance"], *_type("Long", "Ref"))],
        ["create"],
    ),
    # Credentials.ServerValidator reads the credentials document's own `password` and `hashed_password`;
    # the ClientValidator an admin gets, `password` and `current_password`, which must match the hash.
    "credentials-doc-update": (
        'server:Update(Select(["data", 0], Paginate(Documents(Credentials()))), {password: "x", hashed_password: 5})',
        [(["hashed_password"], *_type("Long", "String"))],
        [],
    ),
    "credentials-doc-update-admin": (
        'Update(Select(["data", 0], Paginate(Documents(Credentials()))), {password: "x", hashed_password: 5})',
        [(["current_password"], "invalid password", "Invalid password at `current_password`.")],
        [],
    ),
    # -- roles: Role.scala. A privilege and a membership are record codecs (FieldType.RecordCodec): their
    # fields are read from the record itself, so a failure names the field alone.
    "privilege-resource-type": (
        'CreateRole({name: "r", privileges: [{resource: 5}]})',
        [(["resource"], *_type("Long", "Ref"))],
        ["create_role"],
    ),
    "privilege-resource-required": (
        'CreateRole({name: "r", privileges: {actions: {read: true}}})',
        [(["resource"], *REQUIRED)],
        ["create_role"],
    ),
    "privilege-actions-type": (
        'CreateRole({name: "r", privileges: [{resource: Collection("animals"), actions: 5}]})',
        [(["actions"], *_type("Long", "RoleAction Map"))],
        ["create_role"],
    ),
    "privilege-action-type": (
        'CreateRole({name: "r", privileges: [{resource: Collection("animals"), actions: {read: 5}}]})',
        [(["actions", "read"], *_type("Long", "RoleAction"))],
        ["create_role"],
    ),
    "privilege-update": (
        'Update(Role("r0"), {privileges: [{resource: Time("2020-01-01T00:00:00Z")}]})',
        [(["resource"], *_type("Time", "Ref"))],
        [],
    ),
    "membership-resource-type": (
        'CreateRole({name: "r", membership: [{resource: 5}]})',
        [(["resource"], *_type("Long", "Class Ref"))],
        ["create_role"],
    ),
    "membership-resource-document": (
        'CreateRole({name: "r", membership: {resource: Ref(Collection("animals"), "1")}})',
        [(["resource"], *_type("Ref", "Class Ref"))],
        ["create_role"],
    ),
    "membership-resource-required": (
        'CreateRole({name: "r", membership: [{predicate: Query(Lambda("x", true))}]})',
        [(["resource"], *REQUIRED)],
        ["create_role"],
    ),
    "membership-predicate-type": (
        'CreateRole({name: "r", membership: [{resource: Collection("animals"), predicate: 5}]})',
        [(["predicate"], *_type("Long", "Query"))],
        ["create_role"],
    ),
    # PredicateValidator (SharedValidators.scala) reads `privileges.actions.<action>` through objects
    # only: a privilege given alone has its predicates' arities checked.
    "privilege-arity": (
        'CreateRole({name: "r", privileges: {resource: Collection("animals"), actions: {'
        'read: Query(Lambda(["a", "b"], true)), write: Query(Lambda("_", true)), '
        'history_write: Query(Lambda("x", true))}}})',
        [(["privileges", "actions", "read"], "invalid arity", "Found lambda with arity 2 expected 1"),
         (["privileges", "actions", "history_write"], "invalid arity", "Found lambda with arity 1 expected 4")],
        ["create_role"],
    ),
    "membership-arity": (
        'CreateRole({name: "r", membership: {resource: Collection("animals"), '
        'predicate: Query(Lambda(["a", "b"], true))}})',
        [(["membership", "predicate"], "invalid arity", "Found lambda with arity 2 expected 1")],
        ["create_role"],
    ),
    # Privileges- and MembershipsFQL4FormatValidator read the decoded records: every v10 string is a
    # failure, privileges' first; a record that does not decode fails alone.
    "role-v10-strings": (
        'CreateRole({name: "r", privileges: [{resource: "animals", actions: {read: "x => true"}}], '
        'membership: [{resource: "animals", predicate: "x => true"}]})',
        [(["privileges", "resource"], *_type("String", "Ref")),
         (["privileges", "actions", "read"], *_type("String", "Query")),
         (["membership", "resource"], *_type("String", "Ref")),
         (["membership", "predicate"], *_type("String", "Query"))],
        ["create_role"],
    ),
    "role-v10-string-and-undecodable": (
        'CreateRole({name: "r", privileges: [{resource: "animals"}, {resource: 5}]})',
        [(["resource"], *_type("Long", "Ref"))],
        ["create_role"],
    ),
    "role-data": ('CreateRole({name: "r", data: 5})', [(["data"], *_type("Long", "Map"))], ["create_role"]),
    "role-data-replace": ('Replace(Role("r0"), {name: "r0", data: [1]})', [(["data"], *_type("Array", "Map"))], []),
    # -- every schema document starts with Document.DataValidator (a DataMapValidator)
    "collection-data": ('CreateCollection({name: "c", data: 5})', [(["data"], *_type("Long", "Map"))], ["create_collection"]),
    "collection-data-update": ('Update(Collection("animals"), {data: "x"})', [(["data"], *_type("String", "Map"))], []),
    "index-data": (
        'CreateIndex({name: "i", source: Collection("animals"), data: 5})',
        [(["data"], *_type("Long", "Map"))],
        ["create_index"],
    ),
    "function-data": (
        'CreateFunction({name: "f", body: Query(Lambda("x", 1)), data: 5})',
        [(["data"], *_type("Long", "Map"))],
        ["create_function"],
    ),
    "database-data": ('CreateDatabase({name: "d", data: 5})', [(["data"], *_type("Long", "Map"))], ["create_database"]),
    "database-data-update": ('Update(Database("d0"), {data: 1.5})', [(["data"], *_type("Double", "Map"))], []),
    # -- indexes: Index.ActiveField (Field[Boolean], read before partitions), UniqueField, SerialField
    # (Field[Option[Boolean]], after them)
    "index-active": (
        'CreateIndex({name: "i", source: Collection("animals"), active: "yes", partitions: 9, unique: 1})',
        # the bounds are DefaultPartitionPolicy's, a patch failure: before every field's
        [(["partitions"], "bounds error", "Value 9 is not in expected range 1 to 8."),
         (["active"], *_type("String", "Boolean")),
         (["unique"], *_type("Long", "Boolean"))],
        ["create_index"],
    ),
    # Index.ActiveValidator reads `active` from what a Replace keeps (IndexWriteConfig.prevForReplace: name
    # and unique), which never holds it: a v4 Replace of an index is always refused, that failure first.
    "index-replace": (
        'Replace(Index("i0"), {name: "i0", source: 5, active: true, unique: 1})',
        [(["source"], *_type("Long", "SourceClass")), (["active"], *REQUIRED), (["unique"], *_type("Long", "Boolean"))],
        [],
    ),
    "index-active-update": ('Update(Index("i0"), {active: 1})', [(["active"], *_type("Long", "Boolean"))], []),
    # Index.ClassFieldType reads an array of sources' each element as a Class Ref: a null among them too
    "index-source-null-class": (
        'CreateIndex({name: "i", source: {class: [Collection("animals"), null]}})',
        [(["class"], *_type("Null", "Class Ref"))],
        ["create_index"],
    ),
    "index-unique": (
        'CreateIndex({name: "i", source: Collection("animals"), unique: 5})',
        [(["unique"], *_type("Long", "Boolean"))],
        ["create_index"],
    ),
    "index-serialized": (
        'CreateIndex({name: "i", source: Collection("animals"), serialized: "yes"})',
        [(["serialized"], *_type("String", "Boolean"))],
        ["create_index"],
    ),
    # -- functions: UserFunction.RoleField is a key's Role type (Key.RoleFieldType), its names checked by
    # Key.RoleNameValidator; BodyField is required.
    "function-role-type": (
        'CreateFunction({name: "f", body: Query(Lambda("x", 1)), role: 5})',
        [(["role"], *_type("Long", "Role"))],
        ["create_function"],
    ),
    "function-role-name": (
        'CreateFunction({name: "f", body: Query(Lambda("x", 1)), role: "nope"})',
        [(["role"], "validation failure", "Role name `nope` does not exist.")],
        ["create_function"],
    ),
    "function-body-required": ('CreateFunction({name: "f"})', [(["body"], *REQUIRED)], ["create_function"]),
    # -- keys: Key.DatabaseField (DatabaseIDT, `Database Ref`), Key.PriorityField (PriorityT: 1 to 500)
    "key-database-type": (
        'CreateKey({role: "server", database: Collection("animals")})',
        [(["database"], *_type("Ref", "Database Ref"))],
        ["create_key"],
    ),
    "key-database-long": (
        'CreateKey({role: "server", database: 5})',
        [(["database"], *_type("Long", "Database Ref"))],
        ["create_key"],
    ),
    "key-priority-low": ('CreateKey({role: "server", priority: 0})', [(["priority"], *_type("Long", "Priority"))], ["create_key"]),
    "key-priority-high": ('CreateKey({role: "server", priority: 501})', [(["priority"], *_type("Long", "Priority"))], ["create_key"]),
    "key-priority-string": (
        'CreateKey({role: "server", priority: "1"})',
        [(["priority"], *_type("String", "Priority"))],
        ["create_key"],
    ),
    "key-data-update": (
        'Update(Select(["data", 0], Paginate(Keys())), {data: 5})',
        [(["data"], *_type("Long", "Map"))],
        [],
    ),
    "key-ttl-update": (
        'Update(Select(["data", 0], Paginate(Keys())), {ttl: 5})',
        [(["ttl"], *_type("Long", "Time"))],
        [],
    ),
    # -- access providers: RolesListFieldType stops at the first entry that fails (Either `sequence`),
    # RoleFieldType at the first field (`role` is a name or RoleIDT, `Role Ref`)
    "provider-role": (
        'CreateAccessProvider({name: "p", issuer: "i", jwks_uri: "https://a.example/k", '
        'roles: [{role: 1, predicate: 2}, 5]})',
        [(["role"], *_type("Long", "Role Ref"))],
        ["create_access_provider"],
    ),
    "key-role-name": (
        'CreateKey({role: "nope"})',
        [(["role"], "validation failure", "Role name `nope` does not exist.")],
        ["create_key"],
    ),
    # -- every failure of a write, in its validators' order: core's AggregateValidator runs them all
    # and reports their failures together (ext/storage/src/main/scala/doc/Validator.scala), the
    # ReferencesValidator after the fields' (Collection.UserCollectionLiveValidator: data,
    # history_days, ttl_days, name; UserFunction: name, role, body; Database: data, name, ..., priority;
    # Key: data, role, database, priority, ttl).
    "all-collection": (
        'CreateCollection({name: 1, history_days: "x", ttl_days: "y"})',
        [(["history_days"], *_type("String", "Long")), (["ttl_days"], *_type("String", "Long")),
         (["name"], *_type("Long", "String"))],
        ["create_collection"],
    ),
    "all-collection-update": (
        'Update(Collection("animals"), {name: 2, data: 3, history_days: "x"})',
        [(["data"], *_type("Long", "Map")), (["history_days"], *_type("String", "Long")),
         (["name"], *_type("Long", "String"))],
        [],
    ),
    # ReferencesValidator (util/SharedValidators.scala) ends a collection's, function's, role's, index's or database's
    # LiveValidator: a ref to a document that does not exist is ReferenceMissing, after the fields'.
    "all-collection-reference": (
        'CreateCollection({name: "c", data: {r: Ref(Collection("animals"), "999")}, history_days: "x"})',
        [(["history_days"], *_type("String", "Long")), (["data", "r"], "invalid reference", "Reference was not found.")],
        ["create_collection"],
    ),
    "function-reference": (
        'Update(Function("f0"), {data: {a: [Ref(Collection("animals"), "999")]}})',
        [(["data", "a", "0"], "invalid reference", "Reference was not found.")],
        [],
    ),
    # WriteFunctions' RefValidator reads the form first, at its root: an unresolved ref (its collection
    # names nothing) fails the write before any validator runs.
    "all-collection-unresolved-reference": (
        'CreateCollection({name: "c", data: {r: Ref(Collection("nope"), "1")}, history_days: "x"})',
        [(["data", "r"], "invalid reference", "Cannot read reference.")],
        [],
    ),
    "all-function": (
        "CreateFunction({name: 1, body: 2})",
        [(["name"], *_type("Long", "String")), (["body"], *_type("Long", "Query"))],
        ["create_function"],
    ),
    "all-function-update": (
        'Update(Function("f0"), {name: 1, role: 5, data: 2})',
        [(["data"], *_type("Long", "Map")), (["name"], *_type("Long", "String")), (["role"], *_type("Long", "Role"))],
        [],
    ),
    "all-key": (
        'CreateKey({role: 1, priority: "x"})',
        [(["role"], *_type("Long", "Role")), (["priority"], *_type("String", "Priority"))],
        ["create_key"],
    ),
    "all-database": (
        "CreateDatabase({name: 1, priority: 0})",
        [(["name"], *_type("Long", "String")), (["priority"], *_type("Long", "Priority"))],
        ["create_database"],
    ),
    # A role's privileges are Field.ZeroOrMore[Privilege]: FieldType.ArrayT decodes the entries with
    # Either's `sequence`, which stops at the first that fails, and the record codec at its first field.
    "all-role-privileges": (
        'CreateRole({name: "r", privileges: [{resource: 1, actions: 2}, {resource: 3, actions: {read: 4}}]})',
        [(["resource"], *_type("Long", "Ref"))],
        ["create_role"],
    ),
    "all-index": (
        "CreateIndex({name: 1, source: 2, terms: 3})",
        # SourceConfigValidator reads the sources as it patches, so their failure comes first
        # (Validator.patch: the patch's failures, then the data's, each once)
        [(["source"], *_type("Long", "SourceClass")), (["name"], *_type("Long", "String")),
         (["terms"], *_type("Long", "Term"))],
        ["create_index"],
    ),
    "all-index-update": (
        'Update(Index("i0"), {name: 1, unique: 2, serialized: 3, data: 4})',
        [(["data"], *_type("Long", "Map")), (["name"], *_type("Long", "String")),
         (["unique"], *_type("Long", "Boolean")), (["serialized"], *_type("Long", "Boolean"))],
        [],
    ),
    "all-key-update": (
        'Update(Select(["data", 0], Paginate(Keys())), {data: 5, ttl: 6})',
        [(["data"], *_type("Long", "Map")), (["ttl"], *_type("Long", "Time"))],
        [],
    ),
    "all-database-update": (
        'Update(Database("d0"), {name: 1, data: 2, priority: 0})',
        [(["data"], *_type("Long", "Map")), (["name"], *_type("Long", "String")),
         (["priority"], *_type("Long", "Priority"))],
        [],
    ),
    # A database's LiveValidator reads its refs too (Database.LiveValidator's ReferencesValidator).
    "database-reference": (
        'CreateDatabase({name: "d1", priority: 0, data: {r: Ref(Collection("animals"), "999"), k: Ref(Keys(), "1")}})',
        [(["priority"], *_type("Long", "Priority")), (["data", "r"], "invalid reference", "Reference was not found.")],
        ["create_database"],
    ),
    # And an index's (Index.LiveValidator).
    "index-reference": (
        'CreateIndex({name: "i1", source: Collection("animals"), data: {r: Ref(Collection("animals"), "999")}})',
        [(["data", "r"], "invalid reference", "Reference was not found.")],
        ["create_index"],
    ),
    "database-update-reference": (
        'Update(Database("d0"), {data: {a: [Ref(Collection("animals"), "999")]}})',
        [(["data", "a", "0"], "invalid reference", "Reference was not found.")],
        [],
    ),
    # A key's (Key.LiveValidator: the version's fields, ReferencesValidator, then RoleNameValidator) and an
    # access provider's (AccessProvider.LiveValidator: IssuerValidator, ReferencesValidator, RolesValidator),
    # on create and on an update, whose merged document is read.
    "key-reference": (
        'CreateKey({role: "nope", priority: 0, data: {r: Ref(Collection("animals"), "999"), k: Ref(Keys(), "1")}})',
        [(["priority"], *_type("Long", "Priority")),
         (["data", "r"], "invalid reference", "Reference was not found."),
         (["role"], "validation failure", "Role name `nope` does not exist.")],
        ["create_key"],
    ),
    "key-update-reference": (
        'Update(Select(["data", 0], Paginate(Keys())), {data: {a: [1, Ref(Collection("animals"), "999")]}})',
        [(["data", "a", "1"], "invalid reference", "Reference was not found.")],
        [],
    ),
    "provider-reference": (
        'CreateAccessProvider({name: "p", issuer: "i", jwks_uri: "https://a.example/k", roles: ["nope"], '
        'data: {r: Ref(Collection("animals"), "999"), a: Ref(Collection("animals"), "1")}})',
        [(["data", "r"], "invalid reference", "Reference was not found."),
         (["roles"], "validation failure", "Role `nope` does not exist.")],
        ["create_access_provider"],
    ),
}


@pytest.fixture
def db() -> fql.Database:
    db = fql.connect()
    db.query('CreateCollection({name: "animals"})')
    db.query('Create(Ref(Collection("animals"), "1"), {credentials: {password: "secret"}})')
    db.query(
        'CreateRole({name: "r0", membership: [{resource: Collection("animals")}], '
        'privileges: [{resource: Collection("animals"), actions: {read: true, create: true, write: true}}]})'
    )
    db.query('CreateDatabase({name: "d0"})')
    db.query('CreateFunction({name: "f0", body: Query(Lambda("x", 1))})')
    db.query('CreateIndex({name: "i0", source: Collection("animals")})')
    db.query('CreateKey({role: "server"})')
    return db


def _caller(db: fql.Database, query: str) -> tuple[str, str | None]:
    if query.startswith("server:"):
        return query.removeprefix("server:"), db.query('CreateKey({role: "server"})')["secret"]
    if not query.startswith("client:"):
        return query, None
    token = db.query('Login(Ref(Collection("animals"), "1"), {password: "secret"})')
    return query.removeprefix("client:"), token["secret"]


@pytest.mark.parametrize(("query", "failures", "position"), list(CASES.values()), ids=list(CASES))
def test_validation_failure(db: fql.Database, query: str, failures: list, position: list) -> None:
    query, secret = _caller(db, query)
    with pytest.raises(fql.FQLError) as info:
        db.query(query, secret=secret)
    err = info.value
    assert err.code == "validation failed"
    assert [(f["field"], f["code"], f["description"]) for f in err.failures] == [tuple(f) for f in failures]
    assert list(err.position) == position


def test_a_failed_write_changes_nothing(db: fql.Database) -> None:
    """Each refused write leaves the database as it was (one spot check per kind of document)."""
    before = db.query('Map(Paginate(Roles()), Lambda("r", Get(Var("r"))))')
    for query in ('Update(Role("r0"), {privileges: [{resource: 5}]})', 'CreateRole({name: "r", data: 5})'):
        with pytest.raises(fql.FQLError):
            db.query(query)
    assert db.query('Map(Paginate(Roles()), Lambda("r", Get(Var("r"))))') == before


#: Writes that give a schema document a field none of its validators knows, and the document read after.
#: Core's Validator.patch keeps `select(data patch diff)`, the union of the validators' filter masks
#: (Field.validator masks its own path), so the field is dropped, not refused; a ref in it to a document
#: that is not there is not read (ReferencesValidator reads the selected data), though an unresolved one
#: is, as RefValidator reads the whole form first (WriteFunctions.scala;
#: test_unresolved_refs_in_unknown_fields_fail_the_write).
UNKNOWN_FIELDS = {
    "collection": ('CreateCollection({name: "c", foo: 1})', 'Get(Collection("c"))'),
    "collection-ref": ('CreateCollection({name: "c", foo: Ref(Collection("animals"), "404")})', 'Get(Collection("c"))'),
    "collection-update": ('Update(Collection("animals"), {foo: 1})', 'Get(Collection("animals"))'),
    "index": ('CreateIndex({name: "i", source: Collection("animals"), foo: 1})', 'Get(Index("i"))'),
    "index-update": ('Update(Index("i0"), {foo: 1})', 'Get(Index("i0"))'),
    "function": ('CreateFunction({name: "f", body: Query(Lambda("x", 1)), foo: 1})', 'Get(Function("f"))'),
    "function-update": ('Update(Function("f0"), {foo: 1})', 'Get(Function("f0"))'),
    "database": ('CreateDatabase({name: "d", foo: 1})', 'Get(Database("d"))'),
    "database-update": ('Update(Database("d0"), {foo: 1})', 'Get(Database("d0"))'),
    "role": ('CreateRole({name: "r", foo: 1})', 'Get(Role("r"))'),
    "role-update": ('Update(Role("r0"), {foo: 1})', 'Get(Role("r0"))'),
    "access-provider": (
        'CreateAccessProvider({name: "p", issuer: "i", jwks_uri: "https://a.example/k", foo: 1})',
        'Get(AccessProvider("p"))',
    ),
    "key": ('CreateKey({role: "server", foo: 1})', 'Get(Select(["data", 1], Paginate(Keys())))'),
}


@pytest.mark.parametrize(("write", "read"), list(UNKNOWN_FIELDS.values()), ids=list(UNKNOWN_FIELDS))
def test_unknown_top_level_fields_are_dropped(db: fql.Database, write: str, read: str) -> None:
    assert "foo" not in db.query(write)
    assert "foo" not in db.query(read)


def test_unresolved_refs_in_unknown_fields_fail_the_write(db: fql.Database) -> None:
    """AbstractCreateFunction runs RefValidator over the whole form before any validator drops a field
    (WriteFunctions.scala): a ref whose collection names nothing fails the write, at the call's root."""
    with pytest.raises(fql.FQLError) as caught:
        db.query('CreateCollection({name: "c", foo: Ref(Collection("nope"), "1")})')
    err = caught.value
    assert (err.code, list(err.position)) == ("validation failed", [])
    assert [(f["field"], f["description"]) for f in err.failures] == [(["foo"], "Cannot read reference.")]


def test_unknown_actions_are_dropped(db: fql.Database) -> None:
    """Core's Privilege.fieldsMask keeps the known actions only, whatever their values, and an `actions`
    it empties is dropped (MaskTree.select, MapV.lift): an unknown action is no failure."""
    made = db.query(
        'CreateRole({name: "r", privileges: [{resource: Collection("animals"), actions: {foo: 5, read: true}},'
        ' {resource: Collection("animals"), actions: {bar: true}}]})'
    )
    animals = db.query('Collection("animals")')
    assert made["privileges"] == [{"resource": animals, "actions": {"read": True}}, {"resource": animals}]


def test_unknown_privilege_and_membership_fields_are_dropped(db: fql.Database) -> None:
    """Privilege.fieldsMask keeps `resource` and the known actions, Membership.fieldsMask `resource` and
    `predicate` (core's RoleSpec "filter out invalid fields", also on array elements), on Update too."""
    animals = db.query('Collection("animals")')
    made = db.query(
        'CreateRole({name: "r", membership: {resource: Collection("animals"), foo: "bar"}, '
        'privileges: [{resource: Collection("animals"), foo: "bar", actions: {read: true}}]})'
    )
    assert (made["membership"], made["privileges"]) == ({"resource": animals}, [{"resource": animals, "actions": {"read": True}}])
    updated = db.query('Update(Role("r"), {membership: [{resource: Collection("animals"), bar: 1}], privileges: {resource: Collection("animals"), bar: 1}})')
    assert (updated["membership"], updated["privileges"]) == ([{"resource": animals}], {"resource": animals})


def test_arity_in_an_array_is_not_checked(db: fql.Database) -> None:
    """PredicateValidator's path does not pass through an array (MapV.get): privileges in an array keep
    predicates of any arity, as core stores them."""
    made = db.query(
        'CreateRole({name: "r", privileges: [{resource: Collection("animals"), '
        'actions: {read: Query(Lambda(["a", "b"], true))}}]})'
    )
    assert made["privileges"][0]["actions"]["read"].params == ["a", "b"]


def test_a_server_caller_may_give_a_current_password_of_any_type(db: fql.Database) -> None:
    """ServerPasswordValidator reads no `current_password`: only a client's password change proves it."""
    server = db.query('CreateKey({role: "server"})')["secret"]
    db.query('Update(Ref(Collection("animals"), "1"), {credentials: {password: "new", current_password: 5}})', secret=server)
    assert db.query('Identify(Ref(Collection("animals"), "1"), "new")') is True


def test_valid_fields_still_pass(db: fql.Database) -> None:
    """The bounds that pass: priority 1 and 500, a boolean unique, a function with a built-in role."""
    assert db.query('CreateKey({role: "server", priority: 500})')["priority"] == 500
    assert db.query('CreateKey({role: "server", priority: 1})')["priority"] == 1
    assert db.query('CreateIndex({name: "u", source: Collection("animals"), unique: true})')["unique"] is True
    made = db.query('CreateFunction({name: "f", body: Query(Lambda("x", 1)), role: "server", data: {a: 1}})')
    assert (made["role"], made["data"]) == ("server", {"a": 1})
    assert db.query('CreateFunction({name: "g", body: Query(Lambda("x", 1)), role: Role("r0")})')["name"] == "g"
