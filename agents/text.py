"""Tiny shared helpers for reading Russian customer text without an LLM.

`normalize` puts text into the form the vocabulary stems are written in (lower case,
"ё" as "е", one kind of dash, quote and space). `words` / `tokens` split it,
`spell_numbers` turns number words into digits, `find_matches` / `find_codes` look up
the stems of a vocabulary table (code -> (label, stems), see `agents.vocabulary`), and
`refused` tells whether a matched span is negated ("не люблю серебро", "без камней").

Matching rules (the same for every caller, so a stem means the same thing everywhere):
- a stem part matches a word that starts with it ("кольц" ~ "кольцами"); a part made of
  digits must equal the whole number ("8" matches "8", never "80");
- a stem with spaces matches consecutive words ("для помолвк" ~ "для помолвки");
- `FALSE_FRIENDS` lists words a short stem must not fire on ("бел" is not "белье",
  "муж" is not "мужской", which is the "мужск" stem's business).

What it leaves out: `find_codes` ignores negation (callers ask `refused` per match);
context ("красный" rubies vs "красное" gold) and word order are the callers' job (see
`agents.preferences`); there is no morphology beyond prefixes, no syntax (negation is a
word window) and no spelling correction.
"""
from __future__ import annotations

import re
from functools import lru_cache

