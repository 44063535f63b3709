-- The shop's tables and what users tell us (PostgreSQL): the same tables and columns as
-- SQLite's 0001 plus its products upgrade, JSON kept as text as there.
CREATE TABLE products (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, type TEXT NOT NULL, metal TEXT NOT NULL,
    fineness INTEGER NOT NULL, stones TEXT NOT NULL, style TEXT NOT NULL,
    occasions TEXT NOT NULL, recipient TEXT NOT NULL, price INTEGER NOT NULL,
    stock INTEGER NOT NULL, description TEXT NOT NULL, article TEXT,
    sizes TEXT NOT NULL DEFAULT '[]', image TEXT, listed INTEGER NOT NULL DEFAULT 1);
CREATE UNIQUE INDEX products_by_article ON products(article);
CREATE TABLE customers (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, gender TEXT, birth_date TEXT, city TEXT,
    registered TEXT, kind TEXT);
CREATE TABLE orders (
    id TEXT PRIMARY KEY, customer_id TEXT NOT NULL REFERENCES customers(id),
    product_id TEXT NOT NULL REFERENCES products(id), date TEXT NOT NULL,
    quantity INTEGER NOT NULL, amount INTEGER NOT NULL, channel TEXT);
CREATE INDEX orders_by_date ON orders(date);
CREATE TABLE articles (
    id TEXT PRIMARY KEY, magazine TEXT NOT NULL, title TEXT NOT NULL,
    published TEXT NOT NULL, text TEXT NOT NULL);
CREATE TABLE profiles (
    user_id TEXT PRIMARY KEY, data TEXT NOT NULL, updated DOUBLE PRECISION NOT NULL);
CREATE TABLE messages (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, user_id TEXT NOT NULL,
    role TEXT NOT NULL, agent TEXT, content TEXT NOT NULL, state TEXT NOT NULL,
    created DOUBLE PRECISION NOT NULL);
CREATE INDEX messages_by_user ON messages(user_id, id);
CREATE TABLE owners (
    user_id TEXT PRIMARY KEY, browser TEXT NOT NULL, created DOUBLE PRECISION NOT NULL);
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
