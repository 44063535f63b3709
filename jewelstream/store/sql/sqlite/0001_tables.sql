-- The shop's tables and what users tell us (SQLite). IF NOT EXISTS: a database file made
-- before versioned migrations already has them, and gets version 1 without a change.
CREATE TABLE IF NOT EXISTS products (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, type TEXT NOT NULL, metal TEXT NOT NULL,
    fineness INTEGER NOT NULL, stones TEXT NOT NULL, style TEXT NOT NULL,
    occasions TEXT NOT NULL, recipient TEXT NOT NULL, price INTEGER NOT NULL,
    stock INTEGER NOT NULL, description TEXT NOT NULL, article TEXT,
    sizes TEXT NOT NULL DEFAULT '[]', image TEXT, listed INTEGER NOT NULL DEFAULT 1);
CREATE TABLE IF NOT EXISTS customers (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, gender TEXT, birth_date TEXT, city TEXT,
    registered TEXT, kind TEXT);
CREATE TABLE IF NOT EXISTS orders (
    id TEXT PRIMARY KEY, customer_id TEXT NOT NULL REFERENCES customers(id),
    product_id TEXT NOT NULL REFERENCES products(id), date TEXT NOT NULL,
    quantity INTEGER NOT NULL, amount INTEGER NOT NULL, channel TEXT);
CREATE INDEX IF NOT EXISTS orders_by_date ON orders(date);
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY, magazine TEXT NOT NULL, title TEXT NOT NULL,
    published TEXT NOT NULL, text TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS profiles (
    user_id TEXT PRIMARY KEY, data TEXT NOT NULL, updated REAL NOT NULL);
CREATE TABLE IF NOT EXISTS messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT, user_id TEXT NOT NULL, role TEXT NOT NULL,
    agent TEXT, content TEXT NOT NULL, state TEXT NOT NULL, created REAL NOT NULL);
CREATE INDEX IF NOT EXISTS messages_by_user ON messages(user_id, id);
CREATE TABLE IF NOT EXISTS owners (
    user_id TEXT PRIMARY KEY, browser TEXT NOT NULL, created REAL NOT NULL);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
