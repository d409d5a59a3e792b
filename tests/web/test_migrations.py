"""The Alembic migrations build exactly the schema the models describe, and undo it; and they
carry a database full of data from the previous release to this one and back again."""

import re
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

import flask_migrate
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from matchmaker.extensions import db
from tests.conftest import POSTGRES_URL, make_app

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"
ROWS = 3  # per table; small enough for any CHECK on a small integer (ratings are 1 to 5)


@pytest.fixture
def empty_database_url(backend, tmp_path):
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.db'}"
        return
    # A database of its own, so the other tests' tables do not get in the way.
    server = sa.make_url(POSTGRES_URL).set(drivername="postgresql+psycopg")
    name = f"{server.database}_migrations"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield server.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_migrations_match_the_models(empty_database_url, tmp_path):
    app = make_app(empty_database_url, tmp_path)
    with app.app_context():
        flask_migrate.upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
        assert differences == []
        flask_migrate.downgrade(revision="base")
        remaining = set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}
        assert remaining == set()
        db.engine.dispose()


# --- upgrading a database with data --------------------------------------------------------

def previous_and_head() -> tuple[str, str]:
    """The previous release's revision (the one before head) and head, read from
    migrations/versions/, so that each new migration is tested as it lands."""
    script = ScriptDirectory(str(MIGRATIONS))
    head = script.get_current_head()
    previous = script.get_revision(head).down_revision
    assert isinstance(previous, str), "head should have exactly one parent revision"
    return previous, head


def allowed_values() -> dict[tuple[str, str], str]:
    """(table, column) -> the first value a model's CHECK "column IN (...)" allows."""
    found = {}
    for table in db.metadata.tables.values():
        for constraint in table.constraints:
            if isinstance(constraint, sa.CheckConstraint):
                match = re.match(r"(\w+) IN \('([^']*)'", str(constraint.sqltext))
                if match:
                    found[(table.name, match.group(1))] = match.group(2)
    return found


ALLOWED = allowed_values()


def value_for(column: sa.Column, row: int):
    """A value of the column's type for row 1, 2, … that differs from row to row (so unique
    constraints hold); a foreign key names the parent's row with the same number; a column
    with a CHECK of allowed values gets one of them."""
    if column.foreign_keys or (column.primary_key and column.type.python_type is int):
        return row
    if (column.table.name, column.name) in ALLOWED:
        return ALLOWED[(column.table.name, column.name)]
    kind = dict if isinstance(column.type, sa.JSON) else column.type.python_type
    values = {
        bool: row % 2 == 0,
        int: row,
        float: row + 0.5,
        Decimal: Decimal(row) + Decimal("0.5"),
        str: f"{column.name}-{row}"[:getattr(column.type, "length", None) or 100],
        datetime: datetime(2026, 11, 19, 18, row),
        date: date(2026, 11, row),
        time: time(18, row),
        dict: {"row": row},
        bytes: bytes([row]) * 4,
    }
    if kind not in values:
        raise AssertionError(f"no test value for {column.table.name}.{column.name} ({kind})")
    return values[kind]


def reflected(connection) -> sa.MetaData:
    metadata = sa.MetaData()
    metadata.reflect(connection)
    metadata.remove(metadata.tables["alembic_version"])
    return metadata


def fill_empty_tables(engine) -> None:
    """Put ROWS rows into every empty table, parents first, as the schema is at this revision.
    Columns the database fills itself (a server default, as on a new column) are left to it."""
    with engine.begin() as connection:
        for table in reflected(connection).sorted_tables:
            if connection.scalar(sa.select(sa.func.count()).select_from(table)):
                continue
            columns = [c for c in table.columns
                       if c.primary_key or c.foreign_keys or c.server_default is None]
            connection.execute(table.insert(), [{c.name: value_for(c, row) for c in columns}
                                                for row in range(1, ROWS + 1)])


def contents(engine) -> dict[str, list[dict]]:
    """Every table's rows, in primary-key order."""
    with engine.connect() as connection:
        return {table.name: [dict(row) for row in connection.execute(
                    sa.select(table).order_by(*table.primary_key.columns)).mappings()]
                for table in reflected(connection).sorted_tables}


def as_before(now: dict[str, list[dict]], before: dict[str, list[dict]]) -> dict:
    """``now`` cut down to the tables and columns of ``before``, to compare the two."""
    return {name: [{key: row[key] for key in rows[0]} for row in now[name]] if rows else now[name]
            for name, rows in before.items()}


def test_upgrade_with_data_then_down_and_up_again_keeps_every_row(empty_database_url,
                                                                   tmp_path):
    previous, head = previous_and_head()
    app = make_app(empty_database_url, tmp_path)
    with app.app_context():
        flask_migrate.upgrade(revision=previous)
        fill_empty_tables(db.engine)
        loaded = contents(db.engine)
        assert all(len(rows) == ROWS for rows in loaded.values())

        flask_migrate.upgrade(revision=head)
        upgraded = contents(db.engine)
        assert as_before(upgraded, loaded) == loaded

        fill_empty_tables(db.engine)  # the tables this release adds: the downgrade must cope
        flask_migrate.downgrade(revision=previous)
        assert contents(db.engine) == loaded

        flask_migrate.upgrade(revision=head)
        assert contents(db.engine) == upgraded
        db.engine.dispose()
