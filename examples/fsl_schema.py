"""FSL schema files: push a directory of `.fsl` files to an embedded database, use what they declare,
then change the schema with a query and read the files back as they now stand."""

from pathlib import Path

import fql
from fql.schema.manager import SchemaError

SCHEMA = Path(__file__).parent / "schema"


def main() -> None:
    db = fql.connect("memory://")
    version = db.push_schema(str(SCHEMA))
    print("pushed:", sorted(db.schema_files()), "version", version > 0)

    db.query('signUp("Ann", "ann@example.com")', syntax="v10")
    db.query('Notes.create({ owner: Users.byEmail("ann@example.com").first()!, text: "hello" })', syntax="v10")
    print("notes:", db.query('notesOf("ann@example.com")', syntax="v10"))

    try:
        db.query('signUp("Bob", "no email")', syntax="v10")
    except fql.FQLError as err:
        print("check constraint:", err.description)

    # A bad push changes nothing, and says why as core does.
    try:
        db.push_schema({"functions.fsl": "function broken( { 1 }"}, override=False)
    except SchemaError as err:
        print("push refused:", err.message.splitlines()[0])

    # Schema changed by a query shows up in the files.
    db.query('Collection.create({ name: "Tags" })', syntax="v10")
    print("files now:", sorted(db.schema_files()))
    print("diff of a re-push of them:", repr(db.schema_diff(db.schema_files())))


if __name__ == "__main__":
    main()
