"""The event log of runs in Redis, shared by every node (`JEWELSTREAM_REDIS_URL`).

Per run: a stream `run:<id>:events` whose entry ids are the events' ids (`7-0` is event 7),
bounded by `XADD ... MAXLEN ~`, and a hash `run:<id>` with the record's fields (JSON each).
`key:<user>:<Idempotency-Key>` and `twin:<user>:<GET twin URL>` name a user's runs,
`line:<user>` (a set) holds those that may still be ahead of the user's next one: a new
run's record goes in with a script that reads and joins it in one step (runs/turns.py). A
follower on any node reads the record and the events after its last id in one
transaction, and waits for more with `XREAD BLOCK` (no polling). A cancel from another
node goes to `cancels:<producer>`, a set its producer empties every quarter second. Keys
of a finished run expire after the retention; a running one's after a day at most.

As on SQLite, the per-token path only queues: a writer task sends what piled up in one
pipeline (records, then all the events in one script call, then updates), after `linger`
seconds. Redis keeps
what is in flight, not what must last: the conversation log is in the database. The
producer is known by a node-unique id (host, process, random), not by its pid, and a
resumer decides it is gone by its lease alone (`spans_boxes`).
"""
from __future__ import annotations

import asyncio
import json
import logging
import os
import secrets
import socket
from dataclasses import fields

import redis.asyncio as redis

from jewelstream.config import SettingError
from jewelstream.runs.log import RUNNING, LingeringBatches, RunRecord, record_row

log = logging.getLogger(__name__)

MAX_EVENTS = 20_000          # a run's stream is cut past this many (an answer has ~1,000)
RUNNING_TTL = 24 * 3600      # a running run's keys outlive any answer
BLOCK_MS = 1000              # a follower's XREAD waits this long, then looks at the record
_FIELDS = [f.name for f in fields(RunRecord)]
# Set fields of a run's hash (ARGV: field, JSON value, ...) if it is still running; then,
# if ARGV[1] is not empty, append an event (ARGV[1]: its id, ARGV[2]: its data). 1 if set.
_IF_RUNNING = """
if redis.call('HGET', KEYS[1], 'state') ~= '"running"' then return 0 end
for i = 3, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
if ARGV[1] ~= '' then redis.call('XADD', KEYS[2], ARGV[1] .. '-0', 'd', ARGV[2]) end
return 1
"""
# Append a batch of events in one command (ARGV: the bound, the TTL, and the events as one
# JSON list of [stream key, event id, data]): one argument to pack and one reply to parse
# instead of three and one per event (redis-py packs each argument in Python).
_APPEND = """
for _, event in ipairs(cjson.decode(ARGV[3])) do
  redis.call('XADD', event[1], 'MAXLEN', '~', ARGV[1], event[2] .. '-0', 'd', event[3])
  if event[2] == 1 then redis.call('EXPIRE', event[1], ARGV[2]) end
end
return 0
"""

# A run joins its user's line (KEYS[1], a set; ARGV: the run's id, `since`, the TTL, the
# prefix of records' keys) and gets the ids of the runs already in it that still run or
# ended at `since` or later; runs whose record expired or ended earlier leave the line.
_LINE_UP = """
local ahead = {}
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local state = redis.call('HGET', ARGV[4] .. id, 'state')
  local ended = tonumber(redis.call('HGET', ARGV[4] .. id, 'ended'))
  if state == '"running"' or (ended and ended >= tonumber(ARGV[2])) then table.insert(ahead, id)
  elseif state == false or ended then redis.call('SREM', KEYS[1], id) end
end
redis.call('SADD', KEYS[1], ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[3])
return ahead
"""


