"""Core's model AuthSpec (ext/model/src/test/scala/auth/AuthSpec.scala), its "Auth.lookup" cases: what a
secret, scoped or not, authenticates as. Core compares the Auth objects it looks up; here each secret is
asked what it may do and who it is: `admin` (lists keys), `server` (writes), `read` (reads only),
`none` (a client: neither), in which database (the one whose marker document it reads), and its
identity, or `unauthorized`.

The "revalidates" cases are in tests/server/test_core_auth_revalidate.py (through streams)."""

from __future__ import annotations

import pytest

import fql
from fql.auth.credentials import TEST_PARAMS

ROOT = "rootkey"
BUILT_IN = ("admin", "server", "server-readonly", "client")


class Tree:
    """The databases of the spec: `app` (core's `db`), under it `db.with.dots.in.the.name` and `sub1`,
    and `sub2` under `sub1`; each has a collection `things` with a marker document "2" naming its
    database and a document "1" to act as."""

    def __init__(self):
        self.db = fql.connect(root_secret=ROOT, argon2=TEST_PARAMS)
        self.db.query('CreateDatabase({name: "app"})', secret=ROOT)
        self.admin = self.key("admin", ROOT, "app")
        self.mark(self.admin, "app")
        for name in ("db.with.dots.in.the.name", "sub1"):
            self.db.query(f'CreateDatabase({{name: "{name}"}})', secret=self.admin)
            self.mark(self.key("admin", self.admin, name), name)
        sub1 = self.key("admin", self.admin, "sub1")
        self.db.query('CreateDatabase({name: "sub2"})', secret=sub1)
        self.sub2 = self.key("admin", sub1, "sub2")
        self.mark(self.sub2, "sub2")
        self.keys = {role: self.key(role, ROOT, "app") for role in BUILT_IN}

    def key(self, role: str, parent: str, database: str | None = None) -> str:
        where = f', database: Database("{database}")' if database else ""
        return self.db.query(f'CreateKey({{role: "{role}"{where}}})', secret=parent)["secret"]

    def mark(self, admin: str, name: str) -> None:
        self.db.query('CreateCollection({name: "things"})', secret=admin)
        self.db.query('Create(Ref(Collection("things"), "1"), {})', secret=admin)
        self.db.query(f'Create(Ref(Collection("things"), "2"), {{data: {{db: "{name}"}}}})', secret=admin)
        role = '{resource: Collection("things"), actions: {read: true}}'
        self.db.query(f'CreateRole({{name: "reader", privileges: [{role}]}})', secret=admin)

    def fails(self, text: str, secret: str) -> bool:
        try:
            self.db.query(text, secret=secret)
        except fql.FQLError:
            return True
        return False

    def who(self, secret: str) -> tuple | str:
        try:
            self.db.query("1", secret=secret)
        except fql.FQLError as err:
            assert err.code == "unauthorized"
            return "unauthorized"
        identity = self.db.query("If(HasCurrentIdentity(), CurrentIdentity(), null)", secret=secret)
        marker = 'Select(["data", "db"], Get(Ref(Collection("things"), "2")))'
        where = None if self.fails(marker, secret) else self.db.query(marker, secret=secret)
        if not self.fails("Paginate(Keys())", secret):
            level = "admin"
        elif not self.fails('Create(Collection("things"), {})', secret):
            level = "server"
        else:
            level = "read" if where else "none"
        return level, where, identity.id if isinstance(identity, fql.Ref) else identity


@pytest.fixture(scope="module")
def tree() -> Tree:
    return Tree()


def test_can_lookup_by_secret(tree):
    assert tree.who(tree.keys["server"]) == ("server", "app", None)


def test_lookup_scoped_secrets_with_special_chars(tree):
    assert tree.who(f"{tree.keys['admin']}:db.with.dots.in.the.name:server") == (
        "server", "db.with.dots.in.the.name", None)


