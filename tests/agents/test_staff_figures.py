"""Specific staff questions get that figure from the data (checked here with SQL on the
seeded database, independently of agents.sales), or a plain "not in the data"; a customer
asking the same gets a polite refusal, over HTTP, without any figure."""
from datetime import date

import pytest

from agents.periods import period_in, periods_in
from agents.routing import asks_for_staff_data, route_message
from agents.staff_questions import read_question
from tests.kit import ORCHESTRATOR, STAFF, db_rows
from tests.sse_reader import collect, text_of

# "now" of the seeded data: the day after its latest order.
NOW = "date((SELECT max(date) FROM orders), '+1 day')"


def rub(n: int) -> str:
    return f"{n:,}".replace(",", "\u202f") + "\u00a0₽"


async def ask(client, message, headers=STAFF, user="staff1"):
    events = await collect(await client.post(ORCHESTRATOR.format(user), headers=headers, json={"message": message}))
    assert events[-1]["type"] == "done", events[-3:]
    metadata = next(e for e in events if e["type"] == "metadata")["data"]
    agent = next(iter(metadata))
    return text_of(events, agent), agent, metadata[agent]


async def test_revenue_last_month(offline_client, db_path):
    revenue, orders = db_rows(db_path, f"""SELECT sum(amount), count(*) FROM orders
        WHERE date >= date({NOW}, 'start of month', '-1 month') AND date < date({NOW}, 'start of month')""")[0]
    assert orders > 0
    text, agent, meta = await ask(offline_client, "Какая выручка за прошлый месяц?")
    assert agent == "analysis" and meta["figure"]["revenue"] == revenue
    assert rub(revenue) in text and f"заказов: {orders}" in text


async def test_orders_in_a_named_month(offline_client, db_path):
    (orders,), = db_rows(db_path, "SELECT count(*) FROM orders WHERE date LIKE '2026-10-%'")
    (orders_2025,), = db_rows(db_path, "SELECT count(*) FROM orders WHERE date LIKE '2025-03-%'")
    text, _agent, meta = await ask(offline_client, "Сколько заказов было в октябре?")
    assert f"Заказов за период «октябрь 2026»: {orders}" in text
    text, _agent, _meta = await ask(offline_client, "сколько заказов в марте 2025")
    assert f"«март 2025»: {orders_2025}" in text


async def test_revenue_of_a_kind_over_the_year(offline_client, db_path):
    revenue, n = db_rows(db_path, f"""SELECT sum(o.amount), count(*) FROM orders o JOIN products p
        ON p.id = o.product_id WHERE p.type = 'wedding_band'
        AND o.date >= date({NOW}, 'start of month', '-12 months') AND o.date < date({NOW}, 'start of month')""")[0]
    text, _agent, meta = await ask(offline_client, "Какая выручка по обручальным кольцам за год?")
    assert meta["figure"]["orders"] == n and rub(revenue) in text and "последние 12 месяцев" in text


async def test_stock_of_a_kind(offline_client, db_path):
    units, models = db_rows(db_path, "SELECT sum(stock), count(*) FROM products WHERE type = 'engagement_ring'")[0]
    text, agent, meta = await ask(offline_client, "Сколько на складе помолвочных колец?")
    assert agent == "analysis"
    assert meta["figure"]["units"] == units and f"{units} шт." in text and f"моделей в каталоге: {models}" in text


async def test_stock_of_a_kind_in_a_metal_goes_to_the_analyst(offline_client, db_path):
    (units,), = db_rows(db_path, "SELECT sum(stock) FROM products WHERE type = 'earrings' AND metal = 'silver'")
    text, agent, meta = await ask(offline_client, "сколько на складе серебряных серёг?")
    assert agent == "analysis" and meta["figure"]["units"] == units and f"{units} шт." in text


