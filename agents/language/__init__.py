"""Reading Russian customer and staff text without an LLM: everything the agents know
about words, in one place.

- `normal`: the one form of text every table is written in (`normalize`, `words`, `tokens`);
- `matching`: the one matcher (`Vocabulary` tables with their index, `find_matches`,
  `find_codes`, `Tables` for several at once, `StemIndex`, `FALSE_FRIENDS`);
- `negation`: whether a matched word is refused (`refused`);
- `number_words`, `budget`: number words to digits, a budget in rubles (`parse_budget`);
- `kinds`: kinds more specific than the types ("печатка"), and a catalog's own kinds;
- `vocabulary`: the shop's codes and their Russian labels and stems; `wishes`: the
  customers' wording of wishes; `cues`: the words that route a message to an agent;
- `english`: a message in English, glossed into the Russian shop words the agents read.

Agents import from here; the server (jewelstream/) only through `agents`' public names.
What it leaves out: spelling correction, morphology beyond stems, syntax.
"""
from agents.language import kinds
from agents.language.budget import parse_budget
from agents.language.matching import FALSE_FRIENDS, StemIndex, Tables, Vocabulary, find_codes, find_matches
from agents.language.negation import refused
from agents.language.normal import normalize, tokens, words
from agents.language.number_words import spell_numbers

__all__ = ["FALSE_FRIENDS", "kinds", "StemIndex", "Tables", "Vocabulary", "find_codes", "find_matches", "normalize",
           "parse_budget", "refused", "spell_numbers", "tokens", "words"]
