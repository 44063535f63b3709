"""The kiosk page follows the conversation: product details and a question about a piece,
the kind on every card, staff mode, the length counter, two agents in the order asked, a
new start when a pinned id's cookie was lost, a refused question kept to send again
(tests/browser/conftest.py: one browser, one
fake LLM and one server for the session; each test its own browser context).
"""
from __future__ import annotations

import asyncio

import pytest

from agents import AGENTS
from tests.browser.conftest import kiosk_settings
from tests.browser.kiosk import QUESTION, hook, open_kiosk, require_chromium, unique_user, until_answered
from tests.kit import STAFF_TOKEN
from tests.live import AppServer

require_chromium()
pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]


async def send(page, message: str, agent: str = "") -> None:
    await page.select_option(hook("agent-select"), agent)
    await page.fill(hook("message-input"), message)
    await page.click(hook("send-button"))
    await until_answered(page)


async def test_a_card_names_its_kind_opens_its_details_and_asks_about_it(page, kiosk, llm):
    await open_kiosk(page, kiosk, f"user={unique_user()}")
    await send(page, QUESTION, "consultant")
    cards = page.locator(hook("product-card"))
    count = await cards.count()
    assert count >= 1
    assert await page.locator(f"{hook('product-card')} {hook('product-kind')}").count() == count
    for kind in await page.locator(hook("product-kind")).all_text_contents():
        assert kind.strip()

    await cards.first.click()
    dialog = page.locator(hook("product-details"))
    await dialog.wait_for(state="visible")
    details = await dialog.text_content()
    name = (await cards.first.locator(".card__name").text_content()).strip()
    assert name in details
    for fact in ("Артикул", "Размеры в наличии", "Наличие", "Цена"):   # an engagement ring has sizes
        assert fact in details
    assert await dialog.locator(".product-dialog__description").text_content()

    await page.click(hook("product-ask"))
    await until_answered(page)
    assert not await dialog.is_visible()
    asked = llm.requests[-1]["messages"][-1]["content"]
    quoted = name.split("«")[1].split("»")[0]
    assert asked.startswith(f"Расскажите подробнее про «{quoted}»") and "артикул" in asked
    assert (await page.locator(".turn--user .user-text").last.text_content()) == asked


async def test_staff_mode_has_a_badge_survives_the_idle_reset_and_alone_offers_analytics(page, kiosk, llm):
    await open_kiosk(page, kiosk, "idle=2")
    analytics = page.locator(f"{hook('agent-select')} option[value=analysis]")
    assert not await page.is_visible(hook("staff-badge"))
    assert await analytics.is_disabled()
    with pytest.raises(Exception):
        await page.select_option(hook("agent-select"), "analysis", timeout=1000)

    await open_kiosk(page, kiosk, f"idle=2&staff_pc=1#staff={STAFF_TOKEN}")    # a new document
    assert await page.is_visible(hook("staff-badge")) and STAFF_TOKEN not in page.url
    await send(page, "Сколько на складе помолвочных колец?", "analysis")
    await page.wait_for_selector(".turn--user", state="detached", timeout=10_000)   # the idle reset
    assert await page.is_visible(hook("staff-badge"))
    await send(page, "Какая выручка за прошлый месяц?", "analysis")
    assert not await page.locator(hook("error")).count()
    assert "выручка" in llm.requests[-1]["messages"][0]["content"].lower()

    await page.click(hook("staff-exit"))
    assert not await page.is_visible(hook("staff-badge")) and await analytics.is_disabled()


async def test_the_counter_warns_before_the_limit_and_a_long_paste_is_kept_whole(page, kiosk, llm):
    await open_kiosk(page, kiosk, f"user={unique_user()}")
    counter = page.locator(hook("char-counter"))
    await page.fill(hook("message-input"), "а" * 100)
    assert not await counter.is_visible()
    await page.fill(hook("message-input"), "а" * 3900)
    assert await counter.is_visible() and "Осталось 100" in await counter.text_content()

    await page.fill(hook("message-input"), "")
    await page.focus(hook("message-input"))
    await page.keyboard.insert_text("б" * 4100)              # a paste, as the browser does it
    assert len(await page.input_value(hook("message-input"))) == 4100   # not cut
    assert "на 100" in await counter.text_content()
    requests = len(llm.requests)
    await page.click(hook("send-button"))
    await asyncio.sleep(0.3)
    assert len(llm.requests) == requests and await page.locator(".turn--user").count() == 0
    assert len(await page.input_value(hook("message-input"))) == 4100   # still there to shorten


