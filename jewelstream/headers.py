"""Security headers on every response (the page, static files, JSON and streams).

- `Content-Security-Policy`: scripts, styles, images and connections from this server
  only (the page has no inline script or style attribute; `data:` images for the empty
  favicon), no plugins, no `<base>`, forms post here; `frame-ancestors` is the
  `frame_ancestors` setting (`'self'` by default; a kiosk shell on another origin that
  embeds the page is named there, `'none'` forbids any frame).
- `X-Content-Type-Options: nosniff`, `Referrer-Policy: same-origin`.
- `Server: jewelstream`, without versions (aiohttp would name its own and Python's).
  Responses that aiohttp's HTTP parser writes itself, before any handler, are not ours.
"""
from __future__ import annotations

from aiohttp import web

_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
           "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
           "frame-ancestors {frame_ancestors}")


def security_headers(frame_ancestors: str):
    """An `on_response_prepare` handler that adds the headers above."""
    headers = {
        "Content-Security-Policy": _POLICY.format(frame_ancestors=frame_ancestors),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "Server": "jewelstream",
    }

    async def add(request: web.Request, response: web.StreamResponse) -> None:
        response.headers.update(headers)

    return add
