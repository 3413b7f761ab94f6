"""Core's SchemaTypeValidator on a schema's FQL, for what fql's typer models: in a typechecked database,
each function's body (its parameters of its signature's types), each computed field's, check constraint's
and predicate's lambda are typechecked against the schema as it stands after a write, and what the typer
finds wrong is drawn in the schema's files, as core draws it (``error: Type `Int` does not have field
`foo` ``, `at main.fsl:2:5`), with the names nothing binds (``Unbound variable `Users` ``) and the
functions without a signature that reach themselves (``Recursively defined `fac` needs explicit type.``).
A v10 schema write that leaves such an error is `invalid_schema` (`Invalid database schema update.` with
the errors under it), and an FSL push is refused with them."""

from __future__ import annotations

import typing as t
from collections.abc import Mapping

import attrs
from attrs import frozen

from ... import ast
from ...errors import FQLError
from ...parse import parse
from ...typer import UNKNOWN, check_body
from ...typer import types as ty
from .fields import env_typechecked

if t.TYPE_CHECKING:
    from ...schema import nodes
    from ..evaluator import Context

#: What an error of an FSL item's FQL is drawn as: (message, start, end, hints), offsets in its file.
Found = tuple[str, int, int, tuple[tuple[str, int, int, "str | None"], ...]]


@frozen
class _Schema:
    """What the FQL of a schema is checked against: the typer's environment (the database as written),
    the names a body may use besides its own (the stdlib's, the schema's collections and functions and
    their aliases, the v4 functions), and the functions without a signature that reach themselves."""

    env: t.Any
    names: frozenset[str]
    recursive: frozenset[str]
    #: The collections each file declares (by its text), by name and alias: their names' offsets there.
    collections: t.Mapping[str, t.Mapping[str, tuple[int, int]]] = {}

    def declared(self, text: str, offset: int) -> t.Mapping[str, ast.Span]:
        """The collections declared in the file `text`, their names' spans counted from `offset` (core's
        `inferred here` hint for a collection in a schema points at its declaration; one declared in another
        file is left at its use)."""
        return _Declared(self.collections.get(text, {}), offset)

    def bound(self, name: str) -> bool:
        from . import globals as stdlib

        return name in self.names or name in stdlib.MODULES or stdlib.V10_STATICS.get((stdlib.GLOBAL, name)) is not None


@frozen
class _Declared(Mapping[str, ast.Span]):
    """The spans of the collections a file declares, counted from `offset`, each made when it is read (a
    body names few of the schema's collections: making every one for each body would be quadratic)."""

    offsets: t.Mapping[str, tuple[int, int]]
    offset: int

    def __getitem__(self, name: str) -> ast.Span:
        start, end = self.offsets[name]
        return _at(start - self.offset, end - self.offset)

    def __iter__(self) -> t.Iterator[str]:
        return iter(self.offsets)

    def __len__(self) -> int:
        return len(self.offsets)


def errors(ctx: Context, files: t.Sequence[tuple[str, str]]) -> list[str]:
    """The typer's errors in the FQL of the schema `files` (the database's schema as it now stands),
    each rendered in its file as core renders it; none where the database is not typechecked."""
    from ...schema import parser
    from ...schema.errors import Diagnostic
    from .static import RuntimeEnv

    if not env_typechecked(ctx):
        return []
    read = []
    for file, text in files:
        try:
            read.append((file, text, parser.read(text)))
        except parser.FSLError:
            continue  # (the file's own errors are reported where it is read)
    nodes_ = [node for _, _, items in read for node in items]
    collections: dict[str, dict[str, tuple[int, int]]] = {}
    for _, text, items in read:
        here = collections.setdefault(text, {})
        for node in items:
            if node.kw.text == "collection" and node.name is not None:
                for name in (node.name.text, *(a.value.text for a in node.annotations if a.keyword.text.lstrip("@") == "alias")):
                    # A name declared again (in a later file too) is placed at its last declaration.
                    for other in collections.values():
                        other.pop(name, None)
                    here[name] = (node.name.start, node.name.end)
    schema = _Schema(RuntimeEnv(ctx), _names(ctx, nodes_), frozenset(_recursive(nodes_)), collections)
    out = []
    # Core types roles' and access providers' predicates only once the rest passed.
    for later in (False, True):
        for file, text, items in read:
            for node in items:
                if (node.kw.text in _LATER) != later:
                    continue
                for message, start, end, hints in _node_errors(node, text, schema):
                    notes = tuple(Diagnostic(m, s, e, suggestion=g) for m, s, e, g in hints)
                    out.append(Diagnostic(message, start, end, hints=notes).render(text, file))
        if out:
            break
    return out


