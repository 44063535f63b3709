"""The one figure a staff question asks for (`agents.staff_questions`), from the shop's data,
and its plain Russian sentence.

    answer_figure(question, store, now) -> {"code": ..., ...the figures...}
    figure_text(figure) -> "Выручка за октябрь 2026: 2 812 340 ₽; заказов: 84; ..."

Figures: `sales` (orders, units, revenue, average check in a period, optionally for some
kinds of goods), `stock` (units and models on hand), `top_products` (best or worst sellers
in a period), `top_customers`, `new_customers`, `channels`, `weekdays` (who buys and how:
`agents.customer_figures`; names go to staff only), `compare` (orders, revenue and average check in two periods, with the
change in percent, computed here), `win_back` (customers "under threat of leaving" by RFM, with names: this
text goes to staff only), `missing` (the data has no such thing: said plainly). A period
with no data says so with the span the data covers, never a zero that looks like a fact.

Pure functions over the store's in-memory rows; no I/O.
"""
from __future__ import annotations

from collections import Counter
from datetime import date

from agents import customer_figures as C
from agents.sales import segment_members
from agents.search import rubles
from agents.wording import number
from agents.staff_questions import LIST_DEFAULT as TOP, goods_filter
from agents.language.vocabulary import METALS, PRODUCT_TYPES, STONES, label

WITHDRAWN = "снятые с продажи"      # goods of past orders that the catalog no longer lists
LOW_STOCK = 2          # units at most: a piece "running low"
WIN_BACK = 5


def russian_day(day: str) -> str:
    months = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
              "сентября", "октября", "ноября", "декабря")
    return f"{int(day[8:])} {months[int(day[5:7]) - 1]} {day[:4]}"


def goods_label(question: dict) -> str:
    """"помолвочное кольцо, серебро" or "" for all goods."""
    parts = [label(PRODUCT_TYPES, t) for t in question["types"] if not (
        t in ("engagement_ring", "wedding_band") and "ring" in question["types"])]
    metals = question["metals"]
    parts += ["золото"] if len(metals) == 3 and "silver" not in metals else [label(METALS, m) for m in metals]
    parts += [label(STONES, s) for s in question["stones"]]
    return ", ".join(parts)


def answer_figure(question: dict, store, now: date) -> dict:
    code = question["figure"]
    orders = store.orders
    span = (min(o["date"] for o in orders), max(o["date"] for o in orders)) if orders else None
    base = {"code": code, "goods": goods_label(question), "data_from": span and span[0],
            "data_to": span and span[1]}
    if code == "missing":
        return {**base, "missing": question["missing"]}
    if code == "stock":
        return {**base, **stock(store.catalog, question)}
    if code == "win_back":
        return {**base, **win_back(store.customers, orders, now)}
    if code == "compare":
        return {**base, **compare(orders, store.catalog, question, span)}
    period = question["period"]
    base["period"] = period.label if period else "всё время"
    chosen = [o for o in orders if not period or period.holds(o["date"])]
    base["covered"] = bool(span) and (not period or _covers(span, period))
    if code == "top_products":
        return {**base, **top_products(chosen, store.catalog, question)}
    if code == "top_customers":
        return {**base, **C.top_customers(chosen, store.customers, question)}
    if code == "new_customers":
        return {**base, **C.new_customers(orders, store.customers, period)}
    if code == "channels":
        return {**base, **C.channels(chosen)}
    if code == "weekdays":
        return {**base, **C.weekdays(chosen)}
    return {**base, **sales(chosen, store.catalog, question)}


def _covers(span: tuple[str, str], period) -> bool:
    """Does the period overlap the days the data covers (first and last order)?"""
    return period.start.isoformat() <= span[1] and period.end.isoformat() >= span[0]


def sales(orders: list[dict], catalog: list[dict], question: dict) -> dict:
    admits, by_id = goods_filter(question), {p["id"]: p for p in catalog}
    mine = [o for o in orders if o["product_id"] in by_id and admits(by_id[o["product_id"]])]
    if not (question["types"] or question["metals"] or question["stones"]):
        mine = orders                       # every order, also of goods no longer in the catalog
    revenue = sum(o["amount"] for o in mine)
    return {"metric": question["metric"], "orders": len(mine), "units": sum(o["quantity"] for o in mine),
            "revenue": revenue, "average_check": round(revenue / len(mine)) if mine else 0,
            "buyers": len({o["customer_id"] for o in mine})}


