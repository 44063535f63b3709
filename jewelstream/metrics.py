"""`GET /metrics` in the Prometheus text format (prometheus-client), and what it counts.

- `jewelstream_requests_total{endpoint,method,status}`: every HTTP request (request_log.py)
- `jewelstream_answers_total{endpoint,outcome}`: answers by how they ended (`done`;
  `degraded`, done with an agent's grounded draft because the LLM failed before its first
  token; or the error's code: `upstream_timeout`, `stopped`, ...); `jewelstream_active_answers`
- `jewelstream_time_to_first_token_seconds`, `jewelstream_answer_duration_seconds`
- `jewelstream_upstream_errors_total{code}`: the LLM's failures (`upstream_*` codes)
- `jewelstream_llm_tokens_total{kind}`: `input` and `output` tokens, where the LLM
  reports usage (the orchestrator tells `count_tokens`)
- `jewelstream_store_seconds{operation}`: the store's latency (store/timed.py)

Each app has its own registry (no module state). With `--workers N` every worker is a
process of its own: server.py then points PROMETHEUS_MULTIPROC_DIR at a fresh folder, and
a scrape (answered by any worker) adds up all of them (prometheus-client's multiprocess
mode). Left out: the LLM's own latency inside the answer (the first token covers it).
"""
from __future__ import annotations

import os
import time
from typing import AsyncIterator

from prometheus_client import (CollectorRegistry, Counter, Gauge, Histogram,
                               generate_latest, multiprocess)

_SECONDS = (0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120)
_STORE = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1)


class Metrics:
    def __init__(self) -> None:
        self.registry = registry = CollectorRegistry()
        self.requests = Counter("jewelstream_requests", "HTTP requests", ["endpoint", "method", "status"],
                                registry=registry)
        self.answers = Counter("jewelstream_answers", "Answers by how they ended", ["endpoint", "outcome"],
                               registry=registry)
        self.active = Gauge("jewelstream_active_answers", "Answers being written now", registry=registry,
                            multiprocess_mode="livesum")
        self.first_token = Histogram("jewelstream_time_to_first_token_seconds", "Question to first token",
                                     ["endpoint"], buckets=_SECONDS, registry=registry)
        self.duration = Histogram("jewelstream_answer_duration_seconds", "Question to last event",
                                  ["endpoint"], buckets=_SECONDS, registry=registry)
        self.upstream_errors = Counter("jewelstream_upstream_errors", "LLM failures by code", ["code"],
                                       registry=registry)
        self.tokens = Counter("jewelstream_llm_tokens", "LLM token usage, where reported", ["kind"],
                              registry=registry)
        self.store = Histogram("jewelstream_store_seconds", "Store operations", ["operation"],
                               buckets=_STORE, registry=registry)

    def exposition(self) -> bytes:
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry)
            return generate_latest(registry)
        return generate_latest(self.registry)

    async def observed(self, endpoint: str, events: AsyncIterator[dict]) -> AsyncIterator[dict]:
        """`events` as they are, timed and counted: the first token, the end and how."""
        started, outcome, first, degraded = time.monotonic(), "stopped", True, False
        self.active.inc()
        try:
            async for event in events:
                kind = event.get("type")
                if kind == "token" and first:
                    first = False
                    self.first_token.labels(endpoint).observe(time.monotonic() - started)
                elif kind == "metadata":
                    degraded = _degraded(event)
                elif kind == "done":
                    outcome = "degraded" if degraded else "done"
                elif kind == "error":
                    outcome = event.get("error", "error")
                    if outcome.startswith("upstream_"):
                        self.upstream_errors.labels(outcome).inc()
                yield event
        finally:
            self.active.dec()
            self.answers.labels(endpoint, outcome).inc()
            self.duration.labels(endpoint).observe(time.monotonic() - started)
            await events.aclose()

    def count_tokens(self, tokens: dict[str, int]) -> None:
        """One answer's usage as the conversation log stores it (prompt, completion)."""
        for ours, kind in (("prompt_tokens", "input"), ("completion_tokens", "output")):
            if tokens.get(ours):
                self.tokens.labels(kind).inc(tokens[ours])


def _degraded(metadata: dict) -> bool:
    """Did an agent answer with its grounded draft (either metadata shape)?"""
    parts = [metadata, *(metadata.get("data") or {}).values()]
    return any(isinstance(part, dict) and part.get("degraded") is True for part in parts)
