"""The event JSON Schema (docs/events.schema.json) is the wire contract in a form a program
can check: tests/sse_reader.py checks every event the suite reads against it. These tests
make sure that check can fail, and that it fails for the right reasons."""
from __future__ import annotations

import pytest
from aiohttp import web

from jewelstream import events
from jewelstream.sse import EventStream
from tests.sse_reader import checked, collect, events_in

CONSULTANT = {"recommendations": ["p0001"], "extracted_preferences": {"type": "ring"},
              "products": [{"id": "p0001", "name": "Кольцо «Грация»", "price": 2190, "fineness": 925,
                            "stones": [], "stock": 3}]}
GOOD = [
    events.status("Обрабатываю запрос...", stage="received"),
    events.status("Ищу подходящие украшения...", stage="search", agent="consultant"),
    events.token("Прекрас", "consultant"),
    events.consultation_metadata(CONSULTANT),
    events.orchestrator_metadata({"consultant": CONSULTANT, "girlfriend": {"zodiac_sign": "Телец"},
                                  "taste": {"current_question_index": 2, "total_questions": 10,
                                            "is_complete": False, "profile": {}}},
                                 ["consultant", "girlfriend", "taste"]),
    events.done(),
    events.error("upstream_timeout", "Извините, помощник отвечает слишком долго.", agent="trend"),
    {**events.token("ый", "girlfriend"), "run_id": "r1"},       # extra fields are welcome
]
BAD = {
    "an empty token": {"type": "token", "content": "", "agent": "consultant"},
    "a token without its agent": {"type": "token", "content": "При"},
    "an unknown agent": {"type": "token", "content": "При", "agent": "stylist"},
    "an unknown type": {"type": "answer", "content": "При"},
    "a status without a stage": {"type": "status", "message": "Ищу..."},
    "an error without a message": {"type": "error", "error": "upstream_error"},
    "done with another message": {"type": "done", "message": "ok"},
    "flat metadata without products": {"type": "metadata", "recommendations": [], "extracted_preferences": {}},
    "an agent's metadata without its keys": {"type": "metadata", "data": {"trend": {"trends": []}},
                                            "completed_agents": ["trend"]},
    "a product without a price": {"type": "metadata", **{**CONSULTANT, "products": [{"id": "p1", "name": "Кольцо"}]}},
    "a negative count": {"type": "metadata", "completed_agents": ["analysis"], "data": {"analysis": {
        "total_customers": -1, "patterns": {}, "segments": []}}},
    "not an object": ["token"],
}


@pytest.mark.parametrize("event", GOOD, ids=lambda e: e["type"])
def test_the_servers_event_shapes_pass(event):
    assert checked(event) is event


@pytest.mark.parametrize("event", BAD.values(), ids=BAD.keys())
def test_events_that_break_the_contract_fail(event):
    with pytest.raises(AssertionError, match="events.schema.json"):
        checked(event)


async def test_a_wrong_event_on_the_wire_fails_the_reader(aiohttp_client):
    """The hook itself: a stream with one bad event fails whoever reads it (read_events for
    a live stream, events_in for a body read whole)."""
    async def handler(request):
        stream = EventStream(request, heartbeat=0)
        await stream.prepare()
        await stream.send(events.token("Да", "consultant"))
        await stream.send({"type": "token", "content": "", "agent": "consultant"})
        await stream.close()
        return stream.response

    app = web.Application()
    app.router.add_get("/stream", handler)
    client = await aiohttp_client(app)
    with pytest.raises(AssertionError, match="content"):
        await collect(await client.get("/stream"))
    body = await (await client.get("/stream")).read()
    with pytest.raises(AssertionError, match="content"):
        list(events_in(body))
