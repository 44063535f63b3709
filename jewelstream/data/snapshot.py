"""The shop's read-mostly data as the server keeps it in memory, and its version.

Catalog, articles, customers and orders are read once when the store opens and kept in
memory (per request the agents rank and count in Python). An import replaces a table and
bumps `data_version` in the `meta` table in the same transaction; each server process
compares that number with the one it loaded (one tiny query per request, shared by the
requests that arrive together) and, when it changed, reads a new snapshot and switches to
it between two requests. Answers already streaming keep the snapshot they started with.
"""
from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass

JSON_COLUMNS = {"stones", "occasions", "sizes"}


@dataclass(frozen=True)
class ShopData:
    version: int
    catalog: list[dict]          # listed products only (withdrawn ones stay in the table)
    articles: list[dict]
    customers: list[dict]
    orders: list[dict]


def product_from_row(row: sqlite3.Row) -> dict:
    product = dict(row)
    for column in JSON_COLUMNS:
        product[column] = json.loads(product[column])
    product.pop("listed", None)
    return product


def data_version(db: sqlite3.Connection) -> int:
    row = db.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchone()
    return int(row[0]) if row else 0


def bump_data_version(db: sqlite3.Connection) -> int:
    """Call inside the import's transaction; returns the new version."""
    version = data_version(db) + 1
    db.execute("INSERT INTO meta (key, value) VALUES ('data_version', ?) "
               "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (str(version),))
    return version


def read_shop_data(db: sqlite3.Connection) -> ShopData:
    """All four tables and their version from one consistent snapshot of the file."""
    own_transaction = not db.in_transaction
    if own_transaction:
        db.execute("BEGIN")
    try:
        return ShopData(
            version=data_version(db),
            catalog=[product_from_row(row) for row in
                     db.execute("SELECT * FROM products WHERE listed = 1 ORDER BY id")],
            articles=[dict(row) for row in db.execute("SELECT * FROM articles ORDER BY published, id")],
            customers=[dict(row) for row in db.execute("SELECT * FROM customers ORDER BY id")],
            orders=[dict(row) for row in db.execute("SELECT * FROM orders ORDER BY date, id")])
    finally:
        if own_transaction:
            db.execute("COMMIT")
