"""Seed customers and their two-year order history (SEED_START .. SEED_END).

`build_customers()` makes 240 customers of six kinds (KINDS), each kind a distinct way of
buying; `build_orders(customers, catalog)` plays every customer's kind out over the
calendar of seasons.py, so the history has the shop's real rhythm: December and the
8 March rush are peaks, January is quiet, wedding bands cluster in June-September.

Left out: returns, cancellations, payments, delivery, loyalty points, store branches and
sizes; the catalog's current stock is not reduced by past orders (sold-out items were
simply popular).
"""

import datetime as dt
import random

from .people import city, full_name
from .seasons import SEED_END, SEED_START, Calendar, is_march_8_rush, is_new_year_rush

__all__ = ["SEED_START", "SEED_END", "KINDS", "build_customers", "build_orders"]

CUSTOMER_SEED = 20241102
ORDER_SEED = 20241103
FIRST_YEAR_END = dt.date(2025, 10, 31)

# kind: (how many, share of men, age range)
KINDS = {
    "loyal": (50, 0.3, (25, 62)),        # 16-26 mid-size purchases spread over both years
    "holiday": (60, 0.65, (24, 60)),     # gifts before New Year and 8 March, little else
    "wedding": (35, 0.75, (23, 35)),     # engagement ring, wedding bands in the season, anniversary
    "big_spender": (20, 0.6, (35, 62)),  # 2-5 pieces from 90 000 ₽ up
    "lapsed": (30, 0.4, (22, 60)),       # like loyal, but stopped after the first year
    "one_time": (45, 0.45, (19, 66)),    # a single purchase on the day they registered
}
# When kinds that were customers before the seed period registered.
REGISTERED_RANGE = {
    "loyal": (dt.date(2021, 1, 1), dt.date(2025, 3, 1)),
    "holiday": (dt.date(2021, 1, 1), dt.date(2024, 12, 1)),
    "big_spender": (dt.date(2022, 1, 1), dt.date(2026, 6, 1)),
    "lapsed": (dt.date(2022, 1, 1), dt.date(2025, 3, 1)),
}
RINGS = ("engagement_ring", "wedding_band")


def build_customers() -> list[dict]:
    """240 customers, ids c0001.., kinds mixed; same result on every call."""
    rng = random.Random(CUSTOMER_SEED)
    calendar = Calendar()
    rows, names = [], set()
    for kind, (count, men_share, (youngest, oldest)) in KINDS.items():
        for _ in range(count):
            gender = "m" if rng.random() < men_share else "f"
            name = full_name(rng, gender)
            while name in names:
                name = full_name(rng, gender)
            names.add(name)
            age = rng.randint(youngest, oldest)
            birth = dt.date(2025 - age, 1, 1) + dt.timedelta(days=rng.randint(0, 364))
            rows.append({"name": name, "gender": gender, "birth_date": birth.isoformat(),
                         "city": city(rng), "registered": _registered(rng, calendar, kind).isoformat(),
                         "kind": kind})
    rng.shuffle(rows)
    return [{"id": f"c{i:04d}", **row} for i, row in enumerate(rows, 1)]


def _registered(rng, calendar, kind) -> dt.date:
    """Wedding couples register when they buy the engagement ring, one-timers when they buy."""
    if kind == "wedding":
        return calendar.pick(rng, "engagement", SEED_START, dt.date(2026, 7, 31))
    if kind == "one_time":
        return calendar.pick(rng, "general", SEED_START, SEED_END)
    first, last = REGISTERED_RANGE[kind]
    return first + dt.timedelta(days=rng.randint(0, (last - first).days))