def stock(catalog: list[dict], question: dict) -> dict:
    goods = [p for p in catalog if goods_filter(question)(p)]
    by_type = Counter()
    for p in goods:
        by_type[p["type"]] += p["stock"]
    return {"units": sum(p["stock"] for p in goods), "models": len(goods),
            "models_in_stock": sum(p["stock"] > 0 for p in goods),
            "sold_out": [p["name"] for p in goods if p["stock"] <= 0][:TOP],
            "running_low": [f"{p['name']} — {p['stock']} шт." for p in sorted(goods, key=lambda p: p["stock"])
                            if 0 < p["stock"] <= LOW_STOCK][:TOP],
            "by_type": {label(PRODUCT_TYPES, t): n for t, n in by_type.most_common()}}


def top_products(orders: list[dict], catalog: list[dict], question: dict) -> dict:
    goods = {p["id"]: p for p in catalog if goods_filter(question)(p)}
    units, revenue = Counter(), Counter()
    for o in orders:
        if o["product_id"] in goods:
            units[o["product_id"]] += o["quantity"]
            revenue[o["product_id"]] += o["amount"]
    ranked = sorted(goods, key=lambda pid: (units[pid], revenue[pid], pid), reverse=not question["worst"])
    return {"worst": question["worst"],
            "products": [{"id": pid, "name": goods[pid]["name"], "units": units[pid],
                          "revenue": revenue[pid]} for pid in ranked[:question.get("rows", TOP)]]}


def compare(orders: list[dict], catalog: list[dict], question: dict, span) -> dict:
    """The sales figure of each of the two periods (earlier first) and the change between them."""
    rows = []
    for period in question["periods"]:
        chosen = [o for o in orders if period.holds(o["date"])]
        rows.append({"period": period.label, "covered": bool(span) and _covers(span, period),
                     **sales(chosen, catalog, question)})
    before, after = rows

    def change(key: str) -> int | None:
        return round((after[key] - before[key]) * 100 / before[key]) if before[key] else None

    figure = {"metric": question["metric"], "periods": rows,
              "change": {key: change(key) for key in ("revenue", "orders", "average_check")}}
    if question.get("by_kind"):
        figure["kinds"] = kinds_compared(orders, catalog, question)
    return figure


def kinds_compared(orders: list[dict], catalog: list[dict], question: dict) -> list[dict]:
    """Revenue per kind of goods in the two periods, the fastest growing first."""
    kind = {p["id"]: p["type"] for p in catalog if goods_filter(question)(p)}
    # With no filter the totals count every order: goods no longer sold get a row of their own.
    everything = not (question["types"] or question["metals"] or question["stones"])
    before, after = (Counter(), Counter())
    for counter, period in zip((before, after), question["periods"]):
        for o in orders:
            if period.holds(o["date"]) and (o["product_id"] in kind or everything):
                counter[kind.get(o["product_id"], WITHDRAWN)] += o["amount"]
    rows = [{"kind": WITHDRAWN if k == WITHDRAWN else label(PRODUCT_TYPES, k), "before": before[k], "after": after[k],
             "change": round((after[k] - before[k]) * 100 / before[k]) if before[k] else None}
            for k in set(before) | set(after)]
    return sorted(rows, key=lambda r: (r["change"] is None, -(r["change"] or 0), r["kind"]))


def win_back(customers: list[dict], orders: list[dict], now: date) -> dict:
    """The "under threat of leaving" customers (bought often or much, long ago), biggest first."""
    latest = max((date.fromisoformat(o["date"]) for o in orders), default=now)
    members, n_orders, spent = segment_members(customers, orders, latest)
    last = {}
    for o in orders:
        last[o["customer_id"]] = max(last.get(o["customer_id"], ""), o["date"])
    names = {c["id"]: c["name"] for c in customers}
    ids = sorted(members["at_risk"], key=lambda c: (-spent[c], c))
    return {"total": len(ids), "customers": [
        {"id": c, "name": names[c], "orders": n_orders[c], "spent": spent[c], "last_order": last[c]}
        for c in ids[:WIN_BACK]]}


def figure_text(figure: dict) -> str:
    """The figure in plain Russian, for the staff member who asked."""
    return _TEXTS[figure["code"]](figure)


def _missing(f: dict) -> str:
    return (f"Данных о {f['missing']} в базе магазина нет: у нас есть заказы (даты, суммы, "
            "товары), клиенты и каталог с остатками, но не это. Могу назвать выручку, число "
            "заказов, средний чек, остатки на складе, лучшие товары или клиентов, которых стоит вернуть.")


def _no_orders(f: dict) -> str | None:
    if not f["data_from"]:
        return "В базе пока нет заказов."
    if not f["covered"]:
        return (f"За период «{f['period']}» данных о заказах нет: в базе заказы с "
                f"{russian_day(f['data_from'])} по {russian_day(f['data_to'])}.")
    return None


