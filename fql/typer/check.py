"""The static check of a v10 query: its type as core's typer shows it, and the type errors core's typer
reports (TyperExprs, TypeConstraintFailure) for what the checker models.

It walks the tree once, forward. Each expression gets a type and its origin, the span of the expression
that made the type (a literal, a struct): core's `Type `T` inferred here` hint points there. Anything the
checker does not model is UNKNOWN, and an error is reported only where it is certain and where it can be
placed and worded as core does; elsewhere the query runs and fails (or not) as it would without a check.
"""

from __future__ import annotations

import re
import typing as t
from decimal import Decimal, InvalidOperation

from attrs import Factory, define, field, frozen

from .. import ast
from .env import Env, NullPlace
from .types import (
    ANY,
    BOOLEAN,
    NEVER,
    NULL,
    NUMBER,
    NUMBERS,
    STRING,
    UNKNOWN,
    Func,
    Generic,
    Intersect,
    Lit,
    Named,
    Param,
    Record,
    Tuple,
    Type,
    Union,
    Unknown,
    Var,
    children,
    contains,
    replaced,
    display,
    is_number,
    is_subtype,
    primary,
    substitute,
    union,
)

#: The binary operators that are Number methods taking a Number (core's Numbers.scala `defOp`s).
_ARITHMETIC = frozenset(("+", "-", "*", "/", "%", "**", "&", "|", "^"))
#: An integer literal in another base than ten (ext/fql parser Numbers' altinteger), signed.
_ALT_INTEGER = re.compile(r"([+-]?)0([xXoObB])([0-9a-fA-F]+)")
_RADIXES = {"x": 16, "o": 8, "b": 2}
#: The operators whose only overload taking a number gives a number (`x + 2` makes `x` a Number).
_NUMERIC_ONLY_WITH_NUMBERS = frozenset(("+", "-", "*"))
_COMPARISONS = frozenset(("==", "!=", "<", "<=", ">", ">="))
#: How deep lambdas given to generic functions nest and are still typed from their arguments (each level
#: types its lambda's body once more).
_LAMBDA_DEPTH = 4
#: The references `!` and `?.` take to their documents (core's Ref<D> is D | EmptyRef<D>, the latter Null).
_REFS = frozenset(("Ref", "NamedRef"))
#: The parameters of a user index's overloads.
_INDEX_PARAM = re.compile(r"term\d+|range")
#: The collections of values whose elements a projection projects.
_SEQUENCES = frozenset(("Set", "Array"))

#: The primitive types whose members the environment can say (`has_member`) and whose mismatches the
#: checker reports (Null is apart: core adds its `!` suggestion to a missing field of it).
_PRIMITIVES = frozenset(("Boolean", "String", *NUMBERS))
#: The types whose values have no `[]` (core's type shapes without access, stdlib defAccess).
_NO_ACCESS = frozenset(("Boolean", *NUMBERS, "Time", "Date", "TransactionTime", "ID", "Bytes", "UUID"))
#: The generic containers whose arguments are checked against each other (`Set<B>` takes no Array).
_CONTAINERS = frozenset(("Array", "Set", "EventSource"))
#: The lowercase type names core takes for TypeScript's, and the type each means (TyperTypeExprs.TSTypeNames).
_TS_TYPE_NAMES = {name.lower(): name for name in ("Any", "Null", "Number", "String", "Boolean")}

Typed = tuple[Type, "ast.Span | None"]
#: The origin of a type core keeps no span for (a generic's element a signature gives, a document type):
#: its failures are placed where it is used, with no `inferred here` hint.
_NO_PLACE = ast.Span(0, 0, -1, -1, 0, 0)
#: The child an expression's source begins with.
_LEFTMOST = {
    ast.Binary: "left", ast.Member: "obj", ast.Apply: "fn", ast.Index: "obj", ast.Project: "expr", ast.NonNull: "expr",
}  # fmt: skip


@frozen
class TypeError_:
    """One of core's type errors: its message, where, and its hints (message, span)."""

    message: str
    span: ast.Span
    #: (message, span, text the hint suggests inserting at the span or None); a hint in the schema's source
    #: rather than the query's has a NullPlace for its span.
    hints: tuple[tuple[str, ast.Span, str | None], ...] = ()
    #: Core's causes of the failure (message, span, and optionally the cause's own hints, as `hints` has
    #: them), drawn after the hints: as core's TypeError keeps them, ordered by where they are, then by
    #: message, each once (whatever order its typer found them in).
    causes: tuple[tuple[t.Any, ...], ...] = field(default=(), converter=lambda c: _ordered_causes(c))


@frozen
class Outcome:
    """The query's type (UNKNOWN where the checker cannot say) and the errors found, in source order."""

    type: Type
    errors: tuple[TypeError_, ...]
    #: Core's check warnings for a query that passed (`Function is not called.`).
    warnings: tuple[TypeError_, ...] = ()
    #: The `static_type` core would report, or None where the checker cannot say it (shown once: an
    #: outcome is kept for the query's next runs).
    shown: str | None = field(default=Factory(lambda self: display(self.type), takes_self=True))


def check(
    program: ast.Node,
    variables: t.Mapping[str, Type] | t.Callable[[str], Type | None] | None = None,
    env: Env | None = None,
) -> Outcome:
    """Type `program` (an ast.Program, or any v10 expression) with `variables` bound (a query's arguments):
    a mapping, or a function giving a bound name's type (None: not bound), asked only for the names used."""
    bound = variables.get if isinstance(variables, t.Mapping) else variables
    checker = Checker(env or Env(), bound or (lambda name: None), getattr(program, "text", ""))
    ty, _ = checker.infer(program, {})
    warnings = () if checker.errors else (*checker.warnings, *checker.uncalled(program, ty))
    # A stdlib function of one type parameter, not called, as its signature shows it (FQL2TypecheckSpec
    # "types top-level built-ins": `asc`); how core's simplifier names several is not modelled.
    generic = isinstance(ty, (Func, Intersect)) and set(_params(ty)) == {"A"}
    return Outcome(ty, tuple(checker.errors), warnings, display(ty, generic=generic))


def check_body(
    body: ast.Node,
    params: t.Mapping[str, Typed],
    env: Env,
    text: str,
    result: Type | None = None,
    declared: t.Mapping[str, ast.Span] | None = None,
) -> tuple[tuple[TypeError_, ...], Type]:
    """The errors of a schema item's FQL (core's SchemaTypeValidator: a function's body, a computed field's,
    a check constraint's or a predicate's lambda body), its spans counting in `text`: `params` bound to
    their types and where those were written (a signature's type; None where core has no place), and a
    literal body, or a parameter given back, checked against a declared `result` type. `declared`: where the schema declares the user
    collections the body may name (spans in `text`'s offsets): core types a collection there, so its
    `inferred here` hint points at the declaration. Returns the errors and the body's type."""
    checker = Checker(env, lambda name: None, text, declared=declared if declared is not None else {}, query=False)
    found, _ = checker.infer(body, dict(params))
    # (A declared type whose subtypes the checker surely knows: not an alias such as `NullUsers`.)
    plain = result is not None and _certain(result)
    last = body
    if isinstance(body, ast.Program) and body.body:
        # An FSL function's body (its braces' statements): its value is its last statement's, typed where
        # that is written (core's Block).
        last = body.body[-1]
    if plain and not checker.errors and isinstance(last, ast.Literal) and checker._group(last.span) == last.span:
        # A literal's type is made where it is written, so core's misfit is placed there (FQL2ComputedFieldsSpec
        # "should infer computed field types": `(doc) => "foo"`); where it places one made by an operator
        # or a call (or a nested block's) is not modelled.
        checker._expect(found, result.name, last.span)  # type: ignore[union-attr]
    elif plain and not checker.errors and isinstance(last, ast.Ident) and last.name in params:
        # A parameter given back: its type is the signature's, typed where that is written, which the item's
        # lambda spans, so the misfit is placed there (`function f(x: Int): String { x }` fails at `Int`).
        at = params[last.name][1]
        if at is not None:
            checker._expect(found, result.name, at)  # type: ignore[union-attr]
    return tuple(checker.errors), found


