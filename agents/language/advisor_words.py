"""The words the friendly advisor (agents.girlfriend) listens for: a mood, an event to
dress for, what the customer wants to talk about. code -> (label for the prompt, stems),
matched as every table is (agents.language.matching).

What it leaves out: the advisor's answers to them (tips and openings: agents.girlfriend).
"""
from __future__ import annotations

from agents.language.matching import Vocabulary

# code -> (label for the prompt, stems); stems as in agents.language.vocabulary.
MOODS = Vocabulary({
    "sad": ("грусть", ("грустн", "грущу", "печал", "плохо", "плачу", "плак", "тоск", "одинок",
                       "расстро", "обидн", "обидел", "депресс", "разбит", "бросил", "расстал", "слез")),
    "stressed": ("стресс, усталость", ("стресс", "устал", "нерв", "тревог", "тревож", "волну",
                                       "паник", "не успева", "завал", "выгора", "дедлайн", "боюсь")),
    "happy": ("радость", ("рада", "радост", "радуюсь", "счастл", "ура", "влюб", "повысили",
                          "получилось", "восторг", "ура")),
})
# event -> (label, stems), and a concrete style tip for each.
EVENTS = Vocabulary({
    "date": ("свидание", ("свидан", "романтическ ужин")),
    "work": ("работа", ("собеседован", "на работу", "в офис", "переговор", "презентац")),
    "party": ("вечеринка", ("вечеринк", "корпоратив", "тусовк", "выпускн", "банкет", "в клуб")),
    "wedding": ("свадьба", ("свадьб", "свадеб")),
    "theatre": ("театр или ресторан", ("театр", "в опер", "концерт", "ресторан", "выход в свет")),
})
TOPICS = Vocabulary({
    "style": ("стиль", ("надеть", "одеть", "носить", "сочета", "стил", "образ", "подойдет",
                        "подходит", "к лицу", "гардероб", "плать", "наряд")),
    "zodiac": ("знак зодиака", ("зодиак", "гороскоп", "астролог", "мой знак", "моему знаку",
                                 "какой знак", "по знаку")),
    "advice": ("совет", ("совет", "посоветуй", "что делать", "как быть", "помоги")),
})
