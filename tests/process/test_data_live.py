"""An import into a shop that is open: the real command next to a running `run.py
--workers 2` (two processes sharing the SQLite file). The next question is answered from
the new catalog without a restart; an answer that was streaming meanwhile finishes as
usual; profiles and the conversation log are not touched."""
import asyncio
import json
import sqlite3
import sys
from pathlib import Path

import aiohttp

from tests.kit import ORCHESTRATOR, ROOT
from tests.live import LiveServer
from tests.sse_reader import read_events, text_of

EXAMPLE = ROOT / "docs" / "examples" / "catalog.csv"
QUESTION = {"message": "Кольцо из белого золота с бриллиантом", "explicit_task_type": "consultant"}


def people_data(path: str) -> dict:
    """What users gave and were told: profiles and the conversation log."""
    with sqlite3.connect(path) as db:
        return {table: db.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
                for table in ("profiles", "messages")}


async def run_import(db_path: str, file: Path) -> tuple[int, str]:
    """`python -m jewelstream.data import catalog FILE`, as a shop runs it."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "jewelstream.data", "import", "catalog", str(file), cwd=ROOT,
        env={"JEWELSTREAM_DB": db_path, "PATH": "/usr/bin:/bin"},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    out, _ = await process.communicate()
    return process.returncode, out.decode()


async def recommended(http, url: str, user: str) -> list[dict]:
    async with http.post(url + ORCHESTRATOR.format(user), json=QUESTION) as response:
        events = [e async for e in read_events(response)]
    assert events[-1]["type"] == "done"
    return next(e for e in events if e["type"] == "metadata")["data"]["consultant"]["products"]


async def test_an_import_reaches_a_running_server_and_spares_streams_and_people(fake_llm, db_path, tmp_path):
    shop_file = tmp_path / "товары.csv"
    shop_file.write_bytes(EXAMPLE.read_text(encoding="utf-8").encode("cp1251"))
    shop_articles = {line.split(";")[0] for line in EXAMPLE.read_text(encoding="utf-8").splitlines()[1:]}
    with sqlite3.connect(db_path) as db:
        db.execute("INSERT INTO profiles VALUES ('anna', ?, 1.0)",
                   (json.dumps({"taste": {"metals": ["white_gold"]}, "taste_progress": 3}),))
    server = await LiveServer(db_path, env={"OPENAI_BASE_URL": fake_llm.base_url, "OPENAI_API_KEY": "t"},
                              workers=2).start(timeout=90)
    try:
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
            before = await recommended(http, server.url, "anna")
            assert before and not {p["article"] for p in before} & shop_articles

            fake_llm.gate = asyncio.Event()            # an answer held mid-stream
            held = await http.post(server.url + ORCHESTRATOR.format("olga"), json=QUESTION)
            held_events = read_events(held)
            seen = [event async for event in _until_token(held_events)]
            for _ in range(100):                       # olga's question reaches the log (group commit)
                people = people_data(db_path)
                if any(row[1] == "olga" for row in people["messages"]):
                    break
                await asyncio.sleep(0.05)

            code, report = await run_import(db_path, shop_file)
            assert code == 0, report
            assert "кодировка Windows-1251: строк 20, ошибок 0" in report
            assert people_data(db_path) == people

            fake_llm.gate.set()
            seen += [event async for event in held_events]
            assert seen[-1]["type"] == "done" and text_of(seen) == "".join(fake_llm.pieces)

            for n in range(4):                         # either worker may answer
                after = await recommended(http, server.url, f"after-{n}")
                assert after and {p["article"] for p in after} <= shop_articles
                assert after[0]["article"] == "СК-1001"   # the only white-gold ring with a diamond
    finally:
        await server.stop()


async def _until_token(events):
    async for event in events:
        yield event
        if event["type"] == "token":
            return