async def test_a_short_follow_up_changes_only_the_period(offline_client, db_path):
    revenue, orders = db_rows(db_path, f"""SELECT sum(amount), count(*) FROM orders
        WHERE date >= date({NOW}, 'start of month', '-2 months') AND date < date({NOW}, 'start of month', '-1 month')""")[0]
    await ask(offline_client, "Какая выручка за прошлый месяц?", user="staff-follow")
    text, agent, meta = await ask(offline_client, "а за позапрошлый?", user="staff-follow")
    assert agent == "analysis" and meta["figure"]["revenue"] == revenue and f"заказов: {orders}" in text


async def test_top_products_of_the_year(offline_client, db_path):
    rows = db_rows(db_path, f"""SELECT p.name, sum(o.quantity) AS units, sum(o.amount) AS revenue
        FROM orders o JOIN products p ON p.id = o.product_id
        WHERE o.date >= date({NOW}, 'start of month', '-12 months') AND o.date < date({NOW}, 'start of month')
        GROUP BY p.id ORDER BY units DESC, revenue DESC, p.id DESC LIMIT 3""")
    text, _agent, _meta = await ask(offline_client, "Топ-5 товаров за год")
    for n, (name, units, revenue) in enumerate(rows, 1):
        assert f"{n}. {name} — продано {units} шт., выручка {rub(revenue)}" in text


async def test_customers_to_win_back_have_names_for_staff(offline_client, db_path):
    text, _agent, meta = await ask(offline_client, "Каких клиентов стоит вернуть?")
    listed = meta["figure"]["customers"]
    assert len(listed) == 5
    for customer in listed:
        name, spent, last, n = db_rows(db_path, """SELECT c.name, sum(o.amount), max(o.date), count(*)
            FROM customers c JOIN orders o ON o.customer_id = c.id WHERE c.id = ?""", customer["id"])[0]
        assert name in text and rub(spent) in text and (customer["last_order"], customer["orders"]) == (last, n)
        # Long gone: no order in the last 6 months of the data.
        (recent,), = db_rows(db_path, f"SELECT count(*) FROM orders WHERE customer_id = ? "
                                      f"AND date >= date({NOW}, '-6 months')", customer["id"])
        assert recent == 0
    assert [c["spent"] for c in listed] == sorted((c["spent"] for c in listed), reverse=True)


@pytest.mark.parametrize("message,said", [
    ("Какая у нас прибыль за октябрь?", "Данных о прибыли в базе магазина нет"),
    ("Какая конверсия посетителей в покупателей?", "в базе магазина нет"),
    ("Какая выручка в этом месяце?", "данных о заказах нет: в базе заказы с 1 ноября 2024 по 31 октября 2026"),
    ("Сколько заказов было в 2023 году?", "данных о заказах нет"),
])
async def test_what_the_data_does_not_hold_is_said_plainly(offline_client, message, said):
    text, agent, meta = await ask(offline_client, message)
    assert agent == "analysis" and said in text and "₽" not in text


@pytest.mark.parametrize("message", ["Какая выручка за прошлый месяц?", "Каких клиентов стоит вернуть?",
                                     "Покажи сегменты клиентов", "сколько заказов было в октябре"])
async def test_a_customer_gets_a_polite_refusal_not_products(offline_client, message):
    text, agent, meta = await ask(offline_client, message, headers={}, user="cust1")
    assert agent == "analysis" and meta == {"refused": True, "total_customers": None,
                                            "patterns": {}, "segments": []}
    assert "только сотрудникам" in text and "₽" not in text and "products" not in meta


@pytest.mark.parametrize("text,start,end", [
    ("за прошлый месяц", date(2026, 10, 1), date(2026, 10, 31)),
    ("в октябре", date(2026, 10, 1), date(2026, 10, 31)),
    ("за декабрь", date(2025, 12, 1), date(2025, 12, 31)),
    ("за год", date(2025, 11, 1), date(2026, 10, 31)),
    ("в прошлом году", date(2025, 1, 1), date(2025, 12, 31)),
    ("за последние три месяца", date(2026, 8, 1), date(2026, 10, 31)),
    ("за прошлый квартал", date(2026, 7, 1), date(2026, 9, 30)),
    ("во 2 квартале 2025", date(2025, 4, 1), date(2025, 6, 30)),
    ("на прошлой неделе", date(2026, 10, 19), date(2026, 10, 25)),
    ("за позапрошлый месяц", date(2026, 9, 1), date(2026, 9, 30)),
    ("на позапрошлой неделе", date(2026, 10, 12), date(2026, 10, 18)),
])
def test_periods(text, start, end):
    period = period_in(text, date(2026, 11, 1))
    assert (period.start, period.end) == (start, end)


