"""What a customer asks the friendly advisor (agents.girlfriend) about besides her mood:
a metal ("подходит ли мне золото?": whether it is the sign's, and the skin tone it suits),
and a short follow-up about a sign asked before ("а Весам?", "а металл?").

What it leaves out: the advisor's other words (agents.girlfriend_texts).
"""
from __future__ import annotations

from agents.girlfriend_texts import METAL_TONE
from agents.language import find_codes, normalize, vocabulary as V, words
from agents.language.advisor_words import OWN_STONES
from agents.zodiac import SIGN_FACTS, sign_named


def sign_followed_up(message: str, history: list[dict]) -> str | None:
    """Right after a question about another sign: "а Весам?" -> that one; "а металл?",
    "а камни какие?" -> the sign asked about before."""
    before = _sign_before(history) if _follow_up(message) else None
    if not before:
        return None
    return sign_named(message, context=True) or (before if find_codes(message, OWN_STONES) else None)


def _follow_up(text: str) -> bool:
    said = words(text)
    return bool(said) and len(said) <= 4 and said[0] == "а"


def _sign_before(history: list[dict]) -> str | None:
    """The sign the last questions were about: a question naming it, then short follow-ups."""
    for text in reversed([h["content"] for h in history if h["role"] == "user"][-3:]):
        if sign := sign_named(text, context=_follow_up(text)):
            return sign
        if not _follow_up(text):
            return None
    return None


def asked_metal(message: str) -> str | None:
    """The metal asked about: a METALS code, or "gold" for a plain "золото" (every gold)."""
    codes = find_codes(message, V.METALS)
    if not codes:
        return None
    return "gold" if codes[0] == "yellow_gold" and "желт" not in normalize(message) else codes[0]


def metal_sentence(metal: str, sign: str | None) -> str:
    """Whether the metal asked about is the sign's own, and the tone of skin it suits."""
    label = "золото" if metal == "gold" else V.label(V.METALS, metal)
    if not sign:
        return f"{label.capitalize()} можно носить смело. {METAL_TONE}"
    own = SIGN_FACTS[sign][2]
    if own == metal or (metal == "gold" and own.endswith("_gold")):
        said = f"{label.capitalize()} — как раз металл вашего знака" + \
            (f", особенно {V.label(V.METALS, own)}." if metal == "gold" else ".")
    else:
        said = f"Металл вашего знака — {V.label(V.METALS, own)}, но и {label} носить можно смело."
    return f"{said} {METAL_TONE}"