class RedisRunLog:
    spans_boxes = True
    failures = (redis.ConnectionError, redis.TimeoutError, OSError)

    def __init__(self, url: str, *, prefix: str = "jewelstream:", retention: float = 900.0,
                 linger: float = 0.015) -> None:
        self.url, self.prefix, self.retention, self.linger = url, prefix, retention, linger
        self.producer = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"
        self.redis: redis.Redis | None = None
        self._running: set[str] = set()        # runs produced here, for their lease
        self._batches = LingeringBatches(self._send, linger=linger)   # commands, in order
        self._if_running = None

    async def open(self) -> None:
        self.redis = redis.Redis.from_url(self.url, decode_responses=True, max_connections=512)
        try:
            await self.redis.ping()
        except (redis.RedisError, OSError) as exc:
            # At start-up, like a database it cannot reach: refuse to start, in one line.
            await self.redis.aclose()
            raise SettingError(f"cannot reach Redis (JEWELSTREAM_REDIS_URL): {exc}") from exc
        self._if_running = self.redis.register_script(_IF_RUNNING)

    async def close(self) -> None:
        await self._batches.close()
        await self.redis.aclose()

    def _run(self, run_id: str) -> str:
        return f"{self.prefix}run:{run_id}"

    def _events(self, run_id: str) -> str:
        return f"{self.prefix}run:{run_id}:events"

    def _hash(self, record: RunRecord) -> dict[str, str]:
        row = dict(zip(_FIELDS, record_row(record)), producer=self.producer)
        return {name: json.dumps(value) for name, value in row.items()}

    # -- batched writes (the per-token path) ----------------------------------------------

    def create(self, record: RunRecord) -> None:
        self._running.add(record.run_id)
        self._batches.add(("create", record))

    def append(self, run_id: str, event_id: int, data: str) -> None:
        self._batches.add(("append", run_id, event_id, data))

    def finish(self, run_id: str, state: str, last_id: int, ended: float) -> None:
        self._running.discard(run_id)
        self._batches.add(("finish", run_id, state, last_id, ended))

    def touch(self, run_id: str, now: float) -> None:
        self._batches.add(("set", run_id, "watched", now))

    def refresh_lease(self, pid: int, now: float) -> None:
        for run_id in self._running:
            self._batches.add(("set", run_id, "lease", now))

    def hurry(self) -> None:
        self._batches.hurry()

    async def flushed(self) -> None:
        await self._batches.flushed()

    async def _send(self, batch: list[tuple]) -> None:
        """Records first, then the events (one script), then ends and fields, in one round
        trip; a run's record is always created before its events and ended after them."""
        pipe = self.redis.pipeline(transaction=False)
        events: list = []
        later = []
        for command, *args in batch:
            if command == "create":
                self._create(pipe, *args)
            elif command == "append":
                run_id, event_id, data = args
                events.append((self._events(run_id), event_id, data))
            else:
                later.append((command, *args))
        if events:
            pipe.eval(_APPEND, 0, MAX_EVENTS, RUNNING_TTL, json.dumps(events, ensure_ascii=False))
        for command, run_id, *args in later:
            if command == "finish":
                state, last_id, ended = args
                pipe.eval(_IF_RUNNING, 2, self._run(run_id), self._events(run_id), "", "",
                          "state", json.dumps(state), "last_id", last_id, "ended", json.dumps(ended))
                for key in (self._run(run_id), self._events(run_id)):
                    pipe.expire(key, int(self.retention) + 60)
            else:
                field, value = args
                pipe.hset(self._run(run_id), field, json.dumps(value))
        await pipe.execute()

    def _create(self, pipe, record: RunRecord) -> None:
        pipe.hset(self._run(record.run_id), mapping=self._hash(record))
        pipe.expire(self._run(record.run_id), RUNNING_TTL)
        if record.fingerprint:
            pipe.set(f"{self.prefix}twin:{record.user_id}:{record.fingerprint}", record.run_id, ex=RUNNING_TTL)

    # -- writes that wait --------------------------------------------------------------------

    async def line_up(self, record: RunRecord, since: float) -> list[RunRecord]:
        self._running.add(record.run_id)
        pipe = self.redis.pipeline(transaction=True)           # MULTI: nothing comes between
        pipe.eval(_LINE_UP, 1, f"{self.prefix}line:{record.user_id}", record.run_id, since,
                  RUNNING_TTL, f"{self.prefix}run:")
        self._create(pipe, record)
        ahead = (await pipe.execute())[0]
        return [found for found in [await self.record(run_id) for run_id in ahead] if found is not None]

    async def claim(self, record: RunRecord, since: float) -> tuple[RunRecord | None, list[RunRecord]]:
        key = f"{self.prefix}key:{record.user_id}:{record.key}"
        if await self.redis.set(key, record.run_id, nx=True, ex=RUNNING_TTL):
            return None, await self.line_up(record, since)
        holder = await self.redis.get(key)
        for _ in range(50):                       # its record may be a moment behind its key
            found = await self.record(holder)
            if found is not None:
                return found, []
            await asyncio.sleep(0.01)
        return None, []

    async def request_cancel(self, run_id: str) -> None:
        producer = await self.redis.hget(self._run(run_id), "producer")
        if producer is not None:
            await self.redis.hset(self._run(run_id), "cancel", "true")
            await self.redis.sadd(f"{self.prefix}cancels:{json.loads(producer)}", run_id)

    async def cancel_requests(self, pid: int) -> list[str]:
        return list(await self.redis.spop(f"{self.prefix}cancels:{self.producer}", 1000) or ())

    async def end_orphan(self, run_id: str, event_id: int, data: str, ended: float) -> bool:
        return bool(await self._if_running(
            keys=[self._run(run_id), self._events(run_id)],
            args=[event_id, data, "state", '"interrupted"', "last_id", event_id, "ended", json.dumps(ended)]))

    async def purge(self, before: float) -> None:
        """Nothing to do: a finished run's keys expire by themselves."""

    # -- reads -----------------------------------------------------------------------------

    async def record(self, run_id: str) -> RunRecord | None:
        return _record(await self.redis.hgetall(self._run(run_id)))

    async def find(self, user_id: str, *, key: str | None = None,
                   fingerprint: str | None = None) -> RunRecord | None:
        name = f"key:{user_id}:{key}" if key is not None else f"twin:{user_id}:{fingerprint}"
        run_id = await self.redis.get(self.prefix + name)
        return await self.record(run_id) if run_id else None

    async def read_after(self, run_id: str, after: int) -> tuple[RunRecord | None, list[tuple[int, str]]]:
        """The record and the events after `after`; if none yet and the run goes on, waits
        up to a second for the next ones (XREAD BLOCK)."""
        pipe = self.redis.pipeline(transaction=True)
        pipe.hgetall(self._run(run_id))
        pipe.xrange(self._events(run_id), min=f"({after}-0")
        raw, entries = await pipe.execute()
        record = _record(raw)
        if record is not None and not entries and record.state == RUNNING:
            found = await self.redis.xread({self._events(run_id): f"{after}-0"}, block=BLOCK_MS)
            entries = found[0][1] if found else []
        return record, [(int(entry_id.split("-")[0]), values["d"]) for entry_id, values in entries]


def _record(raw: dict[str, str]) -> RunRecord | None:
    if not raw:
        return None
    return RunRecord(**{name: json.loads(raw[name]) for name in _FIELDS if name in raw})
