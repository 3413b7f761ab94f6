"""Basic forms: Let, Var, Lambda, If, Do, Abort, Query, Call, and the forms fql does not implement yet."""

from __future__ import annotations

import typing as t

from .. import ast
from ..errors import (
    CallError,
    FQLError,
    InvalidArgument,
    InvalidExpression,
    NotImplementedInFql,
    QueryTimeout,
    ServiceTimeout,
    StackOverflow,
    TooMuchCompute,
    TransactionAborted,
)
from ..values import Lambda, Ref, native, type_name
from . import versions
from .casts import BOOLEAN, STRING
from .evaluator import MAX_DEPTH, Context
from .registry import builtin


@builtin("Let", keys=("let", "in"), lazy=True)
def let(ctx: Context, bindings: ast.Node, body: ast.Node) -> t.Any:
    """Bind variables in order (each sees the earlier ones), then evaluate `in` with them."""
    if isinstance(bindings, ast.Object):
        groups: list[tuple[tuple, tuple]] = [((), bindings.pairs)]
    elif isinstance(bindings, ast.Array) and all(isinstance(b, ast.Object) for b in bindings.items):
        groups = [((i,), b.pairs) for i, b in enumerate(bindings.items)]
    else:
        raise InvalidExpression("Let bindings must be an object or an array of objects.").at("let")
    for prefix, pairs in groups:
        for name, node in pairs:
            value = ctx.eval(node, "let", *prefix, name)
            ctx = ctx.bind({name: value})
    return ctx.eval(body, "in")


@builtin("Var", keys=("var",), lazy=True)
def var(ctx: Context, name: ast.Node) -> t.Any:
    """The value of the variable `name` (a literal string: core reads it as it parses the query)."""
    if not isinstance(name, ast.Literal) or not isinstance(name.value, str):
        raise InvalidExpression(f"String expected, {_written_type(name)} provided.").at("var")
    try:
        return ctx.env[name.value]
    except KeyError:
        raise InvalidExpression(f"Variable '{name.value}' is not defined.") from None


def _written_type(node: ast.Node) -> str:
    """The type of an argument as written in the query, before evaluation: core reads the JSON, so a
    call, an escape (`@ts`) or a quote is an object."""
    if isinstance(node, ast.Literal):
        return type_name(node.value)
    return "Array" if isinstance(node, ast.Array) else "Object"


def _params(value: t.Any) -> t.Any:
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(p, (str, list)) for p in value):
        return [_params(p) for p in value]
    raise InvalidArgument(f"String or Array expected, {type_name(value)} provided.")


@builtin("Lambda", keys=("lambda", "expr"), lazy=True)
def lambda_(ctx: Context, params: ast.Node, body: ast.Node) -> Lambda:
    """A function of `params` (a name, or a list of names to destructure an array)."""
    names = _params(ctx.eval(params, "lambda"))
    # Its version is the code's, at least 2.12 (core's LambdaE), and its body keeps that code's forms.
    return Lambda(names, body, ctx.env, versions.lambda_version(ctx.state.form_version))


@builtin("If", keys=("if", "then", "else"), lazy=True)
def if_(ctx: Context, cond: ast.Node, then: ast.Node, else_: ast.Node) -> t.Any:
    """`then` when `cond` is true, else `else`; only the chosen branch is evaluated."""
    test = BOOLEAN(ctx.eval(cond, "if"), "if")
    return ctx.eval(then, "then") if test else ctx.eval(else_, "else")


@builtin("Do", keys=("do",), varargs=True, lazy=True)
def do(ctx: Context, exprs: tuple = ()) -> t.Any:
    """Evaluate each expression in order; the result is the last one's."""
    if not exprs:
        raise InvalidExpression("Expression list cannot be empty.").at("do")
    result = None
    for node, path in exprs:
        result = ctx.eval(node, *path)
    return result


