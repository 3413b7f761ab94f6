"""fql: a Python interpreter and server for Fauna's query language.

    import fql
    db = fql.connect()                     # memory:// by default
    db.query('Add(1, 2)')                  # 3
"""

from .database import Database, connect
from .errors import FQLError, ParseError
from .parse import parse
from .render import to_fql
from .values import Bytes, Date, Document, Lambda, Module, NullDocument, Page, Ref, SetRef, Timestamp

Time = Timestamp

__all__ = [
    "Bytes",
    "Database",
    "Date",
    "Document",
    "FQLError",
    "Lambda",
    "Module",
    "NullDocument",
    "Page",
    "ParseError",
    "Ref",
    "SetRef",
    "Time",
    "Timestamp",
    "connect",
    "parse",
    "to_fql",
]
