-- The event log of runs (jewelstream/runs/postgres_log.py), used without Redis: the same
-- tables as runs/sqlite_log.py's. With Redis the runs live there and these stay empty.
CREATE TABLE runs (
    run_id TEXT PRIMARY KEY, user_id TEXT NOT NULL, browser TEXT, fingerprint TEXT, key TEXT,
    pid INTEGER NOT NULL, created DOUBLE PRECISION NOT NULL, state TEXT NOT NULL,
    lease DOUBLE PRECISION NOT NULL, watched DOUBLE PRECISION, cancel BOOLEAN NOT NULL,
    last_id INTEGER NOT NULL, ended DOUBLE PRECISION);
CREATE UNIQUE INDEX runs_by_key ON runs(user_id, key) WHERE key IS NOT NULL;
CREATE INDEX runs_by_fingerprint ON runs(user_id, fingerprint, created);
CREATE INDEX runs_by_pid ON runs(pid, state);
CREATE TABLE run_events (
    run_id TEXT NOT NULL, id INTEGER NOT NULL, data TEXT NOT NULL, PRIMARY KEY (run_id, id));