#: The items whose FQL core's SchemaTypeValidator types after the others.
_LATER = frozenset(("role", "access provider"))


def revalidate(ctx: Context) -> None:
    """Check the schema's FQL once the query has run (core's TypeEnvValidator, a post-eval hook of every
    schema write), its error placed at the query's last schema write: core merges a query's validators
    into one, the later one's stack trace winning (FQLInterpreter.addPostEvalHook, TypeEnvValidator.merge;
    FQL2AccessProviderSpec "typechecks membership predicates" fails at `AccessProvider.create`'s arguments,
    after a `Collection.create` and a `Role.create`)."""
    from ...schema import manager
    from ...schema.migrating import unknown_types
    from ...schema.parser import FSLError
    from ..evaluator import unbilled
    from .expressions import op_span

    state = ctx.state
    span = op_span(state.call_node) if state.call_node is not None else None
    if state.schema_unchecked and state.schema_check_at is not None:
        check_, _ = state.revalidations[state.schema_check_at]
        state.revalidations[state.schema_check_at] = (check_, span)
        return
    ctx.state.schema_unchecked = True

    def check() -> None:
        if not ctx.state.schema_unchecked:
            return  # (an FSL push checked it)
        ctx.state.schema_unchecked = False
        if not env_typechecked(ctx):
            return  # (nothing to type: the files are not drawn up)
        with unbilled(ctx):  # (core's validation reads the schema from its cache)
            files = manager.files(ctx)
            # The functions' signatures name known types (an unknown one not both taken and returned is no
            # type parameter): core's typer checks the type expressions before it types the bodies.
            try:
                found = unknown_types(dict(files), functions_only=True)
            except FSLError:
                found = []  # (a file that does not read is reported as such, as below)
            found = found or errors(ctx, files)
            if not found and ctx.state.typecheck and env_typechecked(ctx):
                # Core's postcheckIndexedComputedFields, drawn in the schema as FSL; a query run without
                # the typer (X-Typecheck: false) lets the index be made (FQL2ComputedFieldsSpec).
                from ...schema.migrating import indexed_types

                try:
                    found = indexed_types(dict(files))
                except FSLError:
                    found = []  # (a file that does not read is reported as such, after the query)
        if found:
            raise invalid_update(found)

    state.schema_check_at = len(state.revalidations)
    state.revalidations.append((check, span))


def invalid_update(found: list[str]) -> FQLError:
    """Core's DatabaseSchemaEnvViolation for a v10 write: the errors indented under its description."""
    from ...errors import QueryRuntimeError

    lines = "\n".join("    " + line for error in found for line in error.strip().split("\n"))
    return QueryRuntimeError("invalid_schema", f"Invalid database schema update.\n{lines}")


def _names(ctx: Context, items: list[nodes.Node]) -> frozenset[str]:
    """The schema's collections and functions (by name and alias) and the database's v4 functions."""
    from ...schema import manager

    found = set(manager.v4_names(ctx)["function"])
    for node in items:
        if node.kw.text in ("collection", "function") and node.name is not None:
            found.add(node.name.text)
            found.update(a.value.text for a in node.annotations if a.keyword.text.lstrip("@") == "alias")
    return frozenset(found)


def _recursive(items: list[nodes.Node]) -> set[str]:
    """The functions without a signature that reach themselves through the names their bodies use of
    such functions (core's DepInfo over the globals it infers): core refuses each (RecursiveVariable)."""
    from ...schema import nodes
    from .indexed_fields import free_names

    uses: dict[str, set[str]] = {}
    for node in items:
        function = node.value
        if node.kw.text == "function" and isinstance(function, nodes.Function) and node.name is not None:
            if function.ret is None:
                params = frozenset(arg.name.text for arg in function.args if arg.name.text != "_")
                uses[node.name.text] = {name for name, _ in free_names(function.body, params)}
    for name in uses:
        uses[name] &= set(uses)

    def reaches(start: str) -> bool:
        seen, todo = set(), list(uses[start])
        while todo:
            name = todo.pop()
            if name == start:
                return True
            if name not in seen:
                seen.add(name)
                todo.extend(uses[name])
        return False

    return {name for name in uses if reaches(name)}