@define
class Checker:
    """One query's check: `infer` gives an expression's type and origin, collecting errors on the way."""

    env: Env
    #: The type of a name bound before the query (an argument), None for one that is not.
    bound: t.Callable[[str], Type | None]
    #: The query's source: where its parentheses are, which the tree does not keep ("" if not known).
    text: str = ""
    errors: list[TypeError_] = field(factory=list)
    #: The typer's own warnings (a TypeScript type name), reported where the query passes.
    warnings: list[TypeError_] = field(factory=list)
    #: Lambda parameters made so far, and those the query did more with than pass along: a lambda whose
    #: parameter is used so has a type core infers from the use, which the checker does not.
    vars: int = 0
    used: set[int] = field(factory=set)
    #: How many times each lambda parameter was used; those uses that were as an argument a user index
    #: takes of a known type (`(x) => Foo.byFoo(x)`): a parameter used so alone is of that type; and those
    #: as a number (`x + 2`): a parameter used only so is a Number, as core infers it (`x => x + 2` is
    #: `Number => Number`); and those as an operand of `&&` or `||`: a parameter used only so is a Boolean
    #: (`(a, b) => a && b` is `(Boolean, Boolean) => Boolean`).
    uses: dict[int, int] = field(factory=dict)
    passed: dict[int, tuple[int, Type]] = field(factory=dict)
    numeric: dict[int, int] = field(factory=dict)
    boolean: dict[int, int] = field(factory=dict)
    #: Those as a key of a struct's field (`{ foo: 1 }[x]`): a parameter used only so is a String.
    keys: dict[int, int] = field(factory=dict)
    #: The fields read of each lambda parameter (`x.foo`), one entry a read: a parameter used only so is of
    #: a type core leaves open but for those fields.
    fields: dict[int, list[str]] = field(factory=dict)
    #: Where the types of calls' results were made: core places no hint there, and the checker reports a
    #: missing field of such a value only right after the call (`Author.byId(1)!.foo`).
    made: set[ast.Span] = field(factory=set)
    #: Where the query reads a stdlib member or calls a stdlib function of no type parameter (`Time.now()`,
    #: `'a'.length`, `newId()`): core types that result as the signature writes it, of no span (StdTypes'
    #: `Named("Time")`), so a failure of it is placed where the constraint is (the argument, the struct,
    #: the `let`'s name: TyperConstrain's `value.span.getOrElse(callSite)`).
    stdlib: set[ast.Span] = field(factory=set)
    #: Where the query reads a stdlib field of a primitive type off one value (`[1].length`, `Math.PI`): its
    #: type is the signature's, of no span (a field read off a union is one per member: not kept).
    stdlib_fields: set[ast.Span] = field(factory=set)
    #: Where a call of an array's or set's method of no arguments that gives its elements on (`toSet()`,
    #: `reverse()`: core's `Set<A>` of the receiver's own element type, of no span) made a value whose
    #: element core shows as the checker does: of an array literal of literals (core's Tup element, the
    #: union of its items: TyperCoreSpec `[1, 2].foo()`), or of a stdlib value of no type parameter.
    elements_on: set[ast.Span] = field(factory=set)
    #: Where the query calls a user function (its result's type is spanned in the function's FSL).
    user_calls: set[ast.Span] = field(factory=set)
    #: Where the annotations of the `let`s so far are: the variable's type is typed there (TyperExprs
    #: typeLetRhs' Skolemized signature), so a failure of it is placed there, a cause of the use's.
    annotated: set[ast.Span] = field(factory=set)
    #: The `let`s without annotation given such a result (`let t = Time.now()`), by the id of the variable's
    #: Typed (as `bound_leaves`): core's variable is a fresh copy of the call's, its type of no span alike.
    bound_stdlib: dict[int, tuple[Typed, bool]] = field(factory=dict)
    #: Where annotated variables are used, each with where its annotation is (see `annotated`).
    annotated_uses: dict[ast.Span, ast.Span] = field(factory=dict)
    #: How many lambdas are being typed from a generic function's arguments, one inside another.
    depth: int = 0
    #: Where a schema declares its user collections, by name and alias (see check_body).
    declared: t.Mapping[str, ast.Span] = field(factory=dict)
    #: Where calls were made whose result may be null by their stdlib signature alone (`indexOf`'s
    #: `Number | Null`, `first`'s `A | Null` with no null in `A`): core's Null there has no span of its own,
    #: so a failure of it is placed where the value is used (TyperConstrain's `value.span.getOrElse(callSite)`).
    spanless: set[ast.Span] = field(factory=set)
    #: The literals a `let` without annotation was given by an `if`/`else` (`let a = if (c) 3 else null`),
    #: by the id of its variable's Typed in the scope (kept with it, so no id is reused): core types each
    #: where it is written, so a use of the variable fails at each literal's own place.
    bound_leaves: dict[int, tuple[Typed, list[ast.Literal]]] = field(factory=dict)
    #: The array literals a `let` without annotation was given (`let a = [1]`), by the id of its variable's
    #: Typed (as above): core's generalized Tup keeps its items' places.
    bound_arrays: dict[int, tuple[Typed, ast.Array]] = field(factory=dict)
    #: Where the `?` of a `let`'s annotation `T?` is, by the id of its variable's Typed (as above): core's
    #: Null of that annotation is typed there (TyperTypeExprs' Nullable: `Type.Null(qmarkSpan)`).
    bound_nulls: dict[int, tuple[Typed, ast.Span]] = field(factory=dict)
    #: The types whose Null the schema declares (a user function's result, a document's optional field), by
    #: their id (a copy made for the mark, kept with it): core types that Null where the schema writes it.
    schema_nulls: dict[int, tuple[Type, NullPlace]] = field(factory=dict)
    #: Calls (by where they were made) whose result is the type of one literal they were given, and where
    #: that literal is (see `_made_generic`); a `!` after one keeps it.
    literal_of: dict[ast.Span, ast.Span] = field(factory=dict)
    #: The types of document fields the schema declares as one named type (`name: String`), by their id (a
    #: copy made for the mark, kept with it): core types them where the field's signature is.
    schema_types: dict[int, tuple[Type, NullPlace]] = field(factory=dict)
    #: Whether such a Null's failure is reported: a query's check draws it in the schema's source; a schema
    #: item's (check_body) would draw it in its file, which is not modelled.
    query: bool = True
    #: The errors made of a type of no place (see `_NO_PLACE`), by id: a lambda typed from a generic's
    #: element keeps these, core's own, and drops the rest of that pass (see `_lambda`).
    placeless: set[int] = field(factory=set)

    def infer(self, node: ast.Node, scope: dict[str, Typed]) -> Typed:
        visit = getattr(self, f"visit_{type(node).__name__}", None)
        if visit is None:
            return UNKNOWN, None
        return visit(node, scope)

    def value(self, node: ast.Node, scope: dict[str, Typed]) -> Type:
        """The type of an expression whose value the query uses (not only passes along)."""
        ty, _ = self.infer(node, scope)
        self._use(ty)
        return ty

    def _use(self, ty: Type) -> None:
        """Mark the lambda parameters in a type the query uses as used."""
        if not self.vars:
            return  # no lambda yet, so no parameter in any type (the common case, without a walk)
        if isinstance(ty, Var):
            self.used.add(ty.id)
            self.uses[ty.id] = self.uses.get(ty.id, 0) + 1
        elif contains(ty, Var):
            for child in children(ty):
                self._use(child)

    def uncalled(self, program: ast.Node, ty: Type) -> tuple[TypeError_, ...]:
        """Core's warning for a query whose value is a function (FQLInterpreter.typeExpr): its last
        statement, with the hint to call it."""
        last = program.body[-1] if isinstance(program, ast.Program) else program
        if not (isinstance(ty, (Func, Intersect, Generic)) or _arrow(last)):
            return ()
        span = self._group(last.span)
        end = ast.Span(span.end_line, span.end_column, span.end, span.end, span.end_line, span.end_column)
        return (TypeError_("Function is not called.", span, (("Call the function.", end, "()"),)),)

    def _group(self, span: ast.Span, within: tuple[int, int] = (-1, -1)) -> ast.Span:
        """The span of an operand or receiver with the parentheses around it: core types `(e)` at the
        parentheses (TyperExprs' single-element Tuple), and places its errors and hints there. `within`:
        the offsets of a call's own parentheses, which are no group."""
        text, start, end = self.text, span.start, span.end
        while text:
            before = _skip(text, start - 1, -1)
            after = _skip(text, end, 1)
            if before < 0 or after >= len(text) or text[before] != "(" or text[after] != ")":
                break
            if (before, after) == within:
                break
            if not _balanced(text[before + 1 : after]):
                break
            start, end = before, after + 1
        if (start, end) == (span.start, span.end):
            return span
        return _span(text, start, end)

    def _placed(self, node: ast.Node) -> bool:
        """Whether the node's span starts where core's does: an expression that begins with a parenthesized
        operand or receiver (`(1) && true`) starts, in fql's tree, inside those parentheses."""
        while (leftmost := _LEFTMOST.get(type(node))) is not None:
            node = getattr(node, leftmost)
            if self._group(node.span) != node.span:
                return False
        return True

    def fail(self, message: str, span: ast.Span, hints: tuple[tuple[str, ast.Span, str | None], ...] = ()) -> None:
        self.errors.append(TypeError_(message, span, hints))

    # -- literals and containers

    def visit_Literal(self, node: ast.Literal, scope: dict) -> Typed:
        if isinstance(node.value, float):
            return Lit(node.value, self._float_text(node.span)), node.span
        return (NULL if node.value is None else Lit(node.value)), node.span

    def _float_text(self, span: ast.Span) -> str | None:
        """How core shows a floating-point literal's type: its source (less `_`) read as a BigDecimal and
        printed as Java prints one (`2.0`, `1.5E+3`: ast Display's `num.toString`), which Python's Decimal
        prints alike, but for a negative zero: a BigDecimal has none, so core's `-0.0` is `0.0` (the parser's
        negateLit). A hexadecimal, octal or binary integer too big for a Long (so a Double's value) is core's
        Literal.Int, its BigInt printed in decimal. None where the source is not at hand."""
        source = re.sub(r"[\s_]", "", self.text[span.start : span.end])
        if m := _ALT_INTEGER.fullmatch(source):
            return str(int(m[1] + m[3], _RADIXES[m[2].lower()]))
        try:
            number = Decimal(source) if source else None
        except InvalidOperation:
            return None
        return None if number is None else str(number.copy_abs() if number.is_zero() else number)

    def visit_Template(self, node: ast.Template, scope: dict) -> Typed:
        for part in node.parts:
            if isinstance(part, ast.Node):
                self.value(part, scope)
        return STRING, node.span

    def visit_Array(self, node: ast.Array, scope: dict) -> Typed:
        return Tuple(tuple(self.infer(item, scope)[0] for item in node.items)), node.span

    def visit_Object(self, node: ast.Object, scope: dict) -> Typed:
        return Record(tuple((key, self.infer(value, scope)[0]) for key, value in node.pairs)), node.span

    # -- names, blocks, control

    def visit_Ident(self, node: ast.Ident, scope: dict) -> Typed:
        if node.name in scope:
            if self._bound(self.bound_stdlib, node, scope):
                self.stdlib.add(node.span)
            if scope[node.name][1] in self.annotated:
                self.annotated_uses[node.span] = scope[node.name][1]
            return scope[node.name]
        found = self.bound(node.name)
        if found is not None:
            # A query's argument or template value: core types it from the value, of no span
            # (ValueStaticType's Span.Null), so a primitive's failures have no `inferred here` hint. (How
            # core shows a struct's or array's type, of lazy parts, is not modelled: those stay unplaced.)
            return found, (_NO_PLACE if _certain(found) else None)
        found = self.env.global_type(node.name)
        if found is None:
            return UNKNOWN, None
        at = self.declared.get(node.name)
        if at is not None and isinstance(found, Named) and found.name.endswith("Collection"):
            return found, at
        # A global's type is inferred at its name (a missing member of `Math` is placed without a hint).
        return found, node.span

    def visit_Block(self, node: ast.Block | ast.Program, scope: dict) -> Typed:
        """Statements in a scope of their own: the last one's type (a `let` last is Never)."""
        scope = dict(scope)
        last: Typed = (NEVER, None)
        for statement in node.body:
            if isinstance(statement, ast.Let):
                scope[statement.name] = typed = self._let(statement, scope)
                leaves = None if statement.type is not None else _literal_leaves(statement.value)
                if statement.type is None and isinstance(statement.value, ast.Template):
                    # A template's String is typed where it is written (TyperExprs' StrTemplate:
                    # `Type.Str(span)`), a place the variable keeps as a literal's.
                    leaves = [statement.value]
                if leaves:
                    self.bound_leaves[id(typed)] = (typed, leaves)
                if statement.type is None and isinstance(statement.value, ast.Array):
                    self.bound_arrays[id(typed)] = (typed, statement.value)
                if statement.type is None and statement.value.span in self.stdlib:
                    self.bound_stdlib[id(typed)] = (typed, True)
                qmark = self._qmark(statement, typed)
                if qmark is not None:
                    self.bound_nulls[id(typed)] = (typed, qmark)
                last = (NEVER, None)
            else:
                last = self.infer(statement, scope)
        return last

    visit_Program = visit_Block

    def _let(self, node: ast.Let, scope: dict) -> Typed:
        """A `let`'s variable: its value's type, or its annotation's once the value is known to fit it
        (core then types the variable as the annotation says; a misfit is left to core's check)."""
        before = len(self.errors)
        found, origin = self.infer(node.value, scope)
        if node.type is None:
            return found, origin
        self._use(found)
        if len(self.errors) == before:
            self._unknown_type(node)
        annotated = None if node.annotation is None else self.env.annotation(node.annotation)
        if annotated is not None and found != UNKNOWN and not is_subtype(found, annotated):
            self._misfit(node, found, annotated)
        if annotated is None or not (found == UNKNOWN or is_subtype(found, annotated)):
            return UNKNOWN, None
        # Core types the variable as its annotation, `inferred` there.
        at = self._annotation_span(node)
        if at is not None:
            self.annotated.add(at)
        return annotated, at

    def _unknown_type(self, node: ast.Let) -> None:
        """An annotation naming a type there is none of: core's `Unknown type `Foo``, at the name (TyperTypeExprs'
        checkUnboundSkolems: a name only written where a value goes is no generic), a warning for a
        TypeScript name (`string`). Core types the value first; only where that made no error of its own."""
        found = None if node.annotation is None else self.env.unknown_type(node.annotation)
        at = self._annotation_span(node)
        if found is None or at is None:
            return
        name, offset = found
        span = _span(self.text, at.start + offset, at.start + offset + len(name))
        if name in _TS_TYPE_NAMES:
            # Core takes it for TypeScript's and only warns (TyperTypeExprs.TSTypeNames).
            self.warnings.append(TypeError_(f"Unknown type `{name}`. Did you mean `{_TS_TYPE_NAMES[name]}`?", span))
        else:
            self.fail(f"Unknown type `{name}`", span)

    def _misfit(self, node: ast.Let, found: Type, annotated: Type) -> None:
        """A `let` whose value is a literal (or an `if`/`else` of them) that its annotation, primitives or
        Null, does not admit: core constrains the value to the annotation at the variable's name
        (TyperExprs.typeLetRhs), each literal failing where it is written (a NotSubtype of its primary type),
        so the error is at the name, ``Type `"a"` is not a subtype of `Int` ``, each failing literal a
        cause (TypeConstraintFailure.toTypeError: the failures are not at the name). Other values are left
        to run."""
        if isinstance(node.value, ast.Object) and isinstance(found, Record) and isinstance(annotated, Record):
            self._misfit_struct(node, found, annotated)
            return
        if node.value.span in self.stdlib and _exact(found) and _exact(annotated):
            # A stdlib call's or field's result (`let x: String = Time.now()`): of no span in core, so its
            # failure is placed where the constraint is, the name, and is the error itself.
            header = self._let_header(node)
            if header is not None:
                at = _span(self.text, header.start(1), header.end(1))
                self.fail(f"Type `{found.name}` is not a subtype of `{annotated.name}`", at)  # type: ignore[union-attr]
            return
        if isinstance(annotated, Lit):
            self._misfit_singleton(node, annotated)
            return
        if isinstance(node.value, ast.Array) and isinstance(found, Tuple) and isinstance(annotated, Tuple):
            self._misfit_tuple(node, found, annotated)
            return
        if isinstance(node.value, ast.Array) and isinstance(found, Tuple):
            self._misfit_items(node, found, annotated)
            return
        leaves = _literal_leaves(node.value)
        members = annotated.members if isinstance(annotated, Union) else (annotated,)
        # (A document type, alone: core's documents have no alias, so a literal fails it as a primitive does.)
        document = _of_no_place(annotated) and self.env.document_record(annotated.name) is not None  # type: ignore[union-attr]
        if leaves is None or not (document or all(_certain(m) and not isinstance(m, Lit) for m in members)):
            return
        header = self._let_header(node)
        shown, wanted = display(found), display(annotated)
        if header is None or shown is None or wanted is None:
            return
        causes = []
        for leaf in leaves:
            value, _ = self.visit_Literal(leaf, {})
            if not is_subtype(value, annotated):
                causes.append((f"Type `{display(primary(value))}` is not a subtype of `{wanted}`", self._group(leaf.span)))
        self._let_misfit(header, shown, wanted, causes)

    def _misfit_items(self, node: ast.Let, found: Tuple, annotated: Type) -> None:
        """An array literal of literals that its annotation `Array<T>` (T a primitive or Null) does not admit
        (`let a: Array<Number> = [1, 'a']`): core widens the Tup to an Array of a variable every item bounds
        and constrains that to `T`, so each item that is no `T` fails where it is written (TyperConstrain's
        tuple widening), outside the variable's name where the `let` is constrained: the error is at the
        name, the value shown as written, each failing item a cause (TypeConstraintFailure.toTypeError),
        ``Type `[1, "a"]` is not a subtype of `Array<Number>` ``. Other items are left to run."""
        items = node.value.items  # type: ignore[attr-defined]
        if not (isinstance(annotated, Named) and annotated.name == "Array" and len(annotated.args) == 1):
            return
        element = annotated.args[0]
        if not (isinstance(element, Named) and not element.args and _certain(element)):
            return
        if not items or not all(isinstance(item, ast.Literal) for item in items):
            return
        header, shown, wanted = self._let_header(node), display(found), display(annotated)
        if header is None or shown is None or wanted is None or display(element) is None:
            return
        causes = []
        for item in items:
            value, _ = self.visit_Literal(item, {})
            if not is_subtype(value, element):
                causes.append((f"Type `{display(primary(value))}` is not a subtype of `{display(element)}`", self._group(item.span)))
        self._let_misfit(header, shown, wanted, causes)

    def _misfit_tuple(self, node: ast.Let, found: Tuple, annotated: Tuple) -> None:
        """An array literal its tuple annotation refuses (`let t: [Int, String] = [1, 2]`): of another length,
        core's tuple arity failure at the literal, the error itself (TyperConstrain's Tup/Tuple case:
        ``Tuple contains too many elements. Expected 2, received 3``); else each item a literal its
        element's type (one named type) refuses fails where it is written, so the error is at the name, a
        cause at each (TypeConstraintFailure.toTypeError `transitive`). Other items are left to run."""
        items = node.value.items  # type: ignore[attr-defined]
        want, got = len(annotated.items), len(items)
        if want != got:
            if self._group(node.value.span) == node.value.span:
                self._check_tuple(node.value, found, annotated, node.value.span)  # type: ignore[arg-type]
            return
        header, shown, wanted = self._let_header(node), display(found), display(annotated)
        if header is None or shown is None or wanted is None:
            return
        causes = []
        for item, value, use in zip(items, found.items, annotated.items):
            if is_subtype(value, use):
                continue
            if not (isinstance(item, ast.Literal) and isinstance(use, Named) and not use.args and _certain(use)):
                return
            causes.append((f"Type `{display(primary(value))}` is not a subtype of `{use.name}`", self._group(item.span)))
        self._let_misfit(header, shown, wanted, causes)

    def _let_misfit(self, header: re.Match, shown: str, wanted: str, causes: list) -> None:
        """Core's failure of a `let`'s value against its annotation, at the variable's name, each literal
        that fails where it is written a cause (TypeConstraintFailure.toTypeError's `transitive`); none if
        nothing failed."""
        if causes:
            at = _span(self.text, header.start(1), header.end(1))
            self.errors.append(TypeError_(f"Type `{shown}` is not a subtype of `{wanted}`", at, (), tuple(causes)))

    def _misfit_singleton(self, node: ast.Let, annotated: Lit) -> None:
        """A `let` annotated with one literal (`let x: "a" = "b"`) whose value is a literal of another value:
        core's NotSameSingleton where that literal is (TyperConstrain's Lit/Singleton case), a lone failure
        that is no NotSubtype and so the error itself; several (an `if`'s branches) are core's one failure
        with causes, not modelled."""
        leaves = _literal_leaves(node.value)
        if leaves is None or any(leaf.value is None for leaf in leaves):
            return
        failing = [(leaf, lit) for leaf in leaves if (lit := self.visit_Literal(leaf, {})[0]) != annotated]
        shown = display(annotated)
        if len(failing) != 1 or shown is None or display(failing[0][1]) is None:
            return
        leaf, lit = failing[0]
        if isinstance(lit, Lit) and (lit.kind, lit.value) == (annotated.kind, annotated.value):
            return  # one value written two ways (`2.0` and `2.00`)
        self.fail(f"`{display(lit)}` is not the value `{shown}`", self._group(leaf.span))

    def _misfit_struct(self, node: ast.Let, found: Record, annotated: Record) -> None:
        """A struct the `let` writes whose fields its struct annotation does not match: an extra field, a
        missing one that may not be null, a literal value its field's type (one named type) does not take.
        Core places an extra or missing field's failure at the annotation (the use's span, TyperConstrain's
        Records case), a literal's where the literal is, as its primary type (``Type `String` is not a
        subtype of `Int` ``); a lone one at the annotation is the error there, anything else one NotSubtype
        at the variable's name with each failure a cause (TypeConstraintFailure.toTypeError). A value of
        another kind that does not fit is left to run."""
        at, header = self._annotation_span(node), self._let_header(node)
        shown, wanted = display(found), display(annotated)
        if at is None or header is None or shown is None or wanted is None:
            return
        misfits: list[tuple[str, ast.Span, tuple]] = []
        for key, value in node.value.pairs:  # type: ignore[attr-defined]
            use, given = annotated.field(key), found.field(key)
            if use is None or given is None or is_subtype(given, use):
                continue
            if not (isinstance(value, ast.Literal) and isinstance(use, Named) and not use.args and _certain(use)):
                return
            misfits.append((f"Type `{display(primary(given))}` is not a subtype of `{use.name}`", self._group(value.span), ()))
        extra = [key for key, _ in found.fields if annotated.field(key) is None]
        missing = [key for key, use in annotated.fields if found.field(key) is None and not is_subtype(NULL, use)]
        # A missing field's hint points at the struct (its value's span is neither the failure's nor where
        # the constraint is: TypeConstraintFailure.toError's MissingField).
        inferred = ((f"Type `{shown}` inferred here", self._group(node.value.span), None),)
        failures = [(f"Type `{shown}` contains extra field `{key}`", at, ()) for key in extra]
        failures += [(f"Type `{shown}` does not have field `{key}`", at, inferred) for key in missing]
        failures += misfits
        if len(failures) == 1 and not misfits:
            self.fail(*failures[0])
        elif failures:
            name = _span(self.text, header.start(1), header.end(1))
            self.errors.append(TypeError_(f"Type `{shown}` is not a subtype of `{wanted}`", name, (), tuple(failures)))

    def _qmark(self, node: ast.Let, typed: Typed) -> ast.Span | None:
        """Where the `?` of a `let`'s annotation `T?` (T a primitive) is, None for any other."""
        found, at = typed
        if node.type is None or at is None or not re.fullmatch(r"[A-Za-z]+\s*\?", node.type):
            return None
        if not (isinstance(found, Union) and len(found.members) == 2 and NULL in found.members):
            return None
        (other,) = (m for m in found.members if m != NULL)
        if not (isinstance(other, Named) and not other.args and other.name in _PRIMITIVES):
            return None
        start = at.start + node.type.index("?")
        return _span(self.text, start, start + 1)

    def _let_header(self, node: ast.Let) -> re.Match | None:
        """`let name: ` of an annotated `let` in the source, the name its group 1 (None where not found)."""
        return re.compile(rf"let\s+({re.escape(node.name)})\s*:\s*").match(self.text, node.span.start)

    def _annotation_span(self, node: ast.Let) -> ast.Span | None:
        """Where a `let`'s annotation is in the source (None where it cannot be found there)."""
        found = self._let_header(node)
        if found is None or not self.text.startswith(node.type, found.end()):
            return None
        return _span(self.text, found.end(), found.end() + len(node.type))

    def visit_IfElse(self, node: ast.IfElse, scope: dict) -> Typed:
        condition, made = self.infer(node.cond, scope)
        self._use(condition)
        if isinstance(condition, Var):
            # A condition is constrained to Boolean as `&&`'s operands are (TyperCoreSpec "type lambdas":
            # `x => if (x) 1 else 2` is `Boolean => 1 | 2`).
            self.boolean[condition.id] = self.boolean.get(condition.id, 0) + 1
        self._expect_value(condition, node.cond, "Boolean", node.cond.span, scope, self._spanless_at(node.cond, made))
        then, _ = self.infer(node.then, scope)
        if node.otherwise is None:
            # Core types an `if` without `else` as Null, whatever its branch gives.
            return NULL, node.span
        otherwise, _ = self.infer(node.otherwise, scope)
        return union((then, otherwise)), None

    def visit_AtTime(self, node: ast.AtTime, scope: dict) -> Typed:
        when = primary(self.value(node.time, scope))
        if isinstance(when, Named) and when.name in (*_PRIMITIVES, "Null"):
            # Core's evalAtExpr typing: the time is a `Time | TransactionTime`, shown the other way round.
            self.fail(f"Type `{when.name}` is not a subtype of `TransactionTime | Time`", node.time.span)
        return self.infer(node.expr, scope)

    def visit_Arrow(self, node: ast.Arrow, scope: dict) -> Typed:
        inner = dict(scope)
        params: list[Var] = []
        for name in node.params:
            param = Var(self.vars)
            self.vars += 1
            params.append(param)
            inner[name] = (param, None)
        if node.rest is not None:
            inner[node.rest] = (UNKNOWN, None)
        result, _ = self.infer(node.body, inner)
        ids = {p.id for p in params}
        typed = {p.id: self._passed_as(p.id) for p in params if p.id in self.used}
        if node.rest is None and typed and all(typed.values()) and not contains(result, Var):
            # Each parameter used is only passed to a user index: core infers it of the term's type.
            return Func(tuple(typed.get(p.id) or p for p in params), result), node.span
        if node.rest is None and params and self._numeric_only(params) and not contains(result, Var):
            return Func(tuple(NUMBER for _ in params), result), node.span
        if node.rest is None and params and self._boolean_only(params) and not contains(result, Var):
            return Func(tuple(BOOLEAN for _ in params), result), node.span
        if node.rest is None and params and self._only(params, self.keys) and not contains(result, Var):
            return Func(tuple(STRING for _ in params), result), node.span
        if node.rest is None and _adds_its_parameters(node):
            # `(x, y) => x + y`: core's overloads of `+`, each as the lambda's (FQL2TypecheckSpec "warns about
            # uncalled overloaded functions").
            return Intersect(tuple(Func(pair, pair[0]) for pair in _PLUS)), node.span
        if node.rest is None and params and all(self._read_only(p) for p in params):
            # Each parameter only has its fields read (`x => x.foo`): a struct of them, of any other fields
            # (its wildcard UNKNOWN: of types core infers, not shown).
            opened = tuple(Record(tuple((n, UNKNOWN) for n in dict.fromkeys(self.fields[p.id])), UNKNOWN) for p in params)
            return Func(opened, UNKNOWN), node.span
        if node.rest is not None or ids & self.used:
            # A function still, of a type core infers from how its parameters are used (a rest parameter
            # takes any number of arguments more).
            rest = None if node.rest is None else (node.rest, UNKNOWN)
            return Func(tuple(UNKNOWN for _ in params), UNKNOWN, rest=rest), node.span
        return Func(tuple(params), result), node.span

    def _read_only(self, param: Var) -> bool:
        """Whether a parameter is used, and only to read a field of it (`x.foo`)."""
        return self.uses.get(param.id, 0) > 0 and self.uses.get(param.id) == len(self.fields.get(param.id, ()))

    def _numeric_only(self, params: list[Var]) -> bool:
        """Whether every parameter is used, and only as a number (`x + 2`, `2 * x`)."""
        return all(self.uses.get(p.id, 0) > 0 and self.uses.get(p.id) == self.numeric.get(p.id) for p in params)

    def _only(self, params: list[Var], uses: dict[int, int]) -> bool:
        """Whether every parameter is used, and only in the way `uses` counts."""
        return all(self.uses.get(p.id, 0) > 0 and self.uses.get(p.id) == uses.get(p.id) for p in params)

    def _boolean_only(self, params: list[Var]) -> bool:
        """Whether every parameter is used, and only as an operand of `&&` or `||` (`a && b`) or as an `if`'s
        condition."""
        return all(self.uses.get(p.id, 0) > 0 and self.uses.get(p.id) == self.boolean.get(p.id) for p in params)

    # -- `?.` chains: core's MethodChain types each link after an optional one on its receiver less Null,
    # and adds Null to the chain's type once, at its end, unless a `!` came after (TyperCoreSpec "?. operator
    # adds null to type in the end": `{ x: { y: 10 } }?.x.y` is `10 | Null`, `...?.x.y!` is `10`). A chain
    # is the calls, fields, accesses and `!`s on one receiver; parentheses end it.

    def _link(self, node: ast.Node, scope: dict) -> tuple[Type, ast.Span | None, bool]:
        """A chain link's type without the Null an earlier `?.` adds, and whether one came since the last `!`."""
        if isinstance(node, ast.Member):
            return self._member(node, scope)
        if isinstance(node, ast.Apply):
            return self._apply(node, scope)
        if isinstance(node, ast.Index):
            return self._index(node, scope)
        return self._non_null(node, scope)  # type: ignore[arg-type]

    def _receiver(self, child: ast.Node, scope: dict) -> tuple[Type, ast.Span | None, bool]:
        if isinstance(child, (ast.Member, ast.Apply, ast.Index, ast.NonNull)) and self._group(child.span) == child.span:
            return self._link(child, scope)
        found, origin = self.infer(child, scope)
        return found, origin, False

    def _chain_end(self, node: ast.Node, scope: dict) -> Typed:
        found, origin, maybe_null = self._link(node, scope)
        if not maybe_null:
            return found, origin
        # Core adds a Null of no span (MethodChain's `constrain(Type.Null, res, ...)`): alone, its failure is
        # placed where the chain's value is used, as a signature's is. One more, the last link's own (a
        # signature's `A | Null`), would be a second failure, grouped in ways not modelled.
        if found != UNKNOWN and found != NULL and not (isinstance(found, Union) and NULL in found.members):
            self.spanless.add(node.span)
        else:
            self.spanless.discard(node.span)
        return (UNKNOWN if found == UNKNOWN else union((found, NULL))), None

    def _spanless_at(self, node: ast.Node, origin: ast.Span | None) -> ast.Span | None:
        """The origin `_expect` takes for an operand or argument: a `?.` chain's (which has none) is the
        chain's span when its Null is core's spanless one."""
        return node.span if origin is None and node.span in self.spanless else origin

    def visit_Apply(self, node: ast.Apply, scope: dict) -> Typed:
        return self._chain_end(node, scope)

    def _apply(self, node: ast.Apply, scope: dict) -> tuple[Type, ast.Span | None, bool]:
        fn, origin, maybe_null = self._receiver(node.fn, scope)
        if node.optional:
            fn, origin, maybe_null = _without_null(fn), None, True
        found, origin = self._call(node, scope, fn, origin)
        if not node.optional and origin == node.span and self._stdlib_callee(node.fn, fn, scope):
            self.stdlib.add(node.span)
        return found, origin, maybe_null

    def _stdlib_callee(self, callee: ast.Node, fn: Type, scope: dict) -> bool:
        """Whether a call's function is a stdlib one of one signature and no type parameter (see `stdlib`):
        a member of a stdlib type or module, a global function, or a module called (`Time("...")`). A user
        function's, an annotated lambda's or an overload's result is typed otherwise."""
        inner = fn.fn if isinstance(fn, Generic) else fn
        if contains(inner, (Param, Var, Unknown)):
            return False
        if isinstance(callee, ast.Ident):
            if callee.name in scope or self.bound(callee.name) is not None:
                return False
            module = isinstance(fn, Named) and not fn.args and fn.name.endswith("Module")
            return module or isinstance(fn, Func)
        return callee.span in self.stdlib and isinstance(inner, Func)

    def _call(self, node: ast.Apply, scope: dict, fn: Type, origin: ast.Span | None) -> Typed:
        typed = [self.infer(arg, scope) for arg in node.args]
        found, made = self._call_typed(node, scope, fn, origin, typed)
        if made == node.span and self._passes_elements(node, found):
            self.elements_on.add(node.span)
        if made == node.span and _signature_null(fn, [found for found, _ in typed]):
            self.spanless.add(node.span)
        if made == node.span and isinstance(fn, Named) and fn.name == "UserFunction":
            self.user_calls.add(node.span)
            found = self._schema_null(found, self.env.result_null(fn) if self.query else None)
        return found, made

    def _passes_elements(self, node: ast.Apply, found: Type) -> bool:
        """Whether a call is one `elements_on` keeps (see there)."""
        callee = node.fn
        if node.args or node.optional or not isinstance(callee, ast.Member) or callee.optional:
            return False
        if callee.name not in _PASSING or not self._placed(callee) or not _container(found):
            return False
        receiver = callee.obj
        if isinstance(receiver, ast.Array):
            return bool(receiver.items) and all(isinstance(item, ast.Literal) for item in receiver.items)
        return receiver.span in self.elements_on or receiver.span in self.stdlib

    def _schema_null(self, found: Type, place: NullPlace | None) -> Type:
        """`found`, marked as having its Null where the schema declares it (see `schema_nulls`), when it
        is a primitive or Null (`String | Null`)."""
        if place is None or not isinstance(found, Union) or len(found.members) != 2 or NULL not in found.members:
            return found
        (other,) = (m for m in found.members if m != NULL)
        if not isinstance(other, Named) or other.name not in _PRIMITIVES:
            return found
        marked = Union(found.members)
        self.schema_nulls[id(marked)] = (marked, place)
        return marked

    def _call_typed(self, node: ast.Apply, scope: dict, fn: Type, origin: ast.Span | None, typed: list[Typed]) -> Typed:
        self._use(fn)
        args = [found for found, _ in typed]
        for found in args:
            self._use(found)
        origins = [origin for _, origin in typed]
        if fn == NEVER:
            # `{ foo: null }.foo?.()`: nothing to call (its type is Null, with the chain's).
            return NEVER, None
        if isinstance(primary(fn), Named) and self.env.callable(primary(fn)) is False:
            spanless = node.fn.span in self.stdlib_fields if origin is None else origin == node.fn.span in self.stdlib
            if spanless and not node.optional:
                self._field_not_a_function(node, primary(fn))
            elif origin not in self.made:
                self._not_a_function(node, primary(fn), origin)
            elif origin in self.literal_of and origin == node.fn.span:
                # A call's result that is one literal it was given (`dbg(1)()`): at the literal.
                self._not_a_function(node, primary(fn), self.literal_of[origin])
            return UNKNOWN, None
        if isinstance(fn, Named):
            if fn.name == "UserFunction":
                self._check_opened(node, fn, args)
            fn = self.env.apply_type(fn) or UNKNOWN
        seeds: tuple[tuple[str, Type], ...] = ()
        if isinstance(fn, Generic):
            fn, seeds = fn.fn, fn.seeds
        if isinstance(fn, Intersect):
            # An overload is chosen by its arity (core's overloads of one name differ in it); a mismatched
            # argument is core's error, with causes the checker does not word, so the call is not typed.
            fits = [f for f in fn.members if len(f.params) == len(args)]
            if len(fits) > 1:
                # Overloads of one arity that give one result (`ID(id: String)`, `ID(id: Number)`): a call
                # whose arguments fit one of them is of that result (FQL2IDSpec's `ID(123)` is an ID).
                results = {f.result for f in fits}
                if len(results) != 1 or any(contains(f, (Param, Var)) for f in fits):
                    return UNKNOWN, None
                if not any(all(map(_fits, args, f.params)) for f in fits):
                    if all(isinstance(a, ast.Literal) and _certain(f) for a, f in zip(node.args, args)):
                        # Literals no overload takes (`Math.sum("a")`): core's Alt failure at the first
                        # argument every overload has failed by, as for `+` (TyperCoreSpec "type overloaded
                        # functions/func intersections": `intBool('foo')`).
                        alternatives = tuple(f.params for f in fits)
                        self._overloads(alternatives, tuple(zip(args, node.args)), within=self._parens(node))
                    return UNKNOWN, None
                return self._made(fits[0].result, node)
            if not fits and _index_overloads(fn) and self._placed(node):
                # A user index called with neither of its arities: core's arity failure, worded for the
                # nearer overload, at the argument list (FQL2CollectionsSpec "index invoked with incorrect
                # number of terms returns error").
                sizes = sorted(len(f.params) for f in fn.members)
                start = node.fn.span
                parens = ast.Span(start.end_line, start.end_column, start.end, node.span.end, node.span.end_line, node.span.end_column)
                if len(args) < sizes[0]:
                    message = "Function was not called with enough arguments"
                    expected = sizes[0]
                else:
                    message = "Function was called with too many arguments"
                    expected = sizes[-1]
                self.fail(f"{message}. Expected {expected}, received {len(args)}", parens)
                return UNKNOWN, None
            if len(fits) != 1:
                return UNKNOWN, None
            index = bool(fits[0].names) and all(_INDEX_PARAM.fullmatch(name or "") for name in fits[0].names)
            if not index and fits[0].names and all(_plain_param(p) for p in fits[0].params):
                # A stdlib overload of the call's arity alone (`slice(start)`, `slice(start, end)`): the
                # others fail on their arity in the constrain call of the function (pruned, no error, as
                # one lives), and each argument is constrained in a call of its own against the one left,
                # so its misfit is an error at it, as for a function of one signature (TyperExprs
                # typeApply, TypeConstraintCheck: `"abc".slice("a")` is ``Type `String` is not a subtype
                # of `Number` `` at `"a"`; TyperCoreSpec `intIntBoolBool(1, true)`). A type parameter
                # (`indexOf(element: A, start: Number)`) takes what it is given.
                self._check_args(node, fits[0], args, origins=origins, scope=scope)
            if contains(fits[0], Param):
                return self._made_generic(self._instantiate(fits[0], seeds, node, args, scope), node)
            if index:
                # A user index's overloads (`(term1: T) => Set<D>` and with a range): core reports a misfit
                # term as it does a function's argument (FQL2ComputedFieldsSpec "uses computed field
                # signature when given").
                self._check_args(node, fits[0], args, index=True, scope=scope)
                for found, param in zip(args, fits[0].params):
                    if isinstance(found, Var) and not contains(param, (Var, Param, Unknown)):
                        count, before = self.passed.get(found.id, (0, param))
                        self.passed[found.id] = (count + 1, param if before == param else UNKNOWN)
            self._check_lambdas(node, fits[0], args, origins)
            if not all(map(_fits, args, fits[0].params)):
                return UNKNOWN, None
            return self._made(fits[0].result, node)
        if isinstance(fn, Func) and (len(args) < len(fn.params) or (fn.rest is None and len(args) > len(fn.params))):
            # Core's InvalidArity, at the call's parentheses (its Apply's span: TyperCoreSpec, FQL2UserFunctionSpec
            # "internal signatures are added": `aFn()` of `A => A`).
            self._arity(node, len(fn.params), len(args))
            return UNKNOWN, None
        if isinstance(fn, Func) and fn.params and all(isinstance(p, Var) for p in fn.params) and fn.rest is None:
            # A lambda whose parameters are only passed along (`x => x`, `x => [x]`), called: its result with
            # each parameter the argument's type, as core instantiates it (TyperCoreSpec "type lambdas":
            # `(x => x)(42)` is `42`; "type let polymorphism": `{ let f = x => x; { a: f(0), b: f(true) } }`).
            bound = {p.id: found for p, found in zip(fn.params, args)}  # type: ignore[union-attr]
            if len(bound) == len(fn.params):
                # (Placed nowhere: core's value keeps the span of the argument it came from, which a hint
                # of a later failure would point at; not modelled.)
                return _bind(fn.result, bound), None
        if not isinstance(fn, Func) or contains(fn.result, Var):
            # Arguments are not checked against a lambda's parameters.
            return UNKNOWN, None
        if len(fn.params) != len(args):
            if fn.rest is None or len(args) < len(fn.params):
                return UNKNOWN, None
            # A rest parameter takes the arguments past the others, each of its type.
            fn = Func((*fn.params, *(fn.rest[1],) * (len(args) - len(fn.params))), fn.result, fn.names)
        if fn.names:
            self._check_args(node, fn, args, origins=origins, scope=scope)
            self._check_lambdas(node, fn, args, origins)
        if contains(fn, Param):
            return self._made_generic(self._instantiate(fn, seeds, node, args, scope), node)
        return self._made(fn.result, node)

    def _parens(self, node: ast.Apply) -> tuple[int, int]:
        """The offsets of a call's own parentheses (see `_group`)."""
        return _skip(self.text, node.fn.span.end, 1), node.span.end - 1

    def _arity(self, node: ast.Apply, expected: int, provided: int) -> None:
        group = self._group(node.fn.span)
        start = _skip(self.text, group.end, 1)
        if not self._placed(node.fn) or self.text[start : start + 1] != "(":
            return
        if provided > expected:
            message = f"Function was called with too many arguments. Expected {expected}, received {provided}"
        else:
            message = f"Function was not called with enough arguments. Expected {expected}, received {provided}"
        self.fail(message, _span(self.text, start, node.span.end))

    def _check_opened(self, node: ast.Apply, fn: Named, args: list[Type]) -> None:
        """A user function typed from its body whose parameter only has a field read (`x => x.foo`), given a
        primitive without that field: core's missing field, placed in the function's body, which the query
        does not show (`at <no source>`), with its hint at the argument (FQL2UserFunctionSpec "null spans
        shouldn't get filtered": `Bar(0)`)."""
        inner = self.env.apply_type(fn)
        if not isinstance(inner, Func) or len(inner.params) != len(args):
            return
        parens = self._parens(node)
        for arg, found, param in zip(node.args, args, inner.params):
            opened = isinstance(param, Record) and param.wildcard == UNKNOWN and len(param.fields) == 1
            if not opened or not _primitive(found) or not self._placed(arg):
                continue
            widened, name = primary(found), param.fields[0][0]  # type: ignore[union-attr]
            if self.env.has_member(widened, name) is False:
                shown = display(widened)
                hint = (f"Type `{shown}` inferred here", self._group(arg.span, parens), None)
                self.errors.append(TypeError_(f"Type `{shown}` does not have field `{name}`", ast.NO_SPAN, (hint,)))

    def _passed_as(self, var: int) -> Type | None:
        """The type a lambda parameter was passed as, where that is all the query did with it."""
        count, found = self.passed.get(var, (0, UNKNOWN))
        return found if count == self.uses.get(var) and found != UNKNOWN else None

    def _check_args(
        self,
        node: ast.Apply,
        fn: Func,
        args: list[Type],
        index: bool = False,
        origins: t.Sequence[ast.Span | None] = (),
        scope: dict | None = None,
    ) -> None:
        """A stdlib function's arguments: one of a primitive type its parameter (a named type) does not
        take is core's NotSubtype, at the argument (TyperExprs' typeApply). `scope`: the call's, where a
        variable argument's literals are found (see `bound_leaves`)."""
        parens = self._parens(node)
        origins = list(origins) or [None] * len(args)
        for arg, found, param, origin in zip(node.args, args, fn.params, origins):
            origin = self._spanless_at(arg, origin)
            if isinstance(param, Named) and not param.args and self._placed(arg):
                leaves = _literal_leaves(arg)
                grouped = self._group(arg.span, parens) != arg.span
                bound = None if leaves is not None or scope is None or grouped else self._leaves_of(arg, scope)
                if leaves is not None and len(leaves) > 1:
                    self._expect_each(found, leaves, param.name, self._group(arg.span, parens))
                elif bound is not None:
                    self._expect_each(found, bound, param.name, self._group(arg.span, parens), within=False)
                elif isinstance(arg, ast.Ident) and origin in self.annotated and _exact(found) and _exact(param):
                    self._expect_annotated(found, param, self._group(arg.span, parens), origin)  # type: ignore[arg-type]
                elif _container(found) and origin == arg.span and (origin in self.stdlib or origin in self.elements_on):
                    # A stdlib call's Array or Set (of one signature, or of its receiver's elements): of no
                    # span, so core's NotSubtype is at the argument, the container shown whole.
                    if param.name in (*_PRIMITIVES, *_TEMPORAL) and not is_subtype(found, param):
                        self.fail(f"Type `{display(found)}` is not a subtype of `{param.name}`", self._group(arg.span, parens))
                else:
                    self._expect(found, param.name, self._group(arg.span, parens), origin)
            elif isinstance(param, Lit) and isinstance(found, Lit) and found != param and self._placed(arg):
                self.fail(f"`{display(found)}` is not the value `{display(param)}`", self._group(arg.span, parens))
            elif isinstance(param, Record) and isinstance(arg, ast.Object) and isinstance(found, Record):
                if self._group(arg.span, parens) == arg.span:
                    self._check_record(arg, found, param)
            elif isinstance(param, Record) and (
                (isinstance(arg, ast.Literal) and (_primitive(found) or found == NULL)) or _temporal(found)
            ):
                # A literal where a struct is taken: core's NotSubtype at it, the struct shown whole
                # (TyperCoreSpec "typecheck documents": ``Type `Int` is not a subtype of `{ id: ID | Null,
                # name: String }` `` for `User.create(3)`). A generic `{ *: A }` (Object.values, entries,
                # assign) shows as `{ *: Any }`, as core shows it for a null document (FQL2ObjectSpec).
                shown = "{ *: Any }" if _wildcard_only(param) else display(param)
                if shown is not None and self._placed(arg):
                    self.fail(f"Type `{display(primary(found))}` is not a subtype of `{shown}`", self._group(arg.span, parens))
            elif isinstance(param, Record) and _wildcard_only(param) and _is_ref(found) and isinstance(arg, ast.Apply):
                # A document reference may be a null document: core's NotSubtype, at the call that made it
                # (FQL2ObjectSpec 'values' / 'disallows null docs').
                if self._group(arg.span, parens) == arg.span and self._placed(arg):
                    self.fail("Type `Null` is not a subtype of `{ *: Any }`", arg.span)
            elif isinstance(param, Record) and _wildcard_only(param) and self._null_alone(found, origin):
                # A struct or document that may be null by a stdlib signature (`first`'s `A | Null`): its
                # Null fails where it is used (FQL2ObjectSpec 'disallows null docs', for a set's first
                # document).
                if self._placed(arg):
                    self.fail("Type `Null` is not a subtype of `{ *: Any }`", self._group(arg.span, parens))
            elif isinstance(param, Named) and param.name == "Array" and len(param.args) == 1:
                if isinstance(arg, ast.Array) and isinstance(found, Tuple) and self._group(arg.span, parens) == arg.span:
                    self._check_items(arg, found, param.args[0])
                elif not index and (
                    (isinstance(arg, ast.Literal) and (_primitive(found) or found == NULL)) or _temporal(found)
                ):
                    # A scalar where a stdlib function takes an array (Object.select's `path: Array<String>`):
                    # core's NotSubtype at it, widened, as for a generic container (`[1].concat(1)`). (A user
                    # index's array term is left as it was.)
                    shown = display(param)
                    if shown is not None and self._placed(arg):
                        at = self._group(arg.span, parens)
                        self.fail(f"Type `{display(primary(found))}` is not a subtype of `{shown}`", at)
            elif not index:
                continue
            elif isinstance(param, Tuple) and _primitive(found) and self._placed(arg):
                # A user index's term over a tuple (FQL2ComputedFieldsSpec "typechecks computed fields for
                # index signatures": `[Any, Any]`).
                shown = display(primary(found))
                self.fail(f"Type `{shown}` is not a subtype of `{display(param)}`", self._group(arg.span, parens))
            elif _literals_of_one_type(param, found) and found not in param.members and self._placed(arg):  # type: ignore[union-attr]
                # A literal none of a union of literals is (FQL2ComputedFieldsSpec "mva'ed terms enforce the
                # inferred type correctly"): core's failure, with a cause for each member.
                at = self._group(arg.span, parens)
                causes = tuple((f"`{display(found)}` is not the value `{display(m)}`", at) for m in param.members)  # type: ignore[union-attr]
                self.errors.append(TypeError_(f"Type `{display(found)}` is not a subtype of `{display(param)}`", at, (), causes))

    def _expect_annotated(self, found: Named, param: Named, span: ast.Span, origin: ast.Span) -> None:
        """A variable whose `let` annotated it with a type its parameter does not take: core types the
        variable where the annotation is, so the failure is there, not within the argument, and the error
        at the argument has it as a cause (TypeConstraintFailure.toTypeError's `transitive`; TyperCoreSpec
        "type blocks/lets": `let y: String = x; succ(y)`)."""
        if is_subtype(found, param):
            return
        message = f"Type `{found.name}` is not a subtype of `{param.name}`"
        self.errors.append(TypeError_(message, span, (), ((message, origin),)))

    def _null_alone(self, found: Type, origin: ast.Span | None) -> bool:
        """Whether `found` may be null by a stdlib signature (see `spanless`) and is else only structs
        without a wildcard or documents of the query's collections, each a struct a `{ *: Any }` takes."""
        if not isinstance(found, Union) or NULL not in found.members or origin not in self.spanless:
            return False
        for member in found.members:
            if member == NULL or (isinstance(member, Record) and member.wildcard is None):
                continue
            if not isinstance(member, Named) or member.args:
                return False
            owner = self.env.global_type(member.name)
            if not (isinstance(owner, Named) and owner.name == f"{member.name}Collection"):
                return False
        return True

    def _check_items(self, node: ast.Array, found: Tuple, element: Type) -> None:
        """An array the query writes as a stdlib function's `Array<T>` argument: each item checked against
        `T`, a primitive type or a tuple of them (FQL2ObjectSpec 'fromEntries' / 'rejects invalid inputs',
        'select' / 'rejects invalid paths'): an item of another primitive type is core's NotSubtype, a
        tuple of another length its InvalidTupleArity, at the item, the first such tuple alone (TyperCoreSpec
        "typecheck tuples (pending)": `[['hi'], ['hi']]` fails once, at the first)."""
        for item, item_type in zip(node.items, found.items):
            span = self._group(item.span)
            if not self._placed(item):
                continue
            if isinstance(element, Named) and not element.args:
                self._expect(item_type, element.name, span)
            elif isinstance(element, Tuple) and isinstance(item, ast.Array) and isinstance(item_type, Tuple):
                if len(element.items) != len(item_type.items):
                    self._check_tuple(item, item_type, element, span)
                    return
                self._check_tuple(item, item_type, element, span)
            elif isinstance(element, Tuple) and (shown := _tuple_shown(element)) is not None:
                widened = primary(item_type)
                if isinstance(widened, Named) and not widened.args and widened.name in (*_PRIMITIVES, "Null"):
                    self.fail(f"Type `{widened.name}` is not a subtype of `{shown}`", span)

    def _check_tuple(self, node: ast.Array, found: Tuple, expected: Tuple, span: ast.Span) -> None:
        want, got = len(expected.items), len(found.items)
        if got > want:
            self.fail(f"Tuple contains too many elements. Expected {want}, received {got}", span)
        elif got < want:
            self.fail(f"Tuple does not contain enough elements. Expected {want}, received {got}", span)
        else:
            for item, item_type, use in zip(node.items, found.items, expected.items):
                if isinstance(use, Named) and not use.args and self._placed(item):
                    self._expect(item_type, use.name, self._group(item.span))

    def _check_lambdas(self, node: ast.Apply, fn: Func, args: list[Type], origins: list[ast.Span | None]) -> None:
        """A lambda the query writes as a stdlib function's function argument takes as many arguments as
        that function is called with (core's InvalidArity, at the lambda: FQL2ArraySpec "throws an error
        if the lambda has the wrong arity (typechecking)"); a rest parameter takes any more. A string, number
        or Boolean made where the argument is written, given for a function, is core's NotAFunction there,
        without the call's hint (TyperCoreSpec "show type not used as function error": `[].map(true)`)."""
        parens = self._parens(node)
        for arg, param, found, origin in zip(node.args, fn.params, args, origins):
            widened = primary(found)
            if isinstance(param, Func) and isinstance(widened, Named) and not widened.args and widened.name in _PRIMITIVES:
                # (Only a literal's type or a comparison's, whose span core's failure takes: what an arithmetic
                # operator or a call makes is placed by how core instantiates its signature, not modelled.)
                made_here = isinstance(arg, ast.Literal) or (
                    isinstance(arg, ast.Binary) and arg.op in (*_COMPARISONS, "&&", "||")
                )
                if made_here and origin == arg.span and self._placed(arg):
                    self.fail(f"Type `{widened.name}` cannot be used as a function", self._group(arg.span, parens))
                elif isinstance(arg, ast.Ident) and isinstance(found, Lit) and origin is not None:
                    # A variable its `let` gave a literal: the literal's type keeps where it was written, and
                    # the failure, a lone one that is no NotSubtype, is the error there (but in parentheses,
                    # where core moves the variable's type).
                    grouped = self._group(arg.span, parens)
                    at = grouped if grouped != arg.span else self._group(origin)
                    self.fail(f"Type `{widened.name}` cannot be used as a function", at)
                continue
            if not isinstance(arg, ast.Arrow) or not isinstance(param, Func) or param.rest is not None:
                continue
            expected, provided = len(arg.params), len(param.params)
            if provided == expected and arg.rest is None:
                self._check_lambda_body(arg, param.result)
            if provided == expected or (arg.rest is not None and provided > expected) or not self._placed(arg):
                continue
            if provided > expected:
                self.fail(f"Function was called with too many arguments. Expected {expected}, received {provided}", arg.span)
            else:
                self.fail(f"Function was not called with enough arguments. Expected {expected}, received {provided}", arg.span)

    def _check_lambda_body(self, node: ast.Arrow, result: Type) -> None:
        """A lambda written as an argument whose body is a literal its parameter's result (a primitive, or
        primitives or Null) does not take (`[1].where(x => 1)`, a predicate's `Boolean | Null`): core
        constrains the body's type to that result, failing where the literal is, within the argument and so
        the error itself (TypeConstraintFailure.toTypeError), an optional result shown with `Null` first
        (``Type `Int` is not a subtype of `Null | Boolean` ``, as SchemaCollectionSpec's check constraint)."""
        body = node.body
        if not isinstance(body, ast.Literal) or not self._placed(body):
            return
        found, _ = self.visit_Literal(body, {})
        if isinstance(result, Named) and not result.args and result.name in _PRIMITIVES:
            self._expect(found, result.name, self._group(body.span))
        elif isinstance(result, Union) and NULL in result.members:
            self._expect_union(found, result, self._group(body.span))

    def _check_record(self, node: ast.Object, found: Record, param: Record) -> None:
        """A struct the query writes as a stdlib function's argument (`Foo.create({ ... })`): a field's
        value of a primitive type its field does not take (``Type `String` is not a subtype of `Number` ``,
        at the value; of a union, a struct for a scalar or a scalar for a struct: see `_expect_union`), else
        the one field it lacks that may not be null (``Type `{}` does not have field
        `my_field` ``, at the struct: FQL2DefinedFieldsSpec, FQL2CollectionSpec). A field a closed parameter
        does not have is core's ExtraField, at the struct (FQL2TokenSpec, FQL2KeySpec, FQL2DatabaseSpec "cannot
        pass secret"); under a wildcard, nothing is reported. Several such failures are one (`_misfit_record`)."""
        extra = [key for key, _ in node.pairs if param.field(key) is None]
        if extra:
            shown = display(found)
            if param.wildcard is None and shown is not None and self._placed(node):
                given = {key for key, _ in node.pairs}
                missing = [key for key, use in param.fields if key not in given and not is_subtype(NULL, use)]
                failures = [f"Type `{shown}` contains extra field `{key}`" for key in extra]
                if len(extra) + len(missing) == 1 or not self._misfit_record(node, shown, param, failures, missing):
                    for failure in failures:
                        self.fail(failure, node.span)
            return
        if self._other_collection_ref(node, found, param):
            return
        before = len(self.errors)
        at_struct: list[str] = []
        elsewhere: list[tuple[str, ast.Span]] = []
        for key, value in node.pairs:
            use = param.field(key)
            given = found.field(key)
            if use == NULL and isinstance(given, Record) and self._placed(value) and display(given) is not None:
                # `data` under a wildcard must be null (core's nullDataIfWC): a struct given for it is
                # shown as written (FQL2CollectionSpec "disallows `data` in create, update, and replace").
                self.fail(f"Type `{display(given)}` is not a subtype of `Null`", self._group(value.span))
                continue
            given = given or UNKNOWN
            if (
                use == NULL
                and isinstance(given, Named)
                and not given.args
                and given.name not in (*_PRIMITIVES, "Null", "Any", "Never")
                and not is_subtype(given, NULL)
                and self._placed(value)
            ):
                # A value of a non-primitive type where only null goes (`ttl` where documents may have no
                # ttl): core's NotSubtype, placed at the struct (SchemaCollectionSpec "infers the correct
                # setting based on defined fields": `{ ttl: Time.now() }`).
                self.fail(f"Type `{given.name}` is not a subtype of `Null`", node.span)
                continue
            if isinstance(use, Named) and not use.args and use.name in _PRIMITIVES and isinstance(given, Func):
                # A lambda where a primitive goes (`body: (x) => x + 2`), when its type is known.
                if display(given) is not None and self._placed(value):
                    self.fail(f"Type `{display(given)}` is not a subtype of `{use.name}`", self._group(value.span))
            elif isinstance(use, Named) and not use.args and use.name != "Any" and value.span in self.stdlib:
                # A stdlib call's or field's result has no span in core, so its failure is placed where the
                # struct is constrained, the argument (SchemaCollectionSpec: `A3.create({ ttl: Time.now() })`
                # fails at the struct); alone: with another failure, core words them as one, with causes.
                if _exact(given) and (_exact(use) or use == NULL) and not is_subtype(given, use) and self._placed(value):
                    at_struct.append(f"Type `{given.name}` is not a subtype of `{use.name}`")  # type: ignore[union-attr]
            elif isinstance(use, Named) and not use.args and value.span in self.annotated_uses:
                # An annotated variable is typed at its annotation, apart from the struct: its failure is there,
                # a cause of the struct's (TypeConstraintFailure.toTypeError's `transitive`).
                if _exact(given) and (_exact(use) or use == NULL) and not is_subtype(given, use) and self._placed(value):
                    message = f"Type `{given.name}` is not a subtype of `{use.name}`"  # type: ignore[union-attr]
                    elsewhere.append((message, self.annotated_uses[value.span]))
            elif isinstance(value, ast.Object) and isinstance(given, Record) and _optional_record(use):
                # A struct written for an optional struct (`fields: { ... }` for `{ *: ... } | Null`) that
                # fits neither: core's failure of the whole argument, its causes the struct not being
                # null, then each scalar in it its field does not take (FQL2DefinedFieldsSpec "disallows
                # non-strings (typechecked)").
                nested = self._struct_misfits(value, given, _without_null(use))
                shown = display(given)
                if nested and shown is not None and self._placed(value):
                    elsewhere += [(f"Type `{shown}` is not a subtype of `Null`", self._group(value.span)), *nested]
            elif isinstance(use, Union) and NULL in use.members and value.span in self.stdlib:
                if _exact(given) and self._placed(value):
                    mark = len(self.errors)
                    self._expect_union(given, use, node.span)
                    at_struct += [error.message for error in self.errors[mark:]]
                    del self.errors[mark:]
            elif isinstance(use, Named) and not use.args and use.name != "Any" and self._placed(value):
                if isinstance(given, Record):
                    self._expect_union(given, Union((use,)), self._group(value.span))
                else:
                    self._expect(given, use.name, self._group(value.span))
            elif isinstance(use, Union) and self._placed(value):
                self._expect_union(given, use, self._group(value.span))
            elif isinstance(use, Record) and not isinstance(given, Record) and self._placed(value):
                self._expect_union(given, Union((use,)), self._group(value.span))
        given = {key for key, _ in node.pairs}
        missing = [key for key, use in param.fields if key not in given and not is_subtype(NULL, use)]
        if at_struct and elsewhere:
            del self.errors[before:]  # (core's one failure with causes: not modelled)
            return
        if at_struct:
            if len(at_struct) == 1 and len(self.errors) == before and not missing:
                self.fail(at_struct[0], node.span)
            else:
                del self.errors[before:]
            return
        if elsewhere:
            shown, wanted = display(found), display(param)
            if len(self.errors) == before and not missing and shown is not None and wanted is not None:
                self.errors.append(TypeError_(f"Type `{shown}` is not a subtype of `{wanted}`", node.span, (), tuple(elsewhere)))
            else:
                del self.errors[before:]
            return
        if len(self.errors) > before:
            self._bundle_misfits(node, found, param, before, missing)
            return
        shown = display(found)
        if len(missing) == 1 and shown is not None:
            self.fail(f"Type `{shown}` does not have field `{missing[0]}`", node.span)
        elif missing and shown is not None:
            self._misfit_record(node, shown, param, [], missing)

    def _bundle_misfits(self, node: ast.Object, found: Record, param: Record, before: int, missing: list[str]) -> None:
        """The struct's field values its fields refused (the errors since `before`, each where its value is)
        and the fields it is `missing`: more than one failure of the one argument is core's one NotSubtype
        of the struct, each failure a cause where it is (TypeConstraintFailure.toTypeError's `transitive`:
        `Key.create({ role: 1, ttl: 5 })`); a lone one stays the error, as it is within the struct."""
        misfits = self.errors[before:]
        if len(misfits) + len(missing) < 2:
            return
        del self.errors[before:]
        shown, wanted = display(found), display(param)
        if shown is None or wanted is None or any(error.hints or error.causes for error in misfits):
            return  # (a cause with hints of its own, or a type the checker cannot show: not modelled)
        causes = [(error.message, error.span) for error in misfits]
        causes += [(f"Type `{shown}` does not have field `{key}`", node.span) for key in missing]
        self.errors.append(TypeError_(f"Type `{shown}` is not a subtype of `{wanted}`", node.span, (), tuple(causes)))

    def _struct_misfits(self, node: ast.Object, found: Record, param: Type) -> list[tuple[str, ast.Span]] | None:
        """The scalars of the struct `node` (nested structs' too) that their fields of `param` do not take,
        each ``Type `Int` is not a subtype of `String | Null` `` at the scalar, the field's type as the
        signature writes it; None where anything else would fail (a field too many or missing, a value not
        a scalar nor a struct), which is not modelled."""
        if not isinstance(param, Record):
            return None
        out: list[tuple[str, ast.Span]] = []
        for key, value in node.pairs:
            use, given = param.field(key), found.field(key)
            if use is None or given is None:
                return None
            if isinstance(value, ast.Object) and isinstance(given, Record):
                nested = self._struct_misfits(value, given, use)
                if nested is None:
                    return None
                out += nested
                continue
            if is_subtype(given, use):
                continue
            widened, shown = primary(given), display(use)
            if not (isinstance(widened, Named) and not widened.args and widened.name in _PRIMITIVES) or shown is None:
                return None
            if is_subtype(widened, use):
                continue
            out.append((f"Type `{widened.name}` is not a subtype of `{shown}`", self._group(value.span)))
        given_keys = {key for key, _ in node.pairs}
        if any(key not in given_keys and not is_subtype(NULL, use) for key, use in param.fields):
            return None
        return out

    def _misfit_record(self, node: ast.Object, shown: str, param: Record, failures: list[str], missing: list[str]) -> bool:
        """Several failures of one struct against its parameter (`failures`, then each field it is
        `missing`): core words them as one NotSubtype at the struct, each a cause there (TypeConstraintFailure
        .toTypeError; SchemaCollectionSpec "infers the correct setting based on defined fields"). Whether it
        could say the parameter's type."""
        wanted = display(param)
        if wanted is None:
            return False
        failures = [*failures, *(f"Type `{shown}` does not have field `{key}`" for key in missing)]
        causes = tuple((failure, node.span) for failure in failures)
        self.errors.append(TypeError_(f"Type `{shown}` is not a subtype of `{wanted}`", node.span, (), causes))
        return True

    def _other_collection_ref(self, node: ast.Object, found: Record, param: Record) -> bool:
        """A reference into another collection where a field takes `Ref<Foo> | Null` (`{ foo: Bar(0) }`):
        core's NotSubtype of the whole struct, its causes the other collection's documents (expanded) not
        being Foo's, nor null (SchemaCollectionSpec "handles ref types correctly"). Where the two document
        types differ other than by a wildcard, core's causes are not modelled (and nothing is reported)."""
        for key, _ in node.pairs:
            use, given = param.field(key), found.field(key)
            if not (isinstance(use, Union) and len(use.members) == 2 and NULL in use.members):
                continue
            ref = next(m for m in use.members if m != NULL)
            if not (_ref_to(ref) and _ref_to(given) and _ref_to(given) != _ref_to(ref)):
                continue
            mine, theirs = self.env.document_record(_ref_to(given)), self.env.document_record(_ref_to(ref))
            shown, whole, wanted = display(mine) if mine is not None else None, display(found), display(param)
            if not (isinstance(mine, Record) and isinstance(theirs, Record) and None not in (shown, whole, wanted)):
                continue
            if mine.wildcard is None or theirs.wildcard is not None or not self._placed(node):
                continue
            causes = ((f"Type `{shown}` cannot have a wildcard", node.span), (f"Type `{shown}` is not a subtype of `Null`", node.span))
            self.errors.append(TypeError_(f"Type `{whole}` is not a subtype of `{wanted}`", node.span, (), causes))
            return True
        return False

    def _made_generic(self, ty: Type, call: ast.Apply) -> Typed:
        """A generic function's result, made where the call is; where it is the type of one literal the
        call was given (an argument, or an item of the array literal it is called on: `dbg(1)`,
        `[1].first()`), core's variable is bounded by that literal, its span kept, so a later failure is
        hinted there (see `literal_of`). A lambda argument may give it more bounds: not followed."""
        found, made = self._made(ty, call)
        literal = _without_null(found)
        if made is None or not isinstance(literal, Lit) or any(isinstance(arg, ast.Arrow) for arg in call.args):
            return found, made
        sources = [arg for arg in call.args if isinstance(arg, ast.Literal)]
        callee = call.fn
        if isinstance(callee, ast.Member) and not callee.optional and isinstance(callee.obj, ast.Array):
            if self._group(callee.obj.span) == callee.obj.span:
                sources += [item for item in callee.obj.items if isinstance(item, ast.Literal)]
        matching = [item for item in sources if self.visit_Literal(item, {})[0] == literal]
        if len(matching) == 1:
            self.literal_of[made] = self._group(matching[0].span, self._parens(call))
        return found, made

    def _made(self, ty: Type, node: ast.Node) -> Typed:
        """A call's result, made where the call is."""
        if ty == UNKNOWN:
            return UNKNOWN, None
        self.made.add(node.span)
        return ty, node.span

    def _instantiate(self, fn: Func, seeds: tuple[tuple[str, Type], ...], call: ast.Apply, args: list[Type], scope: dict) -> Type:
        """A generic function's result (core instantiates its parameters with fresh variables): each
        parameter is the union of what is given for it, by the receiver (`seeds`), the arguments, and the
        results of the lambdas given, each lambda typed with its parameters' types as known so far (in
        argument order). UNKNOWN where a parameter is not learnt so, or a lambda's body fails."""
        bound: dict[str, list[Type]] = {}
        for name, seed in seeds:
            bound.setdefault(name, []).append(seed)
        spanless = self._spanless_receiver(call)
        for node, found, param in zip(call.args, args, fn.params):
            if isinstance(param, Func):
                if not contains(param.result, Param):
                    # Its result teaches nothing (a predicate's Boolean); its body's misuse of a document
                    # element is core's error still.
                    if isinstance(node, ast.Arrow):
                        inputs = [substitute(p, _joined(bound)) for p in param.params]
                        self._lambda(node, inputs, scope, spanless, self._item_origin(call, node, param, scope))
                        self._identity_misfit(call, node, param, scope)
                    continue
                if isinstance(node, ast.Arrow):
                    inputs = [substitute(p, _joined(bound)) for p in param.params]
                    found = self._lambda(node, inputs, scope, spanless, self._item_origin(call, node, param, scope))
                    self._expect_container(found, param.result, node, self._parens(call), lambda_result=True)
                    self._expect_set_of_array(node, param.result, scope)
                elif isinstance(found, Func):
                    found = found.result
                param = param.result
            elif self._placed(node):
                self._expect_container(found, param, node, self._parens(call))
            if not _match(param, found, bound):
                # What it was given for them is not known: so are they (and so what they make).
                for name in _params(param):
                    bound.setdefault(name, []).append(UNKNOWN)
        result = substitute(fn.result, _joined(bound))
        return UNKNOWN if contains(result, (Param, Unknown)) else result

    def _expect_container(
        self, found: Type, param: Type, node: ast.Node, parens: tuple[int, int] = (-1, -1), lambda_result: bool = False
    ) -> None:
        """Core's NotSubtype for a generic function's argument of another container than its parameter's (a
        Set for `Array<B>`, an array for `Set<B>`), at the argument: FQL2IterableSpec's `concat` and
        `flatMap` cases. A lambda's body that is an array literal is left to the runtime: core words that
        one with types the checker does not infer, and so is a primitive not written as the argument
        (core places that failure where its literal is)."""
        if not (isinstance(param, Named) and len(param.args) == 1 and param.name in _CONTAINERS):
            return
        if isinstance(found, Named) and found.name in _CONTAINERS and found.name != param.name:
            shown = display(found)
        elif isinstance(found, Tuple) and param.name != "Array" and not lambda_result:
            shown = display(found)
        elif isinstance(node, ast.Literal) and not lambda_result:
            # A literal shows widened, as for a primitive parameter (`[1].concat(1)`: `Int`), at itself.
            shown = display(primary(found))
        else:
            return
        # The container as core shows it, its type parameters as Any: `Array<Any>` for concat's `Array<B>`,
        # `Array<[String, Any]>` for Object.fromEntries' `Array<[String, A]>` (FQL2ObjectSpec shows its
        # element `[String, Any]`).
        wanted = display(substitute(param, {name: ANY for name in _params(param)}))
        if shown is not None and wanted is not None and not contains(found, (Unknown, Var)):
            self.fail(f"Type `{shown}` is not a subtype of `{wanted}`", self._group(node.span, parens))

    def _expect_set_of_array(self, node: ast.Arrow, result: Type, scope: dict) -> None:
        """A lambda whose body is an array literal, where a set is to be given (`Set.flatMap`): core's
        NotSubtype at the body, its items typed before the lambda's parameters are bound, so a parameter
        itself shows as `Never` (FQL2IterableSpec "Set<>.flatMap([]) does not work": ``Type `[Never, Number]`
        is not a subtype of `Set<Any>` `` for `v => [v, v + 10]`, under core's own FIXME)."""
        body = node.body
        if not (isinstance(result, Named) and result.name in ("Set", "EventSource") and len(result.args) == 1):
            return
        if not isinstance(body, ast.Array) or node.rest is not None or self._group(body.span) != body.span:
            return
        inner = dict(scope)
        for name in node.params:
            inner[name] = (Var(self.vars), None)
            self.vars += 1
        mark, self.depth = len(self.errors), self.depth + 1
        try:
            items = [self.infer(item, inner)[0] for item in body.items]
        finally:
            self.depth -= 1
        if len(self.errors) > mark:
            del self.errors[mark:]
            return
        items = [NEVER if isinstance(item, Var) else item for item in items]
        shown = display(Tuple(tuple(items)))
        if shown is not None and not any(contains(item, (Var, Unknown)) for item in items):
            self.fail(f"Type `{shown}` is not a subtype of `{result.name}<Any>`", body.span)

    def _spanless_receiver(self, call: ast.Apply) -> bool:
        """Whether a method call's receiver is a stdlib call's result of one signature and no type parameter
        (`Set.sequence(1, 3)`, `'a,b'.split(',')`), right before the dot: its elements' types are the
        signature's, of no span, primitives too."""
        callee = call.fn
        if call.optional or not isinstance(callee, ast.Member) or callee.optional:
            return False
        receiver = callee.obj
        return isinstance(receiver, ast.Apply) and receiver.span in self.stdlib and self._group(receiver.span) == receiver.span

    def _lambda(
        self, node: ast.Arrow, inputs: list[Type], scope: dict, spanless: bool = False, item: ast.Span | None = None
    ) -> Type:
        """The type of a lambda's body with its parameters of the types `inputs`; UNKNOWN where they are
        not all known or the body fails so (its errors are not reported: the lambda's own check made those
        core would), but for the one missing field of a document parameter, which core places at the field
        with no hint (its element's type, from a signature, has no span: TypeConstraintFailure.toError).
        `spanless`: the inputs are a stdlib signature's elements (see `_spanless_receiver`), so a primitive's
        missing field is one too. `item`: where the one parameter's type was written (see `_item_origin`),
        so a field its body reads off it that the type lacks is core's failure, hinted there."""
        if node.rest is not None or len(inputs) != len(node.params) or self.depth >= _LAMBDA_DEPTH:
            return UNKNOWN
        if any(contains(i, (Param, Unknown)) for i in inputs):
            return UNKNOWN
        inner = dict(scope)
        for name, ty in zip(node.params, inputs):
            spanless_primitive = spanless and isinstance(ty, Named) and not ty.args and ty.name in _PRIMITIVES
            inner[name] = (ty, item or (_NO_PLACE if _of_no_place(ty) or spanless_primitive else None))
        mark, self.depth = len(self.errors), self.depth + 1
        try:
            found, _ = self.infer(node.body, inner)
        finally:
            self.depth -= 1
        if len(self.errors) > mark:
            # Core finds these failures in one constraint, the lambda's by its parameter: a lone one inside
            # the lambda is the error itself; several are one failure with causes, not modelled.
            new = self.errors[mark:]
            del self.errors[mark:]
            if len(new) == 1 and (id(new[0]) in self.placeless or item is not None) and new[0] not in self.errors:
                self.errors.append(new[0])
            return UNKNOWN
        return found

    def _item_origin(self, call: ast.Apply, node: ast.Arrow, param: Func, scope: dict) -> ast.Span | None:
        """Where the element a method of an array literal of one scalar literal gives its lambda was written
        (`[1].map(x => x.foo)`), for a lambda that only reads a field off its one parameter; None otherwise.
        Core widens the literal's Tup to an Array of a variable bounded by the literal, which keeps its span,
        so the field the literal's type lacks fails in the argument's constrain call, at the field and
        within the argument: the lone failure is the error, hinted at the literal (TyperConstrain's tuple
        widening, TypeConstraintFailure.toError's MissingField: ``Type `Int` does not have field `foo` ``).
        Several items give several failures, core's one error with causes: not modelled. The array may be
        a variable a `let` gave it (`let a = [1]; a.map(...)`): the let's generalized Tup keeps its literal's
        place, as a let's literal does (TyperCoreSpec "suggest bang operator in the right place")."""
        callee = call.fn
        if call.optional or not isinstance(callee, ast.Member) or callee.optional or param.params != (Param("A"),):
            return None
        receiver, body = callee.obj, node.body
        if self._group(receiver.span) != receiver.span:
            return None
        if isinstance(receiver, ast.Ident):
            receiver = self._bound(self.bound_arrays, receiver, scope)
        if not isinstance(receiver, ast.Array) or len(receiver.items) != 1:
            return None
        item = receiver.items[0]
        if not isinstance(item, ast.Literal) or item.value is None or node.rest is not None or len(node.params) != 1:
            return None
        # (`x.foo`, or `.foo`; not `(x).foo`, whose parentheses core types anew.)
        reads = isinstance(body, ast.Member) and not body.optional and isinstance(body.obj, ast.Ident)
        if not reads or body.obj.name != node.params[0] or self._group(body.obj.span) != body.obj.span:  # type: ignore[union-attr]
            return None
        if self._group(body.span, self._parens(call)) != body.span:
            return None
        return self._group(item.span)

    def _identity_misfit(self, call: ast.Apply, node: ast.Arrow, param: Func, scope: dict) -> None:
        """A lambda giving back its one parameter (`x => x`) where a method of an array literal of literals
        takes a function of a fixed result (`filter`'s `A => Boolean | Null`): each literal flows through the
        lambda into that result, and each its result does not take fails where the literal is, outside the
        argument, so core's error is the lambda's NotSubtype at it, a cause at each such literal
        (TypeConstraintFailure.toTypeError's `transitive`, as TyperCoreSpec's `['a', 'b', 'c'].map(x => 1 +
        x)`). The lambda shows as `A => A` (its variable's bounds are undone), the parameter as the items'
        union into the result; a literal that fails both members of `Boolean | Null` is one cause, shown
        `Null | Boolean` (failures at one place of one value are grouped into a union, shown so as
        SchemaCollectionSpec's check constraint `_ => if (true) 3 else true` shows it)."""
        callee, result = call.fn, param.result
        if call.optional or not isinstance(callee, ast.Member) or callee.optional or param.params != (Param("A"),):
            return
        if node.rest is not None or len(node.params) != 1 or not isinstance(node.body, ast.Ident):
            return
        if node.body.name != node.params[0] or self._group(node.body.span) != node.body.span:
            return
        receiver = callee.obj
        if self._group(receiver.span) != receiver.span:
            return
        if isinstance(receiver, ast.Ident):
            receiver = self._bound(self.bound_arrays, receiver, scope)
        if not isinstance(receiver, ast.Array) or not receiver.items:
            return
        if not all(isinstance(item, ast.Literal) and item.value is not None for item in receiver.items):
            return
        # (A fixed result of one primitive, or of one and Null, as a predicate's: a union of more members
        # is grouped in an order not modelled.)
        optional = isinstance(result, Union) and len(result.members) == 2 and NULL in result.members
        plain = _without_null(result) if optional else result
        if not (isinstance(plain, Named) and not plain.args and plain.name in _PRIMITIVES):
            return
        wanted = f"Null | {plain.name}" if optional else plain.name
        items = [self.visit_Literal(item, scope)[0] for item in receiver.items]
        causes = tuple(
            (f"Type `{display(primary(found))}` is not a subtype of `{wanted}`", self._group(item.span))
            for item, found in zip(receiver.items, items)
            if not is_subtype(found, result)
        )
        shown, given = display(union(tuple(items))), display(result)
        if len(set(items)) > 4:
            return  # (core's lower bounds past four are a hash set, shown in its order: not modelled)
        if causes and shown is not None and given is not None and self._placed(node):
            at = self._group(node.span, self._parens(call))
            self.errors.append(TypeError_(f"Type `A => A` is not a subtype of `{shown} => {given}`", at, (), causes))

    def _not_a_function(self, node: ast.Apply, fn: Named, origin: ast.Span | None) -> None:
        """Core's NotAFunction: at where the value's type was inferred, with a hint at the call's
        parentheses (TypeConstraintFailure; TyperCoreSpec `1(2)`, FQL2TypecheckSpec `Math(3)`)."""
        shown = display(fn)
        group = self._group(node.fn.span)
        if origin is None or shown is None or not self._placed(node.fn):
            return
        if group != node.fn.span:
            origin = group
        start = _skip(self.text, group.end, 1)
        if self.text[start : start + 1] != "(":
            return
        args = _span(self.text, start, node.span.end)
        hint = (f"`{shown}` is used as a function here", args, None)
        self.fail(f"Type `{shown}` cannot be used as a function", origin, (hint,))

    def _field_not_a_function(self, node: ast.Apply, fn: Named) -> None:
        """A stdlib field of a primitive type called as a method (`[1].length()`, `Math.PI()`), or a stdlib
        call's result of one signature called (`Time.now()()`): core's NotAFunction of the signature's type,
        which has no span, so at the constraint's place, the call from the start of its chain through its
        arguments (TyperExprs' MethodCall and Apply `appSpan`), with the hint at the arguments
        (TypeConstraintFailure: `value.span.getOrElse(callSite)`)."""
        if self._group(node.fn.span) != node.fn.span or not self._placed(node):
            return
        self._not_a_function(node, fn, node.span)

    # -- operators

    def visit_Binary(self, node: ast.Binary, scope: dict) -> Typed:
        op = node.op
        if op == "??":
            left, _ = self.infer(node.left, scope)
            right, _ = self.infer(node.right, scope)
            self._use(left)
            # Core constrains the right operand into the result directly and the left one, less Null, through
            # a difference resolved after: the right operand's type is shown first (TyperCoreSpec "type ??
            # operator": `1 ?? 2` is `2 | 1`).
            return union((right, _without_null(left))), None
        left, made = self.infer(node.left, scope)
        self._use(left)
        right, right_made = self.infer(node.right, scope)
        self._use(right)
        if op in ("&&", "||"):
            for operand in (left, right):
                if isinstance(operand, Var):
                    self.boolean[operand.id] = self.boolean.get(operand.id, 0) + 1
            for operand, found, at in ((node.left, left, made), (node.right, right, right_made)):
                if not self._written_misfit(found, operand, "Boolean"):
                    self._expect_value(found, operand, "Boolean", self._group(operand.span), scope, self._spanless_at(operand, at))
            return BOOLEAN, node.span
        if op in _COMPARISONS or op == "isa":
            return BOOLEAN, node.span
        if op in _NUMERIC_ONLY_WITH_NUMBERS:
            for param, other in ((left, right), (right, left)):
                if isinstance(param, Var) and is_number(other):
                    # Only core's Number overload takes a number: the parameter is one.
                    self.numeric[param.id] = self.numeric.get(param.id, 0) + 1
                    return NUMBER, node.span
        if op == "+" and is_number(left) and _plus_operand(right, node.right) and not is_number(right):
            # `+` is one overloaded function whatever its left operand (core's typer hardcodes it as
            # `((Number, Number) => Number) & ((String, String) => String)`): a right operand that is no
            # Number fails the String overload there too, unless it is a String (that overload failed
            # already, at the left), so `1 + true` is refused as `'foo' + true` is, for `String | Number`.
            self._overloads(_PLUS, ((left, node.left), (right, node.right)), _plus_operand)
            return UNKNOWN, None
        if op in _ARITHMETIC and is_number(left) and self._written_misfit(right, node.right, "Number"):
            # Each number type's overload takes a Number on the right (`1 - [1]`).
            return UNKNOWN, None
        if op in _ARITHMETIC and is_number(left):
            # (A right operand that may be null is refused for its Null only where every overload takes a
            # Number there: `+`'s String one would fail its Number too, a second failure core groups apart.)
            spanless = None if op == "+" else self._spanless_at(node.right, right_made)
            self._expect(right, "Number", self._group(node.right.span), spanless)
            return (NUMBER, node.span) if is_number(right) or right == UNKNOWN else (UNKNOWN, None)
        if op == "+" and is_subtype(left, STRING) and is_subtype(right, STRING):
            return STRING, node.span
        if op == "+":
            self._overloads(_PLUS, ((left, node.left), (right, node.right)), _plus_operand)
        elif op in _ARITHMETIC and _plus_operand(left, node.left) and left != NULL and made == node.left.span:
            # The other number operators are each number type's (`(Int, Number) => Number` and so on): a left
            # operand that is no number fails every overload at once (FQL2EnvTypecheckSpec `x => 'foo' / x`).
            # Only where its type is made at it (else core adds a hint where). `-` is also each number type's
            # unary operator: those overloads fail first, on their arity, where the right operand is (the
            # call's arguments), so the error core reports, at the left operand, is the binary ones' alone.
            # An array or struct the query writes fails them so too, shown as written (`[1] - 1`).
            self._overloads(_NUMBER_OVERLOADS, ((left, node.left), (right, node.right)), _plus_operand)
        return UNKNOWN, None

    def _written_misfit(self, found: Type, node: ast.Node, name: str) -> bool:
        """An array or struct the query writes of literals where a primitive `name` is taken (an operand of
        `&&`, `||`, or the right one of a number's operator): core's generic NotSubtype at it (TyperConstrain
        has no case for a Tup or Rec value against a Named use), shown as written, ``Type `[1]` is not a
        subtype of `Boolean` ``. Whether it reported one."""
        if not isinstance(found, (Tuple, Record)) or not _plus_operand(found, node):
            return False
        self.fail(f"Type `{display(found)}` is not a subtype of `{name}`", self._group(node.span))
        return True

    def _overloads(
        self,
        alternatives: tuple[tuple[Type, ...], ...],
        args: tuple[tuple[Type, ast.Node], ...],
        certain: t.Callable[[Type, ast.Node], bool] = lambda ty, node: _certain(ty),
        within: tuple[int, int] = (-1, -1),
    ) -> None:
        """Core's failure of a call whose overloads (`alternatives`, each its parameters) all fail (Alt.fail):
        the arguments are checked in order, each against every overload still standing; the first argument
        after which every overload has failed is the error, at that argument, saying what it failed there
        (the latest first, one type, ``Type `Boolean` is not a subtype of `String | Number` ``). Nothing is
        reported where an argument's type is not `certain` (to fit the parameters or not) before that.
        `within`: a call's parentheses (see `_group`)."""
        failed: set[int] = set()
        for index, (found, node) in enumerate(args):
            if not certain(found, node):
                return
            uses = []
            for alt, params in enumerate(alternatives):
                if not is_subtype(found, params[index]):
                    failed.add(alt)
                    uses.append(params[index])
            if len(failed) == len(alternatives):
                shown = " | ".join(dict.fromkeys(display(u) or "" for u in reversed(uses)))
                self.fail(f"Type `{display(primary(found))}` is not a subtype of `{shown}`", self._group(node.span, within))
                return

    def visit_Unary(self, node: ast.Unary, scope: dict) -> Typed:
        operand, made = self.infer(node.operand, scope)
        self._use(operand)
        if node.op == "!":
            if not self._written_misfit(operand, node.operand, "Boolean"):
                span = self._group(node.operand.span)
                self._expect_value(operand, node.operand, "Boolean", span, scope, self._spanless_at(node.operand, made))
            return BOOLEAN, node.span
        if node.op in ("-", "~") and is_number(operand):
            return NUMBER, node.span
        if node.op in ("-", "~") and _plus_operand(operand, node.operand) and operand != NULL and made == node.operand.span:
            # `-x` and `~x` call the number types' unary operator (`(Int) => Number` and so on; `-`'s binary
            # overloads fail on their arity at the whole `-x`, apart): an operand that is no number fails them
            # all at once, at the operand, as a binary operator's left operand does.
            self._overloads(tuple(alt[:1] for alt in _NUMBER_OVERLOADS), ((operand, node.operand),), _plus_operand)
        return UNKNOWN, None

    def _expect(self, found: Type, name: str, span: ast.Span, origin: ast.Span | None = None) -> bool:
        """Report ``Type `T` is not a subtype of `name` `` where `found` is a primitive (a literal shown as
        its primary type, as core widens it) that is no `name`; False when it did. A value that may be null
        by a stdlib signature (`origin` in `spanless`), whose other types are all `name`s, is refused for its
        Null alone: core checks each member of a union, and its signature's Null, which has no span, fails
        where the value is used (TyperConstrain), ``Type `Null` is not a subtype of `Number` ``."""
        if isinstance(found, Union) and NULL in found.members:
            if origin is None or origin not in self.spanless or is_subtype(NULL, Named(name)):
                return True
            rest = [m for m in found.members if m != NULL]
            if all(_certain(m) and (is_subtype(m, Named(name)) or is_subtype(primary(m), Named(name))) for m in rest):
                self.fail(f"Type `Null` is not a subtype of `{name}`", span)
                return False
            return True
        widened = primary(found)
        if not isinstance(widened, Named) or widened.args or widened.name not in (*_PRIMITIVES, "Null", *_TEMPORAL):
            # (An ID, Bytes or UUID that a stdlib call makes, `newId()`, is as certain: see `stdlib`.)
            if not (origin in self.stdlib and _exact(widened)):
                return True
        if is_subtype(widened, Named(name)) or (isinstance(found, Lit) and is_subtype(found, Named(name))):
            return True
        self.fail(f"Type `{widened.name}` is not a subtype of `{name}`", span)
        return False

    def _expect_value(
        self, found: Type, node: ast.Node, name: str, span: ast.Span, scope: dict, origin: ast.Span | None = None
    ) -> None:
        """`_expect` for a value constrained where it is used (an operand, a condition): a variable its `let`
        gave literals fails at each literal's own place, so at the variable with those as causes, its type
        shown as the literals' (``Type `1` is not a subtype of `Boolean` `` for `let x = 1; !x`: core's
        TypeConstraintFailure.toTypeError, `transitive`, as TyperCoreSpec's `let y: String = x; succ(y)`).
        In parentheses (`span` is theirs), core moves the variable's type there: the failure is the error."""
        leaves = self._leaves_of(node, scope) if span == node.span else None
        spanless = origin == node.span and (origin in self.stdlib or origin in self.elements_on)
        if name == "Boolean" and _container(found) and spanless:
            # A stdlib call's Array or Set (see `_check_args`): of no span, so the failure is where it is used.
            self.fail(f"Type `{display(found)}` is not a subtype of `Boolean`", span)
        elif isinstance(node, ast.Ident) and origin in self.annotated and _exact(found) and _exact(Named(name)):
            self._expect_annotated(found, Named(name), span, origin)  # type: ignore[arg-type]
        elif leaves is not None:
            self._expect_each(found, leaves, name, span, within=False)
        else:
            self._expect(found, name, span, origin)

    def _expect_each(self, found: Type, leaves: list[ast.Literal], name: str, span: ast.Span, within: bool = True) -> None:
        """An argument whose value is one of several literals (`if (c) true else 3`) where a primitive `name`
        is expected: core constrains each literal, typed where it is written, against it. One that fails is
        the error, at it; several are one error at the argument, its type the union, each a cause (TyperCoreSpec
        "deduplicate errors": ``Type `true | 3` is not a subtype of `String` ``). Literals written elsewhere
        (not `within` the argument: a variable's `let`) make that one error even for one failure (core's
        TypeConstraintFailure.toTypeError keeps a lone NotSubtype only where the argument contains it)."""
        failed = []
        for leaf in leaves:
            value = STRING if isinstance(leaf, ast.Template) else self.visit_Literal(leaf, {})[0]
            widened = primary(value)
            if not isinstance(widened, Named) or widened.args or widened.name not in (*_PRIMITIVES, "Null"):
                return
            if not (is_subtype(widened, Named(name)) or is_subtype(value, Named(name))):
                failed.append((f"Type `{widened.name}` is not a subtype of `{name}`", self._group(leaf.span)))
        if len(failed) == 1 and within:
            self.fail(*failed[0])
        elif failed and display(found) is not None:
            self.errors.append(TypeError_(f"Type `{display(found)}` is not a subtype of `{name}`", span, (), tuple(failed)))

    def _expect_union(self, found: Type, use: Union, span: ast.Span) -> None:
        """Report ``Type `String` is not a subtype of `Null | { *: Any }` `` where `found` is a primitive that
        a field of a union type (`data: { *: Any } | Null`, `a: String | Int`) surely does not take: its
        members primitives or structs. Core shows an optional type with `Null` first, the others as declared
        (TyperCoreSpec's `let b: Int | String = a`: ``Type `Boolean` is not a subtype of `Int | String` ``);
        a union of one member is that member (a struct for `{ x: Int }`). A struct written where only
        scalars go (`id: { x: 1 }` for `ID | Null`, `{ o: 1 }` for `Int`) is shown as written
        (FQL2CollectionsSpec "allows setting ids"; FQL2CollectionSpec's `data: { a: 0, b: 1 }` for `Null`)."""
        rest = [m for m in use.members if m != NULL]
        nulls = ["Null"] if NULL in use.members else []
        if isinstance(found, Record):
            scalars = all(isinstance(m, Named) and not m.args and m.name in (*_PRIMITIVES, "ID", *_TEMPORAL) for m in rest)
            shown_found = display(found)
            if rest and scalars and shown_found is not None and not is_subtype(found, use):
                shown = " | ".join([*nulls, *(display(m) or "" for m in rest)])
                self.fail(f"Type `{shown_found}` is not a subtype of `{shown}`", span)
            return
        widened = primary(found)
        if not isinstance(widened, Named) or widened.args or widened.name not in _PRIMITIVES:
            return
        plain = all(isinstance(m, Record) or (isinstance(m, Named) and not m.args and m.name in (*_PRIMITIVES, *_TEMPORAL)) for m in rest)
        shown = [display(m) for m in rest]
        if not plain or None in shown or is_subtype(found, use) or is_subtype(widened, use):
            return
        self.fail(f"Type `{widened.name}` is not a subtype of `{' | '.join([*nulls, *shown])}`", span)

    def visit_NonNull(self, node: ast.NonNull, scope: dict) -> Typed:
        return self._chain_end(node, scope)

    def _non_null(self, node: ast.NonNull, scope: dict) -> tuple[Type, ast.Span | None, bool]:
        found, origin, _ = self._receiver(node.expr, scope)
        self._use(found)
        if found == NULL:
            return UNKNOWN, None, False
        if origin in self.made:
            # What a call made, less Null: made here (`Author.byId(1)!`).
            found, made = self._made(_without_null(found), node)
            if origin in self.literal_of and made is not None:
                self.literal_of[made] = self.literal_of[origin]
            return found, made, False
        return _without_null(found), origin, False

    # -- fields

    def visit_Member(self, node: ast.Member, scope: dict) -> Typed:
        return self._chain_end(node, scope)

    def _member(self, node: ast.Member, scope: dict) -> tuple[Type, ast.Span | None, bool]:
        receiver, origin, maybe_null = self._receiver(node.obj, scope)
        self._use(receiver)
        if isinstance(receiver, Var) and not node.optional:
            self.fields.setdefault(receiver.id, []).append(node.name)
        if node.optional:
            receiver = _without_null(receiver)
        before = self._group(node.obj.span)
        if before != node.obj.span and origin is not None:
            # Core types `(e)` at the parentheses' span, which ends where the dot starts: no hint.
            origin = before
        if isinstance(receiver, Union) and not node.optional:
            leaves = _literal_leaves(node.obj) or self._leaves_of(node.obj, scope)
            failed = None if leaves is None or len(leaves) < 2 else self._field_of_each(node, receiver, leaves, before)
            if failed:
                return UNKNOWN, None, maybe_null
        if isinstance(receiver, Union) and not node.optional and isinstance(node.obj, ast.Ident):
            qmark = self._bound(self.bound_nulls, node.obj, scope)
            if qmark is not None and self._annotated_null_field(receiver, node, qmark, before):
                return UNKNOWN, None, maybe_null
        marked = self.schema_nulls.get(id(receiver))
        if marked is not None and marked[0] is receiver and not node.optional:
            if self._schema_null_field(receiver, node, marked[1], before):  # type: ignore[arg-type]
                return UNKNOWN, None, maybe_null
        typed = self.schema_types.get(id(receiver))
        if typed is not None and typed[0] is receiver and not node.optional and before == node.obj.span:
            if self._schema_typed_field(receiver, node, typed[1], before):  # type: ignore[arg-type]
                return UNKNOWN, None, maybe_null
        if origin is None and before in self.stdlib_fields:
            # A stdlib field's primitive type has no span: placed as a stdlib call's result is.
            origin = before
        found = self._field(receiver, node.name, origin, before, _name_span(node))
        if not node.optional and found != UNKNOWN and _stdlib_owner(receiver):
            self.stdlib.add(node.span)
            if not isinstance(receiver, Union) and isinstance(found, Named) and found.name in _PRIMITIVES:
                self.stdlib_fields.add(node.span)
        elif not node.optional and self._native_field(receiver, node.name) and isinstance(found, Named) and not found.args:
            self.stdlib_fields.add(node.span)
        if isinstance(receiver, Named) and not receiver.args and self.query:
            found = self._schema_null(found, self.env.field_null(receiver, node.name))
            found = self._schema_typed(found, self.env.field_place(receiver, node.name))
        return found, self._field_origin(node), maybe_null or node.optional

    def _schema_typed(self, found: Type, place: NullPlace | None) -> Type:
        """`found`, marked as typed where the schema declares it (see `schema_types`), when it is a primitive,
        a time or a scalar as the field's signature names it."""
        if place is None or not isinstance(found, Named) or found.args or found.name not in _CERTAIN or found == NULL:
            return found
        if place.text[place.start : place.end] != found.name:
            return found
        marked = Named(found.name)
        self.schema_types[id(marked)] = (marked, place)
        return marked

    def _schema_typed_field(self, receiver: Named, node: ast.Member, place: NullPlace, before: ast.Span) -> bool:
        """`e.name` on a document's field of a type the schema names (`name: String`) that has no such
        member: core's MissingField at the name, hinted ``Type `String` inferred here`` where the field's
        signature is (TypeConstraintFailure.toError), but where that signature ends at the offset the dot
        starts at (core compares offsets only). Whether it reported it."""
        if self.env.has_member(receiver, node.name) is not False:
            return False
        hints: tuple[tuple[str, t.Any, str | None], ...] = ()
        if before.end != place.end:
            hints = ((f"Type `{receiver.name}` inferred here", place, None),)
        self.fail(f"Type `{receiver.name}` does not have field `{node.name}`", _name_span(node), hints)
        # Core's own, whatever typed the document (a lambda's parameter from a set's element): kept there.
        self.placeless.add(id(self.errors[-1]))
        return True

    def _schema_null_field(self, receiver: Union, node: ast.Member, place: NullPlace, before: ast.Span) -> bool:
        """`e.name` on a value whose Null the schema declares (`f()` of `function f(): String?`, a document's
        `name: String?`) where its other type has the field: core's missing field of the Null alone, hinted
        where the schema types it (a lone MissingField is core's error as it is: TypeConstraintFailure.toError),
        with the `!` suggestion. Core's hint is left out where its Null ends at the offset the dot starts at
        (its `3.foo` test compares offsets only), which the checker does not word: not reported there.
        Whether it reported it."""
        (other,) = (m for m in receiver.members if m != NULL)
        if self.env.has_member(other, node.name) is not True or before.end <= place.end <= _name_span(node).start:
            return False
        dot = ast.Span(before.end_line, before.end_column, before.end, before.end, before.end_line, before.end_column)
        hints = (("Type `Null` inferred here", place, None), ("Use the ! or ?. operator to handle the null case", dot, "!"))
        self.fail(f"Type `Null` does not have field `{node.name}`", _name_span(node), hints)  # type: ignore[arg-type]
        return True

    def _annotated_null_field(self, receiver: Union, node: ast.Member, qmark: ast.Span, before: ast.Span) -> bool:
        """`a.name` on a variable annotated `T?` whose `T` has the field: core's missing field of the Null
        alone, hinted at the annotation's `?` where it is typed, with the `!` suggestion (a lone
        MissingField is core's error as it is: TypeConstraintFailure.toTypeError). Whether it reported it."""
        (other,) = (m for m in receiver.members if m != NULL)
        if self.env.has_member(other, node.name) is not True:
            return False
        dot = ast.Span(before.end_line, before.end_column, before.end, before.end, before.end_line, before.end_column)
        hints = (("Type `Null` inferred here", qmark, None), ("Use the ! or ?. operator to handle the null case", dot, "!"))
        self.fail(f"Type `Null` does not have field `{node.name}`", _name_span(node), hints)
        return True

    def _leaves_of(self, node: ast.Node, scope: dict) -> list[ast.Literal] | None:
        """The literals a variable was given by its `let` (see `bound_leaves`), None for anything else."""
        return self._bound(self.bound_leaves, node, scope)

    @staticmethod
    def _bound(marks: dict[int, tuple[Typed, t.Any]], node: ast.Node, scope: dict) -> t.Any:
        """What `marks` keeps of the variable `node` names as it is bound in `scope`, None if nothing."""
        if not isinstance(node, ast.Ident) or node.name not in scope:
            return None
        typed = scope[node.name]
        found = marks.get(id(typed))
        return found[1] if found is not None and found[0] is typed else None

    def _field_of_each(self, node: ast.Member, receiver: Union, leaves: list[ast.Literal], before: ast.Span) -> bool:
        """`.name` on one of several literals (an `if`'s branches): core selects it of each, typed where it is
        written. One that lacks it is core's missing field, as of that literal alone; several are one error
        at the receiver, ``Type `3 | Null` is not a subtype of `{ foo: Any, ... }` ``, a cause for each with
        its hints (TyperCoreSpec "suggest bang operator in the right place"). Whether it reported one."""
        at = _name_span(node)
        failed = []
        for leaf in leaves:
            value = STRING if isinstance(leaf, ast.Template) else self.visit_Literal(leaf, {})[0]
            widened = primary(value)
            if not isinstance(widened, Named) or widened.args or widened.name not in (*_PRIMITIVES, "Null"):
                return False
            has = False if widened == NULL else self.env.has_member(widened, node.name)
            if has is None:
                return False
            if has:
                continue
            where = self._group(leaf.span)
            hints: list[tuple[str, ast.Span, str | None]] = []
            if where.end != before.end and where != at:
                hints.append((f"Type `{widened.name}` inferred here", where, None))
            if widened == NULL:
                dot = ast.Span(before.end_line, before.end_column, before.end, before.end, before.end_line, before.end_column)
                hints.append(("Use the ! or ?. operator to handle the null case", dot, "!"))
            failed.append((f"Type `{widened.name}` does not have field `{node.name}`", at, tuple(hints)))
        if len(failed) == 1:
            self.fail(*failed[0])
            return True
        if failed and display(receiver) is not None:
            use = f"{{ {node.name}: Any, ... }}"
            self.errors.append(TypeError_(f"Type `{display(receiver)}` is not a subtype of `{use}`", before, (), tuple(failed)))
            return True
        return False

    def _field_origin(self, node: ast.Member) -> ast.Span | None:
        """Where a field read off a struct the query writes right there got its type: its value, where that
        is a literal, a struct or an array (core's Rec keeps each field's type with its span: TyperCoreSpec
        "type objects & selection", `{ foo: 1 }.foo()` fails at the `1`)."""
        if node.optional:
            return None
        return self._struct_field_origin(node.obj, node.name)

    def _struct_field_origin(self, obj: ast.Node, name: str) -> ast.Span | None:
        """Where the struct literal `obj` writes its field `name`'s value (core's Rec keeps each field's
        place, in parentheses too), where that is a literal, a struct or an array; None otherwise."""
        if not isinstance(obj, ast.Object):
            return None
        values = [value for key, value in obj.pairs if key == name]
        if not values or not isinstance(values[-1], (ast.Literal, ast.Object, ast.Array)):
            return None
        return self._group(values[-1].span)

    def _field(self, receiver: Type, name: str, origin: ast.Span | None, before: ast.Span, at: ast.Span) -> Type:
        """`receiver.name`: a struct's field, a primitive's member; core's missing-field error where
        there is none and the checker can say so as core does."""
        if isinstance(receiver, Union) and len({primary(m) for m in receiver.members}) == 1:
            # Literals of one type (`"a" | "ab"`): that type's members (a missing one is core's, with causes).
            widened = primary(receiver.members[0])
            return (self.env.member_type(widened, name) or UNKNOWN) if isinstance(widened, Named) else UNKNOWN
        if isinstance(receiver, Record):
            found = receiver.field(name)
            if found is not None:
                return found
            shown = display(receiver)
        elif isinstance(receiver, (Unknown, Var)):
            return UNKNOWN
        elif isinstance(receiver, Named) and receiver.name in _REFS and len(receiver.args) == 1:
            return self._ref_field(receiver, name, origin, before, at)
        elif (known := self.env.member_type(receiver, name)) is not None:
            return known
        elif isinstance(receiver, Tuple) and receiver.items and origin is not None and origin.end == before.end:
            # An array literal is an Array of its items' union (TyperCoreSpec: ``Type `Array<1 | 2>` does not
            # have field `foo` `` for `[1, 2].foo()`).
            array = Named("Array", (union(receiver.items),))
            if self.env.has_member(array, name) is not False or origin in self.made:
                return UNKNOWN
            shown = display(array)
        elif origin in self.elements_on and self.env.has_member(receiver, name) is False:
            # A call's Array or Set of its receiver's elements, right before the dot: core's missing
            # field at the name, no hint (the signature's type has no span).
            if origin.end != before.end:
                return UNKNOWN
            shown = display(receiver)
        elif receiver == NULL or (isinstance(receiver, Named) and receiver.name == "Array"):
            if self.env.has_member(receiver, name) is not False or origin in self.made:
                # (An array a generic function made shows its element as core's simplifier does: not modelled.)
                return UNKNOWN
            shown = display(receiver)
        elif isinstance(primary(receiver), Named) and primary(receiver).name in (*_PRIMITIVES, *_SCALARS):
            widened = primary(receiver)
            known = self.env.member_type(widened, name)
            if known is not None:
                return known
            if self.env.has_member(widened, name) is not False:
                return UNKNOWN
            shown = display(widened)
        elif _plain_set(receiver) and self.env.has_member(receiver, name) is False:
            # A set (or event source) of a document type (`Set<P>`), right where a call made it (`P.all()`):
            # core's missing field at the name, no hint (the call ends where the dot starts).
            if origin is None or (origin.end != before.end and (origin not in self.made or origin in self.user_calls)):
                return UNKNOWN
            if origin.end != before.end:
                # A built-in's set bound to a name (`let s = P.all(); s.foo`, FqlxSimpleCRUD's read): the
                # set is the signature's result, which has no span in core (TypeConstraintFailure.MissingField
                # shows no hint for a spanless value), so the error is the same, hint-less. (A user
                # function's signature is spanned in its FSL: where core's hint goes is not modelled.)
                self.fail(f"Type `{display(receiver)}` does not have field `{name}`", at)
                return UNKNOWN
            shown = display(receiver)
        elif isinstance(receiver, Named) and not receiver.args and self.env.has_member(receiver, name) is False:
            # A module's missing member, where core gives no hint: the module is right before the dot
            # (where it came from elsewhere, core's hint is placed by how it typed that, not modelled), or
            # a document type of no place.
            placed = origin == _NO_PLACE or origin in self.declared.values()
            if origin is None or (origin.end != before.end and not placed):
                return UNKNOWN
            shown = display(receiver)
        elif _user_function(receiver) and self.env.has_member(receiver, name) is False:
            # A user function's missing member (it has `definition`), right before the dot as a module
            # is: its signature is its own (a global's scheme, instantiated alone), shown as its type is.
            if origin is None or origin.end != before.end:
                return UNKNOWN
            shown = display(receiver)
        else:
            return UNKNOWN
        if shown is None or origin is None or (contains(receiver, Func) and not _user_function(receiver)):
            # A union's failure is core's, with its causes; a function's generics are named by context.
            return UNKNOWN
        if origin in self.made and origin in self.literal_of and origin.end == before.end:
            # A call's result that is one literal it was given: core's hint is at the literal.
            origin = self.literal_of[origin]
        elif origin in self.made and origin.end != before.end:
            # Where core places a called function's result (its hint) is not modelled.
            return UNKNOWN
        hints: list[tuple[str, ast.Span, str | None]] = []
        if origin.end != before.end and origin != _NO_PLACE:
            hints.append((f"Type `{shown}` inferred here", origin, None))
        if receiver == NULL:
            dot = ast.Span(before.end_line, before.end_column, before.end, before.end, before.end_line, before.end_column)
            hints.append(("Use the ! or ?. operator to handle the null case", dot, "!"))
        self.fail(f"Type `{shown}` does not have field `{name}`", at, tuple(hints))
        if origin == _NO_PLACE:
            self.placeless.add(id(self.errors[-1]))
        return UNKNOWN

    def _ref_field(self, ref: Named, name: str, origin: ast.Span | None, before: ast.Span, at: ast.Span) -> Type:
        """`ref.name` on a reference without `!`: core's `Ref<D>` is `D | EmptyRef<D>`, each member typed, so
        a field both have is the union of theirs (`.id` is `ID`, `.coll` is `Any | AuthorCollection`,
        `.exists()` is `Boolean`), and one the empty reference (whose alias is Null) lacks is core's
        missing field of `Null`, with the `!` suggestion (TyperCoreSpec "typecheck documents"), where the
        document has it (else both fail, which core words with causes) and the reference is right before
        the dot (elsewhere core's hint is not modelled)."""
        doc, empty = ref.args[0], Named("Empty" + ref.name)
        from_doc = self.env.member_type(doc, name)
        from_empty = self.env.member_type(empty, name)
        if from_doc is None:
            return UNKNOWN
        if from_empty is None:
            if self.env.has_member(empty, name) is not False or origin is None or origin.end != before.end:
                return UNKNOWN
            dot = ast.Span(before.end_line, before.end_column, before.end, before.end, before.end_line, before.end_column)
            hint = ("Use the ! or ?. operator to handle the null case", dot, "!")
            self.fail(f"Type `Null` does not have field `{name}`", at, (hint,))
            return UNKNOWN
        if isinstance(from_doc, Func) and isinstance(from_empty, Func):
            if from_doc.params != from_empty.params or from_doc.rest or from_empty.rest:
                return UNKNOWN
            return Func(from_doc.params, union((from_doc.result, from_empty.result)), from_doc.names)
        if contains(from_doc, (Func, Intersect, Generic)) or contains(from_empty, (Func, Intersect, Generic)):
            return UNKNOWN
        return union((from_doc, from_empty))

    def visit_Index(self, node: ast.Index, scope: dict) -> Typed:
        return self._chain_end(node, scope)

    def _index(self, node: ast.Index, scope: dict) -> tuple[Type, ast.Span | None, bool]:
        receiver, origin, maybe_null = self._receiver(node.obj, scope)
        key, made = self.infer(node.key, scope)
        self._use(key)
        self._use(receiver)
        if node.optional:
            receiver = _without_null(receiver)
        maybe_null = maybe_null or node.optional
        if isinstance(receiver, Tuple) or (isinstance(receiver, Named) and receiver.name == "Array"):
            found = self._item(node, receiver, key, scope, made)
            if node.optional or self._group(node.obj.span) != node.obj.span:
                return found, None, maybe_null
            spanless = origin in self.stdlib or origin in self.elements_on
            if isinstance(receiver, Named) and origin == node.obj.span and spanless and _primitive_named(found):
                # A stdlib call's Array of primitives (`'a,b'.split(',')`, `Set.sequence(1, 2).toArray()`): its
                # element is the signature's, of no span, as a stdlib field's primitive is (see `stdlib_fields`).
                self.stdlib_fields.add(node.span)
            elif isinstance(node.obj, ast.Array) and isinstance(found, Lit):
                # An array literal's item by a literal index (TyperConstrain's Tup access: the item's own
                # type): made where the item is written, its failures hinted there.
                return found, self._literal_item(node, node.obj), maybe_null
        elif primary(receiver) == STRING:
            # A string's `[]` is `[](index: Number) => String` (FQL2StringSpec), its key constrained as
            # an argument is.
            if isinstance(key, Var):
                # A lambda's parameter as the index: a Number, as an operand of `+` with a number is.
                self.numeric[key.id] = self.numeric.get(key.id, 0) + 1
            found = STRING if is_number(key) or isinstance(key, Var) else self._number_key(node, key, scope, made)
        elif (
            not node.optional
            and (isinstance(receiver, Lit) or origin in self.stdlib or node.obj.span in self.stdlib_fields)
            and self._cannot_access(node, receiver)
        ):
            return UNKNOWN, None, maybe_null
        elif self._user_document(receiver):
            # A document's `[]` is its struct's (its type an alias of it, TyperConstrain): a key that is no
            # String is core's error, at the key (its fields' types, not modelled, left as not known).
            if not is_subtype(key, STRING) and not isinstance(key, Var):
                self._string_key(node, key, scope, made)
            return UNKNOWN, None, maybe_null
        elif not isinstance(receiver, Record) or receiver.wildcard is not None:
            return UNKNOWN, None, maybe_null
        else:
            found = self._access(node, receiver, origin, key, scope, made)
            if isinstance(node.key, ast.Literal) and isinstance(node.key.value, str) and not node.optional:
                # `{ a: 1 }['a']`: core's literal access selects the field (TyperConstrain turns it into
                # an Interface), its value's place kept as a `.a` read keeps it.
                return found, self._struct_field_origin(node.obj, node.key.value), maybe_null
        return found, None, maybe_null

    def _cannot_access(self, node: ast.Index, receiver: Type) -> bool:
        """A number, Boolean, Time or Date has no `[]` (no access in its type shape): core's CannotAccess,
        at the brackets (the Access's span, ExprParser accessRhs), ``Cannot use `[]` operator with type
        `Int` `` for `1[0]` (TypeConstraintFailure.toError). False where the receiver is another type. (Only
        for a literal or a stdlib result of one signature: an operator's result comes of its overloads, each
        of which would fail, which core words otherwise.)"""
        widened = primary(receiver)
        if not (isinstance(widened, Named) and not widened.args and widened.name in _NO_ACCESS):
            return False
        start = _skip(self.text, self._group(node.obj.span).end, 1)
        if self._placed(node.obj) and self.text[start : start + 1] == "[":
            self.fail(f"Cannot use `[]` operator with type `{widened.name}`", _span(self.text, start, node.span.end))
        return True

    def _native_field(self, receiver: Type, name: str) -> bool:
        """Whether `receiver.name` is a field core types in code, not from the schema's source, so of no
        span: a user document's `id`, `ts` and `coll` (its collection's document type, CollectionTypeInfo),
        a user collection's `definition`."""
        if self._user_document(receiver):
            return name in ("id", "ts", "coll")
        if isinstance(receiver, Named) and not receiver.args and receiver.name.endswith("Collection"):
            return name == "definition" and self._user_document(Named(receiver.name[: -len("Collection")]))
        return False

    def _user_document(self, ty: Type) -> bool:
        """Whether `ty` is a document of a user collection (`Person`, its collection `PersonCollection`)."""
        if not isinstance(ty, Named) or ty.args:
            return False
        owner = self.env.global_type(ty.name)
        return isinstance(owner, Named) and owner.name == f"{ty.name}Collection"

    def _string_key(self, node: ast.Index, key: Type, scope: dict, made: ast.Span | None) -> None:
        """A struct's or document's key that is no String: core's typeAccess constrains it to String as
        typeApply constrains an argument (TyperConstrain's record access), so it fails as one does
        (TyperCoreSpec ``{}[3]``: ``Type `Int` is not a subtype of `String` `` at the key)."""
        span = self._group(node.key.span)
        self._expect_value(key, node.key, "String", span, scope, self._spanless_at(node.key, made))

    def _number_key(self, node: ast.Index, key: Type, scope: dict, made: ast.Span | None) -> Type:
        """An index that is no Number, where one is taken: core's typeAccess constrains it to the `[]`
        signature's Number as typeApply constrains an argument (TyperExprs), so it fails as one does
        (``Type `String` is not a subtype of `Number` `` at `"a"` in `"abc"["a"]`; a variable its `let`
        gave a literal at the variable, the literal a cause); a module or a collection too
        (FQL2TypecheckSpec ``[][Author]``)."""
        span = self._group(node.key.span)
        widened = primary(key)
        plain = isinstance(widened, Named) and not widened.args and widened.name not in ("Any", "Never")
        if plain and widened.name not in (*_PRIMITIVES, "Null", *_TEMPORAL) and self.env.callable(widened) is not None:
            self._expect_named(widened, "Number", span)
        else:
            self._expect_value(key, node.key, "Number", span, scope, self._spanless_at(node.key, made))
        return UNKNOWN

    def _item(self, node: ast.Index, receiver: Tuple | Named, key: Type, scope: dict, made: ast.Span | None) -> Type:
        """`array[index]` (TyperCoreSpec "type tuple/array access"): a literal index of an array literal is
        its item (Never past its end; a negative one core's InvalidTupleIndex, at the index: FQL2ArraySpec
        "negative indexes do not work (typechecked)"), any other Number index its items' union (an Array's element); an
        index of a primitive type, a module or a collection that is no Number is core's NotSubtype, at the
        index (FQL2TypecheckSpec ``[][Author]``)."""
        if not is_number(key):
            return self._number_key(node, key, scope, made)
        if isinstance(receiver, Named):
            return receiver.args[0] if len(receiver.args) == 1 else UNKNOWN
        literal = isinstance(node.key, ast.Literal) and self._group(node.key.span) == node.key.span
        if literal and isinstance(key, Lit) and isinstance(key.value, int) and not isinstance(key.value, bool):
            if key.value < 0:
                self.fail(f"Index {key.value} out of bounds for length {len(receiver.items)}", node.key.span)
                return UNKNOWN
            return receiver.items[key.value] if key.value < len(receiver.items) else NEVER
        return union(receiver.items) if receiver.items else UNKNOWN

    def _literal_item(self, node: ast.Index, array: ast.Array) -> ast.Span | None:
        """Where the item `array[i]` picks is written, for a literal index `i` of a literal item."""
        index = node.key.value if isinstance(node.key, ast.Literal) else None  # type: ignore[attr-defined]
        if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < len(array.items):
            return None
        item = array.items[index]
        return self._group(item.span) if isinstance(item, ast.Literal) else None

    def _expect_named(self, found: Named, name: str, span: ast.Span) -> None:
        """``Type `T` is not a subtype of `name` `` for a named type that surely is none (a primitive, a
        module, a collection)."""
        if not is_subtype(found, Named(name)):
            self.fail(f"Type `{display(found)}` is not a subtype of `{name}`", span)

    def _access(
        self, node: ast.Index, receiver: Record, origin: ast.Span | None, key: Type, scope: dict, made: ast.Span | None
    ) -> Type:
        """`struct[key]` (TyperExprs' typeLitAccess and typeAccess): a literal name is that field; any
        other String key any field's type or null; a key of another primitive type core's error."""
        key_span = self._group(node.key.span)
        if isinstance(node.key, ast.Literal) and key_span == node.key.span and isinstance(key, Lit):
            if not isinstance(key.value, str):
                self._expect(key, "String", key_span)
                return UNKNOWN
            found = receiver.field(key.value)
            if found is not None:
                return found
            if origin == node.obj.span and self._group(node.obj.span) == node.obj.span:
                # Only on the struct literal itself: where its type came from elsewhere core may add a hint.
                return self._field(receiver, key.value, origin, node.obj.span, key_span)
            return UNKNOWN
        if isinstance(key, Var):
            # A lambda's parameter as the key: core constrains it to String (TyperCoreSpec "typecheck record
            # fields & record access": `x => { foo: 1, bar: 2 }[x]` is `String => 1 | 2 | Null`).
            self.keys[key.id] = self.keys.get(key.id, 0) + 1
        if is_subtype(key, STRING) or isinstance(key, Var):
            return union((*(v for _, v in receiver.fields), NULL))
        self._string_key(node, key, scope, made)
        return UNKNOWN

    def visit_Project(self, node: ast.Project, scope: dict) -> Typed:
        """`e { a, b }`: a struct's fields, a document's, or those of a set's or array's elements (a set
        of the projected structs), or of a reference's document (or null)."""
        receiver, origin = self.infer(node.expr, scope)
        self._use(receiver)
        if isinstance(receiver, Record) and self._missing_struct_field(node, receiver, origin):
            return UNKNOWN, None
        if self._missing_primitive_field(node, receiver, origin):
            return UNKNOWN, None
        if receiver == NULL:
            # Core's projection of null is null (TyperCoreSpec "type projection": `null { foo, bar }`), a type
            # of its own making, placed nowhere.
            return NULL, None
        element, wrap = receiver, (lambda projected: projected)
        if isinstance(receiver, Tuple) and receiver.items:
            # An array literal's items, each projected: an Array (`[{ foo: 1, bar: 2 }] { foo }` is
            # `Array<{ foo: 1 }>`); items of different types are not modelled.
            element = union(receiver.items)
            wrap = lambda p: Named("Array", (p,))  # noqa: E731
        if isinstance(receiver, Named) and len(receiver.args) == 1 and receiver.name in _SEQUENCES | _REFS:
            element, kind = receiver.args[0], receiver.name
            wrap = (lambda p: Named(kind, (p,))) if kind in _SEQUENCES else (lambda p: union((p, NULL)))
        fields = []
        missing = False
        for name, expr in node.fields:
            plain = isinstance(expr, ast.Member) and isinstance(expr.obj, ast.Ident) and expr.name == name
            found = self._projected(element, name) if plain and expr.obj.name == "$this" else None
            if found is None and plain and self._missing_document_field(element, name, expr.span):
                missing = True
            if found is None:
                return (UNKNOWN, None) if not missing else self._rest_missing(node, element)
            fields.append((name, found))
        return wrap(Record(tuple(fields))), node.span

    def _missing_struct_field(self, node: ast.Project, receiver: Record, origin: ast.Span | None) -> bool:
        """A projection of a struct (no wildcard) that lacks one of the fields it names: core's missing field
        at that field, with the hint where the struct was made (TyperConstrain.constrainProj: the projector's
        `.c` selects from the struct through a variable; the parser's `.c` starts where `c` does, so the
        struct never ends at it: TypeConstraintFailure.toError). Several missing are core's failure with
        causes, shown with the projector's type, not modelled. Whether it reported one."""
        if receiver.wildcard is not None or origin is None or origin in self.made:
            return False
        plain = [(name, expr) for name, expr in node.fields if _projects_itself(name, expr)]
        missing = [expr for name, expr in plain if receiver.field(name) is None]
        shown = display(receiver)
        if len(plain) != len(node.fields) or len(missing) != 1 or shown is None:
            return False
        hint = (f"Type `{shown}` inferred here", self._group(origin), None)
        self.fail(f"Type `{shown}` does not have field `{missing[0].name}`", missing[0].span, (hint,))
        return True

    def _missing_primitive_field(self, node: ast.Project, receiver: Type, origin: ast.Span | None) -> bool:
        """A projection of a string, number or Boolean (or of a stdlib Time, Date, ID...) that names one field
        it lacks (`1 { a }`): core's
        constrainProj selects each field of it (TyperConstrain's Named case), and a lone MissingField is the
        error, at the field (TypeConstraintFailure.toTypeError), with the hint where a literal was written
        (TyperCoreSpec "type projection": `1 { foo, bar }`, whose two are core's failure with causes); a
        stdlib value's type has no span, so no hint. Whether it reported one."""
        widened = primary(receiver)
        if isinstance(widened, Named) and widened.name in _SEQUENCES and len(widened.args) == 1:
            # A stdlib Set's or Array's elements (`Set.sequence(1, 3) { a }`), each projected, of no span.
            if isinstance(node.expr, ast.Literal) or origin is None or origin != node.expr.span:
                return False
            widened = widened.args[0]
        if not isinstance(widened, Named) or widened.args or widened.name not in (*_PRIMITIVES, *_TEMPORAL, *_SCALARS):
            return False
        literal = (
            isinstance(node.expr, ast.Literal)
            and isinstance(receiver, Lit)
            and not isinstance(receiver.value, float)
            and origin is not None
        )
        stdlib = origin == node.expr.span in self.stdlib or (origin is None and node.expr.span in self.stdlib_fields)
        if not (literal or stdlib) or not self._placed(node.expr) or (literal and widened.name not in _PRIMITIVES):
            return False
        plain = [expr for name, expr in node.fields if _projects_itself(name, expr)]
        missing = [expr for expr in plain if self.env.has_member(widened, expr.name) is False]
        if len(plain) != len(node.fields) or len(missing) != 1:
            return False
        if any(self.env.has_member(widened, expr.name) is not True for expr in plain if expr is not missing[0]):
            return False
        hints = ((f"Type `{widened.name}` inferred here", self._group(origin), None),) if literal else ()
        self.fail(f"Type `{widened.name}` does not have field `{missing[0].name}`", missing[0].span, hints)
        return True

    def _missing_document_field(self, element: Type, name: str, at: ast.Span) -> bool:
        """A projection's field that a user collection's documents (with no wildcard) do not have: core
        projects through a variable the document type is the lower bound of (TyperConstrain.constrainProj,
        for a document, its reference, or a set or array of them), so its error shows the document type
        expanded as a record, at the field, with no hint (TyperCoreSpec "type projection": ``Type `{ id: ID,
        ts: Time, ttl: Time | Null, name: String }` does not have field `foo` ``)."""
        if not (isinstance(element, Named) and not element.args) or self.env.has_member(element, name) is not False:
            return False
        record = self.env.document_record(element.name)
        shown = display(record) if isinstance(record, Record) and record.wildcard is None else None
        if shown is None or record.field(name) is not None:
            return False
        self.fail(f"Type `{shown}` does not have field `{name}`", at)
        return True

    def _rest_missing(self, node: ast.Project, element: Type) -> Typed:
        """After a projection's missing field, the others it lacks are errors too (core reports each)."""
        seen = False
        for name, expr in node.fields:
            plain = isinstance(expr, ast.Member) and isinstance(expr.obj, ast.Ident) and expr.name == name
            if not seen:
                seen = plain and self._projected(element, name) is None and expr.obj.name == "$this"
                continue
            if plain and expr.obj.name == "$this" and self._projected(element, name) is None:
                self._missing_document_field(element, name, expr.span)
        return UNKNOWN, None

    def _projected(self, element: Type, name: str) -> Type | None:
        """A field a projection takes from a struct or a document (None: not known)."""
        if isinstance(element, Record):
            return None if element.wildcard is not None else element.field(name)
        if isinstance(element, Named) and not element.args and element.name not in (*_PRIMITIVES, "Null"):
            return self.env.member_type(element, name)
        return None


