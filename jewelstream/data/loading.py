"""Put rows into the store's tables: the demo data on first start, and an import, which
replaces one table in one transaction and bumps the data version running servers watch.

What an import of each table does:
- catalog: products in the file are added or updated (listed for sale); products that are
  not in the file are withdrawn (`listed = 0`), not deleted, so past orders and old
  conversations still find them. A row without an id keeps the id of the product with
  its article number, or gets a new one (p0336...).
- customers: replaced; orders of customers who are not in the file go with them.
- orders, articles: replaced.
User profiles, dialogue state, questionnaire progress, the conversation log and run
events live in other tables and are never touched.
"""
from __future__ import annotations

import json
import re
import sqlite3
from collections import Counter

from jewelstream import seed
from jewelstream.data.columns import Table
from jewelstream.data.snapshot import JSON_COLUMNS, bump_data_version


def insert_rows(db: sqlite3.Connection, table: str, rows: list[dict], *, upsert: bool = False) -> None:
    """Insert `rows` (dicts of the table's columns; lists become JSON); `upsert` updates
    rows whose id exists."""
    if not rows:
        return
    present = [c[1] for c in db.execute(f"PRAGMA table_info({table})")]
    columns = [c for c in present if any(c in row for row in rows[:1])]
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    if upsert:
        sql += " ON CONFLICT(id) DO UPDATE SET " + ", ".join(f"{c} = excluded.{c}" for c in columns if c != "id")
    db.executemany(sql, [[json.dumps(row.get(c), ensure_ascii=False) if c in JSON_COLUMNS else row.get(c)
                          for c in columns] for row in rows])


def insert_demo_data(db: sqlite3.Connection) -> None:
    """The shipped demo shop (jewelstream.seed) into empty tables."""
    catalog, customers = seed.build_catalog(), seed.build_customers()
    insert_rows(db, "products", catalog)
    insert_rows(db, "customers", customers)
    insert_rows(db, "orders", seed.build_orders(customers, catalog))
    insert_rows(db, "articles", seed.build_articles())


def replace_table(db: sqlite3.Connection, table: Table, records: list[dict]) -> Counter:
    """Replace `table` with `records` inside the caller's transaction and bump the data
    version; returns what changed: added, updated, unchanged, removed (withdrawn for the
    catalog), and orders removed with their customers."""
    name = table.store_table
    before = {row["id"]: dict(row) for row in db.execute(f"SELECT * FROM {name}")}
    if name == "products":
        records = _with_product_ids(records, before)
        for record in records:
            record["listed"] = 1
    keys = [c.key for c in table.columns if c.key != "id"]
    if name == "products":
        keys.append("kind")               # read from the type cell ("печатка"), no column of its own
    change = Counter()
    for record in records:
        old = before.get(record["id"])
        same = old is not None and all(_stored(record.get(k), k) == old.get(k) for k in keys) \
            and old.get("listed", 1) == 1
        change["added" if old is None else "unchanged" if same else "updated"] += 1
    ids = {record["id"] for record in records}
    gone = [i for i, row in before.items() if i not in ids and row.get("listed", 1) == 1]
    change["removed"] = len(gone)
    if name == "products":
        # An article number may move to another id: free those the file gives out first.
        # Withdrawn products keep theirs, so a later import that lists them again finds them.
        _clear_articles(db, [r["article"] for r in records if r.get("article")])
        insert_rows(db, name, records, upsert=True)
        db.executemany("UPDATE products SET listed = 0 WHERE id = ?", [(i,) for i in gone])
    elif name == "customers":                # orders point at customers: replace in place
        change["orders_removed"] = _delete_in(db, "orders", "customer_id", gone)
        _delete_in(db, name, "id", gone)
        insert_rows(db, name, records, upsert=True)
    else:
        db.execute(f"DELETE FROM {name}")
        insert_rows(db, name, records)
    bump_data_version(db)
    return change


def _with_product_ids(records: list[dict], before: dict[str, dict]) -> list[dict]:
    by_article = {row["article"]: i for i, row in before.items() if row.get("article")}
    numbers = [int(m.group(1)) for i in before if (m := re.fullmatch(r"p(\d+)", i))]
    assigned = {r["id"] for r in records if r.get("id")}     # ids used by this import
    next_number = max(numbers, default=0) + 1
    result = []
    for record in records:
        record = dict(record)
        if not record.get("id"):
            record["id"] = by_article.get(record.get("article"))
            if record["id"] is None or record["id"] in assigned:
                while f"p{next_number:04d}" in assigned or f"p{next_number:04d}" in before:
                    next_number += 1
                record["id"] = f"p{next_number:04d}"
            assigned.add(record["id"])
        result.append(record)
    return result


def _clear_articles(db: sqlite3.Connection, articles: list[str]) -> None:
    for start in range(0, len(articles), 500):
        chunk = articles[start:start + 500]
        db.execute(f"UPDATE products SET article = NULL WHERE article IN ({', '.join('?' * len(chunk))})", chunk)


def _stored(value, key: str):
    return json.dumps(value, ensure_ascii=False) if key in JSON_COLUMNS else value


def _delete_in(db: sqlite3.Connection, table: str, column: str, values: list[str]) -> int:
    removed = 0
    for start in range(0, len(values), 500):
        chunk = values[start:start + 500]
        removed += db.execute(f"DELETE FROM {table} WHERE {column} IN ({', '.join('?' * len(chunk))})",
                              chunk).rowcount
    return removed