@builtin("Abort", keys=("abort",), types=(STRING,))
def abort(ctx: Context, message: str) -> t.NoReturn:
    """Abort the query with `message`; nothing it wrote is kept."""
    raise TransactionAborted(message)


@builtin("Query", keys=("query",))
def query(ctx: Context, fn: t.Any) -> Lambda:
    """A lambda as a storable value (a function body, an index binding, a role predicate)."""
    if not isinstance(fn, Lambda):
        raise InvalidArgument(f"Lambda expected, {type_name(fn)} provided.").at("query")
    return fn


#: Call's `arguments` when none are given: core evaluates a missing key as `[]` (EvalContext's CallE).
_NO_ARGUMENTS: t.Any = object()


@builtin("Call", keys=("call", "arguments"), varargs=True, required=1)
def call(ctx: Context, fn: t.Any, arguments: t.Any = _NO_ARGUMENTS) -> t.Any:
    """Call a user-defined function (a Function ref or its name) with the arguments.

    The body runs with the caller's permissions, or with the function's `role` when it has one. No
    arguments are `[]`; a given `null` is one null argument (`Call("f", null)`: the drivers send a lone
    argument bare), as core passes it to the lambda, a v10 function and a `call` predicate.
    """
    if arguments is _NO_ARGUMENTS:
        arguments = []
    from .access import require
    from .refs import resolved, schema_key
    from .schema import function_doc

    if isinstance(fn, str):
        fn = Ref(fn, native("functions"))
    if not isinstance(fn, Ref) or fn.kind != "functions":
        # Core's Casts.StringOrUserFunctionRef: a name or a function's ref, else (a ref naming nothing
        # being `invalid ref`) its type, Identifier.
        resolved(ctx, fn, "call")
        raise InvalidArgument(f"Identifier expected, {type_name(fn)} provided.").at("call")
    doc = function_doc(ctx, fn)
    require(ctx, "call", schema_key(ctx, "functions", fn.id, fn.collection.database), (arguments,))
    if not isinstance(doc["body"], str) and ctx.state.depth >= MAX_DEPTH:
        # Core's FunctionStackOverflowError: the error is this call's, at the call, not a `call error`.
        raise StackOverflow(f"Call stack reached the maximum limit of {MAX_DEPTH}.")
    auth = ctx.state.auth
    if doc.get("role") is not None:
        ctx.state.auth = _with_role(auth, doc["role"])
    try:
        if not isinstance(doc["body"], str):
            return ctx.apply(doc["body"], arguments)
        result = _call_v10(ctx, fn, arguments)
    except StackOverflow as err:
        if isinstance(doc["body"], str):
            raise v10_aborted(ctx, err) from None
        # An overflow inside the body passes through the calls around it as it is (core's LambdaWrapper).
        err.sealed = True
        raise
    except TooMuchCompute:
        raise  # fatal: core's TxnTooManyComputeOpsException is no error of the call's
    except FQLError as err:
        if isinstance(doc["body"], str) and not isinstance(err, (QueryTimeout, ServiceTimeout)):
            raise v10_aborted(ctx, err) from None
        if isinstance(err, CallError) and not err.position:
            raise
        raise CallError("Calling the function resulted in an error.", cause=[err]) from None
    finally:
        ctx.state.auth = auth
    if not isinstance(doc["body"], str):
        return result
    from .v10.globals import v4_representable
    from .v10.misc import value_type

    if not v4_representable(result):
        # Not an abort: core's InvalidFQL4Value, raised after the function returned.
        raise InvalidArgument(f"v10 value has type {value_type(result)}, which cannot be represented in v4.")
    return _as_v4(result)


def _as_v4(value: t.Any) -> t.Any:
    """A v10 result as v4 sees it (core's UnholyEval.dataV10ToV4): a document, there or not, is its ref."""
    from ..values import Document, NullDocument

    if isinstance(value, list):
        return [_as_v4(v) for v in value]
    if isinstance(value, dict):
        return {k: _as_v4(v) for k, v in value.items()}
    return value.ref if isinstance(value, (Document, NullDocument)) else value


