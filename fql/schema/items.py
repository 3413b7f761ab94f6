"""One declaration of an FSL file (core's SchemaItem), as the rest of fql sees it: the definition it states,
in the shape the schema documents store, and where it is written."""

from __future__ import annotations

import typing as t

from attrs import field, frozen

#: The kinds of item, as core names them in messages (`Adding collection `Foo``).
KINDS = ("collection", "function", "role", "access provider")

#: The native collection each kind of item is stored in.
COLLECTIONS = {"collection": "collections", "function": "functions", "role": "roles", "access provider": "access_providers"}


@frozen
class Item:
    """A declaration: `kind` and `name`, and `definition`, what the FSL states, in the shape the kind's
    `create` takes (`Collection.create({...})`) without `name` and `data`; a member the FSL leaves out is
    absent, so a default is never mistaken for a written value."""

    kind: str
    name: str
    definition: dict[str, t.Any]
    #: The file it is written in, and where: offsets of its first and past its last character (annotations
    #: such as `@alias(Foo)` included).
    file: str = field(default="main.fsl", eq=False)
    span: tuple[int, int] = field(default=(0, 0), eq=False)
    #: The names it refers to, each (member, name, start, end): a role's `membership` and `privileges`
    #: resources, an access provider's `role`s; where they are written, for core's schema validation.
    refs: tuple[tuple[str, str, int, int], ...] = field(default=(), eq=False)

    @property
    def key(self) -> tuple[str, str]:
        """What names it in a database: a collection and a function share one namespace in core, but
        each kind is its own documents."""
        return (self.kind, self.name)


def document_types(items: t.Iterable[Item]) -> dict[str, t.Any]:
    """The document type names a set of items declares, as a pushed schema resolves them: each collection
    by its name and its alias, then the native collections whose documents have types of their own."""
    from ..values import collection_ref, native

    names: dict[str, t.Any] = {}
    for one in items:
        if one.kind == "collection":
            for name in (one.name, one.definition.get("alias")):
                if isinstance(name, str):
                    names[name] = collection_ref(one.name)
    names.update(Key=native("keys"), Token=native("tokens"), Credential=native("credentials"))
    return names


def position(text: str, offset: int) -> tuple[int, int]:
    """The 1-based line and column of `offset` in `text`."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1
