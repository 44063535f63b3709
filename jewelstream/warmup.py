"""Warm-up: before it takes real questions, the server answers a few of its own.

Why: a question runs most of the code it needs once (the request's set-up, the agents'
reading of the message, LangGraph's run), and CPython runs a function unspecialized until
it has been called a few times (3.11 specializes a function's bytecode after 8 calls,
PEP 659); several things are also built at their first use (the catalog's indexes,
compiled patterns, LangGraph's and LangChain's own caches). So the first questions after
every start paid for it. Measured from the request to the LLM request, the server's own
time before an answer can start (six restarts, ten questions in a row each, medians;
docs/performance.md): without the warm-up the first question took ~20 ms, the second ~10,
the next ones ~7; with it the first ~12, the second ~7.5, the next ones ~7.

What it runs: the orchestrator's own agents answer a short conversation with the
consultant and two questions the orchestrator routes (agents/samples.py), three rounds,
on a scratch in-memory database (the demo catalog) with the offline writer at full
speed, and each event is encoded as a run keeps it. Nothing leaves the process: no LLM
request, nothing in the shop's database, no request in /metrics or the request log. It
takes ~0.5 s of the start-up (516-612 ms in six starts here), before the server
listens. `JEWELSTREAM_WARMUP=0` turns it off.

What it leaves out: the HTTP side (aiohttp's handlers, runs, the SSE writes) and the LLM
client, which only real requests run; and the shop's own catalog's indexes (built by the
first real question, as before).
"""
from __future__ import annotations

import logging
import time

from agents import SAMPLE_CONVERSATION as CONVERSATION, SAMPLE_ROUTED as ROUTED, OfflineWriter
from jewelstream.config import Settings
from jewelstream.orchestrator import Orchestrator
from jewelstream.requests import ChatRequest
from jewelstream.runs.run import encode_json
from jewelstream.store import open_store

log = logging.getLogger(__name__)

ROUNDS = 3        # 9 answers of the consultant, 15 in all: past the 8 calls that specialize


async def warm_up(orchestrator: Orchestrator, rounds: int = ROUNDS) -> int:
    """Answer the warm-up's questions with `orchestrator`'s agents on a scratch store;
    returns how many were answered to their end. A failure only ends the warm-up early
    (logged): the server starts all the same."""
    started, answered, scratch = time.perf_counter(), 0, None
    try:
        scratch = await open_store(Settings(db_path=":memory:"))
        rehearsal = Orchestrator(orchestrator.agents, scratch, OfflineWriter(pace=0), orchestrator.limits,
                                 shop_facts=orchestrator.shop_facts)
        for round_ in range(rounds):
            user_id = f"warmup-{round_}"
            for message in CONVERSATION:
                answered += await _answer(rehearsal, user_id, ChatRequest(message, []), ["consultant"],
                                          flat_metadata=True)
            for message in ROUTED:
                request = ChatRequest(message, [])
                turn = rehearsal.read_turn(user_id)
                names = await rehearsal.choose_agents(user_id, request, turn, staff=False)
                answered += await _answer(rehearsal, user_id, request, names, flat_metadata=False, turn=turn)
    except Exception:  # noqa: BLE001 - a warm-up never stops the server from starting
        log.warning("warm-up stopped early", exc_info=True)
    finally:
        if scratch is not None:
            await scratch.close()
    log.info("warm-up: %d questions answered in %.0f ms", answered, (time.perf_counter() - started) * 1000)
    return answered


async def _answer(orchestrator: Orchestrator, user_id: str, request: ChatRequest, names: list[str], *,
                  flat_metadata: bool, turn=None) -> int:
    last = None
    async for event in orchestrator.stream(user_id, request, names, flat_metadata=flat_metadata, turn=turn):
        encode_json(event)                     # as a run keeps each event (runs/run.py)
        last = event
    return int(last is not None and last["type"] == "done")