def test_question_reading():
    now = date(2026, 11, 1)
    assert read_question("Сколько на складе серебряных серёжек?", now)["types"] == ["earrings"]
    assert read_question("остатки золотых колец", now)["metals"] == ["yellow_gold", "white_gold", "rose_gold"]
    assert read_question("Какие сегменты самые прибыльные?", now)["figure"] is None
    assert read_question("Прогноз продаж на декабрь", now)["figure"] is None
    assert read_question("Какие товары хуже всего продаются?", now)["worst"] is True


@pytest.mark.parametrize("message", [
    "Какая выручка за прошлый месяц?", "Сколько вы заработали в октябре?", "Покажи сегменты клиентов",
    "Сколько у вас клиентов?", "Каких клиентов стоит вернуть?",
])
def test_analytics_questions_are_recognised_for_customers_and_routed_for_staff(message):
    assert asks_for_staff_data(message)
    assert route_message(message, staff=True)[0] == "analysis"


@pytest.mark.parametrize("message", [
    "Я ваш постоянный клиент, есть ли для меня бонусы?", "Помолвочное кольцо до 100 тысяч",
    "Что чаще всего дарят на 8 марта?", "Какие серьги сейчас носят?", "Сколько стоит доставка?",
])
def test_customer_questions_are_not_mistaken_for_analytics(message):
    assert not asks_for_staff_data(message)


async def test_the_customers_who_spent_most_in_the_year_as_many_as_asked(offline_client, db_path):
    rows = db_rows(db_path, f"""SELECT c.name, count(*), sum(o.amount) FROM orders o JOIN customers c
        ON c.id = o.customer_id
        WHERE o.date >= date({NOW}, 'start of month', '-12 months') AND o.date < date({NOW}, 'start of month')
        GROUP BY c.id ORDER BY sum(o.amount) DESC, count(*) DESC, c.id DESC LIMIT 10""")
    text, agent, meta = await ask(offline_client, "топ-10 покупателей за год")
    assert agent == "analysis" and len(meta["figure"]["customers"]) == 10
    for n, (name, orders, spent) in enumerate(rows, 1):
        assert f"{n}. {name} — заказов: {orders}, на сумму {rub(spent)}" in text


async def test_the_most_active_customers_are_ranked_by_orders(offline_client, db_path):
    rows = db_rows(db_path, """SELECT c.name, count(*), sum(o.amount) FROM orders o JOIN customers c
        ON c.id = o.customer_id GROUP BY c.id ORDER BY count(*) DESC, sum(o.amount) DESC, c.id DESC LIMIT 5""")
    (buyers,), = db_rows(db_path, "SELECT count(DISTINCT customer_id) FROM orders")
    text, _agent, meta = await ask(offline_client, "Кто самые активные клиенты?")
    assert f"«всё время»: {buyers} клиентов" in text
    for n, (name, orders, spent) in enumerate(rows, 1):
        assert f"{n}. {name} — заказов: {orders}, на сумму {rub(spent)}" in text


def month_figures(db_path, month: str) -> tuple[int, int]:
    return db_rows(db_path, "SELECT coalesce(sum(amount), 0), count(*) FROM orders WHERE date LIKE ?",
                   f"{month}-%")[0]


def change(before: int, after: int) -> str:
    percent = round((after - before) * 100 / before)
    return "без изменений" if percent == 0 else f"{percent:+d}\u00a0%".replace("-", "−")