#: Core's hard-coded `+` (Typer.HardcodedOps): `((Number, Number) => Number) & ((String, String) => String)`.
_PLUS = ((NUMBER, NUMBER), (STRING, STRING))
#: A number operator's overloads, one per number type's shape (its receiver, then `other: Number`), in the
#: order core's typer lists them: it gathers each operator's overloads by iterating its map of type shapes
#: (Typer.ops), a Scala immutable HashMap, whose order is its hash trie's: the five number types' names
#: land so that Number and Double come first (in root slots 7 and 13), then Long, Float and Int (all three
#: in slot 16, by their second fragments 3, 8, 9), whatever the other shapes are but for a rare collision.
_NUMBER_OVERLOADS = tuple((Named(name), NUMBER) for name in ("Number", "Double", "Long", "Float", "Int"))
#: Scalars with members of their own, fixed (core's IDPrototype, BytesPrototype, UUIDPrototype).
_SCALARS = ("ID", "Bytes", "UUID")
#: The time types, which surely fit or surely fail a parameter of a named type: no other is their subtype.
_TEMPORAL = ("Time", "Date", "TransactionTime")
#: The named types without an alias or a subtype but the numbers core hard-codes (TyperConstrain): a
#: value of one of them surely fits or surely fails a parameter of another (Float, which is not a Number
#: there, is left out).
_EXACT = frozenset(("Int", "Long", "Double", "Number", "String", "Boolean", "Time", "Date", *_SCALARS))
#: The named types whose values surely fit or surely fail a primitive parameter.
_CERTAIN = frozenset((*_PRIMITIVES, "Null", "Time", "Date", *_SCALARS))


