"""A small incremental SSE reader for the tests (WHATWG rules for what we send:
`id:`, `data:`, comments, blank line ends an event), and the check of every event it reads
against the wire contract's JSON Schema (docs/events.schema.json).

Every stream the suite parses goes through here, so every event the server sends in the
tests is checked; an event that breaks the schema fails the test that read it.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import AsyncIterator, Iterator

from aiohttp import ClientResponse
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "docs" / "events.schema.json"


def compile_validators(schema: dict) -> dict[str | None, Draft202012Validator]:
    """One validator per event type, each the whole schema with only that type's branch of
    the top-level `allOf` (the other branches' `if` cannot hold for it): the same verdicts,
    a few times faster than trying every branch on every token. Key None: the whole schema."""
    Draft202012Validator.check_schema(schema)
    validators = {None: Draft202012Validator(schema)}
    for branch in schema["allOf"]:
        kind = branch["if"]["properties"]["type"]["const"]
        validators[kind] = Draft202012Validator({**schema, "allOf": [branch["then"]]})
    return validators


VALIDATORS = compile_validators(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))


def checked(event) -> dict:
    """`event`, if the schema allows it; else an AssertionError that says why."""
    kind = event.get("type") if isinstance(event, dict) else None
    validator = VALIDATORS.get(kind, VALIDATORS[None])
    if not validator.is_valid(event):
        error = best_match(validator.iter_errors(event))
        where = "/".join(str(part) for part in error.absolute_path) or "the event"
        raise AssertionError(f"event breaks docs/events.schema.json at {where}: {error.message}\n{event}")
    return event


async def read_events(response: ClientResponse) -> AsyncIterator[dict]:
    """Parsed, checked JSON events as soon as each one is complete on the wire."""
    async for _, event in read_numbered(response):
        yield event


async def read_numbered(response: ClientResponse) -> AsyncIterator[tuple[int | None, dict]]:
    """(event id, parsed and checked JSON) of each event as soon as it is complete on the wire."""
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
                    yield event_id, checked(json.loads("\n".join(data)))
                    data, event_id = [], None
            elif line.startswith("id:"):
                event_id = int(line[3:])
            elif line.startswith("data:"):
                data.append(line[5:].removeprefix(" "))


def events_in(body: bytes) -> Iterator[dict]:
    """The checked events of a whole stream body already read (same rules as read_events)."""
    for block in body.decode("utf-8").replace("\r\n", "\n").split("\n\n"):
        data = [line[5:].removeprefix(" ") for line in block.split("\n") if line.startswith("data:")]
        if data:
            yield checked(json.loads("\n".join(data)))


async def collect(response: ClientResponse) -> list[dict]:
    return [event async for event in read_events(response)]


def text_of(events: list[dict], agent: str | None = None) -> str:
    return "".join(e["content"] for e in events
                   if e["type"] == "token" and (agent is None or e.get("agent") == agent))
