"""What exactly a staff member asks the analyst: one figure, its period and the goods it is about.

`read_question(text, now)` turns "Какая выручка за прошлый месяц?" into

    {"figure": "sales", "metric": "revenue", "period": Period(октябрь 2026),
     "types": [], "metals": [], "stones": [], "worst": False, "missing": None}

`figure` is one of FIGURES' codes ("sales", "stock", "top_products", "win_back"),
"top_customers" (who bought most: "кто самые активные клиенты?", "топ покупателей за год"),
"new_customers" ("сколько новых клиентов в октябре?"), "channels" ("какой канал продаж
приносит больше?"), "weekdays" ("в какой день недели больше всего продаж?"),
"compare" (a sales figure in two periods: "сравни сентябрь и октябрь", "выручка за октябрь
по сравнению с прошлым месяцем"; one period named is compared with the one before it, and
`periods` holds both, the earlier first), or
"missing" when the question asks for something the shop's data does not hold (profit,
visitors, returns...: `missing` then names it in Russian), or None when no single figure
is asked (the analyst then answers by topic or with an overview). `types`, `metals` and
`stones` are `agents.language.vocabulary` codes read by `agents.goods` ("кольца" are every kind of
ring, "золото" every gold). `period` comes from `agents.periods` (None: all the data).

Left out: several figures in one question (the first asked wins), comparisons of stock or
of top lists, one named customer or product.
"""
from __future__ import annotations

from datetime import date

from agents.goods import Goods, goods_in
import re

from agents.periods import period_before, period_in, periods_in
from agents.language import normalize, words

# figure -> stems (substrings of the normalized text), tried in this order.
FIGURES = {
    "win_back": ("вернуть", "возвращать клиент", "давно не покупа", "давно ничего не покупа",
                 "перестал", "ушедш", "потерянн", "отток", "реактив", "под угрозой", "кого позвать",
                 "напомнить о себе", "не возвраща"),
    "stock": ("склад", "в наличии", "остат", "осталось", "закончил", "заканчива", "на исходе", "нет в наличии"),
    "top_products": ("топ", "самые продаваем", "самых продаваем", "лучше всего прода",
                     "хуже всего прода", "хит", "бестселлер", "популярн товар", "популярн издели",
                     "популярн модел", "популярные позиц", "что лучше продается", "что хуже продается",
                     "какие товары", "какие модели", "какие изделия", "какие позиции"),
    "sales": ("выручк", "оборот", "доход", "на какую сумму", "на сколько рублей", "сумма продаж",
              "заработ", "средн чек", "средний чек", "заказ", "покупок", "продаж", "продал",
              "продан", "купили", "покупател"),
}
METRICS = {"buyers": ("сколько клиент", "сколько покупател", "сколько человек", "число клиент",
                      "число покупател", "количество клиент", "количество покупател"),
           "average_check": ("средн чек", "средний чек"),
           "revenue": ("выручк", "оборот", "доход", "на какую сумму", "на сколько рублей",
                       "сумма продаж", "заработ"),
           "orders": ("заказ", "покупок", "продаж", "продал", "продан", "купили")}
# Asked-for data the shop does not keep: stem -> what it is, in the genitive.
MISSING = {"прибыл": "прибыли", "марж": "маржи", "себестоим": "себестоимости",
           "наценк": "наценки", "рентабельн": "рентабельности", "посетител": "посетителей",
           "посещаем": "посещаемости", "трафик": "трафика", "конверси": "конверсии",
           "возвраты": "возвратов", "возвратов": "возвратов", "возвратам": "возвратов",
           "зарплат": "зарплат", "отзыв": "отзывов", "рекламн": "рекламы", "корзин": "корзин"}
_WORST = ("хуже", "худш", "меньше всего", "не продаются", "не покупают", "аутсайдер")


# Questions that belong to a topic of the overview (forecast, seasonality), not to one figure.
_TOPICAL = ("прогноз", "ожида", "следующ", "будущ", "предсказ", "сезон", "динамик", "сегмент")
_NOT_MISSING = ("прибыльн",)        # "самые прибыльные сегменты" asks about revenue


_COMPARE = re.compile(r"сравн|(?<![а-я])(?:против|vs)(?![а-я])|относительно|разниц|как измени|"
                      r"вырос|выросл|упал|снизил|увеличил|уменьшил|раст[её]т|растут|рост|пада[её]т|падают|снижа")
