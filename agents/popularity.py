"""Which of the pieces shown people buy most: "какое из них самое популярное?", "что чаще
берут?". The shop's own orders answer it (units sold per piece, once per version of the
data); a customer hears which piece, never a figure.

What it leaves out: popularity by period or by kind across the catalog (the analyst's
best sellers, staff only).
"""
from __future__ import annotations

import re
from collections import Counter

from agents.base import AgentStore, per_store

POPULAR = re.compile(r"популярн|чаще (?:всего )?(?:бер|покупа|заказыва)|больше всего (?:бер|покупа)|"
                     r"\bхит\b|бестселлер|лучше (?:всего )?продает")


@per_store
def units_sold(store: AgentStore) -> Counter:
    """Product id -> units sold, over all the orders."""
    sold: Counter = Counter()
    for order in store.orders:
        sold[order["product_id"]] += order["quantity"]
    return sold


def most_popular(ids: list[str], store: AgentStore) -> str | None:
    """The id among `ids` sold most (the first shown on a tie; None without ids)."""
    sold = units_sold(store)
    return max(ids, key=lambda i: (sold[i], -ids.index(i)), default=None)
