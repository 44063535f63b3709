"""The page resumes answers by itself: a network cut and a reload in the middle of an
answer both end with the full, exact text on the page, asked of the LLM once.
(Debian's Chromium through Playwright; tests/browser/conftest.py has the fixtures.)"""
from __future__ import annotations

import asyncio

import pytest
import pytest_asyncio

from tests.browser.kiosk import (ANSWER, QUESTION, ask, expect, hook, open_kiosk, require_chromium, unique_user,
                                 until_answered, words)
from tests.cutting_proxy import CuttingProxy

require_chromium()
pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]

RECONNECTING = "Восстанавливаю соединение..."
# Every text the status line shows (statuses come and go faster than any sampling).
WATCH_STATUS = """() => {
  const status = document.querySelector('[data-testid="status"]');
  window.__statuses = [];
  new MutationObserver(() => window.__statuses.push(status.textContent))
    .observe(status, {childList: true, characterData: true, subtree: true});
}"""


@pytest_asyncio.fixture(loop_scope="session")
async def flaky_network(kiosk):
    """The server behind a proxy that the test can cut (the page is loaded through it)."""
    proxy = await CuttingProxy(kiosk.port).start()
    yield proxy
    await proxy.close()


async def test_a_network_cut_mid_answer_is_resumed_and_the_text_is_exact(page, flaky_network, llm):
    llm.pieces = words(ANSWER)
    llm.gate = asyncio.Event()                   # the LLM sends one piece, then waits
    await open_kiosk(page, flaky_network, f"user={unique_user()}")
    await page.evaluate(WATCH_STATUS)
    await ask(page, QUESTION)
    await expect(page.locator(hook("response"))).to_have_text(llm.pieces[0])

    # The kiosk's Wi-Fi drops: the connection is cut and new ones fail for a while.
    # (Playwright's set_offline did not end a stream already open to 127.0.0.1: the proxy does.)
    flaky_network.offline = True
    flaky_network.cut_all()
    await expect(page.locator(hook("status"))).to_have_text(RECONNECTING)
    await asyncio.wait_for(flaky_network.refused.wait(), 10)    # the page tried, and failed
    flaky_network.offline = False
    llm.gate.set()

    await expect(page.locator(hook("response"))).to_have_text(ANSWER, timeout=20_000)
    await until_answered(page)
    assert await page.text_content(hook("response")) == ANSWER
    assert await page.text_content(hook("status")) == "Готово"
    assert RECONNECTING in await page.evaluate("window.__statuses")
    assert len(llm.requests) == 1


async def test_a_reload_mid_answer_shows_the_conversation_and_continues_the_answer(page, kiosk, llm):
    llm.pieces = words(ANSWER)
    llm.gate = asyncio.Event()
    await open_kiosk(page, kiosk, f"user={unique_user()}")
    await ask(page, QUESTION)
    await expect(page.locator(hook("response"))).to_have_text(llm.pieces[0])

    await page.reload()
    await page.wait_for_selector(".turn--user")
    llm.gate.set()

    await expect(page.locator(hook("response"))).to_have_text(ANSWER, timeout=20_000)
    await until_answered(page)
    assert await page.locator(".turn--user .user-text").all_text_contents() == [QUESTION]
    assert await page.locator(".turn--answer").count() == 1
    assert await page.text_content(hook("response")) == ANSWER
    assert len(llm.requests) == 1
    # A second reload after the answer shows the conversation as it was, and asks nothing.
    await page.reload()
    await page.wait_for_selector(".turn--answer")
    assert await page.locator(".turn--answer .bubble__text").first.text_content() == ANSWER
    assert len(llm.requests) == 1
