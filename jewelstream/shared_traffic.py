"""What all nodes count together in Redis: the rate limits, failed attempts and the open
streams.

With `JEWELSTREAM_REDIS_URL` set, `Traffic.admit` asks this instead of its own memory: one
script per request, atomic in Redis, keeps a sliding window per user id and per client
address (a sorted set of request times by Redis's own clock, so the nodes' clocks do not
matter) and answers the seconds to wait, or 0 and counts the request. A refused request
is not counted, as in memory. The same script counts an address's failed attempts (run
ids found nowhere: attempts.py), so a guesser's limit holds for all nodes together.

When Redis errs or does not answer within `TIMEOUT` seconds, a check answers None and the
caller counts in its own memory, per process, as without Redis (never a refusal or a 500
because the counter is away); the warning is logged at most every `QUIET` seconds.

Open streams: each stream of every node is a member of one sorted set while it is open
(scored with the time it expires by itself, so a dead node's streams drop out); each
change answers the new total (`total`), which `Traffic` checks against the limit of all
nodes (`JEWELSTREAM_MAX_STREAMS_TOTAL`) and /health shows. The per-process limit stays:
it protects each process's own CPU and memory.
"""
from __future__ import annotations

import asyncio
import logging
import secrets
import time

import redis.asyncio as redis

log = logging.getLogger(__name__)

TIMEOUT = 1.0           # seconds a check may wait for Redis before this process counts alone
QUIET = 10.0            # seconds between two warnings that Redis is away

# KEYS: the windows to check; ARGV: the window (seconds), then one limit per key (0: none).
_SLIDING_WINDOW = """
local time = redis.call('TIME')
local now = tonumber(time[1]) + tonumber(time[2]) / 1e6
local window = tonumber(ARGV[1])
for i, key in ipairs(KEYS) do
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  local limit = tonumber(ARGV[i + 1])
  if limit > 0 and redis.call('ZCARD', key) >= limit then
    local oldest = tonumber(redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')[2])
    return tostring(oldest + window - now)
  end
end
for i, key in ipairs(KEYS) do
  redis.call('ZADD', key, now, ARGV[#KEYS + 2] .. ':' .. now)
  redis.call('EXPIRE', key, math.ceil(window) + 1)
end
return '0'
"""
# KEYS[1]: the set of open streams; ARGV: the stream, its expiry (seconds from now; 0: it
# closed). The number of open streams of all nodes.
_OPEN_STREAMS = """
local time = redis.call('TIME')
local now = tonumber(time[1]) + tonumber(time[2]) / 1e6
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if tonumber(ARGV[2]) > 0 then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
else
  redis.call('ZREM', KEYS[1], ARGV[1])
end
return redis.call('ZCARD', KEYS[1])
"""


class SharedTraffic:
    def __init__(self, url: str, *, prefix: str, stream_lifetime: float = 3600) -> None:
        self.redis = redis.Redis.from_url(url, decode_responses=True)
        self.prefix = prefix
        self.stream_lifetime = stream_lifetime     # the longest a stream may be open
        self.total = 0                             # open streams of all nodes, as last heard
        self._script = self.redis.register_script(_SLIDING_WINDOW)
        self._open_streams = self.redis.register_script(_OPEN_STREAMS)
        self._node = secrets.token_hex(6)
        self._changes: set[asyncio.Task] = set()
        self._warned = float("-inf")

    async def wait_seconds(self, user_id: str, address: str, user_limit: int, address_limit: int,
                           window: float) -> float | None:
        """0 and the request counted, or the seconds until the user or address may ask
        again; None when Redis cannot tell."""
        keys = [f"{self.prefix}rate:user:{user_id}", f"{self.prefix}rate:address:{address}"]
        return await self._window(keys, [window, user_limit, address_limit])

    async def attempt(self, kind: str, address: str, limit: int, window: float) -> float | None:
        """0 and one failed attempt of `address` counted (`kind`: what failed), or the
        seconds until it may try again; None when Redis cannot tell."""
        return await self._window([f"{self.prefix}attempts:{kind}:{address}"], [window, limit])

    async def _window(self, keys: list[str], args: list) -> float | None:
        try:
            async with asyncio.timeout(TIMEOUT):
                return float(await self._script(keys=keys, args=[*args, secrets.token_hex(4)]))
        except (redis.RedisError, OSError, TimeoutError) as exc:
            if time.monotonic() - self._warned >= QUIET:
                self._warned = time.monotonic()
                log.warning("the shared limits in Redis failed, each process counts alone: %s: %s",
                            type(exc).__name__, exc)
            return None

    def stream_opened(self, stream_id: int) -> None:
        self._change(stream_id, self.stream_lifetime)

    def stream_closed(self, stream_id: int) -> None:
        self._change(stream_id, 0)

    def _change(self, stream_id: int, lifetime: float) -> None:
        """Tell Redis, without holding the stream up; the answer updates `total`."""
        task = asyncio.ensure_future(self._send_change(f"{self._node}:{stream_id}", lifetime))
        self._changes.add(task)
        task.add_done_callback(self._changes.discard)

    async def _send_change(self, member: str, lifetime: float) -> None:
        try:
            self.total = int(await self._open_streams(keys=[f"{self.prefix}streams"], args=[member, lifetime]))
        except Exception as exc:                 # Redis away: the per-process limit still holds
            log.warning("the count of open streams in Redis failed: %s: %s", type(exc).__name__, exc)

    async def close(self) -> None:
        if self._changes:
            await asyncio.wait(self._changes, timeout=2)
        await self.redis.aclose()
