"""A fake OpenAI-compatible Chat Completions server for the tests: a real HTTP server, so
langchain-openai's real client (openai + httpx) is exercised end to end.

`POST /v1/chat/completions` with `"stream": true` answers like the real API:

    data: {"object":"chat.completion.chunk","choices":[{"delta":{"role":"assistant","content":""}}],...}
    data: {..."choices":[{"delta":{"content":"<piece>"}}]}        one per piece
    data: {..."choices":[{"delta":{},"finish_reason":"stop"}]}
    data: [DONE]

Control (set attributes between or during requests):
- `pieces`: the text pieces, or `respond(body) -> list[str]` to vary them per request;
- `ttft`, `delay`: seconds before the first piece and between pieces; `ttft_for(body)`
  chooses the first wait per request (e.g. to make one of two agents answer later);
  `burst`: no turn of the event loop between pieces, so that they arrive in one read;
- `gate`: an asyncio.Event the server waits on after sending the first piece — a test
  releases it only once its client has seen a token, which proves streaming without timing;
- `fault`: None, "http500", "http429", "drop" (close the connection after `drop_after`
  pieces), "hang" (never send a piece), "hang_mid" (hang after the first piece);
  or `fault_for(body) -> fault` to choose one per request;
- more faults of a misbehaving server: "stall" (hang after `stall_after` pieces),
  "finish_no_done" (send the `finish_reason`, then hang instead of `[DONE]`),
  "done_no_finish" (`[DONE]` with no `finish_reason` before it), "close_no_finish" (end
  the response after the pieces with neither), "busy" (429 with `Retry-After:
  retry_after`), "redirect" (307 to `redirect_to`). A huge chunk or an empty answer need
  no fault: set `pieces` to `["x" * 2_000_000]` or `[]`.
- `honours`: which length field the server obeys, `"max_tokens"` (llama.cpp's server:
  `max_completion_tokens` is ignored) or None (neither); past it, each piece counting as a
  token, the answer ends with `finish_reason: "length"`; `finish`: the finish_reason sent
  at the end otherwise (`"length"` for an answer the server itself cut);
- tools: `tool_calls_for(body) -> list[dict] | None` (each `{"name", "arguments"}`, the
  arguments a JSON string): when it returns calls, the answer is those calls as streamed
  tool-call deltas (the first delta of each call carries its id and name, the arguments
  follow in `tool_piece`-character bits, split mid-string, several calls interleaved in
  one message) ending with `finish_reason: "tool_calls"`; else the text pieces.
  `refuse_tools`: answer any request that carries `tools` with a 400, as servers without
  tool support do; `refuse_usage`: likewise for `stream_options` (the usage report);
- `usage`: when the request asks for it (`stream_options.include_usage`), a last chunk
  with `usage` (prompt tokens: the characters of the messages / 4; completion: the pieces);
- `one_at_a_time`: serve one request at a time, as a server with a single slot does
  (llama.cpp's server with `-np 1`): a second request waits, silent, until the first ends.
`GET /v1/models` lists the one model, `fake-model`.
Records: `requests` (the JSON bodies), `headers` and `peers` (each request's headers and
client address), `completed`, `closed_by_client` (the caller went
away mid-answer) and the `client_closed` event; `reset()` restores the defaults and clears
them (a server shared by a module's tests).
"""
from __future__ import annotations

import asyncio
import json
import time
from typing import Callable

from aiohttp import web

DEFAULT_PIECES = ["Прекрас", "ный", " выбор", "! ", "Кольцо", " из", " белого", " золота",
                  " с", " брил", "лиантом", " — ", "85 000", "\u00a0₽", "."]