def _bind(t_: Type, bound: dict[int, Type]) -> Type:
    """The type with the lambda parameters (Vars) `bound` gives replaced."""
    return replaced(t_, Var, lambda v: bound.get(v.id, v))


def _literal_leaves(node: ast.Node) -> list[ast.Literal] | None:
    """The literals an `if`/`else` (nested in its branches too) gives, each a branch's value; None where a
    branch is anything else."""
    if isinstance(node, ast.IfElse) and node.otherwise is not None:
        then, otherwise = _literal_leaves(node.then), _literal_leaves(node.otherwise)
        return None if then is None or otherwise is None else then + otherwise
    if isinstance(node, ast.Literal):
        return [node]
    return None


def _ordered_causes(causes: t.Iterable[tuple[t.Any, ...]]) -> tuple[tuple[t.Any, ...], ...]:
    """Core's TypeError.apply: its causes sorted by span (start, then end), then by message, and distinct."""
    ordered = sorted(causes, key=lambda cause: (cause[1].start, cause[1].end, cause[0].encode("utf-16-be")))
    return tuple(dict.fromkeys(tuple(cause) for cause in ordered))


#: The methods of no arguments by which an Array or a Set gives its own elements on, in an Array or a Set
#: (core's stdlib Arrays.scala and Sets.scala: `toSet`, `toArray`, `reverse`, `distinct`).
_PASSING = frozenset(("toSet", "toArray", "reverse", "distinct"))


