"""What the checker knows of the world outside the query: the seam a table of stdlib signatures plugs into.

Every hook answers None for "not known", which the checker takes as `Any` (its UNKNOWN): it never reports
an error about what its environment does not describe.
"""

from __future__ import annotations

import typing as t

from attrs import frozen

from .types import Type


@frozen
class NullPlace:
    """Where core types a Null the schema declares (a user function's result `String | Null`, a field's
    `String?`): in the source `source` (core's `*field:Person:age*`, drawn with `text`), or in none it shows
    (None: core parses a function's internal signature in its Null source, `at <no source>`); `start`
    and `end` count in `text`."""

    source: str | None
    text: str
    start: int
    end: int


class Env:
    """The checker's environment; this base knows nothing, so only the query's own expressions are typed."""

    def global_type(self, name: str) -> Type | None:
        """The type of a global name (`Math`, a collection, a user function); None: not known."""
        return None

    def member_type(self, owner: Type, name: str) -> Type | None:
        """The type of `owner.name` (a field or a method as a function); None: not known."""
        return None

    def has_member(self, owner: Type, name: str) -> bool | None:
        """Whether a value of the type `owner` (`Int`, `String`, `Null`, `Array<T>`) has a field or method `name`;
        None: not known (then `owner.name` is never an error)."""
        return None

    def apply_type(self, owner: Type) -> Type | None:
        """The type of calling a value of the type `owner` that is no function (`Time("...")` calls the
        module `TimeModule`); None: not known."""
        return None

    def callable(self, owner: Type) -> bool | None:
        """Whether a value of the type `owner` can be called (`Time` can, `Math` and `Int` cannot); None:
        not known (then calling it is never an error)."""
        return None

    def annotation(self, parsed: t.Any) -> Type | None:
        """The type an annotation spells: a `let`'s (`let x: Int = ...`), a schema signature's (a function
        parameter's, a computed field's), as the type parser read it; None: not known."""
        return None

    def unknown_type(self, parsed: t.Any) -> tuple[str, int] | None:
        """The name an annotation (as the type parser read it) spells that names no type, and its offset in
        the annotation (core's `Unknown type`); None: there is none, or it is not known."""
        return None

    def document_record(self, name: str) -> Type | None:
        """The fields of the documents of the collection `name` as a record (core expands a document type
        so in its errors: `{ id: ID, ts: Time, ttl: Time | Null, *: Any }`); None: not known."""
        return None

    def result_null(self, fn: Type) -> NullPlace | None:
        """Where core types the Null of the result of calling `fn` (a user function whose declared
        signature's result is a primitive or Null); None: not known (then a failure of it is not reported)."""
        return None

    def field_null(self, owner: Type, name: str) -> NullPlace | None:
        """Where core types the Null of the field `name` of a document of the type `owner` (its signature's
        `T?` or `T | Null`); None: not known."""
        return None

    def field_place(self, owner: Type, name: str) -> NullPlace | None:
        """Where core types the field `name` of a document of the type `owner` whose signature is one named
        type (`String`): the whole signature, in the field's own source; None: not known."""
        return None