def test_can_set_an_instance_scope(tree):
    # Only server and admin keys may act as a document; the document's role-less identity reads nothing
    # else.
    for role in ("server", "admin"):
        assert tree.who(f"{tree.keys[role]}:classes/things/1") == ("none", None, "1")
    for role in ("client", "server-readonly"):
        assert tree.who(f"{tree.keys[role]}:classes/things/1") == "unauthorized"


@pytest.mark.parametrize(("path", "database"), [("sub1", "sub1"), ("sub1/sub2", "sub2")])
def test_can_reach_into_a_sub_database(tree, path, database):
    levels = {"server": "server", "server-readonly": "read", "admin": "admin", "client": "none"}
    for role, level in levels.items():
        expected = (level, database if level != "none" else None, None)
        assert tree.who(f"{tree.keys['admin']}:{path}:{role}") == expected
        assert tree.who(f"{ROOT}:app/{path}:{role}") == expected
        assert tree.who(f"{tree.keys['server']}:{path}:{role}") == "unauthorized"
    if database == "sub2":
        for secret in (f"{tree.keys['admin']}:{path}:classes/things/1", f"{ROOT}:app/{path}:classes/things/1"):
            assert tree.who(secret) == ("none", None, "1")
        assert tree.who(f"{tree.keys['server']}:{path}:classes/things/1") == "unauthorized"


def test_key_auth_allow_custom_role(tree):
    sub1 = tree.key("admin", tree.admin, "sub1")
    assert tree.who(f"{sub1}:sub2:@role/reader") == ("read", "sub2", None)


def test_key_auth_omit_database(tree):
    admin = tree.keys["admin"]
    expected = {"admin": ("admin", "app", None), "server": ("server", "app", None),
                "server-readonly": ("read", "app", None), "client": ("none", None, None),
                "classes/things/1": ("none", None, "1"), "@role/reader": ("read", "app", None)}
    assert {scope: tree.who(f"{admin}:{scope}") for scope in expected} == expected


def test_key_auth_only_admin_keys_can_override_scope(tree):
    for role in ("server", "server-readonly", "client"):
        for scope in ("admin", "@role/reader"):
            assert tree.who(f"{tree.keys[role]}:{scope}") == "unauthorized"
    assert tree.who(f"{tree.keys['admin']}:client") == ("none", None, None)
    assert tree.who(f"{tree.keys['admin']}:@role/reader") == ("read", "app", None)


def test_key_auth_custom_role_keys_cannot_override_scope(tree):
    tree.db.query('CreateRole({name: "blind", privileges: [{resource: Collection("things"), actions: {read: false}}]})',
                  secret=tree.admin)
    secret = tree.db.query('CreateKey({role: Role("reader")})', secret=tree.admin)["secret"]
    assert tree.who(secret) == ("read", "app", None)
    assert tree.who(f"{secret}:@role/blind") == "unauthorized"


def test_root_auth_allow_custom_role(tree):
    assert tree.who(f"{ROOT}:app:@role/reader") == ("read", "app", None)


def test_root_auth_omit_database():
    tree = Tree()
    tree.mark(ROOT, "root")
    expected = {"admin": ("admin", "root", None), "server": ("server", "root", None),
                "server-readonly": ("read", "root", None), "client": ("none", None, None),
                "classes/things/1": ("none", None, "1"), "@role/reader": ("read", "root", None)}
    assert {scope: tree.who(f"{ROOT}:{scope}") for scope in expected} == expected


def test_token_auth_ignore_scope(tree):
    tree.db.query('CreateCollection({name: "people"})', secret=tree.admin)
    tree.db.query('Create(Ref(Collection("people"), "7"), {credentials: {password: "sekrit"}})', secret=tree.admin)
    token = tree.db.query('Login(Ref(Collection("people"), "7"), {password: "sekrit"})', secret=tree.admin)["secret"]
    for secret in (token, f"{token}:non-existent-role", f"{token}:some/non-sense/database:non-existent-role"):
        assert tree.who(secret) == ("none", None, "7")


def test_support_doc_ref(tree):
    assert tree.who(f"{tree.keys['server']}:@doc/things/1") == ("none", None, "1")
    assert tree.who(f"{ROOT}:app:@doc/things/1") == ("none", None, "1")
