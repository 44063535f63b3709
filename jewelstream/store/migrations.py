"""The schema as versioned SQL files, and bringing a SQLite database up to date.

`sql/<backend>/NNNN_name.sql` are the migrations of each backend, applied in order of
their number; a database records the last one it has (SQLite: `PRAGMA user_version`;
PostgreSQL: the `schema_version` table, see postgres_schema.py). A new migration is one
more file with the next number, for each backend. `connect` opens a SQLite file, brings it
up to date and seeds an empty shop with the demo data; the store's writer uses it, and so
does the import command. Left out: going back to an older version.
"""
from __future__ import annotations

import sqlite3
from importlib import resources
from pathlib import Path

from jewelstream import seed
from jewelstream.data.loading import insert_demo_data
from jewelstream.data.upgrade import upgrade_products


def migrations(backend: str) -> list[tuple[int, str]]:
    """(version, SQL text) of every migration of `backend` ("sqlite", "postgres"), in order."""
    folder = resources.files("jewelstream.store") / "sql" / backend
    found = sorted((int(entry.name.split("_", 1)[0]), entry.read_text(encoding="utf-8"))
                   for entry in folder.iterdir() if entry.name.endswith(".sql"))
    assert [version for version, _ in found] == list(range(1, len(found) + 1)), "migrations 1, 2, 3..."
    return found


def connect(path: str, *, demo: bool = True) -> sqlite3.Connection:
    """A connection to the SQLite database at `path`, which is created and seeded (`demo`),
    or brought up to date, first if need be."""
    if path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
    db.row_factory = sqlite3.Row
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("PRAGMA foreign_keys=ON")
    db.execute("PRAGMA busy_timeout=5000")   # several workers may share the file
    db.execute("BEGIN IMMEDIATE")
    try:
        current = db.execute("PRAGMA user_version").fetchone()[0]
        for version, sql in migrations("sqlite"):
            if version > current:
                for statement in sql.split(";"):
                    if statement.strip():
                        db.execute(statement)
                db.execute(f"PRAGMA user_version = {version}")
        upgrade_products(db, seed.build_catalog)     # files from before migrations existed
        if demo and db.execute("SELECT count(*) FROM products").fetchone()[0] == 0:
            insert_demo_data(db)
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
    return db