_TRANSLATE = str.maketrans({
    **{dash: "-" for dash in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"},
    **{quote: '"' for quote in "«»„“”‟″‘’‚‛`´"},
    **{space: " " for space in "\u00a0\u2007\u202f\u2009\u200a\u2002\u2003\t\r"},
    "\u00ad": None, "\u200b": None, "\ufeff": None,  # soft hyphen, zero-width chars
    "ё": "е",
})

_WORD_RE = re.compile(r"[a-zа-я0-9]+")
# Words plus the punctuation that ends a clause: callers use the marks as scope limits.
_TOKEN_RE = re.compile(r"[a-zа-я0-9]+|[.,;:!?()]")

# stem -> word beginnings the stem must not match. Only clear-cut lexical accidents
# belong here; anything that depends on the sentence is the caller's business.
FALSE_FRIENDS: dict[str, tuple[str, ...]] = {
    "бел": ("белье", "белорус", "беларус", "белк", "белуг", "беляш", "белиберд"),
    "жен": ("жених", "жени", "женск", "женщин", "женат"),
    "муж": ("мужск", "мужчин", "мужеств", "мужик"),
    "парн": ("парны", "парно", "парна", "парну"),  # "парные кольца" are not for a boyfriend
    "матер": ("материал", "материк"),
    "пап": ("папк", "папирос", "паприк"),
    "брош": ("брошен", "брошу", "брошюр"),
    "золот": ("золотист",),  # a colour, not the metal
    "серебр": ("серебрист",),
    "тонк": ("тонкост",),
    "доч": ("дочерн",),
}

# Russian number words (with their oblique forms) for `spell_numbers`.
_NUMBERS: dict[str, float] = {}
for _value, _forms in enumerate((
        "", "один одна одну одного одной", "два две двух", "три трех", "четыре четырех", "пять пяти",
        "шесть шести", "семь семи", "восемь восьми", "девять девяти", "десять десяти",
        "одиннадцать одиннадцати", "двенадцать двенадцати", "тринадцать тринадцати",
        "четырнадцать четырнадцати", "пятнадцать пятнадцати", "шестнадцать шестнадцати",
        "семнадцать семнадцати", "восемнадцать восемнадцати", "девятнадцать девятнадцати")):
    _NUMBERS.update(dict.fromkeys(_forms.split(), _value))
for _value, _forms in ((20, "двадцать двадцати"), (30, "тридцать тридцати"), (40, "сорок сорока"),
                       (50, "пятьдесят пятидесяти"), (60, "шестьдесят шестидесяти"),
                       (70, "семьдесят семидесяти"), (80, "восемьдесят восьмидесяти"),
                       (90, "девяносто девяноста"), (100, "сто ста"), (200, "двести двухсот"),
                       (300, "триста трехсот"), (400, "четыреста четырехсот"), (500, "пятьсот пятисот"),
                       (600, "шестьсот шестисот"), (700, "семьсот семисот"),
                       (800, "восемьсот восьмисот"), (900, "девятьсот девятисот"),
                       (1.5, "полтора полторы полутора")):
    _NUMBERS.update(dict.fromkeys(_forms.split(), _value))
# Slang first: "полтинник" is 50 000, "косарь" a thousand, "пол миллиона" half of one.
_SLANG = ((r"\bполтинник\w*|\bполтос\w*", "50 тысяч"), (r"\bсотк[аиуе]\b", "100 тысяч"),
          (r"\bкосар\w*", "тысяча"), (r"\bпол\s?(?=тысяч|миллион|лям)", "0.5 "))
_NUMBER_RUN = re.compile(r"\b(?:{0})(?:\s+(?:{0}))*\b".format(
    "|".join(sorted(_NUMBERS, key=len, reverse=True))))


def normalize(text: str) -> str:
    """Lower-case, "ё" -> "е", unified dashes/quotes/spaces, collapsed whitespace."""
    text = (text or "").lower().translate(_TRANSLATE)
    return re.sub(r"\s+", " ", text).strip()


def words(text: str) -> list[str]:
    """The words (letters/digits runs) of `text`, normalized; hyphens split words."""
    return _WORD_RE.findall(normalize(text))


def tokens(text: str) -> list[str]:
    """Like `words`, but keeps clause punctuation (. , ; : ! ? parentheses) as tokens."""
    return _TOKEN_RE.findall(normalize(text))


@lru_cache(maxsize=4096)
def stem_parts(stem: str) -> tuple[str, ...]:
    """A stem split into its word parts, normalized the same way as text."""
    return tuple(words(stem))


def _part_matches(word: str, part: str, false_friends: dict) -> bool:
    if part.isdigit():
        return word == part
    if not word.startswith(part):
        return False
    return not any(word.startswith(bad) for bad in false_friends.get(part, ()))


def stem_positions(toks: list[str], stem: str,
                   false_friends: dict | None = None) -> list[int]:
    """Indices in `toks` where `stem` (possibly multi-word) starts. For one stem; to look
    up many, `StemIndex` does it in one pass over the words."""
    parts = stem_parts(stem)
    if not parts:
        return []
    ff = FALSE_FRIENDS if false_friends is None else false_friends
    n = len(parts)
    return [i for i in range(len(toks) - n + 1)
            if all(_part_matches(toks[i + k], parts[k], ff) for k in range(n))]


class StemIndex:
    """Many stems compiled for lookup: one pass over the words finds every hit.

    Stems are bucketed by the first two letters of their first part (one letter for a
    one-letter part, the whole number for digits), so each word is compared only with the
    few stems that could start there, instead of every stem scanning every word. The hits
    are exactly those of `stem_positions` for each stem.
    """

    def __init__(self, entries, false_friends: dict | None = None) -> None:
        """`entries`: (key, stem) pairs, in the order ties are to be reported."""
        self.false_friends = FALSE_FRIENDS if false_friends is None else false_friends
        self._buckets: dict[str, list[tuple[int, object, str, tuple[str, ...]]]] = {}
        for order, (key, stem) in enumerate(entries):
            parts = stem_parts(stem)
            if parts:
                head = parts[0] if parts[0].isdigit() else parts[0][:2]
                self._buckets.setdefault(head, []).append((order, key, stem, parts))

    def hits(self, toks: list[str]) -> list[tuple[object, int, int, str]]:
        """(key, start, end, stem) of every hit, sorted by start; at one start the longer
        stem (in words, then in letters) first, then the order of `entries`."""
        found = []
        buckets, ff, size = self._buckets, self.false_friends, len(toks)
        for i, word in enumerate(toks):
            for head in {word, word[:2], word[:1]}:
                for order, key, stem, parts in buckets.get(head, ()):
                    n = len(parts)
                    if i + n <= size and all(_part_matches(toks[i + k], parts[k], ff) for k in range(n)):
                        found.append((i, -n, -len(stem), order, key, stem))
        found.sort()
        return [(key, start, start - n, stem) for start, n, _len, _order, key, stem in found]


_INDEXES: dict[tuple[int, int], tuple[dict, dict | None, StemIndex]] = {}


def table_index(table: dict, false_friends: dict | None = None) -> StemIndex:
    """The `StemIndex` of a vocabulary table (code -> (label, stems)), built once per table.
    Tables are module-level constants; the cache keeps a reference so ids stay unique."""
    cached = _INDEXES.get((id(table), id(false_friends)))
    if cached is None:
        entries = [(code, stem) for code, (_label, stems) in table.items() for stem in stems]
        cached = _INDEXES[id(table), id(false_friends)] = (
            table, false_friends, StemIndex(entries, false_friends))
    return cached[2]


def find_matches(toks: list[str], table: dict,
                 false_friends: dict | None = None) -> list[tuple[str, int, int, str]]:
    """Every stem hit of `table` in `toks` as (code, start, end, stem), sorted by start.

    At one start position the longer stem comes first, so callers that take the first
    hit get the most specific reading ("дня рождени" before a one-word stem).
    """
    return table_index(table, false_friends).hits(toks)


def spell_numbers(text: str) -> str:
    """Number words to digits in normalized text: "сто пятьдесят тысяч" -> "150 тысяч",
    "полтора миллиона" -> "1.5 миллиона", "до тысячи" -> "до 1 тысячи", "полтинник" ->
    "50 тысяч". Multiplier words ("тысяч") stay words; the caller decides what is money."""
    for pattern, repl in _SLANG:
        text = re.sub(pattern, repl, text)
    text = _NUMBER_RUN.sub(lambda m: "{:g}".format(sum(_NUMBERS[w] for w in m.group().split())), text)
    # A bare multiplier word is one of it ("тысяча", "миллион"); "тысяч" alone is a plural.
    return re.sub(r"(?<!\d)(?<!\d )\b(?=(?:тысяч[аиу]|миллиона?|ляма?)\b)", "1 ", text)


def find_codes(text: str, table: dict, false_friends: dict | None = None) -> list[str]:
    """Codes of `table` whose stems occur in `text`, by first appearance, no duplicates.
    Negation is not looked at: "не люблю серебро" finds "silver" (see `refused`)."""
    codes: list[str] = []
    for code, *_rest in find_matches(words(text), table, false_friends):
        if code not in codes:
            codes.append(code)
    return codes


# --- negation: a word window, not syntax ---------------------------------------------
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
            return True
    for k in range(end, min(end + 3, len(toks) - 1)):  # or "X (мне) не нравится" after it
        if toks[k] in _BREAK or not toks[k].isalnum():
            break
        if toks[k] == "нельзя" or (toks[k] == "не" and toks[k + 1].startswith(_DISLIKE)):
            return True
    return False
