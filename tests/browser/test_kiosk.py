"""The kiosk page in a real browser: Debian's headless Chromium driven by Playwright
(tests/browser/conftest.py: one browser, one fake LLM and one server for the session).

Waits use selectors and `expect`, not `wait_for_function`: its predicate is evaluated with
`eval`, which the page's Content-Security-Policy forbids (and a CSP violation fails a test).
What the tests read is what a customer sees: `[data-testid=...]` hooks, textContent,
disabled controls. No test depends on tight timing: a streaming answer is sampled inside
the page (every 30 ms) and judged afterwards; everything else waits for a state, not for a
clock.
"""
from __future__ import annotations

import asyncio
import os
import re
from pathlib import Path

import pytest

from tests.browser.kiosk import (ANSWER, QUESTION, ask, expect, hook, open_kiosk, require_chromium, unique_user,
                                 until_answered, words)

require_chromium()
pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]
CYRILLIC = re.compile("[А-Яа-яЁё]")
STORAGE_KEY = "jewelstream.userId"                  # static/session.js


# Runs in the page: every 30 ms note the answer's length and whether the input is
# disabled; a MutationObserver notes every text the status line shows (statuses can
# come and go faster than any sampling).
START_SAMPLING = """() => {
  const q = (id) => document.querySelector(`[data-testid="${id}"]`);
  window.__samples = [];
  window.__statuses = [];
  new MutationObserver(() => window.__statuses.push(q('status').textContent))
    .observe(q('status'), {childList: true, characterData: true, subtree: true});
  window.__sampler = setInterval(() => {
    const response = q('response');
    window.__samples.push({length: response ? response.textContent.length : 0,
                           disabled: q('message-input').disabled});
  }, 30);
}"""
STOP_SAMPLING = "() => { clearInterval(window.__sampler); return [window.__samples, window.__statuses]; }"


async def test_answer_types_itself_and_ends_with_the_llm_text_and_product_cards(page, kiosk, llm):
    llm.pieces = words(ANSWER)
    assert len(llm.pieces) >= 40
    llm.delay = 0.05                            # ~2.5 s of streaming
    await open_kiosk(page, kiosk, f"user={unique_user()}")
    await page.evaluate(START_SAMPLING)
    await ask(page, QUESTION, "consultant")
    await page.wait_for_selector(hook("product-card"))  # metadata comes after the last token
    await until_answered(page)
    samples, statuses = await page.evaluate(STOP_SAMPLING)

    final = await page.text_content(hook("response"))
    assert final == "".join(llm.pieces) == ANSWER
    lengths = [s["length"] for s in samples]
    growing = sorted({n for n in lengths if 0 < n < len(ANSWER)})
    assert len(growing) >= 5, f"the answer did not arrive piece by piece: {lengths}"
    assert lengths == sorted(lengths), "the answer's text only ever grows"
    # While the text was still growing, the customer could not type.
    assert all(s["disabled"] for s in samples if 0 < s["length"] < len(ANSWER))
    assert await page.is_enabled(hook("message-input"))
    assert await page.is_disabled(hook("stop-button"))

    cards = page.locator(hook("product-card"))
    assert await cards.count() >= 1
    for text in await cards.all_text_contents():
        assert "₽" in text
    shown = [s for s in statuses if s and s != "Готово"]
    assert shown and all(CYRILLIC.search(s) for s in shown), statuses
    assert await page.text_content(hook("status")) == "Готово"
    assert len(llm.requests) == 1
    assert llm.requests[0]["messages"][-1]["content"] == QUESTION


