"""What went wrong, in words for people: an exception -> (code, Russian message).

The code is for machines (`error` on the wire); the message, jewelstream/texts.py's for
that code, is for the customer and holds no technical detail. The original exception goes to the server log only.
"""
from __future__ import annotations

import logging

import openai

from agents import AnswerBroken, AnswerTimeout
from jewelstream.store import StorageUnavailable
from jewelstream.texts import say

log = logging.getLogger(__name__)

def describe_failure(exc: BaseException, *, mid_answer: bool = False) -> tuple[str, str]:
    """(code, Russian message) for an exception raised while answering; `mid_answer`:
    some of the answer had already been streamed."""
    code = _classify(exc)
    if mid_answer and code == "upstream_unavailable":
        code = "upstream_interrupted"          # the connection died after tokens arrived
    if code == "internal_error":
        log.exception("answer failed", exc_info=exc)
    else:
        log.warning("answer failed: %s: %s", code, type(exc).__name__)
    return code, say(code)


def _classify(exc: BaseException) -> str:
    if isinstance(exc, AnswerTimeout) and exc.stage == "stall":
        return "upstream_stalled"
    # The openai client wraps its transport's errors in these types (APITimeoutError is an
    # APIConnectionError, so it is tested first).
    if isinstance(exc, (AnswerTimeout, openai.APITimeoutError, TimeoutError)):
        return "upstream_timeout"
    if isinstance(exc, AnswerBroken):
        return "upstream_interrupted" if exc.reason == "interrupted" else "upstream_error"
    # A rate limit or an overloaded server: with a Retry-After longer than we can wait
    # (jewelstream/upstream.py), or still busy after the one retry.
    if isinstance(exc, openai.APIStatusError) and exc.status_code in (429, 503):
        return "upstream_busy"
    # Raised both when the endpoint cannot be reached and when it drops mid-answer.
    if isinstance(exc, openai.APIConnectionError):
        return "upstream_unavailable"
    if isinstance(exc, openai.APIError):
        return "upstream_error"
    if isinstance(exc, StorageUnavailable):          # a profile write: full or read-only disk
        return "storage_unavailable"
    return "internal_error"
