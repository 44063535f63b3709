"""Number words to digits: "сто пятьдесят тысяч" -> "150 тысяч", "полтора миллиона" ->
"1.5 миллиона", "полтинник" -> "50 тысяч" (`spell_numbers`), for the budget parser
(agents.language.budget) and the staff's periods (agents.periods).

What it leaves out: ordinals ("пятое"), fractions other than "полтора" and "пол", and
deciding what a number means (money, a size, a date): that is the caller's business.
"""
from __future__ import annotations

import re

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
# Slang first: "полтинник" is 50 000, "двадцатка" 20 000 (the singular only: "десятки
# вариантов" is no sum), "косарь" a thousand, "пол миллиона" half of one.
_SLANG = ((r"\bполтинник\w*|\bполтос\w*", "50 тысяч"), (r"\bсотк[аиуе]\b", "100 тысяч"),
          (r"\bпятерк[аеу]\b|\bпятерочк[аеу]\b", "5 тысяч"), (r"\bдесятк[аеу]\b", "10 тысяч"),
          (r"\bдвадцатк[аеу]\b", "20 тысяч"), (r"\bтридцатк[аеу]\b", "30 тысяч"),
          (r"\bкосар\w*", "тысяча"), (r"\bпол\s?(?=тысяч|миллион|лям)", "0.5 "))
_NUMBER_RUN = re.compile(r"\b(?:{0})(?:\s+(?:{0}))*\b".format(
    "|".join(sorted(_NUMBERS, key=len, reverse=True))))


def spell_numbers(text: str) -> str:
    """Number words to digits in normalized text: "сто пятьдесят тысяч" -> "150 тысяч",
    "полтора миллиона" -> "1.5 миллиона", "до тысячи" -> "до 1 тысячи", "полтинник" ->
    "50 тысяч". Multiplier words ("тысяч") stay words; the caller decides what is money."""
    for pattern, repl in _SLANG:
        text = re.sub(pattern, repl, text)
    text = _NUMBER_RUN.sub(lambda m: "{:g}".format(sum(_NUMBERS[w] for w in m.group().split())), text)
    # A bare multiplier word is one of it ("тысяча", "миллион"); "тысяч" alone is a plural.
    return re.sub(r"(?<!\d)(?<!\d )\b(?=(?:тысяч[аиу]|миллиона?|ляма?)\b)", "1 ", text)
