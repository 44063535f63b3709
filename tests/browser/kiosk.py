"""What the browser tests share besides fixtures: where Chromium is, and how a customer
uses the kiosk page (open it, ask, wait for the answer), seen through its
`[data-testid=...]` hooks; plus `watch(page)`, which collects script errors and
Content-Security-Policy refusals for a test to assert empty.

Chromium comes from Debian (`apt-get install chromium`), never from Playwright's own
download. `require_chromium()` at the top of a test module skips the module without it
(or without playwright), except under CI=true, where a missing browser is a failure.
"""
from __future__ import annotations

import os
import re
import shutil
import uuid

import pytest

CHROMIUM = shutil.which("chromium")
try:
    from playwright.async_api import async_playwright, expect
except ImportError:                                  # pragma: no cover - depends on the machine
    async_playwright = expect = None

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
QUESTION = "Помолвочное кольцо до 100 тысяч"
ANSWER = ("Поздравляю с таким важным шагом! Для помолвки я бы предложила классическое кольцо "
          "из белого золота 585° с бриллиантом: оно подчёркивает камень и подходит к любому "
          "стилю. Если хочется тепла, посмотрите модели из розового золота — они нежнее и "
          "романтичнее. Все варианты ниже укладываются в ваш бюджет до 100 000 ₽, и их можно "
          "примерить в салоне уже сегодня. Подсказать размер или подобрать обручальные кольца в пару?")


def require_chromium() -> None:
    """Skip the calling test module when Chromium or Playwright is missing (fail under CI)."""
    if CHROMIUM is None or async_playwright is None:
        missing = "chromium (apt-get install chromium)" if CHROMIUM is None else "playwright (pip install playwright)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"browser tests must run in CI, but {missing} is missing", pytrace=False)
        pytest.skip(f"needs {missing}", allow_module_level=True)


def words(text: str) -> list[str]:
    """The text as word-sized pieces, spaces kept: "".join(words(t)) == t."""
    return re.findall(r"\S+\s*", text)


def hook(name: str) -> str:
    return f'[data-testid="{name}"]'


def unique_user() -> str:
    return "browser-" + uuid.uuid4().hex[:12]


def watch(page) -> tuple[list[str], list[str]]:
    """Lists that fill with the page's uncaught script errors and with what the server's
    Content-Security-Policy refused (reported on the console: "Refused to ... Content
    Security Policy ..."); a test asserts both stay empty."""
    script_errors: list[str] = []
    page.on("pageerror", lambda error: script_errors.append(str(error)))
    refused: list[str] = []
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text else None)
    return script_errors, refused


async def open_kiosk(page, server, query: str) -> None:
    """Load the page and wait until it has talked to /health (the mode badge is set)."""
    await page.goto(f"{server.url}/?{query}")
    await page.wait_for_selector('[data-testid="mode-badge"]:not([data-mode="unknown"])')


async def ask(page, message: str, agent: str = "consultant") -> None:
    await page.select_option(hook("agent-select"), agent)
    await page.fill(hook("message-input"), message)
    await page.click(hook("send-button"))


async def until_answered(page) -> None:
    """Wait until the page has left the streaming state (done, error or stop)."""
    await page.wait_for_selector('body:not(.is-streaming) [data-testid="message-input"]:enabled')