def _container(ty: Type) -> bool:
    """Whether a type is an Array or a Set whose element the checker knows whole (no variable, nothing
    unknown, no function: shown as core's simplifier shows it)."""
    return (
        isinstance(ty, Named)
        and ty.name in ("Array", "Set")
        and len(ty.args) == 1
        and not contains(ty.args[0], (Var, Unknown, Param, Func, Generic, Intersect))
        and display(ty) is not None
    )


def _plain_set(ty: Type) -> bool:
    """Whether a type is a `Set` or `EventSource` of a plain named type (`Set<P>`), shown as it is written."""
    return (
        isinstance(ty, Named)
        and ty.name in ("Set", "EventSource")
        and len(ty.args) == 1
        and isinstance(ty.args[0], Named)
        and not ty.args[0].args
    )


def _ref_to(ty: Type | None) -> str | None:
    """The collection a `Ref<Foo>` type refers into, else None."""
    if isinstance(ty, Named) and ty.name == "Ref" and len(ty.args) == 1 and isinstance(ty.args[0], Named):
        return ty.args[0].name
    return None


def _stdlib_owner(ty: Type) -> bool:
    """Whether a type's members are the stdlib's alone (a primitive, a scalar, a time, an array, a set, a
    module), not a schema's (a document's fields, a collection's indexes)."""
    if isinstance(ty, Tuple):
        return True
    widened = primary(ty)
    if not isinstance(widened, Named):
        return False
    if widened.args:
        return widened.name in ("Array", "Set")
    return widened.name in (*_PRIMITIVES, *_SCALARS, *_TEMPORAL) or widened.name.endswith("Module")


