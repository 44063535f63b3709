"""The per-user and per-address rate limits counted in Redis, so they hold across nodes.

With `JEWELSTREAM_REDIS_URL` set, `Traffic.admit` asks this instead of its own memory: one
script per request, atomic in Redis, keeps a sliding window per user id and per client
address (a sorted set of request times by Redis's own clock, so the nodes' clocks do not
matter) and answers the seconds to wait, or 0 and counts the request. A refused request
is not counted, as in memory. Left out: the stream limit, which protects each node's own
CPU and memory and so stays per process.
"""
from __future__ import annotations

import secrets

import redis.asyncio as redis

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


class SharedRate:
    def __init__(self, url: str, *, prefix: str) -> None:
        self.redis = redis.Redis.from_url(url, decode_responses=True)
        self.prefix = prefix
        self._script = self.redis.register_script(_SLIDING_WINDOW)

    async def wait_seconds(self, user_id: str, address: str, user_limit: int, address_limit: int,
                           window: float) -> float:
        """0 and the request counted, or the seconds until the user or address may ask again."""
        keys = [f"{self.prefix}rate:user:{user_id}", f"{self.prefix}rate:address:{address}"]
        answer = await self._script(keys=keys, args=[window, user_limit, address_limit, secrets.token_hex(4)])
        return float(answer)

    async def close(self) -> None:
        await self.redis.aclose()