async def test_two_named_months_are_compared_earlier_first(offline_client, db_path):
    (rev9, n9), (rev10, n10) = month_figures(db_path, "2026-09"), month_figures(db_path, "2026-10")
    text, agent, meta = await ask(offline_client, "Сравни выручку за октябрь и сентябрь")
    assert agent == "analysis" and [p["period"] for p in meta["figure"]["periods"]] == ["сентябрь 2026", "октябрь 2026"]
    assert f"Выручка: {rub(rev9)} → {rub(rev10)} ({change(rev9, rev10)})" in text
    assert f"Заказов: {n9} → {n10} ({change(n9, n10)})" in text
    assert f"Средний чек: {rub(round(rev9 / n9))} → {rub(round(rev10 / n10))}" in text


async def test_one_period_is_compared_with_the_one_before_and_a_follow_up_moves_both(offline_client, db_path):
    text, _agent, meta = await ask(offline_client, "Как изменилась выручка в октябре?", user="staff-cmp")
    assert [p["period"] for p in meta["figure"]["periods"]] == ["сентябрь 2026", "октябрь 2026"]
    (rev_q2,), = db_rows(db_path, "SELECT sum(amount) FROM orders WHERE date BETWEEN '2026-04-01' AND '2026-06-30'")
    (rev_q3,), = db_rows(db_path, "SELECT sum(amount) FROM orders WHERE date BETWEEN '2026-07-01' AND '2026-09-30'")
    text, _agent, meta = await ask(offline_client, "а за прошлый квартал?", user="staff-cmp")
    assert [p["period"] for p in meta["figure"]["periods"]] == ["2-й квартал 2026", "3-й квартал 2026"]
    assert f"Выручка: {rub(rev_q2)} → {rub(rev_q3)}" in text


async def test_a_customer_asking_who_buys_most_gets_no_names(offline_client):
    text, agent, meta = await ask(offline_client, "кто ваши самые активные клиенты?", headers={}, user="cust2")
    assert meta.get("refused") is True and "только сотрудникам" in text and "заказов" not in text


@pytest.mark.parametrize("text,labels", [
    ("сравни сентябрь и октябрь", ["сентябрь 2026", "октябрь 2026"]),
    ("выручка за октябрь по сравнению с сентябрём", ["октябрь 2026", "сентябрь 2026"]),
    ("сравни этот год с прошлым", ["2026 год (с начала года)", "2025 год"]),
    ("прошлый месяц и позапрошлый", ["октябрь 2026", "сентябрь 2026"]),
    ("выручка с начала года", ["2026 год (с начала года)"]),
])
def test_every_period_named(text, labels):
    assert [p.label for p in periods_in(text, date(2026, 11, 1))] == labels


async def test_how_many_customers_bought_in_a_month(offline_client, db_path):
    buyers, orders = db_rows(db_path, "SELECT count(DISTINCT customer_id), count(*) FROM orders WHERE date LIKE '2026-10-%'")[0]
    assert buyers < orders
    text, _agent, meta = await ask(offline_client, "Сколько клиентов купили в октябре?")
    assert meta["figure"]["buyers"] == buyers and f"Покупателей за период «октябрь 2026»: {buyers}" in text


async def test_new_customers_are_the_ones_whose_first_order_is_in_the_period(offline_client, db_path):
    (new,), = db_rows(db_path, """SELECT count(*) FROM (SELECT customer_id, min(date) AS first FROM orders
        GROUP BY customer_id) WHERE first LIKE '2026-10-%'""")
    (registered,), = db_rows(db_path, "SELECT count(*) FROM customers WHERE registered LIKE '2026-10-%'")
    text, _agent, meta = await ask(offline_client, "Сколько новых клиентов в октябре?")
    assert meta["figure"]["code"] == "new_customers" and meta["figure"]["new"] == new
    assert f"«октябрь 2026»: {new} из" in text and f"зарегистрировались за этот период: {registered}" in text


async def test_sales_by_channel(offline_client, db_path):
    rows = db_rows(db_path, "SELECT channel, count(*), sum(amount) FROM orders GROUP BY channel ORDER BY sum(amount) DESC")
    text, _agent, meta = await ask(offline_client, "Какой канал продаж приносит больше выручки?")
    assert [(c["code"], c["orders"], c["revenue"]) for c in meta["figure"]["channels"]] == rows
    assert f"в салоне — заказов: {dict((r[0], r[1]) for r in rows)['store']:,}".replace(",", "\u202f") in text


