"""One answer read to its end, over as many connections as it takes (a client of runs).

    stream = AnswerStream(session, url, payload, headers=...)
    async for event in stream: ...          # each event once, in order, whatever drops

The question goes out as a POST with an `Idempotency-Key`; the response names the run
(`X-Run-Id`). When the connection drops before the answer ended (`done` or `error`), the
stream reconnects with backoff to `GET /api/runs/{run_id}/stream` with `Last-Event-ID`;
if it dropped before the run id arrived, it repeats the POST with the same key, which joins
the run instead of asking again. Events it already has are skipped by id (and counted in
`duplicates`: the server should never send one). It gives up when no byte came for
`patience` seconds (the server's resume window is 30 by default), raising the last error.
`cancel()` asks the server to stop the run (Ctrl-C in the command-line client).

Used by jewelstream/client.py and the tests; it needs only aiohttp.
"""
from __future__ import annotations

import asyncio
import json
import random
import uuid
from typing import AsyncIterator

import aiohttp

TERMINAL = ("done", "error")


class HttpError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"HTTP {status}: {message}")
        self.status, self.message = status, message


class AnswerStream:
    def __init__(self, session: aiohttp.ClientSession, url: str, payload: dict, *,
                 headers: dict[str, str] | None = None, patience: float = 30.0) -> None:
        self.session = session
        self.url = url
        self.payload = payload
        self.headers = {"Idempotency-Key": uuid.uuid4().hex, **(headers or {})}
        self.patience = patience
        self.run_id: str | None = None
        self.last_id = 0
        self.connections = 0
        self.duplicates = 0
        self.reconnecting = False         # between a drop and the next byte
        self._over = False                # the last connection said: nothing more (204)

    def _base(self) -> str:
        return self.url.split("/api/", 1)[0]

    async def __aiter__(self) -> AsyncIterator[dict]:
        loop = asyncio.get_running_loop()
        failures, progress = 0, loop.time()
        while True:
            try:
                async for event in self._one_connection():
                    failures, progress, self.reconnecting = 0, loop.time(), False
                    yield event
                    if event.get("type") in TERMINAL:
                        return
                if self._over:
                    return
                error: Exception = aiohttp.ServerDisconnectedError("the stream ended before the answer")
            except (aiohttp.ClientConnectionError, aiohttp.ClientPayloadError, asyncio.TimeoutError) as exc:
                if isinstance(exc, aiohttp.ClientConnectorError) and self.connections == 1:
                    raise                     # no server there at all: say so at once
                error = exc
            if loop.time() - progress > self.patience:
                raise error
            self.reconnecting = True
            failures += 1
            await asyncio.sleep(min(2.0, 0.05 * 2 ** failures) * random.uniform(0.5, 1.0))

    async def _one_connection(self) -> AsyncIterator[dict]:
        self.connections += 1
        self._over = False
        headers = {**self.headers, "Last-Event-ID": str(self.last_id)}
        if self.run_id is None:
            request = self.session.post(self.url, json=self.payload, headers=headers)
        else:
            request = self.session.get(f"{self._base()}/api/runs/{self.run_id}/stream", headers=headers)
        async with request as response:
            if response.status == 204:        # the run is over and we have all of it
                self._over = True
                return
            if response.status != 200:
                raise HttpError(response.status, await _message(response))
            self.run_id = response.headers.get("X-Run-Id", self.run_id)
            async for event_id, event in sse_events(response):
                if event_id is not None and event_id <= self.last_id:
                    self.duplicates += 1
                    continue
                self.last_id = event_id or self.last_id
                yield event

    async def cancel(self) -> None:
        """Ask the server to stop the run (harmless if it is over or unknown)."""
        if self.run_id is None:
            return
        try:
            async with self.session.post(f"{self._base()}/api/runs/{self.run_id}/cancel",
                                         headers={k: v for k, v in self.headers.items() if k == "Authorization"},
                                         timeout=aiohttp.ClientTimeout(total=3)):
                pass
        except (aiohttp.ClientError, asyncio.TimeoutError):
            pass


async def sse_events(response: aiohttp.ClientResponse) -> AsyncIterator[tuple[int | None, dict]]:
    """(id, parsed `data:` JSON) of each event as it completes; comments skipped."""
    buffer, data, event_id = b"", [], None
    async for chunk in response.content.iter_any():
        buffer += chunk
        *lines, buffer = buffer.split(b"\n")
        for raw in lines:
            line = raw.decode("utf-8").rstrip("\r")
            if not line:
                if data:
                    yield event_id, json.loads("\n".join(data))
                    data, event_id = [], None
            elif line.startswith("data:"):
                data.append(line[5:].removeprefix(" "))
            elif line.startswith("id:") and line[3:].strip().isdigit():
                event_id = int(line[3:])


async def _message(response: aiohttp.ClientResponse) -> str:
    try:
        return (await response.json()).get("message", "")
    except (aiohttp.ContentTypeError, ValueError):
        return (await response.text())[:200]
