"""The words the friendly advisor (agents.girlfriend) listens for: a mood, an event to
dress for, what the customer wants to talk about, the colour of an outfit, a chat ("как
дела?", a compliment), a question about one's own stones or metal. code -> (label for the prompt, stems),
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
# The colour of what the customer will wear, said next to a garment ("к чёрному платью").
OUTFIT_COLORS = Vocabulary({
    "black": ("чёрный", ("черн",)), "red": ("красный", ("красн", "алое", "алом", "бордов")),
    "blue": ("синий", ("син", "голуб")), "white": ("белый", ("бел",)),
    "green": ("зелёный", ("зелен", "изумрудн")), "beige": ("бежевый", ("бежев", "пудров", "нюдов")),
})
GARMENTS = Vocabulary({"garment": ("одежда", ("плать", "наряд", "блуз", "костюм", "рубаш", "кофт", "юбк",
                                              "пиджак", "свитер", "водолазк", "топ", "комбинезон"))})
# Talk that asks for no advice: how the advisor is, a compliment to her.
CHAT = Vocabulary({
    "how_are_you": ("как дела", ("как дела", "как у тебя дела", "как у вас дела", "как поживаешь",
                                 "как поживаете", "как настроение", "как твои дела", "как ваши дела",
                                 "как жизнь")),
    "compliment": ("комплимент", ("ты мил", "вы мил", "ты лучш", "вы лучш", "умничк", "умница",
                                  "ты прелест", "обожаю тебя", "ты классн", "ты супер", "ты чудо")),
})
# A question about the customer's own stones or metal (the sign's facts answer it).
OWN_STONES = Vocabulary({"own": ("мои камни", ("камн", "камен", "металл", "талисман", "оберег"))})