def _call_v10(ctx: Context, fn: Ref, arguments: t.Any) -> t.Any:
    """A function defined in v10 (its body FQL v10 source) called from v4: an array of arguments spreads
    over its parameters (none for a function without any), anything else is its one argument (core's
    LambdaWrapper.v4ToV10Args: `Call("f", 1, 2)` gives a one-parameter `f` two arguments, an arity error).
    A result v4 has no value for fails (`v10 value has type Lambda, ...`)."""
    from .v10.documents import udf_body
    from .v10.expressions import apply_lambda
    from .v10.globals import UserFunction, from_v4

    from .refs import schema_key

    scope = schema_key(ctx, "functions", fn.id, fn.collection.database).scope
    body, _ = udf_body(ctx, UserFunction(fn.id, scope))
    # The arguments as v10 values first (core's v4ToV10Args: dataV4ToV10, then spread); `Call(f, null)`
    # gives one null argument.
    args = from_v4(ctx, arguments)
    params = body.params if isinstance(body.params, (list, tuple)) else [body.params]
    # A `...rest` parameter is not one of core's `params`: `(...xs) => xs` takes `[1, 2]` as one argument.
    params = [p for p in params if not (isinstance(p, str) and p.startswith("..."))]
    if not isinstance(args, list) or (args and not params):
        args = [args]
    return apply_lambda(ctx, body, args)


def v10_aborted(ctx: Context, err: FQLError) -> TransactionAborted:
    """A v10 function's error as its v4 caller gets it: core aborts the transaction with the error's
    message, or with the text of the value `abort()` was given, not wrapped in `call error` (core's
    FQL2EncodedResultSpec)."""
    from .v10.misc import display_string

    value = getattr(err, "value", None)
    return TransactionAborted(err.description if value is None else display_string(ctx, value))


def _with_role(auth: t.Any, role: t.Any) -> t.Any:
    """The caller's Auth, but with a function's role: a built-in name, or role refs (ABAC)."""
    import attrs

    from ..auth.access import BUILTIN_ROLES

    if isinstance(role, str) and role in BUILTIN_ROLES:
        return attrs.evolve(auth, role=role)
    # A user role, by ref or (v10) by name; the function acts with it alone, whatever the caller is. A
    # JWT caller keeps its claims, which are its identity and its token inside the function (core's
    # LoginAuth.withPermissions changes the permissions, not the JWTLogin source), but not its provider,
    # whose roles would otherwise stand in for the function's.
    roles = role if isinstance(role, list) else [role]
    names = tuple(r.id if isinstance(r, Ref) else r for r in roles if isinstance(r, (Ref, str)))
    return attrs.evolve(auth, role=names, provider=None)


def not_implemented(name: str, keys: tuple[str, ...], reason: str = "") -> None:
    """Register `name` as known to FQL but not provided by fql: it fails with a clear error."""

    def missing(ctx: Context, *args: t.Any, **kwargs: t.Any) -> t.NoReturn:
        raise NotImplementedInFql(f"{name} is not implemented in fql yet{reason}.")

    missing.__doc__ = f"Not implemented in fql yet{reason}."
    missing.not_implemented = True  # type: ignore[attr-defined]
    builtin(name, keys=keys, required=0, varargs=True, lazy=True)(missing)


#: Wire keys of FQL v4 forms fql does not implement yet, where they have more than one key.
#: Every other missing function is registered from the catalog (`catalog.register_missing`).
NOT_IMPLEMENTED: dict[str, tuple[str, ...]] = {
    # API UNSTABLE's: core signs the token with its own internal key (Query.internalJWK), which fql has not.
    "IssueAccessJWT": ("issue_access_jwt", "expire_in"),
}
for _name, _keys in NOT_IMPLEMENTED.items():
    not_implemented(_name, _keys)
