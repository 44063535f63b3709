"""Customer analytics in plain Python: RFM segments, purchase patterns, a revenue forecast.

Input: the store's in-memory rows, `customers` ({id, name, ..., kind}), `orders` ({id,
customer_id, product_id, date "YYYY-MM-DD", quantity, amount (rubles, the order total),
channel}) and `catalog` (products with a `type`). Every figure is relative to the latest
order date in the data, never the wall clock, so the same data always gives the same
answer. Pure functions, no I/O; a few thousand orders take a few milliseconds.

Left out: cohorts, margins (we know prices, not costs), returns, and statistical
forecasting: the forecast is a seasonal average that a reader can check by hand. The
first and last months count as they are, even if the data covers them only in part.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from datetime import date
from statistics import mean

from agents.language.vocabulary import PRODUCT_TYPES, label

MONTHS = ("январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август",
          "сентябрь", "октябрь", "ноябрь", "декабрь")
SCORE_BINS = 5            # RFM scores run 1..5, 5 the best
FORECAST_MONTHS = 3
TOP_CATEGORIES = 5
PEAK_MONTHS = 3

# code -> (Russian label, Russian rule). R, F, M are the 1..5 quantile scores of recency,
# frequency and monetary value; FM is the mean of F and M. Display order; the order in
# which a customer is tested is `segment_of`'s.
SEGMENTS = {
    "champions": ("Чемпионы", "покупали недавно (R 4–5), часто и на крупные суммы (FM ≥ 4)"),
    "loyal": ("Лояльные", "покупают регулярно и на заметные суммы (R ≥ 3, FM ≥ 3)"),
    "new": ("Новые", "одна покупка, и совсем недавно (R 4–5)"),
    "promising": ("Перспективные", "больше одной покупки, недавно (R ≥ 3), но пока редко "
                                   "или на небольшие суммы (FM < 3)"),
    "at_risk": ("Под угрозой ухода", "покупали часто или много (FM ≥ 3), но давно не "
                                     "возвращались (R 1–2)"),
    "one_time": ("Разовые покупатели", "одна покупка, и уже давно (R 1–3)"),
    "sleeping": ("Спящие", "больше одной покупки, но давно (R 1–2), редко и понемногу (FM < 3)"),
    "no_orders": ("Без покупок", "зарегистрированы, но ещё ничего не покупали"),
}


def quantile_scores(values: dict[str, float], *, higher_is_better: bool = True) -> dict[str, int]:
    """key -> 1..SCORE_BINS by the value's mid-rank among all values (ties share a score)."""
    ordered = sorted(values.values())
    scores = {}
    for key, value in values.items():
        below, upto = bisect_left(ordered, value), bisect_right(ordered, value)
        rank = (below + upto) / 2 / len(ordered)            # 0..1, the middle of its tie
        if not higher_is_better:
            rank = 1 - rank
        scores[key] = min(SCORE_BINS, 1 + int(rank * SCORE_BINS))
    return scores


def segment_of(orders: int, r: int, fm: float) -> str:
    """The segment code of one customer: the first rule that fits."""
    if orders == 0:
        return "no_orders"
    if orders == 1:
        return "new" if r >= 4 else "one_time"
    if r >= 4 and fm >= 4:
        return "champions"
    if r >= 3:
        return "loyal" if fm >= 3 else "promising"
    return "at_risk" if fm >= 3 else "sleeping"


def rfm_segments(customers: list[dict], orders: list[dict], today: date) -> list[dict]:
    """[{code, label, count, share, rule, avg_check, revenue}] in SEGMENTS order; the
    counts add up to len(customers). `today` is the analysis date (the latest order)."""
    members, count, spent = segment_members(customers, orders, today)
    total = len(customers)
    rows = []
    for code, (name, rule) in SEGMENTS.items():
        ids = members[code]
        revenue, n_orders = sum(spent[c] for c in ids), sum(count[c] for c in ids)
        rows.append({"code": code, "label": name, "count": len(ids),
                     "share": round(len(ids) / total, 3) if total else 0.0, "rule": rule,
                     "avg_check": round(revenue / n_orders) if n_orders else 0, "revenue": revenue})
    return rows


def segment_members(customers: list[dict], orders: list[dict], today: date
                    ) -> tuple[dict[str, list[str]], Counter, Counter]:
    """(segment code -> customer ids, orders per customer, rubles per customer)."""
    last: dict[str, date] = {}
    count: Counter = Counter()
    spent: Counter = Counter()
    for order in orders:
        who, day = order["customer_id"], date.fromisoformat(order["date"])
        last[who] = max(last.get(who, day), day)
        count[who] += 1
        spent[who] += order["amount"]
    r = quantile_scores({c: (today - d).days for c, d in last.items()}, higher_is_better=False)
    f = quantile_scores(dict(count))
    m = quantile_scores(dict(spent))
    members: dict[str, list[str]] = defaultdict(list)
    for customer in customers:
        who = customer["id"]
        code = segment_of(count[who], r.get(who, 0), (f.get(who, 0) + m.get(who, 0)) / 2)
        members[code].append(who)
    return members, count, spent


