"""Russian text in the one form every table of `agents.language` is written in: lower
case, "ё" as "е", one kind of dash, quote and space (`normalize`), and cut into words
(`words`) or into words and clause punctuation (`tokens`).

What it leaves out: spelling correction and any morphology (the stems of the tables
stand in for word forms; agents.language.matching).
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
_SPACES = re.compile(r"\s+")


def normalize(text: str) -> str:
    """Lower-case, "ё" -> "е", unified dashes/quotes/spaces, collapsed whitespace."""
    return _normalized(text or "")


# One message is read by a dozen tables and checks in a turn (the consultant's search
# calls this ~11 times, mostly on the message): each text is normalized once, the next
# asks are a look-up.
@lru_cache(maxsize=256)
def _normalized(text: str) -> str:
    return _SPACES.sub(" ", text.lower().translate(_TRANSLATE)).strip()


def words(text: str) -> list[str]:
    """The words (letters/digits runs) of `text`, normalized; hyphens split words."""
    return _WORD_RE.findall(normalize(text))


def tokens(text: str) -> list[str]:
    """Like `words`, but keeps clause punctuation (. , ; : ! ? parentheses) as tokens."""
    return _TOKEN_RE.findall(normalize(text))
