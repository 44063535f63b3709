"""What many tests share and nothing else: the repository's root, the two stream
endpoints, the staff token and its header, SQL on a test's database, a profile to start
from, and one agent's graph run on its own with the offline writer (no server, no LLM).

Fixtures live in the conftest.py files (tests/conftest.py for the whole suite, a folder's
own for that folder); reading streams is tests/sse_reader.py.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

from agents.base import AgentContext
from agents.offline import OfflineWriter

ROOT = Path(__file__).resolve().parent.parent
CONSULTATION = "/api/consultation/{}/stream"
ORCHESTRATOR = "/api/orchestrator/{}/stream"
STAFF_TOKEN = "staff-secret"
STAFF = {"Authorization": f"Bearer {STAFF_TOKEN}"}


async def save_profile(store, user_id: str, data: dict) -> None:
    """Give `user_id` exactly this profile (a test's starting point)."""
    await store.update_profile(user_id, lambda _: data)


def db_rows(path: str, sql: str, *args) -> list[tuple]:
    """The rows of a query on the SQLite file at `path` (its own connection)."""
    with sqlite3.connect(path) as db:
        return db.execute(sql, args).fetchall()


async def run_graph(graph, store, message: str, history=(), *, user: str = "u1", staff: bool = False) -> dict:
    """The final state of one agent's graph for one message, its words from the offline
    writer at full speed (so the answer is the agent's draft, as is)."""
    context = AgentContext(store=store, llm=OfflineWriter(pace=0), staff=staff)
    return await graph.ainvoke({"user_id": user, "message": message, "history": list(history)},
                               context=context)
