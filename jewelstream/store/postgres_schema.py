"""Bringing a PostgreSQL database up to date at start: migrations and the demo shop.

Several nodes may start at once against one database: the first to take the advisory lock
applies the missing migrations (sql/postgres/, each in its own transaction with its row
in `schema_version`) and seeds an empty shop with the demo data; the others wait on the
lock, then find nothing left to do. The import command (jewelstream/data/postgres.py)
calls `prepare` too before it reads the shop's tables.
"""
from __future__ import annotations

import json

import asyncpg

from jewelstream import seed
from jewelstream.data.snapshot import JSON_COLUMNS
from jewelstream.store.migrations import migrations

LOCK = 0x6A65_7765_6C73          # pg_advisory_lock's key: "jewels"


async def prepare(db: asyncpg.Connection) -> None:
    """Migrate and seed under the advisory lock (released also when this fails)."""
    await db.execute("SELECT pg_advisory_lock($1)", LOCK)
    try:
        await db.execute("CREATE TABLE IF NOT EXISTS schema_version "
                         "(version INTEGER PRIMARY KEY, applied TIMESTAMPTZ NOT NULL DEFAULT now())")
        current = await db.fetchval("SELECT coalesce(max(version), 0) FROM schema_version")
        for version, sql in migrations("postgres"):
            if version > current:
                async with db.transaction():
                    await db.execute(sql)
                    await db.execute("INSERT INTO schema_version (version) VALUES ($1)", version)
        if await db.fetchval("SELECT count(*) FROM products") == 0:
            async with db.transaction():
                await insert_demo_data(db)
    finally:
        await db.execute("SELECT pg_advisory_unlock($1)", LOCK)


async def insert_demo_data(db: asyncpg.Connection) -> None:
    """The shipped demo shop (jewelstream.seed), as SQLite gets it (data/loading.py)."""
    catalog, customers = seed.build_catalog(), seed.build_customers()
    for table, rows in (("products", catalog), ("customers", customers),
                        ("orders", seed.build_orders(customers, catalog)),
                        ("articles", seed.build_articles())):
        await copy_rows(db, table, rows)


async def copy_rows(db: asyncpg.Connection, table: str, rows: list[dict]) -> None:
    """COPY `rows` (dicts of the table's columns; lists become JSON text) into `table`."""
    present = [row["column_name"] for row in await db.fetch(
        "SELECT column_name FROM information_schema.columns WHERE table_name = $1 "
        "AND table_schema = current_schema() ORDER BY ordinal_position", table)]
    columns = [c for c in present if c in rows[0]]
    records = [tuple(json.dumps(row.get(c), ensure_ascii=False) if c in JSON_COLUMNS else row.get(c)
                     for c in columns) for row in rows]
    await db.copy_records_to_table(table, records=records, columns=columns)