class FakeLLM:
    def __init__(self) -> None:
        self.pieces: list[str] = list(DEFAULT_PIECES)
        self.respond: Callable[[dict], list[str]] | None = None
        self.ttft = 0.0
        self.delay = 0.0
        self.burst = False          # no turn of the loop between pieces: they come in one read
        self.gate: asyncio.Event | None = None
        self.fault: str | None = None
        self.fault_for: Callable[[dict], str | None] | None = None   # a fault per request
        self.ttft_for: Callable[[dict], float] | None = None         # a first wait per request
        self.drop_after = 3
        self.stall_after = 5
        self.retry_after = "60"
        self.redirect_to: str | None = None
        self.requests: list[dict] = []
        self.headers: list[dict] = []          # each request's headers, lower-cased names
        self.peers: list[tuple] = []           # each request's client address (which connection)
        self.completed = 0
        self.closed_by_client = 0
        self.client_closed = asyncio.Event()
        self.in_flight = 0
        self.one_at_a_time = False
        self.honours: str | None = None
        self.tool_calls_for: Callable[[dict], list[dict] | None] | None = None
        self.tool_piece = 3
        self.refuse_tools = False
        self.refuse_usage = False
        self.finish = "stop"
        self._slot = asyncio.Lock()
        self._runner: web.AppRunner | None = None
        self.host, self.port = "127.0.0.1", 0

    def reset(self) -> None:
        """Back to the defaults with no records, still serving (one server for many tests)."""
        if self.gate is not None:
            self.gate.set()                          # a request still held must not hang
        runner, host, port = self._runner, self.host, self.port
        self.__init__()
        self._runner, self.host, self.port = runner, host, port

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/v1"

    def text_for(self, body: dict) -> str:
        return "".join(self.respond(body) if self.respond else self.pieces)

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> "FakeLLM":
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self._completions)
        app.router.add_get("/v1/models", self._models)
        self._runner = web.AppRunner(app, handler_cancellation=True, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        self.host, self.port = host, site._server.sockets[0].getsockname()[1]
        return self

    async def close(self) -> None:
        if self.gate is not None:
            self.gate.set()
        await self._runner.cleanup()

    async def _models(self, request: web.Request) -> web.Response:
        """`GET /v1/models`: the one model it serves (what real servers list there)."""
        return web.json_response({"object": "list", "data": [
            {"id": "fake-model", "object": "model", "created": 0, "owned_by": "tests"}]})

    async def _completions(self, request: web.Request) -> web.StreamResponse:
        if not self.one_at_a_time:
            return await self._answer(request)
        async with self._slot:
            return await self._answer(request)

    async def _answer(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        self.requests.append(body)
        self.headers.append({name.lower(): value for name, value in request.headers.items()})
        self.peers.append(request.transport.get_extra_info("peername") if request.transport else None)
        fault = self.fault_for(body) if self.fault_for else self.fault
        if fault == "http500":
            return web.json_response({"error": {"message": "boom", "type": "server_error"}}, status=500)
        if fault == "http429":
            return web.json_response({"error": {"message": "slow down", "type": "rate_limit"}}, status=429)
        if fault == "busy":
            return web.json_response({"error": {"message": "busy", "type": "rate_limit"}}, status=429,
                                     headers={"Retry-After": self.retry_after})
        if fault == "redirect":
            raise web.HTTPTemporaryRedirect(self.redirect_to)
        if self.refuse_usage and "stream_options" in body:
            return web.json_response({"error": {"message": "Unrecognized request argument supplied: stream_options",
                                                "type": "invalid_request_error"}}, status=400)
        if self.refuse_tools and body.get("tools"):
            return web.json_response({"error": {"message": "tools param requires --jinja flag",
                                                "type": "invalid_request_error"}}, status=400)
        calls = self.tool_calls_for(body) if self.tool_calls_for and body.get("tools") else None
        if calls:
            return await self._tool_calls(request, body, calls)
        pieces = self.respond(body) if self.respond else self.pieces
        finish = self.finish
        if self.honours and isinstance(body.get(self.honours), int) and len(pieces) > body[self.honours]:
            pieces, finish = pieces[:body[self.honours]], "length"
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await response.prepare(request)
        self.in_flight += 1
        try:
            await self._write(response, body, {"role": "assistant", "content": ""})
            if fault == "hang":
                await asyncio.Event().wait()
            await asyncio.sleep(self.ttft_for(body) if self.ttft_for else self.ttft)
            for index, piece in enumerate(pieces):
                if index and not self.burst:
                    await asyncio.sleep(self.delay)
                await self._write(response, body, {"content": piece})
                if index == 0 and self.gate is not None:
                    await self.gate.wait()
                if index == 0 and fault == "hang_mid":
                    await asyncio.Event().wait()
                if fault == "drop" and index + 1 >= self.drop_after:
                    request.transport.close()          # the connection dies mid-answer
                    return response
                if fault == "stall" and index + 1 == self.stall_after:
                    await asyncio.Event().wait()
            if fault == "close_no_finish":
                self.completed += 1
                return response
            if fault != "done_no_finish":
                await self._write(response, body, {}, finish=finish)
            if (body.get("stream_options") or {}).get("include_usage"):
                await self._write_usage(response, body, len(pieces))
            if fault == "finish_no_done":
                await asyncio.Event().wait()
            await response.write(b"data: [DONE]\n\n")
            self.completed += 1
            return response
        except (asyncio.CancelledError, ConnectionError):
            self.closed_by_client += 1
            self.client_closed.set()
            raise
        finally:
            self.in_flight -= 1

    async def _tool_calls(self, request: web.Request, body: dict, calls: list[dict]) -> web.StreamResponse:
        """The calls as OpenAI streams them: per call a first delta with index, id and name,
        then its arguments in small bits; the calls' bits interleaved."""
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await response.prepare(request)
        await self._write(response, body, {"role": "assistant", "content": None})
        bits = []
        for index, call in enumerate(calls):
            await self._write(response, body, {"tool_calls": [{
                "index": index, "id": f"call_{len(self.requests)}_{index}", "type": "function",
                "function": {"name": call["name"], "arguments": ""}}]})
            text = call["arguments"]
            bits.append([text[i:i + self.tool_piece] for i in range(0, len(text), self.tool_piece)])
        for round_ in range(max(map(len, bits), default=0)):
            for index, pieces in enumerate(bits):
                if round_ < len(pieces):
                    await self._write(response, body, {"tool_calls": [{
                        "index": index, "function": {"arguments": pieces[round_]}}]})
        await self._write(response, body, {}, finish="tool_calls")
        if (body.get("stream_options") or {}).get("include_usage"):
            await self._write_usage(response, body, sum(map(len, bits)))
        await response.write(b"data: [DONE]\n\n")
        self.completed += 1
        return response

    @staticmethod
    async def _write_usage(response, body, completion: int) -> None:
        prompt = sum(len(str(m.get("content") or "")) for m in body.get("messages", [])) // 4
        chunk = {"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": int(time.time()),
                 "model": body.get("model", "fake"), "choices": [],
                 "usage": {"prompt_tokens": prompt, "completion_tokens": completion,
                           "total_tokens": prompt + completion}}
        await response.write(f"data: {json.dumps(chunk)}\n\n".encode())

    @staticmethod
    async def _write(response, body, delta, finish=None) -> None:
        chunk = {"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": int(time.time()),
                 "model": body.get("model", "fake"),
                 "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
        await response.write(f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n".encode())


def main(argv: list[str] | None = None) -> None:
    """`python -m tests.fake_llm --port 8080`: the fake on its own, for watching the kiosk
    stream, stall and fail without an API key (README, "Without an API key")."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m tests.fake_llm", description=main.__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080, help="0 picks a free port")
    parser.add_argument("--text", help="the answer, streamed word by word (default: a short Russian answer)")
    parser.add_argument("--ttft", type=float, default=0.3, help="seconds before the first piece")
    parser.add_argument("--delay", type=float, default=0.05, help="seconds between pieces")
    parser.add_argument("--fault", help="a fault for every request: http500, http429, drop, hang, hang_mid, "
                                        "stall, finish_no_done, done_no_finish, close_no_finish, busy")
    parser.add_argument("--drop-after", type=int, default=3, help="pieces sent before `drop` closes")
    args = parser.parse_args(argv)

    async def serve() -> None:
        fake = FakeLLM()
        if args.text:
            fake.pieces = [word for word in args.text.replace(" ", " \0").split("\0") if word]
        fake.ttft, fake.delay, fake.fault, fake.drop_after = args.ttft, args.delay, args.fault, args.drop_after
        await fake.start(args.host, args.port)
        print(f"fake LLM on {fake.base_url}  (OPENAI_BASE_URL={fake.base_url})", flush=True)
        try:
            await asyncio.Event().wait()
        finally:
            await fake.close()

    try:
        asyncio.run(serve())
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
