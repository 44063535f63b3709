"""Which requests may reach the server: the host they name, the site they come from, and
what their body is. One middleware, plus the CORS headers of the allowed origins.

- **Host** (DNS rebinding: a page of another site whose name was made to point at this
  server): a request whose `Host` is not ours gets `400 host_not_allowed`. Ours are
  `allowed_hosts` (`name`, `.example.com` for a domain and its subdomains, `*` for any);
  when it is empty: `localhost` and `*.localhost`, any IP address (a page can reach an
  address only under its own number, so nothing rebinds), this machine's name, and the
  host the server is bound to. Behind a proxy with a domain name, set it.
- **Another site** (`/api/*`): browsers say where a request comes from, `Sec-Fetch-Site`
  (all current browsers) and `Origin` (every cross-origin fetch and POST, "null" from
  sandboxes); an older browser's link names its page only in `Referer`. `Sec-Fetch-Site:
  cross-site` or `same-site`, or else an `Origin` (or `Referer`) that is not this server,
  is refused with `403 cross_site`, unless the origin is one of `cors_origins`.
  This covers a GET twin opened from another site's link or image (it would carry the
  visitor's SameSite=Lax cookie), forms, and scripts. A request with neither header is
  not sent by a web page (curl, backends, the CLI client, the benchmark) and passes.
- **Body**: a POST to `/api/*` with a body must say `Content-Type: application/json`
  (`415 json_required` otherwise); a form can send no such body.
- **CORS** for `cors_origins`: every response to such an origin gets
  `Access-Control-Allow-Origin: <origin>` and `Allow-Credentials: true` (only its own
  origin is ever echoed, never `*`), and the preflight `OPTIONS` is answered with the
  methods and headers of the API. The browser cookie is SameSite=Lax, so a browser sends
  it only to a site's own subdomains; another site's backend should use a service key.
"""
from __future__ import annotations

import ipaddress
import socket

from aiohttp import web

from jewelstream.requests import Refusal

API = "/api/"
_WILDCARDS = ("", "0.0.0.0", "::", "*")
_PREFLIGHT = {
    "Access-Control-Allow-Methods": "GET, POST",
    "Access-Control-Allow-Headers": "Content-Type, Authorization, Last-Event-ID, Idempotency-Key",
    "Access-Control-Max-Age": "600",
}
_EXPOSED = "X-Run-Id, Retry-After"


class Origins:
    def __init__(self, allowed_hosts: tuple[str, ...], cors_origins: tuple[str, ...], bound_host: str) -> None:
        hosts = list(allowed_hosts)
        if not hosts:
            machine = socket.gethostname().lower()
            hosts = ["localhost", ".localhost", machine, f"{machine}.local"]
            if bound_host.lower() not in _WILDCARDS:
                hosts.append(bound_host.lower())
        self.any_host = "*" in hosts
        self.any_ip = not allowed_hosts
        self.hosts = {host for host in hosts if not host.startswith(".")}
        self.domains = tuple(host for host in hosts if host.startswith("."))
        self.cors_origins = frozenset(cors_origins)

    @web.middleware
    async def middleware(self, request: web.Request, handler):
        if not self.host_allowed(request.host):
            raise Refusal(400, "host_not_allowed")
        if request.path.startswith(API):
            origin = request.headers.get("Origin")
            origin = origin.lower() if origin is not None else None
            if request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers:
                if origin not in self.cors_origins:
                    raise Refusal(403, "cross_site")
                return web.Response(status=204, headers=_PREFLIGHT)
            if self.cross_site(request, origin) and origin not in self.cors_origins:
                raise Refusal(403, "cross_site")
            if request.method == "POST" and request.body_exists and request.content_type != "application/json":
                raise Refusal(415, "json_required")
        return await handler(request)

    async def add_cors_headers(self, request: web.Request, response: web.StreamResponse) -> None:
        """on_response_prepare: CORS headers for an allowed origin (also on errors)."""
        origin = request.headers.get("Origin", "").lower()
        if origin in self.cors_origins and request.path.startswith(API):
            response.headers["Access-Control-Allow-Origin"] = origin
            response.headers["Access-Control-Allow-Credentials"] = "true"
            response.headers["Access-Control-Expose-Headers"] = _EXPOSED
            response.headers.add("Vary", "Origin")

    def host_allowed(self, host: str) -> bool:
        name = _without_port(host.lower())
        if self.any_host or name in self.hosts or name.endswith(self.domains) or "." + name in self.domains:
            return True
        if self.any_ip:
            try:
                ipaddress.ip_address(name.strip("[]"))
                return True
            except ValueError:
                return False
        return False

    @staticmethod
    def cross_site(request: web.Request, origin: str | None) -> bool:
        fetch_site = request.headers.get("Sec-Fetch-Site")
        if fetch_site is not None:
            return fetch_site in ("cross-site", "same-site")
        # A browser without Sec-Fetch-*: a link it follows names no Origin, but its Referer
        # (when the page's policy sends one) names the page it comes from.
        source = origin if origin is not None else request.headers.get("Referer")
        if source is None:
            return False
        netloc = source.partition("://")[2].partition("/")[0]
        return netloc.lower() != request.host.lower()


def _without_port(host: str) -> str:
    if host.startswith("["):                       # [::1]:8000
        return host.partition("]")[0] + "]"
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host
