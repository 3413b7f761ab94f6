"""Core's IssueJWTSpec (ext/model/src/test/scala/auth/IssueJWTSpec.scala and
ext/api/src/test/scala/queries/IssueJWTSpec.scala) and AuthRenderSpec (ext/model/src/test/scala/auth/).

Skipped, IssueJWTSpec (all 10 model cases and 4 API cases): `IssueAccessJWT` is a function of core's unstable
API only (Parser: `introducedOn(APIVersion.Unstable)`), and core's own JWTs never log in (JWTToken.fromToken
answers no auth for its own issuer; the API spec's login cases are `pending`). fql evaluates API 4, where core's
parser knows no such function: that is what is tested here.
Skipped, AuthRenderSpec (7 cases): it renders an Auth for core's request log, which fql does not keep.
"""

from __future__ import annotations

import pytest

import fql
from fql.errors import FQLError


def test_issue_access_jwt_is_no_api_4_function():
    db = fql.connect()
    db.query('CreateRole({ name: "r", privileges: [] })')
    with pytest.raises(FQLError) as caught:
        db.query('IssueAccessJWT(Role("r"))')
    assert caught.value.to_dict() == {
        "position": [],
        "code": "invalid expression",
        "description": "No form/function found, or invalid argument keys: { issue_access_jwt }.",
    }
