"""Bring the products table of an older database file up to the current columns.

The columns `article` (the shop's article number), `sizes` (JSON list), `image` (a photo's
file name in JEWELSTREAM_MEDIA) and `listed` (0: withdrawn from sale but kept, so orders
and old conversations still find it) came after the first release. A file created before
them gets them here, and its demo products get the article numbers and sizes the seed
gives them today; products of the shop's own are left as they are.
"""
from __future__ import annotations

import json
import sqlite3

NEW_COLUMNS = {"article": "TEXT", "sizes": "TEXT NOT NULL DEFAULT '[]'", "image": "TEXT",
               "listed": "INTEGER NOT NULL DEFAULT 1"}


def upgrade_products(db: sqlite3.Connection, seed_catalog) -> None:
    """Add the missing columns (and fill them for demo products); `seed_catalog` builds the
    seed's catalog and is only called when an upgrade is needed."""
    present = {row[1] for row in db.execute("PRAGMA table_info(products)")}
    missing = [name for name in NEW_COLUMNS if name not in present]
    if missing:
        for name in missing:
            db.execute(f"ALTER TABLE products ADD COLUMN {name} {NEW_COLUMNS[name]}")
        db.executemany("UPDATE products SET article = ?, sizes = ? WHERE id = ? AND name = ? "
                       "AND article IS NULL",
                       [(p["article"], json.dumps(p["sizes"]), p["id"], p["name"])
                        for p in seed_catalog()])
    db.execute("CREATE UNIQUE INDEX IF NOT EXISTS products_by_article ON products(article)")
