"""The Server-Sent Events writer, by hand on aiohttp's StreamResponse.

Wire format (docs/wire.md):

    id: 1\n
    data: {"type":"status","message":"..."}\n
    \n
    : ping\n          <- a comment after `heartbeat` idle seconds, so proxies keep the
    \n                   connection open and the client can tell a slow LLM from a dead one

Each event is written (and flushed to the socket) as soon as it is sent. When the client
reads slower than tokens come, asyncio's transport keeps what the socket cannot take and
sends everything that piled up in one go, so events already queued are coalesced without
our help (coalescing also the events that arrive in one turn of the loop saved at most 6%
of the CPU in the benchmark's burst case and nothing in the 200-stream case). The JSON keeps
Cyrillic as UTF-8 (`ensure_ascii=False`) and holds no raw newline, so one `data:` line
always carries one whole event.

A client that stops reading (its receive buffer full, the connection still up) would hold
its stream, its slot and its backlog for ever: aiohttp's `write` waits for the transport to
drain, and TCP never gives up on a window of zero. The heartbeat timer also watches for
that (so it needs `heartbeat` > 0): when a write has waited `write_timeout` seconds, the
connection is dropped and the stream ends as if the client had left (ClientGone). What this module leaves out: event names (`event:`),
`retry:`, and which events a resumed stream carries (jewelstream/runs/).
"""
from __future__ import annotations

import asyncio
import json
from typing import Any

from aiohttp import web

HEADERS = {
    "Content-Type": "text/event-stream; charset=utf-8",
    "Cache-Control": "no-cache",
    "Connection": "keep-alive",
    "X-Accel-Buffering": "no",             # nginx: do not buffer the stream
}
PING = b": ping\n\n"

_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def encode_event(event_id: int | None, data: Any) -> bytes:
    """One event as the bytes that go on the wire (`None`: with no id, so the client's
    last event id stays that of the event before it)."""
    if event_id is None:
        return f"data: {_encode(data)}\n\n".encode()
    return f"id: {event_id}\ndata: {_encode(data)}\n\n".encode()


class ClientGone(Exception):
    """The client closed the connection; stop producing for it."""


class EventStream:
    """An open SSE response: `await prepare()`, then `send()` events, then `close()`."""

    def __init__(self, request: web.Request, heartbeat: float = 15.0,
                 headers: dict[str, str] | None = None, write_timeout: float = 60.0) -> None:
        self.request = request
        self.heartbeat = heartbeat
        self.write_timeout = write_timeout     # checked when the heartbeat timer fires
        self.response = web.StreamResponse(status=200, headers={**HEADERS, **(headers or {})})
        self.last_id = 0
        self._last_write = 0.0
        self._writing = 0                      # writes waiting for the transport to drain
        # The heartbeat is a timer, not a task per stream: a timer handle is a few hundred
        # bytes and costs nothing until it fires, which matters with 1,000 open streams.
        self._timer: asyncio.TimerHandle | None = None
        self._pinging: asyncio.Task | None = None

    async def prepare(self) -> None:
        await self.response.prepare(self.request)
        self._last_write = asyncio.get_running_loop().time()
        if self.heartbeat > 0:
            self._schedule(self.heartbeat)

    async def send(self, data: Any) -> None:
        """Write one event (a JSON-able dict) with the next id; ClientGone if the client left."""
        self.last_id += 1
        await self._write(encode_event(self.last_id, data))

    async def send_encoded(self, payload: bytes, last_id: int) -> None:
        """Write events already encoded (encode_event) with their own ids, the last of
        them `last_id`: a run's events keep their ids on every stream that carries them."""
        self.last_id = last_id
        await self._write(payload)

    async def close(self) -> None:
        """Stop the heartbeat and end the response (harmless if the client is gone)."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._pinging is not None:
            self._pinging.cancel()
            self._pinging = None
        if not self.response.prepared:
            return                                 # the client left before anything was sent
        try:
            await self.response.write_eof()
        except (ConnectionError, RuntimeError):
            pass

    async def _write(self, payload: bytes) -> None:
        # One write() call puts the whole event into the transport at once, so a ping from
        # the heartbeat task can never land in the middle of an event.
        self._last_write = asyncio.get_running_loop().time()
        self._writing += 1
        try:
            await self.response.write(payload)
        except (ConnectionError, RuntimeError) as exc:   # reset, or writing after close
            raise ClientGone() from exc
        finally:
            self._writing -= 1

    def _schedule(self, delay: float) -> None:
        self._timer = asyncio.get_running_loop().call_later(delay, self._heartbeat_due)

    def _heartbeat_due(self) -> None:
        """The timer fired: ping if nothing was written for `heartbeat` seconds, and look
        again when the next ping could be due (writes do not touch the timer)."""
        idle_for = asyncio.get_running_loop().time() - self._last_write
        if self._writing and 0 < self.write_timeout <= idle_for:
            # The client has taken nothing for write_timeout seconds: let it go. The write
            # that waits to drain returns, the next one fails: ClientGone.
            if self.request.transport is not None:
                self.request.transport.abort()
            return
        if idle_for < self.heartbeat:
            self._schedule(self.heartbeat - idle_for)
            return
        if not self._writing:            # a ping behind a write that waits to drain is no use
            self._pinging = asyncio.ensure_future(self._ping())
        self._schedule(self.heartbeat)

    async def _ping(self) -> None:
        try:
            await self._write(PING)
        except ClientGone:
            pass
