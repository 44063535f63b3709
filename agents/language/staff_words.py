"""The topics a staff member's general question about the shop's customers and sales
touches (agents.analysis): customer segments, seasonality, the revenue forecast, popular
categories. code -> (label for the prompt, stems), matched as every table is
(agents.language.matching); a question may touch several.

What it leaves out: the specific figures a question asks for ("выручка за март"):
agents.staff_questions and agents.periods read those.
"""
from __future__ import annotations

from agents.language.matching import Vocabulary

TOPICS = Vocabulary({
    "segments": ("сегменты клиентов", ("сегмент", "rfm", "групп", "лояльн", "чемпион", "отток", "ухода",
                                       "уходят", "спящ", "новых клиент", "новые клиент", "разов", "постоянн",
                                       "удержан")),
    "seasonality": ("сезонность", ("сезон", "по месяц", "пик", "праздни", "декабр", "март", "динамик")),
    "forecast": ("прогноз выручки", ("прогноз", "ожида", "следующ", "будущ", "предсказ", "план")),
    "categories": ("популярные категории", ("категор", "популярн", "что покупают", "продается", "продаются",
                                            "топ", "хит", "ассортимент", "какие издели", "какие украшени")),
})
