"""A TCP proxy that cuts connections, for the tests of resumed answers."""
from __future__ import annotations

import asyncio


class CuttingProxy:
    """A TCP proxy to the server that cuts connections: the n-th connection is aborted
    (both sides) after `cuts[n]` bytes from the server; past the list, nothing is cut. A
    cut given as ("body", n) counts from the end of the HTTP headers instead."""

    def __init__(self, port: int, cuts: list = ()) -> None:
        self.port = port
        self.cuts = list(cuts)
        self.done_cuts = 0
        self.url = ""
        self.offline = False                        # refuse every connection (cut at once)
        self.refused = asyncio.Event()              # set when a connection was refused
        self._open: set[asyncio.StreamWriter] = set()

    async def start(self) -> "CuttingProxy":
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.url = f"http://127.0.0.1:{self.server.sockets[0].getsockname()[1]}"
        return self

    async def close(self) -> None:
        self.server.close()

    def cut_all(self) -> None:
        """Cut every open connection now (a network drop)."""
        for writer in list(self._open):
            writer.transport.abort()

    async def _serve(self, client_reader, client_writer) -> None:
        if self.offline:
            self.refused.set()
            client_writer.transport.abort()
            return
        cut = self.cuts.pop(0) if self.cuts else None
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection("127.0.0.1", self.port)
        except OSError:
            client_writer.transport.abort()
            return

        async def up() -> None:
            while data := await client_reader.read(65536):
                upstream_writer.write(data)
            upstream_writer.write_eof()

        async def down() -> None:
            sent, body_at, limit = 0, None, cut if isinstance(cut, int) else None
            while data := await upstream_reader.read(65536):
                if isinstance(cut, tuple) and body_at is None:
                    end = data.find(b"\r\n\r\n")          # the headers come in one piece
                    if end >= 0:
                        body_at = sent + end + 4
                        limit = body_at + cut[1]
                if limit is not None and sent + len(data) >= limit:
                    client_writer.write(data[:limit - sent])
                    self.done_cuts += 1
                    return
                client_writer.write(data)
                sent += len(data)
            client_writer.write_eof()

        self._open.add(client_writer)
        pump = asyncio.create_task(up())
        try:
            await down()
        except OSError:
            pass                                    # the client left first
        finally:
            pump.cancel()
            self._open.discard(client_writer)
            for writer in (client_writer, upstream_writer):
                writer.transport.abort()            # a cut, not a polite close