def _node_errors(node: nodes.Node, text: str, schema: _Schema) -> list[Found]:
    from ...schema import nodes

    value = node.value
    if node.kw.text == "function" and isinstance(value, nodes.Function) and node.name is not None:
        if value.ret is None and node.name.text in schema.recursive:
            return [(f"Recursively defined `{node.name.text}` needs explicit type.", node.start, node.end, ())]
        return _function_errors(value, text, schema)
    if isinstance(value, nodes.Field) and value.kind == "compute" and value.value is not None:
        result = None if value.type is None else schema.env.annotation(value.type.texpr)
        return _lambda_errors(value.value, text, schema, result)
    if node.kw.text in ("check", "predicate") and isinstance(value, nodes.Lit):
        return _lambda_errors(value, text, schema, None, predicate=node.kw.text == "check")
    if isinstance(value, nodes.Block):
        children = value.items
        if node.kw.text == "role":
            # Core checks a role's memberships' predicates before its privileges' (FQL2RoleSpec "typechecks
            # role predicates").
            children = sorted(children, key=lambda child: child.kw.text != "membership")
        return [found for child in children for found in _node_errors(child, text, schema)]
    return []


def _function_errors(function: nodes.Function, text: str, schema: _Schema) -> list[Found]:
    """A function's body, its parameters of its signature's types (core types a function with a return
    type by its signature), each placed at its type for core's `inferred here` hint."""
    env = schema.env
    offset = function.body_start
    body = _parsed(text[offset : function.end - 1])
    if body is None:
        return []
    source = text[offset : function.end - 1]
    untyped = {arg.name.text: (UNKNOWN, None) for arg in function.args if arg.name.text != "_"}
    collections = schema.declared(text, offset)
    found, _ = check_body(body, untyped, env, source, declared=collections)
    if function.ret is None:
        found += tuple(_unknown_projections(body, frozenset(untyped)))
    found = _with_unbound(found, body.body, frozenset(untyped), schema)
    typed = dict(untyped)
    for arg in function.args:
        declared = None
        if arg.name.text != "_" and function.ret is not None and arg.type is not None and not arg.variadic:
            declared = env.annotation(arg.type.texpr)
        if declared is not None:
            typed[arg.name.text] = (declared, _at(arg.type.start - offset, arg.type.end - offset))  # type: ignore[union-attr]
    returns = None if function.ret is None else env.annotation(function.ret.texpr)
    if typed != untyped or returns is not None:
        # Typed again with the signature: its parameters' types, and a last statement that is a literal
        # checked against its return type (core constrains the function by its signature; a lone failure
        # inside the body is reported as itself, at the literal, as for a computed field).
        more, result = check_body(body, typed, env, source, returns, collections)
        new = [e for e in more if e not in found]
        # (The function's lambda spans the whole item, its signature too: a parameter given back fails at
        # its declared type, inside.)
        inside = {body.body[-1].span, *(at for _, at in typed.values() if at is not None)}
        if len(new) == 1 and new[0].span in inside and " is not a subtype of " in new[0].message:
            found += (new[0],)
        else:
            found += _from_signature(body, new, result, returns)
    return _placed(found, offset)


def _unknown_projections(node: t.Any, unknown: frozenset[str]) -> t.Iterator[t.Any]:
    """Core's InvalidProjection for a function without a signature: a projection whose receiver's type its
    inference leaves open, a parameter or a `let` of such a projection (FQL2TypecheckSpec "invalid
    projection", SchemaEndpointSpec "invalid projection (multiple errors)"), at the projection."""
    from ...typer import TypeError_

    if isinstance(node, ast.Project) and isinstance(node.expr, ast.Ident) and node.expr.name in unknown:
        yield TypeError_("Invalid projection on a unknown type. Use function signatures to fix the issue.", node.span)
    if isinstance(node, (ast.Block, ast.Program)):
        for statement in node.body:
            if isinstance(statement, ast.Let):
                yield from _unknown_projections(statement.value, unknown)
                value = statement.value
                receiver = value.expr if isinstance(value, ast.Project) else value
                opened = isinstance(receiver, ast.Ident) and receiver.name in unknown
                unknown = unknown | {statement.name} if opened else unknown - {statement.name}
            else:
                yield from _unknown_projections(statement, unknown)
        return
    if isinstance(node, ast.Arrow):
        node, unknown = node.body, unknown - {*node.params, node.rest}
        yield from _unknown_projections(node, unknown)
        return
    if isinstance(node, ast.Node) and not isinstance(node, ast.Literal):
        for attribute in attrs.fields(type(node)):
            if attribute.name != "span":
                yield from _unknown_values(getattr(node, attribute.name), unknown)


def _unknown_values(value: t.Any, unknown: frozenset[str]) -> t.Iterator[t.Any]:
    if isinstance(value, ast.Node):
        yield from _unknown_projections(value, unknown)
    elif isinstance(value, tuple):
        for item in value:
            yield from _unknown_values(item, unknown)


