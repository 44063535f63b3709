"""Runs: an answer that outlives its connection (docs/wire.md, "Runs and resuming").

Every answer is a run with an id. Its producer (one task in the worker process that took
the question) drives the orchestrator's events, numbers them 1, 2, 3... and keeps them in
memory and in an event log; any number of streams follow it from an event id on:

    POST .../stream --> Runs.start --> produce (task) --> Run (memory) --> follow --> SSE
                                             |                              ^
                                             +--> RunLog (SQLite/Redis) ----+  other workers,
                                                                               other nodes,
                                                                               after a crash

- `run.py`       one run in its producing process: events, followers, the resume window
- `producer.py`  drives the orchestrator's events into a run; stop means stop
- `registry.py`  the worker's runs: start, find, idempotency keys, stop, the log's chores
- `turns.py`     one user's runs one after another: a new one waits for the earlier ones
- `liveness.py`  is a run's producer still there (its lease, its process)
- `sqlite_log.py` the durable event log (group-committed), shared by the box's workers
- `sqlite_tables.py` its file, tables and statements (the line-up)
- `postgres_log.py` the same in PostgreSQL, for one node on PostgreSQL without Redis
- `redis_log.py` the event log in Redis Streams, shared by every node (JEWELSTREAM_REDIS_URL)
- `follow.py`    the events of a run after an id: from memory, or from the log and live
- `followers.py` the resumes following each run here (at most four: the newest displaces the oldest)
- `http.py`      the endpoints: answer (a hook for the handlers), resume, cancel

The event log is an interface (`RunLog` in log.py) with three backends: SQLite or
PostgreSQL for one box, Redis Streams for several nodes (a resume on any node follows the
live run).
"""
