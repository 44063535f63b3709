"""Command-line client: watch a stream arrive token by token.

    python -m jewelstream.client consultation|orchestrator [--url URL] [--user ID]
                                 [--message TEXT] [--agent TYPE] [--token STAFF_TOKEN]

Prints a banner, timestamped status lines, the answer as it arrives (each agent's text
under its name when several answer), a metadata summary and the completion line. Exits
with 1 when the server answers an error, 2 when it cannot be reached. A dropped connection
is resumed where it broke (jewelstream/answer_stream.py); Ctrl-C stops the answer on the
server too.

The server binds a user id to the browser that first used it (a cookie); the client keeps
its cookies in ~/.cache/jewelstream/cookies, so later runs may continue the same user.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from datetime import datetime
from pathlib import Path

import aiohttp

from jewelstream.answer_stream import AnswerStream, HttpError

DEFAULT_MESSAGES = {
    "consultation": "Я ищу обручальное кольцо для помолвки, бюджет до 100000 рублей",
    "orchestrator": "Подбери кольцо и скажи, что сейчас в моде",
}
COOKIES = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "jewelstream" / "cookies"
RULE = "=" * 80
LINE = "-" * 80


def stamp() -> str:
    return datetime.now().strftime("[%H:%M:%S.%f")[:-3] + "]"


def summarize(meta: dict) -> list[str]:
    """A few lines about one agent's metadata, by the keys it carries (not by the agent's
    name: the server knows the agents, docs/wire.md their metadata)."""
    lines = []
    if "recommendations" in meta:
        lines += [f"Recommendations: {meta.get('recommendations', [])}",
                  f"Products: {len(meta.get('products') or [])} items"]
    if "zodiac_sign" in meta:
        lines.append(f"Zodiac sign: {meta.get('zodiac_sign')}")
    if "total_customers" in meta:
        lines += [f"Customers: {meta.get('total_customers')}",
                  "Segments: " + ", ".join(f"{s.get('label')} {s.get('count')}" for s in meta.get("segments") or [])]
    if "trend_scores" in meta:
        lines += [f"Trend scores: {meta.get('trend_scores')}",
                  f"Emerging: {[t.get('label', t) if isinstance(t, dict) else t for t in meta.get('emerging_trends') or []]}"]
    if "current_question_index" in meta:
        lines.append(f"Question index: {meta.get('current_question_index')}, complete: {meta.get('is_complete')}")
    return lines or [json.dumps(meta, ensure_ascii=False)[:200]]


async def run(args: argparse.Namespace, out=sys.stdout) -> int:
    url = f"{args.url.rstrip('/')}/api/{args.endpoint}/{args.user}/stream"
    payload = {"message": args.message or DEFAULT_MESSAGES[args.endpoint], "conversation_history": []}
    if args.endpoint == "orchestrator" and args.agent:
        payload["explicit_task_type"] = args.agent
    headers = {"Authorization": f"Bearer {args.token}"} if args.token else {}
    title = "Consultation" if args.endpoint == "consultation" else "Orchestrator"

    def say(*lines: str, end: str = "\n") -> None:
        print(*lines, sep="\n", end=end, file=out, flush=True)

    say(RULE, f"Testing {title} Token-by-Token Stream", RULE, "", f"Sending request to: {url}",
        "Payload: " + json.dumps(payload, ensure_ascii=False, indent=2), "", "Streaming response:", LINE)
    current_agent, at_line_start = None, True
    cookies = aiohttp.CookieJar(unsafe=True)         # unsafe: also for hosts given as IPs
    if COOKIES.exists():
        try:
            cookies.load(COOKIES)
        except Exception:                            # a damaged file: start a new identity
            pass
    try:
        async with aiohttp.ClientSession(cookie_jar=cookies,
                                         timeout=aiohttp.ClientTimeout(total=None, sock_connect=10)) as session:
            stream = AnswerStream(session, url, payload, headers=headers)
            try:
                async for event in stream:
                    _save(cookies)
                    kind = event.get("type")
                    if kind == "token":
                        agent = event.get("agent")
                        if args.endpoint == "orchestrator" and agent != current_agent:
                            say(("" if at_line_start else "\n") + f"[{agent}]")
                            current_agent = agent
                        say(event["content"], end="")
                        at_line_start = event["content"].endswith("\n")
                        continue
                    if not at_line_start:
                        say("")
                        at_line_start = True
                    if kind == "status":
                        say(f"{stamp()} 📊 {event['message']}")
                    elif kind == "metadata":
                        say(LINE, f"{stamp()} 📦 Metadata:")
                        by_agent = event.get("data") or {"consultant": event}
                        for agent, meta in by_agent.items():
                            say(*(f"  {agent}: {line}" if args.endpoint == "orchestrator" else f"  {line}"
                                  for line in summarize(meta)))
                    elif kind == "error":
                        say(f"{stamp()} ❌ {event.get('message')} ({event.get('error')})")
                        return 1
                    elif kind == "done":
                        say(f"{stamp()} ✅ {title} completed")
                        return 0
            except HttpError as exc:
                _save(cookies)
                say(f"{stamp()} ❌ HTTP {exc.status}: {exc.message}")
                return 1
            except asyncio.CancelledError:             # Ctrl-C: stop the answer on the server too
                await asyncio.shield(stream.cancel())
                say("", f"{stamp()} ⏹ Stopped")
                raise
            say(f"{stamp()} ❌ The stream ended without a result")
            return 1
    except aiohttp.ClientConnectorError:
        say(f"{stamp()} ❌ Cannot connect to {args.url}: is the server running? (python run.py)")
        return 2
    except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
        say(f"{stamp()} ❌ Connection failed: {type(exc).__name__}")
        return 2


def _save(cookies: aiohttp.CookieJar) -> None:
    try:
        COOKIES.parent.mkdir(parents=True, exist_ok=True)
        cookies.save(COOKIES)
    except OSError:
        pass                                         # read-only home: identity per run


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m jewelstream.client", description=__doc__.splitlines()[0])
    parser.add_argument("endpoint", choices=("consultation", "orchestrator"))
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--user", default="test_user_123")
    parser.add_argument("--message")
    parser.add_argument("--agent", help="orchestrator only: the explicit task type, an agent's name "
                                        "(GET /api/agents lists them; default: automatic routing)")
    parser.add_argument("--token", default=os.environ.get("JEWELSTREAM_STAFF_TOKEN"),
                        help="staff token for the analysis agent")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    try:
        return asyncio.run(run(parse_args(argv)))
    except KeyboardInterrupt:                         # Ctrl-C: the run was stopped (see run)
        return 130


if __name__ == "__main__":
    sys.exit(main())
