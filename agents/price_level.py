"""Subjective price wishes: "что-нибудь дорогое", "солидное", "бюджет не ограничен" ask for
the upper price band ("самая дорогая" too); "недорогое", "бюджетное", "самая дешёвая" for
the lower one.

`price_level(tokens)` returns "high", "low" or None for the words of one message (from
`agents.language.tokens`). A number ("до 30 тысяч") is the budget parser's business, and a
stated budget wins over these words (`agents.preferences`).

What it leaves out: degrees ("очень дорогое"), and "дорогой/дорогая" as a form of
address ("дорогая мама"), which is never read as a price.
"""
from __future__ import annotations

from agents.language import refused

_HIGH = ("дорогое", "дорогие", "дорогую", "дорогого", "дорогих", "подороже", "солидн", "посолидн",
         "роскошн", "статусн", "премиальн", "премиум", "шикарн", "люксов", "эксклюзивн", "богат")
_LOW = ("недорог", "дешев", "подешевле", "бюджетн", "экономн", "копеечн", "скромн")
_UNLIMITED = (("не", "ограничен"), ("без", "ограничен"), ("неограничен",), ("не", "важн"),
              ("любой", "бюджет"), ("не", "имеет", "значени"))


def price_level(toks: list[str]) -> str | None:
    """"high", "low" or None for the words of one message."""
    joined = " ".join(toks)
    if ("бюджет" in joined or "цен" in joined or "деньг" in joined or "стоимост" in joined) and any(
            _phrase_in(toks, phrase) for phrase in _UNLIMITED):
        return "high"
    if _phrase_in(toks, ("сам", "дорог")):        # "а самая дорогая?": not a form of address
        return "high"
    for index, word in enumerate(toks):
        if word.startswith(_LOW) and not (word.startswith("дешевле") and _number_after(toks, index)):
            return None if refused(toks, index, index + 1) else "low"
        if word.startswith(_HIGH) or word in _HIGH:
            return "low" if refused(toks, index, index + 1) else "high"
    return None


def _phrase_in(toks: list[str], phrase: tuple[str, ...]) -> bool:
    return any(all(toks[i + k].startswith(part) for k, part in enumerate(phrase))
               for i in range(len(toks) - len(phrase) + 1))


def _number_after(toks: list[str], index: int) -> bool:
    return any(t[:1].isdigit() for t in toks[index + 1:index + 4])
