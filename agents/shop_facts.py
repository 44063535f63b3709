"""The shop's own facts (delivery, holding an item, ring sizes, fineness, care, returns,
address and hours...) from a small Russian text file the shop edits.

The file (`agents/data/shop_facts.ru.md` by default, another one via JEWELSTREAM_SHOP_FACTS)
has one section per topic: a `## Title` line, a `слова:` line of word beginnings that ask
about it, and the answer text. `load_facts(path)` reads it once at start-up; `facts_asked`
finds the topics a message asks about, in the order they were asked.

A comparison ("что лучше — белое золото или платина?", "бриллиант или фианит?") is a
section with a `сравнение:` line instead: the things compared, separated by "|", each a
list of word beginnings ("золот | платин"). It is asked when a message names two of them
and compares them: "лучше", "отличается", "разница", "сравнить"..., or a bare "или" in a
message that asks for no kind of piece and no sum ("серьги из серебра или золота" is a
search, not a comparison). Comparisons come before the other topics asked.

What it leaves out: anything a section does not say (the consultant answers with the
section's text, grounded, never more), and synonyms not listed in the file.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from agents.language import Vocabulary, find_codes, find_matches, normalize, tokens
from agents.language.vocabulary import PRODUCT_TYPES

DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "shop_facts.ru.md"


@dataclass(frozen=True)
class Fact:
    title: str
    stems: tuple[str, ...]
    text: str
    sides: tuple[tuple[str, ...], ...] = ()     # a comparison's things compared


@dataclass(frozen=True)
class ShopFacts:
    facts: tuple[Fact, ...]
    table: Vocabulary             # title -> (title, stems), indexed once per file
    sides: Vocabulary | None = None   # (title, side) -> stems of the comparisons' sides

    def asked(self, message: str) -> list[Fact]:
        """The topics `message` asks about, in the order asked (comparisons first)."""
        by_title = {fact.title: fact for fact in self.facts}
        toks = tokens(message)
        titles = dict.fromkeys([*self._compared(toks), *(code for code, *_hit in find_matches(toks, self.table))])
        return [by_title[title] for title in titles]

    def _compared(self, toks: list[str]) -> list[str]:
        """Titles of the comparisons whose two things or more the message compares."""
        if not self.sides:
            return []
        named: dict[str, set[int]] = {}
        for (title, side), *_hit in find_matches(toks, self.sides):
            named.setdefault(title, set()).add(side)
        compared = [title for title, sides in named.items() if len(sides) >= 2]
        return compared if compared and _compares(" ".join(toks)) else []


# Words of a comparison; a bare "или" counts only in a message that names no kind of piece
# and no sum ("серьги из серебра или золота до 10 тысяч" is a search).
_COMPARING = re.compile(r"\b(?:лучше|хуже|отлича\w*|разниц\w*|различ\w*|сравн\w*|практичн\w*|прочне\w*|"
                        r"надежне\w*|дороже|дешевле|выбрать между|vs|versus|против)\b")
_OR = re.compile(r"\bили\b")
_SEARCH = re.compile(r"\d|\bпокаж|\bподбер|\bищу\b|\bхочу\b|\bнужн|\bкупит|\bесть ли\b|\bу вас есть\b")


def _compares(text: str) -> bool:
    if _COMPARING.search(text):
        return True
    return bool(_OR.search(text)) and not _SEARCH.search(text) and not find_codes(text, PRODUCT_TYPES)


def load_facts(path: str | Path | None = None) -> ShopFacts:
    """Read the facts file; a clear ValueError names what is wrong with it."""
    path = Path(path or DEFAULT_PATH)
    facts, title, stems, sides, lines = [], None, (), (), []

    def close() -> None:
        if title is not None:
            if not (stems or len(sides) >= 2) or not lines:
                raise ValueError(f"{path}: the section «{title}» needs a «слова:» line (or a «сравнение:» "
                                 "line of two things or more) and a text")
            facts.append(Fact(title, stems, " ".join(lines), sides))
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line.startswith("## "):
            close()
            title, stems, sides, lines = line[3:].strip(), (), (), []
        elif not line or line.startswith("#") or title is None:
            continue
        elif line.lower().startswith("слова:") and not stems:
            stems = _stems(line.split(":", 1)[1])
        elif line.lower().startswith("сравнение:") and not sides:
            sides = tuple(side for side in map(_stems, line.split(":", 1)[1].split("|")) if side)
        else:
            lines.append(line)
    close()
    if not facts:
        raise ValueError(f"{path}: no sections («## Название») found")
    compared = {(f.title, n): (f.title, side) for f in facts for n, side in enumerate(f.sides)}
    return ShopFacts(tuple(facts), Vocabulary({f.title: (f.title, f.stems) for f in facts if f.stems}),
                     Vocabulary(compared) if compared else None)


def _stems(listed: str) -> tuple[str, ...]:
    return tuple(normalize(s) for s in listed.split(",") if s.strip())
