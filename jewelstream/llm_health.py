"""The LLM endpoint's condition as this process saw it, for `/health`: when an answer last
came through, when one last failed, how many failed in a row, and the last error's HTTP
status and URL (a base URL without `/v1` shows as a 404 on `.../chat/completions`; URLs
show without a user, password or query); and
whether the endpoint lists its models (`GET /models`, asked at most every MODELS_EVERY
seconds, with a short timeout) with the configured one among them.

`write_answer` (agents/base.py) reports each answer's outcome through the `LLMWatch`
protocol; this is the server's implementation. It counts, it never decides anything (the
degraded mode is the answer node's). One object per process, made at start-up.
"""
from __future__ import annotations

import logging
import time
from urllib.parse import urlsplit, urlunsplit

log = logging.getLogger(__name__)


MODELS_EVERY = 30.0          # seconds between two model-list probes
MODELS_TIMEOUT = 2.0


class UpstreamHealth:
    def __init__(self, base_url: str | None, model: str | None = None) -> None:
        self.base_url = base_url
        self.model = model
        self._models: dict | None = None
        self._models_at = 0.0
        self.last_success: float | None = None
        self.last_failure: float | None = None
        self.failures_in_a_row = 0
        self.last_error: dict | None = None

    def succeeded(self) -> None:
        self.last_success = time.time()
        self.failures_in_a_row = 0

    def failed(self, error: BaseException) -> None:
        self.last_failure = time.time()
        self.failures_in_a_row += 1
        self.last_error = describe(error)
        log.warning("LLM request failed: %s", " ".join(f"{k}={v}" for k, v in self.last_error.items()))

    async def probe_models(self, client) -> dict:
        """Whether the endpoint lists its models, and the configured one among them
        (`client`: the openai client behind the chat model), at most every MODELS_EVERY s."""
        if self._models is not None and time.monotonic() - self._models_at < MODELS_EVERY:
            return self._models
        self._models_at = time.monotonic()
        try:
            page = await client.with_options(timeout=MODELS_TIMEOUT, max_retries=0).models.list()
            ids = [model.id for model in page.data]
            self._models = {"reachable": True, "listed": ids[:20], "has_model": self.model in ids}
        except Exception as error:  # noqa: BLE001 - any failure is the answer here
            self._models = {"reachable": False, "error": describe(error)}
        return self._models

    def report(self) -> dict:
        """What /health shows under `upstream`."""
        state = ("unknown" if self.last_success is None and self.last_failure is None
                 else "failing" if self.failures_in_a_row else "ok")
        return {"state": state, "base_url": public_url(self.base_url),
                "last_success": _iso(self.last_success), "last_failure": _iso(self.last_failure),
                "failures_in_a_row": self.failures_in_a_row, "last_error": self.last_error}


def describe(error: BaseException) -> dict:
    """The error's kind, and, when it has them, the HTTP status and the URL asked."""
    out: dict = {"kind": type(error).__name__}
    if (status := getattr(error, "status_code", None)) is not None:
        out["status"] = status
    request = getattr(error, "request", None)
    if request is not None and getattr(request, "url", None) is not None:
        out["url"] = public_url(str(request.url))
    if (stage := getattr(error, "stage", None) or getattr(error, "reason", None)) is not None:
        out["stage"] = stage
    return out


def public_url(url: str | None) -> str | None:
    """`url` without a user, password or query (a key may hide there; /health shows it to staff)."""
    if url is None:
        return None
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc.rpartition("@")[2], parts.path, "", ""))


def _iso(moment: float | None) -> str | None:
    return None if moment is None else time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(moment))
