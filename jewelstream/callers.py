"""Who is calling: the client's network address, and what its bearer token unlocks.

- The address is the TCP peer's, or, when the peer is one of `trusted_proxies` (addresses
  or networks such as `10.0.0.0/8`), the nearest address in `X-Forwarded-For` that is not
  a trusted proxy. Rate limits and failed-token counts are kept per address. Such a proxy's
  `X-Forwarded-Proto: https` also says the client came over HTTPS (`forwarded_https`).
- `Authorization: Bearer T` is the staff token (the analysis agent, the details of /health,
  /metrics), one of the service keys of trusted backends (they act for any user id
  without a browser cookie), or the metrics token (a Prometheus scraper's: /metrics and
  nothing else). Each is compared in constant time. A bearer that is neither is a failed attempt: logged with the
  address, never with the token. After `MAX_FAILURES` failures in `FAILURE_WINDOW`
  seconds, every request of that address that carries a bearer gets `429` with
  `Retry-After`, before any comparison, until the window has passed (attempts.py: in
  memory, so per worker process).
"""
from __future__ import annotations

import hmac
import ipaddress
import logging
from dataclasses import dataclass

from aiohttp import web

from jewelstream.attempts import FailedAttempts

log = logging.getLogger(__name__)

MAX_FAILURES = 10
FAILURE_WINDOW = 60.0


@dataclass(frozen=True)
class Caller:
    address: str
    staff: bool = False          # showed the staff token
    service: bool = False        # showed a service key
    metrics: bool = False        # showed the metrics token
    bearer: bool = False         # showed any bearer at all


# Where a request keeps its caller once worked out (a typed key: aiohttp warns on strings).
CALLER = web.RequestKey("caller", Caller)


class Callers:
    def __init__(self, staff_token: str | None, api_keys: tuple[str, ...],
                 trusted_proxies: tuple[str, ...] = (), *, metrics_token: str | None = None) -> None:
        self._staff = staff_token.encode() if staff_token else None
        self._metrics = metrics_token.encode() if metrics_token else None
        self._keys = [key.encode() for key in api_keys]
        self._proxies = [ipaddress.ip_network(proxy, strict=False) for proxy in trusted_proxies]
        self._failures = FailedAttempts(MAX_FAILURES, FAILURE_WINDOW, "too_many_attempts")

    def of(self, request: web.Request) -> Caller:
        """The caller of `request` (worked out once per request); Refusal(429) while its
        address is locked out for guessing tokens."""
        caller = request.get(CALLER)
        if caller is None:
            caller = request[CALLER] = self._identify(request)
        return caller

    def address(self, request: web.Request) -> str:
        peer = request.remote or ""
        if not self._proxies or not self._trusted(peer):
            return peer
        hops = [hop.strip() for hop in ",".join(request.headers.getall("X-Forwarded-For", [])).split(",")]
        for hop in reversed([hop for hop in hops if hop]):
            if not self._trusted(hop):
                return hop
        return peer

    def forwarded_https(self, request: web.Request) -> bool:
        """Does a trusted proxy say the client came over HTTPS (`X-Forwarded-Proto: https`)?"""
        if not self._proxies or not self._trusted(request.remote or ""):
            return False
        return request.headers.get("X-Forwarded-Proto", "").split(",")[0].strip().lower() == "https"

    def _trusted(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in self._proxies)

    def _identify(self, request: web.Request) -> Caller:
        address = self.address(request)
        scheme, _, token = request.headers.get("Authorization", "").strip().partition(" ")
        if scheme.lower() != "bearer":                 # the scheme is case-insensitive (RFC 9110)
            return Caller(address)
        self._failures.refuse_if_locked(address)
        token = token.strip().encode("utf-8", "surrogateescape")   # any bytes a client sent
        staff = self._staff is not None and hmac.compare_digest(token, self._staff)
        metrics = self._metrics is not None and hmac.compare_digest(token, self._metrics)
        service = False
        for key in self._keys:              # every key is compared: no early exit to time
            service = hmac.compare_digest(token, key) or service
        if not (staff or service or metrics):
            failures = self._failures.count(address)
            log.warning("wrong bearer token from %s (%d in the last minute)", address, failures)
        return Caller(address, staff=staff, service=service, metrics=metrics, bearer=True)
