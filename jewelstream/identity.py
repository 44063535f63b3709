"""Which browser owns a user id.

A `user_id` in the path is not proof of who is asking: anyone can type another's id. So
the first browser that uses an id owns it. The browser is known by an HttpOnly, SameSite
cookie holding a random id and its HMAC signature with a server secret (kept in the
database, so it survives restarts and is shared by all worker processes); `EventSource`
sends it too. Another browser naming the same id gets `403` (with a `hint` for developers:
keep the cookie, or call with a service key), and can neither read nor continue that
user's profile, history or questionnaire. Trusted backends with a service key are not
bound (jewelstream/callers.py).

Ownership is cached in memory after the first look-up, so a request costs one HMAC check
and a dict look-up, not a database write.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets

from aiohttp import web

from jewelstream.requests import Refusal

COOKIE = "jewelstream_browser"
# A browser new to the server that this request bound to a user id: whatever response the
# request gets (a refusal after the binding too) sets its cookie, or the id would be bound
# to a cookie nobody has.
NEW_BROWSER = web.RequestKey("new_browser", str)
COOKIE_MAX_AGE = 400 * 24 * 3600     # browsers cap cookies at 400 days
TAKEN_HINT = (f"This user id is bound to the browser that first used it, by the {COOKIE} cookie "
              "set on that first response. Send that cookie back (curl: -c jar.txt -b jar.txt), "
              "or, from a backend, send 'Authorization: Bearer <service key>' with a key of "
              "JEWELSTREAM_API_KEYS, which may act for any user id.")


class Identity:
    def __init__(self, store, secret: str, *, secure: bool = False) -> None:
        self.store = store
        self._key = secret.encode()
        self.secure = secure
        self._owners: dict[str, str] = {}

    def _sign(self, browser: str) -> str:
        return hmac.new(self._key, browser.encode(), hashlib.sha256).hexdigest()[:32]

    def browser_of(self, request: web.Request) -> tuple[str, bool]:
        """(browser id, whether it is new and its cookie must be set)."""
        browser, _, signature = request.cookies.get(COOKIE, "").partition(".")
        # Ours are ASCII (and compare_digest refuses other strings; a cookie's bytes may be any).
        ours = browser.isascii() and signature.isascii()
        if browser and ours and hmac.compare_digest(signature, self._sign(browser)):
            return browser, False
        return secrets.token_urlsafe(18), True

    async def check_owner(self, user_id: str, browser: str) -> None:
        """Claim `user_id` for `browser`, or Refusal(403) if another browser owns it."""
        owner = self._owners.get(user_id)
        if owner is None:
            owner = await self.store.claim_user(user_id, browser)
            self._owners[user_id] = owner
        if not hmac.compare_digest(owner, browser):
            raise Refusal(403, "user_taken", extra={"hint": TAKEN_HINT})

    async def send_new_cookie(self, request: web.Request, response: web.StreamResponse, *,
                              https: bool = False) -> None:
        """on_response_prepare (through the app): the cookie of the request's NEW_BROWSER,
        `Secure` with the setting or when the request came over `https`. aiohttp has turned
        the response's cookies into headers by now: the header itself."""
        browser = request.get(NEW_BROWSER)
        if browser is not None:
            self.set_cookie(response, browser, secure=self.secure or https)
            response.headers.add("Set-Cookie", response.cookies[COOKIE].output(header="").lstrip())

    def set_cookie(self, response: web.StreamResponse, browser: str, *, secure: bool = False) -> None:
        response.set_cookie(COOKIE, f"{browser}.{self._sign(browser)}", max_age=COOKIE_MAX_AGE,
                            httponly=True, samesite="Lax", secure=secure or self.secure, path="/")
