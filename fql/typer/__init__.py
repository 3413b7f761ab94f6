"""A static typechecker for v10 queries, after core's typer: a query's `static_type`, and the type errors
that make core refuse it (`invalid_query`) before it runs. It models literals, structs, arrays, lambdas,
`let`, if/else, blocks, operators on primitives, field access on what it knows, generic signatures (their
parameters learnt where they are called), and what its `Env` says of globals and members
(fql/eval/v10/static.py fills it from the stdlib's signature table and the database's schema: user
collections, their documents, user functions' signatures); the rest is UNKNOWN (`Any`) to it, and never
an error."""

from .check import Outcome, TypeError_, check, check_body
from .env import Env, NullPlace
from .types import UNKNOWN, Type, display

__all__ = ["Env", "NullPlace", "Outcome", "Type", "TypeError_", "UNKNOWN", "check", "check_body", "display"]
