"""A client that never reads holds nothing for ever (issue 10, item 3): once a write has
waited JEWELSTREAM_WRITE_TIMEOUT seconds for it, the server drops the connection and the
stream's slot is free again."""
import asyncio
import json
import socket
from dataclasses import replace

from jewelstream import keys
from jewelstream.app import create_app


async def test_a_client_that_never_reads_is_dropped_after_the_write_timeout(aiohttp_client, settings,
                                                                            fake_llm):
    client = await aiohttp_client(create_app(replace(
        settings, heartbeat=0.1, write_timeout=0.5, max_answer_chars=10_000_000)))
    fake_llm.pieces = ["ж" * 10_000] * 500              # 10 MB of events: more than the kernel buffers (4 MB)
    traffic = client.app[keys.TRAFFIC]
    loop = asyncio.get_running_loop()

    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.setblocking(False)
    await loop.sock_connect(sock, (client.host, client.port))
    body = json.dumps({"message": "Расскажите подробно"}).encode()
    head = (f"POST /api/consultation/stuck/stream HTTP/1.1\r\nHost: {client.host}:{client.port}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n")
    await loop.sock_sendall(sock, head.encode() + body)
    try:
        deadline = loop.time() + 10
        while not traffic.active and loop.time() < deadline:     # the stream is open
            await asyncio.sleep(0.05)
        assert traffic.active
        while fake_llm.completed == 0 and loop.time() < deadline:  # the LLM has said it all
            await asyncio.sleep(0.05)
        stuck_at = loop.time()
        while traffic.active and loop.time() < stuck_at + 5:
            await asyncio.sleep(0.05)
        assert not traffic.active, "the stream still holds its slot"
        assert loop.time() - stuck_at < 0.5 + 0.1 + 1.5
    finally:
        sock.close()

