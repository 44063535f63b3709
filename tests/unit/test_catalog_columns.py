"""The catalog's article numbers and sizes in the store, also for a database file that was
created before they existed."""
import json
import sqlite3

from jewelstream.store import SqliteStore

OLD_PRODUCTS = """CREATE TABLE products (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, type TEXT NOT NULL, metal TEXT NOT NULL,
    fineness INTEGER NOT NULL, stones TEXT NOT NULL, style TEXT NOT NULL,
    occasions TEXT NOT NULL, recipient TEXT NOT NULL, price INTEGER NOT NULL,
    stock INTEGER NOT NULL, description TEXT NOT NULL)"""


async def test_products_carry_article_and_sizes(store):
    ring = next(p for p in store.catalog if p["type"] == "ring")
    earrings = next(p for p in store.catalog if p["type"] == "earrings")
    assert ring["article"].startswith("RG-") and ring["sizes"] and isinstance(ring["sizes"], list)
    assert earrings["sizes"] == []


async def test_an_old_database_file_gets_the_new_columns_and_keeps_its_data(tmp_path, seeded_db):
    path = str(tmp_path / "old.db")
    with sqlite3.connect(seeded_db) as new, sqlite3.connect(path) as old:
        old.execute(OLD_PRODUCTS)
        columns = "id, name, type, metal, fineness, stones, style, occasions, recipient, price, stock, description"
        old.executemany(f"INSERT INTO products ({columns}) VALUES ({', '.join('?' * 12)})",
                        new.execute(f"SELECT {columns} FROM products").fetchall())
        old.execute("UPDATE products SET name = 'Кольцо магазина' WHERE id = 'p0100'")
    store = await SqliteStore.open(path)
    try:
        by_id = {p["id"]: p for p in store.catalog}
        assert by_id["p0001"]["article"] == "ER-0001" and by_id["p0001"]["sizes"]
        assert by_id["p0100"]["article"] is None and by_id["p0100"]["name"] == "Кольцо магазина"
        assert len(store.catalog) == 335
    finally:
        await store.close()
    with sqlite3.connect(path) as db:
        index = db.execute("SELECT sql FROM sqlite_master WHERE name = 'products_by_article'").fetchone()
        assert "UNIQUE" in index[0]
        assert json.loads(db.execute("SELECT sizes FROM products WHERE id = 'p0300'").fetchone()[0]) == []