def _exact(ty: Type) -> bool:
    """Whether a type is one named type no other is a subtype of, but for core's number subtyping
    (`Time`, `String`, `Number`; see `_EXACT`)."""
    return isinstance(ty, Named) and not ty.args and ty.name in _EXACT


def _certain(ty: Type) -> bool:
    """Whether a type is a primitive (a literal's too), Null, a Time or a Date: whether it fits a primitive
    parameter is certain."""
    widened = primary(ty)
    return isinstance(widened, Named) and not widened.args and widened.name in _CERTAIN


def _plus_operand(ty: Type, node: ast.Node) -> bool:
    """Whether an operand of `+` surely fits its overloads' parameters (Number, String) or surely not: a
    primitive (see `_certain`), or an array or struct the query writes of literals (`[1]`, `{ a: 1 }`),
    which fits neither and is shown as written, its literals kept (core's Tup and Rec values: ``Type `{ a:
    3, b: 4 }` does not have field `hi` ``, TyperCoreSpec). One of a value the query is given (a template's
    `object`) is typed from that value, shown in ways not modelled."""
    if isinstance(ty, (Tuple, Record)):
        return _written(node) and display(ty) is not None
    return _certain(ty)


def _written(node: ast.Node) -> bool:
    """Whether `node` is an array or struct of literals, or a literal, all written in the query."""
    if isinstance(node, ast.Literal):
        return True
    if isinstance(node, ast.Array):
        return all(_written(item) for item in node.items)
    if isinstance(node, ast.Object):
        return all(_written(value) for _, value in node.pairs)
    return False


