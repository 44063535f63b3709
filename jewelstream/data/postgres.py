"""Import and export on PostgreSQL (`--database-url`, or JEWELSTREAM_DATABASE_URL).

The shop's four tables are copied into a scratch SQLite file, the import runs there as on
a SQLite store (jewelstream/data/loading.py: the same checks, ids, withdrawals and
counts), and the tables go back to PostgreSQL in one transaction with the data version
bumped; running servers on any node switch to the new data with their next request, as
on SQLite. The two stores keep the same tables, columns and JSON text
(jewelstream/store/sql/postgres/0001_tables.sql), so nothing is converted on the way. An
export reads the scratch copy. Profiles, the conversation log and runs are never read or
touched.
"""
from __future__ import annotations

import sqlite3

import asyncpg

from jewelstream.store.postgres_schema import prepare

# In the order that foreign keys allow to insert them (orders point at the other two).
SHOP_TABLES = ("products", "customers", "articles", "orders")


class ChangedMeanwhile(Exception):
    """Another import changed the shop's data while this one ran: nothing was written."""


async def copy_out(url: str, db: sqlite3.Connection) -> int:
    """Replace the shop's tables of the SQLite `db` with PostgreSQL's (migrated and seeded
    first if the database is new); PostgreSQL's data version."""
    connection = await asyncpg.connect(url, timeout=10)
    try:
        await prepare(connection)                       # as a server starting on it would
        async with connection.transaction(isolation="repeatable_read", readonly=True):
            tables = {name: await connection.fetch(f"SELECT * FROM {name}") for name in SHOP_TABLES}
            version = await connection.fetchval("SELECT value FROM meta WHERE key = 'data_version'")
    finally:
        await connection.close()
    db.execute("BEGIN IMMEDIATE")
    for name in reversed(SHOP_TABLES):
        db.execute(f"DELETE FROM {name}")
    for name in SHOP_TABLES:
        rows = tables[name]
        if rows:
            columns = list(rows[0].keys())
            db.executemany(f"INSERT INTO {name} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                           [tuple(row) for row in rows])
    db.execute("COMMIT")
    return int(version or 0)


async def copy_back(url: str, db: sqlite3.Connection, version: int) -> None:
    """The shop's tables of `db` into PostgreSQL in one transaction, and the data version
    one up; ChangedMeanwhile if PostgreSQL's is no longer `version` (the one `copy_out`
    read)."""
    tables = {}
    for name in SHOP_TABLES:
        cursor = db.execute(f"SELECT * FROM {name}")
        tables[name] = ([column[0] for column in cursor.description], [tuple(row) for row in cursor])
    connection = await asyncpg.connect(url, timeout=10)
    try:
        async with connection.transaction():
            await connection.execute(f"LOCK TABLE {', '.join(SHOP_TABLES)} IN EXCLUSIVE MODE")
            now = await connection.fetchval("SELECT value FROM meta WHERE key = 'data_version'")
            if int(now or 0) != version:
                raise ChangedMeanwhile()
            for name in reversed(SHOP_TABLES):
                await connection.execute(f"DELETE FROM {name}")
            for name in SHOP_TABLES:
                columns, rows = tables[name]
                if rows:
                    await connection.copy_records_to_table(name, records=rows, columns=columns)
            await connection.execute(
                "INSERT INTO meta (key, value) VALUES ('data_version', $1) ON CONFLICT (key) "
                "DO UPDATE SET value = excluded.value", str(version + 1))
    finally:
        await connection.close()
