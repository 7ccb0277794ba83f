"""Database triggers that refuse UPDATE and DELETE on append-only tables (invariant 6).

The application never updates these rows; the triggers make sure nobody else does
either, whatever the client. Installed by migration on PostgreSQL and SQLite.
"""

APPEND_ONLY_TABLES = ["core_auditentry", "core_signature"]


def _sqlite_statements(table: str) -> list[str]:
    return [
        "CREATE TRIGGER IF NOT EXISTS {t}_no_update BEFORE UPDATE ON {t} "
        "BEGIN SELECT RAISE(ABORT, '{t} is append-only: write a correcting entry instead'); END".format(t=table),
        "CREATE TRIGGER IF NOT EXISTS {t}_no_delete BEFORE DELETE ON {t} "
        "BEGIN SELECT RAISE(ABORT, '{t} is append-only: rows are never deleted'); END".format(t=table),
    ]


def _postgresql_statements(table: str) -> list[str]:
    return [
        "CREATE OR REPLACE FUNCTION threadline_refuse_change() RETURNS trigger AS $$ BEGIN "
        "RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege'; "
        "END; $$ LANGUAGE plpgsql",
        "DROP TRIGGER IF EXISTS {t}_append_only ON {t}".format(t=table),
        "CREATE TRIGGER {t}_append_only BEFORE UPDATE OR DELETE ON {t} "
        "FOR EACH ROW EXECUTE FUNCTION threadline_refuse_change()".format(t=table),
    ]


def install(connection, tables: list[str] | None = None) -> None:
    for table in tables or APPEND_ONLY_TABLES:
        if connection.vendor == "postgresql":
            statements = _postgresql_statements(table)
        elif connection.vendor == "sqlite":
            statements = _sqlite_statements(table)
        else:
            raise NotImplementedError("append-only triggers are written for PostgreSQL and SQLite only")
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


def _refuse_update_statements(vendor: str, table: str) -> list[str]:
    if vendor == "sqlite":
        return [
            "CREATE TRIGGER IF NOT EXISTS {t}_no_update BEFORE UPDATE ON {t} "
            "BEGIN SELECT RAISE(ABORT, '{t} is released content: import a new revision instead'); END".format(t=table)
        ]
    if vendor == "postgresql":
        return [
            "CREATE OR REPLACE FUNCTION threadline_refuse_update() RETURNS trigger AS $$ BEGIN "
            "RAISE EXCEPTION '% is released content: import a new revision instead', TG_TABLE_NAME "
            "USING ERRCODE = 'insufficient_privilege'; END; $$ LANGUAGE plpgsql",
            "DROP TRIGGER IF EXISTS {t}_no_update ON {t}".format(t=table),
            "CREATE TRIGGER {t}_no_update BEFORE UPDATE ON {t} "
            "FOR EACH ROW EXECUTE FUNCTION threadline_refuse_update()".format(t=table),
        ]
    raise NotImplementedError("immutability triggers are written for PostgreSQL and SQLite only")


def install_no_update(connection, tables: list[str]) -> None:
    """Refuse UPDATE (rows written once, by one import, and then only read; see instructions/content.py)."""
    with connection.cursor() as cursor:
        for table in tables:
            for statement in _refuse_update_statements(connection.vendor, table):
                cursor.execute(statement)


def drop_no_update(connection, tables: list[str]) -> None:
    with connection.cursor() as cursor:
        for table in tables:
            if connection.vendor == "postgresql":
                cursor.execute("DROP TRIGGER IF EXISTS {t}_no_update ON {t}".format(t=table))
            else:
                cursor.execute("DROP TRIGGER IF EXISTS {t}_no_update".format(t=table))


def drop(connection, tables: list[str] | None = None) -> None:
    """Only for the test runner's flush between transactional tests on SQLite (PostgreSQL uses TRUNCATE)."""
    for table in tables or APPEND_ONLY_TABLES:
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("DROP TRIGGER IF EXISTS {t}_no_update".format(t=table))
                cursor.execute("DROP TRIGGER IF EXISTS {t}_no_delete".format(t=table))
            elif connection.vendor == "postgresql":
                cursor.execute("DROP TRIGGER IF EXISTS {t}_append_only ON {t}".format(t=table))
