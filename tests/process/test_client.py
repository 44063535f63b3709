"""The command-line client (`python -m jewelstream.client`), a real process, against the
real app served in the test's own process (tests/live.py's `AppServer`, the `app_server`
fixture): the client needs a port, not a `run.py` process.

The client runs as a subprocess through asyncio, so the fake LLM and the app, which live
in the test's event loop, keep serving while we wait for the client to finish.
"""
from __future__ import annotations

import re

from tests.kit import STAFF_TOKEN
from tests.live import free_port
from tests.process.client_cli import STAMP, lines_between, run_client


async def test_consultation_prints_statuses_the_exact_answer_and_a_summary(app_server, fake_llm):
    code, output = await run_client("consultation", "--url", app_server.url, "--user", "cli-consult",
                                    "--message", "Помолвочное кольцо до 100 тысяч")
    assert code == 0, output
    assert "Testing Consultation Token-by-Token Stream" in output
    assert f"Sending request to: {app_server.url}/api/consultation/cli-consult/stream" in output
    assert re.search(rf"^{STAMP} 📊 [А-ЯЁ][а-яё]", output, re.M), output   # Russian statuses
    # Between "Streaming response:" and the metadata: status lines and the answer, exactly.
    streamed = lines_between(output, "Streaming response:", "📦 Metadata:")[1:-1]
    assert [line for line in streamed if not re.match(STAMP, line)] == ["".join(fake_llm.pieces)]
    assert re.search(rf"^{STAMP} 📦 Metadata:$", output, re.M)
    recommendations = re.search(r"^  Recommendations: \[('[\w-]+'(, '[\w-]+')*)\]$", output, re.M)
    products = re.search(r"^  Products: (\d+) items$", output, re.M)
    assert recommendations and products, output
    assert int(products.group(1)) == len(recommendations.group(1).split(", ")) >= 1
    assert re.search(rf"^{STAMP} ✅ Consultation completed$", output.rstrip(), re.M)
    assert output.rstrip().endswith("Consultation completed")
    assert len(fake_llm.requests) == 1
    assert fake_llm.requests[0]["messages"][-1]["content"] == "Помолвочное кольцо до 100 тысяч"


async def test_orchestrator_with_an_explicit_agent(app_server, fake_llm):
    code, output = await run_client("orchestrator", "--url", app_server.url, "--user", "cli-orch",
                                    "--agent", "consultant")
    assert code == 0, output
    assert "Testing Orchestrator Token-by-Token Stream" in output
    assert '"explicit_task_type": "consultant"' in output
    streamed = lines_between(output, "Streaming response:", "📦 Metadata:")[1:-1]
    answer = [line for line in streamed if not re.match(STAMP, line)]
    assert answer == ["[consultant]", "".join(fake_llm.pieces)]
    assert re.search(r"^  consultant: Products: [1-9]\d* items$", output, re.M), output
    assert re.search(rf"^{STAMP} ✅ Orchestrator completed$", output, re.M)
    assert len(fake_llm.requests) == 1


async def test_no_server_exits_2_with_a_clear_message():
    url = f"http://127.0.0.1:{free_port()}"
    code, output = await run_client("consultation", "--url", url)
    assert code == 2, output
    assert f"Cannot connect to {url}: is the server running?" in output
    assert "Traceback" not in output


async def test_a_refused_request_exits_1_with_the_servers_russian_message(app_server, fake_llm):
    args = ("orchestrator", "--url", app_server.url, "--user", "cli-staff", "--agent", "analysis")
    code, output = await run_client(*args)
    assert code == 1, output
    assert re.search(rf"^{STAMP} ❌ HTTP 401: Аналитика доступна только сотрудникам магазина\.$", output, re.M), output
    code, output = await run_client(*args, "--token", "wrong")
    assert code == 1 and "HTTP 403: Аналитика доступна только сотрудникам" in output, output
    assert fake_llm.requests == []
    # The right token opens it.
    code, output = await run_client(*args, "--token", STAFF_TOKEN)
    assert code == 0, output
    assert re.search(r"^  analysis: Customers: [1-9]\d*$", output, re.M), output
    assert len(fake_llm.requests) == 1


async def test_the_client_keeps_its_identity_between_runs(app_server, tmp_path):
    args = ("consultation", "--url", app_server.url, "--user", "cli-same")
    first, _ = await run_client(*args, cache=str(tmp_path))
    again, _ = await run_client(*args, cache=str(tmp_path))
    stranger, output = await run_client(*args)
    assert (first, again, stranger) == (0, 0, 1)
    assert "403" in output
