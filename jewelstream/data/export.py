"""Write a table in the import format, so a shop can round-trip its data.

CSV (the default): Russian headers, values as the shop's Russian words ("белое золото",
"бриллиант, сапфир", sizes "16,5; 17"), `;` separator and UTF-8 with a byte-order mark,
which is how Excel in a Russian locale opens a file without asking. JSON lines (a `.jsonl`
name): the English column names and the codes as stored. Both import back to the same
data (tests/http/test_data_import.py checks it). The catalog exports the products on sale
(withdrawn ones stay in the database only).
"""
from __future__ import annotations

import csv
import json
import sqlite3

from agents import vocabulary as V
from jewelstream.data.columns import Table
from jewelstream.data.snapshot import JSON_COLUMNS

# column key -> vocabulary table whose Russian label the CSV writes
_LABELS = {"type": V.PRODUCT_TYPES, "metal": V.METALS, "stones": V.STONES, "style": V.STYLES,
           "occasions": V.OCCASIONS, "recipient": V.PRODUCT_RECIPIENTS, "gender": V.GENDERS,
           "channel": V.CHANNELS}


def read_table(db: sqlite3.Connection, table: Table) -> list[dict]:
    where = " WHERE listed = 1" if table.store_table == "products" else ""
    keys = [column.key for column in table.columns]
    kinds = table.store_table == "products"      # a signet's "печатка" is written as its type
    selected = keys + ["kind"] if kinds else keys
    rows = []
    for row in db.execute(f"SELECT {', '.join(selected)} FROM {table.store_table}{where} ORDER BY id"):
        record = {key: json.loads(row[i]) if key in JSON_COLUMNS else row[i] for i, key in enumerate(selected)}
        if kinds:
            record["type"] = record.pop("kind") or record["type"]
        rows.append(record)
    return rows


def write_export(path: str, table: Table, rows: list[dict]) -> None:
    if path.lower().endswith((".jsonl", ".json")):
        with open(path, "w", encoding="utf-8") as file:
            for row in rows:
                file.write(json.dumps({k: v for k, v in row.items() if v is not None}, ensure_ascii=False) + "\n")
        return
    with open(path, "w", encoding="utf-8-sig", newline="") as file:
        writer = csv.writer(file, delimiter=";")
        writer.writerow([column.russian[0] for column in table.columns])
        for row in rows:
            writer.writerow([_cell(column.key, row[column.key]) for column in table.columns])


def _cell(key: str, value) -> str:
    if value is None:
        return ""
    if key == "sizes":
        return "; ".join(f"{size:g}".replace(".", ",") for size in value)
    if key in _LABELS:
        words = [V.label(_LABELS[key], code) for code in (value if isinstance(value, list) else [value])]
        return ", ".join(words)
    return str(value)
