"""Several agents' runs as one stream of items (the orchestrator's two-agent answers), and
the products an agent's tools found joined to its metadata.

`merge_runs` yields the items of every run as they come; a run that fails ends with an
`AgentFailed` item while the others go on, so one agent's failure never ends the other's
answer (the orchestrator decides what the stream says about it). Leaves out the events
themselves (jewelstream/orchestrator.py).
"""
from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import AsyncIterator, Mapping


@dataclass(frozen=True)
class AgentFailed:
    """One agent's run failed while others may still answer (`merge_runs`)."""
    agent: str
    error: Exception


async def merge_runs(runs: Mapping[str, AsyncIterator]) -> AsyncIterator:
    """Items of several agents' runs as they come. A run that fails ends with an
    AgentFailed item; the others go on (one agent's failure does not end the others')."""
    queue: asyncio.Queue = asyncio.Queue()
    finished = object()

    async def pump(name: str, run: AsyncIterator) -> None:
        try:
            async for item in run:
                await queue.put(item)
            await queue.put(finished)
        except Exception as exc:
            await queue.put(AgentFailed(name, exc))

    tasks = [asyncio.create_task(pump(name, run)) for name, run in runs.items()]
    try:
        running = len(tasks)
        while running:
            item = await queue.get()
            running -= item is finished or isinstance(item, AgentFailed)
            if item is not finished:
                yield item
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


def with_products(meta: dict, products) -> dict:
    """An agent's metadata with the products its tools found and its answer names, after
    the ones it had (each once): the cards match the text."""
    had = {product["id"] for product in meta.get("products") or []}
    new = [product for product in products if product["id"] not in had]
    return {**meta, "products": [*(meta.get("products") or []), *new],
            "recommendations": [*(meta.get("recommendations") or []), *(p["id"] for p in new)]}
