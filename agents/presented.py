"""The cards an LLM's answer presents: the pieces its text names, from the search's list
and from its tools' results, in the order the text names them, each checked against the
customer's wishes (`meets`, `misses`, the way it differs) so that no card passes for what
it is not.

When the text names none of them (it spoke in general), the search's list stays: those
are the facts the LLM was given. Offline, the draft presents the search's list as it is.

What it leaves out: finding pieces (agents.search), wording (the LLM's or the draft's).
"""
from __future__ import annotations

from agents.search import Wish, deviation, stated_wishes
from agents.tools import mentioned

# The ways of missing a wish that `agents.search.deviation` words.
_WORDED = {"budget", "metal", "stones", "size", "no_stones", "recipient", "kind_name"}


def presented(state: dict, tool_cards: list[dict], text: str) -> dict:
    """The consultant's state changed so that its cards are the pieces `text` names ({}
    when the search's list stays)."""
    listed = state.get("products") or []
    known = {card["id"] for card in listed}
    candidates = [*listed, *(card for card in tool_cards if card["id"] not in known)]
    named = mentioned(candidates, text)
    if not named or [card["id"] for card in named] == [card["id"] for card in listed]:
        return {}
    prefs = state.get("preferences") or {}
    wishes = stated_wishes(prefs)
    cards = [card if card["id"] in known else checked(card, wishes, prefs) for card in named]
    return {"products": cards, "shown": [card["id"] for card in cards],
            "exact_match": not any(card.get("misses") for card in cards)}


def checked(card: dict, wishes: list[Wish], prefs: dict) -> dict:
    """A tool's card with the wishes it meets and misses, and how it differs."""
    missed = [wish for wish in wishes if not wish.test(card)]
    notes = [deviation(card, wish, prefs) if wish.code in _WORDED else f"не {wish.label}" if
             wish.code == "type" else f"не отвечает пожеланию «{wish.label}»" for wish in missed]
    return {**card, "meets": [w.code for w in wishes if w not in missed], "misses": [w.code for w in missed],
            "relaxed": bool(missed), **({"relaxed_note": "; ".join(notes)} if missed else {})}
