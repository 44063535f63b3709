"""Memory of the server with clients that never read (issue 10, item 3): a figure, not a test.

    python -m tests.stuck_clients [--clients 50] [--chars 2000000] [--pieces 1]

Starts the fake LLM (tests/fake_llm.py) and `python run.py` in a subprocess, then opens
`--clients` connections that send a question and never read a byte of the answer (their
receive buffers are small, so the server's writes back up at once). The LLM answers each
with `--chars` characters in `--pieces` chunks. Prints the server's resident memory (RSS)
before, at its peak while the clients hang on, at the end of `--hold` seconds, and after
they leave. The server runs with its defaults (answer bound 4,000 characters, write
timeout 60 s) and with glibc returning large freed blocks at once, so RSS shows what is
held rather than what the allocator kept.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import socket
import tempfile
from pathlib import Path

from tests.fake_llm import FakeLLM
from tests.live import LiveServer


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def stuck_client(port: int, n: int) -> socket.socket:
    """A connection that asks and then never reads."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.setblocking(False)
    await asyncio.get_running_loop().sock_connect(sock, ("127.0.0.1", port))
    body = json.dumps({"message": "Расскажите подробно о кольцах"}).encode()
    head = (f"POST /api/consultation/stuck-{n}/stream HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n").encode()
    await asyncio.get_running_loop().sock_sendall(sock, head + body)
    return sock


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--chars", type=int, default=2_000_000)
    parser.add_argument("--pieces", type=int, default=1)
    parser.add_argument("--hold", type=float, default=5.0, help="seconds the clients hang on")
    args = parser.parse_args()

    fake = await FakeLLM().start()
    size = args.chars // args.pieces
    fake.pieces = ["ж" * size] * args.pieces
    with tempfile.TemporaryDirectory() as folder:
        server = await LiveServer(str(Path(folder) / "stuck.db"), env={
            "OPENAI_BASE_URL": fake.base_url, "OPENAI_API_KEY": "test", "JEWELSTREAM_MODEL": "fake",
            "JEWELSTREAM_BIND_USERS": "0", "JEWELSTREAM_RATE_LIMIT": "0",
            # Large blocks freed go back to the OS at once, so RSS shows what is still held.
            "MALLOC_MMAP_THRESHOLD_": "131072"}).start(timeout=180)
        try:
            pid = server.process.pid
            before = rss_mib(pid)
            sockets = [await stuck_client(server.port, n) for n in range(args.clients)]
            peak = before
            for _ in range(int(args.hold / 0.1)):
                peak = max(peak, rss_mib(pid))
                await asyncio.sleep(0.1)
            held = rss_mib(pid)
            answered = fake.completed + fake.closed_by_client
            for sock in sockets:
                sock.close()
            await asyncio.sleep(2)
            after = rss_mib(pid)
        finally:
            await server.stop()
            await fake.close()
    print(f"{args.clients} clients that never read, answers of {args.chars:,} characters in "
          f"{args.pieces} chunk(s), {answered} LLM answers sent")
    print(f"server RSS MiB: before {before:.0f}, peak {peak:.0f} (+{peak - before:.0f}), "
          f"held after {args.hold:.0f} s {held:.0f} (+{held - before:.0f}), "
          f"after the clients left {after:.0f} (+{after - before:.0f})")


if __name__ == "__main__":
    asyncio.run(main())
