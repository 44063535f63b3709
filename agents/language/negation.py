"""Is a matched word refused? "не люблю серебро", "без камней", "только не золото",
"аллергия на никель", "серебро мне не нравится", "серьги рано" (`refused`): a word window inside the
clause, not syntax.

What it leaves out: double negation, negation across clauses, and sarcasm; "не дороже",
"не только", "не знаю" refuse nothing.
"""
from __future__ import annotations

import re

# cue word -> how many words after it it can refuse ("не люблю белое X", but "без X").
NEGATION_REACH = {"не": 4, "ни": 2, "без": 2, "кроме": 2, "ничего": 3, "никаких": 3, "никакого": 3,
                  "никакой": 3, "никакие": 3, "исключая": 2, "аллергия": 3, "аллергии": 3}
# "не" before these is not a refusal of what follows ("не дороже", "не только", "не знаю").
_NOT_NEG = ("дорож", "дешевл", "больш", "меньш", "более", "менее", "выше", "ниже", "свыш", "тольк",
            "обязательн", "важн", "прот", "принципиальн", "зна", "увер", "мог", "понима", "слишк")
_DISLIKE = ("люб", "нрав", "хоч", "хот", "над", "нуж", "нос", "подход", "подойд", "ид", "смотр",
            "предлаг", "рассматр", "интерес", "вариант", "бер", "покуп", "ношу")
# A contrast ends the scope: "не золото, а серебро", "не серебро, лучше платина".
_BREAK = {"а", "но", "зато", "однако", "лучше", "хотя"}
# Prepositions refuse their own object only: "без крупных камней", but in "без бриллиантов
# кольцо" the ring is wanted. Words between them and the refused word must be adjectives.
_PREPOSITIONS = {"без", "кроме", "исключая"}
_ADJECTIVE = re.compile(r"(?:ых|их|ого|его|ой|ей|ый|ий|ая|яя|ое|ее|ые|ие|ую|юю|ым|им)$")


def refused(toks: list[str], start: int, end: int) -> bool:
    """Whether the words toks[start:end] (of `tokens`) are refused: "не люблю X", "без X",
    "только не X", "аллергия на X", "X мне не нравится". A word window inside the clause,
    not syntax: "не дороже", "не только", "не знаю" refuse nothing."""
    for back in range(1, 5):  # a cue shortly before, within the clause
        i = start - back
        if i < 0 or toks[i] in _BREAK or not toks[i].isalnum():
            break
        if toks[i] == "не":
            return not toks[i + 1].startswith(_NOT_NEG)
        if back <= NEGATION_REACH.get(toks[i], 0):
            return toks[i] not in _PREPOSITIONS or all(_ADJECTIVE.search(t) for t in toks[i + 1:start])
    for k in range(end, min(end + 3, len(toks) - 1)):  # or "X (мне) не нравится" after it
        if toks[k] in _BREAK or not toks[k].isalnum():
            break
        if toks[k] in ("нельзя", "рано") or (toks[k] == "не" and toks[k + 1].startswith(_DISLIKE)):
            return True
    return False
