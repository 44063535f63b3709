"""The SSE writer, byte for byte."""
import asyncio

from aiohttp import web

from jewelstream.sse import ClientGone, EventStream, encode_event


def test_encode_event_is_one_utf8_data_line():
    assert encode_event(7, {"type": "token", "content": "При\nвет"}) == (
        'id: 7\ndata: {"type":"token","content":"При\\nвет"}\n\n'.encode())


async def _serve(aiohttp_client, produce, heartbeat=15.0):
    async def handler(request):
        stream = EventStream(request, heartbeat=heartbeat)
        await stream.prepare()
        await produce(stream)
        await stream.close()
        return stream.response

    app = web.Application()
    app.router.add_get("/", handler)
    return await aiohttp_client(app)


async def test_headers_ids_and_exact_bytes(aiohttp_client):
    async def produce(stream):
        await stream.send({"type": "status", "message": "Ищу..."})
        await stream.send({"type": "done", "message": "Готово"})

    client = await _serve(aiohttp_client, produce)
    response = await client.get("/")
    assert response.status == 200
    assert response.headers["Content-Type"] == "text/event-stream; charset=utf-8"
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.headers["X-Accel-Buffering"] == "no"
    assert await response.read() == (
        'id: 1\ndata: {"type":"status","message":"Ищу..."}\n\n'
        'id: 2\ndata: {"type":"done","message":"Готово"}\n\n').encode()


async def test_each_event_is_flushed_at_once(aiohttp_client):
    release = asyncio.Event()

    async def produce(stream):
        await stream.send({"n": 1})
        await release.wait()          # the first event must already be on the wire
        await stream.send({"n": 2})

    client = await _serve(aiohttp_client, produce)
    response = await client.get("/")
    first = await asyncio.wait_for(response.content.readuntil(b"\n\n"), 2)
    assert first == b'id: 1\ndata: {"n":1}\n\n'
    release.set()
    assert await response.read() == b'id: 2\ndata: {"n":2}\n\n'


async def test_ping_after_idle_heartbeat(aiohttp_client):
    async def produce(stream):
        await stream.send({"n": 1})
        await asyncio.sleep(0.35)     # idle: pings at ~0.1 s intervals
        await stream.send({"n": 2})

    client = await _serve(aiohttp_client, produce, heartbeat=0.1)
    body = await (await client.get("/")).read()
    assert body.startswith(b'id: 1\ndata: {"n":1}\n\n: ping\n\n')
    assert body.endswith(b': ping\n\nid: 2\ndata: {"n":2}\n\n')
    assert 2 <= body.count(b": ping\n\n") <= 4


async def test_send_after_client_left_raises_client_gone(aiohttp_client):
    outcome = asyncio.get_running_loop().create_future()

    async def handler(request):
        stream = EventStream(request, heartbeat=0)
        await stream.prepare()
        try:
            for n in range(1000):
                await stream.send({"n": n, "pad": "x" * 10000})
                await asyncio.sleep(0.01)
            outcome.set_result("never noticed")
        except ClientGone:
            outcome.set_result("gone")
        except asyncio.CancelledError:
            outcome.set_result("cancelled")
            raise
        return stream.response

    app = web.Application()
    app.router.add_get("/", handler)
    client = await aiohttp_client(app)
    response = await client.get("/")
    await response.content.readuntil(b"\n\n")
    response.close()
    assert await asyncio.wait_for(outcome, 5) in ("gone", "cancelled")
