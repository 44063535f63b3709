"""The browser tests' fixtures, shared by the whole session because browsers are the slow
part of the suite: one headless Chromium, one fake LLM and one server (the app in this
process, on a real port: a page needs a port, not a `run.py` process). Each test gets its
own browser context, so cookies and storage never leak between tests, and the fake LLM
back at its defaults.

The tests run in the session's event loop (`pytest.mark.asyncio(loop_scope="session")` in
each module), where the fake LLM and the server keep serving while Playwright's async API
waits, so a test can hold the LLM mid-answer (`llm.gate`) and look at the page meanwhile.
"""
from __future__ import annotations

import shutil

import pytest_asyncio

from jewelstream.config import Settings
from tests.browser.kiosk import CHROMIUM, CHROMIUM_ARGS, async_playwright, watch
from tests.fake_llm import FakeLLM
from tests.kit import STAFF_TOKEN
from tests.live import AppServer


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def chromium():
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        await browser.close()


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def shared_llm():
    server = await FakeLLM().start()
    yield server
    await server.close()


@pytest_asyncio.fixture(loop_scope="session")
async def llm(shared_llm):
    """The session's fake LLM, back at its defaults and with no records for this test."""
    shared_llm.reset()
    yield shared_llm
    shared_llm.reset()


def kiosk_settings(llm: FakeLLM, db_path: str, **changes) -> Settings:
    """The settings `run.py` would read from the environment the tests give it."""
    return Settings(llm="openai", openai_base_url=llm.base_url, openai_api_key="test", model="fake-model",
                    db_path=db_path, staff_token=STAFF_TOKEN, **{"rate_limit": 0, **changes})


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def kiosk(shared_llm, seeded_db, tmp_path_factory):
    """The server the pages are loaded from (per-user limits off: one session, many users)."""
    path = str(tmp_path_factory.mktemp("kiosk") / "jewelstream.db")
    shutil.copy(seeded_db, path)
    server = await AppServer(kiosk_settings(shared_llm, path)).start()
    yield server
    await server.stop()


@pytest_asyncio.fixture(loop_scope="session")
async def page(chromium):
    """A fresh context (own cookies and storage) and page; any uncaught script error or
    Content-Security-Policy refusal fails the test."""
    context = await chromium.new_context(locale="ru-RU", viewport={"width": 1024, "height": 900})
    page = await context.new_page()
    page.set_default_timeout(15_000)
    script_errors, refused = watch(page)
    yield page
    await context.close()
    assert script_errors == [], f"uncaught errors in the page: {script_errors}"
    assert refused == [], f"the page breaks its Content-Security-Policy: {refused}"