# A comparison per kind of goods: "какая категория растёт быстрее всего?"
_BY_KIND = re.compile(r"категор|по видам|по типам|каки[ея] (?:виды|товары|украшения|изделия)|что (?:растет|растут|падает)")
_TOP_CUSTOMERS = re.compile(
    r"(?:топ|лучш|активн|крупн|постоянн|ценн|важн|вип|самы[а-я]*|главн)[а-я-]*(?:\s*\d+)?\s+"
    r"(?:[а-я]+\s+)?(?:клиент|покупател)|(?:кто|какие клиенты|какие покупатели)\s+(?:у нас\s+)?"
    r"(?:больше|чаще)\s+всего\s+(?:покупа|трат|заказ|потратил)|(?:клиент|покупател)[а-я]*\s+"
    r"(?:с\s+(?:наибольш|самы)|(?:которые|кто)\s+(?:больше|чаще)\s+всего)")
_NEW_CUSTOMERS = re.compile(r"нов[а-я]*\s+(?:[а-я]+\s+)?(?:клиент|покупател)|впервые\s+(?:купил|покупал)|"
                            r"перв[а-я]*\s+покупк|привлекл|пришло\s+(?:новых|клиент)")
_CHANNELS = re.compile(r"канал|онлайн|офлайн|интернет|на сайте|через сайт|в салоне или|в магазине или")
_WEEKDAYS = re.compile(r"(?:в\s+какой|какой|какие|по)\s+д(?:ень|ни|ням)\s+недел[а-я]*|д(?:ень|ни|ням)\s+недел[а-я]*")
METRICS_SAID = re.compile(r"выручк|потратил|трат|сумм|оборот|доход|денег")
_BY_ORDERS = ("активн", "чаще", "больше всего заказ", "постоянн")
_HOW_MANY = re.compile(r"(?<![а-я])топ[\s-]*(\d+)|(?<!\d)(\d+)\s+(?:сам|лучш|худш|крупн|активн|клиент|покупател|товар)")
LIST_DEFAULT, LIST_MAX = 5, 20          # rows of a top list: as asked ("топ-10"), at most 20


def read_question(text: str, now: date) -> dict:
    t = normalize(text)
    ws = [w for w in words(t) if not w.startswith(_NOT_MISSING)]
    missing = next((what for stem, what in MISSING.items() if any(w.startswith(stem) for w in ws)), None)
    weekdays = _WEEKDAYS.search(t)
    if weekdays:                            # "день недели" names no period
        t = t.replace(weekdays[0], " ")
    figure = "missing" if missing else None if any(s in t for s in _TOPICAL) else \
        "weekdays" if weekdays else "new_customers" if _NEW_CUSTOMERS.search(t) else \
        "top_customers" if _TOP_CUSTOMERS.search(t) else "channels" if _CHANNELS.search(t) else next(
            (code for code, stems in FIGURES.items() if any(s in t for s in stems)), None)
    metric = next((code for code, stems in METRICS.items() if any(s in t for s in stems)), "revenue")
    if figure == "top_customers" and any(s in t for s in _BY_ORDERS) and not METRICS_SAID.search(t):
        metric = "orders"
    goods = goods_in(text)
    question = {"figure": figure, "metric": metric, "period": period_in(t, now),
                "types": list(goods.types), "metals": list(goods.metals), "stones": list(goods.stones),
                "worst": any(s in t for s in _WORST), "missing": missing, "rows": _rows_asked(t)}
    if figure in (None, "sales", "top_products") and _COMPARE.search(t):
        # Two periods named, or one and the one before it; none: the last 12 months against the 12 before.
        periods = compared(periods_in(t, now)) or compared([period_in("за год", now)])
        question.update(figure="compare", periods=periods, by_kind=bool(_BY_KIND.search(t)))
    return question


def compares_periods(text: str) -> bool:
    """Does `text` compare sales periods ("сравни сентябрь и октябрь")? Staff asking that
    mean the analyst, though "сравни" alone is a shopper's word too."""
    t = normalize(text)
    return bool(_COMPARE.search(t)) and bool(periods_in(t, date.today()))


def compared(periods: list) -> list:
    """The two periods to compare, the earlier first: two named, or one and the one before it."""
    if len(periods) == 1:
        periods = [period_before(periods[0]), periods[0]]
    return sorted(periods[:2], key=lambda p: p.start) if len(periods) >= 2 else []


def _rows_asked(t: str) -> int:
    m = _HOW_MANY.search(t)
    return min(max(int(m[1] or m[2]), 1), LIST_MAX) if m else LIST_DEFAULT



def goods_filter(question: dict):
    """A test of one product against the question's types, metals and stones."""
    return Goods(tuple(question["types"]), tuple(question["metals"]), tuple(question["stones"])).admits
