"""The page resumes answers by itself: a network cut and a reload in the middle of an
answer both end with the full, exact text on the page, asked of the LLM once.
(Debian's Chromium through Playwright, as in test_browser.py, whose fixtures these are.)"""
from __future__ import annotations

import asyncio

import pytest
from playwright.async_api import expect

from tests.cutting_proxy import CuttingProxy
from tests.test_browser import (ANSWER, QUESTION, ask, browser, hook, open_kiosk, page,  # noqa: F401
                                unique_user, until_answered, words)

RECONNECTING = "Восстанавливаю соединение..."
# Every text the status line shows (statuses come and go faster than any sampling).
WATCH_STATUS = """() => {
  const status = document.querySelector('[data-testid="status"]');
  window.__statuses = [];
  new MutationObserver(() => window.__statuses.push(status.textContent))
    .observe(status, {childList: true, characterData: true, subtree: true});
}"""


@pytest.fixture
async def flaky_network(live_server):
    """The server behind a proxy that the test can cut (the page is loaded through it)."""
    proxy = await CuttingProxy(live_server.port).start()
    yield proxy
    await proxy.close()


async def test_a_network_cut_mid_answer_is_resumed_and_the_text_is_exact(page, flaky_network, fake_llm):
    fake_llm.pieces = words(ANSWER)
    fake_llm.gate = asyncio.Event()                   # the LLM sends one piece, then waits
    await open_kiosk(page, flaky_network, f"user={unique_user()}")
    await page.evaluate(WATCH_STATUS)
    await ask(page, QUESTION)
    await expect(page.locator(hook("response"))).to_have_text(fake_llm.pieces[0])

    # The kiosk's Wi-Fi drops: the connection is cut and new ones fail for a while.
    # (Playwright's set_offline did not end a stream already open to 127.0.0.1: the proxy does.)
    flaky_network.offline = True
    flaky_network.cut_all()
    await expect(page.locator(hook("status"))).to_have_text(RECONNECTING)
    await asyncio.sleep(0.5)                          # a few reconnects fail meanwhile
    flaky_network.offline = False
    fake_llm.gate.set()

    await expect(page.locator(hook("response"))).to_have_text(ANSWER, timeout=20_000)
    await until_answered(page)
    assert await page.text_content(hook("response")) == ANSWER
    assert await page.text_content(hook("status")) == "Готово"
    assert RECONNECTING in await page.evaluate("window.__statuses")
    assert len(fake_llm.requests) == 1


async def test_a_reload_mid_answer_shows_the_conversation_and_continues_the_answer(page, live_server, fake_llm):
    fake_llm.pieces = words(ANSWER)
    fake_llm.gate = asyncio.Event()
    await open_kiosk(page, live_server, f"user={unique_user()}")
    await ask(page, QUESTION)
    await expect(page.locator(hook("response"))).to_have_text(fake_llm.pieces[0])

    await page.reload()
    await page.wait_for_selector(".turn--user")
    fake_llm.gate.set()

    await expect(page.locator(hook("response"))).to_have_text(ANSWER, timeout=20_000)
    await until_answered(page)
    assert await page.locator(".turn--user .user-text").all_text_contents() == [QUESTION]
    assert await page.locator(".turn--answer").count() == 1
    assert await page.text_content(hook("response")) == ANSWER
    assert len(fake_llm.requests) == 1
    # A second reload after the answer shows the conversation as it was, and asks nothing.
    await page.reload()
    await page.wait_for_selector(".turn--answer")
    assert await page.locator(".turn--answer").first.text_content() == ANSWER
    assert len(fake_llm.requests) == 1
