"""Customers' questions the server's start-up warm-up has the agents answer
(jewelstream/warmup.py): a short conversation with the consultant (a search, a
refinement, a piece referred to) and two questions the orchestrator routes (the advisor's
zodiac, the trend analyst), so that the code a real question runs is warm.
"""
from __future__ import annotations

CONVERSATION = ("Я ищу обручальное кольцо для помолвки, бюджет до 100000 рублей",
                "А есть подешевле?", "Расскажите подробнее про первое")
ROUTED = ("Какие украшения подойдут Скорпиону?", "Какие тренды в украшениях в этом сезоне?")
