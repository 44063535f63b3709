"""How well routing does on wording it was never tuned on: `python -m tests.routing_accuracy`
prints the share of these messages routed as labelled, and each miss. A figure, not a
test: tests/agents/test_routing.py holds routing exact on its own table.

When a miss here leads to a new cue, move that message into the test's table and add new
wording here (messages written as customers and staff write, not from the cues), so the
figure keeps measuring wording nobody tuned against.
"""
from __future__ import annotations

from agents.routing import route_message

C, G, A, T, Q = "consultant", "girlfriend", "analysis", "trend", "taste"

# (message, staff, expected agents)
NEW_WORDING = [
    ("Нужны гвоздики в уши, маленькие, серебряные", False, [C]),
    ("Подскажите кольцо под аквамарин, бюджет тысяч сорок", False, [C]),
    ("Есть ли кулон-сердечко из красного золота?", False, [C]),
    ("Сколько будет стоить подогнать кольцо по размеру?", False, [C]),
    ("Цепочка плетения бисмарк у вас бывает?", False, [C]),
    ("Хочу взять жене браслет на десятилетие свадьбы", False, [C]),
    ("Какие серьги посоветуете к синему платью?", False, [C]),
    ("Вы принимаете оплату картой при получении?", False, [C]),
    ("Можно посмотреть часы?", False, [C]),
    ("Интересуют мужские перстни", False, [C]),
    ("Ой, всё, я устала от этой работы", False, [G]),
    ("Как считаешь, мне пойдёт чокер, если шея короткая?", False, [G]),
    ("Я Рыбы, что мне носить для удачи?", False, [G]),
    ("Обожаю тебя, ты всегда поднимаешь настроение", False, [G]),
    ("Что надеть на первое собеседование, чтобы выглядеть уверенно?", False, [G]),
    ("У меня сегодня день рождения!", False, [G]),
    ("Посоветуй, как собрать образ на концерт", False, [G]),
    ("Сколько заказов мы получили на этой неделе?", True, [A]),
    ("Какая категория приносит больше всего денег?", True, [A]),
    ("Кто наши самые лояльные покупатели?", True, [A]),
    ("Сравни продажи этого декабря с прошлым", True, [A]),
    ("Каких колец осталось меньше всего на складе?", True, [A]),
    ("Какой процент клиентов покупает повторно?", True, [A]),
    ("Что будет модно осенью?", False, [T]),
    ("Жемчуг ещё в тренде или уже нет?", False, [T]),
    ("Какие камни сейчас на пике популярности?", False, [T]),
    ("Что пишут модные журналы про серьги?", False, [T]),
    ("Массивные цепи всё ещё актуальны?", False, [T]),
    ("Давай ты сначала узнаешь, что мне нравится", False, [Q]),
    ("Хочу пройти опрос о моих предпочтениях", False, [Q]),
    ("Задай мне вопросы про мой вкус", False, [Q]),
    ("Определи мой стиль по анкете", False, [Q]),
    ("Покажи серьги и заодно скажи, что в моде", False, [C, T]),
    ("Муж опять забыл про годовщину, обидно до слёз", False, [G]),
    ("Хватит ли мне 15 тысяч на приличный подарок подруге?", False, [C]),
    ("На что сейчас тратят больше: на золото или серебро?", True, [A]),
    ("Какие оттенки золота в этом сезоне носят блогеры?", False, [T]),
    ("Прежде чем что-то советовать, спроси меня о моих вкусах", False, [Q]),
    ("Девочки на работе говорят, что мне не идут серьги-кольца, это правда?", False, [G]),
    ("Есть что-то в стиле минимализм для офиса?", False, [C]),
    ("Сколько мы заработали на Черную пятницу?", True, [A]),
    ("Грустно мне... Подбери что-нибудь, чтобы порадовать себя", False, [G, C]),
    ("Что практичнее носить каждый день: серебро или золото?", False, [C]),
    ("Чем фианит хуже бриллианта?", False, [C]),
    ("Мне нахамил продавец, куда можно пожаловаться?", False, [C]),
    ("Каких изделий на складе почти не осталось?", True, [A]),
    ("Что сейчас носят из серебра?", False, [T]),
    ("Можно ли у вас сдать старое золото?", False, [C]),
    ("А ты случайно не робот?", False, [G]),
    ("Что лучше на помолвку — платина или золото?", False, [C]),
    ("Серебро у меня чернеет, как его почистить?", False, [C]),
]


def accuracy(table=NEW_WORDING) -> tuple[float, list[tuple]]:
    """The share of messages routed as labelled, and the misses (message, staff, expected, got)."""
    misses = [(message, staff, expected, got) for message, staff, expected in table
              if (got := route_message(message, staff=staff)) != expected]
    return 1 - len(misses) / len(table), misses


def main() -> None:
    share, misses = accuracy()
    for message, staff, expected, got in misses:
        print(f"miss: {message!r} (staff={staff}): expected {expected}, routed {got}")
    print(f"routing accuracy on new wording: {share:.1%} ({len(NEW_WORDING) - len(misses)}/{len(NEW_WORDING)})")


if __name__ == "__main__":
    main()
