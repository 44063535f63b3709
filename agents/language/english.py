"""A customer who writes in English at a Russian kiosk ("Hello, do you have silver rings?",
"I need a gift for my wife"): recognised, and glossed into the Russian words the agents
read, so that the request is answered (in Russian, the kiosk's language) instead of being
taken for a message about something else.

`for_agents(message)`: what the agents read: the gloss of an English message that asks the
shop for something, else the message itself (an English message that asks for nothing
known is left as it is: agents.small_talk answers it, kind "english").
`is_english(message)`: no Cyrillic letter and at least one common English word.
`in_russian(message)`: the Russian gloss of the shop words it knows, in the order written
("Hello, do you have silver rings?" -> "здравствуйте, у вас есть, из серебра, кольца"), or
"" when it knows none; `asks_something(gloss)` tells a gloss that asks the shop for
something from one that is only a greeting or thanks.

What it leaves out: translation (only the shop's own words are known), other languages,
prices in other currencies (a sum in dollars or euros is left out of the gloss).
"""
from __future__ import annotations

import re

_CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)
_LATIN_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")
# Common English words: a message with one of them, and no Cyrillic, is English.
_COMMON = frozenset("""
a an the i i'm im me my you your we our is are am do does did have has can could would will
please want need looking look for with and or of to in on at what which where when how much
many is there any some hello hi hey thanks thank bye goodbye good morning evening afternoon
gift present wife husband girlfriend boyfriend mother mom mum daughter sister friend ring rings
earrings necklace pendant chain bracelet brooch watch silver gold platinum diamond pearl buy
price cost cheap expensive show see sell shop store open hours delivery shipping return size
""".split())
_SMALL_TALK = frozenset(("здравствуйте", "спасибо", "до свидания"))

# (pattern, Russian words); longer phrases first, so "white gold" is not read as "gold".
_GLOSSARY = [(re.compile(pattern), russian) for pattern, russian in (
    (r"\b(?:hello|hi|hey|good (?:morning|afternoon|evening))\b", "здравствуйте"),
    (r"\bthank(?:s| you)\b", "спасибо"),
    (r"\b(?:good ?)?bye\b", "до свидания"),
    (r"\b(?:do|does) you (?:have|sell|carry)|have you got|is there|are there\b", "у вас есть"),
    (r"\bshow me|can i see|show\b", "покажите"),
    (r"\b(?:i'?m |i am )?looking for|i (?:need|want)|i'?d like|i would like\b", "ищу"),
    (r"\b(?:gifts?|presents?)\b", "подарок"),
    (r"\bwife\b", "жене"), (r"\bhusband\b", "мужу"), (r"\bgirlfriend\b", "девушке"),
    (r"\bboyfriend\b", "парню"), (r"\b(?:mother|mom|mum)\b", "маме"), (r"\bdaughter\b", "дочке"),
    (r"\bsister\b", "сестре"),
    (r"\b(?:for )?(?:men|man)(?:'s)?\b|\bfor him\b", "мужское"),
    (r"\b(?:for )?wom[ae]n(?:'s)?\b|\bfor her\b", "женское"),
    (r"\bengagement rings?\b", "помолвочное кольцо"),
    (r"\bwedding (?:rings?|bands?)\b", "обручальные кольца"),
    (r"\bear ?rings?\b", "серьги"), (r"\brings?\b", "кольца"),
    (r"\b(?:necklaces?|pendants?)\b", "кулон"), (r"\bchains?\b", "цепочка"),
    (r"\bbracelets?\b", "браслет"), (r"\bbrooch(?:es)?\b", "брошь"), (r"\bcufflinks?\b", "запонки"),
    (r"\bwatch(?:es)?\b", "часы"),
    (r"\bwhite gold\b", "из белого золота"), (r"\byellow gold\b", "из жёлтого золота"),
    (r"\b(?:rose|pink|red) gold\b", "из розового золота"), (r"\bgold(?:en)?\b", "из золота"),
    (r"\bsilver\b", "из серебра"), (r"\bplatinum\b", "из платины"),
    (r"\bdiamonds?\b", "с бриллиантом"), (r"\bpearls?\b", "с жемчугом"), (r"\bsapphires?\b", "с сапфиром"),
    (r"\bemeralds?\b", "с изумрудом"), (r"\brub(?:y|ies)\b", "с рубином"), (r"\btopaz\b", "с топазом"),
    (r"\bamethysts?\b", "с аметистом"), (r"\bgarnets?\b", "с гранатом"),
    # A budget in rubles: the currency may go unsaid ("under 20k"), but not another one ("$200").
    (r"\b(?:under|below|up to|less than|no more than|max(?:imum)?|within)\s+(?:₽\s*)?"
     r"(\d[\d\s,.]*\d|\d)\s*(k\b|thousands?\b)?(?!\s*(?:\$|usd|dollars?|eur|euros?|€))\s*(?:rub\w*|roubles?|₽)?",
     "до {} рублей"),
    (r"\bsize\s+(\d{2}(?:[.,]5)?)\b", "размер {}"),
    (r"\b(?:cheap(?:er)?|inexpensive|affordable)\b", "недорогое"),
    (r"\b(?:delivery|shipping|deliver)\b", "доставка"), (r"\b(?:return|refund)\b", "вернуть"),
    (r"\bexchange\b", "обменять"), (r"\bring size\b|\bsize\b", "размер"),
    (r"\bwhere\b|\baddress\b|\blocation\b", "где вы находитесь"),
    (r"\b(?:opening hours|hours|open)\b", "часы работы"),
    (r"\bhow much|\bprice\b|\bcost\b", "сколько стоит"),
    (r"\b(?:trends?|trendy|fashion(?:able)?|in style)\b", "что сейчас модно"),
    (r"\b(?:zodiac|horoscope)\b", "знак зодиака"),
    (r"\b(?:take care|care|clean(?:ing)?)\b", "уход"),
)]