def _joined(bound: dict[str, list[Type]]) -> dict[str, Type]:
    return {name: union(types) for name, types in bound.items()}


def _match(pattern: Type, found: Type, bound: dict[str, list[Type]]) -> bool:
    """Learn the parameters in `pattern` from a type `found` for it (adding to `bound`); False where the
    checker cannot (what is found is not known, or not of the pattern's shape)."""
    if not contains(pattern, Param):
        return True
    if contains(found, (Unknown, Var)):
        return False
    if isinstance(pattern, Param):
        bound.setdefault(pattern.name, []).append(found)
        return True
    if isinstance(pattern, Named) and len(pattern.args) == 1:
        if isinstance(found, Named) and found.name == pattern.name and len(found.args) == 1:
            return _match(pattern.args[0], found.args[0], bound)
        if isinstance(found, Tuple) and pattern.name == "Array" and found.items:
            # Each item is constrained against the element on its own, so a tuple element (Object.fromEntries'
            # `Array<[String, A]>`) learns from each pair (TyperCoreSpec "typecheck tuples":
            # `objectFromEntries([['hi', 3], ['hello', 4]])` is `{ *: 3 | 4 }`).
            return all([_match(pattern.args[0], item, bound) for item in found.items])
    if isinstance(pattern, Tuple) and isinstance(found, Tuple) and len(pattern.items) == len(found.items):
        return all([_match(p, f, bound) for p, f in zip(pattern.items, found.items)])
    if isinstance(pattern, Record) and not pattern.fields and isinstance(pattern.wildcard, Param):
        # `{ *: A }` (Object.values, entries, assign) given a struct of known fields: each field's value is
        # constrained against the wildcard (TyperCoreSpec `{ a: int, *: int } <: { *: int }`).
        if isinstance(found, Record) and (found.fields or found.wildcard is not None):
            values = [value for _, value in found.fields] + ([found.wildcard] if found.wildcard is not None else [])
            return all([_match(pattern.wildcard, value, bound) for value in values])
    return False


