"""Every FQL v4 function by family: the README's coverage table, and a clear error for the missing ones.

`fql coverage` prints the coverage table; tests/test_readme.py keeps README.md in step with it.
"""

from __future__ import annotations

from . import registry

#: Fauna's v4 functions (the Python driver's set plus core-only forms), by family, in shell spelling.
FAMILIES: dict[str, tuple[str, ...]] = {
    "Basic": ("Abort", "At", "Call", "Do", "If", "Lambda", "Let", "Query", "Var"),
    "Collections": (
        "All", "Any", "Append", "Count", "Drop", "Filter", "First", "Foreach", "IsEmpty", "IsNonEmpty",
        "Last", "Map", "Mean", "Merge", "Prepend", "Reduce", "Reverse", "Sum", "Take",
    ),
    "Read": ("Exists", "Get", "KeyFromSecret", "Paginate", "Select", "SelectAll", "SelectAsIndex"),
    "Write": (
        "Create", "CreateAccessProvider", "CreateClass", "CreateCollection", "CreateDatabase",
        "CreateFunction", "CreateIndex", "CreateKey", "CreateRole", "Delete", "Insert", "MoveDatabase",
        "Remove", "Replace", "Update",
    ),
    "Sets": (
        "Difference", "Distinct", "Documents", "Events", "Intersection", "Join", "Match", "Range",
        "Singleton", "Union",
    ),
    "Auth": (
        "CurrentIdentity", "CurrentToken", "HasCurrentIdentity", "HasCurrentToken", "HasIdentity",
        "Identify", "Identity", "Login", "Logout",
    ),
    "Strings": (
        "Casefold", "Concat", "ContainsStr", "ContainsStrRegex", "EndsWith", "FindStr", "FindStrRegex",
        "Format", "LTrim", "Length", "LowerCase", "NGram", "RTrim", "RegexEscape", "Repeat", "ReplaceStr",
        "ReplaceStrRegex", "Space", "StartsWith", "SubString", "TitleCase", "Trim", "UpperCase",
    ),
    "Math": (
        "ACos", "ASin", "ATan", "Abs", "Add", "BitAnd", "BitNot", "BitOr", "BitXor", "Ceil", "Cos", "Cosh",
        "Degrees", "Divide", "Exp", "Floor", "Hypot", "Ln", "Log", "Max", "Min", "Modulo", "Multiply", "Pow",
        "Radians", "Round", "Sign", "Sin", "Sinh", "Sqrt", "Subtract", "Tan", "Tanh", "Trunc",
    ),
    "Logic and comparison": (
        "And", "Contains", "ContainsField", "ContainsPath", "ContainsValue", "Equals", "GT", "GTE", "LT",
        "LTE", "Not", "Or",
    ),
    "Time and date": (
        "Date", "DayOfMonth", "DayOfWeek", "DayOfYear", "Epoch", "Hour", "Minute", "Month", "Now", "Second",
        "Time", "TimeAdd", "TimeDiff", "TimeSubtract", "ToDate", "ToMicros", "ToMillis", "ToSeconds", "ToTime",
        "Year",
    ),
    "Conversion": ("ToArray", "ToDouble", "ToInteger", "ToNumber", "ToObject", "ToString"),
    "Types": (
        "IsArray", "IsBoolean", "IsBytes", "IsCollection", "IsCredentials", "IsDatabase", "IsDate", "IsDoc",
        "IsDouble", "IsFunction", "IsIndex", "IsInteger", "IsKey", "IsLambda", "IsNull", "IsNumber",
        "IsObject", "IsRef", "IsRole", "IsSet", "IsString", "IsTimestamp", "IsToken",
    ),
    "Refs and schema": (
        "AccessProvider", "AccessProviders", "Class", "Classes", "Collection", "Collections", "Credentials",
        "Database", "Databases", "Function", "Functions", "Index", "Indexes", "Keys", "NewId", "NextId", "Ref",
        "Role", "Roles", "Tokens",
    ),
}


def status(name: str) -> str:
    fn = registry.lookup(name)
    if fn is None or getattr(fn.fn, "not_implemented", False):
        return "missing"
    return "works"


def register_missing() -> None:
    """Give every catalogued function without an implementation a clear `not implemented` error."""
    from .control import not_implemented

    for names in FAMILIES.values():
        for name in names:
            if registry.lookup(name) is None:
                not_implemented(name, (registry.snake(name),))


def table() -> str:
    """The README's coverage table: each family with its working and missing functions."""
    lines = ["| family | works | missing |", "|---|---|---|"]
    for family, names in FAMILIES.items():
        works = [n for n in names if status(n) == "works"]
        missing = [n for n in names if status(n) == "missing"]
        lines.append(f"| {family} | {', '.join(works) or '-'} | {', '.join(missing) or '-'} |")
    return "\n".join(lines)