# Runs in the page: a plain EventSource on the GET twin. It is NOT closed at `done`: the
# browser then reconnects by itself with Last-Event-ID, the server answers 204, and the
# browser gives up (readyState CLOSED). Any event after `done` would be a second run.
EVENT_SOURCE = """(url) => new Promise((resolve, reject) => {
  const source = new EventSource(url);
  const events = [];
  let ended = false;
  const giveUp = setTimeout(() => { source.close(); reject(new Error(`no end after ${events.length} events`)); }, 20000);
  const finish = (closed) => { clearTimeout(giveUp); source.close(); resolve({events, closed}); };
  source.onmessage = (message) => {
    const data = JSON.parse(message.data);
    events.push({id: message.lastEventId, data});
    if (ended) finish(false);                                 // a second run: stop at once
    if (data.type === 'done' || data.type === 'error') ended = true;
  };
  source.onerror = () => {
    if (source.readyState === EventSource.CLOSED) finish(true);  // else the reconnect is to come
  };
})"""


async def test_event_source_on_the_get_twin_streams_once_and_is_not_rerun_on_reconnect(
        page, kiosk, llm):
    user = unique_user()
    await open_kiosk(page, kiosk, f"user={user}")
    path = f"/api/consultation/{user}/stream?message=" + "Серьги с жемчугом до 30 тысяч"
    result = await page.evaluate(EVENT_SOURCE, path)
    events = [e["data"] for e in result["events"]]

    assert events[-1]["type"] == "done", "an event after `done`: the reconnect ran the question again"
    assert result["closed"] is True                   # the browser's reconnect was answered 204
    assert events[0]["type"] == "status" and CYRILLIC.search(events[0]["message"])
    assert [e["type"] for e in events][-2:] == ["metadata", "done"]
    assert "".join(e["content"] for e in events if e["type"] == "token") == "".join(llm.pieces)
    assert [e["id"] for e in result["events"]] == [str(n) for n in range(1, len(events) + 1)]
    assert len(llm.requests) == 1                     # (a rerun would have sent events, not 204)


async def test_stop_cancels_the_llm_request_and_keeps_the_partial_answer(page, kiosk, llm):
    llm.gate = asyncio.Event()                   # the LLM sends one piece, then waits
    await open_kiosk(page, kiosk, f"user={unique_user()}")
    await ask(page, QUESTION)
    first = llm.pieces[0]
    await expect(page.locator(hook("response"))).to_have_text(first)
    assert await page.is_disabled(hook("message-input"))

    await page.click(hook("stop-button"))
    await asyncio.wait_for(llm.client_closed.wait(), 2)

    await until_answered(page)
    assert await page.is_enabled(hook("message-input"))
    assert await page.is_enabled(hook("send-button"))
    assert await page.text_content(hook("response")) == first
    assert await page.is_visible(hook("response"))
    assert await page.locator(".turn--answer .turn__note").text_content() == "(остановлено)"
    assert await page.text_content(hook("status")) == "Остановлено"
    assert llm.completed == 0


async def test_errors_are_russian_and_model_output_is_never_html(page, kiosk, llm):
    await open_kiosk(page, kiosk, f"user={unique_user()}")
    llm.fault = "drop"                      # mid-answer: before the first token, the draft answers
    await ask(page, QUESTION)
    error = page.locator(hook("error"))
    await error.wait_for()
    await until_answered(page)
    message = await error.text_content()
    assert CYRILLIC.search(message) and "500" not in message and "error" not in message.lower()
    assert await page.is_enabled(hook("message-input"))

    llm.fault = None
    attack = "<img src=x onerror=window.__xss=1>"
    llm.pieces = ["Вот ", "<img src=x ", "onerror=window.__xss=1>", " и <b>жирный</b> текст."]
    await ask(page, "Покажите что-нибудь")
    await page.wait_for_selector(hook("response"))
    await until_answered(page)
    text = await page.text_content(hook("response"))
    assert text == "".join(llm.pieces)
    assert attack in text and "<b>жирный</b>" in text
    assert await page.evaluate("window.__xss") is None
    # The only pictures are the product cards' own.
    assert await page.locator("#conversation img:not(.card__image), #conversation b").count() == 0
    assert attack in await page.inner_text(hook("response"))   # shown literally, as text


