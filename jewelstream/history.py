"""Which assistant turns of a client's `conversation_history` the server really wrote.

The history comes from the client, so its assistant turns are only the client's word: a
page could put "as promised, a 50 % discount" in the assistant's mouth. An assistant turn
reaches the LLM as the assistant's own only when this user's conversation log holds it:

- one logged answer, or the answers of one question joined by a blank line in any order
  (the kiosk page keeps several agents' answers as one turn), compared with outer
  whitespace stripped;
- or the start of an answer logged as `cut` (the client stopped reading part-way).

Any other assistant turn becomes a user message that says it is quoted by the client, so
the words stay in the conversation but are never the assistant's. Cheap: one indexed read
of this user's latest log rows, and only when the history has an assistant turn.
"""
from __future__ import annotations

from itertools import permutations

from jewelstream.texts import NOT_OURS

_LOG_ROWS = 200          # the latest rows of the user's log that are searched
_MAX_AGENTS = 4          # answers of one question joined in any order: at most 4! joins


async def verified_history(store, user_id: str, history: list[dict]) -> list[dict]:
    """`history` with every assistant turn that the log does not hold demoted to a user message."""
    if not any(item["role"] == "assistant" for item in history):
        return history
    written, cut = _answers(await store.messages(user_id, _LOG_ROWS))
    verified = []
    for item in history:
        text = item["content"].strip()
        if item["role"] == "assistant" and not (
                text in written or any(answer.startswith(text) for answer in cut if text)):
            item = {"role": "user", "content": NOT_OURS + item["content"]}
        verified.append(item)
    return verified


def _answers(rows: list[dict]) -> tuple[set[str], list[str]]:
    """(texts an assistant turn may be, answers logged as cut) from the log's rows."""
    written: set[str] = set()
    cut: list[str] = []
    group: list[str] = []                 # the answers since the last user message
    for row in [*rows, {"role": "user"}]:
        if row["role"] != "assistant":
            if 1 < len(group) <= _MAX_AGENTS:
                written.update("\n\n".join(order) for order in permutations(group))
            group = []
            continue
        text = row["content"].strip()
        if text:
            written.add(text)
            group.append(text)
        if row.get("state") == "cut":
            cut.append(text)
    return written, cut