async def test_two_agents_bubbles_stand_in_the_order_asked(page, kiosk, llm):
    # The consultant (asked first) starts typing a second after the trend agent.
    llm.ttft_for = lambda body: 1.0 if "консультант" in body["messages"][0]["content"] else 0.0
    llm.respond = lambda body: (["Вот", " кольца."] if "консультант" in body["messages"][0]["content"]
                                else ["В моде", " жемчуг."])
    await open_kiosk(page, kiosk, f"user={unique_user()}")
    await send(page, "Подбери кольцо и скажи, что сейчас в моде")
    sections = page.locator(".turn--answer").last.locator("section.agent")
    agents = [[await section.get_attribute("data-agent"), await section.is_visible()]
              for section in await sections.all()]
    assert agents == [["consultant", True], ["trend", True]]
    # The agents' titles, on the bubbles and in the choice, come from the server (/api/agents).
    titles = {agent.name: agent.title for agent in AGENTS.values()}
    assert await sections.locator(".agent__name").all_text_contents() == [titles["consultant"], titles["trend"]]
    offered = await page.locator(f"{hook('agent-select')} option").evaluate_all(
        "(options) => options.map((o) => [o.value, o.textContent])")
    assert offered == [["", "Автоматически"]] + [
        [name, title + (" (для сотрудников)" if AGENTS[name].staff_only else "")] for name, title in titles.items()]


async def test_new_chat_on_a_pinned_page_whose_cookie_was_lost_starts_afresh(page, kiosk, llm):
    user = unique_user()
    await open_kiosk(page, kiosk, f"user={user}")
    await send(page, "Привет")                                # the id is now this browser's
    await page.context.clear_cookies()                        # ...and the cookie is gone
    await send(page, "Покажите серьги")
    assert await page.locator(hook("error")).count() == 1     # 403: the id is someone else's
    await page.click(hook("new-chat"))
    notice = page.locator(hook("notice"))
    assert "новым анонимным" in await notice.text_content()
    assert f"user={user}" not in page.url
    async with page.expect_request(lambda r: "/stream" in r.url) as request:
        await page.fill(hook("message-input"), "Покажите серьги")
        await page.click(hook("send-button"))
    assert user not in (await request.value).url
    await until_answered(page)
    assert await page.locator(hook("error")).count() == 0


async def test_a_refused_question_is_said_in_russian_and_kept_in_the_box_to_send_again(page, llm, db_path):
    """A 429 (or a server out of reach) comes before any answer: the customer reads why,
    and finds the question where they typed it, not gone."""
    server = await AppServer(kiosk_settings(llm, db_path, rate_limit=1)).start()
    try:
        await open_kiosk(page, server, f"user={unique_user()}")
        await send(page, "Привет")
        await send(page, "Покажите серьги с жемчугом")          # the second in a minute: 429
        message = await page.text_content(hook("error"))
        assert "Слишком много запросов" in message and "429" not in message
        assert await page.input_value(hook("message-input")) == "Покажите серьги с жемчугом"
        assert await page.is_enabled(hook("send-button"))
    finally:
        await server.stop()


