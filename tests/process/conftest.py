"""The process tests' fixture: `python run.py` in a subprocess (tests/live.py), its LLM the
test's fake; only tests about processes start one (everything else uses the app in
the test's own process)."""
import pytest

from tests.kit import STAFF_TOKEN
from tests.live import LiveServer


@pytest.fixture
async def live_server(fake_llm, db_path):
    """`python run.py` in a subprocess, its LLM the fake server (fast, exact)."""
    server = await LiveServer(db_path, env={
        "OPENAI_BASE_URL": fake_llm.base_url, "OPENAI_API_KEY": "test", "JEWELSTREAM_MODEL": "fake-model",
        "JEWELSTREAM_STAFF_TOKEN": STAFF_TOKEN}).start()
    yield server
    await server.stop()
