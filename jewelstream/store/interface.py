"""What the server needs from a store, whatever the database behind it.

Every backend (sqlite.py, postgres.py) offers these methods with the same meaning, so the
rest of the server never knows which one runs. The agents see a narrower part of it
(`agents.base.AgentStore`: the shop's data in memory, profiles). Left out: the import
command's table-by-table access (jewelstream/data/).
"""
from __future__ import annotations

import asyncio
from typing import Awaitable, Callable, Protocol


class StorageUnavailable(Exception):
    """The database cannot be used now: full disk, read-only or vanished file, I/O error,
    or an unreachable database server."""


class Store(Protocol):
    # The shop's read-mostly data, loaded at start and kept in memory (data/snapshot.py).
    catalog: list[dict]
    articles: list[dict]
    customers: list[dict]
    orders: list[dict]
    data_version: int
    write_error: str | None          # the last write's failure; None once one succeeds
    log_failures: int                # conversation-log rows that could not be written

    async def close(self) -> None: ...

    async def check(self) -> dict:
        """{"writable", "file", "error", "log_failures"}: can we store what users tell us?"""

    def refresh_shop_data(self) -> Awaitable[None]:
        """Switch to the shop's data if an import changed it since it was loaded. The check
        is on its way when this returns."""

    def profile(self, user_id: str) -> Awaitable[dict]:
        """The user's profile; {} if new. The read is on its way when this returns; reads
        that arrive together share one query."""

    async def update_profile(self, user_id: str, change: Callable[[dict], dict]) -> dict:
        """Read, `change` and write the profile atomically; the new profile."""

    def log_message(self, user_id: str, role: str, content: str, *,
                    agent: str | None = None, state: str = "complete",
                    usage: dict | None = None) -> asyncio.Future:
        """Store one message (group-committed): a future of True, or False if it could not
        be written; it never raises. `usage`: an answer's `prompt_tokens` and
        `completion_tokens` as the LLM endpoint reported them."""

    async def usage(self, days: int) -> list[dict]:
        """Answers of the last `days` days per day (UTC) and agent, newest first: `day`,
        `agent`, `answers`, `reported` (answers with usage), `prompt_tokens`,
        `completion_tokens`."""

    async def messages(self, user_id: str, limit: int = 100) -> list[dict]:
        """The user's last `limit` messages, oldest first."""

    async def claim_user(self, user_id: str, browser: str) -> str:
        """Bind `user_id` to `browser` unless bound already; the owner's browser."""

    async def meta(self, key: str, default_factory: Callable[[], str]) -> str:
        """A persistent setting (the cookie-signing secret); created on first use."""

    async def product(self, product_id: str) -> dict | None:
        """One product, on sale or withdrawn: name, type, metal, stones, article, image."""
