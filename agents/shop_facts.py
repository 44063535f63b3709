"""The shop's own facts (delivery, holding an item, ring sizes, fineness, care, returns,
address and hours...) from a small Russian text file the shop edits.

The file (`agents/data/shop_facts.ru.md` by default, another one via JEWELSTREAM_SHOP_FACTS)
has one section per topic: a `## Title` line, a `слова:` line of word beginnings that ask
about it, and the answer text. `load_facts(path)` reads it once at start-up; `facts_asked`
finds the topics a message asks about, in the order they were asked.

What it leaves out: anything a section does not say (the consultant answers with the
section's text, grounded, never more), and synonyms not listed in the file.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from agents.language import Vocabulary, find_matches, normalize, tokens

DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "shop_facts.ru.md"


@dataclass(frozen=True)
class Fact:
    title: str
    stems: tuple[str, ...]
    text: str


@dataclass(frozen=True)
class ShopFacts:
    facts: tuple[Fact, ...]
    table: Vocabulary             # title -> (title, stems), indexed once per file

    def asked(self, message: str) -> list[Fact]:
        """The topics `message` asks about, in the order asked."""
        by_title = {fact.title: fact for fact in self.facts}
        titles = dict.fromkeys(code for code, *_hit in find_matches(tokens(message), self.table))
        return [by_title[title] for title in titles]


def load_facts(path: str | Path | None = None) -> ShopFacts:
    """Read the facts file; a clear ValueError names what is wrong with it."""
    path = Path(path or DEFAULT_PATH)
    facts, title, stems, lines = [], None, (), []

    def close() -> None:
        if title is not None:
            if not stems or not lines:
                raise ValueError(f"{path}: the section «{title}» needs a «слова:» line and a text")
            facts.append(Fact(title, stems, " ".join(lines)))
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line.startswith("## "):
            close()
            title, stems, lines = line[3:].strip(), (), []
        elif not line or line.startswith("#") or title is None:
            continue
        elif line.lower().startswith("слова:") and not stems:
            stems = tuple(normalize(s) for s in line.split(":", 1)[1].split(",") if s.strip())
        else:
            lines.append(line)
    close()
    if not facts:
        raise ValueError(f"{path}: no sections («## Название») found")
    return ShopFacts(tuple(facts), Vocabulary({f.title: (f.title, f.stems) for f in facts}))
