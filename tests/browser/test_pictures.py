"""Product cards in a real browser show the shop's photo where there is one and the
generated drawing where there is none (Debian's Chromium; the session's browser and fake
LLM from tests/browser/conftest.py, and a server of its own, with the shop's photos)."""
import os

import pytest

from jewelstream.data.__main__ import main
from tests.browser.conftest import kiosk_settings
from tests.browser.kiosk import ask, hook, open_kiosk, require_chromium, unique_user, until_answered, watch
from tests.kit import ROOT
from tests.live import AppServer
from tests.png import solid_png

require_chromium()
pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]
EXAMPLE = ROOT / "docs" / "examples" / "catalog.csv"
KIOSK = {"width": 1080, "height": 1920}


async def test_cards_show_the_photo_or_the_drawing(chromium, llm, db_path, tmp_path):
    media = tmp_path / "media"
    media.mkdir()
    (media / "СК-1001.png").write_bytes(solid_png(320, 240, (214, 182, 120)))
    assert main(["import", "catalog", str(EXAMPLE), "--db", db_path]) == 0
    server = await AppServer(kiosk_settings(llm, db_path, media_dir=str(media))).start()
    context = await chromium.new_context(locale="ru-RU", viewport=KIOSK)
    page = await context.new_page()
    page.set_default_timeout(20_000)
    script_errors, refused = watch(page)         # script errors and Content-Security-Policy refusals
    try:
        await open_kiosk(page, server, f"user={unique_user()}")
        await ask(page, "Кольцо из белого золота с бриллиантом")
        await page.wait_for_selector(hook("product-card"))
        await until_answered(page)
        images = page.locator(hook("product-image"))
        for n in range(await images.count()):            # lazy: each loads once it is in view
            await images.nth(n).scroll_into_view_if_needed()
            await images.nth(n).evaluate("(image) => image.decode()")   # rejects if it is broken
        shown = await page.evaluate("""() => [...document.querySelectorAll('[data-testid="product-card"]')]
          .map((card) => {
            const image = card.querySelector('img');
            return {name: card.querySelector('.card__name').textContent, width: image.naturalWidth,
                    loading: image.loading, box: image.getBoundingClientRect().width};
          })""")
        if os.environ.get("JEWELSTREAM_SCREENSHOTS"):
            await page.locator(hook("product-card")).first.scroll_into_view_if_needed()
            await page.screenshot(path=f"{os.environ['JEWELSTREAM_SCREENSHOTS']}/kiosk-cards.png")
    finally:
        await context.close()
        await server.stop()
    assert shown[0]["name"] == "Кольцо «Северное сияние»" and shown[0]["width"] == 320   # the photo
    assert len(shown) >= 2 and all(card["width"] == 200 for card in shown[1:])          # drawings
    assert all(card["loading"] == "lazy" and card["box"] > 150 for card in shown)
    assert script_errors + refused == []
