"""Backup and restore of the SQLite database with SQLite's online backup API.

The online backup copies a consistent snapshot while the app keeps serving (WAL mode).
PostgreSQL deployments use pg_dump / pg_restore instead (see the README)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url


class BackupError(Exception):
    """The database is not SQLite, or a file is missing or not a database."""


def sqlite_path(database_uri: str) -> Path:
    url = make_url(database_uri)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        raise BackupError("backup and restore work on SQLite files; use pg_dump for PostgreSQL")
    return Path(url.database)


def _copy(source: Path, target: Path) -> None:
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    dst.close()
    src.close()


def backup(database_uri: str, target: Path) -> None:
    source = sqlite_path(database_uri)
    if not source.exists():
        raise BackupError(f"no database at {source}")
    if target.exists():
        raise BackupError(f"{target} exists already; choose a new file name")
    target.parent.mkdir(parents=True, exist_ok=True)
    _copy(source, target)


def _check_is_database(path: Path) -> None:
    if not path.is_file():
        raise BackupError(f"no backup file at {path}")
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            result = conn.execute("PRAGMA integrity_check").fetchone()
        conn.close()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not a SQLite database: {error}") from error
    if result != ("ok",):
        raise BackupError(f"{path} fails SQLite's integrity check")


def restore(database_uri: str, source: Path) -> None:
    """Replace the database's content with the backup's, through the same online API."""
    _check_is_database(source)
    target = sqlite_path(database_uri)
    target.parent.mkdir(parents=True, exist_ok=True)
    _copy(source, target)