def _from_signature(
    body: ast.Program, errors: list[t.Any], result: ty.Type, returns: ty.Type | None
) -> tuple[t.Any, ...]:
    """The errors the parameters' declared types make, as core reports them: it types the lambda, then
    constrains it by the signature, and words the failures of that one constraint together (``Type
    `String => String` is not a subtype of `(x: Int) => Int` ``, with causes: not modelled), unless there
    is one, more specific than a NotSubtype: a missing field (SchemaTypeValidatorSpec "validate explicit
    signatures"). So only that is reported, and only where the body's value is that field or fits the
    signature's return type (else its misfit is a second failure)."""
    if len(errors) != 1 or " does not have field " not in errors[0].message:
        return ()
    last = body.body[-1]
    if errors[0].span.end == last.span.end or (returns is not None and ty.is_subtype(result, returns)):
        return (errors[0],)
    return ()


def _lambda_errors(
    lit: nodes.Lit, text: str, schema: _Schema, result: ty.Type | None, predicate: bool = False
) -> list[Found]:
    """A lambda's body (a computed field's, a check constraint's, a predicate's), its parameter not known
    (core types it as the collection's document, shown as core expands it: not modelled); a computed
    field's body of a primitive type its signature does not take is core's NotSubtype at the body. With
    `predicate` (a check constraint's), a literal the body may give that is no boolean or null is core's
    NotSubtype of `Null | Boolean`, at the literal (SchemaCollectionSpec "typechecking runs on check
    constraints")."""
    source = text[lit.start : lit.end]
    program = _parsed(source)
    if program is None or len(program.body) != 1 or not isinstance(program.body[0], ast.Arrow):
        return []
    arrow = program.body[0]
    scope = {name: (UNKNOWN, None) for name in arrow.params if name != "_"}
    if arrow.rest is not None:
        scope[arrow.rest] = (UNKNOWN, None)
    found, _ = check_body(arrow.body, scope, schema.env, source, result, schema.declared(text, lit.start))
    if predicate and not found:
        found = _not_boolean(arrow.body)
    return _placed(_with_unbound(found, (arrow,), frozenset(), schema), lit.start)


#: The primitive types of the literals a check constraint's predicate may not give, as core names them.
_LITERAL_TYPES = ((bool, None), (int, "Int"), (float, "Double"), (str, "String"))


def _not_boolean(body: ast.Node) -> tuple[t.Any, ...]:
    """Core's NotSubtype of `Null | Boolean` at each literal a predicate's body gives that is neither: its
    value, a block's last statement, each branch of an `if`."""
    from ...typer import TypeError_

    if isinstance(body, (ast.Program, ast.Block)):
        return _not_boolean(body.body[-1]) if body.body else ()
    if isinstance(body, ast.IfElse):
        return _not_boolean(body.then) + (() if body.otherwise is None else _not_boolean(body.otherwise))
    if isinstance(body, ast.Literal) and body.value is not None:
        name = next(name for kind, name in _LITERAL_TYPES if isinstance(body.value, kind))
        if name is not None:
            return (TypeError_(f"Type `{name}` is not a subtype of `Null | Boolean`", body.span),)
    return ()


def _with_unbound(found: t.Sequence[t.Any], body: t.Sequence[ast.Node], params: frozenset[str], schema: _Schema) -> tuple:
    """The typer's errors and core's `Unbound variable` for each name the body uses that nothing binds
    (FQL2RoleSpec "typechecks role predicates"), in the order written."""
    from ...typer import TypeError_
    from .indexed_fields import free_names

    # (An error the typer places in another function's body, `at <no source>` to a query, is left out: core
    # draws it in that body, which fql does not place.)
    found = [error for error in found if error.span != ast.NO_SPAN]
    unbound = [
        TypeError_(f"Unbound variable `{name}`", _at(start, start + len(name)))
        for name, start in free_names(body, params)
        if not schema.bound(name)
    ]
    return tuple(sorted((*found, *unbound), key=lambda error: error.span.start))


def _parsed(source: str) -> ast.Program | None:
    try:
        return parse(source, "v10")
    except FQLError:
        return None


def _at(start: int, end: int) -> ast.Span:
    """A span at offsets of the checked text (negative before it: a signature's type, for a hint)."""
    return ast.Span(0, 0, start, end)


def _placed(found: t.Sequence[t.Any], offset: int) -> list[Found]:
    """The typer's errors (spans in the checked text) at offsets of the file."""
    return [
        (
            error.message,
            error.span.start + offset,
            error.span.end + offset,
            tuple((m, s.start + offset, s.end + offset, g) for m, s, g in error.hints),
        )
        for error in found
    ]
