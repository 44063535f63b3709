"""A small incremental SSE reader for the tests (WHATWG rules for what we send:
`id:`, `data:`, comments, blank line ends an event)."""
from __future__ import annotations

import json
from typing import AsyncIterator

from aiohttp import ClientResponse


async def read_events(response: ClientResponse) -> AsyncIterator[dict]:
    """Parsed JSON events as soon as each one is complete on the wire."""
    async for _, event in read_numbered(response):
        yield event


async def read_numbered(response: ClientResponse) -> AsyncIterator[tuple[int | None, dict]]:
    """(event id, parsed JSON) of each event as soon as it is complete on the wire."""
    buffer = b""
    data: list[str] = []
    event_id = None
    async for chunk in response.content.iter_any():
        buffer += chunk
        while b"\n" in buffer:
            raw, buffer = buffer.split(b"\n", 1)
            line = raw.decode("utf-8").rstrip("\r")
            if line == "":
                if data:
                    yield event_id, json.loads("\n".join(data))
                    data, event_id = [], None
            elif line.startswith("id:"):
                event_id = int(line[3:])
            elif line.startswith("data:"):
                data.append(line[5:].removeprefix(" "))


async def collect(response: ClientResponse) -> list[dict]:
    return [event async for event in read_events(response)]


def text_of(events: list[dict], agent: str | None = None) -> str:
    return "".join(e["content"] for e in events
                   if e["type"] == "token" and (agent is None or e.get("agent") == agent))