# Runs in the page: every visible text (and the message box's placeholder) whose contrast
# with what is behind it is below WCAG 2.1 AA: 4.5:1, or 3:1 for large text (24 px, or
# bold from 18.66 px). Disabled controls are exempt, as in WCAG.
LOW_CONTRAST = r"""() => {
  const rgba = (color) => {
    const parts = color.match(/rgba?\(([^)]+)\)/)[1].split(/[ ,\/]+/).filter(Boolean).map(Number);
    return {r: parts[0], g: parts[1], b: parts[2], a: parts.length > 3 ? parts[3] : 1};
  };
  const over = (top, under) => ({r: top.r * top.a + under.r * (1 - top.a), g: top.g * top.a + under.g * (1 - top.a),
                                  b: top.b * top.a + under.b * (1 - top.a), a: 1});
  const luminance = ({r, g, b}) => [r, g, b].map((v) => v / 255)
    .map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4))
    .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
  const behind = (element) => {
    const layers = [];
    for (let e = element; e; e = e.parentElement) {
      const color = rgba(getComputedStyle(e).backgroundColor);
      if (color.a > 0) layers.unshift(color);
      if (color.a >= 1) break;
    }
    return layers.reduce((under, top) => over(top, under), {r: 255, g: 255, b: 255, a: 1});
  };
  const check = (element, color, text, low) => {
    const style = getComputedStyle(element);
    const back = behind(element);
    const [a, b] = [luminance(over(rgba(color), back)), luminance(back)];
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (Number(style.fontWeight) >= 700 && size >= 18.66);
    if (ratio < (large ? 3 : 4.5)) low.push(`${text.slice(0, 30)}: ${ratio.toFixed(2)} (${color}, ${size}px)`);
  };
  const low = [];
  for (const element of document.querySelectorAll('body *')) {
    if (element.closest(':disabled') || !element.getClientRects().length) continue;
    const text = [...element.childNodes].filter((n) => n.nodeType === 3).map((n) => n.data).join('').trim();
    if (text) check(element, getComputedStyle(element).color, text, low);
    if (element.placeholder && !element.value) {
      check(element, getComputedStyle(element, '::placeholder').color, element.placeholder, low);
    }
  }
  return low;
}"""


async def test_every_text_and_the_placeholder_are_readable_wcag_aa_contrast(page, kiosk, llm):
    await open_kiosk(page, kiosk, f"user={unique_user()}")
    assert await page.evaluate(LOW_CONTRAST) == []
    await send(page, QUESTION, "consultant")
    await page.wait_for_selector(hook("product-card"))
    assert await page.evaluate(LOW_CONTRAST) == []


async def test_a_long_conversation_goes_on_its_history_fits_the_servers_body_limit(page, kiosk, llm):
    """Ten long answers are more than the 64 KiB a request body may hold: the page sends
    the newest history that fits, and the next question is answered."""
    user = unique_user()
    answer = "Это очень подробный рассказ об украшении и о том, как его носить. " * 58   # ~7 KB of UTF-8
    history = [turn for n in range(1, 11)
               for turn in ({"role": "user", "content": f"Вопрос {n}"}, {"role": "assistant", "content": answer})]
    await open_kiosk(page, kiosk, f"user={user}")
    # The conversation so far, as the page keeps it for its tab (static/session.js), shown after a reload.
    await page.evaluate("(saved) => sessionStorage.setItem('jewelstream.conversation', JSON.stringify(saved))",
                        {"userId": user, "history": history, "pending": None})
    await page.reload()
    await page.wait_for_selector(".turn--answer")
    await send(page, "Вопрос 11", "consultant")
    assert await page.locator(hook("error")).count() == 0, await page.text_content(hook("error"))
    sent = llm.requests[-1]["messages"]
    assert sent[-1]["content"] == "Вопрос 11"
    assert any("Вопрос 10" in m["content"] for m in sent)                # the newest history went along


async def test_with_the_keyboard_a_cards_question_ends_with_the_focus_back_in_the_message_box(page, kiosk, llm):
    """Enter on a card, Enter on «Спросить»: while the answer streams the focus is on Stop
    (Escape or Enter stops it), and after it in the box, not on a card of the last answer."""
    await open_kiosk(page, kiosk, f"user={unique_user()}")
    await send(page, QUESTION, "consultant")
    await page.focus(hook("product-card"))
    await page.keyboard.press("Enter")
    await page.locator(hook("product-details")).wait_for(state="visible")
    await page.focus(hook("product-ask"))
    llm.gate = asyncio.Event()                       # the answer waits after its first piece
    await page.keyboard.press("Enter")
    await page.wait_for_selector(hook("response"))
    assert await page.evaluate("document.activeElement.dataset.testid") == "stop-button"
    llm.gate.set()
    await until_answered(page)
    assert await page.evaluate("document.activeElement.dataset.testid") == "message-input"


async def test_on_a_phone_held_sideways_the_conversation_keeps_half_the_height(page, kiosk, llm):
    await page.set_viewport_size({"width": 844, "height": 390})
    await open_kiosk(page, kiosk, f"user={unique_user()}")
    await send(page, QUESTION, "consultant")
    height = await page.evaluate("document.getElementById('conversation').getBoundingClientRect().height")
    assert height >= 390 / 2, f"the conversation is {height:.0f} px of 390"
    for hook_name in ("message-input", "send-button", "stop-button", "agent-select", "new-chat"):
        box = await page.locator(hook(hook_name)).bounding_box()
        assert box["y"] >= 0 and box["y"] + box["height"] <= 390 and box["height"] >= 40, hook_name  # on screen, touch-sized
    assert await page.evaluate("document.documentElement.scrollWidth") <= 844


