"""The events a stream carries, as plain dicts in the shape of the wire contract
(docs/wire.md; docs/events.schema.json checks them).

Order on the wire: status* token* metadata done, or error (and the end) at any point.
Every event carries `agent` where one agent produced it; a status's `stage` and an error's
`error` code are the machine-readable companions of the Russian `message`.
"""
from __future__ import annotations

from jewelstream.texts import say

DONE_MESSAGE = say("done")


def status(message: str, *, stage: str, agent: str | None = None) -> dict:
    event = {"type": "status", "message": message, "stage": stage}
    if agent:
        event["agent"] = agent
    return event


def token(content: str, agent: str) -> dict:
    return {"type": "token", "content": content, "agent": agent}


def consultation_metadata(agent_metadata: dict) -> dict:
    """The consultation endpoint's flat metadata: the consultant's keys at the top level."""
    return {"type": "metadata", **agent_metadata, "agent": "consultant"}


def orchestrator_metadata(by_agent: dict[str, dict], completed: list[str], *,
                          failed: dict[str, dict] | None = None) -> dict:
    """`failed`: agents whose answer failed while the others' answers completed, each with
    its `error` code and Russian `message` (left out when none failed)."""
    event = {"type": "metadata", "data": by_agent, "completed_agents": completed}
    if failed:
        event["failed_agents"] = failed
    return event


def done() -> dict:
    return {"type": "done", "message": DONE_MESSAGE}


def error(code: str, message: str, *, agent: str | None = None) -> dict:
    event = {"type": "error", "error": code, "message": message}
    if agent:
        event["agent"] = agent
    return event
