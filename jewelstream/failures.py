"""What went wrong, in words for people: an exception -> (code, Russian message).

The code is for machines (`error` on the wire); the message is for the customer and holds
no technical detail. The original exception goes to the server log only.
"""
from __future__ import annotations

import logging

import openai

from agents import AnswerBroken, AnswerTimeout
from jewelstream.store import StorageUnavailable

log = logging.getLogger(__name__)

MESSAGES = {
    "upstream_unavailable": "Извините, помощник сейчас недоступен. Попробуйте, пожалуйста, чуть позже.",
    "upstream_timeout": "Извините, помощник отвечает слишком долго. Попробуйте, пожалуйста, ещё раз.",
    "upstream_error": "Извините, помощник не смог ответить. Попробуйте, пожалуйста, ещё раз.",
    "upstream_busy": "Извините, помощник сейчас занят. Попробуйте, пожалуйста, через минуту.",
    "upstream_stalled": "Извините, помощник замолчал на полуслове. Попробуйте, пожалуйста, ещё раз.",
    "upstream_interrupted": "Извините, ответ прервался. Попробуйте, пожалуйста, задать вопрос ещё раз.",
    "shutting_down": "Сервер перезапускается. Повторите, пожалуйста, вопрос через минуту.",
    "storage_unavailable": "Извините, сейчас мы не можем сохранить ваши ответы. Попробуйте, пожалуйста, через минуту.",
    "internal_error": "Извините, произошла ошибка. Попробуйте, пожалуйста, ещё раз.",
}


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
    return code, MESSAGES[code]


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