class _Shop:
    """The catalog split into pools a buyer chooses from, with seasonal preferences."""

    def __init__(self, catalog):
        jewelry = [p for p in catalog if p["type"] not in RINGS]
        self.pools = {
            "women": [p for p in jewelry if p["recipient"] == "women"],
            "men": [p for p in jewelry if p["recipient"] in ("men", "unisex")],
            "any": jewelry,
            "engagement_ring": [p for p in catalog if p["type"] == "engagement_ring"],
            "wedding_band": [p for p in catalog if p["type"] == "wedding_band"],
        }
        self._cache = {}

    def pick(self, rng, pool, day, low=0, high=10**9) -> dict:
        """A product of `pool` priced in [low, high]; holiday pieces are favoured in the rushes."""
        key = (pool, low, high)
        if key not in self._cache:
            self._cache[key] = [p for p in self.pools[pool] if low <= p["price"] <= high] or self.pools[pool]
        candidates = self._cache[key]
        weights = [_season_weight(p, day) for p in candidates]
        return rng.choices(candidates, weights=weights)[0]


def _season_weight(product, day) -> float:
    occasions = product["occasions"]
    if is_new_year_rush(day):
        return 3.0 if "new_year" in occasions else 1.5 if "gift" in occasions else 1.0
    if is_march_8_rush(day):
        return 3.0 if "march_8" in occasions else 1.5 if "gift" in occasions else 1.0
    return 1.0


def build_orders(customers: list[dict], catalog: list[dict]) -> list[dict]:
    """Every customer's purchases by kind, ids o00001.. in date order; deterministic."""
    rng = random.Random(ORDER_SEED)
    calendar, shop = Calendar(), _Shop(catalog)
    planned = []
    for customer in customers:
        for day, product, quantity in PLANNERS[customer["kind"]](rng, calendar, shop, customer):
            planned.append((day, customer, product, quantity))
    planned.sort(key=lambda row: (row[0], row[1]["id"], row[2]["id"]))
    orders, seen = [], {}
    for day, customer, product, quantity in planned:
        seen[customer["id"]] = nth = seen.get(customer["id"], 0) + 1
        orders.append({
            "id": f"o{len(orders) + 1:05d}", "customer_id": customer["id"], "product_id": product["id"],
            "date": day.isoformat(), "quantity": quantity,
            "amount": _amount(product["price"], quantity, day, customer["kind"], nth),
            "channel": _channel(rng, day, customer, product),
        })
    return orders


def _start(customer) -> dt.date:
    return max(SEED_START, dt.date.fromisoformat(customer["registered"]))


def _gift_pool(rng, customer, own_share) -> str:
    """Women mostly buy women's pieces (for themselves); men mostly buy them as gifts too."""
    women_share = own_share if customer["gender"] == "f" else 0.7
    return "women" if rng.random() < women_share else "men"


def _plan_loyal(rng, calendar, shop, customer, end=SEED_END, counts=(16, 26)):
    plan = []
    for _ in range(rng.randint(*counts)):
        day = calendar.pick(rng, "general", _start(customer), end)
        plan.append((day, shop.pick(rng, _gift_pool(rng, customer, 0.85), day, 2_500, 60_000), 1))
    return plan


def _plan_lapsed(rng, calendar, shop, customer):
    return _plan_loyal(rng, calendar, shop, customer, end=FIRST_YEAR_END, counts=(3, 7))


HOLIDAY_WINDOWS = [
    ("new_year", dt.date(2024, 12, 5), dt.date(2024, 12, 31)),
    ("march_8", dt.date(2025, 2, 20), dt.date(2025, 3, 7)),
    ("new_year", dt.date(2025, 12, 5), dt.date(2025, 12, 31)),
    ("march_8", dt.date(2026, 2, 20), dt.date(2026, 3, 7)),
]


