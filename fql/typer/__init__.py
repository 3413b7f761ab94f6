"""A static typechecker for v10 queries, after core's typer: a query's `static_type`, and the type errors
that make core refuse it (`invalid_query`) before it runs. Phase 1 models literals, structs, arrays,
lambdas, `let`, if/else, blocks, operators on primitives and field access on what it knows; the rest is
UNKNOWN (`Any`) to it, and never an error. `Env` is where a table of stdlib signatures plugs in."""

from .check import Outcome, TypeError_, check
from .env import Env
from .types import UNKNOWN, Type, display

__all__ = ["Env", "Outcome", "Type", "TypeError_", "UNKNOWN", "check", "display"]
