"""Database triggers that refuse changes to rows written once (invariants 2 and 6).

History (audit, signatures, the line's and quality's records) refuses UPDATE and DELETE: a
correction is a new row. A stored revision's content refuses UPDATE: a change is a new revision
(and the line caches it on that promise, instructions/content.py). The application does neither;
the triggers make sure nobody else does, whatever the client. Installed by migration on
PostgreSQL and SQLite.
"""

from dataclasses import dataclass

APPEND_ONLY_TABLES = ["core_auditentry", "core_signature"]


@dataclass(frozen=True)
class Guard:
    """What a table refuses, and the words of the refusal: '<table> is <reason>: <operation> refused'."""

    name: str  # PostgreSQL's trigger is <table>_<name>; SQLite's are <table>_no_<operation>
    operations: tuple[str, ...]
    reason: str


APPEND_ONLY = Guard("append_only", ("UPDATE", "DELETE"), "append-only")
RELEASED_CONTENT = Guard("no_update", ("UPDATE",), "released content")

# One function for every guard; COALESCE keeps triggers installed before it took an argument working.
_POSTGRESQL_FUNCTION = (
    "CREATE OR REPLACE FUNCTION threadline_refuse_change() RETURNS trigger AS $$ BEGIN "
    "RAISE EXCEPTION '% is %: % refused', TG_TABLE_NAME, COALESCE(TG_ARGV[0], 'append-only'), TG_OP "
    "USING ERRCODE = 'insufficient_privilege'; END; $$ LANGUAGE plpgsql"
)


def _statements(vendor: str, table: str, guard: Guard) -> list[str]:
    if vendor == "sqlite":
        return [
            "CREATE TRIGGER IF NOT EXISTS {t}_no_{o} BEFORE {O} ON {t} "
            "BEGIN SELECT RAISE(ABORT, '{t} is {reason}: {O} refused'); END".format(
                t=table, o=operation.lower(), O=operation, reason=guard.reason
            )
            for operation in guard.operations
        ]
    if vendor == "postgresql":
        return [
            _POSTGRESQL_FUNCTION,
            "DROP TRIGGER IF EXISTS {t}_{name} ON {t}".format(t=table, name=guard.name),
            "CREATE TRIGGER {t}_{name} BEFORE {ops} ON {t} FOR EACH ROW "
            "EXECUTE FUNCTION threadline_refuse_change('{reason}')".format(
                t=table, name=guard.name, ops=" OR ".join(guard.operations), reason=guard.reason
            ),
        ]
    raise NotImplementedError("Threadline runs on PostgreSQL and SQLite; these triggers exist for those two")


def install(connection, tables: list[str] | None = None, guard: Guard = APPEND_ONLY) -> None:
    with connection.cursor() as cursor:
        for table in tables or APPEND_ONLY_TABLES:
            for statement in _statements(connection.vendor, table, guard):
                cursor.execute(statement)


def drop(connection, tables: list[str] | None = None, guard: Guard = APPEND_ONLY) -> None:
    """For reverse migrations, and the test runner's flush between transactional tests on SQLite
    (PostgreSQL uses TRUNCATE, which the triggers do not see)."""
    with connection.cursor() as cursor:
        for table in tables or APPEND_ONLY_TABLES:
            if connection.vendor == "postgresql":
                cursor.execute("DROP TRIGGER IF EXISTS {t}_{name} ON {t}".format(t=table, name=guard.name))
            else:
                for operation in guard.operations:
                    cursor.execute("DROP TRIGGER IF EXISTS {t}_no_{o}".format(t=table, o=operation.lower()))