def _adds_its_parameters(node: ast.Arrow) -> bool:
    """Whether a lambda of two parameters is their sum and nothing else (`(x, y) => x + y`)."""
    body = node.body
    if len(node.params) != 2 or len(set(node.params)) != 2 or "_" in node.params:
        return False
    if not (isinstance(body, ast.Binary) and body.op == "+"):
        return False
    operands = (body.left, body.right)
    return all(isinstance(o, ast.Ident) for o in operands) and {o.name for o in operands} == set(node.params)  # type: ignore[attr-defined]


def _params(t_: Type) -> t.Iterator[str]:
    if isinstance(t_, Param):
        yield t_.name
    for child in children(t_):
        yield from _params(child)


def _temporal(found: Type) -> bool:
    """Whether a type is a Time, a Date or a TransactionTime, which no struct parameter takes."""
    return isinstance(found, Named) and not found.args and found.name in _TEMPORAL


def _primitive_named(found: Type) -> bool:
    """Whether a type is a primitive's name itself (`String`), not a literal of it."""
    return isinstance(found, Named) and not found.args and found.name in _PRIMITIVES


def _primitive(found: Type) -> bool:
    widened = primary(found)
    return isinstance(widened, Named) and not widened.args and widened.name in _PRIMITIVES


def _literals_of_one_type(param: Type, found: Type) -> bool:
    """Whether `param` is a union of literals of `found`'s (a literal's) primitive type."""
    if not isinstance(param, Union) or not isinstance(found, Lit):
        return False
    return all(isinstance(m, Lit) and type(m.value) is type(found.value) for m in param.members)


def _plain_param(param: Type) -> bool:
    """Whether a stdlib overload's parameter is a named type of no arguments or a type parameter."""
    return (isinstance(param, Named) and not param.args) or isinstance(param, Param)


def _index_overloads(fn: Intersect) -> bool:
    """Whether the overloads are a user index's (`(term1: T) => Set<D>` and the same with a `range`)."""
    return all(
        isinstance(f, Func) and f.names and all(_INDEX_PARAM.fullmatch(name or "") for name in f.names) for f in fn.members
    )


def _wildcard_only(t_: Record) -> bool:
    """`{ *: A }` or `{ *: Any }`: a struct of any fields."""
    return not t_.fields and (isinstance(t_.wildcard, Param) or t_.wildcard == ANY)


def _projects_itself(name: str, expr: ast.Node) -> bool:
    """Whether a projection's entry is the plain `name` (the projector's `.name`), not `name: expr`."""
    return isinstance(expr, ast.Member) and isinstance(expr.obj, ast.Ident) and expr.obj.name == "$this" and expr.name == name


def _of_no_place(t_: Type) -> bool:
    """Whether a type is a plain named type other than a primitive or Null (a document type): one a
    generic's element takes from a signature, where core keeps no span for it."""
    return isinstance(t_, Named) and not t_.args and t_.name not in (*_PRIMITIVES, "Null", *_SCALARS)


def _user_function(t_: Type) -> bool:
    """A user function's type, `UserFunction<(x: Number) => Number>`."""
    return isinstance(t_, Named) and t_.name == "UserFunction" and len(t_.args) == 1


def _is_ref(t_: Type) -> bool:
    """A reference to a document that may not exist (`Ref<Author>`, what `byId` gives)."""
    return isinstance(t_, Named) and t_.name == "Ref" and len(t_.args) == 1


def _tuple_shown(t_: Tuple) -> str | None:
    """A stdlib signature's tuple of plain types as core shows it, a type parameter as `Any`
    (`[String, Any]`); None for one that holds anything else."""
    parts = []
    for item in t_.items:
        if isinstance(item, Param):
            parts.append("Any")
        elif isinstance(item, Named) and not item.args:
            parts.append(item.name)
        else:
            return None
    return "[" + ", ".join(parts) + "]"


def _fits(found: Type, param: Type) -> bool:
    """Whether an argument surely fits a parameter, or is not known (then core's check decides)."""
    return contains(found, Unknown) or contains(found, Var) or is_subtype(found, param)


def _has_null(ty: Type) -> bool:
    return ty == NULL or any(_has_null(child) for child in children(ty))


def _signature_null(fn: Type, args: list[Type]) -> bool:
    """Whether a stdlib function's result may be null by its signature alone: every overload's result a
    union with Null in it, and no Null given for its parameters (by its receiver or its arguments), whose
    Null would have a span of its own in core (a `null` literal's). A user function's signature is written
    in its schema, where its types have their spans: not so."""
    seeds: tuple[tuple[str, Type], ...] = ()
    if isinstance(fn, Generic):
        fn, seeds = fn.fn, fn.seeds
    if not isinstance(fn, (Func, Intersect)):
        return False
    members = fn.members if isinstance(fn, Intersect) else (fn,)
    if not all(isinstance(m.result, Union) and NULL in m.result.members for m in members):
        return False
    return not any(_has_null(ty) for ty in (*args, *(ty for _, ty in seeds)))


def _optional_record(ty: Type) -> bool:
    """Whether `ty` is a struct type or null (`{ *: Any } | Null`)."""
    return isinstance(ty, Union) and len(ty.members) == 2 and NULL in ty.members and any(isinstance(m, Record) for m in ty.members)


def _without_null(ty: Type) -> Type:
    """The type less Null (core's Diff with Null, for `!` and `?.`): a reference `Ref<D>` (`D | EmptyRef<D>`,
    the latter an alias of Null) is its document `D`."""
    if isinstance(ty, Union):
        return union(_without_null(m) for m in ty.members if m != NULL)
    if isinstance(ty, Named) and ty.name in _REFS and len(ty.args) == 1:
        return ty.args[0]
    return NEVER if ty == NULL else ty


def _name_span(node: ast.Member) -> ast.Span:
    """Where a member's name is: the end of the member expression."""
    span = node.span
    width = len(node.name)
    return ast.Span(span.end_line, span.end_column - width, span.end - width, span.end, span.end_line, span.end_column)


def _arrow(node: ast.Node) -> bool:
    """Whether the expression is a lambda (a block ending in one): its type is a function's, whatever
    core infers for its parameters."""
    while isinstance(node, ast.Block):
        node = node.body[-1]
    return isinstance(node, ast.Arrow)


def _skip(text: str, i: int, step: int) -> int:
    """The first position from `i` (going by `step`) that is not whitespace."""
    while 0 <= i < len(text) and text[i].isspace():
        i += step
    return i


def _balanced(inner: str) -> bool:
    """Whether `(` + inner + `)` is one group: no `)` in it closes the outer `(` early. (Parentheses in
    strings and comments are counted too, which at worst declines to see a group.)"""
    depth = 0
    for c in inner:
        depth += (c == "(") - (c == ")")
        if depth < 0:
            return False
    return depth == 0


def _span(text: str, start: int, end: int) -> ast.Span:
    def place(offset: int) -> tuple[int, int]:
        return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1

    line, column = place(start)
    end_line, end_column = place(end)
    return ast.Span(line, column, start, end, end_line, end_column)