def _sales(f: dict) -> str:
    if gap := _no_orders(f):
        return gap
    goods = f" ({f['goods']})" if f["goods"] else ""
    head = {"revenue": f"Выручка за период «{f['period']}»{goods}: {rubles(f['revenue'])}",
            "orders": f"Заказов за период «{f['period']}»{goods}: {number(f['orders'])}",
            "average_check": f"Средний чек за период «{f['period']}»{goods}: {rubles(f['average_check'])}",
            "buyers": f"Покупателей за период «{f['period']}»{goods}: {number(f['buyers'])}"}
    rest = {"revenue": f"заказов: {number(f['orders'])}, средний чек {rubles(f['average_check'])}",
            "orders": f"продано изделий: {number(f['units'])}, выручка {rubles(f['revenue'])}",
            "average_check": f"заказов: {number(f['orders'])}, выручка {rubles(f['revenue'])}",
            "buyers": f"заказов: {number(f['orders'])}, выручка {rubles(f['revenue'])}"}
    return f"{head[f['metric']]}; {rest[f['metric']]}."


def _stock(f: dict) -> str:
    goods = f["goods"] or "всех изделий"
    if not f["models"]:
        return f"Таких изделий ({goods}) в каталоге нет."
    text = (f"На складе ({goods}): {number(f['units'])} шт., моделей в каталоге: {f['models']}, "
            f"из них в наличии: {f['models_in_stock']}.")
    if len(f["by_type"]) > 1:
        text += " По видам: " + ", ".join(f"{k} — {number(v)} шт" for k, v in f["by_type"].items()) + "."
    if f["sold_out"]:
        text += " Закончились: " + "; ".join(f["sold_out"]) + "."
    if f.get("running_low"):
        text += f" Заканчиваются (осталось не больше {LOW_STOCK} шт.): " + "; ".join(f["running_low"]) + "."
    return text


def _top(f: dict) -> str:
    if gap := _no_orders(f):
        return gap
    goods = f" ({f['goods']})" if f["goods"] else ""
    head = "Хуже всего продаются" if f["worst"] else "Лучше всего продаются"
    rows = [f"{n}. {p['name']} — продано {number(p['units'])} шт., выручка {rubles(p['revenue'])}"
            for n, p in enumerate(f["products"], 1)]
    return "\n".join([f"{head}{goods}, период «{f['period']}»:", *rows]) if rows else \
        f"За период «{f['period']}» таких продаж нет."


def _win_back(f: dict) -> str:
    if not f["customers"]:
        return "Клиентов под угрозой ухода сейчас нет."
    rows = [f"{n}. {c['name']} — заказов: {c['orders']}, на сумму {rubles(c['spent'])}, последняя "
            f"покупка {russian_day(c['last_order'])}" for n, c in enumerate(f["customers"], 1)]
    return "\n".join([f"Стоит вернуть клиентов под угрозой ухода (покупали часто или много, но давно "
                      f"не возвращались): всего {f['total']}, самые ценные:", *rows])


def _percent_change(change: int | None) -> str:
    if change is None:
        return "сравнить не с чем"
    return "без изменений" if change == 0 else f"{change:+d}\u00a0%".replace("-", "−")


def _compare(f: dict) -> str:
    if not f["data_from"]:
        return "В базе пока нет заказов."
    before, after = f["periods"]
    goods = f" ({f['goods']})" if f["goods"] else ""
    missing = [row["period"] for row in (before, after) if not row["covered"]]
    if missing:
        return (f"За период «{missing[0]}» данных о заказах нет: в базе заказы с "
                f"{russian_day(f['data_from'])} по {russian_day(f['data_to'])}.")
    change = f["change"]
    lines = [f"Сравнение{goods}: «{before['period']}» → «{after['period']}».",
             f"Выручка: {rubles(before['revenue'])} → {rubles(after['revenue'])} ({_percent_change(change['revenue'])}).",
             f"Заказов: {number(before['orders'])} → {number(after['orders'])} ({_percent_change(change['orders'])}).",
             f"Средний чек: {rubles(before['average_check'])} → {rubles(after['average_check'])} "
             f"({_percent_change(change['average_check'])})."]
    if f.get("kinds"):
        lines.append("Выручка по видам, от самого быстрого роста: " + "; ".join(
            f"{k['kind']} {rubles(k['before'])} → {rubles(k['after'])} ({_percent_change(k['change'])})"
            for k in f["kinds"]) + ".")
    return "\n".join(lines)


def _about_orders(text):
    """A figure of the orders in a period: the gap in the data said first, if there is one."""
    return lambda f: _no_orders(f) or text(f)


_TEXTS = {"missing": _missing, "sales": _sales, "stock": _stock, "top_products": _top,
          "compare": _compare, "win_back": _win_back,
          "top_customers": _about_orders(lambda f: C.top_customers_text(f, russian_day)),
          "new_customers": _about_orders(C.new_customers_text),
          "channels": _about_orders(C.channels_text), "weekdays": _about_orders(C.weekdays_text)}
