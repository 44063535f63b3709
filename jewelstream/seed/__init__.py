"""Seed data for jewelstream: the catalog, customers with two years of orders, and a year of
magazine articles about jewelry trends.

Everything is generated in memory from fixed random seeds, so every build returns the same
plain dicts (the store inserts them); nothing reads files, the network or the clock.

    catalog = build_catalog()                  # 335 products, ids p0001..
    customers = build_customers()              # 240 customers, ids c0001..
    orders = build_orders(customers, catalog)  # ~1 700 orders, SEED_START..SEED_END
    articles = build_articles()                # 156 articles, ARTICLES_START..ARTICLES_END

All codes (types, metals, stones, styles, occasions, trends) are those of agents/language/vocabulary.py.
"""

from .articles import ARTICLES_END, ARTICLES_START, TREND_CURVES, build_articles
from .catalog import build_catalog
from .customers import KINDS, SEED_END, SEED_START, build_customers, build_orders

__all__ = ["build_catalog", "build_customers", "build_orders", "build_articles",
           "SEED_START", "SEED_END", "ARTICLES_START", "ARTICLES_END", "KINDS", "TREND_CURVES"]
