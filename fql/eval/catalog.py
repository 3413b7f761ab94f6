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
        "Identify", "Identity", "IssueAccessJWT", "Login", "Logout",
    ),
    "Strings": (
        "Casefold", "Concat", "ContainsStr", "ContainsStrRegex", "EndsWith", "FindStr", "FindStrRegex",
        "Format", "LTrim", "Length", "LowerCase", "NGram", "RTrim", "RegexEscape", "Repeat", "ReplaceStr",
        "ReplaceStrRegex", "Space", "SplitStr", "SplitStrRegex", "StartsWith", "SubString", "TitleCase", "Trim",
        "UpperCase",
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
        "IsObject", "IsRef", "IsRole", "IsSet", "IsString", "IsTimestamp", "IsToken", "IsUUID",
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



#: FQL v10's standard library by type (reference §3.6-§3.7): `Owner.name`, where Owner is the type of an
#: instance method or field, or the module of a static; `FQL` holds the global functions.
V10_FAMILIES: dict[str, tuple[str, ...]] = {
    "Globals": ("FQL.abort", "FQL.dbg", "FQL.log", "FQL.newId", "FQL.asc", "FQL.desc"),
    "Constructors": (
        "Time.__call__", "Date.__call__", "ID.__call__", "Bytes.__call__", "TransactionTime.__call__",
        "Collection.__call__", "Function.__call__",
    ),
    "User collections": (
        "UserCollection.all", "UserCollection.byId", "UserCollection.where", "UserCollection.firstWhere",
        "UserCollection.create", "UserCollection.createData", "UserCollection.definition", "UserCollection.toString",
    ),
    "Documents": (
        "Document.update", "Document.replace", "Document.updateData", "Document.replaceData", "Document.delete",
        "Document.exists",
    ),
    "Schema": (
        "Collection.create", "Collection.byName", "Collection.all", "Collection.where", "Collection.firstWhere",
        "Function.create", "Function.byName", "Function.all", "Role.create", "Role.byName", "Role.all",
        "Database.create", "Database.byName", "Database.all", "AccessProvider.create",
        "AccessProvider.byName", "AccessProvider.all", "UserFunction.definition", "Collection.toString",
        "Function.toString", "Role.toString", "Database.toString", "AccessProvider.toString",
    ),
    "Auth": (
        "Key.create", "Key.byId", "Key.all", "Key.where", "Token.create", "Token.byId", "Token.byDocument",
        "Token.all", "Token.where", "Credential.create", "Credential.byDocument", "Credential.byId", "Credential.all",
        "Credential.where", "Document.login",
        "Document.verify", "Query.identity", "Query.token", "Query.isEnvTypechecked", "Query.isEnvProtected",
        "Key.toString", "Token.toString", "Credential.toString",
    ),
    "Set": tuple(
        "Set." + n
        for n in (
            "first last firstWhere lastWhere take drop count isEmpty nonEmpty includes where map flatMap order "
            "reverse distinct concat toArray toSet toString fold foldRight reduce reduceRight aggregate any every "
            "forEach pageSize paginate sequence single toStream eventSource changesOn eventsOn"
        ).split()
    ),
    "Array": tuple(
        "Array." + n
        for n in (
            "length at first last firstWhere lastWhere slice take drop includes isEmpty nonEmpty indexOf "
            "indexWhere lastIndexOf lastIndexWhere map flatMap flatten where filter order reverse distinct concat "
            "append prepend entries fold foldRight reduce reduceRight aggregate any every forEach toSet sequence"
        ).split()
    ),
    "String": tuple(
        "String." + n
        for n in (
            "length at concat startsWith endsWith includes indexOf lastIndexOf slice insert replace replaceAll split "
            "splitAt includesRegex indexOfRegex matches matchIndexes replaceRegex replaceAllRegex splitRegex "
            "toLowerCase toUpperCase casefold parseInt parseLong parseDouble parseNumber"
        ).split()
    ),
    "Object": tuple("Object." + n for n in "assign entries fromEntries hasPath keys values select toString".split()),
    "Math": tuple(
        "Math." + n
        for n in (
            "abs acos asin atan ceil cos cosh degrees exp floor hypot log log10 max min mean pow radians round sign "
            "sin sinh sqrt sum tan tanh trunc E PI Infinity NaN"
        ).split()
    ),
    "Time and Date": tuple(
        n
        for n in (
            "Time.now Time.epoch Time.fromString Time.add Time.subtract Time.difference Time.toMicros Time.toMillis "
            "Time.toSeconds Time.year Time.month Time.dayOfMonth Time.dayOfWeek Time.dayOfYear Time.hour Time.minute "
            "Time.second Date.today Date.fromString Date.add Date.subtract Date.difference"
        ).split()
    ),
    "Bytes": ("Bytes.fromBase64", "Bytes.toBase64"),
}


def v10_status(entry: str) -> str:
    owner, name = entry.split(".", 1)
    tables = (registry.V10_METHODS, registry.V10_STATICS, registry.V10_FIELDS)
    found = [table[(owner, name)] for table in tables if (owner, name) in table]
    if not found or all(getattr(m.fn, "not_implemented", False) for m in found):
        return "missing"
    return "works"


def register_missing_v10() -> None:
    """A catalogued v10 method without an implementation fails with `not implemented`, naming it."""
    from ..errors import NotImplementedInFql

    for entries in V10_FAMILIES.values():
        for entry in entries:
            if v10_status(entry) == "works":
                continue
            owner, name = entry.split(".", 1)

            def missing(ctx, *args, _entry=entry):
                raise NotImplementedInFql(f"{_entry} is not implemented in fql yet.")

            missing.not_implemented = True  # type: ignore[attr-defined]
            table = registry.V10_STATICS if owner in _STATIC_OWNERS else registry.V10_METHODS
            table[(owner, name)] = registry.Method(owner, name, missing, 0, None)


#: Owners whose catalogued names are module statics rather than instance methods.
_STATIC_OWNERS = {"FQL", "Collection", "Function", "Role", "Database", "AccessProvider", "Key", "Token",
                  "Credential", "Query", "Math", "Object"}


def v10_table() -> str:
    """The README's v10 coverage table."""
    lines = ["| type | works | missing |", "|---|---|---|"]
    for family, entries in V10_FAMILIES.items():
        works = [e.replace(".__call__", "(...)") for e in entries if v10_status(e) == "works"]
        missing = [e.replace(".__call__", "(...)") for e in entries if v10_status(e) == "missing"]
        lines.append(f"| {family} | {', '.join(works) or '-'} | {', '.join(missing) or '-'} |")
    return "\n".join(lines)