async def test_mode_badge_and_idle_reset_for_the_next_customer(page, kiosk, llm):
    await open_kiosk(page, kiosk, "idle=2")       # no ?user=: the id lives in sessionStorage
    badge = page.locator(hook("mode-badge"))
    assert await badge.get_attribute("data-mode") == "openai"
    assert await badge.text_content() == "ИИ-консультант"
    assert await badge.get_attribute("title") == "Модель: fake-model"

    first_user = await page.evaluate("(key) => sessionStorage.getItem(key)", STORAGE_KEY)
    assert first_user
    await ask(page, QUESTION)
    await page.wait_for_selector(hook("product-card"))
    await until_answered(page)
    finished = asyncio.get_running_loop().time()
    assert await page.locator(".turn--user").count() == 1

    # Nobody touches the kiosk: within a few seconds the page starts over.
    await page.wait_for_selector(".turn--user", state="detached", timeout=10_000)
    waited = asyncio.get_running_loop().time() - finished
    assert waited > 1.0, "the reset came before the idle time was over"
    assert await page.locator(".turn--welcome").count() == 1
    assert await page.locator(hook("response")).count() == 0
    assert await page.input_value(hook("agent-select")) == ""
    new_user = await page.evaluate("(key) => sessionStorage.getItem(key)", STORAGE_KEY)
    assert new_user and new_user != first_user
    # The next question goes out under the fresh id.
    async with page.expect_request(lambda r: "/stream" in r.url) as request:
        await ask(page, "Что сейчас в моде?", "trend")
    assert f"/api/orchestrator/{new_user}/stream" in (await request.value).url
    await until_answered(page)


async def test_an_idle_time_of_weeks_never_resets_the_page_at_once(page, kiosk, llm):
    """setTimeout fires at once past 2^31-1 ms (24.8 days): ?idle=3000000 (35 days) cleared
    each conversation the moment it began."""
    await open_kiosk(page, kiosk, "idle=3000000")
    await ask(page, QUESTION)
    await until_answered(page)
    await ask(page, "А серьги?")                   # each touch restarted a timer due at once
    await page.locator(".turn--answer").nth(1).wait_for()
    await until_answered(page)
    assert await page.locator(".turn--user").count() == 2
    assert await page.locator(".turn--answer").count() == 2


SCREENS = {"phone": dict(viewport={"width": 390, "height": 844}, device_scale_factor=2,
                         is_mobile=True, has_touch=True),
           "kiosk": dict(viewport={"width": 1080, "height": 1920})}


@pytest.mark.skipif(not os.environ.get("JEWELSTREAM_SCREENSHOTS"),
                    reason="set JEWELSTREAM_SCREENSHOTS=/some/folder to save screenshots")
@pytest.mark.parametrize("screen", SCREENS)
async def test_screenshots_for_review(chromium, kiosk, llm, screen):
    """Not a check: pictures at rest, mid-stream, finished and failed, for a person to look at."""
    folder = os.environ["JEWELSTREAM_SCREENSHOTS"]
    Path(folder).mkdir(parents=True, exist_ok=True)
    pieces = words(ANSWER)
    half = len(pieces) // 2
    llm.pieces = ["".join(pieces[:half])] + pieces[half:]   # half the answer, then the gate
    llm.gate = asyncio.Event()
    context = await chromium.new_context(locale="ru-RU", **SCREENS[screen])
    page = await context.new_page()
    try:
        await open_kiosk(page, kiosk, f"user={unique_user()}")
        await page.screenshot(path=f"{folder}/{screen}-1-rest.png")
        await ask(page, QUESTION)
        await expect(page.locator(hook("response"))).to_have_text(re.compile("."))
        await page.screenshot(path=f"{folder}/{screen}-2-streaming.png")
        llm.gate.set()
        await page.wait_for_selector(hook("product-card"))
        await until_answered(page)
        await page.screenshot(path=f"{folder}/{screen}-3-finished.png")
        assert await page.text_content(hook("response")) == ANSWER
        llm.fault = "drop"                      # and how a failure looks
        await ask(page, "Серьги к этому кольцу")
        await page.wait_for_selector(hook("error"))
        await until_answered(page)
        await page.screenshot(path=f"{folder}/{screen}-4-error.png")
    finally:
        await context.close()
