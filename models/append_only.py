"""Tables whose rows are never updated or deleted (history, ledger, policy): the database
refuses it with triggers, on SQLite and PostgreSQL alike. Migrations create them with these
statements; tests that empty the database lift them inside their cleaning transaction."""

from __future__ import annotations

APPEND_ONLY_TABLES: tuple[str, ...] = (
    "ledger_entry",
    "policy_parameter",
    "household_status_change",
    "household_assessment",
    "benefit_change",
    "access_log",
)


def _message(table: str) -> str:
    return f"{table} is append-only: correct it with a new row"


def pg_trigger(table: str) -> str:
    """The PostgreSQL trigger's name (the function has the same name)."""
    return f"{table}_append_only"


def create_statements(table: str, dialect: str) -> list[str]:
    if dialect == "postgresql":
        name = pg_trigger(table)
        return [
            f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$"
            f" BEGIN RAISE EXCEPTION '{_message(table)}'; END $$",
            f"CREATE TRIGGER {name} BEFORE UPDATE OR DELETE ON {table}"
            f" FOR EACH ROW EXECUTE FUNCTION {name}()",
        ]
    return [
        f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table}"
        f" BEGIN SELECT RAISE(ABORT, '{_message(table)}'); END"
        for event in ("UPDATE", "DELETE")
    ]


def drop_statements(table: str, dialect: str) -> list[str]:
    if dialect == "postgresql":
        name = pg_trigger(table)
        return [f"DROP TRIGGER {name} ON {table}", f"DROP FUNCTION {name}()"]
    return [f"DROP TRIGGER {table}_no_{event}" for event in ("update", "delete")]