def _plan_holiday(rng, calendar, shop, customer):
    """1-2 gifts in most New Year and 8 March rushes; now and then a birthday present."""
    plan, man = [], customer["gender"] == "m"
    for holiday, first, last in HOLIDAY_WINDOWS:
        if rng.random() > 0.85 or last < _start(customer):
            continue
        for _ in range(2 if rng.random() < 0.3 else 1):
            day = calendar.pick(rng, "general", max(first, _start(customer)), last)
            if man:  # a present for his wife, mother, daughter
                plan.append((day, shop.pick(rng, "women", day, 5_000, 90_000), 1))
            elif holiday == "new_year" and rng.random() < 0.5:  # for her husband or father
                plan.append((day, shop.pick(rng, "men", day, 3_000, 70_000), 1))
            else:  # small silver for friends and colleagues, sometimes several
                quantity = rng.randint(2, 3) if holiday == "march_8" and rng.random() < 0.3 else 1
                plan.append((day, shop.pick(rng, "women", day, 1_500, 15_000), quantity))
    if rng.random() < 0.25:
        day = calendar.pick(rng, "general", _start(customer), SEED_END)
        plan.append((day, shop.pick(rng, "women" if man else "men", day, 3_000, 50_000), 1))
    return plan


def _plan_wedding(rng, calendar, shop, customer):
    """He buys the engagement ring; the couple buys bands in the wedding season; an anniversary."""
    plan, man = [], customer["gender"] == "m"
    engaged = dt.date.fromisoformat(customer["registered"])
    if man:
        ring_cap = 150_000 if rng.random() < 0.7 else 10**9
        plan.append((engaged, shop.pick(rng, "engagement_ring", engaged, 0, ring_cap), 1))
    wedding = calendar.pick(rng, "wedding", engaged + dt.timedelta(days=60),
                            engaged + dt.timedelta(days=330))
    if wedding is None:
        return plan
    if rng.random() < 0.5:  # the same band for both
        plan.append((wedding, shop.pick(rng, "wedding_band", wedding), 2))
    else:  # a band each
        plan += [(wedding, shop.pick(rng, "wedding_band", wedding), 1) for _ in range(2)]
    if not man and rng.random() < 0.5:  # earrings or a necklace for the wedding day
        day = max(engaged, wedding - dt.timedelta(days=rng.randint(0, 20)))
        plan.append((day, shop.pick(rng, "women", day, 5_000, 120_000), 1))
    anniversary = wedding + dt.timedelta(days=365 - rng.randint(0, 10))
    if anniversary <= SEED_END and rng.random() < 0.6:
        plan.append((anniversary, shop.pick(rng, "women" if man else "men", anniversary, 10_000, 120_000), 1))
    return plan


def _plan_big_spender(rng, calendar, shop, customer):
    plan = []
    for _ in range(rng.randint(2, 5)):
        day = calendar.pick(rng, "general", _start(customer), SEED_END)
        pool = _gift_pool(rng, customer, 0.7)
        plan.append((day, shop.pick(rng, pool, day, 90_000 if pool == "women" else 40_000), 1))
    return plan


def _plan_one_time(rng, calendar, shop, customer):
    day = dt.date.fromisoformat(customer["registered"])
    if rng.random() < 0.1:
        return [(day, shop.pick(rng, "engagement_ring", day, 0, 150_000), 1)]
    return [(day, shop.pick(rng, _gift_pool(rng, customer, 0.9), day, 1_500, 80_000), 1)]


PLANNERS = {"loyal": _plan_loyal, "holiday": _plan_holiday, "wedding": _plan_wedding,
            "big_spender": _plan_big_spender, "lapsed": _plan_lapsed, "one_time": _plan_one_time}


def _amount(price, quantity, day, kind, nth) -> int:
    """price × quantity less a discount: Black Friday 10 %, loyalty card 5 % from the 4th order."""
    discount = 0.0
    if day.month == 11 and day.day >= 24:
        discount = 0.10
    elif kind in ("loyal", "lapsed") and nth > 3:
        discount = 0.05
    elif quantity >= 3:
        discount = 0.05
    return int(round(price * quantity * (1 - discount)))


def _channel(rng, day, customer, product) -> str:
    """Online share grows over the period, is higher for the young, lower for rings and big tickets."""
    progress = (day - SEED_START).days / (SEED_END - SEED_START).days
    age = day.year - int(customer["birth_date"][:4])
    online = 0.3 + 0.2 * progress + (0.1 if age < 35 else 0.0)
    if product["type"] in RINGS or product["price"] > 150_000:
        online -= 0.15
    return "online" if rng.random() < online else "store"
