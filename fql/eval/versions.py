"""v4 API versions (`X-FaunaDB-API-Version`, a lambda's `api_version`): their order, and the forms each has.

Core (ext/atoms APIVersion.scala) knows 2.0, 2.1, 2.7, 2.12, 3, 4, 5 and UNSTABLE, in that order. A
query's forms are those of the version it was written for (Parser.scala registers forms with
`introducedOn`/`removedOn` predicates): the request's, or inside a lambda its own `api_version` (a stored
lambda is parsed again with its version when called). What a form does may depend on the version the
query is evaluated at (EvalContext.apiVers): the request's.
"""

from __future__ import annotations

import typing as t

if t.TYPE_CHECKING:
    from .evaluator import Context
    from .registry import Builtin

#: Every version core's header parser and lambda parser take, oldest first.
ORDER = ("2.0", "2.1", "2.7", "2.12", "3", "4", "5", "UNSTABLE")
#: What fql evaluates a query without a version at (core's Default is 2.1: see the README).
CURRENT = "4"
#: Core's APIVersion.Default, which it evaluates index bindings at (and `Format`'s `%@` renders as).
DEFAULT = "2.1"
#: A lambda's least version (core's LambdaDefaultVersion): one written under 2.0 or 2.1 is 2.12, and
#: a stored lambda without `api_version` is 2.12.
LAMBDA_DEFAULT = "2.12"

_RANK = {version: i for i, version in enumerate(ORDER)}

#: Forms, by the wire key that names them, that a version before the one given does not have
#: (Parser.scala's `introducedOn`).
INTRODUCED = {
    "contains_path": "3",
    "contains_field": "3",
    "contains_value": "3",
    "first": "4",
    "last": "4",
    "access_provider": "4",
    "access_providers": "4",
    "create_access_provider": "4",
    "current_identity": "4",
    "has_current_identity": "4",
    "current_token": "4",
    "has_current_token": "4",
    "split_str": "UNSTABLE",
    "split_str_regex": "UNSTABLE",
    "issue_access_jwt": "UNSTABLE",
}

#: The snake_case names UNSTABLE gives string and bit functions, and the names they replace there
#: (Parser.scala: each old name `removedOn(Unstable)`, each new one `introducedOn(Unstable)`).
UNSTABLE_NAMES = {
    "regex_escape": "regexescape",
    "starts_with": "startswith",
    "ends_with": "endswith",
    "contains_str": "containsstr",
    "contains_str_regex": "containsstrregex",
    "find_str": "findstr",
    "find_str_regex": "findstrregex",
    "lower_case": "lowercase",
    "l_trim": "ltrim",
    "replace_str": "replacestr",
    "replace_str_regex": "replacestrregex",
    "r_trim": "rtrim",
    "sub_string": "substring",
    "title_case": "titlecase",
    "upper_case": "uppercase",
    "bit_and": "bitand",
    "bit_not": "bitnot",
    "bit_or": "bitor",
    "bit_xor": "bitxor",
}
_REMOVED_ON_UNSTABLE = frozenset(UNSTABLE_NAMES.values())


def at_least(version: str, floor: str) -> bool:
    """Whether `version` is `floor` or later."""
    return _RANK[version] >= _RANK[floor]


def lambda_version(version: str) -> str:
    """The version of a lambda written in code of `version` (core's LambdaE: at least 2.12)."""
    return version if at_least(version, LAMBDA_DEFAULT) else LAMBDA_DEFAULT


def has_form(key: str, version: str) -> bool:
    """Whether code of `version` has the form its wire key `key` names."""
    if version == CURRENT:
        return key not in UNSTABLE_NAMES and INTRODUCED.get(key) != "UNSTABLE"
    if version == "UNSTABLE":
        return key not in _REMOVED_ON_UNSTABLE
    floor = INTRODUCED.get(key)
    return (floor is None or at_least(version, floor)) and key not in UNSTABLE_NAMES


def has_builtin(fn: Builtin, version: str) -> bool:
    """Whether code of `version` has the built-in `fn` (by the wire key naming its form)."""
    return has_form(fn.keys[0], version) if fn.keys else True


def before(ctx: Context, version: str) -> bool:
    """Whether the code running was written for a version before `version` (its forms are older)."""
    return not at_least(ctx.state.form_version, version)
