-- The catalog's own word for a piece's kind when it is more specific than its type
-- ("печатка" of a ring), null when the type says it all.
ALTER TABLE products ADD COLUMN kind TEXT;