def is_english(message: str) -> bool:
    """Is `message` written in English (no Cyrillic, a common English word)?"""
    text = message.lower()
    return not _CYRILLIC.search(text) and any(w in _COMMON for w in _LATIN_WORD.findall(text))


def in_russian(message: str) -> str:
    """The Russian gloss of the shop words in `message`, in the order written ("" if none)."""
    text, found = " ".join(message.lower().replace("’", "'").split()), []
    taken: list[tuple[int, int]] = []
    for pattern, russian in _GLOSSARY:
        for match in pattern.finditer(text):
            if any(start < match.end() and match.start() < end for start, end in taken):
                continue             # inside a longer phrase already read ("white gold")
            taken.append(match.span())
            found.append((match.start(), russian.format(_amount(match)) if "{}" in russian else russian))
    return ", ".join(dict.fromkeys(words for _start, words in sorted(found)))


def _amount(match: re.Match) -> str:
    """The number a match says: "20k" -> "20000", "1.5k" -> "1500", "20.000" and "20 000" ->
    "20000", a ring size "16.5" -> "16,5"."""
    said = match[1].strip()
    if match.re.pattern.startswith("\\bsize"):
        return said.replace(".", ",")
    thousands = match.lastindex and match.lastindex >= 2 and match[2]
    if re.fullmatch(r"\d{1,3}(?:[\s,.]\d{3})+", said):          # separators of thousands
        value = float(re.sub(r"\D", "", said))
    else:
        value = float(re.sub(r"\s", "", said).replace(",", "."))
    return str(round(value * (1000 if thousands else 1)))


def asks_something(gloss: str) -> bool:
    """Does the gloss ask the shop for anything beyond a greeting, thanks or goodbye?"""
    return any(part not in _SMALL_TALK for part in gloss.split(", ") if part)


def for_agents(message: str) -> str:
    """The message the agents read: an English request glossed into Russian, else as is."""
    if not is_english(message):
        return message
    gloss = in_russian(message)
    return gloss if asks_something(gloss) else message
