"""agents.sales: RFM segments, purchase patterns and the forecast, on hand-built data and
on the seed data."""
import random
from datetime import date

import pytest

from agents.sales import SEGMENTS, analyse_sales, quantile_scores, rfm_segments, segment_of
from jewelstream import seed


@pytest.fixture(scope="module")
def seed_data():
    """The seed's customers, orders (sorted by date, as the store keeps them) and catalog."""
    catalog, customers = seed.build_catalog(), seed.build_customers()
    orders = sorted(seed.build_orders(customers, catalog), key=lambda o: (o["date"], o["id"]))
    return customers, orders, catalog


@pytest.fixture(scope="module")
def figures(seed_data):
    return analyse_sales(*seed_data)


def order(customer, day, amount, product="p1"):
    return {"id": f"{customer}-{day}", "customer_id": customer, "product_id": product,
            "date": day, "quantity": 1, "amount": amount, "channel": "store"}


def test_quantile_scores_rank_and_share_ties():
    five = {"a": 1, "b": 2, "c": 3, "d": 4, "e": 5}
    assert quantile_scores(five) == five
    assert quantile_scores(five, higher_is_better=False) == {"a": 5, "b": 4, "c": 3, "d": 2, "e": 1}
    tied = quantile_scores({"a": 1, "b": 1, "c": 1, "d": 9})
    assert tied["a"] == tied["b"] == tied["c"] < tied["d"] == 5


def test_hand_built_rfm_outcome():
    """Ten buyers and one registered customer; today = 2026-10-31 (the latest order).
    The comments give each buyer's R, F, M scores (1..5, by mid-rank among the ten)."""
    orders = [
        # R5 F5 M5: five big orders, the last one today
        *(order("champ", day, 90000) for day in ("2026-06-01", "2026-07-01", "2026-08-01",
                                                  "2026-09-01", "2026-10-31")),
        # R3 F4 M4: three mid-size orders, the last in June
        *(order("loyal", day, 30000) for day in ("2026-01-10", "2026-03-01", "2026-06-20")),
        # R3 F4 M4: three orders, the last in March
        *(order("mid", day, 10000) for day in ("2025-06-01", "2025-09-01", "2026-03-01")),
        order("new", "2026-10-30", 20000),                                   # R5 F2 M3
        order("newer", "2026-10-29", 5000),                                  # R4 F2 M1
        *(order("promise", day, 3000) for day in ("2026-09-01", "2026-10-15")),  # R4 F3 M2
        # R2 F5 M5: four big orders, the last more than a year ago
        *(order("risk", day, 70000) for day in ("2024-12-01", "2025-02-01", "2025-03-01", "2025-05-01")),
        *(order("sleep", day, 2000) for day in ("2025-01-10", "2025-02-10")),   # R1 F3 M1
        order("once", "2025-01-05", 15000),                                  # R1 F2 M3
        order("once2", "2025-03-05", 8000),                                  # R2 F2 M2
    ]
    customers = [{"id": c} for c in ("champ", "loyal", "new", "newer", "promise", "risk", "sleep",
                                     "once", "once2", "mid", "ghost")]
    rows = {s["code"]: s for s in rfm_segments(customers, orders, date(2026, 10, 31))}
    assert list(rows) == list(SEGMENTS)
    expected = {"champions": 1, "loyal": 2, "new": 2, "promising": 1, "at_risk": 1, "one_time": 2,
                "sleeping": 1, "no_orders": 1}
    assert {code: s["count"] for code, s in rows.items()} == expected
    assert rows["champions"]["revenue"] == 5 * 90000 and rows["champions"]["avg_check"] == 90000
    assert rows["no_orders"]["revenue"] == 0 and rows["no_orders"]["share"] == round(1 / 11, 3)
    assert all(s["rule"] and s["label"] for s in rows.values())


def test_segment_rules():
    assert segment_of(0, 0, 0) == "no_orders"
    assert segment_of(1, 5, 5) == "new" and segment_of(1, 3, 5) == "one_time"
    assert segment_of(9, 5, 4.5) == "champions" and segment_of(9, 3, 4.5) == "loyal"
    assert segment_of(2, 4, 2) == "promising" and segment_of(9, 2, 4) == "at_risk"
    assert segment_of(2, 1, 1.5) == "sleeping"


def test_segment_counts_add_up(figures, seed_data):
    customers = seed_data[0]
    assert figures["total_customers"] == len(customers) >= 160
    assert sum(s["count"] for s in figures["segments"]) == len(customers)
    assert sum(s["revenue"] for s in figures["segments"]) == figures["patterns"]["revenue_total"]
    assert abs(sum(s["share"] for s in figures["segments"]) - 1) < 0.01
    big = {s["code"] for s in figures["segments"] if s["count"] >= 10}
    assert {"champions", "loyal", "at_risk", "one_time"} <= big


def test_repeat_rate_and_average_check(figures, seed_data):
    _customers, orders, _catalog = seed_data
    per_customer = {}
    for o in orders:
        per_customer[o["customer_id"]] = per_customer.get(o["customer_id"], 0) + 1
    patterns = figures["patterns"]
    assert patterns["orders_total"] == len(orders) >= 1600
    assert patterns["revenue_total"] == sum(o["amount"] for o in orders)
    assert patterns["average_check"] == round(sum(o["amount"] for o in orders) / len(orders))
    repeat = sum(1 for n in per_customer.values() if n >= 2) / len(per_customer)
    assert patterns["repeat_rate"] == round(repeat, 3)


def test_months_and_categories(figures):
    patterns = figures["patterns"]
    months = [m["month"] for m in patterns["by_month"]]
    assert months[0] == "2024-11" and months[-1] == "2026-10" and len(months) == 24
    assert sum(m["orders"] for m in patterns["by_month"]) == patterns["orders_total"]
    top = patterns["top_categories"]
    assert top and [c["revenue"] for c in top] == sorted((c["revenue"] for c in top), reverse=True)
    assert all(c["label"] and c["orders"] > 0 for c in top)


def test_seasonality_peaks_in_december_and_march(figures):
    index = {s["month_of_year"]: s["index"] for s in figures["patterns"]["seasonality"]}
    assert sorted(index) == list(range(1, 13))
    assert index[12] > 1 and index[3] > 1
    assert index[12] == max(index.values()) and index[1] < 1
    assert 12 in figures["patterns"]["peak_months"]


def test_forecast_is_positive_and_explained(figures):
    forecast = figures["forecast"]
    assert [m["month"] for m in forecast["months"]] == ["2026-11", "2026-12", "2027-01"]
    assert all(m["revenue"] > 0 for m in forecast["months"])
    assert forecast["total"] == sum(m["revenue"] for m in forecast["months"])
    december = forecast["months"][1]
    assert december["revenue"] == round(forecast["level"] * december["seasonal_index"])
    assert "сезонный индекс" in forecast["method"] and "12 месяцев" in forecast["method"]


def test_same_data_same_figures(figures, seed_data):
    customers, orders, catalog = seed_data
    shuffled = list(orders)
    random.Random(7).shuffle(shuffled)
    assert analyse_sales(customers, shuffled, catalog) == figures
    assert analyse_sales(customers, orders, catalog) == figures
    assert figures["reference_date"] == orders[-1]["date"]


def test_no_orders_at_all():
    figures = analyse_sales([{"id": "c1"}], [], [])
    assert figures["reference_date"] is None
    assert [s["count"] for s in figures["segments"] if s["code"] == "no_orders"] == [1]
    assert figures["patterns"]["average_check"] == 0 and figures["forecast"]["months"] == []
