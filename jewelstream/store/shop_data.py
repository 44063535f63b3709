"""The shop's read-mostly data held in memory, and switching to a newer version of it.

Catalog, articles, customers and orders are loaded once when the store opens: per request
the agents then rank and count in Python without touching the database. An import
(`python -m jewelstream.data`, another process) bumps the data version; every backend's
store inherits `refresh_shop_data`, which notices it and switches to the new data
(jewelstream/data/snapshot.py). A backend gives `_data_version` and `_read_shop_data`.
"""
from __future__ import annotations

import asyncio
from typing import Awaitable

from jewelstream.data.snapshot import ShopData
from jewelstream.store.interface import StorageUnavailable


class ShopDataHolder:
    def __init__(self) -> None:
        self.catalog: list[dict] = []
        self.articles: list[dict] = []
        self.customers: list[dict] = []
        self.orders: list[dict] = []
        self.data_version = 0                            # of the four lists above
        self._refreshing: asyncio.Future | None = None

    def use(self, data: ShopData) -> None:
        self.catalog, self.articles = data.catalog, data.articles
        self.customers, self.orders = data.customers, data.orders
        self.data_version = data.version

    def refresh_shop_data(self) -> asyncio.Future:
        """Switch to the shop's data if an import changed it since it was loaded (one tiny
        query per call, on its way when this returns). Calls that arrive while a check is
        on its way share it; a caller that gives up does not stop it."""
        if self._refreshing is None or self._refreshing.done():
            self._refreshing = asyncio.ensure_future(self._refresh(self._data_version()))
        return asyncio.shield(self._refreshing)

    async def _refresh(self, version: Awaitable[int]) -> None:
        try:
            if await version != self.data_version:
                self.use(await self._read_shop_data())
        except StorageUnavailable:
            pass          # answer from the data at hand; the request meets the failure itself

    def _data_version(self) -> Awaitable[int]:
        """The version in the database: a read on its way, or a coroutine that reads it."""
        raise NotImplementedError

    async def _read_shop_data(self) -> ShopData:
        raise NotImplementedError
