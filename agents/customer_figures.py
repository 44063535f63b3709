"""Staff figures about who buys, and how: the customers who bought most, new customers, the
sales channels, the days of the week. Each is computed here from the shop's orders (the LLM
never computes a number) and said in plain Russian; `agents.shop_figures` calls them.

    top_customers(orders, customers, question)  -> {"by", "buyers", "customers": [...]}
    new_customers(all_orders, customers, period) -> {"new", "buyers", "registered", "names"}
    channels(orders)                             -> {"channels": [{"code", "label", "orders", "revenue", "share"}]}
    weekdays(orders)                             -> {"days": [{"day", "label", "orders", "revenue"}]}

Names of customers appear in these texts: the analyst answers staff only.
"""
from __future__ import annotations

from collections import Counter
from datetime import date

from agents.search import rubles
from agents.staff_questions import LIST_DEFAULT
from agents.wording import number

CHANNELS = {"store": "в салоне", "online": "онлайн"}
WEEKDAYS = ("понедельник", "вторник", "среда", "четверг", "пятница", "суббота", "воскресенье")


def top_customers(orders: list[dict], customers: list[dict], question: dict) -> dict:
    """The customers who spent most (or, asked about "активные", ordered most) in the orders."""
    count, spent, last = Counter(), Counter(), {}
    for o in orders:
        who = o["customer_id"]
        count[who] += 1
        spent[who] += o["amount"]
        last[who] = max(last.get(who, ""), o["date"])
    names = {c["id"]: c["name"] for c in customers}
    by_orders = question["metric"] == "orders"
    ranked = sorted(count, key=lambda c: ((count[c], spent[c]) if by_orders else (spent[c], count[c]), c),
                    reverse=True)
    return {"by": "orders" if by_orders else "revenue", "buyers": len(count), "customers": [
        {"id": c, "name": names.get(c, c), "orders": count[c], "spent": spent[c], "last_order": last[c]}
        for c in ranked[:question.get("rows", LIST_DEFAULT)]]}


def new_customers(orders: list[dict], customers: list[dict], period) -> dict:
    """Customers whose first order falls in `period` (None: all time), and registrations in it."""
    first: dict[str, str] = {}
    for o in orders:
        first[o["customer_id"]] = min(first.get(o["customer_id"], o["date"]), o["date"])
    inside = period.holds if period else (lambda day: True)
    new = sorted((c for c, day in first.items() if inside(day)), key=lambda c: first[c])
    names = {c["id"]: c["name"] for c in customers}
    return {"new": len(new), "buyers": len({o["customer_id"] for o in orders if inside(o["date"])}),
            "registered": sum(1 for c in customers if c.get("registered") and inside(c["registered"])),
            "names": [names.get(c, c) for c in new[-LIST_DEFAULT:]][::-1]}


def channels(orders: list[dict]) -> dict:
    """Orders and revenue per sales channel, the largest first."""
    count, revenue = Counter(), Counter()
    for o in orders:
        channel = o.get("channel") or "unknown"
        count[channel] += 1
        revenue[channel] += o["amount"]
    total = sum(revenue.values()) or 1
    return {"channels": [{"code": code, "label": CHANNELS.get(code, "канал не указан" if code == "unknown" else code),
                          "orders": count[code], "revenue": revenue[code], "share": round(revenue[code] * 100 / total)}
                         for code, _ in revenue.most_common()]}


def weekdays(orders: list[dict]) -> dict:
    """Orders and revenue per day of the week, Monday first."""
    count, revenue = Counter(), Counter()
    for o in orders:
        day = date.fromisoformat(o["date"]).weekday()
        count[day] += 1
        revenue[day] += o["amount"]
    return {"days": [{"day": d, "label": WEEKDAYS[d], "orders": count[d], "revenue": revenue[d]} for d in range(7)]}


# --- the texts -------------------------------------------------------------------------
def top_customers_text(f: dict, russian_day) -> str:
    if not f["customers"]:
        return f"За период «{f['period']}» покупок не было."
    head = "Чаще всего покупали" if f["by"] == "orders" else "Больше всего потратили"
    rows = [f"{n}. {c['name']} — заказов: {c['orders']}, на сумму {rubles(c['spent'])}, последняя "
            f"покупка {russian_day(c['last_order'])}" for n, c in enumerate(f["customers"], 1)]
    return "\n".join([f"Покупали за период «{f['period']}»: {number(f['buyers'])} клиентов. {head}:", *rows])


def new_customers_text(f: dict) -> str:
    text = (f"Новых покупателей (первая покупка) за период «{f['period']}»: {number(f['new'])} из "
            f"{number(f['buyers'])} покупавших; зарегистрировались за этот период: {number(f['registered'])}.")
    if f["names"]:
        text += " Самые недавние новые: " + ", ".join(f["names"]) + "."
    return text


def channels_text(f: dict) -> str:
    if not f["channels"]:
        return f"За период «{f['period']}» продаж не было."
    rows = [f"{c['label']} — заказов: {number(c['orders'])}, выручка {rubles(c['revenue'])} ({c['share']}\u00a0%)"
            for c in f["channels"]]
    return f"Продажи по каналам, период «{f['period']}»: " + "; ".join(rows) + "."


def weekdays_text(f: dict) -> str:
    days = [d for d in f["days"] if d["orders"]]
    if not days:
        return f"За период «{f['period']}» продаж не было."
    best = max(days, key=lambda d: (d["revenue"], d["orders"]))
    most = max(days, key=lambda d: (d["orders"], d["revenue"]))
    rows = "; ".join(f"{d['label']} — {number(d['orders'])} ({rubles(d['revenue'])})" for d in f["days"])
    lead = (f"Больше всего выручки — {best['label']}" + (
        f", больше всего заказов — {most['label']}" if most is not best else ""))
    return f"{lead}. Заказы по дням недели, период «{f['period']}»: {rows}."
