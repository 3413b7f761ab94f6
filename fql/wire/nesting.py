"""How deeply JSON nests, found without recursion.

Core's JSON parser refuses a document nested deeper than MAX_NESTING. fql's decoders recurse, and while deep
threads have raised Python's recursion limit (fql/stack.py) a deep document on an ordinary thread would
overrun its C stack before Python noticed: so the depth is measured first, by loops.
"""

from __future__ import annotations

import itertools
import re
import typing as t

#: Core's JSON parser refuses documents nested deeper than this (arrays and objects both count).
MAX_NESTING = 1000

_STRINGS = re.compile(r'"(?:[^"\\]+|\\.)*"')
_NOT_BRACKETS = re.compile(r"[^\[\]{}]+")


def text_depth(text: str) -> int:
    """How deeply the arrays and objects of JSON text nest: its brackets outside strings, counted."""
    brackets = _NOT_BRACKETS.sub("", _STRINGS.sub("", text))
    return max(itertools.accumulate(1 if c in "[{" else -1 for c in brackets), default=0)


def value_depth(value: t.Any) -> int:
    """How deeply lists and dicts nest in a decoded value."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is None:
            continue
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in children)
    return deepest
