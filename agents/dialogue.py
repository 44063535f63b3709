"""The dialogue state the server keeps per user, inside the profile (`profile["dialogue"]`).

    {"agent": "consultant",          who answered last
     "flow": "taste" | None,         an agent flow in progress (the questionnaire)
     "shown": ["p0012", ...],        the products last shown, in order
     "focus": "p0012" | None,        the piece last talked about in detail
     "pending": "total" | None,      the consultant asked which pieces to add up
     "anchor": "p0012" | None,       the piece the list shown goes with ("а к ним кольцо?")
     "chosen": ["p0012", ...],       the last pieces looked at one by one (the consultant's sums)
     "wishes": {...},                the wishes of the last search (agents.preferences)
     "recent": [{"role", "content"}, ...]}   the last few messages, for clients that send none

Agents read it from the profile they load; each agent's `remember(final state)` says what
to change, and the orchestrator writes the changes after the answer (one profile update per
answer, touching only this key). The client's `conversation_history` still counts: the
wishes come from it when the server has none; for references the server's list wins.

What it leaves out: several conversations per user (a new conversation is a new user id,
as the kiosk page does) and any expiry.
"""
from __future__ import annotations

from agents.language import normalize
from agents.language.cues import LEAVE_FLOW

RECENT_MESSAGES = 8            # messages kept for clients that send no history
RECENT_CHARS = 500             # each cut to this many characters


def dialogue_of(profile: dict | None) -> dict:
    """The user's dialogue state ({} for a new conversation)."""
    return dict((profile or {}).get("dialogue") or {})


def ongoing(dialogue: dict, history: list[dict] | None) -> bool:
    """Has this conversation begun before this message? (Then nobody greets again.)"""
    return bool(history) or bool(dialogue.get("agent"))


def history_for(dialogue: dict, history: list[dict]) -> list[dict]:
    """The client's history, or the server's recent messages when the client sends none."""
    return history or list(dialogue.get("recent") or [])


def updated(dialogue: dict, changes: dict, *, message: str, answers: list[str]) -> dict:
    """The state after one answer: `changes` applied, this exchange added to `recent`.

    A flow the customer left for one question to another agent ("а сколько стоит доставка?"
    after a question of the questionnaire) is kept for the next message, which may be the
    answer after all; a second question elsewhere, or "хватит", ends it."""
    recent = list(dialogue.get("recent") or [])
    recent.append({"role": "user", "content": message[:RECENT_CHARS]})
    recent += [{"role": "assistant", "content": text[:RECENT_CHARS]} for text in answers if text]
    flow = dialogue.get("flow")
    if flow and changes.get("flow") is None and changes.get("agent") not in (None, flow) and \
            dialogue.get("agent") == flow and not LEAVE_FLOW.search(normalize(message)):
        changes = {**changes, "flow": flow}
    return {**dialogue, **changes, "recent": recent[-RECENT_MESSAGES:]}
