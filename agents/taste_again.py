"""The questionnaire's question asked again (agents.taste): after a message that is no
answer to it, "продолжим тест" after a question elsewhere, "ааааа", or a question about
the questionnaire itself ("сколько ещё вопросов?", "зачем это?"), which is answered first.

What it leaves out: any other question (agents.routing sends a clear one to its agent).
"""
from __future__ import annotations

import re

from agents.language import normalize
from agents.small_talk import small_talk

# Messages that are no answer, after which the question is asked again: "продолжим тест"
# (after a question elsewhere), questions about the questionnaire itself.
_RESUME = re.compile(r"\b(?:продолж\w*|вернемся|вернуться|вернемс\w*)\b")
_HOW_MANY = re.compile(r"\bсколько (?:\w+ )?(?:вопрос|осталось)|\b(?:долго|много) (?:еще|осталось)|\bскоро конец")
_WHY = re.compile(r"\b(?:зачем|для чего|почему вы спрашива|а смысл)\b")


def asked_again(message: str) -> str | None:
    """Why the question is asked again, or None when the message is an answer."""
    text = normalize(message)
    if _RESUME.search(text):
        return "resumed"
    if _HOW_MANY.search(text):
        return "how_many"
    if _WHY.search(text):
        return "why"
    return "unclear" if small_talk(message) == "unclear" else None


# What is said before the question again ({total} questions, {left} left).
AGAIN = {"resumed": "Продолжаем анкету.", "unclear": "Простите, я не совсем поняла ответ.",
         "how_many": "Всего вопросов {total}, осталось {left} — это быстро.",
         "why": "Ответы помогут подобрать украшения именно под ваш вкус: я сохраню их в вашем профиле, "
                "и консультант учтёт их при подборе. Если не хочется отвечать, напишите «хватит»."}
