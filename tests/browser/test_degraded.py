"""The kiosk page in degraded mode (issue 14, item 3): the LLM fails before its first
token, the page shows the agent's grounded draft, a quiet notice and all the cards."""
from __future__ import annotations

import re

import pytest

from tests.browser.kiosk import QUESTION, ask, hook, open_kiosk, require_chromium, unique_user, until_answered

require_chromium()
pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]
CYRILLIC = re.compile("[А-Яа-яЁё]")


async def test_a_failed_llm_leaves_the_draft_a_quiet_notice_and_the_cards(page, kiosk, llm):
    llm.fault = "http500"
    await open_kiosk(page, kiosk, f"user={unique_user()}")
    await ask(page, QUESTION, "consultant")
    await until_answered(page)
    notice = page.locator(hook("degraded-notice"))
    assert await notice.count() == 1 and CYRILLIC.search(await notice.text_content())
    assert await page.locator(hook("error")).count() == 0        # not an error: an answer
    answer = await page.text_content(hook("response"))
    names = await page.locator(f'{hook("product-card")} h4').all_text_contents()
    assert len(names) >= 1
    for name in names:                                          # each card is in the text
        assert name in answer
    assert await page.text_content(hook("status")) == "Готово"


async def test_an_answer_of_the_llm_has_no_notice(page, kiosk, llm):
    await open_kiosk(page, kiosk, f"user={unique_user()}")
    await ask(page, QUESTION, "consultant")
    await until_answered(page)
    assert await page.text_content(hook("response")) == "".join(llm.pieces)
    assert await page.locator(hook("degraded-notice")).count() == 0


async def test_a_cut_answer_ends_at_its_last_sentence_with_a_note(page, kiosk, llm):
    llm.finish = "length"
    llm.pieces = ["Кольцо с сапфиром ", "подойдёт к вечеру. ", "Серьги из бел"]
    await open_kiosk(page, kiosk, f"user={unique_user()}")
    await ask(page, QUESTION, "consultant")
    await until_answered(page)
    assert await page.text_content(hook("response")) == "Кольцо с сапфиром подойдёт к вечеру."
    assert await page.locator(hook("cut-notice")).count() == 1


async def test_one_agent_failing_leaves_the_other_answer_and_its_own_error(page, kiosk, llm):
    llm.fault_for = lambda body: "drop" if "ювелирной моде" in body["messages"][0]["content"] else None
    await open_kiosk(page, kiosk, f"user={unique_user()}")
    await ask(page, "Подбери кольцо и скажи, что сейчас в моде", "")
    await until_answered(page)
    assert await page.text_content(hook("response-consultant")) == "".join(llm.pieces)
    errors = page.locator(f'[data-agent="trend"] {hook("agent-error")}')
    assert await errors.count() == 1 and CYRILLIC.search(await errors.text_content())
    assert await page.text_content(hook("status")) == "Готово"