def purchase_patterns(customers: list[dict], orders: list[dict], catalog: list[dict]) -> dict:
    """Checks, repeat purchases, categories, months and seasonality (see the keys below)."""
    revenue_total = sum(o["amount"] for o in orders)
    per_customer = Counter(o["customer_id"] for o in orders)
    # Category = product type; orders of products no longer in the catalog count as "other".
    types = {p["id"]: p["type"] for p in catalog}
    categories: dict[str, list[int]] = defaultdict(lambda: [0, 0])     # type -> [orders, revenue]
    months: dict[str, list[int]] = {}                                   # "YYYY-MM" -> [orders, revenue]
    for order in orders:
        category = categories[types.get(order["product_id"], "other")]
        category[0] += 1
        category[1] += order["amount"]
        month = months.setdefault(order["date"][:7], [0, 0])
        month[0] += 1
        month[1] += order["amount"]
    # Every month from the first order to the last, quiet ones (no orders) included.
    span = _month_range(min(months), max(months)) if months else []
    by_month = [{"month": key, "orders": n, "revenue": rub}
                for key in span for n, rub in [months.get(key, (0, 0))]]
    seasonality = seasonal_indexes(by_month)
    top = sorted(categories.items(), key=lambda item: (-item[1][1], item[0]))[:TOP_CATEGORIES]
    peaks = sorted(seasonality, key=lambda s: (-s["index"], s["month_of_year"]))[:PEAK_MONTHS]
    return {
        "customers_with_orders": len(per_customer),
        "orders_total": len(orders),
        "revenue_total": revenue_total,
        "average_check": round(revenue_total / len(orders)) if orders else 0,
        # Share of buying customers (at least one order) who came back for a second order.
        "repeat_rate": round(sum(n >= 2 for n in per_customer.values()) / len(per_customer), 3)
        if per_customer else 0.0,
        "top_categories": [{"type": code, "orders": n, "revenue": rub,
                            "label": label(PRODUCT_TYPES, code) if code != "other" else "прочее"}
                           for code, (n, rub) in top],
        "by_month": by_month,
        "seasonality": seasonality,
        "peak_months": [s["month_of_year"] for s in peaks if s["index"] > 1],
    }


def seasonal_indexes(by_month: list[dict]) -> list[dict]:
    """[{month_of_year, label, index}]: the mean revenue of that calendar month over the
    years in the data, divided by the mean revenue of all months (1.0 = an average month)."""
    if not by_month:
        return []
    overall = mean(m["revenue"] for m in by_month) or 1
    per_month: dict[int, list[int]] = defaultdict(list)
    for m in by_month:
        per_month[int(m["month"][5:])].append(m["revenue"])
    return [{"month_of_year": n, "label": MONTHS[n - 1], "index": round(mean(per_month[n]) / overall, 3)}
            for n in sorted(per_month)]


FORECAST_METHOD = ("Средняя месячная выручка за последние 12 месяцев, умноженная на сезонный "
                   "индекс месяца (средняя выручка этого календарного месяца за все годы, "
                   "делённая на среднюю месячную выручку за всю историю).")


def forecast_revenue(by_month: list[dict], seasonality: list[dict]) -> dict:
    """The next FORECAST_MONTHS months: {method, level, growth, months: [{month, revenue,
    seasonal_index}], total}. `growth` compares the last 12 months with the 12 before
    (None when there are fewer than 24 months); it is reported, not applied."""
    recent = by_month[-12:]
    level = round(mean(m["revenue"] for m in recent)) if recent else 0
    index = {s["month_of_year"]: s["index"] for s in seasonality}
    previous = sum(m["revenue"] for m in by_month[-24:-12]) if len(by_month) >= 24 else 0
    months = []
    if by_month:
        year, month = map(int, by_month[-1]["month"].split("-"))
        for _ in range(FORECAST_MONTHS):
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
            factor = index.get(month, 1.0)
            months.append({"month": f"{year:04d}-{month:02d}", "revenue": round(level * factor),
                           "seasonal_index": factor})
    return {"method": FORECAST_METHOD, "level": level,
            "growth": round(sum(m["revenue"] for m in recent) / previous, 3) if previous else None,
            "months": months, "total": sum(m["revenue"] for m in months)}


def analyse_sales(customers: list[dict], orders: list[dict], catalog: list[dict]) -> dict:
    """Everything the analysis agent reports: {reference_date, total_customers, segments,
    patterns, forecast}. `reference_date` is the latest order date (None without orders)."""
    today = max((date.fromisoformat(o["date"]) for o in orders), default=None)
    patterns = purchase_patterns(customers, orders, catalog)
    return {
        "reference_date": today.isoformat() if today else None,
        "total_customers": len(customers),
        "segments": rfm_segments(customers, orders, today or date.min),
        "patterns": patterns,
        "forecast": forecast_revenue(patterns["by_month"], patterns["seasonality"]),
    }


def _month_range(first: str, last: str) -> list[str]:
    """"2024-11", "2025-01" -> ["2024-11", "2024-12", "2025-01"]."""
    year, month = map(int, first.split("-"))
    out = []
    while (key := f"{year:04d}-{month:02d}") <= last:
        out.append(key)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out
