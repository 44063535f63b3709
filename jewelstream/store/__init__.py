"""The store: the shop's data and what users tell us (profiles, dialogue state,
questionnaire progress, the conversation log, owners of user ids).

One interface (`Store`, interface.py), a backend per database; `open_store` picks the one
the settings name. The pieces every backend shares:

- `interface.py`      what the server needs from a store; `StorageUnavailable`
- `shop_data.py`      the catalog, articles, customers, orders in memory, refreshed after an import
- `batched_reads.py`  profile reads that arrive together share one query
- `group_commit.py`   the conversation log's writes, group-committed
- `migrations.py`     the schema as versioned SQL files (`sql/<backend>/`); SQLite's `connect`

The SQLite backend: `sqlite.py` (the store) on `sqlite_executor.py` (a writer and a reader
thread, the disk's condition). The PostgreSQL backend: `postgres.py` (asyncpg, a bounded
pool) and `postgres_schema.py` (migrations and seeding under an advisory lock). The event
log of runs is not here: jewelstream/runs/.
"""
from __future__ import annotations

from jewelstream.store.interface import StorageUnavailable, Store
from jewelstream.store.sqlite import SqliteStore

__all__ = ["SqliteStore", "StorageUnavailable", "Store", "open_store"]


async def open_store(settings) -> Store:
    """The store the settings name (`database_url`: PostgreSQL; else the SQLite file
    `db_path`), open, migrated and seeded."""
    if settings.database_url:
        from jewelstream.store.postgres import PostgresStore     # asyncpg only when used
        return await PostgresStore.open(settings.database_url, pool_size=settings.database_pool)
    return await SqliteStore.open(settings.db_path)