async def test_sales_by_day_of_the_week_is_no_week_period(offline_client, db_path):
    rows = db_rows(db_path, """SELECT (CAST(strftime('%w', date) AS INTEGER) + 6) % 7, count(*), sum(amount)
        FROM orders WHERE date LIKE '2026-10-%' GROUP BY 1 ORDER BY 1""")
    text, _agent, meta = await ask(offline_client, "В какой день недели больше всего продаж в октябре?")
    figure = meta["figure"]
    assert figure["period"] == "октябрь 2026"
    assert [(d["day"], d["orders"], d["revenue"]) for d in figure["days"] if d["orders"]] == rows
    best = max(rows, key=lambda r: (r[2], r[1]))[0]
    assert text.startswith(f"Больше всего выручки — {figure['days'][best]['label']}")


async def test_which_kind_grows_fastest_compares_the_last_year_with_the_one_before(offline_client, db_path):
    def by_kind(start: str, end: str) -> dict:
        return dict(db_rows(db_path, f"""SELECT p.type, sum(o.amount) FROM orders o JOIN products p ON p.id = o.product_id
            WHERE o.date >= date({NOW}, 'start of month', '{start}') AND o.date < date({NOW}, 'start of month', '{end}')
            GROUP BY p.type"""))
    before, after = by_kind("-24 months", "-12 months"), by_kind("-12 months", "+0 months")
    growth = {kind: round((after[kind] - before[kind]) * 100 / before[kind]) for kind in before}
    text, agent, meta = await ask(offline_client, "Какая категория растёт быстрее всего?")
    figure = meta["figure"]
    assert agent == "analysis" and figure["code"] == "compare"
    assert [p["period"] for p in figure["periods"]] == ["ноябрь 2024 – октябрь 2025", "последние 12 месяцев"]
    assert [k["change"] for k in figure["kinds"]] == sorted(growth.values(), reverse=True)
    fastest = max(growth, key=growth.get)
    assert f"{rub(before[fastest])} → {rub(after[fastest])} ({change(before[fastest], after[fastest])})" in text


async def test_a_staff_member_comparing_months_gets_the_analyst(offline_client):
    text, agent, meta = await ask(offline_client, "сравни сентябрь и октябрь", user="staff-route")
    assert agent == "analysis" and meta["figure"]["code"] == "compare" and "Выручка:" in text


@pytest.mark.parametrize("message", ["сравни выручку за последние 2000 лет", "выручка за последние 1000000 дней"])
async def test_a_period_beyond_any_date_is_no_crash(offline_client, message):
    text, agent, meta = await ask(offline_client, message, user="staff-far")
    assert agent == "analysis" and meta["figure"]["code"] in ("compare", "sales") and text


async def test_growth_per_kind_adds_up_after_the_catalog_was_replaced(aiohttp_client, db_path):
    """An import withdraws the demo's goods: their past orders still count, in a row of
    their own, so the kinds add up to the revenue said."""
    from jewelstream.app import create_app
    from jewelstream.config import Settings
    from jewelstream.data.__main__ import main as data_main
    from tests.kit import ROOT, STAFF_TOKEN
    assert data_main(["import", "catalog", str(ROOT / "docs" / "examples" / "catalog.csv"), "--db", db_path]) == 0
    client = await aiohttp_client(create_app(Settings(llm="offline", db_path=db_path, offline_pace=0,
                                                      staff_token=STAFF_TOKEN)))
    _text, _agent, meta = await ask(client, "Какая категория растёт быстрее всего?")
    figure = meta["figure"]
    before, after = figure["periods"]
    assert sum(k["before"] for k in figure["kinds"]) == before["revenue"]
    assert sum(k["after"] for k in figure["kinds"]) == after["revenue"]
    assert "снятые с продажи" in [k["kind"] for k in figure["kinds"]]
