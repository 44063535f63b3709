"""The one way a word table is matched against text, for every caller.

A table is a `Vocabulary`: code -> (label, stems), built once with its `StemIndex`, so a
lookup only reads it (nothing is built or cached per message). `find_matches` gives every
hit with its place, `find_codes` the codes in order; `Tables` reads one message with
several tables in one pass; `StemIndex` serves keys that are not codes (the routing cues'
weights).

Matching rules (a stem means the same thing everywhere):
- a stem part matches a word that starts with it ("кольц" ~ "кольцами"); a part made of
  digits must equal the whole number ("8" matches "8", never "80");
- a stem with spaces matches consecutive words ("для помолвк" ~ "для помолвки");
- `FALSE_FRIENDS` lists words a short stem must not fire on ("бел" is not "белье",
  "муж" is not "мужской", which is the "мужск" stem's business).

What it leaves out: negation (agents.language.negation), context ("красный" rubies vs
"красное" gold) and word order (the callers'), morphology beyond prefixes.
"""
from __future__ import annotations

from agents.language.normal import words

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


def _part_matches(word: str, part: str, false_friends: dict) -> bool:
    if part.isdigit():
        return word == part
    if not word.startswith(part):
        return False
    return not any(word.startswith(bad) for bad in false_friends.get(part, ()))


class StemIndex:
    """Many stems compiled for lookup: one pass over the words finds every hit.

    Stems are bucketed by the first two letters of their first part (one letter for a
    one-letter part, the whole number for digits), so each word is compared only with the
    few stems that could start there, instead of every stem scanning every word.
    """

    def __init__(self, entries, false_friends: dict | None = None) -> None:
        """`entries`: (key, stem) pairs, in the order ties are to be reported."""
        self.false_friends = FALSE_FRIENDS if false_friends is None else false_friends
        self._buckets: dict[str, list[tuple[int, object, str, tuple[str, ...]]]] = {}
        for order, (key, stem) in enumerate(entries):
            parts = tuple(words(stem))
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
                    if n == 1:      # most stems: one word, checked without the general loop
                        if not _part_matches(word, parts[0], ff):
                            continue
                    elif i + n > size or not all(_part_matches(toks[i + k], parts[k], ff) for k in range(n)):
                        continue
                    found.append((i, -n, -len(stem), order, key, stem))
        found.sort()
        return [(key, start, start - n, stem) for start, n, _len, _order, key, stem in found]


class Vocabulary(dict):
    """A word table, code -> (label, stems), with its `StemIndex` built alongside."""

    def __init__(self, entries: dict, false_friends: dict | None = None) -> None:
        super().__init__(entries)
        self.index = StemIndex(((code, stem) for code, (_label, stems) in self.items() for stem in stems),
                               false_friends)


class Tables:
    """Several tables read in one pass over a message: `read(toks)` gives each table's hits
    (in the order the tables were given), the same as `find_matches(toks, table)` gives for
    each, for little more than the cost of one. The preferences of a message are read with
    ten tables: a pass for each, with the shop facts' own, was about a third of the
    consultant's search under cProfile (docs/performance.md)."""

    def __init__(self, *tables: Vocabulary) -> None:
        self.tables = tables
        # One index over every table's stems, each keyed by (table, code). Within a table
        # its stems keep their order, so ties sort as in the table's own index.
        self._index = StemIndex(((number, code), stem) for number, table in enumerate(tables)
                                for code, (_label, stems) in table.items() for stem in stems)

    def read(self, toks: list[str]) -> list[list[tuple[str, int, int, str]]]:
        found: list[list[tuple[str, int, int, str]]] = [[] for _ in self.tables]
        for (number, code), start, end, stem in self._index.hits(toks):
            found[number].append((code, start, end, stem))
        return found


def find_matches(toks: list[str], table: dict) -> list[tuple[str, int, int, str]]:
    """Every stem hit of `table` in `toks` as (code, start, end, stem), sorted by start; at
    one start the longer stem first, so callers that take the first hit get the most
    specific reading ("дня рождени" before a one-word stem). A plain dict (a test's own
    table) is indexed for this one call."""
    index = table.index if isinstance(table, Vocabulary) else Vocabulary(table).index
    return index.hits(toks)


def find_codes(text: str, table: dict) -> list[str]:
    """Codes of `table` whose stems occur in `text`, by first appearance, no duplicates.
    Negation is not looked at: "не люблю серебро" finds "silver" (see `refused`)."""
    return list(dict.fromkeys(code for code, *_rest in find_matches(words(text), table)))