async def test_escape_in_a_cards_details_closes_them_and_the_answer_streaming_meanwhile_goes_on(page, kiosk, llm):
    await open_kiosk(page, kiosk, f"user={unique_user()}")
    await send(page, QUESTION, "consultant")
    llm.gate = asyncio.Event()                       # the next answer waits after its first piece
    await page.fill(hook("message-input"), "А подешевле?")
    await page.click(hook("send-button"))
    await page.wait_for_selector(hook("response"))
    await page.locator(".card").first.click()        # a card of the answer before
    dialog = page.locator(hook("product-details"))
    await dialog.wait_for(state="visible")
    await page.keyboard.press("Escape")
    await dialog.wait_for(state="hidden")
    llm.gate.set()
    await until_answered(page)
    assert await page.text_content(hook("status")) == "Готово"
    assert await page.text_content(hook("response")) == "".join(llm.pieces)
    assert llm.closed_by_client == 0


async def test_while_an_answer_streams_a_cards_details_offer_no_question_that_would_be_dropped(page, kiosk, llm):
    """The message box is locked while an answer streams, and so is «Спросить об этом
    украшении» (a tap on it then sent nothing); it opens again with the box."""
    await open_kiosk(page, kiosk, f"user={unique_user()}")
    await send(page, QUESTION, "consultant")
    llm.gate = asyncio.Event()
    await page.fill(hook("message-input"), "А подешевле?")
    await page.click(hook("send-button"))
    await page.wait_for_selector(hook("response"))
    await page.locator(".card").first.click()
    await page.locator(hook("product-details")).wait_for(state="visible")
    assert await page.is_disabled(hook("product-ask"))
    llm.gate.set()
    await until_answered(page)
    assert await page.is_enabled(hook("product-ask"))
    await page.click(hook("product-ask"))
    await until_answered(page)
    assert llm.requests[-1]["messages"][-1]["content"].startswith("Расскажите подробнее про")


async def test_after_a_reload_earlier_answers_keep_their_agent_and_their_cards(page, kiosk, llm):
    await open_kiosk(page, kiosk, f"user={unique_user()}")
    await send(page, QUESTION, "consultant")
    before = await page.locator(".turn--answer").last.evaluate(
        "(turn) => [turn.querySelector('.agent__name')?.textContent, turn.querySelectorAll('.card').length]")
    assert before[0] and before[1] >= 1
    await page.reload()
    await page.wait_for_selector(".turn--answer .card")
    after = await page.locator(".turn--answer").last.evaluate(
        "(turn) => [turn.querySelector('.agent__name')?.textContent, turn.querySelectorAll('.card').length]")
    assert after == before
    assert await page.locator(".turn--answer").last.locator(".bubble__text").text_content() == "".join(llm.pieces)
    # What goes back to the server is still just the text.
    async with page.expect_request(lambda r: "/stream" in r.url) as request:
        await send(page, "А подешевле?", "consultant")
    history = (await request.value).post_data_json["conversation_history"]
    assert history == [{"role": "user", "content": QUESTION}, {"role": "assistant", "content": "".join(llm.pieces)}]


async def test_a_screen_reader_finds_the_cards_as_buttons_in_a_named_group_and_lists_hold_only_items(page, kiosk, llm):
    """A list whose items are buttons is a list of no items to a screen reader: the cards
    are buttons in a group named «Подобранные украшения», and every list holds list items."""
    await open_kiosk(page, kiosk, f"user={unique_user()}")
    await send(page, QUESTION, "consultant")
    cards = await page.locator(hook("product-card")).count()
    group = page.get_by_role("group", name="Подобранные украшения")
    assert cards > 0 and await group.get_by_role("button").count() == cards
    strays = await page.evaluate("""() => [...document.querySelectorAll('ul, ol')].flatMap((list) =>
        [...list.children].filter((item) => item.tagName !== 'LI' || (item.getAttribute('role') ?? 'listitem') !== 'listitem')
          .map((item) => item.outerHTML.slice(0, 80)))""")
    assert strays == []
